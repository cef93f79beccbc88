"""salesbook.toolkit.outbound на маленьких примерах, посчитанных вручную."""

from __future__ import annotations

import pandas as pd
import pytest

from salesbook.toolkit import outbound
from salesbook.toolkit.validation import MetricError


def test_sequence_yield_by_hand():
    # 10 лидов начали, 6 дошли до 2-го касания, 3 — до 3-го; встречи: 1 + 1 + 0
    curve = pd.DataFrame({"leads": [10, 6, 3], "meetings": [1, 1, 0]}, index=[1, 2, 3])
    y = outbound.sequence_yield(curve)
    assert y["touches"] == 19 and y["touches_per_lead"] == pytest.approx(1.9)
    assert y["meetings_per_lead"] == pytest.approx(0.2)
    assert y["touches_per_meeting"] == pytest.approx(9.5)


def test_sequence_yield_needs_first_touch():
    with pytest.raises(MetricError):
        outbound.sequence_yield(pd.DataFrame({"leads": [5], "meetings": [1]}, index=[2]))


def test_sequence_plan_rounds_up_each_step():
    # 10 встреч при 0,2 встречи на лид → 50 лидов; 90 % годных → ⌈55,6⌉ = 56 контактов; 50 × 6,3 = 315 касаний
    plan = outbound.sequence_plan(10, 0.2, 6.3, 0.9)
    assert plan.to_dict() == {"leads": 50, "contacts": 56, "touches": 315}
    # ровное деление не добавляет лишнего лида из-за погрешности плавающей точки
    assert outbound.sequence_plan(3, 0.1, 1.0)["leads"] == 30


def test_sequence_plan_rejects_percent():
    with pytest.raises(MetricError, match="доля"):
        outbound.sequence_plan(10, 20, 6.0)


def _boxes():
    weeks = pd.to_datetime(["2024-09-02", "2024-09-09", "2024-09-02", "2024-10-07"])
    return pd.DataFrame({
        "week": weeks, "domain": ["a.ru", "a.ru", "a.ru", "a.ru"],
        "sent": [500, 500, 1000, 300], "delivered": [490, 480, 1000, 300],
        "hard_bounces": [8, 12, 0, 0], "soft_bounces": [2, 8, 0, 0], "complaints": [1, 2, 0, 0],
        "inbox_share": [0.9, 0.5, 0.9, 0.8],
    })


def test_domain_health_month_by_hand():
    h = outbound.domain_health(_boxes())
    sep = h.loc[("a.ru", pd.Timestamp("2024-09-01"))]
    assert sep["sent"] == 2000 and sep["delivered"] == 1970
    assert sep["hard_bounce_rate"] == pytest.approx(20 / 2000)
    assert sep["complaint_rate"] == pytest.approx(3 / 1970)   # база — доставленные
    assert sep["inbox_share"] == pytest.approx((0.9 + 0.5) / 2)  # один замер на неделю, а не на ящик


def test_flag_domains_thresholds():
    h = outbound.domain_health(_boxes(), "W")
    flagged = outbound.flag_domains(h, complaint_limit=0.003, bounce_limit=0.02)
    # неделя 2 сентября: 1/1490 ≈ 0,07 % жалоб, 8/1500 ≈ 0,53 % возвратов — в норме;
    # неделя 9 сентября: 2/480 ≈ 0,42 % жалоб и 12/500 = 2,4 % возвратов — оба порога
    assert list(flagged.index.get_level_values("period")) == [pd.Timestamp("2024-09-09")]
    assert bool(flagged["complaints_over"].iloc[0]) and bool(flagged["bounces_over"].iloc[0])
    only_complaints = outbound.flag_domains(h, complaint_limit=0.003, bounce_limit=0.03)
    assert not bool(only_complaints["bounces_over"].iloc[0])


def test_google_thresholds_are_published_values():
    assert outbound.SPAM_RATE_TARGET == 0.001 and outbound.SPAM_RATE_LIMIT == 0.003


def test_channel_costs_by_hand():
    spend = pd.DataFrame({"month": pd.to_datetime(["2025-01-01"] * 3), "business_line": ["b2b", "b2b", "b2c"],
                          "channel": ["outbound", "ppc", "ppc"], "spend_rub": [100.0, 300.0, 999.0]})
    sm = pd.DataFrame({"month": pd.to_datetime(["2025-01-01"] * 5),
                       "department": ["sales", "sales", "sales", "marketing", "marketing"],
                       "cost_type": ["salary", "bonus", "salary", "salary", "tools"],
                       "role": ["BDR", "BDR", "SDR", "marketer", None],
                       "amount_rub": [1000.0, 200.0, 500.0, 400.0, 50.0]})
    out = outbound.channel_costs(spend, sm, "2025-01-01", "2025-12-31", "outbound", payroll_tax=0.1)
    assert out["total"] == pytest.approx(100 + 1200 * 1.1)
    inb = outbound.channel_costs(spend, sm, "2025-01-01", "2025-12-31", "inbound", payroll_tax=0.1)
    assert inb["total"] == pytest.approx(300 + 900 * 1.1 + 50)
    assert outbound.cost_per_result(out["total"], 4) == pytest.approx(1420 / 4)


def test_list_fit_by_hand():
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3", "L4"], "channel": ["outbound"] * 3 + ["ppc"],
                          "created_date": pd.to_datetime(["2025-02-01"] * 4),
                          "segment": ["mid_market", "mid_market", "enterprise", "mid_market"],
                          "industry": ["it", "retail", "it", "it"]})
    acts = pd.DataFrame({"lead_id": ["L1", "L3", "L4"], "outcome": ["meeting_booked"] * 3})
    fit = outbound.list_fit(leads, acts, [("mid_market", "it")])
    assert fit.loc["icp", "leads"] == 1 and fit.loc["other", "leads"] == 2
    assert fit.loc["icp", "meeting_rate"] == 1.0 and fit.loc["other", "meeting_rate"] == 0.5


def test_valid_contact_share_by_hand():
    leads = pd.DataFrame({"channel": ["outbound"] * 4, "created_date": pd.to_datetime(["2025-03-01"] * 4),
                          "disqualify_reason": ["wrong_contact", None, "no_budget", None]})
    assert outbound.valid_contact_share(leads) == 0.75


def test_sql_cohort_won_by_hand():
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3", "L4"], "channel": ["outbound", "outbound", "ppc", "ppc"],
                          "business_line": ["b2b"] * 4, "trial_started": [False, False, True, False],
                          "sql_date": pd.to_datetime(["2025-02-01", "2025-03-01", "2025-04-01", "2024-04-01"])})
    opps = pd.DataFrame({"lead_id": ["L1", "L2", "L3", "L4"], "outcome": ["won", None, "won", "won"],
                         "amount_rub": [100.0, 50.0, 30.0, 999.0]})
    out = outbound.sql_cohort_won(leads, opps, "2025-01-01", "2025-12-31")
    assert out["sqls"] == 2 and out["open_deals"] == 1 and out["won_acv"] == 100 and out["trial_share"] == 0
    inb = outbound.sql_cohort_won(leads, opps, "2025-01-01", "2025-12-31", "inbound")
    assert inb["sqls"] == 1 and inb["trial_share"] == 1 and inb["won_acv"] == 30
    with pytest.raises(MetricError):
        outbound.sql_cohort_won(leads, opps, "2023-01-01", "2023-12-31")


def test_ae_commission_rate_by_hand():
    sm = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-02-01"]),
                       "cost_type": ["bonus", "bonus", "salary"], "role": ["AE", "BDR", "AE"],
                       "amount_rub": [8.0, 5.0, 100.0]})
    opps = pd.DataFrame({"outcome": ["won", "lost", "won"], "close_date": pd.to_datetime(["2025-01-10", "2025-01-10", "2024-05-01"]),
                         "amount_rub": [100.0, 50.0, 70.0]})
    assert outbound.ae_commission_rate(sm, opps, "2025-01-01", "2025-12-31") == pytest.approx(0.08)
    with pytest.raises(MetricError):
        outbound.ae_commission_rate(sm, opps, "2023-01-01", "2023-12-31")
