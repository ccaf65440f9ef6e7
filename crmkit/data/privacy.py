"""Pseudonymised ids and hidden free text: what the stages see of people.

Reports leave the consultant's firm, so the run's table cache (the only thing stages read)
holds no raw customer id, user id, name, e-mail or phone number, and no free text:

- **Identifiers are pseudonymised.** ``customer_id`` of every table, the staff ids
  (``user_id`` of usage and the user survey, ``rep_id`` of orders and opportunities, which
  name the same people and are joined), the columns listed in ``privacy.extra_id_columns``
  and every non-canonical column whose name or values look like a name, e-mail or phone
  number are replaced by a stable pseudonym: the HMAC-SHA256 of the raw value under the
  client's salt, its first 16 hexadecimal digits (64 bits: at 10 million ids the chance that
  two share a pseudonym is about 3 in a million) after a letter that says what it names
  (``C-`` customers, ``U-`` staff, ``P-`` anything else), e.g. ``C-7f3a9c2e41b05d88``. The
  same raw id gives the same pseudonym in every table and every run of the client, so joins
  keep working and a reader can follow one customer without learning who it is.
- **Free text is dropped.** Non-canonical text columns of high cardinality (comments, notes,
  subject lines) are removed unless ``privacy.keep_free_text``. The canonical tables have no
  free-text column (their text columns are labels: segment, region, channel ...).

The salt is 32 random bytes kept in the client folder (:data:`SALT_FILE`), created at the
first run; it never goes into a report. Losing it changes every pseudonym of later runs.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from crmkit.data.config import Assessment, Control, Privacy
from crmkit.data.schemas import TABLES

__all__ = [
    "PSEUDONYM_DIGITS",
    "SALT_FILE",
    "PrivateTables",
    "client_salt",
    "free_text_columns",
    "identifier_columns",
    "private_assessment",
    "private_tables",
    "pseudonym",
    "pseudonym_prefix",
    "pseudonymise_values",
    "scrub_text",
]

#: The file of the client folder that holds the client's salt (hexadecimal).
SALT_FILE = ".crmkit-salt"

#: Hexadecimal digits of the HMAC kept in a pseudonym (4 bits each: 64 bits).
PSEUDONYM_DIGITS = 16

#: Canonical columns that always name a person, with the letter of their pseudonyms. Columns
#: that are joined share a letter (a user of the CRM is a rep of the orders).
_PERSON_COLUMNS: Mapping[str, str] = {"customer_id": "C", "user_id": "U", "rep_id": "U"}

#: The letter of pseudonyms of any other column.
_OTHER_PREFIX = "P"

#: Column names (of columns outside the schema) that say the column holds personal data.
_PERSONAL_NAME = re.compile(
    r"(^|[^a-z])(name|first_?name|last_?name|full_?name|surname|user_?name|login|contact|"
    r"e-?mail|mail|phone|telephone|tel|mobile|cell|fax|address|ssn|passport)([^a-z]|s?$)"
    r"|姓名|名字|联系人|电话|手机|邮箱|地址",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[\d\s().\-/]{7,24}")

#: A text column outside the schema is free text when it has at least this many distinct
#: values, and they are at least this share of its non-empty cells.
FREE_TEXT_MIN_DISTINCT = 20
FREE_TEXT_MIN_SHARE = 0.5

#: Share of a column's sampled values that must look like e-mails or phone numbers.
_LOOKS_LIKE_SHARE = 0.5
_SAMPLE = 200


def client_salt(client_dir: str | Path) -> bytes:
    """The client's salt, read from ``client_dir/.crmkit-salt``; created when absent.

    Raises
    ------
    OSError
        With the file's path, when the salt cannot be read or written.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> first = client_salt(folder)
    >>> len(first), client_salt(folder) == first, (folder / SALT_FILE).exists()
    (32, True, True)
    """
    path = Path(client_dir) / SALT_FILE
    if not path.exists():
        try:
            with open(path, "x", encoding="ascii") as handle:  # never overwrite a salt
                handle.write(secrets.token_hex(32) + "\n")
        except FileExistsError:  # another run created it meanwhile
            pass
        except OSError as error:
            raise OSError(
                f"{path}: cannot create the client's pseudonym salt ({error}); the client "
                "folder must be writable at the first run"
            ) from error
    text = path.read_text(encoding="ascii").strip()
    try:
        salt = bytes.fromhex(text)
    except ValueError:
        salt = b""
    if len(salt) < 16:
        raise OSError(
            f"{path}: expected the client's salt (at least 32 hexadecimal digits); restore it "
            "from a backup of the client folder, or delete it to start new pseudonyms"
        )
    return salt


def pseudonym(raw: str, salt: bytes, prefix: str = "C") -> str:
    """The pseudonym of one raw id: ``prefix-`` and the first 16 hex digits of its HMAC.

    Examples
    --------
    >>> pseudonym("C0001", b"salt")
    'C-45b7e89bf187d0ec'
    """
    digest = hmac.new(salt, str(raw).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:PSEUDONYM_DIGITS]}"


def pseudonym_prefix(column: str) -> str:
    """The letter of a column's pseudonyms: ``C`` customers, ``U`` staff, ``P`` others.

    Examples
    --------
    >>> pseudonym_prefix("customer_id"), pseudonym_prefix("rep_id"), pseudonym_prefix("email")
    ('C', 'U', 'P')
    """
    return _PERSON_COLUMNS.get(column, _OTHER_PREFIX)


def pseudonymise_values(values: pd.Series, salt: bytes, prefix: str) -> pd.Series:
    """``values`` with each non-missing value replaced by its pseudonym (as text).

    Each distinct value is hashed once. Numbers are hashed as written (``7`` as ``"7"``).

    Examples
    --------
    >>> out = pseudonymise_values(pd.Series(["A", None, "A"]), b"salt", "C")
    >>> out[0] == out[2] == pseudonym("A", b"salt"), out.isna().tolist()
    (True, [False, True, False])
    """
    return _pseudonymised(values, salt, prefix)[0]


def _pseudonymised(values: pd.Series, salt: bytes, prefix: str) -> tuple[pd.Series, dict]:
    """``values`` pseudonymised, and each distinct raw value (as written) → its pseudonym."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    keyed = hmac.new(salt, digestmod=hashlib.sha256)  # keyed once, copied for each value
    written = [_written(v) for v in uniques.tolist()]
    names = []
    for raw in written:
        digest = keyed.copy()
        digest.update(raw.encode("utf-8"))
        names.append(f"{prefix}-{digest.hexdigest()[:PSEUDONYM_DIGITS]}")
    taken = pa.array(names, type=pa.string()).take(pa.array(codes, mask=codes < 0))
    out = pd.Series(pd.arrays.ArrowStringArray(taken), index=values.index, name=values.name)
    return out, dict(zip(written, names, strict=True))


def _written(value: object) -> str:
    """A value as the client wrote it: whole floats without ``.0`` (ids read as numbers)."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)


def _names_personal(column: str) -> bool:
    """Whether a column's name says it holds personal data (camelCase read as words).

    Examples
    --------
    >>> names = ("ContactName", "E-mail", "联系电话", "Username", "filename")
    >>> [_names_personal(name) for name in names]
    [True, True, True, True, False]
    """
    return _PERSONAL_NAME.search(re.sub(r"(?<=[a-z])(?=[A-Z])", "_", column)) is not None


def _looks_personal(values: pd.Series) -> bool:
    """Whether most sampled non-empty values look like e-mail addresses or phone numbers."""
    if not _is_text(values):
        return False
    sample = values.dropna().astype(str).str.strip()
    sample = sample[sample != ""].head(_SAMPLE)
    if sample.empty:
        return False
    email = sample.map(lambda v: _EMAIL.fullmatch(v) is not None).mean()
    phone = sample.map(
        lambda v: _PHONE.fullmatch(v) is not None and sum(ch.isdigit() for ch in v) >= 7
    ).mean()
    return max(email, phone) >= _LOOKS_LIKE_SHARE


def identifier_columns(table: str, frame: pd.DataFrame, privacy: Privacy) -> tuple[str, ...]:
    """The columns of ``table`` to pseudonymise, in the frame's order.

    Canonical person ids (``customer_id``, ``user_id``, ``rep_id``), the columns of
    ``privacy.extra_id_columns``, and columns outside the schema whose name (``contact_name``,
    ``E-mail``, ``phone``) or values (e-mail addresses, phone numbers) say they hold personal
    data.

    Examples
    --------
    >>> frame = pd.DataFrame({"customer_id": ["C1"], "segment": ["SMB"], "mail": ["a@b.cn"],
    ...                       "note": ["x"], "Contact Name": ["Ann"]})
    >>> identifier_columns("customers", frame, Privacy(extra_id_columns={"all": ("note",)}))
    ('customer_id', 'mail', 'note', 'Contact Name')
    """
    schema = TABLES.get(table)
    canonical = set(schema.column_names) if schema else set()
    extra = set(privacy.extra_id_columns_for(table))
    chosen = []
    for name in frame.columns:
        if name in _PERSON_COLUMNS or name in extra:
            chosen.append(name)
        elif name not in canonical and (_names_personal(str(name)) or _looks_personal(frame[name])):
            chosen.append(name)
    return tuple(chosen)


def free_text_columns(
    table: str, frame: pd.DataFrame, *, keep: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """The free-text columns of ``table``: text columns outside the schema with many distinct
    values (at least 20, and at least half of the non-empty cells); ``keep`` is never listed.

    Examples
    --------
    >>> notes = [f"called about order {i}" for i in range(30)]
    >>> frame = pd.DataFrame({"response_id": [str(i) for i in range(30)], "comment": notes,
    ...                       "wave": ["spring"] * 30})
    >>> free_text_columns("surveys", frame)
    ('comment',)
    """
    schema = TABLES.get(table)
    canonical = set(schema.column_names) if schema else set()
    found = []
    for name in frame.columns:
        if name in canonical or name in keep or not _is_text(frame[name]):
            continue
        filled = frame[name].dropna()
        distinct = filled.nunique()
        if distinct >= FREE_TEXT_MIN_DISTINCT and distinct >= FREE_TEXT_MIN_SHARE * len(filled):
            found.append(name)
    return tuple(found)


@dataclass(frozen=True)
class PrivateTables:
    """The tables as stages may see them, and what was changed.

    Attributes
    ----------
    tables : dict of str to DataFrame
        The tables with identifiers pseudonymised and free text dropped.
    pseudonymised : dict of str to tuple of str
        Table → the columns pseudonymised (tables with none are left out).
    dropped : dict of str to tuple of str
        Table → the free-text columns dropped.
    pseudonyms : mapping of str to str
        Every raw value pseudonymised → its pseudonym (of the first column that held it), to
        scrub texts that quote raw values (:func:`scrub_text`).
    """

    tables: dict[str, pd.DataFrame]
    pseudonymised: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dropped: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pseudonyms: Mapping[str, str] = field(default_factory=dict)


def private_tables(
    tables: Mapping[str, pd.DataFrame],
    privacy: Privacy,
    salt: bytes,
    *,
    keep: tuple[str, ...] = (),
    control: Control | None = None,
) -> PrivateTables:
    """The tables with identifiers pseudonymised and free text dropped, as ``privacy`` says.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated tables.
    privacy : Privacy
        ``pseudonymise`` False leaves ids as they are; ``keep_free_text`` True keeps free text.
    salt : bytes
        The client's salt (:func:`client_salt`).
    keep : tuple of str
        Columns never dropped as free text (the control group's column).
    control : Control, optional
        The control group; when its column is pseudonymised, its values join
        ``pseudonyms`` (they may name ids that no table holds).

    Returns
    -------
    PrivateTables

    Examples
    --------
    >>> tables = {"customers": pd.DataFrame({"customer_id": ["A"]}),
    ...           "orders": pd.DataFrame({"order_id": ["O1"], "customer_id": ["A"]})}
    >>> out = private_tables(tables, Privacy(), b"salt")
    >>> out.tables["orders"]["customer_id"][0] == out.tables["customers"]["customer_id"][0]
    True
    >>> out.tables["orders"]["order_id"][0], out.pseudonymised
    ('O1', {'customers': ('customer_id',), 'orders': ('customer_id',)})
    """
    out: dict[str, pd.DataFrame] = {}
    pseudonymised: dict[str, tuple[str, ...]] = {}
    dropped: dict[str, tuple[str, ...]] = {}
    pseudonyms: dict[str, str] = {}
    for name, frame in tables.items():
        ids = identifier_columns(name, frame, privacy) if privacy.pseudonymise else ()
        text = () if privacy.keep_free_text else free_text_columns(name, frame, keep=keep + ids)
        if not ids and not text:
            out[name] = frame
            continue
        frame = frame.drop(columns=list(text))
        for column in ids:
            frame[column], names = _pseudonymised(frame[column], salt, pseudonym_prefix(column))
            for value, alias in names.items():
                pseudonyms.setdefault(value, alias)
        out[name] = frame
        if ids:
            pseudonymised[name] = ids
        if text:
            dropped[name] = text
    if control is not None and any(control.column in ids for ids in pseudonymised.values()):
        prefix = pseudonym_prefix(control.column)
        for value in control.values:
            pseudonyms.setdefault(value, pseudonym(value, salt, prefix))
    return PrivateTables(out, pseudonymised, dropped, pseudonyms)


def private_assessment(assessment: Assessment, private: PrivateTables, salt: bytes) -> Assessment:
    """``assessment`` with its control values pseudonymised when its control column was.

    A control group given as a list of customers (``control: {column: customer_id, values:
    [...]}``) must name the pseudonyms the tables now hold.
    """
    control = assessment.control
    columns = {c for names in private.pseudonymised.values() for c in names}
    if control is None or control.column not in columns:
        return assessment
    prefix = pseudonym_prefix(control.column)
    values = tuple(pseudonym(v, salt, prefix) for v in control.values)
    return replace(assessment, control=replace(control, values=values))


#: Quoted values of a text (messages quote values as Python does: ``'C001'``).
_QUOTED = re.compile(r"'([^'\n]+)'|\"([^\"\n]+)\"")

#: Words of a text that may be raw values: runs of characters other than spaces, quotes and
#: the punctuation that messages put around values.
_TOKEN = re.compile(r"[^\s'\",;=()\[\]{}]+")


def scrub_text(text: str, pseudonyms: Mapping[str, str]) -> str:
    """``text`` with every raw pseudonymised value it quotes or holds as a word replaced by
    its pseudonym.

    Examples
    --------
    >>> names = {"C001": "C-1a", "C0010": "C-2b", "Ann Lee": "P-3c"}
    >>> scrub_text("customer 'C001' is unknown, C0010. 'Ann Lee' too", names)
    "customer 'C-1a' is unknown, C-2b. 'P-3c' too"
    """
    if not pseudonyms or not isinstance(text, str):
        return text

    def quoted(match: re.Match) -> str:
        inner = match.group(1) if match.group(1) is not None else match.group(2)
        alias = pseudonyms.get(inner)
        return match.group(0) if alias is None else match.group(0).replace(inner, alias)

    def word(match: re.Match) -> str:
        token = match.group(0)
        if token in pseudonyms:
            return pseudonyms[token]
        stripped = token.rstrip(".:!?")
        if stripped in pseudonyms:
            return pseudonyms[stripped] + token[len(stripped) :]
        return token

    return _TOKEN.sub(word, _QUOTED.sub(quoted, text))
