"""Раздел 7.3: утверждения текста верны на данных компании; решения учащегося проходят."""

from __future__ import annotations

import pandas as pd
import pytest

from salesbook.data import load
from salesbook.exercises import ch07_bi as ex
from salesbook.toolkit import acquisition, course, funnel, kpi, metrics_layer

Y2025 = course.YEAR_2025


@pytest.fixture(scope="module")
def t():
    return {n: load(n) for n in ("opportunities", "mrr", "marketing_spend", "sm_costs", "reps", "leads", "accounts")}


def test_layer_numbers_match_section_10_1(t):
    assert metrics_layer.compute("win_rate", t, *Y2025) == kpi.win_rate(t["opportunities"], *Y2025)
    nrr = kpi.revenue_retention(t["mrr"], course.DECEMBER_2024, course.DECEMBER_2025)["nrr"]
    assert metrics_layer.compute("nrr", t, *Y2025) == pytest.approx(nrr)


def test_truncated_axis_example(t):
    """Q4 2025 — минимум квартального win rate, и размах колебаний мал относительно уровня."""
    wr = pd.Series({str(q): kpi.win_rate(t["opportunities"], q.start_time, q.end_time.normalize())
                    for q in pd.period_range("2025Q1", "2025Q4", freq="Q")})
    assert wr.idxmin() == "2025Q4"
    assert (wr.max() - wr.min()) / wr.mean() < 0.2
    # «95-процентный интервал квартала шире, чем весь разброс кварталов»: колебание — шум
    from salesbook.toolkit import enablement

    closed = kpi.closed_deals(t["opportunities"], *Y2025)
    won = closed["outcome"].eq("won").groupby(closed["close_date"].dt.quarter).agg(["sum", "size"])
    low, high = enablement.wilson(won["sum"], won["size"])
    assert ((high - low) / 2).mean() > wr.max() - wr.min()


def test_cumulative_hides_january_dip(t):
    new = acquisition.new_customer_deals(t["opportunities"])
    m = new.groupby(new["close_date"].dt.to_period("M")).size()
    assert m.loc["2025-01"] < 0.5 * m.loc["2024-12"] and m.loc["2025-01"] == m.loc["2024-01":"2025-12"].min()


def test_calendar_conversion_jumps_more_than_cohort(t):
    rows = []
    for m in pd.period_range("2025-01", "2025-12", freq="M"):
        s, e = m.start_time, m.end_time.normalize()
        rows.append((funnel.calendar_conversion(t["leads"], s, e, "mql_date", "sql_date"),
                     funnel.cohort_conversion(t["leads"], s, e, "mql_date", "sql_date")))
    conv = pd.DataFrame(rows, columns=["calendar", "cohort"])
    assert conv["calendar"].std() > 1.5 * conv["cohort"].std()


def test_average_of_ratios_differs(t):
    closed = kpi.closed_deals(t["opportunities"], *Y2025)
    per_rep = closed["outcome"].eq("won").groupby(closed["owner_id"]).agg(["mean", "size"])
    assert per_rep["size"].min() <= 3 and per_rep["size"].max() >= 100
    assert abs(per_rep["mean"].mean() - kpi.win_rate(t["opportunities"], *Y2025)) > 0.03


def test_small_denominators_in_enterprise(t):
    closed = kpi.closed_deals(t["opportunities"], *Y2025).merge(t["accounts"][["account_id", "industry"]], on="account_id")
    ent = closed[closed["segment"].eq("enterprise")]
    n = ent.groupby("industry").size()
    rate = ent["outcome"].eq("won").groupby(ent["industry"]).mean()
    assert n.min() == 1 and rate[n.idxmin()] in (0.0, 1.0)
    assert n.max() < 30 and (n < 10).sum() >= 3


def test_quality_checks_catch_the_broken_export(t):
    o = t["opportunities"]
    real = metrics_layer.quality_checks(o, Y2025[1], reps=t["reps"])
    assert not real["stale"]
    # гигиена срабатывает на настоящей выгрузке без порчи
    assert real["open_too_long"] > 0 and real["open_owned_by_departed"] > 0
    won = o[o["outcome"].eq("won")]  # «дольше трёх медианных циклов» — это 90 дней проверки
    cycle = (won["close_date"] - won["created_date"]).dt.days.median()
    assert 2.5 * cycle < 90 < 3.5 * cycle
    snapshot = pd.Timestamp("2025-12-10")
    broken = metrics_layer.frozen_export(o, snapshot)
    broken = pd.concat([broken, broken.tail(3)])
    q = metrics_layer.quality_checks(broken, Y2025[1], reps=t["reps"])
    assert q["stale"] and q["last_update_days"] >= 21 and q["duplicate_ids"] == 3
    # «провал декабря»: выигрышей декабря по застрявшей выгрузке намного меньше
    dec = pd.Timestamp("2025-12-01"), Y2025[1]
    assert kpi.won_deals(broken, *dec)["amount_rub"].sum() < 0.5 * kpi.won_deals(o, *dec)["amount_rub"].sum()


def test_dashboard_panels(t):
    """NRR на панели — за 12 месяцев, в процентах; покрытие на начало квартала без цели «3»."""
    assert metrics_layer.REGISTRY["nrr"].unit == "share"
    for q in pd.period_range("2024Q1", "2025Q4", freq="Q"):
        e = q.end_time.normalize()
        nrr = metrics_layer.compute("nrr", t, e - pd.DateOffset(years=1) + pd.Timedelta(days=1), e)
        assert 0.9 < nrr < 1.3
        assert metrics_layer.compute("pipeline_coverage", t, q.start_time, e) > 1


def test_exercise_answers(t):
    assert ex.q1.check(kpi.win_rate(t["opportunities"], *course.H2_2025)).passed
    assert ex.q2.check("small_denominator").passed
    closed = kpi.closed_deals(t["opportunities"], *Y2025)
    a = ex.rep_average_win_rate(*Y2025)
    b = metrics_layer.compute("win_rate", t, *Y2025)
    won = closed["outcome"].eq("won").sum()
    assert abs(b * len(closed) - won) < 1 < abs(a * len(closed) - won)  # «по B — фактические выигрыши»
    assert ex.q3.check("B").passed and not ex.q3.check("A").passed
    rates = kpi.win_rate(t["opportunities"], *Y2025, by="segment")
    plan = pd.Series(ex.PLAN_2026_CLOSED)
    assert ex.q4.check((plan * rates[plan.index]).sum()).passed
    blended = plan.sum() * kpi.win_rate(t["opportunities"], *Y2025)
    assert not ex.q4.check(blended).passed and blended - (plan * rates[plan.index]).sum() > 10


def test_q1_rejects_the_average_of_quarters(t):
    o = t["opportunities"]
    avg = (kpi.win_rate(o, "2025-07-01", "2025-09-30") + kpi.win_rate(o, "2025-10-01", "2025-12-31")) / 2
    result = ex.q1.check(avg)
    assert not result.passed and "среднее отношений" in result.message
