"""Упражнения раздела 1.3 «Бюджетирование и ROI» (обе части).

Часть 1 (план, OPEX, CAPEX) — упражнения q1–q3 и ``quiz``; часть 2 (ROI найма
и риски плана) — q4–q6 и ``quiz_risk``.

Эталоны считаются из данных курса функциями ``salesbook.toolkit.planning``; допущения
сценария 2026 года (найм, цель, диапазоны рисков, стоимость интеграции) — те же
константы, что показаны в тетради. Каждая типичная ошибка — тот же расчёт
с одной конкретной ошибкой.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, planning, unit_economics

SECTION = "ch01.budget"
TITLE = "1.3. Бюджетирование и ROI"

SALES_ROLES = ("SDR", "BDR", "AE", "SE", "manager")

#: Горизонт оценки найма, месяцев.
ROI_HORIZON = 24


@lru_cache(maxsize=1)
def productivity_2025() -> pd.DataFrame:
    """Продуктивность AE по сегментам за 2025 год (prod_2025 в тетради)."""
    return planning.segment_productivity(table("opportunities"), table("reps"), *course.YEAR_2025)


@lru_cache(maxsize=1)
def _conv() -> pd.DataFrame:
    return planning.lead_conversion(table("leads"), table("opportunities"), *course.YEAR_2025)


@lru_cache(maxsize=2)
def team_2026(final: bool) -> pd.DataFrame:
    """Команда 2026 года: утверждённый найм или итоговый, с тремя дополнительными AE (team_final)."""
    hires = course.hires_2026()
    if final:
        hires = pd.concat([hires, course.extra_hires_2026()], ignore_index=True)
    return planning.plan_team(table("reps"), hires, course.PLAN_YEAR)


def bookings_plan_2026(final: bool = True) -> pd.Series:
    """План нового ARR 2026 года по сегментам."""
    capacity = planning.expected_capacity(team_2026(final), course.PLAN_YEAR)
    return planning.bookings_plan(capacity, productivity_2025()).sum()


@lru_cache(maxsize=1)
def _roi_inputs() -> dict[str, float]:
    """Параметры найма mid-market AE из данных 2025 года — как в тетради."""
    reps, costs, spend = table("reps"), table("sm_costs"), table("marketing_spend")
    in_2025 = costs["month"].dt.year == 2025
    sales_heads = planning.active_months(reps, *course.YEAR_2025, roles=SALES_ROLES).to_numpy().sum()
    per_head = costs.loc[in_2025 & (costs["department"] == "sales") & costs["cost_type"].isin(["tools", "overhead"]), "amount_rub"].sum() / sales_heads
    salary = reps.loc[(reps["role"] == "AE") & (reps["team"] == "mid_market"), "base_salary_rub"].median()
    opps = table("opportunities")
    new_acv_2025 = planning.new_bookings_by_month(opps).loc["2025"].sum()
    media = spend.loc[(spend["business_line"] == "b2b") & (spend["month"].dt.year == 2025), "spend_rub"].sum()
    agency = costs.loc[in_2025 & (costs["cost_type"] == "agency"), "amount_rub"].sum()
    return {
        "productivity": float(productivity_2025().loc["mid_market", "productivity"]),
        "ramp_months": float(reps.loc[(reps["role"] == "AE") & (reps["team"] == "mid_market"), "ramp_months"].median()),
        "cost_per_head": float(salary * (1 + course.PAYROLL_TAX_RATE_2026) + per_head),
        "bonus_rate": planning.bonus_rate(costs, spend, opps, *course.YEAR_2025) * (1 + course.PAYROLL_TAX_RATE_2026),
        "media_per_acv": float((media + agency) / new_acv_2025),
        "gross_margin": unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2025),
        "retention": planning.net_monthly_retention(table("mrr"), *course.YEAR_2025),
    }


def _hire_flows(ramp: bool = True, with_media: bool = True) -> pd.DataFrame:
    p = _roi_inputs()
    variable = p["bonus_rate"] + (p["media_per_acv"] if with_media else 0.0)
    return planning.hire_cash_flows(3, ROI_HORIZON, p["ramp_months"] if ramp else 0, p["productivity"], p["cost_per_head"],
                                    p["gross_margin"], variable, p["retention"])


@lru_cache(maxsize=2)
def simulation_2026(final: bool = True) -> pd.DataFrame:
    """Симуляция плана 2026 года методом Монте-Карло, как в тетради (10 000 прогонов, seed 2025)."""
    return planning.simulate_plan(team_2026(final), productivity_2025(), course.PLAN_YEAR, course.RISK_RANGES_2026, n_runs=10_000, seed=2025)


@lru_cache(maxsize=1)
def _tornado() -> pd.DataFrame:
    team, prod = team_2026(True), productivity_2025()
    ranges = {k: (v[0], v[2]) for k, v in course.RISK_RANGES_2026.items()}
    return planning.tornado(lambda **kw: planning.plan_new_arr(team, prod, course.PLAN_YEAR, **kw), planning.BASE_INPUTS, ranges)


# ---------------------------------------------------------------------------
# 1. Мощность команды mid-market
# ---------------------------------------------------------------------------


def _mm_capacity(shift: int = 0, ramp: bool = True, members: str = "final") -> float:
    """Мощность mid-market в 2026 году; shift = −1 — месяц найма считают нулевым.

    members: "final" — итоговая команда, "approved" — без трёх дополнительных AE,
    "current" — только работающие на 1 января.
    """
    team = team_2026(members == "final")
    team = team[team["segment"] == "mid_market"]
    if members == "current":
        team = team[~team["planned"]]
    hire_idx = planning._month_number(team["hire_date"]) - (course.PLAN_YEAR * 12 + 1) + 1
    k = np.arange(1, 13)[None, :] - hire_idx[:, None] + 1 + shift
    if not ramp:
        return float((k >= 1).sum())
    return float(planning.ramp_factor(k, team["ramp_months"].to_numpy()[:, None]).sum())


q1 = Exercise(
    id="ch01.budget.q1",
    title="Мощность команды mid-market в 2026 году",
    var="mm_capacity_2026",
    expected=lambda: float(planning.expected_capacity(team_2026(True), course.PLAN_YEAR)["mid_market"].sum()),
    compare=Number(rel_tol=0.005),
    hints=[
        "Мощность — сумма по месяцам и людям доли полной продуктивности: у работающих весь год AE — по 1 в месяц, "
        "у новичка в k-м месяце работы — k / ramp_months (месяц найма — первый).",
        "planning.expected_capacity(team_final, 2026) возвращает мощность по месяцам и сегментам — возьмите столбец "
        "'mid_market' и просуммируйте.",
    ],
    mistakes=[
        Mistake(name="no_ramp", value=lambda: _mm_capacity(ramp=False),
                hint="Это человеко-месяцы по штатному расписанию: новички посчитаны полностью продуктивными с первого дня. Учтите выход на продуктивность: в k-м месяце — k / ramp_months."),
        Mistake(name="approved_only", value=lambda: _mm_capacity(members="approved"),
                hint="Это команда без трёх дополнительных AE mid-market. Возьмите итоговую команду team_final."),
        Mistake(name="without_hires", value=lambda: _mm_capacity(members="current"),
                hint="Не хватает планового найма: в команде mid-market на 2026 год есть новички (planned == True)."),
        Mistake(name="ramp_from_zero", value=lambda: _mm_capacity(shift=-1),
                hint="Продуктивность в месяце найма взята нулевой. По соглашению раздела месяц найма — первый месяц выхода на продуктивность: в нём продуктивность 1 / ramp_months."),
        Mistake(name="whole_team", value=lambda: float(planning.expected_capacity(team_2026(True), course.PLAN_YEAR).to_numpy().sum()),
                hint="Это мощность всей команды AE. Нужен только сегмент mid_market."),
    ],
    correct_message="Разница со штатными человеко-месяцами — это цена выхода на продуктивность: её и не видит план «от численности».",
)

# ---------------------------------------------------------------------------
# 2. Лиды под план mid-market
# ---------------------------------------------------------------------------


def _mm_funnel() -> pd.Series:
    target = bookings_plan_2026(final=True)[["mid_market"]]
    return planning.funnel_requirements(target, productivity_2025(), _conv()).loc["mid_market"]


q2 = Exercise(
    id="ch01.budget.q2",
    title="Сколько лидов mid-market нужно под план",
    var="mm_leads_2026",
    expected=lambda: float(_mm_funnel()["leads"]),
    compare=Number(rel_tol=0.01),
    hints=[
        "Идите по воронке назад: сделки = ARR / средний ACV; сделки в работу = сделки / win rate; лиды = сделки в работу / конверсия лида в сделку.",
        "Все три конверсии — в строке 'mid_market' таблиц prod_2025 (столбцы acv и win_rate) и conv_2025 (lead_to_opp).",
    ],
    mistakes=[
        Mistake(name="opportunities", value=lambda: float(_mm_funnel()["opportunities"]),
                hint="Это сделки, которые нужно взять в работу, а не лиды. Остался шаг: разделите на конверсию лида в сделку (lead_to_opp)."),
        Mistake(name="no_win_rate", value=lambda: float(_mm_funnel()["deals"] / _conv().loc["mid_market", "lead_to_opp"]),
                hint="Не учтён win rate: не каждая сделка выигрывается. Сначала разделите число нужных выигрышей на win rate."),
        Mistake(name="double_win_rate", value=lambda: float(_mm_funnel()["leads"] / productivity_2025().loc["mid_market", "win_rate"]),
                hint="Win rate учтён дважды. Выигрыши / win rate = сделки в работу; дальше делите только на конверсию лида в сделку."),
        Mistake(name="pipeline_rub", value=lambda: float(_mm_funnel()["pipeline_rub"] / _conv().loc["mid_market", "lead_to_opp"]),
                hint="Вы делили рубли, а не штуки: сначала переведите план в число сделок через средний ACV."),
    ],
    correct_message="Сравните с лидами mid-market 2025 года из conv_2025 — это и есть требование к маркетингу.",
)

# ---------------------------------------------------------------------------
# 3. Амортизация интеграции в 2026 году
# ---------------------------------------------------------------------------


#: Первый месяц амортизации: следующий после ввода в эксплуатацию.
AMORTIZATION_START = (pd.Timestamp(course.CRM_INTEGRATION_IN_SERVICE) + pd.DateOffset(months=1)).strftime("%Y-%m-%d")


def _amortization(first_month: str, last_month: str = course.PLAN_PERIOD[1]) -> float:
    schedule = planning.amortization_schedule(course.CRM_INTEGRATION_COST, course.CRM_INTEGRATION_LIFE_MONTHS, first_month, last_month)
    return float(schedule["amortization"].sum())


q3 = Exercise(
    id="ch01.budget.q3",
    title="Амортизация интеграции CRM в 2026 году",
    var="amortization_2026",
    expected=lambda: _amortization(AMORTIZATION_START),
    compare=Number(rel_tol=0.005),
    hints=[
        "Линейно: стоимость / срок в месяцах — это расход одного месяца. Начисление — с апреля (месяц после ввода в марте) по декабрь.",
        "planning.amortization_schedule(4_200_000, 36, '2026-04-01', '2026-12-31')['amortization'].sum().",
    ],
    mistakes=[
        Mistake(name="expensed", value=lambda: float(course.CRM_INTEGRATION_COST),
                hint="Это вся стоимость сразу — так учитывают расход, а не капитальное вложение. Интеграция служит три года, и в расходы 2026 года попадает только амортизация."),
        Mistake(name="full_year", value=lambda: _amortization(course.PLAN_PERIOD[0]),
                hint="Это амортизация за полный год. Интеграцию ввели в марте, начисление — с апреля: в 2026 году девять месяцев."),
        Mistake(name="from_service_month", value=lambda: _amortization(course.CRM_INTEGRATION_IN_SERVICE),
                hint="Начисление начато в месяце ввода. Интеграция с исключительными правами — нематериальный актив по ФСБУ 14/2022, и начать с месяца признания тоже можно, но учётная политика «Сферы Софт» выбрала начало со следующего месяца — начинайте с апреля."),
    ],
    correct_message="Денег ушло больше, чем расходов в отчёте о прибылях: остальное — на балансе и будет списано в 2027–2029 годах.",
)

# ---------------------------------------------------------------------------
# 4. ROI найма трёх AE mid-market
# ---------------------------------------------------------------------------


def _roi(flows: pd.DataFrame, gain: str = "gross_profit") -> float:
    return planning.roi(flows[gain].sum(), flows["costs"].sum())


q4 = Exercise(
    id="ch01.budget.q4",
    title="ROI найма трёх AE mid-market за 24 месяца",
    var="roi_3_ae",
    expected=lambda: _roi(_hire_flows()),
    compare=Number(rel_tol=0.01, abs_tol=1e-4),
    hints=[
        "Постройте потоки planning.hire_cash_flows(3, 24, ramp_months, mm_productivity, cost_per_head, gross_margin, "
        "variable_rate, retention) — переменные затраты = премии со взносами + маркетинг на рубль ACV.",
        "ROI = (Σ валовой прибыли − Σ затрат) / Σ затрат: planning.roi(flows['gross_profit'].sum(), flows['costs'].sum()). Ответ — доля.",
    ],
    mistakes=[
        Mistake(name="no_ramp", value=lambda: _roi(_hire_flows(ramp=False)),
                hint="Новички посчитаны продуктивными с первого месяца. AE mid-market выходит на продуктивность за ramp_months месяцев, этот срок нужно передать в hire_cash_flows."),
        Mistake(name="people_only", value=lambda: _roi(_hire_flows(with_media=False)),
                hint="Не учтены деньги на лиды: новым AE нужны сделки, а сделки рождаются из маркетинга. Добавьте media_per_acv к переменным затратам."),
        Mistake(name="bookings", value=lambda: _roi(_hire_flows(), "bookings"),
                hint="В отдаче — подписанный ACV. Но компания получает его частями, со следующего месяца после сделки, и не весь — это выручка, а не прибыль. Берите валовую прибыль."),
        Mistake(name="revenue", value=lambda: _roi(_hire_flows(), "revenue"),
                hint="В отдаче — выручка. Из неё ещё платят хостинг, поддержку и лицензии: берите валовую прибыль (gross_profit)."),
    ],
    correct_message="За два года найм окупается, но с небольшим запасом: выход на продуктивность и деньги на лиды съедают первые месяцы, а ACV приходит выручкой по 1/12, "
                    "поэтому накопленный поток выходит в плюс лишь ближе к концу второго года. Заметьте, как сильно ROI зависит от того, учтены ли выход на продуктивность и стоимость лидов.",
)

# ---------------------------------------------------------------------------
# 5. Вероятность выполнить цель
# ---------------------------------------------------------------------------


def _prob(final: bool = True, threshold: float | None = None) -> float:
    level = course.TARGET_NEW_ARR_2026 if threshold is None else threshold
    return planning.plan_percentiles(simulation_2026(final), level)["prob_hit"]


def _plan_final() -> float:
    return float(bookings_plan_2026(final=True).sum())


#: Допуск q5: доля по симуляции с заданными seed и числом прогонов воспроизводится до прогона;
#: в задании просят округлить до 0,001, поэтому принимаем ±0,001 (и усечение вроде 0,155),
#: но не «на глаз» по гистограмме — такие ответы ошибаются на сотые.
PROB_TOL = 0.001


def monte_carlo_error(p: float, n_runs: int = 10_000) -> float:
    """Половина 95-процентного интервала доли p по n_runs прогонам: 1,96 · √(p(1 − p) / n)."""
    return 1.96 * float(np.sqrt(p * (1 - p) / n_runs))


def _q5_message() -> str:
    p = _prob()
    return (f"≈ {fmt.pct(p)} ± {fmt.number(100 * monte_carlo_error(p), 1)} п. п.: это погрешность самих 10 000 прогонов — с другим seed доля "
            "немного другая, поэтому вторая значащая цифра уже не важна для решения. Главное: цель даже чуть ниже итогового плана, а выполняется "
            "заметно реже, чем в половине сценариев. Причина — в построении: план посчитан на базовых (наиболее вероятных) значениях входов и без "
            "текучести, а средние несимметричных диапазонов хуже базы.")

q5 = Exercise(
    id="ch01.budget.q5",
    title="Вероятность выполнить цель совета директоров",
    var="prob_hit_target",
    expected=lambda: _prob(),
    compare=Number(rel_tol=0.0, abs_tol=PROB_TOL, generic_mistakes=False),
    hints=[
        "Запустите planning.simulate_plan(team_final, prod_2025, 2026, course.RISK_RANGES_2026, n_runs=10_000, seed=2025) — "
        "с этими seed и числом прогонов у всех получаются одни и те же 10 000 сценариев.",
        "Вероятность — доля прогонов, где new_arr не меньше цели: (sim['new_arr'] >= course.TARGET_NEW_ARR_2026).mean(). Ответ — доля.",
    ],
    mistakes=[
        Mistake(name="share_below", value=lambda: 1 - _prob(),
                hint="Это доля прогонов, где цель не выполнена. Нужна обратная величина: new_arr ≥ цели."),
        Mistake(name="approved_team", value=lambda: _prob(final=False),
                hint="Это команда без трёх дополнительных AE mid-market. Цель считается для итогового плана: team_final."),
        Mistake(name="plan_not_target", value=lambda: _prob(threshold=_plan_final()),
                hint="Это доля сценариев не хуже итогового плана (plan_final). Спрашивают про цель совета директоров: course.TARGET_NEW_ARR_2026."),
        Mistake(name="percent", value=lambda: 100 * _prob(),
                hint="Похоже, ответ в процентах, а нужна доля: 0,25, а не 25."),
        Mistake(name="not_this_simulation", matches=lambda a: abs(a - _prob()) < 0.05,
                hint="Близко, но не та доля. С seed=2025 и n_runs=10_000 симуляция воспроизводится до прогона, и ответ должен совпасть "
                     "с точностью до 0,001. Похоже, взят другой seed или другое число прогонов, доля прочитана с гистограммы или ответ округлён "
                     "грубее 0,001 — посчитайте её по прогонам и оставьте три знака после запятой."),
    ],
    correct_message=_q5_message,
)

# ---------------------------------------------------------------------------
# 6. Решение: какой риск снижать первым
# ---------------------------------------------------------------------------


def _derisk() -> str:
    return str(_tornado()["downside"].idxmax())


def _widest_range() -> str:
    ranges = {k: v[2] - v[0] for k, v in course.RISK_RANGES_2026.items() if k != "attrition"}
    return max(ranges, key=ranges.get)


q6 = Exercise(
    id="ch01.budget.q6",
    title="Какой вход плана защищать первым",
    var="derisk_first",
    expected=_derisk,
    compare=Choice(list(planning.RISK_INPUTS)),
    hints=[
        "Защищать первым стоит вход, пессимистичное значение которого сильнее всего роняет новый ARR, — столбец downside торнадо.",
        "tornado_table['downside'].idxmax() вернёт код входа.",
    ],
    mistakes=[
        Mistake(name="widest_range", value=_widest_range,
                hint="У этого входа самый широкий диапазон, но на новый ARR он влияет слабо: срок выхода на продуктивность касается только новичков. Решайте по влиянию на результат, а не по неопределённости входа."),
        Mistake(name="attrition", matches=lambda a: a == "attrition" != _derisk(),
                hint="Текучесть заметна и болезненна, но при наших диапазонах она роняет план меньше лидера торнадо. Посмотрите столбец downside."),
        Mistake(name="other", matches=lambda a: a != _derisk(),
                hint="У этого входа падение нового ARR в пессимистичном сценарии меньше, чем у лидера торнадо. Сравните столбец downside."),
    ],
    correct_message="Это самый сильный рычаг риска. Дальше — конкретные меры: квалификация сделок, разбор проигрышей, контроль воронки по стадиям.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Руководитель продаж строит план 2026 года «снизу». Что взять за продуктивность полностью продуктивного AE (ACV на AE-месяц)?",
            (
                Option("Годовую квоту AE: её уже согласовали", False,
                       "Квота — то, что у AE просят, а не то, что он продаёт. У «Сферы Софт» факт и квота расходятся в обе стороны — план от квоты ошибся бы так же."),
                Option("Факт прошлого года: ACV выигранных сделок на AE-месяц с учётом выхода на продуктивность", True,
                       "Да: продуктивность — из истории, а мощность — с учётом того, что новички первые месяцы продают меньше."),
                Option("ACV выигранных сделок, делённый на число AE в штате на 31 декабря", False,
                       "Штат на конец года не равен мощности за год: новички работали не весь год и выходили на продуктивность."),
            ),
        ),
        Question(
            "Новый клиент подписал годовой контракт на 1,2 млн ₽ ACV в декабре 2026 года и платит помесячно с января. Что он добавит в план 2026 года?",
            (
                Option("1,2 млн ₽ нового ARR и 1,2 млн ₽ выручки", False,
                       "ARR — годовая стоимость контракта, а выручка приходит по 1/12 в месяц, начиная со следующего месяца после сделки."),
                Option("1,2 млн ₽ нового ARR и ноль выручки 2026 года", True,
                       "Да: сделка попадает в новый ARR месяца подписания, а первый платёж — уже в январе 2027 года."),
                Option("0,1 млн ₽ и нового ARR, и выручки", False,
                       "Новый ARR — это полный ACV сделки, а не одна двенадцатая. И платить клиент начнёт только в январе."),
            ),
        ),
        Question(
            "Отдел продаж подключил сервис записи звонков по ежемесячной подписке. Как это попадёт в бюджет?",
            (
                Option("OPEX: расход каждого месяца, пока платим", True,
                       "Да: подписка — плата за пользование в текущем месяце, актива у компании не возникает."),
                Option("CAPEX: это программа, её нужно капитализировать и амортизировать", False,
                       "Капитализируют то, что компания создала или купила и будет использовать больше года. Подписка кончается вместе с оплатой."),
                Option("CAPEX, если годовая сумма больше лимита учётной политики", False,
                       "Лимит отделяет мелкие активы от крупных, но подписка — вообще не актив, какой бы большой ни была сумма."),
            ),
        ),
    ],
)

quiz_risk = Quiz(
    id=f"{SECTION}.risk",
    questions=[
        Question(
            "Поток найма — 24 месячных значения, первое приходит в конце первого месяца. Вы передаёте их в numpy_financial.npv(r, flows). Что не так?",
            (
                Option("Всё верно: npv дисконтирует каждый поток", False,
                       "npv считает первый элемент моментом t = 0 и не дисконтирует его: все потоки окажутся на месяц «ближе»."),
                Option("Первый поток не дисконтируется — нужно добавить 0 в начало ряда", True,
                       "Да: npv суммирует values[t] / (1 + r)^t с t = 0. Ноль в начале сдвигает поток первого месяца на t = 1."),
                Option("Нужно передать годовую ставку: npv сам переведёт её в месячную", False,
                       "npv ничего не переводит: ставка должна быть за тот же период, что и шаг потоков, — месячная."),
            ),
        ),
        Question(
            "План нового ARR посчитан на базовых (наиболее вероятных) значениях входов и без текучести. Диапазоны несимметричны: цикл может "
            "удлиниться в полтора раза, а сократиться — на десятую часть; в симуляции AE уходят. С какой вероятностью план выполнится?",
            (
                Option("Около 50 %: база — это середина", False,
                       "База — мода каждого входа, а не среднее: у несимметричного диапазона среднее хуже моды. Да и текучести в плане нет, а в симуляции она есть."),
                Option("Меньше 50 %", True,
                       "Да, но не по «закону природы»: план на модах и без текучести оптимистичнее плана на средних значениях входов. "
                       "Модель почти линейна, поэтому средний результат симуляции почти равен плану на средних входах."),
                Option("Больше 50 %: в плане нет оптимизма, все входы — как в прошлом году", False,
                       "«Как в прошлом году» — это мода, а риски смещены вниз: средние входов хуже базы, и текучести в плане нет."),
            ),
        ),
        Question(
            "В симуляции входы независимы. На деле медленный рынок одновременно снижает win rate и удлиняет цикл. Что изменится, если связать эти входы?",
            (
                Option("Среднее почти не изменится, а разброс вырастет: P10 опустится, P90 поднимется", True,
                       "Да: диапазоны каждого входа те же, поэтому среднее почти то же, но плохие значения теперь приходят вместе — нижний хвост толще."),
                Option("Всё сдвинется вниз: и среднее, и медиана, и P90", False,
                       "Связь не меняет распределение каждого входа по отдельности — только то, как часто крайние значения совпадают. Среднее почти не меняется."),
                Option("Ничего: у каждого входа уже есть свой диапазон", False,
                       "Диапазоны задают входы по отдельности, а не их сочетания. Независимость занижает вероятность «всё плохо сразу»."),
            ),
        ),
    ],
)
