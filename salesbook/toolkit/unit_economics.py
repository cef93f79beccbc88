"""Юнит-экономика компании: LTV по формуле, LTV/CAC и их входы из данных (разделы 1.1.2–1.1.4).

Формулы и их источники разобраны в книге; здесь — только расчёт с проверкой
входа (ошибки — ``MetricError`` на русском). Окупаемость, NPV и дисконтирование
считает ``finance``, отток — ``retention.churn_rates``; этот модуль их вызывает.
"""

from __future__ import annotations

import pandas as pd

from salesbook.toolkit import acquisition, finance, retention
from salesbook.toolkit.course import DATA_END, DATA_START, SEGMENTS
from salesbook.toolkit.validation import MetricError, numbers, require_columns, share


def annual_from_monthly_churn(monthly: float) -> float:
    """Годовой отток из месячного: 1 − (1 − m)¹². Не m × 12 — отток «сложный»."""
    m = share(monthly, "Месячный отток")
    return 1 - (1 - m) ** 12


def monthly_from_annual_churn(annual: float) -> float:
    """Месячный отток из годового: 1 − (1 − a)^(1/12)."""
    a = share(annual, "Годовой отток")
    return 1 - (1 - a) ** (1 / 12)


def simple_ltv(arpa_month, gross_margin, monthly_churn):
    """LTV по формуле: ARPA × валовая маржа / месячный отток (на валовой прибыли, не на выручке).

    ARPA и отток — за один период и по одной базе клиентов (сегмент, линия бизнеса).
    Это ряд :func:`salesbook.toolkit.finance.ltv_horizon` до бесконечности. Числа
    или массивы (тогда — массив).

    Нулевой отток (за период не ушёл ни один клиент — так бывает в крупном бизнесе,
    где клиентов единицы) даёт ``inf``: формула не ограничивает срок жизни клиента,
    и LTV по ней бесконечен. Это не ошибка расчёта, а предел формулы — возьмите
    горизонт (``finance.ltv_horizon(..., months=60)``), отток за более длинный период
    или когортную оценку (``retention.cohort_ltv``).
    """
    gm = share(gross_margin, "Валовая маржа")
    churn = share(monthly_churn, "Месячный отток")
    return finance.ltv_horizon(numbers(arpa_month, "ARPA") * gm, churn)


def blended_ltv(ltv_by_segment, new_customers) -> float:
    """LTV «по компании» из LTV сегментов, взвешенный по привлечённым клиентам.

    Вес сегмента — его доля среди **новых** клиентов за период (``new_customers``:
    Series сегмент → число привлечённых). Именно за этот состав платят CAC, поэтому
    такой LTV сравнивают со средним CAC. Вес по клиенто-месяцам «под риском»
    (знаменатель оттока) — состав базы, а не притока: в ней больше клиентов, которые
    живут долго, и LTV нового клиента вышел бы другим. Сегмент с бесконечным LTV
    (нулевой отток без горизонта) и ненулевым весом делает результат бесконечным.
    """
    ltv = pd.Series(ltv_by_segment, dtype=float)
    weights = pd.Series(new_customers, dtype=float)
    if set(ltv.index) != set(weights.index):
        raise MetricError("Сегменты LTV и привлечённых клиентов должны совпадать.")
    weights = weights.loc[ltv.index]
    if (weights < 0).any() or weights.sum() <= 0 or weights.isna().any():
        raise MetricError("Привлечённых клиентов должно быть неотрицательное число, хотя бы один в сумме.")
    if ltv.isna().any():
        raise MetricError("LTV сегмента не определён (NaN).")
    share = weights / weights.sum()
    used = share > 0
    return float((ltv[used] * share[used]).sum())


def ltv_to_cac(ltv: float, cac: float) -> float:
    """Отношение LTV/CAC."""
    if float(cac) <= 0:
        raise MetricError("CAC должен быть больше нуля.")
    return float(ltv) / float(cac)


# ---------------------------------------------------------------------------
# Входы юнит-экономики из данных компании (разделы 1.1.3 и 1.1.4)
# ---------------------------------------------------------------------------
#
# Здесь — только «сырьё» для формул выше: валовая маржа, ARPA, месячный
# лого-отток, новый MRR и CAC по сегментам. Всё векторно (pandas), периоды —
# включительно, как в ``acquisition.in_period``.


def _with_segment(mrr, accounts):
    require_columns(accounts, ["account_id", "segment"], "accounts")
    return mrr.merge(accounts[["account_id", "segment"]], on="account_id", how="left", validate="m:1")


def gross_margin_for_period(mrr, cogs, start, end, business_line: str = "b2b") -> float:
    """Валовая маржа B2B за период: (выручка − себестоимость) / выручка.

    Выручка месяца B2B равна MRR на конец месяца (так устроены данные курса).
    Тот же расчёт, что :func:`salesbook.toolkit.retention.gross_margin`, с таблицей MRR на входе.
    """
    require_columns(mrr, ["month", "mrr_rub"], "mrr")
    return retention.gross_margin(cogs, retention.b2b_revenue(mrr), start, end, business_line)


def arpa_for_period(mrr, start, end, accounts=None, by: str | None = None):
    """ARPA — средний MRR на платящего клиента в месяц за период.

    Среднее по парам «клиент × месяц» с ненулевым MRR (месяц оттока, где MRR = 0,
    не входит). С ``accounts`` и ``by="segment"`` — по сегментам (Series).
    Обёртка над :func:`salesbook.toolkit.retention.arpa`, которая сама добавляет сегмент.
    """
    if by is not None:
        if accounts is None:
            raise MetricError("Чтобы посчитать ARPA по сегментам, передайте таблицу accounts.")
        mrr = _with_segment(mrr, accounts)
    return retention.arpa(mrr, start, end, by=by)


def logo_churn_monthly(mrr, start, end, accounts=None, by: str | None = None):
    """Месячный лого-отток за период: ушедшие клиенты / клиенты, платившие на начало месяца.

    Одно число (или Series по сегментам) — столбец ``logo_churn`` из
    :func:`salesbook.toolkit.retention.churn_rates`, единственного расчёта оттока
    в курсе: числитель и знаменатель суммируются по всем месяцам периода
    (взвешенное среднее, а не среднее месячных долей). Период называйте явно:
    по сегментам курс берёт ``course.YEARS_2024_2025``.
    """
    if by is not None:
        if accounts is None:
            raise MetricError("Чтобы посчитать отток по сегментам, передайте таблицу accounts.")
        rates = retention.churn_rates(_with_segment(mrr, accounts), start, end, by=by)["logo_churn"]
        if rates.isna().any():
            raise MetricError("В одном из сегментов нет клиентов на начало месяцев периода — отток не определён.")
        return rates.rename("monthly_churn")
    return float(retention.churn_rates(mrr, start, end)["logo_churn"].iloc[0])


def new_mrr_per_customer(opportunities, start, end, by: str | None = None):
    """Средний стартовый MRR нового клиента: ACV первой выигранной сделки / 12.

    Именно этот MRR «окупает» CAC: с него начинается окупаемость в разделе 1.1.3.
    """
    deals = acquisition.new_customer_deals(opportunities)
    deals = deals[acquisition.in_period(deals["close_date"], start, end)]
    if deals.empty:
        raise MetricError("За период нет новых клиентов — стартовый MRR не определён.")
    if by is None:
        return float(deals["amount_rub"].mean() / 12)
    return (deals.groupby(by)["amount_rub"].mean() / 12).rename("new_mrr_rub")


def segment_acquisition_costs(marketing_spend, sm_costs, reps, leads, opportunities, start, end) -> pd.Series:
    """Полные затраты на привлечение за период по сегментам (как в разделе 1.1.1).

    Распределение — как в :func:`salesbook.toolkit.acquisition.cac_by_segment`: зарплаты AE, SE и
    руководителей по командам, бюджет с сегментом — сегменту, SDR и BDR — по SQL, которые они
    квалифицировали, остальное — пропорционально прямым затратам сегмента.
    """
    require_columns(leads, ["sql_date", "segment"], "leads")
    if not acquisition.in_period(leads["sql_date"], start, end).any():
        raise MetricError("За период нет SQL — общие затраты нечем распределить между сегментами.")
    table = acquisition.cac_by_segment(marketing_spend, sm_costs, leads, opportunities, reps, start, end, segments=SEGMENTS)
    return table["costs"].fillna(0.0).rename("costs_rub")


def segment_economics(tables: dict, start, end, churn_start=None, churn_end=None) -> pd.DataFrame:
    """Юнит-экономика по сегментам B2B за период: вход для окупаемости и LTV/CAC.

    ``tables`` — словарь таблиц из ``salesbook.data.load`` (нужны marketing_spend,
    sm_costs, reps, leads, opportunities, mrr, cogs, accounts). CAC, стартовый MRR,
    ARPA и маржа — за период ``start``–``end`` (клиенты, пришедшие в этот период).
    Отток берётся за отдельный, обычно более длинный период ``churn_start``–``churn_end``
    (в курсе — ``course.YEARS_2024_2025``): за один год в крупном бизнесе может не уйти
    ни один клиент, и LTV выйдет бесконечным.

    Столбцы: ``cac``, ``new_mrr`` (стартовый MRR нового клиента), ``arpa``,
    ``gross_margin`` (одна на всю линию: себестоимость по сегментам не делится),
    ``monthly_churn``, ``ltv`` (ARPA × маржа / отток, как :func:`simple_ltv`; при нулевом оттоке — ``inf``), ``ltv_cac``,
    ``payback_months`` (:func:`salesbook.toolkit.finance.payback_simple`: CAC / (новый MRR × маржа)).
    """
    need = ["marketing_spend", "sm_costs", "reps", "leads", "opportunities", "mrr", "cogs", "accounts"]
    missing = [n for n in need if n not in tables]
    if missing:
        raise MetricError(f"Не хватает таблиц: {', '.join(missing)}.")
    t = tables
    churn_start = start if churn_start is None else churn_start
    churn_end = end if churn_end is None else churn_end
    costs = segment_acquisition_costs(t["marketing_spend"], t["sm_costs"], t["reps"], t["leads"], t["opportunities"], start, end)
    customers = pd.Series({s: acquisition.new_customers(t["opportunities"], start, end, segment=s) for s in SEGMENTS})
    frame = pd.DataFrame({"costs": costs, "customers": customers})
    frame["cac"] = frame["costs"] / frame["customers"].where(frame["customers"] > 0)
    frame["new_mrr"] = new_mrr_per_customer(t["opportunities"], start, end, by="segment")
    frame["arpa"] = arpa_for_period(t["mrr"], start, end, t["accounts"], by="segment")
    frame["gross_margin"] = gross_margin_for_period(t["mrr"], t["cogs"], start, end)
    frame["monthly_churn"] = logo_churn_monthly(t["mrr"], churn_start, churn_end, t["accounts"], by="segment")
    frame["ltv"] = finance.ltv_horizon(frame["arpa"] * frame["gross_margin"], frame["monthly_churn"])
    frame["ltv_cac"] = frame["ltv"] / frame["cac"]
    frame["payback_months"] = finance.payback_simple(frame["cac"], frame["new_mrr"] * frame["gross_margin"])
    frame.index.name = "segment"
    return frame.loc[list(SEGMENTS)]


def monthly_gross_margin(mrr, cogs, business_line: str = "b2b") -> pd.Series:
    """Валовая маржа каждого месяца: 1 − себестоимость месяца / выручка месяца."""
    require_columns(mrr, ["month", "mrr_rub"], "mrr")
    require_columns(cogs, ["month", "business_line", "amount_rub"], "cogs")
    revenue = mrr.groupby("month")["mrr_rub"].sum()
    cost = cogs[cogs["business_line"] == business_line].groupby("month")["amount_rub"].sum()
    revenue = revenue[revenue > 0]
    return (1 - cost.reindex(revenue.index).fillna(0.0) / revenue).rename("gross_margin")


def cohort_gross_profit_curve(mrr, cogs, account_ids, months: int | None = None) -> pd.Series:
    """Фактическая валовая прибыль когорты на одного привлечённого клиента по месяцам жизни.

    Месяц жизни 1 — первый оплаченный месяц клиента. В месяце k складывается
    MRR всех клиентов когорты (ушедшие дают ноль, расширения — плюс), умножается
    на валовую маржу календарного месяца и делится на размер когорты. Кривая
    обрезается там, где данные есть ещё не у всех клиентов когорты (иначе хвост
    занижен не оттоком, а концом истории).
    """
    require_columns(mrr, ["month", "account_id", "mrr_rub"], "mrr")
    ids = pd.Index(pd.unique(pd.Series(list(account_ids), dtype=object)))
    if len(ids) == 0:
        raise MetricError("Когорта пуста.")
    rows = mrr[mrr["account_id"].isin(ids)]
    if rows["account_id"].nunique() != len(ids):
        raise MetricError("У части клиентов когорты нет строк в mrr — это точно клиенты?")
    first = rows.groupby("account_id")["month"].min()
    last = mrr["month"].max()
    observed = (last.year - first.dt.year) * 12 + (last.month - first.dt.month) + 1
    horizon = int(observed.min()) if months is None else min(int(months), int(observed.min()))
    start = rows["account_id"].map(first)
    k = (rows["month"].dt.year - start.dt.year) * 12 + (rows["month"].dt.month - start.dt.month) + 1
    gm = rows["month"].map(monthly_gross_margin(mrr, cogs))
    profit = (rows["mrr_rub"] * gm).groupby(k).sum() / len(ids)
    curve = profit.reindex(range(1, horizon + 1), fill_value=0.0)
    curve.index.name = "month_of_life"
    return curve.rename("gross_profit_rub")


def commercial_cost_structure(tables: dict, start, end, fit_start=DATA_START, fit_end=DATA_END) -> pd.DataFrame:
    """Постоянные и переменные затраты коммерческой части B2B в среднем за месяц периода.

    Постоянные (не зависят от числа клиентов в месяце): рекламный бюджет, оклады,
    страховые взносы с окладов, инструменты, офис и агентства отделов продаж, маркетинга
    и customer success, а также постоянная часть себестоимости. Переменные
    (растут вместе с выручкой): переменная часть себестоимости, премии и взносы с премий
    (их начисляют при выплате премии; деление — ``acquisition.payroll_tax_split``).
    Себестоимость делится на части регрессией помесячных затрат на выручку за
    ``fit_start``–``fit_end`` (``finance.split_fixed_variable``).

    Столбцы: ``kind`` (fixed / variable), ``monthly_rub`` — в среднем за месяц,
    ``share_of_revenue`` — доля выручки (для переменных — их ставка).
    Упрощение: премии привязаны к новым продажам, а не ко всей выручке, но
    считаются долей выручки.
    """
    need = ["marketing_spend", "sm_costs", "mrr", "cogs"]
    missing = [n for n in need if n not in tables]
    if missing:
        raise MetricError(f"Не хватает таблиц: {', '.join(missing)}.")
    spend, sm, mrr, cogs = (tables[n] for n in need)
    revenue = mrr.groupby("month")["mrr_rub"].sum()
    cost = cogs[cogs["business_line"] == "b2b"].groupby("month")["amount_rub"].sum()
    fit = revenue.rename("revenue").to_frame().join(cost.rename("cogs"), how="inner").dropna()
    fit = fit[acquisition.in_period(fit.index.to_series(), fit_start, fit_end)]
    fixed_cogs, variable_rate = finance.split_fixed_variable(fit["cogs"], fit["revenue"])
    period_revenue = revenue[acquisition.in_period(revenue.index.to_series(), start, end)]
    n_months = len(period_revenue)
    if n_months == 0 or period_revenue.sum() <= 0:
        raise MetricError("За период нет выручки — структуру затрат не с чем сравнить.")
    monthly_revenue = float(period_revenue.sum()) / n_months
    media = float(spend.loc[acquisition.in_period(spend["month"], start, end) & (spend["business_line"] == "b2b"), "spend_rub"].sum()) / n_months
    by_type = sm[acquisition.in_period(sm["month"], start, end)].groupby("cost_type")["amount_rub"].sum() / n_months
    rows = {"media": ("fixed", media)}
    tax_fixed, tax_variable = acquisition.payroll_tax_split(
        by_type.get("salary", 0.0), by_type.get("bonus", 0.0), by_type.get("payroll_tax", 0.0), 0.0)
    for cost_type, amount in by_type.items():
        if cost_type == "payroll_tax":
            rows["payroll_tax_fixed"] = ("fixed", tax_fixed)
            rows["payroll_tax_variable"] = ("variable", tax_variable)
        else:
            rows[cost_type] = ("variable" if cost_type == "bonus" else "fixed", float(amount))
    rows["cogs_fixed"] = ("fixed", fixed_cogs)
    rows["cogs_variable"] = ("variable", variable_rate * monthly_revenue)
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["kind", "monthly_rub"])
    table["share_of_revenue"] = table["monthly_rub"] / monthly_revenue
    table.index.name = "item"
    return table.sort_values(["kind", "monthly_rub"], ascending=[True, False])


def b2c_channel_economics(b2c_users, b2c_purchases, marketing_spend, cogs, start, end) -> pd.DataFrame:
    """B2C: фактическое LTV/CAC по каналам для пользователей, зарегистрированных в период.

    CAC — рекламный бюджет B2C-канала за период / платящие пользователи этой
    когорты из канала (платящий — хотя бы одна покупка за всю историю).
    LTV — фактическая выручка когорты канала за всю историю данных на платящего,
    умноженная на валовую маржу B2C за всю историю. Это реализованный LTV на
    горизонте до конца данных, а не прогноз: хвост жизни ещё впереди.
    Органика остаётся в таблице с пустыми CAC и LTV/CAC.
    """
    require_columns(b2c_users, ["user_id", "signup_date", "acquisition_channel"], "b2c_users")
    require_columns(b2c_purchases, ["user_id", "amount_rub"], "b2c_purchases")
    require_columns(marketing_spend, ["month", "business_line", "channel", "spend_rub"], "marketing_spend")
    users = b2c_users[acquisition.in_period(b2c_users["signup_date"], start, end)]
    if users.empty:
        raise MetricError("За период нет регистраций B2C.")
    bought = b2c_purchases.merge(users[["user_id", "acquisition_channel"]], on="user_id", how="inner")
    revenue_all = float(b2c_purchases["amount_rub"].sum())
    cost_all = float(cogs.loc[cogs["business_line"] == "b2c", "amount_rub"].sum())
    if revenue_all <= 0:
        raise MetricError("У B2C нет выручки — маржу посчитать нельзя.")
    margin = 1 - cost_all / revenue_all
    spend = marketing_spend[acquisition.in_period(marketing_spend["month"], start, end) & (marketing_spend["business_line"] == "b2c")]
    table = pd.DataFrame({
        "spend_rub": spend.groupby("channel")["spend_rub"].sum(),
        "signups": users.groupby("acquisition_channel").size(),
        "payers": bought.groupby("acquisition_channel")["user_id"].nunique(),
        "revenue_rub": bought.groupby("acquisition_channel")["amount_rub"].sum(),
    })
    table = table[table["signups"].notna()].fillna({"spend_rub": 0.0, "payers": 0, "revenue_rub": 0.0})
    payers = table["payers"].where(table["payers"] > 0)
    table["cac"] = table["spend_rub"].where(table["spend_rub"] > 0) / payers
    table["ltv"] = table["revenue_rub"] / payers * margin
    table["ltv_cac"] = table["ltv"] / table["cac"]
    table["gross_margin"] = margin
    table.index.name = "channel"
    return table.sort_values("ltv_cac", ascending=False)


def b2c_paid_signup_economics(b2c_users, b2c_purchases, marketing_spend, gross_margin: float, start, end, months: int = 24) -> dict[str, float]:
    """B2C: валовая прибыль платной регистрации за ``months`` месяцев против рекламы на неё.

    Обе величины — на одной базе: регистрации из платных каналов (не ``organic``)
    за период ``start``–``end``. ``gross_profit_per_signup`` — их накопленная к возрасту
    ``months`` выручка (:func:`salesbook.toolkit.retention.b2c_cohorts`) × ``gross_margin``
    на одну регистрацию; ``spend_per_signup`` — реклама B2C за тот же период на одну
    такую регистрацию. Ключи: ``signups``, ``gross_profit_per_signup``, ``spend_per_signup``.
    """
    require_columns(b2c_users, ["user_id", "signup_date", "acquisition_channel"], "b2c_users")
    require_columns(marketing_spend, ["month", "business_line", "spend_rub"], "marketing_spend")
    users = b2c_users[acquisition.in_period(b2c_users["signup_date"], start, end) & (b2c_users["acquisition_channel"] != "organic")]
    if users.empty:
        raise MetricError("За период нет регистраций B2C из платных каналов.")
    cohorts = retention.b2c_cohorts(users, b2c_purchases, freq="Q")
    at_age = cohorts[cohorts["age"] == months]
    if at_age["users"].sum() != len(users):
        raise MetricError(f"Не у всех регистраций периода есть {months} месяцев истории — возьмите период раньше или горизонт короче.")
    revenue = float((at_age["revenue_per_user_cum"] * at_age["users"]).sum())
    spend = marketing_spend.loc[acquisition.in_period(marketing_spend["month"], start, end)
                                & (marketing_spend["business_line"] == "b2c"), "spend_rub"].sum()
    return {
        "signups": float(len(users)),
        "gross_profit_per_signup": revenue * gross_margin / len(users),
        "spend_per_signup": float(spend) / len(users),
    }


def customers_at_month_start(mrr, start, end, accounts=None, by: str | None = None):
    """Сумма по месяцам периода числа клиентов на начало месяца (знаменатель оттока).

    Нужна, чтобы взвесить сегменты: доля SMB в этой сумме — вес оттока SMB в
    оттоке всей компании.
    """
    require_columns(mrr, ["month", "account_id", "mrr_rub", "new_rub", "expansion_rub", "contraction_rub", "churn_rub"], "mrr")
    rows = mrr[acquisition.in_period(mrr["month"], start, end)]
    previous = rows["mrr_rub"] + rows["churn_rub"] + rows["contraction_rub"] - rows["new_rub"] - rows["expansion_rub"]
    active = previous > 0.005
    if by is None:
        return int(active.sum())
    if accounts is None:
        raise MetricError("Чтобы разбить клиентов по сегментам, передайте таблицу accounts.")
    groups = _with_segment(rows[["account_id"]], accounts)[by].to_numpy()
    return pd.Series(active.to_numpy(), index=groups).groupby(level=0).sum().rename("customer_months")


def company_economics(tables: dict, start, end, churn_start=None, churn_end=None) -> dict[str, float]:
    """Юнит-экономика B2B всей компании за период: входы формул разделов 1.1.3–1.1.4.

    Ключи: ``costs`` и ``customers`` (полные затраты на привлечение и новые клиенты),
    ``cac``, ``media_cac`` (только реклама), ``new_mrr`` (стартовый MRR нового
    клиента), ``arpa``, ``gm`` (валовая маржа), ``churn`` (месячный лого-отток).
    ``tables`` — словарь таблиц курса (marketing_spend, sm_costs, opportunities, mrr, cogs).
    Отток, как в :func:`segment_economics`, — за свой период ``churn_start``–``churn_end``
    (в курсе — ``course.YEARS_2024_2025``, тот же, что у сегментов); по умолчанию — ``start``–``end``.
    """
    customers = acquisition.new_customers(tables["opportunities"], start, end)
    costs = acquisition.acquisition_costs(tables["marketing_spend"], tables["sm_costs"], start, end)
    return {
        "costs": float(costs.sum()),
        "customers": float(customers),
        "cac": acquisition.cac(costs.sum(), customers),
        "media_cac": acquisition.cac(costs["media"], customers),
        "new_mrr": new_mrr_per_customer(tables["opportunities"], start, end),
        "arpa": arpa_for_period(tables["mrr"], start, end),
        "gm": gross_margin_for_period(tables["mrr"], tables["cogs"], start, end),
        "churn": logo_churn_monthly(tables["mrr"], start if churn_start is None else churn_start, end if churn_end is None else churn_end),
    }
