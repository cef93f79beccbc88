"""KPI отдела продаж и OKR: точные определения метрик раздела 10.1.

Каждая функция принимает таблицы из ``salesbook.data.load`` (или такие же по
столбцам), считает векторно и на неверный вход отвечает ``MetricError`` на
русском. Определения и источники — в разделе 10.1 книги:

* win rate — доля выигранных среди **закрытых** сделок (открытые не в счёт);
* ACV — средняя годовая стоимость выигранной сделки;
* длина цикла — дни от создания сделки до закрытия, медиана;
* выполнение плана — выигранный ACV / план с учётом рампа новичков;
* покрытие пайплайна — открытый пайплайн / **оставшийся** план периода;
* NRR и GRR — по когорте клиентов на начало периода (SaaS Capital);
* magic number — прирост квартальной выручки × 4 / затраты на продажи и
  маркетинг прошлого квартала (Scale Venture Partners);
* OKR — оценка ключевого результата от 0 до 1 и цели как среднего (Doerr, 2018).
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from salesbook.toolkit.acquisition import _in_period_array, _is, in_period, period
from salesbook.toolkit.course import RESPONSE_OUTCOMES, TOUCH_TYPES
from salesbook.toolkit.planning import ramp_factor
from salesbook.toolkit.validation import MetricError, require_columns


def _check_by(frame: pd.DataFrame, by, name: str) -> list[str]:
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else list(by)
    require_columns(frame, cols, name)
    return cols


def _closed_in_period(opportunities: pd.DataFrame, start, end, *labels) -> np.ndarray:
    """Номера строк (по порядку), закрытых в период с исходом из ``labels``.

    Сначала дешёвая маска дат, потом сравнение строк исхода — только у сделок периода: строки те
    же, что у маски ``outcome.isin(labels) & in_period(close_date)``.
    """
    rows = np.flatnonzero(_in_period_array(opportunities["close_date"], start, end))
    return rows[_is(opportunities["outcome"], *labels, rows=rows)]


def _ratio(num, den):
    """Деление с NaN вместо деления на ноль (для Series и чисел)."""
    if isinstance(num, pd.Series) or isinstance(den, pd.Series):
        den = pd.Series(den) if not isinstance(den, pd.Series) else den
        return num / den.where(den != 0)
    return float(num) / float(den) if den else float("nan")


# ---------------------------------------------------------------------------
# Сделки: win rate, ACV, цикл
# ---------------------------------------------------------------------------


def closed_deals(opportunities: pd.DataFrame, start, end) -> pd.DataFrame:
    """Сделки, закрытые (выигранные или проигранные) в период по дате закрытия."""
    require_columns(opportunities, ["outcome", "close_date"], "opportunities")
    return opportunities.iloc[_closed_in_period(opportunities, start, end, "won", "lost")]


def before_owner_exit(opportunities: pd.DataFrame, reps: pd.DataFrame) -> pd.DataFrame:
    """Сделки без закрытых после ухода владельца (для показателей по AE).

    В CRM сделку ушедшего AE не переназначают: она закрывается под его ``owner_id``
    уже после ``reps.exit_date``. В карточке и выполнении плана этого AE такой
    выигрыш — чужая работа, поэтому её убирают; в итогах команды и компании она остаётся.
    Открытые сделки и сделки, закрытые до ухода (или у работающих AE), сохраняются.
    """
    require_columns(opportunities, ["owner_id", "close_date"], "opportunities")
    require_columns(reps, ["rep_id", "exit_date"], "reps")
    exit_date = opportunities["owner_id"].map(reps.set_index("rep_id")["exit_date"])
    after_exit = exit_date.notna() & opportunities["close_date"].notna() & (opportunities["close_date"] > exit_date)
    return opportunities[~after_exit]


def win_rate(opportunities: pd.DataFrame, start, end, by=None):
    """Win rate = выигранные / (выигранные + проигранные) среди сделок, закрытых в период.

    Открытые сделки в знаменатель не входят: их исход ещё неизвестен. ``by`` —
    столбец группировки (``"segment"``, ``"owner_id"``): тогда вернётся Series.
    """
    cols = _check_by(opportunities, by, "opportunities")
    require_columns(opportunities, ["outcome", "close_date"], "opportunities")
    # то же, что closed_deals, но исход сравнивается с «won» один раз, а копируются только исход и
    # столбцы группировки (не тексты заметок)
    # строки периода: сначала «won», потом «lost» — только у невыигранных; исход каждой строки
    # сравнивается со строкой не больше двух раз, и признак выигрыша берётся из того же сравнения
    rows = np.flatnonzero(_in_period_array(opportunities["close_date"], start, end))
    outcome = opportunities["outcome"]
    is_won = _is(outcome, "won", rows=rows)
    lost = np.flatnonzero(~is_won)
    is_closed = is_won.copy()
    is_closed[lost] = _is(outcome, "lost", rows=rows[lost])
    closed = opportunities[list(dict.fromkeys(["outcome", *cols]))].iloc[rows[is_closed]]
    won = pd.Series(is_won[is_closed], index=closed.index, name="outcome")
    if not cols:
        if closed.empty:
            raise MetricError("В периоде нет закрытых сделок: win rate не определён.")
        return float(won.mean())
    keys = [closed[c] for c in cols]
    return won.groupby(keys[0] if len(keys) == 1 else keys).mean().rename("win_rate")


def won_deals(opportunities: pd.DataFrame, start, end) -> pd.DataFrame:
    """Выигранные сделки, закрытые в период."""
    require_columns(opportunities, ["outcome", "close_date", "amount_rub"], "opportunities")
    return opportunities.iloc[_closed_in_period(opportunities, start, end, "won")]


def average_acv(opportunities: pd.DataFrame, start, end, by=None):
    """Средний ACV выигранной сделки за период (``amount_rub`` — уже годовая стоимость)."""
    cols = _check_by(opportunities, by, "opportunities")
    require_columns(opportunities, ["outcome", "close_date", "amount_rub"], "opportunities")
    won = won_deals(opportunities[list(dict.fromkeys(["outcome", "close_date", "amount_rub", *cols]))], start, end)
    if not cols:
        if won.empty:
            raise MetricError("В периоде нет выигранных сделок: средний ACV не определён.")
        return float(won["amount_rub"].mean())
    return won.groupby(cols)["amount_rub"].mean().rename("acv_rub")


def cycle_days(opportunities: pd.DataFrame) -> pd.Series:
    """Длина цикла каждой сделки в днях: от ``created_date`` до ``close_date`` (NaN у открытых)."""
    require_columns(opportunities, ["created_date", "close_date"], "opportunities")
    days = (opportunities["close_date"] - opportunities["created_date"]).dt.days
    if (days < 0).any():
        raise MetricError("У части сделок дата закрытия раньше даты создания — проверьте данные.")
    return days.rename("cycle_days")


def median_cycle(opportunities: pd.DataFrame, start, end, by=None, outcome: str = "won"):
    """Медианная длина цикла сделок с итогом ``outcome``, закрытых в период, дней.

    Медиана, а не среднее: у цикла длинный правый хвост, и несколько затянутых
    сделок сдвигают среднее на недели.
    """
    cols = _check_by(opportunities, by, "opportunities")
    if outcome not in ("won", "lost"):
        raise MetricError("outcome: 'won' или 'lost' — у открытых сделок цикла ещё нет.")
    require_columns(opportunities, ["outcome", "created_date", "close_date"], "opportunities")
    rows = _closed_in_period(opportunities, start, end, outcome)
    deals = opportunities[list(dict.fromkeys(["created_date", "close_date", *cols]))].iloc[rows]
    days = cycle_days(deals)
    if not cols:
        if deals.empty:
            raise MetricError("В периоде нет таких закрытых сделок: цикл не определён.")
        return float(days.median())
    keys = [deals[c] for c in cols]
    return days.groupby(keys[0] if len(keys) == 1 else keys).median().rename("cycle_days")


# ---------------------------------------------------------------------------
# План и его выполнение с учётом рампа
# ---------------------------------------------------------------------------


def monthly_quota(reps: pd.DataFrame, start, end, ramp: bool = True, as_of=None) -> pd.DataFrame:
    """Помесячный план каждого AE за период (длинная таблица rep_id × month).

    Правило (его стоит записать в положение о мотивации):

    * месячный план = годовой план / 12 × доля отработанных дней месяца × фактор рампа;
    * фактор рампа в k-м месяце работы (месяц найма — первый) = min(k / ramp_months, 1);
    * после увольнения план нулевой.

    ``ramp=False`` — без рампа (только пропорционально отработанным дням).
    ``as_of`` — дата, на которую строится план: кто нанят позже, не учитывается,
    а будущие увольнения ещё неизвестны (сотрудник считается работающим).
    """
    require_columns(reps, ["rep_id", "role", "team", "hire_date", "exit_date", "annual_quota_rub", "ramp_months"], "reps")
    lo, hi = period(start, end)
    if lo.day != 1 or hi != hi + pd.offsets.MonthEnd(0):
        raise MetricError("План считается целыми месяцами: период — с 1-го числа по последний день месяца.")
    ae = reps[reps["role"].eq("AE") & reps["annual_quota_rub"].notna()].copy()
    if as_of is not None:
        cut = pd.Timestamp(as_of)
        ae = ae[ae["hire_date"] <= cut]
        ae["exit_date"] = ae["exit_date"].where(ae["exit_date"] <= cut)
    if ae.empty:
        raise MetricError("В таблице reps нет AE с планом (annual_quota_rub) на эти даты.")
    months = pd.DataFrame({"month": pd.date_range(lo, hi, freq="MS")})
    grid = ae[["rep_id", "team", "hire_date", "exit_date", "annual_quota_rub", "ramp_months"]].merge(months, how="cross")
    month_end = grid["month"] + pd.offsets.MonthEnd(0)
    first_day = np.maximum(grid["month"], grid["hire_date"])
    last_day = month_end.where(grid["exit_date"].isna() | (grid["exit_date"] > month_end), grid["exit_date"])
    worked = ((last_day - first_day).dt.days + 1).clip(lower=0)
    grid["worked_share"] = worked / month_end.dt.day
    k = (grid["month"].dt.year - grid["hire_date"].dt.year) * 12 + (grid["month"].dt.month - grid["hire_date"].dt.month) + 1
    if ramp:
        grid["ramp_factor"] = ramp_factor(k.to_numpy(), grid["ramp_months"].to_numpy(dtype=float))
    else:
        grid["ramp_factor"] = 1.0
    grid["quota_rub"] = grid["annual_quota_rub"] / 12 * grid["worked_share"] * grid["ramp_factor"]
    return grid[["rep_id", "team", "month", "worked_share", "ramp_factor", "quota_rub"]]


def quota_attainment(opportunities: pd.DataFrame, reps: pd.DataFrame, start, end, by: str = "rep_id", ramp: bool = True) -> pd.DataFrame:
    """Выполнение плана за период: выигранный ACV / план (с рампом).

    ``by="rep_id"`` — по AE, ``by="team"`` — по командам. В выигранный ACV входят
    все выигранные сделки AE (и новые клиенты, и допродажи): план у нас — по новым
    контрактам. Столбцы: ``bookings_rub``, ``quota_rub``, ``attainment`` (доля).
    """
    if by not in ("rep_id", "team"):
        raise MetricError("by: 'rep_id' (по AE) или 'team' (по командам).")
    require_columns(opportunities, ["owner_id", "outcome", "close_date", "amount_rub"], "opportunities")
    quota = monthly_quota(reps, start, end, ramp=ramp)
    won = won_deals(opportunities, start, end)
    team_of = reps.set_index("rep_id")["team"]
    won = won.assign(rep_id=won["owner_id"], team=won["owner_id"].map(team_of))
    table = pd.DataFrame({
        "bookings_rub": won.groupby(by)["amount_rub"].sum(),
        "quota_rub": quota.groupby(by)["quota_rub"].sum(),
    })
    table = table[table["quota_rub"].notna()].fillna({"bookings_rub": 0.0})
    table = table[table["quota_rub"] > 0]
    table["attainment"] = table["bookings_rub"] / table["quota_rub"]
    table.index.name = by
    return table


# ---------------------------------------------------------------------------
# Пайплайн и его покрытие
# ---------------------------------------------------------------------------


def open_pipeline(opportunities: pd.DataFrame, as_of) -> pd.DataFrame:
    """Сделки, открытые на дату ``as_of``: созданы не позже и не закрыты к этому дню.

    Состояние восстанавливается по датам, а не по текущему ``outcome``: сделка,
    выигранная через неделю после даты среза, на дату среза была открыта.
    """
    require_columns(opportunities, ["created_date", "close_date"], "opportunities")
    cut = pd.Timestamp(as_of)
    mask = (opportunities["created_date"] <= cut) & ~(opportunities["close_date"] <= cut)
    return opportunities[mask]


def pipeline_coverage(opportunities: pd.DataFrame, reps: pd.DataFrame, as_of, period_start, period_end) -> pd.Series:
    """Покрытие пайплайна на дату ``as_of`` для периода ``period_start``…``period_end``.

    покрытие = открытый пайплайн (ACV) / оставшийся план,
    оставшийся план = план периода (с рампом, по AE, известным на ``as_of``)
    − ACV, уже выигранный в периоде до ``as_of``.

    Возвращает Series: ``open_pipeline_rub``, ``period_quota_rub``, ``won_to_date_rub``,
    ``remaining_quota_rub``, ``coverage``.
    """
    cut = pd.Timestamp(as_of)
    lo, hi = period(period_start, period_end)
    if not lo <= cut <= hi:
        raise MetricError("Дата среза должна лежать внутри периода плана.")
    pipe = open_pipeline(opportunities, cut)["amount_rub"].sum()
    quota = monthly_quota(reps, lo, hi, as_of=cut)["quota_rub"].sum()
    won = won_deals(opportunities, lo, cut)["amount_rub"].sum()
    remaining = quota - won
    if remaining <= 0:
        raise MetricError("План периода уже выполнен: оставшегося плана нет, покрытие не определено.")
    return pd.Series({
        "open_pipeline_rub": float(pipe), "period_quota_rub": float(quota), "won_to_date_rub": float(won),
        "remaining_quota_rub": float(remaining), "coverage": float(pipe / remaining),
    })


# ---------------------------------------------------------------------------
# Активности SDR/BDR
# ---------------------------------------------------------------------------


def activity_funnel(activities: pd.DataFrame, start, end, leads: pd.DataFrame | None = None, by: str = "rep_id") -> pd.DataFrame:
    """Воронка активностей SDR/BDR по сотрудникам за период (по дате активности).

    Столбцы: ``calls`` (звонки), ``touches`` (звонки, письма, сообщения в мессенджерах по лидам),
    ``responses`` (разговор или ответ), ``meetings_booked``, ``meetings_held``,
    ``no_shows``, ``show_rate`` = проведённые / (проведённые + неявки),
    ``touches_per_meeting`` = касания / проведённые встречи. Если передать ``leads``,
    добавятся ``sqls`` (лиды сотрудника, ставшие SQL в период) и ``meeting_to_sql``.
    Учитываются только активности по лидам (работа с лидами до сделки).
    """
    require_columns(activities, ["rep_id", "lead_id", "date", "type", "outcome"], "activities")
    if by not in activities.columns:
        raise MetricError(f"activities: нет столбца {by}.")
    acts = activities[activities["lead_id"].notna() & in_period(activities["date"], start, end)]
    touch = acts["type"].isin(TOUCH_TYPES)
    meeting = acts["type"].eq("meeting")
    flags = pd.DataFrame({
        by: acts[by],
        "calls": acts["type"].eq("call"),
        "touches": touch,
        "responses": touch & acts["outcome"].isin(RESPONSE_OUTCOMES),
        "meetings_booked": touch & acts["outcome"].eq("meeting_booked"),
        "meetings_held": meeting & acts["outcome"].eq("held"),
        "no_shows": meeting & acts["outcome"].eq("no_show"),
    })
    table = flags.groupby(by).sum().astype(int)
    table["show_rate"] = _ratio(table["meetings_held"], table["meetings_held"] + table["no_shows"])
    table["touches_per_meeting"] = _ratio(table["touches"], table["meetings_held"])
    if leads is not None:
        require_columns(leads, ["sdr_id", "sql_date"], "leads")
        sql = leads[in_period(leads["sql_date"], start, end)].groupby("sdr_id").size()
        table["sqls"] = sql.reindex(table.index).fillna(0).astype(int)
        table["meeting_to_sql"] = _ratio(table["sqls"], table["meetings_held"])
    return table


def sdr_outcomes(opportunities: pd.DataFrame, leads: pd.DataFrame, start, end) -> pd.DataFrame:
    """Деньги из лидов каждого SDR/BDR за период.

    ``pipeline_rub`` — ACV сделок, созданных в период из лидов сотрудника;
    ``won_rub`` — ACV сделок из его лидов, выигранных в период. Индекс — ``sdr_id``.
    """
    require_columns(opportunities, ["lead_id", "created_date", "close_date", "outcome", "amount_rub"], "opportunities")
    require_columns(leads, ["lead_id", "sdr_id"], "leads")
    deals = opportunities.merge(leads[["lead_id", "sdr_id"]], on="lead_id", how="left", validate="1:1")
    created = deals[in_period(deals["created_date"], start, end)]
    won = deals[deals["outcome"].eq("won") & in_period(deals["close_date"], start, end)]
    table = pd.DataFrame({
        "pipeline_rub": created.groupby("sdr_id")["amount_rub"].sum(),
        "won_rub": won.groupby("sdr_id")["amount_rub"].sum(),
    }).fillna(0.0)
    table.index.name = "sdr_id"
    return table


def kpi_alignment(table: pd.DataFrame, outcome: str, candidates: Sequence[str]) -> pd.Series:
    """Ранговая корреляция (Спирмен) каждого KPI-кандидата с результатом ``outcome``.

    KPI, который слабо связан с результатом, поощряет активность ради активности:
    его можно «накрутить», не принося денег (Kerr, 1975).
    """
    require_columns(table, [outcome, *candidates], "table")
    if len(table) < 3:
        raise MetricError("Для корреляции нужно хотя бы три сотрудника.")
    ranks = table[[outcome, *candidates]].rank()
    return ranks[list(candidates)].corrwith(ranks[outcome]).rename("spearman")


# ---------------------------------------------------------------------------
# Удержание выручки: NRR и GRR
# ---------------------------------------------------------------------------


def revenue_retention(mrr: pd.DataFrame, start_month, end_month, accounts: pd.DataFrame | None = None, segment: str | None = None) -> pd.Series:
    """NRR и GRR когорты клиентов, платящих в ``start_month``.

    NRR = MRR этих клиентов в ``end_month`` / их MRR в ``start_month`` (новые клиенты
    не входят, ушедшие дают ноль). GRR — то же, но MRR каждого клиента в конце
    ограничен сверху его MRR в начале: расширения не засчитываются, поэтому GRR ≤ 1.
    Так определяет SaaS Capital в своих ежегодных опросах.
    """
    require_columns(mrr, ["month", "account_id", "mrr_rub"], "mrr")
    m0, m1 = pd.Timestamp(start_month), pd.Timestamp(end_month)
    if m1 <= m0:
        raise MetricError("Конечный месяц должен быть позже начального.")
    # только три нужных столбца: фильтр всей таблицы MRR копировал бы и остальные
    month, value, account = mrr["month"], mrr["mrr_rub"], mrr["account_id"]
    t0, t1 = m0, m1
    if isinstance(month.dtype, np.dtype) and month.dtype.kind == "M" and value.dtype.kind == "f":
        month, value = month.to_numpy(), value.to_numpy()  # сравнения на массивах numpy: без накладных расходов Series
        t0, t1 = m0.to_datetime64(), m1.to_datetime64()
    first = np.asarray((month == t0) & (value > 0))
    base = pd.Series(np.asarray(value[first]), index=pd.Index(account[first]), name="mrr_rub")
    if segment is not None:
        if accounts is None:
            raise MetricError("Чтобы считать по сегменту, передайте accounts.")
        require_columns(accounts, ["account_id", "segment"], "accounts")
        seg = accounts.set_index("account_id")["segment"]
        base = base[seg.reindex(base.index).eq(segment).to_numpy()]
    if base.empty or base.sum() <= 0:
        raise MetricError(f"В {m0:%Y-%m} нет платящих клиентов — когорта пуста.")
    final = np.asarray(month == t1)
    last = pd.Series(np.asarray(value[final]), index=pd.Index(account[final]), name="mrr_rub")
    end = last.reindex(base.index).fillna(0.0)
    return pd.Series({
        "start_mrr_rub": float(base.sum()), "end_mrr_rub": float(end.sum()),
        "nrr": float(end.sum() / base.sum()), "grr": float(np.minimum(end, base).sum() / base.sum()),
        "customers": int(len(base)),
    })


# ---------------------------------------------------------------------------
# Magic number
# ---------------------------------------------------------------------------


def quarterly_revenue(mrr: pd.DataFrame) -> pd.Series:
    """Выручка B2B по кварталам: сумма MRR трёх месяцев (выручка месяца = MRR месяца)."""
    require_columns(mrr, ["month", "mrr_rub"], "mrr")
    return mrr.groupby(mrr["month"].dt.to_period("Q"))["mrr_rub"].sum().rename("revenue_rub")


def quarterly_sm_expense(marketing_spend: pd.DataFrame, sm_costs: pd.DataFrame, business_line: str = "b2b") -> pd.Series:
    """Затраты на продажи и маркетинг по кварталам, как строка S&M в отчёте о прибылях.

    Медиабюджет направления + все статьи ``sm_costs`` (продажи, маркетинг и
    customer success: в magic number числитель включает расширения и отток базы,
    поэтому и затраты берутся на всю работу с выручкой).
    """
    require_columns(marketing_spend, ["month", "business_line", "spend_rub"], "marketing_spend")
    require_columns(sm_costs, ["month", "amount_rub"], "sm_costs")
    media = marketing_spend[marketing_spend["business_line"].eq(business_line)]
    media = media.groupby(media["month"].dt.to_period("Q"))["spend_rub"].sum()
    other = sm_costs.groupby(sm_costs["month"].dt.to_period("Q"))["amount_rub"].sum()
    return media.add(other, fill_value=0).rename("sm_expense_rub")


def magic_number(revenue: pd.Series, sm_expense: pd.Series) -> pd.Series:
    """Magic number по кварталам в варианте Scale Venture Partners.

    MN(Q) = (выручка Q − выручка Q−1) × 4 / затраты на S&M в Q−1.

    ``revenue`` и ``sm_expense`` — Series с квартальным индексом (``pd.Period``).
    Первый квартал ряда не определён (нет предыдущего) и в ответ не попадает.
    """
    if not isinstance(revenue.index, pd.PeriodIndex) or not isinstance(sm_expense.index, pd.PeriodIndex):
        raise MetricError("Нужны ряды с квартальным индексом (pd.Period), например из quarterly_revenue.")
    rev = revenue.sort_index()
    prev_rev = rev.shift(1, freq="Q")
    prev_sm = sm_expense.sort_index().shift(1, freq="Q")
    joined = pd.DataFrame({"rev": rev, "prev_rev": prev_rev, "prev_sm": prev_sm}).dropna()
    joined = joined[joined["prev_sm"] > 0]
    return ((joined["rev"] - joined["prev_rev"]) * 4 / joined["prev_sm"]).rename("magic_number")


# ---------------------------------------------------------------------------
# Дерево KPI
# ---------------------------------------------------------------------------


def bookings_drivers(activities: pd.DataFrame, leads: pd.DataFrame, opportunities: pd.DataFrame, start, end) -> pd.Series:
    """Цепочка от активностей до нового ACV за период (по датам событий периода).

    Значения: ``touches`` → ``meetings_held`` → ``sqls`` → ``opportunities`` (созданы)
    → ``closed`` → ``won`` → ``bookings_rub``. Отношения соседних звеньев — это
    «периодные» конверсии: произведение цепочки в точности равно новому ACV, но
    каждое звено — не когорта (лид января может стать сделкой в марте).
    ``sqls`` — все лиды, ставшие SQL в период (``leads.sql_date``), из любого
    источника: и после встреч SDR и BDR, и после активированного пробного периода,
    поэтому SQL → сделка — доля, сравнимая между годами. ``sqls`` делится без остатка:
    ``sqls_after_meeting`` — у лида была проведённая встреча SDR/BDR (в любой момент),
    ``sqls_without_meeting`` — встречи не было (SQL из активированного пробного периода).
    """
    funnel = activity_funnel(activities, start, end, leads)
    require_columns(leads, ["lead_id", "sql_date"], "leads")
    met = activities.loc[activities["lead_id"].notna() & activities["type"].eq("meeting")
                         & activities["outcome"].eq("held"), "lead_id"]
    sql_leads = leads.loc[in_period(leads["sql_date"], start, end), "lead_id"]
    after_meeting = float(sql_leads.isin(met).sum())
    closed = closed_deals(opportunities, start, end)
    won = closed[closed["outcome"].eq("won")]
    created = opportunities[in_period(opportunities["created_date"], start, end)]
    return pd.Series({
        "touches": float(funnel["touches"].sum()),
        "meetings_held": float(funnel["meetings_held"].sum()),
        "sqls": float(len(sql_leads)),
        "sqls_after_meeting": after_meeting,
        "sqls_without_meeting": float(len(sql_leads)) - after_meeting,
        "opportunities": float(len(created)),
        "closed": float(len(closed)),
        "won": float(len(won)),
        "bookings_rub": float(won["amount_rub"].sum()),
    })


# ---------------------------------------------------------------------------
# OKR
# ---------------------------------------------------------------------------


def score_key_result(actual, target, baseline=0.0):
    """Оценка ключевого результата от 0 до 1: доля пути от базы к цели.

    оценка = (факт − база) / (цель − база), обрезанная до [0, 1]. Работает и для
    целей «вниз» (цикл сделки с 60 до 45 дней): знаменатель тогда отрицательный.
    Перевыполнение даёт 1, откат ниже базы — 0. Принимает числа и массивы.
    """
    a = np.asarray(actual, dtype=float)
    t = np.asarray(target, dtype=float)
    b = np.asarray(baseline, dtype=float)
    if np.any(~np.isfinite(a)) or np.any(~np.isfinite(t)) or np.any(~np.isfinite(b)):
        raise MetricError("Факт, цель и база должны быть числами.")
    if np.any(t == b):
        raise MetricError("Цель совпадает с базой: такой ключевой результат ничего не требует — переформулируйте его.")
    score = np.clip((a - b) / (t - b), 0.0, 1.0)
    return float(score) if score.ndim == 0 else score


def score_objective(scores: Iterable[float], weights: Iterable[float] | None = None) -> float:
    """Оценка цели: среднее оценок её ключевых результатов (можно со весами)."""
    s = np.asarray(list(scores), dtype=float)
    if s.size == 0:
        raise MetricError("У цели нет ключевых результатов.")
    if np.any((s < 0) | (s > 1)) or np.any(~np.isfinite(s)):
        raise MetricError("Оценки ключевых результатов должны быть от 0 до 1.")
    if weights is None:
        return float(s.mean())
    w = np.asarray(list(weights), dtype=float)
    if w.shape != s.shape or np.any(w < 0) or w.sum() <= 0:
        raise MetricError("Веса: неотрицательные, по одному на ключевой результат, сумма больше нуля.")
    return float((s * w).sum() / w.sum())


#: Русские названия зон оценки OKR (коды возвращает ``okr_zone``).
OKR_ZONES = {"green": "зелёная", "yellow": "жёлтая", "red": "красная"}


def okr_zone(score: float) -> str:
    """Цвет оценки по шкале Google (Doerr, 2018): ≥ 0,7 — green, от 0,4 — yellow, ниже — red."""
    s = float(score)
    if not 0 <= s <= 1:
        raise MetricError("Оценка OKR — от 0 до 1.")
    return "green" if s >= 0.7 else "yellow" if s >= 0.4 else "red"


# ---------------------------------------------------------------------------
# Рисунок дерева KPI
# ---------------------------------------------------------------------------


def plot_kpi_tree(nodes: pd.DataFrame, title: str, colors: dict[str, str] | None = None, legend: dict[str, str] | None = None):
    """Нарисовать дерево KPI сверху вниз: корень — сверху, активности — внизу.

    ``nodes`` — таблица со столбцами ``id``, ``parent`` (пусто у корня), ``text``
    (подпись узла, можно в несколько строк) и ``kind`` (код для цвета рамки,
    например ``"lagging"``/``"leading"``). Порядок строк задаёт порядок детей.
    Листья раскладываются по горизонтали подряд, родитель — над серединой детей.
    Возвращает (fig, ax).
    """
    import matplotlib.pyplot as plt

    from salesbook.runtime import plotting

    require_columns(nodes, ["id", "parent", "text", "kind"], "nodes")
    if nodes["id"].duplicated().any():
        raise MetricError("Идентификаторы узлов дерева должны быть уникальными.")
    roots = nodes[nodes["parent"].isna()]
    if len(roots) != 1:
        raise MetricError("У дерева должен быть ровно один корень (узел без parent).")
    children = {i: list(g["id"]) for i, g in nodes[nodes["parent"].notna()].groupby("parent", sort=False)}
    depth: dict[str, int] = {}
    xpos: dict[str, float] = {}
    next_leaf = [0.0]

    def place(node: str, level: int) -> float:
        depth[node] = level
        kids = children.get(node, [])
        if not kids:
            xpos[node] = next_leaf[0]
            next_leaf[0] += 1
        else:
            xpos[node] = float(np.mean([place(k, level + 1) for k in kids]))
        return xpos[node]

    place(str(roots["id"].iloc[0]), 0)
    if len(xpos) != len(nodes):
        raise MetricError("Часть узлов не связана с корнем — проверьте столбец parent.")
    colors = colors or {"lagging": plotting.PALETTE[0], "leading": plotting.PALETTE[1]}
    plotting.use_style()
    n_levels = max(depth.values()) + 1
    fig, ax = plt.subplots(figsize=(1.75 * next_leaf[0] + 0.6, 0.95 * n_levels + 0.9))
    ax.set_title(title)
    ax.axis("off")
    xs = xpos
    ys = {k: -float(v) for k, v in depth.items()}
    for _, row in nodes[nodes["parent"].notna()].iterrows():
        p, c = row["parent"], row["id"]
        ym = ys[p] - 0.5
        ax.plot([xs[p], xs[p], xs[c], xs[c]], [ys[p] - 0.3, ym, ym, ys[c] + 0.3], color="#9aa0a6", lw=1, zorder=1)
    for _, row in nodes.iterrows():
        node = row["id"]
        ax.text(xs[node], ys[node], row["text"], ha="center", va="center", fontsize=8.5, zorder=2, linespacing=1.15,
                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": colors.get(row["kind"], "#7f7f7f"), "lw": 1.6})
    ax.set_xlim(-0.6, next_leaf[0] - 0.4)
    ax.set_ylim(-(n_levels - 1) - 0.5, 0.45)
    if legend:
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(fc="white", ec=colors[k], lw=1.6, label=v) for k, v in legend.items()],
                  loc="upper right", fontsize=9)
    return fig, ax
