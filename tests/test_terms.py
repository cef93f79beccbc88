"""Одна терминология во всей книге: лист терминов book/terms.yml и его проверка."""

from pathlib import Path

import pytest

from salesbook.authoring import terms
from salesbook.authoring.notebooks import ROOT

SHEET = terms.load_sheet(ROOT / terms.SHEET)
RULES = terms.rules(SHEET)


def _python_files() -> list[Path]:
    return sorted([*(ROOT / "salesbook" / "exercises").glob("*.py"), *(ROOT / "salesbook" / "runtime").glob("*.py")])


def test_book_uses_preferred_terms():
    hits = terms.scan(ROOT, terms.book_order(ROOT), _python_files(), ROOT / "datasets" / "README.md",
                      sorted((ROOT / "salesbook" / "toolkit").glob("*.py")))
    assert hits == [], "Запрещённые варианты терминов (book/terms.yml):\n" + "\n".join(map(str, hits))


def test_first_use_is_full_form():
    problems = terms.first_uses(ROOT, terms.book_order(ROOT), SHEET)
    assert problems == [], "\n".join(problems)


def test_sheet_entries_are_complete():
    for entry in SHEET["terms"]:
        assert {"id", "preferred", "banned", "reason"} <= entry.keys(), entry
        assert set(entry.get("scope", ["prose", "strings"])) <= {"prose", "strings"}, entry["id"]


def test_howto_lists_every_preferred_term():
    """Раздел для авторов в howto.md написан руками по листу — в нём есть каждый термин листа."""
    howto = (ROOT / "book" / "howto.md").read_text(encoding="utf-8")
    section = howto.split("(terms-sheet)=", 1)[1]
    for entry in SHEET["terms"]:
        assert entry["preferred"] in section, f"{entry['id']}: в howto.md нет «{entry['preferred']}»"
    for entry in SHEET.get("first_use", []):
        assert entry["first"] in section, entry["first"]


# --- проверка проверки: маленькие строки ---------------------------------------------------

def _found(text: str, kind: str = "prose") -> list[tuple[str, str]]:
    return [(rule.id, found) for _, found, rule in terms.check_text(text, kind, RULES)]


@pytest.mark.parametrize(("text", "rule", "found"), [
    ("Валовый доход растёт.", "gross", "Валовый"),
    ("AE-месяцы с учётом рампа.", "ramp", "рампа"),
    ("Новичок рампится с нуля.", "ramp", "рампится"),
    ("Срок ramp у новичка.", "ramp", "ramp"),
    ("Открытый pipeline на конец квартала.", "pipeline", "pipeline"),
    ("Считают от ёмкости продаж.", "capacity", "ёмкости"),
    ("Клиенты из сегмента энтерпрайз.", "segments", "энтерпрайз"),
    ("Сделки в Mid-market идут дольше.", "segments-case", "Mid-market"),
    ("В CRM «Сфера Софт» стоит причина.", "sfera-soft", "CRM «Сфера Софт»"),
    ("Он работает в «Сфера Софт» второй месяц.", "sfera-soft", "в «Сфера Софт»"),
])
def test_banned_variant_is_found(text, rule, found):
    assert (rule, found) in _found(text)


@pytest.mark.parametrize("text", [
    "Валовой доход и валовая маржа.",
    "AE-месяцы с учётом выхода на продуктивность.",
    "Выход на продуктивность (ramp) — месяцы до полной продуктивности.",
    "Покрытие пайплайна (pipeline) на дату среза.",
    "Мощность команды и мощность теста.",
    "Сегменты SMB, mid-market и enterprise. Enterprise в начале предложения.",
    "В CRM «Сферы Софт» и у компании «Сфера Софт».",
    "«Сфера Софт» (Москва) делает два продукта.",
    "Удержание клиентов (logo retention) — доля оставшихся.",
])
def test_allowed_text_passes(text):
    assert _found(text) == []


def test_code_math_and_roles_are_ignored():
    page = """---
jupytext:
  text_representation:
    format_name: myst
---

Срок `ramp_months` и формула $\\text{рамп}$, {term}`Ramp`, {cite:p}`kellogg2020rampchart`.
Ссылка [отчёт](https://example.com/pipeline-report) и https://example.com/ramp.

```{code-cell} ipython3
ramp = reps["ramp_months"]  # рамп в комментарии — не строка
ax.plot(x, y, label="с учётом рампа")
```

$$
\\text{мощность} = \\frac{k}{\\text{рамп}}
$$

Текст с {term}`пайплайна <Pipeline>` и рампом.
"""
    prose = [(n, line) for n, line in terms.markdown_prose(page) for _ in terms.check_text(line, "prose", RULES)]
    assert [n for n, _ in prose] == [19]
    strings = [(n, found) for start, code in terms.code_cells(page)
               for n, line in terms.python_strings(code, start)
               for _, found, _ in terms.check_text(line, "strings", RULES)]
    assert strings == [(12, "рампа")]


def test_glossary_headwords_are_english_terms():
    page = "```{glossary}\nPipeline coverage\n  Покрытие пайплайна — открытый пайплайн на дату среза.\n```\n"
    assert [line for _, line in terms.markdown_prose(page, glossary=True) if "Pipeline" in line] == []


def test_python_strings_keep_line_numbers():
    source = 'x = 1\nhint = (\n    "Учтите рамп:\\n"\n    "вторая строка"\n)\nlabel = f"Рамп {x}"\nname = "ramp_months"\n'
    assert sorted(terms.python_strings(source)) == [(3, "Учтите рамп:"), (4, "вторая строка"), (6, "Рамп ")]


def test_first_use_rule(tmp_path):
    (tmp_path / "a.md").write_text("Здесь удержание клиентов без расшифровки.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("Удержание клиентов (logo retention) — поздно.\n", encoding="utf-8")
    sheet = {"first_use": [{"mention": "удержани\\w* клиентов", "first": "удержание клиентов (logo retention)",
                            "later": "удержание клиентов"}]}
    problems = terms.first_uses(tmp_path, [tmp_path / "a.md", tmp_path / "b.md"], sheet)
    assert len(problems) == 1 and problems[0].startswith("a.md:1:")


def test_library_docstrings_are_skipped_but_messages_are_not():
    source = 'def f(x):\n    """Доля при линейном рампе."""\n    raise ValueError("Срок рампа не может быть отрицательным.")\n'
    assert [n for n, _ in terms.python_strings(source, docstrings=False)] == [3]
    assert [n for n, _ in terms.python_strings(source)] == [2, 3]
