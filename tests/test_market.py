"""salesbook.toolkit.market: ручные примеры, опубликованные числа и проверки входа."""

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from salesbook.data import schemas
from salesbook.toolkit import market
from salesbook.toolkit.validation import MetricError

# ---------------------------------------------------------------------------
# Интервал Уилсона
# ---------------------------------------------------------------------------

# Newcombe (1998), Statistics in Medicine 17, 857–872, таблица I, метод 3 (score, без поправки
# на непрерывность): успехи, попытки, нижняя и верхняя границы 95 % интервала.
NEWCOMBE_TABLE_I = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (29, 29, 0.8830, 1.0000),
]


@pytest.mark.parametrize("k, n, low, high", NEWCOMBE_TABLE_I)
def test_wilson_reproduces_newcombe_table(k, n, low, high):
    lo, hi = market.proportion_ci(k, n)
    assert lo == pytest.approx(low, abs=5e-5)
    assert hi == pytest.approx(high, abs=5e-5)


def test_wilson_matches_statsmodels_on_a_grid():
    k = np.array([0, 1, 2, 5, 10, 37, 99, 100])
    n = np.array([1, 3, 8, 10, 40, 120, 100, 100])
    lo, hi = market.proportion_ci(k, n, confidence=0.9)
    ref_lo, ref_hi = proportion_confint(k, n, alpha=0.1, method="wilson")
    assert np.allclose(lo, ref_lo, atol=1e-12) and np.allclose(hi, ref_hi, atol=1e-12)


def test_wilson_keeps_series_index_and_handles_zero_trials():
    won = pd.Series([2, 0], index=["a", "b"])
    closed = pd.Series([3, 0], index=["a", "b"])
    lo, hi = market.proportion_ci(won, closed)
    assert list(lo.index) == ["a", "b"]
    assert 0 < lo["a"] < 2 / 3 < hi["a"] < 1
    assert math.isnan(lo["b"]) and math.isnan(hi["b"])


@pytest.mark.parametrize("k, n, conf", [(5, 3, 0.95), (-1, 3, 0.95), (1, 3, 95)])
def test_wilson_rejects_bad_input(k, n, conf):
    with pytest.raises(MetricError):
        market.proportion_ci(k, n, conf)


# ---------------------------------------------------------------------------
# Win rate, отток, метрики ячеек
# ---------------------------------------------------------------------------


def _opps():
    d = pd.to_datetime
    return pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
        "account_id": ["A1", "A2", "A3", "A4", "A1", "A5"],
        "segment": ["smb", "smb", "smb", "mid_market", "smb", "mid_market"],
        "outcome": ["won", "lost", "open", "won", "won", "lost"],
        "amount_rub": [120.0, 300.0, 500.0, 1200.0, 40.0, 900.0],
        "created_date": d(["2024-01-01", "2024-02-01", "2024-03-01", "2024-01-01", "2024-06-01", "2024-02-01"]),
        "close_date": d(["2024-01-31", "2024-02-10", None, "2024-03-01", "2024-06-11", "2024-03-01"]),
        "competitor": ["helppro", "helppro", None, None, None, "servicebox"],
        "loss_reason": [None, "competitor", None, None, None, "price"],
    })


def _accounts():
    return pd.DataFrame({"account_id": ["A1", "A2", "A3", "A4", "A5"],
                         "industry": ["it", "it", "retail", "it", "retail"],
                         "segment": ["smb", "smb", "smb", "mid_market", "mid_market"]})


def test_win_rates_count_only_closed_deals():
    table = market.win_rates(_opps(), "segment")
    assert table.loc["smb", "closed_deals"] == 3          # открытая сделка O3 не считается
    assert table.loc["smb", "won"] == 2
    assert table.loc["smb", "win_rate"] == pytest.approx(2 / 3)
    assert table.loc["mid_market", "win_rate"] == pytest.approx(0.5)
    assert (table["ci_low"] <= table["win_rate"]).all() and (table["win_rate"] <= table["ci_high"]).all()


def test_win_rates_need_closed_deals():
    only_open = _opps().assign(outcome="open")
    with pytest.raises(MetricError, match="Закрытых сделок нет"):
        market.win_rates(only_open, "segment")
    with pytest.raises(MetricError, match="нет столбцов"):
        market.win_rates(_opps().drop(columns="outcome"), "segment")


def _mrr():
    """A1: пришёл в январе, ушёл в марте; A2: пришёл в январе и платит."""
    d = pd.to_datetime
    return pd.DataFrame({
        "month": d(["2024-01-01", "2024-02-01", "2024-03-01", "2024-01-01", "2024-02-01"]),
        "account_id": ["A1", "A1", "A1", "A2", "A2"],
        "mrr_rub": [10.0, 10.0, 0.0, 5.0, 5.0],
        "new_rub": [10.0, 0.0, 0.0, 5.0, 0.0],           # первый месяц клиента — не под риском
        "expansion_rub": 0.0,
        "contraction_rub": 0.0,
        "churn_rub": [0.0, 0.0, 10.0, 0.0, 0.0],
    })


def test_segment_metrics_churn_by_hand():
    out = market.segment_metrics(_opps(), _accounts(), _mrr(), by="industry")
    assert out.loc["it", "customer_months"] == 3
    assert out.loc["it", "churned"] == 1
    assert out.loc["it", "monthly_churn"] == pytest.approx(1 / 3)


def test_segment_metrics_churn_covers_2024_2025_only():
    early = _mrr().assign(month=lambda d: d["month"] - pd.DateOffset(years=1))   # тот же уход, но в 2023 году
    out = market.segment_metrics(_opps(), _accounts(), pd.concat([early.assign(account_id=["A3", "A3", "A3", "A4", "A4"]), _mrr()]),
                                 by="industry")
    assert out.loc["it", "churned"] == 1 and out.loc["it", "customer_months"] == 3


def test_segment_metrics_use_first_deals_for_acv_and_cycle():
    out = market.segment_metrics(_opps(), _accounts(), _mrr())
    smb_it = out.loc[("smb", "it")]
    # у A1 две выигранные сделки: первая (120 ₽, 30 дней) — новый клиент, вторая (40 ₽) — допродажа
    assert smb_it["median_acv"] == 120.0
    assert smb_it["median_cycle_days"] == 30
    assert smb_it["closed_deals"] == 3 and smb_it["won"] == 2
    assert out.loc[("mid_market", "it"), "median_acv"] == 1200.0


# ---------------------------------------------------------------------------
# ICP-балл
# ---------------------------------------------------------------------------


def _cells():
    return pd.DataFrame({
        "closed_deals": [100, 50, 40, 5],
        "win_rate": [0.40, 0.30, 0.20, 0.90],
        "median_acv": [1e6, 3e6, 2e6, 9e6],
        "median_cycle_days": [60, 90, 30, 10],
        "monthly_churn": [0.01, 0.02, 0.03, 0.0],
    }, index=["a", "b", "c", "tiny"])


def test_icp_score_by_hand():
    weights = {"win_rate": 1, "median_acv": 1, "monthly_churn": 2}
    out = market.icp_score(_cells(), weights, min_deals=30)
    # перцентильные ранги среди a, b, c (1 — лучший):
    # win rate: a 1, b 2/3, c 1/3; ACV: b 1, c 2/3, a 1/3; отток (меньше — лучше): a 1, b 2/3, c 1/3
    expected = {"a": (1 + 1 / 3 + 2 * 1) / 4, "b": (2 / 3 + 1 + 2 * 2 / 3) / 4, "c": (1 / 3 + 2 / 3 + 2 / 3) / 4}
    for cell, value in expected.items():
        assert out.loc[cell, "icp_score"] == pytest.approx(100 * value)
    assert list(out.index[:3]) == ["a", "b", "c"]
    assert out.loc["a", "icp_rank"] == 1
    assert math.isnan(out.loc["tiny", "icp_score"]) and not out.loc["tiny", "enough_data"]
    assert out.index[-1] == "tiny"


def test_icp_small_sample_wins_only_without_threshold():
    assert market.icp_score(_cells(), min_deals=0).index[0] == "tiny"
    assert market.icp_score(_cells()).index[0] != "tiny"


def test_icp_direction_of_cycle():
    out = market.icp_score(_cells(), {"median_cycle_days": 1})
    assert out.index[0] == "c"                            # самый короткий цикл среди ранжируемых


@pytest.mark.parametrize("weights", [{"nps": 1}, {"win_rate": -1}, {"win_rate": 0}])
def test_icp_rejects_bad_weights(weights):
    with pytest.raises(MetricError):
        market.icp_score(_cells(), weights)


# ---------------------------------------------------------------------------
# Размер рынка
# ---------------------------------------------------------------------------


def test_top_down_chain():
    out = market.top_down(1000.0, {"облако": 0.5, "наши сегменты": 0.4})
    assert list(out["value_rub"]) == [1000.0, 500.0, 200.0]
    with pytest.raises(MetricError, match="0,35"):
        market.top_down(1000.0, {"облако": 45})           # проценты вместо доли
    with pytest.raises(MetricError):
        market.top_down(-1, {"облако": 0.5})
    with pytest.raises(MetricError):
        market.top_down(1000.0, {})


def test_bottom_up_both_ways():
    by_acv = market.bottom_up(pd.DataFrame({"companies": [1000], "fit_share": [0.1], "acv_rub": [50_000.0]}))
    assert by_acv["annual_rub"].iloc[0] == 5_000_000.0
    by_seats = market.bottom_up(pd.DataFrame({"companies": [1000], "fit_share": [0.1], "seats": [10],
                                              "price_rub_per_seat_month": [1000]}))
    assert by_seats["acv_rub"].iloc[0] == 120_000.0      # места × цена в месяц × 12
    assert by_seats["annual_rub"].iloc[0] == 12_000_000.0
    with pytest.raises(MetricError, match="доля"):
        market.bottom_up(pd.DataFrame({"companies": [1000], "fit_share": [35], "acv_rub": [1.0]}))
    with pytest.raises(MetricError, match="acv_rub"):
        market.bottom_up(pd.DataFrame({"companies": [1000], "fit_share": [0.1]}))


# ---------------------------------------------------------------------------
# Карта болей
# ---------------------------------------------------------------------------


def _responses():
    return pd.DataFrame({
        "respondent_id": ["R1", "R1", "R2", "R3", "R3", "R4"],
        "segment": ["smb", "smb", "smb", "smb", "smb", "mid_market"],
        "item_type": ["pain", "gain", "pain", "pain", "gain", "gain"],
        "code": ["sla_breaches", "quick_launch", "sla_breaches", "no_reporting", "quick_launch", "quick_launch"],
        "intensity": [5, 5, 3, 2, 3, 4],
        "prompted": [False, True, False, False, False, True],
    })


def test_pain_map_counts_respondents_not_rows():
    out = market.pain_map(_responses())
    # 4 респондента всего; SLA назвали двое (сила 5 и 3), отчётность — один (сила 2)
    assert out.loc["sla_breaches", "respondents"] == 2
    assert out.loc["sla_breaches", "share"] == pytest.approx(2 / 4)
    assert out.loc["sla_breaches", "mean_intensity"] == pytest.approx(4.0)
    assert out.loc["sla_breaches", "priority"] == pytest.approx(2.0)
    assert out.index[0] == "sla_breaches"


def test_pain_map_by_group_and_without_prompted():
    out = market.pain_map(_responses(), by="segment")
    assert out.loc[("smb", "no_reporting"), "share"] == pytest.approx(1 / 3)
    gains = market.pain_map(_responses(), item_type="gain")
    assert gains.loc["quick_launch", "respondents"] == 3
    honest = market.pain_map(_responses(), item_type="gain", include_prompted=False)
    assert honest.loc["quick_launch", "respondents"] == 1
    assert honest.loc["quick_launch", "share"] == pytest.approx(1 / 4)   # знаменатель — все респонденты
    with pytest.raises(MetricError):
        market.pain_map(_responses(), item_type="job")


def test_value_map_covers_the_codebook():
    assert set(market.RELIEVES) == set(market.FEATURES) == set(market.CREATES)
    relieved = {p for pains in market.RELIEVES.values() for p in pains}
    assert relieved == set(schemas.PAIN_CODES)                         # у каждой боли есть «обезболивающее»
    assert {g for gains in market.CREATES.values() for g in gains} <= set(schemas.GAIN_CODES)
    assert all(set(f) <= set(market.FEATURES) for f in market.VENDOR_FEATURES.values())
    assert set(market.VENDOR_FEATURES) == set(market.POSITIONING.index)
    assert set(market.POSITIONING.index) - {"sfera"} == set(schemas.COMPETITORS)
    assert market.features_for("sla_breaches")[0] == "sla_engine"
    assert "knowledge_base" in market.features_for("fewer_tickets")


# ---------------------------------------------------------------------------
# Конкуренты
# ---------------------------------------------------------------------------


def test_competitor_win_loss_by_hand():
    out = market.competitor_win_loss(_opps())
    assert out.loc["helppro", "closed_deals"] == 2 and out.loc["helppro", "won"] == 1
    assert out.loc["helppro", "lost_to_competitor"] == 1
    assert out.loc["helppro", "lost_acv_rub"] == 300.0
    assert out.loc["servicebox", "lost_to_competitor"] == 0          # проиграли по цене, не ему
    assert out.loc["none", "closed_deals"] == 2                      # открытая O3 не считается
    only_feb = market.competitor_win_loss(_opps(), "2024-02-01", "2024-02-28")
    assert list(only_feb.index) == ["helppro"]


def test_list_price_2025_is_plus_eight_percent():
    assert market.LIST_PRICE_2025 == {"smb": 2149, "mid_market": 4309, "enterprise": 5929}


def test_compare_to_base_is_fisher_with_holm():
    from scipy.stats import fisher_exact
    from statsmodels.stats.multitest import multipletests

    table = pd.DataFrame({"won": [40, 10, 30], "closed_deals": [100, 60, 70]}, index=["none", "a", "b"])
    out = market.compare_to_base(table)
    assert list(out.index) == ["a", "b"]
    p = [fisher_exact([[10, 50], [40, 60]]).pvalue, fisher_exact([[30, 40], [40, 60]]).pvalue]
    assert out["p_value"].to_numpy() == pytest.approx(p)
    assert out["p_holm"].to_numpy() == pytest.approx(multipletests(p, method="holm")[1])
    assert out.loc["a", "p_value"] < 0.05 < out.loc["b", "p_value"]
    with pytest.raises(MetricError, match="базовой строки"):
        market.compare_to_base(table, base="x")


def test_cell_churn_equals_churn_rates_on_merged_mrr():
    """Отток ячеек суммами по клиентам — те же целые числа, что churn_rates по MRR, слитому с компаниями."""
    from salesbook.data import load
    from salesbook.toolkit import retention
    from salesbook.toolkit.course import YEARS_2024_2025

    accounts, mrr = load("accounts"), load("mrr")
    early = mrr.loc[mrr["month"] < "2024-01-01", "account_id"].unique()[:40]
    accounts.loc[accounts["account_id"].isin(early), "industry"] = "только_до_2024"  # ячейка без строк периода
    accounts.loc[accounts.index[:25], "industry"] = None  # клиенты без отрасли в ячейки не входят
    by = ["segment", "industry"]
    fast = market._cell_churn(mrr, accounts, by)
    merged = mrr.merge(accounts[["account_id", *by]], on="account_id", how="left", validate="many_to_one")
    slow = retention.churn_rates(merged, *YEARS_2024_2025, by=by)[["customers_start", "churned", "logo_churn"]]
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert market._cell_churn(mrr.assign(segment="smb"), accounts, by) is None  # столбцы by уже в MRR — общий путь
