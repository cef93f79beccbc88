"""Карьерные треки: правило повышения, время в роли, стоимость ухода продавца (раздел 5.4).

Выполнение плана — только через :func:`salesbook.toolkit.kpi.quota_attainment` (один дом
для этой цифры), рамп — :func:`salesbook.toolkit.planning.ramp_factor`, оценка Каплана —
Мейера — :func:`salesbook.toolkit.cycle.kaplan_meier` (statsmodels ``SurvfuncRight``).
Ошибки входа — ``MetricError`` на русском.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.toolkit import hiring, kpi
from salesbook.toolkit.planning import ramp_factor
from salesbook.toolkit.validation import MetricError, positive, require_columns, share

__all__ = ["GRADE_ORDER", "AGENCY_FEE_SHARE", "quarterly_attainment", "promotion_rule", "grade_spells", "time_to_event",
           "km_median_ci", "vacancy_months", "ramp_loss_months", "replacement_cost", "exits_profile"]

#: Грейды внутри роли по старшинству (как в career_events).
GRADE_ORDER = ("specialist", "senior", "team_lead", "head")

#: Гонорар кадрового агентства за закрытую вакансию — доля годового оклада кандидата. Один на курс:
#: ``hiring.AGENCY_FEE_RATE`` (раздел 5.1, там же источники); сумму считает ``hiring.agency_fee_for``.
AGENCY_FEE_SHARE = hiring.AGENCY_FEE_RATE

_DAYS_PER_MONTH = 365.25 / 12


def quarterly_attainment(opportunities: pd.DataFrame, reps: pd.DataFrame, start, end, ramp: bool = True) -> pd.DataFrame:
    """Выполнение плана AE по кварталам: строки — ``rep_id``, столбцы — кварталы (``2024Q1``…).

    Каждое значение — :func:`kpi.quota_attainment` за календарный квартал (выигранный ACV /
    план с рампом, доля) по сделкам :func:`kpi.before_owner_exit` — без закрытых после ухода AE. Пусто — в квартале у AE не было плана (ещё не нанят или уже ушёл).
    Период ``start``…``end`` — целые кварталы. ``ramp=False`` — план без скидки на рамп новичка.
    """
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    quarters = pd.period_range(lo, hi, freq="Q")
    if len(quarters) == 0 or lo != quarters[0].start_time or hi.normalize() != quarters[-1].end_time.normalize():
        raise MetricError("Период — целые кварталы: с 1-го числа первого месяца квартала по последний день квартала.")
    opportunities = kpi.before_owner_exit(opportunities, reps)  # сделки, закрытые после ухода AE, — не его
    columns = {}
    for q in quarters:
        table = kpi.quota_attainment(opportunities, reps, q.start_time.strftime("%Y-%m-%d"),
                                     q.end_time.strftime("%Y-%m-%d"), ramp=ramp)
        columns[str(q)] = table["attainment"]
    frame = pd.DataFrame(columns)
    frame.index.name = "rep_id"
    frame.columns.name = "quarter"
    return frame


def promotion_rule(attainment: pd.DataFrame, as_of, window: int = 4, need: int = 3, bar: float = 0.9) -> pd.DataFrame:
    """Правило повышения AE на дату калибровки ``as_of``: «``need`` из ``window`` последних кварталов ≥ ``bar``».

    ``attainment`` — таблица :func:`quarterly_attainment`. Берутся ``window`` последних кварталов,
    закончившихся до ``as_of``. Столбцы результата: ``quarters_reviewed`` — кварталов окна, в которых
    у AE был план; ``quarters_met`` — из них с выполнением ≥ ``bar``; ``mean_attainment`` — среднее
    выполнение за окно; ``rule_met`` — правило выполнено (нужны все ``window`` кварталов с планом:
    по неполной истории не повышают).
    """
    if not isinstance(attainment, pd.DataFrame) or attainment.empty:
        raise MetricError("attainment: ожидается таблица выполнения плана по кварталам (careers.quarterly_attainment).")
    window, need = int(window), int(need)
    if not 1 <= need <= window:
        raise MetricError("Нужно 1 ≤ need ≤ window: нельзя требовать больше кварталов, чем в окне.")
    bar = positive(bar, "Порог выполнения плана")
    if bar > 3:
        raise MetricError("Порог выполнения плана — доля (0,9 — это 90 %), а не проценты.")
    cut = pd.Timestamp(as_of)
    ends = {c: pd.Period(c, freq="Q").end_time.normalize() for c in attainment.columns}
    past = [c for c in attainment.columns if ends[c] < cut]
    if len(past) < window:
        raise MetricError(f"До {cut:%d.%m.%Y} в таблице меньше {window} закрытых кварталов.")
    last = attainment[past[-window:]]
    table = pd.DataFrame({
        "quarters_reviewed": last.notna().sum(axis=1).astype(int),
        "quarters_met": (last >= bar).sum(axis=1).astype(int),
        "mean_attainment": last.mean(axis=1),
    })
    table["rule_met"] = (table["quarters_reviewed"] == window) & (table["quarters_met"] >= need)
    return table


def grade_spells(events: pd.DataFrame, as_of) -> pd.DataFrame:
    """Периоды «человек в грейде» из career_events на дату ``as_of``.

    Строка — человек в грейде: ``rep_id``, ``role``, ``grade``, ``start`` (найм или повышение),
    ``end`` (повышение, уход или ``as_of``), ``ended_by``: ``promotion``, ``exit``, ``transfer_out``
    или ``censored`` (на дату среза ещё в грейде — цензурированное наблюдение), ``months`` — длительность.
    События после ``as_of`` не видны.
    """
    require_columns(events, ["rep_id", "event_date", "event_type", "role", "grade_before", "grade_after"], "career_events")
    cut = pd.Timestamp(as_of)
    ev = events[events["event_date"] <= cut].sort_values(["rep_id", "event_date"], kind="stable")
    starts = ev[ev["event_type"].eq("hire") | (ev["event_type"].eq("review") & (ev["grade_after"] != ev["grade_before"]))]
    spells = starts[["rep_id", "role", "grade_after", "event_date"]].rename(columns={"grade_after": "grade", "event_date": "start"})
    ends = ev[ev["event_type"].isin(["exit", "transfer_out"])].set_index("rep_id")
    spells = spells.sort_values(["rep_id", "start"], kind="stable").reset_index(drop=True)
    nxt = spells.groupby("rep_id")["start"].shift(-1)
    leave_date = spells["rep_id"].map(ends["event_date"])
    leave_type = spells["rep_id"].map(ends["event_type"])
    spells["end"] = nxt.fillna(leave_date).fillna(cut)
    spells["ended_by"] = np.where(nxt.notna(), "promotion", leave_type.fillna("censored"))
    spells["months"] = (spells["end"] - spells["start"]).dt.days / _DAYS_PER_MONTH
    return spells


def time_to_event(spells: pd.DataFrame, event: str = "promotion") -> pd.DataFrame:
    """Длительности и признак события для оценки Каплана — Мейера.

    ``event="promotion"`` — время до повышения: уход и дата среза цензурируют наблюдение
    (человек мог бы вырасти, но мы этого уже не увидим). ``event="leave"`` — время до ухода
    из грейда наружу (увольнение или перевод из продаж): повышение и дата среза цензурируют.
    Столбцы: ``months``, ``event`` (1 — событие, 0 — цензурировано).
    """
    require_columns(spells, ["months", "ended_by"], "spells")
    if event == "promotion":
        hit = spells["ended_by"].eq("promotion")
    elif event == "leave":
        hit = spells["ended_by"].isin(["exit", "transfer_out"])
    else:
        raise MetricError("event: 'promotion' (время до повышения) или 'leave' (время до ухода).")
    return pd.DataFrame({"months": spells["months"].to_numpy(dtype=float), "event": hit.to_numpy(dtype=float)},
                        index=spells.index)


def km_median_ci(durations, events, alpha: float = 0.05, method: str = "cloglog") -> pd.Series:
    """Медиана по Каплану — Мейеру и её ``1 − alpha`` доверительный интервал (statsmodels).

    Интервал — обращение поточечных интервалов S(t) (Брукмейер — Кроули, ``SurvfuncRight.quantile_ci``):
    нижняя граница — первый момент, где нижняя граница полосы S(t) опускается до 0,5, верхняя — где до 0,5
    опускается верхняя граница полосы. По умолчанию
    преобразование ``cloglog`` (log(−log S)) — то же, что у полосы :func:`cycle.kaplan_meier` (раздел 10.3);
    ``method="log"`` — умолчание ``survfit`` пакета survival в R.
    ``nan`` у медианы или верхней границы — кривая не опустилась до 0,5 за время наблюдения
    (событий слишком мало): честный ответ «больше, чем мы видели».
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    t = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=float)
    if t.ndim != 1 or t.shape != e.shape or t.size == 0:
        raise MetricError("Длительности и признаки события — одномерные массивы одной непустой длины.")
    if np.any(~np.isfinite(t)) or np.any(t < 0) or not np.all(np.isin(e, (0.0, 1.0))):
        raise MetricError("Длительности — неотрицательные числа, признак события — 0 или 1.")
    if e.sum() == 0:
        raise MetricError("Ни одного события: медиана не определена.")
    if method not in ("cloglog", "log", "linear"):
        raise MetricError("method: 'cloglog', 'log' или 'linear'.")
    a = share(alpha, "alpha", lower_open=True, upper_open=True)
    sf = SurvfuncRight(t, e)
    s = sf.surv_prob
    median = float(sf.surv_times[np.argmax(s <= 0.5)]) if np.any(s <= 0.5) else float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = sf.quantile_ci(0.5, alpha=a, method=method)
    low, high = (float(v) if np.isfinite(v) else float("nan") for v in (low, high))
    return pd.Series({"median": median, "ci_low": low, "ci_high": high,
                      "n": int(t.size), "events": int(e.sum())})


def vacancy_months(reps: pd.DataFrame, role: str = "AE") -> pd.Series:
    """Сколько месяцев место пустовало: от ухода до найма следующего человека той же роли и команды.

    Уходы берутся по дате; каждому — первый ещё не занятый найм той же роли и команды не раньше
    дня ухода (один найм закрывает один уход). Ушедшие, за которыми никого не наняли, не входят.
    Возвращает месяцы по ``rep_id`` ушедшего; команда — в ``attrs["team"]`` (Series ``team``).
    """
    require_columns(reps, ["rep_id", "role", "team", "hire_date", "exit_date"], "reps")
    people = reps[reps["role"].eq(role)].copy()
    if people.empty:
        raise MetricError(f"В таблице нет сотрудников роли {role}.")
    people["team"] = people["team"].fillna("")
    gaps, teams, used = {}, {}, set()
    for _, row in people[people["exit_date"].notna()].sort_values(["exit_date", "rep_id"], kind="stable").iterrows():
        later = people[(people["team"] == row["team"]) & (people["hire_date"] >= row["exit_date"])
                       & ~people["rep_id"].isin(used)].sort_values(["hire_date", "rep_id"], kind="stable")
        if len(later):
            nxt = later.iloc[0]
            used.add(nxt["rep_id"])
            gaps[row["rep_id"]] = (nxt["hire_date"] - row["exit_date"]).days / _DAYS_PER_MONTH
            teams[row["rep_id"]] = row["team"]
    out = pd.Series(gaps, name="vacancy_months", dtype=float)
    out.attrs["team"] = pd.Series(teams, dtype=object)
    return out


def ramp_loss_months(ramp_months) -> float:
    """Потеря мощности на рампе в «полных месяцах» продавца: Σ (1 − ramp_factor(k)), k = 1, 2, ….

    При линейном рампе курса (месяц найма — первый, k / R) это (R − 1) / 2.
    """
    r = positive(ramp_months, "Срок выхода на продуктивность", allow_zero=True)
    k = np.arange(1, int(np.ceil(r)) + 2)
    return float(np.sum(1.0 - ramp_factor(k, r)))


def replacement_cost(productivity: float, ramp_months: float, vacancy: float, hiring_cost: float = 0.0,
                     gross_margin: float = 1.0, saved_cost_pm: float = 0.0) -> pd.Series:
    """Цена замены продавца: валовая прибыль недополученного ACV минус сэкономленная зарплата плюс найм.

    ``productivity`` — ACV на полностью продуктивный месяц продавца, ₽ (planning.segment_productivity);
    ``vacancy`` — месяцев место пустует; ``ramp_months`` — рамп замены; ``hiring_cost`` — разовые
    затраты на найм, ₽; ``gross_margin`` — валовая маржа (unit_economics.gross_margin_for_period;
    1 — считать в ACV); ``saved_cost_pm`` — полная стоимость месяца продавца (roles.loaded_cost),
    которую компания не платит, пока место пустует. Строки, ₽: ``vacancy_acv``, ``ramp_acv``,
    ``lost_acv``, ``lost_gross_profit`` = маржа × lost_acv, ``saved_cost`` = saved_cost_pm × vacancy,
    ``hiring_cost``, ``total`` = lost_gross_profit − saved_cost + hiring_cost.
    """
    p = positive(productivity, "Продуктивность (ACV на месяц)", allow_zero=True)
    v = positive(vacancy, "Месяцев без продавца", allow_zero=True)
    c = positive(hiring_cost, "Затраты на найм", allow_zero=True)
    m = share(gross_margin, "Валовая маржа")
    w = positive(saved_cost_pm, "Стоимость месяца продавца", allow_zero=True)
    vacancy_acv = v * p
    ramp_acv = ramp_loss_months(ramp_months) * p
    lost = vacancy_acv + ramp_acv
    return pd.Series({"vacancy_acv": vacancy_acv, "ramp_acv": ramp_acv, "lost_acv": lost,
                      "lost_gross_profit": m * lost, "saved_cost": w * v, "hiring_cost": c,
                      "total": m * lost - w * v + c})


def exits_profile(reps: pd.DataFrame, opportunities: pd.DataFrame, as_of) -> pd.DataFrame:
    """AE: стаж и выполнение плана за весь срок работы рядом с тем, чем кончилась работа.

    Столбцы: ``team``, ``tenure_months`` (до ухода или ``as_of``), ``attainment`` —
    :func:`kpi.quota_attainment` по сделкам :func:`kpi.before_owner_exit` с 1 января 2023 года по ``as_of`` (выигранный ACV / план с рампом
    за отработанное время), ``status``: ``stayed``, ``voluntary`` или ``performance``.
    Связь здесь — корреляция: по такой таблице нельзя сказать, что низкое выполнение «вызывает» уход.
    """
    require_columns(reps, ["rep_id", "role", "team", "hire_date", "exit_date", "exit_reason"], "reps")
    cut = pd.Timestamp(as_of)
    end = (cut + pd.offsets.MonthEnd(0)).strftime("%Y-%m-%d")
    own = kpi.before_owner_exit(opportunities, reps)  # выигрыши после ухода AE — чужая работа
    att = kpi.quota_attainment(own, reps, "2023-01-01", end)["attainment"]
    ae = reps[reps["role"].eq("AE") & (reps["hire_date"] <= cut)].set_index("rep_id")
    left = ae["exit_date"].notna() & (ae["exit_date"] <= cut)
    stop = ae["exit_date"].where(left, cut)
    return pd.DataFrame({
        "team": ae["team"],
        "tenure_months": (stop - ae["hire_date"]).dt.days / _DAYS_PER_MONTH,
        "attainment": att.reindex(ae.index),
        "status": ae["exit_reason"].where(left, "stayed"),
    })
