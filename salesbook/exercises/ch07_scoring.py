"""Упражнения раздела 7.4.3 «Предиктивный скоринг лидов».

Упражнения 1–3 и ``quiz`` — часть 1 (модель, утечка, проверка по времени), 4–7 и
``quiz_use`` — часть 2 (калибровка, порог по мощности SDR, рубли). Эталоны считает
``salesbook.toolkit.lead_scoring``; каждая типичная ошибка — тот же расчёт с одной ошибкой.
Модели обучаются один раз и кэшируются: эталоны не зависят от ответа учащегося.
"""

from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd

from salesbook.exercises import table, tables
from salesbook.runtime import fmt
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, inbound, roles, unit_economics
from salesbook.toolkit import lead_scoring as ls

SECTION = "ch07.scoring"
TITLE = "7.4.3. Предиктивный скоринг лидов"

#: Сценарий 2026 года (допущение раздела): маркетинг удваивает входящий поток, состав лидов —
#: как в 2025 году; команда SDR — как в 2025 году, и руководитель SDR оставляет очереди столько же
#: часов, сколько она заняла в 2025 году (остальное время — прогрев базы по плану маркетинга).
FLOW_GROWTH_2026 = 2.0
#: Бутстреп-выборок для интервалов AUC и зерно.
N_BOOT = 1000
SEED = 2025

MODELS = {"logit": "логистическая регрессия", "boosting": "градиентный бустинг"}


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
# 1. AUC правила баллов на лидах 2025 года
# ---------------------------------------------------------------------------


def _rule_auc(frame: pd.DataFrame, flip: bool = False, segments=("mid_market", "enterprise")) -> float:
    if segments is not None:
        frame = frame[frame["segment"].isin(list(segments))]
    s = ls.rule_score(frame)
    return ls.auc(frame["sql"], -s if flip else s)


def _pairs_message() -> str:
    a = _rule_auc(parts()[1])
    return (f"Правило баллов ранжирует лучше монетки, но ненамного: из ста случайных пар «SQL и не-SQL» среднего "
            f"и крупного бизнеса оно правильно упорядочивает около {fmt.number(a * 100)}.")


q1 = Exercise(
    id="ch07.scoring.q1",
    title="AUC правила баллов на лидах среднего и крупного бизнеса 2025 года",
    var="rule_auc",
    expected=lambda: _rule_auc(parts()[1]),
    compare=Number(rel_tol=1e-4),
    hints=[
        "Возьмите лиды проверки `test` (созданы в 2025 году) сегментов mid-market и enterprise, посчитайте их баллы "
        "`lead_scoring.rule_score(...)` и сравните с исходом `sql` тех же лидов.",
        "roc_auc_score(исход, оценка): сначала истинные метки, потом баллы. Ответ — доля от 0 до 1.",
    ],
    mistakes=[
        Mistake(name="all_years", value=lambda: _rule_auc(export()),
                hint="Вы взяли все годы сразу. Задание — про лиды 2025 года: таблица `test`."),
        Mistake(name="big_train", value=lambda: _rule_auc(parts()[0]),
                hint="Это лиды обучения 2023–2024 годов. Задание — про лиды проверки 2025 года: таблица `test`."),
        Mistake(name="all_segments", value=lambda: _rule_auc(parts()[1], segments=None),
                hint="Так получается AUC по всей очереди 2025 года, вместе с малым бизнесом. "
                     "Нужны только mid-market и enterprise: `segment` не равен 'smb'."),
        Mistake(name="mid_only", value=lambda: _rule_auc(parts()[1], segments=("mid_market",)),
                hint="Это только средний бизнес (mid-market). Нужны оба сегмента — mid-market и enterprise: `segment` не равен 'smb'."),
        Mistake(name="enterprise_only", value=lambda: _rule_auc(parts()[1], segments=("enterprise",)),
                hint="Это только крупный бизнес (enterprise). Нужны оба сегмента — mid-market и enterprise: `segment` не равен 'smb'."),
        Mistake(name="flipped", value=lambda: _rule_auc(parts()[1], flip=True),
                hint="AUC меньше 0,5: оценка перевёрнута (баллы со знаком минус или 1 − AUC). Больше баллов — выше шанс SQL, передавайте баллы как есть."),
    ],
    correct_message=_pairs_message,
)

# ---------------------------------------------------------------------------
# 2. Найти утечку
# ---------------------------------------------------------------------------

EXPORT_NUMERIC = list(ls.NUMERIC) + list(ls.LEAKY)


def leak_column() -> str:
    """Столбец выгрузки с AUC одного признака выше 0,85 на лидах 2025 года."""
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
    """Разность AUC бустинга и логистической регрессии на лидах 2025 года с бутстреп-интервалом."""
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
                hint="Весь интервал разности AUC ниже нуля: на лидах 2025 года бустинг ранжирует хуже регрессии. На паре лет лидов одной "
                     "компании бустинг «из коробки» запоминает шум; «сложнее» не значит «точнее»."),
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
            "Допустим, AUC модели — 0,70, правила баллов — 0,60. Что это значит для SDR?",
            (
                Option("Модель угадывает исход 70 % лидов", False,
                       "AUC — не доля верных ответов. Это вероятность, что случайный SQL стоит в списке выше случайного не-SQL."),
                Option("Если взять случайную пару «будущий SQL и не-SQL», модель поставит SQL выше в 70 % пар, правило — в 60 %", True,
                       "Именно так: AUC меряет качество порядка. Сколько это SQL и рублей — зависит от того, какую долю очереди SDR успевают обработать (часть 2)."),
                Option("Модель на 10 % точнее, значит, SQL станет на 10 % больше", False,
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
    title="Навык оценки Брайера модели на лидах 2025 года",
    var="skill",
    expected=lambda: _skill(),
    # Доли SQL обучения и проверки близки, и навык с долей проверки отличается лишь в четвёртом знаке:
    # допуск узкий, чтобы отличить правильную долю (обучения) от подмешанного будущего.
    compare=Number(rel_tol=5e-5),
    hints=[
        "Навык = 1 − BS модели / BS прогноза «всем одна доля». Эта доля — доля SQL в обучении (2023–2024): её модель знала заранее.",
        "`lead_scoring.brier_skill(test['sql'], p_logit, train['sql'].mean())`.",
    ],
    mistakes=[
        Mistake(name="test_rate", value=lambda: _skill(base="test"),
                hint="Вы взяли долю SQL лидов 2025 года (или дисперсию исхода проверки, это то же самое). В начале года её никто не знал: "
                     "так в проверку подмешивается будущее. Берите долю SQL обучения — `train['sql'].mean()`."),
        Mistake(name="brier_only", value=lambda: ls.brier(parts()[1]["sql"], scores("logit")),
                hint="Это сама оценка Брайера модели. Без сравнения с простым прогнозом она мало говорит: нужен навык 1 − BS / BS_ref."),
        Mistake(name="boosting", value=lambda: _skill("boosting"),
                hint="Это навык бустинга. Задание — про логистическую регрессию (`kind='logit'`)."),
        Mistake(name="ratio", value=lambda: 1 - _skill(),
                hint="Это отношение BS / BS_ref, а навык — единица минус это отношение."),
    ],
    correct_message="Навык положительный, но небольшой: модель лучше постоянного прогноза, а вероятности близки к частотам. "
                    "Здесь доли SQL обучения и 2025 года почти равны, и навык с любой из них почти тот же; но правильная — доля обучения.",
)

# ---------------------------------------------------------------------------
# 5. Сколько SQL прибавит модель при мощности SDR
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def sdr_time() -> pd.Series:
    """Время SDR в 2025 году: минут на лид очереди, минут работы в день, мощность на SDR-месяц."""
    return ls.sdr_time(table("activities"), table("rep_daily_activity"), table("reps"), export(), *course.YEAR_2025)


def queue_per_month_2026() -> float:
    """Очередь SDR 2026 года, лидов в месяц: ``FLOW_GROWTH_2026`` × средняя очередь месяца 2025 года."""
    return len(parts()[1]) / 12 * FLOW_GROWTH_2026


def capacity_share() -> float:
    """Доля очереди 2026 года, которую команда успеет за часы, отданные очереди в 2025 году.

    Часы на очередь — минуты на лид × лиды 2025 года (руководитель SDR оставляет очереди столько же
    времени, остальное — прогрев базы); нужно — минуты на лид × очередь 2026 года. Это сценарий,
    а не измерение мощности: мощность команды по времени — :func:`sdr_time`.
    """
    minutes = sdr_time()["minutes_per_lead"]
    budget = minutes * len(parts()[1]) / 12
    return float(min(1.0, budget / (minutes * queue_per_month_2026())))


def _sql_worked(score, share: float | None = None, by: str = "M") -> int:
    return int(ls.work_top(parts()[1], score, capacity_share() if share is None else share, by=by)["sql"].sum())


def extra_sql() -> int:
    return _sql_worked(scores("logit")) - _sql_worked(rule())


LONG_PERIOD_HINT = ("Вы отобрали верхушку за период длиннее месяца (квартал или год). SDR работают очередь каждого месяца: "
                    "в январе нельзя взять лучший лид марта или декабря. Оставьте в `work_top` месяц (`by='M'`, по умолчанию).")


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
                hint="Вы умножили на рост потока. Задание — про очередь 2025 года: удвоение учтём в рублях."),
        Mistake(name="yearly_top", value=lambda: _sql_worked(scores("logit"), by="Y") - _sql_worked(rule(), by="Y"),
                hint=LONG_PERIOD_HINT),
        Mistake(name="quarterly_top", value=lambda: _sql_worked(scores("logit"), by="Q") - _sql_worked(rule(), by="Q"),
                hint=LONG_PERIOD_HINT),
    ],
    correct_message="Прибавка заметная, но не кратная: и правило, и модель берут лучшую половину, спорят они о лидах на границе.",
)

# ---------------------------------------------------------------------------
# 6–7. Рубли: окупается ли хвост очереди и сколько SDR нужно, чтобы его не отсекать
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


@lru_cache(maxsize=1)
def ae_cost_per_sql() -> float:
    """Стоимость времени AE на один SQL очереди, ₽ (2025 год).

    По сегментам: доля SQL SDR, ставших сделкой сегмента (``roles.sql_to_deal_share``), / новых
    сделок на AE-месяц команды сегмента (``roles.new_opps_per_ae_month``) × полная стоимость
    AE-месяца (``roles.loaded_cost``); сумма по сегментам.
    """
    leads, opps, reps = table("leads"), table("opportunities"), table("reps")
    ae_cost = roles.loaded_cost(table("sm_costs"), reps, *course.YEAR_2025).loc["AE", "loaded_pm"]
    return float(sum(roles.sql_to_deal_share(leads, opps, reps, "SDR", *course.YEAR_2025, segments=(seg,))
                     / roles.new_opps_per_ae_month(opps, reps, *course.YEAR_2025, teams=(seg,)) * ae_cost
                     for seg in course.SEGMENTS))


def net_sql_value() -> float:
    """Ценность SQL за вычетом времени AE, которое уйдёт на его сделку, ₽."""
    return sql_value() - ae_cost_per_sql()


def tail_sql_rate(score=None, share: float | None = None) -> float:
    """Доля SQL в хвосте очереди 2025 года, который SDR не успевают при доле ``share``."""
    test = parts()[1]
    score = scores("logit") if score is None else score
    worked = ls.work_top(test, score, capacity_share() if share is None else share)
    return float((test["sql"].sum() - worked["sql"].sum()) / (worked["queue"].sum() - worked["worked"].sum()))


def load_per_sdr_month() -> float:
    """Нагрузка 2025 года: лидов очереди на продуктивный SDR-месяц (``roles.capacity``) — не мощность."""
    return float(roles.capacity("SDR", tables("reps", "leads", "opportunities", "mrr", "support_tickets"),
                                *course.YEAR_2025)["leads_per_month"])


def sdr_month_cost() -> float:
    return float(roles.loaded_cost(table("sm_costs"), table("reps"), *course.YEAR_2025).loc["SDR", "loaded_pm"])


def breakeven_tail_rate(leads_per_month: float | None = None, value: float | None = None) -> float:
    """Доля SQL, при которой лиды хвоста окупают время SDR: стоимость SDR-месяца /
    (лидов очереди на SDR-месяц по времени × ценность SQL за вычетом времени AE)."""
    leads_per_month = sdr_time()["leads_per_month"] if leads_per_month is None else leads_per_month
    value = net_sql_value() if value is None else value
    return float(sdr_month_cost() / (leads_per_month * value))


q6 = Exercise(
    id="ch07.scoring.q6",
    title="При какой доле SQL хвост очереди окупает SDR",
    var="breakeven_rate",
    expected=breakeven_tail_rate,
    compare=Number(rel_tol=0.005),
    hints=[
        "Один лид хвоста стоит времени SDR: стоимость SDR-месяца / лидов очереди, которые SDR отработает за месяц. "
        "Приносит он долю SQL × ценность SQL за вычетом времени AE. Порог — доля SQL, при которой эти две величины равны.",
        "`sdr_cost / (sdr_capacity['leads_per_month'] * (sql_value - ae_cost_per_sql))` — ответ долей от 0 до 1.",
    ],
    mistakes=[
        Mistake(name="load_not_capacity", value=lambda: breakeven_tail_rate(leads_per_month=load_per_sdr_month()),
                hint="Вы взяли нагрузку 2025 года — сколько лидов досталось SDR (`roles.capacity`). Это не мощность: SDR отработали "
                     "всю очередь и ещё прогревали базу. Сколько лидов SDR может отработать, показывает время: `sdr_capacity['leads_per_month']`."),
        Mistake(name="no_ae_cost", value=lambda: breakeven_tail_rate(value=sql_value()),
                hint="Вы не вычли время AE: каждый новый SQL кто-то должен довести до сделки. Ценность SQL — `sql_value - ae_cost_per_sql`."),
        Mistake(name="per_day", value=lambda: breakeven_tail_rate(leads_per_month=sdr_time()["leads_per_day"]),
                hint="Вы взяли лидов в день, а стоимость SDR — за месяц. Берите лидов на SDR-месяц: `sdr_capacity['leads_per_month']`."),
    ],
    correct_message=lambda: (f"Порог — около {fmt.pct(breakeven_tail_rate())}, а в хвосте очереди SQL становятся около "
                             f"{fmt.pct(tail_sql_rate(), 0)} лидов: хвост окупает время SDR с огромным запасом даже за вычетом AE."),
)


def tail_per_month_2026() -> float:
    """Хвост очереди 2026 года, лидов в месяц: то, что команда не успевает за часы 2025 года."""
    return queue_per_month_2026() * (1 - capacity_share())


def sdr_to_hire(leads_per_month: float | None = None, tail: float | None = None, whole: bool = True) -> float:
    """Сколько SDR нанять, чтобы работать весь хвост 2026 года: хвост / лидов на SDR-месяц, вверх до целого."""
    leads_per_month = sdr_time()["leads_per_month"] if leads_per_month is None else leads_per_month
    need = (tail_per_month_2026() if tail is None else tail) / leads_per_month
    return float(math.ceil(need - 1e-9)) if whole else float(need)


q7 = Exercise(
    id="ch07.scoring.q7",
    title="Сколько SDR нанять, чтобы не отсекать хвост",
    var="sdr_hires",
    expected=sdr_to_hire,
    compare=Number(rel_tol=0.0, abs_tol=1e-6, generic_mistakes=False),
    hints=[
        "Хвост 2026 года — лиды удвоенной очереди сверх тех, что команда успевает за часы 2025 года: `queue_2026 * (1 - share)` лидов в месяц.",
        "Разделите хвост на лидов очереди на SDR-месяц по времени (`sdr_capacity['leads_per_month']`) и округлите вверх: людей нанимают целыми.",
    ],
    mistakes=[
        Mistake(name="load_not_capacity", value=lambda: sdr_to_hire(leads_per_month=load_per_sdr_month()),
                hint="Так выходит, если делить на нагрузку 2025 года (`roles.capacity`): это сколько лидов досталось SDR, а не сколько "
                     "они могут отработать. Берите мощность по времени — `sdr_capacity['leads_per_month']`."),
        Mistake(name="fractional", value=lambda: sdr_to_hire(whole=False),
                hint="Это потребность в SDR-месяцах на месяц работы. Людей нанимают целыми: округлите вверх (`math.ceil`)."),
        Mistake(name="whole_queue", value=lambda: sdr_to_hire(tail=queue_per_month_2026()),
                hint="Вы посчитали людей на всю удвоенную очередь. Половину её работает команда 2025 года; нанимать нужно только на хвост."),
    ],
    correct_message="Нагрузка 2025 года подсказала бы нанять в несколько раз больше людей. Но новые SQL ещё нужно закрыть: "
                    "главный найм в этом сценарии — AE, а не SDR.",
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
