"""salesbook.toolkit.spin_bant: SPIN и BANT — ручные примеры, синонимы меток и проверки входа."""

import math

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import spin_bant
from salesbook.toolkit.validation import MetricError

# --- SPIN -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, code",
    [
        ("S", "S"), ("s", "S"), (" S ", "S"), ("«S»", "S"), ("Situation", "S"), ("situation question", "S"),
        ("ситуационный", "S"), ("Ситуационные вопросы", "S"), ("С", "S"),  # кириллическая С — «СПИН»
        ("P", "P"), ("problem", "P"), ("Проблемный вопрос", "P"), ("П", "P"), ("Р", "P"),  # Р похожа на латинскую P
        ("I", "I"), ("Implication", "I"), ("извлекающий", "I"), ("Извлекающие", "I"), ("И", "I"),
        ("N", "N"), ("need-payoff", "N"), ("Need payoff", "N"), ("need_payoff", "N"), ("направляющий", "N"),
        ("Н", "N"),
    ],
)
def test_spin_code_understands_synonyms(label, code):
    assert spin_bant.spin_code(label) == code


@pytest.mark.parametrize("label", ["", "x", "closing", "вопрос", None, 5, 1.0, True, ["S"]])
def test_spin_code_unknown_is_none(label):
    assert spin_bant.spin_code(label) is None


def test_spin_mix_hand_computed():
    call = pd.DataFrame({"spin": ["S", None, "s", "ситуационный", "P", None, "Need-payoff", "N", None]})
    mix = spin_bant.spin_mix(call)
    # 3 S, 1 P, 0 I, 2 N из 6 вопросов SPIN
    assert list(mix.index) == ["S", "P", "I", "N"]
    assert mix.name == "share"
    assert mix.tolist() == pytest.approx([3 / 6, 1 / 6, 0.0, 2 / 6])
    assert mix.sum() == pytest.approx(1.0)
    # столбец меток даёт то же самое
    assert spin_bant.spin_mix(call["spin"]).tolist() == pytest.approx(mix.tolist())


def test_spin_mix_other_column_and_nan():
    call = pd.DataFrame({"kind": ["I", np.nan, "I", "P"]})
    assert spin_bant.spin_mix(call, column="kind").tolist() == pytest.approx([0, 1 / 3, 2 / 3, 0])


def test_spin_mix_errors():
    with pytest.raises(MetricError, match="нет столбца"):
        spin_bant.spin_mix(pd.DataFrame({"text": ["a"]}))
    with pytest.raises(MetricError, match="ни одного"):
        spin_bant.spin_mix(pd.DataFrame({"spin": [None, None]}))
    with pytest.raises(MetricError, match="Не узнаю"):
        spin_bant.spin_mix(pd.DataFrame({"spin": ["S", "closing"]}))
    with pytest.raises(MetricError):
        spin_bant.spin_mix(["S", "P"])
    with pytest.raises(MetricError):
        spin_bant.spin_codes(["S"])


# --- BANT: метки и вердикт ------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, code",
    [
        ("sql", "sql"), ("SQL", "sql"), ("Qualified", "sql"), ("квалифицирован", "sql"), ("передать AE", "sql"),
        ("B", "budget"), ("budget", "budget"), ("Бюджет", "budget"), ("no_budget", "budget"), ("нет бюджета", "budget"),
        ("В", "budget"),  # кириллическая В похожа на B
        ("A", "authority"), ("А", "authority"), ("authority", "authority"), ("полномочия", "authority"),
        ("ЛПР", "authority"), ("wrong_contact", "authority"),
        ("N", "need"), ("need", "need"), ("потребность", "need"), ("no_need", "need"), ("нет потребности", "need"),
        ("T", "timeline"), ("Т", "timeline"), ("timing", "timeline"), ("Timeline", "timeline"), ("сроки", "timeline"),
        ("не сейчас", "timeline"), ("competitor_contract", "timeline"),
    ],
)
def test_bant_code_understands_synonyms(label, code):
    assert spin_bant.bant_code(label) == code


@pytest.mark.parametrize("label", ["", "no_response", "не квалифицирован", "x", None, 1, True])
def test_bant_code_unknown_is_none(label):
    assert spin_bant.bant_code(label) is None


def test_bant_verdict_hand_cases():
    evidence = pd.DataFrame(
        {
            "budget": [True, True, False, True, False, True, None],
            "authority": [True, False, True, True, False, True, True],
            "need": [True, True, True, False, False, True, True],
            "timeline": [True, True, False, True, False, False, True],
        },
        index=list("abcdefg"),
    )
    verdict = spin_bant.bant_verdict(evidence)
    assert verdict.to_dict() == {
        "a": "sql",        # всё подтверждено
        "b": "authority",  # нет полномочий
        "c": "budget",     # нет бюджета и сроков — первая в порядке B, A, T
        "d": "need",       # нет потребности — остальное неважно
        "e": "need",       # ничего нет — тоже N
        "f": "timeline",
        "g": "budget",     # пусто = не подтверждено
    }
    assert verdict.name == "verdict"


def test_bant_verdict_accepts_zero_one_and_checks_input():
    ones = pd.DataFrame({"budget": [1, 0], "authority": [1, 1], "need": [1, 1], "timeline": [1, 1]})
    assert spin_bant.bant_verdict(ones).tolist() == ["sql", "budget"]
    with pytest.raises(MetricError, match="[Нн]ет столбцов"):
        spin_bant.bant_verdict(ones.drop(columns="need"))
    with pytest.raises(MetricError, match="True/False"):
        spin_bant.bant_verdict(ones.assign(need=["да", "нет"]))
    with pytest.raises(MetricError):
        spin_bant.bant_verdict({"budget": True})


# --- BANT на данных: причины дисквалификации и ACV по полю лида --------------------------------


def _leads():
    return pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4", "L5", "L6", "L7"],
            "channel": ["ppc", "ppc", "ppc", "ppc", "outbound", "outbound", "outbound"],
            "disqualify_reason": ["no_need", "no_need", "wrong_contact", "no_response", "no_budget",
                                  "competitor_contract", None],
            "job_title_level": ["head", "c_level", "manager", "head", "vp", "specialist", "c_level"],
        }
    )


def test_disqualification_mix_hand_computed():
    mix = spin_bant.disqualification_mix(_leads())
    assert list(mix.columns) == list(spin_bant.BANT_LETTERS)
    assert mix.index.name == "channel"
    # ppc: 2 N и 1 A (no_response не входит); outbound: 1 B и 1 T
    assert mix.loc["ppc"].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 0])
    assert mix.loc["outbound"].tolist() == pytest.approx([0.5, 0, 0, 0.5])
    assert mix.sum(axis=1).tolist() == pytest.approx([1.0, 1.0])


def test_disqualification_mix_errors():
    with pytest.raises(MetricError, match="нет столбца"):
        spin_bant.disqualification_mix(_leads(), by="segment")
    with pytest.raises(MetricError, match="Нет лидов"):
        spin_bant.disqualification_mix(_leads().assign(disqualify_reason=None))
    with pytest.raises(MetricError, match="только к буквам"):
        spin_bant.disqualification_mix(_leads(), reasons={"no_need": "money"})


def test_won_acv_by_hand_computed():
    opps = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L5"],
            "outcome": ["won", "won", "lost", "won"],
            "amount_rub": [100.0, 300.0, 999.0, 600.0],
        }
    )
    table = spin_bant.won_acv_by(_leads(), opps)
    assert table.loc["c_level", "acv_rub"] == 300
    assert table.loc["head", "deals"] == 1
    assert "manager" not in table.index  # проигранная сделка не учитывается
    assert table["acv_share"].sum() == pytest.approx(1.0)
    assert table.loc["vp", "acv_share"] == pytest.approx(0.6)
    assert table.loc["vp", "deal_share"] == pytest.approx(1 / 3)


def test_won_acv_by_errors():
    opps = pd.DataFrame({"lead_id": ["L1"], "outcome": ["lost"], "amount_rub": [1.0]})
    with pytest.raises(MetricError, match="Выигранных"):
        spin_bant.won_acv_by(_leads(), opps)
    with pytest.raises(MetricError, match="нет лида"):
        spin_bant.won_acv_by(_leads(), opps.assign(outcome="won", lead_id="L99"))
    with pytest.raises(MetricError, match="нет столбца"):
        spin_bant.won_acv_by(_leads(), opps.drop(columns="amount_rub"))


def test_functions_scale_without_python_loops():
    """Вердикт и микс на сотне тысяч строк считаются за доли секунды (векторно)."""
    import time

    rng = np.random.default_rng(2025)
    n = 200_000
    evidence = pd.DataFrame({c: rng.random(n) < 0.7 for c in spin_bant.BANT_LETTERS})
    labels = pd.Series(rng.choice(["S", "P", "I", "N", None], size=n))
    start = time.perf_counter()
    verdict = spin_bant.bant_verdict(evidence)
    mix = spin_bant.spin_mix(labels)
    assert time.perf_counter() - start < 2.0
    assert set(verdict.unique()) <= set(spin_bant.VERDICTS)
    assert math.isclose(mix.sum(), 1.0)
