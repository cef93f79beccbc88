"""Проверки браузерных тестов сами проверены: на синтетической странице с английской
подписью и битой ссылкой детекторы из tests/browser/bookcheck.py обязаны сработать,
а на чистой русской странице — промолчать. Браузер для этого не нужен."""

import importlib.util
import sys
from pathlib import Path

import pytest

# tests/browser не собирается обычным прогоном, поэтому модуль проверок загружается по пути.
_SPEC = importlib.util.spec_from_file_location("browser_bookcheck", Path(__file__).parent / "browser" / "bookcheck.py")
bookcheck = sys.modules.setdefault("browser_bookcheck", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(bookcheck)

PAGE = """<!DOCTYPE html>
<html lang="ru"><head><title>Раздел — Энциклопедия продаж IT-продуктов</title>
<link rel="stylesheet" href="../_static/theme.css"></head>
<body>
  <a class="skip-link" href="#main-content">{skip}</a>
  <header class="bd-header">
    <button class="search-button" title="Поиск" aria-label="Поиск"><span>Поиск</span> <kbd>Ctrl</kbd>+<kbd>K</kbd></button>
    <button class="theme-switch" aria-label="{theme}"></button>
  </header>
  <nav class="bd-docs-nav" aria-label="Основное меню">
    <p class="caption"><span class="caption-text">Customer Success</span></p>
    <ul class="bd-sidenav"><li><a class="reference internal" href="section.html">1.1.1. CAC: стоимость привлечения клиента</a></li>
        <li><a class="reference internal" href="{nav_link}">SPIN Selling</a></li></ul>
  </nav>
  <main id="main-content">
    <article class="bd-article">
      <h1 id="top">Раздел про CAC и Customer Success<a class="headerlink" href="#top" title="Ссылка на этот заголовок">#</a></h1>
      <p>Текст авторов: Pacific Crest, SaaS Metrics 2.0 — это не интерфейс.
         <a class="reference internal" href="#top" title="David Skok. SaaS Metrics 2.0">[Skok, 2013]</a></p>
      <img src="{image}" alt="../_images/chart.png">
      <div class="exercise admonition"><p class="admonition-title"><span class="caption-number">{exercise} 1 </span> (Полный CAC)</p></div>
      <div class="cell tag_solution"><details class="admonition hide above-input"><summary aria-label="Показать или скрыть">
        <p class="collapsed admonition-title">{show}</p><p class="expanded admonition-title">Скрыть решение</p></summary>
        <pre><code>print("Back to top")  # код не проверяется</code></pre></details></div>
      <div class="admonition note"><p class="admonition-title">{note}</p><p>Заметка авторов.</p></div>
      <div class="solution admonition"><p class="admonition-title">{solution} <a class="reference internal" href="#top">{exercise} 1</a></p></div>
      <details class="sd-dropdown"><summary>Разбор: SPIN Selling на примере</summary><p>Текст авторов.</p></details>
      <p><a href="https://mybinder.org/v2/gh/x">Binder</a> <a href="mailto:a@b.c">почта</a></p>
    </article>
    <footer class="prev-next-area"><a class="left-prev" href="intro.html"><p class="prev-next-subtitle">{prev}</p>
      <p class="prev-next-title">Introduction to SaaS</p></a></footer>
  </main>
  <footer class="bd-footer"><p class="component-author">{author}</p><p class="copyright">© Копирайт 2026, авторы курса.</p></footer>
  <script>const label = "Search this book...";</script>
</body></html>
"""

RUSSIAN = dict(
    skip="Перейти к основному содержанию", theme="Тема оформления", nav_link="other.html", image="../_images/chart.png",
    exercise="Упражнение", solution="Решение к", show="Показать решение", note="Заметка", prev="назад", author="Автор: Авторы курса",
)


def page(**changes):
    return PAGE.format(**{**RUSSIAN, **changes})


@pytest.fixture
def site(tmp_path):
    """Мини-сайт: book/section.html (проверяемая страница) и несколько соседних файлов."""
    (tmp_path / "book").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "_images").mkdir()
    (tmp_path / "_static" / "theme.css").write_text("body{}")
    (tmp_path / "_images" / "chart.png").write_bytes(b"\x89PNG")
    (tmp_path / "book" / "intro.html").write_text('<html><body><h1 id="intro">Введение</h1></body></html>', encoding="utf-8")
    (tmp_path / "book" / "other.html").write_text('<html><body><h1 id="other">Другая</h1></body></html>', encoding="utf-8")
    (tmp_path / "book" / "section.html").write_text(page(), encoding="utf-8")
    return tmp_path


# --- английские подписи -------------------------------------------------------


def test_russian_page_has_no_english_labels():
    assert bookcheck.english_labels(page()) == []


@pytest.mark.parametrize(
    "field,english,word",
    [
        ("skip", "Skip to main content", "Skip"),
        ("theme", "Color mode", "Color"),
        ("show", "Show code cell source", "Show"),
        ("solution", "Solution to", "Solution"),
        ("note", "Note", "Note"),
        ("prev", "previous", "previous"),
        ("author", "By Авторы курса", "By"),
    ],
)
def test_english_label_is_flagged(field, english, word):
    labels = bookcheck.english_labels(page(**{field: english}))
    assert len(labels) == 1, labels
    assert word in labels[0].words
    assert english.split()[0] in labels[0].text


def test_exercise_caption_is_checked_in_heading_and_solution_link():
    labels = bookcheck.english_labels(page(exercise="Exercise"))
    assert [label.words for label in labels] == [("Exercise",), ("Exercise",)]  # «Упражнение 1» и «Решение к Упражнение 1»


@pytest.mark.parametrize("title,flagged", [
    ("Упражнение 3. Payback Period по когортам", []),   # название пишет автор
    ("Exercise 3. Срок окупаемости", ["Exercise"]),      # номер ставит книга
])
def test_exercise_title_without_caption_number(title, flagged):
    html = f'<html><body><article><div class="exercise admonition"><p class="admonition-title">{title}</p></div></article></body></html>'
    assert [w for label in bookcheck.english_labels(html) for w in label.words] == flagged


def test_author_text_code_and_allowed_terms_are_not_labels():
    # В странице выше есть «Customer Success», «SPIN Selling», «Pacific Crest» (текст авторов),
    # «Back to top» в коде и скрипте, Ctrl и Binder из списка допустимых — ничего из этого не подпись.
    assert bookcheck.english_words("Открыть в Binder, Ctrl+K, .ipynb, CAC и LTV") == []
    assert bookcheck.english_words("../../_images/d114.png https://mybinder.org/v2") == []
    assert bookcheck.english_words("Back to top") == ["Back", "to", "top"]


def test_every_allowed_word_has_a_reason():
    assert all(reason.strip() for reason in bookcheck.ALLOWED_WORDS.values())
    assert all(rule.reason.strip() for rule in bookcheck.ALLOWED_BROWSER_ERRORS)


# --- битые ссылки ------------------------------------------------------------


def test_clean_page_has_no_broken_links(site):
    report = bookcheck.broken_links(page(), "book/section.html", site)
    assert report.broken == []
    assert report.internal >= 5
    assert report.external == 1  # Binder; mailto не считается


@pytest.mark.parametrize(
    "changes,problem",
    [
        ({"nav_link": "missing.html"}, "нет такого файла"),
        ({"nav_link": "other.html#no-such-anchor"}, "на странице нет якоря #no-such-anchor"),
        ({"nav_link": "#nowhere"}, "на странице нет якоря #nowhere"),
        ({"nav_link": "../../outside.html"}, "ведёт за пределы книги"),
        ({"image": "../_images/missing.png"}, "нет такого файла"),
    ],
)
def test_broken_link_is_flagged(site, changes, problem):
    report = bookcheck.broken_links(page(**changes), "book/section.html", site)
    assert [b.problem for b in report.broken] == [problem], report.broken
    url = next(iter(changes.values()))
    assert report.broken[0].url == url
    assert url in str(report.broken[0])


def test_absolute_link_to_own_server_is_internal(site):
    html = '<html><body><a href="http://127.0.0.1:8000/book/gone.html">x</a><a href="http://127.0.0.1:8000/book/intro.html#intro">y</a></body></html>'
    report = bookcheck.broken_links(html, "book/section.html", site, base_url="http://127.0.0.1:8000/")
    assert [b.url for b in report.broken] == ["http://127.0.0.1:8000/book/gone.html"]
    assert report.internal == 2 and report.external == 0


def test_anchors_are_ids_and_link_names_as_beautifulsoup_sees_them(tmp_path):
    """Якоря целевой страницы: id любого тега и name у <a>; не из комментариев и скриптов."""
    html = """<html><body><h1 id="top">Заголовок</h1><a name="old-anchor">x</a><span name="not-anchor"></span>
      <!-- <div id="in-comment"></div> --><script>const s = '<p id="in-script">';</script>
      <p id="first" id="second">повтор атрибута</p><a id="both" name="both-name"></a><IMG ID="upper"><br id="void"/></body></html>"""
    target = tmp_path / "page.html"
    target.write_text(html, encoding="utf-8")
    soup = bookcheck.BeautifulSoup(html, "html.parser")
    reference = {t["id"] for t in soup.find_all(id=True)} | {t["name"] for t in soup.find_all("a", attrs={"name": True})}
    assert bookcheck.anchors_of(target) == reference == {"top", "old-anchor", "second", "upper", "void", "both", "both-name"}


# --- разрешённые сообщения браузера --------------------------------------------


def test_only_listed_browser_errors_are_allowed():
    assert bookcheck.is_allowed_browser_error("pageerror", "Identifier 'THEBE_JS_URL' has already been declared")
    assert bookcheck.is_allowed_browser_error(
        "console", "Failed to load resource: the server responded with a status of 404 (File not found)", "http://127.0.0.1:1/favicon.ico"
    )
    # та же 404, но на нашей картинке — ошибка
    assert not bookcheck.is_allowed_browser_error(
        "console", "Failed to load resource: the server responded with a status of 404 (File not found)", "http://127.0.0.1:1/_images/a.png"
    )
    assert not bookcheck.is_allowed_browser_error("pageerror", "TypeError: x is undefined")
