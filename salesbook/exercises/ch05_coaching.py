"""Упражнения раздела 5.3 «Коучинг и менторство».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.coaching`` (их
проверяют ``tests/test_coaching.py``); каждая типичная ошибка — тот же расчёт
с одной конкретной ошибкой.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import coaching, course, cycle

SECTION = "ch05.coaching"
TITLE = "5.3. Коучинг и менторство"

#: Период диагностики — 2025 год, как у карточки AE в разделе 10.1.
PERIOD = course.YEAR_2025
#: Доля рабочего времени руководителя на коучинг: лучшая практика по базе Alexander Group — 28 %
#: (в среднем 16 %), см. alexandergroup2013span.
COACHING_SHARE = 0.28
#: Какую долю разрыва коучинг может закрыть за год — допущение курса (оптимистичное): вольное
#: прочтение оценки CEB «у средних 60 % продавцов лучший коучинг связан с ростом результата до 19 %»
#: (dixon2011coachingsecret, challengerinc_coaching) — это потолок роста, а не доля закрытого разрыва.
CAPTURE = 0.19
#: Часов в неделю на человека, после которых отдача коучинга заметно падает, — допущение курса:
#: норма «3–5 часов на продавца в месяц» (insightsquared2014span) — около часа в неделю.
SATURATION_HOURS = 1.0
#: Сделка «застряла», если сидит в стадии дольше стольких медиан своей стадии и сегмента
#: (порог выбирает текст раздела).
STUCK_RATIO = 2.0
#: AE из упражнений.
SHRINK_REP = "R041"
GAP_REP = "R023"
TEAM = "mid_market"


def scorecard() -> pd.DataFrame:
    """Карточка AE за 2025 год (те же функции, что в разделе 10.1)."""
    return coaching.ae_scorecard(table("opportunities"), table("reps"), *PERIOD)


def active_ids() -> pd.Index:
    """AE, которые работают на конец 2025 года (ушедших не коучат)."""
    reps = table("reps")
    return pd.Index(reps.loc[reps["exit_date"].isna(), "rep_id"])


def team_prior(team: str = TEAM) -> tuple[float, float]:
    """Априорное бета-распределение win rate команды (метод моментов)."""
    card = scorecard()
    g = card[card["team"] == team]
    return coaching.beta_prior(g["won"], g["closed"])


def funnel() -> pd.DataFrame:
    return coaching.stage_funnel(table("opportunities"), table("opportunity_stages"), table("reps"), *PERIOD)


def gaps(shrink: bool = True) -> pd.DataFrame:
    """Разрывы AE по стадиям в рублях выигранного ACV за 2025 год."""
    return coaching.stage_gaps(funnel(), scorecard(), shrink=shrink)


def team_gaps(team: str = TEAM, shrink: bool = True) -> pd.Series:
    """Главный разрыв каждого работающего AE команды, ₽ в год."""
    card = scorecard()
    top = coaching.biggest_gap(gaps(shrink))["gap_rub"]
    keep = card.index[(card["team"] == team) & card.index.isin(active_ids())]
    return top.loc[keep]


def coaching_hours(share: float = COACHING_SHARE) -> float:
    """Часов коучинга в неделю у руководителя: рабочая неделя 2025 года × доля на коучинг."""
    return coaching.WEEKLY_HOURS_2025 * share


def review_queue(ratio: float = STUCK_RATIO) -> pd.DataFrame:
    return coaching.review_queue(table("opportunities"), table("opportunity_stages"), course.DATA_END, stuck_ratio=ratio)


# ---------------------------------------------------------------------------
# 1. Сжатый win rate
# ---------------------------------------------------------------------------


def _shrunk(rep: str = SHRINK_REP, prior=None, swap: bool = False, wrong_denominator: bool = False) -> float:
    card = scorecard()
    a, b = team_prior() if prior is None else prior
    if swap:
        a, b = b, a
    won, closed = card.loc[rep, "won"], card.loc[rep, "closed"]
    return float((won + a) / (closed if wrong_denominator else closed + a + b))


def _company_prior() -> tuple[float, float]:
    card = scorecard()
    return coaching.beta_prior(card["won"], card["closed"])


q1 = Exercise(
    id="ch05.coaching.q1",
    title="Сжатый win rate AE R041",
    var="shrunk_r041",
    expected=lambda: _shrunk(),
    compare=Number(rel_tol=0.005),
    hints=[
        "Сжатая доля — (выигрыши + α) / (закрытые + α + β), где α и β — априорное распределение команды "
        "mid-market (prior_mm выше), а выигрыши и закрытые сделки — из карточки card за 2025 год.",
        "α добавляется к выигрышам, β — к проигрышам, поэтому в знаменателе стоят обе: closed + α + β. Ответ — доля (0,18, а не 18).",
    ],
    mistakes=[
        Mistake(name="raw", value=lambda: float(scorecard().loc[SHRINK_REP, "win_rate"]),
                hint="Это наблюдённый win rate без сжатия. Прибавьте α к выигрышам и α + β к закрытым сделкам."),
        Mistake(name="denominator", value=lambda: _shrunk(wrong_denominator=True),
                hint="В знаменателе не хватает α + β: априорное распределение — это как будто α выигрышей и β проигрышей сверх своих сделок."),
        Mistake(name="swapped", value=lambda: _shrunk(swap=True),
                hint="α и β перепутаны: α — «выигрыши» априорного распределения, его прибавляют к выигрышам AE."),
        Mistake(name="company_prior", value=lambda: _shrunk(prior=_company_prior()),
                hint="Это сжатие к win rate всех AE компании. Сравнивать и сжимать нужно внутри команды: у mid-market свой win rate — prior_mm."),
    ],
    correct_message="У R041 своих сделок много, поэтому сжатие небольшое: он действительно ниже команды, и это повод разобрать его сделки.",
)

# ---------------------------------------------------------------------------
# 2. Разрыв в рублях
# ---------------------------------------------------------------------------


def _gap(rep: str = GAP_REP, shrink: bool = True, use: str = "median", base: str = "closed", all_stages: bool = False) -> float:
    card = scorecard()
    g = gaps(shrink)
    rates = g.attrs["rates"]
    if use == "median":
        target = g.attrs["medians"]
    else:
        target = rates.groupby(card["team"]).transform("mean")
    n = card.loc[rep, base]
    acv = card.loc[rep, "acv_rub"]
    own = rates.loc[rep]
    if all_stages:
        return float(n * acv * (np.maximum(own, target.loc[rep]).prod() - own.prod()))
    best = 0.0
    for stage in coaching.STAGES:
        lifted = own.copy()
        lifted[stage] = max(own[stage], target.loc[rep, stage])
        best = max(best, float(n * acv * (lifted.prod() - own.prod())))
    return best


q2 = Exercise(
    id="ch05.coaching.q2",
    title="Самый большой разрыв R023 в рублях",
    var="gap_r023",
    expected=lambda: _gap(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Для каждой из четырёх стадий замените конверсию R023 на медиану команды (если она выше) и пересчитайте "
        "выигранный ACV = закрытые сделки × произведение конверсий × средний ACV R023. Разрыв стадии — новый ACV минус нынешний.",
        "Возьмите наибольший из четырёх разрывов. Конверсии — сжатые (rates), медианы — medians; закрытые сделки и ACV — из card.",
    ],
    mistakes=[
        Mistake(name="raw_rates", value=lambda: _gap(shrink=False),
                hint="Похоже, взяты несжатые конверсии стадий. В разделе разрывы считаются по сжатым конверсиям (rates), чтобы не гоняться за шумом."),
        Mistake(name="mean", value=lambda: _gap(use="mean"),
                hint="Вы подтягиваете до среднего по команде, а не до медианы. Медиана не зависит от одного-двух очень сильных или слабых AE."),
        Mistake(name="won_base", value=lambda: _gap(base="won"),
                hint="Разрыв умножен на число выигранных сделок, а нужно на число закрытых: конверсии применяются ко всем сделкам, вошедшим в воронку."),
        Mistake(name="all_stages", value=lambda: _gap(all_stages=True),
                hint="Вы подтянули все стадии сразу. Задание — про одну стадию с наибольшим разрывом: коучинг начинают с одной темы."),
    ],
    correct_message="Эта стадия — первая тема коучинга R023: на ней теряется больше всего рублей.",
)

# ---------------------------------------------------------------------------
# 3. Сделки на разбор
# ---------------------------------------------------------------------------


def _stuck_rub(ratio: float = STUCK_RATIO, segment: str | None = TEAM, by_mean: bool = False, deal_age: bool = False) -> float:
    q = review_queue(ratio)
    if by_mean or deal_age:
        opps = table("opportunities").set_index("opportunity_id")
        history = cycle.stage_history(table("opportunity_stages"), table("opportunities"), as_of=course.DATA_END)
        conv = cycle.stage_conversion(history)
        if by_mean:
            ref = [conv["mean_days"].get((s, st), np.nan) for s, st in zip(q["segment"], q["stage"])]
            stuck = q["days_in_stage"] / pd.Series(ref, index=q.index) > ratio
        else:
            age = (pd.Timestamp(course.DATA_END) - opps.loc[q.index, "created_date"]).dt.days
            stuck = age / q["median_days"] > ratio
    else:
        stuck = q["stuck"]
    if segment is not None:
        stuck = stuck & q["segment"].eq(segment)
    return float(q.loc[stuck, "amount_rub"].sum())


q3 = Exercise(
    id="ch05.coaching.q3",
    title="Сколько денег застряло в сделках mid-market",
    var="stuck_mm_rub",
    expected=lambda: _stuck_rub(),
    compare=Number(rel_tol=0.005),
    hints=[
        "Возьмите очередь queue (открытые сделки на 31.12.2025) и оставьте сделки mid-market, у которых дней в текущей стадии "
        "более чем вдвое дольше медианы этой стадии в своём сегменте (столбец stuck уже это считает).",
        "Ответ — сумма amount_rub таких сделок в рублях.",
    ],
    mistakes=[
        Mistake(name="one_median", value=lambda: _stuck_rub(ratio=1.0),
                hint="Это сделки старше одной медианы: половина нормальных сделок тоже дольше медианы. Застрявшая — дольше двух медиан."),
        Mistake(name="all_segments", value=lambda: _stuck_rub(segment=None),
                hint="Это застрявшие сделки всех сегментов. Задание — про команду mid-market."),
        Mistake(name="mean", value=lambda: _stuck_rub(by_mean=True),
                hint="Похоже, сравнение со средним временем в стадии, а не с медианой. У времени в стадии длинный хвост, поэтому берут медиану."),
        Mistake(name="deal_age", value=lambda: _stuck_rub(deal_age=True),
                hint="Вы взяли возраст всей сделки с даты создания. Застревание меряют временем в текущей стадии (days_in_stage)."),
    ],
    correct_message="Это деньги, которые стоит пройти на разборе сделок в первую очередь, начиная с самых крупных.",
)

# ---------------------------------------------------------------------------
# 4. Чему учить BDR: дозвон или разговор
# ---------------------------------------------------------------------------

#: BDR из упражнения 4.
FOCUS_REP = "R039"


def bdr_focus(rep: str = FOCUS_REP) -> str:
    """Тема коучинга BDR по 2025 году: ``"connect"``, если доля дозвонов ниже общей по BDR всем
    интервалом Уилсона, а интервал доли встреч среди разговоров накрывает общую; ``"conversation"`` —
    если наоборот; ``"both"`` — если ниже обе; ``"none"`` — если ни одна."""
    from statsmodels.stats.proportion import proportion_confint

    calls = coaching.call_stats(table("activities"), table("reps"), *PERIOD)
    bdr = calls[calls["role"] == "BDR"]
    pooled_connect = bdr["conversations"].sum() / bdr["calls"].sum()
    pooled_meeting = bdr["meetings"].sum() / bdr["conversations"].sum()
    row = bdr.loc[rep]
    connect_high = proportion_confint(row["conversations"], row["calls"], method="wilson")[1]
    meeting_high = proportion_confint(row["meetings"], row["conversations"], method="wilson")[1]
    low_connect, low_meeting = connect_high < pooled_connect, meeting_high < pooled_meeting
    return {(True, False): "connect", (False, True): "conversation", (True, True): "both"}.get((low_connect, low_meeting), "none")


q4 = Exercise(
    id="ch05.coaching.q4",
    title="Чему учить BDR R039",
    var="focus_r039",
    expected=bdr_focus,
    compare=Choice(["connect", "conversation", "both", "none"]),
    hints=[
        "Сравните R039 с остальными BDR по двум долям 2025 года из таблицы calls: дозвон (разговоры / звонки) и встречи среди "
        "разговоров (встречи / разговоры). Для каждой постройте 95-процентный интервал Уилсона.",
        "Отставание доказано, если весь интервал R039 ниже общей доли всех BDR (сумма успехов / сумма попыток). "
        "Ответ: 'connect' — ниже только дозвон, 'conversation' — только встречи, 'both' — обе, 'none' — ни одна.",
    ],
    mistakes=[
        Mistake(name="conversation", matches=lambda a: a == "conversation" != bdr_focus(),
                hint="Доля встреч среди разговоров у R039 в пределах шума: её интервал накрывает общую долю BDR. "
                     "Посмотрите на дозвон — там разница при тысячах звонков."),
        Mistake(name="both", matches=lambda a: a == "both" != bdr_focus(),
                hint="Ниже команды по точке может быть и вторая доля, но доказано ли это? Проверьте, лежит ли весь интервал Уилсона ниже общей доли."),
        Mistake(name="none", matches=lambda a: a == "none" != bdr_focus(),
                hint="При тысячах звонков даже разница в несколько процентных пунктов дозвона — не шум. Постройте интервал Уилсона для дозвона."),
    ],
    correct_message="Разговор у R039 не хуже, чем у коллег, — не хватает самих разговоров. Коучинг — про время звонков, список и номера, а не про скрипт.",
)

# ---------------------------------------------------------------------------
# 5. Часы руководителя: решение в рублях
# ---------------------------------------------------------------------------


def _extra_rub(share: float = COACHING_SHARE, capture: float = CAPTURE, shrink: bool = True, total: bool = False) -> float:
    g = team_gaps(shrink=shrink)
    hours = coaching_hours(share)
    plan = coaching.allocate_hours(g, hours, capture, SATURATION_HOURS)
    equal = pd.Series(hours / len(g), index=g.index)
    smart = coaching.coaching_value(g, plan, capture, SATURATION_HOURS).sum()
    flat = coaching.coaching_value(g, equal, capture, SATURATION_HOURS).sum()
    return float(smart if total else smart - flat)


q5 = Exercise(
    id="ch05.coaching.q5",
    title="Сколько рублей в год даёт распределение часов по разрывам",
    var="extra_rub",
    expected=lambda: _extra_rub(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Часы руководителя в неделю — coaching.WEEKLY_HOURS_2025 × 0,28. Распределите их функцией coaching.allocate_hours по "
        "разрывам mm_gaps и поровну между теми же AE.",
        "Ценность каждого плана — сумма coaching.coaching_value(разрывы, часы, 0.19, 1.0). Ответ — разница «по разрывам» минус «поровну», ₽ в год.",
    ],
    mistakes=[
        Mistake(name="total", value=lambda: _extra_rub(total=True),
                hint="Это вся ценность плана «по разрывам». Решение сравнивает два плана: вычтите ценность плана «поровну»."),
        Mistake(name="average_share", value=lambda: _extra_rub(share=0.16),
                hint="Вы взяли среднюю долю времени на коучинг (16 %). Задание — про лучшую практику: 28 % рабочей недели."),
        Mistake(name="no_capture", value=lambda: _extra_rub(capture=1.0),
                hint="Похоже, коучинг закрывает весь разрыв (capture = 1). По допущению раздела — не больше 19 % за год."),
        Mistake(name="raw_gaps", value=lambda: _extra_rub(shrink=False),
                hint="Разрывы посчитаны по несжатым конверсиям. Возьмите mm_gaps из раздела — они по сжатым."),
    ],
    correct_message="Разница — рубли за то, что руководитель тратит часы там, где разрыв больше, а не поровну. Она не огромна: даже поровну коучинг что-то даёт.",
)


quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "У нового AE закрыто 2 сделки, обе проиграны; у опытного — 70 сделок и win rate 20 % при 30 % у команды. Кого ставить на первое место в список «слабых»?",
            (
                Option("Нового AE: у него 0 %", False,
                       "0 % по двум сделкам — почти ничего не значит: интервал Уилсона тянется от нуля далеко за средний уровень команды. Сжатая оценка у него близка к команде."),
                Option("Опытного AE: его отставание подтверждено десятками сделок", True,
                       "У него узкий интервал и сжатая оценка остаётся ниже команды. Новичку нужен наставник и время, а не разбор «слабого»."),
                Option("Обоих поровну: у обоих win rate ниже команды", False,
                       "Ниже — по точке, но точность оценок разная в десятки раз. Решают по интервалу или сжатой оценке."),
            ),
        ),
        Question(
            "Продавцы, которые говорят меньше половины звонка, чаще выигрывают (по данным вендора записи звонков). Что из этого следует?",
            (
                Option("Если велеть всем говорить меньше, win rate вырастет", False,
                       "Это корреляция: возможно, в перспективных сделках клиент сам больше говорит. Без эксперимента причину не отличить от следствия."),
                Option("Это гипотеза для коучинга, которую стоит проверить на своих звонках и сделках", True,
                       "Исследование вендора — повод посмотреть записи, а не закон. Проверка — сравнить группы или этапы до и после."),
                Option("Ничего: вендорские исследования всегда ошибаются", False,
                       "Не всегда: выборки у них большие. Но они корреляционные и продают продукт, поэтому про причину ничего не доказывают."),
            ),
        ),
        Question(
            "У руководителя 11 часов в неделю на коучинг и 6 AE. Почему выгоднее делить часы не поровну, а по разрывам в рублях?",
            (
                Option("Потому что отдача от часов убывает, а разрывы у людей разные: следующий час приносит больше там, где ещё много не закрыто", True,
                       "Так и работает жадное распределение: каждый следующий получас идёт туда, где он даёт больше рублей."),
                Option("Потому что слабых надо коучить всё время, а сильных — никогда", False,
                       "Нет: при убывающей отдаче даже большой разрыв насыщается, и часы переходят к следующему человеку."),
                Option("Потому что поровну — всегда хуже в разы", False,
                       "Не в разы: в примере раздела разница заметная, но умеренная. Главный выигрыш — не тратить часы там, где разрыва нет."),
            ),
        ),
    ],
)
