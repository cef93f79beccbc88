"""Упражнения раздела 5.4, часть 2 «План мотивации и выплаты».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.compensation``; каждая типичная
ошибка — тот же расчёт с одной конкретной ошибкой (ускоритель на всё выполнение, забытый порог
или потолок, план без выхода на продуктивность, премии всех ролей вместо премий AE…).
"""

from __future__ import annotations

import pandas as pd

from salesbook.data.generator.params.people import AE_COMMISSION
from salesbook.exercises import table
from salesbook.runtime.checks import Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import compensation, course, kpi

SECTION = "ch05.pay"
TITLE = "5.4. Карьерные треки и мотивация, часть 2: план мотивации и выплаты"

#: AE упражнения 1 (перевыполнил план 2025 года) и упражнения 3 (чуть ниже порога).
REP_ABOVE = "R024"
REP_NEAR_THRESHOLD = "R045"
#: Сделка, которую AE упражнения 3 мог бы подписать в декабре 2025 года, а не в январе 2026-го, ₽.
PULLED_DEAL_RUB = 500_000
#: Оклад AE упражнения 4, ₽ в месяц.
BASE_Q4 = 200_000


def _ae_rate() -> float:
    """Нынешняя ставка комиссии AE из таблицы правил ``pay_plans`` (доля ACV)."""
    plans = table("pay_plans")
    return float(plans.loc[plans["role"].eq("AE"), "rate_pct"].iloc[0]) / 100


#: Ставка для текстов подсказок: то же правило данных, что в ``pay_plans`` (params/people.py).
_AE_RATE_TEXT = f"{AE_COMMISSION * 100:.0f}\u00a0%"


def _plan_table() -> pd.DataFrame:
    return compensation.quota_plan_table(table("opportunities"), table("reps"), *course.YEAR_2025)


def _row(rep: str) -> pd.Series:
    return _plan_table().loc[rep]


# ---------------------------------------------------------------------------
# 1. Выплата одного AE по предлагаемому плану
# ---------------------------------------------------------------------------


def _payout_rep(rep: str, **plan) -> float:
    r = _row(rep)
    return compensation.payout(r["bookings_rub"], r["quota_rub"], r["target_variable_rub"], **(compensation.PROPOSED_PLAN | plan))


q1 = Exercise(
    id="ch05.pay.q1",
    title=f"Выплата AE {REP_ABOVE} за 2025 год по предлагаемому плану",
    var="payout_r024",
    expected=lambda: _payout_rep(REP_ABOVE),
    compare=Number(rel_tol=0.002),
    hints=[
        "Строка AE в таблице compensation.quota_plan_table(opps, reps, *course.YEAR_2025): выигранный ACV, план и целевая переменная часть за отработанные месяцы.",
        "compensation.payout(bookings, quota, target_variable, **compensation.PROPOSED_PLAN): до 100 % плана каждый процент платит 1 % целевой части, сверх плана — 2 %, потолок — 200 %.",
    ],
    mistakes=[
        Mistake(name="accelerator_on_all", value=lambda: min(2 * _row(REP_ABOVE)["bookings_rub"] / _row(REP_ABOVE)["quota_rub"], 2.0) * _row(REP_ABOVE)["target_variable_rub"],
                hint="Ускоритель ×2 применён ко всему выполнению. Он действует только на часть сверх 100 % плана: 100 % × 1 + (выполнение − 100 %) × 2."),
        Mistake(name="no_accelerator", value=lambda: _payout_rep(REP_ABOVE, tiers=compensation.FLAT_TIERS),
                hint="Выплата посчитана без ускорителя: выполнение × целевая часть. Сверх плана каждый процент по предлагаемому плану платит вдвое больше."),
        Mistake(name="with_salary", value=lambda: _payout_rep(REP_ABOVE) + _row(REP_ABOVE)["months_worked"] * table("reps").set_index("rep_id").loc[REP_ABOVE, "base_salary_rub"],
                hint="К выплате прибавлен оклад. Нужна только переменная часть — то, что платит кривая плана."),
    ],
)

# ---------------------------------------------------------------------------
# 2. Вся команда AE по предлагаемому плану
# ---------------------------------------------------------------------------


def _team_cost(frame: pd.DataFrame, **plan) -> float:
    return float(compensation.plan_payouts(frame, **(compensation.PROPOSED_PLAN | plan))["payout_rub"].sum())


def _table_with(opps=None, ramp=True) -> pd.DataFrame:
    reps = table("reps")
    opps = table("opportunities") if opps is None else opps
    t = kpi.quota_attainment(opps, reps, *course.YEAR_2025, ramp=ramp)
    base = _plan_table()
    t = t.loc[base.index]
    return t.assign(target_variable_rub=base["target_variable_rub"])


q2 = Exercise(
    id="ch05.pay.q2",
    title="Сколько стоила бы команда AE в 2025 году по предлагаемому плану",
    var="team_payout_2025",
    expected=lambda: _team_cost(_plan_table()),
    compare=Number(rel_tol=0.003),
    hints=[
        "Таблица выполнения — compensation.quota_plan_table(opps, reps, *course.YEAR_2025); выплаты — compensation.plan_payouts(таблица, **compensation.PROPOSED_PLAN).",
        "Ответ — сумма столбца payout_rub по всем AE, ₽ за год (без взносов).",
    ],
    mistakes=[
        Mistake(name="no_threshold", value=lambda: _team_cost(_plan_table(), threshold=0.0),
                hint="Порог не учтён: AE ниже 50 % плана по предлагаемому плану не получает ничего."),
        Mistake(name="no_cap", value=lambda: _team_cost(_plan_table(), cap=None),
                hint="Потолок не учтён: выплата AE не больше 200 % его целевой переменной части."),
        Mistake(name="deals_after_exit", value=lambda: _team_cost(_table_with()),
                hint="В выигранный ACV попали сделки, закрытые после ухода AE: по правилам компании за них не платят. Уберите их (kpi.before_owner_exit) — это делает compensation.quota_plan_table."),
        Mistake(name="no_ramp", value=lambda: _team_cost(_table_with(kpi.before_owner_exit(table("opportunities"), table("reps")), ramp=False)),
                hint="План посчитан без выхода на продуктивность: новичку выставлен полный план с первого месяца, и его выполнение занижено."),
    ],
)

# ---------------------------------------------------------------------------
# 3. Что поощряет порог: одна сделка через конец года
# ---------------------------------------------------------------------------


def _pull_gain(threshold: bool = True) -> float:
    r = _row(REP_NEAR_THRESHOLD)
    plan = compensation.PROPOSED_PLAN | ({} if threshold else {"threshold": 0.0})
    with_deal = compensation.payout(r["bookings_rub"] + PULLED_DEAL_RUB, r["quota_rub"], r["target_variable_rub"], **plan)
    without = compensation.payout(r["bookings_rub"], r["quota_rub"], r["target_variable_rub"], **plan)
    return with_deal - without


q3 = Exercise(
    id="ch05.pay.q3",
    title="Сколько платит порог за одну сделку, перенесённую на декабрь",
    var="pull_gain_rub",
    expected=_pull_gain,
    compare=Number(rel_tol=0.003),
    hints=[
        f"Выплата AE {REP_NEAR_THRESHOLD} по предлагаемому плану за 2025 год — со сделкой {PULLED_DEAL_RUB:_} ₽ в декабре и без неё; ответ — разница, ₽.".replace("_", " "),
        "Оба раза — compensation.payout(bookings, quota, target_variable, **compensation.PROPOSED_PLAN), во втором bookings больше на сумму сделки.",
    ],
    mistakes=[
        Mistake(name="no_threshold", value=lambda: _pull_gain(threshold=False),
                hint="Вы посчитали без порога — только «честную» добавку за 500 тыс. ₽. Но AE сейчас ниже порога, и сделка переводит его через порог: платится всё выполнение с нуля."),
        Mistake(name="current_plan", value=lambda: _ae_rate() * PULLED_DEAL_RUB,
                hint=f"Это комиссия нынешнего плана ({_AE_RATE_TEXT} ACV). Вопрос — о предлагаемом плане с порогом."),
    ],
)

# ---------------------------------------------------------------------------
# 4. План в бюджете: та же сумма, что сейчас
# ---------------------------------------------------------------------------


def _current_ae_cost() -> float:
    p = table("rep_payouts")
    sel = p["component"].eq("ae_commission") & p["month"].between(*course.YEAR_2025)
    return float(p.loc[sel, "payout_rub"].sum())


def _neutral_target(budget: float | None = None) -> float:
    budget = _current_ae_cost() if budget is None else budget
    return 12 * BASE_Q4 * budget / _team_cost(_plan_table())


def _all_bonus_2025() -> float:
    c = table("sm_costs")
    return float(c.loc[c["cost_type"].eq("bonus") & c["month"].between(*course.YEAR_2025), "amount_rub"].sum())


q4 = Exercise(
    id="ch05.pay.q4",
    title="Целевая переменная часть в плане той же стоимости",
    var="target_variable_neutral",
    expected=_neutral_target,
    compare=Number(rel_tol=0.005),
    hints=[
        "Бюджет — комиссии AE за 2025 год по нынешнему плану (rep_payouts, component == 'ae_commission'). Стоимость предлагаемого плана — ваш ответ упражнения 2 (посчитайте заново, не берите переменную упражнения).",
        f"Выплаты плана пропорциональны целевой переменной части: уменьшите её во столько раз, во сколько план дороже бюджета. Для оклада {BASE_Q4:_} ₽ в месяц при 50/50 целевая часть — 12 окладов; ответ — она × бюджет / стоимость плана, ₽ в год.".replace("_", " "),
    ],
    mistakes=[
        Mistake(name="inverted", value=lambda: 12 * BASE_Q4 * _team_cost(_plan_table()) / _current_ae_cost(),
                hint="Отношение перевёрнуто: план дороже бюджета, значит, целевую часть нужно уменьшить, а не увеличить."),
        Mistake(name="all_roles_budget", value=lambda: _neutral_target(_all_bonus_2025()),
                hint="В бюджет попали премии всех ролей (SDR, SE, CSM, руководители). Меняем план только AE — и бюджет только их комиссий."),
        Mistake(name="monthly", value=lambda: _neutral_target() / 12,
                hint="Это в месяц, а нужна целевая переменная часть за год."),
    ],
)


quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Клиент ушёл через три месяца после сделки. Комиссия AE выплачена в месяце закрытия. Как в России сделать возврат (clawback)?",
            (
                Option("Удержать комиссию из следующей зарплаты AE", False,
                       "Удерживать из зарплаты можно только в случаях ст. 137 ТК РФ, и «клиент ушёл» к ним не относится. Выплаченную премию назад не забрать."),
                Option("Заранее записать в положении о премировании, что часть премии выплачивается, только если клиент платит N месяцев, — и не выплатить эту часть", True,
                       "Так: условие и срок выплаты премии устанавливает локальный акт (ст. 135 ТК РФ), а невыплаченная отложенная часть — не удержание."),
                Option("Попросить AE вернуть деньги добровольно — это и есть clawback", False,
                       "Добровольный возврат не правило плана: на него нельзя опереться в расчёте стоимости продаж, и он портит отношения."),
            ),
        ),
        Question(
            "В плане AE порог — 50 % годового плана: ниже него не платится ничего, с порога — всё выполнение с нуля. Что этот порог поощряет в декабре?",
            (
                Option("AE с выполнением 45–50 % любой ценой затащит сделки в декабрь: одна сделка переводит его через порог и приносит премию за весь год", True,
                       f"Так и есть: в упражнении 3 одна сделка на 500 тыс. ₽ приносит в десятки раз больше, чем {_AE_RATE_TEXT} комиссии. Отсюда скидки ради подписания до 31 декабря."),
                Option("Ничего особенного: порог лишь экономит бюджет на слабых", False,
                       "Экономит, но не только: у порога есть обрыв, а обрыв меняет поведение тех, кто рядом с ним."),
                Option("AE с выполнением 30 % начнёт работать усерднее", False,
                       "Скорее наоборот: при 30 % в декабре порог недостижим, и выгоднее перенести сделки на январь, в новый год."),
            ),
        ),
        Question(
            "Руководитель объявил SPIFF: 30 000 ₽ за каждую сделку с модулем «Активы», подписанную до конца месяца. Какой побочный эффект вероятнее всего?",
            (
                Option("Сделки с модулем сдвинутся в этот месяц, а в следующем их станет меньше; часть клиентов получит модуль со скидкой, которая им не нужна", True,
                       "SPIFF покупает сдвиг сроков и фокус на одном продукте. Поэтому его делают коротким, редким и смотрят на следующий месяц, а не только на месяц конкурса."),
                Option("Никакого: SPIFF оплачивается из отдельного бюджета", False,
                       "Бюджет отдельный, а поведение одно: продавец тратит время туда, где больше платят."),
                Option("AE перестанут продавать основной продукт навсегда", False,
                       "Навсегда — нет: конкурс короткий. Но на время конкурса перекос возможен — поэтому SPIFF держат коротким (короче квартала) и редким."),
            ),
        ),
    ],
)
