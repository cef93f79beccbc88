"""Таблица activities: касания SDR/BDR по лидам и активности AE/SE по сделкам."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import ids, labels, nullable_int, optional_labels
from salesbook.data.generator.context import ACTIVITY_CODES, Context
from salesbook.data.generator.dates import fmt_days
from salesbook.data.generator.pipeline import step


@step("активности", reads=("lead_touches", "deal_touches", "reps", "leads", "opps"),
      writes=("tables.activities",))
def make_activities_table(ctx: Context) -> None:
    """Все активности по дате; у касания лида — номер в цепочке, начало звонка, шаблон письма."""
    la, oa = ctx.lead_touches, ctx.deal_touches
    n1, n2 = len(la.day), len(oa.day)
    none = np.full(n2, -1)
    day = np.concatenate([la.day, oa.day])
    lead = np.concatenate([la.lead, none])
    opp = np.concatenate([np.full(n1, -1), oa.opp])
    touch = np.concatenate([la.touch, none])
    order = np.lexsort((touch, opp, lead, day))
    opener = np.concatenate([la.opener, none])[order]
    tmpl = np.concatenate([la.tmpl, none])[order]
    dur = np.concatenate([la.dur, oa.dur])[order]
    touch, lead, opp = touch[order], lead[order], opp[order]
    ctx.tables["activities"] = pd.DataFrame({
        "activity_id": ids("AC", len(day), 6),
        "rep_id": ctx.reps.ids[np.concatenate([la.rep, oa.rep])[order]],
        "lead_id": optional_labels(ctx.leads.ids, lead),
        "opportunity_id": optional_labels(ctx.opps.ids, opp),
        "date": fmt_days(day[order]),
        "type": np.concatenate([labels(ACTIVITY_CODES, la.type), labels(ACTIVITY_CODES, oa.type)])[order],
        "touch_number": nullable_int(touch, touch > 0),
        "call_opener": optional_labels(S.CALL_OPENERS, opener),
        "email_template": optional_labels(S.EMAIL_TEMPLATES, tmpl),
        "outcome": np.concatenate([labels(S.ALL_ACTIVITY_OUTCOMES, la.outcome), oa.outcome])[order],
        "duration_sec": nullable_int(dur, dur >= 0)})
