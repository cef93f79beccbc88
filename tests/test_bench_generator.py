"""Сверка и вердикт скрипта benchmarks/bench_generator.py — без запуска генератора и без замеров времени."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_spec = importlib.util.spec_from_file_location("bench_generator", ROOT / "benchmarks" / "bench_generator.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_scale_keys_match_the_reference_file():
    assert bench.scale_key(100) == "100" and bench.scale_key(10.0) == "10" and bench.scale_key(0.5) == "0.5"
    for scale in (0.5, 1, 10, 100):
        files = bench.reference_files(scale)
        assert files is not None and len(files) == 57
    assert bench.reference_files(3) is None
    committed = json.loads((ROOT / "salesbook" / "data" / "checksums.json").read_text(encoding="utf-8"))["files"]
    assert bench.reference_files(1) == committed


def test_compare_finds_missing_changed_and_extra_files(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "b.csv").write_text("x\n2\n")
    (tmp_path / "c.csv").write_text("x\n3\n")
    got = bench.sha256_files(tmp_path)
    assert bench.compare(got, dict(got)) == ([], [], [])
    expected = {"a.csv": got["a.csv"], "b.csv": "0" * 64, "d.csv": "1" * 64}
    assert bench.compare(got, expected) == (["d.csv"], ["b.csv"], ["c.csv"])


def test_sha256_matches_the_reference_of_committed_data():
    """Хэш по частям — тот же SHA-256, что в checksums.json для datasets/."""
    reference = json.loads((ROOT / "salesbook" / "data" / "checksums.json").read_text(encoding="utf-8"))["files"]
    got = bench.sha256_files(ROOT / "datasets")
    assert bench.compare(got, reference) == ([], [], [])


def test_verdict_against_the_target():
    gb = 1024 ** 3
    assert bench.gigabytes(1.5 * gb) == "1,50 ГБ"
    ok = bench.verdict(1.9 * gb, True, 100)
    assert "файлы совпадают" in ok and "в пределах цели" in ok and "масштаба 100)" not in ok
    bad = bench.verdict(2.1 * gb, False, 100)
    assert "ОТЛИЧАЮТСЯ" in bad and "ВЫШЕ цели" in bad
    assert "не сверены" in bench.verdict(0.5 * gb, None, 3)
    assert "цель задана для масштаба 100" in bench.verdict(0.5 * gb, True, 10)


def test_step_rows_and_the_step_that_reached_the_peak():
    gb = 1024 ** 3
    records = [{"step": "лиды", "seconds": 2.25, "rss": 0.5 * gb, "peak": 0.5 * gb},
               {"step": "активности", "seconds": 1.0, "rss": 1.0 * gb, "peak": 1.75 * gb},
               {"step": "касания", "seconds": 11.0, "rss": 1.25 * gb, "peak": 1.75 * gb}]
    assert bench.peak_step(records) == "активности"
    assert bench.peak_step([]) is None
    row = bench.step_row(records[1])
    assert row.startswith("активности") and row.split()[-3:] == ["1,0", "1,00", "1,75"]
    assert "пик" in bench.STEP_HEADER and len(bench.STEP_HEADER) == len(row)
