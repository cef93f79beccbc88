"""Материалы продаж и их использование в сделках: content_assets и content_usage (раздел 7.2).

Таблицы выводятся из готовых сделок, компаний и сотрудников и их не меняют. Использование
материала зависит от смешивающих факторов (сила AE, размер и «здоровье» сделки, её длина) и —
для ROI-калькулятора и кейсов — немного от исхода сделки (``WON_RATE_BOOST``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.context import Context
from salesbook.data.generator.params import company
from salesbook.data.generator.params import enablement as P
from salesbook.data.generator.pipeline import step

MEDDIC = ["meddic_metrics", "meddic_economic_buyer", "meddic_decision_criteria", "meddic_decision_process",
          "meddic_identify_pain", "meddic_champion"]


def _z(x: pd.Series) -> pd.Series:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else x * 0.0


def _assets() -> pd.DataFrame:
    cols = ["asset_id", "asset_type", "title", "audience", "industry", "competitor", "owner_team", "format",
            "created_date", "production_cost_rub"]
    df = pd.DataFrame(P.ASSETS, columns=cols)
    df["production_cost_rub"] = df["production_cost_rub"].astype(float)
    return df


@step("материалы продаж и их использование",
      reads=("tables.accounts", "tables.opportunities"),
      writes=("tables.content_assets", "tables.content_usage"), streams=("enablement",))
def make_content(ctx: Context, rng) -> None:
    """Справочник материалов и журнал их использования в сделках."""
    assets = _assets()
    opps = ctx.tables["opportunities"].copy()
    industry = ctx.tables["accounts"].lookup("account_id", opps["account_id"], ["industry"])["industry"]
    opps["industry"] = opps["account_id"].map(industry)
    start = pd.to_datetime(opps["created_date"])
    end = pd.to_datetime(opps["close_date"]).fillna(pd.Timestamp(company.END_DATE))
    days = (end - start).dt.days.clip(lower=1)

    closed = opps[opps["outcome"].isin(["won", "lost"])]
    skill = _z(closed.groupby("owner_id")["outcome"].apply(lambda s: (s == "won").mean()))
    reps = np.sort(opps["owner_id"].unique())
    rep_re = pd.Series(rng.normal(0.0, P.REP_SD, size=len(reps)), index=reps)
    size = opps.groupby("segment")["amount_rub"].transform(lambda s: _z(np.log(s)))
    meddic = _z(opps[MEDDIC].sum(axis=1).astype(float))
    log_mult = (P.SKILL_COEF * opps["owner_id"].map(skill).fillna(0.0) + opps["owner_id"].map(rep_re)
                + P.SIZE_COEF * size + P.MEDDIC_COEF * meddic)
    mult = (np.exp(log_mult) * (days / P.DAYS_REF) ** P.DAYS_POWER
            * opps["segment"].map(P.SEGMENT_MULT)).to_numpy(float)
    won = opps["outcome"].eq("won").to_numpy()

    rows = []
    for a in assets.itertuples(index=False):
        if a.asset_id in P.NEVER_USED or a.asset_type == "pricing":
            continue
        created = pd.Timestamp(a.created_date)
        rate = np.full(len(opps), P.BASE_RATE[a.asset_type]) * mult
        if a.asset_type in P.HEAVY_ASSET_MULT:
            rate = rate * opps["segment"].map(P.HEAVY_ASSET_MULT[a.asset_type]).to_numpy(float)
        if a.asset_type == "case_study":
            rate = rate * (opps["industry"] == a.industry).to_numpy()
        if a.asset_type == "battlecard":
            rate = rate * (opps["competitor"] == a.competitor).to_numpy()
        rate = rate * (1.0 + P.WON_RATE_BOOST.get(a.asset_type, 0.0) * won)
        rate = rate * (end > created).to_numpy()
        if a.asset_id in P.STOP_USING:
            rate = rate * (start <= pd.Timestamp(P.STOP_USING[a.asset_id])).to_numpy()
        used = rng.random(len(opps)) < 1.0 - np.exp(-rate)
        rows.append(pd.DataFrame({"i": np.flatnonzero(used), "asset_id": a.asset_id}))
    # прайс: одна отправка на сделку; после выхода версии 2025 часть AE шлёт старую
    rate = P.BASE_RATE["pricing"] * mult
    used = rng.random(len(opps)) < 1.0 - np.exp(-rate)
    idx = np.flatnonzero(used)
    new_from = pd.Timestamp(assets.set_index("asset_id").loc["CA17", "created_date"])
    rows.append(pd.DataFrame({"i": idx, "asset_id": "CA16"}))
    usage = pd.concat(rows, ignore_index=True)

    # дата использования: равномерно внутри жизни сделки, не раньше создания материала
    created = pd.to_datetime(usage["asset_id"].map(assets.set_index("asset_id")["created_date"]))
    lo = np.maximum(start.iloc[usage["i"]].to_numpy(), created.to_numpy())
    hi = end.iloc[usage["i"]].to_numpy()
    stop = pd.to_datetime(usage["asset_id"].map(P.STOP_USING)).fillna(pd.Timestamp(company.END_DATE)).to_numpy()
    hi = np.minimum(hi, stop)
    span = (hi - lo).astype("timedelta64[D]").astype(int)
    used_date = lo + (rng.random(len(usage)) * (span + 1)).astype(int).astype("timedelta64[D]")
    usage["used_date"] = pd.to_datetime(used_date)
    late = (usage["asset_id"] == "CA16") & (usage["used_date"] >= new_from)
    stale = rng.random(len(usage)) < P.STALE_PRICING_SHARE
    usage.loc[late & ~stale, "asset_id"] = "CA17"

    # просмотры покупателем — только у внешних материалов
    kind = usage["asset_id"].map(assets.set_index("asset_id")["asset_type"])
    buyer = usage["asset_id"].map(assets.set_index("asset_id")["audience"]).eq("buyer").to_numpy()
    m = meddic.iloc[usage["i"]].to_numpy()
    p_open = kind.map(P.OPEN_PROB).fillna(0.0).to_numpy(float)
    logit = np.log(np.clip(p_open, 1e-6, 1 - 1e-6) / (1 - np.clip(p_open, 1e-6, 1 - 1e-6))) + P.OPEN_MEDDIC_COEF * m
    opened = rng.random(len(usage)) < 1.0 / (1.0 + np.exp(-logit))
    views = np.where(opened, rng.geometric(1.0 / (1.0 + P.EXTRA_VIEWS_MEAN), size=len(usage)), 0)
    median = kind.map(P.VIEW_MEDIAN_SEC).fillna(60).to_numpy(float)
    per_view = median * np.exp(rng.normal(0.0, P.VIEW_SIGMA, size=len(usage)))
    seconds = np.round(per_view * views).astype(int)

    out = pd.DataFrame({
        "opportunity_id": opps["opportunity_id"].iloc[usage["i"]].to_numpy(),
        "asset_id": usage["asset_id"].to_numpy(),
        "used_date": usage["used_date"].dt.strftime("%Y-%m-%d").to_numpy(),
        "buyer_views": pd.array(np.where(buyer, views, 0), dtype="Int64"),
        "view_seconds": pd.array(np.where(buyer, seconds, 0), dtype="Int64"),
    })
    out.loc[~buyer, ["buyer_views", "view_seconds"]] = pd.NA
    out = out.sort_values(["used_date", "opportunity_id", "asset_id"], kind="stable").reset_index(drop=True)
    ctx.tables["content_assets"] = assets
    ctx.tables["content_usage"] = out
