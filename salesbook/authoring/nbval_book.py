"""Прогон nbval по решениям заодно исполняет книгу: раздел исполняется один раз, а не два.

Тетрадь решений — это тетрадь книги без служебных ячеек: ячеек ``glue`` (числа для текста),
заготовок упражнений и скрытых ячеек; её код — подпоследовательность кода книги плюс ячейка
установки в начале. Раньше ``make test`` исполнял каждый раздел для книги (``salesbook
book-exec`` → кэш сборки) и ещё раз — nbval по решениям. С этим модулем (``pytest -p
salesbook.authoring.nbval_book --book-cache``) nbval исполняет решения как обычно, ячейка за
ячейкой, а в том же ядре между ними исполняются служебные ячейки книги в её порядке; выводы
всех ячеек собираются в тетрадь книги и кладутся в кэш сборки (``_build/.jupyter_cache``) —
теми же функциями jupyter-cache, что и у ``salesbook book-exec``. Сборка книги потом берёт
тетрадь из кэша и ничего не исполняет повторно.

Что остаётся прежним:

* nbval исполняет и проверяет каждую ячейку решений сам (``SALESBOOK_EXPECT=pass``), только
  запрос ядру уходит с записью в историю, как из JupyterLab (без неё IPython не гасит вывод
  ячейки, которая кончается «;»); служебные
  ячейки книги — не тесты nbval и исполняются без ``SALESBOOK_EXPECT``, как при сборке книги
  (заготовка с пропусками там — «ещё не решено», а не ошибка);
* если ячейка решений берёт имя, которое определено только в служебной ячейке книги (в отдельной
  тетради решений его бы не было), книга для этого файла не собирается: nbval исполняет решения
  одни и сам покажет ``NameError``;
* что-то пошло не так (ячейка упала, пропущена, не нашлась в книге) — тетрадь книги просто не
  попадает в кэш, и ``salesbook book-exec`` исполнит её отдельно, как раньше: этот шаг ничего
  не скрывает и не подменяет.

Выводы собираются обработчиком сообщений nbclient (``NotebookClient.process_message`` — им
же пользуется jupyter-cache при обычном исполнении), состояние виджетов и номера исполнения —
как у nbclient; тест сравнивает тетрадь из этого прогона с обычным исполнением.
Своё здесь только то, чего нет ни в nbval, ни в nbclient: сопоставление ячеек двух изданий и
исполнение служебных ячеек в ядре, которым владеет nbval.
"""
from __future__ import annotations

import ast
import builtins
import time
from pathlib import Path
from queue import Empty

import pytest
import yaml

OPTION = "--book-cache"
_ATTR = "_salesbook_book_capture"
#: Переменная окружения ядра, которую nbval ставит для решений и которой нет при сборке книги.
EXPECT_VAR = "SALESBOOK_EXPECT"


def pytest_addoption(parser):
    parser.getgroup("salesbook").addoption(
        OPTION, action="store_true", default=False,
        help="исполнять вместе с решениями служебные ячейки книги и класть тетради книги в кэш сборки")


# ---------------------------------------------------------------------------
# Сопоставление изданий
# ---------------------------------------------------------------------------


def _names(source: str) -> tuple[set[str], set[str]]:
    """Имена, которые ячейка определяет (с запасом) и читает. Нечитаемый код — пустые множества."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return set(), set()
    defined, loaded = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else defined).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            defined.add(node.name)
        elif isinstance(node, ast.MatchAs) and node.name:
            defined.add(node.name)
    return defined, loaded


def borrowed_names(book_sources: list[str], shared: list[bool]) -> dict[int, set[str]]:
    """Ячейки решений, которые читают имя, определённое только в служебных ячейках книги до них.

    ``book_sources`` — код ячеек книги по порядку, ``shared[i]`` — есть ли ячейка i в решениях.
    Возвращает {номер ячейки книги: такие имена}. Пусто — решения не зависят от служебных ячеек.
    """
    known = set(dir(builtins)) | {"In", "Out", "get_ipython", "display", "exit", "quit"}
    book_only: set[str] = set()
    found: dict[int, set[str]] = {}
    for i, (source, is_shared) in enumerate(zip(book_sources, shared)):
        defined, loaded = _names(source)
        if is_shared:
            missing = (loaded - known - defined) & book_only
            if missing:
                found[i] = missing
            known |= defined
        else:
            book_only |= defined - known
    return found


def match_cells(book_sources: list[str], solution_sources: list[str], skip: list[bool]) -> list[int | None]:
    """Ячейка книги для каждой ячейки решений: тот же код, в том же порядке.

    ``skip[i]`` — ячейка решений, которой в книге нет (установка пакета): ей ``None``.
    ``ValueError`` — ячейки решений не нашлось в книге после предыдущей.
    """
    mapping: list[int | None] = []
    at = 0
    for source, only_here in zip(solution_sources, skip):
        if only_here:
            mapping.append(None)
            continue
        while at < len(book_sources) and book_sources[at] != source:
            at += 1
        if at == len(book_sources):
            raise ValueError(f"ячейки решений нет в книге: {source.splitlines()[0][:60] if source else '(пустая)'}")
        mapping.append(at)
        at += 1
    return mapping


# ---------------------------------------------------------------------------
# Сборка тетради книги по ходу прогона nbval
# ---------------------------------------------------------------------------


class BookCapture:
    """Тетрадь книги одного раздела, которая собирается по ходу прогона nbval по его решениям."""

    def __init__(self, root: Path, source: Path, cache_path: str, timeout: int, solutions_nb):
        from nbclient import NotebookClient

        from salesbook.authoring.bookexec import read_as_book

        self.source = source
        self.cache_path = cache_path
        self.timeout = timeout
        self.nb = read_as_book(source, root)
        self.code = [i for i, c in enumerate(self.nb.cells) if c.cell_type == "code"]
        book_sources = [self.nb.cells[i].source for i in self.code]
        sol_cells = [c for c in solutions_nb.cells if c.cell_type == "code"]
        skip = ["bootstrap" in c.metadata.get("tags", []) for c in sol_cells]
        self.ok = True
        self.reason = ""
        try:
            positions = match_cells(book_sources, [c.source for c in sol_cells], skip)
        except ValueError as exc:
            self._fail(str(exc))
            positions = [None] * len(sol_cells)
        # номер ячейки nbval (по счёту среди ячеек кода решений) → индекс ячейки в тетради книги
        self.of_solution = {n: (self.code[p] if p is not None else None) for n, p in enumerate(positions)}
        shared = [False] * len(book_sources)
        for p in positions:
            if p is not None:
                shared[p] = True
        borrowed = borrowed_names(book_sources, shared) if self.ok else {}
        if borrowed:
            names = sorted(set().union(*borrowed.values()))
            self._fail(f"решения берут имена из служебных ячеек книги: {', '.join(names)}")
        self.client = NotebookClient(self.nb, timeout=timeout, allow_errors=False, record_timing=False)
        self.client.reset_execution_trackers()
        self.next = 0            # позиция в self.code: следующая ячейка книги, ещё не исполненная
        self.executed: list[int] = []
        self.seconds = 0.0
        self.expect = None

    @property
    def active(self) -> bool:
        """Исполнять ли служебные ячейки книги (иначе nbval исполняет решения одни, как раньше)."""
        return self.ok

    def _fail(self, reason: str) -> None:
        if self.ok:
            self.ok, self.reason = False, reason

    # --- ядро -------------------------------------------------------------------

    @staticmethod
    def _drain(kc, msg_id: str, timeout: float, on_message=None) -> dict:
        """Дочитать сообщения запроса ``msg_id``: iopub до «idle», затем ответ shell."""
        while True:
            msg = kc.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if on_message is not None:
                on_message(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        while True:
            reply = kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def _silent(self, kc, code: str) -> None:
        self._drain(kc, kc.execute(code, silent=True, store_history=False), self.timeout)

    def _feed(self, index: int):
        from nbclient.exceptions import CellExecutionComplete

        cell = self.nb.cells[index]

        def on_message(msg):
            try:
                self.client.process_message(msg, cell, index)
            except CellExecutionComplete:
                pass
        return on_message

    def _start_cell(self, index: int) -> None:
        cell = self.nb.cells[index]
        cell.outputs = []
        self.client.clear_before_next_output = False

    def _finish_cell(self, index: int) -> None:
        # потоки не склеиваются: nbclient, которым исполняет jupyter-cache, по умолчанию их не склеивает
        cell = self.nb.cells[index]
        self.executed.append(index)
        if any(o.get("output_type") == "error" for o in cell.outputs):
            self._fail(f"ячейка книги {index} завершилась ошибкой")

    def run_book_cells(self, kernel, until: int | None) -> None:
        """Исполнить служебные ячейки книги до ячейки ``until`` (индекс в тетради; ``None`` — до конца).

        ``kernel`` — ядро nbval (``nbval.kernel.RunningKernel``) этого файла."""
        kc = kernel.kc
        if not self.ok:
            return
        todo = []
        while self.next < len(self.code) and (until is None or self.code[self.next] < until):
            todo.append(self.code[self.next])
            self.next += 1
        if until is not None:
            self.next += 1     # саму ячейку ``until`` исполнит nbval
        todo = [i for i in todo if self.nb.cells[i].source.strip()
                and "skip-execution" not in self.nb.cells[i].metadata.get("tags", [])]
        if not todo:
            return
        start = time.perf_counter()
        self._silent(kc, f"__import__('os').environ.pop({EXPECT_VAR!r}, None)")
        try:
            for index in todo:
                self._start_cell(index)
                msg_id = kc.execute(self.nb.cells[index].source, store_history=True, allow_stdin=False,
                                    stop_on_error=True)
                try:
                    reply = self._drain(kc, msg_id, self.timeout, self._feed(index))
                except Empty:
                    self._fail(f"ячейка книги {index} не закончилась за {self.timeout} с")
                    kernel.interrupt()
                    return
                self._finish_cell(index)
                if reply["content"].get("status") != "ok":
                    self._fail(f"ячейка книги {index} завершилась ошибкой")
                    return
        finally:
            if self.expect is not None:     # вернуть решениям их SALESBOOK_EXPECT, что бы ни случилось
                self._silent(kc, f"__import__('os').environ[{EXPECT_VAR!r}] = {self.expect!r}")
            self.seconds += time.perf_counter() - start

    def finish(self, kernel) -> bool:
        """Дописать последние служебные ячейки и положить тетрадь в кэш сборки. True — положена."""
        self.run_book_cells(kernel, None)
        if not self.ok:
            return False
        kc = kernel.kc
        msg_id = kc.kernel_info()
        while True:     # ответ shell; его «busy/idle» на iopub пропустит тот, кто будет читать дальше
            reply = kc.get_shell_msg(timeout=self.timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if "language_info" in reply["content"]:
            self.nb.metadata["language_info"] = reply["content"]["language_info"]
        self.client.set_widgets_metadata()
        # номера исполнения — как при обычном исполнении книги: 1, 2, … по исполненным ячейкам
        for count, index in enumerate(sorted(self.executed), start=1):
            cell = self.nb.cells[index]
            cell.execution_count = count
            for output in cell.outputs:
                if output.get("output_type") == "execute_result":
                    output["execution_count"] = count
        from jupyter_cache import get_cache
        from jupyter_cache.base import CacheBundleIn

        get_cache(self.cache_path).cache_notebook_bundle(
            CacheBundleIn(self.nb, str(self.source), data={"execution_seconds": self.seconds}),
            check_validity=False, overwrite=True)
        return True


# ---------------------------------------------------------------------------
# Крючки pytest
# ---------------------------------------------------------------------------


def _book_settings(root: Path) -> tuple[str, int] | None:
    config_file = root / "_config.yml"
    if not config_file.exists():
        return None
    execute = (yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}).get("execute", {}) or {}
    if execute.get("execute_notebooks", "auto") != "cache":
        return None
    return str(root / (execute.get("cache") or "_build/.jupyter_cache")), int(execute.get("timeout", 300))


def _capture_for(item) -> BookCapture | None:
    """Сборщик тетради книги для файла, которому принадлежит ячейка nbval (создаётся при первой ячейке)."""
    parent = item.parent
    if not hasattr(parent, "kernel") or not item.config.getoption(OPTION):
        return None
    if hasattr(parent, _ATTR):
        return getattr(parent, _ATTR)
    capture = None
    root = Path(item.config.rootpath).resolve()
    settings = _book_settings(root)
    path = Path(str(parent.fspath)).resolve()
    try:
        rel = path.relative_to(root / "solutions")
    except ValueError:
        rel = None
    source = root / "book" / rel.with_suffix(".md") if rel is not None else None
    if settings and source is not None and source.exists():
        import os

        capture = BookCapture(root, source, settings[0], settings[1], parent.nb)
        capture.expect = os.environ.get(EXPECT_VAR)
    setattr(parent, _ATTR, capture)
    return capture


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    capture = _capture_for(item)
    if capture is None or not capture.active or not hasattr(item, "cell_num"):
        yield
        return
    kernel = item.parent.kernel
    index = capture.of_solution.get(item.cell_num)
    if index is None:
        yield
        return
    capture.run_book_cells(kernel, index)
    if not capture.ok:
        yield
        return
    # ячейку исполняет nbval; её сообщения попутно идут в тетрадь книги
    sent: dict[str, str] = {}
    get_message = kernel.get_message
    feed = capture._feed(index)

    def execute_cell_input(cell_input, allow_stdin=None):
        # как фронтенд тетради и nbclient: с записью в историю. nbval шлёт store_history=False,
        # а тогда IPython не видит «;» в конце ячейки и выводит то, что в книге и у учащегося скрыто
        sent["id"] = kernel.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin,
                                       stop_on_error=False)
        return sent["id"]

    def tee(stream, timeout=None):
        msg = get_message(stream, timeout=timeout)
        if stream == "iopub" and msg["parent_header"].get("msg_id") == sent.get("id"):
            feed(msg)
        return msg

    capture._start_cell(index)
    kernel.execute_cell_input, kernel.get_message = execute_cell_input, tee
    start = time.perf_counter()
    try:
        outcome = yield
    finally:
        del kernel.execute_cell_input, kernel.get_message    # вернуть методы класса
        capture.seconds += time.perf_counter() - start
    if outcome.excinfo is not None or "id" not in sent:
        capture._fail(f"ячейка решений {item.cell_num} не прошла или пропущена")
    else:
        capture._finish_cell(index)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    capture = getattr(item.parent, _ATTR, None)
    last = nextitem is None or nextitem.parent is not item.parent
    if capture is not None and last and capture.ok:
        kernel = item.parent.kernel
        try:
            if kernel is not None and kernel.is_alive():
                capture.finish(kernel)
        except Exception as exc:  # noqa: BLE001 — книга тогда исполнится отдельно, тест решений не страдает
            capture._fail(f"не удалось дописать тетрадь книги: {exc}")
    yield
