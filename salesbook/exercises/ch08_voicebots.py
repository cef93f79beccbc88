"""Упражнения раздела 8.2 «Голосовые и диалоговые боты».

Эталоны считаются функциями ``salesbook.toolkit.bots`` (доли исходов, WER) на таблице
``voicebot_calls``; цена времени SDR — ``roles.loaded_cost`` (полная стоимость человеко-месяца,
раздел 4.2) через ``sales_scripts.time_cost``; цена часа по окладу — ``social.rep_hour_cost``.
"""

from __future__ import annotations

from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import bots, course, roles, sales_scripts, social

SECTION = "ch08.voicebots"
TITLE = "8.2. Голосовые и диалоговые боты: сценарий звонка, ошибки распознавания и цена против SDR"

#: Допущения раздела о времени SDR (минуты на попытку, вместе с записью в CRM): решение руководителя, не данные.
SDR_MIN_NO_ANSWER = 1.0
SDR_MIN_ANSWERED = 3.0
#: Сколько минут SDR тратит на звонок, который бот передал человеку.
SDR_MIN_ESCALATED = 4.0
#: Абонентская плата за платформу голосового бота и поддержку сценария, ₽ в месяц — допущение раздела.
BOT_FIXED_MONTH_RUB = 25_000
#: Объём звонков в упражнении 3, попыток в месяц.
VOLUME = 600
HIGH_WER, LOW_WER = 0.15, 0.05


def sdr_minute_cost(loaded: bool = True) -> float:
    """Цена минуты SDR, ₽: полная стоимость человеко-месяца 2025 года (или оклад со взносами) / минут в месяце."""
    if loaded:
        monthly = roles.loaded_cost(table("sm_costs"), table("reps"), *course.YEAR_2025).loc["SDR", "loaded_pm"]
        return float(sales_scripts.time_cost(monthly, 1.0))
    reps = table("reps")
    return social.rep_hour_cost(reps.loc[reps["role"] == "SDR", "base_salary_rub"].mean()) / 60


def confirm_calls():
    c = table("voicebot_calls")
    return c[c["campaign"] == "confirm"]


def _containment(all_calls: bool = False, escalated_in: bool = False) -> float:
    c = confirm_calls()
    base = c if all_calls else c[c["outcome"] != "no_answer"]
    ok = base["outcome"].isin(bots.CONTAINED + (("escalated",) if escalated_in else ()))
    return float(ok.mean())


q1 = Exercise(
    id="ch08.voicebots.q1",
    title="Доля решённых ботом звонков подтверждения",
    var="containment",
    expected=_containment,
    compare=Number(rel_tol=0.01),
    hints=[
        "Возьмите звонки кампании confirm и оставьте только отвеченные (outcome не no_answer).",
        "Решено ботом — исходы bots.CONTAINED (confirmed, reactivated, declined); escalated — передан человеку, hung_up — брошена трубка.",
    ],
    mistakes=[
        Mistake(name="with_no_answer", value=lambda: _containment(all_calls=True),
                hint="В знаменателе оказались недозвоны. Доля решённых ботом считается от разговоров, которые состоялись."),
        Mistake(name="escalated_in", value=lambda: _containment(escalated_in=True),
                hint="Вы засчитали переданные человеку звонки (escalated) как решённые ботом. Их довёл до конца SDR."),
    ],
    correct_message=lambda: f"Решено ботом {fmt.pct(_containment())} разговоров; остальные переданы человеку или закончились брошенной трубкой.",
)


def _hangup_gap(campaign: str | None = "reactivate") -> float:
    w = bots.calls_with_wer(table("voicebot_calls"))
    if campaign is not None:
        w = w[w["campaign"] == campaign]
    hung = w["outcome"] == "hung_up"
    return float(hung[w["wer"] > HIGH_WER].mean() - hung[w["wer"] <= LOW_WER].mean())


q2 = Exercise(
    id="ch08.voicebots.q2",
    title="Насколько чаще бросают трубку при плохом распознавании",
    var="hangup_gap",
    expected=_hangup_gap,
    compare=Number(rel_tol=0.01),
    hints=[
        "Возьмите отвеченные звонки кампании reactivate и посчитайте WER звонка: asr_errors / words (bots.calls_with_wer).",
        "Доля брошенных трубок у звонков с WER выше 0,15 минус доля у звонков с WER не выше 0,05 — в долях.",
    ],
    mistakes=[
        Mistake(name="pooled", value=lambda: _hangup_gap(None),
                hint="Вы смешали обе кампании. У реактивации и WER выше, и трубку бросают чаще при любом WER — это смешение с кампанией, "
                     "оно раздувает разницу. Сравнивайте внутри одной кампании."),
    ],
    correct_message="Внутри одной кампании разница меньше, чем по всем звонкам сразу, но остаётся большой. "
                    "В реальных данных и внутри кампании останется смешение (шум на линии, занятость собеседника).",
)


def monthly_costs(volume: float = VOLUME, loaded: bool = True, fixed: float = BOT_FIXED_MONTH_RUB,
                  escalations: bool = True) -> tuple[float, float]:
    """Затраты в месяц на ``volume`` попыток подтверждения: (бот, SDR), ₽; доли исходов — как у бота в 2025 году."""
    c = confirm_calls()
    minute = sdr_minute_cost(loaded)
    no_answer = (c["outcome"] == "no_answer").mean()
    escalated = (c["outcome"] == "escalated").mean()
    bot_per_call = c["cost_rub"].mean() + (escalated * SDR_MIN_ESCALATED * minute if escalations else 0.0)
    sdr_per_call = (no_answer * SDR_MIN_NO_ANSWER + (1 - no_answer) * SDR_MIN_ANSWERED) * minute
    return fixed + volume * bot_per_call, volume * sdr_per_call


def _saving(**kwargs) -> float:
    bot, sdr = monthly_costs(**kwargs)
    return sdr - bot


q3 = Exercise(
    id="ch08.voicebots.q3",
    title="Экономит ли бот на 600 подтверждениях в месяц",
    var="saving_rub",
    expected=_saving,
    compare=Number(rel_tol=0.01),
    hints=[
        f"Затраты SDR = попытки × (доля недозвонов × {SDR_MIN_NO_ANSWER:g} мин + доля отвеченных × {SDR_MIN_ANSWERED:g} мин) × цена минуты SDR по полной стоимости "
        "(roles.loaded_cost, строка SDR, loaded_pm, через sales_scripts.time_cost).",
        f"Затраты бота = абонентская плата + попытки × (средняя цена звонка cost_rub + доля переданных человеку × {SDR_MIN_ESCALATED:g} мин × цена минуты SDR). "
        "Ответ — затраты SDR минус затраты бота.",
    ],
    mistakes=[
        Mistake(name="salary_only", value=lambda: _saving(loaded=False),
                hint="Вы взяли цену часа по окладу со взносами (social.rep_hour_cost). Когда решают, нанимать ли SDR или покупать бота, "
                     "считают полную стоимость человеко-месяца: премии, инструменты, накладные (roles.loaded_cost)."),
        Mistake(name="no_fixed", value=lambda: _saving(fixed=0.0),
                hint="Вы забыли абонентскую плату бота: она платится каждый месяц при любом объёме, и на малом объёме решает всё."),
        Mistake(name="no_escalations", value=lambda: _saving(escalations=False),
                hint="Переданные человеку звонки бот не отработал — их время SDR входит в затраты варианта с ботом."),
    ],
    correct_message="Экономия отрицательная: при таком объёме бот дороже SDR — абонентская плата не окупается. "
                    "Бот выгоден с объёма, где экономия на звонке покрывает абонентскую плату (точка безубыточности — в тексте раздела).",
)

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "По всем звонкам при WER выше 15 % трубку бросают намного чаще, чем при WER до 5 %. Что можно утверждать?",
            (
                Option("Улучшение распознавания снизит брошенные трубки ровно на эту разницу", False,
                       "Разница по всем звонкам смешивает эффект WER с кампанией: у холодных звонков и WER выше, и трубку бросают чаще."),
                Option("Часть разницы объясняется смешением с кампанией; оценивать эффект нужно внутри кампании или с поправкой на неё, а лучше — тестом", True,
                       "Надёжнее всего — A/B-тест двух моделей распознавания на случайно разделённых звонках."),
                Option("WER на брошенные трубки не влияет", False,
                       "Внутри кампании связь остаётся — в наших данных она заложена генератором."),
            ),
        ),
        Question(
            "Можно ли роботом обзванивать холодные лиды с предложением продукта?",
            (
                Option("Да, если номер взят из открытых источников", False,
                       "Реклама по телефону требует предварительного согласия (ч. 1 ст. 18 закона «О рекламе»), а с автоматическим дозваниванием запрещена (ч. 2)."),
                Option("Нет: реклама с автоматическим дозваниванием запрещена законом «О рекламе», а с сентября 2025 года массовые звонки организаций ещё и маркируются", True,
                       "Бот подходит для звонков, которых человек ждёт: подтверждение встречи, которую он сам назначил, — и согласие на такой звонок собирают при записи."),
                Option("Да, если бот представится роботом", False,
                       "Представиться нужно, но запрет ч. 2 ст. 18 закона «О рекламе» это не снимает: его не снимает даже согласие абонента."),
            ),
        ),
        Question(
            "За один звонок бот вдвое дешевле SDR. Что ещё проверить до решения?",
            (
                Option("Ничего: дешевле — значит лучше", False,
                       "Бот теряет часть собеседников на брошенных трубках; посчитайте цену подтверждённой встречи, а не звонка."),
                Option("Цену результата (подтверждённой встречи), долю брошенных трубок и куда пойдут освободившиеся часы SDR", True,
                       "Экономия времени становится деньгами, только если время SDR занять продажами. А польза подтверждения — меньше неявок на встречи; её сравнивают и с напоминанием в мессенджере."),
                Option("Только точку безубыточности", False,
                       "Точка безубыточности нужна, но одной её мало: качество исхода тоже входит в решение."),
            ),
        ),
    ],
)
