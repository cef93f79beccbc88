"""Слой метрик (раздел 7.3): одно определение на метрику — функция инструментария курса.

Реестр ``REGISTRY`` — словарь «код метрики → :class:`Metric`». У каждой метрики одна функция
расчёта, которая вызывает уже существующую функцию инструментария (win rate — ``kpi.win_rate``,
ACV — ``kpi.average_acv``, цикл — ``kpi.median_cycle``, NRR — ``kpi.revenue_retention``, CAC —
``acquisition``, покрытие пайплайна — ``kpi.pipeline_coverage``), её период, база, владелец и
русское описание. Синонимы (``ALIASES``) ведут только к коду из реестра: два названия не могут
означать два разных расчёта. Таблица метрик за период — :func:`metric_table`. Проверки свежести
и качества данных, которые BI-владелец запускает перед обновлением дашборда, — :func:`quality_checks`;
выгрузка, «застрявшая» на дате, для примера — :func:`frozen_export`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from salesbook.toolkit import acquisition, kpi
from salesbook.toolkit.validation import MetricError, require_columns

__all__ = ["Metric", "REGISTRY", "ALIASES", "resolve", "compute", "metric_table", "quality_checks", "frozen_export"]


@dataclass(frozen=True)
class Metric:
    """Одна метрика слоя: код, название, единица, база, владелец, описание и функция расчёта.

    ``calc(tables, start, end)`` получает словарь таблиц компании и границы периода (даты,
    включительно) и возвращает число.
    """

    code: str
    title: str
    unit: str            # share (доля, показывается в %) | rub | days | ratio
    base: str            # какие объекты в знаменателе / в расчёте и как выбраны по датам
    owner: str           # кто отвечает за определение
    description: str
    tables: tuple[str, ...]
    calc: Callable[[Mapping[str, pd.DataFrame], object, object], float]


def _months(start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    lo, hi = acquisition.period(start, end)
    return lo.to_period("M").to_timestamp(), hi.to_period("M").to_timestamp()


def _nrr(t, start, end) -> float:
    m0, m1 = _months(start, end)
    # когорта платящих в месяце перед началом периода, MRR в последнем месяце периода
    return float(kpi.revenue_retention(t["mrr"], m0 - pd.DateOffset(months=1), m1)["nrr"])


def _cac(t, start, end) -> float:
    costs = acquisition.acquisition_costs(t["marketing_spend"], t["sm_costs"], start, end).sum()
    return acquisition.cac(costs, acquisition.new_customers(t["opportunities"], start, end))


def _coverage(t, start, end) -> float:
    # покрытие на первый день периода: открытый пайплайн / план периода
    lo, hi = acquisition.period(start, end)
    return float(kpi.pipeline_coverage(t["opportunities"], t["reps"], lo, lo, hi)["coverage"])


REGISTRY: dict[str, Metric] = {m.code: m for m in (
    Metric("win_rate", "Win rate", "share",
           "сделки B2B, закрытые (выигранные или проигранные) в периоде по дате закрытия; открытые не входят",
           "RevOps", "Доля выигранных среди закрытых в периоде сделок.",
           ("opportunities",), lambda t, s, e: kpi.win_rate(t["opportunities"], s, e)),
    Metric("average_acv", "Средний ACV выигранной сделки", "rub",
           "сделки, выигранные в периоде по дате закрытия; amount_rub — годовая стоимость",
           "RevOps", "Средняя годовая стоимость контракта выигранной сделки.",
           ("opportunities",), lambda t, s, e: kpi.average_acv(t["opportunities"], s, e)),
    Metric("median_cycle", "Медианный цикл выигранной сделки", "days",
           "сделки, выигранные в периоде по дате закрытия; дни от создания до закрытия",
           "RevOps", "Медиана дней от создания сделки до выигрыша.",
           ("opportunities",), lambda t, s, e: kpi.median_cycle(t["opportunities"], s, e)),
    Metric("nrr", "NRR", "share",
           "клиенты, платившие в месяце перед началом периода; их MRR в последнем месяце периода",
           "Финансы", "Удержание выручки с расширениями: MRR когорты в конце / в начале.",
           ("mrr",), _nrr),
    Metric("cac", "CAC (полный)", "rub",
           "затраты на привлечение B2B за период (медиа + продажи и маркетинг) / новые клиенты периода",
           "Финансы", "Полная стоимость привлечения одного нового клиента B2B.",
           ("marketing_spend", "sm_costs", "opportunities"), _cac),
    Metric("pipeline_coverage", "Покрытие пайплайна", "ratio",
           "открытый пайплайн на первый день периода / план периода (квартала — на дашборде)",
           "Руководитель продаж", "Во сколько раз открытый пайплайн больше плана, который ещё нужно выполнить.",
           ("opportunities", "reps"), _coverage),
)}

#: Синонимы: как метрику называют в разных отделах. Каждый ведёт к коду из ``REGISTRY``.
ALIASES: dict[str, str] = {
    "winrate": "win_rate", "конверсия в выигрыш": "win_rate", "close rate": "win_rate",
    "acv": "average_acv", "средний чек": "average_acv",
    "sales cycle": "median_cycle", "цикл сделки": "median_cycle",
    "net revenue retention": "nrr", "ndr": "nrr",
    "customer acquisition cost": "cac", "стоимость клиента": "cac",
    "coverage": "pipeline_coverage", "покрытие": "pipeline_coverage",
}


def resolve(name: str) -> Metric:
    """Метрика по коду или синониму (регистр не важен)."""
    if not isinstance(name, str):
        raise MetricError(f"Название метрики — строка, получено {type(name).__name__}.")
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in REGISTRY:
        raise MetricError(f"Метрики «{name}» нет в слое. Есть: {', '.join(REGISTRY)}.")
    return REGISTRY[key]


def compute(name: str, tables: Mapping[str, pd.DataFrame], start, end) -> float:
    """Значение метрики ``name`` за период — через её единственное определение в реестре."""
    metric = resolve(name)
    missing = [t for t in metric.tables if t not in tables]
    if missing:
        raise MetricError(f"Для метрики «{metric.title}» нужны таблицы: {', '.join(missing)}.")
    return float(metric.calc(tables, start, end))


def metric_table(tables: Mapping[str, pd.DataFrame], start, end, names=None) -> pd.DataFrame:
    """Таблица метрик за период: название, значение, единица, база, владелец."""
    codes = list(REGISTRY) if names is None else [resolve(n).code for n in names]
    rows = []
    for code in codes:
        m = REGISTRY[code]
        rows.append({"code": code, "title": m.title, "value": compute(code, tables, start, end),
                     "unit": m.unit, "base": m.base, "owner": m.owner})
    return pd.DataFrame(rows).set_index("code")


def quality_checks(opportunities: pd.DataFrame, as_of, stale_days: int = 7, reps: pd.DataFrame | None = None,
                   open_days: int = 90) -> pd.Series:
    """Проверки, которые BI-владелец запускает перед обновлением дашборда продаж (на дату ``as_of``).

    Свежесть и целостность: ``last_update_days`` — дней с последнего события в таблице сделок
    (создание или закрытие); ``stale`` — больше ли это ``stale_days``; ``duplicate_ids`` — повторы
    ``opportunity_id``; ``closed_without_date`` — закрытые сделки без даты закрытия;
    ``lost_without_reason`` — проигранные без причины; ``nonpositive_amount`` — сделки с суммой ≤ 0;
    ``close_before_create`` — закрыта раньше создания.

    Гигиена пайплайна (ломает покрытие и прогноз): ``open_too_long`` — открытые сделки старше
    ``open_days`` дней; ``open_owned_by_departed`` — открытые сделки AE, который к ``as_of`` уволился
    (нужна таблица ``reps``; без неё — пусто).
    """
    require_columns(opportunities, ["opportunity_id", "created_date", "close_date", "outcome", "amount_rub",
                                    "loss_reason"], "opportunities")
    cut = pd.Timestamp(as_of)
    o = opportunities
    created = pd.to_datetime(o["created_date"])
    closed = pd.to_datetime(o["close_date"])
    last = pd.concat([created, closed]).loc[lambda s: s <= cut].max()
    days = float((cut - last).days) if pd.notna(last) else np.nan
    is_open = o["outcome"].eq("open") & (created <= cut)
    departed = None
    if reps is not None:
        require_columns(reps, ["rep_id", "exit_date"], "reps")
        require_columns(o, ["owner_id"], "opportunities")
        gone = reps.loc[pd.to_datetime(reps["exit_date"]) <= cut, "rep_id"]
        departed = int((is_open & o["owner_id"].isin(gone)).sum())
    out = {
        "last_update_days": days,
        "stale": bool(days > stale_days) if pd.notna(days) else True,
        "duplicate_ids": int(o["opportunity_id"].duplicated().sum()),
        "closed_without_date": int((o["outcome"].isin(["won", "lost"]) & closed.isna()).sum()),
        "lost_without_reason": int((o["outcome"].eq("lost") & o["loss_reason"].isna()).sum()),
        "nonpositive_amount": int((o["amount_rub"] <= 0).sum()),
        "close_before_create": int((closed < created).sum()),
        "open_too_long": int((is_open & ((cut - created).dt.days > open_days)).sum()),
        "open_owned_by_departed": departed,
    }
    return pd.Series(out, dtype=object)


#: Подписи проверок :func:`quality_checks` для таблицы в тексте.
CHECK_TITLES = {
    "last_update_days": "Дней с последнего события", "stale": "Выгрузка устарела",
    "duplicate_ids": "Повторы сделок", "closed_without_date": "Закрыты без даты",
    "lost_without_reason": "Проигрыши без причины", "nonpositive_amount": "Сумма ≤ 0",
    "close_before_create": "Закрыты раньше создания", "open_too_long": "Открыты дольше 90 дней",
    "open_owned_by_departed": "Открыты у уволившегося AE",
}


def frozen_export(opportunities: pd.DataFrame, snapshot) -> pd.DataFrame:
    """Выгрузка сделок, «застрявшая» на дате ``snapshot``: какой её видел бы дашборд.

    Сделок, созданных после ``snapshot``, в ней нет; сделки, закрытые после ``snapshot``, в ней ещё
    открыты (``outcome = "open"``, без даты закрытия и причины проигрыша).
    """
    require_columns(opportunities, ["created_date", "close_date", "outcome", "loss_reason"], "opportunities")
    cut = pd.Timestamp(snapshot)
    out = opportunities[pd.to_datetime(opportunities["created_date"]) < cut].copy()
    later = pd.to_datetime(out["close_date"]) >= cut
    out.loc[later, "outcome"] = "open"
    out.loc[later, "close_date"] = pd.NaT
    out.loc[later, "loss_reason"] = None
    return out
