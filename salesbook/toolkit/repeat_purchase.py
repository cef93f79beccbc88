"""Повторные покупки без договора: RFM-сводка и модель BG/NBD.

Функции раздела 9.3 (часть 2) книги. Модель — BG/NBD из статьи Fader, Hardie & Lee (2005)
«"Counting Your Customers" the Easy Way: An Alternative to the Pareto/NBD Model»
(Marketing Science 24(2): 275–284). Пока клиент «жив», он покупает по закону Пуассона
с интенсивностью λ (покупок в неделю); после каждой повторной покупки он с вероятностью p
«умирает» — больше не покупает никогда, и этого момента мы не видим. λ у клиентов разная —
гамма-распределение (r, α); p тоже разная — бета-распределение (a, b).

Договорённости (как в статье):

* время — в неделях; ``T`` — сколько недель прошло от ПЕРВОЙ покупки клиента до
  конца периода калибровки (cut-off);
* ``frequency`` (x) — число ПОВТОРНЫХ покупок до cut-off: первая покупка не считается,
  покупки одного дня склеиваются в одну;
* ``recency`` (t_x) — на какой неделе от первой покупки случилась последняя повторная
  (0, если повторных не было); это не «сколько недель назад», а «когда после первой».

Почему не пакет ``lifetimes``: он больше не развивается (последний выпуск — 0.11.3; автор просил
сообщество о преемниках, а PyMC-Marketing убирает его из своих зависимостей как сломанный), и его нет
в закреплённых зависимостях курса (requirements.txt) — добавлять его не будем.
Модель — четыре параметра и формулы из статьи: их проще и надёжнее написать на scipy
и проверить на опубликованных числах статьи (tests/test_repeat_purchase.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, digamma, gammaln, hyp2f1
from scipy.stats import chi2

from salesbook.toolkit.validation import MetricError, numbers, positive, require_columns

__all__ = ["BGNBDFit", "fit_bgnbd", "rfm_summary", "simulate_bgnbd", "holdout_check", "WEEK_DAYS"]

WEEK_DAYS = 7.0
# Поиск идёт по логарифмам параметров: все четыре положительны, а границы не дают оптимизатору
# уйти в переполнение. e^±12 покрывает и недели, и дни, и месяцы как единицу времени.
_LOG_BOUNDS = (-12.0, 12.0)


# ---------------------------------------------------------------------------
# Проверка входа
# ---------------------------------------------------------------------------


def _history(frequency, recency, T):
    """Три массива одной длины, проверенные по смыслу; сообщение — по-русски."""
    x = numbers(frequency, "frequency (число повторных покупок)")
    tx = numbers(recency, "recency (неделя последней повторной покупки)")
    t = numbers(T, "T (недель от первой покупки до конца калибровки)")
    x, tx, t = (np.atleast_1d(v).astype(float) for v in (x, tx, t))
    if not (len(x) == len(tx) == len(t)):
        raise MetricError(f"frequency, recency и T должны быть одной длины: сейчас {len(x)}, {len(tx)} и {len(t)}.")
    if len(x) == 0:
        raise MetricError("Нет ни одного клиента: frequency, recency и T пусты.")
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise MetricError("frequency — целое число повторных покупок, не меньше 0 (первая покупка не считается).")
    if np.any(t <= 0):
        raise MetricError("T — сколько недель прошло от первой покупки до конца калибровки: нужно больше 0.")
    if np.any(tx < 0) or np.any(tx > t * (1 + 1e-9)):
        raise MetricError("recency должна быть от 0 до T: это неделя последней покупки, отсчитанная от первой, "
                          "а не «сколько недель назад».")
    if np.any((x == 0) & (tx > 0)):
        raise MetricError("У клиента без повторных покупок (frequency = 0) recency должна быть 0: "
                          "первая покупка в recency не считается.")
    return x, np.minimum(tx, t), t


def _params(r, alpha, a, b):
    return tuple(positive(v, n) for v, n in ((r, "r"), (alpha, "α"), (a, "a"), (b, "b")))


# ---------------------------------------------------------------------------
# Формулы статьи
# ---------------------------------------------------------------------------


def _loglik(r, alpha, a, b, x, tx, T):
    """Логарифм правдоподобия каждого клиента, уравнение (6) статьи, целиком в логарифмах.

    L = A1 · A2 · (A3 + δ(x > 0) · A4), где
    ln A1 = ln Γ(r + x) − ln Γ(r) + r ln α;  ln A2 = ln B(a, b + x) − ln B(a, b);
    ln A3 = −(r + x) ln(α + T);  ln A4 = ln a − ln(b + x − 1) − (r + x) ln(α + t_x).
    """
    ln_a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    ln_a2 = betaln(a, b + x) - betaln(a, b)
    ln_a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    # для x = 0 слагаемого A4 нет; b + x − 1 > 0 только при x ≥ 1 (или b > 1), поэтому считаем только там
    ln_a4 = np.full_like(x, -np.inf)
    ln_a4[repeat] = (np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + tx[repeat]))
    return ln_a1 + ln_a2 + np.logaddexp(ln_a3, ln_a4)


def _gradient(r, alpha, a, b, x, tx, T, w):
    """Градиент взвешенной суммы :func:`_loglik` по (ln r, ln α, ln a, ln b) — аналитически, без конечных разностей."""
    ln_a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    ln_a4 = np.full_like(x, -np.inf)
    ln_a4[repeat] = (np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + tx[repeat]))
    total = np.logaddexp(ln_a3, ln_a4)
    w3, w4 = np.exp(ln_a3 - total), np.exp(ln_a4 - total)   # доли «жив» и «ушёл после последней покупки»
    inv_b = np.zeros_like(x)
    inv_b[repeat] = 1.0 / (b + x[repeat] - 1)
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * np.log(alpha + T) - w4 * np.log(alpha + tx)
    d_alpha = r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + tx))
    d_a = digamma(a + b) - digamma(a + b + x) + w4 / a
    d_b = digamma(b + x) - digamma(a + b + x) - digamma(b) + digamma(a + b) - w4 * inv_b
    return np.array([r * np.dot(w, d_r), alpha * np.dot(w, d_alpha), a * np.dot(w, d_a), b * np.dot(w, d_b)])


def _odds_dead(r, alpha, a, b, x, tx, T):
    """δ(x > 0) · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x) — «шансы, что клиент уже ушёл»."""
    out = np.zeros(np.broadcast(x, tx, T).shape)
    x, tx, T = np.broadcast_arrays(x, tx, T)
    m = x > 0
    out[m] = np.exp(np.log(a) - np.log(b + x[m] - 1) + (r + x[m]) * (np.log(alpha + T[m]) - np.log(alpha + tx[m])))
    return out


def _near_one(a: float) -> list[float]:
    """Формулы ожиданий делят на (a − 1); при a ≈ 1 берём среднее в двух соседних точках (предел гладкий)."""
    return [a] if abs(a - 1) > 1e-7 else [1 - 1e-5, 1 + 1e-5]


@dataclass(frozen=True)
class BGNBDFit:
    """Оценённая модель BG/NBD: параметры, правдоподобие и прогнозы на клиента.

    ``r``, ``alpha`` — гамма-распределение интенсивности покупок λ (среднее r / α покупок
    в единицу времени, обычно в неделю); ``a``, ``b`` — бета-распределение вероятности p
    уйти после покупки (среднее a / (a + b)). ``log_likelihood`` — логарифм правдоподобия
    на всей выборке из ``n`` клиентов; ``at_bound`` — оценка упёрлась в границу поиска: данные
    не различают параметр. Чаще всего это a и b, ушедшие к границе при постоянном a / (a + b):
    вероятность уйти у всех клиентов почти одна. Тогда устойчивы только средние (``mean_dropout``),
    а прогноз обязательно проверяют на отложенном периоде.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n: int
    at_bound: bool = False

    @property
    def mean_rate(self) -> float:
        """Средняя интенсивность покупок живого клиента, r / α (покупок в единицу времени)."""
        return self.r / self.alpha

    @property
    def mean_dropout(self) -> float:
        """Средняя вероятность уйти после очередной покупки, a / (a + b)."""
        return self.a / (self.a + self.b)

    def p_alive(self, frequency, recency, T):
        """P(клиент «жив» | x, t_x, T), уравнение (12) статьи.

        1 / (1 + δ(x > 0) · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x)).
        У клиента без повторных покупок она равна 1: по предположению модели уходят только
        после покупки. Это известная слабость BG/NBD — о ней в разделе 9.3, часть 2.
        """
        x, tx, t = _history(frequency, recency, T)
        out = 1.0 / (1.0 + _odds_dead(self.r, self.alpha, self.a, self.b, x, tx, t))
        return float(out[0]) if np.ndim(frequency) == 0 else out

    def expected_purchases(self, t):
        """E[X(t)] — сколько повторных покупок сделает за ``t`` недель НОВЫЙ клиент, уравнение (9).

        (a + b − 1) / (a − 1) · [1 − (α / (α + t))^r · ₂F₁(r, b; a + b − 1; t / (α + t))].
        ``t`` — число или массив (недель от первой покупки).
        """
        tt = numbers(t, "t (горизонт, недель)")
        if np.any(tt < 0):
            raise MetricError("t — горизонт прогноза в неделях: нужно число не меньше 0.")
        r, al, b = self.r, self.alpha, self.b
        vals = []
        for a in _near_one(self.a):
            z = tt / (al + tt)
            vals.append((a + b - 1) / (a - 1) * (1 - np.exp(r * (np.log(al) - np.log(al + tt))) * hyp2f1(r, b, a + b - 1, z)))
        out = np.mean(vals, axis=0)
        return float(out) if np.ndim(out) == 0 else out

    def conditional_expected_purchases(self, t, frequency, recency, T):
        """E[Y(t) | x, t_x, T] — сколько покупок клиент с такой историей сделает в следующие ``t`` недель.

        Уравнение (10) статьи: (a + b + x − 1) / (a − 1) ·
        [1 − ((α + T) / (α + T + t))^(r + x) · ₂F₁(r + x, b + x; a + b + x − 1; t / (α + T + t))]
        / (1 + δ(x > 0) · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x)).
        """
        x, tx, T_ = _history(frequency, recency, T)
        h = positive(t, "t (горизонт прогноза, недель)", allow_zero=True)
        r, al, b = self.r, self.alpha, self.b
        vals = []
        for a in _near_one(self.a):
            ratio = np.exp((r + x) * (np.log(al + T_) - np.log(al + T_ + h)))
            bracket = 1 - ratio * hyp2f1(r + x, b + x, a + b + x - 1, h / (al + T_ + h))
            vals.append((a + b + x - 1) / (a - 1) * bracket / (1 + _odds_dead(r, al, a, b, x, tx, T_)))
        out = np.mean(vals, axis=0)
        return float(out[0]) if np.ndim(frequency) == 0 else out


def fit_bgnbd(frequency, recency, T, weights=None) -> BGNBDFit:
    """Оценка r, α, a, b методом максимального правдоподобия (scipy, L-BFGS-B по логарифмам).

    ``frequency`` — число повторных покупок каждого клиента до cut-off (первая не считается),
    ``recency`` — неделя последней повторной покупки от первой (0, если повторных нет),
    ``T`` — недель от первой покупки до cut-off. Клиенты могут прийти в разное время:
    у каждого свой ``T``. ``weights`` — сколько клиентов с такой историей (по умолчанию по одному).
    Период и база — те, по которым построена сводка (:func:`rfm_summary`).
    """
    x, tx, t = _history(frequency, recency, T)
    w = np.ones_like(x) if weights is None else np.atleast_1d(numbers(weights, "weights")).astype(float)
    if w.shape != x.shape or np.any(w < 0) or w.sum() <= 0:
        raise MetricError("weights — неотрицательные числа клиентов, по одному на каждую строку.")
    if not np.any(x > 0):
        raise MetricError("Ни у одного клиента нет повторных покупок: интенсивность и уход по таким данным не оценить.")
    n = float(w.sum())

    def objective(theta):
        r, al, a, b = np.exp(theta)
        ll = _loglik(r, al, a, b, x, tx, t)
        return -float(np.dot(w, ll)) / n

    def gradient(theta):
        r, al, a, b = np.exp(theta)
        return -_gradient(r, al, a, b, x, tx, t, w) / n

    best = None
    # несколько стартов: правдоподобие BG/NBD бывает плоским по a и b, один старт может застрять
    for start in ((0.0, 0.0, 0.0, 0.0), (0.0, np.log(max(np.mean(t), 1.0)), 0.0, 1.0), (-1.0, 1.0, -0.5, 0.5)):
        res = minimize(objective, np.array(start), jac=gradient, method="L-BFGS-B", bounds=[_LOG_BOUNDS] * 4,
                       options={"ftol": 1e-14, "gtol": 1e-9, "maxiter": 5000})
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise MetricError("Правдоподобие не удалось посчитать: проверьте, что T и recency в неделях и положительны.")
    r, al, a, b = (float(v) for v in np.exp(best.x))
    at_bound = bool(np.any(np.abs(np.abs(best.x) - _LOG_BOUNDS[1]) < 1e-3))
    return BGNBDFit(r=r, alpha=al, a=a, b=b, log_likelihood=-float(best.fun) * n, n=int(round(n)), at_bound=at_bound)


# ---------------------------------------------------------------------------
# Данные: сводка из покупок и симуляция
# ---------------------------------------------------------------------------


def rfm_summary(purchases: pd.DataFrame, cutoff, holdout_end=None, customer_col: str = "user_id",
                date_col: str = "date") -> pd.DataFrame:
    """Сводка (frequency, recency, T) в неделях на дату ``cutoff`` — вход для :func:`fit_bgnbd`.

    Калибровка — покупки строго до ``cutoff``; в сводку входят клиенты, чья первая покупка
    была до ``cutoff``. Покупки одного дня склеиваются в одну. ``frequency`` — число дней
    с покупкой минус первый; ``recency`` — недель от первой покупки до последней;
    ``T`` — недель от первой покупки до ``cutoff``. Если задан ``holdout_end``, добавляются
    ``holdout_purchases`` — покупки (дни с покупкой) тех же клиентов с ``cutoff`` до ``holdout_end``
    (не включая его), и ``holdout_weeks`` — длина этого окна в неделях.
    Возвращает таблицу с индексом ``customer_col``.
    """
    require_columns(purchases, [customer_col, date_col], "purchases", non_empty=True)
    try:
        cut = pd.Timestamp(cutoff)
        end = None if holdout_end is None else pd.Timestamp(holdout_end)
        dates = pd.to_datetime(purchases[date_col]).dt.normalize()
    except (TypeError, ValueError):
        raise MetricError("cutoff, holdout_end и даты покупок должны быть датами, например «2025-01-01».") from None
    if pd.isna(cut) or dates.isna().any():
        raise MetricError("В датах покупок или в cutoff есть пропуски.")
    if end is not None and end <= cut:
        raise MetricError("holdout_end должен быть позже cutoff: окно проверки идёт после калибровки.")
    days = pd.DataFrame({"c": purchases[customer_col].to_numpy(), "d": dates.to_numpy()}).drop_duplicates()
    cal = days[days["d"] < cut]
    if cal.empty:
        raise MetricError("До cutoff нет ни одной покупки: сдвиньте дату калибровки позже.")
    g = cal.groupby("c")["d"]
    first, last, count = g.min(), g.max(), g.size()
    out = pd.DataFrame({
        "frequency": (count - 1).astype(int),
        "recency": (last - first).dt.days / WEEK_DAYS,
        "T": (cut - first).dt.days / WEEK_DAYS,
    })
    out.index.name = customer_col
    if end is not None:
        hold = days[(days["d"] >= cut) & (days["d"] < end) & days["c"].isin(out.index)]
        out["holdout_purchases"] = hold.groupby("c").size().reindex(out.index, fill_value=0).astype(int)
        out["holdout_weeks"] = (end - cut).days / WEEK_DAYS
    return out


def simulate_bgnbd(n: int, r: float, alpha: float, a: float, b: float, T, holdout: float = 0.0,
                   seed: int | None = None) -> pd.DataFrame:
    """Сводка (frequency, recency, T) для ``n`` клиентов, которые покупают ровно по BG/NBD.

    Каждому клиенту: λ ~ Gamma(r, α) (α — скорость), p ~ Beta(a, b); число повторных покупок
    до ухода J ~ Geometric(p) на {1, 2, …}; за ``T`` недель при интенсивности λ случается
    N ~ Poisson(λT) покупок, наблюдаем x = min(J, N), а момент x-й из N равномерных
    покупок — это T · Beta(x, N − x + 1). ``holdout`` > 0 добавляет ``holdout_purchases`` —
    покупки за следующие ``holdout`` недель (у живого клиента min(J − N, Poisson(λ · holdout))).
    ``T`` — число или массив длины ``n``. Нужна для проверки, что оценка возвращает параметры.
    """
    n = int(positive(n, "n"))
    r, alpha, a, b = _params(r, alpha, a, b)
    T_ = np.broadcast_to(numbers(T, "T"), (n,)).astype(float)
    if np.any(T_ <= 0):
        raise MetricError("T — недель наблюдения: нужно больше 0.")
    h = positive(holdout, "holdout", allow_zero=True)
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = np.clip(rng.beta(a, b, n), 1e-12, 1.0)
    J = rng.geometric(p)
    N = rng.poisson(lam * T_)
    x = np.minimum(J, N)
    tx = np.zeros(n)
    m = x > 0
    tx[m] = T_[m] * rng.beta(x[m], N[m] - x[m] + 1)
    out = pd.DataFrame({"frequency": x.astype(int), "recency": tx, "T": T_})
    if h > 0:
        alive = J > N
        future = np.where(alive, np.minimum(J - N, rng.poisson(lam * h)), 0)
        out["holdout_purchases"] = future.astype(int)
        out["holdout_weeks"] = h
    return out


def holdout_check(summary: pd.DataFrame, fit: BGNBDFit, groups=None, max_frequency: int = 3) -> pd.DataFrame:
    """Проверка на отложенном периоде: факт и прогноз модели по группам клиентов.

    ``summary`` — сводка :func:`rfm_summary` с ``holdout_purchases`` и ``holdout_weeks``.
    ``groups`` — Series с группой каждого клиента (тот же индекс); по умолчанию — число
    повторных покупок в калибровке 0, 1, …, ``max_frequency``+, как на рисунке 3 статьи.
    В группе: ``customers``; ``actual`` — среднее фактических покупок на клиента в отложенном
    периоде с 95-процентным интервалом ``low``–``high`` (точный пуассоновский интервал для суммы
    покупок группы, поделённый на число клиентов: покупки разных клиентов считаем независимыми);
    ``predicted`` — среднее прогноза E[Y(t) | x, t_x, T]; ``ratio`` — факт / прогноз.
    """
    require_columns(summary, ["frequency", "recency", "T", "holdout_purchases", "holdout_weeks"], "summary", non_empty=True)
    if not isinstance(fit, BGNBDFit):
        raise MetricError("fit: нужна модель из fit_bgnbd(...).")
    h = float(summary["holdout_weeks"].iloc[0])
    pred = fit.conditional_expected_purchases(h, summary["frequency"], summary["recency"], summary["T"])
    if groups is None:
        k = int(positive(max_frequency, "max_frequency", allow_zero=True))
        freq = summary["frequency"].clip(upper=k).astype(int)
        groups = freq.map(lambda g: f"{g}+" if g == k else str(g))
    elif not isinstance(groups, pd.Series) or not groups.index.equals(summary.index):
        raise MetricError("groups: нужна Series с группой каждого клиента и тем же индексом, что у summary.")
    frame = pd.DataFrame({"group": groups.to_numpy(), "actual": summary["holdout_purchases"].to_numpy(float),
                          "predicted": np.asarray(pred, dtype=float)})
    out = frame.groupby("group", observed=True).agg(customers=("actual", "size"), total=("actual", "sum"),
                                                   actual=("actual", "mean"), predicted=("predicted", "mean"))
    total = out["total"].to_numpy()
    out["low"] = np.where(total > 0, chi2.ppf(0.025, 2 * total) / 2, 0.0) / out["customers"]
    out["high"] = chi2.ppf(0.975, 2 * total + 2) / 2 / out["customers"]
    out["ratio"] = out["actual"] / out["predicted"]
    out.index.name = "group"
    return out[["customers", "actual", "low", "high", "predicted", "ratio"]]
