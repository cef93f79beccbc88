"""Кэш проверенных таблиц на диске: новое ядро не проверяет схему той же таблицы заново."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from salesbook.data import DataError, load
from salesbook.data.load import TABLE_CACHE_KEEP, clear_cache, find_data_dir

load_module = sys.modules["salesbook.data.load"]  # salesbook.data.load — это функция
DATA_DIR = find_data_dir()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(load_module.CACHE_ENV_VAR, str(tmp_path / "cache"))
    monkeypatch.delenv(load_module.TABLE_CACHE_ENV_VAR, raising=False)
    clear_cache()
    yield tmp_path / "cache" / "tables"
    clear_cache()


def _count_validations(monkeypatch) -> list[str]:
    calls: list[str] = []
    original = load_module._load_uncached

    def counting(table, *args):
        calls.append(table)
        return original(table, *args)

    monkeypatch.setattr(load_module, "_load_uncached", counting)
    return calls


def test_second_kernel_reads_the_checked_table_from_disk(cache, monkeypatch):
    calls = _count_validations(monkeypatch)
    first = load("opportunities", DATA_DIR)
    assert calls == ["opportunities"]
    assert len(list(cache.glob("opportunities-*.pkl"))) == 1
    clear_cache()  # как новое ядро: в памяти пусто
    second = load("opportunities", DATA_DIR)
    assert calls == ["opportunities"]  # схему второй раз не проверяли
    pd.testing.assert_frame_equal(first, second)


def test_copy_in_another_folder_hits_the_same_entry(cache, monkeypatch, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("reps.csv", "salary_history.csv"):
        shutil.copy(DATA_DIR / name, copy / name)
    calls = _count_validations(monkeypatch)
    load("reps", DATA_DIR)
    clear_cache()
    load("reps", copy)
    assert calls == ["reps"]


def test_changed_file_is_checked_again_and_errors_are_not_cached(cache, monkeypatch, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(DATA_DIR / "reps.csv", copy / "reps.csv")
    load("reps", copy)
    lines = (copy / "reps.csv").read_text(encoding="utf-8").split("\n")
    lines[3] += ",лишнее,поле"  # строка повреждена
    (copy / "reps.csv").write_text("\n".join(lines), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataError):
            load("reps", copy)
        clear_cache()
    assert len(list(cache.glob("reps-*.pkl"))) == 1  # только исправный вариант


def test_damaged_cache_file_is_ignored(cache):
    load("reps", DATA_DIR)
    (entry,) = cache.glob("reps-*.pkl")
    entry.write_bytes(b"not a pickle")
    clear_cache()
    assert len(load("reps", DATA_DIR)) > 0
    assert entry.read_bytes() != b"not a pickle"  # переписан заново


def test_old_versions_do_not_pile_up(cache, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    text = (DATA_DIR / "reps.csv").read_text(encoding="utf-8")
    for n in range(TABLE_CACHE_KEEP + 2):
        (copy / "reps.csv").write_text(text + "\n" * n, encoding="utf-8")  # другой SHA-256, те же данные
        clear_cache()
        load("reps", copy)
    assert len(list(cache.glob("reps-*.pkl"))) == TABLE_CACHE_KEEP


def test_switched_off_or_unwritable_cache_still_loads(tmp_path, monkeypatch):
    monkeypatch.setenv(load_module.TABLE_CACHE_ENV_VAR, "off")
    clear_cache()
    assert load_module.table_cache_dir() is None
    assert len(load("reps", DATA_DIR)) > 0
    blocker = tmp_path / "file"
    blocker.write_text("не папка")
    monkeypatch.delenv(load_module.TABLE_CACHE_ENV_VAR)
    monkeypatch.setenv(load_module.CACHE_ENV_VAR, str(Path(blocker)))  # tables/ внутри файла не создать
    clear_cache()
    assert len(load("reps", DATA_DIR)) > 0
    clear_cache()
