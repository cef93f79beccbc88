"""Упражнения раздела 2.4 «Social selling: продажи через соцсети и сообщества».

Эталоны считаются функциями ``salesbook.toolkit.social`` на данных курса; каждая типичная
ошибка — тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number, Table
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, social, unit_economics

SECTION = "ch02.social"
TITLE = "2.4. Social selling: продажи через соцсети и сообщества"

#: Часов в неделю на посты, которые руководитель хочет дать каждому AE (предложение, не данные).
HOURS_PER_WEEK = 2
#: Консервативное допущение руководителя: настоящий прирост — лишь такая доля ценности,
#: которую атрибуция записала на посты (решение руководителя, не данные).
INCREMENTAL_FLOOR = 0.2
#: Период, за который оценивают ценность часа на посты: два последних года.
VALUE_PERIOD = course.YEARS_2024_2025
#: Границы стажа (месяцев) для слоёв в разделе.
TENURE_BINS = (-1, 6, 12, 24, 1000)
TENURE_LABELS = ("до 6 мес.", "6–12 мес.", "12–24 мес.", "больше 24 мес.")


# ---------------------------------------------------------------------------
# Общие расчёты (те же функции, что в тексте раздела)
# ---------------------------------------------------------------------------


def funnel(authors: str = "reps", start=course.HISTORY[0], end=course.HISTORY[1]) -> pd.DataFrame:
    """Воронка постов по площадкам за период (по дате поста)."""
    return social.platform_funnel(table("social_posts"), table("social_post_leads"), table("leads"),
                                  table("opportunities"), start, end, authors=authors)


def panel() -> pd.DataFrame:
    """Панель «AE × месяц» за 2023–2025 годы со слоями стажа."""
    p = social.rep_month_panel(table("social_posts"), table("reps"), table("opportunities"))
    p["tenure_band"] = pd.cut(p["tenure_months"], list(TENURE_BINS), labels=list(TENURE_LABELS))
    return p


def active_ae_salary(as_of: str = course.YEAR_2025[1], team: str | None = None) -> float:
    """Средний оклад AE (команды ``team`` или всех), работающих на дату, ₽ в месяц."""
    r = table("reps")
    on = r[(r["role"] == "AE") & (r["hire_date"] <= as_of) & (r["exit_date"].isna() | (r["exit_date"] > as_of))]
    if team is not None:
        on = on[on["team"] == team]
    return float(on["base_salary_rub"].mean())


def gross_margin() -> float:
    """Валовая маржа B2B 2025 года — та же функция, что в главе 1."""
    return unit_economics.gross_margin_for_period(table("mrr"), table("cogs"), *course.YEAR_2025)


def ae_post_value(start=VALUE_PERIOD[0], end=VALUE_PERIOD[1], margin: bool = True, team: str | None = None) -> dict:
    """Посты AE (команды ``team`` или всех) за период: число, часы, выигранный ACV лидов постов и ценность часа."""
    posts, reps = table("social_posts"), table("reps")
    ae = reps[reps["role"] == "AE"]
    ids = ae.loc[ae["team"] == team, "rep_id"] if team is not None else ae["rep_id"]
    p = posts[posts["author_id"].isin(ids) & posts["date"].between(start, end)]
    f = social.platform_funnel(p, table("social_post_leads"), table("leads"), table("opportunities"), start, end,
                               authors="reps")
    hours = float(social.post_hours(p["platform"]).sum())
    value = float(f["won_acv_rub"].sum()) * (gross_margin() if margin else 1.0)
    return {"posts": len(p), "hours": hours, "value_rub": value, "value_per_hour": value / hours,
            "value_per_post": value / len(p)}


def hour_cost(tax: bool = True, team: str | None = None) -> float:
    return social.rep_hour_cost(active_ae_salary(team=team), course.PAYROLL_TAX_RATE if tax else 0.0)


def selling_hour_value() -> float:
    """Валовая прибыль выигранных AE сделок 2025 года на рабочий час AE, ₽ — цена часа, отнятого у продаж."""
    return social.rep_hour_gross_profit(table("opportunities"), table("reps"), gross_margin(), *course.YEAR_2025)


def hours_per_year() -> float:
    """Часов на посты у одного AE за год: HOURS_PER_WEEK × рабочих недель (рабочие часы года / 40)."""
    return HOURS_PER_WEEK * social.WORK_HOURS_2025 / 40


# ---------------------------------------------------------------------------
# 1. Воронка по площадкам
# ---------------------------------------------------------------------------


def _acv_per_post(authors: str = "reps", per: str = "posts") -> pd.DataFrame:
    f = funnel(authors)
    return (f["won_acv_rub"] / f[per]).rename("won_acv_per_post").to_frame()


q1 = Exercise(
    id="ch02.social.q1",
    title="Выигранный ACV на пост сотрудника по площадкам",
    var="acv_per_post",
    expected=lambda: _acv_per_post(),
    compare=Table(columns=["won_acv_per_post"], rel_tol=0.005),
    hints=[
        "social.platform_funnel(posts, post_leads, leads, opps, authors='reps') соберёт воронку постов "
        "сотрудников по площадкам за 2023–2025 годы.",
        "Разделите столбец won_acv_rub на столбец posts и назовите результат won_acv_per_post "
        "(площадки — в индексе).",
    ],
    mistakes=[
        Mistake(name="with_company", value=lambda: _acv_per_post("all"),
                hint="Вы взяли и посты канала компании. Задание — про посты сотрудников: authors='reps' "
                     "(у постов канала компании author_id пустой)."),
        Mistake(name="per_lead", value=lambda: _acv_per_post(per="leads"),
                hint="Вы разделили на число лидов, а нужно на число постов: сколько выигранного ACV "
                     "в среднем приносит одна публикация."),
        Mistake(name="per_click", value=lambda: _acv_per_post(per="clicks"),
                hint="Вы разделили на число переходов, а нужно на число постов."),
    ],
    correct_message="Больше всего на пост приносят статьи на Хабре и vc.ru, но и часов на них уходит больше. "
                    "Сравнивать площадки честнее на час работы, а не на пост.",
)

# ---------------------------------------------------------------------------
# 2. Наивный и стратифицированный наклон
# ---------------------------------------------------------------------------


def _slope(y: str = "pipeline_rub", strata="team") -> float:
    return social.within_slope(panel(), "posts", y, strata)["slope"]


q2 = Exercise(
    id="ch02.social.q2",
    title="Пайплайн на пост внутри команды",
    var="slope_within_team",
    expected=lambda: _slope(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Наклон внутри команды — коэффициент при posts в регрессии pipeline_rub ~ posts + C(team). "
        "social.within_slope(panel, 'posts', 'pipeline_rub', strata='team') посчитает его вычитанием средних команды.",
        "Возьмите из результата значение по ключу 'slope' — это рубли пайплайна в месяц на один дополнительный пост в месяц.",
    ],
    mistakes=[
        Mistake(name="naive", value=lambda: _slope(strata=None),
                hint="Это наивный наклон по всем AE-месяцам. Задание — сравнить AE внутри одной команды: strata='team'."),
        Mistake(name="team_tenure", value=lambda: _slope(strata=["team", "tenure_band"]),
                hint="Вы добавили слои стажа. Это разумный следующий шаг, но задание — только внутри команды: strata='team'."),
        Mistake(name="won", value=lambda: _slope("won_rub"),
                hint="Вы взяли выигранный ACV (won_rub), а задание — про пайплайн: ACV созданных сделок, pipeline_rub."),
        Mistake(name="rep", value=lambda: _slope(strata="rep_id"),
                hint="Вы сравнили месяцы одного и того же AE (strata='rep_id'). Задание — сравнить AE внутри команды: strata='team'."),
    ],
    correct_message="Внутри команды от «эффекта» поста почти ничего не осталось, а ошибка оценки больше самой оценки.",
)

# ---------------------------------------------------------------------------
# 3. Что объясняет наивную связь
# ---------------------------------------------------------------------------

CONFOUNDER_OPTIONS = ("team", "posts_cause", "reverse", "noise")


def confounder() -> str:
    """Главная причина разницы наивного и внутрикомандного наклона.

    Если команды, где пишут больше, приносят больше пайплайна на AE-месяц, а внутри команд
    наклон не отличим от нуля (|наклон| < 2 ошибки), — это смешение командой.
    """
    p = panel()
    by_team = p.groupby("team")[["posts", "pipeline_rub"]].mean()
    within = social.within_slope(p, "posts", "pipeline_rub", "team", cluster="rep_id")
    if by_team["posts"].corr(by_team["pipeline_rub"]) > 0 and abs(within["slope"]) < 2 * within["se"]:
        return "team"
    return "posts_cause"


q3 = Exercise(
    id="ch02.social.q3",
    title="Почему наивный наклон такой большой",
    var="main_confounder",
    expected=confounder,
    compare=Choice(list(CONFOUNDER_OPTIONS)),
    hints=[
        "Сравните по командам среднее число постов в месяц и средний пайплайн на AE-месяц: "
        "panel.groupby('team')[['posts', 'pipeline_rub']].mean().",
        "Если внутри команды наклон близок к нулю, а между командами и посты, и пайплайн растут вместе, — "
        "что тогда «делает» наивную связь?",
    ],
    mistakes=[
        Mistake(name="posts_cause", matches=lambda a: a == "posts_cause" != confounder(),
                hint="Если бы посты приносили пайплайн, связь осталась бы и внутри команды. Там она исчезает — "
                     "значит, наивный наклон сравнивает разные команды, а не разное число постов."),
        Mistake(name="reverse", matches=lambda a: a == "reverse" != confounder(),
                hint="Обратная причинность («у кого больше сделок, тому есть о чём писать») дала бы связь и внутри "
                     "команды. Внутри команды её нет — дело в том, чем команды различаются."),
        Mistake(name="noise", matches=lambda a: a == "noise" != confounder(),
                hint="Шум не объяснил бы, почему и посты, и пайплайн выше в одних и тех же командах. "
                     "Посмотрите средние по командам."),
    ],
    correct_message="AE крупного и среднего бизнеса пишут чаще, и сделки у них крупнее: наивный наклон сравнивает "
                    "команды. Но слои по команде снимают только то смешение, которое мы видим; «талант» продавца "
                    "в CRM не записан.",
)

# ---------------------------------------------------------------------------
# 4. Точка безубыточности часов на посты — для AE mid-market
# ---------------------------------------------------------------------------

#: Команда, для которой считают точку безубыточности в упражнении (в тексте раздела — все AE).
BREAK_EVEN_TEAM = "mid_market"


def break_even(tax: bool = True, margin: bool = True, per_post: bool = False,
               team: str | None = BREAK_EVEN_TEAM, salary_team: str | None = BREAK_EVEN_TEAM) -> float:
    v = ae_post_value(margin=margin, team=team)
    value = v["value_per_post"] if per_post else v["value_per_hour"]
    return social.break_even_share(hour_cost(tax, team=salary_team), value)


q4 = Exercise(
    id="ch02.social.q4",
    title="Какая доля атрибуции должна быть настоящей: AE mid-market",
    var="break_even",
    expected=lambda: break_even(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Цена часа: social.rep_hour_cost(средний оклад AE mid-market, работающих на 31.12.2025). "
        "Ценность часа на посты: выигранный ACV лидов постов AE mid-market за 2024–2025 годы × валовая маржа 2025 года / "
        "часы на эти посты (social.post_hours).",
        "Точка безубыточности — цена часа / ценность часа (social.break_even_share). Это доля, а не проценты.",
    ],
    mistakes=[
        Mistake(name="all_aes", value=lambda: break_even(team=None, salary_team=None),
                hint="Это точка безубыточности для всех AE — она уже посчитана в тексте раздела. Задание — про команду "
                     "mid-market: и оклады, и посты только её AE (reps['team'] == 'mid_market')."),
        Mistake(name="all_salaries", value=lambda: break_even(salary_team=None),
                hint="Посты вы взяли у AE mid-market, а оклад — средний по всем AE. Цена часа тоже должна быть командой mid-market."),
        Mistake(name="all_posts", value=lambda: break_even(team=None),
                hint="Оклад вы взяли у AE mid-market, а посты — всех AE. Ценность часа тоже считайте по постам AE mid-market."),
        Mistake(name="no_tax", value=lambda: break_even(tax=False),
                hint="В цене часа нет страховых взносов: компания платит оклад × (1 + PAYROLL_TAX_RATE)."),
        Mistake(name="acv_not_margin", value=lambda: break_even(margin=False),
                hint="Вы сравнили цену часа с выручкой (ACV). Компания зарабатывает валовую прибыль: умножьте ACV на валовую маржу."),
        Mistake(name="per_post", value=lambda: break_even(per_post=True),
                hint="Вы поделили цену часа на ценность поста, а не часа. Статья на Хабре занимает день: "
                     "ценность надо делить на часы (social.post_hours), а не на посты."),
    ],
    correct_message="У AE mid-market оклад выше среднего, но и сделки крупнее: часы окупаются, даже если настоящим "
                    "приростом окажется лишь малая часть атрибуции. Но это «если» атрибуция не доказывает.",
)

# ---------------------------------------------------------------------------
# 5. Решение в рублях: 2 часа в неделю на посты
# ---------------------------------------------------------------------------


def net_value(share: float = INCREMENTAL_FLOOR, tax: bool = True, margin: bool = True) -> float:
    """Чистая ценность HOURS_PER_WEEK часов в неделю на посты на одного AE за год (все AE), ₽."""
    v = ae_post_value(margin=margin)
    return hours_per_year() * (share * v["value_per_hour"] - hour_cost(tax))


q5 = Exercise(
    id="ch02.social.q5",
    title="Чистая ценность двух часов в неделю на AE в год",
    var="net_value_per_ae",
    expected=lambda: net_value(),
    compare=Number(rel_tol=0.01),
    hints=[
        "Часов в год: 2 × рабочих недель, где рабочих недель = social.WORK_HOURS_2025 / 40.",
        "Чистая ценность = часов × (0,2 × ценность часа − цена часа). Цена часа — нижняя граница по окладу (hour_cost), "
        "ценность часа — value_per_hour; обе посчитаны в тексте раздела.",
    ],
    mistakes=[
        Mistake(name="full_attribution", value=lambda: net_value(share=1.0),
                hint="Вы посчитали так, будто каждый атрибутированный лид пришёл только благодаря посту. "
                     "Задание просит консервативное допущение: настоящий прирост — 0,2 атрибуции."),
        Mistake(name="no_tax", value=lambda: net_value(tax=False),
                hint="В цене часа нет страховых взносов: оклад × (1 + PAYROLL_TAX_RATE)."),
        Mistake(name="acv_not_margin", value=lambda: net_value(margin=False),
                hint="Ценность — валовая прибыль, а не ACV: умножьте ACV на валовую маржу 2025 года."),
        Mistake(name="cost_only", value=lambda: -hours_per_year() * hour_cost(),
                hint="Это только цена часов, без ценности постов."),
        Mistake(name="selling_hour", value=lambda: hours_per_year() * (INCREMENTAL_FLOOR * ae_post_value()["value_per_hour"]
                                                                      - selling_hour_value()),
                hint="Вы взяли цену часа по валовой прибыли продаж (selling_hour). Это вторая часть задания — "
                     "её сравнивают потом; в net_value_per_ae запишите расчёт по нижней границе, hour_cost."),
    ],
    correct_message="По нижней границе цены часа (оклад со взносами) часы окупаются даже при доле 0,2. Но если AE "
                    "загружен сделками, час на посты стоит валовой прибыли несостоявшихся продаж — в разделе это "
                    "в несколько раз больше оклада, и при доле 0,2 решение уходит в минус. Поэтому часы дают как пилот "
                    "и тем, у кого есть свободное время: половине AE (жребием внутри команд) — часы, другой — нет, "
                    "и через два квартала сравнивают пайплайн.",
)

# ---------------------------------------------------------------------------
# 6. Контент-план: сколько постов в неделю команда держит
# ---------------------------------------------------------------------------


def cadence_ae(start=course.YEAR_2025[0], end=course.YEAR_2025[1], all_history: bool = False) -> pd.DataFrame:
    s, e = (course.HISTORY if all_history else (start, end))
    c = social.cadence(table("social_posts"), table("reps"), s, e)
    return c.loc[["AE"]].T.rename(columns={"AE": "posts_per_week"})


def _cadence_active_only() -> pd.DataFrame:
    posts, reps = table("social_posts"), table("reps")
    authors = posts.loc[posts["date"].between(*course.YEAR_2025), "author_id"].dropna().unique()
    c = social.cadence(posts, reps[reps["rep_id"].isin(authors)])
    return c.loc[["AE"]].T.rename(columns={"AE": "posts_per_week"})


q6 = Exercise(
    id="ch02.social.q6",
    title="Контент-план AE: постов в неделю на человека по площадкам",
    var="ae_cadence",
    expected=lambda: cadence_ae(),
    compare=Table(columns=["posts_per_week"], rel_tol=0.005, abs_tol=1e-4),
    hints=[
        "social.cadence(posts, reps) за 2025 год даёт таблицу «роль × площадка»: постов в неделю на сотрудника роли.",
        "Возьмите строку AE и разверните её в столбец posts_per_week (площадки и total — в индексе): "
        "cadence.loc[['AE']].T.rename(columns={'AE': 'posts_per_week'}).",
    ],
    mistakes=[
        Mistake(name="all_history", value=lambda: cadence_ae(all_history=True),
                hint="Вы взяли 2023–2025 годы. План на 2026 год строят по последнему году, 2025-му: тогда команда "
                     "уже вышла на продуктивность."),
        Mistake(name="authors_only", value=_cadence_active_only,
                hint="Вы поделили посты только на тех, кто писал. Контент-план — на всю команду: в знаменателе "
                     "сотрудник-недели всех AE, в том числе тех, кто не писал ни разу."),
    ],
    correct_message="Это то, что команда уже держит без специальных усилий. План выше этого — изменение привычек, "
                    "и под него нужны часы в календаре, а не призыв «пишите больше».",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "AE опубликовал в своём Telegram-канале пост: «Только до конца месяца — скидка 20 % на «Сферу Деск», "
            "пишите мне». Нужно ли маркировать пост как рекламу?",
            (
                Option("Нет: это личный канал сотрудника, а не реклама компании", False,
                       "Закон смотрит на содержание, а не на то, чей канал: пост с ценой, акцией и призывом купить "
                       "конкретный продукт — реклама, и её маркируют (пометка «Реклама», рекламодатель, erid)."),
                Option("Да: это реклама товара — пометка «Реклама», рекламодатель и erid, данные — в ЕРИР через ОРД", True,
                       "Верно. Экспертный пост без призыва купить (разбор SLA, кейс без цены) обычно рекламой не "
                       "считается; оффер с ценой — считается. Спорные случаи согласуйте с юристом."),
                Option("Только если у канала больше 10 000 подписчиков", False,
                       "Порог 10 000 подписчиков — про регистрацию канала в перечне Роскомнадзора, а маркировать "
                       "рекламу нужно при любом числе подписчиков."),
            ),
        ),
        Question(
            "Руководитель видит: AE, которые пишут посты, приносят вдвое больше пайплайна. Он хочет обязать "
            "писать всех. Что не так с выводом?",
            (
                Option("Ничего: связь большая и значимая", False,
                       "Значимость не отвечает на вопрос «почему». Пишут чаще опытные и сильные AE и AE крупных "
                       "сегментов — у них и так больше пайплайна."),
                Option("Пишущие AE отличаются не только постами: сегментом, стажем, талантом", True,
                       "Это смешение. Сравнивайте внутри слоёв (команда, стаж), а лучше — пилот с жребием: "
                       "часы на посты получает случайная половина."),
                Option("Нужно больше данных — через год связь станет точной", False,
                       "Больше данных сузит интервал вокруг той же смещённой оценки. Смешение не лечится объёмом."),
            ),
        ),
        Question(
            "Лид из поста AE пришёл в канал `organic`, а в CRM есть канал `social`. Куда смотреть, чтобы оценить "
            "social selling?",
            (
                Option("В канал social — это и есть соцсети", False,
                       "В данных «Сферы Софт» social — платная реклама в соцсетях (таргет), у неё есть бюджет в "
                       "marketing_spend. Посты продавцов бесплатны и приводят лидов в органику, контент и мероприятия."),
                Option("В таблицу связей постов и лидов (UTM-метки продавца, первый контакт)", True,
                       "Верно: без UTM-меток продавца и поля «первый контакт» social selling в CRM не виден вовсе — "
                       "его лиды растворяются в органике."),
                Option("Никуда: social selling измерить нельзя", False,
                       "Измерить можно: UTM-метки, поле первого контакта, а эффект — пилотом с контрольной группой."),
            ),
        ),
    ],
)
