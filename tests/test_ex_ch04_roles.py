"""Раздел 4.1: каждое качественное утверждение текста — проверка на данных курса.

Часть 1 — мощность, деньги ролей, SDR, BDR, AE и enterprise; часть 2 — пресейл, CSM и пропорции."""

from __future__ import annotations

import pytest
from statsmodels.stats.proportion import proportion_confint

from salesbook.exercises import ch04_roles as ex
from salesbook.exercises import table, tables
from salesbook.toolkit import course, planning, roles

Y = course.YEAR_2025


@pytest.fixture(scope="module")
def data():
    return tables(*ex._NAMES)


# --- часть 1 -------------------------------------------------------------------


def test_ramped_months_below_worked_and_headcount_times_12_errs_more(data):
    reps = data["reps"]
    worked = roles.person_months(reps, *Y, "AE", ramped=False)
    ramped = roles.person_months(reps, *Y, "AE")
    assert ramped < worked
    headcount = 12 * ex._headcount("AE")
    assert abs(headcount - worked) > abs(worked - ramped)  # «людей × 12» ошибается сильнее
    hired_2025 = reps[(reps["role"] == "AE") & (reps["hire_date"].dt.year == 2025)]
    assert len(hired_2025) > 0  # разница — новички 2025 года


def test_loaded_cost_of_sdr_well_above_salary(data):
    cost = roles.loaded_cost(data["sm_costs"], data["reps"], *Y)
    assert cost.loc["SDR", "loaded_pm"] / cost.loc["SDR", "salary_pm"] > 1.5
    assert cost.loc["AE", "loaded_pm"] > 2 * cost.loc["SDR", "loaded_pm"]  # «в разы дешевле» в решении q8


def test_se_has_the_lowest_variable_share_and_ae_below_fifty_percent(data):
    mix = roles.pay_mix(data["sm_costs"], *Y)
    assert mix["variable_share"].idxmin() == "SE"
    assert mix.loc["AE", "variable_share"] < 0.5  # ниже pay mix 50/50


def test_most_sqls_come_without_sdr(data):
    leads = data["leads"]
    sql = leads[leads["sql_date"].dt.year == 2025]
    assert sql["sdr_id"].isna().mean() > 0.5


def test_sdr_and_bdr_make_similar_number_of_sqls(data):
    sdr = roles.capacity("SDR", data, *Y)["sql_per_month"]
    bdr = roles.capacity("BDR", data, *Y)["sql_per_month"]
    assert abs(sdr - bdr) / sdr < 0.2


def test_enterprise_bigger_longer_larger_committee_but_less_acv_per_month(data):
    seg = roles.segment_comparison(data, *Y, year=2025)
    ent, mid = seg.loc["enterprise"], seg.loc["mid_market"]
    assert ent["acv_rub"] > 2 * mid["acv_rub"]
    assert ent["cycle_days"] > mid["cycle_days"]
    assert ent["committee"] > mid["committee"]
    assert ent["win_rate"] < mid["win_rate"]
    assert ent["productivity_rub"] < mid["productivity_rub"]
    won = planning.segment_productivity(data["opportunities"], data["reps"], *Y).loc["enterprise", "won_deals"]
    assert won <= 15  # «десяток сделок»
    assert ex.q4.expected_value() > 0


def test_enterprise_gap_to_mid_market_is_within_poisson_noise_of_one_year(data):
    from scipy.stats import chi2

    seg = roles.segment_comparison(data, *Y, year=2025)
    won = planning.segment_productivity(data["opportunities"], data["reps"], *Y).loc["enterprise", "won_deals"]
    high = chi2.ppf(0.975, 2 * won + 2) / 2
    assert seg.loc["enterprise", "productivity_rub"] * high / won > seg.loc["mid_market", "productivity_rub"]
    assert 0.05 < 1 / won < 0.15  # «примерно на десятую»


def test_ae_relative_chart_title_deal_many_times_larger_flow_only_a_few(data):
    seg = roles.segment_comparison(data, *Y, year=2025)
    rel = seg.drop(index="smb")[["acv_rub", "productivity_rub"]] / seg.loc["smb", ["acv_rub", "productivity_rub"]]
    assert rel["acv_rub"].min() > 2 * rel["productivity_rub"].max()  # «крупнее в … раз, ACV на AE-месяц — лишь в …»


def test_planned_ae_mix_below_50_50_and_smb_quota_to_ote_below_four(data):
    from salesbook.data.generator.params import people

    mix = roles.planned_ae_mix(data["ae_quotas"], table("salary_history"), data["reps"], 2025, people.AE_COMMISSION)
    assert (mix["variable_share"] < 0.5).all()
    assert mix.loc["smb", "variable_share"] < mix[["variable_share"]].drop(index="smb").min().item()  # «около четверти» против 35–40 %
    assert mix.loc["smb", "quota_to_ote"] < 4
    assert (mix.drop(index="smb")["quota_to_ote"].between(4, 6)).all()


def test_a_third_of_sdr_sqls_not_accepted_by_ae(data):
    leads, reps = data["leads"], data["reps"]
    sdr = leads[leads["sdr_id"].isin(reps.loc[reps["role"] == "SDR", "rep_id"]) & leads["sql_date"].dt.year.eq(2025)]
    assert 0.2 < sdr["opportunity_id"].isna().mean() < 0.45


def test_ae_gross_profit_per_rouble_below_acv_per_rouble(data):
    from salesbook.toolkit import unit_economics

    margin = unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *Y)
    assert 0 < margin < 1


# --- часть 2 -------------------------------------------------------------------


def _closed():
    o = table("opportunities")
    return o[o["outcome"].isin(["won", "lost"]) & (o["close_date"].dt.year == 2025)]


def test_pooled_se_win_rate_lower_but_higher_within_mid_market():
    closed = _closed()
    pooled = closed.groupby(closed["se_id"].notna())["outcome"].apply(lambda s: (s == "won").mean())
    assert pooled[True] < pooled[False]
    eff = roles.se_effect(table("opportunities"), *Y)
    assert eff.loc[("mid_market", "с SE"), "win_rate"] > eff.loc[("mid_market", "без SE"), "win_rate"]
    assert eff.loc[("enterprise", "без SE"), "deals"] < 10


def _ci(seg, group):
    eff = roles.se_effect(table("opportunities"), *Y)
    n = eff.loc[(seg, group), "deals"]
    return proportion_confint(round(eff.loc[(seg, group), "win_rate"] * n), n, method="wilson")


def test_mid_market_intervals_overlap_only_at_the_edge_and_smb_within_noise():
    lo_with, _ = _ci("mid_market", "с SE")
    _, hi_without = _ci("mid_market", "без SE")
    assert 0 < hi_without - lo_with < 0.05
    lo_a, hi_a = _ci("smb", "с SE")
    lo_b, hi_b = _ci("smb", "без SE")
    assert lo_a < hi_b and lo_b < hi_a


def test_se_works_almost_only_in_mid_market_and_enterprise():
    closed = _closed()
    with_se = closed[closed["se_id"].notna()]
    assert (with_se["segment"] == "smb").mean() < 0.3
    assert (closed.loc[closed["segment"] == "smb", "se_id"].notna()).mean() < 0.15


def test_se_is_not_assigned_by_deal_size_within_segment():
    closed = _closed()
    mid_won = closed[(closed["segment"] == "mid_market") & (closed["outcome"] == "won")]
    acv = mid_won.groupby(mid_won["se_id"].notna())["amount_rub"].mean()
    assert abs(acv[True] / acv[False] - 1) < 0.15


def test_se_has_two_to_three_dozen_deals_in_work(data):
    per_month = roles.capacity("SE", data, *Y)["deals_per_month"]
    cycle_mid = roles.segment_comparison(data, *Y, year=2025).loc["mid_market", "cycle_days"]
    assert 60 <= cycle_mid <= 95  # «цикл mid-market в два-три месяца»
    assert 15 <= per_month * cycle_mid / 30 <= 35


def test_csm_portfolio_much_heavier_than_benchmarks(data):
    csm = roles.capacity("CSM", data, *Y)
    cost = roles.loaded_cost(data["sm_costs"], data["reps"], *Y).loc["CSM", "loaded_pm"]
    assert csm["arr_rub"] / (12 * cost) > 2 * 10  # «в разы» больше ориентира ≈ 10
    assert csm["accounts"] > 104


def test_sdr_feeds_about_one_ae_and_smb_ais_inflate_the_ratio(data):
    assert 0.6 < ex.ae_fed() < 1.3  # «около одного AE» при нынешней нагрузке
    assert ex.ae_fed(segments=None) > ex.ae_fed()  # сделки SMB завышали бы загрузку
    r = roles.team_ratios(data, *Y)
    assert r["ae_per_feeder"] > 1.4 * r["ae_big_per_feeder"]  # AE SMB заметно завышают пропорцию
    assert 0.7 < r["ae_big_per_feeder"] < 1.3  # «около одного AE на SDR или BDR»


def test_outbound_list_is_set_by_budget_not_by_bdr_headcount():
    from salesbook.data.generator.params import funnel

    # во врезке: объём исходящего списка = бюджет канала / стоимость лида, число BDR в формулу не входит
    assert funnel.B2B_BUDGET_2023["outbound"] > 0 and funnel.B2B_COST_PER_LEAD["outbound"] > 0
    spend = table("marketing_spend")
    out = spend[(spend["channel"] == "outbound") & (spend["business_line"] == "b2b")]
    assert out["spend_rub"].sum() > 0


def test_every_inbound_mid_ent_mql_is_worked_so_new_sdr_splits_the_same_flow():
    leads = table("leads")
    mql = leads[leads["mql_date"].dt.year.eq(2025) & leads["segment"].isin(["mid_market", "enterprise"])
                & leads["channel"].ne("outbound")]
    assert len(mql) > 500 and mql["sdr_id"].notna().all()


def test_bdr_acv_per_month_many_times_its_cost_so_next_hire_is_bdr():
    n = ex.hire_numbers()
    assert n["bdr_acv_per_month"] > 3 * (n["bdr_cost"] + n["list_cost"])  # «в разы больше … вместе с базой»
    assert n["bdr_acv_per_month"] > n["ae_cost"]


def test_december_2024_customers_grew_revenue_in_2025():
    from salesbook.toolkit import kpi

    assert kpi.revenue_retention(table("mrr"), course.DECEMBER_2024, course.DECEMBER_2025)["nrr"] > 1


def test_bdr_cost_per_sql_below_full_outbound_channel_cost_per_sql_of_6_2():
    from salesbook.toolkit import outbound

    channel = outbound.channel_costs(table("marketing_spend"), table("sm_costs"), *Y, "outbound")["total"]
    per_sql_channel = channel / outbound.sqls(table("leads"), *Y, "outbound")
    assert ex.bdr_card().loc["cost_per_sql", "value"] < 0.8 * per_sql_channel  # «заметно дороже»


def test_observed_se_logit_gap_in_mid_market_exceeds_the_built_in_effect():
    import numpy as np

    from salesbook.data.generator.params import deals

    mid = roles.se_effect(table("opportunities"), *Y).loc["mid_market"]
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    gap = logit(mid.loc["с SE", "win_rate"]) - logit(mid.loc["без SE", "win_rate"])
    assert gap > 1.5 * deals.WIN_SE_EFFECT  # «заметно больше заложенной»
