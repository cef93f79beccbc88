"""Чистые функции скрипта benchmarks/bench_seeds.py: сводка по зёрнам, флаг, интервал Уилсона.

Сам прогон по зёрнам — не тест (минута и больше); здесь — только арифметика сводки.
"""

import importlib.util

import numpy as np
import pandas as pd
import pytest

from salesbook.data import benchmarks

_spec = importlib.util.spec_from_file_location("bench_seeds", benchmarks.ROOT / "benchmarks" / "bench_seeds.py")
bench_seeds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_seeds)


def _spec_rows():
    return pd.DataFrame([
        {"row": 0, "id": "a", "name": "A", "unit": "share", "segment": None, "period": "2025",
         "low": 0.10, "high": 0.20, "strict_low": False, "binomial_ci": None, "gap": None, "committed": 0.15},
        {"row": 1, "id": "b", "name": "B", "unit": "ratio", "segment": "enterprise", "period": "",
         "low": 0.0, "high": None, "strict_low": True, "binomial_ci": None, "gap": "известно", "committed": 0.5},
    ])


def test_summary_counts_seeds_in_range_and_flags_fragile_rows():
    values = {0: [0.12, 0.15, 0.18, 0.25, 0.30], 1: [0.0, 0.2, 0.4, np.nan, 0.6]}
    per_seed = pd.DataFrame([{"row": row, "seed": i + 1, "value": v}
                             for row, vs in values.items() for i, v in enumerate(vs)])
    out = bench_seeds.summarize(per_seed, _spec_rows()).set_index("row")
    assert out.loc[0, "seeds"] == 5
    assert out.loc[0, "median"] == pytest.approx(0.18)
    assert out.loc[0, "q10"] == pytest.approx(np.quantile([0.12, 0.15, 0.18, 0.25, 0.30], 0.1))
    assert out.loc[0, "share_inside"] == pytest.approx(0.6)  # 0,25 и 0,30 — выше 20 %
    assert out.loc[0, "flag"] == "в диапазоне < 70\u00a0%"
    # NaN (метрику не посчитать) — вне диапазона; 0 при strict_low — тоже вне; медиана — по числам
    assert out.loc[1, "share_inside"] == pytest.approx(0.6)
    assert out.loc[1, "median"] == pytest.approx(0.3)
    assert bench_seeds.verdict(out.reset_index().iloc[1:].itertuples().__next__()).startswith("gap")


def test_summary_takes_the_verdict_of_evaluate_when_given():
    """Для строк с binomial_ci «в диапазоне» решает интервал: скрипт берёт вердикт evaluate, а не значение."""
    per_seed = pd.DataFrame({"row": 0, "seed": [1, 2, 3, 4], "value": [0.25, 0.26, 0.24, 0.15],
                             "inside": [True, True, True, True]})
    out = bench_seeds.summarize(per_seed, _spec_rows().iloc[:1]).iloc[0]
    assert out["share_inside"] == 1.0
    assert out["flag"] == "медиана вне"


@pytest.mark.parametrize(("median_inside", "share", "expected"), [
    (True, 0.7, ""),
    (True, 0.69, "в диапазоне < 70\u00a0%"),
    (False, 0.9, "медиана вне"),
    (False, 0.2, "медиана вне; в диапазоне < 70\u00a0%"),
    (True, float("nan"), "в диапазоне < 70\u00a0%"),
])
def test_flag(median_inside, share, expected):
    assert bench_seeds.flag(median_inside, share) == expected


def test_wilson_interval_matches_a_hand_computation():
    # 10 из 40: p = 0,25, z = 1,96; центр (p + z²/2n) / (1 + z²/n) = 0,2719, полуширина 0,1300 — посчитано вручную
    low, high = benchmarks.wilson_interval(10, 40)
    assert (low, high) == pytest.approx((0.1419, 0.4019), abs=1e-4)
    assert benchmarks.wilson_interval(0, 10)[0] == pytest.approx(0.0, abs=1e-12)
    assert all(np.isnan(benchmarks.wilson_interval(0, 0)))


def test_in_range_edges():
    assert benchmarks.in_range(0.2, 0.1, 0.2)
    assert not benchmarks.in_range(0.1, 0.1, None, strict_low=True)
    assert benchmarks.in_range(5.0, 3, None) and benchmarks.in_range(5.0, None, float("nan"))
    assert not benchmarks.in_range(float("nan"), 0, 1)


def test_binomial_row_is_inside_when_the_interval_meets_the_range(tmp_path):
    """Строка с binomial_ci: вне диапазона точкой, но интервал его пересекает — «в диапазоне»; без ключа — вне."""
    opps = pd.DataFrame({"opportunity_id": [f"o{i}" for i in range(40)], "segment": "enterprise",
                         "outcome": ["won"] * 10 + ["lost"] * 30,
                         "created_date": pd.Timestamp("2025-01-10"), "close_date": pd.Timestamp("2025-03-01")})
    path = tmp_path / "b.yml"
    path.write_text("- {id: win_rate, name: W, how: h, unit: share, source: [], verified: false, rows: ["
                    "{segment: enterprise, year: 2025, low: 0.15, high: 0.20},"
                    "{segment: enterprise, years: [2024, 2025], low: 0.15, high: 0.20, binomial_ci: 0.95},"
                    "{segment: enterprise, year: 2025, low: 0.45, high: 0.50, binomial_ci: 0.95}]}\n", encoding="utf-8")
    rows = benchmarks.evaluate({"opportunities": opps}, path)
    assert rows["value"].tolist() == [0.25, 0.25, 0.25]
    assert rows["inside"].tolist() == [False, True, False]
    assert rows["period"].tolist() == ["2025", "2024–2025", "2025"]
    assert rows.loc[1, "n"] == 40 and rows.loc[1, "ci_low"] == pytest.approx(0.1419, abs=1e-4)
