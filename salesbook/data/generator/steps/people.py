"""Команда: найм по плану, увольнения и замены, оклады; распределение работы между сотрудниками."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import choice_codes, ids, scaled_count
from salesbook.data.generator.context import Context, Reps
from salesbook.data.generator.corpora import corpus
from salesbook.data.generator.dates import MONTH_END, MONTH_LEN, MONTH_START, NA, START_M, fmt_days, month_of, month_start
from salesbook.data.generator.params import company, people
from salesbook.data.generator.pipeline import step


def _planned_hires(rng, scale):
    """Наймы по плану: (день найма, роль, команда, «ядро»)."""
    rows = []
    seen = set()
    for month, role, team, count in people.HIRING_PLAN:
        m = (np.datetime64(month, "M") - START_M).astype(int)
        key = (role, team)
        anchor = key not in seen and m < 0
        seen.add(key)
        n = int(scaled_count(rng, np.array([count * scale]))[0])
        if anchor:
            n = max(n, 1)
        ms = month_start(m)
        ml = month_start(m + 1) - ms
        for j in range(n):
            rows.append((int(ms + rng.integers(0, ml)), role, team, anchor and j == 0))
    return (np.array([r[0] for r in rows], dtype=np.int64), np.array([r[1] for r in rows], dtype=object),
            np.array([r[2] for r in rows], dtype=object), np.array([r[3] for r in rows], dtype=bool))


def _attrition(rng, hire, role, team, anchor):
    """Помесячные увольнения (кроме «ядра») и наймы на замену через 1–2 месяца."""
    exit_ = np.full(len(hire), NA, dtype=np.int64)
    hazard_of = np.vectorize(lambda r: people.MONTHLY_ATTRITION[r], otypes=[float])
    for m in range(company.N_MONTHS):
        active = (hire <= MONTH_START[m]) & (exit_ == NA) & ~anchor
        leave = active & (rng.random(len(hire)) < hazard_of(role))
        idx = np.flatnonzero(leave)
        if len(idx) == 0:
            continue
        exit_[idx] = MONTH_START[m] + rng.integers(0, MONTH_LEN[m], len(idx))
        lag = rng.integers(people.REPLACEMENT_LAG_MONTHS[0], people.REPLACEMENT_LAG_MONTHS[1] + 1, len(idx))
        rm = m + lag
        ok = rm < company.N_MONTHS
        idx, rm = idx[ok], rm[ok]
        new_hire = MONTH_START[rm] + (rng.random(len(idx)) * MONTH_LEN[rm]).astype(np.int64)
        hire = np.concatenate([hire, new_hire])
        role = np.concatenate([role, role[idx]])
        team = np.concatenate([team, team[idx]])
        anchor = np.concatenate([anchor, np.zeros(len(idx), bool)])
        exit_ = np.concatenate([exit_, np.full(len(idx), NA, np.int64)])
    return hire, role, team, anchor, exit_


@step("сотрудники", writes=("reps", "tables.reps"), streams=("reps", "names"))
def make_reps(ctx: Context, rng, names_rng) -> None:
    """Сотрудники: план найма, текучесть и замены, оклады, рамп, «талант», ФИО."""
    hire, role, team, anchor, exit_ = _attrition(rng, *_planned_hires(rng, ctx.scale))
    role_order = {r: i for i, r in enumerate(S.ROLES)}
    order = np.lexsort((rng.random(len(hire)), np.vectorize(role_order.get)(role), hire))
    hire, role, team, anchor, exit_ = hire[order], role[order], team[order], anchor[order], exit_[order]
    n = len(hire)
    key = np.where(role == "AE", np.char.add("AE_", team.astype(str)), role).astype(object)
    lo = np.array([people.BASE_SALARY_RANGE[k][0] for k in key])
    hi = np.array([people.BASE_SALARY_RANGE[k][1] for k in key])
    base = np.round((lo + rng.random(n) * (hi - lo)) / 5000) * 5000
    reps = ctx.reps = Reps(ids=ids("R", n, 3), names=person_names(names_rng, n), role=role, team=team,
                           hire=hire, exit=exit_, anchor=anchor, base=base,
                           ramp=np.array([people.RAMP_MONTHS[k] for k in key], dtype=np.int64),
                           skill=rng.normal(0, people.REP_SKILL_SIGMA, n))
    quota = np.array([people.AE_ANNUAL_QUOTA.get(t, np.nan) if r == "AE" else np.nan
                      for r, t in zip(role, team)])
    ctx.tables["reps"] = pd.DataFrame({
        "rep_id": reps.ids, "full_name": reps.names, "role": role,
        "team": np.where(team == "", None, team), "hire_date": fmt_days(hire),
        "exit_date": fmt_days(exit_), "base_salary_rub": base,
        "annual_quota_rub": quota, "ramp_months": reps.ramp,
    })


def person_names(rng, n):
    """n уникальных ФИО (вымышленные сочетания распространённых имён)."""
    names = corpus("names")
    male, female, patronymics, surnames = names["male"], names["female"], names["patronymics"], names["surnames"]
    nm, nf, npat, ns = len(male), len(female), len(patronymics), len(surnames)
    total_m, total_f = nm * npat * ns, nf * npat * ns
    idx = rng.choice(total_m + total_f, size=n, replace=False)
    out = np.empty(n, dtype=object)
    is_male = idx < total_m
    out[is_male] = [f"{surnames[i % ns]} {male[(i // ns) % nm]} {patronymics[i // (ns * nm)]}"
                    for i in idx[is_male]]
    out[~is_male] = [f"{surnames[i % ns]}а {female[(i // ns) % nf]} "
                     f"{patronymics[i // (ns * nf)].replace('ович', 'овна').replace('евич', 'евна')}"
                     for i in idx[~is_male] - total_m]
    return out


def ramp_factor(reps: Reps, rep_idx, days):
    """Доля полной продуктивности сотрудника на день (0 при найме → 1 после рампа)."""
    months = (np.asarray(days) - reps.hire[rep_idx]) / 30.44
    return np.clip((months + 0.5) / np.maximum(reps.ramp[rep_idx], 1), 0.0, 1.0)


def assign_reps(reps: Reps, rng, role, days, teams=None, notice=0):
    """Для каждого события (дня) выбрать сотрудника роли ``role`` (и команды),
    работающего весь месяц события; новички получают меньше работы (рамп)."""
    n = len(days)
    out = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return out
    months = np.clip(month_of(days), 0, company.N_MONTHS - 1)
    teams = np.full(n, "", dtype=object) if teams is None else np.asarray(teams, dtype=object)
    role_mask = reps.role == role
    for m in np.unique(months):
        sel_m = months == m
        elig = role_mask & (reps.hire <= MONTH_START[m]) & (
            (reps.exit == NA) | (reps.exit >= MONTH_END[m] + notice))
        for t in np.unique(teams[sel_m]):
            sel = np.flatnonzero(sel_m & (teams == t))
            cand = np.flatnonzero(elig & (reps.team == t)) if t != "" else np.flatnonzero(elig)
            if len(cand) == 0:
                cand = np.flatnonzero(elig)
            if len(cand) == 0:
                cand = np.flatnonzero(role_mask & reps.anchor)
            if len(cand) == 0:
                continue
            w = 0.15 + 0.85 * ramp_factor(reps, cand, MONTH_START[m])
            out[sel] = cand[choice_codes(rng, len(sel), w)]
    return out
