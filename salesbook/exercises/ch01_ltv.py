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
    compare=Number(rel_tol=0.005),
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
                    "При 3 % в месяц она уже заметна: 31 % за год, а не 36 %.",
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
    return unit_economics.simple_ltv(arpa, gm, logo)


q3 = Exercise(
    id="ch01.ltv.q3",
    title="LTV mid-market по формуле",
    var="ltv_mid",
    expected=lambda: _mid(),
    compare=Number(rel_tol=0.005),
    hints=[
        "Три числа за 2024–2025 годы: ARPA mid-market (retention.arpa(..., by='segment')), валовая маржа B2B "
        "(retention.gross_margin) и месячный лого-отток mid-market (retention.churn_rates(..., by='segment')).",
        "LTV = ARPA × валовая маржа / месячный отток — unit_economics.simple_ltv(arpa, gm, churn).",
    ],
    mistakes=[
        Mistake(name="no_gm", value=lambda: _mid("no_gm"),
                hint="Это LTV на выручке. Клиент приносит компании не выручку, а валовую прибыль: умножьте ARPA на валовую маржу."),
        Mistake(name="annual", value=lambda: _mid("annual"),
                hint="В знаменателе годовой отток, а ARPA — месячная. Единицы должны совпадать: месячная выручка — месячный отток."),
        Mistake(name="cogs_share", value=lambda: _mid("cogs_share"),
                hint="Вы умножили на долю себестоимости (1 − маржа). Нужна сама валовая маржа: та доля выручки, что остаётся после прямых затрат."),
        Mistake(name="revenue_churn", value=lambda: _mid("revenue_churn"),
                hint="В знаменателе отток выручки. В задании — лого-отток: ARPA умножается на ожидаемое число месяцев жизни клиента, "
                     "а его даёт доля уходящих клиентов."),
    ],
    correct_message="Обратите внимание: формула молча предполагает, что отток не меняется со стажем и клиент живёт "
                    "в среднем 1 / отток месяцев — больше десяти лет. Такой срок посчитан по горстке уходов; дальше в разделе мы проверим это допущение.",
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
                    "подписчиков ещё будут платить через три года, — на этом хвосте и держится LTV подписки.",
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
                Option("Уходят в основном мелкие клиенты", True, "Верно: доля ушедших клиентов больше доли ушедших денег, значит, уходящие платят меньше среднего."),
                Option("Уходят в основном крупные клиенты", False, "Наоборот: если бы уходили крупные, доля потерянных денег была бы больше доли потерянных клиентов."),
                Option("Компания растёт за счёт расширений", False, "Расширения в валовой отток не входят; о них говорит чистый отток выручки."),
            ),
        ),
        Question(
            "Удержание когорты подписчиков растёт со стажем: первое продление — чуть больше половины, десятое — больше 80 %. Почему, по модели sBG?",
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
            "В B2C-приложении платит меньше десятой части зарегистрированных. Почему LTV регистрации не считают как ARPA / отток?",
            (
                Option("Большинство никогда не платит, а платящие покупают по-разному", True,
                       "Верно: формула предполагает, что каждый клиент платит каждый месяц до ухода. В B2C считают накопленную выручку на регистрацию по когортам."),
                Option("В B2C нет валовой маржи", False, "Маржа есть (в данных курса — больше 80 %), и LTV считают на ней."),
                Option("В B2C клиенты не уходят", False, "Уходят, и часто: первое продление месячной подписки проходит лишь чуть больше половины подписчиков."),
            ),
        ),
    ],
)
