"""Упражнения раздела 7.4.3 «Предиктивный скоринг лидов».

Упражнения 1–3 и ``quiz`` — часть 1 (модель, утечка, проверка по времени), 4–7 и
``quiz_use`` — часть 2 (калибровка, порог по мощности SDR, рубли). Эталоны считает
``salesbook.toolkit.lead_scoring``; каждая типичная ошибка — тот же расчёт с одной ошибкой.
Модели обучаются один раз и кэшируются: эталоны не зависят от ответа учащегося.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from salesbook.exercises import table, tables
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, inbound, roles, unit_economics
from salesbook.toolkit import lead_scoring as ls

SECTION = "ch07.scoring"
TITLE = "7.4.3. Предиктивный скоринг лидов"

#: Сценарий 2026 года (допущение раздела): маркетинг удваивает входящий поток, состав лидов —
#: как в 2025 году, а команда SDR остаётся такой же, как в 2025 году.
FLOW_GROWTH_2026 = 2.0
#: Бутстреп-выборок для интервалов AUC и зерно.
N_BOOT = 1000
SEED = 2025

MODELS = {"logit": "логистическая регрессия", "boosting": "градиентный бустинг"}
PLAN = {"hire": "нанять SDR и работать всю очередь", "cut": "оставить команду и отсечь хвост очереди по модели"}


@lru_cache(maxsize=1)
def export() -> pd.DataFrame:
    """Выгрузка CRM по очереди SDR (с двумя столбцами-утечками)."""
    return ls.crm_export(table("leads"), table("accounts"), table("activities"))


def parts() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(обучение 2023–2024, проверка 2025)."""
    return ls.split(export())


@lru_cache(maxsize=None)
def scores(kind: str = "logit", leaky: bool = False) -> pd.Series:
    """Вероятности SQL модели на проверке 2025 года (обучение — 2023–2024)."""
    train, test = parts()
    features = ls.FEATURES + (ls.LEAKY if leaky else ())
    return ls.fit_predict(train, test, kind, features)


def rule(frame: pd.DataFrame | None = None) -> pd.Series:
    """Баллы правила скоринга на проверке 2025 года (или на переданной таблице)."""
    return ls.rule_score(parts()[1] if frame is None else frame)


# ---------------------------------------------------------------------------
# 1. AUC правила баллов на 2025 годе
# ---------------------------------------------------------------------------


def _rule_auc(frame: pd.DataFrame, flip: bool = False, big_only: bool = True) -> float:
    if big_only:
        frame = frame[frame["segment"].ne("smb")]
    s = ls.rule_score(frame)
    return ls.auc(frame["sql"], -s if flip else s)


q1 = Exercise(
    id="ch07.scoring.q1",
    title="AUC правила баллов на лидах mid-market и enterprise 2025 года",
    var="rule_auc",
    expected=lambda: _rule_auc(parts()[1]),
    compare=Number(rel_tol=0.002),
    hints=[
        "Возьмите лиды проверки `test` (созданы в 2025 году) сегментов mid-market и enterprise, посчитайте их баллы "
        "`lead_scoring.rule_score(...)` и сравните с исходом `sql` тех же лидов.",
        "roc_auc_score(исход, оценка): сначала истинные метки, потом баллы. Ответ — доля от 0 до 1.",
    ],
    mistakes=[
        Mistake(name="all_years", value=lambda: _rule_auc(export()),
                hint="Вы взяли все годы сразу. Задание — про лиды 2025 года: таблица `test`."),
        Mistake(name="all_segments", value=lambda: _rule_auc(parts()[1], big_only=False),
                hint="Так получается AUC по всей очереди 2025 года (почти столько же дают лиды mid-market и enterprise 2023–2024 годов). "
                     "Нужны лиды проверки 2025 года (`test`) и только mid-market и enterprise: `segment` не равен 'smb'."),
        Mistake(name="flipped", value=lambda: _rule_auc(parts()[1], flip=True),
                hint="AUC меньше 0,5: оценка перевёрнута (баллы со знаком минус или 1 − AUC). Больше баллов — выше шанс SQL, передавайте баллы как есть."),
    ],
    correct_message="Правило баллов ранжирует лучше монетки, но ненамного: из случайной пары «SQL и не-SQL» "
                    "оно правильно упорядочивает чуть больше шести пар из десяти.",
)

# ---------------------------------------------------------------------------
# 2. Найти утечку
# ---------------------------------------------------------------------------

EXPORT_NUMERIC = list(ls.NUMERIC) + list(ls.LEAKY)


def leak_column() -> str:
    """Столбец выгрузки с AUC одного признака выше 0,85 на 2025 годе."""
    a = ls.single_feature_auc(parts()[1], EXPORT_NUMERIC)
    return str(a.index[0])


q2 = Exercise(
    id="ch07.scoring.q2",
    title="Какой столбец выгрузки — утечка",
    var="leak",
    expected=leak_column,
    compare=Choice(EXPORT_NUMERIC),
    hints=[
        "Посчитайте `lead_scoring.single_feature_auc(test, columns)` по всем числовым столбцам выгрузки: каждый столбец сам по себе — оценка лида.",
        "Честные признаки дают AUC около 0,5–0,65. Столбец с AUC около 0,9 подозрителен: спросите, когда CRM записывает его значение.",
    ],
    mistakes=[
        Mistake(name="touches", matches=lambda a: a == "sdr_touches",
                hint="`sdr_touches` — тоже утечка (касания считаются за всю историю, и цепочка обрывается, когда встреча назначена, поэтому у SQL касаний меньше), "
                     "но его AUC ниже 0,5, а не выше 0,85. Найдите столбец с самой высокой AUC — и уберите из модели оба."),
        Mistake(name="honest_best", matches=lambda a: a in ("pages_viewed", "website_visits", "email_opens"),
                hint="Это честный поведенческий признак: его записывает сайт или рассыльщик до того, как SDR взялся за лид, и AUC у него скромная. Ищите столбец с AUC около 0,9."),
        Mistake(name="other_honest", matches=lambda a: a in ("demo_requested", "content_downloads", "webinar_attended", "log_employees"),
                hint="Этот признак известен до работы SDR, и сам по себе он ранжирует слабо. Посчитайте AUC каждого столбца и найдите подозрительно высокую."),
    ],
    correct_message="Проведённая встреча бывает только у лида, которого SDR уже квалифицирует: столбец записан после "
                    "исхода. Вместе с ним уходит и `sdr_touches` — счётчик за всю историю лида.",
)

# ---------------------------------------------------------------------------
# 3. Какую модель ставить
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def boosting_gap() -> pd.Series:
    """Разность AUC бустинга и логистической регрессии на 2025 годе с бутстреп-интервалом."""
    test = parts()[1]
    return ls.auc_bootstrap(test["sql"], scores("boosting"), other=scores("logit"), n_boot=N_BOOT, seed=SEED)


def chosen_model() -> str:
    """Сложную модель берут, только если весь интервал разности AUC выше нуля."""
    return "boosting" if boosting_gap()["low"] > 0 else "logit"


q3 = Exercise(
    id="ch07.scoring.q3",
    title="Логистическая регрессия или бустинг",
    var="chosen",
    expected=chosen_model,
    compare=Choice(list(MODELS), labels=MODELS),
    hints=[
        "Посчитайте `lead_scoring.auc_bootstrap(test['sql'], p_boost, other=p_logit)`: это разность AUC бустинга и регрессии с 95-процентным интервалом.",
        "Правило раздела: сложную модель берут, только если весь интервал разности выше нуля. Где интервал?",
    ],
    mistakes=[
        Mistake(name="boosting", matches=lambda a: a == "boosting" != chosen_model(),
                hint="Весь интервал разности AUC ниже нуля: на 2025 годе бустинг ранжирует хуже регрессии. На полутора тысячах лидов обучения он "
                     "запоминает шум; «сложнее» не значит «точнее»."),
    ],
    correct_message="Регрессия не хуже и проще: коэффициенты читаются, пересчёт занимает секунды, а объяснить SDR, почему лид наверху, можно одной фразой.",
)

# ---------------------------------------------------------------------------
# Квиз части 1
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Модель скоринга показала AUC 0,97 на случайной проверочной выборке. Что сделать первым?",
            (
                Option("Внедрять: модель почти идеальна", False,
                       "Так высоко честные признаки лида ранжировать не могут: до работы SDR о лиде известно мало. Почти наверняка в признаках утечка."),
                Option("Посчитать AUC каждого признака отдельно и проверить, когда CRM записывает значения самых сильных", True,
                       "Утечка почти всегда — один-два столбца с подозрительно высокой AUC, записанные после исхода: встречи, касания, стадия, дата последней активности."),
                Option("Заменить логистическую регрессию бустингом — он ещё точнее", False,
                       "Бустинг найдёт утечку ещё увереннее. Сначала — проверить признаки."),
            ),
        ),
        Question(
            "Почему модель проверяют на лидах 2025 года, а не на случайной пятой части всех лидов 2023–2025?",
            (
                Option("Так быстрее считать", False, "Скорость тут ни при чём: разбиение по времени отвечает на другой вопрос."),
                Option("Модель будут применять к будущим лидам; случайное разбиение подмешивает будущее в обучение и скрывает дрейф", True,
                       "Проверка по времени имитирует жизнь модели: учимся на прошлом, ранжируем новые лиды. Каналы, цены и продукт меняются — случайное разбиение этого не видит."),
                Option("В 2025 году больше лидов", False, "Размер важен для ширины интервала, но главное — порядок во времени."),
            ),
        ),
        Question(
            "AUC модели — 0,68, правила баллов — 0,61. Что это значит для SDR?",
            (
                Option("Модель угадывает исход 68 % лидов", False,
                       "AUC — не доля верных ответов. Это вероятность, что случайный SQL стоит в списке выше случайного не-SQL."),
                Option("Если взять случайную пару «будущий SQL и не-SQL», модель поставит SQL выше в 68 % пар, правило — в 61 %", True,
                       "Именно так: AUC меряет качество порядка. Сколько это SQL и рублей — зависит от того, какую долю очереди SDR успевают обработать (часть 2)."),
                Option("Модель на 7 % точнее, значит, SQL станет на 7 % больше", False,
                       "Разница в AUC не переводится в SQL напрямую: прибавка зависит от мощности SDR. Если SDR успевают всех, порядок не меняет ничего."),
            ),
        ),
    ],
)

# ---------------------------------------------------------------------------
# Часть 2. 4. Навык оценки Брайера
# ---------------------------------------------------------------------------


def _skill(kind: str = "logit", base: str = "train", leaky: bool = False) -> float:
    train, test = parts()
    rate = (train if base == "train" else test)["sql"].mean()
    return ls.brier_skill(test["sql"], scores(kind, leaky), rate)


q4 = Exercise(
    id="ch07.scoring.q4",
    title="Навык оценки Брайера модели на 2025 годе",
    var="skill",
    expected=lambda: _skill(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Навык = 1 − BS модели / BS прогноза «всем одна доля». Эта доля — доля SQL в обучении (2023–2024): её модель знала заранее "
        "(долю 2025 года в начале года никто не знал; здесь она почти такая же, но привычка брать её подмешивает будущее).",
        "`lead_scoring.brier_skill(test['sql'], p_logit, train['sql'].mean())`.",
    ],
    mistakes=[
        Mistake(name="brier_only", value=lambda: ls.brier(parts()[1]["sql"], scores("logit")),
                hint="Это сама оценка Брайера модели. Без сравнения с простым прогнозом она мало говорит: нужен навык 1 − BS / BS_ref."),
        Mistake(name="boosting", value=lambda: _skill("boosting"),
                hint="Это навык бустинга. Задание — про логистическую регрессию (`kind='logit'`)."),
        Mistake(name="ratio", value=lambda: 1 - _skill(),
                hint="Это отношение BS / BS_ref, а навык — единица минус это отношение."),
    ],
    correct_message="Навык положительный, но небольшой: модель лучше постоянного прогноза, а вероятности близки к частотам. "
                    "Бустинг на тех же данных уходит в минус — хуже, чем «всем одна доля».",
)

# ---------------------------------------------------------------------------
# 5. Сколько SQL прибавит модель при мощности SDR
# ---------------------------------------------------------------------------


def capacity_share() -> float:
    """Доля очереди 2026 года, которую успеет команда SDR 2025 года при удвоенном потоке.

    Мощность — лидов на SDR-месяц (``roles.capacity``) × SDR-месяцы 2025 года / 12; очередь
    2026 года — ``FLOW_GROWTH_2026`` × средняя очередь месяца 2025 года.
    """
    cap = roles.capacity("SDR", tables("reps", "leads", "opportunities", "mrr", "support_tickets"), *course.YEAR_2025)
    per_month = cap["leads_per_month"] * cap["person_months"] / 12
    queue = len(parts()[1]) / 12 * FLOW_GROWTH_2026
    return float(min(1.0, per_month / queue))


def _sql_worked(score, share: float | None = None, by: str = "M") -> int:
    return int(ls.work_top(parts()[1], score, capacity_share() if share is None else share, by=by)["sql"].sum())


def extra_sql() -> int:
    return _sql_worked(scores("logit")) - _sql_worked(rule())


q5 = Exercise(
    id="ch07.scoring.q5",
    title="Сколько SQL прибавит модель против правила баллов",
    var="extra_sql",
    expected=extra_sql,
    compare=Number(rel_tol=0.0, abs_tol=0.5),
    hints=[
        "Каждый месяц SDR берут верхнюю долю `share` очереди: `lead_scoring.work_top(test, оценка, share)` вернёт SQL по месяцам.",
        "Сложите SQL за 2025 год для вероятностей модели и для баллов правила и вычтите второе из первого.",
    ],
    mistakes=[
        Mistake(name="vs_random", value=lambda: _sql_worked(scores("logit")) - _sql_worked(pd.Series(range(len(parts()[1]))).to_numpy()),
                hint="Вы сравнили модель с очередью «как пришли». Задание — сравнить с правилом баллов, которым компания сортирует очередь сейчас."),
        Mistake(name="model_total", value=lambda: _sql_worked(scores("logit")),
                hint="Это все SQL при работе по модели. Нужна разница с правилом баллов."),
        Mistake(name="doubled", value=lambda: FLOW_GROWTH_2026 * extra_sql(),
                hint="Вы умножили на рост потока. Задание — про очередь 2025 года: удвоение учтём в рублях в следующем упражнении."),
        Mistake(name="yearly_top", value=lambda: _sql_worked(scores("logit"), by="Y") - _sql_worked(rule(), by="Y"),
                hint="Вы отобрали верхушку по году целиком. SDR работают очередь каждого месяца: в январе нельзя взять лучший лид декабря."),
    ],
    correct_message="Прибавка заметная, но не кратная: и правило, и модель берут лучшую половину, спорят они о лидах на границе.",
)

# ---------------------------------------------------------------------------
# 6–7. Рубли: что даёт ещё один SDR-месяц на хвосте очереди и что решить
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def sql_value() -> float:
    """Ценность SQL очереди SDR: валовая прибыль первого года на SQL лидов 2024 года (``inbound.lead_value``)."""
    leads, opps = table("leads"), table("opportunities")
    q = export()
    ids = q.loc[q["sql"].eq(1) & pd.to_datetime(q["created_date"]).dt.year.eq(2024), "lead_id"]
    sql_leads = leads[leads["lead_id"].isin(ids)]
    gm = unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2024)
    return inbound.lead_value(sql_leads, opps, sorted(sql_leads["channel"].unique()), *course.YEAR_2024, gm)


def tail_sql_rate(score=None, share: float | None = None) -> float:
    """Доля SQL в хвосте очереди 2025 года, который SDR не успевают при доле ``share``."""
    test = parts()[1]
    score = scores("logit") if score is None else score
    worked = ls.work_top(test, score, capacity_share() if share is None else share)
    return float((test["sql"].sum() - worked["sql"].sum()) / (worked["queue"].sum() - worked["worked"].sum()))


def leads_per_sdr_month() -> float:
    return float(roles.capacity("SDR", tables("reps", "leads", "opportunities", "mrr", "support_tickets"),
                                *course.YEAR_2025)["leads_per_month"])


def sdr_month_profit(rate: float | None = None, value: float | None = None) -> float:
    """Валовая прибыль первого года от одного SDR-месяца на хвосте очереди, ₽."""
    rate = tail_sql_rate() if rate is None else rate
    return leads_per_sdr_month() * rate * (sql_value() if value is None else value)


def sdr_month_cost() -> float:
    return float(roles.loaded_cost(table("sm_costs"), table("reps"), *course.YEAR_2025).loc["SDR", "loaded_pm"])


q6 = Exercise(
    id="ch07.scoring.q6",
    title="Сколько приносит SDR-месяц на хвосте очереди",
    var="tail_profit",
    expected=lambda: sdr_month_profit(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Хвост — лиды, которые SDR не успевают: нижняя часть очереди по модели. Доля SQL в нём = (все SQL 2025 года − SQL верхушки) / (лидов − взятых).",
        "Лидов на SDR-месяц × доля SQL хвоста × ценность SQL.",
    ],
    mistakes=[
        Mistake(name="average_rate", value=lambda: sdr_month_profit(rate=float(parts()[1]["sql"].mean())),
                hint="Вы взяли среднюю долю SQL всей очереди. Новый SDR получит хвост — лиды, которые модель ставит ниже всех: там доля SQL меньше."),
        Mistake(name="top_rate", value=lambda: sdr_month_profit(rate=float(ls.work_top(parts()[1], scores("logit"), capacity_share())["sql"].sum()
                                                                          / ls.work_top(parts()[1], scores("logit"), capacity_share())["worked"].sum())),
                hint="Это доля SQL в верхушке очереди, которую и так берут SDR. Новому SDR достанется хвост."),
        Mistake(name="net_of_cost", value=lambda: sdr_month_profit() - sdr_month_cost(),
                hint="Вы уже вычли стоимость SDR-месяца. Задание просит валовую прибыль от работы — сравнение со стоимостью в следующем упражнении."),
        Mistake(name="revenue_value", value=lambda: sdr_month_profit(value=sql_value() / unit_economics.gross_margin_for_period(
            table("mrr"), table("cogs"), *course.YEAR_2024)),
                hint="Похоже, ценность SQL без валовой маржи (выручка, а не прибыль). Берите `sql_value` из заготовки."),
    ],
    correct_message="Даже худшие лиды очереди приносят за SDR-месяц больше, чем этот месяц стоит.",
)


def plan_2026() -> str:
    return "hire" if sdr_month_profit() > sdr_month_cost() else "cut"


q7 = Exercise(
    id="ch07.scoring.q7",
    title="Нанять SDR или отсечь хвост очереди",
    var="plan",
    expected=plan_2026,
    compare=Choice(list(PLAN), labels=PLAN),
    hints=[
        "Сравните валовую прибыль SDR-месяца на хвосте очереди (предыдущее упражнение) с полной стоимостью SDR-месяца `roles.loaded_cost(...).loc['SDR', 'loaded_pm']`.",
        "Если хвост окупает SDR, отсекать его — терять прибыль; модель тогда нужна, чтобы решать, кого звать первым, а не кого бросать.",
    ],
    mistakes=[
        Mistake(name="cut", matches=lambda a: a == "cut" != plan_2026(),
                hint="Хвост очереди приносит за SDR-месяц в разы больше полной стоимости этого месяца. Отсекать его по модели — терять валовую прибыль."),
    ],
    correct_message="Порог по мощности SDR — временная мера, пока нанимают людей; экономику решает ценность лида на границе, а не AUC модели.",
)

# ---------------------------------------------------------------------------
# Квиз части 2
# ---------------------------------------------------------------------------

quiz_use = Quiz(
    id=f"{SECTION}.use",
    questions=[
        Question(
            "Модель выдала лиду вероятность 0,7. Когда этому числу можно верить как вероятности?",
            (
                Option("Всегда: predict_proba возвращает вероятность", False,
                       "predict_proba возвращает число от 0 до 1, но калибровано оно не всегда: бустинг и модели с утечкой часто обещают больше, чем сбывается."),
                Option("Когда на новых лидах среди получивших около 0,7 SQL становятся около 70 %: это показывает кривая надёжности", True,
                       "Калибровку проверяют на проверочной выборке: корзины по вероятности и фактическая доля SQL в каждой."),
                Option("Когда AUC модели выше 0,8", False,
                       "AUC меряет порядок, а не калибровку: можно идеально ранжировать и при этом завышать все вероятности вдвое."),
            ),
        ),
        Question(
            "SDR успевают всю очередь. Сколько SQL прибавит внедрение скоринга?",
            (
                Option("Столько, насколько AUC модели выше AUC правила", False, "Если обрабатывают всех, порядок не меняет состав обработанных."),
                Option("Почти ноль: скоринг меняет, кого взять первым, а не кого взять вообще", True,
                       "Польза возможна только от скорости (лучшим лидам звонят раньше) — её нужно мерить отдельно. Скоринг окупается, когда мощность SDR — узкое место."),
                Option("Вдвое больше SQL: модель находит скрытых покупателей", False, "Модель не создаёт покупателей, она только упорядочивает тех, кто уже в очереди."),
            ),
        ),
        Question(
            "Поставщик предиктивного скоринга пишет в кейсе: «клиенты получили +40 % пайплайна». Что спросить первым?",
            (
                Option("С чем сравнивали и как выбирали клиентов для кейса", True,
                       "Кейс поставщика — не эксперимент: нет контрольной группы, в кейсы попадают удачные внедрения, а рост мог дать сам рынок или новый бюджет."),
                Option("Какой алгоритм машинного обучения внутри", False, "Алгоритм важен меньше, чем данные и честность сравнения."),
                Option("Сколько стоит лицензия", False, "Цена важна, но сначала — есть ли эффект вообще и как его измерили."),
            ),
        ),
    ],
)
