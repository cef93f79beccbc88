"""Коучинг и менторство: кого, чему и сколько часов учить (раздел 5.3).

Показатели по людям считаются теми же функциями, что карточка AE в разделе 10.1
(``kpi.win_rate``, ``kpi.average_acv``, ``kpi.median_cycle`` по сделкам до ухода
владельца), стадии — ``cycle.stage_history``, MEDDIC — ``meddic``. Здесь только то,
чего в курсе ещё не было:

* сжатие долей к команде — эмпирический Байес с бета-распределением и, для
  равных выборок, оценка Джеймса — Стейна (Efron & Morris, 1977);
* разрыв «AE × стадия» в рублях: сколько выигранного ACV добавит одна стадия,
  подтянутый до медианы команды;
* очередь разбора открытых сделок (возраст стадии против медианы и пробелы MEDDIC);
* распределение часов коучинга руководителя с убывающей отдачей;
* подбор наставников новичкам как задача о назначениях.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import linear_sum_assignment
from statsmodels.stats.proportion import proportion_confint

from salesbook.toolkit import course, cycle, kpi, meddic
from salesbook.toolkit.validation import MetricError, numbers, positive, require_columns, share

#: Рабочие стадии сделки по порядку: конверсия «стадия → дальше» у последней — это выигрыш.
STAGES = cycle.STAGES
#: Рабочих часов в неделю по производственному календарю 2025 года (1 972 ч / 49,4 недели).
WEEKLY_HOURS_2025 = course.WORK_HOURS_2025 / (course.WORK_DAYS_2025 / 5)


# ---------------------------------------------------------------------------
# Карточка AE: те же функции, что в разделе 10.1
# ---------------------------------------------------------------------------


def ae_scorecard(opportunities: pd.DataFrame, reps: pd.DataFrame, start, end) -> pd.DataFrame:
    """Карточка каждого AE за период по сделкам, закрытым в период до ухода владельца.

    Столбцы: ``team``, ``closed`` (закрыто сделок), ``won``, ``win_rate``, ``acv_rub``
    (средний ACV выигранной), ``won_rub`` (выигранный ACV), ``cycle_days`` (медиана цикла
    выигранных). Win rate, ACV и цикл — функции ``kpi`` раздела 10.1 с ``by="owner_id"``.
    """
    require_columns(reps, ["rep_id", "role", "team"], "reps")
    own = kpi.before_owner_exit(opportunities, reps)
    closed = kpi.closed_deals(own, start, end)
    if closed.empty:
        raise MetricError("В периоде нет закрытых сделок: карточку AE не построить.")
    won = kpi.won_deals(own, start, end)
    card = pd.DataFrame({
        "closed": closed.groupby("owner_id").size(),
        "won": won.groupby("owner_id").size(),
        "win_rate": kpi.win_rate(own, start, end, by="owner_id"),
        "acv_rub": kpi.average_acv(own, start, end, by="owner_id"),
        "won_rub": won.groupby("owner_id")["amount_rub"].sum(),
        "cycle_days": kpi.median_cycle(own, start, end, by="owner_id"),
    })
    card[["won", "won_rub"]] = card[["won", "won_rub"]].fillna(0)
    card["won"] = card["won"].astype(int)
    card.insert(0, "team", card.index.map(reps.set_index("rep_id")["team"]))
    card.index.name = "rep_id"
    return card.sort_values(["team", "win_rate"])


# ---------------------------------------------------------------------------
# Малые выборки: сжатие к команде
# ---------------------------------------------------------------------------


def _counts(successes, trials) -> tuple[np.ndarray, np.ndarray]:
    s = numbers(successes, "successes").reshape(-1)
    n = numbers(trials, "trials").reshape(-1)
    if s.shape != n.shape:
        raise MetricError("successes и trials: нужно одинаковое число значений.")
    if (n <= 0).any() or (s < 0).any() or (s > n).any():
        raise MetricError("Успехов должно быть от 0 до числа попыток, попыток — больше нуля.")
    return s, n


def beta_prior(successes, trials) -> tuple[float, float]:
    r"""Априорное бета-распределение долей группы методом моментов (эмпирический Байес).

    Средняя доля $\mu$ — общая (все успехи / все попытки). Разброс настоящих долей
    $\tau^2$ — дисперсия наблюдаемых долей минус средний шум $\mu(1-\mu)/n_i$
    (не меньше нуля). Тогда $\alpha + \beta = \mu(1-\mu)/\tau^2 - 1$. Если разброс
    не отличить от шума ($\tau^2 \le 0$), сила априорного распределения бесконечна:
    все доли сжимаются к общей — данные не различают людей.
    """
    s, n = _counts(successes, trials)
    mu = s.sum() / n.sum()
    if mu <= 0 or mu >= 1:
        raise MetricError("Общая доля равна 0 или 1: сжимать не к чему.")
    rates = s / n
    tau2 = float(np.var(rates, ddof=1)) - float(np.mean(mu * (1 - mu) / n)) if len(s) > 1 else 0.0
    strength = mu * (1 - mu) / tau2 - 1 if tau2 > 0 else np.inf
    strength = max(strength, 1e-9)
    return mu * strength, (1 - mu) * strength


def shrunk_rates(successes, trials, index=None, alpha: float = 0.05) -> pd.DataFrame:
    """Доли, «стянутые» к общей: апостериорное среднее и интервал бета-распределения.

    Каждая доля — $(x_i + \\alpha)/(n_i + \\alpha + \\beta)$ с $\\alpha, \\beta$ из
    :func:`beta_prior`: чем меньше попыток, тем сильнее доля сдвигается к общей.
    Столбцы: ``raw`` (наблюдённая доля), ``shrunk``, ``low``, ``high`` (границы
    интервала ``1 − alpha``), ``weight`` — вес собственных данных $n/(n+\\alpha+\\beta)$,
    ``interval`` — чей это интервал: ``"beta"`` (апостериорный) или ``"wilson"``.
    Если разброс долей не отличить от шума (:func:`beta_prior` даёт бесконечную силу),
    вес своих данных — ноль и апостериорный интервал схлопнулся бы в точку; это не
    уверенность, а вырождение метода моментов. Тогда ``low`` и ``high`` — интервал
    Уилсона по собственным данным, а ``shrunk`` — общая доля.
    """
    s, n = _counts(successes, trials)
    a, b = beta_prior(s, n)
    if np.isinf(a + b):
        weight = np.zeros(len(s))
        shrunk = np.full(len(s), s.sum() / n.sum())
        low, high = proportion_confint(s, n, alpha=alpha, method="wilson")
        kind = "wilson"
    else:
        post_a, post_b = s + a, n - s + b
        weight = n / (n + a + b)
        shrunk = post_a / (post_a + post_b)
        low = stats.beta.ppf(alpha / 2, post_a, post_b)
        high = stats.beta.ppf(1 - alpha / 2, post_a, post_b)
        kind = "beta"
    return pd.DataFrame({"raw": s / n, "shrunk": shrunk, "low": low, "high": high, "weight": weight,
                         "interval": kind},
                        index=index if index is not None else pd.RangeIndex(len(s)))


def shrunk_by_team(card: pd.DataFrame, successes: str = "won", trials: str = "closed") -> pd.DataFrame:
    """:func:`shrunk_rates` внутри каждой команды карточки (априорное распределение — своё у команды)."""
    require_columns(card, ["team", successes, trials], "card")
    parts = [shrunk_rates(g[successes], g[trials], index=g.index).assign(team=team)
             for team, g in card.groupby("team")]
    return pd.concat(parts).loc[card.index]


def james_stein(successes, trials) -> pd.Series:
    r"""Оценка Джеймса — Стейна для долей с равными выборками (Efron & Morris, 1977).

    $z_i = \bar y + c\,(y_i - \bar y)$, $c = 1 - (k-3)\,\sigma^2 / \sum (y_i - \bar y)^2$,
    $\sigma^2 = \bar y(1-\bar y)/n$. Нужно не меньше четырёх долей с одинаковым $n$.
    Атрибут ``attrs["c"]`` — коэффициент сжатия.
    """
    s, n = _counts(successes, trials)
    if len(s) < 4 or not np.allclose(n, n[0]):
        raise MetricError("Оценке Джеймса — Стейна нужны не меньше четырёх долей с одинаковым числом попыток.")
    y = s / n
    ybar = y.mean()
    spread = ((y - ybar) ** 2).sum()
    sigma2 = ybar * (1 - ybar) / n[0]
    c = max(0.0, 1 - (len(y) - 3) * sigma2 / spread) if spread > 0 else 0.0
    out = pd.Series(ybar + c * (y - ybar), name="james_stein")
    out.attrs["c"] = c
    return out


# ---------------------------------------------------------------------------
# Разрыв «AE × стадия» в рублях
# ---------------------------------------------------------------------------


def stage_funnel(opportunities: pd.DataFrame, stages: pd.DataFrame, reps: pd.DataFrame, start, end) -> pd.DataFrame:
    """Сколько сделок AE вошли в каждую стадию и сколько ушли дальше (сделки, закрытые в период).

    Длинная таблица ``rep_id × stage``: ``entered``, ``advanced`` (ушли в следующую стадию
    или выиграны), ``team``. Берутся сделки, закрытые в период до ухода владельца, — та же
    база, что у win rate карточки: произведение конверсий четырёх стадий равно win rate.
    """
    own = kpi.before_owner_exit(opportunities, reps)
    closed = kpi.closed_deals(own, start, end)
    history = cycle.stage_history(stages, opportunities)
    history = history[history["opportunity_id"].isin(closed["opportunity_id"])]
    history = history.merge(closed[["opportunity_id", "owner_id"]], on="opportunity_id", validate="m:1")
    history["advanced"] = history["next_stage"].isin(STAGES[1:] + ("closed_won",))
    table = history.groupby(["owner_id", "stage"]).agg(entered=("advanced", "size"), advanced=("advanced", "sum"))
    table = table.reindex(pd.MultiIndex.from_product([table.index.levels[0], list(STAGES)]), fill_value=0)
    table.index.names = ["rep_id", "stage"]
    table["team"] = table.index.get_level_values("rep_id").map(reps.set_index("rep_id")["team"])
    return table


def stage_gaps(funnel: pd.DataFrame, card: pd.DataFrame, shrink: bool = True) -> pd.DataFrame:
    r"""Разрыв каждого AE по стадиям в рублях выигранного ACV за период.

    Выигранный ACV AE $= n \cdot \prod_s c_s \cdot \text{ACV}$, где $n$ — закрытые сделки,
    $c_s$ — конверсии четырёх стадий. Разрыв стадии $s$ — на сколько вырос бы выигранный
    ACV, если поднять $c_s$ до медианы команды (если AE выше медианы — ноль). ACV — свой
    у AE (у AE без выигрышей — медиана команды). ``shrink`` — конверсии стадий сжимаются
    к команде (:func:`shrunk_rates`), чтобы «разрыв» у AE с десятком сделок не был просто
    шумом; стадию, до которой у AE не дошла ни одна сделка, заменяет медиана команды.
    Индекс — AE, столбцы — стадии; в ``attrs`` — ``rates`` и ``medians`` (конверсии).
    """
    require_columns(card, ["team", "closed", "acv_rub"], "card")
    require_columns(funnel.reset_index(), ["rep_id", "stage", "entered", "advanced", "team"], "funnel")
    conv = {}
    for (team, stage), g in funnel.reset_index().groupby(["team", "stage"]):
        g = g[g["entered"] > 0].set_index("rep_id")
        if shrink and len(g) > 1 and 0 < g["advanced"].sum() < g["entered"].sum():
            conv[(team, stage)] = shrunk_rates(g["advanced"], g["entered"], index=g.index)["shrunk"]
        else:
            conv[(team, stage)] = g["advanced"] / g["entered"]
    rates = pd.DataFrame({stage: pd.concat([conv[k] for k in conv if k[1] == stage]) for stage in STAGES})
    rates = rates.reindex(card.index)
    medians = rates.groupby(card["team"]).transform("median")
    rates = rates.fillna(medians)
    acv = card["acv_rub"].fillna(card.groupby("team")["acv_rub"].transform("median"))
    base = rates.prod(axis=1)
    gaps = pd.DataFrame(index=card.index)
    for stage in STAGES:
        lifted = rates.copy()
        lifted[stage] = np.maximum(rates[stage], medians[stage])
        gaps[stage] = (card["closed"] * acv * (lifted.prod(axis=1) - base)).clip(lower=0)
    gaps.attrs["rates"] = rates
    gaps.attrs["medians"] = medians
    return gaps


def biggest_gap(gaps: pd.DataFrame) -> pd.DataFrame:
    """Главная стадия каждого AE: ``stage`` с наибольшим разрывом и ``gap_rub``.

    Разрыв меньше рубля считается нулём (погрешность вычислений): у такого AE ``stage`` пусто —
    ни на одной стадии он не ниже медианы команды.
    """
    if not isinstance(gaps, pd.DataFrame) or gaps.empty:
        raise MetricError("Таблица разрывов пуста.")
    require_columns(gaps, list(STAGES), "gaps")
    values = gaps[list(STAGES)].clip(lower=0).where(lambda v: v >= 1, 0.0)
    top = values.max(axis=1)
    return pd.DataFrame({"stage": values.idxmax(axis=1).where(top > 0), "gap_rub": top})


# ---------------------------------------------------------------------------
# Звонки SDR и BDR
# ---------------------------------------------------------------------------


def call_stats(activities: pd.DataFrame, reps: pd.DataFrame, start, end, roles=("SDR", "BDR")) -> pd.DataFrame:
    """Холодные и тёплые звонки по лидам за период по сотрудникам ролей ``roles``.

    Столбцы: ``calls``, ``conversations`` (дозвонились и поговорили: connected,
    meeting_booked, not_interested), ``connect_rate``, ``meetings`` (встреча назначена
    в звонке), ``meeting_rate`` = встречи / разговоры, ``median_talk_min`` — медиана
    длительности разговора, минут.
    """
    require_columns(activities, ["rep_id", "lead_id", "date", "type", "outcome", "duration_sec"], "activities")
    role = activities["rep_id"].map(reps.set_index("rep_id")["role"])
    mask = (activities["type"].eq("call") & activities["lead_id"].notna() & role.isin(list(roles))
            & activities["date"].between(pd.Timestamp(start), pd.Timestamp(end)))
    calls = activities[mask]
    if calls.empty:
        raise MetricError("В периоде нет звонков по лидам у этих ролей.")
    talk = calls["outcome"].isin(["connected", "meeting_booked", "not_interested"])
    table = pd.DataFrame({
        "calls": calls.groupby("rep_id").size(),
        "conversations": talk.groupby(calls["rep_id"]).sum(),
        "meetings": calls["outcome"].eq("meeting_booked").groupby(calls["rep_id"]).sum(),
        "median_talk_min": calls.loc[talk, "duration_sec"].astype(float).groupby(calls.loc[talk, "rep_id"]).median() / 60,
    })
    table["connect_rate"] = table["conversations"] / table["calls"]
    table["meeting_rate"] = table["meetings"] / table["conversations"].where(table["conversations"] > 0)
    table.insert(0, "role", table.index.map(reps.set_index("rep_id")["role"]))
    return table


# ---------------------------------------------------------------------------
# Часы руководителя
# ---------------------------------------------------------------------------


def coaching_value(gap_rub, hours, capture: float, saturation_hours: float):
    r"""Ожидаемый прирост выигранного ACV за год от ``hours`` часов коучинга в неделю.

    $V(h) = \text{разрыв} \cdot \text{capture} \cdot (1 - e^{-h/h_s})$: коучинг закрывает
    не больше доли ``capture`` разрыва, и каждый следующий час даёт меньше предыдущего
    (``saturation_hours`` — $h_s$, часов в неделю, после которых закрыто 63 % достижимого).
    Обе величины — допущения руководителя, не измерения.
    """
    gap = numbers(gap_rub, "gap_rub")
    h = numbers(hours, "hours")
    if (gap < 0).any() or (h < 0).any():
        raise MetricError("Разрыв и часы не могут быть отрицательными.")
    share(capture, "capture")
    positive(saturation_hours, "saturation_hours")
    return gap * capture * (1 - np.exp(-h / saturation_hours))


def allocate_hours(gap_rub: pd.Series, total_hours: float, capture: float, saturation_hours: float,
                   step: float = 0.5) -> pd.Series:
    """Часы коучинга в неделю по людям: жадно, шагами ``step``, туда, где следующий шаг даёт больше рублей.

    Для вогнутой отдачи :func:`coaching_value` жадное распределение оптимально.
    Возвращает Series часов в неделю с тем же индексом, что ``gap_rub``.
    """
    if not isinstance(gap_rub, pd.Series) or gap_rub.empty:
        raise MetricError("gap_rub: нужен непустой столбец разрывов по людям (Series).")
    total = positive(total_hours, "total_hours", allow_zero=True)
    positive(step, "step")
    gap = gap_rub.astype(float)
    hours = pd.Series(0.0, index=gap.index)
    for _ in range(int(round(total / step))):
        gain = coaching_value(gap, hours + step, capture, saturation_hours) - coaching_value(gap, hours, capture, saturation_hours)
        hours.iloc[int(np.argmax(gain))] += step
    return hours.rename("hours_per_week")


# ---------------------------------------------------------------------------
# Разбор сделок
# ---------------------------------------------------------------------------


def review_queue(opportunities: pd.DataFrame, stages: pd.DataFrame, as_of, stuck_ratio: float = 2.0) -> pd.DataFrame:
    """Открытые на ``as_of`` сделки с возрастом стадии и пробелами MEDDIC.

    Столбцы: ``owner_id``, ``segment``, ``stage``, ``amount_rub``, ``days_in_stage``,
    ``median_days`` (медиана дней в этой стадии у сделок сегмента, уже вышедших из неё, —
    ``cycle.stage_conversion``), ``age_ratio``, ``stuck`` (возраст стадии больше
    ``stuck_ratio`` медиан), ``meddic_score`` и ``weakest_letter`` (``meddic.score`` и
    ``meddic.gaps`` раздела 3.1). Сортировка — застрявшие и крупные сверху.
    """
    positive(stuck_ratio, "stuck_ratio")
    history = cycle.stage_history(stages, opportunities, as_of=as_of)
    medians = cycle.stage_conversion(history)["median_days"]
    current = history[~history["exited"]].set_index("opportunity_id")
    deals = opportunities.set_index("opportunity_id").loc[current.index]
    queue = pd.DataFrame({
        "owner_id": deals["owner_id"],
        "segment": current["segment"],
        "stage": current["stage"],
        "amount_rub": deals["amount_rub"],
        "days_in_stage": current["days_in_stage"],
    })
    queue["median_days"] = [medians.get((seg, st), np.nan) for seg, st in zip(queue["segment"], queue["stage"])]
    queue["age_ratio"] = queue["days_in_stage"] / queue["median_days"]
    queue["stuck"] = queue["age_ratio"] > stuck_ratio
    queue["meddic_score"] = meddic.score(deals)
    queue["weakest_letter"] = meddic.gaps(deals)
    return queue.sort_values(["stuck", "amount_rub"], ascending=[False, False])


# ---------------------------------------------------------------------------
# Наставники
# ---------------------------------------------------------------------------


def mentor_cost(newcomers: pd.DataFrame, mentors: pd.DataFrame, strength: Mapping[str, float] | pd.Series,
                other_team_penalty: float = 1.0) -> pd.DataFrame:
    """Матрица «стоимости» пары «новичок × наставник» для задачи о назначениях.

    Стоимость = −сила наставника (чем сильнее, тем дешевле) + ``other_team_penalty``, если
    наставник из другой команды (другой сегмент — другие сделки). ``newcomers`` и
    ``mentors`` — строки ``reps`` (нужны ``rep_id`` и ``team``), ``strength`` — сила по
    ``rep_id`` (например, сжатый win rate в долях от медианы команды).
    """
    for frame, name in ((newcomers, "newcomers"), (mentors, "mentors")):
        require_columns(frame, ["rep_id", "team"], name, non_empty=True)
    strength = pd.Series(strength, dtype=float)
    missing = [r for r in mentors["rep_id"] if r not in strength.index]
    if missing:
        raise MetricError(f"Нет силы наставников: {', '.join(missing)}.")
    positive(other_team_penalty, "other_team_penalty", allow_zero=True)
    same = newcomers["team"].to_numpy()[:, None] == mentors["team"].to_numpy()[None, :]
    cost = -strength.loc[mentors["rep_id"]].to_numpy()[None, :] + other_team_penalty * ~same
    return pd.DataFrame(cost, index=newcomers["rep_id"].to_numpy(), columns=mentors["rep_id"].to_numpy())


def assign_mentors(cost: pd.DataFrame) -> pd.Series:
    """Пары с наименьшей суммарной стоимостью (``scipy.optimize.linear_sum_assignment``).

    Каждому новичку (строке) — один наставник (столбец), у наставника не больше одного
    новичка; наставников должно быть не меньше, чем новичков.
    """
    if not isinstance(cost, pd.DataFrame) or cost.empty:
        raise MetricError("cost: нужна непустая матрица стоимостей (DataFrame новички × наставники).")
    if cost.shape[0] > cost.shape[1]:
        raise MetricError("Наставников меньше, чем новичков: каждому новичку нужен свой наставник.")
    values = numbers(cost.to_numpy(), "cost")
    rows, cols = linear_sum_assignment(values)
    return pd.Series(cost.columns[cols], index=cost.index[rows], name="mentor_id")
