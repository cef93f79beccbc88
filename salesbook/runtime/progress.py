"""Учёт прогресса: каждая проверка дописывает строку в локальный журнал.

Журнал — JSON Lines (одна проверка — одна строка, только дозапись), поэтому
повреждённая строка (оборванная запись, ручная правка) пропускается, а всё
остальное читается. В CI и при ``SALESBOOK_PROGRESS=off`` запись выключена.
Файл: ``SALESBOOK_PROGRESS_FILE`` или ``~/.salesbook/progress.jsonl``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd


def progress_file() -> Path:
    custom = os.environ.get("SALESBOOK_PROGRESS_FILE")
    return Path(custom) if custom else Path.home() / ".salesbook" / "progress.jsonl"


def enabled() -> bool:
    if os.environ.get("SALESBOOK_PROGRESS", "").lower() in ("off", "0", "no", "false"):
        return False
    if os.environ.get("SALESBOOK_PROGRESS_FILE"):
        return True
    return not (os.environ.get("CI") or os.environ.get("SALESBOOK_EXPECT"))


def record(exercise_id: str, status: str) -> None:
    """Дописать результат проверки. Любая ошибка записи молча игнорируется:
    учёт прогресса не должен мешать учёбе."""
    if not enabled():
        return
    try:
        path = progress_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"id": exercise_id, "status": status}, ensure_ascii=False)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    except OSError:
        pass


def read_log(path: Path | None = None) -> tuple[list[dict], int]:
    """Записи журнала и число пропущенных повреждённых строк."""
    path = path or progress_file()
    records, damaged = [], 0
    try:
        raw = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return [], 0
    for line in raw.splitlines():
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if isinstance(item, dict) and isinstance(item.get("id"), str) and isinstance(item.get("status"), str):
                records.append(item)
            else:
                damaged += 1
        except ValueError:
            damaged += 1
    return records, damaged


def best_statuses(path: Path | None = None) -> dict[str, str]:
    """Лучший статус каждого упражнения: решено, если хоть раз решено; иначе — последний статус."""
    records, _ = read_log(path)
    best: dict[str, str] = {}
    for item in records:
        if best.get(item["id"]) != "correct":
            best[item["id"]] = item["status"]
    return best


def course_version() -> str:
    """Версия курса — версия пакета ``salesbook`` (``0.0.0``, если пакет не установлен)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("salesbook")
    except PackageNotFoundError:
        return "0.0.0"


EXPORT_SCHEMA = "salesbook-progress-export/1"
EXPORT_STATUSES = ("correct", "incorrect", "unattempted", "invalid")


def export(name: str = "", path: Path | None = None) -> dict:
    """Выгрузка журнала для преподавателя: лучший статус каждого упражнения.

    Преподаватель кладёт файл в папку работ, ``salesbook grade`` добавляет его в отчёт
    с пометкой «журнал самостоятельной работы — не перепроверен»: журнал пишет сам
    учащийся, и проверить его нельзя.
    """
    best = best_statuses(path)
    return {
        "schema": EXPORT_SCHEMA,
        "course_version": course_version(),
        "name": name,
        "exercises": {k: best[k] for k in sorted(best) if best[k] in EXPORT_STATUSES},
    }


def summary(path: Path | None = None) -> pd.DataFrame:
    """Таблица по разделам: сколько упражнений, сколько начато и сколько решено."""
    from salesbook.exercises import all_exercises, section_titles

    best = best_statuses(path)
    rows = []
    titles = section_titles()
    for ex in all_exercises():
        section = ex.id.rsplit(".", 1)[0]
        status = best.get(ex.id, "")
        rows.append({"section": section, "attempted": status not in ("", "unattempted"), "solved": status == "correct"})
    frame = pd.DataFrame(rows, columns=["section", "attempted", "solved"])
    table = frame.groupby("section", sort=False).agg(
        exercises=("solved", "size"), attempted=("attempted", "sum"), solved=("solved", "sum")
    )
    table.insert(0, "title", [titles.get(s, s) for s in table.index])
    return table.reset_index()
