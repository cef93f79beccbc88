"""Данные курса: генератор и загрузка таблиц компании «Сфера Софт».

Основное:

* :func:`load` — загрузить одну таблицу с проверкой типов и связей;
* :func:`load_all` — загрузить все таблицы;
* :data:`TABLES` — имена таблиц;
* :class:`DataError` — понятная ошибка в данных;
* :func:`generate` — сгенерировать набор заново.
"""

import warnings as _warnings

# ``python -m salesbook.data.generate`` запускает модуль, который пакет уже
# импортировал ради функции generate; предупреждение runpy об этом безвредно.
_warnings.filterwarnings(
    "ignore", category=RuntimeWarning,
    message=r".*'salesbook\.data\.generate' found in sys\.modules after import of package.*")

from salesbook.data.generate import generate  # noqa: E402
from salesbook.data.load import DataError, TABLES, load, load_all  # noqa: E402

__all__ = ["load", "load_all", "DataError", "TABLES", "generate"]
