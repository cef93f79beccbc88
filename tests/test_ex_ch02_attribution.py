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
    """«Марковская модель и Шепли расходятся не больше чем на …»: обе на одной цепи — расхождение мало."""
    assert (shares["markov"] - shares["shapley"]).abs().max() < 0.03


def test_removal_effects_overlap():
    """Сумма эффектов удаления больше 1 — каналы перекрываются."""
    assert attribution.removal_effects(ex.lead_paths()).sum() > 1.5


def test_most_disputed_is_email(shares):
    """Сильнее всего модели спорят о рассылке (её называет текст через glue; проверяем, что это канал конца пути)."""
    spread = shares.max(axis=1) - shares.min(axis=1)
    assert spread.idxmax() in ("email", "direct")


def test_budget_move_flips_with_model():
    """Перенос из рекламы в партнёров: выгоден по последнему касанию, невыгоден по марковской модели и Шепли;
    выгодным выглядит только в моделях конца пути."""
    per_last, per_markov = ex.per_rub("last"), ex.per_rub("markov")
    assert per_last["partners"] > per_last["ppc"]
    assert per_markov["partners"] < per_markov["ppc"]
    moves = pd.Series({m: ex.move_effect(m) for m in ex.credits_rub().columns})
    assert moves["last"] > 0 and moves["last_non_direct"] > 0
    assert moves["markov"] < 0 and moves["shapley"] < 0
    assert set(moves.index[moves > 0]) <= {"last", "last_non_direct", "time_decay"}
    assert ex._decision() == "test"


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
    assert ex.q3.check("PPC").passed or ex.q3.expected() != "ppc"
    assert ex.q4.check(ex.move_effect("markov") * 1.001).passed
    assert ex.q5.check("test").passed
