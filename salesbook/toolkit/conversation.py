"""Анализ разговоров (conversation intelligence): метрики звонка из расшифровки с репликами (раздел 7.4.2).

Вход — таблица реплик ``call_turns`` (звонок, номер реплики, говорящий, начало и конец в
секундах, текст) и таблица звонков ``calls``. Все метрики считаются на звонок; «продавец» —
AE, который ведёт звонок (``speaker == "rep"``). Паузы (тишина между репликами) в знаменатель
доли речи не входят — так считают и системы анализа разговоров (Gong).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from salesbook.toolkit.validation import MetricError, positive, require_columns, share

__all__ = ["TURN_COLUMNS", "turn_seconds", "talk_ratio", "longest_monologue", "is_question",
           "question_count", "TOPIC_PATTERNS", "has_topic", "has_next_step", "topic_flags",
           "call_metrics", "with_outcome", "win_rate_by_band", "licence_net_value", "break_even_uplift",
           "deals_per_arm", "detector_quality", "SPEAKER_LABELS"]

TURN_COLUMNS = ("call_id", "turn", "speaker", "start_sec", "end_sec", "text")
#: Подписи говорящих для показа: ``rep`` — AE, ведущий звонок, ``other`` — SE с нашей стороны.
SPEAKER_LABELS = {"rep": "AE", "client": "Клиент", "other": "SE"}

#: Слова, с которых начинается вопрос без вопросительного знака («Расскажите, как …»).
QUESTION_STARTS = ("расскажите", "опишите", "поделитесь", "подскажите", "уточните", "объясните")

#: Темы по спискам ключевых слов (регулярные выражения, регистр не важен).
TOPIC_PATTERNS = {
    # цена: цена, стоимость, тариф, скидка, бюджет, «дорого», расчёт
    "pricing": r"цен[аыуе]|стоимост|сколько (?:это )?стоит|тариф|скидк|бюджет|дорог|расч[её]т",
    # конкуренты — как их называют в разговоре (коды — в opportunities.competitor)
    "competitor": r"хелппро|сервисбокс|глобалitsm|опендеск|эталонitsm",
}
#: Следующий шаг — слово про встречу и конкретная дата (день недели или число с месяцем).
NEXT_STEP_WORDS = r"встрет|встреч|демо|созвон|пилот|приглашени"
DATE_WORDS = (r"понедельник|вторник|сред[уа]|четверг|пятниц|"
              r"\b\d{1,2}\s+(?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)")


def _turns(turns: pd.DataFrame, name: str = "call_turns") -> pd.DataFrame:
    require_columns(turns, ["call_id", "speaker", "start_sec", "end_sec"], name, non_empty=True)
    if (turns["end_sec"] < turns["start_sec"]).any():
        raise MetricError(f"{name}: у части реплик конец раньше начала — проверьте start_sec и end_sec.")
    return turns


def turn_seconds(turns: pd.DataFrame) -> pd.Series:
    """Длительность каждой реплики, с: ``end_sec − start_sec``."""
    t = _turns(turns)
    return (t["end_sec"] - t["start_sec"]).rename("seconds")


def talk_ratio(turns: pd.DataFrame, speaker: str = "rep") -> pd.Series:
    """Доля речи говорящего в звонке: его секунды / секунды речи всех участников.

    Паузы между репликами не считаются ни речью продавца, ни речью клиента. Второй участник с
    нашей стороны (``other``, SE) — в знаменателе, но не в числителе: доля речи — метрика
    одного человека. Возвращает Series по ``call_id`` с долями от 0 до 1.
    """
    t = _turns(turns)
    sec = turn_seconds(t)
    total = sec.groupby(t["call_id"]).sum()
    own = sec[t["speaker"] == speaker].groupby(t.loc[t["speaker"] == speaker, "call_id"]).sum()
    return (own.reindex(total.index, fill_value=0) / total.where(total > 0)).rename("talk_ratio")


def longest_monologue(turns: pd.DataFrame, speaker: str = "rep") -> pd.Series:
    """Самый длинный монолог говорящего в звонке, с.

    Монолог — подряд идущие реплики одного говорящего, которых никто не прервал: от начала
    первой до конца последней (короткие паузы внутри входят). Реплики упорядочиваются по
    ``start_sec``. У звонка, где говорящий молчал, — 0.
    """
    t = _turns(turns).sort_values(["call_id", "start_sec"], kind="stable")
    new_run = (t["speaker"] != t["speaker"].shift()) | (t["call_id"] != t["call_id"].shift())
    run = new_run.cumsum()
    mine = t[t["speaker"] == speaker]
    spans = mine.groupby(run[mine.index]).agg(call_id=("call_id", "first"), start=("start_sec", "min"),
                                              end=("end_sec", "max"))
    longest = (spans["end"] - spans["start"]).groupby(spans["call_id"]).max()
    calls = pd.Index(t["call_id"].unique())
    return longest.reindex(calls, fill_value=0).rename("longest_monologue_sec")


def is_question(text) -> bool:
    """Вопрос ли реплика: есть «?» или она начинается со слова-просьбы рассказать («Расскажите, …»).

    Детектор простой и ошибается в обе стороны: риторический вопрос в презентации («Знаете, в чём
    беда? …») он посчитает вопросом, вопрос без знака и без слова из списка — пропустит.
    """
    if not isinstance(text, str):
        return False
    s = text.strip().lower()
    return "?" in s or s.startswith(QUESTION_STARTS)


def question_count(turns: pd.DataFrame, speaker: str = "rep") -> pd.Series:
    """Число реплик-вопросов говорящего в звонке (детектор :func:`is_question`)."""
    t = _turns(turns)
    require_columns(t, ["text"], "call_turns")
    q = t["text"].map(is_question) & (t["speaker"] == speaker)
    return q.groupby(t["call_id"]).sum().astype(int).rename("questions")


def has_topic(text, topic: str) -> bool:
    """Есть ли в тексте ключевое слово темы ``topic`` (``"pricing"``, ``"competitor"``)."""
    if topic not in TOPIC_PATTERNS:
        raise MetricError(f"Неизвестная тема {topic!r}: есть {', '.join(TOPIC_PATTERNS)}.")
    return isinstance(text, str) and re.search(TOPIC_PATTERNS[topic], text.lower()) is not None


def has_next_step(text) -> bool:
    """Договорённость о следующем шаге с датой: слово про встречу И день недели или число с месяцем.

    «Созвонимся в четверг, 14 марта» — да; «пришлю материалы, а там созвонимся» — нет: даты нет.
    """
    if not isinstance(text, str):
        return False
    s = text.lower()
    return re.search(NEXT_STEP_WORDS, s) is not None and re.search(DATE_WORDS, s) is not None


def topic_flags(turns: pd.DataFrame) -> pd.DataFrame:
    """Темы звонка: обсуждали ли цену, называли ли конкурента (любой говорящий) и договорился ли
    продавец о следующем шаге с датой. Таблица по ``call_id`` со столбцами-флагами."""
    t = _turns(turns)
    require_columns(t, ["text"], "call_turns")
    flags = pd.DataFrame({topic: t["text"].map(lambda s, tp=topic: has_topic(s, tp)) for topic in TOPIC_PATTERNS})
    flags["next_step"] = t["text"].map(has_next_step) & (t["speaker"] == "rep")
    return flags.groupby(t["call_id"]).any()


def call_metrics(calls: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """Карточка звонка: доля речи AE, самый длинный монолог, вопросы, темы — по ``call_id``.

    ``calls`` даёт сделку, AE, тип и длительность звонка; метрики — из реплик ``turns``.
    """
    require_columns(calls, ["call_id", "opportunity_id", "rep_id", "call_type", "duration_sec"], "calls", non_empty=True)
    out = calls.set_index("call_id")[["opportunity_id", "rep_id", "call_date", "call_type", "duration_sec"]
                                     if "call_date" in calls else ["opportunity_id", "rep_id", "call_type", "duration_sec"]]
    parts = [talk_ratio(turns), longest_monologue(turns), question_count(turns), topic_flags(turns)]
    return out.join(pd.concat(parts, axis=1), how="left")


def with_outcome(metrics: pd.DataFrame, opportunities: pd.DataFrame) -> pd.DataFrame:
    """Метрики звонков закрытых сделок с исходом: столбец ``won`` (1 — выиграна, 0 — проиграна).

    Открытые сделки отбрасываются: их исход неизвестен (как в win rate курса, ``kpi.win_rate``).
    """
    require_columns(metrics, ["opportunity_id"], "metrics", non_empty=True)
    require_columns(opportunities, ["opportunity_id", "outcome"], "opportunities")
    out = metrics.join(opportunities.set_index("opportunity_id")["outcome"], on="opportunity_id")
    out = out[out["outcome"].isin(["won", "lost"])].copy()
    out["won"] = out["outcome"].eq("won").astype(int)
    return out


def win_rate_by_band(frame: pd.DataFrame, column: str, bins, labels=None, alpha: float = 0.05) -> pd.DataFrame:
    """Win rate по интервалам (корзинам) метрики ``column`` с интервалом Уилсона.

    ``frame`` — результат :func:`with_outcome` (столбец ``won``). ``bins`` — границы корзин
    (правая граница включается, как в ``pandas.cut``). Столбцы: deals, won, win_rate, ci_low, ci_high.
    """
    require_columns(frame, [column, "won"], "frame", non_empty=True)
    band = pd.cut(frame[column], bins=bins, labels=labels)
    g = frame.groupby(band, observed=False)["won"].agg(deals="size", won="sum")
    g["win_rate"] = g["won"] / g["deals"].where(g["deals"] > 0)
    lo, hi = proportion_confint(g["won"], g["deals"].clip(lower=1), alpha=alpha, method="wilson")
    g["ci_low"] = np.where(g["deals"] > 0, lo, np.nan)
    g["ci_high"] = np.where(g["deals"] > 0, hi, np.nan)
    return g


def detector_quality(truth, found, alpha: float = 0.05) -> pd.DataFrame:
    """Точность и полнота детектора по разметке, с интервалами Уилсона.

    ``truth`` — разметка (True — реплика и правда того типа), ``found`` — ответ детектора.
    Точность = верные срабатывания / все срабатывания, полнота = верные срабатывания / все
    размеченные. Строки ``precision`` и ``recall``; столбцы hits, n, value, ci_low, ci_high.
    """
    truth = pd.Series(truth).astype(bool).to_numpy()
    found = pd.Series(found).astype(bool).to_numpy()
    if truth.shape != found.shape or truth.size == 0:
        raise MetricError("Разметка и ответы детектора должны быть одной длины и не пустыми.")
    hits = int((truth & found).sum())
    rows = {"precision": (hits, int(found.sum())), "recall": (hits, int(truth.sum()))}
    out = pd.DataFrame(rows, index=["hits", "n"]).T
    out["value"] = out["hits"] / out["n"].where(out["n"] > 0)
    lo, hi = proportion_confint(out["hits"], out["n"].clip(lower=1), alpha=alpha, method="wilson")
    out["ci_low"] = np.where(out["n"] > 0, lo, np.nan)
    out["ci_high"] = np.where(out["n"] > 0, hi, np.nan)
    return out


def licence_net_value(uplift_pp, deals_per_year, acv_rub, gross_margin, seats, seat_price_rub_year,
                      other_cost_rub_year=0.0):
    """Годовой результат лицензий анализа звонков, ₽: прирост валовой прибыли минус затраты.

    прирост = сделки в год × прирост win rate (доля, 0,01 = 1 п. п.) × ACV × валовая маржа;
    затраты = места × цена места в год + прочие затраты (внедрение, время руководителя).
    ``uplift_pp`` может быть массивом (например, границы интервала эффекта).
    """
    uplift = np.asarray(uplift_pp, dtype=float)
    positive(deals_per_year, "Сделок в год")
    positive(acv_rub, "ACV")
    share(gross_margin, "Валовая маржа")
    positive(seats, "Мест")
    positive(seat_price_rub_year, "Цена места в год", allow_zero=True)
    gain = deals_per_year * uplift * acv_rub * gross_margin
    value = gain - seats * seat_price_rub_year - other_cost_rub_year
    return float(value) if value.ndim == 0 else value


def break_even_uplift(deals_per_year, acv_rub, gross_margin, seats, seat_price_rub_year,
                      other_cost_rub_year=0.0) -> float:
    """Прирост win rate (доля), при котором лицензии окупаются ровно за год."""
    positive(deals_per_year, "Сделок в год")
    positive(acv_rub, "ACV")
    share(gross_margin, "Валовая маржа", lower_open=True)
    cost = seats * seat_price_rub_year + other_cost_rub_year
    return float(cost / (deals_per_year * acv_rub * gross_margin))


def deals_per_arm(base_rate, uplift, power: float = 0.8, alpha: float = 0.05) -> float:
    """Закрытых сделок на группу, чтобы тест «с системой / без» заметил прирост win rate ``uplift``.

    Две независимые группы, двусторонний z-тест для долей (размер эффекта Коэна h, как в
    ``statsmodels.stats.power.NormalIndPower``). Сделки одного AE не независимы, поэтому при
    делении по продавцам нужно ещё больше — это нижняя граница.
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    share(base_rate, "Win rate", lower_open=True)
    positive(uplift, "Прирост win rate")
    if base_rate + uplift >= 1:
        raise MetricError("Win rate с приростом не меньше 100 % — проверьте, что прирост задан долей (0,03 = 3 п. п.).")
    h = proportion_effectsize(base_rate + uplift, base_rate)
    return float(NormalIndPower().solve_power(h, power=power, alpha=alpha))
