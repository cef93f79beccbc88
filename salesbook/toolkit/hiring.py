"""Найм в отдел продаж: сроки и воронка найма, стоимость источника, профили ролей, интервью и план 30-60-90.

Всё, чему учит раздел 5.1 книги:

* сроки найма по вакансиям (``vacancy_times``) и воронка найма по источникам (``stage_funnel``);
* когда открывать вакансию, чтобы новичок вышел на полную продуктивность к нужному месяцу
  (``hiring_calendar``), и сколько замен заложить на текучесть (``expected_exits``);
* стоимость найма через агентство и по рекомендации (``agency_fee``, ``source_cost``);
* профили ролей — матрица компетенций (``competency_matrix``);
* согласие интервьюеров: каппа Коэна и Флейса (``ratings_wide``, ``cohen_kappa``, ``fleiss_kappa``),
  строгость интервьюеров (``rater_leniency``), связь оценки с результатами (``validity``);
* проверка плана 30-60-90 против срока выхода на продуктивность (``check_ramp_plan``).

Срок выхода на продуктивность — та же линейная модель, что в разделе 1.3
(:func:`salesbook.toolkit.planning.ramp_factor`): месяц выхода — первый, в k-м месяце
продуктивность k / ramp_months. Каппы считает statsmodels. На неверный вход функции
отвечают ``MetricError`` на русском.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from salesbook.toolkit.acquisition import in_period
from salesbook.toolkit.planning import ramp_factor
from salesbook.toolkit.validation import MetricError, positive, require_columns, share

#: Этапы воронки найма по порядку (как в candidates.stage_reached).
STAGES = ("applied", "screen", "interview", "final", "offer", "accepted")
#: Компетенции структурированного интервью (как в interview_scores.competency).
COMPETENCIES = ("discovery", "objection_handling", "written_communication", "product_understanding",
                "coachability", "motivation")
#: Вознаграждение кадрового агентства — доля годового дохода кандидата (оклад × 12).
#: Российские агентства берут обычно 15–25 % за специалистов и руководителей среднего звена;
#: курс берёт середину диапазона (источники и расхождения — в разделе 5.1).
AGENCY_FEE_RATE = 0.20
#: Бонус сотруднику за рекомендацию, ₽: выплачивается после испытательного срока
#: (допущение курса для «Сферы Софт»; у российских IT-компаний — от десятков тысяч рублей).
REFERRAL_BONUS_RUB = 50_000


def _role_key(role: pd.Series, team: pd.Series) -> pd.Series:
    """AE и SE — по сегменту (AE · mid_market), прочие роли — как есть."""
    key = role.astype(str)
    with_team = role.isin(["AE", "SE"]) & team.notna()
    return key.where(~with_team, key + " · " + team.astype(str))


# ---------------------------------------------------------------------------
# Сроки и воронка найма
# ---------------------------------------------------------------------------


def vacancy_times(candidates: pd.DataFrame, reps: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """Сроки закрытых вакансий: от открытия до принятия оффера и до выхода на работу, дней.

    Одна строка — вакансия, закрытая наймом (``vacancy_status == "filled"``), у которой выход
    сотрудника (``reps.hire_date``) попал в период [start, end] (без периода — все).
    Столбцы: ``vacancy_id``, ``role``, ``team``, ``role_key`` (AE и SE — с сегментом),
    ``source`` (источник нанятого), ``opened``, ``accepted``, ``start``, ``days_to_accept``,
    ``days_to_start`` (календарные дни).
    """
    require_columns(candidates, ["vacancy_id", "role", "team", "vacancy_opened_date", "stage_reached",
                                 "accepted_date", "hired_rep_id", "source"], "candidates", non_empty=True)
    require_columns(reps, ["rep_id", "hire_date"], "reps")
    hired = candidates[candidates["stage_reached"] == "accepted"]
    start_of = reps.set_index("rep_id")["hire_date"]
    out = pd.DataFrame({
        "vacancy_id": hired["vacancy_id"].to_numpy(),
        "role": hired["role"].to_numpy(),
        "team": hired["team"].to_numpy(),
        "source": hired["source"].to_numpy(),
        "opened": pd.to_datetime(hired["vacancy_opened_date"]).to_numpy(),
        "accepted": pd.to_datetime(hired["accepted_date"]).to_numpy(),
        "start": hired["hired_rep_id"].map(start_of).to_numpy(),
    })
    if out["start"].isna().any():
        raise MetricError("У части нанятых кандидатов нет сотрудника в reps — проверьте hired_rep_id.")
    out.insert(3, "role_key", _role_key(out["role"], out["team"]))
    if start is not None or end is not None:
        out = out[in_period(out["start"], start, end).to_numpy()]
    out["days_to_accept"] = (out["accepted"] - out["opened"]).dt.days
    out["days_to_start"] = (out["start"] - out["opened"]).dt.days
    return out.reset_index(drop=True)


def stage_funnel(candidates: pd.DataFrame, start=None, end=None, by: str = "source") -> pd.DataFrame:
    """Воронка найма: сколько кандидатов дошли до каждого этапа, по группам ``by``.

    Кандидаты — с откликом (``applied_date``) в периоде [start, end] (без периода — все).
    Столбцы — этапы ``STAGES`` (дошли до этапа или дальше) и ``hire_rate`` — доля откликов,
    закончившихся принятым оффером (``accepted / applied``).
    """
    require_columns(candidates, ["stage_reached", "applied_date", by], "candidates", non_empty=True)
    unknown = set(candidates["stage_reached"]) - set(STAGES)
    if unknown:
        raise MetricError(f"Неизвестные этапы: {', '.join(map(str, sorted(unknown)))}.")
    c = candidates
    if start is not None or end is not None:
        c = c[in_period(c["applied_date"], start, end).to_numpy()]
    if c.empty:
        raise MetricError("В периоде нет ни одного отклика.")
    level = c["stage_reached"].map(STAGES.index)
    table = pd.DataFrame({stage: (level >= i).groupby(c[by]).sum() for i, stage in enumerate(STAGES)})
    table["hire_rate"] = table["accepted"] / table["applied"]
    table.index.name = by
    return table.sort_values("applied", ascending=False)


def hiring_calendar(productive_by, ramp_months, days_to_start) -> pd.Series:
    """Когда нанять и когда открыть вакансию, чтобы новичок работал в полную силу с месяца ``productive_by``.

    По линейной модели раздела 1.3 месяц выхода — первый, полная продуктивность — с месяца
    ``ramp_months``: выйти нужно 1-го числа месяца ``productive_by − (ramp_months − 1)``.
    Вакансию открывают за ``days_to_start`` календарных дней до выхода (срок от открытия
    вакансии до выхода сотрудника, например медиана по роли из :func:`vacancy_times`).
    Возвращает ``start`` (дата выхода) и ``open_by`` (последний день открыть вакансию).
    """
    try:
        target = pd.Timestamp(productive_by).to_period("M").to_timestamp()
    except (TypeError, ValueError):
        raise MetricError(f"Месяц полной продуктивности — дата вроде '2026-09-01', получено {productive_by!r}.") from None
    ramp = positive(ramp_months, "Срок выхода на продуктивность, мес.", allow_zero=True)
    if ramp != int(ramp) or ramp > 24:
        raise MetricError("Срок выхода на продуктивность — целое число месяцев от 0 до 24.")
    days = positive(days_to_start, "Срок от открытия вакансии до выхода, дней", allow_zero=True)
    start = target - pd.DateOffset(months=max(int(ramp) - 1, 0))
    return pd.Series({"start": start, "open_by": start - pd.Timedelta(days=round(days))})


def expected_exits(team: pd.DataFrame, year, attrition: float) -> float:
    """Ожидаемое число уходов команды за год плана: текучесть × отработанные человеко-годы.

    ``team`` — состав из :func:`salesbook.toolkit.planning.plan_team` (столбец ``hire_date``);
    человек, нанятый в году плана, работает с месяца найма до декабря. ``attrition`` — уходов
    на человеко-год, как у :func:`salesbook.toolkit.planning.attrition_rate`. Каждый уход —
    ещё одна вакансия, которую надо закрыть.
    """
    require_columns(team, ["hire_date"], "team", non_empty=True)
    a = positive(attrition, "Текучесть (уходов на человеко-год)", allow_zero=True)
    if a > 3:
        raise MetricError("Текучесть задают долей вроде 0,2 (уходов на человеко-год), а не процентами.")
    y = int(year)
    hire = pd.to_datetime(team["hire_date"])
    first_month = np.where(hire.dt.year < y, 1, np.where(hire.dt.year == y, hire.dt.month, 13))
    person_years = float(np.clip(13 - first_month, 0, 12).sum()) / 12
    return a * person_years


# ---------------------------------------------------------------------------
# Стоимость источника
# ---------------------------------------------------------------------------


def agency_fee(monthly_salary, rate: float = AGENCY_FEE_RATE):
    """Вознаграждение агентства: ``rate`` × годовой оклад (оклад в месяц × 12), ₽."""
    r = share(rate, "Ставка агентства (доля годового дохода)")
    salary = np.asarray(monthly_salary, dtype=float)
    if np.any(~np.isfinite(salary)) or np.any(salary <= 0):
        raise MetricError("Оклад в месяц — положительное число рублей.")
    fee = r * salary * 12
    return float(fee) if fee.ndim == 0 else fee


def typical_salary(reps: pd.DataFrame, role: str, team: str | None = None) -> float:
    """Типичный оклад роли, ₽ в месяц: медиана ``base_salary_rub`` работающих сотрудников роли (и команды)
    на конец данных (``exit_date`` пуст). Одна база для гонорара агентства и цены замены в 5.1 и 5.4."""
    require_columns(reps, ["role", "team", "exit_date", "base_salary_rub"], "reps")
    staff = reps[(reps["role"] == role) & reps["exit_date"].isna()]
    if team is not None:
        staff = staff[staff["team"] == team]
    if staff.empty:
        raise MetricError(f"typical_salary: нет работающих сотрудников роли {role}"
                          + (f" в команде {team}" if team else "") + ".")
    return float(staff["base_salary_rub"].median())


def agency_fee_for(reps: pd.DataFrame, role: str, team: str | None = None,
                   rate: float = AGENCY_FEE_RATE) -> float:
    """Гонорар агентства за найм на роль (и в команду), ₽: ``rate`` × 12 × :func:`typical_salary`."""
    return agency_fee(typical_salary(reps, role, team), rate)


def source_cost(hires: pd.DataFrame, reps: pd.DataFrame, fee_rate: float = AGENCY_FEE_RATE,
                referral_bonus: float = REFERRAL_BONUS_RUB) -> pd.Series:
    """Прямые деньги за найм по источнику нанятого, ₽ на каждый найм.

    Агентство — ``fee_rate`` × годовой оклад нанятого при найме (первая запись — ``base_salary_rub``
    в reps, если истории нет); рекомендация — ``referral_bonus``; остальные источники — 0
    (размещение вакансий на hh.ru и работа рекрутера — общие расходы, их на найм не делят).
    ``hires`` — строки :func:`vacancy_times` (нужны ``source``) с ``rep_id`` или таблица кандидатов
    с ``hired_rep_id``.
    """
    require_columns(hires, ["source"], "hires")
    rep_col = "rep_id" if "rep_id" in hires else "hired_rep_id"
    require_columns(hires, [rep_col], "hires")
    require_columns(reps, ["rep_id", "base_salary_rub"], "reps")
    bonus = positive(referral_bonus, "Бонус за рекомендацию, ₽", allow_zero=True)
    salary = hires[rep_col].map(reps.set_index("rep_id")["base_salary_rub"])
    cost = pd.Series(0.0, index=hires.index)
    agency = hires["source"] == "agency"
    if agency.any():
        cost[agency] = agency_fee(salary[agency].to_numpy(), fee_rate)
    cost[hires["source"] == "referral"] = bonus
    return cost


# ---------------------------------------------------------------------------
# Профиль роли
# ---------------------------------------------------------------------------

#: Требуемый уровень компетенции по роли, 1–5 (1 — не нужна, 3 — уверенно, 5 — эксперт).
#: Профиль «Сферы Софт» — допущение курса; как его строят — в разделе 5.1.
_PROFILE = {
    "SDR": {"discovery": 3, "objection_handling": 3, "written_communication": 4, "product_understanding": 2,
            "coachability": 4, "motivation": 4},
    "AE · smb": {"discovery": 3, "objection_handling": 4, "written_communication": 3, "product_understanding": 3,
                 "coachability": 3, "motivation": 4},
    "AE · mid_market": {"discovery": 4, "objection_handling": 4, "written_communication": 4,
                        "product_understanding": 3, "coachability": 3, "motivation": 4},
    "AE · enterprise": {"discovery": 5, "objection_handling": 4, "written_communication": 4,
                        "product_understanding": 4, "coachability": 3, "motivation": 3},
    "SE": {"discovery": 3, "objection_handling": 3, "written_communication": 4, "product_understanding": 5,
           "coachability": 3, "motivation": 3},
    "CSM": {"discovery": 3, "objection_handling": 3, "written_communication": 4, "product_understanding": 4,
            "coachability": 3, "motivation": 3},
}


def competency_matrix() -> pd.DataFrame:
    """Матрица компетенций «Сферы Софт»: роль × компетенция → требуемый уровень 1–5."""
    return pd.DataFrame(_PROFILE).T.loc[:, list(COMPETENCIES)].rename_axis("role")


# ---------------------------------------------------------------------------
# Интервью: согласие интервьюеров и связь с результатами
# ---------------------------------------------------------------------------


def ratings_wide(scores: pd.DataFrame, competency: str | None = None) -> pd.DataFrame:
    """Оценки в широком виде: строка — кандидат × компетенция, столбцы — роли интервьюеров.

    ``competency`` — только одна компетенция (None — все). Столбцы ``hiring_manager``,
    ``peer``, ``hr``; строки, где кто-то не оценил, отброшены.
    """
    require_columns(scores, ["candidate_id", "interviewer_role", "competency", "score"], "scores", non_empty=True)
    s = scores
    if competency is not None:
        if competency not in set(s["competency"]):
            raise MetricError(f"Компетенции {competency!r} нет в оценках; есть: {', '.join(sorted(set(s['competency'])))}.")
        s = s[s["competency"] == competency]
    wide = s.pivot_table(index=["candidate_id", "competency"], columns="interviewer_role", values="score", aggfunc="first")
    wide.columns.name = None
    return wide.dropna().astype(int)


def _square_table(a, b, categories) -> np.ndarray:
    a = pd.Categorical(np.asarray(a), categories=categories)
    b = pd.Categorical(np.asarray(b), categories=categories)
    return pd.crosstab(a, b, dropna=False).reindex(index=categories, columns=categories, fill_value=0).to_numpy()


def cohen_kappa(a, b, weights: str | None = None, categories=(1, 2, 3, 4, 5)) -> float:
    """Каппа Коэна двух интервьюеров по одним и тем же объектам (statsmodels ``cohens_kappa``).

    ``weights``: None — невзвешенная (важны только точные совпадения), ``"linear"`` или
    ``"quadratic"`` — взвешенная для порядковой шкалы: расхождение на балл штрафуется меньше,
    чем на четыре. ``categories`` — все возможные оценки шкалы.
    """
    from statsmodels.stats.inter_rater import cohens_kappa as _ck

    if weights not in (None, "linear", "quadratic"):
        raise MetricError("weights: None, 'linear' или 'quadratic'.")
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.ndim != 1 or len(a) < 2:
        raise MetricError("Нужны две одинаковые по длине последовательности оценок одних и тех же кандидатов.")
    bad = set(np.unique(np.concatenate([a, b]))) - set(categories)
    if bad:
        raise MetricError(f"Оценки вне шкалы {list(categories)}: {sorted(bad)}.")
    table = _square_table(a, b, list(categories))
    return float(_ck(table, wt=weights).kappa)


def fleiss_kappa(ratings, categories=(1, 2, 3, 4, 5)) -> float:
    """Каппа Флейса для нескольких интервьюеров: строки — объекты, столбцы — интервьюеры (statsmodels)."""
    from statsmodels.stats.inter_rater import fleiss_kappa as _fk

    arr = np.asarray(ratings)
    if arr.ndim != 2 or arr.shape[1] < 2 or arr.shape[0] < 2:
        raise MetricError("Нужна таблица: строки — кандидаты (или кандидат × компетенция), столбцы — интервьюеры (≥ 2).")
    cats = list(categories)
    bad = set(np.unique(arr)) - set(cats)
    if bad:
        raise MetricError(f"Оценки вне шкалы {cats}: {sorted(bad)}.")
    counts = np.stack([(arr == c).sum(axis=1) for c in cats], axis=1)
    return float(_fk(counts, method="fleiss"))


def rater_leniency(scores: pd.DataFrame, min_ratings: int = 30) -> pd.DataFrame:
    """Строгость интервьюеров: средняя разница «моя оценка − средняя оценка коллег по тем же кандидатам».

    Сравнение по тем же кандидатам и компетенциям убирает то, что одним интервьюерам достаются
    кандидаты сильнее. Интервьюеры с числом оценок меньше ``min_ratings`` отброшены.
    Столбцы ``ratings`` и ``leniency`` (в баллах; минус — строже коллег).
    """
    require_columns(scores, ["candidate_id", "interviewer_id", "competency", "score"], "scores", non_empty=True)
    key = [scores["candidate_id"], scores["competency"]]
    total = scores.groupby(key)["score"].transform("sum")
    count = scores.groupby(key)["score"].transform("size")
    others = (total - scores["score"]) / (count - 1).where(count > 1)
    diff = (scores["score"] - others).dropna()
    ids = scores.loc[diff.index, "interviewer_id"]
    table = pd.DataFrame({"ratings": diff.groupby(ids).size(), "leniency": diff.groupby(ids).mean()})
    table = table[table["ratings"] >= min_ratings].sort_values("leniency")
    table.index.name = "interviewer_id"
    return table


def validity(x, y, alpha: float = 0.05) -> pd.Series:
    """Валидность оценки: корреляция Пирсона оценки интервью и результата работы с интервалом Фишера.

    Возвращает ``r``, ``low``, ``high`` (интервал 1 − alpha) и ``n``. На паре десятков нанятых
    интервал широкий — об этом раздел 5.1.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    n = int(ok.sum())
    if n < 4:
        raise MetricError("Для корреляции с интервалом нужно хотя бы 4 пары «оценка — результат».")
    r = float(np.corrcoef(x[ok], y[ok])[0, 1])
    z, se = np.arctanh(np.clip(r, -0.999999, 0.999999)), 1 / np.sqrt(n - 3)
    q = stats.norm.ppf(1 - alpha / 2)
    return pd.Series({"r": r, "low": float(np.tanh(z - q * se)), "high": float(np.tanh(z + q * se)), "n": n})


# ---------------------------------------------------------------------------
# План 30-60-90
# ---------------------------------------------------------------------------


def check_ramp_plan(plan: pd.DataFrame, ramp_months: float, monthly_quota: float | None = None) -> pd.DataFrame:
    """Проверить цели плана 30-60-90 против срока выхода на продуктивность.

    ``plan`` — таблица со столбцом ``month`` (1, 2, 3 — месяц работы) и целью: ``target_share``
    (доля полной месячной квоты) или ``target_rub`` (₽ подписанного ACV за месяц — тогда нужна
    ``monthly_quota``, полная месячная квота, ₽). Цель месяца k не должна превышать
    ``planning.ramp_factor(k, ramp_months)`` — ту же долю, по которой раздел 1.3 считает
    мощность команды. Возвращает по месяцам: ``target_share``, ``ramp_share``, ``ok`` и
    ``excess_share`` (на сколько цель выше допустимой доли, доля квоты; 0 — в порядке).
    """
    require_columns(plan, ["month"], "plan", non_empty=True)
    ramp = positive(ramp_months, "Срок выхода на продуктивность, мес.", allow_zero=True)
    months = pd.to_numeric(plan["month"], errors="coerce")
    if months.isna().any() or (months < 1).any() or (months != months.round()).any():
        raise MetricError("plan.month — номер месяца работы: 1, 2, 3…")
    if "target_share" in plan:
        target = pd.to_numeric(plan["target_share"], errors="coerce")
        if target.isna().any():
            raise MetricError("plan.target_share — числа: доля полной квоты (0,25 — четверть).")
        share(target.to_numpy(), "plan.target_share")
    elif "target_rub" in plan:
        if monthly_quota is None:
            raise MetricError("Цели в рублях (target_rub) сравнивают с полной месячной квотой: передайте monthly_quota.")
        quota = positive(monthly_quota, "Полная месячная квота, ₽")
        target = pd.to_numeric(plan["target_rub"], errors="coerce") / quota
        if target.isna().any():
            raise MetricError("plan.target_rub — числа, ₽ за месяц.")
    else:
        raise MetricError("В плане нужна цель: столбец target_share (доля квоты) или target_rub (₽ за месяц).")
    allowed = ramp_factor(months.to_numpy(), ramp)
    out = pd.DataFrame({"month": months.astype(int).to_numpy(), "target_share": target.to_numpy(dtype=float),
                        "ramp_share": allowed})
    out["ok"] = out["target_share"] <= out["ramp_share"] + 1e-9
    out["excess_share"] = (out["target_share"] - out["ramp_share"]).clip(lower=0)
    return out.set_index("month")


def thirty_sixty_ninety(rows: Mapping[int, tuple[str, float]]) -> pd.DataFrame:
    """План 30-60-90 таблицей из словаря {месяц: (что делает новичок, цель — доля квоты)}."""
    if not rows:
        raise MetricError("План пуст: нужен хотя бы один месяц.")
    return pd.DataFrame([{"month": m, "activities": a, "target_share": t} for m, (a, t) in sorted(rows.items())])
