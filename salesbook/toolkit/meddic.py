"""Скоринг сделок по MEDDIC: уровни доказательств, веса, пробелы, категория прогноза.

Модель раздела 3.2 книги. В таблице ``opportunities`` по каждой букве MEDDIC
стоит уровень доказательства: 0 — ничего не известно, 1 — известно со слов или
в общих чертах, 2 — подтверждено клиентом (цифрой, именем, датой, документом).

* :func:`score` — взвешенная полнота MEDDIC, доля от 0 до 1;
* :func:`gaps` — самая слабая буква каждой сделки;
* :func:`pipeline_gaps` — пробелы по буквам во всей воронке (в сделках и рублях);
* :func:`forecast_category` — категория прогноза (pipeline / best case / commit)
  по явным правилам;
* :func:`close_period` — в каком квартале реально подписать сделку (по букве P
  MEDDPICC — Paper process);
* :func:`stage_reached`, :func:`logit_odds_ratios`, :func:`auc` — инструменты
  честной проверки, предсказывает ли MEDDIC выигрыш.

:data:`RUBRIC` — правила курса: что считается доказательством уровня 2, 1 и 0
по каждой букве MEDDPICC (шесть букв MEDDIC из таблицы сделок и ещё две —
Paper process и Competition, которые оценивают по заметкам AE).

Все функции векторные (pandas/numpy, без циклов по строкам) и на неверный вход
отвечают :class:`salesbook.toolkit.acquisition.MetricError` с объяснением по-русски.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from salesbook.toolkit import course
from salesbook.toolkit.validation import MetricError

#: Столбцы MEDDIC в таблице ``opportunities`` в порядке букв M-E-D-D-I-C.
LETTERS = (
    "meddic_metrics",
    "meddic_economic_buyer",
    "meddic_decision_criteria",
    "meddic_decision_process",
    "meddic_identify_pain",
    "meddic_champion",
)

#: Буква, английское название и русское объяснение для каждого столбца.
LETTER_INFO = {
    "meddic_metrics": ("M", "Metrics", "измеримый эффект для клиента"),
    "meddic_economic_buyer": ("E", "Economic buyer", "тот, кто распоряжается бюджетом"),
    "meddic_decision_criteria": ("D", "Decision criteria", "критерии выбора"),
    "meddic_decision_process": ("D", "Decision process", "процесс и сроки решения"),
    "meddic_identify_pain": ("I", "Identify pain", "боль, ради которой покупают"),
    "meddic_champion": ("C", "Champion", "сторонник с влиянием внутри клиента"),
    "meddic_paper_process": ("P", "Paper process", "путь от решения до подписи: закупка, юристы, ИБ"),
    "meddic_competition": ("C", "Competition", "с кем и с чем сравнивают, включая «ничего не делать»"),
}

#: Буквы MEDDPICC в порядке акронима: M-E-D-D-P-I-C-C. Столбцов Paper process и
#: Competition в таблице сделок нет — их оценивают по заметкам AE.
MEDDPICC_LETTERS = (
    "meddic_metrics",
    "meddic_economic_buyer",
    "meddic_decision_criteria",
    "meddic_decision_process",
    "meddic_paper_process",
    "meddic_identify_pain",
    "meddic_champion",
    "meddic_competition",
)

#: Правила курса: что считается доказательством по каждой букве — уровни 2, 1, 0
#: и что доказательством не является (``"not"``).
RUBRIC = {
    "meddic_metrics": {
        2: "клиент назвал цифры «было — станет» (время ответа, доля просрочек, деньги) и согласился с ними, лучше письменно",
        1: "цель есть, но без цифр («ускорить поддержку») или цифры обещали прислать",
        0: "эффект не обсуждали",
        "not": "ваш ROI-калькулятор, который клиент не видел и не подтвердил",
    },
    "meddic_economic_buyer": {
        2: "вы сами говорили с тем, кто распоряжается бюджетом и может дать окончательное «да», и он подтвердил интерес и деньги",
        1: "известно, кто это, но со слов контакта; или выход на него только обещан",
        0: "неизвестно, кто распоряжается бюджетом",
        "not": "должность в подписи или профиле мессенджера, «директор в копии письма», любой участник комитета, который «тоже решает»",
    },
    "meddic_decision_criteria": {
        2: "есть письменный список требований или согласованные критерии, по которым вас будут сравнивать",
        1: "критерии названы устно или меняются от встречи к встрече",
        0: "критерии не выясняли",
        "not": "ваш собственный список преимуществ",
    },
    "meddic_decision_process": {
        2: "известны шаги, участники и даты до решения: пилот, защита перед руководством, выбор поставщика",
        1: "процесс описан примерно, сроки плавают, регламент обещали прислать",
        0: "как и когда принимают решение — не выясняли",
        "not": "«решим быстро» без шагов и дат",
    },
    "meddic_paper_process": {
        2: "известен путь от решения до подписи — закупка, юристы, безопасность, кто подписывает — с длительностью шагов",
        1: "известно, что будут закупка, юристы или ИБ, но шаги и сроки неизвестны",
        0: "как оформляют договор и закупку — не выясняли",
        "not": "«договор подпишем, это формальность»",
    },
    "meddic_identify_pain": {
        2: "проблема с цифрой и последствием для бизнеса, которую признаёт владелец бюджета или чемпион",
        1: "проблема с цифрой, но её признаёт только контакт без влияния на бюджет (коуч, исполнители); или жалобы без конкретики",
        0: "явной боли нет, «смотрим рынок»",
        "not": "боль, которую придумал продавец",
    },
    "meddic_champion": {
        2: "человек с влиянием продвигает вас внутри и доказал это делом: собрал встречу, добыл информацию, вывел на экономического покупателя",
        1: "контакт симпатизирует, но влияния мало или в деле не проверен (это коуч, а не чемпион)",
        0: "сторонника нет",
        "not": "«нам очень понравилось демо»",
    },
    "meddic_competition": {
        2: "клиент сам назвал, с кем и с чем сравнивает (включая «оставить как есть»), и вы знаете, чем проигрываете и выигрываете",
        1: "известно, что сравнивают с кем-то, но не с кем или не по каким пунктам",
        0: "о конкурентах не спрашивали",
        "not": "«конкурентов нет» со слов продавца",
    },
}

LEVELS = (0, 1, 2)
MAX_LEVEL = 2

#: Стадии открытой сделки по порядку.
OPEN_STAGES = course.OPEN_STAGES

#: Категории прогноза (как стандартные категории Salesforce: Pipeline, Best Case,
#: Commit, Closed, Omitted).
CATEGORIES = ("pipeline", "best_case", "commit", "closed", "omitted")

EQUAL_WEIGHTS = {letter: 1.0 for letter in LETTERS}

#: Commit: каждая буква хотя бы «частично», а экономический покупатель, чемпион
#: и процесс решения подтверждены.
DEFAULT_COMMIT_MIN = {
    "meddic_metrics": 1,
    "meddic_economic_buyer": 2,
    "meddic_decision_criteria": 1,
    "meddic_decision_process": 2,
    "meddic_identify_pain": 1,
    "meddic_champion": 2,
}
#: Best case: экономический покупатель хотя бы известен по имени, а сторонник внутри есть (оба не 0).
DEFAULT_BEST_CASE_MIN = {
    "meddic_metrics": 0,
    "meddic_economic_buyer": 1,
    "meddic_decision_criteria": 0,
    "meddic_decision_process": 0,
    "meddic_identify_pain": 0,
    "meddic_champion": 1,
}
COMMIT_STAGES = ("proposal", "negotiation")
BEST_CASE_STAGES = ("demo", "proposal", "negotiation")
BEST_CASE_SCORE = 0.5


def letter_name(letter: str) -> str:
    """Подпись буквы: ``"meddic_economic_buyer"`` → «E — Economic buyer» (буквы MEDDPICC тоже)."""
    if letter not in LETTER_INFO:
        raise MetricError(f"Нет такой буквы MEDDIC: {letter!r}. Допустимы: {', '.join(LETTERS)}.")
    code, english, _ = LETTER_INFO[letter]
    if letter == "meddic_competition":
        code = "CC"  # второе C MEDDPICC — чтобы не спутать с Champion
    return f"{code} — {english}"


# ---------------------------------------------------------------------------
# Проверки входа
# ---------------------------------------------------------------------------


def _frame(opps, name: str = "opps") -> pd.DataFrame:
    if isinstance(opps, pd.Series):
        opps = opps.to_frame().T
    if not isinstance(opps, pd.DataFrame):
        raise MetricError(f"{name}: ожидается таблица сделок pandas, получено {type(opps).__name__}.")
    return opps


def levels(opps: pd.DataFrame) -> pd.DataFrame:
    """Уровни MEDDIC сделок (целые 0, 1, 2) в порядке букв; проверяет значения.

    Принимает таблицу ``opportunities`` или одну её строку (Series).
    """
    frame = _frame(opps)
    missing = [c for c in LETTERS if c not in frame.columns]
    if missing:
        raise MetricError(f"В таблице сделок нет столбцов MEDDIC: {', '.join(missing)}.")
    values = frame[list(LETTERS)]
    try:
        numeric = values.apply(pd.to_numeric, errors="raise").astype(float)
    except (ValueError, TypeError):
        raise MetricError("Уровни MEDDIC должны быть числами 0, 1 или 2.") from None
    if numeric.isna().any().any():
        bad = numeric.columns[numeric.isna().any()].tolist()
        raise MetricError(f"Пустые уровни MEDDIC в столбцах: {', '.join(bad)}. Нет данных — ставьте 0.")
    if not numeric.isin(LEVELS).all().all():
        bad = numeric.columns[~numeric.isin(LEVELS).all()].tolist()
        raise MetricError(f"Уровни MEDDIC бывают только 0, 1 или 2; другие значения в столбцах: {', '.join(bad)}.")
    return numeric.astype(np.int64)


def weight_vector(weights: Mapping[str, float] | None = None) -> pd.Series:
    """Веса букв как Series в порядке букв; не названные буквы получают вес 1."""
    if weights is None:
        weights = EQUAL_WEIGHTS
    if not isinstance(weights, Mapping):
        raise MetricError("Веса задаются словарём «буква → вес», например {'meddic_champion': 2}.")
    unknown = [k for k in weights if k not in LETTERS]
    if unknown:
        raise MetricError(f"Неизвестные буквы в весах: {', '.join(map(str, unknown))}. Допустимы: {', '.join(LETTERS)}.")
    vector = pd.Series({letter: weights.get(letter, 1.0) for letter in LETTERS}, dtype=float)
    if vector.isna().any() or np.isinf(vector).any() or (vector < 0).any():
        raise MetricError("Веса должны быть конечными неотрицательными числами.")
    if vector.sum() <= 0:
        raise MetricError("Сумма весов равна нулю: скоринг не определён.")
    return vector


def _minimums(minimums: Mapping[str, int] | None, default: Mapping[str, int], name: str) -> pd.Series:
    minimums = default if minimums is None else minimums
    if not isinstance(minimums, Mapping):
        raise MetricError(f"{name}: задайте словарь «буква → минимальный уровень».")
    unknown = [k for k in minimums if k not in LETTERS]
    if unknown:
        raise MetricError(f"{name}: неизвестные буквы {', '.join(map(str, unknown))}.")
    vector = pd.Series({letter: minimums.get(letter, 0) for letter in LETTERS})
    if not vector.isin(LEVELS).all():
        raise MetricError(f"{name}: минимальный уровень буквы — 0, 1 или 2.")
    return vector.astype(np.int64)


# ---------------------------------------------------------------------------
# Скоринг
# ---------------------------------------------------------------------------


def total(opps: pd.DataFrame) -> pd.Series:
    """Сумма уровней MEDDIC сделки: от 0 до 12 (без весов)."""
    return levels(opps).sum(axis=1).rename("meddic_total")


def score(opps: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.Series:
    """Взвешенная полнота MEDDIC, доля от 0 до 1.

    $$\\text{score} = \\frac{\\sum_i w_i \\cdot \\text{уровень}_i}{2 \\sum_i w_i}$$

    1 — по всем буквам есть подтверждение, 0 — ничего не известно. Веса по
    умолчанию равные: поднимать вес буквы стоит, только если на истории
    (на снимках полей, а не на итоговых значениях — см. раздел 3.2) видно,
    что она важнее.
    """
    lv = levels(opps)
    w = weight_vector(weights)
    points = lv.to_numpy(dtype=float) @ w.to_numpy()
    return pd.Series(points / (MAX_LEVEL * w.sum()), index=lv.index, name="meddic_score")


def gaps(opps: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.Series:
    """Самая слабая буква каждой сделки (имя столбца ``meddic_*``).

    Слабейшая — с наименьшим уровнем; при равенстве — с бо́льшим весом (её
    пробел дороже), затем по порядку букв M-E-D-D-I-C.
    """
    lv = levels(opps)
    w = weight_vector(weights)
    # ранг буквы при равных уровнях: сначала больший вес, затем порядок в акрониме
    order = sorted(range(len(LETTERS)), key=lambda i: (-w.iloc[i], i))
    rank = np.empty(len(LETTERS), dtype=np.int64)
    rank[order] = np.arange(len(LETTERS))
    key = lv.to_numpy() * len(LETTERS) + rank[None, :]
    weakest = np.asarray(LETTERS, dtype=object)[key.argmin(axis=1)] if len(lv) else np.array([], dtype=object)
    return pd.Series(weakest, index=lv.index, name="weakest_letter", dtype=object)


def pipeline_gaps(opps: pd.DataFrame, amount: str = "amount_rub") -> pd.DataFrame:
    """Пробелы по буквам во всей переданной воронке.

    Столбцы: ``mean_level`` — средний уровень; ``zero_share`` — доля сделок, где
    по букве ничего не известно (0); ``rub_at_risk`` — сумма ``amount`` сделок,
    где буква не подтверждена (уровень меньше 2). Индекс — буквы.
    """
    frame = _frame(opps)
    if amount not in frame.columns:
        raise MetricError(f"В таблице сделок нет столбца суммы «{amount}».")
    lv = levels(frame)
    if lv.empty:
        raise MetricError("Сделок нет: пробелы воронки не определены.")
    money = pd.to_numeric(frame[amount], errors="coerce")
    if money.isna().any() or (money < 0).any():
        raise MetricError(f"Столбец «{amount}»: суммы должны быть неотрицательными числами без пропусков.")
    table = pd.DataFrame(
        {
            "mean_level": lv.mean(),
            "zero_share": lv.eq(0).mean(),
            "rub_at_risk": lv.lt(MAX_LEVEL).mul(money, axis=0).sum(),
        }
    )
    table.index.name = "letter"
    return table


# ---------------------------------------------------------------------------
# Категория прогноза
# ---------------------------------------------------------------------------


def forecast_category(
    opps: pd.DataFrame,
    commit_min: Mapping[str, int] | None = None,
    best_case_min: Mapping[str, int] | None = None,
    best_case_score: float = BEST_CASE_SCORE,
    weights: Mapping[str, float] | None = None,
    commit_stages: Sequence[str] = COMMIT_STAGES,
    best_case_stages: Sequence[str] = BEST_CASE_STAGES,
) -> pd.Series:
    """Категория прогноза сделки по явным правилам.

    * ``commit`` — стадия из ``commit_stages`` и каждая буква не ниже ``commit_min``
      (по умолчанию: E, D-процесс и C подтверждены, остальные хотя бы частично);
    * ``best_case`` — не commit, стадия из ``best_case_stages``, буквы не ниже
      ``best_case_min`` (экономический покупатель хотя бы известен по имени, сторонник внутри есть — оба не 0) и ``score`` не меньше ``best_case_score``;
    * ``pipeline`` — остальные открытые сделки;
    * ``closed`` / ``omitted`` — выигранные / проигранные сделки.

    Нужен столбец ``stage`` (``discovery`` … ``negotiation``, ``closed_won``, ``closed_lost``).
    """
    frame = _frame(opps)
    if "stage" not in frame.columns:
        raise MetricError("Для категории прогноза нужен столбец stage.")
    if not 0 <= float(best_case_score) <= 1:
        raise MetricError("best_case_score — доля от 0 до 1.")
    stage = frame["stage"].astype(object)
    known = set(OPEN_STAGES) | {"closed_won", "closed_lost"}
    unknown = sorted(set(stage.dropna().unique()) - known)
    if unknown or stage.isna().any():
        raise MetricError(f"Неизвестные стадии сделок: {', '.join(map(str, unknown)) or 'пусто'}.")
    for stages, name in ((commit_stages, "commit_stages"), (best_case_stages, "best_case_stages")):
        if not set(stages) <= set(OPEN_STAGES):
            raise MetricError(f"{name}: допустимы только открытые стадии {', '.join(OPEN_STAGES)}.")
    lv = levels(frame)
    commit_floor = _minimums(commit_min, DEFAULT_COMMIT_MIN, "commit_min")
    best_floor = _minimums(best_case_min, DEFAULT_BEST_CASE_MIN, "best_case_min")
    commit = stage.isin(commit_stages) & lv.ge(commit_floor).all(axis=1)
    best = ~commit & stage.isin(best_case_stages) & lv.ge(best_floor).all(axis=1) & (score(lv, weights) >= best_case_score)
    category = np.select(
        [stage.eq("closed_won"), stage.eq("closed_lost"), commit, best],
        ["closed", "omitted", "commit", "best_case"],
        default="pipeline",
    )
    return pd.Series(category, index=frame.index, name="forecast_category", dtype=object)


def forecast_summary(opps: pd.DataFrame, amount: str = "amount_rub", **rules) -> pd.DataFrame:
    """Число сделок и сумма по категориям прогноза (правила — как у :func:`forecast_category`)."""
    frame = _frame(opps)
    if amount not in frame.columns:
        raise MetricError(f"В таблице сделок нет столбца суммы «{amount}».")
    category = forecast_category(frame, **rules)
    summary = pd.DataFrame({"deals": category.value_counts(), "amount_rub": frame[amount].groupby(category).sum()})
    summary = summary.reindex([c for c in CATEGORIES if c in summary.index]).fillna(0)
    summary["deals"] = summary["deals"].astype(np.int64)
    summary.index.name = "category"
    return summary


PERIODS = ("this_quarter", "next_quarter", "later")


def close_period(today, signature_date, paper_level: int) -> str:
    """Квартал, в который реально попадёт подпись сделки: ``this_quarter``, ``next_quarter`` или ``later``.

    ``today`` — дата разбора, ``signature_date`` — самая ранняя дата подписи по
    известным шагам пути к подписи (Paper process); ``paper_level`` — уровень
    буквы P. Если шаги и сроки пути к подписи неизвестны (P < 2), дата подписи
    ничем не подтверждена, и сделку в текущий квартал не ставят: не раньше
    следующего. При P = 0 шагов нет вовсе — ``signature_date`` можно передать ``None``.
    """
    if paper_level not in LEVELS:
        raise MetricError("Уровень Paper process — 0, 1 или 2.")
    if signature_date is None:
        if paper_level == MAX_LEVEL:
            raise MetricError("Путь к подписи известен (P = 2) — посчитайте по его шагам самую раннюю дату подписи.")
        return PERIODS[1]
    try:
        day, sign_day = pd.Timestamp(today), pd.Timestamp(signature_date)
    except (ValueError, TypeError):
        raise MetricError("Даты разбора и подписи — в виде «2025-11-03».") from None
    if pd.isna(day) or pd.isna(sign_day):
        raise MetricError("Даты разбора и подписи — в виде «2025-11-03».")
    if sign_day < day:
        raise MetricError("Дата подписи раньше даты разбора.")
    quarters = (sign_day.to_period("Q") - day.to_period("Q")).n
    if paper_level < MAX_LEVEL:
        quarters = max(quarters, 1)
    return PERIODS[min(quarters, 2)]


# ---------------------------------------------------------------------------
# Проверка: предсказывает ли MEDDIC выигрыш
# ---------------------------------------------------------------------------


def stage_reached(stages: pd.DataFrame) -> pd.Series:
    """Последняя открытая стадия, до которой дошла сделка (по истории стадий).

    ``stages`` — таблица ``opportunity_stages``. Возвращает Series
    ``opportunity_id → стадия`` (``discovery`` … ``negotiation``): у закрытой
    сделки — стадия, на которой её выиграли или проиграли.
    """
    frame = _frame(stages, "stages")
    for column in ("opportunity_id", "stage"):
        if column not in frame.columns:
            raise MetricError(f"В истории стадий нет столбца {column}.")
    rank = frame["stage"].map({s: i for i, s in enumerate(OPEN_STAGES)})
    rank = rank.dropna()
    if rank.empty:
        raise MetricError("В истории стадий нет ни одной открытой стадии.")
    deepest = rank.groupby(frame.loc[rank.index, "opportunity_id"]).max().astype(np.int64)
    return pd.Series(np.asarray(OPEN_STAGES, dtype=object)[deepest.to_numpy()], index=deepest.index, name="stage_reached")


def logit_odds_ratios(y, X, add_constant: bool = True) -> pd.DataFrame:
    """Логистическая регрессия ``y ~ X`` (statsmodels) и отношения шансов.

    Возвращает таблицу по предикторам: ``coef`` (логарифм отношения шансов),
    ``odds_ratio`` = exp(coef), 95 % интервал ``ci_low``/``ci_high`` для
    отношения шансов и ``p_value``.
    """
    import statsmodels.api as sm

    if isinstance(X, pd.Series):
        X = X.to_frame()
    if not isinstance(X, pd.DataFrame):
        raise MetricError("X: нужна таблица предикторов pandas.")
    y = pd.Series(y)
    if len(y) != len(X):
        raise MetricError("y и X разной длины.")
    try:
        yv = pd.to_numeric(y, errors="raise").astype(float)
        Xv = X.apply(pd.to_numeric, errors="raise").astype(float)
    except (ValueError, TypeError):
        raise MetricError("В y и X должны быть только числа (исход — 0/1).") from None
    if yv.isna().any() or Xv.isna().any().any():
        raise MetricError("В данных для регрессии есть пропуски — уберите их заранее.")
    if not yv.isin([0.0, 1.0]).all():
        raise MetricError("Исход y должен быть 0 или 1.")
    if yv.nunique() < 2:
        raise MetricError("В исходе только один класс — регрессию не на чем учить.")
    if len(yv) <= Xv.shape[1] + 1:
        raise MetricError("Наблюдений меньше, чем параметров модели.")
    Xv.index = yv.index = pd.RangeIndex(len(yv))
    design = sm.add_constant(Xv, has_constant="add") if add_constant else Xv
    result = sm.Logit(yv, design).fit(disp=0)
    ci = result.conf_int()
    table = pd.DataFrame(
        {
            "coef": result.params,
            "odds_ratio": np.exp(result.params),
            "ci_low": np.exp(ci[0]),
            "ci_high": np.exp(ci[1]),
            "p_value": result.pvalues,
        }
    )
    table.index.name = "term"
    return table


def auc(scores, outcome) -> float:
    """ROC AUC: вероятность, что у случайной выигранной сделки балл выше, чем у проигранной.

    Считается через средние ранги (статистика Манна — Уитни, делённая на n₁·n₀;
    Hanley, McNeil, 1982): пара с равными баллами считается за половину. У
    дискретного балла (сумма MEDDIC 0–12) всего тринадцать значений, ничьи
    неизбежны, и без такой поправки AUC был бы смещён; результат совпадает с ``sklearn.metrics.roc_auc_score``.
    """
    from scipy.stats import rankdata

    s = pd.to_numeric(pd.Series(scores), errors="coerce").to_numpy(dtype=float)
    o = pd.Series(outcome).to_numpy()
    if len(s) != len(o):
        raise MetricError("Баллы и исходы разной длины.")
    if np.isnan(s).any():
        raise MetricError("В баллах есть пропуски или не числа.")
    flags = pd.to_numeric(pd.Series(o).astype(object).replace({True: 1, False: 0}), errors="coerce").to_numpy(dtype=float)
    if not np.isin(flags, (0.0, 1.0)).all():
        raise MetricError("Исход должен быть 1 (выиграна) или 0 (проиграна), либо True/False.")
    positive = flags == 1.0
    n1, n0 = int(positive.sum()), int((~positive).sum())
    if n1 == 0 or n0 == 0:
        raise MetricError("Для AUC нужны оба исхода: и выигрыши, и проигрыши.")
    ranks = rankdata(s)
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))
