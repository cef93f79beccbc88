"""Квиз для самопроверки: работает и в JupyterLab, и в собранной книге.

Виджеты ipywidgets в статической книге не считают (нет ядра), поэтому квиз —
это HTML с радиокнопками и CSS: отзыв на выбранный вариант показывает правило
``input:checked ~ .feedback``. Никакого JavaScript, ничего не грузится из сети.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

# Вердикт («Верно.» / «Неверно.») ставит сам квиз; отзыв, начатый тем же словом, читался бы
# «Верно. Верно: …». Такое начало отзыва снимаем, если оно совпадает с вердиктом.
_SAME_VERDICT = {
    True: re.compile(r"^(?:Верно|Правильно|Да)\s*[.:,!—–]\s*"),
    False: re.compile(r"^(?:Неверно|Неправильно|Нет)\s*[.:,!—–]\s*"),
}


def _without_verdict(feedback: str, correct: bool) -> str:
    rest = _SAME_VERDICT[bool(correct)].sub("", feedback, count=1)
    return rest[:1].upper() + rest[1:] if rest else feedback


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    feedback: str

    def __post_init__(self):
        object.__setattr__(self, "feedback", _without_verdict(self.feedback, self.correct))


@dataclass(frozen=True)
class Question:
    text: str
    options: tuple[Option, ...]

    def __post_init__(self):
        if sum(o.correct for o in self.options) != 1:
            raise ValueError("У вопроса должен быть ровно один верный вариант.")


@dataclass
class Quiz:
    """Набор вопросов раздела. ``id`` делает HTML-идентификаторы уникальными и стабильными."""

    id: str
    questions: list[Question] = field(default_factory=list)

    def answer(self, question: int, option: int) -> str:
        """Отзыв на вариант ``option`` (с 1) вопроса ``question`` (с 1) — для текста и тестов."""
        try:
            q = self.questions[int(question) - 1]
            o = q.options[int(option) - 1]
        except (IndexError, TypeError, ValueError):
            return "Такого вопроса или варианта нет: номера начинаются с 1."
        return ("✅ Верно. " if o.correct else "❌ Неверно. ") + o.feedback

    def __repr__(self) -> str:
        lines = []
        for i, q in enumerate(self.questions, 1):
            lines.append(f"{i}. {q.text}")
            lines.extend(f"   {j}) {o.text}" for j, o in enumerate(q.options, 1))
        lines.append("Ответ: quiz.answer(номер_вопроса, номер_варианта).")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        css_id = "sbq-" + "".join(ch if ch.isalnum() else "-" for ch in self.id)
        parts = [
            f'<div class="salesbook-quiz" id="{css_id}">',
            "<style>",
            f"#{css_id} .q{{margin:.8em 0;padding:.6em .8em;border:1px solid #d0d7de;border-radius:6px}}",
            f"#{css_id} .opt{{display:block;margin:.25em 0}}",
            f"#{css_id} .fb{{display:none;margin:.2em 0 .4em 1.6em;padding:.2em .5em;border-radius:4px}}",
            f"#{css_id} input:checked + span + .fb{{display:block}}",
            f"#{css_id} .fb.ok{{background:#e6f4ea;color:#1b5e20}}",
            f"#{css_id} .fb.no{{background:#fdecea;color:#8c1d18}}",
            "</style>",
            "<p><strong>Проверьте себя.</strong> Выберите вариант — отзыв появится под ним.</p>",
        ]
        for i, q in enumerate(self.questions, 1):
            name = f"{css_id}-q{i}"
            parts.append(f'<div class="q"><p><strong>{i}.</strong> {html.escape(q.text)}</p>')
            for j, o in enumerate(q.options, 1):
                verdict = "Верно." if o.correct else "Неверно."
                parts.append(
                    f'<label class="opt"><input type="radio" name="{name}" value="{j}"> '
                    f"<span>{html.escape(o.text)}</span>"
                    f'<span class="fb {"ok" if o.correct else "no"}"><strong>{verdict}</strong> '
                    f"{html.escape(o.feedback)}</span></label>"
                )
            parts.append("</div>")
        parts.append("</div>")
        return "\n".join(parts)
