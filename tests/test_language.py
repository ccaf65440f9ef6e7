"""The report's language: the catalogs cover every sentence template the code uses.

Every call of :func:`crmkit.words.language.tr` passes a literal English template; each
template has a translation in every catalog, with the same ``{fields}``; no catalog keeps a
translation the code no longer uses.
"""

from __future__ import annotations

import ast
import json
import pickle
from pathlib import Path

import pytest

from crmkit.data.config import parse_params
from crmkit.data.exceptions import ParamsError
from crmkit.words import language
from crmkit.words.language import (
    LANGUAGES,
    active_language,
    catalog,
    english,
    html_language,
    speaking,
    template_fields,
    tr,
    translate_markdown,
)

PACKAGE = Path(language.__file__).parents[1]
NOTEBOOKS = PACKAGE.parent / "notebooks"
OTHER_LANGUAGES = [code for code in LANGUAGES if code != language.SOURCE_LANGUAGE]


def _sources() -> list[tuple[str, str]]:
    """(where, Python source) of every module of the package and every notebook code cell."""
    sources = [
        (str(path.relative_to(PACKAGE.parent)), path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    ]
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells, 1):
            if cell["cell_type"] == "code":
                sources.append((f"{path.name} cell {number}", "".join(cell["source"])))
    return sources


def _templates() -> dict[str, list[str]]:
    """Every literal template passed to ``tr`` in the package and notebooks → where."""
    found: dict[str, list[str]] = {}
    for name, source in _sources():
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _is_tr(node.func)):
                continue
            where = f"{name}:{node.lineno}"
            first = node.args[0] if node.args else None
            template = first.value if isinstance(first, ast.Constant) else None
            found.setdefault(template if isinstance(template, str) else "", []).append(where)
    return found


def _is_tr(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "tr") or (
        isinstance(func, ast.Attribute) and func.attr == "tr"
    )


TEMPLATES = _templates()


def test_every_template_is_a_literal_string():
    # A template built at run time (an f-string, a variable) cannot be looked up in a catalog.
    assert "" not in TEMPLATES, f"tr() without a literal template at {TEMPLATES.get('')}"


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_template_has_a_translation_with_the_same_fields(code):
    translations = catalog(code)
    missing = [t for t in TEMPLATES if t and t not in translations]
    assert not missing, f"{len(missing)} templates have no {code} translation: {missing[:10]}"
    mismatched = {
        t: translations[t]
        for t in TEMPLATES
        if t and template_fields(t) != template_fields(translations[t])
    }
    assert not mismatched, f"fields differ from the English template: {mismatched}"


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_no_catalog_keeps_a_template_the_code_no_longer_uses(code):
    used = set(TEMPLATES) | set(_doctest_templates())
    stale = sorted(set(catalog(code)) - used)
    assert not stale, f"{code} catalog translates templates no code uses: {stale[:10]}"


def _doctest_templates() -> list[str]:
    """Templates translated in this module's examples (they document the mechanism)."""
    return ["not available", "improved", "{n} customers", "{kpi} improved"]


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_catalog_files_are_json_objects_of_strings(code):
    for path in sorted((language.CATALOGS / code).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict), path
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()), path


def test_english_is_the_template_filled_in():
    assert tr("{kpi} improved", kpi="Revenue") == "Revenue improved"
    assert tr("{n} customers", n=1_200) == "1200 customers"


def test_chinese_is_looked_up_and_filled_with_the_same_values():
    with speaking("zh"):
        assert active_language() == "zh"
        assert tr("{kpi} improved", kpi="收入") == "收入改善"
        assert tr("{n} customers", n="1,200") == "1,200 位客户"
        assert html_language() == "zh-CN"
    assert active_language() == "en"
    assert html_language() == "en"


def test_a_translation_remembers_its_english_through_nested_fields():
    with speaking("zh"):
        shown = tr("{kpi} improved", kpi=tr("not available"))
    assert shown == "不可用改善"
    assert english(shown) == "not available improved"
    assert english("plain text") == "plain text"
    assert pickle.loads(pickle.dumps(shown)).english == "not available improved"


def test_a_template_without_translation_falls_back_to_english():
    with speaking("zh"):
        assert tr("A sentence no catalog has ({n}).", n=3) == "A sentence no catalog has (3)."


def test_unknown_language_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="en, zh"), speaking("fr"):
        pass


def test_params_language_defaults_to_english_and_accepts_zh():
    base = {"client": "A", "go_live_date": "2025-01-01"}
    assert parse_params(base).language == "en"
    assert parse_params({**base, "language": "zh"}).language == "zh"
    with pytest.raises(ParamsError, match="language: expected one of en, zh, got 'fr'"):
        parse_params({**base, "language": "fr"})


def test_markdown_cell_is_translated_whole_or_kept():
    with speaking("zh"):
        assert translate_markdown("A cell no catalog has.") == "A cell no catalog has."
    assert translate_markdown("## Anything", "en") == "## Anything"


def test_tables_shown_as_built_get_chinese_headers_and_yes_no():
    """The plan page shows the frames of crmkit.domains.plan as they are: their snake_case
    columns become headers through column_header, in the report's language."""
    import datetime as dt

    import pandas as pd

    from crmkit.domains import plan
    from crmkit.pipeline.context import column_header, table_styler
    from crmkit.pipeline.stages import discover_stages, missing_tables

    a = parse_params(
        {
            "client": "A",
            "go_live_date": "2025-01-01",
            "objectives": [{"name": "Win more", "kpi": "win_rate", "target": 0.3,
                            "deadline": "2025-12-31", "owner": "Head of Sales"}],
            "team": [{"name": "Li", "role": "Lead", "responsibility": "Data"}],
        }
    )  # fmt: skip
    orders = pd.DataFrame(
        {"order_id": ["1"], "customer_id": ["c"], "order_date": [pd.Timestamp(dt.date(2024, 5, 1))],
         "amount": [1.0]}
    )  # fmt: skip
    stages = discover_stages()
    frames = [
        plan.objectives_table(a),
        plan.team_table(a),
        plan.data_inventory({"orders": orders}, {}, a, stages).drop(columns="stages"),
        plan.stage_readiness(stages, ["orders"], missing=missing_tables),
    ]
    with speaking("zh"):
        headers = {c: column_header(c) for f in frames for c in f.columns}
        left = [h for h in headers.values() if h != "KPI" and not _has_chinese(h)]
        assert not left, f"headers left in English: {left}"
        assert column_header("rows_after", "count") == "上线后行数（个）"
        html = table_styler(pd.DataFrame({"present": [True, False]})).to_html()
    assert ">是<" in html and ">否<" in html
    assert column_header("rows_after", "count") == "Rows after (count)"


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_a_kpi_with_too_little_data_says_why_in_chinese_with_its_counts():
    from crmkit.words.narrative import describe_change

    row = {"label": "Active CRM users", "unit": "count", "verdict": "insufficient data",
           "note": "insufficient data: 0 value(s) before and 105 after; at least 2 needed in "
                   "each window", "n_before": 0, "n_after": 105}  # fmt: skip
    assert describe_change(row) == (
        "Active CRM users could not be compared: insufficient data: 0 value(s) before and 105 "
        "after; at least 2 needed in each window."
    )
    with speaking("zh"):
        chinese = describe_change(row)
    assert "上线前 0 个，上线后 105 个" in chinese and "insufficient" not in chinese
