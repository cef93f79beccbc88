"""Расширение выручки базы: upsell и cross-sell, «белые пятна», склонность к расширению, NRR по составляющим,
риск повышения цены (раздел 9.3).

Деньги берутся из ``mrr`` (месячные движения MRR клиентов B2B), продукты — из ``account_products``
(то же движение, разложенное по продуктам: места, сделка допродажи, модуль, индексация) и каталога
``products``. NRR и GRR когорты — :func:`salesbook.toolkit.kpi.revenue_retention`; здесь — их разложение.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.toolkit import lead_scoring
from salesbook.toolkit.validation import MetricError, require_columns

#: Движения, которые входят в расширение MRR (``mrr.expansion_rub``).
EXPANSION_EVENTS = ("seats_added", "upsell_deal", "module", "indexation")
#: Движения, которые делает продажа или успех клиентов (без индексации цены): цель модели склонности.
SALES_EXPANSION_EVENTS = ("seats_added", "upsell_deal", "module")
#: Вид расширения по событию: upsell — больше того же (места), cross-sell — другой продукт, цена — индексация.
MOTION = {"seats_added": "upsell", "upsell_deal": "upsell", "module": "cross_sell", "indexation": "price"}
MOTION_LABELS = {"upsell": "Допродажа (upsell): места", "cross_sell": "Перекрёстная продажа (cross-sell): модули",
                 "price": "Индексация цены"}
#: Кто делает движение: продажа командой (сделка допродажи, модуль), органический рост мест (клиент докупил
#: места сам, без сделки) и цена.
SOURCE = {"seats_added": "organic", "upsell_deal": "sold", "module": "sold", "indexation": "price"}
EVENT_LABELS = {"new": "Новый договор", "seats_added": "Докупленные места", "upsell_deal": "Сделка допродажи (места)",
                "module": "Модуль", "indexation": "Индексация цены", "seats_removed": "Сокращение мест",
                "churn": "Отток"}
#: Признаки модели склонности к расширению (таблица :func:`propensity_frame`).
PROPENSITY_FEATURES = ("segment", "tenure_months", "log_seats", "utilisation", "seat_headroom",
                       "feature_adoption", "modules_held", "expanded_before")

_AP_COLUMNS = ["month", "account_id", "product_id", "event", "seats_change", "mrr_change_rub"]


def _month(value, name: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = pd.NaT
    if pd.isna(ts):
        raise MetricError(f"{name}: нужен месяц, например '2025-12-01', получено {value!r}.")
    return ts.to_period("M").to_timestamp()


def _check_ap(account_products: pd.DataFrame) -> None:
    require_columns(account_products, _AP_COLUMNS, "account_products", non_empty=True)


def _segments(accounts: pd.DataFrame) -> pd.Series:
    require_columns(accounts, ["account_id", "segment"], "accounts", non_empty=True)
    return accounts.set_index("account_id")["segment"]


# ---------------------------------------------------------------------------
# Из чего сложилось расширение
# ---------------------------------------------------------------------------


def expansion_mix(account_products: pd.DataFrame, start, end, accounts: pd.DataFrame | None = None,
                  by: str | None = None) -> pd.DataFrame:
    """Расширение MRR за период [``start``; ``end``] (месяцы включительно) по видам.

    База — все клиенты, у кого в период было расширение (и новые клиенты периода тоже).
    Строки — события (места, сделка допродажи, модуль, индексация), столбцы ``mrr_rub`` — сумма
    прироста MRR за период, ₽ в месяц, ``share`` — доля в расширении, ``motion`` — upsell,
    cross-sell или цена. ``by="segment"`` (нужен ``accounts``) — те же суммы по сегментам столбцами.
    """
    _check_ap(account_products)
    lo, hi = _month(start, "start"), _month(end, "end")
    if hi < lo:
        raise MetricError("Конец периода раньше начала.")
    ap = account_products[account_products["event"].isin(EXPANSION_EVENTS)
                          & account_products["month"].between(lo, hi)]
    if ap.empty:
        raise MetricError("За период расширений нет.")
    if by is None:
        total = ap.groupby("event")["mrr_change_rub"].sum().reindex(EXPANSION_EVENTS, fill_value=0.0)
        out = pd.DataFrame({"mrr_rub": total, "share": total / total.sum()})
    else:
        if by != "segment":
            raise MetricError("Группировка — только by='segment'.")
        if accounts is None:
            raise MetricError("Чтобы считать по сегментам, передайте accounts.")
        seg = ap["account_id"].map(_segments(accounts))
        out = ap.pivot_table(index="event", columns=seg, values="mrr_change_rub", aggfunc="sum",
                             fill_value=0.0).reindex(EXPANSION_EVENTS, fill_value=0.0)
        out.columns.name = None
    out.insert(0, "motion", [MOTION[e] for e in out.index])
    return out


# ---------------------------------------------------------------------------
# Что у клиента есть и что он ещё может купить
# ---------------------------------------------------------------------------


def holdings(account_products: pd.DataFrame, month) -> pd.DataFrame:
    """Продукты клиентов, платящих в ``month``: редакция и купленные модули (строка — клиент × продукт).

    Продукт есть в месяце ``m``, если его купили (``new`` или ``module``) не позже ``m`` и он
    не ушёл раньше (``held_until`` пуст или не раньше ``m``). Столбец ``seats`` — оплаченные места
    клиента в этом месяце (сумма ``seats_change`` по всем событиям до ``m`` включительно).
    """
    _check_ap(account_products)
    require_columns(account_products, ["held_until"], "account_products")
    m = _month(month, "month")
    ap = account_products[account_products["month"] <= m]
    bought = ap[ap["event"].isin(["new", "module"]) & (ap["held_until"].isna() | (ap["held_until"] >= m))]
    seats = ap.groupby("account_id")["seats_change"].sum()
    out = bought[["account_id", "product_id"]].copy()
    out["seats"] = out["account_id"].map(seats).astype(int)
    out = out[out["seats"] > 0]
    if out.empty:
        raise MetricError(f"В {m:%Y-%m} нет платящих клиентов.")
    return out.sort_values(["account_id", "product_id"]).reset_index(drop=True)


def white_space(products: pd.DataFrame, account_products: pd.DataFrame, accounts: pd.DataFrame, month) -> pd.DataFrame:
    """«Белые пятна» на ``month``: каждая пара клиент × модуль, который клиент может купить, но не купил.

    Клиент — платящий в ``month``. Модуль доступен, если сегмент клиента есть в ``products.segments``
    и модуль уже продаётся (``on_sale_from`` ≤ ``month``). Размер пятна — прирост MRR по прайсу:
    ``price_share`` × цена места редакции клиента по прайсу года ``month`` × оплаченные места, ₽ в месяц.
    Это оценка по прайсу, а не прогноз: у клиента со скидкой — потолок, у проиндексированного или уже
    купившего модули (второй модуль считается от выросшей цены) — ниже того, что он заплатил бы на деле.
    Пригодность модуля отрасли клиента не учитывается. Места, переходы между редакциями сюда
    не входят (в каталоге редакция привязана к сегменту).
    """
    require_columns(products, ["product_id", "kind", "segments", "on_sale_from", "price_2023_rub",
                               "price_2025_rub", "price_share"], "products", non_empty=True)
    m = _month(month, "month")
    held = holdings(account_products, m)
    seg = _segments(accounts)
    prod = products.set_index("product_id")
    price_col = "price_2025_rub" if m.year >= 2025 else "price_2023_rub"
    editions = held[held["product_id"].map(prod["kind"]).eq("edition")].set_index("account_id")
    clients = pd.DataFrame({"edition": editions["product_id"], "seats": editions["seats"]})
    clients["segment"] = seg.reindex(clients.index).to_numpy()
    clients["seat_price_rub"] = clients["edition"].map(prod[price_col]).to_numpy()
    modules = prod[(prod["kind"] == "module") & (prod["on_sale_from"] <= m)]
    rows = clients.reset_index().merge(modules.reset_index()[["product_id", "segments", "price_share"]], how="cross")
    ok = [s in allowed.split() for s, allowed in zip(rows["segment"], rows["segments"])]
    rows = rows[ok]
    owned = pd.MultiIndex.from_frame(held[["account_id", "product_id"]])
    rows = rows[~pd.MultiIndex.from_frame(rows[["account_id", "product_id"]]).isin(owned)]
    rows = rows.assign(white_space_rub=rows["price_share"] * rows["seat_price_rub"] * rows["seats"])
    return rows[["account_id", "segment", "edition", "seats", "product_id", "white_space_rub"]].reset_index(drop=True)


# ---------------------------------------------------------------------------
# Склонность к расширению
# ---------------------------------------------------------------------------


def propensity_frame(mrr: pd.DataFrame, product_usage: pd.DataFrame, accounts: pd.DataFrame,
                     account_products: pd.DataFrame, cutoff, horizon: int | None = 6) -> pd.DataFrame:
    """Клиенты, платящие в месяце ``cutoff``: признаки на этот месяц и расширение в следующие ``horizon`` месяцев.

    Признаки — только то, что известно в ``cutoff``: сегмент, стаж (месяцев с первого оплаченного),
    места (логарифм), загрузка мест (активные / оплаченные, среднее за три последних месяца),
    запас мест (1 − места / сотрудники), освоение функций (среднее за три месяца), модулей у клиента,
    было ли расширение (места, сделка, модуль) за полгода до ``cutoff``. Исход ``expanded`` — 1, если в
    месяцы (``cutoff``; ``cutoff`` + ``horizon``] у клиента были докупленные места, сделка допродажи или
    модуль (индексация цены — не продажа и не считается); ``bought_module`` — 1, если среди них был модуль.
    Ушедший в эти месяцы без расширения — 0 (уход и «не расширился» не различаются), расширившийся и
    потом ушедший — 1. Численность ``accounts.employees`` в данных постоянна; в CRM это снимок на
    сегодня, и для среза нужно значение на дату среза.
    ``horizon=None`` — срез «на сегодня» для очереди: признаки есть, исхода ещё нет (столбцов исхода нет).
    """
    require_columns(mrr, ["month", "account_id", "mrr_rub"], "mrr", non_empty=True)
    require_columns(product_usage, ["month", "account_id", "licensed_seats", "active_users", "feature_adoption"],
                    "product_usage", non_empty=True)
    require_columns(accounts, ["account_id", "segment", "employees"], "accounts", non_empty=True)
    _check_ap(account_products)
    if horizon is not None and (int(horizon) != horizon or horizon < 1):
        raise MetricError("Горизонт — целое число месяцев, не меньше 1 (или None — без исхода).")
    m = _month(cutoff, "cutoff")
    end = m + pd.DateOffset(months=int(horizon or 0))
    if horizon is not None and end > mrr["month"].max():
        raise MetricError(f"Горизонт выходит за конец данных ({mrr['month'].max():%Y-%m}): возьмите срез раньше.")
    base = mrr[(mrr["month"] == m) & (mrr["mrr_rub"] > 0)].set_index("account_id")
    if base.empty:
        raise MetricError(f"В {m:%Y-%m} нет платящих клиентов.")
    acc = accounts.set_index("account_id").reindex(base.index)
    first = mrr[mrr["mrr_rub"] > 0].groupby("account_id")["month"].min().reindex(base.index)
    recent = product_usage[product_usage["month"].between(m - pd.DateOffset(months=2), m)]
    recent = recent[recent["account_id"].isin(base.index)]
    usage = recent.assign(util=recent["active_users"] / recent["licensed_seats"]).groupby("account_id").agg(
        utilisation=("util", "mean"), feature_adoption=("feature_adoption", "mean"))
    seats = product_usage[product_usage["month"] == m].set_index("account_id")["licensed_seats"].reindex(base.index)
    ap = account_products
    sales = ap[ap["event"].isin(SALES_EXPANSION_EVENTS)]
    before = sales[sales["month"].between(m - pd.DateOffset(months=5), m)]["account_id"].unique()
    window = sales[(sales["month"] > m) & (sales["month"] <= end)]
    after = window["account_id"].unique()
    after_module = window.loc[window["event"] == "module", "account_id"].unique()
    held = holdings(ap, m)
    modules = held[held["product_id"].isin(ap.loc[ap["event"] == "module", "product_id"].unique())]
    frame = pd.DataFrame({
        "segment": acc["segment"],
        "tenure_months": ((m.year - first.dt.year) * 12 + (m.month - first.dt.month)).astype(int),
        "seats": seats.astype(int),
        "log_seats": np.log(seats.astype(float)),
        "utilisation": usage["utilisation"].reindex(base.index),
        "seat_headroom": 1 - seats / acc["employees"],
        "feature_adoption": usage["feature_adoption"].reindex(base.index),
        "modules_held": modules.groupby("account_id").size().reindex(base.index, fill_value=0).astype(int),
        "expanded_before": base.index.isin(before).astype(int),
        "mrr_rub": base["mrr_rub"],
        "expanded": base.index.isin(after).astype(int),
        "bought_module": base.index.isin(after_module).astype(int),
    })
    if horizon is None:
        frame = frame.drop(columns=["expanded", "bought_module"])
    return frame.rename_axis("account_id").reset_index()


def fit_propensity(train: pd.DataFrame, test: pd.DataFrame, features=PROPENSITY_FEATURES) -> pd.Series:
    """Логистическая регрессия (конвейер ``lead_scoring.model``) на ``train``; вероятность расширения для ``test``."""
    features = list(features)
    require_columns(train, features + ["expanded"], "train", non_empty=True)
    require_columns(test, features, "test", non_empty=True)
    if train["expanded"].nunique() < 2:
        raise MetricError("В обучающей выборке нужны клиенты обоих исходов: и расширившиеся, и нет.")
    model = lead_scoring.model("logit", features).fit(train[features], train["expanded"])
    return pd.Series(model.predict_proba(test[features])[:, 1], index=test.index, name="p_expand")


def _expected_top(y: np.ndarray, score: np.ndarray, k: int) -> float:
    """Ожидаемое число единиц ``y`` среди ``k`` клиентов с наибольшей оценкой; при равных оценках
    порядок случайный (группа на границе входит пропорционально)."""
    if k <= 0:
        return 0.0
    t = pd.DataFrame({"s": score, "y": y}).groupby("s", sort=True)["y"].agg(["size", "sum"]).iloc[::-1]
    n_before = t["size"].cumsum() - t["size"]
    take = np.clip(k - n_before, 0, t["size"])
    return float((t["sum"] * take / t["size"]).sum())


def work_capacity(y, score, n_accounts: int) -> pd.Series:
    """Сколько расширившихся клиентов в верхних ``n_accounts`` по оценке ``score`` и лифт против среднего.

    ``n_accounts`` — сколько клиентов успеют отработать за горизонт. Клиенты с одинаковой оценкой
    (у правила «да/нет» их сотни) берутся в случайном порядке: ``expanded`` — ожидаемое число, поэтому
    дробное. Лифт — доля расширившихся среди взятых / доля во всей базе.
    """
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)
    n = int(n_accounts)
    if n != n_accounts or not 0 < n <= len(y):
        raise MetricError(f"Число клиентов в работе — целое от 1 до {len(y)}, получено {n_accounts!r}.")
    hits = _expected_top(y, s, n)
    return pd.Series({"worked": n, "expanded": hits, "hit_rate": hits / n,
                      "base_rate": float(y.mean()), "lift": hits / n / float(y.mean())})


def capacity_gains(y, score, n_groups: int = 10) -> pd.DataFrame:
    """Кривая выигрыша (формат ``lead_scoring.gains``) с честными ничьими: при равных оценках порядок
    случайный, поэтому правило «да/нет» даёт прямую внутри группы, а не порядок строк таблицы."""
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)
    rows = []
    for g in range(1, int(n_groups) + 1):
        k = int(round(len(y) * g / n_groups))
        hits = _expected_top(y, s, k)
        rows.append({"share": g / n_groups, "leads": k, "captured": hits / y.sum(), "lift": hits / k / y.mean()})
    return pd.DataFrame(rows)


def capacity_bootstrap(y, score, other, n_accounts: int, n_boot: int = 1000, seed: int = 2025,
                       alpha: float = 0.05) -> pd.Series:
    """Разность лифтов двух очередей на одной мощности и её бутстреп-интервал (клиенты — с возвращением).

    Модели обучены заранее и не переобучаются: интервал отражает только случайность проверочной
    выборки, а не обучающей. Мощность — та же доля базы, что ``n_accounts`` в исходной выборке.
    """
    y = np.asarray(y, dtype=float)
    a, b = np.asarray(score, dtype=float), np.asarray(other, dtype=float)
    point = work_capacity(y, a, n_accounts)["lift"] - work_capacity(y, b, n_accounts)["lift"]
    rng = np.random.default_rng(seed)
    n = len(y)
    stats = []
    for _ in range(int(n_boot)):
        i = rng.integers(0, n, n)
        if y[i].sum() == 0:
            continue
        stats.append(work_capacity(y[i], a[i], n_accounts)["lift"] - work_capacity(y[i], b[i], n_accounts)["lift"])
    low, high = np.quantile(stats, [alpha / 2, 1 - alpha / 2])
    return pd.Series({"estimate": float(point), "low": float(low), "high": float(high)})


def next_module(white_space_frame: pd.DataFrame, account_products: pd.DataFrame,
                accounts: pd.DataFrame) -> pd.DataFrame:
    """Один модуль на клиента — что предложить: из его «белых пятен» тот, который чаще всего покупали
    клиенты той же отрасли (при равенстве — чаще всего вообще). Строка — клиент; столбцы пятна
    (``white_space_frame`` из :func:`white_space`) плюс ``modules_available`` — сколько пятен у клиента.
    """
    require_columns(white_space_frame, ["account_id", "product_id", "white_space_rub"], "white_space_frame",
                    non_empty=True)
    _check_ap(account_products)
    require_columns(accounts, ["account_id", "industry"], "accounts", non_empty=True)
    industry = accounts.set_index("account_id")["industry"]
    bought = account_products[account_products["event"] == "module"]
    by_industry = bought.groupby([bought["account_id"].map(industry), "product_id"]).size()
    overall = bought.groupby("product_id").size()
    ws = white_space_frame.copy()
    ind = ws["account_id"].map(industry)
    ws["_fit"] = [by_industry.get((i, p), 0) for i, p in zip(ind, ws["product_id"])]
    ws["_pop"] = ws["product_id"].map(overall).fillna(0)
    ws["modules_available"] = ws.groupby("account_id")["product_id"].transform("size")
    best = ws.sort_values(["account_id", "_fit", "_pop"], ascending=[True, False, False]).drop_duplicates("account_id")
    return best.drop(columns=["_fit", "_pop"]).reset_index(drop=True)


# ---------------------------------------------------------------------------
# NRR по составляющим
# ---------------------------------------------------------------------------


def nrr_bridge(mrr: pd.DataFrame, start_month, end_month, accounts: pd.DataFrame | None = None,
               by: str | None = None) -> pd.DataFrame:
    """Мост NRR когорты клиентов, платящих в ``start_month``, до ``end_month``.

    База — MRR этих клиентов в ``start_month`` (новые клиенты после него не входят, как в
    ``kpi.revenue_retention``). Потоки — их расширение, сокращение и отток в месяцы
    (``start_month``; ``end_month``]. Тождество MRR даёт
    NRR = 1 + расширение / база − сокращение / база − отток / база — то же число, что
    ``kpi.revenue_retention`` (проверяет тест). ``by``: ``"segment"`` (нужен ``accounts``) или
    ``"cohort"`` — год первого оплаченного месяца клиента; ``"segment_cohort"`` (нужен ``accounts``) —
    сегмент × год прихода, чтобы разница когорт не была разницей состава; без ``by`` — одна строка ``all``.
    """
    require_columns(mrr, ["month", "account_id", "mrr_rub", "expansion_rub", "contraction_rub", "churn_rub"],
                    "mrr", non_empty=True)
    m0, m1 = _month(start_month, "start_month"), _month(end_month, "end_month")
    if m1 <= m0:
        raise MetricError("Конечный месяц должен быть позже начального.")
    base = mrr[(mrr["month"] == m0) & (mrr["mrr_rub"] > 0)].set_index("account_id")["mrr_rub"]
    if base.empty:
        raise MetricError(f"В {m0:%Y-%m} нет платящих клиентов — когорта пуста.")
    flows = mrr[(mrr["month"] > m0) & (mrr["month"] <= m1) & mrr["account_id"].isin(base.index)]
    flows = flows.groupby("account_id")[["expansion_rub", "contraction_rub", "churn_rub"]].sum()
    flows = flows.reindex(base.index, fill_value=0.0)
    if by is None:
        keys = pd.Series("all", index=base.index)
    elif by == "segment":
        if accounts is None:
            raise MetricError("Чтобы считать по сегментам, передайте accounts.")
        keys = _segments(accounts).reindex(base.index)
    elif by in ("cohort", "segment_cohort"):
        first = mrr[mrr["mrr_rub"] > 0].groupby("account_id")["month"].min()
        keys = first.reindex(base.index).dt.year
        if by == "segment_cohort":
            if accounts is None:
                raise MetricError("Чтобы считать по сегментам, передайте accounts.")
            keys = pd.Series(list(zip(_segments(accounts).reindex(base.index), keys)), index=base.index)
    else:
        raise MetricError("Группировка — by='segment', by='cohort' или by='segment_cohort'.")
    t = pd.concat([base.rename("start_mrr_rub"), flows], axis=1).groupby(keys.to_numpy()).sum()
    t.insert(0, "customers", keys.groupby(keys.to_numpy()).size())
    if by == "segment_cohort":
        t.index = pd.MultiIndex.from_tuples(t.index, names=["segment", "cohort"])
    t["end_mrr_rub"] = t["start_mrr_rub"] + t["expansion_rub"] - t["contraction_rub"] - t["churn_rub"]
    for part in ("expansion", "contraction", "churn"):
        t[part] = t[f"{part}_rub"] / t["start_mrr_rub"]
    t["nrr"] = t["end_mrr_rub"] / t["start_mrr_rub"]
    return t


# ---------------------------------------------------------------------------
# Индексация и повышение цены
# ---------------------------------------------------------------------------


def _renewals(mrr: pd.DataFrame, account_products: pd.DataFrame) -> pd.DataFrame:
    """Продления годовых договоров: клиент, месяц, ушёл ли, получил ли индексацию.

    Только клиенты с годовым договором: у помесячных нет момента продления, хотя индексацию
    в годовщину договора генератор даёт и им."""
    require_columns(mrr, ["month", "account_id", "billing", "mrr_rub", "churn_rub"], "mrr", non_empty=True)
    _check_ap(account_products)
    annual = mrr[mrr["billing"] == "annual"]
    first = annual[annual["mrr_rub"] > 0].groupby("account_id")["month"].min()
    f = annual["account_id"].map(first)
    age = (annual["month"].dt.year - f.dt.year) * 12 + (annual["month"].dt.month - f.dt.month)
    due = annual[(age > 0) & (age % 12 == 0)][["account_id", "month", "mrr_rub", "churn_rub"]].copy()
    due["churned"] = ((due["mrr_rub"] <= 0) & (due["churn_rub"] > 0)).astype(int)
    idx = account_products[account_products["event"] == "indexation"]
    key = pd.MultiIndex.from_frame(idx[["account_id", "month"]])
    due["indexed"] = pd.MultiIndex.from_frame(due[["account_id", "month"]]).isin(key).astype(int)
    return due.reset_index(drop=True)


def indexation_churn(mrr: pd.DataFrame, account_products: pd.DataFrame, naive: bool = False,
                     alpha: float = 0.05) -> pd.DataFrame:
    """Отток клиентов с индексацией цены и без неё — наивно и честно, с интервалами Уилсона.

    Сравнение — только по годовым договорам (см. :func:`_renewals`).
    ``naive=True``: клиенты с годовым договором, у которых подошло хотя бы одно продление, делятся на
    «получали индексацию когда-либо» и «не получали»; доля ушедших за всё время. Сравнение смещено
    (отбор выживших): индексацию получает только тот, кто продлился, а ушедший на первом продлении
    попадает в «не получали» автоматически.
    ``naive=False``: продления, на которых клиент остался; индексация на этом продлении — да или нет;
    исход — уход на следующем продлении через 12 месяцев (только продления, следующее из которых
    попало в данные). Так обе группы одинаково пережили первое продление, но видно только запаздывающее
    действие: клиент, ушедший из-за объявленного повышения на этом же продлении, индексации не получил.
    На реальных данных «лечение» — уведомление о новой цене до продления, исход — уход на этом продлении.
    """
    r = _renewals(mrr, account_products)
    if naive:
        g = r.groupby("account_id").agg(indexed=("indexed", "max"), churned=("churned", "max"))
    else:
        nxt = r[["account_id", "month", "churned"]].assign(month=r["month"] - pd.DateOffset(months=12))
        kept = r[r["churned"] == 0].drop(columns="churned")
        g = kept.merge(nxt, on=["account_id", "month"], how="inner")
    if g.empty:
        raise MetricError("Продлений для сравнения нет.")
    from salesbook.toolkit.bots import wilson

    out = g.groupby("indexed")["churned"].agg(["size", "sum"]).rename(columns={"size": "n", "sum": "churned"})
    out = out.reindex([1, 0]).fillna(0).astype(int)
    out["churn"] = out["churned"] / out["n"].where(out["n"] > 0)
    bounds = [wilson(k, n, alpha) if n > 0 else (np.nan, np.nan) for k, n in zip(out["churned"], out["n"])]
    out["low"], out["high"] = [b[0] for b in bounds], [b[1] for b in bounds]
    out.index = pd.Index(["с индексацией", "без индексации"], name="group")
    return out


def churn_difference(table: pd.DataFrame, alpha: float = 0.05) -> pd.Series:
    """Разность долей ушедших «с индексацией» − «без индексации» (таблица :func:`indexation_churn`) и её
    интервал Ньюкомба (из интервалов Уилсона обеих групп). Перекрытие интервалов групп — не проверка:
    смотрят интервал разности."""
    from salesbook.toolkit.experiments import diff_confint

    require_columns(table, ["n", "churned"], "table", non_empty=True)
    (k1, n1), (k2, n2) = table[["churned", "n"]].to_numpy()[:2]
    if min(n1, n2) <= 0:
        raise MetricError("В обеих группах нужны продления.")
    d = k1 / n1 - k2 / n2
    low, high = diff_confint(int(k1), int(n1), int(k2), int(n2), alpha=alpha, method="newcombe")
    return pd.Series({"difference": float(d), "low": float(low), "high": float(high)})


def price_increase_margin(increase, gross_margin, base_churn, extra_churn, years: int = 3,
                          discount: float = 0.0) -> pd.DataFrame:
    """Валовая прибыль базы по годам после повышения цены на ``increase`` против «без повышения».

    База — 1 ₽ годовой выручки клиентов сегодня. Себестоимость клиента от цены не зависит
    (1 − ``gross_margin`` ₽ в год), поэтому прибыль после повышения — ``gross_margin + increase`` на
    рубль прежней цены. Каждый год на продлении уходит доля ``base_churn`` (без повышения) или
    ``base_churn + extra_churn`` (после), и этот отток накапливается: в году y остаётся
    (1 − отток)^y клиентов. Все доли — доли единицы (0,1, а не 10). Модель — добавочный отток
    повторяется на каждом продлении; если он разовый (только на продлении с повышением), порог —
    формула одного года на любом горизонте. ``discount`` — годовая ставка дисконтирования: прибыль
    года y делится на (1 + ставка)^y (деньги через три года стоят меньше сегодняшних).
    """
    x, c, d = (_share(v, n) for v, n in ((increase, "increase"), (base_churn, "base_churn"),
                                         (extra_churn, "extra_churn")))
    gm = _share(gross_margin, "gross_margin", one=True)
    if int(years) != years or years < 1:
        raise MetricError("Горизонт — целое число лет, не меньше 1.")
    if c + d >= 1:
        raise MetricError("Отток с надбавкой — 100 % или больше: клиентов не останется.")
    r = _share(discount, "discount")
    y = np.arange(1, int(years) + 1)
    df = (1 + r) ** -y
    base = gm * (1 - c) ** y * df
    new = (gm + x) * (1 - c - d) ** y * df
    return pd.DataFrame({"year": y, "base": base, "with_increase": new, "difference": new - base})


def _share(value, name: str, one: bool = False) -> float:
    """Доля от 0 до 1 (``one`` — единица допустима, как валовая маржа «по выручке»)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise MetricError(f"{name}: нужна доля — число от 0 до 1, получено {value!r}.") from None
    if not np.isfinite(v) or not (0 <= v <= 1 if one else 0 <= v < 1):
        raise MetricError(f"{name}: нужна доля от 0 до 1 (0,1, а не 10), получено {value!r}.")
    return v


def break_even_churn(increase, gross_margin, base_churn, years: int = 3, discount: float = 0.0) -> float:
    """Добавочный годовой отток, при котором повышение цены на ``increase`` не меняет валовую прибыль
    базы за ``years`` лет (сумма :func:`price_increase_margin`). Больше — повышение в минусе.

    За один год формула простая: (1 − c) × x / (gm + x); за несколько лет добавочный отток
    накапливается, и порог ниже — его находит ``scipy.optimize.brentq``. ``discount`` — годовая ставка
    дисконтирования (см. :func:`price_increase_margin`).
    """
    from scipy.optimize import brentq

    x, c = _share(increase, "increase"), _share(base_churn, "base_churn")
    gm = _share(gross_margin, "gross_margin", one=True)
    if gm <= 0:
        raise MetricError("gross_margin: валовая маржа должна быть больше нуля.")

    def gap(d: float) -> float:
        return float(price_increase_margin(x, gm, c, d, years, discount)["difference"].sum())

    hi = 1 - c - 1e-9
    if x == 0:
        return 0.0
    return float(brentq(gap, 0.0, hi, xtol=1e-12))
