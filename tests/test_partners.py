"""Партнёрский канал (salesbook.toolkit.partners): ручные примеры и проверки входа."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import partners as P
from salesbook.toolkit.validation import MetricError


def _opps():
    return pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3", "O4"],
        "lead_id": ["L1", "L2", "L3", "L4"],
        "outcome": ["won", "lost", "won", "won"],
        "close_date": pd.to_datetime(["2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01"]),
        "amount_rub": [1_000_000.0, 500_000.0, 2_000_000.0, 300_000.0],
        "segment": ["mid_market"] * 4,
    })


def _deals():
    return pd.DataFrame({
        "partner_id": ["PT001", "PT001", "PT002"],
        "lead_id": ["L1", "L2", "L3"],
        "opportunity_id": ["O1", "O2", "O3"],
        "role": ["sourced", "sourced", "influenced"],
        "registered_date": pd.to_datetime(["2025-01-10", "2025-01-20", "2025-03-01"]),
        "payout_rub": [100_000.0, 0.0, 500_000.0],
        "payout_date": pd.to_datetime(["2025-02-01", None, "2025-04-01"]),
    })


def _leads():
    return pd.DataFrame({
        "lead_id": ["L1", "L2", "L3", "L4", "L0"],
        "account_id": ["A1", "A2", "A3", "A4", "A1"],
        "channel": ["partners", "partners", "events", "ppc", "outbound"],
        "created_date": pd.to_datetime(["2025-01-10", "2025-01-20", "2024-12-01", "2025-01-01", "2024-10-01"]),
        "sdr_id": [None, None, "R1", None, "R2"],
        "opportunity_id": ["O1", "O2", "O3", "O4", None],
    })


def test_partner_revenue_splits_roles():
    t = P.partner_revenue(_deals(), _opps(), "2025-01-01", "2025-12-31")
    assert t.loc["sourced", "won_deals"] == 1 and t.loc["sourced", "acv_rub"] == 1_000_000
    assert t.loc["influenced", "acv_rub"] == 2_000_000
    assert t.loc["sourced", "win_rate"] == pytest.approx(0.5)      # 1 выигрыш из 2 закрытых


def test_reported_overlap_is_influenced_acv():
    s = P.reported_revenue_overlap(_deals(), _opps(), _leads(), "2025-01-01", "2025-12-31")
    assert s["actual"] == 3_300_000                      # O1 + O3 + O4
    assert s["partners_claim"] == 3_000_000               # O1 (sourced) + O3 (influenced)
    assert s["reported_total"] == 2_300_000 + 3_000_000   # события и контекст + отдел партнёров
    assert s["double_counted"] == 2_000_000


def test_program_costs():
    ms = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-02-01"]),
                       "business_line": "b2b", "channel": ["partners", "partners", "ppc"],
                       "spend_rub": [200_000.0, 300_000.0, 999.0]})
    c = P.partner_program_costs(ms, _deals(), "2025-01-01", "2025-03-31", channel_team_monthly_rub=10_000)
    assert c["commissions"] == 100_000 and c["mdf_and_comarketing"] == 400_000 and c["channel_team"] == 30_000
    with pytest.raises(MetricError):
        P.partner_program_costs(ms, _deals(), "2025-01-01", "2025-03-31", channel_team_monthly_rub=-1)


def test_channel_conflicts_window():
    c = P.channel_conflicts(_deals(), _leads(), window_days=180)
    assert list(c["lead_id"]) == ["L1"] and c.loc[0, "direct_channel"] == "outbound"
    assert c.loc[0, "days_before"] == 101 and bool(c.loc[0, "direct_worked"])
    assert P.channel_conflicts(_deals(), _leads(), window_days=90).empty


def test_scorecard_and_tiers():
    partners = pd.DataFrame({"partner_id": ["PT001", "PT002"], "type": ["reseller", "integrator"],
                             "tier": ["gold", "registered"], "certified_people": [0, 4],
                             "joined_date": pd.to_datetime(["2024-01-01", "2024-06-01"])})
    card = P.partner_scorecard(partners, _deals(), _opps(), "2025-01-01", "2025-12-31")
    assert card.loc["PT002", "won_acv_rub"] == 2_000_000 and card.loc["PT001", "win_rate"] == 0.5
    rules = {"gold": (1_500_000, 3, 0.9), "silver": (500_000, 1, 0.3)}
    tier = P.recommend_tier(card, rules)
    assert tier["PT002"] == "gold" and tier["PT001"] == "registered"    # у PT001 нет сертифицированных


def test_tier_win_rate_needs_enough_closed_deals():
    card = pd.DataFrame({"won_acv_rub": [2_000_000.0, 2_000_000.0], "certified_people": [2, 2],
                         "win_rate": [0.10, 0.10], "closed_deals": [3, 10]}, index=["A", "B"])
    rules = {"gold": (5_000_000, 3, 0.3), "silver": (1_500_000, 1, 0.2)}
    tier = P.recommend_tier(card, rules, min_closed=5)
    assert tier["A"] == "silver"          # 3 сделки: win rate не смотрим, ACV и сертификаты проходят
    assert tier["B"] == "registered"      # 10 сделок: win rate 10 % ниже порога 20 %
    assert P.recommend_tier(card, rules, min_closed=0)["A"] == "registered"


def test_reseller_value_over_years_by_hand():
    # три года: 3 × (2,75 − 1,25) − 1 = 3,5 млн ₽; безубыточность c* = 1 − (0,25 + 1 / 30) / 0,8
    assert P.reseller_value(10, 1_000_000, 0.8, 0.25, 0.5, 1_000_000, years=3) == pytest.approx(3_500_000)
    c = P.breakeven_cannibalisation(10, 1_000_000, 0.8, 0.25, 1_000_000, years=3)
    assert c == pytest.approx(1 - (0.25 + 1 / 30) / 0.8)
    assert P.reseller_value(10, 1_000_000, 0.8, 0.25, c, 1_000_000, years=3) == pytest.approx(0, abs=1e-6)


def test_reseller_value_by_hand():
    # 10 сделок × 1 млн ₽, маржа компании 80 %, реселлеру 25 %, половину выиграли бы сами, канал 1 млн ₽:
    # 5 × 1 млн × (0,80 − 0,25) − 5 × 1 млн × 0,25 − 1 млн = 2,75 − 1,25 − 1 = 0,5 млн ₽
    assert P.reseller_value(10, 1_000_000, 0.8, 0.25, 0.5, 1_000_000) == pytest.approx(500_000)
    arr = P.reseller_value(10, 1_000_000, 0.8, 0.25, [0.0, 0.5], 1_000_000)
    assert np.allclose(arr, [4_500_000, 500_000])
    c = P.breakeven_cannibalisation(10, 1_000_000, 0.8, 0.25, 1_000_000)
    assert c == pytest.approx(1 - 0.35 / 0.8)
    assert P.reseller_value(10, 1_000_000, 0.8, 0.25, c, 1_000_000) == pytest.approx(0, abs=1e-6)
    m = P.max_reseller_margin(10, 1_000_000, 0.8, 0.5, 1_000_000)
    assert m == pytest.approx(0.3)
    assert P.reseller_value(10, 1_000_000, 0.8, m, 0.5, 1_000_000) == pytest.approx(0, abs=1e-6)


def test_sensitivity_table_matches_value():
    t = P.reseller_sensitivity(10, 1_000_000, 0.8, 0.25, 1_000_000, shares=(0.0, 0.5))
    assert np.allclose(t["value_rub"], P.reseller_value(10, 1_000_000, 0.8, 0.25, [0.0, 0.5], 1_000_000))
    assert list(t["incremental_deals"]) == [10, 5]


def test_bad_inputs_give_russian_errors():
    with pytest.raises(MetricError, match="доля"):
        P.reseller_value(10, 1_000_000, 0.8, 25, 0.5)           # проценты вместо доли
    with pytest.raises(MetricError):
        P.breakeven_cannibalisation(0, 1_000_000, 0.8, 0.25)
    with pytest.raises(MetricError, match="нет столбцов"):
        P.partner_revenue(pd.DataFrame({"x": [1]}), _opps(), "2025-01-01", "2025-12-31")
