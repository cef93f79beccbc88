"""A/B-тесты писем входящим лидам."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.context import Context
from salesbook.data.generator.dates import day_of, fmt_days, to_workday
from salesbook.data.generator.params import experiments
from salesbook.data.generator.pipeline import step


@step("A/B-тесты писем", reads=("leads",), writes=("tables.email_experiments",), streams=("experiments",))
def make_email_experiments(ctx: Context, rng) -> None:
    """Получатели — входящие лиды, пришедшие до старта теста; варианты — поровну."""
    leads = ctx.leads
    frames = []
    for exp_id, start, n_rec, variants in experiments.EMAIL_EXPERIMENTS:
        sd = day_of(start)
        pool = np.flatnonzero((leads.day < sd) & ~leads.is_out)
        nv = len(variants)
        n = min(len(pool), max(int(round(n_rec * ctx.scale)), 30 * nv))
        pick = np.sort(rng.choice(pool, size=n, replace=False))
        var = rng.permutation(np.arange(n) % nv)
        sent = to_workday(sd + rng.integers(0, 5, n))
        pars = np.array(list(variants.values()))[var]
        q = leads.q[pick]
        opened = rng.random(n) < np.clip(pars[:, 0] * np.exp(0.15 * q), 0, 1)
        replied = opened & (rng.random(n) < np.clip(pars[:, 1] * np.exp(0.3 * q), 0, 1))
        meeting = replied & (rng.random(n) < np.clip(pars[:, 2] * np.exp(0.3 * q), 0, 1))
        frames.append(pd.DataFrame({
            "experiment_id": exp_id, "variant": np.array(list(variants), dtype=object)[var],
            "lead_id": leads.ids[pick], "sent_date": fmt_days(sent), "opened": opened,
            "replied": replied, "meeting_booked": meeting}))
    ctx.tables["email_experiments"] = pd.concat(frames, ignore_index=True)
