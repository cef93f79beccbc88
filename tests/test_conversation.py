"""salesbook.toolkit.conversation: метрики звонка на посчитанных руками примерах."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import conversation as cv
from salesbook.toolkit.validation import MetricError


def _turns(rows):
    return pd.DataFrame(rows, columns=["call_id", "turn", "speaker", "start_sec", "end_sec", "text"])


CALL = _turns([
    ("C1", 1, "rep", 0, 10, "Добрый день! Всех слышно?"),
    ("C1", 2, "client", 11, 15, "Да."),
    ("C1", 3, "rep", 15, 35, "Покажу очередь."),
    ("C1", 4, "rep", 36, 60, "Знаете, в чём беда? В повторных вопросах."),
    ("C1", 5, "client", 62, 102, "Заявки теряются между почтой и чатом."),
    ("C1", 6, "other", 102, 112, "Сейчас покажу настройки."),
    ("C1", 7, "rep", 113, 120, "Созвонимся в четверг, 14 марта."),
    ("C2", 1, "client", 0, 30, "Сколько это стоит?"),
    ("C2", 2, "rep", 30, 40, "Расскажите, сколько у вас операторов"),
])


def test_talk_ratio_by_hand():
    # C1: AE 10 + 20 + 24 + 7 = 61 с; все 61 + 4 + 40 + 10 = 115 с (паузы не считаются)
    r = cv.talk_ratio(CALL)
    assert r["C1"] == pytest.approx(61 / 115)
    assert r["C2"] == pytest.approx(10 / 40)
    assert cv.talk_ratio(CALL, "client")["C1"] == pytest.approx(44 / 115)


def test_talk_ratio_reproduces_published_worked_example():
    """Пример winsabove.com: 28 мин речи, AE говорит 19 мин → 68:32; другой AE — 12 из 28 → 43:57."""
    for rep_min, expected in ((19, 68), (12, 43)):
        t = _turns([("X", 1, "rep", 0, rep_min * 60, "…"), ("X", 2, "client", rep_min * 60, 28 * 60, "…")])
        assert round(cv.talk_ratio(t)["X"] * 100) == expected


def test_longest_monologue_joins_consecutive_turns():
    # реплики 3 и 4 подряд: с 15 по 60 с = 45 с, длиннее одиночных 10 и 7
    m = cv.longest_monologue(CALL)
    assert m["C1"] == 45 and m["C2"] == 10
    assert cv.longest_monologue(CALL.sample(frac=1, random_state=1))["C1"] == 45   # порядок строк не важен
    assert cv.longest_monologue(CALL, "other")["C2"] == 0


def test_question_detector():
    assert cv.is_question("Как сейчас устроена поддержка?")
    assert cv.is_question("Расскажите, как идёт заявка.")
    assert cv.is_question("Знаете, в чём беда? В повторных вопросах.")      # ложное срабатывание
    assert not cv.is_question("А что говорят сами операторы.")             # пропуск
    assert not cv.is_question(None)
    q = cv.question_count(CALL)
    assert q["C1"] == 2 and q["C2"] == 1


def test_topics_and_next_step():
    assert cv.has_topic("Сколько это стоит на наш объём?", "pricing")
    assert cv.has_topic("Мы ещё смотрим ХелпПро.", "competitor")
    assert not cv.has_topic("Сейчас у нас стоит почта.", "pricing")
    assert cv.has_next_step("Ставлю демо на вторник, 3 июня, пришлю приглашение.")
    assert not cv.has_next_step("Я пришлю материалы, а там созвонимся.")
    assert not cv.has_next_step("Жду вас в четверг, 14 марта.")   # нет слова про встречу
    f = cv.topic_flags(CALL)
    assert f.loc["C1", "next_step"] and not f.loc["C1", "pricing"]
    assert f.loc["C2", "pricing"] and not f.loc["C2", "next_step"]
    with pytest.raises(MetricError):
        cv.has_topic("текст", "weather")


def test_win_rate_by_band_with_wilson():
    frame = pd.DataFrame({"talk_ratio": [0.4, 0.45, 0.55, 0.65, 0.7, 0.75], "won": [1, 1, 0, 1, 0, 0]})
    g = cv.win_rate_by_band(frame, "talk_ratio", [0, 0.5, 1])
    assert list(g["deals"]) == [2, 4] and list(g["won"]) == [2, 1]
    assert g["win_rate"].iloc[1] == pytest.approx(0.25)
    assert g["ci_low"].iloc[1] < 0.25 < g["ci_high"].iloc[1]


def test_licence_value_and_break_even():
    # 200 сделок × 2 п. п. × 1 млн ₽ × 0,8 = 3,2 млн ₽; лицензии 10 × 150 тыс. = 1,5 млн ₽
    assert cv.licence_net_value(0.02, 200, 1_000_000, 0.8, 10, 150_000) == pytest.approx(1_700_000)
    v = cv.licence_net_value(np.array([0.0, 0.02]), 200, 1_000_000, 0.8, 10, 150_000)
    assert v[0] == pytest.approx(-1_500_000)
    be = cv.break_even_uplift(200, 1_000_000, 0.8, 10, 150_000)
    assert be == pytest.approx(1_500_000 / 160_000_000)
    assert cv.licence_net_value(be, 200, 1_000_000, 0.8, 10, 150_000) == pytest.approx(0, abs=1e-6)
    with pytest.raises(MetricError):
        cv.licence_net_value(0.02, 200, 1_000_000, 80, 10, 150_000)   # проценты вместо доли


def test_bad_input_gives_russian_error():
    with pytest.raises(MetricError, match="нет столбцов"):
        cv.talk_ratio(pd.DataFrame({"call_id": ["C1"]}))
    with pytest.raises(MetricError, match="конец раньше начала"):
        cv.talk_ratio(_turns([("C1", 1, "rep", 10, 5, "…")]))


def test_detector_quality_by_hand():
    # 4 срабатывания, 3 верных; настоящих 5 → точность 3/4, полнота 3/5
    truth = [True, True, True, True, True, False, False]
    found = [True, True, True, False, False, True, False]
    q = cv.detector_quality(truth, found)
    assert q.loc["precision", "value"] == pytest.approx(0.75) and q.loc["recall", "value"] == pytest.approx(0.6)
    assert q.loc["precision", "ci_low"] < 0.75 < q.loc["precision", "ci_high"]
    with pytest.raises(MetricError):
        cv.detector_quality([True], [True, False])


def test_deals_per_arm_matches_textbook_formula():
    # z-тест двух долей через h Коэна: дисперсия 2·arcsin√p̂ ≈ 1/n, разности — 2/n, отсюда
    # n на группу = 2·((z_{1−α/2} + z_{1−β}) / h)^2 (для h = 0,2 — 392, как в таблицах Коэна)
    from scipy.stats import norm
    h = 2 * np.arcsin(np.sqrt(0.36)) - 2 * np.arcsin(np.sqrt(0.30))
    expected = 2 * ((norm.ppf(0.975) + norm.ppf(0.8)) / h) ** 2
    assert cv.deals_per_arm(0.30, 0.06) == pytest.approx(expected, rel=1e-3)
    assert cv.deals_per_arm(0.30, 0.01) > 20 * cv.deals_per_arm(0.30, 0.06)   # эффект в 6 раз меньше — n в ~36 раз больше
    with pytest.raises(MetricError):
        cv.deals_per_arm(0.30, 3)
