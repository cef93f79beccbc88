"""Упражнения раздела 2.1, часть 2 «Атрибуция каналов».

Эталоны считает ``salesbook.toolkit.attribution`` (модели сверены с опубликованными
примерами в ``tests/test_attribution.py``); каждая типичная ошибка — тот же расчёт
с одной конкретной ошибкой. Период всех упражнений — 2025 год: выигранные сделки
новых клиентов, закрытые в 2025 году, и медиабюджет 2025 года.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number, Table
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import acquisition, attribution, course, unit_economics

SECTION = "ch02.attribution"
TITLE = "2.1. Модель воронки продаж, часть 2: атрибуция каналов"

PERIOD = course.YEAR_2025
#: Бюджетное решение раздела: перенести эту сумму из контекстной рекламы в контент, ₽
#: (сценарий раздела, не данные). Два медиаканала: партнёрскую программу моделями касаний не
#: оценивают — комиссия платится со всей приведённой сделки (раздел 6.3).
MOVE_RUB = 5_000_000
MOVE_FROM, MOVE_TO = "ppc", "content"
#: Каналы с медиабюджетом в marketing_spend.
PAID = ("content", "events", "outbound", "partners", "ppc", "social")


@lru_cache(maxsize=None)
def won_paths() -> tuple[pd.DataFrame, pd.Series]:
    """Касания путей выигранных сделок 2025 года и выручка (ACV) сделок по lead_id."""
    return attribution.won_deal_paths(table("touches"), table("leads"), table("opportunities"), *PERIOD)


@lru_cache(maxsize=None)
def lead_paths() -> pd.DataFrame:
    """Пути для марковской модели и Шепли: те же сделки 2025 года, конверсии взвешены по ACV."""
    return attribution.outcome_paths(table("touches"), table("leads"), table("opportunities"), *PERIOD)


def _heuristic(model: str, value=True, touches: pd.DataFrame | None = None) -> pd.Series:
    t, v = won_paths()
    t = t if touches is None else touches
    ends = t.groupby("lead_id")["end_date"].first() if "end_date" in t else None
    kwargs = {"end_dates": ends} if model == "time_decay" else {}
    return attribution.heuristic_credit(t, model, value=v if value else None, **kwargs)


@lru_cache(maxsize=None)
def credits_rub() -> pd.DataFrame:
    """Выручка выигранных сделок 2025 года по каналам и моделям, ₽ (столбцы — модели)."""
    _, v = won_paths()
    out = {m: _heuristic(m) for m in attribution.HEURISTIC_MODELS}
    out["markov"] = attribution.markov_credit(lead_paths(), total=float(v.sum()))
    out["shapley"] = attribution.shapley_credit(lead_paths(), total=float(v.sum()))
    out["crm"] = attribution.crm_channel_credit(table("leads"), v)
    return pd.DataFrame(out).fillna(0.0)


def spend_2025() -> pd.Series:
    """Медиабюджет B2B-каналов за 2025 год, ₽."""
    s = table("marketing_spend")
    s = s[(s["business_line"] == "b2b") & acquisition.in_period(s["month"], *PERIOD)]
    return s.groupby("channel")["spend_rub"].sum()


def gross_margin_2025() -> float:
    return unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *PERIOD)


def per_rub(model: str, margin: float | None = None) -> pd.Series:
    """Валовая прибыль первого года на рубль медиабюджета канала по модели."""
    gm = gross_margin_2025() if margin is None else margin
    return attribution.gross_profit_per_rub(credits_rub()[model], spend_2025(), gm)


def move_effect(model: str, margin: float | None = None, frm: str = MOVE_FROM, to: str = MOVE_TO) -> float:
    return attribution.reallocation_effect(per_rub(model, margin), frm, to, MOVE_RUB)


# ---------------------------------------------------------------------------
# 1. Доли выручки по первому, последнему касанию и линейной модели
# ---------------------------------------------------------------------------


def _shares(value=True, touches=None, last: str = "last") -> pd.DataFrame:
    frame = pd.DataFrame({"first": _heuristic("first", value, touches), "last": _heuristic(last, value, touches),
                          "linear": _heuristic("linear", value, touches)}).fillna(0.0)
    return frame / frame.sum()


def _linear_by_channel() -> pd.DataFrame:
    """Ошибка: линейная модель по разным каналам пути, а не по касаниям (канал с тремя касаниями получает 1/k)."""
    t, v = won_paths()
    pairs = t[["lead_id", "channel"]].drop_duplicates()
    k = pairs.groupby("lead_id")["channel"].transform("size")
    linear = (pairs["lead_id"].map(v) / k).groupby(pairs["channel"]).sum()
    frame = pd.DataFrame({"first": _heuristic("first"), "last": _heuristic("last"), "linear": linear}).fillna(0.0)
    return frame / frame.sum()


q1 = Exercise(
    id="ch02.attribution.q1",
    title="Доли выручки по первому и последнему касанию и линейной модели",
    var="three_shares",
    expected=lambda: _shares(),
    compare=Table(columns=["first", "last", "linear"], rel_tol=0.01, abs_tol=0.0015),
    hints=[
        "Упорядочьте касания каждого лида по дате (при равной дате — по touch_id). Первое касание — первая строка "
        "лида, последнее — последняя; в линейной модели каждое касание получает 1 / (число касаний пути).",
        "Вес касания умножьте на выручку сделки (deal_value по lead_id), сложите по каналу и разделите каждый "
        "столбец на его сумму — получатся доли выручки, в сумме 1.",
    ],
    mistakes=[
        Mistake(name="counts", value=lambda: _shares(value=False),
                hint="Это доли сделок, а задание — про доли выручки: умножьте вес касания на выручку сделки (deal_value)."),
        Mistake(name="rubles", value=lambda: pd.DataFrame({m: _heuristic(m) for m in ("first", "last", "linear")}).fillna(0.0),
                hint="Это рубли, а нужны доли: разделите каждый столбец на его сумму."),
        Mistake(name="linear_by_channel", value=_linear_by_channel,
                hint="В линейной модели вы делили выручку между разными каналами пути, а не между касаниями. Вес получает "
                     "каждое касание: 1 / (число касаний пути); канал с тремя касаниями получает три доли."),
        Mistake(name="last_non_direct", value=lambda: _shares(last="last_non_direct"),
                hint="В столбце last вы пропустили прямые заходы — это модель «последнее непрямое». Задание просит "
                     "просто последнее касание, каким бы оно ни было."),
    ],
    correct_message="Сравните столбцы: каналы начала пути (органика, реклама, контент) получают по первому "
                    "касанию в разы больше, чем по последнему, а рассылка и прямые заходы — наоборот.",
)

# ---------------------------------------------------------------------------
# 2. Позиционная модель руками для одного пути
# ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def example_lead() -> str:
    """Самая крупная сделка 2025 года с путём из пяти касаний, где канал первого касания встречается и в середине."""
    t, v = won_paths()
    ordered = t.sort_values(["lead_id", "date", "touch_id"], kind="stable")
    chosen, best = None, -1.0
    for lead, g in ordered.groupby("lead_id"):
        ch = g["channel"].tolist()
        if len(ch) == 5 and ch[0] in ch[1:4] and ch[0] != ch[4] and v[lead] > best:
            chosen, best = lead, float(v[lead])
    if chosen is None:  # на случай другого масштаба данных: любая сделка из пяти касаний
        sizes = ordered.groupby("lead_id").size()
        chosen = v[sizes[sizes == 5].index].idxmax()
    return chosen


def _example_path() -> tuple[list[str], float]:
    t, v = won_paths()
    lead = example_lead()
    g = t[t["lead_id"] == lead].sort_values(["date", "touch_id"], kind="stable")
    return g["channel"].tolist(), float(v[lead])


def _example_credit(weights) -> float:
    path, amount = _example_path()
    return sum(w for w, c in zip(weights, path) if c == path[0]) * amount


q2 = Exercise(
    id="ch02.attribution.q2",
    title="Позиционная модель 40/20/40 для одного пути",
    var="first_channel_rub",
    expected=lambda: _example_credit([0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4]),
    compare=Number(rel_tol=0.005),
    hints=[
        "В пути пять касаний: первое получает 40 %, последнее — 40 %, оставшиеся 20 % делятся поровну между тремя средними.",
        "Канал первого касания встречается в пути ещё раз — сложите веса всех его касаний и умножьте на выручку сделки.",
    ],
    mistakes=[
        Mistake(name="first_only", value=lambda: _example_credit([0.4, 0, 0, 0, 0]),
                hint="Вы дали каналу 40 % — только за первое касание (или по линейной модели: по 20 % за каждое из двух). "
                     "В позиционной модели канал получает 40 % за первое касание и ещё долю середины: 20 % / 3."),
        Mistake(name="middle_each_20", value=lambda: _example_credit([0.4, 0.2, 0.2, 0.2, 0.4]),
                hint="Каждому среднему касанию вы дали по 20 %, и веса пути в сумме больше 100 %. Средние касания "
                     "делят 20 % на всех: по 20 % / 3."),
        Mistake(name="share", value=lambda: _example_credit([0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4]) / _example_path()[1],
                hint="Это доля, а нужна сумма в рублях: умножьте на выручку сделки."),
    ],
    correct_message="Канал получил и «премию за первое касание», и часть середины — позиционная модель "
                    "награждает тех, кто открыл и закрыл путь.",
)

# ---------------------------------------------------------------------------
# 3. Где модели расходятся сильнее всего
# ---------------------------------------------------------------------------


def _gap(kind: str = "diff") -> pd.Series:
    shares = credits_rub() / credits_rub().sum()
    paid = shares.loc[list(PAID)]
    if kind == "diff":
        return paid["markov"] - paid["last"]
    if kind == "ratio":
        return paid["markov"] / paid["last"]
    return (shares["markov"] - shares["last"]).abs()


q3 = Exercise(
    id="ch02.attribution.q3",
    title="Какой канал с медиабюджетом последнее касание переоценивает сильнее всего",
    var="most_overrated",
    expected=lambda: _gap().idxmin(),
    compare=Choice(options=list(PAID) + ["direct", "email", "organic"]),
    hints=[
        "Для каждого канала с бюджетом посчитайте разность долей выручки: марковская модель минус последнее касание, "
        "в процентных пунктах.",
        "Нужен канал с наибольшей по модулю отрицательной разностью: по последнему касанию он получает больше всего "
        "сверх марковской доли.",
    ],
    mistakes=[
        Mistake(name="most_underrated", matches=lambda a: a in PAID and float(_gap().get(a, 0.0)) > 0,
                hint="У этого канала разность положительная: последнее касание его, наоборот, недооценивает. "
                     "Нужен канал, чья доля по последнему касанию больше всего превышает марковскую."),
        Mistake(name="any_channel", matches=lambda a: a in ("email", "direct", "organic"),
                hint="У этого канала нет медиабюджета (рассылку последнее касание и правда переоценивает сильнее всех). "
                     "Задание — про каналы из marketing_spend: content, events, outbound, partners, ppc, social."),
        Mistake(name="abs_gap", matches=lambda a: a == _gap().abs().idxmax() and a != _gap().idxmin(),
                hint="Вы взяли наибольшую разность по модулю, а у этого канала она положительная — последнее касание "
                     "его занижает. Нужна самая отрицательная разность «марковская минус последнее»."),
    ],
    correct_message="Исходящие контакты BDR стоят в конце пути: звонок или письмо BDR часто последнее касание "
                    "перед встречей, поэтому последнее касание отдаёт им больше, чем модели всего пути.",
)

# ---------------------------------------------------------------------------
# 4. Решение в рублях: перенос бюджета
# ---------------------------------------------------------------------------

q4 = Exercise(
    id="ch02.attribution.q4",
    title="Перенос бюджета из контекстной рекламы в контент по марковской модели",
    var="delta_gross_profit",
    expected=lambda: move_effect("markov"),
    compare=Number(rel_tol=0.01),
    hints=[
        "Отдача рубля канала = выручка, отданная каналу марковской моделью × валовая маржа 2025 года / "
        "медиабюджет канала за 2025 год.",
        "Δ = сумма переноса × (отдача рубля в content − отдача рубля в ppc). Если получилось меньше нуля — перенос "
        "уменьшает валовую прибыль.",
    ],
    mistakes=[
        Mistake(name="last_touch", value=lambda: move_effect("last"),
                hint="Это расчёт по последнему касанию. Задание просит марковскую модель (столбец markov)."),
        Mistake(name="first_touch", value=lambda: move_effect("first"),
                hint="Это расчёт по первому касанию — отчёт руководителя контента. Задание просит марковскую модель (столбец markov)."),
        Mistake(name="revenue", value=lambda: move_effect("markov", margin=1.0),
                hint="Это изменение выручки (ACV), а решение принимают по валовой прибыли: умножьте на валовую маржу 2025 года."),
        Mistake(name="reversed", value=lambda: move_effect("markov", frm=MOVE_TO, to=MOVE_FROM),
                hint="Вы перенесли деньги в обратную сторону — из контента в рекламу. Нужно из ppc в content."),
    ],
    correct_message="По марковской модели перенос стоит компании валовой прибыли, хотя по первому касанию и по каналу лида "
                    "в CRM он выглядит выгодным: знак решения зависит от модели.",
)

# ---------------------------------------------------------------------------
# 5. Что делать, когда модели расходятся в знаке
# ---------------------------------------------------------------------------

DECISIONS = {"move": "перенести бюджет", "keep": "не переносить", "test": "проверить экспериментом"}


def _signs() -> pd.Series:
    return pd.Series({m: move_effect(m) for m in credits_rub().columns})


def _decision() -> str:
    s = _signs()
    if (s > 0).all():
        return "move"
    if (s < 0).all():
        return "keep"
    return "test"


q5 = Exercise(
    id="ch02.attribution.q5",
    title="Решение руководителя по правилу раздела",
    var="decision",
    expected=_decision,
    compare=Choice(options=list(DECISIONS), labels=DECISIONS),
    hints=[
        "Посчитайте Δ валовой прибыли переноса из ppc в content для всех девяти моделей таблицы per_rub.",
        "Правило раздела: переносить, если перенос окупается по всем моделям; отказаться, если не окупается ни по одной; "
        "если модели расходятся в знаке — атрибуция вопрос не решает, нужен эксперимент.",
    ],
    mistakes=[
        Mistake(name="move", matches=lambda a: a == "move" and _decision() != "move",
                hint="По части моделей перенос окупается, но не по всем: выгодным его делает выбор модели, а не данные."),
        Mistake(name="keep", matches=lambda a: a == "keep" and _decision() != "keep",
                hint="Марковская модель и последнее касание против переноса, но первое касание, линейная модель и канал "
                     "лида в CRM — за. Отказываться насовсем рано: спор решает эксперимент."),
    ],
    correct_message="Когда знак решения зависит от модели, атрибуция исчерпана: урежьте рекламу и добавьте контент "
                    "в части регионов (гео-тест) или на время и измерьте разницу в сделках.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "По последнему касанию рассылка (email) получает почти треть выручки. Почему это, скорее всего, завышение?",
            (
                Option("Письма прогрева уходят лидам, которые уже в базе и близки к сделке: клик по письму — часто "
                       "последний шаг перед встречей, а не причина интереса", True,
                       "Именно так: рассылка стоит в конце пути по построению. Модели, которые смотрят на весь путь, отдают ей меньше."),
                Option("Рассылка — самый дешёвый канал, поэтому ей положено больше", False,
                       "Модели атрибуции не знают цены канала: они делят выручку по касаниям. Цена появляется только в бюджетном решении."),
                Option("Последнее касание всегда точнее: оно ближе всего к покупке", False,
                       "Близость к покупке — не вклад. Брендовый поиск и прямой заход тоже стоят в конце пути, хотя интерес создали другие каналы."),
            ),
        ),
        Question(
            "Эффекты удаления каналов в марковской модели в сумме дают больше 1. Что это значит?",
            (
                Option("Модель ошиблась: вероятности не могут в сумме давать больше 1", False,
                       "Это не вероятности одного события. Каждый эффект — отдельный сценарий «убрали этот канал»."),
                Option("Каналы перекрываются: путь через два канала теряется при удалении любого из них, поэтому эффекты нормируют, чтобы поделить выручку", True,
                       "Нормировка — договорённость; вектор Шепли делит перекрытие по правилу усреднения порядков."),
                Option("Надо взять канал с наибольшим эффектом и отдать ему всю выручку", False,
                       "Так получится новая «одноканальная» модель; смысл эффекта удаления — в сравнении всех каналов."),
            ),
        ),
        Question(
            "Марковская модель отдаёт контекстной рекламе заметно больше, чем последнее касание. Можно ли сказать, что без рекламы компания потеряет столько же выручки?",
            (
                Option("Да: эффект удаления и есть потеря при отключении канала", False,
                       "Эффект удаления считается на наблюдённых путях: он не знает, сколько людей пришли бы другим путём. "
                       "Это корреляция, а не причинность."),
                Option("Нет: это оценка по наблюдённым путям; сколько рекламы на самом деле добавляет, покажет только эксперимент — отключение в части регионов или контрольная группа", True,
                       "Так в полевом эксперименте eBay реклама по брендовым запросам не дала измеримого эффекта, "
                       "хотя атрибуция приписывала ей продажи."),
                Option("Нет, потеряет больше: модели всегда занижают рекламу", False,
                       "Направление ошибки неизвестно: реклама может и «перехватывать» тех, кто пришёл бы сам."),
            ),
        ),
    ],
)
