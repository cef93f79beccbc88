"""Упражнения раздела 5.1 «Рекрутинг и онбординг» (части 1 и 2).

Часть 1 — q1–q5 (сколько нанимать, когда открыть вакансию, воронка найма, агентство или
рекомендация), часть 2 — q6–q9 (каппы интервьюеров, строгий интервьюер, план 30-60-90).
Эталоны считаются из данных курса функциями ``salesbook.toolkit.hiring`` и ``planning``;
каждая типичная ошибка — тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Invalid, Mistake, Number, Table
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, hiring, planning, unit_economics

SECTION = "ch05.hiring"
TITLE = "5.1. Рекрутинг и онбординг"

#: Месяц, с которого новый AE mid-market должен работать в полную силу (упражнение 2).
PRODUCTIVE_BY = "2026-09-01"
#: На сколько дней агентство закрывает вакансию AE mid-market быстрее, чем ожидание рекомендации
#: (упражнение 5): обещание агентства, допущение курса.
AGENCY_FASTER_MONTHS = 1


def _reps() -> pd.DataFrame:
    return table("reps")


# ---------------------------------------------------------------------------
# Часть 1. 1. Сколько вакансий AE открыть в 2026 году
# ---------------------------------------------------------------------------


def hires_2026() -> pd.DataFrame:
    """Итоговый план найма AE раздела 1.3: утверждённые четыре и три дополнительных AE mid-market."""
    return pd.concat([course.hires_2026(), course.extra_hires_2026(3)], ignore_index=True)


def team_2026() -> pd.DataFrame:
    return planning.plan_team(_reps(), hires_2026(), course.PLAN_YEAR)


def ae_vacancies(attrition_period=course.HISTORY, full_year: bool = False, planned: bool = True, exits: bool = True) -> float:
    a = planning.attrition_rate(_reps(), *attrition_period)
    team = team_2026()
    out = len(hires_2026()) if planned else 0
    if exits:
        out += a * len(team) if full_year else hiring.expected_exits(team, course.PLAN_YEAR, a)
    return float(out)


@dataclass
class NumberOrCeil(Number):
    """Число с допуском; округление вверх до целого тоже принимается (так планируют вакансии)."""

    def equal(self, answer: float, expected: Any) -> bool:
        return super().equal(answer, expected) or math.isclose(answer, math.ceil(float(expected)))


q1 = Exercise(
    id="ch05.hiring.q1",
    title="Сколько вакансий AE открыть в 2026 году",
    var="ae_vacancies_2026",
    expected=ae_vacancies,
    compare=NumberOrCeil(rel_tol=0.01),
    hints=[
        "Вакансии — это плановый найм (hires_2026: семь AE из раздела 1.3) плюс замены тех, кто уйдёт за год.",
        "Ожидаемые уходы: hiring.expected_exits(team_2026, 2026, attrition), где attrition — "
        "planning.attrition_rate(reps, *course.HISTORY), текучесть AE за 2023–2025 годы.",
    ],
    mistakes=[
        Mistake(name="planned_only", value=lambda: ae_vacancies(exits=False),
                hint="Это только плановый найм. За год часть AE уйдёт, и каждую замену тоже надо нанять: прибавьте ожидаемые уходы."),
        Mistake(name="exits_only", value=lambda: ae_vacancies(planned=False),
                hint="Это только замены ушедших. Прибавьте плановый найм раздела 1.3 — семь новых AE."),
        Mistake(name="attrition_2025", value=lambda: ae_vacancies(attrition_period=course.YEAR_2025),
                hint="Текучесть взята за один 2025 год: уходов за год — единицы, оценка шумная. Возьмите всю историю, course.HISTORY."),
        Mistake(name="full_year", value=lambda: ae_vacancies(full_year=True),
                hint="Вы умножили текучесть на число AE, как будто все работают весь год. Новички выходят в феврале–апреле: "
                     "считайте человеко-годы — hiring.expected_exits."),
    ],
    correct_message="Вакансий заметно больше, чем «плановых» голов: около 40 % работы рекрутера в 2026 году — замены.",
)

# ---------------------------------------------------------------------------
# 2. Когда открыть вакансию
# ---------------------------------------------------------------------------


def median_days(column: str = "days_to_start", key: str = "AE · mid_market", how: str = "median") -> float:
    t = hiring.vacancy_times(table("candidates"), _reps())
    return float(getattr(t.loc[t["role_key"] == key, column], how)())


def open_by(column: str = "days_to_start", how: str = "median", ramp_shift: int = 0) -> pd.Timestamp:
    ramp = float(_reps().query("role == 'AE' and team == 'mid_market'")["ramp_months"].median())
    cal = hiring.hiring_calendar(PRODUCTIVE_BY, ramp + ramp_shift, median_days(column, how=how))
    return cal["open_by"]


@dataclass
class DateAnswer:
    """Дата: строка 'ГГГГ-ММ-ДД', Timestamp или date; допуск в днях."""

    tol_days: int = 2

    def normalize(self, value: Any) -> pd.Timestamp:
        if isinstance(value, (int, float, np.number)) or isinstance(value, bool):
            raise Invalid("Нужна дата, например '2026-05-04' или pd.Timestamp('2026-05-04'), а получено число.")
        if isinstance(value, pd.Series) and len(value) == 1:
            value = value.iloc[0]
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError):
            raise Invalid("Не получилось прочитать дату: запишите её как '2026-05-04' или pd.Timestamp(...).") from None
        if pd.isna(stamp):
            raise Invalid("Получена пустая дата (NaT).")
        return stamp.normalize()

    def equal(self, answer: pd.Timestamp, expected: Any) -> bool:
        return abs((answer - pd.Timestamp(expected).normalize()).days) <= self.tol_days

    def generic_hint(self, answer: pd.Timestamp, expected: Any) -> str | None:
        return None


def _near(a: pd.Timestamp, b: pd.Timestamp) -> bool:
    return abs((a - b.normalize()).days) <= 2


q2 = Exercise(
    id="ch05.hiring.q2",
    title="Когда открыть вакансию AE mid-market",
    var="open_by_date",
    expected=open_by,
    compare=DateAnswer(),
    hints=[
        "Нужны два срока: выход на продуктивность AE mid-market (reps.ramp_months) и медиана days_to_start — "
        "от открытия вакансии до выхода на работу — по вакансиям 'AE · mid_market' из hiring.vacancy_times.",
        "hiring.hiring_calendar('2026-09-01', ramp_months, days_to_start)['open_by'] — последний день открыть вакансию.",
    ],
    mistakes=[
        Mistake(name="to_accept", matches=lambda a: _near(a, open_by("days_to_accept")) and not _near(a, open_by()),
                hint="Вы взяли срок до принятия оффера (days_to_accept). После оффера кандидат ещё две недели отрабатывает "
                     "у прежнего работодателя (ТК РФ, ст. 80): нужен срок до выхода, days_to_start."),
        Mistake(name="no_ramp", matches=lambda a: _near(a, pd.Timestamp(PRODUCTIVE_BY) - pd.Timedelta(days=round(median_days())))
                and not _near(a, open_by()),
                hint="Вы отсчитали срок найма от сентября, как будто новичок продаёт в полную силу с первого дня. "
                     "Выйти он должен раньше — на срок выхода на продуктивность."),
        Mistake(name="ramp_off_by_one", matches=lambda a: _near(a, open_by(ramp_shift=1)) and not _near(a, open_by()),
                hint="Вы сдвинули выход на полные ramp_months месяцев. Месяц выхода — уже первый месяц выхода на продуктивность: "
                     "при сроке 4 месяца новичок, вышедший в мае, в августе работает в полную силу (planning.ramp_factor)."),
        Mistake(name="mean", matches=lambda a: _near(a, open_by(how="mean")) and not _near(a, open_by()),
                hint="Вы взяли среднее. На семи вакансиях одна затянувшаяся сдвигает среднее; в разделе — медиана."),
    ],
    correct_message="Вакансию открывают больше чем за пять месяцев до месяца, когда нужен полностью продуктивный AE: "
                    "два с небольшим месяца — найм, ещё три — выход на продуктивность.",
)

# ---------------------------------------------------------------------------
# 3. Откликов hh.ru на один найм
# ---------------------------------------------------------------------------


def applications_per_hire(source: str = "hh_ru", column: str = "applied") -> float:
    f = hiring.stage_funnel(table("candidates"))
    return float(f.loc[source, column] / f.loc[source, "accepted"])


q3 = Exercise(
    id="ch05.hiring.q3",
    title="Сколько откликов hh.ru нужно на один найм",
    var="applications_per_hire_hh",
    expected=applications_per_hire,
    compare=Number(rel_tol=0.01),
    hints=[
        "hiring.stage_funnel(candidates) — воронка по источникам: столбцы — сколько кандидатов дошли до этапа.",
        "Откликов на найм = applied / accepted в строке hh_ru.",
    ],
    mistakes=[
        Mistake(name="rate", value=lambda: 1 / applications_per_hire(),
                hint="Это доля откликов, закончившихся наймом (hire_rate). Нужно обратное: сколько откликов на один найм."),
        Mistake(name="all_sources", value=lambda: float(hiring.stage_funnel(table("candidates"))[["applied", "accepted"]].sum()
                                                        .pipe(lambda s: s["applied"] / s["accepted"])),
                hint="Это по всем источникам вместе. Задание — про hh.ru: строка hh_ru."),
        Mistake(name="screens", value=lambda: applications_per_hire(column="screen"),
                hint="Вы поделили скрининги, а не отклики. Нужны все отклики — столбец applied."),
        Mistake(name="referral", value=lambda: applications_per_hire("referral"),
                hint="Это рекомендации. Задание — про hh.ru."),
    ],
    correct_message="Десятки откликов на один найм: рекрутер читает сотни резюме в квартал. Рекомендации дают найм "
                    "с куда меньшего числа кандидатов, но их мало — поток не масштабируется.",
)

# ---------------------------------------------------------------------------
# 4. Во сколько агентство дороже рекомендации
# ---------------------------------------------------------------------------


def median_salary(key=("AE", "mid_market")) -> float:
    """Типичный оклад: медиана окладов работающих сотрудников роли (hiring.typical_salary, как в 5.4)."""
    return hiring.typical_salary(_reps(), key[0], key[1])


def median_salary_all(key=("AE", "mid_market")) -> float:
    """Медиана окладов всех AE mid-market, включая ушедших, — защитимая альтернатива."""
    r = _reps()
    return float(r.loc[(r["role"] == key[0]) & (r["team"] == key[1]), "base_salary_rub"].median())


def agency_premium(rate: float = hiring.AGENCY_FEE_RATE, months: int = 12, minus_bonus: bool = True,
                   all_staff: bool = False) -> float:
    fee = rate * (median_salary_all() if all_staff else median_salary()) * months
    return fee - (hiring.REFERRAL_BONUS_RUB if minus_bonus else 0.0)


q4 = Exercise(
    id="ch05.hiring.q4",
    title="Во сколько найм AE через агентство дороже рекомендации",
    var="agency_premium_rub",
    expected=agency_premium,
    compare=Number(rel_tol=0.005),
    hints=[
        "Вознаграждение агентства в курсе — hiring.AGENCY_FEE_RATE годового оклада: hiring.agency_fee_for(reps, \"AE\", "
        "\"mid_market\") (оклад — медиана base_salary_rub работающих AE mid-market).",
        "Из вознаграждения вычтите бонус за рекомендацию hiring.REFERRAL_BONUS_RUB — его платят вместо агентства.",
    ],
    mistakes=[
        Mistake(name="monthly", value=lambda: agency_premium(months=1),
                hint="Вы взяли долю месячного оклада. Ставка агентства — доля годового оклада: оклад × 12."),
        Mistake(name="no_bonus", value=lambda: agency_premium(minus_bonus=False),
                hint="Это всё вознаграждение агентства. Рекомендация тоже не бесплатна: вычтите бонус сотруднику."),
        Mistake(name="all_staff", value=lambda: agency_premium(all_staff=True),
                hint="Вы взяли медиану окладов всех AE mid-market, включая ушедших. Типичный оклад — по работающим "
                     "(exit_date пуст): hiring.typical_salary(reps, \"AE\", \"mid_market\"), как в разделе 5.4."),
        Mistake(name="rate_15", value=lambda: agency_premium(rate=0.15),
                hint="Вы взяли ставку 15 %. В курсе ставка агентства — hiring.AGENCY_FEE_RATE (20 % годового оклада)."),
        Mistake(name="rate_25", value=lambda: agency_premium(rate=0.25),
                hint="Вы взяли ставку 25 %. В курсе ставка агентства — hiring.AGENCY_FEE_RATE (20 % годового оклада)."),
    ],
    correct_message="Сотни тысяч рублей за одного AE — заметная сумма. Но сравнивать её надо не с нулём, а с ценой "
                    "месяца, на который агентство ускоряет найм.",
)

# ---------------------------------------------------------------------------
# 5. Решение в рублях: агентство или рекомендация
# ---------------------------------------------------------------------------


def delay_gross_profit() -> float:
    """Валовая прибыль от нового ARR 2026 года, которую теряет выход одного AE mid-market на месяц позже."""
    reps, opps = _reps(), table("opportunities")
    prod = planning.segment_productivity(opps, reps, *course.YEAR_2025)
    hires = hires_2026()
    late = hires.copy()
    late.loc[late.index[-1], "hire_date"] = late["hire_date"].iloc[-1] + pd.DateOffset(months=AGENCY_FASTER_MONTHS)
    lost = (planning.plan_new_arr(planning.plan_team(reps, hires, course.PLAN_YEAR), prod, course.PLAN_YEAR)
            - planning.plan_new_arr(planning.plan_team(reps, late, course.PLAN_YEAR), prod, course.PLAN_YEAR))
    gm = unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2025)
    return lost * gm


def ae_month_cost() -> float:
    """Полная стоимость месяца AE за 2025 год (roles.loaded_cost, как в разделе 4.1): её не платят, пока место пустует."""
    from salesbook.toolkit import roles
    return float(roles.loaded_cost(table("sm_costs"), _reps(), *course.YEAR_2025).loc["AE", "loaded_pm"])


def delay_net() -> float:
    """Чистая цена месяца задержки: валовая прибыль минус сэкономленная полная стоимость месяца AE."""
    return delay_gross_profit() - ae_month_cost()


def agency_decision() -> str:
    return "agency" if delay_net() > agency_premium() else "referral"


q5 = Exercise(
    id="ch05.hiring.q5",
    title="Агентство или ждать рекомендацию",
    var="choice",
    expected=agency_decision,
    compare=Choice(["agency", "referral"]),
    hints=[
        "Цена месяца задержки — новый ARR 2026 года, который не продаст AE, вышедший на месяц позже, умноженный "
        "на валовую маржу: ARR — ещё не прибыль.",
        "Пока место пустует, компания не платит AE: вычтите полную стоимость месяца AE "
        "(roles.loaded_cost(sm_costs, reps, *course.YEAR_2025).loc[\"AE\", \"loaded_pm\"]).",
        "Сравните чистую цену месяца с переплатой агентству из упражнения 4: агентство выгодно, если задержка стоит дороже.",
    ],
    mistakes=[
        Mistake(name="referral", matches=lambda a: a == "referral" != agency_decision(),
                hint="Рекомендация дешевле в моменте, но месяц работы AE mid-market после выхода на продуктивность "
                     "приносит валовой прибыли больше, чем переплата агентству, даже за вычетом его зарплаты. Сравните обе суммы."),
        Mistake(name="agency", matches=lambda a: a == "agency" != agency_decision(),
                hint="Сравните суммы: месяц задержки здесь стоит меньше, чем переплата агентству."),
    ],
    correct_message="Агентство окупается, если действительно ускоряет найм. Проверяйте обещание по его прошлым "
                    "вакансиям и платите по факту выхода, с гарантийной заменой на испытательный срок.",
)

# ---------------------------------------------------------------------------
# Часть 2. 6. Каппа Коэна руководителя и рекрутера
# ---------------------------------------------------------------------------


def _wide(competency: str | None = None) -> pd.DataFrame:
    return hiring.ratings_wide(table("interview_scores"), competency)


def kappa(a: str = "hiring_manager", b: str = "hr", competency: str | None = "objection_handling", weights=None) -> float:
    w = _wide(competency)
    return hiring.cohen_kappa(w[a], w[b], weights)


q6 = Exercise(
    id="ch05.hiring.q6",
    title="Каппа Коэна: руководитель и рекрутер, работа с возражениями",
    var="kappa_mgr_hr",
    expected=kappa,
    compare=Number(rel_tol=0.01, abs_tol=0.002),
    hints=[
        "hiring.ratings_wide(scores, 'objection_handling') — оценки в столбцах hiring_manager, peer, hr.",
        "hiring.cohen_kappa(w['hiring_manager'], w['hr']) — без весов: задание про невзвешенную каппу.",
    ],
    mistakes=[
        Mistake(name="quadratic", value=lambda: kappa(weights="quadratic"),
                hint="Это взвешенная (квадратичная) каппа. Задание — про невзвешенную: weights=None."),
        Mistake(name="linear", value=lambda: kappa(weights="linear"),
                hint="Это каппа с линейными весами. Задание — про невзвешенную: weights=None."),
        Mistake(name="agreement", value=lambda: float((_wide("objection_handling")["hiring_manager"]
                                                       == _wide("objection_handling")["hr"]).mean()),
                hint="Это доля точных совпадений. Каппа вычитает совпадения, которые случились бы и наугад: "
                     "(p_o − p_e) / (1 − p_e)."),
        Mistake(name="peer", value=lambda: kappa(b="peer"),
                hint="Вы сравнили руководителя со старшим коллегой (peer). Нужен рекрутер — столбец hr."),
        Mistake(name="all_competencies", value=lambda: kappa(competency=None),
                hint="Это по всем компетенциям. Задание — только про работу с возражениями (objection_handling)."),
    ],
    correct_message="Каппа около 0,2 — граница незначительного и слабого согласия по шкале Лэндиса и Коха. Но невзвешенная каппа считает "
                    "расхождение «3 против 4» таким же промахом, как «1 против 5».",
)

# ---------------------------------------------------------------------------
# 7. Каппа Флейса трёх интервьюеров
# ---------------------------------------------------------------------------


def fleiss(method: str = "fleiss", columns=("hiring_manager", "peer", "hr")) -> float:
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    w = _wide()
    counts, _ = aggregate_raters(w[list(columns)].to_numpy(), n_cat=None)
    return float(fleiss_kappa(counts, method=method))


q7 = Exercise(
    id="ch05.hiring.q7",
    title="Каппа Флейса трёх интервьюеров",
    var="fleiss_all",
    expected=fleiss,
    compare=Number(rel_tol=0.0, abs_tol=0.0005),
    hints=[
        "Возьмите оценки всех компетенций в широком виде: hiring.ratings_wide(scores); строка — кандидат × компетенция.",
        "statsmodels ждёт таблицу «объект × балл → сколько интервьюеров поставили этот балл», а не сами оценки: "
        "aggregate_raters(w[['hiring_manager', 'peer', 'hr']].to_numpy())[0], затем fleiss_kappa(...).",
    ],
    mistakes=[
        Mistake(name="randolph", value=lambda: fleiss("randolph"),
                hint="Это каппа Рэндолфа (method='randolph'): случайное согласие в ней — по равномерным баллам. "
                     "Нужна каппа Флейса — method='fleiss', по умолчанию."),
        Mistake(name="two_raters", value=lambda: fleiss(columns=("hiring_manager", "peer")),
                hint="Вы взяли двух интервьюеров. Каппа Флейса здесь — про всех троих: hiring_manager, peer и hr."),
        Mistake(name="one_competency", value=lambda: float(hiring.fleiss_kappa(
            _wide("objection_handling")[["hiring_manager", "peer", "hr"]])),
                hint="Это только одна компетенция. Задание — про все компетенции сразу."),
    ],
    correct_message="Каппа Флейса трёх интервьюеров — того же порядка, что невзвешенные каппы пар: согласие по точным баллам на границе незначительного и слабого.",
)

# ---------------------------------------------------------------------------
# 8. Самый строгий интервьюер
# ---------------------------------------------------------------------------


def harshest(by_raw_mean: bool = False, min_ratings: int = 30) -> str:
    s = table("interview_scores")
    if by_raw_mean:
        m = s.groupby("interviewer_id")["score"].agg(["mean", "size"])
        return str(m[m["size"] >= min_ratings]["mean"].idxmin())
    return str(hiring.rater_leniency(s, min_ratings=min_ratings).index[0])


def _raters() -> list[str]:
    return sorted(table("interview_scores")["interviewer_id"].unique())


@dataclass
class RaterChoice(Choice):
    """Выбор интервьюера по id; список id берётся из данных при проверке, а не при импорте."""

    options: Any = ()

    def normalize(self, value: Any) -> str:
        self.options = _raters()
        return super().normalize(value)


q8 = Exercise(
    id="ch05.hiring.q8",
    title="Кто из интервьюеров строже всех",
    var="harshest_id",
    expected=harshest,
    compare=RaterChoice(),
    hints=[
        "Средний балл интервьюера зависит и от того, каких кандидатов ему достались. Сравнивайте с коллегами "
        "на тех же кандидатах: hiring.rater_leniency(scores).",
        "Таблица отсортирована по leniency: первый — самый строгий (не меньше 30 оценок).",
    ],
    mistakes=[
        Mistake(name="raw_mean", matches=lambda a: a == harshest(by_raw_mean=True).lower() != harshest().lower(),
                hint="Это самый низкий средний балл. Но ему могли достаться слабые кандидаты: сравните с коллегами "
                     "на тех же кандидатах (hiring.rater_leniency)."),
        Mistake(name="most_lenient", matches=lambda a: a == str(hiring.rater_leniency(table("interview_scores")).index[-1]).lower(),
                hint="Это самый мягкий интервьюер: у него leniency больше всех. Нужен самый строгий — с наименьшей leniency."),
        Mistake(name="few_ratings", matches=lambda a: a == harshest(min_ratings=1).lower() != harshest().lower(),
                hint="У этого интервьюера меньше 30 оценок — его «строгость» легко может быть случайностью. "
                     "Оставьте min_ratings=30."),
    ],
    correct_message="Строгость интервьюера — постоянная добавка, её видно на сотне оценок. Лечат калибровкой: "
                    "разбором оценок одних и тех же записей интервью всей панелью.",
)

# ---------------------------------------------------------------------------
# 9. Исправить план 30-60-90 AE enterprise
# ---------------------------------------------------------------------------


def ramp_ceiling(ramp: float | None = None, shift: int = 0) -> pd.DataFrame:
    if ramp is None:
        ramp = float(_reps().query("role == 'AE' and team == 'enterprise'")["ramp_months"].median())
    months = np.array([1, 2, 3])
    return pd.DataFrame({"month": months, "target_share": planning.ramp_factor(months - shift, ramp)})


def _plan_close(answer: pd.DataFrame, expected: pd.DataFrame) -> bool:
    try:
        a = answer.reset_index() if "month" not in answer.columns else answer
        a = a.set_index("month")["target_share"].astype(float)
        e = expected.set_index("month")["target_share"]
        return set(a.index) == set(e.index) and np.allclose(a.loc[e.index].to_numpy(), e.to_numpy(), atol=0.005)
    except (KeyError, TypeError, ValueError):
        return False


q9 = Exercise(
    id="ch05.hiring.q9",
    title="План 30-60-90 AE enterprise: цели по сроку выхода на продуктивность",
    var="fixed_plan",
    expected=ramp_ceiling,
    compare=Table(columns=["target_share"], key="month", abs_tol=0.005),
    hints=[
        "Срок выхода на продуктивность AE enterprise — в reps.ramp_months (6 месяцев). Цель месяца k — не выше "
        "planning.ramp_factor(k, 6).",
        "Поставьте в target_share ровно потолок по сроку выхода на продуктивность: hiring.check_ramp_plan(fixed_plan, 6) должен показать ok во всех строках "
        "и excess_share = 0.",
    ],
    mistakes=[
        Mistake(name="mid_market_ramp", matches=lambda a: _plan_close(a, ramp_ceiling(4)),
                hint="Это срок выхода на продуктивность AE mid-market (4 месяца). У enterprise цикл сделки длиннее, срок — 6 месяцев (reps.ramp_months)."),
        Mistake(name="zero_based", matches=lambda a: _plan_close(a, ramp_ceiling(shift=1)),
                hint="Вы начали с нуля в первый месяц. В модели курса месяц выхода — уже первый месяц выхода на продуктивность: "
                     "ramp_factor(1, 6) = 1/6."),
        Mistake(name="original", matches=lambda a: _plan_close(a, pd.DataFrame({"month": [1, 2, 3],
                                                                                 "target_share": [0.25, 0.5, 1.0]})),
                hint="Это исходный план руководителя: к 90-му дню он ждёт полную квоту — вдвое больше, чем позволяет срок выхода на продуктивность AE enterprise."),
    ],
    correct_message="К концу испытательного срока AE enterprise приносит лишь половину квоты — и это норма, а не провал. "
                    "Оценивать его на 90-й день нужно по опережающим показателям: встречи, сделки в работе, MEDDIC.",
)

# ---------------------------------------------------------------------------
# Квизы
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Совет утвердил трёх новых AE mid-market «с апреля». Когда открывать вакансии?",
            (
                Option("В апреле: тогда и начнём искать", False,
                       "От открытия вакансии до выхода AE mid-market у «Сферы Софт» проходит около двух месяцев, "
                       "и ещё три месяца новичок выходит на продуктивность. Открытая в апреле вакансия даст продуктивного AE к осени."),
                Option("В январе: срок найма плюс две недели отработки у прежнего работодателя", True,
                       "Медиана от открытия до выхода AE mid-market — около двух месяцев; в неё входит и отработка по ст. 80 ТК РФ."),
                Option("Сразу, как только кандидат принял оффер", False,
                       "Оффер — середина процесса, а не начало: до него ещё отклики, скрининг и три этапа встреч."),
            ),
        ),
        Question(
            "С hh.ru пришло больше всего и откликов, и наймов. Что это говорит об источнике?",
            (
                Option("hh.ru — лучший источник, остальные можно закрыть", False,
                       "Доля наймов — это объём, а не качество: на один найм с hh.ru нужно в разы больше откликов, "
                       "чем с рекомендаций. Рекрутер платит за объём своим временем."),
                Option("hh.ru даёт объём, рекомендации — конверсию; считать надо и то, и другое", True,
                       "Главный поток закрывает большинство вакансий, а источники с высокой конверсией экономят время "
                       "рекрутера и руководителя на интервью."),
                Option("Конверсию по источникам считать бессмысленно: наймов мало", False,
                       "Наймов действительно мало, поэтому интервалы широкие. Но конверсия в интервью и оффер "
                       "считается на десятках–сотнях кандидатов — её видно увереннее."),
            ),
        ),
        Question(
            "Агентство просит 20 % годового оклада AE. Когда это выгодно?",
            (
                Option("Никогда: hh.ru почти бесплатен", False,
                       "Бесплатного найма нет: время рекрутера и руководителя, а главное — месяцы, пока место пустует и план не выполняется."),
                Option("Когда месяц, на который агентство ускоряет найм, стоит дороже переплаты", True,
                       "Сравнивают две суммы в рублях: переплату агентству и валовую прибыль, которую не принесёт вакансия за время задержки."),
                Option("Всегда, если вакансия сложная", False,
                       "Сложность вакансии не считается в рублях. Выгода агентства зависит от того, насколько оно ускоряет найм и сколько стоит месяц."),
            ),
        ),
    ],
)

quiz_interview = Quiz(
    id=f"{SECTION}.interview",
    questions=[
        Question(
            "Два интервьюера совпали в 42,5 % оценок по шкале 1–5. Каппа Коэна — 0,24. Как это понимать?",
            (
                Option("Согласие хорошее: почти половина оценок совпала", False,
                       "Часть совпадений случилась бы и наугад — особенно когда оба чаще ставят «3». Каппа вычитает их."),
                Option("Согласие сверх случайного слабое; но по порядковой шкале стоит посмотреть и взвешенную каппу", True,
                       "Невзвешенная каппа считает «3 против 4» таким же промахом, как «1 против 5». Взвешенная различает их."),
                Option("Каппа 0,24 значит, что интервьюеры согласны в 23 % случаев", False,
                       "Каппа — не доля совпадений, а их превышение над случайными совпадениями в долях от максимально возможного."),
            ),
        ),
        Question(
            "Schmidt и Hunter (1998) оценили валидность структурированного интервью в 0,51, Sackett и соавторы (2022) — в 0,42. Почему разница?",
            (
                Option("Интервью за 24 года стали хуже", False,
                       "Спор не о самих интервью, а о поправке на ограничение разброса (range restriction) в метаанализах."),
                Option("Sackett и соавторы считают, что прежние метаанализы слишком сильно поправляли на ограничение разброса", True,
                       "Поэтому их оценки ниже почти у всех методов, а структурированное интервью оказалось на первом месте. "
                       "Часть исследователей с этой критикой не согласна."),
                Option("Sackett изучал только продавцов", False,
                       "Нет, оба метаанализа — по многим профессиям. Для отдела продаж своих оценок у них нет."),
            ),
        ),
        Question(
            "AE enterprise со сроком выхода на продуктивность 6 месяцев к 90-му дню закрыл 40 % месячной квоты. Что делать руководителю?",
            (
                Option("Не проходит испытательный срок: он обещал 100 %", False,
                       "По модели курса к третьему месяцу ожидается половина квоты; 40 % — немного ниже, но не провал. "
                       "Смотрите на опережающие показатели: встречи, сделки в работе."),
                Option("Сравнить с потолком по сроку выхода на продуктивность (50 %) и с опережающими показателями, а потом решать", True,
                       "План 30-60-90 проверяют против срока выхода на продуктивность; решение по испытательному сроку — "
                       "по поведению и пайплайну, а не по одной цифре продаж."),
                Option("Поднять ему квоту, чтобы подстегнуть", False,
                       "Квота выше, чем позволяет срок выхода на продуктивность, только демотивирует: цель, которую нельзя выполнить, перестают замечать."),
            ),
        ),
    ],
)
