"""Упражнения раздела 8.3 «AR/VR-демонстрации: модель окупаемости с неопределённостью».

Эталоны считает ``salesbook.toolkit.demo_roi`` по данным 2025 года; каждая типичная ошибка —
тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, demo_roi, roles, unit_economics

SECTION = "ch08.arvr"
TITLE = "8.3. AR/VR-демонстрации"

#: Прирост win rate в упражнении 1 (доля, не проценты).
Q1_UPLIFT = 0.03
#: Цена пилота: упрощённая сцена и два шлема, ₽ (допущение курса).
PILOT_COST = 1_000_000
#: Пилот — полгода: половина сделок с демо получает VR-демо, половина — обычное.
PILOT_SHARE_OF_YEAR = 0.5


def base_inputs() -> dict:
    """Фиксированные входы модели по данным 2025 года: сделки с демо, win rate, ACV, цикл, маржа, цена часа SE."""
    b = demo_roi.baseline(table("opportunities"), table("opportunity_stages"), *course.YEAR_2025)
    gm = unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2025)
    se = roles.loaded_cost(table("sm_costs"), table("reps"), *course.YEAR_2025).loc["SE", "loaded_pm"]
    return {"deals_per_year": b["deals"], "win_rate": b["win_rate"], "acv": b["acv"], "gross_margin": gm,
            "cycle_days": b["cycle_days"], "hour_cost_rub": demo_roi.hour_cost(se)}


def _npv_q1(**change) -> float:
    inputs = {**base_inputs(), **demo_roi.mode_inputs(), "uplift": Q1_UPLIFT, **change}
    rate = inputs.pop("rate", course.DISCOUNT_RATE)
    return demo_roi.npv(**inputs, rate=rate)


q1 = Exercise(
    id="ch08.arvr.q1",
    title="NPV программы при приросте 3 %",
    var="npv_3pct",
    expected=_npv_q1,
    compare=Number(rel_tol=0.01),
    hints=[
        "Возьмите фиксированные входы base (сделки, win rate, ACV, маржа, цикл, цена часа SE) и моды неопределённых "
        "входов demo_roi.mode_inputs(), а прирост замените на 0,03.",
        "demo_roi.npv(**{**base, **modes, 'uplift': 0.03}) — ставка дисконтирования по умолчанию course.DISCOUNT_RATE.",
    ],
    mistakes=[
        Mistake(name="no_discount", value=lambda: _npv_q1(rate=0.0),
                hint="Вы сложили деньги разных лет без дисконтирования. Рубль через два года стоит меньше сегодняшнего: "
                     "ставка — course.DISCOUNT_RATE."),
        Mistake(name="revenue_not_margin", value=lambda: _npv_q1(gross_margin=1.0),
                hint="Вы посчитали выигрыш по выручке (ACV), а компания зарабатывает валовую прибыль: умножьте ACV на валовую маржу."),
        Mistake(name="no_cycle_delay", value=lambda: _npv_q1(cycle_days=0.0),
                hint="Деньги сделки приходят не в день демо, а после цикла: не обнуляйте cycle_days — это медиана дней от демо до выигрыша."),
        Mistake(name="mode_uplift", value=lambda: _npv_q1(uplift=demo_roi.mode_inputs()["uplift"]),
                hint="Вы оставили прирост на моде распределения. В задании прирост задан: 3 %, то есть 0,03."),
    ],
    correct_message=lambda: "При приросте 3\u00a0% программа окупается, но запас невелик: порог окупаемости — "
                            f"{fmt.pct(demo_roi.breakeven_uplift(**base_inputs(), **demo_roi.mode_inputs()))}, а прироста "
                            "win rate от VR-демо в B2B SaaS никто не измерял.",
)


def _simulation():
    return demo_roi.simulate(base_inputs())


def p_loss() -> float:
    """Вероятность убытка по симуляции раздела (seed по умолчанию, 10 000 розыгрышей)."""
    return demo_roi.loss_probability(_simulation()["npv"])


q2 = Exercise(
    id="ch08.arvr.q2",
    title="Вероятность, что программа не окупится",
    var="p_loss",
    expected=p_loss,
    compare=Number(abs_tol=0.01, rel_tol=0.0),
    hints=[
        "Запустите demo_roi.simulate(base) и посмотрите на столбец npv.",
        "Вероятность убытка — доля розыгрышей, где NPV < 0: (sim['npv'] < 0).mean().",
    ],
    mistakes=[
        Mistake(name="profit_probability", value=lambda: 1 - p_loss(),
                hint="Это вероятность, что программа окупится. Нужна обратная: доля розыгрышей с NPV < 0."),
        Mistake(name="mode_only", value=lambda: float(_npv_q1(uplift=demo_roi.mode_inputs()["uplift"]) < 0),
                hint="Вы посмотрели на один расчёт на модах (он даёт 0 или 1). Вероятность считают по всем розыгрышам симуляции."),
        Mistake(name="uplift_negative", value=lambda: float((_simulation()["uplift"] < 0).mean()),
                hint="Это доля розыгрышей с отрицательным приростом. Программа убыточна и при небольшом положительном приросте — "
                     "пока он ниже порога окупаемости. Считайте по NPV."),
    ],
    correct_message="Убыток вероятнее прибыли: распределение прироста честно описывает незнание, и бо́льшая его часть лежит "
                    "ниже порога окупаемости.",
)


def pilot_numbers() -> dict:
    """Числа для решения: средний NPV, вероятность убытка, EVPI, сколько сделок даст пилот и сколько нужно."""
    base = base_inputs()
    sim = _simulation()
    breakeven = demo_roi.breakeven_uplift(**base, **demo_roi.mode_inputs())
    return {
        "mean_npv": float(sim["npv"].mean()),
        "p_loss": demo_roi.loss_probability(sim["npv"]),
        "evpi": demo_roi.evpi(sim["npv"]),
        "pilot_deals": base["deals_per_year"] * PILOT_SHARE_OF_YEAR / 2,
        "deals_needed": demo_roi.pilot_deals_needed(base["win_rate"], breakeven),
    }


def decision() -> str:
    n = pilot_numbers()
    return demo_roi.decide(n["mean_npv"], n["p_loss"], n["evpi"], PILOT_COST, n["pilot_deals"], n["deals_needed"])


q3 = Exercise(
    id="ch08.arvr.q3",
    title="Пилот, запуск или отказ",
    var="decision_vr",
    expected=decision,
    compare=Choice(list(demo_roi.DECISIONS)),
    hints=[
        "Сравните три вещи: средний NPV и вероятность убытка (запускать ли сразу), ценность полной информации "
        "с ценой пилота (стоит ли покупать информацию) и сколько сделок пилот даст против нужного для теста.",
        "demo_roi.decide(средний NPV, вероятность убытка, EVPI, цена пилота, сделок в группе пилота, нужно сделок в группе).",
    ],
    mistakes=[
        Mistake(name="pilot_by_evpi", matches=lambda a: a == "pilot" != decision(),
                hint="EVPI больше цены пилота — но EVPI стоит знание прироста наверняка. Пилот на сотне сделок его не даст: "
                     "чтобы отличить прирост на уровне порога окупаемости от нуля, нужны десятки тысяч сделок в группе. "
                     "Информация, которую пилот не способен добыть, не стоит денег пилота."),
        Mistake(name="roll_out", matches=lambda a: a == "roll_out" != decision(),
                hint="Средний NPV отрицателен, а убыток вероятнее прибыли: запускать программу целиком — ставка против собственной модели."),
    ],
    correct_message="Для «Сферы Деск» VR-демо — не тот инструмент: пользы не видно, а пилот её и не покажет. "
                    "Деньги лучше отдать тому, что двигает win rate измеримо (раздел 10.2), и вернуться к VR, "
                    "если появится продукт с физическим или пространственным смыслом.",
)

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Поставщик VR-платформы пишет (условный пример): «клиенты с VR-демо закрывают сделки на 40 % чаще». Что спросить первым?",
            (
                Option("Как выбирали, кому показывать VR-демо, и с кем сравнивали", True,
                       "Если VR показывали самым горячим сделкам, разница в win rate — отбор, а не эффект демо. Без случайного "
                       "деления или хотя бы сопоставимой контрольной группы цифра ничего не говорит о вашем приросте."),
                Option("Сколько стоят шлемы", False,
                       "Цена важна для NPV, но сначала — верить ли приросту: на торнадо-диаграмме размах NPV по приросту более чем "
                       "в сто раз больше, чем по цене шлемов."),
                Option("Какая у них средняя сделка", False,
                       "Полезно для сравнения, но главный вопрос — откуда взялась разница в 40 % и эффект ли это вообще."),
            ),
        ),
        Question(
            "Торнадо-диаграмма показала, что NPV почти целиком определяет прирост win rate. Что из этого следует?",
            (
                Option("Торговаться о цене контента — главное", False,
                       "Цена контента сдвигает NPV на миллионы, прирост — на десятки миллионов. Экономия на контенте не спасёт программу без прироста."),
                Option("Информация о приросте ценнее любых уточнений цен; если её нельзя добыть дёшево — решать по осторожной оценке", True,
                       "Именно: ценность информации сосредоточена в самом неопределённом и самом влиятельном входе."),
                Option("Модель неверна: в ней должно быть больше входов", False,
                       "Больше входов не уменьшит неопределённость главного — прирост по-прежнему неизвестен."),
            ),
        ),
        Question(
            "Убыток вероятнее прибыли, средний NPV отрицателен, ценность полной информации больше цены пилота, но измерить прирост пилот не может. Решение?",
            (
                Option("Пилот: EVPI больше его цены", False,
                       "EVPI — ценность полного знания. Пилот, который не различит прирост и ноль, добавит не знание, а впечатления."),
                Option("Отказаться или искать дешёвые доказательства иного рода", True,
                       "Верно: разговоры с клиентами о том, что им мешает купить, и эксперименты с тем, что измеримо."),
                Option("Запуск: вдруг сработает", False,
                       "Модель говорит, что убыток вероятнее прибыли: это ставка против своих же чисел."),
            ),
        ),
    ],
)
