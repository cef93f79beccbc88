"""Проверка входа функций инструментария: одна ошибка и одни формулировки на весь курс.

Каждая функция курса проверяет, что ей передали, и на неверный вход отвечает
``MetricError`` с понятным русским сообщением — учащийся не видит трассировку
из глубин pandas. ``name`` во всех проверках — как назвать вход в сообщении
(«mrr», «Месячный отток»).
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

__all__ = ["MetricError", "require_columns", "numbers", "share", "positive"]


class MetricError(ValueError):
    """Метрику нельзя посчитать на этих данных; сообщение объясняет почему."""


def require_columns(frame, columns: Iterable[str], name: str, non_empty: bool = False) -> None:
    """Это таблица pandas, в ней есть столбцы ``columns`` (и, если ``non_empty``, хотя бы одна строка)."""
    if not isinstance(frame, pd.DataFrame):
        raise MetricError(f"{name}: ожидается таблица pandas, получено {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MetricError(f"{name}: нет столбцов {', '.join(map(str, missing))}.")
    if non_empty and frame.empty:
        raise MetricError(f"{name}: таблица пуста.")


def _shown(value: float) -> str:
    """Число для сообщения по-русски: 0,25, а не 0.25."""
    return f"{value:g}".replace(".", ",")


def _scalar_or_array(arr: np.ndarray):
    return float(arr) if arr.ndim == 0 else arr


def numbers(value, name: str) -> np.ndarray:
    """Число или массив чисел без пропусков и бесконечностей (всегда ``np.ndarray``, у числа — 0-мерный)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):  # OverflowError: целое больше любого float (10**400)
        raise MetricError(f"{name}: нужны числа, получено {value!r}.") from None
    if not np.all(np.isfinite(arr)):
        raise MetricError(f"{name}: есть пропуски или бесконечности — уберите их перед расчётом.")
    return arr


def share(value, name: str, lower_open: bool = False, upper_open: bool = False):
    """Доля от 0 до 1 (число → ``float``, массив → ``np.ndarray``).

    ``lower_open`` / ``upper_open`` исключают границу 0 или 1: вероятность, которую
    делят на (1 − p), не может быть равна 1. Частая ошибка — проценты вместо долей,
    и сообщение подсказывает, как перевести.
    """
    arr = numbers(value, name)
    bad = (arr <= 0 if lower_open else arr < 0) | (arr >= 1 if upper_open else arr > 1)
    if np.any(bad):
        excluded = [bound for bound, is_open in (("0", lower_open), ("1", upper_open)) if is_open]
        note = f" (не включая {' и '.join(excluded)})" if excluded else ""
        raise MetricError(
            f"{name}: доля должна быть от 0 до 1{note}, получено {_shown(arr[bad].flat[0])}. "
            "Проценты переведите в доли: 35 % → 0,35."
        )
    return _scalar_or_array(arr)


def positive(value, name: str, allow_zero: bool = False) -> float:
    """Одно конечное число больше нуля (или не меньше нуля при ``allow_zero``)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise MetricError(f"{name}: нужно число, получено {value!r}.") from None
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise MetricError(f"{name}: нужно {'неотрицательное' if allow_zero else 'положительное'} число, получено {_shown(v)}.")
    return v
