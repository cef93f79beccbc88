"""Входящий маркетинг: цепочка платного канала, статьи как актив, скорость реакции и SLA (раздел 6.1).

Цепочка платного канала (одна формула на курс):

    CPL = CPC / CVR,  CAC = CPL / (доля лидов, ставших клиентами),
    при оплате за показы CPC = CPM / (1000 · CTR).

CAC здесь — медийный (только рекламный бюджет кампании), считается той же функцией
``acquisition.cac``, что и полный CAC раздела 1.1.1; окупаемость — ``finance.payback_simple``.
Рабочие дни — по календарю данных (выходные и праздники статьи 112 ТК РФ).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.dates import HOLIDAY_DATES
from salesbook.toolkit import acquisition, finance
from salesbook.toolkit.validation import MetricError, positive, require_columns, share

#: Колонки отчёта рекламного кабинета, которые суммируются.
AD_TOTALS = ("impressions", "clicks", "spend_rub", "leads")
#: Рычаги цепочки, которые сравнивает :func:`lever_gain`.
LEVERS = ("ctr", "cvr")


# ---------------------------------------------------------------------------
# Цепочка платного канала
# ---------------------------------------------------------------------------

def campaign_customers(ad_leads: pd.DataFrame, leads: pd.DataFrame, opportunities: pd.DataFrame,
                       start, end) -> pd.DataFrame:
    """Лиды кампаний, созданные в период, и сколько из них стали новыми клиентами (когорта лидов).

    Клиент — первая выигранная сделка компании (``acquisition.new_customer_deals``) из лида
    кампании, закрытая когда угодно до конца данных; поэтому для честной доли берите
    период, у лидов которого было время дойти до сделки (2024 год, а не 2025-й).
    Возвращает по ``campaign_id``: ``cohort_leads``, ``customers``, ``won_acv_rub`` (сумма ACV).
    """
    require_columns(ad_leads, ["lead_id", "campaign_id"], "ad_leads")
    require_columns(leads, ["lead_id", "created_date"], "leads")
    cohort = leads.loc[acquisition.in_period(leads["created_date"], start, end), ["lead_id"]]
    cohort = cohort.merge(ad_leads, on="lead_id", how="inner")
    if cohort.empty:
        raise MetricError("В периоде нет лидов рекламных кампаний.")
    deals = acquisition.new_customer_deals(opportunities)[["lead_id", "amount_rub"]]
    cohort = cohort.merge(deals, on="lead_id", how="left")
    out = cohort.groupby("campaign_id").agg(cohort_leads=("lead_id", "size"),
                                            customers=("amount_rub", "count"),
                                            won_acv_rub=("amount_rub", "sum"))
    return out


def paid_chain(ad_campaigns: pd.DataFrame, ad_leads: pd.DataFrame, leads: pd.DataFrame,
               opportunities: pd.DataFrame, start, end, by=("ad_platform", "campaign")) -> pd.DataFrame:
    """Цепочка CPC → CTR → CVR → CPL → CAC по кампаниям (или площадкам) за период.

    Показы, клики, расход и лиды — из отчёта кабинетов за месяцы периода; доля лидов,
    ставших клиентами, и ACV — по когорте лидов периода (:func:`campaign_customers`).
    Столбцы: суммы ``AD_TOTALS``, ``ctr`` = клики / показы, ``cpc`` = расход / клики,
    ``cvr`` = лиды / клики, ``cpl`` = расход / лиды, ``lead_to_customer``, ``customers``,
    ``acv_rub`` (средний ACV клиентов), ``cac`` — медийный CAC = расход / клиенты.
    """
    require_columns(ad_campaigns, ["month", "campaign_id", *AD_TOTALS], "ad_campaigns")
    keys = [by] if isinstance(by, str) else list(by)
    require_columns(ad_campaigns, keys, "ad_campaigns")
    rows = ad_campaigns[acquisition.in_period(ad_campaigns["month"], start, end)]
    if rows.empty:
        raise MetricError("В отчёте кабинетов нет месяцев этого периода.")
    custom = campaign_customers(ad_leads, leads, opportunities, start, end)
    key_of = rows.drop_duplicates("campaign_id").set_index("campaign_id")[keys]
    custom = custom.join(key_of, how="inner").groupby(keys)[["cohort_leads", "customers", "won_acv_rub"]].sum()
    t = rows.groupby(keys)[list(AD_TOTALS)].sum().join(custom)
    t["ctr"] = t["clicks"] / t["impressions"]
    t["cpc"] = t["spend_rub"] / t["clicks"]
    t["cvr"] = t["leads"] / t["clicks"]
    t["cpl"] = t["spend_rub"] / t["leads"]
    t["lead_to_customer"] = t["customers"] / t["cohort_leads"]
    t["acv_rub"] = t["won_acv_rub"] / t["customers"].replace(0, np.nan)
    t["cac"] = [acquisition.cac(s, c) if c > 0 else np.nan for s, c in zip(t["spend_rub"], t["customers"])]
    return t.drop(columns=["won_acv_rub"])


def chain(cpc, ctr, cvr, lead_to_customer, acv, gross_margin, budget=1_000_000.0) -> dict[str, float]:
    """Калькулятор цепочки на один бюджет: что получится из CPC, CTR, CVR, доли лидов в клиентов, ACV и маржи.

    ``cpc`` — цена клика, ₽; ``ctr``, ``cvr``, ``lead_to_customer``, ``gross_margin`` — доли
    (0,05, а не 5); ``acv`` — годовая стоимость контракта, ₽; ``budget`` — расход, ₽.
    Возвращает показы, клики, лиды, клиентов, CPM, CPL, CAC (медийный), валовую прибыль
    клиента в месяц и окупаемость CAC в месяцах (``finance.payback_simple``).
    """
    cpc = positive(cpc, "CPC")
    ctr = share(ctr, "CTR", lower_open=True)
    cvr = share(cvr, "CVR", lower_open=True)
    l2c = share(lead_to_customer, "Доля лидов, ставших клиентами", lower_open=True)
    acv = positive(acv, "ACV")
    gm = share(gross_margin, "Валовая маржа")
    budget = positive(budget, "Бюджет")
    clicks = budget / cpc
    leads = clicks * cvr
    customers = leads * l2c
    cpl = cpc / cvr
    cac = acquisition.cac(budget, customers)
    monthly_gp = acv / 12 * gm
    return {"budget": budget, "impressions": clicks / ctr, "clicks": clicks, "leads": leads,
            "customers": customers, "cpm": cpc * ctr * 1000, "cpl": cpl, "cac": cac,
            "monthly_gross_profit": monthly_gp, "payback_months": float(finance.payback_simple(cac, monthly_gp))}


def lever_gain(spend, cpc, ctr, cvr, lead_to_customer, acv, gross_margin, billing="cpc", lever="cvr",
               lift=0.10) -> float:
    """Дополнительная валовая прибыль первого года, ₽, если рычаг ``lever`` вырос на ``lift`` при том же бюджете.

    При оплате за клик (``billing='cpc'``) бюджет покупает фиксированное число кликов
    (расход / CPC): рост CTR даёт больше кликов только вместе с ростом расхода, поэтому
    при том же бюджете он лидов не добавляет (снижение цены клика аукционом — отдельный
    эффект, его здесь нет). При оплате за показы (``'cpm'``) бюджет покупает показы, и рост
    CTR даёт столько же новых кликов, сколько рост CVR — новых лидов.
    """
    if billing not in ("cpc", "cpm"):
        raise MetricError(f"Модель оплаты — 'cpc' или 'cpm', получено: {billing!r}.")
    if lever not in LEVERS:
        raise MetricError(f"Рычаг — 'ctr' или 'cvr', получено: {lever!r}.")
    base = chain(cpc, ctr, cvr, lead_to_customer, acv, gross_margin, budget=spend)
    lift = positive(lift, "Рост рычага")
    if lever == "cvr":
        extra_customers = base["customers"] * lift
    elif billing == "cpm":
        extra_customers = base["customers"] * lift
    else:
        extra_customers = 0.0
    return float(extra_customers * acv * gross_margin)


# ---------------------------------------------------------------------------
# Статьи как актив
# ---------------------------------------------------------------------------

def article_history(articles: pd.DataFrame, article_id: str) -> pd.DataFrame:
    """История одной статьи по месяцам: сессии, лиды, накопленные лиды; индекс — месяц жизни (0 — месяц публикации)."""
    require_columns(articles, ["article_id", "published_date", "month", "sessions", "leads"], "articles")
    rows = articles[articles["article_id"] == article_id].sort_values("month")
    if rows.empty:
        raise MetricError(f"Статьи {article_id!r} нет в таблице articles.")
    pub = pd.Timestamp(rows["published_date"].iloc[0]).to_period("M")
    age = [(pd.Timestamp(m).to_period("M") - pub).n for m in rows["month"]]
    out = pd.DataFrame({"month": rows["month"].to_numpy(), "sessions": rows["sessions"].to_numpy(),
                        "leads": rows["leads"].to_numpy()}, index=pd.Index(age, name="age_months"))
    out["cumulative_leads"] = out["leads"].cumsum()
    return out


def article_payback(articles: pd.DataFrame, value_per_lead: float) -> pd.DataFrame:
    """Окупаемость статей, опубликованных в период данных: стоимость против ценности лидов.

    ``value_per_lead`` — ожидаемая валовая прибыль первого года с одного лида канала
    content, ₽. По каждой статье: ``cost_rub``, ``leads`` (всего), ``value_rub``,
    ``roi`` = ценность / стоимость − 1, ``payback_months`` — месяц жизни, в котором
    накопленная ценность догнала стоимость (``finance.payback_from_cash_flows``; ``inf`` —
    ещё не окупилась), ``months_live`` — сколько месяцев статья в данных.
    """
    require_columns(articles, ["article_id", "published_date", "outlet", "cost_rub", "month", "leads"], "articles")
    value = positive(value_per_lead, "Ценность лида", allow_zero=True)
    first_month = articles["month"].min()
    fresh = articles[pd.to_datetime(articles["published_date"]) >= pd.Timestamp(first_month)]
    out = {}
    for art, rows in fresh.sort_values("month").groupby("article_id"):
        cost = float(rows["cost_rub"].iloc[0])
        flows = np.concatenate([[-cost], rows["leads"].to_numpy() * value])
        pb = float(finance.payback_from_cash_flows(flows))
        out[art] = {"outlet": rows["outlet"].iloc[0], "cost_rub": cost, "leads": int(rows["leads"].sum()),
                    "value_rub": float(rows["leads"].sum() * value), "months_live": len(rows),
                    "payback_months": pb}
    t = pd.DataFrame.from_dict(out, orient="index")
    t.index.name = "article_id"
    t["roi"] = t["value_rub"] / t["cost_rub"] - 1
    return t


def decay_half_life(sessions_by_age: pd.Series, skip_first: int = 0) -> float:
    """Период полураспада трафика статьи, месяцев: наклон прямой log(сессии) ~ месяц жизни.

    ``sessions_by_age`` — средние сессии по месяцам жизни (индекс — месяц); ``skip_first``
    — сколько первых месяцев пропустить (например, рост поискового трафика блога). Модель
    s(t) = s₀ · exp(−t/τ), полураспад = τ · ln 2; если трафик не падает — ``inf``.
    """
    s = pd.Series(sessions_by_age).iloc[skip_first:]
    s = s[s > 0]
    if len(s) < 3:
        raise MetricError("Для оценки спада нужно хотя бы три месяца с сессиями.")
    slope = np.polyfit(s.index.to_numpy(dtype=float), np.log(s.to_numpy(dtype=float)), 1)[0]
    return float(np.log(2) / -slope) if slope < 0 else float("inf")


# ---------------------------------------------------------------------------
# Скорость реакции и SLA
# ---------------------------------------------------------------------------

def workdays_between(start, end) -> np.ndarray:
    """Рабочих дней от ``start`` до ``end`` (0 — в тот же рабочий день; заявка в субботу, звонок в понедельник — 0)."""
    a = pd.to_datetime(pd.Series(start)).to_numpy().astype("datetime64[D]")
    b = pd.to_datetime(pd.Series(end)).to_numpy().astype("datetime64[D]")
    return np.busday_count(a, b, holidays=HOLIDAY_DATES)


def first_touch(leads: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Первое касание SDR по каждому входящему лиду, которого SDR взял в работу.

    Входящий — любой канал, кроме ``outbound``; берутся лиды, у которых есть касания в
    ``activities``. Столбцы: ``lead_id``, ``sdr_id``, ``created_date``, ``first_touch``,
    ``delay_workdays`` (рабочих дней от заявки до касания), ``sql`` (стал SQL),
    ``customer`` (по лиду есть сделка).
    """
    require_columns(leads, ["lead_id", "channel", "created_date", "sdr_id", "sql_date", "opportunity_id"], "leads")
    require_columns(activities, ["lead_id", "date"], "activities")
    inbound = leads[leads["channel"] != acquisition.OUTBOUND_CHANNEL]
    touches = activities.dropna(subset=["lead_id"]).groupby("lead_id")["date"].min().rename("first_touch")
    t = inbound.merge(touches, left_on="lead_id", right_index=True, how="inner")
    if t.empty:
        raise MetricError("Нет входящих лидов с касаниями SDR.")
    t = t.assign(delay_workdays=workdays_between(t["created_date"], t["first_touch"]),
                 sql=t["sql_date"].notna(), opportunity=t["opportunity_id"].notna())
    return t[["lead_id", "sdr_id", "channel", "created_date", "first_touch", "delay_workdays", "sql",
              "opportunity"]].reset_index(drop=True)


def sla_breaches(touches: pd.DataFrame, max_workdays: int = 1, by=("sdr_id",)) -> pd.DataFrame:
    """Нарушения SLA «первое касание не позже ``max_workdays`` рабочих дней после заявки».

    ``touches`` — таблица :func:`first_touch`. По группам ``by`` (например, SDR или SDR и
    месяц заявки ``month``): ``leads``, ``breaches`` (касание позже срока), ``breach_rate``.
    """
    require_columns(touches, ["created_date", "delay_workdays"], "touches")
    if max_workdays < 0:
        raise MetricError("Срок SLA не может быть отрицательным.")
    t = touches.assign(month=pd.to_datetime(touches["created_date"]).dt.to_period("M").dt.to_timestamp(),
                       breach=touches["delay_workdays"] > max_workdays)
    keys = [by] if isinstance(by, str) else list(by)
    out = t.groupby(keys).agg(leads=("breach", "size"), breaches=("breach", "sum"))
    out["breach_rate"] = out["breaches"] / out["leads"]
    return out


def lead_value(leads: pd.DataFrame, opportunities: pd.DataFrame, channels, start, end,
               gross_margin: float) -> float:
    """Ожидаемая валовая прибыль первого года с одного лида каналов ``channels``, ₽.

    Когорта — лиды, созданные в период; доля, ставшая новыми клиентами
    (``acquisition.new_customer_deals``, закрытие — когда угодно до конца данных), × средний
    ACV этих клиентов × валовая маржа: сумма ACV клиентов × маржа / число лидов.
    """
    require_columns(leads, ["lead_id", "channel", "created_date"], "leads")
    gm = share(gross_margin, "Валовая маржа")
    wanted = [channels] if isinstance(channels, str) else list(channels)
    cohort = leads[leads["channel"].isin(wanted) & acquisition.in_period(leads["created_date"], start, end)]
    if cohort.empty:
        raise MetricError(f"В периоде нет лидов каналов {wanted}.")
    deals = acquisition.new_customer_deals(opportunities)
    won = deals[deals["lead_id"].isin(cohort["lead_id"])]["amount_rub"].sum()
    return float(won * gm / len(cohort))
