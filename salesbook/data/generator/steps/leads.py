"""B2B-лиды: сколько и когда пришло из каждого канала, кто они и насколько заинтересованы."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import IdRange, choice_codes, per, sigmoid
from salesbook.data.generator.context import Context, Leads, LeadScores
from salesbook.data.generator.dates import MONTH_END, MONTH_START, b2b_day_weights, growth, sample_days_in_month, to_workday, weekday
from salesbook.data.generator.params import company, funnel
from salesbook.data.generator.pipeline import step


def _arrivals(rng, spend_b2b, scale):
    """Дни и каналы лидов: число лидов канала = бюджет / стоимость лида (органика — по плану)."""
    weights = b2b_day_weights()
    days_l, ch_l = [], []
    n_ch = len(S.LEAD_CHANNELS)
    for m in range(company.N_MONTHS):
        lam = np.zeros(n_ch)
        for j, ch in enumerate(S.B2B_CHANNELS):
            lam[j] = spend_b2b[m, j] / funnel.B2B_COST_PER_LEAD[ch]
        lam[n_ch - 1] = (funnel.ORGANIC_LEADS_PER_MONTH_2023 * scale
                         * growth(m, company.ORGANIC_GROWTH_PER_YEAR) * company.B2B_MONTH_SEASONALITY[m % 12])
        counts = rng.poisson(lam * np.exp(rng.normal(0, 0.06, n_ch)))
        for j in range(n_ch):
            c = int(counts[j])
            if c == 0:
                continue
            d = sample_days_in_month(rng, m, c, weights)
            if S.LEAD_CHANNELS[j] == "events":
                # конференции: большая часть лидов приходит в 1–2 дня мероприятий
                wd = np.flatnonzero(weekday(np.arange(MONTH_START[m], MONTH_START[m + 1])) < 3)
                conf = MONTH_START[m] + rng.choice(wd, size=min(2, len(wd)), replace=False)
                on = rng.random(c) < funnel.EVENT_DAY_SHARE
                d[on] = conf[rng.integers(0, len(conf), on.sum())] + rng.integers(0, 2, on.sum())
            if S.LEAD_CHANNELS[j] == "outbound":
                d = to_workday(d)
            d = np.minimum(d, MONTH_END[m])
            days_l.append(d)
            ch_l.append(np.full(c, j))
    day = np.concatenate(days_l)
    ch = np.concatenate(ch_l)
    order = np.lexsort((rng.random(len(day)), ch, day))
    return day[order], ch[order]


def _firmographics(rng, ch):
    """Сегмент, отрасль, должность контакта, число сотрудников и регион лида.

    Сегмент лида платного канала выпадает с долями LEAD_SEGMENT_MIX — это то же, что
    «лиды сегмента = бюджет сегмента / стоимость лида сегмента»: бюджет канала разделён
    по сегментам (marketing_spend.segment) пропорционально доле × SEGMENT_CPL_MULT.
    """
    n = len(ch)
    seg = np.empty(n, dtype=np.int64)
    for j, c in enumerate(S.LEAD_CHANNELS):
        sel = ch == j
        seg[sel] = choice_codes(rng, int(sel.sum()), funnel.LEAD_SEGMENT_MIX[c])
    ind = np.empty(n, dtype=np.int64)
    title = np.empty(n, dtype=np.int64)
    emp = np.empty(n, dtype=np.int64)
    for s, sname in enumerate(S.SEGMENTS):
        sel = seg == s
        k = int(sel.sum())
        ind[sel] = choice_codes(rng, k, funnel.INDUSTRY_MIX[sname])
        title[sel] = choice_codes(rng, k, funnel.TITLE_MIX[sname])
        if sname == "smb":
            emp[sel] = np.floor(np.exp(rng.uniform(np.log(5), np.log(100), k)))
        elif sname == "mid_market":
            emp[sel] = np.floor(np.exp(rng.uniform(np.log(100), np.log(1000), k)))
        else:
            emp[sel] = np.minimum(np.floor(1000 * (1 + rng.pareto(1.4, k))), 80_000)
    for s, (lo, hi) in enumerate(S.SEGMENT_EMPLOYEE_BOUNDS.values()):
        emp[seg == s] = np.clip(emp[seg == s], lo, hi)
    region = choice_codes(rng, n, funnel.REGION_MIX)
    return seg, ind, title, emp, region


def lead_ids(n: int) -> IdRange:
    """Идентификаторы лидов L000001… по номеру лида (он же номер строки таблицы leads)."""
    return IdRange("L", n, 6)


@step("лиды", reads=("spend",), writes=("leads", "lead_scores"), streams=("leads", "trial"))
def make_lead_skeleton(ctx: Context, rng, rng_trial) -> None:
    """Лиды до работы SDR: канал, дата, фирмография, скрытое намерение и признаки скоринга;
    у входящих лидов малого бизнеса — начат ли пробный период на сайте (funnel.TRIAL_SHARE)."""
    day, ch = _arrivals(rng, ctx.spend.b2b, ctx.scale)
    n = len(day)
    seg, ind, title, emp, region = _firmographics(rng, ch)
    q = rng.normal(0, 1, n)
    chn = np.array(S.LEAD_CHANNELS, dtype=object)[ch]
    is_out = chn == "outbound"
    # признаки скоринга — шумно отражают скрытое «намерение» q
    visit_eff = pd.Series(chn).map({"ppc": 0.3, "content": 0.2, "organic": 0.35, "events": -0.2,
                                    "partners": -0.2, "social": 0.1, "outbound": -1.1}).to_numpy()
    visits = rng.poisson(np.exp(0.9 + 0.35 * q + visit_eff))
    pages = visits + rng.poisson(visits * np.exp(0.35 + 0.2 * q))
    downloads = rng.poisson(np.exp(-1.3 + 0.4 * q + np.where(chn == "content", 1.2, 0.0)
                                   - np.where(is_out, 1.0, 0.0)))
    webinar = rng.random(n) < sigmoid(-2.5 + 0.55 * q + np.where(np.isin(chn, ["content", "events"]),
                                                                 0.8, 0.0) - np.where(is_out, 1.5, 0))
    demo = rng.random(n) < sigmoid(-2.7 + 1.0 * q + np.where(np.isin(chn, ["ppc", "organic"]), 0.3, 0)
                                   - np.where(is_out, 2.0, 0.0))
    opens = rng.poisson(np.exp(1.0 + 0.3 * q - np.where(is_out, 0.8, 0.0)))
    fit = (per(funnel.INDUSTRY_FIT, S.INDUSTRIES)[ind] + per(funnel.TITLE_FIT, S.JOB_TITLE_LEVELS)[title]
           + per(funnel.REGION_FIT, S.REGIONS)[region])
    trial_share = pd.Series(chn).map(funnel.TRIAL_SHARE).fillna(0.0).to_numpy()
    trial = (seg == S.SEGMENTS.index("smb")) & ~is_out & (rng_trial.random(n) < trial_share)
    ctx.leads = Leads(ids=lead_ids(n), day=day, ch=ch, chn=chn, is_out=is_out, seg=seg, ind=ind,
                      title=title, emp=emp, region=region, q=q, fit=fit, visits=visits, pages=pages,
                      downloads=downloads, webinar=webinar, demo=demo, opens=opens, trial=trial)
    ctx.lead_scores = LeadScores(q=q, fit=fit)
