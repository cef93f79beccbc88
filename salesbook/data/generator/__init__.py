"""Генератор синтетических данных компании «Сфера Софт» (2023–2025).

Одна вымышленная компания, две линии бизнеса:

* B2B — «Сфера Деск», SaaS для службы поддержки (годовые контракты, MRR);
* B2C — «Сфера Планер», приложение-планировщик (подписки и разовые покупки).

Все таблицы связаны в одну историю: бюджет канала → лиды канала → SDR
квалифицирует лид (MQL → SQL) → сделка AE со стадиями, MEDDIC и заметками →
выигранная сделка → клиент с помесячным MRR → использование продукта и
обращения в поддержку → возможный отток.

Устройство пакета:

* :mod:`.params` — «ручки реализма» (конверсии, отток, цены, сезонность), по модулю на область;
* ``corpora/*.yml`` — тексты: имена, названия компаний, заметки к сделкам, цитаты исследования;
* :mod:`.steps` — шаги генерации; каждый объявляет, что читает и пишет и какими потоками
  случайных чисел пользуется (:mod:`.pipeline`), общее состояние — :mod:`.context`.

Запуск из командной строки: ``salesbook data --scale 1 --out datasets``. Генерация
детерминирована: одинаковые ``seed`` и ``scale`` дают побайтно одинаковые файлы.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from salesbook.data import schemas as S
from salesbook.data.generator import pipeline
from salesbook.data.generator.context import Context
from salesbook.data.generator.steps import STEPS

#: Зерно учебного набора ``datasets/`` (его SHA-256 — в ``salesbook/data/checksums.json``).
DEFAULT_SEED = 20250101

__all__ = ["generate", "DEFAULT_SEED"]


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, float_format="%.2f", lineterminator="\n", encoding="utf-8")


def generate(out_dir, scale: float = 1.0, seed: int = DEFAULT_SEED,
             progress: bool = True) -> dict[str, pd.DataFrame]:
    """Сгенерировать все таблицы «Сфера Софт» и записать их в CSV.

    Параметры
    ---------
    out_dir : str | Path | None
        Папка для CSV-файлов (создаётся при необходимости). ``None`` — ничего
        не записывать, только вернуть таблицы.
    scale : float
        Масштаб объёмов: 1 — учебный набор (~20 тыс. лидов), 10 и 100 — для
        экспериментов с производительностью. Объёмы (лиды, пользователи,
        сотрудники, бюджеты) растут пропорционально.
    seed : int
        Зерно генератора случайных чисел. Одинаковые ``seed`` и ``scale``
        дают побайтно одинаковые файлы.
    progress : bool
        Показывать индикатор выполнения.

    Возвращает
    ----------
    dict[str, pandas.DataFrame]
        Таблицы в том виде, в каком они записаны в CSV (даты — строки
        ГГГГ-ММ-ДД). Для типизированных таблиц используйте
        :func:`salesbook.data.load`.
    """
    if not scale > 0:
        raise ValueError(f"Масштаб должен быть положительным числом, получено: {scale!r}")
    ctx = Context(scale=float(scale))
    bar = tqdm(total=len(STEPS) + 1, desc="Генерация", disable=not progress, unit="шаг", file=sys.stderr)
    pipeline.run(STEPS, ctx, pipeline.streams(seed, scale), bar)
    tables = {t: ctx.tables[t][S.columns(t)] for t in S.TABLES}
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        bar.set_description("Генерация: запись CSV")
        for t, df in tables.items():
            _write_csv(df, out / f"{t}.csv")
    bar.update(1)
    bar.close()
    return tables
