"""Данные курса: генератор и загрузка таблиц компании «Сфера Софт».

Основное:

* :func:`load` — загрузить одну таблицу с проверкой типов и связей;
* :func:`load_all` — загрузить все таблицы;
* :data:`TABLES` — имена таблиц;
* :class:`DataError` — понятная ошибка в данных;
* :func:`generate` — сгенерировать набор заново (пакет :mod:`salesbook.data.generator`).
"""

from salesbook.data.generator import generate
from salesbook.data.load import TABLES, DataError, load, load_all

__all__ = ["load", "load_all", "DataError", "TABLES", "generate"]
