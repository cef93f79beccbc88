"""chats, chat_messages и voicebot_calls сходятся с leads и opportunities; заложенное — как в datasets/README.md."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.data import load
from salesbook.data.generator.dates import HOLIDAY_DATES
from salesbook.data.generator.params import bots as P
from salesbook.toolkit import bots


@pytest.fixture(scope="module")
def chats() -> pd.DataFrame:
    return load("chats")


@pytest.fixture(scope="module")
def messages() -> pd.DataFrame:
    return load("chat_messages")


@pytest.fixture(scope="module")
def calls() -> pd.DataFrame:
    return load("voicebot_calls")


def test_chat_leads_agree_with_leads(chats):
    leads = load("leads").set_index("lead_id")
    with_lead = chats[chats["lead_id"].notna()]
    joined = leads.loc[with_lead["lead_id"]]
    assert joined["channel"].isin(P.WEB_CHANNELS).all()
    assert (joined["created_date"].to_numpy() == with_lead["date"].to_numpy()).all()
    assert (joined["channel"].to_numpy() == with_lead["source"].to_numpy()).all()
    assert (joined["segment"].to_numpy() == with_lead["segment"].to_numpy()).all()


def test_messages_match_sessions(chats, messages):
    counts = messages.groupby("chat_id").size()
    assert counts.reindex(chats["chat_id"]).to_numpy().tolist() == chats["messages"].tolist()
    assert set(messages["chat_id"]) == set(chats["chat_id"])


def test_versions_and_ab_window(chats):
    before = chats[chats["date"] < P.AB_START]
    after = chats[chats["date"] > P.AB_END]
    assert set(before["flow_version"]) == {"v1"} and set(after["flow_version"]) == {"v2"}
    test = chats[chats["ab_test"]]
    share_v2 = (test["flow_version"] == "v2").mean()
    assert 0.4 < share_v2 < 0.6
    v2_states = set(chats.loc[chats["flow_version"] == "v2", "last_state"])
    assert "crm" not in v2_states


def test_only_log_glitches_break_the_flow(chats, messages):
    audit = bots.audit_paths(chats, messages)
    assert 0 < len(audit) <= 0.02 * len(chats)
    assert set(audit["transition"]) == {"intent → role"}


def test_routes_follow_the_rule(chats, messages):
    answers = bots.session_answers(chats, messages)
    routed = answers[answers["end_state"].isin(bots.ROUTED)]
    expected = [bots.route(s, i, t) for s, i, t in routed[["segment", "intent", "timeline_code"]].itertuples(index=False)]
    assert routed["end_state"].tolist() == expected


def test_voicebot_calls_agree_with_leads_and_opportunities(calls):
    leads = load("leads").set_index("lead_id")
    opps = load("opportunities")
    confirm = calls[calls["campaign"] == "confirm"]
    meeting = opps.set_index("lead_id")["created_date"].loc[confirm["lead_id"]].to_numpy().astype("datetime64[D]")
    working_day_before = np.busday_offset(meeting, -1, roll="backward", holidays=HOLIDAY_DATES)
    assert (working_day_before == confirm["date"].to_numpy().astype("datetime64[D]")).all()
    cold = leads.loc[calls.loc[calls["campaign"] == "reactivate", "lead_id"]]
    assert (cold["disqualify_reason"] == "no_response").all()
    assert (cold["created_date"] < pd.Timestamp(P.VOICE_START)).all()


def test_cost_is_per_started_minute(calls):
    minutes = -(-calls["duration_sec"] // 60)
    assert ((minutes * P.PRICE_PER_MINUTE_RUB - calls["cost_rub"]).abs() < 0.01).all()


def test_sizes_fit_the_budget():
    from pathlib import Path
    folder = Path(__file__).resolve().parents[1] / "datasets"
    total = sum((folder / f"{t}.csv").stat().st_size for t in ("chats", "chat_messages", "voicebot_calls"))
    assert total <= 1.1 * 1024 * 1024


def test_voicebot_calls_only_on_working_days(calls):
    """Бот звонит только в рабочие дни: подтверждение встречи в понедельник — в пятницу, без выходных и праздников."""
    days = calls["date"].to_numpy().astype("datetime64[D]")
    assert np.is_busday(days, holidays=HOLIDAY_DATES).all()
