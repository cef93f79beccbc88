"""Классические методики продаж в цифрах: SPIN и BANT (раздел 3.1 книги).

* :func:`spin_code` — приводит метку вопроса к типу SPIN (``"S"``, ``"P"``, ``"I"``,
  ``"N"``): понимает буквы, английские и русские названия в любом регистре;
* :func:`spin_mix` — доля вопросов каждого типа в звонке (микс вопросов);
* :func:`bant_code` — приводит вердикт квалификации к коду (``"sql"`` или буква,
  которой не хватает: ``"budget"``, ``"authority"``, ``"need"``, ``"timeline"``);
* :func:`bant_verdict` — вердикт по подтверждённым буквам BANT сразу для всех лидов;
* :func:`disqualification_mix` — из-за какой буквы BANT дисквалифицированы лиды
  (по причинам дисквалификации в CRM);
* :func:`won_acv_by` — выигранные сделки и их ACV в разрезе поля лида (например,
  уровня должности контакта).

Все функции векторные (pandas/numpy, без циклов по строкам данных) и на неверный
вход отвечают :class:`salesbook.toolkit.acquisition.MetricError` с объяснением по-русски.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

import numpy as np
import pandas as pd

from salesbook.toolkit.acquisition import MetricError

# ---------------------------------------------------------------------------
# SPIN
# ---------------------------------------------------------------------------

#: Типы вопросов SPIN в порядке, в котором их обычно задают.
SPIN_TYPES = ("S", "P", "I", "N")

#: Русское и английское название каждого типа.
SPIN_NAMES = {
    "S": "ситуационные (Situation)",
    "P": "проблемные (Problem)",
    "I": "извлекающие (Implication)",
    "N": "направляющие (Need-payoff)",
}

# Основы слов: метка узнаётся, если начинается с одной из них (после очистки).
_SPIN_STEMS = {
    "S": ("situation", "ситуац"),
    "P": ("problem", "проблем"),
    "I": ("implication", "извлека", "импликац"),
    "N": ("need", "направля", "нид"),
}
_FILLER = re.compile(r"\b(вопрос\w*|question\w*|тип\w*|type)\b")


def _clean(value: Any) -> str:
    text = str(value).strip().strip("«»\"'").lower().replace("ё", "е")
    text = _FILLER.sub(" ", text)
    return re.sub(r"[\s_\-–—.]+", " ", text).strip()


def spin_code(value: Any) -> str | None:
    """Тип SPIN по метке: ``"s"``, ``"Problem"``, ``"извлекающий вопрос"``, ``"need-payoff"`` → буква.

    Возвращает ``"S"``, ``"P"``, ``"I"``, ``"N"`` или ``None``, если метку не удалось узнать.
    """
    if not isinstance(value, str):
        return None
    text = _clean(value)
    if not text:
        return None
    # русские первые буквы (С, П, И, Н — «СПИН») и кириллическая «Р», похожая на латинскую P
    letter = text.upper().translate(str.maketrans({"С": "S", "П": "P", "Р": "P", "И": "I", "Н": "N"}))
    if letter in SPIN_TYPES:
        return letter
    for code, stems in _SPIN_STEMS.items():
        if any(text.startswith(stem) for stem in stems):
            return code
    return None


def spin_codes(labels: pd.Series) -> pd.Series:
    """:func:`spin_code` для столбца меток: пустые значения остаются пустыми (``None``).

    Неузнанная непустая метка — ошибка: в отчёте по звонку её нельзя молча потерять.
    """
    if not isinstance(labels, pd.Series):
        raise MetricError("Метки вопросов передайте столбцом pandas (Series).")
    present = labels.notna()
    uniques = pd.unique(labels[present])
    mapping = {u: spin_code(u) for u in uniques}
    unknown = [u for u, c in mapping.items() if c is None]
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:5])
        raise MetricError(f"Не узнаю тип SPIN: {shown}. Допустимы S, P, I, N или названия типов.")
    codes = labels.map(mapping)
    return codes.astype(object).where(present, None)


def spin_mix(call: pd.DataFrame | pd.Series, column: str = "spin") -> pd.Series:
    """Микс вопросов звонка: доля вопросов каждого типа SPIN среди всех вопросов SPIN.

    ``call`` — таблица звонка (строки без типа — реплики клиента, рассказ о продукте,
    попытки закрыть — в знаменатель не входят) или столбец меток. Возвращает Series
    с индексом ``S``, ``P``, ``I``, ``N`` (все четыре, нули включительно) и именем ``share``;
    сумма долей — 1.
    """
    if isinstance(call, pd.DataFrame):
        if column not in call.columns:
            raise MetricError(f"В таблице звонка нет столбца «{column}» с типами вопросов.")
        labels = call[column]
    elif isinstance(call, pd.Series):
        labels = call
    else:
        raise MetricError("Передайте таблицу звонка (DataFrame) или столбец меток (Series).")
    codes = spin_codes(labels).dropna()
    if codes.empty:
        raise MetricError("В звонке нет ни одного размеченного вопроса SPIN — микс не определён.")
    counts = codes.value_counts().reindex(list(SPIN_TYPES), fill_value=0)
    share = counts / counts.sum()
    share.index.name = "spin"
    return share.astype(float).rename("share")


# ---------------------------------------------------------------------------
# BANT
# ---------------------------------------------------------------------------

#: Буквы BANT: Budget, Authority, Need, Timeline (Timing).
BANT_LETTERS = ("budget", "authority", "need", "timeline")

#: Вердикты квалификации: SQL или буква, из-за которой лид не передают AE.
VERDICTS = ("sql",) + BANT_LETTERS

VERDICT_NAMES = {
    "sql": "SQL — передать AE",
    "budget": "B — нет подтверждённого бюджета",
    "authority": "A — нет подтверждённых полномочий",
    "need": "N — нет потребности",
    "timeline": "T — сроки за пределами горизонта",
}

#: Причины дисквалификации в CRM «Сфера Софт» → буква BANT. «Не отвечает»
#: (no_response) — не вердикт BANT: с лидом просто не поговорили. Договор с
#: конкурентом отнесён к T: купить можно, но не раньше конца договора.
BANT_REASONS = {
    "no_budget": "budget",
    "wrong_contact": "authority",
    "no_need": "need",
    "competitor_contract": "timeline",
}

_VERDICT_WORDS = {
    "sql": ("sql", "qualified", "квалифициров", "передать", "передаем", "ae"),
    "budget": ("b", "budget", "бюджет", "no budget", "нет бюджета", "денег нет", "деньги"),
    "authority": ("a", "authority", "полномоч", "лпр", "wrong contact", "неверный контакт", "не тот контакт", "власть"),
    "need": ("n", "need", "потребн", "no need", "нет потребности", "боль"),
    "timeline": ("t", "timeline", "timing", "time", "срок", "время", "not now", "не сейчас", "competitor contract"),
}


def bant_code(value: Any) -> str | None:
    """Вердикт квалификации по метке: ``"SQL"``, ``"B"``, ``"бюджет"``, ``"no_need"``, ``"сроки"`` → код.

    Возвращает один из :data:`VERDICTS` или ``None``, если метку не удалось узнать.
    """
    if not isinstance(value, str):
        return None
    text = _clean(value)
    if not text:
        return None
    letter = text.translate(str.maketrans({"в": "b", "а": "a", "т": "t"}))  # кириллица, похожая на латиницу
    short = {"b": "budget", "a": "authority", "n": "need", "t": "timeline"}
    if letter in short:
        return short[letter]
    for code, words in _VERDICT_WORDS.items():
        for word in words:
            if len(word) <= 2:
                if text == word:
                    return code
            elif text.startswith(word) or text == word:
                return code
    return None


def bant_verdict(evidence: pd.DataFrame) -> pd.Series:
    """Вердикт BANT для каждого лида по подтверждённым буквам.

    ``evidence`` — таблица со столбцами ``budget``, ``authority``, ``need``, ``timeline``:
    ``True`` — буква подтверждена, ``False`` или пусто — нет. Правило:

    * нет потребности — ``"need"`` (остальное неважно: без боли покупки не будет);
    * все четыре буквы подтверждены — ``"sql"``;
    * иначе — первая неподтверждённая буква в порядке B, A, T.
    """
    if not isinstance(evidence, pd.DataFrame):
        raise MetricError("Передайте таблицу со столбцами budget, authority, need, timeline.")
    missing = [c for c in BANT_LETTERS if c not in evidence.columns]
    if missing:
        raise MetricError(f"Нет столбцов BANT: {', '.join(missing)}.")
    flags = evidence[list(BANT_LETTERS)]
    allowed = flags.isna() | flags.isin([True, False, 0, 1])
    if not allowed.all().all():
        bad = flags.columns[~allowed.all()].tolist()
        raise MetricError(f"В столбцах {', '.join(bad)} должны быть True/False (подтверждено или нет).")
    ok = flags.fillna(False).astype(bool)
    conditions = [~ok["need"], ok.all(axis=1), ~ok["budget"], ~ok["authority"], ~ok["timeline"]]
    verdict = np.select(conditions, ["need", "sql", "budget", "authority", "timeline"], default="sql")
    return pd.Series(verdict, index=evidence.index, name="verdict", dtype=object)


def _frame(value: Any, name: str) -> pd.DataFrame:
    if not isinstance(value, pd.DataFrame):
        raise MetricError(f"{name}: ожидается таблица pandas, получено {type(value).__name__}.")
    return value


def disqualification_mix(
    leads: pd.DataFrame, by: str = "channel", reasons: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Из-за какой буквы BANT дисквалифицируют лидов: доли по группам.

    Берёт лидов с причиной дисквалификации из ``reasons`` (по умолчанию
    :data:`BANT_REASONS`; «не отвечает» в знаменатель не входит), переводит
    причину в букву BANT и считает долю каждой буквы внутри группы ``by``.
    Строки — группы, столбцы — ``budget``, ``authority``, ``need``, ``timeline``;
    сумма строки — 1.
    """
    frame = _frame(leads, "leads")
    reasons = dict(BANT_REASONS if reasons is None else reasons)
    for column in ("disqualify_reason", by):
        if column not in frame.columns:
            raise MetricError(f"В таблице лидов нет столбца «{column}».")
    unknown = sorted(set(reasons.values()) - set(BANT_LETTERS))
    if unknown:
        raise MetricError(f"Причины можно относить только к буквам {', '.join(BANT_LETTERS)}; лишние: {', '.join(unknown)}.")
    letter = frame["disqualify_reason"].map(reasons)
    picked = frame.loc[letter.notna(), by]
    if picked.empty:
        raise MetricError("Нет лидов, дисквалифицированных по причинам BANT.")
    counts = pd.crosstab(picked, letter.dropna())
    table = counts.reindex(columns=list(BANT_LETTERS), fill_value=0)
    table = table.div(table.sum(axis=1), axis=0)
    table.columns.name = None
    table.index.name = by
    return table


def won_acv_by(leads: pd.DataFrame, opps: pd.DataFrame, by: str = "job_title_level") -> pd.DataFrame:
    """Выигранные сделки и их ACV в разрезе поля исходного лида.

    Сделки связываются с лидами по ``lead_id``. Столбцы: ``deals`` — число
    выигранных сделок, ``acv_rub`` — их сумма ``amount_rub``, ``deal_share`` и
    ``acv_share`` — доли от итога. Индекс — значения поля ``by``.
    """
    lead_frame, opp_frame = _frame(leads, "leads"), _frame(opps, "opps")
    for column in ("lead_id", by):
        if column not in lead_frame.columns:
            raise MetricError(f"В таблице лидов нет столбца «{column}».")
    for column in ("lead_id", "outcome", "amount_rub"):
        if column not in opp_frame.columns:
            raise MetricError(f"В таблице сделок нет столбца «{column}».")
    won = opp_frame.loc[opp_frame["outcome"] == "won", ["lead_id", "amount_rub"]]
    if won.empty:
        raise MetricError("Выигранных сделок нет — распределение не определено.")
    won = won.merge(lead_frame[["lead_id", by]], on="lead_id", how="left", validate="one_to_one")
    if won[by].isna().any():
        raise MetricError(f"У части выигранных сделок нет лида или поля «{by}».")
    table = won.groupby(by, observed=True)["amount_rub"].agg(deals="size", acv_rub="sum")
    table["deal_share"] = table["deals"] / table["deals"].sum()
    table["acv_share"] = table["acv_rub"] / table["acv_rub"].sum()
    return table
