"""Отчёт рекламных кабинетов и статьи компании (раздел 6.1).

Оба набора выводятся из готовых таблиц: бюджет кампаний в месяц в сумме равен бюджету
каналов ``ppc`` и ``social`` в ``marketing_spend``, лиды кампаний — это лиды этих каналов
из ``leads``, созданные в том же месяце; лиды статей — лиды канала ``content`` без вебинара и скачанных материалов.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.context import Context
from salesbook.data.generator.params import company
from salesbook.data.generator.params import inbound as P
from salesbook.data.generator.pipeline import step


def _split_roubles(total: float, weights: np.ndarray) -> np.ndarray:
    """Разделить сумму в целых рублях по весам так, чтобы части сложились ровно в неё."""
    rub = int(round(total))
    raw = rub * weights / weights.sum()
    parts = np.floor(raw).astype(np.int64)
    rest = rub - parts.sum()
    order = np.argsort(-(raw - parts), kind="stable")
    parts[order[:rest]] += 1
    return parts


def _month_index(dates: pd.Series) -> np.ndarray:
    y = dates.str[:4].astype(int).to_numpy()
    m = dates.str[5:7].astype(int).to_numpy()
    start_y, start_m = int(company.START_DATE[:4]), int(company.START_DATE[5:7])
    return (y - start_y) * 12 + (m - start_m)


def _months() -> list[str]:
    start = np.datetime64(company.START_DATE[:7], "M")
    return [str(start + i) + "-01" for i in range(company.N_MONTHS)]


@step("рекламные кабинеты и статьи", reads=("tables.leads", "tables.marketing_spend"),
      writes=("tables.ad_campaigns", "tables.ad_leads", "tables.articles"), streams=("ads",))
def make_inbound(ctx: Context, rng) -> None:
    """Раскладка бюджета и лидов каналов ppc и social по кампаниям, лидов content — по статьям."""
    # нужны лиды трёх каналов: ppc и social (кампании) и content (статьи) — только их строки
    table = ctx.tables["leads"]
    leads = table.rows(table.select(lambda c: c["channel"].isin(("ppc", "social", "content")), "channel"),
                       ["lead_id", "created_date", "business_line", "channel", "content_downloads", "demo_requested",
                        "trial_started", "webinar_attended"])
    spend = ctx.tables["marketing_spend"]
    months = _months()
    camp = pd.DataFrame(P.CAMPAIGNS, columns=["campaign_id", "ad_platform", "campaign", "channel", "billing",
                                              "spend_share", "cpc", "ctr", "lead_share"])
    lead_m = _month_index(leads["created_date"].astype(str))
    intent = (leads["demo_requested"].astype(bool) | leads["trial_started"].astype(bool)).to_numpy()
    rows, links = [], []
    for ch in ("ppc", "social"):
        cc = camp[camp["channel"] == ch].reset_index(drop=True)
        is_ch = (leads["channel"] == ch).to_numpy() & (leads["business_line"] == "b2b").to_numpy()
        # кампания каждого лида: доля лидов кампании, брендовый поиск — чаще у «тёплых» лидов
        idx = np.flatnonzero(is_ch)
        w = np.tile(cc["lead_share"].to_numpy(), (len(idx), 1))
        brand = (cc["campaign"] == "search_brand").to_numpy()
        w[np.ix_(intent[idx], brand)] *= P.BRAND_INTENT_MULT
        w /= w.sum(axis=1, keepdims=True)
        u = rng.random(len(idx))
        pick = (u[:, None] > np.cumsum(w, axis=1)).sum(axis=1)
        pick = np.minimum(pick, len(cc) - 1)
        links.append(pd.DataFrame({"lead_id": leads["lead_id"].to_numpy()[idx],
                                   "campaign_id": cc["campaign_id"].to_numpy()[pick]}))
        sp = spend[(spend["channel"] == ch) & (spend["business_line"] == "b2b")]
        sp_month = sp.groupby(sp["month"].astype(str).str[:10])["spend_rub"].sum()
        for mi, month in enumerate(months):
            total = float(sp_month.get(month, 0.0))
            share = cc["spend_share"].to_numpy() * np.exp(rng.normal(0, P.SPEND_SHARE_NOISE, len(cc)))
            parts = _split_roubles(total, share)
            n_leads = np.bincount(pick[lead_m[idx] == mi], minlength=len(cc))
            cpc = cc["cpc"].to_numpy() * np.exp(rng.normal(0, P.CPC_NOISE, len(cc)))
            clicks = np.maximum(np.round(parts / cpc), n_leads).astype(np.int64)
            ctr = cc["ctr"].to_numpy() * np.exp(rng.normal(0, P.CTR_NOISE, len(cc)))
            impressions = np.round(clicks / ctr).astype(np.int64)
            rows.append(pd.DataFrame({
                "month": month, "campaign_id": cc["campaign_id"], "ad_platform": cc["ad_platform"],
                "campaign": cc["campaign"], "channel": ch, "billing": cc["billing"],
                "impressions": impressions, "clicks": clicks, "spend_rub": parts.astype(float),
                "leads": n_leads}))
    ads = pd.concat(rows, ignore_index=True).sort_values(["month", "campaign_id"], kind="stable")
    ctx.tables["ad_campaigns"] = ads.reset_index(drop=True)
    link = pd.concat(links, ignore_index=True)
    ctx.tables["ad_leads"] = link.sort_values("lead_id", kind="stable").reset_index(drop=True)
    ctx.tables["articles"] = _articles(leads, lead_m, months, rng)


def _articles(leads: pd.DataFrame, lead_m: np.ndarray, months: list[str], rng) -> pd.DataFrame:
    """Статьи: кривая сессий по месяцам жизни; лиды месяца делятся между статьями пропорционально
    сессиям × конверсии статьи, поэтому в сумме равны лидам канала content без вебинара
    и скачанных материалов."""
    n_new = company.N_MONTHS * P.ARTICLES_PER_MONTH
    n = P.BACK_CATALOGUE + n_new
    # месяц публикации: каталог 2022 года — отрицательные номера месяцев, дальше — по статье в месяц
    pub_m = np.concatenate([-12 + 2 * np.arange(P.BACK_CATALOGUE), np.repeat(np.arange(company.N_MONTHS),
                                                                               P.ARTICLES_PER_MONTH)])
    pub_day = rng.integers(3, 26, n)
    outlet = rng.choice(len(P.OUTLETS), size=n, p=P.OUTLET_P)
    topic = rng.choice(len(P.TOPICS), size=n)
    quality = np.exp(rng.normal(0, P.QUALITY_SIGMA, n))
    start = np.datetime64(company.START_DATE[:7], "M")
    pub_dates = [str(start + int(m)) + f"-{d:02d}" for m, d in zip(pub_m, pub_day)]
    ids = np.array([f"ART{i + 1:03d}" for i in range(n)])
    content = ((leads["channel"] == "content").to_numpy() & ~leads["webinar_attended"].astype(bool).to_numpy()
               & (leads["content_downloads"].astype(int) == 0).to_numpy())
    lead_counts = np.bincount(lead_m[content], minlength=company.N_MONTHS)
    frames = []
    for mi, month in enumerate(months):
        live = np.flatnonzero(pub_m <= mi)
        age = mi - pub_m[live]
        names = np.array(P.OUTLETS)[outlet[live]]
        curve = np.where(names == "blog",
                         (1 - np.exp(-(age + 1) / P.BLOG_RAMP)) * np.exp(-age / P.BLOG_AGE),
                         P.FEED_FLOOR + (1 - P.FEED_FLOOR) * np.exp(-age / P.FEED_TAU))
        peak = np.array([P.PEAK_SESSIONS[o] for o in names])
        sessions = rng.poisson(peak * quality[live] * curve)
        rate = np.array([P.LEAD_RATE[o] for o in names])
        w = sessions * rate
        got = rng.multinomial(lead_counts[mi], w / w.sum()) if w.sum() > 0 else np.zeros(len(live), int)
        frames.append(pd.DataFrame({
            "article_id": ids[live], "published_date": np.array(pub_dates)[live],
            "outlet": names, "topic": np.array(P.TOPICS)[topic[live]],
            "cost_rub": [float(P.ARTICLE_COST[o]) for o in names], "month": month,
            "sessions": sessions, "leads": got}))
    return pd.concat(frames, ignore_index=True).sort_values(["article_id", "month"], kind="stable") \
        .reset_index(drop=True)
