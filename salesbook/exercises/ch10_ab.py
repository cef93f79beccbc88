"""Упражнения раздела 10.2 «A/B-тестирование».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.experiments`` (их
сверяют со statsmodels и scipy тесты ``tests/test_experiments.py``); каждая
типичная ошибка — тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

import pandas as pd
from scipy import stats

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import acquisition, course, experiments, sales_scripts, unit_economics

SECTION = "ch10.ab"
TITLE = "10.2. A/B-тестирование"

#: Во что руководитель оценивает смену письма: переписать цепочку, перенастроить шаблоны,
#: переобучить SDR и занять место следующего теста, ₽ (решение руководителя, не данные).
CHANGE_COST_RUB = 600_000
#: За сколько месяцев смена письма должна окупиться.
PAYBACK_MONTHS = 3
#: Порог практической значимости: изменение письма стоит внедрять, если оно
#: добавляет хотя бы столько ожидаемой валовой прибыли в месяц.
WORTHWHILE_GROSS_PROFIT_RUB = CHANGE_COST_RUB / PAYBACK_MONTHS
#: Минимальный интересный эффект в упражнении 3: +0,5 процентного пункта.
MDE_PP = 0.005
#: «Реалистичный» эффект в упражнении 5: +20 % к доле встреч (относительный).
REALISTIC_LIFT = 0.20


def _summary(experiment_id: str, metric: str) -> pd.DataFrame:
    return experiments.variant_summary(table("email_experiments"), experiment_id, metric)


def _pair(experiment_id: str, metric: str, b: str = "B", a: str = "A") -> tuple[int, int, int, int]:
    s = _summary(experiment_id, metric)
    return int(s.loc[b, "successes"]), int(s.loc[b, "sent"]), int(s.loc[a, "successes"]), int(s.loc[a, "sent"])


def base_meeting_rate() -> float:
    """Доля назначенных встреч в контрольных вариантах (A) всех экспериментов."""
    e = table("email_experiments")
    return float(e.loc[e["variant"] == "A", "meeting_booked"].mean())


def inbound_channels() -> list[str]:
    """Каналы входящих лидов: все, кроме исходящего (outbound). Их получают рассылки прогрева."""
    return sorted(set(table("leads")["channel"]) - {"outbound"})


def leads_per_month(start=course.YEAR_2025[0], end=course.YEAR_2025[1], channels=None) -> float:
    """Среднее число новых входящих B2B-лидов в месяц за период (``channels`` — по умолчанию входящие каналы)."""
    leads = table("leads")
    wanted = inbound_channels() if channels is None else list(channels)
    leads = leads[leads["channel"].isin(wanted)]
    months = len(pd.period_range(start, end, freq="M"))
    return float(acquisition.in_period(leads["created_date"], start, end).sum()) / months


def meeting_value(channels=None) -> float:
    """Ценность назначенной встречи входящего лида: ожидаемая валовая прибыль первого года, ₽.

    Та же функция ``sales_scripts.meeting_value``, что в разделе 3.3, но по входящим каналам
    (в 3.3 — по исходящему): рассылку прогрева получают входящие лиды.
    """
    gross_margin = unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2025)
    return sales_scripts.meeting_value(table("activities"), table("leads"), table("opportunities"), gross_margin,
                                       channel=inbound_channels() if channels is None else channels)


def threshold_per_1000() -> float:
    """Порог практической значимости во встречах на 1000 писем.

    Рассылку прогрева получают входящие лиды, уже лежащие в базе; поток писем в месяц ≈
    число новых входящих лидов в месяц.
    """
    return WORTHWHILE_GROSS_PROFIT_RUB / (meeting_value() * leads_per_month() / 1000)


def _h_size(p_base: float, p_target: float, alternative: str = "two-sided", power: float = 0.8) -> float:
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    h = proportion_effectsize(p_target, p_base)
    alt = "two-sided" if alternative == "two-sided" else "larger"
    return float(NormalIndPower().solve_power(abs(h), power=power, alpha=0.05, alternative=alt))


# ---------------------------------------------------------------------------
# 1. p-value эксперимента без эффекта
# ---------------------------------------------------------------------------


def _p(experiment_id: str, metric: str, alternative: str = "two-sided") -> float:
    return experiments.ztest_2prop(*_pair(experiment_id, metric), alternative=alternative)[1]


def _p_yates(experiment_id: str, metric: str) -> float:
    cb, nb, ca, na = _pair(experiment_id, metric)
    return float(stats.chi2_contingency([[cb, nb - cb], [ca, na - ca]], correction=True).pvalue)


q1 = Exercise(
    id="ch10.ab.q1",
    title="p-value теста EXP02 по ответам",
    var="p_value_exp02",
    expected=lambda: _p("EXP02", "replied"),
    compare=Number(rel_tol=0.01),
    hints=[
        "Нужны две пары чисел: сколько ответили и сколько писем получили в вариантах B и A. "
        "Возьмите их из experiments.variant_summary(emails, 'EXP02', 'replied').",
        "proportions_ztest([ответы_B, ответы_A], [писем_B, писем_A]) возвращает (z, p-value); "
        "тест двусторонний — это значение по умолчанию, alternative менять не нужно.",
    ],
    mistakes=[
        Mistake(name="one_sided_larger", value=lambda: _p("EXP02", "replied", "larger"),
                hint="Это односторонний p-value («B больше A»). Мы заранее не знали направления эффекта — нужен двусторонний тест (alternative='two-sided')."),
        Mistake(name="one_sided_smaller", value=lambda: _p("EXP02", "replied", "smaller"),
                hint="Это односторонний p-value («B меньше A»): он вдвое меньше двустороннего. Выбирать сторону после того, как увидели данные, нельзя — нужен двусторонний тест."),
        Mistake(name="yates", value=lambda: _p_yates("EXP02", "replied"),
                hint="Это хи-квадрат с поправкой Йейтса (chi2_contingency по умолчанию, prop.test в R): он консервативнее z-теста. Задание просит z-тест — proportions_ztest."),
        Mistake(name="opened", value=lambda: _p("EXP02", "opened"),
                hint="Вы сравнили открытия писем, а задание — про ответы: столбец replied."),
        Mistake(name="meetings", value=lambda: _p("EXP02", "meeting_booked"),
                hint="Вы сравнили назначенные встречи, а задание — про ответы: столбец replied."),
    ],
    correct_message="p-value большое: такая разница обычна, даже если варианты одинаковы. Но «не значимо» ещё не значит «эффекта нет» — посмотрите на интервал.",
)

# ---------------------------------------------------------------------------
# 2. Верхняя граница интервала для недостаточно мощного теста
# ---------------------------------------------------------------------------


def _ci(experiment_id: str, metric: str, method: str = "newcombe", alpha: float = 0.05, b: str = "B", a: str = "A"):
    cb, nb, ca, na = _pair(experiment_id, metric, b, a)
    return experiments.diff_confint(cb, nb, ca, na, alpha=alpha, method=method)


q2 = Exercise(
    id="ch10.ab.q2",
    title="Интервал Ньюкомба для EXP03",
    var="ci_high_per_1000",
    expected=lambda: _ci("EXP03", "meeting_booked")[1] * 1000,
    compare=Number(rel_tol=0.01),
    hints=[
        "confint_proportions_2indep(встречи_B, писем_B, встречи_A, писем_A, method='newcomb') вернёт (нижняя, верхняя) "
        "границы для разности p_B − p_A в долях.",
        "Доля 0,01 — это 10 встреч на 1000 писем: умножьте верхнюю границу на 1000.",
    ],
    mistakes=[
        Mistake(name="fraction", value=lambda: _ci("EXP03", "meeting_booked")[1],
                hint="Граница посчитана верно, но в долях. Переведите во встречи на 1000 писем: умножьте на 1000."),
        Mistake(name="wald", value=lambda: _ci("EXP03", "meeting_booked", "wald")[1] * 1000,
                hint="Это интервал Вальда (method='wald'). При долях около 2–3 % и 300 письмах в группе он слишком узкий; задание просит интервал Ньюкомба: method='newcomb'."),
        Mistake(name="order", value=lambda: _ci("EXP03", "meeting_booked", b="A", a="B")[1] * 1000,
                hint="Это интервал для разности A − B. Нужна разность B − A: первыми передайте встречи и письма варианта B."),
        Mistake(name="replies", value=lambda: _ci("EXP03", "replied")[1] * 1000,
                hint="Вы взяли ответы, а задание — про назначенные встречи: столбец meeting_booked."),
        Mistake(name="ninety", value=lambda: _ci("EXP03", "meeting_booked", alpha=0.10)[1] * 1000,
                hint="Это 90-процентный интервал (alpha=0.1). Нужен 95-процентный: alpha=0.05 — значение по умолчанию."),
    ],
    correct_message="Верхняя граница говорит, что вариант B может давать и много дополнительных встреч — тест просто слишком мал, чтобы это проверить.",
)

# ---------------------------------------------------------------------------
# 3. Размер выборки для заданного MDE
# ---------------------------------------------------------------------------

q3 = Exercise(
    id="ch10.ab.q3",
    title="Размер выборки на группу для +0,5 п. п. встреч",
    var="n_per_group",
    expected=lambda: _h_size(base_meeting_rate(), base_meeting_rate() + MDE_PP),
    compare=Number(rel_tol=0.015),
    hints=[
        "Целевая доля — базовая плюс 0,5 процентного пункта: base_rate + 0.005 (а не base_rate × 1,005).",
        "h = proportion_effectsize(target_rate, base_rate); n = NormalIndPower().solve_power(h, power=0.8, alpha=0.05). "
        "Функция возвращает размер одной группы.",
    ],
    mistakes=[
        Mistake(name="total", value=lambda: 2 * _h_size(base_meeting_rate(), base_meeting_rate() + MDE_PP),
                hint="Это писем на весь тест, то есть на обе группы. Нужно на одну группу: solve_power уже возвращает размер одной группы."),
        Mistake(name="one_sided", value=lambda: _h_size(base_meeting_rate(), base_meeting_rate() + MDE_PP, "larger"),
                hint="Это расчёт для одностороннего теста (alternative='larger'): выборка меньше, но тест не заметит, если новое письмо хуже. Нужен двусторонний."),
        Mistake(name="relative", value=lambda: _h_size(base_meeting_rate(), base_meeting_rate() * (1 + MDE_PP)),
                hint="Вы прибавили 0,5 % от базовой доли (относительный рост), а нужно 0,5 процентного пункта: base_rate + 0.005."),
        Mistake(name="five_pp", value=lambda: _h_size(base_meeting_rate(), base_meeting_rate() + 10 * MDE_PP),
                hint="Вы прибавили 5 процентных пунктов (0,05). Половина процентного пункта — это 0,005 в долях."),
    ],
    correct_message="Формула R power.prop.test даст чуть больше — на доли процента; оба ответа годятся для планирования.",
)

# ---------------------------------------------------------------------------
# 4. Поправка Холма в A/B/C-тесте
# ---------------------------------------------------------------------------


def _pairs(metric: str) -> pd.DataFrame:
    return experiments.pairwise_tests(_summary("EXP04", metric))


q4 = Exercise(
    id="ch10.ab.q4",
    title="p-value с поправкой Холма: B против A",
    var="holm_p_ba",
    expected=lambda: float(_pairs("replied").loc["B vs A", "p_holm"]),
    compare=Number(rel_tol=0.01),
    hints=[
        "Посчитайте z-тест для каждой из трёх пар (B–A, C–A, C–B) и соберите три p-value в один список.",
        "multipletests(p_values, method='holm') вернёт кортеж; поправленные p-value — во втором элементе, [1]. "
        "Возьмите то, что относится к паре B–A.",
    ],
    mistakes=[
        Mistake(name="raw", value=lambda: float(_pairs("replied").loc["B vs A", "p_value"]),
                hint="Это p-value без поправки (в тексте раздела, где сравнений два, Холм его не изменил: у B–A там самое большое p). Здесь сравнений три, и вероятность хоть одной ложной «победы» больше 5 %: "
                     "пропустите все три p-value через multipletests(..., method='holm')."),
        Mistake(name="bonferroni", value=lambda: float(_pairs("replied").loc["B vs A", "p_bonferroni"]),
                hint="Это поправка Бонферрони (p × 3). Холм умножает самое маленькое p на 3, следующее — на 2, последнее — на 1: method='holm'."),
        Mistake(name="meetings", value=lambda: float(_pairs("meeting_booked").loc["B vs A", "p_holm"]),
                hint="Вы взяли встречи, а задание — про ответы: столбец replied."),
    ],
    correct_message="Третье сравнение в семье сделало поправку для B–A строже, чем в тексте раздела; значимой по-прежнему остаётся только пара C–A.",
)

# ---------------------------------------------------------------------------
# 5. Сколько месяцев ждать реалистичный эффект
# ---------------------------------------------------------------------------


def _months(total: bool = True, alternative: str = "two-sided", absolute: bool = False, leads_start: str = course.YEAR_2025[0],
            channels=None) -> float:
    p0 = base_meeting_rate()
    target = p0 + REALISTIC_LIFT if absolute else p0 * (1 + REALISTIC_LIFT)
    n = _h_size(p0, target, alternative)
    return (2 * n if total else n) / leads_per_month(leads_start, course.YEAR_2025[1], channels)


q5 = Exercise(
    id="ch10.ab.q5",
    title="Сколько месяцев нужно на тест по встречам",
    var="months_needed",
    expected=lambda: _months(),
    compare=Number(rel_tol=0.015),
    hints=[
        "Целевая доля — base_rate × 1,2 (рост на 20 % от базовой доли). Размер одной группы — как в упражнении про MDE в 0,5 п. п.",
        "Писем нужно на обе группы: 2 × n. Разделите на среднее число новых входящих лидов в месяц за 2025 год: "
        "лиды всех каналов, кроме outbound, с created_date в 2025 году / 12.",
    ],
    mistakes=[
        Mistake(name="one_group", value=lambda: _months(total=False),
                hint="Вы посчитали письма только для одной группы. В тесте две группы, и обе набираются из одного потока лидов: 2 × n."),
        Mistake(name="one_sided", value=lambda: _months(alternative="larger"),
                hint="Это расчёт для одностороннего теста. Нужен двусторонний: новое письмо может оказаться и хуже."),
        Mistake(name="absolute", value=lambda: _months(absolute=True),
                hint="Вы прибавили 20 процентных пунктов (0,2) — это доля встреч больше 20 %, нереально для писем. Рост на 20 % — это base_rate × 1,2."),
        Mistake(name="all_years", value=lambda: _months(leads_start=course.DATA_START),
                hint="Вы взяли среднее число лидов за 2023–2025 годы. Поток лидов растёт: для плана на завтра берите последний, 2025 год."),
        Mistake(name="with_outbound", value=lambda: _months(channels=sorted(table("leads")["channel"].unique())),
                hint="Вы посчитали все новые лиды, включая исходящие (channel == 'outbound'). Рассылку прогрева получают только входящие лиды: "
                     "исходящих ведёт BDR своей цепочкой касаний. Уберите outbound из потока."),
    ],
    correct_message="Годы ожидания ради одного теста — поэтому в B2B A/B-тест по встречам почти всегда не тот инструмент.",
)

# ---------------------------------------------------------------------------
# 6. Решение: внедрять ли вариант B из EXP02
# ---------------------------------------------------------------------------


def decision(experiment_id: str = "EXP02") -> str:
    """Решение по встречам эксперимента: интервал Ньюкомба разности B − A против порога пользы."""
    low, high = _ci(experiment_id, "meeting_booked")
    return experiments.decide(low * 1000, high * 1000, threshold_per_1000())


q6 = Exercise(
    id="ch10.ab.q6",
    title="Внедрять ли вариант B из EXP02",
    var="decision_exp02",
    expected=decision,
    compare=Choice(list(experiments.DECISIONS)),
    hints=[
        "Посчитайте 95-процентный интервал Ньюкомба для разности встреч B − A и переведите его во встречи на 1000 писем.",
        "Сравните интервал с порогом threshold: experiments.decide(нижняя, верхняя, threshold) применит правило раздела.",
    ],
    mistakes=[
        Mistake(name="more_data", matches=lambda a: a == "more_data" != decision(),
                hint="p-value больше 0,05, но решение принимают по интервалу. Его верхняя граница ниже порога: даже в лучшем случае B не даёт эффекта, ради которого стоит что-то менять. Продлевать тест незачем."),
        Mistake(name="launch", matches=lambda a: a == "launch" != decision(),
                hint="Интервал захватывает ноль и отрицательные значения: B может давать и меньше встреч, чем A. Внедряют, только когда весь интервал выше порога пользы."),
        Mistake(name="no_launch_when_unclear", matches=lambda a: a == "no_launch" != decision(),
                hint="Большое p-value — не доказательство, что эффекта нет. Верхняя граница интервала выше порога пользы: "
                     "тест не исключает полезный эффект, данных не хватает, чтобы отвергнуть вариант."),
    ],
    correct_message="Интервал захватывает и ноль, и порог пользы — закрыть вариант как бесполезный нельзя. "
                    "Продлевать тест стоит, только заранее посчитав, сколько писем нужно, — иначе это подглядывание.",
)

# ---------------------------------------------------------------------------
# 7. Решение: значимый эффект EXP01 — внедрять ли?
# ---------------------------------------------------------------------------


q7 = Exercise(
    id="ch10.ab.q7",
    title="Внедрять ли тему письма EXP01",
    var="decision_exp01",
    expected=lambda: decision("EXP01"),
    compare=Choice(list(experiments.DECISIONS)),
    hints=[
        "Постройте 95-процентный интервал Ньюкомба разности встреч B − A в EXP01 и переведите его во встречи на 1000 писем.",
        "Внедряют, когда весь интервал выше порога пользы threshold; не внедряют, когда весь интервал ниже порога; "
        "если порог внутри интервала — данных мало. Где нижняя граница относительно порога?",
    ],
    mistakes=[
        Mistake(name="launch_above_zero", matches=lambda a: a == "launch" != decision("EXP01"),
                hint="Интервал целиком выше нуля — эффект статистически значим. Но нижняя граница ниже порога пользы: "
                     "тест не исключает, что новая тема даёт прибавку, ради которой не стоит ничего менять. "
                     "По правилу раздела польза не доказана, пока интервал захватывает порог."),
        Mistake(name="no_launch", matches=lambda a: a == "no_launch" != decision("EXP01"),
                hint="«Не внедрять» — когда даже верхняя граница ниже порога. Здесь верхняя граница с запасом выше порога: "
                     "полезный эффект вполне возможен."),
    ],
    correct_message="Эффект значим, но порог пользы внутри интервала — по правилу раздела польза не доказана. "
                    "Kohavi и соавторы в таком случае советуют повторить тест с большей выборкой, хотя и внедрение "
                    "называют разумным решением: тему письма, которую легко откатить, можно поставить и сейчас, "
                    "но называть это доказанным выигрышем нельзя.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Тест писем показал разницу в доле ответов с p = 0,03. Что это значит?",
            (
                Option("С вероятностью 97 % вариант B лучше A", False,
                       "p-value — не вероятность гипотезы. Это вероятность увидеть такую же или большую разницу, если варианты на самом деле одинаковы."),
                Option("Если бы варианты не различались, такая или бо́льшая разница встречалась бы примерно в 3 % повторений теста", True,
                       "Это и есть определение p-value. О размере эффекта и его пользе для бизнеса оно ничего не говорит."),
                Option("Эффект большой, вариант B надо внедрять", False,
                       "Статистическая значимость ≠ практическая: при большой выборке значимым будет и крошечный эффект. Смотрите на интервал и порог пользы."),
                Option("Вероятность, что разница случайна, — 3 %", False,
                       "Это частая, но неверная трактовка: p-value считается в предположении, что разницы нет, и не может оценить вероятность этого предположения."),
            ),
        ),
        Question(
            "Руководитель SDR смотрит на p-value каждый день 20-дневного теста и останавливает его при первом p < 0,05. Варианты на самом деле одинаковы. Как часто он «найдёт» победителя?",
            (
                Option("В 5 % тестов, как и обещает уровень значимости", False,
                       "5 % — это для одного взгляда в заранее назначенный день. Каждый дополнительный взгляд — ещё один шанс на ложную победу."),
                Option("Примерно в каждом четвёртом тесте", True,
                       "При 20 просмотрах доля ложных побед около 25 % — это видно по симуляции в разделе."),
                Option("Почти всегда", False,
                       "Почти всегда — только если смотреть бесконечно долго. За 20 просмотров — около четверти тестов."),
                Option("Реже 5 %: чем чаще смотришь, тем осторожнее", False,
                       "Наоборот: каждый взгляд добавляет шанс случайно пересечь порог, а остановка фиксирует эту случайность."),
            ),
        ),
        Question(
            "В A/B/C-тесте три попарных сравнения. Чем поправка Холма лучше поправки Бонферрони?",
            (
                Option("Она так же ограничивает вероятность хотя бы одной ложной находки, но находит не меньше настоящих", True,
                       "Холм умножает самое маленькое p на 3, следующее — на 2, последнее — на 1, поэтому он никогда не строже Бонферрони."),
                Option("Она вообще не требует поправок для трёх вариантов", False,
                       "Требует: при трёх сравнениях на уровне 5 % шанс хотя бы одной ложной победы заметно выше 5 %."),
                Option("Она делит уровень значимости на число вариантов, а не сравнений", False,
                       "Нет, обе поправки считают сравнения (гипотезы), а не варианты."),
            ),
        ),
        Question(
            "Маленький тест писем: p-value около 0,6, а 95-процентный интервал разности — от минус 20 до плюс 35 встреч на 1000 писем выше порога пользы. Что делать?",
            (
                Option("Считать, что вариант B не лучше A", False,
                       "Отсутствие значимости — не доказательство отсутствия эффекта: интервал допускает и большой плюс."),
                Option("Добавить ещё 300 писем и пересчитать p-value", False,
                       "Это то же подглядывание: дозаправка выборки «до значимости» раздувает ложные победы. Размер выборки считают заранее."),
                Option("Признать, что тест не различает варианты, и решать иначе: больший эффект, другой показатель, качественная проверка", True,
                       "Тест недостаточно мощный. Для встреч в B2B нужный объём часто недостижим — об этом подраздел про «не тот инструмент»."),
            ),
        ),
    ],
)
