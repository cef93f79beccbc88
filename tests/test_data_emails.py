"""Таблица раздела 7.4.1: первые письма SDR и BDR (outreach_emails).

Письмо — то же, что в activities (id, лид, сотрудник, дата, шаблон, исход); блоки текста
существуют и согласованы с шаблоном; в призывах и только в них — маркеры призыва;
заложенная модель ответа видна в данных, а спам-слова на ответ не действуют.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from salesbook.content import email_fragments as F
from salesbook.data import load
from salesbook.toolkit import email_scoring, sales_scripts


@pytest.fixture(scope="module")
def t():
    return {name: load(name) for name in ("outreach_emails", "activities", "leads", "reps", "accounts")}


def test_rows_agree_with_activities(t):
    e, a = t["outreach_emails"], t["activities"].set_index("activity_id")
    assert e["activity_id"].isin(a.index).all() and e["lead_id"].is_unique
    act = a.loc[e["activity_id"]]
    assert (act["type"].to_numpy() == "email").all()
    assert (act["lead_id"].to_numpy() == e["lead_id"].to_numpy()).all()
    assert (act["rep_id"].to_numpy() == e["rep_id"].to_numpy()).all()
    assert (act["date"].to_numpy() == e["sent_date"].to_numpy()).all()
    assert (act["email_template"].to_numpy() == e["template"].to_numpy()).all()
    outcome = act["outcome"].to_numpy()
    assert (e["opened"].to_numpy() == np.isin(outcome, ["opened", "replied", "meeting_booked"])).all()
    assert (e["replied"].to_numpy() == np.isin(outcome, ["replied", "meeting_booked"])).all()
    assert (e["meeting_booked"].to_numpy() == (outcome == "meeting_booked")).all()
    assert not np.isin(outcome, ["bounced"]).any()


def test_first_email_of_each_lead(t):
    a = t["activities"]
    mail = a[a["type"].eq("email") & a["lead_id"].notna() & a["touch_number"].notna()]
    first = mail.sort_values(["lead_id", "date", "activity_id"]).groupby("lead_id").head(1)
    first = first[first["outcome"] != "bounced"]
    assert set(first["activity_id"]) == set(t["outreach_emails"]["activity_id"])


def test_senders_are_sdr_or_bdr(t):
    roles = t["reps"].set_index("rep_id").loc[t["outreach_emails"]["rep_id"], "role"]
    assert set(roles) <= {"SDR", "BDR"}


def test_blocks_exist_and_follow_template(t):
    e = t["outreach_emails"]
    codes = e["blocks"].str.split()
    assert codes.map(lambda c: all(x in F.BLOCKS for x in c)).all()
    has = lambda code: codes.map(lambda c: code in c)  # noqa: E731
    pq = e["template"].eq("pain_question")
    assert codes[pq].map(lambda c: any(x in F.QUESTIONS for x in c)).all()
    assert has("p1")[e["template"].eq("case_study")].all()
    assert has("c2")[e["template"].eq("roi_calc")].all()
    trig = codes.map(lambda c: "o1" in c or "o3" in c)
    assert (trig == e["trigger"].notna()).all()


def test_cta_markers_only_in_cta_blocks():
    for code, text in F.BLOCKS.items():
        n = sum(text.lower().count(m) for m in sales_scripts.CTA_MARKERS)
        want = {"c1": 1, "c2": 1, "c3": 1, "c4": 2}.get(code, 0)
        assert n == want, code
        assert ("?" in text) == (code in F.QUESTIONS), code
        assert (email_scoring.spam_hits(text) > 0) == (code in F.SPAM), code


def test_size_budget():
    from pathlib import Path
    size = (Path(__file__).resolve().parents[1] / "datasets" / "outreach_emails.csv").stat().st_size
    assert size <= 0.8 * 1024 * 1024


def test_reply_model_visible_and_rates_realistic(t):
    e = t["outreach_emails"]
    codes = e["blocks"].str.split()
    opened = e[e["opened"]]
    oc = codes[e["opened"]]
    rate = lambda mask: opened.loc[mask.to_numpy(), "replied"].mean()  # noqa: E731
    personal = oc.map(lambda c: any(x in F.PERSONAL_OPENERS for x in c))
    spam = oc.map(lambda c: any(x in F.SPAM for x in c))
    long_ = oc.map(lambda c: "a1" in c)
    assert rate(personal) > 1.4 * rate(~personal)
    assert rate(long_) < rate(~long_)
    assert 0.7 < rate(spam) / rate(~spam) < 1.3       # спам-слова на ответ открывшего не действуют
    assert 0.03 < e["replied"].mean() < 0.10          # доля ответов на первое письмо — в опубликованных пределах
    assert re.fullmatch(r"EM\d{5}", e["email_id"].iloc[0])
