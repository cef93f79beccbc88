"""Модуль motions (раздел 2.2): ручные примеры, опубликованная таблица Janz и сверка с разделами главы 1."""

import math

import numpy as np
import pandas as pd
import pytest

from salesbook.exercises import table, tables
from salesbook.toolkit import course, motions, unit_economics
from salesbook.toolkit.validation import MetricError

TABLES = ("marketing_spend", "sm_costs", "reps", "leads", "opportunities", "mrr", "cogs", "accounts", "b2c_users", "b2c_purchases")


def _purchases(rows):
    frame = pd.DataFrame(rows, columns=["user_id", "date", "product", "amount_rub"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_janz_acceptable_cac_table_is_reproduced():
    """Janz (2019), «From Mice to Whales»: LTV и допустимый CAC при марже 85 % — округлённые «~» значения."""
    j = motions.JANZ_ACCEPTABLE_CAC
    cac = motions.acceptable_cac(j["arpa_usd"].to_numpy(), motions.JANZ_GROSS_MARGIN, j["annual_churn"].to_numpy())
    ltv = j["arpa_usd"].to_numpy() * motions.JANZ_GROSS_MARGIN / j["annual_churn"].to_numpy()
    np.testing.assert_allclose(cac, j["cac_usd"].to_numpy(), rtol=0.07)
    np.testing.assert_allclose(ltv, j["ltv_usd"].to_numpy(), rtol=0.02)


def test_acceptable_cac_hand_case_and_which_rule_binds():
    # ARPA 1000, маржа 0,8, отток 40 %: LTV = 2000, ¼ LTV = 500; 18 мес. прибыли = 1200 → 500
    assert motions.acceptable_cac(1000, 0.8, 0.4) == pytest.approx(500)
    # отток 10 %: LTV = 8000, ¼ = 2000; 18 мес. = 1200 → ограничивает окупаемость
    assert motions.acceptable_cac(1000, 0.8, 0.1) == pytest.approx(1200)


def test_break_even_acv_hand_cases_and_errors():
    assert motions.break_even_acv(80_000, 0.8) == pytest.approx(100_000)
    assert motions.break_even_acv(80_000, 0.8, payback_months=24) == pytest.approx(50_000)
    with pytest.raises(MetricError):
        motions.break_even_acv(-1, 0.8)
    with pytest.raises(MetricError):
        motions.break_even_acv(100, 0)
    with pytest.raises(MetricError):
        motions.break_even_acv(100, 0.8, payback_months=0)


def test_motion_for_acv_picks_densest_affordable():
    be = pd.Series({"self_serve": 5_000, "product_led": 100_000, "field_sales": 3_000_000})
    assert motions.motion_for_acv(4_000, be) == "none"
    assert motions.motion_for_acv(5_000, be) == "self_serve"
    assert motions.motion_for_acv(600_000, be) == "product_led"
    assert motions.motion_for_acv(3_000_000, be) == "field_sales"


def test_b2c_arppu_and_churn_hand_case():
    p = _purchases([
        ("u1", "2024-01-05", "monthly_sub", 300), ("u1", "2024-02-04", "monthly_sub", 300),  # ушёл: 3-го списания нет
        ("u2", "2024-01-10", "annual_sub", 2400), ("u2", "2025-01-09", "annual_sub", 2400),
        ("u3", "2024-03-01", "pro_pack", 700), ("u3", "2024-03-01", "monthly_sub", 300),  # ушёл после первого
        ("u9", "2025-12-31", "monthly_sub", 300),
    ])
    # 2024: выручка 300+300+2400+700+300 = 4000; подписчико-месяцы 1+1+12+1 = 15
    assert motions.b2c_arppu(p, *course.YEAR_2024) == pytest.approx(4000 / 15)
    # ушли u1 и u3 (месячные: 2 оплаты = 2 периода у u1, 1 у u3); u2 продлил 1 раз, жив: 1 × 12 месяцев
    assert motions.b2c_monthly_churn(p, *course.YEAR_2024) == pytest.approx(2 / (2 + 1 + 12))
    with pytest.raises(MetricError):
        motions.b2c_arppu(p, "2023-01-01", "2023-12-31")


def test_lead_conversion_groups_hand_case():
    leads = pd.DataFrame({
        "segment": ["smb"] * 5, "created_date": pd.to_datetime(["2024-02-01"] * 5),
        "trial_started": [True, True, True, False, False],
        "mql_date": pd.to_datetime(["2024-02-05", "2024-02-06", None, "2024-02-03", None]),
        "sql_date": pd.to_datetime(["2024-02-06", "2024-02-07", None, "2024-02-10", None]),
        "opportunity_id": ["O1", "O2", None, "O3", None],
    })
    opps = pd.DataFrame({"opportunity_id": ["O1", "O2", "O3"], "outcome": ["won", "lost", "won"]})
    t = motions.lead_conversion(leads, opps, *course.YEAR_2024)
    assert t.loc["trial", "leads"] == 3 and t.loc["pql", "leads"] == 2 and t.loc["mql", "leads"] == 1
    assert t.loc["trial", "win_rate"] == pytest.approx(1 / 3)
    assert t.loc["pql", "win_rate"] == pytest.approx(1 / 2)
    assert t.loc["mql", "win_per_sql"] == pytest.approx(1.0)
    with pytest.raises(MetricError):
        motions.lead_conversion(leads, opps, *course.YEAR_2024, segment="b2c")


def test_line_comparison_reuses_chapter_one_numbers():
    """Одно число — один дом: B2B-строки совпадают с segment_economics, маржа B2C — с retention."""
    t = tables(*TABLES)
    comp = motions.line_comparison(t, *course.YEAR_2024, *course.YEARS_2024_2025)
    seg = unit_economics.segment_economics(t, *course.YEAR_2024, *course.YEARS_2024_2025)
    for row in ("cac", "arpa", "monthly_churn", "payback_months"):
        np.testing.assert_allclose(comp.loc[row, list(course.SEGMENTS)].astype(float), seg[row].astype(float))
    b2c = unit_economics.b2c_channel_economics(t["b2c_users"], t["b2c_purchases"], t["marketing_spend"], t["cogs"], *course.YEAR_2024)
    paid = b2c[b2c["spend_rub"] > 0]
    assert comp.loc["cac", "b2c"] == pytest.approx(paid["spend_rub"].sum() / paid["payers"].sum())
    assert list(comp.columns) == ["smb", "mid_market", "enterprise", "b2c"]


def test_motion_costs_break_even_matches_formula():
    comp = motions.line_comparison(tables(*TABLES), *course.YEAR_2024, *course.YEARS_2024_2025)
    mc = motions.motion_costs(comp)
    row = mc.loc["smb"]
    assert row["break_even_acv"] == pytest.approx(row["cac"] / row["gross_margin"])
    assert math.isclose(row["headroom"], row["acv"] / row["break_even_acv"])
    with pytest.raises(MetricError):
        motions.motion_costs(comp.drop(index="cac"))


def test_channel_mix_shares_sum_to_one():
    mix = motions.channel_mix(table("leads"), table("b2c_users"), *course.YEAR_2024)
    np.testing.assert_allclose(mix.sum().to_numpy(), [1.0, 1.0])
    assert mix.loc["outbound", "b2c"] == 0.0


# --- интервалы конверсии PQL/MQL (раздел 2.2) ---------------------------------


def _conv_table():
    return pd.DataFrame({"leads": [100, 400], "sqls": [100, 40], "customers": [20, 10]},
                        index=pd.Index(["pql", "mql"], name="group"))


def test_conversion_intervals_are_wilson():
    out = motions.conversion_intervals(_conv_table())
    # Уилсон вручную: 10 из 40, z = 1,96
    z, n, p = 1.959964, 40, 0.25
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    assert out.loc["mql", "win_per_sql_low"] == pytest.approx(centre - half, abs=1e-6)
    assert out.loc["mql", "win_per_sql_high"] == pytest.approx(centre + half, abs=1e-6)
    assert out.loc["pql", "win_rate_low"] < 0.2 < out.loc["pql", "win_rate_high"]
    with pytest.raises(MetricError):
        motions.conversion_intervals(_conv_table().drop(columns="sqls"))


def test_win_ratio_interval_is_katz():
    ratio, low, high = motions.win_ratio_interval(_conv_table())
    assert ratio == pytest.approx(0.2 / 0.025)
    se = np.sqrt(1 / 20 - 1 / 100 + 1 / 10 - 1 / 400)  # Katz: ошибка логарифма отношения долей
    assert low == pytest.approx(8 * np.exp(-1.959964 * se), rel=1e-4)
    assert high == pytest.approx(8 * np.exp(1.959964 * se), rel=1e-4)
    with pytest.raises(MetricError):
        motions.win_ratio_interval(_conv_table(), bottom="trial")
