"""Упражнения раздела 1.1.1 «CAC: стоимость привлечения клиента».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.acquisition``; каждая
типичная ошибка — это тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number, Table
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import acquisition, course

SECTION = "ch01.cac"
TITLE = "1.1.1. CAC: стоимость привлечения клиента"

Q3_2024 = course.quarter("2024Q3")
Q1_2025 = course.quarter("2025Q1")
Q2_2025 = course.quarter("2025Q2")


def _spend(start, end, line: str | None = "b2b") -> float:
    s = table("marketing_spend")
    mask = acquisition.in_period(s["month"], start, end)
    if line is not None:
        mask &= s["business_line"] == line
    return float(s.loc[mask, "spend_rub"].sum())


def _sm(start, end, departments=("sales", "marketing"), cost_types=None) -> float:
    c = table("sm_costs")
    mask = acquisition.in_period(c["month"], start, end) & c["department"].isin(departments)
    if cost_types is not None:
        mask &= c["cost_type"].isin(cost_types)
    return float(c.loc[mask, "amount_rub"].sum())


def _new(start, end) -> int:
    return acquisition.new_customers(table("opportunities"), start, end)


def _won(start, end) -> int:
    o = table("opportunities")
    return int(((o["outcome"] == "won") & acquisition.in_period(o["close_date"], start, end)).sum())


def _full_costs(start, end) -> float:
    return float(acquisition.acquisition_costs(table("marketing_spend"), table("sm_costs"), start, end).sum())


def funnel(start, end) -> pd.DataFrame:
    """Воронка и стоимость B2B по каналам за период (acquisition.channel_funnel на данных курса)."""
    return acquisition.channel_funnel(table("marketing_spend"), table("leads"), table("opportunities"), start, end)


# ---------------------------------------------------------------------------
# 1. Полный CAC за квартал
# ---------------------------------------------------------------------------

q1 = Exercise(
    id="ch01.cac.q1",
    title="Полный CAC за III квартал 2024 года",
    var="full_cac_q3",
    expected=lambda: _full_costs(*Q3_2024) / _new(*Q3_2024),
    compare=Number(rel_tol=0.005),
    hints=[
        "Полный CAC = (реклама B2B + все затраты отделов sales и marketing) / новые клиенты за тот же квартал.",
        "Реклама: spend с business_line == 'b2b' за июль — сентябрь. Затраты: costs с department в ['sales', 'marketing']. "
        "Клиенты: acquisition.new_customers(opps, start, end).",
    ],
    mistakes=[
        Mistake(name="media_only", value=lambda: _spend(*Q3_2024) / _new(*Q3_2024),
                hint="Это CAC только по рекламе. В полный CAC входят ещё зарплаты, премии, страховые взносы, инструменты и накладные отделов продаж и маркетинга."),
        Mistake(name="no_media", value=lambda: _sm(*Q3_2024) / _new(*Q3_2024),
                hint="В числителе нет рекламного бюджета: прибавьте затраты B2B-каналов из spend."),
        Mistake(name="with_customer_success",
                value=lambda: (_spend(*Q3_2024) + _sm(*Q3_2024, ("sales", "marketing", "customer_success"))) / _new(*Q3_2024),
                hint="В числитель попали затраты customer success. Это затраты на удержание уже привлечённых клиентов, в CAC они не входят."),
        Mistake(name="both_lines", value=lambda: (_spend(*Q3_2024, None) + _sm(*Q3_2024)) / _new(*Q3_2024),
                hint="В рекламу попали бюджеты B2C-приложения. Клиенты у нас B2B — и затраты берите только B2B (business_line == 'b2b')."),
        Mistake(name="salary_without_bonus_tax",
                value=lambda: (_spend(*Q3_2024) + _sm(*Q3_2024, cost_types=("salary", "tools", "overhead", "agency"))) / _new(*Q3_2024),
                hint="Не хватает премий и страховых взносов: это тоже затраты на людей, которые привлекают клиентов."),
        Mistake(name="all_won_deals", value=lambda: _full_costs(*Q3_2024) / _won(*Q3_2024),
                hint="В знаменателе все выигранные сделки. Повторная сделка существующего клиента — не новый клиент: используйте acquisition.new_customers."),
    ],
)

# ---------------------------------------------------------------------------
# 2. CAC по каналам
# ---------------------------------------------------------------------------


def _channel_table(customers_from_all_wins: bool = False, spend_all_lines: bool = False) -> pd.DataFrame:
    s = table("marketing_spend")
    mask = acquisition.in_period(s["month"], *course.YEAR_2024)
    if not spend_all_lines:
        mask &= s["business_line"] == "b2b"
    spend = s[mask].groupby("channel")["spend_rub"].sum()
    if customers_from_all_wins:
        o = table("opportunities")
        deals = o[o["outcome"] == "won"].merge(table("leads")[["lead_id", "channel"]], on="lead_id", how="left")
    else:
        deals = acquisition.new_customer_deals(table("opportunities"), table("leads"))
    deals = deals[acquisition.in_period(deals["close_date"], *course.YEAR_2024) & (deals["channel"] != "organic")]
    customers = deals.groupby("channel").size()
    paid = [c for c in course.PAID_CHANNELS if c in set(customers.index) | set(spend.index)]
    frame = pd.DataFrame({"spend_rub": spend.reindex(paid), "customers": customers.reindex(paid)})
    frame = frame.dropna()
    frame["cac"] = frame["spend_rub"] / frame["customers"]
    frame.index.name = "channel"
    return frame


q2 = Exercise(
    id="ch01.cac.q2",
    title="CAC по каналам за 2024 год",
    var="channel_cac",
    expected=lambda: _channel_table(),
    compare=Table(key="channel", columns=["spend_rub", "customers", "cac"]),
    hints=[
        "Сгруппируйте рекламу B2B за 2024 год по channel и просуммируйте spend_rub; новых клиентов 2024 года из deals — по channel и посчитайте .size().",
        "Соберите pd.DataFrame({'spend_rub': ..., 'customers': ...}), уберите органику и добавьте столбец cac = spend_rub / customers.",
    ],
    mistakes=[
        Mistake(name="organic_row", matches=lambda t: "organic" in set(t.index),
                hint="В таблице есть органика. У неё нет рекламного бюджета, CAC канала для неё не определён — уберите строку organic."),
        Mistake(name="all_wins", value=lambda: _channel_table(customers_from_all_wins=True),
                hint="Клиентов больше, чем нужно: вы посчитали все выигранные сделки, а не первые. Используйте deals = acquisition.new_customer_deals(opps, leads)."),
        Mistake(name="spend_all_lines", value=lambda: _channel_table(spend_all_lines=True),
                hint="Бюджет канала social завышен: такой канал есть и у B2C. Отфильтруйте spend по business_line == 'b2b'."),
    ],
)

# ---------------------------------------------------------------------------
# 3. От CPL к CAC
# ---------------------------------------------------------------------------


def _ppc(column: str = "leads") -> float:
    f = funnel(*course.YEAR_2024)
    return float(f.loc["ppc", column])


q3 = Exercise(
    id="ch01.cac.q3",
    title="Сколько лидов PPC на одного клиента",
    var="ppc_leads_per_customer",
    expected=lambda: _ppc("leads") / _ppc("customers"),
    compare=Number(rel_tol=0.005),
    hints=[
        "Лиды: строки leads с channel == 'ppc' и created_date в 2024 году. Клиенты: первые выигранные сделки 2024 года с каналом ppc.",
        "Ответ = лиды / клиенты. Проверка: он же равен CAC канала / CPL канала из таблицы acquisition.channel_funnel.",
    ],
    mistakes=[
        Mistake(name="inverse", value=lambda: _ppc("customers") / _ppc("leads"),
                hint="Дробь перевёрнута: это конверсия лида в клиента. Нужно обратное — сколько лидов на одного клиента."),
        Mistake(name="sqls", value=lambda: _ppc("sqls") / _ppc("customers"),
                hint="Вы взяли SQL, а не всех лидов. CPL считается на каждого лида, поэтому и здесь нужны все лиды канала."),
    ],
)

# ---------------------------------------------------------------------------
# 4. Платный CAC
# ---------------------------------------------------------------------------


def _paid_parts(year=course.YEAR_2025) -> tuple[float, float, float]:
    f = funnel(*year)
    paid = f[f.index != "organic"]
    return float(paid["spend_rub"].sum()), float(paid["customers"].sum()), float(f["customers"].sum())


q4 = Exercise(
    id="ch01.cac.q4",
    title="Платный CAC за 2025 год",
    var="paid_cac_2025",
    expected=lambda: _paid_parts()[0] / _paid_parts()[1],
    compare=Number(rel_tol=0.005),
    hints=[
        "Возьмите строки таблицы table_2025 кроме organic.",
        "Платный CAC = сумма spend_rub платных каналов / сумма customers платных каналов.",
    ],
    mistakes=[
        Mistake(name="blended", value=lambda: _paid_parts()[0] / _paid_parts()[2],
                hint="Это смешанный CAC: в знаменателе и клиенты из органики. Для платного оставьте только клиентов платных каналов."),
        Mistake(name="full_costs", value=lambda: _full_costs(*course.YEAR_2025) / _paid_parts()[1],
                hint="В числителе полные затраты. Здесь платный CAC по прямым затратам: только рекламные бюджеты каналов."),
        Mistake(name="year_2024", value=lambda: _paid_parts(course.YEAR_2024)[0] / _paid_parts(course.YEAR_2024)[1],
                hint="Это платный CAC 2024 года из текста раздела. Нужен 2025 год: channel_funnel(..., *course.YEAR_2025)."),
    ],
)

# ---------------------------------------------------------------------------
# 5. Ловушка лага
# ---------------------------------------------------------------------------

def lead_days() -> pd.Series:
    """Дни от лида до первой выигранной сделки по каждому новому клиенту."""
    return acquisition.lead_to_customer_days(table("opportunities"), table("leads"))


def segment_costs() -> pd.Series:
    """Затраты на привлечение по сегментам за всю историю данных (распределение раздела)."""
    return acquisition.cac_by_segment(*(table(n) for n in ("marketing_spend", "sm_costs", "leads", "opportunities", "reps")),
                                      *course.HISTORY)["costs"]


def weighted_lag_days() -> float:
    """Дни от лида до сделки, взвешенные по затратам сегментов."""
    segment_of = acquisition.new_customer_deals(table("opportunities")).set_index("account_id")["segment"]
    return acquisition.cost_weighted_lag_days(lead_days(), segment_of, segment_costs())


def lag_months() -> int:
    """Лаг раздела: дни от лида до сделки, взвешенные по затратам, в целых месяцах."""
    return acquisition.lag_months_from_days(weighted_lag_days())


def median_lag_months() -> int:
    """Лаг по медианному клиенту (в основном малый бизнес) в целых месяцах."""
    return acquisition.lag_months_from_days(lead_days().median())


def _shifted_costs(months: int, media_only: bool = False) -> float:
    """Затраты II квартала 2025 года, сдвинутые на ``months`` месяцев назад (отрицательный сдвиг — вперёд)."""
    lo = pd.Timestamp(Q2_2025[0]) - pd.DateOffset(months=months)
    hi = lo + pd.DateOffset(months=2) + pd.offsets.MonthEnd(0)
    if media_only:
        return _spend(lo, hi)
    return float(acquisition.acquisition_costs(table("marketing_spend"), table("sm_costs"), lo, hi).sum())


def _quarter_lag_cac() -> float:
    """CAC II квартала 2025 года с лагом в квартал (затраты I квартала) — защитимая альтернатива измеренному лагу."""
    return _full_costs(*Q1_2025) / _new(*Q2_2025)


class _LagOrQuarter(Number):
    """Засчитывает и измеренный взвешенный лаг, и лаг в квартал: взвешенный лаг лежит между тремя и четырьмя месяцами."""

    def equal(self, answer: float, expected) -> bool:
        return super().equal(answer, expected) or super().equal(answer, _quarter_lag_cac())


q5 = Exercise(
    id="ch01.cac.q5",
    title="CAC с лагом от лида до сделки, взвешенным по затратам",
    var="lagged_cac_2025q2",
    expected=lambda: _shifted_costs(lag_months()) / _new(*Q2_2025),
    compare=_LagOrQuarter(rel_tol=0.005),
    hints=[
        "Числитель — acquisition.acquisition_costs(spend, costs, '2024-12-01', '2025-02-28').sum(): затраты сдвинуты на измеренный лаг назад.",
        "Знаменатель — новые клиенты II квартала 2025 года: acquisition.new_customers(opps, *course.quarter('2025Q2')).",
    ],
    mistakes=[
        Mistake(name="no_lag", value=lambda: _full_costs(*Q2_2025) / _new(*Q2_2025),
                hint="Это CAC без лага: затраты и клиенты одного квартала. Затраты нужно взять за декабрь 2024 — февраль 2025 года."),
        Mistake(name="median_lag", value=lambda: _shifted_costs(median_lag_months()) / _new(*Q2_2025),
                hint="Это лаг по медианному клиенту. Медианный клиент — малый бизнес, а бо́льшая часть затрат идёт на mid-market и enterprise, "
                     "где от лида до сделки месяцы. Возьмите лаг, взвешенный по затратам: затраты декабря 2024 — февраля 2025 года."),
        Mistake(name="reversed", value=lambda: _shifted_costs(-lag_months()) / _new(*Q2_2025),
                hint="Сдвиг в обратную сторону: затраты предшествуют клиентам, а не наоборот. Затраты — декабрь 2024 — февраль 2025 года, клиенты — апрель — июнь 2025 года."),
        Mistake(name="media_only", value=lambda: _shifted_costs(lag_months(), media_only=True) / _new(*Q2_2025),
                hint="Лаг правильный, но в числителе только реклама. Нужен полный CAC: acquisition.acquisition_costs(...).sum()."),
    ],
    correct_message="Верно (лаг в квартал — затраты января — марта — тоже засчитан: взвешенный лаг лежит между тремя и четырьмя месяцами). С лагом CAC заметно ниже: клиентов II квартала привели затраты декабря — февраля, они меньше не только из-за роста, "
                    "но и потому, что в эти месяцы нет конференций. Лаг меняет квартальный CAC в обе стороны — сравнивайте кварталы с теми же кварталами прошлого года.",
)

# ---------------------------------------------------------------------------
# 6. Решение: какому каналу добавить бюджет
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def paid_funnel() -> pd.DataFrame:
    """Платные каналы 2024 года — по ним решают, какому каналу добавить бюджет (здесь) и какой сократить (раздел 1.1.4)."""
    f = funnel(*course.YEAR_2024)
    return f[f["spend_rub"] > 0]


def _cheapest(column: str) -> str:
    return str(paid_funnel()[column].idxmin())


q6 = Exercise(
    id="ch01.cac.q6",
    title="Какому каналу добавить бюджет",
    var="channel_to_grow",
    expected=lambda: _cheapest("cac"),
    compare=Choice(list(course.PAID_CHANNELS)),
    hints=[
        "Смотрите на столбец cac таблицы decision_table: решение о бюджете — по стоимости клиента, а не лида.",
        "decision_table['cac'].idxmin() вернёт код канала с самым дешёвым клиентом (органику idxmin пропустит: у неё CAC не определён).",
    ],
    mistakes=[
        Mistake(name="by_cpl", matches=lambda a: a == _cheapest("cpl") != _cheapest("cac"),
                hint="Вы выбрали канал с самым дешёвым лидом (CPL). Но дешёвый лид может плохо конвертироваться в клиентов — решайте по CAC."),
        Mistake(name="by_spend", matches=lambda a: a == _cheapest("spend_rub") != _cheapest("cac"),
                hint="Это канал с самым маленьким бюджетом, а не с самым дешёвым клиентом. Размер бюджета не говорит, сколько стоит клиент, — решайте по CAC."),
        Mistake(name="by_sql", matches=lambda a: a == _cheapest("cost_per_sql") != _cheapest("cac"),
                hint="Вы выбрали по стоимости SQL. После SQL воронка ещё сужается по-разному в разных каналах — решайте по CAC."),
    ],
    correct_message="Верно: у этого канала самый дешёвый новый клиент по рекламе. Но это средний CAC канала: следующий рубль бюджета "
                    "обычно приводит клиентов дороже среднего. Добавляйте бюджет шагами и считайте предельный CAC — дополнительные затраты / "
                    "дополнительные клиенты (раздел 1.1.4). На рубль контракта на пределе дешевле исходящие и партнёры (раздел 1.1.4) — "
                    "какое правило выбрать, зависит от того, покупаете вы клиентов или выручку. И проверьте LTV клиентов канала (раздел 1.1.2).",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Рекламный бюджет канала увеличили вдвое, а число лидов из него выросло на 80 %. Конверсия лида в клиента не изменилась. Что случилось с CAC канала?",
            (
                Option("Вырос примерно на 11 %", True, "Да: затраты ×2, клиенты ×1,8, CAC = 2 / 1,8 ≈ 1,11 от прежнего."),
                Option("Не изменился: конверсия же та же", False, "Конверсия та же, но лид подорожал: CPL вырос на 11 %, а CAC = CPL / конверсия."),
                Option("Снизился: лидов стало больше", False, "Лидов больше, но денег потрачено ещё больше — стоимость клиента растёт."),
            ),
        ),
        Question(
            "Какие затраты не входят в полный CAC B2B?",
            (
                Option("Премии AE за новые сделки", False, "Входят: это оплата за привлечение новых клиентов."),
                Option("Зарплаты CSM, которые ведут продления", True, "Верно: CSM работают с уже привлечёнными клиентами, это затраты на удержание."),
                Option("Подписка на CRM для отдела продаж", False, "Входит: без инструментов отдел продаж не привлекает клиентов."),
                Option("Страховые взносы с зарплат маркетологов", False, "Входят: это часть стоимости людей, которые привлекают клиентов."),
            ),
        ),
        Question(
            "Компания быстро растёт: бюджеты привлечения увеличиваются каждый квартал, цикл сделки — около трёх месяцев. Как CAC без лага соотносится с CAC с лагом в квартал?",
            (
                Option("Без лага CAC выше", True, "Да: текущие, бо́льшие затраты делятся на клиентов, которых привели меньшие затраты прошлого квартала. Без лага растущая компания завышает CAC."),
                Option("Без лага CAC ниже", False, "Наоборот: клиенты квартала пришли от прошлых, меньших затрат, а без лага их делят на текущие, бо́льшие. Так бывает у компании, которая режет бюджеты."),
                Option("Они равны: лаг влияет только на сроки", False, "Лаг меняет, какие затраты сопоставляются с какими клиентами, поэтому меняет и величину CAC."),
            ),
        ),
    ],
)
