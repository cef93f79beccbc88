"""Раздел 1.2: ошибки, которые ловятся признаком ответа, и проверка словаря «боль → функция»."""

import pandas as pd
import pytest

from salesbook.exercises import ch01_market as ex
from salesbook.exercises import table
from salesbook.runtime.checks import ___
from salesbook.toolkit import acquisition, course, market

# --- 1. Win rate -------------------------------------------------------------


def test_win_rate_table_accepts_key_as_column_and_any_order():
    shuffled = ex.q1.expected_value().reset_index().sample(frac=1, random_state=3)
    assert ex.q1.check(shuffled).passed
    extra_columns = market.win_rates(table("opportunities").query("created_date >= '2025-01-01'"), "segment")
    assert ex.q1.check(extra_columns).passed                       # готовая функция курса тоже подходит


def test_fresh_cohort_looks_worse_for_long_cycles():
    """«В SMB и enterprise свежий win rate ниже, в mid-market — выше; выигрыши идут дольше проигрышей;
    в enterprise открыта больше трети сделок 2025 года»."""
    opps = table("opportunities")
    all_years = market.win_rates(opps, "segment")["win_rate"]
    fresh = ex.q1.expected_value()["win_rate"]
    assert (fresh[["smb", "enterprise"]] < all_years[["smb", "enterprise"]]).all()
    assert fresh["mid_market"] > all_years["mid_market"]
    closed = opps[opps["outcome"].isin(["won", "lost"])]
    cycle = (closed["close_date"] - closed["created_date"]).dt.days.groupby([closed["segment"], closed["outcome"]]).median().unstack()
    assert (cycle["won"] > cycle["lost"]).all()
    created_2025 = opps[opps["created_date"].dt.year == 2025]
    open_share = created_2025["outcome"].eq("open").groupby(created_2025["segment"]).mean()
    assert open_share["enterprise"] > 1 / 3 and open_share.idxmax() == "enterprise"


def test_claims_about_segments_and_competitors():
    opps, accounts, mrr = table("opportunities"), table("accounts"), table("mrr")
    seg = market.segment_metrics(opps, accounts, mrr, by="segment")["win_rate"]
    cac = acquisition.cac_by_segment(table("marketing_spend"), table("sm_costs"), table("leads"), opps, table("reps"), *course.YEAR_2024)
    assert cac.loc["enterprise", "cac"] / cac.loc["smb", "cac"] > 50                  # «в сотни раз выше» (число — из glue)
    per_acv = cac.loc["enterprise", "cost_per_acv_rub"] / cac.loc["smb", "cost_per_acv_rub"]
    assert 1 < per_acv < 2                                                         # «на рубль ACV — ненамного дороже»
    acv_new = cac["new_acv"] / cac["customers"]
    assert acv_new["enterprise"] / acv_new["smb"] > 50                               # «новый контракт в … раз крупнее»
    assert seg["smb"] > seg["mid_market"] > seg["enterprise"]          # «win rate падает с размером»
    cells = market.segment_metrics(opps, accounts, mrr)
    assert cells["win_rate"].idxmax() == ("smb", "it")                  # «самая яркая ячейка — ИТ в малом бизнесе»
    it, public = cells.loc[("smb", "it")], cells.loc[("mid_market", "public_sector")]
    assert abs(it["win_rate"] - public["win_rate"]) < 0.02 and public["closed_deals"] < it["closed_deals"] / 5  # «почти такой же, на полусотне»
    assert it["ci_high"] - it["ci_low"] < 0.1                             # «несколько процентных пунктов»
    assert 0.2 < public["ci_high"] - public["ci_low"] < 0.3               # «около четверти шкалы»
    assert cells.loc["enterprise", "closed_deals"].max() < market.MIN_DEALS
    ranked = market.icp_score(cells)
    top8 = ranked[ranked["enough_data"]].head(8)
    # «внутри сегмента почти все интервалы накрывают win rate своего сегмента»
    seg_rate = cells.index.get_level_values("segment").map(seg)
    covers = (cells["ci_low"] <= seg_rate) & (seg_rate <= cells["ci_high"])
    assert covers.mean() > 0.8
    company = (opps["outcome"] == "won").sum() / opps["outcome"].isin(["won", "lost"]).sum()
    assert ((cells["ci_low"] <= company) & (company <= cells["ci_high"])).sum() < covers.sum()  # сегмент объясняет больше
    assert ranked.index[0] == ("mid_market", "logistics")               # «первое место — логистика в среднем бизнесе»
    assert ranked.iloc[0]["churned"] <= 1 and ranked.iloc[0]["median_acv"] > 10 * cells.loc["smb", "median_acv"].max()
    assert abs(ranked.iloc[0]["win_rate"] / seg["mid_market"] - 1) < 0.2  # «win rate около среднего по сегменту»
    assert (top8.index.get_level_values(0) == "mid_market").sum() > 4    # «большую часть верха — средний бизнес»
    assert (top8.index.get_level_values(0) == "smb").sum() <= 3          # «лишь … ячейки малого бизнеса»
    assert (ranked.loc["mid_market", "monthly_churn"] == 0).sum() >= 2    # «нулевой отток у многих ячеек»
    assert not ranked.loc["enterprise", "enough_data"].any()            # «крупный весь не ранжирован»
    closed = opps[opps["outcome"].isin(["won", "lost"])]
    assert "globalitsm" not in set(closed["competitor"].dropna())       # ушёл с рынка
    wl = market.competitor_win_loss(opps)
    vs = market.compare_to_base(wl)
    # «по всем сделкам разница выглядит доказанной»
    assert wl.loc["etalonitsm", "win_rate"] < wl.loc["none", "win_rate"] and vs.loc["etalonitsm", "p_holm"] < 0.05
    assert vs.loc["servicebox", "p_holm"] < 0.05 and wl.loc["servicebox", "ci_high"] < wl.loc["none", "ci_low"]
    assert vs.loc["helppro", "p_value"] < 0.05 < vs.loc["helppro", "p_holm"]
    # «против „ХелпПро“ интервал тоже левее линии базы, но почти касается её»
    assert 0 < wl.loc["none", "win_rate"] - wl.loc["helppro", "ci_high"] < 0.02
    # «с поправкой Холма … (второе по величине p из четырёх, множитель 3)»: число и множитель — из glue
    assert vs["p_value"].rank()["servicebox"] == 2 and vs.loc["servicebox", "p_holm"] == pytest.approx(3 * vs.loc["servicebox", "p_value"])
    # «внутри сегментов ни один конкурент не снижает win rate…» (Кохран — Мантель — Хензель с поправкой Холма)
    from statsmodels.stats.contingency_tables import StratifiedTable
    strat_p, strat_or = {}, {}
    filled = closed.assign(competitor=closed["competitor"].fillna("none"))
    for rival in vs.index:
        tables = []
        for _, part in filled.groupby("segment"):
            rows = [part[part["competitor"] == name]["outcome"] for name in (rival, "none")]
            if len(rows[0]) and len(rows[1]):
                tables.append([[(r == "won").sum(), (r == "lost").sum()] for r in rows])
        strata = StratifiedTable(tables)
        strat_p[rival], strat_or[rival] = strata.test_null_odds(correction=True).pvalue, strata.oddsratio_pooled
    assert min(market.adjust_pvalues(list(strat_p.values()), "holm")) > 0.05
    assert strat_or["servicebox"] < 1 and strat_p["servicebox"] > 0.05
    # «„СервисБокс“ чаще встречается в средних и крупных сделках»
    assert (filled.loc[filled["competitor"] == "servicebox", "segment"] != "smb").mean() > (filled.loc[filled["competitor"] == "none", "segment"] != "smb").mean() + 0.1
    assert wl.loc["opendesk", "win_rate"] > wl.loc["none", "win_rate"]
    with_none = closed.assign(competitor=closed["competitor"].fillna("none"))
    pairs = market.win_rates(with_none[with_none["competitor"].isin(["etalonitsm", "none"])], ["segment", "competitor"])
    ent, mid = pairs.loc["enterprise"], pairs.loc["mid_market"]
    # «в крупном бизнесе против него доля выигрышей даже выше, но не доказанно; в среднем — ниже, тоже не доказанно»
    assert ent.loc["etalonitsm", "win_rate"] > ent.loc["none", "win_rate"] and market.compare_to_base(ent).loc["etalonitsm", "p_value"] > 0.05
    assert mid.loc["etalonitsm", "win_rate"] < mid.loc["none", "win_rate"] and market.compare_to_base(mid).loc["etalonitsm", "p_value"] > 0.05
    # «встречается в крупных сделках, где мы и без него выигрываем редко»
    share = closed.groupby("segment")["competitor"].apply(lambda c: (c == "etalonitsm").mean())
    assert share.idxmax() == "enterprise" and share["smb"] < 0.05
    # «„ЭталонITSM“ встречается в основном в средних и крупных сделках (… его сделок против … у сделок без конкурента)»
    mid_ent = (filled["segment"] != "smb").groupby(filled["competitor"]).mean()
    assert mid_ent["etalonitsm"] > 0.5 and mid_ent["etalonitsm"] > mid_ent["none"] + 0.3
    assert ent.loc["none", "win_rate"] < wl.loc["none", "win_rate"] / 2
    ent = with_none[with_none["segment"] == "enterprise"]
    lost = closed[(closed["outcome"] == "lost") & closed["competitor"].notna()]
    price = pd.crosstab(lost["competitor"], lost["loss_reason"], normalize="index")["price"]
    # «доля проигрышей по цене — 12–16 %, различия в пределах случайности (χ²)»
    from scipy.stats import chi2_contingency
    assert price.between(0.1, 0.2).all()
    assert chi2_contingency(pd.crosstab(lost["competitor"], lost["loss_reason"] == "price"))[1] > 0.05
    assert (ent["replaced_system"] == "globalitsm").mean() >= ent["replaced_system"].fillna("none").value_counts(normalize=True).max() - 1e-9
    assert (lost["loss_reason"] == "competitor").groupby(lost["competitor"]).mean().between(0.4, 0.6).all()  # «около половины»
    # «выигрываем их чаще, чем сделки с почты и таблиц, но с боем»; «в большинстве сделок на замену — соперник»
    replaced = closed.assign(replaced=closed["replaced_system"].map(lambda v: v if v == "globalitsm" else ("none" if pd.isna(v) else "other")))
    by_replaced = market.win_rates(replaced[replaced["segment"] != "smb"], ["segment", "replaced"])["win_rate"]
    for segment in ("enterprise", "mid_market"):
        assert by_replaced[(segment, "globalitsm")] > by_replaced[(segment, "none")]
    migration = closed[closed["replaced_system"] == "globalitsm"]
    assert migration["competitor"].notna().mean() > 0.5
    assert migration.loc[migration["segment"] == "enterprise", "competitor"].notna().mean() > 0.7
    assert set(migration["competitor"].value_counts().head(3).index) == {"etalonitsm", "helppro", "servicebox"}


def test_claims_about_willingness_to_pay():
    """«Внутри сегмента клиенты называют цену не ниже прайса (в SMB — около него, в крупном — выше, на единицах ответов)
    и выше потенциальных, потенциальные — ниже прайса»."""
    respondents = table("survey_responses").drop_duplicates("respondent_id")
    wtp = respondents.pivot_table(index="segment", columns="relationship", values="wtp_rub", aggfunc="median")
    price = pd.Series(market.LIST_PRICE_2025)
    assert (wtp["customer"] > wtp["prospect"]).all()
    assert (wtp["prospect"] < price[wtp.index]).all()
    assert (wtp["customer"] >= price[wtp.index]).all()
    assert abs(wtp.loc["smb", "customer"] / price["smb"] - 1) < 0.1
    assert wtp.loc["enterprise", "customer"] / price["enterprise"] - 1 > 0.1
    answered = respondents.pivot_table(index="segment", columns="relationship", values="wtp_rub", aggfunc="count")
    assert answered.loc["enterprise", "customer"] < 10
    pooled = respondents.groupby("relationship")["wtp_rub"].median()
    assert pooled["customer"] - pooled["prospect"] < (wtp["customer"] - wtp["prospect"]).min()
    # «клиенты платят не прайс, а прайс минус скидку за объём»: медиана цены места в первый месяц у новых клиентов 2025 года
    accounts, mrr, usage = table("accounts"), table("mrr"), table("product_usage")
    new = accounts.loc[accounts["customer_since"].between(*course.YEAR_2025), ["account_id", "segment"]]
    first = (mrr[mrr["account_id"].isin(new["account_id"])].sort_values("month").drop_duplicates("account_id")
             .merge(usage[["account_id", "month", "licensed_seats"]], on=["account_id", "month"]).merge(new, on="account_id"))
    paid = (first["mrr_rub"] / first["licensed_seats"]).groupby(first["segment"]).median()
    assert (paid < price[paid.index]).all() and (1 - paid / price[paid.index]).between(0.02, 0.25).all()


# --- 3. ICP ------------------------------------------------------------------


def test_icp_mistakes_are_distinct_and_explained():
    right = ex.q3.expected_value()
    words = {"small_sample": "несколько", "default_weights": "по умолчанию", "acv_only": "чеком", "most_wins": "Объём"}
    seen = set()
    for name, word in words.items():
        wrong = ex.q3.mistake_value(name)
        assert wrong != right, name
        seen.add(wrong)
        result = ex.q3.check(wrong)
        assert result.status == "incorrect"
        assert word in result.message, (name, result.message)
    assert len(seen) == len(words)


@pytest.mark.parametrize("form", [lambda c: c, lambda c: c.upper(), lambda c: c.replace("/", " / "),
                                  lambda c: tuple(c.split("/")), lambda c: f"«{c}»"])
def test_icp_cell_accepts_equivalent_forms(form):
    assert ex.q3.check(form(ex.q3.expected_value())).passed


def test_icp_cell_rejects_unknown_cell():
    assert ex.q3.check("smb/banking").status == "invalid"


# --- 4. Главная боль ------------------------------------------------------------


def test_top_pain_mistakes():
    right = ex.q4.expected_value()
    cases = {"by_frequency": "частая", "by_intensity": "острая", "all_segments": "всех респондентов"}
    for name, word in cases.items():
        wrong = ex.q4.mistake_value(name)
        assert wrong != right
        result = ex.q4.check(wrong)
        assert result.status == "incorrect" and word in result.message, result.message
    assert ex.q4.check(right.upper()).passed


# --- 5. Боль → функция ------------------------------------------------------------


def _relievers(pain):
    """Функции, которые снимают боль, — по словарю инструментария market.RELIEVES."""
    return [f for f, pains in market.RELIEVES.items() if pain in pains]


def _top3():
    return list(ex.q5.expected_value())


def test_value_map_accepts_any_reliever():
    top = _top3()
    alternatives = {p: _relievers(p)[-1] for p in top}        # другая подходящая функция
    assert ex.q5.check(alternatives).passed
    assert ex.q5.check({p.upper(): f" {f} " for p, f in alternatives.items()}).passed
    assert ex.q5.check(pd.Series(alternatives)).passed
    assert any(len(_relievers(p)) > 1 for p in top), "хотя бы у одной боли должно быть несколько решений"


def test_value_map_by_frequency_gets_its_hint():
    survey = table("survey_responses")
    freq = list(market.pain_map(survey[survey["segment"] == "mid_market"])["share"].nlargest(3).index)
    assert set(freq) != set(_top3())
    answer = {p: _relievers(p)[0] for p in freq}
    result = ex.q5.check(answer)
    assert result.status == "incorrect" and "частые" in result.message


def test_value_map_gain_as_key_gets_its_hint():
    top = _top3()
    answer = {p: _relievers(p)[0] for p in top[:2]}
    answer["quick_launch"] = "no_code_setup"
    result = ex.q5.check(answer)
    assert result.status == "incorrect" and "выгода" in result.message


def test_value_map_wrong_feature_names_the_pain():
    top = _top3()
    answer = {p: _relievers(p)[0] for p in top}
    wrong_feature = next(f for f in market.FEATURES if top[0] not in market.RELIEVES[f])
    answer[top[0]] = wrong_feature
    result = ex.q5.check(answer)
    assert result.status == "incorrect"
    assert "не снимает" in result.message and "RELIEVES" in result.message


def test_value_map_wrong_size_and_shapes():
    top = _top3()
    two = {p: _relievers(p)[0] for p in top[:2]}
    assert "ровно 3" in ex.q5.check(two).message
    assert ex.q5.check({top[0]: "crm"}).status == "invalid"           # такой функции нет
    assert ex.q5.check({"боль": "sla_engine"}).status == "invalid"    # такого кода нет
    assert ex.q5.check(["sla_breaches"]).status == "invalid"
    assert ex.q5.check({}).status == "invalid"
    assert ex.q5.check({top[0]: ___}).status == "unattempted"


# --- 6. Battle card ------------------------------------------------------------


def test_battle_card_mistakes():
    right = ex.q6.expected_value()
    by_count, by_rate = ex.q6.mistake_value("by_count"), ex.q6.mistake_value("by_win_rate")
    assert len({right, by_count, by_rate}) == 3, "данные должны различать три критерия"
    assert "штуки" in ex.q6.check(by_count).message
    assert "win rate" in ex.q6.check(by_rate).message
    assert ex.q6.check(right.upper()).passed


# --- Квиз ------------------------------------------------------------------------


def test_quiz_feedback_on_every_option():
    for quiz in (ex.quiz, ex.quiz_pains):
        assert 2 <= len(quiz.questions) <= 4
        for question in quiz.questions:
            assert all(option.feedback for option in question.options)
    assert ex.quiz.id != ex.quiz_pains.id


def test_quiz_numbers_match_wilson():
    low, high = market.proportion_ci(4, 8)
    assert round(low * 100) == 22 and round(high * 100) == 78
    low_b, high_b = market.proportion_ci(90, 300)
    assert low < low_b and high_b < high                           # интервал A накрывает интервал B


# --- Размер рынка: SOM — поток, ARR и SAM — запасы ---------------------------------


def test_claims_about_market_size_and_som():
    """«SAM снизу вверх больше SAM сверху вниз в разы; ARR — заметная доля SAM сверху вниз, и команда добавляет
    ещё несколько процентов в год; от SAM снизу вверх SOM — лишь малая доля»; SOM — тот же расчёт, что план 1.3 без найма."""
    from salesbook.toolkit import planning

    opps, reps, mrr = table("opportunities"), table("reps"), table("mrr")
    prod = planning.segment_productivity(opps, reps, *course.YEAR_2025)
    team = planning.plan_team(reps, course.hires_2026().iloc[:0], course.PLAN_YEAR)
    assert not team["planned"].any()                                        # без нового найма
    som = planning.bookings_plan(planning.expected_capacity(team, course.PLAN_YEAR), prod).to_numpy().sum()
    with_hires = planning.plan_team(reps, course.hires_2026(), course.PLAN_YEAR)
    assert som < planning.plan_new_arr(with_hires, prod, course.PLAN_YEAR)   # найм растит SOM
    top = market.top_down(market.ILLUSTRATIVE_TOP_DOWN_TOTAL_RUB, market.ILLUSTRATIVE_TOP_DOWN_STEPS)
    sam_top = top["value_rub"].iloc[-1]
    usage, accounts = table("product_usage"), table("accounts")
    first = usage.sort_values("month").drop_duplicates("account_id").merge(accounts[["account_id", "segment"]], on="account_id")
    inputs = pd.DataFrame({"companies": pd.Series(market.ILLUSTRATIVE_COMPANIES), "fit_share": pd.Series(market.ILLUSTRATIVE_FIT_SHARE),
                           "seats": first.groupby("segment")["licensed_seats"].median(),
                           "price_rub_per_seat_month": pd.Series(market.LIST_PRICE_2025)})
    sam_bottom = market.bottom_up(inputs)["annual_rub"].sum()
    arr = mrr.loc[mrr["month"] == course.DECEMBER_2025, "mrr_rub"].sum() * 12
    assert sam_bottom / sam_top > 2                                          # «расходятся в разы»
    assert arr / sam_top > 0.1 and som / sam_top > 0.03                      # «уже заметная доля … ещё … в год»
    assert som / sam_bottom < 0.03                                           # «лишь … SAM в год»
    assert som < arr                                                         # поток за год меньше запаса


def test_sam_exercise_states_its_year_and_other_periods_get_their_hint():
    right = ex.q2.expected_value()
    for name, word in {"all_years": "всех лет", "created_2025": "created_date"}.items():
        wrong = ex.q2.mistake_value(name)
        assert abs(wrong / right - 1) > 0.01, name
        result = ex.q2.check(wrong)
        assert result.status == "incorrect" and word in result.message, (name, result.message)


def test_claims_about_pains_and_gains():
    """«У малого бизнеса с отрывом лидирует хаос каналов; главная боль крупного — где хранятся данные;
    наводящий вопрос делает быстрый запуск главной выгодой, без него это последняя строка, а лидер — быстрый первый ответ»."""
    survey = table("survey_responses")
    pains = market.pain_map(survey, by="segment")["priority"]
    smb = pains.loc["smb"].sort_values(ascending=False)
    assert smb.index[0] == "channel_chaos" and smb.iloc[0] > 1.2 * smb.iloc[1]
    assert pains.loc["enterprise"].idxmax() == "data_residency"
    prompted = market.pain_map(survey, item_type="gain")["share"]
    spontaneous = market.pain_map(survey, item_type="gain", include_prompted=False)["share"]
    assert prompted.idxmax() == "quick_launch" and spontaneous.idxmin() == "quick_launch"
    assert spontaneous.idxmax() == "faster_first_response"
    assert "ru_cloud" in market.features_for("data_residency")
    # «на … респондентах крупного бизнеса: назвали её …, порядок мест может поменять один-два ответа»
    full = market.pain_map(survey, by="segment").loc["enterprise"].sort_values("priority", ascending=False)
    n_enterprise = survey.drop_duplicates("respondent_id")["segment"].eq("enterprise").sum()
    assert n_enterprise < 30 and full["respondents"].iloc[0] < n_enterprise / 2
    assert full["priority"].iloc[0] - full["priority"].iloc[1] < 2 * full["mean_intensity"].max() / n_enterprise
    # «на закрытый вопрос почти все ставят 4 или 5; остальные ответившие на анкету назвали выгоду сами»
    quick = survey[survey["code"] == "quick_launch"]
    prompted_ids = set(quick.loc[quick["prompted"], "respondent_id"])
    own_ids = set(quick.loc[~quick["prompted"] & (quick["method"] == "survey"), "respondent_id"])
    asked = set(survey.loc[survey["method"] == "survey", "respondent_id"])
    assert not prompted_ids & own_ids and prompted_ids | own_ids == asked
    assert (quick.loc[quick["prompted"], "intensity"] >= 4).mean() > 0.85


def test_claims_about_positioning_map():
    """«Мы в самом быстром углу карты и посередине по стоимости владения; „ХелпПро“ так же быстр и в … раза дешевле»."""
    pos = market.POSITIONING
    assert pos.loc["sfera", "weeks_to_launch"] == pos["weeks_to_launch"].min() == pos.loc["helppro", "weeks_to_launch"]
    cheaper = (pos["ownership_rub"] < pos.loc["sfera", "ownership_rub"]).sum()
    assert 2 <= cheaper <= len(pos) - 3
    assert pos.loc["sfera", "ownership_rub"] / pos.loc["helppro", "ownership_rub"] > 3


def test_icp_leader_for_cfo_rests_on_zero_churn_events():
    """Сообщение q3: лидер при весах финансового директора — без единого ухода, и «правило трёх» даёт границу
    выше оттока любой ранжируемой ячейки."""
    cells = ex._cells()
    leader = cells.loc[tuple(ex.q3.expected_value().split("/"))]
    ranked = market.icp_score(cells, ex.CFO_WEIGHTS)
    assert leader["churned"] == 0 and leader["closed_deals"] >= market.MIN_DEALS
    assert 3 / leader["customer_months"] > ranked.loc[ranked["enough_data"], "monthly_churn"].max()
    assert "правило трёх" in ex.q3.correct_message() and "Верно" not in ex.q3.correct_message()
    assert str(int(ex._segment_win_rate().loc["mid_market", "closed_deals"])) in ex.q1.correct_message()
