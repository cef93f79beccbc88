"""Ориентиры benchmarks/bench_toolkit.py считают то же, что и пакет, — иначе сравнение скорости ничего не значит."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesbook.data import load_all

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_toolkit.py"
_spec = importlib.util.spec_from_file_location("bench_toolkit", SCRIPT)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

#: У ориентира simulate_plan свой расход случайных чисел в том же порядке — сравниваются итоги прогонов.
SIMULATION_COLUMNS = ["new_arr", "deals", "departures"]


@pytest.fixture(scope="module")
def data():
    tables = load_all()
    return {"scale": 1, **{name: tables[name] for name in bench.TABLES}}


def test_every_case_has_a_baseline():
    """Новый замер без ориентира или без наивной версии не проходит мимо этой проверки."""
    assert len(bench.CASES) == 13
    names = [name for name, _ in bench.CASES]
    assert len(set(names)) == len(names)


def same(got, expected):
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for g, e in zip(got, expected):
            same(g, e)
    elif isinstance(expected, pd.DataFrame):
        if "simulate" in str(expected.index.name) or set(SIMULATION_COLUMNS) <= set(expected.columns):
            expected = expected[SIMULATION_COLUMNS].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9)
    elif isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(got, expected, check_exact=False, rtol=1e-9)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-9)


@pytest.mark.parametrize("name,build", bench.CASES, ids=[name.split()[0] for name, _ in bench.CASES])
def test_baseline_gives_the_toolkit_result(data, name, build):
    toolkit, _, baseline = build(data)
    assert baseline is not None, name
    same(baseline(), toolkit())


def test_verdict_names_what_is_slow_and_what_is_a_known_limit(monkeypatch):
    monkeypatch.setattr(bench, "LIMITS", {"finance.npv": "деление, а не умножение"})
    line, notes = bench.verdict({10.0: [("acquisition.channel_funnel", 1.0, 1.0), ("finance.npv (x)", 3.0, 1.0)],
                                 100.0: [("retention.cohort_table (к)", 1.5, 1.0), ("planning.simulate_plan", 1.0, None)]})
    assert line.startswith("Итог (×10, ×100): 1 из 3 замеров в пределах 1,2× ориентира")
    assert "медленнее: retention.cohort_table ×100 (1,50×)" in line and line.endswith("ЦЕЛЬ НЕ ДОСТИГНУТА.")
    assert "известный предел: finance.npv ×10 (3,00×)" in line
    assert notes == ["Предел finance.npv: деление, а не умножение"]
    good, _ = bench.verdict({10.0: [("acquisition.channel_funnel", 1.1, 1.0)]})
    assert good == "Итог (×10): 1 из 1 замеров в пределах 1,2× ориентира."


def test_times_are_printed_in_russian_milliseconds():
    assert bench.milliseconds(None) == "—"
    assert bench.milliseconds(0.0000123) == "0,012"
    assert bench.milliseconds(0.25) == "250,0"
    assert bench.milliseconds(123.4) == "123\u00a0400"
    assert "finance.npv" in bench.LIMITS and all(any(n.startswith(k) for n, _ in bench.CASES) for k in bench.LIMITS)


def test_partial_generation_writes_the_same_tables_as_the_full_one(tmp_path):
    """The benchmark stops the generator once its tables are ready: those files equal the full run's."""
    from salesbook.data.generator import generate_csv
    bench.generate_tables(tmp_path / "part", 0.05)
    generate_csv(tmp_path / "full", scale=0.05, progress=False)
    for name in bench.TABLES:
        assert (tmp_path / "part" / f"{name}.csv").read_bytes() == (tmp_path / "full" / f"{name}.csv").read_bytes(), name



def test_npv_baseline_gives_the_same_numbers_within_rounding():
    """Ориентир npv считает то же, что пакет (матричное умножение на те же множители)."""
    fast, _, baseline = bench.bench_npv({"scale": 1})
    np.testing.assert_allclose(fast(), baseline(), rtol=1e-13)
