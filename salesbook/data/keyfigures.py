"""Раздел «Ключевые цифры набора» в ``datasets/README.md`` — из данных, а не руками.

Каждое число раздела считается по таблицам набора функцией курса из
``salesbook.toolkit`` (CAC, окупаемость, LTV, win rate, цикл, отток, NRR, воронка
касаний, MEDDIC, A/B-тесты) — той же, что вызывают разделы книги, поэтому README не
расходится с книгой. Где функции нет — короткое выражение pandas ниже. Числа —
по-русски (``salesbook.runtime.fmt``: неразрывные пробелы, десятичная запятая).

    from salesbook.data import keyfigures
    print(keyfigures.markdown())          # раздел для datasets/README.md
    keyfigures.update_readme()            # переписать его (salesbook benchmarks --write)

Тест ``tests/test_benchmarks.py`` требует, чтобы раздел в README совпадал со свежим расчётом.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from salesbook.data import readme
from salesbook.data.generator.dates import day_of
from salesbook.data.generator.params import survey as survey_params
from salesbook.data.generator.steps.survey import History
from salesbook.data.load import TABLES, find_data_dir, load_all
from salesbook.data.schemas import RELATIONSHIPS
from salesbook.runtime.fmt import NBSP, compact_rub, number, pct
from salesbook.toolkit import acquisition, experiments, finance, kpi, meddic, retention, sales_scripts, unit_economics
from salesbook.toolkit.course import DATA_END, DATA_START, PAID_CHANNELS, SEGMENTS, YEAR_2024, YEAR_2025, YEARS, YEARS_2024_2025

ROOT = Path(__file__).resolve().parents[2]
README_FILE = ROOT / "datasets" / "README.md"
README_START = "<!-- keyfigures:start -->"
README_END = "<!-- keyfigures:end -->"

SEGMENT_NAMES = {"smb": "Малый бизнес", "mid_market": "Средний бизнес", "enterprise": "Крупный бизнес"}
SEGMENT_SHORT = {"smb": "малый бизнес", "mid_market": "средний", "enterprise": "крупный"}
CHANNEL_NAMES = {"ppc": "контекст", "outbound": "исходящие", "content": "контент", "organic": "органика",
                 "social": "соцсети", "events": "мероприятия", "partners": "партнёры"}
ROLE_NAMES = {"AE": "AE", "SDR": "SDR", "CSM": "CSM", "SE": "SE", "BDR": "BDR", "manager": "руководителей"}
OPENER_NAMES = {"permission": "разрешение", "problem": "проблема", "referral": "рекомендация"}
RELATIONSHIP_NAMES = {"customer": "клиенты", "prospect": "потенциальные", "churned": "ушедшие",
                      "lost_prospect": "проигранные"}
PAYMENT_NAMES = {"web_card": "карта на сайте", "sbp": "СБП", "rustore": "RuStore", "app_store": "App Store"}
B2C_CHANNEL_NAMES = {"organic": "органика", "aso": "ASO", "app_ads": "реклама в магазинах", "social": "соцсети",
                     "influencers": "блогеры"}
MONTHS_IN = ("январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре", "октябре",
             "ноябре", "декабре")
SUBSCRIPTIONS = ("monthly_sub", "annual_sub")


# ---------------------------------------------------------------------------
# Форматирование
# ---------------------------------------------------------------------------


def _n(value, digits: int = 0) -> str:
    return number(value, digits)


def _mln(value, digits: int = 1) -> str:
    return f"{number(value / 1e6, digits)}{NBSP}млн{NBSP}₽"


def _thousand(value, digits: int = 0) -> str:
    return f"{number(value / 1e3, digits)}{NBSP}тыс.{NBSP}₽"


def _rub(value) -> str:
    return f"{number(value)}{NBSP}₽"


def _plural(n: int, one: str, few: str, many: str) -> str:
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _table(header: list[str], align: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += [("| " + " | ".join(r) + " |").replace("|  |", "| |") for r in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Расчёт
# ---------------------------------------------------------------------------


def _files(t: dict, data_dir: Path) -> list[tuple[str, int, int]]:
    """(файл, строк, байт) каждой таблицы набора в порядке ``TABLES``."""
    out = []
    for name in TABLES:
        path = data_dir / f"{name}.csv"
        if path.exists():
            out.append((path.name, len(t[name]), path.stat().st_size))
    return out


def _b2b(t: dict) -> dict:
    opps, mrr, acc = t["opportunities"], t["mrr"], t["accounts"]
    seg_of = acc.set_index("account_id")["segment"]
    dec = mrr[mrr["month"].eq(pd.Timestamp("2025-12-01")) & (mrr["mrr_rub"] > 0)]
    arr = dec.groupby(dec["account_id"].map(seg_of))["mrr_rub"].sum() * 12
    active = dec.groupby(dec["account_id"].map(seg_of))["account_id"].nunique()
    won = opps[opps["outcome"].eq("won")]
    clients = won.groupby(won["account_id"].map(seg_of))["account_id"].nunique()
    first = acquisition.new_customer_deals(opps)
    deals = opps.groupby("segment").size()
    win = kpi.win_rate(opps, DATA_START, DATA_END, by="segment")
    won_all = kpi.won_deals(opps, DATA_START, DATA_END)
    acv = won_all.groupby("segment")["amount_rub"].median()
    cycle = kpi.median_cycle(opps, DATA_START, DATA_END, by="segment")
    churn = unit_economics.logo_churn_monthly(mrr, *YEARS_2024_2025, acc, by="segment")
    nrr = {s: kpi.revenue_retention(mrr, "2024-12-01", "2025-12-01", acc, s)["nrr"] for s in SEGMENTS}
    return {
        "arr": arr, "active": active, "clients": clients, "deals": deals, "win": win, "acv": acv,
        "cycle": cycle, "churn": churn, "nrr": nrr,
        "open": int(opps["outcome"].eq("open").sum()), "won": len(won), "upsells": len(won) - len(first),
        "win_all": kpi.win_rate(opps, DATA_START, DATA_END),
    }


def _funnel(t: dict) -> pd.DataFrame:
    """Воронка по каналу исходного лида за всю историю: доли лидов, дошедших до этапа."""
    leads, opps = t["leads"], t["opportunities"]
    costs = acquisition.channel_funnel(t["marketing_spend"], leads, opps, DATA_START, DATA_END)
    won_ids = set(opps.loc[opps["outcome"].eq("won"), "opportunity_id"])
    frame = pd.DataFrame({
        "channel": leads["channel"],
        "mql": leads["mql_date"].notna(),
        "sql": leads["sql_date"].notna(),
        "deal": leads["opportunity_id"].notna(),
        "won": leads["opportunity_id"].isin(won_ids),
    })
    table = frame.groupby("channel").agg(leads=("mql", "size"), mql=("mql", "mean"), sql=("sql", "mean"),
                                         deal=("deal", "mean"), won_share=("won", "mean"), wins=("won", "sum"))
    table["spend"] = costs["spend_rub"].reindex(table.index).fillna(0.0)
    table["cpl"] = costs["cpl"].reindex(table.index)
    table["per_win"] = (table["spend"] / table["wins"].where(table["wins"] > 0)).where(table["spend"] > 0)
    return table.sort_values(["leads", "spend"], ascending=False)


def _economics(t: dict) -> dict:
    """Юнит-экономика B2B за 2024 год — теми же функциями, что разделы 1.1.1–1.1.4."""
    spend, costs, opps, mrr, cogs, leads = (t[n] for n in ("marketing_spend", "sm_costs", "opportunities", "mrr",
                                                           "cogs", "leads"))
    company = unit_economics.company_economics(t, *YEAR_2024, *YEARS_2024_2025)
    parts = acquisition.acquisition_costs(spend, costs, *YEAR_2024)
    rows = costs[acquisition.in_period(costs["month"], *YEAR_2024)]
    by_dept = rows.groupby("department")["amount_rub"].sum()
    funnel = acquisition.channel_funnel(spend, leads, opps, *YEAR_2024)
    both = acquisition.blended_and_paid_cac(funnel)
    paid_customers = int(funnel.loc[funnel.index.isin(list(PAID_CHANNELS)), "customers"].sum())
    won_2024 = len(kpi.won_deals(opps, *YEAR_2024))
    ltv = unit_economics.simple_ltv(company["arpa"], company["gm"], company["churn"])
    reps = t["reps"]
    full_year = reps[reps["role"].eq("AE") & (reps["hire_date"] <= pd.Timestamp(YEAR_2025[0]))
                     & (reps["exit_date"].isna() | (reps["exit_date"] > pd.Timestamp(YEAR_2025[1])))]
    quota = kpi.quota_attainment(opps, reps, *YEAR_2025, by="rep_id")
    quota = quota[quota.index.isin(full_year["rep_id"])]
    attainment = quota["attainment"].groupby(full_year.set_index("rep_id")["team"]).median()
    return {
        "media": parts["media"], "sales": by_dept.get("sales", 0.0), "marketing": by_dept.get("marketing", 0.0),
        "csm": by_dept.get("customer_success", 0.0),
        "customers": int(company["customers"]), "paid_customers": paid_customers,
        "upsells": won_2024 - int(company["customers"]),
        "cac": company["cac"], "paid_cac": acquisition.cac(company["costs"], paid_customers),
        "media_cac": company["media_cac"], "media_paid_cac": both["paid"],
        "revenue": retention.b2b_revenue(mrr).loc[lambda s: acquisition.in_period(
            pd.Series(s.index, index=s.index), *YEAR_2024)].sum(),
        "gm": company["gm"], "gm_by_year": {y: unit_economics.gross_margin_for_period(mrr, cogs, *YEARS[y])
                                            for y in YEARS},
        "new_mrr": company["new_mrr"],
        "payback": finance.payback_simple(company["cac"], company["new_mrr"] * company["gm"]),
        "arpa": company["arpa"], "churn": company["churn"], "ltv": ltv,
        "ltv_cac": unit_economics.ltv_to_cac(ltv, company["cac"]), "attainment": attainment,
    }


def _team(t: dict) -> dict:
    reps, acts, opps, stages = t["reps"], t["activities"], t["opportunities"], t["opportunity_stages"]

    def staff(day) -> int:
        day = pd.Timestamp(day)
        return int(((reps["hire_date"] <= day) & (reps["exit_date"].isna() | (reps["exit_date"] > day))).sum())

    openers = sales_scripts.opener_table(acts)
    curve = sales_scripts.touch_curve(acts, t["leads"])
    closed = opps[opps["outcome"].isin(["won", "lost"])]
    totals = meddic.total(closed)
    is_won = closed["outcome"].eq("won").to_numpy()
    entry = stages[stages["stage"].eq("negotiation")].sort_values("entered_date").drop_duplicates("opportunity_id")
    entry = entry[entry["opportunity_id"].isin(closed["opportunity_id"])]
    entry_won = entry["opportunity_id"].map(closed.set_index("opportunity_id")["outcome"]).eq("won")
    ab = {e: experiments.variant_summary(t["email_experiments"], e)["rate"]
          for e in sorted(t["email_experiments"]["experiment_id"].unique())}
    tickets = t["support_tickets"]
    customer_months = int((t["mrr"]["mrr_rub"] > 0).sum())
    exits = reps[reps["exit_reason"].notna()]
    lead_counts = t["leads"].groupby("account_id").size()
    return {
        "reps": len(reps), "roles": reps["role"].value_counts(), "exits": len(exits),
        "voluntary": int(exits["exit_reason"].eq("voluntary").sum()),
        "performance": exits.loc[exits["exit_reason"].eq("performance"), "role"],
        "staff": {"январь 2023": staff(DATA_START), "конец 2023": staff(YEARS[2023][1]),
                  "конец 2024": staff(YEARS[2024][1]), "конец 2025": staff(YEARS[2025][1])},
        "dials": int(openers["dials"].sum()), "connected": int(openers["connected"].sum()),
        "meeting_rate": openers["meeting_rate"],
        "touch": curve["reply_rate"],
        "meddic_won": float(totals[is_won].mean()), "meddic_lost": float(totals[~is_won].mean()),
        "auc": meddic.auc(totals, is_won),
        "auc_entry": meddic.auc(meddic.total(entry), entry_won.to_numpy()),
        "ab": ab,
        "tickets": len(tickets), "tickets_per_month": len(tickets) / customer_months,
        "csat_share": float(tickets["csat"].notna().mean()), "csat": float(tickets["csat"].mean()),
        "nps": float(t["product_usage"]["nps"].mean()),
        "accounts": len(t["accounts"]), "multi_lead": int((lead_counts > 1).sum()),
    }


def _invited(t: dict) -> pd.Series:
    """Отношения с нами каждой компании, которой ушла анкета, — по правилу шага генератора survey."""
    rel = History(t["accounts"], t["opportunities"], t["leads"]).on(day_of(survey_params.SURVEY_SENT_DATE))
    return pd.Series(np.asarray(RELATIONSHIPS, dtype=object)[rel[rel >= 0]])


def _survey(t: dict) -> dict:
    s = t["survey_responses"]
    people = s.drop_duplicates("respondent_id")
    invited = _invited(t)
    answered = people[people["method"].eq("survey")]
    return {
        "respondents": len(people), "by_method": people["method"].value_counts(),
        "invited": len(invited), "items": len(s), "item_types": s["item_type"].value_counts(),
        "prompted": int(s["prompted"].sum()),
        "invited_customers": float(invited.eq("customer").mean()),
        "answered_customers": float(answered["relationship"].eq("customer").mean()),
        "wtp": people.groupby("relationship")["wtp_rub"].median(),
    }


def _b2c(t: dict) -> dict:
    users, buys, spend, cogs = t["b2c_users"], t["b2c_purchases"], t["marketing_spend"], t["cogs"]
    year = users["signup_date"].dt.year
    peak = users.groupby([year, users["signup_date"].dt.month]).size().groupby(level=0).idxmax()
    revenue = retention.b2c_revenue(buys)
    rev_year = revenue.groupby(revenue.index.year).sum()
    b2c_spend = spend[spend["business_line"].eq("b2c")]
    media_year = b2c_spend.groupby(b2c_spend["month"].dt.year)["spend_rub"].sum()
    fees = cogs[cogs["business_line"].eq("b2c") & cogs["cost_type"].eq("payment_fees")]
    fee_share = fees.groupby(fees["month"].dt.year)["amount_rub"].sum() / rev_year
    cohort = users[year.eq(2023)]
    paid = buys[buys["user_id"].isin(cohort["user_id"]) & (buys["date"] <= pd.Timestamp(DATA_END))]
    per_user = paid.groupby(paid["user_id"].map(cohort.set_index("user_id")["acquisition_channel"]))["amount_rub"] \
        .sum().reindex(cohort["acquisition_channel"].unique()).fillna(0.0) \
        / cohort.groupby("acquisition_channel").size()
    return {
        "signups": users.groupby(year).size(), "total": len(users),
        "organic": int(users["acquisition_channel"].eq("organic").sum()),
        "peak": {int(y): int(m[1]) for y, m in peak.items()},
        "subscribers": int(buys.loc[buys["product"].isin(SUBSCRIPTIONS), "user_id"].nunique()),
        "buyers": int(buys["user_id"].nunique()),
        "revenue": rev_year, "media": media_year,
        "gm": retention.gross_margin(cogs, revenue, DATA_START, DATA_END, "b2c"),
        "fee_share": fee_share,
        "payments": buys["payment_channel"].value_counts(normalize=True),
        "per_user": per_user.sort_values(ascending=False),
    }


def compute(tables: dict | None = None, data_dir: str | Path | None = None) -> dict:
    """Все цифры раздела: словарь по частям (``files``, ``b2b``, ``funnel``, ``economics``…)."""
    t = load_all(data_dir) if tables is None else tables
    return {
        "files": _files(t, find_data_dir(data_dir)),
        "b2b": _b2b(t), "funnel": _funnel(t), "economics": _economics(t), "team": _team(t),
        "survey": _survey(t), "b2c": _b2c(t),
    }


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------


def _md_files(files) -> str:
    rows = [[f"`{name}`", _n(n), number(size / 2**20, 2)] for name, n, size in files]
    rows.append(["**Всего**", f"**{_n(sum(f[1] for f in files))}**", f"**{number(sum(f[2] for f in files) / 2**20, 1)}**"])
    return _table(["Файл", "Строк", "Размер, МБ"], ["---", "--:", "--:"], rows).replace("--:", "---:")


def _md_b2b(b: dict) -> str:
    segs = list(SEGMENTS)

    def row(name, values, total=""):
        return [name] + values + [total]

    open_word = _plural(b["open"], "открыта", "открыты", "открыто")
    upsell_word = _plural(b["upsells"], "допродажа", "допродажи", "допродаж")
    rows = [
        row("ARR на конец 2025 года, млн ₽", [_n(b["arr"].get(s, 0) / 1e6) for s in segs],
            f"**{_n(b['arr'].sum() / 1e6)}**"),
        row("Активных клиентов на конец 2025 года", [_n(b["active"].get(s, 0)) for s in segs], _n(b["active"].sum())),
        row("Клиентов за три года (с выигранной сделкой)", [_n(b["clients"].get(s, 0)) for s in segs],
            _n(b["clients"].sum())),
        row("Сделок", [_n(b["deals"].get(s, 0)) for s in segs],
            f"{_n(b['deals'].sum())} ({_n(b['open'])} {open_word}; выиграно {_n(b['won'])}, "
            f"из них {_n(b['upsells'])} {upsell_word})"),
        row("Доля выигранных среди закрытых сделок", [pct(b["win"][s]) for s in segs], pct(b["win_all"])),
        row("Медиана ACV выигранной сделки", [compact_rub(b["acv"][s]) for s in segs]),
        row("Медиана цикла выигранной сделки, дней", [_n(b["cycle"][s]) for s in segs]),
        row("Месячный лого-отток (2024–2025 годы)", [pct(b["churn"][s], 2) for s in segs]),
        row("NRR за 2025 год (декабрь 2024 → декабрь 2025)", [pct(b["nrr"][s], 0) for s in segs]),
    ]
    header = ["Показатель"] + [SEGMENT_NAMES[s] for s in segs] + ["Всего"]
    return "**B2B «Сфера Деск»**\n\n" + _table(header, ["---"] + ["---:"] * 4, rows)


def _md_funnel(f: pd.DataFrame) -> str:
    rows = []
    for ch, r in f.iterrows():
        paid = r["spend"] > 0
        rows.append([f"{CHANNEL_NAMES.get(ch, ch)} (`{ch}`)", _n(r["leads"]), pct(r["mql"]), pct(r["sql"]),
                     pct(r["deal"]), pct(r["won_share"]),
                     number(r["spend"] / 1e6, 1) if paid else "—",
                     number(r["cpl"] / 1e3, 1) if paid else "—",
                     _n(r["per_win"] / 1e3) if paid and np.isfinite(r["per_win"]) else "—"])
    header = ["Канал", "Лидов", "MQL", "SQL", "Сделка", "Выигрыш", "Медиабюджет, млн ₽", "Цена лида, тыс. ₽",
              "Медиа на выигрыш, тыс. ₽"]
    return "Воронка по каналам за три года (доля лидов канала, дошедших до этапа):\n\n" + \
        _table(header, ["---"] + ["---:"] * 8, rows)


def _md_economics(e: dict) -> str:
    gm = e["gm_by_year"]
    others = ", ".join(f"{y} год — {pct(gm[y], 0)}" for y in YEARS if y != 2024)
    paid_word = _plural(e["upsells"], "выигранная сделка — допродажа", "выигранные сделки — допродажи",
                        "выигранных сделок — допродажи")
    att = e["attainment"]
    lines = [
        "Экономика юнитов за 2024 год (те же функции, что в разделах 1.1.1–1.1.4):",
        "",
        f"* Медиабюджет B2B — {_mln(e['media'])}; команда продаж (оклады, премии, взносы, сервисы, офис) — "
        f"{_mln(e['sales'])}; команда маркетинга и агентства — {_mln(e['marketing'])}; CSM — {_mln(e['csm'])} "
        "(в CAC не входит).",
        f"* Новых клиентов — {_n(e['customers'])}, из них {_n(e['paid_customers'])} из платных каналов "
        f"(ещё {_n(e['upsells'])} {paid_word}, в CAC их не считают).",
        f"* **Полностью нагруженный blended CAC ≈ {compact_rub(e['cac'])}** (paid ≈ {compact_rub(e['paid_cac'])}); "
        f"только медиа: blended ≈ {compact_rub(e['media_cac'])}, paid ≈ {compact_rub(e['media_paid_cac'])} на клиента.",
        f"* Выручка B2B — {_mln(e['revenue'])}, валовая маржа — {pct(e['gm'])} ({others}).",
        f"* Средний новый MRR — {compact_rub(e['new_mrr'])}, **срок окупаемости CAC ≈ "
        f"{number(e['payback'], 1)} месяца**.",  # дробное число месяцев — «месяца»
        f"* ARPA — {compact_rub(e['arpa'])} в месяц, лого-отток за 2024–2025 годы — {pct(e['churn'], 2)} в месяц, "
        f"LTV = ARPA × маржа / отток ≈ {compact_rub(e['ltv'])}, **LTV/CAC ≈ {number(e['ltv_cac'], 1)}**.",
        "* Медианное выполнение плана AE в 2025 году (AE, проработавшие весь год): "
        + ", ".join(f"{pct(att[s], 0)} ({SEGMENT_SHORT[s]})" for s in SEGMENTS if s in att.index) + ".",
    ]
    return "\n".join(lines)


def _md_team(m: dict) -> str:
    order = ["AE", "SDR", "CSM", "SE", "BDR", "manager"]
    roles = m["roles"].reindex([r for r in order if r in m["roles"].index] + [r for r in m["roles"].index
                                                                             if r not in order])
    perf = m["performance"]
    perf_roles = perf.unique()
    if len(perf) == 0:
        perf_text = ""
    else:
        who = ""
        if len(perf_roles) == 1:
            who = f" ({'оба' if len(perf) == 2 else 'все'} — {ROLE_NAMES.get(perf_roles[0], perf_roles[0])})" \
                if len(perf) > 1 else f" ({ROLE_NAMES.get(perf_roles[0], perf_roles[0])})"
        perf_text = f" и {_n(len(perf))} за результат{who}"
    staff = ", ".join(f"{k} — {_n(v)}" for k, v in m["staff"].items())
    ab = "; ".join(f"`{e}` " + " / ".join(f"{v} {pct(r)}" for v, r in rates.items()) for e, rates in m["ab"].items())
    lines = [
        "Продавцы и касания:",
        "",
        f"* Сотрудников за всё время — {_n(m['reps'])} ("
        + ", ".join(f"{ROLE_NAMES.get(r, r)} — {_n(n)}" for r, n in roles.items())
        + f"), {_plural(m['exits'], 'уволился', 'уволились', 'уволились')} {_n(m['exits'])}: "
        f"{_n(m['voluntary'])} по собственному желанию{perf_text}. В штате: {staff}.",
        f"* Холодных звонков — {_n(m['dials'])}, из них состоявшихся разговоров — {_n(m['connected'])}. "
        "Встреча назначена в " + _opener_phrase(m["meeting_rate"]) + ".",
        "* Отклик по номеру касания, %: " + " → ".join(number(v * 100, 1) for v in m["touch"].to_numpy()) + ".",
        f"* Сумма оценок MEDDIC у выигранных сделок — в среднем {number(m['meddic_won'], 1)} из 12, у проигранных — "
        f"{number(m['meddic_lost'], 1)}; ROC AUC итоговой суммы MEDDIC как предиктора выигрыша ≈ "
        f"{number(m['auc'], 2)} (в основном — заглядывание в будущее), среди сделок, дошедших до переговоров, "
        f"на снимке при входе в переговоры ≈ {number(m['auc_entry'], 2)}.",
        f"* Результаты A/B-тестов писем (доля ответивших): {ab}.",
        f"* Обращений в поддержку — {_n(m['tickets'])} ({number(m['tickets_per_month'], 1)} на клиента в месяц), "
        f"оценку CSAT ставят {pct(m['csat_share'], 0)}, средняя — {number(m['csat'], 1)}; средняя оценка NPS-опроса — "
        f"{number(m['nps'], 1)} из 10.",
        f"* Компаний в базе — {_n(m['accounts'])}, у {_n(m['multi_lead'])} из них больше одного лида.",
    ]
    return "\n".join(lines)


def _opener_phrase(rates: pd.Series) -> str:
    parts = [f"{pct(rates[o])} — «{OPENER_NAMES.get(o, o)}»" for o in ("permission", "problem", "referral")
             if o in rates.index]
    if not parts:
        return ""
    first = parts[0].replace(" — ", " разговоров со стартом ", 1)
    return ", ".join([first] + parts[1:])


def _md_survey(s: dict) -> str:
    m, types = s["by_method"], s["item_types"]
    wtp = ", ".join(f"{RELATIONSHIP_NAMES.get(r, r)} — {_rub(round(s['wtp'][r], -1))}"
                    for r in ("customer", "prospect", "churned", "lost_prospect") if r in s["wtp"].dropna().index)
    prompted_word = _plural(s["prompted"], "ответ", "ответы", "ответы")  # «224 — ответы»
    return "\n".join([
        "**Исследование клиентов**",
        "",
        f"* Респондентов — {_n(s['respondents'])}: интервью — {_n(m.get('interview', 0))}, анкета — "
        f"{_n(m.get('survey', 0))} (из {_n(s['invited'])} приглашённых компаний), сессии — "
        f"{_n(m.get('user_session', 0))}. Высказываний — {_n(s['items'])}: болей — {_n(types.get('pain', 0))}, "
        f"выгод — {_n(types.get('gain', 0))}, из них {_n(s['prompted'])} — {prompted_word} на закрытый вопрос анкеты.",
        f"* Смещение выборки анкеты: действующие клиенты — {pct(s['invited_customers'], 0)} приглашённых, но "
        f"{pct(s['answered_customers'], 0)} ответивших.",
        f"* Медиана заявленной готовности платить за место оператора в месяц: {wtp}.",
    ])


def _md_b2c(c: dict) -> str:
    years = [int(y) for y in c["signups"].index]
    signups = ", ".join(f"{y} — {_n(c['signups'][y])}" for y in years)
    peaks = c["peak"]
    if len(set(peaks.values())) == 1:
        peak = f"в каждом году больше всего — в {MONTHS_IN[next(iter(peaks.values())) - 1]}"
    else:
        peak = "больше всего регистраций: " + ", ".join(f"в {y} году — в {MONTHS_IN[m - 1]}" for y, m in peaks.items())
    revenue = ", ".join(f"{y} — {_mln(c['revenue'].get(y, 0), 2)}" for y in years)
    media = " / ".join(number(c["media"].get(y, 0) / 1e6, 2) for y in years)
    fees = ", ".join(f"{pct(c['fee_share'][y])} выручки в {y} году" for y in years if y in c["fee_share"].index)
    payments = ", ".join(f"{PAYMENT_NAMES.get(k, k)} — {pct(v, 0)}" for k, v in c["payments"].items())
    per_user = ", ".join(f"{B2C_CHANNEL_NAMES.get(k, k)} — {_rub(v)}" for k, v in c["per_user"].items())
    return "\n".join([
        "**B2C «Сфера Планер»**",
        "",
        f"* Регистраций: {signups} (всего {_n(c['total'])}; органика — {_n(c['organic'])}); {peak}.",
        f"* Подписчиков — {_n(c['subscribers'])} ({pct(c['subscribers'] / c['total'])} регистраций), покупателей "
        f"с учётом «Про-пакета» — {_n(c['buyers'])}.",
        f"* Выручка: {revenue}; медиабюджет B2C — {media}{NBSP}млн{NBSP}₽; валовая маржа ≈ {pct(c['gm'], 0)} "
        f"(комиссии за приём платежей — {fees}).",
        f"* Списания по способам оплаты: {payments}.",
        f"* Выручка на одного пользователя когорты {years[0]} года к концу {years[-1]}-го: {per_user}.",
    ])


def markdown(figures: dict | None = None) -> str:
    """Раздел «Ключевые цифры набора» для ``datasets/README.md`` (без заголовка и меток)."""
    f = compute() if figures is None else figures
    parts = [_md_files(f["files"]), _md_b2b(f["b2b"]), _md_funnel(f["funnel"]), _md_economics(f["economics"]),
             _md_team(f["team"]), _md_survey(f["survey"]), _md_b2c(f["b2c"])]
    return "\n\n".join(parts) + "\n"


def readme_block(text: str) -> str:
    """Часть README между метками ``<!-- keyfigures:start -->`` и ``<!-- keyfigures:end -->``."""
    return readme.block(text, README_START, README_END)


def update_readme(path: str | Path = README_FILE, figures: dict | None = None) -> bool:
    """Переписать раздел в README по данным. Возвращает True, если файл изменился."""
    return readme.write_block(path, README_START, README_END, markdown(figures))
