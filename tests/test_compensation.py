"""compensation: кривая выплат, порог, ступени, потолок, SPIFF и возврат — на случаях, посчитанных руками."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import compensation as c
from salesbook.toolkit.validation import MetricError

ACCEL = ((0.0, 1.0), (1.0, 2.0))


def test_flat_curve_pays_attainment():
    assert c.payout_share(0.8) == pytest.approx(0.8)
    assert c.payout_share(1.3) == pytest.approx(1.3)


def test_threshold_below_at_and_above():
    assert c.payout_share(0.499, threshold=0.5) == 0.0
    assert c.payout_share(0.5, threshold=0.5) == pytest.approx(0.5)          # ровно на пороге — платим с нуля
    assert c.payout(5_000_000, 10_000_000, 1_000_000, threshold=0.5) == pytest.approx(500_000)


def test_accelerator_above_quota_and_cap():
    # 130 % плана: 100 % × 1 + 30 % × 2 = 1,6 целевой переменной части
    assert c.payout_share(1.3, tiers=ACCEL) == pytest.approx(1.6)
    assert c.payout_share(1.3, tiers=ACCEL, cap=1.5) == pytest.approx(1.5)
    assert c.payout_share(1.25, tiers=ACCEL, cap=1.5) == pytest.approx(1.5)   # ровно на потолке
    assert c.payout(13_000_000, 10_000_000, 1_200_000, tiers=ACCEL) == pytest.approx(1_920_000)


def test_decelerator():
    assert c.payout_share(1.5, tiers=((0, 1), (1.2, 0.5))) == pytest.approx(1.2 + 0.3 * 0.5)


def test_published_overachievement_example():
    """Пример из положения о премировании (форум MrExcel, mrexcel2015overachievement): годовая переменная часть
    21 000 долл.; сверх плана — 2 % за каждый процент до 150 %, 1 % — от 150 до 200 %, выше — ничего.
    При 105 % плана — 21 000 + 2 100 = 23 100, при 115 % — 21 000 + 6 300 = 27 300."""
    tiers = ((0, 1), (1, 2), (1.5, 1), (2, 0))
    assert c.payout(105, 100, 21_000, tiers=tiers) == pytest.approx(23_100)
    assert c.payout(115, 100, 21_000, tiers=tiers) == pytest.approx(27_300)
    assert c.payout(250, 100, 21_000, tiers=tiers) == pytest.approx(21_000 * 2.5)


def test_published_tiered_rate_example():
    """Пример с форума ExcelForum (excelforum2012accelerators): 5 % до плана 100 000, 6 % — от 100 000
    до 125 000, 7 % — выше; при 150 000 комиссия 5 000 + 1 500 + 1 750 = 8 250."""
    tiers = ((0, 1), (1, 1.2), (1.25, 1.4))
    assert c.payout(150_000, 100_000, 0.05 * 100_000, tiers=tiers) == pytest.approx(8_250)


def test_spiff_and_clawback_only_from_deferred():
    # заработано 1 000 000; отложено 30 % = 300 000; возврат по ушедшим клиентам 100 000 → 900 000
    assert c.payout(10, 10, 1_000_000, clawback=100_000, deferred_share=0.3) == pytest.approx(900_000)
    # возврат больше отложенного — удерживаем только отложенное (выплаченное не трогаем: ст. 137 ТК РФ)
    assert c.payout(10, 10, 1_000_000, clawback=500_000, deferred_share=0.3) == pytest.approx(700_000)
    assert c.payout(10, 10, 1_000_000, clawback=500_000) == pytest.approx(1_000_000)
    assert c.payout(10, 10, 1_000_000, spiff=50_000) == pytest.approx(1_050_000)


def test_array_input():
    got = c.payout_share(np.array([0.0, 0.4, 0.6, 1.2]), threshold=0.5, tiers=ACCEL)
    assert np.allclose(got, [0, 0, 0.6, 1.4])


@pytest.mark.parametrize("bad", [np.nan, -1.0, "много", None])
def test_bad_attainment_gives_russian_message(bad):
    with pytest.raises(MetricError, match="[А-Яа-я]"):
        c.payout_share(bad)


@pytest.mark.parametrize("kwargs", [dict(quota=0), dict(quota=-5), dict(bookings=np.nan), dict(bookings=-1),
                                    dict(deferred_share=30), dict(tiers=((0.5, 1),)), dict(tiers=((0, 1), (1, -2))),
                                    dict(cap=0), dict(target_variable=np.inf)])
def test_bad_payout_input(kwargs):
    args = dict(bookings=10, quota=10, target_variable=100) | kwargs
    with pytest.raises(MetricError, match="[А-Яа-я]"):
        c.payout(args.pop("bookings"), args.pop("quota"), args.pop("target_variable"), **args)


def test_ote_mix_and_ratio():
    assert c.ote(1_200_000, 1_200_000) == 2_400_000
    assert c.pay_mix(1_400_000, 600_000) == pytest.approx(0.7)
    assert c.quota_to_ote(12_000_000, 2_400_000) == pytest.approx(5)
    assert c.cost_of_sales(800_000, 10_000_000) == pytest.approx(0.08)
    with pytest.raises(MetricError):
        c.cost_of_sales(1, 0)


def test_flat_commissions_skip_after_exit_and_period():
    opps = pd.DataFrame({"owner_id": ["R1", "R1", "R2", "R2"], "outcome": ["won", "won", "won", "lost"],
                         "close_date": pd.to_datetime(["2025-01-10", "2025-01-20", "2025-03-05", "2025-01-03"]),
                         "amount_rub": [1_000_000.0, 500_000.0, 2_000_000.0, 9.0]})
    reps = pd.DataFrame({"rep_id": ["R1", "R2"], "exit_date": pd.to_datetime([None, "2025-03-01"])})
    got = c.flat_commissions(opps, reps, 0.08, "2025-01-01", "2025-12-31")
    assert got[["rep_id", "deals", "acv_rub", "payout_rub"]].values.tolist() == [["R1", 2, 1_500_000.0, 120_000.0]]


def test_plan_payouts_and_bad_rows():
    t = pd.DataFrame({"bookings_rub": [4.0, 12.0], "quota_rub": [10.0, 10.0], "target_variable_rub": [100.0, 100.0]})
    got = c.plan_payouts(t, threshold=0.5, tiers=ACCEL)
    assert got["payout_rub"].tolist() == pytest.approx([0.0, 140.0])
    with pytest.raises(MetricError, match="больше нуля"):
        c.plan_payouts(t.assign(quota_rub=[0.0, 10.0]))


def test_quarter_end_share_hand_case():
    opps = pd.DataFrame({"outcome": ["won", "won", "lost"],
                         "close_date": pd.to_datetime(["2025-03-25", "2025-02-01", "2025-03-30"]),
                         "amount_rub": [300.0, 100.0, 5.0]})
    got = c.quarter_end_share(opps, "2025-01-01", "2025-03-31", days=14)
    assert got["acv_share"] == pytest.approx(0.75) and got["deals_share"] == pytest.approx(0.5)
    assert got["calendar_share"] == pytest.approx(14 / 90)


def test_bonus_payroll_tax_marginal_rate_around_the_limit():
    # оклад ниже базы, премия целиком в пределах базы: 15 % премии
    assert c.bonus_payroll_tax(1_000_000, 500_000, rate=0.15, base_limit=2_000_000, rate_above=0.076) == pytest.approx(75_000)
    # премия переходит базу: 15 % с части до базы, 7,6 % с остатка
    assert c.bonus_payroll_tax(1_800_000, 500_000, rate=0.15, base_limit=2_000_000,
                                          rate_above=0.076) == pytest.approx(0.15 * 200_000 + 0.076 * 300_000)
    # оклад уже выше базы: вся премия по 7,6 %
    assert c.bonus_payroll_tax(2_500_000, 100_000, rate=0.15, base_limit=2_000_000, rate_above=0.076) == pytest.approx(7_600)
    assert c.bonus_payroll_tax(1_000_000, 0) == 0.0
    arr = c.bonus_payroll_tax([1_000_000, 2_500_000], [500_000, 100_000], rate=0.15, base_limit=2_000_000,
                                         rate_above=0.076)
    assert arr == pytest.approx([75_000, 7_600])
    with pytest.raises(MetricError, match="отрицательными"):
        c.bonus_payroll_tax(1_000_000, -1)
    with pytest.raises(MetricError, match="пропуски"):
        c.bonus_payroll_tax(float("nan"), 1)
