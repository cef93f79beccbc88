"""Рекомендации клиентов: NPS с интервалом, связь с оттоком, реферальная программа и референсы (раздел 9.4).

База и периоды:

* **NPS** считается по ответам квартального опроса в ``product_usage`` (клиент × месяц, B2B «Сфера Деск»).
  Опрос получает каждый платящий клиент в 3-й, 6-й, 9-й… месяц после месяца подписания
  (:func:`nps_survey`); ответ — оценка 0–10, пусто — не ответил. Точка NPS — :func:`funnel.nps`
  (одно место на весь курс), здесь — её интервал, разница двух NPS и отклик.
* **Реферальная программа** — таблица ``referrals``: приглашения по дате ``invited_date``,
  вознаграждения по дате начисления ``reward_date``, новые клиенты программы — выигранные сделки
  приглашённых, по дате закрытия, как новые клиенты в :mod:`acquisition`. CAC — :func:`acquisition.cac`.
* **Референсы** — таблицы ``reference_accounts`` (пул) и ``reference_requests`` (просьбы AE в сделках
  mid-market и enterprise); win rate — выигранные / закрытые, как :func:`kpi.win_rate`.

Интервалы долей — Уилсона (statsmodels ``proportion_confint(method="wilson")``), как во всём курсе.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from salesbook.data.generator.params import advocacy as _P
from salesbook.toolkit import funnel, onboarding
from salesbook.toolkit.acquisition import in_period, period
from salesbook.toolkit.validation import MetricError, positive, require_columns, share

__all__ = [
    "SURVEY_EVERY_MONTHS", "CATEGORIES", "CATEGORY_LABELS", "nps_category", "nps_survey", "nps_parts",
    "nps_interval", "nps_bootstrap", "nps_change", "nps_quarter_changes", "nps_stability_test", "nps_by_period",
    "churn_after_survey", "churn_ratio", "next_answer_nps",
    "REFERRAL_LAUNCH", "REWARD_SHARE_OF_ACV", "PROGRAMME_FIXED_MONTHLY_RUB", "referral_funnel",
    "referral_customers", "referral_costs", "viral_coefficient", "amplification", "referral_scenario",
    "extra_customer_cac",
    "max_reward", "REFERENCE_CALL_CAP", "pool_needed", "reference_quarters", "reference_win_rates",
    "reference_call_gap", "payback_bootstrap", "significance_phrase", "duration_comparison", "points_text",
]

#: Опрос NPS приходит клиенту раз в столько месяцев жизни (3-й, 6-й, 9-й… месяц после подписания).
SURVEY_EVERY_MONTHS = 3
#: Категории ответа NPS: промоутер 9–10, нейтральный 7–8, критик 0–6 (Reichheld, 2003).
CATEGORIES = ("promoter", "passive", "detractor")
CATEGORY_LABELS = {"promoter": "Промоутеры (9–10)", "passive": "Нейтральные (7–8)", "detractor": "Критики (0–6)",
                   "no_answer": "Не ответили"}

#: Условия реферальной программы «Сферы Деск» — допущения курса, с которыми сгенерированы данные.
REFERRAL_LAUNCH = _P.REFERRAL_LAUNCH
REWARD_SHARE_OF_ACV = _P.REWARD_SHARE_OF_ACV
PROGRAMME_FIXED_MONTHLY_RUB = _P.PROGRAMME_FIXED_MONTHLY_RUB
#: Лимит усталости: не больше стольких звонков на референса в квартал (правило программы).
REFERENCE_CALL_CAP = _P.CALLS_PER_REFERENCE_QUARTER_CAP


# ---------------------------------------------------------------------------
# NPS: опрос, интервал, изменение
# ---------------------------------------------------------------------------


def _scores(scores, name: str = "Оценки NPS") -> np.ndarray:
    """Ответы 0–10 без пропусков (не ответившие не считаются)."""
    if isinstance(scores, pd.DataFrame):
        raise MetricError(f"{name}: нужен столбец оценок (например, survey['nps']), а не таблица.")
    if isinstance(scores, str) or scores is None:
        raise MetricError(f"{name}: нужен столбец оценок 0–10, получено {scores!r}.")
    try:
        s = pd.to_numeric(pd.Series(scores, dtype="object"), errors="raise").astype("float64").dropna()
    except (TypeError, ValueError):
        raise MetricError(f"{name}: в оценках есть не числа — нужен столбец оценок 0–10.") from None
    if s.empty:
        raise MetricError(f"{name}: нет ни одного ответа — NPS не определён.")
    if ((s < 0) | (s > 10)).any():
        raise MetricError(f"{name}: оценки NPS — от 0 до 10.")
    return s.to_numpy()


def nps_category(scores) -> pd.Series:
    """Категория ответа: ``promoter`` (9–10), ``passive`` (7–8), ``detractor`` (0–6); пропуск — пусто."""
    s = pd.to_numeric(pd.Series(scores), errors="coerce").astype("float64")
    out = pd.Series(np.select([s >= 9, s >= 7, s >= 0], list(CATEGORIES), ""), index=s.index, dtype=object)
    return out.where(s.notna(), None)


def nps_survey(product_usage: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Строки опроса NPS: клиент × месяц, в котором клиенту пришёл опрос (каждый 3-й месяц жизни).

    Месяц жизни — число месяцев от месяца подписания (``accounts.customer_since``) до месяца строки;
    опрос — в месяцы 3, 6, 9… Столбцы: ``account_id``, ``month``, ``quarter`` (код «2025Q4»),
    ``segment``, ``nps`` (пусто — не ответил), ``answered``, ``category``.
    """
    require_columns(product_usage, ["month", "account_id", "nps"], "product_usage")
    require_columns(accounts, ["account_id", "customer_since", "segment"], "accounts")
    acc = accounts.drop_duplicates("account_id").set_index("account_id")
    month = pd.to_datetime(product_usage["month"], errors="coerce")
    since = pd.to_datetime(product_usage["account_id"].map(acc["customer_since"]), errors="coerce")
    age = (month.dt.year - since.dt.year) * 12 + (month.dt.month - since.dt.month)
    surveyed = (age > 0) & (age % SURVEY_EVERY_MONTHS == 0)
    out = product_usage.loc[surveyed, ["account_id", "month", "nps"]].copy()
    out["month"] = month[surveyed]
    out["quarter"] = out["month"].dt.to_period("Q").astype(str)
    out["segment"] = out["account_id"].map(acc["segment"])
    out["answered"] = out["nps"].notna()
    out["category"] = nps_category(out["nps"])
    return out.reset_index(drop=True)


def nps_parts(scores) -> pd.Series:
    """Доли промоутеров, нейтральных и критиков среди ответивших, их число ``n`` и NPS в пунктах."""
    s = _scores(scores)
    p, d = float((s >= 9).mean()), float((s <= 6).mean())
    return pd.Series({"n": float(len(s)), "promoters": p, "passives": 1.0 - p - d, "detractors": d,
                      "nps": funnel.nps(s)})


def _z(level: float) -> float:
    level = share(level, "Уровень доверия", lower_open=True, upper_open=True)
    return float(stats.norm.ppf(0.5 + level / 2))


def _var_share(s: np.ndarray) -> float:
    """Дисперсия NPS в долях: (p_P + p_D − (p_P − p_D)²) / n."""
    p, d = (s >= 9).mean(), (s <= 6).mean()
    return float((p + d - (p - d) ** 2) / len(s))


def nps_interval(scores, level: float = 0.95) -> tuple[float, float, float]:
    """NPS и его доверительный интервал в пунктах: (NPS, нижняя, верхняя).

    Промоутеры и критики — две доли одного полиномиального распределения, поэтому
    Var(p_P − p_D) = (p_P + p_D − (p_P − p_D)²) / n (Engelhardt, 2016); интервал — нормальный,
    NPS ± z × 100 × √Var, обрезанный до [−100, 100]. ``n`` — число ответивших.
    """
    s = _scores(scores)
    point = funnel.nps(s)
    half = _z(level) * 100 * math.sqrt(_var_share(s))
    return point, max(point - half, -100.0), min(point + half, 100.0)


def nps_bootstrap(scores, n_boot: int = 2000, level: float = 0.95, seed: int = 2025) -> tuple[float, float]:
    """Перцентильный бутстреп-интервал NPS в пунктах: ``n_boot`` раз из ответов набирается выборка того же
    размера с возвращением."""
    s = _scores(scores)
    n_boot = int(positive(n_boot, "Число бутстреп-выборок"))
    level = share(level, "Уровень доверия", lower_open=True, upper_open=True)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(s), size=(n_boot, len(s)))
    sample = s[draws]
    values = ((sample >= 9).mean(axis=1) - (sample <= 6).mean(axis=1)) * 100
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def nps_change(before, after, level: float = 0.95, before_ids=None, after_ids=None) -> pd.Series:
    """Изменение NPS «после − до» в пунктах, его интервал и p-value (нормальное приближение).

    Без ``before_ids``/``after_ids`` выборки считаются независимыми: Var = Var_до + Var_после. Если опрос
    получают одни и те же клиенты (у «Сферы Деск» — каждый квартал), передайте идентификаторы клиентов
    ответов: из дисперсии вычитается ковариация ответов клиентов, ответивших оба раза,
    2 · Σ (x_до − NPS_до)(x_после − NPS_после) / (n_до · n_после), где x = +1 у промоутера, −1 у критика, 0 у
    нейтрального. Ответы одного клиента связаны положительно, поэтому интервал с поправкой уже.
    """
    a, b = _scores(before, "Оценки «до»"), _scores(after, "Оценки «после»")
    diff = funnel.nps(b) - funnel.nps(a)
    var = _var_share(a) + _var_share(b)
    if (before_ids is None) != (after_ids is None):
        raise MetricError("Идентификаторы клиентов нужны для обоих опросов (before_ids и after_ids) или ни для одного.")
    if before_ids is not None:
        var -= 2 * _paired_cov(before, before_ids, after, after_ids)
    se = 100 * math.sqrt(max(var, 0.0))
    z = _z(level)
    p_value = float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else (0.0 if diff else 1.0)
    return pd.Series({"change": diff, "se": se, "low": diff - z * se, "high": diff + z * se, "p_value": p_value,
                      "n_before": float(len(a)), "n_after": float(len(b))})


def _answers_by_client(scores, ids, name: str) -> pd.Series:
    """Ответы x = +1/0/−1 по клиентам (без пропусков; у клиента — один ответ в опросе)."""
    s = pd.to_numeric(pd.Series(scores, dtype="object").reset_index(drop=True), errors="coerce").astype("float64")
    i = pd.Series(ids, dtype="object").reset_index(drop=True)
    if len(i) != len(s):
        raise MetricError(f"{name}: идентификаторов клиентов столько же, сколько оценок (получено {len(i)} и {len(s)}).")
    keep = s.notna()
    x = pd.Series(np.select([s[keep] >= 9, s[keep] <= 6], [1.0, -1.0], 0.0), index=i[keep].to_numpy())
    if x.index.duplicated().any():
        raise MetricError(f"{name}: у клиента больше одного ответа — в одном опросе клиент отвечает один раз.")
    return x


def _paired_cov(before, before_ids, after, after_ids) -> float:
    """Ковариация двух NPS (в долях) через клиентов, ответивших в обоих опросах."""
    xa = _answers_by_client(before, before_ids, "Оценки «до»")
    xb = _answers_by_client(after, after_ids, "Оценки «после»")
    both = xa.index.intersection(xb.index)
    if len(both) == 0:
        return 0.0
    ea, eb = xa[both] - xa.mean(), xb[both] - xb.mean()
    return float((ea * eb).sum() / (len(xa) * len(xb)))


def _quarter_means_and_cov(survey: pd.DataFrame, quarters) -> tuple[pd.Series, pd.DataFrame]:
    """NPS кварталов (пункты) и их ковариационная матрица с учётом того, что клиенты отвечают в разные
    кварталы (сэндвич-оценка по клиентам: V = Eᵀ E, E_iq = (x_iq − NPS_q) / n_q, 0 без ответа)."""
    require_columns(survey, ["account_id", "quarter", "nps"], "survey", non_empty=True)
    quarters = list(quarters)
    s = survey[survey["quarter"].isin(quarters) & survey["nps"].notna()]
    if s.empty:
        raise MetricError("В выбранных кварталах нет ни одного ответа.")
    x = pd.Series(np.select([s["nps"] >= 9, s["nps"] <= 6], [1.0, -1.0], 0.0), index=s.index)
    grid = x.groupby([s["account_id"], s["quarter"]]).first().unstack("quarter").reindex(columns=quarters)
    missing = [q for q in quarters if grid[q].notna().sum() == 0]
    if missing:
        raise MetricError(f"Нет ответов в кварталах: {', '.join(map(str, missing))}.")
    means, n = grid.mean(), grid.notna().sum()
    e = ((grid - means) / n).fillna(0.0)
    return means * 100, (e.T @ e) * 100 ** 2


def nps_quarter_changes(survey: pd.DataFrame, quarters=None, level: float = 0.95) -> pd.DataFrame:
    """Изменения NPS между соседними кварталами с поправкой на то, что опрос получают одни и те же клиенты.

    Столбцы: ``change``, ``se``, ``low``, ``high``, ``p_value`` и ``p_holm`` — p-value с поправкой Холма на
    число сравнений (без неё из семи сравнений на уровне 5 % одно «значимое» выпадает часто и случайно).
    """
    from statsmodels.stats.multitest import multipletests

    quarters = sorted(survey["quarter"].unique()) if quarters is None else list(quarters)
    if len(quarters) < 2:
        raise MetricError("Для изменений нужны хотя бы два квартала.")
    m, v = _quarter_means_and_cov(survey, quarters)
    z = _z(level)
    rows = {}
    for a, b in zip(quarters, quarters[1:]):
        diff = m[b] - m[a]
        se = math.sqrt(max(v.loc[a, a] + v.loc[b, b] - 2 * v.loc[a, b], 0.0))
        p_value = float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else (0.0 if diff else 1.0)
        rows[(a, b)] = {"change": diff, "se": se, "low": diff - z * se, "high": diff + z * se, "p_value": p_value}
    out = pd.DataFrame(rows).T
    out["p_holm"] = multipletests(out["p_value"].to_numpy(float), method="holm")[1]
    out.index.names = ["before", "after"]
    return out


def nps_stability_test(survey: pd.DataFrame, quarters=None, level: float = 0.95) -> pd.Series:
    """Один тест вместо многих сравнений: одинаков ли NPS во всех кварталах, и есть ли тренд.

    ``chi2``, ``df``, ``p_value`` — критерий Вальда гипотезы «NPS всех кварталов равны» (χ² с числом
    кварталов − 1 степенями свободы) с ковариацией, учитывающей повторные ответы клиентов;
    ``slope``, ``slope_low``, ``slope_high`` — линейный тренд, пунктов за квартал, и его интервал.
    """
    quarters = sorted(survey["quarter"].unique()) if quarters is None else list(quarters)
    if len(quarters) < 3:
        raise MetricError("Для проверки «NPS не меняется» нужны хотя бы три квартала.")
    m, v = _quarter_means_and_cov(survey, quarters)
    k = len(quarters)
    c = np.hstack([-np.ones((k - 1, 1)), np.eye(k - 1)])  # NPS_q − NPS_первого квартала
    d = c @ m.to_numpy()
    chi2 = float(d @ np.linalg.solve(c @ v.to_numpy() @ c.T, d))
    t = np.arange(k, dtype=float)
    w = (t - t.mean()) / ((t - t.mean()) ** 2).sum()
    slope = float(w @ m.to_numpy())
    se = math.sqrt(float(w @ v.to_numpy() @ w))
    z = _z(level)
    return pd.Series({"chi2": chi2, "df": float(k - 1), "p_value": float(stats.chi2.sf(chi2, k - 1)),
                      "slope": slope, "slope_low": slope - z * se, "slope_high": slope + z * se})


def nps_by_period(survey: pd.DataFrame, by: str = "quarter", level: float = 0.95) -> pd.DataFrame:
    """По кварталам (или другому столбцу ``by``): опрошено, ответило, отклик, NPS и его интервал."""
    require_columns(survey, [by, "nps"], "survey", non_empty=True)
    rows = {}
    for key, g in survey.groupby(by, sort=True):
        answered = g["nps"].dropna()
        row = {"surveyed": float(len(g)), "answered": float(len(answered)), "response_rate": len(answered) / len(g)}
        if len(answered):
            row["nps"], row["low"], row["high"] = nps_interval(answered, level)
        rows[key] = row
    out = pd.DataFrame(rows).T.reindex(columns=["surveyed", "answered", "response_rate", "nps", "low", "high"])
    out.index.name = by
    return out


def churn_after_survey(survey: pd.DataFrame, accounts: pd.DataFrame, start, end, horizon_months: int = 12,
                       alpha: float = 0.05) -> pd.DataFrame:
    """Отток в следующие ``horizon_months`` месяцев после первого опроса клиента в период — по ответу.

    Берётся первый опрос каждого клиента с месяцем в [start, end]; клиент считается ушедшим, если
    ``accounts.churned_on`` попал в окно (месяц опроса; месяц опроса + horizon]. Группы — промоутеры,
    нейтральные, критики и не ответившие (проверка смещения из-за неответа). Окно должно закончиться
    до конца данных, иначе уход не успели бы увидеть. Интервалы — Уилсона.
    """
    from statsmodels.stats.proportion import proportion_confint

    require_columns(survey, ["account_id", "month", "category"], "survey", non_empty=True)
    require_columns(accounts, ["account_id", "churned_on"], "accounts")
    horizon = int(positive(horizon_months, "Горизонт, месяцев"))
    first = survey[in_period(survey["month"], start, end)].sort_values(["account_id", "month"])
    first = first.drop_duplicates("account_id")
    if first.empty:
        raise MetricError("В периоде нет ни одного опроса.")
    churned_on = pd.to_datetime(first["account_id"].map(accounts.drop_duplicates("account_id")
                                                         .set_index("account_id")["churned_on"]), errors="coerce")
    window_end = first["month"] + pd.DateOffset(months=horizon + 1) - pd.Timedelta(days=1)
    churned = churned_on.notna() & (churned_on >= first["month"]) & (churned_on <= window_end)
    group = first["category"].fillna("no_answer")
    rows = {}
    for key in (*CATEGORIES, "no_answer"):
        m = group == key
        n, k = int(m.sum()), int(churned[m].sum())
        if n == 0:
            continue
        low, high = proportion_confint(k, n, alpha=alpha, method="wilson")
        rows[key] = {"customers": float(n), "churned": float(k), "churn_rate": k / n, "low": low, "high": high}
    return pd.DataFrame(rows).T


def churn_ratio(churn: pd.DataFrame, group: str, base: str, level: float = 0.95) -> pd.Series:
    """Во сколько раз группа ``group`` уходила чаще группы ``base`` (таблица :func:`churn_after_survey`):
    отношение долей ушедших и его интервал (логарифмический, Katz): exp(ln RR ± z·√(1/a − 1/n₁ + 1/c − 1/n₂))."""
    require_columns(churn, ["customers", "churned"], "churn")
    for key in (group, base):
        if key not in churn.index:
            raise MetricError(f"В таблице оттока нет группы {key!r}; есть: {', '.join(map(str, churn.index))}.")
    a, n1 = float(churn.loc[group, "churned"]), float(churn.loc[group, "customers"])
    c, n2 = float(churn.loc[base, "churned"]), float(churn.loc[base, "customers"])
    if a == 0 or c == 0:
        raise MetricError("Отношение долей не определено: в одной из групп никто не ушёл.")
    level = share(level, "Уровень доверия", lower_open=True, upper_open=True)
    return onboarding.risk_ratio(a, n1, c, n2, alpha=1 - level)  # одна формула Каца на курс


def next_answer_nps(survey: pd.DataFrame, start, end, level: float = 0.95) -> pd.DataFrame:
    """Проверка смещения из-за неответа по самой оценке: NPS следующего ответа клиента.

    Берётся первый опрос каждого клиента с месяцем в [start, end]; клиенты делятся на ответивших и
    промолчавших, и для каждого берётся его следующий ответ (в любом из следующих опросов). Если молчат
    недовольные, у промолчавших следующий ответ хуже. По строке на группу: ``customers`` (у кого есть
    следующий ответ), ``nps``, ``low``, ``high`` — клиенты в группе не повторяются.
    """
    require_columns(survey, ["account_id", "month", "nps"], "survey", non_empty=True)
    s = survey.sort_values(["account_id", "month"])
    first = s[in_period(s["month"], start, end)].drop_duplicates("account_id")
    if first.empty:
        raise MetricError("В периоде нет ни одного опроса.")
    later = s[s["nps"].notna()].merge(first[["account_id", "month"]].rename(columns={"month": "first"}), on="account_id")
    following = later[later["month"] > later["first"]].drop_duplicates("account_id").set_index("account_id")["nps"]
    rows = {}
    for key, mask in {"answered": first["nps"].notna(), "no_answer": first["nps"].isna()}.items():
        scores = following.reindex(first.loc[mask, "account_id"]).dropna()
        if scores.empty:
            continue
        point, low, high = nps_interval(scores, level)
        rows[key] = {"customers": float(len(scores)), "nps": point, "low": low, "high": high}
    return pd.DataFrame(rows).T


# ---------------------------------------------------------------------------
# Реферальная программа
# ---------------------------------------------------------------------------

_REFERRAL_COLUMNS = ["referral_id", "invited_date", "referrer_account_id", "lead_id", "opportunity_id",
                     "reward_rub", "reward_date"]


def referral_funnel(referrals: pd.DataFrame, opportunities: pd.DataFrame, start, end) -> pd.Series:
    """Воронка приглашений, отправленных в период (когорта по ``invited_date``), до конца данных.

    Приглашения, пригласившие клиенты, лиды, сделки, выигрыши и конверсии: приглашение → лид,
    лид → выигрыш, приглашение → выигрыш (в долях).
    """
    require_columns(referrals, _REFERRAL_COLUMNS, "referrals")
    require_columns(opportunities, ["opportunity_id", "outcome"], "opportunities")
    r = referrals[in_period(referrals["invited_date"], start, end)]
    if r.empty:
        raise MetricError("В периоде нет приглашений.")
    outcome = r["opportunity_id"].map(opportunities.set_index("opportunity_id")["outcome"])
    invites, leads = len(r), int(r["lead_id"].notna().sum())
    won = int((outcome == "won").sum())
    return pd.Series({"invitations": float(invites), "referrers": float(r["referrer_account_id"].nunique()),
                      "leads": float(leads), "opportunities": float(r["opportunity_id"].notna().sum()),
                      "won": float(won), "invite_to_lead": leads / invites,
                      "lead_to_won": won / leads if leads else float("nan"), "invite_to_won": won / invites})


def referral_customers(referrals: pd.DataFrame, opportunities: pd.DataFrame, start, end) -> pd.DataFrame:
    """Новые клиенты программы: выигранные сделки приглашённых, закрытые в период (как новые клиенты курса)."""
    require_columns(referrals, _REFERRAL_COLUMNS, "referrals")
    require_columns(opportunities, ["opportunity_id", "account_id", "outcome", "close_date", "amount_rub", "segment"],
                    "opportunities")
    deals = opportunities[opportunities["opportunity_id"].isin(referrals["opportunity_id"].dropna())]
    deals = deals[deals["outcome"].eq("won") & in_period(deals["close_date"], start, end)]
    return deals.reset_index(drop=True)


def referral_costs(referrals: pd.DataFrame, start, end,
                   fixed_monthly_rub: float = PROGRAMME_FIXED_MONTHLY_RUB) -> pd.Series:
    """Затраты программы за период, ₽: вознаграждения (по дате начисления) и постоянные затраты × месяцев."""
    require_columns(referrals, ["reward_rub", "reward_date"], "referrals")
    fixed = positive(fixed_monthly_rub, "Постоянные затраты программы в месяц", allow_zero=True)
    lo, hi = period(start, end)
    months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    rewards = referrals.loc[in_period(referrals["reward_date"], start, end), "reward_rub"].sum()
    return pd.Series({"rewards": float(rewards), "fixed": fixed * months}, name="amount_rub")


def viral_coefficient(invites_per_customer, invite_to_customer) -> float:
    """Вирусный коэффициент k = приглашений на клиента за цикл × доля приглашений, ставших клиентами."""
    i = positive(invites_per_customer, "Приглашений на клиента", allow_zero=True)
    c = share(invite_to_customer, "Конверсия приглашения в клиента")
    return float(i * c)


def amplification(k: float) -> float:
    """Во сколько раз рекомендации умножают каждого привлечённого клиента: 1 + k + k² + … = 1 / (1 − k) при k < 1."""
    k = positive(k, "Вирусный коэффициент k", allow_zero=True)
    return float("inf") if k >= 1 else 1.0 / (1.0 - k)


def referral_scenario(customers: float, share_referring: float, invites_per_referrer: float, conversion: float,
                      reward_rub: float, arpa: float, gross_margin: float, cycle_months: float,
                      paid_cac: float, fixed_monthly_rub: float = PROGRAMME_FIXED_MONTHLY_RUB,
                      cycles: int = 8) -> dict:
    """Сценарий реферальной программы за циклы: клиенты программы, k, CAC канала против платного, окупаемость.

    За цикл (``cycle_months`` месяцев) доля ``share_referring`` клиентов отправляет по
    ``invites_per_referrer`` приглашений, доля ``conversion`` приглашений становится клиентами. Приглашают
    и клиенты, которых привела программа: k = доля × приглашений × конверсия. Затраты цикла ``cost`` —
    вознаграждения плюс постоянные затраты цикла; CAC канала — они на клиента первого цикла; окупаемость —
    CAC / (ARPA × маржа).
    """
    base = positive(customers, "Клиентов в базе")
    s = share(share_referring, "Доля приглашающих")
    i = positive(invites_per_referrer, "Приглашений на приглашающего", allow_zero=True)
    c = share(conversion, "Конверсия приглашения в клиента")
    reward = positive(reward_rub, "Вознаграждение за клиента", allow_zero=True)
    arpa_ = positive(arpa, "ARPA в месяц")
    gm = share(gross_margin, "Валовая маржа", lower_open=True)
    cycle = positive(cycle_months, "Длина цикла, месяцев")
    paid = positive(paid_cac, "CAC платных каналов")
    fixed = positive(fixed_monthly_rub, "Постоянные затраты программы в месяц", allow_zero=True)
    n_cycles = int(positive(cycles, "Число циклов"))
    k = s * i * c
    first = base * k
    by_cycle = first * k ** np.arange(n_cycles)
    cost = reward * first + fixed * cycle
    cac = cost / first if first > 0 else float("inf")
    return {"customers": base, "share_referring": s, "invites_per_referrer": i, "conversion": c, "reward_rub": reward,
            "arpa": arpa_, "gross_margin": gm, "cycle_months": cycle, "paid_cac": paid, "fixed_monthly_rub": fixed,
            "k": k, "invitations": base * s * i, "first_cycle": first, "cost": cost, "by_cycle": by_cycle,
            "cumulative": np.cumsum(by_cycle), "amplification": amplification(k), "cac": cac,
            "cac_to_paid": cac / paid, "payback_months": cac / (arpa_ * gm)}


def extra_customer_cac(base: dict, variant: dict) -> float:
    """CAC дополнительных клиентов варианта программы против базового: Δзатрат / Δклиентов первого цикла, ₽.

    Решение «поднимать ли награду» принимают по нему, а не по среднему CAC варианта: средний смешивает
    клиентов, которые пришли бы и так, с добавочными. Если клиентов не прибавилось, а затраты выросли — ∞.
    """
    d_cost = float(variant["cost"]) - float(base["cost"])
    d_customers = float(variant["first_cycle"]) - float(base["first_cycle"])
    if d_customers <= 1e-12:
        return float("inf") if d_cost > 0 else float("nan")
    return d_cost / d_customers


def max_reward(arpa: float, gross_margin: float, payback_months: float, fixed_per_customer: float) -> float:
    """Наибольшее вознаграждение за клиента, ₽, при котором канал окупается за ``payback_months`` месяцев:
    payback × ARPA × маржа − постоянные затраты программы на клиента (может быть < 0: не окупится и без награды)."""
    a = positive(arpa, "ARPA в месяц")
    gm = share(gross_margin, "Валовая маржа", lower_open=True)
    months = positive(payback_months, "Срок окупаемости, месяцев")
    fixed = positive(fixed_per_customer, "Постоянные затраты на клиента", allow_zero=True)
    return float(months * a * gm - fixed)


# ---------------------------------------------------------------------------
# Референсы
# ---------------------------------------------------------------------------


def pool_needed(requests_per_quarter: float, cap_per_quarter: float = REFERENCE_CALL_CAP,
                utilisation: float = 0.7) -> int:
    """Сколько референсов нужно в пуле: ⌈просьб в квартал / (лимит звонков × загрузка)⌉.

    ``utilisation`` — доля лимита, которую реально удаётся выбрать: референс в отпуске, не подходит
    по отрасли или размеру, просьбы приходят неровно.
    """
    r = positive(requests_per_quarter, "Просьб в квартал", allow_zero=True)
    cap = positive(cap_per_quarter, "Лимит звонков на референса в квартал")
    u = share(utilisation, "Загрузка", lower_open=True)
    return int(math.ceil(r / (cap * u) - 1e-9))


def reference_quarters(requests: pd.DataFrame, reference_accounts: pd.DataFrame) -> pd.DataFrame:
    """По кварталам: просьбы, звонки, отказы, «не нашлось референса», пул на начало квартала, средний пул
    за квартал (референсо-дней / дней: пул растёт и внутри квартала) и наибольшая нагрузка референса
    (звонков за квартал)."""
    require_columns(requests, ["request_date", "status", "reference_account_id", "call_date"], "reference_requests",
                    non_empty=True)
    require_columns(reference_accounts, ["account_id", "joined_date", "left_date"], "reference_accounts")
    q = pd.to_datetime(requests["request_date"]).dt.to_period("Q")
    table = pd.crosstab(q, requests["status"]).reindex(columns=["call_held", "declined", "no_reference"], fill_value=0)
    table.insert(0, "requests", table.sum(axis=1))
    starts = table.index.to_timestamp()
    joined = pd.to_datetime(reference_accounts["joined_date"])
    left = pd.to_datetime(reference_accounts["left_date"])
    table["pool_at_start"] = [int(((joined <= d) & (left.isna() | (left > d))).sum()) for d in starts]
    ends = (table.index + 1).to_timestamp()
    days = [((left.fillna(e).clip(upper=e) - joined.clip(lower=d)).dt.days.clip(lower=0).sum()) / (e - d).days
            for d, e in zip(starts, ends)]
    table["pool_avg"] = days
    held = requests[requests["status"] == "call_held"]
    load = held.groupby([pd.to_datetime(held["call_date"]).dt.to_period("Q"), held["reference_account_id"]]).size()
    table["max_calls_per_reference"] = load.groupby(level=0).max().reindex(table.index).fillna(0)
    table.index = table.index.astype(str)
    table.index.name = "quarter"
    return table.astype(float)


def reference_win_rates(requests: pd.DataFrame, opportunities: pd.DataFrame, opportunity_stages: pd.DataFrame,
                        start, end, segments=("mid_market", "enterprise"), alpha: float = 0.05) -> pd.DataFrame:
    """Win rate закрытых сделок, дошедших до proposal в период, по группам просьбы о референсе.

    Группы: ``call_held`` — звонок состоялся; ``asked_no_call`` — AE просил, но звонка не было
    (референс отказался или свободного не нашлось); ``not_asked`` — не просил. Сравнение ``call_held``
    с ``not_asked`` смешано с отбором (просят в сделках, которые и так идут хорошо); ``asked_no_call`` —
    те же «хорошие» сделки без звонка. Интервалы — Уилсона.
    """
    from statsmodels.stats.proportion import proportion_confint

    require_columns(requests, ["opportunity_id", "status"], "reference_requests")
    require_columns(opportunities, ["opportunity_id", "segment", "outcome"], "opportunities")
    require_columns(opportunity_stages, ["opportunity_id", "stage", "entered_date"], "opportunity_stages")
    prop = opportunity_stages[opportunity_stages["stage"] == "proposal"]
    prop = prop[in_period(prop["entered_date"], start, end)]
    deals = opportunities[opportunities["opportunity_id"].isin(prop["opportunity_id"])
                          & opportunities["segment"].isin(list(segments)) & opportunities["outcome"].isin(["won", "lost"])]
    status = deals["opportunity_id"].map(requests.set_index("opportunity_id")["status"])
    group = np.where(status.isna(), "not_asked", np.where(status == "call_held", "call_held", "asked_no_call"))
    rows = {}
    for key in ("call_held", "asked_no_call", "not_asked"):
        m = group == key
        n, k = int(m.sum()), int(deals.loc[m, "outcome"].eq("won").sum())
        if n == 0:
            continue
        low, high = proportion_confint(k, n, alpha=alpha, method="wilson")
        rows[key] = {"deals": float(n), "won": float(k), "win_rate": k / n, "low": low, "high": high}
    if not rows:
        raise MetricError("В периоде нет закрытых сделок, дошедших до proposal.")
    return pd.DataFrame(rows).T


def reference_call_gap(requests: pd.DataFrame, opportunities: pd.DataFrame, start, end, quarters=None,
                       alpha: float = 0.05) -> pd.Series:
    """Разница win rate «звонок состоялся» − «просили, звонка не было» и её интервал (Ньюкомба).

    Берутся закрытые сделки с просьбой о референсе, поданной в период (``request_date``); ``quarters`` —
    оставить только просьбы этих кварталов (коды «2025Q1»), например кварталов, где референсов не хватало:
    тогда обе группы — из одного времени, и разница не смешана с тем, что меняется от года к году.
    """
    from salesbook.toolkit.experiments import diff_confint

    require_columns(requests, ["opportunity_id", "status", "request_date"], "reference_requests")
    require_columns(opportunities, ["opportunity_id", "outcome"], "opportunities")
    r = requests[in_period(requests["request_date"], start, end)]
    if quarters is not None:
        r = r[pd.to_datetime(r["request_date"]).dt.to_period("Q").astype(str).isin(list(quarters))]
    outcome = r["opportunity_id"].map(opportunities.set_index("opportunity_id")["outcome"])
    closed = outcome.isin(["won", "lost"])
    call = r["status"].eq("call_held") & closed
    no_call = ~r["status"].eq("call_held") & closed
    n_call, n_no = int(call.sum()), int(no_call.sum())
    if n_call == 0 or n_no == 0:
        raise MetricError("Для сравнения нужны закрытые сделки и со звонком, и без звонка.")
    w_call, w_no = int(outcome[call].eq("won").sum()), int(outcome[no_call].eq("won").sum())
    low, high = diff_confint(w_call, n_call, w_no, n_no, alpha=alpha)
    return pd.Series({"deals_call": float(n_call), "win_call": w_call / n_call, "deals_no_call": float(n_no),
                      "win_no_call": w_no / n_no, "diff": w_call / n_call - w_no / n_no, "low": low, "high": high})


def payback_bootstrap(mrr_per_customer, cac: float, gross_margin: float, n_boot: int = 4000, level: float = 0.95,
                      seed: int = 94) -> tuple[float, float]:
    """Перцентильный бутстреп-интервал окупаемости CAC / (средний стартовый MRR × маржа), месяцев: клиенты
    программы набираются с возвращением — интервал показывает, сколько окупаемость зависит от отдельных сделок."""
    m = pd.to_numeric(pd.Series(mrr_per_customer), errors="coerce").dropna().to_numpy(float)
    if len(m) == 0:
        raise MetricError("Нет ни одного клиента программы — окупаемость не определена.")
    cac = positive(cac, "CAC")
    gm = share(gross_margin, "Валовая маржа", lower_open=True)
    level = share(level, "Уровень доверия", lower_open=True, upper_open=True)
    draws = np.random.default_rng(seed).choice(m, size=(int(positive(n_boot, "Число бутстреп-выборок")), len(m)))
    low, high = np.quantile(cac / (draws.mean(axis=1) * gm), [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def significance_phrase(count: int) -> str:
    """«ни одно изменение не значимо на уровне 5 %» / «на уровне 5 % значимо 1 изменение» / «… значимы 3 изменения»."""
    from salesbook.runtime import fmt

    count = int(count)
    if count == 0:
        return "ни одно изменение не значимо на уровне 5\u00a0%"
    verb = "значимо" if count % 10 == 1 and count % 100 != 11 else "значимы"
    return f"на уровне 5\u00a0% {verb} {fmt.plural(count, 'изменение', 'изменения', 'изменений')}"


def duration_comparison(ratio: float) -> str:
    """Сравнение двух сроков по их отношению: «почти столько же, сколько» (±10 %), «короче, чем», «дольше, чем»."""
    if abs(float(ratio) - 1) < 0.1:
        return "почти столько же, сколько"
    return "короче, чем" if ratio < 1 else "дольше, чем"


def points_text(share_value: float) -> str:
    """Разность долей в процентных пунктах, число без единицы: 0,043 → «4,3» (единицу «п. п.» пишет текст)."""
    from salesbook.runtime import fmt

    return fmt.number(float(share_value) * 100, 1)
