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
    """Сюжет раздела: ни один тест не доказывает пользу. EXP01 значим, но порог внутри интервала;
    EXP02 и EXP03 захватывают и ноль, и порог; у EXP03 B «склоняется» к худшему."""
    t = ex.threshold_per_1000()
    low, high = ex._ci("EXP01", "meeting_booked")
    assert 0 < low * 1000 < t < high * 1000, "EXP01: значимо, но нижняя граница ниже порога"
    assert ex.decision("EXP01") == "more_data"
    # прежнее прочтение («выше нуля и дотягивается до порога» → внедрять) теперь даёт «мало данных»
    assert experiments.decide(low * 1000, high * 1000, t) == "more_data"
    assert ex.q7.expected_value() == "more_data"
    launch = ex.q7.check("launch")
    assert launch.status == "incorrect" and "порог" in launch.message and "значим" in launch.message
    assert "Kohavi" in ex.q7.correct_message
    assert ex.decision("EXP02") == "more_data"
    assert ex.decision("EXP03") == "more_data"
    low2, high2 = ex._ci("EXP02", "meeting_booked")
    assert low2 < 0 < t < high2 * 1000, "EXP02: интервал захватывает и ноль, и порог"
    s = _summary("EXP03", "meeting_booked")
    p_better = experiments.prob_b_beats_a(s.loc["B", "successes"], s.loc["B", "sent"],
                                          s.loc["A", "successes"], s.loc["A", "sent"])
    assert 0.1 < p_better < 0.5  # склоняется к A, но шанс B немал
    for experiment in ("EXP01", "EXP02", "EXP03", "EXP04"):  # «все MDE выше порога пользы»
        e = _summary(experiment, "meeting_booked")
        assert experiments.detectable_p2(e.loc["A", "sent"], e.loc["A", "rate"]) - e.loc["A", "rate"] > t / 1000


def test_recipients_are_inbound_so_the_meeting_value_is_inbound():
    """Письма получают только входящие лиды — поэтому ценность встречи и поток берутся по входящим каналам."""
    from salesbook.toolkit import course, sales_scripts, unit_economics
    leads = table("leads")
    channel = table("email_experiments")["lead_id"].map(leads.set_index("lead_id")["channel"])
    assert channel.notna().all() and not channel.eq("outbound").any()
    assert set(channel.unique()) <= set(ex.inbound_channels())
    gm = unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2025)
    inbound = sales_scripts.meeting_value(table("activities"), leads, table("opportunities"), gm, channel=ex.inbound_channels())
    outbound = sales_scripts.meeting_value(table("activities"), leads, table("opportunities"), gm, channel="outbound")
    assert ex.meeting_value() == pytest.approx(inbound)
    assert inbound > outbound, "встреча входящего лида дороже встречи-знакомства BDR — так сказано в тексте"
    assert ex.leads_per_month() < ex.leads_per_month(channels=leads["channel"].unique())
    per_month = ex.threshold_per_1000() * ex.leads_per_month() / 1000 * ex.meeting_value()
    assert per_month == pytest.approx(ex.WORTHWHILE_GROSS_PROFIT_RUB)
    # порог — заметная, но не подавляющая доля нынешней ценности рассылки («не обязано удвоить»)
    channel_value = ex.base_meeting_rate() * ex.leads_per_month() * ex.meeting_value()
    assert 0.05 < ex.WORTHWHILE_GROSS_PROFIT_RUB / channel_value < 0.5


def test_interval_claims_of_the_text():
    """«На ответах EXP01 интервалы почти совпадают; на встречах Ньюкомб шире и несимметричен — особенно в EXP03»."""
    def width_and_skew(experiment, metric):
        s = _summary(experiment, metric)
        c = (s.loc["B", "successes"], s.loc["B", "sent"], s.loc["A", "successes"], s.loc["A", "sent"])
        d = s.loc["B", "rate"] - s.loc["A", "rate"]
        wl, wh = confint_proportions_2indep(*c, method="wald")
        nl, nh = confint_proportions_2indep(*c, method="newcomb")
        return (nh - nl) / (wh - wl), abs((nh - d) - (d - nl)) / (nh - nl)
    ratio_replies, _ = width_and_skew("EXP01", "replied")
    ratio_m1, skew_m1 = width_and_skew("EXP01", "meeting_booked")
    ratio_m3, skew_m3 = width_and_skew("EXP03", "meeting_booked")
    assert abs(ratio_replies - 1) < 0.05
    assert ratio_m1 > ratio_replies and ratio_m3 > ratio_m1
    assert skew_m1 > 0.01 and skew_m3 > 0.01  # несимметричен вокруг оценки


def test_exp04_meetings_not_significant_and_r_formula_slightly_larger():
    _, p, _ = experiments.chi2_variants(_summary("EXP04", "meeting_booked"))
    assert p > 0.05  # «по встречам — не доказана»
    base = ex.base_meeting_rate()
    for target in (base * 1.1, base * 1.2, base + ex.MDE_PP):  # эффекты, которые планируют в разделе
        n_h = NormalIndPower().solve_power(proportion_effectsize(target, base), power=0.8, alpha=0.05)
        n_r = samplesize_proportions_2indep_onetail(target - base, base, 0.8)
        assert 0 < n_r / n_h - 1 < 0.01  # «формула R даёт чуть больше — меньше процента»


def test_peeking_at_the_company_flow_still_far_above_five_percent():
    base = table("email_experiments").query("variant == 'A'")["replied"].mean()
    own_per_day = round(ex.leads_per_month() / 2 / 21)
    own = experiments.peeking_simulation(base, per_day=own_per_day, days=20, looks=[20], n_sims=20_000, seed=2025)
    big = experiments.peeking_simulation(base, per_day=240, days=20, looks=[20], n_sims=20_000, seed=2025)
    assert 0.10 < own.loc[20, "false_positive_rate"] < big.loc[20, "false_positive_rate"]


def test_quiz_feedback_on_every_option():
    assert 2 <= len(ex.quiz.questions) <= 4
    for question in ex.quiz.questions:
        assert all(option.feedback for option in question.options)
