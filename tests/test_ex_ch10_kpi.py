"""Раздел 10.1: ошибки, которые ловятся не значением, а признаком ответа."""

import pytest

from salesbook.exercises import ch10_kpi as ex
from salesbook.runtime.checks import ___


def test_bad_kpi_is_calls_and_other_options_are_explained():
    assert ex.q6.expected_value() == "calls", "на данных курса звонки должны быть слабее всех связаны с деньгами"
    assert ex.q6.check("Calls").passed
    meetings = ex.q6.check("meetings_held")
    assert meetings.status == "incorrect" and "встреч" in meetings.message.lower()
    pipeline = ex.q6.check("pipeline_rub")
    assert pipeline.status == "incorrect" and "пайплайн" in pipeline.message.lower()
    assert ex.q6.check("revenue").status == "invalid"


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


def test_okr_decision_is_below_bonus_threshold():
    score = ex.q8.expected_value()
    assert 0 < score < 0.7
    assert "жёлт" in ex.q8.correct_message


def test_quiz_feedback_on_every_option():
    for question in ex.quiz.questions:
        assert all(option.feedback for option in question.options)
