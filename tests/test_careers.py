"""Инструментарий раздела 5.4 (salesbook.toolkit.careers): примеры, посчитанные руками,
и опубликованный пример медианы выживаемости с интервалом.

Опубликованный пример — данные ovarian пакета survival в R (26 пациенток, 12 смертей):
``survfit(Surv(futime, fustat) ~ 1, data = ovarian)`` печатает «n 26, events 12, median 638,
0.95LCL 464, 0.95UCL NA» (вывод в открытом учебном конспекте, источник — survivalovarian
в book/references.bib). Там же проверка данных: среднее futime — 599,5385, среднее
цензурированных — 812,2857.
"""

import math

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import careers
from salesbook.toolkit.validation import MetricError

OVARIAN_T = [59, 115, 156, 421, 431, 448, 464, 475, 477, 563, 638, 744, 769, 770, 803, 855, 1040, 1106, 1129,
             1206, 1227, 268, 329, 353, 365, 377]
OVARIAN_E = [1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0]


def test_ovarian_data_matches_the_published_printout():
    assert np.mean(OVARIAN_T) == pytest.approx(599.5385, abs=1e-4)
    assert np.mean([t for t, e in zip(OVARIAN_T, OVARIAN_E) if e == 0]) == pytest.approx(812.2857, abs=1e-4)
    assert sum(OVARIAN_E) == 12


def test_km_median_ci_reproduces_r_survfit_on_ovarian():
    # опубликованный вывод R — с conf.type по умолчанию («log»)
    r = careers.km_median_ci(OVARIAN_T, OVARIAN_E, method="log")
    assert r["median"] == 638 and r["ci_low"] == 464 and math.isnan(r["ci_high"])
    assert r["n"] == 26 and r["events"] == 12


def test_km_median_ci_default_agrees_with_the_cycle_band():
    # по умолчанию — log(−log): нижняя граница медианы — первый момент, где полоса cycle.kaplan_meier
    # (раздел 10.3) накрывает 0,5, то есть её нижняя граница опускается до 0,5
    from salesbook.toolkit import cycle
    r = careers.km_median_ci(OVARIAN_T, OVARIAN_E)
    band = cycle.kaplan_meier(OVARIAN_T, OVARIAN_E)
    assert r["median"] == 638
    assert r["ci_low"] == band.loc[band["ci_low"] <= 0.5, "time"].min()
    with pytest.raises(MetricError):
        careers.km_median_ci(OVARIAN_T, OVARIAN_E, method="plain")


def test_km_median_ci_validates_input():
    with pytest.raises(MetricError):
        careers.km_median_ci([1, 2], [0, 0])
    with pytest.raises(MetricError):
        careers.km_median_ci([1, -2], [1, 1])
    with pytest.raises(MetricError):
        careers.km_median_ci([1, 2], [1, 2])


def test_ramp_loss_is_half_of_ramp_minus_one():
    # линейный выход на продуктивность: k-й месяц — k / R; потеря Σ (1 − k/R) = (R − 1) / 2
    assert careers.ramp_loss_months(4) == pytest.approx(1.5)
    assert careers.ramp_loss_months(1) == pytest.approx(0.0)
    assert careers.ramp_loss_months(0) == pytest.approx(0.0)
    assert careers.ramp_loss_months(6) == pytest.approx(2.5)


def test_replacement_cost_by_hand():
    # 1 млн ₽ ACV в месяц, 2 месяца без продавца, выход на продуктивность 3 месяца (потеря 1 месяц), найм 200 тыс.
    c = careers.replacement_cost(1_000_000, 3, 2, 200_000)
    assert c["vacancy_acv"] == pytest.approx(2_000_000)
    assert c["ramp_acv"] == pytest.approx(1_000_000)
    assert c["lost_acv"] == pytest.approx(3_000_000)
    assert c["total"] == pytest.approx(3_200_000)
    # в валовой прибыли (маржа 80 %) минус 400 тыс. ₽ зарплаты за каждый пустой месяц
    g = careers.replacement_cost(1_000_000, 3, 2, 200_000, gross_margin=0.8, saved_cost_pm=400_000)
    assert g["lost_gross_profit"] == pytest.approx(2_400_000)
    assert g["saved_cost"] == pytest.approx(800_000)
    assert g["total"] == pytest.approx(2_400_000 - 800_000 + 200_000)
    with pytest.raises(MetricError):
        careers.replacement_cost(-1, 3, 2)


def _attainment():
    return pd.DataFrame({"2024Q1": [0.95, 0.5, np.nan], "2024Q2": [0.9, 2.0, 1.0], "2024Q3": [0.2, 0.5, 1.0],
                         "2024Q4": [1.1, 0.6, 1.0], "2025Q1": [0.0, 0.0, 0.0]},
                        index=pd.Index(["R1", "R2", "R3"], name="rep_id"))


def test_promotion_rule_by_hand():
    rule = careers.promotion_rule(_attainment(), "2025-01-01")      # окно — 2024Q1–2024Q4
    assert list(rule["quarters_met"]) == [3, 1, 3]
    assert list(rule["quarters_reviewed"]) == [4, 4, 3]
    assert list(rule["rule_met"]) == [True, False, False]       # у R3 неполная история
    assert rule.loc["R2", "mean_attainment"] == pytest.approx(0.9)  # среднее ≥ 0,9, а правило не выполнено
    later = careers.promotion_rule(_attainment(), "2025-04-01")     # окно сдвинулось: 2024Q2–2025Q1
    assert list(later["quarters_met"]) == [2, 1, 3]


def test_promotion_rule_validates_input():
    with pytest.raises(MetricError):
        careers.promotion_rule(_attainment(), "2024-07-01")         # меньше четырёх закрытых кварталов
    with pytest.raises(MetricError):
        careers.promotion_rule(_attainment(), "2025-01-01", bar=90)
    with pytest.raises(MetricError):
        careers.promotion_rule(_attainment(), "2025-01-01", window=4, need=5)


def _events():
    d = pd.to_datetime
    return pd.DataFrame({
        "rep_id": ["R1", "R1", "R1", "R2", "R2", "R3"],
        "event_date": d(["2023-01-01", "2024-01-01", "2024-07-01", "2023-01-01", "2023-07-01", "2024-01-01"]),
        "event_type": ["hire", "review", "review", "hire", "exit", "hire"],
        "role": ["AE"] * 6,
        "grade_before": [None, "specialist", "senior", None, "specialist", None],
        "grade_after": ["specialist", "senior", "senior", "specialist", None, "specialist"],
    })


def test_grade_spells_and_censoring_by_hand():
    spells = careers.grade_spells(_events(), "2024-12-31")
    by = spells.set_index(["rep_id", "grade"])
    assert by.loc[("R1", "specialist"), "ended_by"] == "promotion"
    assert by.loc[("R1", "senior"), "ended_by"] == "censored"       # калибровка без повышения — не событие
    assert by.loc[("R2", "specialist"), "ended_by"] == "exit"
    assert by.loc[("R3", "specialist"), "ended_by"] == "censored"
    assert by.loc[("R1", "specialist"), "months"] == pytest.approx(365 / (365.25 / 12))
    tt = careers.time_to_event(spells, "promotion")
    assert tt["event"].sum() == 1
    leave = careers.time_to_event(spells, "leave")
    assert leave["event"].sum() == 1
    # на дату до повышения R1 ещё специалист
    early = careers.grade_spells(_events(), "2023-12-31")
    assert set(early["ended_by"]) == {"censored", "exit"}


def test_vacancy_months_by_hand():
    d = pd.to_datetime
    reps = pd.DataFrame({"rep_id": ["A", "B", "C", "D"], "role": ["AE"] * 4, "team": ["smb", "smb", "mid_market", "smb"],
                         "hire_date": d(["2023-01-01", "2023-03-02", "2023-05-01", "2023-09-01"]),
                         "exit_date": d(["2023-02-01", None, None, None])})
    gap = careers.vacancy_months(reps)
    assert list(gap.index) == ["A"]
    assert gap["A"] == pytest.approx(29 / (365.25 / 12))
    assert gap.attrs["team"]["A"] == "smb"
    # два ухода и один найм после них: найм закрывает только первый уход
    two = pd.DataFrame({"rep_id": ["A", "B", "C"], "role": ["AE"] * 3, "team": ["smb"] * 3,
                        "hire_date": d(["2023-01-01", "2023-01-01", "2023-06-01"]),
                        "exit_date": d(["2023-04-01", "2023-05-01", None])})
    gap2 = careers.vacancy_months(two)
    assert list(gap2.index) == ["A"]
    assert gap2["A"] == pytest.approx(61 / (365.25 / 12))
    with pytest.raises(MetricError):
        careers.vacancy_months(reps, "SDR")


def test_quarterly_attainment_needs_whole_quarters():
    empty = pd.DataFrame()
    with pytest.raises(MetricError):
        careers.quarterly_attainment(empty, empty, "2024-01-15", "2024-12-31")


def test_exits_profile_by_hand():
    d = pd.to_datetime
    reps = pd.DataFrame({
        "rep_id": ["A", "B", "C"], "role": ["AE"] * 3, "team": ["smb"] * 3,
        "hire_date": d(["2023-01-01", "2023-01-01", "2023-01-01"]),
        "exit_date": d([None, "2023-07-01", "2023-04-01"]), "exit_reason": [None, "voluntary", "performance"],
        "annual_quota_rub": [1_200_000.0] * 3, "ramp_months": [0] * 3,
    })
    # сделка B, закрытая после его ухода, — не его (kpi.before_owner_exit)
    opps = pd.DataFrame({"owner_id": ["A", "B", "B"], "outcome": ["won", "won", "won"],
                         "close_date": d(["2023-03-10", "2023-02-10", "2023-07-20"]),
                         "amount_rub": [1_200_000.0, 300_000.0, 500_000.0]})
    p = careers.exits_profile(reps, opps, "2023-12-31")
    assert list(p["status"]) == ["stayed", "voluntary", "performance"]
    assert p.loc["A", "attainment"] == pytest.approx(1.0)          # годовой план, год отработан
    assert p.loc["B", "attainment"] == pytest.approx(300_000 / (100_000 * (6 + 1 / 31)), rel=1e-3)
    assert p.loc["C", "attainment"] == 0
    assert p.loc["B", "tenure_months"] == pytest.approx(181 / (365.25 / 12))
