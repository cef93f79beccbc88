"""Инструменты раздела 8.1: ручные примеры и опубликованные значения."""

from __future__ import annotations

import pandas as pd
import pytest

from salesbook.toolkit import genai_eval as ge
from salesbook.toolkit.validation import MetricError


def test_wilson_reproduces_newcombe_1998():
    """Newcombe (1998), Statistics in Medicine 17, 857–872, пример 81/263: интервал Уилсона 0,2553–0,3662."""
    rate, low, high = ge.rate_ci(81, 263)
    assert round(low, 4) == 0.2553 and round(high, 4) == 0.3662
    assert rate == pytest.approx(81 / 263)


def test_sample_size_reproduces_cochran_385():
    """Классический пример: p = 0,5, ± 5 п. п., 95 % — 385 наблюдений (Cochran 1977, формула n0 = z²pq/d²)."""
    assert ge.sample_size(0.5, 0.05) == 385
    assert ge.sample_size(0.2, 0.05) == 246   # 1,96² · 0,16 / 0,0025 = 245,9


def test_kappa_reproduces_the_textbook_example():
    """Пример из статьи «Cohen's kappa» (Википедия): 20 да/да, 5 да/нет, 10 нет/да, 15 нет/нет → κ = 0,4."""
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert ge.kappa(a, b, categories=("yes", "no")) == pytest.approx(0.4)


def test_parsers_read_russian_numbers_and_dates():
    text = "Итого 1\u00a0896\u00a0048\u00a0₽ в год, решение до 13.06.2025, модуль — 36 000 ₽."
    assert ge.amounts_in(text) == [1896048.0, 36000.0]
    assert ge.dates_in(text) == [pd.Timestamp("2025-06-13")]


def _frames(text, amount=100_000.0, competitor=None, employees=50):
    out = pd.DataFrame({"output_id": ["G0001"], "opportunity_id": ["O1"], "account_id": ["A1"],
                        "created_date": [pd.Timestamp("2025-05-01")], "text": [text]})
    opp = pd.DataFrame({"opportunity_id": ["O1"], "amount_rub": [amount], "close_date": [pd.Timestamp("2025-06-13")],
                        "competitor": [competitor]})
    acc = pd.DataFrame({"account_id": ["A1", "A2"], "company_name": ["ООО „Альфа“", "АО „Бета“"], "employees": [employees, 9]})
    return out, opp, acc


@pytest.mark.parametrize("text,bad", [
    ("Бюджет 100\u00a0000\u00a0₽, решение до 13.06.2025.", False),
    ("Бюджет 120\u00a0000\u00a0₽.", True),
    ("Решение до 20.06.2025.", True),
    ("Сравнивают с «ХелпПро».", True),
    ("ООО „Альфа“ — 50 сотрудников.", False),
    ("ООО „Альфа“ — 150 сотрудников.", True),
])
def test_fact_flags(text, bad):
    assert bool(ge.fact_flags(*_frames(text)).iloc[0]) is bad


@pytest.mark.parametrize("text,bad", [
    ("С уважением, Анна, +7 495 120-45-67, anna@sfera-soft.ru", False),
    ("Звоните Игорю: +7 916 123-45-67.", True),
    ("Пишите i.petrov@mail.ru", True),
    ("Как в АО „Бета“, где Игорь Петров…", True),
    ("Как у Игоря Петрова из соседнего банка.", False),   # только имя: регулярное выражение не видит
])
def test_pii_flags(text, bad):
    out, _, acc = _frames(text)
    assert bool(ge.pii_flags(out, acc).iloc[0]) is bad


def test_tone_and_promise_flags():
    t = pd.Series(["Добрый день! 🚀", "пиши мне", "Срочно подтвердите", "Добрый день, коллеги.",
                   "скидка 10 % учтена", "Готовы дать скидку 30 %", "Гарантируем доступность 99,99 %"])
    assert ge.tone_flags(t).tolist() == [True, True, True, False, False, False, False]
    assert ge.promise_flags(t).tolist() == [False, False, False, False, False, True, True]


def test_check_quality_and_policy_costs():
    q = ge.check_quality([True, True, False, False], [True, False, True, False])
    assert q["recall"] == 0.5 and q["precision"] == 0.5
    texts = pd.DataFrame({"label_final": ["ok", "fact"], "manual_minutes": [60.0, 60.0], "edit_minutes": [6.0, 12.0],
                          "tokens": [1000, 1000], "review_a": ["ok", "ok"]})
    c = ge.policy_costs(texts, 1000.0, {"fact": 500, "pii": 0, "tone": 0, "promise": 0}, 1.0,
                        flags=pd.Series([False, True]))
    # manual: 1000 ₽; review: 1 + (100 + 200)/2 + 500/2 = 401; auto_only: 1 + 200/2 = 101
    assert c["manual"] == pytest.approx(1000) and c["review"] == pytest.approx(401) and c["auto_only"] == pytest.approx(101)


def test_catch_rate_and_breakeven_by_hand():
    """Два текста: чистый и с дефектом ценой 500 ₽; вручную 1000 ₽, API + правка = 1 + 150 ₽."""
    texts = pd.DataFrame({"label_final": ["ok", "fact"], "manual_minutes": [60.0, 60.0], "edit_minutes": [6.0, 12.0],
                          "tokens": [1000, 1000], "review_a": ["ok", "fact"]})
    costs = {"fact": 500, "pii": 0, "tone": 0, "promise": 0}
    assert ge.defect_cost(texts, costs) == pytest.approx(250)
    # review(c) = 151 + (1 − c) · 250; c = 0,6 → 251
    assert ge.policy_costs(texts, 1000.0, costs, 1.0, catch_rate=0.6)["review"] == pytest.approx(251)
    # без флагов auto_only = 1 + 250 = 251 < manual 1000 → порог: 151 + (1 − c) · 250 = 251 → c* = 0,6
    assert ge.breakeven_catch(texts, 1000.0, costs, 1.0) == pytest.approx(0.6)
    assert ge.reviewer_catch(texts)[0] == 1.0
    low, high = ge.breakeven_catch_interval(texts, 1000.0, costs, 1.0, n_boot=200)
    assert low <= 0.6 + 1e-9 <= high + 1e-9
    with pytest.raises(MetricError, match="Доля пойманных дефектов"):
        ge.policy_costs(texts, 1000.0, costs, 1.0, catch_rate=1.5)
    with pytest.raises(MetricError, match="порог"):
        ge.breakeven_catch(texts.iloc[:1], 1000.0, costs, 1.0)


def test_errors_are_russian():
    with pytest.raises(MetricError, match="Число текстов"):
        ge.rate_ci(5, 3)
    with pytest.raises(MetricError, match="В словаре цен нет дефектов"):
        ge.policy_costs(pd.DataFrame({"label_final": ["ok"], "manual_minutes": [1.0], "edit_minutes": [1.0],
                                      "tokens": [1], "review_a": ["ok"]}), 1.0, {"fact": 1}, 1.0)


def test_agreement_band_follows_landis_koch():
    assert ge.agreement_band(0.4) == "слабое"
    assert ge.agreement_band(0.41) == "умеренное"
    assert ge.agreement_band(0.75) == "существенное"
    assert ge.agreement_band(-0.1) == "хуже случайного"
