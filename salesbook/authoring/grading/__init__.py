"""Проверка сданных работ практикума: ``salesbook grade РАБОТЫ/ --out ОТЧЁТ/``.

Каждая тетрадь исполняется в свежем ядре в отдельном процессе (:mod:`.worker`) с
лимитом памяти на процесс и ядро и лимитом времени на тетрадь и на ячейку. Ядро
работает в режиме проверки (``SALESBOOK_GRADING_DIR``): ``check()`` не сравнивает, а
сохраняет ответ; сравнивают настоящие проверки курса здесь, вне ядра, ответы читаются
ограниченным распаковщиком (:mod:`.safe`). Сохранённые выводы тетради не читаются
никогда, поэтому отредактированный вывод «✅ Верно» или своя функция ``check`` ничего
не дают.

Что можно гарантировать и что нет. Код участника выполняется в том же процессе, что
и ``check()``: злонамеренный участник может подменить функции курса в памяти ядра,
прочитать файлы курса или записать в папку ответов что угодно. Поэтому: эталоны,
решения и типичные ошибки внутри ядра недоступны через методы упражнений (отказ на
русском); код тетради просматривается по синтаксическому дереву на обращения к
эталонам и решениям (``.expected``, ``.solution()``, ``solutions.json``, закрытые имена
модулей курса, папка проверки) — упражнение в такой тетради помечается «обращение к
эталону/решению» и не засчитывается; что бы ни лежало в папке ответов, оно проходит
те же проверки, что и честный ответ, и распаковывается без выполнения чужого кода.
Полностью исключить обман изнутри процесса нельзя — отчёт это честно говорит, а
отмеченные тетради стоит посмотреть глазами.

Участник — первая папка внутри РАБОТ для вложенных файлов, иначе имя файла без
расширения. Выгрузки журнала (``salesbook progress --export``) — файлы ``*.json``
там же; они входят в отчёт с пометкой «журнал самостоятельной работы — не перепроверен».
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from salesbook.runtime import progress

#: Статусы отчёта: четыре статуса проверки и три статуса проверяющего.
STATUS_LABELS = {
    "correct": "верно",
    "incorrect": "неверно",
    "invalid": "ответ не того вида",
    "unattempted": "не решено",
    "flagged": "обращение к эталону",
    "solutions": "сдана тетрадь с решениями",
    "not_graded": "не проверялось (сбой/лимит)",
}
STATUS_MARKS = {"correct": "✅", "incorrect": "❌", "invalid": "⚠️", "unattempted": "✏️", "flagged": "🚩",
                "solutions": "📕", "not_graded": "⛔"}
#: Буква рядом со значком — на случай, если шрифта со значками нет.
STATUS_LETTERS = {"correct": "В", "incorrect": "Н", "invalid": "Ф", "unattempted": "П", "flagged": "Э",
                  "solutions": "Р", "not_graded": "С"}
#: Какой статус показывать, если упражнение сдано в нескольких копиях: лучший проверенный результат;
#: 🚩 копии выше ❌ другой (стоит посмотреть), но ниже ✅, честно полученного в другой копии.
STATUS_RANK = {"correct": 7, "flagged": 6, "incorrect": 5, "invalid": 4, "unattempted": 3, "solutions": 2,
               "not_graded": 1}
#: Порядок важности в списке незасчитанных ответов.
SEVERITY = ["flagged", "incorrect", "invalid", "solutions", "not_graded", "unattempted"]
SOURCE_NOTEBOOK = "тетрадь"
SOURCE_LOG = "журнал самостоятельной работы — не перепроверен"


@dataclass
class Row:
    participant: str
    file: str
    section: str
    exercise_id: str
    title: str
    status: str
    message: str
    source: str = SOURCE_NOTEBOOK


@dataclass
class Submission:
    participant: str
    file: str                      # путь относительно папки работ
    kind: str                      # notebook | export
    problems: list[tuple[str, str]] = field(default_factory=list)   # (где, причина)
    elapsed: float = 0.0


@dataclass
class Outcome:
    rows: list[Row]
    submissions: list[Submission]
    wanted: list[str]
    notes: list[str] = field(default_factory=list)        # замечания ко всей папке работ
    params: dict = field(default_factory=dict)             # версия курса и параметры проверки


def clean_name(name: str) -> str:
    """Имя участника: NFC (архив с macOS даёт NFD — «й» и «ё» из двух символов), без лишних пробелов."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", name).split())


def name_key(name: str) -> tuple:
    """Ключ сортировки имён: без регистра, «ё» как «е» (Ёлкин — среди Е, а не после Я)."""
    folded = clean_name(name).casefold()
    return folded.replace("ё", "е"), folded, name


def participant_of(relative: Path) -> str:
    """Участник: первая папка для вложенных файлов, иначе имя файла без расширения."""
    return clean_name(relative.parts[0] if len(relative.parts) > 1 else relative.stem)


def _ignored(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def participants_root(root: Path) -> Path:
    """Папка, в которой лежат папки участников: если в РАБОТАХ одна папка и ни одного файла
    (архив распакован в «работы/работы/»), участники — уровнем ниже."""
    entries = [p for p in root.iterdir() if not _ignored(p.name)]
    if len(entries) == 1 and entries[0].is_dir():
        inner = [p for p in entries[0].iterdir() if not _ignored(p.name)]
        if any(p.is_dir() for p in inner):   # внутри снова папки — значит, это папки участников
            return entries[0]
    return root


def find_submissions(root: Path) -> list[tuple[Path, str]]:
    """Файлы работ: ``*.ipynb`` (тетради) и ``*.json`` (выгрузки журнала), в любых вложенных папках."""
    found = []
    for path in sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix()):
        rel = path.relative_to(root)
        if any(_ignored(part) for part in rel.parts) or not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix == ".ipynb":
            found.append((path, "notebook"))
        elif suffix == ".json":
            found.append((path, "export"))
    return found


# ---------------------------------------------------------------------------
# Исполнение тетради в отдельном процессе
# ---------------------------------------------------------------------------


def _kill_group(pid: int | None) -> None:
    if not pid:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _read_state(folder: Path) -> dict:
    try:
        return json.loads((folder / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


#: Запущенные сейчас рабочие процессы: при Ctrl+C их группы и ядра убиваются.
_RUNNING: dict[int, Path] = {}
_STOPPING = False


def stop_all() -> None:
    """Убить все запущенные проверки и их ядра (Ctrl+C в ``salesbook grade``)."""
    global _STOPPING
    _STOPPING = True
    for pid, folder in list(_RUNNING.items()):
        _kill_group(pid)
        _kill_kernel(_read_state(folder).get("kernel_pid"), folder / "answers")


def run_worker(file: Path, folder: Path, *, timeout: float, cell_timeout: float, memory_mb: int,
               sections: list[str], course_keys: Path | None = None) -> tuple[dict, bool, int, float]:
    """Проверить одну тетрадь в отдельном процессе: (состояние, убит по времени, код выхода, секунды)."""
    folder.mkdir(parents=True, exist_ok=True)
    # сокеты ядра — в короткой папке, которую создаёт и удаляет этот процесс: рабочий могут убить по
    # лимиту, и уборка при выходе в нём не случится (а путь внутри folder бывает длиннее предела сокета)
    sockets = tempfile.mkdtemp(prefix="sbk-grade-")
    job = {"file": str(file), "timeout": timeout, "cell_timeout": cell_timeout, "memory_mb": memory_mb,
           "sections": sections, "course_version": progress.course_version(),
           "course_keys": str(course_keys) if course_keys else "", "sockets": sockets}
    (folder / "job.json").write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    env = dict(os.environ)
    env.update({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0"})
    env.pop("SALESBOOK_GRADING_DIR", None)
    try:
        if _STOPPING:
            raise KeyboardInterrupt
        started = time.monotonic()
        with open(folder / "worker.log", "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "salesbook.authoring.grading.worker", str(folder)],
                                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    env=env, start_new_session=True)
            _RUNNING[proc.pid] = folder
            killed = False
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                killed = True
                _kill_group(proc.pid)
                code = proc.wait()
            finally:
                _RUNNING.pop(proc.pid, None)
        state = _read_state(folder)
        _kill_kernel(state.get("kernel_pid"), folder / "answers")   # ядро живёт в своей сессии: убиваем и его
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return state, killed, code, time.monotonic() - started


def _kill_kernel(pid, answers: Path) -> None:
    """Убить группу ядра этой тетради — только если это правда оно.

    Номер процесса берётся из state.json, а туда может писать и код участника: убиваем,
    только если процесс запущен с папкой ответов именно этой тетради в окружении.
    """
    if not isinstance(pid, int) or pid <= 1:
        return
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return
    if f"SALESBOOK_GRADING_DIR={answers}".encode() in environ:
        _kill_group(pid)


# ---------------------------------------------------------------------------
# Сравнение ответов вне ядра
# ---------------------------------------------------------------------------


class Replay:
    """Функция учащегося, восстановленная по её вызовам в ядре: возвращает записанные результаты."""

    def __init__(self, calls: dict):
        self.calls = calls

    def __call__(self, *args):
        from salesbook.authoring.grading import safe
        from salesbook.runtime.checks import BlankError, Invalid, call_key

        record = self.calls.get(call_key(args))
        if record is None:
            raise Invalid("функцию не удалось вызвать на этом примере во время проверки")
        if record[0] == "blank":
            raise BlankError()
        if record[0] == "error":
            raise type(str(record[1]), (Exception,), {})(record[2])
        kind, data = record[1], record[2]
        if kind == "pickle":
            try:
                return safe.loads(data)
            except safe.UnsafeAnswer as exc:
                raise Invalid(f"функция вернула объект, который проверка не принимает ({exc})") from None
        if kind == "too_big":
            raise Invalid("функция вернула слишком большой результат")
        raise Invalid(f"результат функции нельзя передать проверке ({data})")


def evaluate(exercise, payload: dict) -> tuple[str, str]:
    """Статус и сообщение настоящей проверки курса для ответа, сохранённого в ядре."""
    from salesbook.authoring.grading import safe

    kind = payload.get("kind")
    if kind == "blank":
        return "unattempted", "В ответе остался пропуск ___."
    if kind == "unpicklable":
        return "invalid", f"Ответ ({payload.get('data')}) нельзя передать проверке: нужен ответ того вида, что просит задание."
    if kind == "too_big":
        return "invalid", "Ответ слишком велик для проверки (больше 64\u00a0МБ)."
    if kind == "function":
        answer = Replay(payload.get("calls") or {})
    elif kind == "pickle":
        try:
            answer = safe.loads(payload["data"])
        except safe.UnsafeAnswer as exc:
            return "invalid", (f"В ответе объект, который проверка не принимает ({exc}): ответ не распакован и не "
                               "проверялся.")
        except Exception as exc:
            return "invalid", f"Ответ не удалось прочитать ({type(exc).__name__})."
    else:
        return "invalid", "Ответ не удалось сохранить во время проверки."
    try:
        result = exercise._evaluate(answer)
    except Exception as exc:
        return "invalid", f"Не удалось проверить ответ ({type(exc).__name__})."
    return result.status, result.message


def _load_payload(path: Path) -> dict | None:
    from salesbook.authoring.grading import safe

    try:
        info = path.lstat()      # не по ссылке: ссылка на /dev/zero читалась бы вечно
        if not stat.S_ISREG(info.st_mode):
            return None
        if info.st_size > 200 * 1024 * 1024:
            return {"kind": "too_big"}
        payload = safe.loads(path.read_bytes())
    except safe.UnsafeAnswer as exc:
        return {"kind": "unsafe", "text": str(exc)}
    except Exception:
        return None
    return payload if isinstance(payload, dict) else None


# ---------------------------------------------------------------------------
# Строки отчёта
# ---------------------------------------------------------------------------

VERDICTS = {
    "empty": "пустой файл — проверять нечего",
    "corrupt": "файл повреждён: это не тетрадь Jupyter ({detail})",
    "too_big": "файл слишком большой ({detail}\u00a0МБ) — не проверялся",
    "unreadable": "файл не читается ({detail})",
    "foreign": "не тетрадь курса: нет ни метаданных курса, ни строки импорта упражнений",
    "no_module": "раздела «{section}» нет в этой версии курса — не проверялась",
    "solutions": "сдана тетрадь с решениями (из solutions/ или с ячейками решений), а не рабочая тетрадь — "
                 "не засчитывается",
}


def _note_copies(rows: list[Row], subs: list[Submission]) -> None:
    """Одна и та же тетрадь, сданная участником в нескольких файлах: назвать копии в «Что пошло не так»."""
    files: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        if row.exercise_id and row.source == SOURCE_NOTEBOOK:
            files.setdefault((row.participant, row.exercise_id), set()).add(row.file)
    for sub in subs:
        others = sorted({f for (p, _), fs in files.items() if p == sub.participant and sub.file in fs for f in fs}
                        - {sub.file})
        if others:
            shown = ", ".join(f"«{f}»" for f in others)
            sub.problems.append(("файл", f"те же упражнения сданы ещё в {shown} — в таблице по каждому упражнению "
                                         "лучший результат из копий (✅, затем 🚩, ❌, ⚠️, ✏️); 🚩 в любой копии "
                                         "видна в списке незасчитанных"))


def _section_key(title: str) -> tuple:
    number = title.split(" ", 1)[0].rstrip(".")
    return tuple(int(p) if p.isdigit() else 0 for p in number.split(".")), title


def _grade_notebook(sub: Submission, state: dict, killed: bool, code: int, folder: Path, timeout: float,
                    wanted: list[str]) -> list[Row]:
    from salesbook.exercises import get, section_titles

    verdict = state.get("verdict", "")
    for note in state.get("notes", []):
        sub.problems.append(("тетрадь", note))
    titles = section_titles()
    if verdict in VERDICTS:
        sub.problems.insert(0, ("файл", VERDICTS[verdict].format(detail=state.get("detail", ""),
                                                               section=state.get("section", ""))))
        if verdict == "solutions" and state.get("module"):
            return _not_graded_rows(sub, state, "Сдана тетрадь с решениями — не засчитывается.", "solutions")
        return [Row(sub.participant, sub.file, "", "", "", "not_graded", sub.problems[0][1])]
    if verdict == "other_section":
        line = (f"тетрадь раздела {state.get('section')} «{state.get('title', '')}», а проверяются только: "
                f"{', '.join(wanted)} — не проверялась")
        sub.problems.insert(0, ("файл", line))
        return [Row(sub.participant, sub.file, state.get("title", ""), "", "", "not_graded", line)]
    if not state or verdict in ("", "reading"):
        line = ("проверка не уложилась в лимит времени на тетрадь" if killed
                else f"проверка тетради оборвалась (код выхода {code}) — файл не прочитан")
        sub.problems.insert(0, ("файл", line))
        return [Row(sub.participant, sub.file, "", "", "", "not_graded", line)]
    for name in state.get("unknown", []):
        sub.problems.append(("тетрадь", f"упражнения {name} нет в этой версии курса — не проверялось"))
    sub.problems += _cell_problems(state.get("cells", []))
    stopped = state.get("stopped")
    if killed:
        at = state.get("current_cell")
        where = f"ячейка кода № {at}" if at else "тетрадь"
        sub.problems.append((where, f"тетрадь не уложилась в общий лимит {_num(timeout)}\u00a0с и остановлена; "
                                    "ответы, сохранённые до этого, проверены"))
        stopped = stopped or at or -1
    elif verdict not in ("done",) and code != 0:
        sub.problems.append(("тетрадь", f"проверка тетради оборвалась (код выхода {code}); ответы, сохранённые до "
                                        "этого, проверены"))
        stopped = stopped or -1
    redefined = state.get("redefined") or []
    if redefined:
        sub.problems.append((f"ячейка кода № {redefined[0]}", "переопределена проверка check — на оценку не влияет: ответы "
                                                      "перепроверены проверками курса"))
    flags = [f for f in state.get("flags", []) if f.get("strong", True)]
    all_flag = next((f for f in flags if f.get("exercise") is None), None)
    for flag in flags:
        sub.problems.append((f"ячейка кода № {flag['cell']}", f"обращение к эталону или решению: {flag['what']}"))
    for flag in state.get("flags", []):
        if not flag.get("strong", True):
            sub.problems.append((f"ячейка кода № {flag['cell']}", f"обращение к закрытому имени курса {flag['what']} — "
                                 "на оценку не влияет, посмотрите глазами"))
    crashes = {}
    for cell in state.get("cells", []):
        if cell.get("exercise") and cell.get("ename") and cell.get("cell") != stopped:
            crashes.setdefault(cell["exercise"], cell)
    rows = []
    section = titles.get(get(state["exercises"][0]).id.rsplit(".", 1)[0], "") if state.get("exercises") else ""
    for exercise_id in state.get("exercises", []):
        exercise = get(exercise_id)
        path = folder / "answers" / f"answer-{exercise_id}.pkl"
        payload = _load_payload(path) if path.exists() else None
        if payload is None and path.exists():
            status, message = "invalid", "Сохранённый ответ не удалось прочитать."
        elif payload is None:
            if stopped:
                status, message = "not_graded", "Не проверено: выполнение тетради остановилось раньше этого упражнения."
            else:
                status, message = "unattempted", f"Ответа нет: переменная {exercise.var} не создана (ячейка не выполнена или удалена)."
        elif payload.get("kind") == "unsafe":
            status, message = "invalid", f"В ответе объект, который проверка не принимает ({payload['text']})."
        else:
            status, message = evaluate(exercise, payload)
        crash = crashes.get(exercise_id)
        if crash and status == "unattempted":
            status = "incorrect"
            verb = "не выполнилась" if crash.get("ename") == "timeout" else "упала"
            message = f"Ячейка с ответом {verb}: {crash['reason']} ({crash.get('line', '')})."
        flag = next((f for f in flags if f.get("exercise") == exercise_id), None) or all_flag
        if flag and status in ("correct", "incorrect", "invalid"):
            status = "flagged"
            message = f"Обращение к эталону или решению (ячейка кода № {flag['cell']}: {flag['what']}) — не засчитано."
        rows.append(Row(sub.participant, sub.file, section, exercise_id, exercise.title, status, message))
    return rows


def _cell_problems(cells: list[dict]) -> list[tuple[str, str]]:
    """Строки «ячейка → причина»; три и больше NameError подряд — одной строкой (удалена ячейка подготовки)."""
    import re

    problems: list[tuple[str, str]] = []
    i = 0
    while i < len(cells):
        j = i
        while j < len(cells) and cells[j].get("ename") == "NameError":
            j += 1
        if j - i >= 3:
            names = []
            for cell in cells[i:j]:
                m = re.search(r"name '([^']+)' is not defined", cell.get("evalue", ""))
                if m and m.group(1) not in names:
                    names.append(m.group(1))
            shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
            problems.append((f"ячейки кода № {cells[i]['cell']}–{cells[j - 1]['cell']} ({j - i})",
                             f"NameError: не определены {shown} — ячейки выполнены без предыдущих: похоже, удалена "
                             "ячейка подготовки или ячейки переставлены"))
            i = j
            continue
        cell = cells[i]
        line = f" ({cell['line']})" if cell.get("line") else ""
        if cell.get("exercise"):
            where = f"упражнение {cell['exercise'].rsplit('.', 1)[-1]}, ячейка с ответом"
        elif cell.get("cell"):
            where = f"ячейка кода № {cell['cell']} (считая сверху)"
        else:
            where = "тетрадь"
        problems.append((where + line, cell["reason"]))
        i += 1
    return problems


def _not_graded_rows(sub: Submission, state: dict, message: str, status: str = "not_graded") -> list[Row]:
    from salesbook.exercises import section_modules
    from salesbook.runtime.checks import Exercise

    module = next((m for m in section_modules() if m.__name__.endswith("." + state["module"])), None)
    exercises = [v for v in vars(module).values() if isinstance(v, Exercise)] if module else []
    return [Row(sub.participant, sub.file, module.TITLE, ex.id, ex.title, status, message) for ex in exercises] or [
        Row(sub.participant, sub.file, "", "", "", "not_graded", message)]


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _grade_export(sub: Submission, path: Path, named_top_level: bool) -> list[Row]:
    from salesbook.exercises import all_exercises, section_titles

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        line = "файл .json повреждён: это не выгрузка журнала (salesbook progress --export) — пропущен"
        sub.problems.append(("файл", line))
        return [Row(sub.participant, sub.file, "", "", "", "not_graded", line, SOURCE_LOG)]
    if not isinstance(data, dict) or data.get("schema") != progress.EXPORT_SCHEMA or not isinstance(data.get("exercises"), dict):
        line = "файл .json — не выгрузка журнала (salesbook progress --export) — пропущен"
        sub.problems.append(("файл", line))
        return [Row(sub.participant, sub.file, "", "", "", "not_graded", line, SOURCE_LOG)]
    name = clean_name(data["name"]) if isinstance(data.get("name"), str) else ""
    if named_top_level and name:
        if name != sub.participant:
            sub.problems.append(("файл", f"участник — «{name}», по имени в выгрузке (а не по имени файла)"))
        sub.participant = name
    elif name and name_key(name)[0] != name_key(sub.participant)[0]:
        sub.problems.append(("файл", f"в выгрузке имя «{name}», а папка — «{sub.participant}»: выгрузка отнесена "
                                     "к участнику по папке — проверьте, не перепутан ли файл"))
    if data.get("course_version") != progress.course_version():
        sub.problems.append(("файл", f"журнал версии курса {data.get('course_version')}, отчёт — по версии "
                                     f"{progress.course_version()}"))
    known = {ex.id: ex for ex in all_exercises()}
    titles = section_titles()
    rows = []
    for exercise_id, status in sorted(data["exercises"].items()):
        if exercise_id not in known:
            sub.problems.append(("журнал", f"упражнения {exercise_id} нет в этой версии курса — пропущено"))
            continue
        if status not in progress.EXPORT_STATUSES:
            sub.problems.append(("журнал", f"{exercise_id}: непонятный статус {status!r} — пропущено"))
            continue
        ex = known[exercise_id]
        rows.append(Row(sub.participant, sub.file, titles.get(exercise_id.rsplit(".", 1)[0], ""), exercise_id, ex.title,
                        status, "Статус из журнала учащегося.", SOURCE_LOG))
    return rows


def grade(root: Path, out: Path, *, timeout: float = 600, cell_timeout: float | None = None, memory_mb: int = 3000,
          jobs: int = 2, sections: list[str] | None = None, echo=print) -> Outcome:
    """Проверить все работы в ``root`` и записать отчёт в ``out``."""
    from salesbook.authoring.grading import report

    global _STOPPING
    _STOPPING = False
    root, out = Path(root), Path(out)
    sections = sections or []
    cell_timeout = cell_timeout or min(timeout, 300)
    files = find_submissions(root)
    notes = []
    people_root = participants_root(root)
    if people_root != root:
        notes.append(f"В папке работ одна папка «{people_root.name}» — участники взяты из папок внутри неё.")
        echo(notes[-1])
    subs = []
    for path, kind in files:
        rel = path.relative_to(root)
        try:
            owner = participant_of(path.relative_to(people_root))
        except ValueError:
            owner = participant_of(rel)
        subs.append((path, Submission(owner, rel.as_posix(), kind)))
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="salesbook-grade-") as tmp:
        work = Path(tmp)
        notebooks = [(i, path, sub) for i, (path, sub) in enumerate(subs) if sub.kind == "notebook"]
        from salesbook.authoring.grading import identify

        keys_file = work / "course_keys.json"      # ячейки курса считаются один раз на всю проверку
        keys_file.write_text(json.dumps(sorted(identify.course_cell_keys())), encoding="utf-8")

        def job(item):
            i, path, sub = item
            folder = work / f"{i:04d}"
            try:
                result = run_worker(path, folder, timeout=timeout, cell_timeout=cell_timeout, memory_mb=memory_mb,
                                    sections=sections, course_keys=keys_file)
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # процесс не запустился — строка отчёта, а не падение
                result = ({"verdict": "", "notes": [f"проверяющий процесс не запустился: {type(exc).__name__}"]},
                          False, -1, 0.0)
            sub.elapsed = result[3]
            peak = result[0].get("kernel_peak_mb")
            memory = f", пик памяти ядра {peak}\u00a0МБ" if peak else ""
            echo(f"  {sub.file} — {_num(round(result[3], 1))}\u00a0с{memory}")
            return i, folder, result

        results = {}
        pool = ThreadPoolExecutor(max_workers=max(1, jobs))
        try:
            for i, folder, result in pool.map(job, notebooks):
                results[i] = (folder, result)
        except BaseException:     # Ctrl+C: рабочие процессы в своих сессиях, сами они не остановятся
            pool.shutdown(wait=False, cancel_futures=True)
            stop_all()
            raise
        pool.shutdown()
        for i, (path, sub) in enumerate(subs):
            try:
                if sub.kind == "notebook":
                    folder, (state, killed, code, _) = results[i]
                    rows += _grade_notebook(sub, state, killed, code, folder, timeout, sections)
                else:
                    rows += _grade_export(sub, path, named_top_level=len(Path(sub.file).parts) == 1)
            except Exception as exc:  # последний рубеж: одна работа не роняет отчёт
                line = f"внутренняя ошибка проверки ({type(exc).__name__}) — сообщите авторам курса"
                sub.problems.append(("файл", line))
                rows.append(Row(sub.participant, sub.file, "", "", "", "not_graded", line))
        shutil.rmtree(work, ignore_errors=True)
    _note_copies(rows, [s for _, s in subs])
    params = {"course_version": progress.course_version(), "timeout": timeout, "cell_timeout": cell_timeout,
              "memory_mb": memory_mb, "sections": sections}
    outcome = Outcome(rows, [s for _, s in subs], sections, notes, params)
    report.write(outcome, out)
    return outcome

