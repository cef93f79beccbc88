"""Утверждения текста раздела 2.3 (обе части) на данных курса: каждое — проверка, которая может упасть."""

from __future__ import annotations

import pytest

from salesbook.data import load
from salesbook.exercises import ch02_abm as ex
from salesbook.toolkit import abm, course, kpi


@pytest.fixture(scope="module")
def t():
    return {n: load(n) for n in ("accounts", "opportunities", "contacts", "abm_accounts", "reps")}


@pytest.fixture(scope="module")
def panel():
    return ex.panel()


# --- Часть 1 ---------------------------------------------------------------


def test_money_is_concentrated_in_few_large_accounts(t):
    won = kpi.won_deals(t["opportunities"], "2024-01-01", course.DATA_END)
    g = won.groupby("segment").agg(deals=("opportunity_id", "size"), acv=("amount_rub", "sum"))
    share = g / g.sum()
    assert share.loc["enterprise", "acv"] > 5 * share.loc["enterprise", "deals"]
    big = share.loc[["mid_market", "enterprise"]].sum()
    assert big["acv"] > 0.5 > big["deals"]


def test_committee_grows_with_segment_and_enterprise_matches_gartner(t):
    won = kpi.won_deals(t["opportunities"], "2024-01-01", course.DATA_END)
    first = won.sort_values("close_date").drop_duplicates("account_id")
    people = t["contacts"].groupby("account_id").size().reindex(first["account_id"]).fillna(0)
    med = people.groupby(first["segment"].to_numpy()).median()
    assert med["smb"] < med["mid_market"] < med["enterprise"]
    assert 6 <= med["enterprise"] <= 10


def test_fit_and_intent_are_different_things(t):
    r = t["abm_accounts"][["icp_fit_score", "intent_score"]].corr(method="spearman").iloc[0, 1]
    assert abs(r) < 0.2


def test_capacity_and_tiers(t):
    assert ex.capacity()["one_to_one"] == 8 and len(ex.enterprise_aes()) == 4
    scores = t["abm_accounts"].set_index("account_id")
    tiers = abm.tier_accounts(scores, ex.capacity(), ex.WEIGHTS)
    agree = (tiers.fillna("none") == scores["tier"].fillna("none"))[scores["in_programme"]].mean()
    assert 0 < agree < 1   # «совпадение неполное»


def test_coverage_relates_to_win_rate(t):
    cov = abm.coverage_win_rate(t["contacts"], t["opportunities"], "2024-01-01", course.DATA_END)
    assert cov["win_rate"].is_monotonic_increasing
    assert cov.loc["5+", "win_rate"] > 3 * cov.loc["1", "win_rate"]


def test_plan_account_is_known_by_one_old_lead(t):
    target = ex.plan_account()
    plan = abm.account_plan(target, t["contacts"], ex.PLAN_AS_OF)
    assert plan["reached"].sum() == 1
    c = t["contacts"]
    known = c[(c["account_id"] == target) & (c["first_engaged_date"] <= ex.PLAN_AS_OF)]
    assert known["lead_id"].notna().all()
    assert not plan.loc[["economic_buyer", "champion"], "reached"].any()


def test_win_rate_three_roles_above_segment_average(t):
    cov = abm.coverage_at_close(t["contacts"], t["opportunities"], "2024-01-01", course.DATA_END)
    mid = cov[cov["segment"] == "mid_market"]
    assert mid.loc[mid["roles"] >= 3, "won"].mean() > mid["won"].mean()


# --- Часть 2 ---------------------------------------------------------------


def test_programme_picked_hotter_accounts(t):
    a = t["abm_accounts"]
    assert a.loc[a["in_programme"], "intent_score"].median() > a.loc[~a["in_programme"], "intent_score"].median()


def test_naive_difference_is_large_and_existed_before(panel):
    means = panel.groupby("in_programme")[["pipeline_before", "pipeline_after"]].mean()
    assert means.loc[True, "pipeline_after"] > 5 * means.loc[False, "pipeline_after"]
    assert means.loc[True, "pipeline_before"] > means.loc[False, "pipeline_before"]


def test_intent_predicts_pipeline_outside_programme(panel):
    out = panel[~panel["in_programme"]]
    top = out.loc[out["intent_decile"] == 9, "pipeline_after"].mean()
    low = out.loc[out["intent_decile"] < 5, "pipeline_after"].mean()
    assert top > low


def test_strata_shrink_the_naive_estimate_and_cover_zero(panel):
    naive = abm.naive_uplift(panel, "pipeline_after")
    strat = abm.stratified_effect(panel, "pipeline_after", ex.STRATA)
    assert 0 < strat["effect"] < naive and strat["treated_dropped"] == 0
    lo, hi = ex.effect_interval()
    assert lo < 0 < hi


def test_few_deals_after_start(t, panel):
    o = t["opportunities"]
    n = (o["account_id"].isin(panel["account_id"]) & (o["created_date"] >= ex.START)).sum()
    assert n < 50 and len(panel) > 1000


def test_did_near_zero_wide_and_trends_not_parallel(t, panel):
    naive = abm.naive_uplift(panel, "pipeline_after")
    did = abm.did_effect(panel, "pipeline_before", "pipeline_after")
    assert abs(did) < 0.2 * naive
    lo, hi = abm.bootstrap_ci(panel, lambda d: abm.did_effect(d, "pipeline_before", "pipeline_after"), n=500, seed=0)
    assert lo < 0 < hi
    o = t["opportunities"]
    q1 = o[o["account_id"].isin(panel["account_id"]) & o["created_date"].between("2025-01-01", "2025-03-31")]
    per = q1.groupby("account_id")["amount_rub"].sum().reindex(panel["account_id"]).fillna(0).to_numpy()
    treated = panel["in_programme"].to_numpy()
    assert per[treated].mean() > 5 * per[~treated].mean()


def test_methods_agree_where_effect_is_built_in(panel):
    est = [abm.naive_uplift(panel, "roles_after"),
           abm.stratified_effect(panel, "roles_after", ex.STRATA)["effect"],
           abm.did_effect(panel, "roles_before", "roles_after")]
    assert max(est) - min(est) < 0.15
    lo, _ = abm.bootstrap_ci(panel, lambda d: abm.stratified_effect(d, "roles_after", ex.STRATA)["effect"],
                             n=500, seed=0)
    assert lo > 0.3


def test_decision_stop_on_first_year_and_holdout_on_three_years():
    lo, hi = ex.gross_profit_interval()
    cost = ex.programme_cost()
    assert hi < cost and hi > cost / 3   # «меньше половины», но не пренебрежимо
    assert abm.programme_decision(lo, hi, cost) == "stop"
    assert abm.programme_decision(3 * lo, 3 * hi, cost) == "holdout_test"
