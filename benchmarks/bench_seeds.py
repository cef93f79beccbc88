"""Устойчивость таблицы ориентиров к зерну генератора: та же проверка на многих ``seed``.

Запуск:  .venv/bin/python benchmarks/bench_seeds.py --seeds 20 --jobs 2

Тест ``tests/test_benchmarks.py`` проверяет ориентиры на одном наборе — том, что лежит
в ``datasets/`` (зерно ``DEFAULT_SEED``). Строка может попасть в диапазон по везению этого
зерна: у крупного бизнеса в году 10–15 новых клиентов, и одна сделка сдвигает долю на
несколько пунктов. Скрипт генерирует набор масштаба 1 для N других зёрен (1, 2, … N) во
временных папках, считает по каждому все строки ``datasets/benchmarks.yml`` и печатает
таблицу: значение в ``datasets/``, медиану по зёрнам, интервал 10–90 % зёрен, долю зёрен
в диапазоне и флаг — медиана вне диапазона или в диапазоне меньше 70 % зёрен.
Строки с ``gap`` (признанное расхождение) помечены: для них флаг ожидаем. У строк
с ``binomial_ci`` «в диапазоне» — как в тесте: интервал Уилсона пересекает диапазон; медиана
и интервал 10–90 % — по самой доле.

``--csv ПУТЬ`` — та же сводка в CSV (числа, а не текст); ``--raw-csv ПУТЬ`` — значение
каждой строки для каждого зерна. ``--keep ПАПКА`` — не удалять наборы, а хранить в
``ПАПКА/seed-N`` и брать оттуда при следующем запуске (пока не изменился код генератора):
удобно, когда меняют определения в ``benchmarks.yml``, а не генератор.

Цифры скрипта — для чтения человеком, не тест: ~5 с на зерно на одном ядре.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from salesbook.data import benchmarks  # noqa: E402
from salesbook.runtime.fmt import number, pct  # noqa: E402

MIN_SHARE = 0.7
KEY = ["row", "id", "segment", "period"]
STAMP = ".generator-stamp"


# ---------------------------------------------------------------------------
# Чистые функции: сводка по зёрнам и флаг
# ---------------------------------------------------------------------------


def summarize(per_seed: pd.DataFrame, spec: pd.DataFrame, min_share: float = MIN_SHARE) -> pd.DataFrame:
    """Сводка по зёрнам для каждой строки ориентиров.

    ``per_seed`` — столбцы row, seed, value (NaN — метрику на этом зерне посчитать нельзя) и,
    если есть, inside — вердикт ``benchmarks.evaluate`` (для строк с ``binomial_ci`` он
    сравнивает с диапазоном интервал, а не значение; без столбца — значение с диапазоном);
    ``spec`` — одна строка на row: id, name, unit, segment, period, low, high, strict_low, gap и
    committed (значение в ``datasets/``). Возвращает ``spec`` с добавленными seeds, median,
    q10, q90, share_inside, median_inside и flag (текст или пустая строка).
    """
    spec = spec.set_index("row")
    stats = []
    for row, group in per_seed.groupby("row", sort=True):
        r = spec.loc[row]
        values = group["value"].to_numpy(dtype=float)
        if "inside" in group:
            inside = group["inside"].to_numpy(dtype=bool)
        else:
            inside = np.array([benchmarks.in_range(v, r["low"], r["high"], bool(r["strict_low"])) for v in values])
        finite = values[np.isfinite(values)]
        median = float(np.median(finite)) if finite.size else np.nan
        stats.append({"row": row, "seeds": len(values), "median": median,
                      "q10": float(np.quantile(finite, 0.1)) if finite.size else np.nan,
                      "q90": float(np.quantile(finite, 0.9)) if finite.size else np.nan,
                      "share_inside": float(inside.mean()) if len(values) else np.nan,
                      "median_inside": benchmarks.in_range(median, r["low"], r["high"], bool(r["strict_low"]))})
    out = spec.join(pd.DataFrame(stats).set_index("row"), how="inner")
    out["flag"] = [flag(r.median_inside, r.share_inside, min_share) for r in out.itertuples()]
    return out.reset_index()


def flag(median_inside: bool, share_inside: float, min_share: float = MIN_SHARE) -> str:
    """Флаг хрупкой строки: медиана вне диапазона и (или) в диапазоне меньше ``min_share`` зёрен."""
    reasons = []
    if not median_inside:
        reasons.append("медиана вне")
    if not share_inside >= min_share:
        reasons.append(f"в диапазоне < {min_share:.0%}".replace("%", "\u00a0%"))
    return "; ".join(reasons)


def verdict(r) -> str:
    """Итог строки для таблицы: флаг с пометкой, ожидаем ли он (строка с gap) или нет."""
    has_gap = isinstance(r.gap, str)
    if has_gap:
        return f"gap: {r.flag}" if r.flag else "gap, но медиана в диапазоне"
    return f"⚠ {r.flag}" if r.flag else ""


# ---------------------------------------------------------------------------
# Данные по зёрнам
# ---------------------------------------------------------------------------


def generator_stamp() -> str:
    """Хеш исходников генератора: набор в ``--keep`` годится, пока он не изменился."""
    h = hashlib.sha256()
    folder = ROOT / "salesbook" / "data" / "generator"
    for path in sorted(p for p in folder.rglob("*") if p.suffix in (".py", ".yml")):
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())
    h.update((ROOT / "salesbook" / "data" / "schemas.py").read_bytes())
    return h.hexdigest()


def _evaluate_folder(folder: Path, bench_path: Path) -> pd.DataFrame:
    from salesbook.data.load import clear_cache, load_all

    tables = load_all(folder)  # один раз на зерно: все строки считаются по тем же таблицам
    rows = benchmarks.evaluate(tables, bench_path, errors="nan")
    clear_cache()  # наборы разных зёрен не копятся в памяти процесса
    return rows


def seed_values(seed: int, bench_path: Path, keep: Path | None = None, stamp: str = "") -> pd.DataFrame:
    """Сгенерировать набор масштаба 1 для ``seed`` и посчитать все строки ориентиров:
    столбцы row, seed, value. Глобальное состояние не меняется: папка передаётся загрузчику явно."""
    from salesbook.data.generator import generate

    if keep is not None:
        folder = keep / f"seed-{seed}"
        stamp_file = folder / STAMP
        if not (stamp_file.is_file() and stamp_file.read_text() == stamp):
            shutil.rmtree(folder, ignore_errors=True)
            generate(folder, scale=1, seed=seed, progress=False)
            stamp_file.write_text(stamp)
        rows = _evaluate_folder(folder, bench_path)
    else:
        with tempfile.TemporaryDirectory(prefix=f"salesbook-seed{seed}-") as tmp:
            generate(tmp, scale=1, seed=seed, progress=False)
            rows = _evaluate_folder(Path(tmp), bench_path)
    return pd.DataFrame({"row": range(len(rows)), "seed": seed, "value": rows["value"].to_numpy(),
                         "inside": rows["inside"].to_numpy()})


def committed_spec(bench_path: Path, data_dir: Path) -> pd.DataFrame:
    """Строки ориентиров со значением на наборе в ``data_dir`` (по умолчанию ``datasets/``)."""
    from salesbook.data.load import load_all

    rows = benchmarks.evaluate(load_all(data_dir), bench_path, errors="nan")
    rows = rows.rename(columns={"value": "committed"})
    rows.insert(0, "row", range(len(rows)))
    return rows[["row", "id", "name", "unit", "segment", "period", "low", "high", "strict_low", "binomial_ci", "gap",
                 "committed"]]


# ---------------------------------------------------------------------------
# Печать
# ---------------------------------------------------------------------------


def _label(r) -> str:
    segment = benchmarks.SEGMENT_NAMES.get(r.segment if isinstance(r.segment, str) else None)
    return f"{r.id} ({segment.lower()})"


def _ci_mark(r) -> str:
    """Пометка строки с ``binomial_ci``: «в диапазоне» у неё — интервал Уилсона пересекает диапазон."""
    level = getattr(r, "binomial_ci", None)
    return f" (интервал {number(100 * level, 0)}\u00a0%)" if isinstance(level, float) and level == level else ""


def table(summary: pd.DataFrame, seeds: list[int], elapsed: float | None = None) -> str:
    """Таблица сводки по-русски (Markdown)."""
    fmt = benchmarks._fmt
    lines = ["| Строка | Год | В datasets/ | Медиана | 10–90 % зёрен | Ориентир | В диапазоне | Флаг |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for r in summary.itertuples():
        spread = f"{fmt(r.q10, r.unit)} — {fmt(r.q90, r.unit)}" if np.isfinite(r.q10) else "—"
        median = fmt(r.median, r.unit) if np.isfinite(r.median) else "—"
        lines.append(f"| {_label(r)} | {r.period} | {fmt(r.committed, r.unit)} | {median} | {spread} "
                     f"| {benchmarks._range(r.low, r.high, r.unit, r.strict_low)}{_ci_mark(r)} "
                     f"| {pct(r.share_inside, 0)} | {verdict(r)} |")
    plain = summary[~summary["gap"].apply(lambda g: isinstance(g, str))]
    fragile = plain[plain["flag"].ne("")]
    head = (f"Зёрна: {seeds[0]}–{seeds[-1]} ({len(seeds)} шт.), масштаб 1. Строк без gap: {len(plain)}, "
            f"из них с флагом: {len(fragile)}; в среднем строка без gap в диапазоне на "
            f"{pct(plain['share_inside'].mean(), 0)} зёрен.")
    if elapsed is not None:
        head += f" Время: {number(elapsed, 0)}\u00a0с."
    return head + "\n\n" + "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Ориентиры datasets/benchmarks.yml на многих зёрнах генератора.")
    parser.add_argument("--seeds", type=int, default=20, help="сколько зёрен (1…N), по умолчанию 20")
    parser.add_argument("--first-seed", type=int, default=1, help="первое зерно (по умолчанию 1)")
    parser.add_argument("--jobs", type=int, default=2, help="процессов параллельно (по умолчанию 2)")
    parser.add_argument("--benchmarks", type=Path, default=benchmarks.BENCHMARKS_FILE, help="файл ориентиров")
    parser.add_argument("--data", type=Path, default=ROOT / "datasets", help="набор для столбца «В datasets/»")
    parser.add_argument("--keep", type=Path, default=None, help="хранить наборы зёрен в этой папке и брать их оттуда")
    parser.add_argument("--min-share", type=float, default=MIN_SHARE, help="порог доли зёрен в диапазоне (0,7)")
    parser.add_argument("--csv", type=Path, default=None, help="записать сводку в CSV")
    parser.add_argument("--raw-csv", type=Path, default=None, help="записать значения по каждому зерну в CSV")
    args = parser.parse_args(argv)

    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    start = time.perf_counter()
    stamp = generator_stamp() if args.keep else ""
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    spec = committed_spec(args.benchmarks, args.data)
    jobs = [(s, args.benchmarks, args.keep, stamp) for s in seeds]
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            parts = list(pool.map(seed_values, *zip(*jobs)))
    else:
        parts = [seed_values(*job) for job in jobs]
    per_seed = pd.concat(parts, ignore_index=True)
    summary = summarize(per_seed, spec, args.min_share)
    print(table(summary, seeds, time.perf_counter() - start), end="")
    if args.csv:
        summary.to_csv(args.csv, index=False)
    if args.raw_csv:
        per_seed.merge(spec[KEY], on="row").to_csv(args.raw_csv, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
