"""Упражнения раздела 10.1 «KPI и OKR».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.kpi``; каждая типичная
ошибка — тот же расчёт с одной конкретной ошибкой (открытые сделки в win rate,
план без учёта выхода на продуктивность, покрытие от годового плана, новые клиенты в NRR…).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Function, Mistake, Number, Table
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import acquisition, course, kpi

SECTION = "ch10.kpi"
TITLE = "10.1. KPI и OKR"


#: KPI-кандидаты для премии SDR в упражнении 6 (коды столбцов таблицы ``kpi.activity_funnel``).
KPI_CANDIDATES = ("calls", "meetings_held", "pipeline_rub")

#: OKR руководителя продаж на 2025 год: цели (цифры плана, их ставит компания).
OKR_TARGETS = {"bookings_rub": 450_000_000, "nrr": 1.25, "cycle_days": 21, "win_rate": 0.40}


# ---------------------------------------------------------------------------
# 1. Win rate
# ---------------------------------------------------------------------------


def _mid() -> pd.DataFrame:
    o = table("opportunities")
    return o[o["segment"].eq("mid_market")]


def _win_rate_with_open() -> float:
    o = _mid()
    won = (o["outcome"].eq("won") & acquisition.in_period(o["close_date"], *course.YEAR_2025)).sum()
    closed = len(kpi.closed_deals(o, *course.YEAR_2025))
    still_open = (o["outcome"].eq("open") & acquisition.in_period(o["created_date"], *course.YEAR_2025)).sum()
    return won / (closed + still_open)


def _win_rate_by_created() -> float:
    o = _mid()
    created = o[acquisition.in_period(o["created_date"], *course.YEAR_2025)]
    return float(created["outcome"].eq("won").mean())


q1 = Exercise(
    id="ch10.kpi.q1",
    title="Win rate mid-market за 2025 год",
    var="win_rate_mid_2025",
    expected=lambda: kpi.win_rate(_mid(), *course.YEAR_2025),
    compare=Number(rel_tol=0.002),
    hints=[
        "Win rate считается только по закрытым сделкам: выигранные / (выигранные + проигранные) с датой закрытия в 2025 году.",
        "Отфильтруйте opps по segment == 'mid_market', затем kpi.closed_deals(..., *course.YEAR_2025) и долю outcome == 'won'. Ответ — доля, не проценты.",
    ],
    mistakes=[
        Mistake(name="open_in_denominator", value=_win_rate_with_open,
                hint="В знаменатель попали открытые сделки. Их исход ещё неизвестен: каждая открытая сделка занижает win rate, хотя её могут выиграть завтра."),
        Mistake(name="by_created_date", value=_win_rate_by_created,
                hint="Вы взяли сделки, созданные в 2025 году, вместе с открытыми. Win rate периода — по сделкам, закрытым в период (по close_date)."),
        Mistake(name="all_segments", value=lambda: kpi.win_rate(table("opportunities"), *course.YEAR_2025),
                hint="Это win rate всех сегментов. Нужен только mid-market: segment == 'mid_market'."),
    ],
)

# ---------------------------------------------------------------------------
# 2. Выполнение плана по командам с учётом выхода на продуктивность
# ---------------------------------------------------------------------------


def _team_attainment(ramp: bool = True) -> pd.DataFrame:
    return kpi.quota_attainment(table("opportunities"), table("reps"), *course.YEAR_2025, by="team", ramp=ramp)


def _team_attainment_full_year() -> pd.DataFrame:
    """Ошибка: каждому AE, работавшему в 2025 году, — полный годовой план."""
    reps = table("reps")
    active = reps[reps["role"].eq("AE") & (reps["hire_date"] <= course.YEAR_2025[1]) & ~(reps["exit_date"] < course.YEAR_2025[0])]
    frame = _team_attainment().copy()
    frame["quota_rub"] = active.groupby("team")["annual_quota_rub"].sum().reindex(frame.index)
    frame["attainment"] = frame["bookings_rub"] / frame["quota_rub"]
    return frame


q2 = Exercise(
    id="ch10.kpi.q2",
    title="Выполнение плана команд AE за 2025 год с учётом выхода на продуктивность",
    var="team_attainment",
    expected=lambda: _team_attainment(),
    compare=Table(key="team", columns=["bookings_rub", "quota_rub", "attainment"]),
    hints=[
        "План команды — сумма помесячных планов её AE: kpi.monthly_quota(reps, *course.YEAR_2025) уже учитывает найм, увольнение и выход на продуктивность.",
        "Выигранный ACV — kpi.won_deals(opps, ...) с командой владельца: reps.set_index('rep_id')['team']. Назовите индекс team (.rename('team') у Series для группировки); attainment = bookings_rub / quota_rub, доля.",
    ],
    mistakes=[
        Mistake(name="no_ramp", value=lambda: _team_attainment(ramp=False),
                hint="План посчитан без учёта выхода на продуктивность: новичку в первые месяцы выставлен полный план. Умножьте месячный план на min(k / ramp_months, 1) — это делает kpi.monthly_quota."),
        Mistake(name="full_year_quota", value=_team_attainment_full_year,
                hint="Каждому AE выставлен полный годовой план, даже тем, кто пришёл в середине года или ушёл. План считается по отработанным месяцам и с учётом выхода на продуктивность."),
    ],
)

# ---------------------------------------------------------------------------
# 3. Покрытие пайплайна
# ---------------------------------------------------------------------------


def _coverage() -> pd.Series:
    return kpi.pipeline_coverage(table("opportunities"), table("reps"), course.AS_OF_Q3_2025, *course.YEAR_2025)


def _coverage_with_later_hires() -> float:
    """Ошибка: в план попали AE, нанятые после даты среза (взгляд из будущего)."""
    c = _coverage()
    quota = kpi.monthly_quota(table("reps"), *course.YEAR_2025)["quota_rub"].sum()
    return float(c["open_pipeline_rub"] / (quota - c["won_to_date_rub"]))


def _coverage_without_leavers() -> float:
    """Ошибка: план только AE, работающих на дату среза, а выигрыши ушедших AE остались в «уже выиграно»."""
    c = _coverage()
    reps = table("reps")
    cut = pd.Timestamp(course.AS_OF_Q3_2025)
    gone = reps.loc[reps["exit_date"] <= cut, "rep_id"]
    quota = kpi.monthly_quota(reps, *course.YEAR_2025, as_of=cut)
    remaining = quota.loc[~quota["rep_id"].isin(gone), "quota_rub"].sum() - c["won_to_date_rub"]
    return float(c["open_pipeline_rub"] / remaining)


def _coverage_lookahead() -> float:
    o = table("opportunities")
    now_open = o[o["outcome"].eq("open")]["amount_rub"].sum()
    return float(now_open / _coverage()["remaining_quota_rub"])


q3 = Exercise(
    id="ch10.kpi.q3",
    title="Покрытие пайплайна на 30.09.2025",
    var="coverage_sep",
    expected=lambda: _coverage()["coverage"],
    compare=Number(rel_tol=0.005),
    hints=[
        "Пайплайн — сделки, открытые на 30.09.2025: kpi.open_pipeline(opps, course.AS_OF_Q3_2025). Статус outcome сейчас — это статус на конец данных, а не на дату среза.",
        "Оставшийся план = план 2025 года с учётом выхода на продуктивность всех AE, нанятых не позже 30.09 (kpi.monthly_quota(..., as_of=course.AS_OF_Q3_2025): ушедшим — до даты увольнения, остальным — до конца года), минус ACV, выигранный с января по 30 сентября. Покрытие = пайплайн / оставшийся план.",
    ],
    mistakes=[
        Mistake(name="annual_quota", value=lambda: _coverage()["open_pipeline_rub"] / _coverage()["period_quota_rub"],
                hint="Пайплайн поделён на весь годовой план. Три квартала уже прошли, и выигранное в них закрывать не нужно: делите на оставшийся план (план − уже выиграно)."),
        Mistake(name="lookahead", value=_coverage_lookahead,
                hint="Вы взяли сделки с outcome == 'open' — открытые на конец данных (31.12.2025). На 30.09 открыты были другие: фильтруйте по датам создания и закрытия."),
        Mistake(name="later_hires", value=_coverage_with_later_hires,
                hint="В план попали AE, нанятые после 30.09.2025: на дату среза о них ещё не знали. Постройте план на дату среза: kpi.monthly_quota(reps, *course.YEAR_2025, as_of=course.AS_OF_Q3_2025)."),
        Mistake(name="without_leavers", value=_coverage_without_leavers,
                hint="Вы убрали план AE, ушедших до 30.09, но их выигрыши остались в «уже выиграно с января». Знаменатель тогда не сходится с вычитаемым: план ушедших считается до даты увольнения."),
    ],
)

# ---------------------------------------------------------------------------
# 4. NRR
# ---------------------------------------------------------------------------


def _retention() -> pd.Series:
    return kpi.revenue_retention(table("mrr"), course.DECEMBER_2024, course.DECEMBER_2025)


def _nrr_with_new() -> float:
    m = table("mrr")
    return float(m.loc[m["month"].eq(course.DECEMBER_2025), "mrr_rub"].sum() / m.loc[m["month"].eq(course.DECEMBER_2024), "mrr_rub"].sum())


q4 = Exercise(
    id="ch10.kpi.q4",
    title="NRR за 2025 год",
    var="nrr_2025",
    expected=lambda: _retention()["nrr"],
    compare=Number(rel_tol=0.002),
    hints=[
        "Когорта — клиенты с MRR > 0 в декабре 2024. NRR = их MRR в декабре 2025 / их MRR в декабре 2024.",
        "Ушедших клиентов в декабре 2025 года в таблице нет — считайте их MRR нулём (reindex(...).fillna(0)). Новых клиентов 2025 года в числителе быть не должно.",
    ],
    mistakes=[
        Mistake(name="with_new_customers", value=_nrr_with_new,
                hint="В числитель попали новые клиенты 2025 года. Это рост MRR, а не удержание: NRR считают только по клиентам, которые платили в начале периода."),
        Mistake(name="grr", value=lambda: _retention()["grr"],
                hint="Это GRR: MRR каждого клиента ограничен начальным, расширения не засчитаны. В NRR расширения входят."),
    ],
)

# ---------------------------------------------------------------------------
# 5. Magic number
# ---------------------------------------------------------------------------


def _mn_parts() -> tuple[pd.Series, pd.Series]:
    return kpi.quarterly_revenue(table("mrr")), kpi.quarterly_sm_expense(table("marketing_spend"), table("sm_costs"))


def _q(label: str) -> pd.Period:
    return pd.Period(label, freq="Q")


def _mn(no_lag: bool = False, annualize: float = 4.0) -> float:
    rev, sm = _mn_parts()
    spend = sm[_q("2025Q4")] if no_lag else sm[_q("2025Q3")]
    return float((rev[_q("2025Q4")] - rev[_q("2025Q3")]) * annualize / spend)


def _mn_net_new_arr() -> float:
    m = table("mrr")
    arr = m.groupby("month")["mrr_rub"].sum() * 12
    _, sm = _mn_parts()
    return float((arr[pd.Timestamp(course.DECEMBER_2025)] - arr[pd.Timestamp("2025-09-01")]) / sm[_q("2025Q3")])


q5 = Exercise(
    id="ch10.kpi.q5",
    title="Magic number за IV квартал 2025 года",
    var="magic_number_q4",
    expected=lambda: _mn(),
    compare=Number(rel_tol=0.005),
    hints=[
        "Вариант Scale Venture Partners: (выручка IV кв. − выручка III кв.) × 4 / затраты на продажи и маркетинг III квартала.",
        "Выручка квартала — kpi.quarterly_revenue(mrr); затраты — kpi.quarterly_sm_expense(spend, costs). Индекс — pd.Period('2025Q4', freq='Q').",
    ],
    mistakes=[
        Mistake(name="no_lag", value=lambda: _mn(no_lag=True),
                hint="Затраты взяты за тот же квартал. В magic number затраты — прошлого квартала: деньги, потраченные в III квартале, дают прирост выручки в IV."),
        Mistake(name="not_annualized", value=lambda: _mn(annualize=1.0),
                hint="Прирост квартальной выручки не умножен на 4. Magic number сравнивает годовой прирост выручки с квартальными затратами."),
        Mistake(name="net_new_arr", value=_mn_net_new_arr,
                hint="Это вариант через чистый новый ARR (MRR декабря − MRR сентября) × 12. Он тоже встречается, но в упражнении — вариант Scale по выручке кварталов."),
    ],
)

# ---------------------------------------------------------------------------
# 6. KPI, который поощряет не то поведение
# ---------------------------------------------------------------------------


def gameability() -> pd.DataFrame:
    """Насколько дёшево сдвинуть число звонков, по ролям за 2025 год: доля недозвонов
    (``no_answer``, разговор 0 секунд) и звонков на одну проведённую встречу."""
    acts = table("activities")
    acts = acts[acts["lead_id"].notna() & acquisition.in_period(acts["date"], *course.YEAR_2025)]
    role = acts["rep_id"].map(table("reps").set_index("rep_id")["role"])
    calls = acts["type"].eq("call")
    held = acts["type"].eq("meeting") & acts["outcome"].eq("held")
    return pd.DataFrame({
        "no_answer_share": acts.loc[calls, "outcome"].eq("no_answer").groupby(role[calls]).mean(),
        "no_answer_max_sec": acts.loc[calls & acts["outcome"].eq("no_answer"), "duration_sec"].groupby(role[calls]).max(),
        "calls_per_meeting": calls.groupby(role).sum() / held.groupby(role).sum(),
    })


q6 = Exercise(
    id="ch10.kpi.q6",
    title="KPI, который легко накрутить",
    var="bad_kpi",
    expected=lambda: "calls",
    compare=Choice(list(KPI_CANDIDATES)),
    hints=[
        "Звонки — activities с type == 'call'; доля недозвонов — .eq('no_answer').mean() по ролям, роль — reps.set_index('rep_id')['role'].",
        "Накрутить KPI — сдвинуть его, не сдвинув результат. Что дешевле добавить: звонок (набор номера, даже без ответа), встречу (нужен клиент, который пришёл) или пайплайн (нужна сделка, принятая AE)? Ответ — код столбца строкой.",
    ],
    mistakes=[
        Mistake(name="meetings", matches=lambda a: a == "meetings_held",
                hint="Проведённую встречу не добавить без клиента, который на неё пришёл. Риск у этого KPI другой — встречи ради встреч, поэтому встречу засчитывают, только если AE принял лида в SQL. А какую долю звонков составляют недозвоны?"),
        Mistake(name="pipeline", matches=lambda a: a == "pipeline_rub",
                hint="Пайплайн в рублях ближе всего к деньгам. Его слабость — завышенные суммы в ранних сделках, поэтому его считают по ACV, подтверждённому AE. Но набором номера он не растёт."),
    ],
    correct_message="Большинство звонков по лидам — недозвоны длительностью 0 секунд, и звонков на одну встречу — единицы у SDR и десятки у BDR. "
                    "Число звонков растёт от набора номера, а не от встреч и денег: премия за звонки покупает активность. Платите за проведённые встречи, принятые AE, "
                    "смотрите на звонки как на диагностику и сравнивайте людей только внутри роли.",
)

# ---------------------------------------------------------------------------
# 7. Функция оценки ключевого результата
# ---------------------------------------------------------------------------


def _kr_cases() -> list[tuple[tuple, float]]:
    cases = [
        (120.0, 200.0, 100.0),   # рост: пройдена пятая часть пути
        (250.0, 200.0, 100.0),   # перевыполнение → 1
        (90.0, 200.0, 100.0),    # откат ниже базы → 0
        (50.0, 45.0, 60.0),      # цель «вниз»: цикл с 60 до 45 дней, факт 50
        (30.0, 45.0, 60.0),      # цель «вниз» перевыполнена → 1
        (0.33, 0.35, 0.30),      # win rate
    ]
    return [(args, kpi.score_key_result(*args)) for args in cases]


def _safe(fn, *args):
    try:
        return float(fn(*args))
    except Exception:
        return float("nan")


q7 = Exercise(
    id="ch10.kpi.q7",
    title="Функция оценки ключевого результата",
    var="score_kr",
    compare=Function(cases=_kr_cases, compare=Number(rel_tol=1e-6, abs_tol=1e-9)),
    hints=[
        "Оценка — доля пути от базы к цели: (actual − baseline) / (target − baseline).",
        "Обрежьте результат до отрезка [0, 1]: min(max(x, 0), 1). Формула сама работает для целей «вниз» — знаменатель тогда отрицательный.",
    ],
    mistakes=[
        Mistake(name="not_clipped_high", matches=lambda fn: _safe(fn, 250.0, 200.0, 100.0) > 1 + 1e-9,
                hint="Перевыполнение даёт оценку больше 1. По шкале OKR максимум — 1,0: обрежьте сверху, иначе один перевыполненный KR прячет проваленные."),
        Mistake(name="not_clipped_low", matches=lambda fn: _safe(fn, 90.0, 200.0, 100.0) < -1e-9,
                hint="Откат ниже базы даёт отрицательную оценку. Минимум шкалы — 0: обрежьте снизу."),
        Mistake(name="no_baseline", matches=lambda fn: abs(_safe(fn, 120.0, 200.0, 100.0) - 0.6) < 1e-6,
                hint="Вы делите факт на цель и не учитываете базу. Если выручка была 100 и выросла до 120 при цели 200, пройдена пятая часть пути, а не 60 %."),
        Mistake(name="down_target", matches=lambda fn: abs(_safe(fn, 50.0, 45.0, 60.0) - 2 / 3) > 1e-6,
                hint="Не работает цель «вниз»: цикл с 60 до 45 дней при факте 50 — это две трети пути, оценка около 0,67. Формула (факт − база) / (цель − база) справляется сама, без особых случаев."),
    ],
    correct_message="Функция работает и для целей «вверх», и для целей «вниз», и не даёт перевыполнению спрятать провал.",
)

# ---------------------------------------------------------------------------
# 8. Решение: оценка OKR руководителя продаж
# ---------------------------------------------------------------------------


def _okr_actuals(new_customers_only: bool = False) -> pd.DataFrame:
    o = table("opportunities")
    m = table("mrr")
    if new_customers_only:  # типичная ошибка: новый ACV только по сделкам с новыми клиентами
        from salesbook.toolkit import planning
        r = table("reps")
        base_new = planning.segment_productivity(o, r, *course.YEAR_2024)["won_acv"].sum()
        actual_new = planning.segment_productivity(o, r, *course.YEAR_2025)["won_acv"].sum()
    base = {
        "bookings_rub": kpi.won_deals(o, *course.YEAR_2024)["amount_rub"].sum(),
        "nrr": kpi.revenue_retention(m, course.DECEMBER_2023, course.DECEMBER_2024)["nrr"],
        "cycle_days": kpi.median_cycle(o, *course.YEAR_2024),
        "win_rate": kpi.win_rate(o, *course.YEAR_2024),
    }
    actual = {
        "bookings_rub": kpi.won_deals(o, *course.YEAR_2025)["amount_rub"].sum(),
        "nrr": kpi.revenue_retention(m, course.DECEMBER_2024, course.DECEMBER_2025)["nrr"],
        "cycle_days": kpi.median_cycle(o, *course.YEAR_2025),
        "win_rate": kpi.win_rate(o, *course.YEAR_2025),
    }
    if new_customers_only:
        base["bookings_rub"], actual["bookings_rub"] = base_new, actual_new
    return pd.DataFrame({"baseline": base, "target": OKR_TARGETS, "actual": actual}).astype(float)


def _okr_score(kind: str = "right") -> float:
    t = _okr_actuals(new_customers_only=kind == "new_customers_only")
    if kind in ("right", "new_customers_only"):
        scores = kpi.score_key_result(t["actual"], t["target"], t["baseline"])
    elif kind == "share_of_target":
        scores = np.clip(t["actual"] / t["target"], 0, 1)
    elif kind == "down_as_up":
        ratio = np.clip((t["actual"] - t["baseline"]) / (t["target"] - t["baseline"]), 0, 1)
        ratio["cycle_days"] = min(t.loc["cycle_days", "actual"] / t.loc["cycle_days", "target"], 1.0)
        scores = ratio
    else:  # pragma: no cover
        raise ValueError(kind)
    return kpi.score_objective(scores)


def _okr_not_clipped() -> float:
    t = _okr_actuals()
    return float(((t["actual"] - t["baseline"]) / (t["target"] - t["baseline"])).mean())


q8 = Exercise(
    id="ch10.kpi.q8",
    title="Оценка OKR руководителя продаж за 2025 год",
    var="okr_score",
    expected=lambda: _okr_score(),
    compare=Number(rel_tol=0.005),
    hints=[
        "База каждого KR — факт 2024 года, цель — из таблицы okr, факт — 2025 год. Оценка KR = kpi.score_key_result(факт, цель, база).",
        "Оценка цели — среднее оценок четырёх KR (kpi.score_objective). Цикл — цель «вниз»: функция справится сама.",
    ],
    mistakes=[
        Mistake(name="not_clipped", value=_okr_not_clipped,
                hint="Оценки KR не обрезаны до [0, 1]: цикл и win rate откатились от базы и дали отрицательные оценки, которые утянули среднее вниз. По шкале OKR провал — это 0, не минус."),
        Mistake(name="share_of_target", value=lambda: _okr_score("share_of_target"),
                hint="Вы оценили KR как факт / цель. Так высокую оценку получают и KR, которые откатились ниже базы, — например, упавший win rate. Оценка — доля пути от базы к цели."),
        Mistake(name="down_as_up", value=lambda: _okr_score("down_as_up"),
                hint="Цикл сделки оценён как цель «вверх» (факт / цель). Для цели «вниз» считайте (факт − база) / (цель − база) — знаменатель отрицательный, формула та же."),
        Mistake(name="new_customers_only", value=lambda: _okr_score("new_customers_only"),
                hint="Вы посчитали новый ACV только по сделкам с новыми клиентами (как план раздела 1.3). В этом OKR новый ACV — все выигранные "
                     "сделки года, включая допродажи, как в дереве KPI: kpi.won_deals(opps, ...)['amount_rub'].sum() — и для базы 2024 года, и для факта 2025-го."),
    ],
    correct_message="Оценка — в «красной» зоне по шкале Google: новый ACV и NRR выросли, но прошли лишь часть пути к цели, а цикл и win rate оказались хуже базы 2024 года, и их оценка — 0. "
                    "Это тот же «рост объёмом», что и в дереве KPI: нового бизнеса больше, качество воронки хуже. На разборе года обсуждают именно это — "
                    "почему упал win rate SMB и вырос цикл, — а не премию: её считают от выполнения плана. Свяжи премию с OKR — и следующие цели поставят так, чтобы их наверняка выполнить.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Какой из показателей — опережающий для новой выручки следующего квартала?",
            (
                Option("Покрытие пайплайна на начало квартала", True, "Пайплайн существует до того, как сделки выиграны, и по нему можно успеть что-то изменить."),
                Option("Выполнение плана за прошлый квартал", False, "Это запаздывающий показатель: он фиксирует результат, на который уже не повлиять."),
                Option("NRR за прошлый год", False, "NRR запаздывает: он итожит продления и расширения, которые уже случились."),
                Option("Magic number прошлого квартала", False, "Magic number считается по уже полученной выручке — это оценка эффективности задним числом."),
            ),
        ),
        Question(
            "Новичок-AE со сроком выхода на продуктивность 6 месяцев пришёл 1 июля. Его годовой план — 60 млн ₽. Какой план на 2025 год честно выставить ему по правилу курса (линейный выход на продуктивность)?",
            (
                Option("30 млн ₽: половина года", False, "Это пропорция отработанных месяцев без учёта выхода на продуктивность: новичок в июле не продаёт как опытный AE."),
                Option("17,5 млн ₽: 5 млн ₽ × (1 + 2 + … + 6) / 6", True, "Месячный план 5 млн ₽ умножается на 1/6, 2/6, … 6/6 — сумма коэффициентов 21/6 = 3,5 месяца полного плана."),
                Option("60 млн ₽: план есть план", False, "Полный годовой план человеку, который отработал полгода и только выходил на продуктивность, гарантирует «провал» и искажает выполнение плана команды."),
            ),
        ),
        Question(
            "NRR компании — 120 %, GRR — 75 %. Что это значит?",
            (
                Option("Клиенты уходят много, а оставшиеся сильно расширяются", True, "GRR показывает потери (четверть выручки базы за год), NRR — что расширения их перекрыли. Это хрупко: рост держится на немногих клиентах."),
                Option("Удержание отличное: NRR выше 100 %", False, "NRR скрывает отток за расширениями. GRR 75 % — значит, четверть выручки базы ушла."),
                Option("Ошибка в расчёте: GRR не может быть ниже NRR на 45 п. п.", False, "Может: разница между NRR и GRR — это расширения, и у крупных клиентов она бывает большой."),
            ),
        ),
    ],
)
