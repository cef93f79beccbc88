"""Оценщик писем раздела 7.4.1: слоги, индекс удобочитаемости, спам-слова, балл, интервалы и AUC.

Опубликованные примеры: интервалы Уилсона — таблица I статьи Newcombe (1998, одна доля);
AUC — пример Hanley & McNeil (1982, табл. 1: 109 снимков КТ, рейтинг 1–5) — площадь 0,893.
Для коэффициентов Оборневой опубликованного разобранного примера найти не удалось — проверяем
формулу на текстах, посчитанных руками.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import email_scoring as es
from salesbook.toolkit.validation import MetricError


def test_syllables_are_vowels():
    assert es.syllables("сервис") == 2
    assert es.syllables("заявка") == 3
    assert es.syllables("ИТ") == 1
    assert es.syllables("SLA") == 0          # латиница слогов по русской формуле не даёт


def test_reading_ease_hand_computed():
    # 3 слова, 1 предложение, 6 слогов: 206,835 − 1,3 · 3 − 60,1 · 2 = 82,735
    assert es.reading_ease("Мама мыла раму.") == pytest.approx(82.735)
    # два предложения по 2 слова: «за-яв-ки» 3, «те-ря-ют-ся» 4, «мы» 1, «по-мо-жем» 3 — 11 слогов на 4 слова
    text = "Заявки теряются. Мы поможем."
    asl, asw = 2, (3 + 4 + 1 + 3) / 4
    assert es.reading_ease(text) == pytest.approx(206.835 - 1.3 * asl - 60.1 * asw)
    assert es.reading_ease(text, es.FLESCH_EN) == pytest.approx(206.835 - 1.015 * asl - 84.6 * asw)
    with pytest.raises(MetricError):
        es.reading_ease("…")


def test_vector_reading_ease_matches_scalar():
    texts = pd.Series(["Мама мыла раму.", "Заявки теряются. Мы поможем!", "Как вы распределяете заявки между складами?"])
    vec = es._reading_ease_series(texts)
    assert np.allclose(vec, [es.reading_ease(t) for t in texts])


def test_spam_hits():
    assert es.spam_hits("Скидка 30 % и бесплатное внедрение!") == 2
    assert es.spam_hits("Давайте созвонимся в четверг.") == 0


def test_score_adds_two_checks_to_rubric():
    emails = pd.DataFrame({
        "text": ["Вижу, что у «Альфа» новые филиалы. Мы собираем заявки в одно окно. Заявки не теряются. "
                 "Как вы сейчас распределяете заявки? Если тема актуальна, давайте созвонимся в четверг.",
                 "Скидка и бесплатное внедрение только до пятницы!"],
        "company": ["Альфа", "Бета"], "role": ["", ""], "trigger": ["филиал", ""],
    })
    s = es.score_emails(emails)
    assert list(s.loc[0, ["length", "personal", "one_cta", "question", "readable", "no_spam"]]) == [True] * 6
    assert s.loc[1, "spam_hits"] == 3 and not s.loc[1, "no_spam"]
    assert (s["score"] == s[list(es.COMPONENTS)].sum(axis=1)).all()


@pytest.mark.parametrize("k, n, low, high", [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605),
                                             (0, 20, 0.0000, 0.1611), (1, 29, 0.0061, 0.1718)])
def test_band_table_reproduces_newcombe_wilson(k, n, low, high):
    scored = pd.DataFrame({"score": 1, "replied": [True] * k + [False] * (n - k)})
    row = es.band_table(scored).loc[1]
    assert row["emails"] == n and row["successes"] == k
    assert row["ci_low"] == pytest.approx(low, abs=1e-4) and row["ci_high"] == pytest.approx(high, abs=1e-4)


def test_score_auc_reproduces_hanley_mcneil():
    normal, abnormal = [33, 6, 6, 11, 2], [3, 2, 2, 11, 33]
    scored = pd.DataFrame({
        "score": np.r_[np.repeat(np.arange(1, 6), normal), np.repeat(np.arange(1, 6), abnormal)],
        "replied": np.r_[np.zeros(sum(normal), bool), np.ones(sum(abnormal), bool)],
    })
    assert es.score_auc(scored) == pytest.approx(0.893, abs=5e-4)
    with pytest.raises(MetricError):
        es.score_auc(scored.assign(replied=True))


def test_component_table_hand_computed():
    scored = pd.DataFrame({"question": [True] * 10 + [False] * 10,
                           "replied": [True] * 4 + [False] * 6 + [True] * 2 + [False] * 8})
    row = es.component_table(scored, components=("question",)).loc["question"]
    assert row["share_passed"] == 0.5 and row["rate_passed"] == 0.4 and row["rate_failed"] == 0.2
    assert row["lift"] == pytest.approx(2.0) and 0 < row["p_value"] < 1


def test_assistant_payoff_hand_computed():
    r = es.assistant_payoff(1000, 0.05, 0.2, 0.4, 100_000, seats=10, seat_price_month=5_000)
    assert r["extra_replies"] == pytest.approx(10) and r["extra_meetings"] == pytest.approx(4)
    assert r["value_rub"] == pytest.approx(400_000) and r["cost_rub"] == 50_000 and r["net_rub"] == pytest.approx(350_000)
    with pytest.raises(MetricError):
        es.assistant_payoff(1000, 5, 0.2, 0.4, 100_000, 10, 5_000)        # проценты вместо доли
    with pytest.raises(MetricError):
        es.assistant_payoff(-1, 0.05, 0.2, 0.4, 100_000, 10, 5_000)


def test_email_texts_errors():
    with pytest.raises(MetricError):
        es.email_texts(pd.DataFrame(columns=["email_id", "lead_id", "blocks", "trigger", "template"]),
                       pd.DataFrame(columns=["lead_id", "account_id", "industry", "job_title_level"]),
                       pd.DataFrame(columns=["account_id", "company_name"]))


def test_component_table_risk_ratio_interval_hand_computed():
    # 40 писем: 20 прошли (8 ответов), 20 не прошли (4 ответа); RR = 2, лог-интервал Каца
    scored = pd.DataFrame({"question": [True] * 20 + [False] * 20,
                           "replied": [True] * 8 + [False] * 12 + [True] * 4 + [False] * 16})
    row = es.component_table(scored, components=("question",)).loc["question"]
    se = np.sqrt(1 / 8 - 1 / 20 + 1 / 4 - 1 / 20)
    assert row["lift_low"] == pytest.approx(2 * np.exp(-1.959964 * se), rel=1e-4)
    assert row["lift_high"] == pytest.approx(2 * np.exp(1.959964 * se), rel=1e-4)


def test_auc_interval_and_ab_months_errors():
    flat = pd.DataFrame({"score": [1, 2, 3], "replied": [False, False, False]})
    with pytest.raises(MetricError):
        es.auc_interval(flat)
    with pytest.raises(MetricError):
        es.ab_test_months(6.6, 200, 0.2)                                   # проценты вместо доли
    per_group, months = es.ab_test_months(0.05, 1000, 0.2)
    assert months == pytest.approx(2 * per_group / 1000) and 7_000 < per_group < 9_000
