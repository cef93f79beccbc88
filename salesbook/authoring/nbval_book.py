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
* если ячейка решений читает имя, чьё значение дала служебная ячейка книги (в отдельной тетради
  решений его бы не было или оно было бы другим; сюда же — переменная ответа, которую читает
  ``qN.check()``), или служебная ячейка пишет в пространство имён в обход имён (``globals()``,
  ``user_ns``), книга для этого файла не собирается: nbval исполняет решения одни, как раньше;
* после служебных ячеек ядру возвращается ``SALESBOOK_EXPECT`` решений, даже если они упали или
  превысили срок; не удалось — тест решений падает, а не идёт дальше без проверки;
* что-то пошло не так (ячейка упала, пропущена, не нашлась в книге) — тетрадь книги просто не
  попадает в кэш, и ``salesbook book-exec`` исполнит её отдельно, как раньше: этот шаг ничего
  не скрывает и не подменяет.

Одно отличие от ``book-exec`` остаётся: ядро nbval работает в папке решений, а не книги
(``solutions/chNN``); страницы книги от рабочей папки не зависят (данные находятся из любой).
В конце прогона pytest пишет, сколько тетрадей книги взято в кэш и почему не взяты остальные.

Выводы собираются обработчиком сообщений nbclient (``NotebookClient.process_message`` — им
же пользуется jupyter-cache при обычном исполнении), состояние виджетов и номера исполнения —
как у nbclient; тест сравнивает тетрадь из этого прогона с обычным исполнением.
Своё здесь только то, чего нет ни в nbval, ни в nbclient: сопоставление ячеек двух изданий и
исполнение служебных ячеек в ядре, которым владеет nbval.
"""
from __future__ import annotations

import ast
import time
from pathlib import Path
from queue import Empty

import pytest

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


#: Служебная ячейка, которая так пишет в пространство имён, не видна разбору по именам: с ней
#: файл исполняется по-старому (книга — отдельно).
_UNTRACEABLE = ("user_ns", "globals(", "locals(", "vars(", "exec(", "eval(", "__dict__", "import *")


def _parse(source: str) -> ast.Module | None:
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return None


def _binds(node: ast.AST) -> set[str]:
    """Имена, которые оператор верхнего уровня связывает в пространстве имён тетради."""
    names: set[str] = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
              ast.DictComp, ast.GeneratorExp)
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Name) and isinstance(item.ctx, (ast.Store, ast.Del)):
            names.add(item.id)
        elif isinstance(item, ast.NamedExpr) and isinstance(item.target, ast.Name):
            names.add(item.target.id)
        elif isinstance(item, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and getattr(item, "name", None):
            names.add(item.name)
        if not isinstance(item, scopes) or item is node:
            stack.extend(ast.iter_child_nodes(item))
    return names


def _reads(node: ast.AST) -> set[str]:
    """Имена, которые оператор читает из пространства имён тетради: в том числе внутри функций и
    выражений-генераторов (кроме их собственных переменных) и цель ``x += …``."""
    reads: set[str] = set()
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
              ast.GeneratorExp)

    def local_names(scope) -> set[str]:
        names = {a.arg for a in ast.walk(scope.args) if isinstance(a, ast.arg)} if hasattr(scope, "args") else set()
        for inner in ast.walk(scope):
            if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                names.add(inner.id)
        return names

    def visit(item, hidden: frozenset):
        if isinstance(item, scopes):
            hidden = hidden | local_names(item)
        if isinstance(item, ast.Name) and isinstance(item.ctx, ast.Load) and item.id not in hidden:
            reads.add(item.id)
        if isinstance(item, ast.AugAssign) and isinstance(item.target, ast.Name) and item.target.id not in hidden:
            reads.add(item.target.id)
        for child in ast.iter_child_nodes(item):
            visit(child, hidden)

    visit(node, frozenset())
    return reads


def _checked(node: ast.AST) -> set[str]:
    """Упражнения, чья проверка вызывается в операторе: ``q3.check()`` → {"q3"}."""
    return {n.func.value.id for n in ast.walk(node)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "check"
            and isinstance(n.func.value, ast.Name)}


def answer_variables(sources: list[str]) -> dict[str, str]:
    """Переменная ответа каждого упражнения, импортированного ячейками (``from salesbook.exercises.… import q1``):
    ``check()`` читает её из пространства имён тетради, и разбор по именам должен это знать."""
    import importlib

    found: dict[str, str] = {}
    for source in sources:
        tree = _parse(source)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("salesbook.exercises."):
                try:
                    module = importlib.import_module(node.module)
                except ImportError:
                    continue
                for alias in node.names:
                    var = getattr(getattr(module, alias.name, None), "var", None)
                    if isinstance(var, str):
                        found[alias.asname or alias.name] = var
    return found


def borrowed_names(book_sources: list[str], shared: list[bool],
                   answers: dict[str, str] | None = None) -> dict[int, set[str]]:
    """Ячейки решений, которые читают имя, чьё текущее значение дала служебная ячейка книги.

    ``book_sources`` — код ячеек книги по порядку, ``shared[i]`` — есть ли ячейка i в решениях,
    ``answers`` — упражнение → переменная ответа (её читает ``qN.check()``). Операторы ячейки
    разбираются по порядку: имя, которое ячейка сначала связала сама, а потом прочла, не в счёт.
    Служебная ячейка, пишущая в пространство имён в обход имён (``globals()``, ``user_ns``…), —
    находка сама по себе (ключ ``"*"``). Возвращает {номер ячейки книги: имена}; пусто — решения
    не зависят от служебных ячеек.
    """
    answers = answers or {}
    tainted: set[str] = set()          # имена, чьё значение сейчас от служебной ячейки
    found: dict[int, set[str]] = {}
    for i, (source, is_shared) in enumerate(zip(book_sources, shared)):
        tree = _parse(source)
        if tree is None:
            if not is_shared:
                found[i] = {"*"}
            continue
        if not is_shared:
            if any(marker in source for marker in _UNTRACEABLE):
                found[i] = {"*"}
            for statement in tree.body:
                tainted |= _binds(statement)
            continue
        bound: set[str] = set()

        def read(node) -> None:
            reads = _reads(node) | {answers[q] for q in _checked(node) if q in answers}
            borrowed = (reads - bound) & tainted
            if borrowed:
                found.setdefault(i, set()).update(borrowed)

        def bind(names: set[str]) -> None:
            bound.update(names)
            tainted.difference_update(names)

        def flow(statements) -> None:
            """Операторы по порядку; у составных — сначала заголовок, потом тело."""
            for st in statements:
                if isinstance(st, (ast.For, ast.AsyncFor)):
                    read(st.iter)
                    bind(_binds(ast.Assign(targets=[st.target], value=ast.Constant(None))))
                    flow(st.body)
                    flow(st.orelse)
                elif isinstance(st, (ast.If, ast.While)):
                    read(st.test)
                    flow(st.body)
                    flow(st.orelse)
                elif isinstance(st, (ast.With, ast.AsyncWith)):
                    for item in st.items:
                        read(item.context_expr)
                        if item.optional_vars is not None:
                            bind(_binds(ast.Assign(targets=[item.optional_vars], value=ast.Constant(None))))
                    flow(st.body)
                elif isinstance(st, ast.Try):
                    flow(st.body)
                    for handler in st.handlers:
                        if handler.type is not None:
                            read(handler.type)
                        bind({handler.name} if handler.name else set())
                        flow(handler.body)
                    flow(st.orelse)
                    flow(st.finalbody)
                else:
                    read(st)
                    bind(_binds(st))

        flow(tree.body)
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


class KernelGone(RuntimeError):
    """Ядро не ответило в срок или остановилось."""


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
        self.shared_cells = {self.code[p] for p in positions if p is not None}
        shared = [i in self.shared_cells for i in self.code]
        if self.ok:
            answers = answer_variables([c.source for c in sol_cells])
            borrowed = borrowed_names(book_sources, shared, answers)
            if borrowed:
                names = sorted(set().union(*borrowed.values()) - {"*"})
                what = ", ".join(names) if names else "пишут в пространство имён в обход имён"
                self._fail(f"решения зависят от служебных ячеек книги: {what}")
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
    def _drain(kernel, msg_id: str, timeout: float, on_message=None) -> dict:
        """Дочитать сообщения запроса ``msg_id``: iopub до «idle», затем ответ shell.

        ``timeout`` — срок на весь запрос, как у nbclient на ячейку; ``KernelGone`` — срок вышел
        или ядро остановилось (тогда ждать весь срок незачем).
        """
        kc = kernel.kc
        deadline = time.monotonic() + timeout

        def wait(get):
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise KernelGone(f"ядро не ответило за {timeout:g} с")
                try:
                    return get(timeout=min(1.0, left))
                except Empty:
                    if not kernel.is_alive():
                        raise KernelGone("ядро остановилось") from None

        while True:
            msg = wait(kc.get_iopub_msg)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if on_message is not None:
                on_message(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        while True:
            reply = wait(kc.get_shell_msg)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def _silent(self, kernel, code: str) -> None:
        reply = self._drain(kernel, kernel.kc.execute(code, silent=True, store_history=False), 60)
        if reply["content"].get("status") != "ok":
            raise KernelGone(f"служебная команда не выполнилась: {reply['content'].get('status')}")

    def _feed(self, index: int):
        from nbclient.exceptions import CellExecutionComplete

        cell = self.nb.cells[index]

        def on_message(msg):
            if not self.ok:
                return
            try:
                self.client.process_message(msg, cell, index)
            except CellExecutionComplete:
                pass
            except Exception as exc:  # noqa: BLE001 — вывод книги не собрался; решения это не касается
                self._fail(f"вывод ячейки книги {index} не собран: {exc}")
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

        ``kernel`` — ядро nbval (``nbval.kernel.RunningKernel``) этого файла. Что бы ни случилось со
        служебными ячейками, ядру возвращается ``SALESBOOK_EXPECT`` решений; не удалось — ошибка
        теста: иначе следующие решения проверялись бы без него.
        """
        if not self.ok:
            return
        todo = []
        while self.next < len(self.code) and (until is None or self.code[self.next] < until):
            todo.append(self.code[self.next])
            self.next += 1
        if until is not None:
            self.next += 1     # саму ячейку ``until`` исполнит nbval
        if any(i in self.shared_cells for i in todo):
            # ячейку решений nbval не исполнял (-k, --deselect, --lf): исполнять её за него нельзя
            self._fail("часть ячеек решений не исполнялась в этом прогоне")
            return
        todo = [i for i in todo if self.nb.cells[i].source.strip()
                and "skip-execution" not in self.nb.cells[i].metadata.get("tags", [])]
        if not todo:
            return
        start = time.perf_counter()
        kc = kernel.kc
        try:
            self._silent(kernel, f"__import__('os').environ.pop({EXPECT_VAR!r}, None)")
            for index in todo:
                self._start_cell(index)
                # stop_on_error=False: после прерывания очередь ядра не отменяется, и возврат
                # SALESBOOK_EXPECT ниже исполнится; ошибку ячейки видно по ответу
                msg_id = kc.execute(self.nb.cells[index].source, store_history=True, allow_stdin=False,
                                    stop_on_error=False)
                try:
                    reply = self._drain(kernel, msg_id, self.timeout, self._feed(index))
                except KernelGone as exc:
                    self._fail(f"ячейка книги {index}: {exc}")
                    if kernel.is_alive():
                        kernel.interrupt()
                        self._drain(kernel, msg_id, 60)
                    return
                self._finish_cell(index)
                if reply["content"].get("status") != "ok":
                    self._fail(f"ячейка книги {index} завершилась ошибкой")
                    return
        except KernelGone as exc:
            self._fail(f"ядро: {exc}")
        finally:
            self.seconds += time.perf_counter() - start
            if self.expect is not None:
                try:
                    self._silent(kernel, f"__import__('os').environ[{EXPECT_VAR!r}] = {self.expect!r}")
                except KernelGone as exc:
                    raise RuntimeError(f"Не удалось вернуть ядру {EXPECT_VAR}={self.expect} после служебных "
                                       f"ячеек книги ({exc}): решения дальше не проверялись бы.") from None

    def finish(self, kernel) -> bool:
        """Дописать последние служебные ячейки и положить тетрадь в кэш сборки. True — положена."""
        self.run_book_cells(kernel, None)
        if not self.ok:
            return False
        reply = self._drain(kernel, kernel.kc.kernel_info(), 60)
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


#: Итог этого процесса pytest: сколько тетрадей книги положено в кэш и почему не положены остальные.
_RESULTS: dict[str, str | None] = {}


def _capture_for(item) -> BookCapture | None:
    """Сборщик тетради книги для файла, которому принадлежит ячейка nbval (создаётся при первой ячейке)."""
    parent = item.parent
    if not hasattr(parent, "kernel") or not item.config.getoption(OPTION):
        return None
    if hasattr(parent, _ATTR):
        return getattr(parent, _ATTR)
    capture = None
    root = Path(item.config.rootpath).resolve()
    from salesbook.authoring.bookexec import cache_settings

    settings = cache_settings(root)
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
    capture.client.kc = kernel.kc          # виджету Output nbclient отвечает через клиент ядра
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
        took = time.perf_counter() - start
        capture.seconds += took
    if outcome.excinfo is not None or "id" not in sent:
        capture._fail(f"ячейка решений {item.cell_num} не прошла или пропущена")
    elif took > capture.timeout:
        capture._fail(f"ячейка решений {item.cell_num} шла {took:.0f} с — дольше срока книги ({capture.timeout} с)")
    else:
        capture._finish_cell(index)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    capture = getattr(item.parent, _ATTR, None)
    last = nextitem is None or nextitem.parent is not item.parent
    if capture is not None and last:
        kernel = item.parent.kernel
        try:
            if capture.ok and kernel is not None and kernel.is_alive():
                capture.finish(kernel)
        except Exception as exc:  # noqa: BLE001 — книга тогда исполнится отдельно, тест решений не страдает
            capture._fail(f"не удалось дописать тетрадь книги: {exc}")
        if capture.ok and kernel is None:
            capture._fail("ядро не запустилось")
        _RESULTS[capture.source.name] = None if capture.ok else (capture.reason or "ядро остановилось")
    yield


# --- итог: сколько тетрадей книги взято из прогона решений (и с pytest-xdist) ---------------------


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:       # процесс-исполнитель pytest-xdist: итог — главному процессу
        workeroutput["salesbook_book"] = dict(_RESULTS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    _RESULTS.update(getattr(node, "workeroutput", {}).get("salesbook_book", {}))


def pytest_terminal_summary(terminalreporter):
    if not terminalreporter.config.getoption(OPTION) or not _RESULTS:
        return
    taken = sum(1 for reason in _RESULTS.values() if reason is None)
    terminalreporter.write_line(f"Книга: из прогона решений в кэш сборки взято тетрадей — {taken} из {len(_RESULTS)}"
                                + ("." if taken == len(_RESULTS) else "; остальные исполнит salesbook book-exec:"))
    for name, reason in sorted(_RESULTS.items()):
        if reason is not None:
            terminalreporter.write_line(f"  {name}: {reason}")
