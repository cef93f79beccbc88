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
    assert abs(no_lag / lagged - 1) > 0.02


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
    # «пока затраты растут, CAC без лага выше»: большинство кварталов после первого
    costs = acquisition.monthly_acquisition_costs(d["marketing_spend"], d["sm_costs"])
    first = acquisition.new_customer_deals(d["opportunities"])
    monthly = first.groupby(first["close_date"].dt.to_period("M").dt.to_timestamp()).size()
    no_lag = acquisition.lagged_cac(costs, monthly, 0)
    lag = acquisition.lagged_cac(costs, monthly, 3)
    both = no_lag.loc[lag.index]
    assert (both > lag).mean() > 0.6
    # «в III кварталах кривая с лагом выше: II квартал дороже летнего III»
    quarterly = costs.groupby(costs.index.to_period("Q")).sum()
    q3 = [p for p in lag.index if p.quarter == 3]
    assert q3 and all(lag[p] > no_lag[p] and quarterly[p - 1] > quarterly[p] for p in q3)
    # «исключения — кварталы после более дорогого: все III кварталы и I квартал 2025 года»
    above = {p for p in lag.index if lag[p] > no_lag[p]}
    assert above == set(q3) | {pd.Period("2025Q1", "Q")}
    assert all(quarterly[p - 1] > quarterly[p] for p in above)
    # «I квартал 2024 года чуть дороже IV квартала 2023-го, и лаг почти ничего не изменил»
    p = pd.Period("2024Q1", "Q")
    assert quarterly[p] > quarterly[p - 1] and abs(lag[p] / no_lag[p] - 1) < 0.05
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
