"""Creating a new client folder from the project's templates (``crmkit init``)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from crmkit.data.exceptions import CrmkitError
from crmkit.pipeline.stages import templates_dir

__all__ = ["init_client"]


def init_client(name: str, *, root: str | Path = "clients", client: str | None = None) -> Path:
    """Create ``root/name/`` with a commented ``params.yaml`` and template tables in ``data/``.

    Parameters
    ----------
    name : str
        The folder name: letters, digits, ``-`` and ``_`` (e.g. ``acme``).
    root : path
        Where client folders live.
    client : str, optional
        The client's display name written into params.yaml (default: ``name`` as a title).

    Returns
    -------
    Path
        The new client folder.

    Raises
    ------
    CrmkitError
        When the name is not a plain folder name or the folder already exists.
    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name):
        raise CrmkitError(f"client name {name!r}: use letters, digits, '-' and '_' only, e.g. acme")
    target = Path(root) / name
    if target.exists():
        raise CrmkitError(f"{target} already exists; choose another name or edit that folder")
    source = templates_dir()
    params = (source / "params.yaml").read_text(encoding="utf-8")
    display = client or name.replace("_", " ").replace("-", " ").title()
    params = re.sub(r"(?m)^client: .*$", f"client: {display}", params, count=1)
    target.mkdir(parents=True)
    shutil.copytree(source / "data", target / "data")
    (target / "params.yaml").write_text(params, encoding="utf-8")
    return target
