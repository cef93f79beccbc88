"""Упражнения раздела 1.1.3 «Payback Period: окупаемость CAC».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.acquisition``,
``salesbook.toolkit.unit_economics`` и ``salesbook.toolkit.finance``; каждая типичная ошибка —
тот же расчёт с одной конкретной ошибкой (выручка вместо маржи, год вместо
месяца, соглашение Excel вместо numpy…).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy_financial as npf
import pandas as pd

from salesbook.exercises import table, tables
from salesbook.runtime.checks import Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, finance, retention, unit_economics

SECTION = "ch01.payback"
TITLE = "1.1.3. Payback Period: окупаемость CAC"

NPV_MONTHS = 36
PRICE_CUT = 0.10

TABLES = ("marketing_spend", "sm_costs", "reps", "leads", "opportunities", "mrr", "cogs", "accounts")


@lru_cache(maxsize=1)
def company() -> dict[str, float]:
    """B2B за 2024 год целиком: полный CAC, стартовый MRR, ARPA, маржа; отток — за 2024–2025 годы, как у сегментов (их берёт и раздел 1.1.4)."""
    return unit_economics.company_economics(tables(*TABLES), *course.YEAR_2024, *course.YEARS_2024_2025)


@lru_cache(maxsize=1)
def company_2025() -> dict[str, float]:
    """То же за 2025 год: полный CAC, стартовый MRR, ARPA и маржа 2025 года; отток — за 2024–2025 годы."""
    return unit_economics.company_economics(tables(*TABLES), *course.YEAR_2025, *course.YEARS_2024_2025)


CHURN_2024_HINT = ("Отток взят за один 2024 год. В курсе его считают за 2024–2025 годы — как у сегментов и в разделе 1.1.2: "
                   "так компания и сегменты сравнимы, а оценка опирается на вдвое больший период.")


def churn_2024() -> float:
    """Месячный лого-отток B2B за один 2024 год — типичная ошибка периода в упражнениях 1.1.3 и 1.1.4."""
    return unit_economics.logo_churn_monthly(table("mrr"), *course.YEAR_2024)


@lru_cache(maxsize=1)
def segments() -> pd.DataFrame:
    """Экономика сегментов B2B за 2024 год, отток — за 2024–2025 годы (её берёт и раздел 1.1.4)."""
    return unit_economics.segment_economics(tables(*TABLES), *course.YEAR_2024, *course.YEARS_2024_2025)


@lru_cache(maxsize=1)
def _costs_2025() -> dict[str, float]:
    structure = unit_economics.commercial_cost_structure(tables(*TABLES), *course.YEAR_2025)
    return {
        "fixed": float(structure.loc[structure["kind"] == "fixed", "monthly_rub"].sum()),
        "variable_share": float(structure.loc[structure["kind"] == "variable", "share_of_revenue"].sum()),
        "arpa": unit_economics.arpa_for_period(table("mrr"), *course.YEAR_2025),
    }


# ---------------------------------------------------------------------------
# 1. Окупаемость CAC на валовой марже
# ---------------------------------------------------------------------------


def _payback(cac_key="cac", mrr_key="new_mrr", margin=True, scale=1.0) -> float:
    c = company_2025()
    return c[cac_key] / (c[mrr_key] * scale * (c["gm"] if margin else 1.0))


q1 = Exercise(
    id="ch01.payback.q1",
    title="Окупаемость CAC B2B за 2025 год",
    var="payback_2025",
    expected=lambda: _payback(),
    compare=Number(rel_tol=0.005),
    hints=[
        "Окупаемость = CAC / (стартовый MRR нового клиента × валовая маржа). Все три числа — за 2025 год.",
        "CAC — acquisition.acquisition_costs(spend, costs, start, end).sum() / acquisition.new_customers(opps, start, end); "
        "стартовый MRR — unit_economics.new_mrr_per_customer(opps, start, end); маржа — unit_economics.gross_margin_for_period(mrr, cogs, start, end).",
    ],
    mistakes=[
        Mistake(name="on_revenue", value=lambda: _payback(margin=False),
                hint="Это окупаемость на выручке: вы не умножили MRR на валовую маржу. Хостинг и поддержка клиента тоже стоят денег — CAC возвращается только из валовой прибыли."),
        Mistake(name="acv_not_mrr", value=lambda: _payback(scale=12),
                hint="Вы поделили CAC на годовой контракт (ACV), а не на месячный MRR, — получились годы, а нужны месяцы."),
        Mistake(name="media_only", value=lambda: _payback(cac_key="media_cac"),
                hint="В числителе CAC только по рекламе. Окупается полный CAC — с зарплатами, премиями и инструментами отдела продаж и маркетинга (раздел 1.1.1)."),
        Mistake(name="rounded_up", value=lambda: math.ceil(_payback()),
                hint="Вы округлили срок вверх до целого месяца. В задании нужно дробное число месяцев без округления — "
                     "округлять до «окупается на 16-м месяце» можно в отчёте, но проверка сравнивает точное значение."),
        Mistake(name="arpa_of_base", value=lambda: _payback(mrr_key="arpa"),
                hint="Вы взяли ARPA всей базы клиентов. В нём расширения старых клиентов; окупаемость новых считают по их стартовому MRR — unit_economics.new_mrr_per_customer."),
    ],
    correct_message="Сравните с ориентиром Skok — меньше 12 месяцев — и с окупаемостью сегментов выше: средняя по компании смешивает SMB и enterprise.",
)

# ---------------------------------------------------------------------------
# 2. Окупаемость с учётом оттока
# ---------------------------------------------------------------------------


Q2_SEGMENT = "mid_market"


def _row() -> pd.Series:
    return segments().loc[Q2_SEGMENT]


def _gp(mrr_key="new_mrr") -> float:
    row = _row()
    return float(row[mrr_key] * row["gross_margin"])


def segment_churn_2024() -> float:
    """Месячный лого-отток сегмента упражнения 2 за один 2024 год — ошибка периода."""
    t = tables("mrr", "accounts")
    return float(unit_economics.logo_churn_monthly(t["mrr"], *course.YEAR_2024, t["accounts"], by="segment")[Q2_SEGMENT])


q2 = Exercise(
    id="ch01.payback.q2",
    title="Окупаемость mid-market с учётом оттока",
    var="payback_churn_mid",
    expected=lambda: finance.payback_with_churn(_row()["cac"], _gp(), _row()["monthly_churn"]),
    # эталон — точная формула; допуск узкий, чтобы «деление на (1 − отток)» не совпало с простой окупаемостью
    compare=Number(rel_tol=0.002),
    hints=[
        "За n месяцев когорта приносит gp · (1 − (1 − c)^n) / c на привлечённого клиента. Приравняйте к CAC и выразите n.",
        "n = ln(1 − CAC · c / gp) / ln(1 − c), где gp = стартовый MRR × маржа, c — месячный лого-отток mid-market за 2024–2025 годы; "
        "все входы — в строке mid_market таблицы segments. То же делает finance.payback_with_churn(cac, gp, churn).",
    ],
    mistakes=[
        Mistake(name="churn_2024_only", value=lambda: finance.payback_with_churn(_row()["cac"], _gp(), segment_churn_2024()),
                hint=CHURN_2024_HINT),
        Mistake(name="no_churn", value=lambda: finance.payback_simple(_row()["cac"], _gp()),
                hint="Это простая окупаемость, без оттока. Часть клиентов уходит до того, как вернёт CAC, — срок должен получиться длиннее."),
        Mistake(name="divide_by_survival", value=lambda: finance.payback_simple(_row()["cac"], _gp()) / (1 - _row()["monthly_churn"]),
                hint="Деление простой окупаемости на (1 − отток) — популярное упрощение из блогов, но оно почти не удлиняет срок. "
                     "Отток накапливается месяц за месяцем: выведите n из суммы геометрической прогрессии."),
        Mistake(name="base_arpa", value=lambda: finance.payback_with_churn(_row()["cac"], _gp("arpa"), _row()["monthly_churn"]),
                hint="Вы взяли ARPA всей базы mid-market, а не стартовый MRR новых клиентов (столбец new_mrr)."),
        Mistake(name="rounded_up", value=lambda: math.ceil(finance.payback_with_churn(_row()["cac"], _gp(), _row()["monthly_churn"])),
                hint="Вы округлили до целого месяца («окупится на таком-то месяце»). Так говорят в отчёте, но задание просит "
                     "дробное число месяцев по формуле n = ln(1 − CAC · c / gp) / ln(1 − c), без округления."),
        Mistake(name="churn_from_first_month", value=lambda: churn_from_first_month_payback(),
                hint="Вы считали, что отток начинается уже в первом месяце: в месяце t платит доля (1 − c)^t. Такое соглашение тоже "
                     "встречается, и разница невелика, но в задании, как в формуле раздела, в первый месяц платят все — доля (1 − c)^(t−1)."),
    ],
)


def churn_from_first_month_payback() -> float:
    """Окупаемость mid-market, если в месяце t платит доля (1 − c)^t (отток с первого месяца) — другое соглашение."""
    row = _row()
    c = float(row["monthly_churn"])
    return float(math.log(1 - row["cac"] * c / (_gp() * (1 - c))) / math.log(1 - c))

# ---------------------------------------------------------------------------
# 3. Точка безубыточности при скидке
# ---------------------------------------------------------------------------


def break_even_customers(price_factor=1 - PRICE_CUT, variable_scales_with_price=False, contribution=True) -> float:
    """Клиентов для безубыточности по затратам 2025 года при цене ARPA × ``price_factor``."""
    c = _costs_2025()
    price = c["arpa"] * price_factor
    if not contribution:
        return finance.break_even_units(c["fixed"], price, 0.0)
    variable = c["variable_share"] * (price if variable_scales_with_price else c["arpa"])
    return finance.break_even_units(c["fixed"], price, variable)


q3 = Exercise(
    id="ch01.payback.q3",
    title="Безубыточность при скидке 10 %",
    var="break_even_customers",
    expected=lambda: break_even_customers(),
    compare=Number(rel_tol=0.005),
    hints=[
        "Точка безубыточности = постоянные затраты в месяц / маржинальный доход с клиента в месяц.",
        "Маржинальный доход = новая цена (ARPA × 0,9) − переменные затраты на клиента. Переменные затраты в рублях "
        "от скидки не меняются: variable_share × ARPA по старой цене.",
    ],
    mistakes=[
        Mistake(name="variable_follows_price", value=lambda: break_even_customers(variable_scales_with_price=True),
                hint="Вы уменьшили на 10 % и переменные затраты. Но хостинг, поддержка и эквайринг клиента от скидки не дешевеют: "
                     "в рублях они те же, поэтому маржинальный доход падает сильнее цены."),
        Mistake(name="revenue_not_contribution", value=lambda: break_even_customers(contribution=False),
                hint="Вы поделили постоянные затраты на выручку с клиента. Делить нужно на маржинальный доход — выручку минус переменные затраты."),
        Mistake(name="no_discount", value=lambda: break_even_customers(price_factor=1.0),
                hint="Это точка безубыточности при текущей цене. В задании цена ниже на 10 %."),
    ],
)

# ---------------------------------------------------------------------------
# 4. NPV клиента mid-market
# ---------------------------------------------------------------------------


def _mid(margin=True, churn=True) -> tuple[float, float, float]:
    row = segments().loc["mid_market"]
    gp = row["new_mrr"] * (row["gross_margin"] if margin else 1.0)
    return float(row["cac"]), float(gp), float(row["monthly_churn"]) if churn else 0.0


def renewal_churn_mid() -> float:
    """Доля ушедших на продлении у mid-market за 2024–2025 годы (раздел 1.1.2) — не месячный отток задания."""
    t = tables("mrr", "accounts")
    mrr_seg = retention.add_segment(t["mrr"], t["accounts"])
    return float(retention.renewal_churn(mrr_seg, *course.YEARS_2024_2025, by="segment").loc["mid_market", "churn"])


NOMINAL_RATE_HINT = ("Ставка 0,25 / 12 — номинальная: за год она набегает до 28 %. "
                     "Месячная ставка из эффективной годовой — (1 + 0,25)^(1/12) − 1.")


def _npv(rate=None, convention="numpy", margin=True, churn=True, first_at_zero=False, renewal_step=False) -> float:
    rate = finance.monthly_rate(course.DISCOUNT_RATE) if rate is None else rate
    cac, gp, c = _mid(margin, churn)
    flows = finance.customer_cash_flows(cac, gp, c, NPV_MONTHS)
    if renewal_step:
        flows = [-cac, *(gp * retention.renewal_survival(renewal_churn_mid(), NPV_MONTHS))]
    if first_at_zero:
        return float(npf.npv(rate, flows[1:])) - cac
    return finance.npv(rate, flows, convention=convention)


q4 = Exercise(
    id="ch01.payback.q4",
    title="NPV клиента mid-market за 36 месяцев",
    var="npv_mid_market",
    expected=lambda: _npv(),
    # допуск узкий: ступенчатый отток на продлении и соглашение Excel отличаются друг от друга на 0,3 %;
    # месячная ставка, округлённая до 1,88 %, ещё проходит
    compare=Number(rel_tol=0.002),
    hints=[
        "Поток: месяц 0 — −CAC, месяцы 1…36 — стартовый MRR × маржа × (1 − отток)^(t−1). "
        "finance.customer_cash_flows(cac, gp, churn, 36) соберёт его сам.",
        "Ставка месяца — (1 + 0,25)^(1/12) − 1 (finance.monthly_rate). Дальше npf.npv(ставка, поток): "
        "у numpy-financial первый элемент не дисконтируется — это и есть CAC сегодня.",
    ],
    mistakes=[
        Mistake(name="renewal_step", value=lambda: _npv(renewal_step=True),
                hint="В задании поток с постоянным месячным оттоком (1 − c)^(t−1); ступенчатый уход на продлении — "
                     "другой расчёт из раздела 1.1.2, здесь не он."),
        Mistake(name="excel_convention", value=lambda: _npv(convention="excel"),
                hint="Ответ в (1 + r) раз меньше нужного. Так считает функция ЧПС (NPV) в Excel: она дисконтирует и первый элемент, "
                     "будто CAC платится через месяц. В numpy-financial первый элемент — сегодня."),
        Mistake(name="first_margin_at_zero", value=lambda: _npv(first_at_zero=True),
                hint="Вы отдали npf.npv только маржу и вычли CAC отдельно: тогда маржа первого месяца считается полученной сегодня, "
                     "и весь поток сдвинут на месяц раньше. Включите −CAC первым элементом потока."),
        Mistake(name="nominal_rate", value=lambda: _npv(rate=course.DISCOUNT_RATE / 12),
                hint=NOMINAL_RATE_HINT),
        Mistake(name="annual_rate_monthly", value=lambda: _npv(rate=course.DISCOUNT_RATE),
                hint="Вы дисконтировали помесячный поток годовой ставкой 25 % — как будто каждый месяц длится год. Переведите ставку в месячную."),
        Mistake(name="no_churn", value=lambda: _npv(churn=False),
                hint="В потоке нет оттока: все клиенты платят 36 месяцев. Умножайте маржу месяца t на долю доживших (1 − отток)^(t−1)."),
        Mistake(name="on_revenue", value=lambda: _npv(margin=False),
                hint="Поток посчитан на выручке. Клиент возвращает CAC валовой прибылью: умножьте MRR на валовую маржу."),
    ],
)

# ---------------------------------------------------------------------------
# 5. Решение: предельный CAC для SMB
# ---------------------------------------------------------------------------


def _smb_max_cac(discount=True, churn=True, margin=True, nominal=False) -> float:
    row = segments().loc["smb"]
    gp = row["new_mrr"] * (row["gross_margin"] if margin else 1.0)
    c = row["monthly_churn"] if churn else 0.0
    d = (course.DISCOUNT_RATE / 12 if nominal else finance.monthly_rate(course.DISCOUNT_RATE)) if discount else 0.0
    return finance.npv(d, finance.customer_cash_flows(0.0, gp, c, 12))


q5 = Exercise(
    id="ch01.payback.q5",
    title="Какой CAC может позволить себе SMB",
    var="max_cac_smb",
    expected=lambda: _smb_max_cac(),
    compare=Number(rel_tol=0.005),
    hints=[
        "Предельный CAC — это сколько приведённой валовой прибыли клиент SMB принесёт за первые 12 месяцев с учётом оттока.",
        "Сложите gp · (1 − c)^(t−1) / (1 + d)^t по t = 1…12, где gp = стартовый MRR SMB × маржа, c — отток SMB, "
        "d = finance.monthly_rate(0.25). Или npf.npv(d, [0] + маржа месяцев 1…12).",
    ],
    mistakes=[
        Mistake(name="no_discount", value=lambda: _smb_max_cac(discount=False),
                hint="Вы не дисконтировали: рубль через год стоит меньше рубля сегодня. Делите маржу месяца t на (1 + d)^t."),
        Mistake(name="nominal_rate", value=lambda: _smb_max_cac(nominal=True), hint=NOMINAL_RATE_HINT),
        Mistake(name="no_churn", value=lambda: _smb_max_cac(churn=False),
                hint="Вы забыли отток: до 12-го месяца доживает не вся когорта SMB. Умножайте на (1 − c)^(t−1)."),
        Mistake(name="simple_rule", value=lambda: _smb_max_cac(discount=False, churn=False),
                hint="Это 12 × месячная валовая прибыль — правило без оттока и дисконтирования. По условию нужны оба."),
        Mistake(name="on_revenue", value=lambda: _smb_max_cac(margin=False),
                hint="Вы считали по выручке. CAC окупается валовой прибылью: умножьте стартовый MRR на валовую маржу."),
    ],
    correct_message="Сравните с фактическим CAC SMB — разница показывает, насколько нужно удешевить привлечение (или поднять цену), чтобы SMB окупался за год.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Полный CAC — 600 000 ₽, стартовый MRR — 50 000 ₽, валовая маржа — 75 %. Какова окупаемость CAC?",
            (
                Option("12 месяцев", False, "Это окупаемость на выручке: 600 000 / 50 000. Из выручки надо вычесть себестоимость — CAC возвращается валовой прибылью."),
                Option("16 месяцев", True, "Да: 600 000 / (50 000 × 0,75) = 16 месяцев."),
                Option("48 месяцев", False, "Вы умножили MRR на 25 % — долю себестоимости, а не маржу. Делить нужно на валовую прибыль: 50 000 × 0,75."),
            ),
        ),
        Question(
            "Клиент приносит 40 000 ₽ валовой прибыли в месяц, месячный отток — 5 %, CAC — 900 000 ₽. Когда когорта окупится?",
            (
                Option("Через 22,5 месяца", False, "Это простая окупаемость без оттока. С оттоком срок длиннее — а здесь вообще бесконечен."),
                Option("Примерно через 30 месяцев", False, "Проверьте LTV: 40 000 / 0,05 = 800 000 ₽ — меньше CAC. Столько когорта не принесёт за всю жизнь."),
                Option("Никогда", True, "Верно: LTV = 40 000 / 0,05 = 800 000 ₽ < CAC. Пока LTV не больше CAC, никакой срок не поможет."),
            ),
        ),
        Question(
            "В Excel поток клиента записан в ячейки A1:A37, в A1 — −CAC. Формула =ЧПС(r; A1:A37) по сравнению с npf.npv(r, поток)…",
            (
                Option("даёт то же число", False, "Нет: Excel считает, что первый элемент приходит через период, и дисконтирует его."),
                Option("даёт число в (1 + r) раз меньше", True, "Верно: Excel сдвигает весь поток на период вперёд. Правильно в Excel: =A1 + ЧПС(r; A2:A37)."),
                Option("даёт число в (1 + r) раз больше", False, "Наоборот: лишнее дисконтирование уменьшает модуль NPV."),
            ),
        ),
    ],
)
