"""Упражнения раздела 1.1.4 «LTV/CAC Ratio».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.acquisition``,
``salesbook.toolkit.unit_economics`` и ``salesbook.toolkit.finance``; каждая типичная ошибка —
тот же расчёт с одной ошибкой (LTV без маржи, перевёрнутая дробь, годовой
отток вместо месячного, горизонт в годах вместо месяцев…).
"""

from __future__ import annotations

import numpy as np

from salesbook.exercises import table

# Воронка каналов — та же функция, что в разделе 1.1.1.
from salesbook.exercises.ch01_cac import funnel

# Те же вычисления «на всю компанию», что и в разделе 1.1.3.
from salesbook.exercises.ch01_payback import CHURN_2024_HINT, churn_2024, company, company_2025, segments
from salesbook.runtime.checks import Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import acquisition, course, finance, unit_economics

SECTION = "ch01.ltv_cac"
TITLE = "1.1.4. Соотношение LTV/CAC"

SMB_CHURN_CUT = 0.002


def _company_ltv(margin=True, churn=None, arpa_scale=1.0, c=None) -> float:
    c = company() if c is None else c
    return unit_economics.simple_ltv(c["arpa"] * arpa_scale, c["gm"] if margin else 1.0, c["churn"] if churn is None else churn)


# ---------------------------------------------------------------------------
# 1. LTV/CAC B2B за 2024 год
# ---------------------------------------------------------------------------

q1 = Exercise(
    id="ch01.ltv_cac.q1",
    title="LTV/CAC B2B за 2024 год",
    var="ltv_cac_2024",
    expected=lambda: _company_ltv() / company()["cac"],
    compare=Number(rel_tol=0.005),
    hints=[
        "LTV = ARPA × валовая маржа / месячный отток (unit_economics.simple_ltv); CAC — полный, за тот же 2024 год. Ответ — LTV / CAC.",
        "ARPA — unit_economics.arpa_for_period(mrr, start, end), маржа — gross_margin_for_period(mrr, cogs, start, end), "
        "отток — logo_churn_monthly(mrr, *course.YEARS_2024_2025); CAC — acquisition.acquisition_costs(...).sum() / acquisition.new_customers(...).",
    ],
    mistakes=[
        Mistake(name="churn_2024_only", value=lambda: _company_ltv(churn=churn_2024()) / company()["cac"],
                hint=CHURN_2024_HINT),
        Mistake(name="ltv_without_margin", value=lambda: _company_ltv(margin=False) / company()["cac"],
                hint="LTV посчитан на выручке, без валовой маржи. Клиент возвращает CAC валовой прибылью, а не выручкой: умножьте ARPA на маржу."),
        Mistake(name="inverted", value=lambda: company()["cac"] / _company_ltv(),
                hint="Дробь перевёрнута: это CAC/LTV. Нужно LTV / CAC — сколько рублей валовой прибыли приносит рубль привлечения."),
        Mistake(name="annual_churn", value=lambda: _company_ltv(churn=unit_economics.annual_from_monthly_churn(company()["churn"])) / company()["cac"],
                hint="Вы разделили месячную валовую прибыль на годовой отток. Месяц делите на месячный отток (или год — на годовой)."),
        Mistake(name="media_cac", value=lambda: _company_ltv() / company()["media_cac"],
                hint="В знаменателе CAC только по рекламе. Для LTV/CAC берут полный CAC — с людьми и инструментами, иначе отношение завышено в разы."),
        Mistake(name="annual_arpa", value=lambda: _company_ltv(arpa_scale=12) / company()["cac"],
                hint="Вы взяли выручку с клиента за год, а отток — месячный: LTV завышен в 12 раз. Месячный ARPA делят на месячный отток."),
    ],
    correct_message="Верно — это формула по средним ARPA и оттоку компании. Она ниже отношения каждого сегмента: в средних преобладает "
                    "дешёвый и быстро уходящий SMB. Для сравнения с ориентиром 3:1 LTV компании собирают из LTV сегментов, взвешенных "
                    "по привлечённым клиентам (unit_economics.blended_ltv), и берут горизонт 5 лет.",
)

# ---------------------------------------------------------------------------
# 2. Горизонт LTV: mid-market за 5 лет
# ---------------------------------------------------------------------------


def _mid_ratio(horizon=course.LTV_HORIZON_MONTHS, margin=True) -> float:
    row = segments().loc["mid_market"]
    gp = row["arpa"] * (row["gross_margin"] if margin else 1.0)
    return float(finance.ltv_horizon(gp, row["monthly_churn"], horizon) / row["cac"])


q2 = Exercise(
    id="ch01.ltv_cac.q2",
    title="LTV/CAC mid-market на горизонте 5 лет",
    var="ltv_cac_mid_5y",
    expected=lambda: _mid_ratio(),
    compare=Number(rel_tol=0.005),
    hints=[
        "LTV за H месяцев = gp · (1 − (1 − c)^H) / c, где gp = ARPA × маржа, c — месячный отток сегмента, H = 60. finance.ltv_horizon(gp, c, 60).",
        "Строка mid_market таблицы segments (unit_economics.segment_economics) содержит arpa, gross_margin, monthly_churn и cac.",
    ],
    mistakes=[
        Mistake(name="no_horizon", value=lambda: _mid_ratio(horizon=np.inf),
                hint="Это LTV/CAC без ограничения горизонта: формула ARPA × маржа / отток суммирует маржу до бесконечности. Ограничьте 60 месяцами."),
        Mistake(name="horizon_in_years", value=lambda: _mid_ratio(horizon=5),
                hint="Вы взяли горизонт 5 месяцев, а нужно 5 лет. Отток месячный, значит, и горизонт — в месяцах: 60."),
        Mistake(name="no_margin", value=lambda: _mid_ratio(margin=False),
                hint="LTV без валовой маржи. Умножьте ARPA на маржу."),
    ],
    correct_message="Сравните с отношением без горизонта: у сегментов с низким оттоком «бесконечный» LTV приписывает клиенту десятилетия, которых у вас нет в данных.",
)

# ---------------------------------------------------------------------------
# 3. Рычаг: отток SMB −0,2 п. п.
# ---------------------------------------------------------------------------


def _smb_ratio(churn_factor=1.0, churn_delta=0.0, margin=True) -> float:
    row = segments().loc["smb"]
    churn = row["monthly_churn"] * churn_factor - churn_delta
    return unit_economics.simple_ltv(row["arpa"], row["gross_margin"] if margin else 1.0, churn) / float(row["cac"])


q3 = Exercise(
    id="ch01.ltv_cac.q3",
    title="LTV/CAC SMB после снижения оттока на 0,2 п. п.",
    var="smb_ltv_cac_after",
    expected=lambda: _smb_ratio(churn_delta=SMB_CHURN_CUT),
    compare=Number(rel_tol=0.005),
    hints=[
        "0,2 процентного пункта — это минус 0,002 от месячного оттока SMB (доли), а не минус 0,2 % от него.",
        "Новый LTV = ARPA × маржа / (отток − 0,002); CAC SMB не меняется. Все входы — в строке smb таблицы segments.",
    ],
    mistakes=[
        Mistake(name="relative_percent", value=lambda: _smb_ratio(churn_factor=0.998),
                hint="Отношение почти не изменилось: похоже, отток снижен на 0,2 % от его величины (или рычаг не применён). "
                     "Процентный пункт — абсолютная разница: 1,1 % → 0,9 %, то есть минус 0,002 от доли."),
        Mistake(name="halved", value=lambda: _smb_ratio(churn_factor=0.5),
                hint="Вы уменьшили отток вдвое. В задании — на 0,2 процентного пункта: минус 0,002 от доли."),
        Mistake(name="no_margin", value=lambda: _smb_ratio(churn_delta=SMB_CHURN_CUT, margin=False),
                hint="LTV без валовой маржи. Умножьте ARPA на маржу."),
    ],
)

# ---------------------------------------------------------------------------
# 4. Рычаг: убрать канал с самым дорогим клиентом
# ---------------------------------------------------------------------------


def marginal_2025():
    """Предельный CAC платных каналов за 2025 год (acquisition.channel_incremental_cac на данных курса)."""
    return acquisition.channel_incremental_cac(*(table(n) for n in ("marketing_spend", "sm_costs", "leads", "opportunities")),
                                               *course.YEAR_2025)


def _worst_channel() -> tuple[str, float, float, float]:
    paid = funnel(*course.YEAR_2025)
    paid = paid[paid["spend_rub"] > 0]
    worst = str(paid["cac"].idxmax())
    row = marginal_2025().loc[worst]
    return worst, float(row["spend_rub"]), float(row["variable_rub"]), float(row["customers"])


def _agency_rate_2025() -> float:
    by_type = acquisition.acquisition_costs(table("marketing_spend"), table("sm_costs"), *course.YEAR_2025)
    return float(by_type["agency"] / by_type["media"])


def _ratio_without_channel(drop_spend=True, drop_variable=True, drop_customers=True, drop_agency=True) -> float:
    c = company_2025()
    _, spend, variable, customers = _worst_channel()
    if not drop_agency:
        variable -= _agency_rate_2025() * spend
    saved = (spend if drop_spend else 0.0) + (variable if drop_variable else 0.0)
    cac = (c["costs"] - saved) / (c["customers"] - (customers if drop_customers else 0.0))
    return _company_ltv(c=c) / cac


q4 = Exercise(
    id="ch01.ltv_cac.q4",
    title="LTV/CAC без самого дорогого канала",
    var="ltv_cac_without_channel",
    expected=lambda: _ratio_without_channel(),
    compare=Number(rel_tol=0.002),
    hints=[
        "Канал с самым дорогим клиентом — строка с максимальным cac в acquisition.channel_funnel за 2025 год (без органики). "
        "Что уходит вместе с ним — в строке этого канала таблицы marginal_q4: spend_rub (реклама) и variable_rub (агентство, премии и взносы с них).",
        "Новый CAC = (полные затраты − spend_rub − variable_rub канала) / (новые клиенты − customers канала). LTV компании (ARPA и маржа "
        "2025 года, отток за 2024–2025 годы) не меняется — ответ LTV / новый CAC.",
    ],
    mistakes=[
        Mistake(name="media_only", value=lambda: _ratio_without_channel(drop_variable=False),
                hint="Вы убрали только рекламу канала. Вместе с его сделками уходят и премии за них со взносами, а с бюджетом — вознаграждение агентства: вычтите ещё variable_rub."),
        Mistake(name="no_agency", value=lambda: _ratio_without_channel(drop_agency=False),
                hint="Вы вычли рекламу, премии и взносы, но не вознаграждение агентства. Агентство получает процент от медиабюджета, "
                     "и с бюджетом канала уходит и его доля — она уже входит в variable_rub таблицы marginal_q4."),
        Mistake(name="spend_only", value=lambda: _ratio_without_channel(drop_customers=False),
                hint="Вы убрали затраты канала, но оставили его клиентов. Без канала не будет и клиентов, которых он приводил."),
        Mistake(name="customers_only", value=lambda: _ratio_without_channel(drop_spend=False, drop_variable=False),
                hint="Вы убрали клиентов канала, но не его затраты. Вычтите рекламу канала и премии за его сделки."),
        Mistake(name="unchanged", value=lambda: _company_ltv(c=company_2025()) / company_2025()["cac"],
                hint="Это LTV/CAC до сокращения канала — или вы вычли вместе с каналом его долю всех затрат по среднему CAC, и CAC "
                     "не изменился. Оклады, офис и CRM при отключении канала остаются: вычитайте только spend_rub и variable_rub канала "
                     "и его клиентов."),
    ],
    correct_message="Отношение выросло, потому что предельный CAC этого канала в разы выше полного CAC компании. Люди, которые обрабатывали "
                    "его лиды, остались в штате. Но проверьте допущение о неизменном LTV: сравните incremental_cost_per_acv_rub канала "
                    "с предельными затратами платных каналов на рубль нового ACV и с валовой прибылью рубля ACV за 5 лет — "
                    "канал с крупными клиентами уносит с собой и часть LTV.",
)

# ---------------------------------------------------------------------------
# 5. Решение: до какой цены можно снизить тариф SMB
# ---------------------------------------------------------------------------


def _target_arpa(margin=True, inverted=False, churn_annual=False) -> float:
    row = segments().loc["smb"]
    churn = unit_economics.annual_from_monthly_churn(row["monthly_churn"]) if churn_annual else row["monthly_churn"]
    ratio = 1 / course.BENCHMARK_LTV_CAC if inverted else course.BENCHMARK_LTV_CAC
    return float(ratio * row["cac"] * churn / (row["gross_margin"] if margin else 1.0))


q5 = Exercise(
    id="ch01.ltv_cac.q5",
    title="Нижняя граница цены SMB при LTV/CAC = 3",
    var="smb_target_arpa",
    expected=lambda: _target_arpa(),
    compare=Number(rel_tol=0.005),
    hints=[
        "Из LTV / CAC = 3 и LTV = ARPA × маржа / отток выразите ARPA: ARPA = 3 × CAC × отток / маржа.",
        "Все входы — в строке smb таблицы segments: cac, monthly_churn, gross_margin. Ответ — ARPA в рублях в месяц.",
    ],
    mistakes=[
        Mistake(name="no_margin", value=lambda: _target_arpa(margin=False),
                hint="Без валовой маржи граница ARPA занижена: из каждого рубля цены на возврат CAC идёт только доля маржи. Разделите на маржу."),
        Mistake(name="inverted", value=lambda: _target_arpa(inverted=True),
                hint="Вы решили CAC / LTV = 3 — отношение перевёрнуто. Нужно LTV = 3 × CAC."),
        Mistake(name="annual_churn", value=lambda: _target_arpa(churn_annual=True),
                hint="Вы подставили годовой отток, а ARPA — месячный. Берите месячный отток SMB."),
    ],
    correct_message="По формуле цену SMB можно снизить больше чем вдвое. Но посчитайте отношение при этой цене на горизонте 5 лет: оно "
                    "намного ниже 3, а со скидкой может вырасти и отток. Запас по бесконечной формуле — не то же, что запас на деле.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Месячный отток упал с 4 % до 3 %, цена и маржа не изменились. Во сколько раз вырос LTV по формуле ARPA × маржа / отток?",
            (
                Option("На 1 %", False, "Отток стоит в знаменателе: LTV меняется обратно пропорционально оттоку, а не на разницу пунктов."),
                Option("В 1,33 раза", True, "Верно: 4 / 3 ≈ 1,33. Снижение оттока на четверть поднимает LTV на треть."),
                Option("На 25 %", False, "На 25 % снизился отток; LTV обратно пропорционален оттоку и вырос на 33 %."),
            ),
        ),
        Question(
            "У enterprise-сегмента LTV/CAC = 30 при месячном оттоке 0,5 %. Что это скорее всего значит?",
            (
                Option("Всё отлично, ничего менять не надо", False, "Такое отношение говорит о недоинвестировании — и о том, что формула приписала клиенту около 17 лет жизни. Проверьте LTV на горизонте 5 лет."),
                Option("LTV раздут бесконечным горизонтом; если и за 5 лет отношение выше 5, в сегмент стоит вкладывать больше", True, "Верно: сначала ограничьте горизонт, затем решайте об инвестициях — пока LTV/CAC высок, каждый рубль привлечения возвращается многократно."),
                Option("Компания теряет деньги на каждом клиенте", False, "Наоборот: LTV в 30 раз больше CAC. Теряет деньги компания при LTV/CAC < 1."),
            ),
        ),
        Question(
            "RevenueCat в отчёте о подписочных приложениях (2023) не публикует ориентиров LTV и CAC. Почему?",
            (
                Option("Данных мало", False, "Данных у них много — это один из крупнейших наборов подписочных приложений. Причина в другом."),
                Option("Эти метрики слишком зависят от модели бизнеса и меняются со временем — общий ориентир ввёл бы в заблуждение", True, "Верно: так объясняет сама компания. Для B2C сравнивайте себя с собой по когортам, а не с чужой цифрой."),
                Option("В B2C LTV/CAC всегда ниже 1", False, "Нет: у успешных потребительских подписок LTV/CAC выше 3 (a16z ориентируется на 3× за 5 лет)."),
            ),
        ),
    ],
)
