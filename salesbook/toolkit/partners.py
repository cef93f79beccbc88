"""Партнёрский канал: вклад партнёров, стоимость канала, конфликты, уровни и решение о реселлере (раздел 6.3).

Все функции работают с B2B-линией «Сфера Деск» и таблицами ``partners``, ``partner_deals``,
``leads``, ``opportunities`` и ``marketing_spend``. Период — даты включительно, как в
:mod:`salesbook.toolkit.acquisition`; сделки относятся к периоду по дате закрытия
(``close_date``), вознаграждения — по дате начисления (``payout_date``).

Числа, у которых уже есть дом, здесь не пересчитываются: CAC — :func:`acquisition.cac`,
воронка и новые клиенты по каналам — :func:`acquisition.channel_funnel`, win rate —
:func:`kpi.win_rate`, валовая маржа — :func:`unit_economics.gross_margin_for_period`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from salesbook.toolkit import acquisition, kpi
from salesbook.toolkit.acquisition import in_period
from salesbook.toolkit.validation import MetricError, positive, require_columns, share

__all__ = [
    "CONFLICT_WINDOW_DAYS", "TIER_RULES", "TIER_MIN_CLOSED_DEALS", "partner_revenue", "reported_revenue_overlap",
    "partner_program_costs", "channel_conflicts", "partner_scorecard", "recommend_tier",
    "reseller_value", "breakeven_cannibalisation", "max_reseller_margin", "reseller_sensitivity",
    "CHANNEL_MANAGER_MONTHLY_RUB", "RESELLER_OFFER_DEALS", "RESELLER_OFFER_MARGIN", "RESELLER_MANAGER_SHARE",
]

#: Окно защиты регистрации, дни: лид партнёра — конфликт каналов, если у той же компании
#: за столько дней до регистрации уже был лид другого канала. Типичные окна защиты
#: регистрации сделки — 90–180 дней (track360dealreg); берём верхнюю границу.
CONFLICT_WINDOW_DAYS = 180

#: Правила уровней партнёрской программы «Сфера Деск» на год (решение руководителя канала, не данные):
#: уровень → (выигранный ACV за год не меньше, ₽; сертифицированных не меньше; win rate не меньше).
TIER_RULES = {
    "gold": (5_000_000, 3, 0.30),
    "silver": (1_500_000, 1, 0.20),
}

#: Сколько сделок партнёр должен закрыть за год, чтобы правило смотрело на его win rate:
#: по двум-трём сделкам доля выигрышей — шум (95 % интервал Уилсона для 1 из 3 — от 6 до 79 %).
#: Ниже порога уровень ставится только по ACV и сертификации. Решение руководителя канала.
TIER_MIN_CLOSED_DEALS = 5

#: Полная стоимость канального менеджера в месяц, ₽: оклад, премия и страховые взносы.
#: Допущение курса: в данных «Сферы Софт» такой роли нет (reps.csv), партнёров ведёт маркетинг.
CHANNEL_MANAGER_MONTHLY_RUB = 300_000

#: Предложение нового реселлера в разделе 6.3 (сценарий, не данные): сколько сделок среднего
#: бизнеса в год он обещает, какую маржу просит и какую долю времени канального менеджера займёт.
RESELLER_OFFER_DEALS = 6
RESELLER_OFFER_MARGIN = 0.25
RESELLER_MANAGER_SHARE = 0.5

_DEAL_COLS = ["partner_id", "lead_id", "opportunity_id", "role", "payout_rub", "payout_date"]


def _deals_with_outcome(partner_deals: pd.DataFrame, opportunities: pd.DataFrame) -> pd.DataFrame:
    require_columns(partner_deals, _DEAL_COLS, "partner_deals")
    require_columns(opportunities, ["opportunity_id", "outcome", "close_date", "amount_rub", "segment"],
                    "opportunities")
    opp = opportunities[["opportunity_id", "outcome", "close_date", "amount_rub", "segment"]]
    return partner_deals[partner_deals["opportunity_id"].notna()].merge(opp, on="opportunity_id", how="left",
                                                                         validate="m:1")


def partner_revenue(partner_deals: pd.DataFrame, opportunities: pd.DataFrame, start, end) -> pd.DataFrame:
    """Выигранные сделки с партнёрами за период — отдельно привёл (sourced) и участвовал (influenced).

    Строки — роли ``sourced`` и ``influenced``; столбцы: ``won_deals`` — выигранных сделок,
    закрытых в период; ``acv_rub`` — их годовая стоимость (ACV), ₽; ``win_rate`` — доля выигрышей
    среди закрытых в период сделок этой роли (:func:`kpi.win_rate`). Сделки без партнёра сюда не входят.
    """
    deals = _deals_with_outcome(partner_deals, opportunities)
    won = kpi.won_deals(deals, start, end)
    table = pd.DataFrame({
        "won_deals": won.groupby("role").size(),
        "acv_rub": won.groupby("role")["amount_rub"].sum(),
    }).reindex(["sourced", "influenced"]).fillna(0)
    closed = kpi.closed_deals(deals, start, end)
    table["win_rate"] = kpi.win_rate(deals, start, end, by="role") if not closed.empty else np.nan
    table["won_deals"] = table["won_deals"].astype(int)
    table.index.name = "role"
    return table


def reported_revenue_overlap(partner_deals: pd.DataFrame, opportunities: pd.DataFrame, leads: pd.DataFrame,
                             start, end) -> pd.Series:
    """Сколько выручки «насчитают» отчёты каналов, если партнёрам засчитать и sourced, и influenced.

    Каждый канал (по ``leads.channel`` исходного лида) отчитывается своими выигранными сделками,
    а отдел партнёров — всеми сделками с партнёром. Возвращает Series, ₽ ACV за период:
    ``actual`` — фактический выигранный ACV всех сделок; ``channels`` — сумма отчётов каналов
    (равна ``actual``); ``partners_claim`` — отчёт отдела партнёров (sourced + influenced);
    ``reported_total`` — сумма отчётов «каналы без партнёров + отдел партнёров»;
    ``double_counted`` — на сколько ``reported_total`` больше ``actual`` (это ACV influenced).
    """
    require_columns(leads, ["lead_id", "channel"], "leads")
    require_columns(opportunities, ["opportunity_id", "lead_id", "outcome", "close_date", "amount_rub"],
                    "opportunities")
    won = kpi.won_deals(opportunities, start, end).merge(leads[["lead_id", "channel"]], on="lead_id", how="left")
    actual = float(won["amount_rub"].sum())
    rev = partner_revenue(partner_deals, opportunities, start, end)
    claim = float(rev["acv_rub"].sum())
    others = float(won.loc[won["channel"] != "partners", "amount_rub"].sum())
    total = others + claim
    return pd.Series({"actual": actual, "channels": float(won.groupby("channel")["amount_rub"].sum().sum()),
                      "partners_claim": claim, "reported_total": total, "double_counted": total - actual},
                     name="acv_rub")


def partner_program_costs(marketing_spend: pd.DataFrame, partner_deals: pd.DataFrame, start, end,
                          channel_team_monthly_rub: float = 0.0) -> pd.Series:
    """Затраты партнёрского канала за период, ₽, по статьям.

    ``commissions`` — вознаграждения по сделкам, которые партнёры привели (sourced), начисленные
    в период; ``mdf_and_comarketing`` — остальной бюджет канала ``partners`` в ``marketing_spend``
    (совместный маркетинг, MDF, обучение партнёров); ``channel_team`` — команда канала: стоимость
    в месяц × число месяцев периода (в данных её нет — это допущение, которое передаёт
    вызывающий). Маржа реселлеров в сделках других каналов (influenced) сюда не входит: она —
    скидка с цены сделок, которые привёл прямой отдел продаж.
    """
    require_columns(marketing_spend, ["month", "business_line", "channel", "spend_rub"], "marketing_spend")
    require_columns(partner_deals, _DEAL_COLS, "partner_deals")
    team = positive(channel_team_monthly_rub, "Стоимость команды канала в месяц", allow_zero=True)
    ms = marketing_spend[(marketing_spend["business_line"] == "b2b") & (marketing_spend["channel"] == "partners")
                         & in_period(marketing_spend["month"], start, end)]
    budget = float(ms["spend_rub"].sum())
    paid = partner_deals[(partner_deals["role"] == "sourced") & partner_deals["payout_date"].notna()]
    commissions = float(paid.loc[in_period(paid["payout_date"], start, end), "payout_rub"].sum())
    lo, hi = acquisition.period(start, end)
    months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    return pd.Series({"commissions": commissions, "mdf_and_comarketing": budget - commissions,
                      "channel_team": team * months}, name="amount_rub")


def channel_conflicts(partner_deals: pd.DataFrame, leads: pd.DataFrame,
                      window_days: int = CONFLICT_WINDOW_DAYS) -> pd.DataFrame:
    """Конфликты каналов: партнёр зарегистрировал лид компании, с которой уже работал прямой канал.

    Лид партнёра (роль ``sourced``) — конфликт, если у той же компании (``account_id``) был лид
    другого канала, созданный не раньше чем за ``window_days`` дней до регистрации и не позже её.
    Одна строка — лид партнёра (при нескольких прямых лидах берётся последний перед регистрацией):
    ``partner_id``, ``lead_id``, ``account_id``, ``registered_date``, ``direct_lead_id``,
    ``direct_channel``, ``days_before`` — сколько дней прямой лид был в работе до регистрации,
    ``direct_worked`` — прямой лид работал SDR/BDR или по нему была сделка.
    """
    require_columns(partner_deals, ["partner_id", "lead_id", "role", "registered_date"], "partner_deals")
    require_columns(leads, ["lead_id", "account_id", "channel", "created_date", "sdr_id", "opportunity_id"], "leads")
    window = int(positive(window_days, "Окно защиты, дни", allow_zero=True))
    src = partner_deals[partner_deals["role"] == "sourced"][["partner_id", "lead_id", "registered_date"]]
    src = src.merge(leads[["lead_id", "account_id"]], on="lead_id", how="left")
    direct = leads[leads["channel"] != "partners"][["lead_id", "account_id", "channel", "created_date", "sdr_id",
                                                     "opportunity_id"]]
    direct = direct.rename(columns={"lead_id": "direct_lead_id", "channel": "direct_channel"})
    pairs = src.merge(direct, on="account_id")
    pairs["days_before"] = (pairs["registered_date"] - pairs["created_date"]).dt.days
    pairs = pairs[pairs["days_before"].between(0, window)]
    pairs = pairs.sort_values(["lead_id", "days_before", "direct_lead_id"]).drop_duplicates("lead_id")
    pairs["direct_worked"] = pairs["sdr_id"].notna() | pairs["opportunity_id"].notna()
    cols = ["partner_id", "lead_id", "account_id", "registered_date", "direct_lead_id", "direct_channel",
            "days_before", "direct_worked"]
    return pairs[cols].sort_values(["registered_date", "lead_id"]).reset_index(drop=True)


def partner_scorecard(partners: pd.DataFrame, partner_deals: pd.DataFrame, opportunities: pd.DataFrame,
                      start, end) -> pd.DataFrame:
    """Карточка партнёров за период: выигранный ACV, сделки, win rate, сертифицированные, уровень.

    Индекс — ``partner_id``; столбцы: ``type``, ``tier`` (уровень в договоре), ``certified_people``,
    ``won_deals`` и ``won_acv_rub`` — выигранные в период сделки партнёра (обе роли), ``closed_deals`` —
    закрытые в период, ``win_rate`` — :func:`kpi.win_rate` по сделкам партнёра (пусто, если закрытых нет).
    В карточке все партнёры, подписавшие договор не позже конца периода.
    """
    require_columns(partners, ["partner_id", "type", "tier", "certified_people", "joined_date"], "partners")
    deals = _deals_with_outcome(partner_deals, opportunities)
    _, hi = acquisition.period(start, end)
    card = partners[partners["joined_date"] <= hi].set_index("partner_id")[["type", "tier", "certified_people"]]
    won = kpi.won_deals(deals, start, end)
    closed = kpi.closed_deals(deals, start, end)
    card["won_deals"] = won.groupby("partner_id").size().reindex(card.index).fillna(0).astype(int)
    card["won_acv_rub"] = won.groupby("partner_id")["amount_rub"].sum().reindex(card.index).fillna(0.0)
    card["closed_deals"] = closed.groupby("partner_id").size().reindex(card.index).fillna(0).astype(int)
    rates = kpi.win_rate(deals, start, end, by="partner_id") if not closed.empty else pd.Series(dtype=float)
    card["win_rate"] = rates.reindex(card.index)
    return card.sort_values("won_acv_rub", ascending=False)


def recommend_tier(scorecard: pd.DataFrame, rules: dict | None = None,
                   min_closed: int = TIER_MIN_CLOSED_DEALS) -> pd.Series:
    """Уровень партнёра по результатам года: gold, silver или registered.

    Партнёр получает уровень, если выполнил пороги уровня из ``rules`` (по умолчанию
    :data:`TIER_RULES`): выигранный ACV, сертифицированные специалисты и win rate. Порог win rate
    проверяется, только если партнёр закрыл за год не меньше ``min_closed`` сделок (столбец
    ``closed_deals``; по умолчанию :data:`TIER_MIN_CLOSED_DEALS`): по двум-трём сделкам доля
    выигрышей ничего не говорит. Ниже порога уровень ставится по ACV и сертификации.
    """
    require_columns(scorecard, ["won_acv_rub", "certified_people", "win_rate", "closed_deals"], "scorecard")
    rules = TIER_RULES if rules is None else rules
    n_min = int(positive(min_closed, "Минимум закрытых сделок", allow_zero=True))
    tier = pd.Series("registered", index=scorecard.index, name="recommended_tier")
    few = scorecard["closed_deals"] < n_min
    for name in ("silver", "gold"):                     # gold перекрывает silver
        acv, cert, wr = rules[name]
        ok = ((scorecard["won_acv_rub"] >= acv) & (scorecard["certified_people"] >= cert)
              & (few | (scorecard["win_rate"].fillna(-1) >= wr)))
        tier[ok] = name
    return tier


def _inputs(deals, acv, gross_margin, margin, cannibalisation, cost):
    d = positive(deals, "Сделок реселлера в год", allow_zero=True)
    a = positive(acv, "Средний ACV сделки, ₽")
    gm = share(gross_margin, "Валовая маржа")
    m = share(margin, "Маржа реселлера")
    c = np.atleast_1d(share(cannibalisation, "Доля каннибализации"))
    k = positive(cost, "Затраты на канал за год, ₽", allow_zero=True)
    return d, a, gm, m, c, k


def reseller_value(deals: float, acv: float, gross_margin: float, margin: float, cannibalisation,
                   channel_cost: float = 0.0, years: int = 1):
    """Сколько валовой прибыли за первый год даст реселлер, ₽ (отрицательное — потеря).

    ``deals`` сделок реселлера в год со средним ACV ``acv``; доля ``cannibalisation`` из них компания
    выиграла бы и сама (прямым отделом продаж), остальные — дополнительные (инкрементальные).
    Реселлер оставляет себе ``margin`` от цены каждой своей сделки. Формула::

        (1 − c) · deals · acv · (gross_margin − margin)     — прибыль дополнительных сделок после маржи
        − c · deals · acv · margin                            — маржа, отданная за сделки, которые были бы и так
        − channel_cost                                        — канальный менеджер, обучение, MDF

    ``cannibalisation`` — число или массив долей (тогда вернётся массив). По умолчанию считается
    первый год (``years=1``) — нижняя граница для подписки. При ``years`` > 1 сделки одного года
    продлеваются без оттока и изменения цены, реселлер получает маржу с каждого продления, а затраты
    на канал — один раз (это затраты на сделки этого года): первые два слагаемых умножаются на ``years``.
    """
    d, a, gm, m, c, k = _inputs(deals, acv, gross_margin, margin, cannibalisation, channel_cost)
    y = int(positive(years, "Горизонт, лет"))
    value = y * ((1 - c) * d * a * (gm - m) - c * d * a * m) - k
    return float(value[0]) if np.ndim(cannibalisation) == 0 else value


def breakeven_cannibalisation(deals: float, acv: float, gross_margin: float, margin: float,
                              channel_cost: float = 0.0, years: int = 1) -> float:
    """Доля каннибализации, при которой реселлер даёт ровно ноль: c* = 1 − (margin + cost / (years · deals · acv)) / gm.

    ``years`` — горизонт, как в :func:`reseller_value` (продления без оттока, затраты канала один раз).

    Выше c* реселлер убыточен. Если реселлер убыточен даже без каннибализации, возвращает 0 —
    и тогда решение «нет» при любой доле.
    """
    d, a, gm, m, _, k = _inputs(deals, acv, gross_margin, margin, 0.0, channel_cost)
    y = int(positive(years, "Горизонт, лет"))
    if d == 0:
        raise MetricError("Сделок реселлера ноль: точки безубыточности нет.")
    return float(min(max(1 - (m + k / (y * d * a)) / gm, 0.0), 1.0))


def max_reseller_margin(deals: float, acv: float, gross_margin: float, cannibalisation: float,
                        channel_cost: float = 0.0) -> float:
    """Наибольшая маржа реселлера, при которой он ещё не убыточен за первый год: m* = (1 − c) · gm − cost / (deals · acv).

    Отрицательное значение значит, что реселлер убыточен даже бесплатно: каннибализация и затраты
    на канал съедают всю прибыль дополнительных сделок.
    """
    d, a, gm, _, c, k = _inputs(deals, acv, gross_margin, 0.0, cannibalisation, channel_cost)
    if d == 0:
        raise MetricError("Сделок реселлера ноль: предельной маржи нет.")
    return float((1 - c[0]) * gm - k / (d * a))


def reseller_sensitivity(deals: float, acv: float, gross_margin: float, margin: float, channel_cost: float,
                         shares: Sequence[float] = (0.0, 0.25, 0.5, 0.75)) -> pd.DataFrame:
    """Таблица чувствительности решения о реселлере к доле каннибализации.

    Строки — доли каннибализации ``shares``; столбцы: ``incremental_deals`` — дополнительных сделок,
    ``gross_profit_rub`` — валовая прибыль дополнительных сделок после маржи, ``margin_given_away_rub`` —
    маржа за сделки, которые компания выиграла бы и сама, ``channel_cost_rub`` и ``value_rub`` — итог, ₽.
    """
    d, a, gm, m, c, k = _inputs(deals, acv, gross_margin, margin, list(shares), channel_cost)
    table = pd.DataFrame({
        "incremental_deals": (1 - c) * d,
        "gross_profit_rub": (1 - c) * d * a * (gm - m),
        "margin_given_away_rub": c * d * a * m,
        "channel_cost_rub": np.full(len(c), k),
    }, index=pd.Index(c, name="cannibalisation"))
    table["value_rub"] = table["gross_profit_rub"] - table["margin_given_away_rub"] - table["channel_cost_rub"]
    return table
