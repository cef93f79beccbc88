"""Проверка упражнений: мгновенная обратная связь на русском.

Устройство (по образцу Kaggle Learn, но строже):

* у каждого упражнения есть эталон (функция от данных курса, никаких зашитых чисел),
  способ сравнения (число, таблица, выбор из вариантов, функция учащегося),
  подсказки и список типичных ошибок — для каждой своя подсказка;
* ``check()`` никогда не бросает исключение и никогда не показывает эталон;
* незаполненный пропуск ``___`` — это «ещё не решено», а не «неверно»;
* переменная окружения ``SALESBOOK_EXPECT=pass|unattempted`` превращает
  неожиданный результат в ошибку — так CI проверяет решения и тетрадь;
* режим проверки преподавателем (``SALESBOOK_GRADING_DIR``, его включает
  ``salesbook grade``): ``check()`` не сравнивает, а сохраняет ответ в эту папку,
  эталоны и решения внутри ядра недоступны; сравнивает сам проверяющий — вне ядра
  (см. :mod:`salesbook.authoring.grading`).

Почему своё, а не готовая библиотека: nbgrader и otter-grader рассчитаны на
оценивание сданных работ преподавателем, learntools привязан к курсам Kaggle и
отвечает по-английски; нам нужна мгновенная проверка внутри тетради с подсказками
под конкретные ошибки, поэтому механизм небольшой и свой.
"""

from __future__ import annotations

import html
import math
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

STATUSES = ("correct", "incorrect", "unattempted", "invalid")

GRADING_ENV = "SALESBOOK_GRADING_DIR"
#: Папка режима проверки читается один раз — при импорте, до кода участника
#: (ячейка подготовки импортирует проверки раньше всего остального).
_GRADING_DIR = os.environ.get(GRADING_ENV) or None
#: Больше этого ответ не сохраняется: отчёт скажет, что ответ слишком велик.
GRADING_MAX_BYTES = 64 * 1024 * 1024
GRADING_REFUSAL = ("Во время проверки работ преподавателем эталоны и решения недоступны: "
                   "ответ проверяется по вашему коду.")


class GradingRefused(PermissionError):
    """В режиме проверки эталон или решение запрошены изнутри тетради."""

    def __init__(self):
        super().__init__(GRADING_REFUSAL)

    def _render_traceback_(self):
        return [str(self)]


def grading_mode() -> bool:
    """Идёт ли проверка работ преподавателем (``salesbook grade``)."""
    return _GRADING_DIR is not None


class _Blank:
    """Пропуск в тетради: замените ``___`` своим ответом."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "___"

    def __bool__(self) -> bool:
        return False

    def _blank_error(self, *args, **kwargs):
        raise BlankError()

    # Любая арифметика с пропуском сразу объясняет, что случилось.
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _blank_error
    __truediv__ = __rtruediv__ = __floordiv__ = __pow__ = __call__ = _blank_error
    __getitem__ = _blank_error

    def __getattr__(self, name):  # пропуск не имеет атрибутов
        if name.startswith("_"):
            raise AttributeError(name)
        raise BlankError()


class BlankError(Exception):
    """Код использует незаполненный пропуск ``___``."""

    def __init__(self):
        super().__init__("В этой строке ещё стоит пропуск ___ — замените его своим кодом.")

    def _render_traceback_(self):  # IPython покажет только это, без трассировки
        return [str(self)]


___ = _Blank()
BLANK = ___


class ExpectationError(AssertionError):
    """Проверка вернула не тот статус, что ожидался в CI (SALESBOOK_EXPECT)."""


@dataclass(frozen=True)
class Result:
    """Итог проверки: ``passed``, ``status`` и сообщение на русском."""

    exercise_id: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "correct"

    _ICONS = {"correct": "✅", "incorrect": "❌", "unattempted": "✏️", "invalid": "⚠️"}
    _TITLES = {
        "correct": "Верно",
        "incorrect": "Неверно",
        "unattempted": "Ещё не решено",
        "invalid": "Ответ не удалось проверить",
    }
    _COLORS = {"correct": "#1b7f3b", "incorrect": "#b3261e", "unattempted": "#5f6368", "invalid": "#a15c00"}

    def __repr__(self) -> str:
        return f"{self._ICONS[self.status]} {self._TITLES[self.status]}. {self.message}"

    def _repr_html_(self) -> str:
        color = self._COLORS[self.status]
        return (
            f'<div class="salesbook-check salesbook-{self.status}" '
            f'style="border-left:4px solid {color};padding:.4em .8em;margin:.3em 0">'
            f"<strong style=\"color:{color}\">{self._ICONS[self.status]} {self._TITLES[self.status]}.</strong> "
            f"{html.escape(self.message)}</div>"
        )

    def __bool__(self) -> bool:
        return self.passed


class Markdown:
    """Текст подсказки или решения, который красиво показывается в тетради."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return self.text


# ---------------------------------------------------------------------------
# Сравнение ответов
# ---------------------------------------------------------------------------


class Invalid(Exception):
    """Ответ не того вида: сообщение объясняет, что исправить."""


def _contains_blank(value: Any, depth: int = 0) -> bool:
    if value is ___:
        return True
    if depth > 2:
        return False
    if isinstance(value, (list, tuple, set)):
        return any(_contains_blank(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(_contains_blank(v, depth + 1) for v in list(value.keys()) + list(value.values()))
    if isinstance(value, pd.DataFrame):
        return any(v is ___ for col in value.columns for v in value[col].tolist()[:1000]) or ___ in list(value.columns)
    if isinstance(value, pd.Series):
        return any(v is ___ for v in value.tolist()[:1000])
    return False


def _describe(value: Any) -> str:
    """Короткое описание ответа учащегося (свой ответ показывать можно)."""
    if value is None:
        return "None (ничего)"
    if isinstance(value, bool):
        return f"логическое значение {value}"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "…"
        return f"текст «{short}»"
    if isinstance(value, pd.DataFrame):
        return f"таблица {value.shape[0]}×{value.shape[1]}"
    if isinstance(value, pd.Series):
        return f"столбец из {len(value)} значений"
    if isinstance(value, (list, tuple, set, dict)):
        return f"{type(value).__name__} из {len(value)} элементов"
    if callable(value):
        return "функция"
    return type(value).__name__


def to_number(value: Any) -> float:
    """Приводит ответ к одному числу или объясняет по-русски, почему это невозможно."""
    if isinstance(value, (pd.Series, pd.DataFrame, np.ndarray)) and getattr(value, "size", 0) == 1:
        value = np.asarray(value).reshape(-1)[0]
    if isinstance(value, (bool, np.bool_)):
        raise Invalid(f"Получено {_describe(bool(value))}, а нужно число.")
    if isinstance(value, str):
        stripped = value.replace("\u00a0", "").replace(" ", "").replace(",", ".").rstrip("₽%")
        try:
            float(stripped)
        except ValueError:
            raise Invalid(f"Получен {_describe(value)}, а нужно число.") from None
        raise Invalid("Получен текст, похожий на число: уберите кавычки и оставьте само число.")
    if isinstance(value, (pd.Series, pd.DataFrame, np.ndarray, list, tuple, set, dict)):
        raise Invalid(f"Получена {_describe(value)}, а нужно одно число. Возьмите итог, например .sum() или .iloc[0].")
    if value is None:
        raise Invalid("Получено None: похоже, в ячейке нет значения. Присвойте переменной число.")
    try:
        number = float(value)
    except OverflowError:
        raise Invalid("Число слишком велико — проверьте единицы и формулу.") from None
    except Exception:
        raise Invalid(f"Получен объект типа {_describe(value)}, а нужно число.") from None
    if math.isnan(number):
        raise Invalid("Получилось NaN — обычно это пустые значения в данных или деление 0 на 0.")
    if math.isinf(number):
        raise Invalid("Получилась бесконечность — вероятно, деление на ноль.")
    return number


@dataclass
class Number:
    """Сравнение одного числа с допуском, подходящим для деловых округлений."""

    rel_tol: float = 0.005
    abs_tol: float = 1e-9
    #: во сколько раз отличается ответ при типичных ошибках масштаба
    generic_mistakes: bool = True

    def normalize(self, value: Any) -> float:
        return to_number(value)

    def equal(self, answer: float, expected: Any) -> bool:
        expected = float(expected)
        return math.isclose(answer, expected, rel_tol=self.rel_tol, abs_tol=self.abs_tol)

    def generic_hint(self, answer: float, expected: Any) -> str | None:
        if not self.generic_mistakes:
            return None
        expected = float(expected)
        if expected == 0:
            return None
        close = lambda a, b: math.isclose(a, b, rel_tol=self.rel_tol)  # noqa: E731
        if close(answer, expected * 100):
            return "Похоже, ответ в процентах, а нужна доля: 0,25, а не 25."
        if close(answer, expected / 100):
            return "Похоже, ответ в долях, а нужны проценты: 25, а не 0,25."
        if close(answer, expected * 12) or close(answer, expected / 12):
            return "Ответ отличается ровно в 12 раз: проверьте, месяц или год."
        if close(answer, -expected):
            return "Знак не тот: проверьте порядок вычитания."
        if close(answer, expected * 1000) or close(answer, expected / 1000):
            return "Ответ отличается в 1000 раз: проверьте единицы (рубли или тысячи рублей)."
        return None


@dataclass
class Table:
    """Сравнение таблицы: ключи, столбцы и значения.

    ``key`` — столбец с ключом (или ``None``: ключ в индексе); ``columns`` — столбцы
    со значениями, которые сравниваются с допуском ``rel_tol``.
    """

    columns: Sequence[str]
    key: str | None = None
    rel_tol: float = 0.005
    abs_tol: float = 1e-6

    def normalize(self, value: Any) -> pd.DataFrame:
        if isinstance(value, pd.Series):
            name = value.name if value.name is not None else (self.columns[0] if len(self.columns) == 1 else None)
            if name is None:
                raise Invalid(f"Получен столбец без имени, а нужна таблица со столбцами: {', '.join(self.columns)}.")
            value = value.rename(name).to_frame()
        if not isinstance(value, pd.DataFrame):
            raise Invalid(f"Получен {_describe(value)}, а нужна таблица pandas (DataFrame) со столбцами: {', '.join(self.columns)}.")
        table = value.copy()
        if self.key is not None:
            if self.key not in table.columns:
                if table.index.name == self.key or (self.key in (table.index.names or [])):
                    table = table.reset_index()
                else:
                    raise Invalid(f"В таблице нет ключевого столбца «{self.key}» (ни в столбцах, ни в индексе).")
            table = table.set_index(self.key)
        missing = [c for c in self.columns if c not in table.columns]
        if missing:
            raise Invalid(f"В таблице нет столбцов: {', '.join('«' + str(c) + '»' for c in missing)}.")
        if table.index.has_duplicates:
            raise Invalid("В ключах таблицы есть повторы: каждая строка должна встречаться один раз (сгруппируйте данные).")
        for c in self.columns:
            if not pd.api.types.is_numeric_dtype(table[c]) or pd.api.types.is_bool_dtype(table[c]):
                try:
                    table[c] = pd.to_numeric(table[c])
                except (ValueError, TypeError):
                    raise Invalid(f"В столбце «{c}» не числа.") from None
        return table[list(self.columns)]

    def _expected_frame(self, expected: Any) -> pd.DataFrame:
        if isinstance(expected, pd.Series):
            expected = expected.to_frame()
        return expected if self.key is None or self.key not in expected.columns else expected.set_index(self.key)

    def _values_close(self, a: pd.Series, b: pd.Series) -> pd.Series:
        a = a.astype(float)
        b = b.astype(float)
        both_nan = a.isna() & b.isna()
        close = np.isclose(a.to_numpy(), b.to_numpy(), rtol=self.rel_tol, atol=self.abs_tol)
        return pd.Series(close, index=a.index) | both_nan

    def diff(self, answer: pd.DataFrame, expected: Any) -> str | None:
        """``None``, если таблицы совпадают, иначе объяснение без эталонных чисел."""
        exp = self._expected_frame(expected)
        extra = [k for k in answer.index if k not in exp.index]
        absent = [k for k in exp.index if k not in answer.index]
        if absent:
            return f"Не хватает строк: {', '.join(map(str, absent[:5]))}."
        if extra:
            return f"Лишние строки: {', '.join(map(str, extra[:5]))}."
        answer = answer.loc[exp.index]
        for c in self.columns:
            ok = self._values_close(answer[c], exp[c])
            if not ok.all():
                wrong = [str(k) for k in ok.index[~ok.to_numpy()]][:3]
                return f"Столбец «{c}»: неверные значения в строках {', '.join(wrong)}."
        return None

    def equal(self, answer: pd.DataFrame, expected: Any) -> bool:
        return self.diff(answer, expected) is None

    def generic_hint(self, answer: pd.DataFrame, expected: Any) -> str | None:
        exp = self._expected_frame(expected)
        if set(answer.index) != set(exp.index):
            return self.diff(answer, expected)
        answer = answer.loc[exp.index]
        # Правильные числа не в том столбце
        for c in self.columns:
            if self._values_close(answer[c], exp[c]).all():
                continue
            for other in self.columns:
                if other != c and self._values_close(answer[c], exp[other]).all():
                    return f"В столбце «{c}» стоят числа, которые должны быть в столбце «{other}»."
            ratio_hint = Number(rel_tol=self.rel_tol)
            try:
                pairs = list(zip(answer[c].astype(float), exp[c].astype(float)))
            except (TypeError, ValueError):
                continue
            hints = {ratio_hint.generic_hint(a, e) for a, e in pairs if e and not math.isnan(a)}
            if len(hints) == 1 and None not in hints:
                return f"Столбец «{c}»: {hints.pop()}"
        return self.diff(answer, expected)


@dataclass
class Choice:
    """Выбор одного варианта из списка (код канала, сегмента, буква ответа)."""

    options: Sequence[str]
    labels: dict[str, str] = field(default_factory=dict)

    def normalize(self, value: Any) -> str:
        if isinstance(value, (list, tuple, set)) and len(value) == 1:
            value = next(iter(value))
        if not isinstance(value, str):
            raise Invalid(f"Получен {_describe(value)}, а нужен один из вариантов: {', '.join(map(repr, self.options))}.")
        text = value.strip().strip("«»\"'").lower()
        by_label = {str(label).lower(): str(option).lower() for option, label in self.labels.items()}
        options = [o.lower() for o in self.options]
        if text not in options and text not in by_label:  # «Шум.» или «шум!» — тот же вариант с точкой в конце
            trimmed = text.rstrip(".!…").strip().strip("«»\"'")
            text = trimmed if (trimmed in options or trimmed in by_label) else text
        if text in by_label:
            return by_label[text]
        if text not in options:
            shown = [f"{o!r} ({self.labels[o]})" if o in self.labels else repr(o) for o in self.options]
            raise Invalid(f"Вариант {value!r} не из списка. Возможные: {', '.join(shown)}.")
        return text

    def equal(self, answer: str, expected: Any) -> bool:
        return answer == str(expected).lower()

    def generic_hint(self, answer: str, expected: Any) -> str | None:
        return None


@dataclass
class Function:
    """Проверка функции учащегося на наборе случаев.

    ``cases`` — список пар (аргументы, ожидаемый результат), ``compare`` — способ
    сравнить результат одного вызова (по умолчанию число). Эталон — в самих
    случаях, поэтому ``expected`` у такого упражнения не нужен.
    """

    cases: Callable[[], list[tuple[tuple, Any]]]
    compare: Any = field(default_factory=Number)
    needs_expected = False

    def normalize(self, value: Any) -> Callable:
        if not callable(value) or isinstance(value, type):
            raise Invalid(f"Получен {_describe(value)}, а нужна функция (def …).")
        return value

    def run(self, fn: Callable, args: tuple):
        try:
            result = fn(*args)
        except BlankError:
            raise
        except Exception as exc:  # ошибка в коде учащегося — объясняем, не падаем
            raise Invalid(f"Функция упала на примере {args!r}: {type(exc).__name__}: {exc}") from None
        return result

    def equal(self, fn: Callable, expected: Any) -> bool:
        return self.first_failure(fn) is None

    def first_failure(self, fn: Callable):
        for args, want in self.cases():
            got = self.run(fn, args)
            if got is ___:
                raise BlankError()
            try:
                got = self.compare.normalize(got)
            except Invalid as exc:
                raise Invalid(f"На примере {args!r}: {exc}") from None
            if not self.compare.equal(got, want):
                return args, got
        return None

    def generic_hint(self, fn: Callable, expected: Any) -> str | None:
        failure = self.first_failure(fn)
        if failure is None:
            return None
        args, got = failure
        return f"На примере {args!r} функция вернула {got!r} — это неверно."


# ---------------------------------------------------------------------------
# Упражнение
# ---------------------------------------------------------------------------


@dataclass
class Mistake:
    """Типичная ошибка: как получается неверный ответ и какая подсказка к нему.

    ``value`` — функция без аргументов, которая вычисляет ответ «с этой ошибкой»
    из тех же данных (например, CAC без зарплат); либо ``matches`` — предикат
    над нормализованным ответом учащегося. ``name`` — короткое имя ошибки,
    своё в каждом упражнении (``"media_only"``).
    """

    hint: str
    value: Callable[[], Any] | None = None
    matches: Callable[[Any], bool] | None = None
    name: str = ""


_MISSING = object()


def _namespace(depth: int = 2) -> dict:
    """Пространство имён тетради (или вызывающего модуля вне Jupyter: ``depth`` кадров выше этой функции)."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            return shell.user_ns
    except Exception:  # IPython может не быть — это нормально
        pass
    frame = sys._getframe(depth)  # 0 — эта функция, 1 — check(), 2 — вызывающий код
    return frame.f_globals


@dataclass
class Exercise:
    """Одно упражнение курса.

    ``id`` вида ``"ch01.cac.q1"``; ``var`` — имя переменной с ответом в тетради;
    ``expected`` — функция без аргументов, вычисляющая эталон из данных курса
    (не нужна, если эталон содержит само сравнение, как у :class:`Function`);
    у каждой типичной ошибки — своё имя ``name``, по нему тесты получают её
    значение (:meth:`mistake_value`).
    """

    id: str
    title: str
    var: str
    expected: Callable[[], Any] | None = None
    compare: Any = field(default_factory=Number)
    hints: Sequence[str] = ()
    mistakes: Sequence[Mistake] = ()
    correct_message: str | Callable[[], str] = "Ответ совпал с эталоном."  # функция — если текст зависит от данных курса

    def __post_init__(self):
        self._cache: dict[str, Any] = {}
        if self.expected is None and getattr(self.compare, "needs_expected", True):
            raise TypeError(f"{self.id}: нужен expected — функция, которая считает эталон")
        names = [m.name for m in self.mistakes]
        if "" in names or len(set(names)) != len(names):
            raise TypeError(f"{self.id}: у каждой типичной ошибки нужно своё имя (name): {names}")

    # --- публичный интерфейс -------------------------------------------------
    def check(self, answer: Any = _MISSING) -> Result:
        """Проверить ответ. Без аргумента берёт переменную ``var`` из тетради."""
        if _GRADING_DIR is not None:
            return self._grading_check(answer)
        if answer is _MISSING:
            answer = self._answer_in_notebook(2)  # 1 — check(), 2 — вызывающий код
            if answer is _MISSING:
                return self._finish(self._no_variable())
        try:
            result = self._evaluate(answer)
        except Exception as exc:  # защитная сетка: check не должен падать никогда
            result = Result(self.id, "invalid", f"Не удалось проверить ответ ({type(exc).__name__}). Проверьте, что ответ того вида, что просит задание.")
        return self._finish(result)

    def hint(self, n: int = 1) -> Markdown:
        """Подсказка номер ``n`` (1 — самая мягкая)."""
        if not self.hints:
            return Markdown("У этого упражнения нет подсказок — перечитайте формулу выше.")
        try:
            n = int(n)
        except (TypeError, ValueError):
            n = 1
        n = min(max(n, 1), len(self.hints))
        more = f" (подсказка {n} из {len(self.hints)}" + ("; следующая — hint(" + str(n + 1) + "))" if n < len(self.hints) else ")")
        return Markdown(f"💡 **Подсказка.** {self.hints[n - 1]}{more}")

    def solution(self) -> Markdown:
        """Код решения из исходника курса."""
        if _GRADING_DIR is not None:
            return Markdown(GRADING_REFUSAL)
        from salesbook.exercises import solution_code

        code = solution_code(self.id)
        if code is None:
            return Markdown("Решение этого упражнения пока не опубликовано.")
        return Markdown(f"**Решение.**\n\n```python\n{code}\n```")

    # --- для авторов и тестов -------------------------------------------------
    def expected_value(self) -> Any:
        """Эталон (считается один раз); ``None``, если эталон — в самом сравнении."""
        if _GRADING_DIR is not None:
            raise GradingRefused()
        if "expected" not in self._cache:
            self._cache["expected"] = self.expected() if self.expected is not None else None
        return self._cache["expected"]

    def mistake_value(self, name: str) -> Any:
        """Ответ с типичной ошибкой ``name`` — тот, на который проверка даёт её подсказку."""
        if _GRADING_DIR is not None:
            raise GradingRefused()
        mistake = next((m for m in self.mistakes if m.name == name), None)
        if mistake is None:
            raise KeyError(f"{self.id}: нет типичной ошибки {name!r}; есть {[m.name for m in self.mistakes]}")
        if mistake.value is None:
            raise ValueError(f"{self.id}: ошибка {name!r} узнаётся по признаку ответа (matches), значения у неё нет")
        key = f"mistake:{name}"
        if key not in self._cache:
            self._cache[key] = mistake.value()
        return self._cache[key]

    # --- режим проверки преподавателем -----------------------------------------

    def _grading_check(self, answer: Any = _MISSING) -> Result:
        """Сохранить ответ для проверки вне ядра; сравнение здесь не делается."""
        if answer is _MISSING:
            answer = self._answer_in_notebook(3)  # 1 — этот метод, 2 — check(), 3 — вызывающий код
            if answer is _MISSING:
                return self._no_variable()
        grading_capture(self, answer)
        return Result(self.id, "unattempted", "Идёт проверка преподавателем: ответ сохранён, итог будет в отчёте.")

    # --- внутреннее ------------------------------------------------------------

    def _answer_in_notebook(self, depth: int) -> Any:
        """Значение переменной ``var`` в тетради или ``_MISSING``, если её ещё нет
        (вне Jupyter — в модуле, который ``depth`` кадров выше этого метода)."""
        try:
            namespace = _namespace(depth + 1)
        except Exception:
            namespace = {}
        return namespace.get(self.var, _MISSING)

    def _no_variable(self) -> Result:
        return Result(self.id, "unattempted", f"Переменной {self.var} ещё нет: выполните ячейку с ответом.")

    def _evaluate(self, answer: Any) -> Result:
        if _contains_blank(answer):
            return Result(self.id, "unattempted", "Замените ___ своим ответом и выполните ячейку.")
        try:
            normalized = self.compare.normalize(answer)
        except BlankError:
            return Result(self.id, "unattempted", "В решении ещё остался пропуск ___.")
        except Invalid as exc:
            return Result(self.id, "invalid", str(exc))
        try:
            expected = self.expected_value()
        except Exception as exc:
            return Result(self.id, "invalid", f"Проверка не смогла получить данные курса: {exc}")
        try:
            if self.compare.equal(normalized, expected):
                message = self.correct_message() if callable(self.correct_message) else self.correct_message
                return Result(self.id, "correct", message)
        except BlankError:
            return Result(self.id, "unattempted", "В решении ещё остался пропуск ___.")
        except Invalid as exc:
            return Result(self.id, "invalid", str(exc))
        for mistake in self.mistakes:
            try:
                if mistake.matches is not None and mistake.matches(normalized):
                    return Result(self.id, "incorrect", mistake.hint)
                if mistake.value is not None and self.compare.equal(normalized, self.mistake_value(mistake.name)):
                    return Result(self.id, "incorrect", mistake.hint)
            except Exception:
                continue
        try:
            generic = self.compare.generic_hint(normalized, expected)
        except Invalid as exc:
            return Result(self.id, "invalid", str(exc))
        except Exception:
            generic = None
        message = generic or "Ответ не совпал с эталоном. Попробуйте ещё раз или возьмите подсказку: hint()."
        return Result(self.id, "incorrect", message)

    def _finish(self, result: Result) -> Result:
        from salesbook.runtime import progress

        progress.record(result.exercise_id, result.status)
        expect = os.environ.get("SALESBOOK_EXPECT", "").strip().lower()
        if expect:
            wanted = {"pass": "correct", "correct": "correct", "unattempted": "unattempted"}.get(expect)
            if wanted is None:
                raise ExpectationError(f"SALESBOOK_EXPECT={expect!r}: допустимы pass и unattempted.")
            if result.status != wanted:
                raise ExpectationError(f"{self.id}: ожидался статус {wanted}, получен {result.status}: {result.message}")
        return result


def exercises_in(namespace: dict) -> Iterable[Exercise]:
    """Все упражнения, объявленные в модуле раздела, в порядке объявления."""
    return [v for v in namespace.values() if isinstance(v, Exercise)]


@dataclass
class LabelMap:
    """Ответ — словарь (или Series) «ключ → метка» для упражнений на классификацию текста.

    Верно, только если совпали все метки. ``key_of`` и ``label_of`` приводят ключ и
    метку учащегося к каноническому виду (регистр, синонимы, «Q1»/1/«Вопрос 1») или
    возвращают ``None``, если не узнали; ``explain(ключ, метка)`` объясняет, почему
    метка не подходит ключу; ``label_name`` (если задан) — как назвать метку в сообщении.
    ``alternatives`` — для спорных ключей другие защитимые метки (в каноническом виде):
    ``{"Q12": {"S"}}`` засчитывает Q12 и как «S». В сообщении о неверном ответе —
    сколько верно и какие ключи пересмотреть («Верно 18 из 20; посмотрите: Q5, Q12»).
    """

    keys: Sequence[str]
    key_of: Callable[[Any], str | None]
    label_of: Callable[[Any], Any]
    allowed: str
    explain: Callable[[str, Any], str]
    item: str = "Элемент"
    key_name: Callable[[str], str] = str
    label_name: Callable[[Any], str] | None = None
    alternatives: Mapping[str, Collection[Any]] = field(default_factory=dict)

    def accepts(self, key: str, label: Any, expected: Any) -> bool:
        """Засчитывается ли метка ``label`` для ключа ``key`` при эталоне ``expected``."""
        return label == expected or label in self.alternatives.get(key, ())

    def _keys_text(self) -> str:
        return ", ".join(self.keys) if len(self.keys) <= 6 else f"{self.keys[0]} … {self.keys[-1]}"

    def normalize(self, value: Any) -> dict:
        if isinstance(value, pd.Series):
            value = value.to_dict()
        if not isinstance(value, dict):
            raise Invalid(f"Нужен словарь вида {{{self.keys[0]!r}: …}} с ответом для каждого ключа: {self._keys_text()}.")
        result: dict[str, Any] = {}
        for raw_key, raw_label in value.items():
            if raw_key is ___ or raw_label is ___:
                raise BlankError()
            key = self.key_of(raw_key)
            if key is None:
                raise Invalid(f"Ключ {raw_key!r} не узнан. Нужны ключи: {self._keys_text()}.")
            if key in result:
                raise Invalid(f"{self.item} {key} встречается дважды — оставьте один ответ.")
            label = self.label_of(raw_label)
            if label is None:
                raise Invalid(f"{self.item} {key}: ответ {raw_label!r} не узнан. Допустимо: {self.allowed}.")
            result[key] = label
        missing = [k for k in self.keys if k not in result]
        if missing:
            shown = ", ".join(missing[:6]) + (" …" if len(missing) > 6 else "")
            raise Invalid(f"Не хватает ответов для: {shown}.")
        return result

    def equal(self, answer: dict, expected: dict) -> bool:
        return all(self.accepts(k, answer[k], expected[k]) for k in self.keys)

    def generic_hint(self, answer: dict, expected: dict) -> str | None:
        wrong = [k for k in self.keys if not self.accepts(k, answer[k], expected[k])]
        if not wrong:
            return None
        first = wrong[0]
        head = ""
        if len(self.keys) > 1:
            shown = ", ".join(self.key_name(k) for k in wrong[:8]) + (" …" if len(wrong) > 8 else "")
            head = f"Верно {len(self.keys) - len(wrong)} из {len(self.keys)}; посмотрите: {shown}. "
        reason = self.explain(first, answer[first])
        if self.label_name is None:
            return f"{head}{self.item} {self.key_name(first)}: {reason}"
        return (f"{head}{self.item} {self.key_name(first)}: ответ «{self.label_name(answer[first])}» не подходит. "
                f"{reason[:1].upper()}{reason[1:]}")


# ---------------------------------------------------------------------------
# Режим проверки преподавателем: сохранение ответов внутри ядра
# ---------------------------------------------------------------------------


def _canon(value: Any, depth: int = 0) -> Any:
    """Ключ аргументов вызова: одинаковые по значению аргументы дают один ключ
    (копия строки таблицы внутри ядра и снаружи — тот же пример)."""
    if depth > 6:
        return repr(value)
    if isinstance(value, pd.Series):
        return ("Series", str(value.name), tuple((str(k), _canon(v, depth + 1)) for k, v in value.items()))
    if isinstance(value, pd.DataFrame):
        return ("DataFrame", tuple(map(str, value.columns)), _canon(value.to_dict("split")["data"], depth + 1))
    if isinstance(value, Mapping):
        return ("dict", tuple(sorted(((str(k), _canon(v, depth + 1)) for k, v in value.items()), key=lambda kv: kv[0])))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_canon(v, depth + 1) for v in value))
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return (type(value).__name__, repr(value))


def call_key(args: tuple) -> str:
    """Строковый ключ аргументов вызова функции учащегося."""
    return repr(_canon(tuple(args)))


def _dump(value: Any) -> tuple[str, Any]:
    import pickle

    try:
        data = pickle.dumps(value, protocol=4)
    except Exception as exc:
        return "unpicklable", f"{type(value).__name__}: {type(exc).__name__}"
    if len(data) > GRADING_MAX_BYTES:
        return "too_big", len(data)
    return "pickle", data


class _Recorder:
    """Обёртка функции учащегося: запоминает каждый вызов (аргументы → результат или ошибка)."""

    def __init__(self, fn: Callable):
        self.fn = fn
        self.calls: dict[str, tuple] = {}

    def __call__(self, *args):
        key = call_key(args)  # до вызова: функция может менять свой аргумент
        try:
            result = self.fn(*args)
        except BlankError:
            self.calls.setdefault(key, ("blank",))
            raise
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            self.calls.setdefault(key, ("error", type(exc).__name__, str(exc)[:500]))
            raise
        if key not in self.calls:
            if result is ___:
                self.calls[key] = ("blank",)
            else:
                self.calls[key] = ("result",) + _dump(result)
        return result


def _capture_payload(exercise: "Exercise", answer: Any) -> dict:
    if _contains_blank(answer):
        return {"kind": "blank"}
    compare = exercise.compare
    if isinstance(compare, Function) and callable(answer) and not isinstance(answer, type):
        recorder = _Recorder(answer)
        try:
            cases = compare.cases()
        except Exception as exc:
            return {"kind": "error", "text": f"примеры проверки не получены: {type(exc).__name__}"}
        for args, _want in cases:  # эталон примера здесь не нужен и не сохраняется
            try:
                compare.run(recorder, args)
            except BaseException as exc:
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
        for mistake in exercise.mistakes:  # признаки типичных ошибок зовут функцию на своих примерах
            if mistake.matches is None:
                continue
            try:
                mistake.matches(recorder)
            except BaseException as exc:
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
        return {"kind": "function", "calls": recorder.calls}
    kind, data = _dump(answer)
    return {"kind": kind, "data": data}


#: Упражнения, для которых в режиме проверки сохранён ответ с пропуском ``___``.
_GRADING_BLANK: set[str] = set()


def grading_capture(exercise: "Exercise", answer: Any, folder: str | None = None) -> None:
    """Сохранить ответ упражнения в папку проверки (последний вызов побеждает).

    Ответ — pickle данных; для функции учащегося — её результаты на примерах проверки.
    Ошибки записи не мешают тетради: отчёт тогда скажет, что ответа нет.
    """
    import pickle

    folder = folder or _GRADING_DIR
    if folder is None:
        return
    try:
        payload = _capture_payload(exercise, answer)
    except Exception as exc:
        payload = {"kind": "error", "text": f"{type(exc).__name__}"}
    payload.update({"id": exercise.id, "var": exercise.var})
    if payload.get("kind") == "blank":
        _GRADING_BLANK.add(exercise.id)
    else:
        _GRADING_BLANK.discard(exercise.id)
    try:
        path = os.path.join(folder, f"answer-{exercise.id}.pkl")
        tmp = path + ".tmp"
        with open(tmp, "wb") as fh:
            pickle.dump(payload, fh, protocol=4)
        os.replace(tmp, path)
    except Exception:
        pass


def grading_capture_missing(exercise_ids: Sequence[str], folder: str, namespace: dict | None = None) -> None:
    """Скрытая последняя ячейка проверки: сохранить ответы, для которых ``check()`` не вызывался."""
    from salesbook.exercises import get

    namespace = namespace if namespace is not None else _namespace()
    for exercise_id in exercise_ids:
        # ответ с пропуском ___ перезаписывается: участник мог выполнить check() с заготовкой,
        # а ответ написать потом в новой ячейке без check()
        if os.path.exists(os.path.join(folder, f"answer-{exercise_id}.pkl")) and exercise_id not in _GRADING_BLANK:
            continue
        try:
            exercise = get(exercise_id)
        except KeyError:
            continue
        if exercise.var in namespace:
            grading_capture(exercise, namespace[exercise.var], folder)
