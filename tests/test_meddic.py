"""salesbook.toolkit.meddic: скоринг, пробелы, категории прогноза и инструменты проверки.

Ручные примеры посчитаны на бумаге; логистическая регрессия воспроизводит
опубликованный пример документации statsmodels (данные Spector & Mazzeo, 1980).
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from salesbook.toolkit import meddic
from salesbook.toolkit.validation import MetricError

L = meddic.LETTERS


def deals(*profiles, stage="proposal", amount=100.0):
    """Таблица сделок из профилей уровней (M, E, DC, DP, I, C)."""
    rows = []
    for i, levels in enumerate(profiles):
        row = dict(zip(L, levels))
        row.update(opportunity_id=f"O{i:05d}", stage=stage, amount_rub=amount)
        rows.append(row)
    return pd.DataFrame(rows)


def test_letters_match_data_schema():
    from salesbook.data.schemas import MEDDIC_COLUMNS

    assert tuple(MEDDIC_COLUMNS) == L


# --- уровни и веса -----------------------------------------------------------


@pytest.mark.parametrize(
    "frame, message",
    [
        (pd.DataFrame({"x": [1]}), "нет столбцов MEDDIC"),
        (deals((0, 1, 2, 3, 0, 0)), "только 0, 1 или 2"),
        (deals((0, 1, 2, np.nan, 0, 0)), "Пустые уровни"),
        (deals(("a", 1, 2, 1, 0, 0)), "числами"),
        ([1, 2, 3], "таблица сделок"),
    ],
)
def test_levels_reject_bad_input(frame, message):
    with pytest.raises(MetricError, match=message):
        meddic.levels(frame)


@pytest.mark.parametrize(
    "weights, message",
    [({"meddic_budget": 1}, "Неизвестные буквы"), ({"meddic_metrics": -1}, "неотрицательными"),
     ({letter: 0 for letter in L}, "Сумма весов"), ([1, 2], "словарём")],
)
def test_weights_reject_bad_input(weights, message):
    with pytest.raises(MetricError, match=message):
        meddic.weight_vector(weights)


# --- балл --------------------------------------------------------------------


def test_score_hand_computed():
    frame = deals((0, 0, 0, 0, 0, 0), (2, 2, 2, 2, 2, 2), (1, 1, 0, 1, 2, 2))
    assert meddic.score(frame).tolist() == pytest.approx([0.0, 1.0, 7 / 12])
    # веса E и C = 2: баллы 1 + 2·1 + 0 + 1 + 2 + 2·2 = 10 из 2·8 = 16
    team = {"meddic_economic_buyer": 2, "meddic_champion": 2}
    assert meddic.score(frame, team).tolist() == pytest.approx([0.0, 1.0, 10 / 16])
    assert meddic.total(frame).tolist() == [0, 12, 7]


def test_score_accepts_one_row_series():
    row = deals((2, 1, 1, 0, 2, 1)).iloc[0]
    assert meddic.score(row).iloc[0] == pytest.approx(7 / 12)


def test_score_is_vectorised_and_equals_row_by_row():
    rng = np.random.default_rng(2025)
    frame = pd.DataFrame(rng.integers(0, 3, size=(500, 6)), columns=L)
    w = {"meddic_metrics": 3, "meddic_champion": 0.5}
    wv = meddic.weight_vector(w)
    by_row = [sum(wv[c] * frame.loc[i, c] for c in L) / (2 * wv.sum()) for i in frame.index]
    assert np.allclose(meddic.score(frame, w), by_row)


# --- пробелы -----------------------------------------------------------------


def test_gaps_lowest_level_then_weight_then_order():
    frame = deals((2, 2, 2, 2, 2, 0), (1, 1, 1, 1, 1, 1), (2, 0, 2, 0, 2, 2))
    assert meddic.gaps(frame).tolist() == ["meddic_champion", "meddic_metrics", "meddic_economic_buyer"]
    team = {"meddic_champion": 2, "meddic_decision_process": 3}
    # при равных уровнях побеждает больший вес: DP (3), затем C (2)
    assert meddic.gaps(frame, team).tolist() == ["meddic_champion", "meddic_decision_process", "meddic_decision_process"]


def test_pipeline_gaps_hand_computed():
    frame = deals((0, 2, 1, 2, 2, 2), (2, 1, 0, 2, 2, 2))
    frame["amount_rub"] = [100.0, 300.0]
    gaps = meddic.pipeline_gaps(frame)
    assert gaps.loc["meddic_metrics", "zero_share"] == 0.5
    assert gaps.loc["meddic_metrics", "rub_at_risk"] == 100.0          # уровень 0 у первой
    assert gaps.loc["meddic_economic_buyer", "rub_at_risk"] == 300.0   # уровень 1 у второй
    assert gaps.loc["meddic_decision_criteria", "rub_at_risk"] == 400.0
    assert gaps.loc["meddic_champion", "rub_at_risk"] == 0.0
    assert gaps.loc["meddic_decision_criteria", "mean_level"] == 0.5


def test_pipeline_gaps_needs_amount_and_rows():
    with pytest.raises(MetricError, match="суммы"):
        meddic.pipeline_gaps(deals((1,) * 6).drop(columns="amount_rub"))
    with pytest.raises(MetricError, match="Сделок нет"):
        meddic.pipeline_gaps(deals((1,) * 6).iloc[:0])


# --- категория прогноза --------------------------------------------------------


def test_forecast_category_rules():
    frame = deals(
        (1, 2, 1, 2, 1, 2),  # commit: E, DP, C = 2, остальные ≥ 1
        (0, 2, 1, 2, 1, 2),  # одна буква 0 → не commit; E, C ≥ 1, балл 8/12 → best case
        (1, 1, 1, 1, 1, 1),  # best case: E, C ≥ 1, балл ровно 0,5
        (2, 0, 2, 2, 2, 2),  # E = 0 → pipeline
        (1, 1, 0, 0, 1, 1),  # балл 4/12 < 0,5 → pipeline
    )
    assert meddic.forecast_category(frame).tolist() == ["commit", "best_case", "best_case", "pipeline", "pipeline"]


def test_forecast_category_stages_and_closed():
    strong = (2, 2, 2, 2, 2, 2)
    frame = deals(strong, strong, strong, strong, strong)
    frame["stage"] = ["discovery", "demo", "negotiation", "closed_won", "closed_lost"]
    assert meddic.forecast_category(frame).tolist() == ["pipeline", "best_case", "commit", "closed", "omitted"]


def test_forecast_category_custom_rules():
    frame = deals((1, 2, 1, 2, 1, 2))
    stricter = {**meddic.DEFAULT_COMMIT_MIN, "meddic_metrics": 2}
    assert meddic.forecast_category(frame, commit_min=stricter).tolist() == ["best_case"]
    assert meddic.forecast_category(frame, commit_min=stricter, best_case_score=0.9).tolist() == ["pipeline"]


@pytest.mark.parametrize(
    "kwargs, message",
    [({"commit_min": {"meddic_metrics": 3}}, "0, 1 или 2"), ({"best_case_score": 50}, "доля"),
     ({"commit_stages": ["closed_won"]}, "открытые стадии"), ({"commit_min": {"x": 1}}, "неизвестные буквы")],
)
def test_forecast_category_rejects_bad_rules(kwargs, message):
    with pytest.raises(MetricError, match=message):
        meddic.forecast_category(deals((1,) * 6), **kwargs)


def test_forecast_category_rejects_unknown_stage():
    frame = deals((1,) * 6)
    frame["stage"] = "won"
    with pytest.raises(MetricError, match="Неизвестные стадии"):
        meddic.forecast_category(frame)


def test_forecast_summary_sums_amounts():
    frame = deals((1, 2, 1, 2, 1, 2), (1, 1, 1, 1, 1, 1), (0, 0, 0, 0, 0, 0))
    frame["amount_rub"] = [10.0, 20.0, 40.0]
    summary = meddic.forecast_summary(frame)
    assert summary.loc["commit", "amount_rub"] == 10.0
    assert summary.loc["best_case", "amount_rub"] == 20.0
    assert summary.loc["pipeline", "amount_rub"] == 40.0
    assert summary["deals"].sum() == 3


# --- стадия, регрессия, AUC ---------------------------------------------------


def test_stage_reached():
    stages = pd.DataFrame({
        "opportunity_id": ["A", "A", "A", "B", "B", "B", "B", "B", "C"],
        "stage": ["discovery", "demo", "closed_lost", "discovery", "demo", "proposal", "negotiation", "closed_won", "discovery"],
    })
    assert meddic.stage_reached(stages).to_dict() == {"A": "demo", "B": "negotiation", "C": "discovery"}


def test_logit_reproduces_statsmodels_spector_example():
    """Пример «Discrete Choice Models Overview» документации statsmodels: Logit на данных
    Spector & Mazzeo (1980) даёт GPA 2,826113, TUCE 0,095158, PSI 2,378688, const −13,021347."""
    import statsmodels.api as sm

    data = sm.datasets.spector.load_pandas()
    table = meddic.logit_odds_ratios(data.endog, data.exog)
    assert table.loc["GPA", "coef"] == pytest.approx(2.826113, abs=1e-5)
    assert table.loc["TUCE", "coef"] == pytest.approx(0.095158, abs=1e-5)
    assert table.loc["PSI", "coef"] == pytest.approx(2.378688, abs=1e-5)
    assert table.loc["const", "coef"] == pytest.approx(-13.021347, abs=1e-5)
    assert table.loc["GPA", "odds_ratio"] == pytest.approx(math.exp(2.826113), rel=1e-5)
    assert (table["ci_low"] < table["odds_ratio"]).all() and (table["odds_ratio"] < table["ci_high"]).all()


@pytest.mark.parametrize(
    "y, X, message",
    [([0, 1, 2, 1], pd.DataFrame({"x": [1, 2, 3, 4]}), "0 или 1"),
     ([1, 1, 1, 1], pd.DataFrame({"x": [1, 2, 3, 4]}), "один класс"),
     ([0, 1, np.nan, 1], pd.DataFrame({"x": [1, 2, 3, 4]}), "пропуски"),
     ([0, 1], pd.DataFrame({"x": [1, 2]}), "Наблюдений меньше"),
     ([0, 1, 0], pd.DataFrame({"x": [1, 2]}), "разной длины")],
)
def test_logit_rejects_bad_input(y, X, message):
    with pytest.raises(MetricError, match=message):
        meddic.logit_odds_ratios(y, X)


def test_auc_hand_computed():
    assert meddic.auc([1, 2, 3, 4], [0, 0, 1, 1]) == 1.0
    assert meddic.auc([4, 3, 2, 1], [0, 0, 1, 1]) == 0.0
    assert meddic.auc([1, 1, 1, 1], [0, 1, 0, 1]) == 0.5
    # пары (выигрыш, проигрыш): (2 > 1), (2 = 2 → ½), (3 > 1), (3 > 2) → 3,5 из 4
    assert meddic.auc([1, 2, 2, 3], [False, False, True, True]) == pytest.approx(3.5 / 4)


def test_auc_equals_pair_counting_and_mann_whitney():
    rng = np.random.default_rng(2025)
    scores = rng.integers(0, 13, 300)
    outcome = rng.random(300) < 0.3
    pos, neg = scores[outcome], scores[~outcome]
    pairs = ((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])).mean()
    assert meddic.auc(scores, outcome) == pytest.approx(pairs)
    u = stats.mannwhitneyu(pos, neg).statistic
    assert meddic.auc(scores, outcome) == pytest.approx(u / (len(pos) * len(neg)))


def test_auc_needs_both_outcomes():
    with pytest.raises(MetricError, match="оба исхода"):
        meddic.auc([1, 2], [1, 1])
    with pytest.raises(MetricError, match="Исход"):
        meddic.auc([1, 2], ["won", "lost"])
