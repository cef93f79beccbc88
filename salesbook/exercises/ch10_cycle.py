"""Упражнения раздела 10.3 «Анализ цикла сделки».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.cycle`` и
``salesbook.toolkit.kpi``; каждая типичная ошибка — тот же расчёт с одной ошибкой
(среднее вместо медианы, открытые сделки выброшены или «закрыты» на дату среза,
открытые сделки в знаменателе конверсии, заглядывание в будущее в бэктесте…).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number, Table
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, cycle, kpi

SECTION = "ch10.cycle"
TITLE = "10.3. Анализ цикла сделки"



def _opps(segment: str | None = None) -> pd.DataFrame:
    o = table("opportunities")
    return o if segment is None else o[o["segment"].eq(segment)]


# ---------------------------------------------------------------------------
# 1. Медианный цикл
# ---------------------------------------------------------------------------


def _ent_won_2025() -> pd.Series:
    won = kpi.won_deals(_opps("enterprise"), *course.YEAR_2025)
    return kpi.cycle_days(won)


q1 = Exercise(
    id="ch10.cycle.q1",
    title="Медианный цикл выигранной enterprise-сделки",
    var="median_cycle_ent",
    expected=lambda: kpi.median_cycle(_opps("enterprise"), *course.YEAR_2025),
    compare=Number(rel_tol=0.001),
    hints=[
        "Возьмите выигранные enterprise-сделки с датой закрытия в 2025 году и посчитайте дни от created_date до close_date.",
        "Нужна медиана, а не среднее: kpi.median_cycle(opps_ent, *course.YEAR_2025).",
    ],
    mistakes=[
        Mistake(name="mean", value=lambda: float(_ent_won_2025().mean()),
                hint="Это среднее. У цикла длинный правый хвост: несколько сделок по 300+ дней тянут среднее вверх. Типичную сделку описывает медиана."),
        Mistake(name="with_lost", value=lambda: float(kpi.cycle_days(kpi.closed_deals(_opps("enterprise"), *course.YEAR_2025)).median()),
                hint="В расчёт попали проигранные сделки. Они закрываются быстрее (их бросают раньше) и сокращают «цикл продажи». Нужны только выигранные."),
        Mistake(name="months", value=lambda: kpi.median_cycle(_opps("enterprise"), *course.YEAR_2025) / 30.4375,
                hint="Похоже, ответ в месяцах. Нужен ответ в днях."),
    ],
)

# ---------------------------------------------------------------------------
# 2. Конверсия стадии
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _history() -> pd.DataFrame:
    return cycle.stage_history(table("opportunity_stages"), table("opportunities"))


def _proposal_smb() -> pd.DataFrame:
    h = _history()
    return h[h["segment"].eq("smb") & h["stage"].eq("proposal")]


q2 = Exercise(
    id="ch10.cycle.q2",
    title="Конверсия стадии «proposal» в SMB",
    var="proposal_conversion_smb",
    expected=lambda: float(cycle.stage_conversion(_history()).loc[("smb", "proposal"), "conversion"]),
    compare=Number(rel_tol=0.002),
    hints=[
        "Из истории стадий возьмите SMB-сделки, входившие в proposal. Дальше ушла та, у которой next_stage — negotiation или closed_won.",
        "Делите только на сделки, которые из стадии уже вышли (exited == True): те, что сидят в proposal сейчас, ещё не решены. cycle.stage_conversion делает это сам.",
    ],
    mistakes=[
        Mistake(name="open_in_denominator",
                value=lambda: float(_proposal_smb()["next_stage"].isin(["negotiation", "closed_won"]).mean()),
                hint="В знаменателе сделки, которые всё ещё в стадии proposal. Их исход неизвестен — считать их «не прошедшими» значит занижать конверсию и искать узкое место там, где просто свежие сделки."),
        Mistake(name="to_win", value=lambda: float(_proposal_smb().loc[_proposal_smb()["exited"], "outcome"].eq("won").mean()),
                hint="Это доля выигранных среди дошедших до proposal — конверсия «стадия → выигрыш». Здесь нужна конверсия в следующую стадию: negotiation или сразу closed_won."),
    ],
)

# ---------------------------------------------------------------------------
# 3. Каплан — Мейер на дату среза
# ---------------------------------------------------------------------------


def _mid_h1() -> pd.DataFrame:
    return cycle.durations_as_of(_opps("mid_market"), course.AS_OF_MID_2025, created_from=course.H1_2025[0])


q3 = Exercise(
    id="ch10.cycle.q3",
    title="Медиана цикла по Каплану — Мейеру на 30.06.2025",
    var="km_median_mid",
    expected=lambda: cycle.km_median(_mid_h1()["duration_days"], _mid_h1()["closed"]),
    compare=Number(rel_tol=0.001),
    hints=[
        "cycle.durations_as_of(opps_mid, course.AS_OF_MID_2025, created_from=course.H1_2025[0]) даёт длительность на дату среза и признак closed: открытые сделки — цензурированные наблюдения.",
        "Медиана по Каплану — Мейеру: cycle.km_median(frame['duration_days'], frame['closed']).",
    ],
    mistakes=[
        Mistake(name="closed_only", value=lambda: float(_mid_h1().loc[_mid_h1()["closed"], "duration_days"].median()),
                hint="Это медиана только закрытых сделок. Открытые на 30.06 — как раз самые долгие: выбросив их, вы занижаете цикл. Их нужно учесть как цензурированные."),
        Mistake(name="open_as_closed", value=lambda: float(_mid_h1()["duration_days"].median()),
                hint="Открытые сделки посчитаны закрытыми на дату среза. Их цикл ещё не кончился — так цикл тоже занижается. Передайте признак closed в оценку Каплана — Мейера."),
    ],
)

# ---------------------------------------------------------------------------
# 4. Лог-ранговый тест
# ---------------------------------------------------------------------------


def _mid_all() -> pd.DataFrame:
    frame = cycle.durations_as_of(_opps("mid_market"), course.DATA_END)
    return frame.merge(table("accounts")[["account_id", "industry"]], on="account_id", how="left", validate="m:1")


def _logrank(frame: pd.DataFrame, event: str = "closed") -> float:
    return float(cycle.logrank(frame["duration_days"], frame[event].astype(float), frame["industry"].eq("public_sector"))["statistic"])


q4 = Exercise(
    id="ch10.cycle.q4",
    title="Лог-ранговый тест: госсектор в mid-market",
    var="logrank_stat",
    expected=lambda: _logrank(_mid_all()),
    compare=Number(rel_tol=0.005),
    hints=[
        "Возьмите все mid-market сделки на 31.12.2025 (cycle.durations_as_of) и добавьте отрасль из accounts.",
        "cycle.logrank(frame['duration_days'], frame['closed'], frame['industry'] == 'public_sector') — нужна статистика хи-квадрат, элемент 'statistic'.",
    ],
    mistakes=[
        Mistake(name="closed_only", value=lambda: _logrank(_mid_all()[_mid_all()["closed"]]),
                hint="Вы выбросили открытые сделки. Лог-ранговый тест умеет учитывать цензурированные наблюдения — передайте все сделки и признак closed."),
        Mistake(name="won_as_event", value=lambda: _logrank(_mid_all(), event="won"),
                hint="Событием стал выигрыш, а проигрыши превратились в «ещё открытые». Здесь сравниваем время до закрытия любым исходом: событие — closed."),
    ],
)

# ---------------------------------------------------------------------------
# 5. Скорость продаж по сегментам
# ---------------------------------------------------------------------------


def _velocity(median: bool = False, open_in_wr: bool = False) -> pd.DataFrame:
    o = _opps()
    table = cycle.sales_velocity(o, *course.YEAR_2025)
    if median:
        table["cycle_days"] = kpi.median_cycle(o, *course.YEAR_2025, by="segment")
    if open_in_wr:
        closed = kpi.closed_deals(o, *course.YEAR_2025)
        still_open = o[o["outcome"].eq("open")]
        won = closed[closed["outcome"].eq("won")].groupby("segment").size()
        table["win_rate"] = won / (closed.groupby("segment").size() + still_open.groupby("segment").size())
    table["velocity_rub_per_day"] = table["opportunities"] * table["win_rate"] * table["acv_rub"] / table["cycle_days"]
    return table


q5 = Exercise(
    id="ch10.cycle.q5",
    title="Скорость продаж по сегментам за 2025 год",
    var="velocity",
    expected=lambda: _velocity(),
    compare=Table(key="segment", columns=["velocity_rub_per_day"]),
    hints=[
        "Для каждого сегмента: сделки, созданные в 2025 году; win rate закрытых в 2025 году; средний ACV выигранных; средний цикл выигранных (дни).",
        "velocity_rub_per_day = opportunities × win_rate × acv_rub / cycle_days. Всё это собирает cycle.sales_velocity(opps, *course.YEAR_2025).",
    ],
    mistakes=[
        Mistake(name="median_cycle", value=lambda: _velocity(median=True),
                hint="Цикл взят медианой. Формула скорости продаж — про средние: средний цикл согласован со средним ACV и числом сделок. Медиана цикла — для описания типичной сделки (упражнение 1)."),
        Mistake(name="open_in_win_rate", value=lambda: _velocity(open_in_wr=True),
                hint="В win rate попали открытые сделки. Win rate — только по закрытым: выигранные / (выигранные + проигранные)."),
    ],
)

# ---------------------------------------------------------------------------
# 6. Узкое место воронки
# ---------------------------------------------------------------------------


def _mid_conversion() -> pd.DataFrame:
    return cycle.stage_conversion(_history()).loc["mid_market"]


def _mid_losses() -> pd.Series:
    h = _history()
    h = h[h["segment"].eq("mid_market")]
    return h[h["next_stage"].eq("closed_lost")].groupby("stage").size()


q6 = Exercise(
    id="ch10.cycle.q6",
    title="Узкое место воронки mid-market",
    var="bottleneck_stage",
    expected=lambda: str(cycle.bottleneck(cycle.stage_conversion(_history())).loc["mid_market"]),
    compare=Choice(list(cycle.STAGES)),
    hints=[
        "Узкое место — стадия, из которой дальше уходит меньшая доля сделок: смотрите столбец conversion таблицы cycle.stage_conversion для mid_market.",
        "Не путайте с самой долгой стадией и со стадией, где больше всего проигрышей в штуках: в раннюю стадию просто входит больше сделок. Ответ — код стадии строкой.",
    ],
    mistakes=[
        Mistake(name="slowest_or_most_losses",
                matches=lambda a: a != str(cycle.bottleneck(cycle.stage_conversion(_history())).loc["mid_market"])
                and a in {str(_mid_conversion()["median_days"].idxmax()), str(_mid_losses().idxmax())},
                hint="Эта стадия самая долгая и теряет больше всего сделок в штуках — но в неё и входит больше сделок. Узкое место ищут по доле прошедших дальше: где она ниже, там воронка сужается сильнее."),
        Mistake(name="late_stage", matches=lambda a: a == "negotiation",
                hint="Из переговоров дальше уходит большая доля сделок: до этой стадии доживают сильные сделки. Ищите стадию с самой низкой долей прошедших дальше."),
        Mistake(name="discovery", matches=lambda a: a == "discovery",
                hint="Из выявления потребностей дальше проходит почти девять сделок из десяти. Узкое место — там, где доля прошедших ниже всего."),
    ],
    correct_message="Верно: на этой стадии отсеивается наибольшая доля сделок. Дальше — разбор причин проигрыша на стадии (loss_reason) и проверка, не идут ли в неё сделки без подтверждённой боли и бюджета.",
)

# ---------------------------------------------------------------------------
# 7. Решение: прогноз на II полугодие по пайплайну
# ---------------------------------------------------------------------------


#: Прошлые даты среза и конец горизонта: их бэктест известен уже 30.06.2025.
PAST_CUTOFFS = (("2024-06-30", course.YEAR_2024[1]), (course.YEAR_2024[1], course.H1_2025[1]))


@lru_cache(maxsize=1)
def _backtest() -> pd.DataFrame:
    return cycle.forecast_backtest(table("opportunities"), table("opportunity_stages"), course.AS_OF_MID_2025, course.H2_2025[1])


def past_errors() -> pd.DataFrame:
    """Ошибки прогнозов (прогноз / факт − 1) на прошлых датах среза: строки — даты, столбцы — методы."""
    o, st = table("opportunities"), table("opportunity_stages")
    return pd.DataFrame({cut: cycle.forecast_backtest(o, st, cut, end)["error"] for cut, end in PAST_CUTOFFS}).T


def best_past_method() -> str:
    return str(past_errors()[["crm", "historical"]].abs().mean().idxmin())


def _all_h2_wins() -> float:
    return float(kpi.won_deals(_opps(), *course.H2_2025)["amount_rub"].sum())


def _other_method() -> str:
    return "historical" if best_past_method() == "crm" else "crm"


q7 = Exercise(
    id="ch10.cycle.q7",
    title="Прогноз на II полугодие: какой метод выбрать",
    var="h2_forecast",
    expected=lambda: float(_backtest().loc[best_past_method(), "forecast_rub"]),
    compare=Number(rel_tol=0.005),
    hints=[
        "Сначала бэктесты на прошлых датах: cycle.forecast_backtest(opps, stages, '2024-06-30', '2024-12-31') и cycle.forecast_backtest(opps, stages, '2024-12-31', '2025-06-30'). Их результат известен уже 30.06.2025.",
        "Выберите метод (crm или historical) с меньшей средней ошибкой по модулю на этих двух датах и посчитайте его прогноз на 30.06.2025: cycle.pipeline_forecast(opps, stages, course.AS_OF_MID_2025, вероятности)['expected_rub'].sum().",
    ],
    mistakes=[
        Mistake(name="other_method", value=lambda: float(_backtest().loc[_other_method(), "forecast_rub"]),
                hint="Это прогноз метода, который на прошлых датах среза ошибся сильнее. Сравните средние ошибки по модулю на 30.06.2024 и 31.12.2024: конверсия по сделкам, закрытым к дате среза, — это в основном быстрые мелкие сделки, и она завышает шансы крупного пайплайна."),
        Mistake(name="unweighted", value=lambda: float(_backtest().loc["pipeline", "forecast_rub"]),
                hint="Это весь открытый пайплайн без весов. Выигрывается только часть сделок — прогноз должен учитывать вероятность по стадии."),
        Mistake(name="lookahead", value=lambda: float(_backtest().loc[best_past_method(), "actual_rub"]),
                hint="Это факт: выигранное из пайплайна 30.06 до 31.12.2025 (столбец actual_rub бэктеста). 30 июня его никто не знал — "
                     "финансовому директору нужен прогноз выбранного метода, столбец forecast_rub."),
        Mistake(name="all_h2_wins", value=_all_h2_wins,
                hint="Это все выигрыши II полугодия, включая сделки, созданные после 30.06. Прогноз по пайплайну обещает только сделки, которые уже были в воронке на дату среза."),
    ],
    correct_message="Верно: метод выбран по прошлым бэктестам, а не по будущему, которое прогнозируем. Проверка задним числом на 31.12.2025 этот выбор подтверждает, но и этот прогноз выше факта. И помните: это только существующий пайплайн — около половины выигрышей II полугодия дали сделки, созданные после 30.06, их прогнозируют отдельно, по темпу создания сделок.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "На 30 июня половина enterprise-сделок, созданных в этом году, ещё открыта. Медиана цикла закрытых из них — 60 дней. Что можно сказать о настоящей медиане цикла?",
            (
                Option("Она, скорее всего, больше 60 дней", True, "Да: открытые сделки — самые долгие, закрытые к дате среза — выборка быстрых. Каплан — Мейер учтёт открытые как цензурированные."),
                Option("Она примерно 60 дней: закрытых достаточно", False, "Количество не спасает от смещения: к дате среза успели закрыться только быстрые сделки, медленные ещё в работе."),
                Option("Она меньше 60 дней: открытые сделки часто проигрываются", False, "Проигрыш — тоже закрытие; у открытых сделок цикл уже длиннее, чем у многих закрытых, и ещё продолжается."),
            ),
        ),
        Question(
            "Лог-ранговый тест сравнил цикл сделок госсектора и остальных в небольшом сегменте: p = 0,24, а медиана у госсектора на три недели больше. Какой вывод верный?",
            (
                Option("Данных мало, чтобы отличить эффект от шума; разницу стоит проверить на большей выборке", True, "Да: большой p-value при заметной разнице медиан — признак малой выборки, а не доказательство отсутствия эффекта."),
                Option("Госсектор закрывается так же быстро, как остальные", False, "Незначимый тест не доказывает равенство: он лишь не нашёл различий на таком объёме данных."),
                Option("Госсектор точно дольше: медиана больше на три недели", False, "Разница медиан на малой выборке может быть случайной — для этого и нужен тест."),
            ),
        ),
        Question(
            "Скорость продаж = сделки × win rate × ACV / цикл. Команда сократила цикл на 20 %, остальное не изменилось. Насколько выросла скорость?",
            (
                Option("На 25 %", True, "Да: цикл в знаменателе — 1 / 0,8 = 1,25."),
                Option("На 20 %", False, "Цикл в знаменателе: уменьшение на 20 % даёт рост в 1 / 0,8 = 1,25 раза."),
                Option("Не изменилась: выручка та же", False, "Та же выручка приходит быстрее — за единицу времени компания зарабатывает больше."),
            ),
        ),
    ],
)
