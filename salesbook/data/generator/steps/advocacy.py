"""Рекомендации клиентов (раздел 9.4): реферальная программа и программа клиентов-референсов.

Таблицы ``referrals``, ``reference_accounts`` и ``reference_requests`` выводятся из готовых таблиц
(компании, лиды, касания, сделки, стадии, использование продукта) и их не меняют. Лиды и исходы
сделок уже известны, поэтому программа здесь ничего не «вызывает»: приглашение привязывается к лиду,
который и так был в данных, а звонок референса — к сделке с уже известным исходом. Связи (промоутеры
приглашают чаще, референса просят в хороших сделках) заложены отбором — параметрами
``params/advocacy.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import filled
from salesbook.data.generator.context import Context
from salesbook.data.generator.params import advocacy as P
from salesbook.data.generator.params import company
from salesbook.data.generator.pipeline import step
from salesbook.data.generator.steps.accounts import company_names

END = pd.Timestamp(company.END_DATE)


def _day(s) -> pd.Series:
    s = pd.Series(s)
    return pd.to_datetime(s.mask(s.astype(str).isin(["", "nan", "None", "NaT", "<NA>"])), format="%Y-%m-%d", errors="coerce")


def _id(s) -> pd.Series:
    """Идентификатор или ``None`` (пустая строка и NaN в таблицах генератора — «нет значения»)."""
    s = pd.Series(s).astype(object)
    return s.where(s.notna() & (s.astype(str) != ""), None)


def _text(dates: pd.Series) -> np.ndarray:
    return dates.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)


def _geometric_days(rng, mean: float, n: int) -> np.ndarray:
    return rng.geometric(1.0 / (mean + 1.0), size=n) - 1


def _nps_category(scores: pd.Series) -> pd.Series:
    s = pd.to_numeric(scores, errors="coerce").astype(float).fillna(-1.0).to_numpy()
    return pd.Series(np.select([s >= 9, s >= 7, s >= 0], ["promoter", "passive", "detractor"], "none"),
                     index=scores.index)


def _customer_months(usage: pd.DataFrame) -> pd.DataFrame:
    """Платящие клиенты по месяцам и категория их последнего ответа NPS до этого месяца."""
    u = usage[["month", "account_id", "nps"]].copy()
    u["month"] = _day(u["month"])
    u = u.sort_values(["account_id", "month"], kind="mergesort").reset_index(drop=True)
    answered = _nps_category(u["nps"]).where(u["nps"].notna())
    # ответ, данный в этом месяце, известен только со следующего
    last = answered.groupby(u["account_id"]).shift(1)
    u["category"] = last.groupby(u["account_id"]).ffill().fillna("none")
    return u[["month", "account_id", "category"]]


def _pick_referrers(rng, pool: pd.DataFrame, months: pd.Series, exclude: pd.Series) -> np.ndarray:
    """Кто пригласил: платящий в месяце приглашения клиент, с весом по категории NPS и по своей склонности
    рекомендовать (постоянной для клиента); не сама компания."""
    accounts = np.sort(pool["account_id"].unique())
    propensity = pd.Series(rng.lognormal(0.0, P.REFERRER_PROPENSITY_SIGMA, len(accounts)), index=accounts)
    weight = pool["category"].map(P.REFERRER_WEIGHT).to_numpy(float) * pool["account_id"].map(propensity).to_numpy(float)
    out = np.empty(len(months), dtype=object)
    by_month = {m: np.flatnonzero(pool["month"].to_numpy() == m) for m in np.unique(months.to_numpy())}
    for m, rows in by_month.items():
        sel = np.flatnonzero(months.to_numpy() == m)
        w = weight[rows]
        cum = np.cumsum(w) / w.sum()
        accounts = pool["account_id"].to_numpy()[rows]
        picks = accounts[np.searchsorted(cum, rng.random(len(sel)), side="right").clip(0, len(rows) - 1)]
        clash = picks == exclude.to_numpy()[sel]
        while clash.any():  # приглашённая компания не может пригласить сама себя
            picks[clash] = accounts[np.searchsorted(cum, rng.random(int(clash.sum())), side="right").clip(0, len(rows) - 1)]
            clash = picks == exclude.to_numpy()[sel]
        out[sel] = picks
    return out


@step("реферальная программа клиентов",
      reads=("tables.accounts", "tables.leads", "tables.touches", "tables.opportunities", "tables.product_usage"),
      writes=("tables.referrals",), streams=("referrals",))
def make_referrals(ctx: Context, rng) -> None:
    """Таблица referrals: приглашения клиентов, привязанные к существующим лидам-рекомендациям или пустые."""
    launch = pd.Timestamp(P.REFERRAL_LAUNCH)
    accounts = ctx.tables["accounts"]
    # лидом-рекомендацией бывает только органический лид: только их строки (а не 2 млн лидов масштаба 100)
    table = ctx.tables["leads"]
    leads = table.rows(table.select(lambda c: c["channel"] == "organic", "channel"),
                       ["lead_id", "account_id", "created_date", "channel", "opportunity_id"])
    pool = _customer_months(ctx.tables["product_usage"])
    # компании этих лидов и клиенты (будущие рекомендатели): их строки таблицы accounts
    wanted = set(leads["account_id"]) | set(pool["account_id"])
    acc = accounts.rows(accounts.select(lambda c: c["account_id"].isin(wanted), "account_id"),
                        ["account_id", "company_name", "industry", "segment", "customer_since"]).set_index("account_id")
    touches = ctx.tables["touches"]
    opps = ctx.tables["opportunities"].set_index("opportunity_id")

    # 1. Лиды-рекомендации: органика, путь начался или заявка пришла по ссылке, после запуска
    # из 11 млн касаний масштаба 100 нужны только пришедшие по рекомендации: их строки и собираются
    referral = touches.select(lambda c: c["medium"] == "referral", "medium")
    t = touches.rows(referral, ["lead_id", "date", "touch_id", "medium", "creates_lead"])
    t["date"] = _day(t["date"])
    t = t.sort_values(["lead_id", "date", "touch_id"], kind="mergesort")
    leads["created"] = _day(leads["created_date"])
    ref_touch = t[t["medium"] == "referral"]
    ref_touch = ref_touch[ref_touch["date"] <= ref_touch["lead_id"].map(leads.set_index("lead_id")["created"])]
    first_ref = ref_touch.groupby("lead_id")["date"].min()
    since = _day(leads["account_id"].map(acc["customer_since"]))
    eligible = leads[(leads["channel"] == "organic")
                     & leads["lead_id"].isin(first_ref.index)
                     & (leads["lead_id"].map(first_ref) >= launch)
                     & ~(since <= leads["created"]).to_numpy()].copy()
    eligible = eligible[rng.random(len(eligible)) < P.PROGRAMME_SHARE_OF_REFERRAL_LEADS]
    visit = eligible["lead_id"].map(first_ref)
    invited = (visit - pd.to_timedelta(_geometric_days(rng, P.INVITE_TO_VISIT_MEAN_DAYS, len(eligible)), unit="D"))
    invited = invited.clip(lower=launch)

    # 2. Пустые приглашения: столько, чтобы до лида доходила заданная доля
    n_linked = len(eligible)
    n_empty = max(int(round(n_linked * (1.0 / P.INVITE_TO_LEAD_RATE - 1.0))), 1)  # хотя бы одно приглашение
    pool = pool[(pool["month"] >= launch.replace(day=1)) & (pool["month"] <= END)]
    months = pool.groupby("month").size()
    empty_month = pd.Series(months.index[rng.choice(len(months), size=n_empty, p=(months / months.sum()).to_numpy())])
    month_days = empty_month.dt.days_in_month.to_numpy()
    empty_day = empty_month + pd.to_timedelta(np.floor(rng.random(n_empty) * month_days).astype(int), unit="D")
    empty_day = empty_day.where(empty_day >= launch, launch)

    inv_day = pd.concat([invited.reset_index(drop=True), empty_day.reset_index(drop=True)], ignore_index=True)
    lead_id = pd.concat([eligible["lead_id"].reset_index(drop=True), pd.Series([None] * n_empty, dtype=object)],
                        ignore_index=True)
    target_acc = pd.concat([eligible["account_id"].reset_index(drop=True), pd.Series([""] * n_empty, dtype=object)],
                           ignore_index=True)
    referrer = _pick_referrers(rng, pool, inv_day.dt.to_period("M").dt.to_timestamp(), target_acc)

    # 3. Названия приглашённых компаний: у лида — из accounts, у пустых приглашений — новые вымышленные
    names = target_acc.map(acc["company_name"]).to_numpy(dtype=object)
    ref_ind = pd.Series(referrer[n_linked:]).map(acc["industry"]).map({v: i for i, v in enumerate(S.INDUSTRIES)})
    ref_seg = pd.Series(referrer[n_linked:]).map(acc["segment"]).map({v: i for i, v in enumerate(S.SEGMENTS)})
    same = rng.random(n_empty) < P.SAME_INDUSTRY_SHARE
    ind = np.where(same, ref_ind.to_numpy(int), rng.integers(0, len(S.INDUSTRIES), n_empty))
    fresh = [n for n in company_names(rng, np.repeat(ind, 3), np.repeat(ref_seg.to_numpy(int), 3))]
    # занятые из кандидатов: названия всех компаний проверяются частями, а не собираются разом
    candidates = set(fresh)
    taken = set(accounts.rows(accounts.select(lambda c: c["company_name"].isin(candidates), "company_name"),
                              ["company_name"])["company_name"])
    chosen, seen = [], set()
    for i in range(n_empty):  # три кандидата на приглашение: первый свободный
        options = [c for c in fresh[3 * i:3 * i + 3] if c not in taken and c not in seen] or [f"{fresh[3 * i][:-1]} {i + 2}“"]
        chosen.append(options[0])
        seen.add(options[0])
    names[n_linked:] = np.array(chosen, dtype=object)

    # 4. Сделка и вознаграждение: 10 % ACV первого контракта в день выигрыша
    opp = _id(lead_id.map(leads.set_index("lead_id")["opportunity_id"]))
    outcome = opp.map(opps["outcome"])
    won = (outcome == "won").to_numpy()
    reward = np.where(won, np.round(opp.map(opps["amount_rub"]).astype(float).fillna(0.0).to_numpy() * P.REWARD_SHARE_OF_ACV, 2), 0.0)
    reward_date = _day(opp.map(opps["close_date"])).where(won)

    out = pd.DataFrame({
        "invited_date": inv_day, "referrer_account_id": referrer, "referred_company": names,
        "lead_id": lead_id.to_numpy(dtype=object), "opportunity_id": opp.to_numpy(dtype=object),
        "reward_rub": reward, "reward_date": reward_date,
    }).sort_values(["invited_date", "referrer_account_id", "referred_company"], kind="mergesort").reset_index(drop=True)
    out.insert(0, "referral_id", [f"RF{i:05d}" for i in range(1, len(out) + 1)])
    out["invited_date"] = _text(out["invited_date"])
    out["reward_date"] = _text(out["reward_date"])
    ctx.tables["referrals"] = out


@step("программа клиентов-референсов",
      reads=("tables.accounts", "tables.opportunities", "tables.opportunity_stages", "tables.product_usage",
             "deal_results"),
      writes=("tables.reference_accounts", "tables.reference_requests"), streams=("references",))
def make_references(ctx: Context, rng) -> None:
    """Пул референсов из промоутеров и просьбы AE о звонке референса в сделках mid-market и enterprise."""
    launch = pd.Timestamp(P.REFERENCE_LAUNCH)
    usage = ctx.tables["product_usage"][["month", "account_id", "nps"]].copy()
    acc = ctx.tables["accounts"].lookup("account_id", usage["account_id"], ["segment", "churned_on"])
    usage["month"] = _day(usage["month"])
    usage["segment"] = usage["account_id"].map(acc["segment"])
    score = pd.to_numeric(usage["nps"], errors="coerce")

    # 1. Пул: промоутер после старта программы → просьба CSM → письменное согласие
    prom = usage[(score >= 9) & (usage["month"] >= launch) & usage["segment"].isin(P.REFERENCE_SEGMENTS)]
    prom = prom.sort_values(["month", "account_id"], kind="mergesort")
    yes = rng.random(len(prom)) < P.ASK_PROMOTER_PROB * P.AGREE_PROB
    joined = prom[yes].drop_duplicates("account_id").reset_index(drop=True)
    n = len(joined)
    join_day = joined["month"] + pd.to_timedelta(10 + _geometric_days(rng, P.CONSENT_LAG_MEAN_DAYS, n), unit="D")
    churn = _day(joined["account_id"].map(acc["churned_on"]))
    keep = (join_day <= END) & ~(churn <= join_day)
    scope = np.array(S.REFERENCE_SCOPES, dtype=object)[
        np.searchsorted(np.cumsum(P.CONSENT_SCOPE_MIX), rng.random(n), side="right").clip(0, 2)]
    withdraw = rng.random(n) < P.WITHDRAW_PROB
    withdraw_day = join_day + pd.to_timedelta(30 + _geometric_days(rng, P.WITHDRAW_MEAN_DAYS, n), unit="D")
    withdraw_day = withdraw_day.where(withdraw & (withdraw_day <= END))
    left = pd.concat([churn, withdraw_day], axis=1).min(axis=1)
    reason = np.where(left.isna(), None, np.where(churn.notna() & (churn <= withdraw_day.fillna(END + pd.Timedelta(days=1))),
                                                   "churned", "withdrew"))
    pool = pd.DataFrame({"account_id": joined["account_id"], "segment": joined["segment"], "joined_date": join_day,
                         "consent_scope": scope, "left_date": left, "left_reason": reason})[keep.to_numpy()]
    if pool.empty:
        # очень малый масштаб: ни один розыгрыш не дал согласия (или клиентов mid-market и enterprise нет) —
        # берём первого промоутера, у которого согласие успевает до конца данных и до ухода; на масштабе 1
        # эта ветка не исполняется
        any_prom = prom if not prom.empty else usage[(score >= 9) & (usage["month"] >= launch)].sort_values(
            ["month", "account_id"], kind="mergesort")
        day = any_prom["month"] + pd.Timedelta(days=10)
        gone = _day(any_prom["account_id"].map(acc["churned_on"]))
        ok = ((day <= END) & ~(gone <= day)).to_numpy()
        if ok.any():
            first = any_prom[ok].iloc[0]
            pool = pd.DataFrame({"account_id": [first["account_id"]], "segment": [first["segment"]],
                                 "joined_date": [day[ok].iloc[0]], "consent_scope": [S.REFERENCE_SCOPES[0]],
                                 "left_date": [gone[ok].iloc[0]],
                                 "left_reason": ["churned" if pd.notna(gone[ok].iloc[0]) else None]})
    pool = pool.sort_values(["joined_date", "account_id"], kind="mergesort").reset_index(drop=True)

    # 2. Просьбы AE: сделки mid-market/enterprise на стадии proposal после старта; чаще в хороших сделках
    opps = ctx.tables["opportunities"]
    stages = ctx.tables["opportunity_stages"]
    prop = stages[stages["stage"] == "proposal"].set_index("opportunity_id")["entered_date"]
    deals = opps[opps["segment"].isin(P.REFERENCE_SEGMENTS) & opps["opportunity_id"].isin(prop.index)].copy()
    deals["proposal"] = _day(deals["opportunity_id"].map(prop))
    deals = deals[(deals["proposal"] >= launch) & (deals["proposal"] <= END)].sort_values(
        ["proposal", "opportunity_id"], kind="mergesort").reset_index(drop=True)
    quality = pd.Series(ctx.deal_results.d, index=ctx.deal_results.ids[:])
    z = (quality - quality.mean()) / quality.std()
    logit = (P.REQUEST_BASE_LOGIT + P.REQUEST_QUALITY_SLOPE * deals["opportunity_id"].map(z).to_numpy(float)
             + P.REQUEST_WON_SHIFT * (deals["outcome"] == "won").to_numpy(float))
    asked = rng.random(len(deals)) < 1.0 / (1.0 + np.exp(-logit))
    if not asked.any() and len(deals):  # очень малый масштаб: хотя бы одна просьба — в самой «хорошей» сделке
        asked[np.argmax(logit)] = True
    deals = deals[asked].reset_index(drop=True)
    close = _day(deals["close_date"])
    limit = close.fillna(END).clip(upper=END)
    req = (deals["proposal"] + pd.to_timedelta(1 + _geometric_days(rng, P.REQUEST_LAG_MEAN_DAYS, len(deals)), unit="D"))
    req = pd.concat([req, limit], axis=1).min(axis=1)
    call_lag = pd.to_timedelta(2 + _geometric_days(rng, P.CALL_LAG_MEAN_DAYS, len(deals)), unit="D")
    declines = rng.random(len(deals)) < P.REFERENCE_DECLINE_PROB
    tie = rng.random((len(deals), max(len(pool), 1)))
    order = np.argsort(req.to_numpy(), kind="mergesort")

    # 3. Назначение референса по очереди просьб: активен в день звонка, меньше всех звонков в квартале,
    #    не больше лимита; сначала того же сегмента
    p_join, p_left = pool["joined_date"].to_numpy(), pool["left_date"].fillna(END + pd.Timedelta(days=1)).to_numpy()
    p_seg = pool["segment"].to_numpy()
    n_quarters = 4 * (END.year - pd.Timestamp(company.START_DATE).year + 1)
    calls = np.zeros((max(len(pool), 1), n_quarters), dtype=np.int64)
    ref = np.full(len(deals), None, dtype=object)
    status = filled(len(deals), "no_reference")
    call_day = pd.Series(pd.NaT, index=deals.index, dtype="datetime64[ns]")
    for i in order:
        when = min(req.iloc[i] + call_lag[i], limit.iloc[i])
        quarter = 4 * (when.year - pd.Timestamp(company.START_DATE).year) + when.quarter - 1
        load = calls[:len(pool), quarter]
        ok = (p_join <= np.datetime64(req.iloc[i])) & (p_left > np.datetime64(when)) & (load < P.CALLS_PER_REFERENCE_QUARTER_CAP)
        if not ok.any():
            continue
        same = ok & (p_seg == deals.at[i, "segment"])
        cand = np.flatnonzero(same if same.any() else ok)
        j = cand[np.lexsort((tie[i, cand], load[cand]))[0]]
        ref[i] = pool.at[j, "account_id"]
        if declines[i]:
            status[i] = "declined"
            continue
        status[i] = "call_held"
        call_day.iloc[i] = when
        calls[j, quarter] += 1

    requests = pd.DataFrame({
        "opportunity_id": deals["opportunity_id"], "ae_id": deals["owner_id"], "request_date": req,
        "reference_account_id": ref, "status": status, "call_date": call_day,
    }).sort_values(["request_date", "opportunity_id"], kind="mergesort").reset_index(drop=True)
    requests.insert(0, "request_id", [f"RQ{i:04d}" for i in range(1, len(requests) + 1)])
    for c in ("request_date", "call_date"):
        requests[c] = _text(requests[c])
    for c in ("joined_date", "left_date"):
        pool[c] = _text(pool[c])
    ctx.tables["reference_accounts"] = pool
    ctx.tables["reference_requests"] = requests
