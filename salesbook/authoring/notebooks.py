"""Один исходник — три результата.

Исходник раздела — тетрадь MyST в ``book/chNN/`` (jupytext). Из неё получаются:

* страница книги — Jupyter Book читает исходник сам;
* рабочая тетрадь ``notebooks/chNN/*.ipynb`` — без ячеек-решений, с заготовками;
* тетрадь с решениями ``solutions/chNN/*.ipynb`` — без заготовок;
* ``salesbook/exercises/solutions.json`` — код решений для ``q.solution()``.

Роли ячеек задают теги:

``setup``      подготовка (импорт, данные) — во всех версиях; в книге скрыта (``remove-cell``);
               в тетрадях перед ней генератор ставит ячейку ``bootstrap``: она устанавливает пакет
               курса там, где его нет (Colab и т. п.), см. :mod:`salesbook.authoring.links`;
``solution``   решение — только в решениях и книге (в книге свёрнуто: ``hide-input``);
               в метаданных ячейки ``exercise: <id упражнения>``; заготовку с пропусками
               ``___`` для рабочей тетради и книги генератор выводит из решения по меткам
               (см. :mod:`salesbook.authoring.exercise_cells`);
``starter``    заготовка, написанная руками (прямо перед решением), — только в рабочей
               тетради и книге (в книге без вывода: ``remove-output``);
``book-only``  только в книге (статичная замена интерактивного виджета);
``glue``       передаёт посчитанные числа в текст (``fmt.glue``) — только в книге, скрыта
               (``remove-cell``); в тетради генератор подставляет записанный текст значений
               (``salesbook/authoring/glue.py``).

Тетради пишутся побайтно одинаково при каждом запуске: идентификаторы ячеек
выводятся из имени файла и номера ячейки, выводов и счётчиков нет.
Разметка MyST, которой нет в обычном Jupyter (роли, директивы, метки), в
тетрадях переводится в простой Markdown.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jupytext
import nbformat

from salesbook.authoring import glue
from salesbook.authoring.exercise_cells import MarkerError, cell_tags, check_line, exercise_title, expand
from salesbook.runtime import progress

ROOT = Path(__file__).resolve().parents[2]
VARIANTS = ("notebooks", "solutions")
SOLUTIONS_JSON = Path("salesbook") / "exercises" / "solutions.json"

BOOK_TAGS = {
    "setup": {"remove-cell"},
    "starter": {"remove-output"},
    "solution": {"hide-input"},
    "glue": {"remove-cell"},
}

WORKBOOK_NOTE = (
    "> **Рабочая тетрадь.** Замените каждый пропуск `___` своим кодом и выполните ячейку: "
    "проверка под ней сразу скажет, верно ли. Подсказка — `q1.hint()`, следующая — `q1.hint(2)`, "
    "решение упражнения — `q1.solution()` (номер упражнения свой); сначала попробуйте сами."
)


class AuthoringError(Exception):
    """Ошибка в исходнике раздела: сообщение называет файл и место."""


# ---------------------------------------------------------------------------
# Исходники
# ---------------------------------------------------------------------------


def section_sources(root: Path = ROOT) -> list[Path]:
    """Исходники разделов: ``book/chNN/<номер>_<имя>.md`` (страницы глав ``index.md`` — не разделы)."""
    return sorted(p for p in (root / "book").glob("ch*/*.md") if p.name[0].isdigit())


def read_source(path: Path):
    return jupytext.read(path, fmt="md:myst")


def expanded_source(path: Path, root: Path = ROOT):
    """Исходник, где у каждого решения есть заготовка (выведенная или написанная руками)."""
    try:
        return expand(read_source(path))
    except MarkerError as exc:
        raise AuthoringError(f"{path.relative_to(root)}: {exc}") from None


def lint_source(path: Path, root: Path = ROOT) -> list[str]:
    """Нарушения договорённостей о тегах и метках решений в исходнике (пустой список — всё в порядке)."""
    problems = []
    nb = read_source(path)
    rel = path.relative_to(root)
    seen_ids = set()
    for i, cell in enumerate(nb.cells, 1):
        tags = set(cell_tags(cell))
        roles = tags & set(BOOK_TAGS) | (tags & {"book-only"})
        if len(roles) > 1:
            problems.append(f"{rel}, ячейка {i}: несовместимые теги {sorted(roles)}")
        for role, needed in BOOK_TAGS.items():
            if role in tags and not needed <= tags:
                problems.append(f"{rel}, ячейка {i}: у ячейки «{role}» нужен тег {sorted(needed - tags)}")
        if "solution" in tags:
            ex_id = cell.metadata.get("exercise")
            if not ex_id:
                problems.append(f"{rel}, ячейка {i}: у решения нет метаданных exercise")
            elif ex_id in seen_ids:
                problems.append(f"{rel}, ячейка {i}: второе решение упражнения {ex_id}")
            seen_ids.add(ex_id)
        if "starter" in tags:  # заготовка, написанная руками
            following = nb.cells[i] if i < len(nb.cells) else None
            check = check_line(following.metadata.get("exercise", "")) if following and "solution" in cell_tags(following) else None
            if check is None:
                problems.append(f"{rel}, ячейка {i}: заготовка стоит не прямо перед решением")
            elif check not in cell.source:
                problems.append(f"{rel}, ячейка {i}: в заготовке нет строки {check}")
    try:
        expanded = expand(nb)
    except MarkerError as exc:
        return problems + [f"{rel}: {exc}"]
    for starter, solution in zip(expanded.cells, expanded.cells[1:]):
        if "solution" not in cell_tags(solution):
            continue
        ex_id = solution.metadata.get("exercise")
        if "___" not in starter.source:
            problems.append(f"{rel}, упражнение {ex_id}: в заготовке нет пропуска ___ — пометьте строки решения меткой # ___")
        if "___" in solution.source:
            problems.append(f"{rel}, упражнение {ex_id}: в решении остался пропуск ___")
    problems += [f"{rel}, {p}" for p in glue.lint(nb)]
    return problems


# ---------------------------------------------------------------------------
# MyST → обычный Markdown для тетрадей
# ---------------------------------------------------------------------------

ADMONITION_TITLES = {
    "note": "Заметка",
    "tip": "Совет",
    "hint": "Подсказка",
    "important": "Важно",
    "warning": "Внимание",
    "caution": "Осторожно",
    "attention": "Внимание",
    "danger": "Опасно",
    "seealso": "См. также",
}

_ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")
_TARGET = re.compile(r"^\(([\w.-]+)\)=\s*$", re.M)
_FENCE = re.compile(r"^(`{3,}|:{3,})\{([\w:-]+)\}\s*(.*)$")


@lru_cache(maxsize=4)
def _bibliography(root: Path) -> dict[str, tuple[str, str]]:
    """Ключ → (авторы, год) из book/references.bib для подписей «(Skok, 2013)»."""
    from pybtex.database import parse_file

    bib = root / "book" / "references.bib"
    if not bib.exists():
        return {}
    data = parse_file(str(bib))
    result = {}
    for key, entry in data.entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [" ".join(p.last_names) for p in people]
        if not names:
            who = entry.fields.get("organization") or entry.fields.get("institution") or entry.fields.get("publisher") or key
            who = who.strip("{}")
        elif len(names) == 1:
            who = names[0]
        elif len(names) == 2:
            who = f"{names[0]} и {names[1]}"
        else:
            who = f"{names[0]} и\u00a0др."
        result[key] = (who.replace("{", "").replace("}", ""), entry.fields.get("year", "б. г."))
    return result


@lru_cache(maxsize=4)
def _labels(root: Path) -> dict[str, str]:
    """Метка MyST → заголовок, который под ней стоит (для {ref} без текста)."""
    labels = {}
    for path in sorted((root / "book").rglob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            m = _TARGET.match(line)
            if m:
                following = next((l for l in lines[i + 1 :] if l.strip()), "")
                labels[m.group(1)] = following.lstrip("#").strip() or m.group(1)
    return labels


def _role(name: str, content: str, root: Path) -> str:
    text, target = content, content
    m = re.match(r"^(.*?)\s*<([^>]+)>$", content, re.S)
    if m:
        text, target = m.group(1), m.group(2)
    if name in ("term", "abbr", "doc", "numref", "eq", "download"):
        return text
    if name == "ref":
        return text if m else _labels(root).get(target, target)
    if name == "math":
        return f"${content}$"
    if name.startswith("cite"):
        bib = _bibliography(root)
        items = []
        for key in [k.strip() for k in content.split(",")]:
            if key not in bib:
                raise AuthoringError(f"Источник {key!r} не найден в book/references.bib")
            items.append(bib[key])
        if name == "cite:t":
            return "; ".join(f"{who} ({year})" for who, year in items)
        return "(" + "; ".join(f"{who}, {year}" for who, year in items) + ")"
    if name in ("sub", "sup"):
        return f"<{name}>{content}</{name}>"
    raise AuthoringError(f"Роль {{{name}}} не поддерживается в тетрадях — добавьте её в salesbook/authoring/notebooks.py")


def myst_to_markdown(text: str, root: Path = ROOT, counter: list[int] | None = None) -> str:
    """Разметка MyST (метки, роли, директивы) → Markdown, который понимает любой Jupyter."""
    counter = counter if counter is not None else [0]
    text = _TARGET.sub("", text)
    out: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        fence, name, arg = m.groups()
        j = i + 1
        while j < len(lines) and lines[j].strip() != fence:
            j += 1
        if j == len(lines):
            raise AuthoringError(f"Директива {{{name}}} не закрыта ({fence})")
        body = lines[i + 1 : j]
        while body and re.match(r"^:[\w-]+:", body[0]):  # опции директивы
            body.pop(0)
        inner = myst_to_markdown("\n".join(body), root, counter).strip("\n")
        out.append(_directive(name, arg.strip(), inner, counter))
        i = j + 1
    result = "\n".join(out)
    result = _ROLE.sub(lambda mm: _role(mm.group(1), mm.group(2), root), result)
    return re.sub(r"\n{3,}", "\n\n", result).strip("\n")


def _quote(body: str) -> str:
    return "\n".join(("> " + line) if line.strip() else ">" for line in body.split("\n"))


def _directive(name: str, arg: str, body: str, counter: list[int]) -> str:
    if name == "math":
        return f"$$\n{body}\n$$"
    if name in ADMONITION_TITLES:
        return _quote(f"**{ADMONITION_TITLES[name]}.** {body}")
    if name == "admonition":
        return _quote(f"**{arg}.** {body}")
    if name == "exercise":
        counter[0] += 1
        return f"#### {exercise_title(counter[0], arg)}\n\n{body}"
    if name == "dropdown":
        return f"<details><summary>{arg}</summary>\n\n{body}\n\n</details>"
    if name in ("code-block", "code"):
        return f"```{arg}\n{body}\n```"
    if name in ("epigraph", "pull-quote", "highlights"):
        return _quote(body)
    raise AuthoringError(f"Директива {{{name}}} не поддерживается в тетрадях — добавьте её в salesbook/authoring/notebooks.py")


# ---------------------------------------------------------------------------
# Генерация
# ---------------------------------------------------------------------------


@dataclass
class Rendered:
    workbook: str
    solutions: str
    solution_code: dict[str, str]


def render(path: Path, root: Path = ROOT) -> Rendered:
    """Рабочая тетрадь, тетрадь с решениями и код решений из одного исходника."""
    rel = path.relative_to(root).as_posix()
    problems = lint_source(path, root)
    if problems:
        raise AuthoringError("\n".join(problems))
    source = expanded_source(path, root)
    texts = {}
    solutions: dict[str, str] = {}
    values = glue.committed(path, root)
    for variant in VARIANTS:
        counter = [0]
        cells = []
        for cell in source.cells:
            tags = set(cell_tags(cell))
            if tags & {"book-only", "glue"}:
                continue
            if variant == "notebooks" and "solution" in tags:
                continue
            if variant == "solutions" and "starter" in tags:
                continue
            if cell.cell_type == "markdown":
                try:
                    body = myst_to_markdown(_paste_glued(cell.source, values, path, root), root, counter)
                except AuthoringError as exc:
                    raise AuthoringError(f"{rel}: {exc}") from None
                if not body.strip():
                    continue
                new = nbformat.v4.new_markdown_cell(body)
            else:
                new = nbformat.v4.new_code_cell(cell.source)
                role_tags = sorted(tags & {"setup", "starter", "solution"})
                if role_tags:
                    new.metadata["tags"] = role_tags
                if "solution" in tags:
                    solutions[cell.metadata["exercise"]] = cell.source
            cells.append(new)
        if variant == "notebooks" and cells:
            cells.insert(1, nbformat.v4.new_markdown_cell(WORKBOOK_NOTE))
        _insert_bootstrap(cells, root)
        for n, cell in enumerate(cells):
            cell["id"] = f"{path.stem}-{n:03d}".replace("_", "-")
        nb = nbformat.v4.new_notebook(cells=cells)
        nb.metadata = {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "salesbook": {"source": rel, "variant": variant, "course_version": progress.course_version()},
        }
        nbformat.validate(nb)
        texts[variant] = nbformat.writes(nb) + "\n"
    return Rendered(texts["notebooks"], texts["solutions"], solutions)


def _insert_bootstrap(cells: list, root: Path) -> None:
    """Перед ячейкой подготовки — ячейка, которая устанавливает пакет курса там, где его нет
    (Colab и другие облачные Jupyter). В книге её нет: книга собирается из исходников."""
    from salesbook.authoring import links

    first = next((i for i, c in enumerate(cells) if "setup" in c.metadata.get("tags", ())), None)
    if first is not None:
        config_root = root if (root / links.CONFIG).is_file() else ROOT  # у временных деревьев тестов нет _config.yml
        cell = nbformat.v4.new_code_cell(links.bootstrap_source(links.repository(config_root)))
        cell.metadata["tags"] = [links.BOOTSTRAP_TAG]
        # Код ячейки свёрнут: в JupyterLab видна первая строка, в Colab — заголовок из «#@title».
        cell.metadata["jupyter"] = {"source_hidden": True}
        cell.metadata["cellView"] = "form"
        cells.insert(first, cell)


def _paste_glued(text: str, values: dict, path: Path, root: Path) -> str:
    try:
        return glue.substitute(text, values)
    except KeyError as exc:
        where = glue.values_path(path, root).relative_to(root)
        raise AuthoringError(f"значения {exc.args[0]} нет в {where} — выполните salesbook notebooks") from None


def output_paths(path: Path, root: Path = ROOT) -> dict[str, Path]:
    rel = path.relative_to(root / "book").with_suffix(".ipynb")
    return {variant: root / variant / rel for variant in VARIANTS}


def expected_files(root: Path = ROOT) -> dict[Path, str]:
    """Все генерируемые файлы и их содержимое."""
    files: dict[Path, str] = {}
    all_solutions: dict[str, str] = {}
    for path in section_sources(root):
        rendered = render(path, root)
        outs = output_paths(path, root)
        files[outs["notebooks"]] = rendered.workbook
        files[outs["solutions"]] = rendered.solutions
        all_solutions.update(rendered.solution_code)
    files[root / SOLUTIONS_JSON] = json.dumps(all_solutions, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return files


def generate(root: Path = ROOT, only: list[Path] | None = None) -> list[Path]:
    """Записать рабочие тетради, решения и solutions.json; удалить устаревшие тетради.

    ``only`` — пересобрать только эти исходники (пока пишется один раздел, а
    соседний ещё не дописан); solutions.json тогда дополняется, а не пишется заново.
    """
    if only:
        paths = [Path(p).resolve() for p in only]
        return glue.refresh(paths, root) + _generate_only(paths, root)
    written = glue.refresh(section_sources(root), root) + glue.remove_stale(section_sources(root), root)
    files = expected_files(root)
    for path, text in files.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    for variant in VARIANTS:
        for stale in (root / variant).rglob("*.ipynb"):
            if stale not in files and ".ipynb_checkpoints" not in stale.parts:
                stale.unlink()
                written.append(stale)
    return written


def _exercise_ids_in_book(root: Path, exclude: Path) -> set[str]:
    """Id упражнений (``:exercise: id``) во всех исходниках книги, кроме ``exclude``."""
    ids = set()
    for source in (root / "book").glob("ch*/*.md"):
        if source.resolve() != Path(exclude).resolve():
            ids.update(re.findall(r"^:exercise:\s*(\S+)", source.read_text(encoding="utf-8"), flags=re.M))
    return ids


def _generate_only(paths: list[Path], root: Path) -> list[Path]:
    written = []
    solutions_path = root / SOLUTIONS_JSON
    try:
        solutions = json.loads(solutions_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        solutions = {}
    for path in paths:
        rendered = render(path, root)
        outs = output_paths(path, root)
        for variant, text in (("notebooks", rendered.workbook), ("solutions", rendered.solutions)):
            outs[variant].parent.mkdir(parents=True, exist_ok=True)
            outs[variant].write_text(text, encoding="utf-8")
            written.append(outs[variant])
        prefix = {ex_id.rsplit(".", 1)[0] for ex_id in rendered.solution_code}
        # Раздел из нескольких частей делит один модуль упражнений: решение другой части
        # с тем же префиксом не устарело, пока его ячейка есть в исходниках книги.
        claimed = _exercise_ids_in_book(root, exclude=path)
        solutions = {k: v for k, v in solutions.items() if k.rsplit(".", 1)[0] not in prefix or k in claimed}
        solutions.update(rendered.solution_code)
    solutions_path.parent.mkdir(parents=True, exist_ok=True)
    solutions_path.write_text(json.dumps(solutions, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    written.append(solutions_path)
    return written


def out_of_sync(root: Path = ROOT) -> list[str]:
    """Файлы, которые отличаются от свежей генерации (пустой список — всё совпадает)."""
    files = expected_files(root)
    problems = []
    for path, text in files.items():
        if not path.exists():
            problems.append(f"нет файла {path.relative_to(root)}")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path.relative_to(root)} отличается от исходника")
    for variant in VARIANTS:
        for extra in (root / variant).rglob("*.ipynb"):
            if extra not in files and ".ipynb_checkpoints" not in extra.parts:
                problems.append(f"{extra.relative_to(root)} не соответствует ни одному исходнику")
    problems += [f"{p.relative_to(root)} не соответствует ни одному исходнику" for p in glue.stale_files(section_sources(root), root)]
    return problems


def _meaningful(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= 4 and not stripped.startswith("#") and stripped not in {"pass", "return", ")", "]", "}"}


def leaked_lines(root: Path = ROOT) -> list[str]:
    """Строки решений, которые встречаются в рабочих тетрадях (пустой список — утечек нет).

    Строки, которые стоят и в заготовках (например, ``q1.check()``), утечкой не считаются.
    """
    workbook_text = {}
    for path in sorted((root / "notebooks").rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        lines = set()
        for cell in nb.cells:
            lines.update(l.strip() for l in cell.source.splitlines())
        workbook_text[path] = lines
    all_workbook_lines = set().union(*workbook_text.values()) if workbook_text else set()
    leaks = []
    for path in section_sources(root):
        source = expanded_source(path, root)
        starter_lines = set()
        for cell in source.cells:
            if "starter" in cell_tags(cell):
                starter_lines.update(l.strip() for l in cell.source.splitlines())
        for cell in source.cells:
            if "solution" not in cell_tags(cell):
                continue
            for line in cell.source.splitlines():
                if _meaningful(line) and line.strip() not in starter_lines and line.strip() in all_workbook_lines:
                    leaks.append(f"{path.relative_to(root)} ({cell.metadata.get('exercise')}): «{line.strip()}»")
    return leaks


def myst_leftovers(root: Path = ROOT) -> list[str]:
    """Остатки синтаксиса MyST в Markdown-ячейках тетрадей."""
    problems = []
    pattern = re.compile(r"\{[a-z:]+\}`|^(?:`{3,}|:{3,})\{", re.M)
    for variant in VARIANTS:
        for path in sorted((root / variant).rglob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            for n, cell in enumerate(nb.cells, 1):
                if cell.cell_type == "markdown" and pattern.search(cell.source):
                    problems.append(f"{path.relative_to(root)}, ячейка {n}")
    return problems
