"""Внедрение новых клиентов: таблица onboarding_milestones (раздел 9.1).

Клиенты — те же, что в ``handoffs`` (первая выигранная сделка каждой компании). По каждому —
вехи плана его сегмента (``params.onboarding.PLANS``): плановая дата от дня передачи в CS по
методу критического пути (:func:`salesbook.toolkit.onboarding.schedule` — одно правило и для
данных, и для раздела) и фактическая дата. Стартовая встреча — ``handoffs.kickoff_date``.
Скорость и полнота вех связаны со скрытым здоровьем клиента в первые месяцы
(``customer_months.h``); отток к этому моменту уже смоделирован, и вехи его не меняют.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.arrays import sigmoid
from salesbook.data.generator.context import Context
from salesbook.data.generator.dates import END_DAY, NA, START, fmt_days
from salesbook.data.generator.params import onboarding as P
from salesbook.data.generator.pipeline import step


def _days(s: pd.Series) -> np.ndarray:
    """Строки ГГГГ-ММ-ДД (или пусто) → номера дней генератора (NA — пусто)."""
    d = pd.to_datetime(pd.Series(s), errors="coerce").to_numpy(dtype="datetime64[D]")
    out = (d - START).astype(np.int64)
    return np.where(np.isnat(d), NA, out)


def _early_health(ctx: Context, account_ids: np.ndarray, segments: np.ndarray, rng) -> np.ndarray:
    """Среднее здоровье клиента за первые месяцы, стандартизованное по всем новым клиентам.

    У клиента без помесячной истории (договор подписан в последний месяц данных) — случайное
    значение из здоровья клиентов того же сегмента.
    """
    cm = ctx.customer_months
    first = cm.t < P.HEALTH_MONTHS
    n_acc = len(ctx.accounts.ids)
    total = np.bincount(cm.acc[first], weights=cm.h[first], minlength=n_acc)
    count = np.bincount(cm.acc[first], minlength=n_acc)
    pos = ctx.accounts.ids.position(account_ids)
    seen = count[pos] > 0
    h = np.where(seen, total[pos] / np.maximum(count[pos], 1), np.nan)
    for seg in np.unique(segments):
        miss = np.flatnonzero(~seen & (segments == seg))
        pool = h[seen & (segments == seg)]
        if len(miss):
            h[miss] = rng.choice(pool if len(pool) else h[seen], size=len(miss))
    return (h - h.mean()) / h.std()


@step("вехи внедрения новых клиентов",
      reads=("customer_months", "accounts", "tables.handoffs", "tables.accounts"),
      writes=("tables.onboarding_milestones",), streams=("onboarding",))
def make_onboarding_milestones(ctx: Context, rng) -> None:
    """Таблица onboarding_milestones: клиент × веха плана его сегмента, плановая и фактическая дата."""
    from salesbook.toolkit.onboarding import plan_table, schedule  # одно правило расписания и для данных, и для раздела

    h = ctx.tables["handoffs"]
    ids = h["account_id"].to_numpy()
    acc = ctx.tables["accounts"].lookup("account_id", ids, ["churned_on"])
    seg = h["segment"].to_numpy()
    handoff = _days(h["handoff_date"])
    kickoff = _days(h["kickoff_date"])
    churn = _days(h["account_id"].map(acc["churned_on"]))
    z = _early_health(ctx, ids, seg, rng)
    n = len(h)
    # постоянная «неторопливость» клиента: чем хуже здоровье первых месяцев, тем медленнее все вехи
    slow = P.SLIP_LOG - P.SPEED_HEALTH_COEF * z + rng.normal(0.0, P.CLIENT_SLOW_SD, n)

    parts = []
    for segment, plan in P.PLANS.items():
        rows = np.flatnonzero(seg == segment)
        k = len(rows)
        offsets = schedule(plan_table(segment))
        finish: dict[str, np.ndarray] = {}
        for order_in_plan, (name, owner, days, deps) in enumerate(plan):
            noise = rng.normal(0.0, P.MILESTONE_SD, k)
            u = rng.random(k)
            planned = handoff[rows] + int(round(offsets.loc[name, "early_finish"]))
            if name == "kickoff":
                actual = kickoff[rows]
            else:
                # начало — когда закончены все предшествующие вехи; без стартовой встречи — с задержкой
                start = handoff[rows].copy()
                blocked = np.zeros(k, dtype=bool)
                for d in deps:
                    prev = finish[d]
                    if d == "kickoff":
                        prev = np.where(prev == NA, handoff[rows] + P.KICKOFF_MISSING_DELAY_DAYS, prev)
                    else:
                        blocked |= prev == NA
                    start = np.maximum(start, prev)
                length = np.maximum(1, np.rint(days * np.exp(slow[rows] + noise))).astype(np.int64)
                p_stall = sigmoid(np.log(P.STALL_PROB[name] / (1 - P.STALL_PROB[name])) - P.STALL_HEALTH_COEF * z[rows])
                stalled = u < p_stall
                actual = np.where(blocked | stalled, NA, start + length)
                # после конца данных или после ухода клиента вехи нет
                gone = (churn[rows] != NA) & (actual > churn[rows])
                actual = np.where((actual > END_DAY) | gone, NA, actual)
            finish[name] = actual
            parts.append(pd.DataFrame({"order": rows, "step": order_in_plan, "account_id": ids[rows],
                                       "milestone": name, "owner_role": owner, "planned_date": fmt_days(planned),
                                       "actual_date": fmt_days(actual)}))
    out = pd.concat(parts, ignore_index=True).sort_values(["order", "step"], kind="stable")
    ctx.tables["onboarding_milestones"] = out.drop(columns=["order", "step"]).reset_index(drop=True)
