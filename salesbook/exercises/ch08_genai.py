"""Упражнения раздела 8.1 «Генеративный ИИ в продажах».

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
TITLE = "8.1. Генеративный ИИ в продажах"

#: Цена 1000 токенов, ₽: YandexGPT по расчёту разработчиков на Хабре (2024; модель и режим в статье не названы);
#: актуальный прайс проверяйте у поставщика. Вывод раздела держится и при цене в десять раз выше.
PRICE_PER_1K_TOKENS = 0.6
#: Цена дефекта, ушедшего клиенту в письме после встречи, ₽ (решение руководителя, допущение курса):
#: выдуманный факт — час AE и РОП на извинения и исправление плюс риск для сделки; чужие персональные
#: данные — разбор инцидента, уведомление Роскомнадзора, риск штрафа по ст. 13.11 КоАП; тон — повторное
#: письмо и осадок; обещание сверх политики компании — скидку или SLA придётся либо выполнить, либо торговаться заново.
ERROR_COST_EMAIL = {"fact": 20_000, "pii": 150_000, "tone": 5_000, "promise": 60_000}
#: Цена дефекта во внутреннем конспекте звонка (в CRM, клиенту не уходит), ₽ (допущение курса).
ERROR_COST_SUMMARY = {"fact": 3_000, "pii": 10_000, "tone": 0, "promise": 2_000}
POLICIES = ("manual", "review", "auto_only")
#: Пилот с «канареечными» черновиками (упражнение 5, допущение курса): в поток писем подмешали черновики
#: с заранее внесённым дефектом и посчитали, сколько из них продавцы исправили до отправки.
CANARY_SEEDED = 60
CANARY_CAUGHT = 54


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
        "proportion_confint(дефектов, текстов, method='wilson') вернёт нижнюю и верхнюю границы в долях; умножьте верхнюю на 100.",
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
    correct_message="Даже по итоговой разметке сотня с небольшим писем даёт интервал шириной больше десяти процентных пунктов: точнее долю ошибок узнать можно только большей разметкой.",
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
    correct_message="Каппа заметно ниже доли совпадений: большая часть согласия — это чистые тексты, которые оба признали чистыми. Одному проверяющему без инструкции и разбора расхождений верить нельзя.",
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
# 4. Порог: какую долю дефектов должен ловить продавец
# ---------------------------------------------------------------------------


def _parts(case: str = "followup_email", cost: dict | None = None) -> dict:
    t = _texts(case)
    cost = ERROR_COST_EMAIL if cost is None else cost
    full = genai_eval.policy_costs(t, hour_cost(), cost, PRICE_PER_1K_TOKENS, flags=_flags().loc[t.index, "any"],
                                   catch_rate=1.0)
    return {"manual": float(full["manual"]), "auto_only": float(full["auto_only"]), "base": float(full["review"]),
            "d": genai_eval.defect_cost(t, cost), "texts": len(t), "defects": int((t["label_final"] != "ok").sum())}


def _breakeven_pct(case: str = "followup_email", cost: dict | None = None, against: str = "best",
                   per_defect: bool = False) -> float:
    p = _parts(case, cost)
    alternative = min(p["manual"], p["auto_only"]) if against == "best" else p[against]
    d = p["d"] * p["texts"] / p["defects"] if per_defect else p["d"]
    return (1 - (alternative - p["base"]) / d) * 100


q4 = Exercise(
    id="ch08.genai.q4",
    title="Какую долю дефектов должен ловить продавец",
    var="breakeven_pct",
    expected=lambda: _breakeven_pct(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Цена письма с проверкой — API + правка + (1 − c) · D, где c — доля дефектов, которую ловит продавец, а D — "
        "genai_eval.defect_cost(emails, ERROR_COST_EMAIL). API + правку даёт policy_costs(..., catch_rate=1.0)['review'].",
        "Приравняйте цену проверки к самой дешёвой из двух других политик (manual и auto_only) и выразите c: "
        "c* = 1 − (min(manual, auto_only) − (API + правка)) / D. Ответ — в процентах.",
    ],
    mistakes=[
        Mistake(name="vs_auto_only", value=lambda: _breakeven_pct(against="auto_only"),
                hint="Это порог против отправки без человека. Для писем дешевле другая альтернатива — ручное письмо: "
                     "сравнивайте проверку с самой дешёвой из двух других политик."),
        Mistake(name="miss_share", value=lambda: 100 - _breakeven_pct(),
                hint="Это доля дефектов, которую можно пропустить, а нужна доля, которую продавец должен поймать: 100 минус ваш ответ."),
        Mistake(name="per_defect", value=lambda: _breakeven_pct(per_defect=True),
                hint="Вы взяли среднюю цену одного дефекта. D — цена дефектов в расчёте на одно письмо, включая чистые: "
                     "genai_eval.defect_cost(emails, ERROR_COST_EMAIL)."),
        Mistake(name="summary_costs", value=lambda: _breakeven_pct(cost=ERROR_COST_SUMMARY),
                hint="Вы взяли цены ошибок внутреннего конспекта. Письмо уходит клиенту: цена ошибок — ERROR_COST_EMAIL."),
    ],
    correct_message="Порог высокий: правка черновика дешевле ручного письма, только если продавец ловит почти все дефекты, — "
                    "потому что один пропущенный дорогой дефект съедает экономию минут на десятках писем.",
)

# ---------------------------------------------------------------------------
# 5. Решение: политика для писем после встречи по замеру на «канарейках»
# ---------------------------------------------------------------------------


def decision(case: str = "followup_email", cost: dict | None = None,
             caught: int = CANARY_CAUGHT, seeded: int = CANARY_SEEDED) -> str:
    """Политика с наименьшей ожидаемой ценой текста при доле пойманных дефектов caught / seeded."""
    t = _texts(case)
    c = genai_eval.policy_costs(t, hour_cost(), ERROR_COST_EMAIL if cost is None else cost, PRICE_PER_1K_TOKENS,
                                flags=_flags().loc[t.index, "any"], catch_rate=caught / seeded)
    return str(c.idxmin())


def _robust_decision() -> bool:
    """Решение не меняется на всём 95-процентном интервале доли пойманных канареек."""
    _, low, high = genai_eval.rate_ci(CANARY_CAUGHT, CANARY_SEEDED)
    t = _texts("followup_email")
    return len({str(genai_eval.policy_costs(t, hour_cost(), ERROR_COST_EMAIL, PRICE_PER_1K_TOKENS,
                                            flags=_flags().loc[t.index, "any"], catch_rate=c).idxmin())
                for c in (low, high)}) == 1


q5 = Exercise(
    id="ch08.genai.q5",
    title="Как выпускать письма после встречи",
    var="policy_email",
    expected=decision,
    compare=Choice(list(POLICIES)),
    hints=[
        "Доля, которую ловят продавцы, — CANARY_CAUGHT / CANARY_SEEDED. Передайте её в policy_costs(..., catch_rate=...) "
        "и сравните три цены письма; или сравните её с порогом из упражнения 4.",
        "Проверьте и интервал Уилсона этой доли (genai_eval.rate_ci): если весь интервал по одну сторону порога, "
        "решение не зависит от удачи выборки канареек.",
    ],
    mistakes=[
        Mistake(name="auto_only", matches=lambda a: a == "auto_only" != decision(),
                hint="Без проверки письмо дешевле только в минутах. Часть дефектов проходит мимо автопроверок, а чужие "
                     "персональные данные или обещание сверх политики стоят десятки и сотни тысяч рублей."),
        Mistake(name="review_below_threshold", matches=lambda a: a == "review" != decision(),
                hint="Продавцы поймали меньше канареек, чем требует порог из упражнения 4: при такой доле пропущенные "
                     "дефекты дороже сэкономленных минут. Доля у внимательного проверяющего A на разметке — не то же, "
                     "что у продавца, который правит свой черновик за несколько минут."),
        Mistake(name="manual_when_not", matches=lambda a: a == "manual" != decision(),
                hint="Сравните три цены письма при доле, которую ловят продавцы: при этих данных ручное письмо — не самое дешёвое."),
    ],
    correct_message="Пока продавцы ловят меньше порога, письма дешевле писать вручную, а ассистента — улучшать: убрать чужие "
                    "данные из контекста, поставить автопроверки перед продавцом и снова замерить долю на канарейках.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "По размеченной случайной выборке писем ассистента посчитали долю писем с дефектом. Что из этого следует?",
            (
                Option("Это и есть доля ошибок ассистента, ею можно планировать политику", False,
                       "Это точечная оценка. На сотне с небольшим текстов 95-процентный интервал Уилсона шириной больше "
                       "десяти процентных пунктов: решение должно выдерживать и его верхнюю границу."),
                Option("Доля с 95-процентной уверенностью лежит в интервале Уилсона; решение проверяют на верхней границе, "
                       "а чтобы сузить интервал до ± 3 п. п., нужно в разы больше размеченных текстов", True,
                       "Размер выборки — n = z²·p(1 − p)/d²: при d = 0,03 это сотни текстов на каждый сценарий."),
                Option("Долю нельзя оценить, пока не разметили все письма за год", False,
                       "Случайная выборка с интервалом даёт ответ с известной точностью; сплошная разметка не нужна."),
            ),
        ),
        Question(
            "Автопроверки находят большинство дефектов и редко срабатывают зря. Можно ли отправлять клиентам без "
            "проверки всё, что они не отметили?",
            (
                Option("Да: раз ложных срабатываний мало, проверки надёжны", False,
                       "Точность говорит о ложных тревогах, а не о пропусках: часть дефектов проверки не видят вовсе."),
                Option("Нет: решают по цене пропущенных дефектов против минут проверки, и для писем клиенту пропуски "
                       "обходятся дороже", True,
                       "Решение — в рублях, а не в процентах полноты."),
                Option("Да, если добавить в промпт «не выдумывай факты»", False,
                       "Инструкция снижает, но не исключает выдуманные факты; проверять всё равно нужно на размеченной выборке."),
            ),
        ),
        Question(
            "На разметке руководитель продаж нашёл все дефекты в письмах ассистента. Значит ли это, что правка "
            "черновика продавцом дешевле ручного письма?",
            (
                Option("Да: раз пропусков нет, до клиента ничего не дойдёт", False,
                       "Дефектов в выборке два десятка: «все из двух десятков» совместимо и с заметно меньшей долей, "
                       "а продавец, который правит свой черновик за несколько минут, ловит не так, как внимательный проверяющий на разметке."),
                Option("Не обязательно: сравнивают порог доли пойманных дефектов с интервалом этой доли, а долю у "
                       "продавцов меряют на черновиках с внесёнными дефектами", True,
                       "Если интервал накрывает порог, выборка не решает вопрос — решает замер на «канарейках»."),
                Option("Нет: ассистент для писем не окупается никогда", False,
                       "Окупается, если продавцы ловят долю дефектов выше порога или дефектов становится меньше."),
            ),
        ),
        Question(
            "Продавец хочет вставить в зарубежный чат-бот расшифровку звонка с ФИО и телефоном клиента, чтобы "
            "получить конспект. Что не так?",
            (
                Option("Ничего: это внутренний документ", False,
                       "ФИО и телефон — персональные данные (ст. 3 закона № 152-ФЗ). Передача иностранному сервису — "
                       "трансграничная передача (ст. 12), а собирать данные граждан России нужно с записью в базы на "
                       "территории России (ч. 5 ст. 18)."),
                Option("Это трансграничная передача персональных данных: нужны основания, уведомление Роскомнадзора, "
                       "а сбор данных граждан России — с записью в базы в России; безопаснее российский сервис или "
                       "обезличивание", True,
                       "Даже с российским сервисом нужен договор поручения обработки (ч. 3 ст. 6) и политика компании, "
                       "какие данные можно отправлять ассистенту."),
                Option("Проблема только в том, что сервис может быть заблокирован", False,
                       "Доступность — не главный риск: главный — нарушение закона № 152-ФЗ и штрафы по ст. 13.11 КоАП."),
            ),
        ),
    ],
)
