"""candidates.csv и interview_scores.csv сходятся с reps; сроки, конверсии и согласие — как в datasets/README.md."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.data import load
from salesbook.toolkit import hiring


@pytest.fixture(scope="module")
def cand() -> pd.DataFrame:
    return load("candidates")


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    return load("interview_scores")


def test_one_hire_per_filled_vacancy_and_every_hire_has_one(cand):
    reps = load("reps")
    hired = cand[cand["stage_reached"] == "accepted"]
    filled = cand[cand["vacancy_status"] == "filled"]
    assert hired["vacancy_id"].is_unique
    assert set(hired["vacancy_id"]) == set(filled["vacancy_id"])
    assert not cand.loc[cand["vacancy_status"] != "filled", "stage_reached"].eq("accepted").any()
    new = reps[reps["hire_date"].between("2023-01-01", "2025-12-31")]
    assert sorted(hired["hired_rep_id"]) == sorted(new["rep_id"])


def test_hire_matches_reps(cand):
    reps = load("reps").set_index("rep_id")
    hired = cand[cand["stage_reached"] == "accepted"].set_index("hired_rep_id")
    r = reps.loc[hired.index]
    assert (hired["accepted_date"] < r["hire_date"]).all()
    assert (hired["role"] == r["role"]).all()
    assert (hired["team"].fillna("") == r["team"].fillna("")).all()
    notice = (r["hire_date"] - hired["accepted_date"]).dt.days
    assert notice.between(14, 40).all()  # отработка две недели (ТК РФ, ст. 80), оформление и праздники


def test_dates_within_vacancy(cand):
    assert (cand["applied_date"] >= cand["vacancy_opened_date"]).all()
    open_ = cand[cand["vacancy_status"] == "open"]
    assert (open_["vacancy_opened_date"] >= "2025-10-01").all()
    assert cand[["applied_date", "accepted_date"]].max().max() <= pd.Timestamp("2025-12-31")


def test_time_to_hire_in_published_order(cand):
    t = hiring.vacancy_times(cand, load("reps"))
    med = t.groupby("role")["days_to_accept"].median()
    assert med["SDR"] < med["AE"] < med.get("manager", 999)
    assert 20 <= t["days_to_accept"].median() <= 70      # ориентир 30–60 дней на вакансию специалиста


def test_conversions_by_source(cand):
    f = hiring.stage_funnel(cand)
    assert f["applied"].idxmax() == "hh_ru"                       # главный источник откликов
    assert f.loc["hh_ru", "hire_rate"] < f.loc["referral", "hire_rate"]
    assert f.loc["hh_ru", "interview"] / f.loc["hh_ru", "applied"] < 0.15
    assert 0.5 <= f["accepted"].sum() / f["offer"].sum() <= 0.9     # офферы принимают не все


def test_scores_cover_interviewed_candidates(cand, scores):
    reached = cand.loc[cand["stage_reached"].map(hiring.STAGES.index) >= 2, "candidate_id"]
    assert set(scores["candidate_id"]) == set(reached)
    per = scores.groupby("candidate_id").agg(raters=("interviewer_id", "nunique"), rows=("score", "size"))
    assert (per["raters"] == 3).all() and (per["rows"] == 18).all()
    dates = cand.set_index("candidate_id")["interview_date"]
    assert (scores["interview_date"].to_numpy() == dates.loc[scores["candidate_id"]].to_numpy()).all()


def test_interviewers_work_at_the_company(scores):
    reps = load("reps").set_index("rep_id")
    staff = scores[scores["interviewer_role"] != "hr"]
    r = reps.loc[staff["interviewer_id"]]
    assert (r["hire_date"].to_numpy() <= staff["interview_date"].to_numpy()).all()
    gone = r["exit_date"].notna().to_numpy()
    assert (r["exit_date"].to_numpy()[gone] > staff["interview_date"].to_numpy()[gone]).all()
    assert set(scores.loc[scores["interviewer_role"] == "hr", "interviewer_id"]) <= {"HR01", "HR02"}
    assert (reps.loc[scores.loc[scores["interviewer_role"] == "hiring_manager", "interviewer_id"], "role"] == "manager").all()


def test_agreement_is_moderate(scores):
    w = hiring.ratings_wide(scores)
    plain = hiring.cohen_kappa(w["hiring_manager"], w["peer"])
    weighted = hiring.cohen_kappa(w["hiring_manager"], w["peer"], "quadratic")
    assert 0.1 < plain < 0.35 < 0.4 < weighted < 0.7
    assert 0.1 < hiring.fleiss_kappa(w[["hiring_manager", "peer", "hr"]]) < 0.35


def test_some_interviewers_are_harsher(scores):
    lenient = hiring.rater_leniency(scores)
    assert lenient["leniency"].min() < -0.4 and lenient["leniency"].max() > 0.4


def test_hired_score_higher_than_rejected(cand, scores):
    mean = scores.groupby("candidate_id")["score"].mean()
    stage = cand.set_index("candidate_id")["stage_reached"].loc[mean.index]
    assert mean[stage == "accepted"].mean() > mean[stage == "interview"].mean() + 0.3
    assert np.isfinite(mean).all()


def test_meetings_on_working_days(cand):
    from salesbook.data.generator.dates import HOLIDAY_DATES

    for col in ["screen_date", "interview_date", "final_date", "offer_date", "accepted_date"]:
        d = cand[col].dropna()
        assert (d.dt.day_of_week < 5).all(), col
        assert not d.isin(pd.to_datetime(HOLIDAY_DATES)).any(), col
