"""Командные модели отдела продаж: «остров», «конвейер» и «под» (раздел 4.2).

Три части:

* **очереди** — загрузка ρ, формула Эрланга C для системы M/M/c (сколько ждёт заявка,
  когда свободных людей нет) и закон Литтла L = λW; функция :func:`simulate_queue`
  проверяет формулу прямой симуляцией;
* **поток компании** — :func:`segment_flow`: лиды в месяц, конверсия лида в сделку,
  win rate, ACV и цикл по сегментам (функции ``planning``), люди по ролям и их полная
  стоимость (``sales_scripts.loaded_monthly_salary``);
* **симуляция моделей** — :func:`simulate_models`: тот же поток и те же люди, организованные
  тремя способами. Все параметры, которых нет в данных, — допущения курса в
  :data:`ASSUMPTIONS`; раздел показывает, какие из них меняют выбор модели.

Время в симуляции — рабочие дни; работа человека — доля его рабочего дня, которую он
тратит на клиентов (остальное — внутренние встречи, CRM, обучение).
"""

from __future__ import annotations

import heapq
import math
from typing import Mapping

import numpy as np
import pandas as pd

from salesbook.toolkit import course, planning, sales_scripts
from salesbook.toolkit.validation import MetricError, positive, require_columns, share

#: Зерно генератора случайных чисел курса: симуляции воспроизводимы.
SEED = 2026

#: Модели и их русские названия.
MODELS = {"island": "остров", "assembly": "конвейер", "pod": "под"}

#: Рабочих дней в месяце по официальной норме 2025 года (8-часовой день).
WORKDAYS_PER_MONTH = course.WORK_HOURS_2025 / 8 / 12

#: Допущения симуляции. Ни одно из них не измерено в данных компании: это параметры
#: модели, и раздел проверяет, какие из них меняют вывод (торнадо и сетка).
ASSUMPTIONS: dict[str, object] = {
    # Загрузка ролей сегодняшнего конвейера: из неё выводится, сколько работы требует лид
    # и сделка (учёта времени в CRM нет). Допущение курса.
    "base_utilisation": 0.8,
    # Во сколько раз больше времени тратит на ту же работу универсал, чем специалист
    # (SDR квалифицирует быстрее, AE быстрее ведёт сделку). Допущение курса; идея
    # специализации — у Росса и Тайлер, измерения выигрыша мы не нашли.
    "specialist_speed": 1.2,
    # Во сколько раз выше win rate специалиста AE, чем универсала. Допущение курса.
    "specialist_win": 1.1,
    # Доля квалифицированных лидов, которые теряются при передаче SDR → AE
    # (не дошли до встречи, потерян контекст), по сегментам. Допущение курса:
    # чем сложнее сделка, тем больше теряется на передаче.
    "handoff_loss": {"smb": 0.05, "mid_market": 0.10, "enterprise": 0.15},
    # Задержка на передаче, рабочих дней. Допущение курса.
    "handoff_delay_days": 1.0,
    # В поде передача внутри одной ячейки: доля потерь и задержки от конвейерных. Допущение.
    "pod_handoff_share": 0.3,
    # Период полураспада интереса лида, рабочих дней: за столько дней ожидания шанс
    # сделки падает вдвое. Допущение курса, по смыслу — к наблюдению HBR 2011 года
    # (заявка остывает за часы, раздел 6.1), для B2B-цикла растянутое на дни.
    "half_life_days": {"smb": 3.0, "mid_market": 10.0, "enterprise": 30.0},
}

#: Роли первого контакта (квалификация) и продажи.
FIRST_TOUCH_ROLES = ("SDR", "BDR")


# ---------------------------------------------------------------------------
# Очереди: M/M/c, Эрланг C, закон Литтла
# ---------------------------------------------------------------------------


def _servers(value, name: str = "Число людей") -> int:
    try:
        c = int(value)
    except (TypeError, ValueError):
        raise MetricError(f"{name}: нужно целое число, получено {value!r}.") from None
    if c != value or c < 1:
        raise MetricError(f"{name}: нужно целое число не меньше 1, получено {value!r}.")
    return c


def utilisation(arrival_rate, service_time, servers) -> float:
    """Загрузка ρ = λ · s / c: доля времени, которую c человек заняты работой.

    ``arrival_rate`` — заявок в единицу времени (в день, в час), ``service_time`` — работы
    на одну заявку в тех же единицах, ``servers`` — число людей.
    """
    lam = positive(arrival_rate, "Поток заявок λ", allow_zero=True)
    s = positive(service_time, "Время работы на заявку")
    return lam * s / _servers(servers)


def erlang_c(arrival_rate, service_time, servers) -> float:
    """Формула Эрланга C: вероятность, что новая заявка ждёт (все c человек заняты), M/M/c.

    При ρ ≥ 1 очередь растёт без предела — функция отвечает ошибкой.
    """
    c = _servers(servers)
    rho = utilisation(arrival_rate, service_time, c)
    if rho >= 1:
        raise MetricError(f"Загрузка ρ = {rho:.2f}".replace(".", ",") + " ≥ 1: заявок больше, чем люди успевают обработать, очередь растёт без предела.")
    a = rho * c  # предложенная нагрузка, эрланги
    term = 1.0
    total = 1.0  # a^0 / 0!
    for k in range(1, c):
        term *= a / k
        total += term
    last = term * a / c / (1 - rho)  # a^c / c! · 1 / (1 − ρ)
    return float(last / (total + last))


def mmc_metrics(arrival_rate, service_time, servers) -> dict[str, float]:
    """Показатели очереди M/M/c в установившемся режиме.

    ``rho`` — загрузка; ``p_wait`` — вероятность ждать (Эрланг C); ``p0`` — вероятность, что
    в системе никого; ``wq`` — среднее ожидание в очереди; ``w`` = ``wq`` + ``service_time``;
    ``lq`` = λ · ``wq`` и ``l`` = λ · ``w`` — по закону Литтла. Время — в единицах входа.
    """
    c = _servers(servers)
    lam = positive(arrival_rate, "Поток заявок λ")
    s = positive(service_time, "Время работы на заявку")
    p_wait = erlang_c(lam, s, c)
    rho = lam * s / c
    a = rho * c
    p0 = 1.0 / (sum(a**k / math.factorial(k) for k in range(c)) + a**c / math.factorial(c) / (1 - rho))
    wq = p_wait * s / (c * (1 - rho))
    w = wq + s
    return {"rho": rho, "p_wait": p_wait, "p0": p0, "wq": wq, "w": w, "lq": little_law(lam, wq), "l": little_law(lam, w)}


def little_law(arrival_rate, time_in_system) -> float:
    """Закон Литтла: среднее число заявок в системе L = λ · W."""
    return positive(arrival_rate, "Поток заявок λ", allow_zero=True) * positive(time_in_system, "Время в системе W", allow_zero=True)


def _fcfs_waits(arrivals: np.ndarray, work: np.ndarray, servers: int) -> np.ndarray:
    """Ожидание каждой заявки в очереди «первым пришёл — первым обслужен» с ``servers`` людьми.

    ``arrivals`` — моменты поступления (любой порядок), ``work`` — работа на заявку.
    """
    order = np.argsort(arrivals, kind="stable")
    free = [0.0] * servers  # когда освободится каждый
    heapq.heapify(free)
    waits = np.zeros(len(arrivals))
    for i in order:
        earliest = heapq.heappop(free)
        start = max(earliest, arrivals[i])
        waits[i] = start - arrivals[i]
        heapq.heappush(free, start + work[i])
    return waits


def simulate_queue(arrival_rate, service_time, servers, n: int = 200_000, warmup: int = 10_000, seed: int = SEED) -> dict[str, float]:
    """Симуляция очереди M/M/c: пуассоновский поток, экспоненциальная работа, c человек.

    Возвращает среднее ожидание ``wq``, долю ждавших ``p_wait`` и загрузку ``rho`` по
    ``n`` заявкам после ``warmup`` первых (очередь начинается пустой). Детерминирована
    при заданном ``seed``.
    """
    c = _servers(servers)
    lam = positive(arrival_rate, "Поток заявок λ")
    s = positive(service_time, "Время работы на заявку")
    rng = np.random.default_rng(seed)
    total = int(n) + int(warmup)
    arrivals = np.cumsum(rng.exponential(1 / lam, total))
    work = rng.exponential(s, total)
    waits = _fcfs_waits(arrivals, work, c)[warmup:]
    return {"wq": float(waits.mean()), "p_wait": float((waits > 0).mean()), "rho": lam * s / c}


# ---------------------------------------------------------------------------
# Поток компании по сегментам
# ---------------------------------------------------------------------------


def _allocate(total: int, weights: pd.Series) -> pd.Series:
    """Распределить ``total`` людей по сегментам пропорционально ``weights``, минимум по одному (метод Д'Ондта)."""
    seats = pd.Series(1, index=weights.index)
    for _ in range(max(total - len(weights), 0)):
        seats[(weights / (seats + 1)).idxmax()] += 1
    return seats


def segment_flow(leads: pd.DataFrame, opportunities: pd.DataFrame, reps: pd.DataFrame,
                 start=course.YEAR_2025[0], end=course.YEAR_2025[1], conversion_period=course.YEAR_2024) -> pd.DataFrame:
    """Поток лидов и сделок B2B и люди по сегментам — вход симуляции командных моделей.

    Столбцы: ``leads_per_month`` — лидов B2B в месяц за период, которых брал в работу SDR
    или BDR (``sdr_id`` заполнен; входящие и исходящие); ``lead_to_opp`` — доля таких лидов,
    ставших сделкой с новым клиентом (``planning.lead_conversion`` по когорте
    ``conversion_period``: у лидов последних месяцев сделки ещё впереди);
    ``direct_opps_per_month`` — сделки из лидов без SDR (в SMB — пробные периоды, которым
    звонит AE): лидов таких в месяц × их конверсия в сделку по той же когорте; ``win_rate``, ``acv``, ``cycle_days`` — по сделкам с
    новыми клиентами, закрытым в период (``planning.segment_productivity``);
    ``first_touch`` — SDR и BDR, работавшие на конец периода, распределённые по сегментам
    пропорционально лидам (минимум один); ``ae`` и ``se`` — AE и SE сегмента на конец
    периода; ``team_cost_month`` — полная месячная стоимость этих людей (оклад со взносами).
    """
    require_columns(leads, ["segment", "created_date", "business_line", "sdr_id"], "leads", non_empty=True)
    require_columns(reps, ["role", "team", "hire_date", "exit_date", "base_salary_rub"], "reps", non_empty=True)
    end_ts = pd.Timestamp(end)
    b2b = leads[leads["business_line"] == "b2b"]
    worked = b2b["sdr_id"].notna()
    in_period = (b2b["created_date"] >= pd.Timestamp(start)) & (b2b["created_date"] <= end_ts)
    months = len(pd.period_range(start, end, freq="M"))
    volume = b2b[in_period & worked].groupby("segment").size().reindex(course.SEGMENTS).fillna(0) / months
    other = b2b[in_period & ~worked].groupby("segment").size().reindex(course.SEGMENTS).fillna(0) / months
    conv = planning.lead_conversion(b2b[worked], opportunities, *conversion_period)["lead_to_opp"]
    conv_other = planning.lead_conversion(b2b[~worked], opportunities, *conversion_period)["lead_to_opp"]
    prod = planning.segment_productivity(opportunities, reps, start, end)
    staff = reps[(reps["hire_date"] <= end_ts) & (reps["exit_date"].isna() | (reps["exit_date"] > end_ts))]
    touch_people = staff[staff["role"].isin(FIRST_TOUCH_ROLES)]
    first_touch = _allocate(len(touch_people), volume)  # люди первого контакта — по лидам, которых они берут
    touch_cost = sales_scripts.loaded_monthly_salary(touch_people, FIRST_TOUCH_ROLES)
    rows = {}
    for seg in course.SEGMENTS:
        ae = staff[(staff["role"] == "AE") & (staff["team"] == seg)]
        se = staff[(staff["role"] == "SE") & (staff["team"] == seg)]
        if ae.empty:
            raise MetricError(f"В сегменте {seg} на конец периода нет AE — поток не на ком моделировать.")
        cost = (first_touch[seg] * touch_cost + sales_scripts.loaded_monthly_salary(ae, "AE") * len(ae)
                + (sales_scripts.loaded_monthly_salary(se, "SE") * len(se) if len(se) else 0.0))
        rows[seg] = {
            "leads_per_month": float(volume[seg]), "lead_to_opp": float(conv[seg]),
            "direct_opps_per_month": float(other[seg] * conv_other.get(seg, 0.0)),
            "win_rate": float(prod.loc[seg, "win_rate"]), "acv": float(prod.loc[seg, "acv"]),
            "cycle_days": float(prod.loc[seg, "cycle_months"] * planning.DAYS_PER_MONTH),
            "first_touch": int(first_touch[seg]), "ae": len(ae), "se": len(se), "team_cost_month": float(cost),
        }
    table = pd.DataFrame(rows).T
    for col in ("first_touch", "ae", "se"):
        table[col] = table[col].astype(int)
    table.index.name = "segment"
    return table


# ---------------------------------------------------------------------------
# Симуляция трёх моделей
# ---------------------------------------------------------------------------


def _by_segment(value, segment: str, name: str) -> float:
    if isinstance(value, Mapping):
        if segment not in value:
            raise MetricError(f"{name}: нет значения для сегмента {segment}.")
        value = value[segment]
    return float(value)


def _check_assumptions(a: Mapping, segment: str) -> dict[str, float]:
    unknown = [k for k in a if k not in ASSUMPTIONS]
    if unknown:
        raise MetricError(f"Неизвестные допущения: {', '.join(unknown)}. Возможные: {', '.join(ASSUMPTIONS)}.")
    p = {k: _by_segment(a.get(k, ASSUMPTIONS[k]), segment, k) for k in ASSUMPTIONS}
    share(p["base_utilisation"], "base_utilisation", lower_open=True, upper_open=True)
    share(p["handoff_loss"], "handoff_loss", upper_open=True)
    share(p["pod_handoff_share"], "pod_handoff_share")
    for k in ("specialist_speed", "specialist_win", "half_life_days"):
        positive(p[k], k)
    positive(p["handoff_delay_days"], "handoff_delay_days", allow_zero=True)
    return p


def _pools(people: int, groups: int) -> list[int]:
    """Разбить ``people`` человек на ``groups`` групп как можно ровнее."""
    return [people // groups + (1 if i < people % groups else 0) for i in range(groups)]


def simulate_segment(flow_row: Mapping, model: str, segment: str, assumptions: Mapping | None = None,
                     years: int = 10, seed: int = SEED) -> dict[str, float]:
    """Год работы сегмента в одной модели (среднее за ``years`` лет симуляции).

    Два потока, как в данных: лиды, которые сначала квалифицирует SDR или BDR
    (``leads_per_month``, доля ``lead_to_opp`` становится сделкой), и сделки, которые
    приходят к AE сами (``direct_opps_per_month`` — в SMB это активированные пробные
    периоды, которым звонит AE). Один и тот же поток и одни и те же случайные числа во
    всех моделях (общие случайные числа): разница результатов — от организации, а не от случая.

    * **конвейер** (``assembly``): SDR и BDR сегмента — общий пул первого контакта, AE —
      общий пул продажи; специалисты работают быстрее и AE выигрывает чаще; на передаче
      SDR → AE теряется доля ``handoff_loss`` лидов и добавляется задержка;
    * **остров** (``island``): те же люди — универсалы; каждый ведёт свои лиды и сделки от
      первого контакта до подписания, поток делится между ними поровну; без передач, но
      медленнее, и пока человек ведёт сделку, новый лид ждёт его;
    * **под** (``pod``): люди разбиты на ячейки «SDR + AE» (не больше, чем людей первого
      контакта и AE), у каждой ячейки свои клиенты; специализация как в конвейере,
      передача внутри ячейки теряет и задерживает долю ``pod_handoff_share`` от конвейерной.

    Шанс сделки падает вдвое за каждые ``half_life_days`` рабочих дней ожидания первого
    контакта и затем встречи с AE. Возвращает ``leads`` (лидов к SDR и BDR), ``direct``
    (сделок напрямую к AE), ``opps``, ``won``, ``won_acv``, ``acv``, ``cycle_days`` (средний
    цикл выигранной сделки, календарных дней), ``wait_days`` (среднее ожидание первого
    контакта человека, рабочих дней), ``utilisation`` (загрузка людей), ``cost`` (стоимость
    команды за год), ``cost_per_won``.
    """
    if model not in MODELS:
        raise MetricError(f"Модель {model!r} неизвестна. Возможные: {', '.join(MODELS)}.")
    p = _check_assumptions(assumptions or {}, segment)
    n_touch, n_ae = int(flow_row["first_touch"]), int(flow_row["ae"])
    days = years * 12 * WORKDAYS_PER_MONTH
    warm = 60.0  # рабочих дней разогрева: очередь стартует пустой
    lam = float(flow_row["leads_per_month"]) / WORKDAYS_PER_MONTH
    lam_d = float(flow_row.get("direct_opps_per_month", 0.0)) / WORKDAYS_PER_MONTH
    p_opp, p_win = float(flow_row["lead_to_opp"]), float(flow_row["win_rate"])
    if lam <= 0 and lam_d <= 0:
        raise MetricError(f"В сегменте {segment} нет ни лидов, ни сделок — моделировать нечего.")
    # Работа специалиста на лид и на сделку: такая, чтобы сегодняшний конвейер был загружен на base_utilisation.
    q_work = p["base_utilisation"] * n_touch / lam if lam > 0 else 0.0
    s_work = p["base_utilisation"] * n_ae / (lam * p_opp + lam_d)
    rng = np.random.default_rng(seed)
    n = rng.poisson(lam * (days + warm))
    n_d = rng.poisson(lam_d * (days + warm))
    total = n + n_d
    direct = np.arange(total) >= n  # первые n — лиды к SDR, остальные — сделки напрямую к AE
    arrivals = np.concatenate([rng.uniform(0, days + warm, n), rng.uniform(0, days + warm, n_d)])
    e_q, e_s = rng.exponential(1.0, total), rng.exponential(1.0, total)
    u_opp, u_hand, u_win, u_pool = (rng.uniform(size=total) for _ in range(4))
    decay = math.log(2) / p["half_life_days"]
    people = n_touch + n_ae
    live = arrivals >= warm
    wait1 = np.zeros(total)  # ожидание первого контакта
    wait2 = np.zeros(total)  # ожидание AE после передачи
    delay = 0.0

    if model == "island":
        speed = p["specialist_speed"]
        win_prob = p_win / p["specialist_win"]
        will_sell = direct | (u_opp < p_opp)  # остывший лид всё равно отнимает время на продажу
        work = speed * (np.where(direct, 0.0, q_work * e_q) + s_work * e_s * will_sell)
        owner = np.minimum((u_pool * people).astype(int), people - 1)
        for r in range(people):
            idx = np.flatnonzero(owner == r)
            wait1[idx] = _fcfs_waits(arrivals[idx], work[idx], 1)
        opp = direct | (u_opp < p_opp * np.exp(-decay * wait1))
        util_work = float(work[live].sum())
    else:
        share_ = 1.0 if model == "assembly" else p["pod_handoff_share"]
        loss, delay = p["handoff_loss"] * share_, p["handoff_delay_days"] * share_
        win_prob = p_win
        groups = 1 if model == "assembly" else max(1, min(n_touch, n_ae))
        touch_pools, ae_pools = _pools(n_touch, groups), _pools(n_ae, groups)
        group = np.minimum((u_pool * groups).astype(int), groups - 1)
        qual_work, sell_work = q_work * e_q, s_work * e_s
        opp = np.zeros(total, dtype=bool)
        for g in range(groups):
            idx = np.flatnonzero((group == g) & ~direct)
            wait1[idx] = _fcfs_waits(arrivals[idx], qual_work[idx], touch_pools[g])
            passed = (u_opp[idx] < p_opp * np.exp(-decay * wait1[idx])) & (u_hand[idx] >= loss)
            sel = idx[passed]
            dir_idx = np.flatnonzero((group == g) & direct)
            to_ae = np.concatenate([sel, dir_idx])
            ready = np.concatenate([arrivals[sel] + wait1[sel] + qual_work[sel] + delay, arrivals[dir_idx]])
            waits = _fcfs_waits(ready, sell_work[to_ae], ae_pools[g])
            wait2[sel] = waits[: len(sel)]
            wait1[dir_idx] = waits[len(sel):]  # для прямой сделки первый контакт — звонок AE
            opp[to_ae] = True
        util_work = float(qual_work[live & ~direct].sum() + sell_work[opp & live].sum())

    extra = np.where(direct, 0.0, wait2 + delay)
    won = opp & (u_win < win_prob * np.exp(-decay * (extra + np.where(direct, wait1, 0.0)))) & live
    cycle = float(flow_row["cycle_days"]) + (wait1 + extra)[won] * 7 / 5
    n_won = float(won.sum()) / years
    cost = float(flow_row["team_cost_month"]) * 12
    acv = float(flow_row["acv"])
    return {
        "leads": float((live & ~direct).sum()) / years, "direct": float((live & direct).sum()) / years,
        "opps": float((opp & live).sum()) / years, "won": n_won,
        "won_acv": n_won * acv, "acv": acv,
        "cycle_days": float(cycle.mean()) if len(cycle) else float("nan"),
        "wait_days": float(wait1[live].mean()),
        "utilisation": util_work / (people * days),
        "cost": cost, "cost_per_won": cost / n_won if n_won else float("inf"),
    }


def simulate_models(flow: pd.DataFrame, assumptions: Mapping | None = None, years: int = 10, seed: int = SEED,
                    models=tuple(MODELS), segments=None) -> pd.DataFrame:
    """Все модели × все сегменты: таблица с индексом (``model``, ``segment``) и столбцами
    :func:`simulate_segment`. Годовые величины — среднее за ``years`` лет симуляции."""
    require_columns(flow, ["leads_per_month", "lead_to_opp", "win_rate", "acv", "cycle_days", "first_touch", "ae", "team_cost_month"], "flow", non_empty=True)
    segments = list(flow.index) if segments is None else list(segments)
    rows = {(m, s): simulate_segment(flow.loc[s], m, s, assumptions, years, seed) for m in models for s in segments}
    table = pd.DataFrame(rows).T
    table.index.names = ["model", "segment"]
    return table


def gross_profit(result: pd.DataFrame, gross_margin) -> pd.Series:
    """Валовая прибыль первого года от выигранных сделок минус стоимость команды, ₽ в год.

    ``won_acv`` × валовая маржа − ``cost``: сколько модель зарабатывает сверх зарплат
    тех, кто продаёт. Сравнивать модели — по этой разнице, а не по числу сделок.
    """
    require_columns(result, ["won_acv", "cost"], "result")
    margin = share(gross_margin, "Валовая маржа")
    return (result["won_acv"] * margin - result["cost"]).rename("gross_profit")


def model_gap(flow: pd.DataFrame, segment: str, gross_margin, model: str = "assembly", against: str = "island",
              years: int = 10, seed: int = SEED, **assumptions) -> float:
    """Насколько ``model`` выгоднее ``against`` в сегменте, ₽ валовой прибыли в год.

    Допущения передаются именованными аргументами (``handoff_loss=0.2``) — так функцию
    удобно подставлять в ``planning.tornado``.
    """
    if segment not in flow.index:
        raise MetricError(f"Сегмента {segment!r} нет в таблице потока. Возможные: {', '.join(flow.index)}.")
    res = simulate_models(flow, assumptions, years, seed, models=(model, against), segments=[segment])
    gp = gross_profit(res, gross_margin)
    return float(gp.loc[(model, segment)] - gp.loc[(against, segment)])


def outbound_share(leads: pd.DataFrame, start=course.YEAR_2025[0], end=course.YEAR_2025[1]) -> pd.Series:
    """Доля исходящих (``channel == "outbound"``) среди лидов B2B, которых SDR или BDR брал в работу
    (``sdr_id`` заполнен), созданных в период, — по сегментам."""
    require_columns(leads, ["segment", "created_date", "business_line", "sdr_id", "channel"], "leads", non_empty=True)
    b2b = leads[(leads["business_line"] == "b2b") & leads["sdr_id"].notna()
                & leads["created_date"].between(pd.Timestamp(start), pd.Timestamp(end))]
    return (b2b["channel"] == "outbound").groupby(b2b["segment"]).mean().reindex(course.SEGMENTS).rename("outbound_share")


def hours_per_lead(flow_row: Mapping, base_utilisation=None) -> float:
    """Рабочих часов человека первого контакта на один лид, которые следуют из допущения о загрузке:
    загрузка × люди / лидов в рабочий день × 8 часов."""
    u = ASSUMPTIONS["base_utilisation"] if base_utilisation is None else share(base_utilisation, "base_utilisation", lower_open=True)
    lam = positive(flow_row["leads_per_month"], "Лидов в месяц") / WORKDAYS_PER_MONTH
    return float(u * flow_row["first_touch"] / lam * 8)


def gap_by_seed(flow: pd.DataFrame, gross_margin, model: str = "pod", against: str = "assembly",
                seeds=range(1, 21), years: int = 10, **assumptions) -> pd.DataFrame:
    """Выгода ``model`` над ``against`` (₽ валовой прибыли в год) по сегментам для каждого зерна.

    Таблица: строки — зёрна ``seeds``, столбцы — сегменты ``flow``. Показывает, насколько
    разница моделей зависит от случайности симуляции: среднее по зёрнам — оценка разницы,
    разброс — её шум.
    """
    seeds = list(seeds)
    if not seeds:
        raise MetricError("Нужно хотя бы одно зерно.")
    rows = {seed: {seg: model_gap(flow, seg, gross_margin, model, against, years, seed, **assumptions)
                   for seg in flow.index} for seed in seeds}
    table = pd.DataFrame(rows).T
    table.index.name = "seed"
    return table


def _first_grid_point(grid, holds) -> float:
    """Первая точка отсортированной сетки, где монотонное условие ``holds`` выполнено (делением пополам:
    каждая проверка — прогон симуляции); ``nan`` — если не выполнено и на краю сетки."""
    lo, hi = 0, len(grid) - 1
    if not holds(grid[hi]):
        return float("nan")
    if holds(grid[lo]):
        return float(grid[lo])
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if holds(grid[mid]):
            hi = mid
        else:
            lo = mid
    return float(grid[hi])


def breakeven_utilisation(flow: pd.DataFrame, segment: str, gross_margin, against: str = "pod",
                          grid=None, years: int = 10, seed: int = SEED, **assumptions) -> float:
    """Наименьшая загрузка людей сегодняшнего конвейера из сетки (по умолчанию 0,1; 0,15; …; 0,9),
    при которой конвейер уже выгоднее ``against``. ``nan`` — если не выгоднее на всей сетке.

    Выгода конвейера растёт с загрузкой (при высокой загрузке маленькие пулы пода стоят в
    очереди), поэтому точку ищем делением сетки пополам.
    """
    grid = np.round(np.arange(0.1, 0.91, 0.05), 2) if grid is None else np.sort(np.asarray(grid, dtype=float))

    def gap(u: float) -> float:
        return model_gap(flow, segment, gross_margin, "assembly", against, years, seed, **{**assumptions, "base_utilisation": float(u)})

    return _first_grid_point(grid, lambda u: gap(u) > 0)


def breakeven_handoff_loss(flow: pd.DataFrame, segment: str, gross_margin, against: str = "island",
                           grid=None, years: int = 10, seed: int = SEED, **assumptions) -> float:
    """Наименьшая доля потерь на передаче SDR → AE из сетки (по умолчанию 0; 0,01; …; 0,6), при которой
    конвейер уже не выгоднее ``against``. ``nan`` — если конвейер выгоднее на всей сетке.

    Потери меняются в обеих моделях (в поде — их доля ``pod_handoff_share``); выгода конвейера
    падает с ростом потерь, поэтому точку ищем делением сетки пополам.
    """
    grid = np.round(np.arange(0.0, 0.61, 0.01), 2) if grid is None else np.sort(np.asarray(grid, dtype=float))

    def gap(loss: float) -> float:
        return model_gap(flow, segment, gross_margin, "assembly", against, years, seed, **{**assumptions, "handoff_loss": float(loss)})

    return _first_grid_point(grid, lambda loss: gap(loss) <= 0)
