"""B2C «Сфера Планер»: регистрации, подписки с продлениями, разовые покупки и способы оплаты."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import choice_codes, ids, labels, per
from salesbook.data.generator.context import Context, Purchases
from salesbook.data.generator.dates import END_DAY, MONTH_LEN, MONTH_START, day_of, fmt_days, growth
from salesbook.data.generator.params import b2c, company
from salesbook.data.generator.pipeline import step

_CHANNELS = S.B2C_ACQUISITION_CHANNELS


def _signups(rng, spend_b2c, scale):
    """Дни и каналы регистраций: платные каналы — бюджет / стоимость регистрации, плюс органика."""
    day_l, ch_l = [], []
    for m in range(company.N_MONTHS):
        lam = np.zeros(len(_CHANNELS))
        for j, ch in enumerate(S.B2C_CHANNELS):
            lam[j] = spend_b2c[m, j] / b2c.B2C_COST_PER_SIGNUP[ch]
        lam[-1] = (b2c.B2C_ORGANIC_SIGNUPS_2023 * scale * growth(m, company.ORGANIC_GROWTH_PER_YEAR)
                   * b2c.B2C_SIGNUP_SEASONALITY[m % 12])
        counts = rng.poisson(lam)
        for j in range(len(_CHANNELS)):
            c = int(counts[j])
            day_l.append(MONTH_START[m] + np.floor(rng.random(c) * MONTH_LEN[m]).astype(np.int64))
            ch_l.append(np.full(c, j))
    day = np.concatenate(day_l)
    ch = np.concatenate(ch_l)
    order = np.lexsort((rng.random(len(day)), ch, day))
    return day[order], ch[order]


def _renewals(rng, users, first, retention, period, product):
    """Покупки подписки: первая и продления каждые ``period`` дней, пока клиент не уйдёт.

    ``retention(k)`` — вероятность продления после k-й оплаты для каждого пользователя.
    """
    u_l, d_l, p_l = [], [], []
    alive = first <= END_DAY
    cur = first.copy()
    k = 0
    while alive.any():
        u_l.append(users[alive])
        d_l.append(cur[alive])
        p_l.append(np.full(alive.sum(), product, dtype=np.int64))
        k += 1
        cur = cur + period
        alive &= (rng.random(len(users)) < retention(k)) & (cur <= END_DAY)
    return u_l, d_l, p_l


def _purchases(rng, day, ch, plat, region):
    """Покупки: кто платит, месячная или годовая подписка, продления, «Про-пакеты»."""
    n = len(day)
    quality = np.exp(rng.normal(0, 0.35, n))
    p_pay = (b2c.B2C_PAY_PROB * quality * per(b2c.B2C_PAY_CHANNEL_MULT, _CHANNELS)[ch]
             * per(b2c.B2C_PAY_PLATFORM_MULT, S.PLATFORMS)[plat] * per(b2c.B2C_PAY_REGION_MULT, S.REGIONS)[region])
    payer = rng.random(n) < np.clip(p_pay, 0, 0.9)
    pi = np.flatnonzero(payer)
    first = day[pi] + np.where(rng.random(len(pi)) < b2c.B2C_EARLY_PAYER_SHARE, b2c.B2C_TRIAL_DAYS,
                               rng.integers(1, 60, len(pi)))
    annual = rng.random(len(pi)) < b2c.B2C_ANNUAL_SHARE * np.where(plat[pi] == 0, 1.25, 1.0)
    # месячные подписки: отток падает с каждым продлением; годовые — второе продление вероятнее первого
    mi, ai = np.flatnonzero(~annual), np.flatnonzero(annual)
    r0, rinf, speed = b2c.B2C_MONTHLY_RETENTION
    loyalty = np.minimum(quality[pi[mi]], 1.15) ** 0.3
    monthly = _renewals(rng, pi[mi], first[mi], lambda k: np.clip(
        (rinf - (rinf - r0) * (1 - speed) ** (k - 1)) * loyalty, 0, 0.98), 30, 0)
    a_first, a_later = b2c.B2C_ANNUAL_RENEWAL
    yearly = _renewals(rng, pi[ai], first[ai], lambda k: a_first if k == 1 else a_later, 365, 1)
    # разовые «Про-пакеты»
    pp = rng.random(n) < np.where(payer, b2c.B2C_PACK_PROB["payer"], b2c.B2C_PACK_PROB["free"])
    pk = np.repeat(np.flatnonzero(pp), 1 + rng.poisson(b2c.B2C_PACK_EXTRA_MEAN, pp.sum()))
    pday = day[pk] + np.floor(rng.exponential(b2c.B2C_PACK_DELAY_DAYS, len(pk))).astype(np.int64)
    ok = pday <= END_DAY
    users = np.concatenate(monthly[0] + yearly[0] + [pk[ok]])
    days = np.concatenate(monthly[1] + yearly[1] + [pday[ok]])
    prod = np.concatenate(monthly[2] + yearly[2] + [np.full(ok.sum(), 2, dtype=np.int64)])
    order = np.lexsort((prod, users, days))
    return users[order], days[order], prod[order]


def _payment_channels(rng, plat):
    """Способ оплаты каждого пользователя (выбирается при первой оплате, продления — тем же способом)."""
    pay = np.empty(len(plat), dtype=np.int64)
    for j, p in enumerate(S.PLATFORMS):
        sel = plat == j
        mix = b2c.B2C_PAYMENT_MIX[p]
        probs = tuple(mix.get(c, 0.0) for c in S.B2C_PAYMENT_CHANNELS)
        pay[sel] = choice_codes(rng, sel.sum(), probs)
    return pay


@step("B2C-пользователи и покупки", reads=("spend",), writes=("purchases", "tables.b2c_users", "tables.b2c_purchases"),
      streams=("b2c",))
def make_b2c(ctx: Context, rng) -> None:
    """Пользователи B2C (платформа, канал, регион) и их покупки по ценам до и после 1 июля 2024 года."""
    day, ch = _signups(rng, ctx.spend.b2c, ctx.scale)
    n = len(day)
    plat = np.empty(n, dtype=np.int64)
    for j, c in enumerate(_CHANNELS):
        sel = ch == j
        plat[sel] = choice_codes(rng, sel.sum(), b2c.B2C_PLATFORM_MIX[c])
    region = choice_codes(rng, n, b2c.B2C_REGION_MIX)
    uid = ids("U", n, 7)
    ctx.tables["b2c_users"] = pd.DataFrame({
        "user_id": uid, "signup_date": fmt_days(day), "platform": labels(S.PLATFORMS, plat),
        "acquisition_channel": labels(_CHANNELS, ch), "region": labels(S.REGIONS, region)})
    users, days, prod = _purchases(rng, day, ch, plat, region)
    prices = np.array([b2c.B2C_PRICES[p] for p in S.B2C_PRODUCTS], dtype=float)
    amount = prices[prod, (days >= day_of(b2c.B2C_PRICE_CHANGE_DATE)).astype(np.int64)]
    pay = _payment_channels(rng, plat)[users]
    ctx.purchases = Purchases(user=users, day=days, prod=prod, amount=amount, plat=plat[users], pay=pay)
    ctx.tables["b2c_purchases"] = pd.DataFrame({
        "purchase_id": ids("P", len(users), 7), "user_id": uid[users], "date": fmt_days(days),
        "product": labels(S.B2C_PRODUCTS, prod), "amount_rub": amount,
        "payment_channel": labels(S.B2C_PAYMENT_CHANNELS, pay)})
