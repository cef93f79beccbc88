"""Инструментарий раздела 7.4.3 на случаях, посчитанных вручную, и на опубликованных примерах."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss

from salesbook.toolkit import lead_scoring as ls
from salesbook.toolkit.validation import MetricError


def _hanley_mcneil_ratings():
    """Пример Hanley и McNeil (1982): оценки 109 снимков КТ по пятибалльной шкале.

    58 «норма»: 33, 6, 6, 11, 2 по оценкам 1–5; 51 «патология»: 3, 2, 2, 11, 33.
    Опубликованные значения: площадь 0,893, стандартная ошибка 0,032.
    """
    normal = [33, 6, 6, 11, 2]
    abnormal = [3, 2, 2, 11, 33]
    y = np.r_[np.zeros(sum(normal)), np.ones(sum(abnormal))]
    s = np.r_[np.repeat(np.arange(1, 6), normal), np.repeat(np.arange(1, 6), abnormal)]
    return y, s


def test_hanley_mcneil_published_example_auc_and_se():
    y, s = _hanley_mcneil_ratings()
    a = ls.auc(y, s)
    assert round(a, 3) == 0.893
    assert round(ls.hanley_mcneil_se(a, 51, 58), 3) == 0.032


def test_brier_matches_sklearn_docs_example():
    # пример из документации scikit-learn (brier_score_loss): 0,0375
    y, p = np.array([0, 1, 1, 0]), np.array([0.1, 0.9, 0.8, 0.3])
    assert ls.brier(y, p) == pytest.approx(0.0375)
    assert ls.brier(y, p) == pytest.approx(brier_score_loss(y, p))


def test_auc_hand_case_with_tie():
    # пары (SQL, не SQL): (0,8 > 0,2), (0,8 > 0,5), (0,5 = 0,5 → ½), (0,5 > 0,2) → 3,5 / 4
    assert ls.auc([1, 1, 0, 0], [0.8, 0.5, 0.5, 0.2]) == pytest.approx(0.875)


def test_brier_skill_and_decomposition_hand_case():
    y = np.array([1, 0, 1, 0])
    p = np.array([0.75, 0.25, 0.75, 0.25])
    # BS = 4 × 0,0625 / 4 = 0,0625; прогноз «всем 0,5» — 0,25 → навык 0,75
    assert ls.brier_skill(y, p, 0.5) == pytest.approx(0.75)
    d = ls.brier_decomposition(y, p, n_bins=4)
    # корзины: 0,25 (доля 0) и 0,75 (доля 1): надёжность 0,0625, разрешение 0,25, неопределённость 0,25
    assert d["reliability"] == pytest.approx(0.0625)
    assert d["resolution"] == pytest.approx(0.25)
    assert d["uncertainty"] == pytest.approx(0.25)
    assert d["brier"] == pytest.approx(d["reliability"] - d["resolution"] + d["uncertainty"])


def test_gains_lift_and_work_top_hand_case():
    y = np.array([1, 1, 0, 0, 1, 0, 0, 0, 0, 0])
    s = np.arange(10, 0, -1)
    g = ls.gains(y, s, n_groups=5)
    assert g.loc[0, "captured"] == pytest.approx(2 / 3)
    assert g.loc[0, "lift"] == pytest.approx(1 / 0.3)
    assert ls.lift_at(y, s, 0.5) == pytest.approx((3 / 5) / 0.3)
    frame = pd.DataFrame({"created_date": pd.to_datetime(["2025-01-05"] * 5 + ["2025-02-05"] * 5), "sql": y})
    w = ls.work_top(frame, s, 0.4)
    assert w["worked"].tolist() == [2, 2]
    assert w["sql"].tolist() == [2, 0]


def test_rule_score_points_and_caps():
    f = pd.DataFrame({"demo_requested": [1, 0], "webinar_attended": [0, 1], "content_downloads": [5, 1],
                      "website_visits": [1, 10], "email_opens": [0, 9], "job_title_level": ["head", "specialist"],
                      "segment": ["enterprise", "smb"]})
    assert ls.rule_score(f).tolist() == [30 + 15 + 2 + 15 + 10, 10 + 5 + 10 + 5]


def test_psi_zero_for_same_and_positive_for_shift():
    rng = np.random.default_rng(0)
    a = rng.random(2000)
    assert ls.psi(a, a) == pytest.approx(0.0)
    assert ls.psi(a, np.clip(a + 0.3, 0, 1)) > 0.25


def test_bootstrap_interval_covers_estimate_and_difference_of_same_is_zero():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    s = y + rng.normal(0, 1, 300)
    ci = ls.auc_bootstrap(y, s, n_boot=200)
    assert ci["low"] < ci["estimate"] < ci["high"]
    same = ls.auc_bootstrap(y, s, other=s, n_boot=50)
    assert same["estimate"] == same["low"] == same["high"] == 0


def test_split_checks_order_and_model_kinds():
    f = pd.DataFrame({"created_date": pd.to_datetime(["2024-05-01", "2025-05-01"])})
    tr, te = ls.split(f)
    assert len(tr) == len(te) == 1
    with pytest.raises(MetricError):
        ls.split(f, train=("2024-01-01", "2025-12-31"), test=("2025-01-01", "2025-12-31"))
    with pytest.raises(MetricError, match="logit"):
        ls.model("forest")


@pytest.mark.parametrize("call", [
    lambda: ls.auc([1, 1], [0.2, 0.3]),
    lambda: ls.auc([1, 0, 2], [0.2, 0.3, 0.1]),
    lambda: ls.brier([1, 0], [40, 60]),
    lambda: ls.brier_skill([1, 0], [0.4, 0.6], 41),
    lambda: ls.lift_at([1, 0], [0.4, 0.6], 50),
    lambda: ls.hanley_mcneil_se(1.2, 10, 10),
])
def test_bad_inputs_raise_russian_errors(call):
    with pytest.raises(MetricError):
        call()


def test_plotting_helpers_draw_russian_axes():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from salesbook.runtime import plotting

    fig, (a1, a2) = plt.subplots(1, 2)
    cal = pd.DataFrame({"predicted": [0.2, 0.5], "actual": [0.25, 0.45]})
    plotting.reliability_plot(a1, {"Модель": cal})
    plotting.gains_plot(a2, {"Модель": ls.gains([1, 0, 1, 0], [4, 3, 2, 1], 2)}, capacity=0.5)
    assert "%" in a1.get_xlabel() and "Фактическая" in a1.get_ylabel()
    assert a2.get_ylabel() == "Доля всех SQL, %"
    assert plotting.scoring_label("demo_requested") == "Запросил демо"
    plt.close(fig)


def test_calibration_table_matches_sklearn_and_wilson_brackets_actual():
    from sklearn.calibration import calibration_curve

    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.95, 400)
    y = (rng.uniform(size=400) < p).astype(int)
    t = ls.calibration_table(y, p, n_bins=5)
    actual, predicted = calibration_curve(y, p, n_bins=5, strategy="quantile")
    assert np.allclose(t["actual"], actual) and np.allclose(t["predicted"], predicted)
    assert t["leads"].sum() == 400
    assert ((t["low"] < t["actual"]) & (t["actual"] < t["high"])).all()


def test_work_above_takes_leads_at_or_over_cutoff_by_month():
    f = pd.DataFrame({"created_date": pd.to_datetime(["2025-01-03", "2025-01-20", "2025-02-01", "2025-02-02"]),
                      "sql": [1, 0, 0, 1]})
    out = ls.work_above(f, [0.9, 0.2, 0.5, 0.7], cutoff=0.5)
    assert out["worked"].tolist() == [1, 2] and out["sql"].tolist() == [1, 1]
    assert out["share"].tolist() == [0.5, 1.0]


def test_work_top_bootstrap_same_order_gives_zero_gap_and_keeps_month_sizes():
    f = pd.DataFrame({"created_date": pd.to_datetime(["2025-01-01"] * 4 + ["2025-02-01"] * 2),
                      "sql": [1, 0, 1, 0, 1, 0]})
    s = np.array([4, 3, 2, 1, 2, 1])
    b = ls.work_top_bootstrap(f, {"a": s, "b": s}, share=0.5, n_boot=50, seed=1)
    assert (b["a"] == b["b"]).all()
    assert (b["worked"] == 3).all() and (b["leads"] == 6).all()
    assert (b["a"] <= b["total_sql"]).all()
    assert ls.interval(b["a"] - b["b"]).tolist() == [0.0, 0.0]


def test_sdr_time_hand_case():
    reps = pd.DataFrame({"rep_id": ["S1", "A1"], "role": ["SDR", "AE"]})
    queue = pd.DataFrame({"lead_id": ["L1", "L2"], "created_date": pd.to_datetime(["2025-01-10", "2025-01-12"])})
    acts = pd.DataFrame({
        "rep_id": ["S1", "S1", "S1", "S1"], "lead_id": ["L1", "L1", "L2", "L2"],
        "date": pd.to_datetime(["2025-01-10", "2025-01-11", "2025-01-12", "2025-01-13"]),
        "type": ["call", "meeting", "email", "call"], "duration_sec": [120, None, None, 0],
    })
    daily = pd.DataFrame({"rep_id": ["S1", "S1"], "date": pd.to_datetime(["2025-01-10", "2025-01-11"]),
                          "calls": [10, 10], "calls_connected": [2, 2], "emails": [5, 5], "messages": [0, 0]})
    t = ls.sdr_time(acts, daily, reps, queue, "2025-01-01", "2025-12-31", workdays_per_month=20)
    m = ls.TOUCH_MINUTES
    lead_minutes = (2 * m["call"] + 2 + m["meeting"] + m["email"]) / 2  # 2 минуты разговора
    assert t["minutes_per_lead"] == pytest.approx(lead_minutes)
    day = (20 * m["call"] + 4 * 2 + 10 * m["email"] + m["meeting"]) / 2  # разговор дозвона — 2 минуты
    assert t["minutes_per_day"] == pytest.approx(day)
    assert t["leads_per_month"] == pytest.approx(day / lead_minutes * 20)
    assert t["queue_share"] == pytest.approx(2 * lead_minutes / (2 * day))


def test_psi_noise_shrinks_with_sample_size():
    ref = np.random.default_rng(0).uniform(size=2000)
    assert ls.psi_noise(ref, 100) > ls.psi_noise(ref, 1000) > 0


def test_feature_labels_and_rule_table_are_russian():
    assert ls.feature_label("cat__segment_smb").startswith("Сегмент: малый бизнес")
    assert ls.feature_label("num__demo_requested") == "Запросил демо"
    t = ls.rule_table()
    assert "Запросил демо" in t.index and t.loc["Открытия писем", "Баллы"].startswith("1 за единицу")
