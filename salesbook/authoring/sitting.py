"""Раздел — одно занятие: не больше 90 минут и не больше ~24 ячеек кода до упражнений.

Правило курса: раздел (или каждая его часть) проходят за один присест или одно занятие
практикума. Время автор пишет в шапке («**Время:** 60–90 минут»); его верхняя граница не
больше :data:`MAX_MINUTES`. Ячеек кода, которые читатель видит до «## Упражнения», не больше
:data:`MAX_CODE_CELLS`: скрытые ячейки (настройка, glue — тег ``remove-cell``) не считаются,
а код оформления уходит в помощники ``salesbook.runtime``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MAX_MINUTES = 90
MAX_CODE_CELLS = 24

_TIME = re.compile(r"\*\*Время:\*\*\s*(?:(\d+)\s*[–-]\s*)?(\d+)\s*мин")
_EXERCISES = re.compile(r"^## Упражнения\s*$", re.M)
_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n((?::[^\n]*\n)*)", re.M)
_TAGS = re.compile(r"^:tags:\s*\[([^\]]*)\]", re.M)


@dataclass(frozen=True)
class Sitting:
    minutes: int | None
    code_cells: int
    low: int | None = None          # нижняя граница («70» в «70–90 минут»), если она указана

    def problems(self, name: str) -> list[str]:
        found = []
        if self.minutes is None:
            found.append(f"{name}: в шапке нет строки «**Время:** … минут»")
        elif self.minutes > MAX_MINUTES:
            found.append(f"{name}: заявлено до {self.minutes} минут — больше {MAX_MINUTES}; разделите раздел на части")
        if self.code_cells > MAX_CODE_CELLS:
            found.append(f"{name}: {self.code_cells} видимых ячеек кода до упражнений — больше {MAX_CODE_CELLS}; "
                         "вынесите оформление в помощники или разделите раздел")
        return found


def measure(text: str) -> Sitting:
    """Заявленное время (верхняя граница, минут) и число видимых ячеек кода до упражнений."""
    time = _TIME.search(text)
    minutes = int(time.group(2)) if time else None
    low = int(time.group(1)) if time and time.group(1) else None
    end = _EXERCISES.search(text)
    body = text[: end.start()] if end else text
    visible = 0
    for cell in _CELL.finditer(body):
        tags = _TAGS.search(cell.group(1))
        if not tags or "remove-cell" not in {t.strip() for t in tags.group(1).split(",")}:
            visible += 1
    return Sitting(minutes, visible, low)


def check(path: Path) -> list[str]:
    return measure(path.read_text(encoding="utf-8")).problems(path.name)
