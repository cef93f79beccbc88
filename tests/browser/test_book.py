"""Книга в браузере: каждая страница открывается, по-русски, без битых ссылок и ошибок JS,
решения на ней раскрываются и показывают «Верно»; поиск понимает русские словоформы;
снимки экрана для просмотра."""

from __future__ import annotations

import copy
import re
from urllib.parse import unquote, urlsplit

import pytest
from bookcheck import broken_links, english_labels, has_cyrillic
from browsersupport import HTML, NO_NETWORK, SCREENSHOTS, STATS, PageWatch, book_pages, require_browser, stat
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


#: Страница готова к проверке: событие load (скрипты и картинки разметки загружены),
#: MathJax — если он есть на странице — набрал формулы, шрифты загружены (в том числе
#: шрифты формул: раскладка страницы запрашивает их до ожидания), картинки без
#: loading=lazy декодированы. Точное условие вместо «сеть молчит 500 мс» (networkidle).
#: Возвращает ошибку MathJax или null.
_READY = """async () => {
    if (document.readyState !== 'complete') await new Promise(r => window.addEventListener('load', r, {once: true}));
    let problem = null;
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
        try { await MathJax.startup.promise; } catch (e) { problem = String(e); }
    }
    void document.body.offsetHeight;
    await document.fonts.ready;
    await Promise.all(Array.from(document.images).filter(img => img.loading !== 'lazy')
                                                  .map(img => img.decode().catch(() => {})));
    return problem;
}"""


def _load(page, url: str, watch: PageWatch | None = None, ready: bool = True) -> list[str]:
    """Открыть страницу; ``ready`` — дождаться готовности (_READY) и, если страницу слушает
    ``watch``, ответов на все её запросы. Возвращает найденные при этом проблемы."""
    page.goto(url, wait_until="load")
    return _ready(page, watch) if ready else []


def _ready(page, watch: PageWatch | None) -> list[str]:
    problems = []
    mathjax = page.evaluate(_READY)
    if mathjax:
        problems.append(f"MathJax не набрал формулы: {mathjax}")
    if watch is not None:
        problems += watch.settle()
    return problems


#: Всё, что тест страницы читает из живого DOM до нажатий, — одним запросом: заголовок,
#: язык, разметка (как page.content()), якоря, картинки (каждая загружается сразу, без
#: loading=lazy, и декодируется).
_SNAPSHOT = """async () => {
    const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '';
    const html = doctype + document.documentElement.outerHTML;
    const ids = Array.from(document.querySelectorAll('[id],a[name]')).map(e => e.id || e.getAttribute('name'));
    const images = await Promise.all(Array.from(document.images).map(async (img) => {
        img.loading = 'eager';
        try { await img.decode(); } catch (e) {}
        return {src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0};
    }));
    return {title: document.title, lang: document.documentElement.lang, html, ids, images};
}"""


def _page_of(href: str, base_url: str) -> str:
    path = urlsplit(href).path
    base = urlsplit(base_url).path
    return unquote(path[len(base):] if path.startswith(base) else path.lstrip("/"))


#: Решения до нажатия: у каждого .cell.tag_solution — есть ли <details>, <summary> и код
#: (первый <pre> в <details>), раскрыт ли блок, подписи .collapsed на кнопке. Кнопка и код
#: помечаются атрибутом data-salesbook-solution (номер решения), чтобы нажимать на кнопку
#: и проверять видимость кода средствами Playwright (его понятие «виден»).
_SOLUTIONS_BEFORE = """() => Array.from(document.querySelectorAll('.cell.tag_solution')).map((cell, i) => {
    const details = cell.querySelector('details');
    const summary = details && details.querySelector('summary');
    const code = details && details.querySelector('pre');
    for (const el of [summary, code]) if (el) el.setAttribute('data-salesbook-solution', i);
    const labels = summary ? Array.from(summary.querySelectorAll('.collapsed')).map(e => e.innerText.trim()) : [];
    return {details: !!details, summary: !!summary, code: !!code, open: !!details && details.hasAttribute('open'), labels};
})"""

#: После нажатий: подписи .expanded на кнопке и выводы проверки под каждым решением;
#: единственный вывод помечается data-salesbook-check для проверки видимости.
_SOLUTIONS_AFTER = """() => Array.from(document.querySelectorAll('.cell.tag_solution')).map((cell, i) => {
    const summary = cell.querySelector('details summary');
    const labels = summary ? Array.from(summary.querySelectorAll('.expanded')).map(e => e.innerText.trim()) : [];
    const checks = cell.querySelectorAll('.cell_output .salesbook-check');
    if (checks.length === 1) checks[0].setAttribute('data-salesbook-check', i);
    return {labels, checks: checks.length,
            cls: checks.length === 1 ? (checks[0].getAttribute('class') || '') : '',
            text: checks.length === 1 ? checks[0].innerText : ''};
})"""


def _visible(page, selector: str, attribute: str) -> set[int]:
    """Номера (значения ``attribute``) видимых элементов — по правилам Playwright, как is_visible()."""
    found = page.locator(selector).filter(visible=True).evaluate_all(f"els => els.map(e => +e.getAttribute('{attribute}'))")
    return set(found)


def _open_solutions(page, reveal_timeout: float = 5_000) -> tuple[int, list[str]]:
    """Раскрыть каждое решение на странице; вернуть число раскрытых и найденные проблемы.

    Состояние всех решений читается одним запросом до нажатий и одним после; нажатие —
    настоящий клик Playwright по каждой кнопке (видна, не перекрыта, принимает клик).
    """
    from playwright.sync_api import expect

    problems: dict[int, list[str]] = {}
    before = page.evaluate(_SOLUTIONS_BEFORE)
    codes = page.locator("pre[data-salesbook-solution]")
    visible_before = _visible(page, "pre[data-salesbook-solution]", "data-salesbook-solution")
    clicked = []
    for i, state in enumerate(before):
        n = i + 1
        found = problems.setdefault(i, [])
        if not state["details"] or not state["summary"]:
            found.append(f"решение {n}: нет свёрнутого блока <details> с кнопкой <summary>")
            continue
        if state["open"] or i in visible_before:
            found.append(f"решение {n}: раскрыто до нажатия")
        if len(state["labels"]) != 1:
            found.append(f"решение {n}: на кнопке подписей «Показать решение» — {len(state['labels'])}, а нужна одна")
        elif state["labels"][0] != "Показать решение":
            found.append(f"решение {n}: на кнопке «{state['labels'][0]}», а нужно «Показать решение»")
        page.locator(f'summary[data-salesbook-solution="{i}"]').click()
        clicked.append(i)
    with_code = sum(1 for i in clicked if before[i]["code"])
    if with_code:
        try:  # код каждого раскрытого решения показался (ждём всех сразу, до 5 с)
            expect(codes.filter(visible=True)).to_have_count(with_code, timeout=reveal_timeout)
        except AssertionError:
            pass  # какие не показались — видно ниже
    visible_after = _visible(page, "pre[data-salesbook-solution]", "data-salesbook-solution")
    after = page.evaluate(_SOLUTIONS_AFTER)
    checks_visible = _visible(page, "[data-salesbook-check]", "data-salesbook-check")
    for i in clicked:
        n, state, found = i + 1, after[i], problems[i]
        if i not in visible_after:
            found.append(f"решение {n}: по нажатию код не показался")
            continue
        if len(state["labels"]) != 1:
            found.append(f"решение {n}: на кнопке подписей «Скрыть решение» — {len(state['labels'])}, а нужна одна")
        elif state["labels"][0] != "Скрыть решение":
            found.append(f"решение {n}: после раскрытия на кнопке «{state['labels'][0]}», а нужно «Скрыть решение»")
        if state["checks"] != 1:
            found.append(f"решение {n}: под решением нет вывода проверки")
            continue
        if "salesbook-correct" not in state["cls"] or "Верно" not in state["text"] or i not in checks_visible:
            found.append(f"решение {n}: проверка не «Верно»: «{state['text'].strip()}»")
        stat("solutions_opened")
    return len(before), [p for i in sorted(problems) for p in problems[i]]


# ---------------------------------------------------------------------------
# Каждая страница
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_page(path, book_site, book_page):
    page, watch = book_page
    problems = _check_page(page, watch, book_site, path)
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def _check_page(page, watch: PageWatch, book_site, path: str, reveal_timeout: float = 5_000) -> list[str]:
    """Открыть страницу книги и проверить её; вернуть найденные проблемы."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    book_site.external_requests.clear()
    page.goto(book_site.url(path), wait_until="load")
    stat("pages")
    problems: list[str] = []

    if path == "index.html":
        # index.html книги — только перенаправление на введение
        try:
            page.wait_for_url("**/book/intro.html", timeout=5_000)
        except PlaywrightTimeoutError:
            pass
        if not page.url.endswith("/book/intro.html"):
            problems.append(f"index.html должен вести на book/intro.html, а открылся {page.url}")
    problems += _ready(page, watch)
    snapshot = page.evaluate(_SNAPSHOT)

    # заголовок окна: своя часть по-русски, в конце — название книги
    title = snapshot["title"]
    own = re.split(r" [—-] ", title)[0]
    if not has_cyrillic(own):
        problems.append(f"заголовок страницы не по-русски: «{title}»")
    if not title.endswith(BOOK_TITLE):
        problems.append(f"в заголовке нет названия книги: «{title}»")
    if snapshot["lang"] != "ru":
        problems.append(f"<html lang> = {snapshot['lang']!r}, а нужен ru")

    # битые внутренние ссылки и якоря (по живому DOM — вместе со ссылками, которые добавил JS)
    soup = BeautifulSoup(snapshot["html"], "html.parser")
    final_path = _page_of(page.url, book_site.base_url)
    links = broken_links(soup, final_path, HTML, book_site.base_url, page_ids=set(snapshot["ids"]))
    stat("internal_links", links.internal)
    stat("external_links", links.external)
    problems += [f"битая ссылка: {b}" for b in links.broken]

    # картинки: каждая загрузилась и имеет размер
    images = snapshot["images"]
    stat("images", len(images))
    problems += [f"картинка не загрузилась: {i['src']}" for i in images if not i["ok"]]

    # английские подписи интерфейса
    stat("ui_labels_checked")
    problems += [f"английская подпись: {label}" for label in english_labels(soup)]

    # решения: свёрнуты, раскрываются по нажатию, под ними — выполненная проверка «Верно»
    opened, solution_problems = _open_solutions(page, reveal_timeout)
    problems += solution_problems
    if path == SECTION and not opened:
        problems.append("в образцовом разделе нет свёрнутых решений (.cell.tag_solution)")

    # ошибки JS, консоли и загрузки — кроме явно разрешённых (bookcheck.ALLOWED_BROWSER_ERRORS)
    problems += watch.settle()
    problems += watch.problems()
    problems += [f"страница обращается в сеть (книга должна работать без неё): {u}" for u in book_site.external_requests]
    return problems


def _defective_section() -> str:
    """Образцовый раздел с заложенными поломками: по одной на каждую проверку страницы и решений."""
    soup = BeautifulSoup((HTML / SECTION).read_text(encoding="utf-8"), "html.parser")
    soup.html["lang"] = "en"
    soup.title.string = "Customer acquisition cost"
    cells = soup.select(".cell.tag_solution")
    while len(cells) < 9:  # поломок решений больше, чем решений в разделе: копии первого
        cells[-1].insert_after(copy.copy(cells[0]))
        cells = soup.select(".cell.tag_solution")
    for i, cell in enumerate(cells, 1):
        cell["data-defect"] = str(i)
    cells[0].details["open"] = ""                                              # 1: раскрыто сразу
    cells[1].select_one(".collapsed").string = "Show solution"                 # 2: подпись по-английски
    cells[3].select_one(".expanded").string = "Hide solution"                  # 4: подпись после раскрытия
    cells[5].select_one(".salesbook-check").decompose()                        # 6: нет вывода проверки
    check = cells[6].select_one(".salesbook-check")                            # 7: проверка не «Верно» (класс)
    check["class"] = ["salesbook-check", "salesbook-incorrect"]
    cells[7].select_one(".salesbook-check strong").string = "Неверно."        # 8: проверка не «Верно» (текст)
    cells[8].details.decompose()                                               # 9: нет <details>
    style = soup.new_tag("style")
    style.string = ('[data-defect="3"] pre { display: none; }'                  # 3: код не показался
                    '[data-defect="5"] .salesbook-check { visibility: hidden; }')  # 5: вывод проверки не виден
    soup.head.append(style)
    article = soup.select_one("article")
    for src in ("../../_images/missing.png", "https://example.com/outside.png"):  # битая картинка, обращение в сеть
        article.append(soup.new_tag("img", attrs={"src": src}))
    article.append(soup.new_tag("a", attrs={"href": "1_1_2_ltv.html#no-such-anchor"}))
    script = soup.new_tag("script")  # набор формул завершился ошибкой
    script.string = ("window.addEventListener('load', () => { const p = Promise.reject(new Error('сбой набора'));"
                     " p.catch(() => {}); MathJax.startup.promise = p; });")
    soup.body.append(script)
    return str(soup)


def test_page_checks_report_defects(book_site, book_page):
    """Проверки страницы сами проверены: на разделе с заложенными поломками каждая сообщает о своей."""
    page, watch = book_page
    html = _defective_section()
    page.route(book_site.url(SECTION), lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    saved = dict(STATS)
    try:
        problems = _check_page(page, watch, book_site, SECTION, reveal_timeout=1_000)  # код 1 и 3 не покажется
    finally:  # сводка прогона — только о настоящих страницах
        STATS.clear()
        STATS.update(saved)
    expected = [
        "MathJax не набрал формулы: Error: сбой набора",
        "заголовок страницы не по-русски: «Customer acquisition cost»",
        "в заголовке нет названия книги: «Customer acquisition cost»",
        "<html lang> = 'en', а нужен ru",
        f"битая ссылка: {SECTION}: <a> 1_1_2_ltv.html#no-such-anchor — на странице нет якоря #no-such-anchor",
        f"битая ссылка: {SECTION}: <img> ../../_images/missing.png — нет такого файла",
        "картинка не загрузилась: ../../_images/missing.png",
        "картинка не загрузилась: https://example.com/outside.png",
        "английская подпись: p.collapsed.admonition-title < summary < details.admonition.hide: «Show solution»",
        "английская подпись: p.expanded.admonition-title < summary < details.admonition.hide: «Hide solution»",
        "request: 404 (http://127.0.0.1",
        "страница обращается в сеть (книга должна работать без неё): https://example.com/outside.png",
    ]
    missing = [m for m in expected if not any(p.startswith(m) for p in problems)]
    # внешний запрос не только записан, но и не дошёл до сети
    assert book_site.external_failures.get("https://example.com/outside.png") == NO_NETWORK, book_site.external_failures
    assert not missing, "проверки не заметили поломок:\n  " + "\n  ".join(missing) + "\nнайдено:\n  " + "\n  ".join(problems)
    # решения: ровно эти сообщения, по порядку; у решений без поломок (10 и дальше нет) — ничего
    solutions = [p for p in problems if p.startswith("решение ")]
    expected_solutions = [
        "решение 1: раскрыто до нажатия",
        "решение 1: по нажатию код не показался",   # нажатие закрыло раскрытый блок
        "решение 2: на кнопке «Show solution», а нужно «Показать решение»",
        "решение 3: по нажатию код не показался",
        "решение 4: после раскрытия на кнопке «Hide solution», а нужно «Скрыть решение»",
        "решение 5: проверка не «Верно»: «»",      # скрытый вывод: innerText пуст
        "решение 6: под решением нет вывода проверки",
        "решение 7: проверка не «Верно»: «✅ Верно.",
        "решение 8: проверка не «Верно»: «Неверно.",
        "решение 9: нет свёрнутого блока <details> с кнопкой <summary>",
    ]
    assert len(solutions) == len(expected_solutions) and all(
        p.startswith(e) for p, e in zip(solutions, expected_solutions)
    ), "сообщения о решениях:\n  " + "\n  ".join(solutions)


def test_unanswered_request_is_reported(book_site, book_page):
    """Готовность страницы включает ответы на все её запросы: запрос без ответа — проблема."""
    page, watch = book_page
    held = []
    page.route(book_site.url("never"), lambda route: held.append(route))  # сервер «не отвечает»: запрос висит, пока тест его держит
    page.route(book_site.url("blank.html"), lambda route: route.fulfill(body="<html lang=ru><body></body></html>", content_type="text/html"))
    page.goto(book_site.url("blank.html"), wait_until="load")
    with page.expect_request(book_site.url("never")):  # запрос начат — PageWatch его видел
        page.evaluate("() => { fetch('/never').catch(() => {}); }")
    try:
        assert watch.settle(timeout=0.5) == [f"запрос без ответа за 0.5 с: {book_site.url('never')}"]
    finally:
        for route in held:
            route.abort()


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
    _load(page, book_site.url("search.html"), ready=False)
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
    _load(page, book_site.url("book/intro.html"), ready=False)
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
