"""Карта покрытия: каждый пункт исходного плана (book/outline.yml) → где книга его разбирает.

Карта лежит в ``book/coverage.yml``. У пункта три списка: ``teaches`` — метки, где пункт объяснён
и разобран на примере; ``practice`` — упражнения, где его отрабатывают; ``mentions`` — метки, где он
только упомянут. Пункт **разобран**, если у него есть ``teaches``, нет ``mentions`` и есть пример на данных
(ячейка с кодом, кроме подготовки) или упражнение в ``practice``; пункт с подпунктами плана — если
у него есть ``teaches`` и разобраны все подпункты. Проверка доказывает, что все метки и упражнения существуют.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from salesbook.authoring.notebooks import ROOT

_TARGET = re.compile(r"^\(([\w.-]+)\)=\s*$", re.M)
_CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n((?::[^\n]*\n)*)", re.M)
KINDS = ("teaches", "practice", "mentions")


@dataclass
class Entry:
    teaches: list[str] = field(default_factory=list)
    practice: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)


def outline(root: Path = ROOT) -> list[dict]:
    return yaml.safe_load((root / "book" / "outline.yml").read_text(encoding="utf-8"))["items"]


def coverage_map(root: Path = ROOT) -> dict[str, Entry]:
    data = yaml.safe_load((root / "book" / "coverage.yml").read_text(encoding="utf-8")) or {}
    found = {}
    for key, value in (data.get("coverage") or {}).items():
        if not isinstance(value, dict) or set(value) - set(KINDS):
            raise ValueError(f"book/coverage.yml, пункт {key}: ожидаются только ключи {', '.join(KINDS)}")
        found[str(key)] = Entry(**{k: list(value.get(k) or []) for k in KINDS})
    return found


def label_blocks(root: Path = ROOT) -> dict[str, str]:
    """Текст книги от каждой метки ``(label)=`` до следующей метки."""
    blocks = {}
    for path in sorted((root / "book").rglob("*.md")):
        parts = _TARGET.split(path.read_text(encoding="utf-8"))
        for i in range(1, len(parts), 2):
            blocks[parts[i]] = parts[i + 1]
    return blocks


def book_labels(root: Path = ROOT) -> set[str]:
    return set(label_blocks(root))


def has_worked_example(block: str) -> bool:
    """Есть ли в тексте метки ячейка с кодом, кроме подготовки (tags: setup)."""
    return any("setup" not in options for options in _CODE_CELL.findall(block))


def _exercise_ids() -> set[str]:
    from salesbook.exercises import all_exercises

    return {ex.id for ex in all_exercises()}


def _children(items: list[dict]) -> dict[str, list[str]]:
    ids = [i["id"] for i in items]
    children: dict[str, list[str]] = {i: [] for i in ids}
    for i in ids:
        parent = i.rsplit("/", 1)[0] if "/" in i else (i.rsplit(".", 1)[0] if "." in i else None)
        if parent in children:
            children[parent].append(i)
    return children


def taught_items(root: Path = ROOT) -> set[str]:
    """Пункты плана, которые книга разбирает (объяснение и пример или упражнение)."""
    items = outline(root)
    mapped = coverage_map(root)
    blocks = label_blocks(root)
    exercises = _exercise_ids()
    own = {
        key: bool(entry.teaches)
        and not entry.mentions
        and (any(has_worked_example(blocks.get(t, "")) for t in entry.teaches) or any(p in exercises for p in entry.practice))
        for key, entry in mapped.items()
    }
    children = _children(items)
    memo: dict[str, bool] = {}

    def taught(i: str) -> bool:
        if i not in memo:
            if children[i]:  # у пункта с подпунктами примеры — в подпунктах
                memo[i] = i in mapped and bool(mapped[i].teaches) and not mapped[i].mentions and all(taught(c) for c in children[i])
            else:
                memo[i] = own.get(i, False)
        return memo[i]

    return {i["id"] for i in items if taught(i["id"])}


def problems(root: Path = ROOT) -> list[str]:
    ids = {item["id"] for item in outline(root)}
    labels = book_labels(root)
    exercises = _exercise_ids()
    found = []
    for seed_id, entry in coverage_map(root).items():
        if seed_id not in ids:
            found.append(f"пункта {seed_id!r} нет в плане")
        if not entry.teaches and not entry.mentions:
            found.append(f"у пункта {seed_id} нет ни teaches, ни mentions")
        for kind in ("teaches", "mentions"):
            found.extend(f"пункт {seed_id}: метки {t!r} ({kind}) нет в книге" for t in getattr(entry, kind) if t not in labels)
        found.extend(f"пункт {seed_id}: упражнения {p!r} нет в курсе" for p in entry.practice if p not in exercises)
        both = set(entry.teaches) & set(entry.mentions)
        if both:
            found.append(f"пункт {seed_id}: метки {sorted(both)} и в teaches, и в mentions")
    return found


def report(root: Path = ROOT) -> str:
    items = outline(root)
    mapped = coverage_map(root)
    taught = taught_items(root)
    mentioned = [i["id"] for i in items if i["id"] in mapped and i["id"] not in taught]
    lines = [f"Разобрано пунктов плана: {len(taught)} из {len(items)} (объяснение и пример на данных или упражнение)"]
    if mentioned:
        lines.append(f"Упомянуто, но не разобрано: {len(mentioned)} — {', '.join(mentioned)}")
    partial = [k for k in mentioned if mapped[k].mentions]
    if partial:
        lines.append("Из них темы только упомянуты: " + "; ".join(f"{k} — {', '.join(mapped[k].mentions)}" for k in partial))
    return "\n".join(lines)
