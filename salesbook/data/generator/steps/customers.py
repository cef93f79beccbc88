"""Клиенты B2B: помесячный MRR — новые, расширения, сокращения, отток; «здоровье» клиента."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import concat_records, per
from salesbook.data.generator.context import AccountDates, Context, CustomerMonths
from salesbook.data.generator.dates import MONTH_LEN, MONTH_START, NA, month_of, month_str
from salesbook.data.generator.params import company, retention
from salesbook.data.generator.pipeline import step


@dataclass
class _Cohort:
    """Клиенты (по элементу на клиента) и их состояние, которое меняется месяц за месяцем."""

    acc: np.ndarray        # компания
    seg: np.ndarray
    first_month: np.ndarray
    new_kop: np.ndarray    # MRR первого месяца, коп.
    up_month: np.ndarray   # месяц выигранной допродажи (company.N_MONTHS + 1 — нет)
    up_kop: np.ndarray
    up_seats: np.ndarray
    seats: np.ndarray
    ppk: np.ndarray        # копеек за место
    health: np.ndarray
    mrr: np.ndarray
    alive: np.ndarray


def _cohort(rng, ctx: Context, since) -> _Cohort:
    """Клиент — компания с первой выигранной сделкой; MRR начинается в месяц после закрытия."""
    opps, sizes, of_lead = ctx.opps, ctx.deal_sizes, ctx.accounts.of_lead
    won_closed = opps.won & opps.is_closed
    wi = np.flatnonzero(won_closed & ~ctx.accounts.upsell)   # первая выигранная сделка компании
    acc = of_lead[opps.li[wi]]
    since[acc] = opps.close[wi]
    fm = month_of(opps.close[wi]) + 1
    keep = fm < company.N_MONTHS
    wi, acc, fm = wi[keep], acc[keep], fm[keep]
    nc = len(wi)
    # выигранные допродажи: расширение MRR в месяц после закрытия; до него клиент не уходит
    cust_of_acc = np.full(len(ctx.accounts.ids), -1, dtype=np.int64)
    cust_of_acc[acc] = np.arange(nc)
    ui = np.flatnonzero(won_closed & ctx.accounts.upsell)
    uc = cust_of_acc[of_lead[opps.li[ui]]]
    ui, uc = ui[uc >= 0], uc[uc >= 0]
    up_month = np.full(nc, company.N_MONTHS + 1, dtype=np.int64)
    up_month[uc] = month_of(opps.close[ui]) + 1
    up_kop = np.zeros(nc, dtype=np.int64)
    up_kop[uc] = np.rint(sizes.amount[ui] * 100 / 12).astype(np.int64)
    up_seats = np.zeros(nc, dtype=np.int64)
    up_seats[uc] = sizes.seats[ui]
    seats = sizes.seats[wi].astype(np.int64)
    new_kop = np.rint(sizes.amount[wi] * 100 / 12).astype(np.int64)
    return _Cohort(acc=acc, seg=opps.seg[wi], first_month=fm, new_kop=new_kop, up_month=up_month,
                   up_kop=up_kop, up_seats=up_seats, seats=seats, ppk=new_kop / seats,
                   health=0.4 * opps.d[wi] + rng.normal(0, 0.85, nc), mrr=np.zeros(nc, dtype=np.int64),
                   alive=np.ones(nc, dtype=bool))


def _month(rng, c: _Cohort, m: int, churned) -> dict | None:
    """Один месяц: здоровье, отток, расширение, индексация, допродажа, сокращение."""
    act = c.alive & (c.first_month <= m)
    if not act.any():
        return None
    idx = np.flatnonzero(act)
    seg = c.seg[idx]
    churn_base = per(retention.CHURN_BASE_MONTHLY, S.SEGMENTS)[seg]
    p_expand = per(retention.EXPANSION_MONTHLY_PROB, S.SEGMENTS)[seg]
    p_contract = per(retention.CONTRACTION_MONTHLY_PROB, S.SEGMENTS)[seg]
    t = m - c.first_month[idx]
    prev = c.mrr[idx].copy()
    new = np.where(t == 0, c.new_kop[idx], 0)
    c.health[idx] = np.where(t == 0, c.health[idx],
                             retention.HEALTH_AR * c.health[idx] + rng.normal(0, retention.HEALTH_NOISE, len(idx)))
    h = c.health[idx]
    # отток: выше в онбординг и в месяц продления; до выигранной допродажи клиент не уходит
    tm = np.where((t >= 1) & (t <= 3), retention.CHURN_EARLY_MULT,
                  np.where((t > 0) & (t % 12 == 0), retention.CHURN_RENEWAL_MULT, retention.CHURN_OTHER_MULT))
    norm = np.exp(0.5 * retention.HEALTH_CHURN_COEF ** 2 * 0.9)
    p_churn = np.where((t == 0) | (m <= c.up_month[idx]) & (c.up_month[idx] <= company.N_MONTHS), 0.0,
                       churn_base * tm * np.exp(-retention.HEALTH_CHURN_COEF * h) / norm)
    churn_now = rng.random(len(idx)) < np.clip(p_churn, 0, 0.9)
    # расширение: новые места по текущей цене места
    ex = (t > 0) & ~churn_now & (rng.random(len(idx)) < p_expand * np.exp(0.5 * h))
    share = rng.uniform(*retention.EXPANSION_SEATS_SHARE, len(idx))
    add = np.where(ex, np.ceil(c.seats[idx] * share), 0).astype(np.int64)
    exp_kop = np.rint(add * c.ppk[idx]).astype(np.int64)
    # продление: индексация цены
    renew = (t > 0) & (t % 12 == 0) & ~churn_now & (rng.random(len(idx)) < retention.RENEWAL_INDEXATION_PROB)
    exp_kop = exp_kop + np.where(renew, np.rint(prev * retention.RENEWAL_INDEXATION), 0).astype(np.int64)
    c.ppk[idx] = np.where(renew, c.ppk[idx] * (1 + retention.RENEWAL_INDEXATION), c.ppk[idx])
    # выигранная допродажа
    upm = c.up_month[idx] == m
    exp_kop = exp_kop + np.where(upm, c.up_kop[idx], 0)
    add = add + np.where(upm, c.up_seats[idx], 0)
    # сокращение мест
    co = (t > 0) & ~churn_now & ~ex & (c.seats[idx] > 3) & (rng.random(len(idx)) < p_contract * np.exp(-0.6 * h))
    share = rng.uniform(*retention.CONTRACTION_SEATS_SHARE, len(idx))
    rem = np.where(co, np.maximum(1, np.floor(c.seats[idx] * share)), 0).astype(np.int64)
    con_kop = np.minimum(np.rint(rem * c.ppk[idx]).astype(np.int64), np.maximum(prev + exp_kop - 100, 0))
    churn_kop = np.where(churn_now, prev, 0)
    exp_kop = np.where(churn_now, 0, exp_kop)
    con_kop = np.where(churn_now, 0, con_kop)
    cur = prev + new + exp_kop - con_kop - churn_kop
    c.seats[idx] = c.seats[idx] + add - rem
    c.mrr[idx] = cur
    gone = idx[churn_now]
    c.alive[gone] = False
    churned[c.acc[gone]] = MONTH_START[m] + rng.integers(0, MONTH_LEN[m], len(gone))
    return dict(m=np.full(len(idx), m), c=idx, mrr=cur, new=new, exp=exp_kop, con=con_kop,
                churn=churn_kop, seats=c.seats[idx].copy(), h=h.copy(), t=t, churned=churn_now)


@step("MRR клиентов", reads=("opps", "deal_sizes", "accounts"),
      writes=("account_dates", "customer_months", "tables.mrr"), streams=("mrr",))
def simulate_customers(ctx: Context, rng) -> None:
    """Помесячный MRR клиентов: новые, расширения, сокращения, отток; здоровье клиента."""
    n_acc = len(ctx.accounts.ids)
    dates = ctx.account_dates = AccountDates(since=np.full(n_acc, NA, np.int64), churned=np.full(n_acc, NA, np.int64))
    cohort = _cohort(rng, ctx, dates.since)
    rows = [r for r in (_month(rng, cohort, m, dates.churned) for m in range(company.N_MONTHS)) if r is not None]
    R = concat_records(rows)
    R["acc"] = cohort.acc[R["c"]]
    R["seg"] = cohort.seg[R["c"]]
    order = np.lexsort((R["acc"], R["m"]))
    cm = ctx.customer_months = CustomerMonths(**{k: v[order] for k, v in R.items()})
    ctx.tables["mrr"] = pd.DataFrame({
        "month": month_str(cm.m), "account_id": ctx.accounts.ids[cm.acc],
        "mrr_rub": cm.mrr / 100, "new_rub": cm.new / 100, "expansion_rub": cm.exp / 100,
        "contraction_rub": cm.con / 100, "churn_rub": cm.churn / 100})
