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

WITH_BASELINE = [(name, build) for name, build in bench.CASES if "simulate_plan" not in name and "icp_score" not in name]


@pytest.fixture(scope="module")
def data():
    tables = load_all()
    return {name: tables[name] for name in bench.TABLES}


def test_every_case_is_checked():
    """Новый замер с ориентиром не проходит мимо этой проверки."""
    assert len(WITH_BASELINE) == 6


@pytest.mark.parametrize("name,build", WITH_BASELINE, ids=[name.split()[0] for name, _ in WITH_BASELINE])
def test_baseline_gives_the_toolkit_result(data, name, build):
    toolkit, _, baseline = build(data)
    assert baseline is not None, name
    expected, got = toolkit(), baseline()
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-9)
