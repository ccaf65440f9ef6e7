"""Memory readings for the benchmark scripts (Linux /proc), shared by them."""

from __future__ import annotations

import resource
from pathlib import Path


def _status(field: str) -> float | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return None


def peak_mib() -> float:
    """This process's peak resident memory (MiB) since start or the last :func:`reset_peak`."""
    peak = _status("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_mib() -> float:
    """This process's resident memory now (MiB)."""
    resident = _status("VmRSS")
    return resident if resident is not None else float("nan")


def reset_peak() -> None:
    """Start the peak over from the current resident size (Linux: clear_refs 5)."""
    Path("/proc/self/clear_refs").write_text("5")
