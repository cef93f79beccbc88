"""Раздел 1.1.1: ошибки, которые ловятся не значением, а признаком ответа."""


import pandas as pd

from salesbook.exercises import ch01_cac as ex
from salesbook.exercises import table
from salesbook.toolkit import acquisition, course


def test_channel_table_with_organic_row_gets_its_hint():
    with_organic = ex.q2.expected_value().copy()
    funnel = ex.funnel(*course.YEAR_2024)
    with_organic.loc["organic"] = [0.0, funnel.loc["organic", "customers"], float("nan")]
    result = ex.q2.check(with_organic)
    assert result.status == "incorrect"
    assert "органика" in result.message.lower()


def test_channel_table_accepts_key_as_column_and_any_order():
    shuffled = ex.q2.expected_value().reset_index().sample(frac=1, random_state=1)
    assert ex.q2.check(shuffled).passed


def test_channel_choice_mistakes_point_to_the_wrong_criterion():
    funnel = ex.paid_funnel()
    right = funnel["cac"].idxmin()
    criteria = {"cpl": "CPL", "spend_rub": "бюджет", "cost_per_sql": "SQL"}
    distinct = 0
    for column, word in criteria.items():
        choice = funnel[column].idxmin()
        if choice == right:
            continue
        distinct += 1
        result = ex.q6.check(choice)
        assert result.status == "incorrect"
        assert word in result.message
    assert distinct >= 2, "данные должны различать CAC, CPL и бюджет хотя бы для двух критериев"
    assert ex.q6.check(right.upper()).passed
    # «дешёвый лид ≠ дешёвый клиент»: канал с самым дешёвым лидом — не тот, где дешевле клиент
    assert funnel["cpl"].idxmin() != right


def test_lag_changes_the_answer():
    no_lag = ex.q5.mistake_value("no_lag")
    lagged = ex.q5.expected_value()
    # сообщение о верном ответе: «с лагом CAC заметно ниже: клиентов II квартала привели затраты декабря — февраля»
    assert lagged < no_lag and abs(no_lag / lagged - 1) > 0.05
    # лаг по медианному клиенту — другая, отличимая ошибка
    for name in ("median_lag", "reversed", "media_only"):
        assert abs(ex.q5.mistake_value(name) / lagged - 1) > 0.02, name
    # подсказки называют месяцы «декабрь 2024 — февраль 2025»: сдвиг на четыре месяца
    assert ex.lag_months() == 4 and ex.median_lag_months() < ex.lag_months()
    # лаг в квартал засчитан как защитимая альтернатива: взвешенный лаг — между тремя и четырьмя месяцами
    assert 3 < ex.weighted_lag_days() / (365.25 / 12) < 4
    quarter = ex._quarter_lag_cac()
    assert abs(quarter / lagged - 1) > 0.02
    assert ex.q5.check(quarter).status == "correct"


def _season_costs(costs, year, months):
    return sum(costs[pd.Timestamp(f"{y}-{m:02d}-01")] for y, m in months(year))


def test_lag_claims_hold_on_the_data():
    """Текст: медиана по клиентам — месяц, но затраты идут на mid-market и enterprise; взвешенный по затратам лаг длиннее."""
    opps, leads = table("opportunities"), table("leads")
    days = acquisition.lead_to_customer_days(opps, leads)
    first = acquisition.new_customer_deals(opps)
    segment_of = first.set_index("account_id")["segment"]
    # «медиана по клиентам — 40 дн., лаг 1 мес.»; «взвешенный по затратам лаг — 4 мес.»
    assert acquisition.lag_months_from_days(days.median()) == ex.median_lag_months() == 1
    weighted = ex.weighted_lag_days()
    assert weighted > 2 * days.median()
    # «квартал Bessemer к нашему лагу ближе, чем медиана»
    assert abs(ex.lag_months() - 3) < abs(ex.lag_months() - ex.median_lag_months())
    # «SMB — большинство новых клиентов и меньшая часть затрат»
    shares = ex.segment_costs() / ex.segment_costs().sum()
    assert (first["segment"] == "smb").mean() > 0.5 > shares["smb"]
    by_segment = days.groupby(segment_of).median()
    assert by_segment["smb"] < by_segment["mid_market"] < by_segment["enterprise"]
    assert by_segment["enterprise"] > 90
    costs = acquisition.monthly_acquisition_costs(table("marketing_spend"), table("sm_costs"))
    monthly = first.groupby(first["close_date"].dt.to_period("M").dt.to_timestamp()).size()
    lag = ex.lag_months()
    # «сдвиг на взвешенный лаг снижает годовой CAC; лаг по медианному клиенту дал бы лишь …»
    y0, y1, yw = (acquisition.lagged_cac(costs, monthly, m, freq="Y") for m in (0, 1, lag))
    for year in (pd.Period("2024", "Y"), pd.Period("2025", "Y")):
        assert yw[year] / y0[year] - 1 < y1[year] / y0[year] - 1 < 0
    yearly_costs = costs.groupby(costs.index.year).sum()
    assert yearly_costs.is_monotonic_increasing  # «затраты растут»
    # «с лагом CAC выше в I и III кварталах, ниже во II и IV»
    q0, qw = (acquisition.lagged_cac(costs, monthly, m) for m in (0, lag))
    common = q0.index.intersection(qw.index)
    assert len(common) >= 8
    for p in common:
        assert (qw[p] > q0[p]) == (p.quarter in (1, 3)), p
    # «I квартал получает сентябрь — ноябрь, III — март — май (конференции); II — декабрь — февраль, IV — июнь — август»
    for year in (2023, 2024):
        autumn = _season_costs(costs, year, lambda y: [(y, 9), (y, 10), (y, 11)])
        winter = _season_costs(costs, year, lambda y: [(y, 12), (y + 1, 1), (y + 1, 2)])
        assert autumn > winter
    for year in (2023, 2024, 2025):
        spring = _season_costs(costs, year, lambda y: [(y, 3), (y, 4), (y, 5)])
        summer = _season_costs(costs, year, lambda y: [(y, 6), (y, 7), (y, 8)])
        assert spring > summer


def test_quiz_feedback_on_every_option():
    for question in ex.quiz.questions:
        assert all(option.feedback for option in question.options)


def test_claims_in_the_prose_hold_on_the_data():
    """Текст раздела делает качественные выводы из данных — они должны оставаться верными."""
    d = {name: table(name) for name in ("marketing_spend", "sm_costs", "opportunities")}
    deals = acquisition.new_customer_deals(d["opportunities"])
    deals = deals[acquisition.in_period(deals["close_date"], *course.YEAR_2024)]
    # «в рублях самый дорогой клиент — enterprise, на рубль ACV дороже всех SMB»: ACV enterprise на порядок выше
    acv = deals.groupby("segment")["amount_rub"].median()
    assert acv["enterprise"] > 10 * acv["smb"]
    first = acquisition.new_customer_deals(d["opportunities"])
    monthly = first.groupby(first["close_date"].dt.to_period("M").dt.to_timestamp()).size()
    # «в IV квартале новых клиентов больше всего, меньше всего — в I или в летнем III квартале»
    customers = monthly.groupby(monthly.index.to_period("Q")).sum()
    for year in (2024, 2025):
        in_year = customers[[p for p in customers.index if p.year == year]]
        assert in_year.idxmax().quarter == 4 and in_year.idxmin().quarter in (1, 3)
    # «аккредитованная IT-компания: в 2024 году 7,6 % в пределах базы и 0 % сверх неё — взносы меньше 7,6 % окладов и бонусов»
    parts = acquisition.acquisition_costs(d["marketing_spend"], d["sm_costs"], *course.YEAR_2024)
    assert 0 < parts["payroll_tax"] / (parts["salary"] + parts["bonus"]) < course.PAYROLL_TAX_RATE
    # «премии за допродажи попадают в CAC — на данных „Сферы Софт“ это малая доля» выигранного ACV 2024 года
    opps = d["opportunities"]
    won = opps[(opps["outcome"] == "won") & acquisition.in_period(opps["close_date"], *course.YEAR_2024)]
    first = acquisition.new_customer_deals(opps)
    first = first[acquisition.in_period(first["close_date"], *course.YEAR_2024)]
    assert 0 < 1 - first["amount_rub"].sum() / won["amount_rub"].sum() < 0.05
    # «самая крупная отдельная статья — реклама, но и она меньше половины полного CAC»
    assert parts.idxmax() == "media"
    assert parts.drop("media").sum() > parts["media"]


def _segments():
    return acquisition.cac_by_segment(*(table(n) for n in ("marketing_spend", "sm_costs", "leads", "opportunities", "reps")), *course.YEAR_2024)


def test_segment_claim_enterprise_costs_most_smb_least_per_rouble_of_acv():
    segments = _segments()
    assert segments["cac"].idxmax() == "enterprise"
    assert list(segments["cost_per_acv_rub"].sort_values().index) == ["smb", "mid_market", "enterprise"]
    # «у enterprise это всего несколько новых клиентов за год»
    assert segments.loc["enterprise", "customers"] < 15


def test_smb_is_sold_through_the_trial_without_sdr():
    """Текст: новые клиенты SMB почти все из пробного периода, SDR к ним не подключается, цикл короче, реклама дешевле контракта."""
    leads, opps, spend = table("leads"), table("opportunities"), table("marketing_spend")
    deals = acquisition.new_customer_deals(opps, leads).merge(leads[["lead_id", "trial_started", "sdr_id"]], on="lead_id", how="left")
    smb = deals[acquisition.in_period(deals["close_date"], *course.YEAR_2024) & (deals["segment"] == "smb")]
    trial = smb["trial_started"].fillna(False).astype(bool)
    assert trial.mean() > 0.8
    assert smb.loc[trial, "sdr_id"].isna().all()
    first = acquisition.new_customer_deals(opps)
    cycle = (first["close_date"] - first["created_date"]).dt.days.groupby(first["segment"]).median()
    assert cycle["smb"] < cycle["mid_market"] < cycle["enterprise"]
    segments = _segments()
    media = spend[acquisition.in_period(spend["month"], *course.YEAR_2024) & (spend["business_line"] == "b2b") & (spend["segment"] == "smb")]["spend_rub"].sum()
    assert media / segments.loc["smb", "customers"] < segments.loc["smb", "new_acv"] / segments.loc["smb", "customers"]


def test_small_channels_have_noisy_cac():
    """Текст: у мероприятий и партнёров в 2024 году — единицы-десятки клиентов, один клиент сдвигает CAC на проценты."""
    f = ex.funnel(*course.YEAR_2024)
    for channel in ("events", "partners"):
        n = f.loc[channel, "customers"]
        assert 5 <= n <= 30, channel
        assert 1 - n / (n + 1) > 0.03, channel
    assert f.loc["ppc", "customers"] > 5 * f.loc["partners", "customers"]  # малые выборки — именно у этих каналов


def test_segment_lag_keeps_order_but_halves_the_enterprise_gap():
    """Текст: со сдвигом затрат на лаг сегмента порядок сегментов на рубль ACV сохраняется, разрыв enterprise — mid-market
    сокращается примерно вдвое; enterprise в 2023 году стоил денег без клиентов; в 2023 году SMB дороже mid-market."""
    t = [table(n) for n in ("marketing_spend", "sm_costs", "leads", "opportunities", "reps")]
    base = acquisition.cac_by_segment(*t, *course.YEAR_2024)
    opps = t[3]
    first = acquisition.new_customer_deals(opps)
    lead_days = (first["close_date"] - first["lead_id"].map(t[2].set_index("lead_id")["created_date"])).dt.days
    lags = lead_days.groupby(first["segment"]).median().map(acquisition.lag_months_from_days)
    start = pd.Timestamp(course.YEAR_2024[0])
    lagged = pd.Series({s: acquisition.cac_by_segment(*t, start - pd.DateOffset(months=m), start - pd.DateOffset(months=m - 12) - pd.Timedelta(days=1))["costs"][s]
                        / base.loc[s, "new_acv"] for s, m in lags.items()})
    assert lagged["smb"] < lagged["mid_market"] < lagged["enterprise"]
    gap, gap_lagged = (base.loc["enterprise", "cost_per_acv_rub"] - base.loc["mid_market", "cost_per_acv_rub"],
                       lagged["enterprise"] - lagged["mid_market"])
    assert 0 < gap_lagged < 0.6 * gap
    y2023 = acquisition.cac_by_segment(*t, *course.YEAR_2023)
    assert y2023.loc["enterprise", "costs"] > 0 and not (y2023.loc["enterprise", "customers"] > 0)
    assert y2023.loc["smb", "cost_per_acv_rub"] > y2023.loc["mid_market", "cost_per_acv_rub"]


def test_q6_message_per_rouble_ranking():
    """Сообщение упражнения 6: на рубль контракта на пределе дешевле исходящие и партнёры, а не канал с самым дешёвым клиентом."""
    chosen = ex.q6.expected_value()
    m = acquisition.channel_incremental_cac(*(table(n) for n in ("marketing_spend", "sm_costs", "leads", "opportunities")),
                                            *course.YEAR_2024)["incremental_cost_per_acv_rub"].sort_values()
    assert list(m.index[:2]) == ["outbound", "partners"] and chosen not in m.index[:2]
