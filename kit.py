#!/usr/bin/env python3
"""Set up crmkit in a local virtual environment (once) and run it.

    python3 kit.py demo [crmkit demo options]   # the demo assessment; prints the report's path
    python3 kit.py test [pytest options]        # the test suite
    python3 kit.py lab                          # JupyterLab on the stage notebooks
    python3 kit.py crmkit ARGS                  # any crmkit command, e.g. crmkit run clients/acme

The first call creates ``.venv`` beside this file and installs crmkit with its dependencies;
later calls reuse it, and reinstall only when ``pyproject.toml`` has changed. Needs only
Python 3.11 or newer.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".crmkit-installed"


def _fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_environment() -> None:
    """Create the virtual environment and install crmkit, unless already up to date."""
    if sys.version_info < (3, 11):  # noqa: UP036 (kit.py runs under any python3)
        sys.exit(f"crmkit needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if STAMP.exists() and STAMP.read_text() == _fingerprint() and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing crmkit and its dependencies (about a minute, once) ...", flush=True)
    subprocess.run(
        [
            str(PYTHON),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-e",
            f"{ROOT}[test]",
        ],
        check=True,
    )
    STAMP.write_text(_fingerprint())


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "lab", "crmkit"}:
        print(__doc__.strip())
        return 2
    command, rest = argv[0], argv[1:]
    try:
        ensure_environment()
    except subprocess.CalledProcessError as exc:
        print(f"Setting up failed: {' '.join(map(str, exc.cmd))} exited with {exc.returncode}.")
        return 1
    if command == "demo":
        args = [str(BIN / "crmkit"), "demo", *rest]
    elif command == "test":
        args = [str(PYTHON), "-m", "pytest", *rest]
    elif command == "lab":
        args = [str(BIN / "jupyter"), "lab", str(ROOT / "notebooks"), *rest]
    else:
        args = [str(BIN / "crmkit"), *rest]
    return subprocess.call(args, cwd=ROOT if command != "crmkit" else None)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
