"""Оценщик текста письма и его проверка на исходах (раздел 7.4.1).

Ядро того, что делают ассистенты писем вроде Lavender: по тексту письма до отправки
посчитать признаки, которые связаны с ответом, и свести их в балл. Здесь:

* ``syllables``, ``reading_ease`` — индекс удобочитаемости Флеша с коэффициентами
  для русского языка (адаптация И. В. Оборневой, 2006) или исходными английскими;
* ``spam_hits`` — «спам-слова» рекламных рассылок;
* ``email_texts`` — текст первого письма из блоков ``outreach_emails`` и данных лида и компании;
* ``score_emails`` — рубрика раздела 3.3 (``sales_scripts.grade_emails``, пять проверок)
  плюс две новые: простые слова (индекс удобочитаемости не ниже порога) и нет спам-слов;
* ``band_table``, ``component_table``, ``adjusted_lifts``, ``score_auc``, ``auc_interval`` — проверка
  оценщика на исходах: доля ответов по баллу с интервалами Уилсона, вклад каждой проверки (по одной и
  с поправкой на шаблон и остальные проверки), AUC балла с бутстреп-интервалом;
* ``ab_test_months`` — сколько писем и месяцев нужно A/B-тесту, чтобы заметить прирост ответов;
* ``assistant_payoff`` — окупается ли лицензия ассистента в рублях.

Функции проверяют вход и отвечают :class:`salesbook.toolkit.validation.MetricError` на русском.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from statsmodels.stats.proportion import proportion_confint

from salesbook.content import email_fragments as F
from salesbook.toolkit import sales_scripts
from salesbook.toolkit.validation import MetricError, require_columns

#: Гласные русского алфавита: в русском слове слогов столько же, сколько гласных.
RU_VOWELS = "аеёиоуыэюя"

#: Коэффициенты индекса Флеша (a, b, c): FRE = a − b · (слов в предложении) − c · (слогов в слове).
FLESCH_RU = (206.835, 1.3, 60.1)     # адаптация для русского языка (Оборнева, 2006)
FLESCH_EN = (206.835, 1.015, 84.6)   # исходная формула Флеша (1948) для английского

#: Порог «простых слов»: индекс удобочитаемости по русской формуле не ниже этого значения.
#: Выбор курса, а не норма: примерно граница между «легко» и «трудно» на шкале 0–100.
EASY_THRESHOLD = 50.0

#: Спам-слова рекламных рассылок (основы, регистр не важен).
SPAM_WORDS = ("бесплатн", "скидк", "гарантир", "уникальн", "только до", "акци")

#: Проверки оценщика: пять из рубрики 3.3 и две новые.
COMPONENTS = (*sales_scripts.CRITERIA, "easy", "no_spam")
#: Проверка рубрики ``readable`` — средняя длина предложения; здесь её называем по сути, чтобы не путать
#: с индексом удобочитаемости («Простые слова»).
COMPONENT_NAMES = {**sales_scripts.CRITERIA_NAMES, "readable": "Короткие предложения",
                   "easy": "Простые слова", "no_spam": "Без спам-слов"}

#: Русские названия шаблонов писем (``outreach_emails.template``).
TEMPLATE_NAMES = {"cold_intro": "Холодное знакомство", "pain_question": "Вопрос о боли",
                  "case_study": "Кейс клиента", "roi_calc": "Расчёт окупаемости",
                  "welcome_followup": "Ответ на заявку", "breakup": "«Последнее письмо»"}

_WORD = sales_scripts._WORD


def syllables(word: str) -> int:
    """Число слогов русского слова — число гласных в нём («сервис» — 2, «заявка» — 3)."""
    if not isinstance(word, str):
        raise MetricError(f"syllables: нужно слово, получено {type(word).__name__}.")
    return sum(ch in RU_VOWELS for ch in word.lower())


def reading_ease(text: str, coefficients: tuple[float, float, float] = FLESCH_RU) -> float:
    """Индекс удобочитаемости Флеша: a − b · ASL − c · ASW.

    ASL — среднее число слов в предложении, ASW — среднее число слогов в слове.
    По умолчанию — коэффициенты для русского языка ``FLESCH_RU``; чем больше индекс,
    тем легче текст (шкала рассчитана на 0–100, но может выйти за её края).
    """
    n_words = sales_scripts.words(text)
    n_sent = sales_scripts.sentences(text)
    if not n_words or not n_sent:
        raise MetricError("reading_ease: в тексте нет ни одного слова — индекс не посчитать.")
    a, b, c = (float(v) for v in coefficients)
    asl = len(n_words) / len(n_sent)
    asw = sum(syllables(w) for w in n_words) / len(n_words)
    return a - b * asl - c * asw


def _reading_ease_series(text: pd.Series, coefficients=FLESCH_RU) -> pd.Series:
    words = text.str.count(_WORD)
    pieces = text.str.split(sales_scripts._SENTENCE_END, regex=True).explode()
    sent = pieces[pieces.str.contains(_WORD, regex=True)].groupby(level=0).size().reindex(text.index, fill_value=0)
    syl = text.str.lower().str.count(f"[{RU_VOWELS}]")
    a, b, c = coefficients
    return (a - b * words / sent.where(sent > 0) - c * syl / words.where(words > 0)).astype(float)


def spam_hits(text: str) -> int:
    """Сколько раз в тексте встречаются основы ``SPAM_WORDS`` (регистр не важен)."""
    if not isinstance(text, str):
        raise MetricError(f"spam_hits: нужен текст, получено {type(text).__name__}.")
    low = text.lower()
    return sum(low.count(w) for w in SPAM_WORDS)


def _short_name(company_name: pd.Series) -> pd.Series:
    """«ООО „Ладога Доставка Регион“» → «Ладога Доставка Регион»."""
    inner = company_name.str.extract(r"„(.+)“", expand=False)
    return inner.fillna(company_name)


def email_texts(emails: pd.DataFrame, leads: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Тексты первых писем из ``outreach_emails``: столбцы для ``grade_emails`` и исходы.

    Возвращает таблицу с индексом ``email_id`` и столбцами ``text`` (текст, как его увидел
    получатель, без подписи), ``company`` (краткое название компании), ``role`` и ``trigger``
    (основы слов для проверки персонализации), ``template``, ``rep_id``, ``sent_date``,
    ``opened``, ``replied``, ``meeting_booked``.
    """
    require_columns(emails, ["email_id", "lead_id", "blocks", "trigger", "template"], "email_texts")
    require_columns(leads, ["lead_id", "account_id", "industry", "job_title_level"], "leads")
    require_columns(accounts, ["account_id", "company_name"], "accounts")
    if emails.empty:
        raise MetricError("email_texts: таблица писем пуста.")
    lead = leads.set_index("lead_id")[["account_id", "industry", "job_title_level"]]
    missing = ~emails["lead_id"].isin(lead.index)
    if missing.any():
        raise MetricError(f"email_texts: лиды {', '.join(emails.loc[missing, 'lead_id'].astype(str).head(3))} "
                          "не найдены в таблице leads.")
    info = lead.loc[emails["lead_id"]].reset_index(drop=True)
    names = accounts.set_index("account_id")["company_name"]
    company = _short_name(names.reindex(info["account_id"]).fillna("").reset_index(drop=True))
    role_phrase = info["job_title_level"].map(lambda v: F.ROLES.get(v, ("коллеге", ""))[0])
    role_kw = info["job_title_level"].map(lambda v: F.ROLES.get(v, ("", ""))[1])
    industry = info["industry"].map(lambda v: F.INDUSTRIES.get(v, "вашей отрасли"))
    trig = emails["trigger"].reset_index(drop=True)
    trig_phrase = trig.map(lambda v: F.TRIGGERS[v][0] if isinstance(v, str) and v in F.TRIGGERS else "")
    trig_kw = trig.map(lambda v: F.TRIGGERS[v][1] if isinstance(v, str) and v in F.TRIGGERS else "")
    texts = []
    for codes, comp, role, ind, tp in zip(emails["blocks"], company, role_phrase, industry, trig_phrase):
        parts = [F.BLOCKS[c] for c in str(codes).split()]
        texts.append(" ".join(parts).format(company=comp, role=role, industry=ind, trigger=tp))
    uses_role = emails["blocks"].str.contains(r"\bo2\b", regex=True).reset_index(drop=True)
    out = pd.DataFrame({
        "email_id": emails["email_id"].to_numpy(),
        "text": texts,
        "company": company.to_numpy(),
        "role": role_kw.where(uses_role, "").to_numpy(),
        "trigger": trig_kw.to_numpy(),
    })
    for col in ("template", "rep_id", "sent_date", "opened", "replied", "meeting_booked"):
        if col in emails.columns:
            out[col] = emails[col].to_numpy()
    return out.set_index("email_id")


def score_emails(emails: pd.DataFrame, *, easy_threshold: float = EASY_THRESHOLD) -> pd.DataFrame:
    """Оценщик письма: рубрика 3.3 и две новые проверки, балл 0–7.

    ``emails`` — таблица со столбцами ``text``, ``company``, ``role``, ``trigger``
    (как у ``sales_scripts.grade_emails``). К столбцам рубрики добавляются
    ``reading_ease`` (индекс по русской формуле), ``spam_hits``, проверки ``easy``
    (индекс не ниже ``easy_threshold``) и ``no_spam`` (ни одного спам-слова), а ``score`` —
    число выполненных проверок из ``COMPONENTS``.
    """
    graded = sales_scripts.grade_emails(emails)
    text = emails["text"]
    graded["reading_ease"] = _reading_ease_series(text)
    low = text.str.lower()
    graded["spam_hits"] = sum(low.str.count(re.escape(w)) for w in SPAM_WORDS)
    graded["easy"] = graded["reading_ease"].ge(float(easy_threshold)).fillna(False)
    graded["no_spam"] = graded["spam_hits"].eq(0)
    graded["score"] = graded[list(COMPONENTS)].sum(axis=1).astype(int)
    return graded


def _outcome(scored: pd.DataFrame, outcome: str, where: str) -> pd.Series:
    require_columns(scored, [outcome], where)
    y = scored[outcome]
    if not pd.api.types.is_bool_dtype(y) and not set(pd.unique(y.dropna())) <= {0, 1}:
        raise MetricError(f"{where}: столбец {outcome} должен быть логическим (True/False) или 0/1.")
    if y.isna().any():
        raise MetricError(f"{where}: в столбце {outcome} есть пропуски.")
    return y.astype(int)


def band_table(scored: pd.DataFrame, outcome: str = "replied", by: str = "score", alpha: float = 0.05) -> pd.DataFrame:
    """Доля исхода по значениям ``by`` (баллу) с интервалом Уилсона.

    Столбцы: ``emails`` — писем, ``successes`` — писем с исходом, ``rate`` — доля,
    ``ci_low``, ``ci_high`` — границы (1 − alpha)-интервала Уилсона.
    """
    y = _outcome(scored, outcome, "band_table")
    require_columns(scored, [by], "band_table")
    g = pd.DataFrame({"band": scored[by], "y": y}).groupby("band")["y"].agg(["size", "sum"])
    g.columns = ["emails", "successes"]
    low, high = proportion_confint(g["successes"], g["emails"], alpha=alpha, method="wilson")
    g["rate"] = g["successes"] / g["emails"]
    g["ci_low"], g["ci_high"] = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    g.index.name = by
    return g


def score_auc(scored: pd.DataFrame, outcome: str = "replied", by: str = "score") -> float:
    """AUC балла ``by`` как предсказателя исхода: вероятность, что письмо с ответом
    получило балл выше письма без ответа (ничьи — пополам). 0,5 — балл не различает."""
    y = _outcome(scored, outcome, "score_auc")
    require_columns(scored, [by], "score_auc")
    if y.nunique() < 2:
        raise MetricError("score_auc: нужны письма и с исходом, и без него.")
    return float(roc_auc_score(y, scored[by].astype(float)))


def component_table(scored: pd.DataFrame, outcome: str = "replied", components=COMPONENTS,
                    alpha: float = 0.05) -> pd.DataFrame:
    """Вклад каждой проверки: доля исхода у писем, прошедших и не прошедших проверку.

    Столбцы: ``share_passed`` — доля писем, прошедших проверку; ``rate_passed``,
    ``rate_failed`` — доля исхода у прошедших и не прошедших; ``lift`` —
    rate_passed / rate_failed (отношение рисков); ``lift_low``, ``lift_high`` — его
    (1 − alpha)-интервал (логарифмический, как в ``statsmodels`` ``Table2x2.riskratio_confint``);
    ``p_value`` — двусторонний z-тест двух долей. Каждая проверка — по отдельности, без
    поправки на шаблон и другие проверки (её даёт ``adjusted_lifts``).
    """
    from statsmodels.stats.contingency_tables import Table2x2
    from statsmodels.stats.proportion import proportions_ztest

    y = _outcome(scored, outcome, "component_table")
    require_columns(scored, list(components), "component_table")
    rows = {}
    for c in components:
        passed = scored[c].astype(bool)
        n1, n0 = int(passed.sum()), int((~passed).sum())
        s1, s0 = int(y[passed].sum()), int(y[~passed].sum())
        r1 = s1 / n1 if n1 else np.nan
        r0 = s0 / n0 if n0 else np.nan
        p = float(proportions_ztest([s1, s0], [n1, n0])[1]) if n1 and n0 and (s1 + s0) else np.nan
        low = high = np.nan
        if s1 and s0 and n1 - s1 and n0 - s0:
            low, high = Table2x2(np.array([[s1, n1 - s1], [s0, n0 - s0]], dtype=float)).riskratio_confint(alpha)
        rows[c] = {"share_passed": n1 / len(passed), "rate_passed": r1, "rate_failed": r0,
                   "lift": r1 / r0 if r0 else np.nan, "lift_low": float(low), "lift_high": float(high),
                   "p_value": p}
    return pd.DataFrame(rows).T


def adjusted_lifts(scored: pd.DataFrame, outcome: str = "replied", components=COMPONENTS, by: str = "template",
                   alpha: float = 0.05) -> pd.DataFrame:
    """Вклад проверок с поправкой: во сколько раз чаще исход у прошедших проверку при тех же остальных
    проверках и том же шаблоне ``by``.

    Модифицированная пуассоновская регрессия (Zou, 2004): пуассоновская модель для исхода 0/1 со
    всеми проверками и шаблоном и устойчивыми (сэндвич) ошибками; экспонента коэффициента —
    отношение рисков, то же, что ``lift`` в ``component_table``. Столбцы: ``lift``, ``lift_low``,
    ``lift_high`` ((1 − alpha)-интервал), ``p_value``.
    """
    import statsmodels.api as sm

    y = _outcome(scored, outcome, "adjusted_lifts")
    require_columns(scored, [*components, by], "adjusted_lifts")
    X = scored[list(components)].astype(float)
    X = X.join(pd.get_dummies(scored[by], prefix="_by", drop_first=True, dtype=float))
    X = sm.add_constant(X, has_constant="add")
    fit = sm.GLM(y.astype(float), X, family=sm.families.Poisson()).fit(cov_type="HC0")
    ci = fit.conf_int(alpha)
    out = pd.DataFrame({"lift": np.exp(fit.params), "lift_low": np.exp(ci[0]), "lift_high": np.exp(ci[1]),
                        "p_value": fit.pvalues})
    return out.loc[list(components)]


def auc_interval(scored: pd.DataFrame, outcome: str = "replied", by: str = "score", n_boot: int = 200,
                 alpha: float = 0.05, seed: int = 0) -> tuple[float, float]:
    """Бутстреп-интервал AUC балла: ``n_boot`` выборок писем с возвращением, процентили alpha/2 и 1 − alpha/2.

    Выборки, где все письма с одним исходом, пропускаются. Если писем с исходом мало, интервал широкий —
    для этого он и нужен.
    """
    y = _outcome(scored, outcome, "auc_interval").to_numpy()
    require_columns(scored, [by], "auc_interval")
    x = scored[by].astype(float).to_numpy()
    if len(np.unique(y)) < 2:
        raise MetricError("auc_interval: нужны письма и с исходом, и без него.")
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(int(n_boot)):
        i = rng.integers(0, len(y), len(y))
        if y[i].min() != y[i].max():
            values.append(roc_auc_score(y[i], x[i]))
    low, high = np.percentile(values, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return float(low), float(high)


def ab_test_months(reply_rate: float, emails_per_month: float, relative_lift: float, power: float = 0.8,
                   alpha: float = 0.05) -> tuple[float, float]:
    """A/B-тест писем, разделённых пополам случайно по письму: писем на группу, чтобы с мощностью ``power``
    заметить относительный прирост доли ответов ``relative_lift`` (0,2 — на 20 %), и месяцев потока
    ``emails_per_month`` на обе группы. Деление по продавцам (кластерам) требует ещё больше."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    rate = float(reply_rate)
    if not 0 < rate < 1 or not 0 < rate * (1 + float(relative_lift)) < 1:
        raise MetricError(f"ab_test_months: доля ответов — от 0 до 1 (0,05, а не 5), получено {reply_rate!r}.")
    if float(emails_per_month) <= 0:
        raise MetricError("ab_test_months: писем в месяц должно быть больше нуля.")
    per_group = NormalIndPower().solve_power(proportion_effectsize(rate * (1 + float(relative_lift)), rate),
                                             power=power, alpha=alpha)
    return float(per_group), float(2 * per_group / float(emails_per_month))


def assistant_payoff(emails_per_month: float, reply_rate: float, reply_lift: float, meetings_per_reply: float,
                     meeting_value: float, seats: int, seat_price_month: float) -> pd.Series:
    """Окупается ли ассистент писем: ожидаемая валовая прибыль и стоимость лицензии за месяц, ₽.

    ``emails_per_month`` — первых писем в месяц на всю команду; ``reply_rate`` — нынешняя доля
    ответов (доля от 0 до 1); ``reply_lift`` — относительный прирост доли ответов от ассистента
    (0,2 — на 20 %); ``meetings_per_reply`` — встреч на ответ; ``meeting_value`` — ценность
    встречи, ₽ (``sales_scripts.meeting_value``); ``seats`` × ``seat_price_month`` — лицензия.
    Возвращает ``extra_replies``, ``extra_meetings``, ``value_rub``, ``cost_rub``, ``net_rub``.
    """
    for name, v in (("emails_per_month", emails_per_month), ("meeting_value", meeting_value),
                    ("seat_price_month", seat_price_month), ("meetings_per_reply", meetings_per_reply)):
        if not np.isfinite(float(v)) or float(v) < 0:
            raise MetricError(f"assistant_payoff: {name} должен быть неотрицательным числом, получено {v!r}.")
    if not 0 <= float(reply_rate) <= 1:
        raise MetricError(f"assistant_payoff: доля ответов — от 0 до 1 (0,05, а не 5), получено {reply_rate!r}.")
    if float(reply_lift) < -1:
        raise MetricError("assistant_payoff: прирост меньше −100 % невозможен.")
    if int(seats) < 0:
        raise MetricError("assistant_payoff: число мест не может быть отрицательным.")
    extra_replies = float(emails_per_month) * float(reply_rate) * float(reply_lift)
    extra_meetings = extra_replies * float(meetings_per_reply)
    value = extra_meetings * float(meeting_value)
    cost = int(seats) * float(seat_price_month)
    return pd.Series({"extra_replies": extra_replies, "extra_meetings": extra_meetings,
                      "value_rub": value, "cost_rub": cost, "net_rub": value - cost})
