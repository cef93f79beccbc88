"""Раздел 7.4.3: утверждения текста на данных и упражнения библиотечными решениями."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from salesbook.exercises import ch07_scoring as ex
from salesbook.toolkit import lead_scoring as ls


@pytest.fixture(scope="module")
def parts():
    return ex.parts()


# --- Часть 1 -------------------------------------------------------------------


def test_queue_sql_share_is_stable_and_every_lead_has_an_outcome(parts):
    q = ex.export()
    rates = q.groupby(q["created_date"].dt.year)["sql"].mean()
    assert rates.max() - rates.min() < 0.05  # «от … до …» — доли близки по годам
    assert q["sql"].isin([0, 1]).all()


def test_rule_orders_the_queue_top_group_beats_bottom():
    q = ex.export()
    s = ls.rule_score(q)
    groups = pd.qcut(s.rank(method="first"), 5, labels=False)
    by = q.groupby(groups)["sql"].mean()
    assert by.iloc[-1] > by.iloc[0] + 0.1


def test_time_split_periods_come_from_course(parts):
    train, test = parts
    assert train["created_date"].max() < pd.Timestamp("2025-01-01") <= test["created_date"].min()


def test_logit_beats_rule_and_interval_of_difference_is_above_zero(parts):
    _, test = parts
    gap = ls.auc_bootstrap(test["sql"], ex.scores("logit"), other=ex.rule(), n_boot=ex.N_BOOT, seed=ex.SEED)
    assert gap["low"] > 0
    assert 0.6 < ls.auc(test["sql"], ex.scores("logit")) < 0.75  # «до идеала далеко»


def test_hanley_mcneil_and_bootstrap_nearly_agree(parts):
    _, test = parts
    a = ls.auc(test["sql"], ex.scores("logit"))
    se = ls.hanley_mcneil_se(a, int(test["sql"].sum()), int((1 - test["sql"]).sum()))
    ci = ls.auc_bootstrap(test["sql"], ex.scores("logit"), n_boot=ex.N_BOOT, seed=ex.SEED)
    assert abs((ci["high"] - ci["low"]) - 2 * 1.96 * se) < 0.01


def test_boosting_overfits_train_and_loses_to_logit_on_2025(parts):
    train, test = parts
    boost = ls.model("boosting").fit(train[list(ls.FEATURES)], train["sql"])
    auc_train = roc_auc_score(train["sql"], boost.predict_proba(train[list(ls.FEATURES)])[:, 1])
    assert auc_train > 0.9  # «почти безупречен» на обучении
    gap = ex.boosting_gap()
    assert gap["high"] < 0  # весь интервал разности ниже нуля
    assert ex.chosen_model() == "logit"


def test_leak_jumps_auc_and_single_column_auc_flags_it(parts):
    _, test = parts
    assert ls.auc(test["sql"], ex.scores("logit", leaky=True)) > 0.85
    single = ls.single_feature_auc(test, ex.EXPORT_NUMERIC)
    assert single.index[0] == "meetings_held" and single["meetings_held"] > 0.85
    assert single.drop(list(ls.LEAKY)).max() < 0.7  # честные признаки по одному — скромно
    assert single["sdr_touches"] < 0.5  # обратная связь: у SQL касаний меньше


def test_meeting_is_held_before_sql_decision(parts):
    from salesbook.exercises import table
    _, test = parts
    a = table("activities")
    held = a[a["type"].eq("meeting") & a["outcome"].eq("held")].groupby("lead_id")["date"].min()
    sql = test[test["sql"].eq(1)].set_index("lead_id")
    meeting = sql.index.to_series().map(held)
    assert meeting.notna().all()
    assert ((sql["sql_date"] - meeting).dt.days == 0).all()  # встреча — в день решения о SQL
    assert (meeting - sql["created_date"]).dt.days.median() > 3  # через несколько дней после заявки


def test_top_importance_features_are_behaviour_not_leaks(parts):
    from sklearn.inspection import permutation_importance
    train, test = parts
    features = list(ls.FEATURES)
    m = ls.model("logit").fit(train[features], train["sql"])
    perm = permutation_importance(m, test[features], test["sql"], scoring="roc_auc", n_repeats=20, random_state=0)
    top = pd.Series(perm.importances_mean, index=features).sort_values().index[-2:]
    assert set(top) <= {"pages_viewed", "website_visits", "email_opens", "demo_requested", "job_title_level", "channel",
                        "segment", "industry", "region", "content_downloads"}


# --- Часть 2 -------------------------------------------------------------------


def test_logit_is_calibrated_and_boosting_overconfident(parts):
    train, test = parts
    rate = train["sql"].mean()
    assert 0 < ls.brier_skill(test["sql"], ex.scores("logit"), rate) < 0.2  # «положительный, но скромный»
    assert ls.brier_skill(test["sql"], ex.scores("boosting"), rate) < 0  # хуже «всем одна доля»
    cal = ls.calibration_table(test["sql"], ex.scores("boosting"), n_bins=5)
    assert cal["predicted"].iloc[-1] > cal["actual"].iloc[-1]  # сверху обещает больше
    assert cal["predicted"].iloc[0] < cal["actual"].iloc[0]  # снизу — меньше
    d_l = ls.brier_decomposition(test["sql"], ex.scores("logit"))
    d_b = ls.brier_decomposition(test["sql"], ex.scores("boosting"))
    assert d_b["reliability"] > 3 * d_l["reliability"]  # «в разы хуже»
    assert d_b["resolution"] < d_l["resolution"]  # «разрешение даже ниже»
    logit_cal = ls.calibration_table(test["sql"], ex.scores("logit"), n_bins=5)
    assert (logit_cal["predicted"] - logit_cal["actual"]).abs().max() < 0.07  # «у диагонали»


def test_capacity_share_is_half_and_team_equals_queue_2025(parts):
    assert ex.capacity_share() == pytest.approx(0.5, abs=1e-9)


def test_any_order_beats_arrival_and_model_adds_a_little_over_rule(parts):
    _, test = parts
    share = ex.capacity_share()
    arrival = ls.work_top(test, -np.arange(len(test)), share)["sql"].sum()
    rule = ls.work_top(test, ex.rule(), share)["sql"].sum()
    model = ls.work_top(test, ex.scores("logit"), share)["sql"].sum()
    assert arrival < rule < model
    assert rule - arrival > model - rule  # главный выигрыш — любой осмысленный порядок


def test_tail_pays_for_an_sdr_in_multiples():
    assert ex.sdr_month_profit() > 3 * ex.sdr_month_cost()  # «в разы больше»
    assert ex.plan_2026() == "hire"


def test_drift_is_small_and_calibration_holds_by_quarter(parts):
    train, test = parts
    p_train = ls.fit_predict(train, train, "logit")
    drift = ls.drift_by_quarter(test, ex.scores("logit"), p_train)
    assert drift["psi"].max() < 0.1
    assert (drift["predicted"] - drift["actual"]).abs().max() < 0.05


# --- Упражнения: решения библиотечными функциями и подсказки ------------------------


def test_q1_sklearn_answer_passes_and_mistakes_get_hints(parts):
    train, test = parts
    big, big_train = test[test["segment"].ne("smb")], train[train["segment"].ne("smb")]
    assert ex.q1.check(roc_auc_score(big["sql"], ls.rule_score(big))).passed
    assert "2023–2024" in ex.q1.check(roc_auc_score(big_train["sql"], ls.rule_score(big_train))).message
    assert "перевёрнута" in ex.q1.check(1 - roc_auc_score(big["sql"], ls.rule_score(big))).message
    assert "mid-market" in ex.q1.check(roc_auc_score(test["sql"], ls.rule_score(test))).message


def test_q2_accepts_name_and_explains_other_leak():
    assert ex.q2.check("meetings_held").passed
    assert ex.q2.check("«meetings_held»").passed
    r = ex.q2.check("sdr_touches")
    assert r.status == "incorrect" and "тоже утечка" in r.message
    assert ex.q2.check("stage").status == "invalid"


def test_q3_boosting_choice_gets_its_hint():
    r = ex.q3.check("boosting")
    assert r.status == "incorrect" and "ниже нуля" in r.message
    assert ex.q3.check("LOGIT").passed


def test_q5_q7_values_and_decision():
    assert ex.q5.check(ex.extra_sql()).passed
    assert ex.q5.check(float(ex.extra_sql())).passed
    assert ex.q7.check("hire").passed
    assert "в разы" in ex.q7.check("cut").message
