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


def test_patch_refuses_a_lossy_type_and_ignores_no_rows(pair):
    whole, table = pair
    table.patch("flag", [], [])                            # пустая правка — ничего не меняет
    pd.testing.assert_frame_equal(table.frame(), whole)
    with pytest.raises(TypeError, match="нельзя исправить значениями типа float64"):   # как .loc в pandas 3
        table.patch("amount", [1], [2.5])
        table.patch("flag", [1], [2.7])
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
    assert lazy[[]].shape == (0,) and lazy[np.array([], dtype=int)].shape == (0,)
    assert list(lazy.position(["A" + "9" * 30, "A12346", "A000001"])) == [-1, -1, -1]   # длинный номер — не ошибка


def test_packed_keeps_the_original_dtype():
    values = np.array([3, -1, 70_000, 0], dtype=np.int64)
    packed = Packed(values)
    assert packed.values.dtype == np.int32 and len(packed) == 4
    assert packed[1:3].dtype == np.int64 and list(packed[np.array([2, 0])]) == [70_000, 3]
    flags = Packed(np.array([True, False]))
    assert flags[:].dtype == bool


def _names_as_strings(rng, industry_codes, segment_codes):
    """Названия компаний так, как их строил генератор до хранения номерами частей (замороженный образец)."""
    from salesbook.data import schemas as S
    from salesbook.data.generator.arrays import choice_codes
    from salesbook.data.generator.corpora import corpus
    texts = corpus("companies")
    out = np.empty(len(industry_codes), dtype=object)
    for ind_i, ind in enumerate(S.INDUSTRIES):
        sel = np.flatnonzero(industry_codes == ind_i)
        if len(sel) == 0:
            continue
        if ind == "public_sector":
            base = np.array([f"{p} {pl}" for p in texts["public_prefixes"] for pl in texts["public_places"]],
                            dtype=object)
            forms = np.array(texts["public_forms"], dtype=object)
            total = len(base) * len(forms)
            pick = rng.choice(total, size=len(sel), replace=len(sel) > total)
            out[sel] = [f"{f} „{b}“" for f, b in zip(forms[pick % len(forms)], base[pick // len(forms)])]
        else:
            roots, tails = np.array(texts["roots"], dtype=object), np.array(texts["tails"], dtype=object)
            sufs = np.array(texts["industry_suffixes"][ind], dtype=object)
            nr, nsuf, nt = len(roots), len(sufs), len(tails)
            w = np.repeat(np.array(texts["tail_weights"]), nr * nsuf)
            seg = segment_codes[sel]
            pick = rng.choice(nr * nsuf * nt, size=len(seg), replace=len(seg) > nr * nsuf * nt, p=w / w.sum())
            form = np.empty(len(seg), dtype=np.int64)
            for si, sname in enumerate(S.SEGMENTS):
                m = seg == si
                form[m] = choice_codes(rng, int(m.sum()), texts["legal_form_mix"][sname])
            legal = np.array(texts["legal_forms"], dtype=object)[form]
            out[sel] = [f"{f} „{r} {sf}{t}“" for f, r, sf, t in
                        zip(legal, roots[pick % nr], sufs[(pick // nr) % nsuf], tails[pick // (nr * nsuf)])]
    names, seen = out.tolist(), {}
    for i, name in enumerate(names):
        k = seen.get(name, 0)
        seen[name] = k + 1
        if k:
            names[i] = f"{name[:-1]} {k + 1}“"
    return names


def test_company_names_are_built_from_their_parts_as_strings_would_be():
    """Названия из номеров частей — те же, что строки целиком (образец выше), и уникальны; поток тот же."""
    from salesbook.data.generator.steps.accounts import CompanyNames, company_names
    rng = np.random.default_rng(11)
    industry = np.where(rng.random(6_000) < 0.5, 7, rng.integers(0, 7, 6_000))   # госучреждений: названий мало
    segment = rng.integers(0, 3, 6_000)
    names = CompanyNames(np.random.default_rng(4), industry, segment)
    reference = _names_as_strings(np.random.default_rng(4), industry, segment)
    assert len(set(reference)) == len(reference) == len(names)
    assert list(names[slice(None)]) == reference
    assert list(company_names(np.random.default_rng(4), industry, segment)) == reference
    assert list(names[np.array([5_999, 5])]) == [reference[5_999], reference[5]]
    assert (names.repeat > 0).any()                      # повторы есть, и они пронумерованы
    a, b = np.random.default_rng(4), np.random.default_rng(4)
    CompanyNames(a, industry, segment)
    _names_as_strings(b, industry, segment)
    assert a.random() == b.random()


def test_upsell_reassignment_patches_the_tables_as_loc_did():
    """MRR переадресует лиды допродаж правкой компактной таблицы лидов: итог — как прежний .loc по целой."""
    from tqdm.auto import tqdm

    from salesbook.data import schemas as S
    from salesbook.data.generator import pipeline
    from salesbook.data.generator.context import Context
    from salesbook.data.generator.steps import STEPS
    from salesbook.data.generator.steps.customers import _move_upsell_leads
    ctx = Context(scale=0.3)
    upto = next(i for i, s in enumerate(STEPS) if s.label == "таблицы сделок и лидов") + 1
    pipeline.run(STEPS[:upto], ctx, pipeline.streams(5, 0.3), tqdm(disable=True))
    leads, opps = ctx.tables["leads"].frame(), ctx.tables["opportunities"].copy()
    with_deal = ctx.opps.li[:3]
    plain = np.flatnonzero(ctx.opps.of_lead < 0)[:2]
    n_acc = len(ctx.accounts.ids)
    moved = [(with_deal[0], 4), (plain[0], 7), (with_deal[1], n_acc - 1), (with_deal[0], 9), (plain[1], 0)]
    # прежний способ: последняя компания лида, замена по lead_id в собранных таблицах
    target = {int(li): int(a) for li, a in moved}
    acc = ctx.accounts
    lead_ids = np.asarray(ctx.leads.ids)[list(target)]
    a = np.array(list(target.values()))
    new = {"account_id": pd.Series(np.asarray(acc.ids)[a], index=lead_ids),
           "employees": pd.Series(acc.emp[a], index=lead_ids),
           "industry": pd.Series(np.asarray(S.INDUSTRIES, dtype=object)[acc.ind[a]], index=lead_ids)}
    for t, cols in ((opps, ("account_id",)), (leads, ("account_id", "employees", "industry"))):
        hit = t["lead_id"].isin(lead_ids).to_numpy()
        keys = t["lead_id"].to_numpy()[hit]
        for col in cols:
            t.loc[hit, col] = new[col].loc[keys].to_numpy()
    _move_upsell_leads(ctx, moved)
    pd.testing.assert_frame_equal(ctx.tables["leads"].frame(), leads)
    pd.testing.assert_frame_equal(ctx.tables["opportunities"], opps)
    assert ctx.tables["leads"].frame(columns=["account_id"])["account_id"].iloc[with_deal[0]] == acc.ids[9]


def test_lookup_takes_only_the_rows_with_the_wanted_keys(pair):
    whole, table = pair
    keys = ["X005", "X017", "X005", "nope"]
    got = table.lookup("row_id", keys, ["name", "amount"])
    expected = whole[whole["row_id"].isin(keys)].set_index("row_id")[["name", "amount"]]
    pd.testing.assert_frame_equal(got, expected)
    assert list(got.index) == ["X005", "X017"]
    assert table.lookup("row_id", [], ["name"]).empty
    assert list(table.lookup("row_id", ["X001"], ["row_id", "name"]).columns) == ["name"]
    with pytest.raises(TypeError, match="не одну строку"):
        table.lookup("row_id", "X001", ["name"])
