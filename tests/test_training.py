"""salesbook.toolkit.training: ручные примеры и опубликованные результаты."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import training
from salesbook.toolkit.validation import MetricError


@pytest.mark.parametrize("passed, n, low, high", [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605)])
def test_pass_rate_reproduces_newcombe_table(passed, n, low, high):
    """Newcombe (1998), интервал Уилсона (метод 3) для одной доли — те же примеры, что в tests/test_market.py."""
    scores = [80] * passed + [50] * (n - passed)
    r = training.pass_rate(scores, 70)
    assert r["passed"] == passed and r["n"] == n
    assert r["low"] == pytest.approx(low, abs=5e-5)
    assert r["high"] == pytest.approx(high, abs=5e-5)


def _panel(cells: dict, per_cell: int = 4) -> pd.DataFrame:
    """Панель из средних по клеткам (treated, event_time) с симметричным шумом ±0,1 — средние клеток точные."""
    rows = []
    for (treated, event_time), mean in cells.items():
        for k in range(per_cell):
            rows.append({"rep_id": f"{'T' if treated else 'C'}{k}", "cohort": "2024Q2", "treated": treated,
                         "event_time": event_time, "win_rate": mean + (0.1 if k % 2 else -0.1)})
    return pd.DataFrame(rows)


def test_did_reproduces_card_krueger_table_3():
    """Card & Krueger (1994), табл. 3: FTE NJ 20,44 → 21,03, PA 23,33 → 21,17; разность разностей 2,75
    по округлённым средним (в статье 2,76)."""
    p = _panel({(1, 0): 20.44, (1, 1): 21.03, (0, 0): 23.33, (0, 1): 21.17})
    r = training.did_effect(p, pre=(0,), post=(1,))
    assert r["estimate"] == pytest.approx(2.75, abs=1e-9)
    assert r["low"] < r["estimate"] < r["high"]


def test_naive_effect_by_hand():
    p = _panel({(1, 0): 0.2, (1, 1): 0.3, (1, 2): 0.4, (0, 0): 0.3, (0, 1): 0.3, (0, 2): 0.3})
    assert training.naive_effect(p) == pytest.approx(0.15)
    assert training.naive_effect(p, post=(1,)) == pytest.approx(0.1)


def test_did_needs_all_four_cells_and_disjoint_periods():
    p = _panel({(1, 0): 0.2, (1, 1): 0.3})
    with pytest.raises(MetricError):
        training.did_effect(p)
    p = _panel({(1, 0): 0.2, (1, 1): 0.3, (0, 0): 0.3, (0, 1): 0.3})
    with pytest.raises(MetricError):
        training.did_effect(p, pre=(0, 1), post=(1,))


def test_threshold_table_by_hand():
    scores = [40, 60, 75, 90]
    ready = [False, True, False, True]
    g = training.threshold_table(scores, ready, [50, 70, 80], cost_false_pass=100, cost_false_fail=10)
    # порог 50: сдают 60, 75, 90 → ложный допуск 75; ложных отказов нет
    assert g.loc[50.0, ["false_pass", "false_fail"]].tolist() == [1, 0]
    # порог 70: сдают 75, 90 → ложный допуск 75, ложный отказ 60
    assert g.loc[70.0, ["false_pass", "false_fail"]].tolist() == [1, 1]
    # порог 80: сдаёт 90 → ложный отказ 60
    assert g.loc[80.0, ["false_pass", "false_fail"]].tolist() == [0, 1]
    assert g["cost"].tolist() == [100, 110, 10]
    assert training.best_threshold(g) == 80.0


def test_leave_one_out_thresholds_by_hand():
    scores, ready, who = [40, 60, 75, 90], [False, True, False, True], ["a", "a", "b", "c"]
    loo = training.leave_one_out_thresholds(scores, ready, who, [50, 70, 80], 100, 10)
    # без «a» остаются 75 (не готов) и 90: дешевле всего 80; без «b» все ошибки исчезают уже при 50;
    # без «c» — 40, 60 (готов), 75 (не готов): 80 отсекает ложный допуск ценой одного ложного отказа
    assert loo.to_dict() == {"a": 80.0, "b": 50.0, "c": 80.0}
    with pytest.raises(MetricError):
        training.leave_one_out_thresholds(scores, ready, ["a"] * 4, [50], 1, 1)
    with pytest.raises(MetricError):
        training.leave_one_out_thresholds(scores, ready[:3], who, [50], 1, 1)


def test_costs_roi_and_break_even_by_hand():
    assert training.course_cost(10, 50_000, 16, 1_500) == pytest.approx(10 * (50_000 + 24_000))
    assert training.roi(150, 100) == pytest.approx(0.5)
    assert np.allclose(training.roi([0, 100, 300], 100), [-1, 0, 2])
    # 1000 сделок × 500 тыс. ₽ × маржа 0,8 = 400 млн ₽ на единицу доли; затраты 4 млн ₽ → 1 п. п.
    assert training.break_even_uplift(4_000_000, 1000, 500_000, 0.8) == pytest.approx(0.01)


def test_regression_to_mean_without_any_treatment():
    sim = training.regression_to_mean_simulation(n_reps=20, deals=20, win_rate=0.3, selected=3, trials=4000)
    assert sim["before"] < 0.3 - 0.1          # худшие в квартале отбора — заметно ниже истины
    assert sim["after"] == pytest.approx(0.3, abs=0.01)   # в следующем квартале — снова истина
    all_selected = training.regression_to_mean_simulation(n_reps=20, selected=20, trials=4000)
    assert abs(all_selected["change"]) < 0.01  # без отбора «эффекта» нет


def test_bad_inputs_give_russian_errors():
    with pytest.raises(MetricError, match="проходной балл"):
        training.pass_rate([50, 80], 170)
    with pytest.raises(MetricError):
        training.pass_rate([], 70)
    with pytest.raises(MetricError, match="доля"):
        training.break_even_uplift(1, 10, 10, 78)
    with pytest.raises(MetricError):
        training.threshold_table([1, 2], [True], [1], 1, 1)
    with pytest.raises(MetricError):
        training.roi(1, 0)


def test_quarterly_win_rates_match_kpi_win_rate():
    """Win rate AE за квартал — тот же, что kpi.win_rate по сделкам этого AE за квартал (10.1)."""
    from salesbook.data import load
    from salesbook.toolkit import kpi

    opps, reps = load("opportunities"), load("reps")
    wr = training.quarterly_win_rates(opps, reps, "2025-01-01", "2025-12-31")
    row = wr.sort_values("closed").iloc[-1]
    q = row["quarter"]
    mine = kpi.before_owner_exit(opps, reps)
    mine = mine[mine["owner_id"] == row["rep_id"]]
    assert row["win_rate"] == pytest.approx(kpi.win_rate(mine, q.start_time, q.end_time.normalize()))
    assert (wr["closed"] >= 3).all()


def test_section_labels_are_russian():
    """Подписи программ и шагов воронки раздела 5.2 в plotting — русские."""
    from salesbook.runtime import plotting

    assert plotting.label("negotiation") == "Переговоры"
    assert plotting.label("negotiation_to_won") == "Переговоры → победа"
    for step in training.STEPS:
        assert plotting.label(step) != step
