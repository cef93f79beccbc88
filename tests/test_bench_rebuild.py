"""Правки, которыми benchmarks/bench_rebuild.py меряет пересборку: код — в одной видимой ячейке, текст — без кода."""

import importlib.util
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_rebuild", ROOT / "benchmarks" / "bench_rebuild.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def _code(text):
    nb = jupytext.reads(text, fmt="md:myst")
    return [c.source for c in nb.cells if c.cell_type == "code"], [c.source for c in nb.cells if c.cell_type == "markdown"]


def test_code_edit_changes_one_visible_code_cell_and_prose_edit_no_code():
    text = (ROOT / "book" / "ch01" / "1_1_1_cac.md").read_text(encoding="utf-8")
    code, prose = _code(text)
    code_edited, prose_after_code = _code(bench.edit_code(text))
    changed = [i for i, (a, b) in enumerate(zip(code, code_edited)) if a != b]
    assert len(code_edited) == len(code) and len(changed) == 1 and prose_after_code == prose
    assert code_edited[changed[0]] == code[changed[0]] + "\n# замер пересборки"
    code_same, prose_edited = _code(bench.edit_prose(text))
    assert code_same == code and prose_edited != prose and "Замер." in "".join(prose_edited)
