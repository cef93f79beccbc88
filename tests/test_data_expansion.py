"""Каталог и продукты клиентов (раздел 9.3): каждое движение MRR объяснено продуктом до копейки."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.data import load
from salesbook.data.generator.params import deals as D
from salesbook.data.generator.params import expansion as P
from salesbook.data.generator.params import retention as R

EXPANSION = list(P.EXPANSION_EVENTS)


def _kop(s: pd.Series) -> pd.Series:
    return np.rint(s.astype(float) * 100).astype(np.int64)


@pytest.fixture(scope="module")
def t():
    return {n: load(n) for n in ("products", "account_products", "mrr", "accounts", "product_usage")}


@pytest.fixture(scope="module")
def by_row(t):
    """Движения по продуктам, сложенные в столбцы mrr: клиент × месяц, в копейках."""
    ap = t["account_products"].assign(kop=lambda d: _kop(d["mrr_change_rub"]))
    cls = ap["event"].map({"new": "new", "seats_removed": "contraction", "churn": "churn",
                           **{e: "expansion" for e in EXPANSION}})
    wide = ap.assign(cls=cls).pivot_table(index=["month", "account_id"], columns="cls", values="kop",
                                          aggfunc="sum", fill_value=0)
    m = t["mrr"].set_index(["month", "account_id"])
    got = wide.reindex(m.index, fill_value=0)
    return m, got


def test_every_mrr_flow_is_explained_to_the_kopeck(by_row):
    m, got = by_row
    assert (got["new"] == _kop(m["new_rub"])).all()
    assert (got["expansion"] == _kop(m["expansion_rub"])).all()
    assert (got["contraction"] == -_kop(m["contraction_rub"])).all()
    assert (got["churn"] == -_kop(m["churn_rub"])).all()


def test_no_revenue_outside_mrr(t, by_row):
    """Ни одного движения в месяце, которого нет в mrr, и сумма всех движений — MRR конца данных."""
    ap, mrr = t["account_products"], t["mrr"]
    keys = pd.MultiIndex.from_frame(ap[["month", "account_id"]])
    assert keys.isin(mrr.set_index(["month", "account_id"]).index).all()
    last = mrr[mrr["month"] == mrr["month"].max()]
    assert _kop(ap["mrr_change_rub"]).sum() == _kop(last["mrr_rub"]).sum()


def test_seats_add_up_to_licensed_seats(t):
    ap, usage = t["account_products"], t["product_usage"]
    grid = t["mrr"].set_index(["account_id", "month"]).sort_index().index
    change = ap.groupby(["account_id", "month"])["seats_change"].sum().reindex(grid, fill_value=0)
    seats = change.groupby(level=0).cumsum()
    u = usage.set_index(["account_id", "month"])["licensed_seats"]
    assert (seats.reindex(u.index) == u).all()
    churned = t["mrr"].loc[t["mrr"]["churn_rub"] > 0].set_index(["account_id", "month"]).index
    assert (seats.reindex(churned) == 0).all()                 # в месяц оттока мест не остаётся


def test_edition_matches_segment_and_modules_are_eligible(t):
    ap, prod, acc = t["account_products"], t["products"].set_index("product_id"), t["accounts"].set_index("account_id")
    seg = ap["account_id"].map(acc["segment"])
    allowed = ap["product_id"].map(prod["segments"]).str.split()
    assert all(s in a for s, a in zip(seg, allowed))
    mod = ap[ap["event"] == "module"]
    assert (mod["product_id"].map(prod["kind"]) == "module").all()
    assert (mod["month"] >= mod["product_id"].map(prod["on_sale_from"])).all()
    assert not mod.duplicated(["account_id", "product_id"]).any()          # модуль покупают один раз
    assert (ap.loc[ap["event"] != "module", "product_id"].map(prod["kind"]) == "edition").all()


def test_module_is_the_price_step_and_indexation_the_renewal_rate(t):
    """Модуль — шаг цены места (25 % MRR прошлого месяца), индексация — 7 % при продлении."""
    ap, mrr = t["account_products"], t["mrr"].sort_values(["account_id", "month"])
    prev = mrr.assign(prev=mrr.groupby("account_id")["mrr_rub"].shift()).set_index(["month", "account_id"])["prev"]
    for event, rate in (("module", R.UPGRADE_PRICE_STEP), ("indexation", R.RENEWAL_INDEXATION)):
        x = ap[ap["event"] == event]
        p = prev.reindex(pd.MultiIndex.from_frame(x[["month", "account_id"]])).to_numpy()
        assert np.allclose(x["mrr_change_rub"].to_numpy(), p * rate, atol=0.01)
    assert P.MODULE_PRICE_SHARE == R.UPGRADE_PRICE_STEP


def test_held_until_is_month_before_churn(t):
    ap, acc = t["account_products"], t["accounts"].set_index("account_id")
    bought = ap[ap["event"].isin(["new", "module"])]
    churn = ap[ap["event"] == "churn"].set_index("account_id")["month"]
    end = bought["account_id"].map(churn)
    assert (bought["held_until"].isna() == end.isna()).all()
    k = end.notna()
    assert (bought.loc[k, "held_until"] == end[k] - pd.DateOffset(months=1)).all()
    assert acc.loc[churn.index, "churned_on"].notna().all()


def test_catalogue_prices(t):
    prod = t["products"].set_index("product_id")
    for code, (_, seg, _) in P.EDITIONS.items():
        assert prod.loc[code, "price_2023_rub"] == D.SEAT_PRICE[seg]
        assert prod.loc[code, "price_2025_rub"] == pytest.approx(D.SEAT_PRICE[seg] * (1 + D.PRICE_INCREASE_2025))
    assert set(prod.loc[prod["kind"] == "module", "price_share"]) == {P.MODULE_PRICE_SHARE}


def test_built_in_industry_pattern(t):
    """Защищённый контур берут госсектор, финансы и здравоохранение; модули — меньшая часть расширения."""
    ap, acc = t["account_products"], t["accounts"].set_index("account_id")
    exp = ap[ap["event"].isin(EXPANSION)]
    share = exp.groupby("event")["mrr_change_rub"].sum() / exp["mrr_change_rub"].sum()
    assert share["seats_added"] > 0.5 and 0.08 < share["module"] < 0.3 and 0.05 < share["indexation"] < 0.25
    sec = ap[ap["product_id"] == "secure"]
    if len(sec):
        assert sec["account_id"].map(acc["industry"]).isin(["finance", "public_sector", "healthcare"]).mean() >= 0.5


def test_module_buyers_churn_less_association_only(t):
    """README: клиенты с модулями реже уходят (связь через здоровье; модуль на отток не влияет)."""
    ap = t["account_products"]
    buyers = set(ap.loc[ap["event"] == "module", "account_id"])
    churned = set(ap.loc[ap["event"] == "churn", "account_id"])
    customers = set(ap.loc[ap["event"] == "new", "account_id"])
    with_mod = np.mean([a in churned for a in customers & buyers])
    without = np.mean([a in churned for a in customers - buyers])
    assert with_mod < without


def test_modules_on_sale_counts_the_catalogue():
    """Сколько модулей можно купить: SMB — три с начала данных и AI-помощник с апреля 2025 года."""
    from salesbook.data import schemas as S
    from salesbook.data.generator.steps.expansion import modules_on_sale
    on_sale = modules_on_sale()
    smb, ent = S.SEGMENTS.index("smb"), S.SEGMENTS.index("enterprise")
    assert on_sale[smb, 0] == 3 and on_sale[smb, -1] == 4
    assert on_sale[ent, -1] == len(P.MODULES)
    assert (np.diff(on_sale, axis=1) >= 0).all()


def test_customer_never_has_more_module_upgrades_than_modules_on_sale(monkeypatch):
    """При частых переходах (как у отдельных клиентов на масштабе 100) клиент, купивший все модули
    своего сегмента, больше не переходит — и шаг продуктов не падает, а модуль не повторяется."""
    from salesbook.data import generate
    monkeypatch.setattr(R, "UPGRADE_MONTHLY_PROB", {seg: 0.6 for seg in R.UPGRADE_MONTHLY_PROB})
    tables = generate(None, scale=0.1, progress=False)
    ap = tables["account_products"]
    mod = ap[ap["event"] == "module"]
    assert not mod.duplicated(["account_id", "product_id"]).any()
    acc = tables["accounts"].set_index("account_id")
    per_customer = mod.groupby("account_id").size()
    smb = per_customer[per_customer.index.map(acc["segment"]) == "smb"]
    assert smb.max() == 4                     # предел достигнут: все модули SMB, вместе с AI-помощником
    assert (per_customer <= len(P.MODULES)).all()


def test_modules_on_sale_counts_only_modules_that_can_be_bought(monkeypatch):
    """Модуль с нулевым весом не купят — он не в счёт; нулевой вес отрасли — ошибка в параметрах."""
    from salesbook.data import schemas as S
    from salesbook.data.generator.steps.expansion import modules_on_sale
    smb = S.SEGMENTS.index("smb")
    name, segs, start, _, about = P.MODULES["portal"]
    monkeypatch.setitem(P.MODULES, "portal", (name, segs, start, 0.0, about))
    assert modules_on_sale()[smb, 0] == 2
    monkeypatch.setitem(P.INDUSTRY_WEIGHT, "portal", {"retail": 0.0})
    with pytest.raises(ValueError, match="положительными"):
        modules_on_sale()
