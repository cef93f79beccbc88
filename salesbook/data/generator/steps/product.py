"""Использование продукта клиентами и обращения в поддержку."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import choice_codes, choice_rows, ids, labels, nullable_int, per, sigmoid
from salesbook.data.generator.context import Context
from salesbook.data.generator.dates import HOLIDAY_DATES, MONTH_START, N_DAYS, START, fmt_days, month_str, weekday
from salesbook.data.generator.params import product
from salesbook.data.generator.pipeline import step


@step("использование и поддержка", reads=("customer_months", "accounts"),
      writes=("tables.product_usage", "tables.support_tickets"), streams=("usage", "tickets"))
def make_usage_and_tickets(ctx: Context, rng, tickets_rng) -> None:
    """Месяцы жизни клиентов (кроме месяца ухода): активность операторов, NPS и обращения."""
    cm = ctx.customer_months
    live = ~cm.churned
    m, accs, seats, h, t = cm.m[live], cm.acc[live], cm.seats[live], cm.h[live], cm.t[live]
    acc_ids = ctx.accounts.ids
    ctx.tables["product_usage"] = _usage(rng, m, acc_ids[accs], seats, h, t)
    ctx.tables["support_tickets"] = _tickets(tickets_rng, m, accs, acc_ids, seats, h, t)


def _usage(rng, m, account_ids, seats, h, t):
    """Активные пользователи, входы, освоение функций и NPS (опрос раз в квартал)."""
    n = len(m)
    onboard = np.where(t == 0, 1.2, np.where(t == 1, 0.6, np.where(t == 2, 0.2, 0.0)))
    ratio = sigmoid(1.3 + 0.9 * h - onboard + rng.normal(0, 0.25, n))
    active = rng.binomial(seats, np.clip(ratio, 0, 1))
    logins = rng.poisson(active * product.LOGINS_PER_ACTIVE_USER * np.exp(0.2 * h))
    adoption = np.round(sigmoid(-0.5 + 0.7 * h + 0.12 * np.minimum(t, 10) + rng.normal(0, 0.3, n)), 2)
    survey = (t % 3 == 2) & (rng.random(n) < product.NPS_SURVEY_RESPONSE_RATE)
    nps = np.round(product.NPS_MEAN + product.NPS_HEALTH_COEF * h + rng.normal(0, product.NPS_NOISE_SD, n))
    nps = np.clip(nps, 0, 10).astype(np.int64)
    return pd.DataFrame({
        "month": month_str(m), "account_id": account_ids, "licensed_seats": seats,
        "active_users": active, "logins": logins, "feature_adoption": adoption,
        "nps": nullable_int(nps, survey)})


def _ticket_day_weights() -> np.ndarray:
    """Вес каждого дня для дат обращений: будни — 1, понедельник выше, выходные и праздники ниже."""
    days = np.arange(N_DAYS)
    wd = weekday(days)
    w = np.select([wd == 0, wd == 5, wd == 6],
                  [product.TICKET_MONDAY_WEIGHT, product.TICKET_SATURDAY_WEIGHT, product.TICKET_SUNDAY_WEIGHT], 1.0)
    holiday = np.isin(START + days.astype("timedelta64[D]"), HOLIDAY_DATES)
    return np.where(holiday, np.minimum(w, product.TICKET_HOLIDAY_WEIGHT), w)


def _tickets(rng, m, accs, acc_ids, seats, h, t):
    """Обращения: больше у крупных, «больных» и новых клиентов; приоритет, категория, время, CSAT."""
    lam = (product.TICKETS_BASE * seats ** product.TICKETS_PER_SEAT_POWER * np.exp(-product.TICKETS_HEALTH_COEF * h)
           * np.where(t < 2, product.TICKETS_ONBOARDING_MULT, 1.0))
    ti = np.repeat(np.arange(len(m)), rng.poisson(lam))
    nt = len(ti)
    # день внутри месяца — с весами дней: выходные и праздники реже, понедельник чаще
    cum = np.concatenate([[0.0], np.cumsum(_ticket_day_weights())])
    lo, hi = cum[MONTH_START[m[ti]]], cum[MONTH_START[m[ti] + 1]]
    day = np.searchsorted(cum, lo + rng.random(nt) * (hi - lo), side="right") - 1
    day = np.clip(day, MONTH_START[m[ti]], MONTH_START[m[ti] + 1] - 1)
    hh = h[ti]
    pr = choice_rows(rng, np.array(product.TICKET_PRIORITY_MIX)[None, :] * np.exp(np.outer(-hh, [-0.3, 0.0, 0.3, 0.7])))
    cat = choice_codes(rng, nt, product.TICKET_CATEGORY_MIX)
    med = per(product.RESOLUTION_MEDIAN_HOURS, S.TICKET_PRIORITIES)[pr]
    catm = np.array([1.2, 0.6, 1.6, 0.8, 1.0])[cat]
    res = np.round(med * catm * np.exp(rng.normal(0, 0.8, nt) - 0.15 * hh), 1)
    res = np.maximum(res, 0.1)
    rated = rng.random(nt) < product.CSAT_RESPONSE_RATE
    cs = np.clip(np.round(4.2 - 0.35 * np.log(res / med) + 0.45 * hh + rng.normal(0, 0.7, nt)), 1, 5)
    order = np.lexsort((accs[ti], day))
    return pd.DataFrame({
        "ticket_id": ids("TK", nt, 6), "account_id": acc_ids[accs[ti]][order],
        "created_date": fmt_days(day[order]),
        "priority": labels(S.TICKET_PRIORITIES, pr[order]),
        "category": labels(S.TICKET_CATEGORIES, cat[order]),
        "resolution_hours": res[order],
        "csat": nullable_int(cs[order], rated[order])})
