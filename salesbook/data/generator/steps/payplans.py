"""Планы мотивации (pay_plans) и выплаты сотрудникам по месяцам (rep_payouts).

Выплаты берутся из тех же массивов, из которых складывается статья bonus в sm_costs
(:func:`.costs.bonus_components`), поэтому сумма rep_payouts по роли и месяцу до копейки
равна строке bonus в sm_costs: копейки округления отдаются самой крупной выплате в группе.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.context import Context
from salesbook.data.generator.dates import month_str
from salesbook.data.generator.params import payplans
from salesbook.data.generator.pipeline import step
from salesbook.data.generator.steps.costs import PAY_COMPONENTS, _months_worked, bonus_components


def _plans() -> pd.DataFrame:
    cols = ("role", "component", "basis", "rate_pct", "per_unit_rub", "indexed", "split", "condition", "timing")
    df = pd.DataFrame(payplans.PLAN_ROWS, columns=cols)
    df["rate_pct"] = 100 * df["rate_pct"].astype(float)
    df["valid_from"] = payplans.VALID_FROM
    df["valid_to"] = payplans.VALID_TO
    return df


def _to_kopecks(pay: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Округлить выплаты до копеек так, чтобы сумма группы равнялась округлённой сумме группы
    (как в sm_costs); разницу округления получает самая крупная выплата группы."""
    kop = np.round(pay * 100).astype(np.int64)
    df = pd.DataFrame({"g": group, "pay": pay, "kop": kop, "i": np.arange(len(pay))})
    target = np.round(np.round(df.groupby("g")["pay"].sum().to_numpy(), 2) * 100).astype(np.int64)
    got = df.groupby("g")["kop"].sum().to_numpy()
    diff = pd.Series(target - got, index=df.groupby("g")["pay"].sum().index)
    top = df.sort_values(["g", "pay", "i"], ascending=[True, False, True]).drop_duplicates("g")
    kop[top["i"].to_numpy()] += diff.loc[top["g"]].to_numpy()
    return kop / 100


@step("планы мотивации и выплаты сотрудникам",
      reads=("reps", "deal_results", "sql_meetings", "deal_sizes", "customer_months", "tables.sm_costs"),
      writes=("tables.pay_plans", "tables.rep_payouts"), streams=("payplans",))
def make_pay_tables(ctx: Context, rng) -> None:
    """Таблица правил pay_plans и выплаты «сотрудник × месяц × составляющая» rep_payouts."""
    reps = ctx.reps
    parts = bonus_components(ctx, _months_worked(reps))
    rows = []
    for k, name in enumerate(PAY_COMPONENTS):
        pay, base, units = parts[name]
        r, m = np.nonzero(pay > 0)
        rows.append(pd.DataFrame({"m": m, "r": r, "k": k, "pay": pay[r, m], "base": base[r, m],
                                  "units": units[r, m]}))
    df = pd.concat(rows, ignore_index=True)
    df["role"] = reps.role[df["r"].to_numpy()]
    df = df.sort_values(["m", "role", "r", "k"], kind="stable").reset_index(drop=True)
    group = (df["m"].astype(str) + "|" + df["role"]).to_numpy()
    df["payout_rub"] = _to_kopecks(df["pay"].to_numpy(), group)
    per_deal = np.isin(np.array(PAY_COMPONENTS)[df["k"]], ("ae_commission", "se_commission", "sql_meeting_bonus"))
    out = pd.DataFrame({
        "month": month_str(df["m"].to_numpy()),
        "rep_id": reps.ids[df["r"].to_numpy()],
        "role": df["role"],
        "component": np.array(PAY_COMPONENTS)[df["k"]],
        "units": pd.array(np.where(per_deal, df["units"], np.nan), dtype="Int64"),
        "basis_rub": np.where(df["k"].to_numpy() == PAY_COMPONENTS.index("sql_meeting_bonus"), np.nan,
                              np.round(df["base"].to_numpy(), 2)),
        "payout_rub": df["payout_rub"],
    })
    ctx.tables["pay_plans"] = _plans()
    ctx.tables["rep_payouts"] = out.reset_index(drop=True)
