"""Инструментарий раздела 4.2: очереди M/M/c сверены с опубликованным примером, симуляция — с формулой."""

import math

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import team_models as tm
from salesbook.toolkit.validation import MetricError


def test_bronson_problem_24_6_is_reproduced():
    # Bronson (1982), Schaum's Outline of Operations Research, задача 24.6: M/M/3, поток 300 в год,
    # среднее обслуживание 2 дня (μ = 182,5 в год) → Lq = 0,352, L = 1,996, Wq = 0,001175 года,
    # W = 0,006654 года, p0 = 0,17754 (book/references.bib, bronson1982schaum).
    m = tm.mmc_metrics(300, 1 / 182.5, 3)
    assert m["lq"] == pytest.approx(0.352, abs=5e-4)
    assert m["l"] == pytest.approx(1.996, abs=5e-4)
    assert m["wq"] == pytest.approx(0.001175, abs=5e-7)
    assert m["w"] == pytest.approx(0.006654, abs=5e-7)
    assert m["p0"] == pytest.approx(0.17754, abs=5e-6)


def test_single_server_matches_mm1_by_hand():
    # Приёмный покой: 2 пациента в час, 20 минут на пациента, один врач → ρ = 2/3, Wq = ρ/(1 − ρ) · s = 40 минут.
    m = tm.mmc_metrics(2, 1 / 3, 1)
    assert m["rho"] == pytest.approx(2 / 3)
    assert m["wq"] * 60 == pytest.approx(40)
    assert m["p_wait"] == pytest.approx(2 / 3)  # у M/M/1 ждать приходится с вероятностью ρ
    # два врача: P0 = 1/2, Lq = 1/12, Wq = 1/24 часа
    m2 = tm.mmc_metrics(2, 1 / 3, 2)
    assert m2["p0"] == pytest.approx(0.5)
    assert m2["lq"] == pytest.approx(1 / 12)
    assert m2["wq"] == pytest.approx(1 / 24)


def test_little_law_and_utilisation():
    assert tm.little_law(20, 2) == 40
    assert tm.utilisation(10, 0.5, 5) == pytest.approx(1.0)
    m = tm.mmc_metrics(8, 0.5, 5)
    assert m["lq"] == pytest.approx(8 * m["wq"])
    assert m["l"] == pytest.approx(m["lq"] + 8 * 0.5)


@pytest.mark.parametrize("lam, s, c", [(8.0, 0.5, 5), (1.6, 0.5, 1), (30.0, 0.1, 4)])
def test_simulation_matches_erlang_c(lam, s, c):
    formula = tm.mmc_metrics(lam, s, c)
    sim = tm.simulate_queue(lam, s, c, n=200_000)
    assert sim["wq"] == pytest.approx(formula["wq"], rel=0.06)
    assert sim["p_wait"] == pytest.approx(formula["p_wait"], abs=0.02)


def test_simulation_is_deterministic():
    assert tm.simulate_queue(8, 0.5, 5, n=5000) == tm.simulate_queue(8, 0.5, 5, n=5000)


def test_waiting_explodes_near_full_load():
    w = [tm.mmc_metrics(rho / 0.5, 0.5, 1)["wq"] for rho in (0.5, 0.9, 0.99)]
    assert w[1] / w[0] == pytest.approx(9)  # ρ/(1 − ρ): 1 → 9
    assert w[2] / w[1] == pytest.approx(11)  # 9 → 99


def test_pooling_waits_less_at_same_load():
    assert tm.mmc_metrics(0.8 * 5 / 0.5, 0.5, 5)["wq"] < tm.mmc_metrics(0.8 / 0.5, 0.5, 1)["wq"] / 5


@pytest.mark.parametrize("call", [
    lambda: tm.erlang_c(10, 1, 5),  # ρ = 2
    lambda: tm.mmc_metrics(1, 1, 0),
    lambda: tm.mmc_metrics(1, 1, 2.5),
    lambda: tm.mmc_metrics("много", 1, 2),
    lambda: tm.utilisation(1, -1, 1),
])
def test_bad_inputs_raise_russian_errors(call):
    with pytest.raises(MetricError):
        call()


def test_allocate_keeps_minimum_one_and_total():
    seats = tm._allocate(9, pd.Series({"smb": 419.0, "mid_market": 300.0, "enterprise": 45.0}))
    assert seats.sum() == 9 and seats.min() >= 1
    assert seats["smb"] >= seats["mid_market"] >= seats["enterprise"]


def test_pools_split_evenly():
    assert tm._pools(7, 5) == [2, 2, 1, 1, 1]
    assert tm._pools(4, 1) == [4]


FLOW = pd.DataFrame(
    {"leads_per_month": [200.0], "lead_to_opp": [0.2], "win_rate": [0.3], "acv": [1_000_000.0],
     "cycle_days": [60.0], "first_touch": [3], "ae": [4], "se": [0], "team_cost_month": [1_500_000.0]},
    index=pd.Index(["smb"], name="segment"),
)


def test_models_share_people_and_cost_and_are_deterministic():
    a = tm.simulate_models(FLOW, years=3)
    b = tm.simulate_models(FLOW, years=3)
    pd.testing.assert_frame_equal(a, b)
    assert a["cost"].nunique() == 1  # одни и те же люди во всех моделях
    assert a["leads"].nunique() == 1  # один и тот же поток


def test_assembly_utilisation_is_close_to_the_assumed_base():
    res = tm.simulate_models(FLOW, {"handoff_loss": 0.0, "half_life_days": 1e6}, years=10)
    assert res.loc[("assembly", "smb"), "utilisation"] == pytest.approx(0.8, abs=0.03)


def test_handoff_loss_lowers_assembly_wins_monotonically():
    won = [tm.simulate_segment(FLOW.loc["smb"], "assembly", "smb", {"handoff_loss": x}, years=5)["won"] for x in (0.0, 0.2, 0.4)]
    assert won[0] > won[1] > won[2]
    # без очереди и остывания потери отнимают ровно свою долю сделок (с точностью до случая)
    no_queue = {"half_life_days": 1e6}
    w0 = tm.simulate_segment(FLOW.loc["smb"], "assembly", "smb", {**no_queue, "handoff_loss": 0.0}, years=10)["won"]
    w3 = tm.simulate_segment(FLOW.loc["smb"], "assembly", "smb", {**no_queue, "handoff_loss": 0.3}, years=10)["won"]
    assert w3 / w0 == pytest.approx(0.7, abs=0.03)


def test_pod_with_one_cell_and_full_share_equals_assembly():
    one = FLOW.assign(first_touch=1)
    row = one.loc["smb"]
    pod = tm.simulate_segment(row, "pod", "smb", {"pod_handoff_share": 1.0}, years=3)
    line = tm.simulate_segment(row, "assembly", "smb", {}, years=3)
    assert pod == line


def test_gross_profit_and_gap():
    res = tm.simulate_models(FLOW, years=3)
    gp = tm.gross_profit(res, 0.8)
    assert gp.loc[("pod", "smb")] == pytest.approx(res.loc[("pod", "smb"), "won_acv"] * 0.8 - res.loc[("pod", "smb"), "cost"])
    gap = tm.model_gap(FLOW, "smb", 0.8, "assembly", "pod", years=3)
    assert gap == pytest.approx(gp.loc[("assembly", "smb")] - gp.loc[("pod", "smb")])
    with pytest.raises(MetricError):
        tm.gross_profit(res, 80)


def test_breakeven_is_the_first_grid_point_where_assembly_stops_paying():
    grid = np.round(np.arange(0.0, 0.61, 0.05), 2)
    be = tm.breakeven_handoff_loss(FLOW, "smb", 0.8, against="pod", grid=grid, years=3)
    gaps = [tm.model_gap(FLOW, "smb", 0.8, "assembly", "pod", years=3, handoff_loss=float(x)) for x in grid]
    first = next((g for g, v in zip(grid, gaps) if v <= 0), math.nan)
    assert be == first or (math.isnan(be) and math.isnan(first))


def test_breakeven_utilisation_is_the_first_grid_point_where_assembly_pays():
    grid = np.round(np.arange(0.1, 0.91, 0.1), 2)
    be = tm.breakeven_utilisation(FLOW, "smb", 0.8, against="pod", grid=grid, years=3)
    gaps = [tm.model_gap(FLOW, "smb", 0.8, "assembly", "pod", years=3, base_utilisation=float(x)) for x in grid]
    first = next((g for g, v in zip(grid, gaps) if v > 0), math.nan)
    assert be == first or (math.isnan(be) and math.isnan(first))


def test_gap_by_seed_matches_model_gap_per_seed():
    table = tm.gap_by_seed(FLOW, 0.8, "pod", "assembly", seeds=[1, 2], years=2)
    assert list(table.index) == [1, 2] and list(table.columns) == ["smb"]
    assert table.loc[2, "smb"] == pytest.approx(tm.model_gap(FLOW, "smb", 0.8, "pod", "assembly", years=2, seed=2))
    with pytest.raises(MetricError):
        tm.gap_by_seed(FLOW, 0.8, seeds=[])


def test_hours_per_lead_by_hand():
    # 0,8 × 3 человека / (200 / рабочих дней в месяце) лидов в день × 8 часов
    expected = 0.8 * 3 / (200 / tm.WORKDAYS_PER_MONTH) * 8
    assert tm.hours_per_lead(FLOW.loc["smb"]) == pytest.approx(expected)
    assert tm.hours_per_lead(FLOW.loc["smb"], 0.4) == pytest.approx(expected / 2)


def test_outbound_share_by_hand():
    leads = pd.DataFrame({
        "segment": ["smb", "smb", "smb", "mid_market", "smb"],
        "created_date": pd.to_datetime(["2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2024-05-01"]),
        "business_line": ["b2b"] * 5, "sdr_id": ["s1", "s1", None, "s2", "s1"],
        "channel": ["outbound", "ppc", "outbound", "ppc", "outbound"],
    })
    share = tm.outbound_share(leads)
    assert share["smb"] == pytest.approx(0.5) and share["mid_market"] == 0.0 and math.isnan(share["enterprise"])


def test_unknown_model_or_assumption_is_explained():
    with pytest.raises(MetricError, match="Модель"):
        tm.simulate_segment(FLOW.loc["smb"], "matrix", "smb")
    with pytest.raises(MetricError, match="Неизвестные допущения"):
        tm.simulate_segment(FLOW.loc["smb"], "pod", "smb", {"speed": 2})
    with pytest.raises(MetricError, match="доля"):
        tm.simulate_segment(FLOW.loc["smb"], "pod", "smb", {"handoff_loss": 15})


def test_direct_stream_reaches_ae_without_handoff_loss():
    flow = FLOW.assign(leads_per_month=1e-9, direct_opps_per_month=60.0)
    row = flow.loc["smb"]
    lossy = tm.simulate_segment(row, "assembly", "smb", {"handoff_loss": 0.5}, years=3)
    clean = tm.simulate_segment(row, "assembly", "smb", {"handoff_loss": 0.0}, years=3)
    assert lossy["won"] == clean["won"] > 0  # прямые сделки не проходят передачу SDR → AE


def test_every_assumption_and_model_has_a_russian_label():
    from salesbook.runtime import plotting

    for code in list(tm.ASSUMPTIONS) + list(tm.MODELS):
        assert plotting.label(code) != code
