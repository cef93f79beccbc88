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

Таблица записывается в CSV, как только её прочёл последний шаг, которому она нужна (по
объявлениям шагов), — так :func:`generate_csv` держит в памяти только таблицы, которые ещё
понадобятся (память и время на масштабе 100 замеряет ``benchmarks/bench_generator.py``).
"""

from __future__ import annotations

import ctypes
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from salesbook.data import schemas as S
from salesbook.data.generator import pipeline
from salesbook.data.generator.context import Context
from salesbook.data.generator.frames import DeferredTable

#: Зерно учебного набора ``datasets/`` (его SHA-256 — в ``salesbook/data/checksums.json``).
DEFAULT_SEED = 20250101

#: Строк CSV за один вызов ``to_csv``: большая таблица пишется частями, индикатор между ними движется.
CSV_CHUNK_ROWS = 250_000

#: Раз в столько секунд индикатор обновляется и на долгом шаге (идёт время).
TICK_SECONDS = 1.0

_M_MMAP_THRESHOLD = -3   # параметр mallopt из malloc.h glibc

__all__ = ["generate", "generate_csv", "DEFAULT_SEED"]


def _write_csv(df: pd.DataFrame | DeferredTable, columns: list[str], path: Path, report=None) -> None:
    """Столбцы ``columns`` таблицы в CSV частями по ``CSV_CHUNK_ROWS`` строк; ``report(доля)`` — после части.

    Части пишутся в один файл подряд, заголовок — только у первой: файл побайтно тот же, что
    и от одного ``to_csv``, а копия выбранных столбцов занимает память одной части, а не всей таблицы.
    Таблицу в компактном виде (:class:`~.frames.DeferredTable`) часть за частью и собирает.
    """
    n = len(df)
    part = df.frame if isinstance(df, DeferredTable) else (lambda start, stop: df.iloc[start:stop])
    with open(path, "w", encoding="utf-8", newline="") as f:
        for start in range(0, max(n, 1), CSV_CHUNK_ROWS):
            stop = min(start + CSV_CHUNK_ROWS, n)
            part(start, stop).to_csv(f, columns=columns, header=start == 0, index=False,
                                     float_format="%.2f", lineterminator="\n")
            if report is not None and n > CSV_CHUNK_ROWS:
                report(stop / n)


def _return_freed_memory() -> None:
    """Отдавать системе память освобождённых массивов (glibc; на других системах — ничего не делать).

    glibc по умолчанию поднимает порог, с которого большой блок берётся у системы отдельно
    (mmap), до размера последнего освобождённого такого блока — до 32 МБ. После этого массивы
    в десятки мегабайт (столбцы таблиц масштаба 100) живут в общей куче и после освобождения
    остаются за процессом: память генератора растёт на гигабайты сверх нужного. Постоянный порог
    (значение glibc по умолчанию, 128 КБ) отключает этот подъём; в стандартной библиотеке Python
    и в numpy такой настройки нет, поэтому — вызов ``mallopt`` через ctypes.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 128 * 1024)
    except (OSError, AttributeError):   # не glibc (например, musl): настройки нет — и не нужно
        pass


@contextmanager
def _ticking(bar: tqdm):
    """Перерисовывать индикатор раз в ``TICK_SECONDS`` из фонового потока: на шаге в минуту идут часы.

    В tqdm нет перерисовки по таймеру (он обновляет индикатор только при ``update``), поэтому
    здесь — короткий поток; tqdm сам защищает вывод блокировкой.
    """
    if bar.disable:
        yield
        return
    stop = threading.Event()

    def tick():
        while not stop.wait(TICK_SECONDS):
            bar.refresh()

    thread = threading.Thread(target=tick, name="generator-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _run(out_dir, scale: float, seed: int, progress: bool, kept: dict | None) -> dict[str, int]:
    """Выполнить шаги; каждую готовую таблицу записать в CSV (если есть папка) и убрать из контекста.

    Готова таблица после последнего шага, который её читает (:func:`pipeline.last_readers`); поле
    контекста после своего последнего читателя освобождается (массивы сделок, касаний и т. п.).
    ``kept`` — словарь, куда сложить готовые таблицы (столбцы в порядке схемы); ``None`` — не
    хранить. Возвращает число строк каждой таблицы.
    """
    if not scale > 0:
        raise ValueError(f"Масштаб должен быть положительным числом, получено: {scale!r}")
    # шаги (с корпусами текстов) — только здесь: тетради импортируют из пакета генератора лишь
    # параметры (salesbook.data.generator.params), и при старте ядра шаги им не нужны
    from salesbook.data.generator.steps import STEPS

    out = None if out_dir is None else Path(out_dir)
    if kept is None:
        _return_freed_memory()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)   # до генерации: о недоступной папке — сразу, а не через минуты
    finished: dict[int, list[str]] = {}      # номер шага → таблицы, готовые после него
    released: dict[int, list[str]] = {}      # номер шага → поля контекста, больше никому не нужные
    for name, i in pipeline.last_readers(STEPS).items():
        if name.startswith("tables."):
            finished.setdefault(i, []).append(name.removeprefix("tables."))
        else:
            released.setdefault(i, []).append(name)
    rows: dict[str, int] = {}
    ctx = Context(scale=float(scale))
    bar = tqdm(total=len(STEPS) + (len(S.TABLES) if out is not None else 0), desc="Генерация",
               disable=not progress, unit="шаг", file=sys.stderr)

    def done(i: int) -> None:
        for name in released.get(i, ()):
            setattr(ctx, name, None)
        for t in sorted(finished.get(i, ()), key=S.TABLES.index):
            df = ctx.tables.pop(t)
            columns = S.columns(t)
            rows[t] = len(df)
            if kept is not None:
                kept[t] = (df.frame() if isinstance(df, DeferredTable) else df)[columns]
            if out is not None:
                label = f"Генерация: запись {t}.csv"
                bar.set_description(label)
                _write_csv(df, columns, out / f"{t}.csv",
                           lambda share: bar.set_description(f"{label} ({share:.0%})"))
                bar.update(1)
            del df

    with _ticking(bar):
        pipeline.run(STEPS, ctx, pipeline.streams(seed, scale), bar, done)
    bar.close()
    return {t: rows[t] for t in S.TABLES}


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
        :func:`salesbook.data.load`. Все таблицы сразу занимают много памяти
        (на масштабе 100 — несколько гигабайт); если нужны только файлы,
        вызывайте :func:`generate_csv`.
    """
    kept: dict[str, pd.DataFrame] = {}
    _run(out_dir, scale, seed, progress, kept)
    return {t: kept[t] for t in S.TABLES}


def generate_csv(out_dir, scale: float = 1.0, seed: int = DEFAULT_SEED, progress: bool = True) -> dict[str, int]:
    """Сгенерировать таблицы и записать их в CSV, не держа в памяти все сразу.

    Файлы — побайтно те же, что у :func:`generate`; каждая таблица записывается и
    освобождается, как только её прочёл последний шаг, которому она нужна. Так пишет набор
    команда ``salesbook data``.

    Параметры
    ---------
    out_dir : str | Path
        Папка для CSV-файлов (создаётся при необходимости).
    scale, seed, progress
        Как у :func:`generate`.

    Возвращает
    ----------
    dict[str, int]
        Число строк каждой таблицы.
    """
    return _run(out_dir, scale, seed, progress, None)
