"""The notes of a comparison (why it has no statistics, and its caveats): typed facts in the
statistics and domains, said in English and in Chinese by the words layer.

Each case writes out, for a hand-made fact, the English sentence (as results.json has always
recorded it) and the Chinese one a report in Chinese prints.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.domains.clv import ClvNotFinite, SpendModelFailed, SpendModelUndefined
from crmkit.domains.customers import ChurnDrivers
from crmkit.domains.customers.drivers import (
    AliasedTerms,
    ComplaintsOverFollowUp,
    CustomersLeftOut,
    FirstResponseSelection,
    FitterWarning,
    NothingToEstimate,
    TermsWithoutVariation,
)
from crmkit.domains.survey.nps import compare_nps
from crmkit.stats.impact import (
    compare_means,
    compare_paired,
    compare_proportions,
    compare_rates,
    interrupted_time_series,
)
from crmkit.stats.impact import notes as n
from crmkit.words.clv.models import clv_dropped_reason
from crmkit.words.customers import driver_caveat, driver_caveats
from crmkit.words.language import speaking
from crmkit.words.narrative.kpi import describe_change
from crmkit.words.notes import SAYINGS, row_notes, say_note, shown_notes

#: (fact, English, Chinese): every kind of fact, with numbers chosen by hand.
CASES = [
    (
        n.TooFewValues(before=0, after=544, needed=2),
        "0 value(s) before and 544 after; at least 2 needed in each window",
        "上线前 0 个值，上线后 544 个；每个窗口至少需要 2 个",
    ),
    (
        n.TooFewTrials(before=4, after=12, needed=10),
        "4 trial(s) before and 12 after; at least 10 needed in each window",
        "上线前 4 次试验，上线后 12 次；每个窗口至少需要 10 次",
    ),
    (
        n.TooFewAnswers(before=3, after=40, needed=5),
        "3 answer(s) before and 40 after; at least 5 needed in each window",
        "上线前 3 份回答，上线后 40 份；每个窗口至少需要 5 份",
    ),
    (
        n.TooFewMonths(before=2, after=12, needed=3),
        "2 month(s) before and 12 from go-live; at least 3 needed in each",
        "上线前 2 个月，上线起 12 个月；每侧至少需要 3 个月",
    ),
    (
        n.TooFewPairs(pairs=0, needed=2),
        "0 complete pair(s); at least 2 needed",
        "0 个完整配对；至少需要 2 个",
    ),
    (
        n.ExposureNotPositive(before=0.0, after=812.5),
        "exposure is 0 before and 812.5 after; both must be positive",
        "暴露量上线前为 0，上线后为 812.5；两者都必须为正",
    ),
    (
        n.FewUnitsOrNoExposure(),
        "fewer than 2 units, or no exposure, in a window",
        "某一窗口的单位少于 2 个，或没有暴露量",
    ),
    (n.NoEvents(), "no events in either window", "两个窗口均无事件"),
    (
        n.NoResidualMonths(months=6),
        "6 months leave no residual degrees of freedom",
        "6 个月不留残差自由度",
    ),
    (
        n.NoResidualRows(rows=4),
        "4 rows leave no residual degrees of freedom",
        "4 行不留残差自由度",
    ),
    (
        n.CollinearTreatment(),
        "the treatment indicator is collinear with the fixed effects",
        "处理指示变量与固定效应共线",
    ),
    (
        n.EmptyDidCell(treated_before=0, treated_after=36, control_before=12, control_after=12),
        "treated units have 0 row(s) before and 36 after go-live, control units 12 and 12; "
        "each needs at least one",
        "处理组单位上线前 0 行、上线后 36 行，对照组单位分别为 12 行和 12 行；每格至少需要一行",
    ),
    (
        n.NoCustomerAtRisk(),
        "no customer at risk in a window of the shared age mix",
        "在共同的客龄构成中，某一窗口没有处于流失风险中的客户",
    ),
    (n.NoChurnEvent(), "no churn event in either window", "两个窗口均无流失事件"),
    (
        n.NoPositiveClv(),
        "no positive CLV with a variance in both windows",
        "两个窗口中没有既为正又有方差的 CLV",
    ),
    (
        n.Insufficient(n.TooFewPairs(pairs=1, needed=2)),
        "insufficient data: 1 complete pair(s); at least 2 needed",
        "数据不足：1 个完整配对；至少需要 2 个",
    ),
    (
        n.DroppedMissing(before=3, after=0),
        "3 missing value(s) before and 0 after were dropped",
        "已剔除缺失值：上线前 3 个，上线后 0 个",
    ),
    (
        n.UnitsWithoutPair(dropped=12, units=12),
        "12 of 12 units dropped for lacking a pair",
        "12 个单位中有 12 个因缺少配对而被剔除",
    ),
    (
        n.FisherUsed(),
        "small expected counts (below 5): Fisher's exact test used",
        "期望频数较小（低于 5）：改用 Fisher 精确检验",
    ),
    (
        n.NoVariation(test="t"),
        "no variation within either window: the t-test is undefined",
        "两个窗口内均无变异：t 检验无定义",
    ),
    (
        n.NoVariation(test="z"),
        "no variation within either window: the z-test is undefined",
        "两个窗口内均无变异：z 检验无定义",
    ),
    (
        n.SameChangeEveryUnit(),
        "every unit changed by the same amount: the t-test is undefined",
        "每个单位的变化量相同：t 检验无定义",
    ),
    (
        n.SmallSampleBootstrap(threshold=30, welch_p=True),
        "small sample (fewer than 30 in a window): bootstrap interval, Welch p-value",
        "小样本（某一窗口少于 30 个）：自助法区间，Welch p 值",
    ),
    (
        n.SmallSampleBootstrap(threshold=30, welch_p=False),
        "small sample (fewer than 30 in a window): bootstrap interval",
        "小样本（某一窗口少于 30 个）：自助法区间",
    ),
    (
        n.ResampledNormalLimit(),
        "resampled means of the larger window drawn from their normal limit",
        "较大窗口的重抽样均值取自其正态极限分布",
    ),
    (
        n.NoEventsBefore(),
        "no events before: the rate ratio and the interval of change are unbounded",
        "上线前无事件：率比及变化区间无界",
    ),
    (
        n.MonthsWithoutValue(months=2),
        "2 month(s) without a value dropped",
        "已剔除 2 个无数值的月份",
    ),
    (
        n.CalendarMonthsMissing(months=1),
        "1 calendar month(s) missing: HAC lags count observations",
        "缺少 1 个日历月：HAC 滞后按观测值计数",
    ),
    (
        n.SeasonalityNotModelled(months=12, needed=24),
        "seasonality not modelled: 12 months before go-live, at least 24 needed",
        "未对季节性建模：上线前 12 个月，至少需要 24 个月",
    ),
    (
        n.RowsWithMissingDropped(rows=5),
        "5 row(s) with missing values dropped",
        "已剔除 5 行含缺失值的数据",
    ),
    (
        n.SmallSampleNps(threshold=30),
        "small sample (fewer than 30 answers in a window): the interval is rough",
        "小样本（某一窗口少于 30 份回答）：区间较粗略",
    ),
    (
        n.NpsBeforeNotPositive(),
        "relative change not shown: the NPS before is not positive",
        "未显示相对变化：上线前的 NPS 不为正",
    ),
    (
        n.ChurnDefinition(source="churned_date", days=365, shared=0.82),
        "churn from churned_date; the same population rule, 365 days followed in each window, "
        "age mix standardised (82% shared)",
        "流失依据 churned_date；相同的人群规则，每个窗口跟踪 365 天，客龄构成已标准化（共享 82%）",
    ),
    (
        n.SpendWindowDays(days=365),
        "365 days of spend in each window, retention on the churn KPI's comparable "
        "definition, age mix standardised",
        "每个窗口 365 天的消费，留存率采用流失 KPI 的可比定义，客龄构成已标准化",
    ),
    # difference in differences
    (
        n.ExactFit(),
        "the model fits exactly: no residual variation",
        "模型完全拟合：没有残差变异",
    ),
    (
        n.FewUnitsOnASide(treated=3, control=1),
        "3 treated and 1 control unit(s): with two or fewer on a side, even wild-bootstrap "
        "inference is unreliable (MacKinnon & Webb 2017)",
        "3 个处理单位和 1 个对照单位：任一侧只有两个或更少单位时，即使野自助法推断也不可靠"
        "（MacKinnon & Webb 2017）",
    ),
    (
        n.TooFewArrangements(units=5, arrangements=10),
        "no interval and no p-value: 5 units allow only 10 arrangements of the treated ones",
        "无置信区间、无 p 值：5 个单位中处理单位只有 10 种排列方式",
    ),
    (
        n.WildBootstrapInference(clusters=8),
        "8 clusters: wild cluster bootstrap inference",
        "8 个聚类：采用野聚类自助法推断",
    ),
    (
        n.PreTrendsDiffer(p_value=0.0123),
        "treated and control trends differed before go-live (p = 0.012): parallel trends doubtful",
        "上线前处理组与对照组的趋势已有差异（p = 0.012）：平行趋势假设存疑",
    ),
    (
        n.UnboundedInterval(),
        "the interval is unbounded: no effect size on that side is rejected, so both bounds are "
        "withheld",
        "置信区间无界：该侧没有任何效应量被拒绝，因此两端界限均不给出",
    ),
    # interrupted time series
    (
        n.ModelChosenByFit(model="log-linear", linear_rmse=1234.5678, log_linear_rmse=987.65432),
        "model: log-linear, by the root mean squared error of the fit before go-live "
        "(1,235 linear, 987.7 log-linear)",
        "模型：对数线性，依据上线前拟合的均方根误差选定（线性 1,235，对数线性 987.7）",
    ),
    (
        n.ProjectionTooLong(months_after=18, months_before=12),
        "the projection runs 18 months from go-live on a trend fitted to 12 months before it",
        "预测从上线起延伸 18 个月，而所依据的趋势只拟合了上线前 12 个月",
    ),
    (
        n.ProjectionNotPositive(months=4, of=12),
        "the projection without go-live is zero or below in 4 of 12 months",
        "未上线情形下的预测在 12 个月中有 4 个月为零或负值",
    ),
    (
        n.ProjectionLeavesRange(),
        "the projection leaves the range of the months before go-live by more than that range "
        "spans",
        "预测超出上线前各月取值范围的幅度大于该范围本身的跨度",
    ),
    (
        n.CounterfactualNearZero(),
        "the counterfactual is near zero against the values compared",
        "与所比较的数值相比，反事实值接近零",
    ),
    (
        n.Guarded(guard="counterfactual_implausible", reason=n.ProjectionNotPositive(2, 6)),
        "counterfactual_implausible: the projection without go-live is zero or below in 2 of 6 "
        "months",
        "反事实预测不可信：未上线情形下的预测在 6 个月中有 2 个月为零或负值",
    ),
    (
        n.AutocorrelatedResiduals(p_value=0.0004),
        "residuals autocorrelated (Ljung–Box p = 0.000): Newey–West errors used, read borderline "
        "p-values with care",
        "残差存在自相关（Ljung–Box p = 0.000）：已采用 Newey–West 标准误，临界附近的 p 值需谨慎解读",
    ),
    # how a KPI was compared
    (
        n.MonthsPairedByCalendarMonth(),
        "months paired by calendar month; the change includes trend",
        "按日历月份配对；变化中包含趋势",
    ),
    (
        n.ObservationsClustered(unit="customer_id"),
        "observations clustered by customer_id",
        "观测按 customer_id 聚类",
    ),
    # windows that are not comparable
    (
        n.NotComparable(n.DataEndBeforeAfterWindow()),
        "not comparable: the data end before the after window begins",
        "不可比较：数据在上线后窗口开始之前就已结束",
    ),
    (
        n.BothReasons(n.ShortOrderHistory(inactivity_days=180), n.DataEndBeforeAfterWindow()),
        "the order history before the before window is shorter than the inactivity threshold "
        "(180 days), so who was active at its start cannot be told; the data end before the "
        "after window begins",
        "上线前窗口之前的订单历史短于不活跃阈值（180 天），因此无法判断窗口开始时哪些客户仍然活跃；"
        "数据在上线后窗口开始之前就已结束",
    ),
    (
        n.ShortOrderHistory(inactivity_days=90),
        "the order history before the before window is shorter than the inactivity threshold "
        "(90 days), so who was active at its start cannot be told",
        "上线前窗口之前的订单历史短于不活跃阈值（90 天），因此无法判断窗口开始时哪些客户仍然活跃",
    ),
    (
        n.DataEndBeforeAfterWindow(),
        "the data end before the after window begins",
        "数据在上线后窗口开始之前就已结束",
    ),
    (
        n.AgeMixesDiffer(customers="at_risk", shared=0.18, needed=0.25),
        "the customers at risk differ in age: the two windows' age mixes share 18% of their "
        "customers (at least 25% needed)",
        "面临流失风险的客户客龄不同：两个窗口的客龄构成只有 18% 的客户重合（至少需要 25%）",
    ),
    (
        n.TablesAbsent(tables=("tickets", "orders")),
        "needs tickets and orders",
        "需要 tickets、orders 表",
    ),
    (
        n.ColumnsAbsent(columns=(("surveys", ("nps", "csat")), ("orders", ("quantity",)))),
        "needs columns nps, csat in surveys and column quantity in orders",
        "需要 surveys 表的 nps, csat 列、orders 表的 quantity 列",
    ),
    (
        n.ColumnEmpty(table="orders", column="quantity"),
        "needs values in column quantity of orders",
        "需要 orders 表的 quantity 列有值",
    ),
    (
        n.ComputationFailed(error="ZeroDivisionError: division by zero"),
        "could not be computed: ZeroDivisionError: division by zero",
        "无法计算：ZeroDivisionError: division by zero",
    ),
    (n.OneCategory(), "only one category occurs", "只出现了一个类别"),
    (
        n.TooFewCounts(before=0, after=12),
        "0 count(s) before and 12 after",
        "上线前计数 0，上线后计数 12",
    ),
    (
        n.SmallExpectedCounts(),
        "small expected counts: the chi-square approximation may be poor",
        "期望频数偏小：卡方近似可能不准确",
    ),
]


@pytest.mark.parametrize(("fact", "english", "chinese"), CASES, ids=lambda c: type(c).__name__)
def test_a_fact_in_english_and_chinese(fact, english, chinese):
    assert say_note(fact) == english
    with speaking("zh"):
        assert say_note(fact) == chinese


@pytest.mark.parametrize(("fact", "english", "chinese"), CASES, ids=lambda c: type(c).__name__)
def test_the_record_results_json_keeps_is_the_words_layers_english(fact, english, chinese):
    # results.json's kpis.<kpi>.note is the fact's english(); the report's English must match
    assert fact.english() == english


def test_every_kind_of_fact_is_said_and_has_a_case():
    assert set(SAYINGS) == set(n.NOTE_KINDS.values())
    assert {type(fact) for fact, _, _ in CASES} == set(n.NOTE_KINDS.values())


@pytest.mark.parametrize(("fact", "english", "chinese"), CASES, ids=lambda c: type(c).__name__)
def test_facts_read_back_from_their_json(fact, english, chinese):
    assert n.read_notes(n.write_notes([fact])) == (fact,)


def test_a_row_with_too_few_pairs_says_why_in_chinese():
    # 3 units, only unit "a" has a value in both windows: 1 complete pair, 2 needed
    before = pd.Series({"a": 10.0, "b": 12.0})
    after = pd.Series({"a": 11.0, "c": 9.0})
    row = compare_paired(before, after).iloc[0]
    english = (
        "insufficient data: 1 complete pair(s); at least 2 needed; "
        "2 of 3 units dropped for lacking a pair"
    )
    assert row["note"] == english
    assert row_notes(row) == english
    with speaking("zh"):
        assert row_notes(row) == (
            "数据不足：1 个完整配对；至少需要 2 个；3 个单位中有 2 个因缺少配对而被剔除"
        )


def test_small_expected_counts_say_fisher_in_chinese():
    # 1 success in 10 trials before, 2 in 10 after: expected successes 1.5 < 5
    row = compare_proportions(1, 10, 2, 10).iloc[0]
    assert row["note"] == "small expected counts (below 5): Fisher's exact test used"
    with speaking("zh"):
        assert row_notes(row) == "期望频数较小（低于 5）：改用 Fisher 精确检验"


def test_zero_exposure_says_why_in_chinese():
    # no orders before go-live: the complaint rate has no exposure in that window
    row = compare_rates(0, 0.0, 3, 250.0, per=1000).iloc[0]
    assert row["note"] == (
        "insufficient data: exposure is 0 before and 250 after; both must be positive"
    )
    with speaking("zh"):
        assert row_notes(row) == "数据不足：暴露量上线前为 0，上线后为 250；两者都必须为正"


def test_missing_values_and_too_few_values_in_chinese():
    # before: one real value and one NaN; after: three values; at least 2 needed per window
    row = compare_means([5.0, np.nan], [4.0, 6.0, 8.0]).iloc[0]
    assert row["note"] == (
        "insufficient data: 1 value(s) before and 3 after; at least 2 needed in each window; "
        "1 missing value(s) before and 0 after were dropped"
    )
    with speaking("zh"):
        assert row_notes(row) == (
            "数据不足：上线前 1 个值，上线后 3 个；每个窗口至少需要 2 个；"
            "已剔除缺失值：上线前 1 个，上线后 0 个"
        )


def test_a_short_series_says_its_months_in_chinese():
    # two months before go-live (2024-11, 2024-12) and four from it: 3 needed on each side
    months = pd.period_range("2024-11", periods=6, freq="M").to_timestamp()
    series = pd.Series([10.0, 11.0, 12.0, 13.0, 12.0, 14.0], index=months)
    row = interrupted_time_series(series, "2025-01-01").comparison.iloc[0]
    assert row["note"] == (
        "insufficient data: 2 month(s) before and 4 from go-live; at least 3 needed in each"
    )
    with speaking("zh"):
        assert row_notes(row) == "数据不足：上线前 2 个月，上线起 4 个月；每侧至少需要 3 个月"


def test_too_few_survey_answers_in_chinese():
    # 2 answers before go-live and 3 after, 5 needed in each window
    row = compare_nps([9, 3], [10, 8, 7], min_n=5).iloc[0]
    assert row["note"] == (
        "insufficient data: 2 answer(s) before and 3 after; at least 5 needed in each window"
    )
    with speaking("zh"):
        assert row_notes(row) == "数据不足：上线前 2 份回答，上线后 3 份；每个窗口至少需要 5 份"


def test_a_note_replaced_after_the_statistics_is_shown_as_written_in_english_only():
    # the facts say one thing, the note (replaced by a later step) another
    row = {**n.noted(n.FisherUsed()), "note": "observations clustered by customer_id"}
    assert row_notes(row) == "observations clustered by customer_id"
    assert shown_notes(row) == "observations clustered by customer_id"
    with speaking("zh"):
        assert shown_notes(row) is None


def test_a_kpi_that_could_not_be_compared_says_why_in_chinese():
    row = {
        "label": "Active CRM users",
        "unit": "share",
        "verdict": "insufficient data",
        "n_before": 0,
        "n_after": 0,
        **n.noted(
            n.Insufficient(n.TooFewPairs(pairs=0, needed=2)),
            n.UnitsWithoutPair(dropped=12, units=12),
        ),
    }
    assert describe_change(row) == (
        "Active CRM users could not be compared: insufficient data: 0 complete pair(s); "
        "at least 2 needed; 12 of 12 units dropped for lacking a pair."
    )
    with speaking("zh"):
        text = describe_change(row)
    assert "数据不足：0 个完整配对；至少需要 2 个；12 个单位中有 12 个因缺少配对而被剔除" in text


# --- why a CLV model was dropped ---------------------------------------------------------------

CLV_CASES = [
    (
        SpendModelUndefined(q=0.84),
        "the spend model's q is 0.84 (≤ 1): mean spend per purchase is undefined, "
        "so no CLV is predicted",
        "消费模型的 q 为 0.84（≤ 1）：每次购买的平均消费无定义，因此不预测 CLV",
    ),
    (
        SpendModelFailed(error="fewer than 3 repeat customers"),
        "the spend model cannot be fitted: fewer than 3 repeat customers",
        "无法拟合消费模型：fewer than 3 repeat customers",
    ),
    (
        ClvNotFinite(customers=1250),
        "the lifetime value cannot be computed for 1,250 customers (the fitted purchase "
        "model's expectation is not finite), so no CLV is predicted",
        "有 1,250 位客户的生命周期价值无法计算（拟合的购买模型的期望值不是有限值），因此不预测 CLV",
    ),
]


@pytest.mark.parametrize(("fact", "english", "chinese"), CLV_CASES, ids=lambda c: type(c).__name__)
def test_why_no_clv_was_predicted_in_english_and_chinese(fact, english, chinese):
    assert fact.english() == english  # results.json's customers.clv.model.note
    assert clv_dropped_reason(fact) == english
    with speaking("zh"):
        assert clv_dropped_reason(fact) == chinese


# --- the churn model's caveats -----------------------------------------------------------------

DRIVER_CASES = [
    (
        ComplaintsOverFollowUp(),
        "complaints counted over the whole follow-up (no tickets given): customers who stay "
        "longer have more time to complain, which biases its hazard ratio downwards",
        "投诉按整个跟踪期计数（未提供工单）：停留越久的客户投诉时间越多，使其风险比偏低",
    ),
    (
        CustomersLeftOut(customers=17),
        "17 customer(s) with a missing covariate left out",
        "已排除 17 位协变量缺失的客户",
    ),
    (
        FirstResponseSelection(),
        "first_response_hours is missing for customers without tickets during their "
        "follow-up: keeping only customers with tickets selects on what happened after entry "
        "and biases the other hazard ratios",
        "跟踪期内没有工单的客户缺少 first_response_hours：只保留有工单的客户等于按进入后发生的"
        "事情筛选，会使其他风险比产生偏差",
    ),
    (
        TermsWithoutVariation(terms=("segment[Retail]", "region[East]")),
        "left out for lack of variation: segment[Retail], region[East]",
        "因无变异而排除：segment[Retail], region[East]",
    ),
    (
        AliasedTerms(terms=("region[West]",)),
        "left out as a combination of earlier terms (aliased): region[West]",
        "作为前面各项的组合（混淆）而排除：region[West]",
    ),
    (
        NothingToEstimate(),
        "nothing to estimate: no varying covariate or no churn event",
        "无可估计的内容：没有变化的协变量或没有流失事件",
    ),
    (
        FitterWarning(message="Inverting hessian failed"),
        "statsmodels: Inverting hessian failed",
        "statsmodels：Inverting hessian failed",
    ),
]


@pytest.mark.parametrize(
    ("fact", "english", "chinese"), DRIVER_CASES, ids=lambda c: type(c).__name__
)
def test_a_churn_model_caveat_in_english_and_chinese(fact, english, chinese):
    assert fact.english() == english
    assert driver_caveat(fact) == english
    with speaking("zh"):
        assert driver_caveat(fact) == chinese


def test_the_churn_models_caveats_join_as_its_english_note():
    caveats = (CustomersLeftOut(customers=3), NothingToEstimate())
    drivers = ChurnDrivers(
        pd.DataFrame(),
        float("nan"),
        10,
        0,
        10,
        "efron",
        "3 customer(s) with a missing covariate left out; "
        "nothing to estimate: no varying covariate or no churn event",
        0.05,
        caveats,
    )
    assert driver_caveats(drivers) == drivers.note
    with speaking("zh"):
        assert driver_caveats(drivers) == (
            "已排除 3 位协变量缺失的客户；无可估计的内容：没有变化的协变量或没有流失事件"
        )
