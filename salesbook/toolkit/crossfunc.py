"""Взаимодействие продаж с другими функциями (раздел 4.3).

Маркетинг → продажи: обратная связь о качестве лидов — доля MQL, которых отклонили продажи, и
причины отказа (SLA первого касания — ``inbound.sla_breaches``, раздел 6.1, здесь не
пересчитывается). Продажи → успех клиентов: ранний отток по полноте карточки передачи
(интервалы Уилсона — statsmodels ``proportion_confint``). Продажи → продукт: проигранный ACV
по причинам и конкурентам. Распределение ролей — проверка таблицы RACI. Решение о созвоне
передачи — цена часа нынешних сотрудников из ``social.rep_hour_cost`` (как в разделе 2.4).
"""

from __future__ import annotations

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from salesbook.toolkit import acquisition, course, social
from salesbook.toolkit.validation import MetricError, positive, require_columns, share

#: Буквы RACI: Responsible — делает, Accountable — отвечает за результат и принимает работу
#: (ровно один на процесс), Consulted — советуют до решения, Informed — узнают о решении.
RACI_CODES = ("R", "A", "C", "I")
#: Пункты карточки передачи клиента (столбцы таблицы handoffs).
HANDOFF_ITEMS = ("goals_recorded", "stakeholders_listed", "success_criteria", "tech_requirements", "promises_logged")
#: Окно раннего оттока: дней от закрытия первой сделки.
EARLY_CHURN_DAYS = 365


# ---------------------------------------------------------------------------
# Маркетинг → продажи: качество MQL
# ---------------------------------------------------------------------------


def worked_mqls(leads: pd.DataFrame, start, end) -> pd.DataFrame:
    """Входящие MQL периода, которых взял в работу SDR.

    Входящие — все каналы, кроме ``outbound``; MQL периода — ``mql_date`` в [start, end];
    взят в работу — есть ``sdr_id``. Регистрации пробного периода SDR не работает
    (их решает AE после активации), поэтому они сюда не входят. Столбец ``rejected`` —
    лид дисквалифицирован (``status == "disqualified"``).
    """
    require_columns(leads, ["channel", "mql_date", "sdr_id", "status", "disqualify_reason"], "leads")
    inbound = leads[(leads["channel"] != acquisition.OUTBOUND_CHANNEL) & leads["sdr_id"].notna()]
    mqls = inbound[acquisition.in_period(inbound["mql_date"], start, end)]
    if mqls.empty:
        raise MetricError("В периоде нет входящих MQL, взятых SDR в работу.")
    return mqls.assign(rejected=mqls["status"].eq("disqualified"))


def mql_rejections(leads: pd.DataFrame, start, end, by: str | None = "channel") -> pd.DataFrame | pd.Series:
    """Сколько MQL периода продажи отклонили (SDR или AE на первой встрече): ``mqls``, ``rejected``, ``rejected_share`` (доля, 0–1).

    База — :func:`worked_mqls`: входящие MQL с ``mql_date`` в периоде, взятые SDR. По группам
    ``by`` (по умолчанию канал) или одной строкой (``by=None``).
    """
    mqls = worked_mqls(leads, start, end)
    if by is None:
        rejected = int(mqls["rejected"].sum())
        return pd.Series({"mqls": len(mqls), "rejected": rejected, "rejected_share": rejected / len(mqls)})
    out = mqls.groupby(by).agg(mqls=("rejected", "size"), rejected=("rejected", "sum"))
    out["rejected_share"] = out["rejected"] / out["mqls"]
    return out


def rejection_reasons(leads: pd.DataFrame, start, end, by: str = "channel") -> pd.DataFrame:
    """Причины отказа в MQL по группам ``by``: доли ``disqualify_reason`` среди отклонённых (строка = 1)."""
    mqls = worked_mqls(leads, start, end)
    rejected = mqls[mqls["rejected"]]
    if rejected.empty:
        raise MetricError("В периоде нет отклонённых MQL.")
    return pd.crosstab(rejected[by], rejected["disqualify_reason"], normalize="index")


# ---------------------------------------------------------------------------
# Продажи → продукт: проигранный ACV
# ---------------------------------------------------------------------------


def lost_acv(opportunities: pd.DataFrame, start, end, by="loss_reason") -> pd.DataFrame:
    """Проигранные сделки, закрытые в периоде: ``deals``, ``lost_acv_rub`` (сумма ACV, ₽), ``share`` ACV.

    ``by`` — столбец или список столбцов (``loss_reason``, ``competitor``, ``segment``);
    пустой конкурент — «без конкурента». Сортировка по ACV по убыванию.
    """
    require_columns(opportunities, ["outcome", "close_date", "amount_rub"], "opportunities")
    keys = [by] if isinstance(by, str) else list(by)
    require_columns(opportunities, keys, "opportunities")
    lost = opportunities[opportunities["outcome"].eq("lost")
                         & acquisition.in_period(opportunities["close_date"], start, end)]
    if lost.empty:
        raise MetricError("В периоде нет проигранных сделок.")
    lost = lost.assign(**{k: lost[k].fillna("none") for k in keys})
    out = lost.groupby(keys).agg(deals=("amount_rub", "size"), lost_acv_rub=("amount_rub", "sum"))
    out["share"] = out["lost_acv_rub"] / out["lost_acv_rub"].sum()
    return out.sort_values("lost_acv_rub", ascending=False)


# ---------------------------------------------------------------------------
# Продажи → успех клиентов: карточка передачи и ранний отток
# ---------------------------------------------------------------------------


def handoff_outcomes(handoffs: pd.DataFrame, accounts: pd.DataFrame, observed_until=course.DATA_END,
                     window_days: int = EARLY_CHURN_DAYS) -> pd.DataFrame:
    """Карточки передачи с исходом: ушёл ли клиент в первые ``window_days`` дней после закрытия.

    Берутся только клиенты, у которых всё окно уже прошло к ``observed_until`` (иначе отток
    недооценён: у клиента 2025 года год ещё не закончился). Добавляет ``early_churn`` (bool)
    ``full_card`` (заполнены все пункты карточки) и ``card`` — то же словом: ``full`` или ``partial``.
    """
    require_columns(handoffs, ["account_id", "close_date", "completeness"], "handoffs")
    require_columns(accounts, ["account_id", "churned_on"], "accounts")
    days = int(positive(window_days, "Окно раннего оттока, дней"))
    close = pd.to_datetime(handoffs["close_date"])
    seen = close + pd.Timedelta(days=days) <= pd.Timestamp(observed_until)
    h = handoffs[seen].copy()
    if h.empty:
        raise MetricError("Нет клиентов, у которых окно раннего оттока уже прошло.")
    churned = pd.to_datetime(h["account_id"].map(accounts.set_index("account_id")["churned_on"]))
    h["early_churn"] = ((churned - pd.to_datetime(h["close_date"])).dt.days <= days).fillna(False).astype(bool)
    h["full_card"] = h["completeness"] >= 1
    h["card"] = h["full_card"].map({True: "full", False: "partial"})
    return h


def churn_rates(outcomes: pd.DataFrame, by: str = "card", alpha: float = 0.05) -> pd.DataFrame:
    """Доля раннего оттока по группам ``by`` с интервалом Уилсона.

    Столбцы: ``customers``, ``churned``, ``rate`` (доля, 0–1), ``low``, ``high`` — границы
    интервала Уилсона уровня 1 − ``alpha`` (statsmodels ``proportion_confint(method="wilson")``).
    """
    require_columns(outcomes, [by, "early_churn"], "outcomes", non_empty=True)
    a = share(alpha, "alpha", lower_open=True, upper_open=True)
    out = outcomes.groupby(by).agg(customers=("early_churn", "size"), churned=("early_churn", "sum"))
    out["rate"] = out["churned"] / out["customers"]
    low, high = proportion_confint(out["churned"], out["customers"], alpha=a, method="wilson")
    out["low"], out["high"] = low, high
    return out


# ---------------------------------------------------------------------------
# RACI
# ---------------------------------------------------------------------------


def _codes(cell) -> list[str]:
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return []
    text = str(cell).upper().replace(" ", "")
    return [c for c in text.replace("/", ",").split(",") if c]


def raci_problems(table: pd.DataFrame) -> pd.DataFrame:
    """Ошибки таблицы RACI: строки — процессы, столбцы — роли, в ячейке «R», «A», «C», «I»,
    сочетание через «/» («A/R» — отвечает и делает сам) или пусто.

    Правила: в каждой строке ровно один A; хотя бы один R (A/R считается); неизвестные
    буквы; одна роль не может быть одновременно C или I и A/R. Возвращает таблицу
    ``process``, ``problem`` (по-русски); пустая таблица — ошибок нет.
    """
    if not isinstance(table, pd.DataFrame):
        raise MetricError(f"RACI: ожидается таблица pandas, получено {type(table).__name__}.")
    if table.empty:
        raise MetricError("RACI: таблица пустая.")
    problems = []
    for process, row in table.iterrows():
        cells = {role: _codes(v) for role, v in row.items()}
        bad = sorted({c for codes in cells.values() for c in codes if c not in RACI_CODES})
        if bad:
            problems.append((process, f"неизвестные буквы: {', '.join(bad)} (допустимы R, A, C, I)"))
        accountable = [role for role, codes in cells.items() if "A" in codes]
        if not accountable:
            problems.append((process, "нет A — за результат не отвечает никто"))
        elif len(accountable) > 1:
            problems.append((process, f"A у нескольких ролей ({', '.join(map(str, accountable))}) — отвечать должен один"))
        if not any("R" in codes for codes in cells.values()):
            problems.append((process, "нет R — работу никто не делает"))
        for role, codes in cells.items():
            if ({"R", "A"} & set(codes)) and ({"C", "I"} & set(codes)):
                problems.append((process, f"у роли {role} несовместимые буквы: {'/'.join(codes)}"))
    return pd.DataFrame(problems, columns=["process", "problem"])


# ---------------------------------------------------------------------------
# Решение: созвон передачи по каждой сделке
# ---------------------------------------------------------------------------


def hour_cost(reps: pd.DataFrame, role: str, payroll_tax: float = course.PAYROLL_TAX_RATE,
              work_hours: float = course.WORK_HOURS_2025) -> float:
    """Стоимость часа сотрудника роли ``role``: оклад со взносами × 12 / рабочих часов в году, ₽.

    Оклад — средний у нынешних сотрудников роли (``exit_date`` пуст), цена часа —
    ``social.rep_hour_cost``: то же число, что «час AE» в разделе 2.4; часы — норма 2025 года
    ``course.WORK_HOURS_2025``. Премии и накладные не входят — это нижняя граница цены часа.
    """
    require_columns(reps, ["role", "base_salary_rub", "exit_date"], "reps")
    staff = reps[(reps["role"] == role) & reps["exit_date"].isna()]
    if staff.empty:
        raise MetricError(f"В таблице нет нынешних сотрудников роли {role}.")
    return social.rep_hour_cost(float(staff["base_salary_rub"].mean()), payroll_tax, work_hours)


def handoff_call_breakeven(cost_per_deal: float, churn_loss_rub: float) -> float:
    """На сколько должна упасть доля раннего оттока (доля, 0–1), чтобы созвон окупился.

    ``cost_per_deal`` — затраты на созвон по одной сделке, ₽; ``churn_loss_rub`` — что теряет
    компания, когда новый клиент уходит в первый год (LTV за 5 лет, раздел 1.1.4), ₽.
    """
    cost = positive(cost_per_deal, "Затраты на сделку", allow_zero=True)
    loss = positive(churn_loss_rub, "Потери от ухода клиента")
    return cost / loss
