"""Работа SDR и BDR: входящие MQL и исходящие лиды проходят цепочку касаний до встречи или отказа.

Шаг разбит на этапы; все они берут числа из одного потока ``sequence`` строго в том
порядке, в каком вызываются из :func:`simulate_sequences`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import choice_codes, concat_records, filled, labels, per, sigmoid
from salesbook.data.generator.context import ACTIVITY_CODES, CALL, EMAIL, MEETING, Context, Funnel, Leads, LeadTouches, Reps, SqlMeetings
from salesbook.data.generator.dates import END_DAY, NA, add_workdays, after, to_workday, to_working_day
from salesbook.data.generator.frames import narrow
from salesbook.data.generator.params import funnel, people
from salesbook.data.generator.pipeline import step
from salesbook.data.generator.steps.people import assign_reps, ramp_factor

_OUTCOME = {o: i for i, o in enumerate(S.ALL_ACTIVITY_OUTCOMES)}
_TOUCH_TYPES = ACTIVITY_CODES[:MEETING]                  # касания цепочки; встреча — отдельно
_TEMPLATES_INBOUND = np.array([S.EMAIL_TEMPLATES.index(t) for t in ("welcome_followup", "case_study", "roi_calc")])
_TEMPLATES_OUTBOUND = np.array([S.EMAIL_TEMPLATES.index(t) for t in ("cold_intro", "pain_question", "case_study")])
_BREAKUP = S.EMAIL_TEMPLATES.index("breakup")
# Итог цепочки: 0 в работе, 1 встреча, 2 отказ, 3 письмо не доставлено, 4 касания исчерпаны,
# 5 встреча-знакомство SDR или BDR прошла, но лид не квалифицирован
_OPEN, _MEETING, _REFUSED, _BOUNCED, _EXHAUSTED, _UNQUALIFIED = range(6)


@dataclass
class _Queue:
    """Лиды, взятые в работу (по элементу на лид), и их склонность откликнуться."""

    w: np.ndarray          # номера лидов
    start: np.ndarray      # день первого касания
    out: np.ndarray        # исходящий лид
    eng_mult: np.ndarray   # множитель вероятности контакта
    in_meet: np.ndarray    # входящие: вероятность встречи при контакте
    cold_mult: np.ndarray  # исходящие: множитель вероятности встречи
    kmax: np.ndarray       # длина цепочки касаний


@dataclass
class _Chains:
    """Итог цепочек касаний по лидам очереди."""

    result: np.ndarray
    result_day: np.ndarray
    first_pos: np.ndarray  # первый квалифицирующий контакт (MQL исходящего лида)
    records: list          # касания для таблицы активностей


def _inbound_mql(rng, leads: Leads):
    """Входящие лиды: автоматический MQL по скорингу (запрос демо — почти всегда).
    Регистрации пробного периода SDR не передаются (см. :func:`_trials`); MQL малого бизнеса без
    запроса демо — тоже: они получают рассылку с приглашением в пробный период (``nurture``)."""
    n = len(leads.day)
    mql_logit = pd.Series(leads.chn).map(funnel.INBOUND_MQL_LOGIT).fillna(0).to_numpy() + 1.0 * leads.q \
        + 0.3 * leads.fit
    inbound_mql = ~leads.is_out & ~leads.trial & (
        (rng.random(n) < sigmoid(mql_logit)) | (leads.demo & (rng.random(n) < funnel.DEMO_REQUEST_MQL_PROB)))
    mql_day = np.full(n, NA, dtype=np.int64)
    mql_day[inbound_mql] = leads.day[inbound_mql] + choice_codes(rng, int(inbound_mql.sum()), (0.6, 0.3, 0.1))
    # малый бизнес с сайта без запроса демо: MQL уходит в рассылку с приглашением в пробный период
    nurture = (inbound_mql & (leads.seg == S.SEGMENTS.index("smb")) & ~leads.demo
               & np.isin(leads.chn, funnel.SMB_NURTURE_CHANNELS))
    return inbound_mql & ~nurture, nurture, mql_day


def _queue(rng, reps: Reps, leads: Leads, inbound_mql, mql_day):
    """Очередь SDR (входящие MQL) и BDR (исходящие лиды): исполнитель и склонность к отклику."""
    n = len(leads.day)
    start_all = np.where(leads.is_out, leads.day, to_workday(np.where(inbound_mql, mql_day, 0)))
    worked = (inbound_mql | leads.is_out) & (start_all <= END_DAY)
    w = np.flatnonzero(worked)
    start = start_all[w]
    out = leads.is_out[w]
    sdr = np.full(n, -1, dtype=np.int64)
    sdr[w[~out]] = assign_reps(reps, rng, "SDR", start[~out], notice=people.SDR_NOTICE_DAYS)
    sdr[w[out]] = assign_reps(reps, rng, "BDR", start[out], notice=people.SDR_NOTICE_DAYS)
    rep_w = sdr[w]
    ramp = ramp_factor(reps, rep_w, start)
    skill = reps.skill[rep_w]
    q_w, fit_w = leads.q[w], leads.fit[w]
    eng_mult = np.exp(0.35 * q_w + 0.3 * fit_w + skill) * (0.75 + 0.25 * ramp)
    in_meet = sigmoid(pd.Series(leads.chn[w]).map(funnel.INBOUND_MEETING_LOGIT).fillna(0).to_numpy()
                      + 0.9 * q_w + 0.6 * fit_w + skill + 0.3 * (ramp - 1))
    cold_mult = np.exp(0.5 * q_w + 0.6 * fit_w + skill)
    cold_mult = cold_mult / cold_mult[out].mean() if out.any() else cold_mult
    cold_mult = cold_mult * (0.7 + 0.3 * ramp)
    k_out = _chain_lengths(rng, len(w), "outbound")
    k_in = _chain_lengths(rng, len(w), "inbound")
    queue = _Queue(w=w, start=start, out=out, eng_mult=eng_mult, in_meet=in_meet, cold_mult=cold_mult,
                   kmax=np.where(out, k_out, k_in))
    return queue, worked, sdr


def _chain_lengths(rng, n, kind):
    lengths, probs = funnel.MAX_TOUCHES_CHOICES[kind]
    return np.array(lengths)[choice_codes(rng, n, probs)]


def _choose_touch(rng, k, o, last_in_chain, warm):
    """Тип касания k-го шага цепочки, шаблон письма и начало холодного звонка
    (у тёплого исходящего лида звонок уже не холодный — без варианта начала)."""
    n = len(o)
    ttype = np.where(o == 1, choice_codes(rng, n, funnel.TOUCH_TYPE_MIX["outbound"]),
                     choice_codes(rng, n, funnel.TOUCH_TYPE_MIX["inbound"]))
    if k == 0:
        first_call = (o == 0) & (rng.random(n) < funnel.INBOUND_FIRST_TOUCH_CALL)
        ttype[first_call] = CALL
    is_email = ttype == EMAIL
    tmpl = np.full(n, -1)
    tmpl[is_email & (o == 0)] = _TEMPLATES_INBOUND[rng.integers(0, 3, (is_email & (o == 0)).sum())]
    tmpl[is_email & (o == 1)] = _TEMPLATES_OUTBOUND[rng.integers(0, 3, (is_email & (o == 1)).sum())]
    tmpl[is_email & last_in_chain] = _BREAKUP
    opener = np.full(n, -1)
    cold = (ttype == CALL) & (o == 1)
    opener[cold] = rng.integers(0, len(S.CALL_OPENERS), cold.sum())
    opener[warm] = -1
    return ttype, tmpl, opener


def _respond(rng, k, o, ttype, tmpl, opener, eng_mult, in_meet, cold_mult, warm):
    """Отклик на касание: контакт, встреча, отказ, недоставленное письмо."""
    n = len(o)
    is_call, is_email = ttype == CALL, ttype == EMAIL
    eng_base = np.array([per(funnel.ENGAGE_BASE[kind], _TOUCH_TYPES) for kind in ("inbound", "outbound")])
    p_eng = eng_base[o, ttype] * eng_mult * funnel.TOUCH_RESPONSE_CURVE[k]
    tmpl_mult = per(funnel.EMAIL_TEMPLATE_REPLY_MULT, S.EMAIL_TEMPLATES)
    p_eng = np.where(tmpl >= 0, p_eng * tmpl_mult[np.maximum(tmpl, 0)], p_eng)
    p_eng = np.where(warm, p_eng * funnel.WARM_ENGAGE_MULT, p_eng)
    engaged = rng.random(n) < np.clip(p_eng, 0, 0.95)
    cold = is_call & (o == 1)
    opener_rate = per(funnel.CALL_OPENER_MEETING_RATE, S.CALL_OPENERS)
    p_meet = np.where(o == 0, in_meet,
                      np.where(cold, opener_rate[np.maximum(opener, 0)],
                               np.where(is_email, funnel.OUTBOUND_EMAIL_MEETING_RATE,
                                        funnel.OUTBOUND_MESSENGER_MEETING_RATE)) * cold_mult)
    p_meet = np.where(warm, funnel.WARM_MEETING_RATE, p_meet)
    meet = engaged & (rng.random(n) < np.clip(p_meet, 0, 0.95))
    negative = funnel.NEGATIVE_SHARE_GIVEN_ENGAGED
    neg_share = np.where(o == 1, negative["outbound"], negative["inbound"])
    neg = engaged & ~meet & (rng.random(n) < neg_share)
    bounce = is_email & ~engaged & (k <= 1) & (rng.random(n) < funnel.EMAIL_BOUNCE_RATE)
    return engaged, meet, neg, bounce


def _record(rng, ttype, engaged, meet, neg, bounce):
    """Результат касания для таблицы активностей и длительность звонка."""
    n = len(ttype)
    is_call, is_email = ttype == CALL, ttype == EMAIL
    is_msg = ~is_call & ~is_email
    oc = _OUTCOME
    outc = np.empty(n, dtype=np.int64)
    outc[is_call] = np.where(meet[is_call], oc["meeting_booked"],
                             np.where(neg[is_call], oc["not_interested"],
                                      np.where(engaged[is_call], oc["connected"], oc["no_answer"])))
    opened = rng.random(n) < funnel.EMAIL_OPEN_RATE
    outc[is_email] = np.where(meet[is_email], oc["meeting_booked"],
                              np.where(engaged[is_email], oc["replied"],
                                       np.where(bounce[is_email], oc["bounced"],
                                                np.where(opened[is_email], oc["opened"], oc["sent"]))))
    read = rng.random(n) < funnel.MESSENGER_READ_RATE
    outc[is_msg] = np.where(meet[is_msg], oc["meeting_booked"],
                            np.where(engaged[is_msg], oc["replied"], np.where(read[is_msg], oc["read"], oc["sent"])))
    dur = np.full(n, -1)
    talk = is_call & engaged
    dur[talk] = np.round(np.exp(rng.normal(np.log(150), 0.6, n)[talk])
                         * np.where(meet[talk], 2.2, np.where(neg[talk], 0.35, 1.0)))
    dur[is_call & ~engaged] = 0
    return outc, dur


def _run_chains(rng, queue: _Queue) -> _Chains:
    """Касание за касанием, пока лид не назначит встречу, не откажется или цепочка не кончится."""
    nw = len(queue.w)
    alive = np.ones(nw, dtype=bool)
    day = queue.start.copy()
    result = np.zeros(nw, dtype=np.int64)
    result_day = np.full(nw, NA, dtype=np.int64)
    first_pos = np.full(nw, NA, dtype=np.int64)
    records = []
    for k in range(funnel.MAX_TOUCHES):
        if k > 0:
            day = add_workdays(day, np.maximum(1, np.rint((1 + rng.poisson(1.5, nw)) * 5 / 7).astype(np.int64)))
        exhausted = alive & (k >= queue.kmax)          # все касания цепочки сделаны
        result[exhausted] = _EXHAUSTED
        result_day[exhausted] = day[exhausted]
        alive &= ~exhausted
        alive &= day <= END_DAY                        # следующее касание уже после конца данных
        idx = np.flatnonzero(alive)
        if len(idx) == 0:
            break
        # случайные числа тянутся для всей очереди (и для закончивших цепочку), чтобы исход
        # касания лида не зависел от того, сколько других лидов ещё в работе
        o = queue.out.astype(np.int64)
        warm = (o == 1) & (first_pos != NA)          # исходящий лид уже был на связи
        ttype, tmpl, opener = _choose_touch(rng, k, o, k == queue.kmax - 1, warm)
        engaged, meet, neg, bounce = _respond(rng, k, o, ttype, tmpl, opener, queue.eng_mult,
                                              queue.in_meet, queue.cold_mult, warm)
        outc, dur = _record(rng, ttype, engaged, meet, neg, bounce)
        extra = _redials(rng, ttype, opener, engaged)
        o, ttype, tmpl, opener, engaged, meet, neg, bounce, outc, dur, extra = (
            x[idx] for x in (o, ttype, tmpl, opener, engaged, meet, neg, bounce, outc, dur, extra))
        rows = np.repeat(np.arange(len(idx)), extra)
        # касания — сразу в узких целых типах: их миллионы, а хранятся они до конца цепочек
        records.append({key: narrow(v) for key, v in dict(
            w=idx[rows], day=day[idx][rows], type=np.full(len(rows), CALL), touch=np.full(len(rows), k + 1),
            opener=opener[rows], tmpl=np.full(len(rows), -1), outcome=np.full(len(rows), _OUTCOME["no_answer"]),
            dur=np.zeros(len(rows), dtype=np.int64)).items()})
        records.append({key: narrow(v) for key, v in dict(
            w=idx, day=day[idx], type=ttype, touch=np.full(len(idx), k + 1), opener=opener, tmpl=tmpl, outcome=outc,
            dur=dur).items()})
        # MQL у исходящих: встреча, ответ на письмо/в мессенджере или разговор дольше 2 минут
        is_call = ttype == CALL
        pos = engaged & ~neg
        qualifying = meet | (pos & ~is_call) | (pos & is_call & (dur >= funnel.OUTBOUND_MQL_MIN_TALK_SEC))
        fp = qualifying & (first_pos[idx] == NA)
        first_pos[idx[fp]] = day[idx[fp]]
        # с тёплым исходящим лидом BDR работает до конца самой длинной цепочки
        queue.kmax[idx[fp & (o == 1)]] = funnel.MAX_TOUCHES
        for mask, code in ((meet, _MEETING), (neg & ~meet, _REFUSED), (bounce, _BOUNCED)):
            sel = idx[mask]
            result[sel] = code
            result_day[sel] = day[sel]
            alive[sel] = False
    done = alive & (queue.kmax <= funnel.MAX_TOUCHES)          # дошли до конца самой длинной цепочки
    result[done] = _EXHAUSTED
    return _Chains(result=result, result_day=result_day, first_pos=first_pos, records=records)


def _redials(rng, ttype, opener, engaged):
    """Сколько недозвонов было перед итоговым набором холодного звонка (перезвон в тот же день,
    тот же шаг цепочки); у остальных касаний — 0."""
    extra = np.zeros(len(ttype), dtype=np.int64)
    drawn = {}
    for key in ("connected", "no_answer"):
        values, probs = funnel.COLD_CALL_EXTRA_DIALS[key]
        drawn[key] = np.array(values)[choice_codes(rng, len(ttype), probs)]
    cold = (ttype == CALL) & (opener >= 0)
    extra[cold] = np.where(engaged, drawn["connected"], drawn["no_answer"])[cold]
    return extra


def _qualify(rng, out, q, fit):
    """Какие встречи-знакомства дали SQL: испытание Бернулли по каждой встрече с логитом
    база (BDR у исходящих, SDR у входящих) + соответствие ICP + намерение лида."""
    base = np.where(out, funnel.BDR_MEETING_SQL_LOGIT, funnel.SDR_MEETING_SQL_LOGIT)
    p = sigmoid(base + funnel.MEETING_SQL_FIT_COEF * fit + funnel.MEETING_SQL_Q_COEF * q)
    return rng.random(len(out)) < p


def _meetings(rng, chains: _Chains, queue: _Queue, leads: Leads):
    """Встречи и неявки; встреча-знакомство с SDR или BDR даёт SQL не всегда (:func:`_qualify`).
    Возвращает день SQL для лидов очереди."""
    out = queue.out
    met = np.flatnonzero(chains.result == _MEETING)
    nw = len(chains.result)                       # числа — на всю очередь, как в цепочках
    meet_day = after(chains.result_day[met], 1 + rng.poisson(2, nw)[met])
    noshow = rng.random(nw)[met] < funnel.MEETING_NO_SHOW_RATE
    held_day = np.where(noshow, after(meet_day, 3 + rng.poisson(2, nw)[met]), meet_day)
    rec_w = np.concatenate([met[noshow], met])
    rec_day = np.concatenate([meet_day[noshow], held_day])
    rec_out = np.concatenate([np.full(noshow.sum(), _OUTCOME["no_show"]), np.full(len(met), _OUTCOME["held"])])
    keep = rec_day <= END_DAY
    none = np.full(keep.sum(), -1)
    chains.records.append(dict(w=rec_w[keep], day=rec_day[keep], type=np.full(keep.sum(), MEETING), touch=none,
                               opener=none, tmpl=none, outcome=rec_out[keep], dur=none))
    held = held_day <= END_DAY
    lw = queue.w[met]
    qualified = _qualify(rng, out[met], leads.q[lw], leads.fit[lw])
    sql_day_w = np.full(len(chains.result), NA, dtype=np.int64)
    sql_day_w[met] = np.where(held & qualified, held_day, NA)
    unq = held & ~qualified
    chains.result[met[unq]] = _UNQUALIFIED
    chains.result_day[met[unq]] = held_day[unq]
    return sql_day_w


def _trials(rng, leads: Leads):
    """Пробный период малого бизнеса: активирован ли (PQL) и в какой день; день SQL — день,
    когда AE команды малого бизнеса созвонился с активной компанией (0–2 рабочих дня после PQL)."""
    n = len(leads.day)
    p = sigmoid(funnel.TRIAL_PQL_LOGIT + funnel.TRIAL_PQL_Q_COEF * leads.q + funnel.TRIAL_PQL_FIT_COEF * leads.fit)
    pql = leads.trial & (rng.random(n) < p)
    lo, hi = funnel.TRIAL_PQL_DAYS
    pql_day = np.where(pql, leads.day + rng.integers(lo, hi + 1, n), NA)
    # активация в выходной: звонок — в один из ближайших рабочих дней, а не всех в понедельник
    sql_day = np.where(pql, add_workdays(np.where(pql, pql_day, 0), rng.integers(0, 3, n)), NA)
    ok = pql & (sql_day <= END_DAY)
    return np.where(ok, pql_day, NA), np.where(ok, sql_day, NA)


def _statuses(rng, leads: Leads, queue: _Queue, chains: _Chains, worked, inbound_mql, nurture, mql_day, sql_day_w,
              trial_days):
    """Статус каждого лида на конец данных, причина отказа, дни MQL, SQL и сделки."""
    n = len(leads.day)
    w = queue.w
    status = filled(n, "new")
    reason = np.full(n, None, dtype=object)
    sql_day = np.full(n, NA, dtype=np.int64)
    # входящие не-MQL: часть сразу отсеяна маркетингом, остальные — в «прогреве»
    mql_day[inbound_mql & ~worked] = NA             # MQL случится уже после 31.12.2025
    non = np.flatnonzero(~worked & ~inbound_mql & ~leads.trial & ~nurture)
    status[nurture] = "mql"
    late = nurture & ((mql_day == NA) | (to_workday(np.where(mql_day == NA, 0, mql_day)) > END_DAY))
    mql_day[late], status[late] = NA, "new"          # MQL рассылки случится уже после 31.12.2025
    dq = rng.random(len(non)) < funnel.NON_MQL_DISQUALIFY_SHARE
    status[non[dq]] = "disqualified"
    reason[non[dq]] = np.where(rng.random(dq.sum()) < 0.5, "wrong_contact", "no_need")
    # исходящие: MQL = первый квалифицирующий контакт
    mql_day[w[queue.out]] = chains.first_pos[queue.out]
    has_mql = mql_day[w] != NA
    status[w[has_mql]] = "mql"
    neg_reason = labels(funnel.NEGATIVE_REASONS[0], choice_codes(rng, len(w), funnel.NEGATIVE_REASONS[1]))
    for code, rsn in ((_REFUSED, None), (_BOUNCED, "wrong_contact"), (_EXHAUSTED, "no_response"),
                      (_UNQUALIFIED, None)):
        sel = chains.result == code
        status[w[sel]] = "disqualified"
        reason[w[sel]] = neg_reason[sel] if rsn is None else rsn
    # встреча назначена, но ещё не прошла — лид остаётся MQL (у outbound MQL уже есть)
    sq = sql_day_w != NA
    sql_day[w[sq]] = sql_day_w[sq]
    status[w[sq]] = "sql"
    # пробный период: активированный — PQL (mql_date) и SQL; неактивированный и истёкший — отказ
    pql_day, trial_sql = trial_days
    pq = pql_day != NA
    mql_day[pq], sql_day[pq], status[pq] = pql_day[pq], trial_sql[pq], "sql"
    expired = leads.trial & ~pq & (leads.day + funnel.TRIAL_DAYS <= END_DAY)
    status[expired], reason[expired] = "disqualified", "no_response"
    accept = rng.random(n) < funnel.SQL_ACCEPT_RATE
    opp_day = np.full(n, NA, dtype=np.int64)
    sqi = np.flatnonzero(sql_day != NA)
    od = after(sql_day[sqi], rng.poisson(1.5, n)[sqi])
    rej = ~accept[sqi]
    status[sqi[rej]] = "disqualified"
    reason[sqi[rej]] = np.where(rng.random(n)[sqi[rej]] < 0.5, "no_budget", "no_need")
    conv = ~rej & (od <= END_DAY)
    opp_day[sqi[conv]] = od[conv]
    status[sqi[conv]] = "converted"
    return dict(mql_day=mql_day, sql_day=sql_day, status=status, reason=reason, opp_day=opp_day)


def _lead_touches(records, w, sdr, reps: Reps) -> LeadTouches:
    """Касания по лидам в рабочие дни (выходной или праздник — следующий рабочий день);
    после увольнения SDR касаний нет."""
    act = concat_records(records)
    records.clear()
    act["day"] = narrow(to_working_day(act["day"]))
    lead = w[act.pop("w")]
    rep = sdr[lead]
    ex = reps.exit[rep]
    ok = (ex == NA) | (act["day"] <= ex)
    # числа — в самом узком целом типе: касаний на масштабе 100 — 7 млн, по 9 столбцов
    return LeadTouches(**{k: narrow(v[ok]) for k, v in dict(lead=lead, rep=rep, **act).items()})


@step("цепочки касаний SDR", reads=("leads", "reps"), writes=("funnel", "sql_meetings", "lead_touches"),
      streams=("sequence", "trial"))
def simulate_sequences(ctx: Context, rng, rng_trial) -> None:
    """Цепочки касаний SDR (входящие MQL) и BDR (исходящие лиды), пробные периоды малого бизнеса
    и статусы лидов."""
    leads, reps = ctx.leads, ctx.reps
    trial_days = _trials(rng_trial, leads)
    inbound_mql, nurture, mql_day = _inbound_mql(rng, leads)
    queue, worked, sdr = _queue(rng, reps, leads, inbound_mql, mql_day)
    chains = _run_chains(rng, queue)
    sql_day_w = _meetings(rng, chains, queue, leads)
    ctx.funnel = Funnel(sdr=sdr, **_statuses(rng, leads, queue, chains, worked, inbound_mql, nurture, mql_day, sql_day_w,
                                             trial_days))
    ctx.sql_meetings = SqlMeetings(sdr=ctx.funnel.sdr, sql_day=ctx.funnel.sql_day)
    ctx.lead_touches = _lead_touches(chains.records, queue.w, sdr, reps)
