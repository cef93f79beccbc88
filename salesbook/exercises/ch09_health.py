"""Упражнения раздела 9.2 «Health scoring и предотвращение оттока».

Упражнения 1–4 и ``quiz`` — часть 1 (признаки на дату среза, модель, проверка на будущем оттоке,
мощность CSM), 5–8 и ``quiz_save`` — часть 2 (сценарий спасения и контрольная группа). Эталоны
считают ``salesbook.toolkit.health``, ``lead_scoring`` и ``experiments``; каждая типичная ошибка —
тот же расчёт с одной ошибкой. Модель обучается один раз и кэшируется.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, experiments, retention, roles, sales_scripts
from salesbook.toolkit import health as H
from salesbook.toolkit import lead_scoring as ls

SECTION = "ch09.health"
TITLE = "9.2. Health scoring и предотвращение оттока"

#: Срез упражнения 1 и порог просрочки, дней (допущение раздела: «больше двух рабочих недель»).
Q1_CUTOFF = "2025-07-01"
LATE_DAYS = 10
#: Эффект, который хотят уметь заметить в упражнении 7: отток отмеченных клиентов ниже на четверть
#: (допущение раздела — порядок обещаний поставщиков CS-платформ, не измерение).
RELATIVE_EFFECT = 0.25
#: Часы CSM на один сценарий спасения: подготовка, встреча, договорённости и повторный звонок
#: (допущение раздела), и сколько месяцев выручки даёт удержанный клиент (год до следующего решения).
PLAY_HOURS = 4.0
SAVED_MONTHS = 12


def _tables():
    return (table("mrr"), table("accounts"), table("product_usage"), table("support_tickets"), table("invoices"))


@lru_cache(maxsize=None)
def frames(at_risk_only: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Срезы обучения (2024) и проверки (2025)."""
    return (H.snapshots(H.TRAIN_CUTOFFS, *_tables(), at_risk_only=at_risk_only),
            H.snapshots(H.TEST_CUTOFFS, *_tables(), at_risk_only=at_risk_only))


@lru_cache(maxsize=None)
def scores(on: str = "test") -> pd.Series:
    """Вероятность ухода по модели, обученной на срезах 2024 года (клиенты в зоне риска)."""
    train, test = frames()
    target = {"test": test, "train": train, "all": frames(False)[1]}[on]
    return H.fit_predict(train, target)


def capacity() -> dict:
    """Мощность CSM на каждый срез 2025 года (сценариев за квартал)."""
    return {pd.Timestamp(c): H.csm_capacity(table("reps"), c) for c in H.TEST_CUTOFFS}


# ---------------------------------------------------------------------------
# 1. Просрочка счёта на дату среза
# ---------------------------------------------------------------------------


def _late_share(leak: bool = False, unpaid_zero: bool = False, at_risk: bool = True) -> float:
    cut = pd.Timestamp(Q1_CUTOFF)
    base = H.customers_at(table("mrr"), cut)
    if at_risk:
        base = base[base["at_risk"]]
    inv = table("invoices")
    inv = inv[(inv["issue_date"] < cut) & (inv["due_date"] < cut) & (inv["due_date"] >= cut - pd.Timedelta(days=365))]
    inv = inv.sort_values(["due_date", "issue_date"], kind="stable")
    if leak:
        paid = inv["paid_date"]                      # дата оплаты из будущего
    else:
        known = inv["paid_date"].notna() & (inv["paid_date"] < cut)
        paid = inv["paid_date"].where(known, pd.NaT if unpaid_zero else cut)
    late = (paid - inv["due_date"]).dt.days.clip(lower=0).fillna(0)
    last = late.groupby(inv["account_id"]).last()
    return float((base["account_id"].map(last).fillna(0) > LATE_DAYS).mean())


q1 = Exercise(
    id="ch09.health.q1",
    title="Просрочка последнего счёта на 1 июля 2025 года",
    var="late_share",
    expected=_late_share,
    compare=Number(rel_tol=0.01),
    hints=[
        "Клиенты — `health.customers_at(mrr, '2025-07-01')`, только в зоне риска (`at_risk`). Счета — выставленные до среза, "
        "срок оплаты которых наступил за год до среза.",
        "Просрочка на дату среза: если оплачен до среза — дни от due_date до paid_date; если к срезу не оплачен — дни от "
        "due_date до среза (оплата позже ещё не известна). У каждого клиента — последний по сроку счёт; доля клиентов с "
        "просрочкой больше 10 дней, долей от 0 до 1.",
    ],
    mistakes=[
        Mistake(name="leak", value=lambda: _late_share(leak=True),
                hint="Вы взяли дату оплаты, которой 1 июля ещё не было: счёт, оплаченный в августе, в день среза был просто "
                     "просрочен, а неоплаченный — тем более. Признак должен знать только то, что известно в день среза."),
        Mistake(name="unpaid_zero", value=lambda: _late_share(unpaid_zero=True),
                hint="Неоплаченные к срезу счета у вас не просрочены. Счёт, срок которого прошёл, а денег нет, — самый "
                     "сильный сигнал: его просрочка — дни от срока до даты среза."),
        Mistake(name="all_customers", value=lambda: _late_share(at_risk=False),
                hint="Доля посчитана по всем клиентам. Просим по клиентам в зоне риска: кто может уйти в квартале (at_risk)."),
    ],
    correct_message=lambda: f"{fmt.pct(_late_share())} клиентов в зоне риска на 1 июля 2025 года затянули последний "
                            "счёт больше чем на 10 дней. Дальше — проверить, предсказывает ли это уход, и помнить о госзаказчиках.",
)

# ---------------------------------------------------------------------------
# 2. AUC модели на срезах 2025 года
# ---------------------------------------------------------------------------


def model_auc(on: str = "test") -> float:
    train, test = frames()
    target = {"test": test, "train": train, "all": frames(False)[1]}[on]
    return ls.auc(target["churned"], scores(on))


q2 = Exercise(
    id="ch09.health.q2",
    title="AUC модели здоровья на оттоке 2025 года",
    var="auc_2025",
    expected=model_auc,
    compare=Number(rel_tol=0.005),
    hints=[
        "Обучите модель на срезах 2024 года (`train`) и получите вероятности для срезов 2025 года (`test`): `health.fit_predict(train, test)`.",
        "AUC — `lead_scoring.auc(test['churned'], p)`: доля пар «ушедший — оставшийся», где у ушедшего оценка выше.",
    ],
    mistakes=[
        Mistake(name="train_period", value=lambda: model_auc("train"),
                hint="Это AUC на тех же срезах 2024 года, на которых модель училась: она видела этих клиентов и их исходы. "
                     "Качество меряют на следующем периоде — на срезах 2025 года."),
        Mistake(name="all_customers", value=lambda: model_auc("all"),
                hint="Вы оценили модель на всех клиентах 2025 года, в том числе на годовых договорах без продления в квартале: "
                     "они уйти не могут, и сравнение с ними ничего не говорит о модели. Берите клиентов в зоне риска."),
        Mistake(name="random_split", matches=lambda a: a >= 0.9,
                hint="Так высоко AUC бывает при случайном разбиении строк: один и тот же клиент попадает и в обучение, и в "
                     "проверку (разными кварталами), и модель узнаёт его, а не предсказывает. Делите по времени: 2024 → 2025."),
    ],
    correct_message=lambda: f"AUC {fmt.number(model_auc(), 2)}: модель упорядочивает клиентов 2025 года заметно лучше монетки. "
                            "Интервал — бутстрепом (в тексте раздела).",
)

# ---------------------------------------------------------------------------
# 3–4. Сколько ушедших достанется CSM и во сколько раз это лучше случайного обзвона
# ---------------------------------------------------------------------------


def _all_csm_capacity() -> int:
    reps = table("reps")
    return int(round((reps["role"] == "CSM").sum() * H.SAVE_PLAYS_PER_CSM_WEEK * H.WEEKS_PER_QUARTER))


def reached(k="capacity") -> pd.Series:
    _, test = frames()
    kk = capacity() if k == "capacity" else k
    return H.top_k_total(H.top_k(test, scores(), kk))


def _flagged() -> pd.Series:
    _, test = frames()
    return H.old_rule(test)


q3 = Exercise(
    id="ch09.health.q3",
    title="Скольких будущих ушедших обзвонит команда CSM",
    var="caught",
    expected=lambda: float(reached()["caught"]),
    compare=Number(rel_tol=0, abs_tol=0.5),
    hints=[
        "Мощность каждого квартала — `health.csm_capacity(reps, срез)`: CSM в штате в день среза × 1 встреча в неделю × 13 недель.",
        "В каждом срезе 2025 года возьмите столько клиентов с самой высокой вероятностью ухода, сколько успеет команда "
        "(`health.top_k(test, p, k)`), и сложите ушедших среди взятых по четырём кварталам (`health.top_k_total`).",
    ],
    mistakes=[
        Mistake(name="no_capacity", value=lambda: float(frames()[1]["churned"][_flagged()].sum()),
                hint="Это ушедшие среди всех, кого отмечает старое правило. Но столько клиентов команда не обзвонит: "
                     "ограничение — часы CSM, а не длина красного списка."),
        Mistake(name="all_csm", value=lambda: float(reached(_all_csm_capacity())["caught"]),
                hint="Мощность посчитана по всем CSM в таблице reps, включая уволившихся и ещё не нанятых. Берите тех, кто "
                     "работал в день среза."),
    ],
    correct_message=lambda: f"Команда обзвонит {fmt.number(reached()['caught'])} из {fmt.number(reached()['churned'])} будущих "
                            "ушедших — не всех: остальные не влезли в мощность или модель поставила их ниже.",
)


def _lift(kind: str = "right") -> float:
    r = reached()
    if kind == "difference":
        return float(r["precision"] - r["base_rate"])
    if kind == "precision":
        return float(r["precision"])
    if kind == "all_flagged":
        _, test = frames()
        f = _flagged()
        return float(test.loc[f, "churned"].mean() / test["churned"].mean())
    return float(r["lift"])


q4 = Exercise(
    id="ch09.health.q4",
    title="Лифт верхушки списка при мощности CSM",
    var="lift_top",
    expected=_lift,
    compare=Number(rel_tol=0.01),
    hints=[
        "Точность верхушки — ушедшие среди обзвоненных / обзвонено; базовая доля — ушедшие / все клиенты в зоне риска.",
        "Лифт = точность / базовая доля, по сумме четырёх кварталов 2025 года (`health.top_k_total`: столбец lift).",
    ],
    mistakes=[
        Mistake(name="difference", value=lambda: _lift("difference"),
                hint="Вы вычли базовую долю из точности. Лифт — отношение: во сколько раз среди обзвоненных ушедших больше, чем в среднем."),
        Mistake(name="precision", value=lambda: _lift("precision"),
                hint="Это точность верхушки, а не лифт: разделите её на базовую долю ушедших среди всех клиентов в зоне риска."),
        Mistake(name="all_flagged", value=lambda: _lift("all_flagged"),
                hint="Это лифт всего списка старого правила. CSM обзвонит не весь список, а верхушку по мощности — считайте по ней."),
    ],
    correct_message=lambda: f"Лифт {fmt.number(_lift(), 1)}: среди обзвоненных ушедших в {fmt.number(_lift(), 1)} раза больше, "
                            "чем среди всех клиентов в зоне риска. Это и есть польза модели для команды CSM.",
)

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Модель здоровья на случайных 30 % строк-кварталов дала AUC 0,92, а на кварталах следующего года — 0,83. Какой цифре верить?",
            (
                Option("0,92: выборка случайная, значит, несмещённая", False,
                       "Случайное разбиение кладёт одного клиента и в обучение, и в проверку — модель узнаёт клиента, а не предсказывает."),
                Option("0,83: так модель и будут применять — к следующим кварталам", True,
                       "Проверка по времени воспроизводит работу: учимся на прошлом, ранжируем будущее."),
                Option("Среднему: 0,875", False, "Одна из оценок смещена; среднее со смещённой оценкой — тоже смещённое."),
            ),
        ),
        Question(
            "Почему годовых клиентов без продления в квартале убирают из оценки модели?",
            (
                Option("Они всё равно не уходят, и модель, угадывающая это, выглядит лучше, чем есть", True,
                       "Годовой договор уходит только в месяц продления: включив их, мы хвалим модель за знание календаря договоров."),
                Option("Чтобы выборка была меньше и считалось быстрее", False, "Дело не в скорости: такие клиенты не могут уйти в окне."),
                Option("Их не нужно убирать: чем больше клиентов, тем точнее AUC", False,
                       "Больше строк — уже интервал, но не честнее оценка: исход этих клиентов известен заранее."),
            ),
        ),
        Question(
            "Госзаказчик платит счёт через месяц после срока. Что это говорит о риске его ухода?",
            (
                Option("Высокий риск: просрочка — сильный сигнал", False,
                       "Госзаказчик платит по процедуре (приёмка, казначейство), а не по настроению: просрочка у него — норма."),
                Option("Почти ничего: у госсектора просрочка объясняется процедурой оплаты, сравнивать его надо с другими госзаказчиками", True,
                       "Это смешение: отрасль меняет и просрочку, и, возможно, отток. Признак читают внутри отрасли или с поправкой на неё."),
                Option("Что клиент точно останется", False, "Просрочка по процедуре не говорит и об обратном."),
            ),
        ),
    ],
)

# ---------------------------------------------------------------------------
# Часть 2. Сценарий спасения и контрольная группа
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def plays() -> pd.DataFrame:
    return H.play_outcomes(table("save_plays"), table("accounts"))


def _rate(mask) -> float:
    return float(plays().loc[mask, "churned"].mean())


def naive_gap(kind: str = "difference", programs=("csm_choice",)) -> float:
    p = plays()
    sel = p["program"].isin(list(programs))
    play, control = _rate(sel & p["group"].eq("play")), _rate(sel & p["group"].eq("control"))
    return play / control if kind == "ratio" else play - control


q5 = Exercise(
    id="ch09.health.q5",
    title="«Мы спасли тех, кому позвонили»: наивная разница 2024 года",
    var="naive_diff",
    expected=naive_gap,
    compare=Number(rel_tol=0.01),
    hints=[
        "Возьмите журнал 2024 года (`program == 'csm_choice'`) с исходом: `health.play_outcomes(save_plays, accounts)`.",
        "Доля ушедших в группе play минус доля в группе control — в долях (−0,05 — на 5 п. п. меньше).",
    ],
    mistakes=[
        Mistake(name="ratio", value=lambda: naive_gap("ratio"),
                hint="Это отношение долей. Просим разность: доля ушедших среди тех, кому звонили, минус доля среди остальных."),
        Mistake(name="pooled_years", value=lambda: naive_gap(programs=("csm_choice", "rct")),
                hint="Вы смешали журнал 2024 года (CSM выбирали сами) и эксперимент 2025 года. Наивная разница — только 2024 год."),
    ],
    correct_message="Разница большая и «в пользу» звонка. Но в 2024 году CSM сами выбирали, кому звонить, — проверьте, "
                    "кого они выбирали, прежде чем записывать спасённых на свой счёт.",
)


def itt(kind: str = "itt") -> float:
    p = plays()
    r = p[p["program"].eq("rct")]
    if kind == "per_protocol":
        return float(r.loc[r["reached"], "churned"].mean() - r.loc[r["group"].eq("control"), "churned"].mean())
    if kind == "reached_vs_not":
        play = r[r["group"].eq("play")]
        return float(play.loc[play["reached"], "churned"].mean() - play.loc[~play["reached"], "churned"].mean())
    return float(r.loc[r["group"].eq("play"), "churned"].mean() - r.loc[r["group"].eq("control"), "churned"].mean())


q6 = Exercise(
    id="ch09.health.q6",
    title="Эффект сценария в случайном эксперименте 2025 года",
    var="itt_diff",
    expected=itt,
    compare=Number(rel_tol=0.01),
    hints=[
        "Возьмите эксперимент 2025 года (`program == 'rct'`). Сравнивайте группы так, как их назначил жребий: `group`.",
        "Доля ушедших в группе play (всех назначенных, дозвонились или нет) минус доля в группе control, в долях.",
    ],
    mistakes=[
        Mistake(name="per_protocol", value=lambda: itt("per_protocol"),
                hint="Вы сравнили тех, до кого дозвонились, с контролем. Дозвон — не жребий: до «больных» клиентов дозвониться "
                     "труднее, и отбор возвращается. Сравнивайте по назначенной группе (intention-to-treat)."),
        Mistake(name="reached_vs_not", value=lambda: itt("reached_vs_not"),
                hint="Вы сравнили дозвонившихся с недозвонившимися внутри группы сценария — это снова сравнение, которое сделал "
                     "не жребий. Контроль — группа control."),
        Mistake(name="naive_2024", value=lambda: naive_gap(),
                hint="Это наивная разница 2024 года, где CSM выбирали сами. Нужна разница эксперимента 2025 года."),
    ],
    correct_message="Оценка эффекта по жребию — вокруг нуля, и её интервал (в тексте) широкий: эксперимент не показал, что "
                    "сценарий снижает отток. Обратите внимание и на знак — шум на трёх сотнях клиентов бывает любым.",
)


def control_rate(program: str = "rct") -> float:
    p = plays()
    return float(p.loc[p["program"].eq(program) & p["group"].eq("control"), "churned"].mean())


def sample_size(base: str = "rct", total: bool = False, alternative: str = "two-sided") -> float:
    p1 = control_rate("rct" if base == "rct" else "csm_choice")
    n = experiments.sample_size_pooled(p1, p1 * (1 - RELATIVE_EFFECT), alternative=alternative)
    return float(n * (2 if total else 1))


q7 = Exercise(
    id="ch09.health.q7",
    title="Сколько клиентов нужно эксперименту",
    var="n_per_group",
    expected=sample_size,
    compare=Number(rel_tol=0.03),
    hints=[
        "Базовая доля — отток контрольной группы эксперимента 2025 года. Цель — отток ниже на четверть: p2 = p1 × (1 − 0,25).",
        "`experiments.sample_size_pooled(p1, p2)` — клиентов на одну группу при α = 0,05 и мощности 80 %, двусторонний тест.",
    ],
    mistakes=[
        Mistake(name="total", value=lambda: sample_size(total=True),
                hint="Это клиентов на обе группы вместе. Формула даёт размер одной группы."),
        Mistake(name="one_sided", value=lambda: sample_size(alternative="larger"),
                hint="Вы взяли односторонний тест. Сценарий может и навредить (раздражённый клиент уходит быстрее) — проверяют "
                     "в обе стороны."),
        Mistake(name="base_2024", value=lambda: sample_size(base="csm_choice"),
                hint="Базовая доля взята из контроля 2024 года — туда попали клиенты, которым CSM не стали звонить, и они "
                     "«больнее» среднего. Базу берут из контроля эксперимента."),
    ],
    correct_message=lambda: f"Около {fmt.number(sample_size())} клиентов в каждой группе — в несколько раз больше, чем отмечено "
                            "за весь 2025 год. Такой эффект на нашей базе за год не увидеть.",
)


def breakeven() -> float:
    """Порог пользы сценария: на сколько (долей) он должен снизить отток, чтобы окупить время CSM."""
    loaded = roles.loaded_cost(table("sm_costs"), table("reps"), *course.YEAR_2025).loc["CSM", "loaded_pm"]
    cost = float(sales_scripts.time_cost(loaded, PLAY_HOURS * 60))
    p = plays()
    r = p[p["program"].eq("rct")]
    mrr = table("mrr")
    prev = mrr.assign(flag_date=mrr["month"] + pd.DateOffset(months=1))[["flag_date", "account_id", "mrr_rub"]]
    mean_mrr = float(r.merge(prev, on=["flag_date", "account_id"], how="left")["mrr_rub"].mean())
    margin = retention.gross_margin(table("cogs"), retention.b2b_revenue(mrr), *course.YEAR_2025)
    return cost / (mean_mrr * SAVED_MONTHS * margin)


def rct_interval(program: str = "rct") -> tuple[float, float]:
    """95-процентный интервал Ньюкомба для снижения оттока (контроль − сценарий), в долях."""
    p = plays()
    r = p[p["program"].eq(program)]
    g = H.compare_groups(r)
    return float(-g.loc["difference", "high"]), float(-g.loc["difference", "low"])


def decision(program: str = "rct") -> str:
    low, high = rct_interval(program)
    return experiments.decide(low, high, breakeven())


DECISION_LABELS = {"launch": "масштабировать сценарий", "no_launch": "не масштабировать", "more_data": "нужно больше данных"}

q8 = Exercise(
    id="ch09.health.q8",
    title="Масштабировать ли сценарий спасения",
    var="decision_2025",
    expected=decision,
    compare=Choice(list(experiments.DECISIONS), labels=DECISION_LABELS),
    hints=[
        "Эффект — снижение оттока: доля ушедших в контроле минус в группе сценария (эксперимент 2025 года), с 95-процентным "
        "интервалом Ньюкомба (`health.compare_groups`, строка difference — поменяйте знак и местами границы).",
        "Порог пользы — во сколько долей сценарий должен снизить отток, чтобы окупить 4 часа CSM (в тексте раздела). "
        "`experiments.decide(низ, верх, порог)`.",
    ],
    mistakes=[
        Mistake(name="naive", matches=lambda a: a == decision("csm_choice") != decision(),
                hint="Это решение по журналу 2024 года, где CSM выбирали сами: «эффект» там — отбор. Решают по эксперименту."),
        Mistake(name="launch", matches=lambda a: a == "launch" != decision(),
                hint="Масштабируют, когда весь интервал снижения оттока выше порога пользы. Здесь он даже не целиком выше нуля."),
    ],
    correct_message="Даже верхняя граница интервала ниже порога, при котором сценарий окупает время CSM: в таком виде "
                    "масштабировать его незачем. Дальше — менять сам сценарий и проверять следующий вариант на большей выборке.",
)

quiz_save = Quiz(
    id=f"{SECTION}.save",
    questions=[
        Question(
            "CSM позвонили 60 клиентам из красного списка, ушли 8 %; из тех, кому не звонили, — 21 %. Что можно утверждать?",
            (
                Option("Звонок снижает отток на 13 п. п.", False,
                       "Кому звонить, выбирали CSM — а они звонят тем, кто отвечает и с кем проще: такие клиенты и так уходят реже."),
                Option("Ничего определённого об эффекте звонка: группы различались до звонка", True,
                       "Это отбор (selection bias). Эффект покажет только сравнение групп, которые разделил жребий."),
                Option("Звонок бесполезен", False, "И этого по такому сравнению не сказать: без контрольной группы эффект неизвестен в обе стороны."),
            ),
        ),
        Question(
            "В эксперименте до части клиентов группы сценария не дозвонились. Как сравнивать?",
            (
                Option("Только дозвонившихся с контролем — остальные сценарий не получили", False,
                       "Дозвон зависит от клиента: «больные» берут трубку реже. Сравнение снова смещено отбором."),
                Option("Всех назначенных в группу сценария со всем контролем (intention-to-treat)", True,
                       "Так сохраняется то, что дал жребий; эффект получается «эффектом назначения сценария» — ровно тем, что масштабируют."),
                Option("Исключить недозвонившихся из обеих групп", False, "В контроле не звонили никому — кого там исключать, неизвестно."),
            ),
        ),
        Question(
            "Интервал снижения оттока — от −14 до +2 п. п., а окупается сценарий при снижении от нескольких п. п. Решение?",
            (
                Option("Масштабировать: точка оценки не важна, главное — интервал содержит пользу", False,
                       "Интервал должен быть целиком выше порога пользы, а здесь и верхняя граница ниже него."),
                Option("Не масштабировать этот сценарий; менять его и проверять новый вариант на большей выборке", True,
                       "Даже лучший правдоподобный эффект не окупает время CSM. Нужен другой сценарий или другой отбор клиентов."),
                Option("Ждать ещё год того же эксперимента", False,
                       "Если даже верхняя граница ниже порога, ещё год того же сценария решение вряд ли поменяет; менять нужно сценарий."),
            ),
        ),
    ],
)
