"""Раздел 3.2: упражнения на классификацию текста и функцию, ошибки по признакам ответа,
а также утверждения текста раздела, которые зависят от данных."""

import numpy as np
import pandas as pd
import pytest

from salesbook.content import challenger_snippets as snippets
from salesbook.content import meddic_notes as notes
from salesbook.exercises import ch03_modern as ex
from salesbook.exercises import table
from salesbook.runtime.checks import ___
from salesbook.toolkit import meddic

# --- 1. Поведение Challenger ------------------------------------------------------

RUSSIAN = {"teach": "Обучение", "tailor": "адаптация", "take_control": "Контроль", "relationship": "строитель отношений"}


def test_q1_accepts_case_synonyms_and_key_forms():
    key = snippets.answer_key()
    assert ex.q1.check(key).passed
    assert ex.q1.check({k.lower(): v.upper() for k, v in key.items()}).passed
    assert ex.q1.check({int(k[1:]): RUSSIAN[v] for k, v in key.items()}).passed
    assert ex.q1.check({k.replace("R", "Р"): v.replace("_", " ") for k, v in key.items()}).passed  # кириллическая Р
    assert ex.q1.check(pd.Series(key)).passed


@pytest.mark.parametrize("snippet", list(snippets.SNIPPETS))
def test_q1_every_wrong_label_is_explained(snippet):
    key = snippets.answer_key()
    for label in snippets.LABELS:
        if label == key[snippet]:
            continue
        answer = {**key, snippet: label}
        result = ex.q1.check(answer)
        assert result.status == "incorrect"
        known = {m.hint for m in ex.q1.mistakes}
        if result.message not in known:
            assert snippet in result.message
            assert snippets.SNIPPETS[snippet]["not"][label] in result.message


def test_q1_one_label_for_all_and_bad_shapes():
    result = ex.q1.check({k: "teach" for k in snippets.SNIPPETS})
    assert result.status == "incorrect" and "одна метка" in result.message
    assert ex.q1.check({**snippets.answer_key(), "R3": "давление"}).status == "invalid"
    assert ex.q1.check({"R1": "teach"}).status == "invalid"
    assert ex.q1.check({**snippets.answer_key(), "R9": "teach"}).status == "invalid"
    assert ex.q1.check({**snippets.answer_key(), "R2": ___}).status == "unattempted"


def test_q1_content_is_complete():
    labels = set(snippets.LABELS)
    assert set(snippets.answer_key().values()) == labels  # в наборе есть все четыре поведения
    for item in snippets.SNIPPETS.values():
        assert item["label"] in labels
        assert set(item["not"]) == labels - {item["label"]}
        assert all(text.strip() for text in item["not"].values())


# --- 2. Уровни MEDDIC по заметке -------------------------------------------------------


def test_q2_accepts_short_keys_strings_and_words():
    levels = notes.EXERCISE["levels"]
    short = dict(zip(["M", "E", "DC", "DP", "I", "C"], levels.values()))
    assert ex.q2.check(levels).passed
    assert ex.q2.check(short).passed
    assert ex.q2.check({k: str(v) for k, v in short.items()}).passed
    assert ex.q2.check({k: float(v) for k, v in levels.items()}).passed
    words = {0: "нет данных", 1: "частично", 2: "подтверждено"}
    assert ex.q2.check({k: words[v] for k, v in levels.items()}).passed
    english = {meddic.LETTER_INFO[k][1]: v for k, v in levels.items()}
    assert ex.q2.check(english).passed


def test_q2_any_single_wrong_letter_is_explained():
    levels = notes.EXERCISE["levels"]
    known = {m.hint for m in ex.q2.mistakes}
    for letter, right in levels.items():
        for wrong in {0, 1, 2} - {right}:
            result = ex.q2.check({**levels, letter: wrong})
            assert result.status == "incorrect"
            if result.message not in known:
                assert meddic.letter_name(letter) in result.message
                assert notes.RUBRIC[letter]["not"] in result.message


def test_q2_all_confirmed_and_invalid_levels():
    result = ex.q2.check({k: 2 for k in meddic.LETTERS})
    assert result.status == "incorrect" and "подтверждено" in result.message.lower()
    assert ex.q2.check({**notes.EXERCISE["levels"], "meddic_metrics": 3}).status == "invalid"
    assert ex.q2.check({**notes.EXERCISE["levels"], "meddic_metrics": True}).status == "invalid"


def test_notes_are_consistent():
    for note in (notes.EXAMPLE, notes.EXERCISE):
        assert set(note["levels"]) == set(meddic.LETTERS) == set(note["evidence"])
        assert set(note["levels"].values()) <= {0, 1, 2}
        for letter, level in note["levels"].items():
            assert note["evidence"][letter].rstrip(".").endswith(str(level))
    assert set(notes.RUBRIC) == set(meddic.LETTERS)


# --- 3. Функция meddic_score -------------------------------------------------------------

W = {"meddic_economic_buyer": 2, "meddic_champion": 2}


def loop_score(row):
    points = sum(W.get(c, 1) * row[c] for c in meddic.LETTERS)
    return points / (2 * sum(W.get(c, 1) for c in meddic.LETTERS))


def series_score(row):
    w = pd.Series({c: W.get(c, 1) for c in meddic.LETTERS})
    return float((row[list(meddic.LETTERS)].astype(float) * w).sum() / (2 * w.sum()))


def package_score(row):
    return meddic.score(row, W).iloc[0]


def numpy_score(row):
    lv = np.array([row[c] for c in meddic.LETTERS], dtype=float)
    w = np.array([1, 2, 1, 1, 1, 2], dtype=float)
    return np.float64(lv @ w / 16)


def mutating_score(row):
    row["meddic_metrics"] = 2  # портит строку — проверка даёт копию, остальные случаи не страдают
    return 0.0


@pytest.mark.parametrize("fn", [loop_score, series_score, package_score, numpy_score])
def test_q3_accepts_any_correct_implementation(fn):
    assert ex.q3.check(fn).passed


@pytest.mark.parametrize(
    "fn, mistake",
    [
        (lambda r: sum(r[c] for c in meddic.LETTERS) / 12, "unweighted"),
        (lambda r: sum(W.get(c, 1) * r[c] for c in meddic.LETTERS), "points"),
        (lambda r: sum(W.get(c, 1) * r[c] for c in meddic.LETTERS) / 8, "mean_level"),
        (lambda r: sum(W.get(c, 1) * r[c] for c in meddic.LETTERS) / 12, "unweighted_denominator"),
        (lambda r: 100 * loop_score(r), "percent"),
    ],
)
def test_q3_each_known_mistake_gets_its_hint(fn, mistake):
    hint = next(m.hint for m in ex.q3.mistakes if m.name == mistake)
    result = ex.q3.check(fn)
    assert result.status == "incorrect"
    assert result.message == hint


def test_q3_blank_crash_and_other_wrong_functions():
    def blank(row):
        return ___

    assert ex.q3.check(blank).status == "unattempted"

    def crash(row):
        return row["meddic_budget"]

    result = ex.q3.check(crash)
    assert result.status == "invalid" and "упала на сделке" in result.message
    result = ex.q3.check(mutating_score)
    assert result.status == "incorrect" and "На сделке" in result.message
    assert "0.0" in result.message or "0,0" in result.message


# --- 4–6. Таблица, регрессия, commit ------------------------------------------------------


def test_q4_percent_share_and_wrong_index():
    gaps = ex.q4.expected_value()
    percent = gaps.assign(zero_share=gaps["zero_share"] * 100)
    result = ex.q4.check(percent)
    assert result.status == "incorrect" and "процент" in result.message
    short_index = gaps.rename(index=lambda c: c.removeprefix("meddic_"))
    assert ex.q4.check(short_index).status == "incorrect"


def test_q5_q6_accept_numpy_scalars():
    assert ex.q5.check(np.float64(ex.q5.expected_value())).passed
    assert ex.q6.check(np.float64(ex.q6.expected_value())).passed


def test_quiz_feedback_on_every_option():
    for question in ex.quiz.questions:
        assert all(option.feedback for option in question.options)


# --- Утверждения текста раздела, зависящие от данных ---------------------------------------


def test_section_claims_hold_on_course_data():
    opps = table("opportunities")
    closed = opps[opps["outcome"] != "open"]
    reached = meddic.stage_reached(table("opportunity_stages"))
    closed = closed.assign(reached=closed["opportunity_id"].map(reached), won=closed["outcome"].eq("won").astype(int))
    # выигрывают только сделки, дошедшие до переговоров
    assert set(closed.loc[closed["won"] == 1, "reached"]) == {"negotiation"}
    # сумма MEDDIC у проигранных растёт с каждой пройденной стадией
    lost = closed[closed["won"] == 0]
    means = meddic.total(lost).groupby(lost["reached"]).mean().reindex(meddic.OPEN_STAGES)
    assert means.is_monotonic_increasing
    # наивное отношение шансов > 1; внутри стадии переговоров связь есть, но заметно слабее (q5.correct_message)
    naive = ex.q5.mistake_value("all_closed")
    within = ex.q5.expected_value()
    assert naive > 1.2 and 1 < within < naive - 0.2
    # снимок при входе в переговоры — честный предиктор: связь значима, но слабее итоговой записи, AUC умеренный
    stages = table("opportunity_stages")
    neg = closed[closed["reached"] == "negotiation"]
    entry = stages[stages["stage"] == "negotiation"].set_index("opportunity_id")
    entry_total = neg["opportunity_id"].map(meddic.total(entry))
    assert entry_total.notna().all()
    entry_odds = meddic.logit_odds_ratios(neg["won"], entry_total.rename("meddic_total")).loc["meddic_total"]
    assert 1 < entry_odds["ci_low"] and entry_odds["odds_ratio"] < within
    auc_all = meddic.auc(meddic.total(closed), closed["won"])
    auc_final = meddic.auc(meddic.total(neg), neg["won"])
    auc_entry = meddic.auc(entry_total, neg["won"])
    assert auc_all > auc_final > auc_entry > 0.55 and auc_entry < 0.75
    # «общая цифра — в основном про SMB; в enterprise сделок мало»
    seg = neg["segment"].value_counts()
    assert seg["smb"] > 0.7 * len(neg) and seg["enterprise"] < 50
    seg_auc = {s_: meddic.auc(entry_total[neg["segment"].eq(s_)], neg.loc[neg["segment"].eq(s_), "won"]) for s_ in ("smb", "mid_market")}
    assert all(v > 0.5 for v in seg_auc.values())
    # рамка «Что заложено в данные»: визиты на сайт и возраст сделки предсказывают исход слабее снимка MEDDIC
    leads = table("leads").set_index("lead_id")
    visits = neg["lead_id"].map(leads["website_visits"]).fillna(0)
    age = (neg["close_date"] - neg["created_date"]).dt.days
    for feature in (visits, age):
        auc = meddic.auc(feature, neg["won"])
        assert max(auc, 1 - auc) < auc_entry
    # итоговая запись выигранных сделок полнее снимка на входе в переговоры (подтверждения после входа и при подписании)
    assert (meddic.total(neg) >= entry_total).all()
    # commit — меньшинство открытой воронки, консервативный commit меньше обычного
    summary = meddic.forecast_summary(opps[opps["outcome"] == "open"])
    assert summary.loc["commit", "amount_rub"] < 0.5 * summary["amount_rub"].sum()
    assert ex.q6.expected_value() < ex.q6.mistake_value("default_rules")
    # удвоение весов E и C снижает средний балл, и E — самая слабая буква по среднему уровню
    assert meddic.score(opps, ex.TEAM_WEIGHTS).mean() < meddic.score(opps).mean()
    assert meddic.levels(opps).mean().idxmin() == "meddic_economic_buyer"
