"""Партнёрская программа: справочник партнёров и их участие в лидах и сделках (раздел 6.3).

Строится из готовых таблиц leads, opportunities и opportunity_stages своим
потоком случайных чисел ``partners``, поэтому не меняет ни байта в остальных таблицах.
Лид канала ``partners`` получает партнёра, который его привёл (``sourced``); сделки
среднего и крупного бизнеса из других каналов, дошедшие до коммерческого предложения,
с некоторой вероятностью получают партнёра-участника (``influenced``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.context import Context
from salesbook.data.generator.corpora import corpus
from salesbook.data.generator.params import company as C
from salesbook.data.generator.params import partners as P
from salesbook.data.generator.pipeline import step

_SUFFIX = {"referral": ["Консалтинг", "Эксперт", "Бизнес-Решения", "Партнёр"],
           "reseller": ["Дистрибуция", "Софтпоставка", "Лицензии", "Поставка"],
           "integrator": ["Интеграция", "ИТ-Сервис", "Внедрение", "Системная Интеграция"],
           "marketplace": ["Облако"]}


def _partners(rng) -> pd.DataFrame:
    roots = list(corpus("companies")["roots"])
    order = rng.permutation(len(roots))
    lo, hi = pd.Timestamp(P.FIRST_JOIN), pd.Timestamp(P.LAST_JOIN)
    rows, k = [], 0
    for ptype in S.PARTNER_TYPES:
        n = P.PARTNER_COUNTS[ptype]
        days = np.sort(rng.integers(0, (hi - lo).days + 1, n))
        cert = rng.poisson(P.CERTIFIED_MEAN[ptype], n)
        a, b = P.PAYOUT_RANGE[ptype]
        pay = np.round(rng.uniform(a, b, n), 2)
        region = rng.choice(len(S.REGIONS), n, p=P.REGION_MIX)
        weight = np.exp(rng.normal(0, P.PRODUCTIVITY_SIGMA, n))
        for i in range(n):
            root = roots[order[k]]
            k += 1
            suffix = _SUFFIX[ptype][i % len(_SUFFIX[ptype])]
            name = f"Маркетплейс «{root} {suffix}»" if ptype == "marketplace" else f"ООО «{root} {suffix}»"
            # первый партнёр типа — в первый день данных: партнёрский лид может прийти и в этот день
            # (при масштабе 10 приходит), а партнёр подписывает договор не позже регистрации лида
            joined = pd.Timestamp(C.START_DATE) if i == 0 else lo + pd.Timedelta(days=int(days[i]))
            tier = ("gold" if cert[i] >= P.TIER_CERT_THRESHOLDS[1] else
                    "silver" if cert[i] >= P.TIER_CERT_THRESHOLDS[0] else "registered")
            rows.append({"name": name, "type": ptype, "tier": tier, "payout_share": pay[i],
                         "joined_date": joined, "region": S.REGIONS[region[i]],
                         "certified_people": int(cert[i]), "_w": weight[i]})
    df = pd.DataFrame(rows).sort_values(["joined_date", "type"], kind="stable").reset_index(drop=True)
    df.insert(0, "partner_id", [f"PT{i + 1:03d}" for i in range(len(df))])
    return df


def _pick(rng, partners: pd.DataFrame, ptype: str, day: pd.Timestamp) -> int:
    """Номер строки партнёра типа ``ptype``, подписавшего договор не позже ``day``, по весам."""
    ok = (partners["type"] == ptype) & (partners["joined_date"] <= day)
    idx = np.flatnonzero(ok.to_numpy())
    w = partners["_w"].to_numpy()[idx]
    return int(idx[rng.choice(len(idx), p=w / w.sum())])


@step("партнёры и партнёрские сделки",
      reads=("tables.leads", "tables.opportunities", "tables.opportunity_stages"),
      writes=("tables.partners", "tables.partner_deals"), streams=("partners",))
def make_partner_tables(ctx: Context, rng) -> None:
    """Справочник партнёров и связь лидов и сделок с партнёрами (sourced / influenced)."""
    partners = _partners(rng)
    # лиды канала partners и лиды со сделкой — только их строки
    table = ctx.tables["leads"]
    leads = table.rows(table.select(lambda c: (c["channel"] == "partners") | c["opportunity_id"].notna(),
                                    "channel", "opportunity_id"),
                       ["lead_id", "created_date", "channel", "segment", "industry", "opportunity_id"])
    opps = ctx.tables["opportunities"].set_index("opportunity_id")
    stages = ctx.tables["opportunity_stages"]
    types = list(S.PARTNER_TYPES)
    rows = []
    # 1. Лиды канала partners: кто привёл
    src = leads[leads["channel"] == "partners"]
    for lead in src.itertuples(index=False):
        day = pd.Timestamp(lead.created_date)
        ptype = types[rng.choice(len(types), p=P.SOURCED_TYPE_MIX[lead.segment])]
        rows.append({"lead_id": lead.lead_id, "opportunity_id": lead.opportunity_id, "row": _pick(rng, partners, ptype, day),
                     "role": "sourced", "registered_date": day})
    # 2. Сделки других каналов, дошедшие до коммерческого предложения: участие партнёра
    prop = stages[stages["stage"] == "proposal"].set_index("opportunity_id")["entered_date"]
    other = leads[(leads["channel"] != "partners") & leads["opportunity_id"].notna()
                  & leads["opportunity_id"].isin(prop.index) & leads["segment"].isin(list(P.INFLUENCE_PROB))]
    for lead in other.itertuples(index=False):
        public = lead.industry == "public_sector"
        p = P.INFLUENCE_PROB[lead.segment] + (P.INFLUENCE_PUBLIC_SECTOR_ADD if public else 0.0)
        if rng.random() >= p:
            continue
        day = pd.Timestamp(prop[lead.opportunity_id])
        ptype = "reseller" if public or rng.random() < P.INFLUENCE_RESELLER_SHARE else "integrator"
        rows.append({"lead_id": lead.lead_id, "opportunity_id": lead.opportunity_id, "row": _pick(rng, partners, ptype, day),
                     "role": "influenced", "registered_date": day})
    deals = pd.DataFrame(rows)
    opp_id = deals["opportunity_id"].where(deals["opportunity_id"].notna() & (deals["opportunity_id"] != ""))
    has = opp_id.notna()
    outcome = pd.Series("", index=deals.index)
    amount = pd.Series(0.0, index=deals.index)
    close = pd.Series(pd.NaT, index=deals.index, dtype="datetime64[ns]")
    outcome[has] = opps.loc[opp_id[has], "outcome"].to_numpy()
    amount[has] = opps.loc[opp_id[has], "amount_rub"].astype(float).to_numpy()
    close[has] = pd.to_datetime(opps.loc[opp_id[has], "close_date"]).to_numpy()
    won = (outcome == "won").to_numpy()
    ptype = partners["type"].to_numpy()[deals["row"]]
    share = partners["payout_share"].to_numpy()[deals["row"]]
    paid = won & ((deals["role"] == "sourced").to_numpy() | (ptype == "reseller"))
    payout = np.where(paid, np.round(amount.to_numpy() * share, 2), 0.0)
    services_share = np.round(rng.uniform(*P.SERVICES_RANGE, len(deals)), 2)
    services = np.where(won & (ptype == "integrator"), np.round(amount.to_numpy() * services_share, -3), 0.0)
    out = pd.DataFrame({
        "partner_id": partners["partner_id"].to_numpy()[deals["row"]],
        "lead_id": deals["lead_id"],
        "opportunity_id": opp_id,
        "role": deals["role"],
        "registered_date": deals["registered_date"].dt.strftime("%Y-%m-%d"),
        "payout_rub": payout,
        "payout_date": np.where(paid, close.dt.strftime("%Y-%m-%d"), None),
        "services_rub": services,
    })
    out = out.sort_values(["registered_date", "lead_id"], kind="stable").reset_index(drop=True)
    partners = partners.drop(columns="_w")
    partners["joined_date"] = partners["joined_date"].dt.strftime("%Y-%m-%d")
    ctx.tables["partners"] = partners
    ctx.tables["partner_deals"] = out
