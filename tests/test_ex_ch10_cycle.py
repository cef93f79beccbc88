"""Раздел 10.3: ошибки, которые ловятся не значением, а признаком ответа."""

import pandas as pd

from salesbook.exercises import ch10_cycle as ex
from salesbook.exercises import table
from salesbook.toolkit import course, cycle, kpi


def test_bottleneck_choice_and_its_mistakes():
    right = ex.q6.expected_value()
    assert ex.q6.check(right.upper()).passed
    history = cycle.stage_history(table("opportunity_stages"), table("opportunities"))
    slowest = str(cycle.stage_conversion(history).loc["mid_market", "median_days"].idxmax())
    mid = history[history["segment"].eq("mid_market")]
    most_losses = str(mid[mid["next_stage"].eq("closed_lost")].groupby("stage").size().idxmax())
    assert right not in {slowest, most_losses}, "данные должны различать узкое место и самую долгую стадию"
    for wrong in {slowest, most_losses}:
        result = ex.q6.check(wrong)
        assert result.status == "incorrect" and "в штуках" in result.message
    late = ex.q6.check("negotiation")
    assert late.status == "incorrect" and "переговор" in late.message.lower()
    early = ex.q6.check("discovery")
    assert early.status == "incorrect" and "выявлени" in early.message.lower()


def test_censoring_changes_the_answer():
    km = ex.q3.expected_value()
    naive = ex.q3.mistake_value("closed_only")
    assert km > naive, "Каплан — Мейер должен дать более длинный цикл, чем медиана закрытых"


def test_method_chosen_on_past_backtests_and_evaluated_later():
    """Часть 2: выбор по двенадцати срезам 2024 года — конверсия за горизонт; сильнее всего все методы завысили прогноз на 30.06.2024;
    на 30.06.2025 она занижает, CRM и конверсия закрытых оказываются ближе, но на прошлых датах их ошибка прыгала сильнее."""
    o, st = table("opportunities"), table("opportunity_stages")
    past = ex.past_errors()
    methods = ["crm", "censored", "horizon"]
    assert len(past) == 12 and pd.Timestamp(ex.PAST_CUTOFFS[-1][1]) <= pd.Timestamp(course.AS_OF_MID_2025)  # без заглядывания в будущее
    assert ex.best_past_method() == "horizon"
    assert (past[methods].idxmax() == "2024-06-30").all()  # «сильнее всего завысили на 30.06.2024»
    assert (past.loc["2024-06-30", methods] > 0).all()  # «завысили»
    assert (past.loc[:, "pipeline"] > 2).all()  # «в разы больше факта»
    bt = cycle.forecast_backtest(o, st, course.AS_OF_MID_2025, course.DATA_END)
    assert bt.loc["pipeline", "forecast_rub"] > 3 * bt.loc["pipeline", "actual_rub"]
    assert bt.loc["horizon", "error"] < -0.1
    assert abs(bt.loc["crm", "error"]) < abs(bt.loc["horizon", "error"]) and abs(bt.loc["censored", "error"]) < abs(bt.loc["horizon", "error"])
    spread = past[methods].max() - past[methods].min()
    assert spread["horizon"] < spread["crm"] and spread["horizon"] < spread["censored"]
    # ошибка на 30.06.2025 — внутри разброса прошлых бэктестов метода
    assert past["horizon"].min() < bt.loc["horizon", "error"] < past["horizon"].max()
    # одна конверсия на все сегменты в среднем ошибается сильнее, чем по сегментам
    pooled = []
    for cut, end in ex.PAST_CUTOFFS:
        f = cycle.pipeline_forecast(o, st, cut, cycle.horizon_stage_win_rates(o, st, cut, (pd.Timestamp(end) - pd.Timestamp(cut)).days))
        actual = f.loc[f["outcome"].eq("won") & (f["close_date"] <= end), "amount_rub"].sum()
        pooled.append(abs(f["expected_rub"].sum() / actual - 1))
    assert sum(pooled) / len(pooled) > past["horizon"].abs().mean()
    assert abs(ex.q7.expected_value() / ex.q7.mistake_value("crm") - 1) > 0.1


def test_forecast_shortfall_mostly_enterprise_and_lag_is_minor():
    """«Больше всего прогноз недобрал в enterprise: из открытых сделок выиграны три, и факт сегмента отходит от прогноза на десятки процентов; запаздывание — меньшая часть ошибки»."""
    o, st = table("opportunities"), table("opportunity_stages")
    cut, end = pd.Timestamp(course.AS_OF_MID_2025), pd.Timestamp(course.DATA_END)
    f = cycle.pipeline_forecast(o, st, cut, cycle.horizon_stage_win_rates(o, st, cut, (end - cut).days, by="segment"), by="segment")
    f["actual"] = f["amount_rub"].where(f["outcome"].eq("won") & (f["close_date"] <= end), 0)
    g = f.groupby("segment").agg(forecast=("expected_rub", "sum"), actual=("actual", "sum"), wins=("actual", lambda a: (a > 0).sum()))
    gap = g["actual"] - g["forecast"]
    assert gap["enterprise"] / gap.sum() > 0.5
    assert g.loc["enterprise", "wins"] <= 5
    assert g.loc["enterprise", "actual"] / g.loc["enterprise", "forecast"] - 1 > 0.2  # «на десятки процентов»
    wr = {y: kpi.win_rate(o, *course.YEARS[y], by="segment")["mid_market"] for y in (2023, 2025)}
    assert wr[2023] < wr[2025]


def test_velocity_overshoots_when_pipeline_grows():
    """2024: пайплайн enterprise вырос с 8 до 21 сделки — формула Литтла завысила выигрыши в день; 2025 — сходится."""
    o = table("opportunities")
    v = cycle.sales_velocity(o, *course.YEAR_2024)
    err = v["velocity_rub_per_day"] / v["bookings_rub_per_day"] - 1
    assert err["enterprise"] > 0.1 and err["mid_market"] > 0.05
    start = kpi.open_pipeline(o, course.YEAR_2024[0]).groupby("segment").size()
    end = kpi.open_pipeline(o, course.YEAR_2024[1]).groupby("segment").size()
    assert end["enterprise"] > 2 * start["enterprise"]


def test_dropped_open_deals_win_more_at_proposal():
    """«Выброшенные открытые сделки — самые долгие, и они выигрываются чаще» (mid-market, proposal, 30.06.2025)."""
    o, st = table("opportunities"), table("opportunity_stages")
    cut = pd.Timestamp(course.AS_OF_MID_2025)
    censored = cycle.historical_stage_win_rates(o, st, cut, by="segment").loc[("mid_market", "proposal")]
    h = cycle.stage_history(st, o)
    reached = set(h.loc[h["segment"].eq("mid_market") & h["stage"].eq("proposal") & (h["entered_date"] <= cut), "opportunity_id"])
    dropped = o[o["opportunity_id"].isin(reached) & (o["close_date"].isna() | (o["close_date"] > cut))]
    decided = dropped[dropped["outcome"].ne("open")]
    assert decided["outcome"].eq("won").mean() > censored


def test_first_year_inflow_gain_below_steady_state():
    v = cycle.sales_velocity(table("opportunities"), *course.YEAR_2025)
    won = kpi.won_deals(table("opportunities"), *course.YEAR_2025)
    lag = kpi.cycle_days(won).groupby(won["segment"]).mean()
    assert (lag > 0).all() and lag["enterprise"] > 120  # в enterprise первый год теряет заметную часть прибавки
    assert ((365 - lag) * 0.10 * v["bookings_rub_per_day"] < 365 * 0.10 * v["bookings_rub_per_day"]).all()


def test_censored_rates_above_horizon_rates_except_proposal():
    """Конверсия закрытых выше конверсии за горизонт на трёх стадиях из четырёх; на proposal — ниже."""
    o, st = table("opportunities"), table("opportunity_stages")
    cut = pd.Timestamp(course.AS_OF_MID_2025)
    days = (pd.Timestamp(course.DATA_END) - cut).days
    censored = cycle.historical_stage_win_rates(o, st, cut, by="segment").loc["mid_market"]
    horizon = cycle.horizon_stage_win_rates(o, st, cut, days, by="segment").loc["mid_market"]
    higher = censored[list(cycle.STAGES)] > horizon[list(cycle.STAGES)]
    assert higher.sum() == 3 and not higher["proposal"]  # «на трёх стадиях из четырёх, кроме proposal»


def test_velocity_matches_bookings_per_day_and_created_formula_does_not():
    """Закон Литтла на данных 2025 года: скорость по открытым сделкам ≈ факт в день (±5 % по сегменту),
    версия «созданные сделки / цикл выигранных» завышает в разы и ставит SMB выше enterprise."""
    v = cycle.sales_velocity(table("opportunities"), *course.YEAR_2025)
    err = v["velocity_rub_per_day"] / v["bookings_rub_per_day"] - 1
    assert (err.abs() < 0.05).all(), err
    old = ex.q5.mistake_value("created_deals")
    old_err = old["velocity_rub_per_day"] / v["bookings_rub_per_day"] - 1
    assert (old_err > 1).all(), old_err
    assert old.loc["smb", "velocity_rub_per_day"] > old.loc["enterprise", "velocity_rub_per_day"]
    assert v.loc["enterprise", "bookings_rub_per_day"] > v.loc["smb", "bookings_rub_per_day"]
    # разовый сдвиг от −10 % цикла меньше годовой прибавки от +10 % потока в каждом сегменте
    assert (v["cycle_days"] < 365).all()


def test_new_deals_give_about_half_of_h2_wins():
    wins = kpi.won_deals(table("opportunities"), *course.H2_2025)
    new = wins[wins["created_date"] > course.AS_OF_MID_2025]
    assert 0.4 < new["amount_rub"].sum() / wins["amount_rub"].sum() < 0.6
    by_seg = new.groupby("segment")["amount_rub"].sum()
    assert by_seg.idxmax() == "mid_market"  # больше всего из новых сделок дал mid-market
    mid_new = new[new["segment"].eq("mid_market")]  # новые сделки mid-market, выигранные во II полугодии 2025 года
    assert 45 <= kpi.cycle_days(mid_new).median() <= 75  # «около двух месяцев»


def test_larger_deals_take_longer_and_calendar_pull():
    won = kpi.won_deals(table("opportunities"), *course.HISTORY)
    won = won.assign(cycle_days=kpi.cycle_days(won))
    half = won.groupby("segment")["amount_rub"].transform(lambda a: pd.qcut(a, 2, labels=False))
    med = won.groupby([won["segment"], half])["cycle_days"].median().unstack()
    assert (med[1] > med[0]).all()
    month = won["close_date"].dt.month.value_counts(normalize=True)
    assert month[[3, 6, 9, 12]].sum() > 0.38 and month[12] == month.max() and month[1] == month.min()


def test_km_closer_to_truth_than_naive_answers():
    o = table("opportunities")
    now_all = cycle.durations_as_of(o, course.AS_OF_MID_2025, created_from=course.H1_2025[0])
    later_all = cycle.durations_as_of(o, course.DATA_END, created_from=course.H1_2025[0], created_to=course.AS_OF_MID_2025)
    for seg in course.SEGMENTS:
        now, later = now_all[now_all["segment"].eq(seg)], later_all[later_all["segment"].eq(seg)]
        truth = cycle.km_median(later["duration_days"], later["closed"])
        km = cycle.km_median(now["duration_days"], now["closed"])
        naive = [now.loc[now["closed"], "duration_days"].median(), now["duration_days"].median()]
        assert all(abs(km - truth) <= abs(n - truth) for n in naive), seg
        if seg != "enterprise":
            assert abs(km - truth) <= 3, seg
    ent = now_all[now_all["segment"].eq("enterprise")]
    assert 0.5 <= ent["closed"].mean() < 0.75 and len(ent) < 40


def test_logrank_public_sector_claims():
    deals = cycle.durations_as_of(table("opportunities"), course.DATA_END).merge(table("accounts")[["account_id", "industry"]], on="account_id")
    deals["public"] = deals["industry"].eq("public_sector")
    p = {}
    for seg in course.SEGMENTS:
        part = deals[deals["segment"].eq(seg)]
        med = {flag: cycle.km_median(g["duration_days"], g["closed"]) for flag, g in part.groupby("public")}
        assert med[True] > med[False], seg
        p[seg] = cycle.logrank(part["duration_days"], part["closed"], part["public"])["pvalue"]
    assert p["smb"] < 0.05 and p["enterprise"] > 0.05
    from statsmodels.stats.multitest import multipletests
    holm = dict(zip(p, multipletests(list(p.values()), method="holm")[1]))
    assert holm["smb"] < 0.05 and holm["mid_market"] < 0.05 and holm["enterprise"] > 0.05  # значимо и после поправки
    smb = deals[deals["segment"].eq("smb")]
    smb_med = {flag: cycle.km_median(g["duration_days"], g["closed"]) for flag, g in smb.groupby("public")}
    assert smb_med[True] - smb_med[False] <= 5, "в SMB значима небольшая разница медиан"
    o = table("opportunities").merge(table("accounts")[["account_id", "industry"]], on="account_id")
    size = o.groupby([o["segment"], o["industry"].eq("public_sector")])["amount_rub"].median().unstack()
    assert ((size[True] / size[False] - 1).abs() < 0.1).all(), "размер сделок госсектора почти как у остальных"


def test_enterprise_bottleneck_is_proposal_and_significant():
    from statsmodels.stats.proportion import proportions_ztest
    conv = cycle.stage_conversion(cycle.stage_history(table("opportunity_stages"), table("opportunities"))).loc["enterprise"]
    _, p = proportions_ztest(conv.loc[["demo", "proposal"], "advanced"].to_numpy(), conv.loc[["demo", "proposal"], "decided"].to_numpy())
    assert p < 0.05
    assert cycle.bottleneck(cycle.stage_conversion(cycle.stage_history(table("opportunity_stages"), table("opportunities"))))["enterprise"] == "proposal"


def test_velocity_table_accepts_key_as_column():
    velocity = ex.q5.expected_value().reset_index()[["segment", "velocity_rub_per_day"]]
    assert ex.q5.check(velocity).passed


def test_quiz_feedback_on_every_option():
    for question in ex.quiz.questions + ex.quiz_forecast.questions:
        assert all(option.feedback for option in question.options)


def test_mean_above_median_in_smb_and_mid_and_few_enterprise_wins():
    """Часть 1: в SMB и mid-market среднее цикла выигранных заметно больше медианы; в enterprise выигранных мало."""
    won = kpi.won_deals(table("opportunities"), *course.HISTORY)
    days = kpi.cycle_days(won).groupby(won["segment"])
    mean, median, count = days.mean(), days.median(), days.size()
    for seg in ["smb", "mid_market"]:
        assert mean[seg] > 1.1 * median[seg], seg
    assert count["enterprise"] < 30
    assert abs(mean["enterprise"] / median["enterprise"] - 1) < 0.05  # в enterprise хвоста не видно — и мы его не утверждаем


def test_lost_deals_close_faster_in_every_segment():
    closed = kpi.closed_deals(table("opportunities"), *course.HISTORY)
    med = kpi.cycle_days(closed).groupby([closed["segment"], closed["outcome"]]).median().unstack()
    assert (med["lost"] < med["won"]).all(), med


def test_funnel_narrows_on_demo_and_proposal():
    """«Из выявления потребностей дальше уходит большинство, из переговоров — тоже (в enterprise — чуть больше половины);
    самая низкая конверсия — на демонстрации или на коммерческом предложении»."""
    conv = cycle.stage_conversion(cycle.stage_history(table("opportunity_stages"), table("opportunities")))["conversion"].unstack()
    for seg in course.SEGMENTS:
        row = conv.loc[seg]
        assert row["discovery"] > 0.5 and row["negotiation"] > 0.5, seg
        assert row[list(cycle.STAGES)].idxmin() in {"demo", "proposal"}, seg
    assert conv.loc["enterprise", "negotiation"] < 0.65


def test_enterprise_public_sector_median_gap_is_noticeable():
    deals = cycle.durations_as_of(table("opportunities"), course.DATA_END).merge(table("accounts")[["account_id", "industry"]], on="account_id")
    ent = deals[deals["segment"].eq("enterprise")]
    med = {flag: cycle.km_median(g["duration_days"], g["closed"]) for flag, g in ent.groupby(ent["industry"].eq("public_sector"))}
    assert med[True] - med[False] >= 14  # «разница медиан заметная» — не меньше двух недель


def test_loss_reasons_do_not_depend_on_stage():
    """Врезка: в генераторе причина проигрыша не зависит от стадии — на узком месте mid-market доли как на других стадиях."""
    from scipy.stats import chi2_contingency
    h = cycle.stage_history(table("opportunity_stages"), table("opportunities"))
    lost = h[h["next_stage"].eq("closed_lost") & h["segment"].eq("mid_market")].merge(table("opportunities")[["opportunity_id", "loss_reason"]], on="opportunity_id")
    at = lost["stage"].eq(cycle.bottleneck(cycle.stage_conversion(h))["mid_market"])
    assert chi2_contingency(pd.crosstab(lost["loss_reason"], at))[1] > 0.05
