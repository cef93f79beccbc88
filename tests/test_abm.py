"""Инструменты раздела 2.3 на посчитанных вручную примерах и опубликованный пример разности разностей."""

from __future__ import annotations

import pandas as pd
import pytest

from salesbook.toolkit import abm
from salesbook.toolkit.validation import MetricError


def test_did_reproduces_card_krueger_1994():
    """Card & Krueger (1994), табл. 3: FTE на ресторан до/после — NJ 20,44 → 21,03, PA 23,33 → 21,17.

    Разность разностей по округлённым средним = 0,59 − (−2,16) = 2,75; в статье 2,76 —
    из неокруглённых средних.
    """
    assert abm.did_2x2(20.44, 21.03, 23.33, 21.17) == pytest.approx(2.75, abs=1e-9)
    assert abm.did_2x2(20.44, 21.03, 23.33, 21.17) == pytest.approx(2.76, abs=0.011)


def _frame():
    return pd.DataFrame({
        "in_programme": [True, True, False, False, False, True, False],
        "s": ["a", "a", "a", "a", "b", "b", "c"],
        "y": [10.0, 20.0, 5.0, 5.0, 1.0, 3.0, 100.0],
        "pre": [1.0, 3.0, 1.0, 1.0, 0.0, 0.0, 0.0],
    })


def test_naive_and_stratified_by_hand():
    f = _frame()
    # программа: (10 + 20 + 3) / 3 = 11; остальные: (5 + 5 + 1 + 100) / 4 = 27,75
    assert abm.naive_uplift(f, "y") == pytest.approx(11 - 27.75)
    # страта a: 15 − 5 = 10 (2 аккаунта программы); b: 3 − 1 = 2 (1); c — без программы
    s = abm.stratified_effect(f, "y", ["s"])
    assert s["effect"] == pytest.approx((10 * 2 + 2 * 1) / 3)
    assert s["treated_used"] == 3 and s["treated_dropped"] == 0 and s["strata_used"] == 2


def test_stratified_drops_strata_without_controls():
    f = _frame()
    f.loc[5, "s"] = "d"   # аккаунт программы в страте без контроля
    s = abm.stratified_effect(f, "y", ["s"])
    assert s["treated_dropped"] == 1 and s["effect"] == pytest.approx(10.0)


def test_did_effect_by_hand():
    f = _frame()
    # программа: до 4/3, после 11; контроль: до 0,5, после 27,75
    assert abm.did_effect(f, "pre", "y") == pytest.approx((11 - 4 / 3) - (27.75 - 0.5))


def test_bootstrap_ci_contains_estimate_and_is_reproducible():
    f = pd.concat([_frame()] * 20, ignore_index=True)
    lo, hi = abm.bootstrap_ci(f, lambda d: abm.naive_uplift(d, "y"), n=200, seed=1)
    assert lo < abm.naive_uplift(f, "y") < hi
    assert (lo, hi) == abm.bootstrap_ci(f, lambda d: abm.naive_uplift(d, "y"), n=200, seed=1)


def test_programme_decision_rules():
    assert abm.programme_decision(120, 300, 100) == "continue"
    assert abm.programme_decision(-50, 90, 100) == "stop"
    assert abm.programme_decision(-50, 150, 100) == "holdout_test"
    with pytest.raises(MetricError):
        abm.programme_decision(10, 5, 1)


def test_effect_gross_profit_by_hand():
    assert abm.effect_gross_profit(100_000, 10, 0.2, 0.8) == pytest.approx(160_000)
    with pytest.raises(MetricError):
        abm.effect_gross_profit(100_000, 10, 20, 0.8)   # win rate в процентах


def test_tier_accounts_respects_capacity_and_segment():
    scores = pd.DataFrame({
        "segment": ["enterprise", "mid_market", "enterprise", "mid_market", "mid_market"],
        "x": [5, 9, 3, 1, 7],
    }, index=["E1", "M1", "E2", "M2", "M3"])
    tiers = abm.tier_accounts(scores, {"one_to_one": 1, "one_to_few": 2, "one_to_many": 1}, {"x": 1.0})
    # порядок: M1 (9), M3 (7), E1 (5), E2 (3), M2 (1); в 1:1 — лучший enterprise
    assert tiers.to_dict() == {"E1": "one_to_one", "M1": "one_to_few", "E2": "one_to_many",
                               "M2": None, "M3": "one_to_few"}
    with pytest.raises(MetricError):
        abm.tier_accounts(scores, {"one_to_two": 1}, {"x": 1.0})


def test_roles_reached_and_account_plan():
    c = pd.DataFrame({
        "account_id": ["A1", "A1", "A1", "A2"],
        "role": ["champion", "end_user", "end_user", "finance"],
        "title_level": ["head", "manager", "specialist", "vp"],
        "first_engaged_date": pd.to_datetime(["2025-01-10", "2025-02-01", "2025-05-01", "2025-03-01"]),
        "engaged_by": ["marketing", "ae", "ae", "ae"],
    })
    assert abm.roles_reached(c, as_of="2025-03-31").to_dict() == {"A1": 2, "A2": 1}
    assert abm.roles_reached(c, since="2025-04-01").to_dict() == {"A1": 1}
    plan = abm.account_plan("A1", c, "2025-12-31")
    assert list(plan.index) == list(abm.ROLES)
    assert plan.loc["end_user", "people"] == 2 and plan.loc["end_user", "title_level"] == "manager"
    assert not plan.loc["economic_buyer", "reached"] and plan["reached"].sum() == 2


def test_pipeline_per_account_keeps_zero_accounts():
    o = pd.DataFrame({"account_id": ["A1", "A1", "A2"], "amount_rub": [100.0, 50.0, 70.0],
                      "created_date": pd.to_datetime(["2025-04-01", "2025-12-31", "2025-03-31"])})
    p = abm.pipeline_per_account(o, ["A1", "A2", "A3"], "2025-04-01", "2025-12-31")
    assert p.to_dict() == {"A1": 150.0, "A2": 0.0, "A3": 0.0}


def test_coverage_win_rate_by_hand():
    o = pd.DataFrame({"opportunity_id": ["O1", "O2", "O3"], "account_id": ["A1", "A2", "A3"],
                      "segment": ["mid_market"] * 3, "outcome": ["won", "lost", "lost"],
                      "close_date": pd.to_datetime(["2025-06-01", "2025-06-01", "2025-06-01"])})
    c = pd.DataFrame({"account_id": ["A1", "A1", "A1", "A2", "A3"],
                      "role": ["champion", "economic_buyer", "finance", "end_user", "end_user"],
                      "first_engaged_date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-07-01",
                                                            "2025-01-01", "2025-01-01"])})
    t = abm.coverage_win_rate(c, o, "2025-01-01", "2025-12-31", bins=(1, 2))
    assert t.loc["1", "deals"] == 2 and t.loc["1", "win_rate"] == 0
    assert t.loc["2+", "deals"] == 1 and t.loc["2+", "win_rate"] == 1


def test_errors_are_russian():
    with pytest.raises(MetricError, match="логическим"):
        abm.naive_uplift(pd.DataFrame({"in_programme": [1, 0], "y": [1, 2]}), "y")
    with pytest.raises(MetricError, match="и аккаунты программы"):
        abm.naive_uplift(pd.DataFrame({"in_programme": [True, True], "y": [1, 2]}), "y")
