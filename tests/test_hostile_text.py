"""End to end: a client whose every text is hostile gets pages that show it and run nothing.

The demo client, small, with markup, mathtext, markdown links, HTML entities and Chinese in
every text column of every table (as renamed category values, so every chart and table by
segment, region, channel ... shows them), in its ids (renamed the same way wherever they
join), in a column name, a benchmark's KPI name, and the client's name and objectives.
Every rendered page is opened in headless chromium: no script may run and the text must
read as written.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from crmkit.demo.synth import demo_params, generate_tables
from crmkit.pipeline.runner import run_assessment
from crmkit.pipeline.stages import notebooks_dir

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

SCRIPT = "<script>window.__x=1</script>"
IMAGE = '"><img src=x onerror="window.__x=2">'
FORMULA = "$\\frac{a}{b}$ and $unbalanced"
LINK = "[link](javascript:window.__x=3)"
ENTITY = "&amp;lt;"
CJK = "华东区客户"
HOSTILE = (SCRIPT, IMAGE, FORMULA, LINK, ENTITY, CJK)
CLIENT = f"Acme {SCRIPT}"
#: The client's own name for the segment column (mapped in params.yaml ``columns``).
SEGMENT_HEADER = f"Segment {IMAGE}"


def _renamer(values: pd.Series) -> dict[str, str]:
    """Each distinct value → a hostile label (cycling through :data:`HOSTILE`), still distinct."""
    distinct = sorted(values.dropna().unique())
    labels = {}
    for i, value in enumerate(distinct):
        label = HOSTILE[i % len(HOSTILE)]
        labels[value] = label if i < len(HOSTILE) else f"{label} {i}"
    return labels


def _suffixed(suffix: str) -> Callable[[pd.Series], pd.Series]:
    return lambda ids: ids.where(ids.isna(), ids.astype("str") + suffix)


def hostile_tables(scale: float) -> dict[str, pd.DataFrame]:
    """The demo tables with hostile text wherever a table holds text."""
    tables = generate_tables(scale=scale)
    ids = {  # every id column, renamed the same way in every table that holds it
        "customer_id": _suffixed(IMAGE),
        "order_id": _suffixed(SCRIPT),
        "opportunity_id": _suffixed(LINK),
        "ticket_id": _suffixed(FORMULA),
        "response_id": _suffixed(ENTITY),
        "campaign_id": _suffixed(CJK),
        "rep_id": _suffixed(f" {CJK}{SCRIPT}"),
        "user_id": _suffixed(f" {CJK}{SCRIPT}"),  # the same staff ids as rep_id
    }
    # one mapping per kind of label, shared by the tables that hold it (regions must match)
    regions = {"East": FORMULA, "North": LINK, "South": ENTITY, "West": CJK}
    segments = {"Consumer": SCRIPT, "SMB": IMAGE, "Enterprise": f"{FORMULA} {CJK}"}
    free_text = {
        ("orders", "channel"),
        ("opportunities", "lead_source"),
        ("tickets", "channel"),
        ("usage", "feature"),
        ("campaigns", "channel"),
        ("costs", "category"),
        ("costs", "phase"),
        ("benefits", "category"),
        ("actions", "action"),
        ("actions", "owner"),
    }
    for name, frame in tables.items():
        for column in frame.columns:
            if column in ids:
                frame[column] = ids[column](frame[column])
            elif column == "region":
                frame[column] = frame[column].map(regions)
            elif column == "segment":
                frame[column] = frame[column].map(segments)
            elif (name, column) in free_text:
                frame[column] = frame[column].map(_renamer(frame[column]))
    tables["benchmarks"]["source"] = SCRIPT
    extra = pd.DataFrame({"kpi": [IMAGE], "value": [0.5], "source": [LINK]})
    tables["benchmarks"] = pd.concat([tables["benchmarks"], extra], ignore_index=True)
    tables["surveys"][SCRIPT] = [HOSTILE[i % len(HOSTILE)] for i in range(len(tables["surveys"]))]
    tables["customers"] = tables["customers"].rename(columns={"segment": SEGMENT_HEADER})
    return tables


def hostile_params() -> dict:
    params = demo_params()
    params["client"] = CLIENT
    params["control"] = {"column": "region", "values": [CJK]}
    params["columns"] = {"customers": {SEGMENT_HEADER: "segment"}}
    params["objectives"][0]["name"] = f"Raise the win rate {LINK}"
    params["objectives"][0]["owner"] = IMAGE
    params["team"][0]["name"] = CJK
    params["team"][1]["role"] = FORMULA
    params["scope"]["description"] = f"{SCRIPT} {ENTITY}"
    params["scope"]["excluded"] = [LINK]
    return params


def write_client(folder: Path, scale: float) -> Path:
    data = folder / "data"
    data.mkdir(parents=True)
    (folder / "params.yaml").write_text(
        yaml.safe_dump(hostile_params(), sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    for name, frame in hostile_tables(scale).items():
        fmt = "%Y-%m-%d %H:%M:%S" if name == "tickets" else "%Y-%m-%d"
        frame.to_csv(data / f"{name}.csv", index=False, date_format=fmt, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    client = write_client(base / "hostile", scale=0.1)
    result = run_assessment(client, output_root=base / "reports", progress=False)
    return result


def test_the_hostile_client_runs_every_stage(hostile_run):
    stages = hostile_run.results["stages"]
    assert {k: v.get("message") for k, v in stages.items() if v["status"] != "ok"} == {}
    assert json.loads((hostile_run.report_dir / "results.json").read_text())["client"] == CLIENT


#: What each page shows of the client's text as text (not only in charts) beyond the client's
#: name, which every page header shows.
SHOWN = {
    "01_plan_and_scope.html": list(HOSTILE),  # objectives, team, scope
    "04_service_and_interaction.html": [SCRIPT, IMAGE, FORMULA, LINK],  # the ticket channels
    "07_satisfaction.html": [*HOSTILE, f"{FORMULA} {CJK}"],  # NPS by segment and region
    "08_loyalty_and_retention.html": [*HOSTILE, f"{FORMULA} {CJK}"],  # churn drivers
    "11_financial_value.html": list(HOSTILE[:5]),  # the five benefit categories
}

PROBE = """() => ({
    x: typeof window.__x,
    scripts: document.scripts.length,
    handlers: Array.from(document.querySelectorAll('*')).filter(
        e => Array.from(e.attributes).some(a => a.name.toLowerCase().startsWith('on'))).length,
    scriptLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
    text: document.body.innerText,
})"""


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (CI installs it)")
def test_every_page_shows_client_text_as_written_and_runs_none_of_it(hostile_run):
    from playwright.sync_api import sync_playwright

    pages = sorted(hostile_run.report_dir.glob("*.html"))
    stages = sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    assert len(pages) == 1 + len(stages)  # index.html and one page per stage
    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    problems = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=flags)
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("file:", "data:"))
                else route.abort()
            ),
        )
        for html in pages:
            page.goto(html.as_uri())
            found = page.evaluate(PROBE)
            wanted = [CLIENT, *SHOWN.get(html.name, [])]
            missing = [text for text in wanted if text not in found["text"]]
            ran = {k: found[k] for k in ("x", "scripts", "handlers", "scriptLinks")}
            if ran != {"x": "undefined", "scripts": 0, "handlers": 0, "scriptLinks": 0}:
                problems[html.name] = ran
            if missing:
                problems.setdefault(html.name, {})["not shown as written"] = missing
        browser.close()
    assert dialogs == []
    assert problems == {}
