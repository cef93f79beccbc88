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
    """Текст раздела: в 2024 году отключение самого дорогого канала почти не меняет отношение, в 2025 году (упражнение 4) — снижает."""
    from salesbook.exercises.ch01_cac import paid_funnel

    c = ex.company()
    paid = paid_funnel()
    worst = paid["cac"].idxmax()
    cac_without = (c["costs"] - paid.loc[worst, "spend_rub"]) / (c["customers"] - paid.loc[worst, "customers"])
    assert abs(cac_without / c["cac"] - 1) < 0.01
    assert ex.q4.expected_value() < ex.q4.mistake_value("unchanged")


def test_target_arpa_gives_ratio_three():
    row = ex.segments().loc["smb"]
    ltv = unit_economics.simple_ltv(ex.q5.expected_value(), row["gross_margin"], row["monthly_churn"])
    assert ltv / row["cac"] == pytest.approx(course.BENCHMARK_LTV_CAC)
    assert ex.q5.expected_value() > row["arpa"]  # цену нужно поднимать, а не снижать


def test_text_claims_hold_on_course_data():
    seg = ex.segments()
    # «SMB между 1 и 3, mid-market и enterprise в разы выше ориентира»
    assert 1 < seg.loc["smb", "ltv_cac"] < course.BENCHMARK_LTV_CAC
    assert min(seg.loc["mid_market", "ltv_cac"], seg.loc["enterprise", "ltv_cac"]) > 2 * course.BENCHMARK_LTV_CAC
    five_years = finance.scenario_table(seg[list(finance.SCENARIO_COLUMNS)], horizon=course.LTV_HORIZON_MONTHS)["ltv_cac"]
    assert 3 < five_years["enterprise"] < 5  # «в зону ориентиров 3–5»
    assert 5 < five_years["mid_market"] < 6  # «почти до верхней границы здоровой зоны… всё ещё чуть выше 5»
    assert five_years["enterprise"] < seg.loc["enterprise", "ltv_cac"] / 2  # «падает в разы»
    assert five_years["smb"] < 1  # «у SMB за 5 лет отношение меньше 1»
    # срок жизни по формуле больше истории компании (с конца 2022 года)
    assert (1 / seg.loc[["mid_market", "enterprise"], "monthly_churn"] / 12 > 4).all()


def test_quiz_feedback_on_every_option():
    for question in ex.quiz.questions:
        assert all(option.feedback for option in question.options)


def test_company_ratio_is_inflated_by_the_infinite_horizon():
    """Текст раздела: по формуле компания выше 5, за 5 лет — ниже ориентира 3:1; отток — за 2024–2025 годы, как у сегментов."""
    c = ex.company()
    base = ex.q1.expected_value()
    assert base > 5
    five_years = finance.ltv_horizon(c["arpa"] * c["gm"], c["churn"], course.LTV_HORIZON_MONTHS) / c["cac"]
    assert five_years < course.BENCHMARK_LTV_CAC
    assert c["churn"] == pytest.approx(unit_economics.logo_churn_monthly(table("mrr"), *course.YEARS_2024_2025))
    # «на полном CAC окупается дольше ориентира Skok в 12 месяцев»
    assert finance.payback_simple(c["cac"], c["new_mrr"] * c["gm"]) > course.BENCHMARK_PAYBACK_MONTHS
    # ошибка периода заметно сдвигает ответ
    assert abs(ex.q1.mistake_value("churn_2024_only") / base - 1) > 0.02
