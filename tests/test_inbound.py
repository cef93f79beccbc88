"""Функции раздела 6.1 на случаях, посчитанных вручную, и на опубликованных примерах."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from salesbook.runtime import widgets
from salesbook.toolkit import inbound
from salesbook.toolkit.validation import MetricError


def test_chain_by_hand():
    r = inbound.chain(cpc=200, ctr=0.05, cvr=0.02, lead_to_customer=0.1, acv=240_000, gross_margin=0.75,
                      budget=1_000_000)
    assert r["clicks"] == pytest.approx(5_000)
    assert r["impressions"] == pytest.approx(100_000)
    assert r["leads"] == pytest.approx(100)
    assert r["customers"] == pytest.approx(10)
    assert r["cpl"] == pytest.approx(10_000)          # CPL = CPC / CVR
    assert r["cac"] == pytest.approx(100_000)         # CAC = CPL / доля лидов в клиентов
    assert r["cpm"] == pytest.approx(10_000)          # CPM = CPC · CTR · 1000
    assert r["monthly_gross_profit"] == pytest.approx(15_000)
    assert r["payback_months"] == pytest.approx(100_000 / 15_000)


def test_chain_reproduces_published_example_tochka():
    # «Рекламные решения» Точки (2025): клик 40 ₽ — на 8 000 ₽ около 200 переходов; 160 ₽ — 50 переходов
    assert inbound.chain(40, 0.05, 0.02, 0.1, 100_000, 0.8, budget=8_000)["clicks"] == pytest.approx(200)
    assert inbound.chain(160, 0.05, 0.02, 0.1, 100_000, 0.8, budget=8_000)["clicks"] == pytest.approx(50)


def test_ctr_published_example_antonov():
    # Антонов: показы 10 000, клики 420 → CTR 4,2 %
    ads = pd.DataFrame({"month": pd.to_datetime(["2024-01-01"]), "campaign_id": ["C1"], "ad_platform": ["x"],
                        "campaign": ["y"], "impressions": [10_000], "clicks": [420], "spend_rub": [42_000.0],
                        "leads": [10]})
    links = pd.DataFrame({"lead_id": [f"L{i:06d}" for i in range(10)], "campaign_id": "C1"})
    leads = pd.DataFrame({"lead_id": links["lead_id"], "created_date": pd.Timestamp("2024-01-15")})
    opps = pd.DataFrame({"opportunity_id": ["O1"], "account_id": ["A1"], "lead_id": ["L000003"], "outcome": ["won"],
                         "close_date": [pd.Timestamp("2024-05-01")], "amount_rub": [300_000.0]})
    t = inbound.paid_chain(ads, links, leads, opps, "2024-01-01", "2024-12-31")
    row = t.iloc[0]
    assert row["ctr"] == pytest.approx(0.042)
    assert row["cpc"] == pytest.approx(100)
    assert row["cpl"] == pytest.approx(4_200)
    assert row["lead_to_customer"] == pytest.approx(0.1)
    assert row["cac"] == pytest.approx(42_000)
    assert row["acv_rub"] == pytest.approx(300_000)


def test_chain_rejects_percent_instead_of_share():
    with pytest.raises(MetricError, match="доли"):
        inbound.chain(200, 5, 0.02, 0.1, 240_000, 0.75)


def test_lever_gain_depends_on_billing():
    args = dict(spend=1_000_000, cpc=200, ctr=0.05, cvr=0.02, lead_to_customer=0.1, acv=240_000, gross_margin=0.75)
    # 10 клиентов; +10 % CVR — ещё один клиент: 240 000 · 0,75
    assert inbound.lever_gain(**args, lever="cvr") == pytest.approx(180_000)
    assert inbound.lever_gain(**args, lever="ctr", billing="cpc") == 0
    assert inbound.lever_gain(**args, lever="ctr", billing="cpm") == pytest.approx(180_000)
    with pytest.raises(MetricError):
        inbound.lever_gain(**args, lever="cpc")


def test_article_history_and_payback():
    arts = pd.DataFrame({
        "article_id": ["A1"] * 3 + ["A2"] * 2, "published_date": pd.to_datetime(["2023-01-10"] * 3 + ["2023-02-05"] * 2),
        "outlet": ["blog"] * 3 + ["habr"] * 2, "cost_rub": [100_000.0] * 3 + [150_000.0] * 2,
        "month": pd.to_datetime(["2023-01-01", "2023-02-01", "2023-03-01", "2023-02-01", "2023-03-01"]),
        "sessions": [100, 200, 300, 50, 10], "leads": [2, 3, 5, 1, 0]})
    h = inbound.article_history(arts, "A1")
    assert list(h.index) == [0, 1, 2] and list(h["cumulative_leads"]) == [2, 5, 10]
    pb = inbound.article_payback(arts, value_per_lead=20_000)
    # A1: −100 000, +40 000, +60 000 → окупилась ровно в конце второго месяца жизни
    assert pb.loc["A1", "payback_months"] == pytest.approx(2.0)
    assert pb.loc["A1", "roi"] == pytest.approx(1.0)
    assert math.isinf(pb.loc["A2", "payback_months"]) and pb.loc["A2", "roi"] == pytest.approx(20_000 / 150_000 - 1)
    with pytest.raises(MetricError):
        inbound.article_history(arts, "нет")


def test_decay_half_life_exact_exponential():
    age = np.arange(8)
    s = pd.Series(1000 * np.exp(-age / 2.0), index=age)
    assert inbound.decay_half_life(s) == pytest.approx(2.0 * math.log(2))
    assert math.isinf(inbound.decay_half_life(pd.Series([1, 2, 3], index=[0, 1, 2])))


def test_workdays_and_sla():
    # пятница → понедельник: 1 рабочий день; суббота → понедельник: 0; 30 апреля → 2 мая (1 мая праздник) — 1
    got = inbound.workdays_between(["2024-03-01", "2024-03-02", "2024-04-30"], ["2024-03-04", "2024-03-04", "2024-05-02"])
    assert list(got) == [1, 0, 1]
    touches = pd.DataFrame({"sdr_id": ["R1", "R1", "R2"], "created_date": pd.to_datetime(["2024-01-10"] * 3),
                            "delay_workdays": [0, 2, 1]})
    t = inbound.sla_breaches(touches, max_workdays=1)
    assert t.loc["R1", "breaches"] == 1 and t.loc["R1", "breach_rate"] == 0.5 and t.loc["R2", "breaches"] == 0


def test_chain_calculator_widget():
    box = widgets.inbound_chain_calculator()
    assert "CAC" in box.result.value
    box.sliders["cvr"].value = 0.04
    assert "CPL" in box.result.value


def test_plot_labels_for_ad_codes():
    from salesbook.runtime import plotting

    assert plotting.label("yandex_direct") == "Яндекс Директ"
    assert plotting.pair_label(("vk_ads", "feed")) == "VK Реклама · Лента"
    assert plotting.label("habr") == "Хабр"
