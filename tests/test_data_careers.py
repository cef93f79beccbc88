"""career_events (раздел 5.4): согласованность с reps и opportunities."""

import pandas as pd
import pytest

from salesbook.data.generator.params import careers as P
from salesbook.exercises import table
from salesbook.toolkit import careers


@pytest.fixture(scope="module")
def ev():
    return table("career_events")


@pytest.fixture(scope="module")
def reps():
    return table("reps")


def test_one_hire_per_person_on_the_hire_date(ev, reps):
    hires = ev[ev["event_type"].eq("hire")].set_index("rep_id")
    assert hires.index.is_unique and set(hires.index) == set(reps["rep_id"])
    r = reps.set_index("rep_id")
    assert (hires["event_date"] == r.loc[hires.index, "hire_date"]).all()
    assert (hires["role"] == r.loc[hires.index, "role"]).all()
    assert (ev["role"] == ev["rep_id"].map(r["role"])).all()


def test_exits_agree_with_reps(ev, reps):
    out = ev[ev["event_type"].isin(["exit", "transfer_out"])].set_index("rep_id")
    r = reps.set_index("rep_id")
    left = r[r["exit_date"].notna()]
    assert out.index.is_unique and set(out.index) == set(left.index)
    assert (out["event_date"] == left.loc[out.index, "exit_date"]).all()
    moved = out[out["event_type"].eq("transfer_out")]
    assert (left.loc[moved.index, "exit_reason"] == "voluntary").all()


def test_reviews_happen_on_calibration_dates_while_employed(ev, reps):
    rv = ev[ev["event_type"].eq("review")]
    assert set(rv["event_date"].dt.strftime("%Y-%m-%d")) <= set(P.REVIEW_DATES)
    r = reps.set_index("rep_id")
    hire, exit_ = rv["rep_id"].map(r["hire_date"]), rv["rep_id"].map(r["exit_date"])
    assert ((rv["event_date"] > hire) & (exit_.isna() | (rv["event_date"] < exit_))).all()


def test_grades_chain_without_gaps(ev):
    for rep, g in ev.sort_values(["event_date"], kind="stable").groupby("rep_id"):
        after = None
        for _, row in g.iterrows():
            if row["event_type"] == "hire":
                after = row["grade_after"]
                continue
            assert row["grade_before"] == after, rep
            if row["event_type"] == "review":
                order = careers.GRADE_ORDER
                assert order.index(row["grade_after"]) - order.index(row["grade_before"]) in (0, 1)
                after = row["grade_after"]


def test_ae_calibrations_follow_the_attainment_rule(ev):
    """quarters_met в таблице — то же правило, что careers.promotion_rule по kpi.quota_attainment."""
    att = careers.quarterly_attainment(table("opportunities"), table("reps"), "2023-01-01", "2025-06-30")
    rv = ev[ev["event_type"].eq("review") & ev["role"].eq("AE")]
    for day, g in rv.groupby("event_date"):
        rule = careers.promotion_rule(att, day)
        assert (g["quarters_met"].to_numpy() == rule.loc[g["rep_id"], "quarters_met"].to_numpy()).all()
        assert (g["quarters_reviewed"].to_numpy() == rule.loc[g["rep_id"], "quarters_reviewed"].to_numpy()).all()


def test_small_table(ev):
    assert len(ev) < 1000
    assert ev["event_id"].is_unique
    assert pd.api.types.is_datetime64_any_dtype(ev["event_date"])
