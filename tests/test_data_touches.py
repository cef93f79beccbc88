"""Верх воронки: касания лидов (touches) и веб-аналитика (web_traffic) сходятся с leads и opportunities."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesbook.data import load_all

REPO = Path(__file__).resolve().parents[1]
WEB_TYPES = ["session", "email_click", "content_download", "form", "demo_request", "trial_signup"]
# канал лида → допустимые source/medium касания, создавшего лид (как в README, раздел 19)
CREATION = {
    "ppc": {("yandex", "cpc")},
    "social": {("vk", "social"), ("telegram", "social")},
    "content": {("vc_ru", "content"), ("habr", "content"), ("telegram", "content"), ("email", "email")},
    "events": {("event", "event")},
    "partners": {("partner", "partner")},
    "organic": {("yandex", "organic"), ("google", "organic"), ("direct", "direct"), ("referral", "referral")},
    "outbound": {("outbound", "outbound")},
}


@pytest.fixture(scope="module")
def t() -> dict[str, pd.DataFrame]:
    return load_all(REPO / "datasets")


@pytest.fixture(scope="module")
def tl(t) -> pd.DataFrame:
    """Касания с датой и признаками их лида."""
    cols = ["lead_id", "created_date", "channel", "website_visits", "content_downloads", "webinar_attended",
            "demo_requested", "email_opens", "trial_started", "opportunity_id"]
    return t["touches"].merge(t["leads"][cols], on="lead_id", validate="many_to_one")


def test_sizes(t):
    assert 50_000 <= len(t["touches"]) < 150_000
    assert t["touches"]["lead_id"].nunique() == len(t["leads"])       # у каждого лида есть путь


def test_one_creating_touch_per_lead_on_created_date_matching_channel(tl, t):
    c = tl[tl["creates_lead"]]
    assert c["lead_id"].is_unique and len(c) == len(t["leads"])
    assert (c["date"] == c["created_date"]).all()
    ok = [(s, m) in CREATION[ch] for s, m, ch in zip(c["source"], c["medium"], c["channel"])]
    assert all(ok)
    # пробный период и исходящие лиды видны по типу касания, создавшего лид
    assert ((c["touch_type"] == "trial_signup") == c["trial_started"]).all()
    assert ((c["touch_type"] == "bdr_contact") == (c["channel"] == "outbound")).all()


def _per_lead(tl, t, mask):
    return tl[mask].groupby("lead_id").size().reindex(t["leads"]["lead_id"], fill_value=0).to_numpy()


def test_counts_agree_with_lead_columns(tl, t):
    leads = t["leads"]
    before = tl["date"] <= tl["created_date"]
    # website_visits — визиты до появления лида (в день лида — кроме касания, создавшего лид)
    sessions = _per_lead(tl, t, (tl["touch_type"] == "session") & before)
    assert (sessions == leads["website_visits"].to_numpy()).all()
    downloads = _per_lead(tl, t, tl["touch_type"] == "content_download")
    assert (downloads == leads["content_downloads"].to_numpy()).all()
    assert (tl.loc[tl["touch_type"] == "content_download", "date"]
            <= tl.loc[tl["touch_type"] == "content_download", "created_date"]).all()
    webinar = _per_lead(tl, t, tl["touch_type"] == "webinar")
    assert (webinar == leads["webinar_attended"].astype(int).to_numpy()).all()
    demo = _per_lead(tl, t, tl["touch_type"] == "demo_request")
    assert (demo == leads["demo_requested"].astype(int).to_numpy()).all()
    clicks = _per_lead(tl, t, tl["touch_type"] == "email_click")
    assert (clicks <= leads["email_opens"].to_numpy()).all()
    # клики по письмам и возвраты на сайт — только после появления лида
    post = tl[tl["touch_type"] == "email_click"]
    assert (post["date"] >= post["created_date"]).all()
    after_sessions = tl[(tl["touch_type"] == "session") & ~before]
    assert (after_sessions["date"] > after_sessions["created_date"]).all()


def test_path_of_converted_lead_ends_by_opportunity_creation(tl, t):
    opp = t["opportunities"][["opportunity_id", "created_date"]].rename(columns={"created_date": "opp_date"})
    x = tl.merge(opp, on="opportunity_id")
    assert len(x) > 10_000
    assert (x["date"] <= x["opp_date"]).all()


def test_outbound_leads_touch_marketing_rarely(tl, t):
    per_lead = tl[~tl["creates_lead"]].groupby("channel")["lead_id"].size() / t["leads"]["channel"].value_counts()
    assert per_lead["outbound"] < 0.5 * per_lead.drop("outbound").min()


def test_realistic_path_lengths(tl, t):
    n = tl.groupby("lead_id").size()
    inbound = tl[tl["channel"] != "outbound"].groupby("lead_id").size()
    assert 3 <= inbound.median() <= 8            # несколько касаний до и после заявки
    assert n.max() <= 40
    first = tl.groupby("lead_id")["date"].min()
    lag = (t["leads"].set_index("lead_id")["created_date"] - first).dt.days
    assert 5 <= lag[lag > 0].median() <= 40      # первое касание — за недели до заявки
    assert tl["date"].min() >= pd.Timestamp("2023-01-01") and tl["date"].max() <= pd.Timestamp("2025-12-31")


def test_web_traffic_contains_identified_sessions(tl, t):
    w = t["web_traffic"]
    traffic = w[w["medium"] != "brand_query"]
    web = tl[tl["touch_type"].isin(WEB_TYPES)]
    ident = web.groupby([web["date"].dt.to_period("M").dt.to_timestamp(), "source", "medium"]).size()
    total = traffic.set_index(["month", "source", "medium"])["sessions"]
    joined = pd.concat([ident.rename("ident"), total.rename("sessions")], axis=1).fillna(0)
    # за год источник опознаёт не больше визитов, чем было всего
    year = joined.groupby([joined.index.get_level_values(0).year, joined.index.get_level_values(1),
                           joined.index.get_level_values(2)]).sum()
    assert (year["ident"] <= year["sessions"]).all()
    share = joined["ident"].sum() / joined["sessions"].sum()
    assert 0.04 <= share <= 0.12                 # большинство посетителей контактов не оставляет
    lead_share = len(t["leads"]) / traffic["sessions"].sum()
    assert 0.005 <= lead_share <= 0.03           # визит → лид: 0,5–3 % (ориентиры B2B SaaS)


def test_web_traffic_shape(t):
    w = t["web_traffic"]
    brand = w[w["medium"] == "brand_query"].set_index("month")["brand_queries"]
    assert len(brand) == 36 and brand.notna().all()
    assert brand.loc["2025"].sum() > 2 * brand.loc["2023"].sum()        # бренд растёт вместе с органикой
    traffic = w[w["medium"] != "brand_query"]
    assert traffic["brand_queries"].isna().all() and traffic["sessions"].notna().all()
    assert (traffic["engaged_sessions"] <= traffic["sessions"]).all()
    assert (traffic["new_users"] <= traffic["users"]).all() and (traffic["users"] <= traffic["sessions"]).all()
    by_source = traffic.groupby(["source", "medium"])["sessions"].sum()
    # Яндекс — главный источник (Директ + поиск); Google — только органика
    assert by_source.idxmax()[0] == "yandex"
    assert ("google", "cpc") not in by_source.index
