"""Замер первого вывода (benchmarks/bench_first_output.py) работает на рабочей тетради курса.

Время не проверяется — только то, что замер доходит до вывода и считает ячейки.
"""

import importlib.util
import math
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_first_output", ROOT / "benchmarks" / "bench_first_output.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_first_output_is_reached_in_a_workbook():
    seconds, cells = _bench().first_output_seconds(ROOT / "notebooks" / "ch01" / "1_1_1_cac.ipynb")
    assert math.isfinite(seconds) and seconds > 0
    assert cells >= 1


def test_a_notebook_without_output_gives_nan(tmp_path):
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    path = tmp_path / "quiet.ipynb"
    nbformat.write(nb, path)
    seconds, cells = _bench().first_output_seconds(path)
    assert math.isnan(seconds) and cells == 1
