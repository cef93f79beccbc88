"""Слайды раздела в Chromium: формулы набраны MathJax с диска, графики на месте, сеть не нужна."""

from __future__ import annotations

import pytest
from browsersupport import HTML, SCREENSHOTS, stat

DECK = "slides/ch01/1_1_1_cac.html"     # образцовый раздел — как в test_book.py
FROM_PAGE = "book/facilitator/one_day.html"


@pytest.fixture
def deck(book_site, book_page):
    if not (HTML / DECK).is_file():
        pytest.fail(f"Нет {DECK}: слайды собирает make book (или make slides после сборки книги).", pytrace=False)
    page, watch = book_page
    book_site.external_requests.clear()
    page.goto(book_site.url(DECK), wait_until="load")
    page.wait_for_function("window.Reveal && Reveal.isReady() && window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("MathJax.startup.promise")     # формулы набраны
    return page, watch


def test_deck_renders_offline(deck, book_site):
    page, watch = deck
    problems = []
    total = page.evaluate("Reveal.getTotalSlides()")
    if total < 8:
        problems.append(f"слайдов всего {total}")
    if page.evaluate("document.documentElement.lang") != "ru":
        problems.append("<html lang> не ru")
    formulas = page.evaluate("document.querySelectorAll('mjx-container svg').length")
    if formulas < 2:
        problems.append(f"MathJax набрал формул: {formulas}")
    broken = page.evaluate("Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length")
    if broken:
        problems.append(f"не загрузились картинки: {broken}")
    problems += watch.problems()
    problems += [f"слайды обращаются в сеть: {u}" for u in book_site.external_requests]
    stat("slide_decks")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, index in (("formula", 1), ("decision", total - 2)):
        page.evaluate(f"Reveal.slide({index})")
        page.wait_for_timeout(200)
        target = SCREENSHOTS / f"slides-{name}.png"
        page.screenshot(path=str(target))
        if target.stat().st_size < 10_000:
            problems.append(f"снимок {target.name} подозрительно мал")
    assert "Решение руководителя" in page.text_content(".slides section.decision")
    assert not problems, f"{DECK}:\n  " + "\n  ".join(problems)


def test_programme_page_links_the_deck(book_site, book_page):
    page, _ = book_page
    page.goto(book_site.url(FROM_PAGE), wait_until="load")
    link = page.locator('a:has-text("слайды раздела")').first
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(DECK)
