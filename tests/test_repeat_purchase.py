"""Модели BG/NBD и MBG/NBD: воспроизводят опубликованные оценки на CDNOW и возвращают параметры симуляции."""

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


def test_mbgnbd_reproduces_btydplus_cdnow_parameters(cdnow):
    # MBG/NBD на CDNOW: r = 0,525, α = 6,183, a = 0,891, b = 1,614 — BTYDplus (их же проверяет тест пакета lifetimes)
    m = rp.fit_mbgnbd(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert [m.r, m.alpha, m.a, m.b] == pytest.approx([0.525, 6.183, 0.891, 1.614], abs=2e-3)
    assert m.modified and m.name == "MBG/NBD" and not m.at_bound


def test_mbgnbd_one_time_buyers_can_be_dead_and_bgnbd_limit():
    m = rp.BGNBDFit(r=0.5, alpha=6.0, a=0.9, b=1.6, log_likelihood=0.0, n=1, modified=True)
    assert m.p_alive(0, 0, 52.0) < m.p_alive(0, 0, 5.0) < 1.0           # разовый покупатель «умирает» со временем
    # E[X(t)] нового клиента совпадает с условным ожиданием при x = 0, T = 0 (по построению формул)
    assert m.expected_purchases(20.0) == pytest.approx(m.conditional_expected_purchases(20.0, 0, 0, 1e-9), rel=1e-6)
    bg = rp.BGNBDFit(r=0.5, alpha=6.0, a=0.9, b=1.6, log_likelihood=0.0, n=1)
    assert bg.expected_purchases(20.0) == pytest.approx(bg.conditional_expected_purchases(20.0, 0, 0, 1e-9), rel=1e-6)


def test_fit_mbgnbd_recovers_simulated_parameters():
    true = dict(r=0.5, alpha=6.0, a=0.8, b=2.5)
    T = np.random.default_rng(4).uniform(26, 52, 20_000)
    sim = rp.simulate_bgnbd(20_000, **true, T=T, seed=5, modified=True)
    m = rp.fit_mbgnbd(sim["frequency"], sim["recency"], sim["T"])
    assert m.r == pytest.approx(true["r"], rel=0.1) and m.alpha == pytest.approx(true["alpha"], rel=0.1)
    assert m.mean_dropout == pytest.approx(0.8 / 3.3, abs=0.03)
    # BG/NBD на тех же данных хуже по правдоподобию: разовые «мёртвые» ей не по силам
    bg = rp.fit_bgnbd(sim["frequency"], sim["recency"], sim["T"])
    assert m.log_likelihood > bg.log_likelihood


def test_mbgnbd_gradient_matches_finite_differences():
    from scipy.optimize import approx_fprime
    sim = rp.simulate_bgnbd(500, 0.4, 5.0, 0.9, 2.0, T=np.linspace(5, 60, 500), seed=2, modified=True)
    x, tx, T = (sim[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    w = np.ones_like(x)
    theta = np.log([0.4, 5.0, 0.9, 2.0])
    f = lambda th: np.dot(w, rp._loglik(*np.exp(th), x, tx, T, 1))  # noqa: E731
    assert rp._gradient(*np.exp(theta), x, tx, T, w, 1) == pytest.approx(approx_fprime(theta, f, 1e-6), rel=1e-4, abs=1e-3)


def test_p_alive_is_calibrated_on_simulation():
    # среди клиентов с P(жив) около q живых (знает только симуляция) — около q
    sim = rp.simulate_bgnbd(20_000, 0.243, 4.414, 0.793, 2.426, T=np.random.default_rng(0).uniform(27, 39, 20_000), seed=6)
    truth = rp.BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, n=1)
    pa = truth.p_alive(sim["frequency"], sim["recency"], sim["T"])
    repeat = sim["frequency"].to_numpy() > 0
    bins = pd.qcut(pa[repeat], 5, duplicates="drop")
    frame = pd.DataFrame({"p": pa[repeat], "alive": sim["alive"].to_numpy()[repeat], "bin": bins})
    by = frame.groupby("bin", observed=True).agg(p=("p", "mean"), alive=("alive", "mean"), n=("p", "size"))
    se = np.sqrt(by["p"] * (1 - by["p"]) / by["n"])
    assert (np.abs(by["alive"] - by["p"]) < 3 * se + 1e-3).all()
    assert sim.loc[sim["frequency"] == 0, "alive"].all()              # без повторных покупок BG/NBD не «умирают»


def test_predictive_check_accepts_true_model_and_rejects_wrong_one():
    sim = rp.simulate_bgnbd(3000, 0.4, 5.0, 0.8, 2.5, T=np.linspace(10, 52, 3000), holdout=26, seed=9, modified=True)
    m = rp.fit_mbgnbd(sim["frequency"], sim["recency"], sim["T"])
    bg = rp.fit_bgnbd(sim["frequency"], sim["recency"], sim["T"])
    groups = pd.Series(np.where(sim["frequency"] > 0, "1+", "0"), index=sim.index)
    good = rp.holdout_check(sim, m, groups, n_sim=300, n_refit=20)
    bad = rp.holdout_check(sim, bg, groups, n_sim=300, n_refit=20)
    assert ((good["actual"] >= good["pred_low"]) & (good["actual"] <= good["pred_high"])).all()
    assert bad.loc["0", "predicted"] > bad.loc["0", "actual"]
    draws = rp.predictive_draws(sim, m, n_sim=50, n_refit=0)
    assert draws.shape == (50, 3000) and (draws >= 0).all()


def test_bootstrap_fit_brackets_estimate():
    sim = rp.simulate_bgnbd(1500, 0.4, 5.0, 0.8, 2.5, T=np.linspace(10, 52, 1500), seed=8)
    b = rp.bootstrap_fit(sim, n_boot=40, seed=1)
    assert list(b.index) == ["mean_rate", "mean_dropout"]
    assert ((b["low"] <= b["estimate"]) & (b["estimate"] <= b["high"])).all()
    assert (b["high"] > b["low"]).all()


def test_ranking_auc_and_bad_input():
    y = np.array([1, 0, 1, 0, 0, 1, 0, 0])
    out = rp.ranking_auc(y, {"perfect": y * 2.0, "reversed": -y * 1.0}, n_boot=50)
    assert out.loc["perfect", "auc"] == 1.0 and out.loc["reversed", "auc"] == 0.0
    assert out["buyers"].iloc[0] == 3 and out["customers"].iloc[0] == 8
    with pytest.raises(MetricError, match="обоих исходов"):
        rp.ranking_auc(np.zeros(5), {"s": np.arange(5)})
    with pytest.raises(MetricError, match="по одной на клиента"):
        rp.ranking_auc(y, {"s": np.arange(3)})
