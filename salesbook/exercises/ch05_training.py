"""Упражнения раздела 5.2 «Обучение и сертификации».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.training``; каждая
типичная ошибка — тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, experiments, kpi, social, training, unit_economics

SECTION = "ch05.training"
TITLE = "5.2. Обучение и сертификации"

#: Проходной балл тестов курсов (уровень 2), баллов из 100 — правило компании.
COURSE_PASS_SCORE = 70
#: Курс в упражнениях — тренинг переговоров.
PROGRAMME = "negotiation"
#: Решения о покупке курса (как в 10.2): купить всем, не покупать, пилот с контрольной группой.
DECISIONS = experiments.DECISIONS


def win_rates() -> pd.DataFrame:
    """Win rate AE по кварталам за всю историю (кварталы с 3+ закрытыми сделками)."""
    return training.quarterly_win_rates(table("opportunities"), table("reps"), course.DATA_START, course.DATA_END)


def panel() -> pd.DataFrame:
    """Панель кварталов события вокруг тренинга переговоров."""
    return training.event_panel(win_rates(), table("trainings"), PROGRAMME)


def _scores(programme: str | None = PROGRAMME) -> pd.Series:
    t = table("trainings")
    return t["test_score"] if programme is None else t.loc[t["programme"] == programme, "test_score"]


def _wald_low(programme: str = PROGRAMME) -> float:
    s = _scores(programme)
    p = (s >= COURSE_PASS_SCORE).mean()
    return float(p - 1.959963984540054 * np.sqrt(p * (1 - p) / len(s)))


# ---------------------------------------------------------------------------
# 1. Уровень 2: доля сдавших с интервалом
# ---------------------------------------------------------------------------

q1 = Exercise(
    id="ch05.training.q1",
    title="Доля сдавших тест курса переговоров: нижняя граница интервала",
    var="pass_low",
    expected=lambda: training.pass_rate(_scores(), COURSE_PASS_SCORE)["low"],
    compare=Number(rel_tol=0.01),
    hints=[
        "Возьмите test_score строк trainings с programme == 'negotiation' и посчитайте, сколько из них не ниже 70.",
        "proportion_confint(сдали, всего, method='wilson') вернёт (нижняя, верхняя) границы в долях; нужна нижняя.",
    ],
    mistakes=[
        Mistake(name="rate", value=lambda: training.pass_rate(_scores(), COURSE_PASS_SCORE)["rate"],
                hint="Это сама доля сдавших, а нужна нижняя граница 95-процентного интервала Уилсона."),
        Mistake(name="wald", value=_wald_low,
                hint="Это интервал Вальда (доля ± 1,96 стандартной ошибки). На десятке человек он врёт; нужен интервал Уилсона: method='wilson'."),
        Mistake(name="all_programmes", value=lambda: training.pass_rate(_scores(None), COURSE_PASS_SCORE)["low"],
                hint="Вы взяли тесты всех программ. Нужен только курс переговоров: programme == 'negotiation'."),
    ],
    correct_message="Интервал широкий: по десятку участников уровень 2 известен грубо. Но даже он говорит о знаниях, а не о продажах.",
)

# ---------------------------------------------------------------------------
# 2. Наивный эффект «до и после»
# ---------------------------------------------------------------------------

q2 = Exercise(
    id="ch05.training.q2",
    title="Наивный эффект тренинга переговоров",
    var="naive_pp",
    expected=lambda: training.naive_effect(panel()) * 100,
    compare=Number(rel_tol=0.01, abs_tol=0.05),
    hints=[
        "В панели event_panel участники — treated == 1. «До» — квартал отбора (event_time == 0), «после» — кварталы 1 и 2.",
        "Средний win rate участников «после» минус средний «до»; в процентных пунктах — умножьте разность долей на 100.",
    ],
    mistakes=[
        Mistake(name="fraction", value=lambda: training.naive_effect(panel()),
                hint="Разность посчитана верно, но в долях. Нужны процентные пункты: умножьте на 100."),
        Mistake(name="first_quarter_only", value=lambda: training.naive_effect(panel(), post=(1,)) * 100,
                hint="Вы взяли только квартал курса (1). «После» — кварталы 1 и 2: event_time.isin([1, 2])."),
        Mistake(name="comparison", value=lambda: _group_change(0) * 100,
                hint="Это изменение у группы сравнения (treated == 0). Наивная оценка — у участников курса: treated == 1."),
    ],
    correct_message="Эффект выглядит солидно. Но участники отобраны по худшему кварталу — часть «роста» случилась бы и без курса.",
)


def _group_change(treated: int) -> float:
    p = panel()
    g = p[p["treated"] == treated]
    return float(g.loc[g["event_time"].isin([1, 2]), "win_rate"].mean() - g.loc[g["event_time"] == 0, "win_rate"].mean())


# ---------------------------------------------------------------------------
# 3. Разность разностей: нижняя граница с кластеризацией по AE
# ---------------------------------------------------------------------------


def _did_plain_low() -> float:
    import statsmodels.formula.api as smf

    d = panel()
    d = d[d["event_time"].isin([0, 1, 2])].assign(post=lambda x: (x["event_time"] > 0).astype(int))
    fit = smf.ols("win_rate ~ treated * post + C(cohort)", data=d).fit()
    return float(fit.conf_int().loc["treated:post", 0])


q3 = Exercise(
    id="ch05.training.q3",
    title="Разность разностей: нижняя граница интервала",
    var="did_low_pp",
    expected=lambda: training.did_effect(panel())["low"] * 100,
    compare=Number(rel_tol=0.02, abs_tol=0.05),
    hints=[
        "Оставьте кварталы события 0, 1 и 2; post = 1 для кварталов 1 и 2. Модель: win_rate ~ treated * post + C(cohort).",
        "Ошибки кластеризуйте по AE: .fit(cov_type='cluster', cov_kwds={'groups': коды rep_id}). "
        "Нижняя граница коэффициента treated:post — conf_int().loc['treated:post', 0]; переведите в процентные пункты.",
    ],
    mistakes=[
        Mistake(name="no_cluster", value=lambda: _did_plain_low() * 100,
                hint="Это интервал обычного OLS. Один AE даёт несколько строк панели, и они не независимы: "
                     "кластеризуйте ошибки по rep_id (cov_type='cluster')."),
        Mistake(name="estimate", value=lambda: training.did_effect(panel())["estimate"] * 100,
                hint="Это сама оценка эффекта, а нужна нижняя граница 95-процентного интервала."),
        Mistake(name="fraction", value=lambda: training.did_effect(panel())["low"],
                hint="Граница посчитана верно, но в долях. Нужны процентные пункты: умножьте на 100."),
    ],
    correct_message="Интервал захватывает ноль: по этим данным нельзя отличить эффект курса от шума.",
)

# ---------------------------------------------------------------------------
# 4. Параллельные тренды
# ---------------------------------------------------------------------------

TREND_OPTIONS = ("parallel", "dip_before", "diverge_after")


def trend_verdict() -> str:
    """Что видно на графике трендов: провал участников в квартале отбора, параллельность или расхождение после."""
    p = panel()
    m = p.groupby(["event_time", "treated"])["win_rate"].mean().unstack()
    gap = m[1] - m[0]
    drop = gap.loc[0] - gap.loc[[-3, -2, -1]].mean()
    if drop < -0.05:
        return "dip_before"
    return "diverge_after" if gap.loc[[1, 2]].mean() - gap.loc[0] > 0.05 else "parallel"


q4 = Exercise(
    id="ch05.training.q4",
    title="Можно ли верить разности разностей",
    var="trend_verdict",
    expected=trend_verdict,
    compare=Choice(list(TREND_OPTIONS)),
    hints=[
        "Посмотрите на разрыв «участники − сравнение» в кварталах −3…−1 и в квартале 0.",
        "Если разрыв резко меняется именно в квартале отбора, «до» для DiD выбрано по провалу.",
    ],
    mistakes=[
        Mistake(name="parallel", matches=lambda a: a == "parallel" != trend_verdict(),
                hint="До квартала отбора участники шли выше группы сравнения, а в квартале 0 резко провалились ниже: "
                     "линии не параллельны именно там, где DiD берёт «до»."),
        Mistake(name="diverge_after", matches=lambda a: a == "diverge_after" != trend_verdict(),
                hint="После курса участники вернулись примерно туда, где были до провала. Главное изменение — не после, "
                     "а в квартале отбора: их отобрали по провалу."),
    ],
    correct_message="Участников выбрали по худшему кварталу (провал Ашенфельтера): DiD с этим кварталом как «до» завышает эффект.",
)

# ---------------------------------------------------------------------------
# 5. Решение в рублях: покупать ли курс всей команде
# ---------------------------------------------------------------------------


def team_cost() -> float:
    """Полная цена тренинга переговоров для всех AE, работающих на 31.12.2025, ₽ (плата + время по цене часа 2.4)."""
    reps = table("reps")
    active = reps[(reps["role"] == "AE") & reps["exit_date"].isna()]
    t = table("trainings")
    course_row = t[t["programme"] == PROGRAMME].iloc[0]
    hour = social.rep_hour_cost(active["base_salary_rub"].mean())
    return training.course_cost(len(active), course_row["cost_rub"], course_row["hours"], hour)


def break_even_pp() -> float:
    """Прирост win rate (п. п.), при котором курс для всей команды окупается за год (по 2025 году)."""
    opps = table("opportunities")
    margin = unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2025)
    closed = len(kpi.closed_deals(opps, *course.YEAR_2025))
    return training.break_even_uplift(team_cost(), closed, kpi.average_acv(opps, *course.YEAR_2025), margin) * 100


def buy_decision() -> str:
    did = training.did_effect(panel())
    return experiments.decide(did["low"] * 100, did["high"] * 100, break_even_pp())


q5 = Exercise(
    id="ch05.training.q5",
    title="Покупать ли тренинг переговоров всем AE",
    var="buy_decision",
    expected=buy_decision,
    compare=Choice(list(DECISIONS)),
    hints=[
        "Порог — прирост win rate, при котором курс окупается за год: полная цена курса (плата + часы × цена часа) / "
        "(закрытых сделок 2025 года × средний ACV × валовая маржа). Переведите его в процентные пункты.",
        "Сравните порог с 95-процентным интервалом DiD (в п. п.): experiments.decide(нижняя, верхняя, порог).",
    ],
    mistakes=[
        Mistake(name="launch", matches=lambda a: a == "launch" != buy_decision(),
                hint="Наивный «рост» и оценка DiD выше порога, но нижняя граница интервала ниже нуля: "
                     "курс может не давать ничего. Покупать всем можно, только когда весь интервал выше порога."),
        Mistake(name="no_launch", matches=lambda a: a == "no_launch" != buy_decision(),
                hint="«Не значимо» не значит «бесполезно»: верхняя граница интервала намного выше порога окупаемости. "
                     "Данные не исключают, что курс окупается, — им просто не хватает участников."),
    ],
    correct_message="Данных мало: честный следующий шаг — пилот, где места на курсе среди отобранных AE делит жребий, "
                    "а половина ждёт следующей волны и служит группой сравнения.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Средняя оценка тренинга участниками — 4,6 из 5. Что это говорит о пользе курса для продаж?",
            (
                Option("Курс полезен: довольные участники продают лучше", False,
                       "Это уровень 1 по Киркпатрику — реакция. Связь удовлетворённости с навыком и результатом слабая: "
                       "весёлый тренинг может ничего не менять в сделках."),
                Option("Почти ничего: это реакция (уровень 1), а не знания, поведение или результат", True,
                       "Уровень 1 полезен, чтобы чинить сам курс (темп, примеры), но о продажах говорят только уровни 3 и 4."),
                Option("Курс окупился: ROI можно считать по удовлетворённости", False,
                       "ROI по Филлипсу считают из денежной выгоды результатов (уровень 4) за вычетом затрат, а не из анкет."),
            ),
        ),
        Question(
            "На тренинг отправили трёх AE с худшим win rate квартала. В следующем квартале их win rate вырос на 10 п. п. Почему это ещё не эффект?",
            (
                Option("Потому что 10 п. п. — слишком мало", False,
                       "Размер не при чём: даже большой рост у отобранных по провалу — во многом возврат к среднему."),
                Option("Худший квартал — отчасти невезение; в следующем квартале удача в среднем обычная, и win rate вернётся к своему уровню и без курса", True,
                       "Это возврат к среднему: отбор по крайним значениям шумной метрики гарантирует «улучшение». Нужна группа сравнения с тем же отбором."),
                Option("Потому что после тренинга продавцы стараются больше", False,
                       "Это был бы эффект курса (пусть и через мотивацию). Проблема в другом: рост был бы и без курса."),
            ),
        ),
        Question(
            "Проходной балл сертификации подняли с 70 до 85. Что произойдёт?",
            (
                Option("Станет меньше ложных допусков, но больше ложных отказов и пересдач", True,
                       "Порог двигает ошибки из одной клетки в другую. Где он должен стоять, решает цена каждой ошибки."),
                Option("Станет меньше ошибок обоих видов", False,
                       "Так не бывает при том же тесте: выше порог — меньше ложных допусков, но больше готовых людей не сдают."),
                Option("Ничего: порог не влияет на качество отбора", False,
                       "Влияет: порог определяет, сколько неготовых допустят к клиентам и скольких готовых отправят на пересдачу."),
            ),
        ),
    ],
)
