"""Чтение сданного файла и определение раздела курса.

Тетрадь читается как обычный JSON (без nbformat и его проверки схемы — так быстрее и
ничего из файла не исполняется); ячейки — словари с текстом ``source`` одной строкой.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

_IMPORT = re.compile(r"^salesbook\.exercises\.(ch\d\d_\w+)$")
#: Файл больше этого не читается: тетрадь курса без выводов весит сотни килобайт.
MAX_FILE_BYTES = 200 * 1024 * 1024


def read_notebook(path: Path):
    """``(тетрадь, "", "")`` или ``(None, вердикт, подробность)`` для пустого и повреждённого файла.

    Тетрадь — словарь JSON; у каждой ячейки ``cell_type`` и ``source`` (строка), ``metadata`` — словарь.
    """
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
    if not isinstance(data.get("metadata", {}), dict):
        return None, "corrupt", "метаданные не словарь"
    data.setdefault("metadata", {})
    for cell in data["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            return None, "corrupt", "ячейка неизвестного вида"
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            return None, "corrupt", "ячейка без текста"
        cell["source"] = source
        if not isinstance(cell.get("metadata", {}), dict):
            cell["metadata"] = {}
    return data, "", ""


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
def module(name: str | None):
    """Модуль упражнений ``salesbook.exercises.<name>`` или ``None``, если его нет в этой версии."""
    if not name or not re.fullmatch(r"ch\d\d_\w+", name):
        return None
    try:
        return importlib.import_module(f"salesbook.exercises.{name}")
    except ImportError:
        return None


def _setup_import(nb) -> tuple[int, str, list[tuple[str, str]]] | None:
    """Первая строка ``from salesbook.exercises.chNN_x import …``: (ячейка, модуль, [(имя, псевдоним)])."""
    for number, cell in enumerate(nb["cells"], 1):
        if cell.get("cell_type") != "code" or "salesbook.exercises" not in cell["source"]:
            continue
        try:
            tree = ast.parse(cell["source"])
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and _IMPORT.match(node.module):
                names = [(a.name, a.asname or a.name) for a in node.names]
                return number, _IMPORT.match(node.module).group(1), names
    return None


def _rewrite_import(nb, cell_number: int, module: str, keep: list[tuple[str, str]]) -> None:
    """Оставить в строке импорта только имена, которые есть в этой версии курса."""
    cell = nb["cells"][cell_number - 1]
    tree = ast.parse(cell["source"])
    lines = cell["source"].split("\n")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == f"salesbook.exercises.{module}":
            names = ", ".join(n if n == a else f"{n} as {a}" for n, a in keep) or "SECTION"
            new = f"from salesbook.exercises.{module} import {names}"
            start, end = node.lineno - 1, node.end_lineno - 1
            lines[start:end + 1] = [new]
            break
    cell["source"] = "\n".join(lines)


def identify(nb, wanted: list[str], course_version: str) -> dict:
    """Что это за тетрадь и что в ней проверять.

    Возвращает словарь состояния: ``verdict`` (``run`` — исполнять; ``foreign``,
    ``solutions``, ``other_section``, ``no_module`` — не исполнять), раздел, список
    упражнений, имена объектов упражнений в тетради и заметки для отчёта.
    """
    from salesbook.runtime.checks import Exercise

    meta = nb["metadata"].get("salesbook") if isinstance(nb["metadata"].get("salesbook"), dict) else {}
    source = meta.get("source") if isinstance(meta.get("source"), str) else ""
    variant = meta.get("variant") if isinstance(meta.get("variant"), str) else ""
    version = meta.get("course_version") if isinstance(meta.get("course_version"), str) else ""
    found = _setup_import(nb)
    info: dict = {"source": source, "variant": variant, "version": version, "notes": [], "unknown": []}
    if not source and found is None:
        info["verdict"] = "foreign"
        return info
    ids = _book_exercises(source) if source else None
    module_name = found[1] if found else None
    if ids:  # модуль упражнений раздела назван по префиксу id: ch01.cac → ch01_cac
        module_name = ids[0].rsplit(".", 1)[0].replace(".", "_")
    if not source:
        info["notes"].append("в тетради нет метаданных курса — раздел узнан по строке импорта упражнений")
    exercises_module = module(module_name)
    if exercises_module is None:
        info["verdict"] = "no_module"
        info["section"] = section_number(source) if source else (module_name or "")
        return info
    info["module"] = module_name
    info["title"] = exercises_module.TITLE
    info["section"] = section_number(source) if source else exercises_module.SECTION
    if version and version != course_version:
        info["notes"].append(f"тетрадь версии курса {version}, проверка — по версии {course_version}")
    elif not version and source:
        info["notes"].append("в тетради не указана версия курса — проверка по текущей версии")
    if variant == "solutions" or _looks_like_solutions(nb, exercises_module):
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
            obj = getattr(module(imported_module), name, None)
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
    known = {v.id for v in vars(exercises_module).values() if isinstance(v, Exercise)}
    info["exercises"] = [i for i in ids if i in known]
    info["exercise_vars"] = by_var
    info["verdict"] = "run"
    return info


def _looks_like_solutions(nb, exercises_module) -> bool:
    """Тетрадь с решениями без метаданных: ячейки с тегом ``solution`` (так их размечает генератор), или нет
    ни одной заготовки (тег ``starter``), а решения трёх и больше упражнений раздела стоят в ней слово в слово."""
    from salesbook.exercises import solution_code
    from salesbook.runtime.checks import Exercise

    tags = [t for c in nb["cells"] for t in (c["metadata"].get("tags") or []) if isinstance(t, str)]
    if "solution" in tags:
        return True
    if "starter" in tags:
        return False
    texts = {c["source"].strip() for c in nb["cells"] if c.get("cell_type") == "code"}
    ids = [v.id for v in vars(exercises_module).values() if isinstance(v, Exercise)]
    codes = [(solution_code(i) or "").strip() for i in ids]
    matched = sum(1 for code in codes if code and code in texts)
    return bool(codes) and matched >= min(3, len(codes))


def _matches(info: dict, source: str, wanted: list[str]) -> bool:
    number = info.get("section", "")
    stem = Path(source).stem if source else ""
    for w in wanted:
        w = w.strip()
        if w and (w == number or number.startswith(w + ".") or w == stem or w == info.get("module")
                  or w == getattr(module(info.get("module")), "SECTION", None)):
            return True
    return False



class _Mask(ast.NodeTransformer):
    """Числа и строки — заглушкой: поправленное в ячейке курса число не делает её своей."""

    def visit_Constant(self, node):
        return ast.copy_location(ast.Constant(value=0), node)


def cell_key(source: str) -> str:
    """Ключ ячейки кода без пробелов, комментариев и значений констант (по синтаксическому дереву)."""
    import hashlib

    try:
        try:
            tree = ast.parse(source)
        except SyntaxError:   # магия IPython (%time, !pip) — через его преобразователь
            from salesbook.authoring.grading.safe import _ipython_to_python

            tree = ast.parse(_ipython_to_python(source))
        text = ast.dump(_Mask().visit(tree), annotate_fields=False)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        text = "text:" + " ".join(source.split())
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()


_KEYS: frozenset[str] | None = None


def course_cell_keys() -> frozenset[str]:
    """Ключи ячеек курса (считаются один раз; проверяющий процесс получает их готовыми от родителя)."""
    global _KEYS
    if _KEYS is None:
        _KEYS = _collect_course_cell_keys()
    return _KEYS


def use_course_cell_keys(keys) -> None:
    global _KEYS
    _KEYS = frozenset(keys)


def _collect_course_cell_keys() -> frozenset[str]:
    """Ключи ячеек кода всех рабочих тетрадей курса (``notebooks/``) — по всем разделам сразу.

    Ячейку, которую участник не менял или только поправил в ней число, написал автор
    курса: её обращения к закрытым именам (``ex._churn_ratio``) — не обман, а отказ
    эталона в ней на оценку не влияет. Ищется по всем тетрадям, а не по метаданным
    сданной: у тетради без метаданных и у тетради прошлой версии они не помогут.
    Заготовки упражнений (с ``___``) сюда тоже входят — в них ничего не решено.
    """
    keys = set()
    for path in sorted((ROOT / "notebooks").glob("*/*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        for cell in cells:
            if isinstance(cell, dict) and cell.get("cell_type") == "code":
                source = cell.get("source", "")
                text = "".join(source) if isinstance(source, list) else str(source)
                if text.strip():
                    keys.add(cell_key(text))
    return frozenset(keys)


def is_course_cell(source: str) -> bool:
    return bool(source.strip()) and cell_key(source) in course_cell_keys()
