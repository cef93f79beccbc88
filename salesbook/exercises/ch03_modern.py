"""Упражнения раздела 3.2 «Современные подходы».

Два упражнения — классификация текста (поведение Challenger в репликах, уровни
MEDDIC по заметке): проверка принимает метки в любом регистре и с синонимами и
объясняет каждую неверную. Одно — функция учащегося ``meddic_score(row)``:
проверяется на наборе сделок, принимается любая верная реализация. Остальные
считают эталон из данных курса функциями ``salesbook.toolkit.meddic``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from salesbook.content import challenger_snippets as snippets
from salesbook.content import meddic_notes as notes
from salesbook.content import snap_messages
from salesbook.exercises import table
from salesbook.runtime.checks import BlankError, Exercise, Function, Invalid, LabelMap, Mistake, Number, Table, ___
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import meddic

SECTION = "ch03.modern"
TITLE = "3.2. Современные подходы"


# ---------------------------------------------------------------------------
# Сравнение «ключ → метка» для упражнений на классификацию текста
# ---------------------------------------------------------------------------


def _norm(text: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(text).strip().strip("«»\"'").lower()).replace("ё", "е")


# ---------------------------------------------------------------------------
# Данные
# ---------------------------------------------------------------------------


def _open() -> pd.DataFrame:
    o = table("opportunities")
    return o[o["outcome"] == "open"]


# ---------------------------------------------------------------------------
# 1. Поведение Challenger в репликах
# ---------------------------------------------------------------------------

_LABEL_ALIASES = {_norm(alias): label for label, aliases in snippets.ALIASES.items() for alias in aliases}


def _snippet_key(value: Any) -> str | None:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = f"R{int(value)}"
    key = _norm(value).upper().replace("Р", "R")  # кириллическая «Р» → латинская R
    return key if key in snippets.SNIPPETS else None


def _snippet_label(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return _LABEL_ALIASES.get(_norm(value))


def _explain_snippet(key: str, label: str) -> str:
    return f"метка «{snippets.LABEL_NAMES[label]}» не подходит. {snippets.why_not(key, label)}"


def _with(base: Mapping, **changes) -> dict:
    result = dict(base)
    result.update(changes)
    return result


q1 = Exercise(
    id="ch03.modern.q1",
    title="Узнайте поведение Challenger в репликах",
    var="challenger_labels",
    expected=snippets.answer_key,
    compare=LabelMap(
        keys=list(snippets.SNIPPETS),
        key_of=_snippet_key,
        label_of=_snippet_label,
        allowed="'teach', 'tailor', 'take_control', 'relationship' (или по-русски: обучение, адаптация, контроль, отношения)",
        explain=_explain_snippet,
        item="Реплика",
    ),
    hints=[
        "Спросите себя о каждой реплике: продавец меняет взгляд клиента на его бизнес (teach), переводит выгоду на язык роли "
        "собеседника (tailor), держит цену или ведёт шаги сделки (take_control) — или уходит от напряжения (relationship)?",
        "Подсказка по признакам: «мы разобрали сорок служб…» — новая мысль; «для вас как финансового директора…» — адаптация; "
        "«скидку не дадим, предлагаю…», «соберём безопасность до пятницы» — контроль; «пишите, когда удобно» — отношения.",
    ],
    mistakes=[
        Mistake(
            name="one_label_for_all",
            matches=lambda a: len(set(a.values())) == 1,
            hint="Всем репликам стоит одна метка. В наборе есть все четыре поведения — разберите каждую реплику отдельно.",
        ),
        Mistake(
            name="tailor_as_teach",
            value=lambda: _with(snippets.answer_key(), R2="teach", R6="teach"),
            hint="Обе реплики с адаптацией вы приняли за обучение. Обучение — новая для клиента мысль о его бизнесе; "
            "адаптация — та же выгода, переведённая на язык роли собеседника (финансы, операторы).",
        ),
        Mistake(
            name="process_control_as_teach",
            value=lambda: _with(snippets.answer_key(), R4="teach"),
            hint="Реплика R4: довод про доступы — не инсайт о бизнесе клиента, а аргумент в споре о порядке шагов. "
            "Продавец возражает и назначает встречу — это контроль над процессом сделки.",
        ),
    ],
    correct_message="Все восемь реплик размечены правильно. Заметьте, что контроль — это не напор, а спокойный разговор о деньгах и шагах.",
)


# ---------------------------------------------------------------------------
# 2. Уровни MEDDPICC по четырём заметкам — с частичным зачётом по буквам
# ---------------------------------------------------------------------------

_LETTER_ALIASES: dict[str, str] = {}
for _letter, (_code, _english, _) in meddic.LETTER_INFO.items():
    for _alias in (_letter, _letter.removeprefix("meddic_"), _english):
        _LETTER_ALIASES[_norm(_alias)] = _letter
_LETTER_ALIASES.update({
    "m": "meddic_metrics", "e": "meddic_economic_buyer", "eb": "meddic_economic_buyer",
    "dc": "meddic_decision_criteria", "dp": "meddic_decision_process", "i": "meddic_identify_pain",
    "pain": "meddic_identify_pain", "c": "meddic_champion", "ch": "meddic_champion",
    "p": "meddic_paper_process", "pp": "meddic_paper_process", "paper": "meddic_paper_process",
    "cc": "meddic_competition", "c2": "meddic_competition", "comp": "meddic_competition",
})


def _letter_key(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return _LETTER_ALIASES.get(_norm(value))


def _level(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = _norm(value)
        words = {"нет_данных": 0, "нет": 0, "частично": 1, "подтверждено": 2}
        if text in words:
            return words[text]
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if math.isnan(number) or number not in (0.0, 1.0, 2.0):
        return None
    return int(number)


def _note_key(value: Any) -> str | None:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = f"N{int(value)}"
    if not isinstance(value, str):
        return None
    key = _norm(value).upper().replace("Н", "N")  # кириллическая «Н» → латинская N
    if key.isdigit():
        key = f"N{key}"
    return key if key in notes.NOTES else None


def _reason(note: str, letter: str) -> str:
    """Объяснение эталона без самого уровня (последнее «: 2.» отрезаем)."""
    text = notes.NOTES[note]["evidence"][letter]
    return re.sub(r":\s*\d\.?\s*$", "", text).rstrip(".")


def _accepted(note: str, letter: str, want: int) -> set[int]:
    allowed, _ = notes.NOTES[note]["judgement"].get(letter, (None, ""))
    if allowed is not None and want == notes.NOTES[note]["levels"][letter]:
        return set(allowed)
    return {want}


def _as_nested(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        frame = value
        if not any(_note_key(k) for k in frame.index) and any(_note_key(k) for k in frame.columns):
            frame = frame.T
        return {k: row.to_dict() for k, row in frame.iterrows()}
    if isinstance(value, pd.Series):
        return value.to_dict()
    return value


@dataclass
class NoteGrades:
    """Ответ — уровни по буквам для каждой заметки: ``{"N1": {"M": 1, …}, …}``.

    Совпадение — по каждой букве отдельно; где правила оставляют место суждению
    (``judgement`` заметки), принимаются оба записанных там уровня. Сообщение о
    неверном ответе даёт частичный балл и объясняет каждое расхождение.
    """

    letters: Sequence[str] = meddic.MEDDPICC_LETTERS

    def normalize(self, value: Any) -> dict:
        value = _as_nested(value)
        if not isinstance(value, dict):
            raise Invalid("Нужен словарь заметок: {'N1': {'M': 1, 'E': 2, …}, 'N2': {…}, 'N3': {…}, 'N4': {…}}.")
        result: dict[str, dict[str, int]] = {}
        for raw_note, raw_levels in value.items():
            if raw_note is ___:
                raise BlankError()
            note = _note_key(raw_note)
            if note is None:
                raise Invalid(f"Заметка {raw_note!r} не узнана. Нужны ключи: {', '.join(notes.NOTES)}.")
            if note in result:
                raise Invalid(f"Заметка {note} встречается дважды — оставьте один ответ.")
            raw_levels = _as_nested(raw_levels)
            if raw_levels is ___:
                raise BlankError()
            if not isinstance(raw_levels, dict):
                raise Invalid(f"Заметка {note}: нужен словарь «буква → уровень», например {{'M': 1, 'E': 2, …}}.")
            levels: dict[str, int] = {}
            for raw_letter, raw_level in raw_levels.items():
                if raw_letter is ___ or raw_level is ___:
                    raise BlankError()
                letter = _letter_key(raw_letter)
                if letter is None:
                    raise Invalid(f"Заметка {note}: буква {raw_letter!r} не узнана. Буквы MEDDPICC: "
                                  "M, E, DC, DP, P, I, C (Champion), CC (Competition).")
                if letter in levels:
                    raise Invalid(f"Заметка {note}: буква {meddic.letter_name(letter)} встречается дважды.")
                level = _level(raw_level)
                if level is None:
                    raise Invalid(f"Заметка {note}, буква {meddic.letter_name(letter)}: уровень {raw_level!r} не узнан. "
                                  "Допустимо: 0, 1 или 2.")
                levels[letter] = level
            missing = [meddic.letter_name(c) for c in self.letters if c not in levels]
            if missing:
                raise Invalid(f"Заметка {note}: нет уровней по буквам {', '.join(missing)}.")
            result[note] = levels
        missing_notes = [n for n in notes.NOTES if n not in result]
        if missing_notes:
            raise Invalid(f"Нет оценок по заметкам: {', '.join(missing_notes)}.")
        return result

    def _misses(self, answer: dict, expected: dict) -> list[tuple[str, str]]:
        return [(n, c) for n in notes.NOTES for c in self.letters
                if answer[n][c] not in _accepted(n, c, expected[n][c])]

    def equal(self, answer: dict, expected: dict) -> bool:
        return not self._misses(answer, expected)

    def generic_hint(self, answer: dict, expected: dict) -> str | None:
        misses = self._misses(answer, expected)
        if not misses:
            return None
        total = len(notes.NOTES) * len(self.letters)
        parts = []
        for note, letter in misses[:4]:
            rule = meddic.RUBRIC[letter]
            parts.append(f"{note} · {meddic.letter_name(letter)}: у вас {answer[note][letter]}, а в заметке — "
                         f"«{_reason(note, letter)}». Правило: 2 — {rule[2]}; 1 — {rule[1]}; 0 — {rule[0]}.")
        more = f" И ещё расхождений: {len(misses) - 4}." if len(misses) > 4 else ""
        return (f"Частичный балл: {total - len(misses)} из {total} оценок сходятся с правилами. "
                + " ".join(parts) + more)


def _note_levels() -> dict:
    return {n: dict(note["levels"]) for n, note in notes.NOTES.items()}


def _levels_with(note: str, **changes) -> dict:
    levels = _note_levels()
    levels[note] = {**levels[note], **changes}
    return levels


def _judgement_text() -> str:
    items = [f"{n} · {meddic.letter_name(c)} — {reason}"
             for n, note in notes.NOTES.items() for c, (_, reason) in note["judgement"].items()]
    return "; ".join(items)


_TOTAL_GRADES = len(notes.NOTES) * len(meddic.MEDDPICC_LETTERS)

q2 = Exercise(
    id="ch03.modern.q2",
    title="Оценка сделок по заметкам AE",
    var="note_levels",
    expected=_note_levels,
    compare=NoteGrades(),
    hints=[
        "Идите по буквам и ищите в заметке доказательство: цифру, имя, дату, документ, подтверждённые самим клиентом. "
        "Нет упоминания — 0; со слов контакта или без цифр — 1; подтверждено клиентом — 2. Буква I (боль) получает 2, "
        "только если боль признаёт владелец бюджета или чемпион.",
        "Самое трудное — заметка N2: сначала решите, чемпион Ирина или коуч (собрала ли она хоть одну встречу?). "
        "От этого зависят и C, и I. В N3 и N4 путь к подписи описан по шагам и срокам; в N3 неизвестно, кто придёт на аукцион.",
    ],
    mistakes=[
        Mistake(
            name="all_confirmed",
            matches=lambda a: all(v == 2 for levels in a.values() for v in levels.values()),
            hint="Всё подтверждено? Так почти не бывает: в заметках есть буквы, о которых известно только со слов контакта или ничего.",
        ),
        Mistake(
            name="coach_as_champion",
            value=lambda: _levels_with("N2", meddic_champion=2),
            hint=f"Частичный балл: {_TOTAL_GRADES - 1} из {_TOTAL_GRADES}. N2, Champion: симпатия — не влияние. Ирину не "
            "зовут на совещания по бюджету, и вывести на операционного директора она не берётся — это коуч. Чемпион "
            "доказывает влияние делом: собирает встречу, выводит на экономического покупателя.",
        ),
        Mistake(
            name="pain_from_coach",
            value=lambda: _levels_with("N2", meddic_identify_pain=2),
            hint=f"Частичный балл: {_TOTAL_GRADES - 1} из {_TOTAL_GRADES}. N2, Identify pain: цифра и штраф есть, но боль "
            "признаёт только Ирина, а она коуч. Уровень 2 — когда боль признаёт владелец бюджета или чемпион; считает ли "
            "операционный директор штраф проблемой поддержки, неизвестно.",
        ),
        Mistake(
            name="named_eb_as_confirmed",
            value=lambda: _levels_with("N2", meddic_economic_buyer=2),
            hint=f"Частичный балл: {_TOTAL_GRADES - 1} из {_TOTAL_GRADES}. N2, Economic buyer: имя со слов контакта — ещё "
            "не подтверждение. Уровень 2 — когда вы сами говорили с тем, кто распоряжается бюджетом, и он подтвердил "
            "интерес и деньги.",
        ),
        Mistake(
            name="unknown_paper_as_partial",
            value=lambda: _levels_with("N2", meddic_paper_process=1),
            hint=f"Частичный балл: {_TOTAL_GRADES - 1} из {_TOTAL_GRADES}. N2, Paper process: о закупке и договоре не "
            "выяснили ничего — это 0. Единица — когда известно хотя бы, что будут закупка, юристы или ИБ.",
        ),
        Mistake(
            name="auction_competition_known",
            value=lambda: _levels_with("N3", meddic_competition=2),
            hint=f"Частичный балл: {_TOTAL_GRADES - 1} из {_TOTAL_GRADES}. N3, Competition: известно, что предложения "
            "давали ещё две компании, но не какие, а на аукцион может прийти любой поставщик из реестра. Это 1: "
            "вы знаете, что сравнивают, но не с кем.",
        ),
        Mistake(
            name="strong_rival_as_weak_competition",
            value=lambda: _levels_with("N4", meddic_competition=1),
            hint=f"Частичный балл: {_TOTAL_GRADES - 1} из {_TOTAL_GRADES}. N4, Competition: уровень говорит, что вы "
            "знаете о сравнении, а не выигрываете ли вы его. Клиент сам назвал соперника и чем мы проигрываем и "
            "выигрываем — это 2, хотя позиция трудная.",
        ),
    ],
    correct_message="Все оценки сходятся с правилами. Там, где правила оставляют место суждению, принимаются оба уровня: "
    + _judgement_text() + ". Если ваша команда оценивает иначе, запишите это в правила — важно, чтобы все AE ставили "
    "одинаково.",
)


# ---------------------------------------------------------------------------
# 7. SNAP: какое правило нарушает сообщение
# ---------------------------------------------------------------------------

_SNAP_ALIASES = {_norm(alias): label for label, aliases in snap_messages.ALIASES.items() for alias in aliases}


def _message_key(value: Any) -> str | None:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = f"S{int(value)}"
    if not isinstance(value, str):
        return None
    key = _norm(value).upper().replace("С", "S")  # кириллическая «С» → латинская S
    if key.isdigit():
        key = f"S{key}"
    return key if key in snap_messages.MESSAGES else None


def _snap_label(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return _SNAP_ALIASES.get(_norm(value))


def _explain_snap(key: str, label: str) -> str:
    return f"«{snap_messages.LABEL_NAMES[label]}» не подходит. {snap_messages.why_not(key, label)}"


q7 = Exercise(
    id="ch03.modern.q7",
    title="Какое правило SNAP нарушает сообщение",
    var="snap_labels",
    expected=snap_messages.answer_key,
    compare=LabelMap(
        keys=list(snap_messages.MESSAGES),
        key_of=_message_key,
        label_of=_snap_label,
        allowed="'simple', 'invaluable', 'aligned', 'priority' или 'ok' (по-русски: простота, ценность, привязка, "
        "приоритет, нарушений нет)",
        explain=_explain_snap,
        item="Сообщение",
    ),
    hints=[
        "Задайте каждому сообщению четыре вопроса занятого получателя: просто ли это прочитать и ответить (S)? "
        "Даёт ли мне что-то сам продавец (N)? Про мои ли это задачи (A)? Почему сейчас (P)?",
        "Ищите главный провал: вложения и три просьбы — Simple; рассказ о себе вместо мысли — iNvaluable; "
        "чужая задача — Aligned; «когда-нибудь» — Priority. Одно сообщение проходит все четыре вопроса.",
    ],
    mistakes=[
        Mistake(
            name="one_label_for_all",
            matches=lambda a: len(set(a.values())) == 1,
            hint="Всем сообщениям стоит одна метка. В наборе есть все четыре нарушения и одно хорошее сообщение.",
        ),
        Mistake(
            name="useful_but_misaligned_as_ok",
            value=lambda: _with(snap_messages.answer_key(), S3="ok"),
            hint="Сообщение S3 короткое и с цифрами, но рост заявок на кредит — задача продаж и маркетинга, а не "
            "руководителя ИТ-инфраструктуры. Ценность, которая не про задачи получателя, не работает: это нарушение Aligned.",
        ),
        Mistake(
            name="self_pitch_as_ok",
            value=lambda: _with(snap_messages.answer_key(), S2="ok"),
            hint="Сообщение S2 короткое и с хорошим поводом, но что получит Антон? Только рассказ о компании. "
            "Регалии продавца — не ценность для клиента: это нарушение iNvaluable.",
        ),
    ],
    correct_message="Все пять сообщений размечены верно. Заметьте: хорошее сообщение S5 не длиннее плохих — оно "
    "просто отвечает на все четыре вопроса занятого человека.",
)


# ---------------------------------------------------------------------------
# 8. Следующий шаг по слабейшей букве
# ---------------------------------------------------------------------------


def _weakest(note: str) -> set[str]:
    levels = notes.NOTES[note]["levels"]
    low = min(levels.values())
    return {c for c, v in levels.items() if v == low}


def _fold(text: str) -> str:
    return str(text).lower().replace("ё", "е")


def _action_ok(note: str, letter: str, action: str) -> bool:
    words = notes.NOTES[note]["actions"][letter][0]
    return any(_fold(w) in _fold(action) for w in words)


def _model_step(note: str) -> str:
    letters = [c for c in meddic.MEDDPICC_LETTERS if c in notes.NOTES[note]["actions"]]
    return " / ".join(f"{meddic.letter_name(c)}: {notes.NOTES[note]['actions'][c][1]}" for c in letters)


def _eb_meeting_for_process(note: str, letter: str, action: str) -> bool:
    """N2: встреча с экономическим покупателем, на которой выясняют шаги и сроки решения, закрывает и букву DP."""
    return (note == "N2" and letter == "meddic_economic_buyer"
            and _action_ok(note, "meddic_decision_process", action))


def _next_steps() -> dict:
    result = {}
    for n in notes.NOTES:
        letter = next(c for c in meddic.MEDDPICC_LETTERS if c in _weakest(n))
        result[n] = (letter, notes.NOTES[n]["actions"][letter][1])
    return result


@dataclass
class NextSteps:
    """Ответ — для каждой заметки пара (слабейшая буква, следующий шаг текстом)."""

    needs_expected = True

    def normalize(self, value: Any) -> dict:
        if isinstance(value, pd.Series):
            value = value.to_dict()
        if not isinstance(value, dict):
            raise Invalid("Нужен словарь: {'N1': ('M', 'что сделать'), 'N2': (…), 'N3': (…), 'N4': (…)}.")
        result: dict[str, tuple[str, str]] = {}
        for raw_note, raw in value.items():
            if raw_note is ___ or raw is ___:
                raise BlankError()
            note = _note_key(raw_note)
            if note is None:
                raise Invalid(f"Заметка {raw_note!r} не узнана. Нужны ключи: {', '.join(notes.NOTES)}.")
            if isinstance(raw, dict):
                raw = (raw.get("letter", raw.get("буква")), raw.get("action", raw.get("действие")))
            if not isinstance(raw, (tuple, list)) or len(raw) != 2:
                raise Invalid(f"Заметка {note}: нужна пара (буква, действие), например ('E', 'встреча с …').")
            if raw[0] is ___ or raw[1] is ___:
                raise BlankError()
            letter = _letter_key(raw[0])
            if letter is None:
                raise Invalid(f"Заметка {note}: буква {raw[0]!r} не узнана. Буквы MEDDPICC: M, E, DC, DP, P, I, C, CC.")
            if not isinstance(raw[1], str) or len(raw[1].split()) < 3:
                raise Invalid(f"Заметка {note}: опишите следующий шаг словами — кто, что и с кем сделает (хотя бы три слова).")
            result[note] = (letter, raw[1])
        missing = [n for n in notes.NOTES if n not in result]
        if missing:
            raise Invalid(f"Нет следующего шага для заметок: {', '.join(missing)}.")
        return result

    def _problems(self, answer: dict) -> list[str]:
        problems = []
        for note, (letter, action) in answer.items():
            weakest = _weakest(note)
            if _eb_meeting_for_process(note, letter, action):
                continue
            if letter not in weakest:
                problems.append(f"{note}: {meddic.letter_name(letter)} — не слабейшая буква, в заметке есть буквы, о "
                                "которых известно меньше. Слабейшая — с наименьшим уровнем по эталону упражнения с оценкой заметок.")
            elif not _action_ok(note, letter, action):
                problems.append(f"{note}: буква верная, но из действия не видно, как оно закроет пробел по "
                                f"{meddic.letter_name(letter)}. Образец: {notes.NOTES[note]['actions'][letter][1]}")
        return problems

    def equal(self, answer: dict, expected: Any) -> bool:
        return not self._problems(answer)

    def generic_hint(self, answer: dict, expected: Any) -> str | None:
        problems = self._problems(answer)
        if not problems:
            return None
        head = f"Верно для {len(notes.NOTES) - len(problems)} из {len(notes.NOTES)} заметок. "
        return head + " ".join(problems) + (" Проверка ищет в действии ключевые слова буквы; если ваш шаг по сути "
                                            "тот же, сверьтесь с образцом и назовите пробел прямо.")


q8 = Exercise(
    id="ch03.modern.q8",
    title="Следующий шаг по слабейшей букве",
    var="next_steps",
    expected=_next_steps,
    compare=NextSteps(),
    hints=[
        "Возьмите эталонные уровни из упражнения с оценкой заметок (они в meddic_notes.NOTES[...]['levels']) и найдите букву с "
        "наименьшим уровнем; если таких несколько, подойдёт любая из них.",
        "Действие должно закрывать именно этот пробел: для процесса решения — выяснить шаги, участников и даты; для "
        "пути к подписи — закупку, юристов, ИБ и кто подписывает; для конкурентов — с кем сравнивают; для чемпиона — "
        "проверить человека делом (попросить собрать встречу).",
    ],
    mistakes=[
        Mistake(
            name="eb_instead_of_weakest",
            matches=lambda a: a["N2"][0] == "meddic_economic_buyer" and not _eb_meeting_for_process("N2", *a["N2"]),
            hint="N2: экономический покупатель важен, но о нём хоть что-то известно (имя со слов Ирины). О процессе "
            "решения и пути к подписи не известно ничего — слабейшая буква там. Встреча со Стеценко годится как шаг, "
            "если на ней вы выясните, как и когда выбирают поставщика, — напишите это в действии.",
        ),
        Mistake(
            name="strong_letter_in_n3",
            matches=lambda a: a["N3"][0] != "meddic_competition",
            hint="N3: все буквы, кроме одной, подтверждены. Слабое место государственной сделки — не бумаги (путь к подписи "
            "известен по шагам), а аукцион: на него может прийти любой поставщик. Следующий шаг — про Competition.",
        ),
    ],
    correct_message="Слабейшие буквы и шаги выбраны верно. Образцы: "
    + " ".join(f"{n} — {_model_step(n)}" for n in notes.NOTES),
)


# ---------------------------------------------------------------------------
# 9. Категория прогноза и квартал подписи
# ---------------------------------------------------------------------------

_CATEGORY_ALIASES = {
    "commit": ("commit", "коммит", "обещание"),
    "best_case": ("best_case", "best case", "bestcase", "лучший случай"),
    "pipeline": ("pipeline", "воронка", "пайплайн"),
}
_PERIOD_ALIASES = {
    "this_quarter": ("this_quarter", "this quarter", "this", "этот квартал", "текущий квартал", "текущий", "этот", "q4"),
    "next_quarter": ("next_quarter", "next quarter", "next", "следующий квартал", "следующий", "q1"),
    "later": ("later", "позже", "через квартал", "потом"),
}
_CATEGORY_OF = {_norm(a): k for k, v in _CATEGORY_ALIASES.items() for a in v}
_PERIOD_OF = {_norm(a): k for k, v in _PERIOD_ALIASES.items() for a in v}
_PERIOD_NAMES = {"this_quarter": "этот квартал", "next_quarter": "следующий квартал", "later": "позже"}


def note_frame() -> pd.DataFrame:
    """Эталонные уровни четырёх заметок таблицей со стадией — как строки таблицы сделок."""
    rows = {n: {"stage": note["stage"], **note["levels"]} for n, note in notes.NOTES.items()}
    return pd.DataFrame.from_dict(rows, orient="index")


def _forecasts() -> dict:
    frame = note_frame()
    category = meddic.forecast_category(frame)
    return {n: (category[n], meddic.close_period(note["today"], note["signature_date"], note["levels"]["meddic_paper_process"]))
            for n, note in notes.NOTES.items()}


def _also(note: str, part: str, want: str) -> set[str]:
    """Эталон и защитимые альтернативы (``also_accepted`` заметки) для категории или квартала."""
    extra, _ = notes.NOTES[note].get("also_accepted", {}).get(part, (set(), ""))
    return {want, *extra}


def _forecast_ok(note: str, pair: tuple[str, str], want: tuple[str, str]) -> bool:
    return pair[0] in _also(note, "category", want[0]) and pair[1] in _also(note, "period", want[1])


def _also_text() -> str:
    names = {"category": "категория", "period": "квартал"}
    values = {"pipeline": "пайплайн (pipeline)", "best_case": "best case", "later": "позже (later)"}
    return "; ".join(f"{n}: {names[part]} {', '.join(values.get(v, v) for v in sorted(extra))} — {why}"
                     for n, note in notes.NOTES.items() for part, (extra, why) in note.get("also_accepted", {}).items())


def _forecasts_with(note: str, pair: tuple[str, str]) -> dict:
    return {**_forecasts(), note: pair}


@dataclass
class Forecasts:
    """Ответ — для каждой заметки пара (категория прогноза, квартал подписи)."""

    def normalize(self, value: Any) -> dict:
        if isinstance(value, pd.Series):
            value = value.to_dict()
        if not isinstance(value, dict):
            raise Invalid("Нужен словарь: {'N1': ('commit', 'this_quarter'), 'N2': (…), 'N3': (…), 'N4': (…)}.")
        result: dict[str, tuple[str, str]] = {}
        for raw_note, raw in value.items():
            if raw_note is ___ or raw is ___:
                raise BlankError()
            note = _note_key(raw_note)
            if note is None:
                raise Invalid(f"Заметка {raw_note!r} не узнана. Нужны ключи: {', '.join(notes.NOTES)}.")
            if not isinstance(raw, (tuple, list)) or len(raw) != 2:
                raise Invalid(f"Заметка {note}: нужна пара (категория, квартал), например ('best_case', 'next_quarter').")
            if raw[0] is ___ or raw[1] is ___:
                raise BlankError()
            category = _CATEGORY_OF.get(_norm(raw[0])) if isinstance(raw[0], str) else None
            period = _PERIOD_OF.get(_norm(raw[1])) if isinstance(raw[1], str) else None
            if category is None:
                raise Invalid(f"Заметка {note}: категория {raw[0]!r} не узнана. Допустимо: 'commit', 'best_case' или пайплайн (pipeline) — как в meddic.forecast_category.")
            if period is None:
                raise Invalid(f"Заметка {note}: квартал {raw[1]!r} не узнан. Допустимо: 'this_quarter', 'next_quarter', 'later'.")
            result[note] = (category, period)
        missing = [n for n in notes.NOTES if n not in result]
        if missing:
            raise Invalid(f"Нет прогноза для заметок: {', '.join(missing)}.")
        return result

    def equal(self, answer: dict, expected: dict) -> bool:
        return all(_forecast_ok(n, answer[n], expected[n]) for n in notes.NOTES)

    def generic_hint(self, answer: dict, expected: dict) -> str | None:
        problems = []
        for n in notes.NOTES:
            if answer[n][0] not in _also(n, "category", expected[n][0]):
                problems.append(f"{n}: категория «{answer[n][0]}» не следует из правил. Commit — стадия proposal или "
                                "negotiation, E, процесс решения и C на уровне 2, остальные не ниже 1; best case — стадия "
                                "demo или дальше, E и C не ниже 1, балл MEDDIC не ниже 50 %.")
            if answer[n][1] not in _also(n, "period", expected[n][1]):
                problems.append(f"{n}: квартал «{_PERIOD_NAMES[answer[n][1]]}» не сходится с путём к подписи. Сложите "
                                "сроки шагов из заметки и сравните с концом квартала; если шаги и сроки пути к подписи "
                                "неизвестны (P < 2), в текущий квартал сделку не ставят.")
        if not problems:
            return None
        right = sum(_forecast_ok(n, answer[n], expected[n]) for n in notes.NOTES)
        return f"Верно для {right} из {len(notes.NOTES)} заметок. " + " ".join(problems)


q9 = Exercise(
    id="ch03.modern.q9",
    title="Категория прогноза и квартал подписи",
    var="forecasts",
    expected=_forecasts,
    compare=Forecasts(),
    hints=[
        "Категорию дают правила раздела: meddic.forecast_category(note_frame()) — по стадии и шести буквам MEDDIC. "
        "Квартал — по букве P: meddic.close_period(дата разбора, самая ранняя дата подписи, уровень P).",
        "Самую раннюю дату подписи считайте по шагам пути к подписи, а не по желанию клиента или AE: в N4 от 01.12 — "
        "три недели ИБ и две недели юристов плюс новогодние каникулы; в N2 шагов нет (P = 0) — дату можно не "
        "ставить (None).",
    ],
    mistakes=[
        Mistake(
            name="coach_deal_in_commit",
            value=lambda: _forecasts_with("N2", ("commit", "this_quarter")),
            hint="N2 в commit? AE так и поставил, потому что «Ирина за нас». Но для commit нужны подтверждённые E, процесс "
            "решения и чемпион, а в N2 все три — не 2. И путь к подписи неизвестен (P = 0) — значит, не этот квартал.",
        ),
        Mistake(
            name="n2_this_quarter",
            value=lambda: _forecasts_with("N2", ("best_case", "this_quarter")),
            hint="N2: AE надеется подписать до Нового года, но путь к подписи неизвестен (P = 0): шагов нет, и дата "
            "ничем не подтверждена. Такую сделку в текущий квартал не ставят.",
        ),
        Mistake(
            name="client_wish_as_date",
            value=lambda: _forecasts_with("N4", ("best_case", "this_quarter")),
            hint="N4: Елена хочет подписать до 25.12, но путь к подписи известен по шагам — три недели ИБ и две недели "
            "юристов от 01.12, а на новогодние каникулы (31.12–11.01) юристы не работают. Это не раньше середины января — "
            "следующий квартал, как бы ни хотел клиент, и это ещё без пилотов.",
        ),
        Mistake(
            name="commit_means_this_quarter",
            value=lambda: _forecasts_with("N3", ("commit", "this_quarter")),
            hint="N3: commit — про уверенность в сделке, квартал — про дату подписи. Аукцион объявят в январе, после "
            "доведения лимитов, и до контракта ещё 4–5 недель: это commit следующего квартала.",
        ),
    ],
    correct_message="Прогноз по всем четырём сделкам принят. По правилам из двух commit только один попадает в этот "
    "квартал — сделку под 44-ФЗ держит не уверенность клиента, а план-график и сроки аукциона. Commit без квартала — не "
    "прогноз. Защитимые альтернативы, которые проверка тоже принимает: " + _also_text() + ".",
)


# ---------------------------------------------------------------------------
# 3. Функция meddic_score(row)
# ---------------------------------------------------------------------------

#: Веса, которые договорилась использовать команда в упражнении: E и C вдвое важнее.
TEAM_WEIGHTS = {"meddic_economic_buyer": 2.0, "meddic_champion": 2.0}


def _team_score(row: pd.Series) -> float:
    return float(meddic.score(row, TEAM_WEIGHTS).iloc[0])


def _probe_rows() -> list[pd.Series]:
    """Сделки для проверки: реальные строки таблицы и крайние случаи."""
    o = table("opportunities")
    lv = meddic.levels(o)
    # по одной сделке на каждую сумму уровней 0…12 — разнообразные профили
    picks = lv.sum(axis=1).drop_duplicates().index
    rows = [o.loc[i] for i in picks]
    template = o.iloc[0].copy()
    for profile in ({c: 0 for c in meddic.LETTERS}, {c: 2 for c in meddic.LETTERS},
                    {**{c: 0 for c in meddic.LETTERS}, "meddic_economic_buyer": 2},
                    {**{c: 2 for c in meddic.LETTERS}, "meddic_champion": 0}):
        row = template.copy()
        for c, v in profile.items():
            row[c] = v
        rows.append(row)
    return rows


def _deal(args: tuple) -> str:
    """Короткое описание проверочной сделки: номер и уровни, без эталонного ответа."""
    row = args[0] if args else None
    if not isinstance(row, pd.Series):
        return repr(args)
    levels = ", ".join(f"{c.removeprefix('meddic_')}={row.get(c)}" for c in meddic.LETTERS)
    return f"{row.get('opportunity_id', '—')} ({levels})"


@dataclass
class DealFunction(Function):
    """Проверка функции от строки сделки: каждый вызов получает копию строки, сообщения называют сделку."""

    def run(self, fn: Callable, args: tuple):
        args = tuple(a.copy() if isinstance(a, pd.Series) else a for a in args)
        try:
            return fn(*args)
        except BlankError:
            raise
        except Exception as exc:  # ошибка в коде учащегося — объясняем, не падаем
            raise Invalid(f"Функция упала на сделке {_deal(args)}: {type(exc).__name__}: {exc}") from None

    def generic_hint(self, fn: Callable, expected: Any) -> str | None:
        failure = self.first_failure(fn)
        if failure is None:
            return None
        args, got = failure
        return f"На сделке {_deal(args)} функция вернула {got!r} — это неверно. Проверьте формулу на этой строке вручную."


def _cases() -> list[tuple[tuple, float]]:
    return [((row,), _team_score(row)) for row in _probe_rows()]


def _probe(fn: Callable, transform: Callable[[pd.Series], float]) -> bool:
    """Функция учащегося на всех проверочных строках совпала с ``transform``."""
    rows = [r for r in _probe_rows() if not math.isclose(transform(r), _team_score(r), abs_tol=1e-9)]
    if not rows:
        return False
    for row in rows:
        got = float(fn(row.copy()))
        if not math.isclose(got, transform(row), rel_tol=1e-6, abs_tol=1e-9):
            return False
    return True


def _points(row: pd.Series) -> float:
    w = meddic.weight_vector(TEAM_WEIGHTS)
    return float((meddic.levels(row).iloc[0] * w).sum())


q3 = Exercise(
    id="ch03.modern.q3",
    title="Функция meddic_score(row)",
    var="meddic_score",
    compare=DealFunction(cases=_cases, compare=Number(rel_tol=1e-6, abs_tol=1e-9)),
    hints=[
        "Умножьте уровень каждой буквы на её вес из словаря weights и сложите; максимум получится, когда все уровни равны 2.",
        "score = Σ(вес × уровень) / (2 × Σ весов). С весами команды знаменатель равен 2 × 8 = 16. Буквы без веса в словаре весят 1.",
    ],
    mistakes=[
        Mistake(
            name="unweighted",
            matches=lambda fn: _probe(fn, lambda r: float(meddic.score(r).iloc[0])),
            hint="Функция не учитывает веса: E и C в правилах команды весят вдвое больше. Умножьте уровень каждой буквы на её вес.",
        ),
        Mistake(
            name="points",
            matches=lambda fn: _probe(fn, _points),
            hint="Это взвешенная сумма баллов, а нужна доля от 0 до 1: разделите на максимум 2 × Σ весов.",
        ),
        Mistake(
            name="mean_level",
            matches=lambda fn: _probe(fn, lambda r: _points(r) / meddic.weight_vector(TEAM_WEIGHTS).sum()),
            hint="Получился средний взвешенный уровень (от 0 до 2). Максимальный уровень — 2, поэтому разделите ещё на 2.",
        ),
        Mistake(
            name="unweighted_denominator",
            matches=lambda fn: _probe(fn, lambda r: _points(r) / 12),
            hint="Числитель взвешен, а знаменатель — нет (12). Максимум взвешенной суммы — 2 × Σ весов = 16.",
        ),
        Mistake(
            name="percent",
            matches=lambda fn: _probe(fn, lambda r: 100 * _team_score(r)),
            hint="Функция возвращает проценты, а нужна доля: 0,75, а не 75.",
        ),
    ],
    correct_message="Функция даёт правильный балл на всех проверочных сделках. В пакете курса это meddic.score(opps, weights) — "
    "то же самое сразу для всей таблицы, без цикла по строкам.",
)


# ---------------------------------------------------------------------------
# 4. Пробелы открытой воронки по буквам
# ---------------------------------------------------------------------------


def _gap_table(frame: pd.DataFrame, zero_only: bool = False) -> pd.DataFrame:
    table = meddic.pipeline_gaps(frame)[["zero_share", "rub_at_risk"]].copy()
    if zero_only:
        lv = meddic.levels(frame)
        table["rub_at_risk"] = lv.eq(0).mul(frame["amount_rub"], axis=0).sum()
    return table


q4 = Exercise(
    id="ch03.modern.q4",
    title="Слабые буквы открытой воронки",
    var="open_gaps",
    expected=lambda: _gap_table(_open()),
    compare=Table(columns=["zero_share", "rub_at_risk"]),
    hints=[
        "Возьмите только открытые сделки (outcome == 'open') и их столбцы meddic_*. zero_share — среднее от (уровень == 0) по каждому столбцу.",
        "rub_at_risk: маска (уровень < 2), умноженная на amount_rub построчно — levels.lt(2).mul(open_opps['amount_rub'], axis=0).sum(). "
        "Индекс таблицы — имена столбцов meddic_*.",
    ],
    mistakes=[
        Mistake(name="all_deals", value=lambda: _gap_table(table("opportunities")),
                hint="В таблицу попали и закрытые сделки. Пробелы считают по открытой воронке: outcome == 'open'."),
        Mistake(name="zero_only_rub", value=lambda: _gap_table(_open(), zero_only=True),
                hint="В rub_at_risk учтены только сделки с нулём. Под риском всё, что не подтверждено: уровень меньше 2, то есть 0 и 1."),
    ],
    correct_message="Посмотрите на таблицу: какая буква слабее всех и по доле нулей, и по рублям под риском? "
    "Именно по ней стоит провести разбор сделок с командой на этой неделе.",
)


# ---------------------------------------------------------------------------
# 5. Предсказывает ли MEDDIC выигрыш: сравнение внутри одной стадии
# ---------------------------------------------------------------------------


def _closed_with_stage(include_open: bool = False) -> pd.DataFrame:
    o = table("opportunities")
    frame = o if include_open else o[o["outcome"] != "open"]
    reached = meddic.stage_reached(table("opportunity_stages"))
    return frame.assign(reached=frame["opportunity_id"].map(reached), won=(frame["outcome"] == "won").astype(int))


def _odds(frame: pd.DataFrame, column: str = "total") -> pd.Series:
    x = meddic.total(frame) if column == "total" else meddic.score(frame)
    return meddic.logit_odds_ratios(frame["won"], x.rename(column)).loc[column]


def _negotiation(include_open: bool = False) -> pd.DataFrame:
    frame = _closed_with_stage(include_open)
    return frame[frame["reached"] == "negotiation"]


q5 = Exercise(
    id="ch03.modern.q5",
    title="Отношение шансов внутри одной стадии",
    var="odds_ratio_negotiation",
    expected=lambda: float(_odds(_negotiation())["odds_ratio"]),
    compare=Number(rel_tol=0.005),
    hints=[
        "Отберите закрытые сделки (outcome != 'open'), у которых meddic.stage_reached(stages) равна 'negotiation'. "
        "Исход — won = (outcome == 'won'), предиктор — meddic.total(...) (сумма уровней, 0–12).",
        "meddic.logit_odds_ratios(y, x) вернёт таблицу; нужно значение odds_ratio в строке предиктора — это exp(coef).",
    ],
    mistakes=[
        Mistake(name="all_closed", value=lambda: float(_odds(_closed_with_stage())["odds_ratio"]),
                hint="Это отношение шансов по всем закрытым сделкам. Оно завышено: поля MEDDIC заполняются по ходу сделки, а "
                "выиграть можно только дойдя до переговоров. Сравните сделки, дошедшие до одной стадии — negotiation."),
        Mistake(name="coef_not_exp", value=lambda: float(_odds(_negotiation())["coef"]),
                hint="Это коэффициент логистической регрессии — логарифм отношения шансов. Возьмите exp(coef) или столбец odds_ratio."),
        Mistake(name="open_as_lost", value=lambda: float(_odds(_negotiation(include_open=True))["odds_ratio"]),
                hint="Открытые сделки попали в выборку как проигранные. Их исход неизвестен — берите только закрытые."),
        Mistake(name="per_full_score", value=lambda: float(_odds(_negotiation(), "score")["odds_ratio"]),
                hint="Это отношение шансов на весь балл от 0 до 1, то есть на 12 пунктов сразу. Нужно — на один пункт суммы уровней 0–12: meddic.total."),
    ],
    correct_message="Среди сделок, дошедших до переговоров, MEDDIC всё ещё отличает выигрыши от проигрышей, но отношение "
    "шансов на пункт заметно ниже, чем по всем закрытым сделкам: высокое число там говорило во многом о том, как далеко "
    "прошла сделка. И это ещё итоговая запись: у выигранных сделок подписание задним числом подтверждает экономического "
    "покупателя и процесс решения. На снимке полей при входе в переговоры (в тексте раздела) связь ещё слабее — "
    "это и есть честная оценка.",
)


# ---------------------------------------------------------------------------
# 6. Решение: консервативный commit для совета директоров
# ---------------------------------------------------------------------------

#: Правило финансового директора: в commit только сделки с подтверждёнными метриками.
CFO_COMMIT_MIN = {**meddic.DEFAULT_COMMIT_MIN, "meddic_metrics": 2}


def _category_sum(categories: Sequence[str], **rules) -> float:
    op = _open()
    category = meddic.forecast_category(op, **rules)
    return float(op.loc[category.isin(categories), "amount_rub"].sum())


q6 = Exercise(
    id="ch03.modern.q6",
    title="Сколько поставить в commit",
    var="commit_rub",
    expected=lambda: _category_sum(["commit"], commit_min=CFO_COMMIT_MIN),
    compare=Number(rel_tol=0.005),
    hints=[
        "Правила commit из раздела плюс одно условие финансового директора: meddic_metrics == 2. "
        "В meddic.forecast_category это параметр commit_min — словарь минимальных уровней по буквам.",
        "commit_min = {**meddic.DEFAULT_COMMIT_MIN, 'meddic_metrics': 2}; затем сумма amount_rub открытых сделок, у которых категория 'commit'.",
    ],
    mistakes=[
        Mistake(name="default_rules", value=lambda: _category_sum(["commit"]),
                hint="Это commit по правилам раздела. Финансовый директор добавил условие: метрики подтверждены (meddic_metrics == 2)."),
        Mistake(name="commit_plus_best_case", value=lambda: _category_sum(["commit", "best_case"], commit_min=CFO_COMMIT_MIN),
                hint="Вы сложили commit и best case. Best case — это «может быть», в обещание совету директоров его не включают."),
        Mistake(name="whole_pipeline", value=lambda: float(_open()["amount_rub"].sum()),
                hint="Это вся открытая воронка. Commit — только сделки, которые прошли все правила."),
        Mistake(name="weighted_pipeline", value=lambda: float((meddic.score(_open()) * _open()["amount_rub"]).sum()),
                hint="Это воронка, взвешенная баллом MEDDIC. Балл — не вероятность выигрыша (мы это проверили), а commit — сумма "
                "сделок, прошедших правила, без весов."),
    ],
    correct_message="Консервативный commit заметно меньше commit по правилам раздела: часть «уверенных» сделок держится на "
    "непроверенных метриках. Эти сделки — список задач AE на неделю: получить от клиента цифры «было — станет».",
)


# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Что из этого — доказательство уровня 2 по букве Economic buyer?",
            (
                Option("Контакт назвал имя финансового директора, который подпишет бюджет", False,
                       "Это уровень 1: известно, кто это, но только со слов контакта."),
                Option("Финансовый директор был в копии письма с коммерческим предложением", False,
                       "Копия письма ничего не говорит о его интересе и деньгах — это не доказательство."),
                Option("Вы сами говорили с финансовым директором, и он подтвердил бюджет на этот год", True,
                       "Да: разговор с тем, кто распоряжается бюджетом, и подтверждённые деньги — это уровень 2."),
            ),
        ),
        Question(
            "Что в модели Challenger значит «взять контроль» (take control)?",
            (
                Option("Спокойно обсуждать цену, не уступать под давлением и вести процесс сделки", True,
                       "Да: Challenger не боится разговора о деньгах и сам предлагает следующие шаги."),
                Option("Давить на клиента, пока он не согласится", False,
                       "Авторы подчёркивают обратное: контроль — не агрессия, а спокойная уверенность в разговоре о деньгах и шагах."),
                Option("Заранее решить за клиента, какой продукт ему нужен", False,
                       "Это не про продукт, а про ведение разговора и процесса покупки."),
            ),
        ),
        Question(
            "Стартап продаёт SaaS малому бизнесу: входящие лиды, чек 150 тыс. ₽ в год, цикл две недели, решает владелец. Что разумнее для квалификации?",
            (
                Option("Полный MEDDPICC с картой закупки и бумажного процесса", False,
                       "Слишком тяжело: при двухнедельном цикле, когда решает один владелец, бумажного процесса почти нет, а время AE дорого."),
                Option("Никакой квалификации: в SMB покупают все", False,
                       "Без квалификации AE тратит время на тех, кто не купит, и воронка перестаёт быть прогнозом."),
                Option("Короткая рамка вроде CHAMP (проблема, полномочия, деньги, приоритет) или GPCT", True,
                       "Да: для коротких сделок, где решает один человек, хватает нескольких вопросов, а MEDDIC оставляют для сложных продаж."),
            ),
        ),
        Question(
            "Руководитель поддержки сам назвал цифру боли — 27 % просрочек и штраф, — но на совещания по бюджету его не "
            "зовут, и вывести на владельца бюджета он не берётся. Какой уровень буквы I (Identify pain)?",
            (
                Option("2: боль с цифрой и последствием", False,
                       "Цифра есть, но признаёт её коуч. Уровень 2 — когда боль признаёт владелец бюджета или чемпион: "
                       "иначе неизвестно, станет ли за неё платить тот, кто решает."),
                Option("1: боль с цифрой, но признаёт её только контакт без влияния на бюджет", True,
                       "Да: следующий шаг — услышать эту боль от экономического покупателя."),
                Option("0: боли нет", False, "Боль есть и с цифрой — вопрос лишь в том, кто её признаёт."),
            ),
        ),
    ],
)


quiz_data = Quiz(
    id=f"{SECTION}.data",
    questions=[
        Question(
            "Среди закрытых сделок у выигранных сумма MEDDIC в среднем намного выше. Какой вывод корректен?",
            (
                Option("MEDDIC-скоринг надёжно предсказывает выигрыш заранее", False,
                       "Поля заполняются по ходу сделки: у выигранных было больше встреч и времени. Итоговые значения знают «будущее»."),
                Option("Итоговые значения полей отражают и то, как далеко прошла сделка; чтобы проверить прогноз, нужны снимки полей на фиксированный момент", True,
                       "Верно: это заглядывание в будущее (look-ahead). Честная проверка — по значениям, известным до исхода."),
                Option("Связи нет: это совпадение", False,
                       "Связь статистически значима, но она не означает, что MEDDIC предсказывает исход заранее."),
            ),
        ),
        Question(
            "Сумма MEDDIC принимает целые значения от 0 до 12, и у многих сделок она одинаковая. Как считать ROC AUC?",
            (
                Option("Пары выигранной и проигранной сделки с равной суммой считать за половину", True,
                       "Да: это AUC через средние ранги (Манн — Уитни); так считает и meddic.auc, и sklearn.metrics.roc_auc_score."),
                Option("Пары с равной суммой отбросить", False,
                       "Тогда AUC завышается: отброшенные ничьи — это как раз случаи, когда балл не различает сделки."),
                Option("Пары с равной суммой считать «угаданными»", False,
                       "Это тоже завышает AUC: балл, одинаковый у выигрыша и проигрыша, ничего не угадал."),
            ),
        ),
        Question(
            "Сделка проходит все правила commit, но путь к подписи — аукцион, который объявят только в следующем квартале. "
            "Что назвать совету директоров?",
            (
                Option("Commit этого квартала: клиент уверен", False,
                       "Уверенность клиента не сдвигает сроки процедуры: подписи в этом квартале не будет."),
                Option("Commit следующего квартала", True,
                       "Да: категория говорит, насколько сделка надёжна, а квартал — когда её подпишут. Без квартала commit — не прогноз."),
                Option("Убрать из прогноза совсем", False,
                       "Квалифицирована по правилам — её ставят в тот квартал, когда реально подпишут. Аукционный риск "
                       "(кто придёт и до какой цены снизится) — отдельно: из-за него такую сделку часто держат в best case."),
            ),
        ),
    ],
)
