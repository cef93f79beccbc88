"""Финансовая математика окупаемости: сроки, безубыточность, дисконтирование.

Разделы 1.1.3, 1.1.4 и 1.3. Здесь — единственные в курсе окупаемость, NPV, IRR и
перевод ставок; ``unit_economics`` и ``planning`` вызывают эти функции, а ставку
компании берут из ``course.DISCOUNT_RATE``. Функции чисто числовые — данные компании в них
приходят уже посчитанными (CAC, MRR, маржа, отток из ``unit_economics``).
Всё векторно: где аргумент — массив, результат — массив той же формы;
где все аргументы — числа, результат — число ``float``.

Соглашения:

* месяц — единица времени; отток и ставки — доли (0,025, а не 2,5);
* денежный поток клиента: ``[-CAC, маржа месяца 1, маржа месяца 2, …]`` —
  CAC платится сегодня (t = 0), маржа приходит в конце каждого месяца;
* ``npv`` по умолчанию считает как numpy-financial (первый элемент — в момент
  t = 0), а ``convention="excel"`` — как функция ЧПС/NPV в Excel, которая
  дисконтирует и первый элемент (с t = 1).
"""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pandas as pd

from salesbook.toolkit.validation import MetricError, numbers, require_columns, share

__all__ = [
    "monthly_rate", "annual_rate", "payback_simple", "payback_with_churn", "discounted_payback",
    "customer_cash_flows", "payback_from_cash_flows", "npv", "irr", "ltv_horizon",
    "break_even_units", "break_even_revenue", "split_fixed_variable", "scenario_table", "unit_economics_scenario",
]


#: Отток или ставка меньше этого считаются нулевыми: логарифмы крошечных чисел неточны.
_TINY = 1e-12


def _out(arr):
    arr = np.asarray(arr, dtype=float)
    return float(arr) if arr.ndim == 0 else arr


# ---------------------------------------------------------------------------
# Ставки
# ---------------------------------------------------------------------------


def monthly_rate(annual_rate):
    """Месячная ставка из эффективной годовой: (1 + r)^(1/12) − 1.

    Не r / 12: 25 % годовых — это 1,88 % в месяц, а не 2,08 %
    (иначе за год набежит (1 + 0,25/12)^12 − 1 ≈ 28 %).
    """
    r = numbers(annual_rate, "Годовая ставка")
    if np.any(r <= -1):
        raise MetricError("Годовая ставка должна быть больше −100 %.")
    return _out((1 + r) ** (1 / 12) - 1)


def annual_rate(monthly_rate_value):
    """Эффективная годовая ставка из месячной: (1 + m)^12 − 1."""
    m = numbers(monthly_rate_value, "Месячная ставка")
    if np.any(m <= -1):
        raise MetricError("Месячная ставка должна быть больше −100 %.")
    return _out((1 + m) ** 12 - 1)


# ---------------------------------------------------------------------------
# Окупаемость
# ---------------------------------------------------------------------------


def payback_simple(cac, monthly_gross_profit):
    """Окупаемость CAC в месяцах: CAC / валовая прибыль нового клиента в месяц — одно определение на весь курс.

    База — новые клиенты одного периода: CAC — полные затраты на привлечение за
    период / клиенты, пришедшие в этот период; валовая прибыль в месяц — их средний
    стартовый MRR (``unit_economics.new_mrr_per_customer``) × валовая маржа того же
    периода. Не выручка (окупаемость выйдет короче в 1 / маржа раз) и не ARPA всей
    базы (старые клиенты успели расшириться — это не то, с чем приходит новый).
    Отток и дисконтирование здесь не учитываются — их добавляют
    :func:`payback_with_churn` и :func:`discounted_payback` с тем же входом.
    Если прибыль не положительна, клиент не окупается никогда — результат ``inf``.
    """
    c = numbers(cac, "CAC")
    gp = numbers(monthly_gross_profit, "Валовая прибыль в месяц")
    if np.any(c < 0):
        raise MetricError("CAC не может быть отрицательным.")
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(gp > 0, c / np.where(gp > 0, gp, 1.0), np.inf)
    return _out(result)


def payback_with_churn(cac, monthly_gross_profit, monthly_churn):
    """Окупаемость CAC с учётом оттока, в месяцах.

    Доживает до месяца t доля (1 − c)^(t−1) клиентов, и накопленная валовая
    прибыль за n месяцев равна gp · (1 − (1 − c)^n) / c. Приравниваем к CAC:

        n = ln(1 − CAC · c / gp) / ln(1 − c).

    Если CAC · c / gp ≥ 1, то есть LTV = gp / c не больше CAC, когорта не
    окупится никогда — ``inf``. При c = 0 формула переходит в CAC / gp.
    Дробные месяцы — непрерывная интерполяция ряда; для сроков короче месяца
    она даёт чуть меньше простой окупаемости (весь первый месяц платят все).
    """
    c = numbers(cac, "CAC")
    gp = numbers(monthly_gross_profit, "Валовая прибыль в месяц")
    churn = share(monthly_churn, "Месячный отток", upper_open=True)
    if np.any(c < 0):
        raise MetricError("CAC не может быть отрицательным.")
    c, gp, churn = np.broadcast_arrays(c, gp, churn)
    result = np.full(c.shape, np.inf)
    ok = gp > 0
    no_churn = ok & (churn < _TINY)  # у крошечного оттока логарифмы теряют точность — это простая окупаемость
    result[no_churn] = c[no_churn] / gp[no_churn]
    with_churn = ok & (churn >= _TINY)
    x = np.zeros(c.shape)
    x[with_churn] = c[with_churn] * churn[with_churn] / gp[with_churn]
    finite = with_churn & (x < 1)
    result[finite] = np.log1p(-x[finite]) / np.log1p(-churn[finite])
    return _out(result)


def discounted_payback(cac, monthly_gross_profit, monthly_churn=0.0, annual_discount_rate=0.0):
    """Дисконтированная окупаемость CAC (с оттоком) в месяцах.

    Прибыль месяца t приводится к сегодняшнему дню делением на (1 + d)^t, где
    d — месячная ставка из годовой. Сумма за n месяцев — геометрическая
    прогрессия со знаменателем q = (1 − c) / (1 + d):

        gp / (1 + d) · (1 − q^n) / (1 − q) = CAC  ⇒  n = ln(1 − CAC · (1 − q)(1 + d) / gp) / ln q.

    Если приведённой прибыли за бесконечный срок не хватает на CAC — ``inf``.
    """
    c = numbers(cac, "CAC")
    gp = numbers(monthly_gross_profit, "Валовая прибыль в месяц")
    churn = share(monthly_churn, "Месячный отток", upper_open=True)
    d = np.asarray(monthly_rate(annual_discount_rate), dtype=float)
    if np.any(d < 0):
        raise MetricError("Ставка дисконтирования не может быть отрицательной.")
    if np.any(c < 0):
        raise MetricError("CAC не может быть отрицательным.")
    c, gp, churn, d = np.broadcast_arrays(c, gp, churn, d)
    result = np.full(c.shape, np.inf)
    # (1 − q)(1 + d) = c + d: так считаем без вычитания близких чисел
    decay = churn + d
    ok = gp > 0
    flat = ok & (decay < _TINY)
    result[flat] = c[flat] / gp[flat]
    geo = ok & (decay >= _TINY)
    x = np.zeros(c.shape)
    x[geo] = c[geo] * decay[geo] / gp[geo]
    finite = geo & (x < 1)
    result[finite] = np.log1p(-x[finite]) / np.log1p(-decay[finite] / (1 + d[finite]))
    return _out(result)


def customer_cash_flows(cac, monthly_gross_profit, monthly_churn, months: int):
    """Ожидаемый денежный поток одного привлечённого клиента по месяцам.

    Элемент 0 — ``−CAC`` (сегодня), элемент t (1…months) — gp · (1 − c)^(t−1):
    маржа, умноженная на долю доживших клиентов. Для массивов на входе —
    таблица: строка на сценарий, столбец на месяц.
    """
    if int(months) != months or months < 1:
        raise MetricError("Горизонт — целое число месяцев, не меньше 1.")
    c = numbers(cac, "CAC")
    gp = numbers(monthly_gross_profit, "Валовая прибыль в месяц")
    churn = share(monthly_churn, "Месячный отток", upper_open=True)
    c, gp, churn = np.broadcast_arrays(c, gp, churn)
    t = np.arange(int(months))
    survivors = (1 - churn[..., None]) ** t
    flows = np.concatenate([-c[..., None], gp[..., None] * survivors], axis=-1)
    return flows


def payback_from_cash_flows(cash_flows):
    """Срок окупаемости по любому денежному потоку (в периодах, с долями).

    Элемент t потока — деньги в конце периода t (элемент 0 — сегодня). Ищет
    период, где накопленный поток, побывав ниже нуля, снова становится ≥ 0, и
    уточняет момент внутри периода линейно. Годится для фактической кривой
    когорты, где нет красивой формулы, и для найма, где минус копится несколько
    месяцев (поток ``[0, чистый поток месяца 1, …]``). По строкам таблицы —
    векторно; не окупилось — ``inf``; ни разу не уходил в минус — 0.
    """
    cf = numbers(cash_flows, "Денежный поток")
    if cf.ndim == 0 or cf.shape[-1] < 2:
        raise MetricError("Нужен поток хотя бы из двух периодов: вложение и возврат.")
    cum = np.cumsum(cf, axis=-1)
    below = cum < 0
    periods = np.arange(cf.shape[-1])
    reached = (cum >= 0) & (periods > np.argmax(below, axis=-1)[..., None])
    reached = np.where(below.any(axis=-1)[..., None], reached, True)
    any_reached = reached.any(axis=-1)
    first = np.argmax(reached, axis=-1)
    prev_idx = np.clip(first - 1, 0, None)
    prev_cum = np.take_along_axis(cum, prev_idx[..., None], axis=-1)[..., 0]
    step = np.take_along_axis(cf, first[..., None], axis=-1)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(step > 0, -prev_cum / np.where(step > 0, step, 1.0), 0.0)
    result = np.where(first == 0, 0.0, prev_idx + frac)
    result = np.where(any_reached, result, np.inf)
    return _out(result)


# ---------------------------------------------------------------------------
# Дисконтирование
# ---------------------------------------------------------------------------


def npv(rate, cash_flows, convention: str = "numpy"):
    """Чистая приведённая стоимость (NPV) потока при ставке за период ``rate``.

    Поток — массив по периодам; таблица (строка на сценарий) считается по
    строкам. ``convention="numpy"`` (по умолчанию): как ``numpy_financial.npv`` —
    элемент 0 не дисконтируется (t = 0), элемент t делится на (1 + rate)^t.
    ``convention="excel"``: как ЧПС/NPV в Excel — элемент 0 уже делится на
    (1 + rate), то есть результат в (1 + rate) раз меньше. Чтобы в Excel
    получить numpy-вариант, вложение t = 0 прибавляют отдельно:
    ``=B1 + NPV(r; B2:B37)``.
    """
    # обычное число проверяется без массива numpy (на таблице в 1 000 потоков это десятая часть времени)
    if type(rate) is float and math.isfinite(rate):
        r = rate
    else:
        r = numbers(rate, "Ставка")
        if r.ndim != 0:
            raise MetricError("Ставка — одно число за период (месяц, если поток помесячный).")
    if r <= -1:
        raise MetricError("Ставка должна быть больше −100 %.")
    try:
        # таблица из одних дробных чисел отдаёт свой массив без копии; np.asarray(таблица, dtype=float)
        # собирал бы его заново (на таблице в 37 тыс. чисел — треть времени всей функции)
        cf = cash_flows.to_numpy() if isinstance(cash_flows, (pd.DataFrame, pd.Series)) else None
        if cf is None or cf.dtype != np.float64:
            cf = np.asarray(cash_flows, dtype=float)
    except (TypeError, ValueError):
        cf = numbers(cash_flows, "Денежный поток")  # та же ошибка, что у всех функций курса
    if cf.ndim == 0 or cf.shape[-1] == 0 or convention not in ("numpy", "excel"):
        numbers(cf, "Денежный поток")  # пропуски называются раньше остальных ошибок
        if cf.ndim == 0 or cf.shape[-1] == 0:
            raise MetricError("Денежный поток пуст.")
        raise MetricError("convention: 'numpy' (t = 0 у первого элемента) или 'excel' (t = 1).")
    if cf.ndim == 1:
        value = np.asarray(npf.npv(float(r), cf), dtype=float)
    else:
        # numpy-financial 1.0 считает только один поток — таблицу дисконтируем сами: строки умножаются
        # на множители 1/(1 + r)^t одним матричным умножением. Это та же сумма, что у numpy-financial,
        # с точностью до округления в последнем знаке (порядок сложения другой; он и у деления зависел
        # от того, как таблица лежит в памяти), и в разы быстрее деления каждого потока
        value = cf @ ((1 + float(r)) ** -np.arange(cf.shape[-1], dtype=float))
    # пропуск или бесконечность во входе всегда дают нечисловой итог строки, поэтому второй проход
    # по всей таблице ради проверки нужен, только если такой итог есть; ошибка та же, что раньше
    # (сумма итогов нечисловая, если нечисловой хоть один; переполнение из конечных чисел проход не находит)
    if not math.isfinite(value.sum()):
        numbers(cf, "Денежный поток")
    if convention == "excel":
        value = value / (1 + float(r))
    return _out(value)


def irr(cash_flows):
    """Внутренняя норма доходности (IRR) за период — ставка, при которой NPV = 0.

    Обёртка над ``numpy_financial.irr`` с проверкой: если поток не меняет знак
    (только вложения или только доходы), IRR не существует.
    """
    cf = numbers(cash_flows, "Денежный поток")
    if cf.ndim != 1 or cf.size < 2:
        raise MetricError("IRR считается по одному потоку из двух и более периодов.")
    if not ((cf > 0).any() and (cf < 0).any()):
        raise MetricError("В потоке нет смены знака (нужны и вложения, и доходы) — IRR не существует.")
    value = float(npf.irr(cf))
    if not np.isfinite(value):
        raise MetricError("Уравнение NPV = 0 не имеет решения для этого потока — IRR не определена.")
    return value


# ---------------------------------------------------------------------------
# LTV на горизонте
# ---------------------------------------------------------------------------


def ltv_horizon(monthly_gross_profit, monthly_churn, months=np.inf):
    """LTV за горизонт H месяцев: gp · (1 − (1 − c)^H) / c — сумма ожидаемой валовой прибыли клиента.

    Без горизонта (H = ∞) это формула ARPA × маржа / отток (``unit_economics.simple_ltv``).
    При малом оттоке (крупный бизнес) «бесконечность» — это 15 лет и больше, и LTV
    раздувается; инвесторы часто смотрят на горизонт 5 лет (``course.LTV_HORIZON_MONTHS``).
    Нулевой отток без горизонта даёт ``inf``.
    """
    gp = numbers(monthly_gross_profit, "Валовая прибыль в месяц")
    churn = share(monthly_churn, "Месячный отток", upper_open=True)
    h = np.asarray(months, dtype=float) if np.all(np.isposinf(months)) else numbers(months, "Горизонт, месяцев")
    if np.any(h < 0):
        raise MetricError("Горизонт не может быть отрицательным.")
    gp, churn, h = np.broadcast_arrays(gp, churn, h)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(churn > 0, gp * (1 - (1 - churn) ** h) / np.where(churn > 0, churn, 1.0), gp * h)
    return _out(result)


# ---------------------------------------------------------------------------
# Безубыточность
# ---------------------------------------------------------------------------


def break_even_units(fixed_costs, price, variable_cost):
    """Точка безубыточности в единицах: постоянные затраты / маржинальный доход на единицу.

    Маржинальный доход на единицу = цена − переменные затраты на единицу. Для
    SaaS «единица» — платящий клиент в месяц: цена — ARPA, переменные —
    себестоимость и премии, которые растут вместе с выручкой. Если маржинальный
    доход не положителен, безубыточности нет — ``inf``.
    """
    f = numbers(fixed_costs, "Постоянные затраты")
    p = numbers(price, "Цена")
    v = numbers(variable_cost, "Переменные затраты на единицу")
    if np.any(f < 0):
        raise MetricError("Постоянные затраты не могут быть отрицательными.")
    contribution = p - v
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(contribution > 0, f / np.where(contribution > 0, contribution, 1.0), np.inf)
    return _out(result)


def break_even_revenue(fixed_costs, variable_share):
    """Выручка безубыточности: постоянные затраты / (1 − доля переменных затрат в выручке)."""
    f = numbers(fixed_costs, "Постоянные затраты")
    v = share(variable_share, "Доля переменных затрат")
    if np.any(f < 0):
        raise MetricError("Постоянные затраты не могут быть отрицательными.")
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(v < 1, f / np.where(v < 1, 1 - v, 1.0), np.inf)
    return _out(result)


def split_fixed_variable(costs, driver) -> tuple[float, float]:
    """Разделить затраты на постоянную часть и переменную ставку регрессией.

    Подбирает затраты ≈ a + b · драйвер методом наименьших квадратов по
    помесячным наблюдениям: a — постоянные затраты в месяц, b — переменные
    затраты на рубль драйвера (например, на рубль выручки).
    """
    y = numbers(costs, "Затраты")
    x = numbers(driver, "Драйвер затрат")
    if y.ndim != 1 or x.shape != y.shape:
        raise MetricError("Затраты и драйвер — два ряда одинаковой длины.")
    if y.size < 3 or np.ptp(x) == 0:
        raise MetricError("Нужно хотя бы три наблюдения с разными значениями драйвера.")
    slope, intercept = np.polyfit(x, y, 1)
    return float(intercept), float(slope)


# ---------------------------------------------------------------------------
# Сценарии юнит-экономики
# ---------------------------------------------------------------------------

#: Входы сценария юнит-экономики и их названия в сообщениях.
SCENARIO_COLUMNS = {"monthly_churn": "Месячный отток", "arpa": "ARPA", "gross_margin": "Валовая маржа",
                    "cac": "CAC", "new_mrr": "Стартовый MRR"}


def _scenario_table_checked(frame):
    """:func:`scenario_table` без горизонта с одной проверкой входа на всю таблицу.

    Те же формулы и те же числа до бита, что у общего пути: ``ltv_horizon`` при H = ∞ — это
    gp / отток, потому что (1 − c)^∞ = 0, если 1 − c < 1 в числах с плавающей точкой; ``payback_simple`` и
    ``payback_with_churn`` считаются поэлементно так же. Если хоть одно значение не проходит
    проверки, возвращает ``None``: общий путь назовёт ошибку по-русски, как раньше.
    """
    columns = list(SCENARIO_COLUMNS)
    if not all(pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) for c in columns):
        return None
    churn, arpa, gm, cac, new_mrr = (frame[c].to_numpy(dtype=float) for c in columns)
    if not len(churn):
        return None
    # минимумы и максимумы вместо масок на каждую границу; пропуск делает сравнение ложным.
    # Отток больше 2^−54, чтобы 1 − отток < 1 и (1 − отток)^∞ = 0; конечная сумма — все числа конечны
    # (переполнение суммы только отправит таблицу общим путём)
    with np.errstate(invalid="ignore", over="ignore"):
        valid = (churn.min() > 2.0**-54 and churn.max() < 1 and gm.min() >= 0 and gm.max() <= 1 and cac.min() > 0
                 and np.isfinite(arpa.sum()) and np.isfinite(new_mrr.sum()))
    if not valid:
        return None
    out = frame.copy()
    new_gp = new_mrr * gm
    ltv = arpa * gm / churn
    out["ltv"] = ltv
    out["ltv_cac"] = ltv / cac
    with np.errstate(divide="ignore", invalid="ignore"):
        payback = cac / new_gp
        x = cac * churn / new_gp
        with_churn = np.where(x < 1, np.log1p(-x) / np.log1p(-churn), np.inf)
    tiny = churn < _TINY  # у крошечного оттока логарифмы теряют точность — это простая окупаемость
    if tiny.any():
        with_churn[tiny] = payback[tiny]
    lossless = new_gp <= 0  # прибыли нет — не окупается никогда (пропусков здесь уже нет)
    if lossless.any():
        payback[lossless] = np.inf
        with_churn[lossless] = np.inf
    out["payback_months"] = payback
    out["payback_churn_months"] = with_churn
    return out


def scenario_table(frame, horizon: int | None = None):
    """Юнит-экономика для таблицы сценариев — векторно, строка на сценарий.

    Вход: столбцы ``monthly_churn``, ``arpa`` (ARPA базы), ``gross_margin``, ``cac`` и
    ``new_mrr`` (стартовый MRR нового клиента). Добавляет ``ltv`` (ARPA × маржа / отток;
    с ``horizon`` — за столько месяцев), ``ltv_cac``, ``payback_months`` — окупаемость
    CAC из :func:`payback_simple` (на стартовом MRR нового клиента, как в разделе 1.1.3)
    — и ``payback_churn_months`` (то же с учётом оттока). Исходная таблица не меняется.
    """
    require_columns(frame, SCENARIO_COLUMNS, "Таблица сценариев")
    if horizon is None:
        fast = _scenario_table_checked(frame)
        if fast is not None:
            return fast
    out = frame.copy()
    churn = share(out["monthly_churn"], "Месячный отток", upper_open=True)
    gm = share(out["gross_margin"], "Валовая маржа")
    arpa = numbers(out["arpa"], "ARPA")
    cac = numbers(out["cac"], "CAC")
    new_gp = numbers(out["new_mrr"], "Стартовый MRR") * gm
    if np.any(cac <= 0):
        raise MetricError("CAC должен быть больше нуля.")
    if np.any(churn == 0) and horizon is None:
        raise MetricError("Отток ноль: LTV бесконечен — задайте горизонт (horizon=60).")
    out["ltv"] = ltv_horizon(arpa * gm, churn, np.inf if horizon is None else horizon)
    out["ltv_cac"] = out["ltv"] / cac
    out["payback_months"] = payback_simple(cac, new_gp)
    out["payback_churn_months"] = payback_with_churn(cac, new_gp, churn)
    return out


def unit_economics_scenario(monthly_churn, arpa, gross_margin, cac, new_mrr, months: int = 36) -> dict:
    """Один сценарий: LTV, LTV/CAC, окупаемость и кривая накопленных денег нового клиента.

    Те же входы и формулы, что у :func:`scenario_table`. Возвращает словарь со
    входами и ``ltv``, ``ltv_cac``, ``payback_months`` (без оттока),
    ``payback_churn_months`` (с оттоком), ``cumulative`` — массив накопленного
    денежного потока на привлечённого клиента по месяцам 0…months
    (:func:`customer_cash_flows` от стартового MRR). Чистая функция без виджетов:
    её считает калькулятор в ``widgets``.
    """
    inputs = {"monthly_churn": monthly_churn, "arpa": arpa, "gross_margin": gross_margin, "cac": cac, "new_mrr": new_mrr}
    values = {key: float(numbers(value, SCENARIO_COLUMNS[key])) for key, value in inputs.items()}
    if values["monthly_churn"] <= 0:
        raise MetricError("Отток ноль: LTV бесконечен — для калькулятора возьмите отток больше нуля.")
    if min(values["arpa"], values["cac"], values["new_mrr"]) <= 0:
        raise MetricError("ARPA, стартовый MRR и CAC должны быть больше нуля.")
    row = scenario_table(pd.DataFrame([values])).iloc[0]
    flows = customer_cash_flows(row["cac"], row["new_mrr"] * row["gross_margin"], row["monthly_churn"], months)
    return {**row.astype(float).to_dict(), "cumulative": np.cumsum(flows)}
