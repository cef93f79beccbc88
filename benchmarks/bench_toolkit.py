"""Скорость функций пакета на большом наборе данных против «наивного» pandas.

Запуск:  .venv/bin/python benchmarks/bench_toolkit.py --scale 100
Набор нужного масштаба генерируется один раз в _build/bench-x<масштаб> (для ×100 —
около 1,5 минуты и 1,3 ГБ CSV) и дальше берётся оттуда. Печатает таблицу: функция,
время пакета, время наивной реализации (построчные циклы и apply — так пишут,
когда торопятся), ускорение. Цифры — для сравнения на одной машине, не для тестов.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from salesbook import metrics  # noqa: E402

CASES = []


def case(name):
    def register(fn):
        CASES.append((name, fn))
        return fn

    return register


def timed(fn, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


# --- 1.1.1 CAC ---------------------------------------------------------------

@case("metrics.new_customer_deals")
def bench_new_customers(d):
    opps = d["opportunities"]

    def naive():
        first = {}
        for row in opps[opps["outcome"] == "won"].itertuples():
            current = first.get(row.account_id)
            if current is None or (row.close_date, row.opportunity_id) < (current.close_date, current.opportunity_id):
                first[row.account_id] = row
        return pd.DataFrame(first.values())

    return (lambda: metrics.new_customer_deals(opps)), naive


@case("metrics.channel_funnel")
def bench_funnel(d):
    spend, leads, opps = d["marketing_spend"], d["leads"], d["opportunities"]
    start, end = "2024-01-01", "2024-12-31"

    def naive():
        deals = metrics.new_customer_deals(opps, leads)
        rows = {}
        for channel in leads["channel"].unique():
            s = spend[(spend["channel"] == channel) & (spend["business_line"] == "b2b")]
            s = sum(r.spend_rub for r in s.itertuples() if pd.Timestamp(start) <= r.month <= pd.Timestamp(end))
            n_leads = leads[(leads["channel"] == channel)]["created_date"].apply(lambda x: pd.Timestamp(start) <= x <= pd.Timestamp(end)).sum()
            n_sql = leads[(leads["channel"] == channel)]["sql_date"].apply(lambda x: pd.notna(x) and pd.Timestamp(start) <= x <= pd.Timestamp(end)).sum()
            n_cust = deals[deals["channel"] == channel]["close_date"].apply(lambda x: pd.Timestamp(start) <= x <= pd.Timestamp(end)).sum()
            rows[channel] = (s, n_leads, n_sql, n_cust)
        return rows

    return (lambda: metrics.channel_funnel(spend, leads, opps, start, end)), naive


def load_scaled(scale: float) -> dict[str, pd.DataFrame]:
    from salesbook.data import generate, load

    folder = ROOT / "_build" / f"bench-x{scale:g}"
    if not (folder / "accounts.csv").exists():
        print(f"Генерирую набор ×{scale:g} в {folder} (один раз)…", flush=True)
        generate(folder, scale=scale, progress=True)
    names = ("marketing_spend", "sm_costs", "leads", "opportunities", "reps", "accounts", "mrr")
    return {name: load(name, folder) for name in names}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Скорость функций пакета против наивного pandas.")
    parser.add_argument("--scale", type=float, default=100.0, help="масштаб набора данных (по умолчанию 100)")
    parser.add_argument("--skip-naive-over", type=float, default=300.0, help="не ждать наивную версию дольше, с")
    args = parser.parse_args(argv)
    data = load_scaled(args.scale)
    from salesbook.fmt import number

    print(f"Строк: лиды {number(len(data['leads']))}, сделки {number(len(data['opportunities']))}, MRR {number(len(data['mrr']))}")
    print(f"{'функция':40} {'пакет, с':>10} {'наивно, с':>10} {'ускорение':>10}")
    for name, build in CASES:
        fast, naive = build(data)
        t_fast = timed(fast, repeat=3)
        t_naive = timed(naive)
        print(f"{name:40} {t_fast:10.3f} {t_naive:10.3f} {t_naive / t_fast:9.0f}×", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
