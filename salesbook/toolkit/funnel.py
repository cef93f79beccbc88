"""Воронка продаж как модель: этапы, их метрики, конверсии и потери (раздел 2.1).

Определения раздела:

* **когортная конверсия** — из лидов, созданных в период (когорта), какая доля дошла
  до следующего этапа *когда угодно* до конца данных; не «событий этапа в месяце»
  (календарная конверсия — :func:`calendar_conversion` — показана как частая ошибка);
* этапы B2B-воронки «Сферы Деск» (:data:`STAGES`): лид → MQL → SQL → сделка →
  коммерческое предложение → выигрыш; этапы вложены: до SQL доходит только MQL и т. д.;
* **потеря этапа в рублях** — сколько выиграли бы выбывшие на этапе, если бы дальше шли
  как прошедшие: выигранный ACV когорты × (1 / конверсия этапа − 1);
* **цена процентного пункта** — на сколько вырастет выигранный ACV когорты, если конверсия
  одного этапа вырастет на 1 п. п., а остальные не изменятся;
* NPS — доля промоутеров (9–10) минус доля критиков (0–6) среди ответивших (Reichheld, 2003).

Win rate, цикл сделки и NRR здесь не пересчитываются: их дом — :mod:`salesbook.toolkit.kpi`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.toolkit.acquisition import in_period
from salesbook.toolkit.validation import MetricError, positive, require_columns

__all__ = [
    "STAGES", "STAGE_NAMES", "TRANSITION_NAMES", "lead_stages", "cohort_funnel", "funnel_by",
    "stage_days", "calendar_conversion", "cohort_conversion", "leaks", "point_value", "fix_priority",
    "traffic_summary", "b2c_funnel", "nps", "won_within", "leak_rank_bootstrap",
]

#: Этапы B2B-воронки по порядку (столбцы :func:`lead_stages`).
STAGES = ("lead", "mql", "sql", "opportunity", "proposal", "won")
#: Русские названия этапов — для таблиц и графиков.
STAGE_NAMES = {"lead": "Лид", "mql": "MQL", "sql": "SQL", "opportunity": "Сделка",
               "proposal": "Коммерческое предложение", "won": "Выигрыш"}
#: Переходы между соседними этапами: «MQL → SQL» и т. д.
TRANSITION_NAMES = {f"{a}→{b}": f"{STAGE_NAMES[a]} → {STAGE_NAMES[b]}" for a, b in zip(STAGES, STAGES[1:])}
_PROPOSAL_OR_LATER = ("proposal", "negotiation", "closed_won")


def lead_stages(leads: pd.DataFrame, opportunities: pd.DataFrame, stages: pd.DataFrame) -> pd.DataFrame:
    """Дата, когда каждый лид дошёл до каждого этапа воронки (NaT — не дошёл), и выигранный ACV.

    Столбцы: ``lead_id``, ``channel``, ``segment``, даты ``lead``, ``mql``, ``sql``, ``opportunity``,
    ``proposal`` (вход сделки в стадию коммерческого предложения или дальше), ``won`` (дата закрытия
    выигранной сделки) и ``won_rub`` (ACV выигранной сделки, 0 — не выиграна). Сделки-допродажи
    тоже сделки: их лид прошёл ту же воронку.
    """
    require_columns(leads, ["lead_id", "created_date", "channel", "segment", "mql_date", "sql_date",
                            "opportunity_id"], "leads")
    require_columns(opportunities, ["opportunity_id", "created_date", "close_date", "outcome", "amount_rub"],
                    "opportunities")
    require_columns(stages, ["opportunity_id", "stage", "entered_date"], "opportunity_stages")
    opp = opportunities.set_index("opportunity_id")
    proposal = (stages[stages["stage"].isin(_PROPOSAL_OR_LATER)]
                .groupby("opportunity_id")["entered_date"].min())
    oid = leads["opportunity_id"]
    won = opp["outcome"].eq("won")
    out = pd.DataFrame({
        "lead_id": leads["lead_id"].to_numpy(),
        "channel": leads["channel"].to_numpy(),
        "segment": leads["segment"].to_numpy(),
        "lead": leads["created_date"].to_numpy(),
        "mql": leads["mql_date"].to_numpy(),
        "sql": leads["sql_date"].to_numpy(),
        "opportunity": oid.map(opp["created_date"]).to_numpy(),
        "proposal": oid.map(proposal).to_numpy(),
        "won": oid.map(opp["close_date"].where(won)).to_numpy(),
        "won_rub": oid.map(opp["amount_rub"].where(won)).fillna(0.0).to_numpy(dtype=float),
    })
    for col in STAGES:
        out[col] = pd.to_datetime(out[col])
    return out


def _cohort(flow: pd.DataFrame, start, end) -> pd.DataFrame:
    require_columns(flow, list(STAGES) + ["won_rub"], "lead_stages")
    cohort = flow[in_period(flow["lead"], start, end)]
    if cohort.empty:
        raise MetricError("В периоде нет лидов: когорта пуста.")
    return cohort


def cohort_funnel(flow: pd.DataFrame, start, end) -> pd.DataFrame:
    """Воронка когорты лидов, созданных в период: сколько дошло до каждого этапа.

    ``flow`` — таблица :func:`lead_stages`. Индекс — этапы :data:`STAGES`; столбцы ``count``
    (дошли до этапа когда угодно до конца данных), ``step_conversion`` (доля дошедших от
    предыдущего этапа; у лида — 1), ``from_lead`` (доля от всех лидов когорты) и ``won_rub``
    (выигранный ACV когорты — в строке ``won``, в остальных 0). Зрелость когорты —
    ответственность вызывающего: у свежих лидов сделки ещё открыты.
    """
    cohort = _cohort(flow, start, end)
    counts = pd.Series({s: int(cohort[s].notna().sum()) for s in STAGES}, name="count")
    prev = counts.shift(1).fillna(counts.iloc[0])
    table = pd.DataFrame({"count": counts,
                          "step_conversion": (counts / prev.where(prev > 0)).astype(float),
                          "from_lead": counts / counts.iloc[0]})
    table["won_rub"] = 0.0
    table.loc["won", "won_rub"] = float(cohort["won_rub"].sum())
    table.index.name = "stage"
    return table


def funnel_by(flow: pd.DataFrame, start, end, by: str = "channel") -> pd.DataFrame:
    """Число лидов когорты, дошедших до каждого этапа, по группам ``by`` (канал, сегмент).

    Столбцы — этапы :data:`STAGES` и ``won_rub``; индекс — значения ``by``.
    """
    cohort = _cohort(flow, start, end)
    if by not in cohort.columns:
        raise MetricError(f"lead_stages: нет столбца {by} для группировки.")
    table = cohort.groupby(by)[list(STAGES)].count()
    table["won_rub"] = cohort.groupby(by)["won_rub"].sum()
    return table


def stage_days(flow: pd.DataFrame, start, end) -> pd.Series:
    """Медиана дней между соседними этапами у лидов когорты, прошедших оба этапа.

    Индекс — переходы ``"lead→mql"`` … ``"proposal→won"``. Медиана, а не среднее: у сроков
    длинный правый хвост.
    """
    cohort = _cohort(flow, start, end)
    out = {}
    for a, b in zip(STAGES, STAGES[1:]):
        both = cohort[[a, b]].dropna()
        out[f"{a}→{b}"] = float((both[b] - both[a]).dt.days.median()) if len(both) else float("nan")
    return pd.Series(out, name="median_days")


def cohort_conversion(leads: pd.DataFrame, start, end, from_col: str, to_col: str) -> float:
    """Когортная конверсия: из тех, у кого ``from_col`` попал в период, доля с заполненным ``to_col``.

    Например, ``("mql_date", "sql_date")`` — доля MQL месяца, ставших SQL когда угодно потом.
    ``from_col = "created_date"`` — когорта лидов, созданных в период.
    """
    require_columns(leads, [from_col, to_col], "leads")
    base = leads[in_period(leads[from_col], start, end)]
    if base.empty:
        raise MetricError(f"В периоде нет строк с датой {from_col}: когорта пуста.")
    return float(base[to_col].notna().mean())


def calendar_conversion(leads: pd.DataFrame, start, end, from_col: str, to_col: str) -> float:
    """Календарная «конверсия»: событий ``to_col`` в периоде / событий ``from_col`` в том же периоде.

    Так считают отчёты «за месяц» — и ошибаются: в числителе другие люди, чем в знаменателе,
    поэтому «конверсия» может даже превысить 100 %. Функция нужна, чтобы показать разницу
    с :func:`cohort_conversion`.
    """
    require_columns(leads, [from_col, to_col], "leads")
    den = int(in_period(leads[from_col], start, end).sum())
    if den == 0:
        raise MetricError(f"В периоде нет событий {from_col}: знаменатель равен нулю.")
    return float(in_period(leads[to_col], start, end).sum()) / den


def _leaks_one(funnel: pd.DataFrame) -> pd.DataFrame:
    counts = funnel["count"].reindex(list(STAGES))
    won_rub = float(funnel["won_rub"].sum())
    rows = {}
    for a, b in zip(STAGES, STAGES[1:]):
        conv = counts[b] / counts[a] if counts[a] > 0 else np.nan
        lost_rub = won_rub * (1 / conv - 1) if conv and conv > 0 else 0.0
        rows[f"{a}→{b}"] = {"entered": int(counts[a]), "passed": int(counts[b]), "lost": int(counts[a] - counts[b]),
                            "lost_rub": lost_rub, "rub_per_point": won_rub * 0.01 / conv if conv and conv > 0 else 0.0}
    return pd.DataFrame(rows).T


def leaks(flow: pd.DataFrame, start, end, by: str | None = "segment") -> pd.DataFrame:
    """Потери когорты лидов, созданных в период, на каждом переходе воронки — в лидах и в рублях.

    Индекс — переходы ``"lead→mql"`` …; столбцы ``conversion``, ``lost`` (сколько выбыло) и
    ``lost_rub`` — сколько выиграли бы выбывшие, если бы дальше шли как прошедшие: выигранный
    ACV × (1 / конверсия − 1). Рубли считаются внутри групп ``by`` (по умолчанию — сегментов:
    выигрыш на лида у enterprise и SMB различается в десятки раз) и складываются; ``by=None`` —
    по всей когорте сразу. ``rub_per_point`` — прирост выигранного ACV от +1 п. п. конверсии
    перехода во всех группах: выигранный ACV × 0,01 / конверсия.
    """
    cohort = _cohort(flow, start, end)
    if by is None:
        parts = [_leaks_one(cohort_funnel(cohort, start, end))]
    else:
        if by not in cohort.columns:
            raise MetricError(f"lead_stages: нет столбца {by} для группировки.")
        parts = [_leaks_one(cohort_funnel(g, start, end)) for _, g in cohort.groupby(by)]
    table = sum(p.astype(float) for p in parts)
    out = pd.DataFrame({"conversion": table["passed"] / table["entered"], "lost": table["lost"].astype(int),
                        "lost_rub": table["lost_rub"], "rub_per_point": table["rub_per_point"]})
    out.index.name = "transition"
    return out


def leak_rank_bootstrap(flow: pd.DataFrame, start, end, n_boot: int = 200, seed: int = 2024,
                        by: str | None = "segment") -> pd.Series:
    """Насколько устойчиво место самой большой потери в рублях: бутстреп лидов когорты.

    Лиды когорты (созданные в период) выбираются с возвращением ``n_boot`` раз; в каждой
    выборке считается :func:`leaks` и переход с наибольшим ``lost_rub``. Возвращает долю
    выборок, в которых каждый переход оказался первым (индекс — переходы, сумма — 1).
    """
    cohort = _cohort(flow, start, end).reset_index(drop=True)
    positive(n_boot, "Число выборок")
    rng = np.random.default_rng(seed)
    tops = [leaks(cohort.iloc[rng.integers(0, len(cohort), len(cohort))], start, end, by)["lost_rub"].idxmax()
            for _ in range(int(n_boot))]
    keys = [f"{a}→{b}" for a, b in zip(STAGES, STAGES[1:])]
    return pd.Series(tops).value_counts(normalize=True).reindex(keys, fill_value=0.0).rename("top_share")


def won_within(flow: pd.DataFrame, start, end, horizon_days: int = 90) -> pd.Series:
    """B2B-воронка когорты с окном: сколько лидов периода выиграли сделку не позже ``horizon_days`` дней.

    То же окно, что у :func:`b2c_funnel`, чтобы линии сравнивались при одном горизонте.
    Возвращает Series: ``leads``, ``won`` (выиграли в окне), ``won_share`` и
    ``median_days_to_win`` (медиана дней от лида до выигрыша у выигравших в окне).
    """
    cohort = _cohort(flow, start, end)
    positive(horizon_days, "Окно, дней")
    days = (cohort["won"] - cohort["lead"]).dt.days
    inside = days[days <= horizon_days]
    return pd.Series({"leads": float(len(cohort)), "won": float(len(inside)),
                      "won_share": len(inside) / len(cohort),
                      "median_days_to_win": float(inside.median()) if len(inside) else float("nan")})


def point_value(flow: pd.DataFrame, start, end, by: str | None = "segment") -> pd.Series:
    """Прирост выигранного ACV когорты, ₽, от +1 п. п. конверсии каждого перехода (остальные те же).

    Выигрыш — произведение конверсий, поэтому +0,01 к конверсии ``c`` даёт множитель (c + 0,01) / c:
    процентный пункт дороже там, где конверсия ниже. Считается внутри групп ``by``, как :func:`leaks`.
    """
    return leaks(flow, start, end, by)["rub_per_point"]


def fix_priority(flow: pd.DataFrame, start, end, cost_per_point, by: str | None = "segment") -> pd.DataFrame:
    """Какой переход чинить первым: прирост выигранного ACV когорты на рубль затрат.

    ``cost_per_point`` — словарь или Series «переход → сколько стоит поднять его конверсию на
    1 п. п., ₽». Столбцы: ``rub_per_point``, ``cost_per_point``, ``return_per_rub``; строки —
    только переходы с ценой, по убыванию отдачи.
    """
    cost = pd.Series(cost_per_point, dtype=float) if not isinstance(cost_per_point, pd.Series) else cost_per_point
    value = point_value(flow, start, end, by)
    unknown = sorted(set(cost.index) - set(value.index))
    if unknown:
        raise MetricError(f"cost_per_point: неизвестные переходы {', '.join(unknown)}; "
                          f"возможные: {', '.join(value.index)}.")
    for k, v in cost.items():
        positive(v, f"Стоимость пункта «{k}»")
    table = pd.DataFrame({"rub_per_point": value.reindex(cost.index), "cost_per_point": cost})
    table["return_per_rub"] = table["rub_per_point"] / table["cost_per_point"]
    return table.sort_values("return_per_rub", ascending=False)


def traffic_summary(web_traffic: pd.DataFrame, freq: str = "Y") -> pd.DataFrame:
    """Верх воронки по периодам: визиты, вовлечённые визиты, посетители, новые, брендовый спрос.

    ``freq`` — ``"Y"`` (по годам) или ``"M"`` (по месяцам). ``users`` — сумма посетителей по
    источникам за месяцы: это «посетители-источники», а не люди (один человек из двух источников
    или в двух месяцах считается дважды). ``engagement_rate`` — вовлечённые / все визиты.
    """
    require_columns(web_traffic, ["month", "medium", "sessions", "engaged_sessions", "users", "new_users",
                                  "brand_queries"], "web_traffic", non_empty=True)
    if freq not in ("Y", "M"):
        raise MetricError("freq: 'Y' (годы) или 'M' (месяцы).")
    key = web_traffic["month"].dt.year if freq == "Y" else web_traffic["month"]
    cols = ["sessions", "engaged_sessions", "users", "new_users", "brand_queries"]
    table = web_traffic[cols].astype(float).groupby(key.to_numpy()).sum(min_count=1)
    table.index.name = "year" if freq == "Y" else "month"
    table["engagement_rate"] = table["engaged_sessions"] / table["sessions"]
    return table


def b2c_funnel(users: pd.DataFrame, purchases: pd.DataFrame, start, end, horizon_days: int = 90) -> pd.Series:
    """Воронка B2C «Сферы Планер» для когорты регистраций периода: регистрация → первая покупка → вторая.

    Покупка засчитывается, если она не позже ``horizon_days`` дней после регистрации (одинаковое
    окно для всей когорты). Возвращает Series: ``signups``, ``first_purchase``, ``second_purchase``,
    ``median_days_to_pay`` (медиана дней до первой покупки у купивших).
    """
    require_columns(users, ["user_id", "signup_date"], "b2c_users")
    require_columns(purchases, ["user_id", "date"], "b2c_purchases")
    positive(horizon_days, "Окно, дней")
    cohort = users[in_period(users["signup_date"], start, end)]
    if cohort.empty:
        raise MetricError("В периоде нет регистраций: когорта пуста.")
    p = purchases.merge(cohort[["user_id", "signup_date"]], on="user_id")
    p = p[(p["date"] - p["signup_date"]).dt.days <= horizon_days].sort_values(["user_id", "date"])
    n_buys = p.groupby("user_id").size()
    first = p.groupby("user_id").first()
    return pd.Series({
        "signups": float(len(cohort)),
        "first_purchase": float((n_buys >= 1).sum()),
        "second_purchase": float((n_buys >= 2).sum()),
        "median_days_to_pay": float((first["date"] - first["signup_date"]).dt.days.median())
        if len(first) else float("nan"),
    })


def nps(scores) -> float:
    """Net Promoter Score по оценкам 0–10: доля промоутеров (9–10) − доля критиков (0–6), в пунктах −100…100.

    Пропуски (не ответили) не считаются. Определение — Reichheld (2003).
    """
    s = pd.Series(scores, dtype="float64").dropna()
    if s.empty:
        raise MetricError("Нет ни одной оценки: NPS не определён.")
    if ((s < 0) | (s > 10)).any():
        raise MetricError("Оценки NPS — от 0 до 10.")
    return float(((s >= 9).mean() - (s <= 6).mean()) * 100)
