"""Раздел 9.1: утверждения текста о внедрении верны на данных; упражнения ловят свои ошибки."""

import numpy as np
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
    """Текст: в наших данных «бессмертное время» короткое — ошибки сдвигают отношение умеренно и не в пользу запущенных."""
    right = ex._churn_ratio("landmark")
    assert ex._churn_ratio("with_dead") < right
    for kind in ("with_dead", "no_window", "all_churn"):
        assert abs(ex._churn_ratio(kind) / right - 1) < 0.15, kind


def test_annual_curves_are_flat_until_renewal(smb):
    """Текст: у годового договора кривые от ориентира стоят ровно почти год и падают в месяц продления."""
    curves = onboarding.landmark_survival(smb[smb["billing"] == "annual"])
    for km in curves.values():
        assert cycle.km_survival_at(km, [250])[0] == 1.0


def test_selection_visible_before_the_landmark(t, smb):
    """Текст: будущие «запущенные» уже в первом месяце работали активнее."""
    u = t["product_usage"].sort_values("month").groupby("account_id").first()
    share = (u["active_users"] / u["licensed_seats"])
    alive = smb[smb["alive_at_landmark"]].assign(share=lambda d: d["account_id"].map(share))
    m = alive.groupby("status")["share"].mean()
    assert m["onboarded"] > m["not_onboarded"] + 0.05


def test_churn_experiment_is_infeasible_but_the_intermediate_metric_is_not(smb):
    from salesbook.toolkit import experiments
    base = smb.loc[smb["alive_at_landmark"] & smb["window_seen"], "early_churn"].mean()
    live = smb.loc[smb["alive_at_landmark"], "onboarded"].mean()
    assert experiments.sample_size_pooled(base, base - 0.03) > 4 * experiments.sample_size_pooled(live, live + 0.07)


def test_quiz_has_one_right_option_each():
    for q in ex.quiz.questions:
        assert sum(o.correct for o in q.options) == 1
