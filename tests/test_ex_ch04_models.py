"""Раздел 4.2: утверждения текста о потоке и симуляции держатся на данных, решения учащегося проходят."""

import math

import numpy as np
import pytest

from salesbook.exercises import ch04_models as ex
from salesbook.exercises import table
from salesbook.toolkit import planning
from salesbook.toolkit import team_models as tm

SEGMENTS = ["smb", "mid_market", "enterprise"]


@pytest.fixture(scope="module")
def res():
    return ex.results()


def _gp(res, model, seg):
    return res.loc[(model, seg), "gross_profit"]


def test_three_different_businesses():
    flow = ex.flow()
    # SMB: почти всё идёт к AE напрямую из пробных периодов; mid-market держится на SDR и BDR
    assert flow.loc["smb", "direct_opps_per_month"] > 2 * flow.loc["smb", "leads_per_month"]
    assert flow.loc["mid_market", "leads_per_month"] > 5 * flow.loc["smb", "leads_per_month"]
    assert flow.loc["mid_market", "first_touch"] > flow["first_touch"].sum() / 2
    assert flow.loc["enterprise", "acv"] > 10 * flow.loc["smb", "acv"]
    assert flow.loc["enterprise", "cycle_days"] > flow.loc["mid_market", "cycle_days"] > flow.loc["smb", "cycle_days"]
    assert flow.loc["smb", "first_touch"] == flow.loc["enterprise", "first_touch"] == 1


def test_data_box_leads_without_sdr():
    leads, opps = table("leads"), table("opportunities")
    b2b = leads[leads["business_line"] == "b2b"]
    no_sdr = planning.lead_conversion(b2b[b2b["sdr_id"].isna()], opps, "2024-01-01", "2024-12-31")
    assert no_sdr.loc["mid_market", "opportunities"] == 0 and no_sdr.loc["enterprise", "opportunities"] == 0
    assert no_sdr.loc["smb", "opportunities"] > 0
    assert ex.flow().loc["mid_market", "direct_opps_per_month"] == 0


def test_company_works_as_an_assembly_line_today():
    roles = set(table("reps")["role"])
    assert {"SDR", "BDR", "AE", "CSM"} <= roles
    leads = table("leads")
    sql = leads[leads["sql_date"].notna() & leads["segment"].isin(["mid_market", "enterprise"])]
    assert sql["sdr_id"].notna().mean() > 0.95  # SQL в mid-market и enterprise делает SDR/BDR, не AE


def test_flow_joins_the_data():
    flow = ex.flow()
    leads = table("leads")
    b2b_2025 = leads[(leads["business_line"] == "b2b") & (leads["created_date"].dt.year == 2025)]
    assert flow["leads_per_month"].sum() * 12 == pytest.approx(b2b_2025["sdr_id"].notna().sum())
    reps = table("reps")
    end = np.datetime64("2025-12-31")
    active = reps[(reps["hire_date"] <= end) & (reps["exit_date"].isna() | (reps["exit_date"] > end))]
    assert flow["first_touch"].sum() == active["role"].isin(["SDR", "BDR"]).sum()
    for seg in SEGMENTS:
        assert flow.loc[seg, "ae"] == ((active["role"] == "AE") & (active["team"] == seg)).sum()
    prod = planning.segment_productivity(table("opportunities"), reps, "2025-01-01", "2025-12-31")
    assert flow["win_rate"].to_dict() == pytest.approx(prod["win_rate"].to_dict())


def test_pool_waits_less_than_one_person_at_same_load():
    one = tm.mmc_metrics(0.8 / 0.5, 0.5, 1)["wq"]
    pool = tm.mmc_metrics(0.8 * 5 / 0.5, 0.5, 5)["wq"]
    assert pool < one / 5


def test_simulation_agrees_with_formula_in_the_text_example():
    lam = 0.8 * 5 / 0.5
    formula = tm.mmc_metrics(lam, 0.5, 5)
    sim = tm.simulate_queue(lam, 0.5, 5)
    assert abs(sim["wq"] / formula["wq"] - 1) < 0.03  # «расхождение — несколько процентов»


def test_island_loses_everywhere(res):
    for seg in SEGMENTS:
        assert _gp(res, "island", seg) < min(_gp(res, "assembly", seg), _gp(res, "pod", seg))
    assert res.loc[("island", "smb"), "utilisation"] > 0.9
    assert res.loc[("island", "smb"), "wait_days"] > 10 * res.loc[("assembly", "smb"), "wait_days"]
    assert res.loc[("assembly", "smb"), "won"] > 2 * res.loc[("island", "smb"), "won"]


def test_segment_story(res):
    smb_gap = abs(_gp(res, "pod", "smb") - _gp(res, "assembly", "smb"))
    assert smb_gap < 0.03 * _gp(res, "assembly", "smb")  # «почти не различаются»
    gap_mm = _gp(res, "assembly", "mid_market") - _gp(res, "pod", "mid_market")
    assert gap_mm > 0.2 * _gp(res, "pod", "mid_market")  # «намного лучше»
    assert res.loc[("pod", "mid_market"), "wait_days"] > 2 * res.loc[("assembly", "mid_market"), "wait_days"]
    assert ex.flow().loc["mid_market", "ae"] <= ex.flow().loc["mid_market", "first_touch"]  # ячеек столько, сколько AE
    assert _gp(res, "pod", "enterprise") > _gp(res, "assembly", "enterprise")
    best = res["gross_profit"].unstack("model").idxmax(axis=1)
    assert best["mid_market"] == "assembly" and best["enterprise"] == "pod" and best["smb"] in ("pod", "assembly")
    # люди одни и те же — лучше та модель, что выигрывает больше сделок
    for seg in SEGMENTS:
        assert res.xs(seg, level="segment")["won_acv"].idxmax() == best[seg]


def test_load_matters_most_and_flips_mid_market_choice():
    a = tm.ASSUMPTIONS
    base = {k: (v["mid_market"] if isinstance(v, dict) else v) for k, v in a.items()}
    ranges = {"handoff_loss": (0.03, 0.25), "half_life_days": (3.0, 60.0), "pod_handoff_share": (0.1, 0.6),
              "handoff_delay_days": (0.0, 5.0), "base_utilisation": (0.1, 0.9),
              "specialist_speed": (1.0, 1.5), "specialist_win": (1.0, 1.3)}
    sens = planning.tornado(lambda **k: tm.model_gap(ex.flow(), "mid_market", ex.gross_margin(), "assembly", "pod", **k), base, ranges)
    assert sens.index[0] == "base_utilisation" and sens.iloc[0]["worse"] == 0.1
    assert sens.iloc[0]["value_worse"] < 0  # при слабой загрузке выгоднее под
    assert (sens.iloc[1:]["value_worse"] > 0).all()  # остальные допущения знак не переворачивают
    assert sens.loc["specialist_speed", "swing"] == 0 and sens.loc["specialist_win", "swing"] == 0
    u = tm.breakeven_utilisation(ex.flow(), "mid_market", ex.gross_margin(), against="pod")
    assert 0.1 < u < tm.ASSUMPTIONS["base_utilisation"]
    assert tm.model_gap(ex.flow(), "mid_market", ex.gross_margin(), "assembly", "pod", base_utilisation=u) > 0
    assert tm.model_gap(ex.flow(), "mid_market", ex.gross_margin(), "assembly", "pod", base_utilisation=u - 0.05) <= 0


def test_base_load_implies_hours_per_lead_far_above_call_reports():
    hours = tm.hours_per_lead(ex.flow().loc["mid_market"])
    assert 4 <= hours <= 6  # «4–6 часов работы SDR на один лид»


def test_most_mid_market_worked_leads_are_outbound():
    share = tm.outbound_share(table("leads"))
    assert 0.65 < share["mid_market"] < 0.8  # «почти три четверти»


def test_gap_sign_stable_across_seeds_size_not_in_enterprise():
    by_seed = tm.gap_by_seed(ex.flow(), ex.gross_margin(), "pod", "assembly", seeds=range(1, 21))
    assert (by_seed["smb"] > 0).all() and (by_seed["enterprise"] > 0).all() and (by_seed["mid_market"] < 0).all()
    ent = by_seed["enterprise"]
    assert ent.max() > 3 * ent.min()  # размер в enterprise от зерна зависит сильно
    mm = -by_seed["mid_market"]
    assert mm.min() > 0.5 * mm.max()
    # «SMB: конвейер почти так же хорош» и в среднем по зёрнам
    assert by_seed["smb"].mean() < 0.03 * ex.results().loc[("assembly", "smb"), "gross_profit"]


def test_breakeven_story():
    flow, gm = ex.flow(), ex.gross_margin()
    mm = tm.breakeven_handoff_loss(flow, "mid_market", gm, against="pod")
    assert mm > 2 * tm.ASSUMPTIONS["handoff_loss"]["mid_market"]  # «запас в разы»
    for seg in ("smb", "enterprise"):
        assert tm.breakeven_handoff_loss(flow, seg, gm, against="pod") == 0.0
        for loss in (0.0, 0.15, 0.4):  # «под не хуже конвейера при любых потерях»
            assert tm.model_gap(flow, seg, gm, "assembly", "pod", handoff_loss=loss) <= 1e-6
    for seg in ("smb", "mid_market"):
        assert math.isnan(tm.breakeven_handoff_loss(flow, seg, gm, against="island"))
    assert tm.breakeven_handoff_loss(flow, "enterprise", gm, against="island") >= 0.4


def test_q1_learner_solution_and_mm1_differs():
    row = ex.flow().loc["mid_market"]
    lam = row["leads_per_month"] / tm.WORKDAYS_PER_MONTH
    work = tm.ASSUMPTIONS["base_utilisation"] * row["first_touch"] / lam
    wait = tm.mmc_metrics(lam * 1.1, work, int(row["first_touch"]))["wq"] * 8
    assert ex.q1.check(wait).passed
    assert "M/M/1" in ex.q1.check(ex._mm1_wait()).message


def test_q1_load_claim_in_message():
    assert 0.85 < ex._queue()["rho"] < 0.95  # «при загрузке около 0,9»


def test_q2_and_q3_learner_solutions(res):
    assert ex.q2.check(res.xs("enterprise", level="segment")["cost_per_won"].idxmin()).passed
    profit = tm.gross_profit(res, ex.gross_margin())
    assert ex.q3.check(profit[("pod", "mid_market")] - profit[("assembly", "mid_market")]).passed


def test_q4_matches_toolkit_breakeven():
    assert ex.q4.expected_value() == pytest.approx(tm.breakeven_handoff_loss(ex.flow(), "mid_market", ex.gross_margin(), against="pod"))
    assert ex.q4.check(ex.q4.expected_value() * 100).status != "correct"


def test_quiz_multiplier_claim():
    assert (1 / (1 - 0.95)) / (1 / (1 - 0.8)) == pytest.approx(4)


def test_quiz_island_claim(res):
    assert res.loc[("assembly", "smb"), "won"] > 3 * res.loc[("island", "smb"), "won"]  # «в несколько раз меньше сделок»


def test_enterprise_assembly_and_pod_wait_the_same_but_cost_differs(res):
    ent = res.xs("enterprise", level="segment")
    assert ent.loc["assembly", "wait_days"] == pytest.approx(ent.loc["pod", "wait_days"])
    assert ent.loc["pod", "cost_per_won"] < ent.loc["assembly", "cost_per_won"]
