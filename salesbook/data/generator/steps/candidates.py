"""Найм: вакансии отдела продаж и CS, кандидаты по источникам и оценки структурированного интервью.

Выводится из готовой таблицы сотрудников отдельным потоком ``candidates`` и не меняет ни одной
другой таблицы. Каждый сотрудник, нанятый в 2023–2025 годах, — закрытая вакансия: ровно один
кандидат принял оффер до даты найма из reps и стал этим сотрудником. Кроме них — отменённые
вакансии и вакансии, открытые на конец 2025 года. Уровень нанятого кандидата связан с его
«талантом» из reps (тем, что уже определил его продажи) скромно — см. params.candidates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.context import Context
from salesbook.data.generator.dates import END_DAY, NA, add_workdays, day_of, fmt_days, to_working_day_back
from salesbook.data.generator.params import candidates as P
from salesbook.data.generator.params import people
from salesbook.data.generator.pipeline import step

_STAGES = ("applied", "screen", "interview", "final", "offer", "accepted")


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


def _gap(rng, stage: str) -> int:
    lo, hi = P.STAGE_GAPS[stage]
    return int(rng.integers(lo, hi + 1))


def _role_key(role: str, team: str) -> str:
    return f"AE_{team}" if role == "AE" else role


def _vacancies(rng, reps, scale: float) -> list[dict]:
    """Закрытые вакансии (по одной на найм 2023–2025 годов), отменённые и открытые."""
    out = []
    for i in np.flatnonzero(reps.hire_rec >= 0):
        role, team = str(reps.role[i]), str(reps.team[i])
        start = int(reps.hire_rec[i])
        accept = start - int(rng.integers(P.NOTICE_DAYS[0], P.NOTICE_DAYS[1] + 1))
        days = float(P.DAYS_TO_ACCEPT[_role_key(role, team)] * np.exp(rng.normal(0, P.DAYS_TO_ACCEPT_SIGMA)))
        out.append({"role": role, "team": team, "opened": accept - int(round(days)), "status": "filled",
                    "close": accept, "accept": accept, "start": start, "rep": int(i)})
    pool = [("AE", "smb"), ("AE", "mid_market"), ("SDR", ""), ("CSM", ""), ("BDR", "")]
    n_cancel = max(1, int(round(P.CANCELLED_VACANCIES * scale)))
    for _ in range(n_cancel):
        role, team = pool[int(rng.integers(len(pool)))]
        opened = int(rng.integers(day_of("2023-03-01"), day_of("2025-06-30")))
        out.append({"role": role, "team": team, "opened": opened, "status": "cancelled",
                    "close": opened + int(rng.integers(30, 91)), "accept": NA, "start": NA, "rep": -1})
    open_pool = [("AE", "mid_market"), ("AE", "enterprise"), ("SDR", ""), ("SE", "mid_market"), ("CSM", "")]
    n_open = max(1, int(round(P.OPEN_VACANCIES * scale)))
    for j in range(n_open):
        role, team = open_pool[j % len(open_pool)]
        opened = int(rng.integers(day_of("2025-10-01"), day_of("2025-12-10")))
        out.append({"role": role, "team": team, "opened": opened, "status": "open",
                    "close": END_DAY, "accept": NA, "start": NA, "rep": -1})
    out.sort(key=lambda v: (v["opened"], v["role"], v["team"]))
    return out


def _active(reps, day: int, until: int) -> np.ndarray:
    return (reps.hire_rec <= day) & ((reps.exit_rec == NA) | (reps.exit_rec > until))


def _first_nonempty(*masks) -> np.ndarray:
    for m in masks:
        idx = np.flatnonzero(m)
        if len(idx):
            return idx
    raise RuntimeError("В команде нет сотрудников — некому проводить интервью")


def _interviewers(rng, reps, v: dict) -> tuple[str, str]:
    """Нанимающий руководитель и старший коллега: работают с открытия вакансии до её закрытия.

    На малом масштабе нужных людей может не быть — тогда берут ближайшую замену: любого
    руководителя, любого работающего сотрудника.
    """
    n = len(reps.ids)
    day = max(v["opened"], int(reps.hire_rec.min()))
    act = _active(reps, day, v["close"])
    is_mgr = reps.role == "manager"
    managers = _first_nonempty(act & is_mgr & (reps.team == v["team"]) if v["team"] else np.zeros(n, bool),
                               act & is_mgr, is_mgr, act, np.ones(n, bool))
    mgr = managers[int(rng.integers(len(managers)))]
    others = np.arange(n) != mgr
    senior = act & (day - reps.hire_rec >= 180) & others
    peer_role = "AE" if v["role"] == "manager" else v["role"]
    same = senior & (reps.role == peer_role)
    same_team = same & (reps.team == v["team"]) if (v["team"] and peer_role == "AE") else np.zeros(n, bool)
    sales = np.isin(reps.role, ["AE", "manager"])
    peers = _first_nonempty(same_team, same, senior & sales, act & sales & others, act & others, others)
    peer = peers[int(rng.integers(len(peers)))]
    return str(reps.ids[mgr]), str(reps.ids[peer])


@step("кандидаты и интервью", reads=("reps", "tables.reps"),
      writes=("tables.candidates", "tables.interview_scores"), streams=("candidates",))
def make_candidates(ctx: Context, rng) -> None:
    """Таблицы candidates (воронка найма) и interview_scores (оценки структурированного интервью)."""
    reps = ctx.reps
    hr = [(h, day_of(since)) for h, since in P.HR_INTERVIEWERS]
    raters = sorted(str(r) for r in reps.ids) + [h for h, _ in hr]
    leniency = dict(zip(raters, rng.normal(0, P.LENIENCY_SD, len(raters))))
    n_comp = len(P.COMPETENCIES)
    cand, scores = [], []
    for vi, v in enumerate(_vacancies(rng, reps, ctx.scale)):
        role, team = v["role"], v["team"]
        mult = P.AE_TEAM_APPLICANTS[team] if role == "AE" else 1.0
        agency_on = rng.random() < P.AGENCY_SHARE[role]
        lam = np.array([P.APPLICANTS[role][s] * mult * (agency_on if s == "agency" else 1.0) for s in P.SOURCES])
        counts = rng.poisson(lam)
        srcs = [s for s, n in zip(P.SOURCES, counts) for _ in range(int(n))]
        hired_src = None
        if v["status"] == "filled":
            w = lam * np.array([P.PASS_SCREEN[s] * P.PASS_INTERVIEW[s] for s in P.SOURCES])
            hired_src = P.SOURCES[int(rng.choice(len(w), p=w / w.sum()))]
        first_row = len(cand)
        # нанятый: даты этапов назад от принятия оффера
        hired_offer = NA
        people_rows = []
        if hired_src is not None:
            # встречи и решения — в рабочие дни; откликнуться можно и в выходной
            d = {"accepted": int(to_working_day_back(v["accept"]))}
            v["accept"] = v["close"] = d["accepted"]
            for prev, stage in (("offer", "accepted"), ("final", "offer"), ("interview", "final"),
                                ("screen", "interview"), ("applied", "screen")):
                d[prev] = d[stage] - _gap(rng, stage)
                if prev != "applied":
                    d[prev] = int(to_working_day_back(d[prev]))
            v["opened"] = min(v["opened"], d["applied"] - int(rng.integers(0, 6)))
            hired_offer = d["offer"]
            z = reps.skill[v["rep"]] / people.REP_SKILL_SIGMA[role]
            g = P.HIRED_SHIFT + P.VALIDITY * z + np.sqrt(1 - P.VALIDITY ** 2) * rng.normal()
            people_rows.append((hired_src, d, "accepted", "", str(reps.ids[v["rep"]]), g))
        mgr, peer = _interviewers(rng, reps, v)
        close = v["close"]
        closed = "" if v["status"] == "open" else "company"

        def rate(g, day):
            """Оценки трёх интервьюеров по компетенциям и средний балл."""
            hr_ids = [h for h, since in hr if since <= day]
            hr_id = hr_ids[int(rng.integers(len(hr_ids)))]
            true = 3 + P.LOADING * g + rng.normal(0, 1, n_comp) * P.SPECIFIC
            rows = []
            for rater, rrole in ((mgr, "hiring_manager"), (peer, "peer"), (hr_id, "hr")):
                raw = true + leniency[rater] + rng.normal(0, P.NOISE_SD, n_comp)
                rows += [(rater, rrole, day, c, int(s)) for c, s in zip(P.COMPETENCIES, np.clip(np.rint(raw), 1, 5))]
            return rows, float(np.mean([r[-1] for r in rows]))

        for src, d, reached, rejected_by, rep_id, g in people_rows:  # нанятый кандидат
            rows, _ = rate(g, d["interview"])
            cand.append({"vacancy": vi, "source": src, "stage": reached, "rejected_by": rejected_by,
                         "hired_rep_id": rep_id, **d})
            scores += [(len(cand) - 1, *r) for r in rows]
        for src in srcs:
            t = int(rng.integers(v["opened"], max(close - 2, v["opened"] + 1)))
            d, reached, rejected_by, rows = {"applied": t}, "applied", "company", []
            while True:
                t = int(add_workdays(t + _gap(rng, "screen")))
                if t > close:
                    rejected_by = closed
                    break
                if rng.random() >= P.PASS_SCREEN[src]:
                    break
                d["screen"], reached = t, "screen"
                if rng.random() < P.WITHDRAW["screen"]:
                    rejected_by = "candidate"
                    break
                t = int(add_workdays(t + _gap(rng, "interview")))
                if t > close:
                    rejected_by = closed
                    break
                if rng.random() >= P.PASS_INTERVIEW[src]:
                    break
                d["interview"], reached = t, "interview"
                rows, mean = rate(rng.normal(), t)
                if rng.random() < P.WITHDRAW["interview"]:
                    rejected_by = "candidate"
                    break
                t = int(add_workdays(t + _gap(rng, "final")))
                if t > close:
                    rejected_by = closed
                    break
                if rng.random() >= _sigmoid(P.FINAL_LOGIT[0] + P.FINAL_LOGIT[1] * (mean - 3)):
                    break
                d["final"], reached = t, "final"
                if rng.random() < P.WITHDRAW["final"]:
                    rejected_by = "candidate"
                    break
                t = int(add_workdays(t + _gap(rng, "offer")))
                if t > close or (hired_offer != NA and t >= hired_offer):
                    rejected_by = closed
                    break
                if rng.random() >= _sigmoid(P.OFFER_LOGIT[0] + P.OFFER_LOGIT[1] * (mean - 3)):
                    break
                d["offer"], reached = t, "offer"
                # второй оффер: кандидат отказался (или ещё думает — у открытой вакансии)
                t = int(add_workdays(t + _gap(rng, "accepted")))
                rejected_by = "" if (v["status"] == "open" and t > close) else "candidate"
                break
            cand.append({"vacancy": vi, "source": src, "stage": reached, "rejected_by": rejected_by,
                         "hired_rep_id": "", **d})
            scores += [(len(cand) - 1, *r) for r in rows]
        for row in cand[first_row:]:
            row.update({"role": role, "team": team, "opened": v["opened"], "status": v["status"]})
    df = pd.DataFrame(cand, columns=["vacancy", "source", "stage", "rejected_by", "hired_rep_id", *_STAGES,
                                     "role", "team", "opened", "status"])
    for s in _STAGES:
        df[s] = df[s].fillna(NA).astype(np.int64)
    df = df.sort_values(["opened", "vacancy", "applied"], kind="stable").reset_index()
    order = np.empty(len(df), dtype=np.int64)
    order[df["index"].to_numpy()] = np.arange(len(df))
    cand_ids = np.array([f"CD{i + 1:05d}" for i in range(len(df))], dtype=object)
    vac_rank = {v: k for k, v in enumerate(pd.unique(df["vacancy"]))}
    table = pd.DataFrame({
        "candidate_id": cand_ids,
        "vacancy_id": [f"V{vac_rank[v] + 1:03d}" for v in df["vacancy"]],
        "role": df["role"].to_numpy(),
        "team": df["team"].replace("", None).to_numpy(),
        "vacancy_opened_date": fmt_days(df["opened"].to_numpy()),
        "vacancy_status": df["status"].to_numpy(),
        "source": df["source"].to_numpy(),
        "stage_reached": df["stage"].to_numpy(),
    })
    for s in _STAGES:
        table[f"{s}_date"] = fmt_days(df[s].to_numpy())
    table["rejected_by"] = df["rejected_by"].replace("", None).to_numpy()
    table["hired_rep_id"] = df["hired_rep_id"].replace("", None).to_numpy()
    ctx.tables["candidates"] = table
    sc = pd.DataFrame(scores, columns=["row", "interviewer_id", "interviewer_role", "day", "competency", "score"])
    sc["candidate_id"] = cand_ids[order[sc["row"].to_numpy()]]
    sc["interview_date"] = fmt_days(sc["day"].to_numpy())
    sc = sc.sort_values(["candidate_id", "interviewer_role", "competency"], kind="stable")
    ctx.tables["interview_scores"] = sc[["candidate_id", "interviewer_id", "interviewer_role", "interview_date",
                                         "competency", "score"]].reset_index(drop=True)
