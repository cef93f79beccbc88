"""Инструменты раздела 5.1: сроки и воронка найма, стоимость источника, каппы, план 30-60-90."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import hiring
from salesbook.toolkit.validation import MetricError

# Опубликованный пример каппы Флейса (Wikipedia, «Fleiss' kappa», worked example: 10 объектов,
# 14 оценщиков, 5 категорий; в статье — κ = 0,210). Его же воспроизводит тест statsmodels.
FLEISS_WIKI = np.array([
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
])


def _ratings_from_counts(counts: np.ndarray) -> np.ndarray:
    """Таблица «объект × категория → сколько оценщиков» → «объект × оценщик → категория 1…k»."""
    return np.array([np.repeat(np.arange(1, counts.shape[1] + 1), row) for row in counts])


def test_fleiss_reproduces_published_example():
    assert hiring.fleiss_kappa(_ratings_from_counts(FLEISS_WIKI)) == pytest.approx(0.210, abs=0.0005)


def test_cohen_reproduces_published_example():
    # Wikipedia, «Cohen's kappa», пример: 50 заявок, да/да 20, да/нет 5, нет/да 10, нет/нет 15 → κ = 0,4
    a = [1] * 25 + [2] * 25
    b = [1] * 20 + [2] * 5 + [1] * 10 + [2] * 15
    assert hiring.cohen_kappa(a, b, categories=(1, 2)) == pytest.approx(0.4)


def test_weighted_kappa_by_hand():
    # два оценщика, три объекта, шкала 1–3: (1,1), (2,3), (3,3)
    a, b = [1, 2, 3], [1, 3, 3]
    # невзвешенная: p_o = 2/3; p_e = (1/3·1/3 + 1/3·0 + 1/3·2/3) = 1/3 → κ = (2/3 − 1/3)/(2/3) = 0,5
    assert hiring.cohen_kappa(a, b, categories=(1, 2, 3)) == pytest.approx(0.5)
    # квадратичные веса расхождения (i − j)²: наблюдаемое 1/3·1 = 1/3, ожидаемое по маргиналам
    pa, pb = np.array([1, 1, 1]) / 3, np.array([1, 0, 2]) / 3
    w = (np.subtract.outer(np.arange(3), np.arange(3))) ** 2
    expected = (np.outer(pa, pb) * w).sum()
    assert hiring.cohen_kappa(a, b, "quadratic", categories=(1, 2, 3)) == pytest.approx(1 - (1 / 3) / expected)


def test_kappa_rejects_bad_input():
    with pytest.raises(MetricError):
        hiring.cohen_kappa([1, 2], [1, 2, 3])
    with pytest.raises(MetricError):
        hiring.cohen_kappa([1, 7], [1, 2])
    with pytest.raises(MetricError):
        hiring.cohen_kappa([1, 2], [1, 2], weights="cubic")
    with pytest.raises(MetricError):
        hiring.fleiss_kappa([1, 2, 3])


def test_hiring_calendar_uses_ramp_convention():
    # полная продуктивность с августа при рампе 4 месяца: май — 1-й, август — 4-й месяц
    cal = hiring.hiring_calendar("2026-08-15", 4, 70)
    assert cal["start"] == pd.Timestamp("2026-05-01")
    assert cal["open_by"] == pd.Timestamp("2026-05-01") - pd.Timedelta(days=70)
    assert hiring.hiring_calendar("2026-08-01", 0, 0)["start"] == pd.Timestamp("2026-08-01")
    with pytest.raises(MetricError):
        hiring.hiring_calendar("2026-08-01", 2.5, 10)


def test_expected_exits_person_years():
    team = pd.DataFrame({"hire_date": pd.to_datetime(["2024-05-01", "2026-07-01", "2027-01-01"])})
    # 12 месяцев + 6 месяцев (июль–декабрь) + 0 = 1,5 человеко-года
    assert hiring.expected_exits(team, 2026, 0.2) == pytest.approx(0.3)
    with pytest.raises(MetricError):
        hiring.expected_exits(team, 2026, 20)


def test_agency_fee_and_source_cost():
    assert hiring.agency_fee(250_000, 0.2) == pytest.approx(600_000)
    reps = pd.DataFrame({"rep_id": ["R1", "R2", "R3"], "base_salary_rub": [100_000, 200_000, 300_000]})
    hires = pd.DataFrame({"rep_id": ["R1", "R2", "R3"], "source": ["agency", "referral", "hh_ru"]})
    cost = hiring.source_cost(hires, reps, fee_rate=0.25, referral_bonus=40_000)
    assert cost.tolist() == [300_000, 40_000, 0]
    with pytest.raises(MetricError):
        hiring.agency_fee(250_000, 20)


def test_stage_funnel_counts_reaching_stage_or_later():
    c = pd.DataFrame({"source": ["a", "a", "a", "b"], "stage_reached": ["applied", "interview", "accepted", "screen"],
                      "applied_date": pd.to_datetime(["2025-01-01"] * 4)})
    f = hiring.stage_funnel(c)
    assert f.loc["a", "applied"] == 3 and f.loc["a", "screen"] == 2 and f.loc["a", "interview"] == 2
    assert f.loc["a", "accepted"] == 1 and f.loc["a", "hire_rate"] == pytest.approx(1 / 3)
    assert f.loc["b", "interview"] == 0
    with pytest.raises(MetricError):
        hiring.stage_funnel(c.assign(stage_reached="hired"))


def test_vacancy_times():
    c = pd.DataFrame({"vacancy_id": ["V1", "V1"], "role": ["AE", "AE"], "team": ["smb", "smb"],
                      "vacancy_opened_date": pd.to_datetime(["2025-01-01"] * 2), "stage_reached": ["accepted", "screen"],
                      "accepted_date": pd.to_datetime(["2025-02-10", None]), "hired_rep_id": ["R9", None],
                      "source": ["referral", "hh_ru"]})
    reps = pd.DataFrame({"rep_id": ["R9"], "hire_date": pd.to_datetime(["2025-03-01"])})
    t = hiring.vacancy_times(c, reps)
    assert len(t) == 1 and t.loc[0, "days_to_accept"] == 40 and t.loc[0, "days_to_start"] == 59
    assert t.loc[0, "role_key"] == "AE · smb"


def test_rater_leniency_compares_on_same_candidates():
    s = pd.DataFrame({"candidate_id": ["C1"] * 3 + ["C2"] * 3, "competency": ["x"] * 6,
                      "interviewer_id": ["A", "B", "C"] * 2, "score": [2, 3, 4, 3, 4, 5]})
    t = hiring.rater_leniency(s, min_ratings=1)
    assert t.loc["A", "leniency"] == pytest.approx(-1.5) and t.loc["C", "leniency"] == pytest.approx(1.5)


def test_validity_interval_contains_r():
    rng = np.random.default_rng(1)
    x = rng.normal(size=50)
    v = hiring.validity(x, x + rng.normal(size=50))
    assert v["low"] < v["r"] < v["high"] and v["n"] == 50
    with pytest.raises(MetricError):
        hiring.validity([1, 2], [1, 2])


def test_check_ramp_plan():
    plan = pd.DataFrame({"month": [1, 2, 3], "target_share": [0.25, 0.6, 0.75]})
    out = hiring.check_ramp_plan(plan, 4)
    assert out["ok"].tolist() == [True, False, True]
    assert out.loc[2, "excess_share"] == pytest.approx(0.1)
    rub = hiring.check_ramp_plan(pd.DataFrame({"month": [1], "target_rub": [500_000]}), 3, monthly_quota=1_000_000)
    assert not rub.loc[1, "ok"]
    for bad in (pd.DataFrame({"month": [1]}), pd.DataFrame({"month": [0], "target_share": [0.1]}),
                pd.DataFrame({"month": [1], "target_share": [25]})):
        with pytest.raises(MetricError):
            hiring.check_ramp_plan(bad, 3)
    with pytest.raises(MetricError):
        hiring.check_ramp_plan(pd.DataFrame({"month": [1], "target_rub": [1.0]}), 3)


def test_competency_matrix_levels():
    m = hiring.competency_matrix()
    assert list(m.columns) == list(hiring.COMPETENCIES)
    assert m.to_numpy().min() >= 1 and m.to_numpy().max() <= 5
    assert m.loc["AE · enterprise", "discovery"] > m.loc["SDR", "discovery"]


def test_hiring_labels_cover_data_codes():
    from salesbook.data import schemas
    from salesbook.runtime.plotting import hiring_label

    codes = schemas.CANDIDATE_SOURCES + schemas.CANDIDATE_STAGES + schemas.COMPETENCIES + schemas.INTERVIEWER_ROLES
    assert all(hiring_label(c) != c for c in codes)
    assert hiring_label("peer") == "Старший коллега" and hiring_label("ppc") != "ppc"


def test_agency_fee_for_uses_median_salary_of_working_staff():
    import pandas as pd

    from salesbook.toolkit import hiring
    reps = pd.DataFrame({"role": ["AE", "AE", "AE", "AE"], "team": ["mid_market"] * 3 + ["smb"],
                         "exit_date": [None, None, "2024-05-01", None],
                         "base_salary_rub": [200_000.0, 300_000.0, 900_000.0, 100_000.0]})
    assert hiring.typical_salary(reps, "AE", "mid_market") == 250_000.0      # ушедший не в базе
    assert hiring.agency_fee_for(reps, "AE", "mid_market") == pytest.approx(hiring.AGENCY_FEE_RATE * 12 * 250_000.0)
