"""Тексты генератора — имена, названия компаний, заметки к сделкам, цитаты исследования.

Лежат в YAML-файлах папки ``corpora/`` рядом с этим модулем и читаются один раз.
Порядок элементов в файлах важен: генератор выбирает тексты по номеру.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

FOLDER = Path(__file__).with_name("corpora")


@cache
def corpus(name: str) -> dict[str, Any]:
    """Содержимое ``corpora/<name>.yml``."""
    return yaml.safe_load((FOLDER / f"{name}.yml").read_text(encoding="utf-8"))
