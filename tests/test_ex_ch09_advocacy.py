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


def test_quarterly_changes_are_within_noise():
    """«Сдвиг на несколько пунктов от квартала к кварталу — в пределах шума»: ни одно изменение 2024–2025 не значимо."""
    s = ex.survey()
    quarters = [q for q in sorted(s["quarter"].unique()) if q >= "2024Q1"]
    changes = [advocacy.nps_change(s.loc[s["quarter"] == a, "nps"], s.loc[s["quarter"] == b, "nps"])
               for a, b in zip(quarters, quarters[1:])]
    assert all(c["low"] < 0 < c["high"] for c in changes)
    assert max(abs(c["change"]) for c in changes) > 10        # даже сдвиг больше 10 п. — шум


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
    f = advocacy.referral_funnel(table("referrals"), opps, *ex.PROGRAMME)
    assert f["invitations"] / f["referrers"] < 3


def test_max_reward_exceeds_current_reward():
    x = ex.programme_inputs()
    assert ex._max_reward() > 3 * x["rewards"] / x["customers"]


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


def test_reference_pool_covers_2025_requests():
    q = advocacy.reference_quarters(table("reference_requests"), table("reference_accounts"))
    needed = advocacy.pool_needed(q.loc[q.index.str.startswith("2025"), "requests"].mean(), advocacy.REFERENCE_CALL_CAP, 0.7)
    assert q.loc["2025Q4", "pool_at_start"] >= needed - 2
