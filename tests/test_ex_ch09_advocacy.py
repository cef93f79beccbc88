"""Раздел 9.4: утверждения текста верны на данных; упражнения ловят свои ошибки и не падают на мусоре."""

import numpy as np
import pandas as pd
import pytest

from salesbook.exercises import ch09_advocacy as ex
from salesbook.exercises import table
from salesbook.runtime.checks import ___
from salesbook.toolkit import acquisition, advocacy, course


@pytest.mark.parametrize("q", [ex.q1, ex.q2, ex.q4])
def test_solution_passes_and_mistakes_get_their_hints(q):
    assert q.check(q.expected_value()).status == "correct"
    for m in q.mistakes:
        wrong = q.mistake_value(m.name)
        assert not np.isclose(wrong, q.expected_value(), rtol=0.01), m.name
        result = q.check(wrong)
        assert result.status == "incorrect" and result.message == m.hint, m.name


def test_verdict_noise_and_point_comparison_gets_its_hint():
    assert ex.q3.expected_value() == "шум"
    assert ex.q3.check("шум").status == "correct"
    result = ex.q3.check(ex._point_only_verdict())
    assert result.status == "incorrect" and result.message == ex.q3.mistakes[0].hint
    assert ex.q3.check("рост").status == "incorrect"


@pytest.mark.parametrize("q", [ex.q1, ex.q2, ex.q3, ex.q4])
@pytest.mark.parametrize("bad", [None, "тридцать", float("nan"), pd.DataFrame({"nps": [9]}), [1, 2]])
def test_bad_input_gets_russian_message(q, bad):
    result = q.check(bad)
    assert result.status in ("invalid", "incorrect")
    assert any(ch in result.message for ch in "абвгдеёжзийклмнопрстуфхцчшщыэюя")


@pytest.mark.parametrize("q", [ex.q1, ex.q2, ex.q3, ex.q4])
def test_blank_is_unattempted(q):
    assert q.check(___).status == "unattempted"


def test_messages_do_not_reveal_expected_value():
    for q in (ex.q1, ex.q2, ex.q4):
        shown = f"{q.expected_value():.1f}".replace(".", ",")
        for text in [*q.hints, *(m.hint for m in q.mistakes)]:
            assert shown not in text


# --- утверждения текста раздела ----------------------------------------------------------------------


def _quarters(s):
    return [q for q in sorted(s["quarter"].unique()) if q >= "2024Q1"]


def test_quarterly_changes_are_within_noise():
    """«С поправкой Холма ни одно изменение не значимо; общий тест и тренд не отличают колебания от шума»."""
    s = ex.survey()
    changes = advocacy.nps_quarter_changes(s, _quarters(s))
    assert (changes["p_holm"] >= 0.05).all()
    stability = advocacy.nps_stability_test(s, _quarters(s))
    assert stability["p_value"] > 0.05
    assert stability["slope_low"] < 0 < stability["slope_high"]


def test_paired_interval_is_narrower_than_independent():
    """«Интервал с поправкой уже: формула для независимых выборок здесь слишком осторожна»."""
    s = ex.survey()
    q = _quarters(s)
    paired = advocacy.nps_quarter_changes(s, q)
    for (a, b), row in paired.iterrows():
        naive = advocacy.nps_change(s.loc[s["quarter"] == a, "nps"], s.loc[s["quarter"] == b, "nps"])
        assert row["se"] < naive["se"]
        assert row["change"] == pytest.approx(naive["change"])


def test_annual_nps_in_2025_is_inside_published_range():
    s = ex.survey()
    nps, low, high = advocacy.nps_interval(s.loc[s["quarter"].str.startswith("2025"), "nps"].dropna())
    assert 20 < low < nps < high < 62


def test_referral_channel_is_cheaper_than_paid_but_tiny():
    spend, leads, opps = table("marketing_spend"), table("leads"), table("opportunities")
    paid = acquisition.blended_and_paid_cac(acquisition.channel_funnel(spend, leads, opps, *ex.PROGRAMME))["paid"]
    x = ex.programme_inputs()
    cac = (x["rewards"] + x["fixed_per_customer"] * x["customers"]) / x["customers"]
    assert cac < paid / 2
    share = x["customers"] / acquisition.new_customers(opps, *ex.PROGRAMME)
    assert share < 0.05


def test_payback_advantage_rests_on_one_deal():
    """«Преимущество программы по окупаемости держится на одной сделке»: по среднему MRR окупаемость заметно короче
    платной, по медианному клиенту — нет; самая крупная сделка — заметная доля ACV программы."""
    spend, leads, opps, mrr, cogs = (table(n) for n in ("marketing_spend", "leads", "opportunities", "mrr", "cogs"))
    channels = acquisition.channel_funnel(spend, leads, opps, *ex.PROGRAMME)
    paid_cac = acquisition.blended_and_paid_cac(channels)["paid"]
    new = acquisition.new_customer_deals(opps, leads)
    new = new[acquisition.in_period(new["close_date"], *ex.PROGRAMME)]
    paid_mrr = new.loc[new["channel"].isin(channels[channels["spend_rub"] > 0].index), "amount_rub"].mean() / 12
    gm = ex.programme_inputs()["gross_margin"]
    paid_payback = paid_cac / (paid_mrr * gm)
    customers = advocacy.referral_customers(table("referrals"), opps, *ex.PROGRAMME)
    cac = advocacy.referral_costs(table("referrals"), *ex.PROGRAMME).sum() / len(customers)
    assert cac / (customers["amount_rub"].mean() / 12 * gm) < 0.8 * paid_payback
    assert cac / (customers["amount_rub"].median() / 12 * gm) > 0.9 * paid_payback
    assert customers["amount_rub"].max() / customers["amount_rub"].sum() > 0.25
    assert customers["segment"].eq("smb").mean() > 0.8


def test_referral_participation_is_plausible_for_b2b():
    """«За 2025 год приглашали … платящих клиентов; … пригласивших приглашали один раз — как у поставщика (61 %)»."""
    r = table("referrals")
    usage = table("product_usage")
    customers = usage[usage["month"].dt.year == 2025].groupby("month")["account_id"].nunique().mean()
    share = r.loc[r["invited_date"].dt.year == 2025, "referrer_account_id"].nunique() / customers
    assert 0.05 < share < 0.25                      # заметно ниже 36 % записавшихся у поставщика
    per = r.groupby("referrer_account_id").size()
    assert (per == 1).mean() > 0.5


def test_referral_leads_convert_like_organic():
    """«Лид из приглашения становится клиентом почти как обычный органический лид»: органика внутри интервала Уилсона."""
    from statsmodels.stats.proportion import proportion_confint

    leads, opps = table("leads"), table("opportunities")
    f = advocacy.referral_funnel(table("referrals"), opps, *ex.PROGRAMME)
    organic = leads[(leads["channel"] == "organic") & acquisition.in_period(leads["created_date"], *ex.PROGRAMME)]
    rate = organic["opportunity_id"].map(opps.set_index("opportunity_id")["outcome"]).eq("won").mean()
    low, high = proportion_confint(f["won"], f["leads"], method="wilson")
    assert low < rate < high


def test_recommendation_cycle_is_longer_than_a_year():
    """«Настоящий цикл рекомендаций — около …, дольше года»."""
    r, acc = table("referrals"), table("accounts").set_index("account_id")
    won = r[r["reward_rub"] > 0]
    cycle = ((won["reward_date"] - won["referrer_account_id"].map(acc["customer_since"])).dt.days / 30.4).median()
    assert 12 < cycle < 24


def test_max_reward_uses_the_typical_customer():
    x = ex.programme_inputs()
    assert x["mrr_mean"] > 1.3 * x["mrr"]            # «среднее тянет вверх одна крупная сделка»
    assert ex._max_reward(mean=True) > ex._max_reward()


def test_promoters_churn_less_than_detractors_in_2024():
    c = advocacy.churn_after_survey(ex.survey(), table("accounts"), *course.YEAR_2024)
    assert c.loc["detractor", "churn_rate"] > 3 * c.loc["promoter", "churn_rate"]


def test_referral_customers_churn_difference_is_within_noise():
    """«Клиенты программы ушли даже чаще… интервалы соприкасаются, p»: разница внутри малого бизнеса незначима."""
    from scipy.stats import fisher_exact
    from statsmodels.stats.proportion import proportion_confint

    opps, leads, accounts = table("opportunities"), table("leads"), table("accounts")
    new = acquisition.new_customer_deals(opps, leads)
    new = new[acquisition.in_period(new["close_date"], *ex.PROGRAMME) & new["segment"].eq("smb")]
    ref = new["opportunity_id"].isin(advocacy.referral_customers(table("referrals"), opps, *ex.PROGRAMME)["opportunity_id"])
    gone = new["account_id"].map(accounts.set_index("account_id")["churned_on"]).notna()
    assert gone[ref].mean() > gone[~ref].mean()
    assert proportion_confint(gone[ref].sum(), ref.sum(), method="wilson")[0] < gone[~ref].mean() * 1.05
    assert fisher_exact(pd.crosstab(ref, gone))[1] > 0.05


def test_reference_pool_shortage_story():
    """«В первых кварталах 2024 года пула не было…; в 2025 году без референса остались ещё …, все — в первом
    полугодии; нужного размера пул достиг только к концу года, а лимит кто-то выбирает каждый квартал»."""
    q = advocacy.reference_quarters(table("reference_requests"), table("reference_accounts"))
    q2024, q2025 = q[q.index.str.startswith("2024")], q[q.index.str.startswith("2025")]
    assert q2024.iloc[0]["pool_at_start"] == 0
    assert q2025["no_reference"].sum() > 0
    assert q.loc[["2025Q3", "2025Q4"], "no_reference"].sum() == 0
    needed = advocacy.pool_needed(q2025["requests"].mean(), advocacy.REFERENCE_CALL_CAP, 0.7)
    assert q.loc["2025Q4", "pool_at_start"] < needed
    assert q.loc["2025Q3", "pool_avg"] < needed <= q.loc["2025Q4", "pool_avg"]
    assert (q.loc[q["call_held"] > 0, "max_calls_per_reference"] == advocacy.REFERENCE_CALL_CAP).all()
    assert q2024["no_reference"].sum() / q2024["requests"].sum() > q2025["no_reference"].sum() / q2025["requests"].sum()


def test_reference_call_effect_is_not_detected_and_confounded_by_year():
    """«Эффект звонка не обнаружен (ноль в интервале); просьбы без звонка — в основном 2024 года, звонки — 2025»."""
    rq, opps = table("reference_requests"), table("opportunities")
    gap = advocacy.reference_call_gap(rq, opps, *course.YEARS_2024_2025)
    assert gap["low"] < 0 < gap["high"]
    q = advocacy.reference_quarters(rq, table("reference_accounts"))
    short = advocacy.reference_call_gap(rq, opps, *course.YEARS_2024_2025, quarters=q.index[q["no_reference"] > 0])
    assert short["low"] < 0 < short["high"]
    no_call = rq["status"] != "call_held"
    assert rq.loc[no_call, "request_date"].dt.year.eq(2024).mean() > 0.5
    assert rq.loc[~no_call, "request_date"].dt.year.eq(2025).mean() > 0.5


def test_nonresponse_checks_find_no_bias():
    """«Разница ушедших — ноль внутри интервала; промолчавшие потом отвечают не хуже ответивших, в пределах шума»."""
    from salesbook.toolkit import experiments

    c = advocacy.churn_after_survey(ex.survey(), table("accounts"), *course.YEAR_2024)
    answered = c.drop(index="no_answer")[["churned", "customers"]].sum()
    low, high = experiments.diff_confint(c.loc["no_answer", "churned"], c.loc["no_answer", "customers"],
                                         answered["churned"], answered["customers"])
    assert low < 0 < high
    nxt = advocacy.next_answer_nps(ex.survey(), *course.YEAR_2024)
    assert nxt.loc["no_answer", "nps"] > nxt.loc["answered", "low"]
    rr = advocacy.churn_ratio(c, "detractor", "promoter")
    assert rr["low"] > 1.5                            # «в разы» надёжно


def test_choice_accepts_trailing_period():
    assert ex.q3.check("Шум.").status == ex.q3.check("шум").status
