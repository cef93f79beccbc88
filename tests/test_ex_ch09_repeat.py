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


def test_fit_says_almost_everyone_leaves_after_a_repeat_purchase():
    fit = ex.calibration_fit()
    assert fit.mean_dropout > 0.7
    # a и b уходят к границе поиска при постоянном a / (a + b): разнородности в p данные не видят
    assert fit.at_bound and fit.a > 1e4 and fit.b > 1e3


def test_model_overforecasts_2025_and_error_sits_with_old_buyers():
    s, fit = ex.calibration(), ex.calibration_fit()
    pred = fit.conditional_expected_purchases(s["holdout_weeks"].iloc[0], s["frequency"], s["recency"], s["T"]).sum()
    assert pred > 1.5 * s["holdout_purchases"].sum()                 # «модель ждала … покупок, а было …»
    bt = ex.backtest()
    fresh, old = bt.iloc[0], bt.iloc[2:]
    assert fresh["low"] <= fresh["predicted"] <= fresh["high"]      # у недавних прогноз внутри интервала
    assert (old["actual"] == 0).all()                               # давние не купили ни одного пакета
    assert (old["high"] < old["predicted"]).all()                   # и прогноз выше верхней границы интервала


def test_p_alive_is_one_without_repeat_purchases_and_recency_paradox():
    fit = ex.calibration_fit()
    assert fit.p_alive(0, 0, 100.0) == 1.0
    assert fit.p_alive(1, 40, 52) > fit.p_alive(1, 4, 52) > fit.p_alive(3, 4, 52)
    assert ex.q2.expected_value() == ("A", "B", "C")


def test_only_recent_buyers_are_worth_an_sms_after_backtest():
    offer = ex.q3.expected_value()
    assert offer["send"].tolist() == [True, False, False, False]
    naive = ex.q3.mistake_value("uncalibrated")
    assert naive["send"].sum() > offer["send"].sum()                # без поправки рассылка шире
    # вывод не зависит от того, берём ли точку или верхнюю границу интервала проверки у давних групп
    seg, bt = ex.offer_segments(), ex.backtest()
    upper = ex.UPLIFT * seg["expected"] * (bt["high"] / bt["predicted"]) * ex.pack_price() * ex.b2c_margin() - ex.SMS_COST_RUB
    assert (upper.iloc[2:] < 0).all()


def test_pack_price_and_margin_from_data():
    assert ex.pack_price() == 749
    assert 0.5 < ex.b2c_margin() < 1


def test_q1_users_mix_repeaters_and_one_time_buyers():
    rfm = ex.q1.expected_value()
    assert len(rfm) == 5 and (rfm["frequency"] > 0).sum() == 3
    # выбраны покупатели без двух покупок в один день: groupby(size) даёт то же, что склейка по дням
    cal = ex.packs()[(pd.to_datetime(ex.packs()["date"]) < ex.CUTOFF) & ex.packs()["user_id"].isin(ex.q1_users())]
    assert (cal.groupby("user_id").size() - 1).sort_index().tolist() == rfm.set_index("user_id")["frequency"].sort_index().tolist()


# --- упражнения: решение проходит, ошибки ловятся своими подсказками, плохой вход — по-русски ---------------


def test_solutions_pass():
    for q in (ex.q1, ex.q2, ex.q3):
        assert q.check(q.expected_value()).status == "correct", q.id


@pytest.mark.parametrize("q", [ex.q1, ex.q3])
def test_each_mistake_gets_its_hint(q):
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


def test_q3_mistakes_differ_in_decision_or_value():
    right = ex.q3.expected_value()
    for m in ex.q3.mistakes:
        wrong = ex.q3.mistake_value(m.name)
        assert not np.allclose(wrong["net_value_rub"], right["net_value_rub"], rtol=0.01), m.name


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
    hand = ex.q1.expected_value().set_index("user_id")
    assert np.allclose(s[["frequency", "recency", "T"]].to_numpy(float), hand.to_numpy(float))
