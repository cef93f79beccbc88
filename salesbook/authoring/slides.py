"""Слайды раздела (reveal.js) из того же исходника, что страница книги.

Колода одного раздела — один HTML-файл ``<папка>/chNN/<раздел>.html``:

* титульный слайд — заголовок раздела, время из шапки и «Что вы узнаете»;
* по слайду на каждый подраздел до «Упражнений» — первая мысль подраздела и его формулы
  (блоки ``$$ … $$`` исходника), затем графики этого подраздела — картинки из исполненной тетради;
* «На практике» и «Итоги» — короткими списками;
* решение руководителя — условие последнего упражнения раздела, его номер и имя проверки в тетради;
* вопросы для обсуждения — из ``book/facilitator/programmes.yml``, если раздел входит в программу;
  числа в них (роли ``{glue:text}``) подставляются из ``book/_glue`` раздела, как в тексте.

Графики берутся из кэша исполнения книги (``_build/.jupyter_cache``) — той же тетради, из которой
собрана страница, поэтому второй раз ничего не исполняется. Числа в тексте — записанные значения
``book/_glue``, роли и директивы MyST переводятся так же, как для рабочих тетрадей.

reveal.js и MathJax лежат рядом с колодами (``<папка>/_assets``) и берутся из пакетов Python
(reveal.js 5 — из ``sphinx-revealjs``, MathJax 3 — из ``sphinx-mathjax-offline``): колода открывается
без интернета, ничего не грузит с CDN.
"""

from __future__ import annotations

import base64
import html
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from salesbook.authoring import glue, programmes
from salesbook.authoring.notebooks import AuthoringError, myst_to_markdown

ASSETS = "_assets"
BOOK_TITLE = "Энциклопедия продаж IT-продуктов"
SKIPPED_PARTS = {"Упражнения", "Проверьте себя", "Итоги", "Что почитать", "На практике"}
MAX_FORMULAS = 3
LEAD_CHARS = 280
HIDDEN_TAGS = {"remove-cell", "remove-output"}

_TIME = re.compile(r"\*\*Время:\*\*\s*([^.]*?минут)")
_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$([^$\n]+?)\$", re.S)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁA-Z«])")


class SlidesError(Exception):
    """Слайды не собрать: сообщение по-русски говорит, что сделать."""


# ---------------------------------------------------------------------------
# Markdown → HTML
# ---------------------------------------------------------------------------


def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")


def to_html(text: str, inline: bool = False) -> str:
    """Markdown с формулами ``$…$`` и ``$$…$$`` → HTML для MathJax (``\\( \\)`` и ``\\[ \\]``)."""
    stash: list[str] = []

    def keep(match: re.Match) -> str:
        display, inline_math = match.group(1), match.group(2)
        tex = html.escape(display if display is not None else inline_math, quote=False)
        stash.append(f"\\[{_strip_label(tex)}\\]" if display is not None else f"\\({tex}\\)")
        return f"MATHSLOT{len(stash) - 1}END"

    text = _MATH.sub(keep, text)
    md = _markdown()
    rendered = md.renderInline(text) if inline else md.render(text)
    return re.sub(r"MATHSLOT(\d+)END", lambda m: stash[int(m.group(1))], rendered).strip()


def _strip_label(tex: str) -> str:
    return re.sub(r"\s*\([\w-]+\)\s*$", "", tex.strip())


# ---------------------------------------------------------------------------
# Разбор тетради
# ---------------------------------------------------------------------------


@dataclass
class Part:
    """Подраздел (заголовок второго уровня): текст, формулы и картинки."""

    title: str
    blocks: list[str] = field(default_factory=list)     # блоки Markdown по порядку
    images: list[str] = field(default_factory=list)     # PNG в base64

    @property
    def formulas(self) -> list[str]:
        return [b for b in self.blocks if b.startswith("$$")]

    @property
    def lead(self) -> str:
        """Первая мысль подраздела: начало первого абзаца, не длиннее :data:`LEAD_CHARS`."""
        paragraph = next((b for b in self.blocks if _is_paragraph(b)), "")
        sentences = _SENTENCE.split(" ".join(paragraph.split()))
        lead = sentences[0] if sentences else ""
        for sentence in sentences[1:]:
            if len(lead) + len(sentence) + 1 > LEAD_CHARS:
                break
            lead += " " + sentence
        return lead

    def bullets(self) -> list[str]:
        return [re.sub(r"^[-*]\s+|^\d+\.\s+", "", item).strip()
                for b in self.blocks if re.match(r"^([-*]|\d+\.)\s", b) for item in _list_items(b)]


def _is_paragraph(block: str) -> bool:
    return bool(block) and not re.match(r"^(#|\$\$|[-*]\s|\d+\.\s|\||>|<|```|:::)", block)


def _list_items(block: str) -> list[str]:
    items: list[str] = []
    for line in block.split("\n"):
        if re.match(r"^([-*]|\d+\.)\s", line):
            items.append(line)
        elif items and line.strip():
            items[-1] += " " + line.strip()
    return items


def _blocks(text: str) -> list[str]:
    """Блоки Markdown: абзацы, списки, заголовки; формула ``$$ … $$`` — один блок, даже с пустыми строками."""
    blocks: list[str] = []
    current: list[str] = []
    in_math = False
    for line in text.split("\n"):
        stripped = line.strip()
        if in_math:
            current.append(line)
            if stripped.endswith("$$"):
                blocks.append("\n".join(current).strip())
                current, in_math = [], False
            continue
        if stripped.startswith("$$"):
            if current:
                blocks.append("\n".join(current).strip())
            current = [line]
            if len(stripped) > 2 and stripped.endswith("$$") and stripped != "$$":
                blocks.append(stripped)
                current = []
            else:
                in_math = True
            continue
        if stripped.startswith("#"):
            if current:
                blocks.append("\n".join(current).strip())
            blocks.append(stripped)
            current = []
            continue
        if not stripped:
            if current:
                blocks.append("\n".join(current).strip())
            current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current).strip())
    return [b for b in blocks if b]


@dataclass
class Outline:
    title: str
    time: str
    outcomes: list[str]
    parts: list[Part]

    def part(self, title: str) -> Part | None:
        return next((p for p in self.parts if p.title == title), None)


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _pngs(cell) -> list[str]:
    return [out["data"]["image/png"].replace("\n", "") for out in cell.get("outputs", [])
            if "image/png" in out.get("data", {})]


def outline(nb, source: Path, root: Path) -> Outline:
    """Заголовок, время, «Что вы узнаете» и подразделы исполненной тетради раздела."""
    values = glue.committed(source, root)
    rel = source.relative_to(root).as_posix()
    title, time, outcomes = "", "", []
    parts: list[Part] = []
    current: Part | None = None
    for cell in nb.cells:
        if cell.cell_type == "code":
            if current is not None and not _tags(cell) & HIDDEN_TAGS:
                current.images += _pngs(cell)
            continue
        try:
            text = myst_to_markdown(glue.substitute(cell.source, values), root)
        except KeyError as exc:
            raise SlidesError(f"{rel}: значения {exc.args[0]} нет в book/_glue — выполните salesbook notebooks") from None
        except AuthoringError as exc:
            raise SlidesError(f"{rel}: {exc}") from None
        if not title:
            time_match = _TIME.search(text)
            time = time_match.group(1).strip() if time_match else ""
        for block in _blocks(text):
            if block.startswith("# ") and not title:
                title = block[2:].strip()
            elif block.startswith("## "):
                current = Part(block[3:].strip())
                parts.append(current)
            elif current is None:
                if re.match(r"^[-*]\s", block) and not outcomes:
                    outcomes = [re.sub(r"^[-*]\s+", "", i).strip() for i in _list_items(block)]
            elif not block.startswith("#"):
                current.blocks.append(block)
    if not title:
        raise SlidesError(f"{rel}: нет заголовка раздела «# …»")
    return Outline(title, time, outcomes, parts)


# ---------------------------------------------------------------------------
# Колода
# ---------------------------------------------------------------------------


def _section(body: str, classes: str = "") -> str:
    cls = f' class="{classes}"' if classes else ""
    return f"<section{cls}>\n{body}\n</section>"


def _ul(items: list[str]) -> str:
    return "<ul>\n" + "\n".join(f"<li>{to_html(i, inline=True)}</li>" for i in items) + "\n</ul>"


def _short(text: str, limit: int = 220) -> str:
    """Начало пункта списка: первое предложение (после жирного заголовка пункта — и следующее), до ``limit`` знаков."""
    sentences = _SENTENCE.split(" ".join(text.split()))
    short = sentences[0]
    if re.fullmatch(r"\*\*[^*]+\*\*:?", short) and len(sentences) > 1:
        short += " " + sentences[1]
    if len(short) > limit and "$" not in short and "`" not in short:
        short = short[:limit].rsplit(" ", 1)[0].rstrip(",;:—") + "…"
    return short


def slides(outline_: Outline, decision: programmes.Exercise | None, questions: list[str], number_of_exercises: int,
           source: Path, root: Path) -> list[str]:
    """Слайды раздела — фрагменты ``<section>``."""
    out = []
    title = html.escape(outline_.title)
    intro = [f"<h2>{title}</h2>"]
    if outline_.time:
        intro.append(f'<p class="meta">Время: {html.escape(outline_.time)} · упражнений: {number_of_exercises}</p>')
    if outline_.outcomes:
        intro += ['<p class="label">Вы научитесь:</p>', _ul(outline_.outcomes)]
    out.append(_section("\n".join(intro), "title-slide"))

    for part in outline_.parts:
        if part.title in SKIPPED_PARTS:
            continue
        heading = f"<h3>{to_html(part.title, inline=True)}</h3>"
        formulas = part.formulas[:MAX_FORMULAS]
        body = [heading]
        if part.lead:
            body.append(f'<p class="lead">{to_html(part.lead, inline=True)}</p>')
        body += [f'<div class="formula">{to_html(f)}</div>' for f in formulas]
        if part.lead or formulas:
            out.append(_section("\n".join(body)))
        for image in part.images:
            out.append(_section(f'{heading}\n<img class="plot" alt="График: {html.escape(part.title)}" '
                                f'src="data:image/png;base64,{image}">'))

    practice = outline_.part("На практике")
    if practice and practice.bullets():
        out.append(_section("<h3>На практике</h3>\n" + _ul([_short(b) for b in practice.bullets()])))
    summary = outline_.part("Итоги")
    if summary and summary.bullets():
        out.append(_section("<h3>Итоги</h3>\n" + _ul([_short(b) for b in summary.bullets()]), "summary"))

    if decision is not None:
        values = glue.committed(source, root)
        try:
            statement = myst_to_markdown(glue.substitute(decision.statement, values), root)
        except (KeyError, AuthoringError) as exc:
            raise SlidesError(f"{source.relative_to(root).as_posix()}: условие решения не переводится ({exc})") from None
        name = programmes.object_name(decision.id) if decision.id else ""
        out.append(_section(
            f'<p class="label">Решение руководителя · упражнение {number_of_exercises}'
            + (f' · в тетради <code class="object">{name}.check()</code>' if name else "") + "</p>\n"
            f"<h3>{to_html(decision.title, inline=True)}</h3>\n"
            f'<div class="statement">{to_html(statement)}</div>', "decision"))
    if questions:
        out.append(_section("<h3>Вопросы для обсуждения</h3>\n<ol>\n"
                            + "\n".join(f"<li>{to_html(q, inline=True)}</li>" for q in questions) + "\n</ol>",
                            "questions"))
    return out


STYLE = """
.reveal { font-family: "PT Sans", "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 30px; }
.reveal h2, .reveal h3 { font-family: inherit; text-transform: none; line-height: 1.15; }
.reveal h2 { font-size: 1.6em; }
.reveal h3 { font-size: 1.15em; color: #1f4e79; }
.reveal .slides section { text-align: left; }
.reveal ul, .reveal ol { display: block; font-size: 0.8em; }
.reveal li { margin-bottom: 0.35em; }
.reveal .lead { font-size: 0.85em; }
.reveal .meta { color: #555; font-size: 0.8em; }
.reveal .label { color: #8a5a00; font-size: 0.7em; text-transform: uppercase; letter-spacing: 0.04em; margin-bottom: 0.2em; }
.reveal .label code.object { text-transform: none; letter-spacing: 0; }  /* имя в коде — как в тетради: q6, не Q6 */
.reveal .formula { font-size: 0.85em; margin: 0.4em 0; }
.reveal .statement { font-size: 0.75em; }
.reveal .summary li { font-size: 0.9em; }
.reveal img.plot { display: block; margin: 0 auto; height: 600px; width: auto; max-width: 100%; object-fit: contain; border: 0; box-shadow: none; }
.reveal code { font-size: 0.9em; background: #f3f3f3; padding: 0 0.15em; }
"""


def deck_html(slides_: list[str], title: str, assets: str) -> str:
    """Страница колоды: reveal.js и MathJax — из ``assets`` (относительный путь), без сети."""
    return f"""<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} — слайды — {BOOK_TITLE}</title>
<link rel="stylesheet" href="{assets}/reveal/reveal.css">
<link rel="stylesheet" href="{assets}/reveal/theme/white.css">
<style>{STYLE}</style>
<script>
window.MathJax = {{
  tex: {{inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]]}},
  svg: {{fontCache: "global"}},
  loader: {{paths: {{mathjax: "{assets}/mathjax"}}}},
  startup: {{pageReady: () => MathJax.startup.defaultPageReady().then(() => {{ if (window.Reveal) Reveal.layout(); }})}}
}};
</script>
<script src="{assets}/mathjax/tex-svg.js" defer></script>
</head>
<body>
<div class="reveal">
<div class="slides">
{chr(10).join(slides_)}
</div>
</div>
<script src="{assets}/reveal/reveal.js"></script>
<script>
Reveal.initialize({{hash: true, slideNumber: "c/t", transition: "none", center: false, width: 1280, height: 760}});
</script>
</body>
</html>
"""


def build_deck(source: Path, nb, root: Path, questions: list[str], assets: str = f"../{ASSETS}") -> str:
    """HTML колоды одного раздела по исходнику и его исполненной тетради."""
    section = programmes.read_section(source, root)
    decision = section.exercises[-1] if section.exercises else None
    parsed = outline(nb, source, root)
    values = glue.committed(source, root)
    try:
        questions = [glue.substitute(q, values) for q in questions]
    except KeyError as exc:
        raise SlidesError(f"{source.relative_to(root).as_posix()}: в вопросе для обсуждения значение {exc.args[0]}, "
                          "а в book/_glue раздела его нет") from None
    return deck_html(slides(parsed, decision, questions, len(section.exercises), source, root), parsed.title, assets)


# ---------------------------------------------------------------------------
# Все колоды
# ---------------------------------------------------------------------------


def _static(package: str, *parts: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SlidesError(f"Нет пакета {package}: установите окружение курса (make env)")
    return Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)


def copy_assets(out: Path) -> None:
    """reveal.js (из sphinx-revealjs) и MathJax (из sphinx-mathjax-offline) рядом с колодами."""
    import sphinx_revealjs

    reveal = Path(sphinx_revealjs.__file__).parent / "_static" / "revealjs"
    mathjax = _static("sphinx-mathjax-offline", "static", "mathjax")
    target = out / ASSETS
    (target / "reveal" / "theme" / "fonts" / "source-sans-pro").mkdir(parents=True, exist_ok=True)
    (target / "mathjax" / "input" / "tex").mkdir(parents=True, exist_ok=True)
    for name in ("reveal.css", "reveal.js"):
        shutil.copy2(reveal / "dist" / name, target / "reveal" / name)
    shutil.copy2(reveal / "LICENSE", target / "reveal" / "LICENSE")
    shutil.copy2(reveal / "dist" / "theme" / "white.css", target / "reveal" / "theme" / "white.css")
    # шрифт темы объявлен, но не используется (у колод свой шрифт с кириллицей): нужен только его CSS
    fonts = reveal / "dist" / "theme" / "fonts" / "source-sans-pro"
    shutil.copy2(fonts / "source-sans-pro.css", target / "reveal" / "theme" / "fonts" / "source-sans-pro" / "source-sans-pro.css")
    shutil.copy2(mathjax / "tex-svg.js", target / "mathjax" / "tex-svg.js")
    shutil.copytree(mathjax / "input" / "tex" / "extensions", target / "mathjax" / "input" / "tex" / "extensions",
                    dirs_exist_ok=True)


def executed_notebook(source: Path, root: Path):
    """Исполненная тетрадь раздела из кэша книги — та же, из которой собрана страница."""
    from jupyter_cache import get_cache

    from salesbook.authoring.bookexec import read_as_book

    cache_dir = root / "_build" / ".jupyter_cache"
    rel = source.relative_to(root).as_posix()
    if not cache_dir.is_dir():
        raise SlidesError("Нет кэша исполнения книги (_build/.jupyter_cache): сначала соберите книгу — make book "
                          "(или salesbook book-exec)")
    try:
        _, nb = get_cache(str(cache_dir)).merge_match_into_notebook(read_as_book(source, root))
    except KeyError:
        raise SlidesError(f"{rel}: раздел изменился после исполнения книги — выполните salesbook book-exec "
                          "(make book делает это сам)") from None
    return nb


def resolve(root: Path, names: list[str] | None) -> list[Path]:
    """Исходники разделов по именам из командной строки (путь к .md или имя файла без .md)."""
    known = {Path(doc).name: root / f"{doc}.md" for doc in programmes.sections(root)}
    if not names:
        return list(known.values())
    chosen = []
    for name in names:
        key = Path(name).with_suffix("").name
        if key not in known:
            raise SlidesError(f"Раздела «{name}» нет в _toc.yml; пример имени: book/ch01/1_1_1_cac.md или 1_1_1_cac")
        chosen.append(known[key])
    return chosen


def build_decks(root: Path, out: Path, names: list[str] | None = None, *, force: bool = False) -> list[Path]:
    """Собрать колоды разделов в ``out/chNN/<раздел>.html``; вернуть записанные файлы.

    Колода, входы которой не менялись (исходник, числа ``book/_glue``, вопросы программы, запись
    кэша исполнения, код сборки слайдов), не пересобирается: её отпечаток записан в самой колоде.
    Так правка одного раздела пересобирает одну колоду, а не все (``force`` — пересобрать все).
    """
    root = root.resolve()
    out = out if out.is_absolute() else root / out
    sources = resolve(root, names)
    try:
        sessions = programmes.load(root).get("sessions") or {}
    except programmes.ProgrammeError:
        sessions = {}
    records = _cache_records(root)
    decks = {}
    for source in sources:
        doc = source.relative_to(root).with_suffix("").as_posix()
        questions = list(sessions.get(doc, {}).get("questions") or [])
        target = out / source.relative_to(root / "book").with_suffix(".html")
        stamp = _stamp(source, root, questions, records.get(str(source)))
        if not force and _stamp_of(target) == stamp:
            continue
        deck = build_deck(source, executed_notebook(source, root), root, questions)
        decks[target] = deck.replace("<head>\n", f"<head>\n{_STAMP_MARK}{stamp} -->\n", 1)
    copy_assets(out)
    for target, text in decks.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return list(decks)


_STAMP_MARK = "<!-- salesbook-slides: "


def _cache_records(root: Path) -> dict[str, tuple]:
    """Последняя запись кэша исполнения книги для каждого исходника (путь → номер и время записи)."""
    cache_dir = root / "_build" / ".jupyter_cache"
    if not cache_dir.is_dir():
        return {}
    from jupyter_cache import get_cache

    found: dict[str, tuple] = {}
    for record in get_cache(str(cache_dir)).list_cache_records():
        mark = (record.pk, record.hashkey, str(record.created))
        if record.uri not in found or found[record.uri] < mark:
            found[record.uri] = mark
    return found


def _stamp(source: Path, root: Path, questions: list[str], record: tuple | None) -> str:
    import hashlib
    import json

    digest = hashlib.sha256()
    for part in (source.read_bytes(), json.dumps(glue.committed(source, root), sort_keys=True).encode(),
                 json.dumps(questions, ensure_ascii=False).encode(), repr(record).encode(),
                 Path(__file__).read_bytes(), Path(programmes.__file__).read_bytes()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _stamp_of(target: Path) -> str | None:
    """Отпечаток входов, из которых собрана существующая колода (или ``None``)."""
    try:
        with target.open(encoding="utf-8") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    start = head.find(_STAMP_MARK)
    if start < 0:
        return None
    end = head.find(" -->", start)
    return head[start + len(_STAMP_MARK):end] if end > 0 else None


def deck_images(text: str) -> list[bytes]:
    """PNG, вложенные в колоду (для проверок)."""
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', text)]
