"""Эскроу по этапам (раздел 8.4): каждый переход автомата и цены инструментов, посчитанные руками."""

import pytest

from salesbook.toolkit import escrow
from salesbook.toolkit.escrow import EscrowError, MilestoneEscrow


def _new():
    return MilestoneEscrow("O1", [("A", 100.0), ("B", 200.0), ("C", 300.0)])


def test_created_then_cancel():
    e = _new()
    assert e.state == "created" and e.balance == 0
    e.cancel()
    assert e.state == "cancelled"
    with pytest.raises(EscrowError, match="отменён"):
        e.fund(600)


def test_fund_requires_exact_total_and_only_once():
    e = _new()
    with pytest.raises(EscrowError, match="ровно сумму"):
        e.fund(500)
    e.fund(600)
    assert e.state == "funded" and e.balance == 600
    with pytest.raises(EscrowError, match="пополнен"):
        e.fund(600)
    with pytest.raises(EscrowError):
        e.cancel()


def test_accept_pays_vendor_and_closes_when_all_done():
    e = _new().fund(600).accept(0).accept(1)
    assert e.state == "funded" and e.balance == 300 and e.paid("vendor") == 300
    with pytest.raises(EscrowError, match="выплачен поставщику"):
        e.accept(0)
    e.accept(2)
    assert e.state == "released" and e.balance == 0


def test_accept_before_funding_is_illegal():
    with pytest.raises(EscrowError, match="создан"):
        _new().accept(0)


def test_dispute_blocks_payments_and_settle_returns_to_funded():
    e = _new().fund(600).dispute(1)
    assert e.state == "disputed" and e.milestones[1]["status"] == "disputed"
    with pytest.raises(EscrowError, match="этап оспорен"):
        e.accept(0)
    e.settle(1, "client")
    assert e.state == "funded" and e.paid("client") == 200


def test_settle_only_for_disputed_milestone():
    e = _new().fund(600).dispute(1)
    with pytest.raises(EscrowError, match="ждёт приёмки"):
        e.settle(0, "vendor")
    with pytest.raises(EscrowError, match="поставщик"):
        e.settle(1, "бухгалтерия")


def test_escalate_and_arbitrate():
    e = _new().fund(600).dispute(1).escalate(1)
    assert e.state == "arbitration"
    with pytest.raises(EscrowError, match="арбитраж"):
        e.settle(1, "vendor")
    e.arbitrate(1, "vendor")
    assert e.state == "funded" and e.paid("vendor") == 200


def test_arbitrate_without_escalation_is_illegal():
    with pytest.raises(EscrowError):
        _new().fund(600).dispute(0).arbitrate(0, "vendor")


def test_expire_refunds_pending_only():
    e = _new().fund(600).accept(0).expire()
    assert e.state == "settled" and e.paid("client") == 500 and e.balance == 0  # часть выплачена, часть возвращена
    assert _new().fund(600).expire().state == "refunded"


def test_bad_index_and_empty_escrow():
    with pytest.raises(EscrowError, match="нет"):
        _new().fund(600).accept(5)
    with pytest.raises(EscrowError, match="без этапов"):
        MilestoneEscrow("O1", [])


def test_log_records_every_event():
    log = _new().fund(600).accept(0).dispute(1).escalate(1).arbitrate(1, "client").accept(2).log()
    assert list(log["event"]) == ["создание", "пополнение", "приёмка этапа и выплата", "спор по этапу",
                                  "передача в арбитраж", "решение арбитра", "приёмка этапа и выплата"]
    assert log["balance_rub"].iloc[-1] == 0 and log["state"].iloc[-1] == "settled"
    assert _new().fund(600).accept(0).accept(1).accept(2).state == "released"


def test_costs_by_hand():
    assert escrow.bank_fee(1_000_000, 0.003, 30_000) == 30_000
    assert escrow.bank_fee(20_000_000, 0.003, 30_000) == pytest.approx(60_000)
    # 1 млн на 12 месяцев по 25 % годовых — 250 тыс.; на 6 месяцев — 1 млн × (1,25^0,5 − 1)
    assert escrow.frozen_capital_cost([1_000_000], [12], 0.25) == pytest.approx(250_000)
    assert escrow.frozen_capital_cost([1_000_000], [6], 0.25) == pytest.approx(1_000_000 * (1.25**0.5 - 1))
    t = escrow.instrument_costs([1_000_000, 1_000_000], [0, 12], p_default=0.1, client_rate=0.25)
    assert t.loc["none", "total"] == pytest.approx(100_000)
    assert t.loc["bank_escrow", "total"] == pytest.approx(30_000 + 250_000)
    assert t.loc["letter_of_credit", "fees"] == pytest.approx(4_000 + 2 * 1_500)
    assert escrow.cheapest(t) == "none" and escrow.cheapest_kind(t) == "none"


def test_messages_use_nbsp_and_name_allowed_state():
    with pytest.raises(EscrowError, match="500\u00a0₽") as info:
        _new().fund(500)
    assert "600\u00a0₽" in str(info.value)
    with pytest.raises(EscrowError, match="допустимо только в состоянии «пополнен»"):
        _new().accept(0)


def test_frozen_money_priced_at_client_rate_by_default():
    from salesbook.toolkit import course
    assert escrow.CLIENT_RATE < course.DISCOUNT_RATE
    assert escrow.frozen_capital_cost([1_000_000], [12]) == pytest.approx(1_000_000 * escrow.CLIENT_RATE)
    t = escrow.instrument_costs([1_000_000], [12], 0.0, client_rate=0.1)
    assert t.loc["bank_escrow", "frozen"] == pytest.approx(100_000)


def test_breakeven_default_by_hand():
    # два этапа по 1 млн, выплата через 0 и 12 месяцев, ставка 25 %: эскроу 30 000 + 250 000,
    # аккредитив 4 000 + 2 × 1 500 + 250 000 = 257 000 — дешевле; крупнейший этап 1 млн → p* = 0,257
    p = escrow.breakeven_default([1_000_000, 1_000_000], [0, 12], client_rate=0.25)
    assert p == pytest.approx(0.257)
    t = escrow.instrument_costs([1_000_000, 1_000_000], [0, 12], p, client_rate=0.25)
    assert t.loc["none", "total"] == pytest.approx(t.loc[list(escrow.BANK), "total"].min())
    g = escrow.breakeven_table([1_000_000, 1_000_000], {"A": [0, 12], "B": [0, 6]}, [0.1, 0.25])
    assert g.loc[0.25, "A"] == pytest.approx(0.257) and (g["B"] < g["A"]).all() and g["A"].is_monotonic_increasing
