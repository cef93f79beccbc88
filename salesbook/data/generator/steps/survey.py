"""Исследование клиентов осенью 2025 года: интервью, анкета, пользовательские сессии.

Строится из готовых таблиц accounts, leads и opportunities отдельным потоком случайных
чисел, поэтому не меняет ни одной другой таблицы. Одна строка — одно закодированное
высказывание (боль или выгода) одного респондента. Этапы берут числа из потока ``survey``
в том порядке, в каком их вызывает :func:`make_survey_responses`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import choice_codes, choice_rows, ids, labels, per
from salesbook.data.generator.context import Context
from salesbook.data.generator.corpora import corpus
from salesbook.data.generator.dates import NA, day_of, fmt_days, parse_days, to_workday
from salesbook.data.generator.params import deals, survey
from salesbook.data.generator.pipeline import step

_REL = S.RELATIONSHIPS                      # customer, churned, lost_prospect, prospect
_INTERVIEW, _SURVEY, _SESSION = range(3)    # порядок schemas.RESEARCH_METHODS
_OPERATOR = 3                               # код роли operator (schemas.RESPONDENT_ROLES)


class History:
    """Отношения каждой компании с нами на любой день: клиент, ушёл, проиграли, потенциальный.

    Принимает и таблицы генератора (даты строками), и загруженные (даты — Timestamp); этим же
    правилом salesbook.data.keyfigures считает, кому ушла анкета.
    """

    def __init__(self, acc, opp, leads):
        self.since = parse_days(acc["customer_since"])
        self.churned = parse_days(acc["churned_on"])
        pos = pd.Series(np.arange(len(acc)), index=acc["account_id"].to_numpy())
        # дата последнего проигрыша с начала окна рассылки и наличие лида с MQL в 2025 году
        lost = opp[(opp["outcome"] == "lost") & (opp["close_date"] >= survey.SURVEY_LOST_SINCE)]
        self.lost_day = np.full(len(acc), NA)
        if len(lost):
            np.maximum.at(self.lost_day, pos.loc[lost["account_id"].to_numpy()].to_numpy(),
                          parse_days(lost["close_date"]))
        hot = leads[(leads["created_date"] >= "2025-01-01") & (leads["mql_date"] != "")
                    & leads["mql_date"].notna()]
        self.has_lead = np.zeros(len(acc), dtype=bool)
        self.has_lead[pos.loc[hot["account_id"].to_numpy()].to_numpy()] = True

    def on(self, day: int) -> np.ndarray:
        """Код отношений (номер в schemas.RELATIONSHIPS) каждой компании на день; −1 — не в выборке."""
        since, churned, lost_day = self.since, self.churned, self.lost_day
        d = np.full(len(since), day)
        is_cust = (since != NA) & (since <= d) & ((churned == NA) | (churned > d))
        is_churned = (churned != NA) & (churned <= d)
        is_lost = ~is_cust & ~is_churned & (lost_day != NA) & (lost_day <= d)
        is_prospect = ~is_cust & ~is_churned & ~is_lost & self.has_lead & ((since == NA) | (since > d))
        rel = np.full(np.shape(is_cust), -1)
        for code, mask in enumerate((is_cust, is_churned, is_lost, is_prospect)):
            rel[mask] = code
        return rel


@dataclass
class _Respondents:
    """Респонденты (по элементу на человека) в порядке: интервью, анкета, сессии."""

    acc: np.ndarray
    day: np.ndarray
    method: np.ndarray
    rel: np.ndarray
    seg: np.ndarray
    role: np.ndarray


def _sample(rng, history: History, seg, scale):
    """Кто ответил: анкета — смещённая выборка, интервью — по квотам, сессии — операторы клиентов."""
    n_acc = len(seg)
    # анкета: рассылка всем, отвечает смещённая выборка
    sent = day_of(survey.SURVEY_SENT_DATE)
    rel_sent = history.on(sent)
    rate = per(survey.SURVEY_RESPONSE_RATE, _REL)
    p_reply = np.where(rel_sent >= 0, rate[np.maximum(rel_sent, 0)], 0.0)
    survey_acc = np.flatnonzero(rng.random(n_acc) < p_reply)
    survey_day = sent + rng.integers(0, survey.SURVEY_REPLY_DAYS, len(survey_acc))
    # интервью: по квотам, с перекосом в крупных клиентов
    lo, hi = day_of(survey.RESEARCH_WINDOW[0]), day_of(survey.RESEARCH_WINDOW[1])
    rel_lo = history.on(lo)
    w_seg = np.asarray(survey.INTERVIEW_SEGMENT_WEIGHT)[seg]
    inter_acc = []
    for code, r in enumerate(_REL):
        frame = np.flatnonzero(rel_lo == code)
        k = min(len(frame), max(1, int(round(survey.INTERVIEW_TARGETS[r] * scale))))
        if k == 0:
            continue
        inter_acc.append(rng.choice(frame, size=k, replace=False, p=w_seg[frame] / w_seg[frame].sum()))
    inter_acc = np.concatenate(inter_acc) if inter_acc else np.array([], dtype=np.int64)
    # пользовательские сессии: операторы компаний, бывших клиентами всё окно
    frame = np.flatnonzero((rel_lo == 0) & (history.on(hi) == 0))
    k = min(len(frame), max(1, int(round(survey.USER_SESSIONS * scale))))
    sess_acc = rng.choice(frame, size=k, replace=False) if k else np.array([], dtype=np.int64)
    other_days = np.minimum(to_workday(rng.integers(lo, hi + 1, len(inter_acc) + len(sess_acc))), hi)
    acc = np.concatenate([inter_acc, survey_acc, sess_acc]).astype(np.int64)
    day = np.concatenate([other_days[:len(inter_acc)], survey_day, other_days[len(inter_acc):]])
    method = np.concatenate([np.full(len(inter_acc), _INTERVIEW), np.full(len(survey_acc), _SURVEY),
                             np.full(len(sess_acc), _SESSION)])
    # отношения на день ответа (компания могла уйти между началом окна и интервью)
    rel = np.empty(len(acc), dtype=np.int64)
    for d in np.unique(day):
        m = day == d
        rel[m] = history.on(d)[acc[m]]
    rel = np.maximum(rel, 0)
    role = np.full(len(acc), _OPERATOR)
    for mcode, mname in ((_INTERVIEW, "interview"), (_SURVEY, "survey")):
        m = method == mcode
        role[m] = choice_codes(rng, int(m.sum()), survey.RESPONDENT_ROLE_MIX[mname])
    return _Respondents(acc=acc, day=day, method=method, rel=rel, seg=seg[acc], role=role)


def _top_mentions(rng, probs, limit):
    """Что респондент назвал сам: хотя бы одно, не больше ``limit`` (лишнее отбрасывается случайно)."""
    said = rng.random(probs.shape) < probs
    none = ~said.any(axis=1)
    if none.any():
        said[np.flatnonzero(none), choice_rows(rng, probs[none])] = True
    key = np.where(said, rng.random(probs.shape), -1.0)
    return said & (np.argsort(np.argsort(-key, axis=1), axis=1) < limit)


def _items(codes, item_type, said, score, prompted):
    r, c = np.nonzero(said)
    return pd.DataFrame({"r": r, "type": item_type, "code": labels(codes, c), "c": c,
                         "intensity": score[r, c].astype(np.int64), "prompted": prompted(r, c)})


def _pains(rng, resp: _Respondents, prob_key):
    """Боли: частота и сила зависят от сегмента; ушедшие и проигранные острее говорят об интеграциях."""
    P = np.array([survey.PAIN_MENTION_PROB[k] for k in prob_key], dtype=float)
    base = np.array([survey.PAIN_INTENSITY[k] for k in prob_key], dtype=float)
    integ = S.PAIN_CODES.index("integration_gaps")
    for rname, mult in survey.INTEGRATION_PAIN_MULT.items():
        m = resp.rel == _REL.index(rname)
        P[m, integ] = np.minimum(P[m, integ] * mult, 0.95)
        base[m, integ] += 0.3
    base[resp.rel == 0] += survey.CUSTOMER_INTENSITY_SHIFT
    said = _top_mentions(rng, P, survey.MAX_PAINS)
    intensity = np.clip(np.rint(base + rng.normal(0, survey.PAIN_INTENSITY_NOISE, P.shape)), 1, 5)
    return _items(S.PAIN_CODES, 0, said, intensity, lambda r, c: False)


def _gains(rng, resp: _Respondents, prob_key):
    """Выгоды; наводящий вопрос анкеты добавляет завышенную «быструю настройку» каждому в анкете."""
    G = np.array([survey.GAIN_MENTION_PROB[k] for k in prob_key], dtype=float)
    said = _top_mentions(rng, G, survey.MAX_GAINS)
    importance = np.clip(np.rint(np.asarray(survey.GAIN_IMPORTANCE)[None, :]
                                 + rng.normal(0, survey.PAIN_INTENSITY_NOISE, G.shape)), 1, 5)
    lq = S.GAIN_CODES.index(survey.LEADING_QUESTION_GAIN)
    prompted = (resp.method == _SURVEY) & ~said[:, lq]
    said[prompted, lq] = True
    lead_imp = np.clip(np.rint(survey.LEADING_QUESTION_IMPORTANCE + rng.normal(0, 0.6, len(resp.acc))), 1, 5)
    importance[prompted, lq] = lead_imp[prompted]
    return _items(S.GAIN_CODES, 1, said, importance, lambda r, c: (c == lq) & prompted[r])


def _quotes(rng, rows):
    """Дословная цитата к каждому высказыванию; у наводящего вопроса — текст вопроса."""
    texts = corpus("survey_quotes")
    quotes = np.empty(len(rows), dtype=object)
    for code, group in rows.groupby("code").groups.items():
        pool = texts["pains"].get(code) or texts["gains"][code]
        idx = np.asarray(list(group))
        quotes[idx] = np.array(pool, dtype=object)[rng.integers(0, len(pool), len(idx))]
    quotes[rows["prompted"].to_numpy()] = texts["leading_question"]
    return quotes


def _willingness_to_pay(rng, resp: _Respondents):
    """Заявленная готовность платить за место (одна на респондента); у сессий — не спрашивали."""
    n = len(resp.acc)
    price_2025 = per(deals.SEAT_PRICE, S.SEGMENTS) * (1 + deals.PRICE_INCREASE_2025)
    factor = per(survey.WTP_RELATIONSHIP_FACTOR, _REL)
    wtp = price_2025[resp.seg] * factor[resp.rel] * np.exp(rng.normal(0, survey.WTP_SIGMA, n))
    wtp = np.round(wtp / 50) * 50
    has_wtp = (resp.method != _SESSION) & (rng.random(n) >= survey.WTP_NO_ANSWER)
    return np.where(has_wtp, wtp, np.nan)


@step("исследование клиентов", reads=("tables.accounts", "tables.opportunities", "tables.leads"),
      writes=("tables.survey_responses",), streams=("survey",))
def make_survey_responses(ctx: Context, rng) -> None:
    """Таблица survey_responses: респонденты по дате, их высказывания по типу и коду."""
    acc = ctx.tables["accounts"].frame(columns=["account_id", "segment", "industry", "customer_since", "churned_on"])
    seg = acc["segment"].map({s: i for i, s in enumerate(S.SEGMENTS)}).to_numpy()
    # History берёт из лидов только лиды с MQL с 2025 года: только их строки
    leads = ctx.tables["leads"]
    hot = leads.rows(leads.select(lambda c: (c["created_date"] >= "2025-01-01") & (c["mql_date"] != "")
                                  & c["mql_date"].notna(), "created_date", "mql_date"),
                     ["account_id", "created_date", "mql_date"])
    resp = _sample(rng, History(acc, ctx.tables["opportunities"], hot), seg, ctx.scale)
    prob_key = np.where(resp.method == _SESSION, "user_session", labels(S.SEGMENTS, resp.seg))
    rows = pd.concat([_pains(rng, resp, prob_key), _gains(rng, resp, prob_key)], ignore_index=True)
    rows["quote"] = _quotes(rng, rows)
    wtp = _willingness_to_pay(rng, resp)
    # респонденты по дате, методу и компании; строки респондента — по типу и коду
    n = len(resp.acc)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((resp.acc, resp.method, resp.day))] = np.arange(n)
    rows["rank"] = rank[rows["r"].to_numpy()]
    rows = rows.sort_values(["rank", "type", "c"], kind="stable").reset_index(drop=True)
    r = rows["r"].to_numpy()
    a = resp.acc[r]
    ctx.tables["survey_responses"] = pd.DataFrame({
        "response_id": ids("SR", len(rows), 5),
        "respondent_id": ids("RS", n, 4)[rows["rank"].to_numpy()],
        "account_id": acc["account_id"].to_numpy()[a],
        "date": fmt_days(resp.day[r]),
        "method": labels(S.RESEARCH_METHODS, resp.method[r]),
        "respondent_role": labels(S.RESPONDENT_ROLES, resp.role[r]),
        "relationship": labels(_REL, resp.rel[r]),
        "segment": acc["segment"].to_numpy()[a],
        "industry": acc["industry"].to_numpy()[a],
        "item_type": labels(S.ITEM_TYPES, rows["type"].to_numpy()),
        "code": rows["code"].to_numpy(),
        "quote": rows["quote"].to_numpy(),
        "intensity": rows["intensity"].to_numpy(),
        "prompted": rows["prompted"].to_numpy(dtype=bool),
        "wtp_rub": wtp[r],
    })
