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


def test_capacity_by_time_far_exceeds_2025_load_and_share_is_a_scenario(parts):
    t = ex.sdr_time()
    assert t["leads_per_month"] > 3 * ex.load_per_sdr_month()  # «в разы больше нагрузки»
    assert t["queue_share"] < 0.2  # «на очередь ушло лишь …», остальное — прогрев
    assert ex.capacity_share() == pytest.approx(0.5, abs=1e-9)  # часы 2025 года на удвоенную очередь
    # «больше всего — квалификационная встреча»: встречи дают больше минут на лид, чем любое другое касание
    from salesbook.exercises import table
    a = table("activities")
    a = a[a["lead_id"].isin(parts[1]["lead_id"])]
    minutes = {k: (a["type"] == k).sum() * v for k, v in ls.TOUCH_MINUTES.items()}
    talk = a.loc[a["type"].eq("call"), "duration_sec"].fillna(0).sum() / 60
    minutes["call"] += talk
    assert max(minutes, key=minutes.get) == "meeting"


def test_any_order_beats_arrival_and_model_adds_over_rule_with_wide_interval(parts):
    _, test = parts
    share = ex.capacity_share()
    orders = {"arrival": -np.arange(len(test)), "rule": ex.rule().to_numpy(), "model": ex.scores("logit").to_numpy()}
    sql = {k: ls.work_top(test, v, share)["sql"].sum() for k, v in orders.items()}
    assert sql["arrival"] < sql["rule"] < sql["model"]
    boot = ls.work_top_bootstrap(test, orders, share, n_boot=ex.N_BOOT, seed=ex.SEED)
    gain = ls.interval(boot["model"] - boot["rule"])
    assert gain["low"] > 0  # «прибавка есть»
    assert gain["high"] - gain["low"] > sql["model"] - sql["rule"]  # «размер известен плохо»
    diff = ls.interval((boot["rule"] - boot["arrival"]) - (boot["model"] - boot["rule"]))
    assert diff["low"] < 0 < diff["high"]  # «интервал разности двух прибавок захватывает ноль»


def test_cutoff_set_in_advance_works_a_varying_share_by_month(parts):
    train, test = parts
    cut = np.quantile(ls.fit_predict(train, train, "logit"), 1 - ex.capacity_share())
    by = ls.work_above(test, ex.scores("logit"), cut)
    assert by["share"].max() - by["share"].min() > 0.15  # «доля взятых гуляет по месяцам»
    # «пропустил в работу на … больше, чем половина очереди»
    assert by["worked"].sum() > ls.work_top(test, ex.scores("logit"), ex.capacity_share())["worked"].sum()


def test_tail_pays_sdr_many_times_over_even_net_of_ae_and_ae_is_the_bigger_hire(parts):
    _, test = parts
    share = ex.capacity_share()
    orders = {"model": ex.scores("logit").to_numpy()}
    boot = ls.work_top_bootstrap(test, orders, share, n_boot=ex.N_BOOT, seed=ex.SEED)
    rate = ls.interval((boot["total_sql"] - boot["model"]) / (boot["leads"] - boot["worked"]))
    assert rate["low"] > 0.2 and ex.tail_sql_rate() > 0.25  # «больше четверти» — с интервалом
    tail_gp_low = ex.tail_per_month_2026() * 12 * ex.net_sql_value() * rate["low"]
    assert tail_gp_low > 10 * ex.sdr_to_hire() * 12 * ex.sdr_month_cost()  # «в десятки раз больше»
    assert ex.breakeven_tail_rate() < rate["low"] / 10
    assert ex.sdr_to_hire() < ex.q7.mistake_value("load_not_capacity")  # по нагрузке — в разы больше людей
    assert ex.sdr_to_hire() * 3 <= ex.q7.mistake_value("load_not_capacity")
    ae_needed = ex.tail_per_month_2026() * ex.tail_sql_rate() * ex.ae_cost_per_sql() / float(
        ex.roles.loaded_cost(ex.table("sm_costs"), ex.table("reps"), *ex.course.YEAR_2025).loc["AE", "loaded_pm"])
    assert ae_needed > 2 * ex.sdr_to_hire()  # «главный найм — AE, а не SDR»
    p = ex.scores("logit")
    top = test.groupby(test["created_date"].dt.to_period("M"), group_keys=False).apply(
        lambda g: g.assign(p=p[g.index]).nlargest(round(len(g) * share), "p"), include_groups=False).index
    mid = test["segment"].eq("mid_market").groupby(test.index.isin(top)).mean()
    assert mid[False] > mid[True] + 0.05  # «в хвосте доля среднего бизнеса выше, чем в верхушке»


def test_calibration_top_bin_of_logit_slightly_overpromises(parts):
    _, test = parts
    cal = ls.calibration_table(test["sql"], ex.scores("logit"), n_bins=5)
    top = cal.iloc[-1]
    assert top["predicted"] > top["actual"]  # «в верхней корзине слегка завышает»
    assert top["low"] < top["predicted"] < top["high"] + 0.01  # но обещание у края интервала
    ci = ls.brier_skill_bootstrap(test["sql"], ex.scores("logit"), parts[0]["sql"].mean(), n_boot=ex.N_BOOT, seed=ex.SEED)
    assert 0 < ci["low"] < ci["estimate"] < ci["high"]


def test_boosting_overconfidence_is_not_the_textbook_boosting_bias(parts):
    _, test = parts
    cal = ls.calibration_table(test["sql"], ex.scores("boosting"), n_bins=5)
    assert cal["predicted"].iloc[-1] > cal["actual"].iloc[-1] and cal["predicted"].iloc[0] < cal["actual"].iloc[0]


def test_drift_is_small_and_calibration_holds_by_quarter(parts):
    train, test = parts
    p_train = ls.fit_predict(train, train, "logit")
    drift = ls.drift_by_quarter(test, ex.scores("logit"), p_train, noise=True)
    assert drift["psi"].max() < 0.1
    assert (drift["psi"] < drift["psi_noise"]).all()  # «в каждом квартале ниже границы шума»
    assert drift["psi_noise"].max() > 0.05  # «порог 0,1 всего вдвое выше шума»
    assert (drift["predicted"] - drift["actual"]).abs().max() < 0.05


# --- Упражнения: решения библиотечными функциями и подсказки ------------------------


def test_q1_sklearn_answer_passes_and_mistakes_get_hints(parts):
    train, test = parts
    big, big_train = test[test["segment"].ne("smb")], train[train["segment"].ne("smb")]
    assert ex.q1.check(roc_auc_score(big["sql"], ls.rule_score(big))).passed
    assert "2023–2024" in ex.q1.check(roc_auc_score(big_train["sql"], ls.rule_score(big_train))).message
    assert "перевёрнута" in ex.q1.check(1 - roc_auc_score(big["sql"], ls.rule_score(big))).message
    assert "малым бизнесом" in ex.q1.check(roc_auc_score(test["sql"], ls.rule_score(test))).message
    mid = test[test["segment"].eq("mid_market")]
    r = ex.q1.check(roc_auc_score(mid["sql"], ls.rule_score(mid)))
    assert r.status == "incorrect" and "только средний" in r.message
    ent = test[test["segment"].eq("enterprise")]
    assert "только крупный" in ex.q1.check(roc_auc_score(ent["sql"], ls.rule_score(ent))).message


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


def test_q4_test_base_rate_is_caught(parts):
    from sklearn.metrics import brier_score_loss
    train, test = parts
    p = ex.scores("logit")
    assert ex.q4.check(ls.brier_skill(test["sql"], p, train["sql"].mean())).passed
    r = ex.q4.check(1 - brier_score_loss(test["sql"], p) / test["sql"].var(ddof=0))
    assert r.status == "incorrect" and "будущее" in r.message


def test_q5_values_and_longer_period_hint(parts):
    _, test = parts
    assert ex.q5.check(ex.extra_sql()).passed
    assert ex.q5.check(float(ex.extra_sql())).passed
    quarterly = ls.work_top(test, ex.scores("logit"), ex.capacity_share(), by="Q")["sql"].sum() - \
        ls.work_top(test, ex.rule(), ex.capacity_share(), by="Q")["sql"].sum()
    if quarterly != ex.extra_sql():
        assert "длиннее месяца" in ex.q5.check(quarterly).message


def test_q6_q7_solutions_pass_and_load_based_answers_get_their_hint():
    import math
    share, queue_2026 = ex.capacity_share(), ex.queue_per_month_2026()
    cap = ex.sdr_time()
    breakeven = ex.sdr_month_cost() / cap["leads_per_month"] / (ex.sql_value() - ex.ae_cost_per_sql())
    assert ex.q6.check(breakeven).passed
    assert "нагрузку" in ex.q6.check(ex.sdr_month_cost() / ex.load_per_sdr_month() / (ex.sql_value() - ex.ae_cost_per_sql())).message
    assert "AE" in ex.q6.check(ex.sdr_month_cost() / cap["leads_per_month"] / ex.sql_value()).message
    hires = math.ceil(queue_2026 * (1 - share) / cap["leads_per_month"])
    assert ex.q7.check(hires).passed
    assert "нагрузку" in ex.q7.check(math.ceil(queue_2026 * (1 - share) / ex.load_per_sdr_month())).message
    assert "округлите" in ex.q7.check(queue_2026 * (1 - share) / cap["leads_per_month"]).message
    assert ex.q7.check(hires + 1).status == "incorrect"
