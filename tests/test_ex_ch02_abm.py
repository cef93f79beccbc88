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
    c = t["contacts"].merge(first[["account_id", "close_date"]], on="account_id")
    c = c[c["first_engaged_date"] <= c["close_date"]]   # к моменту первой покупки
    people = c.groupby("account_id").size().reindex(first["account_id"]).fillna(0)
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
    assert 0 < agree < 0.5   # «совпадение слабое»: правок больше, чем совпадений
    prog = scores[scores["in_programme"]].groupby("tier")["intent_score"].median()
    assert prog["one_to_one"] < prog["one_to_many"]   # 1:1 программы холоднее её 1:many
    ours = scores.groupby(tiers.fillna("none"))["intent_score"].median()
    assert ours["one_to_one"] > prog["one_to_one"]


def test_coverage_relates_to_win_rate(t):
    cov = abm.coverage_win_rate(t["contacts"], t["opportunities"], "2024-01-01", course.DATA_END)
    assert cov["win_rate"].is_monotonic_increasing
    assert cov.loc["5+", "win_rate"] > 3 * cov.loc["1", "win_rate"]
    # состав: одна роль — почти всегда SMB, пять и больше — mid-market и enterprise
    c = abm.coverage_at_close(t["contacts"], t["opportunities"], "2024-01-01", course.DATA_END)
    assert (c.loc[c["roles"] == 1, "segment"] == "smb").mean() > 0.9
    assert (c.loc[c["roles"] >= 5, "segment"] != "smb").mean() > 0.9
    # внутри каждого сегмента связь тоже есть: больше ролей — выше win rate
    for seg in course.SEGMENTS:
        s = abm.coverage_win_rate(t["contacts"], t["opportunities"][t["opportunities"]["segment"] == seg],
                                  "2024-01-01", course.DATA_END)["win_rate"].dropna()
        assert s.iloc[-1] > s.iloc[0], seg


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


def test_naive_rests_on_four_programme_accounts(t, panel):
    prog = panel[panel["in_programme"]]
    assert (prog["pipeline_after"] > 0).sum() == 4
    o = t["opportunities"]
    assert (o["account_id"].isin(prog["account_id"]) & (o["created_date"] >= ex.START)).sum() == 4


def test_naive_interval_covers_zero_too(panel):
    lo, hi = abm.bootstrap_ci(panel, lambda d: abm.naive_uplift(d, "pipeline_after"), n=500, seed=0)
    assert lo < 0 < hi


def test_potential_tercile_barely_moves_strata_estimate(panel):
    p = panel.copy()
    p["potential_tercile"] = __import__("pandas").qcut(p["potential_rub"].rank(method="first"), 3, labels=False)
    base = abm.stratified_effect(p, "pipeline_after", ex.STRATA)["effect"]
    more = abm.stratified_effect(p, "pipeline_after", ex.STRATA + ["potential_tercile"])["effect"]
    assert abs(more - base) < 0.2 * base   # «почти не меняется»


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
    assert strat["effect"] > 0.5 * naive   # «меньше наивной лишь ненамного»
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
    from salesbook.data.generator.params import abm as params
    built_in = panel.loc[panel["in_programme"], "tier"].map(params.EXTRA_ROLES).mean()
    assert abs(built_in - 0.6) < 0.05
    # страты и разность разностей ближе к заложенному, чем наивная оценка
    assert abs(est[1] - built_in) < abs(est[0] - built_in) and abs(est[2] - built_in) < abs(est[0] - built_in)
    lo, _ = abm.bootstrap_ci(panel, lambda d: abm.stratified_effect(d, "roles_after", ex.STRATA)["effect"],
                             n=500, seed=0)
    assert lo > 0.3


def test_decision_stop_on_first_year_and_holdout_over_lifetime():
    lo, hi = ex.gross_profit_interval()
    cost = ex.programme_cost_window()
    assert abs(cost - 0.75 * ex.programme_cost()) < 1
    assert hi < cost
    assert abm.programme_decision(lo, hi, cost) == "stop"
    assert 3 < ex.lifetime_years() <= 5
    assert ex.lifetime_decision() == "holdout_test"


def test_pool_definition_empties_pipeline(t, panel):
    o = t["opportunities"]
    pool = o[o["account_id"].isin(panel["account_id"])]
    h1 = pool[pool["created_date"].between("2024-01-01", "2024-06-30")]
    later = pool[pool["created_date"] >= "2024-07-01"]
    assert len(h1) > 2 * len(later)   # «много первых сделок в I полугодии 2024, потом пусто»
    first = pool.sort_values("created_date").drop_duplicates("account_id")["opportunity_id"]
    assert h1["opportunity_id"].isin(first).mean() > 0.9
