"""Раздел 9.2: утверждения текста верны на данных; упражнения ловят свои ошибки."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.exercises import ch09_health as ex
from salesbook.exercises import table
from salesbook.toolkit import experiments
from salesbook.toolkit import health as H
from salesbook.toolkit import lead_scoring as ls


@pytest.fixture(scope="module")
def parts():
    return ex.frames()


# --- Часть 1 -------------------------------------------------------------------


def test_annual_customers_without_renewal_do_not_leave():
    snap = H.snapshot("2025-01-01", *ex._tables())
    assert snap.loc[~snap["at_risk"], "churned"].sum() == 0
    assert snap.loc[snap["at_risk"], "churned"].sum() > 0


def test_single_signals_point_the_way_the_text_says(parts):
    _, test = parts
    single = ls.single_feature_auc(test, list(H.NUMERIC), target="churned")
    assert single.index[0] == "tickets_per_seat_90d"        # «сильнее всего — обращения на место»
    assert single["utilisation"] < 0.4                       # обратная связь
    assert single["days_late_last"] > 0.55                   # «просрочка тоже несёт сигнал»
    assert single["monthly_plan"] < 0.5                      # помесячный связан с уходом обратно


def test_colours_order_risk_but_most_churners_are_not_red(parts):
    _, test = parts
    c = H.colour(H.weighted_score(test)).to_numpy()
    rate = test.groupby(c)["churned"].mean()
    assert rate["red"] > rate["yellow"] > rate["green"]
    assert test.loc[c == "red", "churned"].sum() < 0.5 * test["churned"].sum()


def test_public_sector_pays_late_by_procedure(parts):
    both = pd.concat(parts)
    public = both["industry"].eq("public_sector")
    late = both["days_late_last"] > 10
    assert late[public].mean() > late[~public].mean()
    private = both[~public]
    assert private.loc[late[~public], "churned"].mean() > private.loc[~late[~public], "churned"].mean()


def test_model_beats_rule_and_weighted_score_with_interval_above_zero(parts):
    train, test = parts
    p = ex.scores()
    rule = H.old_rule(test).astype(float)
    assert ls.auc_bootstrap(test["churned"], p, other=rule, n_boot=1000, seed=2025)["low"] > 0
    assert ls.auc_bootstrap(test["churned"], p, other=-H.weighted_score(test), n_boot=1000, seed=2025)["low"] > 0
    assert 0.75 < ex.model_auc() < 0.9


def test_traps_inflate_or_deflate_auc(parts):
    train, test = parts
    honest = ex.model_auc()
    assert ex.model_auc("train") > honest                   # обучение
    assert ex.model_auc("all") < honest                     # клиенты, которые не могут уйти
    both = pd.concat([train, test], ignore_index=True)
    mask = np.random.default_rng(0).random(len(both)) < 0.7
    random_auc = ls.auc(both.loc[~mask, "churned"], H.fit_predict(both[mask], both[~mask]))
    assert random_auc > honest + 0.05


def test_calibration_bottom_near_diagonal_top_overpromises(parts):
    _, test = parts
    cal = ls.calibration_table(test["churned"], ex.scores(), n_bins=5)
    low4 = cal.iloc[:4]
    assert ((low4["predicted"] >= low4["low"]) & (low4["predicted"] <= low4["high"])).all()
    assert cal["predicted"].iloc[-1] > cal["high"].iloc[-1]


def test_capacity_top_of_list(parts):
    _, test = parts
    k = ex.capacity()
    model = ex.reached()
    rule = H.top_k_total(H.top_k(test, H.old_rule(test).astype(float) + 1e-9 * test["mrr_rub"], k))
    score = H.top_k_total(H.top_k(test, -H.weighted_score(test), k))
    assert model["caught"] >= rule["caught"]
    assert model["caught"] - rule["caught"] < 0.2 * model["churned"]   # «разница невелика»
    assert score["caught"] < model["caught"] and score["mrr_caught"] > model["mrr_caught"]
    assert model["lift"] > 2
    assert sum(k.values()) < 0.3 * len(test)                 # команда успевает верхушку, а не весь список


# --- Часть 2 -------------------------------------------------------------------


def test_naive_2024_gap_and_who_was_called():
    p = ex.plays()
    naive = H.compare_groups(p[p["program"].eq("csm_choice")])
    assert naive.loc["difference", "high"] < 0
    assert ex.q5.expected_value() < -0.05


def test_rct_interval_contains_zero_and_missed_leave_more():
    assert ex.itt() > 0                                        # «точка оценки даже против сценария»
    low, high = ex.rct_interval()
    assert low < 0 < high
    r = ex.plays()[ex.plays()["program"].eq("rct")]
    assert r.loc[r["group"].eq("play") & ~r["reached"], "churned"].mean() > ex.control_rate()


def test_power_is_low_and_needed_sample_is_years():
    p1 = ex.control_rate()
    n = experiments.sample_size_pooled(p1, p1 * 0.75)
    flagged_2025 = (table("save_plays")["program"] == "rct").sum()
    assert n > 3 * flagged_2025
    assert experiments.power_pooled(160, p1, p1 * 0.75) < 0.3
    assert 2 * n / flagged_2025 > 2


def test_decision_no_launch_and_naive_would_say_more_data():
    assert ex.decision() == "no_launch"
    low, high = ex.rct_interval()
    assert high < ex.breakeven()
    assert ex.decision("csm_choice") == "more_data"
    assert 0.005 < ex.breakeven() < 0.1


@pytest.mark.parametrize("q", [ex.q1, ex.q2, ex.q3, ex.q4, ex.q5, ex.q6, ex.q7])
def test_mistakes_differ_from_answer(q):
    expected = q.expected_value()
    for m in q.mistakes:
        if m.value is not None:
            assert not np.isclose(m.value(), expected, rtol=0.01), m.name
    assert not any(m.matches(expected) for m in q.mistakes if m.matches is not None)


def test_bad_input_gets_russian_message():
    for q in (ex.q1, ex.q4, ex.q7):
        for bad in (None, "ноль", float("nan"), table("accounts")):
            r = q.check(bad)
            assert r.status == "invalid" and any("а" <= ch <= "я" for ch in r.message.lower())
    assert ex.q8.check("масштабировать").status == "invalid"
    assert ex.q8.check("launch").status == "incorrect"
