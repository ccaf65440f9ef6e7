"""The client-folder templates (``templates/``) and ``crmkit init``, which copies them."""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crmkit.cli import main
from crmkit.data.config import Assessment, load_params, parse_params
from crmkit.data.schemas import TABLES
from crmkit.data.validation import validate_client

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
PARAMS_LINES = (TEMPLATES / "params.yaml").read_text(encoding="utf-8").splitlines()
TOP_KEY = re.compile(r"^([a-z_]+):")


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_one_csv_per_canonical_table_and_nothing_else():
    files = sorted(p.name for p in (TEMPLATES / "data").iterdir())
    assert files == sorted(f"{name}.csv" for name in TABLES)


@pytest.mark.parametrize("table", list(TABLES))
def test_template_csv_has_the_schema_columns_and_two_example_rows(table):
    schema = TABLES[table]
    rows = read_csv(TEMPLATES / "data" / f"{table}.csv")
    assert rows[0] == list(schema.column_names)
    assert len(rows) == 3  # the header and exactly two example rows
    for i, row in enumerate(rows[1:]):
        assert row == [str(column.examples[i]) for column in schema.columns]


def test_template_folder_validates_without_errors_or_warnings():
    report = validate_client(TEMPLATES)
    assert report.problems == [], report.summary()
    assert sorted(report.tables) == sorted(TABLES)
    assert all(len(table) == 2 for table in report.tables.values())


def top_level_keys() -> list[tuple[int, str]]:
    return [(i, m.group(1)) for i, line in enumerate(PARAMS_LINES) if (m := TOP_KEY.match(line))]


def test_every_top_level_key_is_documented_by_a_comment_above_it():
    keys = top_level_keys()
    assert [k for _, k in keys][:3] == ["client", "currency", "go_live_date"]
    key_lines = {i for i, _ in keys}
    for i, key in keys:
        above = i - 1
        while above in key_lines:  # keys of one block (before, after) share its comment
            above -= 1
        assert above >= 0 and PARAMS_LINES[above].startswith("# "), key


def test_every_parameter_appears_in_the_template():
    """Each field of Assessment is a key of the template or shown in a commented example."""
    shown = {k for _, k in top_level_keys()}
    commented = {m.group(1) for line in PARAMS_LINES if (m := re.match(r"^# ([a-z_]+):", line))}
    fields = {f.name for f in dataclasses.fields(Assessment)}
    assert shown | commented == fields
    assert commented == {"control", "columns", "rollout"}  # optional, without a default value


def test_stated_defaults_are_the_defaults():
    """Where a comment states `Default: X` for a key written as X, that is crmkit's default."""
    minimal = parse_params({"client": "Acme", "go_live_date": "2025-01-01"})
    raw = yaml.safe_load("\n".join(PARAMS_LINES))
    checked = []
    for i, key in top_level_keys():
        comment = PARAMS_LINES[i - 1]
        match = re.search(r"Default: ([\w.]+?)\.?$", comment)
        if not match or not isinstance(raw[key], str | bool):
            continue
        stated = yaml.safe_load(match.group(1))
        assert raw[key] == stated, key
        assert getattr(minimal, key) == stated, key
        checked.append(key)
    assert checked == ["currency", "data_dir", "encoding", "dayfirst", "date_format", "language"]


def test_the_template_writes_out_the_defaults():
    """Loading the template gives what a file with only the required keys gives."""
    template = load_params(TEMPLATES)
    minimal = parse_params({"client": "Acme Ltd", "go_live_date": "2025-01-01"})
    same = [
        "client", "go_live_date", "before", "after", "currency", "data_dir", "control", "stats",
        "finance", "columns", "encoding", "dayfirst", "date_format", "scorecard", "privacy",
    ]  # fmt: skip
    for name in same:
        assert getattr(template, name) == getattr(minimal, name), name
    # written out for the consultant to edit, not defaults: objectives, team, scope
    assert template.objectives and template.team and template.scope.included


# --- crmkit init ---------------------------------------------------------------------------


def test_init_creates_a_valid_client_folder(tmp_path):
    result = CliRunner().invoke(main, ["init", "acme-retail", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "acme-retail"
    assert f"Created {folder}" in result.output
    assert f"crmkit validate {folder}" in result.output
    assert sorted(p.name for p in (folder / "data").iterdir()) == sorted(
        p.name for p in (TEMPLATES / "data").iterdir()
    )
    for path in (TEMPLATES / "data").iterdir():
        assert (folder / "data" / path.name).read_bytes() == path.read_bytes()
    assert load_params(folder).client == "Acme Retail"
    # the comments travel with the file
    assert (folder / "params.yaml").read_text(encoding="utf-8").count("\n#") >= 20
    report = validate_client(folder)
    assert report.problems == []


def test_init_with_a_display_name(tmp_path):
    result = CliRunner().invoke(
        main, ["init", "acme", "--root", str(tmp_path), "--client", "Acme Ltd (上海)"]
    )
    assert result.exit_code == 0, result.output
    assert load_params(tmp_path / "acme").client == "Acme Ltd (上海)"


def test_second_init_of_the_same_name_fails_clearly(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["init", "acme", "--root", str(tmp_path)]).exit_code == 0
    params = tmp_path / "acme" / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    again = runner.invoke(main, ["init", "acme", "--root", str(tmp_path)])
    assert again.exit_code == 1
    assert "already exists" in again.output and str(tmp_path / "acme") in again.output
    assert "Traceback" not in again.output
    assert params.read_text(encoding="utf-8").endswith("# edited\n")  # left untouched


@pytest.mark.parametrize("name", ["../escape", "a b", "_x", "", "acme/west"])
def test_init_refuses_names_that_are_not_folder_names(tmp_path, name):
    result = CliRunner().invoke(main, ["init", name, "--root", str(tmp_path / "clients")])
    assert result.exit_code == 1
    assert "use letters, digits, '-' and '_' only" in result.output
    assert not (tmp_path / "clients").exists()
