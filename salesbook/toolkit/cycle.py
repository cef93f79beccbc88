"""Анализ цикла сделки: длительность, стадии, выживаемость, скорость, прогноз.

Функции раздела 10.3. Всё векторно (pandas/numpy), оценки выживаемости — через
statsmodels (``SurvfuncRight`` — Каплан — Мейер с дисперсией по Гринвуду,
``survdiff`` — лог-ранговый тест). Ошибки входа — ``MetricError`` на русском.

Главная ловушка анализа цикла — цензурирование: на дату среза часть сделок ещё
открыта. Выбросить их — значит оставить только быстрые сделки и занизить цикл;
считать их закрытыми на дату среза — тоже занизить. Каплан — Мейер учитывает
открытые сделки, пока они «под наблюдением», и только до даты среза.
"""

from __future__ import annotations

import warnings
from typing import Mapping

import numpy as np
import pandas as pd

from salesbook.toolkit import kpi
from salesbook.toolkit.course import OPEN_STAGES
from salesbook.toolkit.validation import MetricError, require_columns

#: Рабочие стадии воронки в порядке прохождения.
STAGES = OPEN_STAGES

#: Вероятности выигрыша по стадиям, как их часто вбивают в CRM «на глаз».
#: Это настройка нашей компании, а не отраслевой стандарт; раздел 10.3
#: проверяет её бэктестом против исторической конверсии.
CRM_STAGE_PROBABILITIES = {"discovery": 0.10, "demo": 0.25, "proposal": 0.50, "negotiation": 0.75}


# ---------------------------------------------------------------------------
# Длительности с цензурированием
# ---------------------------------------------------------------------------


def durations_as_of(opportunities: pd.DataFrame, as_of, created_from=None, created_to=None) -> pd.DataFrame:
    """Длительность сделок так, как она видна на дату ``as_of``.

    Берутся сделки, созданные не позже ``as_of`` (и, если заданы, в окне
    ``created_from``…``created_to``). Столбцы результата: все исходные плюс
    ``duration_days`` — дни до закрытия или, если на ``as_of`` сделка открыта,
    до ``as_of``; ``closed`` — закрыта ли к ``as_of`` (событие; иначе —
    цензурированное наблюдение); ``won`` — выиграна ли к ``as_of``.
    """
    require_columns(opportunities, ["created_date", "close_date", "outcome"], "opportunities")
    cut = pd.Timestamp(as_of)
    created = opportunities["created_date"]
    if isinstance(created.dtype, np.dtype) and created.dtype.kind == "M":
        created = created.to_numpy()  # сравнения дат на массиве numpy: без накладных расходов Series (NaT — ложь)
    mask = created <= cut
    if created_from is not None:
        mask &= created >= pd.Timestamp(created_from)
    if created_to is not None:
        mask &= created <= pd.Timestamp(created_to)
    deals = opportunities[mask]  # фильтр уже даёт новую таблицу: вход не меняется и без copy()
    if deals.empty:
        raise MetricError("На дату среза нет ни одной сделки в этом окне.")
    close, start = deals["close_date"], deals["created_date"]
    if all(isinstance(c.dtype, np.dtype) and c.dtype.kind == "M" for c in (close, start)):
        # те же величины на массивах numpy: NaT ≤ среза — ложь, целые дни — деление с округлением вниз, как .dt.days
        close_at, cut_at = close.to_numpy(), cut.to_datetime64()
        closed = close_at <= cut_at
        days = (np.where(closed, close_at, cut_at) - start.to_numpy()) // np.timedelta64(1, "D")
        deals["duration_days"] = days.astype(float)
        deals["closed"] = closed
        deals["won"] = closed & kpi._is(deals["outcome"], "won")
        return deals
    closed = close.notna() & (close <= cut)
    end = close.where(closed, cut)
    deals["duration_days"] = (end - start).dt.days.astype(float)
    deals["closed"] = closed
    deals["won"] = closed & deals["outcome"].eq("won")
    return deals


def _survival_inputs(durations, events) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=float)
    if t.ndim != 1 or t.shape != e.shape:
        raise MetricError("Длительности и признаки события — одномерные массивы одной длины.")
    if t.size == 0:
        raise MetricError("Нет наблюдений: кривая выживаемости не определена.")
    # min/max без промежуточных массивов: пропуск делает min пропуском (сравнение ложно), inf виден в max
    if not (t.min() >= 0 and t.max() < np.inf):
        raise MetricError("Длительности должны быть неотрицательными числами (без пропусков).")
    # все ненулевые признаки равны 1 — значит, только 0 и 1 (пропуск — ненулевой и не 1)
    nonzero = np.count_nonzero(e)
    if nonzero != np.count_nonzero(e == 1.0):
        raise MetricError("Признак события — 1 (закрыта) или 0 (ещё открыта, цензурирована).")
    if nonzero == 0:
        raise MetricError("Ни одного события: все наблюдения цензурированы, кривая не опускается.")
    return t, e


def kaplan_meier(durations, events) -> pd.DataFrame:
    """Оценка Каплана — Мейера: доля сделок, ещё не закрытых к дню t.

    Возвращает таблицу по моментам событий: ``time``, ``at_risk`` (сколько было
    под наблюдением), ``events`` (сколько закрылось), ``survival`` — S(t),
    ``se`` — стандартная ошибка по Гринвуду, ``ci_low``/``ci_high`` — 95 %
    поточечный интервал (лог-лог преобразование, как в statsmodels и Stata).
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    t, e = _survival_inputs(durations, events)
    sf = SurvfuncRight(t, e)
    s = sf.surv_prob
    se = sf.surv_prob_se
    with np.errstate(divide="ignore", invalid="ignore"):
        # лог-лог интервал: S^exp(±1,96·σ), σ = se / (S·|ln S|)
        sigma = se / (s * np.abs(np.log(s)))
        low = s ** np.exp(1.959964 * sigma)
        high = s ** np.exp(-1.959964 * sigma)
    return pd.DataFrame({
        "time": sf.surv_times.astype(float, copy=False), "at_risk": sf.n_risk.astype(int), "events": sf.n_events.astype(int),
        "survival": s, "se": se, "ci_low": np.where(np.isfinite(low), low, np.nan), "ci_high": np.where(np.isfinite(high), high, np.nan),
    })


def km_survival_at(table: pd.DataFrame, days) -> np.ndarray:
    """S(t) из таблицы ``kaplan_meier`` в произвольные моменты (ступенчатая функция)."""
    require_columns(table, ["time", "survival"], "table")
    t = np.atleast_1d(np.asarray(days, dtype=float))
    idx = np.searchsorted(table["time"].to_numpy(), t, side="right") - 1
    surv = np.where(idx >= 0, table["survival"].to_numpy()[np.clip(idx, 0, None)], 1.0)
    return surv


def km_median(durations, events) -> float:
    """Медиана по Каплану — Мейеру: первый момент, когда S(t) ≤ 0,5.

    ``nan``, если кривая так и не опустилась до половины (открытых слишком много).
    """
    table = kaplan_meier(durations, events)
    below = table[table["survival"] <= 0.5]
    return float(below["time"].iloc[0]) if len(below) else float("nan")


def km_by_group(frame: pd.DataFrame, group: str, duration: str = "duration_days", event: str = "closed") -> dict[str, pd.DataFrame]:
    """Кривые Каплана — Мейера по группам (сегментам, отраслям)."""
    require_columns(frame, [group, duration, event], "frame")
    return {str(k): kaplan_meier(g[duration], g[event].astype(float)) for k, g in frame.groupby(group, sort=True)}


def logrank(durations, events, groups) -> pd.Series:
    """Лог-ранговый тест (Мантель — Хензель) равенства кривых выживаемости групп.

    Возвращает ``statistic`` (хи-квадрат), ``df`` (групп − 1) и ``pvalue``.
    Тест чувствителен к различиям на всём протяжении кривой и мощнее всего,
    когда риски групп пропорциональны.
    """
    from statsmodels.duration.survfunc import survdiff

    t, e = _survival_inputs(durations, events)
    g = np.asarray(groups)
    if g.shape != t.shape:
        raise MetricError("Группы — по одной метке на наблюдение.")
    k = len(pd.unique(g))
    if k < 2:
        raise MetricError("Для сравнения нужны хотя бы две группы.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        stat, p = survdiff(t, e, g)
    return pd.Series({"statistic": float(stat), "df": float(k - 1), "pvalue": float(p)})


# ---------------------------------------------------------------------------
# Стадии
# ---------------------------------------------------------------------------


def stage_history(stages: pd.DataFrame, opportunities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Пребывание сделок в рабочих стадиях: одна строка — сделка × стадия.

    Столбцы: ``entered_date``, ``next_stage`` (куда ушла: следующая стадия,
    ``closed_won`` или ``closed_lost``; пусто — ещё в стадии), ``days_in_stage``
    (до выхода или, если не вышла, до ``as_of``), ``exited`` (вышла ли), плюс
    ``segment`` и ``outcome`` сделки. ``as_of`` — дата среза (по умолчанию —
    последняя дата в истории стадий).
    """
    require_columns(stages, ["opportunity_id", "stage", "entered_date"], "opportunity_stages")
    require_columns(opportunities, ["opportunity_id", "segment", "outcome"], "opportunities")
    cut = pd.Timestamp(as_of) if as_of is not None else stages["entered_date"].max()
    hist = stages[stages["entered_date"] <= cut].sort_values(["opportunity_id", "entered_date", "stage"], kind="stable")
    order = {s: i for i, s in enumerate(STAGES + ("closed_won", "closed_lost"))}
    hist = hist.assign(_rank=hist["stage"].map(order)).sort_values(["opportunity_id", "entered_date", "_rank"], kind="stable")
    grouped = hist.groupby("opportunity_id", sort=False)
    hist = hist.assign(next_stage=grouped["stage"].shift(-1), next_date=grouped["entered_date"].shift(-1))
    work = hist[hist["stage"].isin(STAGES)].copy()
    work["exited"] = work["next_stage"].notna()
    work["days_in_stage"] = (work["next_date"].where(work["exited"], cut) - work["entered_date"]).dt.days.astype(float)
    work = work.merge(opportunities[["opportunity_id", "segment", "outcome"]], on="opportunity_id", how="left", validate="m:1")
    return work.drop(columns=["_rank", "next_date"]).reset_index(drop=True)


def stage_conversion(history: pd.DataFrame, by: str | None = "segment") -> pd.DataFrame:
    """Конверсия «стадия → дальше» и время в стадии.

    ``entered`` — сколько сделок вошло в стадию; ``decided`` — сколько из них уже
    вышли (дальше или в проигрыш); ``advanced`` — ушли дальше (следующая стадия
    или выигрыш); ``conversion`` = advanced / decided — сделки, которые ещё сидят
    в стадии, в знаменатель не входят: их судьба неизвестна. ``median_days`` —
    медиана дней в стадии у вышедших сделок.
    """
    require_columns(history, ["stage", "next_stage", "exited", "days_in_stage"], "history")
    keys = ([by] if by else []) + ["stage"]
    h = history.assign(
        advanced=history["next_stage"].isin(STAGES + ("closed_won",)) & history["exited"],
        decided=history["exited"],
        exited_days=history["days_in_stage"].where(history["exited"]),
    )
    table = h.groupby(keys).agg(
        entered=("stage", "size"), decided=("decided", "sum"), advanced=("advanced", "sum"),
        median_days=("exited_days", "median"), mean_days=("exited_days", "mean"),
    )
    table["conversion"] = table["advanced"] / table["decided"].where(table["decided"] > 0)
    table = table.reindex(pd.MultiIndex.from_product([sorted(h[by].unique()), list(STAGES)], names=keys)) if by else table.reindex(list(STAGES))
    return table.dropna(how="all")


def bottleneck(conversion: pd.DataFrame, by: str | None = "segment") -> pd.Series:
    """Узкое место: стадия с самой низкой конверсией дальше (по группе ``by``)."""
    require_columns(conversion, ["conversion"], "conversion")
    if by is None:
        return pd.Series({"stage": conversion["conversion"].idxmin()})
    conv = conversion["conversion"].dropna()
    return conv.groupby(level=by).idxmin().map(lambda key: key[-1]).rename("stage")


# ---------------------------------------------------------------------------
# Скорость продаж
# ---------------------------------------------------------------------------


def average_open_deals(opportunities: pd.DataFrame, start, end, by: str | None = "segment"):
    """Среднее число открытых сделок за период: по каждому дню ``start``…``end``.

    Сделка открыта в день d, если создана не позже d и не закрыта к d
    (как в ``kpi.open_pipeline``). Возвращает Series по группам ``by``
    (или число, если ``by=None``).
    """
    require_columns(opportunities, ["created_date", "close_date"], "opportunities")
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    if days.empty:
        raise MetricError("Период пуст: дата начала позже даты конца.")

    def _mean_open(frame: pd.DataFrame) -> float:
        created = np.sort(frame["created_date"].to_numpy(dtype="datetime64[ns]"))
        closed = np.sort(frame["close_date"].dropna().to_numpy(dtype="datetime64[ns]"))
        d = days.to_numpy(dtype="datetime64[ns]")
        # создано к концу дня d минус закрыто к концу дня d
        n_open = np.searchsorted(created, d, side="right") - np.searchsorted(closed, d, side="right")
        return float(n_open.mean())

    if by is None:
        return _mean_open(opportunities)
    require_columns(opportunities, [by], "opportunities")
    return pd.Series({k: _mean_open(g) for k, g in opportunities.groupby(by, sort=True)}, name="open_deals").rename_axis(by)


def sales_velocity(opportunities: pd.DataFrame, start, end, by: str | None = "segment") -> pd.DataFrame:
    """Скорость продаж: сколько ACV в день выигрывает воронка, ₽ в день.

    скорость = открытые сделки × win rate × средний ACV / средняя длина цикла.

    ``open_deals`` — **среднее число открытых сделок** за период (по дням), а не
    созданные за период: по закону Литтла L = λW открытых сделок столько, сколько
    их приходит в день, умноженное на время в воронке, поэтому L / W — поток
    закрытий в день. ``cycle_days`` — средний цикл сделок, **закрытых в период
    любым исходом** (в воронке сидят и будущие проигрыши); ``win_rate`` — среди
    закрытых в период; ``acv_rub`` — средний ACV выигранных в период.
    ``bookings_rub_per_day`` — факт для сверки: ACV, выигранный в период, / дни периода.
    """
    require_columns(opportunities, ["created_date", "close_date", "outcome", "amount_rub"], "opportunities")
    n_days = (pd.Timestamp(end) - pd.Timestamp(start)).days + 1
    closed = kpi.closed_deals(opportunities, start, end)
    won = kpi.won_deals(opportunities, start, end)
    if by:
        require_columns(opportunities, [by], "opportunities")
        table = pd.DataFrame({
            "open_deals": average_open_deals(opportunities, start, end, by=by),
            "win_rate": kpi.win_rate(opportunities, start, end, by=by),
            "acv_rub": won.groupby(by)["amount_rub"].mean(),
            "cycle_days": kpi.cycle_days(closed).groupby(closed[by]).mean(),
            "bookings_rub_per_day": won.groupby(by)["amount_rub"].sum() / n_days,
        })
        table.index.name = by
    else:
        table = pd.DataFrame({
            "open_deals": [average_open_deals(opportunities, start, end, by=None)],
            "win_rate": [kpi.win_rate(opportunities, start, end)],
            "acv_rub": [won["amount_rub"].mean()], "cycle_days": [kpi.cycle_days(closed).mean()],
            "bookings_rub_per_day": [won["amount_rub"].sum() / n_days],
        }, index=pd.Index(["all"], name="group"))
    table["velocity_rub_per_day"] = table["open_deals"] * table["win_rate"] * table["acv_rub"] / table["cycle_days"]
    return table


# ---------------------------------------------------------------------------
# Прогноз по воронке и бэктест
# ---------------------------------------------------------------------------


def stage_on(stages: pd.DataFrame, as_of) -> pd.Series:
    """Стадия каждой сделки на дату ``as_of`` (последняя стадия, в которую она вошла)."""
    require_columns(stages, ["opportunity_id", "stage", "entered_date"], "opportunity_stages")
    cut = pd.Timestamp(as_of)
    order = {s: i for i, s in enumerate(STAGES + ("closed_won", "closed_lost"))}
    hist = stages[stages["entered_date"] <= cut]
    hist = hist.assign(_rank=hist["stage"].map(order)).sort_values(["opportunity_id", "entered_date", "_rank"], kind="stable")
    return hist.groupby("opportunity_id")["stage"].last().rename("stage_on")


def historical_stage_win_rates(opportunities: pd.DataFrame, stages: pd.DataFrame, as_of, by: str | None = None) -> pd.Series:
    """Наивная конверсия «стадия → выигрыш» по сделкам, **закрытым к** ``as_of``.

    P(выигрыш когда-нибудь | сделка дошла до стадии) по сделкам с известным к
    ``as_of`` исходом и по истории стадий до ``as_of``. В будущее не заглядывает,
    но смещена: открытые к ``as_of`` сделки (самые медленные) выброшены — это
    цензурирование, — и у конверсии нет горизонта. Раздел 10.3 показывает её как
    ошибку; для прогноза на горизонт — ``horizon_stage_win_rates``.
    """
    cut = pd.Timestamp(as_of)
    closed = opportunities[opportunities["close_date"].notna() & (opportunities["close_date"] <= cut)]
    if closed.empty:
        raise MetricError("К дате среза нет закрытых сделок — историю конверсии не из чего посчитать.")
    hist = stages[stages["opportunity_id"].isin(closed["opportunity_id"]) & stages["stage"].isin(STAGES) & (stages["entered_date"] <= cut)]
    cols = ["opportunity_id", "outcome"] + ([by] if by else [])
    hist = hist.merge(closed[cols], on="opportunity_id", how="left", validate="m:1").drop_duplicates(["opportunity_id", "stage"])
    keys = ([by] if by else []) + ["stage"]
    return hist["outcome"].eq("won").groupby([hist[k] for k in keys]).mean().rename("p_win")


def horizon_stage_pairs(opportunities: pd.DataFrame, stages: pd.DataFrame, as_of, horizon_days: int,
                        by: str | None = None) -> pd.DataFrame:
    """Пары «сделка × прошлый срез», из которых ``horizon_stage_win_rates`` считает конверсию.

    Срезы — концы месяцев d, для которых горизонт уже прошёл: d + ``horizon_days``
    ≤ ``as_of``. Одна строка — открытая на d сделка: ``opportunity_id``, ``snapshot``
    (дата среза), ``stage`` (стадия на d), ``group`` (значение ``by`` или ``"all"``)
    и ``won`` — выиграна не позже d + ``horizon_days``. Одна сделка попадает в
    таблицу на каждом конце месяца, пока открыта, поэтому пар больше, чем сделок,
    и они не независимы.
    """
    require_columns(opportunities, ["opportunity_id", "created_date", "close_date", "outcome"], "opportunities")
    cut = pd.Timestamp(as_of)
    horizon = pd.Timedelta(days=int(horizon_days))
    first = opportunities["created_date"].min()
    snaps = pd.date_range(first, cut - horizon, freq="ME") if pd.notna(first) else pd.DatetimeIndex([])
    rows = []
    for d in snaps:
        pipe = kpi.open_pipeline(opportunities, d)
        if pipe.empty:
            continue
        rows.append(pd.DataFrame({
            "opportunity_id": pipe["opportunity_id"].to_numpy(),
            "snapshot": d,
            "stage": pipe["opportunity_id"].map(stage_on(stages, d)).to_numpy(),
            "group": pipe[by].to_numpy() if by else "all",
            "won": (pipe["outcome"].eq("won") & (pipe["close_date"] <= d + horizon)).to_numpy(),
        }))
    if not rows:
        raise MetricError("До даты среза нет ни одного прошлого среза, горизонт которого уже прошёл.")
    pairs = pd.concat(rows, ignore_index=True)
    return pairs[pairs["stage"].isin(STAGES)].reset_index(drop=True)


def horizon_stage_win_rates(opportunities: pd.DataFrame, stages: pd.DataFrame, as_of, horizon_days: int,
                            by: str | None = None) -> pd.Series:
    """Конверсия «стадия → выигрыш за горизонт» по прошлым срезам пайплайна.

    Срезы — концы месяцев d, для которых горизонт уже прошёл: d + ``horizon_days``
    ≤ ``as_of``. На каждом срезе берутся открытые сделки и их стадия на d;
    «успех» — сделка выиграна не позже d + ``horizon_days``. Конверсия стадии —
    доля успехов по всем таким парам «сделка × срез» (``horizon_stage_pairs``).
    Исход каждой пары к ``as_of`` известен, поэтому нет ни цензурирования, ни
    заглядывания в будущее, а горизонт тот же, что у прогноза. Цена — запаздывание:
    последние ``horizon_days`` дней в оценку не попадают. Одна сделка входит в
    оценку на нескольких срезах, поэтому на малых группах она неточна.
    """
    pairs = horizon_stage_pairs(opportunities, stages, as_of, horizon_days, by=by)
    if by:
        return pairs.groupby(["group", "stage"])["won"].mean().rename_axis([by, "stage"]).rename("p_win")
    return pairs.groupby("stage")["won"].mean().rename("p_win")


def pipeline_forecast(opportunities: pd.DataFrame, stages: pd.DataFrame, as_of, probabilities, by: str | None = None) -> pd.DataFrame:
    """Взвешенный прогноз по открытому пайплайну на дату ``as_of``.

    ``probabilities`` — вероятность выигрыша по стадии: словарь (как в CRM) или
    Series из ``historical_stage_win_rates`` (с индексом стадия или группа × стадия,
    тогда задайте ``by``). Возвращает открытые сделки со столбцами ``stage_on``,
    ``p_win`` и ``expected_rub`` = ACV × p_win.
    """
    pipe = kpi.open_pipeline(opportunities, as_of).copy()
    if pipe.empty:
        raise MetricError("На дату среза открытых сделок нет.")
    pipe["stage_on"] = pipe["opportunity_id"].map(stage_on(stages, as_of))
    if isinstance(probabilities, Mapping):
        pipe["p_win"] = pipe["stage_on"].map(probabilities)
    else:
        probs = pd.Series(probabilities)
        if by:
            key = pd.MultiIndex.from_arrays([pipe[by], pipe["stage_on"]])
            pipe["p_win"] = probs.reindex(key).to_numpy()
        else:
            pipe["p_win"] = pipe["stage_on"].map(probs)
    if pipe["p_win"].isna().any():
        missing = sorted(pipe.loc[pipe["p_win"].isna(), "stage_on"].astype(str).unique())
        raise MetricError(f"Нет вероятности для стадий: {', '.join(missing)}.")
    pipe["expected_rub"] = pipe["amount_rub"] * pipe["p_win"]
    return pipe


def forecast_backtest(opportunities: pd.DataFrame, stages: pd.DataFrame, as_of, horizon_end, crm_probabilities=None,
                      by: str | None = "segment") -> pd.DataFrame:
    """Бэктест прогноза: что обещал пайплайн на ``as_of`` и что из него выиграли до ``horizon_end``.

    Строки: ``pipeline`` (весь открытый ACV без весов), ``crm`` (вероятности CRM),
    ``censored`` (конверсия по сделкам, закрытым к ``as_of``, —
    ``historical_stage_win_rates``), ``horizon`` (конверсия «выигрыш за тот же
    горизонт» по прошлым срезам — ``horizon_stage_win_rates``). Обе исторические
    конверсии — по группам ``by`` (по умолчанию по сегментам).
    Столбцы: ``forecast_rub``, ``actual_rub`` (ACV сделок из того же пайплайна,
    выигранных до ``horizon_end``), ``error`` = прогноз / факт − 1.
    """
    probs = crm_probabilities or CRM_STAGE_PROBABILITIES
    end = pd.Timestamp(horizon_end)
    horizon_days = (end - pd.Timestamp(as_of)).days
    if horizon_days <= 0:
        raise MetricError("Конец горизонта должен быть позже даты среза.")
    crm = pipeline_forecast(opportunities, stages, as_of, probs)
    censored = pipeline_forecast(opportunities, stages, as_of, historical_stage_win_rates(opportunities, stages, as_of, by=by), by=by)
    horizon = pipeline_forecast(opportunities, stages, as_of,
                                horizon_stage_win_rates(opportunities, stages, as_of, horizon_days, by=by), by=by)
    actual = crm.loc[crm["outcome"].eq("won") & (crm["close_date"] <= end), "amount_rub"].sum()
    table = pd.DataFrame({"forecast_rub": {
        "pipeline": crm["amount_rub"].sum(), "crm": crm["expected_rub"].sum(),
        "censored": censored["expected_rub"].sum(), "horizon": horizon["expected_rub"].sum(),
    }})
    table["actual_rub"] = float(actual)
    table["error"] = table["forecast_rub"] / table["actual_rub"] - 1
    table.index.name = "method"
    return table
