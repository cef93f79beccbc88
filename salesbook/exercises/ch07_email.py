"""Упражнения раздела 7.4.1 «AI-ассистенты для писем: оценщик текста и советы по тону».

Эталоны считаются функциями ``salesbook.toolkit.email_scoring`` (их проверяют тесты
``tests/test_email_scoring.py``); каждая типичная ошибка — тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from salesbook.content import cold_emails
from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, email_scoring, sales_scripts, unit_economics

SECTION = "ch07.email"
TITLE = "7.4.1. AI-ассистенты для писем"

#: Цена ассистента писем за место в месяц, ₽: допущение курса (порядок цен облачных
#: ассистентов продавца; рублёвого прайса Lavender или Crystal нет, оплата из России затруднена).
SEAT_PRICE_RUB = 4_000
#: Письмо для упражнения 1 — E8 из учебного набора раздела 3.3 (хорошее содержание, тяжёлые фразы).
EXAMPLE_EMAIL = "E8"
#: Верхний балл «хорошего письма» в упражнении 2: 6 и 7 из 7.
TOP_SCORE = 6


# ---------------------------------------------------------------------------
# Данные раздела
# ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def scored() -> pd.DataFrame:
    """Все первые письма с баллом оценщика и исходами."""
    texts = email_scoring.email_texts(table("outreach_emails"), table("leads"), table("accounts"))
    out = email_scoring.score_emails(texts)
    return out.join(texts[["template", "rep_id", "sent_date", "opened", "replied", "meeting_booked"]])


def year_2025() -> pd.DataFrame:
    """Первые письма 2025 года."""
    s = scored()
    return s[s["sent_date"].between(*course.YEAR_2025)]


def seats() -> int:
    """Мест ассистента: SDR и BDR, работающие на конец данных (без даты ухода)."""
    reps = table("reps")
    return int((reps["role"].isin(["SDR", "BDR"]) & reps["exit_date"].isna()).sum())


def meeting_value() -> float:
    """Ценность назначенной встречи исходящего лида, ₽: та же функция и период, что в разделах 3.3 и 6.2."""
    gross_margin = unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2025)
    return sales_scripts.meeting_value(table("activities"), table("leads"), table("opportunities"), gross_margin,
                                       channel="outbound")


def ab_months(relative_lift: float, base: pd.DataFrame | None = None) -> tuple[float, float]:
    """A/B-тест на первых письмах 2025 года: писем на группу и месяцев потока, чтобы заметить
    относительный прирост доли ответов ``relative_lift`` (0,2 — на 20 %), деля письма пополам."""
    y = year_2025() if base is None else base
    return email_scoring.ab_test_months(float(y["replied"].mean()), len(y) / 12, relative_lift)


@lru_cache(maxsize=None)
def mailing_month() -> dict:
    """Все письма SDR и BDR за месяц 2025 года по отчёту рассыльщика (``rep_daily_activity``: по лидам CRM
    и рассылки по базе) и доля ответов на них. Текста и ответа по одному письму в отчёте нет."""
    daily = table("rep_daily_activity")
    dates = pd.to_datetime(daily["date"])
    start, end = (pd.Timestamp(d) for d in course.YEAR_2025)
    year = daily[dates.between(start, end)]
    return {"emails_per_month": float(year["emails"].sum() / 12),
            "reply_rate": float(year["emails_replied"].sum() / year["emails"].sum())}


def month_inputs(base: pd.DataFrame | None = None) -> dict:
    """Первых писем в месяц, доля ответов и встреч на ответ за 2025 год."""
    y = year_2025() if base is None else base
    return {"emails_per_month": len(y) / 12, "reply_rate": float(y["replied"].mean()),
            "meetings_per_reply": float(y["meeting_booked"].sum() / y["replied"].sum())}


# ---------------------------------------------------------------------------
# 1. Индекс удобочитаемости письма E8
# ---------------------------------------------------------------------------


def _e8() -> str:
    return cold_emails.EMAILS[EXAMPLE_EMAIL]["text"]


def _ease_variant(b: float, c: float, per_word: str = "syllables") -> float:
    text = _e8()
    ws = sales_scripts.words(text)
    asl = len(ws) / len(sales_scripts.sentences(text))
    if per_word == "letters":
        asw = sum(len(w) for w in ws) / len(ws)
    else:
        asw = sum(email_scoring.syllables(w) for w in ws) / len(ws)
    return 206.835 - b * asl - c * asw


q1 = Exercise(
    id="ch07.email.q1",
    title="Индекс удобочитаемости письма E8",
    var="ease_e8",
    expected=lambda: email_scoring.reading_ease(_e8()),
    compare=Number(rel_tol=0.005, abs_tol=0.05),
    hints=[
        "Нужны две средние: слов в предложении (words / sentences) и слогов в слове. Слог в русском слове — "
        "это гласная: syllables(слово) считает гласные.",
        "ease_e8 = 206,835 − 1,3 · (слов в предложении) − 60,1 · (слогов в слове): коэффициенты для русского "
        "языка, а не английские 1,015 и 84,6.",
    ],
    mistakes=[
        Mistake(name="english_coefficients", value=lambda: _ease_variant(1.015, 84.6),
                hint="Это коэффициенты исходной формулы Флеша для английского (1,015 и 84,6). Русские слова длиннее, "
                     "поэтому для русского взяты 1,3 и 60,1 — иначе почти любой русский текст выходит «очень трудным»."),
        Mistake(name="swapped", value=lambda: _ease_variant(60.1, 1.3),
                hint="Коэффициенты перепутаны: 1,3 умножают на среднее число слов в предложении, 60,1 — на среднее "
                     "число слогов в слове."),
        Mistake(name="letters", value=lambda: _ease_variant(1.3, 60.1, "letters"),
                hint="Вы взяли среднее число букв в слове, а формула просит слоги. Слогов в русском слове столько "
                     "же, сколько гласных, — считайте их функцией syllables."),
    ],
    correct_message="По сравнению с хорошим письмом E1 индекс ниже в основном из-за длины предложений: разбейте их — и письмо станет легче.",
)


# ---------------------------------------------------------------------------
# 2. Во сколько раз письма с высоким баллом получают больше ответов
# ---------------------------------------------------------------------------


def _ratio(frame: pd.DataFrame, outcome: str = "replied", top: int = TOP_SCORE, inverse: bool = False) -> float:
    high = frame.loc[frame["score"] >= top, outcome].mean()
    low = frame.loc[frame["score"] < top, outcome].mean()
    return float(low / high if inverse else high / low)


q2 = Exercise(
    id="ch07.email.q2",
    title="Ответы у писем с высоким баллом",
    var="reply_ratio",
    expected=lambda: _ratio(scored()),
    compare=Number(rel_tol=0.01),
    hints=[
        "Разделите все первые письма (таблица scored, все три года) на две группы: балл 6 и выше и балл ниже 6. "
        "Посчитайте долю ответов (replied) в каждой.",
        "reply_ratio = доля ответов у писем с баллом ≥ 6 / доля ответов у писем с баллом < 6 — отношение, а не разность.",
    ],
    mistakes=[
        Mistake(name="inverse", value=lambda: _ratio(scored(), inverse=True),
                hint="Отношение перевёрнуто: в числителе — письма с высоким баллом, в знаменателе — остальные."),
        Mistake(name="opened_only", value=lambda: _ratio(scored()[scored()["opened"]]),
                hint="Вы посчитали только открытые письма. Задание — про все отправленные первые письма: "
                     "открытие от текста не зависит, но база должна быть одна для всего раздела."),
        Mistake(name="meetings", value=lambda: _ratio(scored(), "meeting_booked"),
                hint="Вы сравнили встречи, а задание — про ответы: столбец replied."),
        Mistake(name="only_seven", value=lambda: _ratio(scored(), top=7),
                hint="Высокий балл — 6 и 7, а не только 7: сравните score >= 6 и score < 6."),
        Mistake(name="top_vs_all", value=lambda: float(scored().loc[scored()["score"] >= TOP_SCORE, "replied"].mean()
                                                       / scored()["replied"].mean()),
                hint="Вы разделили долю ответов у писем с высоким баллом на долю у всех писем. Во второй группе — "
                     "только письма с баллом ниже 6: иначе сильные письма сидят и в числителе, и в знаменателе."),
        Mistake(name="difference", matches=lambda v: abs(v - float(
            scored().loc[scored()["score"] >= TOP_SCORE, "replied"].mean()
            - scored().loc[scored()["score"] < TOP_SCORE, "replied"].mean())) < 1e-4,
                hint="Это разность долей, а нужно отношение: во сколько раз чаще отвечают на письма с высоким баллом."),
    ],
    correct_message="Но это связь, а не эффект: письма с высоким баллом пишут в другие шаблоны и другим лидам. "
                    "Сколько даст ассистент, покажет только тест.",
)


# ---------------------------------------------------------------------------
# 3. Какая проверка не различает письма
# ---------------------------------------------------------------------------

COMPONENT_CHOICES = tuple(email_scoring.COMPONENTS)

q3 = Exercise(
    id="ch07.email.q3",
    title="Проверка, которую пора заменить",
    var="weak_check",
    expected=lambda: str(email_scoring.component_table(scored())["share_passed"].idxmax()),
    compare=Choice(list(COMPONENT_CHOICES)),
    hints=[
        "Посмотрите на таблицу вклада проверок: какая из них почти у всех писем выполнена (share_passed близко к 1)?",
        "Проверка, которую проходят почти все письма, не может отличить хорошее письмо от плохого — какую бы долю "
        "ответов ни давали прошедшие.",
    ],
    mistakes=[
        Mistake(name="no_spam", matches=lambda v: v == "no_spam",
                hint="Связи спам-слов с ответом в данных не видно, но их проверка нужна для другого — "
                     "для доставляемости (раздел 6.2). Ищите проверку, которую проходят почти все письма."),
        Mistake(name="personal", matches=lambda v: v == "personal",
                hint="Наоборот: у персонализации самая сильная связь с ответом. Ищите проверку, которую проходят почти все письма."),
        Mistake(name="easy", matches=lambda v: v == "easy",
                hint="«Простые слова» проходит примерно половина писем: индекс Флеша ловит длинные слова, которые "
                     "проверка «Короткие предложения» не видит. Ищите проверку, которую проходят почти все письма."),
    ],
    correct_message="«Короткие предложения» проходят почти все письма: шаблоны отдела пишут короткими фразами, "
                    "а тяжесть текста — в длинных словах. Их лучше ловит индекс удобочитаемости.",
)


# ---------------------------------------------------------------------------
# 4. Порог окупаемости ассистента
# ---------------------------------------------------------------------------


def _break_even(seats_: int | None = None, price: float = SEAT_PRICE_RUB, reply_rate: float | None = None,
                meetings_per_reply: float | None = None, value: float | None = None) -> float:
    m = month_inputs()
    seats_ = seats() if seats_ is None else seats_
    reply_rate = m["reply_rate"] if reply_rate is None else reply_rate
    meetings_per_reply = m["meetings_per_reply"] if meetings_per_reply is None else meetings_per_reply
    value = meeting_value() if value is None else value
    return float(seats_ * price / (m["emails_per_month"] * reply_rate * meetings_per_reply * value))


q4 = Exercise(
    id="ch07.email.q4",
    title="При каком приросте ответов ассистент окупается",
    var="break_even_lift",
    expected=lambda: _break_even(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Ассистент окупается, когда дополнительная валовая прибыль в месяц не меньше лицензии: "
        "писем в месяц × доля ответов × прирост × встреч на ответ × ценность встречи ≥ мест × цена места.",
        "break_even_lift = seats_now * SEAT_PRICE_RUB / (emails_per_month * reply_rate * meetings_per_reply * meeting_gp) — "
        "доля (0,05 — это 5 %), все величины за месяц 2025 года.",
    ],
    mistakes=[
        Mistake(name="absolute", value=lambda: _break_even() * month_inputs()["reply_rate"],
                hint="Это прирост доли ответов в долях от всех писем (процентные пункты), а задание просит "
                     "относительный прирост: во сколько раз больше ответов, минус один. Не умножайте на долю ответов — "
                     "прирост уже стоит в формуле рядом с ней."),
        Mistake(name="no_meetings_per_reply", value=lambda: _break_even(meetings_per_reply=1.0),
                hint="Вы считаете, что каждый ответ — встреча. Встречу назначают не после каждого ответа: умножьте "
                     "на встречи на ответ (meetings_per_reply)."),
        Mistake(name="all_reps_ever", value=lambda: _break_even(seats_=int(table("reps")["role"].isin(["SDR", "BDR"]).sum())),
                hint="Вы взяли всех SDR и BDR за три года, включая ушедших. Лицензия нужна только тем, кто работает "
                     "сейчас (без даты ухода)."),
        Mistake(name="revenue_not_margin",
                value=lambda: _break_even(value=meeting_value() / unit_economics.gross_margin_for_period(
                    table("mrr"), table("cogs"), *course.YEAR_2025)),
                hint="Похоже, встреча оценена выручкой, а не валовой прибылью. Лицензию окупает валовая прибыль: "
                     "ценность встречи meeting_gp уже умножена на валовую маржу — берите её как есть."),
    ],
    correct_message=lambda: (
        f"Порог — {fmt.pct(_break_even(), 1)} прироста ответов. Наблюдаемая связь балла с ответами его превышает, "
        f"но она завышена. Тестом такой прирост не поймать: на первых письмах нужно около "
        f"{fmt.plural(round(ab_months(_break_even())[1] / 12), 'год', 'года', 'лет')} потока. Решайте по цене и риску: короткое обратимое "
        "испытание на нескольких местах и быстрые признаки — время на письмо, доля персональных писем."),
)


quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Поставщик ассистента пишет: «письма, которые наш сервис оценил на 90+, получают вдвое больше ответов». "
            "Что это доказывает?",
            (
                Option("Что ассистент удвоит ответы вашей команды", False,
                       "Это связь балла с ответами на чужих письмах. Хорошие письма пишут сильные продавцы и в "
                       "тёплые сегменты — часть «удвоения» дал бы отбор, а не сервис."),
                Option("Что балл связан с ответами; эффект ассистента на вашу команду покажет только тест", True,
                       "Связь балла с исходом — необходимое условие, но не эффект. Эффект измеряют A/B-тестом "
                       "(раздел 10.2), но у команды из десятка SDR и BDR он заметит только большой прирост или вред; "
                       "прирост в несколько процентов тестом не поймать, и решение остаётся за ценой и риском."),
                Option("Ничего: данные поставщика всегда ложны", False,
                       "Слишком сильно. Данные поставщика полезны как гипотеза; их слабость — в отборе и в том, что "
                       "опубликованы лучшие цифры, а не в том, что они выдуманы."),
            ),
        ),
        Question(
            "Команда получила премию за средний балл писем выше 6. Через квартал балл вырос, а ответов не прибавилось. "
            "Что случилось?",
            (
                Option("Продавцы научились проходить проверки, не улучшая письма: вставили вопрос и название компании "
                       "для галочки", True,
                       "Это закон Гудхарта: мера, ставшая целью, перестаёт быть хорошей мерой. Балл — подсказка при "
                       "написании, а цель отдела — встречи."),
                Option("Оценщик сломался", False,
                       "Оценщик считает то же, что и раньше. Изменилось поведение: письма подгоняют под проверки."),
                Option("Ответы вырастут позже — письма работают с задержкой", False,
                       "На первое письмо отвечают в первые дни; квартал — достаточный срок, чтобы увидеть эффект."),
            ),
        ),
        Question(
            "Crystal предлагает писать получателю коротко и с цифрами, потому что по его публичным текстам он «тип D» "
            "по DISC. Как относиться к такому совету?",
            (
                Option("Как к гипотезе: тип по текстам угадывается слабо, а сам DISC плохо подтверждён исследованиями", True,
                       "Корреляции предсказанных по текстам черт с анкетами — около 0,3–0,4, а у DISC мало "
                       "независимых проверок. Короткое письмо с цифрой проверяйте тестом, а не типом."),
                Option("Как к надёжной рекомендации: алгоритм угадывает тип точнее человека", False,
                       "Точность предсказания личности по текстам в исследованиях скромная, и вне обучающих данных "
                       "она падает."),
                Option("Как к нарушению закона: профилировать людей по открытым данным запрещено", False,
                       "Не так прямо: профиль по публичным текстам — это обработка персональных данных, и 152-ФЗ требует "
                       "для неё основания, но сам по себе совет о тоне письма законом не запрещён."),
            ),
        ),
    ],
)
