"""Числа в тексте разделов не набираются руками: каждое зависящее от данных — из кода ({glue:text})."""

import pytest

from salesbook.authoring import notebooks, typed_numbers
from salesbook.authoring.notebooks import ROOT


def test_prose_has_no_typed_data_numbers():
    problems = typed_numbers.find(ROOT, notebooks.section_sources())
    assert problems == [], "\n".join(problems)


PLANTED = """---
jupytext:
  text_representation:
    format_name: myst
---

(ch99-demo)=
# 9.9. Демо за 2024 год

Полный CAC — 967 891 ₽, в 2,9 раза больше рекламного; за 2024 год пришло 245 клиентов.
Ориентир Skok — окупить CAC быстрее 12 месяцев {cite:p}`skok2013saasmetrics`.
Из кода: {glue:text}`cac.b2b.2024`, ссылка {ref}`1.1.2 <ch01-ltv>`, код `x = 0,5`, формула $0,5 \\cdot 3$.

$$
\\text{LTV} = 1\\,000 \\cdot 0,5
$$

```{code-cell} ipython3
print("10 000 ₽")
```

:::{exercise} Скидка 15 %
:label: ch99-q1
Условие без чисел.
:::

```{admonition} Заметка
Конверсия 12,5 % внутри заметки.
```
"""


@pytest.fixture
def section(tmp_path):
    path = tmp_path / "book" / "ch99" / "9_9_demo.md"
    path.parent.mkdir(parents=True)
    path.write_text(PLANTED, encoding="utf-8")
    return tmp_path, path


def _found(root, path):
    return [p.split("«")[1].split("»")[0] for p in typed_numbers.find(root, [path]) if "«" in p]


def test_planted_numbers_are_caught_and_markup_is_not(section):
    root, path = section
    assert _found(root, path) == ["967 891 ₽", "2,9 раза", "245 клиентов", "12 месяцев", "15 %", "12,5 %"]


def test_exceptions_need_the_exact_phrase_and_must_stay_in_use(section):
    root, path = section
    (root / typed_numbers.EXCEPTIONS).write_text(
        "book/ch99/9_9_demo.md:\n"
        "  - phrase: \"быстрее 12 месяцев\"\n    why: ориентир Skok\n"
        "  - phrase: \"Скидка 15 %\"\n    why: условие упражнения\n"
        "  - phrase: \"давно удалённая фраза 5 %\"\n    why: устарело\n",
        encoding="utf-8",
    )
    problems = typed_numbers.find(root, [path])
    assert _found(root, path) == ["967 891 ₽", "2,9 раза", "245 клиентов", "12,5 %", "давно удалённая фраза 5 %"]
    assert any("больше нет в тексте" in p for p in problems)
    assert problems[0].startswith("book/ch99/9_9_demo.md:10: «967 891 ₽»")


def test_units_are_kept_with_their_numbers():
    """Между числом и ₽, %, «мес.»… — неразрывный пробел, иначе перенос строки отрывает единицу."""
    sources = sorted((ROOT / "book").glob("ch*/*.md"))
    found = typed_numbers.breaking_spaces(ROOT, sources)
    assert found == [], "\n".join(f"{rel}:{line}: обычный пробел перед единицей (символ {pos + 1})" for rel, line, pos in found)


def test_breaking_spaces_are_caught(tmp_path):
    path = tmp_path / "book" / "ch99" / "9_9_demo.md"
    path.parent.mkdir(parents=True)
    path.write_text(
        "# 9.9. Демо\n\n"
        "Рост 15 %, чек 25 тыс. долл., сдвиг на 3 п. п., срок {glue:text}`x.all.2024` мес.\n"
        "Уже верно: 15\u00a0%, 2,4\u00a0млн\u00a0₽, 12\u00a0месяцев; код `5 %` и $5 \\%$ не текст.\n",
        encoding="utf-8",
    )
    found = typed_numbers.breaking_spaces(tmp_path, [path])
    line = path.read_text(encoding="utf-8").split("\n")[2]
    assert [(n, line[p - 2:p + 2]) for _, n, p in found] == [
        (3, "15 %"), (3, "25 т"), (3, "с. д"), (3, " 3 п"), (3, "4` м"),
    ]


PACKAGE_TEXT_DIRS = ("salesbook/exercises", "salesbook/toolkit", "salesbook/runtime")


def test_units_are_kept_with_their_numbers_in_package_texts():
    """Сообщения проверок, подсказки и docstring функций, которые вызывает учащийся: тоже неразрывный пробел."""
    files = sorted(p for d in PACKAGE_TEXT_DIRS for p in (ROOT / d).glob("*.py")) + sorted((ROOT / "salesbook").glob("*.py"))
    found = typed_numbers.breaking_spaces_in_python(ROOT, files)
    assert found == [], "\n".join(f"{rel}:{line}: обычный пробел перед единицей: «{text}»" for rel, line, text in found)


def test_breaking_spaces_in_python_are_caught(tmp_path):
    path = tmp_path / "salesbook" / "demo.py"
    path.parent.mkdir(parents=True)
    path.write_text(
        '"""Доля 15 % клиентов."""\n'
        'HINT = f"Ответ — {share:.0%} от {total} ₽; верно: 3\u00a0% и {x}\u00a0₽"\n'
        'CODE = 10 % 3  # в коде не текст: 10 % 3\n'
        'RAW = b"5 %"\n',
        encoding="utf-8",
    )
    found = typed_numbers.breaking_spaces_in_python(tmp_path, [path])
    assert [line for _, line, _ in found] == [1, 2]
    assert "15 %" in found[0][2] and "{total} ₽" in found[1][2]
