"""Раздел 2.2: качественные утверждения текста проверяются на данных курса."""

import math

import pandas as pd
import pytest

from salesbook.exercises import ch02_b2b_b2c as ex
from salesbook.exercises import table, tables
from salesbook.toolkit import course, kpi, motions, retention, unit_economics


@pytest.fixture(scope="module")
def comparison():
    return ex.comparison()


@pytest.fixture(scope="module")
def costs(comparison):
    return motions.motion_costs(comparison, payback_months=course.BENCHMARK_PAYBACK_MONTHS)


@pytest.fixture(scope="module")
def conversion():
    return motions.lead_conversion(table("leads"), table("opportunities"), *course.YEAR_2024)


def test_committee_traces_grow_with_company_size():
    """«Чем больше людей согласуют покупку, тем дольше цикл и тем чаще пресейл»: SMB < mid-market < enterprise."""
    opps = table("opportunities")
    won = kpi.won_deals(opps, *course.YEAR_2024)
    se = won["se_id"].notna().groupby(won["segment"]).mean().loc[list(course.SEGMENTS)]
    cycle = kpi.median_cycle(opps, *course.YEAR_2024, by="segment").loc[list(course.SEGMENTS)]
    assert se.is_monotonic_increasing and cycle.is_monotonic_increasing
    assert se["smb"] < 0.15  # «почти без пресейла»
    assert cycle["enterprise"] > 150  # «полгода»


def test_check_and_cac_grow_by_orders_of_magnitude(comparison):
    acv = comparison.loc["acv"]
    assert acv["b2c"] < acv["smb"] < acv["mid_market"] < acv["enterprise"]
    assert acv["enterprise"] / acv["b2c"] > 1000
    ratio = comparison.loc["cac", "smb"] / comparison.loc["cac", "b2c"]
    assert 10 <= ratio < 100  # «в десятки раз»


def test_cycle_and_conversion(comparison):
    assert comparison.loc["cycle_days", "b2c"] < comparison.loc["cycle_days", "smb"] < comparison.loc["cycle_days", "enterprise"]
    assert comparison.loc["conversion", "b2c"] < comparison.loc["conversion", "smb"]


def test_b2c_churns_many_times_faster_and_never_pays_back(comparison):
    c = comparison
    assert c.loc["monthly_churn", "b2c"] / c.loc["monthly_churn", "smb"] > 3  # «в разы чаще»
    assert 3 < c.loc["ltv_cac", "smb"]
    # LTV по формуле для B2C не считается (раздел 1.1.2): в таблице «—»
    assert math.isnan(c.loc["ltv", "b2c"]) and math.isnan(c.loc["ltv_cac", "b2c"])
    # простая окупаемость B2C «почти как у малого бизнеса», но платящий уходит раньше, чем вернёт CAC
    assert abs(c.loc["payback_months", "b2c"] - c.loc["payback_months", "smb"]) < 3
    assert 1 / c.loc["monthly_churn", "b2c"] < c.loc["payback_months", "b2c"]


def test_b2c_cohort_estimate_is_chapter_one_number():
    """«Платная регистрация за два года возвращает меньше половины рекламы» — то же число, что в 1.1.2."""
    t = tables(*ex.TABLES)
    gm = retention.gross_margin(t["cogs"], retention.b2c_revenue(t["b2c_purchases"]), *course.YEARS_2024_2025, business_line="b2c")
    paid = unit_economics.b2c_paid_signup_economics(t["b2c_users"], t["b2c_purchases"], t["marketing_spend"], gm,
                                                    *course.YEAR_2023, months=24)
    assert paid["gross_profit_per_signup"] / paid["spend_per_signup"] < 0.5
    # квиз: «почти втрое меньше»
    assert 2.5 < paid["spend_per_signup"] / paid["gross_profit_per_signup"] < 3


def test_b2c_2_1_window_gives_lower_share(comparison):
    """2.1 считает оплату в окне 90 дней: доля и медиана там меньше, чем в 2.2 (без окна)."""
    from salesbook.toolkit import funnel
    b2c = funnel.b2c_funnel(table("b2c_users"), table("b2c_purchases"), *course.YEAR_2024, horizon_days=90)
    assert b2c["first_purchase"] / b2c["signups"] < comparison.loc["conversion", "b2c"]
    assert b2c["median_days_to_pay"] < comparison.loc["cycle_days", "b2c"]


def test_enterprise_formula_ltv_is_infinite(comparison):
    assert comparison.loc["monthly_churn", "enterprise"] == 0
    assert math.isinf(comparison.loc["ltv", "enterprise"])


def test_margins_are_close(comparison):
    """«Разница линий — не в марже»."""
    assert abs(comparison.loc["gross_margin", "b2c"] - comparison.loc["gross_margin", "smb"]) < 0.1


def test_channels_barely_overlap():
    mix = motions.channel_mix(table("leads"), table("b2c_users"), *course.YEAR_2024)
    both = set(mix.index[(mix["b2b"] > 0) & (mix["b2c"] > 0)])
    assert both == {"organic", "social"}
    assert mix.loc["outbound", "b2c"] == 0 and mix.loc["outbound", "b2b"] > 0.1


def test_break_even_claims(comparison, costs):
    h = costs["headroom"]
    assert (h < 1).all() and (h > 0.5).all()  # никто не окупается за 12 мес.; точки не дальше чем вдвое ниже линии
    assert h.idxmax() == "smb"  # «ближе всех — малый бизнес»
    assert comparison.loc["payback_months", "mid_market"] > 12
    # при 24 месяцах enterprise окупается (упражнение 3)
    assert comparison.loc["acv", "enterprise"] > ex._field_break_even()
    assert ex._field_break_even(months=12) == pytest.approx(2 * ex._field_break_even())


def test_motion_examples_in_text():
    be = ex.break_even_by_motion()
    picks = {acv: motions.motion_for_acv(acv, be) for acv in (3_000, 50_000, 600_000, 5_000_000)}
    assert picks == {3_000: "none", 50_000: "self_serve", 600_000: "product_led", 5_000_000: "field_sales"}


def test_published_bands_placement(comparison):
    usd = comparison.loc["acv"] / motions.RUB_PER_USD
    assert usd["b2c"] < 2_000 and usd["smb"] < 2_000  # зона самообслуживания у knowledgelib
    assert 10_000 <= usd["mid_market"] < 100_000  # inside sales
    assert usd["enterprise"] >= 100_000  # field sales


def test_pql_beats_mql_mostly_before_sql(conversion):
    c = conversion
    assert c.loc["pql", "win_rate"] > c.loc["trial", "win_rate"] > c.loc["mql", "win_rate"]
    assert c.loc["pql", "win_rate"] / c.loc["mql", "win_rate"] > 3  # «во много раз»
    assert c.loc["pql", "sql_rate"] == 1.0 and c.loc["mql", "sql_rate"] < 0.5  # каждый PQL — SQL по определению
    assert c.loc["pql", "win_rate"] == c.loc["pql", "win_per_sql"]  # «совпадают»
    assert c.loc["pql", "win_per_sql"] / c.loc["mql", "win_per_sql"] < 1.5  # «главная разница — до SQL»
    ci = motions.conversion_intervals(c)
    # «интервал MQL накрывает долю PQL: после SQL разница в пределах шума»
    assert ci.loc["mql", "win_per_sql_low"] < c.loc["pql", "win_per_sql"] < ci.loc["mql", "win_per_sql_high"]
    assert c.loc["mql", "customers"] < 30  # «у MQL клиентов мало»
    ratio, low, high = motions.win_ratio_interval(c)
    assert low > 3  # «во много раз» держится и на нижней границе
    assert 5 < ratio < 10 and 4.5 < low < 5.5  # «сильнее ориентира 2–5 раз, в пределах 5–10; нижняя граница — около пяти»
    assert c.loc["pql", "win_rate"] > 0.15  # выше диапазона «PQL → выигрыш» 5–15 %
    assert 0.3 < c.loc["pql", "leads"] / c.loc["trial", "leads"] < 0.7  # «около половины» активируют


def test_assisted_tier_does_not_pay():
    """Решение «не нанимать» выдерживает обе опубликованные доли: 15 % (RevOps) и медиану 32 % (GrowthSpree)."""
    assert ex.tier_effect() < 0
    assert ex.tier_effect(win_rate=ex.CALL_WIN_RATE_MEDIAN) < 0
    break_even_rate = ex.tier_break_even_rate()
    assert ex.CALL_WIN_RATE_MEDIAN < break_even_rate < ex.CALL_WIN_RATE_TOP_QUARTILE  # «ниже только верхнего квартиля»
    assert ex.tier_effect(win_rate=ex.CALL_WIN_RATE_TOP_QUARTILE) > 0
    assert ex.tier_decision() == "skip"
    assert ex.power_users_2025() / 247 < 3  # «два-три звонка в рабочий день»


def test_exercise_answers_accept_library_paths():
    t = tables(*ex.TABLES)
    b2c = motions.b2c_line(t, *course.YEAR_2024)
    assert ex.q1.check(b2c["cac"]).passed
    assert ex.q3.check(motions.break_even_acv(ex.comparison().loc["cac", "enterprise"],
                                              ex.comparison().loc["gross_margin", "enterprise"], 24)).passed
    assert ex.q4.check("product_led").passed and not ex.q4.check("field_sales").passed
    assert ex.q6.check("skip").passed
    assert isinstance(ex.comparison(), pd.DataFrame)
