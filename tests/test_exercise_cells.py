"""Заготовка выводится из решения с метками: что остаётся, что заменяется пропуском, что пропадает."""

import jupytext
import nbformat
import pytest

from salesbook.authoring import notebooks
from salesbook.authoring.exercise_cells import MarkerError, exercise_title, expand, expand_text, split_solution


def test_slots_become_blanks_with_aligned_hints_and_solution_only_lines_disappear():
    solution = (
        'start, end = "2024-01-01", "2024-12-31"\n'
        "media = spend[spend['month'].between(start, end)]['spend_rub'].sum()  # ___: реклама за год\n"
        "customers_in_year = opps[opps['outcome'] == 'won']  # только в решении\n"
        "new_clients = len(customers_in_year)  # ___: новые клиенты\n"
        "cac = media / new_clients  # ___\n"
        'print(f"CAC: {cac}",  # только в решении\n'
        '      "₽")'
    )
    starter, clean = split_solution(solution, "ch99.demo.q3")
    assert starter == (
        'start, end = "2024-01-01", "2024-12-31"\n'
        "media = ___        # реклама за год\n"
        "new_clients = ___  # новые клиенты\n"
        "cac = ___\n"
        "q3.check()"
    )
    assert clean == (
        'start, end = "2024-01-01", "2024-12-31"\n'
        "media = spend[spend['month'].between(start, end)]['spend_rub'].sum()\n"
        "customers_in_year = opps[opps['outcome'] == 'won']\n"
        "new_clients = len(customers_in_year)\n"
        "cac = media / new_clients\n"
        'print(f"CAC: {cac}",\n'
        '      "₽")\n'
        "q3.check()"
    )


def test_multiline_values_return_and_dict_entries_are_blanked_and_own_comments_stay_in_solution():
    solution = (
        "import re  # только в решении\n"
        "\n"
        "\n"
        "def rubric(text):\n"
        '    """Рубрика письма."""\n'
        "    words = len(\n"
        "        text.split())  # ___: число слов\n"
        "    return {\n"
        '        "short": words < 100,  # не длиннее 100 слов  # ___\n'
        '        "question": "?" in text\n'
        '        and bool(re.search("ли", text)),  # ___\n'
        "    }\n"
    )
    starter, clean = split_solution(solution, "ch99.demo.q1")
    assert starter == (
        "def rubric(text):\n"
        '    """Рубрика письма."""\n'
        "    words = ___  # число слов\n"
        "    return {\n"
        '        "short": ___,\n'
        '        "question": ___,\n'
        "    }\n"
        "\n"
        "\n"
        "q1.check()"
    )
    assert '"short": words < 100,  # не длиннее 100 слов\n' in clean
    assert "___" not in clean and clean.endswith("    }\n\n\nq1.check()")


def test_compound_statement_marked_solution_only_goes_whole():
    starter, _ = split_solution("x = 1  # ___\nfor i in range(3):  # только в решении\n    print(i)", "ch99.demo.q2")
    assert starter == "x = ___\nq2.check()"


@pytest.mark.parametrize("solution, message", [
    ("print(1)  # ___", "присваивания"),
    ("x = 1  # ___\nq1.check()", "допишет сам"),
    ("x = (1  # ___", "не разбирается"),
])
def test_misplaced_markers_are_explained(solution, message):
    with pytest.raises(MarkerError, match=message):
        split_solution(solution, "ch99.demo.q1")


def _notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


def _solution(source, ex_id="ch99.demo.q1"):
    return nbformat.v4.new_code_cell(source, metadata={"tags": ["solution", "hide-input"], "exercise": ex_id})


def test_expand_derives_a_starter_or_keeps_the_handwritten_one():
    handwritten = nbformat.v4.new_code_cell("labels = {\"A\": ___, \"B\": ___}\nq2.check()",
                                            metadata={"tags": ["starter", "remove-output"]})
    nb = _notebook(_solution("y = 2  # ___"), handwritten, _solution('labels = {"A": 1, "B": 2}', "ch99.demo.q2"))
    cells = expand(nb).cells
    assert [c.metadata["tags"] for c in cells] == [["starter", "remove-output"], ["solution", "hide-input"]] * 2
    assert cells[0].source == "y = ___\nq1.check()" and cells[1].source == "y = 2\nq1.check()"
    assert cells[2] is not handwritten and cells[2].source == handwritten.source
    assert cells[3].source == 'labels = {"A": 1, "B": 2}\nq2.check()'
    assert nb.cells[0].source == "y = 2  # ___", "исходная тетрадь не меняется"


def test_book_text_gets_the_same_starters():
    text = jupytext.writes(_notebook(nbformat.v4.new_markdown_cell("Текст."), _solution("y = 2  # ___: два")), fmt="md:myst")
    expanded = jupytext.reads(expand_text(text), fmt="md:myst")
    assert [c.source for c in expanded.cells] == ["Текст.", "y = ___  # два\nq1.check()", "y = 2\nq1.check()"]
    assert expanded.cells[1].metadata["tags"] == ["starter", "remove-output"]


def test_lint_reports_a_handwritten_starter_without_check(tmp_path):
    (tmp_path / "book" / "ch99").mkdir(parents=True)
    path = tmp_path / "book" / "ch99" / "9_9_demo.md"
    handwritten = nbformat.v4.new_code_cell("y = ___", metadata={"tags": ["starter", "remove-output"]})
    path.write_text(jupytext.writes(_notebook(handwritten, _solution("y = 2")), fmt="md:myst"), encoding="utf-8")
    assert any("q1.check()" in p for p in notebooks.lint_source(path, tmp_path))


def test_exercise_titles_are_numbered_per_page():
    assert exercise_title(1, "Полный CAC") == "Упражнение 1. Полный CAC"
    assert exercise_title(2) == "Упражнение 2"
