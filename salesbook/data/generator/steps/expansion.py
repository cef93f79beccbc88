"""Каталог «Сферы Деск» и продукты клиентов: таблицы products и account_products (раздел 9.3).

Шаг не создаёт выручки: движения MRR клиентов уже посчитаны шагом «MRR клиентов»
(``ctx.customer_months`` хранит составляющие расширения — места, шаг цены места, индексацию,
сделку допродажи). Здесь каждое движение получает продукт: места и индексация — редакция
клиента, шаг цены места — модуль, который клиент купил. Модуль выбирается среди тех, что
клиенту доступны (сегмент, месяц начала продаж) и которых у него ещё нет, с весами по отрасли.
Отток и расширения уже известны, поэтому модули с ними связаны, но на них не влияют.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.context import Context
from salesbook.data.generator.dates import month_str
from salesbook.data.generator.params import company, deals
from salesbook.data.generator.params import expansion as P
from salesbook.data.generator.pipeline import step

EDITION_OF_SEGMENT = {seg: code for code, (_, seg, _) in P.EDITIONS.items()}
MODULE_CODES = tuple(P.MODULES)


def _month_index(iso: str) -> int:
    y, m = int(iso[:4]), int(iso[5:7])
    start_y, start_m = int(company.START_DATE[:4]), int(company.START_DATE[5:7])
    return (y - start_y) * 12 + (m - start_m)


def modules_on_sale() -> np.ndarray:
    """Сколько модулей клиент сегмента может купить в месяце: ``[сегмент, месяц]`` (доступные сегменту и уже в продаже).

    Шаг «MRR клиентов» не даёт клиенту переходов на модуль больше, чем их есть: у клиента, купившего
    всё доступное, переходу не на что быть (на масштабе 100 без этого предела такие клиенты появлялись).
    """
    base, seg_ok, start = _catalogue()
    buyable = base > 0   # модуль с нулевым весом выбора не купят никогда (_pick_modules): он не в счёт
    if any(w <= 0 for weights in P.INDUSTRY_WEIGHT.values() for w in weights.values()):
        raise ValueError("Веса отраслей в params/expansion.py должны быть положительными: иначе модуль, "
                         "доступный сегменту, может быть недоступен клиенту, и предел переходов неверен")
    months = np.arange(company.N_MONTHS + 1)
    return (seg_ok[:, None, :] & buyable[None, None, :] & (start[None, None, :] <= months[None, :, None])).sum(axis=2)


def _catalogue() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Модули по порядку MODULE_CODES: вес выбора, доступность сегментам ``[сегмент, модуль]``, месяц начала продаж."""
    base = np.array([P.MODULES[c][3] for c in MODULE_CODES])
    seg_ok = np.array([[S.SEGMENTS[s] in P.MODULES[c][1] for c in MODULE_CODES] for s in range(len(S.SEGMENTS))])
    start = np.array([_month_index(P.MODULES[c][2]) for c in MODULE_CODES])
    return base, seg_ok, start


def products_table() -> pd.DataFrame:
    """Каталог: три редакции (цена места за месяц в 2023–2024 и в 2025 году) и модули (доля цены места)."""
    rows = []
    for code, (name, seg, about) in P.EDITIONS.items():
        price = deals.SEAT_PRICE[seg]
        rows.append(dict(product_id=code, name=name, kind="edition", segments=seg, on_sale_from=company.START_DATE,
                         price_2023_rub=float(price), price_2025_rub=round(price * (1 + deals.PRICE_INCREASE_2025), 2),
                         price_share=np.nan, description=about))
    for code, (name, segs, start, _, about) in P.MODULES.items():
        rows.append(dict(product_id=code, name=name, kind="module", segments=" ".join(segs), on_sale_from=start,
                         price_2023_rub=np.nan, price_2025_rub=np.nan, price_share=P.MODULE_PRICE_SHARE,
                         description=about))
    return pd.DataFrame(rows)


def _pick_modules(rng, seg, ind, month, cust) -> np.ndarray:
    """Модуль каждой покупки: доступный сегменту, уже в продаже и ещё не купленный клиентом.

    Покупки одного клиента обрабатываются по порядку (первая, вторая…), внутри ранга — все
    клиенты сразу; у клиента не больше нескольких покупок, так что цикл короткий.
    """
    n, k = len(seg), len(MODULE_CODES)
    base, seg_ok, start = _catalogue()
    ind_w = np.ones((len(S.INDUSTRIES), k))
    for j, c in enumerate(MODULE_CODES):
        for name, w in P.INDUSTRY_WEIGHT.get(c, {}).items():
            ind_w[S.INDUSTRIES.index(name), j] = w
    weight = base[None, :] * ind_w[ind] * seg_ok[seg] * (start[None, :] <= month[:, None])
    order = np.lexsort((month, cust))
    rank = np.empty(n, dtype=np.int64)
    first = np.r_[True, cust[order][1:] != cust[order][:-1]]
    pos = np.arange(n)
    rank[order] = pos - np.maximum.accumulate(np.where(first, pos, 0))
    held = np.zeros((n, k), dtype=bool)           # что куплено раньше, по строкам покупок
    picked = np.full(n, -1, dtype=np.int64)
    for r in range(int(rank.max()) + 1 if n else 0):
        rows = np.flatnonzero(rank == r)
        w = np.where(held[rows], 0.0, weight[rows])
        total = w.sum(axis=1)
        if (total <= 0).any():   # не бывает: шаг «MRR клиентов» ограничивает переходы (modules_on_sale)
            raise RuntimeError("У клиента не осталось модуля для покупки: переходов больше, чем модулей в продаже.")
        u = rng.random(len(rows)) * total
        j = (np.cumsum(w, axis=1) < u[:, None]).sum(axis=1)
        picked[rows] = j
        # следующие покупки того же клиента видят этот модуль купленным
        last = np.full(cust.max() + 1, -1, dtype=np.int64)
        last[cust[rows]] = j
        later = (rank > r) & (last[cust] >= 0)
        held[later, last[cust[later]]] = True
    return picked


@step("каталог и продукты клиентов", reads=("customer_months", "accounts"),
      writes=("tables.products", "tables.account_products"), streams=("expansion",))
def make_account_products(ctx: Context, rng) -> None:
    """Каталог products и движения account_products: каждое движение MRR — с продуктом."""
    ctx.tables["products"] = products_table()
    cm = ctx.customer_months
    acc_ids = ctx.accounts.ids
    edition = np.array([EDITION_OF_SEGMENT[s] for s in S.SEGMENTS], dtype=object)[cm.seg]

    # места месяцем раньше (по клиенту): первый месяц клиента — с нуля
    order = np.lexsort((cm.m, cm.c))
    prev_seats = np.zeros(len(cm.m), dtype=np.int64)
    same = np.r_[False, cm.c[order][1:] == cm.c[order][:-1]]
    prev_seats[order[1:]] = np.where(same[1:], cm.seats[order][:-1], 0)
    new_seats = cm.seats - prev_seats - cm.seats_added - cm.deal_seats + cm.seats_removed

    # последний месяц, когда продукты клиента были у него: месяц до оттока
    churn_month = np.full(cm.c.max() + 1, -1, dtype=np.int64)
    churn_month[cm.c[cm.churned]] = cm.m[cm.churned]
    until = churn_month[cm.c] - 1

    up = np.flatnonzero(cm.exp_upgrade > 0)
    module = np.full(len(cm.m), "", dtype=object)
    module[up] = np.array(MODULE_CODES, dtype=object)[
        _pick_modules(rng, cm.seg[up], ctx.accounts.ind[cm.acc[up]], cm.m[up], cm.c[up])]

    parts = []
    for event, mask, product, seats, kop in (
        ("new", cm.new > 0, edition, new_seats, cm.new),
        ("seats_added", cm.exp_seats > 0, edition, cm.seats_added, cm.exp_seats),
        ("upsell_deal", cm.exp_deal > 0, edition, cm.deal_seats, cm.exp_deal),
        ("module", cm.exp_upgrade > 0, module, np.zeros_like(cm.seats), cm.exp_upgrade),
        ("indexation", cm.exp_index > 0, edition, np.zeros_like(cm.seats), cm.exp_index),
        ("seats_removed", cm.con > 0, edition, -cm.seats_removed, -cm.con),
        ("churn", cm.churn > 0, edition, -prev_seats, -cm.churn),
    ):
        i = np.flatnonzero(mask)
        held = event in ("new", "module")
        parts.append(pd.DataFrame({
            "_m": cm.m[i], "_acc": cm.acc[i], "_e": P.EVENTS.index(event),
            "account_id": acc_ids[cm.acc[i]], "product_id": product[i], "event": event,
            "seats_change": seats[i].astype(np.int64), "mrr_change_rub": kop[i] / 100,
            "_until": np.where(held & (until[i] >= 0), until[i], -1)}))
    t = pd.concat(parts, ignore_index=True).sort_values(["_m", "_acc", "_e", "product_id"], kind="stable")
    t.insert(0, "month", month_str(t["_m"].to_numpy()))
    held_until = np.where(t["_until"].to_numpy() >= 0, t["_until"].to_numpy(), 0)
    t["held_until"] = np.where(t["_until"].to_numpy() >= 0, month_str(held_until), None)
    ctx.tables["account_products"] = t.drop(columns=["_m", "_acc", "_e", "_until"]).reset_index(drop=True)
