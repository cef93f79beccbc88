"""Раздел 2.4: утверждения текста на данных и решения учащегося библиотечными функциями."""

import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from salesbook.data.generator.params import social as gen
from salesbook.exercises import ch02_social as ex
from salesbook.exercises import table
from salesbook.toolkit import course, social


@pytest.fixture(scope="module")
def panel():
    return ex.panel()


@pytest.fixture(scope="module")
def funnel():
    f = ex.funnel("reps")
    return f.assign(hours=social.post_hours(table("social_posts").dropna(subset=["author_id"])["platform"])
                    .groupby(table("social_posts").dropna(subset=["author_id"])["platform"]).sum())


# --- утверждения текста -------------------------------------------------------------------------------


def test_company_labels_every_ad_and_reps_do_not():
    p = table("social_posts")
    promo = p[p["format"] == "promo"]
    assert promo.loc[promo["author_id"].isna(), "ad_labelled"].all()
    assert (~promo.loc[promo["author_id"].notna(), "ad_labelled"]).sum() > 0


def test_long_articles_bring_most_per_post_and_chats_most_per_hour(funnel):
    per_post = funnel["won_acv_rub"] / funnel["posts"]
    assert set(per_post.nlargest(2).index) == {"habr", "vc_ru"}
    per_hour = funnel["won_acv_rub"] / funnel["hours"]
    assert per_hour.idxmax() == "community"          # «ответ в отраслевом чате стоит получаса»
    assert per_hour.idxmin() == "vk"
    assert funnel.loc["vk", "won"] == 0              # «ни одной сделки … на графике этой площадки нет»
    assert (funnel.drop(index="vk")["won"] > 0).all()


def test_ctr_hardly_depends_on_platform(funnel):
    ctr = (funnel["clicks"] / funnel["views"]).drop(index="event_talk")
    assert ctr.max() / ctr.min() < 1.2


def test_case_posts_click_best_and_beat_promo_by_far():
    p = table("social_posts")
    w = p[p["platform"] != "event_talk"].groupby("format")[["views", "utm_clicks"]].sum()
    ctr = w["utm_clicks"] / w["views"]
    assert ctr.idxmax() == "case"
    assert ctr["case"] / ctr["promo"] > 2
    assert ctr["promo"] == ctr.min()


def test_attribution_values_an_hour_far_above_its_cost_and_break_even_is_low():
    v = ex.ae_post_value()
    assert v["value_per_hour"] > 10 * ex.hour_cost()
    assert ex.break_even() < 0.25                     # «окупаются, даже если лишь малая часть»
    assert ex.net_value() > 0                         # решение: часы дать (как пилот)


def test_big_teams_post_more_and_have_much_larger_pipeline(panel):
    teams = panel.groupby("team")[["posts", "pipeline_rub"]].mean()
    for big in ("mid_market", "enterprise"):
        assert teams.loc[big, "posts"] > teams.loc["smb", "posts"]
        assert teams.loc[big, "pipeline_rub"] > 3 * teams.loc["smb", "pipeline_rub"]   # «в разы»


def test_within_team_slope_vanishes_and_naive_is_imprecise(panel):
    naive = social.within_slope(panel, "posts", "pipeline_rub", cluster="rep_id")
    team = social.within_slope(panel, "posts", "pipeline_rub", "team", cluster="rep_id")
    assert abs(team["slope"]) < team["se"]            # «почти ничего не осталось»
    assert abs(team["slope"]) < 0.1 * naive["slope"]
    assert naive["se"] > 0.3 * naive["slope"]         # «с большой ошибкой»


def test_won_slope_shrinks_and_t_interval_reaches_zero(panel):
    naive = social.within_slope(panel, "posts", "won_rub", cluster="rep_id")
    strat = social.within_slope(panel, "posts", "won_rub", ["team", "tenure_band"], cluster="rep_id")
    assert strat["slope"] < naive["slope"]
    t = stats.t.ppf(0.975, strat["clusters"] - 1)
    assert strat["clusters"] == panel["rep_id"].nunique() and t > 2.0     # «… вместо 1,96»
    low = strat["slope"] - t * strat["se"]
    assert abs(low) < 0.05 * strat["slope"]           # «нижняя граница … интервал упирается в ноль»
    assert strat["slope"] - 1.96 * strat["se"] > 0    # «иначе он вышел бы уже»: с 1,96 ноль не задевает


def test_selling_hour_is_several_times_the_salary_hour_and_flips_the_decision():
    """«в … раза больше оклада», «планка выше в разы», «при доле 0,2 решение уходит в минус»."""
    selling, cost, value = ex.selling_hour_value(), ex.hour_cost(), ex.ae_post_value()["value_per_hour"]
    assert selling > 3 * cost
    assert ex.INCREMENTAL_FLOOR < social.break_even_share(selling, value) < 1
    assert ex.hours_per_year() * (ex.INCREMENTAL_FLOOR * value - selling) < 0 < ex.net_value()
    assert not ex.q5.check(ex.hours_per_year() * (ex.INCREMENTAL_FLOOR * value - selling)).passed


def test_box_linked_leads_fall_short_of_generator_targets(funnel):
    """Врезка: генератор «пытается» привязать LEAD_PER_CLICK, в воронке выходит меньше."""
    written = funnel.drop(index="event_talk")
    assert written["leads"].sum() / written["clicks"].sum() < gen.LEAD_PER_CLICK
    assert funnel.loc["event_talk", "leads"] / funnel.loc["event_talk", "clicks"] < gen.LEAD_PER_TALK_SCAN
    assert len(gen.CTR_BY_FORMAT) == 5                 # CTR задан по формату, площадкам параметра нет
    assert not any("CTR" in name and "PLATFORM" in name for name in dir(gen))


def test_rep_clouds_smb_below_mid_market_and_no_link_inside(panel):
    r = panel.groupby(["rep_id", "team"])[["posts", "pipeline_rub"]].mean().reset_index()
    smb, mm = r[r["team"] == "smb"], r[r["team"] == "mid_market"]
    assert smb["pipeline_rub"].max() < mm["pipeline_rub"].min()        # «облако SMB целиком ниже»
    for part in (smb, mm):
        assert part["posts"].corr(part["pipeline_rub"]) < 0.2          # «больше постов не значит больше пайплайна»
    assert (r["team"] == "enterprise").sum() == 6                      # «в enterprise шесть точек»


def test_panel_has_about_two_dozen_aes(panel):
    assert 15 <= panel["rep_id"].nunique() <= 30      # «на двух десятках AE»


def test_cadence_managers_post_most_and_ae_about_one_post_in_two_weeks():
    c = social.cadence(table("social_posts"), table("reps"))
    assert c["total"].idxmax() == "manager"
    assert 0.35 < c.loc["AE", "total"] < 0.7


def test_linked_leads_are_a_tenth_of_free_channel_leads():
    leads = table("leads")
    share = len(table("social_post_leads")) / leads["channel"].isin(["organic", "content", "events"]).sum()
    assert 0.03 < share < 0.2


# --- решения учащегося ----------------------------------------------------------------------------------


def test_q1_toolkit_answer_passes():
    f = social.platform_funnel(table("social_posts"), table("social_post_leads"), table("leads"),
                               table("opportunities"), authors="reps")
    assert ex.q1.check((f["won_acv_rub"] / f["posts"]).rename("won_acv_per_post")).passed


def test_q2_statsmodels_dummies_answer_passes(panel):
    fit = smf.ols("pipeline_rub ~ posts + C(team)", panel).fit()
    assert ex.q2.check(fit.params["posts"]).passed
    assert not ex.q2.check(smf.ols("pipeline_rub ~ posts", panel).fit().params["posts"]).passed


def _hour_cost_by_hand(team=None):
    r = table("reps")
    active = r[(r["role"] == "AE") & r["exit_date"].isna()]
    if team:
        active = active[active["team"] == team]
    return active["base_salary_rub"].mean() * 12 * (1 + course.PAYROLL_TAX_RATE) / social.WORK_HOURS_2025


def test_q3_answer_and_q4_q5_by_hand():
    assert ex.q3.check("team").passed
    mm = ex.ae_post_value(team="mid_market")
    assert ex.q4.check(_hour_cost_by_hand("mid_market") / mm["value_per_hour"]).passed
    everyone = ex.ae_post_value()
    res = ex.q4.check(_hour_cost_by_hand() / everyone["value_per_hour"])      # число из текста раздела
    assert not res.passed
    hours = 2 * social.WORK_HOURS_2025 / 40
    assert ex.q5.check(hours * (0.2 * everyone["value_per_hour"] - _hour_cost_by_hand())).passed


def test_mid_market_hour_costs_more_and_is_worth_more():
    """Отзыв на упражнение про mid-market: «оклад выше среднего, но и сделки крупнее»."""
    assert _hour_cost_by_hand("mid_market") > _hour_cost_by_hand()
    assert ex.ae_post_value(team="mid_market")["value_per_hour"] > ex.ae_post_value()["value_per_hour"]
    assert ex.break_even() < ex.break_even(team=None, salary_team=None)


def test_q6_answer_and_authors_only_mistake():
    c = social.cadence(table("social_posts"), table("reps"), *course.YEAR_2025)
    answer = pd.DataFrame({"posts_per_week": c.loc["AE"]})
    assert ex.q6.check(answer).passed
    res = ex.q6.check(ex._cadence_active_only())
    assert not res.passed
