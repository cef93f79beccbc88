"""Сколько стоит пересборка книги после правки одного раздела — против полной сборки.

Запуск:  .venv/bin/python benchmarks/bench_rebuild.py [--section book/ch01/1_1_1_cac.md] [--jobs 2]

Копия курса (файлы под git) собирается во временной папке так же, как ``make book``:
исполнение тетрадей в кэш (``salesbook book-exec``), Jupyter Book, слайды. Сначала полная
сборка с нуля, затем две правки одного раздела в той же копии: в код (комментарий в конце
первой видимой ячейки кода — раздел исполняется заново) и в текст (слово в первом абзаце —
код не меняется). Печатает секунды каждого шага и долю от полной сборки; цель — меньше
10 %. Цифры — для сравнения на одной машине, не для тестов: полный прогон занимает минуты.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

#: Цель: правка одного раздела пересобирает книгу быстрее этой доли полной сборки.
TARGET_SHARE = 0.10

_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n((?::[^\n]*\n)*)(.*?)^```$", re.M | re.S)
_HIDDEN = {"setup", "remove-cell", "glue", "solution", "book-only"}


def edit_code(text: str) -> str:
    """Дописать комментарий в конец первой видимой ячейки кода: код другой — раздел исполняется заново."""
    for cell in _CELL.finditer(text):
        tags = set(re.findall(r"[\w-]+", (re.search(r"^:tags:\s*\[([^\]]*)\]", cell.group(1), re.M) or ["", ""])[1]))
        if not tags & _HIDDEN and cell.group(2).strip():
            end = cell.end(2)
            return text[:end] + "# замер пересборки\n" + text[end:]
    raise ValueError("в разделе нет видимой ячейки кода")


def edit_prose(text: str) -> str:
    """Добавить слово в первый абзац после заголовка раздела: текст другой, код тот же."""
    title = re.search(r"^# .+$", text, re.M)
    paragraph = re.search(r"^[А-ЯЁA-Z*{][^\n]+$", text[title.end():], re.M) if title else None
    if paragraph is None:
        raise ValueError("в разделе нет абзаца текста после заголовка")
    at = title.end() + paragraph.end()
    return text[:at] + " Замер." + text[at:]


def copy_course(target: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode("utf-8").split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def build(copy: Path, jobs: int) -> dict[str, float]:
    """Шаги make book в копии; секунды каждого."""
    steps = {
        "исполнение тетрадей": [BIN / "salesbook", "book-exec", "--jobs", str(jobs)],
        "Jupyter Book": [BIN / "jupyter-book", "build", ".", "--warningiserror", "--nitpick", "--keep-going"],
        "слайды": [BIN / "salesbook", "slides", "--out", "_build/html/slides"],
    }
    env = {"PYTHONHASHSEED": "0", "SALESBOOK_PROGRESS": "off", "PYTHONPATH": str(copy),
           "PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(Path.home())}
    seconds = {}
    for name, command in steps.items():
        start = time.perf_counter()
        done = subprocess.run([str(c) for c in command], cwd=copy, env=env, capture_output=True, text=True)
        seconds[name] = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"шаг «{name}» не прошёл:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds


def _pct(share: float) -> str:
    return f"{share * 100:.1f}\u00a0%".replace(".", ",")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", default="book/ch01/1_1_1_cac.md", help="исходник раздела, который правим")
    parser.add_argument("--jobs", type=int, default=2, help="процессов для исполнения тетрадей")
    args = parser.parse_args(argv)
    import os

    print(f"Ядер: {os.cpu_count()}. Раздел для правок: {args.section}")
    with tempfile.TemporaryDirectory(prefix="salesbook-rebuild-") as tmp:
        copy = Path(tmp)
        copy_course(copy)
        runs = {"полная сборка с нуля": build(copy, args.jobs)}
        section = copy / args.section
        section.write_text(edit_code(section.read_text(encoding="utf-8")), encoding="utf-8")
        runs["правка кода одного раздела"] = build(copy, args.jobs)
        section.write_text(edit_prose(section.read_text(encoding="utf-8")), encoding="utf-8")
        runs["правка текста одного раздела"] = build(copy, args.jobs)
    full = sum(runs["полная сборка с нуля"].values())
    names = list(runs["полная сборка с нуля"])
    print(f"{'':32}" + "".join(f"{n:>22}" for n in names) + f"{'всего, с':>12}{'доля':>8}")
    worst = 0.0
    for label, seconds in runs.items():
        total = sum(seconds.values())
        share = total / full
        if label != "полная сборка с нуля":
            worst = max(worst, share)
        cells = "".join(f"{seconds[n]:>22.1f}" for n in names)
        print(f"{label:32}{cells}{total:>12.1f}".replace(".", ",") + f"{_pct(share):>8}")
    verdict = "цель достигнута" if worst < TARGET_SHARE else "ЦЕЛЬ НЕ ДОСТИГНУТА"
    print(f"Итог: правка одного раздела — до {_pct(worst)} полной сборки (цель — меньше {_pct(TARGET_SHARE)}): {verdict}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
