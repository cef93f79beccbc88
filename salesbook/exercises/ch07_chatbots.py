"""Упражнения раздела 7.4.4 «Чат-боты квалификации: сценарий как конечный автомат».

Эталоны считаются функциями ``salesbook.toolkit.bots`` (воронка по шагам, маршрут, ценность
вопроса) и ``experiments`` (A/B-тест) на таблицах ``chats`` и ``chat_messages``; ценность лида —
``inbound.lead_value`` раздела 6.1. Каждая типичная ошибка — тот же расчёт с одной ошибкой.
"""

from __future__ import annotations

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import bots, course, experiments, inbound, unit_economics

SECTION = "ch07.chatbots"
TITLE = "7.4.4. Чат-боты квалификации: сценарий как конечный автомат"

BUYER_INTENTS = ("demo", "pricing", "browse")
#: Каналы лидов, которые приходят через сайт (как в генераторе и в разделе).
WEB_CHANNELS = ("organic", "ppc")


def buyer_sessions(version: str | None = None, ab_only: bool = False, all_intents: bool = False) -> pd.DataFrame:
    """Сессии покупателей (демо, цена, «смотрю»); ``version`` — версия сценария, ``ab_only`` — только окно A/B-теста."""
    c = table("chats")
    if not all_intents:
        c = c[c["intent"].isin(BUYER_INTENTS)]
    if version is not None:
        c = c[c["flow_version"] == version]
    if ab_only:
        c = c[c["ab_test"]]
    return c


# ---------------------------------------------------------------------------
# 1. Доля ушедших на вопросе о текущей CRM
# ---------------------------------------------------------------------------


def _crm_counts():
    c = buyer_sessions("v1")
    order = ["size", "role", "crm", "timeline", "contact"]
    pos = c["last_state"].map({s: i for i, s in enumerate(order)})
    reached = int((pos >= 2).sum())
    left = int((pos == 2).sum())
    dropped_silently = int(((pos == 2) & (c["end_state"] == "dropped")).sum())
    return reached, left, dropped_silently, len(c)


q1 = Exercise(
    id="ch07.chatbots.q1",
    title="Сколько посетителей теряет вопрос о текущей CRM",
    var="crm_drop",
    expected=lambda: _crm_counts()[1] / _crm_counts()[0],
    compare=Number(rel_tol=0.01),
    hints=[
        "Возьмите сессии покупателей версии v1 и посчитайте, сколько дошли до вопроса crm (последний шаг — crm или дальше) "
        "и сколько из них на этом вопросе остановились (последний шаг — crm).",
        "Доля ушедших = остановившиеся на crm / дошедшие до crm. Уход к оператору («а можно с человеком?») — тоже уход из сценария.",
    ],
    mistakes=[
        Mistake(name="share_of_all", value=lambda: _crm_counts()[1] / _crm_counts()[3],
                hint="Вы разделили на все сессии версии v1. Доля ушедших на шаге считается от тех, кто до шага дошёл: "
                     "кто ушёл раньше, вопроса о CRM не видел."),
        Mistake(name="answered", value=lambda: 1 - _crm_counts()[1] / _crm_counts()[0],
                hint="Это доля ответивших на вопрос, а нужна доля ушедших: 1 минус ваш ответ."),
        Mistake(name="silent_only", value=lambda: _crm_counts()[2] / _crm_counts()[0],
                hint="Вы посчитали только тех, кто закрыл чат молча (dropped). Посетитель, который на этом шаге попросил "
                     "человека (agent), тоже не ответил на вопрос — он уходит из сценария."),
    ],
    correct_message="Вопрос о текущей CRM теряет больше всех вопросов квалификации — и, как покажет следующее упражнение, ничего не даёт маршруту.",
)

# ---------------------------------------------------------------------------
# 2. Какой вопрос убрать
# ---------------------------------------------------------------------------

QUESTIONS = ("size", "role", "crm", "timeline", "contact")


def question_table() -> pd.DataFrame:
    """Шаги версии v1: доля ушедших, доля сессий с другим маршрутом без вопроса, информация о SQL, бит."""
    funnel = bots.step_funnel(buyer_sessions("v1"), bots.FLOW_V1)
    answers = bots.session_answers(table("chats"), table("chat_messages"))
    done = answers[answers["lead_id"].notna()].join(table("leads").set_index("lead_id")["sql_date"], on="lead_id")
    sql = done["sql_date"].notna()
    rows = {}
    for q in ("size", "role", "crm", "timeline"):
        column = "segment" if q == "size" else q
        rows[q] = {"drop_rate": funnel.loc[q, "drop_rate"],
                   "route_change": bots.route_change_share(done, q),
                   "sql_bits": bots.information_bits(done[column], sql)}
    return pd.DataFrame.from_dict(rows, orient="index")


def _remove() -> str:
    t = question_table()
    useless = t[t["route_change"] == 0]
    return str(useless["drop_rate"].idxmax())


q2 = Exercise(
    id="ch07.chatbots.q2",
    title="Какой вопрос убрать из сценария",
    var="question_to_remove",
    expected=_remove,
    compare=Choice(list(QUESTIONS)),
    hints=[
        "Посмотрите на таблицу вопросов: доля ушедших, доля сессий, у которых без вопроса изменится маршрут, и информация о SQL в битах.",
        "Убирать стоит вопрос, который теряет много посетителей и почти ничего не говорит ни о маршруте, ни о том, станет ли лид SQL.",
    ],
    mistakes=[
        Mistake(name="size", matches=lambda a: a == "size",
                hint="Без вопроса о размере компании бот не знает сегмент: меняется маршрут заметной доли сессий, и о SQL этот ответ говорит много — "
                     "больше него только ответ о сроках."),
        Mistake(name="timeline", matches=lambda a: a == "timeline",
                hint="Сроки входят в правило маршрута (mid-market: встреча с AE или SDR) и говорят о SQL — этот вопрос работает."),
        Mistake(name="role", matches=lambda a: a == "role",
                hint="Роль тоже не влияет на маршрут, но на этом шаге уходят реже, чем на другом бесполезном вопросе. Сравните доли ушедших."),
        Mistake(name="contact", matches=lambda a: a == "contact",
                hint="Без контакта нет лида: на этом шаге уходят больше всех, но он — цель сценария. Ищите среди вопросов квалификации."),
    ],
    correct_message="Вопрос о текущей CRM теряет больше всех вопросов квалификации и не меняет ни маршрута, ни прогноза SQL. "
                    "В боте он только стоит посетителей; если ответ нужен AE (конкурент, миграция, интеграции), его задают в разговоре.",
)

# ---------------------------------------------------------------------------
# 3. A/B-тест версии сценария
# ---------------------------------------------------------------------------


def _lead_rate(version: str, ab_only: bool = True, all_intents: bool = False) -> float:
    c = buyer_sessions(version, ab_only=ab_only, all_intents=all_intents)
    return float(c["lead_id"].notna().mean())


q3 = Exercise(
    id="ch07.chatbots.q3",
    title="Разница доли лидов v2 − v1 в A/B-тесте",
    var="lift_v2",
    expected=lambda: _lead_rate("v2") - _lead_rate("v1"),
    compare=Number(rel_tol=0.01),
    hints=[
        "Сессии A/B-теста — столбец ab_test; берите только сессии покупателей (демо, цена, «смотрю»).",
        "Доля лидов версии — доля сессий с заполненным lead_id; ответ — доля v2 минус доля v1, в долях (0,05, а не 5).",
    ],
    mistakes=[
        Mistake(name="whole_year", value=lambda: _lead_rate("v2", ab_only=False) - _lead_rate("v1", ab_only=False),
                hint="Вы сравнили все сессии v1 и v2 за год. Вне окна теста версии шли в разные месяцы — это сравнение «до и после», "
                     "в нём смешаны сезон и поток сайта. Возьмите только сессии с ab_test."),
        Mistake(name="all_intents", value=lambda: _lead_rate("v2", all_intents=True) - _lead_rate("v1", all_intents=True),
                hint="В расчёт попали обращения в поддержку и спам: они не проходят квалификацию и разбавляют доли. Возьмите только демо, цену и «смотрю»."),
        Mistake(name="relative", value=lambda: _lead_rate("v2") / _lead_rate("v1") - 1,
                hint="Это относительный прирост (v2 / v1 − 1). Нужна разница долей v2 − v1 — на сколько процентных пунктов "
                     "выросла доля, в долях."),
    ],
    correct_message="Без вопроса о CRM лид оставляет заметно большая доля покупателей. Значимость и интервал разности — в тексте раздела.",
)

# ---------------------------------------------------------------------------
# 4. Решение в рублях
# ---------------------------------------------------------------------------


def lead_value(gross_margin: float | None = None) -> float:
    """Ценность лида сайта (органика и контекстная реклама), ₽: когорта 2024 года, валовая маржа 2024 года (как в 6.1)."""
    gm = unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2024) \
        if gross_margin is None else gross_margin
    return inbound.lead_value(table("leads"), table("opportunities"), list(WEB_CHANNELS), *course.YEAR_2024, gm)


def sessions_2025(all_intents: bool = False) -> int:
    return len(buyer_sessions(all_intents=all_intents))


def annual_gain(value: float | None = None, sessions: int | None = None) -> float:
    lift = _lead_rate("v2") - _lead_rate("v1")
    return lift * (sessions_2025() if sessions is None else sessions) * (lead_value() if value is None else value)


def gain_range() -> tuple[float, float]:
    """Прирост в год, ₽, на нижней и верхней границах интервала Ньюкомба разности долей лидов v2 − v1."""
    v1, v2 = buyer_sessions("v1", ab_only=True), buyer_sessions("v2", ab_only=True)
    low, high = experiments.diff_confint(int(v2["lead_id"].notna().sum()), len(v2), int(v1["lead_id"].notna().sum()), len(v1))
    scale = sessions_2025() * lead_value()
    return low * scale, high * scale


def _gain_message() -> str:
    low, high = gain_range()
    return (f"Это точечная оценка. На границах 95-процентного интервала разности долей прирост — от {fmt.rub(low)} "
            f"до {fmt.rub(high)} в год, и точечная оценка на небольшом тесте скорее завышена. Ценность дополнительного лида "
            "принята равной средней — это допущение. Убрать вопрос почти ничего не стоит, а откатить легко: решение "
            "выдерживает даже нижнюю границу.")


q4 = Exercise(
    id="ch07.chatbots.q4",
    title="Сколько валовой прибыли в год даёт сценарий без вопроса о CRM",
    var="gain_rub",
    expected=annual_gain,
    compare=Number(rel_tol=0.02),
    hints=[
        "Дополнительных лидов в год = разница долей v2 − v1 из A/B-теста × сессий покупателей за 2025 год.",
        "Умножьте на ценность лида сайта value_per_lead (ожидаемая валовая прибыль первого года с лида органики и рекламы, "
        "inbound.lead_value по когорте 2024 года с валовой маржой 2024 года).",
    ],
    mistakes=[
        Mistake(name="revenue", value=lambda: annual_gain(value=lead_value(gross_margin=1.0)),
                hint="Вы взяли ценность лида без валовой маржи — это выручка, а не валовая прибыль. Передайте в lead_value валовую маржу."),
        Mistake(name="all_sessions", value=lambda: annual_gain(sessions=sessions_2025(all_intents=True)),
                hint="Вы умножили на все сессии чата, вместе с поддержкой и спамом. Вопрос о CRM видят только покупатели."),
        Mistake(name="test_window", value=lambda: annual_gain(sessions=len(buyer_sessions(ab_only=True))),
                hint="Вы умножили на сессии покупателей только из окна A/B-теста. Прирост в год считают на весь годовой поток: "
                     "все сессии покупателей за 2025 год."),
    ],
    correct_message=lambda: _gain_message(),
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Доля SQL у лидов из чата и из веб-формы почти одинакова. Что из этого следует?",
            (
                Option("Чат не нужен: лиды из него не лучше", False,
                       "Ценность чата может быть в другом: больше лидов с того же трафика, маршрут и встреча сразу, ответы на вопросы. Качество лида — только одна из метрик."),
                Option("Чат не ухудшает качество лидов; его пользу надо мерить долей посетителей, оставивших контакт, и скоростью до встречи", True,
                       "И помните: в наших данных лиды чата выбраны случайно — равенство заложено генератором."),
                Option("Веб-форму можно убрать", False,
                       "Часть посетителей предпочитает форму; решение об этом требует отдельного теста."),
            ),
        ),
        Question(
            "На шаге сценария 40 посетителей, ушли 10. Почему в разделе интервал доли ушедших — по Уилсону, а не «25 % ± 1,96 × стандартная ошибка»?",
            (
                Option("Интервал Вальда на малых выборках и долях около краёв слишком узкий и может выйти за 0 или 1", True,
                       "Интервал Уилсона не выходит за [0; 1], несимметричен у краёв и честнее на десятках наблюдений."),
                Option("Интервал Уилсона всегда уже", False,
                       "Он бывает и шире, и уже: при 10 из 40 он даже немного уже интервала Вальда. Главное другое — он несимметричен, "
                       "не выходит за [0; 1], а его покрытие ближе к заявленным 95 %."),
                Option("Так требует statsmodels", False,
                       "statsmodels умеет оба; выбор — вопрос точности, а не библиотеки."),
            ),
        ),
        Question(
            "Как с 1 сентября 2025 года правильно получить в чате согласие на обработку персональных данных?",
            (
                Option("Фразой «Продолжая диалог, вы соглашаетесь с политикой»", False,
                       "Согласие должно быть конкретным и отдельным от других документов (ст. 9 152-ФЗ в редакции 156-ФЗ); продолжение диалога — не согласие."),
                Option("Отдельным шагом с текстом согласия и явным действием посетителя, с записью даты и текста", True,
                       "Отдельное согласие, которое можно доказать. Согласие на рекламную рассылку — ещё одно, отдельное (38-ФЗ, ст. 18)."),
                Option("Заранее отмеченной галочкой под полем e-mail", False,
                       "Предустановленная галочка — не действие посетителя; такое согласие не докажешь."),
            ),
        ),
    ],
)
