"""Обучение и сертификации сотрудников (раздел 5.2).

Обе таблицы выводятся из готовых таблиц (reps, opportunities) и не меняют их. Исходы сделок
уже зафиксированы, поэтому истинный эффект обучения на результаты продаж в данных равен нулю:
всё, что «покажет» сравнение до и после, — отбор и возврат к среднему.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.context import Context
from salesbook.data.generator.params import trainings as P
from salesbook.data.generator.pipeline import step


def _day(s) -> pd.Series:
    return pd.to_datetime(pd.Series(s), format="%Y-%m-%d")


def _end(start: pd.Timestamp, workdays: int) -> pd.Timestamp:
    """Последний день курса: старт плюс (workdays − 1) рабочих дней."""
    d = np.busday_offset(np.datetime64(start.date()), 0, roll="forward")
    return pd.Timestamp(np.busday_offset(d, workdays - 1, roll="forward"))


def _workday(day: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(np.busday_offset(np.datetime64(day.date()), 0, roll="forward"))


@step("обучение и сертификации",
      reads=("reps", "tables.reps", "tables.opportunities"),
      writes=("tables.trainings", "tables.certifications"), streams=("trainings",))
def make_trainings(ctx: Context, rng) -> None:
    """Таблицы trainings (курсы, оценки уровней 1–2) и certifications (попытки сертификации)."""
    reps = ctx.tables["reps"].copy()
    reps["hire"] = _day(reps["hire_date"]).to_numpy()
    reps["exit"] = _day(reps["exit_date"]).to_numpy()
    sigma = np.array([{"AE": 0.5}.get(r, 0.3) for r in reps["role"]])
    reps["z"] = np.asarray(ctx.reps.skill, dtype=float) / sigma
    opps = ctx.tables["opportunities"]
    data_end = _day(opps["close_date"].dropna()).max()

    rows = _onboarding(reps, data_end) + _rollouts(reps) + _negotiation(reps, opps)
    t = pd.DataFrame(rows, columns=["rep_id", "programme", "start", "reason"])
    t = t.sort_values(["start", "programme", "rep_id"], kind="stable").reset_index(drop=True)
    z = reps.set_index("rep_id")["z"]
    prog = t["programme"].map(P.PROGRAMMES)
    n = len(t)
    sat = np.clip(np.round(rng.normal(P.SATISFACTION_MEAN, P.SATISFACTION_SD, n), 1), 1.0, 5.0)
    logit = (prog.map(lambda p: p["test_logit"]).to_numpy() + P.TEST_SKILL_COEF * z.reindex(t["rep_id"]).to_numpy()
             + rng.normal(0, P.TEST_NOISE, n))
    score = np.rint(100 / (1 + np.exp(-logit))).astype(int)
    t["end"] = [_end(s, P.DURATION_DAYS[p]) for s, p in zip(t["start"], t["programme"])]
    ctx.tables["trainings"] = pd.DataFrame({
        "training_id": [f"TR{i + 1:04d}" for i in range(n)],
        "rep_id": t["rep_id"],
        "programme": t["programme"],
        "selection_reason": t["reason"],
        "format": prog.map(lambda p: p["format"]),
        "start_date": t["start"].dt.strftime("%Y-%m-%d"),
        "end_date": t["end"].dt.strftime("%Y-%m-%d"),
        "hours": prog.map(lambda p: p["hours"]).astype(int),
        "cost_rub": prog.map(lambda p: p["cost_rub"]).astype(float),
        "satisfaction": sat,
        "test_score": score,
    })
    ctx.tables["certifications"] = _certifications(rng, reps, data_end)


def _active(reps: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    return (reps["hire"] <= day) & (reps["exit"].isna() | (reps["exit"] > day))


def _onboarding(reps: pd.DataFrame, data_end) -> list:
    """Онбординг — каждому новичку с первого рабочего дня (наймы с начала данных)."""
    new = reps[(reps["hire"] >= pd.Timestamp("2023-01-01")) & (reps["hire"] <= data_end)]
    return [(r, "onboarding", _workday(h), "new_hire") for r, h in zip(new["rep_id"], new["hire"])]


def _rollouts(reps: pd.DataFrame) -> list:
    """Командные волны: все сотрудники ролей, работающие на дату старта и прошедшие онбординг."""
    rows = []
    for programme, (start, roles) in P.ROLLOUTS.items():
        day = pd.Timestamp(start)
        ok = _active(reps, day) & reps["role"].isin(roles) & (reps["hire"] <= day - pd.Timedelta(days=14))
        rows += [(r, programme, day, "team_rollout") for r in reps.loc[ok, "rep_id"]]
    return rows


def _negotiation(reps: pd.DataFrame, opps: pd.DataFrame) -> list:
    """Тренинг переговоров: в каждом квартале отбора — до трёх AE с самым низким win rate ниже своего сегмента."""
    o = opps[opps["outcome"].isin(["won", "lost"])].copy()
    o["closed"] = _day(o["close_date"]).to_numpy()
    o["q"] = o["closed"].dt.to_period("Q")
    o["won"] = o["outcome"].eq("won")
    ae = reps[reps["role"] == "AE"].set_index("rep_id")
    trained: set[str] = set()
    rows = []
    for label in P.NEGOTIATION_SELECTION_QUARTERS:
        q = pd.Period(label, freq="Q")
        q_start, next_start = q.start_time.normalize(), (q + 1).start_time.normalize()
        start = _workday(next_start + pd.Timedelta(days=P.NEGOTIATION_START_OFFSET_DAYS))
        in_q = o[o["q"] == q]
        seg_rate = in_q.groupby("segment")["won"].mean()
        per = in_q.groupby("owner_id").agg(closed=("won", "size"), won=("won", "mean"))
        per = per[per.index.isin(ae.index)]
        a = ae.reindex(per.index)
        ramped = a["hire"] + pd.to_timedelta(a["ramp_months"] * 30.4375, unit="D") <= q_start
        here = a["exit"].isna() | (a["exit"] > start)
        per = per[(per["closed"] >= P.NEGOTIATION_MIN_CLOSED) & ramped & here & ~per.index.isin(trained)]
        per["gap"] = per["won"] - a.loc[per.index, "team"].map(seg_rate)
        per = per[per["gap"] < 0]                              # только ниже своего сегмента
        chosen = per.sort_values(["gap", "closed"], kind="stable").index[:P.NEGOTIATION_SEATS]
        trained |= set(chosen)
        rows += [(r, "negotiation", start, "lowest_win_rate") for r in chosen]
    return rows


def _certifications(rng, reps: pd.DataFrame, data_end) -> pd.DataFrame:
    """Попытки сертификации по продукту: новички после онбординга и волны раз в полгода."""
    staff = reps[reps["role"].isin(P.CERT_ROLES)]
    sessions = []
    for r, h in zip(staff["rep_id"], staff["hire"]):
        if h >= pd.Timestamp("2023-01-01"):
            sessions.append((r, _workday(h + pd.Timedelta(days=P.CERT_NEW_HIRE_DAYS)), "new_hire"))
    for wave in P.CERT_WAVES:
        day = pd.Timestamp(wave)
        ok = _active(staff, day) & (staff["hire"] <= day - pd.Timedelta(days=P.CERT_NEW_HIRE_DAYS + 30))
        sessions += [(r, day, "recertification") for r in staff.loc[ok, "rep_id"]]
    sessions.sort(key=lambda s: (s[1], s[0]))
    info = reps.set_index("rep_id")
    rows = []
    for rep, day, kind in sessions:
        if day > data_end or not (pd.isna(info.at[rep, "exit"]) or info.at[rep, "exit"] > day):
            continue
        years = min((day - info.at[rep, "hire"]).days / 365.25, P.CERT_EXPERIENCE_CAP)
        base = P.CERT_SKILL_COEF * info.at[rep, "z"] + P.CERT_EXPERIENCE_COEF * years
        for attempt in range(1, P.CERT_MAX_ATTEMPTS + 1):
            ready = base + P.CERT_RETAKE_GAIN * (attempt - 1) + rng.normal(0, P.CERT_ATTEMPT_NOISE)
            test = 100 / (1 + np.exp(-(P.CERT_TEST_BASE + P.CERT_TEST_SLOPE * ready + rng.normal(0, P.CERT_TEST_NOISE))))
            score = int(np.rint(test))
            roleplay = bool(ready + rng.normal(0, P.CERT_ROLEPLAY_NOISE) > P.CERT_ROLEPLAY_CUT)
            rows.append((rep, day, kind, attempt, score, roleplay, score >= P.CERT_PASS_SCORE))
            if score >= P.CERT_PASS_SCORE:
                break
            day = _workday(day + pd.Timedelta(days=P.CERT_RETAKE_DAYS))
            if day > data_end:
                break
    c = pd.DataFrame(rows, columns=["rep_id", "day", "kind", "attempt", "score", "roleplay", "passed"])
    return pd.DataFrame({
        "attempt_id": [f"CE{i + 1:04d}" for i in range(len(c))],
        "rep_id": c["rep_id"],
        "certification": "product",
        "session": c["kind"],
        "attempt_date": c["day"].dt.strftime("%Y-%m-%d"),
        "attempt_no": c["attempt"].astype(int),
        "test_score": c["score"].astype(int),
        "roleplay_passed": c["roleplay"].astype(bool),
        "passed": c["passed"].astype(bool),
    })
