"""Числа в тексте разделов берутся из кода.

В исходнике раздела ячейка с тегами ``glue, remove-cell`` передаёт посчитанные
значения в текст::

    fmt.glue("cac.b2b.2024", full_cac, fmt.rub)

а текст ссылается на них ролью ``{glue:text}`cac.b2b.2024```. Имя — ``метрика.сегмент.период``
латиницей: сегмент — ``b2b``, ``smb``, ``mid_market``, ``enterprise``, ``b2c`` или другой срез
(канал, эксперимент), период — ``2024``, ``2024_2025``, ``2025h1``…, для констант кода —
``default``. Одно имя в двух разделах обязано означать одно и то же число (это проверяет
тест); другое определение или период — другое имя (``median_cycle_days_first_deal`` и
``median_cycle_days_won``).

* **Книга.** myst-nb исполняет раздел и вставляет значения сам; расширение Sphinx
  сверяет их с записанными (:func:`compare`) и роняет сборку при расхождении.
* **Тетради** хранятся без выводов, поэтому значения записаны в
  ``book/_glue/chNN/<раздел>.json``, а генератор подставляет в Markdown готовый текст.
  ``salesbook notebooks`` обновляет эти файлы (:func:`refresh`): раздел исполняется
  заново, только если изменился его код, данные или пакет. Исполнение идёт через
  кэш книги (``_build/.jupyter_cache``), так что следующая сборка книги его не повторяет.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from salesbook.runtime.fmt import GLUE_MIME

GLUE_DIR = Path("book") / "_glue"
CACHE_DIR = Path("_build") / ".jupyter_cache"
NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9][a-z0-9_]*){2}$")
ROLE = re.compile(r"\{glue(?::text)?\}`([^`]*)`")
GLUE_CALLS = {"glue", "fmt.glue"}


def is_glue_cell(cell) -> bool:
    return "glue" in cell.get("metadata", {}).get("tags", [])


def _glue_calls(cell) -> list[tuple[ast.stmt, ast.Call | None]]:
    """Инструкции ячейки и вызов ``fmt.glue`` в каждой (``None`` — инструкция не такая)."""
    calls = []
    for stmt in ast.parse(cell.source).body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        ok = isinstance(call, ast.Call) and ast.unparse(call.func) in GLUE_CALLS
        calls.append((stmt, call if ok else None))
    return calls


def _name(call: ast.Call | None) -> str | None:
    arg = call.args[0] if call is not None and call.args else None
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def lint_cell(cell) -> list[str]:
    """Нарушения договорённостей в ячейке ``glue``: только вызовы ``fmt.glue`` с именами по образцу.

    Ячейки ``glue`` нет в тетрадях, поэтому она не должна ничего определять для следующих ячеек.
    """
    try:
        calls = _glue_calls(cell)
    except SyntaxError as exc:
        return [f"синтаксическая ошибка в ячейке glue: {exc.msg}"]
    problems = []
    for stmt, call in calls:
        if call is None:
            problems.append(f"в ячейке glue строка {stmt.lineno} — не вызов fmt.glue(...)")
        elif not NAME.match(_name(call) or ""):
            problems.append(f"в ячейке glue строка {stmt.lineno}: имя — строка вида «метрика.сегмент.период»")
    return problems


def glued_names(cell) -> list[str]:
    """Имена, которые передаёт ячейка ``glue`` (первый аргумент каждого вызова)."""
    try:
        return [name for _, call in _glue_calls(cell) if (name := _name(call))]
    except SyntaxError:
        return []


def lint(nb) -> list[str]:
    """Договорённости о вставке чисел во всём исходнике: ячейки ``glue`` и ссылки на их имена."""
    problems = []
    names: list[str] = []
    for i, cell in enumerate(nb.cells, 1):
        if cell.cell_type == "code" and is_glue_cell(cell):
            problems += [f"ячейка {i}: {p}" for p in lint_cell(cell)]
            names += glued_names(cell)
    problems += [f"имя {n} передаётся дважды" for n in sorted({n for n in names if names.count(n) > 1})]
    for i, cell in enumerate(nb.cells, 1):
        if cell.cell_type == "markdown":
            for name in sorted(referenced(cell.source) - set(names)):
                problems.append(f"ячейка {i}: {{glue:text}}`{name}` — такого имени нет в ячейках glue")
    return problems


# ---------------------------------------------------------------------------
# Записанные значения и подстановка в тетради
# ---------------------------------------------------------------------------


def values_path(source: Path, root: Path) -> Path:
    return root / GLUE_DIR / source.relative_to(root / "book").with_suffix(".json")


def committed(source: Path, root: Path) -> dict[str, dict]:
    """Записанные значения раздела: имя → {"text": как в тексте, "value": число или строка}."""
    path = values_path(source, root)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def dumps(values: dict[str, dict]) -> str:
    return json.dumps(values, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def stale_files(sources: list[Path], root: Path) -> list[Path]:
    """Файлы ``book/_glue`` без исходника (раздел удалён или переименован)."""
    wanted = {values_path(s, root) for s in sources}
    return sorted(p for p in (root / GLUE_DIR).rglob("*.json") if p not in wanted)


def remove_stale(sources: list[Path], root: Path) -> list[Path]:
    stale = stale_files(sources, root)
    for path in stale:
        path.unlink()
    return stale


def substitute(text: str, values: dict[str, dict]) -> str:
    """Роли ``{glue:text}`имя``` → записанный текст значения."""

    def paste(match):
        name = match.group(1)
        if name not in values:
            raise KeyError(name)
        return values[name]["text"]

    return ROLE.sub(paste, text)


def referenced(text: str) -> set[str]:
    return set(ROLE.findall(text))


# ---------------------------------------------------------------------------
# Исполнение разделов
# ---------------------------------------------------------------------------


def inputs_hash(root: Path) -> str:
    """Отпечаток всего, от чего зависят значения, кроме кода раздела: данные и пакет (без authoring)."""
    digest = hashlib.sha256()
    files = sorted((root / "datasets").glob("*.csv")) + sorted(
        p for p in (root / "salesbook").rglob("*.py") if "authoring" not in p.relative_to(root).parts
    )
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def executed_values(nb) -> dict[str, dict]:
    """Значения ``fmt.glue`` из выводов исполненной тетради."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            data = output["data"].get(meta.get("mime_prefix", "") + GLUE_MIME)
            if isinstance(data, dict) and "text" in data:
                values[meta["name"]] = {"text": data["text"], "value": data["value"]}
    return values


def _timeout(root: Path) -> int:
    import yaml

    config = root / "_config.yml"
    if not config.exists():
        return 300
    return int((yaml.safe_load(config.read_text(encoding="utf-8")).get("execute") or {}).get("timeout", 300))


def _execute(nb, source: Path, timeout: int):
    """Исполнить исходник так же, как это делает myst-nb при сборке книги (папка раздела — текущая)."""
    from jupyter_cache.executors.utils import single_nb_execution

    from salesbook.authoring.kernels import AsyncIpcKernelManager

    # тетради исполняются в нескольких потоках: сокеты-файлы вместо портов TCP (см. kernels)
    return single_nb_execution(nb, cwd=str(source.parent), allow_errors=False, timeout=timeout, meta_override=True,
                               kernel_manager_class=AsyncIpcKernelManager)


def refresh(sources: list[Path], root: Path, workers: int = 2) -> list[Path]:
    """Обновить ``book/_glue/`` для разделов с ячейками ``glue``; вернуть изменённые файлы.

    Раздел исполняется, только если в кэше книги нет его исполнения с теми же кодом,
    данными и пакетом. Исполнение записывается в кэш книги — сборка его не повторит.
    """
    import jupytext
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    from salesbook.authoring.notebooks import AuthoringError

    notebooks = {s: jupytext.read(s, fmt="md:myst") for s in sources}
    glued = [s for s, nb in notebooks.items() if any(is_glue_cell(c) for c in nb.cells)]
    if not glued:
        return []
    cache = get_cache(str(root / CACHE_DIR))
    stamp = inputs_hash(root)
    executed: dict[Path, object] = {}
    stale = []
    for source in glued:
        nb = notebooks[source]
        try:
            record = cache.match_cache_notebook(nb)
        except KeyError:
            record = None
        if record is not None and record.data.get("salesbook_inputs") == stamp:
            executed[source] = cache.merge_match_into_notebook(nb)[1]
        else:
            stale.append(source)
    timeout = _timeout(root)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for source, result in zip(stale, pool.map(lambda s: _execute(notebooks[s], s, timeout), stale)):
            nb, rel = notebooks[source], source.relative_to(root)
            if result.err is not None:
                tail = "\n".join((result.exc_string or str(result.err)).strip().splitlines()[-5:])
                raise AuthoringError(f"{rel}: раздел не исполнился, значения для текста не получены.\n{tail}")
            cache.cache_notebook_bundle(
                CacheBundleIn(nb, str(source), data={"execution_seconds": result.time, "salesbook_inputs": stamp}),
                check_validity=False,
                overwrite=True,
            )
            executed[source] = nb
    written = []
    for source in glued:
        path = values_path(source, root)
        text = dumps(executed_values(executed[source]))
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


# ---------------------------------------------------------------------------
# Проверки
# ---------------------------------------------------------------------------


def compare(executed: dict[str, str], recorded: dict[str, dict]) -> list[str]:
    """Расхождения между текстом значений после исполнения и записанным в ``book/_glue``."""
    problems = []
    for name in sorted(executed.keys() | recorded.keys()):
        if name not in recorded:
            problems.append(f"значение {name} не записано")
        elif name not in executed:
            problems.append(f"записано значение {name}, которого раздел больше не передаёт")
        elif executed[name] != recorded[name]["text"]:
            problems.append(f"{name}: при исполнении «{executed[name]}», записано «{recorded[name]['text']}»")
    return problems


def conflicts(root: Path, sources: list[Path], rel_tol: float = 1e-9) -> list[str]:
    """Имена, которые в двух разделах означают разные значения."""
    import math

    seen: dict[str, tuple[str, object]] = {}
    problems = []
    for source in sources:
        rel = source.relative_to(root).as_posix()
        for name, entry in committed(source, root).items():
            value = entry["value"]
            if name not in seen:
                seen[name] = (rel, value)
                continue
            where, other = seen[name]
            same = (
                math.isclose(value, other, rel_tol=rel_tol, abs_tol=1e-12)
                if isinstance(value, (int, float)) and isinstance(other, (int, float))
                else value == other
            )
            if not same:
                problems.append(f"{name}: {where} — {other!r}, {rel} — {value!r}")
    return problems
