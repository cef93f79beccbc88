"""Раздел 9.2: утверждения текста верны на данных; упражнения ловят свои ошибки."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesbook.exercises import ch09_health as ex
from salesbook.exercises import table
from salesbook.toolkit import experiments
from salesbook.toolkit import health as H
from salesbook.toolkit import lead_scoring as ls


@pytest.fixture(scope="module")
def parts():
    return ex.frames()


# --- Часть 1 -------------------------------------------------------------------


def test_annual_customers_without_renewal_do_not_leave():
    snap = H.snapshot("2024-12-01", *ex._tables())
    assert snap.loc[~snap["at_risk"], "churned"].sum() == 0
    assert snap.loc[snap["at_risk"], "churned"].sum() > 0
    # никто не ушёл в сам день среза: решение уже принято, в оценку такие клиенты не входят
    gone = snap["account_id"].map(table("accounts").set_index("account_id")["churned_on"])
    assert not (gone <= pd.Timestamp("2024-12-01")).any()


def test_train_outcomes_are_known_before_the_first_test_cutoff():
    last_window_end = pd.Timestamp(H.TRAIN_CUTOFFS[-1]) + pd.DateOffset(months=H.WINDOW_MONTHS)
    assert last_window_end <= pd.Timestamp(H.TEST_CUTOFFS[0])


def test_single_signals_point_the_way_the_text_says(parts):
    train, _ = parts
    single = ls.single_feature_auc(train, list(H.NUMERIC), target="churned")
    top = (single - 0.5).abs().idxmax()
    assert top in H.USAGE_SIGNALS and single[top] < 0.5       # «первый — сигнал использования, связь обратная»
    assert single["days_late_last"] > 0.5                     # «просрочка тоже несёт сигнал»
    assert single["monthly_plan"] < 0.5                       # помесячный связан с уходом обратно


def test_colours_order_risk_but_most_churners_are_not_red(parts):
    _, test = parts
    c = H.colour(H.weighted_score(test)).to_numpy()
    rate = test.groupby(c)["churned"].mean()
    assert rate["red"] > rate["yellow"] > rate["green"]
    assert test.loc[c == "red", "churned"].sum() < 0.5 * test["churned"].sum()


def test_public_sector_pays_late_by_procedure(parts):
    both = pd.concat(parts)
    public = both["industry"].eq("public_sector")
    late = both["days_late_last"] > 10
    assert late[public].mean() > late[~public].mean()
    private = both[~public]
    assert private.loc[late[~public], "churned"].mean() > private.loc[~late[~public], "churned"].mean()


def test_model_and_index_beat_rule_learned_weights_do_not_beat_index(parts):
    train, test = parts
    auc_rule = ls.auc(test["churned"], H.old_rule(test).astype(float))
    auc_index = ls.auc(test["churned"], -H.weighted_score(test))
    auc_blocks = ls.auc(test["churned"], H.fit_predict_blocks(train, test))
    assert ex.model_auc() > auc_rule and auc_index > auc_rule    # «и модель, и индекс лучше старого правила»
    assert auc_blocks < auc_index + 0.02                         # «веса на тех же блоках индекс не обгоняют»
    assert 0.7 < ex.model_auc() < 0.9
    assert train["churned"].sum() / (len(H.NUMERIC) + 2) < 10      # «меньше десяти событий на коэффициент»


def test_traps_inflate_or_deflate_auc(parts):
    honest = ex.model_auc()
    assert ex.model_auc("train") > honest                    # обучение
    assert ex.model_auc("all") < honest                      # клиенты, которые не могут уйти
    rows = ex.random_split_aucs()
    train, test = parts
    accounts = H.split_aucs(pd.concat([train, test], ignore_index=True), n_splits=20, by_account=True)
    assert rows.max() > honest + 0.02                        # «удачная случайная проверка покажет заметно больше»
    assert abs(accounts.mean() - rows.mean()) < 0.05         # «разбиение клиентов целиком даёт почти то же»


def test_capacity_top_of_list(parts):
    _, test = parts
    k = ex.capacity()
    model = ex.reached()
    rule = H.top_k_total(H.top_k(test, H.old_rule_order(test), k))
    assert model["caught"] > rule["caught"]                  # «модель ловит больше ушедших»
    assert model["lift"] > 1.5
    assert sum(k.values()) < 0.3 * len(test)                 # команда успевает верхушку, а не весь список
    top3 = test["churned_mrr"].nlargest(3).sum() / test["churned_mrr"].sum()
    assert top3 > 0.25                                       # «рубли решают несколько крупных уходов»
    called = H.top_k_members(test, ex.scores(), k)
    assert called["segment"].eq("smb").mean() > 0.5          # в очереди модели — в основном малый бизнес
    smb_mrr = called.loc[called["segment"].eq("smb"), "mrr_rub"].median()
    assert 0.4 < ex.play_cost() / smb_mrr < 2.5               # «сценарий стоит сопоставимо с месяцем MRR»


# --- Часть 2 -------------------------------------------------------------------


def _rct_signals():
    p = ex.plays()
    cutoffs = sorted(p["flag_date"].dt.strftime("%Y-%m-%d").unique())
    snaps = H.snapshots(cutoffs, *ex._tables())
    x = p.merge(snaps, left_on=["flag_date", "account_id"], right_on=["cutoff", "account_id"], suffixes=("", "_snap"))
    return x.assign(health_score=H.weighted_score(x), annual=x["billing"].eq("annual").astype(int),
                    smb=x["segment"].eq("smb").astype(int))


def test_naive_2024_gap_and_who_was_called():
    assert ex.q5.expected_value() < 0                        # «в пользу» звонка
    x = _rct_signals()
    b = H.balance(x[x["program"].eq("csm_choice")], ["health_score"])
    assert b.loc["health_score", "smd"] > 0.2                # выбранные CSM здоровее


def test_rct_balance_interval_and_missed_meetings():
    x = _rct_signals()
    r = x[x["program"].eq("rct")]
    b = H.balance(r, ["annual", "smb"])
    assert b["smd"].abs().max() < 0.1                        # слои жребия выровнены
    cols = ["health_score", "utilisation", "nps_answered", "tickets_per_seat_90d", "days_late_last", "annual", "smb", "mrr_rub"]
    assert H.balance_test(r, cols) > 0.01
    itt = H.compare_groups(ex.plays()[ex.plays()["program"].eq("rct")])
    se = (itt.loc["difference", "high"] - itt.loc["difference", "low"]) / (2 * 1.96)
    assert abs(itt.loc["difference", "rate"]) < 3 * se        # эффект ноль по построению: оценка в пределах шума
    redraws = H.rerandomise(r, 0.5 + 0.4 * r["health_score"] / 100, n_sim=1000, seed=2025, strata="billing")
    assert abs(redraws["itt"].mean()) < 0.005                # по назначению — ноль
    assert redraws["per_protocol"].mean() < redraws["itt"].mean() - 0.002   # «встреча − контроль» смещено к пользе


def test_power_is_low_and_needed_sample_is_years():
    p1 = ex.control_rate()
    n = experiments.sample_size_pooled(p1, p1 * 0.75)
    assert n > 3 * ex.flagged_2025()
    n_now = int(ex.plays().query("program == 'rct' and group == 'play'").shape[0])
    mde = experiments.detectable_p2(n_now, 1 - p1) - (1 - p1)
    assert mde / p1 > 2 * ex.RELATIVE_EFFECT                 # «правдоподобный эффект в разы меньше»


def test_decision_and_thresholds_by_segment():
    low, high = ex.rct_interval()
    assert high - low > 0.10                                 # «ширина — больше десятка п. п.»
    assert ex.decision() != "launch"
    assert ex.decision() == experiments.decide(low, high, ex.breakeven())
    assert 0.005 < ex.breakeven() < 0.1
    r = ex.rct_mrr()
    med = r.groupby("segment")["mrr_rub"].median()
    thr = H.breakeven(ex.play_cost(), med, ex.gross_margin())
    assert thr["smb"] > 0.4 * ex.control_rate()               # «сопоставимо с самим оттоком»
    assert (thr.drop("smb") < 0.01).all()                     # «у среднего и крупного — доли п. п.»
    assert thr["smb"] > 2 * ex.breakeven()                    # средний порог — фикция для малого бизнеса


@pytest.mark.parametrize("q", [ex.q1, ex.q2, ex.q3, ex.q4, ex.q5, ex.q6, ex.q7])
def test_mistakes_differ_from_answer(q):
    expected = q.expected_value()
    for m in q.mistakes:
        if m.value is not None:
            assert not np.isclose(m.value(), expected, rtol=0.01), m.name
    assert not any(m.matches(expected) for m in q.mistakes if m.matches is not None)


def test_guarded_mistakes_fire_when_they_differ():
    """Ошибки, чьё значение на данных может совпасть с эталоном: подсказка — когда значение ошибки от эталона
    отличается, тишина — когда совпадает. На наших данных большинство отличается, и подсказка срабатывает."""
    assert ex._differs(10.0, 10.0, 12.0, tol=0) and not ex._differs(10.0, 10.0, 10.0, tol=0)
    assert ex._differs(0.2, 0.2005, 0.25) and not ex._differs(0.2, 0.2, 0.201)
    by_id = {q.id: q for q in (ex.q1, ex.q2, ex.q3, ex.q4, ex.q5, ex.q6, ex.q7)}
    fired = 0
    for (qid, name), (value, expected, tol) in ex.GUARDED.items():
        q = by_id[qid]
        mistake = next(m for m in q.mistakes if m.name == name)
        wrong = value()
        if ex._differs(wrong, wrong, expected(), tol):
            r = q.check(wrong)
            # если две ошибки на данных дают одно число, подсказка — первой из них
            norm = q.compare.normalize(wrong)
            same = [m.hint for m in q.mistakes
                    if (m.matches is not None and m.matches(norm))
                    or (m.value is not None and q.compare.equal(norm, q.mistake_value(m.name)))]
            assert r.status == "incorrect" and mistake.hint in same and r.message == same[0], (qid, name)
            fired += 1
        else:
            assert not mistake.matches(expected())
    assert fired >= 0.7 * len(ex.GUARDED)
    r = ex.q2.check(82.5)
    assert r.status == "incorrect" and "процентах" in r.message


def test_decision_exercise_hints_and_labels():
    expected = ex.decision()
    assert ex.q8.check(expected).status == "correct"
    assert ex.q8.check(ex.DECISION_LABELS[expected]).status == "correct"      # русская подпись тоже принимается
    for wrong in set(experiments.DECISIONS) - {expected}:
        r = ex.q8.check(wrong)
        assert r.status == "incorrect" and r.message == next(m.hint for m in ex.q8.mistakes if m.name == wrong)
    bad = ex.q8.check("масштабировать")
    assert bad.status == "invalid" and "не масштабировать" in bad.message


def test_bad_input_gets_russian_message():
    for q in (ex.q1, ex.q4, ex.q7):
        for bad in (None, "ноль", float("nan"), table("accounts")):
            r = q.check(bad)
            assert r.status == "invalid" and any("а" <= ch <= "я" for ch in r.message.lower())
