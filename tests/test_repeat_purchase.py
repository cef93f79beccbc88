"""Модель BG/NBD: воспроизводит статью Fader, Hardie & Lee (2005) на CDNOW и возвращает параметры симуляции."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import repeat_purchase as rp
from salesbook.toolkit.validation import MetricError

CDNOW = Path(__file__).parent / "fixtures" / "cdnow_customers_summary.csv"
PAPER = rp.BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4, n=2357)


@pytest.fixture(scope="module")
def cdnow():
    return pd.read_csv(CDNOW)


@pytest.fixture(scope="module")
def cdnow_fit(cdnow):
    return rp.fit_bgnbd(cdnow["frequency"], cdnow["recency"], cdnow["T"])


def test_cdnow_fixture_is_the_papers_sample(cdnow):
    assert len(cdnow) == 2357
    assert cdnow.iloc[0][["frequency", "recency", "T"]].tolist() == [2, 30.43, 38.86]


def test_fit_reproduces_published_parameters(cdnow_fit):
    # Fader, Hardie & Lee (2005), раздел 7: r = 0,243, α = 4,414, a = 0,793, b = 2,426, LL = −9582,4
    assert cdnow_fit.r == pytest.approx(0.243, abs=1e-3)
    assert cdnow_fit.alpha == pytest.approx(4.414, abs=2e-3)
    assert cdnow_fit.a == pytest.approx(0.793, abs=1e-3)
    assert cdnow_fit.b == pytest.approx(2.426, abs=2e-3)
    assert cdnow_fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    assert cdnow_fit.n == 2357 and not cdnow_fit.at_bound


def test_loglikelihood_at_published_parameters_is_not_better_than_optimum(cdnow, cdnow_fit):
    ll = rp._loglik(0.243, 4.414, 0.793, 2.426, cdnow["frequency"].to_numpy(float), cdnow["recency"].to_numpy(float),
                    cdnow["T"].to_numpy(float)).sum()
    assert ll == pytest.approx(-9582.4, abs=0.1)
    assert ll <= cdnow_fit.log_likelihood + 1e-6


def test_conditional_expectation_matches_excel_note():
    # «Implementing the BG/NBD Model … in Excel»: клиент x = 2, t_x = 30,43, T = 38,86 — 1,226 покупки за 39 недель
    assert PAPER.conditional_expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=1e-3)


def test_unconditional_expectation_matches_excel_note(cdnow_fit):
    # значения E[X(t)] из листа заметки (их же проверяет тест пакета lifetimes)
    times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0]
    expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
    assert cdnow_fit.expected_purchases(times) == pytest.approx(expected, abs=1e-3)
    assert cdnow_fit.expected_purchases(0) == pytest.approx(0.0)


def test_aggregate_holdout_forecast_close_to_total(cdnow, cdnow_fit):
    # E[X(t)] — для одного нового клиента; сумма условных ожиданий за 39 недель близка к сумме по людям
    per_customer = cdnow_fit.conditional_expected_purchases(39, cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert per_customer.shape == (2357,)
    assert 1500 < per_customer.sum() < 2000


def test_p_alive_properties():
    assert PAPER.p_alive(0, 0, 38.86) == 1.0                       # без повторных покупок модель считает «живым»
    recent, old = PAPER.p_alive([2, 2], [35, 5], [38.86, 38.86])
    assert recent > old                                            # давно не покупал — скорее ушёл
    # «парадокс»: при той же последней покупке частый покупатель скорее ушёл, чем редкий
    assert PAPER.p_alive(1, 10, 38.86) > PAPER.p_alive(6, 10, 38.86)
    grid = PAPER.p_alive(np.repeat(np.arange(1, 10), 10), np.tile(np.linspace(1, 38, 10), 9), np.full(90, 38.86))
    assert np.all((grid > 0) & (grid <= 1))


def test_conditional_expectation_rises_with_recency_and_horizon():
    e = PAPER.conditional_expected_purchases(39, [3, 3], [10, 35], [38.86, 38.86])
    assert e[1] > e[0]
    assert PAPER.conditional_expected_purchases(78, 3, 35, 38.86) > PAPER.conditional_expected_purchases(39, 3, 35, 38.86)
    assert PAPER.conditional_expected_purchases(0, 3, 35, 38.86) == pytest.approx(0.0)


def test_a_equal_one_is_handled():
    m = rp.BGNBDFit(r=0.5, alpha=5.0, a=1.0, b=2.0, log_likelihood=0.0, n=1)
    near = rp.BGNBDFit(r=0.5, alpha=5.0, a=1.001, b=2.0, log_likelihood=0.0, n=1)
    assert np.isfinite(m.expected_purchases(10.0))
    assert m.expected_purchases(10.0) == pytest.approx(near.expected_purchases(10.0), rel=1e-2)
    assert m.conditional_expected_purchases(10, 2, 5, 20) == pytest.approx(near.conditional_expected_purchases(10, 2, 5, 20), rel=1e-2)


def test_fit_recovers_simulated_parameters():
    true = dict(r=0.5, alpha=6.0, a=0.8, b=2.5)
    T = np.random.default_rng(1).uniform(26, 52, 20_000)
    sim = rp.simulate_bgnbd(20_000, **true, T=T, holdout=39, seed=3)
    fit = rp.fit_bgnbd(sim["frequency"], sim["recency"], sim["T"])
    assert fit.r == pytest.approx(true["r"], rel=0.1)
    assert fit.alpha == pytest.approx(true["alpha"], rel=0.1)
    assert fit.a == pytest.approx(true["a"], rel=0.2)
    assert fit.b == pytest.approx(true["b"], rel=0.2)
    # и прогноз на отложенный период сходится с симуляцией по группам частоты (рисунок 3 статьи)
    check = rp.holdout_check(sim, fit, max_frequency=4)
    assert list(check.index) == ["0", "1", "2", "3", "4+"]
    assert np.all((check["predicted"] >= check["low"]) & (check["predicted"] <= check["high"]))


def test_simulation_respects_definitions():
    sim = rp.simulate_bgnbd(2000, 0.3, 4.0, 0.8, 2.5, T=40.0, holdout=10, seed=0)
    assert (sim.loc[sim["frequency"] == 0, "recency"] == 0).all()
    assert ((sim["recency"] > 0) == (sim["frequency"] > 0)).all()
    assert (sim["recency"] <= sim["T"]).all()
    assert (sim["holdout_purchases"] >= 0).all()


def test_rfm_summary_definitions():
    purchases = pd.DataFrame({
        "user_id": ["A", "A", "A", "A", "B", "C", "C"],
        "date": ["2024-01-01", "2024-01-15", "2024-01-15", "2024-03-04", "2024-02-05", "2024-03-25", "2024-04-08"],
    })
    s = rp.rfm_summary(purchases, "2024-04-01", holdout_end="2024-05-01")
    assert list(s.index) == ["A", "B", "C"]
    # A: первая 1 января, повторные 15 января (два чека в один день — одна покупка) и 4 марта
    assert s.loc["A", "frequency"] == 2
    assert s.loc["A", "recency"] == pytest.approx(63 / 7)
    assert s.loc["A", "T"] == pytest.approx(91 / 7)
    assert s.loc["B", ["frequency", "recency"]].tolist() == [0, 0]
    assert s.loc["C", "holdout_purchases"] == 1 and s.loc["A", "holdout_purchases"] == 0
    assert s["holdout_weeks"].iloc[0] == pytest.approx(30 / 7)
    # клиент, впервые купивший после cut-off, в сводку не входит
    assert "D" not in rp.rfm_summary(pd.concat([purchases, pd.DataFrame({"user_id": ["D"], "date": ["2024-04-10"]})]),
                                     "2024-04-01").index


def test_holdout_check_by_custom_groups():
    sim = rp.simulate_bgnbd(3000, 0.3, 4.0, 0.8, 2.5, T=np.linspace(5, 50, 3000), holdout=20, seed=1)
    fit = rp.fit_bgnbd(sim["frequency"], sim["recency"], sim["T"])
    groups = pd.Series(np.where(sim["T"] < 25, "new", "old"), index=sim.index)
    check = rp.holdout_check(sim, fit, groups)
    assert set(check.index) == {"new", "old"}
    assert check["customers"].sum() == 3000
    assert (check["low"] <= check["actual"]).all() and (check["actual"] <= check["high"]).all()


@pytest.mark.parametrize("args, fragment", [
    (([1.5], [1], [10]), "целое"),
    (([-1], [0], [10]), "целое"),
    (([1], [12], [10]), "от 0 до T"),
    (([0], [3], [10]), "recency должна быть 0"),
    (([1], [1], [0]), "больше 0"),
    (([1, 2], [1], [10]), "одной длины"),
    (([None], [1], [10]), "frequency"),
    (("много", [1], [10]), "frequency"),
    (([np.nan], [1], [10]), "пропуски"),
    (([], [], []), "Нет ни одного"),
])
def test_bad_history_gives_russian_message(args, fragment):
    with pytest.raises(MetricError, match=fragment):
        rp.fit_bgnbd(*args)
    with pytest.raises(MetricError, match=fragment):
        PAPER.p_alive(*args)


def test_fit_without_repeat_purchases_is_refused():
    with pytest.raises(MetricError, match="повторных"):
        rp.fit_bgnbd([0, 0, 0], [0, 0, 0], [10, 20, 30])


def test_bad_tables_and_dates():
    with pytest.raises(MetricError, match="таблица pandas"):
        rp.rfm_summary([1, 2, 3], "2024-01-01")
    with pytest.raises(MetricError, match="нет столбцов"):
        rp.rfm_summary(pd.DataFrame({"account_id": [1]}), "2024-01-01")
    with pytest.raises(MetricError, match="датами"):
        rp.rfm_summary(pd.DataFrame({"user_id": ["A"], "date": ["вчера"]}), "2024-01-01")
    with pytest.raises(MetricError, match="позже"):
        rp.rfm_summary(pd.DataFrame({"user_id": ["A"], "date": ["2023-01-01"]}), "2024-01-01", "2023-06-01")
    with pytest.raises(MetricError, match="нет ни одной покупки"):
        rp.rfm_summary(pd.DataFrame({"user_id": ["A"], "date": ["2025-01-01"]}), "2024-01-01")
    with pytest.raises(MetricError, match="fit_bgnbd"):
        rp.holdout_check(pd.DataFrame({"frequency": [0], "recency": [0], "T": [1], "holdout_purchases": [0],
                                       "holdout_weeks": [1]}), fit="модель")
    with pytest.raises(MetricError, match="горизонт"):
        PAPER.expected_purchases(-1)


def test_analytic_gradient_matches_finite_differences():
    from scipy.optimize import approx_fprime
    sim = rp.simulate_bgnbd(500, 0.4, 5.0, 0.9, 2.0, T=np.linspace(5, 60, 500), seed=2)
    x, tx, T = (sim[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    w = np.ones_like(x)
    theta = np.log([0.4, 5.0, 0.9, 2.0])
    f = lambda th: np.dot(w, rp._loglik(*np.exp(th), x, tx, T))  # noqa: E731
    assert rp._gradient(*np.exp(theta), x, tx, T, w) == pytest.approx(approx_fprime(theta, f, 1e-6), rel=1e-4, abs=1e-3)
