"""Большие таблицы генератора в компактном виде: коды и номера, а строки — только по частям.

Таблица касаний на масштабе 100 — 11 млн строк, активностей — 8 млн, лидов и компаний — по 2 млн.
Собранные целиком в ``pandas.DataFrame`` со строками Python, они занимают от сотен мегабайт до
двух гигабайт, хотя нужны лишь для того, чтобы записать CSV, и шагам, которые берут из них малую
часть строк или столбцов. :class:`DeferredTable` хранит столбцы как числа (номер лида, день, код
категории, номера частей названия), а таблицу собирает по запросу: кусок подряд идущих строк — для
записи CSV по частям, выбранные строки и столбцы — для шага-читателя, а условие, по которому он их
выбирает, проверяется часть за частью. Собранный кусок — тот же ``DataFrame``, что дал бы срез
таблицы, собранной целиком: те же значения, типы и номера строк. Шаг, который правит готовую
таблицу (MRR клиентов переадресует лиды допродаж), делает это через :meth:`DeferredTable.patch`.

Готового средства для этого нет: pyarrow со словарными столбцами сжал бы строки, но поменял бы
тип строк во всём курсе (pandas 3 берёт pyarrow для строк, когда он установлен), а ленивые
таблицы (dask, polars) не дают побайтно того же CSV, что ``DataFrame.to_csv``.
"""

from __future__ import annotations

from typing import Callable, Iterable

import numpy as np
import pandas as pd

#: ``render(строки, столбцы)`` — значения выбранных столбцов для строк (срез или номера строк).
Render = Callable[[slice | np.ndarray, tuple[str, ...]], dict[str, object]]


class DeferredTable:
    """Таблица из ``n`` строк, которую ``render`` собирает частями; порядок столбцов — ``columns``.

    ``text`` — столбцы со строками (и пропусками): у них тип ``str`` и в части, где строк нет вовсе
    (одни пропуски или ни одной строки), — как у столбца целой таблицы.
    """

    def __init__(self, n: int, columns: Iterable[str], render: Render, text: Iterable[str] = ()):
        self.n = int(n)
        self.columns = tuple(columns)
        self.text = frozenset(text)
        self._render = render
        self._patches: dict[str, tuple[np.ndarray, np.ndarray]] = {}   # столбец → (строки по возрастанию, значения)

    def __len__(self) -> int:
        return self.n

    def _frame(self, rows: slice | np.ndarray, index, names: tuple[str, ...]) -> pd.DataFrame:
        unknown = [name for name in names if name not in self.columns]
        if unknown:
            raise KeyError(f"В таблице нет столбцов {unknown}")
        values = self._render(rows, names)
        for name in names:
            if name in self._patches:
                values[name] = self._patched(name, values[name], rows)
        return pd.DataFrame({name: pd.array(values[name], dtype="str") if name in self.text else values[name]
                             for name in names}, index=index)

    def _patched(self, name: str, values, rows: slice | np.ndarray):
        at, new = self._patches[name]
        positions = np.arange(*rows.indices(self.n)) if isinstance(rows, slice) else rows
        k = np.minimum(np.searchsorted(at, positions), len(at) - 1)
        hit = at[k] == positions
        if not hit.any():
            return values
        if not isinstance(values, np.ndarray):
            raise TypeError(f"Столбец «{name}» собирается не массивом numpy: правка на месте не поддержана")
        if not np.can_cast(new.dtype, values.dtype, casting="same_kind"):   # как .loc: дробь в целый столбец — ошибка
            raise TypeError(f"Столбец «{name}» типа {values.dtype} нельзя исправить значениями типа {new.dtype}")
        out = values.copy()
        out[hit] = new[k[hit]]
        return out

    def patch(self, name: str, rows, values) -> None:
        """Заменить значения столбца ``name`` в строках ``rows`` (номера строк) на ``values``.

        Как ``таблица.loc[rows, name] = values`` у таблицы, собранной целиком: каждая следующая часть
        и выборка собираются уже с новыми значениями; у строки, исправленной дважды, — последнее.
        """
        if name not in self.columns:
            raise KeyError(f"В таблице нет столбца «{name}»")
        rows = np.asarray(rows, dtype=np.int64)
        values = np.asarray(values)
        if values.dtype.kind == "U":   # строки — объектами, как в собранных столбцах (без обрезки по ширине)
            values = values.astype(object)
        if rows.shape != values.shape:
            raise ValueError(f"Строк {len(rows)}, а значений {len(values)}")
        if len(rows) and (rows.min() < 0 or rows.max() >= self.n):
            raise ValueError("Номера строк должны быть внутри таблицы")
        if len(rows) == 0:
            return
        if name in self._patches:   # прежние правки — раньше новых: при повторе строки побеждает новая
            at, old = self._patches[name]
            rows, values = np.concatenate([at, rows]), np.concatenate([old, values])
        # последняя правка каждой строки: уникальные номера по развёрнутому массиву
        last = len(rows) - 1 - np.unique(rows[::-1], return_index=True)[1]
        self._patches[name] = (rows[last], values[last])

    def frame(self, start: int = 0, stop: int | None = None, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Строки ``start:stop`` подряд; номера строк — как у целой таблицы.

        ``columns`` — только эти столбцы, в этом порядке (как ``таблица[columns]``); по умолчанию — все.
        Шагу, который читает таблицу целиком, стоит перечислить нужные ему столбцы: собираются только они.
        """
        stop = self.n if stop is None else min(stop, self.n)
        names = self.columns if columns is None else tuple(columns)
        return self._frame(slice(start, stop), pd.RangeIndex(start, stop), names)

    def select(self, predicate: Callable[[pd.DataFrame], pd.Series], *names: str,
               chunk_rows: int = 250_000) -> np.ndarray:
        """Маска строк, для которых ``predicate(часть)`` истинна; части — по ``chunk_rows`` строк подряд.

        ``names`` — столбцы, которые нужны условию: собираются только они и только для одной части
        за раз, так что маска по 10 млн строк не требует собрать даже один столбец целиком.
        """
        mask = np.zeros(self.n, dtype=bool)
        for start in range(0, self.n, chunk_rows):
            stop = min(start + chunk_rows, self.n)
            part = self._frame(slice(start, stop), pd.RangeIndex(start, stop), names)
            got = predicate(part)
            if isinstance(got, pd.Series):   # как df[маска]: по меткам строк, пропуск — «нет»
                got = got.reindex(part.index).to_numpy(dtype=bool, na_value=False)
            mask[start:stop] = np.asarray(got, dtype=bool)
        return mask

    def lookup(self, key: str, values: Iterable, columns: Iterable[str]) -> pd.DataFrame:
        """Строки, у которых в столбце ``key`` — одно из ``values``: столбцы ``columns``, индекс — ``key``.

        То же, что ``таблица.set_index(key)[columns]`` для этих значений (порядок строк — табличный):
        шагу, которому нужны данные тысяч компаний, не приходится собирать все два миллиона.
        """
        if isinstance(values, str):
            raise TypeError("lookup() ждёт набор значений, а не одну строку")
        wanted = set(values)
        names = [key, *(c for c in columns if c != key)]
        return self.rows(self.select(lambda c: c[key].isin(wanted), key), names).set_index(key)

    def rows(self, which, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Выбранные строки (маска длины ``n`` или номера по возрастанию), номера строк — свои.

        То же, что ``таблица[маска]`` у таблицы, собранной целиком (или ``таблица[маска][columns]``:
        ``columns`` — только эти столбцы, в этом порядке).
        """
        which = np.asarray(which)
        if which.dtype == bool and len(which) != self.n:
            raise ValueError(f"Маска строк длины {len(which)}, а в таблице {self.n} строк")
        idx = np.flatnonzero(which) if which.dtype == bool else which.astype(np.int64)
        if len(idx) and (np.any(np.diff(idx) <= 0) or idx[0] < 0 or idx[-1] >= self.n):
            raise ValueError("Номера строк должны возрастать и быть внутри таблицы")
        return self._frame(idx, pd.Index(idx), self.columns if columns is None else tuple(columns))


class Packed:
    """Целочисленный (или логический) столбец, хранимый самым узким типом (:func:`narrow`).

    ``packed[rows]`` — значения выбранных строк в исходном типе: столбец таблицы выглядит так же,
    как если бы хранился целиком, а в памяти — по 2 или 4 байта на строку вместо 8 (если значения
    туда помещаются). Хранится копия: правка исходного массива таблицу не меняет.
    """

    def __init__(self, values):
        values = np.asarray(values)
        self.dtype = values.dtype
        self.values = values.copy() if values.dtype == bool else narrow(values)

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, rows) -> np.ndarray:
        return self.values[rows].astype(self.dtype, copy=False)


def encode(values: np.ndarray, vocabulary: list) -> np.ndarray:
    """Значения → коды (int16) в ``vocabulary``; новые значения дописываются в его конец.

    Столбец из нескольких десятков разных строк хранится по два байта на строку, а не по
    указателю на строку Python.
    """
    items = np.asarray(values, dtype=object).tolist()
    for v in dict.fromkeys(items):          # новые значения — в порядке появления
        if v not in vocabulary:
            vocabulary.append(v)
    if len(vocabulary) > np.iinfo(np.int16).max:
        raise ValueError("Слишком много разных значений для кода int16")
    # словарь в цикле, а не pd.factorize: тот держит по 60 байт на строку (хэш-таблица и коды int64)
    lookup = {v: i for i, v in enumerate(vocabulary)}
    return np.fromiter((lookup[v] for v in items), dtype=np.int16, count=len(items))


def narrow(values: np.ndarray) -> np.ndarray:
    """Целые → самый узкий из int16/int32/int64, в который входят все значения (без потерь).

    Логические массивы возвращаются как есть; дробные — только если все значения целые
    (например, после ``np.round``), иначе ``ValueError``: округлять молча здесь нельзя.
    """
    values = np.asarray(values)
    if values.dtype == bool:
        return values
    if values.dtype.kind == "f" and not np.array_equal(values, np.rint(values)):
        raise ValueError("narrow() получил дробные значения: сузить без потерь нельзя")
    if values.dtype.kind not in "iuf":
        raise TypeError(f"narrow() сужает только числа, получен тип {values.dtype}")
    if len(values) == 0:
        return values.astype(np.int32)
    lo, hi = int(values.min()), int(values.max())
    for dtype in (np.int16, np.int32):
        info = np.iinfo(dtype)
        if info.min <= lo and hi <= info.max:
            return values.astype(dtype)
    return values.astype(np.int64)
