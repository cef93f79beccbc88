"""Аккаунтный подход: контакты комитета покупателя и ABM-программа 2025 года.

Обе таблицы выводятся из готовых таблиц (компании, лиды, сделки, сотрудники) и не меняют
их: программа не может изменить сделки, её встроенный эффект живёт только в охвате
комитета (таблица contacts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.arrays import objects
from salesbook.data.generator.context import Context
from salesbook.data.generator.params import abm as P
from salesbook.data.generator.pipeline import step
from salesbook.data.generator.steps.leads import lead_ids

_ROLE_TITLES = {  # уровень должности человека в роли: варианты и веса (допущение курса)
    "economic_buyer": (("c_level", "vp"), (0.6, 0.4)),
    "champion": (("head", "manager"), (0.7, 0.3)),
    "end_user": (("head", "manager", "specialist"), (0.4, 0.4, 0.2)),
    "it_security": (("head", "manager", "specialist"), (0.5, 0.3, 0.2)),
    "procurement": (("manager", "specialist"), (0.6, 0.4)),
    "finance": (("vp", "head", "manager"), (0.3, 0.4, 0.3)),
    "executive": (("c_level", "vp"), (0.5, 0.5)),
}
_EXTRA = ("end_user", "it_security", "procurement", "finance", "executive")  # роли вне MEDDIC


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _std(x):
    x = np.asarray(x, dtype=float)
    return (x - x.mean()) / (x.std() or 1.0)


def _day(s) -> pd.Series:
    return pd.to_datetime(pd.Series(s), format="%Y-%m-%d")


def _lead_role(title: str, eb_ok: bool, ch_ok: bool) -> str:
    """Роль человека, пришедшего лидом: по должности и по MEDDIC первой сделки компании."""
    if title in ("c_level", "vp"):
        return "economic_buyer" if eb_ok else "executive"
    if title in ("head", "manager") and ch_ok:
        return "champion"
    return "end_user"


@step("контакты комитета и ABM-программа",
      reads=("lead_scores", "tables.accounts", "tables.leads", "tables.opportunities", "tables.reps"),
      writes=("tables.contacts", "tables.abm_accounts"), streams=("abm",))
def make_abm_tables(ctx: Context, rng) -> None:
    """Таблицы abm_accounts (скоринг и отбор) и contacts (люди комитета покупателя)."""
    opps = ctx.tables["opportunities"][["opportunity_id", "account_id", "created_date", "close_date", "outcome",
                                        "segment", "amount_rub", "meddic_economic_buyer", "meddic_champion", "se_id"]]
    # нужны только компании, которые могут попасть в программу (mid-market и enterprise), и компании со
    # сделками — их строки и нужные столбцы, а не 2 млн лидов и компаний масштаба 100 целиком
    accounts = ctx.tables["accounts"]
    acc = accounts.rows(accounts.select(lambda c: c["segment"].isin(_POOL_SEGMENTS), "segment"),
                        ["account_id", "segment", "employees"])
    known = set(acc["account_id"]) | set(opps["account_id"])
    table = ctx.tables["leads"]
    leads = table.rows(table.select(lambda c: c["account_id"].isin(known), "account_id"),
                       ["account_id", "created_date", "job_title_level", "channel"])
    # номер лида (он же номер строки таблицы leads) вместо lead_id: идентификаторы растут с номером, а
    # строки собираются только для лидов, ставших контактами
    leads["lead"] = leads.index.to_numpy()
    reps = ctx.tables["reps"]
    leads["day"] = _day(leads["created_date"]).to_numpy()
    opps["created"] = _day(opps["created_date"]).to_numpy()
    opps["closed"] = _day(opps["close_date"]).to_numpy()
    data_end = max(opps["created"].max(), opps["closed"].max())
    start = pd.Timestamp(P.START)

    abm = _programme(rng, acc, leads, opps, reps, ctx, start)
    ctx.tables["abm_accounts"] = abm
    opps = opps.sort_values(["created", "opportunity_id"], kind="stable")
    first_opp = opps.groupby("account_id").first()
    scope = set(opps["account_id"]) | set(abm["account_id"])
    cols, have = _lead_contacts(leads[leads["account_id"].isin(scope)], first_opp)
    del leads, acc   # дальше лиды не нужны: на масштабе 100 это сотни мегабайт
    ctx.tables["contacts"] = _contacts(rng, cols, have, opps, first_opp, abm, start, data_end, lead_ids(len(table)))


_POOL_SEGMENTS = ("mid_market", "enterprise")


def _programme(rng, acc, leads, opps, reps, ctx, start) -> pd.DataFrame:
    first = leads.groupby("account_id")["day"].min()
    a = acc.set_index("account_id")
    pool = a[a["segment"].isin(_POOL_SEGMENTS)].copy()
    pool["first"] = first.reindex(pool.index)
    pool = pool[pool["first"] < pd.Timestamp(P.POOL_KNOWN_BEFORE)]
    # скрытая «готовность купить»: лиды компании в окне вокруг старта и намерение её первого лида
    lo, hi = start + pd.Timedelta(days=P.IN_MARKET_WINDOW[0]), start + pd.Timedelta(days=P.IN_MARKET_WINDOW[1])
    win = leads[(leads["day"] >= lo) & (leads["day"] <= hi)].groupby("account_id").size()
    # первый лид компании пула (он есть у каждой: без лидов компания в пул не попадает) — его намерение
    # и соответствие ICP
    root = leads[["day", "lead", "account_id"]].sort_values(["day", "lead"]).groupby("account_id")["lead"].first()
    first_lead = root.reindex(pool.index).to_numpy()
    q, fit = ctx.lead_scores.q[first_lead], ctx.lead_scores.fit[first_lead]
    created = opps["created"]
    owin = opps[(created >= lo) & (created <= hi)].groupby("account_id").size()
    n_leads = win.reindex(pool.index).fillna(0).to_numpy()
    n_opps = owin.reindex(pool.index).fillna(0).to_numpy()
    in_market = (np.log1p(n_leads + P.IN_MARKET_OPP_WEIGHT * n_opps)
                 + 0.3 * q)
    n = len(pool)
    intent = np.rint(100 * _sigmoid(P.INTENT_BASE + P.INTENT_SLOPE * in_market
                                    + rng.normal(0, P.INTENT_NOISE, n))).astype(int)
    ent = (pool["segment"] == "enterprise").to_numpy()
    fit_x = _std(fit) + 0.4 * ent
    icp = np.rint(100 * _sigmoid(0.9 * fit_x + rng.normal(0, P.FIT_NOISE, n))).astype(int)
    won = opps[opps["outcome"] == "won"]
    med_acv = won.groupby("segment")["amount_rub"].median()
    med_emp = a.groupby("segment")["employees"].median()
    seg = pool["segment"].to_numpy()
    med_acv = med_acv.reindex(["mid_market", "enterprise"]).fillna(float(won["amount_rub"].median()) if len(won) else 1e6)
    potential = (med_acv.reindex(seg).to_numpy() * (pool["employees"].to_numpy() / med_emp.reindex(seg).to_numpy())
                 ** P.POTENTIAL_ELASTICITY * np.exp(rng.normal(0, P.POTENTIAL_NOISE, n)))
    potential = np.rint(potential / 1000) * 1000
    rank = lambda x: pd.Series(x).rank(pct=True).to_numpy()  # noqa: E731
    w = P.SELECTION_WEIGHTS
    score = (w["intent"] * rank(intent) + w["fit"] * rank(icp) + w["potential"] * rank(potential)
             + rng.normal(0, P.SELECTION_NOISE, n))
    tier = np.full(n, None, dtype=object)
    order = np.argsort(-score, kind="stable")
    taken = np.zeros(n, dtype=bool)
    for name, cap in P.TIER_CAPACITY.items():
        allowed = ent if name == "one_to_one" else np.ones(n, dtype=bool)
        cand = [i for i in order if allowed[i] and not taken[i]][:cap]
        tier[cand] = name
        taken[cand] = True
    # ответственный AE: AE команды сегмента, работающий на дату старта, по кругу
    hire = _day(reps["hire_date"])
    exit_ = _day(reps["exit_date"])
    active = reps[(reps["role"] == "AE") & (hire <= start).to_numpy() & (exit_.isna() | (exit_ > start)).to_numpy()]
    owner = np.full(n, None, dtype=object)
    for s in ("mid_market", "enterprise"):
        team = sorted(active.loc[active["team"] == s, "rep_id"])
        idx = [i for i in order if taken[i] and seg[i] == s]
        for k, i in enumerate(idx):
            owner[i] = team[k % len(team)]
    budget = np.array([P.BUDGET_RUB.get(t, np.nan) if t else np.nan for t in tier], dtype=float)
    out = pd.DataFrame({
        "account_id": pool.index.to_numpy(), "segment": seg,
        "icp_fit_score": icp, "intent_score": intent, "potential_rub": potential,
        "selection_score": np.round(score, 4), "in_programme": taken, "tier": tier,
        "start_date": np.where(taken, P.START, None), "owner_id": owner, "budget_rub": budget,
    })
    return out.sort_values("account_id", kind="stable").reset_index(drop=True)


def _add_row(cols: dict, *values) -> None:
    """Строка контакта — по значению в каждый столбец (порядок — _CONTACT_COLUMNS)."""
    for column, value in zip(cols.values(), values):
        column.append(value)


def _lead_contacts(leads, first_opp):
    """Люди, пришедшие лидами: столбцы контактов и счёт ролей по компаниям.

    Строки контактов — столбцами, день — числом (нс): на масштабе 100 контактов больше миллиона, и
    кортеж с Timestamp на каждый занимал бы втрое больше памяти, чем сами столбцы.
    """
    cols = {name: [] for name in _CONTACT_COLUMNS}

    fo_created = first_opp["created"].to_dict()     # словари, а не .loc на каждого лида
    fo_eb = first_opp["meddic_economic_buyer"].to_dict()
    fo_champion = first_opp["meddic_champion"].to_dict()
    # 1. люди, пришедшие лидами (роль MEDDIC — только если лид пришёл до первой сделки компании)
    have: dict[str, dict[str, int]] = {}
    for r in leads.sort_values(["day", "lead"], kind="stable").itertuples(index=False):
        before = r.account_id in fo_created and r.day <= fo_created[r.account_id]
        role = _lead_role(r.job_title_level, before and fo_eb[r.account_id] >= 1,
                          before and fo_champion[r.account_id] >= 1)
        h = have.setdefault(r.account_id, {})
        if role != "end_user" and h.get(role):
            role = "end_user"
        h[role] = h.get(role, 0) + 1
        _add_row(cols, r.account_id, role, r.job_title_level, r.day.value,
            "sdr" if r.channel == "outbound" else "marketing", r.lead, None)
    return cols, have


def _contacts(rng, cols, have, opps, first_opp, abm, start, data_end, lead_id_of) -> pd.DataFrame:
    """Контакты целиком: к пришедшим лидами — вовлечённые в сделки и добавленные программой ABM.

    У пришедших лидами в столбце lead_id пока номер лида: идентификатор ставится при сборке таблицы.
    """
    # не раньше какой даты в компании может появиться экономический покупатель и чемпион:
    # если в первой сделке их не было (MEDDIC = 0) — только после её закрытия
    not_before = {"economic_buyer": {}, "champion": {}}
    for a, fo in first_opp.iterrows():
        end = fo["closed"] if not pd.isna(fo["closed"]) else data_end
        if fo["meddic_economic_buyer"] == 0:
            not_before["economic_buyer"][a] = end + pd.Timedelta(days=1)
        if fo["meddic_champion"] == 0:
            not_before["champion"][a] = end + pd.Timedelta(days=1)

    def add(a, role, day, by, opp_id):
        # номер должности, а не rng.choice по списку: тот вернул бы новую строку numpy на каждого
        # контакта; числа из потока — те же (choice с p выбирает номер одинаково)
        titles, p = _ROLE_TITLES[role]
        title = titles[int(rng.choice(len(titles), p=p))]
        _add_row(cols, a, role, title, day.value, by, None, opp_id)
        have.setdefault(a, {}).setdefault(role, 0)
        have[a][role] += 1

    def free(a):
        h = have.get(a, {})
        return [r for r in _EXTRA if h.get(r, 0) < (P.MAX_END_USERS if r == "end_user" else 1)]

    # 2. люди, которых AE и SE вовлекли в сделку
    for o in opps.itertuples(index=False):
        a = o.account_id
        created = o.created
        end = o.closed if not pd.isna(o.closed) else data_end
        span = max((end - created).days, 1)
        day = lambda: created + pd.Timedelta(days=int(rng.integers(0, span)))  # noqa: E731
        h = have.get(a, {})
        for role, score in (("economic_buyer", o.meddic_economic_buyer), ("champion", o.meddic_champion)):
            if score >= 1 and not h.get(role):
                add(a, role, max(day(), not_before[role].get(a, created)), "ae", o.opportunity_id)
        if isinstance(o.se_id, str) and "it_security" in free(a):
            add(a, "it_security", day(), "se", o.opportunity_id)
        lo, hi = P.COMMITTEE_SIZE[o.segment]
        target = int(rng.integers(lo, hi + 1))
        share = rng.uniform(*P.REACH_SHARE[o.outcome])
        need = int(round(target * share)) - sum(have.get(a, {}).values())
        for _ in range(max(need, 0)):
            f = free(a)
            if not f:
                break
            add(a, f[int(rng.integers(0, len(f)))], day(), "ae", o.opportunity_id)
    # 3. встроенный эффект программы: дополнительные роли после старта
    for r in abm[abm["in_programme"]].itertuples(index=False):
        for _ in range(int(rng.poisson(P.EXTRA_ROLES[r.tier]))):
            f = [x for x in free(r.account_id) if x != "end_user" or not have.get(r.account_id, {}).get("end_user")]
            if not f:
                break
            add(r.account_id, f[int(rng.integers(0, len(f)))],
                start + pd.Timedelta(days=int(rng.integers(0, P.EXTRA_DAYS))), P.EXTRA_ENGAGED_BY[r.tier], None)
    day = np.array(cols.pop("first_engaged_date"), dtype=np.int64)
    lead = objects(cols["lead_id"])
    came = np.flatnonzero(pd.notna(lead))
    lead[came] = lead_id_of[lead[came].astype(np.int64)]
    cols["lead_id"] = lead
    df = pd.DataFrame({name: objects(cols.pop(name)) for name in list(cols)})   # списки отпускаются по одному
    df.insert(3, "first_engaged_date", day)
    df = df[df["first_engaged_date"] <= data_end.value]
    df = df.sort_values(["first_engaged_date", "account_id", "role"], kind="stable").reset_index(drop=True)
    df.insert(0, "contact_id", [f"CT{i:05d}" for i in range(1, len(df) + 1)])
    # по строке на день, а не на контакт
    days, at = np.unique(df["first_engaged_date"].to_numpy(), return_inverse=True)
    text = pd.DatetimeIndex(days.astype("datetime64[ns]")).strftime("%Y-%m-%d").to_numpy(dtype=object)
    df["first_engaged_date"] = pd.array(text[at], dtype="str")
    return df


_CONTACT_COLUMNS = ("account_id", "role", "title_level", "first_engaged_date", "engaged_by", "lead_id",
                    "opportunity_id")
