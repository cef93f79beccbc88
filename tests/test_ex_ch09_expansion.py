"""Раздел 9.3, часть 1: решения проходят, каждая типичная ошибка получает свою подсказку, мусор — русский ответ."""

import numpy as np
import pytest

from salesbook.exercises import ch09_expansion as ex
from salesbook.exercises import table
from salesbook.runtime.checks import ___
from salesbook.toolkit import expansion as E
from salesbook.toolkit import kpi

EXERCISES = [ex.q1, ex.q2, ex.q3]


@pytest.mark.parametrize("q", EXERCISES, ids=lambda q: q.id)
def test_solution_passes_and_blank_is_unattempted(q):
    assert q.check(q.expected_value()).status == "correct"
    assert q.check(___).status == "unattempted"


@pytest.mark.parametrize("q", EXERCISES, ids=lambda q: q.id)
def test_each_mistake_fails_with_its_hint(q):
    expected = q.expected_value()
    for m in q.mistakes:
        value = q.mistake_value(m.name)
        assert not np.isclose(value, expected, rtol=0.01), m.name
        result = q.check(value)
        assert result.status == "incorrect" and result.message == m.hint, m.name


@pytest.mark.parametrize("q", EXERCISES, ids=lambda q: q.id)
def test_bad_input_gets_russian_message(q):
    for bad in (None, "текст", float("nan"), table("mrr")):
        r = q.check(bad)
        assert r.status in ("invalid", "incorrect")
        assert any("а" <= ch <= "я" for ch in r.message.lower())


def test_percent_instead_of_fraction_is_named():
    r = ex.q1.check(ex.q1.expected_value() * 100)
    assert "процент" in r.message.lower()
    r = ex.q2.check(ex.q2.expected_value() * 12)
    assert "12 раз" in r.message


def test_q1_is_the_kpi_nrr():
    k = kpi.revenue_retention(table("mrr"), ex.Q1_START, ex.Q1_END, table("accounts"), ex.Q1_SEGMENT)
    assert ex.q1.expected_value() == pytest.approx(k["nrr"])


def test_q3_decision_texts_hold():
    """Порог по марже 100 % ниже порога по валовой марже; на трёх годах ниже, чем на одном; ожидание отдела
    продаж лежит между порогами трёх лет и одного года — ошибка «забыли накопление» меняет решение."""
    assert ex.q3.mistake_value("revenue") < ex.q3.expected_value() < ex.q3.mistake_value("one_year")
    assert ex.q3.expected_value() < ex.Q3_SALES_EXPECTS < ex.q3.mistake_value("one_year")
    gm, churn = ex._q3_inputs()
    assert 0.6 < gm < 0.9 and 0.03 < churn < 0.2
    assert E.price_increase_margin(ex.Q3_INCREASE, gm, churn, ex.q3.expected_value(), ex.Q3_YEARS)[
        "difference"].sum() == pytest.approx(0, abs=1e-9)
    assert "не стоит" in ex.q3.check(ex.q3.expected_value()).message


def test_q2_answer_is_not_printed_on_the_page():
    """Упражнение 2 — другой месяц, чем матрица раздела (декабрь 2025 года): ответ не списать со страницы."""
    ws = E.white_space(table("products"), table("account_products"), table("accounts"), "2025-12-01")
    dec = ws.loc[ws["segment"] == "smb", "white_space_rub"].sum()
    assert not np.isclose(ex.q2.expected_value(), dec, rtol=0.01)


def test_q2_hand_solution_matches_toolkit():
    """Решение «руками» из holdings и products даёт то же число, что expansion.white_space."""
    import pandas as pd

    ap, products, accounts = table("account_products"), table("products"), table("accounts")
    month = ex.Q2_MONTH
    held = E.holdings(ap, month)
    seg = held["account_id"].map(accounts.set_index("account_id")["segment"])
    clients = held[(seg == "smb") & (held["product_id"] == "start")][["account_id", "seats"]]
    modules = products[(products["kind"] == "module") & (products["on_sale_from"] <= month)
                       & products["segments"].str.split().apply(lambda s: "smb" in s)]
    pairs = clients.merge(modules[["product_id", "price_share"]], how="cross")
    owned = pd.MultiIndex.from_frame(pairs[["account_id", "product_id"]]).isin(
        pd.MultiIndex.from_frame(held[["account_id", "product_id"]]))
    pairs = pairs[~owned]
    price = products.set_index("product_id").loc["start", "price_2025_rub"]
    assert (pairs["price_share"] * price * pairs["seats"]).sum() == pytest.approx(ex.q2.expected_value())
