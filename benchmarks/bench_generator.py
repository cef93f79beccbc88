"""Память и время генератора данных на большом масштабе; файлы сверяются с эталоном побайтно.

Запуск:  .venv/bin/python benchmarks/bench_generator.py [--scale 100] [--out ПАПКА] [--keep] [--steps]

Генератор запускается так же, как его запускает участник, — командой ``salesbook data
--scale … --quiet`` в отдельном процессе. Замеряются пик памяти этого процесса (наибольший
резидентный размер по данным ядра, ``getrusage``) и время до конца записи файлов; затем
SHA-256 каждого CSV сравнивается с эталоном масштаба из
``salesbook/data/checksums_scales.json`` (эталоны записаны генератором до переделок ради
памяти: файлы обязаны совпадать до байта). Итог — против цели: масштаб 100 в пределах 2 ГБ
памяти. С ``--steps`` генератор идёт тем же путём (``generate_csv``), но печатает по каждому шагу
(вместе с записью таблиц, готовых после него) время, память процесса и пик к этому моменту —
видно, какой шаг держит пик.
Цифры — для сравнения на одной машине, не для тестов; то, что скрипт правильно
сверяет файлы и выносит вердикт, проверяет tests/test_bench_generator.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Эталонные SHA-256 файлов по масштабам (зерно по умолчанию).
REFERENCE = ROOT / "salesbook" / "data" / "checksums_scales.json"

#: Цель: пик памяти генератора на масштабе 100, байт.
TARGET_BYTES = 2 * 1024 ** 3


def scale_key(scale: float) -> str:
    """Ключ масштаба в файле эталонов: 100 → «100», 0,5 → «0.5»."""
    return f"{float(scale):g}"


#: Эталон масштаба 1 — контрольные суммы учебного набора datasets/.
REFERENCE_SCALE_1 = ROOT / "salesbook" / "data" / "checksums.json"


def reference_files(scale: float, path: Path = REFERENCE) -> dict[str, str] | None:
    """Эталонные SHA-256 файлов масштаба или ``None``, если эталона для него нет (масштаб 1 — из checksums.json)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = data["scales"].get(scale_key(scale))
    if entry is None and scale_key(scale) == "1" and path == REFERENCE:
        return json.loads(REFERENCE_SCALE_1.read_text(encoding="utf-8"))["files"]
    return None if entry is None else entry["files"]


def sha256_files(folder: Path) -> dict[str, str]:
    """SHA-256 каждого CSV папки (файлы читаются частями: большие не помещаются в память целиком)."""
    out = {}
    for path in sorted(folder.glob("*.csv")):
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        out[path.name] = digest.hexdigest()
    return out


def compare(got: dict[str, str], expected: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """Файлы, которых нет; файлы, которые отличаются; лишние файлы — по сравнению с эталоном."""
    missing = sorted(set(expected) - set(got))
    changed = sorted(name for name in expected if name in got and got[name] != expected[name])
    extra = sorted(set(got) - set(expected))
    return missing, changed, extra


def gigabytes(n_bytes: float) -> str:
    """Байты → «1,84 ГБ»."""
    return f"{n_bytes / 1024 ** 3:.2f}".replace(".", ",") + " ГБ"


def verdict(peak_bytes: float, identical: bool | None, scale: float, target: float = TARGET_BYTES) -> str:
    """Итоговая строка: файлы и память против цели (цель задана для масштаба 100)."""
    files = {True: "файлы совпадают с эталоном", False: "ФАЙЛЫ ОТЛИЧАЮТСЯ от эталона",
             None: "эталона для этого масштаба нет — файлы не сверены"}[identical]
    memory = (f"пик памяти {gigabytes(peak_bytes)} — "
              + ("в пределах цели" if peak_bytes < target else "ВЫШЕ цели") + f" {gigabytes(target)}")
    if scale_key(scale) != "100":
        memory += " (цель задана для масштаба 100)"
    return f"Итог: {files}; {memory}."


def _rss_bytes() -> int:
    """Резидентная память процесса сейчас, байт (Linux: /proc/self/statm; иначе 0)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def probe_steps(scale: float, out: Path) -> None:
    """В дочернем процессе: ``generate_csv``; после каждого шага и записи готовых после него таблиц —
    строка JSON в stdout (шаг, секунды, память процесса сейчас и пик к этому моменту).

    Замер — в обратном вызове исполнителя после того, как он записал и освободил таблицы шага:
    иначе запись таблиц шага попала бы в строку следующего, а таблицы после последнего шага — никуда.
    """
    import dataclasses

    from salesbook.data.generator import generate_csv, pipeline

    run_steps = pipeline.run
    started = {}

    def timed(s):
        def run(ctx, *rngs):
            started["at"] = time.perf_counter()
            s.run(ctx, *rngs)
        return dataclasses.replace(s, run=run)

    def probed(steps, ctx, rngs, bar, done=None):
        steps = tuple(steps)

        def after(i):
            if done is not None:
                done(i)
            print(json.dumps({"step": steps[i].label, "seconds": time.perf_counter() - started["at"],
                              "rss": _rss_bytes(), "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024},
                             ensure_ascii=False), flush=True)
        return run_steps(tuple(timed(s) for s in steps), ctx, rngs, bar, after)

    pipeline.run = probed
    generate_csv(out, scale=scale, progress=False)


STEP_HEADER = f"{'Шаг (с записью его готовых таблиц)':<44} {'с':>7} {'после, ГБ':>10} {'пик, ГБ':>9}"


def step_row(record: dict) -> str:
    """Строка таблицы по шагам: шаг, секунды, память после шага и записи его таблиц, пик процесса к этому моменту."""
    seconds = f"{record['seconds']:.1f}".replace(".", ",")
    return (f"{record['step'][:44]:<44} {seconds:>7} {gigabytes(record['rss']).removesuffix(' ГБ'):>10} "
            f"{gigabytes(record['peak']).removesuffix(' ГБ'):>9}")


def peak_step(records: list[dict]) -> str | None:
    """Шаг, на котором память процесса достигла итогового пика (``None`` — записей нет)."""
    if not records:
        return None
    top = max(r["peak"] for r in records)
    return next(r["step"] for r in records if r["peak"] == top)


def run_generator(scale: float, out: Path, steps: bool = False) -> tuple[float, int, list[dict]]:
    """Запустить генератор в отдельном процессе: секунды, пик памяти процесса (байт), записи по шагам.

    Без ``steps`` — командой ``salesbook data`` (записей по шагам нет), с ``steps`` — :func:`probe_steps`.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    records = []
    if steps:   # строки по шагам печатаются по мере того, как шаги заканчиваются
        cmd = [sys.executable, str(Path(__file__).resolve()), "--probe", "--scale", scale_key(scale), "--out", str(out)]
        print(STEP_HEADER, flush=True)
        with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True, encoding="utf-8") as child:
            for line in child.stdout:
                if line.startswith("{"):
                    records.append(json.loads(line))
                    print(step_row(records[-1]), flush=True)
        if child.returncode:
            raise subprocess.CalledProcessError(child.returncode, cmd)
    else:
        cmd = [sys.executable, "-m", "salesbook", "data", "--scale", scale_key(scale), "--out", str(out), "--quiet"]
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss   # Linux: килобайты
    if peak_kb <= before:
        print("Внимание: пик памяти не выше, чем у прежних дочерних процессов этого скрипта; цифра — их максимум.")
    return seconds, peak_kb * 1024, records


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=100.0, help="масштаб набора (по умолчанию 100)")
    parser.add_argument("--out", default=None, help="папка для CSV (по умолчанию — временная, удаляется после замера)")
    parser.add_argument("--keep", action="store_true", help="не удалять временную папку с файлами")
    parser.add_argument("--steps", action="store_true", help="время и память по каждому шагу генератора")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)   # дочерний процесс --steps
    args = parser.parse_args(argv)
    if args.probe:
        probe_steps(args.scale, Path(args.out))
        return 0

    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix=f"sfera_x{scale_key(args.scale)}_"))
    scale_text = scale_key(args.scale).replace(".", ",")
    how = "generate_csv с замером по шагам" if args.steps else "salesbook data --quiet"
    print(f"Генератор, масштаб {scale_text} ({how}), папка {out}")
    try:
        seconds, peak, records = run_generator(args.scale, out, steps=args.steps)
        if records:
            top = max(r["peak"] for r in records)
            print(f"Пик впервые достигнут на шаге «{peak_step(records)}» (с записью его таблиц): {gigabytes(top)}")
        size = sum(p.stat().st_size for p in out.glob("*.csv"))
        print(f"{'Время':<22} {seconds:>10.1f} с".replace(".", ","))
        print(f"{'Пик памяти':<22} {gigabytes(peak):>12}")
        print(f"{'Файлы':<22} {len(list(out.glob('*.csv'))):>10} CSV, {gigabytes(size)}")
        expected = reference_files(args.scale)
        identical = None
        if expected is not None:
            missing, changed, extra = compare(sha256_files(out), expected)
            identical = not (missing or changed or extra)
            for title, names in (("нет файлов", missing), ("отличаются", changed), ("лишние файлы", extra)):
                if names:
                    print(f"{title}: {', '.join(names)}")
        print(verdict(peak, identical, args.scale))
        return 0 if identical is not False else 1
    finally:
        if args.out is None and not args.keep:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
