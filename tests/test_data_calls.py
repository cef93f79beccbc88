"""Таблицы раздела 7.4.2: записанные звонки (calls) и их реплики (call_turns).

Звонки сходятся со встречами в activities и со сделками; реплики идут по порядку и не
перекрываются; встроенная обратная связь с исходом — как в datasets/README.md; старые таблицы
не изменились.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from salesbook.data import load
from salesbook.data.generator.params import calls as P

REPO = Path(__file__).resolve().parents[1]
OWN = ("calls.csv", "call_turns.csv")


@pytest.fixture(scope="module")
def t():
    return {name: load(name) for name in ("opportunities", "activities", "calls", "call_turns")}


def test_calls_are_recorded_meetings_of_the_owner(t):
    c, a, o = t["calls"], t["activities"].set_index("activity_id"), t["opportunities"].set_index("opportunity_id")
    assert c["call_id"].is_unique and c["activity_id"].is_unique
    meet = a.loc[c["activity_id"]]
    assert (meet["type"] == "meeting").all()
    assert (meet["opportunity_id"].to_numpy() == c["opportunity_id"].to_numpy()).all()
    assert (meet["rep_id"].to_numpy() == c["rep_id"].to_numpy()).all()
    assert (meet["date"].to_numpy() == c["call_date"].to_numpy()).all()
    assert (o.loc[c["opportunity_id"], "owner_id"].to_numpy() == c["rep_id"].to_numpy()).all()
    created = o.loc[c["opportunity_id"], "created_date"]
    assert created.between(P.FIRST_CREATED, P.LAST_CREATED).all()
    close = o.loc[c["opportunity_id"], "close_date"].to_numpy()
    assert (pd.isna(close) | (c["call_date"].to_numpy() <= close)).all()


def test_one_discovery_per_deal_and_demo_after_it(t):
    c = t["calls"]
    assert c.groupby("opportunity_id")["call_type"].apply(lambda s: (s == "discovery").sum()).eq(1).all()
    d = c.pivot_table(index="opportunity_id", columns="call_type", values="call_date", aggfunc="first").dropna()
    assert (d["demo"] >= d["discovery"]).all()


def test_turns_are_ordered_and_do_not_overlap(t):
    tt, c = t["call_turns"], t["calls"].set_index("call_id")
    assert set(tt["call_id"]) == set(c.index)
    tt = tt.sort_values(["call_id", "turn"])
    assert tt.groupby("call_id")["turn"].apply(lambda s: list(s) == list(range(1, len(s) + 1))).all()
    prev_end = tt.groupby("call_id")["end_sec"].shift()
    assert (prev_end.isna() | (tt["start_sec"] >= prev_end)).all()
    assert (tt["end_sec"] > tt["start_sec"]).all()
    last = tt.groupby("call_id")["end_sec"].max()
    assert (last == c.loc[last.index, "duration_sec"]).all()
    assert (tt["speaker"].eq("other") <= tt["call_id"].map(c["call_type"]).eq("demo")).all()


def test_labels_only_in_labelled_calls(t):
    tt, c = t["call_turns"], t["calls"].set_index("call_id")
    labelled = tt["call_id"].map(c["labelled"])
    assert tt.loc[labelled, "label"].notna().all() and tt.loc[~labelled, "label"].isna().all()
    assert 0.05 < c["labelled"].mean() < 0.25


def test_competitor_named_is_the_deals_competitor(t):
    """Если в сделке есть конкурент и клиент назвал конкурента, то назван именно он."""
    from salesbook.data.generator.steps.calls import SPOKEN_COMPETITORS

    tt, c, o = t["call_turns"], t["calls"], t["opportunities"].set_index("opportunity_id")
    comp = c.set_index("call_id")["opportunity_id"].map(o["competitor"])
    for code, spoken in SPOKEN_COMPETITORS.items():
        said = tt.loc[tt["text"].str.contains(spoken, regex=False), "call_id"].unique()
        other = comp.reindex(said)
        assert (other.isna() | other.eq(code)).all(), code


def test_reverse_association_is_as_documented(t):
    """Выигранные сделки: доля речи AE ниже, следующий шаг с датой чаще — как в README."""
    from salesbook.toolkit import conversation as cv

    m = cv.with_outcome(cv.call_metrics(t["calls"], t["call_turns"]), t["opportunities"])
    by = m.groupby("won")[["talk_ratio", "next_step", "questions"]].mean()
    assert 0.03 < by.loc[0, "talk_ratio"] - by.loc[1, "talk_ratio"] < 0.12
    assert 0.08 < by.loc[1, "next_step"] - by.loc[0, "next_step"] < 0.3
    assert by.loc[1, "questions"] > by.loc[0, "questions"]
    # средняя доля речи на discovery — внутри «65–75 % у среднего продавца» Gong или чуть ниже
    assert 0.5 < m.loc[m["call_type"] == "discovery", "talk_ratio"].mean() < 0.7


def test_tables_are_small():
    assert sum((REPO / "datasets" / n).stat().st_size for n in OWN) <= 1.5 * 1024 * 1024


def test_existing_tables_did_not_change():
    """Новый шаг не сдвинул ни одного байта старых таблиц: их контрольные суммы — как до 7.4.2."""
    sums = json.loads((REPO / "salesbook" / "data" / "checksums.json").read_text(encoding="utf-8"))["files"]
    for name, digest in sums.items():
        assert hashlib.sha256((REPO / "datasets" / name).read_bytes()).hexdigest() == digest, name
