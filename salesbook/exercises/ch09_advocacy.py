"""Упражнения раздела 9.4 «Рекомендации клиентов (advocacy)».

Эталоны считаются функциями ``salesbook.toolkit.advocacy`` (опрос NPS, интервал, изменение, реферальная
программа) и ``funnel.nps`` (точка NPS — одно место на весь курс) на таблицах ``product_usage``,
``accounts``, ``referrals``, ``opportunities``, ``mrr`` и ``cogs``.
"""

from __future__ import annotations

import math

from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import advocacy, course, unit_economics

SECTION = "ch09.advocacy"
TITLE = "9.4. Рекомендации клиентов (advocacy): NPS с интервалом, реферальная программа и клиенты-референсы"

#: Квартал упражнений 1–2 и пара кварталов упражнения 3.
QUARTER = "2025Q4"
PREVIOUS = "2025Q3"
#: Срок окупаемости, который компания готова терпеть для реферального канала, месяцев
#: (ориентир Skok: окупаемость CAC меньше 12 месяцев — раздел 1.1.3).
PAYBACK_TARGET_MONTHS = 12
#: Период программы: от запуска до конца данных.
PROGRAMME = (advocacy.REFERRAL_LAUNCH, course.DATA_END)


def survey():
    return advocacy.nps_survey(table("product_usage"), table("accounts"))


def _quarter_scores(quarter: str = QUARTER):
    s = survey()
    return s.loc[s["quarter"] == quarter, "nps"]


# --- 1. NPS квартала ----------------------------------------------------------------------------------


def _nps(base: str = "answered", promoter_from: int = 9) -> float:
    if base == "all_rows":  # все строки product_usage квартала в знаменателе
        usage = table("product_usage")
        rows = usage.loc[usage["month"].dt.to_period("Q").astype(str) == QUARTER, "nps"]
        return float(((rows >= promoter_from).sum() - (rows <= 6).sum()) / len(rows) * 100)
    s = _quarter_scores().dropna()
    return float(((s >= promoter_from).mean() - (s <= 6).mean()) * 100)


q1 = Exercise(
    id="ch09.advocacy.q1",
    title="NPS IV квартала 2025 года",
    var="nps_q4",
    expected=_nps,
    compare=Number(rel_tol=0.005, abs_tol=0.05),
    hints=[
        "Возьмите опрос survey, строки квартала '2025Q4', и только ответивших: survey['nps'].dropna().",
        "NPS = (доля оценок 9–10 − доля оценок 0–6) × 100, в пунктах; 7–8 — нейтральные, их нет в числителе, но они есть в знаменателе.",
    ],
    mistakes=[
        Mistake(name="fraction", value=lambda: _nps() / 100,
                hint="Ответ в долях: NPS записывают в пунктах от −100 до 100 — умножьте разность долей на 100."),
        Mistake(name="passives_as_promoters", value=lambda: _nps(promoter_from=7),
                hint="Вы посчитали промоутерами и оценки 7–8. Промоутеры — только 9 и 10; 7–8 — нейтральные: "
                     "в числителе их нет, в знаменателе есть."),
        Mistake(name="all_rows", value=lambda: _nps("all_rows"),
                hint="В знаменателе оказались все строки квартала, в том числе месяцы без опроса и не ответившие. "
                     "NPS считают по ответившим: уберите пропуски (dropna)."),
    ],
    correct_message=lambda: (f"NPS IV квартала 2025 года — {fmt.number(_nps(), 1)} по "
                             f"{fmt.plural(int(_quarter_scores().notna().sum()), 'ответу', 'ответам', 'ответам')}."),
)


# --- 2. Погрешность NPS -----------------------------------------------------------------------------


def _margin(kind: str = "multinomial") -> float:
    if kind == "all_surveyed":  # n — все опрошенные, доли — от ответивших
        scores = _quarter_scores()
        s, n = scores.dropna().to_numpy(float), len(scores)
    else:
        s = _quarter_scores().dropna().to_numpy(float)
        n = len(s)
    p, d = (s >= 9).mean(), (s <= 6).mean()
    if kind == "single_share":  # NPS как одна доля
        x = p - d
        return float(1.959964 * 100 * math.sqrt(x * (1 - x) / n))
    if kind == "no_covariance":  # доли как две независимые выборки: Var = Var(p) + Var(d)
        return float(1.959964 * 100 * math.sqrt((p * (1 - p) + d * (1 - d)) / n))
    if kind == "minus_covariance":  # ковариация с неверным знаком: … − 2·p·d
        return float(1.959964 * 100 * math.sqrt(max(p * (1 - p) + d * (1 - d) - 2 * p * d, 0.0) / n))
    return float(1.959964 * 100 * math.sqrt((p + d - (p - d) ** 2) / n))


q2 = Exercise(
    id="ch09.advocacy.q2",
    title="Погрешность NPS: половина 95-процентного интервала",
    var="margin_q4",
    expected=_margin,
    compare=Number(rel_tol=0.01),
    hints=[
        "Доли промоутеров p_P и критиков p_D — среди n ответивших в IV квартале 2025 года.",
        "Погрешность = 1,96 × 100 × √((p_P + p_D − (p_P − p_D)²) / n), в пунктах; проверить себя можно через "
        "advocacy.nps_interval.",
    ],
    mistakes=[
        Mistake(name="fraction", value=lambda: _margin() / 100,
                hint="Ответ в долях: погрешность NPS — в пунктах, как и сам NPS (умножьте на 100)."),
        Mistake(name="single_share", value=lambda: _margin("single_share"),
                hint="Вы взяли формулу одной доли p(1 − p)/n для NPS целиком. NPS — разность двух долей одного опроса: "
                     "Var = (p_P + p_D − (p_P − p_D)²) / n."),
        Mistake(name="all_surveyed", value=lambda: _margin("all_surveyed"),
                hint="n — число ответивших, а не всех, кому пришёл опрос: не ответившие ничего не говорят о NPS."),
        Mistake(name="no_covariance", value=lambda: _margin("no_covariance"),
                hint="Вы сложили дисперсии двух долей, как у независимых выборок. Но промоутеры и критики — из одного "
                     "опроса: Cov(p̂_P, p̂_D) = −p_P·p_D / n, и Var(p̂_P − p̂_D) = Var(p̂_P) + Var(p̂_D) + 2·p_P·p_D / n."),
        Mistake(name="minus_covariance", value=lambda: _margin("minus_covariance"),
                hint="Знак ковариации: Var(a − b) = Var(a) + Var(b) − 2·Cov(a, b), а Cov(p̂_P, p̂_D) = −p_P·p_D / n "
                     "отрицательна, поэтому слагаемое 2·p_P·p_D / n прибавляется."),
    ],
    correct_message=lambda: (f"NPS {fmt.number(_nps(), 1)} ± {fmt.number(_margin(), 1)} п.: изменение на несколько "
                             "пунктов от квартала к кварталу спрятано внутри такой погрешности."),
)


# --- 3. Реален ли сдвиг -----------------------------------------------------------------------------

VERDICTS = ("рост", "падение", "шум")


def _change():
    s = survey()
    a, b = s[s["quarter"] == PREVIOUS], s[s["quarter"] == QUARTER]
    return advocacy.nps_change(a["nps"], b["nps"], before_ids=a["account_id"], after_ids=b["account_id"])


def _verdict() -> str:
    c = _change()
    if c["low"] > 0:
        return "рост"
    if c["high"] < 0:
        return "падение"
    return "шум"


def _verdict_message() -> str:
    c = _change()
    head = (f"Изменение {fmt.number(c['change'], 1)}\u00a0п., 95-процентный интервал от {fmt.number(c['low'], 1)} "
            f"до {fmt.number(c['high'], 1)}\u00a0п.")
    if _verdict() == "шум":
        word = "вырос" if c["change"] > 0 else "упал"
        return (f"{head} — ноль внутри: сказать «NPS {word}» нельзя, интервал изменения накрывает ноль. "
                "Смотрите на тренд за несколько кварталов.")
    return f"{head} — ноль снаружи: сдвиг больше, чем даёт случайность выборки; ищите причину в ответах критиков."


def _point_only_verdict() -> str:
    return "рост" if _change()["change"] > 0 else "падение"


q3 = Exercise(
    id="ch09.advocacy.q3",
    title="Изменение NPS с III на IV квартал 2025 года: сигнал или шум?",
    var="verdict",
    expected=_verdict,
    compare=Choice(VERDICTS),
    hints=[
        "Посчитайте изменение NPS «IV квартал − III квартал» и его 95-процентный интервал: advocacy.nps_change(оценки до, "
        "оценки после, before_ids=клиенты до, after_ids=клиенты после) — опрос получают одни и те же клиенты.",
        "Если интервал изменения накрывает ноль, данных недостаточно, чтобы отличить сдвиг от случайности.",
    ],
    mistakes=[
        Mistake(name="point_only", matches=lambda a: _verdict() == "шум" and a == _point_only_verdict(),
                hint="Вы сравнили два числа без погрешности. Посмотрите на интервал изменения: накрывает ли он ноль?"),
    ],
    correct_message=lambda: _verdict_message(),
)


# --- 4. Какую награду может позволить программа -----------------------------------------------------


def programme_inputs() -> dict:
    """Входы упражнения 4 за период программы: месячный доход клиента программы, маржа, постоянные затраты на клиента."""
    customers = advocacy.referral_customers(table("referrals"), table("opportunities"), *PROGRAMME)
    costs = advocacy.referral_costs(table("referrals"), *PROGRAMME)
    return {"mrr": float(customers["amount_rub"].median() / 12), "mrr_mean": float(customers["amount_rub"].mean() / 12),
            "customers": len(customers),
            "gross_margin": unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *PROGRAMME),
            "fixed_per_customer": float(costs["fixed"] / len(customers)), "rewards": float(costs["rewards"])}


def _max_reward(fixed: bool = True, margin: bool = True, mean: bool = False) -> float:
    x = programme_inputs()
    return advocacy.max_reward(x["mrr_mean"] if mean else x["mrr"], x["gross_margin"] if margin else 1.0,
                               PAYBACK_TARGET_MONTHS, x["fixed_per_customer"] if fixed else 0.0)


def _reward_message() -> str:
    x, top = programme_inputs(), _max_reward()
    paid = x["rewards"] / x["customers"]
    verdict = ("запас есть" if top > paid else "нынешняя награда уже больше допустимой для типичного клиента")
    return (f"Программа выдержит награду до {fmt.rub(top)} за типичного клиента (медианный ACV), а сейчас платит в среднем "
            f"{fmt.rub(paid)}: {verdict}. Со средним ACV вышло бы {fmt.rub(_max_reward(mean=True))} — среднее тянет вверх "
            "одна крупная сделка, на неё награду не планируют. Поднимать награду стоит, только если от неё растут "
            "приглашения, — это проверяют тестом.")


q4 = Exercise(
    id="ch09.advocacy.q4",
    title=f"Наибольшая награда за приведённого клиента при окупаемости {PAYBACK_TARGET_MONTHS} месяцев",
    var="max_reward_rub",
    expected=_max_reward,
    compare=Number(rel_tol=0.01),
    hints=[
        "Затраты на клиента программы = награда + постоянные затраты программы за период / клиентов программы за период. "
        f"Они должны окупиться валовой прибылью клиента за {PAYBACK_TARGET_MONTHS} месяцев.",
        f"Награда_max = {PAYBACK_TARGET_MONTHS} × MRR типичного клиента программы × валовая маржа − постоянные затраты "
        "на клиента; MRR — медианный ACV сделок клиентов программы / 12 (advocacy.max_reward).",
    ],
    mistakes=[
        Mistake(name="no_fixed", value=lambda: _max_reward(fixed=False),
                hint="Вы забыли постоянные затраты программы (сервис ссылок, время маркетолога и CSM): CAC программы — "
                     "не только награды. Разделите их на клиентов программы и вычтите."),
        Mistake(name="revenue", value=lambda: _max_reward(margin=False),
                hint="Окупаемость считают по валовой прибыли, а не по выручке: умножьте MRR на валовую маржу."),
        Mistake(name="revenue_no_fixed", value=lambda: _max_reward(fixed=False, margin=False),
                hint="Две ошибки сразу: выручка вместо валовой прибыли и награда без постоянных затрат программы."),
        Mistake(name="mean_acv", value=lambda: _max_reward(mean=True),
                hint="Вы взяли средний ACV. У программы два десятка клиентов, и среднее тянет вверх одна крупная сделка "
                     "mid-market; награду планируют на типичного клиента — возьмите медиану."),
    ],
    correct_message=_reward_message,
)


quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Вирусный коэффициент реферальной программы k = 0,03 за цикл. Что это значит?",
            (
                Option("Программа — двигатель роста: каждый клиент приводит новых, и так без конца", False,
                       "Для самоподдерживающегося роста нужно k ≥ 1. При k = 0,03 волна рекомендаций затухает уже на втором цикле."),
                Option("Программа — небольшой усилитель других каналов: каждые 100 клиентов из рекламы и продаж приносят ещё около трёх", True,
                       "1 + k + k² + … = 1 / (1 − k) ≈ 1,03: рекомендации умножают приток из других каналов, но сами его не создают."),
                Option("Программа убыточна", False,
                       "Вирусный коэффициент говорит об объёме, а не о деньгах. Окупаемость считают отдельно: CAC программы против валовой прибыли клиента."),
            ),
        ),
        Question(
            "Сделки, где покупатель поговорил с клиентом-референсом, выигрываются заметно чаще остальных. Что можно утверждать?",
            (
                Option("Звонок референса поднимает win rate ровно на эту разницу", False,
                       "AE просят референса в сделках, которые и так идут хорошо: это отбор. Сравнивать нужно с такими же сделками, где просили, но звонка не было."),
                Option("Большая часть разницы — отбор; честнее сравнить со сделками, где референса просили, но звонок не состоялся, а эффект доказывать экспериментом", True,
                       "Наивная разница почти целиком — отбор; эффект звонка такое сравнение может лишь ограничить "
                       "интервалом, а доказывает его эксперимент: референса предлагают в случайной половине сделок."),
                Option("Референсы не нужны", False,
                       "Из корреляции не следует и обратное. Референс нужен покупателю для снижения риска; вопрос — сколько их держать и как не выжечь."),
            ),
        ),
        Question(
            "На опрос NPS ответила половина клиентов. Когда это опасно для вывода о NPS всей базы?",
            (
                Option("Всегда: при отклике меньше 100 % NPS бессмыслен", False,
                       "Неполный отклик сам по себе не беда: опасно, когда отвечают не так, как молчат."),
                Option("Когда не ответившие отличаются от ответивших — например, уходят чаще: тогда NPS по ответам завышен", True,
                       "Проверка — сравнить отток, использование продукта и следующие ответы у ответивших и молчащих. "
                       "В наших данных молчание случайно, в жизни так бывает редко."),
                Option("Никогда: интервал уже учитывает не ответивших", False,
                       "Интервал учитывает только случайный шум выборки ответивших, а не смещение из-за того, кто отвечает."),
            ),
        ),
    ],
)
