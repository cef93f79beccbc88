"""Окупаемость AR/VR-демонстраций с неопределённостью (раздел 8.3).

Модель: VR-демо добавляют к обычной демонстрации сделок mid-market и enterprise; оно
поднимает win rate этих сделок на относительную величину ``uplift`` (неизвестна — задаётся
распределением), а стоит разработки контента, шлемов, ежегодного обновления контента и
дополнительных часов пресейла (SE) на каждое демо. Базовые показатели — из функций ``kpi``
(win rate, средний ACV, медианный цикл) по сделкам, дошедшим до демо (задержка денег — медиана дней от демо до выигрыша); дисконтирование —
по ставке ``course.DISCOUNT_RATE``. Валовая прибыль выигранной сделки — ACV × валовая маржа
за первый год (как у ценности встречи в 3.3): продления не учитываем — это осторожная оценка.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.toolkit import course, experiments, kpi
from salesbook.toolkit.acquisition import in_period
from salesbook.toolkit.validation import MetricError, positive, require_columns, share

#: Сегменты, где VR-демо вообще обсуждают: длинные сделки с комитетом закупки.
DEMO_SEGMENTS = ("mid_market", "enterprise")

#: Срок программы, лет: столько служат шлемы и живёт контент без полной переделки (допущение курса).
YEARS = 3

#: Входы модели: (низ, мода, верх) треугольного распределения. Все — допущения курса,
#: порядок цен — по состоянию рынка 2025 года, по первоисточникам не сверен (см. текст раздела).
INPUT_RANGES = {
    # относительный прирост win rate сделок с VR-демо; опубликованных измерений в B2B нет,
    # лабораторные опыты мерят намерение купить, а не выигрыш сделки
    "uplift": (-0.05, 0.0, 0.10),
    # разработка интерактивной VR-сцены «виртуального центра поддержки», ₽
    "content_cost": (1_500_000, 2_500_000, 4_500_000),
    # шлемы с запасом и контроллерами на команду пресейла, ₽ за все
    "headset_cost": (300_000, 450_000, 700_000),
    # ежегодное обновление контента под новые версии продукта, доля от разработки
    "update_share": (0.15, 0.25, 0.40),
    # дополнительные часы SE на одно VR-демо (подготовка, выезд, настройка)
    "extra_hours": (1.0, 2.0, 4.0),
}

#: Русские названия входов (для таблиц и торнадо-диаграммы).
INPUT_LABELS = {
    "uplift": "Прирост win rate",
    "content_cost": "Разработка контента",
    "headset_cost": "Шлемы",
    "update_share": "Обновление контента в год",
    "extra_hours": "Часы SE на демо",
}


def demo_deals(opportunities: pd.DataFrame, stages: pd.DataFrame, start, end,
               segments=DEMO_SEGMENTS) -> pd.DataFrame:
    """Сделки сегментов ``segments``, вошедшие в стадию ``demo`` в период (по дате входа в стадию).

    Возвращает строки ``opportunities`` со столбцом ``demo_date``.
    """
    require_columns(opportunities, ["opportunity_id", "segment"], "opportunities")
    require_columns(stages, ["opportunity_id", "stage", "entered_date"], "opportunity_stages")
    demo = stages[stages["stage"].eq("demo")].groupby("opportunity_id")["entered_date"].min()
    deals = opportunities[opportunities["segment"].isin(list(segments))]
    deals = deals.assign(demo_date=deals["opportunity_id"].map(demo))
    deals = deals[deals["demo_date"].notna() & in_period(deals["demo_date"], start, end)]
    if deals.empty:
        raise MetricError("demo_deals: в периоде нет сделок этих сегментов, дошедших до демо.")
    return deals


def baseline(opportunities: pd.DataFrame, stages: pd.DataFrame, start, end,
             segments=DEMO_SEGMENTS) -> dict:
    """База модели за период: сделок с демо, их win rate, средний ACV и медиана дней от демо до выигрыша.

    Сделки — дошедшие до демо (``demo_deals``); win rate и ACV — функциями ``kpi`` по тем из них,
    что закрыты в тот же период. ``cycle_days`` — медиана дней от входа в стадию ``demo`` до закрытия
    выигранных сделок: модель отсчитывает задержку денег от демо, поэтому и цикл — от того же события
    (``kpi.median_cycle`` считает от создания сделки и завысил бы задержку).
    """
    deals = demo_deals(opportunities, stages, start, end, segments)
    won = deals[deals["outcome"].eq("won") & in_period(deals["close_date"], start, end)]
    if won.empty:
        raise MetricError("baseline: в периоде нет выигранных сделок с демо — задержку денег после демо не посчитать.")
    return {
        "deals": int(len(deals)),
        "win_rate": kpi.win_rate(deals, start, end),
        "acv": kpi.average_acv(deals, start, end),
        "cycle_days": float((won["close_date"] - won["demo_date"]).dt.days.median()),
    }


def hour_cost(loaded_pm: float, hours_per_year: float = course.WORK_HOURS_2025) -> float:
    """Полная цена часа специалиста, ₽: полная стоимость человеко-месяца (``roles.loaded_cost``) × 12 / норма часов."""
    return positive(loaded_pm, "Полная стоимость человеко-месяца") * 12 / positive(hours_per_year, "Рабочих часов в году")


def npv(uplift, deals_per_year, win_rate, acv, gross_margin, cycle_days, content_cost, headset_cost,
        update_share, extra_hours, hour_cost_rub, years: int = YEARS, rate: float = course.DISCOUNT_RATE):
    """NPV программы VR-демо, ₽ (массивы numpy допускаются в любом входе — для Монте-Карло).

    В начале: разработка контента и шлемы. В конце каждого года t = 1…years: обновление контента
    (``update_share`` × разработка, кроме последнего года) и часы SE (сделок × часы × цена часа).
    Дополнительные выигрыши года t — сделок × win rate × uplift — приносят валовую прибыль первого
    года (ACV × валовая маржа), которая приходит на медианный цикл позже: дисконт (1 + r)^(t + цикл/365).
    """
    share(win_rate, "win rate")
    share(gross_margin, "Валовая маржа")
    rate = share(rate, "Ставка дисконтирования", upper_open=True)
    if int(years) < 1:
        raise MetricError("npv: срок программы — хотя бы один год.")
    if np.any(np.asarray(win_rate) * (1 + np.asarray(uplift, dtype=float)) > 1):
        raise MetricError("npv: win rate с приростом больше 100 % — проверьте, что прирост задан долей (0,1), а не процентами (10).")
    deals = np.asarray(deals_per_year, dtype=float)
    gain = deals * np.asarray(win_rate) * np.asarray(uplift, dtype=float) * np.asarray(acv) * np.asarray(gross_margin)
    se_cost = deals * np.asarray(extra_hours, dtype=float) * np.asarray(hour_cost_rub, dtype=float)
    update = np.asarray(update_share, dtype=float) * np.asarray(content_cost, dtype=float)
    delay = np.asarray(cycle_days, dtype=float) / 365
    value = -np.asarray(content_cost, dtype=float) - np.asarray(headset_cost, dtype=float)
    for t in range(1, int(years) + 1):
        value = value + gain / (1 + rate) ** (t + delay) - se_cost / (1 + rate) ** t
        if t < years:
            value = value - update / (1 + rate) ** t
    return float(value) if np.ndim(value) == 0 else value


def breakeven_uplift(**inputs) -> float:
    """Прирост win rate, при котором NPV = 0 (остальные входы — как в ``npv``).

    NPV линеен по приросту, поэтому ответ точный: −NPV(0) / наклон, наклон — по шагу в 1 п. п.
    """
    inputs = {k: v for k, v in inputs.items() if k != "uplift"}
    step = 0.01
    at0 = npv(0.0, **inputs)
    slope = (npv(step, **inputs) - at0) / step
    if slope <= 0:
        raise MetricError("breakeven_uplift: если сделок, win rate или ACV нет, никакой прирост не окупит затрат.")
    return float(-at0 / slope)


def mode_inputs(ranges: dict = INPUT_RANGES) -> dict:
    """Наиболее вероятные значения входов (мода треугольного распределения)."""
    return {name: float(mid) for name, (_, mid, _) in ranges.items()}


def simulate(base: dict, ranges: dict = INPUT_RANGES, n: int = 10_000, seed: int = 8_3) -> pd.DataFrame:
    """Монте-Карло: ``n`` розыгрышей неопределённых входов (треугольные распределения ``ranges``)
    при фиксированных ``base`` (сделки, win rate, ACV, маржа, цикл, цена часа). Возвращает таблицу
    розыгрышей со столбцом ``npv``; генератор numpy с фиксированным ``seed`` — результат воспроизводим.
    """
    n = int(positive(n, "Число розыгрышей"))
    rng = np.random.default_rng(seed)
    draws = pd.DataFrame({name: rng.triangular(lo, mid, hi, size=n) for name, (lo, mid, hi) in ranges.items()})
    draws["npv"] = npv(**{**base, **{c: draws[c].to_numpy() for c in ranges}})
    return draws


def loss_probability(npv_values) -> float:
    """Доля розыгрышей с отрицательным NPV — вероятность, что программа не окупится."""
    values = np.asarray(npv_values, dtype=float)
    if values.size == 0:
        raise MetricError("loss_probability: нет ни одного розыгрыша.")
    return float((values < 0).mean())


def evpi(npv_values) -> float:
    """Ценность полной информации, ₽: E[max(NPV, 0)] − max(E[NPV], 0).

    Столько в среднем стоило бы знать прирост заранее: с точным знанием запускают только
    окупающиеся варианты, без него — решают один раз по среднему.
    """
    values = np.asarray(npv_values, dtype=float)
    if values.size == 0:
        raise MetricError("evpi: нет ни одного розыгрыша.")
    return float(np.maximum(values, 0).mean() - max(values.mean(), 0.0))


def evpi_matrix(payoffs, probabilities) -> dict:
    """EVPI по таблице выигрышей (строки — решения, столбцы — состояния мира) и вероятностям состояний.

    Возвращает ``emv`` — ожидаемый выигрыш каждого решения, ``best_emv`` — лучший из них,
    ``ev_with_pi`` — ожидаемый выигрыш при полной информации (в каждом состоянии — лучшее решение)
    и ``evpi`` = ``ev_with_pi`` − ``best_emv``. ``evpi`` по розыгрышам NPV — частный случай:
    два решения (запустить — NPV, не запускать — 0) и равновероятные розыгрыши.
    """
    table = np.asarray(payoffs, dtype=float)
    p = np.asarray(probabilities, dtype=float)
    if table.ndim != 2 or table.shape[1] != p.size:
        raise MetricError("evpi_matrix: столбцов таблицы выигрышей должно быть столько же, сколько вероятностей состояний.")
    if np.any(p < 0) or not np.isclose(p.sum(), 1):
        raise MetricError("evpi_matrix: вероятности состояний неотрицательны и в сумме дают 1.")
    emv = table @ p
    ev_with_pi = float(table.max(axis=0) @ p)
    return {"emv": emv, "best_emv": float(emv.max()), "ev_with_pi": ev_with_pi, "evpi": ev_with_pi - float(emv.max())}


def tornado(base: dict, ranges: dict = INPUT_RANGES, labels: dict = INPUT_LABELS) -> pd.DataFrame:
    """Чувствительность NPV: каждый вход по очереди — на нижнем и верхнем краю диапазона, остальные — на моде.

    Столбцы как у ``planning.tornado`` (их рисует ``plotting.tornado_chart``): ``base_value`` — NPV
    на модах, ``value_worse`` / ``value_better`` — худший и лучший NPV из двух краёв, ``swing`` — размах;
    строки упорядочены по размаху, индекс — русские названия входов.
    """
    modes = mode_inputs(ranges)
    at_mode = npv(**{**base, **modes})
    rows = {}
    for name, (lo, _, hi) in ranges.items():
        ends = [npv(**{**base, **modes, name: v}) for v in (lo, hi)]
        rows[labels.get(name, name)] = {"base_value": at_mode, "value_worse": min(ends),
                                        "value_better": max(ends), "swing": max(ends) - min(ends)}
    return pd.DataFrame(rows).T.sort_values("swing", ascending=False)


def pilot_deals_needed(win_rate: float, uplift: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """Сколько сделок с демо нужно в КАЖДОЙ группе пилота (с VR и без), чтобы заметить относительный
    прирост win rate ``uplift`` z-тестом двух долей — ``experiments.sample_size_h`` из раздела 10.2."""
    p0 = share(win_rate, "win rate", lower_open=True, upper_open=True)
    p1 = share(p0 * (1 + float(uplift)), "win rate с приростом", lower_open=True, upper_open=True)
    return experiments.sample_size_h(p0, p1, alpha=alpha, power=power)


#: Решения по программе VR-демо.
DECISIONS = ("roll_out", "pilot", "drop")
DECISION_LABELS = {"roll_out": "запуск", "pilot": "пилот", "drop": "отказ"}

#: Порог вероятности убытка, ниже которого программу запускают без пилота (допущение курса:
#: руководитель готов к одному убыточному исходу из пяти).
MAX_LOSS_PROBABILITY = 0.2


def decide(mean_npv: float, p_loss: float, evpi_rub: float, pilot_cost: float,
           pilot_deals_per_group: float, deals_needed_per_group: float) -> str:
    """Правило раздела: ``roll_out`` — средний NPV > 0 и вероятность убытка ≤ ``MAX_LOSS_PROBABILITY``;
    ``pilot`` — ценность полной информации больше цены пилота И пилот способен заметить
    прирост (сделок в группе не меньше нужного); иначе ``drop``.
    """
    p_loss = share(p_loss, "Вероятность убытка")
    if mean_npv > 0 and p_loss <= MAX_LOSS_PROBABILITY:
        return "roll_out"
    if evpi_rub > positive(pilot_cost, "Цена пилота") and pilot_deals_per_group >= deals_needed_per_group:
        return "pilot"
    return "drop"


def breakeven_grid(base: dict, inputs: dict, deals_grid, acv_grid) -> pd.DataFrame:
    """Прирост win rate, при котором программа окупается, для сетки «сделок с демо в год × ACV».

    Строки — число сделок, столбцы — ACV, ₽; остальные входы — ``base`` и ``inputs``.
    """
    rows = {}
    for deals in deals_grid:
        rows[int(deals)] = {float(acv): breakeven_uplift(**{**base, **inputs, "deals_per_year": deals, "acv": acv})
                            for acv in acv_grid}
    return pd.DataFrame(rows).T
