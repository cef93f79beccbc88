"""Утверждения текста раздела 8.1 «Генеративный ИИ в продажах» на данных курса."""

from __future__ import annotations

import pytest

from salesbook.data import load
from salesbook.exercises import ch08_genai as ex
from salesbook.toolkit import crossfunc
from salesbook.toolkit import genai_eval as ge


@pytest.fixture(scope="module")
def d():
    drafts = load("genai_outputs")
    opps, accounts, reps = load("opportunities"), load("accounts"), load("reps")
    return {"drafts": drafts, "opps": opps, "accounts": accounts, "hour": crossfunc.hour_cost(reps, "AE"),
            "flags": ge.auto_check(drafts, opps, accounts)}


def test_editing_is_several_times_faster_than_writing(d):
    """«Правка черновика в каждом сценарии занимает в разы меньше времени, чем текст с нуля»."""
    m = d["drafts"].groupby("use_case")[["manual_minutes", "edit_minutes"]].median()
    assert (m["manual_minutes"] / m["edit_minutes"] >= 2).all()
    assert m["manual_minutes"].idxmax() == "account_research"     # «дольше всего вручную — справка»


def test_api_cost_is_negligible(d):
    """«Цена API почти не видна: около долей процента сэкономленного времени»."""
    g = d["drafts"]
    m = g.groupby("use_case")[["manual_minutes", "edit_minutes", "tokens"]].mean()
    share = (m["tokens"] / 1000 * ex.PRICE_PER_1K_TOKENS) / ((m["manual_minutes"] - m["edit_minutes"]) / 60 * d["hour"])
    assert share.max() < 0.01


def test_case_intervals_are_wide_and_overlap(d):
    """«Интервалы по сценариям широкие и сильно перекрываются»; «справка выдумывает факты чаще всех»."""
    r = ge.error_rates(d["drafts"])
    assert ((r["high"] - r["low"]) > 0.10).all()
    assert r["low"].max() < r["high"].min()
    g = d["drafts"]
    fact = (g["label_final"] == "fact").groupby(g["use_case"]).mean()
    assert fact.idxmax() == "account_research"


def test_sample_size_exceeds_the_labelled_sample(d):
    """«Для ± 3 п. п. нужно в разы больше текстов, чем у нас на сценарий»."""
    rate = (d["drafts"]["label_final"] != "ok").mean()
    assert ge.sample_size(rate, 0.03) > 2 * d["drafts"].groupby("use_case").size().max()


def test_reviewers(d):
    """Каппа ниже доли совпадений и «умеренная»; A находит больше, B пропускает факты; ложных тревог — несколько процентов."""
    g = d["drafts"]
    a = (g["review_a"] != "ok").map({True: "defect", False: "ok"})
    b = (g["review_b"] != "ok").map({True: "defect", False: "ok"})
    k = ge.kappa(a, b, categories=("ok", "defect"))
    assert k < (a == b).mean() - 0.2
    assert ge.agreement_band(k) == "умеренное"
    defects, clean = g[g["label_final"] != "ok"], g[g["label_final"] == "ok"]
    assert (defects["review_a"] != "ok").mean() > (defects["review_b"] != "ok").mean() + 0.15
    facts = defects[defects["label_final"] == "fact"]
    assert (facts["review_b"] != "ok").mean() < (facts["review_a"] != "ok").mean()
    for col in ("review_a", "review_b"):
        assert 0.01 < (clean[col] != "ok").mean() < 0.10


def test_auto_checks_find_most_but_miss_the_uncheckable(d):
    """«Находят большинство дефектов»; пропускают только feature, name_only, subtle, free_work;
    ложные срабатывания — на цене модуля и цитате клиента."""
    g, f = d["drafts"], d["flags"]
    truth = g["label_final"] != "ok"
    q = ge.check_quality(f["any"], truth)
    assert 0.5 < q["recall"] < 1 and q["precision"] < 1
    missed = g[truth & ~f["any"]]
    assert set(missed["defect_detail"]) <= {"feature", "name_only", "subtle", "free_work"}
    false_alarms = g[~truth & f["any"]]["text"]
    assert false_alarms.str.contains("Модуль аналитики|срочно нужно").all()
    example = g[(g["label_final"] == "fact") & (g["defect_detail"] == "amount")]
    assert len(example) > 0 and f.loc[example.index, "fact"].all()


def _args(d, case, cost):
    t = d["drafts"][d["drafts"]["use_case"] == case]
    return (t, d["hour"], cost, ex.PRICE_PER_1K_TOKENS, d["flags"].loc[t.index, "any"])


def test_email_policy_is_conditional_on_the_catch_rate(d):
    """«Без проверки в N раз дороже ручного при любой c»; «интервал A накрывает порог»; «с проверяющим, как B,
    дороже ручного»; «бутстреп-интервал порога»; «без чужих ПДн порог ниже»."""
    args = _args(d, "followup_email", ex.ERROR_COST_EMAIL)
    catch, low, high = ge.reviewer_catch(d["drafts"], "review_a")
    be = ge.breakeven_catch(*args)
    at = {c: ge.policy_costs(*args, catch_rate=c) for c in (0.0, low, catch, high, 1.0)}
    assert all(v["auto_only"] > 5 * v["manual"] for v in at.values())
    assert low < be < high
    assert at[low]["review"] > at[low]["manual"] and at[high]["review"] < at[high]["manual"]
    assert ge.policy_costs(*args, catch_rate=be)["review"] == pytest.approx(at[1.0]["manual"])
    catch_b = ge.reviewer_catch(d["drafts"], "review_b")[0]
    assert ge.policy_costs(*args, catch_rate=catch_b)["review"] > at[1.0]["manual"]
    b_low, b_high = ge.breakeven_catch_interval(*args)
    assert b_low < be < b_high and b_high < 1
    no_pii = ge.breakeven_catch(*args[:2], {**ex.ERROR_COST_EMAIL, "pii": 0}, *args[3:])
    assert no_pii < be


def test_summary_policy(d):
    """«Для конспекта ручной текст проигрывает при любой доле; при доле A дешевле правка, при нижней границе —
    автопроверки без человека»."""
    args = _args(d, "call_summary", ex.ERROR_COST_SUMMARY)
    catch, low, _ = ge.reviewer_catch(d["drafts"], "review_a")
    at_catch, at_low = ge.policy_costs(*args, catch_rate=catch), ge.policy_costs(*args, catch_rate=low)
    assert at_catch["manual"] > at_catch["auto_only"]
    assert at_catch.idxmin() == "review" and at_low.idxmin() == "auto_only"
    assert low < ge.breakeven_catch(*args) < catch


def test_reviewer_a_was_lucky_on_emails(d):
    """Блок «Что заложено»: A нашёл все дефекты писем — больше заложенного; ложных тревог у A больше, чем у B,
    и это редкий исход при заложенной доле."""
    from scipy.stats import binom

    from salesbook.data.generator.params import genai as P

    g = d["drafts"]
    emails = g[(g["use_case"] == "followup_email") & (g["label_final"] != "ok")]
    assert (emails["review_a"] != "ok").all()
    assert 15 <= len(emails) <= 30                       # квиз: «дефектов в выборке два десятка»
    clean = g[g["label_final"] == "ok"]
    fa, fb = (clean["review_a"] != "ok").sum(), (clean["review_b"] != "ok").sum()
    assert fa > fb
    assert binom.sf(fa - 1, len(clean), P.REVIEWER_FALSE_ALARM["a"]) < 0.01
    rates = P.DEFECT_RATES["followup_email"]
    w = {k: rates[k] * ex.ERROR_COST_EMAIL[k] for k in rates}
    designed = sum(v * P.REVIEWER_RECALL["a"][k] for k, v in w.items()) / sum(w.values())
    assert designed < ge.reviewer_catch(g, "review_a")[0]


def test_fact_rate_difference_is_borderline(d):
    """«Разница долей выдуманных фактов справки и писем на грани случайной (тест Фишера)»."""
    from scipy.stats import fisher_exact

    g = d["drafts"]
    table = [[int((g.loc[g["use_case"] == c, "label_final"] == "fact").sum()), int(((g["use_case"] == c)
              & (g["label_final"] != "fact")).sum())] for c in ("account_research", "followup_email")]
    assert 0.01 < fisher_exact(table).pvalue < 0.10


def test_exercise_messages_hold(d):
    """q1: интервал писем шире 10 п. п.; q4: порог высокий; q5: при доле канареек решение — писать вручную,
    и оно не меняется на границах интервала Уилсона."""
    g = d["drafts"]
    emails = g[g["use_case"] == "followup_email"]
    _, low, high = ge.rate_ci(int((emails["label_final"] != "ok").sum()), len(emails))
    assert high - low > 0.10
    assert 90 < ex.q4.expected() < 100
    assert ex.q5.expected() == "manual" and ex._robust_decision()
    assert ge.rate_ci(ex.CANARY_CAUGHT, ex.CANARY_SEEDED)[2] * 100 < ex.q4.expected()


def test_hour_cost_is_the_one_of_sections_2_4_and_4_3(d):
    reps = load("reps")
    assert d["hour"] == pytest.approx(crossfunc.hour_cost(reps, "AE"))
