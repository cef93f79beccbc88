"""Общее для браузерных тестов: пути, учёт проверенного для итоговой сводки."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from bookcheck import is_allowed_browser_error

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
LOGS = ROOT / "_build" / "browser-logs"
#: Пометка «браузерные тесты пропущены»: make test печатает её в самом конце.
SKIPPED_NOTE = ROOT / "_build" / "browser-skipped.txt"

CHROMIUM = os.environ.get("SALESBOOK_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("SALESBOOK_REQUIRE_BROWSER", "").strip() not in ("", "0", "no", "false")
HOW_TO_ENABLE = "Чтобы включить их: sudo apt-get install chromium, затем make test-browser."
SKIP_MESSAGE: list[str] = []  # причина пропуска — для сводки и пометки для make test


def browser_problem() -> str | None:
    """Чего не хватает для браузерных тестов (None — всё на месте)."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"не найден браузер Chromium ({CHROMIUM})"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "не установлен пакет playwright (pip install -r requirements.txt)"
    return None


def require_browser(module_level: bool = False) -> None:
    """Пропустить тесты без Chromium — или провалить, если браузер обязателен (CI)."""
    problem = browser_problem()
    if problem is None:
        return
    message = f"Браузерные тесты книги и тетради пропущены: {problem}. {HOW_TO_ENABLE}"
    if REQUIRE_BROWSER:
        pytest.fail(f"{message} Пропуск недопустим: задано SALESBOOK_REQUIRE_BROWSER=1.", pytrace=False)
    if not SKIP_MESSAGE:
        SKIP_MESSAGE.append(message)
    pytest.skip(message, allow_module_level=module_level)


# Итоги прогона для сводки в конце (страницы, ссылки, поиски).
STATS: dict[str, int] = {}


def stat(name: str, n: int = 1) -> None:
    STATS[name] = STATS.get(name, 0) + n


def book_pages(root: Path = HTML) -> list[str]:
    """Все страницы собранной книги (пути относительно _build/html)."""
    if not root.is_dir():
        return []
    skip = {"_static", "_sources", "_images", "_downloads", "slides"}  # слайды — свой тест (test_slides_deck.py)
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.html")
        if not (set(p.relative_to(root).parts[:-1]) & skip)
    )


#: Сбой запроса, который не дошёл до сети: прокси браузера — порт без слушателя (conftest.browser).
NO_NETWORK = "net::ERR_PROXY_CONNECTION_FAILED"


class PageWatch:
    """Записывает всё, что страница сообщила об ошибках, и обращения за пределы сервера."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.events: list[tuple[str, str, str]] = []  # (вид, текст, источник)
        self.in_flight: dict = {}  # запросы без ответа: объект Request Playwright → адрес
        page.on("pageerror", self._on_pageerror)
        page.on("console", self._on_console)
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_requestdone)
        page.on("requestfailed", self._on_requestfailed)
        page.on("response", self._on_response)

    def _on_request(self, request):
        self.in_flight[request] = request.url

    def _on_requestdone(self, request):
        self.in_flight.pop(request, None)

    def _on_pageerror(self, error):
        self.events.append(("pageerror", str(error.message if hasattr(error, "message") else error), ""))

    def _on_console(self, message):
        if message.type == "error":
            self.events.append(("console", message.text, (message.location or {}).get("url", "")))

    def _on_requestfailed(self, request):
        self._on_requestdone(request)
        self.events.append(("request", f"не загрузилось: {request.failure}", request.url))

    def _on_response(self, response):
        if response.status >= 400:
            self.events.append(("request", str(response.status), response.url))

    def clear(self):
        self.events.clear()

    def settle(self, timeout: float = 15.0) -> list[str]:
        """Дождаться конца всех начатых страницей запросов: их ошибки и обращения в сеть
        попадут в проверку. Возвращает запросы, оставшиеся без ответа за ``timeout`` секунд."""
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            self.page.wait_for_timeout(20)  # события Playwright доставляются, пока идёт его вызов
        return [f"запрос без ответа за {timeout:g} с: {url}" for url in self.in_flight.values()]

    def problems(self) -> list[str]:
        out = []
        for kind, text, source in self.events:
            if is_allowed_browser_error(kind, text, source):
                stat("allowed_browser_messages")
                continue
            where = f" ({source})" if source else ""
            out.append(f"{kind}: {text}{where}")
        return out
