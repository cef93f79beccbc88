"""Числа в тексте разделов из кода: генератор подставляет их в тетради, книга сверяет, имена согласованы."""

import json
import re

import nbformat
import pytest

from salesbook.authoring import glue, notebooks
from salesbook.authoring.notebooks import ROOT, AuthoringError

SOURCE = """---
jupytext: {text_representation: {extension: .md, format_name: myst}}
kernelspec: {display_name: Python 3, language: python, name: python3}
---

# 9.9. Демо

```{code-cell} ipython3
:tags: [setup, remove-cell]
from salesbook.runtime import fmt
```

```{code-cell} ipython3
revenue = 1234567.8
```

```{code-cell} ipython3
:tags: [glue, remove-cell]
fmt.glue("revenue.all.2024", revenue, fmt.rub)
fmt.glue("share.smb.2024", 0.0296, fmt.pct)
```

Выручка — {glue:text}`revenue.all.2024`, доля SMB — {glue:text}`share.smb.2024`.
"""


@pytest.fixture
def tree(tmp_path):
    """Курс из одного раздела во временной папке."""
    source = tmp_path / "book" / "ch99" / "9_9_demo.md"
    source.parent.mkdir(parents=True)
    source.write_text(SOURCE, encoding="utf-8")
    (tmp_path / notebooks.SOLUTIONS_JSON).parent.mkdir(parents=True)
    return tmp_path


def _markdown(path):
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown"), nb


def test_values_reach_both_editions_and_execution_is_cached(tree, monkeypatch):
    notebooks.generate(tree)
    recorded = json.loads((tree / "book" / "_glue" / "ch99" / "9_9_demo.json").read_text(encoding="utf-8"))
    assert recorded["revenue.all.2024"] == {"text": "1\u00a0234\u00a0568\u00a0₽", "value": 1234567.8}
    assert recorded["share.smb.2024"]["text"] == "3,0\u00a0%"
    for variant in notebooks.VARIANTS:
        text, nb = _markdown(tree / variant / "ch99" / "9_9_demo.ipynb")
        assert "Выручка — 1\u00a0234\u00a0568\u00a0₽, доля SMB — 3,0\u00a0%." in text
        assert "{glue" not in text
        assert not any("fmt.glue" in c.source for c in nb.cells), "ячейки glue в тетрадях не нужны"
    before = {p: p.read_bytes() for p in tree.rglob("*.ipynb")}

    def must_not_run(*args, **kwargs):
        raise AssertionError("раздел не менялся — исполнять его заново не нужно")

    monkeypatch.setattr(glue, "_execute", must_not_run)
    notebooks.generate(tree)
    assert before == {p: p.read_bytes() for p in tree.rglob("*.ipynb")}
    assert notebooks.out_of_sync(tree) == []


def test_changed_code_is_executed_again(tree):
    notebooks.generate(tree)
    src = tree / "book" / "ch99" / "9_9_demo.md"
    src.write_text(SOURCE.replace("revenue = 1234567.8", "revenue = 2000000"), encoding="utf-8")
    notebooks.generate(tree)
    text, _ = _markdown(tree / "notebooks" / "ch99" / "9_9_demo.ipynb")
    assert "Выручка — 2\u00a0000\u00a0000\u00a0₽" in text


def test_missing_recorded_value_is_a_clear_error(tree):
    with pytest.raises(AuthoringError, match="revenue.all.2024 нет в book/_glue/ch99/9_9_demo.json"):
        notebooks.render(tree / "book" / "ch99" / "9_9_demo.md", tree)


def test_stray_values_file_is_out_of_sync(tree):
    notebooks.generate(tree)
    stray = tree / "book" / "_glue" / "ch99" / "old.json"
    stray.write_text("{}", encoding="utf-8")
    assert any("old.json не соответствует" in p for p in notebooks.out_of_sync(tree))
    notebooks.generate(tree)
    assert not stray.exists()


@pytest.mark.parametrize(
    "cell, message",
    [
        ('total = 5\nfmt.glue("x.all.2024", total)', "не вызов fmt.glue"),
        ('fmt.glue("cac_2024", 5)', "метрика.сегмент.период"),
        ('fmt.glue(name, 5)', "метрика.сегмент.период"),
    ],
)
def test_lint_glue_cells(tree, cell, message):
    src = tree / "book" / "ch99" / "9_9_demo.md"
    src.write_text(SOURCE.replace('fmt.glue("share.smb.2024", 0.0296, fmt.pct)', cell), encoding="utf-8")
    assert any(message in p for p in notebooks.lint_source(src, tree))


def test_lint_role_without_glue_and_glue_without_hiding(tree):
    src = tree / "book" / "ch99" / "9_9_demo.md"
    src.write_text(SOURCE.replace("{glue:text}`share.smb.2024`", "{glue:text}`share.smb.2025`")
                   .replace(":tags: [glue, remove-cell]", ":tags: [glue]"), encoding="utf-8")
    problems = "\n".join(notebooks.lint_source(src, tree))
    assert "share.smb.2025` — такого имени нет" in problems
    assert "remove-cell" in problems


def test_book_check_reports_every_kind_of_difference():
    recorded = {"a.x.1": {"text": "1 ₽", "value": 1}, "b.x.1": {"text": "2 ₽", "value": 2}}
    assert glue.compare({"a.x.1": "1 ₽", "b.x.1": "2 ₽"}, recorded) == []
    problems = glue.compare({"a.x.1": "5 ₽", "c.x.1": "3 ₽"}, recorded)
    assert problems == [
        "a.x.1: при исполнении «5 ₽», записано «1 ₽»",
        "записано значение b.x.1, которого раздел больше не передаёт",
        "значение c.x.1 не записано",
    ]


def test_same_name_means_same_value_across_sections():
    """Одно имя в двух разделах — одно число (например, cac.b2b.2024 в 1.1.1 и 1.1.4)."""
    assert glue.conflicts(ROOT, notebooks.section_sources()) == []


def test_conflict_is_caught(tree):
    for name, value in (("9_1_a", 0.0296), ("9_2_b", 0.0294)):
        (tree / "book" / "ch99" / f"{name}.md").write_text("", encoding="utf-8")
        path = glue.values_path(tree / "book" / "ch99" / f"{name}.md", tree)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(glue.dumps({"churn_monthly.smb.2024": {"text": "", "value": value}}), encoding="utf-8")
    sources = sorted((tree / "book" / "ch99").glob("9_*_*.md"))
    problems = glue.conflicts(tree, sources)
    assert len(problems) == 1 and problems[0].startswith("churn_monthly.smb.2024: book/ch99/9_1_a.md — 0.0296")


def test_every_section_with_glued_values_has_them_recorded():
    for source in notebooks.section_sources():
        nb = notebooks.read_source(source)
        names = {n for c in nb.cells if c.cell_type == "code" and glue.is_glue_cell(c) for n in glue.glued_names(c)}
        assert names == set(glue.committed(source, ROOT)), f"{source.name}: выполните make notebooks"


def test_days_format():
    from salesbook.runtime import fmt

    assert fmt.days(28) == "28\u00a0дн." and fmt.days(None) == "—"


def test_signed_pct_and_minutes_formats():
    from salesbook.runtime import fmt

    assert fmt.signed_pct(0.009) == "+0,9\u00a0%"
    assert fmt.signed_pct(-0.249) == "\u221224,9\u00a0%"  # минус U+2212, как в fmt.number
    assert fmt.signed_pct(0.0) == "0,0\u00a0%" and fmt.signed_pct(-0.00001) == "0,0\u00a0%"
    assert fmt.signed_pct(0.1234, 2) == "+12,34\u00a0%" and fmt.signed_pct(None) == "—"
    assert fmt.minutes(10) == "10\u00a0мин" and fmt.minutes(7.5, 1) == "7,5\u00a0мин"
    assert fmt.minutes(float("nan")) == "—"


DOUBLE_STOP = re.compile(r"(?:мес|дн|тыс|млн)\.\.(?!\.)")


def test_no_double_full_stop_after_substitution():
    """Вставка, которая кончается точкой («6,5 мес.»), в конце предложения даёт «мес..» — так писать нельзя."""
    problems = []
    for path in sorted((ROOT / "solutions").glob("ch*/*.ipynb")):
        text, _ = _markdown(path)
        problems += [f"{path.relative_to(ROOT)}: …{text[max(0, m.start() - 40):m.end()]}" for m in DOUBLE_STOP.finditer(text)]
    assert problems == [], "\n".join(problems)


def test_double_full_stop_is_caught():
    assert DOUBLE_STOP.search("с 6,0 до 6,5\u00a0мес..") and DOUBLE_STOP.search("за 148\u00a0дн..")
    assert not DOUBLE_STOP.search("за 6,5\u00a0мес., а не…") and not DOUBLE_STOP.search("и т. д. мес…")


def test_quarter_format():
    import pandas as pd

    from salesbook.runtime import fmt

    assert fmt.quarter("2024Q3") == "III\u00a0кв.\u00a02024" and fmt.quarter(pd.Period("2025Q1")) == "I\u00a0кв.\u00a02025"
    assert fmt.quarter("2024-07") == "—"
