"""Индекс здоровья клиента и проверка сценариев спасения (раздел 9.2).

База клиентов — B2B-клиенты «Сферы Деск», которые платили в месяце перед датой среза
(``mrr_rub > 0``) и не ушли в сам день среза. Срез — первое число месяца перед кварталом (1 декабря,
1 марта, 1 июня, 1 сентября): признаки считаются только по данным **до** этой даты (использование —
по последнему полному месяцу, обращения и счета — по датам до среза), исход — уход клиента в
следующие ``WINDOW_MONTHS`` месяца после среза (по ``accounts.churned_on``; день среза не входит).

Клиент с годовым договором уходит только в месяц продления (``churned_on`` — первое число месяца),
помесячный тариф — в любой день. «Решение в окне» (``at_risk``) — помесячный тариф или продление
через 1–3 месяца после среза: продление в месяце среза уже решено, и ни сценарий CSM, ни модель на
него не влияют. Остальные годовые клиенты в окне уйти не могут, и оценивать на них модель — значит
смешивать её оценку с календарём договоров.

Метрики качества модели живут в :mod:`~salesbook.toolkit.lead_scoring` (AUC с бутстрепом, калибровка
с интервалами Уилсона, выигрыш), размеры выборки и интервал разности долей — в
:mod:`~salesbook.toolkit.experiments`; здесь — признаки, индекс здоровья, пропускная способность CSM и сравнение групп.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.toolkit.validation import MetricError, require_columns

#: Окно исхода, месяцев: квартал после среза.
WINDOW_MONTHS = 3
#: Срезы обучения (окна 2024 года) и проверки (окна 2025 года): срез — за месяц до квартала, окно —
#: три месяца после среза (продления этого квартала). Исходы последнего среза обучения (окно
#: 2 сентября — 1 декабря 2024 года) известны к первому срезу проверки, 1 декабря 2024 года.
TRAIN_CUTOFFS = ("2023-12-01", "2024-03-01", "2024-06-01", "2024-09-01")
TEST_CUTOFFS = ("2024-12-01", "2025-03-01", "2025-06-01", "2025-09-01")

#: Категориальные признаки модели (one-hot в ``lead_scoring.model``).
CATEGORICAL = ("segment",)
#: Числовые признаки модели: все известны в день среза.
NUMERIC = ("utilisation", "utilisation_change", "logins_per_seat", "feature_adoption", "tickets_per_seat_90d",
           "critical_90d", "low_csat_180d", "detractor", "promoter", "nps_answered", "days_late_last",
           "tenure_months", "monthly_plan", "log_seats")
FEATURES = CATEGORICAL + NUMERIC

#: Старое правило компании «клиент в красной зоне» (допущение курса; то же правило отметило
#: клиентов в журнале ``save_plays``): хотя бы один сигнал.
OLD_RULE = {"utilisation_below": 0.6, "nps_at_most": 6, "critical_days": 90}

#: Индекс здоровья «как в CS-платформах» (допущение курса): четыре блока по 0–100 и их веса.
SCORE_WEIGHTS = {"usage": 0.4, "support": 0.2, "survey": 0.2, "payments": 0.2}
#: Границы цвета: зелёный — от 70, красный — ниже 40, между ними — жёлтый (допущение курса).
GREEN_FROM, RED_BELOW = 70.0, 40.0
#: Загрузка мест, при которой блок использования получает 0 и 100 баллов (допущение курса).
USAGE_FLOOR, USAGE_TOP = 0.3, 0.9
#: Дней просрочки, при которых блок платежей получает 0 баллов (допущение курса).
LATE_ZERO_DAYS = 30

#: Пропускная способность CSM на сценарии спасения: встреч в неделю на одного CSM (допущение курса — CSM ещё
#: ведёт внедрение, регулярные встречи и продления своих клиентов) и недель в квартале.
SAVE_PLAYS_PER_CSM_WEEK = 1
WEEKS_PER_QUARTER = 13

FEATURE_LABELS = {
    "utilisation": "Доля используемых мест", "utilisation_change": "Изменение доли используемых мест за 3 мес.",
    "logins_per_seat": "Входов на одно место", "feature_adoption": "Освоение функций",
    "tickets_per_seat_90d": "Обращений на одно место за 90 дней", "critical_90d": "Критичных обращений за 90 дней",
    "low_csat_180d": "Оценок CSAT 1–2 за полгода", "detractor": "Критик в NPS", "promoter": "Промоутер в NPS",
    "nps_answered": "Отвечал на NPS", "days_late_last": "Просрочка последнего счёта, дней",
    "days_late_max": "Макс. просрочка счёта за год, дней",
    "tenure_months": "Стаж клиента, мес.", "monthly_plan": "Помесячный тариф", "log_seats": "Число мест (логарифм)",
    "segment": "Сегмент", "health_score": "Взвешенный индекс, баллы", "annual": "Годовой договор", "smb": "Малый бизнес",
    "mrr_rub": "MRR прошлого месяца, ₽",
}
#: Признаки словами для текста («сильнее всего отделяет …»).
SIGNAL_NAMES = {
    "utilisation": "доля используемых мест", "utilisation_change": "изменение доли используемых мест",
    "logins_per_seat": "число входов на одно место", "feature_adoption": "доля освоенных функций",
    "tickets_per_seat_90d": "число обращений на одно место", "critical_90d": "критичные обращения",
    "low_csat_180d": "низкие оценки CSAT", "detractor": "оценка критика в NPS", "promoter": "оценка промоутера в NPS",
    "nps_answered": "ответ на NPS", "days_late_last": "просрочка последнего счёта", "tenure_months": "стаж клиента",
    "monthly_plan": "помесячный тариф", "log_seats": "число мест",
}
#: Сигналы использования продукта.
USAGE_SIGNALS = ("utilisation", "utilisation_change", "logins_per_seat", "feature_adoption")


def feature_label(name: str) -> str:
    """Русская подпись признака (понимает имена ``ColumnTransformer``: ``num__utilisation``)."""
    text = str(name).split("__", 1)[-1]
    if text.startswith("segment_"):
        from salesbook.runtime.plotting import label
        return f"Сегмент: {label(text[len('segment_'):])}"
    return FEATURE_LABELS.get(text, text)


# ---------------------------------------------------------------------------
# Срез: кто клиент и что о нём известно в день среза
# ---------------------------------------------------------------------------


def _cutoff(value) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise MetricError(f"Дата среза — строка ГГГГ-ММ-ДД, например '2025-01-01'; получено {value!r}.") from None
    if pd.isna(ts) or ts.day != 1:
        raise MetricError(f"Дата среза — первое число месяца (например, '2025-01-01'); получено {value!r}.")
    return ts


def _months_between(start: pd.Series, end: pd.Timestamp) -> pd.Series:
    return (end.year - start.dt.year) * 12 + end.month - start.dt.month


def customers_at(mrr: pd.DataFrame, cutoff, window_months: int = WINDOW_MONTHS) -> pd.DataFrame:
    """Клиенты на дату среза: платили в прошлом месяце (``mrr_rub > 0``).

    Столбцы: ``account_id``, ``billing``, ``mrr_rub`` (MRR прошлого месяца); ``tenure_months`` —
    месяцев от первого оплаченного месяца до среза;
    ``months_to_renewal`` — через сколько месяцев продление годового договора (0 — в месяц среза;
    у помесячного тарифа 0); ``at_risk`` — решение в окне: помесячный тариф или продление через
    1–``window_months`` месяцев после среза (продление в месяце среза уже решено).
    """
    require_columns(mrr, ["month", "account_id", "billing", "mrr_rub"], "mrr", non_empty=True)
    cut = _cutoff(cutoff)
    prev = cut - pd.DateOffset(months=1)
    first = mrr.groupby("account_id")["month"].min()
    live = mrr[(mrr["month"] == prev) & (mrr["mrr_rub"] > 0)]
    if live.empty:
        raise MetricError(f"В месяце перед срезом {cut.date()} нет платящих клиентов: проверьте дату среза.")
    out = live[["account_id", "billing", "mrr_rub"]].reset_index(drop=True)
    out["tenure_months"] = _months_between(out["account_id"].map(first), cut).astype(int)
    annual = out["billing"].eq("annual")
    out["months_to_renewal"] = np.where(annual, (-out["tenure_months"]) % 12, 0)
    out["at_risk"] = ~annual | out["months_to_renewal"].between(1, int(window_months))
    return out


def usage_features(usage: pd.DataFrame, cutoff) -> pd.DataFrame:
    """Признаки использования по последнему полному месяцу перед срезом (индекс — ``account_id``).

    ``utilisation`` — активные операторы / оплаченные места; ``utilisation_change`` — она же минус
    загрузка тремя месяцами раньше (нет данных — 0); ``logins_per_seat``, ``feature_adoption``;
    ``detractor``, ``promoter``, ``nps_answered`` — по последней оценке NPS за полгода до среза;
    ``log_seats`` — натуральный логарифм оплаченных мест.
    """
    require_columns(usage, ["month", "account_id", "licensed_seats", "active_users", "logins", "feature_adoption", "nps"],
                    "product_usage", non_empty=True)
    cut = _cutoff(cutoff)
    last = usage[usage["month"] == cut - pd.DateOffset(months=1)].set_index("account_id")
    before = usage[usage["month"] == cut - pd.DateOffset(months=4)].set_index("account_id")
    seats = last["licensed_seats"].astype(float)
    util = last["active_users"] / seats
    util_before = (before["active_users"] / before["licensed_seats"]).reindex(util.index)
    out = pd.DataFrame({
        "utilisation": util,
        "utilisation_change": (util - util_before).fillna(0.0),
        "logins_per_seat": last["logins"] / seats,
        "feature_adoption": last["feature_adoption"].astype(float),
        "log_seats": np.log(seats),
        "seats": seats,
    })
    nps = usage[(usage["month"] < cut) & (usage["month"] >= cut - pd.DateOffset(months=6)) & usage["nps"].notna()]
    last_nps = nps.sort_values("month").groupby("account_id")["nps"].last().astype(float).reindex(out.index)
    out["nps_answered"] = last_nps.notna().astype(int)
    out["detractor"] = (last_nps <= 6).astype(int)
    out["promoter"] = (last_nps >= 9).astype(int)
    return out


def support_features(tickets: pd.DataFrame, cutoff) -> pd.DataFrame:
    """Обращения до среза (индекс — ``account_id``): ``tickets_90d``, ``critical_90d`` и
    ``low_csat_180d`` — оценок CSAT 1–2 за полгода. Оценку CSAT клиент ставит после решения обращения,
    поэтому она считается, только если обращение решено до среза (``created_date + resolution_hours``).
    Клиента без обращений в таблице нет — это нули."""
    require_columns(tickets, ["account_id", "created_date", "priority", "csat"], "support_tickets", non_empty=True)
    cut = _cutoff(cutoff)
    t90 = tickets[(tickets["created_date"] < cut) & (tickets["created_date"] >= cut - pd.Timedelta(days=90))]
    t180 = tickets[(tickets["created_date"] < cut) & (tickets["created_date"] >= cut - pd.Timedelta(days=180))]
    if "resolution_hours" in t180.columns:
        solved = t180["created_date"] + pd.to_timedelta(t180["resolution_hours"].fillna(1e6), unit="h") < cut
        t180 = t180[solved.fillna(False)]
    return pd.DataFrame({
        "tickets_90d": t90.groupby("account_id").size(),
        "critical_90d": t90[t90["priority"].eq("critical")].groupby("account_id").size(),
        "low_csat_180d": t180[t180["csat"].le(2).fillna(False)].groupby("account_id").size(),
    }).fillna(0).astype(int)


def payment_features(invoices: pd.DataFrame, cutoff, lookback_days: int = 365) -> pd.DataFrame:
    """Платёжная дисциплина на дату среза (индекс — ``account_id``).

    Берутся счета, выставленные до среза, срок оплаты которых наступил за последние
    ``lookback_days`` дней до среза. Просрочка счёта **на дату среза**: оплачен до среза — дни от
    срока до оплаты; не оплачен к срезу — дни от срока до среза (оплата после среза в этот день ещё
    не известна); не меньше нуля. ``days_late_last`` — просрочка последнего по сроку счёта,
    ``days_late_max`` — самая большая, ``overdue_open`` — есть просроченный неоплаченный счёт.
    """
    require_columns(invoices, ["account_id", "issue_date", "due_date", "paid_date"], "invoices", non_empty=True)
    cut = _cutoff(cutoff)
    inv = invoices[(invoices["issue_date"] < cut) & (invoices["due_date"] >= cut - pd.Timedelta(days=int(lookback_days)))
                   & (invoices["due_date"] < cut)].sort_values(["due_date", "issue_date"], kind="stable")
    paid_known = inv["paid_date"].notna() & (inv["paid_date"] < cut)
    late = (inv["paid_date"].where(paid_known, cut) - inv["due_date"]).dt.days.clip(lower=0)
    by = inv["account_id"]
    return pd.DataFrame({
        "days_late_last": late.groupby(by).last(),
        "days_late_max": late.groupby(by).max(),
        "overdue_open": (~paid_known).groupby(by).any().astype(int),
    })


def churn_in_window(accounts: pd.DataFrame, account_ids: pd.Series, start, window_months: int = WINDOW_MONTHS) -> pd.Series:
    """1, если клиент ушёл после ``start`` (сам день не входит: уход в день среза уже случился) и не
    позже, чем через ``window_months`` месяцев, иначе 0."""
    require_columns(accounts, ["account_id", "churned_on"], "accounts")
    start = pd.Timestamp(start)
    churned = pd.Series(account_ids).map(accounts.set_index("account_id")["churned_on"])
    return ((churned > start) & (churned <= start + pd.DateOffset(months=int(window_months)))).astype(int)


def snapshot(cutoff, mrr: pd.DataFrame, accounts: pd.DataFrame, usage: pd.DataFrame, tickets: pd.DataFrame,
             invoices: pd.DataFrame, window_months: int = WINDOW_MONTHS) -> pd.DataFrame:
    """Срез базы: клиент × все признаки на дату ``cutoff`` и исход ``churned`` в окне после неё.

    Строка — клиент, плативший в месяце перед срезом и не ушедший в день среза (его решение уже
    принято — договор закончился или счёт на месяц не оплачен). Признаки — :func:`usage_features`,
    :func:`support_features` (``tickets_per_seat_90d`` = обращения за 90 дней / места),
    :func:`payment_features`, а также ``segment``, ``industry``, ``tenure_months``,
    ``months_to_renewal``, ``monthly_plan`` и ``at_risk`` (может уйти в окне). ``churned_mrr`` —
    MRR прошлого месяца у ушедших (0 у остальных).
    """
    require_columns(accounts, ["account_id", "segment", "industry", "churned_on"], "accounts", non_empty=True)
    cut = _cutoff(cutoff)
    base = customers_at(mrr, cut, window_months)
    acc = accounts.set_index("account_id")
    gone = base["account_id"].map(acc["churned_on"]) <= cut
    base = base[~gone.to_numpy()].reset_index(drop=True)
    base["segment"] = base["account_id"].map(acc["segment"])
    base["industry"] = base["account_id"].map(acc["industry"])
    u = usage_features(usage, cut).reindex(base["account_id"])
    s = support_features(tickets, cut).reindex(base["account_id"]).fillna(0)
    p = payment_features(invoices, cut).reindex(base["account_id"]).fillna(0)
    frame = pd.concat([base.set_index("account_id"), u, s, p], axis=1).reset_index()
    if frame["utilisation"].isna().any():
        frame = frame[frame["utilisation"].notna()].reset_index(drop=True)
    frame["tickets_per_seat_90d"] = frame["tickets_90d"] / frame["seats"]
    frame["monthly_plan"] = frame["billing"].eq("monthly").astype(int)
    frame["churned"] = churn_in_window(accounts, frame["account_id"], cut, window_months).to_numpy()
    frame["churned_mrr"] = frame["mrr_rub"] * frame["churned"]
    frame.insert(0, "cutoff", cut)
    for c in ("tickets_90d", "critical_90d", "low_csat_180d", "days_late_last", "days_late_max", "overdue_open"):
        frame[c] = frame[c].astype(int)
    return frame


def snapshots(cutoffs, mrr: pd.DataFrame, accounts: pd.DataFrame, usage: pd.DataFrame, tickets: pd.DataFrame,
              invoices: pd.DataFrame, window_months: int = WINDOW_MONTHS, at_risk_only: bool = True) -> pd.DataFrame:
    """Несколько срезов подряд (по строке на клиента и срез); по умолчанию — только клиенты с решением в окне."""
    frames = [snapshot(c, mrr, accounts, usage, tickets, invoices, window_months) for c in cutoffs]
    out = pd.concat(frames, ignore_index=True)
    return out[out["at_risk"]].reset_index(drop=True) if at_risk_only else out


# ---------------------------------------------------------------------------
# Правило и взвешенный индекс здоровья
# ---------------------------------------------------------------------------


def old_rule(frame: pd.DataFrame, rule: dict | None = None) -> pd.Series:
    """Старое правило «красной зоны»: загрузка мест ниже порога, критик в NPS или критичное обращение."""
    r = OLD_RULE if rule is None else rule
    require_columns(frame, ["utilisation", "detractor", "critical_90d"], "frame")
    return ((frame["utilisation"] < r["utilisation_below"]) | frame["detractor"].astype(bool)
            | (frame["critical_90d"] >= 1)).rename("old_rule")


def score_components(frame: pd.DataFrame) -> pd.DataFrame:
    """Четыре блока индекса здоровья, каждый от 0 до 100 (больше — здоровее).

    * ``usage`` — загрузка мест: 0 при ``USAGE_FLOOR`` и ниже, 100 при ``USAGE_TOP`` и выше, между — линейно;
    * ``support`` — 100 минус 40 за каждое критичное обращение за 90 дней и 20 за каждую оценку CSAT 1–2 за полгода;
    * ``survey`` — NPS: промоутер 100, нейтральный 70, критик 0, не отвечал 50;
    * ``payments`` — просрочка последнего счёта: 100 без просрочки, 0 при ``LATE_ZERO_DAYS`` днях и больше, между — линейно.
    """
    require_columns(frame, ["utilisation", "critical_90d", "low_csat_180d", "detractor", "promoter", "nps_answered",
                            "days_late_last"], "frame")
    usage = ((frame["utilisation"] - USAGE_FLOOR) / (USAGE_TOP - USAGE_FLOOR)).clip(0, 1) * 100
    support = (100 - 40 * frame["critical_90d"] - 20 * frame["low_csat_180d"]).clip(0, 100)
    survey = np.select([frame["promoter"].eq(1), frame["detractor"].eq(1), frame["nps_answered"].eq(1)],
                       [100.0, 0.0, 70.0], 50.0)
    payments = (1 - frame["days_late_last"] / LATE_ZERO_DAYS).clip(0, 1) * 100
    return pd.DataFrame({"usage": usage, "support": support, "survey": survey, "payments": payments},
                        index=frame.index).astype(float)


def weighted_score(frame: pd.DataFrame, weights: dict | None = None) -> pd.Series:
    """Индекс здоровья 0–100: взвешенная сумма блоков :func:`score_components` (веса — доли, в сумме 1)."""
    w = SCORE_WEIGHTS if weights is None else weights
    if not isinstance(w, dict) or set(w) != set(SCORE_WEIGHTS):
        raise MetricError(f"Веса — словарь с ключами {', '.join(SCORE_WEIGHTS)}.")
    total = sum(float(v) for v in w.values())
    if not np.isclose(total, 1.0):
        raise MetricError(f"Веса блоков — доли, в сумме 1 (0,4, а не 40); сейчас сумма {total:g}.")
    comp = score_components(frame)
    return sum(comp[k] * float(v) for k, v in w.items()).rename("health_score")


def colour(score) -> pd.Series:
    """Цвет индекса: ``green`` от ``GREEN_FROM``, ``red`` ниже ``RED_BELOW``, иначе ``yellow``."""
    s = pd.Series(score, dtype=float)
    return pd.Series(np.select([s >= GREEN_FROM, s < RED_BELOW], ["green", "red"], "yellow"), index=s.index,
                     name="colour")


# ---------------------------------------------------------------------------
# Модель, пропускная способность CSM и верхушка списка
# ---------------------------------------------------------------------------


def fit_predict(train: pd.DataFrame, test: pd.DataFrame, features=FEATURES) -> pd.Series:
    """Логистическая регрессия ``lead_scoring.model("logit")`` на ``train`` (исход ``churned``) →
    вероятности ухода для ``test``."""
    from salesbook.toolkit import lead_scoring

    features = list(features)
    require_columns(train, features + ["churned"], "train", non_empty=True)
    require_columns(test, features, "test", non_empty=True)
    if train["churned"].nunique() < 2:
        raise MetricError("В обучении нужны и ушедшие, и оставшиеся клиенты.")
    m = lead_scoring.model("logit", features).fit(train[features], train["churned"])
    return pd.Series(m.predict_proba(test[features])[:, 1], index=test.index, name="p_churn")


def csm_capacity(reps: pd.DataFrame, cutoff, plays_per_week: float = SAVE_PLAYS_PER_CSM_WEEK,
                 weeks: float = WEEKS_PER_QUARTER) -> int:
    """Сколько сценариев спасения команда CSM успеет за окно: CSM в штате в день среза × встреч в неделю × недель."""
    require_columns(reps, ["role", "hire_date", "exit_date"], "reps", non_empty=True)
    cut = _cutoff(cutoff)
    csm = reps[reps["role"].eq("CSM") & (reps["hire_date"] <= cut) & (reps["exit_date"].isna() | (reps["exit_date"] > cut))]
    return int(round(len(csm) * float(plays_per_week) * float(weeks)))


def top_k(frame: pd.DataFrame, score, k) -> pd.DataFrame:
    """Кого обзвонит команда: по каждому срезу — ``k`` клиентов с самой высокой оценкой риска.

    ``score`` — оценка риска (больше — рискованнее), по строке ``frame``; ``k`` — число или словарь
    «срез → число». По срезам: ``customers`` — клиентов в списке, ``called`` — взято, ``churned`` — ушло
    всего, ``caught`` — ушедших среди взятых, ``precision`` = caught / called, ``base_rate`` = churned /
    customers, ``lift`` = precision / base_rate, ``mrr_caught`` — доля MRR ушедших, которая пришлась на взятых.
    """
    require_columns(frame, ["cutoff", "churned", "churned_mrr"], "frame", non_empty=True)
    s = np.asarray(score, dtype=float)
    if s.shape != (len(frame),) or np.isnan(s).any():
        raise MetricError("Оценка риска — по числу на каждую строку среза, без пропусков.")
    f = frame[["cutoff", "churned", "churned_mrr"]].assign(score=s)
    rows = []
    for cut, g in f.groupby("cutoff", sort=True):
        kk = k.get(cut, k.get(str(pd.Timestamp(cut).date()))) if isinstance(k, dict) else k
        kk = int(min(int(kk), len(g)))
        top = g.sort_values("score", ascending=False, kind="stable").head(kk)
        rows.append({"cutoff": cut, "customers": len(g), "called": kk, "churned": int(g["churned"].sum()),
                     "caught": int(top["churned"].sum()), "churned_mrr": float(g["churned_mrr"].sum()),
                     "caught_mrr": float(top["churned_mrr"].sum())})
    out = pd.DataFrame(rows).set_index("cutoff")
    out["precision"] = out["caught"] / out["called"]
    out["base_rate"] = out["churned"] / out["customers"]
    out["lift"] = out["precision"] / out["base_rate"]
    out["mrr_caught"] = out["caught_mrr"] / out["churned_mrr"]
    return out


def top_k_total(table: pd.DataFrame) -> pd.Series:
    """Итог :func:`top_k` по всем срезам: суммы и доли, посчитанные по суммам."""
    require_columns(table, ["customers", "called", "churned", "caught", "churned_mrr", "caught_mrr"], "table")
    t = table[["customers", "called", "churned", "caught", "churned_mrr", "caught_mrr"]].sum()
    t["precision"] = t["caught"] / t["called"]
    t["base_rate"] = t["churned"] / t["customers"]
    t["lift"] = t["precision"] / t["base_rate"]
    t["mrr_caught"] = t["caught_mrr"] / t["churned_mrr"]
    return t


# ---------------------------------------------------------------------------
# Сценарии спасения: исходы и сравнение групп
# ---------------------------------------------------------------------------


def play_outcomes(save_plays: pd.DataFrame, accounts: pd.DataFrame, window_months: int = WINDOW_MONTHS) -> pd.DataFrame:
    """Журнал ``save_plays`` с исходом: ``churned`` — клиент ушёл в окне после ``flag_date`` (как в
    :func:`churn_in_window`: день отметки не входит, последний день окна входит);
    ``reached`` — встреча сценария состоялась (``play_date`` заполнена)."""
    require_columns(save_plays, ["program", "flag_date", "account_id", "group", "play_date"], "save_plays", non_empty=True)
    out = save_plays.copy()
    churned = out["account_id"].map(accounts.set_index("account_id")["churned_on"])
    end = out["flag_date"] + pd.DateOffset(months=int(window_months))
    out["churned"] = ((churned > out["flag_date"]) & (churned <= end)).astype(int)
    out["reached"] = out["play_date"].notna()
    return out


def compare_groups(frame: pd.DataFrame, by: str = "group", treated: str = "play", control: str = "control",
                   alpha: float = 0.05) -> pd.DataFrame:
    """Доля ушедших по группам с интервалом Уилсона и разность «группа − контроль» с интервалом Ньюкомба.

    Строки: ``treated``, ``control`` и ``difference``; столбцы ``n``, ``churned``, ``rate``, ``low``, ``high``.
    Разность в долях (−0,05 — на 5 п. п. меньше ушедших в группе ``treated``).
    """
    from salesbook.toolkit.enablement import wilson
    from salesbook.toolkit.experiments import diff_confint

    require_columns(frame, [by, "churned"], "frame", non_empty=True)
    rows = {}
    for name in (treated, control):
        g = frame.loc[frame[by] == name, "churned"]
        if g.empty:
            raise MetricError(f"В столбце «{by}» нет группы {name!r}.")
        low, high = wilson(int(g.sum()), len(g), alpha=alpha)
        rows[name] = {"n": len(g), "churned": int(g.sum()), "rate": g.mean(), "low": float(low), "high": float(high)}
    t, c = rows[treated], rows[control]
    low, high = diff_confint(t["churned"], t["n"], c["churned"], c["n"], alpha=alpha)
    rows["difference"] = {"n": t["n"] + c["n"], "churned": t["churned"] + c["churned"], "rate": t["rate"] - c["rate"],
                          "low": low, "high": high}
    return pd.DataFrame(rows).T.astype({"n": int, "churned": int})



# ---------------------------------------------------------------------------
# Добавки раздела: порядок старого правила, причины в очереди, бутстреп по клиентам,
# разбиения-ловушки, баланс групп, повторный жребий и порог пользы
# ---------------------------------------------------------------------------

#: Подписи блоков индекса — «почему клиент в списке» для CSM.
BLOCK_LABELS = {"usage": "мало используют места", "support": "критичные обращения или низкий CSAT",
                "survey": "критик или молчит в NPS", "payments": "просрочка счёта"}
#: Подписи групп и журналов для таблиц части 2.
GROUP_LABELS = {"play": "Сценарий", "control": "Контроль", "reached": "Встреча состоялась",
                "difference": "Разница, п. п. (сценарий − контроль)"}
PROGRAM_LABELS = {"csm_choice": "2024: выбор CSM", "rct": "2025: жребий"}


def old_rule_order(frame: pd.DataFrame) -> pd.Series:
    """Очередь по старому правилу: сначала отмеченные («красные»), внутри них — по убыванию MRR."""
    require_columns(frame, ["mrr_rub"], "frame")
    rank = frame["mrr_rub"].rank(method="first") / (len(frame) + 1)
    return (old_rule(frame).astype(float) + rank).rename("old_rule_order")


def reasons(frame: pd.DataFrame, n: int = 2, below: float = 70.0) -> pd.Series:
    """Почему клиент в списке: до ``n`` самых слабых блоков индекса (ниже ``below`` баллов) словами."""
    comp = score_components(frame)
    out = []
    for _, row in comp.iterrows():
        weak = row[row < below].sort_values().index[: int(n)]
        out.append("; ".join(BLOCK_LABELS[b] for b in weak) if len(weak) else "сигналы в норме")
    return pd.Series(out, index=frame.index, name="reasons")


def account_bootstrap(frame: pd.DataFrame, stat, n_boot: int = 500, seed: int = 2025, alpha: float = 0.05,
                      groups: str = "account_id") -> pd.DataFrame:
    """Бутстреп по клиентам: клиент встречается в нескольких срезах, поэтому выбирают клиентов целиком.

    ``stat(frame) -> dict`` — статистики на выборке; возвращает таблицу ``estimate``, ``low``, ``high``
    (процентильный интервал) по каждой статистике.
    """
    require_columns(frame, [groups], "frame", non_empty=True)
    rng = np.random.default_rng(seed)
    codes, uniques = pd.factorize(frame[groups])
    rows_of = [np.flatnonzero(codes == i) for i in range(len(uniques))]
    point = pd.Series(stat(frame), dtype=float)
    draws = []
    for _ in range(int(n_boot)):
        pick = rng.integers(0, len(uniques), len(uniques))
        idx = np.concatenate([rows_of[i] for i in pick])
        sample = frame.iloc[idx].reset_index(drop=True)
        if sample["churned"].nunique() < 2:
            continue
        draws.append(pd.Series(stat(sample), dtype=float))
    d = pd.DataFrame(draws)
    return pd.DataFrame({"estimate": point, "low": d.quantile(alpha / 2), "high": d.quantile(1 - alpha / 2)})


def split_aucs(frame: pd.DataFrame, n_splits: int = 20, by_account: bool = False, test_share: float = 0.3,
               seed: int = 0) -> pd.Series:
    """AUC модели при случайных разбиениях строк (или клиентов целиком, ``by_account``) на обучение и проверку."""
    from salesbook.toolkit import lead_scoring

    rng = np.random.default_rng(seed)
    out = []
    for _ in range(int(n_splits)):
        if by_account:
            ids = frame["account_id"].unique()
            test_ids = set(rng.choice(ids, int(round(len(ids) * test_share)), replace=False))
            mask = ~frame["account_id"].isin(test_ids).to_numpy()
        else:
            mask = rng.random(len(frame)) >= test_share
        out.append(lead_scoring.auc(frame.loc[~mask, "churned"], fit_predict(frame[mask], frame[~mask])))
    return pd.Series(out, name="auc")


def balance(frame: pd.DataFrame, columns, by: str = "group", treated: str = "play", control: str = "control") -> pd.DataFrame:
    """Средние сигналов по группам и стандартизованная разность (разность средних / общее ст. откл.).

    При жребии на двух группах по n клиентов стандартная ошибка стандартизованной разности —
    около √(2 / n): на 160 клиентах в группе случайный разброс ±0,2 — обычное дело.
    """
    require_columns(frame, list(columns) + [by], "frame", non_empty=True)
    t, c = frame[frame[by].eq(treated)], frame[frame[by].eq(control)]
    rows = {}
    for col in columns:
        a, b = t[col].astype(float), c[col].astype(float)
        sd = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
        rows[col] = {treated: a.mean(), control: b.mean(), "smd": (a.mean() - b.mean()) / sd if sd > 0 else 0.0}
    return pd.DataFrame(rows).T


def rerandomise(frame: pd.DataFrame, reach_score, n_sim: int = 1000, seed: int = 2025,
                strata: str | None = None) -> pd.DataFrame:
    """Повторный жребий на тех же клиентах с теми же исходами: эффект сценария равен нулю.

    Каждый раз группа сценария заново разыгрывается пополам (внутри слоёв ``strata``, если заданы),
    а встреча в ней «состоится» с вероятностью ``reach_score`` (доля от 0 до 1 на клиента — как встреча
    зависит от клиента). Возвращает по строке на розыгрыш: ``itt`` — сценарий − контроль по назначению,
    ``per_protocol`` — встреча состоялась − контроль.
    """
    require_columns(frame, ["churned"], "frame", non_empty=True)
    y = frame["churned"].to_numpy(float)
    reach = np.clip(np.asarray(reach_score, dtype=float), 0, 1)
    layers = np.zeros(len(frame), dtype=int) if strata is None else pd.factorize(frame[strata])[0]
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(int(n_sim)):
        play = np.zeros(len(frame), dtype=bool)
        lead = 0                                  # как в журнале: лишний клиент — в меньшую пока группу
        for s_ in np.unique(layers):
            members = np.flatnonzero(layers == s_)
            extra = 0
            if len(members) % 2 == 1:
                extra = int(lead < 0 or (lead == 0 and rng.random() < 0.5))
                lead += 1 if extra else -1
            play[members[rng.permutation(len(members))[:len(members) // 2 + extra]]] = True
        met = play & (rng.random(len(frame)) < reach)
        rows.append({"itt": y[play].mean() - y[~play].mean(), "per_protocol": y[met].mean() - y[~play].mean()})
    return pd.DataFrame(rows)


def breakeven(play_cost: float, mrr_rub, gross_margin: float, months: float = 12) -> float:
    """Порог пользы сценария: на сколько (долей) он должен снизить отток, чтобы окупиться.

    Цена одного сценария / валовая прибыль, которую приносит удержанный клиент за ``months`` месяцев
    (MRR × месяцы × валовая маржа). ``mrr_rub`` — MRR клиента (или среднее по группе).
    """
    value = np.asarray(mrr_rub, dtype=float) * float(months) * float(gross_margin)
    if np.any(value <= 0):
        raise MetricError("MRR, месяцы и валовая маржа должны быть положительными.")
    out = float(play_cost) / value
    if isinstance(mrr_rub, pd.Series):
        return pd.Series(out, index=mrr_rub.index, name="breakeven")
    return float(out) if np.ndim(out) == 0 else out


def pp(share: float) -> str:
    """Разность долей в процентных пунктах со знаком: 0,061 → «+6,1 п. п.», −0,132 → «−13,2 п. п.»."""
    from salesbook.runtime import fmt

    text = fmt.number(abs(share) * 100, 1)
    sign = "" if text in ("0,0", "—") else "+" if share > 0 else "−"
    return f"{sign}{text}\u00a0п.\u00a0п."


def groups_table(table: pd.DataFrame) -> pd.DataFrame:
    """Таблица :func:`compare_groups` для показа: группы по-русски, разность — в п. п. со знаком."""
    from salesbook.runtime import fmt

    rows = []
    for name, r in table.iterrows():
        diff = name == "difference"
        f = pp if diff else fmt.pct
        rows.append({"": GROUP_LABELS.get(name, name), "Клиентов": "—" if diff else fmt.number(r["n"]),
                     "Ушли": "—" if diff else fmt.number(r["churned"]), "Доля ушедших": f(r["rate"]),
                     "Низ 95\u00a0%": f(r["low"]), "Верх 95\u00a0%": f(r["high"])})
    out = pd.DataFrame(rows).set_index("")
    out.index.name = None
    return out


#: Блоки взвешенного индекса как признаки модели (см. :func:`score_components`).
BLOCKS = ("usage", "support", "survey", "payments")


def fit_predict_blocks(train: pd.DataFrame, test: pd.DataFrame) -> pd.Series:
    """Логистическая регрессия на тех же четырёх блоках, что у взвешенного индекса: веса выучены на
    ``train`` вместо заданных на глаз; вероятности ухода для ``test``."""
    tr = pd.concat([score_components(train), train[["churned"]]], axis=1)
    return fit_predict(tr, score_components(test), features=BLOCKS)


def quarter_label(cutoff) -> str:
    """Квартал, на который смотрит срез: срез 1 декабря 2024 года → «I кв. 2025»."""
    from salesbook.runtime import fmt

    first = pd.Timestamp(cutoff) + pd.DateOffset(months=1)
    return fmt.quarter(f"{first.year}Q{(first.month - 1) // 3 + 1}")


def top_k_members(frame: pd.DataFrame, score, k) -> pd.DataFrame:
    """Строки ``frame``, которые попали в верхушку :func:`top_k` (по каждому срезу — ``k`` с самой высокой оценкой)."""
    require_columns(frame, ["cutoff"], "frame", non_empty=True)
    s = pd.Series(np.asarray(score, dtype=float), index=frame.index)
    parts = []
    for cut, g in frame.groupby("cutoff", sort=True):
        kk = k.get(cut, k.get(str(pd.Timestamp(cut).date()))) if isinstance(k, dict) else k
        parts.append(g.loc[s[g.index].sort_values(ascending=False, kind="stable").index[: int(min(int(kk), len(g)))]])
    return pd.concat(parts)


#: Как показывать сигналы в таблице баланса групп: доли — в %, остальное — числом.
_BALANCE_FORMATS = {"share": ("utilisation", "nps_answered", "annual", "smb"),
                    "one": ("health_score", "days_late_last"), "two": ("tickets_per_seat_90d",), "rub": ("mrr_rub",)}


def balance_table(bal: pd.DataFrame, treated: str = "play", control: str = "control") -> pd.DataFrame:
    """Таблица :func:`balance` для показа: сигналы по-русски, доли в %, стандартизованная разность — два знака."""
    from salesbook.runtime import fmt

    def show(col, v):
        if col in _BALANCE_FORMATS["share"]:
            return fmt.pct(v)
        if col in _BALANCE_FORMATS["rub"]:
            return fmt.rub(v)
        return fmt.number(v, 2 if col in _BALANCE_FORMATS["two"] else 1)

    rows = [{"Сигнал в день отметки": FEATURE_LABELS.get(col, col), GROUP_LABELS[treated]: show(col, r[treated]),
             GROUP_LABELS[control]: show(col, r[control]),
             "Стандартизованная разность": ("−" if r["smd"] < 0 else "") + fmt.number(abs(r["smd"]), 2)}
            for col, r in bal.iterrows()]
    return pd.DataFrame(rows).set_index("Сигнал в день отметки")


def balance_test(frame: pd.DataFrame, columns, by: str = "group", treated: str = "play") -> float:
    """Совместная проверка баланса: p-value теста отношения правдоподобия для логистической регрессии
    «попал в группу ``treated``» на все ``columns`` сразу (малое p — сигналы связаны с группой)."""
    import statsmodels.api as sm

    require_columns(frame, list(columns) + [by], "frame", non_empty=True)
    x = sm.add_constant(frame[list(columns)].astype(float), has_constant="add")
    y = frame[by].eq(treated).astype(int)
    fit = sm.Logit(y, x).fit(disp=False)
    return float(fit.llr_pvalue)
