"""Механизм проверки: статусы, подсказки, устойчивость к любому вводу."""


import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames

from salesbook.runtime.checks import Choice, Exercise, ExpectationError, Function, Mistake, Table, ___

EXPECTED = 123_456.78


def make_number_exercise():
    return Exercise(
        id="test.num.q1",
        title="число",
        var="answer_q1",
        expected=lambda: EXPECTED,
        hints=["первая", "вторая"],
        mistakes=[Mistake(name="no_salaries", hint="Вы забыли зарплаты.", value=lambda: 100_000.0)],
    )


def make_table_exercise():
    expected = pd.DataFrame({"channel": ["ppc", "events"], "cac": [100.0, 250.0], "cpl": [5.0, 40.0]})
    return Exercise(
        id="test.tab.q1",
        title="таблица",
        var="answer_t",
        expected=lambda: expected,
        compare=Table(key="channel", columns=["cac", "cpl"]),
    )


def test_correct_within_business_tolerance():
    ex = make_number_exercise()
    assert ex.check(EXPECTED).passed
    assert ex.check(round(EXPECTED)).passed
    assert ex.check(np.float32(EXPECTED)).status == "correct"
    assert ex.check(pd.Series([EXPECTED])).status == "correct"


def test_blank_is_unattempted_not_incorrect():
    ex = make_number_exercise()
    result = ex.check(___)
    assert result.status == "unattempted"
    assert "ещё не решено" in repr(result).lower()


def test_missing_variable_is_unattempted():
    ex = make_number_exercise()
    assert ex.check().status == "unattempted"


def test_reads_answer_from_namespace():
    ex = make_number_exercise()
    globals()["answer_q1"] = EXPECTED
    try:
        assert ex.check().passed
    finally:
        del globals()["answer_q1"]


def test_known_mistake_gets_its_hint():
    ex = make_number_exercise()
    result = ex.check(100_000)
    assert result.status == "incorrect"
    assert result.message == "Вы забыли зарплаты."


@pytest.mark.parametrize(
    "wrong, phrase",
    [(EXPECTED * 100, "процент"), (EXPECTED / 100, "долях"), (EXPECTED * 12, "12 раз"), (-EXPECTED, "Знак"), (EXPECTED / 1000, "1000 раз")],
)
def test_generic_scale_mistakes(wrong, phrase):
    result = make_number_exercise().check(wrong)
    assert result.status == "incorrect"
    assert phrase in result.message


@pytest.mark.parametrize(
    "bad, status",
    [(None, "invalid"), ("abc", "invalid"), ("123", "invalid"), (True, "invalid"), (float("nan"), "invalid"),
     (float("inf"), "invalid"), ([1, 2], "invalid"), (pd.DataFrame({"a": [1, 2]}), "invalid"), (object(), "invalid"),
     (10**400, "invalid"), (1e300, "incorrect"), ({"a": 1}, "invalid"), (print, "invalid")],
    ids=lambda v: type(v).__name__,
)
def test_bad_inputs_give_russian_message(bad, status):
    result = make_number_exercise().check(bad)
    assert result.status == status
    assert any("а" <= ch <= "я" for ch in result.message.lower())


def test_never_reveals_expected():
    ex = make_number_exercise()
    for answer in (1, 100_000, EXPECTED * 100, "x", None):
        text = repr(ex.check(answer)) + ex.check(answer)._repr_html_()
        for form in ("123456", "123 456", "123\u00a0456", "123,456", "1234567"):
            assert form not in text


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(),
                 st.lists(st.floats()), st.dictionaries(st.text(), st.integers()), st.binary(), st.complex_numbers()))
def test_number_check_never_raises(value):
    result = make_number_exercise().check(value)
    assert result.status in ("correct", "incorrect", "invalid", "unattempted")


@settings(max_examples=150, deadline=None)
@given(data_frames([column("channel", dtype=str), column("cac", dtype=float), column("cpl", elements=st.one_of(st.floats(), st.integers()))]))
def test_table_check_never_raises(frame):
    result = make_table_exercise().check(frame)
    assert result.status in ("correct", "incorrect", "invalid")


def test_table_correct_in_any_row_order_and_with_key_in_index():
    ex = make_table_exercise()
    answer = pd.DataFrame({"channel": ["events", "ppc"], "cac": [250.0, 100.0], "cpl": [40.0, 5.0]})
    assert ex.check(answer).passed
    assert ex.check(answer.set_index("channel")).passed


def test_table_swapped_columns_hint():
    ex = make_table_exercise()
    answer = pd.DataFrame({"channel": ["ppc", "events"], "cac": [5.0, 40.0], "cpl": [100.0, 250.0]})
    result = ex.check(answer)
    assert result.status == "incorrect"
    assert "должны быть в столбце" in result.message


def test_table_missing_column_and_rows():
    ex = make_table_exercise()
    assert ex.check(pd.DataFrame({"channel": ["ppc", "events"], "cac": [100.0, 250.0]})).status == "invalid"
    result = ex.check(pd.DataFrame({"channel": ["ppc"], "cac": [100.0], "cpl": [5.0]}))
    assert result.status == "incorrect" and "Не хватает строк" in result.message


def test_table_percent_hint_per_column():
    ex = make_table_exercise()
    answer = pd.DataFrame({"channel": ["ppc", "events"], "cac": [100.0, 250.0], "cpl": [500.0, 4000.0]})
    result = ex.check(answer)
    assert result.status == "incorrect" and "cpl" in result.message


def test_choice():
    ex = Exercise(id="t.c.q", title="", var="c", expected=lambda: "ppc", compare=Choice(["ppc", "events", "content"]))
    assert ex.check(" PPC ").passed
    assert ex.check("events").status == "incorrect"
    assert ex.check("radio").status == "invalid"
    assert ex.check(3).status == "invalid"


def test_function_exercise():
    cases = lambda: [((100.0, 4), 25.0), ((90.0, 3), 30.0)]
    ex = Exercise(id="t.f.q", title="", var="f", compare=Function(cases))  # эталон — в самих случаях
    assert ex.check(lambda c, n: c / n).passed
    assert ex.check(lambda c, n: c * n).status == "incorrect"
    assert ex.check(lambda c, n: 1 / 0).status == "invalid"
    assert ex.check(lambda c, n: ___).status == "unattempted"
    assert ex.check(42).status == "invalid"


def test_expected_is_required_unless_the_comparison_holds_it():
    with pytest.raises(TypeError, match="expected"):
        Exercise(id="t.n.q", title="", var="x")
    assert Exercise(id="t.f.q", title="", var="f", compare=Function(lambda: [])).expected_value() is None


def test_mistakes_are_reached_by_name():
    ex = make_number_exercise()
    assert ex.expected_value() == EXPECTED
    assert ex.mistake_value("no_salaries") == 100_000.0
    assert ex.check(ex.mistake_value("no_salaries")).message == "Вы забыли зарплаты."
    with pytest.raises(KeyError, match="no_salaries"):
        ex.mistake_value("typo")
    by_sign = Exercise(id="t.s.q", title="", var="x", expected=lambda: 1.0,
                       mistakes=[Mistake(name="negative", hint="Отрицательным не бывает.", matches=lambda a: a < 0)])
    with pytest.raises(ValueError, match="признаку"):
        by_sign.mistake_value("negative")
    with pytest.raises(TypeError, match="имя"):
        Exercise(id="t.n.q", title="", var="x", expected=lambda: 1, mistakes=[Mistake(hint="без имени", value=lambda: 2)])


def test_expectation_env(monkeypatch):
    ex = make_number_exercise()
    monkeypatch.setenv("SALESBOOK_EXPECT", "pass")
    assert ex.check(EXPECTED).passed
    with pytest.raises(ExpectationError):
        ex.check(___)
    monkeypatch.setenv("SALESBOOK_EXPECT", "unattempted")
    assert ex.check(___).status == "unattempted"
    with pytest.raises(ExpectationError):
        ex.check(EXPECTED)


def test_blank_arithmetic_explains_itself():
    from salesbook.runtime.checks import BlankError

    with pytest.raises(BlankError, match="пропуск"):
        ___ + 1
    with pytest.raises(BlankError):
        ___.sum()


def test_hints_and_solution():
    ex = make_number_exercise()
    assert "первая" in repr(ex.hint())
    assert "вторая" in repr(ex.hint(2))
    assert "вторая" in repr(ex.hint(99))
    assert "первая" in repr(ex.hint("x"))
    assert "не опубликовано" in repr(ex.solution())


def test_result_html_escapes():
    ex = Exercise(id="t", title="", var="v", expected=lambda: 1.0)
    html = ex.check("<script>").__repr__()
    assert "<script>" in html  # текст — как есть
    assert "<script>" not in ex.check("<script>")._repr_html_()


def _label_exercise(**kwargs):
    from salesbook.runtime.checks import LabelMap

    compare = LabelMap(
        keys=["Q1", "Q2", "Q3"],
        key_of=lambda k: str(k).upper() if str(k).upper() in {"Q1", "Q2", "Q3"} else None,
        label_of=lambda v: str(v).upper() if str(v).upper() in {"S", "P", "I", "N"} else None,
        allowed="S, P, I, N",
        explain=lambda key, label: f"причина для {key}",
        item="Вопрос",
        **kwargs,
    )
    return Exercise(id="t.labels", title="Метки", var="labels", expected=lambda: {"Q1": "S", "Q2": "I", "Q3": "N"},
                    compare=compare)


def test_labelmap_accepts_listed_alternatives_only():
    ex = _label_exercise(alternatives={"Q2": {"S"}})
    assert ex.check({"Q1": "S", "Q2": "I", "Q3": "N"}).passed
    assert ex.check({"Q1": "s", "Q2": "s", "Q3": "n"}).passed  # защитимая альтернатива для Q2
    result = ex.check({"Q1": "S", "Q2": "P", "Q3": "N"})
    assert result.status == "incorrect" and "Q2" in result.message
    assert not ex.check({"Q1": "S", "Q2": "I", "Q3": "S"}).passed  # у Q3 альтернатив нет


def test_labelmap_partial_credit_names_the_keys_to_revisit():
    ex = _label_exercise()
    result = ex.check({"Q1": "P", "Q2": "I", "Q3": "S"})
    assert result.status == "incorrect"
    assert result.message.startswith("Верно 1 из 3; посмотрите: Q1, Q3.")
    assert "Вопрос Q1: причина для Q1" in result.message
    one_wrong = ex.check({"Q1": "S", "Q2": "I", "Q3": "S"})
    assert one_wrong.message.startswith("Верно 2 из 3; посмотрите: Q3.")


def test_check_without_argument_reads_the_calling_module_outside_jupyter(monkeypatch):
    """Вне Jupyter check() берёт ответ из глобальных имён вызывающего модуля (как скрипт учащегося)."""
    from salesbook.exercises.ch01_cac import q1

    monkeypatch.setenv("SALESBOOK_PROGRESS", "off")
    monkeypatch.delenv("SALESBOOK_EXPECT", raising=False)
    monkeypatch.delitem(globals(), q1.var, raising=False)
    assert q1.check().status == "unattempted"
    monkeypatch.setitem(globals(), q1.var, -1.0)
    assert q1.check().status == "incorrect"
