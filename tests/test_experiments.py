"""Статистика A/B-тестов (salesbook.toolkit.experiments): ручные примеры, сверка со statsmodels и scipy,
опубликованные примеры из документации R ``power.prop.test``."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_effectsize,
    proportions_chisquare,
    proportions_ztest,
    samplesize_proportions_2indep_onetail,
)

from salesbook.toolkit import experiments as ab
from salesbook.toolkit.validation import MetricError

# Пары «успехи B, писем B, успехи A, писем A»: от крупных долей до писем с 1–3 % ответов.
CASES = [(30, 100, 20, 100), (79, 1200, 39, 1200), (10, 300, 8, 300), (4, 900, 8, 900), (0, 50, 3, 60), (551, 1200, 447, 1200)]


# ---------------------------------------------------------------------------
# z-тест и интервалы
# ---------------------------------------------------------------------------


def test_ztest_hand_case():
    # объединённая доля 0,25; SE = √(0,25·0,75·(1/100 + 1/100)) = 0,0612372; z = 0,1 / SE
    z, p = ab.ztest_2prop(30, 100, 20, 100)
    assert z == pytest.approx(0.1 / math.sqrt(0.25 * 0.75 * 0.02), rel=1e-12)
    assert z == pytest.approx(1.632993, rel=1e-6)
    assert p == pytest.approx(2 * stats.norm.sf(1.632993), rel=1e-5)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("alternative", ["two-sided", "larger", "smaller"])
def test_ztest_matches_statsmodels(case, alternative):
    cb, nb, ca, na = case
    z, p = ab.ztest_2prop(cb, nb, ca, na, alternative=alternative)
    z_sm, p_sm = proportions_ztest([cb, ca], [nb, na], alternative=alternative)
    assert z == pytest.approx(z_sm, rel=1e-10)
    assert p == pytest.approx(p_sm, rel=1e-10)


def test_ztest_is_vectorised_and_handles_zero_variance():
    z, p = ab.ztest_2prop(np.array([30, 0]), np.array([100, 50]), np.array([20, 0]), np.array([100, 50]))
    assert z.shape == (2,)
    assert z[1] == 0 and p[1] == 1  # ни одного успеха: разницы нет, теста тоже


def test_wald_interval_hand_case():
    # 0,30 − 0,20 = 0,10; SE = √(0,21/100 + 0,16/100) = 0,0608276; половина ширины = 1,959964·SE
    low, high = ab.diff_confint(30, 100, 20, 100, method="wald")
    half = stats.norm.isf(0.025) * math.sqrt(0.0037)
    assert (low, high) == pytest.approx((0.1 - half, 0.1 + half), rel=1e-12)
    assert low == pytest.approx(-0.019220, abs=1e-6)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("ours, theirs", [("wald", "wald"), ("newcombe", "newcomb")])
def test_confint_matches_statsmodels(case, ours, theirs):
    cb, nb, ca, na = case
    got = ab.diff_confint(cb, nb, ca, na, method=ours)
    want = confint_proportions_2indep(cb, nb, ca, na, method=theirs, compare="diff")
    assert got == pytest.approx(tuple(want), abs=1e-12)


def test_newcombe_wider_than_wald_for_rare_events():
    wald = ab.diff_confint(10, 300, 8, 300, method="wald")
    newcombe = ab.diff_confint(10, 300, 8, 300, method="newcombe")
    assert newcombe[1] - newcombe[0] > wald[1] - wald[0]


# ---------------------------------------------------------------------------
# Мощность и размер выборки: statsmodels и опубликованные примеры R
# ---------------------------------------------------------------------------


def test_cohens_h_statsmodels_docstring_example():
    # Пример из документации statsmodels: proportion_effectsize(0.5, 0.4) → 0.20135792079033088
    assert ab.cohens_h(0.5, 0.4) == pytest.approx(0.20135792079033088, rel=1e-14)
    np.testing.assert_allclose(ab.cohens_h([0.3, 0.4, 0.5], 0.4), [-0.21015893, 0.0, 0.20135792], atol=1e-8)
    assert ab.cohens_h(0.75, 0.5) == pytest.approx(math.pi / 6, rel=1e-12)  # 2·(π/3 − π/4)


@pytest.mark.parametrize("p_base, p_target, power, alternative", [
    (0.5, 0.75, 0.9, "two-sided"), (0.0115, 0.0165, 0.8, "two-sided"), (0.037, 0.05, 0.8, "larger"), (0.2, 0.15, 0.8, "two-sided"),
])
def test_sample_size_h_matches_normal_ind_power(p_base, p_target, power, alternative):
    h = proportion_effectsize(p_target, p_base)
    alt = alternative if alternative == "two-sided" else "larger"
    want = NormalIndPower().solve_power(abs(h), power=power, alpha=0.05, alternative=alt)
    assert ab.sample_size_h(p_base, p_target, power=power, alternative=alternative) == pytest.approx(want, rel=1e-4)


def test_r_power_prop_test_documented_examples():
    """Примеры из справки R ``?power.prop.test`` (пакет stats) с результатами, напечатанными в ней:

    power.prop.test(n = 50, p1 = .50, p2 = .75)       ## => power = 0.740
    power.prop.test(p1 = .50, p2 = .75, power = .90)  ## => n = 76.7
    power.prop.test(n = 50, p1 = .5, power = .90)     ## => p2 = 0.8026
    """
    assert round(ab.power_pooled(50, 0.50, 0.75), 3) == 0.740
    assert round(ab.sample_size_pooled(0.50, 0.75, power=0.90), 1) == 76.7
    assert round(ab.detectable_p2(50, 0.5, power=0.90), 4) == 0.8026


def test_r_formula_is_inverse_of_power_and_matches_statsmodels_onetail():
    n = ab.sample_size_pooled(0.5, 0.75, power=0.9)
    assert ab.power_pooled(n, 0.5, 0.75) == pytest.approx(0.9, abs=1e-12)
    for p1, p2 in [(0.5, 0.75), (0.0115, 0.0165), (0.037, 0.0444)]:
        want = samplesize_proportions_2indep_onetail(p2 - p1, p1, 0.8)
        assert ab.sample_size_pooled(p1, p2) == pytest.approx(want, rel=1e-10)


def test_r_and_cohen_differ_a_little_and_r_is_larger_for_rare_events():
    # Классический пример: 76,71 (R) против 76,65 (Cohen's h) на группу.
    assert ab.sample_size_h(0.5, 0.75, power=0.9) == pytest.approx(76.65294, abs=1e-4)
    for p1, p2 in [(0.0115, 0.0165), (0.0115, 0.0138), (0.037, 0.057)]:
        r, h = ab.sample_size_pooled(p1, p2), ab.sample_size_h(p1, p2)
        assert r > h
        assert r / h - 1 < 0.015


def test_one_sided_needs_fewer_observations():
    assert ab.sample_size_h(0.01, 0.015, alternative="larger") < ab.sample_size_h(0.01, 0.015)


def test_detectable_p2_is_mde_inverse_of_sample_size():
    n = ab.sample_size_pooled(0.02, 0.03)
    assert ab.detectable_p2(n, 0.02) == pytest.approx(0.03, abs=1e-9)


# ---------------------------------------------------------------------------
# Подглядывание
# ---------------------------------------------------------------------------


def test_peeking_exact_two_looks_by_bivariate_normal():
    z = stats.norm.isf(0.025)
    rho = math.sqrt(0.5)
    both_inside = stats.multivariate_normal([0, 0], [[1, rho], [rho, 1]]).cdf([z, z], lower_limit=[-z, -z])
    assert ab.peeking_exact(2) == pytest.approx(1 - both_inside, abs=1e-4)
    assert ab.peeking_exact(1) == pytest.approx(0.05, abs=1e-12)


@pytest.fixture(scope="module")
def peeking():
    return ab.peeking_simulation(0.04, 500, 10, n_sims=40_000)


def test_peeking_single_look_keeps_alpha(peeking):
    row = peeking.loc[1]
    assert abs(row["false_positive_rate"] - 0.05) < 4 * row["std_error"]


@pytest.mark.parametrize("looks", [2, 5, 10])
def test_peeking_matches_exact_brownian_answer(peeking, looks):
    row = peeking.loc[looks]
    # дискретность биномиальных данных даёт небольшое смещение — допуск 4 SE + 0,005
    assert abs(row["false_positive_rate"] - ab.peeking_exact(looks)) < 4 * row["std_error"] + 0.005


def test_peeking_inflates_monotonically_and_is_deterministic(peeking):
    assert peeking["false_positive_rate"].is_monotonic_increasing
    assert peeking.loc[10, "false_positive_rate"] > 0.15
    again = ab.peeking_simulation(0.04, 500, 10, n_sims=40_000)
    pd.testing.assert_frame_equal(peeking, again)


@pytest.mark.parametrize("looks, published", [(1, 1.960), (2, 2.178), (3, 2.289), (4, 2.361), (5, 2.413)])
def test_pocock_boundary_reproduces_published_constants(looks, published):
    """Pocock (1977), двусторонний α = 0,05, равные промежутки между просмотрами:
    2,178 / 2,289 / 2,361 / 2,413 для 2–5 просмотров."""
    assert round(ab.pocock_boundary(looks), 3) == published


def test_pocock_threshold_brings_peeking_back_to_alpha():
    nominal = 2 * stats.norm.sf(ab.pocock_boundary(5))
    sim = ab.peeking_simulation(0.04, 500, 10, looks=[5], n_sims=40_000, nominal_alpha=nominal)
    assert abs(sim.loc[5, "false_positive_rate"] - 0.05) < 4 * sim.loc[5, "std_error"] + 0.003


def test_peeking_rejects_looks_that_do_not_divide_the_test():
    with pytest.raises(MetricError, match="делить"):
        ab.peeking_simulation(0.04, 100, 10, looks=[3])


# ---------------------------------------------------------------------------
# Несколько вариантов
# ---------------------------------------------------------------------------


def test_holm_and_bonferroni_hand_case():
    p = [0.01, 0.04, 0.03]
    # Холм: 0,01·3 = 0,03; 0,03·2 = 0,06; 0,04·1 = 0,04 → накопленный максимум 0,06
    np.testing.assert_allclose(ab.adjust_pvalues(p, "holm"), [0.03, 0.06, 0.06])
    np.testing.assert_allclose(ab.adjust_pvalues(p, "bonferroni"), [0.03, 0.12, 0.09])


@pytest.mark.parametrize("method", ["holm", "bonferroni"])
def test_adjust_matches_multipletests(method):
    rng = np.random.default_rng(2025)
    for size in (1, 2, 3, 7, 20):
        p = rng.uniform(0, 0.2, size=size)
        np.testing.assert_allclose(ab.adjust_pvalues(p, method), multipletests(p, method=method)[1], rtol=1e-12)
    ties = [0.02, 0.02, 0.5]
    np.testing.assert_allclose(ab.adjust_pvalues(ties, method), multipletests(ties, method=method)[1])


@pytest.fixture
def abc():
    return pd.DataFrame({"sent": [900, 900, 900], "successes": [32, 40, 58]}, index=pd.Index(["A", "B", "C"], name="variant")).assign(
        rate=lambda t: t["successes"] / t["sent"])


def test_chi2_matches_scipy_and_statsmodels(abc):
    chi2, p, dof = ab.chi2_variants(abc)
    table = np.column_stack([abc["successes"], abc["sent"] - abc["successes"]])
    ref = stats.chi2_contingency(table, correction=False)
    assert (chi2, p, dof) == pytest.approx((ref.statistic, ref.pvalue, ref.dof))
    sm_chi2, sm_p, _ = proportions_chisquare(abc["successes"].to_numpy(), abc["sent"].to_numpy())
    assert chi2 == pytest.approx(sm_chi2) and p == pytest.approx(sm_p)


def test_two_variant_chi2_equals_squared_z():
    two = pd.DataFrame({"sent": [100, 100], "successes": [20, 30]})
    chi2, p, _ = ab.chi2_variants(two)
    z, pz = ab.ztest_2prop(30, 100, 20, 100)
    assert chi2 == pytest.approx(z**2) and p == pytest.approx(pz)


def test_pairwise_tests_all_pairs_and_control(abc):
    table = ab.pairwise_tests(abc)
    assert list(table.index) == ["B vs A", "C vs A", "C vs B"]
    z, p = proportions_ztest([58, 40], [900, 900])
    assert table.loc["C vs B", "p_value"] == pytest.approx(p)
    np.testing.assert_allclose(table["p_holm"], multipletests(table["p_value"], method="holm")[1])
    vs_control = ab.pairwise_tests(abc, control="A")
    assert list(vs_control.index) == ["B vs A", "C vs A"]
    assert vs_control.loc["C vs A", "diff"] == pytest.approx((58 - 32) / 900)


# ---------------------------------------------------------------------------
# Сводка, практическая значимость, решение, байесовская оценка
# ---------------------------------------------------------------------------


def test_variant_summary_toy():
    toy = pd.DataFrame({
        "experiment_id": ["E1"] * 5 + ["E2"],
        "variant": ["B", "A", "A", "B", "B", "A"],
        "replied": [True, False, True, False, False, True],
    })
    s = ab.variant_summary(toy, "E1", "replied")
    assert list(s.index) == ["A", "B"]
    assert s.loc["A", "sent"] == 2 and s.loc["A", "successes"] == 1 and s.loc["B", "rate"] == pytest.approx(1 / 3)
    with pytest.raises(MetricError, match="нет в данных"):
        ab.variant_summary(toy, "E9", "replied")
    with pytest.raises(MetricError):
        ab.variant_summary(toy, "E1", "clicked")


def test_value_per_meeting_toy():
    leads = pd.DataFrame({"sql_date": pd.to_datetime(["2025-01-10", "2025-02-01", None, "2024-12-31"])})
    opps = pd.DataFrame({"created_date": pd.to_datetime(["2025-01-12", "2025-03-01", "2024-12-30"]),
                         "amount_rub": [1_000_000.0, 500_000.0, 9e9]})
    assert ab.value_per_meeting(leads, opps, "2025-01-01", "2025-12-31") == pytest.approx(750_000.0)
    with pytest.raises(MetricError, match="SQL"):
        ab.value_per_meeting(leads, opps, "2026-01-01", "2026-12-31")


@pytest.mark.parametrize("low, high, decision", [
    (8.0, 20.0, "launch"),        # целиком выше порога
    (6.5, 9.0, "launch"),         # нижняя граница ровно на пороге
    (3.5, 25.6, "more_data"),     # значимо, но порог внутри интервала: польза не доказана
    (-13.4, 3.8, "no_launch"),    # даже лучший случай ниже порога
    (0.5, 3.0, "no_launch"),      # значимо, но мало — практически не важно
    (-22.6, 36.6, "more_data"),   # захватывает и ноль, и порог
])
def test_decide(low, high, decision):
    assert ab.decide(low, high, 6.5) == decision


def test_decide_rejects_bad_input():
    with pytest.raises(MetricError):
        ab.decide(5, 1, 2)
    with pytest.raises(MetricError):
        ab.decide(1, 5, 0)


def test_prob_b_beats_a_matches_numerical_integral():
    cb, nb, ca, na = 10, 300, 8, 300
    b, a = stats.beta(1 + cb, 1 + nb - cb), stats.beta(1 + ca, 1 + na - ca)
    exact, _ = integrate.quad(lambda x: b.pdf(x) * a.cdf(x), 0, 1, limit=200)
    assert ab.prob_b_beats_a(cb, nb, ca, na) == pytest.approx(exact, abs=0.005)
    assert ab.prob_b_beats_a(20, 500, 20, 500) == pytest.approx(0.5, abs=0.005)


# ---------------------------------------------------------------------------
# Понятные ошибки
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda: ab.ztest_2prop(5, 0, 1, 10),             # пустая группа
    lambda: ab.ztest_2prop(11, 10, 1, 10),           # успехов больше, чем писем
    lambda: ab.ztest_2prop(1, 10, 1, 10, "greater"),  # не та альтернатива
    lambda: ab.diff_confint(1, 10, 1, 10, method="exact"),
    lambda: ab.sample_size_h(1.2, 1.7),              # проценты вместо долей
    lambda: ab.sample_size_h(0.02, 0.02),            # нулевой эффект
    lambda: ab.sample_size_pooled(0.02, 0.03, power=80),
    lambda: ab.power_pooled(0, 0.02, 0.03),
    lambda: ab.adjust_pvalues([0.2, 1.5]),
    lambda: ab.adjust_pvalues([0.2], "fdr"),
    lambda: ab.detectable_p2(3, 0.5, power=0.99),
])
def test_bad_input_raises_metric_error_in_russian(call):
    with pytest.raises(MetricError) as info:
        call()
    assert any("а" <= ch <= "я" for ch in str(info.value).lower())
