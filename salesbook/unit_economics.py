"""Базовые формулы юнит-экономики: отток, LTV по формуле, окупаемость CAC.

Формулы и их источники разобраны в разделах 1.1.2–1.1.4; здесь — только
расчёт с проверкой входа (ошибки — ``MetricError`` на русском).
"""

from __future__ import annotations

import math

from .metrics import MetricError


def _share(value, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise MetricError(f"{name}: нужна доля (например, 0,03), получено {value!r}.") from None
    if not math.isfinite(v) or not 0 <= v <= 1:
        raise MetricError(f"{name}: доля должна быть от 0 до 1, получено {value!r}. Проценты переведите в доли: 3 % → 0,03.")
    return v


def annual_from_monthly_churn(monthly: float) -> float:
    """Годовой отток из месячного: 1 − (1 − m)¹². Не m × 12 — отток «сложный»."""
    m = _share(monthly, "Месячный отток")
    return 1 - (1 - m) ** 12


def monthly_from_annual_churn(annual: float) -> float:
    """Месячный отток из годового: 1 − (1 − a)^(1/12)."""
    a = _share(annual, "Годовой отток")
    return 1 - (1 - a) ** (1 / 12)


def simple_ltv(arpa_month: float, gross_margin: float, monthly_churn: float) -> float:
    """LTV по формуле: ARPA × валовая маржа / месячный отток (на валовой прибыли, не на выручке)."""
    gm = _share(gross_margin, "Валовая маржа")
    churn = _share(monthly_churn, "Месячный отток")
    if churn == 0:
        raise MetricError("Отток ноль: по формуле LTV бесконечен — ограничьте горизонт или возьмите когортную оценку.")
    return float(arpa_month) * gm / churn


def payback_months(cac: float, arpa_month: float, gross_margin: float) -> float:
    """Окупаемость CAC в месяцах: CAC / (ARPA × валовая маржа), без учёта оттока и дисконтирования."""
    gm = _share(gross_margin, "Валовая маржа")
    monthly_gross_profit = float(arpa_month) * gm
    if monthly_gross_profit <= 0:
        raise MetricError("Валовая прибыль с клиента в месяц не положительна — затраты не окупятся никогда.")
    return float(cac) / monthly_gross_profit


def ltv_to_cac(ltv: float, cac: float) -> float:
    """Отношение LTV/CAC."""
    if float(cac) <= 0:
        raise MetricError("CAC должен быть больше нуля.")
    return float(ltv) / float(cac)
