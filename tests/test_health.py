"""Функции salesbook.toolkit.health: срез без будущего, индекс, мощность, верхушка списка, сравнение групп."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import health as H
from salesbook.toolkit.validation import MetricError


def _mrr():
    return pd.DataFrame({
        "month": pd.to_datetime(["2024-01-01", "2024-12-01", "2025-02-01", "2025-03-01", "2024-06-01", "2025-03-01"]),
        "account_id": ["A1", "A1", "A2", "A2", "A3", "A3"],
        "billing": ["annual", "annual", "monthly", "monthly", "annual", "annual"],
        "mrr_rub": [100.0, 100.0, 50.0, 50.0, 70.0, 70.0],
    })


def test_customers_at_knows_who_can_leave():
    c = H.customers_at(_mrr(), "2025-04-01").set_index("account_id")
    assert set(c.index) == {"A2", "A3"}                    # A1 не платил в марте
    assert c.loc["A2", "at_risk"]                            # помесячный — может уйти всегда
    assert c.loc["A3", "tenure_months"] == 10 and c.loc["A3", "months_to_renewal"] == 2
    assert c.loc["A3", "at_risk"]                            # продление в июне — через 2 месяца, внутри окна
    assert not H.customers_at(_mrr(), "2025-04-01", window_months=1).set_index("account_id").loc["A3", "at_risk"]
    # продление в сам месяц среза уже решено: клиента нет среди тех, у кого решение в окне
    june = H.customers_at(pd.DataFrame({"month": pd.to_datetime(["2024-06-01", "2025-05-01"]), "account_id": ["A3", "A3"],
                                        "billing": ["annual", "annual"], "mrr_rub": [70.0, 70.0]}), "2025-06-01")
    assert june.set_index("account_id").loc["A3", "months_to_renewal"] == 0
    assert not june.set_index("account_id").loc["A3", "at_risk"]


def test_payment_features_do_not_see_the_future():
    inv = pd.DataFrame({
        "account_id": ["A1", "A1", "A2"],
        "issue_date": pd.to_datetime(["2025-05-01", "2025-06-01", "2025-06-01"]),
        "due_date": pd.to_datetime(["2025-05-10", "2025-06-10", "2025-06-10"]),
        "paid_date": pd.to_datetime(["2025-05-12", "2025-08-01", None]),
    })
    f = H.payment_features(inv, "2025-07-01")
    assert f.loc["A1", "days_late_last"] == 21              # оплачен в августе: на 1 июля — 21 день просрочки
    assert f.loc["A1", "days_late_max"] == 21 and f.loc["A1", "overdue_open"] == 1
    assert f.loc["A2", "days_late_last"] == 21
    early = H.payment_features(inv, "2025-06-01")
    assert early.loc["A1", "days_late_last"] == 2 and early.loc["A1", "overdue_open"] == 0
    assert "A2" not in early.index                           # счёт ещё не выставлен


def test_cutoff_must_be_first_of_month():
    with pytest.raises(MetricError, match="первое число"):
        H.customers_at(_mrr(), "2025-04-15")
    with pytest.raises(MetricError, match="ГГГГ-ММ-ДД"):
        H.customers_at(_mrr(), "вчера")
    with pytest.raises(MetricError, match="таблица pandas"):
        H.customers_at("mrr", "2025-04-01")


def _frame():
    return pd.DataFrame({"utilisation": [0.95, 0.3, 0.6], "critical_90d": [0, 2, 0], "low_csat_180d": [0, 1, 0],
                         "detractor": [0, 1, 0], "promoter": [1, 0, 0], "nps_answered": [1, 1, 0],
                         "days_late_last": [0, 45, 15]})


def test_weighted_score_components_and_colours():
    comp = H.score_components(_frame())
    assert comp.loc[0].tolist() == [100.0, 100.0, 100.0, 100.0]
    assert comp.loc[1].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert comp.loc[2, "usage"] == pytest.approx(50.0) and comp.loc[2, "survey"] == 50.0 and comp.loc[2, "payments"] == 50.0
    s = H.weighted_score(_frame())
    assert s.tolist() == pytest.approx([100.0, 0.0, 0.4 * 50 + 0.2 * 100 + 0.2 * 50 + 0.2 * 50])
    assert H.colour(s).tolist() == ["green", "red", "yellow"]
    with pytest.raises(MetricError, match="доли"):
        H.weighted_score(_frame(), {"usage": 40, "support": 20, "survey": 20, "payments": 20})


def test_old_rule_any_signal():
    assert H.old_rule(_frame()).tolist() == [False, True, False]


def test_capacity_counts_csm_on_duty():
    reps = pd.DataFrame({"role": ["CSM", "CSM", "CSM", "AE"],
                         "hire_date": pd.to_datetime(["2024-01-01", "2025-05-01", "2024-01-01", "2024-01-01"]),
                         "exit_date": pd.to_datetime([None, None, "2025-02-01", None])})
    assert H.csm_capacity(reps, "2025-04-01") == 13          # один CSM × 1 × 13 недель
    assert H.csm_capacity(reps, "2025-01-01", plays_per_week=2, weeks=10) == 40


def test_top_k_precision_lift_and_mrr():
    f = pd.DataFrame({"cutoff": pd.to_datetime(["2025-01-01"] * 4 + ["2025-04-01"] * 2),
                      "churned": [1, 0, 1, 0, 0, 1], "churned_mrr": [10.0, 0, 30.0, 0, 0, 5.0]})
    score = [0.9, 0.8, 0.1, 0.2, 0.5, 0.4]
    t = H.top_k(f, score, {pd.Timestamp("2025-01-01"): 2, pd.Timestamp("2025-04-01"): 1})
    assert t["caught"].tolist() == [1, 0]
    assert t.loc[pd.Timestamp("2025-01-01"), "precision"] == 0.5
    assert t.loc[pd.Timestamp("2025-01-01"), "lift"] == pytest.approx(1.0)
    assert t.loc[pd.Timestamp("2025-01-01"), "mrr_caught"] == pytest.approx(0.25)
    total = H.top_k_total(t)
    assert total["called"] == 3 and total["caught"] == 1 and total["lift"] == pytest.approx((1 / 3) / (3 / 6))
    with pytest.raises(MetricError, match="без пропусков"):
        H.top_k(f, [np.nan] * 6, 1)


def test_compare_groups_matches_statsmodels():
    from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

    f = pd.DataFrame({"group": ["play"] * 100 + ["control"] * 120, "churned": [1] * 10 + [0] * 90 + [1] * 24 + [0] * 96})
    g = H.compare_groups(f)
    assert g.loc["play", "rate"] == pytest.approx(0.1) and g.loc["control", "rate"] == pytest.approx(0.2)
    low, high = proportion_confint(10, 100, method="wilson")
    assert (g.loc["play", "low"], g.loc["play", "high"]) == pytest.approx((low, high))
    dl, dh = confint_proportions_2indep(10, 100, 24, 120, method="newcomb")
    assert (g.loc["difference", "low"], g.loc["difference", "high"]) == pytest.approx((dl, dh))
    with pytest.raises(MetricError, match="нет группы"):
        H.compare_groups(f, treated="treated")


def test_play_outcomes_window():
    """Окно — после дня отметки (сам день не входит: уход уже случился) и до конца третьего месяца включительно."""
    sp = pd.DataFrame({"program": ["rct"] * 5, "flag_date": pd.to_datetime(["2025-03-01"] * 5),
                       "account_id": ["A1", "A2", "A3", "A4", "A5"], "group": ["play", "control", "play", "play", "control"],
                       "play_date": pd.to_datetime(["2025-03-20", None, None, None, None])})
    acc = pd.DataFrame({"account_id": ["A1", "A2", "A3", "A4", "A5"],
                        "churned_on": pd.to_datetime(["2025-05-31", "2025-06-01", None, "2025-03-01", "2025-06-02"])})
    out = H.play_outcomes(sp, acc)
    assert out["churned"].tolist() == [1, 1, 0, 0, 0] and out["reached"].tolist() == [True, False, False, False, False]
    assert H.churn_in_window(acc, acc["account_id"], "2025-03-01").tolist() == [1, 1, 0, 0, 0]


def test_fit_predict_needs_both_outcomes():
    f = pd.DataFrame({c: [0.0, 1.0] for c in H.NUMERIC} | {"segment": ["smb", "smb"], "churned": [0, 0]})
    with pytest.raises(MetricError, match="ушедшие"):
        H.fit_predict(f, f)


def test_csat_counts_only_tickets_solved_before_cutoff():
    t = pd.DataFrame({"account_id": ["A1", "A1"], "created_date": pd.to_datetime(["2025-05-20", "2025-05-31"]),
                      "priority": ["normal", "normal"], "csat": [1.0, 1.0], "resolution_hours": [5.0, 48.0]})
    f = H.support_features(t, "2025-06-01")
    assert f.loc["A1", "tickets_90d"] == 2 and f.loc["A1", "low_csat_180d"] == 1   # вторую оценку поставят в июне


def test_old_rule_order_puts_flagged_first_then_by_mrr():
    f = _frame().assign(mrr_rub=[500.0, 100.0, 300.0])
    order = H.old_rule_order(f)
    assert order.idxmax() == 1                               # единственный отмеченный — первым
    assert order[0] > order[2]                               # среди неотмеченных — кто крупнее
    assert H.reasons(f).tolist() == ["сигналы в норме",
                                     "мало используют места; критичные обращения или низкий CSAT",
                                     "мало используют места; критик или молчит в NPS"]


def test_top_k_members_match_top_k():
    f = pd.DataFrame({"cutoff": pd.to_datetime(["2025-01-01"] * 4 + ["2025-04-01"] * 2),
                      "churned": [1, 0, 1, 0, 0, 1], "churned_mrr": [10.0, 0, 30.0, 0, 0, 5.0]})
    score = [0.9, 0.8, 0.1, 0.2, 0.5, 0.4]
    k = {pd.Timestamp("2025-01-01"): 2, pd.Timestamp("2025-04-01"): 1}
    members = H.top_k_members(f, score, k)
    assert members.index.tolist() == [0, 1, 4]
    assert members["churned"].sum() == H.top_k_total(H.top_k(f, score, k))["caught"]


def test_account_bootstrap_resamples_whole_accounts():
    f = pd.DataFrame({"account_id": ["A", "A", "B", "C"], "churned": [1, 1, 0, 0], "x": [1.0, 1.0, 0.0, 0.0]})
    out = H.account_bootstrap(f, lambda d: {"rows": len(d), "mean": d["x"].mean()}, n_boot=200, seed=1)
    assert out.loc["rows", "estimate"] == 4
    # три клиента, у A две строки: выборка клиентов целиком даёт от 3 (без A) до 6 (A трижды) строк
    assert out.loc["rows", "low"] >= 3 and out.loc["rows", "high"] <= 6 and out.loc["rows", "high"] > out.loc["rows", "low"]


def test_balance_and_joint_test():
    rng = np.random.default_rng(0)
    f = pd.DataFrame({"group": np.repeat(["play", "control"], 200), "x": rng.normal(size=400), "y": rng.random(400)})
    b = H.balance(f, ["x", "y"])
    assert set(b.columns) == {"play", "control", "smd"} and b["smd"].abs().max() < 0.3
    assert H.balance_test(f, ["x", "y"]) > 0.01
    skewed = f.assign(x=f["x"] + np.where(f["group"].eq("play"), 1.0, 0.0))
    assert H.balance(skewed, ["x"]).loc["x", "smd"] > 0.7 and H.balance_test(skewed, ["x", "y"]) < 0.001


def test_rerandomise_itt_is_unbiased_and_per_protocol_is_not():
    rng = np.random.default_rng(1)
    health_ = rng.normal(size=600)
    f = pd.DataFrame({"churned": (rng.random(600) < 1 / (1 + np.exp(2 + health_))).astype(int)})
    reach = 1 / (1 + np.exp(-2 * health_))                 # встреча чаще у здоровых
    r = H.rerandomise(f, reach, n_sim=300, seed=2)
    assert abs(r["itt"].mean()) < 0.005
    assert r["per_protocol"].mean() < r["itt"].mean() - 0.02


def test_breakeven_and_groups_table():
    assert H.breakeven(1000.0, 10_000.0, 0.5, 12) == pytest.approx(1000 / 60_000)
    assert H.breakeven(1000.0, [10_000.0, 20_000.0], 0.5, 6).tolist() == pytest.approx([1 / 30, 1 / 60])
    with pytest.raises(MetricError, match="положительными"):
        H.breakeven(1000.0, 0.0, 0.5)
    f = pd.DataFrame({"group": ["play"] * 100 + ["control"] * 120, "churned": [1] * 10 + [0] * 90 + [1] * 24 + [0] * 96})
    shown = H.groups_table(H.compare_groups(f))
    assert shown.index.tolist() == ["Сценарий", "Контроль", "Разница, п. п. (сценарий − контроль)"]
    assert shown.iloc[2]["Доля ушедших"] == "−10,0\u00a0п.\u00a0п." and shown.iloc[2]["Клиентов"] == "—"


def test_quarter_label():
    assert H.quarter_label("2024-12-01") == "I\u00a0кв.\u00a02025" and H.quarter_label("2025-09-01") == "IV\u00a0кв.\u00a02025"
