"""Проверка работ участников (``salesbook grade``) на папке настоящих и враждебных тетрадей.

Тетради строятся во время теста генератором курса из двух лёгких разделов (1.1.1 CAC —
числа, таблица, выбор; 3.2, часть 2 — функция учащегося) и портятся так, как портят
участники. Всё проверяется ОДНИМ запуском ``salesbook grade`` (фикстура на модуль):
≈25 работ, 2 процесса, короткие лимиты времени.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import nbformat
import pytest

from salesbook.authoring import notebooks
from salesbook.authoring.grading import identify, safe
from salesbook.exercises import all_exercises, get
from salesbook.runtime import checks, progress
from salesbook.runtime.checks import Function
from salesbook.toolkit import course

ROOT = notebooks.ROOT
CAC = "book/ch01/1_1_1_cac.md"
MEDDIC = "book/ch03/3_2_modern_data.md"
BUDGET = "book/ch01/1_3_budget.md"
CAC_IDS = [f"ch01.cac.q{i}" for i in range(1, 7)]
MEDDIC_IDS = [f"ch03.modern.q{i}" for i in range(3, 7)]
CELL_TIMEOUT = 4
NOTEBOOK_TIMEOUT = 40
PWNED = Path("/tmp/salesbook-grade-test-pwned")


# ---------------------------------------------------------------------------
# Тетради участников
# ---------------------------------------------------------------------------


def _render(source: str):
    rendered = notebooks.render(ROOT / source)
    return nbformat.reads(rendered.workbook, as_version=4), nbformat.reads(rendered.solutions, as_version=4)


def _solved(source: str):
    """Рабочая тетрадь, где каждая заготовка заменена решением (так её сдаёт тот, кто всё решил)."""
    workbook, solutions = _render(source)
    answers = [c for c in solutions.cells if "solution" in c.metadata.get("tags", [])]
    starters = [c for c in workbook.cells if "starter" in c.metadata.get("tags", [])]
    assert len(answers) == len(starters)
    for starter, answer in zip(starters, answers):
        starter.source = answer.source
    return workbook


def _cell(nb, n: int):
    """Ячейка упражнения qN (заканчивается на ``qN.check()``)."""
    return next(c for c in nb.cells if c.cell_type == "code" and c.source.rstrip().endswith(f"q{n}.check()"))


def _setup(nb):
    return next(c for c in nb.cells if "setup" in c.metadata.get("tags", []))


def _write(folder: Path, name: str, nb) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def _export_file(tmp: Path, name: str, log: list[tuple[str, str]]) -> dict:
    """Выгрузка журнала настоящей командой ``salesbook progress --export``."""
    log_file = tmp / f"log-{len(name)}.jsonl"
    log_file.write_text("".join(json.dumps({"id": i, "status": s}) + "\n" for i, s in log), encoding="utf-8")
    out = tmp / f"export-{len(name)}.json"
    env = dict(os.environ, SALESBOOK_PROGRESS_FILE=str(log_file), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "salesbook", "progress", "--export", str(out), "--name", name],
                          env=env, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "Журнал выгружен" in done.stdout
    return json.loads(out.read_text(encoding="utf-8"))


def build_submissions(folder: Path, tmp: Path) -> None:
    cac_ok = _solved(CAC)
    meddic_ok = _solved(MEDDIC)
    cac_blank, _ = _render(CAC)

    _write(folder, "Иванова Анна/1_1_1_cac.ipynb", cac_ok)
    _write(folder, "Иванова Анна/вложенная папка/3_2 modern data (копия).ipynb", meddic_ok)

    partly = _solved(CAC)
    q3_answer = _cell(partly, 3).source.replace("q3.check()", "")
    for n in (3, 4, 5, 6):
        _cell(partly, n).source = _cell(cac_blank, n).source
    # q3: check() выполнен с заготовкой, а ответ написан потом в новой ячейке без check()
    partly.cells.append(nbformat.v4.new_code_cell(q3_answer))
    _write(folder, "petrov.ipynb", partly)

    wrong = _solved(CAC)
    media_only = get("ch01.cac.q1").mistake_value("media_only")
    _cell(wrong, 1).source = f"full_cac_q3 = {media_only!r}  # посчитал только рекламу\nq1.check()"
    other = next(c for c in course.PAID_CHANNELS if c != get("ch01.cac.q6").expected_value())
    _cell(wrong, 6).source = f"channel_to_grow = {other!r}\nq6.check()"
    _write(folder, "sidorov.ipynb", wrong)

    wrong_fn = _solved(MEDDIC)
    _cell(wrong_fn, 3).source = ("def meddic_score(row):\n    return float(meddic.score(row).iloc[0])  # без весов\n\n\n"
                                 "q3.check()")
    _write(folder, "kozlov/3_2_modern_data.ipynb", wrong_fn)

    cheat = _render(CAC)[0]
    for n in range(1, 7):
        cell = _cell(cheat, n)
        cell.source = cell.source.replace(f"q{n}.check()", f"q{n}.check = lambda: '✅ Верно.'\nq{n}.check()")
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="✅ Верно. Ответ совпал с эталоном.\n")]
        cell.execution_count = n
    _cell(cheat, 1).source = _cell(cheat, 1).source.replace("q1.check = ", "full_cac_q3 = 12345.0\nq1.check = ")
    _write(folder, "cheater.ipynb", cheat)

    peek = _solved(CAC)
    peek.cells.insert(peek.cells.index(_cell(peek, 2)), nbformat.v4.new_code_cell("q2.solution()"))
    # закрытое имя модуля курса — сомнительно, но не обман: зачёт не снимается, просят посмотреть глазами
    peek.cells.append(nbformat.v4.new_code_cell("from salesbook.exercises import ch01_cac as m\n"
                                                "helper = m._private if False else None"))
    _write(folder, "peek.ipynb", peek)

    thief = _solved(CAC)
    thief.cells.insert(thief.cells.index(_cell(thief, 1)), nbformat.v4.new_code_cell(
        "from salesbook.exercises import solution_code\nexec(solution_code('ch01.cac.q1'))"))
    _write(folder, "thief.ipynb", thief)

    syntax = _solved(CAC)
    _cell(syntax, 1).source = "full_cac_q3 = (full_costs /\nq1.check()"
    _write(folder, "syntax.ipynb", syntax)

    loop = _solved(CAC)
    _cell(loop, 3).source = "while True:\n    pass\n" + _cell(loop, 3).source
    _write(folder, "loop.ipynb", loop)

    stubborn = _solved(CAC)
    _cell(stubborn, 4).source = ("while True:\n    try:\n        while True:\n            pass\n"
                                 "    except KeyboardInterrupt:\n        pass\n") + _cell(stubborn, 4).source
    _write(folder, "stubborn.ipynb", stubborn)

    killer = _solved(CAC)
    _cell(killer, 2).source = "import os\nos.kill(os.getpid(), 9)\n" + _cell(killer, 2).source
    _write(folder, "killer.ipynb", killer)

    deleted = _solved(CAC)
    deleted.cells.remove(_setup(deleted))
    _write(folder, "deleted.ipynb", deleted)

    reordered = _solved(CAC)
    moved = _cell(reordered, 6)
    reordered.cells.remove(moved)
    reordered.cells.insert(0, moved)
    _write(folder, "reordered.ipynb", reordered)

    nocheck = _solved(CAC)
    for n in range(1, 7):
        _cell(nocheck, n).source = _cell(nocheck, n).source.replace(f"q{n}.check()", "")
    _write(folder, "nocheck.ipynb", nocheck)

    _write(folder, "other_section.ipynb", _render(BUDGET)[0])

    old = _solved(CAC)
    old.metadata["salesbook"]["course_version"] = "0.0.1"
    setup = _setup(old)
    setup.source = setup.source.replace("q6, quiz", "q6, q99, quiz")
    old.cells.append(nbformat.v4.new_code_cell("q99_answer = 1\nq99.check()"))
    _write(folder, "old_version.ipynb", old)

    _write(folder, "solutions_nb.ipynb", _render(CAC)[1])
    no_meta = _render(CAC)[1]
    del no_meta.metadata["salesbook"]     # без метаданных её выдают ячейки с тегом solution
    _write(folder, "Иванова Анна/копия решений.ipynb", no_meta)
    (folder / "broken.ipynb").write_text(nbformat.writes(cac_ok)[:5000], encoding="utf-8")
    (folder / "empty.ipynb").write_bytes(b"")
    _write(folder, "random.ipynb", nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1 + 1)")]))

    loud = _solved(CAC)
    loud.cells.insert(loud.cells.index(_cell(loud, 1)), nbformat.v4.new_code_cell(
        "for _ in range(200):\n    print('x' * 1_000_000)"))
    _write(folder, "loud.ipynb", loud)

    greedy = _solved(CAC)
    greedy.cells.insert(greedy.cells.index(_cell(greedy, 1)), nbformat.v4.new_code_cell(
        "def bomb():\n    blob = []\n    while True:\n        blob.append(bytearray(256 * 1024 * 1024))\n\n\nbomb()"))
    _write(folder, "greedy.ipynb", greedy)

    evil = _solved(CAC)
    _cell(evil, 1).source = (
        "class Answer:\n    def __reduce__(self):\n        import os\n"
        f"        return (os.system, ('touch {PWNED}',))\n\n\nfull_cac_q3 = Answer()\nq1.check()")
    _write(folder, "malicious.ipynb", evil)

    tamper = _solved(CAC)
    tamper.cells.append(nbformat.v4.new_code_cell(
        "import os\nanswer = os.path.join(os.environ['SALESBOOK_GRADING_DIR'], 'answer-ch01.cac.q2.pkl')\n"
        "os.remove(answer)\nos.symlink('/dev/zero', answer)  # проверяющий читал бы ответ вечно"))
    _write(folder, "tamper.ipynb", tamper)

    petrov_log = [("ch01.cac.q1", "incorrect"), ("ch01.cac.q1", "correct"), ("ch01.ltv.q1", "correct"),
                  ("ch01.cac.q2", "unattempted")]
    export = _export_file(tmp, "Петров Пётр", petrov_log)
    nfd = unicodedata.normalize("NFD", "Петров Пётр")      # имя папки из архива с macOS
    assert nfd != "Петров Пётр"
    (folder / nfd).mkdir()
    (folder / nfd / "progress.json").write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    (folder / "Петров Пётр ").mkdir()                       # та же папка с пробелом в конце
    other = dict(export, exercises={"ch01.ltv.q2": "correct"})
    (folder / "Петров Пётр " / "ещё.json").write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    elkin = dict(export, name="Ёлкин Егор", exercises={"ch01.cac.q3": "correct"})
    (folder / "ёлкин.json").write_text(json.dumps(elkin, ensure_ascii=False), encoding="utf-8")
    # чужое имя в выгрузке внутри папки; журнал говорит «неверно» там, где тетрадь — ✅
    mixed = dict(export, name="Смирнов Олег", exercises={"ch03.modern.q4": "incorrect"})
    (folder / "kozlov" / "журнал.json").write_text(json.dumps(mixed, ensure_ascii=False), encoding="utf-8")
    export = _export_file(tmp, "Смирнова Ольга", [("ch03.modern.q4", "correct")])
    (folder / "смирнова-журнал.json").write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    (folder / "bad_export.json").write_text('{"schema": "salesbook-progress-export/1", "exer', encoding="utf-8")


def _run_grade(tmp: Path) -> dict:
    folder, out = tmp / "работы", tmp / "отчёт"
    folder.mkdir()
    build_submissions(folder, tmp)
    PWNED.unlink(missing_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("SALESBOOK_EXPECT", None)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "salesbook", "grade", str(folder), "--out", str(out), "--timeout", str(NOTEBOOK_TIMEOUT),
         "--cell-timeout", str(CELL_TIMEOUT), "--memory", "2000", "--jobs", "2", "--section", "1.1.1", "3.2"],
        env=env, capture_output=True, text=True, cwd=tmp)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    rows = _read_results(out / "results.csv")
    return {"rows": rows, "out": str(out), "stdout": done.stdout,
            "html": (out / "report.html").read_text(encoding="utf-8"), "folder": str(folder), "elapsed": elapsed,
            "n_files": len([p for p in folder.rglob("*") if p.is_file()])}


def _read_results(path: Path) -> list[dict]:
    from salesbook.authoring.grading import report

    assert path.read_bytes().startswith(b"\xef\xbb\xbf")     # BOM: Excel узнаёт UTF-8
    keys = {header: key for key, header in report.RESULT_COLUMNS}
    with open(path, encoding="utf-8-sig") as fh:
        return [{keys[k]: v for k, v in row.items()} for row in csv.DictReader(fh, delimiter=";")]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Один запуск ``salesbook grade`` на все тесты — и на все процессы pytest-xdist (``make test`` идёт в -n 2):
    первый процесс проверяет работы, остальные ждут под замком и читают его итог."""
    # под xdist у процессов общая папка запуска (pytest-N/popen-gwK → pytest-N); без xdist — своя
    xdist = "PYTEST_XDIST_WORKER" in os.environ
    shared = tmp_path_factory.getbasetemp().parent if xdist else tmp_path_factory.getbasetemp()
    result_file = shared / "salesbook-grade-result.json"
    with open(shared / "salesbook-grade.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result_file.exists():
            tmp = Path(tempfile.mkdtemp(prefix="grade-", dir=shared))
            result_file.write_text(json.dumps(_run_grade(tmp), ensure_ascii=False), encoding="utf-8")
    result = json.loads(result_file.read_text(encoding="utf-8"))
    result["out"], result["folder"] = Path(result["out"]), Path(result["folder"])
    return result


def _status(graded, participant: str, file: str | None = None) -> dict[str, str]:
    return {r["exercise_id"]: r["status"] for r in graded["rows"]
            if r["participant"] == participant and (file is None or r["file"] == file) and r["exercise_id"]}


def _messages(graded, participant: str) -> dict[str, str]:
    return {r["exercise_id"]: r["message"] for r in graded["rows"] if r["participant"] == participant}


def _problems(graded, file: str) -> str:
    """Блок «Что пошло не так» одной работы в HTML."""
    html = graded["html"]
    start = html.index("<h2>Что пошло не так</h2>")
    end = html.index("<h2>Ответы, которые не засчитаны</h2>")
    block = html[start:end]
    marker = f"— {file}</p>"
    assert marker in block, f"нет строки о {file}"
    part = block[block.index(marker):]
    return part[:part.index("</ul>")]


ALL_OK = dict.fromkeys(CAC_IDS, "верно")
NOT_GRADED = "не проверялось (сбой/лимит)"


# ---------------------------------------------------------------------------
# Итог одного запуска
# ---------------------------------------------------------------------------


def test_every_submission_is_in_the_report_and_the_command_says_where(graded):
    assert graded["n_files"] >= 25
    files = {r["file"] for r in graded["rows"]}
    expected = {p.relative_to(graded["folder"]).as_posix() for p in graded["folder"].rglob("*") if p.is_file()}
    assert expected == files
    assert "Готово:" in graded["stdout"] and "report.html" in graded["stdout"]
    for name in ("results.csv", "summary.csv", "report.html"):
        assert (graded["out"] / name).exists()
    print(f"\nПроверка {graded['n_files']} работ заняла {graded['elapsed']:.1f} с")


def test_correct_partial_and_wrong_answers(graded):
    assert _status(graded, "Иванова Анна", "Иванова Анна/1_1_1_cac.ipynb") == ALL_OK
    assert _status(graded, "Иванова Анна", "Иванова Анна/вложенная папка/3_2 modern data (копия).ipynb") == dict.fromkeys(
        MEDDIC_IDS, "верно")
    # q3 дописан в новой ячейке без check() после check() с заготовкой: пропуск ___ перезаписан ответом
    assert _status(graded, "petrov") == {**ALL_OK, **dict.fromkeys(CAC_IDS[3:], "не решено")}
    assert _messages(graded, "petrov")["ch01.cac.q4"] == "В ответе остался пропуск ___."
    assert _status(graded, "sidorov") == {**ALL_OK, "ch01.cac.q1": "неверно", "ch01.cac.q6": "неверно"}
    assert "Это CAC только по рекламе" in _messages(graded, "sidorov")["ch01.cac.q1"]


def test_wrong_function_is_recognised_by_its_typical_mistake(graded):
    assert _status(graded, "kozlov", "kozlov/3_2_modern_data.ipynb") == {**dict.fromkeys(MEDDIC_IDS, "верно"), "ch03.modern.q3": "неверно"}
    assert "не учитывает веса" in _messages(graded, "kozlov")["ch03.modern.q3"]


def test_redefined_check_and_edited_outputs_pass_nothing(graded):
    assert _status(graded, "cheater") == {**dict.fromkeys(CAC_IDS, "не решено"), "ch01.cac.q1": "неверно"}
    assert "переопределена проверка check" in _problems(graded, "cheater.ipynb")


def test_peeking_at_a_solution_is_flagged_and_not_credited(graded):
    assert _status(graded, "peek") == {**ALL_OK, "ch01.cac.q2": "обращение к эталону"}
    peek = _problems(graded, "peek.ipynb")
    assert "обращение к эталону или решению: q2.solution()" in peek
    assert "закрытому имени курса m._private — на оценку не влияет, посмотрите глазами" in peek
    thief = _status(graded, "thief")
    assert set(thief.values()) == {"обращение к эталону"}
    problems = _problems(graded, "thief.ipynb")
    assert "обращение к эталону или решению: импорт salesbook.exercises.solution_code" in problems
    assert "ячейка запросила эталон или решение" in problems


def test_tampering_with_the_answer_folder(graded):
    assert set(_status(graded, "tamper").values()) == {"обращение к эталону"}
    assert "строка «SALESBOOK_GRADING»" in _problems(graded, "tamper.ipynb")


def test_broken_cells_are_reported_and_the_rest_is_graded(graded):
    # упавшая ячейка с ответом — «неверно» с причиной, а не «не решено»; место — упражнение и строка
    assert _status(graded, "syntax") == {**ALL_OK, "ch01.cac.q1": "неверно"}
    assert _messages(graded, "syntax")["ch01.cac.q1"].startswith("Ячейка с ответом упала: синтаксическая ошибка")
    assert "упражнение q1, ячейка с ответом (строка 2: q1.check())" in _problems(graded, "syntax.ipynb")
    assert _status(graded, "loop") == {**ALL_OK, "ch01.cac.q3": "неверно"}
    assert _messages(graded, "loop")["ch01.cac.q3"].startswith("Ячейка с ответом не выполнилась")
    assert f"не уложилась в {CELL_TIMEOUT}\u00a0с и прервана" in _problems(graded, "loop.ipynb")
    stubborn = _status(graded, "stubborn")
    assert stubborn == {**ALL_OK, **dict.fromkeys(CAC_IDS[3:], NOT_GRADED)}
    assert "перехватывает KeyboardInterrupt" in _problems(graded, "stubborn.ipynb")


def test_killed_kernel(graded):
    assert _status(graded, "killer") == {"ch01.cac.q1": "верно", **dict.fromkeys(CAC_IDS[1:], NOT_GRADED)}
    assert "ядро упало" in _problems(graded, "killer.ipynb")


def test_deleted_reordered_and_missing_check_lines(graded):
    assert _status(graded, "deleted") == dict.fromkeys(CAC_IDS, "неверно")
    assert "NameError" in _messages(graded, "deleted")["ch01.cac.q1"]
    assert "похоже, удалена ячейка подготовки" in _problems(graded, "deleted.ipynb")
    assert _status(graded, "reordered") == {**ALL_OK, "ch01.cac.q6": "неверно"}
    assert "NameError" in _problems(graded, "reordered.ipynb")
    assert _status(graded, "nocheck") == ALL_OK     # ответы собрала скрытая последняя ячейка


def test_notebooks_that_are_not_graded(graded):
    assert "а проверяются только: 1.1.1, 3.2 — не проверялась" in _problems(graded, "other_section.ipynb")
    assert "тетрадь раздела 1.3" in _problems(graded, "other_section.ipynb")
    assert set(_status(graded, "solutions_nb").values()) == {"сдана тетрадь с решениями"}
    assert "сдана тетрадь с решениями" in _problems(graded, "solutions_nb.ipynb")
    # без метаданных курса тоже узнаётся; копия рядом с честной тетрадью названа, в таблице — лучшее
    assert set(_status(graded, "Иванова Анна", "Иванова Анна/копия решений.ipynb").values()) == {
        "сдана тетрадь с решениями"}
    copies = _problems(graded, "Иванова Анна/копия решений.ipynb")
    assert "те же упражнения сданы ещё в «Иванова Анна/1_1_1_cac.ipynb»" in copies
    assert "файл повреждён" in _problems(graded, "broken.ipynb")
    assert "пустой файл" in _problems(graded, "empty.ipynb")
    assert "не тетрадь курса" in _problems(graded, "random.ipynb")


def test_other_course_version_grades_what_still_exists(graded):
    assert _status(graded, "old_version") == ALL_OK
    problems = _problems(graded, "old_version.ipynb")
    assert "тетрадь версии курса 0.0.1" in problems
    assert "упражнения q99 нет в этой версии курса" in problems


def test_huge_output_and_memory_bomb(graded):
    assert _status(graded, "loud") == ALL_OK
    assert "огромный вывод" in _problems(graded, "loud.ipynb")
    assert _status(graded, "greedy") == ALL_OK
    assert "не хватило памяти" in _problems(graded, "greedy.ipynb")


def test_malicious_pickle_is_refused(graded):
    assert _status(graded, "malicious") == {**ALL_OK, "ch01.cac.q1": "ответ не того вида"}
    assert "не принимает (posix.system)" in _messages(graded, "malicious")["ch01.cac.q1"]
    assert not PWNED.exists()


def test_self_paced_exports_are_merged_and_marked(graded):
    # папка в NFD (архив с macOS) и та же папка с пробелом — один участник
    petrov = [r for r in graded["rows"] if r["participant"] == "Петров Пётр"]
    assert {r["exercise_id"]: r["status"] for r in petrov} == {
        "ch01.cac.q1": "верно", "ch01.cac.q2": "не решено", "ch01.ltv.q1": "верно", "ch01.ltv.q2": "верно"}
    assert not {r["participant"] for r in graded["rows"]} - {unicodedata.normalize("NFC", r["participant"].strip())
                                                             for r in graded["rows"]}
    assert "в выгрузке имя «Смирнов Олег», а папка — «kozlov»" in _problems(graded, "kozlov/журнал.json")
    assert {r["source"] for r in petrov} == {"журнал самостоятельной работы — не перепроверен"}
    assert _status(graded, "Смирнова Ольга") == {"ch03.modern.q4": "верно"}
    assert "повреждён" in _problems(graded, "bad_export.json")
    assert "✅<small>В</small>*" in graded["html"]
    # журнал «неверно» там, где тетрадь проверена и верна, в незасчитанные не попадает
    assert "ch03.modern.q4 — " not in graded["html"].split("<h2>Ответы, которые не засчитаны</h2>")[1]


def test_summary_and_matrix(graded):
    from salesbook.authoring.grading import STATUS_LABELS

    with open(graded["out"] / "summary.csv", encoding="utf-8-sig") as fh:
        summary = list(csv.DictReader(fh, delimiter=";"))
    anna = [r for r in summary if r["Участник"] == "Иванова Анна"]
    # итог — по тетради (части раздела): 3.2 сдаётся двумя тетрадями, сдана одна из четырёх упражнений
    assert [(r["Раздел (тетрадь)"], r["Упражнений"], r["верно"]) for r in anna] == [
        ("1.1.1. CAC: стоимость привлечения клиента", "6", "6"),
        ("3.2. Современные подходы — тетрадь 3_2_modern_data", "4", "4"), ("ИТОГО", "10", "10")]
    assert anna[0]["Файлы"] == "Иванова Анна/1_1_1_cac.ipynb, Иванова Анна/копия решений.ipynb"
    for row in summary:   # каждая строка сходится: статусы + «не сдано» = упражнений
        assert sum(int(row[label]) for label in STATUS_LABELS.values()) + int(row["не сдано"]) == int(row["Упражнений"])
    html = graded["html"]
    assert "<script" not in html and "http" not in html
    matrix = html[html.index("<h2>Участники и упражнения</h2>"):html.index("<h2>Что пошло не так</h2>")]
    assert (matrix.index(">bad_export<") < matrix.index(">petrov<") < matrix.index(">Ёлкин Егор<")
            < matrix.index(">Иванова Анна<") < matrix.index(">Петров Пётр<"))
    assert matrix.count(">Петров Пётр<") == 1
    # Петров: только журнал — «0/N (+k*)»; раздел, которого участник не касался, — «—», а не «0/6»
    petrov_row = matrix[matrix.index(">Петров Пётр<"):]
    petrov_row = petrov_row[:petrov_row.index("</tr>")]
    assert '<td class="total">0/6 (+1*)</td>' in petrov_row and '<td class="total">—</td>' in petrov_row
    assert "<th>ch01.cac.q1</th>" in matrix.replace(' title="Полный CAC за III квартал 2024 года"', "")
    assert '<td class="msg">Полный CAC за III квартал 2024 года</td>' in matrix      # названия видны, не только в title
    assert "Версия курса" in html and "квизы" in html and 'class="s-incorrect"' in html


def test_command_summary_counts_only_checked_exercises(graded):
    from salesbook.authoring.grading import STATUS_LABELS

    mine = [r for r in graded["rows"] if r["source"] == "тетрадь" and r["exercise_id"]]
    checked = [r for r in mine if r["status"] not in (STATUS_LABELS["not_graded"], STATUS_LABELS["solutions"])]
    solved = [r for r in mine if r["status"] == "верно"]
    assert f"решено {len(solved)} из {len(checked)} проверенных упражнений" in graded["stdout"]
    assert "  Иванова Анна/1_1_1_cac.ipynb — " in graded["stdout"]      # без повтора участника


# ---------------------------------------------------------------------------
# Части без запуска ядра
# ---------------------------------------------------------------------------


def test_allowlist_covers_every_reference_value():
    """Список разрешённых имён выведен из эталонов, типичных ошибок и примеров функций всех упражнений."""
    needed = set()
    for ex in all_exercises():
        values = [want for _, want in ex.compare.cases()] if isinstance(ex.compare, Function) else [ex.expected_value()]
        values += [ex.mistake_value(m.name) for m in ex.mistakes if m.value is not None]
        for value in values:
            needed |= safe.globals_needed(value)
            assert safe.loads(pickle.dumps(value, protocol=4)) is not None or value is None
    assert needed <= safe.ALLOWED_GLOBALS, needed - safe.ALLOWED_GLOBALS


class _Evil:
    def __reduce__(self):
        return (os.system, (f"touch {PWNED}",))


def test_restricted_unpickler_refuses_code():
    with pytest.raises(safe.UnsafeAnswer, match="system"):
        safe.loads(pickle.dumps(_Evil()))
    with pytest.raises(safe.UnsafeAnswer):
        safe.loads(pickle.dumps(_Evil))
    assert not PWNED.exists()


def test_scan_finds_reference_access_but_not_ordinary_course_code():
    cells = [(1, "x = q1.expected()"), (2, "from salesbook.exercises.ch01_cac import _full_costs"),
             (3, "import json\njson.load(open('salesbook/exercises/solutions.json'))"), (4, "%time y = 1\nq2.solution()")]
    flags = safe.scan_cells(cells, {"q1": "ch01.cac.q1", "q2": "ch01.cac.q2"})
    assert {(f["cell"], f["exercise"]) for f in flags} == {(1, "ch01.cac.q1"), (2, None), (3, None), (4, "ch01.cac.q2")}
    found = set()
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):     # обычный код курса не помечается
        nb = nbformat.read(path, as_version=4)
        cells = [(i, c.source) for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"]
        for _, text in cells:
            if "ex._churn_ratio" in text:
                churn_cell = text
        found |= {(path.name, f["what"]) for f in safe.scan_cells(cells, {})}
        assert all(identify.is_course_cell(t) for _, t in cells if t.strip())
    # Ячейки самих тетрадей курса, которые трогают закрытое и эталон: их участник не писал,
    # поэтому проверка их не сканирует (is_course_cell), а отказ эталона в них на оценку не влияет.
    assert {w for _, w in found} <= {"ex._churn_ratio", "ex._churn_ratio()", "….expected_value()"}
    # ячейка курса узнаётся и с поправленным числом, и с другими пробелами/комментариями — по дереву
    import re

    edited = re.sub(r"(?<![\w.])\d+(?![\w.])", "7", churn_cell, count=1) + "\n# моя пометка"
    assert edited != churn_cell and identify.is_course_cell(edited)
    assert not identify.is_course_cell("from salesbook.exercises import ch09_onboarding as ex\nex._churn_ratio()")


def test_grading_mode_refuses_references_inside_the_kernel(monkeypatch, tmp_path):
    monkeypatch.setattr(checks, "_GRADING_DIR", str(tmp_path))
    ex = get("ch01.cac.q3")
    with pytest.raises(checks.GradingRefused, match="недоступны"):
        ex.expected_value()
    with pytest.raises(checks.GradingRefused):
        ex.mistake_value(ex.mistakes[0].name)
    assert "недоступны" in str(ex.solution())
    from salesbook.exercises import solution_code
    with pytest.raises(checks.GradingRefused):
        solution_code("ch01.cac.q3")
    result = ex.check(41.5)
    assert result.status == "unattempted" and "итог будет в отчёте" in result.message
    payload = safe.loads((tmp_path / "answer-ch01.cac.q3.pkl").read_bytes())
    assert payload["kind"] == "pickle" and safe.loads(payload["data"]) == 41.5


def test_progress_export_format(tmp_path, monkeypatch):
    log = tmp_path / "p.jsonl"
    log.write_text('{"id": "ch01.cac.q1", "status": "correct"}\nоборванная строка\n'
                   '{"id": "ch01.cac.q1", "status": "incorrect"}\n', encoding="utf-8")
    data = progress.export("Иванова Анна", log)
    assert data == {"schema": progress.EXPORT_SCHEMA, "course_version": progress.course_version(),
                    "name": "Иванова Анна", "exercises": {"ch01.cac.q1": "correct"}}
    assert json.loads(json.dumps(data)) == data


def test_generated_notebooks_carry_the_course_version():
    workbook, solutions = _render(CAC)
    assert workbook.metadata["salesbook"]["course_version"] == progress.course_version()
    assert solutions.metadata["salesbook"]["variant"] == "solutions"


def test_notebook_wall_limit_kills_the_worker_and_its_kernel(tmp_path):
    """Тетрадь, которая не укладывается в общий лимит, убивается вместе с ядром (оно живёт в своей сессии)."""
    from salesbook.authoring import grading

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time\ntime.sleep(120)")])
    nb.metadata["salesbook"] = {"source": CAC, "variant": "notebooks", "course_version": progress.course_version()}
    path = tmp_path / "slow.ipynb"
    nbformat.write(nb, path)
    state, killed, _, elapsed = grading.run_worker(path, tmp_path / "job", timeout=6, cell_timeout=100,
                                                   memory_mb=2000, sections=[])
    assert killed and elapsed < 20
    assert state["current_cell"] == 1
    pid = state["kernel_pid"]
    # ядро — этот же Python, а не python3 из ~/.local/share/jupyter/kernels
    assert state["kernel_cmd"][:3] == [sys.executable, "-m", "ipykernel_launcher"]
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"ядро {pid} живо после остановки тетради")
    sub = grading.Submission("slow", "slow.ipynb", "notebook")
    rows = grading._grade_notebook(sub, state, killed, -9, tmp_path / "job", 6, [])
    assert {r.status for r in rows} == {"not_graded"}
    assert any("не уложилась в общий лимит 6\u00a0с" in reason for _, reason in sub.problems)


def test_cli_refuses_a_missing_folder_in_russian(tmp_path, capsys):
    from salesbook.cli import main

    assert main(["grade", str(tmp_path / "нет"), "--out", str(tmp_path / "отчёт")]) == 1
    assert "Папки с работами" in capsys.readouterr().err
    (tmp_path / "пусто").mkdir()
    assert main(["grade", str(tmp_path / "пусто"), "--out", str(tmp_path / "отчёт")]) == 1
    assert "нет тетрадей" in capsys.readouterr().err


def test_only_the_submissions_own_kernel_is_killed(tmp_path):
    """Номер ядра из state.json (туда может писать и код участника) убивается, только если это ядро этой тетради."""
    from salesbook.authoring import grading

    answers = tmp_path / "answers"
    stranger = subprocess.Popen(["sleep", "30"], start_new_session=True)
    ours = subprocess.Popen(["sleep", "30"], start_new_session=True,
                            env=dict(os.environ, SALESBOOK_GRADING_DIR=str(answers)))
    marker = f"SALESBOOK_GRADING_DIR={answers}".encode()

    def environ(pid: int) -> list[bytes]:
        try:
            return Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            return []

    try:
        # ядро в проверке работ давно запущено, когда его номер читают из state.json; здесь процесс
        # только что создан — дождаться, пока его окружение видно в /proc, как у настоящего ядра
        deadline = time.monotonic() + 5
        while marker not in environ(ours.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        grading._kill_kernel(stranger.pid, answers)
        grading._kill_kernel(ours.pid, answers)
        try:
            code = ours.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        assert code == -9, f"своё ядро не убито; окружение в /proc содержит метку: {marker in environ(ours.pid)}"
        assert stranger.poll() is None
    finally:
        stranger.kill()
        ours.kill()
        stranger.wait()


def test_participants_names_and_a_zip_unpacked_into_one_folder(tmp_path):
    """Архив, распакованный в «работы/работы/…»: участники — уровнем ниже; имена — NFC, «ё» сортируется как «е»."""
    from salesbook.authoring import grading

    (tmp_path / "работы" / "Иванова Анна").mkdir(parents=True)
    (tmp_path / "работы" / "Петров Пётр").mkdir()
    (tmp_path / "__MACOSX").mkdir()
    assert grading.participants_root(tmp_path) == tmp_path / "работы"
    assert grading.participants_root(tmp_path / "работы") == tmp_path / "работы"
    assert grading.participant_of(Path(unicodedata.normalize("NFD", " Пётр  Петров ")) / "a.ipynb") == "Пётр Петров"
    assert sorted(["Яковлев Ян", "Ёлкин Егор", "Зайцева Ольга"], key=grading.name_key) == [
        "Ёлкин Егор", "Зайцева Ольга", "Яковлев Ян"]


def test_sections_split_across_workbooks_are_separate_parts():
    from salesbook.authoring.grading import report

    ltv = [p for p in report.parts() if p.ids[0].startswith("ch01.ltv.")]
    assert [p.key for p in ltv] == ["1_1_2_ltv", "1_1_2_ltv_cohorts"]
    assert sorted(i for p in ltv for i in p.ids) == sorted(f"ch01.ltv.q{i}" for i in range(1, 8))


def test_solutions_without_tags_or_metadata_are_recognised():
    workbook, solutions = _render(CAC)
    del solutions.metadata["salesbook"]
    for cell in solutions.cells:
        cell.metadata.pop("tags", None)
    nb = json.loads(nbformat.writes(solutions))
    for cell in nb["cells"]:
        cell["source"] = "".join(cell["source"])
    info = identify.identify(nb, wanted=[], course_version=progress.course_version())
    assert info["verdict"] == "solutions"
    honest = json.loads(nbformat.writes(_solved(CAC)))      # всё решено слово в слово, но это рабочая тетрадь
    for cell in honest["cells"]:
        cell["source"] = "".join(cell["source"])
    assert identify.identify(honest, wanted=[], course_version=progress.course_version())["verdict"] == "run"


def test_blank_check_then_answer_without_check_is_recaptured(monkeypatch, tmp_path):
    monkeypatch.setattr(checks, "_GRADING_DIR", str(tmp_path))
    ex = get("ch01.cac.q3")
    ex.check(checks.___)
    assert safe.loads((tmp_path / "answer-ch01.cac.q3.pkl").read_bytes())["kind"] == "blank"
    checks.grading_capture_missing([ex.id], str(tmp_path), {ex.var: 41.5})
    payload = safe.loads((tmp_path / "answer-ch01.cac.q3.pkl").read_bytes())
    assert payload["kind"] == "pickle" and safe.loads(payload["data"]) == 41.5


def test_grading_kernel_talks_over_sockets(tmp_path):
    """Ядро проверяемой тетради стартует на файлах-сокетах (salesbook.authoring.kernels), а не на портах
    TCP: в проверке параллельно идут несколько ядер, и гонка за порты дала бы «сбой» работы участника."""
    from salesbook.authoring import grading

    nb = _solved(CAC)
    nb.cells.append(nbformat.v4.new_code_cell(
        "from ipykernel.kernelapp import IPKernelApp\nassert IPKernelApp.instance().transport == 'ipc', 'tcp'"))
    _write(tmp_path, "probe.ipynb", nb)
    state, killed, code, _ = grading.run_worker(
        tmp_path / "probe.ipynb", tmp_path / "job", timeout=NOTEBOOK_TIMEOUT, cell_timeout=CELL_TIMEOUT,
        memory_mb=2000, sections=["1.1.1"])
    assert not killed and code == 0 and state.get("verdict") != "crashed", state
    assert not [c for c in state["cells"] if c.get("ename")], state["cells"]
    assert len(state["cells"]) == 0 and set(CAC_IDS) <= set(state.get("exercises", [])), state
