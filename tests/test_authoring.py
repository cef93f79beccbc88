"""Один исходник — три результата: синхронность, отсутствие утечек, перевод MyST."""

import json

import nbformat
import pytest

from salesbook.authoring import notebooks
from salesbook.authoring.notebooks import AuthoringError, myst_to_markdown

SOURCE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

(ch99-demo)=
# 9.9. Демо

Текст с {term}`CAC` и ссылкой {ref}`ch99-demo`.

```{code-cell} ipython3
:tags: [setup, remove-cell]
from salesbook.runtime.checks import ___
```

:::{exercise} Посчитайте
:label: ch99-demo-q1
Условие.
:::

```{code-cell} ipython3
:tags: [solution, hide-input]
:exercise: ch99.demo.q1
base = 40  # только в решении
answer = base + 2  # ___: прибавьте 2
```
"""


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "book" / "ch99").mkdir(parents=True)
    (tmp_path / "book" / "ch99" / "9_9_demo.md").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "salesbook" / "exercises").mkdir(parents=True)
    return tmp_path


def test_committed_notebooks_match_sources():
    assert notebooks.out_of_sync() == []


def test_no_solution_line_leaks_into_workbook():
    assert notebooks.leaked_lines() == []


def test_no_myst_leftovers_in_notebooks():
    assert notebooks.myst_leftovers() == []


def test_sources_follow_tag_conventions():
    for path in notebooks.section_sources():
        assert notebooks.lint_source(path) == []


def test_generation_splits_cells_and_is_deterministic(tree):
    notebooks.generate(tree)
    first = {p: p.read_bytes() for p in tree.rglob("*.ipynb")}
    notebooks.generate(tree)
    assert first == {p: p.read_bytes() for p in tree.rglob("*.ipynb")}
    workbook = nbformat.read(tree / "notebooks" / "ch99" / "9_9_demo.ipynb", as_version=4)
    solutions = nbformat.read(tree / "solutions" / "ch99" / "9_9_demo.ipynb", as_version=4)
    wb_code = [c.source for c in workbook.cells if c.cell_type == "code"]
    sol_code = [c.source for c in solutions.cells if c.cell_type == "code"]
    assert "answer = ___  # прибавьте 2\nq1.check()" in wb_code and not any("base" in code for code in wb_code)
    assert "base = 40\nanswer = base + 2\nq1.check()" in sol_code and "answer = ___" not in "\n".join(sol_code)
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None for c in workbook.cells if c.cell_type == "code")
    text = "\n".join(c.source for c in workbook.cells if c.cell_type == "markdown")
    assert "#### Упражнение 1. Посчитайте" in text and "{term}" not in text and "(ch99-demo)=" not in text
    assert "9.9. Демо" in text
    assert json.loads((tree / notebooks.SOLUTIONS_JSON).read_text())["ch99.demo.q1"] == "base = 40\nanswer = base + 2\nq1.check()"
    assert notebooks.out_of_sync(tree) == []


def test_sync_check_catches_hand_edits_and_strays(tree):
    notebooks.generate(tree)
    path = tree / "notebooks" / "ch99" / "9_9_demo.ipynb"
    path.write_text(path.read_text().replace("answer = ___", "answer = 1"))
    (tree / "solutions" / "ch99" / "old.ipynb").write_text("{}")
    problems = notebooks.out_of_sync(tree)
    assert any("9_9_demo.ipynb отличается" in p for p in problems)
    assert any("old.ipynb не соответствует" in p for p in problems)


def test_leak_check_catches_solution_in_workbook(tree):
    notebooks.generate(tree)
    path = tree / "notebooks" / "ch99" / "9_9_demo.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("answer = base + 2"))
    nbformat.write(nb, path)
    assert notebooks.leaked_lines(tree) != []


def test_lint_catches_missing_tags(tree):
    src = tree / "book" / "ch99" / "9_9_demo.md"
    src.write_text(SOURCE.replace(":tags: [solution, hide-input]", ":tags: [solution]"))
    with pytest.raises(AuthoringError, match="hide-input"):
        notebooks.render(src, tree)


def test_myst_conversion_of_admonitions_and_math():
    text = ":::{note}\nВажная мысль.\n:::\n\n```{math}\na = b\n```\n\n{math}`x^2`"
    out = myst_to_markdown(text)
    assert out.startswith("> **Заметка.** Важная мысль.")
    assert "$$\na = b\n$$" in out and "$x^2$" in out


def test_unknown_directive_fails_loudly():
    with pytest.raises(AuthoringError, match="не поддерживается"):
        myst_to_markdown(":::{unknownthing}\nx\n:::")


def test_cite_becomes_author_year():
    out = myst_to_markdown("См. {cite}`skok2013saasmetrics`.")
    assert out == "См. (Skok, 2013)."


def test_declared_exercise_ids_cover_both_parts_of_a_split_section(tmp_path):
    """solutions.json не теряет решения первой части, когда пересобирают только вторую (общий префикс)."""
    from salesbook.authoring import notebooks as nb

    (tmp_path / "book" / "ch01").mkdir(parents=True)
    (tmp_path / "book" / "ch01" / "1_3_budget.md").write_text(":exercise: ch01.budget.q1\n", encoding="utf-8")
    (tmp_path / "book" / "ch01" / "1_3_budget_risk.md").write_text("x\n:exercise: ch01.budget.q5\n", encoding="utf-8")
    assert nb._declared_exercise_ids(tmp_path) == {"ch01.budget.q1", "ch01.budget.q5"}
