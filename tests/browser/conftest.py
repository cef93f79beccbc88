"""Браузерные тесты: книга в Chromium и рабочая тетрадь в JupyterLab.

Запуск — ``make test-browser`` (после ``make book``); ``make test`` вызывает его сам.
В обычный прогон ``pytest tests`` эти тесты не входят: они собираются, только когда
каталог tests/browser указан явно (``pytest tests/browser``).

Браузер — Chromium из Debian (``/usr/bin/chromium``, путь можно сменить переменной
SALESBOOK_CHROMIUM), управляется Playwright; Playwright ничего не скачивает.
Без Chromium тесты пропускаются с объяснением, как их включить; с
SALESBOOK_REQUIRE_BROWSER=1 (так в CI) пропуск превращается в провал.

Один браузер, один HTTP-сервер книги и один сервер JupyterLab на весь прогон — или на
процесс pytest-xdist: ``make test-browser`` раздаёт страницы книги двум процессам, а тесты
тетради держит вместе в одном (группа ``lab``), чтобы JupyterLab поднимался один раз.
Счётчики сводки процессы передают главному (``workeroutput``), и он печатает их суммой.
"""

from __future__ import annotations

import atexit
import functools
import http.server
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from browsersupport import (
    CHROMIUM,
    HERE,
    HTML,
    LOGS,
    ROOT,
    SCREENSHOTS,
    SKIP_MESSAGE,
    SKIPPED_NOTE,
    STATS,
    PageWatch,
    browser_problem,
    require_browser,
)

#: Флаги Chromium: без песочницы (контейнер, root), без сети и фоновых обращений в неё.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--no-pings",
    "--safebrowsing-disable-auto-update",
    "--password-store=basic",
    "--use-mock-keychain",
]


# ---------------------------------------------------------------------------
# Сбор: только при явном запуске tests/browser
# ---------------------------------------------------------------------------


def _suite_selected(config) -> bool:
    for arg in config.args:
        path = Path(str(arg).split("::", 1)[0])
        if not path.is_absolute():
            path = Path(config.invocation_params.dir) / path
        path = path.resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    path = Path(collection_path).resolve()
    if (path == HERE or HERE in path.parents) and not _suite_selected(config):
        return True
    return None


# ---------------------------------------------------------------------------
# Браузер
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_instance():
    require_browser()
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    yield pw
    pw.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance):
    # сеть закрыта: все запросы идут через «прокси» — порт, который занят этим процессом, но не слушает
    # (соединение сразу отвергается, и никто другой этот порт не займёт); 127.0.0.1 и localhost Chromium
    # шлёт мимо прокси, поэтому книга и JupyterLab доступны
    closed = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    closed.bind(("127.0.0.1", 0))
    args = [*CHROMIUM_ARGS, f"--proxy-server=http://127.0.0.1:{closed.getsockname()[1]}"]
    try:
        browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    except Exception as exc:  # noqa: BLE001 — показать причину по-русски
        closed.close()
        pytest.fail(f"Chromium ({CHROMIUM}) не запустился: {exc}", pytrace=False)
    yield browser
    browser.close()
    closed.close()


# ---------------------------------------------------------------------------
# Книга: HTTP-сервер над _build/html
# ---------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 — сигнатура родителя
        pass


class BookSite:
    def __init__(self, root: Path, base_url: str):
        self.root = root
        self.base_url = base_url
        self.external_requests: list[str] = []
        self.external_failures: dict[str, str | None] = {}   # адрес вне книги → сбой запроса

    def url(self, page: str) -> str:
        return self.base_url + page


@pytest.fixture(scope="session")
def book_site(browser):
    if not (HTML / "book" / "intro.html").is_file():
        pytest.fail("Книга не собрана: нет _build/html/book/intro.html. Выполните make book, затем make test-browser.", pytrace=False)
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="book-http", daemon=True)
    thread.start()
    try:
        yield BookSite(HTML, f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _block_external(context, site: BookSite) -> None:
    """Книга работает без сети: каждый запрос не к нашему серверу записывается и валит тест страницы.

    Сам запрос до сети не доходит: у Chromium прокси — закрытый порт (фикстура browser), сбой такого
    запроса — NO_NETWORK. Запросы записываются по событиям ``request`` и ``websocket``, а не перехватом
    ``context.route``: перехват в Playwright выключает кэш браузера, и каждая из 80 страниц заново
    грузила бы с сервера всю тему, шрифты и MathJax (браузерные тесты 96 → 85 с).
    """
    prefix = site.base_url
    local = (prefix, prefix.replace("http://", "ws://", 1), "data:", "blob:", "about:")

    def record(url: str):
        if not url.startswith(local):
            site.external_requests.append(url)

    def failed(request):
        if not request.url.startswith(local):
            site.external_failures[request.url] = request.failure

    context.on("request", lambda request: record(request.url))
    context.on("requestfailed", failed)
    context.on("page", lambda page: page.on("websocket", lambda ws: record(ws.url)))


@pytest.fixture(scope="session")
def book_context(browser, book_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    context.set_default_timeout(15_000)
    _block_external(context, book_site)
    yield context
    context.close()


@pytest.fixture
def book_page(book_context, book_site):
    page = book_context.new_page()
    watch = PageWatch(page, book_site.base_url)
    yield page, watch
    page.close()


@pytest.fixture(scope="session")
def phone_context(browser, book_site):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="ru-RU"
    )
    context.set_default_timeout(15_000)
    _block_external(context, book_site)
    yield context
    context.close()


# ---------------------------------------------------------------------------
# JupyterLab
# ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: Настройки JupyterLab на время теста: без автосохранения (тетради в репозитории не
#: меняются), все ячейки в DOM (без виртуальной прокрутки) и без запросов новостей из сети.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}


class Lab:
    """Сервер JupyterLab с корнем в репозитории, в своей группе процессов (вместе с ядрами).

    Запускается заранее, как только ясно, что в прогоне есть тесты тетрадей (пока идут
    тесты книги, он успевает подняться), и всегда останавливается: фикстура ``lab``,
    а если до неё не дошло — конец сессии.
    """

    def __init__(self):
        self.home = Path(tempfile.mkdtemp(prefix="salesbook-lab-"))
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = LOGS / "jupyterlab.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Lab":
        jupyter = Path(sys.executable).parent / "jupyter"
        if not jupyter.exists():
            raise RuntimeError(f"Не найден {jupyter}: окружение курса не установлено (make env).")
        settings_dir = self.home / "settings"
        for name, values in LAB_SETTINGS.items():
            path = settings_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        LOGS.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update(
            SALESBOOK_PROGRESS="off",  # ядра тетрадей не пишут журнал прогресса учащегося
            JUPYTER_CONFIG_DIR=str(self.home / "config"),  # настройки учащегося не влияют на тест
            JUPYTER_DATA_DIR=str(self.home / "data"),
            JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(settings_dir),
            JUPYTERLAB_WORKSPACES_DIR=str(self.home / "workspaces"),
            IPYTHONDIR=str(self.home / "ipython"),
            MPLBACKEND="module://matplotlib_inline.backend_inline",
        )
        env.pop("SALESBOOK_EXPECT", None)
        command = [
            str(jupyter), "lab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={ROOT}",
            "--LabApp.news_url=", "--ServerApp.terminals_enabled=False",
            f"--LabApp.user_settings_dir={settings_dir}", f"--LabApp.workspaces_dir={self.home / 'workspaces'}",
            # контрольные точки — во временный каталог, а не .ipynb_checkpoints/ рядом с тетрадями
            f"--FileCheckpoints.checkpoint_dir={self.home / 'checkpoints'}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # CI и контейнеры работают от root
        with open(self.log, "w", encoding="utf-8") as log_file:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
            )
        atexit.register(_stop_process_group, self.process)  # последняя страховка, если pytest прервали
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab завершился при запуске (код {self.process.returncode}). Журнал {self.log}:\n{self.log_tail()}")
            try:
                self.api("status", timeout=2)
                return
            except Exception:  # noqa: BLE001 — сервер ещё поднимается
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab не ответил за {timeout:.0f} с. Журнал {self.log}:\n{self.log_tail()}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        """Чистая остановка: /api/shutdown закрывает ядра и сервер; не вышло — вся группа процессов."""
        if self.process is not None:
            try:
                if self.process.poll() is None:
                    self.api("shutdown", method="POST", timeout=5)
                    self.process.wait(timeout=15)
            except Exception:  # noqa: BLE001
                pass
            _stop_process_group(self.process)
        shutil.rmtree(self.home, ignore_errors=True)

    def notebook_url(self, path: str) -> str:
        return f"{self.url}lab/tree/{path}?token={self.token}&reset"

    def api(self, path: str, method: str = "GET", timeout: float = 5):
        request = urllib.request.Request(f"{self.url}api/{path}", method=method, headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def _stop_process_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


_EARLY_LAB: list[Lab] = []


def _xdist_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_collection_finish(session):
    """Запустить JupyterLab заранее, если в прогоне есть тесты тетрадей и браузер на месте.

    В процессе pytest-xdist заранее не запускаем: при сборе неизвестно, достанутся ли ему
    тесты тетради, — сервер поднимет фикстура ``lab`` в том процессе, где они идут.
    """
    if not _suite_selected(session.config) or browser_problem() is not None or _xdist_worker(session.config):
        return
    if any("lab" in getattr(item, "fixturenames", ()) for item in session.items):
        try:
            _EARLY_LAB.append(Lab().start())
        except Exception:  # noqa: BLE001 — фикстура lab запустит сервер сама и покажет ошибку
            pass


def pytest_sessionfinish(session, exitstatus):
    while _EARLY_LAB:  # сервер запущен заранее, а фикстура до него не дошла
        _EARLY_LAB.pop().stop()
    if _xdist_worker(session.config):  # счётчики и причину пропуска — главному процессу
        session.config.workeroutput["salesbook_stats"] = json.dumps(STATS)
        session.config.workeroutput["salesbook_skip"] = json.dumps(SKIP_MESSAGE)
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and SKIP_MESSAGE:
        session.exitstatus = pytest.ExitCode.OK  # без Chromium всё пропущено — это не провал make test


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """Главный процесс pytest-xdist: сложить счётчики процессов и взять причину пропуска."""
    output = getattr(node, "workeroutput", None) or {}
    for key, value in json.loads(output.get("salesbook_stats", "{}")).items():
        STATS[key] = STATS.get(key, 0) + value
    for message in json.loads(output.get("salesbook_skip", "[]")):
        if not SKIP_MESSAGE:
            SKIP_MESSAGE.append(message)


@pytest.fixture(scope="session")
def lab(browser):
    """Настоящий сервер JupyterLab с корнем в репозитории; останавливается всегда."""
    server = _EARLY_LAB.pop() if _EARLY_LAB else None
    try:
        if server is None:
            server = Lab().start()
        server.wait_ready()
    except Exception as exc:  # noqa: BLE001
        if server is not None:
            server.stop()
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def lab_context(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ru-RU")
    context.set_default_timeout(30_000)
    yield context
    context.close()


# ---------------------------------------------------------------------------
# Сводка
# ---------------------------------------------------------------------------

_STARTED = time.monotonic()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _suite_selected(config):
        return
    tr = terminalreporter
    SKIPPED_NOTE.unlink(missing_ok=True)
    if SKIP_MESSAGE:
        tr.write_sep("!", "Браузерные тесты пропущены", yellow=True, bold=True)
        tr.write_line(SKIP_MESSAGE[0])
        SKIPPED_NOTE.parent.mkdir(parents=True, exist_ok=True)
        SKIPPED_NOTE.write_text(f"Внимание: {SKIP_MESSAGE[0]}\n", encoding="utf-8")
        return
    if not STATS:
        return
    names = {
        "pages": "страниц книги открыто",
        "internal_links": "внутренних ссылок проверено",
        "external_links": "внешних ссылок (в сеть тест не ходит)",
        "images": "картинок проверено",
        "ui_labels_checked": "страниц проверено на английские подписи",
        "searches": "поисков выполнено",
        "solutions_opened": "решений раскрыто",
        "screenshots": "снимков экрана сохранено",
        "notebook_cells_run": "ячеек тетради выполнено в JupyterLab",
        "allowed_browser_messages": "сообщений браузера из списка разрешённых",
    }
    tr.write_sep("-", "Браузерные тесты: что проверено")
    for key, title in names.items():
        if key in STATS:
            tr.write_line(f"{title}: {STATS[key]}")
    tr.write_line(f"время браузерных тестов: {time.monotonic() - _STARTED:.1f} с")
    if STATS.get("screenshots"):
        tr.write_line(f"снимки экрана: {SCREENSHOTS.relative_to(ROOT)}/")
