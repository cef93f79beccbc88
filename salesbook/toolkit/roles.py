"""Роли отдела продаж: миссия, мощность, структура оплаты, полная стоимость и пропорции команды (раздел 4.1).

Что здесь есть:

* ``ROLE_PROFILES`` — миссия роли (одна фраза, как её пишет нанимающий руководитель),
  название вакансии на hh.ru и на чём роль измеряют;
* ``person_months`` — человеко-месяцы роли за период: отработанные
  (``planning.active_months``) или «полностью продуктивные» (``planning.ramped_capacity``);
* ``pay_mix`` — оклады и премии роли из ``sm_costs`` и доля переменной части;
* ``loaded_cost`` — полная стоимость человеко-месяца роли: оклад + премия + взносы
  (``course.PAYROLL_TAX_RATE``) + доля инструментов и накладных подразделения на человека;
* ``capacity`` — мощность и результат роли на полностью продуктивный человеко-месяц
  (лиды и SQL у SDR, целевые компании и SQL у BDR, сделки и ACV у AE, сделки с пресейлом
  у SE, клиенты, ARR и обращения у CSM);
* ``segment_comparison`` — AE enterprise против AE mid-market: цикл, ACV, комитет, win rate, план;
* ``se_effect`` — win rate и цикл сделок с пресейлом и без него по сегментам;
* ``team_ratios`` и ``ae_fed_per_feeder`` — пропорции ролей в команде и сколько AE
  «кормит» один SDR или BDR при наблюдаемой нагрузке AE;
* ``role_card`` — карточка роли: всё вышеперечисленное одной таблицей.

Продуктивность AE по сегментам — ``planning.segment_productivity`` (раздел 1.3), win rate,
ACV и цикл — ``kpi``, ставка взносов — ``course.PAYROLL_TAX_RATE``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.toolkit import kpi, planning
from salesbook.toolkit.acquisition import in_period
from salesbook.toolkit.course import PAYROLL_TAX_RATE
from salesbook.toolkit.validation import MetricError, require_columns, share

ROLES = ("SDR", "BDR", "AE", "SE", "CSM")

#: Подразделение, чьи инструменты и накладные делит роль (как в ``sm_costs.department``).
DEPARTMENT = {"SDR": "sales", "BDR": "sales", "AE": "sales", "SE": "sales", "manager": "sales",
              "CSM": "customer_success"}

ROLE_PROFILES = {
    "SDR": {
        "hh_title": "менеджер по работе с входящими заявками (SDR)",
        "mission": "Быстро связаться с каждым входящим лидом, квалифицировать его и передать AE готовую встречу.",
        "metrics": "SQL в месяц, скорость первого касания, доля SQL, ставших сделкой",
    },
    "BDR": {
        "hh_title": "менеджер по активным продажам / холодным звонкам (BDR)",
        "mission": "Открыть разговор с целевыми компаниями, которые нас не знают, и довести его до встречи с AE.",
        "metrics": "SQL в месяц, охват целевых компаний, пайплайн из своих SQL",
    },
    "AE": {
        "hh_title": "менеджер по продажам B2B / аккаунт-менеджер (AE)",
        "mission": "Превратить SQL в подписанный годовой договор и выполнить план по новому ACV.",
        "metrics": "выполнение плана по ACV, win rate, цикл сделки, покрытие пайплайном",
    },
    "SE": {
        "hh_title": "пресейл-инженер (SE)",
        "mission": "Доказать технической стороне клиента, что продукт решит задачу: демо, пилот, ответы ИТ и ИБ.",
        "metrics": "win rate сделок с пресейлом, сделок в работе, доля технических побед",
    },
    "CSM": {
        "hh_title": "менеджер по работе с клиентами / Customer Success (CSM)",
        "mission": "Довести клиента до ценности продукта, удержать выручку и вырастить её расширениями.",
        "metrics": "удержание выручки (NRR), отток, расширения, здоровье клиентов",
    },
}


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise MetricError(f"Роль {role!r} не из списка: {', '.join(ROLES)}.")
    return role


def person_months(reps: pd.DataFrame, start, end, role: str, ramped: bool = True, team: str | None = None) -> float:
    """Человеко-месяцы роли за период.

    ``ramped=True`` — полностью продуктивные месяцы (``planning.ramped_capacity``: новичок
    в k-м месяце работает на k / срок выхода), ``False`` — отработанные месяцы
    (``planning.active_months``: за них платят оклад). ``team`` — только команда сегмента.
    """
    _check_role(role)
    require_columns(reps, ["rep_id", "role", "team", "hire_date", "exit_date", "ramp_months"], "reps")
    frame = (planning.ramped_capacity(reps, start, end, role=role) if ramped
             else planning.active_months(reps, start, end, roles=(role,)))
    if team is not None:
        ids = set(reps.loc[reps["team"].eq(team), "rep_id"])
        frame = frame[[c for c in frame.columns if c in ids]]
    months = float(frame.to_numpy().sum())
    if months <= 0:
        raise MetricError(f"За период у роли {role} нет отработанных месяцев.")
    return months


def _costs(sm_costs: pd.DataFrame, start, end) -> pd.DataFrame:
    require_columns(sm_costs, ["month", "department", "cost_type", "role", "amount_rub"], "sm_costs")
    return sm_costs[in_period(sm_costs["month"], start, end)]


def pay_mix(sm_costs: pd.DataFrame, start, end) -> pd.DataFrame:
    """Оклады и премии ролей за период из ``sm_costs`` (без взносов), ₽.

    Столбцы: ``salary_rub``, ``bonus_rub`` и ``variable_share`` = премии / (оклады + премии) —
    фактическая доля переменной части в выплатах роли (не плановая при выполнении плана).
    """
    costs = _costs(sm_costs, start, end)
    paid = costs[costs["cost_type"].isin(["salary", "bonus"]) & costs["role"].isin(ROLES)]
    if paid.empty:
        raise MetricError("За период нет окладов и премий ролей продаж.")
    table = paid.assign(amount_rub=paid["amount_rub"].astype(float)).pivot_table(
        index="role", columns="cost_type", values="amount_rub", aggfunc="sum", fill_value=0.0)
    table = table.reindex(index=[r for r in ROLES if r in table.index], columns=["salary", "bonus"], fill_value=0.0)
    table.columns = ["salary_rub", "bonus_rub"]
    table["variable_share"] = table["bonus_rub"] / (table["salary_rub"] + table["bonus_rub"])
    table.index.name = "role"
    return table


def loaded_cost(sm_costs: pd.DataFrame, reps: pd.DataFrame, start, end, payroll_tax: float = PAYROLL_TAX_RATE) -> pd.DataFrame:
    """Полная стоимость отработанного человеко-месяца роли за период, ₽.

    ``salary_pm`` и ``bonus_pm`` — оклады и премии роли из ``sm_costs`` / отработанные
    человеко-месяцы роли (``planning.active_months``); ``tax_pm`` — взносы по ставке
    ``payroll_tax`` с оклада и премии; ``overhead_pm`` — инструменты и накладные
    подразделения (``tools`` + ``overhead``) / отработанные человеко-месяцы всех людей
    подразделения из ``reps`` (у продаж — вместе с руководителями); ``loaded_pm`` — сумма.
    """
    tax = share(payroll_tax, "loaded_cost: ставка взносов", upper_open=True)
    require_columns(reps, ["rep_id", "role", "hire_date", "exit_date"], "reps")
    costs = _costs(sm_costs, start, end)
    mix = pay_mix(sm_costs, start, end)
    active = planning.active_months(reps, start, end, roles=None).sum()
    role_of = reps.set_index("rep_id")["role"].reindex(active.index)
    months_by_role = active.groupby(role_of.to_numpy()).sum()
    rows = {}
    for role in mix.index:
        months = float(months_by_role.get(role, 0.0))
        if months <= 0:
            continue
        dept = DEPARTMENT[role]
        dept_months = float(months_by_role[[r for r in months_by_role.index if DEPARTMENT.get(r) == dept]].sum())
        shared = costs[costs["department"].eq(dept) & costs["cost_type"].isin(["tools", "overhead"])]["amount_rub"].sum()
        salary, bonus = mix.loc[role, "salary_rub"] / months, mix.loc[role, "bonus_rub"] / months
        rows[role] = {"salary_pm": salary, "bonus_pm": bonus, "tax_pm": (salary + bonus) * tax,
                      "overhead_pm": float(shared) / dept_months}
    table = pd.DataFrame(rows).T
    table["loaded_pm"] = table.sum(axis=1)
    table.index.name = "role"
    return table


# ---------------------------------------------------------------------------
# Мощность и результат ролей
# ---------------------------------------------------------------------------


def _ids(reps: pd.DataFrame, role: str) -> set:
    return set(reps.loc[reps["role"].eq(role), "rep_id"])


def active_accounts(mrr: pd.DataFrame, month) -> pd.Series:
    """MRR клиентов, плативших в месяце ``month`` (первое число месяца), ₽ — индекс ``account_id``."""
    require_columns(mrr, ["month", "account_id", "mrr_rub"], "mrr")
    rows = mrr[mrr["month"].eq(pd.Timestamp(month)) & (mrr["mrr_rub"] > 0)]
    if rows.empty:
        raise MetricError(f"В месяце {month} нет платящих клиентов.")
    return rows.groupby("account_id")["mrr_rub"].sum()


def capacity(role: str, tables: dict, start, end) -> pd.Series:
    """Мощность и результат роли на полностью продуктивный человеко-месяц за период.

    ``tables`` — словарь таблиц курса (``reps``, ``leads``, ``opportunities``, ``mrr``,
    ``support_tickets``). Знаменатель — ``person_months(..., ramped=True)``.

    * SDR: ``leads_per_month`` — лидов, назначенных SDR (``leads.sdr_id``, по дате лида);
      ``sql_per_month`` — SQL его лидов (по ``sql_date``);
    * BDR: ``accounts_per_month`` — разных компаний в исходящих лидах BDR (по дате лида);
      ``sql_per_month``;
    * AE: ``open_deals`` — открытых сделок в среднем на AE (``cycle.average_open_deals`` /
      средняя продуктивная численность AE); ``won_per_month`` и ``acv_per_month`` — выигранные
      сделки с новыми клиентами и их ACV на AE-месяц (``planning.segment_productivity``, все сегменты);
    * SE: ``deals_per_month`` — закрытых сделок с участием SE (``se_id``) на SE-месяц;
      ``won_acv_per_month`` — ACV выигранных из них;
    * CSM: ``accounts`` и ``arr_rub`` — платящих клиентов и ARR (12 × MRR) последнего месяца
      периода на одного CSM в штате в этом месяце; ``tickets_per_month`` — обращений в поддержку
      на CSM-месяц.
    """
    _check_role(role)
    reps = tables["reps"]
    months = person_months(reps, start, end, role)
    ids = _ids(reps, role)
    if role in ("SDR", "BDR"):
        leads = tables["leads"]
        require_columns(leads, ["sdr_id", "created_date", "sql_date", "account_id"], "leads")
        mine = leads[leads["sdr_id"].isin(ids)]
        created = mine[in_period(mine["created_date"], start, end)]
        sqls = float(in_period(mine["sql_date"], start, end).sum())
        if role == "SDR":
            return pd.Series({"person_months": months, "leads_per_month": len(created) / months,
                              "sql_per_month": sqls / months})
        return pd.Series({"person_months": months, "accounts_per_month": created["account_id"].nunique() / months,
                          "sql_per_month": sqls / months})
    if role == "AE":
        from salesbook.toolkit import cycle

        opps = tables["opportunities"]
        prod = planning.segment_productivity(opps, reps, start, end)
        n_months = len(pd.period_range(pd.Timestamp(start), pd.Timestamp(end), freq="M"))
        open_deals = float(cycle.average_open_deals(opps, start, end, by=None))
        return pd.Series({"person_months": months, "open_deals": open_deals / (months / n_months),
                          "won_per_month": float(prod["won_deals"].sum()) / months,
                          "acv_per_month": float(prod["won_acv"].sum()) / months})
    if role == "SE":
        opps = tables["opportunities"]
        closed = kpi.closed_deals(opps, start, end)
        with_se = closed[closed["se_id"].isin(ids)]
        won = with_se[with_se["outcome"].eq("won")]
        return pd.Series({"person_months": months, "deals_per_month": len(with_se) / months,
                          "won_acv_per_month": float(won["amount_rub"].sum()) / months})
    # CSM
    mrr, tickets = tables["mrr"], tables["support_tickets"]
    last = pd.Timestamp(end).to_period("M").to_timestamp()
    paying = active_accounts(mrr, last)
    in_month = planning.active_months(reps, last, pd.Timestamp(end), roles=("CSM",)).iloc[0].sum()
    if in_month <= 0:
        raise MetricError("В последнем месяце периода нет CSM в штате.")
    require_columns(tickets, ["created_date"], "support_tickets")
    n_tickets = float(in_period(tickets["created_date"], start, end).sum())
    return pd.Series({"person_months": months, "accounts": len(paying) / in_month,
                      "arr_rub": 12 * float(paying.sum()) / in_month, "tickets_per_month": n_tickets / months})


# ---------------------------------------------------------------------------
# Сегменты, пресейл, пропорции
# ---------------------------------------------------------------------------


def committee_size(contacts: pd.DataFrame, opportunities: pd.DataFrame, start, end) -> pd.Series:
    """Средний размер комитета выигранной сделки по сегментам: контактов, вовлечённых в сделку
    (``contacts.opportunity_id``) — без людей, которых компания знала раньше и к сделке не привязала."""
    require_columns(contacts, ["contact_id", "opportunity_id"], "contacts")
    won = kpi.won_deals(opportunities, start, end)
    per_deal = contacts.dropna(subset=["opportunity_id"]).groupby("opportunity_id")["contact_id"].nunique()
    sizes = won.set_index("opportunity_id")["segment"].to_frame().join(per_deal.rename("contacts")).fillna({"contacts": 0})
    return sizes.groupby("segment")["contacts"].mean().rename("committee")


def segment_comparison(tables: dict, start, end, year: int) -> pd.DataFrame:
    """AE по сегментам за период: медианный цикл выигранной сделки (дней), средний ACV, win rate,
    размер комитета (``committee_size``), медианный годовой план AE команды в году ``year``
    (``ae_quotas``) и выигранный ACV на продуктивный AE-месяц (``planning.segment_productivity``)."""
    opps, reps = tables["opportunities"], tables["reps"]
    quotas = tables["ae_quotas"]
    require_columns(quotas, ["rep_id", "year", "annual_quota_rub"], "ae_quotas")
    team = reps.set_index("rep_id")["team"]
    q = quotas[quotas["year"].eq(year)]
    quota = q["annual_quota_rub"].groupby(q["rep_id"].map(team)).median()
    prod = planning.segment_productivity(opps, reps, start, end)
    table = pd.DataFrame({
        "cycle_days": kpi.median_cycle(opps, start, end, by="segment"),
        "acv_rub": kpi.average_acv(opps, start, end, by="segment"),
        "win_rate": kpi.win_rate(opps, start, end, by="segment"),
        "committee": committee_size(tables["contacts"], opps, start, end),
        "quota_rub": quota,
        "productivity_rub": prod["productivity"],
    })
    table.index.name = "segment"
    return table.reindex([s for s in ("smb", "mid_market", "enterprise") if s in table.index])


def se_effect(opportunities: pd.DataFrame, start, end) -> pd.DataFrame:
    """Сделки, закрытые в период, с пресейлом (``se_id``) и без: число, win rate, медианный цикл
    выигранных (дней) и средний ACV выигранных по сегментам. Это сравнение, а не эффект:
    SE назначают на крупные и сложные сделки."""
    closed = kpi.closed_deals(opportunities, start, end).assign(
        with_se=lambda d: np.where(d["se_id"].notna(), "с SE", "без SE"))
    won = closed[closed["outcome"].eq("won")]
    days = kpi.cycle_days(won)
    table = pd.DataFrame({
        "deals": closed.groupby(["segment", "with_se"]).size(),
        "win_rate": closed["outcome"].eq("won").groupby([closed["segment"], closed["with_se"]]).mean(),
        "cycle_days": days.groupby([won["segment"], won["with_se"]]).median(),
        "acv_rub": won.groupby(["segment", "with_se"])["amount_rub"].mean(),
    })
    return table


def team_ratios(tables: dict, start, end) -> pd.Series:
    """Пропорции команды за период по полностью продуктивным человеко-месяцам.

    ``ae_per_feeder`` — AE-месяцев на один месяц SDR и BDR вместе (сколько AE приходится
    на одного «поставщика» SQL, включая AE SMB, которым SDR почти не нужен); ``ae_big_per_feeder`` —
    то же только для AE mid-market и enterprise (сопоставимо с опросами TOPO и Bridge Group); ``ae_per_se`` — AE-месяцев mid-market и enterprise на SE-месяц
    (пресейл работает там); ``arr_per_csm`` — ARR на CSM в последнем месяце (``capacity``).
    """
    reps = tables["reps"]
    feeders = person_months(reps, start, end, "SDR") + person_months(reps, start, end, "BDR")
    ae = person_months(reps, start, end, "AE")
    ae_big = sum(person_months(reps, start, end, "AE", team=t) for t in ("mid_market", "enterprise"))
    return pd.Series({"ae_per_feeder": ae / feeders, "ae_big_per_feeder": ae_big / feeders,
                      "ae_per_se": ae_big / person_months(reps, start, end, "SE"),
                      "arr_per_csm": float(capacity("CSM", tables, start, end)["arr_rub"])})


def ae_fed_per_feeder(sql_per_feeder_month, opps_per_ae_month, sql_to_opp: float = 1.0) -> float:
    """Сколько AE загружает один SDR (BDR): SQL в месяц × доля SQL, ставших сделкой / новых
    сделок, которые AE берёт в месяц. Все величины — на полностью продуктивный месяц."""
    from salesbook.toolkit.validation import positive

    sql = positive(sql_per_feeder_month, "SQL на SDR в месяц")
    load = positive(opps_per_ae_month, "новых сделок на AE в месяц")
    conv = share(sql_to_opp, "доля SQL, ставших сделкой", lower_open=True)
    return sql * conv / load


def sql_to_deal_share(leads: pd.DataFrame, opportunities: pd.DataFrame, reps: pd.DataFrame, role: str, start, end,
                      segments=("mid_market", "enterprise")) -> float:
    """Доля SQL роли ``role`` (SDR или BDR; лиды с ``sql_date`` в периоде), ставших сделкой
    сегментов ``segments``. Сделки других сегментов (SMB) уходят другим AE и в долю не входят."""
    _check_role(role)
    require_columns(leads, ["sdr_id", "sql_date", "opportunity_id"], "leads")
    require_columns(opportunities, ["opportunity_id", "segment"], "opportunities")
    mine = leads[leads["sdr_id"].isin(_ids(reps, role)) & in_period(leads["sql_date"], start, end)]
    if mine.empty:
        raise MetricError(f"В периоде нет SQL роли {role}.")
    segment = mine["opportunity_id"].map(opportunities.set_index("opportunity_id")["segment"])
    return float(segment.isin(list(segments)).mean())


def new_opps_per_ae_month(opportunities: pd.DataFrame, reps: pd.DataFrame, start, end, teams=("mid_market", "enterprise")) -> float:
    """Новых сделок (по ``created_date``) сегментов ``teams`` на продуктивный AE-месяц этих команд."""
    require_columns(opportunities, ["segment", "created_date"], "opportunities")
    created = opportunities[opportunities["segment"].isin(list(teams)) & in_period(opportunities["created_date"], start, end)]
    months = sum(person_months(reps, start, end, "AE", team=t) for t in teams)
    return len(created) / months


def role_card(role: str, tables: dict, start, end, benchmark: str = "") -> pd.DataFrame:
    """Карточка роли за период: таблица «показатель → значение» (строки текстом и числами).

    Миссия, название вакансии на hh.ru, на чём измеряют (``ROLE_PROFILES``), мощность и результат
    (``capacity``), доля переменной части (``pay_mix``), полная стоимость человеко-месяца
    (``loaded_cost``) и ориентир рынка ``benchmark`` (текст с источником).
    """
    _check_role(role)
    profile = ROLE_PROFILES[role]
    cap = capacity(role, tables, start, end)
    mix = pay_mix(tables["sm_costs"], start, end)
    cost = loaded_cost(tables["sm_costs"], tables["reps"], start, end)
    rows = [("Миссия", profile["mission"]), ("Вакансия на hh.ru", profile["hh_title"]),
            ("Чем измеряют", profile["metrics"])]
    rows += [(f"capacity.{k}", float(v)) for k, v in cap.items() if k != "person_months"]
    rows += [("Доля переменной части", float(mix.loc[role, "variable_share"])),
             ("Полная стоимость человеко-месяца, ₽", float(cost.loc[role, "loaded_pm"])),
             ("Ориентир рынка", benchmark or "—")]
    return pd.DataFrame(rows, columns=["item", "value"]).set_index("item")


def planned_ae_mix(ae_quotas: pd.DataFrame, salary_history: pd.DataFrame, reps: pd.DataFrame, year: int,
                   commission_rate: float) -> pd.DataFrame:
    """Плановый pay mix AE по командам на год ``year``: при выполнении плана ровно на 100 %.

    Для каждого AE с планом на год: премия = ``commission_rate`` × годовой план, оклад — 12 × оклад,
    действующий на 1 января года (последняя запись ``salary_history`` не позже этой даты),
    OTE = оклад + премия. Возвращает по командам средние ``variable_share`` (премия / OTE)
    и ``quota_to_ote`` (план / OTE) и число AE ``n``.
    """
    require_columns(ae_quotas, ["rep_id", "year", "annual_quota_rub"], "ae_quotas")
    require_columns(salary_history, ["rep_id", "effective_date", "base_salary_rub"], "salary_history")
    rate = share(commission_rate, "ставка премии AE", lower_open=True)
    quotas = ae_quotas[ae_quotas["year"].eq(year)].set_index("rep_id")["annual_quota_rub"]
    jan = pd.Timestamp(year=year, month=1, day=1)
    known = salary_history[pd.to_datetime(salary_history["effective_date"]) <= jan]
    salary = known.sort_values("effective_date").groupby("rep_id")["base_salary_rub"].last()
    both = pd.DataFrame({"quota": quotas, "salary": salary}).dropna()
    if both.empty:
        raise MetricError(f"На {year} год нет AE с планом и окладом.")
    bonus = rate * both["quota"]
    ote = 12 * both["salary"] + bonus
    frame = pd.DataFrame({"team": reps.set_index("rep_id").loc[both.index, "team"],
                          "variable_share": bonus / ote, "quota_to_ote": both["quota"] / ote})
    out = frame.groupby("team")[["variable_share", "quota_to_ote"]].mean()
    out["n"] = frame.groupby("team").size()
    return out


#: Русские подписи строк мощности в карточке роли (``role_card``).
CARD_LABELS = {
    "capacity.leads_per_month": "Лидов в работу в месяц",
    "capacity.accounts_per_month": "Целевых компаний в работу в месяц",
    "capacity.sql_per_month": "SQL в месяц",
    "capacity.open_deals": "Открытых сделок одновременно",
    "capacity.won_per_month": "Выигранных сделок в месяц",
    "capacity.acv_per_month": "Нового ACV в месяц, ₽",
    "capacity.deals_per_month": "Закрытых сделок с участием в месяц",
    "capacity.won_acv_per_month": "ACV выигранных сделок с участием в месяц, ₽",
    "capacity.accounts": "Клиентов в портфеле",
    "capacity.arr_rub": "ARR портфеля, ₽",
    "capacity.tickets_per_month": "Обращений в поддержку в месяц",
}
