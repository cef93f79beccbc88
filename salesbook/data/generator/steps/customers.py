"""Клиенты B2B: договоры, помесячный MRR — новые, расширения, сокращения, отток; «здоровье» клиента."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import labels, per, sigmoid
from salesbook.data.generator.context import AccountDates, Context, CustomerMonths
from salesbook.data.generator.dates import MONTH_LEN, MONTH_START, NA, month_of, month_str
from salesbook.data.generator.params import company, retention
from salesbook.data.generator.pipeline import step
from salesbook.data.generator.steps.expansion import modules_on_sale

BILLING = S.BILLING_PERIODS          # план оплаты: код — позиция
MODULES_ON_SALE = modules_on_sale()   # [сегмент, месяц] → модулей, которые можно купить


@dataclass
class _Cohort:
    """Клиенты (по элементу на клиента) и их состояние, которое меняется месяц за месяцем."""

    acc: np.ndarray        # компания
    seg: np.ndarray
    first_month: np.ndarray
    monthly: np.ndarray    # помесячный тариф (иначе годовой договор)
    new_kop: np.ndarray    # MRR первого месяца, коп.
    ind: np.ndarray        # отрасль компании
    up_lead: np.ndarray    # лид сделки допродажи (−1 — нет)
    up_open: np.ndarray    # месяц, когда открыта сделка допродажи (company.N_MONTHS + 1 — нет)
    up_month: np.ndarray   # месяц выигранной допродажи (company.N_MONTHS + 1 — нет)
    up_kop: np.ndarray
    up_seats: np.ndarray
    seats: np.ndarray
    seat_cap: np.ndarray   # больше мест расширением не докупают (доля сотрудников)
    emp: np.ndarray        # сотрудников компании
    ppk: np.ndarray        # копеек за место
    fit: np.ndarray        # постоянная склонность остаться
    drift: np.ndarray      # медленно меняющаяся добавка к здоровью
    mrr: np.ndarray
    alive: np.ndarray
    other_upsell: np.ndarray  # у компании есть и другая сделка допродажи (в том числе проигранная)
    upgrades: np.ndarray   # переходов на модуль уже было (не больше, чем модулей в продаже)


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
    # выигранные допродажи: расширение MRR в месяц после закрытия
    cust_of_acc = np.full(len(ctx.accounts.ids), -1, dtype=np.int64)
    cust_of_acc[acc] = np.arange(nc)
    ui = np.flatnonzero(won_closed & ctx.accounts.upsell)
    uc = cust_of_acc[of_lead[opps.li[ui]]]
    ui, uc = ui[uc >= 0], uc[uc >= 0]
    up_month = np.full(nc, company.N_MONTHS + 1, dtype=np.int64)
    up_month[uc] = month_of(opps.close[ui]) + 1
    up_open = np.full(nc, company.N_MONTHS + 1, dtype=np.int64)
    up_open[uc] = month_of(opps.created[ui])
    up_lead = np.full(nc, -1, dtype=np.int64)
    up_lead[uc] = opps.li[ui]
    other_upsell = np.zeros(nc, dtype=bool)                 # проигранные и открытые допродажи компании
    oc = cust_of_acc[of_lead[opps.li[np.flatnonzero(ctx.accounts.upsell & ~won_closed)]]]
    other_upsell[oc[oc >= 0]] = True
    up_kop = np.zeros(nc, dtype=np.int64)
    up_kop[uc] = np.rint(sizes.amount[ui] * 100 / 12).astype(np.int64)
    up_seats = np.zeros(nc, dtype=np.int64)
    up_seats[uc] = sizes.seats[ui]
    seats = sizes.seats[wi].astype(np.int64)
    new_kop = np.rint(sizes.amount[wi] * 100 / 12).astype(np.int64)
    seg = opps.seg[wi]
    emp = ctx.accounts.emp[acc].astype(np.int64)
    cap = np.floor(per(retention.SEATS_MAX_EMPLOYEE_SHARE, S.SEGMENTS)[seg] * emp).astype(np.int64)
    monthly = rng.random(nc) < per(retention.MONTHLY_BILLING_SHARE, S.SEGMENTS)[seg]
    fit = retention.HEALTH_DEAL_COEF * opps.d[wi] + rng.normal(0, retention.HEALTH_FIT_SD, nc)
    drift = rng.normal(0, retention.HEALTH_DRIFT_SD, nc)
    return _Cohort(acc=acc, seg=seg, first_month=fm, monthly=monthly, new_kop=new_kop, ind=ctx.accounts.ind[acc], up_lead=up_lead, up_open=up_open, up_month=up_month,
                   up_kop=up_kop, up_seats=up_seats, seats=seats, seat_cap=cap, emp=emp, ppk=new_kop / seats,
                   fit=fit, drift=drift, mrr=np.zeros(nc, dtype=np.int64), alive=np.ones(nc, dtype=bool),
                   other_upsell=other_upsell, upgrades=np.zeros(nc, dtype=np.int64))


_UPSELL_FIELDS = ("up_lead", "up_open", "up_month", "up_kop", "up_seats")


def _reassign_upsells(rng, c: _Cohort, m: int, moved: list) -> None:
    """Сделка допродажи, открытая в месяце ``m`` у компании, которая уже ушла, достаётся
    действующему клиенту того же сегмента (и по возможности отрасли) без допродажи.

    Компанию повторному лиду шаг «компании» выбирает до того, как известен отток; отток
    же не знает о будущих допродажах (клиента не «держит» сделка, которой ещё нет).
    Поэтому лид переадресуется в момент открытия сделки — по тому, кто клиент сейчас; если
    клиента той же отрасли нет, отрасль лида в таблице leads становится отраслью новой компании.
    """
    for k in np.flatnonzero((c.up_open == m) & ~c.alive):
        pool = np.flatnonzero(c.alive & (c.first_month < m) & (c.seg == c.seg[k]) & (c.up_lead < 0)
                            & ~c.other_upsell)
        same = pool[c.ind[pool] == c.ind[k]]
        pool = same if len(same) else pool
        if len(pool) == 0:
            continue
        j = pool[rng.integers(len(pool))]
        for f in _UPSELL_FIELDS:
            arr = getattr(c, f)
            arr[j], arr[k] = arr[k], arr[j]
        moved.append((c.up_lead[j], c.acc[j]))


def _month(rng, c: _Cohort, m: int, churned) -> dict | None:
    """Один месяц: здоровье, отток (по годовому договору — только при продлении), расширение,
    индексация, допродажа, сокращение."""
    act = c.alive & (c.first_month <= m)
    if not act.any():
        return None
    idx = np.flatnonzero(act)
    n = len(idx)
    seg = c.seg[idx]
    t = m - c.first_month[idx]
    monthly = c.monthly[idx]
    renewal = (t > 0) & (t % 12 == 0)                    # месяц после оплаченного года
    prev = c.mrr[idx].copy()
    new = np.where(t == 0, c.new_kop[idx], 0)
    fit, drift_before = c.fit[idx], c.drift[idx]
    # отток решается по здоровью последнего оплаченного месяца
    logit = np.where(monthly, per(retention.MONTHLY_CHURN_LOGIT, S.SEGMENTS)[seg],
                     per(retention.RENEWAL_CHURN_LOGIT, S.SEGMENTS)[seg])
    logit = logit + np.where(monthly & (t <= 3), retention.ONBOARDING_CHURN_LOGIT, 0.0)
    p_churn = sigmoid(logit - retention.CHURN_FIT_COEF * fit - retention.CHURN_DRIFT_COEF * drift_before)
    can_leave = np.where(monthly, t > 0, renewal)
    # пока открыта сделка допродажи, клиент ведёт переговоры о расширении и не уходит
    protected = (c.up_open[idx] <= m) & (m <= c.up_month[idx])
    churn_now = can_leave & ~protected & (rng.random(n) < p_churn)
    # здоровье этого месяца
    ar = retention.HEALTH_AR
    drift = np.where(t == 0, drift_before,
                     ar * drift_before + rng.normal(0, retention.HEALTH_DRIFT_SD * np.sqrt(1 - ar * ar), n))
    c.drift[idx] = drift
    h = fit + drift
    # расширение: новые места по текущей цене места, не больше потолка по числу сотрудников
    seats = c.seats[idx]
    room = np.maximum(c.seat_cap[idx] - seats, 0)
    p_expand = per(retention.EXPANSION_MONTHLY_PROB, S.SEGMENTS)[seg]
    ex = (t > 0) & ~churn_now & (room > 0) & (rng.random(n) < p_expand * np.exp(0.5 * h - 0.5))
    share = rng.uniform(*retention.EXPANSION_SEATS_SHARE, n)
    add = np.where(ex, np.minimum(np.ceil(seats * share), room), 0).astype(np.int64)
    seats_kop = np.rint(add * c.ppk[idx]).astype(np.int64)
    # переход на старший тариф: дороже место, мест столько же
    up = (t > 0) & ~churn_now & ~ex & (rng.random(n) < per(retention.UPGRADE_MONTHLY_PROB, S.SEGMENTS)[seg]
                                       * np.exp(0.5 * h - 0.5))
    # переход — покупка модуля (шаг «каталог и продукты клиентов»): у купившего все модули, что
    # есть в продаже для его сегмента, перехода нет; случайных чисел это условие не тратит
    up &= c.upgrades[idx] < MODULES_ON_SALE[seg, m]
    upgrade_kop = np.where(up, np.rint(prev * retention.UPGRADE_PRICE_STEP), 0).astype(np.int64)
    c.upgrades[idx] += upgrade_kop > 0
    c.ppk[idx] = np.where(up, c.ppk[idx] * (1 + retention.UPGRADE_PRICE_STEP), c.ppk[idx])
    # продление: индексация цены
    index = renewal & ~churn_now & (rng.random(n) < retention.RENEWAL_INDEXATION_PROB)
    index_kop = np.where(index, np.rint(prev * retention.RENEWAL_INDEXATION), 0).astype(np.int64)
    c.ppk[idx] = np.where(index, c.ppk[idx] * (1 + retention.RENEWAL_INDEXATION), c.ppk[idx])
    # выигранная допродажа: места — не больше числа сотрудников компании
    upm = c.up_month[idx] == m
    deal_kop = np.where(upm, c.up_kop[idx], 0)
    deal_seats = np.where(upm, np.minimum(c.up_seats[idx], np.maximum(c.emp[idx] - seats - add, 0)), 0)
    exp_kop = seats_kop + upgrade_kop + index_kop + deal_kop
    seats_added = add
    add = add + deal_seats
    # сокращение мест: по годовому договору — при продлении, на помесячном тарифе — в любой месяц
    p_con = np.where(monthly, per(retention.CONTRACTION_MONTHLY_PROB, S.SEGMENTS)[seg],
                     np.where(renewal, per(retention.CONTRACTION_AT_RENEWAL_PROB, S.SEGMENTS)[seg], 0.0))
    co = (t > 0) & ~churn_now & ~ex & ~upm & (seats > 3) & (rng.random(n) < p_con * np.exp(-0.6 * h))
    share = rng.uniform(*retention.CONTRACTION_SEATS_SHARE, n)
    rem = np.where(co, np.maximum(1, np.floor(seats * share)), 0).astype(np.int64)
    con_kop = np.minimum(np.rint(rem * c.ppk[idx]).astype(np.int64), np.maximum(prev + exp_kop - 100, 0))
    churn_kop = np.where(churn_now, prev, 0)
    exp_kop = np.where(churn_now, 0, exp_kop)
    con_kop = np.where(churn_now, 0, con_kop)
    cur = prev + new + exp_kop - con_kop - churn_kop
    c.seats[idx] = seats + add - rem
    c.mrr[idx] = cur
    gone = idx[churn_now]
    c.alive[gone] = False
    # годовой договор кончается в первый день месяца продления, помесячный — в любой день
    day = MONTH_START[m] + np.where(c.monthly[gone], rng.integers(0, MONTH_LEN[m], len(gone)), 0)
    churned[c.acc[gone]] = day
    # составляющие расширения и сокращения (для таблицы продуктов клиентов, раздел 9.3)
    live = ~churn_now
    return dict(m=np.full(n, m), c=idx, mrr=cur, new=new, exp=exp_kop, con=con_kop,
                churn=churn_kop, seats=c.seats[idx].copy(), h=h.copy(), t=t, churned=churn_now,
                exp_seats=np.where(live, seats_kop, 0), exp_upgrade=np.where(live, upgrade_kop, 0),
                exp_index=np.where(live, index_kop, 0), exp_deal=np.where(live, deal_kop, 0),
                seats_added=np.where(live, seats_added, 0), deal_seats=np.where(live, deal_seats, 0),
                seats_removed=np.where(live, rem, 0))


def _move_upsell_leads(ctx: Context, moved: list) -> None:
    """Переадресованные лиды допродаж (см. _reassign_upsells): компания лида и его сделки."""
    if not moved:
        return
    acc = ctx.accounts
    # лид, переадресованный дважды, остаётся у последней компании; одна замена на столбец, а не по лиду
    # (поиск лида по всей таблице для каждого — квадратичное время на масштабе 100)
    target = {int(li): int(a) for li, a in moved}
    li = np.fromiter(target.keys(), dtype=np.int64, count=len(target))
    a = np.fromiter(target.values(), dtype=np.int64, count=len(target))
    acc.of_lead[li] = a
    # строка таблицы leads — лид с тем же номером, строка opportunities — сделка с тем же номером
    leads = ctx.tables["leads"]
    leads.patch("account_id", li, labels(acc.ids, a))
    leads.patch("employees", li, acc.emp[a])
    leads.patch("industry", li, labels(S.INDUSTRIES, acc.ind[a]))
    opps = ctx.tables["opportunities"]
    hit = np.flatnonzero(np.isin(ctx.opps.li, li))
    opps.loc[hit, "account_id"] = labels(acc.ids, acc.of_lead[ctx.opps.li[hit]])


@step("MRR клиентов", reads=("opps", "deal_sizes", "accounts", "tables.opportunities", "tables.leads"),
      writes=("account_dates", "customer_months", "tables.mrr"), streams=("mrr",))
def simulate_customers(ctx: Context, rng) -> None:
    """Помесячный MRR клиентов: новые, расширения, сокращения, отток; здоровье клиента."""
    n_acc = len(ctx.accounts.ids)
    dates = ctx.account_dates = AccountDates(since=np.full(n_acc, NA, np.int64), churned=np.full(n_acc, NA, np.int64))
    cohort = _cohort(rng, ctx, dates.since)
    moved: list = []
    rows = []
    for m in range(company.N_MONTHS):
        _reassign_upsells(rng, cohort, m, moved)
        r = _month(rng, cohort, m, dates.churned)
        if r is not None:
            rows.append(r)
    _move_upsell_leads(ctx, moved)
    # столбец за столбцом, отпуская месяцы по мере склейки и склеенное по мере сортировки: история
    # клиентов на масштабе 100 — полтора миллиона строк по два десятка столбцов
    R = {k: np.concatenate([r.pop(k) for r in rows]) for k in list(rows[0])}
    rows.clear()
    R["acc"] = cohort.acc[R["c"]]
    R["seg"] = cohort.seg[R["c"]]
    order = np.lexsort((R["acc"], R["m"]))
    cm = ctx.customer_months = CustomerMonths(**{k: R.pop(k)[order] for k in list(R)})
    ctx.tables["mrr"] = pd.DataFrame({
        "month": month_str(cm.m), "account_id": ctx.accounts.ids[cm.acc],
        "billing": np.array(BILLING, dtype=object)[cohort.monthly[cm.c].astype(np.int64)],
        "mrr_rub": cm.mrr / 100, "new_rub": cm.new / 100, "expansion_rub": cm.exp / 100,
        "contraction_rub": cm.con / 100, "churn_rub": cm.churn / 100})
