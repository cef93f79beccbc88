"""KPI раздела 10.1 на маленьких примерах, посчитанных вручную."""

import math

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import kpi
from salesbook.toolkit.validation import MetricError


def ts(s):
    return pd.Timestamp(s)


@pytest.fixture
def opps():
    return pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
        "lead_id": ["L1", "L2", "L3", "L4", "L5", "L6"],
        "owner_id": ["R1", "R1", "R2", "R2", "R1", "R2"],
        "segment": ["smb", "smb", "smb", "mid_market", "mid_market", "smb"],
        "created_date": [ts("2025-01-01"), ts("2025-01-10"), ts("2025-02-01"), ts("2025-02-01"), ts("2025-03-01"), ts("2024-12-01")],
        "close_date": [ts("2025-01-31"), ts("2025-02-19"), pd.NaT, ts("2025-05-01"), ts("2025-07-10"), ts("2025-01-05")],
        "outcome": ["won", "lost", "open", "won", "won", "lost"],
        "amount_rub": [100.0, 200.0, 300.0, 1000.0, 3000.0, 50.0],
    })


@pytest.fixture
def reps():
    return pd.DataFrame({
        "rep_id": ["R1", "R2", "S1"],
        "role": ["AE", "AE", "SDR"],
        "team": ["smb", "mid_market", None],
        "hire_date": [ts("2024-01-01"), ts("2025-07-01"), ts("2024-01-01")],
        "exit_date": [pd.NaT, pd.NaT, pd.NaT],
        "annual_quota_rub": [12_000.0, 60_000.0, np.nan],
        "ramp_months": [3, 6, 2],
    })


# --- win rate, ACV, цикл ------------------------------------------------------


def test_win_rate_counts_closed_deals_only(opps):
    # в I полугодии закрыты O1 (won), O2 (lost), O4 (won), O6 (lost); O3 открыта, O5 закрыта в июле
    assert kpi.win_rate(opps, "2025-01-01", "2025-06-30") == pytest.approx(2 / 4)
    by = kpi.win_rate(opps, "2025-01-01", "2025-06-30", by="segment")
    assert by["smb"] == pytest.approx(1 / 3)
    assert by["mid_market"] == pytest.approx(1.0)


def test_win_rate_without_closed_deals_raises(opps):
    with pytest.raises(MetricError):
        kpi.win_rate(opps, "2023-01-01", "2023-12-31")


def test_average_acv_and_median_cycle(opps):
    assert kpi.average_acv(opps, "2025-01-01", "2025-12-31") == pytest.approx((100 + 1000 + 3000) / 3)
    # циклы выигранных: O1 30 дней, O4 89 дней, O5 131 день
    assert kpi.median_cycle(opps, "2025-01-01", "2025-12-31") == 89
    assert kpi.median_cycle(opps, "2025-01-01", "2025-12-31", outcome="lost") == pytest.approx((40 + 35) / 2)
    with pytest.raises(MetricError):
        kpi.median_cycle(opps, "2025-01-01", "2025-12-31", outcome="open")


def test_cycle_days_rejects_negative():
    bad = pd.DataFrame({"created_date": [ts("2025-02-01")], "close_date": [ts("2025-01-01")]})
    with pytest.raises(MetricError):
        kpi.cycle_days(bad)


# --- план с рампом ------------------------------------------------------------------


def test_linear_ramp_for_july_hire(reps):
    q = kpi.monthly_quota(reps, "2025-01-01", "2025-12-31")
    r2 = q[q["rep_id"].eq("R2")].set_index("month")["quota_rub"]
    # 5 000 в месяц × (1/6 + 2/6 + … + 6/6) = 5 000 × 3,5
    assert r2.sum() == pytest.approx(17_500)
    assert r2[ts("2025-07-01")] == pytest.approx(5_000 / 6)
    assert r2[ts("2025-06-01")] == 0
    r1 = q[q["rep_id"].eq("R1")]["quota_rub"].sum()
    assert r1 == pytest.approx(12_000)  # рамп давно закончился


def test_partial_month_and_exit_are_prorated(reps):
    reps = reps.copy()
    reps.loc[reps["rep_id"].eq("R1"), "exit_date"] = ts("2025-03-15")
    reps.loc[reps["rep_id"].eq("R2"), "hire_date"] = ts("2025-07-17")  # 15 из 31 дня июля
    q = kpi.monthly_quota(reps, "2025-01-01", "2025-12-31").set_index(["rep_id", "month"])["quota_rub"]
    assert q[("R1", ts("2025-03-01"))] == pytest.approx(1_000 * 15 / 31)
    assert q[("R1", ts("2025-04-01"))] == 0
    assert q[("R2", ts("2025-07-01"))] == pytest.approx(5_000 * 15 / 31 / 6)


def test_quota_without_ramp_and_as_of(reps):
    no_ramp = kpi.monthly_quota(reps, "2025-01-01", "2025-12-31", ramp=False)
    assert no_ramp[no_ramp["rep_id"].eq("R2")]["quota_rub"].sum() == pytest.approx(30_000)
    before_hire = kpi.monthly_quota(reps, "2025-01-01", "2025-12-31", as_of="2025-06-30")
    assert set(before_hire["rep_id"]) == {"R1"}
    with pytest.raises(MetricError):
        kpi.monthly_quota(reps, "2025-01-15", "2025-12-31")


def test_quota_attainment_by_rep_and_team(opps, reps):
    table = kpi.quota_attainment(opps, reps, "2025-01-01", "2025-12-31")
    assert table.loc["R1", "bookings_rub"] == pytest.approx(3100)
    assert table.loc["R1", "attainment"] == pytest.approx(3100 / 12_000)
    assert table.loc["R2", "attainment"] == pytest.approx(1000 / 17_500)
    teams = kpi.quota_attainment(opps, reps, "2025-01-01", "2025-12-31", by="team")
    assert teams.loc["smb", "bookings_rub"] == pytest.approx(3100)
    with pytest.raises(MetricError):
        kpi.quota_attainment(opps, reps, "2025-01-01", "2025-12-31", by="segment")


# --- пайплайн и покрытие ---------------------------------------------------------------


def test_open_pipeline_is_reconstructed_by_dates(opps):
    on_feb_15 = kpi.open_pipeline(opps, "2025-02-15")
    # O2 закрыта 19.02 — 15.02 она ещё открыта; O1 закрыта в январе
    assert set(on_feb_15["opportunity_id"]) == {"O2", "O3", "O4"}


def test_pipeline_coverage_uses_remaining_quota(opps, reps):
    cov = kpi.pipeline_coverage(opps, reps, "2025-03-31", "2025-01-01", "2025-12-31")
    # на 31.03: открыты O3 (300), O4 (1000), O5 (3000); R2 ещё не нанят → план 12 000
    assert cov["open_pipeline_rub"] == pytest.approx(4300)
    assert cov["period_quota_rub"] == pytest.approx(12_000)
    assert cov["won_to_date_rub"] == pytest.approx(100)
    assert cov["coverage"] == pytest.approx(4300 / 11_900)
    with pytest.raises(MetricError):
        kpi.pipeline_coverage(opps, reps, "2026-01-15", "2025-01-01", "2025-12-31")


# --- активности -------------------------------------------------------------------------


def test_activity_funnel_ratios():
    acts = pd.DataFrame({
        "rep_id": ["S1"] * 7 + ["S2"],
        "lead_id": ["L1"] * 7 + [None],
        "opportunity_id": [None] * 7 + ["O1"],
        "date": [ts("2025-01-10")] * 8,
        "type": ["call", "call", "email", "telegram", "meeting", "meeting", "call", "meeting"],
        "outcome": ["no_answer", "meeting_booked", "replied", "read", "held", "no_show", "connected", "held"],
    })
    leads = pd.DataFrame({"sdr_id": ["S1", "S1"], "sql_date": [ts("2025-01-11"), pd.NaT]})
    f = kpi.activity_funnel(acts, "2025-01-01", "2025-01-31", leads)
    row = f.loc["S1"]
    assert row["calls"] == 3 and row["touches"] == 5 and row["responses"] == 3
    assert row["meetings_booked"] == 1 and row["meetings_held"] == 1 and row["no_shows"] == 1
    assert row["show_rate"] == pytest.approx(0.5)
    assert row["touches_per_meeting"] == pytest.approx(5)
    assert row["sqls"] == 1
    assert "S2" not in f.index  # встречи AE по сделкам — не работа SDR


def test_kpi_alignment_prefers_outcome_driven_kpi():
    table = pd.DataFrame({"won": [1, 2, 3, 4], "good": [10, 20, 30, 40], "bad": [40, 30, 20, 10]})
    corr = kpi.kpi_alignment(table, "won", ["good", "bad"])
    assert corr["good"] == pytest.approx(1.0)
    assert corr["bad"] == pytest.approx(-1.0)
    with pytest.raises(MetricError):
        kpi.kpi_alignment(table.head(2), "won", ["good"])


# --- NRR, GRR -----------------------------------------------------------------------------


def test_revenue_retention_excludes_new_customers():
    mrr = pd.DataFrame({
        "month": [ts("2024-12-01")] * 3 + [ts("2025-12-01")] * 3,
        "account_id": ["A", "B", "C", "A", "C", "D"],
        "mrr_rub": [100.0, 100.0, 50.0, 120.0, 40.0, 80.0],
    })
    r = kpi.revenue_retention(mrr, "2024-12-01", "2025-12-01")
    assert r["nrr"] == pytest.approx((120 + 0 + 40) / 250)
    assert r["grr"] == pytest.approx((100 + 0 + 40) / 250)
    assert r["customers"] == 3
    accounts = pd.DataFrame({"account_id": ["A", "B", "C", "D"], "segment": ["smb", "smb", "enterprise", "smb"]})
    smb = kpi.revenue_retention(mrr, "2024-12-01", "2025-12-01", accounts, "smb")
    assert smb["nrr"] == pytest.approx(120 / 200)
    with pytest.raises(MetricError):
        kpi.revenue_retention(mrr, "2025-12-01", "2024-12-01")
    with pytest.raises(MetricError):
        kpi.revenue_retention(mrr, "2024-12-01", "2025-12-01", segment="smb")


# --- magic number -------------------------------------------------------------------------


def test_magic_number_scale_variant():
    mrr = pd.DataFrame({
        "month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01"]),
        "mrr_rub": [30.0, 30.0, 40.0, 50.0, 50.0, 60.0],
    })
    rev = kpi.quarterly_revenue(mrr)
    assert rev[pd.Period("2025Q1", "Q")] == 100 and rev[pd.Period("2025Q2", "Q")] == 160
    spend = pd.DataFrame({"month": [ts("2025-01-01"), ts("2025-01-01")], "business_line": ["b2b", "b2c"], "spend_rub": [150.0, 999.0]})
    costs = pd.DataFrame({"month": [ts("2025-02-01"), ts("2025-04-01")], "amount_rub": [50.0, 70.0]})
    sm = kpi.quarterly_sm_expense(spend, costs)
    assert sm[pd.Period("2025Q1", "Q")] == 200
    mn = kpi.magic_number(rev, sm)
    assert list(mn.index) == [pd.Period("2025Q2", "Q")]
    assert mn.iloc[0] == pytest.approx(60 * 4 / 200)
    with pytest.raises(MetricError):
        kpi.magic_number(rev.reset_index(drop=True), sm)


# --- OKR ------------------------------------------------------------------------------------


@pytest.mark.parametrize("actual, target, baseline, expected", [
    (150, 200, 100, 0.5),
    (250, 200, 100, 1.0),
    (90, 200, 100, 0.0),
    (50, 40, 60, 0.5),      # цель «вниз»
    (30, 40, 60, 1.0),
    (70, 40, 60, 0.0),
    (0.33, 0.35, 0.30, 0.6),
])
def test_score_key_result(actual, target, baseline, expected):
    assert kpi.score_key_result(actual, target, baseline) == pytest.approx(expected)


def test_score_key_result_vectorised_and_errors():
    scores = kpi.score_key_result(np.array([150, 50]), np.array([200, 40]), np.array([100, 60]))
    assert np.allclose(scores, [0.5, 0.5])
    with pytest.raises(MetricError):
        kpi.score_key_result(1, 2, 2)
    with pytest.raises(MetricError):
        kpi.score_key_result(float("nan"), 2, 1)


def test_score_objective_and_zone():
    assert kpi.score_objective([1.0, 0.5, 0.0]) == pytest.approx(0.5)
    assert kpi.score_objective([1.0, 0.0], weights=[3, 1]) == pytest.approx(0.75)
    with pytest.raises(MetricError):
        kpi.score_objective([])
    with pytest.raises(MetricError):
        kpi.score_objective([1.2])
    with pytest.raises(MetricError):
        kpi.score_objective([0.5, 0.5], weights=[1])
    assert [kpi.okr_zone(s) for s in (0.0, 0.39, 0.4, 0.69, 0.7, 1.0)] == ["red", "red", "yellow", "yellow", "green", "green"]
    assert set(kpi.OKR_ZONES) == {"green", "yellow", "red"}
    with pytest.raises(MetricError):
        kpi.okr_zone(1.5)


# --- дерево ----------------------------------------------------------------------------------


def test_plot_kpi_tree_layout_and_errors():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nodes = pd.DataFrame({
        "id": ["root", "a", "b", "b1", "b2"],
        "parent": [None, "root", "root", "b", "b"],
        "text": ["R", "A", "B", "B1", "B2"],
        "kind": ["lagging", "lagging", "leading", "leading", "leading"],
    })
    fig, ax = kpi.plot_kpi_tree(nodes, "Дерево", legend={"lagging": "Запаздывающий", "leading": "Опережающий"})
    assert len(ax.texts) == 5
    plt.close(fig)
    two_roots = nodes.assign(parent=[None, None, "root", "b", "b"])
    with pytest.raises(MetricError):
        kpi.plot_kpi_tree(two_roots, "Дерево")
    orphan = nodes.assign(parent=[None, "root", "root", "b", "zzz"])
    with pytest.raises(MetricError):
        kpi.plot_kpi_tree(orphan, "Дерево")


def test_kpi_on_course_data_is_consistent():
    """Проверка на данных курса: те же тождества, что в разделе 10.1."""
    from salesbook.data import load

    opps = load("opportunities")
    mrr = load("mrr")
    won = kpi.won_deals(opps, "2025-01-01", "2025-12-31")
    closed = kpi.closed_deals(opps, "2025-01-01", "2025-12-31")
    assert kpi.win_rate(opps, "2025-01-01", "2025-12-31") == pytest.approx(len(won) / len(closed))
    r = kpi.revenue_retention(mrr, "2024-12-01", "2025-12-01")
    assert r["grr"] <= 1 and r["grr"] <= r["nrr"]
    total = mrr.loc[mrr["month"].eq("2025-12-01"), "mrr_rub"].sum()
    assert total >= r["end_mrr_rub"]
    assert math.isfinite(kpi.magic_number(kpi.quarterly_revenue(mrr), kpi.quarterly_sm_expense(load("marketing_spend"), load("sm_costs"))).iloc[-1])


def test_sdr_outcomes_attributes_money_to_lead_owner(opps):
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3", "L4", "L5", "L6"], "sdr_id": ["S1", "S1", "S2", "S2", None, "S1"]})
    table = kpi.sdr_outcomes(opps, leads, "2025-01-01", "2025-12-31")
    assert table.loc["S1", "pipeline_rub"] == pytest.approx(300)   # O1 + O2 созданы в 2025, O6 — в 2024
    assert table.loc["S1", "won_rub"] == pytest.approx(100)
    assert table.loc["S2", "won_rub"] == pytest.approx(1000)


def test_outcome_masks_treat_missing_and_other_dtypes_like_pandas():
    """Исход сделки сравнивается на массиве numpy; пропуски (NaN, None, pd.NA) и категории — как у pandas."""
    from salesbook.toolkit.kpi import _is

    values = ["won", "lost", None, "open", "won", float("nan")]
    for dtype in (object, "str", "string", "category"):
        outcome = pd.Series(values, dtype=dtype)
        assert _is(outcome, "won").tolist() == outcome.eq("won").fillna(False).tolist() == [True, False, False, False, True, False]
        assert _is(outcome, "won", "lost").tolist() == outcome.isin(["won", "lost"]).tolist()
    assert _is(pd.Series([1, 2]), "won").tolist() == [False, False]
