"""Parameters: defaults, validation messages, YAML loading and the order of precedence."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmkit.cli import main
from crmkit.data.config import Control, Finance, Stats, Window, load_params, parse_params
from crmkit.data.exceptions import ParamsError

D = dt.date
MINIMAL = {"client": "Acme Ltd", "go_live_date": "2025-01-01"}


def write_params(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "params.yaml").write_text(text, encoding="utf-8")
    return folder


def problems_of(raw: dict) -> list[str]:
    """The lines of the ParamsError that ``raw`` raises."""
    with pytest.raises(ParamsError) as info:
        parse_params(raw)
    return str(info.value).splitlines()


# --- defaults ------------------------------------------------------------------------------


def test_defaults_of_a_minimal_file():
    a = parse_params(MINIMAL)
    assert a.client == "Acme Ltd"
    assert a.go_live_date == D(2025, 1, 1)
    # the 12 months before go-live, and the 12 months from go-live (DESIGN §3)
    assert a.before == Window(D(2024, 1, 1), D(2024, 12, 31))
    assert a.after == Window(D(2025, 1, 1), D(2025, 12, 31))
    assert a.window == Window(D(2024, 1, 1), D(2025, 12, 31))
    assert a.currency == "USD"
    assert a.data_dir == "data"
    assert a.control is None
    assert a.stats == Stats(alpha=0.05, correction="holm", seed=20250101)
    assert a.finance == Finance(discount_rate=0.10, horizon_years=3, roi_convention="present_value")
    assert a.finance.gross_margin == 0.30 and a.finance.hourly_cost is None
    assert a.finance.handling_share == 0.10 and a.finance.deal_hours_per_day == 0.25
    assert a.columns == {}
    assert a.encoding == "auto" and a.encoding_for("orders") == "auto"
    assert a.dayfirst == "auto" and a.dayfirst_for("orders") is None
    assert a.date_format == "auto" and a.date_format_for("orders", "order_date") is None
    assert a.objectives == () and a.team == ()
    assert dict(a.scorecard.weights) == {
        "financial": 0.25,
        "customer": 0.25,
        "internal_process": 0.25,
        "learning_and_growth": 0.25,
    }
    assert a.privacy.show_record_ids is False


@pytest.mark.parametrize(
    ("go_live", "before", "after"),
    [
        # mid-year go-live: before 15 Jul 2024 – 14 Jul 2025, after 15 Jul 2025 – 14 Jul 2026
        (D(2025, 7, 15), (D(2024, 7, 15), D(2025, 7, 14)), (D(2025, 7, 15), D(2026, 7, 14))),
        # the after window holds 29 Feb 2024
        (D(2023, 3, 1), (D(2022, 3, 1), D(2023, 2, 28)), (D(2023, 3, 1), D(2024, 2, 29))),
        # the before window holds 29 Feb 2024
        (D(2024, 3, 1), (D(2023, 3, 1), D(2024, 2, 29)), (D(2024, 3, 1), D(2025, 2, 28))),
        # go-live on the leap day: each window is one whole year and they meet at go-live;
        # the last day of February 2025 still belongs to the year after go-live
        (D(2024, 2, 29), (D(2023, 3, 1), D(2024, 2, 28)), (D(2024, 2, 29), D(2025, 2, 28))),
    ],
)
def test_default_windows(go_live, before, after):
    a = parse_params({"client": "Acme", "go_live_date": go_live})
    assert (a.before.start, a.before.end) == before
    assert (a.after.start, a.after.end) == after
    assert a.before.end + dt.timedelta(days=1) == a.go_live_date == a.after.start


def test_leap_day_go_live_from_yaml(tmp_path):
    folder = write_params(tmp_path / "c", "client: Acme\ngo_live_date: 2024-02-29\n")
    a = load_params(folder)
    assert str(a.before) == "2023-03-01 to 2024-02-28"
    assert str(a.after) == "2024-02-29 to 2025-02-28"


def test_one_window_given_the_other_defaults():
    a = parse_params({**MINIMAL, "before": {"start": "2024-07-01"}})
    assert a.before == Window(D(2024, 7, 1), D(2024, 12, 31))
    assert a.after == Window(D(2025, 1, 1), D(2025, 12, 31))


def test_go_live_written_with_a_time_is_a_date():
    a = parse_params({"client": "Acme", "go_live_date": dt.datetime(2025, 1, 1, 9, 30)})
    assert a.go_live_date == D(2025, 1, 1)


# --- problems ------------------------------------------------------------------------------


def test_both_required_keys_missing_are_reported_at_once():
    lines = problems_of({"currency": "EUR"})
    assert len(lines) == 2
    assert "client: required" in lines[0]
    assert "go_live_date: required" in lines[1]
    assert all(line.startswith("params.yaml, ") for line in lines)


@pytest.mark.parametrize(
    ("extra", "key", "hint"),
    [
        ({"curency": "EUR"}, "curency", "did you mean 'currency'?"),
        ({"go_live": "2025-01-01"}, "go_live", "did you mean 'go_live_date'?"),
        ({"stats": {"alfa": 0.01}}, "stats.alfa", "did you mean 'alpha'?"),
        ({"finance": {"discount": 0.08}}, "finance.discount", "did you mean 'discount_rate'?"),
        ({"before": {"begin": "2024-01-01"}}, "before.begin", "known keys: end, start"),
        ({"columns": {"order": {"Nr": "order_id"}}}, "columns.order", "did you mean 'orders'?"),
        (
            {"columns": {"orders": {"Nr": "order_num"}}},
            "columns.orders.Nr",
            "did you mean 'order_id'?",
        ),
        (
            {"objectives": [{"name": "x", "kip": "win_rate"}]},
            "objectives[1].kip",
            "did you mean 'kpi'?",
        ),
    ],
)
def test_unknown_keys_get_a_hint(extra, key, hint):
    lines = problems_of({**MINIMAL, **extra})
    assert len(lines) == 1
    assert f", {key}: " in lines[0]
    assert hint in lines[0]


def test_unknown_key_without_a_close_match_lists_the_known_keys():
    (line,) = problems_of({**MINIMAL, "zzzz": 1})
    assert "zzzz: unknown key (known keys: after, before, client," in line
    assert "did you mean" not in line


@pytest.mark.parametrize(
    ("extra", "key", "words"),
    [
        ({"stats": {"alpha": "high"}}, "stats.alpha", "expected a number from 0.0001 to 0.5"),
        ({"stats": {"alpha": 0.9}}, "stats.alpha", "got 0.9"),
        ({"stats": {"alpha": True}}, "stats.alpha", "got True"),
        ({"stats": {"correction": "sidak"}}, "stats.correction", "holm, bonferroni, fdr_bh"),
        ({"stats": {"seed": -1}}, "stats.seed", "expected a whole number"),
        ({"finance": {"horizon_years": 2.5}}, "finance.horizon_years", "a whole number from 1"),
        ({"finance": {"discount_rate": -0.1}}, "finance.discount_rate", "from 0 to 1"),
        ({"finance": {"roi_convention": "npv"}}, "finance.roi_convention", "present_value"),
        ({"finance": {"gross_margin": 1.5}}, "finance.gross_margin", "from 0 to 1"),
        ({"finance": {"hourly_cost": "cheap"}}, "finance.hourly_cost", "a number from 0"),
        ({"finance": {"handling_share": -0.1}}, "finance.handling_share", "from 0 to 1"),
        ({"go_live_date": "01/02/2025"}, "go_live_date", "a date written YYYY-MM-DD"),
        ({"go_live_date": "2025-02-30"}, "go_live_date", "got '2025-02-30'"),
        ({"before": "2024"}, "before", "expected a mapping"),
        ({"client": ""}, "client", "expected text"),
        ({"dayfirst": "yes"}, "dayfirst", "expected true, false or auto"),
        ({"dayfirst": {"order": True}}, "dayfirst.order", "did you mean 'orders'?"),
        ({"dayfirst": {"orders": "yes"}}, "dayfirst.orders", "expected true, false or auto"),
        ({"date_format": "dd/mm/yyyy"}, "date_format", "strftime pattern such as"),
        ({"date_format": "%H:%M"}, "date_format", "does not name the year, month and day"),
        (
            {"date_format": {"tickets": {"opened": "%d/%m/%Y"}}},
            "date_format.tickets.opened",
            "did you mean 'opened_at'?",
        ),
        ({"date_format": {"ticket": "%d/%m/%Y"}}, "date_format.ticket", "did you mean 'tickets'?"),
        (
            {"date_format": {"orders": {"amount": "%d/%m/%Y"}}},
            "date_format.orders.amount",
            "not a date column of orders",
        ),
        ({"date_format": 5}, "date_format", "expected auto, a strftime pattern"),
        ({"privacy": {"show_record_ids": "no"}}, "privacy.show_record_ids", "true or false"),
        ({"encoding": 8}, "encoding", "gb18030"),
        ({"control": {"values": ["West"]}}, "control.column", "required when control"),
        ({"control": {"column": "region", "values": []}}, "control.values", "[West]"),
        ({"scorecard": {"weights": {"people": 0.5}}}, "scorecard.weights.people", "perspective"),
        ({"objectives": [{"name": "x", "target": "high"}]}, "objectives[1].target", "number"),
        ({"objectives": [{"kpi": "win_rate"}]}, "objectives[1]", "at least a name"),
        ({"team": [{"name": "A"}]}, "team[1]", "a name and a role"),
    ],
)
def test_wrong_values_name_the_key_and_what_was_expected(extra, key, words):
    lines = problems_of({**MINIMAL, **extra})
    assert len(lines) == 1, lines
    assert f", {key}: " in lines[0]
    assert words in lines[0]


def test_every_problem_is_reported_at_once():
    lines = problems_of(
        {
            "client": "Acme",
            "go_live_date": "2025-01-01",
            "curency": "EUR",
            "stats": {"alpha": "high", "correction": "sidak", "alfa": 1},
            "finance": {"horizon_years": 2.5},
        }
    )
    keys = [line.split(": ")[0].removeprefix("params.yaml, ") for line in lines]
    assert sorted(keys) == sorted(
        ["curency", "stats.alfa", "stats.alpha", "stats.correction", "finance.horizon_years"]
    )


@pytest.mark.parametrize(
    ("windows", "key", "words"),
    [
        ({"before": {"end": "2025-01-15"}}, "before.end", "must end before go-live (2025-01-01)"),
        ({"before": {"end": "2025-01-01"}}, "before.end", "got 2025-01-01"),
        ({"after": {"start": "2024-12-01"}}, "after.start", "on or after go-live (2025-01-01)"),
        (
            {"after": {"start": "2025-06-01", "end": "2025-03-01"}},
            "after",
            "start 2025-06-01 is after end 2025-03-01",
        ),
    ],
)
def test_windows_must_not_overlap_go_live(windows, key, words):
    lines = problems_of({**MINIMAL, **windows})
    assert any(f", {key}: " in line and words in line for line in lines), lines


def test_a_gap_between_before_and_go_live_is_allowed():
    a = parse_params({**MINIMAL, "before": {"start": "2024-01-01", "end": "2024-06-30"}})
    assert a.before == Window(D(2024, 1, 1), D(2024, 6, 30))


@pytest.mark.parametrize(
    ("values", "expected"),
    [("West", ("West",)), (5, ("5",)), (["West", "North"], ("West", "North"))],
)
def test_control_values(values, expected):
    a = parse_params({**MINIMAL, "control": {"column": "region", "values": values}})
    assert a.control == Control("region", expected)


def test_encoding_per_table():
    a = parse_params({**MINIMAL, "encoding": {"orders": "gb18030"}})
    assert a.encoding_for("orders") == "gb18030"
    assert a.encoding_for("customers") == "auto"


def test_not_a_mapping():
    with pytest.raises(ParamsError, match="expected a mapping of parameters"):
        parse_params(["client", "Acme"])


# --- the file ------------------------------------------------------------------------------


def test_missing_file_says_how_to_make_one(tmp_path):
    with pytest.raises(ParamsError) as info:
        load_params(tmp_path)
    assert str(tmp_path / "params.yaml") in str(info.value)
    assert "crmkit init" in str(info.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # a key indented under a scalar: the parser notices it on line 3
        ("client: Acme\ngo_live_date: 2025-01-01\n  stats: 1\n", "(line 3, column 8)"),
        ("client: Acme\n\tgo_live_date: 2025-01-01\n", "(line 2, column 1)"),
        # an unclosed bracket is noticed at the end; the message names where it was opened
        ("client: Acme\ncurrency: [USD\ngo_live_date: 2025-01-01\n", "at line 2"),
        # YAML reads 2025-13-01 as a date it cannot build
        ("client: Acme\ngo_live_date: 2025-13-01\n", "(line 2)"),
    ],
)
def test_invalid_yaml_names_the_line(tmp_path, text, words):
    folder = write_params(tmp_path / "c", text)
    with pytest.raises(ParamsError) as info:
        load_params(folder)
    message = str(info.value)
    assert message.startswith(f"{folder / 'params.yaml'}: ")
    assert words in message


def test_yaml_that_is_not_a_mapping(tmp_path):
    folder = write_params(tmp_path / "c", "- client\n- Acme\n")
    with pytest.raises(ParamsError, match="expected a mapping of parameters"):
        load_params(folder)


def test_file_not_in_utf8(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "params.yaml").write_bytes("client: 客户\ngo_live_date: 2025-01-01\n".encode("gbk"))
    with pytest.raises(ParamsError, match="not UTF-8"):
        load_params(folder)


def test_utf8_with_bom_and_chinese_text(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    text = "client: 上海某公司\ngo_live_date: 2025-01-01\ncurrency: CNY\n"
    (folder / "params.yaml").write_bytes(text.encode("utf-8-sig"))
    a = load_params(folder)
    assert (a.client, a.currency) == ("上海某公司", "CNY")


def test_safe_yaml_refuses_python_objects(tmp_path):
    folder = write_params(
        tmp_path / "c",
        "client: !!python/object/apply:os.system [echo hi]\ngo_live_date: 2025-01-01\n",
    )
    with pytest.raises(ParamsError, match="not valid YAML"):
        load_params(folder)


# --- precedence: defaults < params.yaml < overrides ----------------------------------------


@pytest.mark.parametrize(
    ("file_line", "overrides", "expected"),
    [
        ("", None, 0.05),  # the default
        ("stats: {alpha: 0.02}\n", None, 0.02),  # the file wins over the default
        ("stats: {alpha: 0.02}\n", {"stats.alpha": "0.01"}, 0.01),  # the override wins
        ("", {"stats.alpha": "0.01"}, 0.01),  # an override needs no section in the file
        ("stats:\n", {"stats.alpha": 0.01}, 0.01),  # nor a filled one
    ],
)
def test_precedence_of_alpha(tmp_path, file_line, overrides, expected):
    folder = write_params(tmp_path / "c", f"client: Acme\ngo_live_date: 2025-01-01\n{file_line}")
    assert load_params(folder, overrides=overrides).stats.alpha == expected


def test_overrides_keep_the_rest_of_the_section(tmp_path):
    folder = write_params(
        tmp_path / "c",
        "client: Acme\ngo_live_date: 2025-01-01\nstats: {alpha: 0.02, correction: bonferroni}\n",
    )
    a = load_params(folder, overrides={"stats.alpha": "0.01", "go_live_date": "2025-03-01"})
    assert a.stats == Stats(alpha=0.01, correction="bonferroni", seed=20250101)
    assert a.go_live_date == D(2025, 3, 1)
    assert a.before == Window(D(2024, 3, 1), D(2025, 2, 28))  # defaults follow the new go-live


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"stats.alpha": "high"}, "stats.alpha: expected a number from 0.0001 to 0.5, got 'high'"),
        ({"stats.alpha": "[0.1"}, "stats.alpha: expected a number"),  # not YAML: kept as text
        ({"go_live_date": "2025-02-30"}, "go_live_date: expected a date"),
        ({"stats.alfa": "0.1"}, "did you mean 'alpha'?"),
        ({"client.name": "x"}, "override client.name: client is not a section"),
    ],
)
def test_bad_overrides_are_params_errors(tmp_path, overrides, words):
    folder = write_params(tmp_path / "c", "client: Acme\ngo_live_date: 2025-01-01\n")
    with pytest.raises(ParamsError) as info:
        load_params(folder, overrides=overrides)
    assert words in str(info.value)


def test_cli_set_overrides_the_file(tmp_path):
    folder = write_params(
        tmp_path / "c", "client: Acme\ngo_live_date: 2025-01-01\nstats: {alpha: 0.02}\n"
    )
    (folder / "data").mkdir()
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(folder), "--set", "stats.alpha=0.01"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(main, ["validate", str(folder), "--set", "stats.alpha=0.9"])
    assert bad.exit_code == 1
    assert "stats.alpha: expected a number from 0.0001 to 0.5, got 0.9" in bad.output
    assert "Traceback" not in bad.output


# --- round trip ----------------------------------------------------------------------------


def test_to_dict_round_trips_through_json(template_client):
    text = (template_client / "params.yaml").read_text(encoding="utf-8")
    text += (
        "control: {column: region, values: West}\n"
        "columns: {orders: {Order Number: order_id}}\n"
        "encoding: {orders: gb18030}\n"
    )
    (template_client / "params.yaml").write_text(text, encoding="utf-8")
    original = load_params(template_client)
    assert original.control == Control("region", ("West",))
    assert original.objectives[0].deadline == D(2025, 12, 31)
    data = json.loads(json.dumps(original.to_dict()))  # as results.json / params.json hold it
    assert data["go_live_date"] == "2025-01-01"
    assert data["before"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert parse_params(data) == original


def test_to_dict_round_trip_of_the_defaults():
    original = parse_params(MINIMAL)
    assert parse_params(original.to_dict()) == original


def test_date_settings_most_specific_wins():
    a = parse_params(
        {
            **MINIMAL,
            "dayfirst": {"orders": True, "tickets": "auto"},
            "date_format": {"tickets": {"opened_at": "%d.%m.%Y %H:%M"}, "costs": "auto"},
        }
    )
    assert (a.dayfirst_for("orders"), a.dayfirst_for("tickets"), a.dayfirst_for("surveys")) == (
        True,
        None,
        None,
    )
    assert a.date_format_for("tickets", "opened_at") == "%d.%m.%Y %H:%M"
    assert a.date_format_for("tickets", "resolved_at") is None
    b = parse_params({**MINIMAL, "dayfirst": False, "date_format": "%Y%m%d"})
    assert b.dayfirst_for("orders") is False
    assert b.date_format_for("orders", "order_date") == "%Y%m%d"


def test_date_settings_from_the_command_line(tmp_path):
    (tmp_path / "params.yaml").write_text("client: A\ngo_live_date: 2025-01-01\ndayfirst: true\n")
    a = load_params(tmp_path, overrides={"dayfirst": "auto", "date_format": "{orders: '%d/%m/%Y'}"})
    assert a.dayfirst_for("orders") is None
    assert a.date_format_for("orders", "order_date") == "%d/%m/%Y"
