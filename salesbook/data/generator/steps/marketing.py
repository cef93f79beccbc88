"""Маркетинговые бюджеты B2B и B2C по месяцам и каналам."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.context import Context, Spend
from salesbook.data.generator.dates import growth, month_str
from salesbook.data.generator.params import b2c, company, funnel
from salesbook.data.generator.pipeline import step


@step("маркетинговые бюджеты", writes=("spend", "tables.marketing_spend"), streams=("spend",))
def make_marketing_spend(ctx: Context, rng) -> None:
    """Бюджет канала = база 2023 года × рост × сезонность × шум, с точностью до 100 ₽; B2B — по целевым сегментам."""
    m = np.arange(company.N_MONTHS)
    moy = m % 12
    rows = []
    spend = ctx.spend = Spend(b2b=np.zeros((company.N_MONTHS, len(S.B2B_CHANNELS))),
                              b2c=np.zeros((company.N_MONTHS, len(S.B2C_CHANNELS))))
    for line, budgets, arr in (("b2b", funnel.B2B_BUDGET_2023, spend.b2b), ("b2c", b2c.B2C_BUDGET_2023, spend.b2c)):
        for j, (ch, base) in enumerate(budgets.items()):
            season = (b2c.B2C_SPEND_SEASONALITY if line == "b2c" else company.EVENTS_MONTH_SEASONALITY
                      if ch == "events" else company.B2B_MONTH_SEASONALITY)
            noise = np.exp(rng.normal(0, funnel.SPEND_NOISE_SIGMA, company.N_MONTHS))
            amount = base * ctx.scale * growth(m, company.BUDGET_GROWTH_PER_YEAR) * season[moy] * noise
            amount = np.round(amount / 100) * 100
            arr[:, j] = amount
            if line == "b2c":
                rows.append(pd.DataFrame({"m": m, "business_line": line, "channel": ch, "segment": None,
                                          "spend_rub": amount}))
                continue
            # бюджет B2B-канала по целевым сегментам: доля лидов сегмента × стоимость его лида
            w = np.array(funnel.LEAD_SEGMENT_MIX[ch]) * np.array([funnel.SEGMENT_CPL_MULT[s] for s in S.SEGMENTS])
            parts = np.round(amount[:, None] * (w / w.sum())[None, :] / 100) * 100
            parts[:, -1] = amount - parts[:, :-1].sum(axis=1)
            for k, seg in enumerate(S.SEGMENTS):
                rows.append(pd.DataFrame({"m": m, "business_line": line, "channel": ch, "segment": seg,
                                          "spend_rub": parts[:, k]}))
    df = pd.concat(rows, ignore_index=True)
    seg_order = df["segment"].map({s: i for i, s in enumerate(S.SEGMENTS)}).fillna(-1)
    df = df.assign(_s=seg_order).sort_values(["m", "business_line", "channel", "_s"], kind="stable").drop(columns="_s")
    df.insert(0, "month", month_str(df["m"].to_numpy()))
    ctx.tables["marketing_spend"] = df.drop(columns="m").reset_index(drop=True)
