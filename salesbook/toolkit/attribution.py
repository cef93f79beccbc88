"""Атрибуция выигранных сделок маркетинговым касаниям (раздел 2.1, часть 2).

Вход всех моделей — «длинная» таблица касаний: одна строка — одно касание
пути лида до создания сделки, столбцы ``lead_id``, ``date``, ``channel``
(``touch_paths`` собирает её из ``touches``, ``leads`` и ``opportunities``).
Эвристические модели раздают каждому касанию вес, веса касаний одного
пути в сумме дают 1; вклад канала — сумма весов его касаний, умноженных на
ценность пути (1 — число сделок, ``amount_rub`` — выручка).

Почему свой код, а не библиотека: в окружении курса нет пакета атрибуции
(ChannelAttribution для Python ставится отдельно и считает марковскую модель
симуляцией, а курсу нужен точный ответ, который тесты сверяют с опубликованным
примером), а сами модели — десятки строк pandas/numpy. Марковская модель здесь
решается в замкнутой форме: вероятность поглощения в «конверсии» — решение
линейной системы (Anderl et al., 2016).
"""

from __future__ import annotations

from itertools import combinations
from math import factorial
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from salesbook.toolkit.validation import MetricError, require_columns, share

__all__ = [
    "DEFAULT_HALF_LIFE_DAYS",
    "POSITION_WEIGHTS",
    "HEURISTIC_MODELS",
    "touch_weights",
    "heuristic_credit",
    "transition_counts",
    "conversion_probability",
    "removal_effects",
    "markov_credit",
    "shapley_values",
    "shapley_credit",
    "model_shares",
    "path_strings",
    "CHANNEL_OF_MEDIUM",
    "CHANNEL_LABELS",
    "gross_profit_per_rub",
    "reallocation_effect",
    "touch_channel",
    "won_deal_paths",
    "markov_paths",
    "outcome_paths",
    "crm_channel_credit",
    "bootstrap_markov_credit",
]

#: Период полураспада модели «с затуханием во времени», дней: как было в Google Ads
#: (GOOGLE_SEARCH_ATTRIBUTION_TIME_DECAY, «half-life is 1 week»); в 2023 году Google убрал
#: правила с затуханием и позиционное из Google Ads и GA4.
DEFAULT_HALF_LIFE_DAYS = 7.0
#: Веса позиционной модели: первое касание, все средние вместе, последнее (Google Ads: 40/20/40).
POSITION_WEIGHTS = (0.4, 0.2, 0.4)
#: Эвристические модели и их русские названия.
HEURISTIC_MODELS = {
    "first": "Первое касание",
    "last": "Последнее касание",
    "last_non_direct": "Последнее непрямое",
    "linear": "Линейная",
    "time_decay": "С затуханием",
    "position": "Позиционная 40/20/40",
}

_START, _CONV, _NULL = "(start)", "(conversion)", "(null)"


def _touches(touches, name: str = "touches") -> pd.DataFrame:
    require_columns(touches, ["lead_id", "date", "channel"], name, non_empty=True)
    t = touches.copy()
    try:
        t["date"] = pd.to_datetime(t["date"])
    except (TypeError, ValueError):
        raise MetricError(f"{name}: столбец date должен содержать даты.") from None
    if t["channel"].isna().any():
        raise MetricError(f"{name}: у части касаний не указан канал (channel).")
    # Порядок касаний внутри пути: по дате, при равной дате — в порядке строк таблицы.
    t["_order"] = np.arange(len(t))
    return t.sort_values(["lead_id", "date", "_order"], kind="stable")


def touch_weights(touches: pd.DataFrame, model: str, half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
                  position_weights=POSITION_WEIGHTS, direct: str = "direct", end_dates: pd.Series | None = None) -> pd.Series:
    """Вес каждого касания в пути его лида по эвристической модели (веса пути в сумме — 1).

    ``model``: ``first`` — всё первому касанию; ``last`` — всё последнему;
    ``last_non_direct`` — последнему касанию не из канала ``direct`` (прямой заход
    обычно значит «вернулся по закладке», а не «канал привёл»; путь только из
    прямых заходов отдаётся последнему из них); ``linear`` — поровну;
    ``time_decay`` — вес касания пропорционален 2^(−дней до конца пути / half_life_days),
    конец пути — ``end_dates[lead_id]`` (дата создания сделки) или последнее касание;
    ``position`` — 40 % первому, 40 % последнему, 20 % поровну средним (при двух
    касаниях — по половине, при одном — всё ему).
    Возвращает ``pd.Series`` с индексом таблицы ``touches``.
    """
    if model not in HEURISTIC_MODELS:
        raise MetricError(f"Модель «{model}» неизвестна; есть: {', '.join(HEURISTIC_MODELS)}.")
    t = _touches(touches)
    g = t.groupby("lead_id", sort=False)
    pos = g.cumcount()
    n = g["channel"].transform("size")
    if model == "first":
        w = (pos == 0).astype(float)
    elif model == "last":
        w = (pos == n - 1).astype(float)
    elif model == "last_non_direct":
        non_direct = t["channel"] != direct
        has_non_direct = non_direct.groupby(t["lead_id"]).transform("any")
        candidate = np.where(has_non_direct, non_direct, True)
        last_pos = pd.Series(np.where(candidate, pos, -1), index=t.index).groupby(t["lead_id"]).transform("max")
        w = (pos == last_pos).astype(float)
    elif model == "linear":
        w = 1.0 / n
    elif model == "time_decay":
        half = float(half_life_days)
        if not np.isfinite(half) or half <= 0:
            raise MetricError("Период полураспада должен быть положительным числом дней.")
        end = g["date"].transform("max")
        if end_dates is not None:
            mapped = t["lead_id"].map(pd.to_datetime(end_dates))
            end = mapped.fillna(end)
        days = (end - t["date"]).dt.days.clip(lower=0)
        raw = np.power(2.0, -days / half)
        w = raw / raw.groupby(t["lead_id"]).transform("sum")
    else:
        first, middle, last = (float(x) for x in position_weights)
        share([first, middle, last], "Веса позиционной модели")
        if abs(first + middle + last - 1) > 1e-9:
            raise MetricError("Веса позиционной модели должны в сумме давать 1 (например, 0,4, 0,2 и 0,4).")
        n_mid = (n - 2).clip(lower=1)
        w = np.where(pos == 0, first, np.where(pos == n - 1, last, middle / n_mid))
        w = pd.Series(w, index=t.index, dtype=float)
        # Без средних касаний их 20 % делят крайние пропорционально их весам.
        w = w.where(n != 2, np.where(pos == 0, first / (first + last), last / (first + last)))
        w = w.where(n != 1, 1.0)
    return pd.Series(np.asarray(w, dtype=float), index=t.index).reindex(touches.index)


def heuristic_credit(touches: pd.DataFrame, model: str, value: pd.Series | None = None, **kwargs) -> pd.Series:
    """Вклад каналов по эвристической модели: сумма весов касаний × ценность пути.

    ``value`` — ценность пути по ``lead_id`` (например, ``amount_rub`` выигранной
    сделки); без него каждый путь стоит 1 и вклад — число сделок. Сумма вкладов
    равна сумме ценностей путей.
    """
    w = touch_weights(touches, model, **kwargs)
    v = 1.0 if value is None else touches["lead_id"].map(value).fillna(0.0).astype(float)
    return (w * v).groupby(touches["channel"]).sum().sort_values(ascending=False)


def path_strings(touches: pd.DataFrame, sep: str = " > ") -> pd.Series:
    """Путь лида строкой: каналы касаний по порядку через « > » (индекс — ``lead_id``)."""
    t = _touches(touches)
    return t.groupby("lead_id", sort=False)["channel"].agg(sep.join)


# ---------------------------------------------------------------------------
# Марковская модель первого порядка: эффект удаления (removal effect)
# ---------------------------------------------------------------------------


def _as_paths(paths) -> list[tuple[list[str], float, float]]:
    """Пути → список (каналы, конверсий, неконверсий). Принимает таблицу path/conversions/nulls."""
    require_columns(paths, ["path", "conversions", "nulls"], "paths", non_empty=True)
    out = []
    for path, conv, null in zip(paths["path"], paths["conversions"], paths["nulls"]):
        steps = list(path) if not isinstance(path, str) else [s.strip() for s in path.split(">") if s.strip()]
        if not steps:
            raise MetricError("paths: есть пустой путь — у каждого пути должно быть хотя бы одно касание.")
        if conv < 0 or null < 0:
            raise MetricError("paths: число конверсий и неконверсий не может быть отрицательным.")
        out.append((steps, float(conv), float(null)))
    return out


def transition_counts(paths: pd.DataFrame) -> pd.DataFrame:
    """Матрица переходов (вероятности) цепи «старт → каналы → конверсия / отказ».

    ``paths`` — таблица со столбцами ``path`` (список каналов или строка «a > b»),
    ``conversions`` и ``nulls`` (сколько путей закончились сделкой и сколько — нет).
    Каждый путь даёт переходы start → c1 → … → ck → conversion (или null).
    """
    counts: dict[tuple[str, str], float] = {}
    for steps, conv, null in _as_paths(paths):
        states = [_START, *steps]
        weight = conv + null
        for a, b in zip(states[:-1], states[1:]):
            counts[(a, b)] = counts.get((a, b), 0.0) + weight
        if conv:
            counts[(steps[-1], _CONV)] = counts.get((steps[-1], _CONV), 0.0) + conv
        if null:
            counts[(steps[-1], _NULL)] = counts.get((steps[-1], _NULL), 0.0) + null
    frame = pd.Series(counts).unstack(fill_value=0.0)
    return frame.div(frame.sum(axis=1), axis=0)


def conversion_probability(transitions: pd.DataFrame, removed: Iterable[str] = ()) -> float:
    """Вероятность дойти от старта до конверсии; каналы ``removed`` ведут в отказ (null)."""
    removed = set(removed)
    states = sorted((set(transitions.index) | set(transitions.columns)) - {_CONV, _NULL})
    idx = {s: i for i, s in enumerate(states)}
    n = len(states)
    q = np.zeros((n, n))
    r = np.zeros(n)
    for a in transitions.index:
        if a in removed:
            continue  # из удалённого канала — только в отказ: строка нулей
        for b, p in transitions.loc[a].items():
            if p == 0 or b == _NULL or b in removed:
                continue
            if b == _CONV:
                r[idx[a]] += p
            else:
                q[idx[a], idx[b]] += p
    x = np.linalg.solve(np.eye(n) - q, r)
    return float(x[idx[_START]])


def removal_effects(paths: pd.DataFrame) -> pd.Series:
    """Эффект удаления каждого канала: 1 − P(конверсия без канала) / P(конверсия).

    Первая марковская модель (Anderl et al., 2016): удалённый канал отправляет
    пользователя в отказ. Эффекты не складываются в 1 — каналы перекрываются.
    """
    tm = transition_counts(paths)
    base = conversion_probability(tm)
    if base <= 0:
        raise MetricError("paths: ни один путь не закончился конверсией — делить нечего.")
    channels = sorted(set(tm.index) - {_START})
    return pd.Series({c: 1 - conversion_probability(tm, [c]) / base for c in channels}).sort_values(ascending=False)


def markov_credit(paths: pd.DataFrame, total: float | None = None) -> pd.Series:
    """Вклад каналов по марковской модели: эффекты удаления, нормированные в сумму ``total``.

    ``total`` по умолчанию — число конверсий в ``paths``; для выручки передайте сумму
    выручки выигранных сделок (так делят ценность и ChannelAttribution, и курс).
    """
    effects = removal_effects(paths)
    if total is None:
        total = float(paths["conversions"].sum())
    return (effects / effects.sum() * total).sort_values(ascending=False)


def paths_table(touches: pd.DataFrame, converted: pd.Series) -> pd.DataFrame:
    """Пути лидов для марковской модели: path, conversions, nulls (сгруппировано по одинаковым путям).

    ``converted`` — по ``lead_id``: булев признак «путь закончился выигранной сделкой»
    или вес конверсии (число > 0, например ACV сделки / средний ACV; 0 — неконверсия).
    Лиды без касаний в путях не участвуют.
    """
    frame = _lead_paths(touches, converted)
    out = frame.groupby("path").agg(conversions=("conv", "sum"), nulls=("null", "sum")).reset_index()
    return out[["path", "conversions", "nulls"]]


def _lead_paths(touches: pd.DataFrame, converted: pd.Series) -> pd.DataFrame:
    """Один путь на лид: path (кортеж каналов), conv (вес конверсии), null (1 — неконверсия)."""
    t = _touches(touches)
    paths = t.groupby("lead_id", sort=False)["channel"].agg(tuple)
    conv = paths.index.to_series().map(converted).fillna(0).astype(float)
    if (conv < 0).any():
        raise MetricError("converted: вес конверсии не может быть отрицательным.")
    return pd.DataFrame({"lead_id": paths.index, "path": paths.values, "conv": conv.values,
                         "null": (conv.values == 0).astype(float)})


# ---------------------------------------------------------------------------
# Вектор Шепли
# ---------------------------------------------------------------------------


def shapley_values(players: Iterable[str], value: Callable[[frozenset], float]) -> pd.Series:
    """Точный вектор Шепли кооперативной игры: средний предельный вклад игрока по всем порядкам.

    φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)).
    ``value`` — функция коалиции (``frozenset`` игроков → число), v(∅) берётся из неё же.
    Перебор 2^n коалиций: до 12 игроков.
    """
    players = list(dict.fromkeys(players))
    n = len(players)
    if n == 0:
        raise MetricError("Нужен хотя бы один игрок (канал).")
    if n > 12:
        raise MetricError(f"Игроков {n}: точный перебор коалиций годится до 12; объедините мелкие каналы.")
    cache: dict[frozenset, float] = {}

    def v(s: frozenset) -> float:
        if s not in cache:
            cache[s] = float(value(s))
        return cache[s]

    result = {}
    for i in players:
        others = [p for p in players if p != i]
        total = 0.0
        for k in range(n):
            weight = factorial(k) * factorial(n - k - 1) / factorial(n)
            for combo in combinations(others, k):
                s = frozenset(combo)
                total += weight * (v(s | {i}) - v(s))
        result[i] = total
    return pd.Series(result)


def shapley_credit(paths: pd.DataFrame, total: float | None = None) -> pd.Series:
    """Вклад каналов по Шепли поверх марковской цепи путей.

    Игра: ценность коалиции каналов S — вероятность дойти до конверсии, если
    оставить в цепи только каналы из S (остальные ведут в отказ), v(∅) = 0. Эффект
    удаления канала — его предельный вклад в одном порядке (он добавлен последним);
    вектор Шепли усредняет предельный вклад по всем порядкам. Игра монотонна,
    поэтому вклады неотрицательны, а их сумма — вероятность конверсии; результат
    нормируется в ``total`` (по умолчанию — число конверсий).
    """
    tm = transition_counts(paths)
    players = sorted(set(tm.index) - {_START})
    everyone = frozenset(players)

    def value(coalition: frozenset) -> float:
        return conversion_probability(tm, everyone - coalition) if coalition else 0.0

    phi = shapley_values(players, value)
    if phi.sum() <= 0:
        raise MetricError("paths: ни один путь не закончился конверсией — делить нечего.")
    if total is None:
        total = float(paths["conversions"].sum())
    return (phi / phi.sum() * total).sort_values(ascending=False)


def model_shares(credits: dict[str, pd.Series]) -> pd.DataFrame:
    """Таблица «канал × модель» в долях: каждый столбец — вклад модели, делённый на его сумму."""
    frame = pd.DataFrame(credits).fillna(0.0)
    return frame.div(frame.sum(axis=0), axis=1)


# ---------------------------------------------------------------------------
# Пути лидов компании: касания до создания сделки
# ---------------------------------------------------------------------------

#: Русские названия каналов атрибуции (для таблиц и графиков раздела).
CHANNEL_LABELS = {
    "content": "Контент", "direct": "Прямые заходы", "email": "Рассылка", "events": "Мероприятия",
    "organic": "Органика", "outbound": "Исходящие (BDR)", "partners": "Партнёры", "ppc": "Контекстная реклама",
    "social": "Соцсети", "other": "Прочее",
}

#: Канал курса по UTM-medium касания. Платные и контентные каналы совпадают с кодами
#: ``marketing_spend``; органика (поиск и ссылки), прямые заходы и клики по письмам
#: рассылки — отдельные каналы без медиабюджета.
CHANNEL_OF_MEDIUM = {
    "cpc": "ppc", "social": "social", "content": "content", "event": "events", "partner": "partners",
    "outbound": "outbound", "organic": "organic", "referral": "organic", "direct": "direct", "email": "email",
}


def touch_channel(touches: pd.DataFrame) -> pd.Series:
    """Канал курса для каждого касания по его ``medium`` (незнакомый medium — «other»)."""
    require_columns(touches, ["medium"], "touches")
    return touches["medium"].map(CHANNEL_OF_MEDIUM).fillna("other")


def won_deal_paths(touches: pd.DataFrame, leads: pd.DataFrame, opportunities: pd.DataFrame, start, end) -> tuple[pd.DataFrame, pd.Series]:
    """Касания путей выигранных сделок новых клиентов, закрытых в период [start, end].

    Путь сделки — касания её лида с датой не позже дня создания сделки (после —
    работа продавца, а не маркетинга). Возвращает (касания: lead_id, date, channel,
    source, medium, touch_type, end_date; выручка сделки ``amount_rub`` по lead_id).
    Сделки без касаний до создания в путь не попадают — их число покажет разница
    между числом сделок и путей.
    """
    from salesbook.toolkit import acquisition

    require_columns(touches, ["lead_id", "date", "medium"], "touches")
    deals = acquisition.new_customer_deals(opportunities)
    deals = deals[acquisition.in_period(pd.to_datetime(deals["close_date"]), start, end)]
    t = touches.merge(deals[["lead_id", "created_date"]].rename(columns={"created_date": "end_date"}), on="lead_id")
    t["date"] = pd.to_datetime(t["date"])
    t["end_date"] = pd.to_datetime(t["end_date"])
    t = t[t["date"] <= t["end_date"]].copy()
    t["channel"] = touch_channel(t)
    value = deals.set_index("lead_id")["amount_rub"].astype(float)
    return t.reset_index(drop=True), value


def markov_paths(touches: pd.DataFrame, leads: pd.DataFrame, opportunities: pd.DataFrame, start, end) -> pd.DataFrame:
    """Пути всех лидов, созданных в [start, end], с исходом: выигранная сделка или нет.

    Конверсия — лид стал выигранной сделкой нового клиента; неконверсия — лид
    дисквалифицирован или его сделка проиграна. Лиды с ещё открытой сделкой или
    без решения (new, mql, sql) исключены: их исход неизвестен. Путь — касания не
    позже создания сделки, у лида без сделки — все его касания до закрытия окна
    (у дисквалифицированного лида это и прогрев после заявки).
    """
    from salesbook.toolkit import acquisition

    require_columns(leads, ["lead_id", "created_date", "status"], "leads")
    scope = leads[acquisition.in_period(pd.to_datetime(leads["created_date"]), start, end)]
    opp = opportunities.set_index("lead_id")
    won_ids = set(acquisition.new_customer_deals(opportunities)["lead_id"])
    lost_ids = set(opportunities.loc[opportunities["outcome"] == "lost", "lead_id"])
    decided = scope[(scope["status"] == "disqualified") | scope["lead_id"].isin(won_ids | lost_ids)]
    t = touches[touches["lead_id"].isin(decided["lead_id"])].copy()
    t["date"] = pd.to_datetime(t["date"])
    created = pd.to_datetime(t["lead_id"].map(opp["created_date"]))
    t = t[created.isna() | (t["date"] <= created)].copy()
    t["channel"] = touch_channel(t)
    converted = pd.Series(True, index=sorted(won_ids & set(decided["lead_id"])))
    return paths_table(t, converted)


def _outcome_frame(touches, leads, opportunities, start, end, weight_by_acv: bool = True) -> pd.DataFrame:
    from salesbook.toolkit import acquisition

    require_columns(leads, ["lead_id", "created_date", "status", "opportunity_id"], "leads")
    won_t, value = won_deal_paths(touches, leads, opportunities, start, end)
    opp = opportunities[opportunities["lead_id"].notna()].drop_duplicates("lead_id").set_index("lead_id")
    lost = opportunities[(opportunities["outcome"] == "lost")
                         & acquisition.in_period(pd.to_datetime(opportunities["close_date"]), start, end)]
    dq = leads[(leads["status"] == "disqualified") & leads["opportunity_id"].isna()
               & acquisition.in_period(pd.to_datetime(leads["created_date"]), start, end)]
    null_ids = (set(lost["lead_id"].dropna()) | set(dq["lead_id"])) - set(value.index)
    t = touches[touches["lead_id"].isin(null_ids)].copy()
    t["date"] = pd.to_datetime(t["date"])
    created = pd.to_datetime(t["lead_id"].map(opp["created_date"]))
    t = t[created.isna() | (t["date"] <= created)].copy()
    t["channel"] = touch_channel(t)
    long = pd.concat([won_t[["lead_id", "date", "channel"]], t[["lead_id", "date", "channel"]]], ignore_index=True)
    weight = value / value.mean() if weight_by_acv else pd.Series(1.0, index=value.index)
    return _lead_paths(long, weight)


def outcome_paths(touches: pd.DataFrame, leads: pd.DataFrame, opportunities: pd.DataFrame, start, end,
                  weight_by_acv: bool = True) -> pd.DataFrame:
    """Пути для марковской модели на тех же сделках, что и эвристики, с весом по выручке.

    Конверсии — выигранные сделки новых клиентов, закрытые в [start, end] (пути — как в
    :func:`won_deal_paths`); вес конверсии — ACV сделки / средний ACV этих сделок, поэтому
    сделка на 2 млн ₽ весит вдесятеро больше сделки на 200 тыс. ₽, а сумма весов равна
    числу сделок. Неконверсии (вес 1) — проигранные сделки, закрытые в тот же период (касания
    до создания сделки), и лиды периода, дисквалифицированные без сделки (все их касания).
    ``weight_by_acv=False`` — каждая сделка весит 1 (марковская модель «по числу сделок»).
    """
    frame = _outcome_frame(touches, leads, opportunities, start, end, weight_by_acv)
    return frame.groupby("path").agg(conversions=("conv", "sum"), nulls=("null", "sum")).reset_index()


def bootstrap_markov_credit(touches: pd.DataFrame, leads: pd.DataFrame, opportunities: pd.DataFrame, start, end,
                            total: float, n_boot: int = 200, seed: int = 0, weight_by_acv: bool = True) -> pd.DataFrame:
    """Бутстреп марковского вклада: пути лидов выбираются с возвращением ``n_boot`` раз.

    Возвращает таблицу «повтор × канал» вкладов в рублях (каждый повтор нормирован в ``total``;
    повторы без единой сделки пропускаются);
    квантили 2,5 и 97,5 % столбца — 95-процентный интервал вклада канала.
    """
    frame = _outcome_frame(touches, leads, opportunities, start, end, weight_by_acv)
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(int(n_boot)):
        sample = frame.iloc[rng.integers(0, len(frame), len(frame))]
        if sample["conv"].sum() == 0:
            continue  # в выборке нет ни одной сделки — делить нечего (бывает только на крошечных данных)
        paths = sample.groupby("path").agg(conversions=("conv", "sum"), nulls=("null", "sum")).reset_index()
        rows.append(markov_credit(paths, total=total))
    return pd.DataFrame(rows).fillna(0.0).reset_index(drop=True)


def crm_channel_credit(leads: pd.DataFrame, value: pd.Series) -> pd.Series:
    """Выручка сделок по каналу лида в CRM (``leads.channel``) — модель «касание, после которого появился лид».

    ``value`` — выручка сделки по ``lead_id`` (как из :func:`won_deal_paths`). По этой модели
    считают CAC каналов глава 1 и раздел 6.3.
    """
    require_columns(leads, ["lead_id", "channel"], "leads")
    channel = leads.set_index("lead_id")["channel"].reindex(value.index)
    if channel.isna().any():
        raise MetricError("value: у части сделок нет лида в leads — канал неизвестен.")
    return value.astype(float).groupby(channel.values).sum().sort_values(ascending=False)


# ---------------------------------------------------------------------------
# Бюджетное решение по атрибуции
# ---------------------------------------------------------------------------


def gross_profit_per_rub(credit_rub: pd.Series, spend_rub: pd.Series, gross_margin: float) -> pd.Series:
    """Валовая прибыль первого года на рубль медиабюджета канала: вклад (ACV, ₽) × маржа / бюджет.

    ``credit_rub`` — выручка (ACV) выигранных сделок, отданная каналу моделью; ``spend_rub`` —
    медиабюджет канала за тот же период (``marketing_spend``). Считаются только каналы с
    бюджетом. Это средняя отдача рубля, а не предельная: следующий рубль канала обычно
    приносит меньше.
    """
    share(gross_margin, "Валовая маржа")
    spend = spend_rub[spend_rub > 0].astype(float)
    if spend.empty:
        raise MetricError("Бюджет каналов пуст: не на что делить.")
    credit = credit_rub.reindex(spend.index).fillna(0.0).astype(float)
    return credit * float(gross_margin) / spend


def reallocation_effect(per_rub: pd.Series, from_channel: str, to_channel: str, amount_rub: float) -> float:
    """Изменение валовой прибыли первого года, если перенести ``amount_rub`` из одного канала в другой.

    Δ = сумма × (отдача рубля в ``to_channel`` − отдача рубля в ``from_channel``); отдача — из
    :func:`gross_profit_per_rub` по выбранной модели. Линейное приближение: средняя отдача
    принята за предельную.
    """
    for c in (from_channel, to_channel):
        if c not in per_rub.index:
            raise MetricError(f"Канала «{c}» нет среди каналов с бюджетом: {', '.join(per_rub.index)}.")
    amount = float(amount_rub)
    if not np.isfinite(amount) or amount < 0:
        raise MetricError("Сумма переноса должна быть неотрицательным числом рублей.")
    return amount * float(per_rub[to_channel] - per_rub[from_channel])
