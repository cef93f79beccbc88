"""Раздел 2.1, часть 1: утверждения текста верны на данных, решения учащегося проходят проверку."""

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from salesbook.exercises import ch02_funnel as ex
from salesbook.exercises import table
from salesbook.toolkit import course, funnel, kpi

WEB_TYPES = ["session", "email_click", "content_download", "form", "demo_request", "trial_signup"]


@pytest.fixture(scope="module")
def flow():
    return ex.flow()


def test_paths_are_multi_touch_and_multi_source():
    touches, leads = table("touches"), table("leads")
    n = touches.groupby("lead_id").size()
    inbound = leads.loc[leads["channel"] != "outbound", "lead_id"]
    assert n[inbound].median() >= 3
    assert touches.groupby("lead_id")["source"].nunique().reindex(inbound).ge(2).mean() > 0.5


def test_every_pql_becomes_sql_and_mql_without_trial_is_within_altior():
    leads, opps = table("leads"), table("opportunities")
    from salesbook.toolkit import motions
    pql = motions.lead_conversion(leads, opps, *course.YEAR_2024).loc["pql"]
    assert pql["sqls"] == pql["leads"] > 0                              # каждый PQL — сразу SQL
    c = leads[leads["created_date"].dt.year == 2024]
    no_trial = c[c["mql_date"].notna() & ~c["trial_started"]]
    assert 0.30 <= no_trial["sql_date"].notna().mean() <= 0.50          # внутри 30–50 % Altior


def test_brand_demand_grows_and_users_overstate_people():
    yearly = funnel.traffic_summary(table("web_traffic"), "Y")
    assert yearly.loc[2025, "brand_queries"] > 1.5 * yearly.loc[2023, "brand_queries"]
    leads = table("leads")
    org = leads[leads["channel"] == "organic"].groupby(leads["created_date"].dt.year).size()
    brand_growth = yearly.loc[2025, "brand_queries"] / yearly.loc[2023, "brand_queries"]
    assert abs(brand_growth / (org[2025] / org[2023]) - 1) < 0.1        # растёт вместе с органическими лидами
    monthly = funnel.traffic_summary(table("web_traffic"), "M")
    assert (monthly["users"] <= monthly["sessions"]).all()


def test_identified_visits_are_a_small_share_and_visit_to_lead_is_below_benchmark_floor():
    touches, web, leads = table("touches"), table("web_traffic"), table("leads")
    yearly = funnel.traffic_summary(web, "Y")
    ident = touches[touches["touch_type"].isin(WEB_TYPES)].groupby(touches["date"].dt.year).size()
    share = ident / yearly["sessions"]
    assert (share < 0.15).all()
    inbound = leads[leads["channel"] != "outbound"].groupby(leads["created_date"].dt.year).size()
    v2l = inbound / yearly["sessions"]
    assert (v2l < 0.02).all() and (v2l > 0.005).all()        # ниже нижней границы 2 % ориентира Altior


def test_engagement_differs_by_medium():
    web = table("web_traffic")
    t = web[web["medium"] != "brand_query"].groupby("medium")[["sessions", "engaged_sessions"]].sum()
    rate = t["engaged_sessions"] / t["sessions"]
    assert rate["social"] < rate["organic"] < rate["direct"]


def test_trial_and_demo_paths(flow):
    leads = table("leads")
    c = leads[leads["created_date"].dt.year == 2024]
    trial = c[c["trial_started"]]
    assert 0.3 < trial["mql_date"].notna().mean() < 0.8


def test_win_rate_and_proposal_to_won_differ():
    opps = table("opportunities")
    cohort = funnel.cohort_funnel(ex.flow(), *course.YEAR_2024)
    proposal_to_won = cohort.loc["won", "count"] / cohort.loc["proposal", "count"]
    assert kpi.win_rate(opps, *course.YEAR_2025) < proposal_to_won - 0.1


def test_nrr_above_one_and_nps_positive():
    r = kpi.revenue_retention(table("mrr"), course.DECEMBER_2024, course.DECEMBER_2025)
    assert r["nrr"] > 1 and r["grr"] < 1
    usage = table("product_usage")
    assert funnel.nps(usage.loc[usage["month"].dt.year == 2025, "nps"]) > 0


def test_calendar_and_cohort_conversion_diverge_by_several_points():
    leads = table("leads")
    months = pd.period_range("2024-01", "2025-12", freq="M")
    gap = [abs(funnel.calendar_conversion(leads, m.start_time, m.end_time, "mql_date", "sql_date")
               - funnel.cohort_conversion(leads, m.start_time, m.end_time, "mql_date", "sql_date")) for m in months]
    assert max(gap) > 0.05
    cal = pd.Series([funnel.calendar_conversion(leads, m.start_time, m.end_time, "mql_date", "sql_date") for m in months],
                    index=months)
    coh = pd.Series([funnel.cohort_conversion(leads, m.start_time, m.end_time, "mql_date", "sql_date") for m in months],
                    index=months)
    assert cal.std() > coh.std()                                        # календарная скачет сильнее
    january = [m for m in months if m.month == 1]
    assert ((cal - coh)[january] > 0.03).all()                          # в январе календарная выше
    assert (cal - coh).idxmax() in january


def test_enterprise_and_mid_market_lose_more_after_proposal(flow):
    c = flow[flow["lead"].dt.year == 2024]
    rate = c.groupby("segment").apply(lambda g: g["won"].notna().sum() / g["proposal"].notna().sum())
    assert rate["enterprise"] < rate["mid_market"] < rate["smb"]


def test_youngest_cohort_is_immature(flow):
    quarters = ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    won = [funnel.cohort_funnel(flow, *course.quarter(q)).loc["won", "from_lead"] for q in quarters]
    assert won[-1] < 0.7 * pd.Series(won[:-1]).median()
    assert won[-1] < 0.7 * min(won[:-1])                                # ниже даже худшей из ранних когорт


def test_days_within_deal_exceed_days_before_it(flow):
    d = funnel.stage_days(flow, *course.YEAR_2024)
    assert d[["lead→mql", "mql→sql", "sql→opportunity"]].sum() < d[["opportunity→proposal", "proposal→won"]].sum()


def test_leaks_in_leads_at_top_in_roubles_after_proposal(flow):
    lk = funnel.leaks(flow, *course.YEAR_2024, by="segment")
    assert lk["lost"].idxmax() == "lead→mql"
    assert lk["lost_rub"].idxmax() == "proposal→won"
    second = lk["lost_rub"].drop("proposal→won")
    assert second.idxmax() == "lead→mql" and second.max() > 0.85 * lk["lost_rub"].max()   # почти столько же
    top = funnel.leak_rank_bootstrap(flow, *course.YEAR_2024, n_boot=200)
    assert top.idxmax() == "proposal→won" and 0.15 < top["lead→mql"] < 0.5               # порядок неустойчив


def test_channel_shapes(flow):
    t = funnel.funnel_by(flow, *course.YEAR_2024, by="channel")
    won_share = t["won"] / t["lead"]
    rub = t["won_rub"] / t["lead"]
    top2 = won_share.nlargest(2)
    assert set(top2.index) == {"organic", "ppc"}
    (lo1, hi1), (lo2, hi2) = (proportion_confint(int(t.loc[c, "won"]), int(t.loc[c, "lead"]), method="wilson")
                              for c in top2.index)
    assert lo1 < hi2 and lo2 < hi1                                      # интервалы перекрываются
    leads = table("leads")
    for ch in ["organic", "ppc"]:
        smb = leads[(leads["channel"] == ch) & (leads["created_date"].dt.year == 2024) & (leads["segment"] == "smb")]
        assert smb["trial_started"].mean() > 0.7                        # почти все — пробный период
    assert rub.idxmax() == "partners"
    assert won_share.idxmin() == "outbound" and rub["outbound"] > rub.median()   # редко, но крупно


def test_b2c_wider_shorter_similar_share_at_same_horizon(flow):
    b2c = funnel.b2c_funnel(table("b2c_users"), table("b2c_purchases"), *course.YEAR_2024, horizon_days=90)
    b2b = funnel.won_within(flow, *course.YEAR_2024, horizon_days=90)
    assert b2c["signups"] > b2b["leads"]
    share = b2c["first_purchase"] / b2c["signups"]
    assert abs(share - b2b["won_share"]) < 0.02                         # за 90 дней доли близки
    assert b2c["median_days_to_pay"] < b2b["median_days_to_win"] / 2
    b2b_all = (flow["won"] - flow["lead"]).dt.days[flow["lead"].dt.year == 2024].median()
    assert b2b_all >= b2b["median_days_to_win"]                          # без окна цикл B2B длиннее


def test_section_2_2_counts_b2c_payers_without_horizon_so_its_share_is_higher():
    from salesbook.toolkit import motions
    tables = {n: table(n) for n in ["b2c_users", "b2c_purchases", "marketing_spend", "cogs"]}
    no_window = motions.b2c_line(tables, *course.YEAR_2024)["conversion"]
    b2c = funnel.b2c_funnel(table("b2c_users"), table("b2c_purchases"), *course.YEAR_2024, horizon_days=90)
    assert no_window > b2c["first_purchase"] / b2c["signups"]


def test_fix_priority_in_gross_profit():
    from salesbook.toolkit import unit_economics
    gm = unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2024)
    gp = funnel.fix_priority(ex.flow(), *course.YEAR_2024, ex.COST_PER_POINT)["return_per_rub"] * gm
    assert gp.max() > 1 and gp.min() > 1                                # все переходы окупаются в первый год


# --------------------------------------------------------------------------
# Упражнения: решения другими путями и ошибки
# --------------------------------------------------------------------------

def test_q1_plain_pandas_passes_and_calendar_is_caught():
    leads = table("leads")
    c = leads[(leads["created_date"] >= "2025-01-01") & (leads["created_date"] <= "2025-03-31")]
    assert ex.q1.check(c["sql_date"].notna().sum() / len(c)).passed
    assert "календарная" in ex.q1.check(ex._lead_to_sql("calendar")).message


def test_q2_and_q4_answers_differ_so_biggest_leak_is_not_first_fix():
    assert ex.leak_by("lost_rub") != ex.fix_first()
    assert ex.q2.check("proposal→won").passed
    assert not ex.q4.check("proposal→won").passed


def test_q3_manual_pandas_passes():
    users, purchases = table("b2c_users"), table("b2c_purchases")
    cohort = users[users["signup_date"].dt.year == 2024]
    p = purchases.merge(cohort[["user_id", "signup_date"]], on="user_id")
    p = p[(p["date"] - p["signup_date"]).dt.days <= 90]
    assert ex.q3.check(p["user_id"].nunique() / len(cohort)).passed


def test_company_funnel_against_benchmarks_and_mature_2024_cohort(flow):
    c = funnel.cohort_funnel(flow, *course.YEAR_2024)
    assert c.loc["mql", "step_conversion"] > 0.30 and c.loc["sql", "step_conversion"] > 0.50   # выше обоих наборов
    opp_to_won = c.loc["won", "count"] / c.loc["opportunity", "count"]
    assert 0.28 <= opp_to_won <= 0.40                                   # у верхней границы ориентиров
    opps = table("opportunities")
    lead_ids = flow.loc[flow["lead"].dt.year == 2024, "lead_id"]
    assert opps[opps["lead_id"].isin(lead_ids)]["outcome"].eq("open").mean() < 0.05   # когорта 2024 почти закрыта


def test_q4_biggest_leak_is_also_the_most_valuable_point_so_one_hint_covers_both():
    value = funnel.point_value(ex.flow(), *course.YEAR_2024).reindex(list(ex.COST_PER_POINT))
    assert value.idxmax() == ex.leak_by("lost_rub") != ex.fix_first()
    assert "отдача на рубль" in ex.q4.check(ex.leak_by("lost_rub")).message
    assert "дешёвые" in ex.q4.check(ex.leak_by("lost")).message


def test_q2_pooled_and_by_leads_point_to_the_same_wrong_answer_with_one_hint():
    assert ex.leak_by("lost_rub", None) == ex.leak_by("lost") != ex.leak_by("lost_rub")
    msg = ex.q2.check(ex.leak_by("lost")).message
    assert "by='segment'" in msg and "lost" in msg
