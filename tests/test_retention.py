"""Удержание, отток, когорты и модель sBG на маленьких примерах, посчитанных вручную,
и воспроизведение опубликованных результатов Fader & Hardie (2007)."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import beta as beta_fn

from salesbook.toolkit import retention
from salesbook.toolkit.validation import MetricError


def ts(s):
    return pd.Timestamp(s)


@pytest.fixture
def toy_mrr():
    """Три клиента, январь — март 2024.

    A1 (smb): 100 в январе и феврале, уходит в марте.
    A2 (enterprise): 200 в январе, +50 в феврале, −50 в марте.
    A3 (smb): приходит в феврале с 300, в марте 300.
    """
    rows = [
        # month, account, mrr, new, expansion, contraction, churn
        ("2024-01-01", "A1", 100, 100, 0, 0, 0),
        ("2024-02-01", "A1", 100, 0, 0, 0, 0),
        ("2024-03-01", "A1", 0, 0, 0, 0, 100),
        ("2024-01-01", "A2", 200, 200, 0, 0, 0),
        ("2024-02-01", "A2", 250, 0, 50, 0, 0),
        ("2024-03-01", "A2", 200, 0, 0, 50, 0),
        ("2024-02-01", "A3", 300, 300, 0, 0, 0),
        ("2024-03-01", "A3", 300, 0, 0, 0, 0),
    ]
    frame = pd.DataFrame(rows, columns=["month", "account_id", "mrr_rub", "new_rub", "expansion_rub", "contraction_rub", "churn_rub"])
    frame["month"] = pd.to_datetime(frame["month"])
    for c in ["mrr_rub", "new_rub", "expansion_rub", "contraction_rub", "churn_rub"]:
        frame[c] = frame[c].astype(float)
    return frame


@pytest.fixture
def toy_accounts():
    return pd.DataFrame({"account_id": ["A1", "A2", "A3", "A4"], "segment": ["smb", "enterprise", "smb", "mid_market"]})


# ---------------------------------------------------------------------------
# Клиенты и когорты
# ---------------------------------------------------------------------------


def test_customer_table_periods_and_churn(toy_mrr):
    t = retention.customer_table(toy_mrr).set_index("account_id")
    assert list(t["churned"]) == [True, False, False]
    assert list(t["periods"]) == [2, 2, 1]  # A1 ушёл в возрасте 2; A2 прожил 2 периода; A3 — 1
    assert t.loc["A3", "start"] == ts("2024-02-01")
    assert t.loc["A2", "mrr_first"] == 200


def test_add_segment(toy_mrr, toy_accounts):
    seg = retention.add_segment(toy_mrr, toy_accounts)
    assert seg.groupby("account_id")["segment"].first().to_dict() == {"A1": "smb", "A2": "enterprise", "A3": "smb"}
    assert "segment" not in toy_mrr.columns  # исходная таблица не меняется
    unknown = retention.add_segment(toy_mrr, toy_accounts[toy_accounts["account_id"] != "A2"])
    assert unknown.loc[unknown["account_id"] == "A2", "segment"].isna().all()
    with pytest.raises(MetricError, match="повторяются"):
        retention.add_segment(toy_mrr, pd.concat([toy_accounts, toy_accounts]))


def test_cohort_table_monthly(toy_mrr):
    c = retention.cohort_table(toy_mrr, freq="M").set_index(["cohort", "age"])
    jan = c.loc["2024-01"]
    assert list(jan.index) == [0, 1, 2]
    assert list(jan["active"]) == [2, 2, 1]
    assert list(jan["mrr_rub"]) == [300, 350, 200]
    assert jan["logo_retention"].tolist() == [1.0, 1.0, 0.5]
    assert jan["revenue_retention"].tolist() == pytest.approx([1.0, 350 / 300, 200 / 300])
    feb = c.loc["2024-02"]
    assert list(feb.index) == [0, 1]  # до конца данных — один месяц
    assert list(feb["active"]) == [1, 1]


def test_cohort_table_quarter_shows_only_fully_observed_ages(toy_mrr):
    c = retention.cohort_table(toy_mrr, freq="Q")
    assert set(c["cohort"]) == {"2024Q1"}
    # последний клиент когорты пришёл в феврале: возраст 2 для него ещё не наступил
    assert c["age"].tolist() == [0, 1]
    assert c["active"].tolist() == [3, 3]
    assert c["mrr_rub"].tolist() == [600, 650]


def test_cohort_table_by_segment(toy_mrr, toy_accounts):
    seg = retention.add_segment(toy_mrr, toy_accounts)
    c = retention.cohort_table(seg, freq="M", by="segment").set_index(["segment", "cohort", "age"])
    assert c.loc[("smb", "2024-01"), "logo_retention"].tolist() == [1.0, 1.0, 0.0]
    assert c.loc[("enterprise", "2024-01"), "revenue_retention"].tolist() == pytest.approx([1.0, 1.25, 1.0])


@pytest.fixture(scope="module")
def course_mrr():
    from salesbook.data import load

    return load("mrr")


@pytest.mark.parametrize("freq", ["Q", "M"])
def test_cohort_table_fast_path_equals_the_grouped_path_bit_for_bit(course_mrr, freq):
    """Без разбивки когорты считаются по номерам периодов; с разбивкой на одну группу — по подписям.

    Результат обязан совпасть до бита: те же группы, те же суммы pandas в том же порядке строк.
    """
    fast = retention.cohort_table(course_mrr, freq=freq)
    grouped = retention.cohort_table(course_mrr.assign(all="все"), freq=freq, by="all")
    pd.testing.assert_frame_equal(fast, grouped.drop(columns="all"), check_exact=True)
    assert fast["cohort"].is_monotonic_increasing and len(fast) > 20


def test_customer_table_does_not_depend_on_row_order(course_mrr):
    """Первая и последняя строки клиента — по месяцу, как бы ни шли строки таблицы."""
    by_month = retention.customer_table(course_mrr)
    shuffled = course_mrr.sample(frac=1.0, random_state=1)
    assert not shuffled["month"].is_monotonic_increasing
    pd.testing.assert_frame_equal(retention.customer_table(shuffled), by_month, check_exact=True)
    cohorts = retention.cohort_table(shuffled)
    pd.testing.assert_frame_equal(cohorts, retention.cohort_table(course_mrr), check_exact=False, rtol=1e-12)


def test_customer_table_with_mixed_or_missing_account_ids(toy_mrr):
    mixed = toy_mrr.assign(account_id=toy_mrr["account_id"].map({"A1": 1, "A2": "A2", "A3": 3}).astype(object))
    table = retention.customer_table(mixed)
    assert table["account_id"].tolist() == [1, 3, "A2"]  # как pd.factorize(sort=True): числа раньше строк
    assert table["periods"].tolist() == [2, 1, 2]
    gap = toy_mrr.assign(account_id=toy_mrr["account_id"].where(toy_mrr["account_id"] != "A3"))
    assert retention.customer_table(gap)["account_id"].tolist() == ["A1", "A2"]  # клиент без id не считается
    assert retention.cohort_table(gap, freq="M")["customers"].max() == 2


def test_retention_matrix(toy_mrr):
    c = retention.cohort_table(toy_mrr, freq="M")
    logo = retention.retention_matrix(c, "logo")
    assert logo.loc["2024-01", 2] == 0.5
    assert math.isnan(logo.loc["2024-02", 2])
    revenue = retention.retention_matrix(c, "revenue")
    assert revenue.loc["2024-01", 1] == pytest.approx(350 / 300)
    with pytest.raises(MetricError):
        retention.retention_matrix(c, "profit")


def test_pooled_curve(toy_mrr):
    c = retention.cohort_table(toy_mrr, freq="M")
    curve = retention.pooled_curve(c)
    assert curve["cohorts"].tolist() == [2, 2, 1]
    assert curve["revenue_per_customer"].tolist() == pytest.approx([200, 650 / 3, 100])
    assert curve.loc[1, "revenue_retention"] == pytest.approx(650 / 600)
    assert curve.loc[2, "logo_retention"] == 0.5
    assert list(retention.pooled_curve(c, min_cohorts=2).index) == [0, 1]


def test_survival_curve_kaplan_meier():
    # ушёл в периоде 2; прожил 2 и ещё платит; прожил 1 и ещё платит
    curve = retention.survival_curve([2, 2, 1], [True, False, False])
    assert curve["at_risk"].tolist() == [3, 3, 2]
    assert curve["lost"].tolist() == [0, 0, 1]
    assert curve["survival"].tolist() == pytest.approx([1.0, 1.0, 0.5])


def test_survivor_mix(toy_mrr, toy_accounts):
    customers = retention.customer_table(retention.add_segment(toy_mrr, toy_accounts), by="segment")
    mix = retention.survivor_mix(customers, "segment", max_age=2).set_index(["age", "segment"])
    assert mix.loc[(0, "smb"), "came"] == 2 and mix.loc[(0, "enterprise"), "came"] == 1
    # возраст 2: A3 ещё не наблюдаем, A1 ушёл
    assert mix.loc[(2, "smb"), "came"] == 1
    assert mix.loc[(2, "smb"), "alive"] == 0
    assert mix.loc[(2, "enterprise"), "alive_share"] == 1.0
    assert mix.loc[(1, "smb"), "came_share"] == pytest.approx(2 / 3)


# ---------------------------------------------------------------------------
# Отток, маржа, ARPA
# ---------------------------------------------------------------------------


def test_churn_table_by_month(toy_mrr):
    t = retention.churn_table(toy_mrr)
    assert list(t.index) == [ts("2024-02-01"), ts("2024-03-01")]  # в январе под риском никого
    feb, mar = t.loc["2024-02-01"], t.loc["2024-03-01"]
    assert feb["customers_start"] == 2 and feb["churned"] == 0  # A3 — новый, в знаменатель не входит
    assert feb["net_revenue_churn"] == pytest.approx(-50 / 300)
    assert mar["customers_start"] == 3 and mar["churned"] == 1
    assert mar["logo_churn"] == pytest.approx(1 / 3)
    assert mar["revenue_churn"] == pytest.approx(150 / 650)


def test_churn_rates_pool_sums_not_means(toy_mrr):
    r = retention.churn_rates(toy_mrr).iloc[0]
    assert r["logo_churn"] == pytest.approx(1 / 5)       # не среднее 0 и 1/3
    assert r["revenue_churn"] == pytest.approx(150 / 950)
    assert r["net_revenue_churn"] == pytest.approx(100 / 950)
    march = retention.churn_rates(toy_mrr, "2024-03-01", "2024-03-31").iloc[0]
    assert march["logo_churn"] == pytest.approx(1 / 3)


def test_churn_rates_by_segment(toy_mrr, toy_accounts):
    seg = retention.add_segment(toy_mrr, toy_accounts)
    r = retention.churn_rates(seg, by="segment")
    assert r.loc["smb", "logo_churn"] == pytest.approx(1 / 3)   # A1: 2 клиенто-месяца + A3: 1
    assert r.loc["enterprise", "logo_churn"] == 0
    assert r.loc["enterprise", "revenue_churn"] == pytest.approx(50 / 450)


def test_arpa_and_gross_margin(toy_mrr, toy_accounts):
    assert retention.arpa(toy_mrr) == pytest.approx(1450 / 7)
    assert retention.arpa(toy_mrr, "2024-03-01", "2024-03-31") == pytest.approx(250)
    seg = retention.add_segment(toy_mrr, toy_accounts)
    assert retention.arpa(seg, by="segment")["enterprise"] == pytest.approx(650 / 3)
    revenue = retention.b2b_revenue(toy_mrr)
    assert revenue.tolist() == [300, 650, 500]
    cogs = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-01-01"]),
                         "business_line": ["b2b", "b2b", "b2b", "b2c"], "amount_rub": [100.0, 100.0, 100.0, 999.0]})
    assert retention.gross_margin(cogs, revenue, "2024-01-01", "2024-03-31") == pytest.approx(1 - 300 / 1450)
    with pytest.raises(MetricError):
        retention.gross_margin(cogs, revenue, "2023-01-01", "2023-12-31")


def test_b2c_revenue_by_month():
    purchases = pd.DataFrame({"date": pd.to_datetime(["2024-01-05", "2024-01-31", "2024-02-01"]), "amount_rub": [1.0, 2.0, 4.0]})
    assert retention.b2c_revenue(purchases).tolist() == [3.0, 4.0]


# ---------------------------------------------------------------------------
# Модель sBG: формулы
# ---------------------------------------------------------------------------


def test_sbg_formulas_by_hand():
    # при α = β = 1 склонность к оттоку равномерна: P(T = t) = 1 / (t(t + 1)), S(t) = 1 / (t + 1)
    t = np.arange(1, 6)
    assert retention.sbg_churn_probability(1, 1, t) == pytest.approx(1 / (t * (t + 1)))
    assert retention.sbg_survival(1, 1, np.arange(6)) == pytest.approx(1 / (np.arange(6) + 1))
    assert retention.sbg_retention_rate(1, 1, t) == pytest.approx(t / (t + 1))
    # общий случай — через бета-функцию
    a, b = 0.7, 1.2
    assert retention.sbg_churn_probability(a, b, 3) == pytest.approx(beta_fn(a + 1, b + 2) / beta_fn(a, b))
    assert retention.sbg_survival(a, b, 3) == pytest.approx(beta_fn(a, b + 3) / beta_fn(a, b))


def test_sbg_identities():
    a, b = 0.668, 3.806
    t = np.arange(1, 30)
    survival = retention.sbg_survival(a, b, np.arange(30))
    # S(t) = S(t − 1) − P(T = t) и S(t) = S(t − 1) · r_t
    assert survival[1:] == pytest.approx(survival[:-1] - retention.sbg_churn_probability(a, b, t))
    assert survival[1:] == pytest.approx(survival[:-1] * retention.sbg_retention_rate(a, b, t))
    assert np.all(np.diff(retention.sbg_retention_rate(a, b, t)) > 0)  # удержание растёт со стажем


def test_sbg_log_likelihood_by_hand():
    ll = retention.sbg_log_likelihood(1, 1, [1, 2, 2], [True, True, False])
    assert ll == pytest.approx(math.log(1 / 2) + math.log(1 / 6) + math.log(1 / 3))
    # веса — то же самое, что повторённые строки
    weighted = retention.sbg_log_likelihood(1, 1, [1, 2], [True, False], weights=[3, 2])
    assert weighted == pytest.approx(3 * math.log(1 / 2) + 2 * math.log(1 / 3))


def test_sbg_log_likelihood_high_end_at_alpha_beta_one():
    # Fader & Hardie (2007), приложение: стартовые α = β = 1 на данных high end.
    # Вручную: Σ n_t ln(1 / (t(t + 1))) + S(7) ln(1 / 8) на долю клиентов ≈ −2,115.
    periods, churned, weights = retention.survivors_to_durations([1, .869, .743, .653, .593, .551, .517, .491])
    assert retention.sbg_log_likelihood(1, 1, periods, churned, weights) == pytest.approx(-2.1156, abs=5e-4)


def test_survivors_to_durations_matrix():
    survivors = np.array([[100, 60, 40], [50, 30, np.nan]])
    periods, churned, weights = retention.survivors_to_durations(survivors)
    table = pd.DataFrame({"p": periods, "c": churned, "w": weights}).sort_values(["c", "p"]).reset_index(drop=True)
    # ушли: 40 в периоде 1 и 20 в периоде 2 из первой когорты, 20 в периоде 1 из второй;
    # остались: 40 после 2 периодов и 30 после 1
    lost = table[table["c"]].groupby("p")["w"].sum().to_dict()
    alive = table[~table["c"]].groupby("p")["w"].sum().to_dict()
    assert lost == {1: 60, 2: 20}
    assert alive == {1: 30, 2: 40}
    with pytest.raises(MetricError):
        retention.survivors_to_durations([[100, np.nan, 40]])
    with pytest.raises(MetricError):
        retention.survivors_to_durations([100, 120])


# ---------------------------------------------------------------------------
# Fader & Hardie (2007): опубликованные оценки и прогноз
# ---------------------------------------------------------------------------

#: Таблица 1 статьи: доля оставшихся клиентов к годам 0–12 (данные Berry & Linoff, 2004).
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


@pytest.mark.parametrize("data, alpha, beta", [(REGULAR, 0.704, 1.182), (HIGH_END, 0.668, 3.806)],
                         ids=["regular", "high_end"])
def test_reproduces_fader_hardie_2007_estimates(data, alpha, beta):
    """Оценка по годам 0–7 даёт опубликованные α и β (с точностью до трёх знаков)."""
    fit = retention.fit_sbg_survival(np.array(data[:8]) / 1000)
    assert fit.alpha == pytest.approx(alpha, abs=5e-4)
    assert fit.beta == pytest.approx(beta, abs=5e-4)
    assert not fit.at_bound
    # те же оценки по числам клиентов, а не по долям
    by_counts = retention.fit_sbg_survival(data[:8])
    assert by_counts.alpha == pytest.approx(fit.alpha, rel=1e-4)
    assert by_counts.n == 1000


@pytest.mark.parametrize("data", [REGULAR, HIGH_END], ids=["regular", "high_end"])
def test_projection_for_years_8_to_12_tracks_actuals(data):
    """Прогноз на годы 8–12 по модели, оценённой на годах 0–7, близок к факту (рис. в статье)."""
    fit = retention.fit_sbg_survival(np.array(data[:8]) / 1000)
    projected = fit.survival(np.arange(8, 13))
    actual = np.array(data[8:]) / 1000
    assert np.max(np.abs(projected - actual)) < 0.02


def test_fit_recovers_parameters_of_simulated_cohort():
    rng = np.random.default_rng(2025)
    theta = rng.beta(0.8, 2.5, size=20_000)
    lifetimes = rng.geometric(theta)            # период ухода 1, 2, …
    horizon = 12
    churned = lifetimes <= horizon
    periods = np.where(churned, lifetimes, horizon)
    fit = retention.fit_sbg(periods, churned)
    assert fit.alpha == pytest.approx(0.8, rel=0.1)
    assert fit.beta == pytest.approx(2.5, rel=0.1)
    assert fit.mean_churn == pytest.approx(0.8 / 3.3, rel=0.05)


def test_homogeneous_customers_give_near_zero_polarization():
    rng = np.random.default_rng(2025)
    lifetimes = rng.geometric(0.05, size=5_000)
    churned = lifetimes <= 24
    fit = retention.fit_sbg(np.where(churned, lifetimes, 24), churned)
    assert fit.polarization < 0.01
    assert fit.mean_churn == pytest.approx(0.05, rel=0.1)


def test_fit_without_churn_is_degenerate_not_an_error():
    """Сегмент, где за всю историю не ушёл ни один клиент: модель «не уходит никто»."""
    fit = retention.fit_sbg([1, 2, 3, 12], [False, False, False, False])
    assert fit.no_churn and fit.at_bound
    assert np.isnan(fit.alpha) and np.isnan(fit.beta) and np.isnan(fit.polarization)
    assert fit.mean_churn == 0
    assert list(fit.survival(np.arange(3))) == [1, 1, 1]
    assert list(fit.churn_probability([1, 2])) == [0, 0]
    assert fit.expected_periods(60) == 60
    # когортный LTV с такой моделью: хвост — оставшиеся платят как в последнем месяце
    ltv = retention.cohort_ltv(pd.Series([100.0, 100.0]), 0.5, fit=fit, horizon=4)
    assert ltv["ltv"] == pytest.approx(4 * 100 * 0.5)


def test_fit_input_errors():
    with pytest.raises(MetricError):
        retention.fit_sbg([0, 2], [True, False])             # ушёл в периоде 0
    with pytest.raises(MetricError):
        retention.fit_sbg([1.5, 2], [True, False])
    with pytest.raises(MetricError):
        retention.fit_sbg([], [])
    with pytest.raises(MetricError):
        retention.sbg_survival(-1, 1, 2)
    with pytest.raises(MetricError):
        retention.sbg_churn_probability(1, 1, 0)


def test_expected_periods():
    fit = retention.SBGFit(alpha=1.0, beta=1.0, log_likelihood=0.0, n=1.0)
    # Σ_{t=0}^{3} 1 / (t + 1)
    assert fit.expected_periods(4) == pytest.approx(1 + 1 / 2 + 1 / 3 + 1 / 4)
    with pytest.raises(MetricError):
        fit.expected_periods(0)


# ---------------------------------------------------------------------------
# LTV по когортам
# ---------------------------------------------------------------------------


def test_cohort_ltv_observed_and_tail():
    revenue = pd.Series([200.0, 650 / 3, 100.0])
    no_tail = retention.cohort_ltv(revenue, 0.5, horizon=5)
    assert no_tail["observed_ltv"] == pytest.approx(0.5 * (200 + 650 / 3 + 100))
    assert no_tail["tail_ltv"] == 0
    constant = retention.cohort_ltv(revenue, 0.5, horizon=5, churn=0.5)
    # возрасты 3 и 4: 100 × (0,5 + 0,25) × 0,5
    assert constant["tail_ltv"] == pytest.approx(37.5)
    assert constant["ltv"] == pytest.approx(no_tail["observed_ltv"] + 37.5)
    short = retention.cohort_ltv(revenue, 0.5, horizon=2, churn=0.5)
    assert short["observed_months"] == 2 and short["tail_ltv"] == 0
    fit = retention.SBGFit(alpha=1.0, beta=1.0, log_likelihood=0.0, n=1.0)
    by_model = retention.cohort_ltv(revenue, 0.5, fit=fit, horizon=4)
    # S(3) / S(2) = (1/4) / (1/3)
    assert by_model["tail_ltv"] == pytest.approx(100 * 0.75 * 0.5)
    with pytest.raises(MetricError):
        retention.cohort_ltv(revenue, 77, horizon=5)
    with pytest.raises(MetricError):
        retention.cohort_ltv(revenue, 0.5, fit=fit, churn=0.1)
    with pytest.raises(MetricError):
        retention.cohort_ltv(pd.Series([1.0, 2.0], index=[1, 2]), 0.5)


# ---------------------------------------------------------------------------
# B2C
# ---------------------------------------------------------------------------


def test_subscription_lifetimes():
    purchases = pd.DataFrame({
        "user_id": ["U1", "U1", "U2", "U3"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-31", "2024-03-15", "2024-03-31"]),
        "product": ["monthly_sub", "monthly_sub", "monthly_sub", "pro_pack"],
        "amount_rub": [299.0, 299.0, 299.0, 749.0],
    })
    subs = retention.subscription_lifetimes(purchases).set_index("user_id")
    assert list(subs.index) == ["U1", "U2"]
    # U1: следующее списание 1 марта не пришло до 31 марта — ушёл после двух оплат
    assert bool(subs.loc["U1", "churned"]) and subs.loc["U1", "periods"] == 2
    # U2: следующее списание ещё не наступило — пережил 0 продлений
    assert not subs.loc["U2", "churned"] and subs.loc["U2", "periods"] == 0
    with pytest.raises(MetricError):
        retention.subscription_lifetimes(purchases, product="annual_sub")


def test_b2c_cohorts():
    users = pd.DataFrame({"user_id": ["U1", "U2", "U3"],
                          "signup_date": pd.to_datetime(["2024-01-02", "2024-03-10", "2024-02-05"])})
    purchases = pd.DataFrame({
        "user_id": ["U1", "U1", "U2", "U2"],
        "date": pd.to_datetime(["2024-01-05", "2024-02-04", "2024-03-20", "2024-05-20"]),
        "amount_rub": [100.0, 100.0, 500.0, 500.0],
    })
    c = retention.b2c_cohorts(users, purchases, freq="Q")
    assert c["cohort"].unique().tolist() == ["2024Q1"]
    assert c["age"].tolist() == [0, 1, 2]  # последний зарегистрировался в марте, данные — до мая
    assert c["revenue_per_user_cum"].tolist() == pytest.approx([200, 700 / 3, 400])
    assert c["payers_share_cum"].tolist() == pytest.approx([2 / 3, 2 / 3, 2 / 3])
    assert c["revenue_rub"].tolist() == [600, 100, 500]
    # покупки незнакомых пользователей не учитываются, повторы пользователей — ошибка
    stranger = pd.concat([purchases, pd.DataFrame({"user_id": ["U9"], "date": [ts("2024-01-10")], "amount_rub": [999.0]})])
    assert retention.b2c_cohorts(users, stranger)["revenue_rub"].tolist() == [600, 100, 500]
    with pytest.raises(MetricError, match="повторяются"):
        retention.b2c_cohorts(pd.concat([users, users]), purchases)


# ---------------------------------------------------------------------------
# Проверка входа
# ---------------------------------------------------------------------------


def test_input_errors_are_russian(toy_mrr):
    with pytest.raises(MetricError, match="нет столбцов"):
        retention.cohort_table(toy_mrr.drop(columns="churn_rub"))
    with pytest.raises(MetricError, match="пустая"):
        retention.churn_table(toy_mrr.iloc[0:0])
    with pytest.raises(MetricError, match="частоту"):
        retention.cohort_table(toy_mrr, freq="неделя")
    with pytest.raises(MetricError):
        retention.churn_rates(toy_mrr, "2025-01-01", "2025-12-31")
    with pytest.raises(MetricError):
        retention.arpa(toy_mrr, "2025-01-01", "2025-12-31")


def test_lifetime_interval_from_few_churn_events():
    from scipy.stats import chi2

    low, high = retention.lifetime_interval(2, 349)
    # точный интервал Пуассона: частота от χ²(0,025; 4) / 2 до χ²(0,975; 6) / 2 уходов на 349 клиенто-месяцев
    assert low == pytest.approx(349 / (chi2.ppf(0.975, 6) / 2))
    assert high == pytest.approx(349 / (chi2.ppf(0.025, 4) / 2))
    assert low < 349 / 2 < high and high / low > 20
    assert retention.lifetime_interval(0, 100)[1] == float("inf")
    with pytest.raises(MetricError):
        retention.lifetime_interval(1, 0)


def _annual_rows(account, start, months, billing="annual", churn_last=False, mrr=100):
    rows = []
    for i, month in enumerate(pd.date_range(start, periods=months, freq="MS")):
        last = churn_last and i == months - 1
        rows.append((month, account, billing, 0 if last else mrr, mrr if i == 0 else 0, 0, 0, mrr if last else 0))
    return rows


@pytest.fixture
def renewals_mrr():
    """A1 — годовой договор с января 2023: продлил в январе 2024, ушёл на продлении в январе 2025.
    A2 — помесячная оплата с января 2023 (не годовой договор, продлений нет).
    A3 — годовой договор с марта 2024: продлил в марте 2025, платит до конца 2025."""
    rows = (_annual_rows("A1", "2023-01-01", 25, churn_last=True)
            + _annual_rows("A2", "2023-01-01", 36, billing="monthly")
            + _annual_rows("A3", "2024-03-01", 22))
    columns = ["month", "account_id", "billing", "mrr_rub", "new_rub", "expansion_rub", "contraction_rub", "churn_rub"]
    return pd.DataFrame(rows, columns=columns)


def test_renewal_churn_counts_renewals_and_bounds_the_share(renewals_mrr):
    # 2024–2025: продления A1 (янв. 2024, прошло), A1 (янв. 2025, ушёл), A3 (март 2025, прошло) — 3 продления, 1 уход
    row = retention.renewal_churn(renewals_mrr, "2024-01-01", "2025-12-31").loc["all"]
    assert (row["renewals"], row["churned"]) == (3, 1)
    assert row["churn"] == pytest.approx(1 / 3)
    # односторонняя 95-процентная граница Клоппера — Пирсона: P(X ≤ 1 | n = 3, p) = 0,05
    p = row["churn_upper"]
    assert (1 - p) ** 3 + 3 * p * (1 - p) ** 2 == pytest.approx(0.05)
    # ноль уходов: 2024 год — одно продление A1, граница 1 − 0,05^(1/1) = 0,95
    zero = retention.renewal_churn(renewals_mrr, "2024-01-01", "2024-12-31").loc["all"]
    assert (zero["renewals"], zero["churned"]) == (1, 0)
    assert zero["churn_upper"] == pytest.approx(1 - 0.05 ** (1 / 1))
    with pytest.raises(MetricError):
        retention.renewal_churn(renewals_mrr, "2023-01-01", "2023-12-31")


def test_renewal_churn_zero_events_is_exact_rule_of_three():
    rows = [r for i in range(30) for r in _annual_rows(f"A{i}", "2023-01-01", 14)]
    columns = ["month", "account_id", "billing", "mrr_rub", "new_rub", "expansion_rub", "contraction_rub", "churn_rub"]
    row = retention.renewal_churn(pd.DataFrame(rows, columns=columns)).loc["all"]
    assert (row["renewals"], row["churned"]) == (30, 0)
    assert row["churn_upper"] == pytest.approx(1 - 0.05 ** (1 / 30))
    assert row["churn_upper"] == pytest.approx(3 / 30, rel=0.05)


def test_renewal_survival_steps_at_renewals():
    s = retention.renewal_survival(0.2, 26)
    assert s[:12].tolist() == [1.0] * 12 and s[12:24].tolist() == pytest.approx([0.8] * 12) and s[24] == pytest.approx(0.64)
    assert retention.renewal_survival(0, 5).tolist() == [1.0] * 5
    with pytest.raises(MetricError):
        retention.renewal_survival(1.5, 12)


def test_month_numbers_by_runs_equal_the_calendar():
    """Номера месяцев сериями (таблица по месяцам) и поэлементно — одно и то же, в том числе до 1970 года."""
    dates = pd.to_datetime(["1969-12-31", "1969-12-31", "1970-01-15", "2024-02-29", "2024-02-29", "2024-03-01"]).to_numpy()
    expected = np.array([-1, -1, 0, 649, 649, 650])
    np.testing.assert_array_equal(retention._month_numbers(dates), expected)
    np.testing.assert_array_equal(retention._month_numbers(dates[::-1]), expected[::-1])  # не по порядку — поэлементно
    np.testing.assert_array_equal(retention._month_numbers(dates[:1]), expected[:1])


def test_customer_table_with_other_date_types(toy_mrr):
    """Даты в микросекундах и с часовым поясом дают те же сроки жизни, что и обычные."""
    plain = retention.customer_table(toy_mrr)
    for month in (toy_mrr["month"].astype("datetime64[us]"), toy_mrr["month"].dt.tz_localize("Europe/Moscow")):
        table = retention.customer_table(toy_mrr.assign(month=month))
        assert table["periods"].tolist() == plain["periods"].tolist() == [2, 2, 1]
        assert table["churned"].tolist() == plain["churned"].tolist()


@pytest.mark.parametrize("unit", ["ns", "us", "s"])
@pytest.mark.parametrize("freq", ["Q", "M"])
def test_period_codes_equal_pandas_periods(freq, unit):
    """Кварталы и месяцы из номеров месяцев numpy — те же номера и подписи, что у ``to_period`` pandas,
    за два века по обе стороны от 1970 года, в любом порядке дат; с пропуском — путь pandas (код −1)."""
    dates = pd.Series(pd.date_range("1890-01-01", "2110-12-31", freq="17D")).astype(f"datetime64[{unit}]")
    dates = dates.sample(frac=1.0, random_state=3).reset_index(drop=True)
    expected_codes, expected = pd.factorize(dates.dt.to_period(freq), sort=True)
    codes, names = retention._period_codes(dates, freq)
    assert names.tolist() == expected.astype(str).tolist() and len(names) > 800
    np.testing.assert_array_equal(codes, expected_codes)
    with_gap = dates.copy()
    with_gap.iloc[5] = pd.NaT
    codes, names = retention._period_codes(with_gap, freq)
    assert codes[5] == -1 and names.tolist() == pd.factorize(with_gap.dt.to_period(freq), sort=True)[1].astype(str).tolist()


def test_period_codes_outside_four_digit_years_and_odd_frequencies(toy_mrr):
    """До 1000 года pandas пишет год с нулями («0999Q4») — такие даты идут путём pandas; частота не
    строкой — русская ошибка, а не TypeError."""
    dates = pd.Series(np.array(["0999-12-01", "1000-01-15", "0500-03-02", "-001-04-01", "2024-05-05"], dtype="datetime64[s]"))
    for freq in ("Q", "M"):
        codes, names = retention._period_codes(dates, freq)
        expected_codes, expected = pd.factorize(dates.dt.to_period(freq), sort=True)
        assert names.tolist() == expected.astype(str).tolist()
        assert ("0999Q4" if freq == "Q" else "0999-12") in names.tolist()
        np.testing.assert_array_equal(codes, expected_codes)
    for freq in (["Q"], {"Q": 1}, None, "квартал"):
        with pytest.raises(MetricError):
            retention.cohort_table(toy_mrr, freq=freq)
