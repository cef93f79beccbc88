"""Модели атрибуции раздела 2.1 (часть 2): ручные примеры и опубликованные расчёты."""

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import attribution
from salesbook.toolkit.validation import MetricError


def _touches(paths: dict[str, list[tuple[str, str]]]) -> pd.DataFrame:
    rows = [{"lead_id": lead, "date": d, "channel": c} for lead, steps in paths.items() for d, c in steps]
    return pd.DataFrame(rows)


HAND = _touches({
    "L1": [("2025-01-01", "ppc"), ("2025-01-10", "content"), ("2025-01-15", "events"), ("2025-01-22", "direct")],
    "L2": [("2025-02-01", "social")],
    "L3": [("2025-03-01", "ppc"), ("2025-03-08", "content")],
})


def test_first_last_linear_by_hand():
    first = attribution.heuristic_credit(HAND, "first")
    assert set(first.index) == {"ppc", "content", "events", "direct", "social"}  # каналы без вклада — с нулём
    first = first[first > 0]
    assert first.to_dict() == {"ppc": 2.0, "social": 1.0}
    last = attribution.heuristic_credit(HAND, "last")
    last = last[last > 0]
    assert last.to_dict() == {"direct": 1.0, "social": 1.0, "content": 1.0}
    lnd = attribution.heuristic_credit(HAND, "last_non_direct")
    lnd = lnd[lnd > 0]
    assert lnd.to_dict() == {"events": 1.0, "social": 1.0, "content": 1.0}
    linear = attribution.heuristic_credit(HAND, "linear")
    assert linear["ppc"] == pytest.approx(0.25 + 0.5)
    assert linear["content"] == pytest.approx(0.25 + 0.5)
    assert linear.sum() == pytest.approx(3)


def test_position_based_by_hand():
    w = attribution.touch_weights(HAND, "position")
    assert w.tolist() == pytest.approx([0.4, 0.1, 0.1, 0.4, 1.0, 0.5, 0.5])


def test_time_decay_half_life():
    # Касание за неделю до конца пути весит вдвое меньше последнего, за две — вчетверо.
    t = _touches({"L": [("2025-01-01", "a"), ("2025-01-08", "b"), ("2025-01-15", "c")]})
    w = attribution.touch_weights(t, "time_decay")
    assert w.tolist() == pytest.approx(np.array([1, 2, 4]) / 7)
    end = pd.Series({"L": pd.Timestamp("2025-01-22")})
    assert attribution.touch_weights(t, "time_decay", end_dates=end).tolist() == pytest.approx(np.array([1, 2, 4]) / 7)


def test_value_weighted_credit_sums_to_revenue():
    value = pd.Series({"L1": 100.0, "L2": 50.0, "L3": 10.0})
    credit = attribution.heuristic_credit(HAND, "linear", value=value)
    assert credit.sum() == pytest.approx(160)
    assert credit["social"] == pytest.approx(50)


def test_last_non_direct_only_direct_path():
    t = _touches({"L": [("2025-01-01", "direct"), ("2025-01-02", "direct")]})
    assert attribution.touch_weights(t, "last_non_direct").tolist() == [0.0, 1.0]


def test_bad_input_is_russian_error():
    with pytest.raises(MetricError, match="нет столбцов"):
        attribution.heuristic_credit(pd.DataFrame({"lead_id": [1]}), "first")
    with pytest.raises(MetricError, match="неизвестна"):
        attribution.touch_weights(HAND, "u_shaped")
    with pytest.raises(MetricError, match="в сумме"):
        attribution.touch_weights(HAND, "position", position_weights=(0.5, 0.5, 0.5))


# Опубликованный пример 1 (puzyrov2019removal): пути «google ads» ×2 с конверсией, «mailing» с конверсией,
# «google ads > mailing» с конверсией, «google ads» без конверсии. Статья печатает вероятности переходов:
# google ads → conv 0,5, → mailing 0,25, → null 0,25; mailing → conv 1; start → google ads 0,8, → mailing 0,2.
PUZYROV = pd.DataFrame({
    "path": ["google ads", "mailing", "google ads > mailing"],
    "conversions": [2, 1, 1],
    "nulls": [1, 0, 0],
})


def test_markov_reproduces_published_transition_probabilities():
    tm = attribution.transition_counts(PUZYROV)
    assert tm.loc["google ads", "(conversion)"] == pytest.approx(0.5)
    assert tm.loc["google ads", "mailing"] == pytest.approx(0.25)
    assert tm.loc["google ads", "(null)"] == pytest.approx(0.25)
    assert tm.loc["mailing", "(conversion)"] == pytest.approx(1.0)
    assert tm.loc["(start)", "google ads"] == pytest.approx(0.8)
    assert tm.loc["(start)", "mailing"] == pytest.approx(0.2)


def test_markov_removal_effects_published_example():
    tm = attribution.transition_counts(PUZYROV)
    assert attribution.conversion_probability(tm) == pytest.approx(0.8)
    effects = attribution.removal_effects(PUZYROV)
    assert effects["google ads"] == pytest.approx(0.75)   # без google ads: 0,2 / 0,8
    assert effects["mailing"] == pytest.approx(0.5)       # без mailing: 0,4 / 0,8
    credit = attribution.markov_credit(PUZYROV)
    assert credit["google ads"] == pytest.approx(2.4)
    assert credit["mailing"] == pytest.approx(1.6)


# Опубликованный пример 2 (pychattr, README): три пути A/B, все с конверсией; пакет (симуляция, 10 000 прогонов)
# печатает A 1.991106, B 1.008894. Точный ответ — 2 и 1.
def test_markov_matches_pychattr_readme_example():
    paths = pd.DataFrame({
        "path": ["A > B > A > B > B > A", "A > B > B > A > A", "A > A"],
        "conversions": [1, 1, 1], "nulls": [0, 0, 0],
    })
    credit = attribution.markov_credit(paths)
    assert credit["A"] == pytest.approx(1.991106, abs=0.01)
    assert credit["B"] == pytest.approx(1.008894, abs=0.01)


# Опубликованный пример 3 (shapley1953value; игра «перчатки» в учебниках): игроки 1 и 2 держат правые
# перчатки, игрок 3 — левую; пара стоит 1. Вектор Шепли: 1/6, 1/6, 2/3.
def test_shapley_glove_game():
    def v(s):
        return 1.0 if "3" in s and ("1" in s or "2" in s) else 0.0
    phi = attribution.shapley_values(["1", "2", "3"], v)
    assert phi.to_dict() == pytest.approx({"1": 1 / 6, "2": 1 / 6, "3": 2 / 3})


def test_shapley_over_markov_chain_by_hand():
    # Пример puzyrov2019removal: P(конверсия) = 0,8; только google ads — 0,4; только mailing — 0,2.
    # φ(google ads) = ½·0,4 + ½·(0,8 − 0,2) = 0,5; φ(mailing) = ½·0,2 + ½·(0,8 − 0,4) = 0,3.
    credit = attribution.shapley_credit(PUZYROV)
    assert credit["google ads"] == pytest.approx(4 * 0.5 / 0.8)
    assert credit["mailing"] == pytest.approx(4 * 0.3 / 0.8)
    symmetric = pd.DataFrame({"path": ["a", "b", "a > b", "b > a"], "conversions": [1, 1, 2, 2], "nulls": [1, 1, 0, 0]})
    assert attribution.shapley_credit(symmetric).to_dict() == pytest.approx({"a": 3.0, "b": 3.0})


def test_paths_table_and_model_shares():
    converted = pd.Series({"L1": True, "L2": False, "L3": True})
    table = attribution.paths_table(HAND, converted)
    assert table["conversions"].sum() == 2 and table["nulls"].sum() == 1
    shares = attribution.model_shares({"first": attribution.heuristic_credit(HAND, "first"),
                                       "markov": attribution.markov_credit(table)})
    assert shares.sum().tolist() == pytest.approx([1.0, 1.0])


def test_reallocation_by_hand():
    credit = pd.Series({"ppc": 10_000_000.0, "partners": 4_000_000.0, "organic": 9_000_000.0})
    spend = pd.Series({"ppc": 5_000_000.0, "partners": 1_000_000.0})
    per_rub = attribution.gross_profit_per_rub(credit, spend, 0.8)
    assert per_rub.to_dict() == pytest.approx({"ppc": 1.6, "partners": 3.2})   # органики без бюджета нет
    assert attribution.reallocation_effect(per_rub, "ppc", "partners", 1_000_000) == pytest.approx(1_600_000)
    with pytest.raises(MetricError, match="нет среди каналов"):
        attribution.reallocation_effect(per_rub, "organic", "ppc", 1)


def test_paths_table_weights_conversions_by_value():
    # Вес конверсии — ACV / средний ACV: L1 (3 млн) весит 1,5, L3 (1 млн) — 0,5; L2 — отказ с весом 1.
    weights = pd.Series({"L1": 1.5, "L3": 0.5})
    table = attribution.paths_table(HAND, weights)
    assert table["conversions"].sum() == pytest.approx(2.0) and table["nulls"].sum() == 1
    by_path = table.set_index(table["path"].map(" > ".join))
    assert by_path.loc["ppc > content > events > direct", "conversions"] == pytest.approx(1.5)
    with pytest.raises(MetricError, match="отрицательным"):
        attribution.paths_table(HAND, pd.Series({"L1": -1.0}))


def _company():
    touches = pd.DataFrame({
        "lead_id": ["A", "A", "B", "C", "C", "D"],
        "date": ["2025-01-05", "2025-02-01", "2025-03-01", "2025-04-01", "2025-06-01", "2025-05-01"],
        "medium": ["cpc", "content", "cpc", "content", "email", "cpc"],
    })
    leads = pd.DataFrame({"lead_id": ["A", "B", "C", "D"], "channel": ["ppc", "ppc", "content", "ppc"],
                          "created_date": ["2025-01-05", "2025-03-01", "2025-04-01", "2025-05-01"],
                          "status": ["converted", "converted", "converted", "disqualified"],
                          "opportunity_id": ["O1", "O2", "O3", None]})
    opps = pd.DataFrame({"opportunity_id": ["O1", "O2", "O3"], "lead_id": ["A", "B", "C"], "account_id": ["a", "b", "c"],
                         "created_date": ["2025-02-10", "2025-03-05", "2025-05-01"],
                         "close_date": ["2025-06-01", "2025-07-01", "2025-08-01"],
                         "outcome": ["won", "won", "lost"], "amount_rub": [3_000_000.0, 1_000_000.0, 500_000.0]})
    return touches, leads, opps


def test_outcome_paths_same_deals_as_heuristics():
    touches, leads, opps = _company()
    paths = attribution.outcome_paths(touches, leads, opps, "2025-01-01", "2025-12-31")
    rows = {" > ".join(p): (c, n) for p, c, n in zip(paths["path"], paths["conversions"], paths["nulls"])}
    # A (3 млн) и B (1 млн): средний ACV 2 млн → веса 1,5 и 0,5; C проиграна — касание после сделки отрезано; D — отказ.
    assert rows == {"ppc > content": (1.5, 0.0), "ppc": (0.5, 1.0), "content": (0.0, 1.0)}
    plain = attribution.outcome_paths(touches, leads, opps, "2025-01-01", "2025-12-31", weight_by_acv=False)
    assert plain["conversions"].sum() == 2.0
    boot = attribution.bootstrap_markov_credit(touches, leads, opps, "2025-01-01", "2025-12-31", total=4e6, n_boot=20)
    assert 0 < len(boot) <= 20 and boot.sum(axis=1).to_numpy() == pytest.approx(4e6)


def test_crm_channel_credit_by_hand():
    _, leads, _ = _company()
    value = pd.Series({"A": 3e6, "B": 1e6, "C": 5e5})
    assert attribution.crm_channel_credit(leads, value).to_dict() == {"ppc": 4e6, "content": 5e5}
    with pytest.raises(MetricError, match="нет лида"):
        attribution.crm_channel_credit(leads, pd.Series({"Z": 1.0}))
