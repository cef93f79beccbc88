"""Упражнения раздела 10.3 «Анализ цикла сделки».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.cycle`` и
``salesbook.toolkit.kpi``; каждая типичная ошибка — тот же расчёт с одной ошибкой
(среднее вместо медианы, открытые сделки выброшены или «закрыты» на дату среза,
открытые сделки в знаменателе конверсии, созданные сделки вместо открытых в скорости
продаж, цензурированная конверсия без горизонта, заглядывание в будущее в бэктесте…).
Упражнения 1–4 и ``quiz`` — часть 1 раздела, 5–7 и ``quiz_forecast`` — часть 2.
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


def _mid_won_2025() -> pd.Series:
    won = kpi.won_deals(_opps("mid_market"), *course.YEAR_2025)
    return kpi.cycle_days(won)


q1 = Exercise(
    id="ch10.cycle.q1",
    title="Медианный цикл выигранной mid-market-сделки",
    var="median_cycle_won_mid",
    expected=lambda: kpi.median_cycle(_opps("mid_market"), *course.YEAR_2025),
    compare=Number(rel_tol=0.001),
    hints=[
        "Возьмите выигранные mid-market-сделки с датой закрытия в 2025 году и посчитайте дни от created_date до close_date.",
        "Нужна медиана, а не среднее: kpi.median_cycle(opps_mid, *course.YEAR_2025).",
    ],
    mistakes=[
        Mistake(name="mean", value=lambda: float(_mid_won_2025().mean()),
                hint="Это среднее. У цикла длинный правый хвост: несколько сделок, которые тянулись втрое-вчетверо дольше обычной, тянут среднее вверх. Типичную сделку описывает медиана."),
        Mistake(name="with_lost", value=lambda: float(kpi.cycle_days(kpi.closed_deals(_opps("mid_market"), *course.YEAR_2025)).median()),
                hint="В расчёт попали проигранные сделки. Они закрываются быстрее (их бросают раньше) и сокращают «цикл продажи». Нужны только выигранные."),
        Mistake(name="months", value=lambda: kpi.median_cycle(_opps("mid_market"), *course.YEAR_2025) / 30.4375,
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


def _logrank(frame: pd.DataFrame, event: str = "closed", stat: str = "statistic") -> float:
    return float(cycle.logrank(frame["duration_days"], frame[event].astype(float), frame["industry"].eq("public_sector"))[stat])


q4 = Exercise(
    id="ch10.cycle.q4",
    title="Лог-ранговый тест: госсектор в mid-market",
    var="logrank_stat",
    expected=lambda: _logrank(_mid_all()),
    compare=Number(rel_tol=0.005),
    hints=[
        "Возьмите все mid-market-сделки на 31.12.2025 (cycle.durations_as_of) и добавьте отрасль из accounts.",
        "cycle.logrank(frame['duration_days'], frame['closed'], frame['industry'] == 'public_sector') — нужна статистика хи-квадрат, элемент 'statistic'.",
    ],
    mistakes=[
        Mistake(name="closed_only", value=lambda: _logrank(_mid_all()[_mid_all()["closed"]]),
                hint="Вы выбросили открытые сделки. Лог-ранговый тест умеет учитывать цензурированные наблюдения — передайте все сделки и признак closed."),
        Mistake(name="pvalue", value=lambda: _logrank(_mid_all(), stat="pvalue"),
                hint="Это p-value теста. В logrank_stat нужна статистика хи-квадрат — элемент 'statistic' результата cycle.logrank; p-value посмотрите отдельно."),
        Mistake(name="won_as_event", value=lambda: _logrank(_mid_all(), event="won"),
                hint="Событием стал выигрыш, а проигрыши превратились в «ещё открытые». Здесь сравниваем время до закрытия любым исходом: событие — closed."),
    ],
)

# ---------------------------------------------------------------------------
# 5. Скорость продаж по сегментам (часть 2)
# ---------------------------------------------------------------------------


def _velocity(opens: str = "average", cycle_of: str = "closed", median: bool = False, open_in_wr: bool = False,
              per_year: bool = False) -> pd.DataFrame:
    """Эталон и его варианты с одной ошибкой: что в числителе, цикл каких сделок, среднее или медиана."""
    o = _opps()
    start, end = course.YEAR_2025
    t = cycle.sales_velocity(o, start, end)
    if opens == "created":
        t["open_deals"] = o[o["created_date"].between(start, end)].groupby("segment").size()
    elif opens == "start":
        t["open_deals"] = kpi.open_pipeline(o, start).groupby("segment").size()
    won = kpi.won_deals(o, start, end)
    closed = kpi.closed_deals(o, start, end)
    base = won if cycle_of == "won" else closed
    days = kpi.cycle_days(base).groupby(base["segment"])
    t["cycle_days"] = days.median() if median else days.mean()
    if open_in_wr:
        still_open = kpi.open_pipeline(o, end).groupby("segment").size()
        t["win_rate"] = won.groupby("segment").size() / (closed.groupby("segment").size() + still_open)
    t["velocity_rub_per_day"] = t["open_deals"] * t["win_rate"] * t["acv_rub"] / t["cycle_days"] * (365 if per_year else 1)
    return t


q5 = Exercise(
    id="ch10.cycle.q5",
    title="Скорость продаж по сегментам за 2025 год",
    var="velocity",
    expected=lambda: cycle.sales_velocity(_opps(), *course.YEAR_2025),
    compare=Table(key="segment", columns=["velocity_rub_per_day"]),
    hints=[
        "Для каждого сегмента: среднее число открытых сделок за 2025 год (cycle.average_open_deals), win rate закрытых в 2025 году, средний ACV выигранных, средний цикл сделок, закрытых в 2025 году любым исходом.",
        "velocity_rub_per_day = open_deals × win_rate × acv_rub / cycle_days. Всё это собирает cycle.sales_velocity(opps, *course.YEAR_2025); сверьте с bookings_rub_per_day.",
    ],
    mistakes=[
        Mistake(name="created_deals", value=lambda: _velocity(opens="created", cycle_of="won"),
                hint="В числителе сделки, созданные за год, а в знаменателе цикл выигранных — так выходит годовой поток, делённый на дни, и число в разы больше фактических выигрышей в день. По закону Литтла в формулу входят открытые сделки: их среднее число за год даёт cycle.average_open_deals."),
        Mistake(name="created_deals_closed_cycle", value=lambda: _velocity(opens="created"),
                hint="В числителе сделки, созданные за год: это годовой поток, а не число сделок в воронке. Нужна средняя за год численность открытых сделок — cycle.average_open_deals."),
        Mistake(name="won_cycle", value=lambda: _velocity(cycle_of="won"),
                hint="Цикл взят только по выигранным. В воронке сидят и будущие проигрыши, поэтому время в воронке — средний цикл всех закрытых в 2025 году сделок, любым исходом."),
        Mistake(name="median_cycle", value=lambda: _velocity(median=True),
                hint="Цикл взят медианой. В законе Литтла L = λW время W — среднее; медиана цикла — для описания типичной сделки (часть 1)."),
        Mistake(name="start_open", value=lambda: _velocity(opens="start"),
                hint="Это открытые сделки на 1 января. Их число за год меняется — в условии среднее по дням за 2025 год: cycle.average_open_deals(opps, *course.YEAR_2025)."),
        Mistake(name="per_year", value=lambda: _velocity(per_year=True),
                hint="Похоже, скорость умножена на 365 — это рубли в год. В условии — рубли в день: открытые × win rate × ACV / цикл в днях, без перевода в год."),
        Mistake(name="open_in_win_rate", value=lambda: _velocity(open_in_wr=True),
                hint="В win rate попали открытые сделки. Win rate — только по закрытым: выигранные / (выигранные + проигранные)."),
    ],
    correct_message="В 2025 году скорость по открытым сделкам совпадает с фактическими выигрышами в день с точностью до нескольких процентов. Закон Литтла точен в устойчивом режиме; когда воронка быстро растёт (как enterprise в 2024 году), формула завышает.",
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
    correct_message="На этой стадии отсеивается наибольшая доля сделок. Дальше — разбор причин проигрыша на стадии (loss_reason) и проверка, не идут ли в неё сделки без подтверждённой боли и бюджета.",
)

# ---------------------------------------------------------------------------
# 7. Решение: прогноз на II полугодие по пайплайну (часть 2)
# ---------------------------------------------------------------------------


#: Прошлые даты среза (концы месяцев 2024 года) и конец горизонта через 6 месяцев: их бэктест известен уже 30.06.2025.
PAST_CUTOFFS = tuple((c.strftime("%Y-%m-%d"), (c + pd.offsets.MonthEnd(6)).strftime("%Y-%m-%d"))
                     for c in pd.date_range("2024-01-31", course.YEAR_2024[1], freq="ME"))
METHODS = ("crm", "censored", "horizon")


@lru_cache(maxsize=1)
def _backtest() -> pd.DataFrame:
    return cycle.forecast_backtest(table("opportunities"), table("opportunity_stages"), course.AS_OF_MID_2025, course.DATA_END)


@lru_cache(maxsize=1)
def past_errors() -> pd.DataFrame:
    """Ошибки прогнозов (прогноз / факт − 1) на прошлых датах среза: строки — даты, столбцы — методы."""
    o, st = table("opportunities"), table("opportunity_stages")
    return pd.DataFrame({cut: cycle.forecast_backtest(o, st, cut, end)["error"] for cut, end in PAST_CUTOFFS}).T


def best_past_method() -> str:
    return str(past_errors()[list(METHODS)].abs().mean().idxmin())


def _forecast(method: str) -> float:
    return float(_backtest().loc[method, "forecast_rub"])


def _pooled_horizon() -> float:
    o, st = table("opportunities"), table("opportunity_stages")
    cut, end = pd.Timestamp(course.AS_OF_MID_2025), pd.Timestamp(course.DATA_END)
    rates = cycle.horizon_stage_win_rates(o, st, cut, (end - cut).days)
    return float(cycle.pipeline_forecast(o, st, cut, rates)["expected_rub"].sum())


def _all_h2_wins() -> float:
    return float(kpi.won_deals(_opps(), *course.H2_2025)["amount_rub"].sum())


q7 = Exercise(
    id="ch10.cycle.q7",
    title="Прогноз на II полугодие: какой метод выбрать",
    var="h2_forecast",
    expected=lambda: _forecast(best_past_method()),
    compare=Number(rel_tol=0.005),
    hints=[
        "Сначала бэктесты на прошлых датах: для каждого c из pd.date_range('2024-01-31', '2024-12-31', freq='ME') — cycle.forecast_backtest(opps, stages, c, c + pd.offsets.MonthEnd(6)). Их результат известен уже 30.06.2025.",
        "Выберите из crm, censored и horizon метод с меньшей средней ошибкой по модулю и посчитайте его прогноз на 30.06.2025 с горизонтом до 31.12.2025: "
        "для horizon — cycle.horizon_stage_win_rates(opps, stages, cut, дни_горизонта, by='segment') и cycle.pipeline_forecast(..., by='segment').",
    ],
    mistakes=[
        Mistake(name="crm", value=lambda: _forecast("crm"),
                hint="Это прогноз по вероятностям CRM. На 30.06.2025 он оказался ближе к факту, но 30 июня этого знать нельзя; на прошлых датах среза его средняя ошибка по модулю больше — выбирайте по ним."),
        Mistake(name="censored", value=lambda: _forecast("censored"),
                hint="Это конверсия по сделкам, закрытым к дате среза: открытые сделки выброшены (цензурирование), и у неё нет горизонта — она оценивает «выиграна когда-нибудь», а не «до 31.12.2025». На прошлых датах она ошибалась сильнее."),
        Mistake(name="pooled", value=_pooled_horizon,
                hint="Конверсия за горизонт посчитана одна на все сегменты. Win rate падает с размером сделки, и общая конверсия завышает шансы крупного enterprise-пайплайна — считайте её по сегментам (by='segment')."),
        Mistake(name="unweighted", value=lambda: _forecast("pipeline"),
                hint="Это весь открытый пайплайн без весов. Выигрывается только часть сделок — прогноз должен учитывать вероятность по стадии."),
        Mistake(name="lookahead", value=lambda: float(_backtest()["actual_rub"].iloc[0]),
                hint="Это факт: выигранное из пайплайна 30.06 до 31.12.2025 (столбец actual_rub бэктеста). 30 июня его никто не знал — "
                     "финансовому директору нужен прогноз выбранного метода, столбец forecast_rub."),
        Mistake(name="all_h2_wins", value=_all_h2_wins,
                hint="Это все выигрыши II полугодия, включая сделки, созданные после 30.06. Прогноз по пайплайну обещает только сделки, которые уже были в воронке на дату среза."),
    ],
    correct_message="Метод выбран по прошлым бэктестам, а не по будущему, которое прогнозируем. Проверка задним числом на 31.12.2025 покажет, что он занизил факт — больше всего из-за трёх выигранных крупных enterprise-сделок, — но в пределах разброса его прошлых ошибок. И помните: это только существующий пайплайн — около половины выигрышей II полугодия дали сделки, созданные после 30.06.",
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
                Option("Она, скорее всего, больше 60 дней", True, "Открытые сделки — самые долгие, закрытые к дате среза — выборка быстрых. Каплан — Мейер учтёт открытые как цензурированные."),
                Option("Она примерно 60 дней: закрытых достаточно", False, "Количество не спасает от смещения: к дате среза успели закрыться только быстрые сделки, медленные ещё в работе."),
                Option("Она меньше 60 дней: открытые сделки часто проигрываются", False, "Проигрыш — тоже закрытие; у открытых сделок цикл уже длиннее, чем у многих закрытых, и ещё продолжается."),
            ),
        ),
        Question(
            "Лог-ранговый тест сравнил цикл сделок госсектора и остальных в небольшом сегменте: p = 0,24, а медиана у госсектора на три недели больше. Какой вывод верный?",
            (
                Option("Данных мало, чтобы отличить эффект от шума; разницу стоит проверить на большей выборке", True, "Большой p-value при заметной разнице медиан — признак малой выборки, а не доказательство отсутствия эффекта."),
                Option("Госсектор закрывается так же быстро, как остальные", False, "Незначимый тест не доказывает равенство: он лишь не нашёл различий на таком объёме данных."),
                Option("Госсектор точно дольше: медиана больше на три недели", False, "Разница медиан на малой выборке может быть случайной — для этого и нужен тест."),
            ),
        ),
        Question(
            "Представьте, что лог-ранговый тест по трём сегментам дал p = 0,020; 0,010 и 0,200. Что значимо на уровне 5 % с поправкой Холма?",
            (
                Option("Первые два: 0,010 × 3 = 0,030 и 0,020 × 2 = 0,040 — меньше 0,05; 0,200 — нет", True, "Холм умножает наименьшее p на 3, следующее — на 2, последнее — на 1 и останавливается на первом незначимом."),
                Option("Только второй (p = 0,010): с поправкой Бонферрони каждое p умножают на 3", False, "Это поправка Бонферрони: 0,020 × 3 = 0,060 — больше 0,05. Она строже Холма; Холм умножает второе по величине p только на 2, и 0,040 < 0,05."),
                Option("Все три: каждый тест проверял свой сегмент", False, "Тестов три, и шанс хотя бы одной ложной тревоги выше 5 %; 0,200 не значимо даже без поправки."),
            ),
        ),
    ],
)


quiz_forecast = Quiz(
    id=SECTION + ".forecast",
    questions=[
        Question(
            "Скорость продаж = открытые сделки × win rate × ACV / цикл. Команда сократила цикл на 20 %, сделок приходит столько же, win rate и ACV прежние. Что будет с выигрышами в день через полгода?",
            (
                Option("Останутся прежними: открытых сделок станет меньше, выигрыш — разовый сдвиг сделок раньше", True, "По закону Литтла L = λW — при том же потоке λ и меньшем W открытых сделок меньше, и L / W = λ не меняется."),
                Option("Вырастут на 25 %: цикл в знаменателе, 1 / 0,8 = 1,25", False, "Это верно, только если число открытых сделок не изменилось. Но оно равно λW и уменьшится вместе с циклом."),
                Option("Вырастут на 20 %", False, "Выигрыши в день = поток сделок × win rate × ACV; длины цикла в этом произведении нет."),
            ),
        ),
        Question(
            "Вероятности стадий для прогноза на полгода посчитали как долю выигранных среди сделок, закрытых к дате среза. Что с ними не так?",
            (
                Option("Открытые сделки выброшены (цензурирование), и это шанс выиграть когда-нибудь, а не за полгода", True, "Берите прошлые срезы, у которых горизонт уже прошёл, и считайте долю выигранных за тот же горизонт."),
                Option("Ничего: исход закрытых сделок известен, заглядывания в будущее нет", False, "В будущее они не заглядывают, но выборка смещена: самые медленные сделки ещё открыты, а горизонт прогноза не учтён."),
                Option("Их надо считать по всем сегментам сразу: так больше данных", False, "Наоборот: win rate падает с размером сделки, и общая конверсия завышает шансы крупного пайплайна."),
            ),
        ),
        Question(
            "Аналитик сравнил три метода прогноза на 30.06.2025 с фактом на 31.12.2025 и предлагает дальше пользоваться победителем. Что не так?",
            (
                Option("Метод выбран по тому будущему, которое он прогнозирует: выбирать надо по прошлым бэктестам", True, "30 июня факта 31 декабря ещё нет. Выбор по нему — заглядывание в будущее, а победитель одной даты часто проигрывает на следующей."),
                Option("Всё верно: бэктест для того и нужен", False, "Бэктест нужен на датах, результат которых был известен в момент выбора."),
                Option("Надо было сравнивать с невзвешенным пайплайном", False, "Невзвешенный пайплайн завышает прогноз в разы; дело не в нём, а в том, на какой дате выбран метод."),
            ),
        ),
    ],
)
