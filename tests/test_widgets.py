"""Калькулятор «что если»: чистый расчёт, русский текст и виджет, который пересчитывается от ползунков."""

import pytest

from salesbook.runtime import fmt, widgets
from salesbook.toolkit import finance


def test_text_is_russian_and_formatted_with_fmt():
    result = finance.unit_economics_scenario(0.05, 100_000, 0.8, 800_000, 100_000)
    text = widgets.calculator_text(result)
    assert fmt.rub(1_600_000) in text  # LTV = 100 000 × 0,8 / 0,05
    assert fmt.number(2.0, 1) in text  # LTV/CAC
    assert fmt.months(10.0) in text  # окупаемость без оттока
    assert fmt.pct(0.05) in text and "Отток" in text
    assert "ниже ориентира" in text


@pytest.mark.parametrize(
    "churn, expected",
    [(0.2, "не окупается"), (0.05, "ниже ориентира"), (0.02, "в зоне ориентира"), (0.005, "выше 5")],
)
def test_zone_follows_ratio(churn, expected):
    result = finance.unit_economics_scenario(churn, 100_000, 0.8, 800_000, 100_000)
    assert expected in widgets.calculator_text(result)


def test_never_pays_back_is_said_in_words():
    result = finance.unit_economics_scenario(0.2, 100_000, 0.8, 800_000, 100_000)  # LTV = 400 000 < CAC
    assert "никогда" in widgets.calculator_text(result)


def test_chart_is_png():
    png = widgets.calculator_chart_png(finance.unit_economics_scenario(0.025, 90_000, 0.775, 970_000, 86_000))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_widget_has_five_russian_sliders_and_initial_result():
    box = widgets.unit_economics_calculator(monthly_churn=0.05, arpa=100_000, gross_margin=0.8, cac=800_000, new_mrr=100_000)
    assert set(box.sliders) == {"monthly_churn", "arpa", "gross_margin", "cac", "new_mrr"}
    assert all(any("а" <= ch <= "я" for ch in s.description.lower()) for s in box.sliders.values())
    assert fmt.rub(1_600_000) in box.result.value
    assert box.chart.value[:4] == b"\x89PNG"
    assert box.children[-2] is box.result and box.children[-1] is box.chart


def test_changing_a_slider_updates_result_and_chart():
    box = widgets.unit_economics_calculator(monthly_churn=0.05, arpa=100_000, gross_margin=0.8, cac=800_000, new_mrr=100_000)
    before_text, before_chart = box.result.value, box.chart.value
    box.sliders["monthly_churn"].value = 0.04
    assert box.result.value != before_text
    assert fmt.rub(2_000_000) in box.result.value  # 100 000 × 0,8 / 0,04
    assert fmt.number(2.5, 1) in box.result.value
    assert box.chart.value != before_chart
    box.sliders["cac"].value = 400_000
    assert fmt.number(5.0, 1) in box.result.value
    box.sliders["arpa"].value = 50_000
    assert fmt.rub(1_000_000) in box.result.value
    box.sliders["gross_margin"].value = 0.5
    assert fmt.rub(625_000) in box.result.value  # 50 000 × 0,5 / 0,04
    box.sliders["new_mrr"].value = 40_000
    assert fmt.months(20.0) in box.result.value  # окупаемость: 400 000 / (40 000 × 0,5)


def test_start_values_outside_slider_range_are_clipped():
    box = widgets.unit_economics_calculator(monthly_churn=0.5, arpa=10, gross_margin=0.99, cac=10**9)
    for key, (_, lo, hi, _) in widgets.CALCULATOR_SLIDERS.items():
        assert lo <= box.sliders[key].value <= hi


# --- раздел 2.1, часть 2: калькулятор переноса бюджета по моделям атрибуции ---

def _per_rub():
    import pandas as pd

    return pd.DataFrame({"last": {"ppc": 0.3, "partners": 0.4}, "markov": {"ppc": 1.6, "partners": 0.3}})


_LABELS = {"last": "Последнее касание", "markov": "Марковская"}


def test_reallocation_text_by_hand():
    text = widgets.reallocation_text(_per_rub(), _LABELS, "markov", "ppc", "partners", 1_000_000)
    assert fmt.compact_rub(-1_300_000) in text and "не окупается" in text
    assert fmt.compact_rub(100_000) in text          # по последнему касанию: 1 000 000 × (0,4 − 0,3)
    assert "расходятся в знаке" in text
    assert "два разных" in widgets.reallocation_text(_per_rub(), _LABELS, "markov", "ppc", "ppc", 1)


def test_attribution_calculator_updates():
    box = widgets.attribution_budget_calculator(_per_rub(), _LABELS, amount_rub=1_000_000)
    assert fmt.compact_rub(-1_300_000) in box.result.value
    box.controls["model"].value = "last"
    assert "<b>Последнее касание:</b>" in box.result.value
    box.controls["amount_rub"].value = 2_000_000
    assert fmt.compact_rub(200_000) in box.result.value


# --- Раздел 5.4, часть 2: калькулятор плана мотивации ---

def test_pay_plan_scenario_and_text_by_hand():
    from salesbook.toolkit import compensation

    r = compensation.plan_scenario(4_000_000, 0.5, 20_000_000, threshold=0.5, accelerator=2.0, cap=2.0)
    assert r["target_variable"] == 2_000_000 and r["quota_to_ote"] == 5
    assert r["payout_at"] == {0.5: 1_000_000, 1.0: 2_000_000, 1.5: 4_000_000}
    assert r["cost_of_sales_at_plan"] == pytest.approx(0.1)
    text = widgets.pay_plan_text(r)
    assert fmt.rub(4_000_000) in text and fmt.pct(0.1) in text and "Стоимость продаж" in text


def test_pay_plan_calculator_updates():
    box = widgets.pay_plan_calculator(ote_rub=4_000_000, mix=0.5, quota=20_000_000, threshold=0.5, accelerator=2.0, cap=2.0)
    assert set(box.sliders) == set(widgets.PAY_PLAN_SLIDERS)
    assert box.chart.value[:4] == b"\x89PNG"
    before = box.result.value
    box.sliders["accelerator"].value = 1.0
    assert box.result.value != before and fmt.rub(3_000_000) in box.result.value
