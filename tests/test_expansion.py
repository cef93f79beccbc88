"""Инструментарий раздела 9.3: расширение по видам, «белые пятна», склонность, мост NRR, индексация и цена."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.data import load
from salesbook.toolkit import expansion as E
from salesbook.toolkit import kpi, lead_scoring
from salesbook.toolkit.validation import MetricError


@pytest.fixture(scope="module")
def t():
    return {n: load(n) for n in ("mrr", "account_products", "products", "accounts", "product_usage")}


def _tiny():
    ap = pd.DataFrame({
        "month": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-03-01", "2025-05-01", "2025-06-01", "2025-02-01"]),
        "account_id": ["A1", "A2", "A1", "A1", "A1", "A2"],
        "product_id": ["start", "itsm", "start", "telephony", "start", "itsm"],
        "event": ["new", "new", "seats_added", "module", "churn", "indexation"],
        "seats_change": [4, 10, 2, 0, -6, 0],
        "mrr_change_rub": [100.0, 400.0, 50.0, 37.5, -187.5, 28.0],
        "held_until": pd.to_datetime(["2025-05-01", None, None, "2025-05-01", None, None]),
    })
    accounts = pd.DataFrame({"account_id": ["A1", "A2"], "segment": ["smb", "mid_market"], "employees": [20, 300]})
    products = pd.DataFrame({
        "product_id": ["start", "itsm", "telephony", "sla_analytics", "secure"],
        "kind": ["edition", "edition", "module", "module", "module"],
        "segments": ["smb", "mid_market", "smb mid_market enterprise", "mid_market enterprise", "enterprise"],
        "on_sale_from": pd.to_datetime(["2023-01-01"] * 4 + ["2025-06-01"]),
        "price_2023_rub": [1990.0, 3990.0, np.nan, np.nan, np.nan],
        "price_2025_rub": [2000.0, 4000.0, np.nan, np.nan, np.nan],
        "price_share": [np.nan, np.nan, 0.25, 0.25, 0.25],
    })
    return ap, accounts, products


def test_holdings_respect_purchase_and_churn():
    ap, _, _ = _tiny()
    h = E.holdings(ap, "2025-05-01")
    assert set(map(tuple, h[["account_id", "product_id"]].to_numpy())) == {("A1", "start"), ("A1", "telephony"),
                                                                           ("A2", "itsm")}
    assert h.set_index("product_id").loc["start", "seats"] == 6
    h6 = E.holdings(ap, "2025-06-01")                      # A1 ушёл в июне
    assert set(h6["account_id"]) == {"A2"}
    with pytest.raises(MetricError):
        E.holdings(ap, "2024-01-01")


def test_white_space_excludes_held_ineligible_and_not_on_sale():
    ap, acc, prod = _tiny()
    ws = E.white_space(prod, ap, acc, "2025-05-01")
    pairs = set(map(tuple, ws[["account_id", "product_id"]].to_numpy()))
    assert pairs == {("A2", "telephony"), ("A2", "sla_analytics")}   # A1 уже купил телефонию; secure — позже и не им
    assert ws["white_space_rub"].tolist() == pytest.approx([0.25 * 4000 * 10] * 2)
    ws23 = E.white_space(prod, ap.assign(month=ap["month"] - pd.DateOffset(years=1),
                                         held_until=ap["held_until"] - pd.DateOffset(years=1)), acc, "2024-05-01")
    assert ws23["white_space_rub"].iloc[0] == pytest.approx(0.25 * 3990 * 10)


def test_expansion_mix_sums_and_motions():
    ap, acc, _ = _tiny()
    mix = E.expansion_mix(ap, "2025-01-01", "2025-12-01")
    assert mix["mrr_rub"].sum() == pytest.approx(50 + 37.5 + 28)
    assert mix.loc["module", "motion"] == "cross_sell" and mix.loc["seats_added", "motion"] == "upsell"
    by = E.expansion_mix(ap, "2025-01-01", "2025-12-01", acc, "segment")
    assert by.loc["indexation", "mid_market"] == 28 and by.loc["module", "smb"] == 37.5
    with pytest.raises(MetricError):
        E.expansion_mix(ap, "2025-12-01", "2025-01-01")
    with pytest.raises(MetricError):
        E.expansion_mix(ap, "2025-01-01", "2025-12-01", by="segment")


def test_bridge_equals_kpi_nrr_for_every_segment(t):
    b = E.nrr_bridge(t["mrr"], "2024-12-01", "2025-12-01", t["accounts"], "segment")
    for seg in b.index:
        k = kpi.revenue_retention(t["mrr"], "2024-12-01", "2025-12-01", t["accounts"], seg)
        assert b.loc[seg, "nrr"] == pytest.approx(k["nrr"], abs=1e-9)
        assert b.loc[seg, "customers"] == k["customers"]
    assert np.allclose(b["nrr"], 1 + b["expansion"] - b["contraction"] - b["churn"])
    total = E.nrr_bridge(t["mrr"], "2024-12-01", "2025-12-01")
    assert total.loc["all", "nrr"] == pytest.approx(kpi.revenue_retention(t["mrr"], "2024-12-01", "2025-12-01")["nrr"])
    cohorts = E.nrr_bridge(t["mrr"], "2024-12-01", "2025-12-01", by="cohort")
    assert cohorts["start_mrr_rub"].sum() == pytest.approx(total.loc["all", "start_mrr_rub"])


def test_bridge_bad_input():
    with pytest.raises(MetricError):
        E.nrr_bridge(None, "2024-12-01", "2025-12-01")
    with pytest.raises(MetricError):
        E.nrr_bridge(load("mrr"), "2025-12-01", "2024-12-01")
    with pytest.raises(MetricError):
        E.nrr_bridge(load("mrr"), "декабрь", "2025-12-01")
    with pytest.raises(MetricError):
        E.nrr_bridge(load("mrr"), "2024-12-01", "2025-12-01", by="region")


def test_propensity_frame_uses_only_the_past_and_excludes_indexation(t):
    f = E.propensity_frame(t["mrr"], t["product_usage"], t["accounts"], t["account_products"], "2024-06-01")
    assert f["account_id"].is_unique and set(f["expanded"]) == {0, 1}
    assert f[list(E.PROPENSITY_FEATURES)].notna().all().all()
    ap = t["account_products"]
    only_index = set(ap.loc[ap["month"].between("2024-07-01", "2024-12-01") & (ap["event"] == "indexation"),
                            "account_id"])
    sales = set(ap.loc[ap["month"].between("2024-07-01", "2024-12-01")
                       & ap["event"].isin(E.SALES_EXPANSION_EVENTS), "account_id"])
    assert (f.loc[f["account_id"].isin(only_index - sales), "expanded"] == 0).all()
    with pytest.raises(MetricError):
        E.propensity_frame(t["mrr"], t["product_usage"], t["accounts"], t["account_products"], "2025-09-01")


def test_model_beats_utilisation_rule_out_of_time(t):
    """Текст раздела: на срезе 2025 года модель различает расширение лучше правила «активность ≥ 90 %»."""
    args = (t["mrr"], t["product_usage"], t["accounts"], t["account_products"])
    train, test = E.propensity_frame(*args, "2024-06-01"), E.propensity_frame(*args, "2025-06-01")
    p = E.fit_propensity(train, test)
    rule = (test["utilisation"] >= 0.9).astype(float)
    diff = lead_scoring.auc_bootstrap(test["expanded"], p, rule, n_boot=300)
    assert diff["low"] > 0
    cap = E.work_capacity(test["expanded"], p, 100)
    assert cap["lift"] > 1.3 and cap["hit_rate"] > cap["base_rate"]
    with pytest.raises(MetricError):
        E.work_capacity(test["expanded"], p, 0)


def test_work_capacity_breaks_ties_at_random():
    """Правило «да/нет»: внутри группы на границе мощности порядок случайный — берётся ожидание."""
    y = np.array([1, 0, 0, 1, 1, 0, 0, 0])
    rule = np.array([1, 1, 1, 1, 0, 0, 0, 0], dtype=float)
    r = E.work_capacity(y, rule, 2)                     # из 4 отмеченных расширились 2 → ожидаемо 1 из 2
    assert r["expanded"] == pytest.approx(1.0) and r["lift"] == pytest.approx(0.5 / (3 / 8))
    r6 = E.work_capacity(y, rule, 6)                    # все 4 отмеченных + 2 из 4 остальных (1 расширившийся)
    assert r6["expanded"] == pytest.approx(2 + 2 * 1 / 4)
    strict = E.work_capacity(y, np.arange(8, 0, -1), 3)  # без ничьих — обычная верхушка
    assert strict["expanded"] == 1
    g = E.capacity_gains(y, rule, n_groups=2)
    assert g["captured"].iloc[-1] == pytest.approx(1.0) and g["captured"].iloc[0] == pytest.approx(2 / 3)


def test_capacity_bootstrap_and_next_module(t):
    args = (t["mrr"], t["product_usage"], t["accounts"], t["account_products"])
    train, test = E.propensity_frame(*args, "2024-06-01"), E.propensity_frame(*args, "2025-06-01")
    p = E.fit_propensity(train, test)
    same = E.capacity_bootstrap(test["expanded"], p, p, 100, n_boot=50)
    assert same["estimate"] == 0 and same["low"] == same["high"] == 0
    ws = E.white_space(t["products"], t["account_products"], t["accounts"], "2025-12-01")
    best = E.next_module(ws, t["account_products"], t["accounts"])
    assert best["account_id"].is_unique and set(best["account_id"]) == set(ws["account_id"])
    pairs = set(map(tuple, ws[["account_id", "product_id"]].to_numpy()))
    assert all((a, m) in pairs for a, m in best[["account_id", "product_id"]].to_numpy())
    assert set(test["bought_module"]) == {0, 1} and (test["bought_module"] <= test["expanded"]).all()


def test_indexation_naive_comparison_is_survivorship(t):
    naive = E.indexation_churn(t["mrr"], t["account_products"], naive=True)
    fair = E.indexation_churn(t["mrr"], t["account_products"])
    # наивно «индексация удерживает» в разы; честно интервалы перекрываются
    assert naive.loc["с индексацией", "high"] < naive.loc["без индексации", "low"]
    assert naive.loc["без индексации", "churn"] > 5 * naive.loc["с индексацией", "churn"]
    assert fair.loc["с индексацией", "high"] > fair.loc["без индексации", "low"]
    assert fair.loc["без индексации", "high"] > fair.loc["с индексацией", "low"]


def test_break_even_closed_form_and_compounding():
    x, gm, c = 0.1, 0.78, 0.12
    assert E.break_even_churn(x, gm, c, years=1) == pytest.approx((1 - c) * x / (gm + x), rel=1e-6)
    three = E.break_even_churn(x, gm, c, years=3)
    assert three < E.break_even_churn(x, gm, c, years=1)
    assert E.price_increase_margin(x, gm, c, three, 3)["difference"].sum() == pytest.approx(0, abs=1e-9)
    assert E.break_even_churn(x, 1.0, c, 1) < E.break_even_churn(x, gm, c, 1)   # по выручке порог ниже
    assert E.break_even_churn(0.0, gm, c) == 0.0
    # дисконтирование: дальние годы весят меньше, порог выше; за один год ставка порог не меняет
    assert E.break_even_churn(x, gm, c, 3, discount=0.2) > three
    assert E.break_even_churn(x, gm, c, 1, discount=0.2) == pytest.approx(E.break_even_churn(x, gm, c, 1))
    for bad in (None, "десять", np.nan, 10, -0.1):
        with pytest.raises(MetricError):
            E.break_even_churn(bad, gm, c)
    with pytest.raises(MetricError):
        E.price_increase_margin(x, gm, 0.6, 0.5)
    with pytest.raises(MetricError):
        E.break_even_churn(x, gm, c, 3, discount=20)


def test_churn_difference_newcombe():
    t = pd.DataFrame({"n": [64, 49], "churned": [3, 4]}, index=["с индексацией", "без индексации"])
    d = E.churn_difference(t)
    assert d["difference"] == pytest.approx(3 / 64 - 4 / 49)
    assert d["low"] < d["difference"] < d["high"] and d["low"] < 0 < d["high"]
    big = E.churn_difference(pd.DataFrame({"n": [5000, 5000], "churned": [500, 1000]}))
    assert big["high"] < 0                              # при большой выборке разница видна


def test_text_claims_of_section(t):
    """Утверждения текста раздела 9.3 (часть 1) верны на данных курса."""
    from salesbook.toolkit import retention

    mrr, ap, acc = t["mrr"], t["account_products"], t["accounts"]
    # «белые пятна»: самые большие клетки — средний и крупный бизнес; продано за год — малая доля пятен
    ws_all = E.white_space(t["products"], ap, acc, "2025-12-01")
    ws = ws_all.groupby("segment")["white_space_rub"].sum()
    assert ws["mid_market"] > ws["smb"] and ws["enterprise"] > ws["smb"]
    mix = E.expansion_mix(ap, "2025-01-01", "2025-12-01")
    assert mix.loc["module", "mrr_rub"] < 0.1 * ws.sum()
    # расширение: места без сделки — больше половины и больше проданного командой; индексация — заметная доля
    sold = mix.loc[["upsell_deal", "module"], "share"].sum()
    assert mix.loc["seats_added", "share"] > 0.5 and mix.loc["seats_added", "share"] > sold
    assert mix.loc["indexation", "share"] > 0.05
    # индексация бывает и у помесячных клиентов и растёт вместе с базой
    idx = ap[ap["event"] == "indexation"]
    billing = mrr.drop_duplicates("account_id").set_index("account_id")["billing"]
    assert idx["account_id"].map(billing).eq("monthly").mean() > 0.1
    assert (idx["month"].dt.year == 2025).sum() > (idx["month"].dt.year == 2024).sum()
    # мост: у малого бизнеса расширение почти съедено оттоком, GRR ниже 90 %; у среднего расширение намного больше
    b = E.nrr_bridge(mrr, "2024-12-01", "2025-12-01", acc, "segment")
    assert b.loc["smb", "churn"] > 0.7 * b.loc["smb", "expansion"]
    assert kpi.revenue_retention(mrr, "2024-12-01", "2025-12-01", acc, "smb")["grr"] < 0.9
    assert b.loc["mid_market", "expansion"] > 2 * b.loc["mid_market", "churn"]
    assert b.loc["enterprise", "customers"] < 15
    # «близок к ориентирам»: малый бизнес 90–105 %, средний — около медианы 108 %
    assert 0.9 < b.loc["smb", "nrr"] < 1.05 and 1.0 < b.loc["mid_market", "nrr"] < 1.2
    # когорта 2023 года теряет меньше и расширяется не меньше; внутри малого и среднего бизнеса отток тоже ниже
    c = E.nrr_bridge(mrr, "2024-12-01", "2025-12-01", by="cohort")
    assert c.loc[2023, "churn"] < c.loc[2024, "churn"] and c.loc[2023, "nrr"] > c.loc[2024, "nrr"]
    assert c.loc[2023, "expansion"] > c.loc[2024, "expansion"]
    sc = E.nrr_bridge(mrr, "2024-12-01", "2025-12-01", acc, by="segment_cohort")
    assert sc["start_mrr_rub"].sum() == pytest.approx(c["start_mrr_rub"].sum())
    for seg in ("smb", "mid_market"):
        assert sc.loc[(seg, 2023), "churn"] < sc.loc[(seg, 2024), "churn"]
    smb_gap = sc.loc[("smb", 2024), "churn"] - sc.loc[("smb", 2023), "churn"]
    assert smb_gap > sc.loc[("mid_market", 2024), "churn"] - sc.loc[("mid_market", 2023), "churn"]
    # правило почти не лучше случайного порядка и в основном отмечает малый бизнес; без порога AUC выше
    args = (mrr, t["product_usage"], acc, ap)
    train, test = E.propensity_frame(*args, "2024-06-01"), E.propensity_frame(*args, "2025-06-01")
    p = E.fit_propensity(train, test)
    p_seg = E.fit_propensity(train, test, features=["segment"])
    rule = (test["utilisation"] >= 0.9).astype(float)
    y = test["expanded"]
    assert lead_scoring.auc(y, rule) < 0.6 < lead_scoring.auc(y, p)
    assert lead_scoring.auc(y, test["utilisation"]) > lead_scoring.auc(y, rule)
    assert (test.loc[rule == 1, "segment"] == "smb").mean() > 0.5
    assert test["account_id"].isin(train["account_id"]).any()     # «многих клиентов модель видела»
    # на мощности CSM: модель лучше правила (весь интервал разности выше нуля), правило — почти случайно;
    # большую часть выигрыша модели даёт сегмент
    capacity = 120
    lift = {k: E.work_capacity(y, s, capacity)["lift"] for k, s in (("model", p), ("seg", p_seg), ("rule", rule))}
    assert E.capacity_bootstrap(y, p, rule, capacity, n_boot=300)["low"] > 0
    assert lift["rule"] < 1.3
    assert lift["seg"] - 1 > 0.5 * (lift["model"] - 1)
    # склонность — в основном места, которые клиент докупает сам: таких клиентов больше, чем модулей и сделок
    h2 = ap[(ap["month"] > "2025-06-01") & (ap["month"] <= "2025-12-01")].groupby("event")["account_id"].nunique()
    assert h2["seats_added"] > h2["module"] + h2.get("upsell_deal", 0)
    # крупный бизнес модулей почти не покупал
    seg_of = ap["account_id"].map(acc.set_index("account_id")["segment"])
    assert (seg_of[ap["event"] == "module"] == "enterprise").mean() < 0.05
    # порог безубыточности: 3 года ниже 1 года, 5 лет ниже 3; маржа 100 % — ниже; дисконтирование — выше
    gm = retention.gross_margin(load("cogs"), retention.b2b_revenue(mrr), "2025-01-01", "2025-12-31")
    churn = E.nrr_bridge(mrr, "2024-12-01", "2025-12-01").loc["all", "churn"]
    be = {y_: E.break_even_churn(0.10, gm, churn, y_) for y_ in (1, 3, 5)}
    assert be[5] < be[3] < be[1]
    assert E.break_even_churn(0.10, 1.0, churn, 3) < be[3] < E.break_even_churn(0.10, gm, churn, 3, discount=0.2)
    # честное сравнение индексации: интервал разности включает ноль
    d = E.churn_difference(E.indexation_churn(mrr, ap))
    assert d["low"] < 0 < d["high"]
