"""Карта покрытия: каждый пункт исходного плана (book/outline.yml) → метки разделов книги.

Карта лежит в ``book/coverage.yml``; проверка доказывает, что все метки существуют.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from salesbook.authoring.notebooks import ROOT

_TARGET = re.compile(r"^\(([\w.-]+)\)=\s*$", re.M)


def outline(root: Path = ROOT) -> list[dict]:
    return yaml.safe_load((root / "book" / "outline.yml").read_text(encoding="utf-8"))["items"]


def coverage_map(root: Path = ROOT) -> dict[str, list[str]]:
    data = yaml.safe_load((root / "book" / "coverage.yml").read_text(encoding="utf-8")) or {}
    return {str(k): list(v or []) for k, v in (data.get("coverage") or {}).items()}


def book_labels(root: Path = ROOT) -> set[str]:
    labels = set()
    for path in (root / "book").rglob("*.md"):
        labels.update(_TARGET.findall(path.read_text(encoding="utf-8")))
    return labels


def problems(root: Path = ROOT) -> list[str]:
    ids = {item["id"] for item in outline(root)}
    labels = book_labels(root)
    found = []
    for seed_id, targets in coverage_map(root).items():
        if seed_id not in ids:
            found.append(f"пункта {seed_id!r} нет в плане")
        if not targets:
            found.append(f"у пункта {seed_id} пустой список меток")
        found.extend(f"пункт {seed_id}: метки {t!r} нет в книге" for t in targets if t not in labels)
    return found


def report(root: Path = ROOT) -> str:
    items = outline(root)
    mapped = coverage_map(root)
    done = [i for i in items if i["id"] in mapped]
    return f"Покрыто пунктов плана: {len(done)} из {len(items)}"
