"""Раздел 4.3: утверждения текста верны на данных; решения учащегося разными путями проходят."""

from __future__ import annotations

import pandas as pd
import pytest

from salesbook.exercises import ch04_functions as ex
from salesbook.exercises import table
from salesbook.toolkit import acquisition, course, crossfunc, cycle, inbound


@pytest.fixture(scope="module")
def smb_by_card():
    out = crossfunc.handoff_outcomes(table("handoffs"), table("accounts"))
    return crossfunc.churn_rates(out[out["segment"] == "smb"])


# --- Маркетинг → продажи ---------------------------------------------------------

def test_sla_view_matches_section_6_1_and_breaches_are_scattered():
    touches = inbound.first_touch(table("leads"), table("activities"))
    t25 = touches[acquisition.in_period(touches["created_date"], *course.YEAR_2025)]
    cells = inbound.sla_breaches(t25, by=["month", "sdr_id"])["breaches"]
    by_sdr = inbound.sla_breaches(t25)
    assert cells.sum() == by_sdr["breaches"].sum()           # та же функция, то же число, что в 6.1
    assert cells.max() <= 0.1 * by_sdr["breaches"].sum()     # «редки и разбросаны»: в клетке SDR × месяц — единицы


def test_rejections_claims():
    leads = table("leads")
    by = crossfunc.mql_rejections(leads, *course.YEAR_2025)
    # самая высокая доля — у канала с малым числом MQL (ниже медианы каналов)
    worst = by["rejected_share"].idxmax()
    assert by.loc[worst, "mqls"] < by["mqls"].median()
    # самая частая причина — «не отвечает»
    rej = crossfunc.worked_mqls(leads, *course.YEAR_2025).query("rejected")["disqualify_reason"]
    assert rej.value_counts().index[0] == "no_response"
    # регистрации пробного периода SDR не работает: у взятых SDR MQL пробного периода нет
    assert not crossfunc.worked_mqls(leads, *course.YEAR_2025)["trial_started"].any()


# --- Продажи → успех клиентов -----------------------------------------------------

def test_card_items_claims():
    h = table("handoffs")
    items = list(crossfunc.HANDOFF_ITEMS)
    smb = h[h["segment"] == "smb"][items].mean()
    assert h[items].mean().idxmin() == "promises_logged"          # «хуже всего с обещаниями продавца»
    assert smb.idxmin() == "promises_logged" and smb.idxmax() == "goals_recorded"


def test_early_churn_only_in_smb():
    out = crossfunc.handoff_outcomes(table("handoffs"), table("accounts"))
    assert out.loc[out["segment"] != "smb", "early_churn"].sum() == 0
    assert out.loc[out["segment"] == "smb", "early_churn"].sum() > 0


def test_point_estimates_differ_but_difference_interval_includes_zero(smb_by_card):
    from statsmodels.stats.proportion import confint_proportions_2indep
    full, partial = smb_by_card.loc["full"], smb_by_card.loc["partial"]
    assert partial["rate"] > 1.5 * full["rate"]               # «заметно», «почти вдвое» (подсказка q4)
    assert partial["rate"] < 2.2 * full["rate"]
    assert full["high"] >= partial["low"]                       # интервалы перекрываются
    assert full["churned"] < 10                                 # уходов с полной карточкой — единицы
    low, high = confint_proportions_2indep(partial["churned"], partial["customers"], full["churned"], full["customers"],
                                           method="newcomb")
    assert low < 0 < high                                       # «интервал разницы включает ноль»
    assert ex.reading() == "association"


def test_card_fill_claims_in_the_box():
    h = table("handoffs")
    by = h.groupby("segment")["completeness"].mean()
    assert by["mid_market"] <= by["smb"] + 0.02                 # mid-market не полнее SMB, вопреки сдвигу генератора
    assert by["enterprise"] > max(by["smb"], by["mid_market"])  # «полнее карточки только в enterprise»
    out = crossfunc.handoff_outcomes(h, table("accounts"))
    assert out.loc[out["segment"] != "smb", "early_churn"].sum() == 0


def test_breakeven_near_one_point_and_below_the_gap(smb_by_card):
    reps = table("reps")
    cost = ex.call_cost_per_deal()
    breakeven = crossfunc.handoff_call_breakeven(cost, ex.smb_ltv())
    gap = smb_by_card.loc["partial", "rate"] - smb_by_card.loc["full", "rate"]
    assert 0.005 < breakeven < 0.02 and breakeven < gap         # «порог в один-два пункта», ниже наблюдаемой разницы
    assert abs(ex.net_rub()) < 0.1 * ex.smb_new_customers_2025() * cost   # «примерно окупается — и только»
    assert ex.net_rub(loss=ex.smb_first_year_gross_profit()) < 0         # «с ней созвон заметно в минусе»
    assert ex.smb_ltv() < ex.smb_ltv_unbounded()                # LTV без горизонта завышает потерю
    from statsmodels.stats.proportion import confint_proportions_2indep
    f, p = smb_by_card.loc["full"], smb_by_card.loc["partial"]
    low, high = confint_proportions_2indep(p["churned"], p["customers"], f["churned"], f["customers"], method="newcomb")
    first_year = cost / ex.smb_first_year_gross_profit()
    assert low < breakeven < high and low < first_year < high    # «каждый из порогов лежит внутри интервала»
    assert (table("handoffs")["segment"] == "enterprise").sum() < 30   # «в enterprise карточек всего …»
    ae = reps[(reps["role"] == "AE") & reps["exit_date"].isna()]
    from salesbook.toolkit import social
    assert crossfunc.hour_cost(reps, "AE") == pytest.approx(social.rep_hour_cost(ae["base_salary_rub"].mean()))  # как в 2.4


def test_reasons_do_not_depend_on_channel():
    from scipy.stats import chi2_contingency
    w = crossfunc.worked_mqls(table("leads"), *course.YEAR_2025).query("rejected")
    assert chi2_contingency(pd.crosstab(w["channel"], w["disqualify_reason"]))[1] > 0.1   # «это шум»


def test_q6_first_year_alternative_passes_and_unbounded_ltv_gets_its_hint():
    assert ex.q6.check(ex.net_rub(loss=ex.smb_first_year_gross_profit())).passed
    r = ex.q6.check(ex.net_rub(loss=ex.smb_ltv_unbounded()))
    assert not r.passed and "без горизонта" in r.message


# --- Продажи → продукт и финансы -------------------------------------------------

def test_loss_reason_claims():
    opps = table("opportunities")
    by = crossfunc.lost_acv(opps, *course.YEAR_2025)
    assert by.index[0] == "competitor" and by.index[-1] == "missing_features"
    comp = crossfunc.lost_acv(opps[opps["loss_reason"] == "competitor"], *course.YEAR_2025, by="competitor")
    assert comp.index[0] == "etalonitsm"
    gaps = crossfunc.lost_acv(opps[opps["loss_reason"] == "missing_features"], *course.YEAR_2025, by="competitor")
    assert gaps.loc["none", "share"] > 0.5                       # большая часть — без названного конкурента


def test_forecast_view_is_the_10_3_backtest():
    b = cycle.forecast_backtest(table("opportunities"), table("opportunity_stages"), "2025-06-30", "2025-12-31")
    assert b.loc["horizon", "error"] < 0                        # выбранный метод недооценил
    assert b.loc[["crm", "censored"], "error"].abs().max() < abs(b.loc["horizon", "error"])   # другие ближе на этой дате


def test_section_raci_is_valid_and_broken_one_has_four_problems():
    assert crossfunc.raci_problems(ex.broken_raci())["process"].nunique() == 4


# --- Упражнения: альтернативные решения ------------------------------------------

def test_q1_pandas_answer_passes():
    leads = table("leads")
    m = leads[(leads["channel"] != "outbound") & leads["sdr_id"].notna()
              & (leads["mql_date"] >= "2025-01-01") & (leads["mql_date"] <= "2025-12-31")]
    assert ex.q1.check((m["status"] == "disqualified").mean()).passed


def test_q2_series_answer_passes():
    opps = table("opportunities")
    lost = opps[(opps["outcome"] == "lost") & (opps["close_date"].dt.year == 2025)]
    assert ex.q2.check(lost.groupby("loss_reason")["amount_rub"].sum().rename("lost_acv_rub")).passed


def test_q3_statsmodels_answer_passes():
    from statsmodels.stats.proportion import proportion_confint
    out = crossfunc.handoff_outcomes(table("handoffs"), table("accounts"))
    smb = out[out["segment"] == "smb"]
    g = smb.groupby("card")["early_churn"].agg(["sum", "size"])
    low, high = proportion_confint(g["sum"], g["size"], method="wilson")
    answer = pd.DataFrame({"rate": g["sum"] / g["size"], "low": low, "high": high})
    assert ex.q3.check(answer).passed


def test_q5_other_valid_fix_passes_and_partial_fix_gets_its_hint():
    fixed = ex.broken_raci()
    fixed.loc["handoff", "cs_head"] = "C"           # другой допустимый выбор: отвечает руководитель продаж
    fixed.loc["renewal", "cs_head"] = "A"
    fixed.loc["pricing_exception", "sales_head"] = "C"
    fixed.loc["forecast", "sales_head"] = "A/R"
    assert ex.q5.check(fixed).passed
    partial = ex.broken_raci()
    partial.loc["handoff", "sales_head"] = "C"
    r = ex.q5.check(partial)
    assert not r.passed and "продлению" not in r.message and "renewal" in r.message


def test_q5_changed_shape_is_invalid_not_a_traceback():
    r = ex.q5.check(ex.broken_raci().drop(columns="product"))
    assert r.status == "invalid"
