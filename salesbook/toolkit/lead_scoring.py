"""Предиктивный скоринг лидов (раздел 7.4.3): очередь SDR, правило баллов, модель, проверка.

Популяция — очередь SDR: входящие лиды (все каналы, кроме ``outbound``) без пробного периода,
которых маркетинг передал SDR (заполнен ``leads.sdr_id``). Исход — лид стал SQL
(заполнен ``leads.sql_date``). Каждый лид очереди SDR действительно отработал, поэтому исход
известен у всех — и ранжирование «кого брать первым» можно честно проверить на истории.

Признаки модели записаны в CRM **до** работы SDR: фирмография (сегмент, отрасль, число
сотрудников, должность, регион компании) и поведение на сайте и в рассылках. Выгрузка CRM
(:func:`crm_export`) содержит ещё два столбца, которые считаются по активностям SDR за всю
историю лида, — это утечка: их значения известны только после решения о SQL.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from salesbook.toolkit import course
from salesbook.toolkit.validation import MetricError, require_columns

#: Категориальные признаки модели (one-hot).
CATEGORICAL = ("segment", "industry", "job_title_level", "channel", "region")
#: Числовые признаки модели; ``log_employees`` — натуральный логарифм числа сотрудников.
NUMERIC = ("log_employees", "website_visits", "pages_viewed", "content_downloads", "webinar_attended",
           "demo_requested", "email_opens")
#: Все честные признаки — известны в момент, когда лид встаёт в очередь SDR.
FEATURES = CATEGORICAL + NUMERIC
#: Столбцы выгрузки CRM, посчитанные по активностям SDR за всю историю лида (после решения о SQL).
LEAKY = ("sdr_touches", "meetings_held")

#: Период обучения и проверки: учимся на 2023–2024 годах, проверяем на 2025-м.
TRAIN = (course.YEAR_2023[0], course.YEAR_2024[1])
TEST = course.YEAR_2025

#: Правило баллов, по которому маркетинг «Сферы Софт» сортирует очередь SDR (допущение курса:
#: так устроены правила скоринга в CRM и системах автоматизации маркетинга — баллы за поведение
#: и за должность/размер компании, вес задаёт маркетолог на глаз). Ключ — признак, значение —
#: баллы; у счётчиков — баллы за единицу и потолок.
RULE_POINTS = {
    "demo_requested": 30,                     # запросил демо
    "webinar_attended": 10,                   # был на вебинаре
    "content_downloads": (5, 15),             # 5 баллов за материал, не больше 15
    "website_visits": (2, 10),                # 2 балла за визит, не больше 10
    "email_opens": (1, 5),                    # 1 балл за открытие письма, не больше 5 (шумный признак:
                                              # с iOS 15 Apple Mail сам загружает пиксель и «открывает» письма)
    "job_title_level": {"c_level": 15, "vp": 15, "head": 15, "manager": 5, "specialist": 0},
    "segment": {"enterprise": 10, "mid_market": 5, "smb": 0},
}


def feature_label(name: str) -> str:
    """Русская подпись столбца модели: признак или one-hot «признак: значение».

    Понимает имена ``ColumnTransformer`` (``"cat__segment_smb"``, ``"num__demo_requested"``) и
    просто имена признаков.
    """
    from salesbook.data.schemas import CODE_NAMES
    from salesbook.runtime.plotting import scoring_label

    text = str(name).split("__", 1)[-1]
    for col in CATEGORICAL:
        if text.startswith(col + "_"):
            value = text[len(col) + 1:]
            shown = CODE_NAMES.get(col, {}).get(value) or scoring_label(value)
            return f"{scoring_label(col)}: {shown}"
    return scoring_label(text)


def rule_table(points: dict | None = None) -> pd.DataFrame:
    """Правило баллов (по умолчанию :data:`RULE_POINTS`) таблицей для показа: признак и баллы по-русски."""
    from salesbook.runtime import fmt
    from salesbook.runtime.plotting import scoring_label

    points = RULE_POINTS if points is None else points
    rows = []
    for col, rule in points.items():
        if isinstance(rule, dict):
            rows += [{"Признак": feature_label(f"{col}_{k}"), "Баллы": fmt.number(v)} for k, v in rule.items()]
        elif isinstance(rule, tuple):
            rows.append({"Признак": scoring_label(col), "Баллы": f"{fmt.number(rule[0])} за единицу, не больше {fmt.number(rule[1])}"})
        else:
            rows.append({"Признак": scoring_label(col), "Баллы": f"{fmt.number(rule)}, если да"})
    return pd.DataFrame(rows).set_index("Признак")


def _bool_int(s: pd.Series) -> pd.Series:
    return s.astype(bool).astype(int)


def sdr_queue(leads: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Очередь SDR со всеми честными признаками и исходом ``sql`` (0/1), 2023–2025 годы.

    Входящие лиды без пробного периода, переданные SDR (``sdr_id`` заполнен); регион — из
    ``accounts``. Строки — в порядке ``created_date``, затем ``lead_id``.
    """
    require_columns(leads, ["lead_id", "account_id", "created_date", "channel", "trial_started", "sdr_id",
                            "sql_date", "segment", "industry", "employees", "job_title_level", "website_visits",
                            "pages_viewed", "content_downloads", "webinar_attended", "demo_requested", "email_opens"],
                    "leads", non_empty=True)
    require_columns(accounts, ["account_id", "region"], "accounts")
    q = leads[leads["channel"].ne("outbound") & ~leads["trial_started"].astype(bool) & leads["sdr_id"].notna()].copy()
    if q.empty:
        raise MetricError("В таблице лидов нет входящих лидов, переданных SDR (sdr_id пуст у всех).")
    q = q.merge(accounts[["account_id", "region"]], on="account_id", how="left")
    q["log_employees"] = np.log(q["employees"].clip(lower=1).astype(float))
    for c in ("webinar_attended", "demo_requested"):
        q[c] = _bool_int(q[c])
    q["sql"] = q["sql_date"].notna().astype(int)
    cols = ["lead_id", "created_date", "sql_date", *FEATURES, "sql"]
    return q.sort_values(["created_date", "lead_id"], kind="stable")[cols].reset_index(drop=True)


def crm_export(leads: pd.DataFrame, accounts: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Выгрузка CRM по очереди SDR: :func:`sdr_queue` плюс два счётчика по активностям.

    ``sdr_touches`` — все касания по лиду (звонки, письма, сообщения, встречи) на дату выгрузки;
    ``meetings_held`` — проведённые встречи (``type = meeting``, ``outcome = held``). Обычная
    выгрузка «лид + счётчики активностей» считает их на конец данных — после решения о SQL.
    """
    require_columns(activities, ["lead_id", "type", "outcome"], "activities")
    q = sdr_queue(leads, accounts)
    a = activities[activities["lead_id"].isin(q["lead_id"])]
    touches = a.groupby("lead_id").size()
    held = a[a["type"].eq("meeting") & a["outcome"].eq("held")].groupby("lead_id").size()
    q["sdr_touches"] = q["lead_id"].map(touches).fillna(0).astype(int)
    q["meetings_held"] = q["lead_id"].map(held).fillna(0).astype(int)
    return q


def split(frame: pd.DataFrame, train=TRAIN, test=TEST) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Разбиение по времени по ``created_date``: (обучение, проверка), границы включительно."""
    require_columns(frame, ["created_date"], "frame")
    d = pd.to_datetime(frame["created_date"])
    tr = frame[(d >= pd.Timestamp(train[0])) & (d <= pd.Timestamp(train[1]))]
    te = frame[(d >= pd.Timestamp(test[0])) & (d <= pd.Timestamp(test[1]))]
    if tr.empty or te.empty:
        raise MetricError("Разбиение по времени дало пустую часть: проверьте периоды обучения и проверки.")
    if pd.Timestamp(train[1]) >= pd.Timestamp(test[0]):
        raise MetricError("Период обучения должен закончиться раньше, чем начнётся период проверки.")
    return tr, te


def rule_score(frame: pd.DataFrame, points: dict | None = None) -> pd.Series:
    """Баллы правила скоринга (по умолчанию :data:`RULE_POINTS`) для каждого лида."""
    points = RULE_POINTS if points is None else points
    require_columns(frame, list(points), "frame")
    total = pd.Series(0.0, index=frame.index)
    for col, rule in points.items():
        if isinstance(rule, dict):
            total += frame[col].map(rule).fillna(0).astype(float)
        elif isinstance(rule, tuple):
            per, cap = rule
            total += np.minimum(frame[col].astype(float) * per, cap)
        else:
            total += frame[col].astype(float) * rule
    return total.rename("rule_score")


def _serial_pipeline(steps):
    """Конвейер, который учится и предсказывает в одном потоке OpenMP.

    Бустинг scikit-learn распараллелен через OpenMP; когда ядра заняты другими процессами
    (тесты в два потока, две тетради сразу), потоки OpenMP ждут друг друга на каждом узле дерева.
    На наших нескольких тысячах лидов один поток быстрее: бустинг с бутстрепом раздела 7.4.3 при
    двух занятых ядрах — 1,4 с против 2,4 с. Результат от числа потоков не зависит.
    """
    from sklearn.pipeline import Pipeline
    from threadpoolctl import threadpool_limits

    class SerialPipeline(Pipeline):
        def fit(self, X, y=None, **params):
            with threadpool_limits(limits=1, user_api="openmp"):
                return super().fit(X, y, **params)

        def predict_proba(self, X, **params):
            with threadpool_limits(limits=1, user_api="openmp"):
                return super().predict_proba(X, **params)

    return SerialPipeline(steps)


def model(kind: str = "logit", features=FEATURES, random_state: int = 0):
    """Конвейер scikit-learn: one-hot для категорий, масштаб для чисел и классификатор.

    ``kind="logit"`` — логистическая регрессия; ``kind="boosting"`` —
    ``HistGradientBoostingClassifier`` с параметрами «из коробки» (200 деревьев без ограничения
    глубины и без ранней остановки) и фиксированным ``random_state``; ``kind="boosting_shallow"`` —
    тот же бустинг с ограничениями против переобучения (деревья глубины 2, не меньше 50 лидов в листе).
    ``features`` — столбцы, которые модель берёт из таблицы (по умолчанию честные :data:`FEATURES`).
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    features = list(features)
    cats = [c for c in features if c in CATEGORICAL]
    nums = [c for c in features if c not in CATEGORICAL]
    prep = ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), cats),
                              ("num", StandardScaler(), nums)])
    if kind == "logit":
        clf = LogisticRegression(max_iter=2000)
    elif kind == "boosting":
        clf = HistGradientBoostingClassifier(random_state=random_state, learning_rate=0.05, max_iter=200)
    elif kind == "boosting_shallow":
        clf = HistGradientBoostingClassifier(random_state=random_state, learning_rate=0.05, max_iter=200,
                                             max_depth=2, min_samples_leaf=50)
    else:
        raise MetricError(f"Вид модели — 'logit', 'boosting' или 'boosting_shallow', получено {kind!r}.")
    return _serial_pipeline([("prep", prep), ("clf", clf)])


def fit_predict(train: pd.DataFrame, test: pd.DataFrame, kind: str = "logit", features=FEATURES,
                random_state: int = 0) -> pd.Series:
    """Обучить модель на ``train`` (исход ``sql``) и вернуть вероятности SQL для ``test``."""
    features = list(features)
    require_columns(train, features + ["sql"], "train", non_empty=True)
    require_columns(test, features, "test", non_empty=True)
    m = model(kind, features, random_state).fit(train[features], train["sql"])
    return pd.Series(m.predict_proba(test[features])[:, 1], index=test.index, name="p_sql")


def _y_score(y, score) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)
    if y.shape != s.shape or y.ndim != 1:
        raise MetricError("Исходы и оценки должны быть одномерными и одной длины.")
    if np.isnan(s).any():
        raise MetricError("В оценках есть пропуски (NaN).")
    if not np.isin(y, (0, 1)).all():
        raise MetricError("Исход должен быть 0 или 1 (стал лид SQL или нет).")
    if y.min() == y.max():
        raise MetricError("Нужны лиды обоих исходов: и ставшие SQL, и нет.")
    return y, s


def auc(y, score) -> float:
    """AUC — вероятность, что случайный SQL получил оценку выше случайного не-SQL (ничьи — пополам)."""
    from sklearn.metrics import roc_auc_score

    y, s = _y_score(y, score)
    return float(roc_auc_score(y, s))


def hanley_mcneil_se(auc_value: float, n_pos: int, n_neg: int) -> float:
    """Стандартная ошибка AUC по формуле Hanley и McNeil (1982).

    ``n_pos`` — число положительных исходов (SQL), ``n_neg`` — отрицательных.
    """
    a = float(auc_value)
    if not 0 < a < 1:
        raise MetricError(f"AUC — доля между 0 и 1, получено {auc_value!r}.")
    if n_pos < 1 or n_neg < 1:
        raise MetricError("Нужен хотя бы один лид каждого исхода.")
    q1 = a / (2 - a)
    q2 = 2 * a * a / (1 + a)
    var = (a * (1 - a) + (n_pos - 1) * (q1 - a * a) + (n_neg - 1) * (q2 - a * a)) / (n_pos * n_neg)
    return math.sqrt(var)


def _fast_auc(y: np.ndarray, s: np.ndarray) -> float:
    """AUC через ранги (статистика Манна — Уитни, ничьи — средним рангом): то же, что roc_auc_score."""
    from scipy.stats import rankdata

    n1 = y.sum()
    n0 = len(y) - n1
    r = rankdata(s)
    return float((r[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def auc_bootstrap(y, score, other=None, n_boot: int = 1000, seed: int = 2025, alpha: float = 0.05) -> pd.Series:
    """AUC и его процентильный бутстреп-интервал (лиды выборки — с возвращением).

    Если передан ``other`` (оценки второй модели на тех же лидах), интервал строится для
    разности AUC(score) − AUC(other) на одних и тех же бутстреп-выборках.
    """
    y, s = _y_score(y, score)
    o = None if other is None else _y_score(y, other)[1]
    rng = np.random.default_rng(seed)
    n = len(y)
    stats = []
    for _ in range(int(n_boot)):
        i = rng.integers(0, n, n)
        yi = y[i]  # одна выборка исходов на всё: проверка «оба исхода есть» и AUC
        if yi.min() == yi.max():
            continue
        v = _fast_auc(yi, s[i])
        if o is not None:
            v -= _fast_auc(yi, o[i])
        stats.append(v)
    point = _fast_auc(y, s) - (0.0 if o is None else _fast_auc(y, o))
    low, high = np.quantile(stats, [alpha / 2, 1 - alpha / 2])
    return pd.Series({"estimate": float(point), "low": float(low), "high": float(high)})


def single_feature_auc(frame: pd.DataFrame, columns, target: str = "sql") -> pd.Series:
    """AUC каждого числового столбца как самостоятельной оценки (ниже 0,5 — связь обратная)."""
    require_columns(frame, list(columns) + [target], "frame", non_empty=True)
    return pd.Series({c: auc(frame[target], frame[c]) for c in columns}, name="auc").sort_values(ascending=False)


# ---------------------------------------------------------------------------
# Часть 2: калибровка, лифт, порог по мощности SDR, дрейф
# ---------------------------------------------------------------------------


def _probs(p) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise MetricError("Вероятности должны быть долями от 0 до 1 (0,4, а не 40) и без пропусков.")
    return p


def brier(y, p) -> float:
    """Оценка Брайера: средний квадрат разности вероятности и исхода (0 — идеально)."""
    y, _ = _y_score(y, p)
    p = _probs(p)
    return float(np.mean((p - y) ** 2))


def brier_skill(y, p, base_rate: float) -> float:
    """Навык оценки Брайера относительно прогноза «всем одна доля» ``base_rate``.

    BSS = 1 − BS / BS_ref, где BS_ref — оценка Брайера постоянного прогноза ``base_rate``
    (берите долю SQL периода обучения: её модель знала заранее). Больше 0 — модель лучше.
    """
    y, _ = _y_score(y, p)
    b = float(base_rate)
    if not 0 < b < 1:
        raise MetricError(f"Базовая доля — доля от 0 до 1 (0,41, а не 41), получено {base_rate!r}.")
    ref = float(np.mean((b - y) ** 2))
    return 1 - brier(y, p) / ref


def brier_decomposition(y, p, n_bins: int = 10) -> pd.Series:
    """Разложение Мёрфи: BS ≈ надёжность − разрешение + неопределённость (корзины по вероятности).

    ``reliability`` — средний квадрат разницы «обещано − сбылось» по корзинам (меньше — лучше
    калибровка); ``resolution`` — насколько доли SQL корзин отличаются от общей (больше — модель
    лучше разделяет лиды); ``uncertainty`` = ȳ(1 − ȳ) не зависит от модели. Равенство точное, когда
    внутри корзины прогноз один; ``brier`` — сама оценка для сравнения.
    """
    y, _ = _y_score(y, p)
    p = _probs(p)
    edges = np.linspace(0, 1, int(n_bins) + 1)
    k = np.clip(np.digitize(p, edges[1:-1]), 0, n_bins - 1)
    ybar = y.mean()
    rel = res = 0.0
    for b in np.unique(k):
        m = k == b
        w = m.mean()
        rel += w * (p[m].mean() - y[m].mean()) ** 2
        res += w * (y[m].mean() - ybar) ** 2
    return pd.Series({"brier": brier(y, p), "reliability": rel, "resolution": res,
                      "uncertainty": ybar * (1 - ybar)})


def calibration_table(y, p, n_bins: int = 5, alpha: float = 0.05) -> pd.DataFrame:
    """Кривая надёжности по квантильным корзинам (как ``sklearn.calibration.calibration_curve``
    со ``strategy="quantile"``).

    Столбцы: ``predicted`` — средняя вероятность в корзине, ``actual`` — доля SQL в ней,
    ``leads`` — лидов в корзине, ``low`` и ``high`` — интервал Уилсона для доли SQL
    (95-процентный при ``alpha=0.05``): в корзине пара сотен лидов, и доля SQL в ней сама шумит.
    """
    from salesbook.toolkit.enablement import wilson

    y, _ = _y_score(y, p)
    p = _probs(p)
    edges = np.percentile(p, np.linspace(0, 1, int(n_bins) + 1) * 100)
    ids = np.searchsorted(edges[1:-1], p)
    rows = []
    for b in np.unique(ids):
        m = ids == b
        n, k = int(m.sum()), float(y[m].sum())
        low, high = wilson(k, n, alpha=alpha)
        rows.append({"predicted": float(p[m].mean()), "actual": k / n, "leads": n, "low": float(low), "high": float(high)})
    return pd.DataFrame(rows)


def brier_skill_bootstrap(y, p, base_rate: float, n_boot: int = 1000, seed: int = 2025,
                          alpha: float = 0.05) -> pd.Series:
    """Навык Брайера и его процентильный бутстреп-интервал (лиды — с возвращением)."""
    y, _ = _y_score(y, p)
    p = _probs(p)
    b = float(base_rate)
    if not 0 < b < 1:
        raise MetricError(f"Базовая доля — доля от 0 до 1 (0,41, а не 41), получено {base_rate!r}.")
    rng = np.random.default_rng(seed)
    n = len(y)
    stats = []
    for _ in range(int(n_boot)):
        i = rng.integers(0, n, n)
        stats.append(1 - np.mean((p[i] - y[i]) ** 2) / np.mean((b - y[i]) ** 2))
    low, high = np.quantile(stats, [alpha / 2, 1 - alpha / 2])
    return pd.Series({"estimate": brier_skill(y, p, b), "low": float(low), "high": float(high)})


def gains(y, score, n_groups: int = 10) -> pd.DataFrame:
    """Таблица выигрыша: лиды по убыванию оценки, группами по доле очереди.

    На каждую долю очереди ``share`` (0,1; 0,2; …): ``captured`` — доля всех SQL, попавших в
    эту верхушку; ``lift`` — во сколько раз доля SQL в верхушке выше средней.
    """
    y, s = _y_score(y, score)
    order = np.argsort(-s, kind="stable")
    cum = np.cumsum(y[order])
    n = len(y)
    rows = []
    for g in range(1, int(n_groups) + 1):
        k = int(round(n * g / n_groups))
        rows.append({"share": g / n_groups, "leads": k, "captured": cum[k - 1] / y.sum(),
                     "lift": (cum[k - 1] / k) / y.mean()})
    return pd.DataFrame(rows)


def lift_at(y, score, share: float) -> float:
    """Лифт верхней доли ``share`` очереди: доля SQL в верхушке / доля SQL во всей очереди."""
    y, s = _y_score(y, score)
    sh = float(share)
    if not 0 < sh <= 1:
        raise MetricError(f"Доля очереди — от 0 до 1 (0,5, а не 50), получено {share!r}.")
    k = max(1, int(round(len(y) * sh)))
    top = np.argsort(-s, kind="stable")[:k]
    return float(y[top].mean() / y.mean())


def work_top(frame: pd.DataFrame, score, share: float, by: str = "M") -> pd.DataFrame:
    """Сколько SQL даст работа с верхней долей очереди каждого месяца.

    Каждый месяц (по ``created_date``) SDR берут ``round(share × лидов месяца)`` лидов с самой
    высокой оценкой ``score``. Возвращает по месяцам: ``queue`` — лидов в очереди, ``worked`` —
    взято в работу, ``sql`` — SQL среди взятых. Исходы известны у всех лидов очереди: в данных
    SDR отработал каждого.
    """
    require_columns(frame, ["created_date", "sql"], "frame", non_empty=True)
    sh = float(share)
    if not 0 < sh <= 1:
        raise MetricError(f"Доля очереди — от 0 до 1 (0,5, а не 50), получено {share!r}.")
    f = frame[["created_date", "sql"]].copy()
    f["score"] = np.asarray(score, dtype=float)
    f["period"] = pd.to_datetime(f["created_date"]).dt.to_period(by)
    rows = []
    for period, g in f.groupby("period", sort=True):
        k = int(round(len(g) * sh))
        top = g.sort_values("score", ascending=False, kind="stable").head(k)
        rows.append({"period": period, "queue": len(g), "worked": k, "sql": int(top["sql"].sum())})
    return pd.DataFrame(rows).set_index("period")


def work_above(frame: pd.DataFrame, score, cutoff: float, by: str = "M") -> pd.DataFrame:
    """Работа по порогу: SDR берут каждый лид, чья оценка не ниже ``cutoff``, в момент его прихода.

    В отличие от :func:`work_top`, здесь не нужно знать, какие лиды придут до конца месяца: порог
    задан заранее (например, по оценкам периода обучения), и доля взятых лидов от месяца к месяцу
    гуляет. Возвращает по периодам ``by``: ``queue``, ``worked``, ``share`` (взято / очередь) и ``sql``.
    """
    require_columns(frame, ["created_date", "sql"], "frame", non_empty=True)
    f = frame[["created_date", "sql"]].copy()
    f["take"] = np.asarray(score, dtype=float) >= float(cutoff)
    f["period"] = pd.to_datetime(f["created_date"]).dt.to_period(by)
    out = f.groupby("period", sort=True).agg(queue=("sql", "size"), worked=("take", "sum"),
                                             sql=("sql", lambda s: int(s[f.loc[s.index, "take"]].sum())))
    out["share"] = out["worked"] / out["queue"]
    return out[["queue", "worked", "share", "sql"]]


def work_top_bootstrap(frame: pd.DataFrame, scores: dict, share: float, n_boot: int = 1000, seed: int = 2025,
                       by: str = "M") -> pd.DataFrame:
    """Бутстреп для :func:`work_top`: лиды выбираются с возвращением внутри каждого месяца.

    ``scores`` — словарь «название порядка → оценки лидов ``frame``». На каждой выборке для
    каждого порядка считаются SQL в верхней доле ``share`` очереди каждого месяца (модели не
    переобучаются — это разброс из-за того, какие лиды пришли). Возвращает таблицу из ``n_boot``
    строк: по столбцу на порядок, ``total_sql`` — все SQL выборки, ``leads`` и ``worked`` — лидов
    и взятых в работу (от выборки не зависят).
    """
    require_columns(frame, ["created_date", "sql"], "frame", non_empty=True)
    sh = float(share)
    if not 0 < sh <= 1:
        raise MetricError(f"Доля очереди — от 0 до 1 (0,5, а не 50), получено {share!r}.")
    y = frame["sql"].to_numpy(dtype=float)
    s = {name: np.asarray(v, dtype=float) for name, v in scores.items()}
    period = pd.to_datetime(frame["created_date"]).dt.to_period(by).to_numpy()
    groups = [np.flatnonzero(period == p) for p in pd.unique(period)]
    ks = [int(round(len(g) * sh)) for g in groups]
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(int(n_boot)):
        row = dict.fromkeys(s, 0.0)
        row["total_sql"] = 0.0
        for g, k in zip(groups, ks):
            i = np.sort(rng.choice(g, len(g)))  # порядок прихода внутри выборки — как в данных
            row["total_sql"] += y[i].sum()
            for name, v in s.items():
                top = i[np.argsort(-v[i], kind="stable")[:k]]
                row[name] += y[top].sum()
        rows.append(row)
    out = pd.DataFrame(rows)
    out["leads"] = float(len(y))
    out["worked"] = float(sum(ks))
    return out


def interval(values, alpha: float = 0.05) -> pd.Series:
    """Процентильный интервал бутстреп-выборки: ``low`` и ``high`` (95-процентный при ``alpha=0.05``)."""
    v = np.asarray(values, dtype=float)
    low, high = np.quantile(v, [alpha / 2, 1 - alpha / 2])
    return pd.Series({"low": float(low), "high": float(high)})


# ---------------------------------------------------------------------------
# Время SDR: сколько лидов очереди команда может отработать
# ---------------------------------------------------------------------------

#: Минуты работы SDR на одно касание — допущения курса: учёта времени в CRM нет. На каждую
#: попытку звонка — набор номера, ожидание и запись в CRM; время самого разговора берётся из
#: данных (``activities.duration_sec``). Письмо и сообщение лиду — написать и записать в CRM.
#: Квалификационная встреча — 30 минут разговора и 15 минут на подготовку и итоги (в том числе
#: несостоявшаяся: время на неё уже отведено).
TOUCH_MINUTES = {"call": 2.0, "email": 4.0, "telegram": 2.0, "whatsapp": 2.0, "meeting": 45.0}


def sdr_time(activities: pd.DataFrame, daily: pd.DataFrame, reps: pd.DataFrame, queue: pd.DataFrame, start, end,
             minutes: dict | None = None, workdays_per_month: float | None = None) -> pd.Series:
    """Мощность SDR по времени, а не по тому, сколько лидов им досталось.

    * ``minutes_per_lead`` — минут работы на лид очереди (``queue``, лиды, созданные в период):
      касания по лиду из ``activities`` × :data:`TOUCH_MINUTES` плюс минуты разговоров;
    * ``minutes_per_day`` — минут работы SDR за рабочий день: звонки, письма и сообщения из
      дневного отчёта ``daily`` (``rep_daily_activity``: вся работа, и по лидам CRM, и прогрев базы)
      плюс встречи из ``activities``; разговор дозвонившегося звонка — средний по звонкам CRM;
    * ``queue_share`` — доля этих минут, ушедшая на очередь (касания SDR по лидам CRM за период);
    * ``leads_per_day`` и ``leads_per_month`` — сколько лидов очереди SDR отработал бы, если бы
      отдавал очереди всё это время (рабочих дней в месяце — ``workdays_per_month``, по умолчанию
      по норме 2025 года).
    """
    from salesbook.toolkit import course

    m = TOUCH_MINUTES if minutes is None else minutes
    require_columns(activities, ["rep_id", "lead_id", "date", "type", "duration_sec"], "activities")
    require_columns(daily, ["rep_id", "date", "calls", "calls_connected", "emails", "messages"], "rep_daily_activity")
    require_columns(reps, ["rep_id", "role"], "reps")
    require_columns(queue, ["lead_id", "created_date"], "queue")
    sdr = set(reps.loc[reps["role"].eq("SDR"), "rep_id"])
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    leads = queue.loc[pd.to_datetime(queue["created_date"]).between(lo, hi), "lead_id"]
    if leads.empty:
        raise MetricError("В периоде нет лидов очереди SDR.")

    def _minutes(a: pd.DataFrame) -> float:
        counts = a["type"].value_counts()
        talk = a.loc[a["type"].eq("call"), "duration_sec"].fillna(0).sum() / 60
        return float(sum(counts.get(t, 0) * m[t] for t in m) + talk)

    per_lead = _minutes(activities[activities["lead_id"].isin(leads)]) / len(leads)
    a = activities[activities["rep_id"].isin(sdr) & pd.to_datetime(activities["date"]).between(lo, hi)]
    d = daily[daily["rep_id"].isin(sdr) & pd.to_datetime(daily["date"]).between(lo, hi)]
    if d.empty:
        raise MetricError("В периоде нет дневных отчётов SDR.")
    calls = a[a["type"].eq("call")]
    talk_connected = calls.loc[calls["duration_sec"] > 0, "duration_sec"].mean() / 60
    day_total = float(d["calls"].sum() * m["call"] + d["calls_connected"].sum() * talk_connected
                      + d["emails"].sum() * m["email"] + d["messages"].sum() * m["telegram"]
                      + a["type"].eq("meeting").sum() * m["meeting"])
    queue_total = _minutes(a)
    days = len(d)
    per_day = day_total / days
    wd = course.WORK_DAYS_2025 / 12 if workdays_per_month is None else float(workdays_per_month)
    return pd.Series({"minutes_per_lead": per_lead, "minutes_per_day": per_day, "sdr_days": float(days),
                      "queue_share": queue_total / day_total, "leads_per_day": per_day / per_lead,
                      "workdays_per_month": wd, "leads_per_month": per_day / per_lead * wd})


def psi(expected, actual, n_bins: int = 10) -> float:
    """Индекс стабильности популяции (PSI) распределения оценок: Σ (a − e) · ln(a / e).

    Корзины — децили ``expected`` (оценки периода обучения); пустые корзины сглажены 0,0001.
    """
    e = np.asarray(expected, dtype=float)
    a = np.asarray(actual, dtype=float)
    if len(e) == 0 or len(a) == 0:
        raise MetricError("Для PSI нужны оценки обоих периодов.")
    edges = np.unique(np.quantile(e, np.linspace(0, 1, int(n_bins) + 1)[1:-1]))
    ce = np.bincount(np.searchsorted(edges, e, side="right"), minlength=len(edges) + 1) / len(e)
    ca = np.bincount(np.searchsorted(edges, a, side="right"), minlength=len(edges) + 1) / len(a)
    ce, ca = np.maximum(ce, 1e-4), np.maximum(ca, 1e-4)
    return float(np.sum((ca - ce) * np.log(ca / ce)))


def psi_noise(reference, n: int, n_bins: int = 10, n_boot: int = 500, seed: int = 2025, q: float = 0.95) -> float:
    """Граница шума PSI: ``q``-квантиль PSI между ``reference`` и случайной выборкой из него же
    размером ``n`` — столько PSI набегает без всякого дрейфа, только из-за малой выборки."""
    ref = np.asarray(reference, dtype=float)
    if len(ref) == 0 or int(n) < 1:
        raise MetricError("Для границы шума PSI нужны оценки периода обучения и размер выборки.")
    rng = np.random.default_rng(seed)
    vals = [psi(ref, rng.choice(ref, int(n))) for _ in range(int(n_boot))]
    return float(np.quantile(vals, q))


def drift_by_quarter(frame: pd.DataFrame, p, reference, noise: bool = False) -> pd.DataFrame:
    """Дрейф по кварталам ``created_date``: средняя вероятность, доля SQL и PSI к ``reference``.

    ``noise=True`` добавляет столбец ``psi_noise`` — границу шума PSI (:func:`psi_noise`) для
    квартала такого же размера.
    """
    require_columns(frame, ["created_date", "sql"], "frame", non_empty=True)
    f = frame[["created_date", "sql"]].copy()
    f["p"] = _probs(p)
    f["quarter"] = pd.to_datetime(f["created_date"]).dt.to_period("Q").astype(str)
    out = f.groupby("quarter").agg(leads=("sql", "size"), predicted=("p", "mean"), actual=("sql", "mean"))
    out["psi"] = [psi(reference, f.loc[f["quarter"] == q, "p"]) for q in out.index]
    if noise:
        out["psi_noise"] = [psi_noise(reference, int(n)) for n in out["leads"]]
    return out
