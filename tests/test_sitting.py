"""Каждый раздел — одно занятие: заявленное время ≤ 90 минут, ≤ 24 видимых ячеек кода до упражнений."""

import pytest

from salesbook.authoring import notebooks, sitting

SOURCES = notebooks.section_sources()


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_section_fits_one_sitting(path):
    assert sitting.check(path) == []


def _source(minutes: str, visible: int, hidden: int = 0) -> str:
    cells = "".join("```{code-cell} ipython3\nx = 1\n```\n\n" for _ in range(visible))
    cells += "".join("```{code-cell} ipython3\n:tags: [glue, remove-cell]\nx = 1\n```\n\n" for _ in range(hidden))
    after = "```{code-cell} ipython3\nx = 2\n```\n" * 5
    return f"# 9.9. Демо\n\n**Время:** {minutes}. **Данные:** нет.\n\n{cells}## Упражнения\n\n{after}"


def test_measure_counts_visible_cells_before_exercises_only():
    measured = sitting.measure(_source("60–90 минут", visible=3, hidden=7))
    assert measured == sitting.Sitting(90, 3, 60)   # нижняя граница «60–90» — для страниц программ


def test_too_long_and_too_many_cells_are_reported():
    problems = sitting.measure(_source("100–120 минут", visible=25)).problems("x.md")
    assert len(problems) == 2 and "120 минут" in problems[0] and "25 видимых" in problems[1]


def test_single_number_and_missing_time():
    assert sitting.measure(_source("45 минут", visible=1)).minutes == 45
    assert sitting.measure("# 9.9\n\nбез шапки\n").problems("x.md") == ["x.md: в шапке нет строки «**Время:** … минут»"]
