"""Анализ цикла сделки (раздел 10.3): опубликованные результаты и ручные примеры.

Главная проверка — воспроизведение классического примера анализа выживаемости:
длительность ремиссии у детей с острым лейкозом при поддерживающей терапии
6-меркаптопурином (6-MP) и плацебо (Freireich et al., 1963; Gehan, 1965).

Источники чисел:

* данные — Le, *Introductory Biostatistics* (Wiley, 2003), пример 11.1 (они же —
  MASS::gehan в R, Cox & Oakes 1984, с. 7): 6-MP — 6, 6, 6, 7, 10, 13, 16, 22, 23
  и цензурированные 6+, 9+, 10+, 11+, 17+, 19+, 20+, 25+, 32+, 32+, 34+, 35+;
  плацебо — 1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23;
* распечатка Stata ``sts list, by(group)`` в материалах курса Г. Родригеса
  (Princeton, Pop509, «The Gehan Survival Data»): контрольная группа
  S(1) = 0,9048 (ст. ошибка 0,0641), S(2) = 0,8095 (0,0857); всего 30 рецидивов
  и 541 неделя наблюдения;
* оценки Каплана — Мейера группы 6-MP, как их печатают учебники (например,
  Kleinbaum & Klein): 0,857; 0,807; 0,753; 0,690; 0,627; 0,538; 0,448 в недели
  6, 7, 10, 13, 16, 22, 23 — это произведения 18/21, ×16/17, ×14/15, ×11/12,
  ×10/11, ×6/7, ×5/6; медиана — 23 недели;
* лог-ранговый тест 6-MP против плацебо: хи-квадрат 16,79 на 1 степень свободы,
  p ≈ 4,2·10⁻⁵ (в R ``survdiff(Surv(time, cens) ~ treat, gehan)`` печатает
  «Chisq = 16.8 on 1 degrees of freedom, p = 4e-05»).
"""

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from salesbook.toolkit import cycle
from salesbook.toolkit.validation import MetricError

MP_WEEKS = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
MP_RELAPSE = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
PLACEBO_WEEKS = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def ts(s):
    return pd.Timestamp(s)


# --- опубликованный пример: Фрейрейх и др. (1963), Гехан (1965) ---------------------


def test_gehan_data_totals_match_published():
    assert sum(MP_RELAPSE) + len(PLACEBO_WEEKS) == 30
    assert sum(MP_WEEKS) + sum(PLACEBO_WEEKS) == 541


def test_kaplan_meier_reproduces_6mp_table():
    km = cycle.kaplan_meier(MP_WEEKS, MP_RELAPSE)
    assert list(km["time"]) == [6, 7, 10, 13, 16, 22, 23]
    assert list(km["at_risk"]) == [21, 17, 15, 12, 11, 7, 6]
    assert list(km["events"]) == [3, 1, 1, 1, 1, 1, 1]
    published = [0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448]
    assert np.allclose(km["survival"], published, atol=5e-4)
    exact = np.cumprod([Fraction(18, 21), Fraction(16, 17), Fraction(14, 15), Fraction(11, 12),
                        Fraction(10, 11), Fraction(6, 7), Fraction(5, 6)])
    assert np.allclose(km["survival"], [float(f) for f in exact], atol=1e-12)
    # ошибки Гринвуда: Stata печатает 0,0764 и 0,0869 для первых двух моментов
    assert km["se"].iloc[0] == pytest.approx(0.0764, abs=5e-5)
    assert km["se"].iloc[1] == pytest.approx(0.0869, abs=5e-5)
    assert cycle.km_median(MP_WEEKS, MP_RELAPSE) == 23


def test_kaplan_meier_reproduces_printed_control_group():
    km = cycle.kaplan_meier(PLACEBO_WEEKS, [1] * 21)
    assert km["survival"].iloc[0] == pytest.approx(0.9048, abs=5e-5)
    assert km["se"].iloc[0] == pytest.approx(0.0641, abs=5e-5)
    assert km["survival"].iloc[1] == pytest.approx(0.8095, abs=5e-5)
    assert km["se"].iloc[1] == pytest.approx(0.0857, abs=5e-5)
    # лог-лог интервал Stata для S(1): [0,6700; 0,9753]
    assert km["ci_low"].iloc[0] == pytest.approx(0.6700, abs=5e-4)
    assert km["ci_high"].iloc[0] == pytest.approx(0.9753, abs=5e-4)
    # без цензурирования оценка — просто доля оставшихся: S(10) = 8/21
    assert cycle.km_survival_at(km, 10)[0] == pytest.approx(8 / 21)
    assert cycle.km_median(PLACEBO_WEEKS, [1] * 21) == 8


def test_logrank_reproduces_gehan_comparison():
    weeks = MP_WEEKS + PLACEBO_WEEKS
    events = MP_RELAPSE + [1] * 21
    groups = ["6-MP"] * 21 + ["placebo"] * 21
    result = cycle.logrank(weeks, events, groups)
    assert result["statistic"] == pytest.approx(16.79, abs=0.01)
    assert result["df"] == 1
    assert result["pvalue"] == pytest.approx(4.17e-5, rel=0.01)


# --- входные данные -------------------------------------------------------------------------


def test_survival_input_errors():
    with pytest.raises(MetricError):
        cycle.kaplan_meier([1, 2], [1])
    with pytest.raises(MetricError):
        cycle.kaplan_meier([1, -2], [1, 1])
    with pytest.raises(MetricError):
        cycle.kaplan_meier([1, 2], [1, 2])
    with pytest.raises(MetricError):
        cycle.kaplan_meier([1, 2], [0, 0])
    with pytest.raises(MetricError):
        cycle.logrank([1, 2], [1, 1], ["a", "a"])


def test_km_median_is_nan_when_curve_stays_above_half():
    assert np.isnan(cycle.km_median([1, 2, 3, 4], [1, 0, 0, 0]))


# --- длительности на дату среза ----------------------------------------------------------


@pytest.fixture
def opps():
    return pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3", "O4"],
        "segment": ["smb", "smb", "smb", "smb"],
        "created_date": [ts("2025-01-01"), ts("2025-01-01"), ts("2025-03-01"), ts("2025-07-01")],
        "close_date": [ts("2025-01-21"), ts("2025-08-01"), ts("2025-03-11"), pd.NaT],
        "outcome": ["won", "lost", "won", "open"],
        "amount_rub": [100.0, 200.0, 300.0, 400.0],
    })


def test_durations_as_of_censor_open_deals(opps):
    d = cycle.durations_as_of(opps, "2025-06-30").set_index("opportunity_id")
    assert list(d.index) == ["O1", "O2", "O3"]
    assert d.loc["O1", "duration_days"] == 20 and d.loc["O1", "closed"]
    # O2 закроется в августе — на 30.06 она открыта, цензурирована на 180-м дне
    assert d.loc["O2", "duration_days"] == 180 and not d.loc["O2", "closed"] and not d.loc["O2", "won"]
    # наивная медиана закрытых — 15 дней, Каплан — Мейер не опускается до половины раньше 20-го дня
    assert cycle.km_median(d["duration_days"], d["closed"]) == 20
    with pytest.raises(MetricError):
        cycle.durations_as_of(opps, "2024-06-30")


# --- стадии --------------------------------------------------------------------------------


@pytest.fixture
def stages():
    return pd.DataFrame({
        "opportunity_id": ["O1", "O1", "O1", "O2", "O2", "O2", "O3", "O3"],
        "stage": ["discovery", "demo", "closed_won", "discovery", "demo", "closed_lost", "discovery", "demo"],
        "entered_date": [ts("2025-01-01"), ts("2025-01-05"), ts("2025-01-21"), ts("2025-01-01"), ts("2025-01-11"), ts("2025-08-01"),
                         ts("2025-03-01"), ts("2025-03-04")],
    })


def test_stage_history_and_conversion(opps, stages):
    h = cycle.stage_history(stages, opps, as_of="2025-12-31")
    demo = h[h["stage"].eq("demo")].set_index("opportunity_id")
    assert demo.loc["O1", "next_stage"] == "closed_won" and demo.loc["O1", "days_in_stage"] == 16
    assert not demo.loc["O3", "exited"] and demo.loc["O3", "days_in_stage"] == (ts("2025-12-31") - ts("2025-03-04")).days
    conv = cycle.stage_conversion(h, by=None)
    # demo: вышли O1 (выигрыш) и O2 (проигрыш); O3 ещё в стадии — в знаменатель не входит
    assert conv.loc["demo", "entered"] == 3 and conv.loc["demo", "decided"] == 2
    assert conv.loc["demo", "conversion"] == pytest.approx(0.5)
    assert conv.loc["discovery", "conversion"] == pytest.approx(1.0)
    assert cycle.bottleneck(conv, by=None)["stage"] == "demo"
    by_seg = cycle.stage_conversion(h)
    assert cycle.bottleneck(by_seg)["smb"] == "demo"


def test_stage_on_date(opps, stages):
    on = cycle.stage_on(stages, "2025-01-08")
    assert on["O1"] == "demo" and on["O2"] == "discovery" and "O3" not in on.index


# --- скорость продаж -------------------------------------------------------------------------


def test_sales_velocity_by_hand(opps):
    v = cycle.sales_velocity(opps, "2025-01-01", "2025-12-31", by=None).iloc[0]
    # открыто по дням: O1 — 20 дн., O2 — 212 дн. (до 01.08), O3 — 10 дн., O4 — 184 дн. (с 01.07); всего 426 сделко-дней
    assert v["open_deals"] == pytest.approx(426 / 365)
    assert v["win_rate"] == pytest.approx(2 / 3)
    assert v["acv_rub"] == pytest.approx(200)
    # средний цикл закрытых любым исходом: (20 + 212 + 10) / 3
    assert v["cycle_days"] == pytest.approx(242 / 3)
    assert v["velocity_rub_per_day"] == pytest.approx(426 / 365 * 2 / 3 * 200 / (242 / 3))
    assert v["bookings_rub_per_day"] == pytest.approx(400 / 365)
    seg = cycle.sales_velocity(opps, "2025-01-01", "2025-12-31")
    assert seg.loc["smb", "velocity_rub_per_day"] == pytest.approx(v["velocity_rub_per_day"])
    assert cycle.average_open_deals(opps, "2025-01-01", "2025-01-01", by=None) == 2
    with pytest.raises(MetricError):
        cycle.average_open_deals(opps, "2025-02-01", "2025-01-01")


# --- прогноз и бэктест ------------------------------------------------------------------------


def test_historical_rates_ignore_future_outcomes(opps, stages):
    rates = cycle.historical_stage_win_rates(opps, stages, "2025-06-30")
    # к 30.06 закрыты только O1 и O3 (обе выиграны); проигрыш O2 в августе ещё неизвестен
    assert rates["demo"] == pytest.approx(1.0)
    later = cycle.historical_stage_win_rates(opps, stages, "2025-12-31")
    assert later["demo"] == pytest.approx(2 / 3)


def test_pipeline_forecast_and_backtest(opps, stages):
    forecast = cycle.pipeline_forecast(opps, stages, "2025-06-30", {"discovery": 0.1, "demo": 0.5, "proposal": 0.5, "negotiation": 0.8})
    assert list(forecast["opportunity_id"]) == ["O2"]
    assert forecast["expected_rub"].iloc[0] == pytest.approx(100)
    bt = cycle.forecast_backtest(opps, stages, "2025-06-30", "2025-07-31")
    assert bt.loc["pipeline", "forecast_rub"] == pytest.approx(200)
    assert bt.loc["horizon", "forecast_rub"] == 0  # на прошлых срезах O2 в demo за месяц не выиграна
    assert bt.loc["crm", "forecast_rub"] == pytest.approx(200 * cycle.CRM_STAGE_PROBABILITIES["demo"])
    assert bt.loc["censored", "forecast_rub"] == pytest.approx(200)  # по закрытым к 30.06 — обе демо выиграны
    assert bt["actual_rub"].iloc[0] == 0  # O2 проиграна
    with pytest.raises(MetricError):  # прошлых срезов с прошедшим горизонтом нет
        cycle.horizon_stage_win_rates(opps, stages, "2025-06-30", 365)
    with pytest.raises(MetricError):
        cycle.pipeline_forecast(opps, stages, "2025-06-30", {"discovery": 0.1})


def test_backtest_on_course_data_is_honest():
    """На данных курса: прогноз по истории не заглядывает в будущее и осторожнее суммы воронки.

    Какой из способов ближе к факту — вывод раздела 10.3 о данных, его проверяет tests/test_ex_ch10_cycle.py.
    """
    from salesbook.data import load

    o = load("opportunities")
    s = load("opportunity_stages")
    bt = cycle.forecast_backtest(o, s, "2025-06-30", "2025-12-31")
    for method in ("crm", "censored", "horizon"):
        assert bt.loc["pipeline", "forecast_rub"] > bt.loc[method, "forecast_rub"] > 0
        assert abs(bt.loc[method, "error"]) < abs(bt.loc["pipeline", "error"])


def test_horizon_rates_by_hand(opps, stages):
    # срез 31.01.2025: открыта O2 (в demo), выиграть до 31.01 + 30 дней не успела; O1 уже закрыта, O3 ещё не создана
    rates = cycle.horizon_stage_win_rates(opps, stages, "2025-03-02", 30)
    assert list(rates.index) == ["demo"] and rates["demo"] == 0
    # срез 31.03.2025: O2 и O3 в demo; до 30.04 никто не выиграл; 28.02 — O2 в demo
    later = cycle.horizon_stage_win_rates(opps, stages, "2025-05-01", 30, by="segment")
    assert later.loc[("smb", "demo")] == 0


def test_km_by_group_splits_curves():
    frame = pd.DataFrame({"duration_days": MP_WEEKS + PLACEBO_WEEKS, "closed": MP_RELAPSE + [1] * 21,
                          "arm": ["6-MP"] * 21 + ["placebo"] * 21})
    curves = cycle.km_by_group(frame, "arm")
    assert set(curves) == {"6-MP", "placebo"}
    assert curves["6-MP"]["survival"].iloc[-1] == pytest.approx(0.4482, abs=5e-5)


def test_horizon_stage_pairs_match_rates_and_repeat_deals():
    import pandas as pd

    from salesbook.exercises import table
    from salesbook.toolkit import course, cycle
    o, st = table("opportunities"), table("opportunity_stages")
    cut = pd.Timestamp(course.AS_OF_MID_2025)
    days = (pd.Timestamp(course.DATA_END) - cut).days
    pairs = cycle.horizon_stage_pairs(o, st, cut, days, by="segment")
    rates = cycle.horizon_stage_win_rates(o, st, cut, days, by="segment")
    assert pairs.groupby(["group", "stage"])["won"].mean().to_numpy() == pytest.approx(rates.to_numpy())
    assert (pairs["snapshot"] + pd.Timedelta(days=days) <= cut).all()  # только срезы, чей горизонт прошёл
    assert len(pairs) > pairs["opportunity_id"].nunique()  # одна сделка — на нескольких срезах


def test_durations_as_of_by_hand_with_open_and_late_deals():
    """Открытая сделка и закрытая после среза — цензурированы до среза; дни — целые, вниз."""
    opps = pd.DataFrame({
        "created_date": pd.to_datetime(["2025-01-01", "2025-01-10", "2025-02-01", "2025-07-01"]),
        "close_date": pd.to_datetime(["2025-01-31 18:00", None, "2025-08-01 00:00", "2025-07-02 00:00"]),
        "outcome": ["won", None, "lost", "won"],
    })
    deals = cycle.durations_as_of(opps, "2025-06-30")
    assert deals["duration_days"].tolist() == [30.0, 171.0, 149.0]
    assert deals["closed"].tolist() == [True, False, False] and deals["won"].tolist() == [True, False, False]
    assert "duration_days" not in opps.columns  # вход не меняется
