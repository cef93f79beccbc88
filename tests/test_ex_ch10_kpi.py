"""Раздел 10.1: ошибки, которые ловятся не значением, а признаком ответа."""

import pandas as pd
import pytest

from salesbook.exercises import ch10_kpi as ex
from salesbook.exercises import table
from salesbook.runtime.checks import ___
from salesbook.toolkit import course, kpi


def test_bad_kpi_is_calls_and_other_options_are_explained():
    g = ex.gameability()
    # «большинство звонков по лидам — недозвоны длительностью 0 секунд»
    assert (g["no_answer_share"] > 0.6).all() and (g["no_answer_max_sec"] == 0).all()
    # «звонков на одну встречу — единицы у SDR и десятки у BDR»
    assert 2 < g.loc["SDR", "calls_per_meeting"] < 10 and 10 <= g.loc["BDR", "calls_per_meeting"] < 100
    assert ex.q6.expected_value() == "calls"
    assert ex.q6.check("Calls").passed
    meetings = ex.q6.check("meetings_held")
    assert meetings.status == "incorrect" and "клиента" in meetings.message.lower()
    pipeline = ex.q6.check("pipeline_rub")
    assert pipeline.status == "incorrect" and "пайплайн" in pipeline.message.lower()
    assert ex.q6.check("revenue").status == "invalid"


def test_coverage_counts_aes_known_on_the_cut_date_only():
    c = ex._coverage()["coverage"]
    assert ex.q3.check(c).passed
    later = ex.q3.check(ex._coverage_with_later_hires())
    assert later.status == "incorrect" and "после 30.09" in later.message
    leavers = ex.q3.check(ex._coverage_without_leavers())
    assert leavers.status == "incorrect" and "ушедших" in leavers.message
    assert abs(ex._coverage_with_later_hires() / c - 1) > 0.01, "прочтения различимы при допуске упражнения"


def _right(actual, target, baseline):
    return min(max((actual - baseline) / (target - baseline), 0.0), 1.0)


def test_score_function_accepts_correct_answer():
    assert ex.q7.check(_right).passed


@pytest.mark.parametrize("fn, word", [
    (lambda a, t, b: (a - b) / (t - b), "больше 1"),
    (lambda a, t, b: min((a - b) / (t - b), 1.0), "отрицательн"),
    (lambda a, t, b: min(max(a / t, 0.0), 1.0), "базу"),
    (lambda a, t, b: _right(a, t, b) if t > b else min(t / a, 1.0), "«вниз»"),
])
def test_score_function_mistakes_get_their_hints(fn, word):
    result = ex.q7.check(fn)
    assert result.status == "incorrect"
    assert word in result.message


def test_score_function_blank_and_crash():
    assert ex.q7.check(lambda a, t, b: ___).status == "unattempted"
    assert ex.q7.check(lambda a, t, b: 1 / 0).status == "invalid"


def test_team_table_accepts_key_as_column():
    reversed_rows = ex.q2.expected_value().reset_index().iloc[::-1]
    assert ex.q2.check(reversed_rows).passed


def test_okr_decision_is_red_and_only_bookings_moved():
    t = ex._okr_actuals()
    assert (t["target"] - t["baseline"]).gt(0).tolist() == [True, True, False, True], "цикл — единственная цель «вниз»"
    scores = pd.Series(kpi.score_key_result(t["actual"], t["target"], t["baseline"]), index=t.index)
    assert (0 < scores[["bookings_rub", "nrr"]]).all() and (scores[["bookings_rub", "nrr"]] < 0.7).all(), "новый ACV и NRR выросли, но прошли лишь часть пути"
    assert (scores[["cycle_days", "win_rate"]] == 0).all(), "цикл и win rate откатились от базы"
    assert t.loc["cycle_days", "actual"] > t.loc["cycle_days", "baseline"] and t.loc["win_rate", "actual"] < t.loc["win_rate", "baseline"]
    score = ex.q8.expected_value()
    assert 0 < score < 0.3 and kpi.okr_zone(score) == "red"
    assert "красн" in ex.q8.correct_message and "выполнения плана" in ex.q8.correct_message
    for name in ("not_clipped", "share_of_target", "down_as_up"):
        assert abs(ex.q8.mistake_value(name) - score) > 0.05, name


def _year_tree(year):
    return kpi.bookings_drivers(table("activities"), table("leads"), table("opportunities"), *course.YEARS[year])


def test_tree_growth_read_by_segment():
    c24, c25 = _year_tree(2024), _year_tree(2025)
    for c in (c24, c25):
        assert 0.5 < c["opportunities"] / c["sqls"] < 1, "SQL из всех источников: SQL → сделка — доля меньше 100 %"
    assert c25["touches"] > 1.2 * c24["touches"] and c25["opportunities"] > 1.15 * c24["opportunities"]
    assert (c25["bookings_rub"] / c25["won"]) / (c24["bookings_rub"] / c24["won"]) > 1.1, "средний ACV тоже вырос"
    assert c25["won"] / c25["closed"] < c24["won"] / c24["closed"], "win rate снизился"
    assert c25["bookings_rub"] > c24["bookings_rub"]
    # «по сегментам win rate вырос в mid-market и enterprise, упал только в SMB, микс закрытых почти тот же»
    o = table("opportunities")
    wr = {y: kpi.win_rate(o, *course.YEARS[y], by="segment") for y in (2024, 2025)}
    assert wr[2025]["mid_market"] > wr[2024]["mid_market"] and wr[2025]["enterprise"] > wr[2024]["enterprise"]
    assert wr[2025]["smb"] < wr[2024]["smb"]
    mix = {y: kpi.closed_deals(o, *course.YEARS[y])["segment"].eq("smb").mean() for y in (2024, 2025)}
    assert abs(mix[2025] - mix[2024]) < 0.02


def test_activity_claims_by_role():
    reps = table("reps")
    funnel = kpi.activity_funnel(table("activities"), *course.YEAR_2025, table("leads"))
    by_role = funnel.groupby(funnel.index.map(reps.set_index("rep_id")["role"]))[["touches", "meetings_held", "sqls"]].sum()
    per_meeting = by_role["touches"] / by_role["meetings_held"]
    per_sql = by_role["touches"] / by_role["sqls"]
    assert 2 < per_meeting["BDR"] / per_meeting["SDR"] < 8, "в несколько раз, не на порядок"
    assert per_sql["BDR"] / per_sql["SDR"] > per_meeting["BDR"] / per_meeting["SDR"], "на SQL разрыв ещё больше"
    to_sql = by_role["sqls"] / by_role["meetings_held"]
    assert 0.5 < to_sql["SDR"] < 1, "большинство встреч SDR — SQL, но не все"
    assert to_sql["BDR"] < to_sql["SDR"] - 0.1, "у BDR SQL — заметно меньшая часть встреч"
    daily = table("rep_daily_activity")
    daily = daily[daily["date"].between(*course.YEAR_2025)]
    attempts = daily[["calls", "emails", "messages"]].sum(axis=1)
    assert 60 < attempts.mean() < 110
    assert by_role["touches"].sum() / attempts.sum() < 0.25, "касания по лидам CRM — малая часть всех попыток"


def test_quota_attainment_claims():
    teams = kpi.quota_attainment(table("opportunities"), table("reps"), *course.YEAR_2025, by="team")
    no_ramp = kpi.quota_attainment(table("opportunities"), table("reps"), *course.YEAR_2025, by="team", ramp=False)
    assert (no_ramp["attainment"] < teams["attainment"]).all()
    # «команды разошлись с планом в разные стороны: одна перевыполняет в полтора раза, другая не дотягивает»
    assert teams["attainment"].idxmax() == "mid_market" and teams.loc["mid_market", "attainment"] > 1.3
    assert teams.loc["enterprise", "attainment"] < 0.9
    # «в enterprise выигранных сделок за год около десятка»
    reps = table("reps")
    won = kpi.won_deals(table("opportunities"), *course.YEAR_2025)
    enterprise_won = won["owner_id"].map(reps.set_index("rep_id")["team"]).eq("enterprise").sum()
    assert 5 <= enterprise_won <= 15
    # для 2025 года план в reps и в ae_quotas — один и тот же
    quotas = table("ae_quotas")
    plan_2025 = quotas[quotas["year"].eq(2025)].set_index("rep_id")["annual_quota_rub"]
    ae = reps.set_index("rep_id").loc[plan_2025.index]
    assert (ae["annual_quota_rub"] == plan_2025).all()


def test_retention_claims_by_segment():
    mrr, accounts = table("mrr"), table("accounts")
    ret = {s: kpi.revenue_retention(mrr, course.DECEMBER_2024, course.DECEMBER_2025, accounts, s) for s in course.SEGMENTS}
    assert ret["smb"]["nrr"] > 1 and ret["mid_market"]["nrr"] > 1
    assert ret["smb"]["grr"] < ret["mid_market"]["grr"] - 0.02, "SMB теряет больше выручки базы"
    assert ret["enterprise"]["nrr"] == max(r["nrr"] for r in ret.values()) and ret["enterprise"]["customers"] <= 15
    start = mrr[mrr["month"].eq(course.DECEMBER_2024) & mrr["account_id"].isin(accounts.loc[accounts["segment"].eq("enterprise"), "account_id"])]
    assert start["mrr_rub"].max() / start["mrr_rub"].sum() > 0.2, "один клиент enterprise — десятки пунктов NRR"


def test_magic_number_above_scale_median_in_every_quarter():
    mn = kpi.magic_number(kpi.quarterly_revenue(table("mrr")), kpi.quarterly_sm_expense(table("marketing_spend"), table("sm_costs"))).loc["2024Q1":]
    assert len(mn.loc[:"2025Q4"]) == 8 and (mn.loc[:"2025Q4"] > 0.7).all()


def test_quiz_feedback_on_every_option():
    for question in ex.quiz.questions:
        assert all(option.feedback for option in question.options)


def test_tree_sqls_split_into_meetings_and_trial():
    """Дерево: SQL = SQL после встреч SDR/BDR + SQL из пробного периода; большая часть — из пробного периода;
    проведённых встреч в 2025 году заметно больше."""
    c24, c25 = _year_tree(2024), _year_tree(2025)
    for c in (c24, c25):
        assert c["sqls_after_meeting"] + c["sqls_without_meeting"] == c["sqls"]
        assert c["sqls_without_meeting"] > c["sqls"] / 2
        assert 0 < c["sqls_after_meeting"] / c["meetings_held"] < 1, "Встреча → SQL — доля"
    assert c25["meetings_held"] > 1.15 * c24["meetings_held"]


def test_wins_after_owner_exit_are_removed_from_per_ae_views():
    o, r = table("opportunities"), table("reps")
    own = kpi.before_owner_exit(o, r)
    won = kpi.won_deals(o, *course.YEAR_2025)
    after = won[~won.index.isin(own.index)]
    assert len(after) > 0, "в данных есть выигрыши после ухода AE — ради них и поправка"
    exit_date = after["owner_id"].map(r.set_index("rep_id")["exit_date"])
    assert (after["close_date"] > exit_date).all()
    kept = kpi.won_deals(own, *course.YEAR_2025)
    kept_exit = kept["owner_id"].map(r.set_index("rep_id")["exit_date"])
    assert not (kept_exit.notna() & (kept["close_date"] > kept_exit)).any()
    assert len(o) - len(own) >= len(after)  # открытые сделки не теряются: убраны только закрытые после ухода
    assert own["close_date"].isna().sum() == o["close_date"].isna().sum()
    # без поправки выполнение плана ушедшего AE завышено
    raw = kpi.quota_attainment(o, r, *course.YEAR_2025)["attainment"]
    fixed = kpi.quota_attainment(own, r, *course.YEAR_2025)["attainment"]
    owners = after["owner_id"].unique()
    assert (raw.loc[owners] > fixed.loc[owners]).all()


def test_cycle_and_win_rate_moved_for_different_reasons():
    """«Общий win rate упал из-за SMB, а общий цикл вырос и из-за цикла mid-market, и из-за микса выигранных»."""
    o = table("opportunities")
    cyc = {y: kpi.median_cycle(o, *course.YEARS[y], by="segment") for y in (2024, 2025)}
    assert cyc[2025]["mid_market"] > 1.1 * cyc[2024]["mid_market"]
    assert kpi.median_cycle(o, *course.YEAR_2025) > kpi.median_cycle(o, *course.YEAR_2024)
    won = {y: kpi.won_deals(o, *course.YEARS[y])["segment"].eq("smb").mean() for y in (2024, 2025)}
    assert won[2025] < won[2024] - 0.02
    assert cyc[2025]["smb"] < cyc[2025]["mid_market"], "SMB-сделки быстрее: меньше их доля — длиннее общий цикл"


def test_q8_new_customer_bookings_get_their_own_hint():
    wrong = ex.q8.mistake_value("new_customers_only")
    assert abs(wrong - ex.q8.expected_value()) > 0.002
    assert "допродажи" in ex.q8.check(wrong).message
