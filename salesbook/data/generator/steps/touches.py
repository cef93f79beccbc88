"""Верх воронки «Сфера Деск»: маркетинговые касания лидов и помесячная веб-аналитика сайта.

Строится из готовой таблицы leads (и дат создания сделок) двумя своими потоками
случайных чисел (``touches``, ``web``), поэтому не меняет ни одной другой таблицы.
Касания — разложение уже записанных признаков лида: визиты до лида (``website_visits``),
скачивания (``content_downloads``), вебинар, запрос демо, пробный период, клики по письмам
(часть ``email_opens``); web_traffic — опознанные визиты, поделённые на долю опознанного трафика.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.arrays import filled, ids
from salesbook.data.generator.context import Context
from salesbook.data.generator.dates import END_DAY, fmt_days, month_of, month_str, parse_days
from salesbook.data.generator.frames import DeferredTable, encode, narrow
from salesbook.data.generator.params import touches as P
from salesbook.data.generator.pipeline import step
from salesbook.data.generator.steps.leads import lead_ids as lead_id_range

#: типы касаний, которые — визит на сайт (их считает веб-аналитика)
WEB_TOUCH_TYPES = ("session", "email_click", "content_download", "form", "demo_request", "trial_signup")
_PHASE_PRE, _PHASE_CREATE, _PHASE_POST = range(3)
_CODED = ("source", "medium", "campaign", "touch_type")   # столбцы, которые хранятся кодами
TOUCH_COLUMNS = ("touch_id", "lead_id", "date", "source", "medium", "campaign", "touch_type", "creates_lead")


def _pick(rng, options, n):
    """n пар (source, medium) из списка (source, medium, вес)."""
    w = np.array([o[2] for o in options], dtype=float)
    k = rng.choice(len(options), size=n, p=w / w.sum())
    src = np.array([o[0] for o in options], dtype=object)[k]
    med = np.array([o[1] for o in options], dtype=object)[k]
    return src, med


def _campaigns(rng, src, med):
    """UTM-кампания по паре source/medium (пусто — у органики и прямых заходов)."""
    out = np.full(len(src), "", dtype=object)
    for (s, m), opts in P.CAMPAIGNS.items():
        sel = np.flatnonzero((src == s) & (med == m))
        if len(sel):
            w = np.array([o[1] for o in opts])
            out[sel] = np.array([o[0] for o in opts], dtype=object)[rng.choice(len(opts), len(sel), p=w / w.sum())]
    return out


def _days_between(rng, lo, hi):
    """Случайный день в [lo, hi] для каждого элемента (на месте, без лишних копий: касаний миллионы)."""
    u = rng.random(len(lo))
    u *= hi - lo + 1
    np.floor(u, out=u)
    return lo + u.astype(np.int64)


def _creation(rng, L):
    """Касание, создавшее лид: источник по каналу лида и тип по его признакам."""
    n = len(L)
    src = np.empty(n, dtype=object)
    med = np.empty(n, dtype=object)
    chn = L["channel"].to_numpy()
    for ch, opts in P.CREATION_SOURCES.items():
        sel = np.flatnonzero(chn == ch)
        if len(sel):
            src[sel], med[sel] = _pick(rng, opts, len(sel))
    camp = _campaigns(rng, src, med)
    ttype = filled(n, "form")
    content = chn == "content"
    ttype[content & L["webinar_attended"].to_numpy()] = "webinar"
    ttype[content & (L["content_downloads"].to_numpy() > 0)] = "content_download"
    ttype[L["demo_requested"].to_numpy() & ~np.isin(chn, ["events", "partners", "outbound"])] = "demo_request"
    ttype[chn == "partners"] = "partner_referral"
    ttype[chn == "events"] = "event_visit"
    ttype[L["trial_started"].to_numpy()] = "trial_signup"
    ttype[chn == "outbound"] = "bdr_contact"
    return src, med, camp, ttype


@step("маркетинговые касания и веб-аналитика", reads=("tables.leads", "tables.opportunities"),
      writes=("tables.touches", "tables.web_traffic"), streams=("touches", "web"))
def make_touches(ctx: Context, rng, rng_web) -> None:
    """Путь каждого лида по касаниям и помесячный трафик сайта по источникам."""
    L = ctx.tables["leads"].frame(columns=["created_date", "channel", "website_visits",
                                           "content_downloads", "webinar_attended", "demo_requested", "email_opens",
                                           "trial_started", "opportunity_id"])
    opp = ctx.tables["opportunities"]
    n = len(L)
    created = parse_days(L["created_date"])
    opp_day = pd.Series(parse_days(opp["created_date"]), index=opp["opportunity_id"].to_numpy())
    has_opp = (L["opportunity_id"].fillna("") != "").to_numpy()
    end = np.minimum(created + P.NURTURE_WINDOW_DAYS, END_DAY)
    end[has_opp] = opp_day.loc[L["opportunity_id"].to_numpy()[has_opp]].to_numpy()
    end = np.maximum(end, created)
    lag = np.minimum(np.round(P.FIRST_TOUCH_LAG_MEDIAN_DAYS * np.exp(rng.normal(0, P.FIRST_TOUCH_LAG_SIGMA, n))),
                     P.FIRST_TOUCH_LAG_MAX_DAYS).astype(np.int64)
    first = np.maximum(created - lag, 0)
    lead_ids = lead_id_range(n)   # строка таблицы leads — лид с тем же номером
    chn = L["channel"].to_numpy()
    parts = []   # касания — массивами (номер строки лида, день, коды…): таблица собирается один раз, уже по порядку
    vocab = {name: [] for name in _CODED}   # коды источника, канала, кампании и типа касания → строки

    def add(idx, day, src, med, camp, ttype, phase):
        part = {"lead": narrow(idx), "day": narrow(day), "phase": np.full(len(idx), phase, dtype=np.int8)}
        for name, values in zip(_CODED, (src, med, camp, ttype)):
            part[name] = encode(values, vocab[name])
        parts.append(part)

    # 1. касание, создавшее лид — в день created_date
    src, med, camp, ttype = _creation(rng, L)
    add(np.arange(n), created, src, med, camp, ttype, _PHASE_CREATE)
    creation_type = ttype

    # 2. визиты до лида: ровно website_visits визитов в [первое касание, created_date]
    k = L["website_visits"].to_numpy().astype(np.int64)
    idx = np.repeat(np.arange(n), k)
    s_src, s_med = _pick(rng, P.PRE_SESSION_MIX, len(idx))
    same = (rng.random(len(idx)) < P.SAME_SOURCE_SHARE) & (chn[idx] != "outbound")
    s_src[same], s_med[same] = src[idx[same]], med[idx[same]]
    add(idx, _days_between(rng, first[idx], created[idx]), s_src, s_med, _campaigns(rng, s_src, s_med),
        filled(len(idx), "session"), _PHASE_PRE)

    # 3. скачивания материалов до лида (одно из них могло создать лид)
    k = L["content_downloads"].to_numpy().astype(np.int64) - (creation_type == "content_download")
    idx = np.repeat(np.arange(n), np.maximum(k, 0))
    c_src, c_med = _pick(rng, P.CREATION_SOURCES["content"], len(idx))
    add(idx, _days_between(rng, first[idx], created[idx]), c_src, c_med, _campaigns(rng, c_src, c_med),
        filled(len(idx), "content_download"), _PHASE_PRE)

    # 4. вебинар до лида, если он не создал лид
    idx = np.flatnonzero(L["webinar_attended"].to_numpy() & (creation_type != "webinar"))
    w_src, w_med = _pick(rng, (("email", "email", 0.6), ("telegram", "content", 0.4)), len(idx))
    add(idx, _days_between(rng, first[idx], created[idx]), w_src, w_med,
        filled(len(idx), "webinar"), filled(len(idx), "webinar"), _PHASE_PRE)

    # 5. запрос демо после появления лида, если не он создал лид (до сделки)
    idx = np.flatnonzero(L["demo_requested"].to_numpy() & (creation_type != "demo_request"))
    add(idx, _days_between(rng, created[idx], end[idx]), filled(len(idx), "direct"),
        filled(len(idx), "direct"), np.full(len(idx), "", dtype=object),
        filled(len(idx), "demo_request"), _PHASE_POST)

    # 6. прогрев: клики по письмам рассылки (часть открытых писем) и возвраты на сайт
    clicks = rng.binomial(L["email_opens"].to_numpy().astype(np.int64), P.CLICK_TO_OPEN)
    idx = np.repeat(np.arange(n), clicks)
    e_src = filled(len(idx), "email")
    add(idx, _days_between(rng, created[idx], end[idx]), e_src, filled(len(idx), "email"),
        rng.choice(np.array(["nurture", "digest"], dtype=object), len(idx), p=[0.6, 0.4]),
        filled(len(idx), "email_click"), _PHASE_POST)
    mean = np.where(chn == "outbound", P.POST_SESSIONS_MEAN["outbound"],
                    np.where(L["trial_started"].to_numpy(), P.POST_SESSIONS_MEAN["trial"], P.POST_SESSIONS_MEAN["inbound"]))
    k = rng.poisson(mean) * (end > created)
    idx = np.repeat(np.arange(n), k)
    p_src, p_med = _pick(rng, P.POST_SESSION_MIX, len(idx))
    add(idx, _days_between(rng, created[idx] + 1, end[idx]), p_src, p_med, _campaigns(rng, p_src, p_med),
        filled(len(idx), "session"), _PHASE_POST)

    del idx, s_src, s_med, same, c_src, c_med, w_src, w_med, e_src, p_src, p_med, k, clicks
    cols = {}
    for name in list(parts[0]):   # столбец за столбцом: части отпускаются по мере склейки
        cols[name] = np.concatenate([part.pop(name) for part in parts])
    parts.clear()
    # порядок: день, лид, фаза, случайная добавка — устойчивая сортировка, как sort_values(kind="stable");
    # лид сравнивается по lead_id: у всех одна ширина номера, так что их порядок — порядок номеров лидов
    r = rng.random(len(cols["day"]))
    order = np.lexsort((r, cols["phase"], cols["lead"], cols["day"]))
    del r
    raw = {"lead": narrow(cols.pop("lead")[order]), "day": narrow(cols.pop("day")[order]),
           "creates_lead": cols.pop("phase")[order] == _PHASE_CREATE}
    for name in _CODED:
        raw[name] = cols.pop(name)[order]
    del order
    labels = {name: np.array(vocab[name], dtype=object) for name in _CODED}
    total = len(raw["day"])

    def render(rows, names):
        out = {}
        for name in names:
            if name == "touch_id":
                out[name] = ids("T", total, 6, rows)
            elif name == "lead_id":
                out[name] = lead_ids[raw["lead"][rows]]
            elif name == "date":
                out[name] = fmt_days(raw["day"][rows])
            elif name in labels:
                out[name] = labels[name][raw[name][rows]]
            else:
                out[name] = raw[name][rows]
        return out

    ctx.tables["touches"] = DeferredTable(total, TOUCH_COLUMNS, render, text=TOUCH_COLUMNS[:-1])
    # веб-аналитике нужны лид, источник и тип касания — по кодам, без сборки таблицы
    web = np.isin(raw["touch_type"], [vocab["touch_type"].index(t) for t in WEB_TOUCH_TYPES if t in vocab["touch_type"]])
    # число визитов по (месяц лида, источник, канал): счёт по общему ключу, а не groupby по 7 млн строк
    n_src, n_med = len(labels["source"]), len(labels["medium"])
    key = (month_of(created[raw["lead"][web]]) * n_src + raw["source"][web]) * n_med + raw["medium"][web]
    counts = np.bincount(key)
    seen = np.flatnonzero(counts)
    ident = pd.Series(counts[seen], index=pd.MultiIndex.from_arrays(
        [seen // (n_src * n_med), labels["source"][seen // n_med % n_src], labels["medium"][seen % n_med]],
        names=["m", "source", "medium"])).sort_index()
    del key, counts, web
    ctx.tables["web_traffic"] = _web_traffic(rng_web, ident, L)


def _web_traffic(rng, ident, L):
    """Весь трафик сайта по месяцам и source/medium: опознанные визиты / доля опознанных.

    ``ident`` — опознанные визиты (касания-визиты лидов) по месяцу появления лида, источнику и каналу:
    по месяцу появления лида, а не визита, — иначе в декабре 2025 года не хватало бы визитов
    будущих лидов 2026 года, а в январе 2023 года — прогрева лидов 2022-го.
    """
    pairs = sorted({(s, md) for _, s, md in ident.index})
    months = np.arange(int(month_of(np.array([END_DAY]))[0]) + 1)
    full = ident.reindex(pd.MultiIndex.from_tuples([(mm, s, md) for mm in months for s, md in pairs],
                                                   names=["m", "source", "medium"]), fill_value=0)
    med = full.index.get_level_values("medium").to_numpy()
    share = pd.Series(med).map(P.IDENTIFIED_SHARE).to_numpy() * np.exp(rng.normal(0, P.IDENTIFIED_SHARE_SIGMA, len(full)))
    sessions = np.maximum(np.round(full.to_numpy() / share), full.to_numpy()).astype(np.int64)
    spu = pd.Series(med).map(P.SESSIONS_PER_USER).to_numpy() * np.exp(rng.normal(0, 0.05, len(full)))
    users = np.minimum(np.round(sessions / spu), sessions).astype(np.int64)
    new_users = np.round(users * np.clip(pd.Series(med).map(P.NEW_USER_SHARE).to_numpy()
                                         + rng.normal(0, 0.02, len(full)), 0, 1)).astype(np.int64)
    engaged = np.round(sessions * np.clip(pd.Series(med).map(P.ENGAGED_SHARE).to_numpy()
                                          + rng.normal(0, 0.03, len(full)), 0, 1)).astype(np.int64)
    traffic = pd.DataFrame({"m": full.index.get_level_values("m").to_numpy(),
                            "source": full.index.get_level_values("source").to_numpy(), "medium": med,
                            "sessions": sessions, "engaged_sessions": engaged, "users": users,
                            "new_users": new_users})
    organic = (L.assign(m=month_of(parse_days(L["created_date"])))
               .query("channel == 'organic'").groupby("m").size().reindex(months, fill_value=0))
    brand = np.round(organic.to_numpy() * P.BRAND_QUERIES_PER_ORGANIC_LEAD
                     * np.exp(rng.normal(0, P.BRAND_NOISE_SIGMA, len(months)))).astype(np.int64)
    brand_rows = pd.DataFrame({"m": months, "source": "wordstat", "medium": "brand_query", "brand_queries": brand})
    out = pd.concat([traffic, brand_rows], ignore_index=True).sort_values(["m", "source", "medium"], kind="stable")
    for col in ("sessions", "engaged_sessions", "users", "new_users", "brand_queries"):
        out[col] = out[col].astype("Int64")
    out.insert(0, "month", month_str(out.pop("m").to_numpy()))
    return out.reset_index(drop=True)
