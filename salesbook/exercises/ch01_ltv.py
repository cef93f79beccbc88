"""Упражнения раздела 1.1.2 «LTV: сколько клиент принесёт за жизнь».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.retention`` и
``salesbook.toolkit.unit_economics``; каждая типичная ошибка — тот же расчёт с одной
конкретной ошибкой (годовой отток вместо месячного, выручка вместо маржи…).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number, Table
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import acquisition, course, finance, retention, unit_economics

SECTION = "ch01.ltv"
TITLE = "1.1.2. LTV: сколько клиент принесёт за жизнь"

FORECAST_PERIOD = 36  # продлений: прогноз выживаемости подписчиков
COHORT_YEAR = 2025  # когорта подписчиков: год первой оплаты (история короче года — прогноз далеко за данными)


@lru_cache(maxsize=1)
def _mrr_seg() -> pd.DataFrame:
    return retention.add_segment(table("mrr"), table("accounts"))


@lru_cache(maxsize=4)
def _rates(start: str, end: str) -> pd.DataFrame:
    return retention.churn_rates(_mrr_seg(), start, end, by="segment")


def _gm(start: str, end: str) -> float:
    return retention.gross_margin(table("cogs"), retention.b2b_revenue(table("mrr")), start, end)


def _arpa(start: str, end: str) -> pd.Series:
    return retention.arpa(_mrr_seg(), start, end, by="segment")


# ---------------------------------------------------------------------------
# 1. Месячный отток → годовой
# ---------------------------------------------------------------------------


def _smb(column: str = "logo_churn") -> float:
    return float(_rates(*course.YEAR_2025).loc["smb", column])


q1 = Exercise(
    id="ch01.ltv.q1",
    title="Годовой лого-отток SMB",
    var="annual_smb_churn",
    expected=lambda: unit_economics.annual_from_monthly_churn(_smb()),
    # ±0,0025: ответ, округлённый до сотых, засчитывается; 12 × m (на 0,007 больше) — нет
    compare=Number(rel_tol=0.005, abs_tol=0.0025),
    hints=[
        "Месячный лого-отток SMB — ячейка rates_2025.loc['smb', 'logo_churn']. Годовой — это доля клиентов, "
        "ушедших за 12 месяцев, а не сумма двенадцати месячных долей.",
        "Год пережили (1 − m)¹² клиентов, значит, ушли 1 − (1 − m)¹². Готовая функция — "
        "unit_economics.annual_from_monthly_churn(m).",
    ],
    mistakes=[
        Mistake(name="times_12", value=lambda: _smb() * 12,
                hint="Вы умножили месячный отток на 12. Так считать нельзя: каждый месяц уходят доли от уже "
                     "уменьшившейся базы. Годовой отток = 1 − (1 − m)¹²."),
        Mistake(name="monthly", value=lambda: _smb(),
                hint="Это месячный отток. Переведите его в годовой: 1 − (1 − m)¹²."),
        Mistake(name="retention", value=lambda: (1 - _smb()) ** 12,
                hint="(1 − m)¹² — это доля клиентов, которые остались через год (удержание). Отток — единица минус это число."),
        Mistake(name="revenue_churn", value=lambda: unit_economics.annual_from_monthly_churn(_smb("revenue_churn")),
                hint="Вы взяли отток выручки (revenue_churn). В задании — лого-отток: доля ушедших клиентов, столбец logo_churn."),
    ],
    correct_message="При оттоке SMB около процента в месяц годовой отток почти равен 12 × месячному — разница в десятые доли пункта. "
                    "При 3\u00a0% в месяц она уже заметна: 31\u00a0% за год, а не 36\u00a0%.",
)

# ---------------------------------------------------------------------------
# 2. Лого-отток и отток выручки по сегментам
# ---------------------------------------------------------------------------


def _churn_table(variant: str = "right") -> pd.DataFrame:
    if variant == "mean_of_months":
        monthly = retention.churn_table(_mrr_seg(), by="segment").reset_index()
        monthly = monthly[acquisition.in_period(monthly["month"], *course.YEAR_2025)]
        table = monthly.groupby("segment")[["logo_churn", "revenue_churn"]].mean()
        return table.reindex(list(course.SEGMENTS))
    rates = _rates(*course.YEAR_2025).reindex(list(course.SEGMENTS))
    table = rates[["logo_churn", "revenue_churn"]].copy()
    if variant == "churn_only":
        table["revenue_churn"] = rates["churn_rub"] / rates["mrr_start"]
    elif variant == "net":
        table["revenue_churn"] = rates["net_revenue_churn"]
    table.index.name = "segment"
    return table


q2 = Exercise(
    id="ch01.ltv.q2",
    title="Лого-отток и отток выручки по сегментам за 2025 год",
    var="churn_2025",
    expected=lambda: _churn_table(),
    compare=Table(key="segment", columns=["logo_churn", "revenue_churn"]),
    correct_message="Во всех трёх сегментах отток выручки выше лого-оттока. В SMB и mid-market уходили клиенты крупнее среднего "
                    "по своему сегменту, и добавились сокращения; в enterprise за 2025 год не ушёл никто, и весь его отток выручки — "
                    "сокращения мест. По компании в целом наоборот — там больше всего уходят клиенты SMB с маленьким чеком.",
    hints=[
        "Сложите за 2025 год по сегментам: ушедших клиентов и клиентов на начало месяца; отток MRR, сокращения и MRR "
        "на начало месяца. Средний месячный отток — отношение сумм, а не среднее месячных ставок.",
        "Всё это уже делает retention.churn_rates(mrr_seg, *course.YEAR_2025, by='segment'): "
        "возьмите из результата столбцы logo_churn и revenue_churn.",
    ],
    mistakes=[
        Mistake(name="churn_only", value=lambda: _churn_table("churn_only"),
                hint="В валовом оттоке выручки не хватает сокращений (contraction_rub): клиент, который отказался от "
                     "половины мест, тоже уносит деньги. Валовой отток = (отток + сокращение) / MRR на начало месяца."),
        Mistake(name="net", value=lambda: _churn_table("net"),
                hint="Вы вычли расширения — это чистый отток выручки (net_revenue_churn). Валовой отток расширения не учитывает: "
                     "он показывает, сколько денег ушло, а не сколько вернулось."),
        Mistake(name="mean_of_months", value=lambda: _churn_table("mean_of_months"),
                hint="Похоже, вы усреднили двенадцать месячных ставок. Месяц с маленькой базой весит тогда столько же, "
                     "сколько месяц с большой. Сложите ушедших и «под риском» за год и разделите суммы."),
    ],
)

# ---------------------------------------------------------------------------
# 3. LTV по формуле: на марже и месячном оттоке
# ---------------------------------------------------------------------------


def _mid(kind: str = "right") -> float:
    arpa = float(_arpa(*course.YEARS_2024_2025)["mid_market"])
    gm = _gm(*course.YEARS_2024_2025)
    logo = float(_rates(*course.YEARS_2024_2025).loc["mid_market", "logo_churn"])
    if kind == "no_gm":
        return arpa / logo
    if kind == "annual":
        return arpa * gm / unit_economics.annual_from_monthly_churn(logo)
    if kind == "cogs_share":
        return arpa * (1 - gm) / logo
    if kind == "revenue_churn":
        return arpa * gm / float(_rates(*course.YEARS_2024_2025).loc["mid_market", "revenue_churn"])
    if kind == "customers_start":  # MRR периода / клиенты на начало месяца (знаменатель оттока)
        return unit_economics.simple_ltv(_mrr_over_customers_start(), gm, logo)
    if kind == "mean_of_months":  # среднее месячных ARPA — защитимая альтернатива, засчитывается
        return unit_economics.simple_ltv(_arpa_mean_of_months(), gm, logo)
    return unit_economics.simple_ltv(arpa, gm, logo)


def _mid_rows() -> pd.DataFrame:
    rows = _mrr_seg()
    rows = rows[(rows["segment"] == "mid_market") & (rows["mrr_rub"] > 0)]
    return rows[acquisition.in_period(rows["month"], *course.YEARS_2024_2025)]


def _arpa_mean_of_months() -> float:
    """ARPA как среднее двенадцати… двадцати четырёх месячных ARPA (каждый месяц — с равным весом)."""
    return float(_mid_rows().groupby("month")["mrr_rub"].mean().mean())


def _mrr_over_customers_start() -> float:
    """MRR периода, делённый на клиентов на начало месяцев (а не на клиенто-месяцы с MRR > 0)."""
    return float(_mid_rows()["mrr_rub"].sum() / _rates(*course.YEARS_2024_2025).loc["mid_market", "customers_start"])


q3 = Exercise(
    id="ch01.ltv.q3",
    title="LTV mid-market по формуле",
    var="ltv_mid",
    expected=lambda: _mid(),
    # 1 %: среднее месячных ARPA (другой, но защитимый вес месяцев) отличается меньше чем на полпроцента
    compare=Number(rel_tol=0.01),
    hints=[
        "Три числа за 2024–2025 годы: ARPA mid-market (retention.arpa(..., by='segment')), валовая маржа B2B "
        "(retention.gross_margin) и месячный лого-отток mid-market (retention.churn_rates(..., by='segment')).",
        "LTV = ARPA × валовая маржа / месячный отток — unit_economics.simple_ltv(arpa, gm, churn).",
    ],
    mistakes=[
        Mistake(name="no_gm", value=lambda: _mid("no_gm"),
                hint="Это LTV на выручке. Клиент приносит компании не выручку, а валовую прибыль: умножьте ARPA на валовую маржу."),
        Mistake(name="annual", value=lambda: _mid("annual"),
                hint="В знаменателе годовой отток, а ARPA — месячный. Единицы должны совпадать: месячная выручка — месячный отток."),
        Mistake(name="cogs_share", value=lambda: _mid("cogs_share"),
                hint="Вы умножили на долю себестоимости (1 − маржа). Нужна сама валовая маржа: та доля выручки, что остаётся после прямых затрат."),
        Mistake(name="revenue_churn", value=lambda: _mid("revenue_churn"),
                hint="В знаменателе отток выручки. В задании — лого-отток: ARPA умножается на ожидаемое число месяцев жизни клиента, "
                     "а его даёт доля уходящих клиентов."),
        Mistake(name="customers_start", value=lambda: _mid("customers_start"),
                hint="Похоже, MRR периода разделён на клиентов на начало месяца (customers_start из churn_rates). Это знаменатель "
                     "оттока: новые клиенты в месяц первой оплаты в нём не считаются, а их MRR в сумме есть, и ARPA завышен. "
                     "ARPA = сумма MRR / клиенто-месяцы с MRR > 0 — retention.arpa."),
    ],
    correct_message="Обратите внимание: формула молча предполагает, что отток не меняется со стажем и клиент живёт "
                    "в среднем 1 / отток месяцев — больше десяти лет. Такой срок посчитан по горстке уходов, а по продлениям "
                    "годовых договоров выходит заметно короче — таблица сроков жизни в разделе это показывает.",
)

# ---------------------------------------------------------------------------
# 4. Прогноз по модели sBG
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _subscribers_cohort() -> pd.DataFrame:
    subs = retention.subscription_lifetimes(table("b2c_purchases"))
    return subs[subs["start"].dt.year == COHORT_YEAR]


def _forecast(kind: str = "right") -> float:
    subs = _subscribers_cohort()
    if kind == "all_years":
        subs = retention.subscription_lifetimes(table("b2c_purchases"))
    if kind in ("pooled_constant", "first_renewal"):
        curve = retention.survival_curve(subs["periods"], subs["churned"])
        if kind == "pooled_constant":
            churn = curve["lost"].iloc[1:].sum() / curve["at_risk"].iloc[1:].sum()
        else:
            churn = curve["hazard"].iloc[1]
        return float((1 - churn) ** FORECAST_PERIOD)
    fit = retention.fit_sbg(subs["periods"], subs["churned"])
    survival = float(fit.survival(FORECAST_PERIOD))
    return 1 - survival if kind == "churned_share" else survival


q4 = Exercise(
    id="ch01.ltv.q4",
    title="Сколько подписчиков 2025 года останется после 36 продлений",
    var="survival_36",
    expected=lambda: _forecast(),
    # 1 %: ответ с тремя знаками после запятой (как просит задание) проходит; модель на всех подписчиках
    # (на 0,011 меньше) — нет. Абсолютного допуска нет: обе ошибки с постоянным оттоком дают почти ноль.
    compare=Number(rel_tol=0.01),
    hints=[
        "Оставьте подписчиков, чья первая оплата была в 2025 году (subs['start'].dt.year == 2025), и оцените модель: "
        "retention.fit_sbg(periods, churned).",
        "У результата есть метод .survival(t): доля когорты, оставшаяся после t продлений. Нужно t = 36.",
    ],
    mistakes=[
        Mistake(name="pooled_constant", value=lambda: _forecast("pooled_constant"),
                hint="Вы взяли средний отток за все периоды и возвели удержание в 36-ю степень. Так получается постоянный отток — "
                     "а у подписчиков он падает со стажем (выживают самые лояльные). Оцените sBG: retention.fit_sbg."),
        Mistake(name="first_renewal", value=lambda: _forecast("first_renewal"),
                hint="Вы растянули на три года отток первого продления. Он самый высокий: дальше уходят всё реже. "
                     "Именно это и описывает модель sBG — оцените её через retention.fit_sbg."),
        Mistake(name="churned_share", value=lambda: _forecast("churned_share"),
                hint="Это доля ушедших. Нужна доля оставшихся — S(36) = fit.survival(36)."),
        Mistake(name="all_years", value=lambda: _forecast("all_years"),
                hint="Модель оценена на всех подписчиках. В задании — только когорта 2025 года: отфильтруйте по году первой оплаты."),
    ],
    correct_message="Сравните с постоянным оттоком: он дал бы почти ноль, а модель говорит, что несколько процентов "
                    "подписчиков ещё будут платить через три года, — на этом хвосте и держится LTV подписки. Но модель оценена "
                    "меньше чем на году истории, а прогноз — на три года: если пересэмплировать подписчиков (бутстреп), "
                    "95-процентный интервал S(36) — примерно от 3\u00a0% до 8\u00a0%.",
)

# ---------------------------------------------------------------------------
# 5. Решение: куда добавить бюджет привлечения
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def segment_ltv_cac() -> pd.DataFrame:
    """LTV за 60 месяцев и его отношение к CAC 2025 года по сегментам (столбцы ltv_60, cac, ratio).

    Нулевой отток (enterprise за 2024–2025 годы) ``finance.ltv_horizon`` переводит в ARPA × маржа × 60.
    """
    rates = _rates(*course.YEARS_2024_2025).reindex(list(course.SEGMENTS))
    churn = rates["logo_churn"]
    frame = pd.DataFrame({
        "arpa": _arpa(*course.YEARS_2024_2025).reindex(list(course.SEGMENTS)),
        "churn": churn,
        "cac": acquisition.cac_by_segment(table("marketing_spend"), table("sm_costs"), table("leads"), table("opportunities"), table("reps"),
                                      *course.YEAR_2025)["cac"].reindex(list(course.SEGMENTS)),
    })
    gm = _gm(*course.YEARS_2024_2025)
    frame["ltv_60"] = finance.ltv_horizon(frame["arpa"] * gm, churn, course.LTV_HORIZON_MONTHS)
    frame["ratio"] = frame["ltv_60"] / frame["cac"]
    return frame


def _segment_to_grow() -> str:
    return str(segment_ltv_cac()["ratio"].idxmax())


q5 = Exercise(
    id="ch01.ltv.q5",
    title="Куда добавить бюджет привлечения",
    var="segment_to_grow",
    expected=_segment_to_grow,
    compare=Choice(list(course.SEGMENTS)),
    hints=[
        "Для каждого сегмента посчитайте LTV за 60 месяцев: ARPA × маржа × (1 − (1 − m)⁶⁰) / m, где m — месячный лого-отток "
        "за 2024–2025 годы; при m = 0 клиент платит все 60 месяцев, и LTV = ARPA × маржа × 60. Оба случая считает "
        "finance.ltv_horizon(arpa * gm, churn, 60). Затем разделите на CAC сегмента за 2025 год.",
        "Нужен сегмент, где это отношение самое большое: там рубль привлечения возвращает больше всего валовой прибыли.",
    ],
    mistakes=[
        Mistake(name="by_ltv", value=lambda: str(segment_ltv_cac()["ltv_60"].idxmax()),
                hint="У этого сегмента самый большой LTV — а по формуле без горизонта при нулевом оттоке он и вовсе бесконечен. "
                     "Но и новый клиент там самый дорогой: разделите LTV за 60 месяцев на CAC сегмента и сравните отношения."),
        Mistake(name="by_cac", value=lambda: str(segment_ltv_cac()["cac"].idxmin()),
                hint="У этого сегмента самый дешёвый новый клиент, но и валовой прибыли он приносит меньше всех: "
                     "сравнивайте CAC с LTV, а не между собой."),
    ],
    correct_message="За пять лет больше всего валовой прибыли на рубль CAC возвращает mid-market. Окупаются все три сегмента: "
                    "отношение везде больше единицы. У enterprise оно самое низкое даже при нулевом оттоке, а ноль уходов "
                    "у горстки клиентов — оптимистичная оценка: при верхней границе оттока отношение ещё ниже. Прежде чем "
                    "переносить бюджет, проверьте, выдержит ли mid-market больше сделок: хватит ли лидов и AE.",
)

# ---------------------------------------------------------------------------
# 6. Модель sBG вручную (часть 2)
# ---------------------------------------------------------------------------

#: «Обычные» (regular) подписчики Fader & Hardie (2007): опубликованные оценки α и β.
PAPER_ALPHA, PAPER_BETA = 0.704, 1.182
HAND_PERIOD = 4


def _hand(kind: str = "right") -> float:
    a, b = PAPER_ALPHA, PAPER_BETA
    if kind == "constant":  # постоянный отток α / (α + β) каждый период
        return (1 - a / (a + b)) ** HAND_PERIOD
    if kind == "churn_probability":
        return float(retention.sbg_churn_probability(a, b, HAND_PERIOD))
    if kind == "off_by_one":  # множитель (β + t − 1) / (α + β + t − 1) вместо (β + t − 2) / (α + β + t − 1)
        churn = a / (a + b)
        survival = 1 - churn
        for t in range(2, HAND_PERIOD + 1):
            churn *= (b + t - 1) / (a + b + t - 1)
            survival -= churn
        return survival
    survival = float(retention.sbg_survival(a, b, HAND_PERIOD))
    if kind == "churned_share":
        return 1 - survival
    if kind == "three_periods":
        return float(retention.sbg_survival(a, b, HAND_PERIOD - 1))
    return survival


q6 = Exercise(
    id="ch01.ltv.q6",
    title="Модель sBG вручную: S(4) для regular",
    var="survival_4",
    expected=lambda: _hand(),
    # ±0,0025: ответ, округлённый до сотых, засчитывается
    compare=Number(rel_tol=0.005, abs_tol=0.0025),
    hints=[
        "Начните с P(T = 1) = α / (α + β) и S(1) = 1 − P(T = 1). Каждый следующий период: "
        "P(T = t) = P(T = t − 1) · (β + t − 2) / (α + β + t − 1), S(t) = S(t − 1) − P(T = t).",
        "P(T = 2) = P(T = 1) · β / (α + β + 1), P(T = 3) = P(T = 2) · (β + 1) / (α + β + 2) и так далее; "
        "S(4) = 1 − P(T = 1) − P(T = 2) − P(T = 3) − P(T = 4). Проверить себя можно функцией retention.sbg_survival(α, β, 4).",
    ],
    mistakes=[
        Mistake(name="constant", value=lambda: _hand("constant"),
                hint="Вы возвели в четвёртую степень (1 − α / (α + β)) — это постоянный отток, одинаковый для всех клиентов. "
                     "В модели sBG доля уходящих падает от периода к периоду: пересчитывайте P(T = t) множителем (β + t − 2) / (α + β + t − 1)."),
        Mistake(name="churn_probability", value=lambda: _hand("churn_probability"),
                hint="Это P(T = 4) — доля когорты, ушедшая именно в четвёртом периоде. Нужна доля оставшихся после четырёх: "
                     "S(4) = 1 − P(T = 1) − … − P(T = 4)."),
        Mistake(name="churned_share", value=lambda: _hand("churned_share"),
                hint="Это доля ушедших за четыре периода. Нужна доля оставшихся — единица минус это число."),
        Mistake(name="three_periods", value=lambda: _hand("three_periods"),
                hint="Это S(3): вычтены только P(T = 1), P(T = 2) и P(T = 3). Нужна доля после четырёх периодов — вычтите и P(T = 4)."),
        Mistake(name="off_by_one", value=lambda: _hand("off_by_one"),
                hint="Множитель на единицу больше нужного в числителе: P(T = 2) = P(T = 1) · β / (α + β + 1), а не · (β + 1) / (α + β + 1)."),
    ],
    correct_message="Модель с двумя параметрами даёт почти ту же долю, что осталась в данных статьи к году 4. "
                    "Обратите внимание, как падает P(T = t): каждый год уходит всё меньше — остаются лояльные.",
)

# ---------------------------------------------------------------------------
# 7. Когортный LTV SMB (часть 2)
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _smb_cohort_inputs():
    mrr_seg = _mrr_seg()
    curves = retention.pooled_curve(retention.cohort_table(mrr_seg, freq="Q", by="segment"), by="segment", min_cohorts=3)
    customers = retention.customer_table(mrr_seg, by="segment")
    smb = customers[customers["segment"] == "smb"]
    return curves.loc["smb", "revenue_per_customer"], retention.fit_sbg(smb["periods"], smb["churned"])


def _smb_ltv(kind: str = "right") -> float:
    revenue, fit = _smb_cohort_inputs()
    gm = _gm(*course.YEARS_2024_2025)
    horizon = course.LTV_HORIZON_MONTHS
    if kind == "observed_only":
        return float(retention.cohort_ltv(revenue, gm, horizon=horizon)["ltv"])
    if kind == "constant_churn":
        churn = float(_rates(*course.YEARS_2024_2025).loc["smb", "logo_churn"])
        return float(retention.cohort_ltv(revenue, gm, churn=churn, horizon=horizon)["ltv"])
    if kind == "no_gm":
        return float(retention.cohort_ltv(revenue, 1.0, fit=fit, horizon=horizon)["ltv"])
    if kind == "formula_60":
        arpa = float(_arpa(*course.YEARS_2024_2025)["smb"])
        churn = float(_rates(*course.YEARS_2024_2025).loc["smb", "logo_churn"])
        return float(finance.ltv_horizon(arpa * gm, churn, horizon))
    return float(retention.cohort_ltv(revenue, gm, fit=fit, horizon=horizon)["ltv"])


q7 = Exercise(
    id="ch01.ltv.q7",
    title="Когортный LTV клиента SMB на 5 лет",
    var="ltv_smb",
    expected=lambda: _smb_ltv(),
    compare=Number(rel_tol=0.005),
    hints=[
        "Оцените модель по клиентам SMB: retention.fit_sbg(periods, churned) по строкам customers с segment == 'smb'.",
        "retention.cohort_ltv(curves.loc['smb', 'revenue_per_customer'], gm, fit=модель, horizon=60) возвращает "
        "факт, хвост и их сумму; нужен элемент 'ltv'.",
    ],
    mistakes=[
        Mistake(name="observed_only", value=lambda: _smb_ltv("observed_only"),
                hint="Это только наблюдаемая часть: валовая прибыль за месяцы, которые когорты уже прожили. "
                     "До 60 месяцев не хватает хвоста — передайте модель: cohort_ltv(..., fit=модель)."),
        Mistake(name="constant_churn", value=lambda: _smb_ltv("constant_churn"),
                hint="Хвост посчитан с постоянным месячным оттоком SMB. В задании хвост уходит по модели sBG, "
                     "оценённой по клиентам SMB: cohort_ltv(..., fit=модель)."),
        Mistake(name="no_gm", value=lambda: _smb_ltv("no_gm"),
                hint="Это LTV на выручке: маржа равна единице. Передайте валовую маржу B2B gm."),
        Mistake(name="formula_60", value=lambda: _smb_ltv("formula_60"),
                hint="Это формула на 5 лет из части 1: ARPA × маржа × (1 − (1 − m)⁶⁰) / m. В задании — когорты: "
                     "фактическая выручка на привлечённого клиента плюс хвост по модели."),
    ],
    correct_message="Когортный LTV выше пятилетней формулы: в фактической выручке когорт есть расширения и индексация, "
                    "а формула считает ARPA постоянным. Хвост здесь — около половины LTV: от модели оттока зависит столько же, сколько от факта.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Месячный отток клиентов — 3 %. Какая доля клиентов уйдёт за год?",
            (
                Option("Около 31 %", True, "Да: останется 0,97¹² ≈ 0,69, уйдёт около 31 %."),
                Option("36 %", False, "Это 3 % × 12. Но каждый месяц уходит доля от уже уменьшившейся базы, поэтому годовой отток меньше."),
                Option("3 %", False, "Это месячный отток; за год ушедших заметно больше."),
            ),
        ),
        Question(
            "Лого-отток компании — 2,5 % в месяц, валовой отток выручки — 1,5 %. Что это значит?",
            (
                Option("Уходят в основном мелкие клиенты", True, "Верно: доля ушедших клиентов больше доли ушедших денег, значит, уходящие платят меньше среднего по компании. "
                       "Это может быть эффектом состава: у «Сферы Софт» внутри каждого сегмента всё наоборот."),
                Option("Уходят в основном крупные клиенты", False, "Наоборот: если бы уходили крупные, доля потерянных денег была бы больше доли потерянных клиентов."),
                Option("Компания растёт за счёт расширений", False, "Расширения в валовой отток не входят; о них говорит чистый отток выручки."),
            ),
        ),
        Question(
            "LTV по сегментам известны. Каким весом сложить их в один LTV, чтобы сравнить со средним CAC за тот же период?",
            (
                Option("Долей сегмента среди привлечённых за период клиентов", True,
                       "Верно: CAC платят за новых клиентов, и LTV нужен для того же состава."),
                Option("Долей сегмента в клиенто-месяцах под риском", False,
                       "Это состав базы, а не притока: в базе копятся клиенты, которые живут долго, и их вес больше, чем среди новых."),
                Option("Поровну: по трети на сегмент", False,
                       "Тогда редкие крупные клиенты весят столько же, сколько сотни мелких, — такого состава притока не бывает."),
            ),
        ),
        Question(
            "В B2C-приложении платит меньше десятой части зарегистрированных. Почему LTV регистрации не считают как ARPA / отток?",
            (
                Option("Большинство никогда не платит, а платящие покупают по-разному", True,
                       "Верно: формула предполагает, что каждый клиент платит каждый месяц до ухода. В B2C считают накопленную выручку на регистрацию по когортам."),
                Option("В B2C нет валовой маржи", False, "Маржа есть (в данных курса — больше 80\u00a0%), и LTV считают на ней."),
                Option("В B2C клиенты не уходят", False, "Уходят, и часто: первое продление месячной подписки проходит лишь чуть больше половины подписчиков."),
            ),
        ),
    ],
)

quiz_cohorts = Quiz(
    id=f"{SECTION}.cohorts",
    questions=[
        Question(
            "Удержание когорты подписчиков растёт со стажем: первое продление — чуть больше половины, десятое — больше 80\u00a0%. Почему, по модели sBG?",
            (
                Option("Клиенты разные: склонные уйти уходят первыми, остаются лояльные", True,
                       "Верно: в модели склонность каждого клиента постоянна, а растёт удержание когорты — за счёт отбора."),
                Option("Каждый клиент со временем привыкает к продукту", False,
                       "Это другое объяснение (зависимость от стажа). sBG его не предполагает: у каждого клиента склонность уйти постоянна."),
                Option("Это случайность, через год удержание вернётся к 60 %", False,
                       "Рост удержания — устойчивый эффект отбора: ушедшие не возвращаются, и среди оставшихся всё больше лояльных."),
            ),
        ),
        Question(
            "За два года у enterprise подошло 6 продлений годовых договоров, и ни один клиент не ушёл. Что можно сказать об оттоке на продлении?",
            (
                Option("С 95-процентной уверенностью — не больше примерно 40\u00a0%", True,
                       "Верно: 1 − 0,05^(1/6) ≈ 0,39. При больших n граница близка к 3 / n, но при n = 6 правило трёх дало бы 50\u00a0% — "
                       "считайте точно: 1 − 0,05^(1/n). И n здесь — продления, а не клиенто-месяцы."),
                Option("Он равен нулю: никто не ушёл", False,
                       "Ноль уходов на шести испытаниях не исключает заметного оттока: верхняя граница — 1 − 0,05^(1/6) ≈ 39\u00a0%."),
                Option("Не больше 2\u00a0%: клиенто-месяцев под риском больше сотни", False,
                       "Клиент с годовым договором не может уйти посреди года: испытание — продление, а не клиенто-месяц. Продлений всего шесть."),
            ),
        ),
        Question(
            "Почему в матрице удержания когорта показана только до возраста, который прожили все её клиенты?",
            (
                Option("Иначе у молодых когорт был бы ложный провал: часть клиентов ещё не дожила до этого возраста", True,
                       "Верно: клиенты, пришедшие в конце квартала, моложе пришедших в начале; доля «ещё платят» занизилась бы."),
                Option("Чтобы таблица помещалась на экран", False,
                       "Для этого показывают каждый третий месяц; обрезка по возрасту — про правильность чисел."),
                Option("Потому что старые клиенты не влияют на LTV", False,
                       "Влияют, и сильнее всего: именно долгий хвост делает LTV mid-market и enterprise большим."),
            ),
        ),
    ],
)
