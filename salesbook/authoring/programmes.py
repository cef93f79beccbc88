"""Программы практикумов для преподавателя: один день, два дня, шесть недель.

Данные — в ``book/facilitator/programmes.yml``: какие разделы в каком порядке, перерывы и резерв,
решение руководителя, упражнения, на которые оно опирается (``requires``), что можно отдать на дом
(``optional``), вопросы для обсуждения каждого занятия, подготовка участников. Числа в вопросах
не набирают руками: вопрос ссылается на значение раздела ролью ``{glue:text}`имя``` (как текст
раздела), страница и слайды подставляют записанное в ``book/_glue``.
Время занятия по разделу здесь не набирают: его читают из шапки раздела
(:func:`salesbook.authoring.sitting.measure`, верхняя граница). Из данных собираются страницы
``book/facilitator/*.md`` (:func:`render_pages`, команда ``salesbook programmes --write``);
:func:`problems` проверяет, что программа сходится с разделами: раздел есть в оглавлении,
решение — последнее упражнение раздела, упражнение «на дом» не нужно решению и другим упражнениям
занятия, день кончается ровно в объявленное время, метки {ref} существуют, числа вопросов есть
в ``book/_glue``, шестинедельная программа проходит заявленные главы, страницы совпадают с данными.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from salesbook.authoring import glue, sitting
from salesbook.authoring.bookexec import book_sources

ROOT = Path(__file__).resolve().parents[2]
DATA = Path("book") / "facilitator" / "programmes.yml"
PAGES_DIR = Path("book") / "facilitator"
SLIDES_PAGE = "slides"
#: Где лежат слайды в собранной книге относительно страниц book/facilitator/ (_build/html/slides).
SLIDES_FROM_PAGES = "../../slides"
GENERATED_NOTE = ("<!-- Страница собрана из book/facilitator/programmes.yml и шапок разделов командой "
                  "`salesbook programmes --write`; руками не править. -->")
#: Пункты расписания, кроме разделов: открытие, перерыв, разминка после обеда, резерв времени, итоги.
KINDS = {"opening", "break", "warmup", "buffer", "closing"}

_LABEL_TITLE = re.compile(r"^\(([\w-]+)\)=\n# (.+)$", re.M)
_EXERCISE = re.compile(r"^(:{3,})\{exercise\}[ \t]*([^\n]*)\n((?::[\w-]+:[^\n]*\n)*)(.*?)^\1[ \t]*$", re.M | re.S)
_EXERCISE_ID = re.compile(r"^:exercise:\s*(\S+)", re.M)
_NEEDS = re.compile(r"\*\*Понадобится:\*\*(.*?)(?:\*\*Данные:\*\*|$)", re.M)
_LABEL = re.compile(r"^\(([\w-]+)\)=\s*$", re.M)
_REF = re.compile(r"\{ref\}`(?:[^`<]*<)?([\w-]+)>?`")
#: «упражнение 4», «упражнения 2», «в упражнении 6» — ссылка условия на другое упражнение раздела.
_EXERCISE_MENTION = re.compile(r"упражнени[еяю]\w*\s+(\d+)", re.I)
#: Число и единица через обычный пробел: строка переносится между ними («15 | минут»); годы (2024 год) не в счёт.
_BREAKABLE_UNIT = re.compile(r"(?<!\d)\d{1,3}(?:,\d+)?[ \t]+(?:мин|час|месяц|мес\.|дн|недел|лет|год|₽|%|п\.)\w*")


class ProgrammeError(Exception):
    """Ошибка в данных программ: сообщение по-русски называет место."""


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    statement: str


@dataclass(frozen=True)
class Section:
    """Раздел книги, каким его видит программа: метка, заголовок, время, упражнения."""

    doc: str                      # путь в _toc.yml без .md: book/ch01/1_1_1_cac
    label: str
    title: str
    minutes: int | None
    exercises: tuple[Exercise, ...]
    low: int | None = None        # нижняя граница времени из шапки
    labels: tuple[str, ...] = ()  # все метки раздела (сам раздел и его подразделы)
    needs: tuple[str, ...] = ()   # метки из «Понадобится» в начале раздела: на что он опирается

    @property
    def time_text(self) -> str:
        """Время из шапки, как его видит читатель: «70–90 минут»."""
        if self.low:
            return f"{self.low}–{self.minutes}\u00a0минут"
        return _minutes(self.minutes or 0)

    def number(self, ident: str) -> int | None:
        """Номер упражнения в разделе (с единицы) — его место, как в книге и тетради."""
        ids = [e.id for e in self.exercises]
        return ids.index(ident) + 1 if ident in ids else None

    def exercise(self, ident: str) -> Exercise | None:
        return next((e for e in self.exercises if e.id == ident), None)

    @property
    def chapter(self) -> int:
        return int(re.match(r"book/ch(\d+)/", self.doc).group(1))

    @property
    def slides_href(self) -> str:
        return f"{SLIDES_FROM_PAGES}/{Path(self.doc).relative_to('book').as_posix()}.html"

    def notebook(self, variant: str) -> str:
        return f"{variant}/{Path(self.doc).relative_to('book').as_posix()}.ipynb"


def exercises(text: str) -> list[Exercise]:
    """Упражнения раздела по порядку: заголовок директивы ``{exercise}``, её условие и id решения
    (метаданные ``exercise:`` первой ячейки после директивы)."""
    found = []
    matches = list(_EXERCISE.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        ident = _EXERCISE_ID.search(text, m.end(), end)
        found.append(Exercise(ident.group(1) if ident else "", m.group(2).strip(), m.group(4).strip()))
    return found


def read_section(path: Path, root: Path = ROOT) -> Section:
    text = path.read_text(encoding="utf-8")
    head = _LABEL_TITLE.search(text)
    doc = path.relative_to(root).with_suffix("").as_posix()
    measured = sitting.measure(text)
    needs = _NEEDS.search(text)
    return Section(doc, head.group(1) if head else "", head.group(2).strip() if head else doc,
                   measured.minutes, tuple(exercises(text)), measured.low,
                   tuple(_LABEL.findall(text)), tuple(_REF.findall(needs.group(1))) if needs else ())


@lru_cache(maxsize=8)
def _sections_cached(root: Path, stamp: tuple) -> dict[str, Section]:
    return {p.relative_to(root).with_suffix("").as_posix(): read_section(p, root)
            for p in book_sources(root) if p.name[0].isdigit()}


def sections(root: Path = ROOT) -> dict[str, Section]:
    """Разделы из ``_toc.yml`` в порядке оглавления: ``book/chNN/<раздел>`` → :class:`Section`."""
    paths = [p for p in book_sources(root) if p.name[0].isdigit()]
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in paths) + ((root / "_toc.yml").stat().st_mtime_ns,)
    return _sections_cached(root, stamp)


def load(root: Path = ROOT) -> dict:
    path = root / DATA
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProgrammeError(f"Нет файла программ {DATA}") from None
    except yaml.YAMLError as exc:
        raise ProgrammeError(f"{DATA}: не читается как YAML ({exc})") from None


def object_name(ident: str) -> str:
    """Имя проверки в тетради: ``ch01.ltv.q5`` → ``q5`` (номер упражнения может быть другим)."""
    return ident.rsplit(".", 1)[-1]


def fill(text: str, doc: str, root: Path = ROOT) -> str:
    """Текст программы с числами раздела ``doc``: роли ``{glue:text}`имя``` → значения из ``book/_glue``."""
    try:
        return glue.substitute(text, glue.committed(root / f"{doc}.md", root))
    except KeyError as exc:
        raise ProgrammeError(f"занятие {doc}: значения {exc.args[0]} нет в book/_glue раздела — имя с опечаткой "
                             "или раздел его больше не передаёт (salesbook notebooks обновит значения)") from None


def questions_for(doc: str, root: Path = ROOT) -> list[str]:
    """Вопросы для обсуждения раздела из программ, с числами из ``book/_glue`` (пусто, если раздела нет)."""
    session = (load(root).get("sessions") or {}).get(doc, {})
    return [fill(q, doc, root) for q in session.get("questions") or []]


def book_labels(root: Path = ROOT) -> set[str]:
    """Метки MyST ``(метка)=`` всех страниц книги."""
    return {m for p in (root / "book").rglob("*.md") for m in _LABEL.findall(p.read_text(encoding="utf-8"))}


def _texts(data: dict):
    """Все строки файла программ, которые попадают на страницы: где стоят и что в них."""
    for doc, session in (data.get("sessions") or {}).items():
        for q in session.get("questions") or []:
            yield f"занятие {doc}", q
        for item in (session.get("optional") or {}).get("reading") or []:
            yield f"занятие {doc}", item
    for item in data.get("checklist") or []:
        yield "список перед днём", item
    for programme in data.get("programmes") or []:
        name = programme.get("title", programme.get("id"))
        yield f"«{name}»", programme.get("why", "")
        for day in programme.get("days") or []:
            for item in day.get("prework") or []:
                yield f"«{name}», «{day.get('title', '')}»", item
            for item in day.get("schedule") or []:
                if "title" in item:
                    yield f"«{name}», «{day.get('title', '')}»", item["title"]


# ---------------------------------------------------------------------------
# Расписание
# ---------------------------------------------------------------------------


def _clock(text: str) -> int:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", str(text))
    if not m:
        raise ProgrammeError(f"время «{text}» — нужно ЧЧ:ММ")
    return int(m.group(1)) * 60 + int(m.group(2))


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class Slot:
    start: int
    minutes: int
    kind: str                      # section, opening, break, closing
    title: str
    section: Section | None = None

    @property
    def end(self) -> int:
        return self.start + self.minutes

    @property
    def span(self) -> str:
        return f"{clock(self.start)}–{clock(self.end)}"


@dataclass
class Day:
    title: str
    start: int
    end: int
    slots: list[Slot] = field(default_factory=list)
    homework: list[Section] = field(default_factory=list)
    prework: list[str] = field(default_factory=list)

    @property
    def planned_end(self) -> int:
        return self.slots[-1].end if self.slots else self.start

    @property
    def sessions(self) -> list[Slot]:
        return [s for s in self.slots if s.kind == "section"]


def schedule(day: dict, known: dict[str, Section]) -> Day:
    """Расписание дня: время каждого пункта подряд от начала; раздел занимает своё время из шапки."""
    result = Day(day.get("title", ""), _clock(day.get("start", "")), _clock(day.get("end", "")),
                 prework=list(day.get("prework") or []))
    now = result.start
    for item in day.get("schedule") or []:
        if "section" in item:
            section = known.get(item["section"])
            if section is None:
                raise ProgrammeError(f"«{result.title}»: раздела {item['section']} нет в _toc.yml")
            if section.minutes is None:
                raise ProgrammeError(f"«{result.title}»: в шапке раздела {section.doc} нет строки «**Время:** … минут»")
            slot = Slot(now, section.minutes, "section", section.title, section)
        else:
            kind = item.get("kind")
            if kind not in KINDS or not isinstance(item.get("minutes"), int) or item["minutes"] <= 0:
                raise ProgrammeError(f"«{result.title}»: пункт {item} — нужен kind из {sorted(KINDS)} и минуты числом")
            slot = Slot(now, item["minutes"], kind, item.get("title", ""))
        result.slots.append(slot)
        now = slot.end
    for doc in day.get("homework") or []:
        if doc not in known:
            raise ProgrammeError(f"«{result.title}»: домашнего раздела {doc} нет в _toc.yml")
        result.homework.append(known[doc])
    return result


def programme_days(programme: dict, known: dict[str, Section]) -> list[Day]:
    return [schedule(day, known) for day in programme.get("days") or []]


# ---------------------------------------------------------------------------
# Проверка
# ---------------------------------------------------------------------------


def problems(root: Path = ROOT, check_pages: bool = True) -> list[str]:
    """Всё, в чём программы разошлись с разделами книги (пустой список — всё сходится)."""
    found: list[str] = []
    try:
        data = load(root)
        known = sections(root)
        sessions = data.get("sessions") or {}
        for doc, session in sessions.items():
            section = known.get(doc)
            if section is None:
                found.append(f"занятие {doc}: такого раздела нет в _toc.yml")
                continue
            if not section.exercises:
                found.append(f"занятие {doc}: в разделе нет упражнений")
                continue
            ids = [e.id for e in section.exercises]
            decision = session.get("decision")
            if decision not in ids:
                found.append(f"занятие {doc}: упражнения {decision} в разделе нет")
            elif decision != ids[-1]:
                found.append(f"занятие {doc}: решение руководителя — {decision}, а последнее упражнение раздела — "
                             f"{ids[-1]}; решение берут из последнего упражнения")
            found += _dependency_problems(doc, section, session)
            try:
                questions_for(doc, root)
            except ProgrammeError as exc:
                found.append(str(exc))
        labels = book_labels(root)
        for where, text in _texts(data):
            for match in _BREAKABLE_UNIT.finditer(text):
                found.append(f"{where}: «{match.group(0)}» — между числом и единицей нужен неразрывный пробел "
                             "(в строке YAML в кавычках — \\u00a0)")
            for label in _REF.findall(text):
                if label not in labels:
                    found.append(f"{where}: метки {{ref}}`{label}` в книге нет")
        for programme in data.get("programmes") or []:
            name = programme.get("title", programme.get("id"))
            days = programme_days(programme, known)
            if not days:
                found.append(f"«{name}»: нет ни одного дня")
            for day in days:
                if day.planned_end != day.end:
                    delta = day.planned_end - day.end
                    found.append(
                        f"«{name}», «{day.title}»: по расписанию день кончается в {clock(day.planned_end)}, "
                        f"а объявлен до {clock(day.end)} ({'+' if delta > 0 else '−'}{abs(delta)} мин.) — время "
                        "раздела в шапке изменилось? Поправьте перерывы или конец дня в programmes.yml и "
                        "выполните salesbook programmes --write")
                for slot in day.sessions:
                    session = sessions.get(slot.section.doc)
                    if session is None:
                        found.append(f"«{name}», «{day.title}»: для раздела {slot.section.doc} нет занятия в sessions")
                    elif not 2 <= len(session.get("questions") or []) <= 3:
                        found.append(f"«{name}», «{day.title}»: у раздела {slot.section.doc} нужно 2–3 вопроса "
                                     "для обсуждения")
                    elif not (session.get("optional") or {}).get("exercises"):
                        found.append(f"«{name}», «{day.title}»: у раздела {slot.section.doc} нет списка optional — "
                                     "что отдать на дом, если группа не успевает")
                for section in day.homework:
                    if section.doc not in sessions:
                        found.append(f"«{name}», «{day.title}»: для домашнего раздела {section.doc} нет занятия в sessions")
                    elif not sessions[section.doc].get("questions"):
                        found.append(f"«{name}», «{day.title}»: у домашнего раздела {section.doc} нужен вопрос, "
                                     "с которого начинается разбор")
            found += _order_problems(programme, days, known)
            found += _coverage_problems(programme, days, known)
        if check_pages:
            found += stale_pages(root)
    except ProgrammeError as exc:
        found.append(str(exc))
    return found


def _dependency_problems(doc: str, section: Section, session: dict) -> list[str]:
    """Упражнения «на дом» (``optional``) не нужны решению и упражнениям, которые остаются в аудитории.

    Зависимость видна двумя путями: автор программы пишет её в ``requires``, а условие упражнения
    называет другое упражнение номером («переплата из упражнения 4») — такие ссылки читаются из раздела.
    """
    found = []
    ids = [e.id for e in section.exercises]
    decision = session.get("decision")
    optional = list((session.get("optional") or {}).get("exercises") or [])
    requires = list(session.get("requires") or [])
    for ident in optional + requires:
        if ident not in ids:
            found.append(f"занятие {doc}: упражнения {ident} (optional/requires) в разделе нет")
    if decision in optional:
        found.append(f"занятие {doc}: решение руководителя {decision} не может быть в optional")
    for ident in sorted(set(optional) & set(requires)):
        found.append(f"занятие {doc}: {ident} одновременно в requires и в optional — на него опирается решение, "
                     "на дом его не отдают")
    for number, exercise in enumerate(section.exercises, 1):
        if exercise.id in optional:
            continue
        for mention in _EXERCISE_MENTION.findall(exercise.statement):
            target = int(mention)
            if not 1 <= target <= len(ids) or target == number:
                continue
            needed = ids[target - 1]
            if needed in optional:
                found.append(f"занятие {doc}: упражнение {number} ({exercise.id}) ссылается на упражнение {target} "
                             f"({needed}), а оно в optional — его нельзя отдать на дом")
            if exercise.id == decision and needed not in requires:
                found.append(f"занятие {doc}: решение ссылается на упражнение {target} ({needed}) — добавьте его "
                             "в requires")
    return found


def _order_problems(programme: dict, days: list[Day], known: dict[str, Section]) -> list[str]:
    """Раздел программы не стоит раньше раздела этой же программы, на который он опирается
    («Понадобится» в начале раздела). Домашний раздел дня идёт после его занятий в аудитории."""
    name = programme.get("title", programme.get("id"))
    owner = {label: doc for doc, s in known.items() for label in s.labels}
    place: dict[str, tuple[int, int]] = {}
    for d, day in enumerate(days):
        for i, slot in enumerate(day.sessions):
            place.setdefault(slot.section.doc, (d, i))
        for section in day.homework:
            place.setdefault(section.doc, (d, len(day.sessions)))
    found = []
    for doc, where in place.items():
        for label in known[doc].needs:
            needed = owner.get(label)
            if needed and needed != doc and needed in place and place[needed] >= where:
                found.append(f"«{name}»: {known[doc].title} опирается на {known[needed].title} ({{ref}}`{label}`), "
                             f"а тот стоит в программе не раньше — поменяйте порядок")
    return found


def _coverage_problems(programme: dict, days: list[Day], known: dict[str, Section]) -> list[str]:
    if "covers" not in programme:
        return []
    name = programme.get("title", programme.get("id"))
    taught = {s.section.chapter for d in days for s in d.sessions} | {s.chapter for d in days for s in d.homework}
    claimed = set(programme.get("covers") or [])
    outside = set(programme.get("outside") or [])
    found = []
    if claimed - taught:
        found.append(f"«{name}»: заявлены главы {sorted(claimed - taught)}, но ни одного их раздела в программе нет")
    if taught - claimed:
        found.append(f"«{name}»: в программе есть разделы глав {sorted(taught - claimed)}, а в covers их нет")
    chapters = {s.chapter for s in known.values()}
    if chapters - claimed - outside:
        found.append(f"«{name}»: о главах {sorted(chapters - claimed - outside)} не сказано, входят ли они в программу "
                     "(covers или outside)")
    docs = [s.section.doc for d in days for s in d.sessions] + [s.doc for d in days for s in d.homework]
    repeated = sorted({d for d in docs if docs.count(d) > 1})
    if repeated:
        found.append(f"«{name}»: разделы {repeated} стоят в программе дважды")
    return found


# ---------------------------------------------------------------------------
# Страницы
# ---------------------------------------------------------------------------


def _minutes(n: int) -> str:
    from salesbook.runtime.fmt import plural

    return plural(n, "минута", "минуты", "минут")


def _hours(n: int) -> str:
    hours, minutes = divmod(n, 60)
    return f"{hours}\u00a0ч {minutes:02d}\u00a0мин" if minutes else f"{hours}\u00a0ч"


def _exercise_ref(section: Section, ident: str, title: bool = True) -> str:
    """«упражнение 4 «…» (в тетради — `q5.check()`, подсказка `q5.hint()`)»: номер — место в разделе,
    имя проверки — то, что участник набирает в тетради; они могут не совпадать."""
    exercise = section.exercise(ident)
    number = section.number(ident)
    name = object_name(ident)
    head = f"упражнение {number}" if number else f"упражнение `{ident}`"
    if title and exercise:
        head += f" «{exercise.title}»"
    return f"{head} (в тетради — `{name}.check()`, подсказка `{name}.hint()`)"


def _short_ref(section: Section, idents: list[str]) -> str:
    """«упражнения 3 (`q3`) и 5 (`q5`)» — коротко для списков."""
    parts = [f"{section.number(i)} (`{object_name(i)}`)" for i in idents]
    word = "упражнение" if len(parts) == 1 else "упражнения"
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " и " + parts[-1]
    return f"{word} {joined}"


def _deck(section: Section) -> str:
    return f'<a href="{section.slides_href}">слайды раздела</a>'


def _checks(days: list[Day]) -> list[str]:
    lines = []
    for day in days:
        docs = [s.section for s in day.sessions] + day.homework
        if not docs:
            continue
        workbooks = " ".join(s.notebook("notebooks") for s in docs)
        solutions = " ".join(s.notebook("solutions") for s in docs)
        lines += [f"# {day.title}",
                  f"SALESBOOK_EXPECT=unattempted .venv/bin/python -m pytest --nbval-lax -q {workbooks}",
                  f"SALESBOOK_EXPECT=pass .venv/bin/python -m pytest --nbval-lax -q {solutions}"]
    return lines


def render_programme(programme: dict, data: dict, known: dict[str, Section], root: Path = ROOT) -> str:
    """Страница одной программы (MyST Markdown)."""
    sessions = data.get("sessions") or {}
    days = programme_days(programme, known)
    several = len(days) > 1
    evening = all(d.title.startswith("Неделя") for d in days)
    out = [f"({programme['label']})=", f"# {programme['title']}", "", GENERATED_NOTE, "",
           f"**Для кого:** {programme['audience']}.", "", f"**Почему так.** {programme['why'].strip()}", ""]
    in_class = sum(len(d.sessions) for d in days)
    homework = sum(len(d.homework) for d in days)
    total = sum(s.minutes for d in days for s in d.sessions)
    summary = (f"**Занятий в аудитории:** {in_class}, всего {_hours(total)} работы с разделами"
               + (f"; дома — ещё {homework}" if homework else "") + ". ")
    out += [summary + "Время занятия — верхняя граница времени из раздела (строка «Время» в его начале); "
            "ритм одного занятия и что делать, если группа отстаёт, — на странице {ref}`facilitator`.", ""]

    for number, day in enumerate(days, 1):
        title = day.title if not several or day.title.startswith("Неделя") else f"День {number}. {day.title}"
        out += [f"## {title}", "",
                f"**{clock(day.start)}–{clock(day.end)}**, занятий по разделам — {len(day.sessions)}.", ""]
        out += ["| Время | Что | Длительность |", "|---|---|---|"]
        for slot in day.slots:
            what = (f"{{ref}}`{slot.section.title} <{slot.section.label}>`" if slot.section else slot.title)
            out.append(f"| {slot.span} | {what} | {_minutes(slot.minutes)} |")
        out.append("")
        if day.prework:
            out += ["**Подготовка участников**", ""] + [f"- {p}" for p in day.prework] + [""]
        for slot in day.sessions:
            section, session = slot.section, sessions.get(slot.section.doc, {})
            out += [f"**{slot.span} · {section.title}**", "",
                    f"- Раздел: {{ref}}`{section.label}`, {section.time_text} (время из раздела); {_deck(section)}.",
                    f"- Решение руководителя: {_exercise_ref(section, session.get('decision', ''))} — его "
                    "обсуждают в последние 15\u00a0минут занятия."]
            requires = list(session.get("requires") or [])
            if requires:
                out.append(f"- Не пропускать: {_short_ref(section, requires)} — "
                           f"на {'него' if len(requires) == 1 else 'них'} опирается решение.")
            optional = session.get("optional") or {}
            cut = []
            if optional.get("exercises"):
                cut.append(_short_ref(section, list(optional["exercises"])))
            cut += list(optional.get("reading") or [])
            if cut:
                out.append(f"- Если группа не успевает — на дом: {'; '.join(cut)}.")
            out += ["- Вопросы для обсуждения (в аудитории — один на выбор, остальные — письменно или на дом):", ""]
            out += [f"  {i}. {q}" for i, q in enumerate(questions_for(section.doc, root), 1)] + [""]
        for section in day.homework:
            session = sessions.get(section.doc, {})
            questions = questions_for(section.doc, root)
            out += [f"**Дома · {section.title}**", "",
                    f"- Раздел: {{ref}}`{section.label}`; в аудитории он занимает {section.time_text}, дома "
                    f"заложите 2–3\u00a0часа; {_deck(section)}.",
                    f"- К следующему {'вечеру' if evening else 'дню'} — своё решение последнего упражнения: "
                    f"{_exercise_ref(section, session.get('decision', ''))}; с него начинается разбор."]
            if questions:
                out.append(f"- Вопрос для разбора. {questions[0]}")
            out.append("")
    out += [f"## Что проверить перед каждым {'вечером' if evening else 'днём'} практикума", ""]
    out += [f"- {item}" for item in data.get("checklist") or []] + [""]
    out += [f"Тетради {'вечера' if evening else 'дня'} выполняются сверху вниз — команды из корня репозитория курса:",
            "", "```bash"]
    out += _checks(days) + ["```", ""]
    return "\n".join(out)


def render_slides_page(known: dict[str, Section]) -> str:
    """Страница со ссылками на слайды всех разделов."""
    out = ["(facilitator-slides)=", "# Слайды разделов", "", GENERATED_NOTE, "",
           "Слайды каждого раздела собраны из того же исходника, что и страница книги: заголовок и время, "
           "ключевые формулы, графики из исполненной тетради, решение руководителя и вопросы для обсуждения "
           "(если раздел входит в программу). Слайды открываются в браузере без интернета; стрелки листают, "
           "клавиша F — во весь экран, Esc — обзор всех слайдов. Собрать заново: `make slides`.", "",
           "| Раздел | Время | Упражнений | Слайды |", "|---|---|---|---|"]
    for section in known.values():
        out.append(f"| {{ref}}`{section.title} <{section.label}>` | до {_minutes(section.minutes or 0)} | "
                   f"{len(section.exercises)} | {_deck(section)} |")
    return "\n".join(out) + "\n"


def render_pages(root: Path = ROOT) -> dict[Path, str]:
    """Страницы book/facilitator/*.md, которые собираются из данных: путь → текст."""
    data = load(root)
    known = sections(root)
    pages = {root / PAGES_DIR / f"{p['id']}.md": render_programme(p, data, known, root) + "\n"
             for p in data.get("programmes") or []}
    pages[root / PAGES_DIR / f"{SLIDES_PAGE}.md"] = render_slides_page(known)
    return pages


def stale_pages(root: Path = ROOT) -> list[str]:
    found = []
    for path, text in render_pages(root).items():
        rel = path.relative_to(root).as_posix()
        if not path.exists():
            found.append(f"{rel}: страницы нет — выполните salesbook programmes --write")
        elif path.read_text(encoding="utf-8") != text:
            found.append(f"{rel}: страница не совпадает с programmes.yml и шапками разделов — "
                         "выполните salesbook programmes --write")
    return found


def write_pages(root: Path = ROOT) -> list[Path]:
    written = []
    for path, text in render_pages(root).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
