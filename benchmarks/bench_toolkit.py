"""Скорость функций пакета на большом наборе данных против «наивного» pandas.

Запуск:  .venv/bin/python benchmarks/bench_toolkit.py --scale 100
Набор нужного масштаба генерируется один раз в _build/bench-x<масштаб> (для ×100 —
около 1,5 минуты и 1,3 ГБ CSV) и дальше берётся оттуда. Печатает таблицу: функция,
время пакета, время наивной реализации (построчные циклы и apply — так пишут,
когда торопятся), ускорение. Цифры — для сравнения на одной машине, не для тестов.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from salesbook.toolkit import acquisition, course

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

@case("acquisition.new_customer_deals")
def bench_new_customers(d):
    opps = d["opportunities"]

    def naive():
        first = {}
        for row in opps[opps["outcome"] == "won"].itertuples():
            current = first.get(row.account_id)
            if current is None or (row.close_date, row.opportunity_id) < (current.close_date, current.opportunity_id):
                first[row.account_id] = row
        return pd.DataFrame(first.values())

    return (lambda: acquisition.new_customer_deals(opps)), naive


@case("acquisition.channel_funnel")
def bench_funnel(d):
    spend, leads, opps = d["marketing_spend"], d["leads"], d["opportunities"]
    start, end = course.YEAR_2024

    def naive():
        deals = acquisition.new_customer_deals(opps, leads)
        rows = {}
        for channel in leads["channel"].unique():
            s = spend[(spend["channel"] == channel) & (spend["business_line"] == "b2b")]
            s = sum(r.spend_rub for r in s.itertuples() if pd.Timestamp(start) <= r.month <= pd.Timestamp(end))
            n_leads = leads[(leads["channel"] == channel)]["created_date"].apply(lambda x: pd.Timestamp(start) <= x <= pd.Timestamp(end)).sum()
            n_sql = leads[(leads["channel"] == channel)]["sql_date"].apply(lambda x: pd.notna(x) and pd.Timestamp(start) <= x <= pd.Timestamp(end)).sum()
            n_cust = deals[deals["channel"] == channel]["close_date"].apply(lambda x: pd.Timestamp(start) <= x <= pd.Timestamp(end)).sum()
            rows[channel] = (s, n_leads, n_sql, n_cust)
        return rows

    return (lambda: acquisition.channel_funnel(spend, leads, opps, start, end)), naive


# --- 1.1.2 LTV: когорты и отток ------------------------------------------------

@case("retention.cohort_table (квартальные когорты)")
def bench_cohorts(d):
    from salesbook.toolkit import retention

    mrr = d["mrr"]

    def naive():
        rows = []
        for account, g in mrr.groupby("account_id"):
            paid = g[g["mrr_rub"] > 0]
            if paid.empty:
                continue
            start = paid["month"].min()
            for row in g.itertuples():
                age = (row.month.year - start.year) * 12 + row.month.month - start.month
                rows.append((start.to_period("Q"), age, row.mrr_rub > 0, row.mrr_rub))
        frame = pd.DataFrame(rows, columns=["cohort", "age", "active", "mrr_rub"])
        return frame.groupby(["cohort", "age"]).agg(active=("active", "sum"), mrr_rub=("mrr_rub", "sum"))

    return (lambda: retention.cohort_table(mrr, freq="Q")), naive


@case("retention.churn_table (по месяцам)")
def bench_churn(d):
    from salesbook.toolkit import retention

    mrr = d["mrr"]

    def naive():
        out = {}
        for month, g in mrr.groupby("month"):
            start = g.apply(lambda r: r.mrr_rub - r.new_rub - r.expansion_rub + r.contraction_rub + r.churn_rub, axis=1)
            churned = g.apply(lambda r: r.mrr_rub == 0 and r.churn_rub > 0, axis=1).sum()
            at_risk = (start > 0).sum()
            out[month] = churned / at_risk if at_risk else float("nan")
        return out

    return (lambda: retention.churn_table(mrr)), naive


# --- 1.1.3–1.1.4 окупаемость, NPV, сценарии -------------------------------------

@case("finance.scenario_table (100 000 сценариев)")
def bench_scenarios(d):
    import numpy as np

    from salesbook.toolkit import finance

    rng = np.random.default_rng(2025)
    n = 100_000
    frame = pd.DataFrame({
        "monthly_churn": rng.uniform(0.005, 0.05, n), "arpa": rng.uniform(10_000, 200_000, n),
        "gross_margin": rng.uniform(0.6, 0.85, n), "cac": rng.uniform(100_000, 3_000_000, n),
        "new_mrr": rng.uniform(10_000, 200_000, n),
    })

    def naive():
        rows = []
        for r in frame.itertuples():
            gp = r.arpa * r.gross_margin
            ltv = gp / r.monthly_churn
            rows.append((ltv, ltv / r.cac, r.cac / (r.new_mrr * r.gross_margin)))
        return rows

    return (lambda: finance.scenario_table(frame)), naive


@case("finance.npv (1 000 потоков × 36 мес.)")
def bench_npv(d):
    import numpy as np
    import numpy_financial as npf

    from salesbook.toolkit import finance

    flows = pd.DataFrame(np.random.default_rng(7).normal(100_000, 30_000, (1_000, 37)))

    def naive():
        return [npf.npv(0.0188, row) for row in flows.itertuples(index=False)]

    return (lambda: finance.npv(0.0188, flows)), naive


# --- 1.2 рынок: сегменты и ICP ---------------------------------------------------

@case("market.segment_metrics + icp_score")
def bench_icp(d):
    from salesbook.toolkit import market

    opps, accounts, mrr = d["opportunities"], d["accounts"], d["mrr"]

    def naive():
        rows = {}
        merged = opps.merge(accounts[["account_id", "industry"]], on="account_id", how="left")
        for key, g in merged.groupby(["segment", "industry"]):
            closed = g[g["outcome"].isin(["won", "lost"])]
            won = closed[closed["outcome"] == "won"]
            rows[key] = [len(won) / max(len(closed), 1), won["amount_rub"].median(),
                         won.apply(lambda r: (r.close_date - r.created_date).days, axis=1).median() if len(won) else None, 0, 0]
        cell = accounts.set_index("account_id")[["segment", "industry"]].apply(tuple, axis=1).to_dict()
        for account, g in mrr.groupby("account_id"):  # отток: клиенто-месяцы и уходы по каждому клиенту
            key = cell.get(account)
            if key in rows:
                rows[key][3] += int((g["mrr_rub"] > 0).sum())
                rows[key][4] += int(((g["mrr_rub"] == 0) & (g["churn_rub"] > 0)).sum())
        return rows

    return (lambda: market.icp_score(market.segment_metrics(opps, accounts, mrr))), naive


# --- 1.3 риски: Монте-Карло ------------------------------------------------------

@case("planning.simulate_plan (1 000 прогонов)")
def bench_monte_carlo(d):
    from salesbook.toolkit import planning

    reps, opps = d["reps"], d["opportunities"]
    team = planning.plan_team(reps, course.hires_2026(), course.PLAN_YEAR)
    productivity = planning.segment_productivity(opps, reps, *course.YEAR_2025)
    ranges = course.RISK_RANGES_2026

    def naive():  # та же модель, но по одному прогону за вызов — цикл Python вместо массивов
        return [planning.simulate_plan(team, productivity, course.PLAN_YEAR, ranges, n_runs=1, seed=i) for i in range(1_000)]

    return (lambda: planning.simulate_plan(team, productivity, course.PLAN_YEAR, ranges, n_runs=1_000, seed=2025)), naive


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
    from salesbook.runtime.fmt import number

    print(f"Строк: лиды {number(len(data['leads']))}, сделки {number(len(data['opportunities']))}, MRR {number(len(data['mrr']))}")
    print(f"{'функция':48} {'пакет, с':>10} {'наивно, с':>10} {'ускорение':>10}")
    for name, build in CASES:
        fast, naive = build(data)
        t_fast = timed(fast, repeat=3)
        t_naive = timed(naive)
        print(f"{name:48} {t_fast:10.3f} {t_naive:10.3f} {t_naive / t_fast:9.0f}×", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
