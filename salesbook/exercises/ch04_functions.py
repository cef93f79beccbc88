"""Упражнения раздела 4.3 «Взаимодействие с функциями».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.crossfunc`` (тесты —
``tests/test_crossfunc.py``); каждая типичная ошибка — тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from salesbook.exercises import table, tables
from salesbook.runtime.checks import Choice, Exercise, Invalid, Mistake, Number, Table, ___
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import acquisition, course, crossfunc, finance, unit_economics

SECTION = "ch04.functions"
TITLE = "4.3. Взаимодействие с функциями"

#: Созвон передачи: час AE и CSM на созвон с клиентом и полчаса CSM на подготовку
#: (решение руководителя, не данные).
CALL_HOURS = 1.0
PREP_HOURS_CSM = 0.5
#: Гипотеза руководителя CS: созвон снижает ранний отток SMB на 1 процентный пункт.
CHURN_CUT_PP = 1.0
#: Клиенты, у которых окно раннего оттока (365 дней) уже прошло к концу данных: закрытые в 2023–2024 годах.
CHURN_COHORT = ("2023-01-01", "2024-12-31")


# ---------------------------------------------------------------------------
# 1. Доля MQL, отклонённых SDR
# ---------------------------------------------------------------------------


def _rejected_share(channel_filter: bool = True, need_sdr: bool = True) -> float:
    leads = table("leads")
    m = leads[leads["mql_date"].notna()]
    if channel_filter:
        m = m[m["channel"] != acquisition.OUTBOUND_CHANNEL]
    if need_sdr:
        m = m[m["sdr_id"].notna()]
    m = m[acquisition.in_period(m["mql_date"], *course.YEAR_2025)]
    return float(m["status"].eq("disqualified").mean())


q1 = Exercise(
    id="ch04.functions.q1",
    title="Доля MQL, которых продажи отклонили в 2025 году",
    var="rejected_share",
    expected=lambda: float(crossfunc.mql_rejections(table("leads"), *course.YEAR_2025, by=None)["rejected_share"]),
    compare=Number(rel_tol=0.005),
    hints=[
        "База — входящие MQL (канал не outbound) с mql_date в 2025 году, которых взял SDR (sdr_id заполнен). "
        "Отклонён — status == 'disqualified' (отказал SDR или AE на первой встрече).",
        "crossfunc.mql_rejections(leads, *course.YEAR_2025, by=None)['rejected_share'] — доля, а не проценты.",
    ],
    mistakes=[
        Mistake(name="accepted", value=lambda: 1 - _rejected_share(),
                hint="Это доля MQL, которых SDR принял или ещё не решил. Нужна доля отклонённых: status == 'disqualified'."),
        Mistake(name="with_trials", value=lambda: _rejected_share(need_sdr=False),
                hint="В базу попали регистрации пробного периода, которые SDR не работает (sdr_id пустой): их отклоняет AE после "
                     "активации. Оставьте MQL с заполненным sdr_id."),
        Mistake(name="with_outbound", value=lambda: _rejected_share(channel_filter=False),
                hint="В базу попали исходящие лиды (channel == 'outbound'): их находит сама команда BDR, маркетинг за них не отвечает. "
                     "Оставьте входящие каналы."),
    ],
    correct_message="Сама по себе доля мало что говорит: смотрите, по каким каналам и причинам отказывают, — это и есть обратная связь маркетингу.",
)

# ---------------------------------------------------------------------------
# 2. Проигранный ACV по причинам
# ---------------------------------------------------------------------------


def _lost(date_col: str = "close_date", value: str = "amount_rub", agg: str = "sum") -> pd.DataFrame:
    opps = table("opportunities")
    lost = opps[opps["outcome"].eq("lost") & acquisition.in_period(opps[date_col], *course.YEAR_2025)]
    return lost.groupby("loss_reason")[value].agg(agg).rename("lost_acv_rub").to_frame()


q2 = Exercise(
    id="ch04.functions.q2",
    title="Проигранный ACV 2025 года по причинам",
    var="lost_by_reason",
    expected=lambda: crossfunc.lost_acv(table("opportunities"), *course.YEAR_2025)[["lost_acv_rub"]],
    compare=Table(columns=["lost_acv_rub"], rel_tol=0.001),
    hints=[
        "Проигранные сделки (outcome == 'lost'), закрытые в 2025 году (close_date), сгруппируйте по loss_reason "
        "и сложите amount_rub. Нужна таблица с индексом loss_reason и столбцом lost_acv_rub.",
        "crossfunc.lost_acv(opps, *course.YEAR_2025)[['lost_acv_rub']] — то же одной строкой.",
    ],
    mistakes=[
        Mistake(name="count", value=lambda: _lost(agg="size"),
                hint="В столбце — число сделок, а нужна сумма ACV в рублях: сложите amount_rub."),
        Mistake(name="created", value=lambda: _lost(date_col="created_date"),
                hint="Год взят по дате создания сделки (created_date). Проигрыш случился в день закрытия: фильтруйте по close_date."),
        Mistake(name="mean", value=lambda: _lost(agg="mean"),
                hint="Это средний ACV проигранной сделки. Нужна сумма: сколько ACV ушло по каждой причине."),
    ],
    correct_message="Рубли по причинам — это то, что видит продавец. Прежде чем нести их в план продукта, вспомните, кто записал причину.",
)

# ---------------------------------------------------------------------------
# 3. Ранний отток по полноте карточки с интервалом Уилсона
# ---------------------------------------------------------------------------


def _outcomes(segment: str | None = "smb", cohort: tuple | None = CHURN_COHORT) -> pd.DataFrame:
    # cohort=None — ошибка: клиенты 2025 года без полного окна (дата наблюдения далеко в будущем)
    out = crossfunc.handoff_outcomes(table("handoffs"), table("accounts"),
                                     observed_until=course.DATA_END if cohort else "2100-01-01")
    if segment:
        out = out[out["segment"] == segment]
    return out


def churn_table() -> pd.DataFrame:
    """Эталон упражнения 3: ранний отток SMB-клиентов 2023–2024 годов по полноте карточки."""
    return crossfunc.churn_rates(_outcomes())[["rate", "low", "high"]]


def _churn_table_with(method: str = "wilson", segment: str | None = "smb", cohort=CHURN_COHORT) -> pd.DataFrame:
    out = crossfunc.churn_rates(_outcomes(segment, cohort))
    low, high = proportion_confint(out["churned"], out["customers"], alpha=0.05, method=method)
    return out.assign(low=low, high=high)[["rate", "low", "high"]]


q3 = Exercise(
    id="ch04.functions.q3",
    title="Ранний отток при полной и неполной карточке",
    var="churn_by_card",
    expected=churn_table,
    compare=Table(columns=["rate", "low", "high"], rel_tol=0.01, abs_tol=1e-4),
    hints=[
        "Возьмите crossfunc.handoff_outcomes(handoffs, accounts): в нём только клиенты, чьи 365 дней уже прошли. "
        "Оставьте segment == 'smb' и посчитайте crossfunc.churn_rates(...) по столбцу card (full — полная карточка, partial — неполная).",
        "Нужны столбцы rate, low, high (доли, 0–1) и индекс card (full, partial). Интервал — Уилсона, 95 %.",
    ],
    mistakes=[
        Mistake(name="wald", value=lambda: _churn_table_with("normal"),
                hint="Это интервал Вальда (method='normal'): при единицах уходов в группе он неточен. "
                     "Нужен интервал Уилсона: method='wilson'."),
        Mistake(name="all_segments", value=lambda: _churn_table_with(segment=None),
                hint="В таблице все сегменты. В mid-market и enterprise ранних уходов в данных нет, и они разбавляют долю: оставьте SMB."),
        Mistake(name="no_window", value=lambda: _churn_table_with(cohort=None),
                hint="В расчёт попали клиенты 2025 года, у которых первый год ещё не закончился: их отток недооценён. "
                     "Берите crossfunc.handoff_outcomes — он оставляет только клиентов с прошедшим окном."),
    ],
    correct_message="Теперь сравните интервалы двух строк — об этом следующее упражнение.",
)

# ---------------------------------------------------------------------------
# 4. Интерпретация: что доказывает разница
# ---------------------------------------------------------------------------

READINGS = ("effect", "association", "no_link")


def reading() -> str:
    """Правильное прочтение: интервал разницы включает ноль — «association»; не включал бы — тоже связь, не эффект."""
    return "association"


def _overlap() -> bool:
    t = churn_table()
    return bool(t.loc["full", "high"] >= t.loc["partial", "low"])


q4 = Exercise(
    id="ch04.functions.q4",
    title="Что говорит разница в раннем оттоке",
    var="card_reading",
    expected=reading,
    compare=Choice(list(READINGS)),
    hints=[
        "Два вопроса: различаются ли доли с учётом интервалов и можно ли из наблюдения сделать вывод о причине.",
        "Карточку заполняет AE: аккуратные AE могли и продавать более подходящим клиентам. Что нужно, чтобы отделить эффект карточки?",
    ],
    mistakes=[
        Mistake(name="effect", matches=lambda a: a == "effect",
                hint="Это наблюдение, а не эксперимент: карточку заполняет тот же AE, который выбирал клиента и обещал ему сроки. "
                     "К тому же интервал разницы долей включает ноль. Эффект карточки покажет только эксперимент."),
        Mistake(name="no_link", matches=lambda a: a == "no_link",
                hint="Интервал разницы, включающий ноль, не доказывает, что связи нет: точечные оценки различаются почти вдвое, а выборка мала "
                     "(единицы уходов в группе полных карточек). «Не доказано» — не то же, что «нет»."),
    ],
    correct_message="Точечная разница заметна, но интервал разницы включает ноль, а отбор не случайный. Это повод для эксперимента, а не вывод.",
)

# ---------------------------------------------------------------------------
# 5. Починить RACI
# ---------------------------------------------------------------------------

RACI_ROLES = ["marketing", "sdr", "ae", "sales_head", "csm", "cs_head", "finance", "product"]


def broken_raci() -> pd.DataFrame:
    """Таблица RACI с ошибками для упражнения 5: строки — процессы, столбцы — роли."""
    rows = {
        "lead_routing":     ["A", "R", "I", "", "", "", "", ""],
        "qualification":    ["C", "R", "C", "A", "", "", "", ""],
        "handoff":          ["", "", "R", "A", "R", "A", "", ""],
        "renewal":          ["", "", "I", "", "R", "", "I", "C"],
        "pricing_exception": ["", "", "R", "A", "", "", "A", "I"],
        "forecast":         ["", "", "C", "A", "", "I", "I", ""],
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=RACI_ROLES)


def with_changes(raci: pd.DataFrame, changes) -> pd.DataFrame:
    """Копия таблицы RACI, в которой ячейки заменены по словарю ``{(процесс, роль): "буква"}``.

    Пропуск ``___`` возвращается как есть (упражнение ещё не решено); ключи, которых нет в
    таблице, пропускаются — проверка упражнения скажет, что осталось исправить.
    """
    if changes is ___ or not isinstance(changes, dict):
        return changes
    out = raci.copy()
    for key, letter in changes.items():
        if isinstance(key, tuple) and len(key) == 2 and key[0] in out.index and key[1] in out.columns:
            out.loc[key[0], key[1]] = str(letter)
    return out


class RaciAnswer:
    """Ответ — таблица RACI с теми же процессами и ролями, без ошибок ``crossfunc.raci_problems``.

    Верных исправлений несколько (кто именно A — решение руководителей), поэтому эталон
    :func:`fixed_raci` — лишь один из них: сравнивается не с ним, а с правилами.
    """

    def normalize(self, value: Any) -> pd.DataFrame:
        if not isinstance(value, pd.DataFrame):
            raise Invalid("Нужна таблица pandas (DataFrame): процессы в строках, роли в столбцах.")
        ref = broken_raci()
        if sorted(map(str, value.index)) != sorted(ref.index) or sorted(map(str, value.columns)) != sorted(ref.columns):
            raise Invalid("Процессы (строки) и роли (столбцы) должны остаться теми же, что в broken_raci(): "
                          "исправляйте буквы в ячейках, а не таблицу.")
        return value.fillna("").astype(str).loc[ref.index, ref.columns]

    def equal(self, answer: pd.DataFrame, expected: Any) -> bool:
        return crossfunc.raci_problems(answer).empty

    def generic_hint(self, answer: pd.DataFrame, expected: Any) -> str | None:
        p = crossfunc.raci_problems(answer)
        if p.empty:
            return None
        return f"Осталась ошибка в процессе «{p.iloc[0]['process']}»: {p.iloc[0]['problem']}."


def fixed_raci() -> pd.DataFrame:
    """Одно из верных исправлений ``broken_raci()`` — как в таблице раздела."""
    t = broken_raci()
    t.loc["handoff", "sales_head"] = "C"
    t.loc["renewal", "cs_head"] = "A"
    t.loc["pricing_exception", "finance"] = "C"
    t.loc["forecast", "ae"] = "R"
    return t


def _problems_in(answer: pd.DataFrame, process: str, word: str) -> bool:
    p = crossfunc.raci_problems(answer)
    return bool(((p["process"] == process) & p["problem"].str.contains(word)).any())


q5 = Exercise(
    id="ch04.functions.q5",
    title="Исправить таблицу RACI",
    var="raci_fixed",
    expected=fixed_raci,
    compare=RaciAnswer(),
    hints=[
        "crossfunc.raci_problems(broken_raci()) перечислит все ошибки. Исправляйте по одной и запускайте проверку снова.",
        "В каждой строке ровно один A (отвечает за результат) и хотя бы один R (делает работу). У передачи клиента делают двое, "
        "а отвечать должен один руководитель; у продления нет A; исключение из цены утверждает кто-то один.",
    ],
    mistakes=[
        Mistake(name="handoff_two_a", matches=lambda a: _problems_in(a, "handoff", "нескольких"),
                hint="У передачи клиента (handoff) два A: руководитель продаж и руководитель CS. Отвечать должен один — обычно "
                     "принимающая сторона (cs_head), потому что результат передачи — запущенный клиент; вторая роль — C или I."),
        Mistake(name="renewal_no_a", matches=lambda a: _problems_in(a, "renewal", "нет A"),
                hint="У продления (renewal) нет A: CSM делает работу, но за результат не отвечает никто. Поставьте A руководителю CS."),
        Mistake(name="pricing_two_a", matches=lambda a: _problems_in(a, "pricing_exception", "нескольких"),
                hint="Исключение из цены утверждают двое (руководитель продаж и финансы). Решает один — кто именно, "
                     "записано в политике скидок; второй — C."),
        Mistake(name="forecast_no_r", matches=lambda a: _problems_in(a, "forecast", "нет R"),
                hint="У прогноза (forecast) нет R: кто-то должен его собирать. Обычно R — AE (обновляют сделки) или руководитель продаж сам (A/R)."),
    ],
    correct_message="У каждого процесса один отвечающий и хотя бы один исполнитель. Таблицу согласуют руководители функций и пересматривают при смене процесса.",
)

# ---------------------------------------------------------------------------
# 6. Решение в рублях: созвон передачи по каждой SMB-сделке
# ---------------------------------------------------------------------------


def _smb_economics() -> pd.Series:
    t = tables("marketing_spend", "sm_costs", "reps", "leads", "opportunities", "mrr", "cogs", "accounts")
    return unit_economics.segment_economics(t, *course.YEAR_2024, *course.YEARS_2024_2025).loc["smb"]


def smb_ltv() -> float:
    """LTV SMB-клиента за 5 лет, как решают в разделе 1.1.4: ``finance.ltv_horizon`` с горизонтом
    ``course.LTV_HORIZON_MONTHS``; ARPA, маржа и отток — ``unit_economics.segment_economics`` (2024 год, отток 2024–2025)."""
    e = _smb_economics()
    return float(finance.ltv_horizon(e["arpa"] * e["gross_margin"], e["monthly_churn"], course.LTV_HORIZON_MONTHS))


def smb_ltv_unbounded() -> float:
    """LTV SMB-клиента без горизонта (ARPA × маржа / отток) — типичная ошибка упражнения 6."""
    return float(_smb_economics()["ltv"])


def smb_first_year_gross_profit() -> float:
    """Валовая прибыль SMB-клиента за первый год: осторожная оценка потери, тоже принимается в упражнении 6."""
    e = _smb_economics()
    return float(e["arpa"] * 12 * e["gross_margin"])


def call_cost_per_deal(prep: bool = True, ae: bool = True) -> float:
    reps = table("reps")
    csm, ae_hour = crossfunc.hour_cost(reps, "CSM"), crossfunc.hour_cost(reps, "AE")
    return CALL_HOURS * (csm + (ae_hour if ae else 0)) + (PREP_HOURS_CSM * csm if prep else 0)


def smb_new_customers_2025() -> int:
    return acquisition.new_customers(table("opportunities"), *course.YEAR_2025, segment="smb")


def net_rub(cut: float = CHURN_CUT_PP / 100, loss=None, cost=None, customers=None) -> float:
    loss = smb_ltv() if loss is None else loss
    cost = call_cost_per_deal() if cost is None else cost
    customers = smb_new_customers_2025() if customers is None else customers
    return float(customers * (cut * loss - cost))


class _LtvOrFirstYear(Number):
    """Засчитывает и эталон с LTV за 5 лет, и осторожную оценку потери валовой прибылью первого года."""

    def equal(self, answer: float, expected) -> bool:
        return super().equal(answer, expected) or super().equal(answer, net_rub(loss=smb_first_year_gross_profit()))


q6 = Exercise(
    id="ch04.functions.q6",
    title="Окупится ли созвон передачи по каждой SMB-сделке",
    var="call_net_rub",
    expected=net_rub,
    # около нуля относительный допуск слишком узок: абсолютный — округление цены часа до рубля на всех клиентов
    compare=_LtvOrFirstYear(rel_tol=0.01, abs_tol=2_000.0),
    hints=[
        "Затраты на сделку: час AE и час CSM на созвон плюс полчаса CSM на подготовку; час — crossfunc.hour_cost(reps, роль). "
        "Выгода на сделку: 0,01 × LTV SMB-клиента за 5 лет (ex.smb_ltv(), как в разделе 1.1.4).",
        "Итог: число новых SMB-клиентов 2025 года (acquisition.new_customers(opps, *course.YEAR_2025, segment='smb')) × "
        "(0,01 × LTV − затраты на сделку).",
    ],
    mistakes=[
        Mistake(name="no_prep", value=lambda: net_rub(cost=call_cost_per_deal(prep=False)),
                hint="Не учтены полчаса CSM на подготовку: CSM читает карточку и CRM до созвона."),
        Mistake(name="csm_only", value=lambda: net_rub(cost=call_cost_per_deal(ae=False)),
                hint="Учтено только время CSM. Созвон ведут двое: AE представляет CSM клиенту — добавьте час AE."),
        Mistake(name="pp_as_share", value=lambda: net_rub(cut=CHURN_CUT_PP),
                hint="1 п. п. — это 0,01 в долях, а не 1: иначе выходит, что созвон спасает каждого клиента."),
        Mistake(name="unbounded_ltv", value=lambda: net_rub(loss=smb_ltv_unbounded()),
                hint="Вы взяли LTV без горизонта (ARPA × маржа / отток): при оттоке около 1 % в месяц он считает прибыль "
                     "на восемь лет вперёд. В курсе решения принимают по LTV за 5 лет (раздел 1.1.4): ex.smb_ltv()."),
        Mistake(name="all_segments", value=lambda: net_rub(customers=acquisition.new_customers(table("opportunities"), *course.YEAR_2025)),
                hint="Взяты новые клиенты всех сегментов. Гипотеза и LTV — про SMB: берите segment='smb'."),
    ],
    correct_message="При гипотезе в 1 п. п. созвон выходит почти в ноль, чуть в минусе: выгода и затраты почти равны. "
                    "(Если вы оценили потерю валовой прибылью первого года, ответ тоже засчитан: это осторожная оценка, "
                    "и с ней созвон заметно в минусе.) Запускайте его так, чтобы эффект можно было измерить: половине "
                    "сделок по жребию, с заранее названным показателем.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Продажи жалуются, что маркетинг присылает «мусорные» MQL. С чего начать разговор?",
            (
                Option("Урезать маркетингу бюджет каналов с худшими лидами", False,
                       "Сначала нужно понять, почему лиды отклоняют: причина «не отвечает» и «нет бюджета» лечатся по-разному, "
                       "а дешёвый канал с высокой долей отказов может давать клиентов дешевле всех."),
                Option("Посчитать долю отклонённых MQL и причины отказа по каналам и сверить определение MQL", True,
                       "Да: обратная связь — это цифры по каналам и причинам плюс договорённость, что считать MQL. Без этого спор не решается."),
                Option("Отдать квалификацию лидов маркетингу", False,
                       "Это уберёт спор, но не качество: квалификация — работа SDR, маркетингу нужна обратная связь, а не новая обязанность."),
            ),
        ),
        Question(
            "В CRM главная причина проигрыша по рублям — «выбрали конкурента», на втором месте — «решение не принято». Что отнести продукту?",
            (
                Option("Список функций, которых нет у нас и есть у конкурента, — из ответов продавцов", False,
                       "Причины, записанные продавцом, смещены: удобнее назвать цену или функцию, чем слабую работу со сделкой. "
                       "Продукту нужны интервью с покупателями (win/loss), а цифры CRM — повод их провести."),
                Option("Гипотезы: какие потери связаны с функциями, с проверкой интервью покупателей, которые выбрали конкурента", True,
                       "Да: рубли по причинам показывают, где копать, а интервью покупателей — что на самом деле решило сделку."),
                Option("Ничего: «решение не принято» — проблема продаж, а не продукта", False,
                       "Отчасти так, но «решение не принято» часто значит, что ценность не доказана: продукту полезно знать, где она не очевидна."),
            ),
        ),
        Question(
            "В процессе «исключение из цены» у руководителя продаж и финансового директора стоит A. Чем это плохо?",
            (
                Option("Ничем: два отвечающих надёжнее одного", False,
                       "Когда отвечают двое, не отвечает никто: каждый ждёт решения другого, сделка стоит. Один A, второй — C."),
                Option("Непонятно, чьё слово последнее, и скидка либо зависает, либо проходит без проверки", True,
                       "Да. Правило RACI — ровно один A на процесс; кто именно, записывают в политике скидок."),
                Option("Финансы вообще не должны участвовать в скидках", False,
                       "Должны — как C: скидка меняет маржу и прогноз выручки. Решает при этом кто-то один."),
            ),
        ),
    ],
)
