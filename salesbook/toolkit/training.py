"""Обучение продавцов и оценка его эффекта (раздел 5.2).

Функции раздела 5.2: win rate AE по кварталам (из ``kpi.win_rate`` — тот же расчёт, что в
10.1), панель «до/после» вокруг курса, наивная оценка эффекта, разность разностей (OLS с
ошибками, кластеризованными по сотруднику), доля сдавших тест с интервалом Уилсона,
выбор проходного балла по цене ошибок, стоимость курса и ROI по Филлипсу.

Все функции принимают таблицы из ``salesbook.data.load`` (или такие же по столбцам) и на
неверный вход отвечают ``MetricError`` на русском.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.toolkit import kpi, sales_scripts
from salesbook.toolkit.validation import MetricError, positive, require_columns, share

__all__ = [
    "STEPS", "stage_gaps", "quarterly_win_rates", "event_panel", "naive_effect", "did_effect", "pass_rate",
    "threshold_table", "best_threshold", "leave_one_out_thresholds", "course_cost", "roi", "break_even_uplift",
    "regression_to_mean_simulation",
]


#: Шаги после демо: (название, доля «дошли» в числителе, доля в знаменателе) из ``sales_scripts.post_demo_funnel``.
STEPS = {
    "demo_to_proposal": ("to_proposal", None),
    "proposal_to_negotiation": ("to_negotiation", "to_proposal"),
    "negotiation_to_won": ("won", "to_negotiation"),
}


def _step_rates(funnel: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=funnel.index)
    for name, (num, den) in STEPS.items():
        out[name] = funnel[num] if den is None else funnel[num] / funnel[den].where(funnel[den] > 0)
    return out


def stage_gaps(opportunities: pd.DataFrame, stages: pd.DataFrame, reps: pd.DataFrame, start, end) -> pd.DataFrame:
    """Конверсия каждого шага после демо у AE против его сегмента, по сделкам, закрытым в период.

    Воронка — ``sales_scripts.post_demo_funnel`` (раздел 3.3): закрытые сделки, дошедшие до
    демо. Для AE, работающих на конец периода, возвращает ``demo_deals`` и по каждому шагу
    ``STEPS`` разницу «AE минус сегмент» в долях (отрицательная — AE теряет на шаге больше
    коллег), а также ``weakest_step`` — шаг с самой большой отрицательной разницей (пусто, если AE
    ни на одном шаге не ниже сегмента).
    """
    require_columns(opportunities, ["owner_id", "segment", "outcome", "close_date"], "opportunities")
    require_columns(reps, ["rep_id", "role", "exit_date"], "reps")
    end_ts = pd.Timestamp(end)
    active = reps[(reps["role"] == "AE") & (reps["exit_date"].isna() | (pd.to_datetime(reps["exit_date"]) > end_ts))]
    closed = kpi.closed_deals(opportunities, start, end)
    closed = closed[closed["owner_id"].isin(active["rep_id"])]
    if closed.empty:
        raise MetricError("stage_gaps: в периоде нет закрытых сделок работающих AE.")
    seg = _step_rates(sales_scripts.post_demo_funnel(closed, stages, by="segment"))
    per = sales_scripts.post_demo_funnel(closed, stages, by="owner_id")
    home = closed.groupby("owner_id")["segment"].agg(lambda s: s.mode().iloc[0])
    gaps = _step_rates(per) - seg.reindex(home.reindex(per.index)).to_numpy()
    gaps.insert(0, "segment", home.reindex(per.index))
    gaps.insert(1, "demo_deals", per["demo_deals"].astype(int))
    weakest = gaps[list(STEPS)].idxmin(axis=1, skipna=True)
    gaps["weakest_step"] = weakest.where(gaps[list(STEPS)].min(axis=1) < 0)
    return gaps


def quarterly_win_rates(opportunities: pd.DataFrame, reps: pd.DataFrame, start, end,
                        min_closed: int = 3) -> pd.DataFrame:
    """Win rate каждого AE по кварталам закрытия сделок периода ``start``…``end``.

    Тот же win rate, что в разделе 10.1 (``kpi.win_rate``: выигранные / закрытые, по дате
    закрытия), без сделок, закрытых после ухода владельца (``kpi.before_owner_exit``).
    Строка — AE × квартал: ``closed`` (закрытых сделок), ``win_rate``, ``ramped`` (выход на
    продуктивность закончился к началу квартала: ``hire_date`` + ``ramp_months`` месяцев). Кварталы, где
    у AE меньше ``min_closed`` закрытых сделок, отброшены: по двум сделкам доля ничего не значит.
    """
    require_columns(opportunities, ["owner_id", "close_date", "outcome"], "opportunities")
    require_columns(reps, ["rep_id", "role", "hire_date", "ramp_months"], "reps")
    if int(min_closed) < 1:
        raise MetricError("quarterly_win_rates: min_closed должно быть не меньше 1.")
    opps = kpi.before_owner_exit(opportunities, reps)
    ae = reps.loc[reps["role"] == "AE", ["rep_id", "hire_date", "ramp_months"]].set_index("rep_id")
    closed = kpi.closed_deals(opps, start, end)
    closed = closed[closed["owner_id"].isin(ae.index)]
    if closed.empty:
        raise MetricError("quarterly_win_rates: в периоде нет закрытых сделок AE.")
    quarter = closed["close_date"].dt.to_period("Q").rename("quarter")
    out = closed.groupby([closed["owner_id"].rename("rep_id"), quarter])["outcome"].agg(
        closed="size", win_rate=lambda s: s.eq("won").mean()).reset_index()
    out = out[out["closed"] >= int(min_closed)].reset_index(drop=True)
    hire = pd.to_datetime(out["rep_id"].map(ae["hire_date"]))
    ramp_end = hire + pd.to_timedelta(out["rep_id"].map(ae["ramp_months"]).astype(float) * 30.4375, unit="D")
    out["ramped"] = ramp_end <= out["quarter"].dt.start_time
    return out


def event_panel(win_rates: pd.DataFrame, trainings: pd.DataFrame, programme: str = "negotiation",
                window: tuple[int, int] = (-3, 2)) -> pd.DataFrame:
    """Панель «квартал события» для каждой группы обучения ``programme``.

    Группа (cohort) — все, кто начал курс в одном квартале. Квартал события 0 — квартал
    **перед** курсом (по нему отбирали), 1 — квартал курса, дальше — после. Для каждой
    группы в панель входят её участники (``treated`` = 1) и AE, ни разу не проходившие курс
    (``treated`` = 0), в кварталах ``window`` вокруг события; только кварталы после выхода на продуктивность.
    """
    require_columns(win_rates, ["rep_id", "quarter", "win_rate", "ramped"], "win_rates")
    require_columns(trainings, ["rep_id", "programme", "start_date"], "trainings")
    lo, hi = int(window[0]), int(window[1])
    if lo > 0 or hi < 1:
        raise MetricError("event_panel: окно должно включать квартал отбора (0) и хотя бы один квартал после (1).")
    course = trainings[trainings["programme"] == programme]
    if course.empty:
        raise MetricError(f"event_panel: в trainings нет программы «{programme}».")
    ever = set(course["rep_id"])
    wr = win_rates[win_rates["ramped"]]
    rows = []
    start_q = pd.to_datetime(course["start_date"]).dt.to_period("Q")
    for q1, group in course.groupby(start_q):
        q0 = q1 - 1
        quarters = {q0 + k: k for k in range(lo, hi + 1)}
        part = wr[wr["quarter"].isin(list(quarters))]
        part = part[part["rep_id"].isin(set(group["rep_id"])) | ~part["rep_id"].isin(ever)]
        rows.append(part.assign(cohort=str(q1), event_time=part["quarter"].map(quarters),
                                treated=part["rep_id"].isin(set(group["rep_id"])).astype(int)))
    panel = pd.concat(rows, ignore_index=True)
    panel["event_time"] = panel["event_time"].astype(int)
    return panel


def naive_effect(panel: pd.DataFrame, post=(1, 2)) -> float:
    """Наивный эффект «после минус до»: средний win rate участников в кварталах ``post``
    минус их средний win rate в квартале отбора (0), в долях."""
    require_columns(panel, ["treated", "event_time", "win_rate"], "panel", non_empty=True)
    t = panel[panel["treated"] == 1]
    before = t.loc[t["event_time"] == 0, "win_rate"]
    after = t.loc[t["event_time"].isin(list(post)), "win_rate"]
    if before.empty or after.empty:
        raise MetricError("naive_effect: у участников нет кварталов до или после курса.")
    return float(after.mean() - before.mean())


def did_effect(panel: pd.DataFrame, pre=(0,), post=(1, 2), alpha: float = 0.05) -> pd.Series:
    """Разность разностей: OLS ``win_rate ~ treated × post + группа`` с ошибками, кластеризованными по AE.

    ``pre`` и ``post`` — кварталы события, которые считаются «до» и «после»; остальные
    кварталы окна не используются. Возвращает ``estimate`` (эффект, в долях), ``low``/``high``
    (интервал 1 − alpha), ``p_value``, ``reps`` (сколько AE-кластеров), ``rows``.
    """
    import statsmodels.formula.api as smf

    require_columns(panel, ["rep_id", "cohort", "treated", "event_time", "win_rate"], "panel", non_empty=True)
    share(alpha, "did_effect: alpha", lower_open=True, upper_open=True)
    pre, post = list(pre), list(post)
    if set(pre) & set(post):
        raise MetricError("did_effect: кварталы «до» и «после» пересекаются.")
    d = panel[panel["event_time"].isin(pre + post)].copy()
    d["post"] = d["event_time"].isin(post).astype(int)
    if d.groupby(["treated", "post"]).size().shape[0] < 4:
        raise MetricError("did_effect: нужны наблюдения во всех четырёх клетках «участники/сравнение × до/после».")
    groups = pd.factorize(d["rep_id"])[0]
    fit = smf.ols("win_rate ~ treated * post + C(cohort)", data=d).fit(
        cov_type="cluster", cov_kwds={"groups": groups})
    low, high = fit.conf_int(alpha=alpha).loc["treated:post"]
    return pd.Series({"estimate": float(fit.params["treated:post"]), "low": float(low), "high": float(high),
                      "p_value": float(fit.pvalues["treated:post"]), "reps": int(d["rep_id"].nunique()),
                      "rows": int(len(d))})


def pass_rate(scores, threshold: float, alpha: float = 0.05) -> pd.Series:
    """Доля сдавших (балл не ниже ``threshold``) и интервал Уилсона 1 − alpha.

    Интервал — statsmodels ``proportion_confint(method="wilson")``, как во всём курсе.
    """
    from statsmodels.stats.proportion import proportion_confint

    s = pd.Series(scores, dtype=float).dropna()
    if s.empty:
        raise MetricError("pass_rate: нет ни одного балла.")
    if not 0 <= float(threshold) <= 100:
        raise MetricError("pass_rate: проходной балл — от 0 до 100.")
    share(alpha, "pass_rate: alpha", lower_open=True, upper_open=True)
    passed = int((s >= float(threshold)).sum())
    low, high = proportion_confint(passed, len(s), alpha=alpha, method="wilson")
    return pd.Series({"passed": passed, "n": len(s), "rate": passed / len(s), "low": float(low), "high": float(high)})


def threshold_table(scores, reference, thresholds, cost_false_pass: float, cost_false_fail: float) -> pd.DataFrame:
    """Ошибки и их цена при каждом проходном балле теста против эталонной оценки.

    ``reference`` — эталон (True — человек готов, например прошёл ролевую игру с руководителем).
    Ложный допуск (``false_pass``) — тест сдан, эталон не пройден; ложный отказ
    (``false_fail``) — тест не сдан, а эталон пройден. ``cost`` — их суммарная цена, ₽.
    """
    s = np.asarray(pd.Series(scores, dtype=float))
    ref = np.asarray(pd.Series(reference).astype(bool))
    if len(s) != len(ref) or len(s) == 0:
        raise MetricError("threshold_table: баллы и эталон — непустые и одной длины.")
    cfp = positive(cost_false_pass, "threshold_table: цена ложного допуска", allow_zero=True)
    cff = positive(cost_false_fail, "threshold_table: цена ложного отказа", allow_zero=True)
    rows = []
    for t in thresholds:
        ok = s >= float(t)
        fp, ff = int((ok & ~ref).sum()), int((~ok & ref).sum())
        rows.append({"threshold": float(t), "pass_rate": ok.mean(), "false_pass": fp, "false_fail": ff,
                     "cost": fp * cfp + ff * cff})
    return pd.DataFrame(rows).set_index("threshold")


def best_threshold(table: pd.DataFrame) -> float:
    """Проходной балл с наименьшей ценой ошибок (при равной цене — меньший балл)."""
    require_columns(table, ["cost"], "table", non_empty=True)
    return float(table["cost"].idxmin())


def leave_one_out_thresholds(scores, reference, people, thresholds, cost_false_pass: float,
                             cost_false_fail: float) -> pd.Series:
    """Устойчивость лучшего порога: самый дешёвый порог без попыток одного человека.

    Попытки одного сотрудника не независимы, поэтому выкидываем по одному человеку
    (``people`` — id сотрудника у каждой попытки) и заново ищем ``best_threshold`` по
    ``threshold_table``. Возвращает Series «id выкинутого → лучший порог»; если значения
    разные, «лучший» порог держится на нескольких людях.
    """
    s, ref, who = pd.Series(scores, dtype=float), pd.Series(reference), pd.Series(people)
    if not len(s) == len(ref) == len(who) or who.nunique() < 2:
        raise MetricError("leave_one_out_thresholds: баллы, эталон и id сотрудников — одной длины, людей хотя бы двое.")
    frame = pd.DataFrame({"score": s.to_numpy(), "ref": ref.astype(bool).to_numpy(), "who": who.to_numpy()})
    out = {}
    for who in frame["who"].unique():
        rest = frame[frame["who"] != who]
        grid = threshold_table(rest["score"], rest["ref"], thresholds, cost_false_pass, cost_false_fail)
        out[who] = best_threshold(grid)
    return pd.Series(out, name="best_threshold")


def course_cost(people: int, fee_rub: float, hours: float, hourly_cost_rub: float) -> float:
    """Полная цена курса, ₽: плата за обучение плюс время участников (часы × стоимость часа).

    Время — главная скрытая статья: 16 часов AE на тренинге — это два дня без звонков и встреч.
    """
    n = positive(people, "course_cost: людей", allow_zero=True)
    return float(n * (positive(fee_rub, "course_cost: плата", allow_zero=True)
                      + positive(hours, "course_cost: часов", allow_zero=True)
                      * positive(hourly_cost_rub, "course_cost: стоимость часа", allow_zero=True)))


def roi(benefit_rub, cost_rub: float):
    """ROI по Филлипсу: (выгода − затраты) / затраты, в долях (0,5 = 50 %)."""
    c = positive(cost_rub, "roi: затраты")
    b = np.asarray(benefit_rub, dtype=float)
    out = (b - c) / c
    return float(out) if out.ndim == 0 else out


def break_even_uplift(cost_rub: float, closed_deals: float, acv_rub: float, gross_margin: float) -> float:
    """Прирост win rate (в долях), при котором курс окупается за год.

    Выгода прироста Δ: Δ × закрытых сделок в год × ACV выигранной сделки × валовая маржа
    (валовая прибыль первого года дополнительных побед).
    """
    c = positive(cost_rub, "break_even_uplift: затраты", allow_zero=True)
    value = (positive(closed_deals, "break_even_uplift: сделок") * positive(acv_rub, "break_even_uplift: ACV")
             * share(gross_margin, "break_even_uplift: валовая маржа", lower_open=True))
    return c / value


def regression_to_mean_simulation(n_reps: int = 20, deals: int = 20, win_rate: float = 0.3,
                                  selected: int = 3, trials: int = 2000, seed: int = 52) -> pd.Series:
    """Возврат к среднему на модели без всякого обучения.

    У ``n_reps`` продавцов одинаковый истинный win rate; в каждом из двух кварталов у каждого
    ``deals`` закрытых сделок. Отбираем ``selected`` худших по первому кварталу и смотрим,
    как изменился их win rate во втором. Возвращает средние по ``trials`` повторениям:
    ``before`` (худшие в квартале отбора), ``after`` (они же в следующем), ``change``.
    """
    p = share(win_rate, "regression_to_mean_simulation: win rate")
    if not 0 < int(selected) <= int(n_reps) or int(deals) < 1 or int(trials) < 1:
        raise MetricError("regression_to_mean_simulation: нужно 0 < selected ≤ n_reps, deals ≥ 1, trials ≥ 1.")
    rng = np.random.default_rng(seed)
    q1 = rng.binomial(int(deals), p, (int(trials), int(n_reps))) / int(deals)
    q2 = rng.binomial(int(deals), p, (int(trials), int(n_reps))) / int(deals)
    worst = np.argsort(q1, axis=1, kind="stable")[:, :int(selected)]
    before = np.take_along_axis(q1, worst, axis=1).mean()
    after = np.take_along_axis(q2, worst, axis=1).mean()
    return pd.Series({"before": float(before), "after": float(after), "change": float(after - before)})
