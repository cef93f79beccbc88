"""finance и входы юнит-экономики из данных: маленькие примеры, посчитанные вручную,
и опубликованные примеры документации numpy-financial и NPV/ЧПС Excel."""

import math

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from salesbook.toolkit import acquisition, course, finance, unit_economics
from salesbook.toolkit.validation import MetricError

# ---------------------------------------------------------------------------
# Опубликованные примеры
# ---------------------------------------------------------------------------


def test_npv_reproduces_numpy_financial_docs_example():
    """Пример из документации numpy_financial.npv: вложение 40 000, доходы 5 000…30 000, ставка 8 %."""
    rate, cashflows = 0.08, [-40_000, 5_000, 8_000, 12_000, 30_000]
    assert round(finance.npv(rate, cashflows), 5) == 3065.22267
    assert round(float(npf.npv(rate, cashflows)), 5) == 3065.22267
    # второй вариант из той же документации: вложение t = 0 прибавляется отдельно
    future = [0] + cashflows[1:]
    assert round(finance.npv(rate, future) + cashflows[0], 5) == 3065.22267


@pytest.mark.parametrize(
    "values, expected",
    [
        ([-100, 39, 59, 55, 20], 0.28095),
        ([-100, 0, 0, 74], -0.0955),
        ([-100, 100, 0, -7], -0.0833),
        ([-100, 100, 0, 7], 0.06206),
        ([-5, 10.5, 1, -8, 1], 0.0886),
    ],
)
def test_irr_reproduces_numpy_financial_docs_examples(values, expected):
    """Примеры из документации numpy_financial.irr (round(..., 5))."""
    assert round(finance.irr(values), 5) == expected


@pytest.mark.parametrize(
    "rate, values, expected",
    [
        (0.065, [5000], 4694.83568075117),
        (0.10, [500, 1500, 4000, 10000], 11529.60863329007),
    ],
)
def test_excel_convention_reproduces_spreadsheet_npv_examples(rate, values, expected):
    """Соглашение Excel NPV/ЧПС: первый поток через период. Примеры — справка Adobe FormCalc NPV,
    функции с тем же соглашением, что у Excel (help.adobe.com, Designer FormCalc Reference)."""
    assert finance.npv(rate, values, convention="excel") == pytest.approx(expected, rel=1e-12)


def test_excel_npv_is_numpy_npv_shifted_by_one_period():
    flows = [-1000.0, 300.0, 400.0, 500.0]
    r = 0.05
    excel = finance.npv(r, flows, convention="excel")
    assert excel == pytest.approx(finance.npv(r, flows) / (1 + r))
    assert excel == pytest.approx(finance.npv(r, [0.0] + flows))
    # правильная запись в Excel: вложение вне функции
    assert flows[0] + finance.npv(r, flows[1:], convention="excel") == pytest.approx(finance.npv(r, flows))


# ---------------------------------------------------------------------------
# Ставки и окупаемость — руками
# ---------------------------------------------------------------------------


def test_monthly_rate_is_compound_not_divided_by_twelve():
    assert finance.monthly_rate(0.25) == pytest.approx(1.25 ** (1 / 12) - 1)
    assert finance.annual_rate(finance.monthly_rate(0.25)) == pytest.approx(0.25)
    assert finance.annual_rate(0.25 / 12) == pytest.approx((1 + 0.25 / 12) ** 12 - 1)
    out = finance.monthly_rate(np.array([0.0, 0.1, 0.25]))
    assert isinstance(out, np.ndarray) and out.shape == (3,)
    with pytest.raises(MetricError):
        finance.monthly_rate(-1.5)


def test_payback_simple_by_hand_and_vectorised():
    assert finance.payback_simple(600_000, 50_000 * 0.75) == pytest.approx(16.0)
    result = finance.payback_simple([100, 200, 300], [10, 0, -5])
    assert result[0] == pytest.approx(10) and np.isinf(result[1]) and np.isinf(result[2])
    with pytest.raises(MetricError, match="отрицательным"):
        finance.payback_simple(-1, 10)


def test_payback_with_churn_by_hand():
    # CAC 50, gp 10, c 10 %: 100 · (1 − 0,9^n) = 50 → n = ln 0,5 / ln 0,9
    assert finance.payback_with_churn(50, 10, 0.1) == pytest.approx(math.log(0.5) / math.log(0.9))
    # LTV = gp / c = 100 = CAC → не окупится никогда
    assert math.isinf(finance.payback_with_churn(100, 10, 0.1))
    # без оттока — простая окупаемость
    assert finance.payback_with_churn(50, 10, 0.0) == pytest.approx(5.0)
    out = finance.payback_with_churn(np.array([50, 100, 50]), 10, np.array([0.1, 0.1, 0.0]))
    assert out[0] == pytest.approx(6.5788, abs=1e-4) and np.isinf(out[1]) and out[2] == pytest.approx(5)


def test_payback_with_churn_rejects_percent_instead_of_share():
    with pytest.raises(MetricError, match="доли"):
        finance.payback_with_churn(50, 10, 2.5)


def test_discounted_payback_by_hand():
    # месячная ставка 1 %, без оттока: 1000 · (1 − 1,01^−n) = 100 → 1,01^−n = 0,9
    annual = 1.01 ** 12 - 1
    assert finance.discounted_payback(100, 10, 0.0, annual) == pytest.approx(math.log(0.9) / math.log(1 / 1.01))
    # без ставки — окупаемость с оттоком
    assert finance.discounted_payback(50, 10, 0.1, 0.0) == pytest.approx(finance.payback_with_churn(50, 10, 0.1))
    # приведённой прибыли не хватает на CAC
    assert math.isinf(finance.discounted_payback(1000, 10, 0.0, annual))


def test_discounted_payback_matches_explicit_sum():
    cac, gp, churn, annual = 900_000.0, 60_000.0, 0.02, 0.25
    n = finance.discounted_payback(cac, gp, churn, annual)
    d = finance.monthly_rate(annual)
    q = (1 - churn) / (1 + d)
    assert gp / (1 + d) * (1 - q**n) / (1 - q) == pytest.approx(cac)


@settings(max_examples=80, deadline=None)
@given(
    cac=st.floats(1_000, 5_000_000),
    gp=st.floats(1_000, 500_000),
    churn=st.floats(0.0, 0.2),
    annual=st.floats(0.0, 0.5),
)
def test_paybacks_are_ordered(cac, gp, churn, annual):
    assume(cac >= gp)  # короче месяца формулы — интерполяция внутри первого месяца
    simple = finance.payback_simple(cac, gp)
    with_churn = finance.payback_with_churn(cac, gp, churn)
    discounted = finance.discounted_payback(cac, gp, churn, annual)
    assert simple <= with_churn * (1 + 1e-9) or math.isinf(with_churn)
    assert with_churn <= discounted * (1 + 1e-9) or math.isinf(discounted)


def test_customer_cash_flows_by_hand_and_table():
    assert finance.customer_cash_flows(100, 10, 0.1, 3).tolist() == pytest.approx([-100, 10, 9, 8.1])
    table = finance.customer_cash_flows([100, 200], [10, 20], [0.1, 0.0], 3)
    assert table.shape == (2, 4)
    assert table[1].tolist() == pytest.approx([-200, 20, 20, 20])
    with pytest.raises(MetricError):
        finance.customer_cash_flows(100, 10, 0.1, 0)


def test_payback_from_cash_flows_interpolates_and_vectorises():
    assert finance.payback_from_cash_flows([-100, 30, 30, 30, 30]) == pytest.approx(3 + 10 / 30)
    assert math.isinf(finance.payback_from_cash_flows([-100, 10, 10]))
    assert finance.payback_from_cash_flows([0, 5, 5]) == 0.0
    out = finance.payback_from_cash_flows([[-100, 50, 50, 50], [-100, 10, 10, 10]])
    assert out[0] == pytest.approx(2.0) and np.isinf(out[1])
    # совпадает с формулой для потока с оттоком (на целых месяцах)
    flows = finance.customer_cash_flows(50, 10, 0.0, 20)
    assert finance.payback_from_cash_flows(flows) == pytest.approx(5.0)


def test_npv_of_table_matches_row_by_row():
    flows = finance.customer_cash_flows([900_000, 2_000_000], [70_000, 350_000], [0.014, 0.006], 60)
    r = finance.monthly_rate(0.25)
    both = finance.npv(r, flows)
    assert both.shape == (2,)
    for row, value in zip(flows, both):
        assert value == pytest.approx(float(npf.npv(r, row)), rel=1e-13)


def test_npv_rate_of_any_number_type_and_bad_rates():
    flows = [-100.0, 60.0, 60.0]
    value = finance.npv(0.1, flows)
    assert finance.npv(np.float64(0.1), flows) == finance.npv(np.array(0.1), flows) == value
    assert finance.npv(0, flows) == 20.0
    for bad in (float("nan"), float("inf"), "10%", None, [0.1, 0.2]):
        with pytest.raises(MetricError):
            finance.npv(bad, flows)


def test_npv_and_irr_input_checks():
    with pytest.raises(MetricError):
        finance.npv(0.1, [])
    with pytest.raises(MetricError):
        finance.npv(0.1, [1, 2], convention="libreoffice")
    with pytest.raises(MetricError, match="смены знака"):
        finance.irr([100, 200, 300])
    with pytest.raises(MetricError):
        finance.npv(0.1, [1.0, float("nan")])


def test_irr_makes_npv_zero():
    flows = finance.customer_cash_flows(900_000, 70_000, 0.014, 60)
    assert finance.npv(finance.irr(flows), flows) == pytest.approx(0, abs=1e-3)


# ---------------------------------------------------------------------------
# LTV на горизонте, безубыточность, сценарии
# ---------------------------------------------------------------------------


def test_ltv_horizon_by_hand():
    assert finance.ltv_horizon(100, 0.1, 2) == pytest.approx(190)  # 100 + 90
    assert finance.ltv_horizon(100, 0.0, 12) == pytest.approx(1200)
    assert np.isposinf(finance.ltv_horizon(100, 0.0))  # никто не уходит и горизонта нет
    assert finance.ltv_horizon(100, 0.05, 10_000) == pytest.approx(100 / 0.05)
    out = finance.ltv_horizon([100, 100], [0.1, 0.1], [1, 2])
    assert out.tolist() == pytest.approx([100, 190])


def test_break_even_by_hand():
    assert finance.break_even_units(1000, 30, 10) == pytest.approx(50)
    assert math.isinf(finance.break_even_units(1000, 10, 10))
    out = finance.break_even_units([1000, 1000], [30, 25], [10, 10])
    assert out.tolist() == pytest.approx([50, 1000 / 15])
    assert finance.break_even_revenue(1000, 0.2) == pytest.approx(1250)
    with pytest.raises(MetricError):
        finance.break_even_units(-1, 30, 10)


def test_split_fixed_variable_recovers_exact_line():
    x = np.array([100.0, 200.0, 300.0, 400.0])
    fixed, rate = finance.split_fixed_variable(500 + 0.2 * x, x)
    assert fixed == pytest.approx(500) and rate == pytest.approx(0.2)
    with pytest.raises(MetricError):
        finance.split_fixed_variable([1.0, 2.0], [1.0, 2.0])
    with pytest.raises(MetricError):
        finance.split_fixed_variable([1.0, 2.0, 3.0], [5.0, 5.0, 5.0])


def test_scenario_table_by_hand():
    frame = pd.DataFrame({"monthly_churn": [0.05, 0.02], "arpa": [100.0, 100.0], "gross_margin": [0.8, 0.8],
                          "cac": [800.0, 800.0], "new_mrr": [100.0, 50.0]})
    out = finance.scenario_table(frame)
    assert out["ltv"].tolist() == pytest.approx([1600, 4000])
    assert out["ltv_cac"].tolist() == pytest.approx([2, 5])
    # окупаемость — на стартовом MRR нового клиента, а не на ARPA базы (одно определение с 1.1.3)
    assert out["payback_months"].tolist() == pytest.approx([10, 20])
    assert out["payback_months"].tolist() == pytest.approx(finance.payback_simple(frame["cac"], frame["new_mrr"] * 0.8).tolist())
    assert out.loc[0, "payback_churn_months"] == pytest.approx(math.log(0.5) / math.log(0.95))
    assert "ltv" not in frame.columns  # вход не меняется
    capped = finance.scenario_table(frame, horizon=12)
    assert capped.loc[0, "ltv"] == pytest.approx(80 * (1 - 0.95**12) / 0.05)
    with pytest.raises(MetricError, match="нет столбцов"):
        finance.scenario_table(frame.drop(columns="cac"))
    with pytest.raises(MetricError, match="горизонт"):
        finance.scenario_table(frame.assign(monthly_churn=0.0))


def test_scenario_table_equals_the_formulas_bit_for_bit():
    """Таблица сценариев считается одним проходом, но числа те же, что у функций по отдельности."""
    rng = np.random.default_rng(3)
    n = 2_000
    frame = pd.DataFrame({
        "monthly_churn": rng.uniform(0.0, 0.08, n), "arpa": rng.uniform(-1_000, 200_000, n),
        "gross_margin": rng.uniform(0.0, 1.0, n), "cac": rng.uniform(1, 3_000_000, n),
        "new_mrr": rng.uniform(-5_000, 200_000, n),
    }, index=pd.RangeIndex(10, 10 + n))
    # края: отток крошечный и почти единица, прибыль ноль, LTV меньше CAC (окупаемости нет)
    frame.iloc[:5, 0] = [1e-13, 1e-17, 0.999, 1e-300, 0.5]
    frame.iloc[5:8, 4] = [0.0, 0.0, 1e-9]
    frame.iloc[8, 2] = 0.0
    out = finance.scenario_table(frame)
    churn, gm = frame["monthly_churn"].to_numpy(), frame["gross_margin"].to_numpy()
    new_gp = frame["new_mrr"].to_numpy() * gm
    ltv = finance.ltv_horizon(frame["arpa"].to_numpy() * gm, churn)
    np.testing.assert_array_equal(out["ltv"].to_numpy(), ltv)
    np.testing.assert_array_equal(out["ltv_cac"].to_numpy(), ltv / frame["cac"].to_numpy())
    np.testing.assert_array_equal(out["payback_months"].to_numpy(), finance.payback_simple(frame["cac"], new_gp))
    np.testing.assert_array_equal(out["payback_churn_months"].to_numpy(), finance.payback_with_churn(frame["cac"], new_gp, churn))
    assert out.index.equals(frame.index)


@pytest.mark.parametrize("column,value,message", [
    ("monthly_churn", 1.5, "Месячный отток: доля"), ("monthly_churn", float("nan"), "Месячный отток: есть пропуски"),
    ("gross_margin", 85.0, "Проценты переведите"), ("arpa", float("inf"), "ARPA: есть пропуски"),
    ("cac", 0.0, "CAC должен быть больше нуля"), ("new_mrr", float("nan"), "Стартовый MRR"),
])
def test_scenario_table_names_the_bad_input_in_one_row_of_many(column, value, message):
    frame = pd.DataFrame({"monthly_churn": [0.02] * 50, "arpa": [100.0] * 50, "gross_margin": [0.8] * 50,
                          "cac": [800.0] * 50, "new_mrr": [100.0] * 50})
    with pytest.raises(MetricError, match="нужны числа"):
        finance.scenario_table(frame.assign(cac="много"))
    frame.loc[37, column] = value
    with pytest.raises(MetricError, match=message):
        finance.scenario_table(frame)


def test_npv_table_checks_every_cell_and_keeps_its_numbers():
    rng = np.random.default_rng(5)
    flows = rng.normal(100_000, 30_000, (300, 37))
    r = finance.monthly_rate(0.25)
    # формула numpy-financial, поток за потоком; матричное умножение отличается не дальше округления
    by_row = np.array([float(npf.npv(r, row)) for row in flows])
    np.testing.assert_allclose(finance.npv(r, flows), by_row, rtol=1e-13)
    np.testing.assert_allclose(finance.npv(r, pd.DataFrame(flows)), by_row, rtol=1e-13)
    for bad in (float("nan"), float("inf"), -float("inf")):
        broken = flows.copy()
        broken[123, 7] = bad
        with pytest.raises(MetricError, match="Денежный поток: есть пропуски"):
            finance.npv(r, broken)
        with pytest.raises(MetricError, match="Денежный поток: есть пропуски"):
            finance.npv(r, broken, convention="libreoffice")  # пропуск называется первым, как раньше
    with pytest.raises(MetricError, match="нужны числа"):
        finance.npv(r, [1, "два"])
    with pytest.raises(MetricError, match="пуст"):
        finance.npv(r, np.empty((3, 0)))
    huge = np.full((2, 3), 1e308)  # переполнение из конечных чисел — не ошибка входа
    with np.errstate(over="ignore"):
        assert np.isposinf(finance.npv(0.0, huge)).all()


def test_unit_economics_scenario_by_hand():
    result = finance.unit_economics_scenario(0.05, 100, 0.8, 800, 50, months=24)
    assert result["ltv"] == pytest.approx(1600)
    assert result["ltv_cac"] == pytest.approx(2)
    assert result["payback_months"] == pytest.approx(20)  # 800 / (50 × 0,8)
    assert len(result["cumulative"]) == 25 and result["cumulative"][0] == -800
    assert result["cumulative"][1] == pytest.approx(-800 + 40)  # первый месяц — стартовый MRR × маржа
    with pytest.raises(MetricError):
        finance.unit_economics_scenario(0.0, 100, 0.8, 800, 50)


# ---------------------------------------------------------------------------
# Входы из данных (unit_economics) — на игрушечных таблицах
# ---------------------------------------------------------------------------


def ts(s):
    return pd.Timestamp(s)


@pytest.fixture
def toy_mrr():
    # A1: пришёл в январе, ушёл в марте; A2: пришёл в январе, расширился в марте; A3: пришёл в феврале
    rows = [
        ("2024-01-01", "A1", 100, 100, 0, 0, 0),
        ("2024-02-01", "A1", 100, 0, 0, 0, 0),
        ("2024-03-01", "A1", 0, 0, 0, 0, 100),
        ("2024-01-01", "A2", 200, 200, 0, 0, 0),
        ("2024-02-01", "A2", 200, 0, 0, 0, 0),
        ("2024-03-01", "A2", 250, 0, 50, 0, 0),
        ("2024-02-01", "A3", 300, 300, 0, 0, 0),
        ("2024-03-01", "A3", 300, 0, 0, 0, 0),
    ]
    frame = pd.DataFrame(rows, columns=["month", "account_id", "mrr_rub", "new_rub", "expansion_rub", "contraction_rub", "churn_rub"])
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


@pytest.fixture
def toy_accounts():
    return pd.DataFrame({"account_id": ["A1", "A2", "A3"], "segment": ["smb", "smb", "enterprise"]})


def test_logo_churn_by_hand(toy_mrr, toy_accounts):
    # на начало февраля: A1, A2; на начало марта: A1, A2, A3; ушёл один (A1)
    assert unit_economics.logo_churn_monthly(toy_mrr, "2024-01-01", "2024-03-31") == pytest.approx(1 / 5)
    by = unit_economics.logo_churn_monthly(toy_mrr, "2024-01-01", "2024-03-31", toy_accounts, by="segment")
    assert by["smb"] == pytest.approx(1 / 4) and by["enterprise"] == 0
    assert unit_economics.customers_at_month_start(toy_mrr, "2024-01-01", "2024-03-31") == 5
    counts = unit_economics.customers_at_month_start(toy_mrr, "2024-01-01", "2024-03-31", toy_accounts, by="segment")
    assert counts.to_dict() == {"enterprise": 1, "smb": 4}
    with pytest.raises(MetricError):
        unit_economics.logo_churn_monthly(toy_mrr, "2024-01-01", "2024-01-31")


def test_arpa_excludes_churn_month(toy_mrr, toy_accounts):
    # платящие пары: 100, 100, 200, 200, 250, 300, 300 (месяц оттока A1 с MRR 0 не входит)
    assert unit_economics.arpa_for_period(toy_mrr, "2024-01-01", "2024-03-31") == pytest.approx(1450 / 7)
    by = unit_economics.arpa_for_period(toy_mrr, "2024-01-01", "2024-03-31", toy_accounts, by="segment")
    assert by["enterprise"] == pytest.approx(300) and by["smb"] == pytest.approx(850 / 5)


def test_gross_margin_and_cohort_curve_by_hand(toy_mrr):
    cogs = pd.DataFrame({
        "month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-03-01"]),
        "business_line": ["b2b", "b2b", "b2b", "b2c"],
        "amount_rub": [75.0, 150.0, 110.0, 999.0],
    })
    # выручка 300 + 600 + 550 = 1450, себестоимость B2B 335
    assert unit_economics.gross_margin_for_period(toy_mrr, cogs, "2024-01-01", "2024-03-31") == pytest.approx(1 - 335 / 1450)
    monthly = unit_economics.monthly_gross_margin(toy_mrr, cogs)
    assert monthly.tolist() == pytest.approx([0.75, 0.75, 0.8])
    # когорта A1, A2: месяц жизни 1 — январь (300 × 0,75), 2 — февраль (300 × 0,75), 3 — март (250 × 0,8)
    curve = unit_economics.cohort_gross_profit_curve(toy_mrr, cogs, ["A1", "A2"])
    assert curve.tolist() == pytest.approx([112.5, 112.5, 100.0])
    # A3 пришёл в феврале: у когорты с ним наблюдаемы только два месяца
    assert len(unit_economics.cohort_gross_profit_curve(toy_mrr, cogs, ["A1", "A3"])) == 2
    with pytest.raises(MetricError):
        unit_economics.cohort_gross_profit_curve(toy_mrr, cogs, ["A9"])


def test_new_mrr_per_customer_uses_first_win_only():
    opps = pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3"],
        "account_id": ["A1", "A1", "A2"],
        "segment": ["smb", "smb", "enterprise"],
        "outcome": ["won", "won", "won"],
        "close_date": [ts("2024-01-10"), ts("2024-05-10"), ts("2024-02-01")],
        "amount_rub": [120_000.0, 60_000.0, 1_200_000.0],
    })
    assert unit_economics.new_mrr_per_customer(opps, "2024-01-01", "2024-12-31") == pytest.approx((10_000 + 100_000) / 2)
    by = unit_economics.new_mrr_per_customer(opps, "2024-01-01", "2024-12-31", by="segment")
    assert by["smb"] == pytest.approx(10_000)


def test_b2c_channel_economics_by_hand():
    users = pd.DataFrame({
        "user_id": ["U1", "U2", "U3", "U4"],
        "signup_date": pd.to_datetime(["2023-01-05", "2023-02-01", "2023-03-01", "2024-01-01"]),
        "acquisition_channel": ["aso", "aso", "organic", "aso"],
    })
    purchases = pd.DataFrame({"user_id": ["U1", "U1", "U3", "U4"], "amount_rub": [300.0, 300.0, 100.0, 999.0]})
    spend = pd.DataFrame({"month": pd.to_datetime(["2023-01-01", "2023-01-01"]), "business_line": ["b2c", "b2b"],
                          "channel": ["aso", "aso"], "spend_rub": [500.0, 7777.0]})
    cogs = pd.DataFrame({"month": pd.to_datetime(["2023-01-01"]), "business_line": ["b2c"], "amount_rub": [169.9]})
    table = unit_economics.b2c_channel_economics(users, purchases, spend, cogs, "2023-01-01", "2023-12-31")
    margin = 1 - 169.9 / 1699.0
    assert table.loc["aso", "cac"] == pytest.approx(500.0)  # один платящий из двух регистраций
    assert table.loc["aso", "ltv"] == pytest.approx(600 * margin)
    assert table.loc["aso", "ltv_cac"] == pytest.approx(600 * margin / 500)
    assert math.isnan(table.loc["organic", "cac"])


# ---------------------------------------------------------------------------
# Входы из данных курса: согласованность с разделом 1.1.1
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables():
    from salesbook.data import load

    return {n: load(n) for n in ("marketing_spend", "sm_costs", "reps", "leads", "opportunities", "mrr", "cogs", "accounts")}


def test_segment_costs_add_up_and_match_section_1_1_1(tables):
    year = ("2024-01-01", "2024-12-31")
    t = tables
    seg = unit_economics.segment_acquisition_costs(t["marketing_spend"], t["sm_costs"], t["reps"], t["leads"], t["opportunities"], *year)
    assert seg.sum() == pytest.approx(acquisition.acquisition_costs(t["marketing_spend"], t["sm_costs"], *year).sum())
    # правило распределения: команды (AE, SE, руководители) — по окладам за дни в штате в году,
    # бюджет с целевым сегментом — сегменту, отдел маркетинга — пропорционально ему, SDR и BDR —
    # по SQL, которые они квалифицировали, остальное — пропорционально прямым затратам сегмента
    costs, reps, leads, spend = t["sm_costs"], t["reps"], t["leads"], t["marketing_spend"]
    year_costs = costs[acquisition.in_period(costs["month"], *year) & costs["department"].isin(["sales", "marketing"])]
    people = year_costs[year_costs["role"].isin(["AE", "SE", "manager"])]
    team = reps[reps["role"].isin(["AE", "SE", "manager"])]
    lo, hi = pd.Timestamp(year[0]), pd.Timestamp(year[1])
    days = ((team["exit_date"].fillna(hi).clip(upper=hi) - team["hire_date"].clip(lower=lo)).dt.days + 1).clip(lower=0)
    weight = (days * team["base_salary_rub"]).groupby([team["role"], team["team"]]).sum()
    team_share = weight / weight.groupby(level="role").transform("sum")
    direct = people.groupby("role")["amount_rub"].sum().mul(team_share, level="role").groupby(level="team").sum()
    media = spend[acquisition.in_period(spend["month"], *year) & spend["segment"].notna()].groupby("segment")["spend_rub"].sum()
    marketing_team = year_costs.loc[year_costs["department"] == "marketing", "amount_rub"].sum()
    direct = direct.add(media + marketing_team * media / media.sum(), fill_value=0)
    sql = leads[acquisition.in_period(leads["sql_date"], *year) & leads["sdr_id"].notna()].groupby("segment").size()
    sdr_pay = year_costs.loc[year_costs["role"].isin(["SDR", "BDR"]), "amount_rub"].sum()
    direct = direct.add(sdr_pay * sql / sql.sum(), fill_value=0)
    shared = acquisition.acquisition_costs(spend, costs, *year).sum() - direct.sum()
    expected = direct + shared * direct / direct.sum()
    for segment in course.SEGMENTS:
        assert seg[segment] == pytest.approx(expected[segment])


def test_segment_economics_columns_are_consistent(tables):
    seg = unit_economics.segment_economics(tables, *course.YEAR_2024, *course.YEARS_2024_2025)
    assert list(seg.index) == list(course.SEGMENTS)
    assert seg["ltv"].to_numpy() == pytest.approx((seg["arpa"] * seg["gross_margin"] / seg["monthly_churn"]).to_numpy())
    assert seg["payback_months"].to_numpy() == pytest.approx((seg["cac"] / (seg["new_mrr"] * seg["gross_margin"])).to_numpy())
    assert seg["customers"].sum() == acquisition.new_customers(tables["opportunities"], "2024-01-01", "2024-12-31")


def test_segment_economics_with_a_segment_without_churn(tables):
    """Сегмент, где не ушёл ни один клиент: LTV по формуле и LTV/CAC — inf, остальное считается."""
    mrr, acc = tables["mrr"], tables["accounts"]
    ent = set(acc.loc[acc["segment"] == "enterprise", "account_id"])
    churned = set(mrr.loc[mrr["churn_rub"] > 0, "account_id"]) & ent
    quiet = dict(tables, mrr=mrr[~mrr["account_id"].isin(churned)])
    seg = unit_economics.segment_economics(quiet, *course.YEAR_2024, *course.YEARS_2024_2025)
    assert seg.loc["enterprise", "monthly_churn"] == 0
    assert np.isposinf(seg.loc["enterprise", "ltv"]) and np.isposinf(seg.loc["enterprise", "ltv_cac"])
    assert np.isfinite(seg.loc["enterprise", "payback_months"])
    assert np.isfinite(seg.loc[["smb", "mid_market"], "ltv"]).all()
    # с горизонтом LTV конечен
    row = seg.loc["enterprise"]
    assert finance.ltv_horizon(row["arpa"] * row["gross_margin"], row["monthly_churn"], 60) == pytest.approx(
        row["arpa"] * row["gross_margin"] * 60)


def test_commercial_cost_structure_kinds_and_shares(tables):
    s = unit_economics.commercial_cost_structure(tables, "2025-01-01", "2025-12-31")
    assert set(s["kind"]) == {"fixed", "variable"}
    assert s.loc["bonus", "kind"] == "variable" and s.loc["media", "kind"] == "fixed"
    # взносы с премий начисляются при выплате премии — переменные, как в planning.opex_structure
    assert s.loc["payroll_tax_variable", "kind"] == "variable" and s.loc["payroll_tax_fixed", "kind"] == "fixed"
    assert "payroll_tax" not in s.index
    revenue = tables["mrr"].loc[acquisition.in_period(tables["mrr"]["month"], "2025-01-01", "2025-12-31"), "mrr_rub"].sum()
    sm = tables["sm_costs"]
    bonus = sm.loc[acquisition.in_period(sm["month"], "2025-01-01", "2025-12-31") & (sm["cost_type"] == "bonus"), "amount_rub"].sum()
    assert s.loc["bonus", "share_of_revenue"] == pytest.approx(bonus / revenue)
    assert 0 < s.loc["cogs_variable", "share_of_revenue"] < 0.5


def test_b2c_paid_signup_economics_by_hand():
    """Прибыль и реклама — на одной базе: платные регистрации периода (органика не входит)."""
    users = pd.DataFrame({
        "user_id": ["U1", "U2", "U3", "U4"],
        "signup_date": pd.to_datetime(["2023-01-05", "2023-01-20", "2023-01-07", "2024-01-01"]),
        "acquisition_channel": ["aso", "social", "organic", "aso"],
    })
    purchases = pd.DataFrame({
        "user_id": ["U1", "U1", "U2", "U3", "U4"],
        "date": pd.to_datetime(["2023-01-10", "2023-06-01", "2023-03-15", "2023-01-08", "2024-06-01"]),
        "amount_rub": [300.0, 300.0, 100.0, 5000.0, 999.0],
    })
    spend = pd.DataFrame({"month": pd.to_datetime(["2023-01-01", "2023-01-01", "2024-01-01"]), "business_line": ["b2c", "b2b", "b2c"],
                          "spend_rub": [500.0, 7777.0, 9999.0]})
    result = unit_economics.b2c_paid_signup_economics(users, purchases, spend, 0.5, "2023-01-01", "2023-12-31", months=2)
    assert result["signups"] == 2
    assert result["gross_profit_per_signup"] == pytest.approx((300 + 100) * 0.5 / 2)  # покупка U1 в июне — позже горизонта
    assert result["spend_per_signup"] == pytest.approx(500 / 2)
    with pytest.raises(MetricError, match="месяцев истории"):
        unit_economics.b2c_paid_signup_economics(users, purchases, spend, 0.5, "2024-01-01", "2024-12-31", months=24)

