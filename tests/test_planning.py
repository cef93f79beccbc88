"""salesbook.toolkit.planning: ручные примеры, опубликованные числа numpy-financial и свойства симуляции."""

import math

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest

from salesbook.data import load
from salesbook.data.generator.params.people import PAYROLL_TAX_REGIME, PAYROLL_TAX_TARIFFS
from salesbook.toolkit import acquisition, course, finance, planning
from salesbook.toolkit.validation import MetricError

YEAR_2025 = ("2025-01-01", "2025-12-31")


def _reps(rows):
    frame = pd.DataFrame(rows, columns=["rep_id", "role", "team", "hire_date", "exit_date", "ramp_months", "base_salary_rub", "annual_quota_rub"])
    frame["hire_date"] = pd.to_datetime(frame["hire_date"])
    frame["exit_date"] = pd.to_datetime(frame["exit_date"])
    return frame


def _team(rows):
    frame = pd.DataFrame(rows, columns=["segment", "hire_date", "ramp_months"])
    frame["hire_date"] = pd.to_datetime(frame["hire_date"])
    return frame


def _prod(dpm=1.0, acv=100.0, cycle=2.0, cv=0.5, segment="smb"):
    return pd.DataFrame({"deals_per_month": [dpm], "acv": [acv], "cycle_months": [cycle], "acv_cv": [cv]}, index=pd.Index([segment], name="segment"))


# --- рамп и мощность ----------------------------------------------------------


def test_ramp_factor_hand_cases():
    assert planning.ramp_factor(1, 4) == pytest.approx(0.25)
    assert planning.ramp_factor(3, 4) == pytest.approx(0.75)
    assert planning.ramp_factor(4, 4) == 1.0
    assert planning.ramp_factor(10, 4) == 1.0
    assert planning.ramp_factor(0, 4) == 0.0
    assert planning.ramp_factor(-2, 4) == 0.0
    assert planning.ramp_factor(1, 0) == 1.0
    np.testing.assert_allclose(planning.ramp_factor(np.arange(1, 5), 2), [0.5, 1, 1, 1])
    with pytest.raises(MetricError):
        planning.ramp_factor(1, -1)


def test_ramped_capacity_partial_months_and_exit():
    reps = _reps([
        ("A", "AE", "smb", "2025-01-01", None, 2, 100, 1),   # январь 1/2, дальше 1
        ("B", "AE", "smb", "2025-01-16", None, 2, 100, 1),   # в январе 16 из 31 дня × 1/2
        ("C", "AE", "smb", "2024-01-01", "2025-02-15", 0, 100, 1),  # ушёл 15 февраля: 14 из 28 дней
        ("D", "SDR", None, "2024-01-01", None, 0, 100, None),
    ])
    cap = planning.ramped_capacity(reps, "2025-01-01", "2025-03-31")
    assert list(cap.columns) == ["A", "B", "C"]
    assert cap.loc["2025-01-01", "A"] == pytest.approx(0.5)
    assert cap.loc["2025-02-01", "A"] == pytest.approx(1.0)
    assert cap.loc["2025-01-01", "B"] == pytest.approx(16 / 31 * 0.5)
    assert cap.loc["2025-02-01", "B"] == pytest.approx(1.0)
    assert cap.loc["2025-02-01", "C"] == pytest.approx(14 / 28)
    assert cap.loc["2025-03-01", "C"] == 0.0


def test_attrition_rate_hand_case():
    reps = _reps([
        ("A", "AE", "smb", "2024-01-01", None, 0, 1, 1),
        ("B", "AE", "smb", "2024-01-01", "2025-07-01", 0, 1, 1),
    ])
    years = 1 + 181 / 365  # B отработал 1 января — 30 июня
    assert planning.attrition_rate(reps, *YEAR_2025) == pytest.approx(1 / years, rel=0.01)
    exits, person_years = planning.attrition_counts(reps, *YEAR_2025)
    assert exits == 1 and person_years == pytest.approx(years, rel=0.01)


def test_segment_productivity_hand_case():
    reps = _reps([("A", "AE", "smb", "2024-01-01", None, 0, 100, 1200)])
    opps = pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3", "O4"], "account_id": ["a", "b", "c", "d"], "owner_id": "A", "segment": "smb",
        "outcome": ["won", "won", "lost", "lost"],
        "created_date": pd.to_datetime(["2025-01-01", "2025-03-01", "2025-02-01", "2025-02-01"]),
        "close_date": pd.to_datetime(["2025-01-31", "2025-05-01", "2025-03-01", "2025-04-01"]),
        "amount_rub": [100.0, 300.0, 50.0, 50.0],
    })
    table = planning.segment_productivity(opps, reps, *YEAR_2025)
    row = table.loc["smb"]
    assert row["ae_months"] == pytest.approx(12)
    assert row["win_rate"] == pytest.approx(0.5)
    assert row["acv"] == pytest.approx(200)
    assert row["deals_per_month"] == pytest.approx(2 / 12)
    assert row["productivity"] == pytest.approx(400 / 12)
    assert row["attainment"] == pytest.approx(400 / 1200)


def test_segment_productivity_on_course_data_is_consistent():
    table = planning.segment_productivity(load("opportunities"), load("reps"), *YEAR_2025)
    np.testing.assert_allclose(table["productivity"] * table["ae_months"], table["won_acv"])
    np.testing.assert_allclose(table["deals_per_month"] * table["acv"], table["productivity"])
    assert ((table["win_rate"] > 0.1) & (table["win_rate"] < 0.6)).all()


def test_expected_capacity_without_attrition():
    team = _team([("smb", "2020-01-01", 3), ("smb", "2026-04-01", 4)])
    cap = planning.expected_capacity(team, 2026)
    assert cap["smb"].sum() == pytest.approx(12 + 0.25 + 0.5 + 0.75 + 6)
    assert cap[["mid_market", "enterprise"]].to_numpy().sum() == 0


def test_expected_capacity_with_attrition_analytic_cases():
    team = _team([("smb", "2020-01-01", 0)])
    # мгновенная замена без рампа: мощность не теряется
    assert planning.expected_capacity(team, 2026, attrition=0.3, vacancy_months=0)["smb"].sum() == pytest.approx(12)
    # замена не успевает выйти в году: мощность = Σ (1 − h)^m
    h = 1 - math.exp(-0.3 / 12)  # 0,3 — частота уходов на человеко-год
    want = sum((1 - h) ** m for m in range(1, 13))
    assert planning.expected_capacity(team, 2026, attrition=0.3, vacancy_months=12)["smb"].sum() == pytest.approx(want)


def test_bookings_plan_cycle_shift_moves_deals_out_of_year():
    cap = pd.DataFrame({"smb": np.ones(12)}, index=pd.date_range("2026-01-01", periods=12, freq="MS"))
    prod = _prod(dpm=2.0, acv=100.0, cycle=2.0)
    assert planning.bookings_plan(cap, prod).to_numpy().sum() == pytest.approx(12 * 200)
    # цикл × 1,5 → сдвиг на 1 месяц: январь пустой, год теряет месяц продаж
    shifted = planning.bookings_plan(cap, prod, cycle=1.5)["smb"].to_numpy()
    assert shifted[0] == pytest.approx(0)
    assert shifted.sum() == pytest.approx(11 * 200)
    # сдвиг на полмесяца — потеря половины месяца
    assert planning.bookings_plan(cap, prod, cycle=1.25).to_numpy().sum() == pytest.approx(11.5 * 200)
    # ускорение подтягивает продажи января следующего года
    assert planning.bookings_plan(cap, prod, cycle=0.5).to_numpy().sum() == pytest.approx(13 * 200)
    assert planning.bookings_plan(cap, prod, win_rate=0.5, acv=2.0).to_numpy().sum() == pytest.approx(12 * 200)


def test_funnel_requirements_hand_case():
    prod = pd.DataFrame({"acv": [100.0], "win_rate": [0.25]}, index=["smb"])
    conv = pd.DataFrame({"lead_to_opp": [0.1]}, index=["smb"])
    row = planning.funnel_requirements(pd.Series({"smb": 1200.0}), prod, conv).loc["smb"]
    assert row["deals"] == pytest.approx(12)
    assert row["opportunities"] == pytest.approx(48)
    assert row["pipeline_rub"] == pytest.approx(4800)
    assert row["leads"] == pytest.approx(480)


def test_revenue_plan_hand_case():
    plan = planning.revenue_plan(100.0, pd.Series([120.0, 0.0, 240.0]), 1.0, prior_bookings=12.0)
    np.testing.assert_allclose(plan["new_mrr"], [1, 10, 0])
    np.testing.assert_allclose(plan["mrr"], [101, 111, 111])
    decayed = planning.revenue_plan(100.0, pd.Series([0.0, 0.0]), 0.9)
    np.testing.assert_allclose(decayed["revenue"], [90, 81])


def test_revenue_plan_reproduces_2025_from_course_data():
    """Правило «сделка месяца m платит с m + 1» и удержание базы воспроизводят MRR 2025 года."""
    mrr, opps = load("mrr"), load("opportunities")
    totals = mrr.groupby("month")[["mrr_rub", "new_rub"]].sum()
    bookings = planning.new_bookings_by_month(opps)
    retention = planning.net_monthly_retention(mrr, *YEAR_2025)
    plan = planning.revenue_plan(totals.loc["2024-12-01", "mrr_rub"], bookings.loc["2025"], retention, bookings.loc["2024-12-01"])
    np.testing.assert_allclose(plan["new_mrr"].to_numpy(), totals.loc["2025", "new_rub"].to_numpy(), atol=0.05)  # копейки округлены
    # средняя месячная доля удержания не знает, в каком месяце у клиента продление, —
    # выручка года сходится с фактом с точностью до 2 %
    assert plan["revenue"].sum() == pytest.approx(totals.loc["2025", "mrr_rub"].sum(), rel=0.02)


# --- OPEX ----------------------------------------------------------------------


def test_opex_structure_matches_fully_loaded_costs_of_section_1_1_1():
    spend, costs = load("marketing_spend"), load("sm_costs")
    table = planning.opex_structure(costs, spend, *YEAR_2025)
    assert table["amount_rub"].sum() == pytest.approx(acquisition.acquisition_costs(spend, costs, *YEAR_2025).sum())
    pay = table.loc[["salary", "bonus"], "amount_rub"].sum()
    tax = table.loc[["payroll_tax_fixed", "payroll_tax_variable"], "amount_rub"].sum()
    assert table.loc["payroll_tax_variable", "amount_rub"] == pytest.approx(tax / pay * table.loc["bonus", "amount_rub"], rel=1e-6)
    within, above = PAYROLL_TAX_TARIFFS[PAYROLL_TAX_REGIME][2025]    # тариф режима данных
    assert min(within, above) - 1e-3 <= tax / pay <= max(within, above) + 1e-3
    assert set(table["behaviour"]) == {"fixed", "variable", "discretionary"}


def test_opex_plan_hand_case():
    team = pd.DataFrame({"hire_date": pd.to_datetime(["2020-01-01", "2026-07-01"]), "base_salary_rub": [999.0, 100.0], "planned": [False, True]})
    plan = planning.opex_plan(1000, team, 2026, pd.Series(np.full(12, 50.0)), pd.Series(np.full(12, 10.0)),
                              bonus_rate=0.1, payroll_tax_rate=0.3, per_head_monthly=20, agency_rate=0.08)
    assert plan["run_rate"].sum() == pytest.approx(12_000)
    assert plan["new_hires"].sum() == pytest.approx(6 * (130 + 20))
    assert plan["bonus"].sum() == pytest.approx(12 * 50 * 0.1 * 1.3)
    assert plan["agency"].sum() == pytest.approx(12 * 0.8)


# --- CAPEX, ROI, NPV -------------------------------------------------------------


def test_amortization_schedule_straight_line():
    schedule = planning.amortization_schedule(36_000, 36, "2026-04-01", "2026-12-31")
    assert len(schedule) == 9
    assert (schedule["amortization"] == 1000).all()
    assert schedule["book_value"].iloc[-1] == pytest.approx(27_000)
    full = planning.amortization_schedule(36_000, 36, "2026-04-01", "2030-12-31")
    assert full["amortization"].sum() == pytest.approx(36_000)
    assert full["book_value"].iloc[-1] == pytest.approx(0)
    assert planning.amortization_schedule(10_000, 10, "2026-01-01", salvage=2_000)["amortization"].iloc[0] == pytest.approx(800)
    with pytest.raises(MetricError):
        planning.amortization_schedule(1000, 0, "2026-01-01")
    with pytest.raises(MetricError):
        planning.amortization_schedule(1000, 12, "2026-01-01", salvage=1000)


def test_numpy_financial_npv_reproduces_published_examples():
    """Примеры из документации: numpy-financial 1.0 (npv) и NumPy ≤ 1.17 (np.npv)."""
    assert round(float(npf.npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000])), 5) == 3065.22267
    assert float(npf.npv(0.281, [-100, 39, 59, 55, 20])) == pytest.approx(-0.0084785916384548798, abs=1e-12)


def test_npv_of_monthly_hire_flows_discounts_the_first_flow():
    """Потоки найма приходят в конце месяцев 1, 2, …: перед ними ставят ноль (раздел 1.3)."""
    flows = [100.0, 100.0, 100.0]
    r = finance.monthly_rate(0.2)
    assert (1 + r) ** 12 == pytest.approx(1.2)
    want = sum(f / (1 + r) ** t for t, f in enumerate(flows, start=1))
    assert finance.npv(r, np.r_[0.0, flows]) == pytest.approx(want)
    assert finance.npv(r, flows, convention="excel") == pytest.approx(want)
    assert finance.npv(r, np.r_[0.0, flows]) < sum(flows)


def test_roi_and_payback_of_hire_flows():
    assert planning.roi(150, 100) == pytest.approx(0.5)
    assert planning.roi(50, 100) == pytest.approx(-0.5)
    with pytest.raises(MetricError):
        planning.roi(10, 0)
    # накоплено −5, −1, 0, 3: окупилось ровно к концу третьего месяца
    assert finance.payback_from_cash_flows([0, -5, 4, 1, 3]) == 3
    assert math.isinf(finance.payback_from_cash_flows([0, -5, 1]))


def test_hire_cash_flows_hand_case():
    flows = planning.hire_cash_flows(1, 3, 0, 1200.0, 0.0, 1.0, monthly_retention=1.0)
    np.testing.assert_allclose(flows["bookings"], [1200] * 3)
    np.testing.assert_allclose(flows["revenue"], [0, 100, 200])
    ramped = planning.hire_cash_flows(2, 4, 4, 100.0, 10.0, 0.5, variable_cost_rate=0.1, one_off_per_head=5.0)
    np.testing.assert_allclose(ramped["bookings"], [50, 100, 150, 200])
    np.testing.assert_allclose(ramped["costs"], [20 + 5 + 10, 20 + 10, 20 + 15, 20 + 20])


# --- Монте-Карло и торнадо ---------------------------------------------------------


@pytest.fixture(scope="module")
def course_plan():
    reps, opps = load("reps"), load("opportunities")
    prod = planning.segment_productivity(opps, reps, *YEAR_2025)
    team = planning.plan_team(reps, course.hires_2026(), 2026)
    return team, prod


def test_simulation_with_zero_variance_equals_deterministic_plan(course_plan):
    team, prod = course_plan
    sim = planning.simulate_plan(team, prod, 2026, None, n_runs=50, deal_noise=False)
    np.testing.assert_allclose(sim["new_arr"], planning.plan_new_arr(team, prod, 2026), rtol=1e-12)
    fixed = {"win_rate": (0.9, 0.9, 0.9), "acv": (1.1, 1.1, 1.1), "cycle": (1.3, 1.3, 1.3), "ramp": (1.2, 1.2, 1.2)}
    sim = planning.simulate_plan(team, prod, 2026, fixed, n_runs=20, deal_noise=False)
    want = planning.plan_new_arr(team, prod, 2026, win_rate=0.9, acv=1.1, cycle=1.3, ramp=1.2)
    np.testing.assert_allclose(sim["new_arr"], want, rtol=1e-12)
    assert (sim["departures"] == 0).all()
    faster = planning.simulate_plan(team, prod, 2026, {"cycle": (0.8, 0.8, 0.8)}, n_runs=5, deal_noise=False)
    np.testing.assert_allclose(faster["new_arr"], planning.plan_new_arr(team, prod, 2026, cycle=0.8), rtol=1e-12)


def test_simulated_attrition_mean_matches_expected_capacity(course_plan):
    team, prod = course_plan
    sim = planning.simulate_plan(team, prod, 2026, {"attrition": (0.2, 0.2, 0.2)}, n_runs=20_000, deal_noise=False)
    want = planning.plan_new_arr(team, prod, 2026, attrition=0.2)
    se = sim["new_arr"].std() / math.sqrt(len(sim))
    assert abs(sim["new_arr"].mean() - want) < 4 * se


def test_departures_are_binomial():
    """Уходы за год у n работающих AE ~ Binomial(n, p), p = 1 − e^(−a): a — частота уходов на человеко-год."""
    n, a = 20, -math.log(1 - 0.25)  # частота, при которой за год уходит четверть
    team = _team([("smb", "2020-01-01", 3)] * n)
    sim = planning.simulate_plan(team, _prod(), 2026, {"attrition": (a, a, a)}, n_runs=40_000, deal_noise=False)
    mean, var = n * 0.25, n * 0.25 * 0.75
    assert sim["departures"].mean() == pytest.approx(mean, abs=4 * math.sqrt(var / len(sim)))
    assert sim["departures"].var() == pytest.approx(var, rel=0.03)


def test_deal_noise_is_compound_poisson_gamma():
    """Один AE без рисков: сделки ~ Пуассон(λ), ARR — сумма гамма-сделок: E = λ·ACV, D = λ·ACV²·(1 + cv²)."""
    team = _team([("smb", "2020-01-01", 0)])
    prod = _prod(dpm=1.5, acv=100.0, cycle=1.0, cv=0.6)
    sim = planning.simulate_plan(team, prod, 2026, None, n_runs=60_000, seed=7)
    lam = 12 * 1.5
    assert sim["deals"].mean() == pytest.approx(lam, rel=0.01)
    assert sim["deals"].var() == pytest.approx(lam, rel=0.03)
    assert sim["new_arr"].mean() == pytest.approx(lam * 100, rel=0.01)
    assert sim["new_arr"].var() == pytest.approx(lam * 100**2 * (1 + 0.36), rel=0.04)


def test_triangular_inputs_have_the_right_mean(course_plan):
    team, prod = course_plan
    sim = planning.simulate_plan(team, prod, 2026, {"cycle": (0.9, 1.0, 1.5)}, n_runs=30_000, deal_noise=False)
    assert sim["cycle"].mean() == pytest.approx((0.9 + 1.0 + 1.5) / 3, abs=0.005)


def test_simulation_is_deterministic(course_plan):
    team, prod = course_plan
    team = planning.plan_team(load("reps"), pd.concat([course.hires_2026(), course.extra_hires_2026()]), 2026)
    first = planning.simulate_plan(team, prod, 2026, course.RISK_RANGES_2026, n_runs=10_000, seed=2025)
    second = planning.simulate_plan(team, prod, 2026, course.RISK_RANGES_2026, n_runs=10_000, seed=2025)
    pd.testing.assert_frame_equal(first, second)
    stats = planning.plan_percentiles(first, course.TARGET_NEW_ARR_2026)
    assert stats["p10"] < stats["p50"] < stats["p90"]
    assert 0 < stats["prob_hit"] < 0.5


def test_simulation_rejects_bad_inputs(course_plan):
    team, prod = course_plan
    with pytest.raises(MetricError, match="Неизвестный вход"):
        planning.simulate_plan(team, prod, 2026, {"price": (1, 1, 1)})
    with pytest.raises(MetricError, match="низ ≤ база ≤ верх"):
        planning.simulate_plan(team, prod, 2026, {"acv": (1.2, 1.0, 0.8)})
    with pytest.raises(MetricError):
        planning.simulate_plan(team, prod, 2026, {"attrition": (0, 11, 25)})


def test_tornado_on_a_linear_function():
    table = planning.tornado(lambda a, b: 2 * a + 3 * b, {"a": 1.0, "b": 1.0}, {"a": (0.0, 2.0), "b": (0.5, 1.5, 1.5)})
    assert list(table.index) == ["a", "b"]
    assert table.loc["a", "swing"] == pytest.approx(4)
    assert table.loc["b", "swing"] == pytest.approx(3)
    assert table.loc["a", "downside"] == pytest.approx(2)
    assert table.loc["b", "downside"] == pytest.approx(1.5)
    assert (table["base_value"] == 5).all()
    with pytest.raises(MetricError):
        planning.tornado(lambda a: a, {"a": 1}, {"b": (0, 1)})


def test_plan_team_and_errors():
    reps = load("reps")
    team = planning.plan_team(reps, course.hires_2026(), 2026)
    active = reps[(reps["role"] == "AE") & reps["exit_date"].isna()]
    assert (~team["planned"]).sum() == len(active)
    assert team["planned"].sum() == len(course.hires_2026())
    assert team.loc[team["planned"], "ramp_months"].notna().all()
    with pytest.raises(MetricError, match="сегмент"):
        planning.plan_team(reps, pd.DataFrame({"segment": ["smbb"], "hire_date": ["2026-01-01"]}), 2026)
    with pytest.raises(MetricError, match="долей"):
        planning.expected_capacity(team, 2026, attrition=11)


def test_risk_scenarios_orders_by_bad_side_and_gives_triangular_mean():
    table = planning.risk_scenarios({"win_rate": (0.8, 1.0, 1.1), "cycle": (0.9, 1.0, 1.5)})
    assert tuple(table.loc["win_rate", ["pessimistic", "base", "optimistic"]]) == (0.8, 1.0, 1.1)
    assert tuple(table.loc["cycle", ["pessimistic", "base", "optimistic"]]) == (1.5, 1.0, 0.9)
    assert table.loc["cycle", "mean"] == pytest.approx(3.4 / 3)
    with pytest.raises(MetricError):
        planning.risk_scenarios({"cycle": (1.2, 1.0, 1.5)})
    with pytest.raises(MetricError):
        planning.risk_scenarios({"new_input": (0.9, 1.0, 1.1)})


def test_correlated_draws_keep_marginals_and_link_inputs(course_plan):
    team, prod = course_plan
    ranges = {"win_rate": (0.8, 1.0, 1.1), "cycle": (0.9, 1.0, 1.5)}
    sim = planning.simulate_plan(team, prod, 2026, ranges, n_runs=20_000, seed=1, correlation={("win_rate", "cycle"): -0.6})
    assert sim["win_rate"].mean() == pytest.approx(2.9 / 3, abs=0.003)
    assert sim["cycle"].mean() == pytest.approx(3.4 / 3, abs=0.003)
    assert sim["win_rate"].between(0.8, 1.1).all() and sim["cycle"].between(0.9, 1.5).all()
    assert sim[["win_rate", "cycle"]].corr(method="spearman").iloc[0, 1] < -0.5
    with pytest.raises(MetricError):
        planning.simulate_plan(team, prod, 2026, ranges, n_runs=10, correlation={("win_rate", "win_rate"): 0.5})
    with pytest.raises(MetricError):
        planning.simulate_plan(team, prod, 2026, ranges, n_runs=10, correlation={("win_rate", "cycle"): 1.5})


def test_tornado_reports_edges_in_order_of_effect():
    table = planning.tornado(lambda a, b: 10 * a - 5 * b, {"a": 1.0, "b": 1.0}, {"a": (0.5, 1.5), "b": (0.5, 1.5)})
    assert table.loc["a", "worse"] == 0.5 and table.loc["b", "worse"] == 1.5
    assert (table["value_worse"] <= table["value_better"]).all()


def test_plotting_helpers_draw_plan_and_target_lines():
    import matplotlib

    matplotlib.use("Agg")
    from salesbook.runtime import plotting

    fig, ax = plotting.new_figure("проверка")
    ax.hist([1, 2, 3])
    plotting.mark_values(ax, [(2.0, "план", "black", "-"), (2.5, "цель", "black", "--")])
    assert [t.get_text() for t in ax.texts] == ["план", "цель"]
    table = planning.tornado(lambda a, b: 10 * a - 5 * b, {"a": 1.0, "b": 1.0}, {"a": (0.5, 1.5), "b": (0.5, 1.5)})
    fig, ax = plotting.new_figure("торнадо")
    plotting.tornado_chart(ax, table, target=4.0)
    labels = ax.get_legend_handles_labels()[1]
    assert "план (база входов)" in labels and "цель" in labels
    matplotlib.pyplot.close("all")
