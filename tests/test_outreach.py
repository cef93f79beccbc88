"""salesbook.toolkit.sales_scripts: ручные примеры для каждой функции, векторные версии против поштучных,
понятные ошибки на неверном входе."""

import math

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import experiments, sales_scripts
from salesbook.toolkit.validation import MetricError

# ---------------------------------------------------------------------------
# Звонки
# ---------------------------------------------------------------------------


def _calls():
    # permission: 4 набора, 2 разговора (один — встреча); problem: 3 набора, 3 разговора (две встречи)
    rows = [
        ("permission", "no_answer"), ("permission", "no_answer"), ("permission", "connected"), ("permission", "meeting_booked"),
        ("problem", "not_interested"), ("problem", "meeting_booked"), ("problem", "meeting_booked"),
    ]
    frame = pd.DataFrame(rows, columns=["call_opener", "outcome"])
    frame["type"] = "call"
    frame["date"] = pd.Timestamp("2025-03-01")
    extra = pd.DataFrame({"call_opener": [None, None], "outcome": ["meeting_booked", "sent"], "type": ["call", "email"],
                          "date": pd.Timestamp("2025-03-01")})  # звонок без варианта начала и письмо — не в счёт
    return pd.concat([frame, extra], ignore_index=True)


def test_opener_table_hand_case():
    t = sales_scripts.opener_table(_calls())
    assert t.loc["permission", ["dials", "connected", "meetings"]].tolist() == [4, 2, 1]
    assert t.loc["problem", ["dials", "connected", "meetings"]].tolist() == [3, 3, 2]
    assert t.loc["permission", "meeting_rate"] == pytest.approx(0.5)
    assert t.loc["permission", "meeting_per_dial"] == pytest.approx(0.25)
    assert t.loc["problem", "connect_rate"] == pytest.approx(1.0)


def test_opener_trials_feed_experiments():
    trials = sales_scripts.opener_trials(_calls())
    assert trials["sent"].tolist() == [2, 3] and trials["successes"].tolist() == [1, 2]
    dial = sales_scripts.opener_trials(_calls(), per="dial")
    assert dial["sent"].tolist() == [4, 3]
    z, p = experiments.ztest_2prop(2, 3, 1, 2)
    assert experiments.pairwise_tests(trials).loc["problem vs permission", "p_value"] == pytest.approx(p)
    with pytest.raises(MetricError, match="per"):
        sales_scripts.opener_trials(_calls(), per="minute")


def test_opener_period_and_empty():
    with pytest.raises(MetricError, match="холодных звонков"):
        sales_scripts.opener_table(_calls(), "2024-01-01", "2024-12-31")
    with pytest.raises(MetricError, match="нет столбцов"):
        sales_scripts.opener_table(pd.DataFrame({"type": ["call"]}))


# ---------------------------------------------------------------------------
# Рубрика письма
# ---------------------------------------------------------------------------

GOOD = ("Ирина, добрый день! Видел, что «Альфа» открыла склад в Казани. Поддержка после таких запусков тонет в звонках. "
        "Мы сводим обращения в одно окно за неделю. Как вы делите заявки между складами? Давайте созвонимся в четверг.")


def test_words_and_sentences():
    assert sales_scripts.words("Сервис-деск за 1,5 млн ₽.") == ["Сервис-деск", "за", "1", "5", "млн"]
    assert sales_scripts.sentences("Привет! Как дела?.. Хорошо. ") == ["Привет", "Как дела", "Хорошо"]
    assert sales_scripts.sentences("…") == []
    with pytest.raises(MetricError):
        sales_scripts.words(None)


def test_email_checks_hand_case():
    # 35 слов, 6 предложений (≈ 5,8 слова), «созвонимся» — один раз, компания и повод («склад») есть
    r = sales_scripts.email_checks(GOOD, "Альфа", "руководител", "склад")
    assert r == {"length": True, "personal": True, "one_cta": True, "question": True, "readable": True}
    assert len(sales_scripts.words(GOOD)) == 35
    two = GOOD + " Или посмотрите запись вебинара."
    assert sales_scripts.email_checks(two, "Альфа", "x", "склад")["one_cta"] is False
    assert sales_scripts.email_checks(GOOD, "Бета", "руководител", "склад")["personal"] is False
    assert sales_scripts.email_checks(GOOD, "альфа", "", "СКЛАД")["personal"] is True  # регистр не важен
    assert sales_scripts.email_checks(GOOD, "Альфа", None, None)["personal"] is False
    strict = sales_scripts.email_checks(GOOD, "Альфа", "", "склад", max_words=30, max_sentence_words=5)
    assert strict["length"] is False and strict["readable"] is False
    with pytest.raises(MetricError, match="пуст"):
        sales_scripts.email_checks("   ")
    with pytest.raises(MetricError, match="больше"):
        sales_scripts.email_checks(GOOD, min_words=50, max_words=10)


def test_grade_emails_matches_one_by_one():
    texts = [GOOD, "Коротко. Созвонимся?", GOOD.replace("?", ".") + " Покажу демо."]
    frame = pd.DataFrame({"text": texts, "company": ["Альфа", "Альфа", None], "role": ["", None, "поддержк"],
                          "trigger": ["склад", "склад", "склад"]}, index=["a", "b", "c"])
    graded = sales_scripts.grade_emails(frame)
    for key, row in frame.iterrows():
        single = sales_scripts.email_checks(row["text"], row["company"], row["role"], row["trigger"])
        assert {c: bool(graded.loc[key, c]) for c in sales_scripts.CRITERIA} == single, key
    assert graded.loc["a", "score"] == 5
    assert graded.loc["c", "cta_count"] == 2
    assert graded.loc["b", "sentences"] == 2
    with pytest.raises(MetricError, match="нет столбцов"):
        sales_scripts.grade_emails(pd.DataFrame({"text": ["x"]}))
    with pytest.raises(MetricError, match="пусты"):
        sales_scripts.grade_emails(frame.assign(text=["", "x", "y"]))


# ---------------------------------------------------------------------------
# Касания
# ---------------------------------------------------------------------------


def _touches():
    # L1 (outbound): ответ на 2-м касании, встреча на 3-м; L2 (outbound): 2 касания без ответа;
    # L3 (inbound): разговор на 1-м касании. Встреча-квалификация без номера касания не считается.
    rows = [
        ("L1", 1, "email", "sent"), ("L1", 2, "email", "replied"), ("L1", 3, "call", "meeting_booked"),
        ("L2", 1, "call", "no_answer"), ("L2", 2, "whatsapp", "sent"),
        ("L3", 1, "call", "connected"),
        ("L1", None, "meeting", "held"),
    ]
    acts = pd.DataFrame(rows, columns=["lead_id", "touch_number", "type", "outcome"])
    acts["touch_number"] = acts["touch_number"].astype("Int64")
    acts["date"] = pd.Timestamp("2025-05-05")
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3"], "channel": ["outbound", "outbound", "ppc"]})
    return acts, leads


def test_touch_curve_hand_case():
    acts, leads = _touches()
    curve = sales_scripts.touch_curve(acts, leads, channel="outbound")
    assert curve["leads"].tolist() == [2, 2, 1]
    assert curve["replies"].tolist() == [0, 1, 1]
    assert curve["reply_rate"].tolist() == [0.0, 0.5, 1.0]  # на 3-м касании знаменатель — один дошедший лид
    assert curve["meeting_rate"].tolist() == [0.0, 0.0, 1.0]
    everyone = sales_scripts.touch_curve(acts)
    assert everyone.loc[1, "leads"] == 3 and everyone.loc[1, "reply_rate"] == pytest.approx(1 / 3)
    with pytest.raises(MetricError, match="leads"):
        sales_scripts.touch_curve(acts, channel="outbound")
    with pytest.raises(MetricError, match="нет касаний"):
        sales_scripts.touch_curve(acts, leads, channel="events")


def test_cadence_cut_hand_case():
    curve = pd.DataFrame({"leads": [100, 80, 50, 20], "meetings": [2, 2, 1, 1]}, index=[1, 2, 3, 4])
    cut = sales_scripts.cadence_cut(curve, keep=2, value_per_meeting=1000, cost_per_touch=10, months=2)
    # отрезаны касания 3 и 4: 2 встречи и 70 касаний за два месяца → 1 встреча и 35 касаний в месяц
    assert cut["lost_meetings"] == 1 and cut["saved_touches"] == 35
    assert cut["net_rub"] == pytest.approx(35 * 10 - 1000)
    assert sales_scripts.cadence_cut(curve, keep=4, value_per_meeting=1000, cost_per_touch=10)["net_rub"] == 0
    with pytest.raises(MetricError):
        sales_scripts.cadence_cut(curve, keep=0, value_per_meeting=1, cost_per_touch=1)


def test_meeting_value_hand_case():
    acts = pd.DataFrame({"lead_id": ["L1", "L2", "L3", "L4"], "touch_number": [2, 3, 1, 1],
                         "outcome": ["meeting_booked", "meeting_booked", "meeting_booked", "sent"]})
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3", "L4"], "channel": ["outbound"] * 3 + ["ppc"]})
    opps = pd.DataFrame({"lead_id": ["L1", "L2"], "outcome": ["won", "lost"], "amount_rub": [600_000.0, 900_000.0]})
    # 2 сделки на 3 встречи × 1/2 выиграно × ACV 600 000 × маржа 0,8 = 160 000
    assert sales_scripts.meeting_value(acts, leads, opps, 0.8) == pytest.approx(160_000)
    assert sales_scripts.meeting_value(acts, leads, opps, 0.8, channel="outbound") == pytest.approx(160_000)
    with pytest.raises(MetricError, match="доля"):
        sales_scripts.meeting_value(acts, leads, opps, 78)
    with pytest.raises(MetricError, match="нет ни одной"):
        sales_scripts.meeting_value(acts, leads, opps, 0.8, channel="ppc")


def test_salary_and_time_cost():
    reps = pd.DataFrame({"role": ["BDR", "BDR", "AE"], "base_salary_rub": [100_000.0, 120_000.0, 300_000.0]})
    assert sales_scripts.loaded_monthly_salary(reps, "BDR") == pytest.approx(110_000 * (1 + sales_scripts.PAYROLL_TAX_RATE))
    assert sales_scripts.loaded_monthly_salary(reps, "BDR", payroll_tax=0.3) == pytest.approx(143_000)
    assert sales_scripts.loaded_monthly_salary(reps, ["BDR", "AE"], payroll_tax=0) == pytest.approx(520_000 / 3)
    # 165 часов × 60 минут = 9 900 минут; 99 000 ₽ в месяц → 10 ₽ в минуту
    assert sales_scripts.time_cost(99_000, 12) == pytest.approx(120)
    assert np.allclose(sales_scripts.time_cost([99_000, 198_000], 1), [10, 20])
    with pytest.raises(MetricError):
        sales_scripts.loaded_monthly_salary(reps, "SE")
    with pytest.raises(MetricError):
        sales_scripts.loaded_monthly_salary(reps, "BDR", payroll_tax=30)
    with pytest.raises(MetricError):
        sales_scripts.time_cost(-1, 5)


# ---------------------------------------------------------------------------
# Демо и пилот
# ---------------------------------------------------------------------------


def test_post_demo_funnel_hand_case():
    stages = pd.DataFrame({
        "opportunity_id": ["O1", "O1", "O1", "O1", "O1", "O2", "O2", "O2", "O3", "O3", "O4", "O4", "O4"],
        "stage": ["discovery", "demo", "proposal", "negotiation", "closed_won", "discovery", "demo", "closed_lost",
                  "discovery", "closed_lost", "discovery", "demo", "proposal"],
    })
    opps = pd.DataFrame({"opportunity_id": ["O1", "O2", "O3", "O4"], "outcome": ["won", "lost", "lost", "open"],
                         "segment": ["smb"] * 4})
    funnel = sales_scripts.post_demo_funnel(opps, stages)
    # до демо дошли O1 и O2 (O3 проиграна раньше, O4 открыта): 1 из 2 дошла до предложения и выиграна
    assert funnel.loc["smb"].tolist() == [2, 0.5, 0.5, 0.5]
    assert sales_scripts.post_demo_funnel(opps, stages, by=None).loc["all", "demo_deals"] == 2


def test_poc_value_and_break_even_hand_case():
    # ΔEV = 0,1 × 1 000 000 × 0,8 − 20 000 − 0,5 × 1 000 000 × 0,05 = 80 000 − 20 000 − 25 000 = 35 000
    assert sales_scripts.poc_value(1_000_000, 0.4, 0.1, 0.8, 20_000, discount=0.05) == pytest.approx(35_000)
    be = sales_scripts.poc_break_even_uplift(1_000_000, 0.4, 0.8, 20_000, discount=0.05)
    # (20 000 + 0,4 × 1 000 000 × 0,05) / (1 000 000 × 0,75) = 40 000 / 750 000
    assert be == pytest.approx(40_000 / 750_000)
    assert sales_scripts.poc_value(1_000_000, 0.4, be, 0.8, 20_000, discount=0.05) == pytest.approx(0, abs=1e-6)
    grid = sales_scripts.poc_value(1_000_000, 0.4, np.array([0.0, 0.1, 0.2]), 0.8, 20_000)
    assert np.allclose(np.diff(grid), 80_000)
    assert math.isinf(sales_scripts.poc_break_even_uplift(1_000_000, 0.4, 0.3, 0, discount=0.3))
    with pytest.raises(MetricError, match="доля"):
        sales_scripts.poc_value(1_000_000, 0.4, 10, 0.8, 20_000)
    with pytest.raises(MetricError, match="больше 1"):
        sales_scripts.poc_value(1_000_000, 0.95, 0.1, 0.8, 20_000)
    with pytest.raises(MetricError):
        sales_scripts.poc_break_even_uplift(0, 0.4, 0.8, 1)


def test_first_conversations_and_trials_per_lead():
    calls = _calls()
    calls["lead_id"] = ["L1", "L1", "L1", "L1", "L2", "L2", "L3", "L9", "L9"]
    calls["date"] = pd.to_datetime(["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04",
                                    "2025-03-01", "2025-03-05", "2025-03-02", "2025-03-01", "2025-03-01"])
    first = sales_scripts.first_conversations(calls).set_index("lead_id")
    # L1: первый разговор — «connected» 3 марта (встреча позже не считается); L2: отказ 1 марта; L3: встреча
    assert first.loc["L1", "meeting"] == 0 and first.loc["L2", "meeting"] == 0 and first.loc["L3", "meeting"] == 1
    per_lead = sales_scripts.opener_trials(calls, per="lead")
    assert per_lead.loc["permission", ["sent", "successes"]].tolist() == [1, 0]
    assert per_lead.loc["problem", ["sent", "successes"]].tolist() == [2, 1]


def test_map_checks_hand_cases():
    plan = pd.DataFrame({
        "step": ["ИБ", "Закупки", "Юристы", "Подпись"],
        "kind": ["security", "procurement", "legal", "signature"],
        "owner": ["Павел", "Ирина", "Марина", "Олег"],
        "due": pd.to_datetime(["2026-05-01", "2026-05-10", "2026-05-20", "2026-05-31"]),
    })
    assert sales_scripts.map_checks(plan, "2026-05-31") == {"owners": True, "dates": True, "paper": True, "on_time": True}
    assert sales_scripts.map_checks(plan, "2026-05-30")["on_time"] is False
    blank = plan.assign(owner=["Павел", "  ", None, "Олег"])
    assert sales_scripts.map_checks(blank, "2026-05-31")["owners"] is False
    assert sales_scripts.map_checks(plan.iloc[:3], "2026-05-31")["paper"] is False
    with pytest.raises(MetricError):
        sales_scripts.map_checks(plan.drop(columns="kind"), "2026-05-31")
