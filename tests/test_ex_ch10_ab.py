"""Раздел 10.2: решения учащегося библиотечными функциями проходят, ошибки-признаки ловятся своей подсказкой."""

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_effectsize,
    proportions_ztest,
    samplesize_proportions_2indep_onetail,
)

from salesbook.exercises import ch10_ab as ex
from salesbook.exercises import table
from salesbook.toolkit import experiments


def _summary(experiment_id, metric):
    return experiments.variant_summary(table("email_experiments"), experiment_id, metric)


def test_q1_statsmodels_answer_passes_and_numpy_float_is_accepted():
    s = _summary("EXP02", "replied")
    _, p = proportions_ztest(s.loc[["B", "A"], "successes"], s.loc[["B", "A"], "sent"])
    assert ex.q1.check(p).passed
    _, p_swapped = proportions_ztest(s.loc[["A", "B"], "successes"], s.loc[["A", "B"], "sent"])
    assert ex.q1.check(p_swapped).passed  # двусторонний p-value не зависит от порядка групп


def test_q2_newcombe_from_statsmodels_passes():
    s = _summary("EXP03", "meeting_booked")
    low, high = confint_proportions_2indep(s.loc["B", "successes"], s.loc["B", "sent"],
                                           s.loc["A", "successes"], s.loc["A", "sent"], method="newcomb")
    assert ex.q2.check(high * 1000).passed
    assert "в долях" in ex.q2.check(high).message


def test_q3_accepts_both_cohen_h_and_r_formula():
    base = ex.base_meeting_rate()
    target = base + ex.MDE_PP
    n_h = NormalIndPower().solve_power(proportion_effectsize(target, base), power=0.8, alpha=0.05)
    n_r = samplesize_proportions_2indep_onetail(target - base, base, 0.8)
    assert n_r > n_h
    assert ex.q3.check(n_h).passed
    assert ex.q3.check(n_r).passed
    assert ex.q3.check(np.ceil(n_h)).passed  # округление вверх до целого письма — тоже верно


def test_q4_multipletests_answer_passes_and_holm_differs_from_bonferroni():
    s = _summary("EXP04", "replied")
    pairs = [("B", "A"), ("C", "A"), ("C", "B")]
    raw = [proportions_ztest(s.loc[[x, y], "successes"], s.loc[[x, y], "sent"])[1] for x, y in pairs]
    holm = multipletests(raw, method="holm")[1]
    assert ex.q4.check(holm[0]).passed
    assert holm[0] > 0.05 and holm[1] < 0.05  # значима только пара C–A — так и сказано в тексте
    two = multipletests(raw[:2], method="holm")[1]
    assert two[0] == raw[0] < holm[0]  # в тексте (два сравнения) Холм не меняет p пары B–A, третье сравнение — меняет
    assert "Бонферрони" in ex.q4.check(multipletests(raw, method="bonferroni")[1][0]).message
    assert "без поправки" in ex.q4.check(raw[0]).message


def test_q5_is_years_not_months():
    assert ex.q5.expected_value() > 24  # вывод раздела: по встречам тест в B2B занимает годы


def test_q6_decision_and_each_wrong_choice_gets_its_hint():
    right = ex.q6.expected_value()
    assert right == "more_data"
    assert ex.q6.check(right.upper()).passed
    assert ex.q6.check("«more_data»").passed
    stop = ex.q6.check("no_launch")
    assert stop.status == "incorrect" and "порога" in stop.message and "p-value" in stop.message
    launch = ex.q6.check("launch")
    assert launch.status == "incorrect" and "ноль" in launch.message
    assert ex.q6.check("rollout").status == "invalid"


def test_decisions_of_all_experiments_match_the_data_story():
    """Сюжет раздела: EXP01 — внедрять; EXP02 и EXP03 — мало данных; у EXP02 верхняя граница
    лишь немного выше порога; у EXP03 B «склоняется» к худшему."""
    assert ex.decision("EXP01") == "launch"
    assert ex.decision("EXP02") == "more_data"
    assert ex.decision("EXP03") == "more_data"
    low, high = ex._ci("EXP02", "meeting_booked")
    assert low < 0 and ex.threshold_per_1000() < high * 1000 < 1.25 * ex.threshold_per_1000()
    s = _summary("EXP03", "meeting_booked")
    p_better = experiments.prob_b_beats_a(s.loc["B", "successes"], s.loc["B", "sent"],
                                          s.loc["A", "successes"], s.loc["A", "sent"])
    assert 0.1 < p_better < 0.5  # склоняется к A, но шанс B немал


def test_threshold_is_consistent_with_pipeline_assumption():
    per_month = ex.threshold_per_1000() * ex.leads_per_month() / 1000 * ex.meeting_value()
    assert per_month == pytest.approx(ex.WORTHWHILE_PIPELINE_RUB)


def test_quiz_feedback_on_every_option():
    assert 2 <= len(ex.quiz.questions) <= 4
    for question in ex.quiz.questions:
        assert all(option.feedback for option in question.options)
