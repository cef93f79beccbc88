"""Упражнения раздела 8.4 «Блокчейн и смарт-контракты: эскроу с оплатой по этапам».

Эталоны считает ``salesbook.toolkit.escrow``; сделка — медианная по сумме выигранная
enterprise-сделка 2025 года из ``opportunities``.
"""

from __future__ import annotations

from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, escrow, kpi

SECTION = "ch08.escrow"
TITLE = "8.4. Блокчейн и смарт-контракты"

#: Этапы внедрения: доли суммы договора и месяц выплаты от старта (допущение курса: типичный
#: план внедрения сервис-деска — настройка, интеграции и миграция, запуск и обучение).
MILESTONES = (("Настройка и SLA", 0.3, 1), ("Интеграции и миграция данных", 0.4, 3), ("Запуск и обучение", 0.3, 6))
#: Профиль A: давний клиент с историей платежей — вероятность не заплатить за сданный этап (допущение курса).
P_DEFAULT_A = 0.02
#: Профиль B: новый клиент без истории, короткий проект на три месяца. Его вероятность неоплаты не известна
#: заранее: диапазон — от уровня давнего клиента до учебной крайности 25 % (это не ориентир рынка: полная
#: неоплата сданного этапа в B2B редка, чаще — задержки). Ответ упражнения 4 — порог p*, а не выбор при
#: одном допущенном p.
P_DEFAULT_B_RANGE = (0.02, 0.25)
MONTHS_B = (1, 2, 3)


def implementation_deal():
    """Медианная по сумме выигранная enterprise-сделка 2025 года: строка ``opportunities``."""
    won = kpi.won_deals(table("opportunities"), *course.YEAR_2025)
    won = won[won["segment"].eq("enterprise")].sort_values(["amount_rub", "opportunity_id"])
    return won.iloc[len(won) // 2]


def amounts() -> list[float]:
    """Суммы этапов сделки, ₽ (доли ``MILESTONES`` от суммы договора)."""
    total = float(implementation_deal()["amount_rub"])
    return [total * s for _, s, _ in MILESTONES]


def months_a() -> list[int]:
    return [m for *_, m in MILESTONES]


def scenario(arbiter_to: str = "client") -> escrow.MilestoneEscrow:
    """Сценарий упражнения 1: пополнение, приёмка этапа 0, спор по этапу 1, арбитраж, приёмка этапа 2."""
    deal = implementation_deal()
    e = escrow.MilestoneEscrow(deal["opportunity_id"], [(n, a) for (n, _, _), a in zip(MILESTONES, amounts())])
    e.fund(e.total).accept(0).dispute(1).escalate(1).arbitrate(1, arbiter_to).accept(2)
    return e


q1 = Exercise(
    id="ch08.escrow.q1",
    title="Сколько получил поставщик",
    var="vendor_received",
    expected=lambda: scenario().paid("vendor"),
    compare=Number(rel_tol=0.001),
    hints=[
        "Проведите эскроу по сценарию: fund → accept(0) → dispute(1) → escalate(1) → arbitrate(1, 'client') → accept(2).",
        "Сколько получил поставщик, вернёт метод paid('vendor') вашего нового эскроу (case.paid('vendor')), "
        "а не deal_escrow из текста раздела: там арбитр решил спор в пользу поставщика.",
    ],
    mistakes=[
        Mistake(name="arbiter_to_vendor", value=lambda: scenario("vendor").paid("vendor"),
                hint="Это вся сумма договора: так было бы, если бы арбитр решил спор в пользу поставщика. Он решил в пользу клиента — деньги второго этапа вернулись клиенту."),
        Mistake(name="first_only", value=lambda: amounts()[0],
                hint="Вы остановились на первом этапе. После арбитража эскроу снова «пополнен», и третий этап можно принять."),
        Mistake(name="client_refund", value=lambda: scenario().paid("client"),
                hint="Это возврат клиенту. Нужна сумма, которую получил поставщик: paid('vendor')."),
    ],
    correct_message="Поставщик получил два этапа из трёх, эскроу закрыт с частичным возвратом. Заметьте: код исполнил "
                    "решение арбитра, но само решение принял человек — код не знает, были ли миграция и интеграции сделаны.",
)


def costs(profile: str = "A", p_default: float | None = None, client_rate: float = escrow.CLIENT_RATE):
    """Таблица ``escrow.instrument_costs`` для профиля сделки: A — давний клиент, B — новый клиент.

    У B вероятность неоплаты по умолчанию — верхний край ``P_DEFAULT_B_RANGE`` (учебная крайность).
    """
    if profile == "A":
        p = P_DEFAULT_A if p_default is None else p_default
        return escrow.instrument_costs(amounts(), months_a(), p, client_rate)
    p = P_DEFAULT_B_RANGE[1] if p_default is None else p_default
    return escrow.instrument_costs(amounts(), list(MONTHS_B), p, client_rate)


def _escrow_fee() -> float:
    return float(costs("A").loc["bank_escrow", "fees"])


def _simple_frozen(rate: float = escrow.CLIENT_RATE) -> float:
    return sum(a * rate * m / 12 for a, m in zip(amounts(), months_a()))


q2 = Exercise(
    id="ch08.escrow.q2",
    title="Полная цена счёта эскроу для сделки",
    var="escrow_total",
    expected=lambda: float(costs("A").loc["bank_escrow", "total"]),
    compare=Number(rel_tol=0.005),
    hints=[
        "Полная цена = комиссия банка + цена замороженных денег клиента + ожидаемый убыток (у банковского эскроу он ≈ 0).",
        "Комиссия — escrow.bank_fee(сумма договора, tariff['rate'], tariff['minimum']) при tariff = escrow.TARIFFS['bank_escrow']; "
        "цена денег — escrow.frozen_capital_cost(этапы, месяцы, escrow.CLIENT_RATE).",
    ],
    mistakes=[
        Mistake(name="fee_only", value=_escrow_fee,
                hint="Это только комиссия банка. Главная цена эскроу — деньги клиента, которые месяцами лежат на счёте "
                     "и не работают: escrow.frozen_capital_cost."),
        Mistake(name="company_rate", value=lambda: _escrow_fee()
                + escrow.frozen_capital_cost(amounts(), months_a(), course.DISCOUNT_RATE),
                hint="Вы оценили замороженные деньги по ставке «Сферы Софт» (course.DISCOUNT_RATE). Но деньги на счёте "
                     "эскроу — клиента, и их цена — то, что клиент упустил: депозит или кредит, около ключевой ставки. "
                     "Ставка — escrow.CLIENT_RATE."),
        Mistake(name="simple_interest", value=lambda: _escrow_fee() + _simple_frozen(),
                hint="Вы посчитали цену денег простыми процентами (сумма × ставка × месяцы / 12). Ставка клиента — годовая "
                     "эффективная: (1 + r)^(месяцев / 12) − 1."),
        Mistake(name="whole_amount_six_months", value=lambda: _escrow_fee()
                + escrow.frozen_capital_cost([sum(amounts())], [6]),
                hint="Вы заморозили всю сумму на полгода. Этапы выплачиваются по очереди: первый — через месяц, второй — через три."),
    ],
    correct_message="Комиссия банка — мелочь рядом с ценой замороженных денег: клиент платит за эскроу прежде всего тем, "
                    "что отдаёт деньги вперёд.",
)


def p_star(profile: str = "A", client_rate: float = escrow.CLIENT_RATE) -> float:
    """Порог вероятности неоплаты для профиля: выше него банковский инструмент дешевле оплаты без обеспечения."""
    months = months_a() if profile == "A" else list(MONTHS_B)
    return escrow.breakeven_default(amounts(), months, client_rate)


q3 = Exercise(
    id="ch08.escrow.q3",
    title="Инструмент для давнего клиента (профиль A)",
    var="choice_a",
    expected=lambda: escrow.cheapest_kind(costs("A")),
    compare=Choice(list(escrow.KINDS)),
    hints=[
        "Постройте escrow.instrument_costs(этапы, месяцы, P_DEFAULT_A) и сравните столбец total.",
        "escrow.cheapest_kind(таблица) вернёт вид самого дешёвого инструмента: 'none', 'bank' или 'smart_contract'.",
    ],
    mistakes=[
        Mistake(name="bank_for_safety", matches=lambda a: a == "bank" != escrow.cheapest_kind(costs("A")),
                hint="Обеспечение надёжнее, но у давнего клиента риск неоплаты мал, а заморозка денег на полгода стоит дороже "
                     "ожидаемого убытка. Сравните total."),
        Mistake(name="smart_contract", matches=lambda a: a == "smart_contract" != escrow.cheapest_kind(costs("A")),
                hint="Разработка и аудит смарт-контракта стоят больше всех остальных вариантов, а риск ошибки кода — "
                     "на всю сумму. Для одной сделки это самый дорогой путь."),
    ],
    correct_message=lambda: "Давнему клиенту с историей платежей обеспечение не нужно: оплата по актам сдачи этапов дешевле "
                            f"всего. Это верно, пока вероятность неоплаты ниже порога {fmt.pct(p_star('A'))} — а у клиента, "
                            "который десять лет платит вовремя, она много ниже.",
)

q4 = Exercise(
    id="ch08.escrow.q4",
    title="Порог вероятности неоплаты для нового клиента (профиль B)",
    var="p_star_b",
    expected=lambda: p_star("B"),
    compare=Number(rel_tol=0.005),
    hints=[
        "Без обеспечения ожидаемый убыток — p × крупнейший этап, у банковских инструментов цена от p не зависит. "
        "Порог p* — где они равны: p* = (полная цена более дешёвого банковского инструмента) / крупнейший этап.",
        "costs_b = escrow.instrument_costs(amounts, list(MONTHS_B), 0, escrow.CLIENT_RATE); "
        "p_star_b = costs_b.loc[['bank_escrow', 'letter_of_credit'], 'total'].min() / max(amounts) — "
        "или сразу escrow.breakeven_default(amounts, list(MONTHS_B)).",
    ],
    mistakes=[
        Mistake(name="months_a", value=lambda: p_star("A"),
                hint="Это порог для профиля A: этапы через 1, 3 и 6 месяцев. У профиля B проект короче — месяцы MONTHS_B, "
                     "деньги заморожены меньше, и порог ниже."),
        Mistake(name="company_rate", value=lambda: p_star("B", course.DISCOUNT_RATE),
                hint="Вы оценили замороженные деньги по ставке «Сферы Софт» (course.DISCOUNT_RATE). Деньги на эскроу — "
                     "клиента: ставка — escrow.CLIENT_RATE."),
        Mistake(name="whole_contract", value=lambda: float(costs("B", 0.0).loc[list(escrow.BANK), "total"].min()) / sum(amounts()),
                hint="Вы разделили на всю сумму договора. Без обеспечения поставщик рискует неоплатой одного сданного "
                     "этапа — в модели крупнейшего: делите на max(amounts)."),
        Mistake(name="fees_only", value=lambda: float(costs("B", 0.0).loc[list(escrow.BANK), "fees"].min()) / max(amounts()),
                hint="Вы сравнили с риском только комиссию банка. Полная цена банковского инструмента — комиссия плюс "
                     "замороженные деньги клиента: берите столбец total."),
        Mistake(name="escrow_not_cheapest", value=lambda: float(costs("B", 0.0).loc["bank_escrow", "total"]) / max(amounts()),
                hint="Почти: вы взяли счёт эскроу, а покрытый аккредитив у этого тарифа немного дешевле. Порог задаёт "
                     "более дешёвый из двух банковских инструментов."),
    ],
    correct_message=lambda: f"Порог — {fmt.pct(p_star('B'))}. Решение зависит от вашей оценки клиента, а не от модели: "
                            "если проверка (история платежей, индекс платёжной дисциплины, арбитражные дела) даёт "
                            "вероятность неоплаты выше порога — эскроу или аккредитив, ниже — оплата по актам. "
                            f"При ставке «Сферы Софт» вместо ставки клиента порог был бы {fmt.pct(p_star('B', course.DISCOUNT_RATE))}.",
)

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Чего смарт-контракт в эскроу по этапам внедрения сделать сам не может?",
            (
                Option("Выплатить деньги этапа, когда условие выполнено", False,
                       "Это он как раз делает — автоматически и без посредника."),
                Option("Решить, действительно ли интеграция работает так, как записано в договоре", True,
                       "Это проблема оракула: код видит только данные, которые ему передали. Кто-то должен подтвердить "
                       "сдачу этапа, и спор о качестве остаётся спором людей."),
                Option("Показать обеим сторонам историю всех операций", False,
                       "Прозрачный журнал — одно из достоинств блокчейна."),
            ),
        ),
        Question(
            "Почему российская компания не может просто принять оплату внедрения в криптовалюте через смарт-контракт?",
            (
                Option("Закон 259-ФЗ запрещает принимать цифровую валюту в оплату товаров, работ и услуг", True,
                       "Цифровую валюту нельзя использовать как средство платежа в России; исключения — экспериментальные "
                       "правовые режимы для внешнеторговых расчётов (с 2024 года)."),
                Option("Смарт-контракты в России запрещены", False,
                       "Запрета на технологию нет: цифровые финансовые активы выпускают в информационных системах операторов "
                       "из реестра Банка России."),
                Option("Банк не откроет счёт", False,
                       "Дело не в банке, а в законе о цифровых финансовых активах и цифровой валюте."),
            ),
        ),
        Question(
            "Клиент — крупная компания, платит 10 лет без задержек. Что разумнее для внедрения на 7 млн ₽?",
            (
                Option("Счёт эскроу: надёжнее", False,
                       "Надёжнее, но клиент заморозит миллионы на полгода ради защиты от риска, которого почти нет."),
                Option("Оплата по актам сдачи этапов без обеспечения", True,
                       "Ожидаемый убыток мал, а обеспечение стоит денег клиента — главным образом замороженных."),
                Option("Смарт-контракт на блокчейне", False,
                       "Самый дорогой вариант для одной сделки: разработка, аудит и правовые ограничения."),
            ),
        ),
    ],
)
