"""Повторные покупки без договора: RFM-сводка и модель BG/NBD.

Функции раздела 9.3 (часть 2) книги. Модель — BG/NBD из статьи Fader, Hardie & Lee (2005)
«"Counting Your Customers" the Easy Way: An Alternative to the Pareto/NBD Model»
(Marketing Science 24(2): 275–284). Пока клиент «жив», он покупает по закону Пуассона
с интенсивностью λ (покупок в неделю); после каждой повторной покупки он с вероятностью p
«умирает» — больше не покупает никогда, и этого момента мы не видим. λ у клиентов разная —
гамма-распределение (r, α); p тоже разная — бета-распределение (a, b).

MBG/NBD (Batislam, Denizel & Filiztekin 2007, International Journal of Research in Marketing
24(3): 201–209) отличается одним: уйти можно и сразу после ПЕРВОЙ покупки, так что клиент без
повторных покупок уже не «жив» с вероятностью 1. P(жив) для BG/NBD — записка Fader, Hardie & Lee
(2008) «Computing P(alive) Using the BG/NBD Model»: в статье 2005 года этой формулы нет.

Договорённости (как в статье):

* время — в неделях; ``T`` — сколько недель прошло от ПЕРВОЙ покупки клиента до
  конца периода калибровки (даты среза, cut-off);
* ``frequency`` (x) — число ПОВТОРНЫХ покупок до даты среза: первая покупка не считается,
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

__all__ = ["BGNBDFit", "fit_bgnbd", "fit_mbgnbd", "bootstrap_fit", "rfm_summary", "simulate_bgnbd", "holdout_check",
           "predictive_draws", "ranking_auc", "WEEK_DAYS"]

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


# Обе модели записываются одними формулами со сдвигом s: s = 0 — BG/NBD (уход только после повторной
# покупки), s = 1 — MBG/NBD (уход возможен и сразу после первой). В MBG/NBD B(a, b + x) → B(a, b + x + 1),
# a / (b + x − 1) → a / (b + x), а слагаемое «ушёл после последней покупки» есть и при x = 0.


def _can_die(x, s):
    return (x > 0) | (s == 1)


def _ln_dead_term(r, alpha, a, b, x, tx, s):
    """ln A4 = ln a − ln(b + x − 1 + s) − (r + x) ln(α + t_x); −∞ там, где уйти было нельзя (BG/NBD, x = 0)."""
    out = np.full_like(x, -np.inf)
    m = _can_die(x, s)
    out[m] = np.log(a) - np.log(b + x[m] - 1 + s) - (r + x[m]) * np.log(alpha + tx[m])
    return out


def _loglik(r, alpha, a, b, x, tx, T, s=0):
    """Логарифм правдоподобия каждого клиента, уравнение (6) статьи (s = 0) или MBG/NBD (s = 1), в логарифмах.

    L = A1 · A2 · (A3 + δ · A4), где
    ln A1 = ln Γ(r + x) − ln Γ(r) + r ln α;  ln A2 = ln B(a, b + x + s) − ln B(a, b);
    ln A3 = −(r + x) ln(α + T);  ln A4 = ln a − ln(b + x − 1 + s) − (r + x) ln(α + t_x);
    δ = 1 при x > 0 (в MBG/NBD — всегда).
    """
    ln_a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    ln_a2 = betaln(a, b + x + s) - betaln(a, b)
    ln_a3 = -(r + x) * np.log(alpha + T)
    return ln_a1 + ln_a2 + np.logaddexp(ln_a3, _ln_dead_term(r, alpha, a, b, x, tx, s))


def _gradient(r, alpha, a, b, x, tx, T, w, s=0):
    """Градиент взвешенной суммы :func:`_loglik` по (ln r, ln α, ln a, ln b) — аналитически, без конечных разностей."""
    ln_a3 = -(r + x) * np.log(alpha + T)
    ln_a4 = _ln_dead_term(r, alpha, a, b, x, tx, s)
    total = np.logaddexp(ln_a3, ln_a4)
    w3, w4 = np.exp(ln_a3 - total), np.exp(ln_a4 - total)   # доли «жив» и «ушёл после последней покупки»
    m = _can_die(x, s)
    inv_b = np.zeros_like(x)
    inv_b[m] = 1.0 / (b + x[m] - 1 + s)
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * np.log(alpha + T) - w4 * np.log(alpha + tx)
    d_alpha = r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + tx))
    d_a = digamma(a + b) - digamma(a + b + x + s) + w4 / a
    d_b = digamma(b + x + s) - digamma(a + b + x + s) - digamma(b) + digamma(a + b) - w4 * inv_b
    return np.array([r * np.dot(w, d_r), alpha * np.dot(w, d_alpha), a * np.dot(w, d_a), b * np.dot(w, d_b)])


def _odds_dead(r, alpha, a, b, x, tx, T, s=0):
    """δ · a / (b + x − 1 + s) · ((α + T) / (α + t_x))^(r + x) — «шансы, что клиент уже ушёл»."""
    out = np.zeros(np.broadcast(x, tx, T).shape)
    x, tx, T = np.broadcast_arrays(x, tx, T)
    m = _can_die(x, s)
    out[m] = np.exp(np.log(a) - np.log(b + x[m] - 1 + s) + (r + x[m]) * (np.log(alpha + T[m]) - np.log(alpha + tx[m])))
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
    а прогноз обязательно проверяют на отложенном периоде. ``modified`` — это MBG/NBD
    (:func:`fit_mbgnbd`): уйти можно и сразу после первой покупки.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n: int
    at_bound: bool = False
    modified: bool = False

    @property
    def name(self) -> str:
        return "MBG/NBD" if self.modified else "BG/NBD"

    @property
    def _s(self) -> int:
        return 1 if self.modified else 0

    @property
    def mean_rate(self) -> float:
        """Средняя интенсивность покупок живого клиента, r / α (покупок в единицу времени)."""
        return self.r / self.alpha

    @property
    def mean_dropout(self) -> float:
        """Средняя вероятность уйти после очередной покупки, a / (a + b)."""
        return self.a / (self.a + self.b)

    def p_alive(self, frequency, recency, T):
        """P(клиент «жив» | x, t_x, T) — записка Fader, Hardie & Lee (2008) «Computing P(alive) Using the BG/NBD Model».

        1 / (1 + δ(x > 0) · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x)).
        У клиента без повторных покупок она равна 1: по предположению BG/NBD уходят только
        после покупки. Это известная слабость модели — о ней в разделе 9.3, часть 2. В MBG/NBD
        (``modified``) — 1 / (1 + a / (b + x) · ((α + T) / (α + t_x))^(r + x)) при любом x.
        """
        x, tx, t = _history(frequency, recency, T)
        out = 1.0 / (1.0 + _odds_dead(self.r, self.alpha, self.a, self.b, x, tx, t, self._s))
        return float(out[0]) if np.ndim(frequency) == 0 else out

    def expected_purchases(self, t):
        """E[X(t)] — сколько повторных покупок сделает за ``t`` недель НОВЫЙ клиент, уравнение (9).

        (a + b − 1) / (a − 1) · [1 − (α / (α + t))^r · ₂F₁(r, b; a + b − 1; t / (α + t))];
        в MBG/NBD — b / (a − 1) · [1 − (α / (α + t))^r · ₂F₁(r, b + 1; a + b; t / (α + t))].
        ``t`` — число или массив (недель от первой покупки).
        """
        tt = numbers(t, "t (горизонт, недель)")
        if np.any(tt < 0):
            raise MetricError("t — горизонт прогноза в неделях: нужно число не меньше 0.")
        r, al, b, s = self.r, self.alpha, self.b, self._s
        vals = []
        for a in _near_one(self.a):
            z = tt / (al + tt)
            lead = b / (a - 1) if s else (a + b - 1) / (a - 1)
            vals.append(lead * (1 - np.exp(r * (np.log(al) - np.log(al + tt))) * hyp2f1(r, b + s, a + b - 1 + s, z)))
        out = np.mean(vals, axis=0)
        return float(out) if np.ndim(out) == 0 else out

    def conditional_expected_purchases(self, t, frequency, recency, T):
        """E[Y(t) | x, t_x, T] — сколько покупок клиент с такой историей сделает в следующие ``t`` недель.

        Уравнение (10) статьи: (a + b + x − 1) / (a − 1) ·
        [1 − ((α + T) / (α + T + t))^(r + x) · ₂F₁(r + x, b + x; a + b + x − 1; t / (α + T + t))]
        / (1 + δ(x > 0) · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x)).
        В MBG/NBD везде b + x − 1 → b + x (и a + b + x − 1 → a + b + x), а δ = 1 при любом x.
        """
        x, tx, T_ = _history(frequency, recency, T)
        h = positive(t, "t (горизонт прогноза, недель)", allow_zero=True)
        r, al, b, s = self.r, self.alpha, self.b, self._s
        vals = []
        for a in _near_one(self.a):
            ratio = np.exp((r + x) * (np.log(al + T_) - np.log(al + T_ + h)))
            bracket = 1 - ratio * hyp2f1(r + x, b + x + s, a + b + x - 1 + s, h / (al + T_ + h))
            vals.append((a + b + x - 1 + s) / (a - 1) * bracket / (1 + _odds_dead(r, al, a, b, x, tx, T_, s)))
        out = np.mean(vals, axis=0)
        return float(out[0]) if np.ndim(frequency) == 0 else out


def fit_bgnbd(frequency, recency, T, weights=None) -> BGNBDFit:
    """Оценка r, α, a, b BG/NBD методом максимального правдоподобия (scipy, L-BFGS-B по логарифмам).

    ``frequency`` — число повторных покупок каждого клиента до даты среза (первая не считается),
    ``recency`` — неделя последней повторной покупки от первой (0, если повторных нет),
    ``T`` — недель от первой покупки до даты среза. Клиенты могут прийти в разное время:
    у каждого свой ``T``. ``weights`` — сколько клиентов с такой историей (по умолчанию по одному).
    Период и база — те, по которым построена сводка (:func:`rfm_summary`).
    """
    return _fit(frequency, recency, T, weights, s=0)


def fit_mbgnbd(frequency, recency, T, weights=None) -> BGNBDFit:
    """Оценка MBG/NBD (Batislam et al. 2007): как :func:`fit_bgnbd`, но уйти можно и сразу после первой покупки.

    Те же четыре параметра и тот же вход. Разница видна у клиентов без повторных покупок:
    BG/NBD считает их «живыми» навсегда, MBG/NBD — нет, и прогноз для давних разовых
    покупателей у неё ниже. Результат — :class:`BGNBDFit` с ``modified=True``.
    """
    return _fit(frequency, recency, T, weights, s=1)


def _fit(frequency, recency, T, weights, s, starts=None, tol=1e-14):
    x, tx, t = _history(frequency, recency, T)
    w = np.ones_like(x) if weights is None else np.atleast_1d(numbers(weights, "weights")).astype(float)
    if w.shape != x.shape or np.any(w < 0) or w.sum() <= 0:
        raise MetricError("weights — неотрицательные числа клиентов, по одному на каждую строку.")
    if not np.any(x > 0):
        raise MetricError("Ни у одного клиента нет повторных покупок: интенсивность и уход по таким данным не оценить.")
    n = float(w.sum())

    def objective(theta):
        r, al, a, b = np.exp(theta)
        ll = _loglik(r, al, a, b, x, tx, t, s)
        return -float(np.dot(w, ll)) / n

    def gradient(theta):
        r, al, a, b = np.exp(theta)
        return -_gradient(r, al, a, b, x, tx, t, w, s) / n

    best = None
    # несколько стартов: правдоподобие BG/NBD бывает плоским по a и b, один старт может застрять
    starts = starts or ((0.0, 0.0, 0.0, 0.0), (0.0, np.log(max(np.mean(t), 1.0)), 0.0, 1.0), (-1.0, 1.0, -0.5, 0.5))
    for start in starts:
        res = minimize(objective, np.array(start), jac=gradient, method="L-BFGS-B", bounds=[_LOG_BOUNDS] * 4,
                       options={"ftol": tol, "gtol": 1e-9, "maxiter": 5000})
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise MetricError("Правдоподобие не удалось посчитать: проверьте, что T и recency в неделях и положительны.")
    r, al, a, b = (float(v) for v in np.exp(best.x))
    at_bound = bool(np.any(np.abs(np.abs(best.x) - _LOG_BOUNDS[1]) < 1e-3))
    return BGNBDFit(r=r, alpha=al, a=a, b=b, log_likelihood=-float(best.fun) * n, n=int(round(n)), at_bound=at_bound,
                    modified=bool(s))


def bootstrap_fit(summary: pd.DataFrame, n_boot: int = 200, seed: int = 2025, modified: bool = False,
                  level: float = 0.95) -> pd.DataFrame:
    """Бутстреп по клиентам: насколько устойчивы средние модели на такой маленькой базе.

    Клиенты сводки ``summary`` (столбцы ``frequency``, ``recency``, ``T``) выбираются с возвращением
    ``n_boot`` раз, модель (BG/NBD или MBG/NBD при ``modified``) оценивается заново. Возвращает
    таблицу с индексом ``mean_rate`` (средняя λ, покупок в неделю) и ``mean_dropout`` (средняя p)
    и столбцами ``estimate`` (оценка на всей базе), ``low``, ``high`` (процентильный интервал уровня
    ``level``). Сами a и b на маленькой базе часто уходят к границе поиска — их интервалы не показываем.
    """
    require_columns(summary, ["frequency", "recency", "T"], "summary", non_empty=True)
    n_boot = int(positive(n_boot, "n_boot"))
    s_ = 1 if modified else 0
    # одинаковые истории оцениваются один раз с весом: так каждая повторная оценка быстрая
    keys = summary[["frequency", "recency", "T"]].round(6)
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(keys))
    hist = uniques.to_frame(index=False).to_numpy(float)
    full = _fit(hist[:, 0], hist[:, 1], hist[:, 2], np.bincount(codes, minlength=len(hist)).astype(float), s_)
    # повторные оценки стартуют из оценки на всей базе и останавливаются раньше: средние так же точны, а счёт быстрее
    starts = (tuple(np.clip(np.log([full.r, full.alpha, full.a, full.b]), *_LOG_BOUNDS)),)
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n_boot):
        w = np.bincount(codes[rng.integers(0, len(codes), len(codes))], minlength=len(hist)).astype(float)
        if not np.any((hist[:, 0] > 0) & (w > 0)):
            continue
        f = _fit(hist[:, 0], hist[:, 1], hist[:, 2], w, s_, starts, tol=1e-9)
        rows.append((f.mean_rate, f.mean_dropout))
    draws = np.array(rows, dtype=float)
    q = [(1 - level) / 2, (1 + level) / 2]
    out = pd.DataFrame({"estimate": [full.mean_rate, full.mean_dropout],
                        "low": [np.quantile(draws[:, 0], q[0]), np.quantile(draws[:, 1], q[0])],
                        "high": [np.quantile(draws[:, 0], q[1]), np.quantile(draws[:, 1], q[1])]},
                       index=["mean_rate", "mean_dropout"])
    return out


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
                   seed: int | None = None, modified: bool = False) -> pd.DataFrame:
    """Сводка (frequency, recency, T) для ``n`` клиентов, которые покупают ровно по BG/NBD.

    Каждому клиенту: λ ~ Gamma(r, α) (α — скорость), p ~ Beta(a, b); число повторных покупок
    до ухода J ~ Geometric(p) на {1, 2, …} (при ``modified`` — на {0, 1, …}: MBG/NBD, уход
    возможен сразу после первой покупки); за ``T`` недель при интенсивности λ случается
    N ~ Poisson(λT) покупок, наблюдаем x = min(J, N), а момент x-й из N равномерных
    покупок — это T · Beta(x, N − x + 1). Столбец ``alive`` — жив ли клиент на конец ``T``
    (J > N): его знает только симуляция. ``holdout`` > 0 добавляет ``holdout_purchases`` —
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
    J = rng.geometric(p) - (1 if modified else 0)
    N = rng.poisson(lam * T_)
    x = np.minimum(J, N)
    tx = np.zeros(n)
    m = x > 0
    tx[m] = T_[m] * rng.beta(x[m], N[m] - x[m] + 1)
    alive = J > N
    out = pd.DataFrame({"frequency": x.astype(int), "recency": tx, "T": T_, "alive": alive})
    if h > 0:
        future = np.where(alive, np.minimum(J - N, rng.poisson(lam * h)), 0)
        out["holdout_purchases"] = future.astype(int)
        out["holdout_weeks"] = h
    return out


def _bootstrap_fits(summary: pd.DataFrame, fit: BGNBDFit, n_fit: int, rng) -> list[BGNBDFit]:
    """Повторные оценки модели на бутстреп-выборках клиентов (старт — из ``fit``, точность пониже — ради скорости)."""
    x, tx, T = _history(summary["frequency"], summary["recency"], summary["T"])
    start = (tuple(np.clip(np.log([fit.r, fit.alpha, fit.a, fit.b]), *_LOG_BOUNDS)),)
    fits = []
    while len(fits) < n_fit:
        w = np.bincount(rng.integers(0, len(x), len(x)), minlength=len(x)).astype(float)
        if np.any((x > 0) & (w > 0)):
            fits.append(_fit(x, tx, T, w, fit._s, start, tol=1e-9))
    return fits


def predictive_draws(summary: pd.DataFrame, fit: BGNBDFit, n_sim: int = 1000, seed: int = 2025,
                     n_refit: int = 100) -> np.ndarray:
    """Покупки каждого клиента в отложенном периоде, разыгранные по модели: массив ``n_sim`` × клиентов.

    Сначала — неопределённость параметров: модель оценивается заново на ``n_refit`` бутстреп-выборках
    клиентов (0 — взять параметры ``fit`` как точные). Затем для клиента с историей (x, t_x, T):
    жив ли он — с вероятностью P(жив); если жив, его λ и p берутся из апостериорных распределений
    Gamma(r + x, α + T) и Beta(a, b + x) (в MBG/NBD — Beta(a, b + x + 1)), и дальше он покупает
    и уходит по правилам модели.
    """
    require_columns(summary, ["frequency", "recency", "T", "holdout_weeks"], "summary", non_empty=True)
    x, tx, T = _history(summary["frequency"], summary["recency"], summary["T"])
    h = float(summary["holdout_weeks"].iloc[0])
    rng = np.random.default_rng(seed)
    n_sim = int(positive(n_sim, "n_sim"))
    fits = _bootstrap_fits(summary, fit, int(n_refit), rng) if n_refit else [fit]
    k = np.arange(n_sim) % len(fits)                       # какая оценка параметров у каждой симуляции
    col = lambda attr: np.array([getattr(f, attr) for f in fits])[k][:, None]  # noqa: E731
    r, al, a, b = col("r"), col("alpha"), col("a"), col("b")
    palive = np.stack([f.p_alive(x, tx, T) for f in fits])[k]
    shape = (n_sim, len(x))
    alive = rng.random(shape) < palive
    lam = rng.gamma(r + x, 1.0 / (al + T), shape)
    p = np.clip(rng.beta(a, b + x + fit._s, shape), 1e-12, 1.0)
    # после каждой покупки клиент уходит с вероятностью p: покупок не больше J ~ Geometric(p)
    return np.where(alive, np.minimum(rng.poisson(lam * h), rng.geometric(p)), 0)


def holdout_check(summary: pd.DataFrame, fit: BGNBDFit, groups=None, max_frequency: int = 3,
                  n_sim: int = 0, seed: int = 2025, n_refit: int = 50) -> pd.DataFrame:
    """Проверка на отложенном периоде: факт и прогноз модели по группам клиентов.

    ``summary`` — сводка :func:`rfm_summary` с ``holdout_purchases`` и ``holdout_weeks``.
    ``groups`` — Series с группой каждого клиента (тот же индекс); по умолчанию — число
    повторных покупок в калибровке 0, 1, …, ``max_frequency``+, как на рисунке 3 статьи.
    В группе: ``customers``; ``actual`` — среднее фактических покупок на клиента в отложенном
    периоде с 95-процентным интервалом ``low``–``high`` (точный интервал для пуассоновского числа
    покупок группы, поделённый на число клиентов: покупки разных клиентов считаем независимыми);
    ``predicted`` — среднее прогноза E[Y(t) | x, t_x, T]; ``ratio`` — факт / прогноз.

    Ограничение: интервал описывает только случайность факта. Неопределённость оценок модели
    и избыточный разброс покупок (смесь клиентов) в нём не учтены, поэтому он уже, чем нужен
    для строгой проверки; «прогноз внутри интервала» — необходимое, но не достаточное условие.
    Грубые промахи (прогноз в разы выше факта) он показывает надёжно. Строже — ``n_sim`` > 0:
    тогда добавляются ``pred_low``–``pred_high`` — 95-процентный диапазон среднего на клиента,
    если бы покупки шли ровно по модели, с учётом и разброса покупок, и неопределённости
    оценок (:func:`predictive_draws`, ``n_refit`` повторных оценок); факт вне диапазона — модель
    с данными не согласуется. Даже у верной модели при нескольких группах факт одной из них
    иногда выходит за край: тревожен промах в разы, а не на самой границе.
    """
    require_columns(summary, ["frequency", "recency", "T", "holdout_purchases", "holdout_weeks"], "summary", non_empty=True)
    if not isinstance(fit, BGNBDFit):
        raise MetricError("fit: нужна модель из fit_bgnbd(...) или fit_mbgnbd(...).")
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
    cols = ["customers", "actual", "low", "high", "predicted", "ratio"]
    if n_sim:
        draws = predictive_draws(summary, fit, n_sim, seed, n_refit)
        codes = pd.Categorical(frame["group"], categories=out.index).codes
        sums = np.stack([draws[:, codes == k].sum(axis=1) for k in range(len(out))], axis=1)
        out["pred_low"] = np.quantile(sums, 0.025, axis=0) / out["customers"].to_numpy()
        out["pred_high"] = np.quantile(sums, 0.975, axis=0) / out["customers"].to_numpy()
        cols += ["pred_low", "pred_high"]
    return out[cols]


def ranking_auc(outcome, scores: dict, n_boot: int = 1000, seed: int = 2025, level: float = 0.95) -> pd.DataFrame:
    """Насколько хорошо каждая оценка ранжирует клиентов по исходу (купил / не купил в отложенном периоде).

    ``outcome`` — True/False (или 1/0) по клиентам; ``scores`` — словарь «подпись → оценки тех же
    клиентов» (больше — «скорее купит»). AUC — вероятность, что случайный купивший получил оценку
    выше случайного некупившего (ничьи — пополам). Интервал — процентильный бутстреп по клиентам
    (одни и те же выборки для всех оценок). Возвращает таблицу: ``auc``, ``low``, ``high``, а также
    ``buyers`` и ``customers`` — на скольких исходах это посчитано.
    """
    from salesbook.toolkit import lead_scoring

    y = np.asarray(outcome).astype(float)
    if y.ndim != 1 or len(y) == 0 or np.isnan(y).any() or not np.isin(y, (0.0, 1.0)).all():
        raise MetricError("outcome — по одному True/False на клиента: купил ли он в отложенном периоде.")
    if y.min() == y.max():
        raise MetricError("Нужны клиенты обоих исходов: и купившие в отложенном периоде, и нет.")
    cols = {}
    for name, s in scores.items():
        v = np.asarray(numbers(s, f"оценки «{name}»"), dtype=float)
        if v.shape != y.shape:
            raise MetricError(f"Оценок «{name}» {len(v)}, а клиентов {len(y)}: нужно по одной на клиента.")
        cols[name] = v

    auc = lead_scoring._fast_auc  # та же статистика Манна — Уитни, что у AUC раздела 7.4.3

    rng = np.random.default_rng(seed)
    draws = {k: [] for k in cols}
    for _ in range(int(positive(n_boot, "n_boot"))):
        i = rng.integers(0, len(y), len(y))
        if y[i].min() == y[i].max():
            continue
        for k, v in cols.items():
            draws[k].append(auc(y[i], v[i]))
    q = [(1 - level) / 2, (1 + level) / 2]
    out = pd.DataFrame({"auc": [auc(y, v) for v in cols.values()],
                        "low": [np.quantile(draws[k], q[0]) for k in cols],
                        "high": [np.quantile(draws[k], q[1]) for k in cols]}, index=list(cols))
    out["buyers"] = int(y.sum())
    out["customers"] = len(y)
    return out
