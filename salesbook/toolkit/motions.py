"""Две линии бизнеса рядом и модели продаж по размеру чека (раздел 2.2).

B2B-числа (CAC, ARPA, маржа, отток, LTV, окупаемость) берутся из
``unit_economics.segment_economics``, цикл и win rate — из ``kpi``: у каждого числа
в курсе один дом, здесь они только собираются в одну таблицу. Новые расчёты модуля —
B2C-показатели, которых в курсе ещё не было (ARPPU и отток на подписчико-месяц,
дни до первой оплаты), конверсия пробного периода (PQL) и MQL, точка безубыточности
модели продаж и выбор модели по ACV. Ошибки входа — ``MetricError`` на русском.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.toolkit import acquisition, finance, kpi, retention, unit_economics
from salesbook.toolkit.course import SEGMENTS
from salesbook.toolkit.validation import MetricError, numbers, require_columns, share

#: Модели продаж от самой дешёвой к самой дорогой на сделку.
MOTIONS = ("self_serve", "product_led", "inside_sales", "field_sales")

MOTION_LABELS = {
    "self_serve": "Самообслуживание",
    "product_led": "Продукт + inside sales",
    "inside_sales": "Inside sales",
    "field_sales": "Field sales",
}

#: Какая модель продаж у какой линии «Сферы Софт» (так устроены данные курса):
#: B2C-приложение продаётся без продавца, малый бизнес — пробный период и AE малого
#: бизнеса по телефону, средний и крупный — встречи AE с пресейлом.
LINE_MOTION = {"b2c": "self_serve", "smb": "product_led", "mid_market": "field_sales", "enterprise": "field_sales"}

#: Опубликованные границы моделей продаж по годовому чеку, долл. США (ARPA или ACV за год).
#: ``None`` — граница не задана. Источники — в book/references.bib.
PUBLISHED_ACV_BANDS = pd.DataFrame(
    [
        ("knowledgelib2026motion", "self_serve", None, 2_000),
        ("knowledgelib2026motion", "product_led", 2_000, 10_000),
        ("knowledgelib2026motion", "inside_sales", 10_000, 100_000),
        ("knowledgelib2026motion", "field_sales", 100_000, None),
        ("flg2021insidesales", "inside_sales", None, 50_000),
        ("flg2021insidesales", "field_sales", 50_000, None),
    ],
    columns=["source", "motion", "from_usd", "to_usd"],
)

#: Допустимый CAC по годовому чеку (ARPA) в таблице Janz (2019): годовой отток и
#: опубликованный допустимый CAC, долл. США (маржа 85 %, CAC — меньшее из ¼ LTV и 18 месяцев
#: валовой прибыли). Тест ``tests/test_motions.py`` воспроизводит её :func:`acceptable_cac`.
JANZ_ACCEPTABLE_CAC = pd.DataFrame(
    {"arpa_usd": [100, 1_000, 10_000, 100_000, 1_000_000],
     "annual_churn": [0.50, 0.30, 0.15, 0.10, 0.07],
     "ltv_usd": [170, 2_800, 57_000, 850_000, 12_000_000],
     "cac_usd": [40, 700, 13_000, 130_000, 1_300_000]},
    index=pd.Index(["mice", "rabbits", "deer", "elephants", "whales"], name="animal"),
)
JANZ_GROSS_MARGIN = 0.85

#: Рублей за доллар для сравнения с опубликованными границами — допущение курса
#: (порядок официального курса 2024–2025 годов, округлённо; средний курс не сверялся).
RUB_PER_USD = 90.0


# ---------------------------------------------------------------------------
# B2C: показатели, которых нет в других модулях
# ---------------------------------------------------------------------------


def _subscriber_months(purchases: pd.DataFrame) -> float:
    """Подписчико-месяцы, оплаченные списаниями: месячная подписка — 1, годовая — 12."""
    product = purchases["product"]
    return float((product == "monthly_sub").sum() + 12 * (product == "annual_sub").sum())


def b2c_arppu(b2c_purchases: pd.DataFrame, start, end) -> float:
    """B2C: средняя выручка на подписчико-месяц за период (ARPPU в месяц), ₽.

    Выручка всех списаний периода («Про-пакеты» тоже) делится на оплаченные в период
    подписчико-месяцы: месячная подписка оплачивает один месяц, годовая — двенадцать.
    Аналог B2B-ARPA (MRR на платящего клиента в месяц).
    """
    require_columns(b2c_purchases, ["date", "product", "amount_rub"], "b2c_purchases")
    rows = b2c_purchases[acquisition.in_period(b2c_purchases["date"], start, end)]
    months = _subscriber_months(rows)
    if months <= 0:
        raise MetricError("За период нет оплаченных подписок — ARPPU не определён.")
    return float(rows["amount_rub"].sum()) / months


def b2c_monthly_churn(b2c_purchases: pd.DataFrame, start, end) -> float:
    """B2C: отток на подписчико-месяц у подписчиков, впервые заплативших в период.

    Ушедшие (не продлили месячную или годовую подписку,
    :func:`salesbook.toolkit.retention.subscription_lifetimes`) делятся на подписчико-месяцы,
    которые эти подписчики прожили до конца данных: продление месячной — 1 месяц, годовой — 12.
    Это постоянный отток, эквивалентный смеси тарифов; у годовых подписчиков он
    сосредоточен в месяце продления.
    """
    require_columns(b2c_purchases, ["user_id", "date", "product", "amount_rub"], "b2c_purchases")
    first = b2c_purchases.groupby("user_id")["date"].min()
    cohort = first[acquisition.in_period(first, start, end)].index
    rows = b2c_purchases[b2c_purchases["user_id"].isin(cohort)]
    churned, exposure = 0.0, 0.0
    for product, days, months in (("monthly_sub", 30, 1), ("annual_sub", 365, 12)):
        if not (rows["product"] == product).any():
            continue
        subs = retention.subscription_lifetimes(rows, product, days, end=b2c_purchases["date"].max())
        churned += float(subs["churned"].sum())
        exposure += float(subs["periods"].sum()) * months
    if exposure <= 0:
        raise MetricError("У подписчиков периода ещё не было ни одного продления — отток не определён.")
    return churned / exposure


def b2c_days_to_first_purchase(b2c_users: pd.DataFrame, b2c_purchases: pd.DataFrame, start, end) -> float:
    """B2C: медиана дней от регистрации до первой оплаты у зарегистрированных в период — «цикл сделки» B2C."""
    require_columns(b2c_users, ["user_id", "signup_date"], "b2c_users")
    require_columns(b2c_purchases, ["user_id", "date"], "b2c_purchases")
    users = b2c_users[acquisition.in_period(b2c_users["signup_date"], start, end)]
    first = b2c_purchases.groupby("user_id")["date"].min()
    paid = users.assign(first=users["user_id"].map(first)).dropna(subset=["first"])
    if paid.empty:
        raise MetricError("Никто из зарегистрированных в период не заплатил — цикл не определён.")
    return float((paid["first"] - paid["signup_date"]).dt.days.median())


def b2c_line(tables: dict, start, end) -> dict[str, float]:
    """B2C «Сфера Планер» за период: те же строки, что у сегментов B2B в :func:`line_comparison`.

    CAC — реклама платных каналов B2C за период / платящие из этих каналов среди
    зарегистрированных в период (столбцы :func:`unit_economics.b2c_channel_economics`);
    конверсия — доля платящих среди всех регистраций периода; годовой чек — ARPPU × 12;
    маржа — :func:`retention.gross_margin` B2C; окупаемость — та же формула, что у B2B
    (``finance.payback_simple``). LTV и LTV/CAC для B2C не считаются (``nan``): формула
    ARPA × маржа / отток для приложения не работает (раздел 1.1.2 — отток подписчиков не
    постоянен, платят по-разному); B2C-оценку LTV даёт
    :func:`unit_economics.b2c_paid_signup_economics` на когорте регистраций.
    """
    need = ["b2c_users", "b2c_purchases", "marketing_spend", "cogs"]
    missing = [n for n in need if n not in tables]
    if missing:
        raise MetricError(f"Не хватает таблиц: {', '.join(missing)}.")
    users, purchases, spend, cogs = (tables[n] for n in need)
    channels = unit_economics.b2c_channel_economics(users, purchases, spend, cogs, start, end)
    paid = channels[channels["spend_rub"] > 0]
    cac = acquisition.cac(paid["spend_rub"].sum(), paid["payers"].sum())
    gm = retention.gross_margin(cogs, retention.b2c_revenue(purchases), start, end, business_line="b2c")
    arppu = b2c_arppu(purchases, start, end)
    churn = b2c_monthly_churn(purchases, start, end)
    return {
        "acv": arppu * 12,
        "cycle_days": b2c_days_to_first_purchase(users, purchases, start, end),
        "conversion": float(channels["payers"].sum() / channels["signups"].sum()),
        "cac": cac,
        "arpa": arppu,
        "gross_margin": gm,
        "monthly_churn": churn,
        "ltv": float("nan"),
        "ltv_cac": float("nan"),
        "payback_months": float(finance.payback_simple(cac, arppu * gm)),
    }


#: Строки таблицы двух линий и их подписи.
COMPARISON_ROWS = {
    "acv": "Годовой чек (ACV / ARPPU × 12), ₽",
    "cycle_days": "Цикл: медиана, дней",
    "conversion": "Конверсия последнего шага",
    "cac": "CAC, ₽",
    "arpa": "ARPA / ARPPU в месяц, ₽",
    "gross_margin": "Валовая маржа",
    "monthly_churn": "Отток в месяц",
    "ltv": "LTV, ₽",
    "ltv_cac": "LTV/CAC",
    "payback_months": "Окупаемость CAC, мес.",
}


def line_comparison(tables: dict, start, end, churn_start=None, churn_end=None) -> pd.DataFrame:
    """Сегменты B2B «Сферы Деск» и B2C «Сфера Планер» рядом за один период.

    Столбцы — ``smb``, ``mid_market``, ``enterprise``, ``b2c``; строки — ключи
    :data:`COMPARISON_ROWS`. B2B: :func:`unit_economics.segment_economics` (CAC, ARPA,
    маржа, отток за ``churn_start``–``churn_end``, LTV, LTV/CAC, окупаемость; ACV = стартовый
    MRR × 12), :func:`kpi.median_cycle` (выигранные сделки, закрытые в период) и
    :func:`kpi.win_rate` (конверсия последнего шага: сделка → выигрыш). B2C — :func:`b2c_line`
    за ``start``–``end`` (конверсия: регистрация → оплата).
    """
    economics = unit_economics.segment_economics(tables, start, end, churn_start, churn_end)
    opps = tables["opportunities"]
    b2b = pd.DataFrame({
        "acv": economics["new_mrr"] * 12,
        "cycle_days": kpi.median_cycle(opps, start, end, by="segment"),
        "conversion": kpi.win_rate(opps, start, end, by="segment"),
        "cac": economics["cac"],
        "arpa": economics["arpa"],
        "gross_margin": economics["gross_margin"],
        "monthly_churn": economics["monthly_churn"],
        "ltv": economics["ltv"],
        "ltv_cac": economics["ltv_cac"],
        "payback_months": economics["payback_months"],
    }).loc[list(SEGMENTS)]
    table = b2b.T
    table["b2c"] = pd.Series(b2c_line(tables, start, end))
    table = table.loc[list(COMPARISON_ROWS)]
    table.index.name = "metric"
    return table


def channel_mix(leads: pd.DataFrame, b2c_users: pd.DataFrame, start, end) -> pd.DataFrame:
    """Доли каналов: B2B-лиды (по дате создания) и B2C-регистрации (по дате регистрации) за период.

    Столбцы ``b2b`` и ``b2c`` — доли от всех лидов и всех регистраций линии; канала нет у линии — 0.
    """
    require_columns(leads, ["channel", "created_date"], "leads")
    require_columns(b2c_users, ["acquisition_channel", "signup_date"], "b2c_users")
    b2b = leads.loc[acquisition.in_period(leads["created_date"], start, end), "channel"].value_counts(normalize=True)
    b2c = b2c_users.loc[acquisition.in_period(b2c_users["signup_date"], start, end), "acquisition_channel"].value_counts(normalize=True)
    if b2b.empty or b2c.empty:
        raise MetricError("За период нет лидов или регистраций — доли каналов не определены.")
    return pd.DataFrame({"b2b": b2b, "b2c": b2c}).fillna(0.0).sort_values(["b2b", "b2c"], ascending=False)


# ---------------------------------------------------------------------------
# Пробный период: PQL против MQL
# ---------------------------------------------------------------------------

#: Группы лидов малого бизнеса в :func:`lead_conversion`.
LEAD_GROUPS = {
    "trial": "Регистрация пробного периода",
    "pql": "PQL: пробный период активирован",
    "mql": "MQL без пробного периода",
}


def lead_conversion(leads: pd.DataFrame, opportunities: pd.DataFrame, start, end, segment: str = "smb") -> pd.DataFrame:
    """Конверсия лидов сегмента, созданных в период, по группам :data:`LEAD_GROUPS`.

    ``trial`` — все регистрации пробного периода (``trial_started``); ``pql`` — те из них,
    кто активировал пробный период (есть ``mql_date``: день активации); ``mql`` — лиды без
    пробного периода, ставшие MQL. Столбцы: ``leads``, ``sqls``, ``customers`` (лид привёл
    к выигранной сделке — когда угодно до конца данных), ``sql_rate``, ``win_rate``
    (клиенты / лиды группы), ``win_per_sql`` (клиенты / SQL).
    """
    require_columns(leads, ["segment", "created_date", "trial_started", "mql_date", "sql_date", "opportunity_id"], "leads")
    require_columns(opportunities, ["opportunity_id", "outcome"], "opportunities")
    if segment not in SEGMENTS:
        raise MetricError(f"Сегмент {segment!r} не из списка: {', '.join(SEGMENTS)}.")
    rows = leads[acquisition.in_period(leads["created_date"], start, end) & (leads["segment"] == segment)]
    if rows.empty:
        raise MetricError("За период нет лидов этого сегмента.")
    won = rows["opportunity_id"].isin(opportunities.loc[opportunities["outcome"] == "won", "opportunity_id"])
    trial = rows["trial_started"].astype(bool)
    qualified = rows["mql_date"].notna()
    groups = {"trial": trial, "pql": trial & qualified, "mql": ~trial & qualified}
    table = pd.DataFrame({
        name: {"leads": int(mask.sum()), "sqls": int((mask & rows["sql_date"].notna()).sum()),
               "customers": int((mask & won).sum())}
        for name, mask in groups.items()
    }).T
    with np.errstate(divide="ignore", invalid="ignore"):
        table["sql_rate"] = table["sqls"] / table["leads"].where(table["leads"] > 0)
        table["win_rate"] = table["customers"] / table["leads"].where(table["leads"] > 0)
        table["win_per_sql"] = table["customers"] / table["sqls"].where(table["sqls"] > 0)
    table.index.name = "group"
    return table


def conversion_intervals(conversion: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """95-процентные интервалы Уилсона для долей :func:`lead_conversion`.

    Для каждой группы: ``win_rate_low``/``win_rate_high`` (клиенты / лиды) и
    ``win_per_sql_low``/``win_per_sql_high`` (клиенты / SQL) — ``proportion_confint``
    из statsmodels, метод Уилсона. Нужны там, где клиентов в группе — десятки.
    """
    from statsmodels.stats.proportion import proportion_confint

    need = {"leads", "sqls", "customers"}
    if not need <= set(conversion.columns):
        raise MetricError("Нужна таблица lead_conversion: столбцы leads, sqls, customers.")
    if not 0 < level < 1:
        raise MetricError("Уровень доверия — доля от 0 до 1.")
    out = pd.DataFrame(index=conversion.index)
    for name, base in (("win_rate", "leads"), ("win_per_sql", "sqls")):
        ok = conversion[base] > 0
        low, high = proportion_confint(conversion.loc[ok, "customers"].astype(int), conversion.loc[ok, base].astype(int),
                                       alpha=1 - level, method="wilson")
        out[f"{name}_low"] = pd.Series(low, index=conversion.index[ok])
        out[f"{name}_high"] = pd.Series(high, index=conversion.index[ok])
    return out


def win_ratio_interval(conversion: pd.DataFrame, top: str = "pql", bottom: str = "mql", level: float = 0.95) -> tuple[float, float, float]:
    """Отношение долей «лид → клиент» двух групп :func:`lead_conversion` и его интервал.

    Возвращает (отношение, нижняя граница, верхняя граница); интервал — логарифмический
    (Katz) из ``statsmodels.stats.contingency_tables.Table2x2.riskratio_confint``.
    """
    from statsmodels.stats.contingency_tables import Table2x2

    for group in (top, bottom):
        if group not in conversion.index:
            raise MetricError(f"Группы {group!r} нет в таблице: {', '.join(conversion.index)}.")
        if conversion.loc[group, "customers"] <= 0 or conversion.loc[group, "customers"] >= conversion.loc[group, "leads"]:
            raise MetricError(f"В группе {group!r} нет клиентов или клиенты — все лиды: отношение не определено.")
    a, n1 = int(conversion.loc[top, "customers"]), int(conversion.loc[top, "leads"])
    c, n2 = int(conversion.loc[bottom, "customers"]), int(conversion.loc[bottom, "leads"])
    t = Table2x2(np.array([[a, n1 - a], [c, n2 - c]]))
    low, high = t.riskratio_confint(alpha=1 - level)
    return float(t.riskratio), float(low), float(high)


# ---------------------------------------------------------------------------
# Модель продаж: сколько стоит сделка и с какого чека окупается
# ---------------------------------------------------------------------------


def acceptable_cac(arpa_year, gross_margin, annual_churn, ltv_share: float = 0.25, payback_months: float = 18):
    """Допустимый CAC по правилу Janz: меньшее из доли LTV и валовой прибыли за срок окупаемости.

    LTV = годовой чек × маржа / годовой отток; допустимый CAC = min(``ltv_share`` × LTV,
    годовой чек × маржа × ``payback_months`` / 12). По умолчанию — четверть LTV и
    18 месяцев валовой прибыли, как в таблице Janz (2019).
    """
    arpa = numbers(arpa_year, "Годовой чек")
    gm = share(gross_margin, "Валовая маржа", lower_open=True)
    churn = share(annual_churn, "Годовой отток", lower_open=True)
    if np.any(arpa < 0):
        raise MetricError("Годовой чек не может быть отрицательным.")
    if payback_months <= 0 or not 0 < ltv_share <= 1:
        raise MetricError("Срок окупаемости — больше нуля месяцев, доля LTV — от 0 до 1.")
    ltv = arpa * gm / churn
    result = np.minimum(ltv_share * ltv, arpa * gm * payback_months / 12)
    return float(result) if np.ndim(result) == 0 else result


def break_even_acv(cost_per_deal, gross_margin, payback_months: float = 12):
    """Минимальный ACV, при котором затраты на продажу окупаются за ``payback_months``.

    ACV × маржа × срок / 12 = стоимость сделки  ⇒  ACV = стоимость × 12 / (маржа × срок).
    Отток за срок окупаемости не учитывается — как в простой окупаемости раздела 1.1.3.
    """
    cost = numbers(cost_per_deal, "Стоимость сделки")
    gm = share(gross_margin, "Валовая маржа", lower_open=True)
    if np.any(cost < 0):
        raise MetricError("Стоимость сделки не может быть отрицательной.")
    if payback_months <= 0:
        raise MetricError("Срок окупаемости — больше нуля месяцев.")
    result = cost * 12 / (gm * payback_months)
    return float(result) if np.ndim(result) == 0 else result


def motion_costs(comparison: pd.DataFrame, payback_months: float = 12) -> pd.DataFrame:
    """Стоимость сделки каждой модели продаж «Сферы Софт» и ACV, с которого она окупается.

    ``comparison`` — таблица :func:`line_comparison`. Для каждой линии: модель
    (:data:`LINE_MOTION`), стоимость сделки — её CAC (у B2B — полный, с зарплатами), ACV,
    точка безубыточности :func:`break_even_acv` при её марже и запас ``acv / break_even``
    (больше 1 — модель окупается быстрее срока).
    """
    need = {"cac", "acv", "gross_margin"}
    if not need <= set(comparison.index):
        raise MetricError("Нужна таблица line_comparison: строки cac, acv, gross_margin.")
    frame = comparison.loc[["cac", "acv", "gross_margin"]].T.astype(float)
    frame["motion"] = [LINE_MOTION.get(line, "") for line in frame.index]
    frame["break_even_acv"] = break_even_acv(frame["cac"].to_numpy(), frame["gross_margin"].to_numpy(), payback_months)
    frame["headroom"] = frame["acv"] / frame["break_even_acv"]
    frame.index.name = "line"
    return frame.sort_values("cac")


def motion_for_acv(acv: float, break_even: pd.Series) -> str:
    """Самая «плотная» модель продаж, которая при данном ACV ещё окупается в срок.

    ``break_even`` — точки безубыточности по моделям (индекс — коды :data:`MOTIONS`).
    Чем дороже модель, тем больше продавец делает для сделки; её берут, пока чек её
    оплачивает. Если не окупается ни одна — ``"none"``.
    """
    value = float(numbers(acv, "ACV"))
    affordable = [m for m in MOTIONS if m in break_even.index and break_even[m] <= value]
    return affordable[-1] if affordable else "none"
