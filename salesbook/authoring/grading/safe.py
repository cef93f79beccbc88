"""Безопасное чтение ответов из ядра и поиск обращений к эталонам в коде участника.

Ответы приходят из ядра, где выполнялся чужой код, поэтому читаются ограниченным
распаковщиком pickle (документация Python, «Restricting Globals»): разрешены только
глобальные имена из :data:`ALLOWED_GLOBALS`. Список выведен из самих проверок — это
имена, которые нужны pickle-представлению каждого эталона, каждой типичной ошибки
и результатов примеров функций (``tests/test_grade.py`` выводит их заново и сравнивает),
плюс встроенные и табличные типы, которыми участник обычно отвечает (множество,
дата, период, таблица с мультииндексом). Всё остальное — в том числе объект с
``__reduce__``, который зовёт ``os.system``, — отклоняется с русской строкой в отчёте.
"""

from __future__ import annotations

import ast
import io
import pickle
from typing import Any

#: (модуль, имя), которые может содержать ответ.
ALLOWED_GLOBALS = frozenset({
    ("builtins", "complex"), ("builtins", "range"), ("builtins", "slice"),
    ("builtins", "set"), ("builtins", "frozenset"),
    ("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"),
    ("numpy", "dtype"), ("numpy", "ndarray"),
    ("numpy._core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "scalar"),
    ("pandas", "Categorical"), ("pandas", "CategoricalDtype"), ("pandas", "DataFrame"),
    ("pandas", "DatetimeIndex"), ("pandas", "Index"), ("pandas", "Int64Dtype"), ("pandas", "MultiIndex"),
    ("pandas", "Period"), ("pandas", "PeriodDtype"), ("pandas", "PeriodIndex"), ("pandas", "RangeIndex"),
    ("pandas", "Series"), ("pandas", "StringDtype"), ("pandas", "Float64Dtype"), ("pandas", "BooleanDtype"),
    ("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked"),
    ("pandas._libs.internals", "_unpickle_block"),
    ("pandas._libs.tslibs.timedeltas", "_timedelta_unpickle"),
    ("pandas._libs.tslibs.timestamps", "_unpickle_timestamp"),
    ("pandas.arrays", "DatetimeArray"), ("pandas.arrays", "IntegerArray"), ("pandas.arrays", "PeriodArray"),
    ("pandas.arrays", "StringArray"), ("pandas.arrays", "FloatingArray"), ("pandas.arrays", "BooleanArray"),
    ("pandas.core.indexes.base", "_new_Index"),
    ("pandas.core.indexes.datetimes", "_new_DatetimeIndex"),
    ("pandas.core.internals.managers", "BlockManager"),
    ("pandas.core.internals.managers", "SingleBlockManager"),
} | {("pandas._libs.tslibs.offsets", name) for name in (
    "Day", "Hour", "Minute", "Second", "Week", "MonthEnd", "MonthBegin", "QuarterEnd", "QuarterBegin",
    "YearEnd", "YearBegin", "BusinessDay",
)})


class UnsafeAnswer(Exception):
    """Ответ содержит то, что проверяющий не распаковывает."""


class RestrictedUnpickler(pickle.Unpickler):
    """Распаковщик, который знает только имена из :data:`ALLOWED_GLOBALS`."""

    def find_class(self, module: str, name: str):
        if (module, name) in ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise UnsafeAnswer(f"{module}.{name}")


def loads(data: bytes) -> Any:
    """Распаковать ответ; запрещённое имя → :class:`UnsafeAnswer` с его названием."""
    return RestrictedUnpickler(io.BytesIO(data)).load()


class _Recorder(pickle.Unpickler):
    def __init__(self, file, found: set):
        super().__init__(file)
        self.found = found

    def find_class(self, module, name):
        self.found.add((module, name))
        return super().find_class(module, name)


def globals_needed(value: Any) -> set[tuple[str, str]]:
    """Глобальные имена, которые нужны pickle-представлению ``value`` (для вывода списка)."""
    found: set[tuple[str, str]] = set()
    _Recorder(io.BytesIO(pickle.dumps(value, protocol=4)), found).load()
    return found


# ---------------------------------------------------------------------------
# Поиск обращений к эталонам и решениям (по синтаксическому дереву, не по тексту)
# ---------------------------------------------------------------------------

#: Атрибуты упражнения, через которые виден эталон или решение.
REFERENCE_ATTRS = frozenset({
    "expected", "expected_value", "mistake_value", "mistakes", "solution", "solution_code",
    "compare", "cases", "correct_message", "_cache", "_evaluate", "_solutions", "SOLUTIONS_FILE",
    "grading_capture", "grading_capture_missing", "_GRADING_DIR",
})
#: Подстроки строковых констант, которые ведут к решениям или к папке проверки.
REFERENCE_STRINGS = ("solutions.json", "solutions/", "SALESBOOK_GRADING", "answer-ch")


def _ipython_to_python(source: str) -> str:
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:
        return source


def _parsed(cells: list[tuple[int, str]]) -> list[tuple[int, ast.AST]]:
    """Синтаксические деревья ячеек (магии IPython переведены в Python); ячейки, которые не
    разбираются, пропускаются: их ошибку отчёт называет по исполнению."""
    trees = []
    for number, source in cells:
        try:
            trees.append((number, ast.parse(_ipython_to_python(source))))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return trees


def scan_cells(cells: list[tuple[int, str]], exercise_vars: dict[str, str]) -> list[dict]:
    """Обращения к эталону или решению: ``[{cell, what, exercise}]``.

    ``exercise_vars`` — имя объекта упражнения в тетради (``q1``) → id упражнения.
    Если обращение идёт к конкретному упражнению (``q3.solution()``), отметка
    касается только его (``exercise``); иначе (чтение solutions.json, ``solution_code``)
    — всех упражнений тетради (``exercise`` = ``None``). ``strong`` = ``False`` у
    сомнительного (закрытые имена модулей курса): такое не снимает зачёт, а просит
    посмотреть тетрадь глазами. Ячейки курса, которые участник не менял или только
    поправил в них числа, сюда не передаются (:func:`identify.is_course_cell`).
    """
    flags: list[dict] = []
    salesbook_names: set[str] = set()
    trees = _parsed(cells)
    for number, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("salesbook"):
                        salesbook_names.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("salesbook"):
                for alias in node.names:
                    if alias.name in REFERENCE_ATTRS:
                        flags.append({"cell": number, "what": f"импорт {node.module}.{alias.name}", "exercise": None,
                                      "strong": True})
                    elif alias.name.startswith("_") and alias.name != "___":
                        flags.append({"cell": number, "what": f"импорт {node.module}.{alias.name}", "exercise": None,
                                      "strong": False})
                    salesbook_names.add(alias.asname or alias.name)
    for number, tree in trees:
        called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                base = node.value.id if isinstance(node.value, ast.Name) else None
                shown = f"{base or '…'}.{node.attr}" + ("()" if id(node) in called else "")
                if node.attr in REFERENCE_ATTRS:
                    flags.append({"cell": number, "what": shown, "strong": True,
                                  "exercise": exercise_vars.get(base) if base else None})
                elif (node.attr.startswith("_") and not node.attr.startswith("__") and base in salesbook_names
                      and base not in exercise_vars):
                    flags.append({"cell": number, "what": shown, "exercise": None, "strong": False})
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                hit = next((s for s in REFERENCE_STRINGS if s in node.value), None)
                if hit:
                    flags.append({"cell": number, "what": f"строка «{hit}»", "exercise": None, "strong": True})
                elif node.value in REFERENCE_ATTRS:  # getattr(q1, "solution")
                    flags.append({"cell": number, "what": f"getattr(…, «{node.value}»)", "exercise": None,
                                  "strong": True})
    unique = []
    for flag in flags:
        if flag not in unique:
            unique.append(flag)
    return unique


def check_redefinitions(cells: list[tuple[int, str]], exercise_vars: dict[str, str]) -> list[int]:
    """Ячейки, где переопределена проверка (``q1.check = …``, ``def check``) — для отчёта."""
    found = []
    for number, tree in _parsed(cells):
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "check":
                found.append(number)
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "check":
                    found.append(number)
                elif isinstance(target, ast.Name) and target.id in exercise_vars:
                    found.append(number)
    return sorted(set(found))
