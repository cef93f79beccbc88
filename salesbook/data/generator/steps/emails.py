"""Первые письма SDR и BDR лидам с текстом из блоков (раздел 7.4.1).

Таблица выводится из ``activities``: берётся первое письмо каждому лиду (не вернувшееся),
его дата, сотрудник, шаблон и исход — они не меняются. Шаг подбирает письму свойства текста
(персонализация, вопрос, длина, тяжёлый язык, число призывов, рекламная строка) так, чтобы
при записанном исходе выполнялась модель ответа из ``params/emails.py``: для открывших
письмо P(свойства | ответил) ∝ P(свойства) · m(свойства), P(свойства | не ответил) ∝
P(свойства) · (1 − q · m / E[m]), где m — произведение множителей, q — доля ответивших среди
открывших в том же шаблоне. У неоткрытых писем свойства — просто из P(свойства).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from salesbook.content import email_fragments as F
from salesbook.data.generator.context import Context
from salesbook.data.generator.params import emails as P
from salesbook.data.generator.pipeline import step

_LENGTHS = ("short", "mid", "long")
_REPLIED = ("replied", "meeting_booked")


def _combos() -> pd.DataFrame:
    """Все сочетания свойств текста и их множитель ответа m."""
    rows = list(itertools.product((0, 1), (0, 1), _LENGTHS, (0, 1), (0, 1, 2), (0, 1)))
    c = pd.DataFrame(rows, columns=["personal", "question", "length", "hard", "cta", "spam"])
    c["lift"] = (np.where(c["personal"] == 1, P.LIFT_PERSONAL, 1.0) * np.where(c["question"] == 1, P.LIFT_QUESTION, 1.0)
                 * c["length"].map(P.LIFT_LENGTH) * np.where(c["hard"] == 1, P.LIFT_HARD, 1.0)
                 * c["cta"].map(P.LIFT_CTA) * np.where(c["spam"] == 1, P.LIFT_SPAM, 1.0))
    return c


def _prior(c: pd.DataFrame, template: str) -> np.ndarray:
    """P(свойства) для шаблона: свойства независимы, шаблон задаёт обязательные блоки."""
    p_pers = P.P_PERSONAL_INBOUND if template == "welcome_followup" else P.P_PERSONAL
    p_q = 1.0 if template == "pain_question" else P.P_QUESTION
    p_len = dict(P.P_LENGTH)
    if template == "case_study":                      # у кейса всегда есть доказательство
        p_len = {"short": 0.0, "mid": P.P_LENGTH["mid"], "long": P.P_LENGTH["long"]}
    if template == "breakup":                         # прощальное письмо — короткое
        p_len = {"short": 1.0, "mid": 0.0, "long": 0.0}
    p_cta = {0: 0.0, 1: 1.0, 2: 0.0} if template == "roi_calc" else P.P_CTA   # «пришлю расчёт»
    total_len = sum(p_len.values())
    pr = (np.where(c["personal"] == 1, p_pers, 1 - p_pers) * np.where(c["question"] == 1, p_q, 1 - p_q)
          * c["length"].map(lambda v: p_len[v] / total_len) * np.where(c["hard"] == 1, P.P_HARD, 1 - P.P_HARD)
          * c["cta"].map(p_cta) * np.where(c["spam"] == 1, P.P_SPAM, 1 - P.P_SPAM))
    return np.asarray(pr, dtype=float)


def _blocks(rng, f: pd.Series, template: str, has_trigger: bool) -> str:
    """Коды блоков письма по его свойствам, в порядке блоков в тексте."""
    pick = lambda keys: keys[rng.integers(len(keys))]  # noqa: E731
    out = [rng.choice(list(P.P_GREETING), p=list(P.P_GREETING.values()))]
    if template == "breakup":
        out.append("o7")
    if f["personal"]:
        if template == "welcome_followup":
            out.append("o3")
        else:
            out.append("o1" if has_trigger else "o2")
    elif template == "welcome_followup":
        out.append("o6")
    elif template != "breakup":
        out.append(pick(("o4", "o5")))
    values = F.HARD_VALUES if f["hard"] else F.EASY_VALUES
    if f["length"] == "short":
        out.append(pick(values))
    else:
        out.extend(values)
        out.append("p1" if template == "case_study" else pick(("p1", "p2", "p3")))
    if f["length"] == "long":
        out.extend(("a1", "a2"))
    if f["spam"]:
        out.append(pick(tuple(F.SPAM)))
    if f["question"]:
        out.append(pick(tuple(F.QUESTIONS)))
    cta = {0: "c0", 1: "c2" if template == "roi_calc" else pick(F.ONE_CTA), 2: "c4"}[int(f["cta"])]
    out.append(cta)
    return " ".join(out)


@step("первые письма SDR и BDR", reads=("tables.activities",),
      writes=("tables.outreach_emails",), streams=("emails",))
def make_outreach_emails(ctx: Context, rng) -> None:
    """Таблица outreach_emails: первое письмо каждому лиду, его блоки текста и исход."""
    acts = ctx.tables["activities"]
    emails = np.flatnonzero(acts.select(
        lambda c: (c["type"] == "email") & c["lead_id"].notna() & (c["lead_id"] != "") & c["touch_number"].notna(),
        "type", "lead_id", "touch_number"))
    # первое письмо лиду — раньше всех по (дате, activity_id), то есть его первая строка: таблица
    # activities упорядочена по дате, а номера activity_id одной ширины растут по строкам
    first = ~acts.rows(emails, ["lead_id"])["lead_id"].duplicated().to_numpy()
    mail = acts.rows(emails[first], ["activity_id", "rep_id", "lead_id", "date", "email_template", "outcome"])
    mail = mail[mail["outcome"] != "bounced"].reset_index(drop=True)
    opened = mail["outcome"].isin(("opened",) + _REPLIED).to_numpy()
    replied = mail["outcome"].isin(_REPLIED).to_numpy()
    combos = _combos()
    lift = combos["lift"].to_numpy()
    chosen = np.empty(len(mail), dtype=int)
    u = rng.random(len(mail))
    for template, idx in mail.groupby("email_template").indices.items():
        prior = _prior(combos, template)
        prior = prior / prior.sum()
        m = lift / float(prior @ lift)
        o, r = opened[idx], replied[idx]
        q = r.sum() / max(o.sum(), 1)
        p_reply = np.minimum(q * m, P.MAX_REPLY)
        weights = {"closed": prior, "reply": prior * p_reply, "silent": prior * (1 - p_reply)}
        kinds = np.where(~o, "closed", np.where(r, "reply", "silent"))
        for kind, w in weights.items():
            sel = idx[kinds == kind]
            if len(sel) == 0:
                continue
            cdf = np.cumsum(w / w.sum())
            chosen[sel] = np.minimum(np.searchsorted(cdf, u[sel], side="right"), len(cdf) - 1)
    feats = combos.iloc[chosen].reset_index(drop=True)
    trig_codes = np.array(list(F.TRIGGERS))
    has_trigger = rng.random(len(mail)) < 0.7
    trigger = np.where(has_trigger, trig_codes[rng.integers(len(trig_codes), size=len(mail))], "")
    templates = mail["email_template"].to_numpy()
    blocks = [_blocks(rng, feats.iloc[i], templates[i], bool(has_trigger[i])) for i in range(len(mail))]
    uses_trigger = np.array([("o1" in b.split()) or ("o3" in b.split()) for b in blocks])
    trigger = np.where(uses_trigger, trigger, "")
    # у ответа на заявку поводом служит сама заявка: повод — «открыты вакансии» и т. п. из анкеты лида
    missing = uses_trigger & (trigger == "")
    trigger[missing] = trig_codes[rng.integers(len(trig_codes), size=int(missing.sum()))]
    ctx.tables["outreach_emails"] = pd.DataFrame({
        "email_id": [f"EM{i + 1:05d}" for i in range(len(mail))],
        "activity_id": mail["activity_id"].to_numpy(),
        "lead_id": mail["lead_id"].to_numpy(),
        "rep_id": mail["rep_id"].to_numpy(),
        "sent_date": mail["date"].to_numpy(),
        "template": templates,
        "blocks": blocks,
        "trigger": pd.Series(trigger).replace("", pd.NA).to_numpy(),
        "opened": opened,
        "replied": replied,
        "meeting_booked": mail["outcome"].eq("meeting_booked").to_numpy(),
    })
