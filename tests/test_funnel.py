"""salesbook.toolkit.funnel на маленьких примерах, посчитанных руками."""

import pandas as pd
import pytest

from salesbook.toolkit import funnel
from salesbook.toolkit.validation import MetricError


def _flow():
    """Пять лидов января: 4 MQL, 2 SQL, 2 сделки, 1 предложение, 1 выигрыш на 100 000 ₽."""
    d = pd.Timestamp
    rows = [
        # lead, mql, sql, opp, proposal, won, won_rub, segment
        (d("2024-01-01"), d("2024-01-03"), d("2024-01-05"), d("2024-01-06"), d("2024-01-20"), d("2024-02-01"), 100_000.0, "smb"),
        (d("2024-01-02"), d("2024-01-04"), d("2024-01-10"), d("2024-01-12"), pd.NaT, pd.NaT, 0.0, "smb"),
        (d("2024-01-03"), d("2024-01-10"), pd.NaT, pd.NaT, pd.NaT, pd.NaT, 0.0, "smb"),
        (d("2024-01-04"), d("2024-01-05"), pd.NaT, pd.NaT, pd.NaT, pd.NaT, 0.0, "smb"),
        (d("2024-01-05"), pd.NaT, pd.NaT, pd.NaT, pd.NaT, pd.NaT, 0.0, "smb"),
    ]
    f = pd.DataFrame(rows, columns=["lead", "mql", "sql", "opportunity", "proposal", "won", "won_rub", "segment"])
    f["lead_id"] = [f"L{i}" for i in range(5)]
    f["channel"] = ["ppc", "ppc", "content", "content", "ppc"]
    return f


def test_cohort_funnel_counts_and_conversions():
    t = funnel.cohort_funnel(_flow(), "2024-01-01", "2024-01-31")
    assert t["count"].tolist() == [5, 4, 2, 2, 1, 1]
    assert t.loc["mql", "step_conversion"] == pytest.approx(0.8)
    assert t.loc["sql", "step_conversion"] == pytest.approx(0.5)
    assert t.loc["won", "from_lead"] == pytest.approx(0.2)
    assert t.loc["won", "won_rub"] == 100_000


def test_leaks_and_point_value_by_hand():
    lk = funnel.leaks(_flow(), "2024-01-01", "2024-01-31", by=None)
    # 1 / 0,8 − 1 = 0,25 → 25 000 ₽; SQL: 1 / 0,5 − 1 = 1 → 100 000 ₽
    assert lk.loc["lead→mql", "lost_rub"] == pytest.approx(25_000)
    assert lk.loc["mql→sql", "lost_rub"] == pytest.approx(100_000)
    assert lk.loc["mql→sql", "lost"] == 2
    # +1 п. п. к конверсии 0,5: 100 000 × 0,01 / 0,5 = 2 000 ₽
    assert funnel.point_value(_flow(), "2024-01-01", "2024-01-31", by=None)["mql→sql"] == pytest.approx(2_000)
    # по сегментам (один сегмент) — то же самое
    assert funnel.leaks(_flow(), "2024-01-01", "2024-01-31", by="segment")["lost_rub"].sum() == pytest.approx(lk["lost_rub"].sum())


def test_fix_priority_divides_by_cost_and_rejects_unknown():
    t = funnel.fix_priority(_flow(), "2024-01-01", "2024-01-31", {"lead→mql": 1_000, "mql→sql": 1_000}, by=None)
    # lead→mql: 100 000 × 0,01 / 0,8 = 1 250 ₽ на 1 000 ₽; mql→sql: 2 000 ₽ на 1 000 ₽
    assert t.index[0] == "mql→sql" and t.loc["mql→sql", "return_per_rub"] == pytest.approx(2.0)
    with pytest.raises(MetricError, match="неизвестные переходы"):
        funnel.fix_priority(_flow(), "2024-01-01", "2024-01-31", {"lead→sql": 1_000})
    with pytest.raises(MetricError):
        funnel.fix_priority(_flow(), "2024-01-01", "2024-01-31", {"lead→mql": -5})


def test_stage_days_medians():
    d = funnel.stage_days(_flow(), "2024-01-01", "2024-01-31")
    assert d["lead→mql"] == pytest.approx(2.0)      # 2, 2, 7, 1 → медиана 2
    assert d["mql→sql"] == pytest.approx(4.0)       # 2 и 6


def test_cohort_vs_calendar_conversion():
    leads = pd.DataFrame({"mql_date": pd.to_datetime(["2024-01-30", "2024-01-31", "2024-02-01"]),
                          "sql_date": pd.to_datetime(["2024-02-02", pd.NaT, "2024-02-03"])})
    # когорта января: 2 MQL, 1 из них стал SQL (в феврале) → 0,5
    assert funnel.cohort_conversion(leads, "2024-01-01", "2024-01-31", "mql_date", "sql_date") == pytest.approx(0.5)
    # календарь февраля: 2 SQL / 1 MQL = 2,0 — «конверсия» больше 100 %
    assert funnel.calendar_conversion(leads, "2024-02-01", "2024-02-29", "mql_date", "sql_date") == pytest.approx(2.0)
    with pytest.raises(MetricError):
        funnel.cohort_conversion(leads, "2023-01-01", "2023-01-31", "mql_date", "sql_date")


def test_nps_reproduces_published_example():
    # DELA (годовой отчёт 2018): 30 % промоутеров и 20 % критиков → NPS +10
    scores = [10] * 3 + [8] * 5 + [5] * 2
    assert funnel.nps(scores) == pytest.approx(10.0)
    assert funnel.nps([9, 10, None, 6]) == pytest.approx(100 * (2 / 3 - 1 / 3))
    with pytest.raises(MetricError):
        funnel.nps([11])
    with pytest.raises(MetricError):
        funnel.nps([])


def test_b2c_funnel_window():
    users = pd.DataFrame({"user_id": ["U1", "U2", "U3"], "signup_date": pd.to_datetime(["2024-01-01"] * 3)})
    purchases = pd.DataFrame({"user_id": ["U1", "U1", "U2"],
                              "date": pd.to_datetime(["2024-01-11", "2024-02-10", "2024-06-01"])})
    b = funnel.b2c_funnel(users, purchases, "2024-01-01", "2024-12-31", horizon_days=90)
    assert b["signups"] == 3 and b["first_purchase"] == 1 and b["second_purchase"] == 1
    assert b["median_days_to_pay"] == 10


def test_traffic_summary_and_errors():
    web = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01"]),
                        "medium": ["organic", "brand_query", "organic"],
                        "sessions": pd.array([100, None, 50], dtype="Int64"),
                        "engaged_sessions": pd.array([70, None, 30], dtype="Int64"),
                        "users": pd.array([80, None, 40], dtype="Int64"),
                        "new_users": pd.array([60, None, 30], dtype="Int64"),
                        "brand_queries": pd.array([None, 500, None], dtype="Int64")})
    y = funnel.traffic_summary(web, "Y")
    assert y.loc[2024, "sessions"] == 150 and y.loc[2024, "brand_queries"] == 500
    assert y.loc[2024, "engagement_rate"] == pytest.approx(100 / 150)
    with pytest.raises(MetricError):
        funnel.traffic_summary(web, "Q")
    with pytest.raises(MetricError):
        funnel.lead_stages(pd.DataFrame({"x": [1]}), pd.DataFrame(), pd.DataFrame())


def test_won_within_cuts_the_window_like_b2c_funnel():
    # единственный выигрыш — через 31 день после лида: в окне 90 дней он есть, в окне 30 — нет
    w = funnel.won_within(_flow(), "2024-01-01", "2024-01-31", horizon_days=90)
    assert w["leads"] == 5 and w["won"] == 1 and w["won_share"] == pytest.approx(0.2)
    assert w["median_days_to_win"] == 31
    w30 = funnel.won_within(_flow(), "2024-01-01", "2024-01-31", horizon_days=30)
    assert w30["won"] == 0 and pd.isna(w30["median_days_to_win"])
    with pytest.raises(MetricError):
        funnel.won_within(_flow(), "2024-01-01", "2024-01-31", horizon_days=0)


def test_leak_rank_bootstrap_shares_sum_to_one_and_are_reproducible():
    a = funnel.leak_rank_bootstrap(_flow(), "2024-01-01", "2024-01-31", n_boot=20, seed=1, by=None)
    b = funnel.leak_rank_bootstrap(_flow(), "2024-01-01", "2024-01-31", n_boot=20, seed=1, by=None)
    assert list(a.index) == list(funnel.TRANSITION_NAMES) and a.sum() == pytest.approx(1.0)
    pd.testing.assert_series_equal(a, b)
    with pytest.raises(MetricError):
        funnel.leak_rank_bootstrap(_flow(), "2024-01-01", "2024-01-31", n_boot=0)
