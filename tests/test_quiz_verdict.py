"""Отзыв квиза не повторяет вердикт, который квиз ставит сам («Верно. Верно: …»)."""

import importlib
import pkgutil
import re

import salesbook.exercises as exercises_pkg
from salesbook.runtime.quiz import Option, Quiz

DOUBLED = re.compile(r"^(✅ Верно\. (Верно|Правильно|Да)\s*[.:,!—–]|❌ Неверно\. (Неверно|Неправильно|Нет)\s*[.:,!—–])")


def test_same_verdict_is_dropped_and_the_rest_kept():
    assert Option("a", True, "Верно: выручка растёт.").feedback == "Выручка растёт."
    assert Option("a", False, "Нет — это доля, а не сумма.").feedback == "Это доля, а не сумма."
    # слово-вердикт, противоречащее варианту, остаётся: это часть мысли
    assert Option("a", False, "Да, так считают многие, но это ошибка.").feedback.startswith("Да, так")
    assert Option("a", True, "Верность данных важнее.").feedback == "Верность данных важнее."


def _quizzes():
    for info in pkgutil.iter_modules(exercises_pkg.__path__):
        module = importlib.import_module(f"salesbook.exercises.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Quiz):
                yield value


def test_no_quiz_in_the_course_repeats_its_verdict():
    quizzes = list(_quizzes())
    assert len(quizzes) > 30
    doubled = [(q.id, i, j) for q in quizzes for i, question in enumerate(q.questions, 1)
               for j in range(1, len(question.options) + 1) if DOUBLED.match(q.answer(i, j))]
    assert not doubled
