"""Карта покрытия считает разобранными только пункты с примером или упражнением."""

from __future__ import annotations

import textwrap

import pytest

from salesbook.authoring import coverage

OUTLINE = """\
items:
- {id: '1', title: Глава}
- {id: '1.1', title: Раздел с примером}
- {id: '1.2', title: Раздел без кода, но с упражнением}
- {id: '1.3', title: Раздел, где тема только упомянута}
- {id: '1.4', title: Абзац без примера}
- {id: '2', title: Глава, у которой не всё разобрано}
- {id: '2.1', title: Разобранный раздел}
- {id: '2.2', title: Не попал в карту}
"""

BOOK = """\
(ch-a)=
# Глава

```{code-cell} ipython3
:tags: [setup]
import pandas
```

(ch-a-example)=
## Пример

```{code-cell} ipython3
x = 1
```

(ch-a-text)=
## Только текст

Абзац.

(ch-a-mention)=
## Упоминание

Абзац.
"""


def make_book(tmp_path, coverage_yml: str):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "outline.yml").write_text(OUTLINE, encoding="utf-8")
    (tmp_path / "book" / "a.md").write_text(BOOK, encoding="utf-8")
    (tmp_path / "book" / "coverage.yml").write_text(textwrap.dedent(coverage_yml), encoding="utf-8")
    return tmp_path


def test_course_map_is_consistent():
    assert coverage.problems() == []
    assert coverage.taught_items()  # карта курса не пуста
    print(coverage.report())


def test_taught_needs_example_or_exercise_and_no_mentions(tmp_path):
    root = make_book(tmp_path, """\
        coverage:
          "1": {teaches: [ch-a]}
          "1.1": {teaches: [ch-a-example]}
          "1.2": {teaches: [ch-a-text], practice: [ch01.cac.q1]}
          "1.3": {teaches: [ch-a-example], mentions: [ch-a-mention]}
          "1.4": {teaches: [ch-a-text]}
          "2": {teaches: [ch-a]}
          "2.1": {teaches: [ch-a-example]}
        """)
    taught = coverage.taught_items(root)
    assert {"1.1", "1.2", "2.1"} <= taught
    assert "1.3" not in taught          # тема только упомянута
    assert "1.4" not in taught          # абзац без примера и упражнения
    assert "1" not in taught            # не все подпункты разобраны
    assert "2" not in taught            # 2.2 нет в карте
    assert "Разобрано пунктов плана: 3 из 8" in coverage.report(root)


def test_setup_cell_is_not_an_example(tmp_path):
    root = make_book(tmp_path, """\
        coverage:
          "1.4": {teaches: [ch-a]}
        """)
    assert "1.4" not in coverage.taught_items(root)


def test_problems_name_missing_labels_and_exercises(tmp_path):
    root = make_book(tmp_path, """\
        coverage:
          "1.1": {teaches: [ch-a-example, no-such-label], practice: [ch99.none.q1]}
          "9.9": {mentions: [ch-a-mention]}
          "1.3": {teaches: [ch-a-mention], mentions: [ch-a-mention]}
        """)
    found = "\\n".join(coverage.problems(root))
    assert "no-such-label" in found
    assert "ch99.none.q1" in found
    assert "9.9" in found
    assert "и в teaches, и в mentions" in found


def test_unknown_key_is_rejected(tmp_path):
    root = make_book(tmp_path, """\
        coverage:
          "1.1": {teaches: [ch-a-example], covers: [x]}
        """)
    with pytest.raises(ValueError, match="teaches"):
        coverage.coverage_map(root)
