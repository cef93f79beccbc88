"""Прогон nbval по решениям заодно исполняет книгу (salesbook.authoring.nbval_book).

Тетрадь книги, собранная по ходу прогона решений, должна совпасть с обычным исполнением книги
(тем же, что делает ``salesbook book-exec``), а прогон решений — остаться прогоном решений:
их ячейки не получают ничего из служебных ячеек книги, упавшая ячейка книги не роняет
решения, а книга с ошибкой не попадает в кэш.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache
from jupyter_cache.executors.utils import single_nb_execution
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from salesbook.authoring import bookexec, nbval_book

ROOT = Path(__file__).resolve().parents[1]
HEADER = ("---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
          "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n")

# Раздел-игрушка: общие ячейки (есть и в решениях), служебные ячейки книги (glue, заготовка),
# потоки stdout/stderr вперемешку, «\r», таблица, виджет, результат последней строки.
SETUP = "import os\nimport sys\nimport pandas as pd\nvalue = 6 * 7"
GLUE = "hidden = value + 1\nprint('в книге SALESBOOK_EXPECT =', os.environ.get('SALESBOOK_EXPECT'))"
STREAMS = ("print('раз')\nprint('ошибка', file=sys.stderr)\nprint('два')\n"
           "print('00 %\\r50 %\\r100 %')\npd.DataFrame({'a': [1, 2]})")
STARTER = "answer = ...  # заготовка"
SOLUTION = "answer = value * 2\nanswer"
#: Ячейка решений, которая проверяет, что после служебных ячеек книги ей вернули SALESBOOK_EXPECT.
STRICT = "assert os.environ.get('SALESBOOK_EXPECT') == 'pass', 'решения исполняются с SALESBOOK_EXPECT'"
WIDGET = "import ipywidgets\nipywidgets.IntSlider(value=answer, description='Ответ')"
TAIL = "print('конец', answer)\nanswer;"      # «;» гасит вывод — и в книге, и в прогоне решений
BOOTSTRAP = "# установка пакета курса\npass"


def _md(cells: list[tuple[str, list[str]]]) -> str:
    parts = [HEADER, "# Игрушка\n"]
    for source, tags in cells:
        meta = f":tags: [{', '.join(tags)}]\n" if tags else ""
        parts.append(f"\n```{{code-cell}} ipython3\n{meta}{source}\n```\n")
    return "".join(parts)


def _project(tmp_path: Path, book_cells, solution_cells) -> Path:
    """Мини-курс: _config.yml с кэшем, книга book/demo/toy.md и её решения solutions/demo/toy.ipynb."""
    root = tmp_path / "course"
    (root / "book" / "demo").mkdir(parents=True)
    (root / "solutions" / "demo").mkdir(parents=True)
    (root / "_config.yml").write_text("execute:\n  execute_notebooks: cache\n  timeout: 120\n", encoding="utf-8")
    (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (root / "book" / "demo" / "toy.md").write_text(_md(book_cells), encoding="utf-8")
    nb = new_notebook(cells=[new_markdown_cell("# Игрушка")])
    nb.cells.append(new_code_cell(BOOTSTRAP, metadata={"tags": ["bootstrap"]}))
    nb.cells += [new_code_cell(source) for source in solution_cells]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, root / "solutions" / "demo" / "toy.ipynb")
    return root


def _run_solutions(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SALESBOOK_EXPECT": "pass", "SALESBOOK_PROGRESS": "off", "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "salesbook.authoring.kernels", "-p", "salesbook.authoring.nbval_book",
         nbval_book.OPTION,
         "--nbval-lax", "-q", "-p", "no:cacheprovider", *args, "solutions"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300)


def _cached(root: Path):
    cache = get_cache(str(root / "_build" / ".jupyter_cache"))
    source = root / "book" / "demo" / "toy.md"
    try:
        record = cache.match_cache_notebook(bookexec.read_as_book(source, root))
    except KeyError:
        return None
    return cache.get_cache_bundle(record.pk).nb


def _normalised(nb) -> dict:
    """Код-ячейки, язык и состояние виджетов. Номера моделей виджетов случайны, а кэш хранит их
    отсортированными, поэтому они заменены на порядковые: от вывода ячейки по ссылкам моделей."""
    data = json.loads(json.dumps(nb))
    cells = [{k: c[k] for k in ("source", "outputs", "execution_count", "metadata")}
             for c in data["cells"] if c["cell_type"] == "code"]
    widgets = data["metadata"].get("widgets") or {}
    state = widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    order: list[str] = []
    queue = re.findall(r"[0-9a-f]{32}", json.dumps(cells, sort_keys=True))
    while queue:
        model = queue.pop(0)
        if model not in order:
            order.append(model)
            queue += re.findall(r"[0-9a-f]{32}", json.dumps(state.get(model, {}), sort_keys=True))
    order += sorted(set(state) - set(order))
    text = json.dumps({"cells": cells, "language_info": data["metadata"].get("language_info"),
                       "widgets": [state[m] for m in order if m in state]}, ensure_ascii=False)
    for n, model in enumerate(order):
        text = text.replace(model, f"model-{n}")
    return json.loads(text)


BOOK = [(SETUP, ["remove-cell"]), (GLUE, ["glue", "remove-cell"]), (STREAMS, []), (STARTER, []),
        (SOLUTION, ["solution"]), (WIDGET, []), ("print('последняя служебная', hidden)", ["remove-cell"]),
        (TAIL, [])]
SOLUTIONS = [SETUP, STREAMS, SOLUTION, WIDGET, TAIL]


def test_book_from_the_solutions_run_equals_a_plain_execution(tmp_path):
    root = _project(tmp_path, BOOK, SOLUTIONS)
    run = _run_solutions(root)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "6 passed" in run.stdout          # nbval проверил все ячейки решений, включая установку
    shared = _cached(root)
    assert shared is not None, "тетрадь книги не попала в кэш сборки"
    source = root / "book" / "demo" / "toy.md"
    plain = single_nb_execution(bookexec.read_as_book(source, root), cwd=str(source.parent),
                                timeout=120, allow_errors=False)
    assert plain.err is None
    ours, theirs = _normalised(shared), _normalised(plain.nb)
    assert ours == theirs
    # и по существу: служебные ячейки исполнены без SALESBOOK_EXPECT, потоки — как у nbclient
    glue = ours["cells"][1]["outputs"][0]["text"]
    assert glue == "в книге SALESBOOK_EXPECT = None\n"
    streams = [o for o in ours["cells"][2]["outputs"] if o["output_type"] == "stream"]
    assert [o["name"] for o in streams] == ["stdout", "stderr"]
    assert streams[0]["text"] == "раз\nдва\n00 %\r50 %\r100 %\n"
    assert [c["execution_count"] for c in ours["cells"]] == list(range(1, len(BOOK) + 1))
    assert ours["widgets"] and ours["language_info"]["name"] == "python"
    assert "Книга: из прогона решений в кэш сборки взято тетрадей — 1 из 1." in run.stdout


def test_solutions_do_not_get_names_from_book_only_cells(tmp_path):
    # решение читает «hidden», которое определяет только служебная ячейка книги
    book = BOOK[:4] + [("answer = hidden * 2\nanswer", ["solution"])]
    root = _project(tmp_path, book, [SETUP, STREAMS, "answer = hidden * 2\nanswer"])
    run = _run_solutions(root)
    assert run.returncode != 0, "решения с именем только из книги должны упасть, как без книги"
    assert "NameError" in run.stdout and "hidden" in run.stdout
    assert _cached(root) is None


def test_a_failing_book_cell_leaves_the_solutions_run_alone(tmp_path):
    # и после неё решения снова видят свой SALESBOOK_EXPECT (ячейка STRICT)
    book = BOOK[:2] + [("raise RuntimeError('ошибка в служебной ячейке')", ["remove-cell"])] + BOOK[2:4] \
        + [(STRICT, [])] + BOOK[4:]
    root = _project(tmp_path, book, SOLUTIONS[:2] + [STRICT] + SOLUTIONS[2:])
    run = _run_solutions(root)
    assert run.returncode == 0, run.stdout + run.stderr
    assert _cached(root) is None      # книгу исполнит book-exec и покажет ошибку сборка


def test_a_book_cell_over_time_is_interrupted_and_solutions_stay_strict(tmp_path):
    book = BOOK[:2] + [("import time\ntime.sleep(60)", ["remove-cell"])] + BOOK[2:4] + [(STRICT, [])] + BOOK[4:]
    root = _project(tmp_path, book, SOLUTIONS[:2] + [STRICT] + SOLUTIONS[2:])
    config = root / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("timeout: 120", "timeout: 3"), encoding="utf-8")
    run = _run_solutions(root)
    assert run.returncode == 0, run.stdout + run.stderr
    assert _cached(root) is None
    assert "toy.md: ячейка книги 3: ядро не ответило за 3 с" in run.stdout


def test_partial_runs_do_not_execute_solution_cells_for_nbval(tmp_path):
    root = _project(tmp_path, BOOK, SOLUTIONS)
    run = _run_solutions(root, "--deselect", "solutions/demo/toy.ipynb::Cell 2")
    assert run.returncode == 0, run.stdout + run.stderr
    assert _cached(root) is None
    assert "часть ячеек решений не исполнялась" in run.stdout


def test_a_failing_solution_keeps_the_book_out_of_the_cache(tmp_path):
    broken = SOLUTION.replace("value * 2", "value / 0")
    book = [(s if s != SOLUTION else broken, t) for s, t in BOOK]
    root = _project(tmp_path, book, [s if s != SOLUTION else broken for s in SOLUTIONS])
    run = _run_solutions(root)
    assert run.returncode != 0 and "ZeroDivisionError" in run.stdout
    assert _cached(root) is None


def test_cells_are_matched_in_order_and_unknown_cells_refused():
    book = ["a = 1", "glue(a)", "b = a", "print(b)", "glue(b)"]
    assert nbval_book.match_cells(book, ["install", "a = 1", "b = a", "print(b)"], [True, False, False, False]) \
        == [None, 0, 2, 3]
    # один и тот же код дважды: порядок сохраняется
    assert nbval_book.match_cells(["x", "y", "x"], ["x", "x"], [False, False]) == [0, 2]
    with pytest.raises(ValueError, match="нет в книге"):
        nbval_book.match_cells(book, ["print(b)", "a = 1"], [False, False])


@pytest.mark.parametrize("shared_cell", [
    "def f(hidden):\n    return hidden\nf(hidden)",        # параметр функции — не определение имени тетради
    "hidden += 1",                                       # x += … читает x
    "hidden = hidden + 1",                                # сначала читает, потом связывает
    "result = [hidden for _ in range(2)]",               # внутри выражения-генератора
    "q1.check()",                                         # check() читает переменную ответа
])
def test_borrowed_name_forms(shared_cell):
    book = ["from salesbook.exercises.ch01_cac import q1", "hidden = 1", shared_cell]
    found = nbval_book.borrowed_names(book, [True, False, True], {"q1": "hidden"})
    assert found == {2: {"hidden"}}


@pytest.mark.parametrize("shared_cell", [
    "for hidden in range(3):\n    print(hidden)",          # цикл сначала связывает имя
    "with open(__file__) as hidden:\n    print(hidden)",
    "try:\n    pass\nexcept ValueError as hidden:\n    print(hidden)",
    "hidden = 2\nq1.check()",                            # ответ задан до проверки
    "print([hidden for hidden in range(2)])",            # своя переменная генератора
])
def test_names_bound_before_reading_are_not_borrowed(shared_cell):
    book = ["from salesbook.exercises.ch01_cac import q1", "hidden = 1", shared_cell]
    assert nbval_book.borrowed_names(book, [True, False, True], {"q1": "hidden"}) == {}


def test_book_cells_writing_the_namespace_directly_are_found():
    for cell in ("get_ipython().user_ns['x'] = 1", "globals()['x'] = 1", "from math import *"):
        assert nbval_book.borrowed_names(["a = 1", cell, "print(a)"], [True, False, True]) == {1: {"*"}}


def test_answer_variables_come_from_the_exercise_modules():
    from salesbook.exercises.ch01_cac import q1

    assert nbval_book.answer_variables(["from salesbook.exercises.ch01_cac import q1, quiz"]) == {"q1": q1.var}


def test_borrowed_names_are_found_and_starters_are_not_borrowing():
    book = ["import pandas as pd\nvalue = 1", "hidden = value + 1\nglue('x', hidden)", "answer = ...",
            "answer = value * 2\nprint(answer, pd)", "print(hidden)", "def f(v):\n    return v\nf(answer)",
            "%time y = [k for k in range(3)]", "print(y)"]
    shared = [True, False, False, True, True, True, True, True]
    assert nbval_book.borrowed_names(book, shared) == {4: {"hidden"}}


def test_make_test_runs_solutions_with_the_book_before_the_book_build():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^test-solutions:.*?\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "-p salesbook.authoring.nbval_book" in recipe and nbval_book.OPTION in recipe
    recipe = re.search(r"^test: env\n((?:\t.*\n)+)", makefile, re.M).group(1)
    solutions, book = recipe.find("test-solutions"), recipe.find("test-book")
    assert 0 <= solutions < book, "в make test решения должны идти до сборки книги: иначе книга исполнится дважды"
