"""salesbook.toolkit.roles на маленьких примерах, посчитанных вручную."""

from __future__ import annotations

import pandas as pd
import pytest

from salesbook.toolkit import roles
from salesbook.toolkit.validation import MetricError

Q1 = ("2025-01-01", "2025-03-31")


def _reps(**extra):
    rows = [
        {"rep_id": "R1", "role": "SDR", "team": None, "hire_date": "2025-01-01", "exit_date": None, "ramp_months": 2},
        {"rep_id": "R2", "role": "AE", "team": "mid_market", "hire_date": "2024-01-01", "exit_date": None, "ramp_months": 4},
        {"rep_id": "R3", "role": "CSM", "team": None, "hire_date": "2024-06-01", "exit_date": None, "ramp_months": 2},
    ]
    frame = pd.DataFrame(rows)
    for column in ("hire_date", "exit_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def test_person_months_worked_and_ramped_by_hand():
    # SDR нанят 1 января со сроком 2 мес.: отработано 3 месяца, продуктивных 1/2 + 1 + 1 = 2,5
    reps = _reps()
    assert roles.person_months(reps, *Q1, "SDR", ramped=False) == pytest.approx(3.0)
    assert roles.person_months(reps, *Q1, "SDR") == pytest.approx(2.5)
    assert roles.person_months(reps, *Q1, "AE", team="mid_market") == pytest.approx(3.0)
    with pytest.raises(MetricError):
        roles.person_months(reps, *Q1, "AE", team="enterprise")
    with pytest.raises(MetricError, match="не из списка"):
        roles.person_months(reps, *Q1, "Продавец")


def _costs():
    rows = [
        ("2025-01-01", "sales", "salary", "SDR", 100_000), ("2025-01-01", "sales", "bonus", "SDR", 50_000),
        ("2025-01-01", "sales", "salary", "AE", 300_000), ("2025-01-01", "sales", "bonus", "AE", 100_000),
        ("2025-01-01", "sales", "tools", None, 20_000), ("2025-01-01", "sales", "overhead", None, 50_000),
        ("2025-01-01", "customer_success", "salary", "CSM", 150_000),
        ("2025-01-01", "customer_success", "tools", None, 7_000),
    ]
    frame = pd.DataFrame(rows, columns=["month", "department", "cost_type", "role", "amount_rub"])
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


def test_pay_mix_by_hand():
    mix = roles.pay_mix(_costs(), "2025-01-01", "2025-01-31")
    assert mix.loc["SDR", "variable_share"] == pytest.approx(50_000 / 150_000)
    assert mix.loc["AE", "variable_share"] == pytest.approx(0.25)
    assert mix.loc["CSM", "variable_share"] == 0.0


def test_loaded_cost_by_hand():
    # январь: SDR и AE — по месяцу в продажах, инструменты и накладные продаж 70 000 / 2 = 35 000;
    # SDR: 100 000 + 50 000 + 7,6 % взносов (11 400) + 35 000 = 196 400
    cost = roles.loaded_cost(_costs(), _reps(), "2025-01-01", "2025-01-31", payroll_tax=0.076)
    assert cost.loc["SDR", "tax_pm"] == pytest.approx(11_400)
    assert cost.loc["SDR", "overhead_pm"] == pytest.approx(35_000)
    assert cost.loc["SDR", "loaded_pm"] == pytest.approx(196_400)
    assert cost.loc["CSM", "loaded_pm"] == pytest.approx(150_000 * 1.076 + 7_000)
    with pytest.raises(MetricError, match="доля"):
        roles.loaded_cost(_costs(), _reps(), "2025-01-01", "2025-01-31", payroll_tax=7.6)


def test_sdr_capacity_by_hand():
    leads = pd.DataFrame({
        "lead_id": ["L1", "L2", "L3", "L4"], "account_id": ["A1", "A2", "A3", "A4"], "sdr_id": ["R1", "R1", "R1", None],
        "created_date": pd.to_datetime(["2025-01-10", "2025-02-10", "2025-03-10", "2025-03-11"]),
        "sql_date": pd.to_datetime(["2025-01-20", None, "2025-03-20", "2025-03-21"]),
    })
    cap = roles.capacity("SDR", {"reps": _reps(), "leads": leads}, *Q1)
    # 3 лида и 2 SQL за 2,5 продуктивных месяца; лид без SDR не считается
    assert cap["leads_per_month"] == pytest.approx(3 / 2.5)
    assert cap["sql_per_month"] == pytest.approx(2 / 2.5)


def test_ae_fed_per_feeder_by_hand_and_validation():
    # 6 SQL × 50 % в сделку / 4 сделки на AE = 0,75 AE
    assert roles.ae_fed_per_feeder(6, 4, 0.5) == pytest.approx(0.75)
    with pytest.raises(MetricError):
        roles.ae_fed_per_feeder(6, 0)
    with pytest.raises(MetricError, match="Проценты"):
        roles.ae_fed_per_feeder(6, 4, 50)


def test_committee_size_counts_linked_contacts_of_won_deals():
    opps = pd.DataFrame({"opportunity_id": ["O1", "O2", "O3"], "segment": ["smb", "enterprise", "enterprise"],
                         "outcome": ["won", "won", "lost"], "amount_rub": [1.0, 2.0, 3.0],
                         "close_date": pd.to_datetime(["2025-01-05"] * 3)})
    contacts = pd.DataFrame({"contact_id": ["C1", "C2", "C3", "C4", "C5"],
                             "opportunity_id": ["O2", "O2", "O2", "O3", None]})
    size = roles.committee_size(contacts, opps, *Q1)
    assert size["enterprise"] == 3 and size["smb"] == 0


def test_role_card_has_profile_money_and_benchmark():
    from salesbook.data import load

    data = {n: load(n) for n in ("reps", "leads", "opportunities", "mrr", "support_tickets", "sm_costs")}
    card = roles.role_card("BDR", data, "2025-01-01", "2025-12-31", "ориентир")
    assert card.loc["Миссия", "value"] == roles.ROLE_PROFILES["BDR"]["mission"]
    assert card.loc["Ориентир рынка", "value"] == "ориентир"
    assert 0 < card.loc["Доля переменной части", "value"] < 1
    assert all(k in roles.CARD_LABELS for k in card.index if k.startswith("capacity."))
    with pytest.raises(MetricError):
        roles.role_card("manager", data, "2025-01-01", "2025-12-31")


def test_sql_to_deal_share_keeps_only_deals_of_the_given_segments():
    # 4 SQL SDR в периоде: сделка mid-market, сделка SMB, без сделки, сделка enterprise → 2 из 4 = 50 %;
    # SQL вне периода и SQL другого сотрудника не считаются
    reps = pd.DataFrame({"rep_id": ["S1", "B1"], "role": ["SDR", "BDR"]})
    leads = pd.DataFrame({"sdr_id": ["S1", "S1", "S1", "S1", "S1", "B1"],
                          "sql_date": pd.to_datetime(["2025-01-10", "2025-02-01", "2025-03-01", "2025-03-20",
                                                      "2025-05-01", "2025-01-15"]),
                          "opportunity_id": ["O1", "O2", None, "O3", "O4", "O5"]})
    opps = pd.DataFrame({"opportunity_id": ["O1", "O2", "O3", "O4", "O5"],
                         "segment": ["mid_market", "smb", "enterprise", "mid_market", "mid_market"]})
    assert roles.sql_to_deal_share(leads, opps, reps, "SDR", *Q1) == pytest.approx(0.5)
    assert roles.sql_to_deal_share(leads, opps, reps, "SDR", *Q1, segments=("smb",)) == pytest.approx(0.25)
    assert roles.sql_to_deal_share(leads, opps, reps, "BDR", *Q1) == pytest.approx(1.0)
    with pytest.raises(MetricError):
        roles.sql_to_deal_share(leads, opps, reps, "SDR", "2026-01-01", "2026-03-31")


def test_planned_ae_mix_by_hand():
    # план 10 млн ₽ × 8 % = 800 тыс. ₽ премии; оклад на 1 января 100 тыс. ₽ × 12 = 1,2 млн ₽;
    # OTE = 2 млн ₽ → доля премии 40 %, план / OTE = 5; запись оклада после 1 января не учитывается
    quotas = pd.DataFrame({"rep_id": ["A1", "A1"], "year": [2024, 2025], "annual_quota_rub": [5e6, 10e6]})
    salaries = pd.DataFrame({"rep_id": ["A1", "A1"], "effective_date": pd.to_datetime(["2024-03-01", "2025-02-01"]),
                             "base_salary_rub": [100_000.0, 200_000.0]})
    reps = pd.DataFrame({"rep_id": ["A1"], "team": ["mid_market"]})
    mix = roles.planned_ae_mix(quotas, salaries, reps, 2025, 0.08)
    assert mix.loc["mid_market", "variable_share"] == pytest.approx(0.4)
    assert mix.loc["mid_market", "quota_to_ote"] == pytest.approx(5.0)
    assert mix.loc["mid_market", "n"] == 1
    with pytest.raises(MetricError):
        roles.planned_ae_mix(quotas, salaries, reps, 2030, 0.08)
