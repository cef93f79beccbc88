"""salesbook.toolkit.course и validation: календарь курса, ставки компании и проверки входа."""

import numpy as np
import pandas as pd
import pytest

from salesbook.data import load
from salesbook.toolkit import course
from salesbook.toolkit.validation import MetricError, numbers, positive, require_columns, share

# ---------------------------------------------------------------------------
# Календарь
# ---------------------------------------------------------------------------

PERIODS = {name: value for name, value in vars(course).items()
           if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value)
           and name not in ("SEGMENTS", "PAID_CHANNELS", "TOUCH_TYPES", "RESPONSE_OUTCOMES")}


@pytest.mark.parametrize("name", sorted(PERIODS))
def test_every_period_is_ordered_and_iso(name):
    start, end = (pd.Timestamp(v) for v in PERIODS[name])
    assert start <= end
    assert PERIODS[name] == (start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d"))


def test_data_periods_lie_in_the_history_and_cover_it():
    lo, hi = (pd.Timestamp(v) for v in course.HISTORY)
    for name, (start, end) in PERIODS.items():
        if name != "PLAN_PERIOD":
            assert lo <= pd.Timestamp(start) and pd.Timestamp(end) <= hi, name
    assert [course.YEARS[y] for y in sorted(course.YEARS)] == [course.YEAR_2023, course.YEAR_2024, course.YEAR_2025]
    assert (course.YEAR_2023[0], course.YEAR_2025[1]) == course.HISTORY
    assert (course.YEAR_2024[0], course.YEAR_2025[1]) == course.YEARS_2024_2025
    assert course.H1_2025[1] < course.H2_2025[0] and (course.H1_2025[0], course.H2_2025[1]) == course.YEAR_2025


def test_history_matches_the_data():
    spend, mrr = load("marketing_spend"), load("mrr")
    assert spend["month"].min() == pd.Timestamp(course.DATA_START)
    assert mrr["month"].max() == pd.Timestamp(course.DECEMBER_2025)
    assert pd.Timestamp(course.DATA_END) == pd.Timestamp(course.DECEMBER_2025) + pd.offsets.MonthEnd(0)


def test_quarter_helper():
    assert course.quarter("2024Q2") == ("2024-04-01", "2024-06-30")
    assert course.quarter("2025Q4") == ("2025-10-01", "2025-12-31")


def test_company_constants_are_shares_and_plan_is_after_the_data():
    assert 0 < course.DISCOUNT_RATE < 1 and 0 < course.PAYROLL_TAX_RATE < 1
    assert course.PLAN_PERIOD[0] > course.DATA_END
    for low, mode, high in course.RISK_RANGES_2026.values():
        assert low <= mode <= high
    hires = pd.concat([course.hires_2026(), course.extra_hires_2026()])
    assert set(hires["segment"]) <= set(course.SEGMENTS)
    assert (hires["hire_date"].dt.year == course.PLAN_YEAR).all()


def test_segments_and_channels_are_the_data_codes():
    opps, spend = load("opportunities"), load("marketing_spend")
    assert set(opps["segment"]) == set(course.SEGMENTS)
    b2b = spend[spend["business_line"] == "b2b"]
    assert set(b2b["channel"]) == set(course.PAID_CHANNELS)


# ---------------------------------------------------------------------------
# Проверки входа
# ---------------------------------------------------------------------------


def test_require_columns():
    frame = pd.DataFrame({"a": [1]})
    require_columns(frame, ["a"], "t")
    with pytest.raises(MetricError, match="t: нет столбцов b, c"):
        require_columns(frame, ["a", "b", "c"], "t")
    with pytest.raises(MetricError, match="ожидается таблица pandas, получено list"):
        require_columns([1, 2], ["a"], "t")
    with pytest.raises(MetricError, match="пуста"):
        require_columns(frame.iloc[:0], ["a"], "t", non_empty=True)


def test_share_bounds_and_russian_hint():
    assert share(0.25, "Ставка") == 0.25 and isinstance(share(0.25, "Ставка"), float)
    np.testing.assert_allclose(share([0.0, 1.0], "Доли"), [0.0, 1.0])
    with pytest.raises(MetricError, match=r"Ставка: доля должна быть от 0 до 1, получено 25\. Проценты переведите в доли"):
        share(25, "Ставка")
    with pytest.raises(MetricError, match=r"\(не включая 1\), получено 1\b"):
        share([0.5, 1.0], "Отток", upper_open=True)
    with pytest.raises(MetricError, match=r"не включая 0 и 1"):
        share(0.0, "p", lower_open=True, upper_open=True)
    with pytest.raises(MetricError, match="пропуски"):
        share(float("nan"), "p")


def test_numbers_and_positive():
    assert numbers(3, "x").ndim == 0
    with pytest.raises(MetricError, match="нужны числа"):
        numbers("три", "x")
    assert positive(2, "x") == 2.0 and positive(0, "x", allow_zero=True) == 0.0
    with pytest.raises(MetricError, match="положительное число, получено 0"):
        positive(0, "x")
    with pytest.raises(MetricError, match="неотрицательное число, получено -1,5"):
        positive(-1.5, "x", allow_zero=True)
