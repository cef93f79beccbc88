"""Материалы продаж и их использование согласованы со сделками и компаниями; заложенное — в описанных границах."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.data import load
from salesbook.data.generator.params import enablement as P

END = pd.Timestamp("2025-12-31")


@pytest.fixture(scope="module")
def t():
    return {n: load(n) for n in ("content_assets", "content_usage", "opportunities", "accounts")}


def test_assets_match_params(t):
    a = t["content_assets"]
    assert list(a["asset_id"]) == [row[0] for row in P.ASSETS]
    assert (a["industry"].notna() == a["asset_type"].eq("case_study")).all()
    assert (a["competitor"].notna() == a["asset_type"].eq("battlecard")).all()


def test_usage_joins_and_dates(t):
    u, o, a = t["content_usage"], t["opportunities"], t["content_assets"].set_index("asset_id")
    x = u.merge(o, on="opportunity_id", validate="m:1")
    assert len(x) == len(u)
    close = x["close_date"].fillna(END)
    assert (x["used_date"] >= x["created_date"]).all() and (x["used_date"] <= close).all()
    assert (x["used_date"].to_numpy() >= a.loc[x["asset_id"], "created_date"].to_numpy()).all()
    assert not u.duplicated(["opportunity_id", "asset_id"]).any()


def test_case_study_industry_and_battlecard_competitor(t):
    u, o, acc, a = t["content_usage"], t["opportunities"], t["accounts"], t["content_assets"]
    x = u.merge(a, on="asset_id").merge(o[["opportunity_id", "account_id", "competitor"]], on="opportunity_id",
                                         suffixes=("", "_opp"))
    x["deal_industry"] = x["account_id"].map(acc.set_index("account_id")["industry"])
    cases = x[x["asset_type"] == "case_study"]
    assert (cases["industry"] == cases["deal_industry"]).all()
    cards = x[x["asset_type"] == "battlecard"]
    assert (cards["competitor"] == cards["competitor_opp"]).all()


def test_views_only_for_buyer_assets(t):
    u, a = t["content_usage"], t["content_assets"].set_index("asset_id")
    buyer = a.loc[u["asset_id"], "audience"].eq("buyer").to_numpy()
    assert u.loc[buyer, "buyer_views"].notna().all() and u.loc[~buyer, "buyer_views"].isna().all()
    opened = u["buyer_views"].fillna(0) > 0
    assert (u.loc[buyer & ~opened.to_numpy(), "view_seconds"] == 0).all()


def test_never_used_assets(t):
    used = set(t["content_usage"]["asset_id"])
    assert {"CA08", "CA11", "CA21"}.isdisjoint(used)
    assert len(used) == len(t["content_assets"]) - 3


def test_size_budget():
    from salesbook.data.load import find_data_dir
    d = find_data_dir()
    size = sum((d / f).stat().st_size for f in ("content_assets.csv", "content_usage.csv"))
    assert size <= 0.4 * 1024 * 1024


def test_naive_lift_exceeds_built_in_association(t):
    """README: наивное сравнение преувеличивает пользу; у прайса своей связи нет, а наивный разрыв есть."""
    o, u = t["opportunities"], t["content_usage"]
    closed = o[o["outcome"].isin(["won", "lost"])]
    won = closed["outcome"].eq("won")
    for asset in ("CA14", "CA16"):
        used = closed["opportunity_id"].isin(u.loc[u["asset_id"] == asset, "opportunity_id"])
        assert won[used].mean() - won[~used].mean() > 0.05
    deals_per_n = closed["opportunity_id"].map(u.groupby("opportunity_id").size()).fillna(0)
    assert won[deals_per_n == 0].mean() < won[deals_per_n >= 3].mean() - 0.15


def test_stale_pricing_share(t):
    u = t["content_usage"]
    late = u[(u["used_date"] >= pd.Timestamp("2025-01-09")) & u["asset_id"].isin(["CA16", "CA17"])]
    share = (late["asset_id"] == "CA16").mean()
    assert 0.15 < share < 0.35
    assert np.isfinite(share)


def test_video_stopped_mid_2024(t):
    u = t["content_usage"]
    video = u[u["asset_id"] == "CA20"]
    assert len(video) > 0 and (video["used_date"] <= pd.Timestamp("2024-06-30")).all()
