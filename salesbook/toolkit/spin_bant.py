"""Классические методики продаж в цифрах: SPIN и BANT (раздел 3.1 книги).

* :func:`spin_code` — приводит метку вопроса к типу SPIN (``"S"``, ``"P"``, ``"I"``,
  ``"N"``): понимает буквы, английские и русские названия в любом регистре;
* :func:`spin_mix` — доля вопросов каждого типа в звонке (микс вопросов);
* :func:`bant_code` — приводит вердикт квалификации к коду (``"sql"`` или буква,
  которой не хватает: ``"budget"``, ``"authority"``, ``"need"``, ``"timeline"``);
* :func:`bant_verdict` — вердикт по подтверждённым буквам BANT сразу для всех лидов;
* :func:`qualify` — вердикт того же лида по BANT, CHAMP или GPCT (одно правило: первая
  неподтверждённая буква в порядке проверки рамки);
* :func:`sandler_checklist` — какие шаги чек-листа Sandler прошли в звонке (по разметке реплик);
* :func:`value_case` — уравнение ценности сделки для клиента (Solution Selling): цена проблемы
  в год → ценность решения → ROI первого года и срок окупаемости;
* :func:`value_price_ceiling` — верхняя граница цены против следующей лучшей альтернативы
  клиента (ценностные продажи);
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
from salesbook.toolkit.planning import roi

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


#: Рамки квалификации лида: буквы в порядке проверки. Вердикт — ``"sql"`` или первая
#: неподтверждённая буква в этом порядке. BANT проверяют с потребности (без неё остальное
#: неважно), дальше B → A → T; CHAMP и GPCT — в порядке букв акронима (CHAMP и так
#: начинается с проблемы клиента). Порядок — правило отдела SDR «Сфера Софт», а не
#: требование авторов рамок.
FRAMEWORKS = {
    "bant": ("need", "budget", "authority", "timeline"),
    "champ": ("challenges", "authority", "money", "prioritization"),
    "gpct": ("goals", "plans", "challenges", "timeline"),
}

#: Как называется каждая буква рамок квалификации.
FRAMEWORK_LETTER_NAMES = {
    "budget": "B — Budget (бюджет)",
    "authority": "A — Authority (полномочия)",
    "need": "N — Need (потребность)",
    "timeline": "T — Timeline (сроки)",
    "challenges": "C — Challenges (проблемы; в CHAMP — CH)",
    "money": "M — Money (деньги)",
    "prioritization": "P — Prioritization (приоритет)",
    "goals": "G — Goals (цели)",
    "plans": "P — Plans (планы)",
}


def qualify(evidence: pd.DataFrame, framework: str = "bant") -> pd.Series:
    """Вердикт квалификации каждого лида по рамке ``framework`` — ``"bant"``, ``"champ"`` или ``"gpct"``.

    ``evidence`` — таблица, где по столбцу на букву рамки (:data:`FRAMEWORKS`):
    ``True`` — буква подтверждена, ``False`` или пусто — нет. Вердикт — ``"sql"``, если
    подтверждены все буквы, иначе первая неподтверждённая в порядке проверки рамки:
    если не хватает двух букв, называется та, что проверяется раньше.
    """
    key = str(framework).strip().lower() if isinstance(framework, str) else None
    if key not in FRAMEWORKS:
        raise MetricError(f"Рамка {framework!r} не знакома: допустимы {', '.join(FRAMEWORKS)}.")
    order = FRAMEWORKS[key]
    if not isinstance(evidence, pd.DataFrame):
        raise MetricError(f"Передайте таблицу со столбцами {', '.join(order)}.")
    missing = [c for c in order if c not in evidence.columns]
    if missing:
        raise MetricError(f"Для рамки {key.upper()} нет столбцов: {', '.join(missing)}.")
    flags = evidence[list(order)]
    allowed = flags.isna() | flags.isin([True, False, 0, 1])
    if not allowed.all().all():
        bad = flags.columns[~allowed.all()].tolist()
        raise MetricError(f"В столбцах {', '.join(bad)} должны быть True/False (подтверждено или нет).")
    ok = flags.fillna(False).astype(bool)
    conditions = [~ok[letter] for letter in order]
    verdict = np.select(conditions, list(order), default="sql")
    return pd.Series(verdict, index=evidence.index, name="verdict", dtype=object)


def bant_verdict(evidence: pd.DataFrame) -> pd.Series:
    """Вердикт BANT для каждого лида по подтверждённым буквам — :func:`qualify` с рамкой BANT.

    ``evidence`` — таблица со столбцами ``budget``, ``authority``, ``need``, ``timeline``:
    ``True`` — буква подтверждена, ``False`` или пусто — нет. Правило:

    * нет потребности — ``"need"`` (остальное неважно: без боли покупки не будет);
    * все четыре буквы подтверждены — ``"sql"``;
    * иначе — первая неподтверждённая буква в порядке B, A, T: у лида без бюджета и без
      полномочий вердикт ``"budget"``.
    """
    return qualify(evidence, "bant")


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


# ---------------------------------------------------------------------------
# Sandler: чек-лист звонка
# ---------------------------------------------------------------------------

#: Шаги чек-листа Sandler, по которым руководитель разбирает звонок, в порядке встречи.
#: Предварительная договорённость (up-front contract), воронка боли (pain funnel), бюджет
#: и решение — шаги «подводной лодки» Sandler; ``no_early_pitch`` — правило «не рассыпать
#: конфеты в вестибюле»: о продукте не рассказывают, пока не выяснена боль.
SANDLER_STEPS = {
    "upfront_time": "договорились, сколько длится встреча",
    "upfront_outcome": "договорились, чем закончится встреча, и что «нет» — нормальный исход",
    "no_early_pitch": "о продукте не рассказывали, пока клиент не описал боль",
    "pain_example": "клиент привёл конкретный случай проблемы",
    "pain_cost": "клиент сам оценил, во что обходится проблема (деньги или время)",
    "pain_personal": "клиент сказал, как проблема касается его лично",
    "budget": "обсудили бюджет до предложения",
    "decision": "выяснили, кто и как принимает решение",
    "next_step": "встреча закончилась конкретным следующим шагом с датой",
}

#: Метка реплики «рассказ о продукте до того, как выяснена боль» — нарушает ``no_early_pitch``.
EARLY_PITCH = "early_pitch"


def sandler_checklist(call: pd.DataFrame, column: str = "sandler") -> pd.Series:
    """Какие шаги чек-листа Sandler (:data:`SANDLER_STEPS`) прошли в звонке.

    ``call`` — таблица звонка; в столбце ``column`` у реплики — код шага (или несколько
    через запятую), который в ней случился, либо ``"early_pitch"`` у рассказа о продукте до
    выяснения боли; пусто — ничего. Возвращает Series ``шаг → True/False`` в порядке
    встречи: шаг пройден, если его код есть хотя бы у одной реплики; ``no_early_pitch`` —
    если нет ни одной метки ``early_pitch``.
    """
    if not isinstance(call, pd.DataFrame) or column not in call.columns:
        raise MetricError(f"Передайте таблицу звонка со столбцом «{column}» — разметкой шагов Sandler.")
    tags = call[column].dropna().astype(str).str.split(",").explode().str.strip()
    tags = tags[tags != ""]
    unknown = sorted(set(tags) - set(SANDLER_STEPS) - {EARLY_PITCH})
    if unknown:
        raise MetricError(f"Не знаю шагов Sandler: {', '.join(unknown)}. Допустимы: {', '.join(SANDLER_STEPS)}, {EARLY_PITCH}.")
    seen = set(tags)
    done = {step: step in seen for step in SANDLER_STEPS}
    done["no_early_pitch"] = EARLY_PITCH not in seen
    return pd.Series(done, name="done", dtype=bool)


# ---------------------------------------------------------------------------
# Ценность для клиента: уравнение ценности и цена
# ---------------------------------------------------------------------------


def value_case(components: pd.DataFrame, subscription_rub: float, implementation_rub: float = 0.0) -> pd.Series:
    """Уравнение ценности сделки для клиента: боль → цена проблемы → ценность решения → ROI и окупаемость.

    ``components`` — по строке на составляющую ценности (выручка, которую перестанут терять;
    затраты, которые сократятся; затраты, которых удастся избежать) со столбцами
    ``annual_cost_rub`` — во что проблема обходится клиенту за год, и ``reduction`` — какую
    долю этой суммы снимает решение (от 0 до 1, оценка, согласованная с клиентом).
    ``subscription_rub`` — подписка за год, ``implementation_rub`` — разовое внедрение.

    Возвращает Series: ``problem_cost_rub`` — цена проблемы в год; ``value_rub`` — ценность
    решения в год, Σ цена × доля; ``first_year_cost_rub`` — платежи первого года (подписка
    + внедрение); ``roi_first_year`` — (ценность − платежи) / платежи первого года;
    ``payback_months`` — за сколько месяцев ценность покроет платежи первого года
    (годовой договор оплачивают вперёд, ценность копится равномерно): платежи / (ценность / 12).
    """
    frame = _frame(components, "components")
    for column in ("annual_cost_rub", "reduction"):
        if column not in frame.columns:
            raise MetricError(f"В таблице составляющих нет столбца «{column}».")
    cost = pd.to_numeric(frame["annual_cost_rub"], errors="coerce")
    share = pd.to_numeric(frame["reduction"], errors="coerce")
    if cost.isna().any() or share.isna().any() or frame.empty:
        raise MetricError("В annual_cost_rub и reduction нужны числа по каждой составляющей.")
    if (cost < 0).any():
        raise MetricError("Цена проблемы в год не может быть отрицательной.")
    if ((share < 0) | (share > 1)).any():
        raise MetricError("Доля, которую снимает решение, — от 0 до 1 (0,5, а не 50).")
    fee, setup = float(subscription_rub), float(implementation_rub)
    if not (np.isfinite(fee) and np.isfinite(setup)) or fee < 0 or setup < 0 or fee + setup <= 0:
        raise MetricError("Подписка и внедрение — неотрицательные суммы, хотя бы одна больше нуля.")
    value = float((cost * share).sum())
    paid = fee + setup
    payback = paid / (value / 12) if value > 0 else float("inf")
    return pd.Series({
        "problem_cost_rub": float(cost.sum()),
        "value_rub": value,
        "first_year_cost_rub": paid,
        "roi_first_year": roi(value, paid),
        "payback_months": payback,
    }, name="value_case")


def value_price_ceiling(value_ours: float, value_alternative: float, price_alternative: float) -> float:
    """Верхняя граница цены против следующей лучшей альтернативы клиента.

    Клиент выбирает нас, пока (ценность наша − цена наша) > (ценность альтернативы − цена
    альтернативы). Отсюда граница: цена альтернативы + (ценность наша − ценность альтернативы).
    Все суммы — в рублях за один и тот же период (например, за год). При цене на границе
    у клиента нет стимула выбирать нас; цену назначают ниже, оставляя клиенту часть
    разницы в ценности.
    """
    values = [float(v) for v in (value_ours, value_alternative, price_alternative)]
    if not all(np.isfinite(values)):
        raise MetricError("Ценности и цена альтернативы должны быть числами.")
    if values[2] < 0:
        raise MetricError("Цена альтернативы не может быть отрицательной (для «ничего не менять» — 0).")
    return values[2] + values[0] - values[1]
