"""Метрики юнит-экономики, которые вызывают тетради курса.

Все функции векторные (pandas), принимают таблицы из ``salesbook.data.load`` и
проверяют вход: на пустые и неверные данные отвечают понятной ошибкой
``MetricError`` на русском, а не трассировкой из глубин pandas.

Определения и источники — в разделе 1.1.1 книги и в book/references.bib.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from salesbook.toolkit.course import PAID_CHANNELS, SEGMENTS
from salesbook.toolkit.validation import MetricError, require_columns

#: Статьи затрат отдела продаж и маркетинга, которые входят в полный CAC.
#: Затраты на удержание (customer_success) в CAC не входят: они про уже
#: привлечённых клиентов (Cowan, 2012).
ACQUISITION_DEPARTMENTS = ("sales", "marketing")
TEAM_ROLES = ("AE", "SE", "manager")   # роли, у которых в reps есть команда сегмента
SDR_ROLES = ("SDR", "BDR")             # роли, которые квалифицируют лиды в SQL
OUTBOUND_CHANNEL = "outbound"          # канал исходящих продаж
OUTBOUND_ROLES = ("BDR",)              # команда, которая существует ради исходящего канала


def period(start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Границы периода включительно: ``period("2024-01", "2024-03")`` — весь I квартал 2024."""
    try:
        lo = pd.Timestamp(start)
        hi = pd.Timestamp(end)
    except (TypeError, ValueError):
        raise MetricError(f"Не понимаю границы периода {start!r} — {end!r}; пишите '2024-01-01'.") from None
    if len(str(end)) <= 7:  # '2024-03' — до конца месяца
        hi = hi + pd.offsets.MonthEnd(0)
    if hi < lo:
        raise MetricError("Конец периода раньше начала.")
    return lo.normalize(), hi.normalize()


def in_period(dates: pd.Series, start, end) -> pd.Series:
    """Маска строк, у которых дата попадает в период (границы включительно)."""
    if isinstance(dates, pd.Series) and isinstance(dates.dtype, np.dtype) and dates.dtype.kind == "M":
        return pd.Series(_in_period_array(dates, start, end), index=dates.index, name=dates.name)
    return dates.between(*period(start, end))


def _in_period_array(dates: pd.Series, start, end) -> np.ndarray:
    """Та же маска, что :func:`in_period`, массивом numpy (без Series — для частых вызовов внутри пакета)."""
    if isinstance(dates.dtype, np.dtype) and dates.dtype.kind == "M":
        # то же, что between, но сравнения на массиве numpy: у Series.between втрое больше накладных расходов
        lo, hi = period(start, end)
        values = dates.to_numpy()
        return (values >= lo.to_datetime64()) & (values <= hi.to_datetime64())
    return in_period(dates, start, end).to_numpy()


def _is(values: pd.Series, *labels, rows: np.ndarray | None = None) -> np.ndarray:
    """Маска «значение — одна из меток» на массиве numpy: у строк pandas сравнение в разы дороже, пропуск — ложь.

    ``rows`` — только эти строки (номера по порядку): то же, что ``_is(values.iloc[rows], …)``, без
    промежуточной Series.
    """
    array = values.to_numpy() if rows is None else values.to_numpy()[rows]
    if array.dtype == object:
        try:
            mask = array == labels[0]
            for label in labels[1:]:
                mask = mask | (array == label)
            return np.asarray(mask, dtype=bool)
        except TypeError:  # pd.NA не сравнивается в True или False — это умеет isin
            pass
    return (values if rows is None else values.iloc[rows]).isin(labels).to_numpy()


def cac(costs: float, new_customers: float) -> float:
    """CAC = затраты на привлечение за период / новые клиенты за период."""
    if new_customers is None or not np.isfinite(new_customers) or new_customers <= 0:
        raise MetricError("Новых клиентов ноль: CAC не определён (делить не на что).")
    return float(costs) / float(new_customers)


# ---------------------------------------------------------------------------
# Новые клиенты
# ---------------------------------------------------------------------------


def new_customer_deals(opportunities: pd.DataFrame, leads: pd.DataFrame | None = None) -> pd.DataFrame:
    """Первая выигранная сделка каждого клиента — момент, когда он стал клиентом.

    Повторные выигрыши того же клиента — это расширение, а не новый клиент.
    Если передать ``leads``, к сделке добавится канал лида (``channel``).
    """
    require_columns(opportunities, ["opportunity_id", "account_id", "outcome", "close_date"], "opportunities")
    won = opportunities[_is(opportunities["outcome"], "won")]
    try:  # порядок тот же, что у sort_values(["close_date", "opportunity_id"]), без factorize обоих ключей
        won = won.take(np.lexsort((won["opportunity_id"].to_numpy(), won["close_date"].to_numpy())))
    except TypeError:  # пропуски или смешанные типы в opportunity_id: numpy их не сравнит
        won = won.sort_values(["close_date", "opportunity_id"])
    first = won[~won["account_id"].duplicated()].reset_index(drop=True)
    return first if leads is None else _with_channel(first, leads)


def _with_channel(first: pd.DataFrame, leads: pd.DataFrame) -> pd.DataFrame:
    """Сделки ``first`` с каналом исходного лида (``channel``) из ``leads``."""
    require_columns(leads, ["lead_id", "channel"], "leads")
    if "channel" in first.columns:  # слияние само разведёт одноимённые столбцы (channel_x, channel_y)
        return first.merge(leads[["lead_id", "channel"]], on="lead_id", how="left", validate="m:1")
    # то же, что merge(how="left", validate="m:1"), но одна хеш-таблица по lead_id и для проверки
    # уникальности, и для поиска: validate строил для проверки MultiIndex и стоил втрое дороже слияния
    keys = pd.Index(leads["lead_id"])
    if not keys.is_unique:
        raise pd.errors.MergeError("Merge keys are not unique in right dataset; not a many-to-one merge")
    position = keys.get_indexer(first["lead_id"])
    first["channel"] = leads["channel"].reset_index(drop=True).reindex(position).set_axis(first.index)
    return first


def new_customers(opportunities: pd.DataFrame, start, end, segment: str | None = None) -> int:
    """Число новых клиентов B2B, ставших клиентами в период."""
    deals = new_customer_deals(opportunities)
    mask = in_period(deals["close_date"], start, end)
    if segment is not None:
        mask &= deals["segment"] == segment
    return int(mask.sum())


# ---------------------------------------------------------------------------
# Затраты
# ---------------------------------------------------------------------------


def acquisition_costs(
    marketing_spend: pd.DataFrame,
    sm_costs: pd.DataFrame,
    start,
    end,
    business_line: str = "b2b",
) -> pd.Series:
    """Затраты на привлечение за период по статьям (полный, fully loaded CAC).

    Статьи: ``media`` — рекламные и маркетинговые бюджеты каналов (прямые затраты);
    затем из ``sm_costs`` отделов продаж и маркетинга: ``salary``, ``bonus``,
    ``payroll_tax``, ``tools``, ``overhead``, ``agency`` (косвенные). Затраты
    customer_success не входят.
    """
    require_columns(marketing_spend, ["month", "business_line", "channel", "spend_rub"], "marketing_spend")
    require_columns(sm_costs, ["month", "department", "cost_type", "amount_rub"], "sm_costs")
    media_rows = marketing_spend[
        in_period(marketing_spend["month"], start, end) & (marketing_spend["business_line"] == business_line)
    ]
    cost_rows = sm_costs[in_period(sm_costs["month"], start, end) & sm_costs["department"].isin(ACQUISITION_DEPARTMENTS)]
    if "business_line" in sm_costs.columns:
        cost_rows = cost_rows[cost_rows["business_line"] == business_line]
    parts = pd.concat(
        [
            pd.Series({"media": media_rows["spend_rub"].sum()}),
            cost_rows.groupby("cost_type")["amount_rub"].sum(),
        ]
    )
    parts.name = "amount_rub"
    return parts.astype(float)


def monthly_acquisition_costs(marketing_spend: pd.DataFrame, sm_costs: pd.DataFrame, business_line: str = "b2b") -> pd.Series:
    """Полные затраты на привлечение по месяцам (индекс — первый день месяца)."""
    media = marketing_spend[marketing_spend["business_line"] == business_line].groupby("month")["spend_rub"].sum()
    rows = sm_costs[sm_costs["department"].isin(ACQUISITION_DEPARTMENTS)]
    if "business_line" in sm_costs.columns:
        rows = rows[rows["business_line"] == business_line]
    other = rows.groupby("month")["amount_rub"].sum()
    return media.add(other, fill_value=0).rename("costs_rub")


# ---------------------------------------------------------------------------
# Каналы и воронка
# ---------------------------------------------------------------------------


def channel_funnel(
    marketing_spend: pd.DataFrame,
    leads: pd.DataFrame,
    opportunities: pd.DataFrame,
    start,
    end,
    business_line: str = "b2b",
) -> pd.DataFrame:
    """Воронка и стоимость по каналам за период.

    Столбцы: ``spend_rub``, ``leads``, ``sqls``, ``customers`` (новые клиенты,
    чья первая выигранная сделка закрыта в период, по каналу исходного лида),
    ``cpl``, ``cost_per_sql``, ``cac``. Лиды и SQL считаются по дате создания
    и дате квалификации в тот же период. Каналы без затрат (органика) остаются
    в таблице с нулевыми затратами и пустыми стоимостями.
    """
    require_columns(leads, ["lead_id", "channel", "created_date", "sql_date"], "leads")
    spend = marketing_spend[
        in_period(marketing_spend["month"], start, end) & (marketing_spend["business_line"] == business_line)
    ].groupby("channel")["spend_rub"].sum()
    # считаются только каналы: фильтровать всю таблицу лидов (все её столбцы) ради подсчёта незачем
    channel = leads["channel"]
    created, qualified = channel[in_period(leads["created_date"], start, end)], channel[in_period(leads["sql_date"], start, end)]
    lead_counts = created.groupby(created).size()
    sql_counts = qualified.groupby(qualified).size()
    # нужны только дата и канал первой сделки: сортировать и сливать остальные столбцы незачем,
    # а канал ищется только у сделок периода — поиск строки среди миллионов лидов дороже фильтра
    deals = new_customer_deals(opportunities[["opportunity_id", "account_id", "outcome", "close_date", "lead_id"]])
    deals = _with_channel(deals[in_period(deals["close_date"], start, end)], leads)
    customers = deals.groupby("channel").size()
    table = pd.DataFrame({"spend_rub": spend, "leads": lead_counts, "sqls": sql_counts, "customers": customers})
    table = table.fillna(0)
    for col in ("leads", "sqls", "customers"):
        table[col] = table[col].astype(int)
    table.index.name = "channel"
    paid = table["spend_rub"] > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        table["cpl"] = np.where(paid & (table["leads"] > 0), table["spend_rub"] / table["leads"].replace(0, np.nan), np.nan)
        table["cost_per_sql"] = np.where(paid & (table["sqls"] > 0), table["spend_rub"] / table["sqls"].replace(0, np.nan), np.nan)
        table["cac"] = np.where(paid & (table["customers"] > 0), table["spend_rub"] / table["customers"].replace(0, np.nan), np.nan)
    return table.sort_values("spend_rub", ascending=False)


def blended_and_paid_cac(funnel: pd.DataFrame, paid_channels: Iterable[str] = PAID_CHANNELS) -> dict[str, float]:
    """Смешанный и платный CAC по таблице ``channel_funnel``.

    Смешанный: все затраты / все новые клиенты (включая органику).
    Платный: затраты платных каналов / клиенты только из платных каналов.
    """
    require_columns(funnel, ["spend_rub", "customers"], "funnel")
    paid = funnel.index.isin(list(paid_channels))
    return {
        "blended": cac(funnel["spend_rub"].sum(), funnel["customers"].sum()),
        "paid": cac(funnel.loc[paid, "spend_rub"].sum(), funnel.loc[paid, "customers"].sum()),
    }


def lead_to_customer_days(opportunities: pd.DataFrame, leads: pd.DataFrame) -> pd.Series:
    """Дни от создания лида до первой выигранной сделки — по каждому новому клиенту.

    Это время, на которое затраты на привлечение опережают клиента: деньги тратятся,
    когда приходит лид, а клиентом компания становится в день первой выигранной сделки
    (``new_customer_deals``). Индекс — ``account_id``.
    """
    require_columns(leads, ["lead_id", "created_date"], "leads")
    require_columns(opportunities, ["lead_id"], "opportunities")
    deals = new_customer_deals(opportunities).merge(
        leads[["lead_id", "created_date"]].rename(columns={"created_date": "lead_date"}), on="lead_id", how="left", validate="m:1")
    if deals["lead_date"].isna().any():
        raise MetricError("У части первых сделок нет лида в leads — проверьте, что таблицы из одного набора данных.")
    days = (deals["close_date"] - deals["lead_date"]).dt.days
    if (days < 0).any():
        raise MetricError("У части клиентов сделка закрыта раньше, чем создан лид, — проверьте данные.")
    return pd.Series(days.to_numpy(), index=deals["account_id"], name="lead_to_customer_days")


def lag_months_from_days(days: float) -> int:
    """Лаг в целых месяцах для ``lagged_cac``: дни / средняя длина месяца (365,25 / 12), округлённые."""
    if days is None or not np.isfinite(days) or days < 0:
        raise MetricError("Лаг в днях должен быть неотрицательным числом.")
    return int(round(float(days) / (365.25 / 12)))


def cost_weighted_lag_days(lead_days: pd.Series, segment_of: pd.Series, segment_costs: pd.Series) -> float:
    """Лаг от лида до сделки, взвешенный по затратам: Σ доля затрат сегмента × медиана дней сегмента.

    Медиана по всем клиентам следует за сегментом, где клиентов больше всего, а лаг для CAC
    должен следовать за деньгами: затраты сдвигают на время, за которое они превращаются в
    клиентов. ``lead_days`` — дни по клиентам (``lead_to_customer_days``), ``segment_of`` —
    сегмент клиента (индекс — ``account_id``), ``segment_costs`` — затраты на привлечение по
    сегментам (например, столбец ``costs`` из ``cac_by_segment``).
    """
    medians = lead_days.groupby(segment_of.reindex(lead_days.index)).median()
    costs = segment_costs.reindex(medians.index).fillna(0.0)
    if costs.sum() <= 0:
        raise MetricError("Затраты по сегментам нулевые — не на что взвешивать лаг.")
    return float((medians * costs).sum() / costs.sum())


def lagged_cac(monthly_costs: pd.Series, monthly_customers: pd.Series, lag_months: int, freq: str = "Q") -> pd.Series:
    """CAC по кварталам (``freq="Q"``) или годам (``freq="Y"``), где затраты сдвинуты на ``lag_months`` месяцев назад.

    Клиенты периода делятся на затраты месяцев, сдвинутых на лаг: при лаге 3 и
    кварталах это ровно предыдущий квартал (как в CAC ratio у Bessemer, Botteri 2009),
    при лаге 1 — последний месяц прошлого квартала и два первых месяца своего.
    Периоды, за которые сдвинутых затрат нет за все месяцы, не выводятся.
    """
    if lag_months < 0:
        raise MetricError("Лаг не может быть отрицательным.")
    if freq not in ("Q", "Y"):
        raise MetricError("freq: 'Q' (кварталы) или 'Y' (годы).")
    months_in_period = 3 if freq == "Q" else 12
    costs = monthly_costs.sort_index()
    shifted = costs.copy()
    shifted.index = shifted.index + pd.DateOffset(months=lag_months)
    q_costs = shifted.groupby(shifted.index.to_period(freq)).sum()
    q_customers = monthly_customers.groupby(monthly_customers.index.to_period(freq)).sum()
    # периоды, за которые есть все месяцы сдвинутых затрат
    counts = shifted.groupby(shifted.index.to_period(freq)).size()
    full = counts[counts == months_in_period].index
    joined = pd.DataFrame({"costs": q_costs, "customers": q_customers}).loc[lambda d: d.index.isin(full)].dropna()
    joined = joined[joined["customers"] > 0]
    return (joined["costs"] / joined["customers"]).rename("cac")


def _team_shares(reps: pd.DataFrame, start, end) -> pd.Series:
    """Доли команд в затратах роли (индекс — роль и команда).

    Если в ``reps`` есть даты найма и ухода и оклад, вес сотрудника — оклад × дни в штате
    за период (ушедшие до периода и нанятые после него не в счёт); иначе — численность роли
    в команде.
    """
    team = reps[reps["role"].isin(TEAM_ROLES)]
    if {"hire_date", "exit_date", "base_salary_rub"} <= set(team.columns):
        lo, hi = period(start, end)
        first = pd.to_datetime(team["hire_date"]).clip(lower=lo)
        last = pd.to_datetime(team["exit_date"]).fillna(hi).clip(upper=hi)
        days = ((last - first).dt.days + 1).clip(lower=0)
        weight = (days * team["base_salary_rub"]).groupby([team["role"], team["team"]]).sum()
        if (weight.groupby(level="role").sum() > 0).all():
            return weight / weight.groupby(level="role").transform("sum")
    headcount = team.groupby(["role", "team"]).size()
    return headcount / headcount.groupby(level="role").transform("sum")


def cac_by_segment(
    marketing_spend: pd.DataFrame,
    sm_costs: pd.DataFrame,
    leads: pd.DataFrame,
    opportunities: pd.DataFrame,
    reps: pd.DataFrame,
    start,
    end,
    segments: Iterable[str] = SEGMENTS,
) -> pd.DataFrame:
    """Полный CAC по сегментам и затраты на рубль нового ACV.

    Распределение затрат (допущение, которое стоит проговаривать в отчёте):
    зарплаты AE, SE и руководителей продаж — по командам пропорционально окладам роли
    в команде за дни в штате в периоде (если в ``reps`` нет дат и окладов — численности роли
    в команде); рекламный бюджет с целевым сегментом (столбец ``segment`` в
    ``marketing_spend``) — этому сегменту, а затраты отдела маркетинга — пропорционально
    такому бюджету; оклады и премии SDR и BDR — пропорционально числу SQL сегмента, которые
    квалифицировали SDR и BDR (заполнен ``sdr_id``; SQL из пробного периода малого бизнеса
    квалифицирует продукт, и затрат SDR на них нет); всё остальное (взносы, инструменты,
    накладные, агентская комиссия, бюджет без сегмента) — пропорционально уже
    распределённым прямым затратам сегмента. Если в ``leads`` нет ``sdr_id`` или в период нет
    ни одного прямого рубля, общие затраты делятся по числу SQL сегмента. Столбцы: ``costs``,
    ``customers``, ``new_acv``, ``cac``, ``cost_per_acv_rub``.
    """
    require_columns(reps, ["rep_id", "role", "team"], "reps")
    require_columns(sm_costs, ["role"], "sm_costs")
    rows = sm_costs[in_period(sm_costs["month"], start, end) & sm_costs["department"].isin(ACQUISITION_DEPARTMENTS)]
    people = rows[rows["role"].isin(TEAM_ROLES)]
    team_share = _team_shares(reps, start, end)
    direct = people.groupby("role")["amount_rub"].sum().mul(team_share, level="role").groupby(level="team").sum()
    if "segment" in marketing_spend.columns:
        media = marketing_spend[in_period(marketing_spend["month"], start, end)
                                & (marketing_spend["business_line"] == "b2b") & marketing_spend["segment"].notna()]
        targeted = media.groupby("segment")["spend_rub"].sum()
        if targeted.sum() > 0:
            marketing_team = rows.loc[rows["department"] == "marketing", "amount_rub"].sum()
            direct = direct.add(targeted + marketing_team * targeted / targeted.sum(), fill_value=0)
    sql_leads = leads[in_period(leads["sql_date"], start, end)]
    sqls = sql_leads.groupby("segment").size()
    if "sdr_id" in leads.columns:
        worked = sql_leads[sql_leads["sdr_id"].notna()].groupby("segment").size()
        if worked.sum() > 0:
            sdr_pay = rows.loc[rows["role"].isin(SDR_ROLES), "amount_rub"].sum()
            direct = direct.add(sdr_pay * worked / worked.sum(), fill_value=0)
    shared = acquisition_costs(marketing_spend, sm_costs, start, end).sum() - direct.sum()
    if "sdr_id" in leads.columns and direct.sum() > 0:
        costs = direct + shared * direct / direct.sum()
    else:
        costs = direct.add(shared * sqls / sqls.sum(), fill_value=0)
    deals = new_customer_deals(opportunities)
    deals = deals[in_period(deals["close_date"], start, end)]
    table = pd.DataFrame({
        "costs": costs,
        "customers": deals.groupby("segment").size(),
        "new_acv": deals.groupby("segment")["amount_rub"].sum(),
    }).reindex(list(segments))
    table["cac"] = table["costs"] / table["customers"]
    table["cost_per_acv_rub"] = table["costs"] / table["new_acv"]
    table.index.name = "segment"
    return table


# ---------------------------------------------------------------------------
# Предельный (инкрементальный) CAC
# ---------------------------------------------------------------------------


def payroll_tax_split(salary: float, bonus: float, payroll_tax: float, fallback_rate: float) -> tuple[float, float]:
    """Страховые взносы за период: (с окладов, с премий).

    Взносы начисляются на премию в месяце её выплаты, поэтому взносы с премий —
    переменные затраты (растут вместе с продажами), а взносы с окладов — постоянные.
    У взносов есть предельная база, поэтому ставка — средняя за период из данных:
    ``payroll_tax / (salary + bonus)``; ``fallback_rate`` — если окладов и премий нет.
    Единственное место курса, где взносы делятся на постоянную и переменную часть.
    """
    pay = float(salary) + float(bonus)
    rate = float(payroll_tax) / pay if pay > 0 else float(fallback_rate)
    return rate * float(salary), rate * float(bonus)


def channel_incremental_cac(
    marketing_spend: pd.DataFrame,
    sm_costs: pd.DataFrame,
    leads: pd.DataFrame,
    opportunities: pd.DataFrame,
    start,
    end,
    business_line: str = "b2b",
) -> pd.DataFrame:
    """Предельный (инкрементальный) CAC каналов B2B за период.

    Предельный CAC канала = затраты, которые уходят вместе с каналом / клиенты, которые
    уходят вместе с ним. Затраты — рекламный бюджет канала за период и то, что уходит вместе
    с ним (``variable_rub``):

    - премии продавцов за новых клиентов канала и взносы с этих премий: премии — доля
      выигранного за период ACV (премии отделов продаж и маркетинга за период, кроме премий
      BDR, / весь выигранный ACV за период) × ACV первых сделок клиентов канала; взносы — по
      средней ставке периода (``payroll_tax_split``);
    - вознаграждение агентства — доля агентства в рекламном бюджете B2B за период × бюджет
      канала (агентство получает процент от медиабюджета);
    - для исходящих продаж (``outbound``) — оклады и премии BDR со взносами: эта команда
      существует ради канала и уходит вместе с ним.

    Оклады остальных продавцов и маркетологов, взносы с них, инструменты и накладные не
    входят: люди и инфраструктура остаются, если канал отключить. Клиенты — новые клиенты
    периода по каналу первого лида — верхняя граница того, что канал добавляет: часть из них
    пришла бы и без канала, поэтому предельный CAC здесь — нижняя граница. Органика в
    таблицу не входит.

    Столбцы: ``spend_rub``, ``variable_rub`` (премии, взносы, агентство, BDR), ``customers``,
    ``new_acv`` (ACV первых сделок этих клиентов), ``media_cac`` (только реклама),
    ``incremental_cac`` и ``incremental_cost_per_acv_rub`` (уходящие затраты на рубль ACV).
    """
    require_columns(sm_costs, ["month", "department", "cost_type", "role", "amount_rub"], "sm_costs")
    deals = new_customer_deals(opportunities, leads)
    deals = deals[in_period(deals["close_date"], start, end)]
    won = opportunities[(opportunities["outcome"] == "won") & in_period(opportunities["close_date"], start, end)]
    if won.empty:
        raise MetricError("В периоде нет выигранных сделок: премии не к чему привязать.")
    by_type = acquisition_costs(marketing_spend, sm_costs, start, end, business_line)
    salary, bonus, tax, media, agency = (float(by_type.get(k, 0.0)) for k in ("salary", "bonus", "payroll_tax", "media", "agency"))
    rate = tax / (salary + bonus) if salary + bonus > 0 else 0.0  # средняя ставка взносов периода
    in_range = sm_costs[in_period(sm_costs["month"], start, end) & sm_costs["role"].isin(OUTBOUND_ROLES)]
    bdr_salary = float(in_range.loc[in_range["cost_type"] == "salary", "amount_rub"].sum())
    bdr_bonus = float(in_range.loc[in_range["cost_type"] == "bonus", "amount_rub"].sum())
    _, tax_on_bonus = payroll_tax_split(salary + bdr_bonus, bonus - bdr_bonus, tax, 0.0)  # взносы с премий, кроме премий BDR
    variable_per_acv_rub = (bonus - bdr_bonus + tax_on_bonus) / float(won["amount_rub"].sum())
    agency_rate = agency / media if media > 0 else 0.0
    funnel = channel_funnel(marketing_spend, leads, opportunities, start, end, business_line)
    paid = funnel[funnel["spend_rub"] > 0]
    acv = deals.groupby("channel")["amount_rub"].sum().reindex(paid.index).fillna(0.0)
    outbound_team = pd.Series(0.0, index=paid.index)
    if OUTBOUND_CHANNEL in outbound_team.index:
        outbound_team[OUTBOUND_CHANNEL] = (bdr_salary + bdr_bonus) * (1 + rate)
    table = pd.DataFrame({
        "spend_rub": paid["spend_rub"],
        "variable_rub": acv * variable_per_acv_rub + paid["spend_rub"] * agency_rate + outbound_team,
        "customers": paid["customers"],
        "new_acv": acv,
    })
    customers = table["customers"].where(table["customers"] > 0)
    table["media_cac"] = table["spend_rub"] / customers
    table["incremental_cac"] = (table["spend_rub"] + table["variable_rub"]) / customers
    table["incremental_cost_per_acv_rub"] = (table["spend_rub"] + table["variable_rub"]) / table["new_acv"].where(table["new_acv"] > 0)
    table.index.name = "channel"
    return table.sort_values("incremental_cac", ascending=False)
