"""Раздел 5.1 «Рекрутинг и онбординг»: утверждения текста обеих частей верны на данных курса,
а типичные ошибки упражнений, заданные предикатом, ловятся своими подсказками."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.data import load
from salesbook.exercises import ch05_hiring as ex
from salesbook.toolkit import course, hiring, kpi, planning, roles, unit_economics


@pytest.fixture(scope="module")
def data():
    return {name: load(name) for name in ("reps", "opportunities", "leads", "candidates", "interview_scores", "mrr", "cogs")}


@pytest.fixture(scope="module")
def times(data):
    return hiring.vacancy_times(data["candidates"], data["reps"])


# --- Часть 1 -----------------------------------------------------------------


def test_replacements_are_a_noticeable_share(data):
    team = ex.team_2026()
    exits = hiring.expected_exits(team, course.PLAN_YEAR, planning.attrition_rate(data["reps"], *course.HISTORY))
    share = exits / (len(ex.hires_2026()) + exits)
    assert 0.25 < share < 0.45          # «заметная доля», в упражнении 1 — «треть работы рекрутера»


def test_sdr_team_grows_with_lead_flow(data):
    reps, opps, leads = data["reps"], data["opportunities"], data["leads"]
    prod = planning.segment_productivity(opps, reps, *course.YEAR_2025)
    bookings = planning.bookings_plan(planning.expected_capacity(ex.team_2026(), course.PLAN_YEAR), prod)
    conv = planning.lead_conversion(leads, opps, *course.YEAR_2025)
    growth = planning.funnel_requirements(bookings.sum(), prod, conv)["leads"].sum() / conv["leads"].sum()
    sdr_years = planning.active_months(reps, *course.YEAR_2025, roles=("SDR",)).to_numpy().sum() / 12
    assert growth > 1
    assert sdr_years * growth > ((reps["role"] == "SDR") & reps["exit_date"].isna()).sum()


def test_time_to_start_by_role(times):
    med = times.groupby("role_key")["days_to_start"].median()
    assert med["SDR"] < med["AE · mid_market"] < med["AE · enterprise"]
    # два месяца вакансии раздела 1.3 близки для mid-market и оптимистичны для enterprise
    assert 1.5 <= med["AE · mid_market"] / planning.DAYS_PER_MONTH <= 2.8
    assert med["AE · enterprise"] / planning.DAYS_PER_MONTH > 2.8
    assert (times["days_to_start"] > times["days_to_accept"]).all()


def test_april_hires_need_vacancies_in_january(data, times):
    mm = times.loc[times["role_key"] == "AE · mid_market", "days_to_start"].median()
    ramp = data["reps"].query("role == 'AE' and team == 'mid_market'")["ramp_months"].median()
    full_from = pd.Timestamp("2026-04-01") + pd.DateOffset(months=int(ramp) - 1)
    cal = hiring.hiring_calendar(full_from, ramp, mm)
    assert cal["start"] == pd.Timestamp("2026-04-01")
    assert cal["open_by"].year == 2026 and cal["open_by"].month == 1
    h = ex.hires_2026()
    april = h.loc[h["hire_date"] == pd.Timestamp("2026-04-01"), "segment"].value_counts()
    assert april.to_dict() == {"mid_market": 3, "enterprise": 1}


def test_delay_costs_more_than_agency(data):
    reps, opps = data["reps"], data["opportunities"]
    prod = planning.segment_productivity(opps, reps, *course.YEAR_2025)
    hires = ex.hires_2026()
    late = hires.copy()
    late.loc[late["hire_date"] == "2026-04-01", "hire_date"] = pd.Timestamp("2026-05-01")
    lost = (planning.plan_new_arr(ex.team_2026(), prod, course.PLAN_YEAR)
            - planning.plan_new_arr(planning.plan_team(reps, late, course.PLAN_YEAR), prod, course.PLAN_YEAR))
    gm = unit_economics.gross_margin_for_period(data["mrr"], data["cogs"], *course.YEAR_2025)
    assert lost > 0
    per_ae = lost * gm / 4
    loaded = roles.loaded_cost(load("sm_costs"), reps, *course.YEAR_2025).loc["AE", "loaded_pm"]
    assert 0 < loaded < per_ae
    fee = hiring.agency_fee_for(reps, "AE", "mid_market")
    assert fee < per_ae - loaded                                   # «меньше, чем чистая цена месяца задержки»
    assert fee == pytest.approx(hiring.AGENCY_FEE_RATE * 12 * hiring.typical_salary(reps, "AE", "mid_market"))
    assert ex.delay_net() > ex.agency_premium()                    # упражнение 5: решение «агентство» и за вычетом
    assert ex.agency_decision() == "agency"


def test_offer_acceptance_is_understated_by_the_generator(data):
    from salesbook.data.generator.params import candidates as gen
    f = hiring.stage_funnel(data["candidates"])
    rate = f["accepted"].sum() / f["offer"].sum()
    assert rate < gen.OFFER_ACCEPT                                 # врезка: доля принятых офферов занижена
    filled = data["candidates"].query("vacancy_status == 'filled'")
    assert (filled.groupby("vacancy_id")["stage_reached"].apply(lambda s: (s == "accepted").sum()) == 1).all()


def test_replacement_vacancies_can_open_before_the_exit(data):
    """Врезка: даты открытия вакансий с уходами в reps не согласованы — есть вакансии, открытые раньше ухода
    сотрудника той же роли и команды, которого сменил нанятый."""
    c, reps = data["candidates"], data["reps"]
    v = c.query("vacancy_status == 'filled'").drop_duplicates("vacancy_id")
    v = v.assign(opened=pd.to_datetime(v["vacancy_opened_date"]))
    exits = reps.dropna(subset=["exit_date"]).assign(exit=lambda d: pd.to_datetime(d["exit_date"]))
    early = 0
    for _, row in v.iterrows():
        same = exits[(exits["role"] == row["role"]) & (exits["team"].fillna("") == (row["team"] if isinstance(row["team"], str) else ""))]
        prior = same[(same["exit"] > row["opened"] + pd.Timedelta(days=14)) & (same["exit"] < row["opened"] + pd.Timedelta(days=120))]
        early += len(prior) > 0
    assert early > 0


def test_cancelled_and_open_vacancies(data):
    status = data["candidates"].drop_duplicates("vacancy_id")["vacancy_status"].value_counts()
    assert status.get("cancelled", 0) > 0 and status.get("open", 0) > 0


def test_funnel_claims(data):
    f = hiring.stage_funnel(data["candidates"])
    assert f["applied"].idxmax() == "hh_ru" and f["accepted"].idxmax() == "hh_ru"      # квиз: больше всего и того, и другого
    assert f.loc["hh_ru", "applied"] / f["applied"].sum() > 0.5                           # «большую часть откликов»
    assert 2 * f.loc["hh_ru", "hire_rate"] < f.loc["referral", "hire_rate"]               # «в разы реже»
    screen = f["screen"] / f["applied"]
    assert screen["referral"] > screen["hh_ru"] and screen["agency"] > screen["hh_ru"]    # «чаще проходят скрининг»
    assert f.loc["referral", "accepted"] < 10                                             # «их мало»
    assert f["accepted"].sum() < f["offer"].sum()
    assert 10 <= ex.applications_per_hire() < 100                                          # «десятки откликов»


def test_agency_premium_is_hundreds_of_thousands():
    assert 100_000 <= ex.agency_premium() < 1_000_000


def test_competency_matrix_claims():
    m = hiring.competency_matrix()
    assert m["discovery"].idxmax() == "AE · enterprise"
    ae = m.loc[[r for r in m.index if r.startswith("AE")]]
    assert (m.loc["SDR", "coachability"] > ae["coachability"]).all()
    assert m.loc["SDR", "written_communication"] >= ae["written_communication"].max()


def test_open_by_is_more_than_five_months_ahead():
    gap = (pd.Timestamp(ex.PRODUCTIVE_BY) - ex.open_by()).days
    assert 150 < gap < 183


# --- Часть 2 -----------------------------------------------------------------


def test_scorecard_spread_of_hired_candidate(data):
    c, s = data["candidates"], data["interview_scores"]
    hired = c[(c["stage_reached"] == "accepted") & (c["role"] == "AE") & (c["team"] == "mid_market")].iloc[-1]
    card = s[s["candidate_id"] == hired["candidate_id"]].pivot(index="competency", columns="interviewer_role", values="score")
    assert (card.max(axis=1) - card.min(axis=1)).max() >= 1


def test_kappa_claims(data):
    s = data["interview_scores"]
    w = hiring.ratings_wide(s, "discovery")
    a, b = w["hiring_manager"], w["peer"]
    p_o = (a == b).mean()
    p_e = sum(a.eq(k).mean() * b.eq(k).mean() for k in range(1, 6))
    assert p_o > p_e
    assert (p_o - p_e) / (1 - p_e) == pytest.approx(hiring.cohen_kappa(a, b))
    wide = hiring.ratings_wide(s)
    pairs = [("hiring_manager", "peer"), ("hiring_manager", "hr"), ("peer", "hr")]
    plain = [hiring.cohen_kappa(wide[x], wide[y]) for x, y in pairs]
    quad = [hiring.cohen_kappa(wide[x], wide[y], "quadratic") for x, y in pairs]
    assert 0.1 < min(plain) and max(plain) < 0.3                  # «на границе незначительного и слабого»
    assert 0.41 <= min(quad) and max(quad) <= 0.60                # «умеренное»
    assert min(q - p for q, p in zip(quad, plain)) > 0.2
    fl = hiring.fleiss_kappa(wide[["hiring_manager", "peer", "hr"]])
    assert min(plain) - 0.05 < fl < max(plain) + 0.05              # «того же порядка»
    assert 0.15 < ex.kappa() < 0.3                                 # упражнение 6: «около 0,2»


def test_rater_leniency_spread(data):
    lenient = hiring.rater_leniency(data["interview_scores"])
    assert lenient["leniency"].min() < -0.5 and lenient["leniency"].max() > 0.5
    assert ex.harshest() == lenient.index[0]


def test_validity_interval_covers_both_metaanalyses(data):
    s, c, reps, opps = data["interview_scores"], data["candidates"], data["reps"], data["opportunities"]
    attainment = kpi.quota_attainment(kpi.before_owner_exit(opps, reps), reps, *course.HISTORY)["attainment"]
    mean_score = s.groupby("candidate_id")["score"].mean()
    hired = c[c["stage_reached"] == "accepted"].assign(score=lambda d: d["candidate_id"].map(mean_score))
    hired = hired[hired["hired_rep_id"].isin(attainment.index)]
    v = hiring.validity(hired["score"], hired["hired_rep_id"].map(attainment))
    assert 15 <= v["n"] <= 25                                       # «двух десятках»
    assert v["low"] < 0.42 < 0.51 < v["high"]


def test_thirty_sixty_ninety_claims(data):
    plan = pd.DataFrame({"month": [1, 2, 3], "target_share": [0.25, 0.6, 1.0]})
    check = hiring.check_ramp_plan(plan, 4)
    assert check["ok"].tolist() == [True, False, False]
    assert check.loc[3, "ramp_share"] == pytest.approx(0.75)
    ent = data["reps"].query("role == 'AE' and team == 'enterprise'")["ramp_months"].median()
    assert planning.ramp_factor(3, ent) == pytest.approx(0.5)      # квиз и упражнение 9: половина квоты к 90-му дню


# --- Ошибки, заданные предикатом ---------------------------------------------


def _hint(exercise, answer):
    result = exercise.check(answer)
    assert result.status == "incorrect", (exercise.id, answer, result.message)
    return result.message


def _mistake(exercise, name):
    return next(m for m in exercise.mistakes if m.name == name).hint


def test_q2_mistakes():
    assert _hint(ex.q2, ex.open_by("days_to_accept")) == _mistake(ex.q2, "to_accept")
    no_ramp = pd.Timestamp(ex.PRODUCTIVE_BY) - pd.Timedelta(days=round(ex.median_days()))
    assert _hint(ex.q2, no_ramp) == _mistake(ex.q2, "no_ramp")
    assert _hint(ex.q2, ex.open_by(ramp_shift=1)) == _mistake(ex.q2, "ramp_off_by_one")
    assert ex.q2.check(ex.open_by().strftime("%Y-%m-%d")).status == "correct"
    assert ex.q2.check(ex.open_by() + pd.Timedelta(days=1)).status == "correct"


def test_q1_accepts_rounding_up():
    assert ex.q1.check(float(np.ceil(ex.ae_vacancies()))).status == "correct"


def test_q5_and_q8_choices():
    assert _hint(ex.q5, "referral") == _mistake(ex.q5, "referral")
    assert _hint(ex.q8, str(hiring.rater_leniency(load("interview_scores")).index[-1])) == _mistake(ex.q8, "most_lenient")
    assert ex.q8.check(ex.harshest().lower()).status == "correct"


def test_q9_mistakes():
    assert _hint(ex.q9, ex.ramp_ceiling(4)) == _mistake(ex.q9, "mid_market_ramp")
    assert _hint(ex.q9, ex.ramp_ceiling(shift=1)) == _mistake(ex.q9, "zero_based")
    original = pd.DataFrame({"month": [1, 2, 3], "target_share": [0.25, 0.5, 1.0]})
    assert _hint(ex.q9, original) == _mistake(ex.q9, "original")
    with_text = ex.ramp_ceiling().assign(activities=["a", "b", "c"])
    assert ex.q9.check(with_text).status == "correct"
