"""Упражнения раздела 7.4.2 «Анализ разговоров: что можно извлечь из записей звонков».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.conversation`` (их проверяет
``tests/test_conversation.py``); каждая типичная ошибка — тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import conversation, course, kpi, unit_economics

SECTION = "ch07.calls"
TITLE = "7.4.2. Анализ разговоров: записи звонков"

#: Звонок упражнений 1–2: демонстрация, где часть презентации ведёт SE.
CALL_ID = "CL0421"
#: Год, за который считаются сделки, ACV и валовая маржа в решении о лицензиях.
PERIOD = course.YEAR_2025
#: Цена места системы анализа звонков, ₽ в год — допущение курса: Gong цены не публикует, российские
#: сервисы речевой аналитики берут плату за минуты записи (см. раздел), а не за место.
SEAT_PRICE_RUB = 180_000
#: Внедрение и время руководителя на разбор записей, ₽ в год — допущение курса.
OTHER_COST_RUB = 900_000
#: Диапазон причинного эффекта на win rate, который руководитель считает правдоподобным, — допущение
#: курса (0 — «ничего не меняет», 0,03 — +3 п. п.); данные об эффекте лицензий ничего не говорят, а
#: наблюдаемая связь метрик звонка с исходом в разы больше и не причинная.
UPLIFT_LOW, UPLIFT_HIGH = 0.0, 0.03


def turns_of(call_id: str = CALL_ID) -> pd.DataFrame:
    t = table("call_turns")
    return t[t["call_id"] == call_id]


# ---------------------------------------------------------------------------
# 1. Доля речи AE в звонке
# ---------------------------------------------------------------------------


def _talk(mode: str = "right") -> float:
    t = turns_of()
    sec = t["end_sec"] - t["start_sec"]
    rep = sec[t["speaker"] == "rep"].sum()
    if mode == "duration":
        return float(rep / t["end_sec"].max())
    if mode == "call_duration":
        calls = table("calls")
        return float(rep / calls.loc[calls["call_id"] == CALL_ID, "duration_sec"].iloc[0])
    if mode == "with_se":
        return float(sec[t["speaker"] != "client"].sum() / sec.sum())
    if mode == "client":
        return float(sec[t["speaker"] == "client"].sum() / sec.sum())
    if mode == "pct":
        return float(rep / sec.sum() * 100)
    return float(rep / sec.sum())


q1 = Exercise(
    id="ch07.calls.q1",
    title=f"Доля речи AE в звонке {CALL_ID}",
    var="talk_share",
    expected=_talk,
    # ответ — точная арифметика без округлений, поэтому допуск узкий: ответ «на длительность записи»
    # (паузы в знаменателе) отличается на ~0,002 и должен получить свою подсказку, а не «верно»
    compare=Number(rel_tol=1e-3, abs_tol=5e-4),
    hints=[
        "Длительность реплики — end_sec − start_sec. Сложите секунды реплик AE (speaker == 'rep') и поделите на секунды "
        "всех реплик звонка.",
        "Паузы между репликами — не речь: знаменатель — сумма длительностей реплик, а не длительность записи. "
        "SE (speaker == 'other') — в знаменателе, но не в числителе. Ответ — доля, например 0,45.",
    ],
    mistakes=[
        Mistake(name="with_se", value=lambda: _talk("with_se"),
                hint="В числителе и речь SE (speaker == 'other'). Доля речи — метрика одного человека: берите только реплики AE."),
        Mistake(name="client", value=lambda: _talk("client"),
                hint="Это доля речи клиента. Задание — про AE (speaker == 'rep')."),
        Mistake(name="pct", value=lambda: _talk("pct"),
                hint="Похоже, ответ в процентах. Нужна доля: 0,45, а не 45."),
        # конец последней реплики и duration_sec из calls в данных совпадают: одна подсказка на оба способа
        Mistake(name="duration", value=lambda: _talk("duration"),
                hint="В знаменателе длительность записи (конец последней реплики или duration_sec из calls), а в ней "
                     "есть паузы — они не речь. Знаменатель — сумма длительностей всех реплик (end_sec − start_sec)."),
    ],
    correct_message="Доля речи AE посчитана так же, как в conversation.talk_ratio: по репликам, без пауз, без SE.",
)

# ---------------------------------------------------------------------------
# 2. Самый длинный монолог
# ---------------------------------------------------------------------------


def _monologue(mode: str = "right") -> float:
    t = turns_of()
    if mode == "single":
        rep = t[t["speaker"] == "rep"]
        return float((rep["end_sec"] - rep["start_sec"]).max())
    if mode == "no_pauses":
        ordered = t.sort_values("start_sec")
        segment = (ordered["speaker"] != ordered["speaker"].shift()).cumsum()
        rep = ordered[ordered["speaker"] == "rep"]
        return float((rep["end_sec"] - rep["start_sec"]).groupby(segment[rep.index]).sum().max())
    if mode == "ours":
        t = t.assign(speaker=t["speaker"].replace({"other": "rep"}))
        return float(conversation.longest_monologue(t).iloc[0])
    value = float(conversation.longest_monologue(t).iloc[0])
    return value / 60 if mode == "minutes" else value


q2 = Exercise(
    id="ch07.calls.q2",
    title=f"Самый длинный монолог AE в звонке {CALL_ID}",
    var="longest_sec",
    expected=_monologue,
    # секунды целые, ответ — точная арифметика: допуск полсекунды отличает монолог без пауз внутри
    compare=Number(rel_tol=1e-4, abs_tol=0.5),
    hints=[
        "Монолог — несколько реплик AE подряд, которых не прервал никто другой (ни клиент, ни SE). Его длина — от начала "
        "первой реплики до конца последней.",
        "Отсортируйте реплики по start_sec, пометьте смену говорящего (speaker != speaker.shift()), накопленной суммой "
        "получите номер отрезка, оставьте отрезки AE и возьмите max(end_sec) − min(start_sec) самого длинного. Ответ — в секундах.",
    ],
    mistakes=[
        Mistake(name="single", value=lambda: _monologue("single"),
                hint="Это самая длинная одна реплика. Монолог может состоять из нескольких реплик AE подряд — склейте их."),
        Mistake(name="ours", value=lambda: _monologue("ours"),
                hint="Вы склеили реплики AE и SE. SE прерывает монолог AE: считайте только подряд идущие реплики speaker == 'rep'."),
        Mistake(name="minutes", value=lambda: _monologue("minutes"),
                hint="Похоже, ответ в минутах. Нужны секунды."),
        Mistake(name="no_pauses", value=lambda: _monologue("no_pauses"),
                hint="Вы сложили длительности реплик монолога, и короткие паузы между ними выпали. Монолог — от начала "
                     "первой реплики до конца последней: max(end_sec) − min(start_sec) отрезка."),
    ],
    correct_message="Склеенный монолог длиннее самой длинной реплики: это и видит руководитель, когда слушает запись.",
)

# ---------------------------------------------------------------------------
# 3. Что говорит таблица win rate по доле речи
# ---------------------------------------------------------------------------

q3 = Exercise(
    id="ch07.calls.q3",
    title="Что можно сказать по связи доли речи с исходом",
    var="conclusion",
    expected=lambda: "b",
    compare=Choice(["a", "b", "c", "d"]),
    hints=[
        "Таблица и регрессия построены на наблюдениях: AE сам решал, сколько говорить, а клиент — насколько вовлечён. "
        "Что здесь причина, а что следствие?",
        "Подумайте, что изменилось бы, если бы вовлечённый клиент сам говорил больше, а продавцу просто меньше оставалось.",
    ],
    mistakes=[
        Mistake(name="causal", matches=lambda a: a == "a",
                hint="Это причинный вывод из наблюдений. Связь может быть обратной: в сделке, которая идёт хорошо, клиент сам говорит больше. "
                     "Велеть AE молчать — не то же самое, что получить вовлечённого клиента."),
        Mistake(name="no_link", matches=lambda a: a == "c",
                hint="Интервалы крайних корзин не пересекаются, коэффициент регрессии далёк от нуля: связь есть. Вопрос в том, что она значит."),
        Mistake(name="rep_ranking", matches=lambda a: a == "d",
                hint="Премировать за долю речи — значит превратить признак в цель: AE научатся молчать, а сделки от этого не станут лучше "
                     "(закон Гудхарта). К тому же средняя доля речи AE зависит и от того, какие сделки ему достались."),
    ],
    correct_message="Доля речи — сигнал о состоянии сделки и повод послушать запись, а не рычаг: причинный эффект проверяют экспериментом.",
)

# ---------------------------------------------------------------------------
# 4. Окупятся ли лицензии: рубли на краях диапазона эффекта
# ---------------------------------------------------------------------------


def seats() -> int:
    """AE, работающие на конец данных: столько мест покупается."""
    reps = table("reps")
    return int(((reps["role"] == "AE") & reps["exit_date"].isna()).sum())


def deals_per_year() -> int:
    """Закрытые (выигранные и проигранные) сделки 2025 года — на них влияет прирост win rate."""
    return int(len(kpi.closed_deals(table("opportunities"), *PERIOD)))


def win_rate() -> float:
    """Win rate закрытых сделок 2025 года — база для расчёта размера теста."""
    closed = kpi.closed_deals(table("opportunities"), *PERIOD)
    return float(closed["outcome"].eq("won").mean())


def test_years(uplift: float) -> float:
    """Сколько лет всех закрытых сделок нужно тесту «с системой / без», чтобы заметить ``uplift``."""
    return 2 * conversation.deals_per_arm(win_rate(), uplift) / deals_per_year()


def meeting_minutes_per_year() -> float:
    """Минуты встреч AE за 2025 год, если записывать все: встречи из ``activities`` × медиана записанного звонка.

    Столько минут оплачивает команда, если сервис речевой аналитики берёт плату за минуту записи.
    """
    acts, reps = table("activities"), table("reps").set_index("rep_id")
    start, end = PERIOD
    meetings = acts[acts["type"].eq("meeting") & acts["rep_id"].map(reps["role"]).eq("AE")
                    & acts["date"].between(pd.Timestamp(start), pd.Timestamp(end))]
    return float(len(meetings) * table("calls")["duration_sec"].median() / 60)


def acv() -> float:
    return kpi.average_acv(table("opportunities"), *PERIOD)


def gross_margin() -> float:
    return unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *PERIOD)


def _net_high(margin: bool = True, other: bool = True, all_reps: bool = False, uplift: float = UPLIFT_HIGH,
              won_only: bool = False) -> float:
    n_seats = int(table("reps")["exit_date"].isna().sum()) if all_reps else seats()
    deals = int(len(kpi.won_deals(table("opportunities"), *PERIOD))) if won_only else deals_per_year()
    return conversation.licence_net_value(uplift, deals, acv(), gross_margin() if margin else 1.0, n_seats,
                                          SEAT_PRICE_RUB, OTHER_COST_RUB if other else 0.0)


q4 = Exercise(
    id="ch07.calls.q4",
    title="Годовой результат лицензий при оптимистичном эффекте",
    var="net_high_rub",
    expected=_net_high,
    compare=Number(rel_tol=0.01),
    hints=[
        "Прирост валовой прибыли = закрытые сделки 2025 года × прирост win rate (0,03) × средний ACV 2025 года × валовая "
        "маржа 2025 года. Затраты = места (работающие AE) × цена места + прочие затраты.",
        "Функция conversation.licence_net_value(uplift, deals, acv, margin, seats, seat_price, other_cost) делает этот расчёт. "
        "Ответ — рубли в год, «плюс» — окупается.",
    ],
    mistakes=[
        Mistake(name="revenue", value=lambda: _net_high(margin=False),
                hint="Вы посчитали выручку, а не валовую прибыль: умножьте прирост на валовую маржу 2025 года."),
        Mistake(name="no_other", value=lambda: _net_high(other=False),
                hint="Забыты прочие затраты: внедрение и время руководителя на разбор записей (other_cost)."),
        Mistake(name="all_reps", value=lambda: _net_high(all_reps=True),
                hint="Мест куплено на всех работающих сотрудников. Лицензии — для AE: считайте только работающих AE."),
        Mistake(name="pp", value=lambda: _net_high(uplift=3.0),
                hint="Прирост win rate — доля: 3 п. п. = 0,03, а не 3."),
        Mistake(name="won_only", value=lambda: _net_high(won_only=True),
                hint="Прирост win rate умножен на выигранные сделки. Win rate растёт на всех закрытых сделках — "
                     "выигранных и проигранных, kpi.closed_deals."),
    ],
    correct_message="Это верхний край. На нижнем (эффект 0) результат — минус все затраты. Решение зависит от того, где между ними точка безубыточности.",
)

# ---------------------------------------------------------------------------
# 5. Решение
# ---------------------------------------------------------------------------


def decision() -> str:
    """Оба края в плюсе — покупать; оба в минусе — нет; диапазон накрывает безубыточность — поэтапно.

    Тест на win rate («test») ответом не бывает, пока ему нужны годы сделок: он не успеет.
    """
    low = _net_high(uplift=UPLIFT_LOW)
    high = _net_high()
    if low >= 0:
        return "buy"
    if high < 0:
        return "skip"
    return "pilot"


q5 = Exercise(
    id="ch07.calls.q5",
    title="Покупать, пилот или нет",
    var="decision",
    expected=decision,
    compare=Choice(["buy", "test", "pilot", "skip"]),
    hints=[
        "Сравните результат на краях диапазона эффекта: при 0 и при +3 п. п. Если оба края в плюсе — покупать; оба в минусе — нет.",
        "Если диапазон накрывает точку безубыточности, решают при неопределённости: убыток в худшем случае ограничивают, "
        "а проверяют то, что видно за квартал. Сколько сделок нужно тесту на win rate — посчитано в разделе.",
    ],
    mistakes=[
        Mistake(name="buy", matches=lambda a: a == "buy" != decision(),
                hint="Середина диапазона и правда в плюсе, но сам диапазон — допущение руководителя, а не данные. При нулевом "
                     "эффекте лицензии на всю команду — чистый расход; поэтапное внедрение ограничивает этот убыток."),
        Mistake(name="test", matches=lambda a: a == "test",
                hint="Тест на win rate не успеет: чтобы заметить даже +3 п. п., нужны тысячи закрытых сделок в каждой группе — "
                     "годы работы всей команды, а прирост на уровне точки безубыточности такой тест не различит вовсе."),
        Mistake(name="skip", matches=lambda a: a == "skip" != decision(),
                hint="При оптимистичном эффекте лицензии окупаются с запасом. Отказ упускает этот шанс; риск убытка "
                     "ограничивают поэтапным внедрением, а не отказом."),
    ],
    correct_message="Поэтапно: лицензии части AE, срок и заранее заданное правило остановки по тому, что видно за квартал, — "
                    "записываются ли встречи, заполняется ли конкурент в CRM, сколько времени руководитель тратит на разбор. "
                    "Прирост win rate такой пилот не измерит: эффект на него остаётся допущением, и это стоит сказать вслух.",
)


quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Gong пишет, что в успешных звонках продавец говорит около 43 % времени. Ваши AE говорят в среднем 60 %. Что делать?",
            (
                Option("Поставить AE цель 43 % и премировать за неё", False,
                       "Это исследование поставщика на звонках его клиентов, и оно корреляционное. Цель по доле речи научит молчать, а не продавать."),
                Option("Послушать звонки с самой высокой долей речи: что там — монолог-презентация или клиент, которому нечего сказать", True,
                       "Метрика — фильтр для разбора записей. Причина высокой доли речи бывает разной, её находит человек, а не число."),
                Option("Ничего: 60 % — это нормально, раз Gong пишет «65–75 % у среднего продавца»", False,
                       "Сравнение со «средним по рынку» ничего не говорит о ваших сделках. Полезнее сравнить звонки внутри своей команды."),
            ),
        ),
        Question(
            "Детектор вопросов по знаку «?» на размеченной выборке даёт точность ниже полноты. Что это значит?",
            (
                Option("Детектор часто считает вопросом то, что вопросом не было (приветствия, риторические вопросы)", True,
                       "Точность — доля настоящих вопросов среди найденных. Ложные срабатывания завышают «число вопросов» у AE, который много говорит."),
                Option("Детектор пропускает много настоящих вопросов", False,
                       "Пропуски снижают полноту, а она здесь выше точности."),
                Option("Детектор бесполезен", False,
                       "Ошибки есть, но известные и измеренные: сравнивать AE между собой можно, помня о сдвиге."),
            ),
        ),
        Question(
            "В логистической регрессии коэффициент «следующий шаг с датой» положительный и значимый. Что можно утверждать?",
            (
                Option("Если AE всегда будет назначать дату, win rate вырастет так, как показывает коэффициент", False,
                       "Клиент, который собирается купить, охотнее соглашается на дату: связь может быть обратной."),
                Option("Сделки со следующим шагом с датой чаще выигрываются — это полезный признак для прогноза и проверки сделки", True,
                       "Для прогноза и выбора, какие сделки проверить, этой связи достаточно. Для «лечения» нужен эксперимент."),
                Option("Ничего: регрессия на наблюдениях бессмысленна", False,
                       "Она честно описывает связь при прочих признаках в модели, просто не отвечает на вопрос «что будет, если изменить»."),
            ),
        ),
    ],
)
