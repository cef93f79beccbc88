"""Модель окупаемости VR-демо (раздел 8.3): расчёты, проверенные руками."""

import numpy as np
import pytest

from salesbook.toolkit import demo_roi
from salesbook.toolkit.validation import MetricError

BASE = {"deals_per_year": 100, "win_rate": 0.2, "acv": 1_000_000, "gross_margin": 0.8, "cycle_days": 0,
        "hour_cost_rub": 1_000}
COSTS = {"content_cost": 1_000_000, "headset_cost": 0, "update_share": 0.0, "extra_hours": 0.0}


def test_npv_one_year_by_hand():
    # выигрыш: 100 × 0,2 × 0,1 × 1 млн × 0,8 = 1,6 млн через год по ставке 25 % → 1,28 млн; минус 1 млн
    value = demo_roi.npv(uplift=0.1, **BASE, **COSTS, years=1, rate=0.25)
    assert value == pytest.approx(1_600_000 / 1.25 - 1_000_000)


def test_cycle_delays_gain_and_costs_are_counted():
    late = demo_roi.npv(uplift=0.1, **{**BASE, "cycle_days": 365}, **COSTS, years=1, rate=0.25)
    assert late == pytest.approx(1_600_000 / 1.25**2 - 1_000_000)
    with_hours = demo_roi.npv(uplift=0.1, **BASE, **{**COSTS, "extra_hours": 2}, years=1, rate=0.25)
    assert with_hours == pytest.approx(1_600_000 / 1.25 - 200_000 / 1.25 - 1_000_000)


def test_update_is_paid_in_all_years_but_last():
    two = demo_roi.npv(uplift=0.0, **BASE, **{**COSTS, "update_share": 0.5}, years=2, rate=0.0)
    assert two == pytest.approx(-1_000_000 - 500_000)


def test_breakeven_makes_npv_zero():
    u = demo_roi.breakeven_uplift(**BASE, **COSTS, years=1, rate=0.25)
    assert u == pytest.approx(1_000_000 * 1.25 / 16_000_000)
    assert demo_roi.npv(uplift=u, **BASE, **COSTS, years=1, rate=0.25) == pytest.approx(0, abs=1e-6)


def test_evpi_and_loss_probability_by_hand():
    # два равновероятных исхода: −10 и +30 → E[max(·,0)] = 15, max(E, 0) = 10 → EVPI = 5
    assert demo_roi.evpi([-10, 30]) == pytest.approx(5)
    assert demo_roi.evpi([10, 30]) == pytest.approx(0)  # решение от информации не меняется
    assert demo_roi.loss_probability([-1, 1, 2, 3]) == 0.25


def test_simulation_is_reproducible_and_tornado_sorted():
    a = demo_roi.simulate(BASE, n=500)
    b = demo_roi.simulate(BASE, n=500)
    assert np.allclose(a["npv"], b["npv"])
    t = demo_roi.tornado(BASE)
    assert list(t["swing"]) == sorted(t["swing"], reverse=True)
    assert (t["value_worse"] <= t["base_value"] + 1e-6).all() and (t["value_better"] >= t["base_value"] - 1e-6).all()


def test_pilot_size_reuses_ab_formula():
    from salesbook.toolkit import experiments
    assert demo_roi.pilot_deals_needed(0.2, 0.5) == pytest.approx(experiments.sample_size_h(0.2, 0.3))


def test_decide_rule():
    assert demo_roi.decide(1, 0.1, 0, 1, 0, 1) == "roll_out"
    assert demo_roi.decide(-1, 0.6, 5, 1, 100, 50) == "pilot"
    assert demo_roi.decide(-1, 0.6, 5, 1, 10, 50) == "drop"


def test_errors_are_russian():
    with pytest.raises(MetricError, match="процентами"):
        demo_roi.npv(uplift=10, **BASE, **COSTS)
    with pytest.raises(MetricError):
        demo_roi.hour_cost(-1)


def test_evpi_matrix_reproduces_thompson_lumber():
    # Учебный пример Thompson Lumber (Render, Stair; слайды thompsonlumber_slides): крупный завод
    # 200 000 / 100 000 / −120 000, малый 90 000 / 50 000 / −20 000, ничего — 0; вероятности 0,3 / 0,5 / 0,2.
    # Опубликованы EMV: 86 000 и 48 000; EV|PI = 0,3·200 000 + 0,5·100 000 + 0 = 110 000 → EVPI = 24 000.
    res = demo_roi.evpi_matrix([[200_000, 100_000, -120_000], [90_000, 50_000, -20_000], [0, 0, 0]], [0.3, 0.5, 0.2])
    assert res["emv"][:2] == pytest.approx([86_000, 48_000])
    assert res["evpi"] == pytest.approx(24_000)


def test_evpi_of_draws_is_two_action_matrix():
    draws = np.array([-10.0, 30.0, 5.0, -2.0])
    res = demo_roi.evpi_matrix([draws, np.zeros_like(draws)], np.full(draws.size, 0.25))
    assert demo_roi.evpi(draws) == pytest.approx(res["evpi"])
