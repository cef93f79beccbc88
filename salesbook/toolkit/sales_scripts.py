"""Скрипты и шаблоны продаж: звонки, письма, цепочки касаний, демо и пилоты (раздел 3.3).

Что здесь есть:

* холодные звонки — итоги по вариантам начала звонка (``opener_table``),
  проверка с поправкой на кластеры по лиду (``opener_cluster_tests``), осторожная
  оценка долей для расчёта денег (``shrunk_rates``) и
  таблица «испытаний» для статистических тестов ``salesbook.toolkit.experiments``
  (``opener_trials``): встречи считаются **на состоявшийся разговор**, а не на
  набор номера — начало звонка ничего не может сделать со звонком, на который
  не ответили;
* холодные письма — прозрачная рубрика из пяти проверок (``email_checks`` для
  одного письма, ``grade_emails`` — для таблицы писем сразу);
* цепочки касаний — отклик и встречи по номеру касания среди лидов, дошедших до
  этого касания (``touch_curve``), ценность встречи (``meeting_value``), стоимость
  времени сотрудника (``loaded_monthly_salary``, ``time_cost``) и эффект
  сокращения цепочки (``cadence_cut``);
* план совместных действий (MAP) после встречи — проверка по четырём правилам
  (``map_checks``: ответственные, даты, бумажный процесс, успеваем ли к дате закрытия);
* демо и пилоты — воронка после демо по истории стадий (``post_demo_funnel``),
  ожидаемая ценность пилота (PoC) в рублях (``poc_value``) и точка
  безубыточности по приросту вероятности выигрыша (``poc_break_even_uplift``).

Функции векторные (pandas/numpy, без циклов по строкам данных), проверяют вход
и отвечают :class:`salesbook.toolkit.acquisition.MetricError` на русском.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from salesbook.toolkit import meddic
from salesbook.toolkit.acquisition import in_period
from salesbook.toolkit.course import OPEN_STAGES, PAYROLL_TAX_RATE, RESPONSE_OUTCOMES, TOUCH_TYPES
from salesbook.toolkit.validation import MetricError, require_columns, share

#: Исходы звонка, при которых разговор состоялся (в том числе отказ и встреча).
CONNECTED_OUTCOMES = ("connected", "meeting_booked", "not_interested")

#: Стадии сделки после создания по порядку (как в ``opportunity_stages``).
STAGE_ORDER = OPEN_STAGES

#: Рабочих часов в месяц по умолчанию: ≈ 1 970 часов в году при 40-часовой неделе / 12.
HOURS_PER_MONTH = 165.0

# ---------------------------------------------------------------------------
# Рубрика холодного письма
# ---------------------------------------------------------------------------

#: Слова-призывы к действию, по которым рубрика узнаёт призыв (регистр не важен).
#: Каждый маркер — отдельное слово; ни один не входит в другой как подстрока.
CTA_MARKERS = (
    "созвонимся",
    "созвониться",
    "встретимся",
    "назначим",
    "покажу",
    "пришлю",
    "запишитесь",
    "скачайте",
    "посмотрите",
    "ответьте",
    "напишите",
    "забронируйте",
)

#: Пороги рубрики по умолчанию: договорённость отдела продаж, а не закон природы.
MIN_WORDS = 25
MAX_WORDS = 100
MAX_SENTENCE_WORDS = 15

#: Критерии рубрики и их формулировки (для таблиц и подсказок).
RUBRIC = {
    "length": f"длина текста — от {MIN_WORDS} до {MAX_WORDS} слов включительно",
    "personal": "упомянута компания получателя и ещё хотя бы одно: его роль или повод (триггер); регистр не важен",
    "one_cta": "ровно один призыв к действию: в тексте ровно одно вхождение слов-маркеров из CTA_MARKERS (регистр не важен)",
    "question": "в тексте есть хотя бы один вопрос (знак «?»)",
    "readable": f"средняя длина предложения — не больше {MAX_SENTENCE_WORDS} слов (предложения заканчиваются на . ! ? или …)",
}
CRITERIA = tuple(RUBRIC)

#: Русские названия критериев для таблиц.
CRITERIA_NAMES = {
    "length": "Длина",
    "personal": "Персонализация",
    "one_cta": "Один призыв",
    "question": "Вопрос",
    "readable": "Читаемость",
}

_WORD = r"\w+(?:-\w+)*"
_SENTENCE_END = r"[.!?…]+"


def words(text: str) -> list[str]:
    """Слова текста: буквенно-цифровые последовательности, слова через дефис — одно слово.

    «сервис-деск» — одно слово, «1,5 млн ₽» — три («1», «5», «млн»): знак рубля словом
    не считается. Для рубрики письма эти тонкости не важны: пороги подобраны с запасом.
    """
    if not isinstance(text, str):
        raise MetricError(f"words: нужен текст, получено {type(text).__name__}.")
    return re.findall(_WORD, text)


def sentences(text: str) -> list[str]:
    """Предложения текста: куски между знаками . ! ? …, в которых есть хотя бы одно слово."""
    if not isinstance(text, str):
        raise MetricError(f"sentences: нужен текст, получено {type(text).__name__}.")
    return [part.strip() for part in re.split(_SENTENCE_END, text) if re.search(_WORD, part)]


def _mentions(text: str, keyword: str | None) -> bool:
    if keyword is None or not str(keyword).strip():
        return False
    return str(keyword).lower() in text.lower()


def email_checks(
    text: str,
    company: str | None = None,
    role: str | None = None,
    trigger: str | None = None,
    *,
    min_words: int = MIN_WORDS,
    max_words: int = MAX_WORDS,
    max_sentence_words: float = MAX_SENTENCE_WORDS,
    cta_markers: Sequence[str] = CTA_MARKERS,
) -> dict[str, bool]:
    """Рубрика одного холодного письма: словарь «критерий → выполнен ли».

    ``company``, ``role``, ``trigger`` — ключевые слова (или основы слов), по которым
    узнаётся упоминание компании, роли получателя и повода письма. Критерии и их
    формулировки — в ``RUBRIC``. Итоговый балл — число выполненных критериев.
    """
    if not isinstance(text, str) or not text.strip():
        raise MetricError("email_checks: текст письма пуст — проверять нечего.")
    if min_words > max_words:
        raise MetricError("email_checks: минимальная длина больше максимальной.")
    n_words = len(words(text))
    n_sentences = len(sentences(text))
    lower = text.lower()
    cta = sum(lower.count(m.lower()) for m in cta_markers)
    return {
        "length": bool(min_words <= n_words <= max_words),
        "personal": bool(_mentions(text, company) and (_mentions(text, role) or _mentions(text, trigger))),
        "one_cta": bool(cta == 1),
        "question": "?" in text,
        "readable": bool(n_sentences > 0 and n_words / n_sentences <= max_sentence_words),
    }


def _contains(texts: pd.Series, keywords: pd.Series) -> pd.Series:
    """Содержит ли каждый текст своё ключевое слово (без учёта регистра); пустое слово — нет."""
    kw = keywords.fillna("").astype(str).str.strip().str.lower().to_numpy(dtype=str)
    low = texts.str.lower().to_numpy(dtype=str)
    found = (np.char.find(low, kw) >= 0) & (np.char.str_len(kw) > 0)
    return pd.Series(found, index=texts.index)


def grade_emails(
    emails: pd.DataFrame,
    *,
    min_words: int = MIN_WORDS,
    max_words: int = MAX_WORDS,
    max_sentence_words: float = MAX_SENTENCE_WORDS,
    cta_markers: Sequence[str] = CTA_MARKERS,
) -> pd.DataFrame:
    """Рубрика для таблицы писем сразу: столбцы ``words``, ``sentences``, ``avg_sentence``,
    ``cta_count`` и пять критериев (bool), плюс ``score`` — число выполненных критериев.

    ``emails`` — таблица со столбцами ``text``, ``company``, ``role``, ``trigger``
    (индекс сохраняется). Считается методами ``.str`` по всей таблице.
    """
    require_columns(emails, ["text", "company", "role", "trigger"], "grade_emails")
    if emails.empty:
        raise MetricError("grade_emails: таблица писем пуста.")
    text = emails["text"]
    if not text.map(lambda v: isinstance(v, str) and bool(v.strip())).all():
        raise MetricError("grade_emails: в столбце text есть пустые или нетекстовые значения.")
    n_words = text.str.count(_WORD)
    pieces = text.str.split(_SENTENCE_END, regex=True).explode()
    n_sentences = pieces[pieces.str.contains(_WORD, regex=True)].groupby(level=0).size().reindex(text.index, fill_value=0)
    lower = text.str.lower()
    cta = sum(lower.str.count(re.escape(m.lower())) for m in cta_markers)
    avg = n_words / n_sentences.where(n_sentences > 0)
    out = pd.DataFrame({
        "words": n_words,
        "sentences": n_sentences,
        "avg_sentence": avg,
        "cta_count": cta,
        "length": n_words.between(min_words, max_words),
        "personal": _contains(text, emails["company"]) & (_contains(text, emails["role"]) | _contains(text, emails["trigger"])),
        "one_cta": cta.eq(1),
        "question": text.str.contains("?", regex=False),
        "readable": avg.le(max_sentence_words).fillna(False),
    }, index=emails.index)
    out["score"] = out[list(CRITERIA)].sum(axis=1).astype(int)
    return out


# ---------------------------------------------------------------------------
# Холодные звонки
# ---------------------------------------------------------------------------


def _period_mask(dates: pd.Series, start, end) -> pd.Series:
    if start is None and end is None:
        return pd.Series(True, index=dates.index)
    lo = dates.min() if start is None else start
    hi = dates.max() if end is None else end
    return in_period(dates, lo, hi)


def _cold_calls(activities: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    require_columns(activities, ["type", "call_opener", "outcome", "date"], "activities")
    calls = activities[activities["type"].eq("call") & activities["call_opener"].notna()]
    calls = calls[_period_mask(calls["date"], start, end)]
    if calls.empty:
        raise MetricError("activities: за период нет холодных звонков с вариантом начала (call_opener).")
    return calls


def opener_table(activities: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """Итоги холодных звонков по вариантам начала (``call_opener``).

    Столбцы: ``dials`` (наборы номера), ``connected`` (состоявшиеся разговоры:
    разговор, отказ или встреча), ``meetings`` (назначенные встречи),
    ``connect_rate`` = connected / dials, ``meeting_rate`` = meetings / connected
    (на разговор — правильная мера для начала звонка), ``meeting_per_dial`` =
    meetings / dials. Период — по дате звонка, включительно.
    """
    calls = _cold_calls(activities, start, end)
    flags = pd.DataFrame({
        "call_opener": calls["call_opener"],
        "dials": 1,
        "connected": calls["outcome"].isin(CONNECTED_OUTCOMES).astype(int),
        "meetings": calls["outcome"].eq("meeting_booked").astype(int),
    })
    table = flags.groupby("call_opener").sum()
    table["connect_rate"] = table["connected"] / table["dials"]
    table["meeting_rate"] = table["meetings"] / table["connected"].where(table["connected"] > 0)
    table["meeting_per_dial"] = table["meetings"] / table["dials"]
    return table


def opener_trials(activities: pd.DataFrame, per: str = "connected", start=None, end=None) -> pd.DataFrame:
    """Таблица «испытаний» для тестов ``salesbook.toolkit.experiments``: ``sent``, ``successes``, ``rate``.

    ``per="connected"`` — испытание = состоявшийся разговор (правильно для сравнения
    начал звонка); ``per="lead"`` — один исход на лида: его первый состоявшийся
    разговор (разговоры одного лида не независимы); ``per="dial"`` — набор номера (так делать не надо: в знаменатель
    попадают звонки, где начало не прозвучало).
    """
    if per not in ("connected", "dial", "lead"):
        raise MetricError(f"opener_trials: per — 'connected', 'dial' или 'lead', получено {per!r}.")
    if per == "lead":
        first = first_conversations(activities, start, end)
        out = first.groupby("call_opener").agg(sent=("meeting", "size"), successes=("meeting", "sum"))
        out["rate"] = out["successes"] / out["sent"]
        out.index.name = "variant"
        return out
    table = opener_table(activities, start, end)
    sent = table["connected"] if per == "connected" else table["dials"]
    out = pd.DataFrame({"sent": sent, "successes": table["meetings"]})
    out["rate"] = out["successes"] / out["sent"]
    out.index.name = "variant"
    return out


def first_conversations(activities: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """Первый состоявшийся холодный разговор каждого лида: ``lead_id``, ``call_opener``, ``meeting`` (0/1)."""
    require_columns(activities, ["lead_id"], "activities")
    calls = _cold_calls(activities, start, end)
    talks = calls[calls["outcome"].isin(CONNECTED_OUTCOMES)].sort_values(["date"], kind="stable")
    first = talks.drop_duplicates("lead_id", keep="first")
    return pd.DataFrame({"lead_id": first["lead_id"].to_numpy(), "call_opener": first["call_opener"].to_numpy(),
                         "meeting": first["outcome"].eq("meeting_booked").astype(int).to_numpy()})


def opener_cluster_tests(activities: pd.DataFrame, control: str = "permission", start=None, end=None) -> pd.DataFrame:
    """Сравнение начал звонка с контролем с поправкой на то, что разговоры одного лида связаны.

    Логистическая регрессия «встреча ~ вариант начала» по всем состоявшимся
    разговорам со стандартными ошибками, устойчивыми к кластеризации по лиду
    (``cov_type="cluster"``, statsmodels). Строки — пары ``"<вариант> vs <контроль>"``;
    столбцы: ``p_value`` (наивная логит-модель, каждый разговор независим),
    ``p_cluster`` (кластеры — лиды), ``p_holm_cluster`` (поправка Холма к
    ``p_cluster``), ``talks_per_lead`` — разговоров на лида (чем ближе к 1, тем
    меньше кластеризация меняет ответ).
    """
    import statsmodels.api as sm

    require_columns(activities, ["lead_id"], "activities")
    calls = _cold_calls(activities, start, end)
    talks = calls[calls["outcome"].isin(CONNECTED_OUTCOMES)]
    variants = sorted(talks["call_opener"].unique())
    if control not in variants:
        raise MetricError(f"opener_cluster_tests: варианта {control!r} нет среди {variants}.")
    others = [v for v in variants if v != control]
    X = pd.DataFrame({v: talks["call_opener"].eq(v).astype(float) for v in others})
    X = sm.add_constant(X, has_constant="add")
    y = talks["outcome"].eq("meeting_booked").astype(float)
    model = sm.GLM(y, X, family=sm.families.Binomial())
    naive = model.fit()
    groups = pd.factorize(talks["lead_id"])[0]
    clustered = model.fit(cov_type="cluster", cov_kwds={"groups": groups})
    from salesbook.toolkit.experiments import adjust_pvalues

    out = pd.DataFrame({"p_value": naive.pvalues[others].to_numpy(), "p_cluster": clustered.pvalues[others].to_numpy()},
                       index=[f"{v} vs {control}" for v in others])
    out["p_holm_cluster"] = adjust_pvalues(out["p_cluster"].to_numpy(), "holm")
    out["talks_per_lead"] = len(talks) / talks["lead_id"].nunique()
    out.index.name = "pair"
    return out


def shrunk_rates(trials: pd.DataFrame) -> pd.Series:
    r"""Доли успехов вариантов, «стянутые» к общей доле (эмпирический Байес, нормальное приближение).

    Разброс настоящих долей между вариантами $\tau^2$ оценивается методом
    моментов: дисперсия наблюдаемых долей минус средняя дисперсия их ошибки
    (не меньше нуля). Каждая доля сдвигается к общей на долю
    $B = \sigma_i^2 / (\sigma_i^2 + \tau^2)$. Так лучший вариант теряет часть
    случайного везения («проклятие победителя»): оценка для денег становится
    осторожнее. ``trials`` — столбцы ``sent`` и ``successes``.
    """
    require_columns(trials, ["sent", "successes"], "trials")
    sent = trials["sent"].astype(float)
    rate = trials["successes"] / sent
    pooled = trials["successes"].sum() / sent.sum()
    noise = pooled * (1 - pooled) / sent
    tau2 = max(0.0, float(rate.var(ddof=1)) - float(noise.mean())) if len(trials) > 1 else 0.0
    weight = noise / (noise + tau2) if tau2 > 0 else pd.Series(1.0, index=trials.index)
    return pooled + (1 - weight) * (rate - pooled)


# ---------------------------------------------------------------------------
# Цепочки касаний
# ---------------------------------------------------------------------------


def touch_curve(activities: pd.DataFrame, leads: pd.DataFrame | None = None, channel=None, start=None, end=None) -> pd.DataFrame:
    """Отклик и встречи по номеру касания в цепочках по лидам.

    Строка — номер касания ``k``. ``leads`` — сколько лидов дошли до касания ``k``
    (знаменатель: только они, а не все, кто начал цепочку); ``replies`` — откликов
    на касании ``k`` (разговор, отказ, встреча, ответ на письмо или в мессенджере);
    ``reply_rate`` = replies / leads; ``meetings`` и ``meeting_rate`` — то же для
    назначенных встреч. ``channel`` (код или список кодов) отбирает лиды по каналу
    — нужна таблица ``leads``. Период — по дате касания, включительно.
    """
    require_columns(activities, ["lead_id", "touch_number", "type", "outcome", "date"], "activities")
    touches = activities[activities["touch_number"].notna() & activities["type"].isin(TOUCH_TYPES)]
    if channel is not None:
        if leads is None:
            raise MetricError("touch_curve: чтобы отобрать лиды по каналу, передайте таблицу leads.")
        require_columns(leads, ["lead_id", "channel"], "leads")
        wanted = [channel] if isinstance(channel, str) else list(channel)
        ids = leads.loc[leads["channel"].isin(wanted), "lead_id"]
        touches = touches[touches["lead_id"].isin(ids)]
    touches = touches[_period_mask(touches["date"], start, end)]
    if touches.empty:
        raise MetricError("touch_curve: нет касаний по лидам для этих условий.")
    frame = pd.DataFrame({
        "touch_number": touches["touch_number"].astype("int64"),
        "lead_id": touches["lead_id"],
        "replies": touches["outcome"].isin(RESPONSE_OUTCOMES).astype(int),
        "meetings": touches["outcome"].eq("meeting_booked").astype(int),
    })
    table = frame.groupby("touch_number").agg(leads=("lead_id", "nunique"), replies=("replies", "sum"), meetings=("meetings", "sum"))
    table["reply_rate"] = table["replies"] / table["leads"]
    table["meeting_rate"] = table["meetings"] / table["leads"]
    return table[["leads", "replies", "reply_rate", "meetings", "meeting_rate"]]


def meeting_value(activities: pd.DataFrame, leads: pd.DataFrame, opportunities: pd.DataFrame, gross_margin: float,
                  channel=None) -> float:
    """Ожидаемая валовая прибыль первого года от одной назначенной встречи, ₽.

    Встречи — касания с исходом ``meeting_booked`` в цепочках по лидам (по одной на
    лид). Ценность = (сделок на встречу) × (доля выигранных среди **закрытых** сделок)
    × (средний ACV выигранной сделки) × валовая маржа. Только первый год контракта:
    это осторожная оценка, продления и расширения в неё не входят.
    """
    require_columns(activities, ["lead_id", "touch_number", "outcome"], "activities")
    require_columns(leads, ["lead_id", "channel"], "leads")
    require_columns(opportunities, ["lead_id", "outcome", "amount_rub"], "opportunities")
    gm = float(gross_margin)
    if not 0 < gm <= 1:
        raise MetricError(f"meeting_value: валовая маржа — доля от 0 до 1 (0,78, а не 78), получено {gross_margin!r}.")
    booked = activities.loc[activities["touch_number"].notna() & activities["outcome"].eq("meeting_booked"), "lead_id"]
    ids = pd.Index(booked.unique())
    if channel is not None:
        wanted = [channel] if isinstance(channel, str) else list(channel)
        ids = ids.intersection(leads.loc[leads["channel"].isin(wanted), "lead_id"])
    if len(ids) == 0:
        raise MetricError("meeting_value: нет ни одной назначенной встречи для этих условий.")
    deals = opportunities[opportunities["lead_id"].isin(ids)]
    closed = deals[deals["outcome"].isin(["won", "lost"])]
    won = closed[closed["outcome"].eq("won")]
    if closed.empty or won.empty:
        raise MetricError("meeting_value: по этим встречам нет выигранных сделок — ценность не оценить.")
    return float(len(deals) / len(ids) * len(won) / len(closed) * won["amount_rub"].mean() * gm)


def loaded_monthly_salary(reps: pd.DataFrame, roles: Iterable[str], payroll_tax: float = PAYROLL_TAX_RATE) -> float:
    """Средний оклад сотрудников ролей ``roles`` со страховыми взносами, ₽ в месяц."""
    require_columns(reps, ["role", "base_salary_rub"], "reps")
    roles = [roles] if isinstance(roles, str) else list(roles)
    people = reps[reps["role"].isin(roles)]
    if people.empty:
        raise MetricError(f"loaded_monthly_salary: в таблице нет сотрудников с ролями {', '.join(roles)}.")
    tax = share(payroll_tax, "loaded_monthly_salary: ставка взносов", upper_open=True)
    return float(people["base_salary_rub"].mean() * (1 + tax))


def time_cost(monthly_cost, minutes, hours_per_month: float = HOURS_PER_MONTH):
    """Стоимость ``minutes`` минут сотрудника с месячными затратами ``monthly_cost``, ₽."""
    monthly = np.asarray(monthly_cost, dtype=float)
    mins = np.asarray(minutes, dtype=float)
    if np.any(monthly < 0) or np.any(mins < 0):
        raise MetricError("time_cost: затраты и минуты не могут быть отрицательными.")
    if float(hours_per_month) <= 0:
        raise MetricError("time_cost: рабочих часов в месяц должно быть больше нуля.")
    cost = monthly / (float(hours_per_month) * 60) * mins
    return float(cost) if np.ndim(cost) == 0 else cost


def cadence_cut(curve: pd.DataFrame, keep: int, value_per_meeting: float, cost_per_touch: float, months: float = 1.0) -> pd.Series:
    """Что даст сокращение цепочки до ``keep`` касаний (за период ``curve``, делённый на ``months``).

    Возвращает: ``lost_meetings`` — встречи на касаниях после ``keep``;
    ``saved_touches`` — касания, которые не придётся делать; ``lost_value`` и
    ``saved_cost`` в рублях; ``net_rub`` = saved_cost − lost_value (меньше нуля —
    сокращать невыгодно). ``curve`` — результат ``touch_curve``.
    """
    require_columns(curve, ["leads", "meetings"], "cadence_cut")
    if int(keep) < 1:
        raise MetricError("cadence_cut: в цепочке должно остаться хотя бы одно касание.")
    if float(months) <= 0:
        raise MetricError("cadence_cut: число месяцев должно быть больше нуля.")
    cut = curve[curve.index > int(keep)]
    lost_meetings = float(cut["meetings"].sum()) / float(months)
    saved_touches = float(cut["leads"].sum()) / float(months)
    lost_value = lost_meetings * float(value_per_meeting)
    saved_cost = saved_touches * float(cost_per_touch)
    return pd.Series({"lost_meetings": lost_meetings, "saved_touches": saved_touches,
                      "lost_value": lost_value, "saved_cost": saved_cost, "net_rub": saved_cost - lost_value})


# ---------------------------------------------------------------------------
# Демо и пилоты
# ---------------------------------------------------------------------------


def post_demo_funnel(opportunities: pd.DataFrame, stages: pd.DataFrame, by: str | None = "segment") -> pd.DataFrame:
    """Что происходит с **закрытыми** сделками после демо.

    ``demo_deals`` — закрытые сделки, дошедшие до демо; ``to_proposal``,
    ``to_negotiation``, ``won`` — доли из них, дошедшие до предложения, до
    переговоров и выигранные. Открытые сделки не учитываются: их исход неизвестен.
    """
    require_columns(opportunities, ["opportunity_id", "outcome"], "opportunities")
    reached = meddic.stage_reached(stages).map({s: i for i, s in enumerate(STAGE_ORDER)})
    closed = opportunities[opportunities["outcome"].isin(["won", "lost"])]
    rank = closed["opportunity_id"].map(reached)
    demo = closed[rank >= 1].assign(_rank=rank[rank >= 1])
    if demo.empty:
        raise MetricError("post_demo_funnel: нет закрытых сделок, дошедших до демо.")
    flags = pd.DataFrame({
        "demo_deals": 1,
        "to_proposal": demo["_rank"].ge(2).astype(float),
        "to_negotiation": demo["_rank"].ge(3).astype(float),
        "won": demo["outcome"].eq("won").astype(float),
    }, index=demo.index)
    if by is None:
        out = flags.agg({"demo_deals": "sum", "to_proposal": "mean", "to_negotiation": "mean", "won": "mean"}).to_frame().T
        out.index = ["all"]
        return out
    require_columns(opportunities, [by], "opportunities")
    return flags.groupby(demo[by]).agg({"demo_deals": "sum", "to_proposal": "mean", "to_negotiation": "mean", "won": "mean"})


#: Шаги «бумажного» процесса, без которых B2B-сделка не закрывается, хотя клиент уже «за».
PAPER_STEPS = {
    "security": "проверка службой ИБ (анкета безопасности, 152-ФЗ)",
    "procurement": "закупка: заявка, бюджет, выбор способа закупки",
    "legal": "согласование договора юристами",
    "signature": "подписание договора",
}

#: Правила проверки плана совместных действий (MAP): ключ → правило словами.
MAP_RULES = {
    "owners": "у каждого шага есть ответственный (имя, не пустая строка)",
    "dates": "у каждого шага есть дата",
    "paper": "в плане есть все шаги бумажного процесса: " + ", ".join(PAPER_STEPS.values()),
    "on_time": "последняя дата плана не позже целевой даты закрытия сделки",
}

#: Короткие названия правил MAP для таблиц.
MAP_RULE_NAMES = {"owners": "Ответственные", "dates": "Даты", "paper": "Бумажный процесс", "on_time": "Успеваем к дате"}


def map_checks(plan: pd.DataFrame, close_date) -> dict:
    """Проверка плана совместных действий (mutual action plan, MAP) по четырём правилам ``MAP_RULES``.

    ``plan`` — таблица шагов со столбцами ``step`` (что делаем), ``kind`` (тип шага;
    шаги бумажного процесса — ключи ``PAPER_STEPS``), ``owner`` (ответственный),
    ``due`` (дата); ``close_date`` — целевая дата закрытия сделки. Возвращает
    словарь «правило → True/False». Пустой ответственный — это и пропуск, и
    строка из одних пробелов; даты сравниваются включительно.
    """
    require_columns(plan, ["step", "kind", "owner", "due"], "plan")
    if plan.empty:
        raise MetricError("map_checks: в плане нет ни одного шага.")
    owner = plan["owner"].astype("string").str.strip()
    due = pd.to_datetime(plan["due"], errors="coerce")
    close = pd.Timestamp(close_date)
    return {
        "owners": bool(owner.fillna("").ne("").all()),
        "dates": bool(due.notna().all()),
        "paper": set(PAPER_STEPS) <= set(plan["kind"].dropna()),
        "on_time": bool(due.notna().any() and due.max() <= close),
    }


def _shares(**values) -> dict:
    return {name: share(value, name) for name, value in values.items()}


def poc_value(acv, p_base, uplift, gross_margin, se_cost, discount=0.0, other_cost=0.0):
    """Ожидаемая ценность пилота (PoC) для одной сделки, ₽ (первый год контракта).

    $$EV = \\Delta p \\cdot ACV \\cdot GM - C_{SE} - C_{other} - (p_0 + \\Delta p) \\cdot ACV \\cdot d,$$

    где ``p_base`` ($p_0$) — вероятность выигрыша без пилота, ``uplift`` ($\\Delta p$)
    — прирост вероятности от пилота (в долях), ``gross_margin`` — валовая маржа,
    ``se_cost`` — стоимость времени пресейла, ``discount`` ($d$) — скидка, которую
    клиент получает за пилот при покупке (доля ACV первого года), ``other_cost`` —
    прочие затраты (стенд, выезды). Скидка уменьшает выручку при неизменной
    себестоимости, поэтому на маржу её не умножают. Работает и с массивами.
    """
    s = _shares(p_base=p_base, uplift=uplift, gross_margin=gross_margin, discount=discount)
    if np.any(s["p_base"] + s["uplift"] > 1):
        raise MetricError("poc_value: вероятность с пилотом (p_base + uplift) больше 1.")
    acv_arr = np.asarray(acv, dtype=float)
    costs = np.asarray(se_cost, dtype=float) + np.asarray(other_cost, dtype=float)
    if np.any(acv_arr < 0) or np.any(costs < 0):
        raise MetricError("poc_value: ACV и затраты не могут быть отрицательными.")
    value = (s["uplift"] * acv_arr * s["gross_margin"] - costs
             - (s["p_base"] + s["uplift"]) * acv_arr * s["discount"])
    return float(value) if np.ndim(value) == 0 else value


def poc_break_even_uplift(acv, p_base, gross_margin, se_cost, discount=0.0, other_cost=0.0):
    """Прирост вероятности выигрыша, при котором пилот выходит в ноль (``poc_value`` = 0).

    $$\\Delta p^* = \\frac{C_{SE} + C_{other} + p_0 \\cdot ACV \\cdot d}{ACV \\cdot (GM - d)}.$$

    Если скидка не меньше маржи, пилот не окупается ни при каком приросте — ``inf``.
    """
    s = _shares(p_base=p_base, gross_margin=gross_margin, discount=discount)
    acv_arr = np.asarray(acv, dtype=float)
    if np.any(acv_arr <= 0):
        raise MetricError("poc_break_even_uplift: ACV должен быть больше нуля.")
    costs = np.asarray(se_cost, dtype=float) + np.asarray(other_cost, dtype=float)
    margin_left = s["gross_margin"] - s["discount"]
    with np.errstate(divide="ignore"):
        value = np.where(margin_left > 0,
                         (costs + s["p_base"] * acv_arr * s["discount"]) / (acv_arr * np.where(margin_left > 0, margin_left, 1.0)),
                         np.inf)
    return float(value) if np.ndim(value) == 0 else value
