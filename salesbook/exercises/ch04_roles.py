"""Упражнения раздела 4.1 «Основные роли».

Часть 1 (SDR, BDR, AE и enterprise-продавец) — q1–q4 и ``quiz``; часть 2 (пресейл, CSM
и пропорции команды) — q5–q8 и ``quiz_support``. Эталоны считает ``salesbook.toolkit.roles``
за 2025 год (``course.YEAR_2025``); каждая типичная ошибка — тот же расчёт с одной ошибкой.
"""

from __future__ import annotations

import pandas as pd

from salesbook.exercises import table, tables
from salesbook.runtime.checks import Exercise, Mistake, Number, Table
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, planning, roles
from salesbook.toolkit.acquisition import in_period

SECTION = "ch04.roles"
TITLE = "4.1. Основные роли"
PERIOD = course.YEAR_2025
BIG = ("mid_market", "enterprise")

_NAMES = ("reps", "leads", "opportunities", "mrr", "support_tickets", "sm_costs", "contacts", "ae_quotas")


def _t() -> dict:
    return tables(*_NAMES)


def _ids(role: str) -> set:
    reps = table("reps")
    return set(reps.loc[reps["role"].eq(role), "rep_id"])


# ---------------------------------------------------------------------------
# 1. SQL на продуктивный SDR-месяц
# ---------------------------------------------------------------------------


def _sdr_sqls(roles_=("SDR",), by_created: bool = False) -> float:
    leads = table("leads")
    ids = set().union(*(_ids(r) for r in roles_))
    mine = leads[leads["sdr_id"].isin(ids)]
    if by_created:
        return float((in_period(mine["created_date"], *PERIOD) & mine["sql_date"].notna()).sum())
    return float(in_period(mine["sql_date"], *PERIOD).sum())


def _headcount(role: str) -> int:
    """Сколько человек роли работало хоть день в 2025 году (ошибка «люди × 12»)."""
    r = table("reps")
    start, end = pd.Timestamp(PERIOD[0]), pd.Timestamp(PERIOD[1])
    return int(((r["role"] == role) & (r["hire_date"] <= end) & (r["exit_date"].isna() | (r["exit_date"] >= start))).sum())


def _all_sqls() -> float:
    return float(in_period(table("leads")["sql_date"], *PERIOD).sum())


q1 = Exercise(
    id="ch04.roles.q1",
    title="Сколько SQL даёт SDR в месяц",
    var="sql_per_sdr_month",
    expected=lambda: float(roles.capacity("SDR", _t(), *PERIOD)["sql_per_month"]),
    compare=Number(rel_tol=0.01),
    hints=[
        "Числитель — SQL 2025 года (по sql_date) из лидов, у которых sdr_id — сотрудник с ролью SDR. "
        "Знаменатель — полностью продуктивные SDR-месяцы 2025 года.",
        "roles.person_months(reps, *course.YEAR_2025, 'SDR') даёт знаменатель с учётом выхода на продуктивность.",
    ],
    mistakes=[
        Mistake(name="with_bdr", value=lambda: _sdr_sqls(("SDR", "BDR")) / roles.person_months(table("reps"), *PERIOD, "SDR"),
                hint="В числителе SQL и SDR, и BDR, а в знаменателе — только SDR-месяцы. Оставьте лиды, чей sdr_id — SDR."),
        Mistake(name="all_sqls", value=lambda: _all_sqls() / roles.person_months(table("reps"), *PERIOD, "SDR"),
                hint="Вы взяли все SQL года, включая пробный период малого бизнеса: их квалифицирует продукт, а не SDR "
                     "(sdr_id пуст). Оставьте лиды с sdr_id SDR."),
        Mistake(name="headcount", value=lambda: _sdr_sqls() / (12 * _headcount("SDR")),
                hint="Вы поделили на «людей × 12 месяцев»: так каждый, кто пришёл или ушёл в течение года, считается "
                     "за полный год. Нужны отработанные месяцы с учётом выхода на продуктивность — roles.person_months."),
        Mistake(name="cohort", value=lambda: _sdr_sqls(by_created=True) / roles.person_months(table("reps"), *PERIOD, "SDR"),
                hint="Вы отобрали лиды, созданные в 2025 году, и посчитали, сколько из них когда-либо стали SQL. "
                     "Мощность — это SQL, сделанные в 2025 году: фильтр по sql_date."),
    ],
    correct_message="Это и есть мощность SDR: примерно столько квалификационных встреч в месяц выдаёт "
                    "продуктивный SDR. С ней сравнивают план SQL и считают, сколько SDR нужно под поток лидов.",
)

# ---------------------------------------------------------------------------
# 2. Доля переменной части AE
# ---------------------------------------------------------------------------


def _mix() -> pd.DataFrame:
    return roles.pay_mix(table("sm_costs"), *PERIOD)


q2 = Exercise(
    id="ch04.roles.q2",
    title="Доля переменной части в выплатах AE",
    var="ae_variable_share",
    expected=lambda: float(_mix().loc["AE", "variable_share"]),
    compare=Number(rel_tol=0.005),
    hints=[
        "В sm_costs за 2025 год возьмите строки роли AE: оклады (cost_type == 'salary') и премии ('bonus').",
        "Доля переменной части = премии / (оклады + премии), как доля от 0 до 1.",
    ],
    mistakes=[
        Mistake(name="bonus_to_salary", value=lambda: float(_mix().loc["AE", "bonus_rub"] / _mix().loc["AE", "salary_rub"]),
                hint="Это премии, делённые на оклады. Доля переменной части считается от всего дохода: премии / (оклады + премии)."),
        Mistake(name="base_share", value=lambda: float(1 - _mix().loc["AE", "variable_share"]),
                hint="Это доля оклада. Задание просит долю переменной части — премий."),
        Mistake(name="all_roles", value=lambda: float(_mix()["bonus_rub"].sum() / (_mix()["salary_rub"] + _mix()["bonus_rub"]).sum()),
                hint="Вы взяли премии и оклады всех ролей продаж. Нужна только роль AE."),
    ],
    correct_message="Фактическая доля — это то, что AE реально получили. В плане «оклад/переменная часть» "
                    "(pay mix) доля считается при выполнении плана ровно на 100 %: при недовыполнении "
                    "фактическая доля ниже плановой, при перевыполнении — выше.",
)

# ---------------------------------------------------------------------------
# 3. Карточка роли BDR (числовая часть)
# ---------------------------------------------------------------------------

CARD_ITEMS = ("sql_per_month", "variable_share", "loaded_pm", "cost_per_sql")


def bdr_card(loaded_key: str = "loaded_pm", ramped: bool = True) -> pd.DataFrame:
    """Числовая часть карточки BDR за 2025 год (эталон упражнения 3)."""
    t = _t()
    cap = roles.capacity("BDR", t, *PERIOD)
    sql = cap["sql_per_month"]
    if not ramped:
        sql = sql * cap["person_months"] / roles.person_months(t["reps"], *PERIOD, "BDR", ramped=False)
    cost = roles.loaded_cost(t["sm_costs"], t["reps"], *PERIOD).loc["BDR"]
    loaded = float(cost["loaded_pm"] - (cost["overhead_pm"] if loaded_key == "no_overhead" else 0.0)
                   - (cost["tax_pm"] if loaded_key == "no_tax" else 0.0))
    values = {"sql_per_month": float(sql), "variable_share": float(_mix().loc["BDR", "variable_share"]),
              "loaded_pm": loaded, "cost_per_sql": loaded / float(sql)}
    return pd.DataFrame({"value": values}).rename_axis("item")


q3 = Exercise(
    id="ch04.roles.q3",
    title="Карточка роли BDR",
    var="bdr_card_numbers",
    expected=lambda: bdr_card(),
    compare=Table(columns=["value"], rel_tol=0.01),
    hints=[
        "Строки таблицы: sql_per_month (roles.capacity), variable_share (roles.pay_mix), loaded_pm (roles.loaded_cost) "
        "и cost_per_sql = loaded_pm / sql_per_month. Столбец — value.",
        "Полная стоимость — столбец loaded_pm из roles.loaded_cost: оклад, премия, взносы и доля инструментов и накладных.",
    ],
    mistakes=[
        Mistake(name="no_overhead", value=lambda: bdr_card("no_overhead"),
                hint="В полной стоимости нет инструментов и накладных (столбец overhead_pm): телефония, CRM, базы контактов "
                     "и рабочее место тоже стоят денег. Берите loaded_pm целиком."),
        Mistake(name="no_tax", value=lambda: bdr_card("no_tax"),
                hint="В полной стоимости нет страховых взносов (tax_pm): с оклада и премии их платит компания."),
    ],
    correct_message="Карточка готова: столько SQL, такая доля переменной части, столько стоит месяц BDR "
                    "и во сколько обходится его работа на один SQL. Полная стоимость SQL исходящего канала (раздел 6.2) "
                    "выше: там к людям добавлен бюджет канала — базы контактов и сервисы обзвона.",
)

# ---------------------------------------------------------------------------
# 4. Решение: следующая ставка AE — mid-market или enterprise
# ---------------------------------------------------------------------------


def _prod() -> pd.DataFrame:
    return planning.segment_productivity(table("opportunities"), table("reps"), *PERIOD)


def extra_acv_mid_vs_ent(column: str = "productivity", months: int = 12) -> float:
    p = _prod()
    return float(months * (p.loc["mid_market", column] - p.loc["enterprise", column]))


q4 = Exercise(
    id="ch04.roles.q4",
    title="Mid-market или enterprise: чья ставка AE приносит больше",
    var="extra_acv_per_year",
    expected=lambda: extra_acv_mid_vs_ent(),
    compare=Number(rel_tol=0.01),
    hints=[
        "planning.segment_productivity(opps, reps, *course.YEAR_2025) даёт столбец productivity — выигранный ACV "
        "с новыми клиентами на полностью продуктивный AE-месяц.",
        "Разница mid-market минус enterprise в месяц, умноженная на 12, — за год.",
    ],
    mistakes=[
        Mistake(name="acv_per_deal", value=lambda: extra_acv_mid_vs_ent("acv", months=1),
                hint="Вы сравнили средний ACV одной сделки. Ставка AE приносит не одну сделку, а поток: "
                     "нужен выигранный ACV на AE-месяц (productivity)."),
        Mistake(name="quota", value=lambda: float(_prod().loc["mid_market", "quota"] - _prod().loc["enterprise", "quota"]),
                hint="Это разница годовых планов, а не того, что AE реально приносят. План — ожидание, productivity — факт."),
    ],
    correct_message="Продуктивный AE mid-market в 2025 году приносил больше нового ACV, чем enterprise-продавец, "
                    "хотя сделка enterprise в несколько раз крупнее: сделок мало, цикл длиннее, win rate ниже. "
                    "Следующую ставку разумнее открыть в mid-market, а enterprise-продавца нанимать под конкретный список "
                    "крупных компаний — и помнить, что годовой результат enterprise держится на десятке сделок.",
)

# ---------------------------------------------------------------------------
# Часть 2. 5. Сделок на SE-месяц
# ---------------------------------------------------------------------------


def _se_deals(closed_only: bool = True, ramped: bool | None = True) -> float:
    opps = table("opportunities")
    ids = _ids("SE")
    if closed_only:
        rows = opps[opps["outcome"].isin(["won", "lost"]) & in_period(opps["close_date"], *PERIOD)]
    else:
        rows = opps[in_period(opps["created_date"], *PERIOD)]
    n = float(rows["se_id"].isin(ids).sum())
    if ramped is None:
        return n / (12 * _headcount("SE"))
    return n / roles.person_months(table("reps"), *PERIOD, "SE", ramped=ramped)


q5 = Exercise(
    id="ch04.roles.q5",
    title="Сколько сделок закрывает SE в месяц",
    var="se_deals_per_month",
    expected=lambda: float(roles.capacity("SE", _t(), *PERIOD)["deals_per_month"]),
    compare=Number(rel_tol=0.01),
    hints=[
        "Сделки, закрытые в 2025 году (won или lost, по close_date), у которых заполнен se_id.",
        "Поделите на roles.person_months(reps, *course.YEAR_2025, 'SE').",
    ],
    mistakes=[
        Mistake(name="won_only", value=lambda: float(roles.capacity("SE", _t(), *PERIOD)["deals_per_month"])
                * float(table("opportunities").pipe(lambda o: o[o["se_id"].notna() & o["outcome"].eq("won")
                                                               & in_period(o["close_date"], *PERIOD)]).shape[0])
                / float(table("opportunities").pipe(lambda o: o[o["se_id"].notna() & o["outcome"].isin(["won", "lost"])
                                                               & in_period(o["close_date"], *PERIOD)]).shape[0]),
                hint="Вы посчитали только выигранные сделки. Пресейл тратит время и на проигранные — нужны все закрытые."),
        Mistake(name="headcount", value=lambda: _se_deals(ramped=None),
                hint="Вы поделили на «людей × 12 месяцев». Нужны полностью продуктивные SE-месяцы: roles.person_months."),
    ],
    correct_message="Это нагрузка пресейла: столько закрытых сделок проходит через одного SE в месяц — "
                    "а в работе у него одновременно ещё больше, ведь сделка mid-market идёт месяцами.",
)

# ---------------------------------------------------------------------------
# 6. ARR на CSM
# ---------------------------------------------------------------------------


def _arr_per_csm(months_mult: int = 12, divisor: str = "in_month") -> float:
    t = _t()
    last = pd.Timestamp(PERIOD[1]).to_period("M").to_timestamp()
    paying = roles.active_accounts(t["mrr"], last)
    if divisor == "in_month":
        n = planning.active_months(t["reps"], last, PERIOD[1], roles=("CSM",)).iloc[0].sum()
    else:
        n = roles.person_months(t["reps"], *PERIOD, "CSM", ramped=False) / 12
    return months_mult * float(paying.sum()) / float(n)


q6 = Exercise(
    id="ch04.roles.q6",
    title="ARR на одного CSM",
    var="arr_per_csm",
    expected=lambda: _arr_per_csm(),
    compare=Number(rel_tol=0.01),
    hints=[
        "ARR декабря 2025 года = 12 × MRR клиентов, плативших в декабре (roles.active_accounts(mrr, '2025-12-01')).",
        "Поделите на число CSM в штате в декабре 2025 года: planning.active_months(reps, '2025-12-01', '2025-12-31', roles=('CSM',)).",
    ],
    mistakes=[
        Mistake(name="mrr", value=lambda: _arr_per_csm(months_mult=1),
                hint="Это MRR на CSM, а нужен ARR: умножьте MRR декабря на 12."),
        Mistake(name="avg_headcount", value=lambda: _arr_per_csm(divisor="average"),
                hint="Вы поделили на среднюю численность CSM за год, а ARR взят на декабрь. "
                     "Числитель и знаменатель должны быть на одну дату — декабрь 2025 года."),
    ],
    correct_message="Это «портфель» одного CSM. С долларовыми ориентирами его сравнивают не напрямую, а через "
                    "отношение ARR портфеля к годовой полной стоимости CSM: оно не зависит от валюты и уровня зарплат.",
)

# ---------------------------------------------------------------------------
# 7. Сколько AE загружает один SDR
# ---------------------------------------------------------------------------


def sql_to_opp_share(role: str = "SDR", segments=BIG) -> float:
    """Доля SQL роли (sql_date в 2025 году), ставших сделкой сегментов ``segments`` (None — любой)."""
    t = _t()
    if segments is None:
        leads = t["leads"]
        mine = leads[leads["sdr_id"].isin(_ids(role)) & in_period(leads["sql_date"], *PERIOD)]
        return float(mine["opportunity_id"].notna().mean())
    return roles.sql_to_deal_share(t["leads"], t["opportunities"], t["reps"], role, *PERIOD, segments)


def ae_load() -> float:
    return roles.new_opps_per_ae_month(table("opportunities"), table("reps"), *PERIOD)


def ae_fed(conv: bool = True, segments=BIG) -> float:
    sql = float(roles.capacity("SDR", _t(), *PERIOD)["sql_per_month"])
    return roles.ae_fed_per_feeder(sql, ae_load(), sql_to_opp_share("SDR", segments) if conv else 1.0)


q7 = Exercise(
    id="ch04.roles.q7",
    title="Сколько AE загружает один SDR",
    var="ae_per_sdr",
    expected=lambda: ae_fed(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Нужны три числа за 2025 год: SQL на SDR-месяц (roles.capacity), доля SQL SDR, ставших сделкой mid-market "
        "или enterprise (roles.sql_to_deal_share), и новых сделок mid-market и enterprise на AE-месяц "
        "(roles.new_opps_per_ae_month).",
        "roles.ae_fed_per_feeder(sql_per_month, opps_per_ae_month, sql_to_opp).",
    ],
    mistakes=[
        Mistake(name="no_conversion", value=lambda: ae_fed(conv=False),
                hint="Не каждый SQL становится сделкой: часть отсеивается на первой встрече AE. Умножьте SQL на долю SQL, ставших сделкой."),
        Mistake(name="any_segment", value=lambda: ae_fed(segments=None),
                hint="Вы взяли все SQL SDR, ставшие сделкой, включая сделки SMB: они уходят AE малого бизнеса, а в знаменателе — "
                     "нагрузка AE mid-market и enterprise. Оставьте сделки этих двух сегментов (roles.sql_to_deal_share)."),
        Mistake(name="inverted", value=lambda: 1 / ae_fed(),
                hint="Вы перевернули отношение: получилось, сколько SDR приходится на одного AE. Нужно — сколько AE загружает один SDR."),
    ],
    correct_message="Это отношение «по нынешней нагрузке», а не по привычке: опубликованные 1 : 2–3 относятся к другим циклам, "
                    "долям входящих лидов и к компаниям США. Предела нагрузки AE оно не показывает — его в данных нет.",
)

# ---------------------------------------------------------------------------
# 8. Решение: кого нанимать следующим — BDR или AE
# ---------------------------------------------------------------------------


def bdr_acv(role: str = "BDR", segments=BIG, conv: bool = True, win: bool = True) -> float:
    """ACV в месяц от сделок mid-market и enterprise одного продуктивного BDR, 2025 год:
    SQL на BDR-месяц × доля SQL BDR, ставших сделкой этих сегментов × win rate × средний ACV выигранной."""
    t = _t()
    sql = float(roles.capacity(role, t, *PERIOD)["sql_per_month"])
    share_ = sql_to_opp_share(role, segments) if conv else 1.0
    big = _prod().loc[list(BIG)]
    win_rate = float(big["won_deals"].sum() / big["closed_deals"].sum()) if win else 1.0
    acv = float(big["won_acv"].sum() / big["won_deals"].sum())
    return sql * share_ * win_rate * acv


def hire_numbers() -> pd.Series:
    """Цифры решения «BDR или AE»: ACV в месяц от одного BDR и полная стоимость месяца BDR и AE, 2025 год."""
    t = _t()
    from salesbook.toolkit import outbound

    cost = roles.loaded_cost(t["sm_costs"], t["reps"], *PERIOD)["loaded_pm"]
    media = float(outbound.channel_costs(table("marketing_spend"), t["sm_costs"], *PERIOD)["media"])
    return pd.Series({"bdr_acv_per_month": bdr_acv(), "bdr_cost": float(cost["BDR"]),
                      "list_cost": media / roles.person_months(t["reps"], *PERIOD, "BDR"), "ae_cost": float(cost["AE"])})


q8 = Exercise(
    id="ch04.roles.q8",
    title="Кого нанимать следующим: BDR или AE",
    var="bdr_acv_per_month",
    expected=lambda: bdr_acv(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Три множителя за 2025 год: SQL на продуктивный BDR-месяц (roles.capacity('BDR', …)), доля SQL BDR, ставших "
        "сделкой mid-market или enterprise (roles.sql_to_deal_share(…, 'BDR', …)), и win rate и средний ACV выигранных "
        "сделок mid-market и enterprise вместе (planning.segment_productivity: won_deals, closed_deals, won_acv).",
        "ACV в месяц = SQL × доля в сделку × win rate × ACV. Сравните с полной стоимостью месяца BDR (roles.loaded_cost) "
        "плюс бюджетом базы контактов на BDR-месяц (list_cost).",
    ],
    mistakes=[
        Mistake(name="sdr_numbers", value=lambda: bdr_acv(role="SDR"),
                hint="Это SQL и конверсия SDR. Новый SDR входящих заявок делит тот же входящий поток — сделки добавляет BDR: "
                     "возьмите мощность и конверсию роли BDR."),
        Mistake(name="any_segment", value=lambda: bdr_acv(segments=None),
                hint="Вы взяли все SQL BDR, ставшие сделкой, включая SMB, но оценили их по win rate и ACV mid-market и enterprise. "
                     "Оставьте сделки mid-market и enterprise (roles.sql_to_deal_share)."),
        Mistake(name="no_conversion", value=lambda: bdr_acv(conv=False),
                hint="Не каждый SQL становится сделкой: умножьте SQL на долю SQL BDR, ставших сделкой mid-market или enterprise."),
        Mistake(name="no_win_rate", value=lambda: bdr_acv(win=False),
                hint="Вы посчитали, будто выигрывается каждая сделка. Умножьте на win rate сделок mid-market и enterprise."),
    ],
    correct_message="ACV в месяц от одного BDR в разы больше стоимости его месяца вместе с базой контактов, а новый AE при нынешнем "
                    "потоке лидов новых сделок не добавит — разделит те же. Следующая ставка — BDR. Оговорка: в данных у AE нет "
                    "предела нагрузки; в жизни проверьте, сколько открытых сделок ведёт AE, прежде чем добавлять ему поток.",
)

# ---------------------------------------------------------------------------
# Квизы
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Чем BDR отличается от SDR в «Сфере Софт»?",
            (
                Option("BDR сам находит целевые компании и пишет им первым; SDR работает с теми, кто пришёл сам", True,
                       "Да: SDR квалифицирует входящий поток, BDR создаёт исходящий. Поэтому у SDR мерят скорость реакции, "
                       "у BDR — охват списка и SQL из него."),
                Option("BDR закрывает сделки, SDR только назначает встречи", False,
                       "Закрывает сделки AE. И SDR, и BDR передают AE квалифицированную встречу (SQL)."),
                Option("Это одна роль, разные названия в разных компаниях", False,
                       "Названия действительно путают, но работа разная: входящий поток против исходящего. "
                       "В данных курса это две роли с разной мощностью и ценой SQL."),
            ),
        ),
        Question(
            "Новый AE mid-market вышел на работу в феврале со сроком выхода на продуктивность 4 месяца. "
            "Сколько полностью продуктивных месяцев он даст за февраль — май?",
            (
                Option("4", False, "Это отработанные месяцы. Продуктивность растёт постепенно: 1/4, 2/4, 3/4, 4/4."),
                Option("2,5", True, "1/4 + 2/4 + 3/4 + 1 = 2,5: так считает planning.ramp_factor, и так раздел делит "
                                    "результат роли на мощность."),
                Option("0 — пока не вышел на продуктивность, он ничего не даёт", False,
                       "Новичок даёт часть результата уже в первые месяцы; линейная модель выхода на продуктивность это учитывает."),
            ),
        ),
        Question(
            "Почему у enterprise-продавца доля переменной части обычно ниже, чем у AE SMB?",
            (
                Option("Цикл длинный и сделок мало: доход от нескольких сделок в год слишком случаен, чтобы держать на нём половину зарплаты", True,
                       "Да: чем меньше сделок и длиннее цикл, тем больше случайности в премии, и тем больше оклад."),
                Option("Enterprise-продавцы хуже продают", False, "Дело не в качестве людей, а в природе сделок."),
                Option("Так требует ТК РФ", False, "Трудовой кодекс не задаёт долю премии; она — решение компании."),
            ),
        ),
    ],
)

quiz_support = Quiz(
    id=f"{SECTION}.support",
    questions=[
        Question(
            "В сделках с пресейлом win rate по всем сегментам вместе ниже, чем без него. Значит ли это, что SE мешают?",
            (
                Option("Да: без SE выигрываем чаще", False,
                       "Это сравнение смешивает сегменты: SE в основном в enterprise и mid-market, где win rate ниже, "
                       "и почти никогда в SMB. Внутри каждого сегмента сделки с SE выигрываются не реже."),
                Option("Нет: сделки с SE в основном крупные, а у крупных win rate ниже — сравнивать надо внутри сегмента", True,
                       "Верно. А в реальной компании и внутри сегмента SE ставят на крупные и сложные сделки — "
                       "поэтому даже такое сравнение не доказывает эффект без учёта размера сделки."),
                Option("Нельзя сказать ничего: данных слишком мало", False,
                       "Сделок сотни; проблема не в объёме, а в том, что группы несравнимы."),
            ),
        ),
        Question(
            "Отношение ARR портфеля CSM к его годовой полной стоимости у «Сферы Софт» в разы выше, чем у ориентира 1 млн долл. ARR при компенсации 100 тыс. долл. Что это значит?",
            (
                Option("CSM работают отлично — можно не нанимать", False,
                       "Большой портфель — это и эффективность, и риск: у CSM нет времени на каждого клиента. Смотрите, что с удержанием."),
                Option("Нужно понять, какие клиенты получают личную работу CSM, а какие — обслуживание «один ко многим»", True,
                       "Да: при сотнях клиентов малого бизнеса на CSM личная работа возможна только с крупными; "
                       "остальным нужны рассылки, вебинары и база знаний."),
                Option("Ориентиры в долларах к рублёвой компании не применимы вообще", False,
                       "Применимы как порядок величины, если сравнивать не рубли с долларами, а отношение ARR к стоимости CSM."),
            ),
        ),
        Question(
            "Опубликованное соотношение — один SDR на 2–3 AE. У компании — один SDR на одного AE. Что делать?",
            (
                Option("Уволить половину SDR, чтобы прийти к норме", False,
                       "Норма из опроса не знает вашего потока лидов и нагрузки AE. Считать надо по своей мощности."),
                Option("Посчитать, сколько сделок дают SDR и BDR, сколько ведут AE, и решать, кто добавит сделки", True,
                       "Да: соотношение — следствие мощности ролей и потока лидов, а не цель."),
                Option("Нанять AE, пока соотношение не станет 1 : 3", False,
                       "Новый AE сделок не создаёт: он разделит тот же поток SQL. Добавляет сделки тот, кто создаёт поток, — "
                       "BDR или маркетинг."),
            ),
        ),
    ],
)
