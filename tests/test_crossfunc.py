"""crossfunc: функции раздела 4.3 на маленьких примерах, посчитанных руками."""

from __future__ import annotations

import pandas as pd
import pytest

from salesbook.toolkit import course, crossfunc, social
from salesbook.toolkit.validation import MetricError


def _leads():
    return pd.DataFrame({
        "channel": ["ppc", "ppc", "ppc", "events", "outbound", "ppc", "ppc"],
        "mql_date": pd.to_datetime(["2025-01-10", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01",
                                    "2024-12-31", "2025-06-01"]),
        "sdr_id": ["R1", "R1", "R2", "R2", "R3", "R1", None],
        "status": ["disqualified", "converted", "disqualified", "mql", "disqualified", "disqualified", "disqualified"],
        "disqualify_reason": ["no_need", None, "no_response", None, "no_need", "no_need", "no_response"],
    })


def test_mql_rejections_counts_only_inbound_worked_mqls_of_the_period():
    by = crossfunc.mql_rejections(_leads(), *course.YEAR_2025)
    # ppc: три MQL 2025 года со sdr_id, два отклонены; events: один, не отклонён; outbound и без SDR — вне базы
    assert by.loc["ppc", "mqls"] == 3 and by.loc["ppc", "rejected"] == 2
    assert by.loc["ppc", "rejected_share"] == pytest.approx(2 / 3)
    assert by.loc["events", "rejected_share"] == 0
    total = crossfunc.mql_rejections(_leads(), *course.YEAR_2025, by=None)
    assert total["mqls"] == 4 and total["rejected_share"] == pytest.approx(0.5)


def test_rejection_reasons_are_shares_of_rejected():
    r = crossfunc.rejection_reasons(_leads(), *course.YEAR_2025)
    assert r.loc["ppc", "no_need"] == pytest.approx(0.5) and r.loc["ppc", "no_response"] == pytest.approx(0.5)
    assert r.sum(axis=1).tolist() == pytest.approx([1.0])


def test_empty_period_is_a_russian_error():
    with pytest.raises(MetricError, match="нет входящих MQL"):
        crossfunc.mql_rejections(_leads(), "2020-01-01", "2020-12-31")


def test_lost_acv_sums_lost_deals_closed_in_period():
    opps = pd.DataFrame({
        "outcome": ["lost", "lost", "lost", "won", "lost"],
        "close_date": pd.to_datetime(["2025-01-05", "2025-06-01", "2025-07-01", "2025-03-01", "2024-12-31"]),
        "amount_rub": [100.0, 300.0, 50.0, 1000.0, 700.0],
        "loss_reason": ["price", "competitor", "price", None, "price"],
        "competitor": [None, "helppro", None, None, None],
    })
    t = crossfunc.lost_acv(opps, *course.YEAR_2025)
    assert t.loc["competitor", "lost_acv_rub"] == 300 and t.loc["price", "lost_acv_rub"] == 150
    assert t.loc["price", "deals"] == 2 and t["share"].sum() == pytest.approx(1.0)
    assert list(t.index) == ["competitor", "price"]
    pair = crossfunc.lost_acv(opps, *course.YEAR_2025, by=["loss_reason", "competitor"])
    assert pair.loc[("price", "none"), "lost_acv_rub"] == 150


def test_handoff_outcomes_keep_only_customers_with_a_full_window():
    h = pd.DataFrame({"account_id": ["A1", "A2", "A3"], "close_date": pd.to_datetime(["2024-01-10", "2024-06-01", "2025-06-01"]),
                      "completeness": [1.0, 0.6, 1.0], "segment": ["smb"] * 3})
    acc = pd.DataFrame({"account_id": ["A1", "A2", "A3"],
                        "churned_on": pd.to_datetime(["2024-12-01", "2025-09-01", "2025-08-01"])})
    out = crossfunc.handoff_outcomes(h, acc, observed_until="2025-12-31").set_index("account_id")
    assert list(out.index) == ["A1", "A2"]          # у A3 год ещё не прошёл
    assert out.loc["A1", "early_churn"] and not out.loc["A2", "early_churn"]   # A2 ушёл через 457 дней
    assert out.loc["A1", "card"] == "full" and out.loc["A2", "card"] == "partial"


# Newcombe (1998), Statistics in Medicine 17, 857–872, таблица I, метод 3 (интервал Уилсона, 95 %).
NEWCOMBE_TABLE_I = [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0000, 0.1611), (1, 29, 0.0061, 0.1718)]


@pytest.mark.parametrize("k, n, low, high", NEWCOMBE_TABLE_I)
def test_churn_rates_reproduce_newcombe_wilson_intervals(k, n, low, high):
    frame = pd.DataFrame({"card": ["x"] * n, "early_churn": [True] * k + [False] * (n - k)})
    r = crossfunc.churn_rates(frame).loc["x"]
    assert r["rate"] == pytest.approx(k / n)
    assert r["low"] == pytest.approx(low, abs=5e-5) and r["high"] == pytest.approx(high, abs=5e-5)


def _raci(changes=None):
    t = pd.DataFrame({"ae": ["R", "R"], "head": ["A", "A/R"], "cs": ["I", ""]}, index=["p1", "p2"])
    for (row, col), v in (changes or {}).items():
        t.loc[row, col] = v
    return t


def test_raci_valid_table_has_no_problems():
    assert crossfunc.raci_problems(_raci()).empty


@pytest.mark.parametrize("changes, process, word", [
    ({("p1", "cs"): "A"}, "p1", "нескольких"),
    ({("p1", "head"): "C"}, "p1", "нет A"),
    ({("p2", "ae"): "C", ("p2", "head"): "A"}, "p2", "нет R"),
    ({("p1", "cs"): "X"}, "p1", "неизвестные"),
    ({("p1", "head"): "A/I"}, "p1", "несовместимые"),
])
def test_raci_problems_name_process_and_rule(changes, process, word):
    p = crossfunc.raci_problems(_raci(changes))
    assert ((p["process"] == process) & p["problem"].str.contains(word)).any()


def test_raci_rejects_non_tables():
    with pytest.raises(MetricError, match="таблица"):
        crossfunc.raci_problems([["R", "A"]])


def test_hour_cost_uses_current_staff_and_2025_norm():
    reps = pd.DataFrame({"role": ["CSM", "CSM", "CSM", "AE"], "base_salary_rub": [100_000.0, 120_000.0, 300_000.0, 200_000.0],
                         "exit_date": [None, None, "2024-05-31", None]})
    expected = 110_000 * (1 + course.PAYROLL_TAX_RATE) * 12 / course.WORK_HOURS_2025   # ушедший не входит
    assert crossfunc.hour_cost(reps, "CSM") == pytest.approx(expected)
    assert crossfunc.hour_cost(reps, "CSM") == pytest.approx(social.rep_hour_cost(110_000.0))
    with pytest.raises(MetricError, match="нынешних"):
        crossfunc.hour_cost(reps.assign(exit_date="2024-01-31"), "CSM")


def test_hour_cost_is_the_2_4_number():
    from salesbook.exercises import table
    reps = table("reps")
    active = reps[(reps["role"] == "AE") & reps["exit_date"].isna()]
    assert crossfunc.hour_cost(reps, "AE") == pytest.approx(social.rep_hour_cost(active["base_salary_rub"].mean()))


def test_breakeven_is_cost_over_loss():
    assert crossfunc.handoff_call_breakeven(3_000, 600_000) == pytest.approx(0.005)
    with pytest.raises(MetricError):
        crossfunc.handoff_call_breakeven(3_000, 0)


def test_section_codes_have_russian_labels():
    from salesbook.exercises import ch04_functions as ex
    from salesbook.runtime import plotting
    codes = [*crossfunc.HANDOFF_ITEMS, "completeness", *ex.RACI_ROLES, *ex.broken_raci().index]
    assert all(plotting.label(c) != c for c in codes if c not in ("ae", "csm"))
