"""Таблицы social_posts и social_post_leads: связи с лидами, сделками и сотрудниками, допущения генератора."""

import numpy as np
import pandas as pd
import pytest

from salesbook.data import load


@pytest.fixture(scope="module")
def t():
    return {n: load(n) for n in ("social_posts", "social_post_leads", "leads", "opportunities", "reps")}


def test_posts_within_author_employment(t):
    p = t["social_posts"].merge(t["reps"], left_on="author_id", right_on="rep_id")
    assert (p["date"] >= p["hire_date"]).all()
    assert (p["exit_date"].isna() | (p["date"] <= p["exit_date"])).all()
    assert t["social_posts"]["date"].between("2023-01-01", "2025-12-31").all()


def test_linked_leads_are_free_channels_after_the_post(t):
    x = t["social_post_leads"].merge(t["social_posts"], on="post_id").merge(t["leads"], on="lead_id")
    assert set(x["channel"]) <= {"organic", "content", "events"}         # не платная реклама social
    lag = (x["created_date"] - x["date"]).dt.days
    assert lag.between(0, 30).all()
    assert t["social_post_leads"]["lead_id"].is_unique


def test_ae_links_own_deals_and_sdr_links_own_leads(t):
    x = t["social_post_leads"].merge(t["social_posts"], on="post_id").merge(t["leads"], on="lead_id")
    x = x.merge(t["reps"][["rep_id", "role"]], left_on="author_id", right_on="rep_id", how="left")
    owner = x["opportunity_id"].map(t["opportunities"].set_index("opportunity_id")["owner_id"])
    ae = x["role"] == "AE"
    assert (owner[ae] == x.loc[ae, "author_id"]).all()
    sdr = x["role"] == "SDR"
    assert (x.loc[sdr, "sdr_id"] == x.loc[sdr, "author_id"]).all()


def test_only_promo_posts_are_labelled_and_company_always_labels(t):
    p = t["social_posts"]
    assert not p.loc[p["format"] != "promo", "ad_labelled"].any()
    company_promo = p[(p["format"] == "promo") & p["author_id"].isna()]
    assert company_promo["ad_labelled"].all()


def test_posting_depends_on_team_like_the_generator_says(t):
    p = t["social_posts"].merge(t["reps"], left_on="author_id", right_on="rep_id")
    ae = t["reps"][t["reps"]["role"] == "AE"]
    end = pd.Timestamp("2025-12-31")
    weeks = ((ae["exit_date"].fillna(end).clip(upper=end) - ae["hire_date"].clip(lower=pd.Timestamp("2023-01-01")))
             .dt.days / 7).groupby(ae["team"]).sum()
    rate = p[p["role"] == "AE"].groupby("team").size() / weeks
    assert rate["smb"] < rate["mid_market"] and rate["smb"] < rate["enterprise"]


def test_engagement_rates_in_a_plausible_range(t):
    p = t["social_posts"]
    written = p[p["platform"] != "event_talk"]
    ctr = written["utm_clicks"].sum() / written["views"].sum()
    assert 0.005 < ctr < 0.02                                               # порядок 0,5–2 %, допущение курса
    assert np.isclose(len(t["social_post_leads"]) / p["utm_clicks"].sum(), 0.02, atol=0.01)
