"""Передача клиента из продаж в успех клиентов: таблица handoffs (раздел 4.3).

Строка — первая выигранная сделка каждого клиента (новый клиент), как
``acquisition.new_customer_deals``. Таблица выводится из готовых таблиц (сделки, компании,
сотрудники) и их не меняет: отток уже известен, и связь полноты карточки с ранним оттоком
заложена здесь, параметром ``EARLY_CHURN_PENALTY``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.context import Context
from salesbook.data.generator.params import handoffs as P
from salesbook.data.generator.pipeline import step


def _logit(p):
    return np.log(p / (1 - p))


def _day(s) -> pd.Series:
    return pd.to_datetime(pd.Series(s), format="%Y-%m-%d", errors="coerce")


@step("передача клиентов в успех клиентов",
      reads=("tables.accounts", "tables.opportunities", "tables.reps"),
      writes=("tables.handoffs",), streams=("handoffs",))
def make_handoffs(ctx: Context, rng) -> None:
    """Таблица handoffs: карточка передачи каждой первой выигранной сделки и kickoff CSM."""
    opps = ctx.tables["opportunities"]
    reps = ctx.tables["reps"]
    won = opps[opps["outcome"] == "won"].sort_values(["close_date", "opportunity_id"])
    deals = won.drop_duplicates("account_id", keep="first").reset_index(drop=True)
    close = _day(deals["close_date"]).reset_index(drop=True)
    data_end = _day(opps["close_date"]).max()
    acc = ctx.tables["accounts"].lookup("account_id", deals["account_id"], ["churned_on"])
    churn = _day(deals["account_id"].map(acc["churned_on"])).reset_index(drop=True)
    early = ((churn - close).dt.days <= P.EARLY_CHURN_DAYS).fillna(False).to_numpy(bool)
    n = len(deals)

    # дата передачи и CSM, работавший в этот день
    gap = rng.geometric(1.0 / (P.HANDOFF_MEAN_DAYS + 1.0), size=n) - 1
    handoff = (close + pd.to_timedelta(gap, unit="D")).clip(upper=data_end)
    csm = reps[reps["role"] == "CSM"]
    hire, leave = _day(csm["hire_date"]).to_numpy(), _day(csm["exit_date"]).to_numpy()
    csm_ids = csm["rep_id"].to_numpy()
    csm_id = []
    for d in handoff.to_numpy():
        active = (hire <= d) & (pd.isna(leave) | (leave > d))
        pool = csm_ids[active] if active.any() else csm_ids[[np.argmin(hire)]]
        csm_id.append(pool[rng.integers(len(pool))])

    # пункты карточки: база × сегмент × аккуратность AE − встроенная связь с ранним оттоком
    aes = np.sort(deals["owner_id"].unique())
    ae_effect = dict(zip(aes, rng.normal(0.0, P.AE_SD, size=len(aes))))
    shift = deals["segment"].map(P.SEGMENT_SHIFT).to_numpy(float) + deals["owner_id"].map(ae_effect).to_numpy(float)
    shift = shift - P.EARLY_CHURN_PENALTY * early
    items = {}
    for item in P.ITEMS:
        p = 1.0 / (1.0 + np.exp(-(_logit(P.ITEM_BASE_PROB[item]) + shift)))
        items[item] = (rng.random(n) < p).astype(int)
    completeness = np.mean(np.column_stack([items[i] for i in P.ITEMS]), axis=1)

    # kickoff: чаще при полной карточке; позже конца данных — ещё не было
    held = rng.random(n) < P.KICKOFF_BASE + P.KICKOFF_SLOPE * completeness
    lag = rng.geometric(1.0 / P.KICKOFF_MEAN_DAYS, size=n)
    kickoff = handoff + pd.to_timedelta(lag, unit="D")
    kickoff = kickoff.where(held & (kickoff <= data_end))

    out = pd.DataFrame({
        "opportunity_id": deals["opportunity_id"].to_numpy(),
        "account_id": deals["account_id"].to_numpy(),
        "segment": deals["segment"].to_numpy(),
        "ae_id": deals["owner_id"].to_numpy(),
        "csm_id": csm_id,
        "close_date": close.dt.strftime("%Y-%m-%d").to_numpy(),
        "handoff_date": handoff.dt.strftime("%Y-%m-%d").to_numpy(),
        "kickoff_date": kickoff.dt.strftime("%Y-%m-%d").to_numpy(),
        **items,
        "completeness": np.round(completeness, 2),
    })
    ctx.tables["handoffs"] = out
