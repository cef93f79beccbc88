"""Таблица handoffs согласована со сделками, компаниями и сотрудниками; встроенная связь — в описанных границах."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.data import load
from salesbook.data.generator.params import handoffs as P
from salesbook.toolkit import acquisition

ITEMS = list(P.ITEMS)


@pytest.fixture(scope="module")
def t():
    return {n: load(n) for n in ("handoffs", "opportunities", "accounts", "reps")}


def test_one_row_per_new_customer(t):
    h, opps = t["handoffs"], t["opportunities"]
    new = acquisition.new_customer_deals(opps)
    assert set(h["opportunity_id"]) == set(new["opportunity_id"])
    assert h["account_id"].is_unique and len(h) == len(new)


def test_joins_with_opportunities(t):
    h, opps = t["handoffs"], t["opportunities"]
    x = h.merge(opps, on="opportunity_id", suffixes=("", "_opp"), validate="1:1")
    assert (x["outcome"] == "won").all()
    assert (x["account_id"] == x["account_id_opp"]).all()
    assert (x["segment"] == x["segment_opp"]).all()
    assert (x["ae_id"] == x["owner_id"]).all()
    assert (x["close_date"] == x["close_date_opp"]).all()


def test_dates_and_csm_on_duty(t):
    h, reps = t["handoffs"], t["reps"].set_index("rep_id")
    assert (h["handoff_date"] >= h["close_date"]).all()
    assert (h["handoff_date"] <= h["close_date"].max()).all()
    k = h["kickoff_date"].notna()
    assert (h.loc[k, "kickoff_date"] > h.loc[k, "handoff_date"]).all()
    csm = reps.loc[h["csm_id"]]
    assert (csm["role"] == "CSM").all()
    assert (csm["hire_date"].to_numpy() <= h["handoff_date"].to_numpy()).all()
    left = csm["exit_date"].to_numpy()
    assert (pd.isna(left) | (left > h["handoff_date"].to_numpy())).all()


def test_completeness_is_share_of_items(t):
    h = t["handoffs"]
    assert set(np.unique(h[ITEMS].to_numpy())) <= {0, 1}
    assert np.allclose(h[ITEMS].mean(axis=1), h["completeness"], atol=0.006)


def test_built_in_early_churn_link_is_modest(t):
    """Ранний отток при неполной карточке выше, чем при полной, в 1,2–3 раза (README: «примерно в 1,5–2 раза»)."""
    h, acc = t["handoffs"], t["accounts"].set_index("account_id")
    h = h[h["close_date"] <= pd.Timestamp("2024-12-31")]
    early = (h["account_id"].map(acc["churned_on"]) - h["close_date"]).dt.days <= P.EARLY_CHURN_DAYS
    full = h["completeness"] == 1
    ratio = early[~full].mean() / early[full].mean()
    assert 1.2 < ratio < 3.0


def test_kickoff_more_often_with_full_card(t):
    h = t["handoffs"]
    h = h[h["handoff_date"] <= pd.Timestamp("2025-11-30")]
    held = h["kickoff_date"].notna()
    assert held[h["completeness"] == 1].mean() > held[h["completeness"] <= 0.6].mean()
