"""Ячейки упражнения: решение пишется один раз, заготовка выводится из него.

Автор пишет в исходнике раздела только ячейку-решение и помечает в ней
комментариями в конце строки, что увидит учащийся:

``x = выражение  # ___: подсказка``
    в заготовке ``x = ___  # подсказка``: правая часть присваивания (или
    ``return``, или значение в строке словаря) заменяется пропуском, текст
    после двоеточия остаётся подсказкой. Без подсказки — просто ``# ___``.
``строка  # только в решении``
    оператор (вместе с продолжением на следующих строках и телом, если это
    ``for`` или ``def``) в заготовку не попадает.

Остальное заготовка повторяет как есть. Метка относится к оператору, в
строках которого стоит; комментарий перед меткой (``x = 1  # пояснение  # ___``)
остаётся в решении. Строку проверки ``qN.check()`` генератор дописывает сам — и в
заготовку, и в решение. Заготовку можно написать и руками (ячейка ``starter``
прямо перед решением), если так она учит лучше: тогда она берётся как есть.

Одна и та же функция :func:`expand` готовит ячейки для тетрадей (генератор
``salesbook.authoring.notebooks``) и для книги (``salesbook.authoring.sphinx_ext``),
а :func:`exercise_title` нумерует упражнения и там, и там.
"""

from __future__ import annotations

import ast
import copy
import io
import re
import tokenize

import nbformat

STARTER_TAGS = ["starter", "remove-output"]
SOLUTION_ONLY = "только в решении"

_MARKER = re.compile(
    r"^(?P<own>.*?)\s*#\s*(?:___(?:\s*:\s*(?P<hint>.*?))?|(?P<only>" + SOLUTION_ONLY + r"))\s*$"
)


class MarkerError(ValueError):
    """Метка в решении стоит там, где её нельзя применить."""


def exercise_title(number: int, subtitle: str | None = None) -> str:
    """«Упражнение 2. Название»: упражнения нумеруются с 1 на каждой странице."""
    return f"Упражнение {number}" + (f". {subtitle}" if subtitle else "")


def check_line(exercise_id: str) -> str:
    """``ch01.cac.q3`` → ``q3.check()``: объект упражнения в тетради зовётся по последней части id."""
    return f"{exercise_id.rsplit('.', 1)[-1]}.check()"


def cell_tags(cell) -> list[str]:
    """Теги ячейки тетради (пустой список, если их нет)."""
    return list(cell.get("metadata", {}).get("tags", []))


# ---------------------------------------------------------------------------
# Разбор меток
# ---------------------------------------------------------------------------


def _comments(source: str) -> dict[int, tuple[int, str]]:
    """Номер строки (с 1) → (столбец, где начинается комментарий, его текст)."""
    return {token.start[0]: (token.start[1], token.string)
            for token in tokenize.generate_tokens(io.StringIO(source).readline) if token.type == tokenize.COMMENT}


def _char_col(line: str, byte_col: int) -> int:
    """Позиции в ``ast`` — в байтах UTF-8, а строки кода — с кириллицей."""
    return len(line.encode("utf-8")[:byte_col].decode("utf-8"))


def _statement_at(tree: ast.AST, line: int) -> ast.stmt | None:
    """Самый вложенный оператор, в строки которого попадает ``line``."""
    best = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno <= line <= node.end_lineno:
            if best is None or (node.lineno, -node.end_lineno) >= (best.lineno, -best.end_lineno):
                best = node
    return best


def _blank_target(tree: ast.AST, line: int) -> ast.expr:
    """Выражение, которое метка ``# ___`` в строке ``line`` заменяет пропуском."""
    statement = _statement_at(tree, line)
    if statement is not None and statement.lineno != line:  # строка словаря внутри оператора
        entries = [value for node in ast.walk(statement) if isinstance(node, ast.Dict)
                   for key, value in zip(node.keys, node.values) if key is not None and key.lineno <= line <= value.end_lineno]
        if entries:
            return max(entries, key=lambda value: value.lineno)
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return)) and statement.value is not None:
        return statement.value
    raise MarkerError(f"строка {line}: метка ___ ставится у присваивания, return или строки словаря")


# ---------------------------------------------------------------------------
# Заготовка и решение
# ---------------------------------------------------------------------------


def _code(line: str, comment_col: int | None) -> str:
    return (line if comment_col is None else line[:comment_col]).rstrip()


def _without_marker(line: str, marker: tuple[int, re.Match] | None) -> str:
    """Строка решения без метки; свой комментарий автора перед меткой остаётся."""
    if marker is None:
        return line
    col, match = marker
    own = match["own"].rstrip()
    return line[:col] + own if own.lstrip("#").strip() else _code(line, col)


def _tidy(lines: list[str]) -> str:
    """Без пустых строк по краям и без серий из трёх и больше пустых строк."""
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return re.sub(r"\n{4,}", "\n\n\n", text)


def _with_check(code: str, check: str) -> str:
    """Дописать ``qN.check()``: после функции или класса — через две пустые строки (PEP 8)."""
    body = ast.parse(code).body if code.strip() else []
    gap = "\n\n\n" if body and isinstance(body[-1], (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else "\n"
    return f"{code}{gap}{check}" if code else check


def _align_hints(rows: list[tuple[str, str | None, bool]]) -> list[str]:
    """Подсказки подряд идущих пропусков — в один столбец, как в аккуратной заготовке."""
    out = []
    i = 0
    while i < len(rows):
        if not rows[i][2]:
            out.append(rows[i][0])
            i += 1
            continue
        j = i
        while j < len(rows) and rows[j][2]:
            j += 1
        width = max((len(code) for code, hint, _ in rows[i:j] if hint), default=0) + 2
        out.extend(code.ljust(width) + f"# {hint}" if hint else code for code, hint, _ in rows[i:j])
        i = j
    return out


def split_solution(source: str, exercise_id: str) -> tuple[str, str]:
    """Решение с метками → (заготовка, решение без меток); обе со строкой ``qN.check()``."""
    check = check_line(exercise_id)
    try:
        tree = ast.parse(source)
        comments = _comments(source)
    except (SyntaxError, tokenize.TokenError) as exc:
        raise MarkerError(f"решение не разбирается как Python: {exc}") from None
    if any(isinstance(n, ast.Expr) and ast.unparse(n).strip() == check for n in tree.body):
        raise MarkerError(f"строку {check} генератор допишет сам — уберите её из решения")
    markers = {n: (col, match) for n, (col, text) in comments.items() if (match := _MARKER.match(text))}
    lines = source.split("\n")
    solution = [_without_marker(line, markers.get(n)) for n, line in enumerate(lines, 1)]

    dropped: set[int] = set()
    blanks: dict[int, tuple[ast.expr, str | None]] = {}
    for n, (_, match) in markers.items():
        if match["only"]:
            statement = _statement_at(tree, n)
            if statement is None:
                raise MarkerError(f"строка {n}: метка «{SOLUTION_ONLY}» стоит не у оператора")
            dropped.update(range(statement.lineno, statement.end_lineno + 1))
        else:
            target = _blank_target(tree, n)
            blanks[target.lineno] = (target, match["hint"] or None)

    rows: list[tuple[str, str | None, bool]] = []
    n = 1
    while n <= len(lines):
        if n in dropped:
            n += 1
            continue
        if n in blanks:
            target, hint = blanks[n]
            first, last = lines[n - 1], lines[target.end_lineno - 1]
            head = first[: _char_col(first, target.col_offset)]
            tail = _code(last, comments.get(target.end_lineno, (None,))[0])[_char_col(last, target.end_col_offset):]
            rows.append((f"{head}___{tail}".rstrip(), hint, True))
            n = target.end_lineno + 1
            continue
        line = lines[n - 1]
        rows.append((line if n not in markers else _code(line, markers[n][0]), None, False))
        n += 1
    starter = _tidy(_align_hints(rows))
    try:
        ast.parse(starter)
    except SyntaxError as exc:
        raise MarkerError(f"заготовка без строк «{SOLUTION_ONLY}» не разбирается как Python: {exc.msg}, строка {exc.lineno}") from None
    return _with_check(starter, check), _with_check(_tidy(solution), check)


# ---------------------------------------------------------------------------
# Тетрадь раздела целиком
# ---------------------------------------------------------------------------


def expand(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Тетрадь-исходник → та же тетрадь, где перед каждым решением стоит заготовка.

    Решение очищается от меток и получает строку проверки; заготовка выводится из
    решения, если автор не написал её сам (ячейка ``starter`` прямо перед решением).
    Ошибки в метках — :class:`MarkerError` с id упражнения.
    """
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if "solution" not in cell_tags(cell):
            cells.append(cell)
            continue
        exercise_id = cell.metadata.get("exercise", "")
        try:
            starter, solution = split_solution(cell.source, exercise_id)
        except MarkerError as exc:
            raise MarkerError(f"упражнение {exercise_id}: {exc}") from None
        if not (cells and "starter" in cell_tags(cells[-1])):
            cells.append(nbformat.v4.new_code_cell(starter, metadata={"tags": list(STARTER_TAGS)}))
        cell.source = solution
        cells.append(cell)
    nb.cells = cells
    return nb


def expand_text(text: str) -> str:
    """То же для текста исходника MyST: так книга получает заготовки до исполнения."""
    import jupytext

    return jupytext.writes(expand(jupytext.reads(text, fmt="md:myst")), fmt="md:myst")
