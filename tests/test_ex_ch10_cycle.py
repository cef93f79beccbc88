"""Раздел 10.3: ошибки, которые ловятся не значением, а признаком ответа."""


from salesbook.exercises import ch10_cycle as ex
from salesbook.exercises import table
from salesbook.toolkit import course, cycle


def test_bottleneck_choice_and_its_mistakes():
    right = ex.q6.expected_value()
    assert ex.q6.check(right.upper()).passed
    history = cycle.stage_history(table("opportunity_stages"), table("opportunities"))
    slowest = str(cycle.stage_conversion(history).loc["mid_market", "median_days"].idxmax())
    mid = history[history["segment"].eq("mid_market")]
    most_losses = str(mid[mid["next_stage"].eq("closed_lost")].groupby("stage").size().idxmax())
    assert right not in {slowest, most_losses}, "данные должны различать узкое место и самую долгую стадию"
    for wrong in {slowest, most_losses}:
        result = ex.q6.check(wrong)
        assert result.status == "incorrect" and "в штуках" in result.message
    late = ex.q6.check("negotiation")
    assert late.status == "incorrect" and "переговор" in late.message.lower()
    early = ex.q6.check("discovery")
    assert early.status == "incorrect" and "выявлени" in early.message.lower()


def test_censoring_changes_the_answer():
    km = ex.q3.expected_value()
    naive = ex.q3.mistake_value("closed_only")
    assert km > naive, "Каплан — Мейер должен дать более длинный цикл, чем медиана закрытых"


def test_historical_method_wins_backtest():
    bt = cycle.forecast_backtest(table("opportunities"), table("opportunity_stages"), course.AS_OF_MID_2025, course.H2_2025[1])
    assert abs(bt.loc["historical", "error"]) < abs(bt.loc["crm", "error"])


def test_velocity_table_accepts_key_as_column():
    velocity = ex.q5.expected_value().reset_index()[["segment", "velocity_rub_per_day"]]
    assert ex.q5.check(velocity).passed


def test_quiz_feedback_on_every_option():
    for question in ex.quiz.questions:
        assert all(option.feedback for option in question.options)
