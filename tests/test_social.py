"""salesbook.toolkit.social: ручные примеры, сверка со statsmodels и опубликованный пример (камни в почках)."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from salesbook.runtime import plotting
from salesbook.toolkit import course, social
from salesbook.toolkit.validation import MetricError


def test_stratified_difference_reproduces_kidney_stones():
    """Charig и др. (1986) в изложении Julious и Mullee (1994): открытая операция хуже в целом
    (78 % против 83 %), но лучше и для малых (81/87 против 234/270), и для больших камней (192/263 против 55/80)."""
    cells = [("small", True, 81, 87), ("small", False, 234, 270), ("large", True, 192, 263), ("large", False, 55, 80)]
    rows = [{"size": s, "open": t, "ok": int(i < k)} for s, t, k, n in cells for i in range(n)]
    d = social.stratified_difference(pd.DataFrame(rows), "open", "ok", "size")
    assert d["naive"] == pytest.approx(273 / 350 - 289 / 350)          # −0,046: открытая «хуже»
    small = 81 / 87 - 234 / 270
    large = 192 / 263 - 55 / 80
    assert d["stratified"] == pytest.approx((small * 357 + large * 343) / 700)
    assert d["naive"] < 0 < d["stratified"]                             # парадокс Симпсона
    assert d["dropped_share"] == 0


def test_stratified_difference_drops_one_sided_strata():
    df = pd.DataFrame({"t": [True, False, True, True], "y": [1.0, 0.0, 5.0, 7.0], "s": ["a", "a", "b", "b"]})
    d = social.stratified_difference(df, "t", "y", "s")
    assert d["stratified"] == pytest.approx(1.0)
    assert d["dropped_share"] == pytest.approx(0.5)
    with pytest.raises(MetricError):
        social.stratified_difference(df[df["s"] == "b"], "t", "y", "s")


def test_within_slope_by_hand_and_matches_statsmodels():
    df = pd.DataFrame({"x": [0, 1, 2, 0, 1, 2], "y": [1.0, 2.0, 3.0, 11.0, 13.0, 15.0], "g": list("aaabbb"),
                       "rep": list("ababab")})
    naive = social.within_slope(df, "x", "y")
    assert naive["slope"] == pytest.approx(smf.ols("y ~ x", df).fit().params["x"])
    within = social.within_slope(df, "x", "y", "g")
    assert within["slope"] == pytest.approx(1.5)                         # (1 + 2) / 2 по двум группам
    assert within["slope"] == pytest.approx(smf.ols("y ~ x + C(g)", df).fit().params["x"])
    rng = np.random.default_rng(1)
    big = pd.DataFrame({"x": rng.poisson(2, 300), "g": rng.integers(0, 4, 300), "rep": rng.integers(0, 20, 300)})
    big["y"] = 3 * big["g"] + 0.5 * big["x"] + rng.normal(0, 1, 300)
    res = social.within_slope(big, "x", "y", "g", cluster="rep")
    fit = smf.ols("y ~ x + C(g)", big).fit(cov_type="cluster", cov_kwds={"groups": big["rep"]})
    assert res["slope"] == pytest.approx(fit.params["x"])
    # statsmodels дополнительно умножает на (N − 1) / (N − K); без неё ошибки совпадают
    n, k = len(big), len(fit.params)
    assert res["se"] == pytest.approx(fit.bse["x"] / np.sqrt((n - 1) / (n - k)), rel=1e-6)
    assert res["clusters"] == big["rep"].nunique() and naive["clusters"] == 0
    with pytest.raises(MetricError):
        social.within_slope(df.assign(x=1), "x", "y")


def test_rep_hour_cost_and_break_even():
    assert social.rep_hour_cost(200_000, 0.076, 2000) == pytest.approx(200_000 * 12 * 1.076 / 2000)
    assert social.break_even_share(1_000, 4_000) == pytest.approx(0.25)
    with pytest.raises(MetricError):
        social.rep_hour_cost(200_000, 7.6)                               # проценты вместо доли
    with pytest.raises(MetricError):
        social.break_even_share(1_000, 0)
    assert social.WORK_HOURS_2025 == 1972                               # норма 2025 года, 40 ч в неделю


def test_work_days_2025_are_course_calendar_with_official_transfers():
    """ПП РФ от 04.10.2024 № 1335: выходные перенесены на 2 и 8 мая, 13 июня, 3 ноября, 31 декабря;
    суббота 1 ноября — рабочая. Календарь данных курса переносов не знает."""
    import numpy as np

    from salesbook.data.generator.dates import HOLIDAY_DATES
    course_days = int(np.busday_count(np.datetime64("2025-01-01"), np.datetime64("2026-01-01"), holidays=HOLIDAY_DATES))
    assert course_days == 251
    assert social.WORK_DAYS_2025 == course_days - 5 + 1


def test_rep_hour_gross_profit_by_hand():
    reps = pd.DataFrame({"rep_id": ["a", "b", "c"], "role": ["AE", "AE", "SDR"],
                         "hire_date": pd.to_datetime(["2020-01-01", "2025-07-02", "2020-01-01"]),
                         "exit_date": pd.to_datetime([None, None, None])})
    opps = pd.DataFrame({"owner_id": ["a", "b", "a", "c"], "outcome": ["won", "won", "lost", "won"],
                         "close_date": pd.to_datetime(["2025-03-01", "2025-09-01", "2025-03-01", "2025-03-01"]),
                         "amount_rub": [1_000_000, 500_000, 9e9, 9e9]})
    years = 1 + 183 / 365                                               # b работал с 2 июля по 31 декабря
    got = social.rep_hour_gross_profit(opps, reps, 0.8, hours_per_year=2000)
    assert got == pytest.approx(1_500_000 * 0.8 / (years * 2000))
    with pytest.raises(MetricError):
        social.rep_hour_gross_profit(opps, reps, 80)                     # проценты вместо доли
    with pytest.raises(MetricError):
        social.rep_hour_gross_profit(opps, reps, 0.8, role="CSM")


def test_post_hours_and_unknown_platform():
    s = pd.Series(["telegram", "habr", "event_talk"])
    assert social.post_hours(s).tolist() == [1.0, 8.0, 10.0]
    with pytest.raises(MetricError):
        social.post_hours(pd.Series(["linkedin"]))


def _toy():
    posts = pd.DataFrame({
        "post_id": ["SP1", "SP2", "SP3"], "author_id": ["R1", "R1", None],
        "date": pd.to_datetime(["2024-01-10", "2024-02-05", "2024-01-20"]),
        "platform": ["telegram", "habr", "telegram"], "views": [100, 1000, 500], "utm_clicks": [2, 10, 5],
    })
    links = pd.DataFrame({"post_id": ["SP1", "SP2", "SP2", "SP3"], "lead_id": ["L1", "L2", "L3", "L4"]})
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3", "L4"], "opportunity_id": ["O1", "O2", None, "O3"]})
    opps = pd.DataFrame({"opportunity_id": ["O1", "O2", "O3"], "outcome": ["won", "lost", "won"],
                         "amount_rub": [100.0, 50.0, 70.0], "owner_id": ["R1", "R1", "R1"],
                         "created_date": pd.to_datetime(["2024-01-15", "2024-02-10", "2024-02-01"]),
                         "close_date": pd.to_datetime(["2024-02-20", "2024-03-01", "2024-02-25"])})
    reps = pd.DataFrame({"rep_id": ["R1"], "role": ["AE"], "team": ["smb"],
                         "hire_date": pd.to_datetime(["2023-12-01"]), "exit_date": pd.to_datetime([pd.NaT])})
    return posts, links, leads, opps, reps


def test_platform_funnel_by_hand():
    posts, links, leads, opps, _ = _toy()
    f = social.platform_funnel(posts, links, leads, opps, "2024-01-01", "2024-12-31", authors="reps")
    assert f.loc["telegram"].tolist() == [1, 100, 2, 1, 1, 1, 100.0]
    assert f.loc["habr"].tolist() == [1, 1000, 10, 2, 1, 0, 0.0]
    allf = social.platform_funnel(posts, links, leads, opps, "2024-01-01", "2024-12-31")
    assert allf.loc["telegram", "won_acv_rub"] == 170.0
    with pytest.raises(MetricError):
        social.platform_funnel(posts, links, leads, opps, authors="everyone")


def test_rep_month_panel_and_cadence_by_hand():
    posts, _, _, opps, reps = _toy()
    p = social.rep_month_panel(posts, reps, opps, "2024-01-01", "2024-03-31")
    assert p["month"].dt.month.tolist() == [1, 2, 3]
    assert p["posts"].tolist() == [1, 1, 0]
    assert p["pipeline_rub"].tolist() == [100.0, 120.0, 0.0]
    assert p["won_rub"].tolist() == [0.0, 170.0, 0.0]
    c = social.cadence(posts, reps, "2024-01-01", "2024-01-28", roles=("AE",))
    assert c.loc["AE", "telegram"] == pytest.approx(1 / 4)            # один пост за 4 недели
    assert c.loc["AE", "total"] == pytest.approx(1 / 4)


def test_section_labels_for_platforms_and_formats():
    assert plotting.label("vc_ru") == "vc.ru"
    assert plotting.label("habr") == "Хабр"
    assert plotting.label("promo").startswith("Реклама")
    assert course.YEAR_2025 == ("2025-01-01", "2025-12-31")
