"""Планы мотивации и выплаты (pay_plans, rep_payouts) согласованы с sm_costs, сделками, лидами и MRR."""

from __future__ import annotations

import numpy as np
import pytest

from salesbook.data import load
from salesbook.data.generator.params import people


@pytest.fixture(scope="module")
def t():
    return {n: load(n) for n in ("pay_plans", "rep_payouts", "sm_costs", "reps", "opportunities", "leads", "mrr")}


def test_payouts_sum_to_sm_costs_bonus_to_the_kopeck(t):
    p, c = t["rep_payouts"], t["sm_costs"]
    bonus = c[c["cost_type"] == "bonus"].set_index(["month", "role"])["amount_rub"]
    got = p.groupby(["month", "role"])["payout_rub"].sum().reindex(bonus.index, fill_value=0.0)
    assert np.abs(got - bonus).max() < 0.005


def test_role_matches_reps_and_plan_rows(t):
    p, reps, plans = t["rep_payouts"], t["reps"], t["pay_plans"]
    assert (reps.set_index("rep_id").loc[p["rep_id"], "role"].to_numpy() == p["role"].to_numpy()).all()
    comp = plans.set_index("role")["component"]
    assert (comp.loc[p["role"]].to_numpy() == p["component"].to_numpy()).all()
    assert plans.set_index("role").loc["AE", "rate_pct"] == pytest.approx(100 * people.AE_COMMISSION)
    assert plans.set_index("role").loc["SE", "rate_pct"] == pytest.approx(100 * people.SE_COMMISSION)


def test_ae_commission_is_rate_times_won_acv_of_employed_owner(t):
    p, o, reps = t["rep_payouts"], t["opportunities"], t["reps"]
    won = o[o["outcome"] == "won"].merge(reps[["rep_id", "exit_date"]], left_on="owner_id", right_on="rep_id")
    won = won[won["exit_date"].isna() | (won["exit_date"] >= won["close_date"])]
    won["month"] = won["close_date"].dt.to_period("M").dt.to_timestamp()
    exp = won.groupby(["month", "owner_id"])["amount_rub"].agg(["sum", "size"])
    ae = p[p["component"] == "ae_commission"].set_index(["month", "rep_id"])
    exp.index.names = ae.index.names
    assert set(exp.index) == set(ae.index)
    ae = ae.loc[exp.index]
    assert np.allclose(ae["basis_rub"], exp["sum"], atol=0.01)
    assert (ae["units"].to_numpy() == exp["size"].to_numpy()).all()
    assert np.allclose(ae["payout_rub"], people.AE_COMMISSION * exp["sum"], atol=0.05)


def test_meeting_bonus_counts_sql_meetings(t):
    p, leads = t["rep_payouts"], t["leads"]
    m = p[p["component"] == "sql_meeting_bonus"]
    sql = leads[leads["sql_date"].notna() & leads["sdr_id"].notna()]
    counted = m.groupby("rep_id")["units"].sum()
    held = sql.groupby("sdr_id").size()
    # встреча после ухода сотрудника не оплачивается, поэтому оплаченных не больше состоявшихся
    assert (counted <= held.reindex(counted.index)).all()
    assert counted.sum() >= 0.9 * held.sum()


def test_csm_bonus_is_share_of_annualised_expansion(t):
    p, mrr = t["rep_payouts"], t["mrr"]
    csm = p[p["component"] == "csm_expansion_bonus"].groupby("month")["payout_rub"].sum()
    exp = mrr.groupby("month")["expansion_rub"].sum().reindex(csm.index)
    assert np.allclose(csm, people.CSM_EXPANSION_BONUS * 12 * exp, rtol=1e-6, atol=0.05)
