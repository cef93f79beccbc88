"""Раздел 7.4.4: утверждения текста о чат-боте верны на данных; упражнения ловят свои ошибки."""

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from salesbook.exercises import ch07_chatbots as ex
from salesbook.exercises import table
from salesbook.toolkit import bots, experiments


@pytest.fixture(scope="module")
def chats():
    return table("chats")


@pytest.fixture(scope="module")
def funnel_v1(chats):
    return bots.step_funnel(chats[chats["flow_version"] == "v1"], bots.FLOW_V1)


def test_contact_loses_most_and_crm_is_the_worst_question(funnel_v1):
    assert funnel_v1["drop_rate"].idxmax() == "contact"
    questions = funnel_v1.drop(index="contact")
    assert questions["drop_rate"].idxmax() == "crm"
    # интервалы CRM и роли не пересекаются
    assert funnel_v1.loc["crm", "drop_low"] > funnel_v1.loc["role", "drop_high"]


def test_audit_finds_only_the_logging_glitch(chats):
    audit = bots.audit_paths(chats, table("chat_messages"))
    assert len(audit) > 0 and set(audit["transition"]) == {"intent → role"}
    assert len(audit) / len(chats) < 0.01


def test_every_route_follows_the_rule(chats):
    answers = bots.session_answers(chats, table("chat_messages"))
    routed = answers[answers["end_state"].isin(bots.ROUTED)]
    rule = [bots.route(s, i, t) for s, i, t in routed[["segment", "intent", "timeline_code"]].itertuples(index=False)]
    assert (routed["end_state"] == rule).all()
    assert set(routed.loc[routed["segment"] == "enterprise", "end_state"]) == {"meeting_booked"}


def test_question_value_table():
    t = ex.question_table()
    assert t.loc["crm", "route_change"] == 0 and t.loc["role", "route_change"] == 0
    assert t.loc["size", "route_change"] > t.loc["timeline", "route_change"] > 0
    assert t.loc["size", "sql_bits"] > 10 * t.loc["role", "sql_bits"]
    assert t.loc["crm", "sql_bits"] < 0.001 < t.loc["role", "sql_bits"]
    assert t.loc["crm", "drop_rate"] > t.loc["role", "drop_rate"]
    assert ex.q2.expected() == "crm"


def test_ab_v2_wins_and_interval_is_above_zero(chats):
    test = chats[chats["ab_test"] & chats["intent"].isin(ex.BUYER_INTENTS)]
    arms = test.groupby("flow_version").agg(n=("chat_id", "size"), x=("lead_id", "count"))
    _, p = experiments.ztest_2prop(arms.loc["v2", "x"], arms.loc["v2", "n"], arms.loc["v1", "x"], arms.loc["v1", "n"])
    low, _ = experiments.diff_confint(arms.loc["v2", "x"], arms.loc["v2", "n"], arms.loc["v1", "x"], arms.loc["v1", "n"])
    assert p < 0.05 and low > 0
    # сравнение «до и после» по всему году даёт другую цифру
    assert abs(ex.q3.mistake_value("whole_year") - ex.q3.expected()) > 0.001


def test_chat_and_form_leads_convert_alike(chats):
    leads = table("leads")
    web = leads[leads["channel"].isin(ex.WEB_CHANNELS) & leads["created_date"].dt.year.eq(2025)]
    is_chat = web["lead_id"].isin(chats["lead_id"])
    ci = {}
    for flag, g in web.groupby(is_chat):
        ci[flag] = proportion_confint(g["sql_date"].notna().sum(), len(g), method="wilson")
    assert ci[True][0] < ci[False][1] and ci[False][0] < ci[True][1]


def test_gain_is_positive_and_revenue_mistake_is_larger():
    assert ex.q4.expected() > 0
    assert ex.q4.mistake_value("revenue") > ex.q4.expected()


@pytest.mark.parametrize("q", [ex.q1, ex.q3, ex.q4])
def test_mistakes_differ_from_answer(q):
    expected = q.expected()
    for m in q.mistakes:
        assert not np.isclose(m.value(), expected, rtol=0.01), m.name


def test_timeline_carries_most_information_and_crm_is_below_noise():
    t = ex.question_table()
    assert t["sql_bits"].idxmax() == "timeline"        # «больше всех информации о SQL» — сроки, не размер
    answers = bots.session_answers(table("chats"), table("chat_messages"))
    done = answers[answers["lead_id"].notna()].join(table("leads").set_index("lead_id")["sql_date"], on="lead_id")
    sql = done["sql_date"].notna()
    assert t.loc["crm", "sql_bits"] < bots.information_noise(done["crm"], sql)
    assert t.loc["role", "sql_bits"] < bots.information_noise(done["role"], sql)
    assert t.loc["size", "sql_bits"] > 10 * bots.information_noise(done["segment"], sql)


def test_sql_guardrail_not_worse_but_interval_wide(chats):
    test = chats[chats["ab_test"] & chats["intent"].isin(ex.BUYER_INTENTS)]
    test = test.join(table("leads").set_index("lead_id")["sql_date"], on="lead_id")
    arms = test.groupby("flow_version")["sql_date"].agg(["count", "size"])
    assert arms.loc["v2", "count"] / arms.loc["v2", "size"] >= arms.loc["v1", "count"] / arms.loc["v1", "size"]
    low, high = experiments.diff_confint(arms.loc["v2", "count"], arms.loc["v2", "size"],
                                         arms.loc["v1", "count"], arms.loc["v1", "size"])
    assert low < 0 < high                       # «ловит только грубое ухудшение»


def test_before_after_is_close_to_the_test_in_synthetic_data(chats):
    buyers = chats[chats["intent"].isin(ex.BUYER_INTENTS)]
    outside = buyers[~buyers["ab_test"]].groupby("flow_version")["lead_id"].apply(lambda s: s.notna().mean())
    assert abs((outside["v2"] - outside["v1"]) - ex.q3.expected()) < 0.01


def test_gain_range_lower_bound_is_positive_and_message_shows_it():
    low, high = ex.gain_range()
    assert 0 < low < ex.q4.expected() < high
    assert "от" in ex.q4.correct_message() and "\u00a0₽" in ex.q4.correct_message()
