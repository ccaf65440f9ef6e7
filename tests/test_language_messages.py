"""The texts a Chinese report still took in English from below the words layer: validation
warnings quoted as data-quality issues, the stages' messages on the index, why the purchase
model could not be fitted, the stage titles of the readiness table, the customer-value area.

Each case writes out, for a hand-made input, the English text (as ``crmkit validate`` prints
it and results.json records it) and the Chinese one a report in Chinese prints.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from crmkit.data.config import Assessment, Window
from crmkit.data.quality import problem_facts as pf
from crmkit.data.schemas import TABLES
from crmkit.data.validation import validate_table
from crmkit.domains import clv
from crmkit.domains.plan import TablesMissing
from crmkit.words.clv import not_fitted_reason
from crmkit.words.language import speaking
from crmkit.words.narrative import area_findings
from crmkit.words.plan import readiness_findings, readiness_view
from crmkit.words.quality.issues import _issue_words
from crmkit.words.quality.problems import (
    SAYINGS,
    inconsistency,
    problem_expected,
    problem_message,
    read_month_first,
)
from crmkit.words.stage_messages import stage_message

# --- validation warnings -------------------------------------------------------------------------

#: (fact, English as validation writes it, Chinese): every kind of validation fact.
PROBLEM_CASES = [
    (
        pf.ContradictoryRows(count=1204, finding="closed_before_created"),
        "1,204 rows closed before it was created",
        "1,204 行在创建之前就已关闭",
    ),
    (
        pf.OpenWithClosedDate(count=3),
        "3 open opportunities have a closed_date",
        "3 个未结商机有 closed_date",
    ),
    (
        pf.OrdersBeforeCustomerCreated(count=12),
        "12 orders are dated before their customer was created",
        "12 个订单的日期早于其客户的创建日期",
    ),
    (
        pf.OutsideWindow(
            count=250, rows=1000, start=dt.date(2024, 1, 1), end=dt.date(2025, 12, 31)
        ),
        "250 of 1,000 rows are dated outside the assessment window 2024-01-01 to 2025-12-31; "
        "before/after comparisons ignore them",
        "1,000 行中有 250 行的日期在评估窗口 2024-01-01 至 2025-12-31 之外；上线前后的比较不计入这些行",
    ),
    (
        pf.DateOrderFromParams(
            count=2,
            example="'03/04/2024'",
            order="day first",
            first=dt.date(2024, 4, 3),
            dayfirst=True,
        ),  # fmt: skip
        "2 dates such as '03/04/2024' were read day first (3 April 2024), as params dayfirst: "
        "true says",
        "2 个日期（如 '03/04/2024'）按日在前读取（2024年4月3日），依据参数 dayfirst: true",
    ),
    (
        pf.DateOrderFromData(
            count=1,
            example="'03/04/2024'",
            order="month first",
            first=dt.date(2024, 3, 4),
            evidence=5,
            evidence_example="'12/25/2024'",
        ),  # fmt: skip
        "1 date such as '03/04/2024' was read month first (4 March 2024), because 5 dates of "
        "the column can only be read month first, e.g. '12/25/2024'",
        "1 个日期（如 '03/04/2024'）按月在前读取（2024年3月4日），因为该列有 5 个日期只能按月在前"
        "读取，例如 '12/25/2024'",
    ),
    (
        pf.NumbersReadFromData(
            count=4,
            example="'1,234'",
            read="1234",
            written="1,234.56",
            evidence=1,
            evidence_example="'2,500.75'",
        ),  # fmt: skip
        "4 values such as '1,234' were read as 1234 (written 1,234.56), because 1 value of the "
        "column can only be read so, e.g. '2,500.75'",
        "4 个数值（如 '1,234'）被读作 1234（写法为 1,234.56），因为该列有 1 个数值只能这样读取，"
        "例如 '2,500.75'",
    ),
    (
        pf.UnknownKpiRows(table="benchmarks", kpis="winrate, nps_score", more=False),
        "benchmarks rows for winrate, nps_score: not KPIs of the catalog, so these rows are "
        "ignored",
        "benchmarks 中 winrate, nps_score 的行：不是 KPI 目录中的 KPI，这些行已被忽略",
    ),
    (
        pf.ControlColumnNotFound(column="'pilot'", searched="customers, orders", hint="'Pilot'"),
        "control.column 'pilot' is a column of no table (customers, orders searched); did you "
        "mean 'Pilot'?: the control group cannot be used, and every comparison is before against "
        "after",
        "control.column 'pilot' 不是任何表中的列（已查找：customers, orders）；是否指的是 'Pilot'？"
        "因此无法使用对照组，所有比较都只是上线前后的对比",
    ),
    (
        pf.ControlGroupEmpty(column="region", values="Westt", found=""),
        "no row has region = Westt: the control group is empty, and every comparison is before "
        "against after (values found: none)",
        "没有任何行的 region = Westt：对照组为空，所有比较都只是上线前后的对比（实际出现的值：无）",
    ),
    (
        pf.NoUnitWithCrm(column="region", values="North, South"),
        "every labelled row has region = North, South: no unit got the CRM, so nothing can be "
        "compared with the control group",
        "所有带标签的行都是 region = North, South：没有单位上线 CRM，因此无法与对照组比较",
    ),
    (
        pf.ControlValuesNotFound(values="Westt", column="region", found="East, North, West"),
        "control.values Westt occur in no row of region (values found: East, North, West)",
        "control.values 中的 Westt 在 region 的任何行中都未出现（实际出现的值：East, North, West）",
    ),
    (
        pf.ControlColumnExpected(),
        "a column of customers, orders or opportunities, as its header reads in the file (or "
        "mapped under columns: in params.yaml)",
        "customers、orders 或 opportunities 表中的一列，列名与文件表头一致（或在 params.yaml 的 "
        "columns: 下映射）",
    ),
    (
        pf.ValuesThatOccur(column="region"),
        "values of region that occur in the data",
        "数据中实际出现的 region 值",
    ),
    (
        pf.OtherValuesForCrmUnits(column="region"),
        "other values of region for the units that got the CRM",
        "为上线 CRM 的单位使用 region 的其他值",
    ),
    (
        pf.KpiNameExpected(examples="win_rate, nps, churn_rate_annual"),
        "a KPI name of the catalog, e.g. win_rate, nps, churn_rate_annual",
        "KPI 目录中的 KPI 名称，例如 win_rate, nps, churn_rate_annual",
    ),
    (
        pf.ExpectedNotBefore(later="closed_date", earlier="created_date"),
        "closed_date not before created_date",
        "closed_date 不早于 created_date",
    ),
    (
        pf.ExpectedEarlierOrEqual(smaller="responses", larger="contacts"),
        "responses ≤ contacts",
        "responses ≤ contacts",
    ),
    (
        pf.NoClosedDateWhileOpen(),
        "no closed_date while status is open",
        "状态为 open 时没有 closed_date",
    ),
    (
        pf.OrderAfterCustomerCreated(),
        "order_date on or after the customer's created_date",
        "order_date 不早于客户的 created_date",
    ),
    (
        pf.DatesInWindow(start=dt.date(2024, 1, 1), end=dt.date(2025, 12, 31)),
        "a date from 2024-01-01 to 2025-12-31",
        "2024-01-01 至 2025-12-31 之间的日期",
    ),
    (
        pf.DatesWrittenInOrder(order="day first", table="orders"),
        "dates written day first; otherwise correct the rows listed, or set dayfirst: false in "
        "params.yaml (for this table only: dayfirst: {orders: false})",
        "日期按日在前书写；否则请更正所列各行，或在 params.yaml 中设置 dayfirst: false"
        "（仅对此表：dayfirst: {orders: false}）",
    ),
    (
        pf.NumbersWrittenInFormat(written="1.234,56", table="orders", column="amount"),
        "numbers written 1.234,56; otherwise correct the rows listed, or set number_format: "
        "{orders: {amount: '1,234.56'}} in params.yaml",
        "数字写法为 1.234,56；否则请更正所列各行，或在 params.yaml 中设置 number_format: "
        "{orders: {amount: '1,234.56'}}",
    ),
]


@pytest.mark.parametrize(
    ("fact", "english", "chinese"), PROBLEM_CASES, ids=lambda c: type(c).__name__
)
def test_a_validation_text_in_english_and_chinese(fact, english, chinese):
    assert fact.english() == english  # what crmkit validate prints
    assert pf.read_problem_text(english) == fact
    assert problem_message(english) == english
    with speaking("zh"):
        assert problem_message(english) == chinese


def test_every_kind_of_validation_fact_is_said_and_has_a_case():
    kinds = set(pf.ProblemFact.__subclasses__())
    assert set(SAYINGS) == kinds
    assert {type(fact) for fact, _, _ in PROBLEM_CASES} == kinds


def test_a_text_no_fact_reads_is_shown_as_written():
    text = "crmkit could not check this file (KeyError: 'x')"
    assert pf.read_problem_text(text) is None
    with speaking("zh"):
        assert problem_message(text) == text
        assert problem_expected(None) == ""


def _window_assessment() -> Assessment:
    return Assessment(
        "Acme",
        dt.date(2025, 1, 1),
        Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    )


def test_validation_warnings_of_a_table_read_back_and_say_the_same_rows_in_chinese():
    # three opportunities: row 3 closed before it was created, row 4 open with a closed_date,
    # row 4 also dated in 2023, outside the assessment window 2024-01-01 to 2025-12-31
    frame = pd.DataFrame(
        {
            "opportunity_id": ["O1", "O2", "O3"],
            "created_date": ["2024-02-01", "2024-05-10", "2023-06-01"],
            "closed_date": ["2024-03-01", "2024-05-01", "2023-07-01"],
            "status": ["won", "lost", "open"],
            "amount": [100.0, 200.0, 300.0],
        }
    )
    _, problems = validate_table(
        frame, TABLES["opportunities"], file="data/opportunities.csv",
        assessment=_window_assessment(),
    )  # fmt: skip
    found = {(p.rule, p.message, p.expected, p.rows) for p in problems}
    assert found == {
        (
            "outside_window",
            "1 of 3 rows are dated outside the assessment window 2024-01-01 to 2025-12-31; "
            "before/after comparisons ignore them",
            "a date from 2024-01-01 to 2025-12-31",
            (4,),
        ),
        ("inconsistent", "1 rows closed before it was created",
         "closed_date not before created_date", (3,)),
        ("inconsistent", "1 open opportunities have a closed_date",
         "no closed_date while status is open", (4,)),
    }  # fmt: skip
    with speaking("zh"):
        said = {problem_message(p.message) for p in problems}
        expected = {problem_expected(p.expected) for p in problems}
    assert said == {
        "3 行中有 1 行的日期在评估窗口 2024-01-01 至 2025-12-31 之外；上线前后的比较不计入这些行",
        "1 行在创建之前就已关闭",
        "1 个未结商机有 closed_date",
    }
    assert expected == {
        "2024-01-01 至 2025-12-31 之间的日期",
        "closed_date 不早于 created_date",
        "状态为 open 时没有 closed_date",
    }


def test_an_inconsistency_and_the_date_order_read_from_the_message():
    assert inconsistency("1,204 rows closed before it was created") == (
        "closed before it was created"
    )
    assert inconsistency("7 rows something new") == "something new"  # as written, count cut
    month_first = (
        "1 date such as '03/04/2024' was read month first (4 March 2024), because 5 dates of "
        "the column can only be read month first, e.g. '12/25/2024'"
    )
    assert read_month_first(month_first)
    with speaking("zh"):
        assert inconsistency("3 open opportunities have a closed_date") == "未结商机有 closed_date"


def test_an_issue_and_a_note_of_the_data_quality_page_in_chinese():
    inconsistent = {
        "rule": "inconsistent",
        "severity": "warning",
        "table": "opportunities",
        "column": "closed_date",
        "file": "data/opportunities.csv",
        "count": 2,
        "expected": "closed_date not before created_date",
        "message": "2 rows closed before it was created",
    }
    outside = {
        **inconsistent,
        "rule": "outside_window",
        "column": "created_date",
        "count": 250,
        "expected": "a date from 2024-01-01 to 2025-12-31",
        "message": "250 of 1,000 rows are dated outside the assessment window 2024-01-01 to "
        "2025-12-31; before/after comparisons ignore them",
    }
    english_issue, _, english_ask = _issue_words(outside)
    assert english_issue == outside["message"]
    assert (
        english_ask
        == "Please check the rows listed: we expected a date from 2024-01-01 to 2025-12-31."
    )
    with speaking("zh"):
        issue, _, ask = _issue_words(inconsistent)
        note, _, note_ask = _issue_words(outside)
    assert "在创建之前就已关闭" in issue and "closed before" not in issue
    assert "closed_date 不早于 created_date" in ask
    assert (
        note
        == "1,000 行中有 250 行的日期在评估窗口 2024-01-01 至 2025-12-31 之外；上线前后的比较不计入这些行"
    )
    assert "2024-01-01 至 2025-12-31 之间的日期" in note_ask and "a date from" not in note_ask


# --- the stages' messages ------------------------------------------------------------------------

STAGE_MESSAGES = [
    ("needs tickets", "需要 tickets 表"),
    ("needs orders or opportunities", "需要 orders 或 opportunities 表"),
    (
        "needs usage; needs orders or opportunities",
        "需要 usage 表；需要 orders 或 opportunities 表",
    ),
    ("KeyError: 'region' (cell 7)", "KeyError: 'region'（第 7 个单元格）"),
    (
        "the page could not be rendered: ValueError: bad",
        "页面未能生成：ValueError: bad",
    ),
    (
        "KeyError: 'region' (cell 7); the page could not be rendered: ValueError: bad",
        "KeyError: 'region'（第 7 个单元格）；页面未能生成：ValueError: bad",
    ),
    ("TimeoutError: the stage ran too long", "TimeoutError: the stage ran too long"),
]


@pytest.mark.parametrize(("english", "chinese"), STAGE_MESSAGES)
def test_a_stage_message_in_english_and_chinese(english, chinese):
    assert stage_message(english) == english  # the index in English shows it as recorded
    with speaking("zh"):
        assert stage_message(english) == chinese


def test_the_tables_a_stage_needs_read_back_from_the_recorded_message():
    fact = TablesMissing(all_of=("usage", "customers"), any_of=())
    assert fact.english() == "needs usage and customers"
    assert TablesMissing.read("needs usage and customers") == fact
    assert TablesMissing.read("needs usage, customers") is None


def test_the_readiness_table_names_stages_and_reasons_in_chinese():
    readiness = pd.DataFrame(
        {
            "stage": ["01 Plan and scope", "04 Service and interaction"],
            "ready": [True, False],
            "reason": ["", "needs tickets"],
        }
    )
    with speaking("zh"):
        view = readiness_view(readiness)
        text = readiness_findings(readiness)
    assert view["stage"].tolist() == ["01 规划与范围", "04 服务与互动"]
    assert view["reason"].tolist() == ["", "需要 tickets 表"]
    assert "04 服务与互动" in text and "需要 tickets 表" in text
    assert readiness_view(readiness).equals(readiness)  # English: as the domain wrote it


# --- the customer-value stage --------------------------------------------------------------------

NOT_FITTED = [
    (clv.NoBuyers(), "no customer bought in the period", "该期间内没有客户购买"),
    (
        clv.PurchaseModelFailed(
            error="no customer made a repeat purchase: the BG/NBD parameters cannot be estimated"
        ),
        "the purchase model cannot be fitted: no customer made a repeat purchase: the BG/NBD "
        "parameters cannot be estimated",
        "无法拟合购买模型：没有客户重复购买：无法估计 BG/NBD 参数",
    ),
    (clv.NoOrders(), "there are no orders", "没有订单"),
    (
        clv.HistoryTooShort(),
        "the order history is too short to hold a period out",
        "订单历史太短，无法留出一段时期做检验",
    ),
    (
        clv.CalibrationFitFailed(error="no customers bought in the calibration period"),
        "the purchase model cannot be fitted on the calibration period: no customers bought in "
        "the calibration period",
        "无法在校准期上拟合购买模型：校准期内没有客户购买",
    ),
]


@pytest.mark.parametrize(("fact", "english", "chinese"), NOT_FITTED, ids=lambda c: type(c).__name__)
def test_why_the_purchase_model_was_not_fitted_in_english_and_chinese(fact, english, chinese):
    assert fact.english() == english
    assert not_fitted_reason(fact) == english
    with speaking("zh"):
        assert not_fitted_reason(fact) == chinese


def test_one_time_buyers_leave_the_purchase_model_unfitted_and_say_why_in_chinese():
    one_time = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "order_date": pd.to_datetime(["2025-01-01", "2025-01-05"]),
            "amount": [10.0, 20.0],
        }
    )
    out = clv.fit_value_models(clv.customer_summary(one_time), margin=0.3, yearly_discount_rate=0.1)
    assert isinstance(out, clv.NotFitted)
    with speaking("zh"):
        assert not_fitted_reason(out) == "无法拟合购买模型：没有客户重复购买：无法估计 BG/NBD 参数"


def test_the_customer_value_area_is_named_in_chinese():
    with speaking("zh"):
        text = area_findings(pd.DataFrame(), area="customer value")
    assert text == "没有任何客户价值 KPI 能用所提供的数据测量。"


# --- KPI skip reasons, failed KPIs, the control unit, the channel mix, churn not compared ---

_ASSESSMENT = Assessment(
    "Acme",
    dt.date(2025, 1, 1),
    Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
)
#: Two orders without quantity and no tickets: units per order and complaints are skipped.
_ORDERS = pd.DataFrame(
    {
        "order_id": ["O1", "O2"],
        "customer_id": ["A", "B"],
        "order_date": pd.to_datetime(["2024-03-01", "2025-03-01"]),
        "amount": [10.0, 20.0],
    }
)


def test_a_skipped_kpi_says_the_data_it_needs_in_english_and_chinese():
    from crmkit.measure.kpi_results import measure_kpis
    from crmkit.words.narrative.kpi import kpi_verdict_text

    results = measure_kpis(
        {"orders": _ORDERS},
        _ASSESSMENT,
        kpis_wanted=["units_per_order", "complaints_per_1000_orders"],
    )
    units, complaints = results.loc["units_per_order"], results.loc["complaints_per_1000_orders"]
    # results.json keeps the English note and needs as before
    assert units["note"] == "needs column quantity in orders"
    assert units["needs"] == "column quantity of orders.csv"
    assert complaints["note"] == "needs tickets"
    assert complaints["needs"] == "tickets.csv"
    assert kpi_verdict_text(units) == "not measured: needs column quantity of orders.csv"
    assert kpi_verdict_text(complaints) == "not measured: needs tickets.csv"
    with speaking("zh"):
        assert kpi_verdict_text(units) == "未测量：需要orders.csv 的 quantity 列"
        assert kpi_verdict_text(complaints) == "未测量：需要tickets.csv"


def test_the_data_a_kpi_needs_as_facts_in_english_and_chinese():
    from crmkit.kpis import data_gap, get_kpi
    from crmkit.stats.impact import notes as n
    from crmkit.words.notes import data_needed

    surveys = pd.DataFrame({"response_id": ["R1"], "response_date": pd.to_datetime(["2024-05-01"])})
    gap = data_gap(get_kpi("nps"), {"surveys": surveys})
    assert gap == n.ColumnsAbsent(columns=(("surveys", ("nps",)),))
    empty = n.ColumnEmpty(table="orders", column="quantity")
    two = n.TablesAbsent(tables=("tickets", "orders"))
    assert data_needed(gap) == gap.files() == "column nps of surveys.csv"
    assert data_needed(empty) == empty.files() == "values in column quantity of orders.csv"
    assert data_needed(two) == two.files() == "tickets.csv and orders.csv"
    with speaking("zh"):
        assert data_needed(gap) == "surveys.csv 的 nps 列"
        assert data_needed(empty) == "orders.csv 的 quantity 列中的值"
        assert data_needed(two) == "tickets.csv、orders.csv"


def test_a_kpi_whose_computation_failed_says_so_in_english_and_chinese(monkeypatch):
    from crmkit.measure import kpi_results
    from crmkit.words.narrative.kpi import kpi_verdict_text

    def broken(kpi, tables, assessment):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(kpi_results, "measure_one", broken)
    row = kpi_results.measure_kpis(
        {"orders": _ORDERS}, _ASSESSMENT, kpis_wanted=["revenue_monthly"]
    )
    row = row.loc["revenue_monthly"]
    assert row["note"] == "could not be computed: ZeroDivisionError: division by zero"
    assert kpi_verdict_text(row) == (
        "failed: could not be computed: ZeroDivisionError: division by zero"
    )
    with speaking("zh"):
        said = kpi_verdict_text(row)
    assert said.endswith("：无法计算：ZeroDivisionError: division by zero")
    assert "could not" not in said


def test_the_control_unit_warning_in_english_and_chinese():
    from crmkit.data.config import Control
    from crmkit.data.control_groups import (
        UNIT_EXPECTED,
        UnitNeedsColumn,
        assignment_facts,
        locate_control,
    )

    orders = _ORDERS.assign(region=["West", "North"])
    where = locate_control({"orders": orders}, Control("region", ("West",), "rep"))
    (fact,) = assignment_facts(where, {"orders": orders})
    assert fact == UnitNeedsColumn(unit="rep", column="rep_id")
    warning = (
        "control.unit rep needs rep_id in orders: the sales rep of each order; the revenue "
        "comparison with the control group is not made"
    )
    assert fact.warning() == warning
    assert problem_message(warning) == warning
    assert problem_expected(UNIT_EXPECTED) == UNIT_EXPECTED
    with speaking("zh"):
        assert problem_message(warning) == (
            "control.unit rep 需要 orders 表中的 rep_id 列：每笔订单的销售代表；不进行与对照组的收入比较"
        )
        assert problem_expected(UNIT_EXPECTED) == (
            "订单数据所允许的 control.unit：customer、region 或 rep"
        )
        customer = UnitNeedsColumn(unit="customer", column="customer_id").warning()
        assert problem_message(customer) == (
            "control.unit customer 需要 orders 表中的 customer_id 列：每笔订单的客户；"
            "不进行与对照组的收入比较"
        )


def test_the_chi_square_notes_of_a_channel_mix_in_english_and_chinese():
    from crmkit.stats.impact import compare_distributions
    from crmkit.words.notes import row_notes

    # 2 × 2 table (3, 1 / 2, 4): expected counts 2.5, 2.5, 2.5, 2.5 are all below 5 (Cochran)
    small = compare_distributions(
        pd.Series({"email": 3, "web": 1}), pd.Series({"email": 2, "web": 4})
    )
    note = "small expected counts: the chi-square approximation may be poor"
    assert small["note"].iloc[0] == note
    assert row_notes(small.iloc[0]) == note
    with speaking("zh"):
        assert row_notes(small.iloc[0]) == "期望频数偏小：卡方近似可能不准确"
    one = compare_distributions(pd.Series({"email": 5}), pd.Series({"email": 7}))
    empty = compare_distributions(pd.Series({"email": 0}), pd.Series({"email": 4}))
    assert one["note"].iloc[0] == "insufficient data: only one category occurs"
    assert empty["note"].iloc[0] == "insufficient data: 0 count(s) before and 4 after"
    with speaking("zh"):
        assert row_notes(one.iloc[0]) == "数据不足：只出现了一个类别"
        assert row_notes(empty.iloc[0]) == "数据不足：上线前计数 0，上线后计数 4"
    assert (
        compare_distributions(pd.Series({"a": 50, "b": 50}), pd.Series({"a": 60, "b": 40}))[
            "note_facts"
        ]
        .isna()
        .all()
    )


def test_churn_windows_not_compared_say_why_in_english_and_chinese():
    from crmkit.domains.customers import ChurnSummary, churn_rates
    from crmkit.stats.impact.notes import DataEndBeforeAfterWindow, read_notes
    from crmkit.words.customers.retention import churn_text

    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C"],
            "created_date": pd.to_datetime(["2023-01-01", "2023-06-01", "2023-07-01"]),
            "churned_date": pd.to_datetime(["2024-04-01", None, None]),
        }
    )
    # the data end on 31 December 2024, before the after window begins on 1 January 2025
    rates = churn_rates(customers, _ASSESSMENT, data_end="2024-12-31")
    assert not rates["comparable"].any()
    assert read_notes(rates["reason_facts"].iloc[0]) == (DataEndBeforeAfterWindow(),)
    row = {"before": float("nan"), "after": float("nan"), "p_value": float("nan")}
    row["guard"] = "not_comparable"
    summary = ChurnSummary(rates, None, None)
    assert "not compared: the data end before the after window begins." in churn_text(row, summary)
    with speaking("zh"):
        said = churn_text(row, summary)
    assert "数据在上线后窗口开始之前就已结束" in said
    assert "the data end" not in said


def test_what_a_kpi_needs_reads_back_from_results_json_and_is_said_in_chinese():
    from crmkit.kpis import read_needs
    from crmkit.stats.impact import notes as n
    from crmkit.words.narrative.kpi import kpi_verdict_text

    assert read_needs("tickets.csv and customers.csv") == n.TablesAbsent(("tickets", "customers"))
    assert read_needs("columns nps, csat of surveys.csv") == n.ColumnsAbsent(
        (("surveys", ("nps", "csat")),)
    )
    assert read_needs("values in column quantity of orders.csv") == n.ColumnEmpty(
        "orders", "quantity"
    )
    assert read_needs("tickets.csv, customers.csv") is None
    # a results.json entry has no facts: its needs are read back
    entry = {
        "status": "skipped",
        "verdict": "not measured",
        "needs": "column rep_id of orders.csv",
        "note": "needs column rep_id in orders",
    }
    assert kpi_verdict_text(entry) == "not measured: needs column rep_id of orders.csv"
    with speaking("zh"):
        assert kpi_verdict_text(entry) == "未测量：需要orders.csv 的 rep_id 列"


def test_the_overviews_kpis_not_measured_and_the_tables_missing_in_chinese():
    from crmkit.words.plan import inventory_findings

    inventory = pd.DataFrame(
        {
            "table": ["orders", "tickets"],
            "present": [True, False],
            "rows": [1200, 0],
            "rows_before": [600, None],
            "rows_after": [600, None],
            "used_for": [
                "revenue",
                "response and resolution times, complaints, service satisfaction",
            ],
        }
    )
    assert inventory_findings(inventory) == (
        "The client supplied 1 of 2 tables (1,200 rows). Missing: tickets (needed for response "
        "and resolution times, complaints, service satisfaction)."
    )
    with speaking("zh"):
        assert inventory_findings(inventory) == (
            "客户提供了 2 张表中的 1 张（共 1,200 行）。缺少：tickets（用于响应和解决时间、投诉、服务满意度）。"
        )


def test_what_an_objective_lacks_is_said_in_the_reports_language():
    from crmkit.words.plan import objectives_findings, objectives_view

    objectives = pd.DataFrame(
        {"objective": ["Win more", "Serve faster"], "missing": ["measure, deadline", ""]}
    )
    assert objectives_findings(objectives) == (
        "2 objectives are stated; 1 is fully SMART. Win more: no measure, deadline."
    )
    assert objectives_view(objectives)["missing"].tolist() == ["measure, deadline", ""]
    with speaking("zh"):
        assert objectives_view(objectives)["missing"].tolist() == ["衡量指标、截止日期", ""]
        assert "衡量指标、截止日期" in objectives_findings(objectives)
