"""Данные компании рядом с опубликованными ориентирами: таблица ``datasets/benchmarks.yml``.

Каждый ориентир — метрика, посчитанная по таблицам набора (функцией курса из
``salesbook.toolkit``, если она есть, иначе коротким выражением pandas ниже),
опубликованный диапазон, источник из ``book/references.bib`` и, если данные сегодня
вне диапазона, строка ``gap`` с описанием расхождения. Тест ``tests/test_benchmarks.py``
требует: без ``gap`` — значение в диапазоне, с ``gap`` — всё ещё вне его. Так таблица
не может тихо разойтись с данными.

    from salesbook.data import benchmarks
    rows = benchmarks.evaluate()          # DataFrame: метрика, сегмент, год, значение, диапазон
    print(benchmarks.markdown(rows))      # таблицы для datasets/README.md
"""

from __future__ import annotations

from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import yaml

from salesbook.data import readme
from salesbook.data.generator.dates import HOLIDAY_DATES
from salesbook.data.generator.params.people import AE_COMMISSION
from salesbook.data.load import DataError, load_all
from salesbook.runtime.fmt import NBSP, number, pct
from salesbook.toolkit import acquisition, kpi, meddic, onboarding, planning, retention, sales_scripts, unit_economics
from salesbook.toolkit.course import YEARS, YEARS_2024_2025
from salesbook.toolkit.validation import MetricError

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS_FILE = ROOT / "datasets" / "benchmarks.yml"
README_FILE = ROOT / "datasets" / "README.md"
README_START = "<!-- benchmarks:start -->"
README_END = "<!-- benchmarks:end -->"

SEGMENT_NAMES = {None: "Вся компания", "smb": "Малый бизнес", "mid_market": "Средний бизнес",
                 "enterprise": "Крупный бизнес"}


# ---------------------------------------------------------------------------
# Вспомогательное
# ---------------------------------------------------------------------------


def _period(year) -> tuple[str, str]:
    """Период строки ориентиров: год (2025), несколько лет подряд (``years: [2024, 2025]`` в YAML —
    кортеж первого и последнего года) или ``None`` — вся история набора (2023–2025)."""
    if year is None:
        year = (min(YEARS), max(YEARS))
    if isinstance(year, (tuple, list)):
        return YEARS[year[0]][0], YEARS[year[-1]][1]
    return YEARS[year]


def _year(dates: pd.Series, year) -> pd.Series:
    return acquisition.in_period(dates, *_period(year))


class Share(float):
    """Доля ``k / n``, которая помнит, из скольких наблюдений посчитана: для строк с ``binomial_ci``
    ``evaluate`` строит по ``k`` и ``n`` интервал Уилсона. Во всём остальном — обычное число."""

    def __new__(cls, k: int, n: int):
        obj = super().__new__(cls, k / n if n else float("nan"))
        obj.k, obj.n = int(k), int(n)
        return obj


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Интервал Уилсона для доли ``k`` успехов из ``n`` (уровень ``level``, по умолчанию 95 %)."""
    if n <= 0:
        return float("nan"), float("nan")
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def _holiday(dates: pd.Series) -> pd.Series:
    """Нерабочий праздник по статье 112 ТК РФ — календарь генератора (``params.company.HOLIDAYS``)."""
    return dates.dt.normalize().isin(HOLIDAY_DATES)


def _working_days(reps: pd.DataFrame, roles, year: int) -> float:
    """Отработанные рабочие дни (будни без праздников статьи 112 ТК РФ) сотрудников ролей за год."""
    share = planning.active_months(reps, *_period(year), roles=roles)
    months = share.index
    ends = (months + pd.offsets.MonthBegin(1)).to_numpy(dtype="datetime64[D]")
    per_month = np.busday_count(months.to_numpy(dtype="datetime64[D]"), ends, holidays=HOLIDAY_DATES)
    return float((share.to_numpy() * per_month[:, None]).sum())


def _role_of(t, rep_ids: pd.Series) -> pd.Series:
    return rep_ids.map(t["reps"].set_index("rep_id")["role"])


def _auc_lower(scores, outcome) -> float:
    """Нижняя граница 95-% интервала ROC AUC по стандартной ошибке Хэнли — Макнила (1982)."""
    y = np.asarray(outcome, dtype=bool)
    a, n1, n0 = meddic.auc(scores, y), int(y.sum()), int((~y).sum())
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    se = np.sqrt((a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n0 - 1) * (q2 - a * a)) / (n1 * n0))
    return float(a - 1.96 * se)


# ---------------------------------------------------------------------------
# Метрики: f(tables, segment, year) → число
# ---------------------------------------------------------------------------


def _retention(t, segment, year) -> tuple[float, float, float]:
    """MRR когорты на начало, на конец и на конец без расширений (декабрь к декабрю).

    Без года — когорты декабря 2023 и декабря 2024 вместе (окна 2024 и 2025 годов): у сегмента,
    где клиентов за год полтора десятка, один год слишком шумный. Пустая когорта окна пропускается.
    """
    start = end = kept = 0.0
    for y in ((year,) if year else (2024, 2025)):
        try:
            r = kpi.revenue_retention(t["mrr"], f"{y - 1}-12-01", f"{y}-12-01", t["accounts"], segment)
        except MetricError:
            if year:
                raise
            continue
        start += r["start_mrr_rub"]
        end += r["end_mrr_rub"]
        kept += r["grr"] * r["start_mrr_rub"]
    return start, end, kept


def grr(t, segment, year):
    """GRR декабрь к декабрю; без года — две годовые когорты 2024–2025 вместе (взвешенно по MRR)."""
    start, _, kept = _retention(t, segment, year)
    return kept / start


def nrr(t, segment, year):
    """NRR декабрь к декабрю; без года — две годовые когорты 2024–2025 вместе (взвешенно по MRR)."""
    start, end, _ = _retention(t, segment, year)
    return end / start


def churn_at_renewal_share(t, segment, year):
    """Доля уходов клиентов с годовым договором в месяц продления (12, 24… месяца после первого оплаченного)."""
    mrr = retention.add_segment(t["mrr"], t["accounts"])
    mrr = mrr[(mrr["segment"].eq(segment) if segment else True) & mrr["billing"].eq("annual")]
    first = mrr[mrr["new_rub"] > 0].groupby("account_id")["month"].min()
    churn = mrr[(mrr["churn_rub"] > 0) & (mrr["mrr_rub"] == 0) & _year(mrr["month"], year)]
    start = churn["account_id"].map(first)
    months = (churn["month"].dt.year - start.dt.year) * 12 + churn["month"].dt.month - start.dt.month
    return float((months % 12 == 0).mean())


def annual_renewal_rate(t, segment, year):
    """Доля продлённых годовых договоров (по числу клиентов) среди подошедших к продлению в году
    (продления и уходы на них считает ``retention.renewal_churn``)."""
    mrr = retention.add_segment(t["mrr"], t["accounts"])
    mrr = mrr[mrr["segment"].eq(segment)] if segment else mrr
    row = retention.renewal_churn(mrr, *_period(year)).iloc[0]
    return Share(int(row["renewals"] - row["churned"]), int(row["renewals"]))


def churn_hazard_decline(t, segment, year):
    """1 − (месячный лого-отток на 13–36-м месяце жизни клиента) / (на 1–12-м): все когорты вместе."""
    mrr = retention.add_segment(t["mrr"], t["accounts"]).sort_values(["account_id", "month"])
    if segment is not None:
        mrr = mrr[mrr["segment"].eq(segment)]
    tenure = mrr.groupby("account_id").cumcount()
    gone = (mrr["churn_rub"] > 0) & (mrr["mrr_rub"] == 0)
    first_year, later = gone[(tenure >= 1) & (tenure <= 12)].mean(), gone[tenure > 12].mean()
    return float(1 - later / first_year)


def seats_over_employees_share(t, segment, year):
    usage = t["product_usage"].merge(t["accounts"][["account_id", "segment", "employees"]], on="account_id")
    usage = usage[usage["segment"].eq(segment) & _year(usage["month"], year)]
    return float((usage["licensed_seats"] > usage["employees"]).mean())


def win_rate(t, segment, year):
    """Выигранные / закрытые сделки сегмента по дате закрытия (как ``kpi.win_rate``) — с числом закрытых."""
    closed = kpi.closed_deals(t["opportunities"], *_period(year))
    closed = closed[closed["segment"].eq(segment)]
    return Share(int(closed["outcome"].eq("won").sum()), len(closed))


def _economics(t, year):
    return unit_economics.segment_economics(t, *_period(year), *YEARS_2024_2025)


def payback_months(t, segment, year):
    return _economics(t, year).loc[segment, "payback_months"]


def ltv_cac(t, segment, year):
    return _economics(t, year).loc[segment, "ltv_cac"]


def sql_to_opportunity(t, segment, year):
    sql = t["leads"][_year(t["leads"]["sql_date"], year)]
    return float(sql["opportunity_id"].notna().mean())


def lead_to_won(t, segment, year):
    """Лиды, созданные в году, кроме регистраций пробного периода (у них своя строка trial_to_paid):
    доля с выигранной сделкой."""
    leads = t["leads"][_year(t["leads"]["created_date"], year)]
    leads = leads[~leads["trial_started"]]
    won = set(t["opportunities"].loc[t["opportunities"]["outcome"].eq("won"), "opportunity_id"])
    return float(leads["opportunity_id"].isin(won).mean())


def trial_to_paid(t, segment, year):
    """Регистрации пробного периода в году: доля, ставшая клиентом (выигранная сделка из лида)."""
    leads = t["leads"][_year(t["leads"]["created_date"], year) & t["leads"]["trial_started"]]
    won = set(t["opportunities"].loc[t["opportunities"]["outcome"].eq("won"), "opportunity_id"])
    return float(leads["opportunity_id"].isin(won).mean())


def new_cac_ratio(t, segment, year):
    """Полные затраты на продажи и маркетинг за год / ACV новых клиентов за год."""
    costs = acquisition.acquisition_costs(t["marketing_spend"], t["sm_costs"], *_period(year)).sum()
    deals = acquisition.new_customer_deals(t["opportunities"])
    return float(costs / deals.loc[_year(deals["close_date"], year), "amount_rub"].sum())


def cold_call_connect_rate(t, segment, year):
    table = sales_scripts.opener_table(t["activities"], *_period(year))
    return float(table["connected"].sum() / table["dials"].sum())


def sdr_touches_per_day(t, segment, year):
    """Звонки, письма и сообщения SDR и BDR по отчёту телефонии и рассыльщика (касания по лидам CRM
    и работа с базой) / их отработанные рабочие дни."""
    daily = t["rep_daily_activity"]
    daily = daily[_year(daily["date"], year)]
    roles = ("SDR", "BDR")
    mine = _role_of(t, daily["rep_id"]).isin(roles).to_numpy()
    touches = daily.loc[mine, ["calls", "emails", "messages"]].to_numpy().sum()
    return float(touches / _working_days(t["reps"], roles, year))


def bdr_meetings_per_month(t, segment, year):
    act = t["activities"]
    held = act[_year(act["date"], year) & act["type"].eq("meeting") & act["outcome"].eq("held")]
    months = planning.active_months(t["reps"], *_period(year), roles=("BDR",)).to_numpy().sum()
    return float(_role_of(t, held["rep_id"]).eq("BDR").sum() / months)


def bdr_meeting_to_sql(t, segment, year):
    """Исходящие лиды, ставшие SQL в году, на встречи-знакомства BDR по исходящим лидам в году."""
    leads, act = t["leads"], t["activities"]
    out = leads.loc[leads["channel"].eq("outbound"), "lead_id"]
    held = act[_year(act["date"], year) & act["type"].eq("meeting") & act["outcome"].eq("held")
               & act["lead_id"].isin(out)]
    held = held[_role_of(t, held["rep_id"]).eq("BDR")]
    sql = leads[leads["channel"].eq("outbound") & _year(leads["sql_date"], year)]
    return float(len(sql) / len(held))


def touches_per_enterprise_win(t, segment, year):
    """Касания по выигранной сделке нового клиента крупного бизнеса: цепочка по лиду и активности по сделке."""
    return touches_per_win(t, "enterprise", year)


def touches_per_win(t, segment, year):
    """Касания по выигранной сделке нового клиента сегмента: цепочка по лиду и активности по сделке."""
    deals = acquisition.new_customer_deals(t["opportunities"])
    deals = deals[deals["segment"].eq(segment) & _year(deals["close_date"], year)]
    act = t["activities"]
    touches = act["opportunity_id"].isin(deals["opportunity_id"]).sum() + act["lead_id"].isin(deals["lead_id"]).sum()
    return float(touches / len(deals))


def size_cycle_correlation(t, segment, year):
    """Ранговая корреляция ACV и длины цикла выигранных сделок сегмента (2024–2025)."""
    opps = t["opportunities"]
    won = opps[opps["outcome"].eq("won") & opps["segment"].eq(segment)
               & acquisition.in_period(opps["close_date"], *YEARS_2024_2025)]
    return float(won["amount_rub"].rank().corr(kpi.cycle_days(won).rank()))


def _won_month_share(t, year, month):
    opps = t["opportunities"]
    won = opps[opps["outcome"].eq("won") & _year(opps["close_date"], year)]
    return float(won["close_date"].dt.month.eq(month).mean())


def december_won_share(t, segment, year):
    """Доля декабря среди выигранных за год сделок (по дате закрытия)."""
    return _won_month_share(t, year, 12)


def january_won_share(t, segment, year):
    """Доля января среди выигранных за год сделок (по дате закрытия)."""
    return _won_month_share(t, year, 1)


def monday_close_share(t, segment, year):
    """Доля понедельника среди закрытых за год сделок (выигранных и проигранных)."""
    close = t["opportunities"]["close_date"]
    close = close[_year(close, year)]
    return float((close.dt.day_of_week == 0).mean())


def holiday_activity_share(t, segment, year):
    act = t["activities"][_year(t["activities"]["date"], year)]
    return float(_holiday(act["date"]).mean())


def monday_ticket_share(t, segment, year):
    tickets = t["support_tickets"][_year(t["support_tickets"]["created_date"], year)]
    return float(tickets["created_date"].dt.day_of_week.eq(0).mean())


def linkedin_touch_share(t, segment, year):
    act = t["activities"][_year(t["activities"]["date"], year)]
    return float(act["type"].eq("linkedin").mean())


def salary_growth(t, segment, year):
    """Рост среднего оклада нанятых в году против нанятых годом раньше (та же роль и команда, взвешенно);
    для нескольких лет — пары «год к предыдущему» всех этих лет вместе."""
    hist = t["salary_history"]
    at_hire = hist[hist["reason"].eq("hire")].set_index("rep_id")["base_salary_rub"]
    reps = t["reps"].assign(hired=t["reps"]["hire_date"].dt.year, team=t["reps"]["team"].fillna("—"),
                            salary_at_hire=t["reps"]["rep_id"].map(at_hire))
    means = reps.groupby(["role", "team", "hired"])["salary_at_hire"].agg(["mean", "size"])
    first, last = (year[0], year[-1]) if isinstance(year, (tuple, list)) else (year, year)
    pairs = []  # несколько лет — пары «год к предыдущему» вместе, с весом числа нанятых
    for y in range(first, last + 1):
        now, before = means.xs(y, level="hired"), means.xs(y - 1, level="hired")
        pairs.append(now.merge(before, left_index=True, right_index=True, suffixes=("_now", "_before")))
    both = pd.concat(pairs)
    return float(np.average(both["mean_now"] / both["mean_before"], weights=both["size_now"]) - 1)


def sdr_variable_share(t, segment, year):
    costs = t["sm_costs"][_year(t["sm_costs"]["month"], year) & t["sm_costs"]["role"].isin(["SDR", "BDR"])]
    pay = costs.groupby("cost_type")["amount_rub"].sum()
    return float(pay["bonus"] / (pay["bonus"] + pay["salary"]))


def payroll_tax_effective_rate(t, segment, year):
    """Страховые взносы отдела продаж / (оклады + премии) за год."""
    costs = t["sm_costs"][_year(t["sm_costs"]["month"], year) & t["sm_costs"]["department"].eq("sales")]
    pay = costs.groupby("cost_type")["amount_rub"].sum()
    return float(pay["payroll_tax"] / (pay["salary"] + pay["bonus"]))


def ae_performance_exit_share(t, segment, year):
    """Доля увольнений AE за результат среди всех увольнений AE за 2023–2025 годы."""
    reps = t["reps"]
    exits = reps[reps["role"].eq("AE") & reps["exit_date"].notna()]
    return float(exits["exit_reason"].eq("performance").mean())


def ae_attrition(t, segment, year):
    return planning.attrition_rate(t["reps"], *_period(year), role="AE")


def ae_below_half_quota_share(t, segment, year):
    """Доля AE, проработавших весь год, с выполнением плана меньше 50 %."""
    reps = t["reps"]
    start, end = (pd.Timestamp(d) for d in _period(year))
    full = reps[reps["role"].eq("AE") & (reps["hire_date"] <= start) & ~(reps["exit_date"] <= end)]
    table = _attainment(t, year)
    below = table.reindex(full["rep_id"])["attainment"] < 0.5
    return Share(int(below.sum()), len(below))


def ae_quota_to_ote(t, segment, year):
    """План AE / OTE в команде сегмента за год: средний годовой план (ae_quotas) / (12 окладов,
    действующих на 1 января или при найме в году, + комиссия AE_COMMISSION с плана)."""
    q = t["ae_quotas"][t["ae_quotas"]["year"].eq(year)].merge(t["reps"][["rep_id", "team"]], on="rep_id")
    q = q[q["team"].eq(segment)]
    hist = t["salary_history"].sort_values("effective_date")
    start = pd.Timestamp(f"{year}-01-01")
    known = hist[hist["effective_date"] <= start].groupby("rep_id")["base_salary_rub"].last()
    first = hist.groupby("rep_id")["base_salary_rub"].first()
    base = q["rep_id"].map(known).fillna(q["rep_id"].map(first))
    ote = 12 * base + AE_COMMISSION * q["annual_quota_rub"]
    return float(q["annual_quota_rub"].mean() / ote.mean())


def _attainment(t, year):
    """Выполнение плана AE за год с планом этого года (``ae_quotas``), а не последним из ``reps``."""
    q = t["ae_quotas"][t["ae_quotas"]["year"].eq(year)].set_index("rep_id")["annual_quota_rub"]
    reps = t["reps"].assign(annual_quota_rub=t["reps"]["rep_id"].map(q))
    return kpi.quota_attainment(t["opportunities"], reps, *_period(year))


def _b2c_subscriptions(t):
    p = t["b2c_purchases"]
    return p[p["product"].isin(["monthly_sub", "annual_sub"])]


def b2c_paid_conversion_35d(t, segment, year):
    users = t["b2c_users"][_year(t["b2c_users"]["signup_date"], year)]
    first = _b2c_subscriptions(t).groupby("user_id")["date"].min()
    days = (users["user_id"].map(first) - users["signup_date"]).dt.days
    return float((days <= 35).mean())


def b2c_annual_first_renewal(t, segment, year):
    annual = t["b2c_purchases"][t["b2c_purchases"]["product"].eq("annual_sub")].sort_values("date")
    first = annual.drop_duplicates("user_id")
    first = first[_year(first["date"], year)]
    return float(first["user_id"].map(annual.groupby("user_id").size()).gt(1).mean())


def b2c_monthly_12m_retention(t, segment, year):
    """Доля первых месячных подписок года, оплаченных и через 360 дней (13-е списание)."""
    monthly = t["b2c_purchases"][t["b2c_purchases"]["product"].eq("monthly_sub")]
    first = monthly.groupby("user_id")["date"].min()
    first = first[_year(first, year)]
    return float(monthly.groupby("user_id").size().reindex(first.index).ge(13).mean())


def b2c_annual_revenue_share(t, segment, year):
    """Доля годовых подписок в выручке подписок (месячные + годовые) за год."""
    subs = _b2c_subscriptions(t)
    subs = subs[_year(subs["date"], year)]
    return float(subs.loc[subs["product"].eq("annual_sub"), "amount_rub"].sum() / subs["amount_rub"].sum())


def b2c_january_signup_peak(t, segment, year):
    """Регистрации января к лучшему из остальных месяцев года (больше 1 — пик года в январе)."""
    users = t["b2c_users"][_year(t["b2c_users"]["signup_date"], year)]
    by_month = users.groupby(users["signup_date"].dt.month).size()
    return float(by_month.loc[1] / by_month.drop(1).max())


def ticket_churn_auc_low(t, segment, year):
    """Нижняя граница AUC: обращения на место оператора за II полугодие прошлого года → уход в году."""
    start = pd.Timestamp(f"{year - 1}-07-01")
    base = pd.Timestamp(f"{year - 1}-12-01")
    usage = t["product_usage"]
    seats = usage[usage["month"].eq(base)].set_index("account_id")["licensed_seats"]
    tickets = t["support_tickets"]
    recent = tickets[(tickets["created_date"] >= start) & (tickets["created_date"] < base + pd.offsets.MonthBegin(1))]
    per_seat = recent.groupby("account_id").size().reindex(seats.index, fill_value=0) / seats
    churned = t["accounts"].set_index("account_id")["churned_on"].reindex(seats.index)
    return _auc_lower(per_seat, _year(churned, year))


def nps(t, segment, year):
    scores = t["product_usage"].loc[_year(t["product_usage"]["month"], year), "nps"].dropna()
    return float(100 * (scores.ge(9).mean() - scores.le(6).mean()))


def referral_share_new(t, segment, year):
    """Доля новых клиентов года, пришедших по реферальной программе (выигранные сделки приглашённых)."""
    lo, hi = _period(year)
    opps = t["opportunities"]
    won = opps["opportunity_id"].isin(t["referrals"]["opportunity_id"].dropna()) & opps["outcome"].eq("won")
    referred = int((won & acquisition.in_period(opps["close_date"], lo, hi)).sum())
    return Share(referred, acquisition.new_customers(opps, lo, hi))


def _closed_2024_2025(t):
    opps = t["opportunities"]
    return opps[opps["outcome"].isin(["won", "lost"]) & acquisition.in_period(opps["close_date"], *YEARS_2024_2025)]


def _closed_at_negotiation(t):
    closed = _closed_2024_2025(t)
    reached = meddic.stage_reached(t["opportunity_stages"])
    return closed[closed["opportunity_id"].map(reached).eq("negotiation")]


def meddic_auc_closed(t, segment, year):
    """AUC итоговой суммы MEDDIC как предиктора выигрыша среди всех закрытых сделок (2024–2025)."""
    closed = _closed_2024_2025(t)
    return meddic.auc(meddic.total(closed), closed["outcome"].eq("won"))


def meddic_auc_at_negotiation_low(t, segment, year):
    """Нижняя граница AUC суммы MEDDIC среди закрытых сделок, дошедших до переговоров (2024–2025)."""
    closed = _closed_at_negotiation(t)
    return _auc_lower(meddic.total(closed), closed["outcome"].eq("won"))


def meddic_auc_negotiation_entry(t, segment, year):
    """AUC суммы MEDDIC на входе в переговоры (снимок в opportunity_stages) среди закрытых сделок (2024–2025)."""
    closed = _closed_at_negotiation(t)
    stages = t["opportunity_stages"]
    snap = stages[stages["stage"].eq("negotiation")].set_index("opportunity_id").loc[closed["opportunity_id"]]
    return meddic.auc(meddic.total(snap), closed["outcome"].eq("won").to_numpy())


def onboarding_ttv_median(t, segment, year):
    """Медиана по Каплану — Мейеру дней от подписания договора до первого обращения, решённого клиентом
    в «Сфере Деск» (веха first_value), новые клиенты сегмента за всю историю (раздел 9.1)."""
    times = onboarding.milestone_times(t["onboarding_milestones"], t["handoffs"], t["accounts"], "first_value")
    return float(onboarding.ttv_table(times).loc[segment, "median"])


METRICS = {f.__name__: f for f in (
    grr, nrr, churn_at_renewal_share, annual_renewal_rate, churn_hazard_decline, seats_over_employees_share, win_rate, payback_months, ltv_cac,
    sql_to_opportunity, lead_to_won, trial_to_paid, new_cac_ratio, cold_call_connect_rate, sdr_touches_per_day,
    bdr_meetings_per_month, bdr_meeting_to_sql, touches_per_enterprise_win, touches_per_win,
    size_cycle_correlation, december_won_share, january_won_share, monday_close_share, holiday_activity_share,
    monday_ticket_share, linkedin_touch_share, salary_growth, sdr_variable_share, payroll_tax_effective_rate,
    ae_performance_exit_share, ae_attrition,
    ae_below_half_quota_share, ae_quota_to_ote, b2c_paid_conversion_35d, b2c_annual_first_renewal, b2c_monthly_12m_retention,
    b2c_annual_revenue_share, b2c_january_signup_peak, ticket_churn_auc_low,
    nps, referral_share_new, meddic_auc_closed, meddic_auc_at_negotiation_low, meddic_auc_negotiation_entry,
    onboarding_ttv_median)}


# ---------------------------------------------------------------------------
# Таблица ориентиров
# ---------------------------------------------------------------------------


def load_benchmarks(path: str | Path = BENCHMARKS_FILE) -> list[dict]:
    """Ориентиры из YAML. Понятная ошибка на русском, если файла нет или метрика неизвестна."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"Файл ориентиров «{path}» не найден: он лежит в папке datasets/ репозитория курса.")
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = [e.get("id") for e in entries if e.get("id") not in METRICS]
    if unknown:
        raise DataError(f"В «{path.name}» есть метрики без расчёта в salesbook.data.benchmarks: {', '.join(map(str, unknown))}.")
    return entries


def in_range(value: float, low: float | None, high: float | None, strict_low: bool = False) -> bool:
    """Значение в диапазоне ориентира: границы включительно, ``strict_low`` — строго больше ``low``;
    ``None`` или NaN у границы — граница не задана; NaN у значения — вне диапазона."""
    if value is None or pd.isna(value):
        return False
    above_low = not _given(low) or (value > low if strict_low else value >= low)
    return bool(above_low and (not _given(high) or value <= high))


def _period_label(year) -> str:
    """Подпись периода в таблице: «2025», «2024–2025» или пусто (вся история или без периода)."""
    if isinstance(year, tuple):
        return f"{year[0]}–{year[-1]}"
    return "" if year is None else str(year)


def evaluate(tables: dict | None = None, path: str | Path = BENCHMARKS_FILE, *,
             errors: str = "raise") -> pd.DataFrame:
    """Посчитать каждую строку ориентиров по данным. Столбцы: id, name, unit, segment, year
    (год или None), period (подпись: «2025», «2024–2025» или пусто), value, n (число наблюдений
    доли или None), binomial_ci, ci_low, ci_high (интервал Уилсона для строк с ``binomial_ci``),
    low, high, strict_low, source, verified, gap, side (с какой стороны диапазона расхождение:
    below или above), inside (значение в диапазоне, а для строк с ``binomial_ci`` — интервал
    пересекает диапазон).

    ``errors="nan"`` — метрика, которую на этих данных посчитать нельзя (например, в году нет
    сделок сегмента), даёт NaN и «вне диапазона» вместо исключения: так проверяют наборы
    с другими ``seed`` (``benchmarks/bench_seeds.py``)."""
    t = load_all() if tables is None else tables
    rows = []
    for entry in load_benchmarks(path):
        for row in entry["rows"]:
            year = tuple(row["years"]) if "years" in row else row.get("year")
            try:
                result = METRICS[entry["id"]](t, row.get("segment"), year)
            except (KeyError, IndexError, ValueError, ZeroDivisionError):
                if errors != "nan":
                    raise
                result = float("nan")
            value, n = float(result), getattr(result, "n", None)
            low, high = row.get("low"), row.get("high")
            ci_low = ci_high = None
            if row.get("binomial_ci"):
                if n is None:
                    raise DataError(f"{entry['id']}: binomial_ci задан, а метрика не сообщает число наблюдений.")
                ci_low, ci_high = wilson_interval(result.k, n, row["binomial_ci"])
                # интервал пересекается с диапазоном: данные не противоречат ориентиру
                inside = in_range(ci_high, low, None, bool(row.get("strict_low"))) and in_range(ci_low, None, high)
            else:
                inside = in_range(value, low, high, bool(row.get("strict_low")))
            rows.append({"id": entry["id"], "name": entry["name"], "unit": entry["unit"],
                         "segment": row.get("segment"), "year": year if isinstance(year, int) else None,
                         "period": _period_label(year), "value": value, "n": n,
                         "binomial_ci": row.get("binomial_ci"), "ci_low": ci_low, "ci_high": ci_high,
                         "low": low, "high": high, "strict_low": bool(row.get("strict_low")), "source": entry["source"], "verified": entry["verified"],
                         "gap": row.get("gap"), "side": row.get("side"), "inside": bool(inside)})
    return pd.DataFrame(rows)


def _fmt(value, unit: str) -> str:
    if value is None:
        return ""
    if value == np.inf:
        return "∞"          # например, LTV/CAC сегмента, где за период не ушёл ни один клиент
    if unit == "share":
        digits = 1 if abs(value) >= 0.01 or value == 0 else 2
        return pct(value, digits)
    if unit == "months":
        return f"{number(value, 1)}{NBSP}мес."
    whole = float(value).is_integer()
    return number(value, 0 if whole and unit != "ratio" else 2 if unit == "ratio" else 1)


def _value(r) -> str:
    """Значение для таблицы; у строки с ``binomial_ci`` — с интервалом Уилсона и числом наблюдений."""
    if not _given(r.ci_low):
        return _fmt(r.value, r.unit)
    level = f"{number(100 * r.binomial_ci, 0)}-%"
    return (f"{_fmt(r.value, r.unit)} ({level} интервал {_fmt(r.ci_low, r.unit)} — {_fmt(r.ci_high, r.unit)}, "
            f"n{NBSP}={NBSP}{r.n:.0f})")


def _given(value) -> bool:
    return value is not None and not pd.isna(value)


def _range(low, high, unit: str, strict_low: bool = False) -> str:
    low, high = (v if _given(v) else None for v in (low, high))
    if strict_low:
        return f"больше {_fmt(low, unit)}"
    if low is not None and high is not None:
        return _fmt(low, unit) if low == high else f"{_fmt(low, unit)} — {_fmt(high, unit)}"
    return f"не меньше {_fmt(low, unit)}" if low is not None else f"не больше {_fmt(high, unit)}"


def markdown(rows: pd.DataFrame | None = None) -> str:
    """Таблицы ориентиров для ``datasets/README.md``: по одной на сегмент (и «Вся компания»)."""
    rows = evaluate() if rows is None else rows
    parts = []
    for segment, name in SEGMENT_NAMES.items():
        part = rows[rows["segment"].isna()] if segment is None else rows[rows["segment"].eq(segment)]
        if part.empty:
            continue
        lines = [f"**{name}**", "", "| Показатель | Год | В данных | Ориентир | Источник | Расхождение |",
                 "|---|---|---:|---:|---|---|"]
        for r in part.itertuples():
            year = r.period
            cite = "логика" if not r.source else ", ".join(f"`{k}`" for k in r.source) + ("" if r.verified else " (не проверено)")
            gap = r.gap if _given(r.gap) else "—"
            lines.append(f"| {r.name} | {year} | {_value(r)} | {_range(r.low, r.high, r.unit, r.strict_low)} "
                         f"| {cite} | {gap} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def readme_block(text: str) -> str:
    """Часть README между метками ``<!-- benchmarks:start -->`` и ``<!-- benchmarks:end -->``."""
    return readme.block(text, README_START, README_END)


def update_readme(path: str | Path = README_FILE, rows: pd.DataFrame | None = None) -> bool:
    """Переписать таблицы в README по данным. Возвращает True, если файл изменился."""
    return readme.write_block(path, README_START, README_END, markdown(rows))
