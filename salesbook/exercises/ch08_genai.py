"""Упражнения раздела 8.1 «Генеративный AI в продажах».

Эталоны считаются из таблицы ``genai_outputs`` функциями ``salesbook.toolkit.genai_eval``
(их сверяют с опубликованными примерами тесты ``tests/test_genai_eval.py``); каждая типичная
ошибка — тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import crossfunc, genai_eval

SECTION = "ch08.genai"
TITLE = "8.1. Генеративный AI в продажах"

#: Цена 1000 токенов, ₽: YandexGPT по статье на Хабре (2024); актуальный прайс проверяйте у поставщика.
PRICE_PER_1K_TOKENS = 0.6
#: Цена дефекта, ушедшего клиенту в письме после встречи, ₽ (решение руководителя, допущение курса):
#: выдуманный факт — час AE и РОП на извинения и исправление плюс риск для сделки; чужие персональные
#: данные — разбор инцидента, уведомление Роскомнадзора, риск штрафа по ст. 13.11 КоАП; тон — повторное
#: письмо и осадок; обещание вне политики — скидку или SLA придётся либо выполнить, либо торговаться заново.
ERROR_COST_EMAIL = {"fact": 20_000, "pii": 150_000, "tone": 5_000, "promise": 60_000}
#: Цена дефекта во внутреннем конспекте звонка (в CRM, клиенту не уходит), ₽ (допущение курса).
ERROR_COST_SUMMARY = {"fact": 3_000, "pii": 10_000, "tone": 0, "promise": 2_000}
POLICIES = ("manual", "review", "auto_only")


def _texts(case: str | None = None) -> pd.DataFrame:
    g = table("genai_outputs")
    return g if case is None else g[g["use_case"] == case]


def _flags() -> pd.DataFrame:
    return genai_eval.auto_check(table("genai_outputs"), table("opportunities"), table("accounts"))


def hour_cost() -> float:
    """Цена часа AE, ₽ (``crossfunc.hour_cost``: то же число, что в разделах 2.4 и 4.3)."""
    return crossfunc.hour_cost(table("reps"), "AE")


# ---------------------------------------------------------------------------
# 1. Доля черновиков с дефектом и интервал Уилсона
# ---------------------------------------------------------------------------


def _upper(case: str | None = "followup_email", column: str = "label_final", method: str = "wilson") -> float:
    t = _texts(case)
    k, n = int((t[column] != "ok").sum()), len(t)
    return float(proportion_confint(k, n, alpha=0.05, method=method)[1]) * 100


q1 = Exercise(
    id="ch08.genai.q1",
    title="Верхняя граница доли дефектов в письмах",
    var="upper_pct",
    expected=lambda: _upper(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Возьмите черновики сценария followup_email; дефект — label_final не равно 'ok'. Нужны число дефектов и число текстов.",
        "proportion_confint(дефектов, текстов, method='wilson') вернёт (нижняя, верхняя) в долях; умножьте верхнюю на 100.",
    ],
    mistakes=[
        Mistake(name="fraction", value=lambda: _upper() / 100,
                hint="Граница верная, но в долях. Задание просит проценты: умножьте на 100."),
        Mistake(name="wald", value=lambda: _upper(method="normal"),
                hint="Это интервал Вальда (method='normal'). На долях около 20 % и сотне текстов он неточен; нужен интервал Уилсона: method='wilson'."),
        Mistake(name="reviewer_a", value=lambda: _upper(column="review_a"),
                hint="Вы взяли разметку одного проверяющего (review_a). Он пропускает часть дефектов; долю считают по итоговой разметке label_final."),
        Mistake(name="all_cases", value=lambda: _upper(case=None),
                hint="Вы посчитали все сценарии вместе. Задание — только про письма после встречи: use_case == 'followup_email'."),
    ],
    correct_message="Даже по итоговой разметке сотни писем дают интервал шириной больше десяти процентных пунктов: точнее долю ошибок узнать можно только большей разметкой.",
)

# ---------------------------------------------------------------------------
# 2. Согласие проверяющих: каппа Коэна
# ---------------------------------------------------------------------------


def _binary(col: str) -> pd.Series:
    return (_texts()[col] != "ok").map({True: "defect", False: "ok"})


def _kappa_binary() -> float:
    return genai_eval.kappa(_binary("review_a"), _binary("review_b"), categories=("ok", "defect"))


q2 = Exercise(
    id="ch08.genai.q2",
    title="Каппа Коэна двух проверяющих: есть дефект или нет",
    var="kappa_ab",
    expected=_kappa_binary,
    compare=Number(rel_tol=0.01, generic_mistakes=False),
    hints=[
        "Сведите разметку каждого проверяющего к двум значениям: 'defect', если метка не 'ok', иначе 'ok'. Возьмите все черновики.",
        "genai_eval.kappa(a, b, categories=('ok', 'defect')) — каппа Коэна; она вычитает из совпадений те, что случились бы случайно.",
    ],
    mistakes=[
        Mistake(name="raw_agreement", value=lambda: float((_binary("review_a") == _binary("review_b")).mean()),
                hint="Это доля совпадений. Она высока уже потому, что большинство текстов чистые и оба ставят «ok»; каппа вычитает случайные совпадения."),
        Mistake(name="five_classes", value=lambda: genai_eval.kappa(_texts()["review_a"], _texts()["review_b"]),
                hint="Это каппа по пяти меткам (вид дефекта). Задание — про согласие «есть дефект или нет»: сведите метки к 'ok' и 'defect'."),
        Mistake(name="percent", value=lambda: _kappa_binary() * 100,
                hint="Каппа — не процент, а число от −1 до 1: не умножайте её на 100."),
        Mistake(name="vs_final", value=lambda: genai_eval.kappa(_binary("review_a"), _binary("label_final"), categories=("ok", "defect")),
                hint="Вы сравнили проверяющего A с итоговой разметкой. Нужно согласие двух проверяющих между собой: review_a и review_b."),
    ],
    correct_message="Каппа заметно ниже доли совпадений: большая часть согласия — это чистые тексты, которые оба пропустили. Одному проверяющему без инструкции и разбора расхождений верить нельзя.",
)

# ---------------------------------------------------------------------------
# 3. Полнота автопроверок
# ---------------------------------------------------------------------------


def _recall(kind: str = "any", truth_col: str = "label_final", metric: str = "recall") -> float:
    f = _flags()
    t = _texts()
    truth = (t[truth_col] != "ok") if kind == "any" else (t[truth_col] == kind)
    return float(genai_eval.check_quality(f[kind], truth)[metric]) * 100


q3 = Exercise(
    id="ch08.genai.q3",
    title="Какую долю дефектов ловят автопроверки",
    var="recall_pct",
    expected=lambda: _recall(),
    compare=Number(rel_tol=0.01),
    hints=[
        "flags = genai_eval.auto_check(drafts, opps, accounts): столбец any — сработала хоть одна проверка.",
        "Полнота = найденные дефекты / все дефекты по label_final (в процентах): genai_eval.check_quality(flags['any'], drafts['label_final'] != 'ok').",
    ],
    mistakes=[
        Mistake(name="precision", value=lambda: _recall(metric="precision"),
                hint="Это точность — доля срабатываний, где дефект есть. Вопрос про полноту: какую долю всех дефектов проверки нашли."),
        Mistake(name="fraction", value=lambda: _recall() / 100,
                hint="Полнота верная, но в долях. Задание просит проценты."),
        Mistake(name="reviewer_a", value=lambda: _recall(truth_col="review_a"),
                hint="Вы сравнили с разметкой проверяющего A: его пропуски выпали из знаменателя. Сравнивайте с итоговой разметкой label_final."),
        Mistake(name="fact_only", value=lambda: _recall(kind="fact"),
                hint="Это полнота только сверки фактов. Нужны все четыре проверки вместе: столбец any и все дефекты label_final != 'ok'."),
    ],
    correct_message="Автопроверки находят большинство дефектов, но выдуманная функция продукта, имя без телефона, вежливое давление и «бесплатная доработка» проходят мимо: регулярные выражения видят только то, что можно сверить с CRM и политикой.",
)

# ---------------------------------------------------------------------------
# 4. Сколько стоит отказаться от проверки писем
# ---------------------------------------------------------------------------


def _costs(case: str = "followup_email", cost: dict | None = None, flags: bool = True, reviewer: str = "review_a",
           price: float = PRICE_PER_1K_TOKENS) -> pd.Series:
    t = _texts(case)
    f = _flags().loc[t.index, "any"] if flags else None
    return genai_eval.policy_costs(t, hour_cost(), ERROR_COST_EMAIL if cost is None else cost, price, flags=f,
                                   reviewer=reviewer)


def _gap(**kw) -> float:
    c = _costs(**kw)
    return float(c["auto_only"] - c["review"])


q4 = Exercise(
    id="ch08.genai.q4",
    title="Разница цены письма без проверки и с проверкой",
    var="gap_rub",
    expected=lambda: _gap(),
    compare=Number(rel_tol=0.01),
    hints=[
        "genai_eval.policy_costs(письма, hour, ERROR_COST_EMAIL, PRICE_PER_1K_TOKENS, flags=флаги any этих писем) вернёт цену текста при трёх политиках.",
        "Ответ — auto_only минус review, ₽ на одно письмо. Флаги берите только для строк писем: flags.loc[emails.index, 'any'].",
    ],
    mistakes=[
        Mistake(name="reversed", value=lambda: -_gap(),
                hint="Знак обратный: нужна цена без проверки минус цена с проверкой (auto_only − review)."),
        Mistake(name="no_flags", value=lambda: _gap(flags=False),
                hint="Вы не передали флаги автопроверок: тогда в политике auto_only уходят все черновики, даже те, что проверка отметила. Передайте flags=..."),
        Mistake(name="summary_costs", value=lambda: _gap(cost=ERROR_COST_SUMMARY),
                hint="Вы взяли цену ошибок внутреннего конспекта. Письмо уходит клиенту: цена ошибок — ERROR_COST_EMAIL."),
        Mistake(name="reviewer_b", value=lambda: _gap(reviewer="review_b"),
                hint="Письмо проверяет сам продавец, который знает сделку, — как проверяющий A (review_a), а не маркетолог B."),
    ],
    correct_message="Без проверки письмо дороже в разы: экономия минут продавца не покрывает цену ушедших клиенту ошибок.",
)

# ---------------------------------------------------------------------------
# 5. Решение: политика для писем после встречи
# ---------------------------------------------------------------------------


def decision(case: str = "followup_email", cost: dict | None = None) -> str:
    """Политика с наименьшей ожидаемой ценой текста."""
    return str(_costs(case, cost).idxmin())


q5 = Exercise(
    id="ch08.genai.q5",
    title="Как выпускать письма после встречи",
    var="policy_email",
    expected=decision,
    compare=Choice(list(POLICIES)),
    hints=[
        "Сравните три цены письма из упражнения выше: manual, review, auto_only.",
        "Выбирайте политику с наименьшей ожидаемой ценой письма: минуты продавца плюс API плюс цена ошибок, ушедших клиенту.",
    ],
    mistakes=[
        Mistake(name="auto_only", matches=lambda a: a == "auto_only" != decision(),
                hint="Без проверки письмо дешевле только в минутах. Часть дефектов проходит мимо автопроверок, а чужие персональные данные или обещание вне политики стоят десятки тысяч рублей."),
        Mistake(name="manual", matches=lambda a: a == "manual" != decision(),
                hint="Писать вручную дороже: правка черновика занимает меньше минут, а пропущенных проверяющим дефектов мало. Сравните manual и review."),
        Mistake(name="review_when_not", matches=lambda a: a == "review" != decision(),
                hint="Сравните три цены: при этих данных проверка человеком — не самая дешёвая политика."),
    ],
    correct_message="Черновик — да, отправка без человека — нет. Пересматривать политику стоит, когда доля ошибок и её интервал заметно снизятся на новой разметке.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Из 130 размеченных писем ассистента дефект нашли в 24. Что можно сказать о доле ошибок?",
            (
                Option("Она равна 18,5 %, этого достаточно для решения", False,
                       "Это точечная оценка. На 130 текстах 95-процентный интервал Уилсона — примерно от 13 до 26 %: решение должно выдерживать и верхнюю границу."),
                Option("Она с 95-процентной уверенностью лежит примерно между 13 и 26 %; чтобы сузить интервал до ± 3 п. п., нужно около 650 текстов", True,
                       "Да: n = z²·p(1 − p)/d² ≈ 1,96² · 0,185 · 0,815 / 0,03² ≈ 644."),
                Option("Долю нельзя оценить, пока не разметили все письма за год", False,
                       "Случайная выборка с интервалом даёт ответ с известной точностью; сплошная разметка не нужна."),
            ),
        ),
        Question(
            "Автопроверки нашли 80 % дефектов и почти не дают ложных срабатываний. Можно ли отправлять клиентам без проверки всё, что они не отметили?",
            (
                Option("Да: точность почти 100 %, значит, проверки надёжны", False,
                       "Точность говорит о ложных тревогах, а не о пропусках. Каждый пятый дефект проверки пропускают."),
                Option("Нет: решают по цене пропущенных дефектов против минут проверки, и для писем клиенту пропуски обходятся дороже", True,
                       "Именно: решение — в рублях, а не в процентах полноты."),
                Option("Да, если добавить в промпт «не выдумывай факты»", False,
                       "Инструкция снижает, но не исключает выдуманные факты; проверять всё равно нужно на размеченной выборке."),
            ),
        ),
        Question(
            "Продавец хочет вставить в зарубежный чат-бот расшифровку звонка с ФИО и телефоном клиента, чтобы получить конспект. Что не так?",
            (
                Option("Ничего: это внутренний документ", False,
                       "ФИО и телефон — персональные данные (ст. 3 152-ФЗ). Передача иностранному сервису — трансграничная передача (ст. 12), а сбор — с записью в базы на территории России (ч. 5 ст. 18)."),
                Option("Это трансграничная передача персональных данных: нужны основания, уведомление Роскомнадзора, а сбор данных граждан России — с записью в базы в России; безопаснее российский сервис или обезличивание", True,
                       "Да. Плюс договор с поставщиком о целях обработки — и политика компании, какие данные можно отправлять ассистенту."),
                Option("Проблема только в том, что сервис может быть заблокирован", False,
                       "Доступность — не главный риск: главный — нарушение 152-ФЗ и штрафы по ст. 13.11 КоАП."),
            ),
        ),
    ],
)
