"""The generator reproduces the recorded scale-1 data byte for byte; its steps keep their declarations.

``salesbook/data/checksums.json`` holds the SHA-256 of every CSV at scale 1 with the
default seed. A refactor of the generator must not change a single byte; a deliberate
change of the data updates the checksums in the same commit, with the reason.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from pathlib import Path

import pytest

from salesbook.data import TABLES, generate
from salesbook.data.generator import DEFAULT_SEED, pipeline
from salesbook.data.generator.context import Context
from salesbook.data.generator.steps import STEPS

REPO = Path(__file__).resolve().parents[1]
CHECKSUMS = json.loads((REPO / "salesbook" / "data" / "checksums.json").read_text(encoding="utf-8"))


def _sha256(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


def test_checksums_cover_every_table():
    assert sorted(CHECKSUMS["files"]) == sorted(f"{t}.csv" for t in TABLES)
    assert CHECKSUMS["scale"] == 1
    assert CHECKSUMS["seed"] == DEFAULT_SEED


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


# Other scales: recorded by the generator before it was reworked to write tables as soon as they are
# finished; a half-size set costs a few seconds, so the test checks that one (larger ones — the benchmark)
SCALES = json.loads((REPO / "salesbook" / "data" / "checksums_scales.json").read_text(encoding="utf-8"))


def test_scale_checksums_cover_every_table():
    assert SCALES["seed"] == DEFAULT_SEED
    assert {"0.5", "10", "100"} <= set(SCALES["scales"])
    for entry in SCALES["scales"].values():
        assert sorted(entry["files"]) == sorted(f"{t}.csv" for t in TABLES)


def test_command_line_generation_matches_checksums_at_half_scale(tmp_path, capsys):
    """``salesbook data`` writes each table as soon as its last reader is done and frees it: same bytes."""
    from salesbook.cli import main
    assert main(["data", "--scale", "0.5", "--out", str(tmp_path), "--quiet"]) == 0
    assert "Готово: 57 таблиц" in capsys.readouterr().out
    expected = SCALES["scales"]["0.5"]["files"]
    got = _sha256(tmp_path)
    assert sorted(got) == sorted(expected)
    changed = [name for name, digest in expected.items() if got[name] != digest]
    assert changed == [], f"изменились файлы: {changed}"


def test_generate_returns_the_written_tables(tmp_path):
    """``generate`` keeps its documented result: every table, columns in schema order, as written."""
    import pandas as pd

    from salesbook.data import schemas as S
    tables = generate(tmp_path, scale=0.02, seed=3, progress=False)
    assert list(tables) == list(TABLES)
    for name, df in tables.items():
        assert list(df.columns) == S.columns(name)
        back = pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False)
        assert len(back) == len(df), name
    assert tables["leads"]["lead_id"].tolist() == pd.read_csv(tmp_path / "leads.csv")["lead_id"].tolist()


def test_every_table_is_finished_after_its_last_reader():
    """The runner writes a table after the last step that declares reading it — and not before a writer."""
    last = pipeline.last_readers(STEPS)
    for i, step in enumerate(STEPS):
        for name in (*step.reads, *step.writes):
            assert last[name] >= i
    assert set(last) == CONTEXT_FIELDS | {f"tables.{t}" for t in TABLES}
    touches = next(i for i, s in enumerate(STEPS) if "tables.touches" in s.writes)
    assert last["tables.touches"] > touches          # referrals read touches later on


# --------------------------------------------------------------------------
# Declared steps
# --------------------------------------------------------------------------

CONTEXT_FIELDS = {f.name for f in fields(Context)} - {"scale", "tables"}


def test_every_read_is_written_by_an_earlier_step_and_everything_once():
    written: list[str] = []
    for step in STEPS:
        assert set(step.reads) <= set(written), step.label
        written += step.writes
    assert len(written) == len(set(written))
    assert set(written) == CONTEXT_FIELDS | {f"tables.{t}" for t in TABLES}


def test_streams_are_declared_and_all_used():
    used = [name for step in STEPS for name in step.streams]
    assert set(used) == set(pipeline.STREAMS) - set(pipeline.RETIRED_STREAMS)
    assert set(pipeline.RETIRED_STREAMS) <= set(pipeline.STREAMS)  # место выбывшего потока сохраняется
    # a stream shared by two steps continues its sequence: these pairs must keep their order
    order = [step.label for step in STEPS]
    for name in ("names", "costs"):
        users = [step.label for step in STEPS if name in step.streams]
        assert len(users) == 2 and order.index(users[0]) < order.index(users[1])


def test_step_labels_are_russian_and_unique():
    labels = [step.label for step in STEPS]
    assert len(labels) == len(set(labels))
    assert all(any("а" <= ch <= "я" for ch in label.lower()) for label in labels)


def test_runner_enforces_declarations():
    class Bar:
        def set_description(self, _):
            pass

        def update(self, _):
            pass

    rngs = pipeline.streams(1, 0.1)
    lazy = pipeline.step("ленивый шаг", writes=("reps",))(lambda ctx: None)
    with pytest.raises(RuntimeError, match="не записал"):
        pipeline.run([lazy], Context(scale=0.1), rngs, Bar())
    early = pipeline.step("ранний шаг", reads=("opps",))(lambda ctx: None)
    with pytest.raises(RuntimeError, match="ещё никто не записал"):
        pipeline.run([early], Context(scale=0.1), rngs, Bar())
    seen = []
    greedy = pipeline.step("шаг с потоком", streams=("b2c",))(lambda ctx, rng: seen.append(rng))
    pipeline.run([greedy], Context(scale=0.1), rngs, Bar())
    assert seen == [rngs["b2c"]]


def test_cli_reports_unwritable_folder_in_russian(tmp_path, capsys):
    from salesbook.cli import main
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["data", "--scale", "0.02", "--out", str(blocker / "x"), "--quiet"]) == 1
    assert "Не удалось записать данные" in capsys.readouterr().err


def test_chunked_csv_is_byte_identical_and_reports_progress(tmp_path, monkeypatch):
    import numpy as np
    import pandas as pd

    import salesbook.data.generator as G
    df = pd.DataFrame({"id": [f"X{i:03d}" for i in range(10)], "note": ["a", None, "", "b,c", "д"] * 2,
                       "amount": np.linspace(0, 1, 10), "n": pd.array([1, None] * 5, dtype="Int64"),
                       "flag": [True, False] * 5, "unused": range(10)})
    cols = ["id", "note", "amount", "n", "flag"]
    whole = df[cols].to_csv(index=False, float_format="%.2f", lineterminator="\n")
    monkeypatch.setattr(G, "CSV_CHUNK_ROWS", 3)
    shares = []
    G._write_csv(df, cols, tmp_path / "t.csv", shares.append)
    assert (tmp_path / "t.csv").read_bytes() == whole.encode("utf-8")
    assert shares == [0.3, 0.6, 0.9, 1.0]
    G._write_csv(df.iloc[:0], cols, tmp_path / "empty.csv")
    assert (tmp_path / "empty.csv").read_text(encoding="utf-8") == "id,note,amount,n,flag\n"
