"""Раздел 9.1: утверждения текста о внедрении верны на данных; упражнения ловят свои ошибки."""

import numpy as np
import pandas as pd
import pytest

from salesbook.exercises import ch09_onboarding as ex
from salesbook.exercises import table
from salesbook.toolkit import cycle, onboarding


@pytest.fixture(scope="module")
def t():
    return {n: table(n) for n in ("onboarding_milestones", "handoffs", "accounts", "mrr", "product_usage")}


@pytest.fixture(scope="module")
def smb(t):
    s = onboarding.landmark_status(t["onboarding_milestones"], t["handoffs"], t["accounts"])
    s["billing"] = s["account_id"].map(t["mrr"].groupby("account_id")["billing"].first())
    return s[s["segment"] == "smb"]


@pytest.mark.parametrize("q", [ex.q1, ex.q2, ex.q3])
def test_mistakes_differ_from_answer_and_from_each_other(q):
    expected = q.expected_value()
    values = [q.mistake_value(m.name) for m in q.mistakes]
    for m, v in zip(q.mistakes, values):
        assert not np.isclose(v, expected, rtol=q.compare.rel_tol), m.name
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            assert not np.isclose(values[i], values[j], rtol=q.compare.rel_tol), (q.mistakes[i].name, q.mistakes[j].name)


def test_plan_critical_path_and_parallel_work():
    """Текст: сумма длительностей больше планового запуска; критический путь — kickoff, настройка, интеграции, запуск."""
    plan = onboarding.plan_table("enterprise")
    s = onboarding.schedule(plan)
    assert plan["duration_days"].sum() > s["early_finish"].max()
    assert set(s.index[s["critical"]]) == {"kickoff", "admin_setup", "integrations", "go_live"}
    assert s.loc["data_migration", "slack"] > 0


def test_dpa_after_kickoff_misses_the_deadline_and_in_sales_does_not():
    """Упражнение 3: с поручением после стартовой встречи запуск позже срока клиента, с поручением в сделке — нет."""
    assert ex.q3.expected_value() > ex.CLIENT_DEADLINE_DAYS >= ex.dpa_in_sales_go_live()
    s = onboarding.schedule(ex.dpa_plan())
    assert s.loc["data_migration", "critical"] and not s.loc["integrations", "critical"]


def test_naive_answers_understate_time_when_many_are_censored(t):
    """Текст: медиана по запущенным меньше оценки Каплана — Мейера, сильнее всего — у запуска enterprise."""
    live = onboarding.milestone_times(t["onboarding_milestones"], t["handoffs"], t["accounts"], "go_live")
    gaps = {}
    for seg, g in live.groupby("segment"):
        km = cycle.km_median(g["days"], g["reached"])
        reached = g.loc[g["reached"] == 1, "days"].median()
        assert reached < km, seg
        gaps[seg] = km - reached
    assert max(gaps, key=gaps.get) == "enterprise"
    fv = onboarding.milestone_times(t["onboarding_milestones"], t["handoffs"], t["accounts"], "first_value")
    smb = fv[fv["segment"] == "smb"]
    assert abs(cycle.km_median(smb["days"], smb["reached"]) - smb.loc[smb["reached"] == 1, "days"].median()) <= 1


def test_annual_contracts_leave_only_from_first_renewal(smb):
    """Текст: годовые клиенты уходят не раньше 367-го дня, большинство — в окне 400 дней."""
    gone = smb[smb["churned"] == 1]
    days = (gone["churned_on"] - gone["close_date"]).dt.days
    annual = days[gone["billing"] == "annual"]
    assert annual.min() > 360
    assert (annual <= onboarding.EARLY_CHURN_HORIZON_DAYS).mean() > 0.8
    assert (days[gone["billing"] == "monthly"] <= onboarding.LANDMARK_DAYS).sum() > 0


def test_landmark_gap_is_large_and_its_interval_excludes_zero(smb):
    r = onboarding.landmark_churn(smb)
    from salesbook.toolkit import experiments
    low, high = experiments.diff_confint(r.loc["not_onboarded", "churned"], r.loc["not_onboarded", "customers"],
                                         r.loc["onboarded", "churned"], r.loc["onboarded", "customers"])
    assert low > 0
    assert 1.5 < r.loc["not_onboarded", "rate"] / r.loc["onboarded", "rate"] < 2.5      # «примерно вдвое»


def test_naive_definitions_move_the_answer_moderately_and_not_in_favour_of_onboarding():
    """Текст: ошибки определения сдвигают отношение умеренно; включение ушедших до 90-го дня его уменьшает."""
    right = ex._churn_ratio("landmark")
    assert ex._churn_ratio("with_dead") < right
    for kind in ("with_dead", "no_window", "all_churn"):
        assert abs(ex._churn_ratio(kind) / right - 1) < 0.15, kind


def test_annual_curves_are_flat_until_renewal(smb):
    """Текст: у годового договора кривые от ориентира идут ровно около девяти месяцев и падают в месяц продления."""
    curves = onboarding.landmark_survival(smb[smb["billing"] == "annual"])
    for km in curves.values():
        assert cycle.km_survival_at(km, [250])[0] == 1.0
    after = smb.loc[smb["alive_at_landmark"] & smb["early_churn"] & (smb["billing"] == "annual"), "after_days"]
    assert 260 <= after.min() and round(after.min() / 30.44) == 9 and 270 <= after.median() <= 310


def test_signing_traits_do_not_separate_the_groups(t, smb):
    """Текст: по признакам, известным при подписании, группы почти не различаются — интервалы накрывают ноль."""
    from salesbook.exercises import table as tbl
    alive = smb[smb["alive_at_landmark"]].set_index("account_id")
    traits = onboarding.signing_traits(t["handoffs"], tbl("opportunities"), t["mrr"]).loc[alive.index]
    gap = onboarding.compare_traits(traits, alive["onboarded"])
    assert (gap["std_diff"].abs() < 0.2).all()
    assert ((gap["low"] < 0) & (gap["high"] > 0)).all()


def test_first_paid_month_ends_after_most_go_lives(t, smb):
    """Текст: первый оплаченный месяц кончается в среднем через полтора месяца после подписания, и большинство
    запущенных к 90-му дню к его концу уже запущены — активность в нём не «до запуска»."""
    ms = t["onboarding_milestones"]
    go = ms[ms["milestone"] == "go_live"].set_index("account_id")["actual_date"]
    alive = smb[smb["alive_at_landmark"]].copy()
    month_end = alive["close_date"] + pd.offsets.MonthBegin(1) + pd.offsets.MonthEnd(0)
    days = (month_end - alive["close_date"]).dt.days
    assert 35 <= days.mean() <= 55
    live = alive["onboarded"]
    assert (pd.to_datetime(alive.loc[live, "account_id"].map(go)) <= month_end[live]).mean() > 0.8


def test_nobody_goes_live_after_the_landmark_in_smb(smb):
    """Текст и врезка: статус «запущен когда-либо» совпадает со статусом на ориентир — ловушка не срабатывает."""
    late = smb[smb["alive_at_landmark"] & ~smb["onboarded"]]
    assert late["ever_onboarded"].mean() <= 0.02
    base = smb[smb["alive_at_landmark"] & smb["window_seen"]]
    by_ever = base.groupby("ever_onboarded")["early_churn"].mean()
    assert np.isclose(by_ever[False] / by_ever[True], ex._churn_ratio("landmark"), rtol=0.01)


def test_ratio_interval_and_billing_strata(smb):
    """Текст: интервал отношения выше единицы; внутри видов договора отношение почти то же."""
    r = onboarding.landmark_churn(smb)
    rr = onboarding.risk_ratio(r.loc["not_onboarded", "churned"], r.loc["not_onboarded", "customers"],
                               r.loc["onboarded", "churned"], r.loc["onboarded", "customers"])
    assert rr["low"] > 1
    base = smb[smb["alive_at_landmark"] & smb["window_seen"]].assign(late=lambda d: ~d["onboarded"])
    assert abs(onboarding.mh_risk_ratio(base, "late", "billing", "early_churn") / rr["ratio"] - 1) < 0.05


def test_smb_holds_most_early_churn_and_mid_market_is_too_small(t):
    s = onboarding.landmark_status(t["onboarding_milestones"], t["handoffs"], t["accounts"])
    base = s[s["alive_at_landmark"] & s["window_seen"]]
    churned = base.groupby("segment")["early_churn"].sum()
    assert churned["smb"] / churned.sum() > 0.8
    assert churned["mid_market"] <= 12
    assert (base["segment"] == "mid_market").sum() * 3 < (base["segment"] == "smb").sum()


def test_own_overrun_points_at_integrations_in_mid_market(t):
    """Текст: накопленный сдвиг интеграций mid-market больше собственной задержки; из вех критического пути
    собственная задержка больше всего у интеграций."""
    s = onboarding.milestone_summary(t["onboarding_milestones"], t["handoffs"]).loc["mid_market"]
    crit = onboarding.schedule(onboarding.plan_table("mid_market"))
    own = s.loc[crit.index[crit["critical"]], "median_own_days"]
    assert own.idxmax() == "integrations"
    assert s.loc["integrations", "median_slip_days"] > s.loc["integrations", "median_own_days"] > 0


def test_go_live_quantiles(t):
    """Текст: в SMB четыре из пяти запускаются до 90-го дня, но позже плана; в mid-market 80-й процентиль не
    достигнут, 75-й — есть; у enterprise верхняя граница интервала медианы открыта."""
    g = onboarding.milestone_times(t["onboarding_milestones"], t["handoffs"], t["accounts"], "go_live")
    p80 = onboarding.reach_quantile(g, 0.8)
    plan = onboarding.schedule(onboarding.plan_table("smb"))["early_finish"].max()
    assert plan < p80["smb"] < onboarding.LANDMARK_DAYS
    assert np.isnan(p80["mid_market"]) and np.isfinite(onboarding.reach_quantile(g, 0.75)["mid_market"])
    assert np.isnan(onboarding.ttv_table(g).loc["enterprise", "ci_high"])


def test_churn_before_first_value_is_rare(t):
    fv = onboarding.milestone_times(t["onboarding_milestones"], t["handoffs"], t["accounts"], "first_value")
    left = fv["account_id"].map(t["accounts"].set_index("account_id")["churned_on"]).notna()
    smb = fv["segment"] == "smb"
    assert ((fv["reached"] == 0) & left & smb).sum() < 0.03 * smb.sum()


def test_smb_pays_little_and_example_is_stuck_for_months(t):
    """Текст: новый клиент SMB платит в медиане несколько тысяч рублей; пример enterprise стоит на вехе месяцами."""
    mrr = t["mrr"]
    first = mrr[mrr["new_rub"] > 0].groupby("account_id")["new_rub"].first()
    h = t["handoffs"]
    assert first.reindex(h.loc[h["segment"] == "smb", "account_id"]).median() < 20_000
    ms = t["onboarding_milestones"]
    stuck = ms.loc[ms["actual_date"].isna() & (ms["planned_date"] < "2025-06-30"), "account_id"]
    example = h[(h["segment"] == "enterprise") & h["account_id"].isin(stuck)].iloc[0]["account_id"]
    one = ms[ms["account_id"] == example]
    assert (pd.Timestamp("2025-12-31") - one.loc[one["actual_date"].isna(), "planned_date"].min()).days > 180


def test_churn_experiment_is_infeasible_but_the_intermediate_metric_is_not(smb):
    from salesbook.toolkit import experiments
    base = smb.loc[smb["alive_at_landmark"] & smb["window_seen"], "early_churn"].mean()
    live = smb.loc[smb["alive_at_landmark"], "onboarded"].mean()
    assert experiments.sample_size_pooled(base, base - 0.03) > 4 * experiments.sample_size_pooled(live, live + 0.07)


def test_quiz_has_one_right_option_each():
    for q in ex.quiz.questions:
        assert sum(o.correct for o in q.options) == 1
