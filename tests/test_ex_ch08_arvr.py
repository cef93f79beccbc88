"""Раздел 8.3: утверждения текста проверяются на данных курса."""

from salesbook.exercises import ch08_arvr as ex
from salesbook.toolkit import demo_roi


def _numbers():
    base = ex.base_inputs()
    modes = demo_roi.mode_inputs()
    sim = demo_roi.simulate(base)
    return base, modes, sim


def test_mode_npv_negative_and_breakeven_low_but_above_q1():
    base, modes, _ = _numbers()
    assert demo_roi.npv(**base, **modes) < 0  # при нулевом приросте — только затраты
    be = demo_roi.breakeven_uplift(**base, **modes)
    assert 0 < be < ex.Q1_UPLIFT  # «окупается уже при приросте …», и 3 % — выше порога
    assert ex.q1.expected_value() > 0


def test_loss_more_likely_than_profit_and_right_tail():
    _, _, sim = _numbers()
    assert demo_roi.loss_probability(sim["npv"]) > 0.5  # «убыток вероятнее прибыли»
    assert sim["npv"].mean() < 0
    assert sim["npv"].quantile(0.9) > -sim["npv"].mean()  # «правый хвост длинный»: P90 дальше от нуля, чем средний убыток


def test_uplift_dominates_tornado():
    base, _, _ = _numbers()
    t = demo_roi.tornado(base)
    assert t.index[0] == demo_roi.INPUT_LABELS["uplift"]
    assert t["swing"].iloc[0] > 5 * t["swing"].iloc[1]


def test_evpi_above_pilot_cost_but_pilot_cannot_measure():
    n = ex.pilot_numbers()
    assert n["evpi"] > ex.PILOT_COST  # «EVPI больше цены пилота — и это соблазняет»
    assert n["deals_needed"] > 100 * n["pilot_deals"]
    assert ex.decision() == "drop"


def test_breakeven_falls_with_deals_and_acv():
    base, modes, _ = _numbers()
    g = demo_roi.breakeven_grid(base, modes, [50, 363, 1000], [500_000, 2_500_000, 10_000_000])
    assert (g.diff(axis=0).iloc[1:] < 0).all().all() and (g.diff(axis=1).iloc[:, 1:] < 0).all().all()


def test_cycle_is_counted_from_demo_not_creation():
    from salesbook.exercises import table
    from salesbook.toolkit import course, kpi
    opps, stages = table("opportunities"), table("opportunity_stages")
    b = demo_roi.baseline(opps, stages, *course.YEAR_2025)
    deals = demo_roi.demo_deals(opps, stages, *course.YEAR_2025)
    assert 0 < b["cycle_days"] < kpi.median_cycle(deals, *course.YEAR_2025)  # от демо короче, чем от создания


def test_uplift_swing_over_hundred_times_headsets():
    base, _, _ = _numbers()
    t = demo_roi.tornado(base)
    labels = demo_roi.INPUT_LABELS
    assert t.loc[labels["uplift"], "swing"] > 100 * t.loc[labels["headset_cost"], "swing"]  # квиз: «более чем в сто раз»
