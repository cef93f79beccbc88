"""Сколько ждёт ученик первого вывода в рабочей тетради после старта ядра.

Запуск:  .venv/bin/python benchmarks/bench_first_output.py [--only ch09] [--repeat 3]

Для каждой рабочей тетради из notebooks/ запускается свежее ядро в папке тетради (как
у ученика, открывшего её в JupyterLab); когда ядро готово, ячейки выполняются по порядку,
пока одна из них не даст вывод (текст, таблицу, график). Печатает таблицу: тетрадь,
секунды от готовности ядра до первого вывода (лучшее из ``--repeat`` запусков), сколько
ячеек для этого понадобилось, и помечает «!» всё, что дольше цели в 2 секунды. Старт самого
ядра не входит: его время зависит от машины и Jupyter, а не от курса. Цифры — для
сравнения на одной машине, не для тестов.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parents[1]

#: Цель: первый вывод не позже, чем через столько секунд после старта ядра.
TARGET_SECONDS = 2.0

#: Предел ожидания одной ячейки, с.
CELL_TIMEOUT = 120


def _has_output(msg) -> bool:
    return msg["header"]["msg_type"] in {"stream", "display_data", "execute_result", "error"}


def first_output_seconds(path: Path) -> tuple[float, int]:
    """Секунды от готовности ядра до первого вывода тетради и число выполненных ячеек."""
    nb = nbformat.read(path, as_version=4)
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(path.parent))
    try:
        start = time.perf_counter()
        cells = 0
        for cell in nb.cells:
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            cells += 1
            msg_id = kc.execute(cell.source, store_history=False)
            seen = False
            while True:
                msg = kc.get_iopub_msg(timeout=CELL_TIMEOUT)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                seen = seen or _has_output(msg)
                if msg["header"]["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
            if seen:
                return time.perf_counter() - start, cells
        return float("nan"), cells
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="только тетради, в пути которых есть эта строка (например, ch09)")
    parser.add_argument("--repeat", type=int, default=1, help="сколько раз запускать каждую тетрадь (берётся лучший)")
    args = parser.parse_args(argv)

    paths = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if args.only in str(p.relative_to(ROOT)))
    if not paths:
        print("Нет рабочих тетрадей: сначала выполните make notebooks.")
        return 1
    print(f"{'Тетрадь':<42} {'до вывода, с':>13} {'ячеек':>6}")
    times = []
    for path in paths:
        runs = [first_output_seconds(path) for _ in range(max(1, args.repeat))]
        seconds, cells = min(runs)
        times.append(seconds)
        mark = " !" if seconds > TARGET_SECONDS else ""
        print(f"{str(path.relative_to(ROOT / 'notebooks')):<42} {seconds:>13.2f} {cells:>6}{mark}", flush=True)
    over = sum(t > TARGET_SECONDS for t in times)
    print(f"\nТетрадей: {len(times)}; медиана {statistics.median(times):.2f} с, худшая {max(times):.2f} с; "
          f"дольше {TARGET_SECONDS:g} с: {over}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
