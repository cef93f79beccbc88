"""Скорость функций пакета на большом наборе данных: против аккуратного pandas и против «наивного».

Запуск:  .venv/bin/python benchmarks/bench_toolkit.py --scale 10 [--repeat 5] [--no-naive]
Набор нужного масштаба генерируется один раз в _build/bench-x<масштаб> (только
таблицы, которые нужны замерам) и дальше берётся оттуда. Печатает таблицу:
функция, время пакета, время ориентира (тот же результат, написанный аккуратно
векторно на pandas/numpy — столько стоит задача без накладных расходов пакета),
отношение пакет / ориентир (больше 1,2 — помечено «!»), время наивной реализации
(построчные циклы и apply — так пишут, когда торопятся). Время — лучшее из
``--repeat`` запусков. Цифры — для сравнения на одной машине, не для тестов;
то, что ориентиры дают тот же результат, что и пакет, проверяет
tests/test_bench_toolkit.py на учебном наборе.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from salesbook.toolkit import acquisition, course

CASES = []

#: Во сколько раз пакет может быть медленнее ориентира, не получая пометки.
TOLERANCE = 1.2


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

    def baseline():
        won = opps[opps["outcome"].to_numpy() == "won"]
        order = np.lexsort((won["opportunity_id"].to_numpy(), won["close_date"].to_numpy()))
        won = won.take(order)
        return won[~won["account_id"].duplicated()].reset_index(drop=True)

    return (lambda: acquisition.new_customer_deals(opps)), naive, baseline


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

    def baseline():
        lo, hi = pd.Timestamp(start), pd.Timestamp(end)

        def inside(dates):
            values = dates.to_numpy()
            return (values >= lo.to_datetime64()) & (values <= hi.to_datetime64())

        media = spend[inside(spend["month"]) & (spend["business_line"].to_numpy() == "b2b")]
        won = opps.loc[opps["outcome"].to_numpy() == "won", ["account_id", "close_date", "opportunity_id", "lead_id"]]
        won = won.take(np.lexsort((won["opportunity_id"].to_numpy(), won["close_date"].to_numpy())))
        first = won[~won["account_id"].duplicated()]
        first = first[inside(first["close_date"])]
        channel = pd.Series(leads["channel"].to_numpy(), index=leads["lead_id"].to_numpy())
        table = pd.DataFrame({
            "spend_rub": media.groupby("channel")["spend_rub"].sum(),
            "leads": leads["channel"][inside(leads["created_date"])].groupby(leads["channel"]).size(),
            "sqls": leads["channel"][inside(leads["sql_date"])].groupby(leads["channel"]).size(),
            "customers": first["lead_id"].map(channel).value_counts(sort=False),
        }).fillna(0)
        table[["leads", "sqls", "customers"]] = table[["leads", "sqls", "customers"]].astype(int)
        table.index.name = "channel"
        paid = table["spend_rub"].to_numpy() > 0
        cost = table["spend_rub"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            for column, count in (("cpl", "leads"), ("cost_per_sql", "sqls"), ("cac", "customers")):
                n = table[count].to_numpy()
                table[column] = np.where(paid & (n > 0), cost / n, np.nan)
        return table.sort_values("spend_rub", ascending=False)

    return (lambda: acquisition.channel_funnel(spend, leads, opps, start, end)), naive, baseline


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

    def baseline():  # целые номера месяцев и bincount вместо слияний таблиц
        account, _ = pd.factorize(mrr["account_id"])
        month = mrr["month"]
        index = (month.dt.year.to_numpy() * 12 + month.dt.month.to_numpy() - 1).astype(np.int64)
        value = mrr["mrr_rub"].to_numpy()
        n = account.max() + 1
        start = np.full(n, np.iinfo(np.int64).max)
        np.minimum.at(start, account, index)
        age = index - start[account]
        first = age == 0
        mrr_first = np.zeros(n)
        mrr_first[account[first]] = value[first]
        quarter = start // 3  # номер квартала от нулевого года
        q_codes, quarters = pd.factorize(quarter, sort=True)
        k = len(quarters)
        customers = np.bincount(q_codes, minlength=k)
        mrr_start = np.bincount(q_codes, weights=mrr_first, minlength=k)
        last_start = np.full(k, np.iinfo(np.int64).min)
        np.maximum.at(last_start, q_codes, start)
        max_age = index.max() - last_start
        offset = np.concatenate([[0], np.cumsum(max_age + 1)])
        cell = offset[q_codes[account]] + age
        seen = age <= max_age[q_codes[account]]
        size = offset[-1]
        active = np.bincount(cell[seen], weights=(value[seen] > 0), minlength=size).astype(np.int64)
        total = np.bincount(cell[seen], weights=value[seen], minlength=size)
        cohort_of_cell = np.repeat(np.arange(k), max_age + 1)
        labels = np.array([f"{q // 4}Q{q % 4 + 1}" for q in quarters], dtype=object)
        table = pd.DataFrame({
            "cohort": labels[cohort_of_cell],
            "age": np.arange(size) - offset[cohort_of_cell],
            "customers": customers[cohort_of_cell],
            "active": active,
            "mrr_rub": total,
            "mrr_start": mrr_start[cohort_of_cell],
        })
        table["logo_retention"] = table["active"] / table["customers"]
        table["revenue_retention"] = table["mrr_rub"] / table["mrr_start"]
        return table

    return (lambda: retention.cohort_table(mrr, freq="Q")), naive, baseline


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

    def baseline():
        flows = pd.DataFrame({"month": mrr["month"]})
        value, churn = mrr["mrr_rub"].to_numpy(), mrr["churn_rub"].to_numpy()
        expansion, contraction = mrr["expansion_rub"].to_numpy(), mrr["contraction_rub"].to_numpy()
        start = np.round(value - mrr["new_rub"].to_numpy() - expansion + contraction + churn, 2)
        flows["customers_start"] = (start > 0).astype(int)
        flows["churned"] = ((value == 0) & (churn > 0)).astype(int)
        flows["mrr_start"], flows["churn_rub"] = start, churn
        flows["contraction_rub"], flows["expansion_rub"] = contraction, expansion
        sums = flows.groupby("month").sum()
        sums = sums[sums["customers_start"] > 0]
        start = sums["mrr_start"].where(sums["mrr_start"] > 0)
        sums["logo_churn"] = sums["churned"] / sums["customers_start"]
        sums["revenue_churn"] = (sums["churn_rub"] + sums["contraction_rub"]) / start
        sums["net_revenue_churn"] = (sums["churn_rub"] + sums["contraction_rub"] - sums["expansion_rub"]) / start
        return sums

    return (lambda: retention.churn_table(mrr)), naive, baseline


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

    def baseline():  # формулы finance без проверок входа; все входы здесь заведомо допустимы
        out = frame.copy()
        churn, cac = frame["monthly_churn"].to_numpy(), frame["cac"].to_numpy()
        gm = frame["gross_margin"].to_numpy()
        new_gp = frame["new_mrr"].to_numpy() * gm
        out["ltv"] = frame["arpa"].to_numpy() * gm / churn
        out["ltv_cac"] = out["ltv"].to_numpy() / cac
        out["payback_months"] = cac / new_gp
        x = cac * churn / new_gp
        with np.errstate(invalid="ignore"):
            out["payback_churn_months"] = np.where(x < 1, np.log1p(-x) / np.log1p(-churn), np.inf)
        return out

    return (lambda: finance.scenario_table(frame)), naive, baseline


@case("finance.npv (1 000 потоков × 36 мес.)")
def bench_npv(d):
    import numpy as np
    import numpy_financial as npf

    from salesbook.toolkit import finance

    flows = pd.DataFrame(np.random.default_rng(7).normal(100_000, 30_000, (1_000, 37)))

    def naive():
        return [npf.npv(0.0188, row) for row in flows.itertuples(index=False)]

    def baseline():
        return flows.to_numpy() @ (1.0188 ** -np.arange(flows.shape[1]))

    return (lambda: finance.npv(0.0188, flows)), naive, baseline


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

    return (lambda: market.icp_score(market.segment_metrics(opps, accounts, mrr))), naive, None


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

    fast = lambda: planning.simulate_plan(team, productivity, course.PLAN_YEAR, ranges, n_runs=1_000, seed=2025)  # noqa: E731
    return fast, naive, None


TABLES = ("marketing_spend", "sm_costs", "leads", "opportunities", "reps", "accounts", "mrr")


def generate_tables(folder: Path, scale: float) -> None:
    """Сгенерировать только таблицы замеров: шаги генератора по порядку, пока все ``TABLES`` не готовы.

    Шаги после них (партнёры, касания, …) замерам не нужны; таблицы те же, что у полного
    ``salesbook data --scale``, — потоки случайных чисел у шагов свои.
    """
    from tqdm.auto import tqdm

    from salesbook.data import schemas
    from salesbook.data.generator import DEFAULT_SEED, _write_csv, pipeline
    from salesbook.data.generator.context import Context
    from salesbook.data.generator.steps import STEPS

    ctx = Context(scale=float(scale))
    rngs = pipeline.streams(DEFAULT_SEED, scale)
    with tqdm(desc="Генерация", unit="шаг", file=sys.stderr) as bar:
        for step in STEPS:
            if all(ctx.has(f"tables.{name}") for name in TABLES):
                break
            pipeline.run([step], ctx, rngs, bar)
    folder.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        _write_csv(ctx.tables[name][schemas.columns(name)], folder / f"{name}.csv")


def load_scaled(scale: float) -> dict[str, pd.DataFrame]:
    from salesbook.data import load

    folder = ROOT / "_build" / f"bench-x{scale:g}"
    if not all((folder / f"{name}.csv").exists() for name in TABLES):
        print(f"Генерирую набор ×{scale:g} в {folder} (один раз)…", flush=True)
        generate_tables(folder, scale)
    return {name: load(name, folder) for name in TABLES}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Скорость функций пакета против аккуратного и наивного pandas.")
    parser.add_argument("--scale", type=float, default=100.0, help="масштаб набора данных (по умолчанию 100)")
    parser.add_argument("--repeat", type=int, default=5, help="запусков пакета и ориентира, берётся лучший (по умолчанию 5)")
    parser.add_argument("--no-naive", action="store_true", help="не замерять наивные версии (они самые долгие)")
    args = parser.parse_args(argv)
    data = load_scaled(args.scale)
    from salesbook.runtime.fmt import number

    def seconds(value: float) -> str:
        return "—" if value is None else f"{value:.4f}".replace(".", ",")

    print(f"Строк: лиды {number(len(data['leads']))}, сделки {number(len(data['opportunities']))}, MRR {number(len(data['mrr']))}")
    print(f"Время — лучшее из {args.repeat} запусков; «!» — пакет медленнее ориентира больше чем в {TOLERANCE:g} раза"
          .replace(".", ","))
    print(f"{'функция':48} {'пакет, с':>10} {'ориентир, с':>12} {'пакет/ориентир':>15} {'наивно, с':>10}")
    slow = []
    for name, build in CASES:
        fast, naive, baseline = build(data)
        t_fast = timed(fast, repeat=args.repeat)
        t_base = None if baseline is None else timed(baseline, repeat=args.repeat)
        t_naive = None if args.no_naive else timed(naive)
        if t_base is None:
            ratio = "—"
        else:
            ratio = f"{t_fast / t_base:.2f}×".replace(".", ",") + (" !" if t_fast > TOLERANCE * t_base else "  ")
            if t_fast > TOLERANCE * t_base:
                slow.append(name)
        print(f"{name:48} {seconds(t_fast):>10} {seconds(t_base):>12} {ratio:>15} {seconds(t_naive):>10}", flush=True)
    if slow:
        print("Медленнее ориентира: " + ", ".join(slow))
    return 0


if __name__ == "__main__":
    sys.exit(main())
