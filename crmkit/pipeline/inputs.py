"""The fingerprint of a client's inputs: its params.yaml and every file of its data folder.

A run records it in results.json (``run.inputs_hash``); ``crmkit batch --skip-unchanged``
compares it with the newest earlier successful run of the client to skip a client whose
inputs have not changed since.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

__all__ = ["data_dir_of", "inputs_hash"]

_CHUNK = 1 << 20


def data_dir_of(client_dir: str | Path) -> Path:
    """The data folder a client's params.yaml names (``data_dir``, default ``data``).

    Reads only that one key, leniently: a params.yaml that cannot be read gives the default
    (validation reports what is wrong with it).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "params.yaml").write_text("client: A\\ndata_dir: exports\\n")
    >>> data_dir_of(folder).name
    'exports'
    """
    client_dir = Path(client_dir)
    try:
        raw = yaml.safe_load((client_dir / "params.yaml").read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):  # e.g. a date that is no date
        raw = None
    name = raw.get("data_dir") if isinstance(raw, dict) else None
    return client_dir / (name if isinstance(name, str) and name.strip() else "data")


def inputs_hash(client_dir: str | Path, data_dir: str | Path | None = None) -> str:
    """SHA-256 over params.yaml and every file of the data folder, in sorted path order.

    Each file contributes its path relative to the client folder, its size and its bytes, so
    renaming, adding or removing a file changes the hash as much as editing one. Hidden files (a name
    starting with ``.``, e.g. ``.DS_Store``) are left out.

    Parameters
    ----------
    client_dir : path
        The client folder.
    data_dir : path, optional
        Its data folder, relative to ``client_dir`` or absolute; default: as params.yaml
        says (:func:`data_dir_of`).

    Returns
    -------
    str
        ``"sha256:"`` and 64 hexadecimal digits.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "params.yaml").write_text("client: A\\n")
    >>> (folder / "data").mkdir()
    >>> _ = (folder / "data" / "orders.csv").write_text("order_id\\n1\\n")
    >>> first = inputs_hash(folder)
    >>> _ = (folder / "data" / "orders.csv").write_text("order_id\\n2\\n")
    >>> first == inputs_hash(folder)
    False
    """
    client_dir = Path(client_dir)
    data = client_dir / data_dir if data_dir is not None else data_dir_of(client_dir)
    files = [client_dir / "params.yaml"]
    if data.is_dir():
        files += sorted(
            (p for p in data.rglob("*") if p.is_file() and not p.name.startswith(".")),
            key=lambda p: p.as_posix(),
        )
    digest = hashlib.sha256()
    for path in files:
        try:
            name = path.relative_to(client_dir).as_posix()
        except ValueError:  # a data folder outside the client folder
            name = path.as_posix()
        digest.update(name.encode("utf-8") + b"\0")
        if not path.is_file():
            digest.update(b"absent\0")
            continue
        digest.update(f"{path.stat().st_size}\0".encode())  # the length keeps files apart
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()
