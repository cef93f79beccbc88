"""Векторные выборки и сборка столбцов: коды категорий, идентификаторы, пропуски."""

from __future__ import annotations

import numpy as np
import pandas as pd


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def choice_codes(rng, n, probs):
    """n категориальных кодов 0..k-1 с вероятностями probs (векторно)."""
    p = np.asarray(probs, dtype=float)
    return np.searchsorted(np.cumsum(p / p.sum()), rng.random(n), side="right").clip(0, len(p) - 1)


def choice_rows(rng, probs_rows):
    """Для каждой строки матрицы вероятностей — один код."""
    c = np.cumsum(probs_rows / probs_rows.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs_rows))[:, None]
    return (u > c).sum(axis=1).clip(0, probs_rows.shape[1] - 1)


def scaled_count(rng, x):
    """Стохастическое округление: сохраняет ожидание при малом масштабе."""
    x = np.asarray(x, dtype=float)
    return (np.floor(x) + (rng.random(x.shape) < (x - np.floor(x)))).astype(np.int64)


def per(mapping, keys) -> np.ndarray:
    """Значения словаря параметров в порядке ``keys`` (обычно — кодов из schemas)."""
    return np.array([mapping[k] for k in keys])


def labels(values, codes):
    """Коды → подписи из ``values`` (массив object)."""
    if isinstance(values, IdRange):   # только выбранные идентификаторы, а не все
        return values[codes]
    return np.asarray(values, dtype=object)[codes]


def optional_labels(values, codes):
    """Как :func:`labels`, но код −1 → ``None``."""
    codes = np.asarray(codes)
    return np.where(codes >= 0, labels(values, np.maximum(codes, 0)), None)


def ids(prefix, n, width, rows=None):
    """Идентификаторы ``prefix`` + номер с ведущими нулями: R001, L000001…

    ``rows`` — только строки с этими номерами (с нуля; номера или срез) из ``n``: ширина номера та же,
    что у всех ``n``.
    """
    width = max(width, len(str(max(n, 1))))
    rows = range(n) if rows is None else range(n)[rows] if isinstance(rows, slice) else rows
    # строки Python сразу, без промежуточных массивов numpy.str_ (на 10 млн строк — гигабайты)
    out = np.empty(len(rows), dtype=object)
    out[:] = [f"{prefix}{i + 1:0{width}d}" for i in rows]
    return out


class IdRange:
    """Идентификаторы ``ids(prefix, n, width)``, которые собираются по запросу, а не хранятся.

    ``ids_[rows]`` — то же, что ``ids(prefix, n, width)[rows]`` (номер, срез, маска или номера строк),
    но строится только выбранное. Два миллиона идентификаторов лидов масштаба 100 строками Python —
    около 130 МБ; шаги же берут их понемногу: для части таблицы или для найденных строк.
    Отрицательные номера в массиве — ошибка (в генераторе это признак «нет значения», а не счёт с
    конца). ``np.asarray(ids_)`` строит все идентификаторы сразу — только для малых таблиц и тестов.
    """

    def __init__(self, prefix: str, n: int, width: int):
        self.prefix, self.n, self.width = prefix, int(n), width

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, rows):
        if isinstance(rows, (int, np.integer)):
            return ids(self.prefix, self.n, self.width, [range(self.n)[rows]])[0]
        if isinstance(rows, slice):
            return ids(self.prefix, self.n, self.width, rows)
        rows = np.asarray(rows)
        if rows.size == 0:
            return np.empty(rows.shape, dtype=object)
        if rows.dtype == bool:
            if rows.shape != (self.n,):
                raise IndexError(f"Маска длины {len(rows)}, а идентификаторов {self.n}")
            rows = np.flatnonzero(rows)
        if rows.dtype.kind not in "iu":
            raise IndexError(f"Номера строк должны быть целыми, получен тип {rows.dtype}")
        if rows.size and (rows.min() < 0 or rows.max() >= self.n):
            raise IndexError("Номер строки вне списка идентификаторов")
        # повторы (месяцы одного клиента, стадии одной сделки) — одна строка Python на идентификатор,
        # как было бы у выборки из массива всех идентификаторов, а не по строке на каждый повтор
        distinct, inverse = np.unique(rows.ravel(), return_inverse=True)
        return ids(self.prefix, self.n, self.width, distinct.tolist())[inverse].reshape(rows.shape)

    def position(self, values) -> np.ndarray:
        """Номера строк идентификаторов ``values``; −1 — не идентификатор этого списка (как ``Index.get_indexer``)."""
        values = list(values)
        out = np.full(len(values), -1, dtype=np.int64)
        lead = len(self.prefix)
        width = max(self.width, len(str(max(self.n, 1))))   # ширина номера, как у ids()
        found = [(i, int(v[lead:]) - 1) for i, v in enumerate(values)
                 if isinstance(v, str) and len(v) == lead + width and v.startswith(self.prefix)
                 and v[lead:].isascii() and v[lead:].isdigit()]
        if found:
            at, k = np.array(found, dtype=np.int64).T
            inside = (k >= 0) & (k < self.n)
            at, k = at[inside], k[inside]
            same = ids(self.prefix, self.n, self.width, k.tolist()) == np.array([values[i] for i in at], dtype=object)
            out[at[same]] = k[same]
        return out

    def __array__(self, dtype=None, copy=None):
        return ids(self.prefix, self.n, self.width).astype(dtype or object)


def objects(values) -> np.ndarray:
    """Список → одномерный массив object из тех же объектов (``np.array`` сделал бы из строк массив
    фиксированной ширины, а из списков — многомерный)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def filled(n, value) -> np.ndarray:
    """Массив object из ``n`` ссылок на один и тот же ``value``.

    Не ``np.full(n, "строка", dtype=object)``: numpy делает там отдельную строку Python на
    каждый элемент (около 60 байт), и столбец в 10 млн касаний занимает лишние полгигабайта.
    """
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def nullable_int(values, present):
    """Целочисленный столбец с пропусками (пусто там, где present=False)."""
    return pd.arrays.IntegerArray(np.asarray(values, dtype=np.int64), ~np.asarray(present, dtype=bool))


def round2(x):
    return np.round(np.asarray(x, dtype=float), 2)


def concat_records(records: list[dict]) -> dict[str, np.ndarray]:
    """Склеить список словарей массивов по ключам."""
    return {k: np.concatenate([r[k] for r in records]) for k in records[0]}
