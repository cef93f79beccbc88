"""Упражнения раздела 9.1 «Onboarding клиентов».

Эталоны считаются функциями ``salesbook.toolkit.onboarding`` на таблицах ``onboarding_milestones``,
``handoffs`` и ``accounts``: время до вехи с цензурированием (медиана — ``cycle.km_median``,
Каплан — Мейер), ориентирный анализ раннего оттока на 90-й день, критический путь плана внедрения.
"""

from __future__ import annotations

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import cycle, onboarding

SECTION = "ch09.onboarding"
TITLE = "9.1. Onboarding клиентов: время до ценности, план внедрения и ранний отток"

#: Упражнение 3: крупный клиент не принимает типовое поручение на обработку персональных данных
#: (ч. 3 ст. 6 152-ФЗ) из договора, а согласует своё — за столько дней после стартовой встречи
#: (допущение упражнения).
DPA_DAYS = 35
#: Срок запуска, который просит клиент в упражнении 3, дней от передачи в CS.
CLIENT_DEADLINE_DAYS = 80


def _tables():
    return table("onboarding_milestones"), table("handoffs"), table("accounts")


# ---------------------------------------------------------------------------
# Упражнение 1: медиана времени до запуска с цензурированием
# ---------------------------------------------------------------------------


def _go_live_mid(how: str = "km", origin: str = "close_date") -> float:
    m, h, a = _tables()
    t = onboarding.milestone_times(m, h, a, "go_live", origin=origin)
    t = t[t["segment"] == "mid_market"]
    if how == "km":
        return float(cycle.km_median(t["days"], t["reached"]))
    if how == "reached_median":
        return float(t.loc[t["reached"] == 1, "days"].median())
    if how == "reached_mean":
        return float(t.loc[t["reached"] == 1, "days"].mean())
    return float(t["days"].median())          # цензурированные считаются дошедшими в день среза


def _not_live_share_mid() -> float:
    m, h, a = _tables()
    t = onboarding.milestone_times(m, h, a, "go_live")
    return float(1 - t.loc[t["segment"] == "mid_market", "reached"].mean())


q1 = Exercise(
    id="ch09.onboarding.q1",
    title="Медиана времени до запуска в mid-market",
    var="go_live_mid_days",
    expected=_go_live_mid,
    compare=Number(rel_tol=0.005),
    hints=[
        "onboarding.milestone_times(milestones, handoffs, accounts, \"go_live\") даёт дни от подписания (close_date) "
        "до запуска или до конца наблюдения и признак reached; оставьте mid-market.",
        "Медиану по Каплану — Мейеру считает cycle.km_median(дни, признак события): клиенты, ещё не запущенные, "
        "входят в расчёт как цензурированные.",
    ],
    mistakes=[
        Mistake(name="reached_only", value=lambda: _go_live_mid("reached_median"),
                hint="Вы взяли медиану только по уже запущенным клиентам. Не запущенные к концу данных — самые медленные; "
                     "выбросив их, вы занижаете срок. Учтите их как цензурированные (Каплан — Мейер)."),
        Mistake(name="reached_mean", value=lambda: _go_live_mid("reached_mean"),
                hint="Это среднее по запущенным клиентам: оно теряет тех, кто ещё не запущен, а у сроков с длинным хвостом "
                     "описывает «типичного» клиента хуже медианы. Нужна медиана по Каплану — Мейеру."),
        Mistake(name="censored_as_events", value=lambda: _go_live_mid("plain_median"),
                hint="Вы посчитали обычную медиану по всем клиентам, как будто не запущенные запустились в день среза. "
                     "Это тоже занижает срок: передайте в cycle.km_median признак reached, а не единицы."),
        Mistake(name="from_handoff", value=lambda: _go_live_mid(origin="handoff_date"),
                hint="Дни отсчитаны от передачи в CS (handoff_date), а время до запуска считают от подписания договора "
                     "(close_date): клиент ждёт с того дня, как заплатил."),
    ],
    correct_message=lambda: (
        "Медиана по Каплану — Мейеру заметно больше медианы по уже запущенным: "
        f"{fmt.pct(_not_live_share_mid(), 0)} клиентов mid-market к концу данных ещё не запущены, и это самые медленные."),
)


# ---------------------------------------------------------------------------
# Упражнение 2: ранний отток по статусу внедрения — ориентирный анализ
# ---------------------------------------------------------------------------


_HORIZON = f"{onboarding.EARLY_CHURN_HORIZON_DAYS}\u00a0дней"


def _churn_ratio(kind: str = "landmark", segment: str | None = "smb") -> float:
    m, h, a = _tables()
    s = onboarding.landmark_status(m, h, a)
    if segment is not None:
        s = s[s["segment"] == segment]
    group, outcome = "onboarded", "early_churn"
    if kind == "landmark":
        base = s[s["alive_at_landmark"] & s["window_seen"]]
    elif kind == "with_dead":
        base = s[s["window_seen"]]
    elif kind == "no_window":
        base = s[s["alive_at_landmark"]]
    elif kind == "all_churn":
        base, outcome = s[s["alive_at_landmark"] & s["window_seen"]], "churned"
    else:
        raise ValueError(kind)
    rates = base.groupby(group)[outcome].mean()
    return float(rates[False] / rates[True])


q2 = Exercise(
    id="ch09.onboarding.q2",
    title="Во сколько раз чаще уходят не запущенные к 90-му дню (ориентирный анализ)",
    var="churn_ratio",
    expected=_churn_ratio,
    compare=Number(rel_tol=0.005),
    hints=[
        "onboarding.landmark_status(milestones, handoffs, accounts) — статус на 90-й день (onboarded) и флаги по каждому "
        "клиенту; оставьте SMB.",
        "Сравнивают только тех, кто на 90-й день ещё платил (alive_at_landmark) и у кого окно "
        f"{_HORIZON} уже закончилось (window_seen); исход — early_churn. Ответ — доля ушедших у не запущенных / у запущенных.",
    ],
    mistakes=[
        Mistake(name="with_dead", value=lambda: _churn_ratio("with_dead"),
                hint="В сравнение попали клиенты, ушедшие до 90-го дня. Статуса на 90-й день у них нет: ушедший на 60-й "
                     "день до ориентира не дожил, а его уход попал в одну из групп. Оставьте только тех, кто на 90-й день "
                     "ещё платил (alive_at_landmark), а статус берите на 90-й день (onboarded)."),
        Mistake(name="no_window", value=lambda: _churn_ratio("no_window"),
                hint=f"В сравнение попали клиенты, у которых окно раннего оттока ({_HORIZON}) ещё не закончилось: "
                     "«не ушёл» у них значит «ещё не успел». Оставьте window_seen."),
        Mistake(name="all_churn", value=lambda: _churn_ratio("all_churn"),
                hint=f"Исход — уход когда-либо (churned), а не в первые {_HORIZON}: у ранних когорт было больше времени "
                     "уйти, и окна у клиентов разные. Возьмите early_churn."),
        Mistake(name="pooled", value=lambda: _churn_ratio(segment=None),
                hint="Вы смешали сегменты: ранний отток почти весь в SMB, а базовый отток и доля запущенных к 90-му дню "
                     "в сегментах разные — смесь сдвигает отношение. Сравнивайте внутри SMB."),
        Mistake(name="inverted", value=lambda: 1 / _churn_ratio(),
                hint="Отношение перевёрнуто: нужна доля ушедших у не запущенных, делённая на долю у запущенных."),
    ],
    correct_message="Разница большая и интервалы не перекрываются, но это связь, а не эффект: быстрее запускаются "
                    "клиенты, которым продукт подошёл с самого начала (в данных это заложено через их «здоровье»). "
                    "Эффект ускорения запуска меряют экспериментом.",
)


# ---------------------------------------------------------------------------
# Упражнение 3: плановый запуск enterprise с поручением по 152-ФЗ
# ---------------------------------------------------------------------------


def dpa_plan(depends: bool = True, after: str = "kickoff") -> pd.DataFrame:
    """План enterprise с вехой «поручение на обработку ПДн подписано» (DPA_DAYS дней после ``after``)."""
    plan = onboarding.plan_table("enterprise")
    dpa = pd.DataFrame([{"milestone": "dpa_signed", "owner_role": "client_legal", "duration_days": DPA_DAYS,
                         "depends_on": after}])
    plan = pd.concat([plan, dpa], ignore_index=True)
    if depends:
        plan.loc[plan["milestone"] == "data_migration", "depends_on"] = "admin_setup, dpa_signed"
    return plan


def _go_live_days(kind: str = "right") -> float:
    if kind == "sum_all":
        return float(dpa_plan()["duration_days"].sum())
    plan = dpa_plan(depends=kind != "no_dependency", after="" if kind == "from_handoff" else "kickoff")
    s = onboarding.schedule(plan)
    if kind == "go_live_start":
        return float(s.loc["go_live", "early_start"])
    return float(s["early_finish"].max())


q3 = Exercise(
    id="ch09.onboarding.q3",
    title="Успеет ли enterprise-клиент запуститься к сроку с поручением по 152-ФЗ",
    var="go_live_days",
    expected=_go_live_days,
    compare=Number(rel_tol=0.001),
    hints=[
        f"Добавьте в план enterprise строку dpa_signed (владелец client_legal, {DPA_DAYS}\u00a0дней, после kickoff) и "
        "допишите её в depends_on вехи data_migration через запятую: \"admin_setup, dpa_signed\".",
        "onboarding.schedule(план) считает ранние сроки; плановый запуск — наибольший early_finish (день окончания go_live).",
    ],
    mistakes=[
        Mistake(name="sum_all", value=lambda: _go_live_days("sum_all"),
                hint="Вы сложили длительности всех вех. Многие вехи идут параллельно (интеграции, перенос данных, "
                     "обучение): срок задаёт самая длинная цепочка зависимостей — критический путь."),
        Mistake(name="no_dependency", value=lambda: _go_live_days("no_dependency"),
                hint="Веха поручения есть, но перенос данных от неё не зависит — тогда она ничего не сдвигает. Перенос "
                     "истории обращений с персональными данными начинают только после подписанного поручения: допишите "
                     "dpa_signed в depends_on вехи data_migration."),
        Mistake(name="from_handoff", value=lambda: _go_live_days("from_handoff"),
                hint="Поручение у вас начинается в день передачи, а по условию юристы клиента подключаются после стартовой "
                     "встречи: depends_on вехи dpa_signed — kickoff."),
        Mistake(name="go_live_start", value=lambda: _go_live_days("go_live_start"),
                hint="Это день начала вехи go_live. Запуск — день её окончания (early_finish)."),
    ],
    correct_message=lambda: (
        f"Плановый запуск — через {fmt.number(_go_live_days())} дней после передачи, позже срока клиента "
        f"({CLIENT_DEADLINE_DAYS}\u00a0дней): поручение вытеснило интеграции с критического пути. Решение — подписать "
        "поручение вместе с договором: типовое, раздел или приложение договора, а если клиент требует своё — согласовать "
        "его ещё на стадии сделки (AE и юристы клиента). Тогда перенос данных снова не на критическом пути."),
)


def dpa_in_sales_go_live() -> float:
    """Плановый запуск, если поручение подписано до передачи в CS (веха без длительности после старта)."""
    plan = dpa_plan()
    plan.loc[plan["milestone"] == "dpa_signed", ["duration_days", "depends_on"]] = [0, ""]
    return float(onboarding.schedule(plan)["early_finish"].max())


quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Из 200 клиентов 150 уже запущены, медиана их срока — 50\u00a0дней. Что можно сказать о медиане "
            "времени до запуска всех 200 клиентов?",
            (
                Option("Она тоже 50\u00a0дней", False,
                       "Не запущенные к концу данных — самые медленные; выбросив их, вы занижаете срок."),
                Option("Она не меньше и обычно больше: её считают по Каплану — Мейеру, учитывая не запущенных как "
                       "цензурированных", True,
                       "Цензурированный клиент сообщает «дольше, чем мы видели» — это информация, а не пропуск."),
                Option("Нужно посчитать среднее по 150 запущенным — оно точнее медианы", False,
                       "Среднее по дошедшим теряет тех же медленных клиентов, а у сроков с длинным хвостом ещё и хуже "
                       "описывает типичного клиента."),
            ),
        ),
        Question(
            f"Клиенты SMB, запущенные к 90-му дню, уходят в первые {_HORIZON} заметно реже остальных (ориентирный "
            "анализ, интервал разницы не включает ноль). Что делать руководителю CS?",
            (
                Option("Сократить срок запуска — отток упадёт на ту же разницу", False,
                       "Это связь, а не эффект: быстрее запускаются клиенты, которым продукт подошёл с самого начала."),
                Option("Считать статус запуска сигналом риска и проверить пользу ускорения экспериментом", True,
                       "Например, по жребию дать половине новых клиентов SMB персональную сессию настройки на первой "
                       "неделе, а другой половине — только цифровое внедрение, и сравнить запуск и ранний отток групп."),
                Option("Ничего: раз это не эффект, статус запуска бесполезен", False,
                       "Как сигнал риска он полезен: не запущенный к 90-му дню клиент уходит чаще, кто бы ни был "
                       "причиной, — с ним стоит поговорить."),
            ),
        ),
        Question(
            "Клиент SMB платит за год вперёд. Какой ранний отток для него имеет смысл считать?",
            (
                Option("Уход в первые 90 дней", False,
                       "Год оплачен вперёд, и разочарованный клиент обычно просто не продлевает договор (в наших данных "
                       "годовой клиент уходит только в месяц продления). Уход за 90\u00a0дней почти ничего не покажет; ранний "
                       "сигнал у годового клиента — падение активности операторов."),
                Option("Уход до конца первого продления — окно, в которое попадает месяц продления", True,
                       f"Поэтому в разделе окно — {_HORIZON} от подписания: первый год и месяц продления."),
                Option("Месячный отток, как у помесячного тарифа", False,
                       "У годового договора риск сосредоточен в месяце продления; месячная ставка его размазывает."),
            ),
        ),
        Question(
            "«Сфера Софт» переносит в «Сферу Деск» историю обращений покупателей клиента. Кто оператор персональных "
            "данных этих покупателей?",
            (
                Option("«Сфера Софт»: данные лежат у неё", False,
                       "Хранение не делает оператором: цели и состав обработки определяет клиент."),
                Option("Клиент; «Сфера Софт» обрабатывает данные по его поручению (ч.\u00a03 ст.\u00a06 закона 152-ФЗ)", True,
                       "Поручение перечисляет действия и цели, обязывает хранить конфиденциальность и защищать данные; "
                       "перед покупателями отвечает клиент (ч.\u00a05 ст.\u00a06). Обычно поручение — раздел типового договора."),
                Option("Никто: это служебные данные", False,
                       "Имена, телефоны и переписка покупателей — персональные данные."),
            ),
        ),
    ],
)
