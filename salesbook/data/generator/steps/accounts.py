"""Компании: лиды объединяются в компании, повторная сделка клиента становится допродажей."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import IdRange, choice_codes, labels
from salesbook.data.generator.context import Accounts, Context
from salesbook.data.generator.corpora import corpus
from salesbook.data.generator.dates import NA, fmt_days, to_working_day
from salesbook.data.generator.frames import DeferredTable, Packed, narrow
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
    ctx.accounts = Accounts(ids=IdRange("A", len(roots), 5), seg=leads.seg[roots], ind=leads.ind[roots],
                            emp=leads.emp[roots], region=leads.region[roots], of_lead=of_lead,
                            upsell=upsell[opps.li])


@step("таблица компаний", reads=("accounts", "account_dates"), writes=("tables.accounts",), streams=("names",))
def make_accounts_table(ctx: Context, rng) -> None:
    """Таблица accounts: названия компаний и даты «клиент с» / «ушёл».

    Хранится компактно (:class:`~salesbook.data.generator.frames.DeferredTable`): на масштабе 100 это
    почти 2 млн компаний, и одни названия строками Python заняли бы около 250 МБ; название собирается
    из своих частей, когда его строку просят.
    """
    acc, dates = ctx.accounts, ctx.account_dates
    names = CompanyNames(rng, acc.ind, acc.seg)
    raw = {"ind": Packed(acc.ind), "seg": Packed(acc.seg), "emp": Packed(acc.emp), "region": Packed(acc.region),
           "since": Packed(to_working_day(dates.since)), "churned": Packed(dates.churned)}
    acc_ids = acc.ids

    def render(rows, columns):
        def r(key):
            return raw[key][rows]
        column = {
            "account_id": lambda: acc_ids[rows], "company_name": lambda: names[rows],
            "industry": lambda: labels(S.INDUSTRIES, r("ind")), "segment": lambda: labels(S.SEGMENTS, r("seg")),
            "employees": lambda: r("emp"), "region": lambda: labels(S.REGIONS, r("region")),
            "customer_since": lambda: fmt_days(r("since")), "churned_on": lambda: fmt_days(r("churned")),
        }
        return {name: column[name]() for name in columns}

    columns = S.columns("accounts")
    ctx.tables["accounts"] = DeferredTable(len(acc_ids), columns, render, text=set(columns) - {"employees"})


class CompanyNames:
    """Уникальные правдоподобные вымышленные названия компаний — номерами своих частей.

    ``names[rows]`` — названия выбранных компаний (массив object; ``rows`` — срез или номера строк). Части выбираются при создании
    (поток случайных чисел расходуется ровно как при построении строк), строки — по запросу.
    """

    def __init__(self, rng, industry_codes, segment_codes):
        texts = corpus("companies")
        n = len(industry_codes)
        self.ind = narrow(industry_codes)
        self.pick = np.zeros(n, dtype=np.int64)
        self.form = np.zeros(n, dtype=np.int8)   # правовая форма (коммерческие компании)
        for ind_i, ind in enumerate(S.INDUSTRIES):
            sel = np.flatnonzero(industry_codes == ind_i)
            if len(sel) == 0:
                continue
            if ind == "public_sector":
                self.pick[sel] = _public_picks(rng, len(sel), texts)
            else:
                self.pick[sel], self.form[sel] = _business_picks(rng, texts["industry_suffixes"][ind],
                                                                 segment_codes[sel], texts)
        self.pick = narrow(self.pick)
        self.repeat = np.zeros(n, dtype=np.int32)   # номер повтора названия: 0 — первое такое, иначе 2, 3…
        # гарантия уникальности при больших масштабах: «… 2», «… 3» — по номеру повтора названия.
        # Словарь — по разным названиям (их десятки тысяч), названия — частями по порядку строк
        seen: dict[str, int] = {}
        for start in range(0, n, _NAME_CHUNK):
            stop = min(start + _NAME_CHUNK, n)
            for i, name in enumerate(self._base(slice(start, stop)).tolist(), start):
                k = seen.get(name, 0)
                seen[name] = k + 1
                if k:
                    self.repeat[i] = k + 1
        self.repeat = narrow(self.repeat)

    def __len__(self) -> int:
        return len(self.ind)

    def _base(self, rows) -> np.ndarray:
        """Названия без номера повтора."""
        texts = corpus("companies")
        ind, pick, form = self.ind[rows], self.pick[rows].astype(np.int64), self.form[rows]
        out = np.empty(len(ind), dtype=object)
        for ind_i, name in enumerate(S.INDUSTRIES):
            sel = np.flatnonzero(ind == ind_i)
            if len(sel) == 0:
                continue
            if name == "public_sector":
                out[sel] = _public_names(pick[sel], texts)
            else:
                out[sel] = _business_names(pick[sel], form[sel], texts["industry_suffixes"][name], texts)
        return out

    def __getitem__(self, rows) -> np.ndarray:
        out = self._base(rows)
        repeat = self.repeat[rows]
        for i in np.flatnonzero(repeat):
            out[i] = f"{out[i][:-1]} {repeat[i]}“"
        return out


_NAME_CHUNK = 250_000   # названий за раз при поиске повторов


def _public_base(texts):
    base = np.array([f"{p} {pl}" for p in texts["public_prefixes"] for pl in texts["public_places"]], dtype=object)
    return base, np.array(texts["public_forms"], dtype=object)


def _public_picks(rng, k, texts):
    """Госучреждения: номер сочетания «форма × название»."""
    base, forms = _public_base(texts)
    total = len(base) * len(forms)
    return rng.choice(total, size=k, replace=k > total)


def _public_names(pick, texts):
    """Госучреждения: «ГБУ „Центр … города“»."""
    base, forms = _public_base(texts)
    return _join("{} „{}“", forms[pick % len(forms)], base[pick // len(forms)])


def _business_picks(rng, suffixes, seg, texts):
    """Компании: номер сочетания «корень × отраслевой суффикс × хвост» и правовая форма (по сегменту)."""
    nr, nsuf, nt = len(texts["roots"]), len(suffixes), len(texts["tails"])
    w = np.repeat(np.array(texts["tail_weights"]), nr * nsuf)
    pick = rng.choice(nr * nsuf * nt, size=len(seg), replace=len(seg) > nr * nsuf * nt, p=w / w.sum())
    form = np.empty(len(seg), dtype=np.int64)
    for s, sname in enumerate(S.SEGMENTS):
        m = seg == s
        form[m] = choice_codes(rng, int(m.sum()), texts["legal_form_mix"][sname])
    return pick, form


def _business_names(pick, form, suffixes, texts):
    """Компании: «ООО „Корень Отрасль Хвост“», форма собственности зависит от сегмента."""
    roots = np.array(texts["roots"], dtype=object)
    sufs = np.array(suffixes, dtype=object)
    tails = np.array(texts["tails"], dtype=object)
    nr, nsuf = len(roots), len(sufs)
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
    """Уникальные правдоподобные вымышленные названия компаний (массив строк)."""
    names = CompanyNames(rng, np.asarray(industry_codes), np.asarray(segment_codes))
    return names[slice(None)]
