"""mailboxes.csv сходится с activities и rep_daily_activity; прогрев и инцидент — как в datasets/README.md."""

from __future__ import annotations

import pandas as pd
import pytest

from salesbook.data import load
from salesbook.data.generator.params import mailboxes as P


@pytest.fixture(scope="module")
def boxes() -> pd.DataFrame:
    return load("mailboxes")


def _week(dates: pd.Series) -> pd.Series:
    return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")


def test_owners_are_bdrs(boxes):
    reps = load("reps").set_index("rep_id")
    assert set(reps.loc[boxes["rep_id"].unique(), "role"]) == {"BDR"}


def test_sent_matches_daily_report(boxes):
    reps = load("reps")
    daily = load("rep_daily_activity").merge(reps[["rep_id", "role"]], on="rep_id")
    daily = daily[daily["role"] == "BDR"]
    expected = daily.groupby(["rep_id", _week(daily["date"]).rename("week")])["emails"].sum()
    got = boxes.groupby(["rep_id", "week"])["sent"].sum()
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)


def test_crm_columns_match_activities(boxes):
    reps = load("reps")
    acts = load("activities").merge(reps[["rep_id", "role"]], on="rep_id")
    mail = acts[(acts["type"] == "email") & (acts["role"] == "BDR")]
    frame = pd.DataFrame({"rep_id": mail["rep_id"], "week": _week(mail["date"]),
                          "crm_bounced": mail["outcome"].eq("bounced").astype("int64")})
    expected = frame.groupby(["rep_id", "week"]).agg(crm_sent=("crm_bounced", "size"),
                                                     crm_bounced=("crm_bounced", "sum"))
    got = boxes.groupby(["rep_id", "week"])[["crm_sent", "crm_bounced"]].sum()
    got = got[got["crm_sent"] > 0]
    pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index(), check_dtype=False)


def test_warmup_only_for_new_domains(boxes):
    prewarmed = [d for d, _, warm in P.DOMAINS if warm]
    assert not boxes.loc[boxes["domain"].isin(prewarmed), "warmup"].any()
    for domain, start, warm in P.DOMAINS:
        if warm:
            continue
        first = boxes[boxes["domain"] == domain].sort_values("week").iloc[0]
        assert first["week"] == pd.Timestamp(start) and first["warmup"]


def test_incident_domain_pauses_and_rewarms(boxes):
    incident = pd.Timestamp(P.INCIDENT_START)
    dom = boxes[boxes["domain"] == P.INCIDENT_DOMAIN]
    pause = pd.date_range(incident + pd.Timedelta(weeks=P.INCIDENT_WEEKS), periods=P.PAUSE_WEEKS, freq="W-MON")
    assert not dom["week"].isin(pause).any()
    resume = pause[-1] + pd.Timedelta(weeks=1)
    assert dom.loc[dom["week"] == resume, "warmup"].all()
