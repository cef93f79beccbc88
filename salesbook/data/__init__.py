"""Данные курса: генератор и загрузка таблиц компании «Сфера Софт».

Основное:

* :func:`load` — загрузить одну таблицу с проверкой типов и связей;
* :func:`load_all` — загрузить все таблицы;
* :data:`TABLES` — имена таблиц;
* :class:`DataError` — понятная ошибка в данных;
* :func:`generate` — сгенерировать набор заново (пакет :mod:`salesbook.data.generator`);
  :func:`generate_csv` — то же только в файлы, в ограниченной памяти (для масштаба 100).
"""

from salesbook.data.load import TABLES, DataError, load, load_all

__all__ = ["load", "load_all", "DataError", "TABLES", "generate", "generate_csv"]


def __getattr__(name: str):
    # Генератор (шаги, корпуса текстов, scipy.stats) импортируется, только когда он нужен: тетрадь,
    # которая лишь загружает таблицы, не ждёт его импорта при каждом старте ядра.
    if name in ("generate", "generate_csv"):
        from salesbook.data import generator

        return getattr(generator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
