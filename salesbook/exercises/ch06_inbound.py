"""Упражнения раздела 6.1 «Inbound-маркетинг» (обе части).

Эталоны считаются функциями ``salesbook.toolkit.inbound`` на данных курса; каждая
типичная ошибка — тот же расчёт с одной конкретной ошибкой. Часть 1 — упражнения
q1–q4 и ``quiz``, часть 2 — q5–q7 и ``quiz_sla``.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from salesbook.data.generator.params import inbound as ad_params
from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import acquisition, course, inbound, unit_economics

SECTION = "ch06.inbound"
TITLE = "6.1. Inbound-маркетинг"

#: Год когорты лидов для цепочки: у лидов 2024 года был год, чтобы дойти до сделки.
CHAIN_YEAR = course.YEAR_2024
#: Стоимость каждого из двух проектов агентства в упражнении 4 на год, ₽ (условие задачи).
PROJECT_COST_RUB = 500_000
#: Рост рычага в упражнении 4 и в тексте раздела: +10 % (относительный).
LIFT = 0.10
#: SLA раздела: первое касание входящего лида — не позже одного рабочего дня после заявки.
SLA_WORKDAYS = 1
#: Год, по которому считают нарушения SLA в упражнениях 5 и 6.
SLA_YEAR = course.YEAR_2025
GENERIC = ("yandex_direct", "search_generic")


def gross_margin() -> float:
    """Валовая маржа B2B за год когорты — для ценности клиента и лида."""
    return unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *CHAIN_YEAR)


@lru_cache(maxsize=None)
def chain_table(start=CHAIN_YEAR[0], end=CHAIN_YEAR[1], by=("ad_platform", "campaign")) -> pd.DataFrame:
    """Цепочка по кампаниям за период (``inbound.paid_chain``); таблица общая для проверок — не меняйте её."""
    return inbound.paid_chain(table("ad_campaigns"), table("ad_leads"), table("leads"), table("opportunities"),
                              start, end, by=by)


def pooled_acv(key=None) -> float:
    """Средний ACV клиентов кампании по лидам 2023–2025 годов, ₽: за один год клиентов слишком мало."""
    return float(chain_table(*course.HISTORY).loc[key or GENERIC, "acv_rub"])


def content_lead_value() -> float:
    """Валовая прибыль первого года с одного лида канала content (когорта 2024 года), ₽."""
    return inbound.lead_value(table("leads"), table("opportunities"), "content", *CHAIN_YEAR, gross_margin())


# ---------------------------------------------------------------------------
# 1. CAC общего поиска
# ---------------------------------------------------------------------------


def _generic(column: str) -> float:
    return float(chain_table().loc[GENERIC, column])


def _cac_close_date() -> float:
    """Ошибка: клиенты общего поиска по дате закрытия сделки в 2024 году, а не по когорте лидов 2024 года."""
    links = table("ad_leads")
    ids = links.loc[links["campaign_id"] == "C2", "lead_id"]
    deals = acquisition.new_customer_deals(table("opportunities"))
    n = (deals["lead_id"].isin(ids) & acquisition.in_period(deals["close_date"], *CHAIN_YEAR)).sum()
    return acquisition.cac(_generic("spend_rub"), n)


q1 = Exercise(
    id="ch06.inbound.q1",
    title="Медийный CAC общего поиска",
    var="cac_generic",
    expected=lambda: _generic("cac"),
    compare=Number(rel_tol=0.005),
    hints=[
        "Возьмите строку ('yandex_direct', 'search_generic') таблицы inbound.paid_chain за 2024 год: расход, лиды, "
        "доля лидов, ставших клиентами.",
        "CAC = CPL / (доля лидов, ставших клиентами) = расход / клиенты из лидов 2024 года.",
    ],
    mistakes=[
        Mistake(name="cpl", value=lambda: _generic("cpl"),
                hint="Это CPL — цена лида. До клиента доходит только часть лидов: разделите CPL на долю лидов, ставших клиентами."),
        Mistake(name="cost_per_click_customer", value=lambda: _generic("spend_rub") / _generic("clicks"),
                hint="Это цена клика (CPC). Цепочка идёт дальше: клик → лид (CVR) → клиент."),
        Mistake(name="close_date", value=_cac_close_date,
                hint="Вы взяли клиентов, чьи сделки закрылись в 2024 году. Для годового CAC канала так можно (раздел 1.1.1), "
                     "но кампании сравнивают по клиентам из лидов, созданных в 2024 году (когорта), как в таблице раздела."),
    ],
    correct_message="Медийный CAC — только реклама: полный CAC раздела 1.1.1 добавит зарплаты SDR, AE и маркетинга.",
)


# ---------------------------------------------------------------------------
# 2. Слабое звено: кампания с самым дорогим клиентом
# ---------------------------------------------------------------------------


def _campaign_ids() -> dict[tuple, str]:
    ads = table("ad_campaigns").drop_duplicates("campaign_id")
    return {(p, c): i for i, p, c in zip(ads["campaign_id"], ads["ad_platform"], ads["campaign"])}


#: Параметры ленты VK в генераторе: доля бюджета и доля лидов канала social.
_FEED = next(c for c in ad_params.CAMPAIGNS if c[0] == "C5")


def _argmax(column: str) -> str:
    return _campaign_ids()[chain_table()[column].idxmax()]


q2 = Exercise(
    id="ch06.inbound.q2",
    title="Самое слабое звено",
    var="weakest_campaign",
    expected=lambda: _argmax("cac"),
    compare=Choice(["C1", "C2", "C3", "C4", "C5", "C6", "C7"]),
    hints=[
        "Слабое звено — не самый дорогой клик, а самый дорогой клиент: сравните медийный CAC кампаний за 2024 год.",
        "idxmax() по столбцу cac таблицы inbound.paid_chain даст пару (площадка, кампания); её campaign_id — в ad_campaigns.",
    ],
    mistakes=[
        Mistake(name="cpc", value=lambda: _argmax("cpc"),
                hint="Это кампания с самым дорогим кликом. Дорогой клик окупается, если клики превращаются в клиентов: сравнивайте CAC."),
        Mistake(name="cheapest", value=lambda: _campaign_ids()[chain_table()["cac"].idxmin()],
                hint="Это кампания с самым дешёвым клиентом — самое сильное звено, а не слабое. Нужен самый большой CAC."),
    ],
    correct_message=f"Лента VK даёт дешёвые клики, но лид у неё дорогой: она забирает {_FEED[5] * 100:.0f}\u00a0% бюджета канала social и получает "
                    f"{_FEED[8] * 100:.0f}\u00a0% его лидов (так заданы данные), поэтому и клиент самый дорогой. Её низкая доля лидов, ставших клиентами, "
                    "держится на полутора десятках клиентов — это может быть шум. Урезать или менять креатив стоит из-за цены лида.",
)


# ---------------------------------------------------------------------------
# 3. Сколько статей не окупились
# ---------------------------------------------------------------------------


def _unpaid(value_per_lead: float, fresh_only: bool = True) -> int:
    arts = table("articles")
    if not fresh_only:
        leads = arts.groupby("article_id").agg(leads=("leads", "sum"), cost=("cost_rub", "first"))
        return int((leads["leads"] * value_per_lead < leads["cost"]).sum())
    pb = inbound.article_payback(arts, value_per_lead)
    return int((pb["roi"] < 0).sum())


def _revenue_value() -> float:
    return content_lead_value() / gross_margin()


q3 = Exercise(
    id="ch06.inbound.q3",
    title="Статьи, которые не окупились",
    var="unpaid_articles",
    expected=lambda: _unpaid(content_lead_value()),
    compare=Number(rel_tol=0, abs_tol=0.5, generic_mistakes=False),
    hints=[
        "Ценность лида — lead_value: валовая прибыль первого года с одного лида канала content (когорта 2024 года).",
        "inbound.article_payback(articles, lead_value) — по статьям, опубликованным в 2023–2025 годах; "
        "не окупилась статья с roi < 0.",
    ],
    mistakes=[
        Mistake(name="revenue", value=lambda: _unpaid(_revenue_value()),
                hint="Похоже, лид оценён по выручке (ACV), а не по валовой прибыли: умножьте на валовую маржу."),
        Mistake(name="catalogue", value=lambda: _unpaid(content_lead_value(), fresh_only=False),
                hint="Вы посчитали и статьи каталога 2022 года: их стоимость потрачена до начала данных, а лиды первых месяцев "
                     "в таблицу не попали. Берите статьи, опубликованные с 2023 года."),
    ],
    correct_message="Большинство статей окупаются, но не все: результат держат несколько сильных статей с длинным хвостом.",
)


# ---------------------------------------------------------------------------
# 4. Какой проект купить: CTR или CVR
# ---------------------------------------------------------------------------


def _gain(lever: str, margin: bool = True, acv: float | None = None) -> float:
    row = chain_table().loc[GENERIC]
    gm = gross_margin()
    g = inbound.lever_gain(row["spend_rub"], row["cpc"], row["ctr"], row["cvr"], row["lead_to_customer"],
                           acv if acv is not None else pooled_acv(), gm, billing="cpc", lever=lever, lift=LIFT)
    return g if margin else g / gm


def best_project_net() -> float:
    """Валовая прибыль первого года от лучшего проекта минус его стоимость, ₽."""
    return max(_gain("ctr"), _gain("cvr")) - PROJECT_COST_RUB


q4 = Exercise(
    id="ch06.inbound.q4",
    title="Объявления или посадочная страница",
    var="best_net_rub",
    expected=best_project_net,
    compare=Number(rel_tol=0.02),
    hints=[
        "Общий поиск оплачивается за клик: при том же бюджете кликов столько же, сколько раньше. Что тогда даёт рост CTR?",
        "inbound.lever_gain(...) для lever='ctr' и lever='cvr' с billing='cpc' и lift=0.10; ACV — из inbound.paid_chain "
        "за course.HISTORY (лиды 2023–2025 годов); из лучшего вычтите стоимость проекта.",
    ],
    mistakes=[
        Mistake(name="ctr", value=lambda: _gain("ctr") - PROJECT_COST_RUB,
                hint="Вы выбрали рост CTR. При оплате за клик и том же бюджете он не добавляет кликов — растёт только CVR."),
        Mistake(name="acv_2024", value=lambda: _gain("cvr", acv=_generic("acv_rub")) - PROJECT_COST_RUB,
                hint="Вы взяли ACV клиентов только 2024 года: у кампании за год несколько десятков клиентов, и пара крупных "
                     "сделок сдвигает средний чек. По условию ACV — средний по лидам 2023–2025 годов."),
        Mistake(name="no_cost", value=lambda: max(_gain("ctr"), _gain("cvr")),
                hint="Проект не бесплатный: вычтите его стоимость."),
        Mistake(name="revenue", value=lambda: max(_gain("ctr", False), _gain("cvr", False)) - PROJECT_COST_RUB,
                hint="Вы посчитали выручку (ACV) новых клиентов, а не валовую прибыль: умножьте ACV на валовую маржу."),
    ],
    correct_message="При оплате за клик платят за посетителя, поэтому рубли даёт то, что происходит после клика: посадочная страница и форма.",
)


# ---------------------------------------------------------------------------
# Часть 2. 5. Нарушения SLA в 2025 году
# ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def touches() -> pd.DataFrame:
    """Первые касания SDR по входящим лидам (``inbound.first_touch``); таблица общая для проверок — не меняйте её."""
    return inbound.first_touch(table("leads"), table("activities"))


def _year(t: pd.DataFrame, period=SLA_YEAR) -> pd.DataFrame:
    return t[acquisition.in_period(t["created_date"], *period)]


def _breaches(max_days: int = SLA_WORKDAYS, calendar: bool = False, period=SLA_YEAR) -> int:
    t = _year(touches(), period)
    delay = (t["first_touch"] - t["created_date"]).dt.days if calendar else t["delay_workdays"]
    return int((delay > max_days).sum())


q5 = Exercise(
    id="ch06.inbound.q5",
    title="Нарушения SLA за 2025 год",
    var="breaches_2025",
    expected=lambda: _breaches(),
    compare=Number(rel_tol=0, abs_tol=0.5, generic_mistakes=False),
    hints=[
        "Таблица inbound.first_touch(leads, activities): у каждого лида есть delay_workdays — рабочих дней от заявки до касания.",
        "Нарушение — касание позже одного рабочего дня: delay_workdays > 1, для лидов, созданных в 2025 году.",
    ],
    mistakes=[
        Mistake(name="calendar", value=lambda: _breaches(calendar=True),
                hint="Вы считали календарные дни: заявка в пятницу и звонок в понедельник — это нарушение по календарю, но не по SLA "
                     "в рабочих днях. Берите delay_workdays."),
        Mistake(name="ge", value=lambda: _breaches(max_days=SLA_WORKDAYS - 1),
                hint="Вы считаете нарушением и касание на следующий рабочий день. По SLA раздела это в срок: нарушение — больше одного дня."),
        Mistake(name="all_years", value=lambda: _breaches(period=course.HISTORY),
                hint="Вы посчитали нарушения за все три года. Нужен 2025 год — по дате заявки."),
    ],
    correct_message="Каждое нарушение — лид, который ждал звонка дольше договорённого.",
)


# ---------------------------------------------------------------------------
# 6. У кого из SDR чаще нарушения
# ---------------------------------------------------------------------------


def _worst(column: str = "breach_rate") -> str:
    return str(inbound.sla_breaches(_year(touches()), SLA_WORKDAYS)[column].idxmax())


q6 = Exercise(
    id="ch06.inbound.q6",
    title="SDR с самой высокой долей нарушений",
    var="worst_sdr",
    expected=_worst,
    compare=Choice(["R005", "R006", "R014", "R017", "R021", "R030", "R042"]),
    hints=[
        "inbound.sla_breaches(таблица касаний 2025 года, 1) даст по каждому SDR лиды, нарушения и их долю.",
        "Возьмите idxmax() по столбцу breach_rate — доля, а не число нарушений.",
    ],
    mistakes=[
        Mistake(name="count", value=lambda: _worst("breaches"),
                hint="Это SDR с наибольшим числом нарушений: у него просто больше лидов. Сравнивайте долю нарушений."),
    ],
    correct_message="Но посмотрите, сколько лидов у этого SDR за год: разговор начинают с фактов — какие заявки ждали и почему.",
)


# ---------------------------------------------------------------------------
# 7. Во что обходится нарушение: разница в доле SQL
# ---------------------------------------------------------------------------


def sql_gap(period=(course.YEAR_2024[0], course.YEAR_2025[1]), column: str = "sql") -> float:
    """Доля SQL у лидов с касанием в срок минус у лидов с нарушением SLA, процентные пункты."""
    t = _year(touches(), period)
    late = t["delay_workdays"] > SLA_WORKDAYS
    return float((t.loc[~late, column].mean() - t.loc[late, column].mean()) * 100)


q7 = Exercise(
    id="ch06.inbound.q7",
    title="Разница в доле SQL",
    var="sql_gap_pp",
    expected=sql_gap,
    compare=Number(rel_tol=0.02, abs_tol=0.05),
    hints=[
        "Возьмите касания лидов 2024–2025 годов, разделите на «в срок» (delay_workdays ≤ 1) и «нарушение».",
        "Доля SQL — среднее столбца sql; ответ — разница «в срок» минус «нарушение» в процентных пунктах (×100).",
    ],
    mistakes=[
        Mistake(name="opportunity", value=lambda: sql_gap(column="opportunity"),
                hint="Вы сравнили долю лидов со сделкой. В задаче — доля SQL: столбец sql."),
    ],
    correct_message="Разница есть, но посмотрите на её интервал в тексте раздела, прежде чем переводить её в рубли.",
)


# ---------------------------------------------------------------------------
# Вопросы для самопроверки
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Кампания оплачивается за клик. Агентство обещает поднять CTR на 20 % при том же бюджете. Что будет с лидами?",
            (
                Option("Вырастут на 20 %", False,
                       "Бюджет покупает клики по цене клика; больше кликов при том же бюджете не будет. CTR помогает, только "
                       "если аукцион снизит цену клика или бюджет вырастет."),
                Option("Почти не изменятся, пока не изменятся цена клика или CVR", True,
                       "Верно: при оплате за клик CPL = CPC / CVR, и CTR в эту формулу не входит."),
                Option("Упадут: высокий CTR приводит нецелевых людей", False,
                       "Может быть, но это не следствие формулы; формула говорит, что напрямую CTR на CPL не влияет."),
            ),
        ),
        Question(
            "Брендовый поиск даёт самый дешёвый лид и клиента. Почему не перевести туда весь бюджет?",
            (
                Option("Брендовых запросов столько, сколько людей уже знают компанию: бюджет выше этого спроса не купит новых лидов",
                       True, "Верно: объём брендового поиска задают другие каналы (контент, мероприятия, сарафан), и часть этих "
                             "людей пришла бы и без рекламы — через органическую выдачу."),
                Option("Яндекс запрещает тратить на бренд больше половины бюджета", False, "Такого правила нет."),
                Option("Брендовые лиды хуже конвертируются в клиентов", False,
                       "В наших данных наоборот: брендовые лиды чаще доходят до сделки."),
            ),
        ),
        Question(
            "Статья на Хабре дала 30 лидов в первый месяц и по одному в следующие. Статья в блоге — 2 лида в первый месяц и "
            "по 3 в каждый следующий. Какая ценнее через два года?",
            (
                Option("Статья на Хабре: всплеск больше", False, "За 24 месяца блог даст 2 + 23 · 3 = 71 лид, Хабр — 30 + 23 = 53."),
                Option("Статья в блоге: длинный поисковый хвост обгоняет всплеск", True,
                       "Верно: контент — актив, и сравнивать статьи надо по накопленным лидам за срок жизни, а не по первому месяцу."),
                Option("Одинаково: обе статьи приносят лиды", False, "Посчитайте накопленные лиды за 24 месяца."),
            ),
        ),
    ],
)

quiz_sla = Quiz(
    id=f"{SECTION}.sla",
    questions=[
        Question(
            "Что показало исследование Олдройда и соавторов (HBR, 2011)?",
            (
                Option("Компании, связавшиеся с лидом в течение часа, почти в 7 раз чаще квалифицировали его, чем те, кто связался часом позже",
                       True, "Верно: 1,25 млн лидов 42 американских компаний; «квалифицировать» — поговорить с тем, кто принимает "
                             "решение. Это наблюдательное исследование: связь, а не доказанная причина."),
                Option("Звонок в первые 5 минут повышает выручку в 7 раз", False,
                       "Исследование мерило квалификацию лида, а не выручку, и про первый час, а не пять минут."),
                Option("Скорость реакции важна только в B2C", False, "В выборке были и B2C, и B2B компании."),
            ),
        ),
        Question(
            "В данных «Сферы Софт» лиды с нарушением SLA доходят до SQL реже, но 95-процентный интервал разницы включает ноль. Что делать?",
            (
                Option("Отменить SLA: данные не доказали вред", False,
                       "Отсутствие доказательства — не доказательство отсутствия: нарушений мало, и тест не различает эффект такого размера."),
                Option("Держать SLA как правило сервиса, а его цену оценивать по опубликованным исследованиям и своему эксперименту", True,
                       "Верно: срок реакции дёшево соблюдать; связь быстрой реакции с квалификацией видна на 1,25 млн лидов "
                       "(наблюдательное исследование), а на нашей выборке её не различить."),
                Option("Перевести разницу в рубли как точную цену нарушения", False,
                       "Разница в пределах шума: в рубли её переводят вместе с интервалом, а не одной точкой."),
            ),
        ),
        Question(
            "Форма заявки на сайте с 1 сентября 2025 года:",
            (
                Option("Может прятать согласие на обработку персональных данных в пользовательском соглашении", False,
                       "Поправки 156-ФЗ к статье 9 152-ФЗ требуют согласие отдельным документом."),
                Option("Должна получать согласие на обработку персональных данных отдельным документом, а не строкой в оферте", True,
                       "Верно: отдельный документ (или отдельная форма с галочкой), отдельно от других согласий."),
                Option("Может собирать телефон без согласия, если лид — компания", False,
                       "Контакт в заявке — данные физического лица, даже если он пишет от компании."),
            ),
        ),
    ],
)
