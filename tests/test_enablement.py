"""salesbook.toolkit.enablement: расчёты на вручную посчитанных примерах и понятные ошибки."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import enablement
from salesbook.toolkit.validation import MetricError

MEDDIC = {c: 1 for c in enablement.MEDDIC}


def _assets():
    return pd.DataFrame({
        "asset_id": ["CA01", "CA02", "CA03"], "asset_type": ["case_study", "battlecard", "pricing"],
        "audience": ["buyer", "internal", "buyer"],
        "created_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2026-03-01"]),
        "production_cost_rub": [100_000.0, 40_000.0, 20_000.0],
    })


def _usage():
    return pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3", "O1"], "asset_id": ["CA01", "CA01", "CA01", "CA02"],
        "used_date": pd.to_datetime(["2025-02-01", "2025-03-01", "2025-04-01", "2025-02-02"]),
        "buyer_views": pd.array([2, 0, 1, pd.NA], dtype="Int64"),
        "view_seconds": pd.array([300, 0, 100, pd.NA], dtype="Int64"),
    })


def _opps(outcomes, used_ids=()):
    n = len(outcomes)
    return pd.DataFrame({
        "opportunity_id": [f"O{i + 1}" for i in range(n)], "outcome": outcomes,
        "created_date": pd.to_datetime(["2025-01-10"] * n), "close_date": pd.to_datetime(["2025-05-01"] * n),
        "amount_rub": [100_000.0] * n, "segment": ["smb"] * n, "owner_id": ["R1"] * n, **MEDDIC,
    })


def test_audit_counts_and_opened_share():
    audit = enablement.asset_audit(_assets(), _usage(), "2025-01-01", "2025-12-31")
    assert audit.loc["CA01", "deals"] == 3
    assert audit.loc["CA01", "opened_share"] == pytest.approx(2 / 3)
    assert audit.loc["CA01", "median_seconds"] == pytest.approx(200)  # медиана 300 и 100 среди открытых
    assert pd.isna(audit.loc["CA02", "opened_share"])  # внутренний
    assert not audit.loc["CA03", "used"]


def test_unused_ignores_assets_published_after_period():
    unused = enablement.unused_assets(_assets(), _usage(), "2025-01-01", "2025-12-31")
    assert list(unused) == []  # CA03 опубликован в 2026 году
    unused = enablement.unused_assets(_assets(), _usage(), "2026-01-01", "2026-12-31")
    assert set(unused) == {"CA01", "CA02", "CA03"}


def test_naive_lift_by_hand():
    opps = _opps(["won", "won", "lost", "won", "lost", "lost"])
    lift = enablement.naive_lift(opps, _usage(), "2025-01-01", "2025-12-31", "CA01")
    assert lift["with"] == pytest.approx(2 / 3) and lift["without"] == pytest.approx(1 / 3)
    assert lift["lift"] == pytest.approx(1 / 3)


def test_open_deals_are_not_in_win_rate():
    opps = _opps(["won", "won", "lost", "won", "lost", "open"])
    flags = enablement.deal_flags(opps, _usage(), "2025-01-01", "2025-12-31")
    assert "O6" not in set(flags["opportunity_id"])


def test_mantel_haenszel_by_hand():
    """OR_MH = Σ a·d/n ÷ Σ b·c/n по слоям; два слоя посчитаны вручную."""
    rows = []
    # слой smb: a=4 (с материалом, выиграна), b=6, c=2, d=8; слой mid: a=3, b=1, c=3, d=3
    for seg, a, b, c, d in (("smb", 4, 6, 2, 8), ("mid_market", 3, 1, 3, 3)):
        for used, won, k in ((1, "won", a), (1, "lost", b), (0, "won", c), (0, "lost", d)):
            rows += [(seg, used, won)] * k
    opps = _opps([r[2] for r in rows])
    opps["segment"] = [r[0] for r in rows]
    usage = pd.DataFrame({"opportunity_id": opps.loc[[r[1] == 1 for r in rows], "opportunity_id"], "asset_id": "CA01"})
    mh = enablement.mantel_haenszel_or(opps, usage, "2025-01-01", "2025-12-31", "CA01", strata=["segment"])
    expected = (4 * 8 / 20 + 3 * 3 / 10) / (6 * 2 / 20 + 1 * 3 / 10)
    assert mh["odds_ratio"] == pytest.approx(expected)
    assert mh["naive_or"] == pytest.approx((7 * 11) / (7 * 5))
    assert mh["low"] < mh["odds_ratio"] < mh["high"]


def test_adjusted_or_without_controls_equals_crude_or():
    rng = np.random.default_rng(1)
    outcomes = np.where(rng.random(400) < 0.4, "won", "lost")
    opps = _opps(list(outcomes))
    used = opps["opportunity_id"][rng.random(400) < 0.5]
    usage = pd.DataFrame({"opportunity_id": used, "asset_id": "CA01"})
    flags = enablement.deal_flags(opps, usage, "2025-01-01", "2025-12-31")
    t = pd.crosstab(flags["used"], flags["won"])
    crude = (t.loc[1, 1] * t.loc[0, 0]) / (t.loc[1, 0] * t.loc[0, 1])
    res = enablement.adjusted_odds_ratio(opps, usage, "2025-01-01", "2025-12-31", controls="")
    assert res["odds_ratio"] == pytest.approx(crude, rel=1e-6)


def test_wilson_matches_published_value():
    """Уилсон (1927): 0 успехов из 10 — верхняя граница 95 % ≈ 0,2775."""
    low, high = enablement.wilson(0, 10)
    assert low == pytest.approx(0.0, abs=1e-12) and high == pytest.approx(0.2775, abs=1e-4)
    with pytest.raises(MetricError):
        enablement.wilson(1, 0)


def test_template_rates_by_hand():
    acts = pd.DataFrame({
        "type": ["email"] * 5 + ["call"], "email_template": ["a", "a", "a", "b", "b", None],
        "outcome": ["replied", "sent", "meeting_booked", "opened", "sent", "connected"],
        "date": pd.to_datetime(["2025-03-01"] * 6),
    })
    t = enablement.template_rates(acts, "2025-01-01", "2025-12-31")
    assert t.loc["a", "sent"] == 3 and t.loc["a", "reply_rate"] == pytest.approx(2 / 3)
    assert t.loc["a", "meeting_rate"] == pytest.approx(1 / 3) and t.loc["b", "replies"] == 0


def test_playbook_priorities_sum_lost_acv():
    opps = _opps(["lost", "lost", "lost", "won"])
    opps["amount_rub"] = [100.0, 200.0, 300.0, 400.0]
    opps["competitor"] = ["helppro", None, "helppro", "helppro"]
    opps["loss_reason"] = ["competitor", "no_decision", "price", None]
    t = enablement.playbook_priorities(opps, "2025-01-01", "2025-12-31")
    assert t.loc["price", "total"] == 300 and t.loc["no_decision", "none"] == 200
    assert list(t.index)[0] == "price"


def test_refresh_savings_and_errors():
    assert enablement.refresh_savings(_assets(), pd.Index(["CA01", "CA03"])) == pytest.approx(30_000)
    with pytest.raises(MetricError, match="от 0 до 1"):
        enablement.refresh_savings(_assets(), pd.Index(["CA01"]), 25)
    with pytest.raises(MetricError, match="Нет таких"):
        enablement.refresh_savings(_assets(), pd.Index(["CA99"]))
    with pytest.raises(MetricError, match="нет столбцов"):
        enablement.asset_audit(pd.DataFrame({"x": [1]}), _usage(), "2025-01-01", "2025-12-31")
