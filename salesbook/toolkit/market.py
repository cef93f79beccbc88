"""Анализ рынка и целевой аудитории: сегменты, ICP, размер рынка, боли, конкуренты.

Функции раздела 1.2 книги. Все функции векторные (pandas), принимают таблицы из
``salesbook.data.load`` и проверяют вход: на пустые и неверные данные отвечают
понятной ошибкой ``MetricError`` на русском.

* :func:`proportion_ci` — доверительный интервал Уилсона для доли (win rate на малой выборке);
* :func:`segment_metrics` и :func:`icp_score` — метрики сегментов и прозрачный ICP-балл;
* :func:`top_down` и :func:`bottom_up` — TAM/SAM/SOM сверху вниз и снизу вверх;
* :func:`pain_map` — карта болей и выгод из закодированных ответов исследования;
* :func:`competitor_win_loss` — выигрыши и проигрыши против каждого конкурента.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from salesbook.data.generator.params.deals import SEAT_PRICE
from salesbook.toolkit import acquisition, retention
from salesbook.toolkit.course import PRICE_INCREASE_2025, YEARS_2024_2025
from salesbook.toolkit.experiments import adjust_pvalues
from salesbook.toolkit.validation import MetricError, require_columns, share

# ---------------------------------------------------------------------------
# Справочники раздела
# ---------------------------------------------------------------------------

#: Направление метрик ICP: +1 — чем больше, тем лучше; −1 — чем меньше, тем лучше.
ICP_DIRECTIONS = {"win_rate": 1, "median_acv": 1, "median_cycle_days": -1, "monthly_churn": -1}

#: Веса ICP-балла по умолчанию: ACV и отток определяют LTV, win rate — стоимость
#: привлечения, цикл — скорость оборота денег и загрузку AE.
DEFAULT_ICP_WEIGHTS = {"win_rate": 0.3, "median_acv": 0.3, "median_cycle_days": 0.1, "monthly_churn": 0.3}

#: Минимум закрытых сделок, с которого ячейку сегмента ранжируют (меньше — «мало данных»).
MIN_DEALS = 30

#: Функции «Сфера Деск» (value map): код → русское название.
FEATURES = {
    "sla_engine": "SLA-таймеры, приоритеты и эскалации",
    "omnichannel_inbox": "единое окно для почты, мессенджеров и телефона",
    "dashboards": "дашборды нагрузки и SLA для руководителя",
    "knowledge_base": "база знаний и шаблоны ответов",
    "integrations": "готовые интеграции с CRM, 1С и телефонией",
    "ru_cloud": "облако в России, соответствие 152-ФЗ",
    "no_code_setup": "настройка без программиста, запуск за неделю",
    "per_seat_pricing": "цена за оператора в месяц без платы за модули",
}

#: Какие боли снимает функция (pain relievers, по Остервальдеру).
RELIEVES = {
    "sla_engine": ("sla_breaches",),
    "omnichannel_inbox": ("channel_chaos", "sla_breaches"),
    "dashboards": ("no_reporting",),
    "knowledge_base": ("repetitive_questions", "slow_onboarding"),
    "integrations": ("integration_gaps",),
    "ru_cloud": ("data_residency", "self_hosted_burden"),
    "no_code_setup": ("legacy_tool_cost", "self_hosted_burden"),
    "per_seat_pricing": ("legacy_tool_cost",),
}

#: Какие выгоды создаёт функция (gain creators).
CREATES = {
    "sla_engine": ("faster_first_response", "csat_growth"),
    "omnichannel_inbox": ("faster_first_response",),
    "dashboards": ("manager_visibility",),
    "knowledge_base": ("fewer_tickets", "csat_growth"),
    "integrations": ("faster_first_response",),
    "ru_cloud": (),
    "no_code_setup": ("quick_launch",),
    "per_seat_pricing": ("predictable_cost",),
}

#: Прайс «Сфера Деск» 2025 года, ₽ за место оператора в месяц (прайс 2023–2024 + 8 %).
LIST_PRICE_2025 = {segment: round(price * (1 + PRICE_INCREASE_2025)) for segment, price in SEAT_PRICE.items()}

#: Профили конкурентов для карты позиционирования. Это ДОПУЩЕНИЯ курса (конкуренты
#: вымышленные): в жизни цены берут с сайтов и из коммерческих предложений, срок
#: запуска — из интервью с клиентами, которые внедряли систему. «Сфера Деск» — цена
#: mid-market из прайса 2025 года (1 690 ₽ + 8 %), срок запуска — из онбординга.
POSITIONING = pd.DataFrame(
    {
        "price_rub": [LIST_PRICE_2025["mid_market"], 990, 2600, 4800, 0, 5200],
        "ownership_rub": [LIST_PRICE_2025["mid_market"], 990, 2900, 6200, 1400, 6800],
        "weeks_to_launch": [1, 1, 8, 20, 6, 16],
        "hosting": ["ru_cloud", "ru_cloud", "on_premise", "foreign_cloud", "self_hosted", "on_premise"],
    },
    index=pd.Index(["sfera", "helppro", "servicebox", "globalitsm", "opendesk", "etalonitsm"], name="vendor"),
)
POSITIONING_NOTES = {
    "price_rub": "цена лицензии за оператора в месяц, ₽",
    "ownership_rub": "стоимость владения за оператора в месяц, ₽: лицензия + внедрение на 3 года + свой сервер и админ",
    "weeks_to_launch": "недель от договора до первой заявки",
    "hosting": "где живут данные",
}

#: Какие функции из FEATURES есть у каждого вендора — тоже допущение (чек-лист по
#: демо и сайтам). Список функций составлен по нашему продукту, поэтому у «Сфера Деск»
#: есть всё: такая карта всегда льстит тому, кто её рисует.
VENDOR_FEATURES = {
    "sfera": tuple(FEATURES),
    "helppro": ("omnichannel_inbox", "knowledge_base", "ru_cloud", "no_code_setup", "per_seat_pricing"),
    "servicebox": ("omnichannel_inbox", "sla_engine", "dashboards", "knowledge_base", "integrations", "ru_cloud"),
    "globalitsm": ("omnichannel_inbox", "sla_engine", "dashboards", "knowledge_base", "integrations"),
    "opendesk": ("omnichannel_inbox", "knowledge_base"),
    "etalonitsm": ("omnichannel_inbox", "sla_engine", "dashboards", "knowledge_base", "integrations"),
}

#: Размер рынка снизу вверх — ИЛЛЮСТРАТИВНЫЕ допущения курса, а не статистика:
#: число компаний России в наших границах сегментов (smb — 10–99 сотрудников,
#: микробизнес без службы поддержки не считаем; mid_market — 100–999; enterprise —
#: от 1000) и доля компаний, у которых есть служба поддержки нужного размера и
#: готовность купить облачный сервис-деск. Перед реальным расчётом замените их
#: выгрузкой единого реестра МСП ФНС и данными Росстата о крупных организациях.
ILLUSTRATIVE_COMPANIES = {"smb": 200_000, "mid_market": 35_000, "enterprise": 4_000}
ILLUSTRATIVE_FIT_SHARE = {"smb": 0.06, "mid_market": 0.20, "enterprise": 0.35}

#: Размер рынка сверху вниз — ИЛЛЮСТРАТИВНЫЕ допущения: годовой объём рынка ПО для
#: клиентского сервиса и ITSM в России и доли, которыми его сужают до нашего SAM.
ILLUSTRATIVE_TOP_DOWN_TOTAL_RUB = 25e9
ILLUSTRATIVE_TOP_DOWN_STEPS = {
    "облачные (SaaS) решения": 0.45,
    "поддержка внешних клиентов, а не внутренний ИТ": 0.60,
    "наши сегменты и регионы": 0.80,
}


# ---------------------------------------------------------------------------
# Доля и её интервал
# ---------------------------------------------------------------------------


def proportion_ci(successes, trials, confidence: float = 0.95):
    """Доверительный интервал Уилсона для доли ``successes / trials``.

    Работает и для чисел, и для массивов или столбцов pandas (тогда возвращает
    два столбца той же формы). В отличие от «нормального» интервала p ± z·√(p(1−p)/n),
    не вылезает за 0 и 1 и честно широк на малых выборках (Wilson, 1927;
    Newcombe, 1998). При ``trials == 0`` интервал не определён — NaN.

    Возвращает ``(low, high)``.
    """
    if not 0 < confidence < 1:
        raise MetricError(f"Уровень доверия должен быть между 0 и 1 (0,95), получено {confidence!r}.")
    index = successes.index if isinstance(successes, pd.Series) else None
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    if np.any(k < 0) or np.any(n < 0) or np.any(k > n):
        raise MetricError("Число успехов должно быть от 0 до числа попыток (выигранных сделок не больше закрытых).")
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
    low = np.where(n > 0, low, np.nan)
    high = np.where(n > 0, high, np.nan)
    if index is not None:
        return pd.Series(low, index=index), pd.Series(high, index=index)
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


# ---------------------------------------------------------------------------
# Сегменты и ICP
# ---------------------------------------------------------------------------


def with_account_fields(opportunities: pd.DataFrame, accounts: pd.DataFrame, fields=("industry",)) -> pd.DataFrame:
    """Добавить к сделкам поля компании (отрасль, регион…), которых нет в ``opportunities``."""
    require_columns(opportunities, ["account_id"], "opportunities", non_empty=True)
    require_columns(accounts, ["account_id", *fields], "accounts", non_empty=True)
    fields = [f for f in fields if f not in opportunities.columns]
    if not fields:
        return opportunities.copy()
    return _left_join_accounts(opportunities, accounts, fields)


def _left_join_accounts(frame: pd.DataFrame, accounts: pd.DataFrame, fields) -> pd.DataFrame:
    """То же, что ``frame.merge(accounts[["account_id", *fields]], on="account_id", how="left", validate="many_to_one")``.

    Одна хеш-таблица по ``account_id`` и для проверки уникальности, и для поиска: ``validate``
    строил ради проверки MultiIndex с сортировкой и стоил дороже самого слияния. Если ключи
    разных типов или имена полей пересекаются — само слияние (его ошибки и суффиксы _x/_y).
    """
    fields = list(fields)
    key, right = frame["account_id"], accounts["account_id"]
    if key.dtype != right.dtype or any(f in frame.columns for f in fields) or "account_id" in fields:
        return frame.merge(accounts[["account_id", *fields]], on="account_id", how="left", validate="many_to_one")
    keys = pd.Index(right)
    if not keys.is_unique:  # ошибку с перечнем повторов пусть назовёт само слияние
        return frame.merge(accounts[["account_id", *fields]], on="account_id", how="left", validate="many_to_one")
    position = keys.get_indexer(key)
    out = frame.reset_index(drop=True)
    for f in fields:
        out[f] = accounts[f].reset_index(drop=True).reindex(position).set_axis(out.index)
    return out


def win_rates(opportunities: pd.DataFrame, by, confidence: float = 0.95) -> pd.DataFrame:
    """Win rate по группам: выигранные / **закрытые** сделки (открытые не считаются).

    Столбцы результата: ``closed_deals``, ``won``, ``win_rate`` (доля, не проценты),
    ``ci_low``, ``ci_high`` (интервал Уилсона). ``by`` — столбец или список столбцов.
    """
    by = [by] if isinstance(by, str) else list(by)
    require_columns(opportunities, ["outcome", *by], "opportunities", non_empty=True)
    closed = opportunities[opportunities["outcome"].isin(["won", "lost"])]
    if closed.empty:
        raise MetricError("Закрытых сделок нет: win rate не определён.")
    grouped = closed.assign(_won=closed["outcome"].eq("won")).groupby(by, dropna=False)["_won"]
    out = pd.DataFrame({"closed_deals": grouped.size(), "won": grouped.sum().astype(int)})
    out["win_rate"] = out["won"] / out["closed_deals"]
    out["ci_low"], out["ci_high"] = proportion_ci(out["won"], out["closed_deals"], confidence)
    return out


def compare_to_base(table: pd.DataFrame, base="none") -> pd.DataFrame:
    """Отличается ли win rate каждой строки от базовой: точный тест Фишера с поправкой Холма.

    ``table`` — результат :func:`win_rates` или :func:`competitor_win_loss` (нужны
    ``won`` и ``closed_deals``), ``base`` — метка строки, с которой сравниваем
    (по умолчанию ``"none"`` — сделки без конкурента). Для каждой другой строки —
    двусторонний тест Фишера по таблице 2×2 «выиграно / проиграно» и p-value с
    поправкой Холма на число сравнений. Столбцы: ``p_value``, ``p_holm``.
    """
    require_columns(table, ["won", "closed_deals"], "table", non_empty=True)
    if base not in table.index:
        raise MetricError(f"compare_to_base: базовой строки {base!r} в таблице нет.")
    others = table.drop(index=base)
    if others.empty:
        raise MetricError("compare_to_base: кроме базовой строки сравнивать не с чем.")
    base_won, base_closed = int(table.loc[base, "won"]), int(table.loc[base, "closed_deals"])
    pvalues = [stats.fisher_exact([[int(row["won"]), int(row["closed_deals"] - row["won"])],
                                   [base_won, base_closed - base_won]]).pvalue for _, row in others.iterrows()]
    return pd.DataFrame({"p_value": pvalues, "p_holm": adjust_pvalues(pvalues, "holm")}, index=others.index)


def segment_metrics(opportunities: pd.DataFrame, accounts: pd.DataFrame, mrr: pd.DataFrame,
                    by=("segment", "industry")) -> pd.DataFrame:
    """Метрики ячеек сегментации (по умолчанию сегмент × отрасль).

    * ``closed_deals``, ``won``, ``win_rate``, ``ci_low``, ``ci_high`` — по закрытым сделкам;
    * ``median_acv`` — медиана ACV первых выигранных сделок (новые клиенты, без допродаж), ₽ в год;
    * ``median_cycle_days`` — медиана цикла этих сделок, дней;
    * ``customer_months`` (клиенто-месяцы под риском), ``churned``, ``monthly_churn`` —
      месячный лого-отток из ``mrr`` за 2024–2025 годы (``course.YEARS_2024_2025``,
      тот же период, что у оттока сегментов в разделах 1.1), определение —
      :func:`salesbook.toolkit.retention.churn_rates`.
    """
    by = [by] if isinstance(by, str) else list(by)
    require_columns(opportunities, ["account_id", "outcome", "amount_rub", "created_date", "close_date"], "opportunities", non_empty=True)
    # дальше нужны только эти столбцы сделок: тексты заметок и прочее не копируются и не сортируются
    used = ["opportunity_id", "account_id", "outcome", "amount_rub", "created_date", "close_date", *by]
    opps = with_account_fields(opportunities[[c for c in dict.fromkeys(used) if c in opportunities.columns]], accounts,
                               [c for c in by if c not in opportunities.columns])
    out = win_rates(opps, by)
    first = acquisition.new_customer_deals(opps)
    first = first.assign(_cycle=(first["close_date"] - first["created_date"]).dt.days)
    grouped = first.groupby(by)
    out["median_acv"] = grouped["amount_rub"].median()
    out["median_cycle_days"] = grouped["_cycle"].median()
    require_columns(accounts, ["account_id", *by], "accounts", non_empty=True)
    churn = _cell_churn(mrr, accounts, by)
    if churn is None:
        mrr_by = mrr.merge(accounts[["account_id", *by]], on="account_id", how="left", validate="many_to_one")
        churn = retention.churn_rates(mrr_by, *YEARS_2024_2025, by=by)[["customers_start", "churned", "logo_churn"]]
    churn.columns = ["customer_months", "churned", "monthly_churn"]
    return out.join(churn, how="left")


def _cell_churn(mrr: pd.DataFrame, accounts: pd.DataFrame, by: list[str]) -> pd.DataFrame | None:
    """Лого-отток ячеек за 2024–2025 годы — то же, что ``churn_rates`` по MRR, слитому с ``accounts``.

    Нужны только целые числа (клиенто-месяцы под риском и уходы), а их сумма не зависит от
    порядка сложения: сначала суммы по клиентам (``bincount`` по номерам), потом по ячейкам
    таблицы компаний. Так не нужно сливать миллионы строк MRR с компаниями и группировать их по
    строковым ключам. Если у строк MRR нет ``account_id``, в MRR уже есть столбцы ``by``, типы
    ключей разные или компании повторяются — ``None``: считает (или называет ошибку) общий путь.
    """
    retention._check_mrr(mrr)
    if any(c in mrr.columns for c in by) or mrr["account_id"].dtype != accounts["account_id"].dtype:
        return None
    codes, uniques = pd.factorize(mrr["account_id"])
    if (codes < 0).any():
        return None
    keys = pd.Index(accounts["account_id"])
    if not keys.is_unique:
        return None
    period = acquisition.in_period(mrr["month"], *YEARS_2024_2025).to_numpy()
    value, churn = mrr["mrr_rub"], mrr["churn_rub"]
    # MRR на начало месяца — тем же выражением, что в retention._flows
    start = (value - mrr["new_rub"] - mrr["expansion_rub"] + mrr["contraction_rub"] + churn).round(2)
    at_risk = (start > 0).to_numpy() & period
    churned = ((value == 0) & (churn > 0)).to_numpy() & period
    n = len(uniques)
    per_account = pd.DataFrame({
        "customers_start": np.bincount(codes[at_risk], minlength=n).astype(np.int64),
        "churned": np.bincount(codes[churned], minlength=n).astype(np.int64),
    })
    seen = np.bincount(codes[period], minlength=n) > 0  # ячейка есть, только если у её клиентов есть строки периода
    position = keys.get_indexer(uniques)[seen]
    cells = accounts[by].reset_index(drop=True).reindex(position).reset_index(drop=True)
    sums = per_account[seen].reset_index(drop=True).groupby([cells[c] for c in by]).sum()
    if (sums["customers_start"] <= 0).all():
        raise MetricError("За период нет клиентов «под риском»: отток не определён.")
    sums["logo_churn"] = sums["churned"] / sums["customers_start"].where(sums["customers_start"] > 0)
    return sums


def icp_score(segment_table: pd.DataFrame, weights: Mapping[str, float] | None = None,
              min_deals: int = MIN_DEALS) -> pd.DataFrame:
    """Прозрачный ICP-балл 0–100 для ячеек сегментации и их ранжирование.

    Для каждой метрики из ``weights`` ячейка получает перцентильный ранг среди
    ячеек с достаточной выборкой (1 — лучшая, с учётом направления из
    ``ICP_DIRECTIONS``: отток и цикл — чем меньше, тем лучше). Балл =
    100 × Σ вес × ранг / Σ весов. Ячейки, где закрытых сделок меньше ``min_deals``
    или нет нужной метрики, не ранжируются: балл NaN, ``enough_data = False``.

    Возвращает копию таблицы со столбцами ``enough_data``, ``icp_score``,
    ``icp_rank`` (1 — лучшая), отсортированную по баллу.
    """
    weights = dict(DEFAULT_ICP_WEIGHTS if weights is None else weights)
    unknown = [k for k in weights if k not in ICP_DIRECTIONS]
    if unknown:
        raise MetricError(f"Неизвестные метрики ICP: {', '.join(map(str, unknown))}. Доступны: {', '.join(ICP_DIRECTIONS)}.")
    if any(not np.isfinite(w) or w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise MetricError("Веса ICP должны быть неотрицательными числами с положительной суммой.")
    require_columns(segment_table, ["closed_deals", *weights], "segment_table", non_empty=True)
    if min_deals < 0:
        raise MetricError("min_deals не может быть отрицательным.")
    table = segment_table.copy()
    enough = (table["closed_deals"] >= min_deals) & table[list(weights)].notna().all(axis=1)
    table["enough_data"] = enough
    total = sum(weights.values())
    ranks = pd.DataFrame({name: (ICP_DIRECTIONS[name] * table.loc[enough, name].astype(float)).rank(pct=True)
                          for name in weights}, index=table.index[enough])
    score = (ranks * pd.Series(weights)).sum(axis=1) / total
    table["icp_score"] = (100 * score).reindex(table.index)
    table["icp_rank"] = table["icp_score"].rank(ascending=False, method="min")
    return table.sort_values("icp_score", ascending=False, na_position="last")


# ---------------------------------------------------------------------------
# Размер рынка
# ---------------------------------------------------------------------------


def top_down(total_rub: float, steps: Mapping[str, float]) -> pd.DataFrame:
    """Оценка рынка сверху вниз: от большого числа к своей доле цепочкой долей.

    ``total_rub`` — объём широкого рынка, ₽ в год; ``steps`` — упорядоченные
    «шаг → доля» (доли от 0 до 1). Возвращает таблицу: первая строка — исходный
    рынок, дальше каждый шаг с долей и остатком рынка ``value_rub``.
    """
    try:
        total = float(total_rub)
    except (TypeError, ValueError):
        raise MetricError(f"Объём рынка должен быть числом, получено {total_rub!r}.") from None
    if not np.isfinite(total) or total <= 0:
        raise MetricError("Объём рынка должен быть положительным числом рублей в год.")
    if not steps:
        raise MetricError("Нужен хотя бы один шаг сужения рынка.")
    shares = pd.Series({name: share(v, f"шаг «{name}»") for name, v in steps.items()}, dtype=float)
    values = total * shares.cumprod()
    out = pd.DataFrame({"share": shares, "value_rub": values})
    start = pd.DataFrame({"share": [1.0], "value_rub": [total]}, index=["рынок целиком"])
    return pd.concat([start, out])


def bottom_up(segments: pd.DataFrame) -> pd.DataFrame:
    """Оценка рынка снизу вверх: компании × доля подходящих × годовой чек.

    Нужны столбцы ``companies`` (число компаний), ``fit_share`` (доля, которой
    продукт нужен и по карману, 0–1) и либо ``acv_rub`` (годовой чек, ₽), либо
    ``seats`` и ``price_rub_per_seat_month`` (тогда чек = места × цена × 12).
    Добавляет ``target_companies`` и ``annual_rub`` (₽ в год).
    """
    if not isinstance(segments, pd.DataFrame) or segments.empty:
        raise MetricError("segments: нужна непустая таблица сегментов.")
    require_columns(segments, ["companies", "fit_share"], "segments", non_empty=True)
    out = segments.copy()
    if "acv_rub" in out.columns:
        acv = out["acv_rub"].astype(float)
    elif {"seats", "price_rub_per_seat_month"} <= set(out.columns):
        acv = out["seats"].astype(float) * out["price_rub_per_seat_month"].astype(float) * 12
    else:
        raise MetricError("segments: нужен столбец acv_rub или пара seats и price_rub_per_seat_month.")
    fit = pd.Series(share(out["fit_share"], "fit_share"), index=out.index)
    if (out["companies"] < 0).any() or (acv < 0).any():
        raise MetricError("Число компаний и годовой чек не могут быть отрицательными.")
    out["acv_rub"] = acv
    out["target_companies"] = out["companies"] * fit
    out["annual_rub"] = out["target_companies"] * acv
    return out


# ---------------------------------------------------------------------------
# Боли и выгоды
# ---------------------------------------------------------------------------


def pain_map(responses: pd.DataFrame, item_type: str = "pain", by=None, include_prompted: bool = True) -> pd.DataFrame:
    """Карта болей (или выгод) из закодированных ответов исследования.

    Для каждого кода: ``respondents`` — сколько разных респондентов его назвали,
    ``share`` — их доля среди **всех респондентов группы** (не строк!),
    ``mean_intensity`` — средняя сила 1–5, ``priority = share × mean_intensity``.
    ``by`` — столбец группировки (например, ``"segment"``), ``include_prompted=False``
    убирает ответы на закрытые наводящие вопросы.
    """
    require_columns(responses, ["respondent_id", "item_type", "code", "intensity"], "responses", non_empty=True)
    if item_type not in ("pain", "gain"):
        raise MetricError("item_type — 'pain' (боли) или 'gain' (выгоды).")
    by = [] if by is None else ([by] if isinstance(by, str) else list(by))
    if by:
        require_columns(responses, by, "responses", non_empty=True)
    base = responses if include_prompted or "prompted" not in responses.columns else responses[~responses["prompted"]]
    rows = base[base["item_type"] == item_type]
    if rows.empty:
        raise MetricError(f"Нет строк с item_type = {item_type!r}.")
    keys = [*by, "code"]
    grouped = rows.groupby(keys)
    out = pd.DataFrame({"respondents": grouped["respondent_id"].nunique(), "mean_intensity": grouped["intensity"].mean()})
    if by:
        population = responses.groupby(by)["respondent_id"].nunique()
        out["share"] = out["respondents"] / population.reindex(out.index.droplevel("code")).to_numpy()
    else:
        out["share"] = out["respondents"] / responses["respondent_id"].nunique()
    out["priority"] = out["share"] * out["mean_intensity"]
    out = out[["respondents", "share", "mean_intensity", "priority"]]
    return out.sort_values([*by, "priority"], ascending=[True] * len(by) + [False])


def features_for(code: str) -> tuple[str, ...]:
    """Функции продукта, которые снимают боль или создают выгоду ``code``."""
    found = tuple(f for f, pains in RELIEVES.items() if code in pains)
    found += tuple(f for f, gains in CREATES.items() if code in gains and f not in found)
    return found


# ---------------------------------------------------------------------------
# Конкуренты
# ---------------------------------------------------------------------------


def competitor_win_loss(opportunities: pd.DataFrame, start=None, end=None, confidence: float = 0.95) -> pd.DataFrame:
    """Выигрыши и проигрыши против каждого конкурента за период (по дате закрытия).

    Строка ``none`` — сделки без конкурента (база сравнения). Столбцы: ``closed_deals``,
    ``won``, ``win_rate``, ``ci_low``, ``ci_high``, ``lost_to_competitor`` (проиграно
    именно этому конкуренту, ``loss_reason == 'competitor'``) и ``lost_acv_rub`` — ACV этих сделок.
    """
    require_columns(opportunities, ["outcome", "competitor", "loss_reason", "amount_rub", "close_date"], "opportunities", non_empty=True)
    opps = opportunities
    if start is not None or end is not None:
        lo = start if start is not None else opps["close_date"].min()
        hi = end if end is not None else opps["close_date"].max()
        opps = opps[acquisition.in_period(opps["close_date"], lo, hi)]
    opps = opps.assign(competitor=opps["competitor"].fillna("none"))
    out = win_rates(opps, "competitor", confidence)
    lost_to = opps[(opps["outcome"] == "lost") & (opps["loss_reason"] == "competitor")].groupby("competitor")["amount_rub"]
    out["lost_to_competitor"] = lost_to.size().reindex(out.index, fill_value=0).astype(int)
    out["lost_acv_rub"] = lost_to.sum().reindex(out.index, fill_value=0.0)
    return out
