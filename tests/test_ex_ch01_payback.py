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
    # «быстрее всех окупается малый бизнес — около ориентира Skok и внутри нормы Bessemer для SMB»
    assert list(seg["payback_months"].sort_values().index) == ["smb", "mid_market", "enterprise"]
    assert 9 < seg.loc["smb", "payback_months"] < 15
    # «средний и крупный — дольше ориентира Skok, но короче того, что Bessemer допускает для enterprise»
    assert course.BENCHMARK_PAYBACK_MONTHS < seg.loc["mid_market", "payback_months"] < seg.loc["enterprise", "payback_months"] < 24
    # «у крупного бизнеса всего несколько новых клиентов за год»
    assert seg.loc["enterprise", "customers"] < 15
    # «контракт SMB на порядок меньше, чем у среднего бизнеса»
    assert seg.loc["mid_market", "new_mrr"] > 10 * seg.loc["smb", "new_mrr"]
    # «в крупном бизнесе не ушёл ни один клиент и за два года: окупаемость с оттоком совпадает с простой, LTV бесконечен»
    assert seg.loc["enterprise", "monthly_churn"] == 0 and math.isinf(seg.loc["enterprise", "ltv"])
    assert (seg.loc[["smb", "mid_market"], "monthly_churn"] > 0).all()
    gp = seg["new_mrr"] * seg["gross_margin"]
    with_churn = finance.payback_with_churn(seg["cac"], gp, seg["monthly_churn"])
    assert with_churn[2] == pytest.approx(seg.loc["enterprise", "payback_months"])
    # «SMB с оттоком и с дисконтированием окупается, IRR у него самый высокий; NPV положителен у всех трёх сегментов»
    discounted = finance.discounted_payback(seg["cac"], gp, seg["monthly_churn"], course.DISCOUNT_RATE)
    assert with_churn[0] < discounted[0] < math.inf
    # «дисконтирование удлиняет окупаемость сильнее всего там, где она и так долгая»
    assert (discounted - with_churn)[0] < (discounted - with_churn)[1] < (discounted - with_churn)[2]
    flows = finance.customer_cash_flows(seg["cac"], gp, seg["monthly_churn"], course.LTV_HORIZON_MONTHS)
    assert (finance.npv(finance.monthly_rate(course.DISCOUNT_RATE), flows) > 0).all()
    irr = [finance.irr(row) for row in flows]
    assert irr[0] == max(irr) and min(irr) > finance.monthly_rate(course.DISCOUNT_RATE)


def test_zero_enterprise_churn_is_only_an_upper_bound():
    """Текст: у крупных договоров за 2024–2025 годы единицы продлений без уходов; на верхней границе (уходы на
    продлениях) окупаемость ещё в пределах 24–36 месяцев Bessemer, а размазанная по месяцам — дольше 36."""
    import numpy as np

    from salesbook.toolkit import retention

    accounts, mrr = table("accounts"), table("mrr")
    mrr_seg = retention.add_segment(mrr, accounts)
    assert set(mrr_seg.loc[mrr_seg["segment"] == "enterprise", "billing"]) == {"annual"}  # «весь крупный бизнес — годовые договоры»
    assert retention.churn_rates(mrr_seg, *course.YEARS_2024_2025, by="segment").loc["enterprise", "churned"] == 0
    renewal = retention.renewal_churn(mrr_seg, *course.YEARS_2024_2025, by="segment").loc["enterprise"]
    assert renewal["churned"] == 0 and 0 < renewal["renewals"] < 15
    upper = renewal["churn_upper"]
    assert upper == pytest.approx(1 - 0.05 ** (1 / renewal["renewals"]))  # ноль уходов: точная граница = 1 − 0,05^(1/n)
    row = ex.segments().loc["enterprise"]
    gp = row["new_mrr"] * row["gross_margin"]
    at_renewals = finance.payback_from_cash_flows(np.r_[-row["cac"], gp * retention.renewal_survival(upper, 240)])
    smooth = finance.payback_with_churn(row["cac"], gp, 1 - (1 - upper) ** (1 / 12))
    assert row["payback_months"] < at_renewals <= 36 < smooth < math.inf


def test_mid_market_churn_mistakes_are_distinct():
    """Упражнение 2: ошибки периода, ARPA и «деления на (1 − отток)» не совпадают ни с эталоном, ни друг с другом."""
    values = [ex.q2.expected_value()] + [ex.q2.mistake_value(m.name) for m in ex.q2.mistakes]
    for a_i, a in enumerate(values):
        for b in values[a_i + 1:]:
            assert abs(a / b - 1) > 0.004


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
    churn_lifetime = unit_economics.logo_churn_monthly(d["mrr"], *course.HISTORY)  # отток модели — за 2023–2025 годы
    assert fact < finance.payback_simple(cac, gp) < finance.payback_with_churn(cac, gp, churn_lifetime)


def test_irr_caveat_and_discount_rate_claims():
    """Текст: IRR не видит масштаба (у enterprise IRR меньше, а NPV больше, чем у SMB); даже IRR enterprise выше
    максимума ключевой ставки 2024–2025 годов (21 %) и ставки венчурных инвесторов поздних стадий (около 30 %);
    премия за риск сверх средней ключевой ставки 2025 года (19,8 %) — около 5 п. п."""
    seg = ex.segments()
    gp = seg["new_mrr"] * seg["gross_margin"]
    flows = finance.customer_cash_flows(seg["cac"], gp, seg["monthly_churn"], course.LTV_HORIZON_MONTHS)
    npv = finance.npv(finance.monthly_rate(course.DISCOUNT_RATE), flows)
    irr = [finance.annual_rate(finance.irr(row)) for row in flows]
    assert irr[2] < irr[0] and npv[2] > 10 * npv[0]
    assert irr[0] > 1 > irr[1] > irr[2]  # «IRR больше ста процентов годовых (у SMB)» — только у SMB
    assert min(irr) > 0.30
    assert 0.045 < course.DISCOUNT_RATE - 0.198 < 0.055
    # «около 9 п. п. к ставке 16 % на дату плана» и «примерно вдвое больше» премии Damodaran (4,33 %)
    assert 0.085 < course.DISCOUNT_RATE - 0.16 < 0.095
    assert 1.8 < (course.DISCOUNT_RATE - 0.16) / 0.0433 < 2.3
    # «в эффективном выражении разрыв меньше примерно на 2 п. п.»
    assert 0.015 < (1 + 0.198 / 12) ** 12 - 1 - 0.198 < 0.025


def test_enterprise_value_does_not_survive_upper_bound_churn():
    """Текст: при наблюдаемом оттоке NPV положителен у всех сегментов и по ставке 30 %; на верхней границе оттока
    на продлении IRR enterprise ниже ставки курса, NPV за 5 лет отрицателен при 25 % и 30 %, а дисконтированная
    окупаемость не наступает и за двадцать лет."""
    import numpy as np

    from salesbook.toolkit import retention

    seg = ex.segments()
    gp = seg["new_mrr"] * seg["gross_margin"]
    flows = finance.customer_cash_flows(seg["cac"], gp, seg["monthly_churn"], course.LTV_HORIZON_MONTHS)
    r, r_vc = finance.monthly_rate(course.DISCOUNT_RATE), finance.monthly_rate(0.30)
    assert (finance.npv(r_vc, flows) > 0).all()
    renewal = retention.renewal_churn(retention.add_segment(table("mrr"), table("accounts")), *course.YEARS_2024_2025, by="segment").loc["enterprise"]
    row = seg.loc["enterprise"]
    gp_ent = row["new_mrr"] * row["gross_margin"]
    upper = np.r_[-row["cac"], gp_ent * retention.renewal_survival(renewal["churn_upper"], course.LTV_HORIZON_MONTHS)]
    assert finance.annual_rate(finance.irr(upper)) < course.DISCOUNT_RATE
    assert finance.npv(r_vc, upper) < finance.npv(r, upper) < 0
    long_upper = np.r_[-row["cac"], gp_ent * retention.renewal_survival(renewal["churn_upper"], 240)]
    assert math.isinf(finance.payback_from_cash_flows(long_upper / (1 + r) ** np.arange(len(long_upper))))


def test_npv_exercise_mistakes_are_told_apart():
    """Упражнения 4 и 5: ступенчатый отток на продлении и соглашение Excel — разные ответы с разными подсказками;
    номинальная ставка 0,25 / 12 в упражнении 5 получает свою подсказку."""
    for name in ("renewal_step", "excel_convention"):
        result = ex.q4.check(ex.q4.mistake_value(name))
        assert result.status == "incorrect" and result.message == next(m.hint for m in ex.q4.mistakes if m.name == name)
    assert not ex.q4.compare.equal(ex.q4.mistake_value("renewal_step"), ex.q4.mistake_value("excel_convention"))
    result = ex.q5.check(ex.q5.mistake_value("nominal_rate"))
    assert result.message == ex.NOMINAL_RATE_HINT
    # месячная ставка, округлённая до 1,88 %, принимается
    assert ex.q4.compare.equal(ex._npv(rate=0.0188), ex.q4.expected_value())


def test_worst_break_even_scenario_is_below_current_customers():
    """Текст: даже худший сценарий безубыточности требует меньше клиентов, чем платило в декабре 2025 года."""
    mrr = table("mrr")
    paying_dec_2025 = (mrr.loc[mrr["month"] == mrr["month"].max(), "mrr_rub"] > 0).sum()
    assert ex.break_even_customers(price_factor=0.9) < paying_dec_2025
