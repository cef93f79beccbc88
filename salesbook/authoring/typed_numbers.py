"""Числа, набранные в тексте разделов руками.

Число, которое зависит от данных или кода (деньги, проценты, сроки, доли, счётчики),
вставляется из кода ролью ``{glue:text}`` (см. ``glue.py``): набранное руками
разойдётся с таблицей рядом, как только изменятся данные. Эвристика ищет в Markdown
разделов ``book/chNN/*.md`` (вне ячеек кода, формул, опций директив, ролей вроде
``{cite}``, меток и номеров в заголовках) числа с ₽, %, «мес», «дн», «раз», десятичной
запятой, пробелами между разрядами или со словами «клиентов», «сделок», «лидов».

Число, которое от данных не зависит — ориентир из источника со ссылкой, определение
(«3:1»), порог, который выбирает сам текст, условие упражнения, — вносится в
``book/typed_numbers.yml``: точная фраза из раздела и причина. Исключение, которое
больше не встречается в тексте, тоже считается ошибкой, чтобы список не устаревал.

Между числом и знаком единицы (₽, %, «п. п.», «тыс.», «мес.»…) пробел неразрывный
(U+00A0), как в ``fmt``: :func:`breaking_spaces` находит обычный.
"""

from __future__ import annotations

import re
from pathlib import Path

EXCEPTIONS = Path("book") / "typed_numbers.yml"

_SPACE = "[ \u00a0\u202f]"
_NUMBER = rf"\d+(?:{_SPACE}\d{{3}})*(?:,\d+)?"
_UNIT = r"(?:%|₽|руб|тыс|млн|млрд|долл|\$|мес(?:яц|\.|\b)|дн(?:е|я|и|\.|\b)|недел|раз(?:а|\b)|п\.\s?п\.|×)"
SUSPICIOUS = re.compile(
    rf"(?<![\w.,])(?:{_NUMBER}(?:\s?[–—-]\s?{_NUMBER})?{_SPACE}?{_UNIT}\w*"  # число с единицей
    rf"|{_NUMBER}(?:\s?[–—-]\s?{_NUMBER})?\s(?:клиент|сделк|сделок|лид)\w*"  # счётчики из данных
    rf"|\d+,\d+"  # десятичная запятая
    rf"|\d{{1,3}}(?:{_SPACE}\d{{3}})+)"  # разряды
)

_SPACES = re.compile("[\u00a0\u202f]")
_FENCE = re.compile(r"^(`{3,}|:{3,})\s*(?:\{([\w:-]+)\})?(.*)$")
_CODE_DIRECTIVES = {"code-cell", "math", "code-block", "code"}
_HIDDEN = [
    re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$"),  # формулы
    re.compile(r"\{[\w:-]+\}`[^`]*`"),  # роли: {cite}`…`, {ref}`…`, {glue:text}`…`
    re.compile(r"`[^`]*`"),  # код в строке
    re.compile(r"\]\([^)]*\)"),  # адреса ссылок
    re.compile(r"<!--.*?-->"),
    re.compile(r"^\([\w.-]+\)=\s*$"),  # метки
    re.compile(r"^#+\s+[\d.]+\s"),  # номер раздела в заголовке
]


def prose_lines(text: str):
    """Строки Markdown раздела с номерами (от 1): без шапки, кода, формул и опций директив."""
    lines = text.split("\n")
    i = 0
    if lines and lines[0].strip() == "---":
        i = lines.index("---", 1) + 1
    open_fences: list[str] = []  # директивы с текстом внутри ({exercise}, {admonition}…)
    in_math = False
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence and not fence.group(2) and open_fences and fence.group(1) == open_fences[-1] and not fence.group(3).strip():
            open_fences.pop()  # конец директивы с текстом
        elif fence and (fence.group(2) in _CODE_DIRECTIVES or (not fence.group(2) and fence.group(1)[0] == "`")):
            closing = fence.group(1)  # ячейка кода, формула или блок кода: пропустить целиком
            i += 1
            while i < len(lines) and lines[i].strip() != closing:
                i += 1
        elif fence and fence.group(2):
            open_fences.append(fence.group(1))
            yield i + 1, line  # заголовок директивы — текст
        elif line.strip().startswith("$$") and not (in_math or line.strip().endswith("$$") and len(line.strip()) > 2):
            in_math = True
        elif in_math:
            in_math = not line.strip().endswith("$$")
        elif not re.match(r"^:[\w-]+:", line):
            yield i + 1, line
        i += 1


def _hide(line: str) -> str:
    for pattern in _HIDDEN:
        line = pattern.sub(lambda m: " " * len(m.group(0)), line)
    return line


_UNIT_AFTER_SPACE = r"(?=%|₽|п\.\s?п\.|тыс\.|млн|млрд|мес\.|дн\.|долл\.)"
_BREAKING = re.compile(rf"(?:\d|(?<=[\s(])(?:тыс\.|млн|млрд)) {_UNIT_AFTER_SPACE}")
_GLUE_ROLE = re.compile(r"\{glue:text\}`[^`]*`")


def breaking_spaces(root: Path, sources: list[Path]) -> list[tuple[str, int, int]]:
    """Обычные пробелы между числом (или вставкой {glue:text}) и единицей: (файл, строка, позиция пробела)."""
    found = []
    for source in sources:
        rel = source.relative_to(root).as_posix()
        for number, line in prose_lines(source.read_text(encoding="utf-8")):
            line = _GLUE_ROLE.sub(lambda m: "0" * len(m.group(0)), line)  # вставка — тоже число
            found += [(rel, number, m.end() - 1) for m in _BREAKING.finditer(_hide(line))]
    return found


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def breaking_spaces_in_python(root: Path, sources: list[Path]) -> list[tuple[str, int, str]]:
    """То же для строк пакета, которые видит учащийся (сообщения проверок, подсказки, docstring):
    (файл, строка, фрагмент). Поле f-строки ``{...}`` считается числом: ``f"{share} %"`` — ошибка."""
    import io
    import tokenize

    found = []
    for source in sources:
        rel = source.relative_to(root).as_posix()
        text = source.read_text(encoding="utf-8")
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.STRING:
                continue
            body = token.string
            prefix = body[: len(body) - len(body.lstrip("rRbBuUfF"))].lower()
            if "b" in prefix:
                continue
            if "f" in prefix:
                body = _PLACEHOLDER.sub(lambda m: "0" * len(m.group(0)), body)
            for m in _BREAKING.finditer(body):
                line = token.start[0] + body.count("\n", 0, m.start())
                found.append((rel, line, token.string[max(0, m.start() - 12): m.end() + 3]))
    return found


def load_exceptions(root: Path) -> dict[str, list[dict]]:
    import yaml

    path = root / EXCEPTIONS
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}


def find(root: Path, sources: list[Path]) -> list[str]:
    """Набранные руками числа, которых нет в исключениях, и исключения, которых нет в тексте."""
    exceptions = load_exceptions(root)
    problems = []
    for source in sources:
        rel = source.relative_to(root).as_posix()
        phrases = [_SPACES.sub(" ", e["phrase"]) for e in exceptions.get(rel, [])]
        used = set()
        for number, line in prose_lines(source.read_text(encoding="utf-8")):
            line = _SPACES.sub(" ", line)  # во фразе исключения пробелы обычные
            for phrase in sorted(phrases, key=len, reverse=True):  # длинная фраза раньше вложенной в неё
                if phrase in line:
                    used.add(phrase)
                    line = line.replace(phrase, " " * len(phrase))
            for match in SUSPICIOUS.finditer(_hide(line)):
                problems.append(f"{rel}:{number}: «{match.group(0).strip()}» — вставьте из кода или внесите в {EXCEPTIONS}")
        problems += [f"{rel}: исключения «{p}» больше нет в тексте — уберите его из {EXCEPTIONS}" for p in phrases if p not in used]
    problems += [f"{EXCEPTIONS}: нет раздела {name}" for name in exceptions if not (root / name).exists()]
    return problems
