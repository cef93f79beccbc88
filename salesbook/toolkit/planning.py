"""Бюджет отдела продаж: план от мощности команды, OPEX, CAPEX, ROI найма и риски плана.

Всё, чему учит раздел 1.3 книги:

* мощность команды в «полностью продуктивных AE-месяцах» с учётом рампа новичков
  (``ramp_factor``, ``ramped_capacity``, ``expected_capacity``);
* продуктивность AE по сегментам из истории (``segment_productivity``) и план новых
  продаж от мощности (``bookings_plan``), воронка под план (``funnel_requirements``),
  признанная выручка по месяцам (``revenue_plan``);
* линейная амортизация капитальных затрат (``amortization_schedule``);
* денежные потоки и ROI найма (``hire_cash_flows``, ``roi``; NPV и окупаемость потоков —
  в ``finance``);
* риск плана: симуляция Монте-Карло (``simulate_plan``) и торнадо-анализ (``tornado``).

Соглашения: месяцы плана нумеруются 1…12 (январь — 1); сделка, закрытая в месяце m,
даёт MRR = ACV / 12 с месяца m + 1 — так устроены данные курса. Все функции
векторные (numpy/pandas) и на неверный вход отвечают ``MetricError`` на русском.
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
import pandas as pd

from salesbook.toolkit.acquisition import in_period, new_customer_deals, payroll_tax_split, period
from salesbook.toolkit.course import PAYROLL_TAX_RATE, SEGMENTS
from salesbook.toolkit.validation import MetricError, positive, require_columns, share

#: Входы модели риска: множители к базовым значениям и годовая текучесть AE.
RISK_INPUTS = {
    "win_rate": "Конверсия сделки в выигрыш (множитель к базе)",
    "acv": "Средний ACV (множитель к базе)",
    "cycle": "Длина цикла сделки (множитель к базе)",
    "ramp": "Срок выхода на продуктивность (множитель к базе)",
    "attrition": "Текучесть AE: уходов на человеко-год",
}

#: Базовые значения входов: план «как в прошлом году, без текучести».
BASE_INPUTS = {"win_rate": 1.0, "acv": 1.0, "cycle": 1.0, "ramp": 1.0, "attrition": 0.0}

#: Какой край диапазона входа плох для плана: у конверсии и чека — нижний,
#: у цикла, срока выхода на продуктивность и текучести — верхний.
RISK_BAD_SIDE = {"win_rate": "low", "acv": "low", "cycle": "high", "ramp": "high", "attrition": "high"}

DAYS_PER_MONTH = 365.25 / 12


# ---------------------------------------------------------------------------
# Вспомогательное
# ---------------------------------------------------------------------------


def _month_number(dates) -> np.ndarray:
    """Порядковый номер месяца: год × 12 + месяц (для разности месяцев)."""
    d = pd.DatetimeIndex(pd.to_datetime(dates))
    return (d.year * 12 + d.month).to_numpy()


def _check_year(year) -> int:
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise MetricError(f"Год плана должен быть числом, получено {year!r}.") from None
    if not 2000 <= y <= 2100:
        raise MetricError(f"Странный год плана: {year!r}.")
    return y


def ramp_factor(months_in_role, ramp_months) -> np.ndarray:
    """Доля полной продуктивности в k-м месяце работы при линейном рампе.

    Месяц найма — первый (k = 1); в k-м месяце продуктивность k / ramp_months,
    с месяца ramp_months — 100 %. При k ≤ 0 (ещё не нанят) — 0; при нулевом
    рампе — 100 % с первого месяца. Аргументы — числа или массивы (numpy
    транслирует формы).
    """
    k = np.asarray(months_in_role, dtype=float)
    r = np.asarray(ramp_months, dtype=float)
    if np.any(r < 0):
        raise MetricError("Срок выхода на продуктивность не может быть отрицательным.")
    if np.all(r > 0):  # обычный случай: те же частные без двух лишних проходов np.where по большому массиву
        productivity = k / r
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            productivity = np.where(r > 0, k / np.where(r > 0, r, 1.0), 1.0)
    return np.where(k >= 1, np.clip(productivity, 0.0, 1.0), 0.0)


# ---------------------------------------------------------------------------
# Мощность команды и продуктивность
# ---------------------------------------------------------------------------


def active_months(reps: pd.DataFrame, start, end, roles=("AE",)) -> pd.DataFrame:
    """Доля каждого месяца периода, которую сотрудник проработал (без учёта рампа).

    Строки — месяцы (первое число), столбцы — ``rep_id`` сотрудников ролей ``roles``
    (``None`` — все роли). Сумма по таблице — отработанные человеко-месяцы.
    """
    require_columns(reps, ["rep_id", "role", "hire_date", "exit_date"], "reps")
    lo, hi = period(start, end)
    months = pd.date_range(lo.to_period("M").to_timestamp(), hi, freq="MS")
    if len(months) == 0:
        raise MetricError("В периоде нет ни одного целого месяца.")
    people = reps if roles is None else reps[reps["role"].isin(list(roles))]
    if people.empty:
        raise MetricError(f"В таблице нет сотрудников с ролями {', '.join(map(str, roles))}.")
    hire = people["hire_date"].to_numpy(dtype="datetime64[D]")
    exit_ = people["exit_date"].fillna(pd.Timestamp("2262-01-01")).to_numpy(dtype="datetime64[D]")
    m_start = months.to_numpy(dtype="datetime64[D]")[:, None]
    m_end = (months + pd.offsets.MonthEnd(0)).to_numpy(dtype="datetime64[D]")[:, None] + np.timedelta64(1, "D")
    first = np.maximum(m_start, hire[None, :])
    last = np.minimum(m_end, exit_[None, :])
    active = np.clip((last - first).astype(float), 0, None) / (m_end - m_start).astype(float)
    frame = pd.DataFrame(active, index=months, columns=people["rep_id"].to_numpy())
    frame.index.name = "month"
    return frame


def ramped_capacity(reps: pd.DataFrame, start, end, role: str = "AE") -> pd.DataFrame:
    """Мощность сотрудников по месяцам в «полностью продуктивных месяцах».

    Для каждого месяца периода и каждого сотрудника роли ``role``: доля дней
    месяца, когда он работал (между ``hire_date`` и ``exit_date``), умноженная
    на ``ramp_factor`` (месяц найма — первый месяц рампа). Строки — месяцы
    (первое число), столбцы — ``rep_id``. Сумма по строке — мощность команды
    в месяце; сумма за год — «AE-месяцы» с учётом рампа.
    """
    require_columns(reps, ["rep_id", "role", "hire_date", "exit_date", "ramp_months"], "reps")
    active = active_months(reps, start, end, roles=(role,))
    people = reps.set_index("rep_id").loc[active.columns]
    k = _month_number(active.index)[:, None] - _month_number(people["hire_date"])[None, :] + 1
    return active * ramp_factor(k, people["ramp_months"].to_numpy(dtype=float)[None, :])


def attrition_counts(reps: pd.DataFrame, start, end, role: str = "AE") -> tuple[int, float]:
    """Уходы роли за период и отработанные за него человеко-годы: ``(уходы, человеко-годы)``."""
    require_columns(reps, ["rep_id", "role", "hire_date", "exit_date"], "reps")
    years = float(active_months(reps, start, end, roles=(role,)).to_numpy().sum() / 12)
    if years <= 0:
        raise MetricError("За период никто не работал — текучесть не определена.")
    people = reps[reps["role"] == role]
    return int(in_period(people["exit_date"], start, end).sum()), years


def attrition_rate(reps: pd.DataFrame, start, end, role: str = "AE") -> float:
    """Годовая текучесть роли: уходы за период / отработанные человеко-годы (:func:`attrition_counts`)."""
    exits, years = attrition_counts(reps, start, end, role)
    return exits / years


#: Поведение статей затрат на продажи и маркетинг в бюджете.
COST_BEHAVIOUR = {
    "salary": "fixed",
    "payroll_tax_fixed": "fixed",
    "tools": "fixed",
    "overhead": "fixed",
    "bonus": "variable",
    "payroll_tax_variable": "variable",
    "agency": "variable",
    "media": "discretionary",
}


def opex_structure(sm_costs: pd.DataFrame, marketing_spend: pd.DataFrame, start, end,
                   departments=("sales", "marketing"), payroll_tax_rate: float = PAYROLL_TAX_RATE) -> pd.DataFrame:
    """OPEX продаж и маркетинга за период по статьям с поведением: постоянные, переменные, управляемые.

    Взносы делятся на постоянную часть (взносы с окладов) и переменную (взносы с премий:
    их начисляют, когда премию выплачивают) функцией ``acquisition.payroll_tax_split``:
    у взносов есть предельная база, поэтому средняя ставка за период берётся из данных;
    ``payroll_tax_rate`` — только если окладов и премий нет. Медиа B2B — «управляемые» (discretionary): их объём решает
    компания, они не растут сами вслед за продажами. Столбцы ``amount_rub``, ``behaviour``.
    """
    require_columns(sm_costs, ["month", "department", "cost_type", "amount_rub"], "sm_costs")
    require_columns(marketing_spend, ["month", "business_line", "spend_rub"], "marketing_spend")
    rate = share(payroll_tax_rate, "Ставка взносов")
    rows = sm_costs[in_period(sm_costs["month"], start, end) & sm_costs["department"].isin(list(departments))]
    by_type = rows.groupby("cost_type")["amount_rub"].sum()
    salary, bonus = float(by_type.get("salary", 0.0)), float(by_type.get("bonus", 0.0))
    tax_fixed, tax_variable = payroll_tax_split(salary, bonus, float(by_type.get("payroll_tax", 0.0)), rate)
    items = {
        "salary": salary,
        "payroll_tax_fixed": tax_fixed,
        "payroll_tax_variable": tax_variable,
        "bonus": bonus,
        "tools": float(by_type.get("tools", 0.0)),
        "overhead": float(by_type.get("overhead", 0.0)),
        "agency": float(by_type.get("agency", 0.0)),
        "media": float(marketing_spend.loc[in_period(marketing_spend["month"], start, end)
                                           & (marketing_spend["business_line"] == "b2b"), "spend_rub"].sum()),
    }
    table = pd.DataFrame({"amount_rub": pd.Series(items), "behaviour": pd.Series(COST_BEHAVIOUR)})
    table.index.name = "item"
    return table


def _new_business(opportunities: pd.DataFrame) -> pd.DataFrame:
    """Сделки с новыми клиентами: без допродаж (созданных после первой выигранной сделки клиента)."""
    first = new_customer_deals(opportunities).set_index("account_id")["close_date"]
    became = opportunities["account_id"].map(first)
    upsell = became.notna() & (opportunities["created_date"] > became)
    return opportunities[~upsell]


def segment_productivity(opportunities: pd.DataFrame, reps: pd.DataFrame, start, end) -> pd.DataFrame:
    """Продуктивность AE по сегментам за период — основа плана «снизу вверх».

    Считаются только сделки с новыми клиентами (допродажи — часть NRR базы).
    Столбцы: ``ae_months`` — мощность AE сегмента с учётом рампа; ``won_deals``,
    ``closed_deals``, ``won_acv`` — выигранные, закрытые сделки и их ACV по дате
    закрытия; ``win_rate`` = выигранные / закрытые; ``acv`` — средний ACV выигрыша;
    ``acv_cv`` — коэффициент вариации ACV выигрышей; ``deals_per_month`` — выигрышей
    на полностью продуктивный AE-месяц; ``productivity`` — ACV на AE-месяц (₽);
    ``quota`` — типичный годовой план AE сегмента; ``attainment`` = 12 × productivity
    / quota; ``cycle_months`` — медианный цикл выигранной сделки в месяцах.
    """
    require_columns(opportunities, ["owner_id", "segment", "outcome", "close_date", "created_date", "amount_rub"], "opportunities")
    require_columns(reps, ["rep_id", "team", "annual_quota_rub"], "reps")
    capacity = ramped_capacity(reps, start, end, role="AE")
    team = reps.set_index("rep_id")["team"]
    ae_months = capacity.sum().groupby(team.reindex(capacity.columns).to_numpy()).sum()
    deals = _new_business(opportunities)
    closed = deals[deals["outcome"].isin(["won", "lost"]) & in_period(deals["close_date"], start, end)]
    won = closed[closed["outcome"] == "won"]
    cycle = (won["close_date"] - won["created_date"]).dt.days / DAYS_PER_MONTH
    quota = reps[reps["role"] == "AE"].groupby("team")["annual_quota_rub"].median()
    table = pd.DataFrame(
        {
            "ae_months": ae_months,
            "won_deals": won.groupby("segment").size(),
            "closed_deals": closed.groupby("segment").size(),
            "won_acv": won.groupby("segment")["amount_rub"].sum(),
            "acv_std": won.groupby("segment")["amount_rub"].std(),
            "cycle_months": cycle.groupby(won["segment"]).median(),
            "quota": quota,
        }
    ).reindex([s for s in SEGMENTS if s in set(ae_months.index) | set(won["segment"])])
    if table[["ae_months", "won_deals"]].isna().any().any() or (table["ae_months"] <= 0).any():
        raise MetricError("В каком-то сегменте нет ни мощности AE, ни выигранных сделок за период — продуктивность не определена.")
    table["win_rate"] = table["won_deals"] / table["closed_deals"]
    table["acv"] = table["won_acv"] / table["won_deals"]
    table["acv_cv"] = (table.pop("acv_std") / table["acv"]).fillna(0.0)
    table["deals_per_month"] = table["won_deals"] / table["ae_months"]
    table["productivity"] = table["won_acv"] / table["ae_months"]
    table["attainment"] = 12 * table["productivity"] / table["quota"]
    table.index.name = "segment"
    return table


def bonus_rate(sm_costs: pd.DataFrame, marketing_spend: pd.DataFrame, opportunities: pd.DataFrame, start, end) -> float:
    """Доля премий в новом ARR за период: премии продаж и маркетинга (без взносов) / ACV выигранных
    сделок с новыми клиентами (:func:`new_bookings_by_month`). Драйвер статьи «премии» в бюджете."""
    opex = opex_structure(sm_costs, marketing_spend, start, end)
    months = new_bookings_by_month(opportunities)
    new_arr = float(months[(months.index >= pd.Timestamp(start)) & (months.index <= pd.Timestamp(end))].sum())
    if new_arr <= 0:
        raise MetricError("За период нет нового ARR — доля премий не определена.")
    return float(opex.loc["bonus", "amount_rub"]) / new_arr


def new_bookings_by_month(opportunities: pd.DataFrame) -> pd.Series:
    """ACV выигранных сделок с новыми клиентами по месяцам закрытия (индекс — первое число месяца)."""
    require_columns(opportunities, ["outcome", "close_date", "amount_rub"], "opportunities")
    deals = _new_business(opportunities)
    won = deals[deals["outcome"] == "won"]
    series = won.groupby(won["close_date"].dt.to_period("M").dt.to_timestamp())["amount_rub"].sum()
    series.index.name = "month"
    return series.rename("new_arr")


def net_monthly_retention(mrr: pd.DataFrame, start, end) -> float:
    """Чистое месячное удержание MRR базы: Σ (MRR(t) − новый MRR(t)) / Σ MRR(t − 1) по месяцам периода.

    Включает расширения, сокращения и отток; 1,0 — база не растёт и не тает.
    """
    require_columns(mrr, ["month", "mrr_rub", "new_rub"], "mrr")
    total = mrr.groupby("month")[["mrr_rub", "new_rub"]].sum().sort_index()
    previous = total["mrr_rub"].shift()
    mask = in_period(pd.Series(total.index, index=total.index), start, end) & previous.notna()
    if not mask.any() or previous[mask].sum() <= 0:
        raise MetricError("За период нет MRR предыдущих месяцев — удержание не посчитать.")
    return float((total.loc[mask, "mrr_rub"] - total.loc[mask, "new_rub"]).sum() / previous[mask].sum())


def lead_conversion(leads: pd.DataFrame, opportunities: pd.DataFrame, start, end) -> pd.DataFrame:
    """Конверсия лида в сделку по сегментам: лиды, созданные в период, и сделки из них.

    Столбцы: ``leads``, ``opportunities`` (сделки с новыми клиентами из этих лидов,
    когда бы они ни были созданы), ``lead_to_opp``. Для плана лидов на будущий год.
    """
    require_columns(leads, ["lead_id", "segment", "created_date", "opportunity_id"], "leads")
    cohort = leads[in_period(leads["created_date"], start, end)]
    if cohort.empty:
        raise MetricError("За период нет лидов — конверсию не посчитать.")
    new_opps = set(_new_business(opportunities)["opportunity_id"])
    with_opp = cohort["opportunity_id"].isin(new_opps)
    table = pd.DataFrame({"leads": cohort.groupby("segment").size(), "opportunities": with_opp.groupby(cohort["segment"]).sum()})
    table = table.reindex([s for s in SEGMENTS if s in table.index])
    table["lead_to_opp"] = table["opportunities"] / table["leads"]
    table.index.name = "segment"
    return table


# ---------------------------------------------------------------------------
# План на год
# ---------------------------------------------------------------------------


def plan_team(reps: pd.DataFrame, hires: pd.DataFrame, year) -> pd.DataFrame:
    """Состав AE на год плана: работающие на 1 января плюс плановый найм.

    ``hires`` — таблица со столбцами ``segment``, ``hire_date`` и (необязательно)
    ``ramp_months`` и ``base_salary_rub``; без срока рампа берётся типичный рамп
    сегмента из ``reps``. Возвращает ``rep_id``, ``segment``, ``hire_date``,
    ``ramp_months``, ``base_salary_rub``, ``planned`` (True — плановый найм).
    """
    y = _check_year(year)
    require_columns(reps, ["rep_id", "role", "team", "hire_date", "exit_date", "ramp_months", "base_salary_rub"], "reps")
    require_columns(hires, ["segment", "hire_date"], "hires")
    start = pd.Timestamp(f"{y}-01-01")
    ae = reps[(reps["role"] == "AE") & (reps["hire_date"] < start) & (reps["exit_date"].isna() | (reps["exit_date"] >= start))]
    current = pd.DataFrame(
        {
            "rep_id": ae["rep_id"].to_numpy(),
            "segment": ae["team"].to_numpy(),
            "hire_date": ae["hire_date"].to_numpy(),
            "ramp_months": ae["ramp_months"].to_numpy(dtype=float),
            "base_salary_rub": ae["base_salary_rub"].to_numpy(dtype=float),
            "planned": False,
        }
    )
    if len(hires):
        unknown = set(hires["segment"]) - set(SEGMENTS)
        if unknown:
            raise MetricError(f"Неизвестные сегменты в плане найма: {', '.join(map(str, sorted(unknown)))}.")
        typical = reps[reps["role"] == "AE"].groupby("team")[["ramp_months", "base_salary_rub"]].median()
        new = pd.DataFrame(
            {
                "rep_id": [f"NEW{i + 1:02d}" for i in range(len(hires))],
                "segment": hires["segment"].to_numpy(),
                "hire_date": pd.to_datetime(hires["hire_date"]).to_numpy(),
                "ramp_months": (hires["ramp_months"] if "ramp_months" in hires else hires["segment"].map(typical["ramp_months"])).to_numpy(dtype=float),
                "base_salary_rub": (hires["base_salary_rub"] if "base_salary_rub" in hires else hires["segment"].map(typical["base_salary_rub"])).to_numpy(dtype=float),
                "planned": True,
            }
        )
        current = pd.concat([current, new], ignore_index=True)
    return current


def _team_arrays(team: pd.DataFrame, year: int):
    require_columns(team, ["segment", "hire_date", "ramp_months"], "team")
    if team.empty:
        raise MetricError("В команде нет ни одного AE.")
    unknown = set(team["segment"]) - set(SEGMENTS)
    if unknown:
        raise MetricError(f"Неизвестные сегменты: {', '.join(map(str, sorted(unknown)))}.")
    hire_idx = _month_number(team["hire_date"]) - (year * 12 + 1) + 1  # январь года плана — 1
    ramp = team["ramp_months"].to_numpy(dtype=float)
    seg = np.array([SEGMENTS.index(s) for s in team["segment"]])
    return hire_idx.astype(float), ramp, seg


def _capacity_paths(hire_idx, ramp, exit_month, vacancy: float, ramp_mult) -> np.ndarray:
    """Мощность по месяцам 1…12: (…, n, 12). exit_month — месяц ухода (inf — не уходит)."""
    m = np.arange(1, 13, dtype=float)
    r = ramp * np.asarray(ramp_mult, dtype=float)[..., None]
    k_orig = m - hire_idx[:, None] + 1
    orig = ramp_factor(k_orig, r[..., None]) * (m < exit_month[..., None])
    repl_start = exit_month + vacancy
    k_repl = m - repl_start[..., None] + 1
    # у AE без ухода замены нет (repl_start = inf, k_repl = −inf): её доля всё равно заменяется нулём снаружи,
    # поэтому бесконечности не нужно заранее превращать в нули (nan_to_num — ещё проход по всему массиву)
    with np.errstate(invalid="ignore"):
        repl = np.where(np.isfinite(repl_start)[..., None], ramp_factor(k_repl, r[..., None]), 0.0)
    return orig + repl


def expected_capacity(team: pd.DataFrame, year, attrition: float = 0.0, vacancy_months: float = 2.0, ramp: float = 1.0) -> pd.DataFrame:
    """Ожидаемая мощность AE по месяцам и сегментам с учётом рампа и текучести.

    Каждый AE уходит в месяце t с вероятностью h·(1 − h)^(t − e), где
    h = 1 − e^(−attrition / 12) — месячная вероятность ухода при частоте
    ``attrition`` уходов на человеко-год (как у :func:`attrition_rate`), e — первый
    месяц работы в году. С месяца ухода его мощность — 0; через
    ``vacancy_months`` месяцев выходит замена и рампится с нуля (замена
    не увольняется до конца года). ``ramp`` — множитель к сроку рампа.
    Месяц найма считается целиком (плановый найм — с первого числа).
    Это математическое ожидание того, что считает ``simulate_plan``.
    """
    y = _check_year(year)
    a = positive(attrition, "Текучесть (уходов на человеко-год)", allow_zero=True)
    if a > 3:
        raise MetricError("Текучесть задают долей вроде 0,2 (уходов на человеко-год), а не процентами.")
    vacancy = positive(vacancy_months, "Срок вакансии", allow_zero=True)
    ramp_mult = positive(ramp, "Множитель срока выхода на продуктивность")
    hire_idx, ramp_m, seg = _team_arrays(team, y)
    h = -np.expm1(-a / 12)  # частота уходов на человеко-год → вероятность уйти за месяц
    first = np.maximum(hire_idx, 1.0)
    m = np.arange(1, 13, dtype=float)
    # без ухода: мощность × вероятность остаться до месяца m включительно
    base = _capacity_paths(hire_idx, ramp_m, np.full(len(team), np.inf), vacancy, ramp_mult)
    survive = np.where(m[None, :] >= first[:, None], (1 - h) ** (m[None, :] - first[:, None] + 1), 1.0)
    expected = base * survive
    if h > 0:
        t = m  # возможные месяцы ухода
        p_t = np.where(t[None, :] >= first[:, None], h * (1 - h) ** (t[None, :] - first[:, None]), 0.0)  # (n, 12)
        k_repl = m[None, None, :] - (t[None, :, None] + vacancy) + 1  # (1, 12_t, 12_m)
        repl = ramp_factor(k_repl, (ramp_m * ramp_mult)[:, None, None])  # (n, 12_t, 12_m)
        expected = expected + (p_t[:, :, None] * repl).sum(axis=1)
    months = pd.date_range(f"{y}-01-01", periods=12, freq="MS")
    out = pd.DataFrame(0.0, index=months, columns=list(SEGMENTS))
    for j, name in enumerate(SEGMENTS):
        out[name] = expected[seg == j].sum(axis=0)
    out.index.name = "month"
    return out


def _cumulative_at(monthly: np.ndarray, t: np.ndarray) -> np.ndarray:
    """B(t): накопленная сумма помесячного ряда к моменту t (в месяцах), линейно внутри месяца.

    monthly — (…, 12); t — (…,) или (…, k). До 0 — ноль; после 12 — продолжение
    с темпом декабря (мощность не исчезает в конце года).
    """
    monthly = np.asarray(monthly, dtype=float)
    t = np.asarray(t, dtype=float)
    squeeze = t.ndim == monthly.ndim - 1
    if squeeze:
        t = t[..., None]
    cum = np.concatenate([np.zeros(monthly.shape[:-1] + (1,)), np.cumsum(monthly, axis=-1)], axis=-1)  # (…, 13)
    clipped = np.clip(t, 0.0, 12.0)
    k = np.minimum(np.floor(clipped), 11).astype(int)
    frac = clipped - k
    value = np.take_along_axis(cum, k, axis=-1) + frac * np.take_along_axis(monthly, k, axis=-1)
    value = value + np.clip(t - 12.0, 0.0, None) * monthly[..., 11:12]
    return value[..., 0] if squeeze else value


def _shift_months(monthly: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Сдвигает помесячные продажи на ``shift`` месяцев вперёд (дробный сдвиг — линейно).

    Продажи не уезжают в прошлое: при ускорении (shift < 0) всё, что «закрылось бы
    раньше января», приходится на январь. Сумма за год всегда равна B(12 − shift).
    """
    m = np.arange(1, 13, dtype=float)
    shift = np.asarray(shift, dtype=float)[..., None]
    upper = _cumulative_at(monthly, m - shift)
    lower = _cumulative_at(monthly, m - 1 - shift)
    lower[..., 0] = 0.0
    return upper - lower


def bookings_plan(capacity: pd.DataFrame, productivity: pd.DataFrame, win_rate: float = 1.0, acv: float = 1.0, cycle: float = 1.0) -> pd.DataFrame:
    """Новый ARR (ACV выигранных сделок) по месяцам и сегментам из мощности команды.

    Продажи месяца = мощность × выигрышей на AE-месяц × средний ACV (× множители
    ``win_rate`` и ``acv``). Множитель ``cycle`` удлиняет цикл: сделки сегмента
    сдвигаются на (cycle − 1) × медианный цикл месяцев; то, что уехало за декабрь,
    в план года не попадает (при ускорении — приходит из января следующего года).
    """
    require_columns(productivity, ["deals_per_month", "acv", "cycle_months"], "productivity")
    if not isinstance(capacity, pd.DataFrame) or capacity.shape[0] != 12:
        raise MetricError("Мощность должна быть таблицей из 12 месяцев (как у expected_capacity).")
    w = positive(win_rate, "Множитель конверсии", allow_zero=True)
    a = positive(acv, "Множитель ACV", allow_zero=True)
    c = positive(cycle, "Множитель цикла", allow_zero=True)
    segs = [s for s in capacity.columns if s in productivity.index]
    missing = [s for s in capacity.columns if s not in productivity.index and capacity[s].sum() > 0]
    if missing:
        raise MetricError(f"Нет продуктивности для сегментов: {', '.join(missing)}.")
    prod = productivity.loc[segs]
    monthly = capacity[segs].to_numpy().T * (prod["deals_per_month"].to_numpy() * w * prod["acv"].to_numpy() * a)[:, None]
    shift = (c - 1.0) * prod["cycle_months"].to_numpy()
    shifted = _shift_months(monthly, shift)
    return pd.DataFrame(shifted.T, index=capacity.index, columns=segs)


def plan_new_arr(team: pd.DataFrame, productivity: pd.DataFrame, year, win_rate: float = 1.0, acv: float = 1.0, cycle: float = 1.0,
                 ramp: float = 1.0, attrition: float = 0.0, vacancy_months: float = 2.0) -> float:
    """Новый ARR года по плану «снизу вверх» при заданных входах (число, ₽)."""
    capacity = expected_capacity(team, year, attrition=attrition, vacancy_months=vacancy_months, ramp=ramp)
    return float(bookings_plan(capacity, productivity, win_rate=win_rate, acv=acv, cycle=cycle).to_numpy().sum())


def funnel_requirements(new_arr: pd.Series, productivity: pd.DataFrame, conversion: pd.DataFrame) -> pd.DataFrame:
    """Сколько сделок, воронки и лидов нужно под план нового ARR по сегментам.

    Сделки = ARR / средний ACV; сделки в работу = выигрыши / win rate;
    воронка, ₽ = ARR / win rate; лиды = сделки в работу / конверсия лида в сделку.
    """
    require_columns(productivity, ["acv", "win_rate"], "productivity")
    require_columns(conversion, ["lead_to_opp"], "conversion")
    arr = pd.Series(new_arr, dtype=float)
    if (arr < 0).any():
        raise MetricError("План нового ARR не может быть отрицательным.")
    missing = [s for s in arr.index if s not in productivity.index or s not in conversion.index]
    if missing:
        raise MetricError(f"Нет конверсий для сегментов: {', '.join(map(str, missing))}.")
    p = productivity.loc[arr.index]
    table = pd.DataFrame({"new_arr": arr})
    table["deals"] = arr / p["acv"]
    table["opportunities"] = table["deals"] / p["win_rate"]
    table["pipeline_rub"] = arr / p["win_rate"]
    table["leads"] = table["opportunities"] / conversion.loc[arr.index, "lead_to_opp"]
    table.index.name = "segment"
    return table


def revenue_plan(opening_mrr: float, bookings: pd.Series, monthly_retention: float, prior_bookings: float = 0.0) -> pd.DataFrame:
    """MRR и признанная выручка по месяцам плана.

    Новый MRR месяца m = ACV сделок месяца m − 1 / 12 (сделка месяца m платит
    с m + 1; для января — ``prior_bookings``, продажи декабря прошлого года).
    MRR(m) = MRR(m − 1) × удержание + новый MRR(m); выручка месяца = MRR месяца
    (как в данных курса). ``monthly_retention`` — чистое удержание базы за месяц
    (с расширениями, минус сокращения и отток).
    """
    opening = positive(opening_mrr, "MRR на начало", allow_zero=True)
    r = positive(monthly_retention, "Месячное удержание", allow_zero=True)
    if r > 1.5:
        raise MetricError("Месячное удержание — это доля вроде 0,99, а не проценты.")
    b = pd.Series(bookings, dtype=float)
    if (b < 0).any():
        raise MetricError("Продажи не могут быть отрицательными.")
    new_mrr = np.concatenate([[float(prior_bookings)], b.to_numpy()[:-1]]) / 12
    # MRR(m) = opening × r^m + Σ_{j≤m} new_j × r^(m−j)
    m = np.arange(1, len(b) + 1)
    decay = np.tril(r ** (m[:, None] - m[None, :]).astype(float))
    mrr = opening * r ** m + decay @ new_mrr
    return pd.DataFrame({"new_mrr": new_mrr, "mrr": mrr, "revenue": mrr}, index=b.index)


def opex_plan(fixed_monthly: float, team: pd.DataFrame, year, bookings: pd.Series, media: pd.Series,
              bonus_rate: float, payroll_tax_rate: float = PAYROLL_TAX_RATE, per_head_monthly: float = 0.0,
              agency_rate: float = 0.0) -> pd.DataFrame:
    """OPEX продаж и маркетинга на год по месяцам «от драйверов».

    Статьи: ``run_rate`` — постоянные затраты текущей команды (оклады, взносы
    с окладов, инструменты, офис) на уровне последнего месяца; ``new_hires`` —
    плановый найм из ``team`` (``planned`` = True): доля отработанного месяца ×
    (оклад × (1 + ставка взносов) + ``per_head_monthly``); ``bonus`` — премии
    со взносами = продажи × ``bonus_rate`` × (1 + ставка взносов); ``media`` —
    медиабюджет; ``agency`` = медиа × ``agency_rate``.
    """
    y = _check_year(year)
    require_columns(team, ["hire_date", "base_salary_rub", "planned"], "team")
    tax = share(payroll_tax_rate, "Ставка взносов")
    months = pd.date_range(f"{y}-01-01", periods=12, freq="MS")
    b = pd.Series(bookings, dtype=float)
    m = pd.Series(media, dtype=float)
    if len(b) != 12 or len(m) != 12:
        raise MetricError("Продажи и медиабюджет нужны помесячно, 12 значений.")
    hires = team[team["planned"]]
    if len(hires):
        fake = pd.DataFrame({"rep_id": np.arange(len(hires)).astype(str), "role": "AE",
                             "hire_date": pd.to_datetime(hires["hire_date"]).to_numpy(), "exit_date": pd.NaT})
        worked = active_months(fake, months[0], months[-1] + pd.offsets.MonthEnd(0)).to_numpy()
        new_hires = worked @ (hires["base_salary_rub"].to_numpy(dtype=float) * (1 + tax) + float(per_head_monthly))
    else:
        new_hires = np.zeros(12)
    frame = pd.DataFrame(
        {
            "run_rate": np.full(12, positive(fixed_monthly, "Постоянные затраты в месяц", allow_zero=True)),
            "new_hires": new_hires,
            "bonus": b.to_numpy() * positive(bonus_rate, "Ставка премий", allow_zero=True) * (1 + tax),
            "media": m.to_numpy(),
            "agency": m.to_numpy() * positive(agency_rate, "Ставка агентства", allow_zero=True),
        },
        index=months,
    )
    frame.index.name = "month"
    return frame


# ---------------------------------------------------------------------------
# CAPEX
# ---------------------------------------------------------------------------


def amortization_schedule(cost: float, life_months: int, start, end=None, salvage: float = 0.0) -> pd.DataFrame:
    """Линейная амортизация по месяцам: (стоимость − ликвидационная) / срок в месяцах.

    ``start`` — первый месяц начисления; ``end`` — последний месяц таблицы (по
    умолчанию — конец срока). Столбцы: ``amortization`` (расход месяца),
    ``accumulated`` (накопленная), ``book_value`` (остаточная стоимость на конец месяца).
    """
    c = positive(cost, "Стоимость актива")
    s = positive(salvage, "Ликвидационная стоимость", allow_zero=True)
    if s >= c:
        raise MetricError("Ликвидационная стоимость не меньше первоначальной — амортизировать нечего.")
    try:
        life = int(life_months)
    except (TypeError, ValueError):
        raise MetricError(f"Срок полезного использования — целое число месяцев, получено {life_months!r}.") from None
    if life <= 0 or life != life_months:
        raise MetricError(f"Срок полезного использования — целое положительное число месяцев, получено {life_months!r}.")
    first = pd.Timestamp(start).to_period("M").to_timestamp()
    last = pd.Timestamp(end).to_period("M").to_timestamp() if end is not None else first + pd.DateOffset(months=life - 1)
    if last < first:
        raise MetricError("Конец таблицы раньше начала амортизации.")
    months = pd.date_range(first, last, freq="MS")
    n = np.arange(1, len(months) + 1)
    monthly = (c - s) / life
    amort = np.where(n <= life, monthly, 0.0)
    accumulated = np.cumsum(amort)
    frame = pd.DataFrame({"amortization": amort, "accumulated": accumulated, "book_value": c - accumulated}, index=months)
    frame.index.name = "month"
    return frame


# ---------------------------------------------------------------------------
# ROI найма
# ---------------------------------------------------------------------------


def hire_cash_flows(n_hires: int, months: int, ramp_months: float, productivity: float, monthly_cost_per_head: float,
                    gross_margin: float, variable_cost_rate: float = 0.0, monthly_retention: float = 1.0,
                    one_off_per_head: float = 0.0) -> pd.DataFrame:
    """Помесячные потоки от найма ``n_hires`` AE на горизонте ``months`` месяцев.

    Продажи месяца t = n × ramp_factor(t) × ``productivity`` (ACV на AE-месяц);
    затраты = n × ``monthly_cost_per_head`` (оклад со взносами, инструменты, офис)
    + продажи × ``variable_cost_rate`` (премии со взносами, маркетинг под сделки)
    + разовые затраты на найм в первом месяце. Выручка: сделка месяца t даёт
    MRR = ACV / 12 с месяца t + 1, база удерживается с ``monthly_retention``;
    валовая прибыль = выручка × ``gross_margin``. ``ramp_months = 0`` — без рампа.
    """
    try:
        n, horizon = int(n_hires), int(months)
    except (TypeError, ValueError):
        raise MetricError("Число найма и горизонт — целые числа.") from None
    if n <= 0 or horizon <= 0:
        raise MetricError("Число найма и горизонт должны быть положительными.")
    gm = share(gross_margin, "Валовая маржа")
    var = positive(variable_cost_rate, "Доля переменных затрат", allow_zero=True)
    cost = positive(monthly_cost_per_head, "Затраты на сотрудника в месяц", allow_zero=True)
    prod = positive(productivity, "Продуктивность", allow_zero=True)
    t = np.arange(1, horizon + 1)
    bookings = n * ramp_factor(t, positive(ramp_months, "Срок выхода на продуктивность", allow_zero=True)) * prod
    index = pd.RangeIndex(1, horizon + 1, name="month")
    rev = revenue_plan(0.0, pd.Series(bookings, index=index), monthly_retention)["revenue"].to_numpy()
    costs = n * cost + bookings * var
    costs[0] += n * positive(one_off_per_head, "Разовые затраты", allow_zero=True)
    frame = pd.DataFrame({"bookings": bookings, "revenue": rev, "gross_profit": rev * gm, "costs": costs}, index=index)
    frame["net"] = frame["gross_profit"] - frame["costs"]
    frame["cumulative"] = frame["net"].cumsum()
    return frame


def roi(gain: float, cost: float) -> float:
    """ROI = (отдача − затраты) / затраты, доля (0,25 — это 25 %)."""
    c = float(cost)
    if not np.isfinite(c) or c <= 0:
        raise MetricError("Затраты должны быть положительными — иначе ROI не определён.")
    return (float(gain) - c) / c


# ---------------------------------------------------------------------------
# Риски: Монте-Карло и торнадо
# ---------------------------------------------------------------------------


def _triple(spec, name: str) -> tuple[float, float, float]:
    """Тройка (низ, база, верх) диапазона входа, проверенная: числа и низ ≤ база ≤ верх."""
    try:
        low, mode, high = (float(v) for v in spec)
    except (TypeError, ValueError):
        raise MetricError(f"{name}: нужна тройка (низ, база, верх), получено {spec!r}.") from None
    if not low <= mode <= high:
        raise MetricError(f"{name}: должно быть низ ≤ база ≤ верх, получено {spec!r}.")
    return low, mode, high


def _triangular(rng: np.random.Generator, spec, size: int, name: str) -> np.ndarray:
    low, mode, high = _triple(spec, name)
    if low == high:
        rng.random(size)  # тот же расход случайных чисел: входы не «съезжают» при смене разброса
        return np.full(size, mode)
    return rng.triangular(low, mode, high, size)


def risk_scenarios(ranges: Mapping[str, tuple], bad_side: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Диапазоны входов в порядке влияния на план: пессимистично, базово, оптимистично.

    ``ranges`` — {вход: (низ, база, верх)}, как ``course.RISK_RANGES_2026``;
    ``bad_side`` — {вход: "low" или "high"}: какой край плох для плана
    (по умолчанию ``RISK_BAD_SIDE``). Столбец ``mean`` — среднее треугольного
    распределения, (низ + база + верх) / 3: у несимметричного диапазона оно
    не равно базе (моде).
    """
    sides = dict(RISK_BAD_SIDE if bad_side is None else bad_side)
    rows = []
    for name, spec in ranges.items():
        low, mode, high = _triple(spec, name)
        side = sides.get(name)
        if side not in ("low", "high"):
            raise MetricError(f"{name}: не указано, какой край плох для плана (\"low\" или \"high\").")
        worse, better = (low, high) if side == "low" else (high, low)
        rows.append({"input": name, "pessimistic": worse, "base": mode, "optimistic": better, "mean": (low + mode + high) / 3})
    return pd.DataFrame(rows).set_index("input")


def _triangular_ppf(spec, u: np.ndarray) -> np.ndarray:
    """Квантиль треугольного распределения (низ, база, верх) для равномерных u."""
    low, mode, high = (float(v) for v in spec)
    if low == high:
        return np.full(u.shape, mode)
    f_mode = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1 - u) * (high - low) * (high - mode))
    return np.where(u < f_mode, left, right)


def _correlated_draws(rng: np.random.Generator, spec, runs: int, correlation: Mapping[tuple, float]) -> dict[str, np.ndarray]:
    """Входы с заданной связью: гауссова копула, у каждого входа — его треугольное распределение."""
    names = list(RISK_INPUTS)
    corr = np.eye(len(names))
    for pair, value in correlation.items():
        try:
            a, b = pair
            i, j = names.index(a), names.index(b)
            r = float(value)
        except (TypeError, ValueError):
            raise MetricError(f"Связь входов задают так: {{('win_rate', 'cycle'): -0.6}}; получено {pair!r}: {value!r}.") from None
        if i == j or not -1 < r < 1:
            raise MetricError(f"Корреляция пары {pair!r} — число строго между −1 и 1 для двух разных входов.")
        corr[i, j] = corr[j, i] = r
    try:
        chol = np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        raise MetricError("Такие корреляции несовместны: матрица не положительно определена.") from None
    from scipy.special import ndtr

    for k in names:  # те же проверки троек, что и без связи
        _triangular(np.random.default_rng(0), spec[k], 1, RISK_INPUTS[k])
    u = ndtr(rng.standard_normal((runs, len(names))) @ chol.T)
    return {k: _triangular_ppf(spec[k], u[:, i]) for i, k in enumerate(names)}


def simulate_plan(team: pd.DataFrame, productivity: pd.DataFrame, year, inputs: Mapping[str, tuple] | None = None,
                  n_runs: int = 10_000, seed: int = 2025, vacancy_months: float = 2.0, deal_noise: bool = True,
                  correlation: Mapping[tuple, float] | None = None) -> pd.DataFrame:
    """Симуляция Монте-Карло выполнения плана нового ARR (векторно, без циклов по прогонам).

    ``inputs`` — словарь {вход: (низ, база, верх)} для входов из ``RISK_INPUTS``;
    в каждом прогоне вход берётся из треугольного распределения. Не указанный
    вход равен базе из ``BASE_INPUTS``. В прогоне: каждый AE уходит с месячной
    вероятностью 1 − e^(−текучесть / 12) (текучесть — уходов на человеко-год), замена выходит через ``vacancy_months``
    месяцев и рампится с нуля; цикл сдвигает сделки за конец года. При
    ``deal_noise`` число выигрышей сегмента — пуассоновское, а ACV сделок —
    гамма-распределённые с коэффициентом вариации ``acv_cv`` из истории.

    По умолчанию входы независимы. Входы всегда берутся через копулу (без связи —
    с единичной матрицей), поэтому прогоны с одним ``seed`` и разной ``correlation``
    используют одни и те же случайные числа: разница между ними — эффект связи,
    а не шум. ``correlation`` — {(вход, вход): r}: связь
    входов через гауссову копулу (r — корреляция нормальных «рычагов», близкая
    к ранговой); например, {("win_rate", "cycle"): -0.6} — «медленный рынок»,
    когда падает конверсия и одновременно удлиняется цикл.

    Возвращает таблицу прогонов: ``new_arr`` и ``new_arr_<сегмент>``, ``deals``,
    ``departures`` (уходы AE за год) и сэмплированные входы.
    """
    y = _check_year(year)
    require_columns(productivity, ["deals_per_month", "acv", "cycle_months", "acv_cv"], "productivity")
    try:
        runs = int(n_runs)
    except (TypeError, ValueError):
        raise MetricError("Число прогонов — целое число.") from None
    if runs < 1:
        raise MetricError("Нужен хотя бы один прогон.")
    spec = {k: (v, v, v) for k, v in BASE_INPUTS.items()}
    for key, value in (inputs or {}).items():
        if key not in RISK_INPUTS:
            raise MetricError(f"Неизвестный вход {key!r}; допустимы: {', '.join(RISK_INPUTS)}.")
        spec[key] = value
    rng = np.random.default_rng(seed)
    draws = _correlated_draws(rng, spec, runs, correlation or {})
    if (draws["attrition"] < 0).any() or (draws["attrition"] > 3).any():
        raise MetricError("Текучесть задают долей вроде 0,2 (уходов на человеко-год), а не процентами.")
    if min(draws["win_rate"].min(), draws["acv"].min(), draws["cycle"].min()) < 0 or draws["ramp"].min() <= 0:
        raise MetricError("Множители входов должны быть неотрицательными (срока выхода на продуктивность — положительным).")
    vacancy = positive(vacancy_months, "Срок вакансии", allow_zero=True)

    hire_idx, ramp_m, seg = _team_arrays(team, y)
    n = len(team)
    first = np.maximum(hire_idx, 1.0)
    h = -np.expm1(-draws["attrition"] / 12)  # (runs,): частота на человеко-год → вероятность за месяц
    u = 1.0 - rng.random((runs, n))  # (0, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        extra = np.where(h[:, None] > 0, np.floor(np.log(u) / np.log1p(-h)[:, None]), np.inf)
    exit_month = first[None, :] + extra  # (runs, n); inf — не уходит
    departures = (exit_month <= 12).sum(axis=1)

    segs = [s for s in SEGMENTS if s in productivity.index]
    onehot = (seg[:, None] == np.array([SEGMENTS.index(s) for s in segs])[None, :]).astype(float)  # (n, S)
    if (onehot.sum(axis=1) == 0).any():
        raise MetricError("Для части AE нет продуктивности их сегмента.")
    capacity = _capacity_paths(hire_idx, ramp_m, exit_month, vacancy, draws["ramp"])  # (runs, n, 12)
    seg_capacity = np.einsum("rnm,ns->rsm", capacity, onehot)  # (runs, S, 12)
    prod = productivity.loc[segs]
    shift = (draws["cycle"][:, None] - 1.0) * prod["cycle_months"].to_numpy()[None, :]  # (runs, S)
    in_year_capacity = _cumulative_at(seg_capacity, 12.0 - shift)  # (runs, S)
    expected_deals = in_year_capacity * prod["deals_per_month"].to_numpy()[None, :] * draws["win_rate"][:, None]
    acv = prod["acv"].to_numpy()[None, :] * draws["acv"][:, None]
    if deal_noise:
        deals = rng.poisson(expected_deals).astype(float)
        cv2 = np.maximum(prod["acv_cv"].to_numpy(), 1e-9) ** 2
        arr = rng.gamma(deals / cv2[None, :], 1.0) * acv * cv2[None, :]
    else:
        deals = expected_deals
        arr = expected_deals * acv
    out = pd.DataFrame({"new_arr": arr.sum(axis=1)})
    for j, s in enumerate(segs):
        out[f"new_arr_{s}"] = arr[:, j]
    out["deals"] = deals.sum(axis=1)
    out["departures"] = departures
    for k, v in draws.items():
        out[k] = v
    out.index.name = "run"
    return out


def plan_percentiles(simulation: pd.DataFrame, target: float, column: str = "new_arr") -> dict[str, float]:
    """P10, P50, P90 результата и вероятность достичь ``target`` (доля прогонов ≥ цели)."""
    require_columns(simulation, [column], "simulation")
    values = simulation[column].to_numpy(dtype=float)
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return {"p10": float(p10), "p50": float(p50), "p90": float(p90), "mean": float(values.mean()),
            "prob_hit": float((values >= float(target)).mean())}


def tornado(fn: Callable[..., float], base: Mapping[str, float], ranges: Mapping[str, tuple]) -> pd.DataFrame:
    """Торнадо-анализ: каждый вход по очереди ставится в низ и верх, остальные — в базе.

    ``fn(**params)`` возвращает число (например, ``plan_new_arr`` с закреплёнными
    командой и продуктивностью); ``base`` — базовые значения всех входов;
    ``ranges`` — {вход: (низ, верх)} или тройки (низ, база, верх). Возвращает
    таблицу по входам: ``low``, ``high``, ``value_low``, ``value_high``; те же значения
    в порядке влияния — ``worse``/``better`` (значение входа) и ``value_worse``/``value_better``
    (результат); ``base_value``,
    ``swing`` (размах результата) и ``downside`` (насколько худшее из двух значений
    ниже базы), по убыванию размаха.
    """
    if not ranges:
        raise MetricError("Не заданы диапазоны входов.")
    unknown = [k for k in ranges if k not in base]
    if unknown:
        raise MetricError(f"У входов {', '.join(unknown)} нет базового значения.")
    base_value = float(fn(**base))
    rows = []
    for name, spec in ranges.items():
        spec = tuple(spec)
        if len(spec) not in (2, 3):
            raise MetricError(f"{name}: диапазон — (низ, верх) или (низ, база, верх).")
        low, high = float(spec[0]), float(spec[-1])
        v_low = float(fn(**{**base, name: low}))
        v_high = float(fn(**{**base, name: high}))
        worse, better = (low, high) if v_low <= v_high else (high, low)
        rows.append({"input": name, "low": low, "high": high, "value_low": v_low, "value_high": v_high,
                     "worse": worse, "better": better, "value_worse": min(v_low, v_high), "value_better": max(v_low, v_high),
                     "base_value": base_value, "swing": abs(v_high - v_low), "downside": base_value - min(v_low, v_high)})
    table = pd.DataFrame(rows).set_index("input").sort_values("swing", ascending=False)
    return table
