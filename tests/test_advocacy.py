"""Инструменты раздела 9.4: NPS с интервалом, отток после опроса, реферальная экономика, референсы, калькулятор."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from salesbook.data import load
from salesbook.runtime import widgets
from salesbook.toolkit import advocacy, course, funnel
from salesbook.toolkit.validation import MetricError


def _scores(promoters: int, passives: int, detractors: int) -> list[int]:
    return [10] * promoters + [8] * passives + [3] * detractors


# --- NPS ---------------------------------------------------------------------------------------------


def test_nps_interval_matches_multinomial_formula():
    s = _scores(50, 30, 20)  # p = 0,5, d = 0,2, n = 100
    point, low, high = advocacy.nps_interval(s)
    se = 100 * math.sqrt((0.5 + 0.2 - 0.3 ** 2) / 100)
    assert point == pytest.approx(30.0)
    assert (high - low) / 2 == pytest.approx(1.959964 * se, rel=1e-5)
    # то же, что Var(p) + Var(d) − 2 Cov(p, d) для полиномиальной выборки
    var = (0.5 * 0.5 + 0.2 * 0.8 + 2 * 0.5 * 0.2) / 100
    assert se == pytest.approx(100 * math.sqrt(var))


def test_nps_interval_is_clipped_and_point_is_funnel_nps():
    s = _scores(5, 0, 0)
    point, low, high = advocacy.nps_interval(s)
    assert point == funnel.nps(s) == 100 and high == 100 and low == 100
    assert advocacy.nps_interval(_scores(1, 1, 1))[1] >= -100


def test_bootstrap_agrees_with_normal_interval_on_large_sample():
    s = _scores(400, 350, 250)
    _, low, high = advocacy.nps_interval(s)
    b_low, b_high = advocacy.nps_bootstrap(s, n_boot=4000)
    assert b_low == pytest.approx(low, abs=1.0) and b_high == pytest.approx(high, abs=1.0)


def test_nps_change_detects_large_not_small_shift():
    small = advocacy.nps_change(_scores(40, 40, 20), _scores(45, 35, 20))
    assert small["change"] == pytest.approx(5.0) and small["low"] < 0 < small["high"] and small["p_value"] > 0.05
    big = advocacy.nps_change(_scores(400, 400, 200), _scores(600, 300, 100))
    assert big["low"] > 0 and big["p_value"] < 0.001
    assert big["se"] == pytest.approx(100 * math.sqrt(advocacy._var_share(np.array(_scores(400, 400, 200)))
                                                      + advocacy._var_share(np.array(_scores(600, 300, 100)))))


def test_paired_nps_change_subtracts_covariance():
    ids = [f"A{i}" for i in range(300)]
    before = _scores(120, 100, 80)
    after = before[:]                       # те же клиенты ответили так же: разница 0, интервал почти нулевой
    same = advocacy.nps_change(before, after, before_ids=ids, after_ids=ids)
    assert same["change"] == 0 and same["se"] == pytest.approx(0, abs=1e-9)
    independent = advocacy.nps_change(before, after)
    assert independent["se"] > 5
    other = advocacy.nps_change(before, after, before_ids=ids, after_ids=[f"B{i}" for i in range(300)])
    assert other["se"] == pytest.approx(independent["se"])   # никто не ответил дважды — поправки нет
    with pytest.raises(MetricError):
        advocacy.nps_change(before, after, before_ids=ids)
    with pytest.raises(MetricError):
        advocacy.nps_change(before, after, before_ids=ids[:10], after_ids=ids[:10])


def test_quarter_changes_and_stability_match_pairwise():
    rng = np.random.default_rng(1)
    rows = [(f"A{i}", q, int(rng.integers(0, 11))) for i in range(400) for q in ("2025Q1", "2025Q2", "2025Q3")
            if rng.random() < 0.6]
    survey = pd.DataFrame(rows, columns=["account_id", "quarter", "nps"])
    changes = advocacy.nps_quarter_changes(survey)
    a, b = survey[survey["quarter"] == "2025Q1"], survey[survey["quarter"] == "2025Q2"]
    pair = advocacy.nps_change(a["nps"], b["nps"], before_ids=a["account_id"], after_ids=b["account_id"])
    assert changes.iloc[0]["change"] == pytest.approx(pair["change"])
    assert changes.iloc[0]["se"] == pytest.approx(pair["se"], rel=1e-9)
    assert (changes["p_holm"] >= changes["p_value"]).all()
    test = advocacy.nps_stability_test(survey)
    assert test["df"] == 2 and 0 <= test["p_value"] <= 1 and test["slope_low"] < test["slope"] < test["slope_high"]
    flat = survey.assign(nps=9)
    assert advocacy.nps_stability_test(flat.assign(nps=np.where(flat.index % 2, 9, 3)))["chi2"] >= 0
    with pytest.raises(MetricError):
        advocacy.nps_stability_test(survey[survey["quarter"] != "2025Q3"])


def test_churn_ratio_interval():
    c = pd.DataFrame({"customers": [100.0, 100.0], "churned": [30.0, 10.0]}, index=["detractor", "promoter"])
    r = advocacy.churn_ratio(c, "detractor", "promoter")
    assert r["ratio"] == pytest.approx(3.0)
    half = 1.959964 * math.sqrt(1 / 30 - 1 / 100 + 1 / 10 - 1 / 100)
    assert r["low"] == pytest.approx(3 * math.exp(-half), rel=1e-5) and r["high"] == pytest.approx(3 * math.exp(half), rel=1e-5)
    with pytest.raises(MetricError):
        advocacy.churn_ratio(c, "passive", "promoter")


def test_extra_customer_cac():
    base = {"cost": 100.0, "first_cycle": 10.0}
    assert advocacy.extra_customer_cac(base, {"cost": 300.0, "first_cycle": 20.0}) == pytest.approx(20.0)
    assert math.isinf(advocacy.extra_customer_cac(base, {"cost": 300.0, "first_cycle": 10.0}))
    assert math.isnan(advocacy.extra_customer_cac(base, base))


def test_nps_parts_and_categories():
    parts = advocacy.nps_parts([10, 9, 8, 7, 6, 0, None])
    assert parts["n"] == 6 and parts["promoters"] == pytest.approx(1 / 3) and parts["passives"] == pytest.approx(1 / 3)
    assert parts["nps"] == pytest.approx(0.0)
    cat = advocacy.nps_category(pd.Series([10, 8, 6, None]))
    assert cat.tolist()[:3] == ["promoter", "passive", "detractor"] and cat.iloc[3] is None


@pytest.mark.parametrize("bad", [None, "девять", [], [np.nan, np.nan], [11, 5], pd.DataFrame({"nps": [9]})])
def test_bad_scores_give_russian_message(bad):
    with pytest.raises(MetricError) as e:
        advocacy.nps_interval(bad)
    assert any(ch in str(e.value) for ch in "абвгдеёжзийклмнопрстуфхцчшщыэюя")


def test_bad_level_gives_russian_message():
    with pytest.raises(MetricError, match="доля"):
        advocacy.nps_interval([9, 10], level=95)


@pytest.fixture(scope="module")
def survey():
    return advocacy.nps_survey(load("product_usage"), load("accounts"))


def test_survey_holds_every_answer_once_per_quarter(survey):
    usage = load("product_usage")
    assert survey["answered"].sum() == usage["nps"].notna().sum()
    assert not survey.duplicated(["account_id", "quarter"]).any()
    rate = survey["answered"].mean()
    assert 0.40 < rate < 0.50                      # README: отвечают ≈ 45 %


def test_nps_by_period_has_intervals(survey):
    q = advocacy.nps_by_period(survey)
    assert (q["low"] <= q["nps"]).all() and (q["nps"] <= q["high"]).all()
    assert (q["response_rate"] == q["answered"] / q["surveyed"]).all()


def test_churn_after_survey_orders_categories_and_nonresponders_look_average(survey):
    c = advocacy.churn_after_survey(survey, load("accounts"), *course.YEAR_2024)
    assert c.loc["detractor", "churn_rate"] > c.loc["passive", "churn_rate"] > c.loc["promoter", "churn_rate"]
    assert c.loc["detractor", "low"] > c.loc["promoter", "high"]
    answered = c.drop(index="no_answer")
    overall = answered["churned"].sum() / answered["customers"].sum()
    assert c.loc["no_answer", "low"] < overall < c.loc["no_answer", "high"]
    with pytest.raises(MetricError):
        advocacy.churn_after_survey(survey, load("accounts"), "2030-01-01", "2030-12-31")


# --- реферальная программа ---------------------------------------------------------------------------


def test_referral_funnel_and_costs():
    r, o = load("referrals"), load("opportunities")
    f = advocacy.referral_funnel(r, o, advocacy.REFERRAL_LAUNCH, course.DATA_END)
    assert f["invitations"] == len(r) and f["invite_to_won"] == pytest.approx(f["won"] / f["invitations"])
    costs = advocacy.referral_costs(r, *course.YEAR_2025)
    assert costs["fixed"] == 12 * advocacy.PROGRAMME_FIXED_MONTHLY_RUB
    assert costs["rewards"] == pytest.approx(r.loc[r["reward_date"].dt.year == 2025, "reward_rub"].sum())
    won = advocacy.referral_customers(r, o, *course.YEAR_2025)
    assert (won["outcome"] == "won").all() and won["close_date"].dt.year.eq(2025).all()
    with pytest.raises(MetricError):
        advocacy.referral_funnel(o, o, *course.YEAR_2025)


def test_viral_coefficient_and_amplification():
    assert advocacy.viral_coefficient(2, 0.1) == pytest.approx(0.2)
    assert advocacy.amplification(0.2) == pytest.approx(1.25)
    assert math.isinf(advocacy.amplification(1.0))
    with pytest.raises(MetricError, match="доля"):
        advocacy.viral_coefficient(2, 10)


def test_referral_scenario_arithmetic():
    r = advocacy.referral_scenario(customers=1000, share_referring=0.2, invites_per_referrer=2, conversion=0.05,
                                   reward_rub=10_000, arpa=20_000, gross_margin=0.8, cycle_months=6,
                                   paid_cac=300_000, fixed_monthly_rub=50_000, cycles=4)
    assert r["k"] == pytest.approx(0.02)
    assert r["first_cycle"] == pytest.approx(20)
    assert r["by_cycle"] == pytest.approx([20, 0.4, 0.008, 0.00016])
    assert r["cac"] == pytest.approx(10_000 + 50_000 * 6 / 20)
    assert r["payback_months"] == pytest.approx(r["cac"] / 16_000)
    assert r["cac_to_paid"] == pytest.approx(r["cac"] / 300_000)
    zero = advocacy.referral_scenario(1000, 0.0, 2, 0.05, 10_000, 20_000, 0.8, 6, 300_000)
    assert math.isinf(zero["cac"])
    with pytest.raises(MetricError):
        advocacy.referral_scenario(1000, 20, 2, 0.05, 10_000, 20_000, 0.8, 6, 300_000)


def test_max_reward():
    assert advocacy.max_reward(20_000, 0.8, 12, 50_000) == pytest.approx(12 * 16_000 - 50_000)
    assert advocacy.max_reward(1_000, 0.8, 12, 50_000) < 0


# --- референсы -------------------------------------------------------------------------------------


def test_pool_needed():
    assert advocacy.pool_needed(40, 2, 0.7) == 29
    assert advocacy.pool_needed(28, 2, 1.0) == 14
    with pytest.raises(MetricError):
        advocacy.pool_needed(40, 0)


def test_reference_tables():
    q = advocacy.reference_quarters(load("reference_requests"), load("reference_accounts"))
    assert (q["requests"] == q[["call_held", "declined", "no_reference"]].sum(axis=1)).all()
    assert (q["max_calls_per_reference"] <= advocacy.REFERENCE_CALL_CAP).all()
    w = advocacy.reference_win_rates(load("reference_requests"), load("opportunities"), load("opportunity_stages"),
                                     *course.YEARS_2024_2025)
    assert set(w.index) == {"call_held", "asked_no_call", "not_asked"}
    assert ((w["low"] <= w["win_rate"]) & (w["win_rate"] <= w["high"])).all()
    assert ((q["pool_avg"] >= 0) & (q["pool_avg"] <= q["pool_at_start"].shift(-1).fillna(1e9) + 1e-9)).all()
    gap = advocacy.reference_call_gap(load("reference_requests"), load("opportunities"), *course.YEARS_2024_2025)
    assert gap["deals_call"] == w.loc["call_held", "deals"]
    assert gap["low"] < gap["diff"] < gap["high"]
    with pytest.raises(MetricError):
        advocacy.reference_call_gap(load("reference_requests"), load("opportunities"), "2030-01-01", "2030-12-31")


# --- калькулятор -------------------------------------------------------------------------------------


def _scenario(**kw):
    args = dict(customers=900, share_referring=0.25, invites_per_referrer=1.5, conversion=0.025, reward_rub=20_000,
                arpa=18_000, gross_margin=0.775, cycle_months=6, paid_cac=380_000)
    args.update(kw)
    return advocacy.referral_scenario(**args)


def test_referral_text_is_russian_and_states_k():
    text = widgets.referral_text(_scenario())
    assert "Вирусный коэффициент k" in text and "двигатель роста" in text and "\u00a0₽" in text
    assert "никогда" not in text
    assert "не определён" in widgets.referral_text(_scenario(share_referring=0.0))
    assert "k ≥ 1" in widgets.referral_text(_scenario(share_referring=0.6, invites_per_referrer=10, conversion=0.3))


def test_referral_text_words_and_numbers():
    text = widgets.referral_text(_scenario(customers=774, cycle_months=12))
    assert "774\u00a0клиента" in text and "мес.." not in text and "12,0\u00a0мес.;" in text
    assert "по 1,5\u00a0приглашения" in text and "раза дешевле платных каналов" in text
    assert "по 1\u00a0приглашению" in widgets.referral_text(_scenario(invites_per_referrer=1.0))
    assert "не окупается" in widgets.referral_text(_scenario(share_referring=0.01, invites_per_referrer=0.5, conversion=0.005))
    assert widgets.cac_ratio_text(38.0) == "в 38\u00a0раз дороже платных каналов"
    assert widgets.cac_ratio_text(1 / 5.5) == "в 5,5\u00a0раза дешевле платных каналов"


def test_referral_chart_is_png():
    assert widgets.referral_chart_png(_scenario())[:8] == b"\x89PNG\r\n\x1a\n"


def test_referral_calculator_updates():
    box = widgets.referral_calculator()
    assert set(box.sliders) == set(widgets.REFERRAL_SLIDERS)
    assert not any(s.readout for s in box.sliders.values())     # числа — по-русски в тексте итога
    before = box.result.value
    box.sliders["reward_rub"].value = 100_000.0
    assert box.result.value != before
