"""Единая терминология курса: запрещённые варианты из ``book/terms.yml``.

Лист терминов (``book/terms.yml``) — для каждого термина предпочтительная форма,
запрещённые варианты (регулярные выражения), где правило действует и причина.
Проверяются:

* текст книги (``book/*.md``, ``book/chNN/*.md``) — вне ячеек кода, кода в строке,
  формул, адресов, ролей ``{cite}``/``{ref}``/``{glue:text}`` и целей ``{term}``;
  заголовки статей глоссария (английский термин отрасли) не проверяются;
* строки, которые видит слушатель: русские строковые константы (``ast``) в
  ``salesbook/exercises/*.py``, ``salesbook/runtime/*.py`` и в ячейках кода книги, а в
  ``salesbook/toolkit/*.py`` — кроме строк документации (сообщения об ошибках, подписи);
* написанные руками части ``datasets/README.md`` (без блоков, которые пишет код).

Правило ``first_use`` требует, чтобы первое в порядке книги (``_toc.yml``) упоминание
термина было в заданной форме.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from salesbook.authoring.typed_numbers import prose_lines

SHEET = Path("book") / "terms.yml"

_CYRILLIC = re.compile("[а-яё]", re.I)
_HIDDEN = [
    re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$"),  # формулы
    re.compile(r"\{term\}`[^`<]*<[^`>]*>`"),  # {term}`текст <Цель>` — обрабатывается отдельно
    re.compile(r"\{[\w:-]+\}`[^`]*`"),  # роли: {cite}, {ref}, {glue:text}, {term}`Цель`
    re.compile(r"`[^`]*`"),  # код в строке
    re.compile(r"\]\([^)]*\)"),  # адреса ссылок
    re.compile(r"https?://\S+"),
    re.compile(r"<!--.*?-->"),
    re.compile(r"^\([\w.-]+\)=\s*$"),  # метки
]
_TERM_TEXT = re.compile(r"\{term\}`([^`<]*)<[^`>]*>`")
_README_BLOCK = re.compile(r"<!-- (\w+):start -->.*?<!-- \1:end -->", re.S)


@dataclass(frozen=True)
class Rule:
    id: str
    preferred: str
    banned: tuple[re.Pattern, ...]
    allowed: tuple[re.Pattern, ...]
    scope: frozenset[str]
    reason: str


@dataclass(frozen=True)
class Hit:
    file: str
    line: int
    found: str
    rule: Rule

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: «{self.found}» → {self.rule.preferred} ({self.rule.reason})"


def load_sheet(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def rules(sheet: dict) -> list[Rule]:
    out = []
    for entry in sheet["terms"]:
        flags = 0 if entry.get("case_sensitive") else re.I
        out.append(Rule(
            id=entry["id"], preferred=entry["preferred"],
            banned=tuple(re.compile(p, flags) for p in entry.get("banned", [])),
            allowed=tuple(re.compile(p, flags) for p in entry.get("allowed", [])),
            scope=frozenset(entry.get("scope", ["prose", "strings"])), reason=entry["reason"]))
    return out


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def hide_markup(line: str) -> str:
    """Строка текста без кода, формул, адресов и служебных частей ролей (длина та же)."""
    line = _TERM_TEXT.sub(lambda m: "       " + m.group(1) + " " * (len(m.group(0)) - 7 - len(m.group(1))), line)
    for pattern in _HIDDEN[:1] + _HIDDEN[2:]:
        line = pattern.sub(_blank, line)
    return line


def check_text(text: str, kind: str, all_rules: list[Rule]) -> list[tuple[int, str, Rule]]:
    """Запрещённые варианты в тексте: (смещение, найденное, правило)."""
    found = []
    for rule in all_rules:
        if kind not in rule.scope:
            continue
        masked = text
        for pattern in rule.allowed:
            masked = pattern.sub(_blank, masked)
        for pattern in rule.banned:
            found += [(m.start(), m.group(0), rule) for m in pattern.finditer(masked)]
    return sorted(found, key=lambda f: f[0])


def markdown_prose(text: str, glossary: bool = False):
    """(номер строки, текст) прозы страницы MyST; в глоссарии — без заголовков статей."""
    in_glossary = False
    for number, line in prose_lines(text):
        if line.startswith("```{glossary}"):
            in_glossary = True
            continue
        if glossary and in_glossary and line and not line[0].isspace() and not line.startswith(":"):
            continue  # заголовок статьи — английский термин отрасли
        yield number, hide_markup(line)


def code_cells(text: str):
    """(номер первой строки, код) ячеек ``{code-cell}`` страницы MyST."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("```{code-cell}"):
            start = i + 1
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                i += 1
            body = [("" if line.startswith(":") else line) for line in lines[start:i]]
            yield start + 1, "\n".join(body)
        i += 1


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))]
    return {id(n.body[0].value) for n in nodes
            if n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}


def python_strings(source: str, first_line: int = 1, docstrings: bool = True):
    """(номер строки, текст) русских строковых констант кода; ``docstrings=False`` — без строк документации."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    skip = set() if docstrings else _docstrings(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _CYRILLIC.search(node.value):
            for offset, part in enumerate(node.value.split("\n")):
                yield first_line - 1 + node.lineno + offset, part


def _scan_lines(rel: str, items, kind: str, all_rules: list[Rule]) -> list[Hit]:
    return [Hit(rel, number, found, rule)
            for number, line in items for _, found, rule in check_text(line, kind, all_rules)]


def scan(root: Path, sources: list[Path], python_files: list[Path], readme: Path | None,
         library_files: list[Path] = ()) -> list[Hit]:
    """Все запрещённые варианты. ``python_files`` — модули, чьи строки видит слушатель целиком (упражнения,
    подсказки); ``library_files`` — модули инструментов, у которых проверяются строки без документации
    (сообщения об ошибках, подписи)."""
    all_rules = rules(load_sheet(root / SHEET))
    hits: list[Hit] = []
    for source in sources:
        rel = source.relative_to(root).as_posix()
        text = source.read_text(encoding="utf-8")
        hits += _scan_lines(rel, markdown_prose(text, glossary=source.name == "glossary.md"), "prose", all_rules)
        for start, code in code_cells(text):
            hits += _scan_lines(rel, python_strings(code, start), "strings", all_rules)
    for path in python_files:
        hits += _scan_lines(path.relative_to(root).as_posix(), python_strings(path.read_text(encoding="utf-8")),
                            "strings", all_rules)
    for path in library_files:
        hits += _scan_lines(path.relative_to(root).as_posix(),
                            python_strings(path.read_text(encoding="utf-8"), docstrings=False), "strings", all_rules)
    if readme is not None:
        text = _README_BLOCK.sub(_blank, readme.read_text(encoding="utf-8"))
        hits += _scan_lines(readme.relative_to(root).as_posix(),
                            ((n, hide_markup(line)) for n, line in enumerate(text.split("\n"), 1)), "prose", all_rules)
    return hits


def first_uses(root: Path, sources: list[Path], sheet: dict) -> list[str]:
    """Правила first_use: первое упоминание в порядке книги — в заданной форме, дальше — без повторов расшифровки."""
    problems = []
    for entry in sheet.get("first_use", []):
        mention = re.compile(entry["mention"], re.I)
        first = entry["first"]
        seen = None
        skip = set(entry.get("skip", []))
        for source in sources:
            rel = source.relative_to(root).as_posix()
            if rel in skip:
                continue
            for number, line in markdown_prose(source.read_text(encoding="utf-8"), glossary=source.name == "glossary.md"):
                for m in mention.finditer(line):
                    if seen is None:
                        seen = (rel, number)
                        if not line[m.start():].startswith(first):
                            problems.append(f"{rel}:{number}: первое упоминание должно быть «{first}», а не «{m.group(0)}»")
                    elif line[m.start():].startswith(first):
                        problems.append(f"{rel}:{number}: расшифровка «{first}» уже дана в {seen[0]}:{seen[1]} — "
                                        f"дальше «{entry['later']}»")
        if seen is None:
            problems.append(f"«{first}» не встречается в книге")
    return problems


def book_order(root: Path) -> list[Path]:
    """Страницы книги в порядке _toc.yml."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(items):
        for item in items:
            files.append(item["file"])
            walk(item.get("sections", []))

    for part in toc["parts"]:
        walk(part["chapters"])
    return [root / f"{f}.md" for f in files]
