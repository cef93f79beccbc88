"""invoices и save_plays сходятся с MRR, клиентами и сотрудниками; заложенное — как в datasets/README.md (§ 42, 42а)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from salesbook.data import load
from salesbook.data.generator.params import health as P
from salesbook.toolkit import health as H


@pytest.fixture(scope="module")
def t():
    return {n: load(n) for n in ("invoices", "save_plays", "mrr", "accounts", "reps", "product_usage", "support_tickets")}


def test_invoices_reconcile_with_mrr_to_the_kopeck(t):
    inv, mrr = t["invoices"], t["mrr"]
    months = inv.loc[inv.index.repeat(inv["service_months"])].copy()
    months["month"] = [s + pd.DateOffset(months=int(k)) for s, k in
                       zip(months["service_start"], months.groupby(level=0).cumcount())]
    billed = (months["amount_rub"] / months["service_months"]).groupby([months["account_id"], months["month"]]).sum()
    paid = mrr[mrr["mrr_rub"] > 0].set_index(["account_id", "month"])["mrr_rub"]
    assert np.allclose(billed.reindex(paid.index).to_numpy(), paid.to_numpy(), atol=0.005)
    # счёт не оплачивает месяц, где MRR нет (после ухода — только остаток оплаченного года не бывает:
    # годовой клиент уходит в месяц продления, помесячный счёт — на один месяц)
    inside = billed[billed.index.get_level_values("month") <= mrr["month"].max()]
    assert set(inside.index) <= set(paid.index)


def test_invoice_kinds_follow_billing(t):
    inv, mrr = t["invoices"], t["mrr"]
    billing = mrr.groupby("account_id")["billing"].first()
    b = inv["account_id"].map(billing)
    assert (b[inv["kind"].eq("monthly")] == "monthly").all()
    assert (b[inv["kind"].isin(["annual", "coterm"])] == "annual").all()
    assert (inv.loc[inv["kind"].eq("annual"), "service_months"] == 12).all()
    assert inv.loc[inv["kind"].eq("coterm"), "service_months"].between(1, 11).all()


def test_dates_in_order_and_unpaid_only_recent_or_rare(t):
    inv = t["invoices"]
    assert (inv["due_date"] > inv["issue_date"]).all()
    paid = inv["paid_date"].notna()
    assert (inv.loc[paid, "paid_date"] >= inv.loc[paid, "issue_date"]).all()
    assert (inv.loc[paid, "paid_date"] <= pd.Timestamp("2025-12-31")).all()
    assert (~paid).mean() < 0.03


def test_private_late_payment_tracks_health_public_does_not(t):
    """Просрочка частного клиента связана с уходом, у госзаказчика — процедура: опаздывает чаще."""
    inv, acc = t["invoices"], t["accounts"].set_index("account_id")
    inv = inv[inv["paid_date"].notna()]
    late = (inv["paid_date"] - inv["due_date"]).dt.days > 0
    public = inv["account_id"].map(acc["industry"]).eq("public_sector")
    assert late[public].mean() > 2 * late[~public].mean()
    assert 0.7 < 1 - late[~public].mean() < 0.9            # README: «около 79 % в срок»
    churned = inv["account_id"].map(acc["churned_on"]).notna()
    assert late[~public & churned].mean() > late[~public & ~churned].mean() + 0.05


def test_save_play_flags_are_exactly_the_old_rule(t):
    sp = t["save_plays"]
    args = (t["mrr"], t["accounts"], t["product_usage"], t["support_tickets"], t["invoices"])
    for cut in sorted(sp["flag_date"].unique()):
        snap = H.snapshot(pd.Timestamp(cut), *args)
        snap = snap[snap["at_risk"]]
        expected = set(snap.loc[H.old_rule(snap), "account_id"])
        assert set(sp.loc[sp["flag_date"].eq(cut), "account_id"]) == expected, cut


def test_groups_programs_and_csm_on_duty(t):
    sp, reps = t["save_plays"], t["reps"].set_index("rep_id")
    window_year = (sp["flag_date"] + pd.DateOffset(months=1)).dt.year     # отметка — за месяц до квартала
    assert set(window_year[sp["program"].eq("csm_choice")]) == {P.CHOICE_YEAR}
    assert set(window_year[sp["program"].eq("rct")]) == {P.RCT_YEAR}
    assert set(sp["flag_date"].dt.month) == {12, 3, 6, 9}
    play = sp["group"].eq("play")
    assert sp.loc[play, "csm_id"].notna().all() and sp.loc[~play, "csm_id"].isna().all()
    assert sp.loc[~play, "play_date"].isna().all()
    csm = reps.loc[sp.loc[play, "csm_id"]]
    assert (csm["role"] == "CSM").all()
    assert (csm["hire_date"].to_numpy() <= sp.loc[play, "flag_date"].to_numpy()).all()
    end = sp.loc[play, "flag_date"] + pd.DateOffset(months=P.WINDOW_MONTHS)
    ok = sp.loc[play, "play_date"].isna() | ((sp.loc[play, "play_date"] >= sp.loc[play, "flag_date"]) & (sp.loc[play, "play_date"] < end))
    assert ok.all()
    # встречи после ухода клиента нет
    gone = sp["account_id"].map(t["accounts"].set_index("account_id")["churned_on"])
    held = sp["play_date"].notna()
    assert (gone[held].isna() | (sp.loc[held, "play_date"] < gone[held])).all()
    # в 2024 году встреча срывается только уходом клиента
    c = sp[sp["program"].eq("csm_choice") & play]
    missed = c["play_date"].isna()
    assert gone[missed.index[missed]].notna().all()


def test_rct_is_half_within_billing_and_segment(t):
    """2025: жребий внутри слоёв «квартал × план оплаты × сегмент» — в каждом слое половина (± один)."""
    sp = t["save_plays"]
    rct = sp[sp["program"].eq("rct")].copy()
    billing = t["mrr"].groupby("account_id")["billing"].first()
    rct["billing"] = rct["account_id"].map(billing)
    rct["segment"] = rct["account_id"].map(t["accounts"].set_index("account_id")["segment"])
    for _, g in rct.groupby(["flag_date", "billing", "segment"]):
        assert abs(g["group"].eq("play").sum() - len(g) / 2) <= 0.5


def _signals(t):
    sp = H.play_outcomes(t["save_plays"], t["accounts"])
    args = (t["mrr"], t["accounts"], t["product_usage"], t["support_tickets"], t["invoices"])
    snaps = H.snapshots(sorted(sp["flag_date"].dt.strftime("%Y-%m-%d").unique()), *args)
    x = sp.merge(snaps, left_on=["flag_date", "account_id"], right_on=["cutoff", "account_id"], suffixes=("", "_snap"))
    assert len(x) == len(sp) and (x["churned"] == x["churned_snap"]).all()   # исход журнала = исход среза
    return sp, x.assign(health_score=H.weighted_score(x))


def test_selection_2024_is_built_in_and_true_effect_is_zero(t):
    """2024: звонили более здоровым — индекс здоровья в день отметки выше; наивная разница «в пользу» звонка.
    2025: жребий — сигналы с группой не связаны, интервал эффекта захватывает ноль."""
    sp, x = _signals(t)
    c = x[x["program"].eq("csm_choice")]
    assert c.loc[c["group"].eq("play"), "health_score"].mean() > c.loc[c["group"].eq("control"), "health_score"].mean() + 2
    naive = H.compare_groups(sp[sp["program"].eq("csm_choice")])
    assert naive.loc["difference", "rate"] < 0
    rct = H.compare_groups(sp[sp["program"].eq("rct")])
    se = (rct.loc["difference", "high"] - rct.loc["difference", "low"]) / (2 * 1.96)
    assert abs(rct.loc["difference", "rate"]) < 3 * se       # эффект ноль: разность в пределах шума
    # назначение жребием не связано с сигналами в день отметки (план оплаты и сегмент — слои жребия)
    z = x[x["program"].eq("rct")].assign(play=lambda d: d["group"].eq("play").astype(int),
                                         annual=lambda d: d["billing"].eq("annual").astype(int))
    fit = smf.logit("play ~ utilisation + nps_answered + tickets_per_seat_90d + days_late_last + annual + C(segment)",
                    data=z).fit(disp=False)
    assert fit.llr_pvalue > 0.01
