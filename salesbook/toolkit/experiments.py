"""Статистика A/B-тестов писем и скриптов: раздел 10.2 книги.

Что здесь есть:

* сводка эксперимента по вариантам (``variant_summary``);
* z-тест двух долей с объединённой дисперсией (``ztest_2prop``) и доверительные
  интервалы разности долей — Вальда и Ньюкомба (``diff_confint``);
* мощность и размер выборки двумя способами: через Cohen's h, как
  ``statsmodels.stats.power.NormalIndPower`` (``cohens_h``, ``sample_size_h``),
  и по формуле R ``power.prop.test`` (``power_pooled``, ``sample_size_pooled``,
  ``detectable_p2``);
* симуляция «подглядывания» под нулевой гипотезой (``peeking_simulation``);
* несколько вариантов: поправки Холма и Бонферрони (``adjust_pvalues``), попарные
  сравнения (``pairwise_tests``), хи-квадрат по всем вариантам (``chi2_variants``);
* практическая значимость: pipeline на квалификационную встречу (``value_per_meeting``)
  и правило решения по доверительному интервалу и порогу пользы (``decide``);
* байесовская интуиция: вероятность, что B лучше A (``prob_b_beats_a``).

Функции векторные (numpy), проверяют вход и отвечают ``MetricError`` на русском.
Эталоны, с которыми их сверяют тесты: statsmodels (``proportions_ztest``,
``confint_proportions_2indep``, ``NormalIndPower``, ``multipletests``), scipy
(``chi2_contingency``) и примеры из документации R ``power.prop.test``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import optimize, stats

from salesbook.toolkit.acquisition import in_period
from salesbook.toolkit.validation import MetricError, require_columns, share

#: Показатели воронки письма в таблице ``email_experiments``.
EMAIL_METRICS = ("opened", "replied", "meeting_booked")

#: Решения по итогам теста (см. ``decide``).
DECISIONS = ("launch", "no_launch", "more_data")

_ALTERNATIVES = ("two-sided", "larger", "smaller")


# ---------------------------------------------------------------------------
# Проверки входа
# ---------------------------------------------------------------------------


def _counts(count, nobs, name: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        count = np.asarray(count, dtype=float)
        nobs = np.asarray(nobs, dtype=float)
    except (TypeError, ValueError):
        raise MetricError(f"{name}: число успехов и число наблюдений должны быть числами.") from None
    if np.any(~np.isfinite(count)) or np.any(~np.isfinite(nobs)):
        raise MetricError(f"{name}: в данных есть пропуски или бесконечности.")
    if np.any(nobs <= 0):
        raise MetricError(f"{name}: в группе нет наблюдений (n = 0) — сравнивать нечего.")
    if np.any(count < 0) or np.any(count > nobs):
        raise MetricError(f"{name}: число успехов должно быть от 0 до числа наблюдений.")
    return count, nobs


def _level(value, name: str) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise MetricError(f"{name} должен быть числом между 0 и 1.") from None
    if not 0 < value < 1:
        raise MetricError(f"{name} должен быть между 0 и 1 (например, 0,05 или 0,8), получено {value}.")
    return value


def _alternative(alternative: str) -> str:
    if alternative not in _ALTERNATIVES:
        raise MetricError(f"alternative: допустимы {', '.join(_ALTERNATIVES)}; получено {alternative!r}.")
    return alternative


def _z_crit(alpha: float, alternative: str) -> float:
    return float(stats.norm.isf(alpha / 2 if alternative == "two-sided" else alpha))


# ---------------------------------------------------------------------------
# Сводка эксперимента
# ---------------------------------------------------------------------------


def variant_summary(experiments: pd.DataFrame, experiment_id: str, metric: str = "replied") -> pd.DataFrame:
    """Итоги эксперимента по вариантам: ``sent`` (писем), ``successes``, ``rate``.

    ``metric`` — столбец воронки письма: ``opened``, ``replied`` или ``meeting_booked``.
    Индекс — вариант (A, B, C), по алфавиту: A — контроль.
    """
    require_columns(experiments, ["experiment_id", "variant", metric], "variant_summary")
    if metric not in EMAIL_METRICS:
        raise MetricError(f"variant_summary: показатель {metric!r} не из {', '.join(EMAIL_METRICS)}.")
    rows = experiments[experiments["experiment_id"] == experiment_id]
    if rows.empty:
        known = ", ".join(sorted(experiments["experiment_id"].unique()))
        raise MetricError(f"variant_summary: эксперимента {experiment_id!r} нет в данных; есть {known}.")
    summary = rows.groupby("variant")[metric].agg(sent="size", successes="sum").sort_index()
    summary["successes"] = summary["successes"].astype(int)
    summary["rate"] = summary["successes"] / summary["sent"]
    summary.index.name = "variant"
    return summary


# ---------------------------------------------------------------------------
# Тест и доверительный интервал для разности двух долей
# ---------------------------------------------------------------------------


def ztest_2prop(count_b, n_b, count_a, n_a, alternative: str = "two-sided"):
    """z-тест равенства двух долей с объединённой (pooled) дисперсией.

    Возвращает ``(z, p_value)`` для разности ``p_b − p_a``; ``alternative``:
    ``"two-sided"``, ``"larger"`` (B больше A) или ``"smaller"``. Работает и с
    массивами (тысячи тестов сразу). Совпадает с
    ``statsmodels.stats.proportion.proportions_ztest([count_b, count_a], [n_b, n_a])``.
    """
    cb, nb = _counts(count_b, n_b, "ztest_2prop (B)")
    ca, na = _counts(count_a, n_a, "ztest_2prop (A)")
    alternative = _alternative(alternative)
    pooled = (cb + ca) / (nb + na)
    se = np.sqrt(pooled * (1 - pooled) * (1 / nb + 1 / na))
    diff = cb / nb - ca / na
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, diff / np.where(se > 0, se, 1.0), 0.0)
    if alternative == "two-sided":
        p = 2 * stats.norm.sf(np.abs(z))
    elif alternative == "larger":
        p = stats.norm.sf(z)
    else:
        p = stats.norm.cdf(z)
    if np.ndim(z) == 0:
        return float(z), float(p)
    return z, p


def _wilson(count, nobs, z):
    p = count / nobs
    centre = (p + z**2 / (2 * nobs)) / (1 + z**2 / nobs)
    half = z * np.sqrt(p * (1 - p) / nobs + z**2 / (4 * nobs**2)) / (1 + z**2 / nobs)
    return centre - half, centre + half


def diff_confint(count_b, n_b, count_a, n_a, alpha: float = 0.05, method: str = "newcombe") -> tuple[float, float]:
    """Доверительный интервал для разности долей ``p_b − p_a``.

    ``method="wald"`` — оценка ± z·SE с раздельными дисперсиями: просто, но при
    малых долях и выборках интервал слишком узкий. ``method="newcombe"`` —
    гибридный интервал Ньюкомба из интервалов Уилсона для каждой доли (метод 10
    в Newcombe, 1998): честнее покрывает истинную разность при долях около 1–5 %.
    Совпадает с ``statsmodels.stats.proportion.confint_proportions_2indep``
    (методы ``"wald"`` и ``"newcomb"``).
    """
    cb, nb = _counts(count_b, n_b, "diff_confint (B)")
    ca, na = _counts(count_a, n_a, "diff_confint (A)")
    alpha = _level(alpha, "Уровень значимости alpha")
    z = stats.norm.isf(alpha / 2)
    pb, pa = cb / nb, ca / na
    diff = pb - pa
    if method == "wald":
        half = z * np.sqrt(pb * (1 - pb) / nb + pa * (1 - pa) / na)
        low, high = diff - half, diff + half
    elif method in ("newcombe", "newcomb"):
        lb, ub = _wilson(cb, nb, z)
        la, ua = _wilson(ca, na, z)
        low = diff - np.sqrt((pb - lb) ** 2 + (ua - pa) ** 2)
        high = diff + np.sqrt((ub - pb) ** 2 + (pa - la) ** 2)
    else:
        raise MetricError(f"diff_confint: метод {method!r} неизвестен; есть 'wald' и 'newcombe'.")
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


# ---------------------------------------------------------------------------
# Мощность и размер выборки
# ---------------------------------------------------------------------------


def cohens_h(p_target, p_base):
    """Размер эффекта Cohen's h: ``2·arcsin√p_target − 2·arcsin√p_base``.

    То же, что ``statsmodels.stats.proportion.proportion_effectsize(p_target, p_base)``.
    """
    p_target = share(p_target, "cohens_h")
    p_base = share(p_base, "cohens_h")
    h = 2 * np.arcsin(np.sqrt(p_target)) - 2 * np.arcsin(np.sqrt(p_base))
    return float(h) if np.ndim(h) == 0 else h


def sample_size_h(p_base, p_target, alpha: float = 0.05, power: float = 0.8, alternative: str = "two-sided"):
    """Размер выборки **на одну группу** через Cohen's h (равные группы).

    $n = 2\\,((z_{1-α/2} + z_{1-β}) / h)^2$ — так считает
    ``NormalIndPower().solve_power(h, power=power, alpha=alpha)`` (statsmodels
    ещё учитывает ничтожный «дальний» хвост двустороннего теста).
    """
    alpha = _level(alpha, "Уровень значимости alpha")
    power = _level(power, "Мощность power")
    alternative = _alternative(alternative)
    h = np.abs(np.asarray(cohens_h(p_target, p_base), dtype=float))
    if np.any(h == 0):
        raise MetricError("sample_size_h: доли равны — эффект нулевой, выборка бесконечна.")
    n = 2 * ((_z_crit(alpha, alternative) + stats.norm.ppf(power)) / h) ** 2
    return float(n) if np.ndim(n) == 0 else n


def power_pooled(n, p1, p2, alpha: float = 0.05, alternative: str = "two-sided"):
    """Мощность z-теста двух долей при ``n`` наблюдений в каждой группе — формула R ``power.prop.test``.

    Под нулевой гипотезой дисперсия считается по средней доле, под альтернативной —
    по каждой доле отдельно; «дальний» хвост не учитывается (``strict = FALSE`` в R).
    """
    n = np.asarray(n, dtype=float)
    if np.any(n <= 0):
        raise MetricError("power_pooled: размер группы должен быть положительным.")
    p1 = share(p1, "power_pooled", lower_open=True, upper_open=True)
    p2 = share(p2, "power_pooled", lower_open=True, upper_open=True)
    alpha = _level(alpha, "Уровень значимости alpha")
    alternative = _alternative(alternative)
    z = _z_crit(alpha, "two-sided" if alternative == "two-sided" else "larger")
    pbar = (p1 + p2) / 2
    num = np.sqrt(n) * np.abs(p1 - p2) - z * np.sqrt(2 * pbar * (1 - pbar))
    power = stats.norm.cdf(num / np.sqrt(p1 * (1 - p1) + p2 * (1 - p2)))
    return float(power) if np.ndim(power) == 0 else power


def sample_size_pooled(p1, p2, alpha: float = 0.05, power: float = 0.8, alternative: str = "two-sided"):
    """Размер выборки на одну группу по формуле R ``power.prop.test`` (она же у Флейса без поправки на непрерывность).

    $n = (z_{1-α/2}\\sqrt{2\\bar p\\bar q} + z_{1-β}\\sqrt{p_1q_1 + p_2q_2})^2 / (p_1 − p_2)^2$.
    То же дают ``statsmodels.stats.proportion.samplesize_proportions_2indep_onetail``
    и R: ``power.prop.test(p1 = .50, p2 = .75, power = .90)`` → n = 76.7.
    """
    p1 = share(p1, "sample_size_pooled", lower_open=True, upper_open=True)
    p2 = share(p2, "sample_size_pooled", lower_open=True, upper_open=True)
    alpha = _level(alpha, "Уровень значимости alpha")
    power = _level(power, "Мощность power")
    alternative = _alternative(alternative)
    if np.any(p1 == p2):
        raise MetricError("sample_size_pooled: доли равны — эффект нулевой, выборка бесконечна.")
    z = _z_crit(alpha, "two-sided" if alternative == "two-sided" else "larger")
    pbar = (p1 + p2) / 2
    top = z * np.sqrt(2 * pbar * (1 - pbar)) + stats.norm.ppf(power) * np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    n = (top / (p1 - p2)) ** 2
    return float(n) if np.ndim(n) == 0 else n


def detectable_p2(n: float, p1: float, alpha: float = 0.05, power: float = 0.8, alternative: str = "two-sided") -> float:
    """Какую долю ``p2 > p1`` тест с ``n`` наблюдений в группе заметит с заданной мощностью.

    Решает уравнение мощности R ``power.prop.test`` относительно ``p2``:
    ``power.prop.test(n = 50, p1 = .5, power = .90)`` → p2 = 0.8026.
    Минимальный обнаружимый эффект (MDE) — это ``detectable_p2(...) − p1``.
    """
    p1 = float(share(p1, "detectable_p2", lower_open=True, upper_open=True))
    if float(n) <= 0:
        raise MetricError("detectable_p2: размер группы должен быть положительным.")
    power = _level(power, "Мощность power")
    gap = lambda p2: power_pooled(n, p1, p2, alpha, alternative) - power  # noqa: E731
    hi = 1 - 1e-12
    if gap(hi) < 0:
        raise MetricError("detectable_p2: даже доля, близкая к 100 %, не даёт такой мощности — выборка слишком мала.")
    return float(optimize.brentq(gap, p1 + 1e-12, hi, xtol=1e-12))


# ---------------------------------------------------------------------------
# Подглядывание
# ---------------------------------------------------------------------------


def peeking_simulation(
    rate: float,
    per_day: int,
    days: int,
    looks: Sequence[int] | None = None,
    n_sims: int = 20_000,
    alpha: float = 0.05,
    seed: int = 2025,
    nominal_alpha: float | None = None,
) -> pd.DataFrame:
    """Доля ложных «побед» в A/A-тестах, если смотреть на p-value несколько раз.

    Оба варианта одинаковы (доля ``rate``), каждый день в каждую группу приходит
    ``per_day`` писем, тест длится ``days`` дней. Для каждого числа просмотров ``K``
    из ``looks`` (по умолчанию — все делители ``days``) аналитик смотрит на p-value
    через равные промежутки и объявляет победу при первом ``p < alpha``.
    ``nominal_alpha`` — свой, более строгий порог на каждом просмотре (например,
    по границе Покока); по умолчанию ``alpha``.
    Возвращает таблицу с индексом ``looks`` и столбцами ``false_positive_rate`` и
    ``std_error`` (ошибка симуляции). Всё считается массивами numpy за один проход.
    """
    rate = float(share(rate, "peeking_simulation", lower_open=True, upper_open=True))
    alpha = _level(alpha if nominal_alpha is None else nominal_alpha, "Уровень значимости alpha")
    if int(per_day) <= 0 or int(days) <= 0 or int(n_sims) <= 0:
        raise MetricError("peeking_simulation: писем в день, дней и симуляций должно быть больше нуля.")
    days, per_day, n_sims = int(days), int(per_day), int(n_sims)
    if looks is None:
        looks = [k for k in range(1, days + 1) if days % k == 0]
    looks = [int(k) for k in looks]
    if any(k <= 0 or days % k for k in looks):
        raise MetricError(f"peeking_simulation: число просмотров должно делить длительность теста ({days} дн.).")
    rng = np.random.default_rng(seed)
    daily = rng.binomial(per_day, rate, size=(2, n_sims, days))
    cum = daily.cumsum(axis=2)
    n = per_day * np.arange(1, days + 1)
    _, p = ztest_2prop(cum[1], n, cum[0], n)
    significant = p < alpha  # (n_sims, days): значим ли тест на конец каждого дня
    rows = {}
    for k in looks:
        checked = significant[:, days // k - 1 :: days // k]
        fpr = checked.any(axis=1).mean()
        rows[k] = (fpr, np.sqrt(fpr * (1 - fpr) / n_sims))
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["false_positive_rate", "std_error"])
    out.index.name = "looks"
    return out


def _prob_cross(looks: int, z: float) -> float:
    """P(хотя бы одна |Z_k| ≥ z при K равномерных просмотрах) для броуновского движения."""
    if looks == 1:
        return float(2 * stats.norm.sf(z))
    t = np.arange(1, looks + 1)
    cov = np.sqrt(np.minimum.outer(t, t) / np.maximum.outer(t, t))
    inside = stats.multivariate_normal(mean=np.zeros(looks), cov=cov).cdf(
        np.full(looks, z), lower_limit=np.full(looks, -z), rng=np.random.default_rng(0))
    return float(1 - inside)


def peeking_exact(looks: int, alpha: float = 0.05) -> float:
    """Точная вероятность ложной «победы» при ``looks`` равномерных просмотрах (броуновское приближение).

    Статистики ``Z_1 … Z_K`` накопленных данных — многомерное нормальное
    распределение с корреляциями ``√(i/j)``; ответ = 1 − P(все |Z_k| < z_{1−α/2}).
    Эталон для симуляции при больших выборках. Считается численно: до 10
    просмотров — доли секунды, 20 просмотров — несколько секунд.
    """
    k = int(looks)
    if k <= 0:
        raise MetricError("peeking_exact: число просмотров должно быть положительным.")
    z = stats.norm.isf(_level(alpha, "Уровень значимости alpha") / 2)
    return _prob_cross(k, z)


def pocock_boundary(looks: int, alpha: float = 0.05) -> float:
    """Граница Покока: одинаковый порог |z| на каждом из ``looks`` просмотров, при котором
    общая вероятность ложной «победы» равна ``alpha`` (двусторонний тест).

    Pocock (1977): 2,178 при двух просмотрах, 2,289 — при трёх, 2,361 — при четырёх,
    2,413 — при пяти (α = 0,05). Номинальный p-value на каждом просмотре —
    ``2·(1 − Φ(граница))``.
    """
    k = int(looks)
    if k <= 0:
        raise MetricError("pocock_boundary: число просмотров должно быть положительным.")
    alpha = _level(alpha, "Уровень значимости alpha")
    return float(optimize.brentq(lambda z: _prob_cross(k, z) - alpha, stats.norm.isf(alpha / 2) - 0.5, 6.0, xtol=1e-6))


# ---------------------------------------------------------------------------
# Несколько вариантов
# ---------------------------------------------------------------------------


def adjust_pvalues(pvalues, method: str = "holm") -> np.ndarray:
    """p-value с поправкой на множественные сравнения: ``"bonferroni"`` или ``"holm"``.

    Бонферрони: ``min(1, m·p)``. Холм: p-value по возрастанию умножаются на
    ``m, m−1, …, 1``, затем берётся накопленный максимум (поправленные p не убывают)
    и обрезка сверху единицей. Совпадает с ``statsmodels.stats.multitest.multipletests``.
    """
    try:
        p = np.asarray(pvalues, dtype=float).ravel()
    except (TypeError, ValueError):
        raise MetricError("adjust_pvalues: нужны числа — p-value сравнений.") from None
    if p.size == 0:
        raise MetricError("adjust_pvalues: список p-value пуст.")
    if np.any(np.isnan(p)) or np.any((p < 0) | (p > 1)):
        raise MetricError("adjust_pvalues: p-value должны быть между 0 и 1.")
    m = p.size
    if method == "bonferroni":
        return np.minimum(1.0, p * m)
    if method != "holm":
        raise MetricError(f"adjust_pvalues: метод {method!r} неизвестен; есть 'holm' и 'bonferroni'.")
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate(p[order] * (m - np.arange(m)))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(1.0, stepped)
    return adjusted


def pairwise_tests(summary: pd.DataFrame, control: str | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Попарные z-тесты вариантов с поправками Холма и Бонферрони.

    ``summary`` — результат ``variant_summary``. Если задан ``control``, каждый
    вариант сравнивается только с контролем, иначе — все пары. Столбцы: ``diff``
    (разность долей «второй − первый»), ``p_value``, ``p_holm``, ``p_bonferroni``,
    ``significant_holm``. Индекс — пара вида ``"C vs A"``.
    """
    require_columns(summary, ["successes", "sent"], "pairwise_tests")
    variants = list(summary.index)
    if len(variants) < 2:
        raise MetricError("pairwise_tests: нужно хотя бы два варианта.")
    if control is not None:
        if control not in variants:
            raise MetricError(f"pairwise_tests: контрольного варианта {control!r} нет в таблице.")
        pairs = [(control, v) for v in variants if v != control]
    else:
        pairs = [(a, b) for i, a in enumerate(variants) for b in variants[i + 1 :]]
    first = [a for a, _ in pairs]
    second = [b for _, b in pairs]
    s = summary
    z, p = ztest_2prop(s.loc[second, "successes"].to_numpy(), s.loc[second, "sent"].to_numpy(),
                       s.loc[first, "successes"].to_numpy(), s.loc[first, "sent"].to_numpy())
    out = pd.DataFrame({
        "diff": s.loc[second, "rate"].to_numpy() - s.loc[first, "rate"].to_numpy(),
        "z": np.atleast_1d(z),
        "p_value": np.atleast_1d(p),
    }, index=pd.Index([f"{b} vs {a}" for a, b in pairs], name="pair"))
    out["p_holm"] = adjust_pvalues(out["p_value"], "holm")
    out["p_bonferroni"] = adjust_pvalues(out["p_value"], "bonferroni")
    out["significant_holm"] = out["p_holm"] < alpha
    return out


def chi2_variants(summary: pd.DataFrame) -> tuple[float, float, int]:
    """Хи-квадрат Пирсона по таблице «вариант × (успех, неуспех)»: есть ли разница хоть где-то.

    Возвращает ``(chi2, p_value, степени свободы)``; без поправки Йейтса — как
    ``scipy.stats.chi2_contingency(table, correction=False)``.
    """
    require_columns(summary, ["successes", "sent"], "chi2_variants")
    success = summary["successes"].to_numpy(dtype=float)
    failure = summary["sent"].to_numpy(dtype=float) - success
    if len(success) < 2 or np.any(failure < 0):
        raise MetricError("chi2_variants: нужно ≥ 2 вариантов и успехов не больше, чем писем.")
    table = np.column_stack([success, failure])
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    if np.any(expected == 0):
        raise MetricError("chi2_variants: ни одного успеха (или неуспеха) — тест не определён.")
    chi2 = float(((table - expected) ** 2 / expected).sum())
    dof = len(success) - 1
    return chi2, float(stats.chi2.sf(chi2, dof)), dof


# ---------------------------------------------------------------------------
# Практическая значимость и решение
# ---------------------------------------------------------------------------


def value_per_meeting(leads: pd.DataFrame, opportunities: pd.DataFrame, start, end) -> float:
    """Pipeline (сумма ACV созданных сделок) на одну квалификационную встречу за период, ₽.

    Встреча = SQL (дата ``sql_date``); pipeline — ``amount_rub`` сделок, созданных
    за тот же период. Это допущение: назначенная по письму встреча стоит столько
    же, сколько средняя квалификационная встреча компании.
    """
    require_columns(leads, ["sql_date"], "value_per_meeting (leads)")
    require_columns(opportunities, ["created_date", "amount_rub"], "value_per_meeting (opportunities)")
    meetings = int(in_period(leads["sql_date"], start, end).sum())
    if meetings == 0:
        raise MetricError("value_per_meeting: за период нет ни одной квалификационной встречи (SQL).")
    pipeline = opportunities.loc[in_period(opportunities["created_date"], start, end), "amount_rub"].sum()
    return float(pipeline) / meetings


def decide(ci_low: float, ci_high: float, threshold: float) -> str:
    """Решение по доверительному интервалу эффекта и порогу практической значимости.

    Правило по разбору статистической и практической значимости у Kohavi, Tang, Xu
    (2020, гл. 2): внедряют, когда интервал целиком лежит выше порога пользы.

    * ``"launch"`` — нижняя граница не ниже порога: эффект не только положителен,
      но и с запасом полезен;
    * ``"no_launch"`` — даже верхняя граница ниже порога: эффекта, ради которого
      стоит менять процесс, нет (в том числе если он статистически значим, но мал);
    * ``"more_data"`` — интервал захватывает порог: эффект может оказаться и полезным,
      и бесполезным (даже если интервал целиком выше нуля) — данных мало для решения.

    Все три числа — в одних единицах (например, встреч на 1000 писем), порог > 0.
    """
    try:
        low, high, t = float(ci_low), float(ci_high), float(threshold)
    except (TypeError, ValueError):
        raise MetricError("decide: границы интервала и порог должны быть числами.") from None
    if not np.isfinite([low, high, t]).all():
        raise MetricError("decide: границы интервала и порог должны быть конечными числами.")
    if low > high:
        raise MetricError("decide: нижняя граница интервала больше верхней — проверьте порядок.")
    if t <= 0:
        raise MetricError("decide: порог практической значимости должен быть больше нуля.")
    if high < t:
        return "no_launch"
    if low >= t:
        return "launch"
    return "more_data"


def prob_b_beats_a(count_b, n_b, count_a, n_a, draws: int = 200_000, seed: int = 2025) -> float:
    """Байесовская оценка P(p_B > p_A) при равномерном априорном Beta(1, 1).

    Апостериорные доли — Beta(1 + успехи, 1 + неуспехи); вероятность считается
    по ``draws`` парам выборок (Монте-Карло, фиксированное зерно).
    """
    cb, nb = _counts(count_b, n_b, "prob_b_beats_a (B)")
    ca, na = _counts(count_a, n_a, "prob_b_beats_a (A)")
    if np.ndim(cb) or np.ndim(ca):
        raise MetricError("prob_b_beats_a: нужны числа для одного сравнения, а не массивы.")
    rng = np.random.default_rng(seed)
    b = rng.beta(1 + cb, 1 + nb - cb, size=int(draws))
    a = rng.beta(1 + ca, 1 + na - ca, size=int(draws))
    return float((b > a).mean())
