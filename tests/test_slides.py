"""Слайды раздела: собираются из исходника и исполненной тетради, открываются без сети."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from salesbook import cli
from salesbook.authoring import slides

ROOT = Path(__file__).resolve().parents[1]

# PNG 1×1 — «график» исполненной тетради
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201e3c2a5de0000000049454e44ae426082"
)).decode()

SOURCE = """\
---
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
# 99.1. Окупаемость: учебный раздел

**Что вы узнаете**

- как считать окупаемость CAC по валовой прибыли;
- почему окупаемость на выручке короче настоящей.

**Время:** 60–80 минут. **Данные:** `mrr`.

```{code-cell} ipython3
:tags: [setup, remove-cell]
x = 1
```

## Формула окупаемости

Окупаемость — сколько месяцев валовая прибыль клиента возвращает его {term}`CAC`. Это второе предложение.

$$
\\text{окупаемость} = \\frac{\\text{CAC}}{\\text{MRR} \\times \\text{маржа}}
$$

```{code-cell} ipython3
plot()
```

```{code-cell} ipython3
:tags: [glue, remove-cell]
glue()
```

## Итоги

- Окупаемость считают на валовой прибыли. Второе предложение не нужно.

## Упражнения

:::{exercise} Посчитать окупаемость
:label: ch99-demo-ex1
Посчитайте окупаемость.
:::

```{code-cell} ipython3
:tags: [solution, hide-input]
:exercise: ch99.demo.q1
a = 1  # ___
```

:::{exercise} Какой CAC может позволить себе SMB
:label: ch99-demo-ex2
Совет директоров требует окупаемости за {glue:text}`payback_limit.smb.2025`. Запишите максимальный CAC в `max_cac`.
:::

```{code-cell} ipython3
:tags: [solution, hide-input]
:exercise: ch99.demo.q2
max_cac = 1  # ___
```
"""


@pytest.fixture
def demo(tmp_path):
    source = tmp_path / "book" / "ch99" / "99_1_demo.md"
    source.parent.mkdir(parents=True)
    source.write_text(SOURCE, encoding="utf-8")
    values = tmp_path / "book" / "_glue" / "ch99" / "99_1_demo.json"
    values.parent.mkdir(parents=True)
    values.write_text('{"payback_limit.smb.2025": {"text": "12\u00a0мес.", "value": 12}}\n', encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/ch99/99_1_demo\n", encoding="utf-8")
    nb = jupytext.read(source, fmt="md:myst")
    plot = next(c for c in nb.cells if c.cell_type == "code" and c.source == "plot()")
    plot.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]
    hidden = next(c for c in nb.cells if c.cell_type == "code" and c.source == "glue()")
    hidden.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "c2tpcA=="})]
    return tmp_path, source, nb


def test_deck_has_title_formula_plot_decision_and_questions(demo):
    root, source, nb = demo
    deck = slides.build_deck(source, nb, root, ["Что вы скажете финансовому директору о «Сфере Софт»?",
                                                "Окупаемость за {glue:text}`payback_limit.smb.2025` — много?"])
    assert "<title>99.1. Окупаемость: учебный раздел — слайды — Энциклопедия продаж IT-продуктов</title>" in deck
    assert '<html lang="ru">' in deck
    assert "Время: 60–80 минут · упражнений: 2" in deck
    assert "как считать окупаемость CAC по валовой прибыли" in deck
    # формула исходника — для MathJax, без искажений Markdown
    assert "\\[\\text{окупаемость} = \\frac{\\text{CAC}}{\\text{MRR} \\times \\text{маржа}}\\]" in deck
    # первая мысль подраздела — с расшифрованной ролью {term}
    assert "возвращает его CAC. Это второе предложение." in deck
    # график — из исполненной тетради; скрытая ячейка не попадает
    assert slides.deck_images(deck) == [base64.b64decode(PNG)]
    # решение руководителя — последнее упражнение, с числом из book/_glue
    assert "Решение руководителя · упражнение 2 · в тетради <code class=\"object\">q2.check()</code>" in deck and "Какой CAC может позволить себе SMB" in deck
    assert "окупаемости за 12\u00a0мес." in deck and "<code>max_cac</code>" in deck
    assert "Посчитать окупаемость" not in deck
    assert "Вопросы для обсуждения" in deck and "о «Сфере Софт»?" in deck
    assert "Окупаемость за 12\u00a0мес. — много?" in deck    # число вопроса — из book/_glue, как в тексте
    assert "Второе предложение не нужно" not in deck   # итоги — по первому предложению
    assert "{term}" not in deck and "{glue" not in deck


def test_a_question_with_an_unknown_value_is_named(demo):
    root, source, nb = demo
    with pytest.raises(slides.SlidesError, match="nothing.smb.2025"):
        slides.build_deck(source, nb, root, ["Сколько — {glue:text}`nothing.smb.2025`?"])


def test_deck_loads_nothing_from_the_network(demo):
    root, source, nb = demo
    deck = slides.build_deck(source, nb, root, [])
    loaded = re.findall(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="([^"]+)"', deck)
    assert loaded and not [u for u in loaded if re.match(r"(https?:)?//", u)]
    assert "Вопросы для обсуждения" not in deck      # раздела нет в программах — слайда нет


def test_assets_come_from_the_pinned_packages(tmp_path):
    slides.copy_assets(tmp_path)
    reveal = (tmp_path / "_assets" / "reveal" / "reveal.js").read_text(encoding="utf-8")
    assert reveal.startswith("/*!\n * reveal.js 5.2.0")   # sphinx-revealjs==3.2.1 в requirements.txt
    assert "sphinx-revealjs==3.2.1" in (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert (tmp_path / "_assets" / "mathjax" / "tex-svg.js").stat().st_size > 1_000_000
    for css in (tmp_path / "_assets").rglob("*.css"):
        imports = re.findall(r"@import\s+url\(([^)]+)\)|url\((https?:[^)]+)\)", css.read_text(encoding="utf-8"))
        assert not [u for pair in imports for u in pair if u.startswith("http")], css


def test_markdown_keeps_tex_intact():
    html = slides.to_html("Доля $p_1 - p_2$ и *важно*:\n\n$$\na_{i} * b_{j} < c\n$$")
    assert "\\(p_1 - p_2\\)" in html and "<em>важно</em>" in html
    assert "\\[a_{i} * b_{j} &lt; c\\]" in html


def test_cli_names_a_missing_section_in_russian(capsys):
    assert cli.main(["slides", "9_9_nothing", "--out", "/nonexistent"]) == 1
    assert "Раздела «9_9_nothing» нет в _toc.yml" in capsys.readouterr().err


def test_cli_without_an_executed_book_says_what_to_do(demo, capsys):
    root, _, _ = demo
    assert cli.main(["slides", "--root", str(root), "--out", str(root / "out")]) == 1
    assert "make book" in capsys.readouterr().err


def _cache(root, source, nb):
    """Кэш исполнения книги с одной записью — как после salesbook book-exec."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    from salesbook.authoring.bookexec import read_as_book

    executed = read_as_book(source, root)
    for cell, done in zip((c for c in executed.cells if c.cell_type == "code"),
                          (c for c in nb.cells if c.cell_type == "code")):
        cell.outputs = done.outputs
    get_cache(str(root / "_build" / ".jupyter_cache")).cache_notebook_bundle(
        CacheBundleIn(executed, str(source)), check_validity=False, overwrite=True)


def test_only_decks_whose_inputs_changed_are_rebuilt(demo):
    """Правка одного раздела пересобирает его колоду, а не все: отпечаток входов — в самой колоде."""
    root, source, nb = demo
    _cache(root, source, nb)
    out = root / "out"
    (deck,) = slides.build_decks(root, out)
    first = deck.read_text(encoding="utf-8")
    assert slides.deck_images(first) == [base64.b64decode(PNG)]
    assert slides.build_decks(root, out) == []                          # ничего не менялось
    assert slides.build_decks(root, out, force=True) == [deck]          # --all
    assert deck.read_text(encoding="utf-8") == first                    # та же колода, байт в байт
    values = root / "book" / "_glue" / "ch99" / "99_1_demo.json"
    values.write_text('{"payback_limit.smb.2025": {"text": "18\u00a0мес.", "value": 18}}\n', encoding="utf-8")
    assert slides.build_decks(root, out) == [deck]                      # число из book/_glue сдвинулось
    assert "окупаемости за 18\u00a0мес." in deck.read_text(encoding="utf-8")
    source.write_text(source.read_text(encoding="utf-8").replace("Это второе предложение.", "Это другое."),
                      encoding="utf-8")
    assert slides.build_decks(root, out) == [deck]                      # правка текста: код тот же, кэш годится
    assert "Это другое." in deck.read_text(encoding="utf-8")
