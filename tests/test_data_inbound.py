"""Рекламные кабинеты и статьи (раздел 6.1) согласованы с таблицами, из которых выведены."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.data import load


@pytest.fixture(scope="module")
def t():
    return {name: load(name) for name in ("ad_campaigns", "ad_leads", "articles", "leads", "marketing_spend")}


def test_campaign_spend_sums_to_channel_budget(t):
    ads, spend = t["ad_campaigns"], t["marketing_spend"]
    got = ads.groupby(["month", "channel"])["spend_rub"].sum()
    want = spend[(spend["business_line"] == "b2b") & spend["channel"].isin(["ppc", "social"])] \
        .groupby(["month", "channel"])["spend_rub"].sum()
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)


def test_campaign_leads_match_leads_table(t):
    ads, links, leads = t["ad_campaigns"], t["ad_leads"], t["leads"]
    paid = leads[leads["channel"].isin(["ppc", "social"])]
    assert set(links["lead_id"]) == set(paid["lead_id"])          # каждый лид рекламы — ровно одна кампания
    assert links["lead_id"].is_unique
    joined = links.merge(paid[["lead_id", "created_date", "channel"]], on="lead_id")
    joined["month"] = joined["created_date"].dt.to_period("M").dt.to_timestamp()
    got = joined.groupby(["month", "campaign_id"]).size()
    want = ads.set_index(["month", "campaign_id"])["leads"]
    want = want[want > 0]
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False, check_index_type=False)
    chan = ads.drop_duplicates("campaign_id").set_index("campaign_id")["channel"]
    assert (joined["campaign_id"].map(chan) == joined["channel"]).all()   # кампания — из канала лида


def test_article_leads_match_content_leads(t):
    arts, leads = t["articles"], t["leads"]
    src = leads[(leads["channel"] == "content") & ~leads["webinar_attended"] & (leads["content_downloads"] == 0)]
    want = src.groupby(src["created_date"].dt.to_period("M").dt.to_timestamp()).size()
    got = arts.groupby("month")["leads"].sum()
    got = got[got > 0]
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False, check_dtype=False,
                                   check_index_type=False)


def test_articles_live_from_publication(t):
    arts = t["articles"]
    first = arts.groupby("article_id")["month"].min()
    pub = arts.groupby("article_id")["published_date"].first().dt.to_period("M").dt.to_timestamp()
    start = arts["month"].min()
    assert (first == np.maximum(pub, start)).all()
    assert (arts.groupby("article_id")["cost_rub"].nunique() == 1).all()


def test_funnel_rates_in_published_ranges(t):
    g = t["ad_campaigns"].groupby("campaign")[["impressions", "clicks", "leads"]].sum()
    ctr = g["clicks"] / g["impressions"]
    assert ctr["search_brand"] > ctr["search_generic"] > 0.02        # поиск: CTR — единицы процентов и выше
    assert (ctr.drop(["search_brand", "search_generic"]) < 0.02).all()  # сети и соцсети — доли процента
    assert (g["leads"] <= g["clicks"]).all()
