"""Процесс проверки одной сданной тетради: ``python -m salesbook.authoring.grading.worker ПАПКА``.

Родитель (``salesbook grade``) запускает его в отдельной группе процессов с лимитом
памяти и убивает группу (и ядро) по лимиту времени на тетрадь. Рабочий процесс:

1. читает файл и узнаёт раздел (метаданные ``salesbook.source`` или строка импорта
   упражнений в ячейке подготовки);
2. ищет в коде обращения к эталонам и решениям (:mod:`.safe`);
3. исполняет ячейки в свежем ядре по одной: лимит времени на ячейку с прерыванием,
   ошибки ячеек записываются и не останавливают остальные, выводы отбрасываются;
4. последней — скрытая ячейка, которая сохраняет ответы, не сохранённые ``check()``.

Состояние пишется в ``state.json`` после каждой ячейки, поэтому даже убитый по
времени процесс оставляет родителю, где он остановился. Ответы ядро кладёт в
``answers/``; сравнивает их с эталонами родитель — вне ядра.
"""

from __future__ import annotations

import json
import os
import re
import resource
import sys
import time
from pathlib import Path

STATE = "state.json"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _write_state(folder: Path, state: dict) -> None:
    tmp = folder / (STATE + ".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, folder / STATE)


def _limit(megabytes: int, seconds: float) -> None:
    """Лимиты процесса, которые наследует ядро: адресное пространство и — страховкой, если
    родитель исчез и некому убить по часам, — процессорное время (не меньше лимита на тетрадь)."""
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = int(seconds) + 30
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def _num(value: float) -> str:
    return f"{float(value):g}".replace(".", ",")


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip() and not line.strip().startswith("#"):
            line = line.strip()
            return line if len(line) <= 60 else line[:57] + "…"
    return ""


def _reason(ename: str, evalue: str, memory_mb: int) -> str:
    evalue = ANSI.sub("", evalue or "")
    evalue = re.sub(r"\((?:\d+|<[^>]*>)\.py, line (\d+)\)", r"(строка \1)", evalue).strip().splitlines()
    text = evalue[0][:200] if evalue else ""
    if ename in ("SyntaxError", "IndentationError", "TabError"):
        return f"синтаксическая ошибка — ячейка не выполнилась ({text})" if text else "синтаксическая ошибка — ячейка не выполнилась"
    if ename == "NameError":
        return (f"NameError: {text} — ячейку выполнили без предыдущих: похоже, ячейки удалены или переставлены")
    if ename == "MemoryError":
        return f"не хватило памяти: ячейка превысила лимит {memory_mb}\u00a0МБ"
    if ename == "BlankError":
        return "в ячейке остался пропуск ___"
    if ename == "GradingRefused":
        return "ячейка запросила эталон или решение — во время проверки они недоступны"
    if ename == "KeyboardInterrupt":
        return "ячейка прервана"
    if ename == "ModuleNotFoundError" or ename == "ImportError":
        return f"ошибка импорта: {text}"
    return f"ошибка {ename}: {text}" if text else f"ошибка {ename}"


def run(folder: Path) -> int:
    job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    _limit(int(job["memory_mb"]), float(job["timeout"]))
    from salesbook.authoring.grading import identify, safe

    state: dict = {"verdict": "reading", "cells": [], "notes": [], "flags": [], "exercises": []}
    started = time.monotonic()
    _write_state(folder, state)
    nb, verdict, detail = identify.read_notebook(Path(job["file"]))
    if nb is None:
        state.update(verdict=verdict, detail=detail)
        _write_state(folder, state)
        return 0
    if job.get("course_keys"):
        try:
            identify.use_course_cell_keys(json.loads(Path(job["course_keys"]).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
    info = identify.identify(nb, wanted=job.get("sections") or [], course_version=job["course_version"])
    state.update(info)
    if info["verdict"] != "run":
        _write_state(folder, state)
        return 0
    code = [c["source"] for c in nb["cells"] if c.get("cell_type") == "code"]
    sources = list(enumerate(code, 1))     # номера — среди ячеек кода, считая сверху
    state["course_cells"] = [i for i, text in sources if identify.is_course_cell(text)]
    state["flags"] = safe.scan_cells([(i, t) for i, t in sources if i not in state["course_cells"]],
                                     info["exercise_vars"])
    state["redefined"] = safe.check_redefinitions(sources, info["exercise_vars"])
    state["verdict"] = "running"
    _write_state(folder, state)
    _execute(folder, job, nb, state)
    state["elapsed"] = round(time.monotonic() - started, 1)
    if state["verdict"] == "running":
        state["verdict"] = "done"
    _write_state(folder, state)
    return 0


def _peak(state: dict) -> None:
    """Пик виртуальной памяти ядра (VmPeak, на него действует лимит) — для подбора --memory."""
    try:
        status = Path(f"/proc/{state['kernel_pid']}/status").read_text()
    except (KeyError, OSError):
        return
    for line in status.splitlines():
        if line.startswith("VmPeak:"):
            state["kernel_peak_mb"] = max(state.get("kernel_peak_mb", 0), int(line.split()[1]) // 1024)


KERNEL_NAME = "salesbook-grade"


def _kernelspec(folder: Path) -> str:
    """Ядро — этот же Python (``sys.executable -m ipykernel_launcher``), а не первый попавшийся ``python3``.

    Спецификация ядра с именем, которого нет больше нигде, кладётся во временную папку
    и ставится первой в ``JUPYTER_PATH``: ``~/.local/share/jupyter/kernels/python3`` с
    другим интерпретатором её не перекроет.
    """
    spec = folder / "jupyter" / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "salesbook grade", "language": "python"}), encoding="utf-8")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(folder / "jupyter"), os.environ.get("JUPYTER_PATH")]))
    return KERNEL_NAME


def _kernel_command(pid) -> list[str]:
    try:
        return [a.decode(errors="replace") for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
    except OSError:
        return []


_CELL_LINE = re.compile(r"(?:Cell In\[\d+\]|<ipython-input-[^>]*>|File <[^>]*>), line (\d+)")


def _failing_line(source: str, traceback: list, evalue: str) -> str:
    """Строка ячейки, на которой упало: номер — из трассировки ядра (первый кадр — сама ячейка)."""
    text = ANSI.sub("", "\n".join(str(t) for t in traceback or []))
    m = _CELL_LINE.search(text) or re.search(r"\bline (\d+)", ANSI.sub("", evalue or ""))
    lines = source.splitlines()
    if m and 0 < int(m.group(1)) <= len(lines) and lines[int(m.group(1)) - 1].strip():
        line = lines[int(m.group(1)) - 1].strip()
        return f"строка {m.group(1)}: " + (line if len(line) <= 60 else line[:57] + "…")
    return _first_line(source)


def cell_exercise(source: str, exercise_vars: dict[str, str], answer_vars: dict[str, str]) -> str | None:
    """Упражнение, чья это ячейка с ответом: в ней ``qN.check(`` или присваивание переменной ответа."""
    for alias, exercise_id in exercise_vars.items():
        if re.search(rf"(?<![\w.]){re.escape(alias)}\s*\.\s*check\s*\(", source):
            return exercise_id
    for var, exercise_id in answer_vars.items():
        if re.search(rf"^\s*(?:def\s+)?{re.escape(var)}\b\s*(?:=(?!=)|\()", source, flags=re.M):
            return exercise_id
    return None


def _execute(folder: Path, job: dict, nb, state: dict) -> None:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbclient.util import run_sync

    from salesbook.authoring import kernels

    answers = folder / "answers"
    answers.mkdir(exist_ok=True)
    kernels.use_socket_dir(job["sockets"])   # папку создаёт и удаляет grade, даже если этот процесс убит
    work = folder / "work"
    work.mkdir(exist_ok=True)
    cap = int(job.get("output_cap", 1_000_000))
    memory_mb = int(job["memory_mb"])
    os.environ.update({
        "SALESBOOK_GRADING_DIR": str(answers),
        "SALESBOOK_PROGRESS": "off",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    })
    os.environ.pop("SALESBOOK_EXPECT", None)

    sizes: dict[int, int] = {}
    errors: dict[int, tuple[str, str]] = {}

    class Client(NotebookClient):
        """Выводы не копятся: считаем объём и отбрасываем (огромный вывод не съест память).

        Ошибку ячейки берём из её сообщения ``error``: ячейки исполняются с ``allow_errors``
        (``stop_on_error=False``), иначе ядро после прерванной ячейки молча отбрасывает
        уже посланную следующую.
        """

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            if msg.get("msg_type") == "error":
                errors.setdefault(cell_index, (str(content.get("ename", "")), str(content.get("evalue", "")),
                                               content.get("traceback") or []))
            size = len(content.get("text", "") or "")
            for value in (content.get("data") or {}).values():
                size += len(value) if isinstance(value, str) else 0
            sizes[cell_index] = sizes.get(cell_index, 0) + size
            return None

    cells = []
    for cell in nb["cells"]:   # сохранённые выводы не читаются и не передаются ядру
        kind = cell["cell_type"]
        maker = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
                 "raw": nbformat.v4.new_raw_cell}[kind]
        new = maker(cell["source"])
        tags = cell["metadata"].get("tags")
        if isinstance(tags, list):
            new.metadata["tags"] = [t for t in tags if isinstance(t, str)]
        cells.append(new)
    nb = nbformat.v4.new_notebook(cells=cells)
    hidden = nbformat.v4.new_code_cell(
        "from salesbook.runtime.checks import grading_capture_missing\n"
        f"grading_capture_missing({state['exercises']!r}, {str(answers)!r})"
    )
    nb.cells.append(hidden)
    hidden_index = len(nb.cells) - 1
    from salesbook.exercises import get

    exercise_vars = dict(state.get("exercise_vars") or {})
    answer_vars = {}
    for exercise_id in state["exercises"]:
        try:
            answer_vars.setdefault(get(exercise_id).var, exercise_id)
        except KeyError:
            pass
    kernel_name = _kernelspec(folder)
    client = Client(nb, timeout=int(job["cell_timeout"]), kernel_name=kernel_name, allow_errors=True,
                    interrupt_on_timeout=False, record_timing=False, iopub_timeout=2,
                    shutdown_kernel="immediate", kernel_manager_class=kernels.AsyncIpcKernelManager,
                    resources={"metadata": {"path": str(work)}})
    previous_timeout = False
    try:
        with client.setup_kernel():
            try:
                state["kernel_pid"] = client.km.provisioner.process.pid
                state["kernel_cmd"] = _kernel_command(state["kernel_pid"])[:3]
            except Exception:
                pass
            _write_state(folder, state)
            code_number = 0
            for index, cell in enumerate(nb.cells):
                if cell.get("cell_type") != "code":
                    continue
                code_number += 1
                number = code_number      # номер среди ячеек кода: markdown в Jupyter не нумеруется
                exercise = None if index == hidden_index else cell_exercise(cell.source, exercise_vars, answer_vars)
                is_hidden = index == hidden_index
                state["current_cell"] = None if is_hidden else number
                _write_state(folder, state)
                try:
                    client.execute_cell(cell, index)
                    previous_timeout = False
                    if index in errors:
                        ename, evalue, traceback = errors[index]
                        if is_hidden:
                            state["notes"].append(f"скрытая ячейка сбора ответов: {ename}")
                        elif ename == "GradingRefused" and number in state["course_cells"]:
                            state["notes"].append(f"ячейка {number} — ячейка курса, которая сверяется с эталоном; "
                                                  "во время проверки эталон недоступен — на оценку не влияет")
                        else:
                            state["cells"].append({"cell": number, "exercise": exercise,
                                                   "line": _failing_line(cell.source, traceback, evalue), "ename": ename,
                                                   "evalue": ANSI.sub("", evalue)[:200],
                                                   "reason": _reason(ename, evalue, memory_mb)})
                except CellTimeoutError:
                    if is_hidden:
                        state["notes"].append("скрытая ячейка сбора ответов не успела выполниться")
                        break
                    state["cells"].append({"cell": number, "exercise": exercise, "line": _first_line(cell.source),
                                           "ename": "timeout",
                                           "reason": f"ячейка не уложилась в {_num(job['cell_timeout'])}\u00a0с и прервана "
                                                     "(бесконечный цикл или слишком долгий расчёт)"})
                    if previous_timeout:
                        state["cells"][-1]["reason"] = ("ядро не отвечает на прерывание (ячейка перехватывает "
                                                        "KeyboardInterrupt) — остальные ячейки не выполнены")
                        state["stopped"] = number
                        break
                    previous_timeout = True
                    try:
                        run_sync(client.km.interrupt_kernel)()
                    except Exception:
                        pass
                except DeadKernelError:
                    reason = ("ядро упало (процесс завершился — сигнал, нехватка памяти или сбой) — остальные "
                              "ячейки не выполнены")
                    if "setup" in (cell.get("metadata", {}).get("tags") or []):
                        reason += f"; если так падает ячейка подготовки во всех тетрадях — увеличьте --memory ({memory_mb}\u00a0МБ)"
                    state["cells"].append({"cell": number if not is_hidden else None, "line": _first_line(cell.source),
                                           "reason": reason})
                    state["stopped"] = number
                    break
                _peak(state)
                if sizes.get(index, 0) > cap:
                    mb = sizes[index] / 1024 / 1024
                    state["cells"].append({"cell": number, "line": _first_line(cell.source),
                                           "reason": f"огромный вывод ({mb:.0f}\u00a0МБ) — отброшен, на проверку не влияет"})
                _write_state(folder, state)
    except DeadKernelError:
        state["cells"].append({"cell": None, "line": "", "reason": "ядро не запустилось или упало"})
    state["current_cell"] = None
    state["outputs_total"] = sum(sizes.values())
    state.pop("kernel_pid", None)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # nbformat (через nbclient) импортирует jsonschema, а тот — rfc3987_syntax, который при импорте строит
    # ≈40 грамматик lark: ≈0,7 с процессора на каждую тетрадь. Форматов IRI в схеме тетради нет —
    # без этого модуля jsonschema просто не проверяет формат «iri», а проверке работ он не нужен.
    sys.modules.setdefault("rfc3987_syntax", None)
    folder = Path(argv[0])
    try:
        return run(folder)
    except MemoryError:
        try:
            state = json.loads((folder / STATE).read_text(encoding="utf-8"))
        except Exception:
            state = {}
        state.setdefault("notes", []).append("проверяющему процессу не хватило памяти")
        state["verdict"] = state.get("verdict") if state.get("verdict") == "running" else "crashed"
        _write_state(folder, state)
        return 3


if __name__ == "__main__":
    sys.exit(main())
