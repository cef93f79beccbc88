"""Компании: лиды объединяются в компании, повторная сделка клиента становится допродажей."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import choice_codes, ids, labels
from salesbook.data.generator.context import Accounts, Context
from salesbook.data.generator.corpora import corpus
from salesbook.data.generator.dates import NA, fmt_days, to_working_day
from salesbook.data.generator.params import deals
from salesbook.data.generator.pipeline import step


def _targets(rng, leads, converted, won_day):
    """Для каждого лида — лид, чья компания станет его компанией (сам лид — новая компания).

    Повторный лид попадает к компании, приходившей раньше; повторный лид со сделкой с
    вероятностью deals.UPSELL_SHARE — к действующему клиенту, и его сделка становится допродажей.
    """
    n = len(leads.day)
    repeat = rng.random(n) < deals.REPEAT_LEAD_SHARE
    upsell_try = rng.random(n) < deals.UPSELL_SHARE
    target = np.arange(n)
    upsell = np.zeros(n, dtype=bool)
    grp = leads.seg * len(S.INDUSTRIES) + leads.ind
    for g in np.unique(grp):
        in_g = grp == g
        rep = np.flatnonzero(in_g & repeat)
        if len(rep) == 0:
            continue
        cand = np.flatnonzero(in_g & ~repeat & ~converted)     # уже отсортированы по дате
        if len(cand):
            k = np.searchsorted(leads.day[cand], leads.day[rep] - 30, side="right")
            ok = k > 0
            target[rep[ok]] = cand[(rng.random(ok.sum()) * k[ok]).astype(np.int64)]
        # допродажи: компания стала клиентом хотя бы за 30 дней до нового лида
        cust = np.flatnonzero(in_g & ~repeat & (won_day != NA))
        up = rep[converted[rep] & upsell_try[rep]]
        if len(cust) and len(up):
            avail = won_day[cust] + 30
            order = np.argsort(avail, kind="stable")
            cust, avail = cust[order], avail[order]
            k = np.searchsorted(avail, leads.day[up], side="right")
            ok = k > 0
            target[up[ok]] = cust[(rng.random(ok.sum()) * k[ok]).astype(np.int64)]
            upsell[up[ok]] = True
    # не больше одной сделки «нового клиента» и одной допродажи на компанию
    for kind in (~upsell, upsell):
        ci = np.flatnonzero(converted & (target != np.arange(n)) & kind)
        dup = pd.Series(target[ci]).duplicated(keep="first").to_numpy()
        target[ci[dup]] = ci[dup]
        upsell[ci[dup]] = False
    return target, upsell


@step("компании", reads=("leads", "funnel", "opps"), writes=("accounts",), streams=("accounts",))
def assign_accounts(ctx: Context, rng) -> None:
    """Компании: большинство лидов — новые компании, часть — повторные обращения.

    Сегмент и отрасль компании — как у её первого лида (повторные лиды ищутся в той же
    группе), число сотрудников и регион — тоже от первого лида.
    """
    leads, opps = ctx.leads, ctx.opps
    won_day = np.full(len(leads.day), NA, dtype=np.int64)   # дата выигрыша сделки лида (если выиграна)
    wl = np.flatnonzero(opps.of_lead >= 0)
    ok = opps.won[opps.of_lead[wl]] & opps.is_closed[opps.of_lead[wl]]
    won_day[wl[ok]] = opps.close[opps.of_lead[wl[ok]]]
    target, upsell = _targets(rng, leads, ctx.funnel.status == "converted", won_day)
    roots, of_lead = np.unique(target, return_inverse=True)   # roots по возрастанию = по дате
    ctx.accounts = Accounts(ids=ids("A", len(roots), 5), seg=leads.seg[roots], ind=leads.ind[roots],
                            emp=leads.emp[roots], region=leads.region[roots], of_lead=of_lead,
                            upsell=upsell[opps.li])


@step("таблица компаний", reads=("accounts", "account_dates"), writes=("tables.accounts",), streams=("names",))
def make_accounts_table(ctx: Context, rng) -> None:
    """Таблица accounts: названия компаний и даты «клиент с» / «ушёл»."""
    acc, dates = ctx.accounts, ctx.account_dates
    ctx.tables["accounts"] = pd.DataFrame({
        "account_id": acc.ids, "company_name": company_names(rng, acc.ind, acc.seg),
        "industry": labels(S.INDUSTRIES, acc.ind), "segment": labels(S.SEGMENTS, acc.seg),
        "employees": acc.emp, "region": labels(S.REGIONS, acc.region),
        "customer_since": fmt_days(to_working_day(dates.since)), "churned_on": fmt_days(dates.churned)})


def _public_names(rng, k, texts):
    """Госучреждения: «ГБУ „Центр … города“»."""
    base = np.array([f"{p} {pl}" for p in texts["public_prefixes"] for pl in texts["public_places"]],
                    dtype=object)
    forms = np.array(texts["public_forms"], dtype=object)
    total = len(base) * len(forms)
    pick = rng.choice(total, size=k, replace=k > total)
    return _join("{} „{}“", forms[pick % len(forms)], base[pick // len(forms)])


def _business_names(rng, suffixes, seg, texts):
    """Компании: «ООО „Корень Отрасль Хвост“», форма собственности зависит от сегмента."""
    roots = np.array(texts["roots"], dtype=object)
    sufs = np.array(suffixes, dtype=object)
    tails = np.array(texts["tails"], dtype=object)
    nr, nsuf, nt = len(roots), len(sufs), len(tails)
    w = np.repeat(np.array(texts["tail_weights"]), nr * nsuf)
    pick = rng.choice(nr * nsuf * nt, size=len(seg), replace=len(seg) > nr * nsuf * nt, p=w / w.sum())
    form = np.empty(len(seg), dtype=np.int64)
    for s, sname in enumerate(S.SEGMENTS):
        m = seg == s
        form[m] = choice_codes(rng, int(m.sum()), texts["legal_form_mix"][sname])
    return _join("{} „{} {}{}“", labels(texts["legal_forms"], form), roots[pick % nr], sufs[(pick // nr) % nsuf],
                 tails[pick // (nr * nsuf)])


def _join(template: str, *parts) -> np.ndarray:
    """Строки по шаблону из частей — по одной строке на элемент (массив object).

    Не ``a + " „" + b + …`` над массивами object: каждое «+» создаёт промежуточную строку на
    каждый элемент, и на 2 млн компаний масштаба 100 это больше гигабайта памяти сверх нужного.
    """
    out = np.empty(len(parts[0]), dtype=object)
    out[:] = [template.format(*p) for p in zip(*parts)]
    return out


def company_names(rng, industry_codes, segment_codes):
    """Уникальные правдоподобные вымышленные названия компаний."""
    texts = corpus("companies")
    out = np.empty(len(industry_codes), dtype=object)
    for ind_i, ind in enumerate(S.INDUSTRIES):
        sel = np.flatnonzero(industry_codes == ind_i)
        if len(sel) == 0:
            continue
        if ind == "public_sector":
            out[sel] = _public_names(rng, len(sel), texts)
        else:
            out[sel] = _business_names(rng, texts["industry_suffixes"][ind], segment_codes[sel], texts)
    # гарантия уникальности при больших масштабах: «… 2», «… 3» — по номеру повтора названия.
    # Словарь — по разным названиям (их десятки тысяч), и повтор заменяется сразу: без groupby по
    # всем строкам и без второй копии переименованных (на масштабе 100 — лишние сотни мегабайт)
    names, out = out.tolist(), None
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        k = seen.get(name, 0)
        seen[name] = k + 1
        if k:
            names[i] = f"{name[:-1]} {k + 1}“"
    out = np.empty(len(names), dtype=object)
    out[:] = names
    return out
