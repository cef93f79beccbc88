"""The generator reproduces the recorded scale-1 data byte for byte.

``salesbook/data/checksums.json`` holds the SHA-256 of every CSV at scale 1 with the
default seed. A refactor of the generator must not change a single byte; a deliberate
change of the data updates the checksums in the same commit, with the reason.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from salesbook.data import TABLES, generate

REPO = Path(__file__).resolve().parents[1]
CHECKSUMS = json.loads((REPO / "salesbook" / "data" / "checksums.json").read_text(encoding="utf-8"))


def _sha256(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


def test_checksums_cover_every_table():
    assert sorted(CHECKSUMS["files"]) == sorted(f"{t}.csv" for t in TABLES)
    assert CHECKSUMS["scale"] == 1


def test_committed_datasets_match_checksums():
    assert _sha256(REPO / "datasets") == CHECKSUMS["files"]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("scale1")
    generate(out, progress=False)            # defaults: scale 1 and the default seed
    return out


def test_fresh_generation_matches_checksums(fresh):
    got = _sha256(fresh)
    assert sorted(got) == sorted(CHECKSUMS["files"])
    changed = [name for name, digest in CHECKSUMS["files"].items() if got[name] != digest]
    assert changed == [], f"изменились файлы: {changed}"
