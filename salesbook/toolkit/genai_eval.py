"""Оценка черновиков генеративного ИИ в продажах (раздел 8.1).

Черновики — таблица ``genai_outputs`` (письма после встречи, конспекты звонков, справки о
компании, 2025 год, выборка на разметку). Здесь:

* автоматические проверки черновика против CRM и политики компании: выдуманные факты
  (``fact_flags``), чужие персональные данные (``pii_flags``), тон не по бренду
  (``tone_flags``), обещания сверх политики компании (``promise_flags``), всё вместе — ``auto_check``;
* доли ошибок с интервалом Уилсона (``rate_ci``, ``error_rates``), размер выборки на
  разметку (``sample_size``), согласие проверяющих (``kappa`` — каппа Коэна из
  ``hiring.cohen_kappa``), полнота и точность автопроверок (``check_quality``);
* экономика сценария: цена текста вручную, с проверкой человеком и без проверки
  (``policy_costs``), доля дефектов, которую ловит проверяющий (``reviewer_catch``), и порог этой
  доли, выше которого проверка окупается (``breakeven_catch``, ``breakeven_catch_interval``); цена часа — ``crossfunc.hour_cost`` (то же число, что в 2.4 и 4.3).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from salesbook.toolkit.validation import MetricError, positive, require_columns, share

#: Политика компании (допущение курса): скидка не больше 15 %, доступность по договору — 99,5 %.
MAX_DISCOUNT_PCT = 15.0
SLA_PCT = 99.5
#: Рабочий телефон и почтовый домен компании: в подписи продавца это не утечка.
COMPANY_PHONE = "+7 495 120-45-67"
COMPANY_DOMAIN = "sfera-soft.ru"
DEFECTS = ("fact", "pii", "tone", "promise")
COMPETITOR_NAMES = {"helppro": "ХелпПро", "servicebox": "СервисБокс", "globalitsm": "ГлобалITSM",
                    "opendesk": "ОпенДеск", "etalonitsm": "ЭталонITSM"}

_AMOUNT = re.compile(r"(\d{1,3}(?:[\u00a0 ]\d{3})*)[\u00a0 ]?₽")
_DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")
_HEADCOUNT = re.compile(r"(\d+) сотрудник")
_PHONE = re.compile(r"\+7[\s\u00a0]?\(?\d{3}\)?[\s\u00a0]?\d{3}-?\d{2}-?\d{2}")
_EMAIL = re.compile(r"[\w.\-]+@([\w\-]+\.[\w.\-]+)")
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_FAMILIAR = re.compile(r"(?<![а-яё])(?:ты|тебе|тебя|твой|твоя|твои|пиши|скажи|глянь)(?![а-яё])", re.IGNORECASE)
_PRESSURE = ("только до", "срочно", "больше не будет", "иначе", "последний шанс", "решайте быстрее")
_PERCENT = re.compile(r"(\d+(?:,\d+)?)[\u00a0 ]?%")


def amounts_in(text: str) -> list[float]:
    """Суммы в рублях, упомянутые в тексте: «1 234 567 ₽» → 1234567.0."""
    return [float(re.sub(r"\D", "", m)) for m in _AMOUNT.findall(str(text))]


def dates_in(text: str) -> list[pd.Timestamp]:
    """Даты вида ДД.ММ.ГГГГ, упомянутые в тексте."""
    return [pd.Timestamp(int(y), int(m), int(d)) for d, m, y in _DATE.findall(str(text))]


def _crm(outputs: pd.DataFrame, opportunities: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    require_columns(outputs, ["output_id", "opportunity_id", "account_id", "created_date", "text"], "genai_outputs")
    require_columns(opportunities, ["opportunity_id", "amount_rub", "close_date", "competitor"], "opportunities")
    require_columns(accounts, ["account_id", "company_name", "employees"], "accounts")
    opp = opportunities.set_index("opportunity_id")[["amount_rub", "close_date", "competitor"]]
    acc = accounts.set_index("account_id")[["company_name", "employees"]]
    return outputs.join(opp, on="opportunity_id").join(acc, on="account_id")


def fact_flags(outputs: pd.DataFrame, opportunities: pd.DataFrame, accounts: pd.DataFrame,
               tolerance_rub: float = 1.0) -> pd.Series:
    """Выдуманный факт, видимый в CRM: True, если сумма, дата, конкурент или численность в тексте
    расходятся со строкой сделки и компании.

    Сумма — с ACV сделки (``amount_rub``, допуск ``tolerance_rub``); даты — с датой решения
    (``close_date``) или датой самого черновика; конкурент — названия из списка конкурентов против
    ``competitor``; численность — «N сотрудников» против ``employees``. Выдуманную функцию продукта
    такая сверка не видит: её в CRM нет.
    """
    d = _crm(outputs, opportunities, accounts)
    flags = []
    for r in d.itertuples():
        text = str(r.text)
        bad = any(abs(a - float(r.amount_rub)) > tolerance_rub for a in amounts_in(text))
        allowed = {pd.Timestamp(r.close_date), pd.Timestamp(r.created_date)}
        bad |= any(x not in allowed for x in dates_in(text))
        own = COMPETITOR_NAMES.get(r.competitor) if isinstance(r.competitor, str) else None
        bad |= any(name in text for key, name in COMPETITOR_NAMES.items() if name != own)
        bad |= any(int(n) != int(r.employees) for n in _HEADCOUNT.findall(text))
        flags.append(bad)
    return pd.Series(flags, index=outputs.index, name="fact")


def pii_flags(outputs: pd.DataFrame, accounts: pd.DataFrame, company_phone: str = COMPANY_PHONE,
              company_domain: str = COMPANY_DOMAIN) -> pd.Series:
    """Чужие персональные данные: телефон или e-mail, кроме рабочих контактов компании, или название
    другой компании-клиента из ``accounts``. Имя человека без телефона и компании так не найти."""
    require_columns(outputs, ["account_id", "text"], "genai_outputs")
    require_columns(accounts, ["account_id", "company_name"], "accounts")
    names = accounts.set_index("account_id")["company_name"]
    own_phone = re.sub(r"\D", "", company_phone)
    flags = []
    for acc, text in zip(outputs["account_id"], outputs["text"].astype(str)):
        bad = any(re.sub(r"\D", "", p) != own_phone for p in _PHONE.findall(text))
        bad |= any(dom.lower() != company_domain for dom in _EMAIL.findall(text))
        own = names.get(acc, "")
        if not bad and "„" in text:
            mentioned = set(re.findall(r"(?:ООО|АО|ПАО|ИП) „[^“]+“", text)) - {own}
            bad = bool(mentioned & set(names.to_numpy()))
        flags.append(bad)
    return pd.Series(flags, index=outputs.index, name="pii")


def tone_flags(texts: pd.Series) -> pd.Series:
    """Тон не по бренду: эмодзи, обращение на «ты», слова давления («срочно», «только до», «иначе»…)."""
    t = pd.Series(texts).astype(str)
    low = t.str.lower()
    bad = t.str.contains(_EMOJI) | t.str.contains(_FAMILIAR)
    for word in _PRESSURE:
        bad |= low.str.contains(word, regex=False)
    return bad.rename("tone")


def promise_flags(texts: pd.Series, max_discount_pct: float = MAX_DISCOUNT_PCT, sla_pct: float = SLA_PCT) -> pd.Series:
    """Обещание сверх политики компании: скидка больше ``max_discount_pct`` % или доступность выше ``sla_pct`` %."""
    out = []
    for text in pd.Series(texts).astype(str):
        bad = False
        for m in _PERCENT.finditer(text):
            value = float(m.group(1).replace(",", "."))
            before = text[max(0, m.start() - 40):m.start()].lower()
            if "скидк" in before and value > max_discount_pct:
                bad = True
            if "доступност" in before and value > sla_pct:
                bad = True
        out.append(bad)
    return pd.Series(out, index=pd.Series(texts).index, name="promise")


def auto_check(outputs: pd.DataFrame, opportunities: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Все четыре автопроверки: столбцы ``fact``, ``pii``, ``tone``, ``promise`` и ``any`` (хоть одна)."""
    flags = pd.concat([fact_flags(outputs, opportunities, accounts), pii_flags(outputs, accounts),
                       tone_flags(outputs["text"]), promise_flags(outputs["text"])], axis=1)
    flags["any"] = flags[list(DEFECTS)].any(axis=1)
    return flags


def rate_ci(successes: int, n: int, alpha: float = 0.05) -> tuple[float, float, float]:
    """Доля и её интервал Уилсона (statsmodels ``proportion_confint(method="wilson")``): (доля, нижняя, верхняя)."""
    from statsmodels.stats.proportion import proportion_confint

    n = int(positive(n, "Число текстов"))
    k = int(successes)
    if not 0 <= k <= n:
        raise MetricError("Число текстов с дефектом должно быть от 0 до числа текстов.")
    low, high = proportion_confint(k, n, alpha=alpha, method="wilson")
    return k / n, float(low), float(high)


def error_rates(labels: pd.DataFrame, by: str = "use_case", label: str = "label_final") -> pd.DataFrame:
    """Доля черновиков с дефектом (любого вида) по группам ``by`` с 95-процентным интервалом Уилсона.

    Столбцы: ``texts``, ``defects``, ``rate``, ``low``, ``high``.
    """
    require_columns(labels, [by, label], "genai_outputs", non_empty=True)
    rows = {}
    for key, g in labels.groupby(by):
        k = int((g[label] != "ok").sum())
        rate, low, high = rate_ci(k, len(g))
        rows[key] = {"texts": len(g), "defects": k, "rate": rate, "low": low, "high": high}
    return pd.DataFrame.from_dict(rows, orient="index")


def sample_size(expected_rate: float, half_width: float, alpha: float = 0.05) -> int:
    """Сколько текстов разметить, чтобы доля ошибок ``expected_rate`` была известна ± ``half_width``
    (нормальное приближение, формула Кокрена: n = z² p (1 − p) / d², с округлением вверх)."""
    from scipy.stats import norm

    p = share(expected_rate, "Ожидаемая доля ошибок")
    d = share(half_width, "Полуширина интервала", lower_open=True)
    z = norm.ppf(1 - alpha / 2)
    return int(np.ceil(z ** 2 * p * (1 - p) / d ** 2 - 1e-9))


def kappa(a, b, categories=("ok",) + DEFECTS) -> float:
    """Каппа Коэна двух проверяющих по одним и тем же текстам (``hiring.cohen_kappa``, statsmodels)."""
    from salesbook.toolkit.hiring import cohen_kappa

    return cohen_kappa(a, b, categories=tuple(categories))


def check_quality(flags: pd.Series, truth: pd.Series) -> dict[str, float]:
    """Полнота (recall: доля дефектов, которые проверка нашла) и точность (precision: доля
    срабатываний, где дефект действительно есть) автопроверки против разметки людей."""
    f = pd.Series(flags).astype(bool).to_numpy()
    t = pd.Series(truth).astype(bool).to_numpy()
    if f.shape != t.shape:
        raise MetricError("Флаги проверки и разметка должны относиться к одним и тем же текстам.")
    tp = int((f & t).sum())
    return {"recall": tp / t.sum() if t.sum() else float("nan"),
            "precision": tp / f.sum() if f.sum() else float("nan"),
            "found": tp, "defects": int(t.sum()), "flagged": int(f.sum())}


def _per_text(texts: pd.DataFrame, hour_cost: float, error_cost: dict, price_per_1k_tokens: float,
              flags: pd.Series | None, extra: tuple = ()) -> pd.DataFrame:
    """Слагаемые цены по каждому тексту: ручное письмо, API + правка, отправка без человека и цена дефекта."""
    require_columns(texts, ["label_final", "manual_minutes", "edit_minutes", "tokens", *extra], "genai_outputs",
                    non_empty=True)
    h = positive(hour_cost, "Цена часа")
    missing = [k for k in DEFECTS if k not in error_cost]
    if missing:
        raise MetricError(f"В словаре цен нет дефектов: {', '.join(missing)} (нужны все четыре: {', '.join(DEFECTS)}).")
    api = texts["tokens"] / 1000 * positive(price_per_1k_tokens, "Цена 1000 токенов", allow_zero=True)
    cost = texts["label_final"].map({**{k: float(v) for k, v in error_cost.items()}, "ok": 0.0})
    flagged = pd.Series(False, index=texts.index) if flags is None else pd.Series(flags, index=texts.index).astype(bool)
    edit = texts["edit_minutes"] / 60 * h
    return pd.DataFrame({"manual": texts["manual_minutes"] / 60 * h, "base": api + edit,
                         "auto_only": api + edit * flagged + cost * ~flagged, "cost": cost})


def defect_cost(texts: pd.DataFrame, error_cost: dict) -> float:
    """Средняя цена дефектов на текст, ₽, если до клиента дойдут все: Σ по видам (доля текстов с дефектом × цена)."""
    require_columns(texts, ["label_final"], "genai_outputs", non_empty=True)
    missing = [k for k in DEFECTS if k not in error_cost]
    if missing:
        raise MetricError(f"В словаре цен нет дефектов: {', '.join(missing)} (нужны все четыре: {', '.join(DEFECTS)}).")
    return float(texts["label_final"].map({**{k: float(v) for k, v in error_cost.items()}, "ok": 0.0}).mean())


def policy_costs(texts: pd.DataFrame, hour_cost: float, error_cost: dict, price_per_1k_tokens: float,
                 flags: pd.Series | None = None, reviewer: str = "review_a",
                 catch_rate: float | None = None) -> pd.Series:
    """Ожидаемая цена одного текста, ₽, при трёх политиках — по выборке ``texts`` одного сценария.

    * ``manual`` — продавец пишет сам: ``manual_minutes`` × цена часа (ошибки ручного текста не считаем);
    * ``review`` — черновик + проверка и правка продавцом: API + ``edit_minutes`` × цена часа +
      цена дефектов, которые проверка пропустила. Если задана ``catch_rate`` (доля дефектов, которую
      ловит продавец, от 0 до 1), пропущено в среднем (1 − ``catch_rate``) цены дефектов; иначе —
      ровно те дефекты, которые в выборке пропустил проверяющий из столбца ``reviewer``;
    * ``auto_only`` — без проверки человеком: API + правка только тех черновиков, которые отметила
      автопроверка ``flags`` + цена дефектов, которые автопроверка пропустила.

    ``error_cost`` — цена дефекта, ушедшего клиенту, по видам (fact, pii, tone, promise), ₽.
    """
    parts = _per_text(texts, hour_cost, error_cost, price_per_1k_tokens, flags,
                      extra=() if catch_rate is not None else (reviewer,))
    if catch_rate is None:
        missed = (texts["label_final"] != "ok") & (texts[reviewer] == "ok")
        review = (parts["base"] + parts["cost"] * missed).mean()
    else:
        c = share(catch_rate, "Доля пойманных дефектов")
        review = parts["base"].mean() + (1 - c) * parts["cost"].mean()
    return pd.Series({"manual": parts["manual"].mean(), "review": float(review), "auto_only": parts["auto_only"].mean()})


def reviewer_catch(texts: pd.DataFrame, reviewer: str = "review_a", alpha: float = 0.05) -> tuple[float, float, float]:
    """Доля дефектов (по итоговой разметке), которые отметил проверяющий ``reviewer``, и её интервал
    Уилсона: (доля, нижняя, верхняя). Вид дефекта не важен: важно, что текст не ушёл бы клиенту как есть."""
    require_columns(texts, ["label_final", reviewer], "genai_outputs", non_empty=True)
    defects = texts[texts["label_final"] != "ok"]
    if defects.empty:
        raise MetricError("В выборке нет текстов с дефектом: долю пойманных дефектов не из чего считать.")
    return rate_ci(int((defects[reviewer] != "ok").sum()), len(defects), alpha=alpha)


def _breakeven(parts: pd.DataFrame) -> float:
    alternative = min(parts["manual"].mean(), parts["auto_only"].mean())
    d = parts["cost"].mean()
    if d <= 0:
        raise MetricError("В выборке нет дефектов с ненулевой ценой: порог доли пойманных дефектов не определён.")
    return float(1 - (alternative - parts["base"].mean()) / d)


def breakeven_catch(texts: pd.DataFrame, hour_cost: float, error_cost: dict, price_per_1k_tokens: float,
                    flags: pd.Series | None = None) -> float:
    """Порог доли пойманных дефектов c*: при c > c* «черновик + проверка» дешевле лучшей из двух других
    политик (ручной текст или отправка без человека).

    Цена проверки — API + правка + (1 − c) · D, где D — средняя цена дефектов на текст (``defect_cost``);
    отсюда c* = 1 − (min(manual, auto_only) − API − правка) / D. Больше 1 — проверка не окупается ни при
    какой доле; меньше 0 — окупается, даже если продавец не ловит ничего.
    """
    return _breakeven(_per_text(texts, hour_cost, error_cost, price_per_1k_tokens, flags))


def breakeven_catch_interval(texts: pd.DataFrame, hour_cost: float, error_cost: dict, price_per_1k_tokens: float,
                             flags: pd.Series | None = None, n_boot: int = 2000, alpha: float = 0.05,
                             seed: int = 81) -> tuple[float, float]:
    """Бутстреп-интервал порога ``breakeven_catch``: тексты выборки перевыбирают с возвращением ``n_boot`` раз
    (процентильный интервал). Порог неточен, потому что цена дефектов D держится на нескольких редких и
    дорогих дефектах."""
    parts = _per_text(texts, hour_cost, error_cost, price_per_1k_tokens, flags)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(parts), size=(int(n_boot), len(parts)))
    means = {c: parts[c].to_numpy()[idx].mean(axis=1) for c in parts.columns}
    d = means["cost"]
    ok = d > 0
    c = 1 - (np.minimum(means["manual"], means["auto_only"]) - means["base"]) / np.where(ok, d, np.nan)
    c = c[ok]
    return float(np.quantile(c, alpha / 2)), float(np.quantile(c, 1 - alpha / 2))


#: Шкала согласия Лэндиса и Коха (1977): верхняя граница каппы → словесная оценка.
LANDIS_KOCH = ((0.0, "хуже случайного"), (0.20, "незначительное"), (0.40, "слабое"), (0.60, "умеренное"),
               (0.80, "существенное"), (1.0, "почти полное"))


def agreement_band(kappa_value: float) -> str:
    """Словесная оценка каппы по шкале Лэндиса и Коха: 0,41–0,60 — «умеренное» и т. д. (< 0 — «хуже случайного»)."""
    k = float(kappa_value)
    if not -1.0 <= k <= 1.0:
        raise MetricError("Каппа лежит от −1 до 1.")
    if k < 0:
        return LANDIS_KOCH[0][1]
    return next(name for top, name in LANDIS_KOCH[1:] if k <= top + 1e-12)
