"""Упражнения раздела 6.2 «Outbound-маркетинг».

Эталоны считаются функциями ``salesbook.toolkit.outbound`` (тесты на ручных примерах —
``tests/test_outbound.py``), ценность встречи — ``sales_scripts.meeting_value`` (раздел 3.3);
каждая типичная ошибка — тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

import numpy as np

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, outbound, planning, sales_scripts, unit_economics

SECTION = "ch06.outbound"
TITLE = "6.2. Outbound-маркетинг"

#: План SQL из исходящего канала на месяц 2026 года в упражнении 1 (решение руководителя, не данные).
SQL_TARGET = 35
#: Поставщик данных в упражнении 5: цена годовой подписки с проверенными контактами ЛПР, ₽
#: (допущение упражнения, не цена конкретного сервиса).
PROVIDER_PRICE_RUB = 1_500_000
#: Обещание поставщика: проверенные контакты дают на 10 % больше встреч на лид (допущение упражнения).
PROVIDER_UPLIFT = 0.10
#: Горизонт решения, месяцев.
HORIZON_MONTHS = 12

Y25 = course.YEAR_2025


def _curve(start=Y25[0], end=Y25[1]):
    return sales_scripts.touch_curve(table("activities"), table("leads"), channel="outbound", start=start, end=end)


def _rates(start=Y25[0], end=Y25[1]) -> dict:
    y = outbound.sequence_yield(_curve(start, end))
    return {"mpl": float(y["meetings_per_lead"]), "tpl": float(y["touches_per_lead"]),
            "m2s": outbound.meeting_to_sql(table("activities"), table("leads"), start, end),
            "valid": outbound.valid_contact_share(table("leads"), start, end)}


# ---------------------------------------------------------------------------
# 1. Сколько контактов нужно на план SQL
# ---------------------------------------------------------------------------


def contacts_needed(start=Y25[0], end=Y25[1], use_m2s=True, use_valid=True, mpl=None) -> float:
    r = _rates(start, end)
    meetings = SQL_TARGET / r["m2s"] if use_m2s else SQL_TARGET
    plan = outbound.sequence_plan(meetings, r["mpl"] if mpl is None else mpl, r["tpl"], r["valid"] if use_valid else 1.0)
    return float(plan["contacts"])


q1 = Exercise(
    id="ch06.outbound.q1",
    title="Сколько контактов нужно на план SQL",
    var="contacts_per_month",
    expected=contacts_needed,
    compare=Number(rel_tol=0.01),
    hints=[
        "Идите от SQL назад: встреч = SQL / доля встреч, ставших SQL; лидов = встреч / встреч на лид; "
        "контактов = лидов / доля годных контактов.",
        "Все три доли — за 2025 год: outbound.sequence_yield(кривая 2025 года)['meetings_per_lead'], "
        "outbound.meeting_to_sql(acts, leads, *course.YEAR_2025), outbound.valid_contact_share(leads, *course.YEAR_2025). "
        "outbound.sequence_plan округлит вверх на каждом шаге.",
    ],
    mistakes=[
        Mistake(name="sql_as_meetings", value=lambda: contacts_needed(use_m2s=False),
                hint="Вы приравняли SQL к встречам. У BDR SQL становится только часть встреч-знакомств: "
                     "сначала разделите план SQL на долю встреч, ставших SQL."),
        Mistake(name="no_valid_share", value=lambda: contacts_needed(use_valid=False),
                hint="Это число лидов, а не контактов в списке: часть контактов окажется негодной (не тот человек, "
                     "ушёл из компании). Разделите на долю годных контактов."),
        Mistake(name="per_touch_rate", value=lambda: contacts_needed(mpl=float(_curve()["meeting_rate"].mean())),
                hint="Вы взяли среднюю долю встреч на одно касание. Лид проходит всю цепочку, и встреч на лид "
                     "больше: суммируйте встречи по всем касаниям и делите на лидов первого касания."),
        Mistake(name="history", value=lambda: contacts_needed(*course.HISTORY),
                hint="Вы взяли доли за 2023–2025 годы. Для плана на 2026 год берите последний год, 2025."),
    ],
    correct_message="Контактов нужно в разы больше, чем встреч: список — первое, что кончается у исходящей команды.",
)

# ---------------------------------------------------------------------------
# 2. Домен, который пересёк порог жалоб
# ---------------------------------------------------------------------------


def _label(domain: str, period) -> str:
    return f"{domain} {period:%Y-%m}"


def _labels(health) -> list[str]:
    return [_label(d, p) for d, p in health.index]


def _flagged(limit: float, freq: str = "M") -> list[str]:
    health = outbound.domain_health(table("mailboxes"), freq)
    return _labels(outbound.flag_domains(health, complaint_limit=limit, bounce_limit=1.0))


def breach() -> str:
    """Единственный домен-месяц с долей жалоб выше 0,3 %."""
    found = _flagged(outbound.SPAM_RATE_LIMIT)
    return found[0]


def _monthly_options() -> list[str]:
    return _labels(outbound.domain_health(table("mailboxes")))


def _sent_base_max() -> str:
    health = outbound.domain_health(table("mailboxes"))
    rate = health["complaints"] / health["sent"]
    return _label(*rate.idxmax())


class _DomainMonth(Choice):
    """Выбор «домен ГГГГ-ММ» из всех доменов-месяцев таблицы mailboxes (список — при проверке, не при импорте)."""

    def normalize(self, value):
        return Choice(_monthly_options()).normalize(value)


q2 = Exercise(
    id="ch06.outbound.q2",
    title="Какой домен пересёк порог жалоб Google",
    var="breach",
    expected=breach,
    compare=_DomainMonth(options=()),
    hints=[
        "Сложите по домену и месяцу жалобы и доставленные письма (outbound.domain_health) и разделите одно на другое.",
        "Порог «никогда не доходить» — 0,3 % (0,003). Ответ — строка «домен ГГГГ-ММ», например 'example.ru 2023-05' (такой домен-месяц один).",
    ],
    mistakes=[
        Mistake(name="target_not_limit", matches=lambda a: a in _flagged(outbound.SPAM_RATE_TARGET) and a != breach(),
                hint="Этот месяц выше 0,1 % — цели Google, но не выше предела 0,3 %. При сотнях писем в месяц одна-две "
                     "жалобы уже дают 0,1 %: это повод присмотреться, а не остановить домен. Ищите месяц выше 0,3 %."),
        Mistake(name="not_flagged", matches=lambda a: a not in _flagged(outbound.SPAM_RATE_TARGET),
                hint="В этом месяце доля жалоб у домена ниже и 0,1 %, и 0,3 %. Проверьте, что делите жалобы на "
                     "доставленные письма этого домена за этот месяц."),
    ],
    correct_message="Это месяц рассылки по купленной базе: жалобы и возвраты выросли вместе, попадание во «Входящие» упало.",
)

# ---------------------------------------------------------------------------
# 3. Стоимость встречи исходящего канала
# ---------------------------------------------------------------------------


def _meetings_2025() -> float:
    return float(outbound.bdr_capacity(table("rep_daily_activity"), table("reps"), table("activities"), *Y25)["meetings"])


def cost_per_meeting(start=Y25[0], end=Y25[1], part: str = "total", divide_by: str = "meetings") -> float:
    costs = outbound.channel_costs(table("marketing_spend"), table("sm_costs"), start, end, "outbound")
    total = {"total": costs["total"], "media": costs["media"], "no_tax": costs["media"] + costs["team"]}[part]
    if divide_by == "sqls":
        n = outbound.sqls(table("leads"), start, end, "outbound")
    else:
        n = outbound.bdr_capacity(table("rep_daily_activity"), table("reps"), table("activities"), start, end)["meetings"]
    return outbound.cost_per_result(total, n)


def _salary_only() -> float:
    sm = table("sm_costs")
    rows = sm[(sm["role"] == "BDR") & (sm["cost_type"] == "salary") & (sm["month"].dt.year == 2025)]
    costs = outbound.channel_costs(table("marketing_spend"), sm, *Y25, "outbound")
    return (costs["media"] + rows["amount_rub"].sum() * (1 + course.PAYROLL_TAX_RATE)) / _meetings_2025()


q3 = Exercise(
    id="ch06.outbound.q3",
    title="Полная стоимость встречи исходящего канала в 2025 году",
    var="cost_per_meeting_2025",
    expected=cost_per_meeting,
    compare=Number(rel_tol=0.01),
    hints=[
        "Затраты канала за 2025 год: бюджет канала outbound (базы и сервисы обзвона) + оклады и премии BDR "
        "со страховыми взносами — outbound.channel_costs(spend, sm_costs, *course.YEAR_2025)['total'].",
        "Разделите на встречи, назначенные BDR в 2025 году: касания meeting_booked сотрудников с ролью BDR "
        "(outbound.bdr_capacity(...)['meetings']).",
    ],
    mistakes=[
        Mistake(name="media_only", value=lambda: cost_per_meeting(part="media"),
                hint="Это только бюджет на базы и сервисы обзвона. Главная статья исходящего канала — люди: "
                     "добавьте оклады и премии BDR со страховыми взносами."),
        Mistake(name="no_payroll_tax", value=lambda: cost_per_meeting(part="no_tax"),
                hint="Оклады и премии BDR взяты без страховых взносов: умножьте их на (1 + course.PAYROLL_TAX_RATE)."),
        Mistake(name="salary_no_bonus", value=_salary_only,
                hint="В затратах только оклады BDR, а премии за встречи и SQL — тоже расход канала: добавьте cost_type == 'bonus'."),
        Mistake(name="per_sql", value=lambda: cost_per_meeting(divide_by="sqls"),
                hint="Это стоимость SQL: вы разделили на SQL, а нужно на назначенные встречи."),
        Mistake(name="history", value=lambda: cost_per_meeting(*course.HISTORY),
                hint="Это средняя за 2023–2025 годы. Задание — про 2025 год: и затраты, и встречи за 2025-й."),
    ],
    correct_message="Сравните с ценностью встречи из раздела 3.3: встреча окупается с запасом — пока у AE есть время на новые встречи.",
)

# ---------------------------------------------------------------------------
# 4–5. Нанять ещё одного BDR или купить поставщика данных
# ---------------------------------------------------------------------------


def _gross_margin() -> float:
    return unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *Y25)


def _meeting_value() -> float:
    return sales_scripts.meeting_value(table("activities"), table("leads"), table("opportunities"), _gross_margin(),
                                       channel="outbound")


def _ae_commission_per_meeting(tax: bool = True) -> float:
    """Комиссия AE со взносами на одну встречу: ожидаемый ACV выигранных сделок на встречу
    (ценность встречи / валовая маржа) × доля премий AE в ACV выигранных сделок 2025 года."""
    rate = outbound.ae_commission_rate(table("sm_costs"), table("opportunities"), *Y25)
    return _meeting_value() / _gross_margin() * rate * ((1 + course.PAYROLL_TAX_RATE) if tax else 1.0)


def _bonus_per_meeting() -> float:
    sm = table("sm_costs")
    bonus = sm[(sm["role"] == "BDR") & (sm["cost_type"] == "bonus") & (sm["month"].dt.year == 2025)]["amount_rub"].sum()
    return float(bonus) * (1 + course.PAYROLL_TAX_RATE) / _meetings_2025()


def _lead_cost() -> float:
    costs = outbound.channel_costs(table("marketing_spend"), table("sm_costs"), *Y25, "outbound")
    leads = table("leads")
    n = int(((leads["channel"] == "outbound") & (leads["created_date"].dt.year == 2025)).sum())
    return float(costs["media"]) / n


def bdr_net(ramp: bool = True, lead_cost: bool = True, bonus: bool = True, tax: bool = True,
            ae_commission: bool = True) -> float:
    """Чистый эффект найма ещё одного BDR на 12 месяцев при свободной мощности AE, ₽:
    валовая прибыль встреч минус оклад, премии BDR, комиссия AE и лиды."""
    reps = table("reps")
    per_month = float(outbound.bdr_capacity(table("rep_daily_activity"), reps, table("activities"), *Y25)["meetings_per_bdr_month"])
    ramp_months = float(reps.loc[reps["role"] == "BDR", "ramp_months"].mean())
    months = float(planning.ramp_factor(np.arange(1, HORIZON_MONTHS + 1), ramp_months).sum()) if ramp else HORIZON_MONTHS
    meetings = per_month * months
    salary = sales_scripts.loaded_monthly_salary(reps, "BDR", course.PAYROLL_TAX_RATE if tax else 0.0) * HORIZON_MONTHS
    leads_needed = meetings / float(outbound.sequence_yield(_curve())["meetings_per_lead"])
    cost = salary + (leads_needed * _lead_cost() if lead_cost else 0.0) + (meetings * _bonus_per_meeting() if bonus else 0.0)
    cost += meetings * _ae_commission_per_meeting() if ae_commission else 0.0
    return meetings * _meeting_value() - cost


def provider_net(bonus: bool = True, uplift_pp: bool = False) -> float:
    """Чистый эффект подписки на поставщика данных на 12 месяцев при свободной мощности AE, ₽
    (без цены юридического риска и риска доставляемости купленных контактов)."""
    base = _meetings_2025()
    if uplift_pp:
        extra = PROVIDER_UPLIFT * float(outbound.sequence_yield(_curve())["leads"])
    else:
        extra = base * PROVIDER_UPLIFT
    per_meeting = _meeting_value() - _ae_commission_per_meeting() - (_bonus_per_meeting() if bonus else 0.0)
    return extra * per_meeting - PROVIDER_PRICE_RUB


q4 = Exercise(
    id="ch06.outbound.q4",
    title="Чистый эффект найма ещё одного BDR за год",
    var="bdr_net_rub",
    expected=bdr_net,
    compare=Number(rel_tol=0.005),
    hints=[
        "Встреч за год = встреч на BDR-месяц 2025 года × сумма planning.ramp_factor(1…12, срок выхода на продуктивность BDR). "
        "Ценность — meeting_gp (валовая прибыль на встречу из раздела 3.3).",
        "Затраты: оклад со взносами × 12 (sales_scripts.loaded_monthly_salary(reps, 'BDR')); премия со взносами на встречу "
        "× встречи; комиссия AE со взносами: встречи × meeting_gp / gross_margin × outbound.ae_commission_rate(sm_costs, opps, "
        "*course.YEAR_2025) × (1 + course.PAYROLL_TAX_RATE); лиды: встречи / встреч на лид × стоимость лида "
        "(бюджет outbound 2025 / исходящие лиды 2025).",
    ],
    mistakes=[
        Mistake(name="no_ramp", value=lambda: bdr_net(ramp=False),
                hint="Новый BDR первый месяц ещё выходит на продуктивность: встреч за год меньше, чем 12 × норма. "
                     "Сложите planning.ramp_factor по месяцам 1…12."),
        Mistake(name="no_leads", value=lambda: bdr_net(lead_cost=False),
                hint="Новому BDR нужны новые контакты: базы и сервисы обзвона стоят денег. Добавьте стоимость лидов, "
                     "которые он проработает."),
        Mistake(name="no_bonus", value=lambda: bdr_net(bonus=False),
                hint="Забыта премия BDR за встречи: это переменный расход на каждую встречу."),
        Mistake(name="no_ae_commission", value=lambda: bdr_net(ae_commission=False),
                hint="Забыта комиссия AE: встречи нового BDR превращаются в выигранные сделки, и с их ACV AE получает "
                     "премию. Вычтите встречи × ожидаемый ACV на встречу (meeting_gp / gross_margin) × доля премий AE "
                     "со взносами."),
        Mistake(name="no_tax", value=lambda: bdr_net(tax=False),
                hint="Оклад взят без страховых взносов: sales_scripts.loaded_monthly_salary(reps, 'BDR') уже включает их."),
    ],
    correct_message="Найм окупается многократно, но это эффект при свободной мощности AE: если AE уже загружены, "
                    "встречи нового BDR вытеснят их собственные сделки, и нужен ещё и AE. И список не должен кончиться.",
)


def decision() -> str:
    return "bdr" if bdr_net() > provider_net() else "provider"


q5 = Exercise(
    id="ch06.outbound.q5",
    title="Нанять BDR или купить поставщика данных",
    var="choice",
    expected=decision,
    compare=Choice(["bdr", "provider"]),
    hints=[
        "Эффект поставщика: дополнительные встречи = встречи BDR 2025 года × 10 %; каждая приносит ценность встречи "
        "минус премию BDR и комиссию AE со взносами (как в упражнении 4); вычтите цену подписки.",
        "Сравните с эффектом найма из предыдущего упражнения: выбирают вариант с большим чистым эффектом в рублях.",
    ],
    mistakes=[
        Mistake(name="cheaper", matches=lambda a: a != decision() and a == "provider",
                hint="Подписка дешевле найма, но решение — по чистому эффекту: ценность дополнительных встреч минус все затраты. "
                     "Посчитайте оба варианта в рублях."),
        Mistake(name="bigger_team", matches=lambda a: a != decision() and a == "bdr",
                hint="Посчитайте оба варианта: у подписки дополнительные встречи появляются у всей команды сразу, без выхода на продуктивность."),
    ],
    correct_message="Решение в рублях. Но у подписки есть цена, которой нет в расчёте: купленные контакты ЛПР — "
                    "риск по 152-ФЗ и 38-ФЗ и по жалобам и возвратам, как в инциденте этого раздела. И оба варианта "
                    "упираются в то, сколько новых встреч успеют провести AE.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "За неделю домену доставили 400 писем, одна жалоба — 0,25 %, выше цели Google 0,1 %. Что делать?",
            (
                Option("Сразу остановить домен", False,
                       "При сотнях писем одна жалоба — шум. Смотрите долю за месяц или за четыре недели и вместе с возвратами и попаданием во «Входящие»."),
                Option("Посмотреть долю за месяц, возвраты и замер попадания во «Входящие» и только потом решать", True,
                       "Да: решение по одной неделе при малом объёме — реакция на шум. Предел 0,3 % за месяц и падение попадания — уже сигнал остановиться."),
                Option("Ничего: порог Google касается только Gmail", False,
                       "Пороги Google — для Gmail, но жалобы портят репутацию домена у всех почтовых служб. Игнорировать нельзя."),
            ),
        ),
        Question(
            "Зачем BDR пишут холодные письма с отдельного домена, а не с основного домена компании?",
            (
                Option("Чтобы жалобы на холодные письма не испортили доставку счетов, писем поддержки и переписки с клиентами", True,
                       "Репутация у домена одна: жалобы на холодную рассылку ударят по всей почте компании."),
                Option("Чтобы получатель не узнал, от какой компании письмо", False,
                       "Нет: отправитель и компания в письме те же. Скрывать компанию — обман и прямой путь к жалобам."),
                Option("Чтобы обойти требование о согласии по закону «О рекламе»", False,
                       "Домен ничего не меняет в законе: реклама без согласия остаётся нарушением, с какого бы адреса её ни отправили."),
            ),
        ),
        Question(
            "BDR собрал из открытых источников список: «Иван Петров, руководитель поддержки, ivan.petrov@company.ru». Что это с точки зрения 152-ФЗ?",
            (
                Option("Персональные данные: имя вместе с рабочим адресом указывает на конкретного человека", True,
                       "Да. Компания, которая хранит такой список в CRM, — оператор персональных данных: нужны основание, учёт источника, хранение в России."),
                Option("Не персональные данные: адрес рабочий, а не личный", False,
                       "Рабочий адрес с именем всё равно относится к конкретному человеку. Контакт организации — это info@ или общий телефон."),
                Option("Не персональные данные, раз они опубликованы", False,
                       "Опубликованные данные остаются персональными; то, что их можно найти, не даёт права на любую обработку."),
            ),
        ),
    ],
)
