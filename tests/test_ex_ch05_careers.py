"""Раздел 5.4, часть 1: каждое качественное утверждение текста — проверка на данных курса."""

import math

import pandas as pd
import pytest

from salesbook.exercises import ch05_careers as ex
from salesbook.exercises import table
from salesbook.toolkit import careers, course, cycle, kpi, planning


@pytest.fixture(scope="module")
def data():
    return table("career_events"), table("reps"), table("opportunities")


@pytest.fixture(scope="module")
def spells(data):
    return careers.grade_spells(data[0], course.DATA_END)


@pytest.fixture(scope="module")
def attainment(data):
    return careers.quarterly_attainment(data[2], data[1], "2023-01-01", "2025-12-31")


def _working(reps, day=course.DATA_END):
    cut = pd.Timestamp(day)
    ok = reps["role"].eq("AE") & (reps["hire_date"] <= cut) & (reps["exit_date"].isna() | (reps["exit_date"] > cut))
    return set(reps.loc[ok, "rep_id"])


def test_ladder_has_senior_aes_and_no_team_leads_yet(spells):
    now = spells[spells["ended_by"].eq("censored")]
    assert (now["grade"] == "team_lead").sum() == 0
    assert ((now["role"] == "AE") & (now["grade"] == "senior")).sum() > 0


def test_mean_rule_would_add_people_with_lumpy_quarters(data, attainment):
    rule = careers.promotion_rule(attainment, "2026-01-01")
    working = _working(data[1])
    mean_only = rule[(rule["quarters_reviewed"] == 4) & (rule["mean_attainment"] >= 0.9) & ~rule["rule_met"]]
    assert len(set(mean_only.index) & working) > 0
    assert len(set(rule.index[rule["rule_met"]]) & working) > 0


def _reviews(events):
    r = events[events["event_type"].eq("review") & events["role"].eq("AE")].copy()
    r["rule_met"] = ((r["quarters_reviewed"] == 4) & (r["quarters_met"] >= 3)).astype(bool)
    r["strong"] = (r["rating"] >= 4).astype(bool)
    r["promoted"] = r["grade_after"] != r["grade_before"]
    return r


def test_company_mostly_keeps_its_rule(data):
    r = _reviews(data[0])
    both = r[r["rule_met"] & r["strong"]]
    other = r[~(r["rule_met"] & r["strong"])]
    assert both["promoted"].mean() > other["promoted"].mean()
    assert other["promoted"].mean() <= 0.2                       # «повышают редко»
    exceptions = r[r["promoted"] & ~(r["rule_met"] & r["strong"])]
    assert 0 < len(exceptions) < r["promoted"].sum() + 1


def test_weak_rating_exception_later_left_for_performance(data):
    events, reps, _ = data
    r = _reviews(events)
    weak = r[r["promoted"] & ~r["strong"]]
    assert len(weak) >= 1
    rep = weak["rep_id"].iloc[0]
    assert bool(weak["rule_met"].iloc[0])                        # «при выполненном плане»
    row = reps.set_index("rep_id").loc[rep]
    assert row["exit_reason"] == "performance" and row["exit_date"] > weak["event_date"].iloc[0]


def test_enterprise_quarters_are_lumpy(data, attainment):
    _, reps, opps = data
    rule = careers.promotion_rule(attainment, "2026-01-01")
    ent = reps[reps["role"].eq("AE") & reps["team"].eq("enterprise")]["rep_id"]
    ids = [i for i in ent if i in rule.index and rule.loc[i, "quarters_reviewed"] == 4 and i in _working(reps)]
    q = attainment.loc[ids, ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]]
    assert (q == 0).sum().sum() >= 2 and q.max().max() >= 2.0    # «ноль» и «втрое»
    year = kpi.quota_attainment(opps, reps, *course.YEAR_2025)["attainment"]
    assert any(year[i] >= 0.9 and not rule.loc[i, "rule_met"] for i in ids)


def test_censoring_lengthens_the_wait_and_upper_bound_is_undefined(spells):
    ae = spells[spells["role"].eq("AE") & spells["grade"].eq("specialist")]
    tt = careers.time_to_event(ae, "promotion")
    km = careers.km_median_ci(tt["months"], tt["event"])
    promoted = ae.loc[ae["ended_by"].eq("promotion"), "months"]
    assert km["median"] > promoted.mean() and km["median"] > promoted.median()
    assert math.isnan(km["ci_high"]) and km["ci_low"] < km["median"]
    assert 20 <= km["median"] <= 30                               # «около двух лет»
    assert km["events"] < km["n"] - km["events"]                  # цензурированных больше, чем повышений
    assert ex.q1.expected_value() == pytest.approx(km["median"])


def test_sdr_grow_fastest_and_csm_se_median_rests_on_one_person(spells):
    med = {}
    for name, roles in {"ae": ["AE"], "sdr": ["SDR", "BDR"], "cs": ["CSM", "SE"]}.items():
        tt = careers.time_to_event(spells[spells["role"].isin(roles) & spells["grade"].eq("specialist")], "promotion")
        med[name] = careers.km_median_ci(tt["months"], tt["event"])
        if name == "cs":
            curve = cycle.kaplan_meier(tt["months"], tt["event"])
    assert med["sdr"]["median"] < med["ae"]["median"] < med["cs"]["median"]
    assert med["cs"]["events"] == 1
    assert int(curve.loc[curve["events"] > 0, "at_risk"].iloc[0]) <= 3


def test_no_sdr_became_ae_and_some_left(data):
    events, reps, _ = data
    sdr = reps[reps["role"].isin(["SDR", "BDR"])]
    assert sdr["exit_date"].notna().sum() > 0
    assert set(events.loc[events["rep_id"].isin(sdr["rep_id"]), "role"]) <= {"SDR", "BDR"}
    ae_hires = events[events["event_type"].eq("hire") & events["role"].eq("AE")]
    assert ae_hires["origin"].eq("external").all()               # «все AE наняты снаружи»


def test_who_leaves(data):
    _, reps, opps = data
    p = careers.exits_profile(reps, opps, course.DATA_END)
    g = p.groupby("status").agg(n=("team", "size"), tenure=("tenure_months", "median"), att=("attainment", "median"))
    assert g.loc["performance", "att"] < g.loc["stayed", "att"]
    assert g.loc["voluntary", "att"] > g.loc["stayed", "att"]     # «лучше оставшихся»
    assert g.loc["voluntary", "n"] == 3                             # «по трём людям»
    assert g.loc["performance", "tenure"] < g.loc["stayed", "tenure"]


def test_transfers_out_are_part_of_voluntary_exits(data):
    events, reps, _ = data
    moved = events[events["event_type"].eq("transfer_out")]
    reason = reps.set_index("rep_id")["exit_reason"]
    assert len(moved) > 0 and (moved["rep_id"].map(reason) == "voluntary").all()
    assert set(moved["destination"]) <= {"partnerships", "marketing", "product"}


def test_replacement_cost_is_mostly_lost_acv(data):
    _, reps, opps = data
    vacancy = careers.vacancy_months(reps, "AE").median()
    prod = planning.segment_productivity(opps, reps, *course.YEAR_2025)["productivity"]
    ae = reps[reps["role"].eq("AE")]
    total = {}
    ramp = {}
    for seg in ("smb", "mid_market"):
        team = ae[ae["team"].eq(seg)]
        fee = careers.AGENCY_FEE_SHARE * 12 * team.loc[team["exit_date"].isna(), "base_salary_rub"].median()
        ramp[seg] = team["ramp_months"].median()
        c = careers.replacement_cost(prod[seg], ramp[seg], vacancy, fee)
        total[seg] = c["total"]
        if seg == "mid_market":
            assert c["hiring_cost"] / c["total"] < 0.1                  # «лишь»
    assert total["smb"] < total["mid_market"]
    assert prod["smb"] < prod["mid_market"] and ramp["smb"] < ramp["mid_market"]


def test_internal_transfer_is_cheaper_and_vacancy_is_almost_half(data):
    x = ex.mid_market_inputs()
    ext = careers.replacement_cost(x["productivity"], x["ramp"], x["vacancy"], x["fee"])
    assert ex.q3.expected_value() > 0
    assert 0.4 <= ext["vacancy_acv"] / ext["total"] < 0.5           # «почти половина цены»
    _, reps, opps = data
    mid = reps[reps["role"].eq("AE") & reps["team"].eq("mid_market")]
    fee = careers.AGENCY_FEE_SHARE * 12 * mid.loc[mid["exit_date"].isna(), "base_salary_rub"].median()
    prod = planning.segment_productivity(opps, reps, *course.YEAR_2025).loc["mid_market", "productivity"]
    row = careers.replacement_cost(prod, mid["ramp_months"].median(), careers.vacancy_months(reps, "AE").median(), fee)
    assert row["total"] == pytest.approx(ext["total"])             # «снаружи» — строка mid-market таблицы раздела


def test_some_se_and_csm_come_from_inside(data):
    hires = data[0][data[0]["event_type"].eq("hire")]
    se_csm = hires[hires["role"].isin(["SE", "CSM"])]
    assert 0 < se_csm["origin"].ne("external").mean() < 0.5
    assert set(se_csm["origin"]) - {"external"} <= {"implementation", "support", "product"}
