"""Партнёрские таблицы (partners, partner_deals) согласованы с лидами, сделками и бюджетом канала."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.data import load


@pytest.fixture(scope="module")
def t():
    return {n: load(n) for n in ("partners", "partner_deals", "leads", "opportunities", "marketing_spend",
                                 "opportunity_stages")}


def test_sourced_are_exactly_partner_channel_leads(t):
    d, leads = t["partner_deals"], t["leads"]
    src = d[d["role"] == "sourced"]
    assert set(src["lead_id"]) == set(leads.loc[leads["channel"] == "partners", "lead_id"])
    assert src["lead_id"].is_unique
    inf = d[d["role"] == "influenced"]
    ch = leads.set_index("lead_id").loc[inf["lead_id"], "channel"]
    assert (ch != "partners").all()
    assert inf["opportunity_id"].notna().all()


def test_ids_dates_and_opportunities_agree(t):
    d, leads, opps, p = t["partner_deals"], t["leads"], t["opportunities"], t["partners"]
    lead = leads.set_index("lead_id").loc[d["lead_id"]]
    # сделка в partner_deals — та же, что у лида
    assert (lead["opportunity_id"].fillna("").to_numpy() == d["opportunity_id"].fillna("").to_numpy()).all()
    src = d["role"] == "sourced"
    assert (lead["created_date"].to_numpy()[src] == d.loc[src, "registered_date"].to_numpy()).all()
    # партнёр подписал договор не позже регистрации
    joined = p.set_index("partner_id").loc[d["partner_id"], "joined_date"].to_numpy()
    assert (joined <= d["registered_date"].to_numpy()).all()
    # influenced — сделки среднего и крупного бизнеса, дошедшие до коммерческого предложения
    inf = d[d["role"] == "influenced"]
    st = t["opportunity_stages"]
    assert set(inf["opportunity_id"]) <= set(st.loc[st["stage"] == "proposal", "opportunity_id"])
    assert set(opps.set_index("opportunity_id").loc[inf["opportunity_id"], "segment"]) <= {"mid_market", "enterprise"}


def test_payouts_only_on_won_deals_at_partner_share(t):
    d, opps, p = t["partner_deals"], t["opportunities"], t["partners"]
    x = d.merge(opps[["opportunity_id", "outcome", "amount_rub", "close_date"]], on="opportunity_id", how="left")
    x = x.merge(p[["partner_id", "type", "payout_share"]], on="partner_id")
    paid = x["payout_rub"] > 0
    assert (x.loc[paid, "outcome"] == "won").all()
    assert (x.loc[paid, "payout_date"] == x.loc[paid, "close_date"]).all()
    assert np.allclose(x.loc[paid, "payout_rub"], (x.loc[paid, "amount_rub"] * x.loc[paid, "payout_share"]).round(2))
    # по сделкам других каналов платят только реселлеру; все выигранные sourced оплачены
    assert (x.loc[paid & (x["role"] == "influenced"), "type"] == "reseller").all()
    assert paid[(x["role"] == "sourced") & (x["outcome"] == "won")].all()
    assert (x.loc[x["services_rub"] > 0, "type"] == "integrator").all()


def test_sourced_payouts_fit_the_partner_channel_budget(t):
    d, ms = t["partner_deals"], t["marketing_spend"]
    pay = d[(d["role"] == "sourced") & (d["payout_rub"] > 0)]
    by_year = pay.groupby(pay["payout_date"].dt.year)["payout_rub"].sum()
    budget = ms[ms["channel"] == "partners"].groupby(ms["month"].dt.year)["spend_rub"].sum()
    share = (by_year / budget).dropna()
    assert len(share) == 3 and share.between(0.35, 0.55).all()      # README: от 40 до 50 % бюджета


def test_partner_register_matches_readme(t):
    p = t["partners"]
    assert p["type"].value_counts().to_dict() == {"referral": 14, "reseller": 10, "integrator": 9, "marketplace": 2}
    tier = np.where(p["certified_people"] >= 6, "gold", np.where(p["certified_people"] >= 3, "silver", "registered"))
    assert (p["tier"].to_numpy() == tier).all()
    assert pd.Series(p["partner_id"]).is_unique and p["name"].is_unique
