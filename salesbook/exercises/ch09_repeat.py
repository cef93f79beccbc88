"""Упражнения раздела 9.3, часть 2 «Повторные покупки в B2C: модель BG/NBD».

Эталоны считаются функциями ``salesbook.toolkit.repeat_purchase`` (сводка RFM, BG/NBD, MBG/NBD).
Механику модели раздел показывает на учебной базе, разыгранной по BG/NBD с опубликованными
параметрами CDNOW (Fader, Hardie & Lee 2005), — там известна правда. Настоящий случай — покупки
«Про-пакета» из ``b2c_purchases``: калибровка — 2023–2024 годы, отложенный период — 2025 год;
порог окупаемости предложения считается на 1 января 2026 года за окно действия сообщения.
Маржа B2C — ``retention.gross_margin``.
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

#: Учебная база: параметры BG/NBD, опубликованные для CDNOW (Fader, Hardie & Lee 2005), число клиентов,
#: недель наблюдения (клиенты приходят равномерно в первые TEACH_ENTRY_WEEKS недель), отложенный период, seed.
TEACH_PARAMS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
TEACH_N = 2000
TEACH_WEEKS = 39.0
TEACH_ENTRY_WEEKS = 12.0
TEACH_SEED = 2

#: Конец калибровки и конец отложенного периода (не включая).
CUTOFF = "2025-01-01"
HOLDOUT_END = "2026-01-01"
#: Дата расчёта порога окупаемости и окно действия сообщения, недель (допущение: 4 недели ≈ 28 дней).
DECISION_DATE = "2026-01-01"
WINDOW_WEEKS = 4.0
YEAR_WEEKS = 52.0
#: Группы по давности: сколько недель прошло от последней покупки до даты среза.
SINCE_BINS = (0.0, 13.0, 26.0, 52.0, np.inf)
SINCE_LABELS = ("до 13 недель", "13–26 недель", "26–52 недели", "больше 52 недель")
#: Цена рекламной SMS с НДС в 2025 году, ₽ — оценка CRM-агентства (trusov2025sms).
SMS_COST_RUB = 5.3
#: Клиенты из упражнения 2: (число повторных покупок, неделя последней от первой, недель наблюдения).
Q2_CUSTOMERS = {"A": (1, 30.0, 39.0), "B": (1, 4.0, 39.0), "C": (3, 4.0, 39.0)}


# ---------------------------------------------------------------------------
# Учебная база: покупки ровно по BG/NBD с известными параметрами
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def teaching_base() -> pd.DataFrame:
    """Сводка учебной базы: TEACH_N клиентов по BG/NBD с параметрами CDNOW и покупки в следующие TEACH_WEEKS недель."""
    rng = np.random.default_rng(TEACH_SEED)
    T = TEACH_WEEKS - rng.uniform(0.0, TEACH_ENTRY_WEEKS, TEACH_N)
    return rp.simulate_bgnbd(TEACH_N, **TEACH_PARAMS, T=T, holdout=TEACH_WEEKS, seed=TEACH_SEED + 1)


@lru_cache(maxsize=1)
def teaching_fit() -> rp.BGNBDFit:
    s = teaching_base()
    return rp.fit_bgnbd(s["frequency"], s["recency"], s["T"])


# ---------------------------------------------------------------------------
# «Про-пакет»: калибровка 2023–2024, проверка 2025
# ---------------------------------------------------------------------------


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


@lru_cache(maxsize=1)
def calibration_mfit() -> rp.BGNBDFit:
    s = calibration()
    return rp.fit_mbgnbd(s["frequency"], s["recency"], s["T"])


def since_groups(summary: pd.DataFrame) -> pd.Series:
    """Группа давности каждого клиента: сколько недель прошло от его последней покупки до даты среза."""
    return pd.cut(summary["T"] - summary["recency"], SINCE_BINS, labels=SINCE_LABELS).astype(str)


def backtest(n_sim: int = 2000) -> pd.DataFrame:
    """Проверка 2025 года по группам давности: факт и прогноз BG/NBD и MBG/NBD (сумма покупок группы) с диапазонами."""
    s = calibration()
    g = since_groups(s)
    parts = {}
    for fit in (calibration_fit(), calibration_mfit()):
        parts[fit.name] = rp.holdout_check(s, fit, g, n_sim=n_sim).reindex(list(SINCE_LABELS))
    bg, mbg = parts["BG/NBD"], parts["MBG/NBD"]
    n = bg["customers"]
    return pd.DataFrame({"customers": n, "actual": bg["actual"] * n,
                         "bg": bg["predicted"] * n, "bg_low": bg["pred_low"] * n, "bg_high": bg["pred_high"] * n,
                         "mbg": mbg["predicted"] * n, "mbg_low": mbg["pred_low"] * n, "mbg_high": mbg["pred_high"] * n})


def ranking() -> pd.DataFrame:
    """AUC оценок «купит ли клиент в 2025 году»: две модели, P(жив) BG/NBD и правило давности."""
    s = calibration()
    h = float(s["holdout_weeks"].iloc[0])
    hist = (s["frequency"], s["recency"], s["T"])
    bg, mbg = calibration_fit(), calibration_mfit()
    return rp.ranking_auc(s["holdout_purchases"] > 0, {
        "Правило: меньше недель с последней покупки": -(s["T"] - s["recency"]),
        "Прогноз MBG/NBD": mbg.conditional_expected_purchases(h, *hist),
        "Прогноз BG/NBD": bg.conditional_expected_purchases(h, *hist),
        "P(жив) по BG/NBD": bg.p_alive(*hist),
    })


# ---------------------------------------------------------------------------
# Упражнение 1: сводка RFM
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def q1_users() -> list[str]:
    """Покупатели для упражнения 1: двое с повторными покупками, один разовый, один с двумя чеками в один день
    до даты среза и один, кто покупал и в 2025 году (эти покупки в сводку попасть не должны)."""
    p = packs()
    d = pd.to_datetime(p["date"])
    cal, later = p[d < pd.Timestamp(CUTOFF)], p[d >= pd.Timestamp(CUTOFF)]
    same_day = cal.groupby("user_id")["date"].agg(lambda v: v.nunique() < len(v))
    counts = cal.groupby("user_id").size()
    clean = counts[~same_day & ~counts.index.isin(later["user_id"])]
    repeat = sorted(clean[clean >= 2].index)[:2]
    single = sorted(clean[clean == 1].index)[:1]
    dup = sorted(same_day[same_day].index)[:1]
    returning = sorted(set(later["user_id"]) & set(counts.index) - set(dup))[:1]
    return repeat + single + dup + returning


def _q1(first_counted: bool = False, from_cutoff: bool = False, days: bool = False, no_cutoff: bool = False,
        same_day: bool = False) -> pd.DataFrame:
    p = packs()[packs()["user_id"].isin(q1_users())]
    d = pd.to_datetime(p["date"])
    if not no_cutoff:
        p, d = p[d < pd.Timestamp(CUTOFF)], d[d < pd.Timestamp(CUTOFF)]
    g = d.groupby(p["user_id"])
    frequency = (g.size() if same_day else g.nunique()) - (0 if first_counted else 1)
    recency = (g.max() - g.min()).dt.days / rp.WEEK_DAYS
    T = (pd.Timestamp(CUTOFF) - g.min()).dt.days / rp.WEEK_DAYS
    if from_cutoff:
        recency = T - recency
    scale = rp.WEEK_DAYS if days else 1.0
    out = pd.DataFrame({"frequency": frequency, "recency": recency * scale, "T": T * scale})
    out.index.name = "user_id"
    return out.reset_index()


q1 = Exercise(
    id="ch09.repeat.q1",
    title="Сводка RFM на дату среза",
    var="rfm",
    expected=_q1,
    compare=Table(columns=["frequency", "recency", "T"], key="user_id", rel_tol=0.005, abs_tol=0.01),
    hints=[
        "Возьмите покупки «Про-пакета» строго до 1 января 2025 года и сгруппируйте даты по user_id: первая дата, последняя, "
        "число РАЗНЫХ дней с покупкой.",
        "frequency = дней с покупкой − 1 (первая не считается); recency = (последняя − первая) в неделях; "
        "T = (1 января 2025 − первая) в неделях. Недели = дни / 7, дробным числом.",
    ],
    mistakes=[
        Mistake(name="no_cutoff", value=lambda: _q1(no_cutoff=True),
                hint="В сводку попали покупки 2025 года — это заглядывание в будущее: именно их модель потом должна "
                     "предсказать. Оставьте только покупки строго до даты среза."),
        Mistake(name="same_day", value=lambda: _q1(same_day=True),
                hint="У одного из покупателей два чека в один день, и вы посчитали их двумя покупками. Покупки одного дня "
                     "объединяют в одну: считайте разные даты (nunique), а не строки."),
        Mistake(name="first_counted", value=lambda: _q1(first_counted=True),
                hint="В frequency попала первая покупка. BG/NBD считает только повторные: у клиента с одной покупкой frequency = 0."),
        Mistake(name="from_cutoff", value=lambda: _q1(from_cutoff=True),
                hint="recency у вас — сколько недель прошло от последней покупки до даты среза. В BG/NBD recency отсчитывают "
                     "от ПЕРВОЙ покупки: на какой неделе после неё случилась последняя. У клиента без повторных покупок она 0."),
        Mistake(name="days", value=lambda: _q1(days=True),
                hint="recency и T у вас в днях, а модель и остальной раздел считают в неделях: разделите на 7."),
    ],
    correct_message="Сводка верна: это ровно то, что модель получает на вход, — больше из истории клиента она ничего не берёт.",
)


# ---------------------------------------------------------------------------
# Упражнение 2: кто скорее «жив» — порядок клиентов (учебная база)
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
    fit = teaching_fit()
    return pd.Series({k: fit.p_alive(*v) for k, v in Q2_CUSTOMERS.items()})


def _q2() -> tuple[str, ...]:
    return tuple(q2_p_alive().sort_values(ascending=False).index)


q2 = Exercise(
    id="ch09.repeat.q2",
    title="Одинаковая частота, разная давность: кто скорее ещё «жив»",
    var="ranking",
    expected=_q2,
    compare=Ranking(items=tuple(Q2_CUSTOMERS)),
    hints=[
        "Посчитайте lab_fit.p_alive(frequency, recency, T) для каждого из трёх клиентов и расставьте их по убыванию.",
        "recency — неделя последней покупки от первой: у A последняя покупка на 30-й неделе из 39, у B и C — на 4-й.",
    ],
    mistakes=[
        Mistake(name="recency_as_ago", matches=lambda a: a[0] == "B",
                hint="Вы прочитали recency как «сколько недель назад». Здесь это неделя последней покупки от первой: "
                     "у B последняя покупка была 35 недель назад, у A — 9."),
        Mistake(name="frequency_first", matches=lambda a: a[0] == "C",
                hint="Больше покупок — не значит «скорее жив». C покупал часто, а потом замолчал на 35 недель: для частого "
                     "покупателя такое молчание куда подозрительнее, чем для редкого."),
        Mistake(name="c_above_b", matches=lambda a: a.index("C") < a.index("B"),
                hint="A на первом месте верно. Но C и B замолчали одновременно, а C до этого покупал втрое чаще: от него "
                     "молчание ждали меньше, поэтому вероятность, что он ушёл, выше."),
    ],
    correct_message="Верно: важна не только частота, но и давность. У частого покупателя долгое молчание — сильный признак ухода; "
                    "это «парадокс частоты» (increasing frequency paradox), который ломает сортировку клиентов по числу покупок.",
)


# ---------------------------------------------------------------------------
# Упражнение 3: порог окупаемости предложения по группам давности
# ---------------------------------------------------------------------------


def pack_price() -> float:
    """Цена «Про-пакета» в 2025 году по данным покупок, ₽ (медиана суммы чека)."""
    p = packs()
    d = pd.to_datetime(p["date"])
    return float(p.loc[(d >= course.YEAR_2025[0]) & (d <= course.YEAR_2025[1]), "amount_rub"].median())


def b2c_margin() -> float:
    """Валовая маржа B2C за 2025 год (средняя по линии — приближение к марже одного пакета)."""
    return retention.gross_margin(table("cogs"), retention.b2c_revenue(table("b2c_purchases")), *course.YEAR_2025,
                                  business_line="b2c")


@lru_cache(maxsize=1)
def decision_summary() -> pd.DataFrame:
    """Сводка на дату расчёта (все покупки до 2026 года) и прогноз MBG/NBD на окно сообщения и на год."""
    s = rp.rfm_summary(packs(), DECISION_DATE)
    fit = rp.fit_mbgnbd(s["frequency"], s["recency"], s["T"])
    hist = (s["frequency"], s["recency"], s["T"])
    s["expected_window"] = fit.conditional_expected_purchases(WINDOW_WEEKS, *hist)
    s["expected_year"] = fit.conditional_expected_purchases(YEAR_WEEKS, *hist)
    s["segment"] = since_groups(s)
    return s


def offer_segments() -> pd.DataFrame:
    """Группы давности на дату расчёта: клиентов и покупок на клиента без сообщения (MBG/NBD) за окно и за год."""
    s = decision_summary()
    out = s.groupby("segment").agg(customers=("expected_window", "size"), expected_window=("expected_window", "mean"),
                                   expected_year=("expected_year", "mean")).reindex(list(SINCE_LABELS))
    out.index.name = "segment"
    return out


def margin_per_pack() -> float:
    return pack_price() * b2c_margin()


def _q3(horizon: str = "expected_window", margin: bool = True, relative: bool = True) -> pd.DataFrame:
    seg = offer_segments()
    per_pack = pack_price() * (b2c_margin() if margin else 1.0)
    extra_packs = SMS_COST_RUB / per_pack            # сколько лишних пакетов на одно сообщение окупают его
    value = extra_packs / seg[horizon] if relative else pd.Series(extra_packs, index=seg.index)
    return pd.DataFrame({"breakeven_uplift": value}, index=seg.index)


q3 = Exercise(
    id="ch09.repeat.q3",
    title="Какой прирост нужен, чтобы SMS окупилась",
    var="offer",
    expected=_q3,
    compare=Table(columns=["breakeven_uplift"], rel_tol=0.01, abs_tol=1e-4),
    hints=[
        "Сначала — сколько лишних пакетов должно принести одно сообщение, чтобы окупить себя: цена SMS / (цена пакета × маржа B2C).",
        "Потом поделите это на покупки клиента без сообщения за окно его действия (столбец expected_window): получится, "
        "на какую долю сообщение должно поднять покупки группы.",
    ],
    mistakes=[
        Mistake(name="year", value=lambda: _q3(horizon="expected_year"),
                hint="Вы взяли покупки за год. Сообщение действует недели, а не год: прирост надо сравнивать с покупками "
                     "за окно его действия — столбец expected_window."),
        Mistake(name="revenue", value=lambda: _q3(margin=False),
                hint="Вы окупаете SMS выручкой с пакета, а решение принимают по валовой прибыли: умножьте цену на маржу B2C."),
        Mistake(name="absolute", value=lambda: _q3(relative=False),
                hint="Это сколько лишних пакетов должно принести одно сообщение — одно число для всех групп. Чтобы понять, "
                     "реалистично ли это, поделите его на покупки группы без сообщения (expected_window)."),
    ],
    correct_message="Верно. У недавних покупателей для окупаемости хватает умеренного прироста; у давних он должен в разы "
                    "превысить их покупки без сообщения — такое возможно только как эффект «возврата», и проверяют его "
                    "только контрольной группой. Порог — не решение, а планка, которую должен взять A/B-тест.",
)


quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Почему для «Про-пакета» нельзя посчитать отток так же, как для подписки?",
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
            "BG/NBD говорит, что у клиента с одной покупкой два года назад P(жив) = 1. Что это значит?",
            (
                Option("Клиент точно вернётся", False,
                       "P(жив) = 1 — следствие допущения BG/NBD «уходят только после повторной покупки», а не знание о клиенте."),
                Option("Так устроена модель: без повторных покупок она не может «похоронить» клиента; прогноз для таких клиентов нужно проверять на отложенном периоде", True,
                       "Поэтому у давних разовых покупателей прогноз BG/NBD завышен; в MBG/NBD уход возможен и сразу после первой покупки."),
                Option("Ошибка в расчёте", False,
                       "Формула верна: при x = 0 слагаемого «ушёл после покупки» нет, и P(жив) = 1 по построению."),
            ),
        ),
        Question(
            "Ожидаемые покупки группы × маржа больше цены SMS. Стоит ли отправлять?",
            (
                Option("Да: покупки окупают рассылку", False,
                       "Эти покупки клиенты сделают и без SMS; рассылке принадлежит только прирост, а его измеряют контрольной группой."),
                Option("Сравнивать с ценой SMS нужно прирост покупок от сообщения; его оценивают A/B-тестом с группой, которой SMS не отправили", True,
                       "Модель говорит, кто ещё покупает; сколько добавляет предложение — только эксперимент."),
                Option("Да, если P(жив) у группы выше 50 %", False,
                       "P(жив) — вероятность, что клиент ещё покупает сам, а не эффект сообщения: «живой» клиент может купить и без SMS, "
                       "а эффект на «ушедшего» модель не знает вовсе."),
            ),
        ),
    ],
)
