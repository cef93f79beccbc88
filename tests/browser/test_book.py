"""Книга в браузере: каждая страница открывается, по-русски, без битых ссылок и ошибок JS,
решения на ней раскрываются и показывают «Верно»; поиск понимает русские словоформы;
снимки экрана для просмотра."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest
from bookcheck import broken_links, english_labels, has_cyrillic
from browsersupport import HTML, SCREENSHOTS, PageWatch, book_pages, require_browser, stat
from bs4 import BeautifulSoup

require_browser(module_level=True)  # без Chromium — один понятный пропуск на модуль

BOOK_TITLE = "Энциклопедия продаж IT-продуктов"
SECTION = "book/ch01/1_1_1_cac.html"   # первый раздел курса — образец для остальных
DATA = "book/data.html"
PAGES = book_pages() or ["book/intro.html"]  # без собранной книги фикстура book_site объяснит, что делать

#: Запрос → страницы, которые обязаны найтись. Формы слова разные: поиск должен
#: находить страницу по любой из них (русский стеммер Sphinx).
SEARCHES = [
    ("клиент", {SECTION}),
    ("клиентов", {SECTION}),
    ("клиентах", {SECTION}),   # такой формы в тексте раздела нет — найдётся только через основу
    ("воронка", {SECTION, DATA}),
    ("воронки", {SECTION, DATA}),
    ("воронкой", {SECTION, DATA}),  # тоже только через основу
    ("затратах", {SECTION}),
]

#: Формы, которые стеммер должен сводить к одной основе.
SAME_STEM = [("клиент", "клиентов", "клиентах", "клиентами"), ("воронка", "воронки", "воронкой", "воронку")]


def _load(page, url: str, idle: bool = True) -> None:
    """Открыть страницу; ``idle`` — дождаться, пока затихнет сеть (асинхронные скрипты, MathJax)."""
    page.goto(url, wait_until="load")
    if idle:
        page.wait_for_load_state("networkidle")


def _page_of(href: str, base_url: str) -> str:
    path = urlsplit(href).path
    base = urlsplit(base_url).path
    return unquote(path[len(base):] if path.startswith(base) else path.lstrip("/"))


def _open_solutions(page) -> tuple[int, list[str]]:
    """Раскрыть каждое решение на странице; вернуть число раскрытых и найденные проблемы."""
    problems = []
    cells = page.locator(".cell.tag_solution")
    count = cells.count()
    for i in range(count):
        n = i + 1
        cell = cells.nth(i)
        details = cell.locator("details").first
        summary = details.locator("summary")
        code = details.locator("pre").first
        if details.get_attribute("open") is not None or code.is_visible():
            problems.append(f"решение {n}: раскрыто до нажатия")
        label = summary.locator(".collapsed").inner_text().strip()
        if label != "Показать решение":
            problems.append(f"решение {n}: на кнопке «{label}», а нужно «Показать решение»")
        summary.scroll_into_view_if_needed()
        summary.click()
        try:
            code.wait_for(state="visible", timeout=5_000)
        except Exception:  # noqa: BLE001
            problems.append(f"решение {n}: по нажатию код не показался")
            continue
        label = summary.locator(".expanded").inner_text().strip()
        if label != "Скрыть решение":
            problems.append(f"решение {n}: после раскрытия на кнопке «{label}», а нужно «Скрыть решение»")
        checks = cell.locator(".cell_output .salesbook-check")
        if checks.count() != 1:
            problems.append(f"решение {n}: под решением нет вывода проверки")
            continue
        text = checks.inner_text()
        if "salesbook-correct" not in (checks.get_attribute("class") or "") or "Верно" not in text or not checks.is_visible():
            problems.append(f"решение {n}: проверка не «Верно»: «{text.strip()}»")
        stat("solutions_opened")
    return count, problems


# ---------------------------------------------------------------------------
# Каждая страница
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_page(path, book_site, book_page):
    page, watch = book_page
    book_site.external_requests.clear()
    _load(page, book_site.url(path))
    stat("pages")
    problems: list[str] = []

    if path == "index.html":
        # index.html книги — только перенаправление на введение
        if not page.url.endswith("/book/intro.html"):
            problems.append(f"index.html должен вести на book/intro.html, а открылся {page.url}")

    # заголовок окна: своя часть по-русски, в конце — название книги
    title = page.title()
    own = re.split(r" [—-] ", title)[0]
    if not has_cyrillic(own):
        problems.append(f"заголовок страницы не по-русски: «{title}»")
    if not title.endswith(BOOK_TITLE):
        problems.append(f"в заголовке нет названия книги: «{title}»")
    if page.evaluate("document.documentElement.lang") != "ru":
        problems.append(f"<html lang> = {page.evaluate('document.documentElement.lang')!r}, а нужен ru")

    # битые внутренние ссылки и якоря (по живому DOM — вместе со ссылками, которые добавил JS)
    soup = BeautifulSoup(page.content(), "html.parser")
    final_path = _page_of(page.url, book_site.base_url)
    ids = set(page.evaluate("Array.from(document.querySelectorAll('[id],a[name]')).map(e => e.id || e.getAttribute('name'))"))
    links = broken_links(soup, final_path, HTML, book_site.base_url, page_ids=ids)
    stat("internal_links", links.internal)
    stat("external_links", links.external)
    problems += [f"битая ссылка: {b}" for b in links.broken]

    # картинки: каждая загрузилась и имеет размер
    images = page.evaluate(
        """async () => Promise.all(Array.from(document.images).map(async (img) => {
            img.loading = 'eager';
            try { await img.decode(); } catch (e) {}
            return {src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0};
        }))"""
    )
    stat("images", len(images))
    problems += [f"картинка не загрузилась: {i['src']}" for i in images if not i["ok"]]

    # английские подписи интерфейса
    stat("ui_labels_checked")
    problems += [f"английская подпись: {label}" for label in english_labels(soup)]

    # решения: свёрнуты, раскрываются по нажатию, под ними — выполненная проверка «Верно»
    opened, solution_problems = _open_solutions(page)
    problems += solution_problems
    if path == SECTION and not opened:
        problems.append("в образцовом разделе нет свёрнутых решений (.cell.tag_solution)")

    # ошибки JS, консоли и загрузки — кроме явно разрешённых (bookcheck.ALLOWED_BROWSER_ERRORS)
    problems += watch.problems()
    problems += [f"страница обращается в сеть (книга должна работать без неё): {u}" for u in book_site.external_requests]

    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


# ---------------------------------------------------------------------------
# Поиск
# ---------------------------------------------------------------------------


_SUMMARY_READY = """() => { const s = document.querySelector('#search-results p.search-summary');
                            return s !== null && s.innerText.trim().length > 0; }"""


@pytest.fixture(scope="module")
def search_page(book_context, book_site):
    """Одна вкладка со страницей поиска на все запросы: каждый вводится в её поле, как это делает читатель."""
    page = book_context.new_page()
    watch = PageWatch(page, book_site.base_url)
    _load(page, book_site.url("search.html"), idle=False)
    yield page, watch
    page.close()


def _search(page, query: str, base_url: str) -> tuple[list[str], str]:
    """Ввести запрос в поле страницы поиска, дождаться итога; вернуть найденные страницы и итоговую строку."""
    field = page.locator(".bd-search-container input[name=q]")
    field.fill(query)
    field.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q="))
    page.wait_for_function(_SUMMARY_READY)
    found = page.eval_on_selector_all("#search-results ul.search li > a", "els => els.map(a => a.href)")
    stat("searches")
    return sorted({_page_of(h, base_url) for h in found}), page.locator("#search-results p.search-summary").inner_text().strip()


@pytest.mark.parametrize("query,expected", SEARCHES, ids=[q for q, _ in SEARCHES])
def test_search_finds_word_forms(query, expected, book_site, search_page):
    page, watch = search_page
    watch.clear()
    found, summary = _search(page, query, book_site.base_url)
    missing = sorted(expected - set(found))
    assert not missing, f"поиск «{query}» не нашёл {missing}; нашёл: {found}"
    assert re.fullmatch(r"Поиск завершён, найдено страниц: \d+\.", summary), f"итог поиска не по-русски: «{summary}»"
    labels = english_labels(page.content())
    assert not labels, "английские подписи на странице результатов:\n  " + "\n  ".join(map(str, labels))
    assert not watch.problems(), watch.problems()


def test_search_uses_russian_stemmer(book_site, search_page):
    page, _ = search_page
    for forms in SAME_STEM:
        stems = page.evaluate("forms => forms.map(f => new Stemmer().stemWord(f))", list(forms))
        assert len(set(stems)) == 1, f"стеммер страницы поиска не свёл формы к одной основе: {dict(zip(forms, stems))}"


def test_search_from_header_and_no_results_message(book_site, book_page):
    page, watch = book_page
    _load(page, book_site.url("book/intro.html"), idle=False)
    page.locator("button.search-button__button:visible").first.click()
    dialog_field = page.locator("#pst-search-dialog input[name=q]")
    dialog_field.wait_for(state="visible")
    dialog_field.fill("абырвалгщ")
    dialog_field.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q="))
    page.wait_for_function(_SUMMARY_READY)
    stat("searches")
    heading = page.locator("#search-results h2").inner_text().strip()
    summary = page.locator("#search-results p.search-summary").inner_text().strip()
    assert heading == "Результаты поиска", heading
    assert summary.startswith("По вашему поиску не найдено"), summary
    assert not watch.problems(), watch.problems()


# ---------------------------------------------------------------------------
# Снимки экрана для просмотра
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name,path", [("intro", "book/intro.html"), ("section", SECTION)])
@pytest.mark.parametrize("width", [1280, 390])
def test_screenshot(name, path, width, book_site, book_context, phone_context):
    context = book_context if width == 1280 else phone_context
    page = context.new_page()
    try:
        _load(page, book_site.url(path))
        page.evaluate("document.fonts.ready")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(target))
        stat("screenshots")
        assert target.stat().st_size > 10_000, f"снимок {target} подозрительно мал"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} шире экрана {width} px на {overflow} px: появится горизонтальная прокрутка"
    finally:
        page.close()


def test_quiz_gives_feedback_on_click(book_site, book_page):
    """Квиз раздела работает в статической книге: клик по варианту показывает отзыв именно к нему."""
    from salesbook.exercises.ch01_cac import quiz

    page, _ = book_page
    _load(page, book_site.url(SECTION))
    block = page.locator(".salesbook-quiz").first
    assert block.count() == 1, "на странице раздела нет квиза"
    first_question = quiz.questions[0]
    wrong = next(i for i, o in enumerate(first_question.options) if not o.correct)
    right = next(i for i, o in enumerate(first_question.options) if o.correct)
    labels = block.locator(".q").first.locator("label.opt")
    assert labels.count() == len(first_question.options)
    feedback = labels.nth(wrong).locator(".fb")
    assert not feedback.is_visible(), "отзыв виден до выбора варианта"
    labels.nth(wrong).click()
    assert feedback.is_visible(), "после клика по варианту отзыв не появился"
    assert "Неверно" in feedback.inner_text() and first_question.options[wrong].feedback[:30] in feedback.inner_text()
    labels.nth(right).click()
    assert not feedback.is_visible(), "отзыв к прежнему варианту не скрылся после выбора другого"
    assert "Верно" in labels.nth(right).locator(".fb").inner_text()
