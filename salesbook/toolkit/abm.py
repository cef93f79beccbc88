"""Аккаунтный подход (раздел 2.3): комитет покупателя, уровни ABM и оценка эффекта программы.

* :func:`roles_reached`, :func:`coverage_win_rate` — охват комитета покупателя и его связь с win rate;
* :func:`tier_accounts` — уровни 1:1 / 1:few / 1:many по баллам с ограничением мощности команды;
* :func:`account_plan` — карта стейкхолдеров аккаунта и свободный потенциал (whitespace);
* :func:`pipeline_per_account` — пайплайн (сумма сделок, созданных за период) на аккаунт;
* :func:`naive_uplift`, :func:`stratified_effect`, :func:`did_2x2`, :func:`did_effect`,
  :func:`bootstrap_ci` — оценки эффекта программы: наивная, по стратам, разность разностей;
* :func:`programme_decision` — продолжать ли программу: валовая прибыль эффекта против затрат.

Все функции принимают таблицы курса (``contacts``, ``abm_accounts``, ``opportunities``) и
не меняют их. Даты — включительно.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from salesbook.data.schemas import ABM_TIERS, BUYING_ROLES
from salesbook.toolkit.validation import MetricError, numbers, require_columns, share

#: Роли комитета покупателя в порядке карты стейкхолдеров.
ROLES = BUYING_ROLES
#: Уровни ABM-программы: 1:1, 1:few, 1:many.
TIERS = ABM_TIERS
#: Решения по программе: продолжить, остановить, проверить тестом с контрольной группой.
DECISIONS = ("continue", "stop", "holdout_test")


def _dates(series) -> pd.Series:
    return pd.to_datetime(series)


# ---------------------------------------------------------------------------
# Охват комитета покупателя
# ---------------------------------------------------------------------------


def roles_reached(contacts: pd.DataFrame, as_of=None, since=None) -> pd.Series:
    """Сколько разных ролей комитета покупателя вовлечено в каждом аккаунте.

    Учитываются контакты с датой первого контакта в [``since``; ``as_of``] (границы
    включительно, ``None`` — без границы). Индекс — ``account_id``; аккаунтов без контактов
    в периоде в ответе нет.
    """
    require_columns(contacts, ["account_id", "role", "first_engaged_date"], "contacts")
    d = _dates(contacts["first_engaged_date"])
    keep = pd.Series(True, index=contacts.index)
    if as_of is not None:
        keep &= d <= pd.Timestamp(as_of)
    if since is not None:
        keep &= d >= pd.Timestamp(since)
    return contacts[keep].groupby("account_id")["role"].nunique().rename("roles")


def coverage_at_close(contacts: pd.DataFrame, opportunities: pd.DataFrame, start, end) -> pd.DataFrame:
    """Сделки, закрытые в [start; end], и число ролей комитета, вовлечённых к дате закрытия.

    Возвращает ``opportunity_id``, ``account_id``, ``segment``, ``won`` (выиграна ли) и ``roles``
    (разных ролей с первым контактом не позже даты закрытия).
    """
    require_columns(opportunities, ["opportunity_id", "account_id", "segment", "close_date", "outcome"],
                    "opportunities")
    require_columns(contacts, ["account_id", "role", "first_engaged_date"], "contacts")
    close = _dates(opportunities["close_date"])
    closed = opportunities[close.between(pd.Timestamp(start), pd.Timestamp(end))
                           & opportunities["outcome"].isin(["won", "lost"])]
    c = contacts[["account_id", "role", "first_engaged_date"]].copy()
    c["first_engaged_date"] = _dates(c["first_engaged_date"])
    m = closed[["opportunity_id", "account_id", "segment", "close_date", "outcome"]].merge(c, on="account_id",
                                                                                           how="left")
    m = m[m["first_engaged_date"] <= _dates(m["close_date"])]
    roles = m.groupby("opportunity_id")["role"].nunique()
    out = closed[["opportunity_id", "account_id", "segment"]].copy()
    out["won"] = closed["outcome"].eq("won").to_numpy()
    out["roles"] = roles.reindex(out["opportunity_id"]).fillna(0).astype(int).to_numpy()
    return out.reset_index(drop=True)


def coverage_win_rate(contacts: pd.DataFrame, opportunities: pd.DataFrame, start, end,
                      bins: Sequence[int] = (1, 2, 3, 5)) -> pd.DataFrame:
    """Win rate сделок, закрытых в [start; end], по числу ролей комитета к дате закрытия.

    ``bins`` — нижние границы групп: (1, 2, 3, 5) даёт группы «1», «2», «3–4», «5+».
    Возвращает таблицу по группам со столбцами ``deals`` и ``win_rate`` (доля).
    Это связь, а не эффект: выигрывающая сделка доходит до большего числа людей.
    """
    cov = coverage_at_close(contacts, opportunities, start, end)
    edges = list(bins) + [np.inf]
    names = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        names.append(f"{lo}+" if np.isinf(hi) else (str(lo) if hi - lo == 1 else f"{lo}–{int(hi) - 1}"))
    group = pd.cut(cov["roles"], bins=[e - 0.5 for e in edges[:-1]] + [np.inf], labels=names)
    t = cov.groupby(group, observed=False)["won"].agg(deals="size", win_rate="mean")
    t.index.name = "roles"
    return t


# ---------------------------------------------------------------------------
# Уровни ABM
# ---------------------------------------------------------------------------


def tier_accounts(scores: pd.DataFrame, capacity: Mapping[str, int], weights: Mapping[str, float],
                  one_to_one_segment: str | None = "enterprise") -> pd.Series:
    """Уровни ABM по взвешенным рангам баллов с ограничением мощности команды.

    ``scores`` — таблица аккаунтов (индекс — ``account_id``) со столбцами из ``weights``
    (например, ``intent_score``, ``icp_fit_score``, ``potential_rub``) и ``segment``.
    Балл = Σ вес × перцентильный ранг столбца. Аккаунты по убыванию балла заполняют уровни
    в порядке 1:1 → 1:few → 1:many, каждый не больше ``capacity[tier]`` аккаунтов (мощность команды); в 1:1
    берутся только аккаунты сегмента ``one_to_one_segment`` (``None`` — любые).
    Возвращает уровень (``one_to_one`` …) или ``None`` — не в программе.
    """
    require_columns(scores, list(weights) + ["segment"], "scores")
    unknown = [t for t in capacity if t not in TIERS]
    if unknown:
        raise MetricError(f"Неизвестные уровни: {', '.join(map(str, unknown))}. Доступны: {', '.join(TIERS)}.")
    caps = {t: int(numbers(capacity.get(t, 0), f"мощность команды {t}")) for t in TIERS}
    if any(v < 0 for v in caps.values()):
        raise MetricError("Мощность команды на уровне не может быть отрицательной.")
    w = numbers(list(weights.values()), "веса")
    if (w < 0).any() or w.sum() <= 0:
        raise MetricError("Веса должны быть неотрицательными числами с положительной суммой.")
    score = sum(wi * scores[c].rank(pct=True) for c, wi in zip(weights, w))
    order = score.sort_values(ascending=False, kind="stable").index
    seg = scores["segment"]
    tier: dict = {a: None for a in scores.index}
    for t in TIERS:
        free = [a for a in order if tier[a] is None
                and (t != "one_to_one" or one_to_one_segment is None or seg[a] == one_to_one_segment)]
        for a in free[: caps[t]]:
            tier[a] = t
    return pd.Series([tier[a] for a in scores.index], index=scores.index, dtype=object, name="tier")


# ---------------------------------------------------------------------------
# План аккаунта
# ---------------------------------------------------------------------------


def account_plan(account_id: str, contacts: pd.DataFrame, as_of, roles: Sequence[str] = ROLES) -> pd.DataFrame:
    """Карта стейкхолдеров аккаунта на дату ``as_of``: по строке на роль комитета.

    Столбцы: ``reached`` (есть ли человек в этой роли), ``people`` (сколько),
    ``title_level`` и ``first_engaged_date`` первого человека, ``engaged_by`` (кто его вовлёк).
    """
    require_columns(contacts, ["account_id", "role", "title_level", "first_engaged_date", "engaged_by"], "contacts")
    c = contacts[(contacts["account_id"] == account_id)
                 & (_dates(contacts["first_engaged_date"]) <= pd.Timestamp(as_of))].copy()
    c["first_engaged_date"] = _dates(c["first_engaged_date"])
    c = c.sort_values("first_engaged_date", kind="stable")
    first = c.groupby("role").first()
    plan = pd.DataFrame(index=pd.Index(list(roles), name="role"))
    plan["reached"] = plan.index.isin(first.index)
    plan["people"] = c.groupby("role").size().reindex(plan.index).fillna(0).astype(int)
    for col in ("title_level", "first_engaged_date", "engaged_by"):
        plan[col] = first[col].reindex(plan.index)
    return plan


def whitespace(abm_accounts: pd.DataFrame, opportunities: pd.DataFrame, as_of) -> pd.Series:
    """Свободный потенциал (whitespace) аккаунта, ₽: потенциал минус выигранный ACV к ``as_of``.

    Выигранный ACV — сумма сделок аккаунта, выигранных не позже ``as_of``; отрицательная
    разница обрезается до нуля (аккаунт уже купил больше оценки). Индекс — ``account_id``.
    """
    require_columns(abm_accounts, ["account_id", "potential_rub"], "abm_accounts")
    require_columns(opportunities, ["account_id", "outcome", "close_date", "amount_rub"], "opportunities")
    won = opportunities[opportunities["outcome"].eq("won") & (_dates(opportunities["close_date"]) <= pd.Timestamp(as_of))]
    bought = won.groupby("account_id")["amount_rub"].sum()
    pot = abm_accounts.set_index("account_id")["potential_rub"]
    return (pot - bought.reindex(pot.index).fillna(0)).clip(lower=0).rename("whitespace_rub")


# ---------------------------------------------------------------------------
# Оценка эффекта программы
# ---------------------------------------------------------------------------


def pipeline_per_account(opportunities: pd.DataFrame, account_ids, start, end) -> pd.Series:
    """Пайплайн аккаунта за период, ₽: сумма ``amount_rub`` сделок, созданных в [start; end].

    Аккаунты из ``account_ids`` без сделок в периоде получают 0 — иначе среднее на аккаунт
    считалось бы только по аккаунтам со сделками.
    """
    require_columns(opportunities, ["account_id", "created_date", "amount_rub"], "opportunities")
    created = _dates(opportunities["created_date"])
    o = opportunities[created.between(pd.Timestamp(start), pd.Timestamp(end))]
    ids = pd.Index(pd.unique(pd.Series(list(account_ids))), name="account_id")
    return o.groupby("account_id")["amount_rub"].sum().reindex(ids).fillna(0.0).rename("pipeline_rub")


def _treated(frame: pd.DataFrame, treated: str) -> pd.Series:
    t = frame[treated]
    if not pd.api.types.is_bool_dtype(t):
        raise MetricError(f"Столбец «{treated}» должен быть логическим (True — в программе).")
    if t.all() or not t.any():
        raise MetricError("Нужны и аккаунты программы, и аккаунты вне её.")
    return t


def naive_uplift(frame: pd.DataFrame, outcome: str, treated: str = "in_programme") -> float:
    """Наивная разница: среднее ``outcome`` в программе минус среднее вне программы."""
    require_columns(frame, [outcome, treated], "frame")
    t = _treated(frame, treated)
    return float(frame.loc[t, outcome].mean() - frame.loc[~t, outcome].mean())


def stratified_effect(frame: pd.DataFrame, outcome: str, strata: Sequence[str],
                      treated: str = "in_programme") -> pd.Series:
    """Эффект на аккаунтах программы (ATT) сравнением внутри страт.

    В каждой страте (сочетании значений ``strata``) — разница средних ``outcome`` программы и
    остальных; разницы усредняются с весами по числу аккаунтов программы в страте. Страты без
    контрольных аккаунтов отбрасываются (для них сравнивать не с кем). Возвращает ``effect``,
    ``treated_used`` (аккаунтов программы в сравнении), ``treated_dropped``, ``strata_used``.
    """
    require_columns(frame, [outcome, treated, *strata], "frame")
    _treated(frame, treated)
    g = frame.groupby(list(strata), observed=True)
    stats = pd.DataFrame({
        "n_t": g[treated].sum(),
        "n_c": g[treated].size() - g[treated].sum(),
        "mean_t": frame[frame[treated]].groupby(list(strata), observed=True)[outcome].mean(),
        "mean_c": frame[~frame[treated]].groupby(list(strata), observed=True)[outcome].mean(),
    })
    used = stats[(stats["n_t"] > 0) & (stats["n_c"] > 0)]
    if used.empty:
        raise MetricError("Ни в одной страте нет одновременно аккаунтов программы и контрольных.")
    effect = float(((used["mean_t"] - used["mean_c"]) * used["n_t"]).sum() / used["n_t"].sum())
    return pd.Series({"effect": effect, "treated_used": int(used["n_t"].sum()),
                      "treated_dropped": int(stats["n_t"].sum() - used["n_t"].sum()),
                      "strata_used": len(used)})


def did_2x2(treated_before: float, treated_after: float, control_before: float, control_after: float) -> float:
    """Разность разностей: (после − до) в программе минус (после − до) в контроле."""
    tb, ta, cb, ca = (float(numbers(v, n)) for v, n in ((treated_before, "treated_before"),
                                                       (treated_after, "treated_after"),
                                                       (control_before, "control_before"),
                                                       (control_after, "control_after")))
    return (ta - tb) - (ca - cb)


def did_effect(frame: pd.DataFrame, before: str, after: str, treated: str = "in_programme") -> float:
    """Разность разностей по таблице аккаунтов: средние ``before``/``after`` в программе и вне её."""
    require_columns(frame, [before, after, treated], "frame")
    t = _treated(frame, treated)
    return did_2x2(frame.loc[t, before].mean(), frame.loc[t, after].mean(),
                   frame.loc[~t, before].mean(), frame.loc[~t, after].mean())


def bootstrap_ci(frame: pd.DataFrame, estimator: Callable[[pd.DataFrame], float], n: int = 1000,
                 level: float = 0.95, seed: int = 0, treated: str = "in_programme") -> tuple[float, float]:
    """Перцентильный бутстреп-интервал оценки эффекта.

    Аккаунты программы и контроля пересэмплируются отдельно (с возвращением), чтобы в каждой
    выборке были обе группы; ``estimator`` получает таблицу и возвращает число.
    """
    require_columns(frame, [treated], "frame")
    t = _treated(frame, treated)
    share(level, "level", lower_open=True, upper_open=True)
    rng = np.random.default_rng(seed)
    ti, ci = np.flatnonzero(t.to_numpy()), np.flatnonzero(~t.to_numpy())
    values = []
    for _ in range(int(n)):
        idx = np.concatenate([rng.choice(ti, len(ti)), rng.choice(ci, len(ci))])
        values.append(estimator(frame.iloc[idx]))
    lo, hi = np.nanpercentile(values, [(1 - level) / 2 * 100, (1 + level) / 2 * 100])
    return float(lo), float(hi)


def effect_gross_profit(pipeline_effect_per_account: float, accounts: int, win_rate: float,
                        gross_margin: float) -> float:
    """Валовая прибыль первого года от эффекта программы, ₽.

    = эффект на пайплайн одного аккаунта × число аккаунтов × win rate × валовая маржа.
    """
    e = float(numbers(pipeline_effect_per_account, "эффект на аккаунт"))
    n = float(numbers(accounts, "число аккаунтов"))
    return e * n * float(share(win_rate, "win rate")) * float(share(gross_margin, "валовая маржа"))


def programme_decision(gross_profit_low: float, gross_profit_high: float, cost: float) -> str:
    """Решение по программе по интервалу валовой прибыли её эффекта и затратам, ₽.

    ``continue`` — даже нижняя граница окупает затраты; ``stop`` — даже верхняя не окупает;
    иначе ``holdout_test`` — данных не хватает: нужен тест с контрольной группой.
    """
    lo, hi, c = (float(numbers(v, n)) for v, n in ((gross_profit_low, "нижняя граница"),
                                                   (gross_profit_high, "верхняя граница"), (cost, "затраты")))
    if lo > hi:
        raise MetricError("Нижняя граница интервала больше верхней.")
    if lo >= c:
        return "continue"
    if hi < c:
        return "stop"
    return "holdout_test"
