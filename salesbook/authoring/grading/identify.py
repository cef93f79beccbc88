"""Чтение сданного файла и определение раздела курса."""

from __future__ import annotations

import ast
import json
import re
from functools import lru_cache
from pathlib import Path

from salesbook.authoring.notebooks import ROOT

_IMPORT = re.compile(r"^salesbook\.exercises\.(ch\d\d_\w+)$")
#: Файл больше этого не читается: тетрадь курса без выводов весит сотни килобайт.
MAX_FILE_BYTES = 200 * 1024 * 1024


def read_notebook(path: Path):
    """``(тетрадь, "", "")`` или ``(None, вердикт, подробность)`` для пустого и повреждённого файла."""
    import nbformat

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, "too_big", f"{size // (1024 * 1024)}"
        raw = path.read_bytes()
    except OSError as exc:
        return None, "unreadable", exc.strerror or type(exc).__name__
    if not raw.strip():
        return None, "empty", ""
    try:
        text = raw.decode("utf-8")
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, "corrupt", "не JSON"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, "corrupt", "нет списка ячеек"
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:
        return None, "corrupt", type(exc).__name__
    for cell in nb.cells:
        if not isinstance(cell.get("source", ""), str) or "cell_type" not in cell:
            return None, "corrupt", "ячейка без текста"
    return nb, "", ""


def section_number(source: str) -> str:
    """``book/ch03/3_2_modern_data.md`` → ``3.2``; ``book/ch01/1_1_1_cac.md`` → ``1.1.1``."""
    stem = Path(source).stem
    parts = []
    for piece in stem.split("_"):
        if not piece.isdigit():
            break
        parts.append(piece)
    return ".".join(parts)


@lru_cache(maxsize=None)
def _book_exercises(source: str) -> tuple[str, ...] | None:
    """Id упражнений исходника книги (в порядке текста) или ``None``, если исходника нет."""
    path = ROOT / source
    if not source.startswith("book/") or ".." in Path(source).parts or not path.is_file():
        return None
    return tuple(re.findall(r"^:exercise:\s*(\S+)", path.read_text(encoding="utf-8"), flags=re.M))


@lru_cache(maxsize=None)
def _modules() -> dict[str, object]:
    from salesbook.exercises import section_modules

    return {m.__name__.rsplit(".", 1)[1]: m for m in section_modules()}


def _setup_import(nb) -> tuple[int, str, list[tuple[str, str]]] | None:
    """Первая строка ``from salesbook.exercises.chNN_x import …``: (ячейка, модуль, [(имя, псевдоним)])."""
    for number, cell in enumerate(nb.cells, 1):
        if cell.get("cell_type") != "code" or "salesbook.exercises" not in cell.source:
            continue
        try:
            tree = ast.parse(cell.source)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and _IMPORT.match(node.module):
                names = [(a.name, a.asname or a.name) for a in node.names]
                return number, _IMPORT.match(node.module).group(1), names
    return None


def _rewrite_import(nb, cell_number: int, module: str, keep: list[tuple[str, str]]) -> None:
    """Оставить в строке импорта только имена, которые есть в этой версии курса."""
    cell = nb.cells[cell_number - 1]
    tree = ast.parse(cell.source)
    lines = cell.source.split("\n")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == f"salesbook.exercises.{module}":
            names = ", ".join(n if n == a else f"{n} as {a}" for n, a in keep) or "SECTION"
            new = f"from salesbook.exercises.{module} import {names}"
            start, end = node.lineno - 1, node.end_lineno - 1
            lines[start:end + 1] = [new]
            break
    cell.source = "\n".join(lines)


def identify(nb, wanted: list[str], course_version: str) -> dict:
    """Что это за тетрадь и что в ней проверять.

    Возвращает словарь состояния: ``verdict`` (``run`` — исполнять; ``foreign``,
    ``solutions``, ``other_section``, ``no_module`` — не исполнять), раздел, список
    упражнений, имена объектов упражнений в тетради и заметки для отчёта.
    """
    from salesbook.runtime.checks import Exercise

    meta = nb.metadata.get("salesbook") if isinstance(nb.metadata.get("salesbook"), dict) else {}
    source = meta.get("source") if isinstance(meta.get("source"), str) else ""
    variant = meta.get("variant") if isinstance(meta.get("variant"), str) else ""
    version = meta.get("course_version") if isinstance(meta.get("course_version"), str) else ""
    found = _setup_import(nb)
    info: dict = {"source": source, "variant": variant, "version": version, "notes": [], "unknown": []}
    if not source and found is None:
        info["verdict"] = "foreign"
        return info
    modules = _modules()
    ids = _book_exercises(source) if source else None
    module_name = found[1] if found else None
    if ids:
        module_name = next((name for name, m in modules.items() if m.SECTION == ids[0].rsplit(".", 1)[0]), module_name)
    if not source:
        info["notes"].append("в тетради нет метаданных курса — раздел узнан по строке импорта упражнений")
    module = modules.get(module_name) if module_name else None
    if module is None:
        info["verdict"] = "no_module"
        info["section"] = section_number(source) if source else (module_name or "")
        return info
    info["module"] = module_name
    info["title"] = module.TITLE
    info["section"] = section_number(source) if source else module.SECTION
    if version and version != course_version:
        info["notes"].append(f"тетрадь версии курса {version}, проверка — по версии {course_version}")
    elif not version and source:
        info["notes"].append("в тетради не указана версия курса — проверка по текущей версии")
    if variant == "solutions":
        info["verdict"] = "solutions"
        return info
    if wanted and not _matches(info, source, wanted):
        info["verdict"] = "other_section"
        return info
    by_var: dict[str, str] = {}
    if found is not None:
        cell_number, imported_module, names = found
        keep = []
        for name, alias in names:
            obj = getattr(modules.get(imported_module), name, None) if imported_module in modules else None
            if obj is None:
                info["unknown"].append(name)
            else:
                keep.append((name, alias))
                if isinstance(obj, Exercise):
                    by_var[alias] = obj.id
        if info["unknown"]:
            _rewrite_import(nb, cell_number, imported_module, keep)
    if ids is None:  # исходника книги нет (пакет без репозитория): упражнения — из строки импорта
        ids = tuple(by_var.values())
    known = {v.id for v in vars(module).values() if isinstance(v, Exercise)}
    info["exercises"] = [i for i in ids if i in known]
    info["exercise_vars"] = by_var
    info["verdict"] = "run"
    return info


def _matches(info: dict, source: str, wanted: list[str]) -> bool:
    number = info.get("section", "")
    stem = Path(source).stem if source else ""
    for w in wanted:
        w = w.strip()
        if w and (w == number or number.startswith(w + ".") or w == stem or w == info.get("module")
                  or w == getattr(_modules().get(info.get("module")), "SECTION", None)):
            return True
    return False
