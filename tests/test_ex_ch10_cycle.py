"""Раздел 10.3: ошибки, которые ловятся не значением, а признаком ответа."""

import pytest

from salesbook.toolkit import cycle
from salesbook.exercises import ch10_cycle as ex


@pytest.fixture(autouse=True)
def _no_expectation(monkeypatch):
    monkeypatch.delenv("SALESBOOK_EXPECT", raising=False)
    monkeypatch.setenv("SALESBOOK_PROGRESS", "off")


def test_bottleneck_choice_and_its_mistakes():
    right = str(cycle.bottleneck(cycle.stage_conversion(ex._history())).loc["mid_market"])
    assert ex.q6.check(right.upper()).passed
    conv = ex._mid_conversion()
    slowest = str(conv["median_days"].idxmax())
    most_losses = str(ex._mid_losses().idxmax())
    assert right not in {slowest, most_losses}, "данные должны различать узкое место и самую долгую стадию"
    for wrong in {slowest, most_losses}:
        result = ex.q6.check(wrong)
        assert result.status == "incorrect" and "в штуках" in result.message
    late = ex.q6.check("negotiation")
    assert late.status == "incorrect" and "переговор" in late.message.lower()
    early = ex.q6.check("discovery")
    assert early.status == "incorrect" and "выявлени" in early.message.lower()


def test_censoring_changes_the_answer():
    frame = ex._mid_h1()
    km = cycle.km_median(frame["duration_days"], frame["closed"])
    naive = frame.loc[frame["closed"], "duration_days"].median()
    assert km > naive, "Каплан — Мейер должен дать более длинный цикл, чем медиана закрытых"


def test_historical_method_wins_backtest():
    bt = ex._backtest()
    assert abs(bt.loc["historical", "error"]) < abs(bt.loc["crm", "error"])


def test_velocity_table_accepts_key_as_column():
    table = ex._velocity().reset_index()[["segment", "velocity_rub_per_day"]]
    assert ex.q5.check(table).passed


def test_quiz_feedback_on_every_option():
    for question in ex.quiz.questions:
        assert all(option.feedback for option in question.options)
