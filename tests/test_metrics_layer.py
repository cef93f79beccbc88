"""salesbook.toolkit.metrics_layer: одно определение на метрику; дашборд из слоя метрик."""

from __future__ import annotations

import inspect

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from salesbook.data import load
from salesbook.runtime import plotting
from salesbook.toolkit import acquisition, course, kpi
from salesbook.toolkit import metrics_layer as ml
from salesbook.toolkit.validation import MetricError


@pytest.fixture(scope="module")
def t():
    return {n: load(n) for n in ("opportunities", "mrr", "marketing_spend", "sm_costs", "reps")}


def test_two_names_never_point_to_different_definitions():
    for alias, code in ml.ALIASES.items():
        assert code in ml.REGISTRY, alias
        assert ml.resolve(alias) is ml.REGISTRY[code]
        assert alias not in ml.REGISTRY or ml.REGISTRY[alias] is ml.REGISTRY[code]
    assert len({m.title for m in ml.REGISTRY.values()}) == len(ml.REGISTRY)
    assert all(code == m.code for code, m in ml.REGISTRY.items())
    assert ml.resolve("WinRate ") is ml.REGISTRY["win_rate"]


def test_every_metric_calls_a_toolkit_function():
    for m in ml.REGISTRY.values():
        src = inspect.getsource(m.calc) if m.calc.__name__ != "<lambda>" else inspect.getsource(m.calc)
        assert "kpi." in src or "acquisition." in src, m.code


def test_layer_equals_toolkit_functions(t):
    s, e = course.YEAR_2025
    o = t["opportunities"]
    assert ml.compute("win_rate", t, s, e) == kpi.win_rate(o, s, e)
    assert ml.compute("acv", t, s, e) == kpi.average_acv(o, s, e)
    assert ml.compute("цикл сделки", t, s, e) == kpi.median_cycle(o, s, e)
    assert ml.compute("nrr", t, s, e) == pytest.approx(kpi.revenue_retention(t["mrr"], course.DECEMBER_2024, course.DECEMBER_2025)["nrr"])
    costs = acquisition.acquisition_costs(t["marketing_spend"], t["sm_costs"], s, e).sum()
    assert ml.compute("cac", t, s, e) == pytest.approx(acquisition.cac(costs, acquisition.new_customers(o, s, e)))
    cov = kpi.pipeline_coverage(o, t["reps"], s, s, e)["coverage"]
    assert ml.compute("coverage", t, s, e) == pytest.approx(cov)


def test_metric_table_and_errors(t):
    table = ml.metric_table(t, *course.YEAR_2025, names=["win_rate", "acv"])
    assert list(table.index) == ["win_rate", "average_acv"] and {"value", "unit", "base", "owner"} <= set(table.columns)
    with pytest.raises(MetricError, match="нет в слое"):
        ml.resolve("magic")
    with pytest.raises(MetricError, match="нужны таблицы"):
        ml.compute("cac", {"opportunities": t["opportunities"]}, *course.YEAR_2025)


def test_quality_checks_find_broken_export():
    o = pd.DataFrame({
        "opportunity_id": ["O1", "O1", "O2", "O3"], "outcome": ["won", "won", "lost", "lost"],
        "created_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-02-01", "2025-03-01"]),
        "close_date": pd.to_datetime(["2025-02-01", "2025-02-01", None, "2025-02-15"]),
        "amount_rub": [100.0, 100.0, 0.0, 50.0], "loss_reason": [None, None, None, "price"],
    })
    q = ml.quality_checks(o, "2025-03-31")
    assert q["last_update_days"] == 30 and q["stale"]
    assert q["duplicate_ids"] == 1 and q["closed_without_date"] == 1 and q["lost_without_reason"] == 1
    assert q["nonpositive_amount"] == 1 and q["close_before_create"] == 1
    assert q["open_too_long"] == 0 and q["open_owned_by_departed"] is None


def test_pipeline_hygiene_checks():
    o = pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3", "O4"], "outcome": ["open", "open", "open", "won"],
        "created_date": pd.to_datetime(["2024-10-01", "2025-03-20", "2025-03-01", "2024-01-01"]),
        "close_date": pd.to_datetime([None, None, None, "2024-02-01"]),
        "amount_rub": [100.0, 100.0, 100.0, 100.0], "loss_reason": [None] * 4, "owner_id": ["R1", "R2", "R1", "R2"],
    })
    reps = pd.DataFrame({"rep_id": ["R1", "R2"], "exit_date": pd.to_datetime(["2025-03-15", None])})
    q = ml.quality_checks(o, "2025-03-31", reps=reps)
    assert q["open_too_long"] == 1  # O1: 181 день
    assert q["open_owned_by_departed"] == 2  # O1 и O3 у R1, ушедшего 15 марта


def test_frozen_export_reopens_later_closes():
    o = pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3"], "outcome": ["won", "lost", "won"],
        "created_date": pd.to_datetime(["2025-11-01", "2025-11-20", "2025-12-15"]),
        "close_date": pd.to_datetime(["2025-12-01", "2025-12-20", "2025-12-25"]),
        "amount_rub": [1.0, 2.0, 3.0], "loss_reason": [None, "price", None],
    })
    f = ml.frozen_export(o, "2025-12-10")
    assert list(f["opportunity_id"]) == ["O1", "O2"]  # O3 создана после среза
    assert f.set_index("opportunity_id").loc["O2", "outcome"] == "open"
    assert pd.isna(f.set_index("opportunity_id").loc["O2", "close_date"])
    assert f.set_index("opportunity_id").loc["O1", "outcome"] == "won"


def test_metrics_dashboard_helper_starts_axes_at_zero():
    panels = [
        {"title": "Win rate", "values": pd.Series([0.3, 0.32], index=["2025Q1", "2025Q2"]), "unit": "share"},
        {"title": "ACV", "values": pd.Series([5e5, 6e5], index=["2025Q1", "2025Q2"]), "unit": "rub", "kind": "bar"},
        {"title": "Покрытие", "values": pd.Series([1.5, 2.0], index=["2025Q1", "2025Q2"]), "unit": "ratio", "target": 3},
        {"title": "Цикл", "values": pd.Series([30, 28], index=["2025Q1", "2025Q2"]), "unit": "days"},
    ]
    fig, axes = plotting.metrics_dashboard(panels, "Дашборд", ncols=3)
    visible = [ax for ax in axes.flat if ax.get_visible()]
    assert len(visible) == 4 and not axes.flat[5].get_visible()
    assert all(ax.get_ylim()[0] == 0 for ax in visible)
    assert visible[2].get_ylim()[1] >= 3  # цель видна
    assert visible[0].get_title(loc=plt.rcParams["axes.titlelocation"]) == "Win rate, %"
    with pytest.raises(ValueError):
        plotting.metrics_dashboard([], "x")
    plt.close(fig)
