"""Упражнения раздела 9.3, часть 2 «Повторные покупки в B2C: модель BG/NBD».

Эталоны считаются функциями ``salesbook.toolkit.repeat_purchase`` (сводка RFM, BG/NBD)
на покупках «Про-пакета» из ``b2c_purchases``; маржа B2C — ``retention.gross_margin``.
Калибровка — покупки 2023–2024 годов, отложенный период — 2025 год; решение о рассылке
принимается на 1 января 2026 года на следующие 52 недели.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Exercise, Invalid, Mistake, Table, _describe
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, retention
from salesbook.toolkit import repeat_purchase as rp

SECTION = "ch09.repeat"
TITLE = "9.3. Upsell и cross-sell, часть 2: повторные покупки в B2C и модель BG/NBD"

#: Конец калибровки и конец отложенного периода (не включая).
CUTOFF = "2025-01-01"
HOLDOUT_END = "2026-01-01"
#: Дата решения о рассылке и горизонт прогноза, недель.
DECISION_DATE = "2026-01-01"
HORIZON_WEEKS = 52.0
#: Группы по стажу покупателя (недель от первой покупки до даты решения): границы и подписи.
T_BINS = (0.0, 13.0, 26.0, 52.0, np.inf)
T_LABELS = ("до 13 недель", "13–26 недель", "26–52 недели", "больше 52 недель")
#: Допущения раздела об оффере: рост покупок от SMS с предложением (доля к ожидаемым) и цена SMS, ₽.
UPLIFT = 0.2
SMS_COST_RUB = 5.3
#: Клиенты из упражнения 2: (число повторных покупок, неделя последней от первой, недель наблюдения).
Q2_CUSTOMERS = {"A": (1, 40.0, 52.0), "B": (1, 4.0, 52.0), "C": (3, 4.0, 52.0)}


@lru_cache(maxsize=1)
def packs() -> pd.DataFrame:
    """Покупки «Про-пакета» (разовые покупки без договора)."""
    p = table("b2c_purchases")
    return p[p["product"] == "pro_pack"].copy()


@lru_cache(maxsize=1)
def calibration() -> pd.DataFrame:
    """Сводка на 1 января 2025 года с покупками 2025 года в отложенном периоде."""
    return rp.rfm_summary(packs(), CUTOFF, HOLDOUT_END)


@lru_cache(maxsize=1)
def calibration_fit() -> rp.BGNBDFit:
    s = calibration()
    return rp.fit_bgnbd(s["frequency"], s["recency"], s["T"])


def tenure_groups(summary: pd.DataFrame) -> pd.Series:
    """Группа стажа каждого клиента: сколько недель прошло от его первой покупки."""
    return pd.cut(summary["T"], T_BINS, labels=T_LABELS).astype(str)


def backtest() -> pd.DataFrame:
    """Проверка прогноза 2025 года по группам стажа: факт, интервал, прогноз, факт / прогноз."""
    s = calibration()
    return rp.holdout_check(s, calibration_fit(), tenure_groups(s)).reindex(list(T_LABELS))


# ---------------------------------------------------------------------------
# Упражнение 1: сводка RFM
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def q1_users() -> list[str]:
    """Пять покупателей для упражнения 1: три с повторными покупками до cut-off и два без, без двух покупок в один день."""
    cal = packs()[pd.to_datetime(packs()["date"]) < pd.Timestamp(CUTOFF)]
    clean = cal.groupby("user_id")["date"].agg(lambda d: d.nunique() == len(d))
    counts = cal.groupby("user_id").size()[clean]
    repeat = sorted(counts[counts >= 2].index)[:3]
    single = sorted(counts[counts == 1].index)[:2]
    return repeat + single


def _q1(first_counted: bool = False, from_cutoff: bool = False, days: bool = False) -> pd.DataFrame:
    s = calibration().loc[q1_users(), ["frequency", "recency", "T"]].copy()
    if first_counted:
        s["frequency"] = s["frequency"] + 1
    if from_cutoff:
        s["recency"] = s["T"] - s["recency"]
    if days:
        s[["recency", "T"]] = s[["recency", "T"]] * rp.WEEK_DAYS
    return s.reset_index()


q1 = Exercise(
    id="ch09.repeat.q1",
    title="Сводка RFM на дату cut-off",
    var="rfm",
    expected=_q1,
    compare=Table(columns=["frequency", "recency", "T"], key="user_id", rel_tol=0.005, abs_tol=0.01),
    hints=[
        "Возьмите покупки «Про-пакета» строго до 1 января 2025 года и сгруппируйте по user_id: первая дата, последняя дата, число покупок.",
        "frequency = покупок − 1 (первая не считается); recency = (последняя − первая) в неделях; T = (1 января 2025 − первая) в неделях. Недели = дни / 7.",
    ],
    mistakes=[
        Mistake(name="first_counted", value=lambda: _q1(first_counted=True),
                hint="В frequency попала первая покупка. BG/NBD считает только повторные: у клиента с одной покупкой frequency = 0."),
        Mistake(name="from_cutoff", value=lambda: _q1(from_cutoff=True),
                hint="recency у вас — сколько недель прошло от последней покупки до cut-off. В BG/NBD recency отсчитывают от ПЕРВОЙ "
                     "покупки: на какой неделе после неё случилась последняя. У клиента без повторных покупок она 0."),
        Mistake(name="days", value=lambda: _q1(days=True),
                hint="recency и T у вас в днях, а модель и остальной раздел считают в неделях: разделите на 7."),
    ],
    correct_message="Сводка верна: это ровно то, что модель получает на вход — больше из истории клиента она ничего не берёт.",
)


# ---------------------------------------------------------------------------
# Упражнение 2: кто скорее «жив» — порядок клиентов
# ---------------------------------------------------------------------------


@dataclass
class Ranking:
    """Порядок элементов: список или строка «A, B, C» (сначала — самый вероятный)."""

    items: tuple[str, ...]

    def normalize(self, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [v for v in value.replace(">", ",").replace(" ", ",").split(",") if v]
        if isinstance(value, pd.Series):
            value = list(value.index) if value.dtype.kind in "fi" else list(value)
        if not isinstance(value, (list, tuple)):
            raise Invalid(f"Получен {_describe(value)}, а нужен список букв клиентов, например [\"A\", \"B\", \"C\"].")
        order = tuple(str(v).strip().strip("«»\"'").upper() for v in value)
        if sorted(order) != sorted(self.items):
            raise Invalid(f"Нужны все клиенты по одному разу: {', '.join(self.items)}.")
        return order

    def equal(self, answer, expected) -> bool:
        return tuple(answer) == tuple(expected)

    def generic_hint(self, answer, expected) -> str | None:
        return None


def q2_p_alive() -> pd.Series:
    fit = calibration_fit()
    return pd.Series({k: fit.p_alive(*v) for k, v in Q2_CUSTOMERS.items()})


def _q2() -> tuple[str, ...]:
    return tuple(q2_p_alive().sort_values(ascending=False).index)


q2 = Exercise(
    id="ch09.repeat.q2",
    title="Одинаковая частота, разная давность: кто скорее вернётся",
    var="ranking",
    expected=_q2,
    compare=Ranking(items=tuple(Q2_CUSTOMERS)),
    hints=[
        "Посчитайте fit.p_alive(frequency, recency, T) для каждого из трёх клиентов и расставьте их по убыванию.",
        "recency — неделя последней покупки от первой: у A последняя покупка на 40-й неделе из 52, у B и C — на 4-й.",
    ],
    mistakes=[
        Mistake(name="recency_as_ago", matches=lambda a: a[0] == "B",
                hint="Вы прочитали recency как «сколько недель назад». Здесь это неделя последней покупки от первой: "
                     "у B последняя покупка была 48 недель назад, у A — 12."),
        Mistake(name="frequency_first", matches=lambda a: a[0] == "C",
                hint="Больше покупок — не значит «скорее жив». C покупал часто, а потом замолчал на 48 недель: для частого "
                     "покупателя такое молчание куда подозрительнее, чем для редкого."),
        Mistake(name="c_above_b", matches=lambda a: a.index("C") < a.index("B"),
                hint="A на первом месте верно. Но C и B замолчали одновременно, а C до этого покупал втрое чаще: от него "
                     "молчание ждали меньше, поэтому вероятность, что он ушёл, выше."),
    ],
    correct_message="Верно: важна не только частота, но и давность. У частого покупателя долгое молчание — сильный признак ухода; "
                    "это «парадокс давности», который ломает сортировку клиентов по числу покупок.",
)


# ---------------------------------------------------------------------------
# Упражнение 3: кому отправить SMS с предложением
# ---------------------------------------------------------------------------


def pack_price() -> float:
    """Цена «Про-пакета» в 2025 году по данным покупок, ₽ (медиана суммы чека)."""
    p = packs()
    d = pd.to_datetime(p["date"])
    return float(p.loc[(d >= course.YEAR_2025[0]) & (d <= course.YEAR_2025[1]), "amount_rub"].median())


def b2c_margin() -> float:
    """Валовая маржа B2C за 2025 год."""
    return retention.gross_margin(table("cogs"), retention.b2c_revenue(table("b2c_purchases")), *course.YEAR_2025,
                                  business_line="b2c")


@lru_cache(maxsize=1)
def decision_summary() -> pd.DataFrame:
    """Сводка на дату решения (все покупки до 2026 года) с прогнозом на 52 недели по модели, оценённой на ней же."""
    s = rp.rfm_summary(packs(), DECISION_DATE)
    fit = rp.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    s["expected"] = fit.conditional_expected_purchases(HORIZON_WEEKS, s["frequency"], s["recency"], s["T"])
    s["p_alive"] = fit.p_alive(s["frequency"], s["recency"], s["T"])
    s["segment"] = tenure_groups(s)
    return s


def offer_segments() -> pd.DataFrame:
    """Группы стажа на дату решения: клиентов, прогноз модели на клиента, поправка «факт / прогноз» из проверки 2025 года."""
    s = decision_summary()
    out = s.groupby("segment").agg(customers=("expected", "size"), expected=("expected", "mean")).reindex(list(T_LABELS))
    out["backtest_ratio"] = backtest()["ratio"]
    out.index.name = "segment"
    return out


def _q3(calibrated: bool = True, margin: bool = True, uplift: bool = True) -> pd.DataFrame:
    seg = offer_segments()
    purchases = seg["expected"] * (seg["backtest_ratio"] if calibrated else 1.0)
    per_pack = pack_price() * (b2c_margin() if margin else 1.0)
    value = (UPLIFT if uplift else 1.0) * purchases * per_pack - SMS_COST_RUB
    return pd.DataFrame({"net_value_rub": value, "send": value > 0}, index=seg.index)


q3 = Exercise(
    id="ch09.repeat.q3",
    title="Кому отправить SMS с предложением «Про-пакета»",
    var="offer",
    expected=_q3,
    compare=Table(columns=["net_value_rub", "send"], rel_tol=0.01, abs_tol=0.05),
    hints=[
        "Ожидаемые покупки группы = прогноз модели × поправка backtest_ratio: проверка на 2025 годе показала, насколько модель ошибается в каждой группе.",
        "Чистая ценность на клиента = UPLIFT × ожидаемые покупки × цена пакета × маржа B2C − SMS_COST_RUB; send = ценность > 0.",
    ],
    mistakes=[
        Mistake(name="uncalibrated", value=lambda: _q3(calibrated=False),
                hint="Вы поверили модели без поправки. Проверка на 2025 годе показала: у давних покупателей прогноз завышен в разы "
                     "(фактических покупок почти не было) — умножьте прогноз на backtest_ratio."),
        Mistake(name="revenue", value=lambda: _q3(margin=False),
                hint="Вы считаете выручку с пакета, а решение принимают по валовой прибыли: умножьте цену на маржу B2C."),
        Mistake(name="no_uplift", value=lambda: _q3(uplift=False),
                hint="Вы приписали SMS все ожидаемые покупки. Большую их часть клиенты сделали бы и без сообщения; SMS добавляет "
                     "только прирост — долю UPLIFT."),
    ],
    correct_message="Верно: SMS окупается только у недавних покупателей. Давним модель обещает покупки, которых проверка на "
                    "2025 годе не подтвердила, — без проверки вы заплатили бы за сообщения ушедшим клиентам.",
)


quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Почему для «Про-пакета» нельзя посчитать отток так же, как для подписки (раздел 1.1.2)?",
            (
                Option("Можно: клиент, который не купил за год, ушёл", False,
                       "Это произвольный порог: часть таких клиентов ещё купит. В разовых покупках уход не наблюдается — его можно только оценить."),
                Option("Уход не наблюдается: нет договора, который клиент расторгает, — модель оценивает вероятность, что клиент ещё «жив»", True,
                       "Подписка — договорные отношения: неоплата продления и есть уход (модель sBG). Разовые покупки — бездоговорные: нужна модель вроде BG/NBD."),
                Option("Покупок «Про-пакета» слишком мало", False,
                       "Дело не в числе покупок, а в том, что момента ухода в данных нет вообще."),
            ),
        ),
        Question(
            "Модель говорит, что у клиента с одной покупкой два года назад P(alive) = 1. Что это значит?",
            (
                Option("Клиент точно вернётся", False,
                       "P(alive) = 1 — следствие допущения BG/NBD «уходят только после покупки», а не знание о клиенте."),
                Option("Так устроена модель: без повторных покупок она не может «похоронить» клиента; прогноз для таких клиентов нужно проверять на отложенном периоде", True,
                       "Поэтому у давних разовых покупателей прогноз BG/NBD завышен; у модели MBG/NBD уход возможен и сразу после первой покупки."),
                Option("Ошибка в расчёте", False,
                       "Формула верна: при x = 0 слагаемого «ушёл после покупки» нет, и P(alive) = 1 по построению."),
            ),
        ),
        Question(
            "Ожидаемые покупки группы × маржа больше цены SMS. Стоит ли отправлять?",
            (
                Option("Да: покупки окупают рассылку", False,
                       "Эти покупки клиенты сделают и без SMS; рассылке принадлежит только прирост, а его измеряют контрольной группой."),
                Option("Сравнивать с ценой SMS нужно прирост покупок от сообщения; его оценивают A/B-тестом с группой, которой SMS не отправили", True,
                       "Модель говорит, кто ещё покупает; сколько добавляет предложение — только эксперимент (раздел 10.2)."),
                Option("Нет: рекламные SMS запрещены", False,
                       "Не запрещены, но по закону «О рекламе» нужно предварительное согласие абонента на рекламу; без него — нельзя."),
            ),
        ),
    ],
)
