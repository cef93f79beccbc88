"""Упражнения раздела 3.3 «Скрипты и шаблоны».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.sales_scripts`` и
``salesbook.toolkit.experiments``; типичная ошибка — тот же расчёт с одной конкретной
ошибкой (встречи на набор номера вместо разговора, знаменатель — все начавшие
цепочку, выручка вместо маржи…). Упражнение 3 — функция учащегося: рубрика
холодного письма проверяется на одиннадцати письмах из
``salesbook.content.cold_emails``; принимается любая верная реализация (любой
разумный подсчёт слов и предложений), а неверная получает объяснение: какое
письмо и какой критерий.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from salesbook.content import cold_emails as ce
from salesbook.content import deal_plans as dp
from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import BlankError, Exercise, Function, Invalid, Mistake, Number, Table, ___
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, experiments, sales_scripts, unit_economics

SECTION = "ch03.scripts"
TITLE = "3.3. Скрипты и шаблоны"
# Часть 1 (звонок, письмо, цепочка касаний): q1–q5 и quiz; часть 2 (discovery, демо, MAP, пилот): q6–q8 и quiz_meetings.


#: Допущения раздела: минут на одно касание и условия пилота (их же видит учащийся).
MINUTES_PER_TOUCH = 10
KEEP_TOUCHES = 6
POC_UPLIFT = 0.10
POC_DISCOUNT = 0.08
SE_MONTHS = 0.5


def _close(a: pd.Series, b: pd.Series, rel: float = 0.005) -> bool:
    """Совпадают ли два столбца по общим ключам (все ключи на месте, значения с допуском)."""
    try:
        a = pd.to_numeric(a, errors="raise").astype(float)
        b = pd.to_numeric(b, errors="raise").astype(float)
    except (TypeError, ValueError):
        return False
    if set(a.index) != set(b.index):
        return False
    a = a.loc[b.index]
    return bool(np.isclose(a.to_numpy(), b.to_numpy(), rtol=rel, atol=1e-12).all())


# ---------------------------------------------------------------------------
# 1. Встречи по вариантам начала звонка
# ---------------------------------------------------------------------------

OPENER_COLUMNS = ["connected", "meetings", "meeting_rate"]


def _openers(start=course.YEAR_2025[0], end=course.YEAR_2025[1]) -> pd.DataFrame:
    return sales_scripts.opener_table(table("activities"), start, end)


def _answered_only() -> pd.Series:
    a = table("activities")
    calls = a[a["call_opener"].notna() & a["type"].eq("call") & a["date"].dt.year.eq(2025)]
    return calls[calls["outcome"].eq("connected")].groupby("call_opener").size()


_OPENER_NAMES = {"permission": "разрешение", "problem": "проблема", "referral": "рекомендация"}


def _q1_message() -> str:
    """Сообщение о верном ответе: почему срез одного года не доказывает разницу (числа — из данных)."""
    a = table("activities")
    trials_2025 = sales_scripts.opener_trials(a, start=course.YEAR_2025[0], end=course.YEAR_2025[1])
    p_holm = experiments.pairwise_tests(trials_2025, control="permission").loc["problem vs permission", "p_holm"]
    prev = sales_scripts.opener_table(a, "2024-01-01", "2024-12-31")["meeting_rate"]
    leader = prev.idxmax()
    return ("Разница между вариантами видна на глаз, но выборки — сотни разговоров: дальше проверим, не шум ли это. "
            f"Если проверить один 2025 год, p-value пары «проблема — разрешение» с поправкой Холма ≈ {fmt.number(p_holm, 2)}"
            f" — но год выбран после того, как мы увидели данные, а в 2024 году лидером была «{_OPENER_NAMES[leader]}» "
            f"({fmt.pct(prev.max())} встреч на разговор). Срез, выбранный задним числом, — это ещё одно сравнение, "
            "которое поправка не учла.")


q1 = Exercise(
    id="ch03.scripts.q1",
    title="Встречи по вариантам начала звонка",
    var="opener_stats",
    expected=lambda: _openers()[OPENER_COLUMNS],
    compare=Table(key="call_opener", columns=OPENER_COLUMNS),
    hints=[
        "Возьмите холодные звонки: type == 'call' и заполненный call_opener. Разговор состоялся, если outcome — "
        "'connected', 'meeting_booked' или 'not_interested' (sales_scripts.CONNECTED_OUTCOMES); встреча — 'meeting_booked'.",
        "Сгруппируйте по call_opener и просуммируйте два флага: connected и meetings; meeting_rate = meetings / connected. "
        "Наборы номера без ответа в знаменатель не входят.",
    ],
    mistakes=[
        Mistake(
            name="per_dial",
            matches=lambda t: _close(t["meeting_rate"], _openers()["meeting_per_dial"]),
            hint="В знаменателе все наборы номера. Но начало звонка звучит только в состоявшемся разговоре: если трубку "
            "не взяли, оно ни при чём. Делите встречи на разговоры (connected, meeting_booked, not_interested).",
        ),
        Mistake(name="all_years", value=lambda: _openers(None, None)[OPENER_COLUMNS],
                hint="В таблице звонки за все три года. В задании — 2025 год: отфильтруйте date по году."),
        Mistake(
            name="answered_only",
            matches=lambda t: _close(t["connected"], _answered_only()),
            hint="В разговоры попали только звонки с исходом 'connected'. Разговор, который закончился встречей или отказом, "
            "тоже состоялся: добавьте 'meeting_booked' и 'not_interested'.",
        ),
    ],
    correct_message=lambda: _q1_message(),
)


# ---------------------------------------------------------------------------
# 2. «Проблема» против «рекомендации» с поправкой Холма
# ---------------------------------------------------------------------------

PAIR = "referral vs problem"


def _pairwise(per: str = "connected") -> pd.DataFrame:
    return experiments.pairwise_tests(sales_scripts.opener_trials(table("activities"), per=per))


q2 = Exercise(
    id="ch03.scripts.q2",
    title="Поправка Холма для трёх начал звонка",
    var="p_holm_problem_vs_referral",
    expected=lambda: float(_pairwise().loc[PAIR, "p_holm"]),
    compare=Number(rel_tol=0.005),
    hints=[
        "Таблица испытаний — sales_scripts.opener_trials(acts) (разговоры и встречи по вариантам); "
        "experiments.pairwise_tests(...) без контроля сравнит все три пары и добавит столбец p_holm.",
        "Нужна строка пары «рекомендация — проблема»: в таблице она называется 'referral vs problem'. "
        "Поправка Холма учитывает все три сравнения, а не только это.",
    ],
    mistakes=[
        Mistake(name="raw", value=lambda: float(_pairwise().loc[PAIR, "p_value"]),
                hint="Это p-value без поправки. Сравнений три, и вероятность хотя бы одной ложной находки выше 5 %: "
                "возьмите p_holm."),
        Mistake(name="bonferroni", value=lambda: float(_pairwise().loc[PAIR, "p_bonferroni"]),
                hint="Это поправка Бонферрони: p-value × 3. Она честная, но строже нужного; Холм умножает второе по величине "
                "p-value только на 2 и никогда не строже Бонферрони. Возьмите p_holm."),
        Mistake(name="per_dial", value=lambda: float(_pairwise("dial").loc[PAIR, "p_holm"]),
                hint="Испытания посчитаны на наборы номера. Начало звонка влияет только на состоявшиеся разговоры: "
                "sales_scripts.opener_trials(acts, per='connected')."),
        Mistake(name="chi2", value=lambda: float(experiments.chi2_variants(sales_scripts.opener_trials(table("activities")))[1]),
                hint="Это p-value общего хи-квадрата: «различаются ли варианты хоть где-то». Нужен ответ про одну пару — "
                "проблема против рекомендации — с поправкой Холма."),
    ],
    correct_message="Поправленное p-value больше 0,05: различие «проблемы» и «рекомендации» не значимо ни по Холму, ни "
    "тем более по Бонферрони (Холм никогда не строже Бонферрони); не значимо оно и без поправки. Вывод для отдела: "
    "по этим данным ни одно начало не доказало преимущества — «проблема» лишь лучшая оценка. Продолжайте тест, пока "
    "не наберёте столько разговоров, сколько нужно для разницы такого размера.",
)


# ---------------------------------------------------------------------------
# 3. Функция: рубрика холодного письма
# ---------------------------------------------------------------------------

_YES_NO = {True: "выполнен", False: "не выполнен"}


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)) and value in (0, 1):
        return bool(value)
    if isinstance(value, (float, np.floating)) and value in (0.0, 1.0):
        return bool(value)
    return None


@dataclass
class FlagsResult:
    """Результат функции учащегося на одном примере: словарь «ключ → bool» с ключами ``keys``
    (критерии письма, правила плана)."""

    keys: tuple[str, ...] = ()

    def normalize(self, value: Any) -> dict[str, bool]:
        if value is ___:
            raise BlankError()
        if isinstance(value, pd.Series):
            value = value.to_dict()
        names = ", ".join(self.keys)
        if not isinstance(value, Mapping):
            raise Invalid(f"функция должна вернуть словарь с ключами {names}, а вернула {type(value).__name__}.")
        result = {}
        for key in self.keys:
            if key not in value:
                raise Invalid(f"в словаре нет ключа «{key}». Нужны ключи: {names}.")
            if value[key] is ___:
                raise BlankError()
            flag = _as_bool(value[key])
            if flag is None:
                raise Invalid(f"значение «{key}» — {value[key]!r}; нужно True или False.")
            result[key] = flag
        return result

    def equal(self, answer: dict, expected: Mapping) -> bool:
        return all(answer[k] == bool(expected[k]) for k in self.keys)

    def generic_hint(self, answer: dict, expected: Mapping) -> str | None:
        return None


def RubricResult() -> FlagsResult:
    """Критерии рубрики холодного письма."""
    return FlagsResult(tuple(sales_scripts.CRITERIA))


def _email_label(args: tuple) -> str:
    email = args[0] if args else None
    if isinstance(email, Mapping) and "id" in email:
        return f"{email['id']} («{email.get('subject', '')}»)"
    return "проверочном письме"


@dataclass
class _CaseFunction(Function):
    """Проверка функции учащегося на примерах раздела: первый пример, где ответ разошёлся с эталоном,
    называется в сообщении (``case_label``)."""

    def case_label(self, args: tuple) -> str:
        raise NotImplementedError

    def first_failure(self, fn: Callable):
        for args, want in self.cases():
            got = self.run(fn, args)
            try:
                got = self.compare.normalize(got)
            except Invalid as exc:
                raise Invalid(f"На {self.case_label(args)}: {exc}") from None
            if not self.compare.equal(got, want):
                return args, got, want
        return None

    def equal(self, fn: Callable, expected: Any) -> bool:
        return self.first_failure(fn) is None


@dataclass
class EmailFunction(_CaseFunction):
    """Проверка функции ``check_email(email)`` на письмах раздела; сообщения называют письмо и критерий."""

    def run(self, fn: Callable, args: tuple):
        args = tuple(dict(a) if isinstance(a, Mapping) else a for a in args)
        try:
            return fn(*args)
        except BlankError:
            raise
        except Exception as exc:  # ошибка в коде учащегося — объясняем, не падаем
            raise Invalid(f"Функция упала на письме {_email_label(args)}: {type(exc).__name__}: {exc}") from None

    def case_label(self, args: tuple) -> str:
        return f"письме {_email_label(args)}"

    def generic_hint(self, fn: Callable, expected: Any) -> str | None:
        failure = self.first_failure(fn)
        if failure is None:
            return None
        args, got, want = failure
        wrong = [k for k in sales_scripts.CRITERIA if got[k] != want[k]]
        key = wrong[0]
        more = f" (и ещё {len(wrong) - 1} — исправьте по одному)" if len(wrong) > 1 else ""
        return (f"Письмо {_email_label(args)}, критерий «{sales_scripts.CRITERIA_NAMES[key]}»{more}: функция говорит «{_YES_NO[got[key]]}», "
                f"а по правилу — «{_YES_NO[want[key]]}». Правило: {sales_scripts.RUBRIC[key]}. Перечитайте письмо и проверьте "
                f"функцию на нём вручную: check_email(cold_emails.as_argument('{args[0]['id']}')).")


def _email_cases() -> list[tuple[tuple, dict]]:
    key = ce.answer_key()
    return [((ce.as_argument(k),), key[k]) for k in ce.EMAILS]


def _variant(name: str) -> Callable[[dict], dict]:
    """Реализация рубрики с одной типичной ошибкой — эталон для распознавания ошибки учащегося."""

    def check(email: dict) -> dict:
        text, low = email["text"], email["text"].lower()
        right = sales_scripts.email_checks(text, email["company"], email["role"], email["trigger"])
        n_words = len(sales_scripts.words(text))
        n_sent = len(sales_scripts.sentences(text))
        if name == "case_sensitive":
            has = lambda kw: bool(kw) and kw in text  # noqa: E731
            right["personal"] = has(email["company"]) and (has(email["role"]) or has(email["trigger"]))
            right["one_cta"] = sum(text.count(m) for m in sales_scripts.CTA_MARKERS) == 1
        elif name == "cta_at_least_one":
            right["one_cta"] = sum(low.count(m) for m in sales_scripts.CTA_MARKERS) >= 1
        elif name == "company_only":
            right["personal"] = email["company"].lower() in low
        elif name == "any_of_three":
            right["personal"] = any(email[k].lower() in low for k in ("company", "role", "trigger"))
        elif name == "all_three":
            right["personal"] = all(email[k].lower() in low for k in ("company", "role", "trigger"))
        elif name == "length_chars":
            right["length"] = sales_scripts.MIN_WORDS <= len(text) <= sales_scripts.MAX_WORDS
        elif name == "length_no_minimum":
            right["length"] = n_words <= sales_scripts.MAX_WORDS
        elif name == "readable_chars":
            right["readable"] = len(text) / max(n_sent, 1) <= sales_scripts.MAX_SENTENCE_WORDS
        elif name == "readable_reversed":
            right["readable"] = n_words / max(n_sent, 1) > sales_scripts.MAX_SENTENCE_WORDS
        return right

    return check


def _same_mistake(ids, got: Callable, bad: Callable, key: Mapping, flag: str) -> bool:
    """На всех примерах ``ids`` ответ учащегося по ключу ``flag`` совпадает с ошибочной
    реализацией, а она хоть где-то отличается от эталона ``key``."""
    differs = False
    for k in ids:
        wrong_flag = bad(k)[flag]
        if got(k)[flag] != wrong_flag:
            return False
        differs |= wrong_flag != key[k][flag]
    return differs


def _criterion_like(fn: Callable, variant: str, criterion: str) -> bool:
    """Учащийся ошибся в ``criterion`` ровно так, как ``variant`` (на всех письмах)."""
    wrong = _variant(variant)
    return _same_mistake(ce.EMAILS, lambda k: RubricResult().normalize(fn(dict(ce.as_argument(k)))),
                         lambda k: wrong(dict(ce.as_argument(k))), ce.answer_key(), criterion)


q3 = Exercise(
    id="ch03.scripts.q3",
    title="Функция-рубрика холодного письма",
    var="check_email",
    compare=EmailFunction(cases=_email_cases, compare=RubricResult()),
    hints=[
        "Слова: len(sales_scripts.words(text)) или re.findall(r'\\w+', text); предложения — куски между . ! ? (пустые не считайте). "
        "Регистр уберите один раз: low = text.lower(), и ключевые слова тоже приведите к нижнему регистру.",
        "personal = компания в тексте и (роль или повод в тексте); one_cta = сумма low.count(m) по sales_scripts.CTA_MARKERS "
        "равна ровно 1; question = '?' in text; readable = слов / предложений ≤ 15.",
    ],
    mistakes=[
        Mistake(name="case_sensitive_personal", matches=lambda fn: _criterion_like(fn, "case_sensitive", "personal"),
                hint="Персонализация зависит от регистра: в письме E9 повод «План закупки» стоит в начале предложения с заглавной "
                "буквы. Сравнивайте text.lower() с keyword.lower()."),
        Mistake(name="case_sensitive_cta", matches=lambda fn: _criterion_like(fn, "case_sensitive", "one_cta"),
                hint="Призыв к действию ищется с учётом регистра: в письмах E3 и E9 «Посмотрите» и «Созвонимся» стоят в начале "
                "предложения. Ищите маркеры в text.lower()."),
        Mistake(name="cta_at_least_one", matches=lambda fn: _criterion_like(fn, "cta_at_least_one", "one_cta"),
                hint="Критерий «один призыв» выполнен, только если маркер встречается ровно один раз. В письме E3 их два — "
                "«посмотрите» и «созвонимся», — и это провал, а не успех."),
        Mistake(name="company_only", matches=lambda fn: _criterion_like(fn, "company_only", "personal"),
                hint="Одного названия компании мало: нужна ещё роль получателя или повод письма. Письмо E5 называет только "
                "компанию — его можно разослать кому угодно."),
        Mistake(name="any_of_three", matches=lambda fn: _criterion_like(fn, "any_of_three", "personal"),
                hint="Персонализация засчитана за любое из трёх упоминаний. По правилу компания обязательна, плюс роль или повод: "
                "письмо E6 без названия компании не проходит."),
        Mistake(name="all_three", matches=lambda fn: _criterion_like(fn, "all_three", "personal"),
                hint="Требовать все три упоминания строже правила: нужна компания и хотя бы одно из двух — роль или повод. "
                "Письмо E4 называет компанию и роль — этого достаточно."),
        Mistake(name="length_chars", matches=lambda fn: _criterion_like(fn, "length_chars", "length"),
                hint="Длина посчитана в символах (len(text)), а правило — в словах: len(sales_scripts.words(text)) или "
                "len(text.split())."),
        Mistake(name="length_no_minimum", matches=lambda fn: _criterion_like(fn, "length_no_minimum", "length"),
                hint="Нет нижней границы: письмо E7 из восьми слов слишком короткое — в нём нет ни повода, ни пользы. "
                f"Длина должна быть от {sales_scripts.MIN_WORDS} до {sales_scripts.MAX_WORDS} слов."),
        Mistake(name="readable_chars", matches=lambda fn: _criterion_like(fn, "readable_chars", "readable"),
                hint="Средняя длина предложения посчитана в символах. Правило — в словах: слов / предложений ≤ 15."),
        Mistake(name="readable_reversed", matches=lambda fn: _criterion_like(fn, "readable_reversed", "readable"),
                hint="Условие читаемости перевёрнуто: читаемо письмо с короткими предложениями — не больше 15 слов в среднем."),
    ],
    correct_message="Функция совпала с рубрикой на всех одиннадцати письмах. В пакете курса та же рубрика — "
    "sales_scripts.grade_emails(emails) — считается сразу для всей таблицы писем.",
)


# ---------------------------------------------------------------------------
# 4. Отклик по номеру касания в исходящих цепочках
# ---------------------------------------------------------------------------

CURVE_COLUMNS = ["leads", "reply_rate", "meeting_rate"]


def _curve(channel: Any = "outbound", start=None, end=None) -> pd.DataFrame:
    return sales_scripts.touch_curve(table("activities"), table("leads"), channel=channel, start=start, end=end)


def _email_replies_only() -> pd.DataFrame:
    acts = table("activities")
    out_ids = table("leads").loc[table("leads")["channel"].eq("outbound"), "lead_id"]
    t = acts[acts["touch_number"].notna() & acts["lead_id"].isin(out_ids)]
    frame = t.assign(r=t["outcome"].isin(["replied", "meeting_booked"]) & t["type"].ne("call"),
                     m=t["outcome"].eq("meeting_booked")).groupby("touch_number").agg(
        leads=("lead_id", "nunique"), r=("r", "sum"), m=("m", "sum"))
    frame.index = frame.index.astype("int64")
    return pd.DataFrame({"leads": frame["leads"], "reply_rate": frame["r"] / frame["leads"],
                         "meeting_rate": frame["m"] / frame["leads"]})


def _rows_as_touches() -> pd.DataFrame:
    """Доли — среднее по строкам: перезвоны в тот же день считаются отдельными касаниями."""
    acts = table("activities")
    out_ids = table("leads").loc[table("leads")["channel"].eq("outbound"), "lead_id"]
    t = acts[acts["touch_number"].notna() & acts["lead_id"].isin(out_ids)]
    frame = t.assign(r=t["outcome"].isin(sales_scripts.RESPONSE_OUTCOMES), m=t["outcome"].eq("meeting_booked")).groupby(
        "touch_number").agg(leads=("lead_id", "nunique"), reply_rate=("r", "mean"), meeting_rate=("m", "mean"))
    frame.index = frame.index.astype("int64")
    return frame


q4 = Exercise(
    id="ch03.scripts.q4",
    title="Отклик по номеру касания",
    var="touch_table",
    expected=lambda: _curve()[CURVE_COLUMNS],
    compare=Table(key="touch_number", columns=CURVE_COLUMNS),
    hints=[
        "Оставьте касания с номером (touch_number не пуст) по исходящим лидам: lead_id из leads с channel == 'outbound'. "
        "Отклик — outcome из sales_scripts.RESPONSE_OUTCOMES, встреча — 'meeting_booked'.",
        "Сгруппируйте по touch_number: leads — число лидов (lead_id.nunique()), reply_rate и meeting_rate — число "
        "откликов и встреч, делённое на число лидов, дошедших до этого касания (не на всех, кто начал цепочку, и не на "
        "число строк: перезвоны в тот же день — строки с тем же touch_number).",
    ],
    mistakes=[
        Mistake(name="all_channels", value=lambda: _curve(channel=None)[CURVE_COLUMNS],
                hint="В таблицу попали и входящие лиды (их ведут SDR). Решение будет про цепочки BDR — оставьте лиды "
                "с channel == 'outbound'."),
        Mistake(
            name="starts_denominator",
            matches=lambda t: _close(t["reply_rate"], _curve()["replies"] / _curve()["leads"].iloc[0]),
            hint="Отклик поделён на всех, кто начал цепочку. Но до восьмого касания доходят не все: кто ответил отказом или "
            "назначил встречу, из цепочки выбыл. Делите на лидов, дошедших до этого касания.",
        ),
        Mistake(name="rows_as_touches", value=_rows_as_touches,
                hint="Доли посчитаны как среднее по строкам. Но у холодного звонка недозвоны и перезвон в тот же день — "
                "несколько строк с одним touch_number: это одно касание. Делите число откликов и встреч на число лидов, "
                "дошедших до касания (lead_id.nunique()), а не на число строк."),
        Mistake(name="email_only", value=_email_replies_only,
                hint="Откликом посчитаны только ответы на письма и в мессенджерах. Разговор по телефону — тоже отклик: "
                "'connected', 'not_interested' и 'meeting_booked' у звонков."),
    ],
    correct_message="Кривая отклика — горб: рост до 3–4-го касания, затем спад. Но падающий отклик ещё не значит, что "
    "касания пора прекращать: это решение — в рублях, в упражнении 5.",
)


# ---------------------------------------------------------------------------
# 5. Решение: сокращать ли исходящую цепочку до шести касаний
# ---------------------------------------------------------------------------


def gross_margin_2025() -> float:
    """Валовая маржа B2B за 2025 год (gross_margin в тетради)."""
    return float(unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2025))


def meeting_gp(channel: Any = "outbound") -> float:
    """Валовая прибыль, которую в среднем приносит одна назначенная встреча, ₽ (meeting_gp в тетради)."""
    return sales_scripts.meeting_value(table("activities"), table("leads"), table("opportunities"), gross_margin_2025(), channel=channel)


def touch_cost() -> float:
    """Стоимость одного касания — 10 минут BDR со страховыми взносами, ₽ (touch_cost в тетради)."""
    return sales_scripts.time_cost(sales_scripts.loaded_monthly_salary(table("reps"), "BDR"), MINUTES_PER_TOUCH)


def _cut(keep: int = KEEP_TOUCHES, channel: Any = "outbound", months: float = 12.0, start=course.YEAR_2025[0],
         end=course.YEAR_2025[1], value=None, replies: bool = False) -> pd.Series:
    curve = _curve(channel, start, end)
    if replies:
        curve = curve.assign(meetings=curve["replies"])
    return sales_scripts.cadence_cut(curve, keep, meeting_gp() if value is None else value, touch_cost(), months)


q5 = Exercise(
    id="ch03.scripts.q5",
    title="Сокращать ли цепочку до шести касаний",
    var="cut_net_rub",
    expected=lambda: float(_cut()["net_rub"]),
    compare=Number(rel_tol=0.005),
    hints=[
        "Постройте кривую касаний исходящих лидов за 2025 год: sales_scripts.touch_curve(acts, leads, channel='outbound', "
        "start=course.YEAR_2025[0], end=course.YEAR_2025[1]). Сокращение до шести касаний отменяет касания 7–10.",
        "В месяц: потерянные встречи = сумма meetings по касаниям 7–10 / 12, сэкономленные касания = сумма leads по тем же "
        "касаниям / 12. Итог = сэкономленные касания × touch_cost − потерянные встречи × meeting_gp.",
    ],
    mistakes=[
        Mistake(name="no_time_saved", value=lambda: -float(_cut()["lost_value"]),
                hint="Учтены только потерянные встречи. Сокращение цепочки ещё и экономит время BDR: прибавьте "
                "сэкономленные касания × touch_cost."),
        Mistake(name="off_by_one", value=lambda: float(_cut(keep=KEEP_TOUCHES - 1)["net_rub"]),
                hint="Вы отрезали и шестое касание. Цепочка из шести касаний сохраняет касания 1–6; теряются 7-е и дальше."),
        Mistake(name="three_years", value=lambda: float(_cut(start=None, end=None)["net_rub"]),
                hint="Касания взяты за все три года, а делите вы на 12 месяцев. Возьмите касания 2025 года "
                "(start=course.YEAR_2025[0], end=course.YEAR_2025[1])."),
        Mistake(name="all_channels", value=lambda: float(_cut(channel=None)["net_rub"]),
                hint="В расчёт попали и входящие лиды. Предложение — про исходящую цепочку BDR: channel='outbound'."),
        Mistake(name="replies_as_meetings", value=lambda: float(_cut(replies=True)["net_rub"]),
                hint="Потери посчитаны по откликам, а не по встречам. Ценность meeting_gp — у назначенной встречи; "
                "отказ по телефону тоже отклик, но денег не приносит."),
    ],
    correct_message="Число отрицательное — сокращение цепочки экономит меньше, чем стоят потерянные встречи. "
    "Касание дешёвое, встреча дорогая: встреча на 8–10-м касании приносит в несколько раз больше, чем стоят "
    "все касания, потраченные на неё.",
)


# ---------------------------------------------------------------------------
# 6. Решение: стоит ли пилот (PoC) в типичной enterprise-сделке
# ---------------------------------------------------------------------------


def _enterprise_won() -> pd.DataFrame:
    o = table("opportunities")
    return o[o["segment"].eq("enterprise") & o["outcome"].eq("won")]


def _p_after_demo() -> float:
    return float(sales_scripts.post_demo_funnel(table("opportunities"), table("opportunity_stages")).loc["enterprise", "won"])


def _p_all_closed() -> float:
    o = table("opportunities")
    closed = o[o["segment"].eq("enterprise") & o["outcome"].isin(["won", "lost"])]
    return float(closed["outcome"].eq("won").mean())


def _poc(acv=None, p_base=None, gm=None, se_cost=None, discount=POC_DISCOUNT, discount_factor=1.0,
         unconditional_discount=False) -> float:
    acv = float(_enterprise_won()["amount_rub"].median()) if acv is None else acv
    p_base = _p_after_demo() if p_base is None else p_base
    gm = gross_margin_2025() if gm is None else gm
    se_cost = sales_scripts.loaded_monthly_salary(table("reps"), "SE") * SE_MONTHS if se_cost is None else se_cost
    if unconditional_discount:
        return float(POC_UPLIFT * acv * gm - se_cost - acv * discount)
    base = sales_scripts.poc_value(acv, p_base, POC_UPLIFT, gm, se_cost, discount=0.0)
    return float(base - (p_base + POC_UPLIFT) * acv * discount * discount_factor)


q6 = Exercise(
    id="ch03.scripts.q6",
    title="Ожидаемая ценность пилота",
    var="poc_ev_rub",
    expected=lambda: _poc(),
    # допуск 0,1 %: без взносов SE и «все закрытые сделки» дают ответы, которые различаются меньше чем на 0,5 %
    compare=Number(rel_tol=0.001),
    hints=[
        "Вероятность без пилота — доля выигранных среди закрытых enterprise-сделок, дошедших до демо: "
        "sales_scripts.post_demo_funnel(opps, stages).loc['enterprise', 'won']. ACV — медиана amount_rub выигранных enterprise-сделок.",
        "Стоимость пресейла = sales_scripts.loaded_monthly_salary(reps, 'SE') × SE_MONTHS. Затем "
        "EV = uplift × ACV × маржа − пресейл − (p + uplift) × ACV × скидка, или sales_scripts.poc_value(...).",
    ],
    mistakes=[
        Mistake(name="revenue", value=lambda: _poc(gm=1.0),
                hint="Прирост посчитан в выручке. Компании достаётся валовая прибыль: умножьте ACV × прирост вероятности на "
                "валовую маржу gross_margin."),
        Mistake(name="discount_times_margin", value=lambda: _poc(discount_factor=gross_margin_2025()),
                hint="Скидка умножена на маржу. Скидка уменьшает выручку, а себестоимость остаётся прежней — значит, валовая "
                "прибыль падает на всю сумму скидки."),
        Mistake(name="unconditional_discount", value=lambda: _poc(unconditional_discount=True),
                hint="Скидка вычтена так, будто сделка выиграна наверняка. Скидку платят только при покупке: умножьте её на "
                "вероятность выигрыша с пилотом (p + uplift)."),
        Mistake(name="no_payroll_tax",
                value=lambda: _poc(se_cost=sales_scripts.loaded_monthly_salary(table("reps"), "SE", payroll_tax=0.0) * SE_MONTHS),
                hint="Время пресейла посчитано по окладу без страховых взносов. Компании SE стоит оклад плюс взносы: "
                + f"{course.PAYROLL_TAX_RATE * 100:.1f}".replace(".", ",") + "\u00a0% у аккредитованной ИТ-компании "
                "(sales_scripts.loaded_monthly_salary учитывает их сама)."),
        Mistake(name="all_closed", value=lambda: _poc(p_base=_p_all_closed()),
                hint="Вероятность без пилота посчитана по всем закрытым enterprise-сделкам. Решение о пилоте принимают после "
                "демо — берите сделки, дошедшие до демо (sales_scripts.post_demo_funnel)."),
        Mistake(name="mean_acv", value=lambda: _poc(acv=float(_enterprise_won()["amount_rub"].mean())),
                hint="Взят средний ACV. В задании — типичная сделка, медиана: у enterprise несколько очень крупных контрактов "
                "тянут среднее вверх."),
        Mistake(name="no_discount", value=lambda: _poc(discount=0.0),
                hint="Не учтена скидка за пилот. Клиент получает её при покупке: вычтите (p + uplift) × ACV × POC_DISCOUNT."),
        Mistake(name="no_se", value=lambda: _poc(se_cost=0.0),
                hint="Не учтено время пресейла. Пилот — это полмесяца работы SE: вычтите его стоимость со взносами."),
    ],
    correct_message="Знак числа — решение: больше нуля — пилот окупается. Посмотрите, какой прирост вероятности "
    "нужен для безубыточности (sales_scripts.poc_break_even_uplift): если он больше того, во что вы реально верите, "
    "пилот лучше заменить демо на данных клиента.",
)


# ---------------------------------------------------------------------------
# 7. Повестка демо: какие модули показать и в каком порядке
# ---------------------------------------------------------------------------

DEMO_SLOTS = 3


def _module_value(how: str = "sum") -> pd.Series:
    pains = dp.pains_frame()
    grouped = pains.groupby("module")["cost_rub_month"]
    value = grouped.sum() if how == "sum" else grouped.max() if how == "max" else grouped.size()
    return value.sort_values(ascending=False, kind="stable")


@dataclass
class ModuleOrder:
    """Ответ — список ключей модулей «Сферы Деск» по порядку показа."""

    def normalize(self, value: Any) -> list[str]:
        if value is ___:
            raise BlankError()
        if isinstance(value, (pd.Series, pd.Index, np.ndarray)):
            value = list(value)
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise Invalid(f"нужен список ключей модулей по порядку, например ['sla', ...]; получено: {type(value).__name__}.")
        out = []
        for item in value:
            if item is ___:
                raise BlankError()
            key = str(item).strip().strip("«»\"'").lower() if isinstance(item, str) else None
            if key not in dp.MODULES:
                raise Invalid(f"{item!r} — не ключ модуля. Возможные: {', '.join(dp.MODULES)}.")
            out.append(key)
        if not out:
            raise Invalid("список пуст: нужны ключи модулей по порядку показа.")
        return out

    def equal(self, answer: list[str], expected: Any) -> bool:
        return answer == list(expected)

    def generic_hint(self, answer: list[str], expected: Any) -> str | None:
        expected = list(expected)
        if sorted(answer) == sorted(expected):
            return "Модули выбраны верно, а порядок — нет. Первым показывают то, что снимает самую дорогую боль."
        return None


q7 = Exercise(
    id="ch03.scripts.q7",
    title="Повестка демо по болям из discovery",
    var="demo_order",
    expected=lambda: list(_module_value().index[:DEMO_SLOTS]),
    compare=ModuleOrder(),
    hints=[
        "Цена модуля — сумма cost_rub_month всех болей, которые он закрывает: pains.groupby('module')['cost_rub_month'].sum().",
        "Отсортируйте по убыванию (sort_values(ascending=False)) и возьмите первые три ключа: list(...index[:3]).",
    ],
    mistakes=[
        Mistake(name="ascending", value=lambda: list(_module_value().sort_values(kind="stable").index[:DEMO_SLOTS]),
                hint="Порядок перевёрнут: вы взяли самые дешёвые боли. Демо начинают с того, что болит сильнее всего "
                "(Do the Last Thing First), — сортируйте по убыванию."),
        Mistake(name="by_max", value=lambda: list(_module_value("max").index[:DEMO_SLOTS]),
                hint="Модуль оценён по самой дорогой из его болей. Но контроль SLA снимает две боли — просрочки и ручные "
                "эскалации: цена модуля — сумма цен всех болей, которые он закрывает."),
        Mistake(name="by_count", value=lambda: list(_module_value("count").index[:DEMO_SLOTS]),
                hint="Модули упорядочены по числу болей, а не по их цене. Одна боль за 420 тыс. ₽ в месяц важнее двух мелких: "
                "суммируйте cost_rub_month."),
        Mistake(name="all_modules", value=lambda: list(_module_value().index),
                hint="В повестке все модули, связанные с болями. На сценарии под боли в повестке 20 минут — это три модуля; "
                "остальное — в ответах на вопросы, если спросят."),
        Mistake(name="catalogue", value=lambda: [m for m in dp.MODULES if m in set(_module_value().index[:DEMO_SLOTS])],
                hint="Модули выбраны верно, но стоят в порядке каталога «Сферы Деск». Порядок показа задают боли клиента: "
                "первым — модуль с наибольшей суммарной ценой болей."),
    ],
    correct_message="Повестка собрана вокруг денег клиента: сначала контроль SLA (две боли сразу), затем единое окно и "
    "распределение заявок. База знаний, отчёты, мобильное приложение и API — только если спросят.",
)


# ---------------------------------------------------------------------------
# 8. Функция: проверка плана совместных действий (MAP)
# ---------------------------------------------------------------------------


def MapResult() -> FlagsResult:
    """Правила проверки плана совместных действий."""
    return FlagsResult(tuple(sales_scripts.MAP_RULES))


def _plan_cases() -> list[tuple[tuple, dict]]:
    key = dp.answer_key()
    return [((k, dp.plan_frame(k), dp.close_date(k)), key[k]) for k in dp.PLANS]


@dataclass
class PlanFunction(_CaseFunction):
    """Проверка функции ``check_plan(plan, close_date)`` на черновиках MAP; сообщения называют план и правило."""

    def run(self, fn: Callable, args: tuple):
        key, plan, close = args
        try:
            return fn(plan.copy(), close)
        except BlankError:
            raise
        except Exception as exc:  # ошибка в коде учащегося — объясняем, не падаем
            raise Invalid(f"Функция упала на плане {key}: {type(exc).__name__}: {exc}") from None

    def case_label(self, args: tuple) -> str:
        return f"плане {args[0]}"

    def generic_hint(self, fn: Callable, expected: Any) -> str | None:
        failure = self.first_failure(fn)
        if failure is None:
            return None
        args, got, want = failure
        wrong = [k for k in sales_scripts.MAP_RULES if got[k] != want[k]]
        rule = wrong[0]
        return (f"План {args[0]} ({dp.PLANS[args[0]]['deal']}), правило «{sales_scripts.MAP_RULE_NAMES[rule]}»: функция говорит "
                f"«{_YES_NO[got[rule]]}», а по правилу — «{_YES_NO[want[rule]]}». Правило: {sales_scripts.MAP_RULES[rule]}. "
                f"Проверьте вручную: check_plan(deal_plans.plan_frame('{args[0]}'), deal_plans.close_date('{args[0]}')).")


def _map_variant(name: str) -> Callable[[pd.DataFrame, Any], dict]:
    """Проверка MAP с одной типичной ошибкой — эталон для распознавания ошибки учащегося."""

    def check(plan: pd.DataFrame, close) -> dict:
        right = sales_scripts.map_checks(plan, close)
        due = pd.to_datetime(plan["due"], errors="coerce")
        paper = set(sales_scripts.PAPER_STEPS)
        if name == "owner_isna_only":
            right["owners"] = bool(plan["owner"].notna().all())
        elif name == "dates_any":
            right["dates"] = bool(due.notna().any())
        elif name == "paper_any":
            right["paper"] = bool(plan["kind"].isin(paper).any())
        elif name == "on_time_strict":
            right["on_time"] = bool(due.max() < pd.Timestamp(close))
        return right

    return check


def _map_rule_like(fn: Callable, variant: str, rule: str) -> bool:
    """Учащийся ошибся в правиле ``rule`` ровно так, как ``variant`` (на всех планах)."""
    wrong = _map_variant(variant)
    return _same_mistake(dp.PLANS, lambda k: MapResult().normalize(fn(dp.plan_frame(k), dp.close_date(k))),
                         lambda k: wrong(dp.plan_frame(k), dp.close_date(k)), dp.answer_key(), rule)


q8 = Exercise(
    id="ch03.scripts.q8",
    title="Функция проверки плана совместных действий",
    var="check_plan",
    compare=PlanFunction(cases=_plan_cases, compare=MapResult()),
    hints=[
        "owners: owner — не пропуск и не пустая строка (plan['owner'].fillna('').astype(str).str.strip() != '').all(); "
        "dates: plan['due'].notna().all().",
        "paper: set(sales_scripts.PAPER_STEPS) <= set(plan['kind']); on_time: plan['due'].max() <= close_date (включительно). "
        "Готовую sales_scripts.map_checks не используйте.",
    ],
    mistakes=[
        Mistake(name="owner_isna_only", matches=lambda fn: _map_rule_like(fn, "owner_isna_only", "owners"),
                hint="Пустая строка засчитана как ответственный. В плане M2 у анкеты ИБ owner = '' — шаг ничей. Проверяйте "
                "и пропуски, и пустые строки: .fillna('').astype(str).str.strip() != ''."),
        Mistake(name="dates_any", matches=lambda fn: _map_rule_like(fn, "dates_any", "dates"),
                hint="Правило «Даты» выполнено, только если дата есть у каждого шага, а не хотя бы у одного: в плане M3 у анкеты "
                "ИБ даты нет. Используйте .all()."),
        Mistake(name="paper_any", matches=lambda fn: _map_rule_like(fn, "paper_any", "paper"),
                hint="Засчитан любой шаг бумажного процесса. Нужны все четыре — ИБ, закупки, юристы, подписание: в плане M6 есть "
                "только подписание. Сравните множества: set(sales_scripts.PAPER_STEPS) <= set(plan['kind'])."),
        Mistake(name="on_time_strict", matches=lambda fn: _map_rule_like(fn, "on_time_strict", "on_time"),
                hint="Сравнение строгое. В плане M1 подписание стоит ровно на целевую дату закрытия — это успеваем: <=."),
    ],
    correct_message="Функция совпала с эталоном на всех шести планах. Та же проверка в пакете курса — "
    "sales_scripts.map_checks(plan, close_date): её удобно запускать по всем открытым сделкам перед прогнозом.",
)


# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "BDR отчитался: начало «А» даёт 1,5 % встреч от наборов номера, начало «Б» — 6 % встреч от состоявшихся "
            "разговоров. Какое начало лучше?",
            (
                Option("«Б»: 6 % больше 1,5 %", False, "Числа с разными знаменателями сравнивать нельзя: при доле дозвона 20 % "
                       "1,5 % от наборов — это 7,5 % от разговоров — больше, чем 6 % у «Б»."),
                Option("«А»: оно считается по всем звонкам, это надёжнее", False, "В наборы номера входят звонки, где трубку не "
                       "взяли и начало не прозвучало. Для сравнения начал нужен знаменатель «разговоры»."),
                Option("Сказать нельзя, пока оба числа не приведены к одному знаменателю — разговорам", True,
                       "Да: начало звонка влияет только на разговор. Пересчитайте «А» на разговоры (нужна доля дозвона) и "
                       "сравните тестом двух долей."),
            ),
        ),
        Question(
            "Отклик на 3-м касании — 21 %, на 8-м — 8 %. Руководитель предлагает обрезать цепочку после 7-го касания. Что "
            "нужно, чтобы решить?",
            (
                Option("Ничего: отклик упал почти втрое, касания перестали работать", False, "Падение отклика само по себе "
                       "ничего не решает: дешёвое касание окупается и при низком отклике, если встреча дорогая."),
                Option("Сравнить ожидаемую ценность встреч на касаниях 8+ со стоимостью времени на эти касания", True,
                       "Верно: доля встреч на касании × ценность встречи против стоимости касания в рублях. И знаменатель — "
                       "лиды, дошедшие до касания."),
                Option("Посчитать отклик от всех, кто начал цепочку", False, "Так отклик поздних касаний выглядит ещё ниже: в "
                       "знаменателе лиды, которые давно выбыли (назначили встречу или отказались)."),
            ),
        ),
        Question(
            "BDR «Сферы Софт» собирается разослать одинаковое письмо с предложением «Сферы Деск» на 3 000 адресов "
            "руководителей поддержки, найденных в открытых источниках. Что говорит закон «О рекламе»?",
            (
                Option("Ничего: это B2B, адреса рабочие, закон защищает только граждан", False,
                       "Статья 18 закона «О рекламе» говорит об абоненте или адресате без оговорки про B2B; ФАС возбуждает дела и по "
                       "жалобам на рекламу, пришедшую на рабочую почту."),
                Option("Одинаковое письмо на тысячи адресов — реклама по сетям электросвязи: нужно предварительное согласие, "
                       "и доказать его должен отправитель", True,
                       "Да: массовая одинаковая рассылка адресована неопределённому кругу лиц. Персональное письмо одному "
                       "человеку по его задаче рекламой обычно не считают, но граница размыта — безопаснее первое касание "
                       "делать персональным, фиксировать согласие и сразу выполнять отказ."),
                Option("Можно, если в конце письма есть ссылка «отписаться»", False,
                       "Ссылка отписки выполняет обязанность прекратить рассылку по требованию, но не заменяет предварительного "
                       "согласия."),
            ),
        ),
        Question(
            "Три варианта начала звонка сравнивают попарно — три сравнения, каждое на уровне 0,05. Что происходит с "
            "вероятностью хотя бы одной ложной «победы», если на деле варианты одинаковы?",
            (
                Option("Остаётся 5 %", False, "5 % — для одного сравнения. Каждое следующее — ещё один шанс ошибиться."),
                Option("Растёт — примерно до 14 % для трёх независимых сравнений; поэтому нужна поправка (Холм, Бонферрони)",
                       True, "Да: 1 − 0,95³ ≈ 14 %. Поправка Холма возвращает общую ошибку к 5 % и никогда не строже "
                       "Бонферрони."),
                Option("Падает: больше сравнений — больше данных", False, "Данных столько же, а шансов ошибиться больше."),
            ),
        ),
    ],
)


quiz_meetings = Quiz(
    id=f"{SECTION}.meetings",
    questions=[
        Question(
            "Какой критерий успеха пилота (PoC) «Сферы Деск» записан правильно?",
            (
                Option("Команде поддержки понравится интерфейс", False, "Не измеримо и не привязано к сроку: «понравится» "
                       "нельзя проверить в конце пилота."),
                Option("За три недели доля заявок второй линии, закрытых в SLA, вырастет с 71 % до 85 %, а решение о покупке "
                       "примут до 30 июня", True, "Да: есть метрика, исходное и целевое значение, срок и следующий шаг — "
                       "решение о покупке."),
                Option("Проверим все функции системы на данных клиента", False, "Пилот без границ: «все функции» превращают его "
                       "в бесплатное внедрение без даты окончания."),
            ),
        ),
        Question(
            "После демо клиент сказал: «Всё нравится, подпишем в конце квартала». В плане совместных действий — демо, "
            "письмо-итог и подписание. Чего в нём не хватает прежде всего?",
            (
                Option("Ещё одного демо для закрепления", False, "Демо уже убедило пользователя. Сделку задержит не он, а "
                       "проверка ИБ, закупки и юристы, о которых AE не спросил."),
                Option("Шагов бумажного процесса — ИБ, закупки, юристы — с ответственными со стороны клиента и датами", True,
                       "Да: без них «подпишем в конце квартала» — надежда. Спросите на встрече, кто ещё согласует договор и "
                       "сколько это обычно занимает, и проверьте, успевает ли план к дате закрытия."),
                Option("Скидки за подписание до конца квартала", False, "Скидка не ускорит закупочную процедуру и юристов, "
                       "а деньги компания потеряет наверняка."),
            ),
        ),
        Question(
            "По заметкам discovery у клиента три боли: просрочки SLA (≈ 460 тыс. ₽ в месяц), потерянные заявки "
            "(≈ 420 тыс. ₽) и ручные отчёты (≈ 90 тыс. ₽). С чего начать демо?",
            (
                Option("С настроек администратора: без них ничего не работает", False, "Настройки не снимают ни одной боли "
                       "и съедают время, пока руководители ещё в комнате."),
                Option("С экрана контроля SLA — результата, который снимает самую дорогую боль", True,
                       "Да: Do the Last Thing First — сначала результат, ради которого покупают, затем сценарии по убыванию "
                       "цены боли."),
                Option("С отчётов: руководителям нравятся графики", False, "Отчёты закрывают самую дешёвую из трёх болей; "
                       "начинать с них — показать продукт, а не решение."),
            ),
        ),
    ],
)
