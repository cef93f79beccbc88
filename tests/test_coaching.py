"""Инструментарий раздела 5.3: ручные примеры и опубликованные результаты."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from salesbook.toolkit import coaching, course
from salesbook.toolkit.validation import MetricError

# Efron & Morris (1977): удачные попытки 18 игроков из первых 45
EFRON_MORRIS_HITS = [18, 17, 16, 15, 14, 14, 13, 12, 11, 11, 10, 10, 10, 10, 10, 9, 8, 7]


def test_james_stein_reproduces_efron_morris_1977():
    js = coaching.james_stein(EFRON_MORRIS_HITS, [45] * 18)
    assert js.attrs["c"] == pytest.approx(0.212, abs=0.0005)  # опубликованный коэффициент сжатия
    assert js[0] == pytest.approx(0.294, abs=0.001)  # Клементе: 0,400 → 0,294
    assert js.mean() == pytest.approx(215 / 810)  # общее среднее не меняется (0,265)


def test_james_stein_needs_equal_samples():
    with pytest.raises(MetricError):
        coaching.james_stein([1, 2, 3, 4], [10, 10, 10, 12])
    with pytest.raises(MetricError):
        coaching.james_stein([1, 2, 3], [10, 10, 10])


def test_beta_prior_method_of_moments_by_hand():
    s, n = np.array([2, 5, 9]), np.array([10, 10, 10])
    mu = 16 / 30
    tau2 = np.var(s / n, ddof=1) - mu * (1 - mu) / 10
    a, b = coaching.beta_prior(s, n)
    strength = mu * (1 - mu) / tau2 - 1
    assert a == pytest.approx(mu * strength)
    assert b == pytest.approx((1 - mu) * strength)


def test_shrunk_rates_posterior_mean_interval_and_weight():
    s, n = [2, 5, 9], [10, 10, 10]
    a, b = coaching.beta_prior(s, n)
    out = coaching.shrunk_rates(s, n)
    assert out.loc[0, "shrunk"] == pytest.approx((2 + a) / (10 + a + b))
    assert out.loc[0, "weight"] == pytest.approx(10 / (10 + a + b))
    assert out.loc[2, "high"] == pytest.approx(stats.beta.ppf(0.975, 9 + a, 1 + b))
    # сжатие не меняет порядок и тянет к общей доле
    assert out["shrunk"].is_monotonic_increasing
    assert (out["shrunk"] - 16 / 30).abs().max() < (out["raw"] - 16 / 30).abs().max()


def test_no_spread_shrinks_everyone_to_pooled_rate():
    out = coaching.shrunk_rates([3, 3, 3], [10, 10, 10])
    assert np.allclose(out["shrunk"], 0.3)
    assert (out["weight"] == 0).all()
    # интервал не схлопывается в точку: при нулевом весе — интервал Уилсона по своим данным
    low, high = proportion_confint([3, 3, 3], [10, 10, 10], method="wilson")
    assert np.allclose(out["low"], low) and np.allclose(out["high"], high)
    assert (out["high"] - out["low"] > 0.3).all() and (out["interval"] == "wilson").all()


def test_small_sample_is_shrunk_more():
    out = coaching.shrunk_rates([0, 20, 90], [2, 100, 200])
    assert out.loc[0, "weight"] < out.loc[1, "weight"] < out.loc[2, "weight"]


def test_bad_counts_raise_russian_error():
    with pytest.raises(MetricError, match="Успехов"):
        coaching.shrunk_rates([5], [3])
    with pytest.raises(MetricError):
        coaching.beta_prior([0, 0], [5, 5])


def _toy_funnel():
    """Два AE одной команды: у A провал на proposal, у B — на negotiation."""
    rows = []
    for rep, entered, advanced in [("A", [10, 10, 10, 4], [10, 10, 4, 4]), ("B", [10, 10, 10, 10], [10, 10, 10, 5])]:
        for stage, e, adv in zip(coaching.STAGES, entered, advanced):
            rows.append({"rep_id": rep, "stage": stage, "entered": e, "advanced": adv, "team": "t"})
    funnel = pd.DataFrame(rows).set_index(["rep_id", "stage"])
    card = pd.DataFrame({"team": ["t", "t"], "closed": [10, 10], "acv_rub": [100.0, 100.0]}, index=pd.Index(["A", "B"], name="rep_id"))
    return funnel, card


def test_stage_gaps_by_hand_without_shrinkage():
    funnel, card = _toy_funnel()
    gaps = coaching.stage_gaps(funnel, card, shrink=False)
    # A: конверсии 1, 1, 0,4, 1; медиана proposal по двум AE — 0,7 → выигранный ACV 10 × 100 × (0,7 − 0,4) = 300
    assert gaps.loc["A", "proposal"] == pytest.approx(300)
    # B: negotiation 0,5, медиана 0,75 → 10 × 100 × (0,75 − 0,5) = 250
    assert gaps.loc["B", "negotiation"] == pytest.approx(250)
    assert gaps.loc["A", "negotiation"] == 0 and gaps.loc["B", "proposal"] == 0
    top = coaching.biggest_gap(gaps)
    assert top.loc["A", "stage"] == "proposal" and top.loc["B", "stage"] == "negotiation"


def test_biggest_gap_reports_no_stage_when_rep_is_at_median():
    gaps = pd.DataFrame({s: [0.0, 1e-9] for s in coaching.STAGES}, index=["A", "B"])
    top = coaching.biggest_gap(gaps)
    assert top["gap_rub"].eq(0).all() and top["stage"].isna().all()


def test_coaching_value_and_greedy_allocation():
    value = coaching.coaching_value(1000.0, 1.0, 0.2, 1.0)
    assert float(value) == pytest.approx(1000 * 0.2 * (1 - math.exp(-1)))
    gaps = pd.Series({"big": 1000.0, "small": 100.0, "none": 0.0})
    plan = coaching.allocate_hours(gaps, 3.0, 0.2, 1.0)
    assert plan.sum() == pytest.approx(3.0)
    assert plan["big"] > plan["small"] and plan["none"] == 0
    # жадное распределение не хуже любого перебора по сетке получасов
    best = max(coaching.coaching_value(gaps.to_numpy(), np.array([h, 3 - h, 0.0]), 0.2, 1.0).sum()
               for h in np.arange(0, 3.01, 0.5))
    assert coaching.coaching_value(gaps, plan, 0.2, 1.0).sum() == pytest.approx(best)


def test_allocation_rejects_bad_input():
    with pytest.raises(MetricError):
        coaching.allocate_hours(pd.Series(dtype=float), 3, 0.2, 1)
    with pytest.raises(MetricError):
        coaching.coaching_value(100, 1, 19, 1)  # проценты вместо доли


def test_scipy_assignment_docs_example():
    """Пример из справки scipy.optimize.linear_sum_assignment: назначение [1, 0, 2], стоимость 5."""
    cost = pd.DataFrame([[4, 1, 3], [2, 0, 5], [3, 2, 2]], index=["w0", "w1", "w2"], columns=["j0", "j1", "j2"])
    pairs = coaching.assign_mentors(cost)
    assert list(pairs) == ["j1", "j0", "j2"]
    assert sum(cost.loc[w, j] for w, j in pairs.items()) == 5


def test_mentor_cost_prefers_own_team_then_strength():
    newcomers = pd.DataFrame({"rep_id": ["N1", "N2"], "team": ["smb", "mid"]})
    mentors = pd.DataFrame({"rep_id": ["S1", "S2", "M1"], "team": ["smb", "smb", "mid"]})
    cost = coaching.mentor_cost(newcomers, mentors, {"S1": 1.2, "S2": 0.9, "M1": 0.8})
    assert cost.loc["N1", "M1"] == pytest.approx(-0.8 + 1.0)
    assert dict(coaching.assign_mentors(cost)) == {"N1": "S1", "N2": "M1"}
    with pytest.raises(MetricError, match="Наставников меньше"):
        coaching.assign_mentors(cost.T)


def test_weekly_hours_come_from_the_course_calendar():
    assert coaching.WEEKLY_HOURS_2025 == pytest.approx(course.WORK_HOURS_2025 / (course.WORK_DAYS_2025 / 5))
    assert 39 < coaching.WEEKLY_HOURS_2025 < 40.5
