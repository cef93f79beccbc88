"""Расходы: на продажи и маркетинг (sm_costs) и себестоимость (cogs)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import per, round2, scaled_count
from salesbook.data.generator.context import Context
from salesbook.data.generator.dates import MONTH_END, MONTH_LEN, MONTH_START, NA, day_of, growth, month_of, month_str
from salesbook.data.generator.params import company, costs, people
from salesbook.data.generator.pipeline import step
from salesbook.data.generator.steps.people import salary_by_month, wage_index

_DEPARTMENT = {"SDR": "sales", "BDR": "sales", "AE": "sales", "SE": "sales", "manager": "sales",
               "CSM": "customer_success"}
_MONTHS = np.arange(company.N_MONTHS)


def _months_worked(reps):
    """Сотрудники × месяцы: доля месяца, которую человек работал (по датам кадрового учёта)."""
    lo = np.maximum(reps.hire_rec[:, None], MONTH_START[:-1][None, :])
    hi = np.minimum(np.where(reps.exit_rec == NA, 10 ** 7, reps.exit_rec)[:, None], MONTH_END[None, :])
    return np.clip(hi - lo + 1, 0, None) / MONTH_LEN[None, :]


# Составляющие переменной части в порядке, в котором их складывает _bonuses (таблицы pay_plans и rep_payouts).
PAY_COMPONENTS = S.PAY_COMPONENTS


def bonus_components(ctx: Context, frac):
    """Составляющие переменной части: {составляющая: (выплата, база, единицы)} — массивы сотрудники × месяцы.

    Выплата, ₽; база — ACV засчитанных сделок (AE, SE), весь выигранный ACV месяца (manager),
    годовой прирост expansion × 12 (CSM), у SDR/BDR — 0; единицы — число сделок или встреч
    (у manager и CSM — 0: их доля делится поровну между работавшими в месяце)."""
    reps, opps, amount = ctx.reps, ctx.deal_results, ctx.deal_sizes.amount
    heads = frac > 0
    won = np.flatnonzero(opps.won & opps.is_closed)
    wm = month_of(opps.close[won])
    acv = amount[won]
    shape = (len(reps.hire), company.N_MONTHS)
    out = {}

    def credited(rep, ok, rate):
        pay, base, units = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        np.add.at(pay, (rep[ok], wm[ok]), rate * acv[ok])
        np.add.at(base, (rep[ok], wm[ok]), acv[ok])
        np.add.at(units, (rep[ok], wm[ok]), 1.0)
        return pay, base, units

    rep = opps.owner[won]       # комиссия тем, кто работал на дату закрытия (rep −1 — никому)
    ok = rep >= 0
    ok &= (reps.exit[np.maximum(rep, 0)] == NA) | (reps.exit[np.maximum(rep, 0)] >= opps.close[won])
    out["ae_commission"] = credited(rep, ok, people.AE_COMMISSION)
    out["sql_meeting_bonus"] = _meeting_bonus(ctx, shape)
    se = opps.se[won]
    out["se_commission"] = credited(se, se >= 0, people.SE_COMMISSION)
    won_by_month = np.bincount(wm, weights=acv, minlength=company.N_MONTHS)
    mgr = (reps.role == "manager")[:, None] & heads
    out["manager_override"] = (mgr * (people.MANAGER_COMMISSION * won_by_month / np.maximum(mgr.sum(axis=0), 1))[None, :],
                               mgr * won_by_month[None, :], np.zeros(shape))
    cm = ctx.customer_months
    exp_by_month = np.bincount(cm.m, weights=cm.exp / 100, minlength=company.N_MONTHS)
    csm = (reps.role == "CSM")[:, None] & heads
    out["csm_expansion_bonus"] = (
        csm * (people.CSM_EXPANSION_BONUS * 12 * exp_by_month / np.maximum(csm.sum(axis=0), 1))[None, :],
        csm * (12 * exp_by_month)[None, :], np.zeros(shape))
    return out


def _bonuses(ctx: Context, frac):
    """Сотрудники × месяцы: комиссии с ACV выигранных сделок и бонус CSM за расширения."""
    parts = bonus_components(ctx, frac)
    bonus = np.zeros((len(ctx.reps.hire), company.N_MONTHS))
    for name in PAY_COMPONENTS:
        bonus += parts[name][0]
    return bonus


def _meeting_bonus(ctx: Context, shape):
    """SDR/BDR: фиксированная премия за каждую состоявшуюся квалификационную встречу (SQL)
    в месяце встречи, если сотрудник ещё работает; ставка растёт с индексом зарплат."""
    reps, f = ctx.reps, ctx.sql_meetings
    sdr, day = f.sdr, f.sql_day
    ok = (sdr >= 0) & (day != NA)
    sdr, day = sdr[ok], day[ok]
    m = month_of(day)
    ok = (m >= 0) & (m < company.N_MONTHS) & ((reps.exit[sdr] == NA) | (reps.exit[sdr] >= day))
    sdr, m = sdr[ok], m[ok]
    rate = np.array([people.SDR_MEETING_BONUS.get(r, 0.0) for r in reps.role[sdr]]) * wage_index(m)
    pay, units = np.zeros(shape), np.zeros(shape)
    np.add.at(pay, (sdr, m), rate)
    np.add.at(units, (sdr, m), (rate > 0).astype(float))
    return pay, np.zeros(shape), units


def _payroll_tax(pay):
    """Страховые взносы по строкам «человек × месяц»: тариф в пределах годовой предельной базы
    (нарастающим итогом с января по каждому человеку) и тариф сверх неё."""
    tax = np.zeros_like(pay)
    tariffs = people.PAYROLL_TAX_TARIFFS[people.PAYROLL_TAX_REGIME]
    for y0 in range(0, company.N_MONTHS, 12):
        year = int(company.START_DATE[:4]) + y0 // 12
        within_rate, above_rate = tariffs[year]
        limit = people.PAYROLL_TAX_BASE_LIMIT[year]
        block = pay[:, y0:y0 + 12]
        cum = np.cumsum(block, axis=1)
        within = np.minimum(cum, limit) - np.minimum(cum - block, limit)
        tax[:, y0:y0 + 12] = within_rate * within + above_rate * (block - within)
    return tax


def _row(dept, cost_type, role, amount):
    return pd.DataFrame({"m": _MONTHS, "department": dept, "cost_type": cost_type, "role": role,
                         "amount_rub": amount})


@step("расходы на продажи и маркетинг", reads=("reps", "deal_results", "sql_meetings", "deal_sizes", "customer_months", "spend"),
      writes=("tables.sm_costs",), streams=("costs",))
def make_sm_costs(ctx: Context, rng) -> None:
    """Оклады и бонусы по ролям, взносы, инструменты, накладные и агентская комиссия по месяцам."""
    reps = ctx.reps
    frac = _months_worked(reps)
    salary = frac * salary_by_month(reps)
    bonus = _bonuses(ctx, frac)
    tax = _payroll_tax(salary + bonus)
    rows = []
    pay_tax = {d: np.zeros(company.N_MONTHS) for d in ("sales", "customer_success", "marketing")}
    head_count = {d: np.zeros(company.N_MONTHS) for d in ("sales", "customer_success", "marketing")}
    for role in S.ROLES:
        sel = reps.role == role
        dept = _DEPARTMENT[role]
        sal = salary[sel].sum(axis=0)
        bon = bonus[sel].sum(axis=0)
        pay_tax[dept] += tax[sel].sum(axis=0)
        head_count[dept] += frac[sel].sum(axis=0)
        rows += [_row(dept, "salary", role, sal), _row(dept, "bonus", role, bon)]
    mk_heads = np.maximum(1, scaled_count(rng, np.repeat(people.MARKETING_HEADCOUNT, 3) * ctx.scale)).astype(float)
    per_head = people.MARKETER_SALARY * wage_index(_MONTHS)
    mk_sal = mk_heads * per_head
    pay_tax["marketing"] += mk_heads * _payroll_tax(per_head[None, :])[0]
    head_count["marketing"] += mk_heads
    rows.append(_row("marketing", "salary", "marketer", mk_sal))
    for dept in ("sales", "marketing", "customer_success"):
        rows.append(_row(dept, "payroll_tax", None, pay_tax[dept]))
        if dept == "sales":
            tools = costs.SALES_TOOLS_PER_HEAD * head_count[dept]
        elif dept == "customer_success":
            tools = costs.CS_TOOLS_PER_HEAD * head_count[dept]
        else:
            tools = costs.MARKETING_TOOLS_2023 * ctx.scale * growth(_MONTHS, company.BUDGET_GROWTH_PER_YEAR)
        rows.append(_row(dept, "tools", None, tools * np.exp(rng.normal(0, 0.05, company.N_MONTHS))))
        rows.append(_row(dept, "overhead", None, costs.OVERHEAD_PER_HEAD * head_count[dept]))
    rows.append(_row("marketing", "agency", None, costs.AGENCY_FEE_SHARE * ctx.spend.b2b.sum(axis=1)))
    df = pd.concat(rows, ignore_index=True)
    df["_d"] = df["department"].map({d: i for i, d in enumerate(S.DEPARTMENTS)})
    df["_c"] = df["cost_type"].map({c: i for i, c in enumerate(S.SM_COST_TYPES)})
    df["_r"] = df["role"].map({c: i for i, c in enumerate(S.COST_ROLES)}).fillna(-1)
    df = df.sort_values(["m", "_d", "_c", "_r"], kind="stable")
    df["amount_rub"] = round2(df["amount_rub"].to_numpy())
    df.insert(0, "month", month_str(df["m"].to_numpy()))
    ctx.tables["sm_costs"] = df.drop(columns=["m", "_d", "_c", "_r"]).reset_index(drop=True)


@step("себестоимость", reads=("customer_months", "purchases"), writes=("tables.cogs",), streams=("costs",))
def make_cogs(ctx: Context, rng) -> None:
    """Себестоимость B2B (фиксированная часть + доля выручки) и B2C (доля выручки + комиссии по способам оплаты)."""
    cm, pur = ctx.customer_months, ctx.purchases
    b2b_rev = np.bincount(cm.m, weights=cm.mrr / 100, minlength=company.N_MONTHS)
    bm = month_of(pur.day)
    b2c_rev = np.bincount(bm, weights=pur.amount, minlength=company.N_MONTHS)
    store_fee = per(costs.B2C_PAYMENT_FEE, S.B2C_PAYMENT_CHANNELS)[pur.pay]
    rustore_2023 = (pur.pay == S.B2C_PAYMENT_CHANNELS.index("rustore")) & (pur.day < day_of(costs.B2C_RUSTORE_DISCOUNT_END))
    store_fee = np.where(rustore_2023, costs.B2C_RUSTORE_FEE_2023, store_fee)
    fee = np.bincount(bm, weights=pur.amount * store_fee, minlength=company.N_MONTHS)
    rows = []
    for ct in S.COGS_TYPES:
        noise = np.exp(rng.normal(0, 0.04, company.N_MONTHS))
        amt = (costs.B2B_COGS_FIXED[ct] * ctx.scale + costs.B2B_COGS_SHARE[ct] * b2b_rev) * noise
        rows.append(pd.DataFrame({"m": _MONTHS, "business_line": "b2b", "cost_type": ct, "amount_rub": amt}))
    for ct in S.COGS_TYPES:
        noise = np.exp(rng.normal(0, 0.04, company.N_MONTHS))
        amt = fee if ct == "payment_fees" else costs.B2C_COGS_SHARE[ct] * b2c_rev * noise
        rows.append(pd.DataFrame({"m": _MONTHS, "business_line": "b2c", "cost_type": ct, "amount_rub": amt}))
    df = pd.concat(rows, ignore_index=True).sort_values(["m", "business_line"], kind="stable")
    df["amount_rub"] = round2(df["amount_rub"].to_numpy())
    df.insert(0, "month", month_str(df["m"].to_numpy()))
    ctx.tables["cogs"] = df.drop(columns="m").reset_index(drop=True)
