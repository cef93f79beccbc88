"""Таблица activities: касания SDR/BDR по лидам и активности AE/SE по сделкам; дневной отчёт
телефонии и рассыльщика по SDR/BDR (rep_daily_activity)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import ids, labels, nullable_int, optional_labels
from salesbook.data.generator.context import ACTIVITY_CODES, CALL, EMAIL, MEETING, Context
from salesbook.data.generator.dates import END_DAY, HOLIDAY_DATES, NA, fmt_days
from salesbook.data.generator.frames import DeferredTable, narrow
from salesbook.data.generator.params import funnel
from salesbook.data.generator.pipeline import step
from salesbook.data.generator.steps.people import ramp_factor

ACTIVITY_COLUMNS = ("activity_id", "rep_id", "lead_id", "opportunity_id", "date", "type", "touch_number",
                    "call_opener", "email_template", "outcome", "duration_sec")

# Исходы касания, которые телефония и рассыльщик считают ответом: разговор или ответ
CONNECTED = ("connected", "not_interested", "meeting_booked", "replied")


@step("активности", reads=("lead_touches", "deal_touches", "reps", "leads", "opps"),
      writes=("tables.activities",))
def make_activities_table(ctx: Context) -> None:
    """Все активности по дате; у касания лида — номер в цепочке, начало звонка, шаблон письма."""
    la, oa = ctx.lead_touches, ctx.deal_touches
    n1, n2 = len(la.day), len(oa.day)
    none = np.full(n2, -1, dtype=np.int8)   # узкие: склейка берёт тип шире из двух, а не int64
    day = np.concatenate([la.day, oa.day])
    lead = np.concatenate([la.lead, none])
    opp = np.concatenate([np.full(n1, -1, dtype=np.int8), oa.opp])
    touch = np.concatenate([la.touch, none])
    order = np.lexsort((touch, opp, lead, day))
    # таблица хранится числами и кодами (8 млн строк на масштабе 100), строки собираются по частям
    raw = {"day": narrow(day[order]), "lead": narrow(lead[order]), "opp": narrow(opp[order]),
           "touch": narrow(touch[order]),
           "rep": narrow(np.concatenate([la.rep, oa.rep])[order]),
           "type": narrow(np.concatenate([la.type, oa.type])[order]),
           "opener": narrow(np.concatenate([la.opener, none])[order]),
           "tmpl": narrow(np.concatenate([la.tmpl, none])[order]),
           "dur": narrow(np.concatenate([la.dur, oa.dur])[order]),
           "outcome": narrow(np.concatenate([la.outcome, oa.outcome])[order])}   # коды schemas.ALL_ACTIVITY_OUTCOMES
    del day, lead, opp, touch, order
    n = n1 + n2
    outcome_labels = np.array(S.ALL_ACTIVITY_OUTCOMES, dtype=object)
    rep_ids, lead_ids, opp_ids = ctx.reps.ids, ctx.leads.ids, ctx.opps.ids

    def render(rows, names):
        def r(key):   # только нужные массивы и только выбранные строки
            return raw[key][rows]
        column = {
            "activity_id": lambda: ids("AC", n, 6, rows),
            "rep_id": lambda: rep_ids[r("rep")],
            "lead_id": lambda: optional_labels(lead_ids, r("lead")),
            "opportunity_id": lambda: optional_labels(opp_ids, r("opp")),
            "date": lambda: fmt_days(r("day")),
            "type": lambda: labels(ACTIVITY_CODES, r("type")),
            "touch_number": lambda: nullable_int(r("touch"), r("touch") > 0),
            "call_opener": lambda: optional_labels(S.CALL_OPENERS, r("opener")),
            "email_template": lambda: optional_labels(S.EMAIL_TEMPLATES, r("tmpl")),
            "outcome": lambda: outcome_labels[r("outcome")],
            "duration_sec": lambda: nullable_int(r("dur"), r("dur") >= 0),
        }
        return {name: column[name]() for name in names}

    ctx.tables["activities"] = DeferredTable(n, ACTIVITY_COLUMNS, render,
                                             text=set(ACTIVITY_COLUMNS) - {"touch_number", "duration_sec"})


_REPORT_CHANNELS = ("calls", "emails", "messages")


def _crm_counts(ctx: Context, n_reps: int):
    """Касания по лидам CRM (из таблицы activities): попытки и ответы по сотруднику, дню и каналу."""
    la = ctx.lead_touches
    touch = la.type != MEETING
    chan = np.select([la.type == CALL, la.type == EMAIL], [0, 1], 2)[touch]
    answered = np.isin(la.outcome[touch], [i for i, o in enumerate(S.ALL_ACTIVITY_OUTCOMES) if o in CONNECTED])
    # в int64: номер сотрудника и день хранятся узкими типами, а ключ их произведения больше
    key = (la.rep[touch].astype(np.int64) * (END_DAY + 1) + la.day[touch].astype(np.int64)) * 3 + chan
    size = n_reps * (END_DAY + 1) * 3
    attempts = np.bincount(key, minlength=size).reshape(n_reps, END_DAY + 1, 3)
    replies = np.bincount(key, weights=answered, minlength=size).reshape(n_reps, END_DAY + 1, 3)
    return attempts, replies.astype(np.int64)


@step("отчёт телефонии и рассыльщика", reads=("lead_touches", "reps"), writes=("tables.rep_daily_activity",),
      streams=("dialer",))
def make_rep_daily_activity(ctx: Context, rng) -> None:
    """По SDR/BDR за каждый рабочий день: звонки, письма и сообщения — касания по лидам CRM плюс
    работа с базой (холодный обзвон BDR, прогрев SDR), как их выгружают телефония и рассыльщик."""
    reps = ctx.reps
    n_reps = len(reps.ids)
    crm_att, crm_rep = _crm_counts(ctx, n_reps)
    days = np.arange(END_DAY + 1)
    work = np.is_busday(fmt_days(days).astype("datetime64[D]"), holidays=HOLIDAY_DATES)
    frames = []
    for r in np.flatnonzero(np.isin(reps.role, ("SDR", "BDR"))):
        role = str(reps.role[r])
        last = END_DAY if reps.exit[r] == NA else min(END_DAY, reps.exit[r])
        d = days[work & (days >= reps.hire[r]) & (days <= last)]
        if len(d) == 0:
            continue
        load = 0.5 + 0.5 * ramp_factor(reps, np.full(len(d), r), d)   # новичок работает медленнее
        att = crm_att[r, d].copy()
        rep_ = crm_rep[r, d].copy()
        for c, name in enumerate(_REPORT_CHANNELS):
            base = rng.poisson(funnel.BASE_DAILY_VOLUME[role][name] * load)
            rate = funnel.BASE_CONNECT_RATE[role] if name == "calls" else funnel.BASE_REPLY_RATE[role][name]
            att[:, c] += base
            rep_[:, c] += rng.binomial(base, rate)
        frames.append(pd.DataFrame({
            "rep_id": reps.ids[r], "date": fmt_days(d),
            "calls": att[:, 0], "calls_connected": rep_[:, 0],
            "emails": att[:, 1], "emails_replied": rep_[:, 1],
            "messages": att[:, 2], "messages_replied": rep_[:, 2]}))
    df = pd.concat(frames, ignore_index=True)
    ctx.tables["rep_daily_activity"] = df.sort_values(["date", "rep_id"], kind="stable").reset_index(drop=True)
