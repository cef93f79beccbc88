"""Упражнения раздела 2.3 «Account-based подходы» (обе части).

Эталоны считаются функциями ``salesbook.toolkit.abm`` на данных курса (таблицы
``contacts`` и ``abm_accounts`` — раздел 2.3 в описании данных); каждая типичная ошибка —
тот же расчёт с одной конкретной ошибкой. Часть 1 — q1–q3 и ``quiz``, часть 2 — q4–q6
и ``quiz_abm``.
"""

from __future__ import annotations

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number, Table
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import abm, course, finance, kpi, retention, unit_economics

SECTION = "ch02.abm"
TITLE = "2.3. Account-based подходы"

#: Период сделок для связи охвата комитета с win rate: закрытые в 2024–2025 годах.
COVERAGE_PERIOD = ("2024-01-01", course.DATA_END)
#: Старт ABM-программы и окна «до» и «после» (по девять месяцев).
START = "2025-04-01"
BEFORE = ("2024-07-01", "2025-03-31")
AFTER = (START, course.DATA_END)
#: Дата среза для плана аккаунта — последний день перед стартом программы.
PLAN_AS_OF = "2025-03-31"
#: Веса уровней ABM в упражнении 2 (решение руководителя, не данные).
WEIGHTS = {"intent_score": 0.5, "icp_fit_score": 0.3, "potential_rub": 0.2}
#: Сколько аккаунтов 1:1 ведёт один AE enterprise параллельно с обычным пайплайном (допущение курса).
ONE_TO_ONE_PER_AE = 2
OTHER_CAPACITY = {"one_to_few": 40, "one_to_many": 200}
#: Бутстреп интервала эффекта: число повторов и зерно.
BOOTSTRAP_N = 500
BOOTSTRAP_SEED = 0


# ---------------------------------------------------------------------------
# Общие расчёты
# ---------------------------------------------------------------------------


def enterprise_aes(as_of=START, active_only: bool = True) -> list[str]:
    """AE команды enterprise, работающие на дату ``as_of`` (или все, если ``active_only=False``)."""
    reps = table("reps")
    ae = reps[(reps["role"] == "AE") & (reps["team"] == "enterprise")]
    if active_only:
        d = pd.Timestamp(as_of)
        ae = ae[(ae["hire_date"] <= d) & (ae["exit_date"].isna() | (ae["exit_date"] > d))]
    return sorted(ae["rep_id"])


def capacity(active_only: bool = True) -> dict[str, int]:
    """Мощность команды по уровням: 1:1 = AE enterprise на дату старта × ONE_TO_ONE_PER_AE."""
    return {"one_to_one": len(enterprise_aes(active_only=active_only)) * ONE_TO_ONE_PER_AE, **OTHER_CAPACITY}


def panel() -> pd.DataFrame:
    """Пул программы с пайплайном и охватом комитета до и после старта и стратами.

    ``pipeline_before``/``pipeline_after`` — сумма сделок, созданных в окне, ₽;
    ``roles_before``/``roles_after`` — разных ролей комитета с первым контактом в окне;
    ``intent_decile`` (0–9) и ``fit_tercile`` (0–2) — страты по баллам.
    """
    p = table("abm_accounts").copy()
    o, c = table("opportunities"), table("contacts")
    ids = p["account_id"]
    p["pipeline_before"] = abm.pipeline_per_account(o, ids, *BEFORE).to_numpy()
    p["pipeline_after"] = abm.pipeline_per_account(o, ids, *AFTER).to_numpy()
    p["roles_before"] = abm.roles_reached(c, BEFORE[1], BEFORE[0]).reindex(ids).fillna(0).to_numpy()
    p["roles_after"] = abm.roles_reached(c, AFTER[1], AFTER[0]).reindex(ids).fillna(0).to_numpy()
    p["intent_decile"] = pd.qcut(p["intent_score"].rank(method="first"), 10, labels=False)
    p["fit_tercile"] = pd.qcut(p["icp_fit_score"].rank(method="first"), 3, labels=False)
    return p


STRATA = ["segment", "intent_decile", "fit_tercile"]


# ---------------------------------------------------------------------------
# 1. Win rate при охвате комитета от трёх ролей
# ---------------------------------------------------------------------------


def _coverage(segment="mid_market", min_roles=3, people=False, dated=True, strict=False) -> float:
    o, c = table("opportunities"), table("contacts")
    cov = abm.coverage_at_close(c, o, *COVERAGE_PERIOD)
    if people or not dated:
        cc = c.drop(columns=["opportunity_id"]).merge(o[["opportunity_id", "account_id", "close_date"]], on="account_id")
        if dated:
            cc = cc[cc["first_engaged_date"] <= cc["close_date"]]
        counts = cc.groupby("opportunity_id").size() if people else cc.groupby("opportunity_id")["role"].nunique()
        cov["roles"] = counts.reindex(cov["opportunity_id"]).fillna(0).to_numpy()
    if segment is not None:
        cov = cov[cov["segment"] == segment]
    sel = cov["roles"] > min_roles if strict else cov["roles"] >= min_roles
    return float(cov.loc[sel, "won"].mean())


q1 = Exercise(
    id="ch02.abm.q1",
    title="Win rate mid-market при охвате комитета от трёх ролей",
    var="win_rate_3_roles",
    expected=lambda: _coverage(),
    compare=Number(rel_tol=0.005),
    hints=[
        "abm.coverage_at_close(contacts, opps, '2024-01-01', '2025-12-31') даёт по каждой закрытой сделке "
        "число разных ролей, вовлечённых к дате закрытия, и столбец won.",
        "Оставьте сделки mid-market с roles >= 3 и возьмите среднее столбца won — это доля выигранных.",
    ],
    mistakes=[
        Mistake(name="people", value=lambda: _coverage(people=True),
                hint="Вы посчитали людей, а не роли: три конечных пользователя — это одна роль. Нужно число разных ролей (nunique)."),
        Mistake(name="after_close", value=lambda: _coverage(dated=False),
                hint="Вы учли и людей, вовлечённых после закрытия сделки. К моменту решения их ещё не было — берите контакты с датой не позже даты закрытия."),
        Mistake(name="all_segments", value=lambda: _coverage(segment=None),
                hint="Это все сегменты вместе, а задание — про mid-market: оставьте segment == 'mid_market'."),
        Mistake(name="strict", value=lambda: _coverage(strict=True),
                hint="Вы взяли сделки больше чем с тремя ролями. «От трёх» — значит три и больше: roles >= 3."),
    ],
    correct_message="Верно. Но это связь, а не эффект: сделка, которая идёт к выигрышу, сама доходит до закупок и финансов.",
)

# ---------------------------------------------------------------------------
# 2. Уровни ABM с ограничением мощности команды
# ---------------------------------------------------------------------------


def _tiers(caps=None, segment="enterprise", weights=None) -> pd.Series:
    scores = table("abm_accounts").set_index("account_id")
    return abm.tier_accounts(scores, caps or capacity(), weights or WEIGHTS, one_to_one_segment=segment)


def _one_to_one_potential(**kw) -> float:
    scores = table("abm_accounts").set_index("account_id")
    t = _tiers(**kw)
    return float(scores.loc[t[t == "one_to_one"].index, "potential_rub"].sum())


def _programme_one_to_one_potential() -> float:
    a = table("abm_accounts")
    return float(a.loc[a["tier"] == "one_to_one", "potential_rub"].sum())


q2 = Exercise(
    id="ch02.abm.q2",
    title="Потенциал вашего уровня 1:1",
    var="one_to_one_potential",
    expected=lambda: _one_to_one_potential(),
    compare=Number(rel_tol=0.001),
    hints=[
        "Мощность команды на уровне 1:1 — число AE enterprise, работающих на 01.04.2025 (наняты не позже этой даты и уволены позже неё или работают до сих пор), "
        "умноженное на 2; 1:few — 40, 1:many — 200.",
        "abm.tier_accounts(abm_acc.set_index('account_id'), capacity, weights) вернёт уровень каждого аккаунта; "
        "сложите potential_rub аккаунтов с уровнем 'one_to_one'.",
    ],
    mistakes=[
        Mistake(name="any_segment", value=lambda: _one_to_one_potential(segment=None),
                hint="В 1:1 попали аккаунты mid-market. Уровень 1:1 — только enterprise: one_to_one_segment='enterprise' (значение по умолчанию)."),
        Mistake(name="all_aes", value=lambda: _one_to_one_potential(caps=capacity(active_only=False)),
                hint="Вы посчитали всех AE enterprise за всю историю, включая уволенных и ещё не нанятых. Нужны работающие на 01.04.2025."),
        Mistake(name="programme", value=_programme_one_to_one_potential,
                hint="Это потенциал уровня 1:1 самой программы (столбец tier). Задание — разбить пул своими весами и своей мощностью команды."),
        Mistake(name="equal_weights",
                value=lambda: _one_to_one_potential(weights={k: 1 / 3 for k in WEIGHTS}),
                hint="Веса другие: намерение 0,5, ICP 0,3, потенциал 0,2."),
    ],
    correct_message="Верно. Сравните свой список 1:1 с программой: расхождения — это «мнение AE», которое в баллы не попало.",
)

# ---------------------------------------------------------------------------
# 3. Карта стейкхолдеров аккаунта 1:1 с наибольшим свободным потенциалом
# ---------------------------------------------------------------------------


def plan_account(as_of=PLAN_AS_OF) -> str:
    """Аккаунт программы уровня 1:1 с наибольшим свободным потенциалом на дату ``as_of``."""
    a = table("abm_accounts")
    ws = abm.whitespace(a, table("opportunities"), as_of)
    one = a.loc[a["tier"] == "one_to_one", "account_id"]
    return str(ws.reindex(one).idxmax())


def _plan(as_of=PLAN_AS_OF, account=None) -> pd.DataFrame:
    p = abm.account_plan(account or plan_account(), table("contacts"), as_of)
    return p[["reached", "people"]].astype(int)


q3 = Exercise(
    id="ch02.abm.q3",
    title="Карта стейкхолдеров аккаунта перед стартом программы",
    var="plan",
    expected=lambda: _plan(),
    compare=Table(columns=["reached", "people"]),
    hints=[
        "Аккаунт: среди аккаунтов программы уровня 1:1 — с наибольшим abm.whitespace(abm_acc, opps, '2025-03-31').",
        "abm.account_plan(аккаунт, contacts, '2025-03-31') — таблица по ролям; нужны столбцы reached и people.",
    ],
    mistakes=[
        Mistake(name="end_of_year", value=lambda: _plan(as_of=course.DATA_END),
                hint="Это карта на конец 2025 года: в ней уже люди, которых вовлекла сама программа. План пишут до старта — на 31.03.2025."),
    ],
    correct_message="Верно. Из семи ролей контакт есть только в одной — топ-менеджер: план начинается с того, кто выведет на экономического покупателя.",
)

# ---------------------------------------------------------------------------
# 4. Наивная разница пайплайна
# ---------------------------------------------------------------------------


def _naive(window=AFTER, only_with_deals=False, ratio=False) -> float:
    p = panel()
    col = "pipeline_after" if window == AFTER else "pipeline_before"
    if only_with_deals:
        p = p[p[col] > 0]
    t, c = p.loc[p["in_programme"], col].mean(), p.loc[~p["in_programme"], col].mean()
    return float(t / c) if ratio else float(t - c)


q4 = Exercise(
    id="ch02.abm.q4",
    title="Наивная разница пайплайна на аккаунт",
    var="naive_rub",
    expected=lambda: _naive(),
    compare=Number(rel_tol=0.005),
    hints=[
        "Пайплайн аккаунта после старта — abm.pipeline_per_account(opps, abm_acc['account_id'], '2025-04-01', '2025-12-31'): "
        "аккаунты без сделок получают 0.",
        "Среднее по аккаунтам программы минус среднее по остальным, в рублях.",
    ],
    mistakes=[
        Mistake(name="only_with_deals", value=lambda: _naive(only_with_deals=True),
                hint="Вы усреднили только аккаунты со сделками. Среднее на аккаунт — по всем аккаунтам группы, без сделок — с нулём."),
        Mistake(name="ratio", value=lambda: _naive(ratio=True),
                hint="Это отношение средних («во сколько раз»), а нужна разница в рублях на аккаунт."),
        Mistake(name="before", value=lambda: _naive(window=BEFORE),
                hint="Это окно до старта (июль 2024 — март 2025). Нужен пайплайн после старта: 01.04–31.12.2025."),
    ],
    correct_message="Верно: разница в разы, но за ней всего четыре аккаунта программы со сделками. Осталось понять, сколько в ней программы, а сколько — отбора и случая.",
)

# ---------------------------------------------------------------------------
# 5. Эффект внутри страт
# ---------------------------------------------------------------------------


def _strat(outcome="pipeline_after", weights="treated") -> float:
    p = panel()
    if weights == "treated":
        return float(abm.stratified_effect(p, outcome, STRATA)["effect"])
    g = p.groupby(STRATA, observed=True)
    d = pd.DataFrame({
        "t": p[p["in_programme"]].groupby(STRATA, observed=True)[outcome].mean(),
        "c": p[~p["in_programme"]].groupby(STRATA, observed=True)[outcome].mean(),
        "n": g.size(),
    }).dropna()
    diff = d["t"] - d["c"]
    if weights == "equal":
        return float(diff.mean())
    return float((diff * d["n"]).sum() / d["n"].sum())


q5 = Exercise(
    id="ch02.abm.q5",
    title="Эффект программы на пайплайн внутри страт",
    var="strat_rub",
    expected=lambda: _strat(),
    compare=Number(rel_tol=0.005),
    hints=[
        "Страты — сегмент × дециль намерения × терциль ICP (столбцы segment, intent_decile, fit_tercile таблицы panel).",
        "abm.stratified_effect(panel, 'pipeline_after', ['segment', 'intent_decile', 'fit_tercile'])['effect']: "
        "разницы внутри страт с весами по числу аккаунтов программы.",
    ],
    mistakes=[
        Mistake(name="equal_weights", value=lambda: _strat(weights="equal"),
                hint="Вы усреднили разницы страт без весов. Страта с одним аккаунтом программы не должна весить столько же, сколько страта с сорока: веса — число аккаунтов программы."),
        Mistake(name="all_weights", value=lambda: _strat(weights="all"),
                hint="Веса по всем аккаунтам страты дают средний эффект на весь пул, а вопрос — об эффекте на аккаунтах программы: веса — число аккаунтов программы в страте."),
        Mistake(name="naive", value=lambda: _naive(),
                hint="Это наивная разница без страт. Сравнивайте аккаунты программы с контрольными внутри одной страты."),
    ],
    correct_message="Верно. Оценка внутри страт меньше наивной, но ненамного, а её интервал накрывает ноль: на четырёх сделках аккаунтов программы эффект не отличить ни от нуля, ни от наивной разницы.",
)

# ---------------------------------------------------------------------------
# 6. Продолжать ли программу
# ---------------------------------------------------------------------------


def programme_cost() -> float:
    """Бюджет программы на 2025 год, ₽ (сумма budget_rub выбранных аккаунтов)."""
    return float(table("abm_accounts")["budget_rub"].sum())


#: Эффект меряем за девять месяцев после старта — бюджет берём за те же месяцы.
EFFECT_MONTHS = 9


def programme_cost_window() -> float:
    """Бюджет программы за окно эффекта (01.04–31.12.2025): годовой × 9 / 12, ₽."""
    return programme_cost() * EFFECT_MONTHS / 12


def lifetime_years() -> float:
    """Сколько лет в среднем платит клиент mid-market и enterprise на горизонте 5 лет.

    Лого-отток за 2024–2025 годы (``retention.churn_rates``, как в разделе 1.1.2) и
    ``finance.ltv_horizon`` с горизонтом ``course.LTV_HORIZON_MONTHS``.
    """
    rates = retention.churn_rates(retention.add_segment(table("mrr"), table("accounts")), *course.YEARS_2024_2025,
                                  by="segment").loc[["mid_market", "enterprise"]]
    churn = rates["churned"].sum() / rates["customers_start"].sum()
    return float(finance.ltv_horizon(1.0, churn, course.LTV_HORIZON_MONTHS)) / 12


def programme_win_rate() -> float:
    """Win rate сделок mid-market и enterprise, закрытых в 2025 году."""
    o = table("opportunities")
    return float(kpi.win_rate(o[o["segment"].isin(["mid_market", "enterprise"])], *course.YEAR_2025))


def gross_margin_2025() -> float:
    return float(unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2025))


def effect_interval() -> tuple[float, float]:
    """95-процентный бутстреп-интервал эффекта внутри страт на пайплайн аккаунта, ₽."""
    p = panel()
    return abm.bootstrap_ci(p, lambda d: abm.stratified_effect(d, "pipeline_after", STRATA)["effect"],
                            n=BOOTSTRAP_N, seed=BOOTSTRAP_SEED)


def gross_profit_interval() -> tuple[float, float]:
    """Интервал валовой прибыли первого года от эффекта программы, ₽."""
    n = int(table("abm_accounts")["in_programme"].sum())
    wr, gm = programme_win_rate(), gross_margin_2025()
    lo, hi = effect_interval()
    return abm.effect_gross_profit(lo, n, wr, gm), abm.effect_gross_profit(hi, n, wr, gm)


def _decision() -> str:
    lo, hi = gross_profit_interval()
    return abm.programme_decision(lo, hi, programme_cost_window())


def lifetime_decision() -> str:
    """Решение, если считать валовую прибыль за срок жизни клиента (``lifetime_years``)."""
    lo, hi = gross_profit_interval()
    years = lifetime_years()
    return abm.programme_decision(lo * years, hi * years, programme_cost_window())


q6 = Exercise(
    id="ch02.abm.q6",
    title="Продолжать ли ABM-программу в 2026 году",
    var="decision",
    expected=_decision,
    compare=Choice(list(abm.DECISIONS)),
    hints=[
        "Переведите границы интервала эффекта в валовую прибыль: × число аккаунтов программы × win rate × валовая маржа "
        "(abm.effect_gross_profit).",
        "Сравните интервал с бюджетом программы за девять месяцев (сумма budget_rub × 9 / 12): abm.programme_decision(нижняя, верхняя, бюджет).",
    ],
    mistakes=[
        Mistake(name="continue", matches=lambda v: v == "continue" and _decision() != "continue",
                hint="Продолжать можно, когда даже нижняя граница валовой прибыли окупает бюджет. Здесь и верхняя граница его не окупает — «продолжить» опирается на наивную разницу."),
        Mistake(name="holdout", matches=lambda v: v == "holdout_test" and _decision() == "stop",
                hint="Тест с контрольной группой нужен, когда интервал накрывает бюджет. Здесь даже верхняя граница валовой прибыли первого года ниже бюджета: по верхней границе бутстреп-интервала программа за первый год не окупается (а сам интервал держится на четырёх сделках)."),
    ],
    correct_message="Верно: в первый год даже верхняя граница эффекта не окупает бюджет за те же девять месяцев. Посмотрите, что будет за срок жизни клиента из раздела 1.1.2, — и почему следующей волне нужна контрольная группа.",
)

# ---------------------------------------------------------------------------
# Квизы
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Сделки mid-market, где к закрытию вовлечены три роли и больше, выигрываются чаще. Что из этого следует?",
            (
                Option("Надо вовлекать больше ролей — win rate вырастет на эту разницу", False,
                       "Это связь, а не эффект: сделка, которая и так идёт к выигрышу, доходит до закупок и финансов; проигранная обрывается раньше."),
                Option("Охват комитета — полезный сигнал здоровья сделки, а его эффект нужно проверять отдельно", True,
                       "Да: как сигнал для прогноза охват работает, но разницу win rate нельзя приписать охвату — направление причинности может быть обратным."),
                Option("Ничего: роли никак не связаны с исходом", False,
                       "Связь есть и сильная — вопрос в том, что она значит."),
            ),
        ),
        Question(
            "Почему уровень 1:1 ограничивают числом AE, а не списком «лучших аккаунтов»?",
            (
                Option("1:1 — персональная работа: план аккаунта, встречи с комитетом, свои материалы; один AE ведёт лишь несколько таких аккаунтов", True,
                       "Да: сверх мощности команды 1:1 превращается в 1:many с дорогим бюджетом."),
                Option("Чтобы аккаунтов 1:1 было ровно столько же, сколько AE", False,
                       "Не обязательно поровну: мощность команды — AE × сколько аккаунтов один AE ведёт параллельно с обычным пайплайном."),
                Option("Потому что у остальных аккаунтов нет потенциала", False,
                       "Потенциал есть и у 1:few, и у 1:many — им просто достаётся менее дорогая работа."),
            ),
        ),
        Question(
            "Чем сигнал намерения отличается от соответствия ICP?",
            (
                Option("Ничем, это два названия одного балла", False,
                       "Это разные вопросы: «подходит ли» и «покупает ли сейчас». В наших данных баллы к тому же почти не коррелируют — так их построил генератор."),
                Option("ICP — подходит ли компания вообще; намерение — покупает ли она сейчас", True,
                       "Да: идеальный по ICP аккаунт, который только что купил конкурента, сейчас не в рынке."),
                Option("Намерение важнее ICP, ICP можно не считать", False,
                       "Намерение без ICP приводит к горячим, но неподходящим компаниям с малым чеком и высоким оттоком."),
            ),
        ),
    ],
)

quiz_abm = Quiz(
    id=SECTION + ".measure",
    questions=[
        Question(
            "Компании ABM-программы дали в разы больше пайплайна, чем остальные. Почему это ещё не эффект программы?",
            (
                Option("В программу выбирали по намерению — компании, которые и так собирались покупать", True,
                       "Да: это смещение отбора. Сравнивать надо с похожими по баллам компаниями вне программы."),
                Option("Потому что разница не значима", False,
                       "Здесь наивный интервал и правда накрывает ноль, но дело не в этом: даже значимая разница при неслучайном отборе — не эффект программы."),
                Option("Это эффект, просто его надо умножить на маржу", False,
                       "Сначала надо убрать из разницы отбор, иначе в рубли переводится не эффект программы."),
            ),
        ),
        Question(
            "Когда разность разностей даёт честную оценку эффекта?",
            (
                Option("Когда без программы пайплайн обеих групп менялся бы одинаково — параллельные тренды", True,
                       "Да. Проверяют это по периодам до старта: если группы расходились ещё до программы, оценка смещена."),
                Option("Всегда: вычитание «до» убирает любые различия групп", False,
                       "Убирает только постоянные различия. Отбор по свежему всплеску намерения даёт разные тренды."),
                Option("Когда групп больше двух", False, "Число групп тут ни при чём."),
            ),
        ),
        Question(
            "Интервал эффекта на пайплайн накрывает ноль, а охват комитета в программе вырос. Как доложить результат?",
            (
                Option("Программа работает: охват вырос, значит, вырастут и сделки", False,
                       "Рост охвата — опережающий показатель, а не деньги; связь охвата с выигрышем не доказывает эффекта."),
                Option("Программа не влияет ни на что", False,
                       "На охват комитета она влияет — это видно всеми тремя способами."),
                Option("Охват вырос; влияние на пайплайн за девять месяцев не обнаружено и в рублях не окупает бюджет; следующая волна — с контрольной группой", True,
                       "Да: честный отчёт разделяет то, что измерено, и то, на что надеются."),
            ),
        ),
    ],
)
