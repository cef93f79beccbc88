"""Раздел 1.3: ошибки, которые ловятся признаком ответа, и согласованность эталонов."""


import numpy as np
from statsmodels.stats.rates import confint_poisson

from salesbook.exercises import ch01_budget as ex
from salesbook.toolkit import course, finance, planning


def test_derisk_choice_accepts_any_case_and_quotes():
    right = ex.q6.expected_value()
    assert ex.q6.check(right).passed
    assert ex.q6.check(right.upper()).passed
    assert ex.q6.check(f"«{right}»").passed


def test_derisk_wrong_choices_get_their_hints():
    right = ex.q6.expected_value()
    widest = ex.q6.mistake_value("widest_range")
    assert widest != right, "данные должны различать «самый широкий диапазон» и «самое сильное влияние»"
    result = ex.q6.check(widest)
    assert result.status == "incorrect" and "диапазон" in result.message
    if right != "attrition":
        result = ex.q6.check("attrition")
        assert result.status == "incorrect" and "Текучесть" in result.message
    for other in planning.RISK_INPUTS:
        if other in (right, widest, "attrition"):
            continue
        result = ex.q6.check(other)
        assert result.status == "incorrect" and "downside" in result.message


def test_derisk_agrees_with_monte_carlo_correlations():
    """Лидер торнадо — и самый связанный с результатом вход в симуляции (ранговая корреляция)."""
    sim = ex.simulation_2026()
    corr = sim[list(planning.RISK_INPUTS)].corrwith(sim["new_arr"], method="spearman").abs()
    assert corr.idxmax() == ex.q6.expected_value()


def test_probability_is_checked_tightly_and_another_seed_gets_its_hint():
    """q5: доля по симуляции с заданными seed и n воспроизводится; «на глаз» и другой seed не проходят."""
    right = ex.q5.expected_value()
    assert ex.q5.check(round(right, 3)).passed
    assert ex.q5.check(np.floor(right * 1000) / 1000).passed          # усечение до 0,001 — тоже округление до 0,001
    message = ex.q5.check(right).message
    assert "п. п." in message and "погрешность" in message             # «≈ p ± … п. п.: погрешность 10 000 прогонов»
    assert 0.005 < ex.monte_carlo_error(right) < 0.01
    team, prod = ex.team_2026(True), ex.productivity_2025()
    other = planning.simulate_plan(team, prod, 2026, course.RISK_RANGES_2026, n_runs=10_000, seed=7)
    p = planning.plan_percentiles(other, course.TARGET_NEW_ARR_2026)["prob_hit"]
    if abs(p - right) > ex.PROB_TOL:
        result = ex.q5.check(p)
        assert result.status == "incorrect" and "seed" in result.message
    for eyeballed in (round(right, 2) + 0.01, round(right, 2) - 0.01):
        assert not ex.q5.check(eyeballed).passed


def test_risk_table_orders_edges_by_effect_on_plan():
    """Столбцы «Пессимистично / Базово / Оптимистично» идут от худшего для плана края к лучшему в каждой строке."""
    table = planning.risk_scenarios(course.RISK_RANGES_2026)
    team, prod = ex.team_2026(True), ex.productivity_2025()
    for name, row in table.iterrows():
        base = dict(planning.BASE_INPUTS)
        worse = planning.plan_new_arr(team, prod, 2026, **{**base, name: row["pessimistic"]})
        better = planning.plan_new_arr(team, prod, 2026, **{**base, name: row["optimistic"]})
        assert worse < better, name


def test_plan_to_median_gap_decomposes_as_the_text_says():
    """«Разрыв: текучесть вне плана + несимметричные диапазоны; нелинейность мала; медиана ниже среднего»."""
    team, prod = ex.team_2026(True), ex.productivity_2025()
    table = planning.risk_scenarios(course.RISK_RANGES_2026)
    plan = planning.plan_new_arr(team, prod, 2026, **planning.BASE_INPUTS)
    at_modes = planning.plan_new_arr(team, prod, 2026, **table["base"])
    at_means = planning.plan_new_arr(team, prod, 2026, **table["mean"])
    stats = planning.plan_percentiles(ex.simulation_2026(), course.TARGET_NEW_ARR_2026)
    assert plan - at_modes > 0.03 * plan                       # текучесть, которой нет в плане
    assert at_modes - at_means > 0.05 * plan                   # средние несимметричных входов хуже мод
    sim = ex.simulation_2026()
    se = sim["new_arr"].std() / np.sqrt(len(sim))
    assert abs(at_means - stats["mean"]) < 3 * se              # «нелинейность неотличима от нуля: в пределах ошибки симуляции»
    other = planning.simulate_plan(team, prod, 2026, course.RISK_RANGES_2026, n_runs=10_000, seed=3)
    assert np.sign(at_means - other["new_arr"].mean()) != np.sign(at_means - stats["mean"])  # «при других seed меняет знак»
    # «в обратном порядке шагов картина та же»: асимметрия больше текучести в обоих порядках
    no_attr = planning.plan_new_arr(team, prod, 2026, **{**table["mean"].to_dict(), "attrition": 0.0})
    assert plan - no_attr > no_attr - at_means > 0.03 * plan and at_modes - at_means > plan - at_modes
    assert (sim["new_arr"] >= plan).mean() < 0.25                # «план выполняется лишь в … сценариев»
    assert stats["p50"] < stats["mean"]                        # длинный правый хвост
    assert (table["mean"] != table["base"]).all()              # все диапазоны несимметричны
    assert stats["p50"] < course.TARGET_NEW_ARR_2026 < plan    # «цель лишь чуть левее плана», медиана — заметно


def test_symmetric_ranges_with_attrition_in_plan_put_median_near_plan():
    """«При симметричных диапазонах и текучести в плане медиана была бы близка к плану»."""
    team, prod = ex.team_2026(True), ex.productivity_2025()
    symmetric = {"win_rate": (0.9, 1.0, 1.1), "acv": (0.9, 1.0, 1.1), "cycle": (0.9, 1.0, 1.1), "ramp": (0.8, 1.0, 1.2),
                 "attrition": (0.1, 0.2, 0.3)}
    sim = planning.simulate_plan(team, prod, 2026, symmetric, n_runs=10_000, seed=2025)
    plan = planning.plan_new_arr(team, prod, 2026, attrition=0.2)
    assert abs(sim["new_arr"].median() / plan - 1) < 0.02
    assert 0.4 < (sim["new_arr"] >= plan).mean() < 0.55


def test_correlated_market_fattens_the_lower_tail():
    team, prod = ex.team_2026(True), ex.productivity_2025()
    base = planning.plan_percentiles(ex.simulation_2026(), course.TARGET_NEW_ARR_2026)
    linked = planning.simulate_plan(team, prod, 2026, course.RISK_RANGES_2026, n_runs=10_000, seed=2025,
                                    correlation={("win_rate", "cycle"): -0.6})
    stats = planning.plan_percentiles(linked, course.TARGET_NEW_ARR_2026)
    assert stats["p10"] < base["p10"] and stats["p90"] > base["p90"]
    assert abs(stats["mean"] - base["mean"]) < 0.01 * base["mean"]
    # общие случайные числа: при r = 0 путь с копулой даёт те же прогоны, что и без связи
    same = planning.simulate_plan(team, prod, 2026, course.RISK_RANGES_2026, n_runs=2_000, seed=11)
    zero = planning.simulate_plan(team, prod, 2026, course.RISK_RANGES_2026, n_runs=2_000, seed=11, correlation={("win_rate", "cycle"): 0.0})
    np.testing.assert_allclose(same["new_arr"], zero["new_arr"])


def test_deal_noise_is_more_than_half_of_the_variance():
    """«Больше половины разброса симуляции — случайное число и размер сделок; торнадо его не видит»."""
    team, prod = ex.team_2026(True), ex.productivity_2025()
    quiet = planning.simulate_plan(team, prod, 2026, course.RISK_RANGES_2026, n_runs=10_000, seed=2025, deal_noise=False)
    assert 1 - quiet["new_arr"].var() / ex.simulation_2026()["new_arr"].var() > 0.5


def test_risk_table_is_ordered_like_the_tornado():
    """«Таблица диапазонов упорядочена так же, как торнадо ниже»."""
    assert list(course.RISK_RANGES_2026) == list(ex._tornado().index)


def test_bonus_driver_is_one_definition_in_both_parts():
    """Премии — доля в новом ARR 2025 года, одна функция для OPEX части 1 и ROI части 2."""
    rate = planning.bonus_rate(ex.table("sm_costs"), ex.table("marketing_spend"), ex.table("opportunities"), *course.YEAR_2025)
    assert ex._roi_inputs()["bonus_rate"] == rate * (1 + course.PAYROLL_TAX_RATE_2026)
    assert 0 < rate < 0.2


def test_payroll_cap_claim():
    """«Оклад AE mid-market за год сам по себе выходит за предельную базу 2026 года»."""
    team = ex.team_2026(True)
    for segment in ("mid_market", "enterprise"):
        assert 12 * team.loc[team["segment"] == segment, "base_salary_rub"].median() > course.PAYROLL_TAX_BASE_2026


def test_plan_story_holds_on_course_data():
    """Числа, на которых держится текст: разрыв есть, три AE mid-market его закрывают,
    найм окупается в пределах двух лет, но не за год; цель выполняется реже, чем в половине сценариев."""
    approved = ex.bookings_plan_2026(final=False).sum()
    final = ex.bookings_plan_2026(final=True).sum()
    assert approved < course.TARGET_NEW_ARR_2026 <= final
    new_arr_2025 = planning.new_bookings_by_month(ex.table("opportunities")).loc["2025"].sum()
    assert 1.2 < course.TARGET_NEW_ARR_2026 / new_arr_2025 < 1.6          # «цель — рост нового ARR»
    assert 0 < ex.q4.expected_value() < 0.5 * ex.q4.mistake_value("people_only")  # «за 24 месяца окупается, но с небольшим запасом»
    p = ex._roi_inputs()
    flows_36 = planning.hire_cash_flows(3, 36, p["ramp_months"], p["productivity"], p["cost_per_head"], p["gross_margin"],
                                        p["bonus_rate"] + p["media_per_acv"], p["retention"])
    assert planning.roi(flows_36["gross_profit"].sum(), flows_36["costs"].sum()) > 0   # «за 36 месяцев окупается»
    payback = finance.payback_from_cash_flows(np.r_[0.0, flows_36["net"]])
    assert 18 < payback <= 24                                               # «в пределах двух лет, но ближе к их концу»
    flows_12 = planning.hire_cash_flows(3, 12, p["ramp_months"], p["productivity"], p["cost_per_head"], p["gross_margin"],
                                        p["bonus_rate"] + p["media_per_acv"], p["retention"])
    assert planning.roi(flows_12["gross_profit"].sum(), flows_12["costs"].sum()) < 0   # «за первые 12 месяцев убыточен»
    # «в mid-market заметно больше квоты даже по нижней границе интервала; в enterprise меньше, но по 10 сделкам
    # это от квоты не отличить» — интервал только по случайному числу выигрышей (Пуассон)
    prod = ex.productivity_2025()
    ci = {s: np.array(confint_poisson(prod.loc[s, "won_deals"], 1, method="exact-c")) / prod.loc[s, "won_deals"] for s in prod.index}
    assert prod["attainment"].idxmin() == "enterprise" and prod["attainment"]["enterprise"] < 1
    assert (prod.loc["enterprise", "attainment"] * ci["enterprise"])[1] > 1 > (prod.loc["enterprise", "attainment"] * ci["enterprise"])[0]
    assert prod["attainment"].idxmax() == "mid_market" and (prod.loc["mid_market", "attainment"] * ci["mid_market"])[0] > 1
    # «интервал продуктивности enterprise шире диапазонов win rate и ACV»
    assert ci["enterprise"][1] - ci["enterprise"][0] > course.RISK_RANGES_2026["win_rate"][2] - course.RISK_RANGES_2026["win_rate"][0]
    # «модель выручки сходится с фактом 2025 года с ошибкой меньше процента»
    mrr = ex.table("mrr")
    mrr_by_month = mrr.groupby("month")["mrr_rub"].sum()
    bookings = planning.new_bookings_by_month(ex.table("opportunities"))
    retention = planning.net_monthly_retention(mrr, *course.YEAR_2025)
    backtest = planning.revenue_plan(mrr_by_month.loc[course.DECEMBER_2024], bookings.loc["2025"], retention, bookings.loc[course.DECEMBER_2024])
    assert abs(backtest["revenue"].sum() / mrr_by_month.loc["2025"].sum() - 1) < 0.01
    # «каждый найм 2025 года — в феврале, июле, сентябре и ноябре — открывает разрыв заново»
    reps = ex.table("reps")
    hires = reps.loc[reps["role"].eq("AE") & reps["hire_date"].dt.year.eq(2025), "hire_date"].dt.month
    assert set(hires) == {2, 7, 9, 11}
    # квота в таблице — план 2025 года из ae_quotas (reps хранит план последнего года работы AE)
    quotas = ex.table("ae_quotas").merge(ex.table("reps")[["rep_id", "team"]], on="rep_id")
    plan_2025 = quotas[quotas["year"] == 2025].groupby("team")["annual_quota_rub"].median()
    assert (prod["quota"] == plan_2025.reindex(prod.index)).all()
    assert ex.q5.mistake_value("approved_team") + 0.03 < ex.q5.expected_value() < 0.5
    # «уровень исследований (25 %) попадает в 95 % интервал истории», база риска — история, края — внутри интервала
    exits, years = planning.attrition_counts(ex.table("reps"), *course.HISTORY)
    low, high = confint_poisson(exits, years, method="exact-c")
    assert low < 0.25 < high and abs(course.RISK_RANGES_2026["attrition"][1] - exits / years) < 0.02
    assert low <= course.RISK_RANGES_2026["attrition"][0] and course.RISK_RANGES_2026["attrition"][2] <= high


def test_quiz_feedback_on_every_option():
    assert len(ex.quiz.questions) >= 3 and len(ex.quiz_risk.questions) >= 3
    for question in ex.quiz.questions + ex.quiz_risk.questions:
        assert all(option.feedback for option in question.options)
        assert sum(option.correct for option in question.options) == 1


def test_2026_plan_uses_2026_tariff_and_segment_lead_costs():
    # «с 2026 года — 15 % в пределах базы и 7,6 % сверх неё»: план 2026 года дороже ставки 2025 года
    assert course.PAYROLL_TAX_RATE_2026 == 0.15 > course.PAYROLL_TAX_RATE
    p = ex._roi_inputs()
    salary = ex.table("reps").query("role == 'AE' and team == 'mid_market'")["base_salary_rub"].median()
    assert p["cost_per_head"] > salary * (1 + course.PAYROLL_TAX_RATE_2026)  # оклад со взносами 2026 года плюс инструменты
    # «платный лид малого бизнеса стоил … а крупного — …»: цена лида различается по сегментам в десятки раз
    spend, leads = ex.table("marketing_spend"), ex.table("leads")
    media = spend[(spend["business_line"] == "b2b") & (spend["month"].dt.year == 2025)].groupby("segment")["spend_rub"].sum()
    paid = leads[(leads["channel"] != "organic") & (leads["created_date"].dt.year == 2025)].groupby("segment").size()
    cpl = media / paid
    assert cpl["enterprise"] > 3 * cpl["mid_market"] and cpl["mid_market"] > 5 * cpl["smb"]
