"""Упражнения раздела 2.1 «Модель воронки продаж, часть 1: этапы и их метрики».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.funnel``; каждая
типичная ошибка — тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, funnel

SECTION = "ch02.funnel"
TITLE = "2.1. Модель воронки продаж, часть 1: этапы и их метрики"

#: Сколько, по оценке руководителя, стоит поднять конверсию перехода на 1 п. п., ₽ (упражнение 4):
#: качество входящего потока (контент, таргетинг), найм SDR, пресейл, обучение переговорам.
#: Порог скоринга рычагом не считается: он только двигает границу между «лид → MQL» и «MQL → SQL».
#: Решение руководителя, не данные.
COST_PER_POINT = {"lead→mql": 4_000_000, "mql→sql": 2_500_000, "opportunity→proposal": 3_000_000,
                  "proposal→won": 5_000_000}
#: Окно B2C-воронки в упражнении 3: покупка не позже 90 дней после регистрации.
B2C_HORIZON_DAYS = 90
TRANSITIONS = list(funnel.TRANSITION_NAMES)


@lru_cache(maxsize=None)
def flow() -> pd.DataFrame:
    """Этапы каждого лида (``funnel.lead_stages``) — общая таблица упражнений."""
    return funnel.lead_stages(table("leads"), table("opportunities"), table("opportunity_stages"))


# ---------------------------------------------------------------------------
# 1. Когортная конверсия лида в SQL
# ---------------------------------------------------------------------------

Q1 = course.quarter("2025Q1")


def _lead_to_sql(kind: str = "cohort") -> float:
    leads = table("leads")
    start, end = Q1
    if kind == "cohort":
        return funnel.cohort_conversion(leads, start, end, "created_date", "sql_date")
    if kind == "calendar":
        return funnel.calendar_conversion(leads, start, end, "created_date", "sql_date")
    cohort = leads[leads["created_date"].between(start, end)]
    if kind == "same_quarter":
        return float(cohort["sql_date"].between(start, end).mean())
    if kind == "mql_base":
        mql = cohort[cohort["mql_date"].notna()]
        return float(mql["sql_date"].notna().mean())
    if kind == "inbound_only":
        inbound = cohort[cohort["channel"] != "outbound"]
        return float(inbound["sql_date"].notna().mean())
    raise ValueError(kind)


q1 = Exercise(
    id="ch02.funnel.q1",
    title="Когортная конверсия лида в SQL",
    var="lead_to_sql_q1",
    expected=lambda: _lead_to_sql("cohort"),
    compare=Number(rel_tol=0.005),
    hints=[
        "Когорта — лиды, у которых created_date попадает в I квартал 2025 года. Из них нужна доля тех, у кого "
        "sql_date заполнена — неважно, когда именно.",
        "Отберите лиды по created_date между 2025-01-01 и 2025-03-31 и возьмите среднее от sql_date.notna().",
    ],
    mistakes=[
        Mistake(name="calendar", value=lambda: _lead_to_sql("calendar"),
                hint="Это календарная «конверсия»: SQL, появившиеся в I квартале, делённые на лиды I квартала. "
                     "В числителе — другие люди (в том числе декабрьские лиды). Нужна когорта: лиды I квартала "
                     "и их SQL когда угодно."),
        Mistake(name="same_quarter", value=lambda: _lead_to_sql("same_quarter"),
                hint="Вы засчитали только SQL, случившиеся в том же квартале. Когорта дозревает: лид, созданный "
                     "в конце марта, может стать SQL в апреле — он тоже считается."),
        Mistake(name="mql_base", value=lambda: _lead_to_sql("mql_base"),
                hint="Это конверсия MQL → SQL: в знаменателе только MQL. Задание просит долю от всех лидов когорты."),
        Mistake(name="inbound_only", value=lambda: _lead_to_sql("inbound_only"),
                hint="Вы убрали исходящие лиды. В когорту входят все лиды I квартала, из любого канала."),
    ],
    correct_message="Это и есть когортная конверсия: знаменатель — лиды периода, числитель — те же лиды, "
                    "дошедшие до SQL когда-нибудь. Для свежих когорт она ещё растёт.",
)

# ---------------------------------------------------------------------------
# 2. Где воронка течёт в рублях
# ---------------------------------------------------------------------------


def leak_by(column: str = "lost_rub", by: str | None = "segment") -> str:
    """Переход когорты 2024 года с наибольшей потерей (в рублях или лидах)."""
    return str(funnel.leaks(flow(), *course.YEAR_2024, by=by)[column].idxmax())


q2 = Exercise(
    id="ch02.funnel.q2",
    title="Где воронка течёт в рублях",
    var="leak_rub",
    expected=lambda: leak_by("lost_rub"),
    compare=Choice(TRANSITIONS, labels=funnel.TRANSITION_NAMES),
    hints=[
        "funnel.leaks(flow, *course.YEAR_2024, by='segment') возвращает таблицу переходов; нужен столбец lost_rub.",
        "Код перехода — индекс строки с наибольшим lost_rub: .idxmax().",
    ],
    mistakes=[
        Mistake(name="by_leads", matches=lambda a: a == leak_by("lost") != leak_by("lost_rub"),
                hint="Это переход, где теряется больше всего лидов (столбец lost); туда же указывает и расчёт рублей "
                     "по всей когорте сразу (by=None). В рублях по сегментам он лишь второй, хотя и близко к первому "
                     "(бутстреп в разделе). Задание просит наибольший lost_rub по сегментам (by='segment') на этой "
                     "когорте: выигрыш на лида у enterprise и SMB различается в десятки раз."),
    ],
    correct_message="Лидов больше всего теряется наверху, а рублей на этой когорте — после коммерческого "
                    "предложения: там выбывают дорогие сделки mid-market и enterprise. Второе место в рублях — "
                    "верхний переход, и совсем рядом: при другой выборке лидов они могут поменяться местами.",
)

# ---------------------------------------------------------------------------
# 3. Форма воронки B2C
# ---------------------------------------------------------------------------


def _b2c_share(kind: str = "right") -> float:
    users, purchases = table("b2c_users"), table("b2c_purchases")
    start, end = course.YEAR_2024
    if kind == "right":
        b = funnel.b2c_funnel(users, purchases, start, end, horizon_days=B2C_HORIZON_DAYS)
        return float(b["first_purchase"] / b["signups"])
    cohort = users[users["signup_date"].between(start, end)]
    p = purchases.merge(cohort[["user_id", "signup_date"]], on="user_id")
    if kind == "no_horizon":
        return float(p["user_id"].nunique() / len(cohort))
    within = p[(p["date"] - p["signup_date"]).dt.days <= B2C_HORIZON_DAYS]
    if kind == "rows":
        return float(len(within) / len(cohort))
    if kind == "all_users":
        allp = purchases.merge(users[["user_id", "signup_date"]], on="user_id")
        allp = allp[(allp["date"] - allp["signup_date"]).dt.days <= B2C_HORIZON_DAYS]
        return float(allp["user_id"].nunique() / len(users))
    raise ValueError(kind)


q3 = Exercise(
    id="ch02.funnel.q3",
    title="Форма воронки B2C",
    var="b2c_paid_share",
    expected=lambda: _b2c_share("right"),
    compare=Number(rel_tol=0.005),
    hints=[
        "funnel.b2c_funnel(users, purchases, start, end, horizon_days=90) для когорты 2024 года вернёт "
        "signups и first_purchase.",
        "Доля — first_purchase / signups: люди, а не покупки.",
    ],
    mistakes=[
        Mistake(name="no_horizon", value=lambda: _b2c_share("no_horizon"),
                hint="Вы засчитали покупки когда угодно. Задание — покупка не позже 90 дней после регистрации: "
                     "одинаковое окно уравнивает ранних и поздних пользователей когорты."),
        Mistake(name="rows", value=lambda: _b2c_share("rows"),
                hint="Вы посчитали покупки (строки), а не покупателей: у одного пользователя за 90 дней бывает "
                     "несколько списаний. Нужны уникальные user_id."),
        Mistake(name="all_users", value=lambda: _b2c_share("all_users"),
                hint="Это доля по всем пользователям 2023–2025 годов. Нужна когорта регистраций 2024 года."),
    ],
    correct_message="За те же 90 дней доля близка к B2B-воронке, но форма другая: вход в воронку шире, а путь "
                    "до оплаты — дни, а не недели и месяцы. Без окна доля выше: так её считает раздел 2.2.",
)

# ---------------------------------------------------------------------------
# 4. Какой переход чинить первым
# ---------------------------------------------------------------------------


def fix_first(by: str | None = "segment") -> str:
    """Переход с наибольшей отдачей на рубль затрат для когорты 2024 года."""
    return str(funnel.fix_priority(flow(), *course.YEAR_2024, COST_PER_POINT, by=by)["return_per_rub"].idxmax())


q4 = Exercise(
    id="ch02.funnel.q4",
    title="Какой переход чинить первым",
    var="fix_first",
    expected=lambda: fix_first(),
    compare=Choice(list(COST_PER_POINT), labels=funnel.TRANSITION_NAMES),
    hints=[
        "funnel.fix_priority(flow, *course.YEAR_2024, cost_per_point, by='segment') считает прирост выигранного "
        "ACV от пункта конверсии и делит его на цену пункта.",
        "Нужен переход с наибольшим return_per_rub — не с наибольшей потерей и не с самым дорогим пунктом.",
    ],
    mistakes=[
        Mistake(name="biggest_rub_leak", matches=lambda a: a == leak_by("lost_rub") != fix_first(),
                hint="Здесь больше всего теряется рублей и самый ценный пункт конверсии, но и пункт здесь самый "
                     "дорогой. Решает отдача на рубль: прирост ACV от пункта / цена пункта (return_per_rub)."),
        Mistake(name="biggest_lead_leak", matches=lambda a: a == leak_by("lost") != fix_first(),
                hint="Здесь теряется больше всего лидов, но лиды верха воронки дешёвые: пункт конверсии здесь "
                     "приносит меньше рублей на рубль затрат, чем на лучшем переходе."),
    ],
    correct_message="Чинить первым стоит не самую большую дыру, а переход с наибольшей отдачей на рубль. "
                    "Отдача здесь — выигранный ACV; окупаемость решает валовая прибыль (ACV × валовая маржа). "
                    "Эффект проверяйте на следующей зрелой когорте.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "В январе SDR перевели в SQL 120 лидов, а MQL за январь было 100. Отчёт пишет «конверсия MQL → SQL — "
            "120 %». Что не так?",
            (
                Option("Ничего: SDR поработали лучше плана", False,
                       "Доля не бывает больше 100 %. В числителе и знаменателе не одни и те же люди: часть январских "
                       "SQL — MQL конца декабря."),
                Option("Это календарная «конверсия»: события месяца делят на события месяца; нужна когорта MQL января "
                       "и их SQL когда угодно", True,
                       "Да. Когортная конверсия берёт одних и тех же людей в числителе и знаменателе."),
                Option("Надо делить на число лидов, а не MQL", False,
                       "Это другая конверсия (лид → SQL), и календарная ошибка в ней останется той же."),
            ),
        ),
        Question(
            "Веб-аналитика показывает 90 тысяч посетителей за год — сумму посетителей по месяцам и источникам. "
            "Сколько людей было на сайте?",
            (
                Option("90 тысяч", False,
                       "Посетитель — это cookie в пределах строки отчёта. Один человек в двух месяцах или из двух "
                       "источников считается дважды."),
                Option("Меньше 90 тысяч, а сколько точно — по этому отчёту не узнать", True,
                       "Да. Сумма по строкам завышает число людей; людей знает только идентификатор, который "
                       "появляется, когда посетитель оставил контакты."),
                Option("Больше 90 тысяч: часть людей блокирует счётчик", False,
                       "Блокировщики занижают счёт, но сумма по месяцам и источникам завышает его сильнее, и её нельзя "
                       "выдавать за число людей."),
            ),
        ),
        Question(
            "Маркетинг поменял правило MQL: теперь MQL — любой, кто скачал гайд. Конверсия MQL → SQL упала вдвое. "
            "Что это значит?",
            (
                Option("SDR стали работать вдвое хуже", False,
                       "Покупатели и SDR те же — изменилось определение этапа. Сравнивать конверсии до и после нельзя."),
                Option("Границы этапов — договор: поменялось определение, и конверсии до и после несравнимы", True,
                       "Да. Поэтому определения этапов фиксируют письменно и меняют вместе с продажами, пересчитывая "
                       "историю по новому правилу."),
                Option("Воронка стала эффективнее: MQL больше", False,
                       "Больше MQL по более мягкому правилу — не больше покупателей. Смотрите на SQL и выигрыши."),
            ),
        ),
    ],
)
