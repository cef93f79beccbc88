"""Счета клиентов и журнал сценариев спасения: таблицы invoices и save_plays (раздел 9.2).

Обе таблицы выводятся из помесячной истории клиентов (``ctx.customer_months``) и готовых таблиц
использования и обращений и ничего в них не меняют. Отток к этому шагу уже разыгран, поэтому
просрочка платежа и звонок CSM со здоровьем клиента и с оттоком только **связаны**: ни счёт, ни
сценарий спасения отток не меняют — истинный эффект сценария в данных равен нулю по построению.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import ids, per, sigmoid
from salesbook.data.generator.context import Context
from salesbook.data.generator.dates import END_DAY, MONTH_START, NA, add_workdays, after, fmt_days, month_str, to_working_day
from salesbook.data.generator.params import company
from salesbook.data.generator.params import health as P
from salesbook.data.generator.pipeline import step

KINDS = S.INVOICE_KINDS              # annual, coterm, monthly


def _days(text: pd.Series) -> np.ndarray:
    """Строки ГГГГ-ММ-ДД → номера дней генератора."""
    d = pd.to_datetime(text, format="%Y-%m-%d").to_numpy().astype("datetime64[D]")
    return (d - np.datetime64(company.START_DATE, "D")).astype(np.int64)


def _month_index(text: pd.Series) -> np.ndarray:
    d = pd.to_datetime(text, format="%Y-%m-%d")
    return ((d.dt.year - int(company.START_DATE[:4])) * 12 + d.dt.month - 1).to_numpy(np.int64)


@step("счета клиентов", reads=("customer_months", "account_dates", "accounts", "tables.mrr"),
      writes=("tables.invoices",), streams=("invoices",))
def make_invoices(ctx: Context, rng) -> None:
    """Таблица invoices: счета по годовым договорам (вперёд за год и доплаты co-term) и помесячному тарифу."""
    cm = ctx.customer_months
    monthly = (ctx.tables["mrr"]["billing"].to_numpy() == "monthly")
    year_pos = cm.t % 12
    is_month = monthly & (cm.mrr > 0)
    is_year = ~monthly & (year_pos == 0) & (cm.mrr > 0)
    is_coterm = ~monthly & (year_pos != 0) & (cm.exp > 0)
    row = np.concatenate([np.flatnonzero(is_year), np.flatnonzero(is_coterm), np.flatnonzero(is_month)])
    kind = np.concatenate([np.full(is_year.sum(), 0), np.full(is_coterm.sum(), 1), np.full(is_month.sum(), 2)])
    rate = np.where(kind == 1, cm.exp[row], cm.mrr[row])                       # коп. в месяц
    months = np.where(kind == 0, 12, np.where(kind == 1, 12 - year_pos[row], 1)).astype(np.int64)
    amount = rate * months
    acc, m, h, t = cm.acc[row], cm.m[row], cm.h[row], cm.t[row]
    # первый счёт — в день подписания договора, остальные — в первый рабочий день оплачиваемого месяца
    issue = np.where(t == 0, to_working_day(ctx.account_dates.since[acc]), add_workdays(MONTH_START[m]))
    public = ctx.accounts.ind[acc] == S.INDUSTRIES.index("public_sector")
    terms = np.where(public, P.PUBLIC_TERMS_WORKDAYS, per(P.TERMS_WORKDAYS, S.SEGMENTS)[cm.seg[row]])
    due = add_workdays(issue, terms)
    n = len(row)
    # оплата: частный клиент — по здоровью, госзаказчик — по процедуре
    on_time = np.where(public, rng.random(n) < P.PUBLIC_ONTIME,
                       rng.random(n) < sigmoid(P.ONTIME_LOGIT + P.ONTIME_HEALTH * h))
    late = np.where(public, P.PUBLIC_LATE_MEDIAN_DAYS * np.exp(rng.normal(0, P.PUBLIC_LATE_SIGMA, n)),
                    P.LATE_MEDIAN_DAYS * np.exp(-P.LATE_HEALTH * h + rng.normal(0, P.LATE_SIGMA, n)))
    late = np.maximum(np.rint(late), 1).astype(np.int64)
    early = np.floor(rng.random(n) * (due - issue + 1)).astype(np.int64)
    paid = to_working_day(np.where(on_time, issue + early, due + late))
    paid = np.where(on_time, np.minimum(paid, due), paid)     # в срок — не позже срока
    never = ~public & (rng.random(n) < sigmoid(P.NEVER_LOGIT - P.NEVER_HEALTH * h))
    paid = np.where(never | (paid > END_DAY), NA, paid)

    order = np.lexsort((kind, ctx.accounts.ids[acc], issue))
    ctx.tables["invoices"] = pd.DataFrame({
        "invoice_id": ids("IN", n, 6),
        "account_id": ctx.accounts.ids[acc][order],
        "kind": np.asarray(KINDS, dtype=object)[kind[order]],
        "issue_date": fmt_days(issue[order]),
        "service_start": month_str(m[order]),
        "service_months": months[order],
        "amount_rub": amount[order] / 100,
        "due_date": fmt_days(due[order]),
        "paid_date": fmt_days(paid[order]),
    })


def _quarter_flags(ctx: Context, q: int) -> pd.DataFrame:
    """Клиенты, которых старое правило отмечает в первый день месяца ``q`` (за месяц до квартала).

    Кандидаты — кто платил в прошлом месяце, не ушёл в сам день отметки и может уйти в окне
    (три месяца после отметки): помесячный тариф или продление годового договора через 1–3 месяца.
    Продление в месяц отметки в окно не входит: решение о нём уже принято. Отмечен — есть хотя бы
    один сигнал старого правила по данным до дня отметки.
    """
    cm = ctx.customer_months
    monthly = (ctx.tables["mrr"]["billing"].to_numpy() == "monthly")
    live = (cm.m == q - 1) & (cm.mrr > 0)
    idx = np.flatnonzero(live)
    t = cm.t[idx]                        # месяц договора в прошлом месяце; в месяце q — t + 1
    renewal = np.zeros(len(idx), dtype=bool)
    for k in range(2, P.WINDOW_MONTHS + 2):
        renewal |= (t + k) % 12 == 0     # продление в месяце q + k − 1, то есть через 1–3 месяца
    gone = ctx.account_dates.churned[cm.acc[idx]] == MONTH_START[q]
    at_risk = (monthly[idx] | renewal) & ~gone
    idx = idx[at_risk]
    accs = ctx.accounts.ids[cm.acc[idx]]
    usage = ctx.tables["product_usage"]
    um = _month_index(usage["month"])
    last = usage[um == q - 1].set_index("account_id")
    util = pd.Series(accs).map(last["active_users"] / last["licensed_seats"]).to_numpy(float)
    nps = usage[(um >= q - P.OLD_RULE_NPS_MONTHS) & (um < q) & usage["nps"].notna()]
    nps_last = nps.assign(um=um[nps.index]).sort_values("um").groupby("account_id")["nps"].last()
    nps_a = pd.Series(accs).map(nps_last)
    tickets = ctx.tables["support_tickets"]
    td = _days(tickets["created_date"])
    crit = tickets[(tickets["priority"].to_numpy() == "critical") & (td < MONTH_START[q])
                   & (td >= MONTH_START[q] - P.OLD_RULE_CRITICAL_DAYS)].groupby("account_id").size()
    n_crit = pd.Series(accs).map(crit).fillna(0).to_numpy()
    flag = (util < P.OLD_RULE_UTILISATION) | (nps_a.fillna(99).to_numpy() <= P.OLD_RULE_NPS) | (n_crit >= 1)
    return pd.DataFrame({"row": idx[flag], "account_id": accs[flag], "h": cm.h[idx[flag]],
                         "answered": nps_a.notna().to_numpy()[flag], "seg": cm.seg[idx[flag]],
                         "monthly": monthly[idx[flag]], "churned": ctx.account_dates.churned[cm.acc[idx[flag]]]})


@step("сценарии спасения", reads=("customer_months", "account_dates", "accounts", "tables.mrr", "tables.product_usage",
                                  "tables.support_tickets", "tables.reps"),
      writes=("tables.save_plays",), streams=("saveplays",))
def make_save_plays(ctx: Context, rng) -> None:
    """Таблица save_plays: отмеченные старым правилом клиенты, выбор CSM (2024) и случайное деление (2025).

    Отметка — в первый день месяца перед кварталом (1 декабря, 1 марта, 1 июня, 1 сентября), окно
    исхода — три месяца после неё: журнал «2024 года» — окна, закрывающиеся в 2024 году.
    """
    start_year = int(company.START_DATE[:4])
    reps = ctx.tables["reps"]
    csm = reps[reps["role"] == "CSM"]
    hire, leave = _days(csm["hire_date"]), _days(csm["exit_date"].replace("", np.nan).fillna(company.END_DATE))
    parts = []
    for year, program in ((P.CHOICE_YEAR, "csm_choice"), (P.RCT_YEAR, "rct")):
        for qi in range(4):
            q = (year - start_year) * 12 + 3 * qi - 1
            f = _quarter_flags(ctx, q)
            n = len(f)
            h = f["h"].to_numpy()
            if program == "csm_choice":
                play = rng.random(n) < sigmoid(P.CHOICE_LOGIT + P.CHOICE_HEALTH * h + P.CHOICE_NPS * f["answered"])
                reach = np.ones(n, dtype=bool)
            else:
                # жребий внутри слоёв «сегмент × план оплаты»: в каждом слое половина — сценарий; при
                # нечётном размере лишний клиент уходит в ту группу, которая пока меньше (при равенстве —
                # по монетке), так что и весь квартал делится пополам с точностью до одного клиента
                play = np.zeros(n, dtype=bool)
                strata = f["seg"].to_numpy() * 2 + f["monthly"].astype(int).to_numpy()
                lead = 0                                  # сценарий минус контроль по лишним клиентам
                for s_ in np.unique(strata):
                    members = np.flatnonzero(strata == s_)
                    extra = 0
                    if len(members) % 2 == 1:
                        extra = int(lead < 0 or (lead == 0 and rng.random() < P.RCT_PLAY_SHARE))
                        lead += 1 if extra else -1
                    play[members[rng.permutation(len(members))[:len(members) // 2 + extra]]] = True
                reach = rng.random(n) < sigmoid(P.REACH_LOGIT + P.REACH_HEALTH * h)
            day0 = MONTH_START[q]
            day = after(day0, rng.geometric(1.0 / P.PLAY_MEAN_DAYS, n))
            day = np.minimum(day, MONTH_START[q + P.WINDOW_MONTHS] - 1)
            churned = f["churned"].to_numpy()
            # встречи после ухода клиента не бывает: клиент уже ушёл — встреча не состоялась
            held = play & reach & ((churned == NA) | (day < churned))
            on_duty = np.flatnonzero((hire <= day0) & (leave > day0))
            who = csm["rep_id"].to_numpy()[on_duty[rng.integers(len(on_duty), size=n)]]
            parts.append(pd.DataFrame({
                "program": program, "flag_date": fmt_days(np.full(n, day0)), "account_id": f["account_id"].to_numpy(),
                "group": np.where(play, "play", "control"), "csm_id": np.where(play, who, None),
                "play_date": np.where(held, fmt_days(day), "")}))
    out = pd.concat(parts, ignore_index=True).sort_values(["flag_date", "account_id"], kind="stable")
    out.insert(0, "play_id", ids("SV", len(out), 5))
    ctx.tables["save_plays"] = out.reset_index(drop=True)
