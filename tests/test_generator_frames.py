"""Large generator tables kept compact (codes and row numbers) and assembled in parts.

The touches, activities, leads and accounts tables are :class:`DeferredTable`; every part they assemble must be the
``DataFrame`` a slice of the whole table would be (values, dtypes, row labels), and the CSV written
from them byte-identical. The reference hashes at scales 0,5, 1 and 10 prove it for the real tables;
these tests pin the mechanism on a small table with every kind of column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import salesbook.data.generator as G
from salesbook.data.generator.arrays import IdRange, ids, labels, nullable_int, optional_labels
from salesbook.data.generator.frames import DeferredTable, Packed, encode, narrow

N = 23
COLUMNS = ("row_id", "name", "maybe", "count", "flag", "amount")
NAMES = np.array(["альфа", "beta", "", "g,h"], dtype=object)


def _raw():
    rng = np.random.default_rng(5)
    return {"name": rng.integers(0, len(NAMES), N), "maybe": rng.integers(-1, len(NAMES), N),
            "count": rng.integers(-1, 4, N), "flag": rng.random(N) < 0.5, "amount": rng.random(N) * 1000}


def _render(raw):
    def render(rows, names):
        r = {k: v[rows] for k, v in raw.items()}
        col = {"row_id": lambda: ids("X", N, 3, rows),
               "name": lambda: NAMES[r["name"]], "maybe": lambda: optional_labels(NAMES, r["maybe"]),
               "count": lambda: nullable_int(r["count"], r["count"] >= 0), "flag": lambda: r["flag"],
               "amount": lambda: r["amount"]}
        return {n: col[n]() for n in names}
    return render


@pytest.fixture
def pair():
    raw = _raw()
    whole = pd.DataFrame(_render(raw)(slice(0, N), COLUMNS))
    return whole, DeferredTable(N, COLUMNS, _render(raw), text=("row_id", "name", "maybe"))


def test_parts_are_slices_of_the_whole_table(pair):
    whole, table = pair
    assert len(table) == N
    pd.testing.assert_frame_equal(table.frame(), whole)
    pd.testing.assert_frame_equal(table.frame(5, 11), whole.iloc[5:11])
    pd.testing.assert_frame_equal(table.frame(20, 99), whole.iloc[20:])
    mask = (whole["flag"] & whole["maybe"].notna()).to_numpy()
    pd.testing.assert_frame_equal(table.rows(mask, ["count", "maybe"]), whole[mask][["count", "maybe"]])
    pd.testing.assert_frame_equal(table.rows(mask), whole[mask])
    pd.testing.assert_frame_equal(table.rows(np.flatnonzero(mask)), whole[mask])
    none = np.zeros(N, dtype=bool)
    pd.testing.assert_frame_equal(table.rows(none), whole[none], check_index_type=False)
    only_missing = (whole["maybe"].isna() & whole["flag"]).to_numpy()   # в выбранных строках — одни пропуски
    assert only_missing.any()
    pd.testing.assert_frame_equal(table.rows(only_missing), whole[only_missing])


def test_select_checks_the_condition_part_by_part(pair):
    whole, table = pair
    seen = []

    def condition(part):
        seen.append((list(part.columns), part.index[0], len(part)))
        return part["flag"] & part["maybe"].notna()

    mask = table.select(condition, "flag", "maybe", chunk_rows=10)
    assert list(mask) == list(whole["flag"] & whole["maybe"].notna())
    assert seen == [(["flag", "maybe"], 0, 10), (["flag", "maybe"], 10, 10), (["flag", "maybe"], 20, 3)]


def test_select_aligns_on_row_labels_and_treats_missing_as_no(pair):
    """Как ``df[маска]``: условие, вернувшее Series в другом порядке, — по меткам; пропуск — «нет»."""
    whole, table = pair
    shuffled = table.select(lambda c: (c["flag"] & c["maybe"].notna()).sort_values(), "flag", "maybe", chunk_rows=7)
    assert list(shuffled) == list(whole["flag"] & whole["maybe"].notna())
    nullable = table.select(lambda c: c["count"] > 1, "count", chunk_rows=7)     # Int64 с пропусками
    assert list(nullable) == list((whole["count"] > 1).fillna(False).astype(bool))
    assert whole["count"].isna().any()


def test_rows_must_be_increasing_and_inside(pair):
    _, table = pair
    for bad in ([3, 2], [0, 0], [-1], [N]):
        with pytest.raises(ValueError, match="возрастать"):
            table.rows(np.array(bad))
    with pytest.raises(ValueError, match="Маска строк длины 2"):
        table.rows(np.array([True, False]))


def test_csv_from_a_deferred_table_is_byte_identical(pair, tmp_path, monkeypatch):
    whole, table = pair
    cols = ["row_id", "maybe", "count", "flag", "amount", "name"]
    monkeypatch.setattr(G, "CSV_CHUNK_ROWS", 4)
    G._write_csv(whole, cols, tmp_path / "whole.csv")
    shares = []
    G._write_csv(table, cols, tmp_path / "deferred.csv", shares.append)
    assert (tmp_path / "deferred.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert shares[-1] == 1.0 and len(shares) == 6


def test_ids_of_some_rows_keep_the_width_of_all():
    every = ids("T", 1_234_567, 6)
    assert every[0] == "T0000001" and every[-1] == "T1234567"
    assert list(ids("T", 1_234_567, 6, range(1_234_560, 1_234_567))) == list(every[-7:])
    assert list(ids("T", 1_234_567, 6, np.array([0, 99]))) == ["T0000001", "T0000100"]
    assert list(ids("T", 1_234_567, 6, slice(1_234_560, None))) == list(every[-7:])


def test_encode_and_narrow_are_lossless():
    vocabulary = ["b"]
    values = np.array(["a", "b", "a", "c"], dtype=object)
    codes = encode(values, vocabulary)
    assert codes.dtype == np.int16 and vocabulary == ["b", "a", "c"]
    assert list(np.array(vocabulary, dtype=object)[codes]) == list(values)
    assert list(encode(np.array(["c"], dtype=object), vocabulary)) == [2] and vocabulary == ["b", "a", "c"]
    assert narrow(np.array([-1, 1000])).dtype == np.int16
    assert narrow(np.array([0, 40_000])).dtype == np.int32
    assert narrow(np.array([0, 2 ** 40])).dtype == np.int64
    assert narrow(np.array([], dtype=np.int64)).dtype == np.int32
    flags = np.array([True, False])
    assert narrow(flags) is flags or narrow(flags).dtype == bool
    assert narrow(np.array([-1.0, 420.0])).dtype == np.int16         # целые дробным типом — можно
    with pytest.raises(ValueError, match="дробные"):
        narrow(np.array([1.7, -2.5]))
    with pytest.raises(TypeError, match="только числа"):
        narrow(np.array(["a"], dtype=object))


def test_large_tables_stay_compact_and_generate_returns_frames():
    """The largest tables are held compact while steps run; ``generate`` still returns DataFrames."""
    from salesbook.data.generator import pipeline
    from salesbook.data.generator.context import Context
    from salesbook.data.generator.steps import STEPS
    seen = {}

    def done(i):
        for name in LARGE:
            if name in ctx.tables and name not in seen:
                seen[name] = type(ctx.tables[name])

    ctx = Context(scale=0.02)
    upto = next(i for i, s in enumerate(STEPS) if s.label == "маркетинговые касания и веб-аналитика") + 1
    from tqdm.auto import tqdm
    pipeline.run(STEPS[:upto], ctx, pipeline.streams(7, 0.02), tqdm(disable=True), done)
    assert seen == dict.fromkeys(LARGE, DeferredTable)
    tables = G.generate(None, scale=0.02, seed=7, progress=False)
    for name in LARGE:
        assert isinstance(tables[name], pd.DataFrame) and tables[name].index.equals(pd.RangeIndex(len(tables[name])))


LARGE = ("touches", "activities", "leads", "accounts")


def test_generate_returns_the_same_dtypes_as_before():
    """``generate`` отдаёт те же типы столбцов и индексов, что до компактных таблиц (CSV их не видит).

    tests/fixtures/generate_dtypes.json записан этим генератором и сверен с генератором до переделок
    ради памяти (та же таблица типов при масштабе 0,02 и зерне 3); меняется только вместе с генератором.
    """
    import json
    from pathlib import Path
    expected = json.loads((Path(__file__).parent / "fixtures" / "generate_dtypes.json").read_text(encoding="utf-8"))
    tables = G.generate(None, scale=0.02, seed=3, progress=False)
    got = {name: {c: str(df[c].dtype) for c in df.columns} | {"__index__": type(df.index).__name__}
           for name, df in tables.items()}
    assert got == expected


def test_columns_are_assembled_on_request(pair):
    whole, table = pair
    pd.testing.assert_frame_equal(table.frame(columns=["count", "row_id"]), whole[["count", "row_id"]])
    pd.testing.assert_frame_equal(table.frame(3, 9, columns=["name"]), whole.iloc[3:9][["name"]])
    with pytest.raises(KeyError, match="нет столбцов"):
        table.frame(columns=["row_id", "nope"])


def test_patch_is_like_assigning_to_the_whole_table(pair):
    """``patch`` — как ``df.loc[rows, column] = values``: в частях, выборках и CSV; повтор строки — последнее."""
    whole, table = pair
    expected = whole.copy()
    expected.loc[[2, 7, 20], "name"] = ["новое", "x", "y"]
    expected.loc[[7, 0], "name"] = ["z", "первое"]
    expected.loc[[4, 5], "amount"] = [1.5, -2.0]
    table.patch("name", [2, 7, 20], ["новое", "x", "y"])
    table.patch("name", np.array([7, 0]), np.array(["z", "первое"], dtype=object))
    table.patch("amount", [4, 5], [1.5, -2.0])
    pd.testing.assert_frame_equal(table.frame(), expected)
    pd.testing.assert_frame_equal(table.frame(5, 12), expected.iloc[5:12])
    mask = expected["flag"].to_numpy()
    pd.testing.assert_frame_equal(table.rows(mask, ["name", "amount"]), expected[mask][["name", "amount"]])
    assert list(table.select(lambda c: c["name"] == "z", "name")) == list(expected["name"] == "z")
    with pytest.raises(KeyError, match="нет столбца"):
        table.patch("nope", [1], [1])
    with pytest.raises(ValueError, match="внутри таблицы"):
        table.patch("name", [N], ["a"])
    with pytest.raises(ValueError, match="Строк 2, а значений 1"):
        table.patch("name", [1, 2], ["a"])
    with pytest.raises(TypeError, match="не массивом numpy"):   # Int64 с пропусками править нечем
        table.patch("count", [1], [3])
        table.frame()


def test_id_range_builds_only_what_is_asked_and_equals_the_full_array():
    n = 12_345
    every = ids("A", n, 3)
    lazy = IdRange("A", n, 3)
    assert len(lazy) == n and lazy[0] == every[0] == "A00001" and lazy[-1] == every[-1]
    rows = np.array([5, 0, 5, 12_344, 7])
    assert list(lazy[rows]) == list(every[rows])
    shared = lazy[rows]
    assert shared[0] is shared[2]                       # повтор — та же строка Python
    assert list(lazy[10:20]) == list(every[10:20])
    mask = np.zeros(n, dtype=bool)
    mask[[3, 9]] = True
    assert list(lazy[mask]) == list(every[mask])
    assert lazy[np.array([[1, 2], [3, 4]])].shape == (2, 2)
    assert list(np.asarray(lazy)) == list(every)
    assert list(labels(lazy, np.array([2, 1]))) == list(every[[2, 1]])
    assert list(optional_labels(lazy, np.array([-1, 4]))) == [None, every[4]]
    assert list(lazy.position(["A00003", "A12345", "B00001", "A0003", "A99999", None])) == [2, 12_344, -1, -1, -1, -1]
    for bad in (np.array([n]), np.array([-1]), np.array([0.5]), np.zeros(3, dtype=bool)):
        with pytest.raises(IndexError):
            lazy[bad]


def test_packed_keeps_the_original_dtype():
    values = np.array([3, -1, 70_000, 0], dtype=np.int64)
    packed = Packed(values)
    assert packed.values.dtype == np.int32 and len(packed) == 4
    assert packed[1:3].dtype == np.int64 and list(packed[np.array([2, 0])]) == [70_000, 3]
    flags = Packed(np.array([True, False]))
    assert flags[:].dtype == bool


def test_company_names_are_built_from_their_parts_as_strings_would_be():
    """Названия, собранные из номеров частей, — те же, что строки целиком, и уникальны; поток тот же."""
    from salesbook.data.generator.steps.accounts import CompanyNames, company_names
    rng = np.random.default_rng(11)
    industry = np.where(rng.random(6_000) < 0.5, 7, rng.integers(0, 7, 6_000))   # госучреждений: названий мало
    segment = rng.integers(0, 3, 6_000)
    names = CompanyNames(np.random.default_rng(4), industry, segment)
    whole = company_names(np.random.default_rng(4), industry, segment)
    assert len(set(whole)) == len(whole) == len(names)
    assert list(names[slice(None)]) == list(whole)
    assert list(names[np.array([5_999, 5])]) == list(whole[[5_999, 5]])
    assert (names.repeat > 0).any()                      # повторы есть, и они пронумерованы
    a, b = np.random.default_rng(4), np.random.default_rng(4)
    CompanyNames(a, industry, segment)
    company_names(b, industry, segment)
    assert a.random() == b.random()


def test_lookup_takes_only_the_rows_with_the_wanted_keys(pair):
    whole, table = pair
    keys = ["X005", "X017", "X005", "nope"]
    got = table.lookup("row_id", keys, ["name", "amount"])
    expected = whole[whole["row_id"].isin(keys)].set_index("row_id")[["name", "amount"]]
    pd.testing.assert_frame_equal(got, expected)
    assert list(got.index) == ["X005", "X017"]
    assert table.lookup("row_id", [], ["name"]).empty
