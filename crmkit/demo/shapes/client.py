"""A shaped client as a consultant's folder: ``params.yaml``, ``data/*.csv`` and its truth."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from crmkit.demo.shapes.shape import HOSTILE_TEXTS, ClientShape, crm_regions, rep_ids, timeline
from crmkit.demo.shapes.tables import generate_tables

__all__ = ["params_for", "shape_truth", "write_client"]


def params_for(shape: ClientShape) -> dict[str, Any]:
    """The content of the shape's ``params.yaml``, as a consultant would write it."""
    t = timeline(shape)
    client = f"{shape.name.replace('_', ' ').title()} Ltd"
    if shape.hostile_text:
        client = f"{client} {HOSTILE_TEXTS[0]}"
    params: dict[str, Any] = {
        "client": client,
        "currency": shape.currency,
        "go_live_date": t.go_live,
        "before": {"start": t.before_start, "end": t.before_end},
        "after": {"start": t.after_start, "end": t.after_end},
        "data_dir": "data",
    }
    if shape.control_column == "region":
        params["control"] = {"column": "region", "values": list(shape.control_regions)}
    elif shape.control_column == "rep_id":
        reps = [rep for region in shape.control_regions for rep in rep_ids(shape, region)]
        params["control"] = {"column": "rep_id", "values": reps}
    if shape.declare_dayfirst:
        params["dayfirst"] = True
    params["finance"] = {"discount_rate": 0.10, "horizon_years": 3, "gross_margin": 0.30}
    return params


def shape_truth(shape: ClientShape, seed: int, tables: Mapping[str, pd.DataFrame]) -> dict:
    """What the data were made from, for checks: the shape, the outcome expected, the dates."""
    truth: dict[str, Any] = {
        "shape": shape.name,
        "seed": int(seed),
        "expected": shape.expected,
        "stresses": shape.stresses,
        "effect": shape.effect,
        "effect_in_control": shape.effect_in_control,
        "crm_regions": list(crm_regions(shape)),
        "settings": {k: v for k, v in asdict(shape).items() if k not in ("name", "stresses")},
    }
    if "orders" in tables and len(tables["orders"]):
        dates = tables["orders"]["order_date"]
        truth["orders"] = {
            "rows": len(dates),
            "first_date": dates.min().date().isoformat(),
            "last_date": dates.max().date().isoformat(),
        }
    return json.loads(json.dumps(truth, default=str))


class _PlainDumper(yaml.SafeDumper):
    """YAML as a person writes it: a date used twice is written twice, not as an alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _csv(frame: pd.DataFrame, path: Path, date_format: str) -> None:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = np.where(out[column].to_numpy(), "true", "false")
    out.to_csv(path, index=False, date_format=date_format, na_rep="", lineterminator="\n")


def write_client(shape: ClientShape, folder: str | Path, seed: int = 1) -> Path:
    """Write ``shape`` as a client folder: ``params.yaml``, ``data/*.csv`` and ``truth.json``.

    Parameters
    ----------
    shape : ClientShape
        The client.
    folder : str or pathlib.Path
        The client folder (created; files of the same names are overwritten).
    seed : int, default 1
        Seed of the data: the same shape and seed give byte-identical files.

    Returns
    -------
    pathlib.Path
        The folder. ``truth.json`` (beside ``params.yaml``, outside the data) records what
        the data were made from (:func:`shape_truth`).
    """
    root = Path(folder)
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    tables = generate_tables(shape, seed)
    header = f"# Synthetic client of shape {shape.name!r} (seed {int(seed)}): {shape.stresses}\n"
    params_text = yaml.dump(
        params_for(shape), Dumper=_PlainDumper, sort_keys=False, allow_unicode=True
    )
    (root / "params.yaml").write_text(header + params_text, encoding="utf-8")
    for name, frame in tables.items():
        if name == "orders" and shape.dayfirst is not None:
            fmt = "%d/%m/%Y"
        elif name == "tickets":
            fmt = "%Y-%m-%d %H:%M"
        else:
            fmt = "%Y-%m-%d"
        _csv(frame, data / f"{name}.csv", fmt)
    truth = shape_truth(shape, seed, tables)
    (root / "truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return root
