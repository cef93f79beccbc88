"""Метрики CAC на маленьких примерах, посчитанных вручную."""

import math

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import acquisition
from salesbook.toolkit.validation import MetricError


def ts(s):
    return pd.Timestamp(s)


@pytest.fixture
def toy():
    spend = pd.DataFrame({
        "month": [ts("2024-01-01"), ts("2024-01-01"), ts("2024-02-01"), ts("2024-01-01")],
        "business_line": ["b2b", "b2b", "b2b", "b2c"],
        "channel": ["ppc", "events", "ppc", "social"],
        "spend_rub": [100_000.0, 300_000.0, 50_000.0, 999_999.0],
    })
    costs = pd.DataFrame({
        "month": [ts("2024-01-01")] * 4,
        "department": ["sales", "marketing", "customer_success", "sales"],
        "cost_type": ["salary", "tools", "salary", "payroll_tax"],
        "role": ["AE", None, "CSM", None],
        "amount_rub": [200_000.0, 10_000.0, 70_000.0, 60_000.0],
    })
    leads = pd.DataFrame({
        "lead_id": ["L1", "L2", "L3", "L4", "L5", "L6"],
        "channel": ["ppc", "ppc", "ppc", "events", "organic", "ppc"],
        "created_date": [ts("2024-01-05"), ts("2024-01-06"), ts("2024-02-01"), ts("2024-01-10"), ts("2024-01-11"), ts("2023-12-01")],
        "sql_date": [ts("2024-01-10"), pd.NaT, pd.NaT, ts("2024-01-15"), ts("2024-01-12"), ts("2023-12-05")],
    })
    opps = pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3", "O4", "O5"],
        "lead_id": ["L1", "L4", "L5", "L6", "L1"],
        "account_id": ["A1", "A2", "A3", "A4", "A1"],
        "segment": ["smb", "enterprise", "smb", "smb", "smb"],
        "outcome": ["won", "won", "won", "lost", "won"],
        "created_date": [ts("2024-01-10")] * 5,
        "close_date": [ts("2024-02-10"), ts("2024-02-20"), ts("2024-02-25"), ts("2024-02-01"), ts("2024-02-28")],
        "amount_rub": [300_000.0, 5_000_000.0, 250_000.0, 100.0, 50_000.0],
    })
    return spend, costs, leads, opps


def test_new_customers_count_first_win_only(toy):
    _, _, leads, opps = toy
    assert acquisition.new_customers(opps, "2024-01-01", "2024-03-31") == 3  # A1 дважды, A4 проиграна
    assert acquisition.new_customers(opps, "2024-02-21", "2024-02-29") == 1
    assert acquisition.new_customers(opps, "2024-02", "2024-02") == 3  # «2024-02» — весь месяц


def test_acquisition_costs_exclude_customer_success_and_b2c(toy):
    spend, costs, _, _ = toy
    parts = acquisition.acquisition_costs(spend, costs, "2024-01-01", "2024-03-31")
    assert parts["media"] == 450_000
    assert parts["salary"] == 200_000  # зарплата CSM не вошла
    assert parts.sum() == 450_000 + 200_000 + 10_000 + 60_000


def test_channel_funnel_by_hand(toy):
    spend, _, leads, opps = toy
    f = acquisition.channel_funnel(spend, leads, opps, "2024-01-01", "2024-03-31")
    assert f.loc["ppc", "leads"] == 3 and f.loc["ppc", "sqls"] == 1 and f.loc["ppc", "customers"] == 1
    assert f.loc["ppc", "cpl"] == pytest.approx(50_000)
    assert f.loc["ppc", "cost_per_sql"] == pytest.approx(150_000)
    assert f.loc["ppc", "cac"] == pytest.approx(150_000)
    assert f.loc["events", "cac"] == pytest.approx(300_000)
    assert f.loc["organic", "spend_rub"] == 0 and math.isnan(f.loc["organic", "cac"])
    both = acquisition.blended_and_paid_cac(f)
    assert both["blended"] == pytest.approx(450_000 / 3)
    assert both["paid"] == pytest.approx(450_000 / 2)


def test_channel_funnel_checks_leads_even_when_only_period_deals_need_a_channel(toy):
    """Канал ищется только у сделок периода, но лиды проверяются целиком, как при слиянии."""
    spend, _, leads, opps = toy
    twice = pd.concat([leads, leads.iloc[[5]]], ignore_index=True)  # L6 дважды, его сделка проиграна
    with pytest.raises(pd.errors.MergeError):
        acquisition.channel_funnel(spend, twice, opps, "2024-01-01", "2024-03-31")
    with pytest.raises(MetricError, match="leads: нет столбцов channel"):
        acquisition.new_customer_deals(opps, leads.drop(columns="channel"))
    none_in_period = acquisition.channel_funnel(spend, leads, opps, "2024-01-01", "2024-01-31")
    assert none_in_period["customers"].sum() == 0 and none_in_period["customers"].dtype == int
    deals = acquisition.new_customer_deals(opps, leads)
    assert deals["channel"].tolist() == ["ppc", "events", "organic"]


def test_lagged_cac_uses_previous_quarter():
    months = pd.date_range("2024-01-01", "2024-12-01", freq="MS")
    costs = pd.Series([100.0] * 3 + [200.0] * 3 + [300.0] * 3 + [400.0] * 3, index=months)
    customers = pd.Series([1] * 12, index=months)
    no_lag = acquisition.lagged_cac(costs, customers, 0)
    lag = acquisition.lagged_cac(costs, customers, 3)
    assert no_lag[pd.Period("2024Q2")] == pytest.approx(200)
    assert lag[pd.Period("2024Q2")] == pytest.approx(100)
    assert pd.Period("2024Q1") not in lag.index  # затрат IV кв. 2023 нет — квартал не считается


def test_lagged_cac_one_month_and_by_year():
    months = pd.date_range("2024-01-01", "2025-12-01", freq="MS")
    costs = pd.Series(range(1, 25), index=months, dtype=float)
    customers = pd.Series([1] * 24, index=months)
    lag1 = acquisition.lagged_cac(costs, customers, 1)
    # II кв. 2024 с лагом в месяц: затраты марта, апреля и мая (3 + 4 + 5) на трёх клиентов
    assert lag1[pd.Period("2024Q2")] == pytest.approx((3 + 4 + 5) / 3)
    yearly = acquisition.lagged_cac(costs, customers, 1, freq="Y")
    assert list(yearly.index) == [pd.Period("2025", "Y")]  # в 2024 году нет затрат декабря 2023
    assert yearly.iloc[0] == pytest.approx(sum(range(12, 24)) / 12)
    with pytest.raises(MetricError, match="freq"):
        acquisition.lagged_cac(costs, customers, 1, freq="M")


def test_lead_to_customer_days_and_lag_months(toy):
    _, _, leads, opps = toy
    days = acquisition.lead_to_customer_days(opps, leads)
    # A1: лид 5 января → первая победа 10 февраля; A2: 10 января → 20 февраля; A3: 11 января → 25 февраля
    assert days.to_dict() == {"A1": 36, "A2": 41, "A3": 45}
    assert acquisition.lag_months_from_days(days.median()) == 1
    assert acquisition.lag_months_from_days(0) == 0 and acquisition.lag_months_from_days(92) == 3
    with pytest.raises(MetricError, match="неотрицательным"):
        acquisition.lag_months_from_days(-5)


def test_payroll_tax_split_charges_bonus_contributions_as_paid():
    on_salary, on_bonus = acquisition.payroll_tax_split(800_000, 200_000, 50_000, 0.076)
    assert on_salary == pytest.approx(40_000) and on_bonus == pytest.approx(10_000)  # средняя ставка 5 %
    assert acquisition.payroll_tax_split(0, 0, 0, 0.076) == (0.0, 0.0)


def test_channel_incremental_cac_by_hand(toy):
    spend, costs, leads, opps = toy
    costs = pd.concat([costs, pd.DataFrame({
        "month": [ts("2024-02-01")], "department": ["sales"], "cost_type": ["bonus"], "role": ["AE"], "amount_rub": [56_000.0]})],
        ignore_index=True)
    t = acquisition.channel_incremental_cac(spend, costs, leads, opps, "2024-01-01", "2024-03-31")
    # выигранный ACV периода: 300 000 + 5 000 000 + 250 000 + 50 000 = 5 600 000 ₽; премии — 1 % ACV;
    # взносы 60 000 ₽ на оклады и премии 256 000 ₽ — с премии 56 000 ₽ приходится 60 000 × 56 / 256 = 13 125 ₽
    per_acv = (56_000 + 60_000 * 56_000 / 256_000) / 5_600_000
    assert t.loc["ppc", "variable_rub"] == pytest.approx(300_000 * per_acv)  # первая сделка A1, без допродажи
    assert t.loc["ppc", "incremental_cac"] == pytest.approx(150_000 + 300_000 * per_acv)
    assert t.loc["events", "incremental_cac"] == pytest.approx(300_000 + 5_000_000 * per_acv)
    assert t.loc["events", "incremental_cost_per_acv_rub"] == pytest.approx((300_000 + 5_000_000 * per_acv) / 5_000_000)
    assert "organic" not in t.index
    # оклад AE (200 000 ₽) и инструменты не входят: они остаются, если канал отключить
    assert t["spend_rub"].sum() + t["variable_rub"].sum() < 450_000 + 56_000 + 60_000


def test_errors_are_russian():
    with pytest.raises(MetricError, match="ноль"):
        acquisition.cac(100, 0)
    with pytest.raises(MetricError, match="столбцов"):
        acquisition.new_customer_deals(pd.DataFrame({"x": [1]}))
    with pytest.raises(MetricError, match="таблица"):
        acquisition.new_customer_deals("не таблица")
    with pytest.raises(MetricError, match="раньше"):
        acquisition.period("2024-03-01", "2024-01-01")


def test_unit_economics_by_hand():
    from salesbook.toolkit import unit_economics as ue

    assert ue.annual_from_monthly_churn(0.02) == pytest.approx(1 - 0.98**12)  # 21,5 %, а не 24 %
    assert ue.monthly_from_annual_churn(ue.annual_from_monthly_churn(0.02)) == pytest.approx(0.02)
    assert ue.simple_ltv(10_000, 0.8, 0.02) == pytest.approx(400_000)
    assert ue.ltv_to_cac(400_000, 100_000) == pytest.approx(4)
    with pytest.raises(MetricError, match="доли"):
        ue.simple_ltv(10_000, 80, 0.02)
    # ни один клиент не ушёл: по формуле LTV бесконечен, с горизонтом — конечен
    assert ue.simple_ltv(10_000, 0.8, 0) == np.inf
    assert list(ue.simple_ltv([10_000, 10_000], 0.8, [0.02, 0.0])) == [pytest.approx(400_000), np.inf]


def test_cac_by_segment_by_hand(toy):
    spend, costs, leads, opps = toy
    leads = leads.assign(segment=["smb", "smb", "smb", "enterprise", "smb", "smb"])
    reps = pd.DataFrame({"rep_id": ["R1", "R2"], "role": ["AE", "AE"], "team": ["smb", "enterprise"]})
    t = acquisition.cac_by_segment(spend, costs, leads, opps, reps, "2024-01-01", "2024-03-31")
    # AE: 200 000 пополам; остальное (720 000 − 200 000) — по SQL: smb 2 из 3, enterprise 1 из 3
    assert t.loc["smb", "costs"] == pytest.approx(100_000 + 520_000 * 2 / 3)
    assert t.loc["enterprise", "costs"] == pytest.approx(100_000 + 520_000 / 3)
    assert t.loc["smb", "customers"] == 2 and t.loc["smb", "new_acv"] == 550_000
    assert t.loc["enterprise", "cac"] == pytest.approx((100_000 + 520_000 / 3) / 1)
    assert t.loc["smb", "cost_per_acv_rub"] == pytest.approx((100_000 + 520_000 * 2 / 3) / 550_000)
    assert math.isnan(t.loc["mid_market", "costs"])


def test_channel_incremental_cac_takes_agency_and_bdr_with_the_channel(toy):
    spend, costs, leads, opps = toy
    media = float(spend[(spend["business_line"] == "b2b") & spend["month"].between(ts("2024-01-01"), ts("2024-03-31"))]["spend_rub"].sum())
    extra = pd.DataFrame({
        "month": [ts("2024-02-01")] * 3, "department": ["marketing", "sales", "sales"],
        "cost_type": ["agency", "salary", "bonus"], "role": [None, "BDR", "BDR"],
        "amount_rub": [0.08 * media, 90_000.0, 10_000.0]})
    base = acquisition.channel_incremental_cac(spend, costs, leads, opps, "2024-01-01", "2024-03-31")
    with_extra = acquisition.channel_incremental_cac(spend, pd.concat([costs, extra], ignore_index=True), leads, opps, "2024-01-01", "2024-03-31")
    # агентство — 8 % бюджета канала; оклад и премия BDR в предельный CAC каналов, кроме исходящих, не входят
    for channel in base.index:
        if channel != acquisition.OUTBOUND_CHANNEL:
            assert with_extra.loc[channel, "variable_rub"] == pytest.approx(base.loc[channel, "variable_rub"] + 0.08 * base.loc[channel, "spend_rub"])


def test_cost_weighted_lag_follows_the_money():
    days = pd.Series([30, 40, 50, 200], index=["A", "B", "C", "D"])
    segment_of = pd.Series(["smb", "smb", "smb", "enterprise"], index=["A", "B", "C", "D"])
    # медиана SMB — 40 дн., enterprise — 200; затраты 1 : 3 → 40 × 0,25 + 200 × 0,75 = 160 дн.
    assert acquisition.cost_weighted_lag_days(days, segment_of, pd.Series({"smb": 1.0, "enterprise": 3.0})) == pytest.approx(160)
    with pytest.raises(MetricError):
        acquisition.cost_weighted_lag_days(days, segment_of, pd.Series({"smb": 0.0, "enterprise": 0.0}))


@pytest.mark.parametrize("unit", ["ns", "us", "s"])
def test_in_period_equals_between(unit):
    """Маска периода на массиве numpy — та же, что у Series.between: границы включительно, NaT — ложь."""
    dates = pd.Series(pd.to_datetime(["2023-12-31 23:59", "2024-01-01 00:00", None, "2024-03-31 18:00", "2024-04-01 00:00"]),
                      index=[10, 11, 12, 13, 14], name="close_date").astype(f"datetime64[{unit}]")
    mask = acquisition.in_period(dates, "2024-01", "2024-03")
    pd.testing.assert_series_equal(mask, dates.between(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-31")))
    assert mask.tolist() == [False, True, False, False, False]  # конец периода — полночь 31 марта, как и раньше
    aware = dates.dt.tz_localize("Europe/Moscow")
    with pytest.raises(TypeError):  # даты с часовым поясом не сравниваются с датами без него — как и раньше
        acquisition.in_period(aware, "2024-01", "2024-03")
