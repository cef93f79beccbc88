"""Упражнения раздела 5.4 «Карьерные треки и мотивация», часть 1: лестница и переходы.

Эталоны считаются из данных курса функциями ``salesbook.toolkit.careers`` (правило повышения
на ``kpi.quota_attainment``, время в грейде по Каплану — Мейеру, цена замены продавца на
``planning.ramp_factor`` и ``planning.segment_productivity``); каждая типичная ошибка — тот же
расчёт с одной ошибкой (только повышенные, цензурированные как события, среднее вместо
«3 из 4», неполная история, выход на продуктивность как пустые месяцы, забытая замена…).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import BlankError, Exercise, Invalid, Mistake, Number, ___
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import careers, course, hiring, kpi, planning, roles, unit_economics

SECTION = "ch05.careers"
TITLE = "5.4. Карьерные треки и мотивация, часть 1: лестница и переходы"

#: Дата следующей калибровки, на которую проверяют правило повышения (упражнение 2).
NEXT_REVIEW = "2026-01-01"
#: Сценарий упражнения 3 (допущения задачи, а не данные): перевод специалиста внедрения в AE
#: mid-market — передача дел полмесяца (перевод по ст. 72.1 ТК РФ с письменного согласия),
#: выход на продуктивность на два месяца короче (знает продукт и клиентов), но его место во внедрении закрывают наймом.
INTERNAL_VACANCY_MONTHS = 0.5
INTERNAL_RAMP_CUT_MONTHS = 2
INTERNAL_BACKFILL_RUB = 400_000


# ---------------------------------------------------------------------------
# 1. Время до повышения по Каплану — Мейеру
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _ae_spells() -> pd.DataFrame:
    spells = careers.grade_spells(table("career_events"), course.DATA_END)
    return spells[spells["role"].eq("AE") & spells["grade"].eq("specialist")]


def _all_specialists() -> pd.DataFrame:
    spells = careers.grade_spells(table("career_events"), course.DATA_END)
    return spells[spells["grade"].eq("specialist")]


def _promotion_km(frame: pd.DataFrame | None = None, event: pd.Series | None = None) -> float:
    s = _ae_spells() if frame is None else frame
    tt = careers.time_to_event(s, "promotion")
    hit = tt["event"] if event is None else event.astype(float)
    return float(careers.km_median_ci(tt["months"], hit)["median"])


q1 = Exercise(
    id="ch05.careers.q1",
    title="Сколько AE ждут первого повышения",
    var="km_median_promotion_ae",
    expected=_promotion_km,
    compare=Number(rel_tol=0.01),
    hints=[
        "careers.grade_spells(events, course.DATA_END) даёт периоды «человек в грейде»; возьмите AE в грейде specialist.",
        "careers.time_to_event(spells, 'promotion') превращает их в длительности и признак события: уход и дата среза — цензурирование. Медиана — careers.km_median_ci(...)['median'], в месяцах.",
    ],
    mistakes=[
        Mistake(name="promoted_only", value=lambda: float(_ae_spells().loc[_ae_spells()["ended_by"].eq("promotion"), "months"].median()),
                hint="Это медиана только повышенных. Те, кто ещё ждёт, и те, кто ушёл, не дождавшись, выпали — а они ждали дольше. Их нужно учесть как цензурированные наблюдения."),
        Mistake(name="promoted_mean", value=lambda: float(_ae_spells().loc[_ae_spells()["ended_by"].eq("promotion"), "months"].mean()),
                hint="Это среднее по повышенным: выброшены все, кто ещё не дождался. Нужна медиана Каплана — Мейера по всем AE-специалистам."),
        Mistake(name="censored_as_events", value=lambda: _promotion_km(event=pd.Series(1.0, index=_ae_spells().index)),
                hint="Все периоды посчитаны как завершившиеся повышением — и уход, и «ещё в грейде на 31.12.2025». Событие — только повышение (ended_by == 'promotion')."),
        Mistake(name="all_roles", value=lambda: _promotion_km(_all_specialists()),
                hint="В расчёт попали все роли. Вопрос про AE: у SDR, CSM и SE свои правила и сроки в грейде."),
        Mistake(name="days", value=lambda: _promotion_km() * 365.25 / 12,
                hint="Похоже, ответ в днях. Нужны месяцы: столбец months в grade_spells."),
    ],
)

# ---------------------------------------------------------------------------
# 2. Кто выполняет правило повышения
# ---------------------------------------------------------------------------


class RepSet:
    """Набор идентификаторов сотрудников (список, множество, Series или Index строк ``R…``)."""

    def normalize(self, value: Any) -> frozenset:
        if value is ___:
            raise BlankError()
        if isinstance(value, pd.DataFrame):
            raise Invalid("Нужен список идентификаторов rep_id, а не таблица: возьмите её index или столбец rep_id.")
        if isinstance(value, str):
            value = [value]
        if isinstance(value, (pd.Series, pd.Index)):
            value = value.tolist()
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise Invalid("Нужен список идентификаторов сотрудников, например ['R004', 'R009'].")
        items = []
        for v in value:
            if v is ___:
                raise BlankError()
            if not isinstance(v, str) or not v.strip().upper().startswith("R"):
                raise Invalid(f"{v!r} — не идентификатор сотрудника (нужны строки вида 'R004').")
            items.append(v.strip().upper())
        return frozenset(items)

    def equal(self, answer: frozenset, expected: Any) -> bool:
        return answer == frozenset(expected)

    def generic_hint(self, answer: frozenset, expected: Any) -> str | None:
        want = frozenset(expected)
        extra, missing = len(answer - want), len(want - answer)
        if extra and not missing:
            return f"Лишних в списке: {extra}. Проверьте, что все четыре квартала окна были с планом и порог — 90 %."
        if missing and not extra:
            return f"Не хватает {missing}. Правило — 3 квартала из 4 с выполнением ≥ 90 %, а не все четыре."
        return None


@lru_cache(maxsize=1)
def _attainment() -> pd.DataFrame:
    return careers.quarterly_attainment(table("opportunities"), table("reps"), "2023-01-01", "2025-12-31")


@lru_cache(maxsize=1)
def _attainment_raw() -> pd.DataFrame:
    """Ошибка ученика: выполнение по кварталам kpi.quota_attainment по всем сделкам, включая закрытые после ухода AE."""
    reps, opps = table("reps"), table("opportunities")
    cols = {}
    for q in pd.period_range("2023-01-01", "2025-12-31", freq="Q"):
        cols[str(q)] = kpi.quota_attainment(opps, reps, q.start_time.strftime("%Y-%m-%d"), q.end_time.strftime("%Y-%m-%d"))["attainment"]
    return pd.DataFrame(cols)


def _active_on(day) -> set:
    reps = table("reps")
    cut = pd.Timestamp(day)
    ok = reps["role"].eq("AE") & (reps["hire_date"] < cut) & (reps["exit_date"].isna() | (reps["exit_date"] > cut))
    return set(reps.loc[ok, "rep_id"])


def _ready(need: int = 3, mean: bool = False, partial: bool = False, active: bool = True, as_of: str = NEXT_REVIEW,
           raw: bool = False) -> list:
    rule = careers.promotion_rule(_attainment_raw() if raw else _attainment(), as_of, need=need)
    if mean:
        ok = (rule["quarters_reviewed"] == 4) & (rule["mean_attainment"] >= 0.9)
    elif partial:
        ok = (rule["quarters_reviewed"] >= 3) & (rule["quarters_met"] >= 3)
    else:
        ok = rule["rule_met"]
    ids = set(rule.index[ok])
    return sorted(ids & _active_on(NEXT_REVIEW) if active else ids)


q2 = Exercise(
    id="ch05.careers.q2",
    title="Кто готов к повышению на калибровке 1 января 2026 года",
    var="promotion_ready",
    expected=_ready,
    compare=RepSet(),
    hints=[
        "careers.quarterly_attainment(opps, reps, '2023-01-01', '2025-12-31') — выполнение плана AE по кварталам (с учётом выхода на продуктивность, как в kpi.quota_attainment).",
        "careers.promotion_rule(att, '2026-01-01') берёт четыре квартала 2025 года; нужны AE с rule_met == True, которые работают на 1 января 2026 года. Ответ — список rep_id.",
    ],
    mistakes=[
        Mistake(name="mean_attainment", value=lambda: _ready(mean=True),
                hint="Это правило «среднее выполнение за год ≥ 90 %». Один огромный квартал (крупная сделка) вытягивает среднее у того, кто три квартала из четырёх провалил. Правило — 3 квартала из 4 не ниже 90 %."),
        Mistake(name="all_four", value=lambda: _ready(need=4),
                hint="Это «все 4 квартала ≥ 90 %». Правило мягче: достаточно 3 кварталов из 4 — один провальный квартал (сделка сдвинулась на январь) не лишает повышения."),
        Mistake(name="wrong_window", value=lambda: _ready(as_of="2025-12-31"),
                hint="Окно сдвинуто на квартал назад: на 31.12.2025 четвёртый квартал 2025 года ещё не закрыт. Калибровка 1 января 2026 года смотрит на четыре квартала 2025 года."),
        Mistake(name="with_leavers", value=lambda: _ready(active=False, partial=True, raw=True),
                hint="В списке есть тот, кто к 1 января 2026 года уже ушёл, и у него неполная история; похоже, ему засчитаны и сделки, закрытые после ухода. Повышать можно только работающих, по четырём кварталам с планом, и выполнение — без сделок после ухода (careers.quarterly_attainment)."),
    ],
)

# ---------------------------------------------------------------------------
# 3. Заменить ушедшего AE: перевод изнутри или найм снаружи
# ---------------------------------------------------------------------------


@lru_cache(maxsize=4)
def replacement_inputs(segment: str = "mid_market") -> dict:
    """Входы цены замены AE сегмента из данных, 2025 год.

    По порядку ключей: ACV на продуктивный месяц (planning.segment_productivity); медиана срока выхода
    на продуктивность AE сегмента из reps; медиана месяцев от ухода AE сегмента до найма следующего
    (careers.vacancy_months, один найм на уход); гонорар агентства (hiring.agency_fee_for, тот же,
    что в разделе 5.1); валовая маржа B2B 2025 года (unit_economics.gross_margin_for_period, как в 5.1);
    полная стоимость месяца AE 2025 года (roles.loaded_cost, раздел 4.1), которую не платят, пока место пустует.
    """
    reps, opps = table("reps"), table("opportunities")
    productivity = float(planning.segment_productivity(opps, reps, *course.YEAR_2025).loc[segment, "productivity"])
    team = reps[reps["role"].eq("AE") & reps["team"].eq(segment)]
    gaps = careers.vacancy_months(reps, "AE")
    vacancy = float(gaps[gaps.attrs["team"].reindex(gaps.index).eq(segment)].median())
    return {"productivity": productivity, "ramp": float(team["ramp_months"].median()), "vacancy": vacancy,
            "fee": hiring.agency_fee_for(reps, "AE", segment),
            "gross_margin": unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2025),
            "saved_cost_pm": float(roles.loaded_cost(table("sm_costs"), reps, *course.YEAR_2025).loc["AE", "loaded_pm"])}


def mid_market_inputs() -> dict:
    """Входы упражнения 3: :func:`replacement_inputs` для mid-market (копия — её можно менять)."""
    return dict(replacement_inputs("mid_market"))


def _saving(ramp_cut: float = INTERNAL_RAMP_CUT_MONTHS, backfill: float = INTERNAL_BACKFILL_RUB, full_ramp: bool = False,
            segment_productivity: float | None = None, vacancy: bool = True, margin: bool = True,
            saved: bool = True) -> float:
    x = mid_market_inputs()
    p = x["productivity"] if segment_productivity is None else segment_productivity
    m = x["gross_margin"] if margin else 1.0
    w = x["saved_cost_pm"] if saved else 0.0

    def cost(ramp, vac, hiring_cost):
        vac = vac if vacancy else 0.0
        if full_ramp:
            return m * (vac + ramp) * p - w * vac + hiring_cost
        return float(careers.replacement_cost(p, ramp, vac, hiring_cost, m, w)["total"])

    external = cost(x["ramp"], x["vacancy"], x["fee"])
    internal = cost(x["ramp"] - ramp_cut, INTERNAL_VACANCY_MONTHS, backfill)
    return external - internal


def _smb_productivity() -> float:
    return float(planning.segment_productivity(table("opportunities"), table("reps"), *course.YEAR_2025).loc["smb", "productivity"])


q3 = Exercise(
    id="ch05.careers.q3",
    title="Перевод изнутри или найм снаружи: сколько рублей на кону",
    var="internal_saving_rub",
    expected=_saving,
    compare=Number(rel_tol=0.01),
    hints=[
        "Для каждого варианта: careers.replacement_cost(productivity, ramp_months, vacancy, hiring_cost, gross_margin, saved_cost_pm)['total'] — валовая прибыль недополученного ACV минус сэкономленная полная стоимость пустых месяцев плюс разовые затраты.",
        "Снаружи: срок выхода на продуктивность и пустое место из данных, затраты — гонорар агентства. Изнутри: пустое место INTERNAL_VACANCY_MONTHS, выход на продуктивность короче на INTERNAL_RAMP_CUT_MONTHS, затраты — замена во внедрении INTERNAL_BACKFILL_RUB. Ответ — снаружи минус изнутри, ₽.",
    ],
    mistakes=[
        Mistake(name="no_backfill", value=lambda: _saving(backfill=0.0),
                hint="Забыта замена во внедрении: место, которое освободил переведённый, тоже надо закрыть — это затраты варианта «изнутри»."),
        Mistake(name="full_ramp", value=lambda: _saving(full_ramp=True),
                hint="Выход на продуктивность посчитан как полностью пустые месяцы. Новичок, который ещё выходит на продуктивность, уже продаёт — k-й месяц на k / R: потеря — Σ (1 − k/R), это (R − 1) / 2 месяца (careers.ramp_loss_months)."),
        Mistake(name="same_ramp", value=lambda: _saving(ramp_cut=0.0),
                hint="У переведённого изнутри срок выхода на продуктивность взят таким же, как у внешнего. По условию он знает продукт и клиентов — он выходит на продуктивность быстрее на INTERNAL_RAMP_CUT_MONTHS месяца."),
        Mistake(name="smb_productivity", value=lambda: _saving(segment_productivity=_smb_productivity()),
                hint="Взята продуктивность AE SMB. Место освободилось в mid-market — нужна строка mid_market."),
        Mistake(name="acv_not_profit", value=lambda: _saving(margin=False),
                hint="Недополученный ACV сложен с деньгами как прибыль. Компания теряет не выручку, а валовую прибыль с неё: передайте gross_margin из mid_market_inputs()."),
        Mistake(name="no_vacancy", value=lambda: _saving(vacancy=False),
                hint="Не учтены месяцы, пока место пустует, а у внешнего найма это заметная часть цены: передайте vacancy из mid_market_inputs()."),
    ],
)

# ---------------------------------------------------------------------------
# Проверьте себя
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "HR-отчёт: «в среднем AE получают повышение за 21 месяц» — посчитано по тем, кого повысили. Что не так?",
            (
                Option("Выпали те, кто ещё ждёт или ушёл, не дождавшись: реальное ожидание дольше", True,
                       "Это цензурирование: незавершённые ожидания длиннее, и без них оценка смещена вниз. Каплан — Мейер учитывает их до даты ухода или среза."),
                Option("Ничего: повышенные — и есть те, кого надо считать", False,
                       "Вопрос «сколько ждут повышения» задают про всех AE, а не про счастливчиков: новичок хочет знать свой шанс, а не срок тех, кому повезло."),
                Option("Надо было брать медиану повышенных, а не среднее", False,
                       "Медиана по одним повышенным смещена так же: выборка та же, только статистика другая."),
            ),
        ),
        Question(
            "AE enterprise закрывает 2–3 крупные сделки в год и ни разу не выполнил правило «3 из 4 кварталов ≥ 90 %», хотя годовой план выполняет. Что разумнее?",
            (
                Option("Для сегмента с редкими крупными сделками мерить выполнение за скользящий год или по полугодиям", True,
                       "Квартальное окно для такого AE — лотерея дат закрытия. Правило должно подходить к циклу сделки сегмента; записать это надо в положение до калибровки, а не в момент решения."),
                Option("Повысить его в виде исключения, правило оставить", False,
                       "Исключения раз за разом превращают правило в формальность, и команда перестаёт ему верить. Если правило систематически не подходит сегменту, меняют правило."),
                Option("Ничего не менять: правило одинаково для всех — значит, справедливо", False,
                       "Одинаковое правило для разных циклов сделки неодинаково по сути: оно отсекает enterprise-AE за то, что их сделки крупные и редкие."),
            ),
        ),
        Question(
            "Руководитель хочет приказом перевести сильного CSM в AE на постоянной основе: «ему же лучше — выше доход». Как правильно?",
            (
                Option("Только с письменного согласия работника: это перевод на другую работу (ст. 72.1 ТК РФ)", True,
                       "Постоянное изменение трудовой функции — перевод; без письменного согласия его нельзя оформить, кроме узких случаев ст. 72.2. Обсудите с человеком риск: доход AE зависит от плана."),
                Option("Приказом можно: должность в том же отделе, оклад не снижается", False,
                       "Дело не в окладе и не в отделе: меняется трудовая функция (CSM → AE), а это перевод, нужен письменный ответ работника."),
                Option("Можно после испытательного срока на новой должности", False,
                       "Испытательный срок (ст. 70) — про приём на работу; перевод работающего человека требует его письменного согласия заранее."),
            ),
        ),
    ],
)
