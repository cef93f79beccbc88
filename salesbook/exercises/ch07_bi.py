"""Упражнения раздела 7.3 «Аналитика и BI».

Эталоны считаются через слой метрик ``salesbook.toolkit.metrics_layer`` — те же функции
инструментария, что во всём курсе; каждая типичная ошибка — тот же расчёт с одной ошибкой.
"""

from __future__ import annotations

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, kpi, metrics_layer

SECTION = "ch07.bi"
TITLE = "7.3. Аналитика и BI"

#: План закрытых сделок 2026 года по сегментам (упражнение 4) — допущение курса: компания переводит
#: часть AE в mid-market и enterprise, всего закрытых сделок — примерно как в 2025 году.
PLAN_2026_CLOSED = {"smb": 1100, "mid_market": 450, "enterprise": 120}

#: Коды ошибок графиков, которые разбирает раздел.
CHART_FLAWS = ("truncated_axis", "dual_axis", "cumulative", "calendar_vs_cohort", "average_of_ratios",
               "small_denominator")


def _tables():
    return {n: table(n) for n in ("opportunities", "mrr", "marketing_spend", "sm_costs", "reps")}


def rep_average_win_rate(start, end) -> float:
    """Среднее win rate AE (каждый AE с одним весом) — «среднее отношений»."""
    closed = kpi.closed_deals(table("opportunities"), start, end)
    return float(closed["outcome"].eq("won").groupby(closed["owner_id"]).mean().mean())


# ---------------------------------------------------------------------------
# 1. Метрика через слой
# ---------------------------------------------------------------------------


def win_rate_h2() -> float:
    return metrics_layer.compute("win_rate", _tables(), *course.H2_2025)


def _quarter_average_h2() -> float:
    """Среднее win rate III и IV кварталов — «среднее отношений» по кварталам."""
    o = table("opportunities")
    return (kpi.win_rate(o, "2025-07-01", "2025-09-30") + kpi.win_rate(o, "2025-10-01", "2025-12-31")) / 2


def _created_cohort_h2() -> float:
    o = table("opportunities")
    cohort = o[pd.to_datetime(o["created_date"]).between(*map(pd.Timestamp, course.H2_2025))]
    return float(cohort["outcome"].eq("won").mean())


q1 = Exercise(
    id="ch07.bi.q1",
    title="Win rate второго полугодия через слой метрик",
    var="win_rate_h2_2025",
    expected=win_rate_h2,
    compare=Number(rel_tol=1e-4),
    hints=[
        "metrics_layer.compute('win_rate', tables, начало, конец) посчитает метрику по её единственному определению.",
        "Период — второе полугодие 2025 года: course.H2_2025. Ответ — доля, от 0 до 1.",
    ],
    mistakes=[
        Mistake(name="year", value=lambda: metrics_layer.compute("win_rate", _tables(), *course.YEAR_2025),
                hint="Это win rate за весь 2025 год, а нужно второе полугодие: course.H2_2025."),
        Mistake(name="rep_average", value=lambda: rep_average_win_rate(*course.H2_2025),
                hint="Это среднее win rate AE: у AE с одной сделкой тот же вес, что у AE с двумя сотнями. "
                     "Слой метрик делит все выигранные на все закрытые."),
        Mistake(name="period_end", value=lambda: metrics_layer.compute("win_rate", _tables(), "2025-07-01", "2025-12-30"),
                hint="Период обрезан на день раньше: второе полугодие — по 31 декабря включительно (course.H2_2025)."),
        Mistake(name="quarter_average", value=_quarter_average_h2,
                hint="Это среднее win rate III и IV кварталов — та же ошибка «среднее отношений», что в пятом способе "
                     "обмануть графиком: кварталы с разным числом сделок получили одинаковый вес. Слой делит все выигранные "
                     "за полугодие на все закрытые."),
        Mistake(name="created_cohort", value=_created_cohort_h2,
                hint="Вы взяли сделки, созданные во втором полугодии, вместе с открытыми. Определение слоя — "
                     "сделки, закрытые в периоде, без открытых."),
    ],
    correct_message="Верно. Одно определение в слое — и тот же win rate в любом отчёте, который его вызывает.",
)

# ---------------------------------------------------------------------------
# 2. Что не так с графиком
# ---------------------------------------------------------------------------

q2 = Exercise(
    id="ch07.bi.q2",
    title="Что не так с графиком enterprise",
    var="chart_flaw",
    expected=lambda: "small_denominator",
    compare=Choice(list(CHART_FLAWS)),
    hints=[
        "Посмотрите не на высоту столбиков, а на то, сколько сделок за каждым из них.",
        "Доля из одной-трёх сделок может быть и 0 %, и 100 % случайно; без интервала график этого не показывает.",
    ],
    mistakes=[
        Mistake(name="truncated", matches=lambda a: a == "truncated_axis",
                hint="Ось на этом графике начинается с нуля. Проблема в другом: сколько сделок за каждым столбиком?"),
        Mistake(name="average", matches=lambda a: a == "average_of_ratios",
                hint="Каждый столбик — доля выигранных среди закрытых сделок отрасли, это отношение сумм. "
                     "Проблема в числе сделок за столбиком."),
        Mistake(name="other", matches=lambda a: a in ("dual_axis", "cumulative", "calendar_vs_cohort"),
                hint="Ни второй оси, ни накопления, ни смешения когорт на графике нет. Посмотрите на число сделок за столбиками."),
    ],
    correct_message="Верно. «0 % в образовании» — это одна проигранная сделка. Рядом с долей нужен интервал или хотя бы число сделок.",
)

# ---------------------------------------------------------------------------
# 3. Какому дашборду верить
# ---------------------------------------------------------------------------

q3 = Exercise(
    id="ch07.bi.q3",
    title="Какому дашборду верить",
    var="trusted_dashboard",
    expected=lambda: "B",
    compare=Choice(["A", "B"]),
    hints=[
        "Сравните определения: что в числителе и знаменателе у каждого дашборда и какой вес у каждого AE.",
        "План выигрышей на следующий год умножает число закрытых сделок на win rate. Какой из двух win rate "
        "даёт правильное число выигрышей, если умножить его на все закрытые сделки?",
    ],
    mistakes=[
        Mistake(name="a", matches=lambda a: a == "a",
                hint="Дашборд A усредняет win rate AE: у новичка с одной сделкой тот же вес, что у AE с сотнями сделок. "
                     "Умножив такое среднее на все сделки, вы не получите фактического числа выигрышей."),
    ],
    correct_message="Верно. B — отношение сумм из слоя метрик: выигранные / закрытые. Средний win rate AE полезен, "
                    "чтобы сравнивать людей, но не для плана.",
)

# ---------------------------------------------------------------------------
# 4. План выигрышей при другом составе сделок
# ---------------------------------------------------------------------------


def _segment_rates() -> pd.Series:
    return kpi.win_rate(table("opportunities"), *course.YEAR_2025, by="segment")


def planned_wins() -> float:
    plan = pd.Series(PLAN_2026_CLOSED)
    return float((plan * _segment_rates().reindex(plan.index)).sum())


def _blended_wins() -> float:
    return sum(PLAN_2026_CLOSED.values()) * kpi.win_rate(table("opportunities"), *course.YEAR_2025)


q4 = Exercise(
    id="ch07.bi.q4",
    title="План выигрышей при другом составе сделок",
    var="planned_wins_2026",
    expected=planned_wins,
    compare=Number(rel_tol=0.002),
    hints=[
        "Win rate 2025 года по сегментам — та же функция, что вызывает слой: kpi.win_rate(opps, начало, конец, by='segment').",
        "Умножьте план закрытых сделок каждого сегмента на win rate этого сегмента и сложите.",
    ],
    mistakes=[
        Mistake(name="blended", value=_blended_wins,
                hint="Это общий win rate 2025 года, умноженный на все сделки плана. Он верен только при составе сделок 2025 года, "
                     "а в плане доля mid-market и enterprise, где win rate ниже, больше."),
        Mistake(name="rep_average", value=lambda: sum(PLAN_2026_CLOSED.values()) * rep_average_win_rate(*course.YEAR_2025),
                hint="Это среднее win rate AE, умноженное на все сделки плана, — дашборд A из упражнения 3. Нужен win rate "
                     "каждого сегмента."),
        Mistake(name="segment_mean", value=lambda: sum(PLAN_2026_CLOSED.values()) * float(_segment_rates().mean()),
                hint="Это простое среднее трёх сегментных win rate, умноженное на все сделки: сегменты получили равный вес. "
                     "Умножайте каждый сегмент на его собственное число сделок."),
    ],
    correct_message="Верно. При другом составе сделок и «правильный» общий win rate даёт неверный план: считают по сегментам.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Маркетинг и продажи показывают на совещании разный win rate за квартал. Что делает слой метрик?",
            (
                Option("Хранит одно определение win rate, которое вызывают оба отчёта", True,
                       "Да: период, база (закрытые сделки), владелец определения — в одном месте; отчёты только вызывают его."),
                Option("Выбирает больший из двух показателей", False,
                       "Слой не выбирает «удобное» число: он фиксирует определение до того, как кто-то увидел результат."),
                Option("Усредняет два показателя", False,
                       "Среднее двух неверных или разных определений — третье определение, а не правильное."),
            ),
        ),
        Question(
            "Накопленный график новых клиентов за год растёт плавно. Что он может скрывать?",
            (
                Option("Ничего: раз кривая растёт, дела идут хорошо", False,
                       "Накопленная кривая растёт всегда, пока клиентов больше нуля. Провал месяца на ней — лишь чуть более пологий участок."),
                Option("Провал отдельного месяца: его видно на графике по месяцам, а не на накопленном", True,
                       "Да. Для управления нужен поток за период; накопленный итог — для отчёта о годе."),
                Option("Сезонность нельзя увидеть ни на каком графике", False,
                       "На помесячном графике сезонность как раз видна."),
            ),
        ),
        Question(
            "На дашборде два ряда на одном графике с двумя осями: выручка слева, число сделок справа, и линии пересекаются в марте. Что значит пересечение?",
            (
                Option("В марте выручка сравнялась с числом сделок", False,
                       "Величины в разных единицах сравнивать нельзя; точку пересечения задаёт выбор масштабов осей."),
                Option("Ничего: масштаб каждой оси выбран произвольно, пересечение можно сдвинуть куда угодно", True,
                       "Да. Лучше два графика друг под другом с общей осью времени — или один показатель (например, средний чек)."),
                Option("Начало снижения среднего чека", False,
                       "Средний чек — отношение выручки к числу сделок; его надо посчитать и показать отдельно, пересечение линий о нём не говорит."),
            ),
        ),
    ],
)
