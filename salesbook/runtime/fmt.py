"""Форматирование чисел по-русски: 1 234 567 ₽, 3,2 %.

Разделитель разрядов и пробел перед знаком единицы — неразрывные (U+00A0),
чтобы число не разрывалось переносом строки ни в тетради, ни в книге.

``glue`` передаёт посчитанное число в текст раздела: в книге его вставляет роль
``{glue:text}`имя```, в тетради — генератор (``salesbook/authoring/glue.py``).
"""

from __future__ import annotations

import math
from numbers import Real

NBSP = "\u00a0"


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def number(value, digits: int = 0) -> str:
    """Число с пробелами между разрядами и запятой: ``number(1234567.891, 1)`` → «1 234 567,9»."""
    if not _is_number(value) or not math.isfinite(float(value)):
        return "—"
    text = f"{float(value):,.{digits}f}"
    if text.startswith("-"):
        text = "−" + text[1:]  # настоящий минус, а не дефис
    if text in ("−0", "−0." + "0" * digits):
        text = text[1:]
    return text.replace(",", NBSP).replace(".", ",")


def rub(value, digits: int = 0) -> str:
    """Сумма в рублях: ``rub(1234567)`` → «1 234 567 ₽»."""
    text = number(value, digits)
    return text if text == "—" else f"{text}{NBSP}₽"


def pct(share, digits: int = 1) -> str:
    """Доля как процент: ``pct(0.032)`` → «3,2 %». Принимает долю (0,032), а не проценты (3,2)."""
    if not _is_number(share):
        return "—"
    text = number(float(share) * 100, digits)
    return text if text == "—" else f"{text}{NBSP}%"


def signed_pct(share, digits: int = 1) -> str:
    """Изменение в процентах со знаком: ``signed_pct(0.009)`` → «+0,9 %», ``signed_pct(-0.249)`` → «−24,9 %»."""
    text = pct(share, digits)
    if text == "—" or text.startswith("−") or not text.strip("0,\u00a0%"):
        return text  # минус уже есть; у нуля знака нет
    return "+" + text


def months(value, digits: int = 1) -> str:
    """Срок в месяцах: ``months(14.25)`` → «14,3 мес.»."""
    text = number(value, digits)
    return text if text == "—" else f"{text}{NBSP}мес."


def days(value, digits: int = 0) -> str:
    """Срок в днях: ``days(28)`` → «28 дн.»."""
    text = number(value, digits)
    return text if text == "—" else f"{text}{NBSP}дн."


def minutes(value, digits: int = 0) -> str:
    """Длительность в минутах: ``minutes(10)`` → «10 мин»."""
    text = number(value, digits)
    return text if text == "—" else f"{text}{NBSP}мин"


def plural(count: int, one: str, few: str, many: str) -> str:
    """Число со словом в нужной форме: ``plural(821, "сделка", "сделки", "сделок")`` → «821 сделка»,
    ``plural(822, …)`` → «822 сделки», ``plural(825, …)`` → «825 сделок»."""
    n = abs(int(count))
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = few
    else:
        word = many
    return f"{number(int(count))}{NBSP}{word}"


def compact_rub(value) -> str:
    """Крупные суммы коротко: 1 250 000 → «1,25 млн ₽», 3 400 → «3,4 тыс. ₽»."""
    if not _is_number(value) or not math.isfinite(float(value)):
        return "—"
    v = float(value)
    for bound, word in ((1e9, "млрд"), (1e6, "млн"), (1e3, "тыс.")):
        if abs(v) >= bound:
            scaled = v / bound
            digits = 2 if abs(scaled) < 10 else 1 if abs(scaled) < 100 else 0
            text = number(scaled, digits)
            if "," in text:
                text = text.rstrip("0").rstrip(",")
            return f"{text}{NBSP}{word}{NBSP}₽"
    return rub(v)


_ROMAN_QUARTERS = ("I", "II", "III", "IV")


def quarter(code) -> str:
    """Квартал по-русски: ``quarter("2023Q2")`` → «II кв. 2023».

    Принимает код квартала «2023Q2» (так подписаны квартальные когорты) или
    ``pandas.Period`` с частотой квартала; остальное — «—».
    """
    year = getattr(code, "year", None)
    q = getattr(code, "quarter", None)
    if year is None or q is None:
        text = str(code).strip().upper()
        if len(text) != 6 or text[4] != "Q" or not text[:4].isdigit() or text[5] not in "1234":
            return "—"
        year, q = int(text[:4]), int(text[5])
    if not 1 <= int(q) <= 4:
        return "—"
    return f"{_ROMAN_QUARTERS[int(q) - 1]}{NBSP}кв.{NBSP}{int(year)}"


def table(frame, formats: dict | None = None, names: dict | None = None, index_labels: bool = True):
    """Таблица для показа: числа по-русски, подписи столбцов и кодов по-русски.

    ``formats`` — столбец → функция форматирования (``fmt.rub``, ``fmt.pct``…);
    ``names`` — столбец → русский заголовок. Возвращает новую таблицу строк,
    исходная не меняется (считать дальше нужно по исходной).
    """
    import pandas as pd

    from salesbook.runtime.plotting import label

    shown = frame.copy()
    if isinstance(shown, pd.Series):
        shown = shown.to_frame()
    for column, formatter in (formats or {}).items():
        if column in shown.columns:
            shown[column] = [formatter(v) for v in shown[column].tolist()]
    names = names or {}
    if index_labels:
        shown.index = [label(v) for v in shown.index]
    # Имена осей — служебные имена столбцов (outcome, segment…): показываем по-русски из ``names``
    # или не показываем вовсе.
    shown.index.names = [names.get(n) for n in shown.index.names]
    shown.columns.names = [names.get(n) for n in shown.columns.names]
    return shown.rename(columns=names)


GLUE_MIME = "application/vnd.salesbook.glue+json"


class _Glued:
    """Значение для вставки в текст: готовая строка (``text/plain``) и исходное число (``GLUE_MIME``)."""

    def __init__(self, text: str, value):
        self.text, self.value = text, value

    def _repr_mimebundle_(self, include=None, exclude=None):
        # repr строки: роль {glue:text} снимает кавычки через literal_eval
        return {"text/plain": repr(self.text), GLUE_MIME: {"text": self.text, "value": self.value}}


def _plain(value):
    """Исходное значение в виде, пригодном для JSON: число (12 значащих цифр) или строка."""
    if _is_number(value) and math.isfinite(float(value)):
        return float(f"{float(value):.12g}")
    return str(value)


def glue(name: str, value, formatter=number) -> str:
    """Передать значение в текст раздела под именем ``метрика.сегмент.период``.

    ``glue("cac.b2b.2024", full_cac, fmt.rub)`` — в тексте раздела
    ``{glue:text}`cac.b2b.2024``` станет «967 891 ₽». ``formatter`` — функция
    этого модуля (``rub``, ``pct``, ``months``…) или своя; строки вставляются как есть.
    Вызывается в ячейках с тегом ``glue``: их нет в тетрадях учащихся, а значения
    туда подставляет генератор тетрадей. Возвращает вставляемый текст.
    """
    from myst_nb import glue as myst_glue

    text = value if isinstance(value, str) else formatter(value)
    myst_glue(name, _Glued(text, _plain(value)), display=False)
    return text


def p_value(value) -> str:
    """p-value двумя значащими цифрами с запятой: ``p_value(0.00594)`` → «0,0059», ``p_value(1)`` → «1,0»."""
    if not _is_number(value) or not math.isfinite(float(value)):
        return "—"
    return f"{float(value):#.2g}".replace(".", ",")
