"""Таблица genai_outputs (раздел 8.1): связи с CRM, факты черновиков совпадают со сделкой, размер."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesbook.data import load
from salesbook.data.generator.params import genai as P
from salesbook.toolkit import genai_eval as ge

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def t():
    return {name: load(name) for name in ("genai_outputs", "opportunities", "accounts", "contacts", "reps")}


def test_rows_join_the_deal_account_owner_and_contact(t):
    g, o = t["genai_outputs"], t["opportunities"].set_index("opportunity_id")
    assert (o.loc[g["opportunity_id"], "account_id"].to_numpy() == g["account_id"].to_numpy()).all()
    assert (o.loc[g["opportunity_id"], "owner_id"].to_numpy() == g["rep_id"].to_numpy()).all()
    c = t["contacts"].set_index("contact_id")
    assert (c.loc[g["contact_id"], "account_id"].to_numpy() == g["account_id"].to_numpy()).all()
    created = o.loc[g["opportunity_id"], "created_date"].to_numpy()
    closed = o.loc[g["opportunity_id"], "close_date"].to_numpy()
    assert ((g["created_date"].to_numpy() >= created) & (g["created_date"].to_numpy() <= closed)).all()
    assert (g["created_date"] >= pd.Timestamp(P.PILOT_START)).all()


def test_clean_drafts_state_the_crm_facts(t):
    """Черновик без дефекта «факт» называет ACV и дату решения из сделки, численность — из компании."""
    g = t["genai_outputs"]
    o = t["opportunities"].set_index("opportunity_id")
    clean = g[g["label_final"] != "fact"]
    for r in clean.itertuples():
        acv = float(o.loc[r.opportunity_id, "amount_rub"])
        assert any(abs(a - acv) <= 1 for a in ge.amounts_in(r.text)), r.output_id
    flags = ge.fact_flags(g, t["opportunities"], t["accounts"])
    fact = g["label_final"] == "fact"
    visible = fact & (g["defect_detail"] != "feature")
    assert flags[visible].all()                 # всё, что видно в CRM, сверка находит
    assert not flags[fact & ~visible].any()     # выдуманную функцию — нет


def test_labels_and_rates(t):
    g = t["genai_outputs"]
    assert len(g) == sum(P.TEXTS_PER_CASE.values())
    assert g.groupby("use_case").size().to_dict() == P.TEXTS_PER_CASE
    rate = (g["label_final"] != "ok").mean()
    assert 0.10 < rate < 0.30
    # проверяющий A находит больше дефектов, чем B
    defects = g[g["label_final"] != "ok"]
    assert (defects["review_a"] != "ok").mean() > (defects["review_b"] != "ok").mean()
    assert (g["edit_minutes"] < g["manual_minutes"]).mean() > 0.8


def test_table_is_small():
    assert (REPO / "datasets" / "genai_outputs.csv").stat().st_size < 0.5 * 1024 * 1024


def test_policy_matches_the_toolkit():
    assert P.MAX_DISCOUNT_PCT == ge.MAX_DISCOUNT_PCT
    assert P.COMPANY_PHONE == ge.COMPANY_PHONE and P.COMPANY_DOMAIN == ge.COMPANY_DOMAIN
