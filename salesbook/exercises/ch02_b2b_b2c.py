"""Упражнения раздела 2.2 «Различия B2B и B2C».

Эталоны считаются функциями ``salesbook.toolkit.motions`` (B2B-числа в них — из
``unit_economics`` и ``kpi``, как в главе 1); каждая типичная ошибка — тот же расчёт
с одной конкретной ошибкой.
"""

from __future__ import annotations

import pandas as pd

from salesbook.exercises import table, tables
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, motions, retention, unit_economics

SECTION = "ch02.b2b_b2c"
TITLE = "2.2. Различия B2B и B2C"

TABLES = ("marketing_spend", "sm_costs", "reps", "leads", "opportunities", "mrr", "cogs", "accounts", "b2c_users", "b2c_purchases")

#: Срок окупаемости, который терпят в field sales: Bessemer допускает до 24–36 месяцев
#: для enterprise (cowan2012bessemerlaw6); берём нижнюю границу.
FIELD_PAYBACK_MONTHS = 24
#: ACV нового продукта в упражнении 4, ₽ (условие задачи).
NEW_PRODUCT_ACV = 600_000
#: Тариф «Планер для команды» в упражнениях 5–6 (допущения условия, не данные):
#: мест в тарифе, и цена места — цена годовой подписки 2025 года.
TEAM_SEATS = 5
#: Доля «сильных» пользователей, которые после звонка продавца переходят на командный тариф:
#: верх диапазона «PQL → выигрыш» 5–15 % глоссария RevOps (revopsdictionaryndpql).
CALL_WIN_RATE = 0.15
#: Вторая проверка решения: медиана «PQL → оплата» 32 % у GrowthSpree (growthspree2026pql);
#: верхний квартиль там — 45 % и выше.
CALL_WIN_RATE_MEDIAN = 0.32
CALL_WIN_RATE_TOP_QUARTILE = 0.45
#: Премия продавца — 8 % ACV выигранной сделки, как у AE в данных курса.
SELLER_BONUS_RATE = 0.08


def comparison() -> pd.DataFrame:
    """Таблица двух линий за 2024 год (отток B2B — за 2024–2025 годы), как в тексте раздела."""
    return motions.line_comparison(tables(*TABLES), *course.YEAR_2024, *course.YEARS_2024_2025)


# ---------------------------------------------------------------------------
# 1. CAC B2C на платной базе
# ---------------------------------------------------------------------------


def _b2c_channels() -> pd.DataFrame:
    return unit_economics.b2c_channel_economics(table("b2c_users"), table("b2c_purchases"), table("marketing_spend"),
                                                table("cogs"), *course.YEAR_2024)


def _b2c_cac(variant: str = "paid") -> float:
    c = _b2c_channels()
    paid = c[c["spend_rub"] > 0]
    if variant == "paid":
        return float(paid["spend_rub"].sum() / paid["payers"].sum())
    if variant == "blended":
        return float(c["spend_rub"].sum() / c["payers"].sum())
    if variant == "per_paid_signup":
        return float(paid["spend_rub"].sum() / paid["signups"].sum())
    return float(c["spend_rub"].sum() / c["signups"].sum())


q1 = Exercise(
    id="ch02.b2b_b2c.q1",
    title="CAC «Сферы Планер» за 2024 год",
    var="b2c_cac_2024",
    expected=lambda: _b2c_cac("paid"),
    compare=Number(rel_tol=0.005),
    hints=[
        "Таблица b2c_2024 (unit_economics.b2c_channel_economics за 2024 год) уже разложила бюджет, регистрации и платящих по каналам. "
        "Органика — строка с нулевым бюджетом.",
        "CAC — бюджет платных каналов, делённый на платящих из тех же каналов: paid['spend_rub'].sum() / paid['payers'].sum().",
    ],
    mistakes=[
        Mistake(name="blended", value=lambda: _b2c_cac("blended"),
                hint="Это смешанный CAC: в знаменателе и платящие с органики, которых реклама не привлекала. Возьмите только платные каналы."),
        Mistake(name="per_paid_signup", value=lambda: _b2c_cac("per_paid_signup"),
                hint="Это реклама на одну регистрацию, а клиент B2C — тот, кто заплатил. В знаменателе — платящие (payers), а не регистрации."),
        Mistake(name="per_signup", value=lambda: _b2c_cac("per_signup"),
                hint="Это бюджет на одну регистрацию из всех каналов. Нужен CAC: бюджет платных каналов / платящие из них."),
    ],
    correct_message="CAC «Сферы Планер» — тысячи рублей, у B2B — от десятков тысяч до миллионов. Но сравнивать его надо не с CAC B2B, а с валовой прибылью своего платящего.",
)

# ---------------------------------------------------------------------------
# 2. Во сколько раз PQL конвертируется лучше MQL
# ---------------------------------------------------------------------------


def _conversion() -> pd.DataFrame:
    return motions.lead_conversion(table("leads"), table("opportunities"), *course.YEAR_2024)


def _ratio(column: str = "win_rate", top: str = "pql", bottom: str = "mql") -> float:
    c = _conversion()
    return float(c.loc[top, column] / c.loc[bottom, column])


q2 = Exercise(
    id="ch02.b2b_b2c.q2",
    title="PQL против MQL в SMB",
    var="pql_vs_mql",
    expected=lambda: _ratio(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Нужны две доли из conversion (motions.lead_conversion за 2024 год): сколько PQL стали клиентами и сколько MQL без пробного периода стали клиентами — "
        "обе на лид группы, столбец win_rate.",
        "Ответ — отношение: conversion.loc['pql', 'win_rate'] / conversion.loc['mql', 'win_rate'].",
    ],
    mistakes=[
        Mistake(name="per_sql", value=lambda: _ratio("win_per_sql"),
                hint="Вы сравнили выигрыши на SQL. Вопрос — про лид: какая доля PQL и какая доля MQL стали клиентами (win_rate). "
                     "На SQL разница мала и в пределах шума: основное отличие PQL — каждый из них по определению SQL, с ним говорит AE."),
        Mistake(name="all_trials", value=lambda: _ratio(top="trial"),
                hint="Вы взяли все регистрации пробного периода. PQL — только те, кто активировал пробный период: строка 'pql'."),
        Mistake(name="inverse", value=lambda: _ratio(top="mql", bottom="pql"),
                hint="Отношение перевёрнуто: в числителе — доля PQL, в знаменателе — доля MQL."),
        Mistake(name="difference", value=lambda: float(_conversion().loc["pql", "win_rate"] - _conversion().loc["mql", "win_rate"]),
                hint="Это разность долей. Вопрос — во сколько раз: разделите долю PQL на долю MQL."),
    ],
    correct_message="PQL уже пользуется продуктом — поэтому конвертируется во много раз лучше. Но у MQL всего полтора десятка клиентов, интервал отношения широкий, и часть разницы заложена генератором (см. врезку «Что заложено в данные»).",
)

# ---------------------------------------------------------------------------
# 3. Точка безубыточности field sales
# ---------------------------------------------------------------------------


def _field_break_even(segment: str = "enterprise", months: float = FIELD_PAYBACK_MONTHS, margin: bool = True) -> float:
    c = comparison()
    gm = float(c.loc["gross_margin", segment]) if margin else 1.0
    return motions.break_even_acv(float(c.loc["cac", segment]), gm, months)


q3 = Exercise(
    id="ch02.b2b_b2c.q3",
    title="С какого ACV окупается field sales",
    var="field_break_even_acv",
    expected=lambda: _field_break_even(),
    compare=Number(rel_tol=0.005),
    hints=[
        "Стоимость сделки field sales — полный CAC команды enterprise за 2024 год (comparison.loc['cac', 'enterprise']), маржа — строка gross_margin.",
        "ACV × маржа × 24 / 12 = CAC, отсюда ACV = CAC × 12 / (маржа × 24) — или motions.break_even_acv(cac, маржа, payback_months=24).",
    ],
    mistakes=[
        Mistake(name="twelve_months", value=lambda: _field_break_even(months=12),
                hint="Это точка безубыточности при окупаемости за 12 месяцев. Для field sales в задании — 24 месяца: payback_months=24."),
        Mistake(name="no_margin", value=lambda: _field_break_even(margin=False),
                hint="Вы окупаете CAC выручкой. Вернуть CAC можно только валовой прибылью: умножьте ACV на маржу (в формуле — разделите на маржу)."),
        Mistake(name="mid_market", value=lambda: _field_break_even(segment="mid_market"),
                hint="Вы взяли CAC mid-market. В задании field sales — команда enterprise: столбец 'enterprise'."),
        Mistake(name="no_margin_twelve", value=lambda: _field_break_even(months=12, margin=False),
                hint="Это просто CAC: ACV, равный CAC, окупается за 12 месяцев, только если маржа — 100 %. Учтите маржу и срок 24 месяца."),
    ],
    correct_message="Средний ACV enterprise выше этой точки — field sales окупается, но только если компания готова ждать два года. При 12 месяцах нужен чек вдвое больше.",
)

# ---------------------------------------------------------------------------
# 4. Модель продаж для нового продукта
# ---------------------------------------------------------------------------


def break_even_by_motion() -> pd.Series:
    """Точка безубыточности каждой модели продаж данных курса (окупаемость 12 месяцев): по самой дешёвой линии модели."""
    return motions.motion_costs(comparison()).groupby("motion")["break_even_acv"].min()


MOTION_OPTIONS = ["self_serve", "product_led", "field_sales", "none"]

q4 = Exercise(
    id="ch02.b2b_b2c.q4",
    title="Модель продаж для нового продукта",
    var="motion_600k",
    expected=lambda: motions.motion_for_acv(NEW_PRODUCT_ACV, break_even_by_motion()),
    compare=Choice(MOTION_OPTIONS),
    hints=[
        "В break_even — ACV, с которого каждая модель продаж «Сферы Софт» окупается за 12 месяцев. Выпишите модели, у которых точка ниже 600 тыс. ₽.",
        "Из окупающихся берут самую «плотную» — где продавец делает для сделки больше всего: motions.motion_for_acv(600_000, break_even).",
    ],
    mistakes=[
        Mistake(name="field", matches=lambda a: a == "field_sales",
                hint="Field sales с нашими затратами окупается за 12 месяцев только с ACV в миллионы рублей: сравните 600 тыс. ₽ с break_even['field_sales']."),
        Mistake(name="self_serve", matches=lambda a: a == "self_serve",
                hint="Самообслуживание окупится, но чек 600 тыс. ₽ оплачивает и продавца: компании с таким чеком ждут разговора. Правило раздела — самая плотная модель из окупающихся."),
        Mistake(name="none", matches=lambda a: a == "none",
                hint="Хотя бы одна модель окупается: сравните 600 тыс. ₽ с каждой точкой в break_even."),
    ],
    correct_message="Продукт + inside sales: пробный период и AE по телефону. Field sales для такого чека слишком дорог — его включают выборочно, на крупные аккаунты.",
)

# ---------------------------------------------------------------------------
# 5–6. Продавец для «сильных» пользователей B2C
# ---------------------------------------------------------------------------


def power_users_2025() -> int:
    """«Сильные» пользователи B2C: купили «Про-пакет» в 2025 году (уникальные пользователи)."""
    p = table("b2c_purchases")
    return int(p.loc[(p["product"] == "pro_pack") & (p["date"].dt.year == 2025), "user_id"].nunique())


def seat_price_2025() -> float:
    """Цена места командного тарифа: средняя цена годовой подписки в 2025 году, ₽."""
    p = table("b2c_purchases")
    return float(p.loc[(p["product"] == "annual_sub") & (p["date"].dt.year == 2025), "amount_rub"].mean())


def seller_cost_2025() -> float:
    """Годовая стоимость одного inside-продавца: медианный текущий оклад AE команды SMB × 12 × (1 + взносы)."""
    reps = table("reps")
    active = reps[(reps["role"] == "AE") & (reps["team"] == "smb") & reps["exit_date"].isna()]
    return float(active["base_salary_rub"].median() * 12 * (1 + course.PAYROLL_TAX_RATE))


def b2c_margin_2025() -> float:
    """Валовая маржа B2C за 2025 год."""
    return retention.gross_margin(table("cogs"), retention.b2c_revenue(table("b2c_purchases")), *course.YEAR_2025,
                                  business_line="b2c")


def tier_effect(cannibalization: bool = True, margin: bool = True, tax: bool = True, bonus: bool = True,
                win_rate: float = CALL_WIN_RATE) -> float:
    """Прирост валовой прибыли за первый год от продавца для «сильных» пользователей, ₽."""
    deals = power_users_2025() * win_rate
    seats = TEAM_SEATS - 1 if cannibalization else TEAM_SEATS
    new_acv = deals * seats * seat_price_2025()
    gm = b2c_margin_2025() if margin else 1.0
    cost = seller_cost_2025() if tax else seller_cost_2025() / (1 + course.PAYROLL_TAX_RATE)
    return new_acv * gm - cost - (SELLER_BONUS_RATE * new_acv if bonus else 0.0)


def tier_break_even_rate() -> float:
    """Доля согласившихся, при которой эффект продавца за первый год равен нулю."""
    profit_per_deal = (TEAM_SEATS - 1) * seat_price_2025() * (b2c_margin_2025() - SELLER_BONUS_RATE)
    return seller_cost_2025() / (power_users_2025() * profit_per_deal)


def tier_decision() -> str:
    """Решение, устойчивое к обоим ориентирам: «add», только если эффект положителен и при 15 %, и при 32 %."""
    effects = [tier_effect(win_rate=r) for r in (CALL_WIN_RATE, CALL_WIN_RATE_MEDIAN)]
    if all(e > 0 for e in effects):
        return "add"
    if all(e < 0 for e in effects):
        return "skip"
    return "depends"


q5 = Exercise(
    id="ch02.b2b_b2c.q5",
    title="Сколько даст продавец для «сильных» пользователей B2C",
    var="tier_effect_rub",
    expected=lambda: tier_effect(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Сделок: power_users × CALL_WIN_RATE. Пользователь уже платит за одно место — новый ACV сделки: (TEAM_SEATS − 1) × seat_price.",
        "Эффект = новый ACV × маржа B2C − seller_cost − премия SELLER_BONUS_RATE × новый ACV. seller_cost уже включает страховые взносы.",
    ],
    mistakes=[
        Mistake(name="no_cannibalization", value=lambda: tier_effect(cannibalization=False),
                hint="Вы считаете все 5 мест новыми, но пользователь уже платит за годовую подписку — она становится одним из мест. Новых мест — TEAM_SEATS − 1."),
        Mistake(name="revenue", value=lambda: tier_effect(margin=False),
                hint="Вы сложили выручку, а продавца оплачивает валовая прибыль: умножьте новый ACV на маржу B2C."),
        Mistake(name="no_tax", value=lambda: tier_effect(tax=False),
                hint="Похоже, вы убрали страховые взносы из стоимости продавца. seller_cost уже посчитан с ними — вычитайте его целиком."),
        Mistake(name="no_bonus", value=lambda: tier_effect(bonus=False),
                hint="Забыта премия продавца: SELLER_BONUS_RATE × новый ACV — тоже затраты на продажу."),
        Mistake(name="median_rate", value=lambda: tier_effect(win_rate=CALL_WIN_RATE_MEDIAN),
                hint="Это эффект при 32 % (медиана GrowthSpree) — он понадобится в упражнении 6. Здесь доля согласившихся — CALL_WIN_RATE = 15 %."),
    ],
    correct_message="При 15 % согласившихся отдельный продавец не окупает себя за год. Проверьте в упражнении 6, меняется ли вывод при медиане 32 % из другого источника.",
)

DECISIONS = {"add": "нанять продавца", "skip": "не нанимать"}

q6 = Exercise(
    id="ch02.b2b_b2c.q6",
    title="Нанимать ли продавца для «сильных» пользователей B2C",
    var="tier_decision",
    expected=tier_decision,
    compare=Choice(list(DECISIONS), labels=DECISIONS),
    hints=[
        "Решение должно выдержать оба ориентира: посчитайте эффект и при CALL_WIN_RATE = 15 %, и при CALL_WIN_RATE_MEDIAN = 32 % — "
        "tier_effect(win_rate=...) или та же формула, что в упражнении 5.",
        "Доля согласившихся, при которой эффект равен нулю: seller_cost / (power_users × (TEAM_SEATS − 1) × seat_price × (маржа − премия)). "
        "Сравните её с 15 % и 32 %.",
    ],
    mistakes=[
        Mistake(name="add", matches=lambda a: a == "add",
                hint="Эффект отрицательный и при 15 %, и при медиане 32 %: точка безубыточности выше обеих. "
                     "Продавец окупился бы только при доле из верхнего квартиля GrowthSpree (45 % и выше) — на это решение не ставят."),
    ],
    correct_message="Не нанимать: точка безубыточности выше и 15 %, и медианы 32 %, ниже только верхнего квартиля. "
                    "К тому же «сильных» пользователей — несколько сотен в год, это два-три звонка в рабочий день: отдельного продавца ими не загрузить. "
                    "Дешевле предложение командного тарифа в продукте или часть времени действующего AE — но это уже другой расчёт.",
)

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "CAC «Сферы Планер» в десятки раз меньше CAC сегмента SMB «Сферы Деск». Значит ли это, что B2C-линия привлекает клиентов выгоднее?",
            (
                Option("Да: клиент дешевле — значит, выгоднее", False,
                       "CAC сам по себе ничего не говорит: его сравнивают с валовой прибылью клиента. У B2C и чек в десятки раз меньше, а отток — в разы выше."),
                Option("Нет: выгодность — это валовая прибыль клиента против CAC, а у B2C платная регистрация приносит меньше, чем стоит реклама на неё", True,
                       "Именно: по когорте 2023 года (раздел 1.1.2) платная регистрация за два года приносит валовой прибыли почти втрое меньше, чем на неё потрачено рекламы, — при CAC в тысячи рублей."),
                Option("Сравнивать нельзя: у B2C нет CAC", False,
                       "CAC есть: реклама платных каналов на платящего из них. Нет зарплат продавцов — но это тоже часть различия."),
            ),
        ),
        Question(
            "Gartner насчитывает в комитете закупки B2B 6–10 человек. По каким следам в CRM комитет обычно виден?",
            (
                Option("Таблица участников комитета по сделкам", False,
                       "Такой таблицы в данных нет — и в большинстве CRM её тоже нет. Комитет видно по косвенным признакам."),
                Option("Длина цикла и участие пресейла: растут от SMB к enterprise", True,
                       "Да, в жизни это косвенные признаки комитета. В данных «Сферы Софт» цикл и участие пресейла заданы по сегменту — это допущение, а не измерение комитета."),
                Option("Доля органики в лидах", False,
                       "Канал лида говорит, откуда пришёл интерес, а не сколько человек решают."),
            ),
        ),
        Question(
            "Компания готова окупать затраты на продажу не за 12, а за 24 месяца. Что происходит с ACV, с которого окупается field sales?",
            (
                Option("Падает вдвое", True,
                       "ACV = стоимость сделки × 12 / (маржа × срок): срок вдвое больше — точка вдвое ниже. Цена — деньги, замороженные на два года, и риск оттока до окупаемости."),
                Option("Не меняется: точку задаёт только маржа", False,
                       "Срок окупаемости входит в формулу наравне с маржой."),
                Option("Растёт вдвое", False,
                       "Наоборот: чем дольше компания готова ждать, тем меньший чек успевает вернуть затраты."),
            ),
        ),
    ],
)
