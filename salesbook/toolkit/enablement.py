"""Sales enablement и engagement (раздел 7.2): аудит материалов, их связь с победой, цепочки писем, плейбук.

Все функции принимают таблицы компании (``content_assets``, ``content_usage``, ``opportunities``,
``activities``), считают за явно указанный период и на неверный вход отвечают ``MetricError``.
Win rate — та же функция ``kpi.win_rate`` (выигранные / закрытые в период по дате закрытия), что
во всём курсе; цепочки касаний — ``sales_scripts.touch_curve`` из раздела 3.3.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.toolkit import kpi
from salesbook.toolkit.acquisition import in_period
from salesbook.toolkit.course import RESPONSE_OUTCOMES
from salesbook.toolkit.validation import MetricError, require_columns

__all__ = ["asset_audit", "unused_assets", "deal_flags", "naive_lift", "adjusted_odds_ratio",
           "mantel_haenszel_or", "wilson", "template_rates", "template_odds_ratio", "playbook_priorities",
           "refresh_savings"]

MEDDIC = ["meddic_metrics", "meddic_economic_buyer", "meddic_decision_criteria", "meddic_decision_process",
          "meddic_identify_pain", "meddic_champion"]
#: Доля затрат на производство, которую стоит ежегодное обновление материала (цифры, скриншоты,
#: цены, юридические формулировки) — допущение курса.
REFRESH_SHARE = 0.25
#: AE с меньшим числом закрытых сделок в периоде объединяются в одну группу «прочие»: иначе у
#: логистической регрессии нет оценки для AE, у которого все сделки выиграны или проиграны.
MIN_OWNER_DEALS = 30
#: Контроли логистической регрессии: AE (каждый AE работает в одном сегменте, поэтому AE учитывает
#: и сегмент), размер сделки, «здоровье» по MEDDIC.
CONTROLS = "C(owner) + log_amount + meddic"
#: Те же контроли плюс длина сделки (логарифм дней от создания до закрытия).
CONTROLS_WITH_LENGTH = CONTROLS + " + log_days"


def _usage_in(usage: pd.DataFrame, start, end) -> pd.DataFrame:
    require_columns(usage, ["opportunity_id", "asset_id", "used_date", "buyer_views", "view_seconds"], "content_usage")
    return usage[in_period(usage["used_date"], start, end)]


def asset_audit(assets: pd.DataFrame, usage: pd.DataFrame, start, end) -> pd.DataFrame:
    """Аудит материалов за период (по дате использования, включительно).

    Строка — материал из ``content_assets`` (и неиспользованный тоже): ``deals`` — в скольких
    сделках использован; ``opened_share`` — доля отправок, которые покупатель открыл (только у
    внешних, у внутренних — пусто); ``median_seconds`` — медиана секунд просмотра среди открытых;
    ``used`` — использован ли хоть раз.
    """
    require_columns(assets, ["asset_id", "asset_type", "audience", "created_date"], "content_assets")
    u = _usage_in(usage, start, end)
    g = u.groupby("asset_id")
    opened = u["buyer_views"].astype("Float64") > 0
    out = assets.set_index("asset_id")[["asset_type", "audience", "created_date"]].copy()
    out["deals"] = g["opportunity_id"].nunique().reindex(out.index).fillna(0).astype(int)
    share = opened.groupby(u["asset_id"]).mean().astype(float)
    out["opened_share"] = share.reindex(out.index).where(out["audience"].eq("buyer"))
    secs = u.loc[opened.fillna(False).to_numpy(bool)].groupby("asset_id")["view_seconds"].median().astype(float)
    out["median_seconds"] = secs.reindex(out.index)
    out["used"] = out["deals"] > 0
    return out


def unused_assets(assets: pd.DataFrame, usage: pd.DataFrame, start, end) -> pd.Index:
    """Материалы, опубликованные до конца периода и ни разу не использованные в нём."""
    audit = asset_audit(assets, usage, start, end)
    published = audit["created_date"] <= pd.Timestamp(end)
    return audit.index[published & ~audit["used"]]


def deal_flags(opportunities: pd.DataFrame, usage: pd.DataFrame, start, end, assets=None) -> pd.DataFrame:
    """Закрытые в период сделки с признаком ``used`` (использован хоть один из ``assets``; по умолчанию — любой),
    ``won`` (1/0) и контрольными признаками: ``log_amount``, ``meddic`` (сумма шести баллов MEDDIC),
    ``log_days`` (логарифм длины сделки в днях), ``owner`` (AE; AE с числом закрытых сделок меньше
    ``MIN_OWNER_DEALS`` — одна группа ``other``)."""
    require_columns(opportunities, ["opportunity_id", "outcome", "created_date", "close_date", "amount_rub", "segment", "owner_id"]
                    + MEDDIC, "opportunities")
    require_columns(usage, ["opportunity_id", "asset_id"], "content_usage")
    closed = kpi.closed_deals(opportunities, start, end).copy()
    if closed.empty:
        raise MetricError("В периоде нет закрытых сделок: сравнивать не с чем.")
    u = usage if assets is None else usage[usage["asset_id"].isin([assets] if isinstance(assets, str) else list(assets))]
    closed["used"] = closed["opportunity_id"].isin(u["opportunity_id"]).astype(int)
    closed["won"] = closed["outcome"].eq("won").astype(int)
    closed["log_amount"] = np.log(closed["amount_rub"].astype(float))
    closed["meddic"] = closed[MEDDIC].sum(axis=1).astype(float)
    days = (pd.to_datetime(closed["close_date"]) - pd.to_datetime(closed["created_date"])).dt.days
    closed["log_days"] = np.log(days.clip(lower=1).astype(float))
    counts = closed["owner_id"].map(closed["owner_id"].value_counts())
    closed["owner"] = closed["owner_id"].where(counts >= MIN_OWNER_DEALS, "other")
    return closed


def naive_lift(opportunities: pd.DataFrame, usage: pd.DataFrame, start, end, assets=None) -> pd.Series:
    """Наивное сравнение: win rate сделок с материалом и без (``kpi.win_rate``), разница в долях."""
    flags = deal_flags(opportunities, usage, start, end, assets)
    if flags["used"].nunique() < 2:
        raise MetricError("Материал использован во всех сделках или ни в одной — сравнить не с чем.")
    with_ = kpi.win_rate(flags[flags["used"] == 1], start, end)
    without = kpi.win_rate(flags[flags["used"] == 0], start, end)
    return pd.Series({"with": with_, "without": without, "lift": with_ - without,
                      "deals_with": int(flags["used"].sum()), "deals_without": int((1 - flags["used"]).sum())})


def adjusted_odds_ratio(opportunities: pd.DataFrame, usage: pd.DataFrame, start, end, assets=None,
                        controls: str = CONTROLS) -> pd.Series:
    """Отношение шансов победы «с материалом / без» из логистической регрессии с контролями.

    По умолчанию контроли ``CONTROLS`` — AE (фиксированный эффект; он же задаёт сегмент), логарифм
    суммы и сумма MEDDIC; ``CONTROLS_WITH_LENGTH`` добавляет длину сделки.
    Возвращает ``odds_ratio`` и 95-процентный интервал ``low``, ``high``. Это ассоциация при
    равных **наблюдаемых** прочих, а не причинный эффект.
    """
    import statsmodels.formula.api as smf

    flags = deal_flags(opportunities, usage, start, end, assets)
    formula = "won ~ used" + (f" + {controls}" if controls else "")
    try:
        fit = smf.logit(formula, flags).fit(disp=0, maxiter=200)
    except Exception as error:  # вырожденная выборка: один класс, совершенное разделение
        raise MetricError(f"Логистическая регрессия не оценивается на этих сделках ({error}).") from None
    ci = np.exp(fit.conf_int().loc["used"])
    return pd.Series({"odds_ratio": float(np.exp(fit.params["used"])), "low": float(ci[0]), "high": float(ci[1])})


def mantel_haenszel_or(opportunities: pd.DataFrame, usage: pd.DataFrame, start, end, assets=None,
                       strata=("segment",)) -> pd.Series:
    """Отношение шансов Мантеля — Хензеля по слоям ``strata`` (statsmodels ``StratifiedTable``).

    Слои без сделок с материалом или без сделок без него отбрасываются. Возвращает ``odds_ratio``,
    ``low``, ``high`` (95 %), ``naive_or`` (без слоёв) и число слоёв ``strata``.
    """
    from statsmodels.stats.contingency_tables import StratifiedTable, Table2x2

    flags = deal_flags(opportunities, usage, start, end, assets)
    tables = []
    for _, g in flags.groupby(list(strata), observed=True):
        t = pd.crosstab(g["used"], g["won"]).reindex(index=[1, 0], columns=[1, 0], fill_value=0).to_numpy()
        if t.sum(axis=1).min() > 0:
            tables.append(t.astype(float))
    if not tables:
        raise MetricError("Ни в одном слое нет сделок и с материалом, и без него.")
    st = StratifiedTable(tables)
    low, high = st.oddsratio_pooled_confint()
    naive = pd.crosstab(flags["used"], flags["won"]).reindex(index=[1, 0], columns=[1, 0], fill_value=0)
    return pd.Series({"odds_ratio": float(st.oddsratio_pooled), "low": float(low), "high": float(high),
                      "naive_or": float(Table2x2(naive.to_numpy().astype(float)).oddsratio),
                      "strata": len(tables)})


def wilson(successes, n, alpha: float = 0.05) -> tuple:
    """Интервал Уилсона для доли (statsmodels ``proportion_confint(method="wilson")``)."""
    from statsmodels.stats.proportion import proportion_confint

    n_arr = np.asarray(n, dtype=float)
    if np.any(n_arr <= 0):
        raise MetricError("Интервал доли: в знаменателе должно быть больше нуля наблюдений.")
    return proportion_confint(successes, n, alpha=alpha, method="wilson")


def template_rates(activities: pd.DataFrame, start, end) -> pd.DataFrame:
    """Письма цепочек по шаблону за период: отправлено, доля ответов и встреч с интервалами Уилсона.

    Письмо — ``type == "email"`` с заполненным ``email_template``; ответ — исход из
    ``course.RESPONSE_OUTCOMES`` (ответил, назначил встречу), встреча — ``meeting_booked``.
    """
    require_columns(activities, ["type", "email_template", "outcome", "date"], "activities")
    e = activities[activities["type"].eq("email") & activities["email_template"].notna()
                   & in_period(activities["date"], start, end)]
    if e.empty:
        raise MetricError("В периоде нет писем цепочек.")
    g = e.assign(reply=e["outcome"].isin(RESPONSE_OUTCOMES), meeting=e["outcome"].eq("meeting_booked")) \
        .groupby("email_template").agg(sent=("reply", "size"), replies=("reply", "sum"), meetings=("meeting", "sum"))
    g["reply_rate"] = g["replies"] / g["sent"]
    g["reply_low"], g["reply_high"] = wilson(g["replies"], g["sent"])
    g["meeting_rate"] = g["meetings"] / g["sent"]
    g["meeting_low"], g["meeting_high"] = wilson(g["meetings"], g["sent"])
    return g.sort_values("reply_rate", ascending=False)


def template_odds_ratio(activities: pd.DataFrame, leads: pd.DataFrame, start, end, template: str,
                        reference: str, channel: str = "outbound") -> pd.Series:
    """Шансы ответа на шаблон ``template`` против шаблона ``reference`` на **одних и тех же шагах**.

    Берутся письма цепочек за период по лидам канала ``channel``; слой — номер касания
    (``touch_number``), таблицы «шаблон × ответил» объединяются отношением шансов Мантеля — Хензеля.
    Так шаблоны сравниваются на одном шаге одной цепочки, а не «письмо первого касания против
    письма пятого». Возвращает ``odds_ratio``, ``low``, ``high`` (95 %) и число слоёв ``strata``.
    """
    from statsmodels.stats.contingency_tables import StratifiedTable

    require_columns(activities, ["lead_id", "type", "email_template", "outcome", "date", "touch_number"], "activities")
    require_columns(leads, ["lead_id", "channel"], "leads")
    e = activities[activities["type"].eq("email") & activities["email_template"].isin([template, reference])
                   & in_period(activities["date"], start, end)]
    e = e[e["lead_id"].isin(leads.loc[leads["channel"].eq(channel), "lead_id"])]
    tables = []
    for _, g in e.groupby("touch_number"):
        t = pd.crosstab(g["email_template"].eq(template), g["outcome"].isin(RESPONSE_OUTCOMES)) \
            .reindex(index=[True, False], columns=[True, False], fill_value=0).to_numpy()
        if t.sum(axis=1).min() > 0:
            tables.append(t.astype(float))
    if not tables:
        raise MetricError(f"Нет шага, на котором в цепочках канала «{channel}» стоят оба шаблона.")
    st = StratifiedTable(tables)
    low, high = st.oddsratio_pooled_confint()
    return pd.Series({"odds_ratio": float(st.oddsratio_pooled), "low": float(low), "high": float(high),
                      "strata": len(tables)})


def playbook_priorities(opportunities: pd.DataFrame, start, end) -> pd.DataFrame:
    """Что класть в плейбук: проигранные в период сделки по причине и конкуренту.

    Строка — причина проигрыша (``loss_reason``), столбцы — конкурент (``none`` — без конкурента)
    и ``total``; значения — ACV проигранных сделок, ₽ (сумма ``amount_rub``). Сортировка — по
    ``total``: сверху то, на чём компания теряет больше всего денег. Win rate против конкурентов
    с интервалами — ``market.competitor_win_loss`` (раздел 1.2).
    """
    require_columns(opportunities, ["competitor", "loss_reason", "outcome", "close_date", "amount_rub"],
                    "opportunities")
    lost = kpi.closed_deals(opportunities, start, end)
    lost = lost[lost["outcome"].eq("lost")]
    if lost.empty:
        raise MetricError("В периоде нет проигранных сделок.")
    table = lost.assign(competitor=lost["competitor"].fillna("none")).pivot_table(
        index="loss_reason", columns="competitor", values="amount_rub", aggfunc="sum", fill_value=0.0)
    table["total"] = table.sum(axis=1)
    return table.sort_values("total", ascending=False)


def refresh_savings(assets: pd.DataFrame, unused: pd.Index, refresh_share: float = REFRESH_SHARE) -> float:
    """Сколько в год сэкономит вывод из обращения материалов ``unused``: их ежегодное обновление, ₽."""
    require_columns(assets, ["asset_id", "production_cost_rub"], "content_assets")
    if not 0 <= float(refresh_share) <= 1:
        raise MetricError("Доля обновления — от 0 до 1 (0,25, а не 25).")
    cost = assets.set_index("asset_id")["production_cost_rub"]
    missing = set(unused) - set(cost.index)
    if missing:
        raise MetricError(f"Нет таких материалов: {', '.join(sorted(missing))}.")
    return float(cost.loc[list(unused)].sum() * float(refresh_share))
