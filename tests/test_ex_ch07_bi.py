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
    assert not metrics_layer.quality_checks(o, Y2025[1])["stale"]
    snapshot = pd.Timestamp("2025-12-10")
    broken = o[(o["created_date"] < snapshot) & ~(o["close_date"] >= snapshot)]
    broken = pd.concat([broken, broken.tail(3)])
    q = metrics_layer.quality_checks(broken, Y2025[1])
    assert q["stale"] and q["last_update_days"] >= 21 and q["duplicate_ids"] == 3


def test_exercise_answers(t):
    assert ex.q1.check(kpi.win_rate(t["opportunities"], *course.H2_2025)).passed
    assert ex.q2.check("small_denominator").passed
    closed = kpi.closed_deals(t["opportunities"], *Y2025)
    a = ex.rep_average_win_rate(*Y2025)
    b = metrics_layer.compute("win_rate", t, *Y2025)
    won = closed["outcome"].eq("won").sum()
    assert abs(b * len(closed) - won) < 1 < abs(a * len(closed) - won)  # «по B — фактические выигрыши»
    assert ex.q3.check("B").passed and not ex.q3.check("A").passed
