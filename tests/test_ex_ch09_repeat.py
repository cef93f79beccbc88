"""Раздел 9.3, часть 2: утверждения текста о повторных покупках верны на данных; упражнения ловят свои ошибки."""

import numpy as np
import pandas as pd
import pytest

from salesbook.exercises import ch09_repeat as ex
from salesbook.toolkit import repeat_purchase as rp


def test_most_pack_buyers_buy_once_and_summary_is_consistent():
    s = ex.calibration()
    assert (s["frequency"] == 0).mean() > 0.6
    assert ((s["recency"] > 0) == (s["frequency"] > 0)).all()
    assert (s["recency"] <= s["T"]).all() and (s["T"] > 0).all()
    assert s["holdout_purchases"].sum() > 0


def test_teaching_base_recovers_cdnow_parameters_and_passes_holdout():
    fit, true = ex.teaching_fit(), rp.BGNBDFit(**ex.TEACH_PARAMS, log_likelihood=0.0, n=1)
    assert fit.r == pytest.approx(true.r, rel=0.15) and fit.alpha == pytest.approx(true.alpha, rel=0.15)
    assert fit.mean_dropout == pytest.approx(true.mean_dropout, abs=0.05)
    assert fit.mean_rate == pytest.approx(true.mean_rate, rel=0.1)
    check = rp.holdout_check(ex.teaching_base(), fit, max_frequency=4, n_sim=1000)
    assert ((check["actual"] >= check["pred_low"]) & (check["actual"] <= check["pred_high"])).all()


def test_frequency_paradox_on_teaching_model():
    fit = ex.teaching_fit()
    assert fit.p_alive(0, 0, 39.0) == 1.0
    assert fit.p_alive(1, 30, 39) > fit.p_alive(1, 4, 39) > fit.p_alive(3, 4, 39)   # упражнение 2
    assert ex.q2.expected_value() == ("A", "B", "C")
    # карта: в левом столбце P(жив) падает с частотой, в правом — растёт
    assert fit.p_alive(1, 4, 39) > fit.p_alive(8, 4, 39) and fit.p_alive(1, 39, 39) < fit.p_alive(8, 39, 39)
    # правая панель: при давней покупке ожидание сначала растёт с частотой, потом падает; при недавней — растёт
    old = [fit.conditional_expected_purchases(39, n, 13, 39.0) for n in (1, 2, 8)]
    assert old[1] > old[0] > old[2]
    recent = [fit.conditional_expected_purchases(39, n, 35, 39.0) for n in (1, 2, 3, 5, 8)]
    assert np.all(np.diff(recent) > 0)


def test_pack_fit_is_degenerate_and_mbgnbd_fits_better():
    fit, mfit = ex.calibration_fit(), ex.calibration_mfit()
    assert fit.mean_dropout > 0.7 and fit.at_bound and fit.a > 1e4 and fit.b > 1e3
    assert mfit.log_likelihood > fit.log_likelihood and mfit.modified


def test_bgnbd_overforecasts_one_time_buyers_and_mbgnbd_passes():
    s = ex.calibration()
    groups = pd.Series(np.where(s["frequency"] > 0, "1 и больше", "0"), index=s.index)
    bg = rp.holdout_check(s, ex.calibration_fit(), groups, n_sim=2000)
    mbg = rp.holdout_check(s, ex.calibration_mfit(), groups, n_sim=2000)
    assert bg.loc["0", "actual"] < bg.loc["0", "pred_low"]                     # факт вне диапазона BG/NBD
    assert 2 < bg.loc["0", "predicted"] / bg.loc["0", "actual"] < 4           # «в … раза выше факта» — около трёх
    assert bg.loc["1 и больше", "pred_low"] <= bg.loc["1 и больше", "actual"] <= bg.loc["1 и больше", "pred_high"]
    assert ((mbg["actual"] >= mbg["pred_low"]) & (mbg["actual"] <= mbg["pred_high"])).all()
    bt = ex.backtest()
    old = bt.iloc[2:]
    assert (old["actual"] < old["bg_low"]).all() and (bt["actual"] <= bt["mbg_high"]).all()
    assert bt["bg"].sum() > 1.5 * bt["actual"].sum()


def test_recency_rule_ranks_better_than_bgnbd_and_like_mbgnbd():
    auc = ex.ranking()
    rule, mbg, bg, palive = auc["auc"]
    assert rule > bg and palive < 0.6
    assert abs(rule - mbg) < auc["high"].iloc[0] - auc["low"].iloc[0]
    assert (auc["buyers"] < 50).all()                                           # «интервалы широкие»: покупок мало


def test_breakeven_uplift_moderate_for_recent_and_huge_for_lapsed():
    offer = ex.q3.expected_value()["breakeven_uplift"]
    assert offer.is_monotonic_increasing
    assert offer.iloc[0] < 1 < offer.iloc[2]                                    # недавним хватает умеренного прироста
    seg = ex.offer_segments()
    assert (seg["expected_window"] < seg["expected_year"]).all()


def test_early_packs_dominate():
    from salesbook.data import load
    p = ex.packs()
    signup = load("b2c_users").set_index("user_id")["signup_date"]
    age = (pd.to_datetime(p["date"]) - pd.to_datetime(p["user_id"].map(signup))).dt.days
    assert (age < 183).mean() > 0.8                                             # «почти все … в первые полгода»


def test_pack_price_and_margin_from_data():
    assert ex.pack_price() == 749
    assert 0.5 < ex.b2c_margin() < 1


def test_q1_users_cover_the_traps():
    users = ex.q1_users()
    assert len(users) == 5 and len(set(users)) == 5
    p = ex.packs()[ex.packs()["user_id"].isin(users)]
    d = pd.to_datetime(p["date"])
    cal = p[d < pd.Timestamp(ex.CUTOFF)]
    assert (cal.groupby("user_id")["date"].nunique() < cal.groupby("user_id").size()).any()   # два чека в один день
    assert (d >= pd.Timestamp(ex.CUTOFF)).any()                                                  # покупка 2025 года
    rfm = ex.q1.expected_value()
    assert (rfm["frequency"] > 0).sum() >= 2 and (rfm["frequency"] == 0).sum() >= 1


# --- упражнения: решение проходит, ошибки ловятся своими подсказками, плохой вход — по-русски ---------------


def test_solutions_pass():
    for q in (ex.q1, ex.q2, ex.q3):
        assert q.check(q.expected_value()).status == "correct", q.id


@pytest.mark.parametrize("q", [ex.q1, ex.q3])
def test_each_mistake_gets_its_hint(q):
    # решение с этой ошибкой — проверка отвечает именно её подсказкой
    for m in q.mistakes:
        result = q.check(q.mistake_value(m.name))
        assert result.status == "incorrect", m.name
        assert result.message == m.hint, m.name


@pytest.mark.parametrize("answer, name", [
    (["B", "A", "C"], "recency_as_ago"),
    (["C", "A", "B"], "frequency_first"),
    (["A", "C", "B"], "c_above_b"),
])
def test_q2_mistakes(answer, name):
    hint = next(m.hint for m in ex.q2.mistakes if m.name == name)
    result = ex.q2.check(answer)
    assert result.status == "incorrect" and result.message == hint


def test_q2_accepts_string_and_rejects_incomplete():
    assert ex.q2.check("A, B, C").status == "correct"
    assert ex.q2.check("a > b > c").status == "correct"
    r = ex.q2.check(["A", "B"])
    assert r.status == "invalid" and "по одному разу" in r.message


def test_q3_mistakes_differ_from_answer():
    right = ex.q3.expected_value()
    for m in ex.q3.mistakes:
        wrong = ex.q3.mistake_value(m.name)
        assert not np.allclose(wrong["breakeven_uplift"], right["breakeven_uplift"], rtol=0.01), m.name


@pytest.mark.parametrize("q", [ex.q1, ex.q2, ex.q3])
@pytest.mark.parametrize("bad", [None, "ответ", float("nan"), pd.DataFrame({"x": [1]})])
def test_bad_input_gets_russian_message(q, bad):
    result = q.check(bad)
    assert result.status in {"invalid", "incorrect"}
    assert "Traceback" not in result.message
    assert any("а" <= ch <= "я" for ch in result.message.lower())


def test_blank_is_unattempted():
    from salesbook.runtime.checks import ___
    for q in (ex.q1, ex.q2, ex.q3):
        assert q.check(___).status == "unattempted"


def test_q1_wrong_column_types_message():
    bad = ex.q1.expected_value().assign(frequency="много")
    r = ex.q1.check(bad)
    assert r.status == "invalid" and "не числа" in r.message


def test_rfm_summary_matches_q1_by_hand():
    s = rp.rfm_summary(ex.packs(), ex.CUTOFF).loc[ex.q1_users()]
    hand = ex.q1.expected_value().set_index("user_id").loc[s.index]
    assert np.allclose(s[["frequency", "recency", "T"]].to_numpy(float), hand.to_numpy(float))
