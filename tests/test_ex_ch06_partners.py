"""Качественные утверждения раздела 6.3 «Партнёрства и каналы» проверяются на данных курса."""

from __future__ import annotations

import pandas as pd
import pytest

from salesbook.exercises import ch06_partners as ex
from salesbook.exercises import table
from salesbook.runtime import plotting
from salesbook.toolkit import acquisition, course, kpi, market, partners, unit_economics

YEAR = course.YEAR_2025


@pytest.fixture(scope="module")
def t():
    return {n: table(n) for n in ("partners", "partner_deals", "leads", "opportunities", "marketing_spend",
                                  "mrr", "cogs", "opportunity_stages")}


def test_small_business_comes_via_marketplace_and_referral(t):
    d = t["partner_deals"]
    src = d[d["role"] == "sourced"].merge(t["leads"][["lead_id", "segment"]], on="lead_id")
    src = src.merge(t["partners"][["partner_id", "type"]], on="partner_id")
    mix = pd.crosstab(src["type"], src["segment"], normalize="columns")
    assert mix.loc[["marketplace", "referral"], "smb"].sum() > 0.8
    assert mix.loc[["reseller", "integrator"], "mid_market"].sum() > 0.7
    assert mix.loc[["reseller", "integrator"], "enterprise"].sum() == pytest.approx(1.0)


def test_reseller_leaves_least_gross_profit(t):
    gm = unit_economics.gross_margin_for_period(t["mrr"], t["cogs"], *YEAR)
    kept = gm - t["partners"].groupby("type")["payout_share"].mean()
    assert kept.idxmin() == "reseller"


def test_influenced_bigger_than_sourced_and_double_counted(t):
    rev = partners.partner_revenue(t["partner_deals"], t["opportunities"], *YEAR)
    assert rev.loc["influenced", "acv_rub"] > rev.loc["sourced", "acv_rub"]
    assert rev.loc["influenced", "win_rate"] > rev.loc["sourced", "win_rate"]
    ov = partners.reported_revenue_overlap(t["partner_deals"], t["opportunities"], t["leads"], *YEAR)
    assert ov["double_counted"] == pytest.approx(rev.loc["influenced", "acv_rub"])
    assert ov["channels"] == pytest.approx(ov["actual"])


def test_influenced_win_rate_is_selection_by_stage(t):
    opps, leads, d, st = t["opportunities"], t["leads"], t["partner_deals"], t["opportunity_stages"]
    reached = set(st.loc[st["stage"] == "proposal", "opportunity_id"])
    channel = opps["lead_id"].map(leads.set_index("lead_id")["channel"])
    no_partner = opps[(channel != "partners") & opps["segment"].isin(["mid_market", "enterprise"])
                      & ~opps["opportunity_id"].isin(d["opportunity_id"])]
    inf = opps[opps["opportunity_id"].isin(d.loc[d["role"] == "influenced", "opportunity_id"])]
    wr_all = kpi.win_rate(no_partner, *course.HISTORY)
    wr_prop = kpi.win_rate(no_partner[no_partner["opportunity_id"].isin(reached)], *course.HISTORY)
    wr_inf = kpi.win_rate(inf, *course.HISTORY)
    assert wr_inf > 1.7 * wr_all                    # «вдвое выше» в квизе
    assert abs(wr_inf - wr_prop) < 0.05             # так же часто, как сделки той же стадии без партнёра


def test_influenced_win_rate_2025_within_noise(t):
    rev = partners.partner_revenue(t["partner_deals"], t["opportunities"], *YEAR)
    opps, d = t["opportunities"], t["partner_deals"]
    closed = kpi.closed_deals(opps[opps["opportunity_id"].isin(d.loc[d["role"] == "influenced", "opportunity_id"])], *YEAR)
    lo, hi = market.proportion_ci(int(rev.loc["influenced", "won_deals"]), len(closed))
    assert len(closed) < 30                                       # «горстка сделок»
    assert lo < rev.loc["sourced", "win_rate"] < hi               # «доля приведённых в него попадает»


def test_mdf_residual_negative_in_some_quarter_positive_for_year(t):
    q = pd.Series({p: partners.partner_program_costs(t["marketing_spend"], t["partner_deals"], p.start_time,
                                                     p.end_time.normalize())["mdf_and_comarketing"]
                   for p in pd.period_range(course.HISTORY[0], course.HISTORY[1], freq="Q")})
    assert (q < 0).sum() >= 1                                     # «в отдельные кварталы комиссии превышают бюджет»
    for y in course.YEARS.values():
        assert partners.partner_program_costs(t["marketing_spend"], t["partner_deals"], *y)["mdf_and_comarketing"] > 0


def test_influenced_payouts_overtook_sourced_and_grow_faster(t):
    d = t["partner_deals"]
    p = d[d["payout_rub"] > 0]
    by = p.pivot_table(index=p["payout_date"].dt.year, columns="role", values="payout_rub", aggfunc="sum")
    assert by.loc[2025, "influenced"] > by.loc[2025, "sourced"]
    assert by.loc[2025, "influenced"] / by.loc[2023, "influenced"] > 3 * by.loc[2025, "sourced"] / by.loc[2023, "sourced"]


def test_most_new_partner_customers_are_mid_market_or_enterprise(t):
    new = acquisition.new_customer_deals(t["opportunities"], t["leads"])
    seg = new.loc[acquisition.in_period(new["close_date"], *YEAR) & (new["channel"] == "partners"), "segment"]
    assert seg.isin(["mid_market", "enterprise"]).mean() > 0.5    # «больше половины — mid-market и enterprise»


def test_partner_names_are_not_real_companies(t):
    assert not t["partners"]["name"].str.contains("Софтлайн").any()


def test_partner_cac_dearer_per_customer_cheaper_per_acv(t):
    program = partners.partner_program_costs(t["marketing_spend"], t["partner_deals"], *YEAR,
                                             channel_team_monthly_rub=partners.CHANNEL_MANAGER_MONTHLY_RUB)
    funnel = acquisition.channel_funnel(t["marketing_spend"], t["leads"], t["opportunities"], *YEAR)
    new = acquisition.new_customer_deals(t["opportunities"], t["leads"])
    new_acv = new[acquisition.in_period(new["close_date"], *YEAR)].groupby("channel")["amount_rub"].sum()
    paid = funnel[funnel["spend_rub"] > 0]
    direct = paid.drop("partners")
    partner_cac = acquisition.cac(program.sum(), paid.loc["partners", "customers"])
    direct_cac = acquisition.cac(direct["spend_rub"].sum(), direct["customers"].sum())
    assert partner_cac > direct_cac
    per_acv = paid["spend_rub"] / new_acv.reindex(paid.index)
    per_acv["partners"] = program.sum() / new_acv["partners"]
    direct_per_acv = direct["spend_rub"].sum() / new_acv.reindex(direct.index).sum()
    assert per_acv["partners"] < direct_per_acv
    assert per_acv.drop("partners").idxmin() == "outbound" and per_acv.drop("outbound").idxmin() == "partners"
    assert program["commissions"] / (program["commissions"] + program["mdf_and_comarketing"]) < 0.5
    assert partner_cac == pytest.approx(ex.partner_cac())


def test_influenced_margin_is_paid(t):
    d = t["partner_deals"]
    paid = d[(d["payout_rub"] > 0) & acquisition.in_period(d["payout_date"], *YEAR)]
    assert paid.loc[paid["role"] == "influenced", "payout_rub"].sum() > 0


def test_conflicts(t):
    c = partners.channel_conflicts(t["partner_deals"], t["leads"])
    assert 0 < c["direct_worked"].sum() < len(c)
    assert c["direct_channel"].value_counts().index[0] == "outbound"
    assert len(c) / (t["partner_deals"]["role"] == "sourced").sum() < 0.1
    assert plotting.label("outbound").lower() == "исходящие"


def test_tiers_lag_results(t):
    card = partners.partner_scorecard(t["partners"], t["partner_deals"], t["opportunities"], *YEAR)
    rec = partners.recommend_tier(card)
    rank = {"registered": 0, "silver": 1, "gold": 2}
    assert (card["tier"].map(rank) > rec.map(rank)).sum() > 0
    assert (card["tier"].map(rank) < rec.map(rank)).sum() > 0
    assert (card["won_acv_rub"] > 0).sum() < len(card)


def test_reseller_decision_story():
    x = ex.offer_inputs()
    offer = {k: x[k] for k in ("deals", "acv", "gross_margin", "margin", "channel_cost")}
    sens = partners.reseller_sensitivity(**offer)
    v = sens["value_rub"]
    assert v.iloc[0] > 0 and v.iloc[-1] < 0
    assert 0 < v.loc[0.5] < 0.1 * v.iloc[0]          # «при половине сделок „и так“ — почти ноль»
    breakeven = partners.breakeven_cannibalisation(**offer)
    c = x["cannibalisation"]
    assert abs(c - breakeven) < 0.1                   # измеренная доля рядом с точкой безубыточности
    assert ex.offer_value() < 0 and ex.max_margin() < x["margin"]
    assert len(ex.reseller_paid_deals()) < 30          # «горстка сделок»
    n = len(ex.reseller_paid_deals())
    lo, hi = market.proportion_ci(round(c * n), n)
    assert lo < breakeven < hi                        # интервал накрывает точку безубыточности
    assert partners.reseller_value(**offer, cannibalisation=lo) > 0 > partners.reseller_value(**offer, cannibalisation=hi)
    paid = ex.reseller_paid_deals()
    conflicts = set(partners.channel_conflicts(table("partner_deals"), table("leads"))["lead_id"])
    cannibalised = paid["role"].eq("influenced") | paid["lead_id"].isin(conflicts)
    assert paid.loc[cannibalised, "role"].eq("influenced").all()   # «все „каннибализированные“ — influenced»
    # горизонт: за три года реселлер в плюсе, точка безубыточности выше измеренной доли
    assert partners.reseller_value(**offer, cannibalisation=c, years=3) > 0 > ex.offer_value()
    assert partners.breakeven_cannibalisation(**offer, years=3) > c > breakeven


def test_partner_labels_are_russian():
    for code in ("referral", "reseller", "integrator", "marketplace", "sourced", "influenced", "gold"):
        assert plotting.partner_label(code) != code
    assert plotting.partner_label("smb") == plotting.label("smb")


def test_certification_does_not_drive_partner_leads(t):
    p, d = t["partners"], t["partner_deals"]
    leads_per_partner = d[d["role"] == "sourced"].groupby("partner_id").size().reindex(p["partner_id"]).fillna(0)
    corr = pd.Series(p["certified_people"].to_numpy()).corr(pd.Series(leads_per_partner.to_numpy()))
    assert abs(corr) < 0.3                           # «связи „больше сертифицированных — больше продаж“ нет»
