"""Раздел 1.1.3: эталоны согласованы между собой и с тем, что утверждает текст раздела."""

import math

import pytest

from salesbook.exercises import ch01_payback as ex
from salesbook.exercises import table
from salesbook.toolkit import course, finance


def test_churn_makes_payback_longer():
    assert ex.q2.expected_value() > ex.q2.mistake_value("no_churn")


def test_excel_mistake_is_exactly_one_period_of_discount():
    r = finance.monthly_rate(course.DISCOUNT_RATE)
    assert ex.q4.mistake_value("excel_convention") == pytest.approx(ex.q4.expected_value() / (1 + r))


def test_discount_moves_break_even_more_than_same_indexation():
    base = ex.break_even_customers(price_factor=1.0)
    cut = ex.break_even_customers(price_factor=0.9)
    raise_ = ex.break_even_customers(price_factor=1.1)
    assert cut - base > base - raise_ > 0


def test_smb_max_cac_is_below_actual_cac():
    """Текст и решение упражнения 5 говорят, что CAC SMB нужно снижать."""
    assert ex.q5.expected_value() < ex.segments().loc["smb", "cac"]
    assert ex.q5.expected_value() < ex.q5.mistake_value("no_discount") < ex.q5.mistake_value("simple_rule")


def test_text_claims_hold_on_course_data():
    seg = ex.segments()
    # SMB окупается дольше всех, больше шести лет и дольше предельных 36 месяцев Bessemer; enterprise — быстрее всех
    assert seg["payback_months"].idxmax() == "smb" and seg.loc["smb", "payback_months"] > 72
    assert seg["payback_months"].idxmin() == "enterprise"
    # «крупный и средний бизнес окупаются примерно за год — в пределах диапазона Bessemer»
    assert all(9 < seg.loc[s, "payback_months"] < 18 for s in ("mid_market", "enterprise"))
    # «контракт SMB на порядок меньше, чем у среднего бизнеса»
    assert seg.loc["mid_market", "new_mrr"] > 10 * seg.loc["smb", "new_mrr"]
    # SMB с оттоком окупается за пределами пятилетнего горизонта, с дисконтированием — никогда; NPV отрицателен
    gp = seg["new_mrr"] * seg["gross_margin"]
    smb_churn = finance.payback_with_churn(seg.loc["smb", "cac"], gp["smb"], seg.loc["smb", "monthly_churn"])
    assert course.LTV_HORIZON_MONTHS < smb_churn < math.inf
    assert math.isinf(finance.discounted_payback(seg.loc["smb", "cac"], gp["smb"], seg.loc["smb", "monthly_churn"], course.DISCOUNT_RATE))
    flows = finance.customer_cash_flows(seg["cac"], gp, seg["monthly_churn"], 60)
    npv = finance.npv(finance.monthly_rate(course.DISCOUNT_RATE), flows)
    assert npv[0] < 0 < npv[1] < npv[2]


def test_quiz_feedback_on_every_option():
    for question in ex.quiz.questions:
        assert all(option.feedback for option in question.options)


def test_cohort_2023_fact_beats_flat_formula():
    """Текст раздела: у когорты 2023 года факт окупился быстрее формулы без оттока."""
    from salesbook.toolkit import acquisition, unit_economics

    d = {name: table(name) for name in ("opportunities", "marketing_spend", "sm_costs", "mrr", "cogs")}
    year = course.YEAR_2023
    deals = acquisition.new_customer_deals(d["opportunities"])
    ids = deals.loc[acquisition.in_period(deals["close_date"], *year), "account_id"]
    cac = acquisition.acquisition_costs(d["marketing_spend"], d["sm_costs"], *year).sum() / len(ids)
    curve = unit_economics.cohort_gross_profit_curve(d["mrr"], d["cogs"], ids)
    gp = unit_economics.new_mrr_per_customer(d["opportunities"], *year) * unit_economics.gross_margin_for_period(d["mrr"], d["cogs"], *year)
    fact = finance.payback_from_cash_flows([-cac, *curve.tolist()])
    assert fact < finance.payback_simple(cac, gp) < finance.payback_with_churn(cac, gp, ex.company()["churn"])
