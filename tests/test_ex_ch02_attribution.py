"""Раздел 2.1, часть 2: каждое качественное утверждение текста об атрибуции проверяется на данных курса,
а решения учащегося «руками» (pandas без функций attribution) проходят проверку."""

import pandas as pd
import pytest

from salesbook.exercises import ch02_attribution as ex
from salesbook.exercises import table
from salesbook.toolkit import attribution


@pytest.fixture(scope="module")
def shares():
    return attribution.model_shares({m: ex.credits_rub()[m] for m in ex.credits_rub().columns})


def test_paths_are_long_enough_to_share():
    """«медианно … касаний из … разных каналов; путей из одного касания — …»: почти каждую сделку есть с кем делить."""
    t, v = ex.won_paths()
    sizes = t.groupby("lead_id").size()
    assert sizes.median() >= 3
    assert t.groupby("lead_id")["channel"].nunique().median() >= 2
    assert (sizes == 1).mean() < 0.1
    assert set(t["lead_id"]) == set(v.index)  # у каждой выигранной сделки есть путь
    assert (t["date"] <= t["end_date"]).all()


def test_end_of_path_models_reward_email_direct_outbound(shares):
    """Рассылка по последнему касанию — почти треть и больше, чем по первому; прямые заходы и исходящие — тоже «конец пути»."""
    assert 0.25 < shares.loc["email", "last"] < 0.4
    assert shares.loc["email", "last"] > 2 * shares.loc["email", "first"]
    for channel in ("email", "direct", "outbound"):
        assert shares.loc[channel, "last"] > shares.loc[channel, "markov"]
    assert shares.loc["direct", "last_non_direct"] < 0.001


def test_start_and_whole_path_models_reward_ads_content_social(shares):
    """Первое касание, марковская модель и Шепли отдают рекламе, контенту и соцсетям больше последнего касания."""
    for channel in ("ppc", "content", "social"):
        for model in ("first", "markov", "shapley"):
            assert shares.loc[channel, model] > shares.loc[channel, "last"], (channel, model)
    assert shares.loc["ppc", "first"] > 2 * shares.loc["ppc", "last"]


def test_markov_and_shapley_agree_closely(shares):
    """«Марковская модель и Шепли расходятся не больше чем на … п. п.»: обе на одной цепи — расхождение мало."""
    assert (shares["markov"] - shares["shapley"]).abs().max() < 0.05


def test_markov_uses_heuristic_deals_weighted_by_acv():
    """Марковская модель — на тех же сделках, что эвристики: сумма весов конверсий равна числу сделок, вес — по ACV."""
    t, v = ex.won_paths()
    paths = ex.lead_paths()
    assert paths["conversions"].sum() == pytest.approx(len(v))
    assert paths["nulls"].sum() > 5 * len(v)
    counted = attribution.outcome_paths(table("touches"), table("leads"), table("opportunities"), *ex.PERIOD,
                                        weight_by_acv=False)
    assert counted["conversions"].sum() == pytest.approx(len(v))
    assert not counted["conversions"].equals(paths["conversions"])  # вес по выручке меняет модель


def test_crm_channel_model_gives_partners_and_outbound_whole_deals(shares):
    """Канал лида в CRM: рассылке и прямым заходам — ноль; исходящим и партнёрам — больше любой модели касаний."""
    assert shares.loc["email", "crm"] == 0 and shares.loc["direct", "crm"] == 0
    touch_models = shares.columns.drop("crm")
    for channel in ("outbound", "partners"):
        assert shares.loc[channel, "crm"] > shares.loc[channel, touch_models].max()
    assert shares.loc["partners", "crm"] > 2 * shares.loc["partners", touch_models].max()


def test_partner_touch_is_one_of_many_on_partner_deals():
    """Врезка: по первому, последнему касанию и линейной модели партнёру достаётся меньше трети выручки его сделок."""
    t, v = ex.won_paths()
    ch = table("leads").set_index("lead_id").loc[v.index, "channel"]
    own = ch[ch == "partners"].index
    sub = t[t["lead_id"].isin(own)]
    for m in ("first", "last", "linear"):
        credit = attribution.heuristic_credit(sub, m, value=v).get("partners", 0.0)
        assert credit / v[own].sum() < 1 / 3, m


def test_removal_effects_overlap():
    """Сумма эффектов удаления больше 1 — каналы перекрываются."""
    assert attribution.removal_effects(ex.lead_paths()).sum() > 1.5


def test_most_disputed_is_email(shares):
    """Сильнее всего модели спорят о рассылке (её называет текст через glue; проверяем, что это канал конца пути)."""
    spread = shares.max(axis=1) - shares.min(axis=1)
    assert spread.idxmax() in ("email", "direct")


def test_budget_move_flips_with_model():
    """Перенос из рекламы в контент: выгоден по первому касанию, линейной и по каналу лида в CRM, невыгоден по
    последнему касанию, марковской модели и Шепли — модели расходятся в знаке, решение — эксперимент."""
    per_first, per_markov = ex.per_rub("first"), ex.per_rub("markov")
    assert per_first["content"] > per_first["ppc"]
    assert per_markov["content"] < per_markov["ppc"]
    moves = pd.Series({m: ex.move_effect(m) for m in ex.credits_rub().columns})
    assert len(moves) == 9
    assert moves["first"] > 0 and moves["linear"] > 0 and moves["crm"] > 0
    assert moves["last"] < 0 and moves["markov"] < 0 and moves["shapley"] < 0
    assert ex._decision() == "test"


def test_markov_sign_is_stable_but_close_to_zero():
    """«Внутри марковской модели знак устойчив к выборке лидов, хотя верхняя граница интервала близка к нулю»."""
    t, v = ex.won_paths()
    boot = attribution.bootstrap_markov_credit(table("touches"), table("leads"), table("opportunities"), *ex.PERIOD,
                                               total=float(v.sum()), n_boot=200)
    spend, gm = ex.spend_2025(), ex.gross_margin_2025()
    delta = ex.MOVE_RUB * gm * (boot["content"] / spend["content"] - boot["ppc"] / spend["ppc"])
    lo, hi = delta.quantile(0.025), delta.quantile(0.975)
    assert lo < hi < 0
    assert hi > -0.1 * ex.MOVE_RUB * gm  # близко к нулю: меньше десятой доли валовой прибыли на сумму переноса


def test_events_to_ppc_all_models_agree():
    """«Бывает и согласие»: перенос из мероприятий в рекламу окупается во всех девяти моделях."""
    moves = pd.Series({m: ex.move_effect(m, frm="events", to="ppc") for m in ex.credits_rub().columns})
    assert (moves > 0).all()


def test_partners_not_in_budget_example():
    """Пример раздела двигает деньги между медиаканалами, а не в партнёрскую программу."""
    assert {ex.MOVE_FROM, ex.MOVE_TO} == {"ppc", "content"}


def test_crm_channel_differs_from_first_touch():
    """Канал лида в CRM совпадает с первым касанием меньше чем у половины (с запасом — у меньше 60 %) сделок."""
    t, v = ex.won_paths()
    crm = table("leads").set_index("lead_id").loc[v.index, "channel"]
    first = t.groupby("lead_id")["channel"].first().reindex(crm.index)
    assert (crm == first).mean() < 0.6


def test_q1_by_hand_passes_and_counts_fail():
    t, v = ex.won_paths()
    o = t.sort_values(["lead_id", "date", "touch_id"]).copy()
    o["value"] = o["lead_id"].map(v)
    g = o.groupby("lead_id")
    first = o[g.cumcount() == 0].groupby("channel")["value"].sum()
    last = o[g.cumcount(ascending=False) == 0].groupby("channel")["value"].sum()
    linear = (o["value"] / g["channel"].transform("size")).groupby(o["channel"]).sum()
    answer = pd.DataFrame({"first": first, "last": last, "linear": linear}).fillna(0)
    assert ex.q1.check(answer / answer.sum()).passed
    assert not ex.q1.check(answer).passed


def test_q2_q3_q4_q5_accept_answers_from_section_code():
    path, amount = ex._example_path()
    assert len(path) == 5 and path[0] in path[1:4]
    assert ex.q2.check(ex._example_credit([0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4])).passed
    assert ex.q3.expected() == "outbound"
    assert ex.q3.check("Outbound").passed
    gap = ex._gap().sort_values()
    assert gap.iloc[1] - gap.iloc[0] > 0.03  # ответ не в пределах шума: следующий канал далеко
    assert ex.q4.check(ex.move_effect("markov") * 1.001).passed
    assert ex.q5.check("test").passed
