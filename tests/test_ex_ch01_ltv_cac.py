"""Раздел 1.1.4: эталоны согласованы между собой и с тем, что утверждает текст раздела."""

import numpy as np
import pandas as pd
import pytest

from salesbook.exercises import ch01_ltv_cac as ex
from salesbook.exercises import table
from salesbook.toolkit import acquisition, course, finance, retention, unit_economics


def _blended_5y_ratio():
    seg = ex.segments()
    ltv_5y = pd.Series(finance.ltv_horizon(seg["arpa"] * seg["gross_margin"], seg["monthly_churn"], course.LTV_HORIZON_MONTHS), index=seg.index)
    return unit_economics.blended_ltv(ltv_5y, seg["customers"]) / ex.company()["cac"]


def test_company_ratio_is_assembled_from_segments():
    """Текст: LTV компании, собранный из сегментов по привлечённым, за 5 лет — в зоне ориентиров 3–5; формула по средним
    компании даёт меньше и ниже каждого сегмента; без горизонта сводное отношение бесконечно (enterprise)."""
    seg = ex.segments()
    c = ex.company()
    blended = _blended_5y_ratio()
    pooled = finance.ltv_horizon(c["arpa"] * c["gm"], c["churn"], course.LTV_HORIZON_MONTHS) / c["cac"]
    assert 3 < blended < 5
    assert pooled < blended * 0.9  # «занижает отношение»
    assert ex.q1.expected_value() < seg["ltv_cac"].min()  # «ниже, чем у каждого сегмента»
    assert np.isinf(unit_economics.blended_ltv(seg["ltv"], seg["customers"]))
    # «в средних по клиентам преобладает SMB»
    assert seg.loc["smb", "arpa"] < c["arpa"] and seg.loc["smb", "monthly_churn"] > c["churn"]


def test_mid_market_ratio_rests_on_few_churns():
    """Текст: бесконечная формула mid-market держится на десятке уходов; при 95-процентных границах оттока отношение
    меняется в разы, а на горизонте 5 лет — мало; по продлениям срок жизни заметно короче, чем по клиенто-месяцам."""
    mrr = retention.add_segment(table("mrr"), table("accounts"))
    rates = retention.churn_rates(mrr, *course.YEARS_2024_2025, by="segment").loc["mid_market"]
    mid = ex.segments().loc["mid_market"]
    churns = [1 / m for m in retention.lifetime_interval(rates["churned"], rates["customers_start"])]
    ratios = sorted(mid["arpa"] * mid["gross_margin"] / ch / mid["cac"] for ch in churns)
    ratios_5y = sorted(finance.ltv_horizon(mid["arpa"] * mid["gross_margin"], ch, course.LTV_HORIZON_MONTHS) / mid["cac"] for ch in churns)
    assert rates["churned"] < 20
    assert ratios[1] / ratios[0] > 3  # «от 8 до 32»
    assert ratios_5y[1] / ratios_5y[0] < 1.4 and ratios_5y[0] > 3  # «на горизонте 5 лет — в зоне ориентиров»
    renewal = retention.renewal_churn(mrr, *course.YEARS_2024_2025, by="segment").loc["mid_market"]
    assert 1 / renewal["churn"] < 0.8 * (1 / mid["monthly_churn"] / 12)


def test_lower_churn_raises_smb_ratio_more_than_churn_falls():
    """Текст: у оттока эффект сильнее, потому что он в знаменателе (упражнение 3)."""
    base = ex.segments().loc["smb"]
    growth = ex.q3.expected_value() / base["ltv_cac"] - 1
    churn_cut = ex.SMB_CHURN_CUT / base["monthly_churn"]
    assert growth > churn_cut > 0.1


def test_cutting_the_costliest_channel_lowers_full_cac():
    """Текст раздела: в 2024 году отключение самого дорогого канала заметно поднимает отношение, потому что его рекламный CAC
    в разы выше полного; в 2025 году (упражнение 4) — тоже; канал с рекламным CAC ниже полного полный CAC поднял бы."""
    from salesbook.exercises.ch01_cac import paid_funnel

    c = ex.company()
    paid = paid_funnel()
    worst = paid["cac"].idxmax()
    assert paid.loc[worst, "cac"] > 3 * c["cac"]  # «в разы выше полного»
    marginal = acquisition.channel_incremental_cac(*(table(n) for n in ("marketing_spend", "sm_costs", "leads", "opportunities")),
                                                   *course.YEAR_2024)
    leaving = marginal.loc[worst, ["spend_rub", "variable_rub"]].sum()
    cac_without = (c["costs"] - leaving) / (c["customers"] - paid.loc[worst, "customers"])
    assert cac_without / c["cac"] - 1 < -0.05  # «заметно»
    cheapest = paid["cac"].idxmin()
    assert paid.loc[cheapest, "cac"] < c["cac"]
    cac_without_cheapest = (c["costs"] - paid.loc[cheapest, "spend_rub"]) / (c["customers"] - paid.loc[cheapest, "customers"])
    assert cac_without_cheapest > c["cac"]  # «полный CAC поднял бы»
    assert ex.q4.expected_value() > ex.q4.mistake_value("unchanged")
    assert ex.q4.expected_value() > ex.q4.mistake_value("media_only")  # премии за сделки канала тоже уходят
    # сообщение о верном ответе упражнения 4: «предельный CAC этого канала в разы выше полного CAC компании» (2025 год)
    worst_2025 = ex._worst_channel()[0]
    assert ex.marginal_2025().loc[worst_2025, "incremental_cac"] > 3 * ex.company_2025()["cac"]


def test_marginal_cac_claims():
    """Текст «Средний и предельный CAC»: распределённая «экономия» больше реальной; самый дорогой на клиента канал 2024 года
    на пределе дешевле среднего на рубль ACV, а клиентов у него немного."""
    from salesbook.exercises.ch01_cac import paid_funnel

    d = [table(n) for n in ("marketing_spend", "sm_costs", "leads", "opportunities")]
    marginal = acquisition.channel_incremental_cac(*d, *course.YEAR_2024)
    worst = paid_funnel()["cac"].idxmax()
    c = ex.company()
    media = acquisition.acquisition_costs(d[0], d[1], *course.YEAR_2024)["media"]
    allocated = marginal.loc[worst, "spend_rub"] * (1 + (c["costs"] - media) / media)
    assert allocated > marginal.loc[worst, ["spend_rub", "variable_rub"]].sum() * 1.3
    first = acquisition.new_customer_deals(d[3])
    acv = first.loc[acquisition.in_period(first["close_date"], *course.YEAR_2024), "amount_rub"].sum()
    assert marginal.loc[worst, "incremental_cost_per_acv_rub"] < c["costs"] / acv
    # «на пределе дороже, чем платные каналы в среднем, но меньше валовой прибыли рубля ACV за 5 лет»
    paid_average = marginal[["spend_rub", "variable_rub"]].sum().sum() / marginal["new_acv"].sum()
    gross_profit_per_acv = finance.ltv_horizon(c["arpa"] * c["gm"], c["churn"], course.LTV_HORIZON_MONTHS) / (12 * c["arpa"])
    assert paid_average < marginal.loc[worst, "incremental_cost_per_acv_rub"] < gross_profit_per_acv
    # агентство уходит вместе с бюджетом: предельные затраты не меньше рекламы × (1 + доля агентства)
    by_type = acquisition.acquisition_costs(d[0], d[1], *course.YEAR_2024)
    assert (marginal["variable_rub"] >= marginal["spend_rub"] * by_type["agency"] / by_type["media"] * 0.999).all()
    # «у „Исходящих“ реклама — лишь часть предельных затрат: оклады и премии BDR уходят вместе с каналом»
    assert marginal.loc["outbound", "spend_rub"] / marginal.loc["outbound", ["spend_rub", "variable_rub"]].sum() < 0.7
    assert marginal.loc[worst, "customers"] < 20  # «всего несколько клиентов»
    # предельный CAC не меньше рекламного: к рекламе добавлены премии
    assert (marginal["incremental_cac"] >= marginal["media_cac"]).all()


def test_price_floor_gives_ratio_three():
    row = ex.segments().loc["smb"]
    floor = ex.q5.expected_value()
    ltv = unit_economics.simple_ltv(floor, row["gross_margin"], row["monthly_churn"])
    assert ltv / row["cac"] == pytest.approx(course.BENCHMARK_LTV_CAC)
    assert floor < row["arpa"] / 2  # «по формуле цену SMB можно снизить больше чем вдвое»
    five_years = finance.ltv_horizon(floor * row["gross_margin"], row["monthly_churn"], course.LTV_HORIZON_MONTHS) / row["cac"]
    assert five_years < 2  # «на горизонте 5 лет намного ниже 3»


def test_text_claims_hold_on_course_data():
    seg = ex.segments()
    # «по формуле все три сегмента — в строке „больше 5“; у enterprise — бесконечность: ни одного ухода»
    assert (seg.loc[["smb", "mid_market"], "ltv_cac"] > 5).all()
    assert seg.loc["enterprise", "monthly_churn"] == 0
    assert np.isinf(seg.loc["enterprise", "ltv_cac"])
    five_years = finance.scenario_table(seg[list(finance.SCENARIO_COLUMNS)], horizon=course.LTV_HORIZON_MONTHS)["ltv_cac"]
    # «с горизонтом 5 лет все три сегмента оказываются рядом»: SMB и mid-market — в зоне 3–5, enterprise — около 3
    assert 3 < five_years["smb"] < 5
    assert 3 < five_years["mid_market"] < 5
    assert 2.5 < five_years["enterprise"] < 3.5
    # «enterprise: LTV за 5 лет при нулевом оттоке — 60 месяцев валовой прибыли; окупается почти два года»
    row = seg.loc["enterprise"]
    assert five_years["enterprise"] == pytest.approx(60 * row["arpa"] * row["gross_margin"] / row["cac"])
    assert 18 < row["payback_months"] < 24
    # «SMB возвращает CAC примерно за год»
    assert 10 < seg.loc["smb", "payback_months"] < 14
    # срок жизни по формуле больше истории компании (с конца 2022 года)
    assert (1 / seg.loc[["smb", "mid_market"], "monthly_churn"] / 12 > 4).all()
    # ноль уходов на единицах продлений: граница — до ~39 % на продлении, срок жизни не меньше 1 / p лет,
    # и LTV/CAC за 5 лет на этой границе далеко от «трижды»
    mrr = retention.add_segment(table("mrr"), table("accounts"))
    ent = retention.churn_rates(mrr, *course.YEARS_2024_2025, by="segment").loc["enterprise"]
    renewal = retention.renewal_churn(mrr, *course.YEARS_2024_2025, by="segment").loc["enterprise"]
    assert ent["churned"] == 0 and renewal["churned"] == 0 and renewal["renewals"] < 10
    assert 2 < 1 / renewal["churn_upper"] < 4  # «около 2,5 года»
    upper_ratio = row["arpa"] * row["gross_margin"] * retention.renewal_survival(renewal["churn_upper"], 60).sum() / row["cac"]
    assert 1 < upper_ratio < 2 and upper_ratio < five_years["enterprise"] - 1
    first = mrr[mrr["segment"] == "enterprise"].groupby("account_id")["month"].min()
    assert 10 <= len(first) <= 20  # «к концу 2025 года их полтора десятка»
    assert (first >= "2024-01-01").all()  # «первые крупные клиенты начали платить только в 2024 году»
    # «от 3,0 до 4,1 на горизонте 5 лет»: сегменты сблизились
    assert five_years.max() / five_years.min() < 1.6 and 2.5 < five_years.min() and five_years.max() < 5


def test_smb_pays_back_first_in_the_calculator():
    """Текст: кривая SMB пересекает ноль раньше всех (около 12 месяцев), кривая компании — позже всех."""
    c = ex.company()
    seg = ex.segments().loc["smb"]
    smb = finance.payback_with_churn(seg["cac"], seg["new_mrr"] * seg["gross_margin"], seg["monthly_churn"])
    company = finance.payback_with_churn(c["cac"], c["new_mrr"] * c["gm"], c["churn"])
    assert 10 < smb < 15 < company


def test_quiz_feedback_on_every_option():
    for question in ex.quiz.questions:
        assert all(option.feedback for option in question.options)


def test_company_ratio_is_inflated_by_the_infinite_horizon():
    """Текст раздела: по формуле компания выше 5, за 5 лет — ниже сводного по сегментам; отток — за 2024–2025 годы, как у сегментов."""
    c = ex.company()
    base = ex.q1.expected_value()
    assert base > 5
    five_years = finance.ltv_horizon(c["arpa"] * c["gm"], c["churn"], course.LTV_HORIZON_MONTHS) / c["cac"]
    assert five_years < _blended_5y_ratio()  # формула по средним компании занижает сводное отношение
    assert c["churn"] == pytest.approx(unit_economics.logo_churn_monthly(table("mrr"), *course.YEARS_2024_2025))
    # «на полном CAC окупается дольше ориентира Skok в 12 месяцев»
    assert finance.payback_simple(c["cac"], c["new_mrr"] * c["gm"]) > course.BENCHMARK_PAYBACK_MONTHS
    # ошибка периода заметно сдвигает ответ
    assert abs(ex.q1.mistake_value("churn_2024_only") / base - 1) > 0.02
