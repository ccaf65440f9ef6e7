"""The demo client's folder: its ``params.yaml``, its data files (CSV and Excel, byte-stable)
and the truth beside them."""

from __future__ import annotations

import datetime as _dt
import io as _io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from crmkit.demo.synth.company import (
    CONTROL_REGIONS,
    DEMO_AFTER,
    DEMO_BEFORE,
    DEMO_CLIENT,
    DEMO_CURRENCY,
    DEMO_GO_LIVE,
    DEMO_SEED,
    FIXED_ZIP_TIME,
)
from crmkit.demo.synth.tables import generate_tables
from crmkit.demo.synth.truth import demo_truth

__all__ = ["demo_params", "ensure_demo_client", "generate_demo_client"]


def demo_params() -> dict[str, Any]:
    """The demo client's ``params.yaml`` content as a mapping (dates as ``datetime.date``)."""
    d = _dt.date.fromisoformat
    return {
        "client": DEMO_CLIENT,
        "currency": DEMO_CURRENCY,
        "go_live_date": d(DEMO_GO_LIVE),
        "before": {"start": d(DEMO_BEFORE[0]), "end": d(DEMO_BEFORE[1])},
        "after": {"start": d(DEMO_AFTER[0]), "end": d(DEMO_AFTER[1])},
        "data_dir": "data",
        "control": {"column": "region", "values": list(CONTROL_REGIONS)},
        "stats": {"alpha": 0.05, "correction": "holm"},
        "finance": {
            "discount_rate": 0.10,
            "horizon_years": 3,
            "gross_margin": 0.30,
            "hourly_cost": 120.0,
        },
        "objectives": [
            {
                "name": "Raise the win rate of opportunities in CRM regions to 25 %",
                "kpi": "win_rate",
                "target": 0.25,
                "unit": "share",
                "deadline": d("2025-12-31"),
                "owner": "Head of Sales",
            },
            {
                "name": "Cut the median first response to service tickets to 3 hours",
                "kpi": "first_response_hours",
                "target": 3.0,
                "unit": "hours",
                "deadline": d("2025-12-31"),
                "owner": "Head of Customer Service",
            },
            {
                "name": "Lift the Net Promoter Score of CRM regions by 5 points",
                "kpi": "nps",
                "target": 5.0,
                "unit": "points",
                "deadline": d("2025-12-31"),
                "owner": "Chief Customer Officer",
            },
        ],
        "team": [
            {
                "name": "Wang Fang",
                "role": "Engagement lead (consultant)",
                "responsibility": "method, findings and recommendations",
            },
            {
                "name": "Li Wei",
                "role": "Data analyst (consultant)",
                "responsibility": "data preparation, statistics and report",
            },
            {
                "name": "Zhang Min",
                "role": "CRM programme owner (client)",
                "responsibility": "objectives, costs and declared benefits",
            },
            {
                "name": "Chen Jie",
                "role": "Data owner, CRM and ERP exports (client)",
                "responsibility": "exports and answers to data-quality issues",
            },
        ],
        "scope": {
            "description": "Value delivered by the CRM in sales, service and marketing, "
            "in the three regions that went live on 2025-01-01, against West, which did not.",
            "included": ["sales", "service", "marketing", "CRM adoption", "costs and benefits"],
            "excluded": ["the e-commerce shop (not connected to the CRM)"],
        },
    }


def _deterministic_xlsx(frame: pd.DataFrame, sheet: str) -> bytes:
    """An .xlsx file whose bytes depend only on ``frame`` (fixed timestamps)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([v.item() if isinstance(v, np.generic) else v for v in row])
    fixed = _dt.datetime(*FIXED_ZIP_TIME)
    wb.properties.created = fixed
    wb.properties.creator = "crmkit"
    buf = _io.BytesIO()
    wb.save(buf)
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = _io.BytesIO()
    with (
        zipfile.ZipFile(_io.BytesIO(buf.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", text
                )
                data = text.encode("utf-8")
            zinfo = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zinfo.compress_type = zipfile.ZIP_DEFLATED
            zinfo.external_attr = 0o600 << 16
            dst.writestr(zinfo, data)
    return out.getvalue()


def _csv_text(frame: pd.DataFrame, date_format: str) -> str:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = np.where(out[col].to_numpy(), "true", "false")
    return out.to_csv(index=False, date_format=date_format, na_rep="", lineterminator="\n")


def generate_demo_client(path: str | Path, *, scale: float = 1.0, seed: int = DEMO_SEED) -> Path:
    """Write a complete demo client folder at ``path`` and return it.

    Writes ``path/params.yaml``, ``path/data/<table>.csv`` for every canonical table except
    costs, which is written as ``path/data/costs.xlsx`` (to exercise the Excel reader), and
    ``path/truth.json`` (the document of :func:`demo_truth`). Existing files of those names
    are overwritten; other files are left alone. The same seed and scale give byte-identical
    files.

    Parameters
    ----------
    path : str or pathlib.Path
        The client folder (created if absent).
    scale : float, default 1.0
        Size multiplier, see :func:`generate_tables`.
    seed : int, default 20250101
        Random seed.

    Returns
    -------
    pathlib.Path
        ``path`` as a Path.
    """
    tables = generate_tables(scale=scale, seed=seed)
    truth = demo_truth(scale=scale, seed=seed)
    root = Path(path)
    data_dir = root / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    params_text = (
        f"# Synthetic demo client generated by crmkit.demo.synth (seed {int(seed)}, scale "
        f"{float(scale):g}).\n# truth.json holds the true effects injected into the data.\n"
        + yaml.safe_dump(demo_params(), sort_keys=False, allow_unicode=True)
    )
    (root / "params.yaml").write_text(params_text, encoding="utf-8")
    for name, frame in tables.items():
        if name == "costs":
            (data_dir / "costs.xlsx").write_bytes(_deterministic_xlsx(frame, "costs"))
            continue
        fmt = "%Y-%m-%d %H:%M:%S" if name == "tickets" else "%Y-%m-%d"
        (data_dir / f"{name}.csv").write_text(_csv_text(frame, fmt), encoding="utf-8")
    (root / "truth.json").write_text(
        json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return root


def ensure_demo_client(path: str | Path, *, scale: float = 1.0, seed: int = DEMO_SEED) -> Path:
    """The demo client at ``path``, generated only when it is absent or of another scale or seed.

    ``truth.json`` is written last by :func:`generate_demo_client`, so a folder whose
    ``truth.json`` names this scale and seed is complete and is reused as it is.
    """
    root = Path(path)
    truth_file = root / "truth.json"
    if truth_file.is_file():
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        if truth.get("scale") == float(scale) and truth.get("seed") == int(seed):
            return root
    return generate_demo_client(root, scale=scale, seed=seed)
