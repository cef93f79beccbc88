"""Упражнения раздела 9.2 «Health scoring и предотвращение оттока».

Упражнения 1–4 и ``quiz`` — часть 1 (признаки на дату среза, модель, проверка на будущем оттоке,
пропускная способность CSM), 5–8 и ``quiz_save`` — часть 2 (сценарий спасения и контрольная группа). Эталоны
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
Q1_CUTOFF = "2025-06-01"
LATE_DAYS = 10
#: Эффект, который хотят уметь заметить в упражнении 7: отток отмеченных клиентов ниже на четверть
#: (круглое допущение для планирования, не измерение и не ориентир рынка).
RELATIVE_EFFECT = 0.25
#: Часы CSM на один сценарий спасения: подготовка, встреча, договорённости и повторный звонок
#: (допущение раздела), и сколько месяцев выручки даёт удержанный клиент (год до следующего решения).
PLAY_HOURS = 4.0
SAVED_MONTHS = 12


def _differs(answer: float, mistake: float, expected: float, tol: float = 0.01) -> bool:
    """Ответ совпал со значением типичной ошибки, а оно само отличается от эталона (на наших данных
    некоторые ошибки случайно дают тот же ответ — тогда подсказка не нужна)."""
    def close(a, b):
        return abs(a - b) <= max(tol * abs(b), 0.5 if tol == 0 else 0.0)
    return close(answer, mistake) and not close(mistake, expected)


#: Типичные ошибки, чьё значение на данных может случайно совпасть с эталоном: подсказка срабатывает,
#: только когда значение ошибки от эталона отличается (проверяет tests/test_ex_ch09_health.py).
GUARDED: dict[tuple[str, str], tuple] = {}


def _guarded(exercise_id: str, name: str, value, expected, hint: str, tol: float = 0.01) -> Mistake:
    GUARDED[(exercise_id, name)] = (value, expected, tol)
    return Mistake(name=name, matches=lambda a: _differs(a, value(), expected(), tol), hint=hint)


def _tables():
    return (table("mrr"), table("accounts"), table("product_usage"), table("support_tickets"), table("invoices"))


@lru_cache(maxsize=None)
def frames(at_risk_only: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Срезы обучения (окна 2024 года) и проверки (окна 2025 года)."""
    return (H.snapshots(H.TRAIN_CUTOFFS, *_tables(), at_risk_only=at_risk_only),
            H.snapshots(H.TEST_CUTOFFS, *_tables(), at_risk_only=at_risk_only))


@lru_cache(maxsize=None)
def scores(on: str = "test") -> pd.Series:
    """Вероятность ухода по модели, обученной на срезах обучения (клиенты с решением в окне)."""
    train, test = frames()
    target = {"test": test, "train": train, "all": frames(False)[1]}[on]
    return H.fit_predict(train, target)


def capacity() -> dict:
    """Сколько сценариев успевает команда CSM на каждый срез проверки (за квартал)."""
    return {pd.Timestamp(c): H.csm_capacity(table("reps"), c) for c in H.TEST_CUTOFFS}


# ---------------------------------------------------------------------------
# 1. Просрочка счёта на дату среза
# ---------------------------------------------------------------------------


def _late_share(leak: bool = False, unpaid_zero: bool = False, at_risk: bool = True, drop_no_invoice: bool = False) -> float:
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
    last = base["account_id"].map(late.groupby(inv["account_id"]).last())
    if drop_no_invoice:
        last = last.dropna()
    return float((last.fillna(0) > LATE_DAYS).mean())


q1 = Exercise(
    id="ch09.health.q1",
    title="Просрочка последнего счёта на 1 июня 2025 года",
    var="late_share",
    expected=_late_share,
    compare=Number(rel_tol=0.01),
    hints=[
        "Клиенты — `health.customers_at(mrr, '2025-06-01')`, только с решением в окне (`at_risk`). Счета — выставленные "
        "до среза, срок оплаты которых наступил за год до среза.",
        "Просрочка на дату среза: если оплачен до среза — дни от `due_date` до `paid_date`; если к срезу не оплачен — дни от "
        "`due_date` до среза (оплата позже ещё не известна). У каждого клиента — последний по сроку счёт; клиент без "
        "таких счетов — без просрочки. Доля клиентов с просрочкой больше 10 дней — число от 0 до 1.",
    ],
    mistakes=[
        _guarded("ch09.health.q1", "leak", lambda: _late_share(leak=True), _late_share, tol=0.01,
                hint="Вы взяли дату оплаты, которой 1 июня ещё не было: счёт, оплаченный в июле, в день среза был просто "
                     "просрочен, а неоплаченный — тем более. Признак должен знать только то, что известно в день среза."),
        _guarded("ch09.health.q1", "unpaid_zero", lambda: _late_share(unpaid_zero=True), _late_share, tol=0.01,
                hint="Неоплаченные к срезу счета у вас не просрочены. Счёт, срок которого прошёл, а денег нет, — самый "
                     "сильный сигнал: его просрочка — дни от срока до даты среза."),
        _guarded("ch09.health.q1", "all_customers", lambda: _late_share(at_risk=False), _late_share, tol=0.01,
                hint="Доля посчитана по всем клиентам. Просим по клиентам с решением в окне — кто может уйти в ближайшие "
                     "три месяца (`at_risk`)."),
        _guarded("ch09.health.q1", "drop_no_invoice", lambda: _late_share(drop_no_invoice=True), _late_share,
                hint="Клиенты без счетов с наступившим сроком выпали из знаменателя. Они тоже в списке CSM и считаются "
                     "без просрочки (0)."),
    ],
    correct_message=lambda: f"{fmt.pct(_late_share())} клиентов с решением в окне на 1 июня 2025 года затянули последний "
                            "счёт больше чем на 10 дней. Дальше — проверить, предсказывает ли это уход, и помнить о госзаказчиках.",
)

# ---------------------------------------------------------------------------
# 2. AUC модели на срезах проверки
# ---------------------------------------------------------------------------


def model_auc(on: str = "test") -> float:
    train, test = frames()
    target = {"test": test, "train": train, "all": frames(False)[1]}[on]
    return ls.auc(target["churned"], scores(on))


@lru_cache(maxsize=1)
def random_split_aucs() -> pd.Series:
    """AUC модели при 20 случайных разбиениях строк обучения и проверки вместе (ловушка раздела)."""
    train, test = frames()
    return H.split_aucs(pd.concat([train, test], ignore_index=True), n_splits=20)


def _random_split(a: float) -> bool:
    r = random_split_aucs()
    return a <= 1 and abs(a - model_auc()) > 0.005 and r.mean() - 2 * r.std() <= a <= r.mean() + 2 * r.std() \
        and abs(a - model_auc("train")) > 0.005


q2 = Exercise(
    id="ch09.health.q2",
    title="AUC модели здоровья на оттоке 2025 года",
    var="auc_2025",
    expected=model_auc,
    compare=Number(rel_tol=0.005),
    hints=[
        "Обучите модель на обучающих срезах (`train`) и получите вероятности для срезов проверки (`test`): "
        "`health.fit_predict(train, test)`.",
        "AUC — `lead_scoring.auc(test['churned'], p)`: доля пар «ушедший — оставшийся», где у ушедшего оценка выше. "
        "Ответ — доля от 0 до 1.",
    ],
    mistakes=[
        Mistake(name="percent", matches=lambda a: a > 1,
                hint="Похоже, ответ в процентах. AUC — доля от 0 до 1: 0,8, а не 80."),
        _guarded("ch09.health.q2", "train_period", lambda: model_auc("train"), model_auc, tol=0.005,
                hint="Это AUC на тех же срезах, на которых модель училась: она подогнана под эти исходы. "
                     "Качество проверяют на следующем периоде — на срезах проверки."),
        _guarded("ch09.health.q2", "all_customers", lambda: model_auc("all"), model_auc, tol=0.005,
                hint="Вы оценили модель на всех клиентах 2025 года, в том числе на годовых договорах без продления в окне: "
                     "они уйти не могут, и оценка смешивается с календарём договоров. Берите клиентов с решением в окне."),
        Mistake(name="random_split", matches=_random_split,
                hint="Похоже на случайное разбиение строк: в обучение попадает тот же 2025 год, что и в проверку, и модель "
                     "учится на периоде, который должна предсказывать. Делите по времени: обучение — раньше, проверка — позже."),
    ],
    correct_message=lambda: f"AUC {fmt.number(model_auc(), 2)}: модель упорядочивает клиентов 2025 года заметно лучше монетки. "
                            "Интервал — бутстрепом по клиентам (в тексте раздела).",
)

# ---------------------------------------------------------------------------
# 3–4. Сколько ушедших достанется CSM и во сколько раз это лучше случайного выбора
# ---------------------------------------------------------------------------


def _all_csm_capacity() -> int:
    reps = table("reps")
    return int(round((reps["role"] == "CSM").sum() * H.SAVE_PLAYS_PER_CSM_WEEK * H.WEEKS_PER_QUARTER))


def reached(k="capacity") -> pd.Series:
    _, test = frames()
    kk = capacity() if k == "capacity" else k
    return H.top_k_total(H.top_k(test, scores(), kk))


def _pooled_caught() -> float:
    """Ошибка: один общий список на все четыре среза вместо своего списка на каждый."""
    _, test = frames()
    top = scores().sort_values(ascending=False, kind="stable").index[: sum(capacity().values())]
    return float(test.loc[top, "churned"].sum())


def _flagged() -> pd.Series:
    _, test = frames()
    return H.old_rule(test)


q3 = Exercise(
    id="ch09.health.q3",
    title="Скольких будущих ушедших возьмёт команда CSM",
    var="caught",
    expected=lambda: float(reached()["caught"]),
    compare=Number(rel_tol=0, abs_tol=0.5),
    hints=[
        "Сколько успевает команда в каждом срезе — `health.csm_capacity(reps, срез)`: CSM в штате в день среза × 1 сценарий "
        "в неделю × 13 недель.",
        "В каждом срезе проверки возьмите столько клиентов с самой высокой вероятностью ухода, сколько успеет команда "
        "(`health.top_k(test, p, k)`), и сложите ушедших среди взятых по четырём срезам (`health.top_k_total`).",
    ],
    mistakes=[
        _guarded("ch09.health.q3", "no_capacity", lambda: float(frames()[1]["churned"][_flagged()].sum()),
                 lambda: float(reached()["caught"]), tol=0,
                hint="Это ушедшие среди всех, кого отмечает старое правило. Но стольких клиентов команда не возьмёт: "
                     "ограничение — часы CSM, а не длина красного списка."),
        _guarded("ch09.health.q3", "all_csm", lambda: float(reached(_all_csm_capacity())["caught"]), lambda: float(reached()["caught"]), tol=0,
                hint="Пропускная способность посчитана по всем CSM в таблице reps, включая уволившихся и ещё не нанятых. "
                     "Берите тех, кто работал в день среза."),
        _guarded("ch09.health.q3", "pooled", _pooled_caught, lambda: float(reached()["caught"]), tol=0,
                hint="Похоже, вы взяли верхушку одного общего списка за год. Команда работает поквартально: на каждый срез — "
                     "свой список и своё число клиентов (`health.top_k` со словарём «срез → число»)."),
    ],
    correct_message=lambda: f"Команда возьмёт {fmt.number(reached()['caught'])} из {fmt.number(reached()['churned'])} будущих "
                            "ушедших — не всех: остальные не влезли в часы команды или модель поставила их ниже.",
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
    if kind == "quarter_mean":
        _, test = frames()
        return float(H.top_k(test, scores(), capacity())["lift"].mean())
    return float(r["lift"])


q4 = Exercise(
    id="ch09.health.q4",
    title="Лифт верхушки списка",
    var="lift_top",
    expected=_lift,
    compare=Number(rel_tol=0.01),
    hints=[
        "Точность верхушки — ушедшие среди взятых / взято; базовая доля — ушедшие / все клиенты с решением в окне.",
        "Лифт = точность / базовая доля, по сумме четырёх срезов проверки (`health.top_k_total`: столбец lift).",
    ],
    mistakes=[
        Mistake(name="difference", value=lambda: _lift("difference"),
                hint="Вы вычли базовую долю из точности. Лифт — отношение: во сколько раз среди взятых ушедших больше, чем в среднем."),
        Mistake(name="precision", value=lambda: _lift("precision"),
                hint="Это точность верхушки, а не лифт: разделите её на базовую долю ушедших среди всех клиентов с решением в окне."),
        _guarded("ch09.health.q4", "all_flagged", lambda: _lift("all_flagged"), _lift, tol=0.01,
                hint="Это лифт всего списка старого правила. CSM возьмёт не весь список, а верхушку, которую успевает, — считайте по ней."),
        _guarded("ch09.health.q4", "quarter_mean", lambda: _lift("quarter_mean"), _lift,
                hint="Это среднее четырёх квартальных лифтов. Просим лифт по сумме четырёх срезов: сложите взятых, ушедших и "
                     "клиентов, потом делите (`health.top_k_total`)."),
    ],
    correct_message=lambda: f"Лифт {fmt.number(_lift(), 1)}: среди взятых ушедших в {fmt.number(_lift(), 1)} раза больше, "
                            "чем среди всех клиентов с решением в окне. Это и есть польза модели для команды CSM.",
)

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Модель здоровья на случайных 30\u00a0% строк-кварталов дала AUC заметно выше, чем на срезах следующего года. Какой цифре верить?",
            (
                Option("Случайному разбиению: выборка случайная, значит, несмещённая", False,
                       "При случайном разбиении модель учится на том же периоде, который проверяет, — время протекает в обучение."),
                Option("Следующему году: так модель и будут применять — к будущим кварталам", True,
                       "Проверка по времени воспроизводит работу: учимся на прошлом, ранжируем будущее."),
                Option("Среднему двух оценок", False, "Одна из оценок смещена; среднее со смещённой оценкой — тоже смещённое."),
            ),
        ),
        Question(
            "Почему годовых клиентов без продления в окне убирают из оценки модели?",
            (
                Option("Их исход известен заранее по календарю: оценка на них говорит о календаре договоров, а не о здоровье клиента", True,
                       "Модель без признака продления ошибается на них, и AUC падает; модель с таким признаком блестела бы за "
                       "счёт календаря. В обоих случаях это не умение ранжировать тех, кто может уйти."),
                Option("Чтобы выборка была меньше и считалось быстрее", False, "Дело не в скорости: такие клиенты не могут уйти в окне."),
                Option("Их не нужно убирать: чем больше клиентов, тем точнее AUC", False,
                       "Больше строк — уже интервал, но не честнее оценка: исход этих клиентов известен заранее."),
            ),
        ),
        Question(
            "Госзаказчик платит счёт через месяц после срока. Что это говорит о риске его ухода?",
            (
                Option("Высокий риск: просрочка — сильный сигнал", False,
                       "Госзаказчик платит по процедуре (приёмка, казначейство, лимиты): просрочка у него — обычное дело."),
                Option("Почти ничего: у госсектора просрочка объясняется процедурой оплаты, сравнивать его надо с другими госзаказчиками", True,
                       "Один признак значит разное в двух группах. Просрочку читают внутри отрасли, считают от даты приёмки "
                       "или дают модели взаимодействие «просрочка × госзаказчик»."),
                Option("Риск низкий: клиент точно останется", False, "Просрочка по процедуре не говорит и об обратном."),
            ),
        ),
        Question(
            "Модель поставила клиента первым в очереди с вероятностью ухода 0,27. Что ещё нужно CSM, чтобы начать разговор?",
            (
                Option("Ничего: вероятность и есть ответ", False,
                       "По одной цифре не понять, какой сценарий запускать: обучение операторов, разбор обращений или разговор об оплате."),
                Option("Причины: какие сигналы опустили клиента — использование, поддержка, опросы, платежи", True,
                       "Очередь строит модель, а к каждому клиенту прикладывают 2–3 причины, например самые слабые блоки индекса."),
                Option("Вероятность точнее, до трёх знаков", False, "Точность цифры не подскажет, о чём говорить с клиентом."),
            ),
        ),
    ],
)

# ---------------------------------------------------------------------------
# Часть 2. Сценарий спасения и контрольная группа
# ---------------------------------------------------------------------------


def _pp(v: float) -> str:
    """Доля → разность в процентных пунктах со знаком."""
    return H.pp(v)


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
        "Доля ушедших в группе play минус доля в группе control — в долях: −0,05 означает на 5\u00a0п.\u00a0п. меньше.",
    ],
    mistakes=[
        Mistake(name="ratio", value=lambda: naive_gap("ratio"),
                hint="Это отношение долей. Просим разность: доля ушедших среди тех, кому звонили, минус доля среди остальных."),
        _guarded("ch09.health.q5", "pooled_years", lambda: naive_gap(programs=("csm_choice", "rct")), naive_gap, tol=0.01,
                hint="Вы смешали журнал 2024 года (CSM выбирали сами) и эксперимент 2025 года. Наивная разница — только 2024 год."),
    ],
    correct_message=lambda: f"Разница {_pp(naive_gap())} «в пользу» звонка. Но в 2024 году CSM сами выбирали, кому звонить, — "
                            "проверьте, кого они выбирали, прежде чем записывать спасённых на свой счёт.",
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


def rct_interval(program: str = "rct") -> tuple[float, float]:
    """95-процентный интервал Ньюкомба для снижения оттока (контроль − сценарий), в долях."""
    p = plays()
    r = p[p["program"].eq(program)]
    g = H.compare_groups(r)
    return float(-g.loc["difference", "high"]), float(-g.loc["difference", "low"])


def _itt_message() -> str:
    low, high = rct_interval()
    covers = "захватывает ноль: эксперимент не показал, что сценарий меняет отток" if low < 0 < high else \
        "не захватывает ноль — но помните, что в наших данных эффект равен нулю по построению: так выглядит ложная тревога"
    return (f"Оценка по жребию — {_pp(itt())} (сценарий − контроль), 95-процентный интервал от {_pp(-high)} до {_pp(-low)} "
            f"{covers}. Знак точки на {fmt.plural(len(plays()[plays()['program'].eq('rct')]), 'клиенте', 'клиентах', 'клиентах')} "
            "ничего не значит: шум бывает любого знака.")


q6 = Exercise(
    id="ch09.health.q6",
    title="Эффект сценария в случайном эксперименте 2025 года",
    var="itt_diff",
    expected=itt,
    compare=Number(rel_tol=0.01),
    hints=[
        "Возьмите эксперимент 2025 года (`program == 'rct'`). Сравнивайте группы так, как их назначил жребий: `group`.",
        "Доля ушедших в группе play (всех назначенных — состоялась встреча или нет) минус доля в группе control, в долях.",
    ],
    mistakes=[
        _guarded("ch09.health.q6", "per_protocol", lambda: itt("per_protocol"), itt, tol=0.01,
                hint="Вы сравнили клиентов, с которыми встреча состоялась, с контролем. Встреча — не жребий: с «больными» "
                     "клиентами она срывается чаще, и отбор возвращается. Сравнивайте по назначенной группе (intention-to-treat)."),
        _guarded("ch09.health.q6", "reached_vs_not", lambda: itt("reached_vs_not"), itt, tol=0.01,
                hint="Вы сравнили клиентов со встречей и без неё внутри группы сценария — это снова сравнение, которое сделал "
                     "не жребий. Контроль — группа control."),
        _guarded("ch09.health.q6", "naive_2024", lambda: naive_gap(), itt, tol=0.01,
                hint="Это наивная разница 2024 года, где CSM выбирали сами. Нужна разница эксперимента 2025 года."),
    ],
    correct_message=_itt_message,
)


def control_rate(program: str = "rct") -> float:
    p = plays()
    return float(p.loc[p["program"].eq(program) & p["group"].eq("control"), "churned"].mean())


def sample_size(base: str = "rct", total: bool = False, alternative: str = "two-sided") -> float:
    if base == "pooled":
        p = plays()
        p1 = float(p.loc[p["program"].eq("rct"), "churned"].mean())
    else:
        p1 = control_rate("rct" if base == "rct" else "csm_choice")
    n = experiments.sample_size_pooled(p1, p1 * (1 - RELATIVE_EFFECT), alternative=alternative)
    return float(n * (2 if total else 1))


def flagged_2025() -> int:
    return int(plays()["program"].eq("rct").sum())


q7 = Exercise(
    id="ch09.health.q7",
    title="Сколько клиентов нужно эксперименту",
    var="n_per_group",
    expected=sample_size,
    compare=Number(rel_tol=0.03),
    hints=[
        "Базовая доля — отток контрольной группы эксперимента 2025 года. Цель — отток ниже на четверть: p2 = p1 × (1 − 0,25).",
        "`experiments.sample_size_pooled(p1, p2)` — клиентов на одну группу при α = 0,05 и мощности 80\u00a0%, двусторонний тест.",
    ],
    mistakes=[
        Mistake(name="total", value=lambda: sample_size(total=True),
                hint="Это клиентов на обе группы вместе. Формула даёт размер одной группы."),
        Mistake(name="one_sided", value=lambda: sample_size(alternative="larger"),
                hint="Вы взяли односторонний тест. Сценарий может и навредить (раздражённый клиент уходит быстрее) — проверяют "
                     "в обе стороны."),
        _guarded("ch09.health.q7", "pooled", lambda: sample_size(base="pooled"), sample_size, tol=0.03,
                hint="Базовая доля — отток обеих групп вместе. Так тоже планируют, когда эффекта не ждут, но в упражнении "
                     "база — контроль эксперимента: отток без сценария."),
        _guarded("ch09.health.q7", "base_2024", lambda: sample_size(base="csm_choice"), sample_size, tol=0.03,
                hint="Базовая доля взята из контроля 2024 года — туда попали клиенты, которым CSM не стали звонить, и они "
                     "«больнее» среднего. Базу берут из контроля эксперимента."),
    ],
    correct_message=lambda: f"Около {fmt.number(sample_size())} клиентов в каждой группе — в "
                            f"{fmt.plural(round(2 * sample_size() / flagged_2025()), 'раз', 'раза', 'раз')} больше, "
                            "чем отмечено за весь 2025 год. "
                            "Такой эффект на нашей базе за год не увидеть.",
)


def play_cost() -> float:
    """Цена одного сценария: часы CSM по полной стоимости человеко-месяца 2025 года."""
    loaded = roles.loaded_cost(table("sm_costs"), table("reps"), *course.YEAR_2025).loc["CSM", "loaded_pm"]
    return float(sales_scripts.time_cost(loaded, PLAY_HOURS * 60))


def gross_margin() -> float:
    mrr = table("mrr")
    return float(retention.gross_margin(table("cogs"), retention.b2b_revenue(mrr), *course.YEAR_2025))


def rct_mrr() -> pd.DataFrame:
    """Клиенты эксперимента 2025 года с MRR прошлого месяца и сегментом."""
    p = plays()
    r = p[p["program"].eq("rct")]
    mrr = table("mrr")
    prev = mrr.assign(flag_date=mrr["month"] + pd.DateOffset(months=1))[["flag_date", "account_id", "mrr_rub"]]
    out = r.merge(prev, on=["flag_date", "account_id"], how="left")
    out["segment"] = out["account_id"].map(table("accounts").set_index("account_id")["segment"])
    return out


def breakeven(months: float = SAVED_MONTHS) -> float:
    """Порог пользы сценария по всему эксперименту: цена / (средний MRR × месяцы × валовая маржа), в долях."""
    return H.breakeven(play_cost(), rct_mrr()["mrr_rub"].mean(), gross_margin(), months)


def decision(program: str = "rct") -> str:
    low, high = rct_interval(program)
    return experiments.decide(low, high, breakeven())


DECISION_LABELS = {"launch": "масштабировать сценарий", "no_launch": "не масштабировать", "more_data": "нужно больше данных"}
#: Что значит решение — для текста раздела и сообщения проверки.
DECISION_MEANING = {
    "launch": "весь интервал снижения оттока выше порога пользы",
    "no_launch": "даже верхняя граница интервала снижения оттока ниже порога пользы: окупаемый эффект данными исключён",
    "more_data": "интервал снижения оттока накрывает и ноль, и порог пользы: данные не отличают бесполезный сценарий "
                 "от окупаемого",
}

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
        Mistake(name="launch", matches=lambda a: a == "launch" != decision(),
                hint="Масштабируют, когда весь интервал снижения оттока выше порога пользы. Здесь он даже не целиком выше нуля."),
        Mistake(name="no_launch", matches=lambda a: a == "no_launch" != decision(),
                hint="no_launch ставят, когда даже верхняя граница интервала снижения оттока ниже порога пользы. Сравните "
                     "верхнюю границу с порогом: здесь она выше, и интервал накрывает порог."),
        Mistake(name="more_data", matches=lambda a: a == "more_data" != decision(),
                hint="Интервал захватывает ноль, но и его верхняя граница ниже порога пользы: больше данных того же "
                     "сценария не сделает его окупаемым."),
    ],
    correct_message=lambda: f"«{DECISION_LABELS[decision()]}»: {DECISION_MEANING[decision()]}. Решение — при допущениях "
                            "раздела (4 часа CSM, год MRR на валовой марже, средний клиент эксперимента); для типичного "
                            "клиента малого бизнеса порог в разы выше.",
)

quiz_save = Quiz(
    id=f"{SECTION}.save",
    questions=[
        Question(
            "CSM позвонили 50 клиентам из красного списка, ушли 4 (8\u00a0%); из тех, кому не звонили, — 21\u00a0%. "
            "Что можно утверждать?",
            (
                Option("Звонок снижает отток на 13\u00a0п.\u00a0п.", False,
                       "Кому звонить, выбирали CSM — а они звонят тем, кто отвечает и с кем проще: такие клиенты и так уходят реже."),
                Option("Ничего определённого об эффекте звонка: группы различались до звонка", True,
                       "Это отбор (selection bias). Эффект покажет только сравнение групп, которые разделил жребий."),
                Option("Звонок бесполезен", False, "И этого по такому сравнению не сказать: без контрольной группы эффект неизвестен в обе стороны."),
            ),
        ),
        Question(
            "В эксперименте с частью клиентов группы сценария встреча так и не состоялась. Как сравнивать?",
            (
                Option("Только клиентов со встречей с контролем — остальные сценарий не получили", False,
                       "Встреча зависит от клиента: с «больными» она срывается чаще. Сравнение снова смещено отбором."),
                Option("Всех назначенных в группу сценария со всем контролем (intention-to-treat)", True,
                       "Так сохраняется то, что дал жребий; эффект получается «эффектом назначения сценария» — ровно тем, что масштабируют."),
                Option("Исключить клиентов без встречи из обеих групп", False,
                       "В контроле встреч не назначали никому — кого там исключать, неизвестно."),
            ),
        ),
        Question(
            "Интервал снижения оттока — от −14 до +2\u00a0п.\u00a0п., а окупается сценарий при снижении от 2,5\u00a0п.\u00a0п. Решение?",
            (
                Option("Масштабировать: интервал содержит пользу", False,
                       "Интервал должен быть целиком выше порога пользы, а здесь и верхняя граница ниже него."),
                Option("Не масштабировать этот сценарий; менять его и проверять новый вариант", True,
                       "Даже лучший правдоподобный эффект не окупает время CSM. Нужен другой сценарий или другие клиенты."),
                Option("Ждать ещё год того же эксперимента", False,
                       "Если даже верхняя граница ниже порога, ещё год того же сценария решение вряд ли поменяет; менять нужно сценарий."),
            ),
        ),
        Question(
            "Руководитель CS против контрольной группы: «нельзя оставлять клиентов в красной зоне без помощи». Какой довод честный?",
            (
                Option("Контроль ничего не теряет: сценарий всё равно не работает", False,
                       "Этого никто не знает — ради ответа и нужен эксперимент."),
                Option("Команда и так не успевает ко всем: жребий лишь решает, кто будет в очереди первым; стратегических "
                       "клиентов в жребий не включают", True,
                       "Это «лотерея пропускной способности»: контроль — те, до кого очередь не дошла бы и без эксперимента. "
                       "Порог пользы, размер выборки и дату остановки записывают до старта."),
                Option("Контроль нужен только в первом квартале", False,
                       "Один квартал даёт слишком мало клиентов: эффект такого размера за квартал не увидеть."),
            ),
        ),
    ],
)
