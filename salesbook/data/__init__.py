"""Данные курса: генератор и загрузка таблиц компании «Сфера Софт».

Основное:

* :func:`load` — загрузить одну таблицу с проверкой типов и связей;
* :func:`load_all` — загрузить все таблицы;
* :data:`TABLES` — имена таблиц;
* :class:`DataError` — понятная ошибка в данных;
* :func:`generate` — сгенерировать набор заново (пакет :mod:`salesbook.data.generator`);
  :func:`generate_csv` — то же только в файлы, в ограниченной памяти (для масштаба 100).
"""

from salesbook.data.generator import generate, generate_csv
from salesbook.data.load import TABLES, DataError, load, load_all

__all__ = ["load", "load_all", "DataError", "TABLES", "generate", "generate_csv"]
