"""Social selling: посты сотрудников и канала компании и лиды, которые к ним привязаны.

Строится из готовых таблиц отдельным потоком случайных чисел ``social`` и не меняет ни
одной другой таблицы. Частота постов сотрудника зависит от его скрытого «таланта» и стажа
(сильные и опытные пишут чаще) — поэтому наивная связь «посты ↔ продажи» смешана с этими
причинами. Лиды не создаются: пост привязывается к уже существующему лиду каналов органики,
контента и мероприятий, который появился вскоре после поста (у AE — к лиду его же сделки,
у SDR — к лиду, который он сам квалифицировал).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import ids, labels
from salesbook.data.generator.context import Context
from salesbook.data.generator.dates import END_DAY, NA, fmt_days, parse_days, weekday
from salesbook.data.generator.params import people
from salesbook.data.generator.params import social as P
from salesbook.data.generator.pipeline import step

_TALK = S.SOCIAL_PLATFORMS.index("event_talk")
_PROMO = S.POST_FORMATS.index("promo")


def _rep_posts(rng, reps):
    """Посты сотрудников: (номер сотрудника, день) по неделям работы."""
    rep_rows, days = [], []
    sigma = np.array([people.REP_SKILL_SIGMA[r] for r in reps.role])
    z = reps.skill / sigma
    personal = np.exp(rng.normal(0, P.PERSONAL_SIGMA, len(reps.ids)))
    for i in range(len(reps.ids)):
        base = P.BASE_POSTS_PER_WEEK.get(reps.role[i], 0.0) * P.TEAM_MULT.get(str(reps.team[i]), 1.0)
        first = max(int(reps.hire[i]), 0)
        last = END_DAY if reps.exit[i] == NA else min(int(reps.exit[i]), END_DAY)
        weeks = np.arange(first - weekday(first), last + 1, 7)
        tenure = (weeks - reps.hire[i]) / 30.44
        ten_mult = P.TENURE_FLOOR + (1 - P.TENURE_FLOOR) * np.clip(tenure / P.TENURE_FULL_MONTHS, 0, 1)
        lam = base * np.exp(P.SKILL_COEF * z[i]) * personal[i] * ten_mult
        n = rng.poisson(lam)
        wk = np.repeat(weeks, n)
        d = wk + rng.integers(0, 5, len(wk))            # будний день недели
        ok = (d >= first) & (d <= last)
        rep_rows.append(np.full(int(ok.sum()), i))
        days.append(d[ok])
    return np.concatenate(rep_rows), np.concatenate(days)


def _company_posts(rng):
    weeks = np.arange(-weekday(0), END_DAY + 1, 7)
    n = rng.poisson(P.COMPANY_POSTS_PER_WEEK, len(weeks))
    d = np.repeat(weeks, n) + rng.integers(0, 5, int(n.sum()))
    return d[(d >= 0) & (d <= END_DAY)]


def _choose(rng, probs, n):
    p = np.asarray(probs, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _engagement(rng, platform, fmt, is_company, tenure_years):
    n = len(platform)
    med = np.where(is_company, np.array(P.VIEWS_MEDIAN_COMPANY)[platform],
                   np.array(P.VIEWS_MEDIAN_REP)[platform] * (1 + P.VIEWS_TENURE_GROWTH * tenure_years))
    views = np.maximum(1, np.round(med * np.exp(rng.normal(0, P.VIEWS_SIGMA, n)))).astype(np.int64)
    reactions = rng.binomial(views, np.array(P.REACTION_RATE)[platform])
    comments = rng.binomial(views, np.array(P.COMMENT_RATE)[platform])
    ctr = np.where(platform == _TALK, P.TALK_SCAN_RATE, np.array(P.CTR_BY_FORMAT)[fmt])
    clicks = rng.binomial(views, ctr)
    return views, reactions, comments, clicks


def _link_leads(rng, post_day, author, platform, clicks, reps, leads, opps):
    """Пары (пост, лид): лид каналов LINK_CHANNELS, появившийся за LINK_WINDOW_DAYS дней после поста."""
    ldays = parse_days(leads["created_date"])
    cand = leads["channel"].isin(P.LINK_CHANNELS).to_numpy()
    owner = leads["opportunity_id"].map(opps.set_index("opportunity_id")["owner_id"]).fillna("").to_numpy()
    sdr = leads["sdr_id"].fillna("").to_numpy()
    taken = np.zeros(len(leads), dtype=bool)
    rate = np.where(platform == _TALK, P.LEAD_PER_TALK_SCAN, P.LEAD_PER_CLICK)
    want = rng.poisson(clicks * rate)
    # кандидаты по группам: лиды сделок каждого AE, лиды каждого SDR, все — для остальных авторов;
    # в группе — по дню появления, так что окно после поста — срез (поиск по всем лидам на каждый
    # пост рос бы как квадрат масштаба)
    by_day = np.flatnonzero(cand)
    by_day = by_day[np.argsort(ldays[by_day], kind="stable")]
    groups = {None: (by_day, ldays[by_day])}
    # места кандидатов (по дню) для каждого значения столбца — одним проходом на столбец, а не
    # сравнением со всеми кандидатами на каждого автора; места внутри группы идут по возрастанию
    positions = {name: pd.Series(np.arange(len(by_day))).groupby(column[by_day]).indices
                 for name, column in (("AE", owner), ("SDR", sdr))}
    none = np.zeros(0, dtype=np.int64)

    def group(role: str, rep_id: str) -> tuple[np.ndarray, np.ndarray]:
        if (role, rep_id) not in groups:
            pool = by_day[positions[role].get(rep_id, none)]
            groups[role, rep_id] = pool, ldays[pool]
        return groups[role, rep_id]

    pairs_post, pairs_lead = [], []
    for k in np.argsort(post_day, kind="stable"):
        if want[k] == 0:
            continue
        pool, d = groups[None]
        if author[k] >= 0:
            role = reps.role[author[k]]
            if role == "AE":
                pool, d = group("AE", reps.ids[author[k]])
            elif role == "SDR":
                pool, d = group("SDR", reps.ids[author[k]])
        window = pool[np.searchsorted(d, post_day[k], "left"):np.searchsorted(d, post_day[k] + P.LINK_WINDOW_DAYS, "right")]
        idx = np.sort(window[~taken[window]])        # по номеру лида, как flatnonzero по всем лидам
        if len(idx) == 0:
            continue
        pick = rng.choice(idx, size=min(int(want[k]), len(idx)), replace=False)
        taken[pick] = True
        pairs_post.append(np.full(len(pick), k))
        pairs_lead.append(pick)
    if not pairs_post:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    return np.concatenate(pairs_post), np.concatenate(pairs_lead)


@step("посты в соцсетях", reads=("reps", "tables.leads", "tables.opportunities"),
      writes=("tables.social_posts", "tables.social_post_leads"), streams=("social",))
def make_social_posts(ctx: Context, rng) -> None:
    """Таблицы social_posts и social_post_leads."""
    reps = ctx.reps
    r_rep, r_day = _rep_posts(rng, reps)
    c_day = _company_posts(rng)
    author = np.concatenate([r_rep, np.full(len(c_day), -1)])
    day = np.concatenate([r_day, c_day])
    is_company = author < 0
    n = len(day)
    platform = np.empty(n, dtype=np.int64)
    for role, mix in P.PLATFORM_MIX.items():
        m = ~is_company & (reps.role[np.maximum(author, 0)] == role)
        platform[m] = _choose(rng, mix, int(m.sum()))
    platform[is_company] = _choose(rng, P.COMPANY_PLATFORM_MIX, int(is_company.sum()))
    fmt = np.where(is_company, _choose(rng, P.FORMAT_MIX_COMPANY, n), _choose(rng, P.FORMAT_MIX_REP, n))
    fmt = np.where(platform == _TALK, S.POST_FORMATS.index("expert"), fmt)   # доклад — экспертный
    tenure_years = np.where(is_company, 0.0, (day - reps.hire[np.maximum(author, 0)]) / 365.25)
    views, reactions, comments, clicks = _engagement(rng, platform, fmt, is_company, tenure_years)
    labelled = (fmt == _PROMO) & (is_company | (rng.random(n) < P.REP_PROMO_LABELLED))
    order = np.lexsort((author, day))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    post_ids = ids("SP", n, 5)
    # ссылку из поста получают только лиды каналов LINK_CHANNELS: их строки, по порядку лидов
    table = ctx.tables["leads"]
    leads = table.rows(table.select(lambda c: c["channel"].isin(P.LINK_CHANNELS), "channel"),
                       ["lead_id", "created_date", "channel", "opportunity_id", "sdr_id"])
    opps = ctx.tables["opportunities"]
    lp, ll = _link_leads(rng, day, author, platform, clicks, reps, leads, opps)
    o = order
    ctx.tables["social_posts"] = pd.DataFrame({
        "post_id": post_ids,
        "author_id": np.where(is_company[o], "", reps.ids[np.maximum(author, 0)][o]).astype(object),
        "date": fmt_days(day[o]),
        "platform": labels(S.SOCIAL_PLATFORMS, platform[o]),
        "format": labels(S.POST_FORMATS, fmt[o]),
        "views": views[o],
        "reactions": reactions[o],
        "comments": comments[o],
        "utm_clicks": clicks[o],
        "ad_labelled": labelled[o],
    })
    link = pd.DataFrame({"post_id": post_ids[rank[lp]], "lead_id": leads["lead_id"].to_numpy()[ll]})
    ctx.tables["social_post_leads"] = link.sort_values(["post_id", "lead_id"]).reset_index(drop=True)
