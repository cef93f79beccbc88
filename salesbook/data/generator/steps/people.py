"""Команда: найм по плану, увольнения и замены, оклады; распределение работы между сотрудниками."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import choice_codes, filled, ids, scaled_count
from salesbook.data.generator.context import Context, Reps
from salesbook.data.generator.corpora import corpus
from salesbook.data.generator.dates import (
    MONTH_END,
    MONTH_LEN,
    MONTH_START,
    NA,
    START_M,
    add_workdays,
    fmt_days,
    month_of,
    month_start,
    to_working_day,
)
from salesbook.data.generator.params import company, people
from salesbook.data.generator.pipeline import step


def wage_index(m):
    """Индекс рыночных зарплат для месяца m (0 = январь 2023 года, отрицательные — 2022 год)."""
    m = np.asarray(m)
    lo = min(int(np.min(m)), 0) if m.size else 0
    months = np.arange(lo, company.N_MONTHS)
    years = (START_M + months).astype("datetime64[Y]").astype(int) + 1970
    step_ = np.log1p(np.array([people.WAGE_GROWTH[int(y)] for y in years])) / 12
    cum = np.concatenate([[0.0], np.cumsum(step_)])          # cum[i] — log-индекс начала months[i]
    log_idx = cum - cum[-lo]                                  # 0 в январе 2023 года
    return np.exp(log_idx[m - lo])


def _role_key(role, team):
    return np.where(role == "AE", np.char.add("AE_", team.astype(str)), role).astype(object)


def _draw_skill(rng, role):
    return rng.normal(0, 1, len(role)) * np.array([people.REP_SKILL_SIGMA[r] for r in role])


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
    role = np.array([r[1] for r in rows], dtype=object)
    return (np.array([r[0] for r in rows], dtype=np.int64), role,
            np.array([r[2] for r in rows], dtype=object), np.array([r[3] for r in rows], dtype=bool),
            _draw_skill(rng, role))


def _perf_hazard(role, team, skill, hire, day):
    """Месячная вероятность увольнения за результат: после рампа и «плана улучшения», по таланту."""
    rate = np.array([people.PERF_EXIT_MONTHLY.get(r, 0.0) for r in role])
    sigma = np.array([people.REP_SKILL_SIGMA[r] for r in role])
    ramp = np.array([people.RAMP_MONTHS[k] for k in _role_key(role, team)])
    tenure = (day - hire) / 30.44
    z = skill / sigma
    low = 1 / (1 + np.exp((z - people.PERF_EXIT_Z) / people.PERF_EXIT_WIDTH))
    return rate * low * (tenure >= ramp + people.PERF_REVIEW_GRACE_MONTHS)


def _recorded_days(hire, exit_):
    """Даты найма и увольнения в кадровом учёте — рабочие дни: найм — первый рабочий день не
    раньше дня симуляции, увольнение — последний рабочий день не позже него (но не раньше найма).
    Работу (сделки, активности) симуляция и так ставит только на рабочие дни, поэтому все записи
    сотрудника остаются между этими датами."""
    hire_rec = to_working_day(hire)
    back = add_workdays(np.where(exit_ == NA, 0, exit_) + 1, -1)
    exit_rec = np.where(exit_ == NA, NA, np.maximum(back, hire_rec))
    return hire_rec, exit_rec


def _attrition(rng, hire, role, team, anchor, skill):
    """Помесячные увольнения (кроме «ядра»): по собственному желанию и за результат;
    наймы на замену через 1–2 месяца."""
    exit_ = np.full(len(hire), NA, dtype=np.int64)
    reason = np.full(len(hire), None, dtype=object)
    for m in range(company.N_MONTHS):
        active = (hire <= MONTH_START[m]) & (exit_ == NA) & ~anchor
        vol = np.array([people.MONTHLY_ATTRITION[r] for r in role])
        perf = _perf_hazard(role, team, skill, hire, MONTH_START[m])
        u = rng.random(len(hire))
        leave = active & (u < vol + perf)
        idx = np.flatnonzero(leave)
        if len(idx) == 0:
            continue
        exit_[idx] = MONTH_START[m] + rng.integers(0, MONTH_LEN[m], len(idx))
        reason[idx] = np.where(u[idx] < perf[idx], "performance", "voluntary")
        lag = rng.integers(people.REPLACEMENT_LAG_MONTHS[0], people.REPLACEMENT_LAG_MONTHS[1] + 1, len(idx))
        rm = m + lag
        ok = rm < company.N_MONTHS
        idx, rm = idx[ok], rm[ok]
        new_hire = MONTH_START[rm] + (rng.random(len(idx)) * MONTH_LEN[rm]).astype(np.int64)
        hire = np.concatenate([hire, new_hire])
        role = np.concatenate([role, role[idx]])
        team = np.concatenate([team, team[idx]])
        anchor = np.concatenate([anchor, np.zeros(len(idx), bool)])
        skill = np.concatenate([skill, _draw_skill(rng, role[idx])])
        exit_ = np.concatenate([exit_, np.full(len(idx), NA, np.int64)])
        reason = np.concatenate([reason, np.full(len(idx), None, dtype=object)])
    return hire, role, team, anchor, skill, exit_, reason


def _salary_reviews(rng, hire, exit_, base, skill, sigma):
    """Пересмотр окладов 1 января каждого года данных: (сотрудник, день, новый оклад)."""
    rep, day, new = [], [], []
    current, changed = base.astype(float).copy(), month_of(hire)
    for m in range(0, company.N_MONTHS, 12):
        d = MONTH_START[m]
        ok = (hire <= d - people.REVIEW_MIN_TENURE_MONTHS * 30.44) & ((exit_ == NA) | (exit_ > d))
        idx = np.flatnonzero(ok)
        market = wage_index(m) / wage_index(changed[idx]) - 1
        noise = rng.normal(0, people.RAISE_SPREAD, len(idx)) + people.RAISE_SKILL_COEF * skill[idx] / sigma[idx]
        raised = np.round(current[idx] * (1 + people.RAISE_SHARE_OF_MARKET * market) * np.exp(noise) / 1000) * 1000
        raised = np.maximum(raised, current[idx])
        current[idx], changed[idx] = raised, m
        rep.append(idx)
        day.append(np.full(len(idx), d, dtype=np.int64))
        new.append(raised)
    return np.concatenate(rep), np.concatenate(day), np.concatenate(new)


@step("сотрудники", writes=("reps", "tables.reps", "tables.salary_history"), streams=("reps", "names"))
def make_reps(ctx: Context, rng, names_rng) -> None:
    """Сотрудники: план найма, текучесть и замены, оклады и их пересмотр, рамп, «талант», ФИО."""
    hire, role, team, anchor, skill, exit_, reason = _attrition(rng, *_planned_hires(rng, ctx.scale))
    role_order = {r: i for i, r in enumerate(S.ROLES)}
    order = np.lexsort((rng.random(len(hire)), np.vectorize(role_order.get)(role), hire))
    hire, role, team, anchor, skill, exit_, reason = (a[order] for a in (hire, role, team, anchor, skill, exit_, reason))
    n = len(hire)
    key = _role_key(role, team)
    lo = np.array([people.BASE_SALARY_RANGE[k][0] for k in key])
    hi = np.array([people.BASE_SALARY_RANGE[k][1] for k in key])
    base = np.round((lo + rng.random(n) * (hi - lo)) * wage_index(month_of(hire)) / 5000) * 5000
    sigma = np.array([people.REP_SKILL_SIGMA[r] for r in role])
    rv_rep, rv_day, rv_base = _salary_reviews(rng, hire, exit_, base, skill, sigma)
    hire_rec, exit_rec = _recorded_days(hire, exit_)
    h_rep = np.concatenate([np.arange(n), rv_rep])
    h_day = np.concatenate([hire_rec, rv_day])
    h_base = np.concatenate([base, rv_base])
    h_kind = np.concatenate([filled(n, "hire"), filled(len(rv_rep), "review")])
    o = np.lexsort((h_day, h_rep))
    reps = ctx.reps = Reps(ids=ids("R", n, 3), names=person_names(names_rng, n), role=role, team=team,
                           hire=hire, exit=exit_, anchor=anchor, base=base,
                           ramp=np.array([people.RAMP_MONTHS[k] for k in key], dtype=np.int64),
                           skill=skill, hist_rep=h_rep[o], hist_day=h_day[o], hist_base=h_base[o],
                           hire_rec=hire_rec, exit_rec=exit_rec)
    last = np.zeros(n)
    last[h_rep[o]] = h_base[o]                                # записи идут по дате: остаётся последняя
    quota = np.full(n, np.nan)                                # план AE дописывает шаг make_quotas
    ctx.tables["reps"] = pd.DataFrame({
        "rep_id": reps.ids, "full_name": reps.names, "role": role,
        "team": np.where(team == "", None, team), "hire_date": fmt_days(hire_rec),
        "exit_date": fmt_days(exit_rec), "exit_reason": reason, "base_salary_rub": last,
        "annual_quota_rub": quota, "ramp_months": reps.ramp,
    })
    ctx.tables["salary_history"] = pd.DataFrame({
        "rep_id": reps.ids[h_rep[o]], "effective_date": fmt_days(h_day[o]),
        "base_salary_rub": h_base[o], "reason": h_kind[o],
    })


def _ote_quota(reps: Reps, ae, team, y):
    """План «от дохода» на год y (0 — 2023): QUOTA_TO_OTE_START (2023) или QUOTA_TO_OTE_FALLBACK × OTE, OTE = 12 средних окладов AE
    команды на 1 января года y (если в штате никого — середина вилки найма этого января) + комиссия
    с плана."""
    d0 = MONTH_START[12 * y]
    on = ae[(reps.hire_rec[ae] <= d0) & ((reps.exit_rec[ae] == NA) | (reps.exit_rec[ae] > d0))]
    salary = [reps.hist_base[(reps.hist_rep == r) & (reps.hist_day <= d0)][-1:] for r in on]
    salary = np.concatenate(salary) if salary else np.zeros(0)
    if salary.size:
        base = float(salary.mean())
    else:
        lo, hi = people.BASE_SALARY_RANGE[f"AE_{team}"]
        base = (lo + hi) / 2 * float(wage_index(12 * y))
    k = people.QUOTA_TO_OTE_START if y == 0 else people.QUOTA_TO_OTE_FALLBACK
    return 12 * k * base / (1 - k * people.AE_COMMISSION)


def _planned_capacity(reps: Reps, ae, team, y, scale):
    """Плановые «полные» AE-месяцы команды на год y (0 — 2023): кто в штате на 1 января, — весь
    год с рампом; наймы года по HIRING_PLAN — с середины месяца найма, с рампом. Увольнения
    года заранее не известны."""
    d0 = MONTH_START[12 * y]
    on = ae[(reps.hire_rec[ae] <= d0) & ((reps.exit_rec[ae] == NA) | (reps.exit_rec[ae] > d0))]
    months = 12 * y + np.arange(12)
    k = months[None, :] - month_of(reps.hire_rec[on])[:, None] + 1
    cap = np.clip(k / np.maximum(reps.ramp[on], 1)[:, None], 0, 1).sum()
    ramp = people.RAMP_MONTHS[f"AE_{team}"]
    for month, role, t, count in people.HIRING_PLAN:
        m = int((np.datetime64(month, "M") - START_M).astype(int))
        if role == "AE" and t == team and 12 * y <= m < 12 * (y + 1):
            k = np.arange(1, 12 * (y + 1) - m + 1)
            share = np.where(k == 1, 0.5, 1.0)
            cap += count * scale * (share * np.clip(k / ramp, 0, 1)).sum()
    return cap


@step("планы AE", reads=("reps", "opps", "deal_sizes", "tables.reps"), writes=("tables.ae_quotas",))
def make_quotas(ctx: Context) -> None:
    """Годовые планы AE: план команды (факт прошлого года × рост) на плановую ёмкость команды
    (см. params/people.py QUOTA_*) — таблица ae_quotas; дописывает reps.annual_quota_rub — план
    последнего года работы."""
    reps, opps = ctx.reps, ctx.opps
    ae = np.flatnonzero(reps.role == "AE")
    lo = np.maximum(reps.hire_rec[ae, None], MONTH_START[:-1][None, :])
    hi = np.minimum(np.where(reps.exit_rec[ae] == NA, 10 ** 7, reps.exit_rec[ae])[:, None], MONTH_END[None, :])
    worked = np.clip(hi - lo + 1, 0, None) / MONTH_LEN[None, :]
    won = np.flatnonzero(opps.won & opps.is_closed & (opps.owner >= 0))
    wm = month_of(opps.close[won])
    ok = (wm >= 0) & (wm < company.N_MONTHS)
    pos = np.full(len(reps.hire), -1)
    pos[ae] = np.arange(len(ae))
    won, wm = won[ok], wm[ok]
    on_ae = pos[opps.owner[won]] >= 0
    booked = np.zeros_like(worked)
    np.add.at(booked, (pos[opps.owner[won[on_ae]]], wm[on_ae]), ctx.deal_sizes.amount[won[on_ae]])
    n_won = np.zeros_like(worked)
    np.add.at(n_won, (pos[opps.owner[won[on_ae]]], wm[on_ae]), 1)
    n_years = company.N_MONTHS // 12
    first_year = int(company.START_DATE[:4])
    quota = {}
    for t in S.SEGMENTS:
        sel = reps.team[ae] == t
        for y in range(n_years):
            if y == 0:
                q = _ote_quota(reps, ae[sel], t, 0)
            else:
                prev = slice(12 * (y - 1), 12 * y)
                target = booked[sel, prev].sum() * (1 + people.QUOTA_PLAN_GROWTH)
                capacity = _planned_capacity(reps, ae[sel], t, y, ctx.scale)
                enough = n_won[sel, prev].sum() >= people.QUOTA_MIN_WINS * ctx.scale
                q = 12 * target / capacity if capacity > 0 and enough else _ote_quota(reps, ae[sel], t, y)
            quota[(t, y)] = round(q / people.QUOTA_ROUND) * people.QUOTA_ROUND
    rows = [(i, y) for i in range(len(ae)) for y in range(n_years) if worked[i, 12 * y:12 * (y + 1)].sum() > 0]
    rep_i = np.array([r[0] for r in rows], dtype=np.int64)
    year_i = np.array([r[1] for r in rows], dtype=np.int64)
    q = np.array([quota[(reps.team[ae[i]], y)] for i, y in rows], dtype=float)
    ctx.tables["ae_quotas"] = pd.DataFrame({"rep_id": reps.ids[ae[rep_i]], "year": first_year + year_i,
                                            "annual_quota_rub": q})
    last = np.full(len(reps.hire), np.nan)
    last[ae[rep_i]] = q                                       # строки идут по годам: остаётся последний
    idle = ae[np.isnan(last[ae])]                             # AE, не успевший поработать ни дня в данных
    last[idle] = [quota[(reps.team[i], n_years - 1)] for i in idle]
    ctx.tables["reps"]["annual_quota_rub"] = last


def salary_by_month(reps: Reps):
    """Сотрудники × месяцы: оклад, действующий на начало месяца (до найма — оклад при найме)."""
    out = np.repeat(reps.base[:, None].astype(float), company.N_MONTHS, axis=1)
    for r, d, b in zip(reps.hist_rep, reps.hist_day, reps.hist_base):
        m = max(int(month_of(d)), 0)
        out[r, m:] = b
    return out


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
