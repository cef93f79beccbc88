"""salesbook.toolkit.onboarding: критический путь, время до вехи с цензурированием, ориентирный анализ.

Случаи посчитаны руками на маленьких таблицах."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import onboarding as ob
from salesbook.toolkit.validation import MetricError


def _plan(rows):
    return pd.DataFrame(rows, columns=["milestone", "owner_role", "duration_days", "depends_on"])


# ---------------------------------------------------------------------------
# schedule
# ---------------------------------------------------------------------------

def test_schedule_critical_path_by_hand():
    # a(2) → b(5) → d(1);  a → c(3) → d: путь через b длиннее на 2 дня, у c резерв 2
    plan = _plan([("a", "csm", 2, ""), ("b", "se", 5, "a"), ("c", "csm", 3, ["a"]), ("d", "csm", 1, "b, c")])
    s = ob.schedule(plan)
    assert s.loc["d", "early_finish"] == 8
    assert s.loc["c", "early_start"] == 2 and s.loc["c", "late_start"] == 4 and s.loc["c", "slack"] == 2
    assert list(s.index[s["critical"]]) == ["a", "b", "d"]


def test_schedule_parallel_starts_and_dates():
    plan = _plan([("x", "csm", 10, ""), ("y", "csm", 4, None), ("z", "csm", 3, ("y",))])
    s = ob.schedule(plan, start="2026-02-02")
    assert s["early_finish"].max() == 10
    assert s.loc["z", "slack"] == 3
    assert s.loc["x", "planned_date"] == pd.Timestamp("2026-02-12")
    assert s.loc["z", "planned_start"] == pd.Timestamp("2026-02-06")


def test_standard_plans_have_the_documented_go_live():
    days = {seg: ob.schedule(ob.plan_table(seg))["early_finish"].max() for seg in ob.STANDARD_PLANS}
    assert days == {"smb": 16, "mid_market": 47, "enterprise": 75}   # README § 41


@pytest.mark.parametrize("plan, words", [
    (_plan([("a", "csm", 1, "b"), ("b", "csm", 1, "a")]), "цикл"),
    (_plan([("a", "csm", 1, "нет_такой")]), "нет в плане"),
    (_plan([("a", "csm", -1, "")]), "неотрицательное"),
    (_plan([("a", "csm", "много", "")]), "числа"),
    (_plan([("a", "csm", 1, ""), ("a", "csm", 2, "")]), "повторяются"),
    (pd.DataFrame({"milestone": ["a"]}), "нет столбцов"),
    ("план", "таблица pandas"),
])
def test_schedule_bad_input_is_explained_in_russian(plan, words):
    with pytest.raises(MetricError, match=words):
        ob.schedule(plan)


def test_plan_table_unknown_segment():
    with pytest.raises(MetricError, match="Сегмент"):
        ob.plan_table("b2c")


# ---------------------------------------------------------------------------
# milestone_times, ttv_table
# ---------------------------------------------------------------------------

@pytest.fixture
def toy():
    handoffs = pd.DataFrame({
        "account_id": ["A1", "A2", "A3", "A4"], "segment": ["smb", "smb", "smb", "mid_market"],
        "close_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-12-01", "2025-01-01"]),
        "handoff_date": pd.to_datetime(["2025-01-03", "2025-01-02", "2025-12-02", "2025-01-05"]),
    })
    accounts = pd.DataFrame({"account_id": ["A1", "A2", "A3", "A4"],
                             "churned_on": pd.to_datetime([None, "2025-02-01", None, None])})
    milestones = pd.DataFrame({
        "account_id": ["A1", "A2", "A3", "A4"], "milestone": ["first_value"] * 4,
        "planned_date": pd.to_datetime(["2025-01-10", "2025-01-09", "2025-12-09", "2025-01-25"]),
        "actual_date": pd.to_datetime(["2025-01-11", None, None, "2025-01-31"]),
    })
    return milestones, handoffs, accounts


def test_milestone_times_censor_at_churn_or_data_end(toy):
    m, h, a = toy
    t = ob.milestone_times(m, h, a, as_of="2025-12-31").set_index("account_id")
    assert t.loc["A1", "days"] == 10 and t.loc["A1", "reached"] == 1
    assert t.loc["A2", "days"] == 31 and t.loc["A2", "reached"] == 0      # ушёл 1 февраля — цензурирован
    assert t.loc["A3", "days"] == 30 and t.loc["A3", "reached"] == 0      # ещё не дошёл к концу данных
    t2 = ob.milestone_times(m, h, a, origin="handoff_date", as_of="2025-12-31").set_index("account_id")
    assert t2.loc["A1", "days"] == 8


def test_ttv_table_km_median_and_counts(toy):
    m, h, a = toy
    table = ob.ttv_table(ob.milestone_times(m, h, a, as_of="2025-12-31"))
    assert list(table.index) == ["smb", "mid_market"]
    assert table.loc["smb", "clients"] == 3 and table.loc["smb", "reached"] == 1 and table.loc["smb", "censored"] == 2
    # S(10) = 1 − 1/3 ≈ 0,67 > 0,5 и больше событий нет: медиана не определена — «дольше, чем мы видели»
    assert np.isnan(table.loc["smb", "median"])
    assert table.loc["mid_market", "median"] == 30


def test_ttv_table_discrete_interval_never_loses_the_median():
    # много одинаковых дней: полоса S(t) нигде не касается 0,5 — интервал сжимается в день медианы
    times = pd.DataFrame({"segment": "smb", "days": np.repeat([10.0, 11.0, 12.0, 13.0], [1000, 1100, 900, 1000]),
                          "reached": 1})
    row = ob.ttv_table(times).loc["smb"]
    assert row["median"] == 11
    assert row["ci_low"] <= row["median"] <= row["ci_high"]


def test_milestone_times_unknown_milestone(toy):
    m, h, a = toy
    with pytest.raises(MetricError, match="Вехи"):
        ob.milestone_times(m, h, a, milestone="go_live")


# ---------------------------------------------------------------------------
# Ориентирный анализ
# ---------------------------------------------------------------------------

@pytest.fixture
def landmark_toy():
    n = 6
    handoffs = pd.DataFrame({"account_id": [f"A{i}" for i in range(n)], "segment": "smb",
                             "close_date": pd.to_datetime(["2024-01-01"] * 5 + ["2025-11-01"])})
    churn = [None, "2024-03-01", "2024-12-01", "2025-06-01", "2024-09-01", None]
    accounts = pd.DataFrame({"account_id": handoffs["account_id"], "churned_on": pd.to_datetime(churn)})
    go_live = ["2024-01-20", None, "2024-02-10", "2024-05-01", None, "2025-11-20"]
    milestones = pd.DataFrame({"account_id": handoffs["account_id"], "milestone": "go_live",
                               "planned_date": pd.to_datetime("2024-01-20"), "actual_date": pd.to_datetime(go_live)})
    return milestones, handoffs, accounts


def test_landmark_status_by_hand(landmark_toy):
    s = ob.landmark_status(*landmark_toy, as_of="2025-12-31").set_index("account_id")
    assert list(s["onboarded"]) == [True, False, True, False, False, True]   # A3 запущен на 121-й день — после ориентира
    assert list(s["ever_onboarded"]) == [True, False, True, True, False, True]
    assert list(s["alive_at_landmark"]) == [True, False, True, True, True, False]  # A1 ушёл на 60-й день; у A5 ориентир позже конца данных
    assert list(s["window_seen"]) == [True, True, True, True, True, False]
    assert list(s["early_churn"]) == [False, True, True, False, True, False]    # A3 ушёл на 517-й день — после окна


def test_landmark_churn_keeps_only_the_living_at_landmark(landmark_toy):
    s = ob.landmark_status(*landmark_toy, as_of="2025-12-31")
    r = ob.landmark_churn(s)
    assert r.loc["onboarded", "customers"] == 2 and r.loc["onboarded", "churned"] == 1
    assert r.loc["not_onboarded", "customers"] == 2 and r.loc["not_onboarded", "churned"] == 1
    assert r.loc["onboarded", "low"] < 0.5 < r.loc["onboarded", "high"]


def test_landmark_bad_horizon(landmark_toy):
    with pytest.raises(MetricError, match="horizon_days"):
        ob.landmark_status(*landmark_toy, landmark_days=90, horizon_days=60)
    with pytest.raises(MetricError, match="landmark_days"):
        ob.landmark_status(*landmark_toy, landmark_days="девяносто")


def test_landmark_survival_curves(landmark_toy):
    s = ob.landmark_status(*landmark_toy, as_of="2025-12-31")
    curves = ob.landmark_survival(s)
    assert set(curves) == {"onboarded", "not_onboarded"}
    assert curves["onboarded"]["survival"].iloc[-1] == pytest.approx(0.5)


def test_milestone_summary_counts_only_due_milestones(toy):
    m, h, _ = toy
    s = ob.milestone_summary(m, h, as_of="2025-06-30")
    assert s.loc[("smb", "first_value"), "clients"] == 2         # у A3 плановая дата ещё не наступила
    assert s.loc[("smb", "first_value"), "on_time"] == 0          # A1 — на день позже плана
    assert s.loc[("smb", "first_value"), "reached"] == 0.5
    assert s.loc[("mid_market", "first_value"), "median_slip_days"] == 6


def test_milestone_summary_own_overrun_by_hand():
    # SMB: настройка (4 дня, без зависимостей) и первая ценность (3 дня после настройки); передача 1 января
    h = pd.DataFrame({"account_id": ["A1"], "segment": ["smb"], "handoff_date": pd.to_datetime(["2025-01-01"])})
    m = pd.DataFrame({"account_id": ["A1", "A1"], "milestone": ["admin_setup", "first_value"],
                      "planned_date": pd.to_datetime(["2025-01-05", "2025-01-08"]),
                      "actual_date": pd.to_datetime(["2025-01-07", "2025-01-12"])})
    s = ob.milestone_summary(m, h, as_of="2025-06-30")
    assert s.loc[("smb", "admin_setup"), "median_own_days"] == 2        # 6 дней вместо 4
    assert s.loc[("smb", "first_value"), "median_slip_days"] == 4       # накопленный: 12.01 против 08.01
    assert s.loc[("smb", "first_value"), "median_own_days"] == 2        # 5 дней после настройки вместо 3


def test_reach_quantile_by_hand():
    times = pd.DataFrame({"segment": "smb", "days": [1.0, 2, 3, 4, 5, 10, 10, 10, 10, 10],
                          "reached": [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]})
    assert ob.reach_quantile(times, 0.5)["smb"] == 5          # S(5) = 0,5
    assert np.isnan(ob.reach_quantile(times, 0.8)["smb"])     # до 0,2 кривая не опускается
    with pytest.raises(MetricError, match="share"):
        ob.reach_quantile(times, 80)


def test_risk_ratio_katz_and_mantel_haenszel_by_hand():
    r = ob.risk_ratio(20, 100, 10, 100)
    se = np.sqrt(1 / 20 - 1 / 100 + 1 / 10 - 1 / 100)
    assert r["ratio"] == pytest.approx(2.0)
    assert r["low"] == pytest.approx(2 * np.exp(-1.959964 * se), rel=1e-5)
    with pytest.raises(MetricError):
        ob.risk_ratio(0, 10, 1, 10)
    # два слоя с одинаковым отношением 2 — Мантель — Хенцель тоже 2
    f = pd.DataFrame({"g": [True] * 10 + [False] * 10 + [True] * 10 + [False] * 10,
                      "s": ["a"] * 20 + ["b"] * 20,
                      "y": [1] * 4 + [0] * 6 + [1] * 2 + [0] * 8 + [1] * 6 + [0] * 4 + [1] * 3 + [0] * 7})
    assert ob.mh_risk_ratio(f, "g", "s", "y") == pytest.approx(2.0)


def test_compare_traits_welch_interval():
    traits = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6]}, index=list("abcdef"))
    grp = pd.Series([True, True, True, False, False, False], index=list("abcdef"))
    row = ob.compare_traits(traits, grp).loc["x"]
    assert row["diff"] == pytest.approx(-3.0)
    assert row["low"] < -3 < row["high"] < 0


def test_wrong_tables_are_explained_in_russian(toy):
    m, h, a = toy
    with pytest.raises(MetricError, match="onboarding_milestones"):
        ob.milestone_times(h, h, a)                       # перепутали таблицы
    with pytest.raises(MetricError, match="таблица pandas"):
        ob.milestone_times(None, h, a)
    with pytest.raises(MetricError, match="times"):
        ob.ttv_table("таблица")
    with pytest.raises(MetricError, match="status"):
        ob.landmark_churn(m)
    with pytest.raises(MetricError, match="start"):
        ob.schedule(ob.plan_table("smb"), start="завтра")
