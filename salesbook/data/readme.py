"""Блоки datasets/README.md, которые пишет код: текст между двумя метками-комментариями."""

from __future__ import annotations

from pathlib import Path

from salesbook.data.load import DataError


def block(text: str, start: str, end: str) -> str:
    """Текст между метками ``start`` и ``end`` (без пустых строк по краям)."""
    if start not in text or end not in text:
        raise DataError(f"В README нет меток {start} и {end}.")
    return text.split(start, 1)[1].split(end, 1)[0].strip("\n") + "\n"


def write_block(path: str | Path, start: str, end: str, new_block: str) -> bool:
    """Заменить блок между метками на ``new_block``. Возвращает True, если файл изменился."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if block(text, start, end) == new_block:
        return False
    head, rest = text.split(start, 1)
    path.write_text(f"{head}{start}\n{new_block}{end}{rest.split(end, 1)[1]}", encoding="utf-8")
    return True
