"""salesbook.toolkit.bots: сценарий-автомат, воронка по шагам, маршрут, WER и цена — на ручных примерах."""

import math

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import bots
from salesbook.toolkit.validation import MetricError


def test_flow_has_terminals_and_rejects_bad_steps():
    flow = bots.make_flow(["size", "contact"])
    assert flow["start"] == ("intent",)
    assert flow["intent"] == ("size", "agent", "dropped", "spam")
    assert set(flow["contact"]) >= set(bots.ROUTED)
    with pytest.raises(MetricError, match="контакт"):
        bots.make_flow(["size"])
    with pytest.raises(MetricError, match="неизвестные шаги"):
        bots.make_flow(["budget", "contact"])


def test_illegal_transitions():
    assert bots.illegal_transitions(["start", "intent", "size", "dropped"], bots.FLOW_V1) == []
    assert bots.illegal_transitions(["start", "intent", "crm", "dropped"], bots.FLOW_V1) == [("intent", "crm")]
    assert bots.illegal_transitions(["start", "intent", "size", "role", "timeline"], bots.FLOW_V2) == []
    assert bots.illegal_transitions(["start", "intent", "size", "role", "crm"], bots.FLOW_V2) == [("role", "crm")]


def _sessions():
    # 10 покупателей: 2 ушли на size, 1 на role, 7 дошли до contact, из них 3 ушли, 4 получили маршрут;
    # поддержка и спам в воронку не входят
    rows = ([("demo", "size", "dropped")] * 2 + [("pricing", "role", "agent")]
            + [("browse", "contact", "dropped")] * 3 + [("demo", "contact", "self_serve")] * 4
            + [("support", "intent", "agent"), ("spam", "intent", "spam")])
    return pd.DataFrame(rows, columns=["intent", "last_state", "end_state"])


def test_step_funnel_by_hand():
    flow = bots.make_flow(["size", "role", "contact"])
    f = bots.step_funnel(_sessions(), flow)
    assert f["reached"].tolist() == [10, 8, 7]
    assert f["answered"].tolist() == [8, 7, 4]
    assert f.loc["contact", "drop_rate"] == pytest.approx(3 / 7)
    low, high = bots.wilson(3, 7)
    assert f.loc["contact", "drop_low"] == pytest.approx(low) and low < 3 / 7 < high


def test_step_funnel_rejects_mixed_versions():
    s = _sessions()
    s.loc[0, "last_state"] = "crm"
    with pytest.raises(MetricError, match="одной версии"):
        bots.step_funnel(s, bots.make_flow(["size", "role", "contact"]))


def test_wilson_reproduces_published_example():
    # Newcombe (1998), Statistics in Medicine 17:857, табл. I: 81/263 → интервал Уилсона 0,2553–0,3662
    low, high = bots.wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


def test_route_rule():
    assert bots.route("enterprise", "browse", "explore") == "meeting_booked"
    assert bots.route("mid_market", "pricing", "quarter") == "meeting_booked"
    assert bots.route("mid_market", "demo", "explore") == "routed_sdr"
    assert bots.route("smb", "demo", "month") == "routed_sdr"
    assert bots.route("smb", "demo", "quarter") == "self_serve"
    with pytest.raises(MetricError, match="сегмент"):
        bots.route("big", "demo", "month")


def test_route_change_share_by_hand():
    answers = pd.DataFrame({"segment": ["smb", "smb", "smb", "enterprise"],
                            "intent": ["demo"] * 4,
                            "timeline_code": ["month", "quarter", "quarter", "quarter"]})
    # без вопроса о размере все станут smb: меняется маршрут только у enterprise — 1 из 4
    assert bots.route_change_share(answers, "size") == pytest.approx(0.25)
    # без вопроса о сроках все станут quarter: у первой сессии routed_sdr → self_serve
    assert bots.route_change_share(answers, "timeline") == pytest.approx(0.25)
    assert bots.route_change_share(answers, "crm") == 0


def test_information_bits():
    a = pd.Series(["x", "x", "y", "y"])
    assert bots.information_bits(a, pd.Series([1, 1, 0, 0])) == pytest.approx(1.0)   # ответ полностью задаёт исход
    assert bots.information_bits(a, pd.Series([1, 0, 1, 0])) == pytest.approx(0.0)   # ответ ничего не говорит


def test_wer_reproduces_torchmetrics_example():
    # пример из документации torchmetrics WordErrorRate: WER = 0,5
    preds = ["this is the prediction", "there is an other sample"]
    target = ["this is the reference", "there is another one"]
    assert bots.wer(target, preds) == pytest.approx(0.5)
    assert bots.word_errors("a b c", "a c") == 1 and bots.word_errors("a b", "a b x") == 1
    with pytest.raises(MetricError):
        bots.wer(["a"], ["a", "b"])


def test_call_rates_sum_to_one_and_skip_no_answer():
    calls = pd.DataFrame({"outcome": ["confirmed", "declined", "escalated", "hung_up", "no_answer"]})
    r = bots.call_rates(calls).iloc[0]
    assert r["answered"] == 4
    assert (r["containment"], r["escalation"], r["hangup"]) == (0.5, 0.25, 0.25)
    with pytest.raises(MetricError, match="отвеченных"):
        bots.call_rates(pd.DataFrame({"outcome": ["no_answer"]}))


def test_cost_and_break_even():
    assert bots.cost_per_outcome(1000, 4) == 250
    # бот: 30 000 ₽ в месяц + 10 ₽ за звонок, человек — 40 ₽ за звонок: 1000 звонков
    assert bots.break_even_volume(30_000, 10, 40) == pytest.approx(1000)
    assert math.isinf(bots.break_even_volume(30_000, 50, 40))
    with pytest.raises(MetricError):
        bots.cost_per_outcome(1000, 0)


def test_call_step_funnel_by_hand():
    calls = pd.DataFrame({"outcome": ["no_answer", "hung_up", "hung_up", "confirmed", "escalated"],
                          "steps_reached": [0, 1, 3, 4, 4]})
    f = bots.call_step_funnel(calls)
    assert f["reached"].tolist() == [4, 3, 3, 2]
    assert f["hung_up"].tolist() == [1, 0, 1, 0]
    assert f.loc["greeting", "hangup_rate"] == pytest.approx(0.25)
    assert bots.illegal_transitions(["start", "greeting", "question"], bots.VOICE_FLOW) == [("greeting", "question")]


def test_information_noise_is_small_and_positive_for_unrelated_answers():
    rng = np.random.default_rng(1)
    answer = pd.Series(rng.choice(list("abcd"), 400))
    outcome = pd.Series(rng.random(400) < 0.2)
    noise = bots.information_noise(answer, outcome, shuffles=100)
    assert 0 < noise < 0.05
    assert bots.information_bits(outcome.map({True: "x", False: "y"}), outcome) > 10 * noise


def test_wer_interval_contains_estimate_and_rejects_bad_size():
    calls = pd.DataFrame({"outcome": ["confirmed"] * 40, "words": [40] * 40, "asr_errors": list(range(40))})
    est, low, high = bots.wer_interval(calls, 20)
    assert low <= est <= high
    with pytest.raises(MetricError):
        bots.wer_interval(calls, 100)
