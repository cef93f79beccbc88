"""Раздел 1.1.4: эталоны согласованы между собой и с тем, что утверждает текст раздела."""

import pytest

from salesbook.exercises import ch01_ltv_cac as ex
from salesbook.exercises import table
from salesbook.toolkit import course, finance, unit_economics


def test_company_ratio_matches_package_formula():
    c = ex.company()
    ltv = unit_economics.simple_ltv(c["arpa"], c["gm"], c["churn"])
    assert ex.q1.expected_value() == pytest.approx(unit_economics.ltv_to_cac(ltv, c["cac"]))


def test_horizon_lowers_the_ratio():
    assert ex.q2.expected_value() < ex.q2.mistake_value("no_horizon")


def test_lower_churn_raises_smb_ratio_but_not_to_three():
    """Текст: одного рычага оттока для SMB мало."""
    assert ex.segments().loc["smb", "ltv_cac"] < ex.q3.expected_value() < course.BENCHMARK_LTV_CAC


def test_cutting_channel_does_not_lower_full_cac():
    """Текст раздела: без сокращения людей полный CAC от отключения канала не падает."""
    assert ex.q4.expected_value() <= ex.q1.expected_value()


def test_target_arpa_gives_ratio_three():
    row = ex.segments().loc["smb"]
    ltv = unit_economics.simple_ltv(ex.q5.expected_value(), row["gross_margin"], row["monthly_churn"])
    assert ltv / row["cac"] == pytest.approx(course.BENCHMARK_LTV_CAC)
    assert ex.q5.expected_value() > row["arpa"]  # цену нужно поднимать, а не снижать


def test_text_claims_hold_on_course_data():
    seg = ex.segments()
    assert seg.loc["smb", "ltv_cac"] < 1 < 3 < seg.loc["mid_market", "ltv_cac"] < seg.loc["enterprise", "ltv_cac"]
    five_years = finance.scenario_table(seg[list(finance.SCENARIO_COLUMNS)], horizon=course.LTV_HORIZON_MONTHS)["ltv_cac"]
    assert five_years["enterprise"] > 5
    assert 5 < five_years["mid_market"] < 5.5  # «почти до верхней границы здоровой зоны… всё ещё чуть выше 5»
    assert five_years["enterprise"] < seg.loc["enterprise", "ltv_cac"] / 2  # «падает в разы»


def test_quiz_feedback_on_every_option():
    for question in ex.quiz.questions:
        assert all(option.feedback for option in question.options)


def test_company_is_just_above_three_on_the_segments_churn_period():
    """Текст раздела: отток компании — за 2024–2025 годы, как у сегментов; отношение чуть выше ориентира 3:1."""
    base = ex.q1.expected_value()
    assert course.BENCHMARK_LTV_CAC < base < 3.5
    assert ex.company()["churn"] == pytest.approx(unit_economics.logo_churn_monthly(table("mrr"), *course.YEARS_2024_2025))
    # за один 2024 год отток выше, и отношение оказалось бы ниже ориентира — это и есть типичная ошибка периода
    assert ex.q1.mistake_value("churn_2024_only") < course.BENCHMARK_LTV_CAC < base
