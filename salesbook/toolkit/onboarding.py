"""Внедрение новых клиентов (onboarding): план вех, время до ценности, ранний отток (раздел 9.1).

Клиенты — новые клиенты B2B (первая выигранная сделка компании, таблица ``handoffs``), вехи —
таблица ``onboarding_milestones``: план и факт по каждой вехе. Сроки считаются в календарных днях.

* План: вехи, владельцы, длительности и зависимости; :func:`schedule` — метод критического пути
  (ранние и поздние сроки, резерв, плановый запуск).
* Время до ценности (TTV, time to value) — дни от подписания договора (``close_date``) до вехи
  ``first_value``; у клиентов, ещё не дошедших до вехи, наблюдение цензурировано датой конца данных
  или ухода. Медиана — по Каплану — Мейеру (:func:`salesbook.toolkit.careers.km_median_ci`, statsmodels).
* Ранний отток по статусу внедрения — только «ориентирный» анализ (landmark): статус фиксируется на
  день ``landmark_days`` и сравниваются лишь клиенты, которые в этот день ещё платили.
  Доли с интервалом Уилсона — :func:`salesbook.toolkit.crossfunc.churn_rates`.

Ошибки входа — ``MetricError`` на русском.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.params.onboarding import MILESTONES, OWNER_ROLES, PLANS
from salesbook.toolkit import careers, course, crossfunc
from salesbook.toolkit.validation import MetricError, positive, require_columns

__all__ = ["MILESTONES", "OWNER_ROLES", "MILESTONE_LABELS", "OWNER_LABELS", "STANDARD_PLANS", "LANDMARK_DAYS",
           "EARLY_CHURN_HORIZON_DAYS", "plan_table", "schedule", "milestone_times", "ttv_table",
           "milestone_summary", "reach_quantile", "landmark_status", "landmark_churn", "landmark_survival",
           "risk_ratio", "mh_risk_ratio", "signing_traits", "compare_traits"]

#: Стандартные планы внедрения «Сферы Софт» по сегментам (веха, владелец, дней, зависимости).
STANDARD_PLANS = PLANS

MILESTONE_LABELS = {
    "kickoff": "Стартовая встреча (kickoff)",
    "admin_setup": "Настройка: операторы, очереди, каналы",
    "integrations": "Интеграции: 1С, CRM, телефония",
    "data_migration": "Перенос истории обращений",
    "training": "Обучение операторов",
    "first_value": "Первое обращение решено в «Сфере Деск»",
    "go_live": "Запуск: вся поддержка в «Сфере Деск»",
    "dpa_signed": "Поручение на обработку ПДн подписано",
}
OWNER_LABELS = {"csm": "CSM", "client_admin": "Администратор клиента", "se": "SE или интегратор",
                "client_legal": "Юрист клиента", "client_security": "Служба ИБ клиента"}

#: День, на который фиксируется статус внедрения в ориентирном анализе: 90 дней от подписания —
#: обычный горизонт «первых 90 дней» в практике успеха клиентов (допущение раздела 9.1).
LANDMARK_DAYS = 90
#: Горизонт раннего оттока: 400 дней от подписания — первый год и месяц первого продления годового
#: договора (оплата начинается с месяца после подписания, продление — через 12 оплаченных месяцев).
EARLY_CHURN_HORIZON_DAYS = 400

_PLAN_COLUMNS = ["milestone", "owner_role", "duration_days", "depends_on"]


def plan_table(segment: str) -> pd.DataFrame:
    """Стандартный план внедрения сегмента: веха, владелец, плановые дни, зависимости (через запятую)."""
    if segment not in STANDARD_PLANS:
        raise MetricError(f"Сегмент {segment!r} не найден; есть: {', '.join(STANDARD_PLANS)}.")
    rows = [(m, owner, days, ", ".join(deps)) for m, owner, days, deps in STANDARD_PLANS[segment]]
    return pd.DataFrame(rows, columns=_PLAN_COLUMNS)


def _deps(cell) -> list[str]:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return []
    if isinstance(cell, str):
        return [d.strip() for d in cell.split(",") if d.strip()]
    if isinstance(cell, (list, tuple, set, np.ndarray, pd.Series)):
        return [str(d).strip() for d in cell if str(d).strip()]
    raise MetricError(f"depends_on: ожидается текст «веха, веха» или список вех, получено {cell!r}.")


def schedule(plan: pd.DataFrame, start=None) -> pd.DataFrame:
    """Расписание плана методом критического пути.

    ``plan`` — таблица со столбцами ``milestone``, ``duration_days`` (календарные дни), ``depends_on``
    (вехи, которые должны закончиться до начала этой: текст через запятую или список; пусто — веха
    начинается в день старта). Возвращает таблицу по вехам (индекс — ``milestone``) со столбцами
    ``early_start``, ``early_finish`` — ранние сроки в днях от старта; ``late_start``, ``late_finish`` —
    поздние сроки, при которых запуск не сдвигается; ``slack`` — резерв, дней; ``critical`` — веха на
    критическом пути (резерв 0). Плановый запуск — наибольший ``early_finish``. Если задан ``start``
    (дата старта — например, дата передачи клиента в CS), добавляются даты ``planned_start`` и ``planned_date``.
    """
    require_columns(plan, ["milestone", "duration_days", "depends_on"], "plan", non_empty=True)
    names = [str(m) for m in plan["milestone"]]
    if len(set(names)) != len(names):
        raise MetricError("plan: вехи повторяются — у каждой вехи должна быть одна строка.")
    try:
        durations = pd.to_numeric(plan["duration_days"]).to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise MetricError("plan: в столбце duration_days должны быть числа дней.") from None
    if not np.all(np.isfinite(durations)) or np.any(durations < 0):
        raise MetricError("plan: длительность вехи — неотрицательное число дней без пропусков.")
    deps = {n: _deps(c) for n, c in zip(names, plan["depends_on"])}
    unknown = sorted({d for ds in deps.values() for d in ds} - set(names))
    if unknown:
        raise MetricError(f"plan: в depends_on есть вехи, которых нет в плане: {', '.join(unknown)}.")
    duration = dict(zip(names, durations))
    # топологический порядок (алгоритм Кана); цикл — ошибка плана
    order, ready = [], [n for n in names if not deps[n]]
    waiting = {n: set(deps[n]) for n in names}
    while ready:
        n = ready.pop(0)
        order.append(n)
        for m in names:
            if n in waiting[m]:
                waiting[m].discard(n)
                if not waiting[m] and m not in order and m not in ready:
                    ready.append(m)
    if len(order) != len(names):
        loop = [n for n in names if n not in order]
        raise MetricError(f"plan: зависимости образуют цикл ({', '.join(loop)}) — такой план не выполнить.")
    es, ef = {}, {}
    for n in order:
        es[n] = max((ef[d] for d in deps[n]), default=0.0)
        ef[n] = es[n] + duration[n]
    finish = max(ef.values())
    lf, ls = {}, {}
    for n in reversed(order):
        followers = [m for m in names if n in deps[m]]
        lf[n] = min((ls[m] for m in followers), default=finish)
        ls[n] = lf[n] - duration[n]
    out = pd.DataFrame({"duration_days": [duration[n] for n in names],
                        "early_start": [es[n] for n in names], "early_finish": [ef[n] for n in names],
                        "late_start": [ls[n] for n in names], "late_finish": [lf[n] for n in names]},
                       index=pd.Index(names, name="milestone"))
    out["slack"] = out["late_start"] - out["early_start"]
    out["critical"] = np.isclose(out["slack"], 0.0)
    if start is not None:
        try:
            day0 = pd.Timestamp(start)
        except (TypeError, ValueError):
            raise MetricError(f"start: нужна дата ГГГГ-ММ-ДД, получено {start!r}.") from None
        if pd.isna(day0):
            raise MetricError("start: дата старта пуста.")
        out["planned_start"] = day0 + pd.to_timedelta(out["early_start"], unit="D")
        out["planned_date"] = day0 + pd.to_timedelta(out["early_finish"], unit="D")
    return out


# ---------------------------------------------------------------------------
# Факт: время до вехи с цензурированием
# ---------------------------------------------------------------------------


def _check_milestones(milestones: pd.DataFrame) -> None:
    require_columns(milestones, ["account_id", "milestone", "planned_date", "actual_date"], "onboarding_milestones",
                    non_empty=True)


def milestone_times(milestones: pd.DataFrame, handoffs: pd.DataFrame, accounts: pd.DataFrame,
                    milestone: str = "first_value", origin: str = "close_date", as_of=course.DATA_END) -> pd.DataFrame:
    """Дни от ``origin`` (подписание договора ``close_date`` или передача ``handoff_date``) до вехи.

    Одна строка на нового клиента, у которого в плане есть эта веха и ``origin`` не позже ``as_of``.
    Столбцы: ``account_id``, ``segment``, ``days`` — до вехи или, если её ещё нет, до конца
    наблюдения (``as_of`` или дня ухода клиента — что раньше); ``reached`` — веха пройдена к концу
    наблюдения (1) или наблюдение цензурировано (0). Уход до вехи — тоже цензурирование: медиана
    отвечает на вопрос «сколько ждут ценности те, кто остаётся», и это надо говорить вслух.
    """
    _check_milestones(milestones)
    require_columns(handoffs, ["account_id", "segment", origin], "handoffs", non_empty=True)
    require_columns(accounts, ["account_id", "churned_on"], "accounts")
    rows = milestones[milestones["milestone"] == milestone]
    if rows.empty:
        raise MetricError(f"Вехи {milestone!r} нет в таблице; есть: {', '.join(map(str, milestones['milestone'].unique()))}.")
    cut = pd.Timestamp(as_of)
    h = handoffs[["account_id", "segment", origin]].merge(rows[["account_id", "actual_date"]], on="account_id",
                                                          how="inner", validate="1:1")
    start = pd.to_datetime(h[origin])
    h = h[start <= cut]
    start = start[start <= cut]
    churned = pd.to_datetime(h["account_id"].map(accounts.set_index("account_id")["churned_on"]))
    actual = pd.to_datetime(h["actual_date"])
    reached = actual.notna() & (actual <= cut)
    end = churned.where(churned.notna() & (churned < cut), cut)
    stop = actual.where(reached, end)
    days = (stop - start).dt.days.clip(lower=0)
    return pd.DataFrame({"account_id": h["account_id"].to_numpy(), "segment": h["segment"].to_numpy(),
                         "days": days.to_numpy(dtype=float), "reached": reached.to_numpy(dtype=int)})


def ttv_table(times: pd.DataFrame, by: str = "segment", alpha: float = 0.05) -> pd.DataFrame:
    """Медиана времени до вехи по группам с учётом цензурирования.

    ``times`` — таблица :func:`milestone_times`. Столбцы: ``clients``, ``reached`` (дошли), ``censored``
    (ещё не дошли к концу наблюдения), ``median`` — медиана по Каплану — Мейеру, ``ci_low``/``ci_high`` —
    её интервал уровня 1 − ``alpha`` (:func:`careers.km_median_ci`, statsmodels). ``nan`` у медианы или
    верхней границы — кривая не опустилась до половины: «дольше, чем мы видели». Если дни целые, а клиентов
    много, полоса S(t) может перескочить 0,5 в день медианы — тогда интервал — этот день.
    """
    require_columns(times, [by, "days", "reached"], "times", non_empty=True)
    rows = {}
    for key, g in times.groupby(by, sort=False):
        if g["reached"].sum() == 0:
            med = pd.Series({"median": np.nan, "ci_low": np.nan, "ci_high": np.nan})
        else:
            med = careers.km_median_ci(g["days"], g["reached"], alpha=alpha)
            if np.isfinite(med["median"]) and np.isnan(med["ci_low"]) and np.isnan(med["ci_high"]):
                # дни целые, клиентов много: полоса S(t) перескакивает 0,5 в день медианы и нигде его не
                # касается — интервал Брукмейера — Кроули сжимается в этот день
                med = med.copy()
                med["ci_low"] = med["ci_high"] = med["median"]
        rows[key] = {"clients": len(g), "reached": int(g["reached"].sum()), "censored": int((g["reached"] == 0).sum()),
                     "median": med["median"], "ci_low": med["ci_low"], "ci_high": med["ci_high"]}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = by
    order = [s for s in course.SEGMENTS if s in out.index] if by == "segment" else list(out.index)
    return out.loc[order + [k for k in out.index if k not in order]]


def milestone_summary(milestones: pd.DataFrame, handoffs: pd.DataFrame, as_of=course.DATA_END) -> pd.DataFrame:
    """Вехи по сегментам: сколько клиентов прошли веху к плановой дате и вообще.

    Берутся клиенты, у которых плановая дата вехи не позже ``as_of`` (иначе «не успел» значит «ещё не
    наступило»). Столбцы: ``clients``, ``on_time`` — доля прошедших к плановой дате, ``reached`` — доля
    прошедших к ``as_of``, ``median_slip_days`` — медиана «факт − план» у прошедших веху. Этот сдвиг
    накопленный: плановая дата считает, что все предшествующие вехи закончились в срок, поэтому веха
    наследует опоздания предшественников. ``median_own_days`` — медиана собственной задержки вехи у прошедших
    её: факт окончания − самое позднее фактическое окончание вех, от которых она зависит (у вехи без
    зависимостей — день передачи ``handoff_date``), − плановая длительность по стандартному плану сегмента.
    Считается, только если в ``handoffs`` есть ``handoff_date`` и у всех предшественников есть факт.
    Индекс — (сегмент, веха).
    """
    _check_milestones(milestones)
    require_columns(handoffs, ["account_id", "segment"], "handoffs")
    cut = pd.Timestamp(as_of)
    m = milestones.merge(handoffs[["account_id", "segment"]], on="account_id", how="inner")
    planned, actual = pd.to_datetime(m["planned_date"]), pd.to_datetime(m["actual_date"])
    m = m.assign(planned=planned, actual=actual)[planned <= cut]
    m["on_time"] = m["actual"].notna() & (m["actual"] <= m["planned"])
    m["reached"] = m["actual"].notna() & (m["actual"] <= cut)
    m["slip"] = (m["actual"] - m["planned"]).dt.days.where(m["reached"])
    m["own"] = _own_overrun(m, milestones, handoffs).where(m["reached"])
    out = m.groupby(["segment", "milestone"]).agg(clients=("account_id", "size"), on_time=("on_time", "mean"),
                                                  reached=("reached", "mean"), median_slip_days=("slip", "median"),
                                                  median_own_days=("own", "median"))
    seg_order = {s: i for i, s in enumerate(course.SEGMENTS)}
    ms_order = {s: i for i, s in enumerate(MILESTONES)}
    keys = sorted(out.index, key=lambda k: (seg_order.get(k[0], 99), ms_order.get(k[1], 99)))
    return out.loc[keys]


def _own_overrun(m: pd.DataFrame, milestones: pd.DataFrame, handoffs: pd.DataFrame) -> pd.Series:
    """Собственная задержка вехи (дней) по строкам ``m``: факт − начало по факту − плановая длительность."""
    if "handoff_date" not in handoffs.columns:
        return pd.Series(np.nan, index=m.index)
    actual = milestones.assign(actual_date=pd.to_datetime(milestones["actual_date"])).set_index(
        ["account_id", "milestone"])["actual_date"]
    actual = actual[~actual.index.duplicated()]
    handoff = pd.to_datetime(m["account_id"].map(handoffs.drop_duplicates("account_id").set_index("account_id")["handoff_date"]))
    plans = {seg: {name: (days, deps) for name, _, days, deps in plan} for seg, plan in STANDARD_PLANS.items()}
    own = pd.Series(np.nan, index=m.index)
    for (seg, name), rows in m.groupby(["segment", "milestone"]).groups.items():
        if seg not in plans or name not in plans[seg]:
            continue
        days, deps = plans[seg][name]
        start = handoff.loc[rows]
        for d in deps:
            prev = pd.Series(actual.reindex(list(zip(m.loc[rows, "account_id"], [d] * len(rows)))).to_numpy(), index=rows)
            start = pd.Series(np.where(prev.isna() | start.isna(), pd.NaT, np.maximum(start, prev)), index=rows)
            start = pd.to_datetime(start)
        own.loc[rows] = (m.loc[rows, "actual"] - start).dt.days - days
    return own


def reach_quantile(times: pd.DataFrame, share: float, by: str = "segment") -> pd.Series:
    """К какому дню веху проходит доля ``share`` клиентов — по Каплану — Мейеру, с цензурированием.

    ``times`` — таблица :func:`milestone_times`. Ответ по группам — первый день, когда оценка S(t)
    «ещё не дошли» опускается до 1 − ``share``; ``nan`` — кривая туда не опустилась: «дольше, чем мы видели».
    При ``share`` = 0,5 это медиана; 0,8 — срок, к которому доходят четыре клиента из пяти.
    """
    from salesbook.toolkit import cycle

    require_columns(times, [by, "days", "reached"], "times", non_empty=True)
    q = float(share)
    if not 0 < q < 1:
        raise MetricError(f"share — доля дошедших между 0 и 1, получено {share!r}.")
    out = {}
    for key, g in times.groupby(by, sort=False):
        if g["reached"].sum() == 0:
            out[key] = np.nan
            continue
        km = cycle.kaplan_meier(g["days"], g["reached"])
        hit = km.loc[km["survival"] <= 1 - q + 1e-12, "time"]
        out[key] = float(hit.iloc[0]) if len(hit) else np.nan
    res = pd.Series(out, name="days")
    res.index.name = by
    order = [s for s in course.SEGMENTS if s in res.index] if by == "segment" else list(res.index)
    return res.loc[order + [k for k in res.index if k not in order]]


# ---------------------------------------------------------------------------
# Ранний отток по статусу внедрения: ориентирный анализ
# ---------------------------------------------------------------------------


def landmark_status(milestones: pd.DataFrame, handoffs: pd.DataFrame, accounts: pd.DataFrame,
                    landmark_days: int = LANDMARK_DAYS, horizon_days: int = EARLY_CHURN_HORIZON_DAYS,
                    milestone: str = "go_live", as_of=course.DATA_END) -> pd.DataFrame:
    """Статус внедрения на день ``landmark_days`` от подписания и ранний отток — по каждому новому клиенту.

    Столбцы: ``account_id``, ``segment``, ``close_date``, ``churned_on``; ``onboarded`` — веха ``milestone``
    пройдена не позже дня ``landmark_days`` (статус, известный на этот день); ``ever_onboarded`` — веха
    пройдена когда-либо к ``as_of`` (статус «задним числом» — для сравнения с ловушкой); ``alive_at_landmark`` —
    в день ``landmark_days`` клиент ещё не ушёл; ``window_seen`` — окно до ``horizon_days`` уже закончилось к
    ``as_of``; ``early_churn`` — ушёл не позже ``horizon_days`` от подписания; ``after_days`` и ``churned`` —
    дни от ориентира до ухода или до ``as_of`` и признак ухода (для кривых дожития от ориентира).
    """
    _check_milestones(milestones)
    require_columns(handoffs, ["account_id", "segment", "close_date"], "handoffs", non_empty=True)
    require_columns(accounts, ["account_id", "churned_on"], "accounts")
    land = int(positive(landmark_days, "landmark_days"))
    horizon = int(positive(horizon_days, "horizon_days"))
    if horizon <= land:
        raise MetricError("horizon_days должен быть больше landmark_days: отток считают после ориентира.")
    cut = pd.Timestamp(as_of)
    rows = milestones[milestones["milestone"] == milestone][["account_id", "actual_date"]]
    h = handoffs[["account_id", "segment", "close_date"]].merge(rows, on="account_id", how="left", validate="1:1")
    close = pd.to_datetime(h["close_date"])
    actual = pd.to_datetime(h["actual_date"])
    churned = pd.to_datetime(h["account_id"].map(accounts.set_index("account_id")["churned_on"]))
    churned = churned.where(churned <= cut)
    landmark = close + pd.Timedelta(days=land)
    out = pd.DataFrame({"account_id": h["account_id"], "segment": h["segment"], "close_date": close,
                        "churned_on": churned})
    out["onboarded"] = (actual.notna() & (actual <= landmark)).to_numpy()
    out["ever_onboarded"] = (actual.notna() & (actual <= cut)).to_numpy()
    out["alive_at_landmark"] = (churned.isna() | (churned > landmark)).to_numpy() & (landmark <= cut).to_numpy()
    out["window_seen"] = (close + pd.Timedelta(days=horizon) <= cut).to_numpy()
    out["early_churn"] = (churned.notna() & ((churned - close).dt.days <= horizon)).to_numpy()
    stop = churned.where(churned.notna(), cut)
    out["after_days"] = (stop - landmark).dt.days.to_numpy(dtype=float)
    out["churned"] = churned.notna().to_numpy(dtype=int)
    out["status"] = np.where(out["onboarded"], "onboarded", "not_onboarded")
    return out.reset_index(drop=True)


def landmark_churn(status: pd.DataFrame, by: str = "status", alpha: float = 0.05) -> pd.DataFrame:
    """Ранний отток по статусу внедрения на ориентир — только клиенты, которые в день ориентира ещё
    платили и чьё окно раннего оттока уже закончилось.

    ``status`` — таблица :func:`landmark_status` (можно отфильтровать сегмент). Столбцы — как у
    :func:`crossfunc.churn_rates`: ``customers``, ``churned``, ``rate``, ``low``, ``high`` (Уилсон).
    """
    require_columns(status, [by, "alive_at_landmark", "window_seen", "early_churn"], "status", non_empty=True)
    base = status[status["alive_at_landmark"] & status["window_seen"]]
    if base.empty:
        raise MetricError("Нет клиентов, которые дожили до ориентира и у которых окно раннего оттока уже прошло.")
    return crossfunc.churn_rates(base, by=by, alpha=alpha)


def landmark_survival(status: pd.DataFrame, by: str = "status") -> dict[str, pd.DataFrame]:
    """Кривые дожития от ориентира по группам (Каплан — Мейер, :func:`cycle.kaplan_meier`).

    Берутся клиенты, которые в день ориентира ещё платили; время — дни от ориентира до ухода или до
    конца данных (цензурирование).
    """
    from salesbook.toolkit import cycle

    require_columns(status, [by, "alive_at_landmark", "after_days", "churned"], "status", non_empty=True)
    base = status[status["alive_at_landmark"]]
    if base.empty:
        raise MetricError("Нет клиентов, которые дожили до ориентира.")
    return cycle.km_by_group(base, by, duration="after_days", event="churned")


# ---------------------------------------------------------------------------
# Отношение рисков и сравнение групп по признакам, известным при подписании
# ---------------------------------------------------------------------------


def risk_ratio(count_b, n_b, count_a, n_a, alpha: float = 0.05) -> pd.Series:
    """Отношение долей b / a с интервалом Каца по логарифму: ``ratio``, ``low``, ``high``.

    se(ln RR) = √(1/x_b − 1/n_b + 1/x_a − 1/n_a). Нулевые счётчики — ошибка: отношение не определено.
    """
    from scipy.stats import norm

    xb, nb, xa, na = (float(v) for v in (count_b, n_b, count_a, n_a))
    if min(xb, xa) <= 0 or nb < xb or na < xa:
        raise MetricError("risk_ratio: нужны ненулевые числа событий и не больше, чем наблюдений.")
    ratio = (xb / nb) / (xa / na)
    se = np.sqrt(1 / xb - 1 / nb + 1 / xa - 1 / na)
    z = norm.ppf(1 - alpha / 2)
    return pd.Series({"ratio": ratio, "low": ratio * np.exp(-z * se), "high": ratio * np.exp(z * se)})


def mh_risk_ratio(frame: pd.DataFrame, group: str, strata: str, outcome: str) -> float:
    """Отношение рисков Мантеля — Хенцеля: группа ``group`` == True к False внутри слоёв ``strata``.

    RR_MH = Σ x₁ n₀ / N / Σ x₀ n₁ / N по слоям. Если оно близко к простому отношению, слой (например,
    вид договора) разницу не объясняет.
    """
    require_columns(frame, [group, strata, outcome], "frame", non_empty=True)
    num = den = 0.0
    for _, g in frame.groupby(strata):
        one, zero = g[g[group].astype(bool)], g[~g[group].astype(bool)]
        n = len(g)
        num += one[outcome].sum() * len(zero) / n
        den += zero[outcome].sum() * len(one) / n
    if den == 0:
        raise MetricError("mh_risk_ratio: во второй группе нет событий — отношение не определено.")
    return float(num / den)


def signing_traits(handoffs: pd.DataFrame, opportunities: pd.DataFrame, mrr: pd.DataFrame) -> pd.DataFrame:
    """Признаки нового клиента, известные в день подписания, — по одному на клиента (индекс ``account_id``).

    ``meddic`` — сумма баллов MEDDIC сделки; ``cycle_days`` — дней от создания сделки до подписания;
    ``acv`` — годовая сумма договора, ₽ (``amount_rub``); ``monthly`` — помесячный тариф (1) или годовой (0,
    первый месяц ``mrr``);
    ``card`` — полнота карточки передачи клиента (доля заполненных полей, раздел 4.3).
    """
    require_columns(handoffs, ["account_id", "opportunity_id", "completeness"], "handoffs", non_empty=True)
    require_columns(opportunities, ["opportunity_id", "created_date", "close_date", "amount_rub"], "opportunities",
                    non_empty=True)
    require_columns(mrr, ["account_id", "month", "billing"], "mrr", non_empty=True)
    opp = opportunities.set_index("opportunity_id")
    meddic = opp[[c for c in opp.columns if c.startswith("meddic_")]].apply(pd.to_numeric, errors="coerce").sum(axis=1)
    cycle_days = (pd.to_datetime(opp["close_date"]) - pd.to_datetime(opp["created_date"])).dt.days
    first = mrr.sort_values("month").groupby("account_id").first()
    h = handoffs.drop_duplicates("account_id").set_index("account_id")
    return pd.DataFrame({"meddic": h["opportunity_id"].map(meddic), "cycle_days": h["opportunity_id"].map(cycle_days),
                         "acv": h["opportunity_id"].map(opp["amount_rub"]).astype(float),
                         "monthly": (first["billing"].reindex(h.index) == "monthly").astype(float),
                         "card": h["completeness"].astype(float)})


def compare_traits(traits: pd.DataFrame, group: pd.Series, alpha: float = 0.05) -> pd.DataFrame:
    """Средние признаков в двух группах и интервал разницы (Уэлч): «группа True минус группа False».

    ``traits`` — таблица :func:`signing_traits`, ``group`` — булев признак с тем же индексом (например,
    «запущен к 90-му дню»). Столбцы: ``mean_true``, ``mean_false``, ``diff``, ``low``, ``high``, ``std_diff`` —
    разница в стандартных отклонениях признака (|0,1| и меньше — группы по признаку почти не различаются).
    """
    from scipy.stats import t as student

    require_columns(traits, list(traits.columns), "traits", non_empty=True)
    g = pd.Series(group).reindex(traits.index)
    if g.isna().all():
        raise MetricError("compare_traits: у group другой индекс, чем у traits (нужен account_id).")
    rows = {}
    for col in traits.columns:
        a = traits.loc[g == True, col].dropna().astype(float)   # noqa: E712
        b = traits.loc[g == False, col].dropna().astype(float)  # noqa: E712
        va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
        se = np.sqrt(va + vb)
        df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1)) if se > 0 else np.inf
        q = student.ppf(1 - alpha / 2, df) if np.isfinite(df) else 1.959963984540054
        d = a.mean() - b.mean()
        pooled = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
        rows[col] = {"mean_true": a.mean(), "mean_false": b.mean(), "diff": d, "low": d - q * se, "high": d + q * se,
                     "std_diff": d / pooled if pooled > 0 else 0.0}
    return pd.DataFrame.from_dict(rows, orient="index")
