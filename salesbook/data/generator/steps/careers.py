"""Карьерные события: найм в грейд, калибровки с повышениями, уход и перевод из продаж.

Таблица career_events выводится из готовых таблиц и их не меняет: даты найма и ухода,
роли, команды и причины ухода — из reps; выполнение плана на калибровке — функцией курса
``kpi.quota_attainment`` по opportunities. Случайность (оценка компетенций, решение
руководителя, происхождение нанятых, переводы) — только из потока ``careers``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.context import Context
from salesbook.data.generator.params import careers as P
from salesbook.data.generator.params import people as PP
from salesbook.data.generator.pipeline import step


def _choice(rng, weights: dict) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _months(a: pd.Timestamp, b: pd.Timestamp) -> float:
    return (b - a).days / (365.25 / 12)


@step("карьерные события", reads=("reps", "tables.reps", "tables.opportunities"),
      writes=("tables.career_events",), streams=("careers",))
def make_career_events(ctx: Context, rng) -> None:
    """Таблица career_events: найм, калибровки (правило на данных + шум), уход и перевод из продаж."""
    from salesbook.toolkit import careers as C  # инструментарий курса: одно правило и для данных, и для раздела

    reps = ctx.tables["reps"].copy()
    for c in ("hire_date", "exit_date"):
        reps[c] = pd.to_datetime(reps[c], format="%Y-%m-%d")
    opps = ctx.tables["opportunities"].copy()
    for c in ("created_date", "close_date"):
        opps[c] = pd.to_datetime(opps[c], format="%Y-%m-%d")
    skill = pd.Series(ctx.reps.skill, index=ctx.reps.ids)
    sigma = reps["role"].map(PP.REP_SKILL_SIGMA).to_numpy()
    noise = rng.normal(0.0, P.RATING_NOISE, size=(len(reps), len(P.REVIEW_DATES)))
    rating_z = skill.reindex(reps["rep_id"]).to_numpy() / sigma

    rows: list[dict] = []
    grade: dict[str, str] = {}
    since: dict[str, pd.Timestamp] = {}
    # найм: грейд и откуда пришёл
    for _, r in reps.iterrows():
        key = f"AE_{r['team']}" if r["role"] == "AE" else r["role"]
        g = "head" if r["role"] == "manager" else (
            "senior" if rng.random() < P.SENIOR_HIRE_SHARE.get(key, 0.0) else "specialist")
        grade[r["rep_id"]], since[r["rep_id"]] = g, r["hire_date"]
        rows.append(dict(rep_id=r["rep_id"], event_date=r["hire_date"], event_type="hire", role=r["role"],
                         grade_before=None, grade_after=g, origin=_choice(rng, P.ORIGIN[r["role"]]),
                         destination=None, quarters_reviewed=None, quarters_met=None, rating=None))

    att = C.quarterly_attainment(opps, reps, "2023-01-01", "2025-06-30")
    for j, day in enumerate(P.REVIEW_DATES):
        cut = pd.Timestamp(day)
        rule = C.promotion_rule(att, cut, P.WINDOW_QUARTERS, P.QUARTERS_NEEDED, P.ATTAINMENT_BAR)
        active = reps[(reps["hire_date"] < cut) & (reps["exit_date"].isna() | (reps["exit_date"] > cut))]
        leads = {reps.loc[reps["rep_id"] == k, "team"].iloc[0] for k, g in grade.items() if g == "team_lead"}
        lead_pool: dict[str, list] = {}
        for i, r in active.iterrows():
            rid, role = r["rep_id"], r["role"]
            nxt = P.NEXT_GRADE.get((role, grade[rid]))
            if nxt is None or _months(since[rid], cut) < P.MIN_MONTHS_IN_GRADE[role]:
                continue
            rating = int(np.clip(np.rint(3 + P.RATING_SKILL * rating_z[i] + noise[i, j]), 1, 5))
            if role == "AE":
                if rid not in rule.index:
                    continue
                q = rule.loc[rid]
                reviewed, met, ok = int(q["quarters_reviewed"]), int(q["quarters_met"]), bool(q["rule_met"])
            else:
                reviewed, met, ok = None, None, True    # у SDR, BDR, CSM и SE правило — срок в грейде
            if nxt == "team_lead":
                team_size = int((active["role"].eq("AE") & active["team"].eq(r["team"])).sum())
                if r["team"] in leads or team_size < P.TEAM_LEAD_MIN_AES:
                    continue
            kind = ("rule_and_rating" if ok and rating >= P.RATING_BAR else "rule_only" if ok
                    else "rating_only" if rating >= P.RATING_BAR else "neither")
            promote = rng.random() < P.PROMOTE_P[kind]
            row = dict(rep_id=rid, event_date=cut, event_type="review", role=role, grade_before=grade[rid],
                       grade_after=grade[rid], origin=None, destination=None, quarters_reviewed=reviewed,
                       quarters_met=met, rating=rating)
            rows.append(row)
            if promote and nxt == "team_lead":
                lead_pool.setdefault(r["team"], []).append((float(rule.loc[rid, "mean_attainment"]), row))
            elif promote:
                row["grade_after"] = nxt
                grade[rid], since[rid] = nxt, cut
        for team, pool in lead_pool.items():     # в команде один тимлид: лучший по выполнению за окно
            row = max(pool, key=lambda x: x[0])[1]
            row["grade_after"] = "team_lead"
            grade[row["rep_id"]], since[row["rep_id"]] = "team_lead", cut

    # уход: увольнение или перевод в отдел вне продаж
    for _, r in reps[reps["exit_date"].notna()].iterrows():
        moved = r["exit_reason"] == "voluntary" and rng.random() < P.TRANSFER_OUT_P.get(r["role"], 0.0)
        rows.append(dict(rep_id=r["rep_id"], event_date=r["exit_date"], event_type="transfer_out" if moved else "exit",
                         role=r["role"], grade_before=grade[r["rep_id"]], grade_after=None, origin=None,
                         destination=_choice(rng, P.TRANSFER_DESTINATIONS[r["role"]]) if moved else None,
                         quarters_reviewed=None, quarters_met=None, rating=None))

    ev = pd.DataFrame(rows)
    order = ev["event_type"].map({"hire": 0, "review": 1, "exit": 2, "transfer_out": 2})
    ev = ev.assign(_o=order).sort_values(["event_date", "_o", "rep_id"], kind="stable").drop(columns="_o")
    ev = ev.reset_index(drop=True)
    ev.insert(0, "event_id", [f"CE{i + 1:04d}" for i in range(len(ev))])
    ev["event_date"] = ev["event_date"].dt.strftime("%Y-%m-%d")
    for c in ("quarters_reviewed", "quarters_met", "rating"):
        ev[c] = ev[c].astype("Int64")
    ctx.tables["career_events"] = ev
