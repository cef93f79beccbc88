"""Упражнения раздела 4.2 «Командные модели: остров, конвейер и под».

Эталоны считаются функциями ``salesbook.toolkit.team_models`` на потоке компании
(формулу Эрланга C сверяет с опубликованным примером ``tests/test_team_models.py``);
каждая типичная ошибка — тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, team_models, unit_economics

SECTION = "ch04.models"
TITLE = "4.2. Командные модели: остров, конвейер и под"

#: Рост потока лидов mid-market в упражнении 1: +10 %.
GROWTH = 0.10
#: Часов в рабочем дне (официальная норма — 8-часовой день при 40-часовой неделе).
HOURS_PER_DAY = 8


@lru_cache(maxsize=None)
def flow():
    """Поток лидов и люди по сегментам за 2025 год — как в разделе."""
    return team_models.segment_flow(table("leads"), table("opportunities"), table("reps"))


@lru_cache(maxsize=None)
def gross_margin() -> float:
    """Валовая маржа B2B 2025 года — та же функция, что в разделах 1.1 и 10.2."""
    return unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2025)


@lru_cache(maxsize=None)
def results():
    """Симуляция трёх моделей по всем сегментам с допущениями раздела по умолчанию."""
    res = team_models.simulate_models(flow())
    res["gross_profit"] = team_models.gross_profit(res, gross_margin())
    return res


# ---------------------------------------------------------------------------
# 1. Очередь первого контакта при росте потока
# ---------------------------------------------------------------------------


def _queue(growth: float = GROWTH, drop: int = 0):
    """Очередь первого контакта mid-market как M/M/c (работа на лид — из загрузки конвейера)."""
    row = flow().loc["mid_market"]
    lam = row["leads_per_month"] / team_models.WORKDAYS_PER_MONTH
    work = team_models.ASSUMPTIONS["base_utilisation"] * row["first_touch"] / lam
    return team_models.mmc_metrics(lam * (1 + growth), work, int(row["first_touch"]) - drop)


def _mm1_wait() -> float:
    m = _queue()
    s = m["w"] - m["wq"]
    return m["rho"] / (1 - m["rho"]) * s * HOURS_PER_DAY


q1 = Exercise(
    id="ch04.models.q1",
    title="Ожидание первого контакта при росте потока mid-market",
    var="wait_hours",
    expected=lambda: _queue()["wq"] * HOURS_PER_DAY,
    compare=Number(rel_tol=0.02),
    hints=[
        "Новый поток — lam × 1,1; работа на лид и число людей не меняются. mmc_metrics(поток, работа, люди) вернёт словарь, ожидание в очереди — ключ 'wq'.",
        "Поток и работа заданы в рабочих днях, поэтому 'wq' — тоже в рабочих днях: умножьте на 8, чтобы получить часы.",
    ],
    mistakes=[
        Mistake(name="no_growth", value=lambda: _queue(growth=0.0)["wq"] * HOURS_PER_DAY,
                hint="Это ожидание при сегодняшнем потоке. Задание — про поток на 10 % больше: lam × 1.1."),
        Mistake(name="days", value=lambda: _queue()["wq"],
                hint="Это ожидание в рабочих днях. Переведите в часы: 8 часов в рабочем дне."),
        Mistake(name="with_service", value=lambda: _queue()["w"] * HOURS_PER_DAY,
                hint="Это время в системе W — ожидание плюс сама работа с лидом. Нужно только ожидание в очереди Wq (ключ 'wq')."),
        Mistake(name="queue_length", value=lambda: _queue()["lq"],
                hint="Это средняя длина очереди Lq (лидов), а не время. По закону Литтла Lq = λ · Wq: нужно Wq, ключ 'wq', в часах."),
        Mistake(name="mm1", value=_mm1_wait,
                hint="Это формула одной очереди M/M/1: ρ / (1 − ρ) × время работы. Но лиды mid-market разбирает общий пул из нескольких человек — нужна формула Эрланга C (mmc_metrics с числом людей)."),
    ],
    correct_message="При загрузке около 0,9 ожидание ещё терпимое, но каждый следующий процент потока добавляет всё больше: очередь растёт не линейно.",
)

# ---------------------------------------------------------------------------
# 2. Какая модель дешевле на выигранную сделку в enterprise
# ---------------------------------------------------------------------------


def _best(segment: str, column: str, pick: str = "min") -> str:
    col = results().xs(segment, level="segment")[column]
    return str(col.idxmin() if pick == "min" else col.idxmax())


q2 = Exercise(
    id="ch04.models.q2",
    title="Стоимость выигранной сделки в enterprise",
    var="cheapest_model",
    expected=lambda: _best("enterprise", "cost_per_won"),
    compare=Choice(list(team_models.MODELS)),
    hints=[
        "Возьмите строки сегмента enterprise: result.xs('enterprise', level='segment').",
        "Столбец cost_per_won — стоимость команды за год на одну выигранную сделку; idxmin() вернёт код модели.",
    ],
    mistakes=[
        Mistake(name="by_wait", matches=lambda a: a == _best("enterprise", "wait_days") != _best("enterprise", "cost_per_won"),
                hint="У этой модели самое короткое ожидание первого контакта, но стоимость сделки решают ещё потери на передаче. Сравните cost_per_won."),
        Mistake(name="by_utilisation", matches=lambda a: a == _best("enterprise", "utilisation") != _best("enterprise", "cost_per_won"),
                hint="Это модель с самой низкой загрузкой людей. Низкая загрузка не значит дешёвая сделка — сравните cost_per_won."),
        Mistake(name="island", matches=lambda a: a == "island" != _best("enterprise", "cost_per_won"),
                hint="У острова в enterprise меньше всего сделок: пока универсал ведёт сделку, новые лиды ждут и остывают. Сравните cost_per_won."),
        Mistake(name="other", matches=lambda a: a != _best("enterprise", "cost_per_won"),
                hint="У этой модели сделка в enterprise дороже. Сравните столбец cost_per_won по трём моделям."),
    ],
    correct_message="Люди одни и те же, поэтому дешевле сделка там, где их больше выигрывается. В enterprise под теряет меньше сделок на передаче, чем конвейер.",
)

# ---------------------------------------------------------------------------
# 3. Решение в рублях: под вместо конвейера в mid-market
# ---------------------------------------------------------------------------


def _gp_gap(segment: str = "mid_market", column: str = "gross_profit") -> float:
    r = results()
    return float(r.loc[("pod", segment), column] - r.loc[("assembly", segment), column])


q3 = Exercise(
    id="ch04.models.q3",
    title="Что даст под вместо конвейера в mid-market",
    var="pod_minus_assembly",
    expected=_gp_gap,
    compare=Number(rel_tol=0.01),
    hints=[
        "Валовая прибыль модели — won_acv × валовая маржа − стоимость команды за год (team_models.gross_profit).",
        "Нужна разность «под минус конвейер» в сегменте mid_market, ₽ в год: отрицательное число — под хуже.",
    ],
    mistakes=[
        Mistake(name="acv_not_margin", value=lambda: _gp_gap(column="won_acv"),
                hint="Это разность выигранного ACV, а не валовой прибыли. Рубль контракта — ещё не рубль прибыли: умножьте на валовую маржу."),
        Mistake(name="smb", value=lambda: _gp_gap("smb"),
                hint="Это сегмент SMB. Задание — про mid-market: строки ('pod', 'mid_market') и ('assembly', 'mid_market')."),
        Mistake(name="enterprise", value=lambda: _gp_gap("enterprise"),
                hint="Это сегмент enterprise. Задание — про mid-market: строки ('pod', 'mid_market') и ('assembly', 'mid_market')."),
        Mistake(name="won_deals", value=lambda: _gp_gap(column="won"),
                hint="Это разность числа выигранных сделок. Решение — в рублях валовой прибыли за год."),
    ],
    correct_message=lambda: ("Под в mid-market при допущениях раздела " + ("проигрывает конвейеру: AE, разбитые на маленькие ячейки, "
                             "хуже разбирают поток, чем общий пул, и лиды остывают в очереди. "
                             if _gp_gap() < 0 else "зарабатывает больше конвейера. ")
                             + "Сколько потерь на передаче нужно, чтобы это изменилось, — упражнение 4."),
)

# ---------------------------------------------------------------------------
# 4. При каких потерях на передаче конвейер перестаёт окупаться
# ---------------------------------------------------------------------------

GRID = np.round(np.arange(0.0, 0.61, 0.02), 2)


@lru_cache(maxsize=None)
def _gaps(segment: str = "mid_market") -> tuple[float, ...]:
    """Выгода конвейера над подом при каждой доле потерь из GRID, ₽ в год."""
    return tuple(team_models.model_gap(flow(), segment, gross_margin(), "assembly", "pod", handoff_loss=float(x)) for x in GRID)


def _breakeven(segment: str = "mid_market", last_positive: bool = False) -> float:
    gaps = np.array(_gaps(segment))
    idx = int(np.argmax(gaps <= 0)) if (gaps <= 0).any() else len(GRID) - 1
    return float(GRID[idx - 1] if last_positive and idx > 0 else GRID[idx])


q4 = Exercise(
    id="ch04.models.q4",
    title="Потери на передаче, при которых конвейер уступает поду",
    var="breakeven_loss",
    expected=_breakeven,
    compare=Number(rel_tol=0.0, abs_tol=0.0051),
    hints=[
        "Для каждой доли потерь из сетки посчитайте model_gap(flow, 'mid_market', gm, 'assembly', 'pod', handoff_loss=x): это выгода конвейера над подом, ₽ в год.",
        "Ответ — первая доля из сетки, при которой выгода стала ≤ 0. Долей, а не процентом: 0,12, а не 12.",
    ],
    mistakes=[
        Mistake(name="last_positive", value=lambda: _breakeven(last_positive=True),
                hint="Это последняя доля сетки, при которой конвейер ещё выгоднее. Нужна первая, при которой он уже не выгоднее: выгода ≤ 0."),
        Mistake(name="base_loss", value=lambda: team_models.ASSUMPTIONS["handoff_loss"]["mid_market"],
                hint="Это сегодняшнее допущение о потерях в mid-market, а не точка безубыточности. Переберите сетку и найдите, где выгода конвейера становится ≤ 0."),
    ],
    correct_message="Запас до точки безубыточности в разы больше допущения: чтобы под обогнал конвейер, на передаче должна теряться заметная доля квалифицированных лидов. Проверьте по CRM, сколько SQL не доходит до встречи с AE, — если намного меньше, выбор устойчив к потерям. Но запас посчитан при загрузке людей первого контакта 80 %: при слабой загрузке под выгоднее и без потерь, поэтому загрузку тоже стоит измерить.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Загрузку пула SDR подняли с 0,8 до 0,95, добавив лидов без найма. Что будет с ожиданием первого контакта?",
            (
                Option("Вырастет примерно на 20 %, как и загрузка", False,
                       "Ожидание растёт не пропорционально загрузке: в формуле есть множитель 1 / (1 − ρ), и при ρ → 1 он взрывается."),
                Option("Вырастет в разы: при ρ → 1 очередь не успевает рассасываться между всплесками потока", True,
                       "От 0,8 до 0,95 множитель 1 / (1 − ρ) растёт вчетверо, а с ним — ожидание. Поэтому загрузку планируют с запасом."),
                Option("Не изменится, пока загрузка меньше 1", False,
                       "Ожидание появляется задолго до ρ = 1: лиды приходят неравномерно, и всплески ждут, даже когда в среднем людей хватает."),
            ),
        ),
        Question(
            "В очереди на первый контакт в среднем 40 лидов, в день приходит 20. Сколько в среднем ждёт лид?",
            (
                Option("2 дня", True, "Закон Литтла: W = L / λ = 40 / 20 = 2 дня. Он верен для любой устойчивой очереди, без допущений о распределениях."),
                Option("0,5 дня", False, "Это λ / L. По закону Литтла L = λ · W, значит W = L / λ."),
                Option("Нельзя сказать без распределения времени работы", False,
                       "Для среднего ожидания распределение не нужно: закон Литтла связывает средние L, λ и W в любой устойчивой системе."),
            ),
        ),
        Question(
            "Когда остров (один продавец ведёт клиента от первого звонка до подписания) — разумный выбор?",
            (
                Option("Когда лидов много, а сделки маленькие", False,
                       "Наоборот: при большом потоке универсал, занятый сделкой, не успевает к новым лидам, а общий пул специалистов разбирает их быстрее — в симуляции раздела остров в SMB выигрывает в несколько раз меньше сделок, чем конвейер."),
                Option("Когда людей мало, загрузка низкая, а на передаче теряется много контекста — например, первые продавцы стартапа или сложные отраслевые сделки", True,
                       "Остров выигрывает, когда нечего объединять в пул и дорого передавать: вся выгода конвейера — в очередях и специализации."),
                Option("Всегда, если продавцы сильные", False,
                       "Сильный универсал тоже не может звонить новому лиду и одновременно вести переговоры: очередь возникает от загрузки, а не от квалификации."),
            ),
        ),
    ],
)
