"""Раздел 8.4: утверждения текста проверяются на данных курса."""

from salesbook.exercises import ch08_escrow as ex
from salesbook.toolkit import escrow


def test_deal_is_enterprise_2025_and_milestones_sum_to_contract():
    deal = ex.implementation_deal()
    assert deal["segment"] == "enterprise" and deal["outcome"] == "won"
    assert abs(sum(ex.amounts()) - deal["amount_rub"]) < 1


def test_profile_a_frozen_money_dwarfs_fee_and_no_instrument_is_cheapest():
    a = ex.costs("A")
    assert a.loc["bank_escrow", "frozen"] > 5 * a.loc["bank_escrow", "fees"]  # «главная цена — не тариф»
    assert a.loc["none", "total"] < a.drop("none")["total"].min()  # «меньше любой защиты»
    assert a["total"].idxmax() == "smart_contract"  # «самый дорогой вариант»


def test_profile_b_threshold_inside_range_and_escrow_lc_close():
    lo, hi = ex.P_DEFAULT_B_RANGE
    p_b = ex.p_star("B")
    assert lo < p_b < hi  # «порог лежит внутри диапазона оценки — модель сама решения не даёт»
    assert escrow.cheapest_kind(ex.costs("B", lo)) == "none" and escrow.cheapest_kind(ex.costs("B", hi)) == "bank"
    b = ex.costs("B")
    lc, es = b.loc["letter_of_credit", "total"], b.loc["bank_escrow", "total"]
    assert abs(lc - es) / min(lc, es) < 0.05  # «почти равны»
    assert b["total"].idxmax() == "smart_contract"


def test_profile_a_threshold_far_above_assumed_risk():
    assert ex.p_star("A") > 2 * ex.P_DEFAULT_A  # «вывод устойчив»: и вдвое большая вероятность ниже порога
    assert escrow.cheapest_kind(ex.costs("A", 2 * ex.P_DEFAULT_A)) == "none"
    assert ex.p_star("B") < ex.p_star("A")  # «чем короче этапы, тем раньше обеспечение окупается»


def test_company_rate_raises_threshold():
    from salesbook.toolkit import course
    assert ex.p_star("B", course.DISCOUNT_RATE) > ex.p_star("B") * 1.2  # «заметно сдвигает ответ»


def test_scenario_vendor_gets_two_of_three():
    e = ex.scenario()
    assert e.state == "settled"
    assert [m["status"] for m in e.milestones] == ["released", "refunded", "released"]
