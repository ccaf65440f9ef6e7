"""Pseudonymised ids and hidden free text (crmkit.data.privacy, the run's table cache).

The pseudonyms are checked against HMAC-SHA256 written out here with hashlib/hmac, and one
against the digest computed outside Python (``openssl dgst -sha256 -hmac``). The end-to-end
test runs a generated client whose ids, names, e-mails, phones and comments are distinctive
strings and searches every file of the report folder for them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from crmkit.data import io
from crmkit.data.config import Privacy, parse_params
from crmkit.data.exceptions import ParamsError
from crmkit.data.privacy import (
    SALT_FILE,
    client_salt,
    free_text_columns,
    identifier_columns,
    private_tables,
    pseudonym,
    pseudonymise_values,
    scrub_text,
)
from crmkit.data.validation import validate_client
from crmkit.pipeline.context import write_run_inputs

SALT = b"crmkit-test-salt"


def by_hand(raw: str, salt: bytes = SALT, letter: str = "C") -> str:
    """HMAC-SHA256 of the raw id under the salt, its first 16 hex digits after the letter."""
    digest = hmac.new(salt, raw.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{letter}-{digest[:16]}"


# --- the pseudonym --------------------------------------------------------------------------


def test_a_pseudonym_is_the_salted_hmac_of_the_raw_id():
    # echo -n C0001 | openssl dgst -sha256 -hmac crmkit-test-salt
    # = 7d1ebf016b426686642bca1fc5db09db5d80ed15d040628481e4214777531d19
    assert pseudonym("C0001", SALT) == "C-7d1ebf016b426686"
    assert pseudonym("C0001", SALT) == by_hand("C0001")
    assert pseudonym("U001", SALT, "U") == by_hand("U001", letter="U")
    assert pseudonym("C0001", b"another-client") != pseudonym("C0001", SALT)


def test_pseudonyms_keep_missing_values_and_read_numbers_as_written():
    out = pseudonymise_values(pd.Series(["C0001", None, "C0002", "C0001"]), SALT, "C")
    assert out.tolist()[0] == out.tolist()[3] == by_hand("C0001")
    assert out.tolist()[2] == by_hand("C0002")
    assert out.isna().tolist() == [False, True, False, False]
    numbers = pseudonymise_values(pd.Series([7.0, 12.0]), SALT, "P")
    assert numbers.tolist() == [by_hand("7", letter="P"), by_hand("12", letter="P")]


def test_no_two_of_a_million_ids_share_a_pseudonym():
    ids = pd.Series([f"C{i:07d}" for i in range(1_000_000)])
    out = pseudonymise_values(ids, SALT, "C")
    assert out.nunique() == 1_000_000
    assert out.str.fullmatch(r"C-[0-9a-f]{16}").all()
    # 64 bits: at 10 million ids the chance of any collision is n^2 / 2^65, about 3e-6
    assert (10_000_000**2) / 2**65 < 1e-5


def test_the_salt_is_made_once_per_client_folder(tmp_path):
    (tmp_path / "a").mkdir()
    first = client_salt(tmp_path / "a")
    assert client_salt(tmp_path / "a") == first and len(first) == 32
    assert (tmp_path / "a" / SALT_FILE).read_text().strip() == first.hex()
    (tmp_path / "b").mkdir()
    assert client_salt(tmp_path / "b") != first
    (tmp_path / "b" / SALT_FILE).write_text("not a salt\n")
    with pytest.raises(OSError, match=r"\.crmkit-salt: expected the client's salt"):
        client_salt(tmp_path / "b")


# --- which columns ----------------------------------------------------------------------------


def test_person_ids_and_columns_that_look_personal_are_found():
    n = 30
    frame = pd.DataFrame(
        {
            "response_id": [f"S{i}" for i in range(n)],
            "customer_id": [f"C{i}" for i in range(n)],
            "nps": np.arange(n) % 11,
            "Contact Name": [f"Person {i}" for i in range(n)],
            "reach": [f"p{i}@mail.example.org" for i in range(n)],  # an e-mail by its values
            "line": [f"+86 138 {i:04d} 5521" for i in range(n)],  # a phone by its values
            "wave": ["spring"] * n,
            "comment": [f"said something {i}" for i in range(n)],
        }
    )
    privacy = Privacy()
    assert identifier_columns("surveys", frame, privacy) == (
        "customer_id",
        "Contact Name",
        "reach",
        "line",
    )
    assert free_text_columns("surveys", frame) == ("Contact Name", "reach", "line", "comment")
    listed = Privacy(extra_id_columns={"surveys": ("response_id",)})
    assert identifier_columns("surveys", frame, listed)[:2] == ("response_id", "customer_id")


def test_record_ids_that_name_no_person_are_left_alone():
    orders = pd.DataFrame({"order_id": ["O1"], "customer_id": ["C1"], "rep_id": ["R01"]})
    tickets = pd.DataFrame({"ticket_id": ["T1"], "customer_id": ["C1"]})
    assert identifier_columns("orders", orders, Privacy()) == ("customer_id", "rep_id")
    assert identifier_columns("tickets", tickets, Privacy()) == ("customer_id",)


def test_the_same_customer_has_the_same_pseudonym_in_every_table():
    tables = {
        "customers": pd.DataFrame({"customer_id": ["C0001", "C0002"], "segment": ["SMB", "SMB"]}),
        "orders": pd.DataFrame(
            {"order_id": ["O1", "O2"], "customer_id": ["C0002", "C0001"], "rep_id": ["R01", "R02"]}
        ),
        "tickets": pd.DataFrame({"ticket_id": ["T1"], "customer_id": ["C0002"]}),
        "usage": pd.DataFrame({"user_id": ["R02", "R01"], "sessions": [3.0, 1.0]}),
    }
    out = private_tables(tables, Privacy(), SALT).tables
    assert out["customers"]["customer_id"].tolist() == [by_hand("C0001"), by_hand("C0002")]
    assert out["orders"]["customer_id"].tolist() == [by_hand("C0002"), by_hand("C0001")]
    assert out["tickets"]["customer_id"].tolist() == [by_hand("C0002")]
    # a CRM user is a rep of the orders: both get the same staff pseudonym, the join holds
    assert out["orders"]["rep_id"].tolist() == [
        by_hand("R01", letter="U"),
        by_hand("R02", letter="U"),
    ]
    assert out["usage"]["user_id"].tolist() == [
        by_hand("R02", letter="U"),
        by_hand("R01", letter="U"),
    ]
    assert out["orders"]["order_id"].tolist() == ["O1", "O2"]
    joined = out["orders"].merge(out["customers"], on="customer_id")
    assert len(joined) == 2
    assert tables["orders"]["customer_id"].tolist() == ["C0002", "C0001"]  # input untouched


def test_showing_raw_ids_and_free_text_is_explicit():
    n = 25
    surveys = pd.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(n)],
            "comment": [f"free text {i}" for i in range(n)],
        }
    )
    hidden = private_tables({"surveys": surveys}, Privacy(), SALT)
    assert list(hidden.tables["surveys"].columns) == ["customer_id"]
    assert hidden.dropped == {"surveys": ("comment",)}
    shown = private_tables(
        {"surveys": surveys}, Privacy(pseudonymise=False, keep_free_text=True), SALT
    )
    pd.testing.assert_frame_equal(shown.tables["surveys"], surveys)
    assert shown.pseudonymised == {} and shown.dropped == {}


def test_a_text_that_quotes_raw_ids_quotes_pseudonyms():
    names = {"C0001": by_hand("C0001"), "Ann Lee": by_hand("Ann Lee", letter="P")}
    text = "no row has customer_id = C0001: e.g. 'Ann Lee', C0001."
    assert scrub_text(text, names) == (
        f"no row has customer_id = {by_hand('C0001')}: e.g. "
        f"'{by_hand('Ann Lee', letter='P')}', {by_hand('C0001')}."
    )
    assert scrub_text("C00011 is another id", names) == "C00011 is another id"


# --- params -----------------------------------------------------------------------------------


def test_privacy_params_default_to_hiding():
    a = parse_params({"client": "A", "go_live_date": "2025-01-01"})
    assert a.privacy == Privacy(
        show_record_ids=False, pseudonymise=True, extra_id_columns={}, keep_free_text=False
    )
    b = parse_params(
        {
            "client": "A",
            "go_live_date": "2025-01-01",
            "privacy": {
                "pseudonymise": False,
                "keep_free_text": True,
                "extra_id_columns": {"orders": ["order_id"], "all": ["contact_id"]},
            },
        }
    )
    assert b.privacy.extra_id_columns_for("orders") == ("order_id", "contact_id")
    assert b.privacy.extra_id_columns_for("tickets") == ("contact_id",)
    assert parse_params(b.to_dict()).privacy == b.privacy  # params.json reads back the same
    listed = parse_params(
        {"client": "A", "go_live_date": "2025-01-01", "privacy": {"extra_id_columns": ["x"]}}
    )
    assert listed.privacy.extra_id_columns == {"all": ("x",)}


@pytest.mark.parametrize(
    "privacy, key, message",
    [
        ({"pseudonymize": False}, "privacy.pseudonymize", "did you mean 'pseudonymise'"),
        ({"pseudonymise": "no"}, "privacy.pseudonymise", "expected true or false"),
        ({"keep_free_text": 1}, "privacy.keep_free_text", "expected true or false"),
        (
            {"extra_id_columns": {"order": ["x"]}},
            "privacy.extra_id_columns.order",
            "did you mean 'orders'",
        ),
        (
            {"extra_id_columns": {"orders": [3]}},
            "privacy.extra_id_columns.orders",
            "list of column names",
        ),
        ({"extra_id_columns": 5}, "privacy.extra_id_columns", "list of column names"),
    ],
)
def test_bad_privacy_params_get_one_clear_message(privacy, key, message):
    with pytest.raises(ParamsError) as raised:
        parse_params({"client": "A", "go_live_date": "2025-01-01", "privacy": privacy})
    assert f"params.yaml, {key}: " in str(raised.value)
    assert message in str(raised.value)


# --- the run's table cache ----------------------------------------------------------------------


def test_the_run_cache_holds_only_pseudonyms(template_client, tmp_path):
    params = yaml.safe_load((template_client / "params.yaml").read_text())
    params["control"] = {"column": "customer_id", "values": ["C9998", "C9999"]}
    (template_client / "params.yaml").write_text(yaml.safe_dump(params))
    report = validate_client(template_client).raise_if_failed()
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    written_report = write_run_inputs(run_dir, template_client, report)
    tables, assessment = written_report.tables, written_report.assessment
    salt = bytes.fromhex((template_client / SALT_FILE).read_text().strip())
    cached = io.read_cache(run_dir / "tables")
    assert cached["customers"]["customer_id"].tolist() == [
        by_hand("C0001", salt),
        by_hand("C0002", salt),
    ]
    assert cached["orders"]["customer_id"].tolist() == [
        by_hand("C0001", salt),
        by_hand("C0002", salt),
    ]
    assert cached["orders"]["order_id"].tolist() == ["O0001", "O0002"]
    assert cached["usage"]["user_id"].tolist() == [
        by_hand("U001", salt, "U"),
        by_hand("U002", salt, "U"),
    ]
    assert cached["orders"]["rep_id"].tolist() == [
        by_hand("R01", salt, "U"),
        by_hand("R07", salt, "U"),
    ]
    pd.testing.assert_frame_equal(tables["orders"], cached["orders"], check_dtype=False)
    # a control group given as a list of customers names their pseudonyms
    written = json.loads((run_dir / "params.json").read_text())
    assert written["control"]["values"] == [by_hand("C9998", salt), by_hand("C9999", salt)]
    assert assessment.control.values == tuple(written["control"]["values"])
    validation = (run_dir / "validation.json").read_text()
    assert "C9999" not in validation and "C9998" not in validation
    assert by_hand("C9999", salt) in validation  # "no row has customer_id = …"
    assert "C9999" in report.summary()  # what validation found, before the run writes it
    summary = written_report.summary()  # what the run's log shows
    assert "C9999" not in summary and by_hand("C9999", salt) in summary
    assert SALT_FILE not in "".join(p.name for p in run_dir.rglob("*"))


def test_a_second_run_of_the_client_gives_the_same_pseudonyms(template_client, tmp_path):
    report = validate_client(template_client).raise_if_failed()
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    first = write_run_inputs(tmp_path / "1", template_client, report).tables
    second = write_run_inputs(tmp_path / "2", template_client, report).tables
    pd.testing.assert_frame_equal(first["customers"], second["customers"])
    assert first["customers"]["customer_id"].str.startswith("C-").all()


# --- end to end -------------------------------------------------------------------------------

#: Every raw value of the client below contains one of these; none may reach a report.
RAW_MARKERS = ("QXC_", "QXU_", "Quixote", "@example-qx.org", "+86 139", "QXCOMMENT")


def _distinctive_client(folder: Path) -> Path:
    """The demo client at a small scale, its ids, names, e-mails, phones and comments made
    distinctive strings."""
    from crmkit.demo.synth import generate_demo_client

    generate_demo_client(folder, scale=0.05)
    data = folder / "data"
    for path in sorted(data.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "customer_id" in frame:
            frame["customer_id"] = frame["customer_id"].map(lambda v: f"QXC_{v}" if v else v)
        for column in ("user_id", "rep_id"):
            if column in frame:
                frame[column] = frame[column].map(lambda v: f"QXU_{v}" if v else v)
        if path.stem in ("surveys", "user_survey"):
            i = np.arange(len(frame))
            frame["Contact Name"] = [f"Quixote Person {k}" for k in i]
            frame["email"] = [f"person{k}@example-qx.org" for k in i]
            frame["mobile"] = [f"+86 139 {k:05d} 21" for k in i]
            frame["comment"] = [f"QXCOMMENT the customer wrote {k}" for k in i]
        frame.to_csv(path, index=False)
    params = yaml.safe_load((folder / "params.yaml").read_text())
    params["privacy"] = {"show_record_ids": True}  # ids shown, as pseudonyms
    (folder / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    return folder


def _texts(path: Path) -> list[str]:
    """A file's text, and the text of every base64 block in it (images, their metadata)."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    found = [text]
    for block in re.findall(r"[A-Za-z0-9+/=\\n]{400,}", text):
        try:
            found.append(
                base64.b64decode(block.replace("\\n", ""), validate=False).decode("latin-1")
            )
        except ValueError:
            continue
    return found


def _figures(results: dict, path: str = "") -> dict[str, object]:
    """Every number of results.json by its path (the run's timings and identity left out)."""
    skip = {"generated_at", "run_id", "run", "params", "seconds", "compute_seconds"}
    out: dict[str, object] = {}
    if isinstance(results, dict):
        for key, value in results.items():
            if key not in skip:
                out.update(_figures(value, f"{path}/{key}"))
    elif isinstance(results, list):
        for i, value in enumerate(results):
            out.update(_figures(value, f"{path}[{i}]"))
    elif isinstance(results, int | float) and not isinstance(results, bool):
        out[path] = results
    return out


@pytest.mark.slow
def test_no_raw_id_name_email_phone_or_comment_reaches_the_report(tmp_path):
    from crmkit.pipeline.runner import run_assessment

    client = _distinctive_client(tmp_path / "qx")
    first = run_assessment(
        client, output_root=tmp_path / "reports", jobs=2, progress=False
    ).report_dir
    files = [p for p in sorted(first.rglob("*")) if p.is_file()]
    assert {p.suffix for p in files} >= {".html", ".json", ".ipynb", ".log"}
    for path in files:
        for text in _texts(path):
            for marker in RAW_MARKERS:
                assert marker not in text, f"{marker!r} in {path.relative_to(first)}"
    assert not any(p.name == SALT_FILE for p in files)

    salt = client_salt(client)
    shown = pseudonym("QXC_C000001", salt)
    results = json.loads((first / "results.json").read_text())
    treated = results["impact"]["difference_in_differences"]["treated_units"]
    assert treated and all(re.fullmatch(r"U-[0-9a-f]{16}", u) for u in treated)
    customer_page = (first / "09_customer_value.html").read_text()
    top = re.findall(r"C-[0-9a-f]{16}", customer_page)
    assert top, "the top customers are listed by pseudonym"

    second = run_assessment(
        client, output_root=tmp_path / "reports", jobs=2, progress=False
    ).report_dir
    assert re.findall(r"C-[0-9a-f]{16}", (second / "09_customer_value.html").read_text()) == top
    assert (
        json.loads((second / "results.json").read_text())["impact"]["difference_in_differences"][
            "treated_units"
        ]
        == treated
    )
    assert len(shown) == 18

    raw = run_assessment(
        client,
        output_root=tmp_path / "raw",
        jobs=2,
        progress=False,
        overrides={"privacy.pseudonymise": "false"},
    ).report_dir
    raw_results = json.loads((raw / "results.json").read_text())
    raw_treated = raw_results["impact"]["difference_in_differences"]["treated_units"]
    assert sorted(pseudonym(u, salt, "U") for u in raw_treated) == sorted(treated)
    assert "QXC_" in (raw / "09_customer_value.html").read_text()

    # Equal up to the order of floating-point sums: models fitted per customer (CLV) add the
    # customers in the order of their ids, so the last digits of their parameters may differ.
    # The wild cluster bootstrap over reps hands its draws to units by their data, not their
    # ids, so its p-value and interval (and the simulation drawing from them) are the same.
    masked, plain = _figures(results), _figures(raw_results)
    assert set(masked) == set(plain)
    differ = [
        key
        for key in masked
        if not (
            masked[key] == plain[key]
            or math.isclose(masked[key], plain[key], rel_tol=1e-6, abs_tol=1e-12)
        )
    ]
    assert differ == [], {key: (masked[key], plain[key]) for key in differ}
    assert masked["/financial/npv"] == plain["/financial/npv"]
