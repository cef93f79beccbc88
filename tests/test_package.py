"""Форматирование, квиз, прогресс, карта покрытия, контракт упражнений."""

from pathlib import Path

import pytest

from salesbook.authoring import coverage
from salesbook.runtime import fmt, progress
from salesbook.runtime.quiz import Option, Question, Quiz


def test_russian_number_format():
    assert fmt.rub(1234567) == "1\u00a0234\u00a0567\u00a0₽"
    assert fmt.pct(0.032) == "3,2\u00a0%"
    assert fmt.number(-1500.5, 1) == "−1\u00a0500,5"
    assert fmt.rub(float("nan")) == "—"
    assert fmt.rub(None) == "—"
    assert fmt.compact_rub(1_250_000) == "1,25\u00a0млн\u00a0₽"
    assert fmt.months(14.25) == "14,2\u00a0мес." or fmt.months(14.25) == "14,3\u00a0мес."


def make_quiz():
    return Quiz("ch99.demo", [Question("Что такое CAC?", (
        Option("Стоимость привлечения клиента", True, "Да: затраты на привлечение / новые клиенты."),
        Option("Стоимость лида", False, "Это CPL: лид ещё не клиент."),
    ))])


def test_plural_picks_russian_word_form():
    forms = ("сделка", "сделки", "сделок")
    assert fmt.plural(821, *forms) == "821\u00a0сделка"
    assert fmt.plural(822, *forms) == "822\u00a0сделки"
    assert fmt.plural(825, *forms) == "825\u00a0сделок"
    assert fmt.plural(11, *forms) == "11\u00a0сделок"
    assert fmt.plural(112, *forms) == "112\u00a0сделок"
    assert fmt.plural(0, *forms) == "0\u00a0сделок"
    assert fmt.plural(1234, *forms) == "1\u00a0234\u00a0сделки"


def test_quiz_html_is_static_and_has_feedback_for_every_option():
    html = make_quiz()._repr_html_()
    assert "<script" not in html
    assert html.count('class="fb ') == 2
    assert "Это CPL" in html and "input:checked" in html
    assert make_quiz().answer(1, 2).startswith("❌ Неверно.")
    assert make_quiz().answer(1, 1).startswith("✅ Верно.")
    assert "номера" in make_quiz().answer(5, 1)


def test_quiz_question_needs_exactly_one_correct_option():
    with pytest.raises(ValueError):
        Question("?", (Option("a", True, ""), Option("b", True, "")))


def test_progress_survives_damaged_lines(tmp_path, monkeypatch):
    log = tmp_path / "p.jsonl"
    monkeypatch.setenv("SALESBOOK_PROGRESS_FILE", str(log))
    monkeypatch.delenv("SALESBOOK_PROGRESS", raising=False)
    progress.record("ch01.cac.q1", "incorrect")
    progress.record("ch01.cac.q1", "correct")
    with log.open("a") as fh:
        fh.write('{"id": "ch01.cac.q2", "sta\n\x00\x01garbage\n[1,2]\n')
    progress.record("ch01.cac.q2", "incorrect")
    records, damaged = progress.read_log(log)
    assert damaged == 3
    assert [r["status"] for r in records] == ["incorrect", "correct", "incorrect"]
    table = progress.summary(log)
    row = table[table.section == "ch01.cac"].iloc[0]
    assert row.solved == 1 and row.attempted == 2


def test_progress_off_in_ci(tmp_path, monkeypatch):
    monkeypatch.delenv("SALESBOOK_PROGRESS_FILE", raising=False)
    monkeypatch.delenv("SALESBOOK_PROGRESS", raising=False)
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("HOME", str(tmp_path))
    progress.record("x", "correct")
    assert not (tmp_path / ".salesbook").exists()


def test_outline_is_the_seed():
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed" / "outline.yml"
    if not seed.exists():
        pytest.skip("../shared/seed недоступен — сверять не с чем")
    assert seed.read_text(encoding="utf-8") == (coverage.ROOT / "book" / "outline.yml").read_text(encoding="utf-8")


def test_exercise_contract():
    from salesbook.exercises import all_exercises, get

    exercises = all_exercises()
    assert exercises, "в курсе нет упражнений"
    ids = [e.id for e in exercises]
    assert len(ids) == len(set(ids))
    for ex in exercises:
        assert get(ex.id) is ex
        assert ex.solution().text.startswith("**Решение.**"), f"{ex.id}: нет кода решения"
        assert ex.hints, f"{ex.id}: нет подсказок"
