"""Исходящие продажи как машина: список, арифметика цепочки, доставляемость, мощность и стоимость BDR (раздел 6.2).

Что здесь есть:

* список по ICP — доля исходящих лидов в лучших ячейках ICP и доля встреч внутри
  и вне их (``list_fit``; ячейки и баллы ICP — ``salesbook.toolkit.market``);
* арифметика цепочки — сколько касаний и встреч даёт лид, начавший цепочку
  (``sequence_yield`` по кривой ``sales_scripts.touch_curve``), доля встреч,
  ставших SQL (``meeting_to_sql``), доля годных контактов (``valid_contact_share``)
  и сколько контактов и касаний нужно на план встреч или SQL (``sequence_plan``);
* доставляемость — доли возвратов и жалоб доменов за месяц по таблице
  ``mailboxes`` (``domain_health``) и сравнение с порогами (``flag_domains``);
* мощность BDR — касаний в рабочий день по дневному отчёту и встреч на
  BDR-месяц (``bdr_capacity``);
* стоимость — полные затраты исходящего канала и входящих каналов за период
  (``channel_costs``) и стоимость встречи и SQL (``cost_per_result``).

Ценность встречи — ``sales_scripts.meeting_value`` (раздел 3.3), ставка взносов —
``course.PAYROLL_TAX_RATE``, мощность в месяцах — ``planning.ramped_capacity``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from salesbook.toolkit import planning
from salesbook.toolkit.acquisition import ACQUISITION_DEPARTMENTS, OUTBOUND_CHANNEL, in_period
from salesbook.toolkit.course import PAYROLL_TAX_RATE
from salesbook.toolkit.validation import MetricError, positive, require_columns, share

#: Google, правила для отправителей (2024): держать долю жалоб в Postmaster Tools ниже 0,1 %…
SPAM_RATE_TARGET = 0.001
#: …и никогда не доходить до 0,3 % (googlesenderguidelines2024).
SPAM_RATE_LIMIT = 0.003
#: Порог постоянных возвратов 2 % — ориентир поставщиков сервисов холодных писем, не правило почтовых служб
#: (warmerly2026bounce, warmysender2026bounce).
HARD_BOUNCE_LIMIT = 0.02

#: Роли, чьи оклады и премии относятся к каналу: BDR — к исходящему, SDR и маркетологи — к входящим.
CHANNEL_ROLES = {"outbound": ("BDR",), "inbound": ("SDR", "marketer")}


def _period_rows(frame: pd.DataFrame, column: str, start, end) -> pd.DataFrame:
    if start is None and end is None:
        return frame
    return frame[in_period(frame[column], start, end)]


# ---------------------------------------------------------------------------
# Список по ICP
# ---------------------------------------------------------------------------


def list_fit(leads: pd.DataFrame, activities: pd.DataFrame, icp_cells, start=None, end=None,
             by=("segment", "industry")) -> pd.DataFrame:
    """Исходящие лиды в лучших ячейках ICP и вне их: сколько лидов и какая доля из них дала встречу.

    ``icp_cells`` — список ячеек (кортежей значений ``by``), например первые строки
    ``market.icp_score``. Лиды — исходящие (канал ``outbound``), созданные в период
    (по ``created_date``, включительно); встреча — касание с исходом ``meeting_booked``
    у лида в любую дату. Строки: ``icp`` и ``other``; столбцы ``leads``, ``share``
    (доля лидов), ``meetings`` (лидов со встречей), ``meeting_rate`` (доля лидов со встречей: лид с двумя встречами
    считается один раз; встреч на лид — ``sequence_yield``).
    """
    by = [by] if isinstance(by, str) else list(by)
    require_columns(leads, ["lead_id", "channel", "created_date", *by], "leads")
    require_columns(activities, ["lead_id", "outcome"], "activities")
    cells = {tuple(c) if isinstance(c, (tuple, list)) else (c,) for c in icp_cells}
    if not cells:
        raise MetricError("list_fit: передайте хотя бы одну ячейку ICP.")
    out = _period_rows(leads[leads["channel"] == OUTBOUND_CHANNEL], "created_date", start, end)
    if out.empty:
        raise MetricError("list_fit: в периоде нет исходящих лидов.")
    in_icp = pd.Series([tuple(row) in cells for row in out[by].itertuples(index=False)], index=out.index)
    booked = set(activities.loc[activities["outcome"].eq("meeting_booked"), "lead_id"])
    met = out["lead_id"].isin(booked)
    group = np.where(in_icp, "icp", "other")
    table = pd.DataFrame({"leads": out.groupby(group).size(), "meetings": met.groupby(group).sum()})
    table = table.reindex(["icp", "other"]).fillna(0).astype(int)
    table["share"] = table["leads"] / table["leads"].sum()
    table["meeting_rate"] = table["meetings"] / table["leads"].where(table["leads"] > 0)
    return table[["leads", "share", "meetings", "meeting_rate"]]


# ---------------------------------------------------------------------------
# Арифметика цепочки
# ---------------------------------------------------------------------------


def sequence_yield(curve: pd.DataFrame) -> pd.Series:
    """Что даёт один лид, начавший цепочку: касаний и встреч на лид, касаний на встречу.

    ``curve`` — результат ``sales_scripts.touch_curve`` (строка — номер касания,
    ``leads`` — лидов, дошедших до касания). Начали цепочку — лиды первого касания;
    касаний = сумма ``leads`` по всем номерам (перезвон в тот же день — одно касание).
    """
    require_columns(curve, ["leads", "meetings"], "curve", non_empty=True)
    if 1 not in curve.index:
        raise MetricError("sequence_yield: в кривой нет первого касания — нужна таблица touch_curve.")
    started = float(curve.loc[1, "leads"])
    touches = float(curve["leads"].sum())
    meetings = float(curve["meetings"].sum())
    if started <= 0 or meetings <= 0:
        raise MetricError("sequence_yield: нет лидов или встреч — доли не определены.")
    return pd.Series({"leads": started, "touches": touches, "meetings": meetings,
                      "touches_per_lead": touches / started, "meetings_per_lead": meetings / started,
                      "touches_per_meeting": touches / meetings})


def meeting_to_sql(activities: pd.DataFrame, leads: pd.DataFrame, start=None, end=None,
                   channel=OUTBOUND_CHANNEL) -> float:
    """Доля лидов со встречей, ставших SQL: лиды канала ``channel`` со встречей в период
    (по дате касания ``meeting_booked``), у которых заполнен ``sql_date``."""
    require_columns(activities, ["lead_id", "outcome", "date"], "activities")
    require_columns(leads, ["lead_id", "channel", "sql_date"], "leads")
    booked = _period_rows(activities[activities["outcome"].eq("meeting_booked")], "date", start, end)
    wanted = [channel] if isinstance(channel, str) else list(channel)
    met = leads[leads["channel"].isin(wanted) & leads["lead_id"].isin(booked["lead_id"])]
    if met.empty:
        raise MetricError("meeting_to_sql: в периоде нет лидов со встречей.")
    return float(met["sql_date"].notna().mean())


def valid_contact_share(leads: pd.DataFrame, start=None, end=None, channel=OUTBOUND_CHANNEL) -> float:
    """Доля годных контактов: 1 − доля лидов канала, созданных в период (по ``created_date``),
    которых дисквалифицировали с причиной ``wrong_contact`` (не тот человек, ушёл из компании,
    неверный адрес или номер)."""
    require_columns(leads, ["channel", "created_date", "disqualify_reason"], "leads")
    wanted = [channel] if isinstance(channel, str) else list(channel)
    rows = _period_rows(leads[leads["channel"].isin(wanted)], "created_date", start, end)
    if rows.empty:
        raise MetricError("valid_contact_share: в периоде нет лидов этого канала.")
    return float(1 - rows["disqualify_reason"].eq("wrong_contact").mean())


def sequence_plan(meetings_target, meetings_per_lead, touches_per_lead, valid_share=1.0) -> pd.Series:
    """Сколько нужно лидов, контактов в списке и касаний на план встреч за месяц.

    ``leads`` = ⌈план встреч / встреч на лид⌉ — лидов, которые начнут цепочку;
    ``contacts`` = ⌈лидов / ``valid_share``⌉ — контактов в списке, если годна только доля
    ``valid_share`` (остальные — неверный адрес, не та роль, компания закрылась);
    ``touches`` = ⌈лидов × касаний на лид⌉. План SQL переводят в план встреч заранее:
    встреч = SQL / ``meeting_to_sql``.
    """
    target = positive(meetings_target, "sequence_plan: план встреч", allow_zero=True)
    rate = share(meetings_per_lead, "sequence_plan: встреч на лид", lower_open=True)
    per_lead = positive(touches_per_lead, "sequence_plan: касаний на лид")
    valid = share(valid_share, "sequence_plan: доля годных контактов", lower_open=True)
    leads_needed = math.ceil(round(target / rate, 9))
    return pd.Series({"leads": leads_needed, "contacts": math.ceil(round(leads_needed / valid, 9)),
                      "touches": math.ceil(round(leads_needed * per_lead, 9))}, dtype="int64")


# ---------------------------------------------------------------------------
# Доставляемость
# ---------------------------------------------------------------------------


def domain_health(mailboxes: pd.DataFrame, freq: str = "M") -> pd.DataFrame:
    """Доставляемость доменов по периодам (по умолчанию — месяц понедельника недели).

    Суммы за период: ``sent``, ``delivered``, ``hard_bounces``, ``soft_bounces``,
    ``complaints``; доли: ``hard_bounce_rate`` = постоянные возвраты / отправлено,
    ``complaint_rate`` = жалобы / **доставлено** (база Google — доставленные письма,
    а не отправленные), ``inbox_share`` — среднее недельных замеров попадания во
    «Входящие». ``freq="W"`` — по неделям (при сотнях писем в неделю одна жалоба
    уже 0,2–0,3 %: недельная доля шумная).
    """
    cols = ["week", "domain", "sent", "delivered", "hard_bounces", "soft_bounces", "complaints", "inbox_share"]
    require_columns(mailboxes, cols, "mailboxes", non_empty=True)
    if freq not in ("M", "W"):
        raise MetricError("domain_health: период — «M» (месяц) или «W» (неделя).")
    frame = mailboxes.assign(period=mailboxes["week"].dt.to_period(freq).dt.start_time if freq == "M"
                             else mailboxes["week"])
    sums = frame.groupby(["domain", "period"])[["sent", "delivered", "hard_bounces", "soft_bounces", "complaints"]].sum()
    weekly_inbox = frame.groupby(["domain", "period", "week"])["inbox_share"].first()
    sums["inbox_share"] = weekly_inbox.groupby(["domain", "period"]).mean()
    sums["hard_bounce_rate"] = sums["hard_bounces"] / sums["sent"].where(sums["sent"] > 0)
    sums["complaint_rate"] = sums["complaints"] / sums["delivered"].where(sums["delivered"] > 0)
    return sums


def flag_domains(health: pd.DataFrame, complaint_limit: float = SPAM_RATE_LIMIT,
                 bounce_limit: float = HARD_BOUNCE_LIMIT) -> pd.DataFrame:
    """Строки ``domain_health``, где доля жалоб выше ``complaint_limit`` или доля постоянных
    возвратов выше ``bounce_limit``; столбцы ``complaints_over`` и ``bounces_over`` — какой порог нарушен."""
    require_columns(health, ["complaint_rate", "hard_bounce_rate"], "health")
    c_lim = share(complaint_limit, "flag_domains: порог жалоб", lower_open=True)
    b_lim = share(bounce_limit, "flag_domains: порог возвратов", lower_open=True)
    out = health.assign(complaints_over=health["complaint_rate"] > c_lim,
                        bounces_over=health["hard_bounce_rate"] > b_lim)
    return out[out["complaints_over"] | out["bounces_over"]]


# ---------------------------------------------------------------------------
# Мощность и стоимость
# ---------------------------------------------------------------------------


def bdr_capacity(rep_daily_activity: pd.DataFrame, reps: pd.DataFrame, activities: pd.DataFrame,
                 start, end) -> pd.Series:
    """Мощность команды BDR за период.

    ``touches_per_day`` — звонков, писем и сообщений BDR за рабочий день по дневному
    отчёту (вся работа, с базой вне CRM); ``bdr_months`` — BDR-месяцы с поправкой на
    выход на продуктивность (``planning.ramped_capacity``); ``meetings`` — встреч,
    назначенных BDR в период (касания ``meeting_booked`` в ``activities``);
    ``meetings_per_bdr_month`` = встречи / BDR-месяцы.
    """
    require_columns(rep_daily_activity, ["rep_id", "date", "calls", "emails", "messages"], "rep_daily_activity")
    require_columns(reps, ["rep_id", "role"], "reps")
    require_columns(activities, ["rep_id", "date", "outcome"], "activities")
    bdr_ids = reps.loc[reps["role"] == "BDR", "rep_id"]
    days = _period_rows(rep_daily_activity[rep_daily_activity["rep_id"].isin(bdr_ids)], "date", start, end)
    if days.empty:
        raise MetricError("bdr_capacity: в периоде нет рабочих дней BDR.")
    months = float(planning.ramped_capacity(reps, start, end, role="BDR").to_numpy().sum())
    booked = _period_rows(activities[activities["rep_id"].isin(bdr_ids) & activities["outcome"].eq("meeting_booked")],
                          "date", start, end)
    return pd.Series({"touches_per_day": float((days["calls"] + days["emails"] + days["messages"]).mean()),
                      "bdr_months": months, "meetings": float(len(booked)),
                      "meetings_per_bdr_month": len(booked) / months})


def channel_costs(marketing_spend: pd.DataFrame, sm_costs: pd.DataFrame, start, end, motion: str = "outbound",
                  payroll_tax: float = PAYROLL_TAX_RATE) -> pd.Series:
    """Полные затраты канала за период, ₽: медиа, оклады и премии своей команды со взносами, инструменты.

    ``motion="outbound"``: медиа канала ``outbound`` (базы и сервисы обзвона) +
    оклады и премии BDR × (1 + ``payroll_tax``). ``motion="inbound"``: медиа всех
    остальных каналов B2B + оклады и премии SDR и маркетологов × (1 + ``payroll_tax``)
    + инструменты и агентство отдела маркетинга. Оклады AE, накладные и инструменты
    отдела продаж общие для обоих каналов и сюда не входят. Взносы — по ставке
    ``payroll_tax`` (по умолчанию тариф 2025 года); за 2025 год команда BDR со взносами
    совпадает с той, что уходит вместе с каналом в ``acquisition.channel_incremental_cac``
    (там ставка — средняя фактическая за период, в 2025 году она и есть 7,6 %).
    """
    if motion not in CHANNEL_ROLES:
        raise MetricError("channel_costs: motion — «outbound» (исходящий) или «inbound» (входящие каналы).")
    require_columns(marketing_spend, ["month", "business_line", "channel", "spend_rub"], "marketing_spend")
    require_columns(sm_costs, ["month", "department", "cost_type", "role", "amount_rub"], "sm_costs")
    tax = share(payroll_tax, "channel_costs: ставка взносов", upper_open=True)
    media = _period_rows(marketing_spend[marketing_spend["business_line"] == "b2b"], "month", start, end)
    is_out = media["channel"] == OUTBOUND_CHANNEL
    media_rub = float(media.loc[is_out if motion == "outbound" else ~is_out, "spend_rub"].sum())
    costs = _period_rows(sm_costs[sm_costs["department"].isin(ACQUISITION_DEPARTMENTS)], "month", start, end)
    team = costs[costs["role"].isin(CHANNEL_ROLES[motion]) & costs["cost_type"].isin(["salary", "bonus"])]
    team_rub = float(team["amount_rub"].sum())
    other = 0.0
    if motion == "inbound":
        other = float(costs.loc[(costs["department"] == "marketing") & costs["cost_type"].isin(["tools", "agency"]),
                                "amount_rub"].sum())
    return pd.Series({"media": media_rub, "team": team_rub, "payroll_tax": team_rub * tax, "tools_agency": other,
                      "total": media_rub + team_rub * (1 + tax) + other})


def cost_per_result(total_cost, results) -> float:
    """Стоимость результата (встречи, SQL), ₽: затраты / число результатов."""
    cost = positive(total_cost, "cost_per_result: затраты", allow_zero=True)
    n = positive(results, "cost_per_result: число результатов")
    return cost / n


def sqls(leads: pd.DataFrame, start, end, motion: str = "outbound") -> int:
    """SQL за период (по ``sql_date``): исходящие — канал ``outbound``, входящие — все остальные каналы B2B."""
    require_columns(leads, ["channel", "sql_date", "business_line"], "leads")
    rows = leads[(leads["business_line"] == "b2b") & in_period(leads["sql_date"], start, end)]
    is_out = rows["channel"] == OUTBOUND_CHANNEL
    if motion not in CHANNEL_ROLES:
        raise MetricError("sqls: motion — «outbound» или «inbound».")
    return int(is_out.sum() if motion == "outbound" else (~is_out).sum())


def sql_cohort_won(leads: pd.DataFrame, opportunities: pd.DataFrame, start, end, motion: str = "outbound") -> pd.Series:
    """Что дали SQL периода: сделки, открытые сделки и ACV выигранных сделок, ₽.

    SQL — лиды B2B с ``sql_date`` в периоде (исходящие — канал ``outbound``, входящие —
    все остальные каналы, как в ``sqls``). ``trial_share`` — доля SQL, начавших пробный
    период (у входящих это активации пробного периода малого бизнеса). ``open_deals`` —
    сделки без исхода на конец данных: их выигрыши ещё не посчитаны (цензурирование),
    поэтому ``won_acv`` по свежей когорте занижен, и сильнее — у канала с долгим циклом.
    """
    require_columns(leads, ["lead_id", "channel", "sql_date", "business_line", "trial_started"], "leads")
    require_columns(opportunities, ["lead_id", "outcome", "amount_rub"], "opportunities")
    if motion not in CHANNEL_ROLES:
        raise MetricError("sql_cohort_won: motion — «outbound» или «inbound».")
    rows = leads[(leads["business_line"] == "b2b") & in_period(leads["sql_date"], start, end)]
    rows = rows[(rows["channel"] == OUTBOUND_CHANNEL) == (motion == "outbound")]
    if rows.empty:
        raise MetricError("sql_cohort_won: в периоде нет SQL этого канала.")
    deals = opportunities[opportunities["lead_id"].isin(rows["lead_id"])]
    won = deals[deals["outcome"].eq("won")]
    return pd.Series({"sqls": float(len(rows)), "trial_share": float(rows["trial_started"].astype(bool).mean()),
                      "deals": float(len(deals)), "open_deals": float((~deals["outcome"].isin(["won", "lost"])).sum()),
                      "won_acv": float(won["amount_rub"].sum())})


def ae_commission_rate(sm_costs: pd.DataFrame, opportunities: pd.DataFrame, start, end) -> float:
    """Доля премий AE в ACV выигранных сделок за период (без взносов): премии AE (``cost_type == "bonus"``)
    / ACV сделок, выигранных в период (по ``close_date``). Чтобы вычесть из ценности встречи комиссию AE."""
    require_columns(sm_costs, ["month", "cost_type", "role", "amount_rub"], "sm_costs")
    require_columns(opportunities, ["outcome", "close_date", "amount_rub"], "opportunities")
    bonus = _period_rows(sm_costs[(sm_costs["role"] == "AE") & (sm_costs["cost_type"] == "bonus")], "month", start, end)
    won = _period_rows(opportunities[opportunities["outcome"].eq("won")], "close_date", start, end)
    won_acv = float(won["amount_rub"].sum())
    if won_acv <= 0:
        raise MetricError("ae_commission_rate: за период нет выигранных сделок — доля премий не определена.")
    return float(bonus["amount_rub"].sum()) / won_acv
