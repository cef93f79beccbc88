"""Упражнения раздела 6.3 «Партнёрства и каналы».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.partners`` (их проверяют
ручные примеры ``tests/test_partners.py``), CAC — ``acquisition``; каждая типичная ошибка —
тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import acquisition, course, kpi, partners, unit_economics

SECTION = "ch06.partners"
TITLE = "6.3. Партнёрства и каналы"

YEAR = course.YEAR_2025


def _t(name: str) -> pd.DataFrame:
    return table(name)


# ---------------------------------------------------------------------------
# 1. CAC партнёрского канала
# ---------------------------------------------------------------------------


def partner_customers(start=YEAR[0], end=YEAR[1]) -> int:
    """Новые клиенты 2025 года, чей первый выигранный лид — из канала partners."""
    funnel = acquisition.channel_funnel(_t("marketing_spend"), _t("leads"), _t("opportunities"), start, end)
    return int(funnel.loc["partners", "customers"])


def partner_cac(team: bool = True, part: str = "all", denominator: str = "customers") -> float:
    costs = partners.partner_program_costs(_t("marketing_spend"), _t("partner_deals"), *YEAR,
                                           channel_team_monthly_rub=partners.CHANNEL_MANAGER_MONTHLY_RUB)
    if not team:
        costs = costs.drop("channel_team")
    if part == "commissions":
        costs = costs[["commissions", "channel_team"]] if team else costs[["commissions"]]
    if denominator == "customers":
        n = partner_customers()
    elif denominator == "won_sourced":
        n = int(partners.partner_revenue(_t("partner_deals"), _t("opportunities"), *YEAR).loc["sourced", "won_deals"])
    else:                                   # все выигранные сделки с партнёром, обе роли
        n = int(partners.partner_revenue(_t("partner_deals"), _t("opportunities"), *YEAR)["won_deals"].sum())
    return acquisition.cac(float(costs.sum()), n)


q1 = Exercise(
    id="ch06.partners.q1",
    title="CAC партнёрского канала за 2025 год",
    var="partner_cac_2025",
    expected=partner_cac,
    compare=Number(rel_tol=0.005),
    hints=[
        "Затраты канала — весь бюджет канала partners за 2025 год (в нём и комиссии, и MDF) плюс канальный менеджер "
        "за 12 месяцев: partners.partner_program_costs(..., channel_team_monthly_rub=partners.CHANNEL_MANAGER_MONTHLY_RUB).",
        "Делите на новых клиентов канала partners за 2025 год — столбец customers в acquisition.channel_funnel, "
        "и считайте через acquisition.cac(затраты, клиенты).",
    ],
    mistakes=[
        Mistake(name="no_team", value=lambda: partner_cac(team=False),
                hint="Вы взяли только бюджет канала. Партнёрами кто-то управляет: добавьте канального менеджера за 12 месяцев."),
        Mistake(name="commissions_only", value=lambda: partner_cac(part="commissions"),
                hint="Вы взяли только комиссии. MDF и совместный маркетинг — тоже затраты на привлечение партнёрских клиентов: "
                     "весь бюджет канала partners."),
        Mistake(name="commissions_only_no_team", value=lambda: partner_cac(team=False, part="commissions"),
                hint="Комиссия — лишь часть цены канала: добавьте MDF и совместный маркетинг (остаток бюджета канала) "
                     "и канального менеджера."),
        Mistake(name="per_won_deal", value=lambda: partner_cac(denominator="won_sourced"),
                hint="Вы разделили на выигранные сделки партнёров, а CAC считают на нового клиента: "
                     "повторная сделка клиента — допродажа, не новый клиент. Возьмите customers из channel_funnel."),
        Mistake(name="with_influenced", value=lambda: partner_cac(denominator="all_roles"),
                hint="В знаменателе оказались и сделки, которые привели другие каналы (influenced). "
                     "Их клиенты уже посчитаны в CAC своих каналов — это двойной счёт."),
    ],
    correct_message="Это полная цена клиента канала. Сравнивайте её с прямыми каналами и на рубль нового ACV: "
                    "больше половины новых клиентов канала — mid-market и enterprise, а у них и чек больше.",
)

# ---------------------------------------------------------------------------
# 2. Двойной счёт sourced и influenced
# ---------------------------------------------------------------------------


def _overlap(start=YEAR[0], end=YEAR[1]) -> pd.Series:
    return partners.reported_revenue_overlap(_t("partner_deals"), _t("opportunities"), _t("leads"), start, end)


def _rev() -> pd.DataFrame:
    return partners.partner_revenue(_t("partner_deals"), _t("opportunities"), *YEAR)


q2 = Exercise(
    id="ch06.partners.q2",
    title="Сколько выручки посчитано дважды",
    var="double_counted_2025",
    expected=lambda: float(_overlap()["double_counted"]),
    compare=Number(rel_tol=0.001),
    hints=[
        "Каждый канал отчитывается выигранным ACV своих сделок (по каналу исходного лида), а отдел партнёров — ACV всех "
        "сделок с партнёром: и привёл (sourced), и участвовал (influenced). Какие сделки попадут в два отчёта?",
        "Два раза посчитаны сделки influenced: они уже есть в отчётах своих каналов. Возьмите acv_rub строки influenced "
        "из partners.partner_revenue(..., *course.YEAR_2025).",
    ],
    mistakes=[
        Mistake(name="sourced", value=lambda: float(_rev().loc["sourced", "acv_rub"]),
                hint="Это ACV сделок, которые партнёры привели сами: канал partners и есть их канал, дважды они не считаются. "
                     "Дважды считаются сделки других каналов с участием партнёра."),
        Mistake(name="claim", value=lambda: float(_overlap()["partners_claim"]),
                hint="Это весь отчёт отдела партнёров (sourced + influenced). Дважды посчитана только его часть — influenced."),
        Mistake(name="reported_total", value=lambda: float(_overlap()["reported_total"]),
                hint="Это сумма всех отчётов. Вычтите из неё фактический выигранный ACV — разница и есть двойной счёт."),
        Mistake(name="all_years", value=lambda: float(_overlap(*course.HISTORY)["double_counted"]),
                hint="Вы взяли все три года, а задание — про 2025 год (сделки, закрытые в 2025 году)."),
    ],
    correct_message="Столько ACV появляется в отчётах «из воздуха»: сделки посчитаны и своим каналом, и партнёрами. "
                    "Отчитывайтесь о sourced и influenced раздельно и не складывайте influenced с выручкой каналов.",
)

# ---------------------------------------------------------------------------
# 3. Конфликты каналов
# ---------------------------------------------------------------------------


def conflicts_2025(window: int = partners.CONFLICT_WINDOW_DAYS, worked_only: bool = True, year_only: bool = True) -> int:
    c = partners.channel_conflicts(_t("partner_deals"), _t("leads"), window_days=window)
    if year_only:
        c = c[acquisition.in_period(c["registered_date"], *YEAR)]
    if worked_only:
        c = c[c["direct_worked"]]
    return int(len(c))


q3 = Exercise(
    id="ch06.partners.q3",
    title="Конфликты каналов 2025 года",
    var="conflicts_worked_2025",
    expected=conflicts_2025,
    compare=Number(rel_tol=0, abs_tol=0.5, generic_mistakes=False),
    hints=[
        "partners.channel_conflicts(partner_deals, leads) находит лиды партнёров, у компании которых за 180 дней до "
        "регистрации был лид другого канала.",
        "Оставьте регистрации 2025 года (registered_date) и только те, где с прямым лидом действительно работали "
        "(столбец direct_worked), и посчитайте строки.",
    ],
    mistakes=[
        Mistake(name="all_direct", value=lambda: conflicts_2025(worked_only=False),
                hint="Вы посчитали все случаи, когда у компании был прямой лид. Конфликт — когда прямой отдел его "
                     "работал (SDR/BDR или сделка): оставьте direct_worked."),
        Mistake(name="all_years", value=lambda: conflicts_2025(year_only=False),
                hint="Вы посчитали конфликты за все годы, а нужны регистрации 2025 года."),
        Mistake(name="window_90", value=lambda: conflicts_2025(window=90),
                hint="Окно в задании — 180 дней (CONFLICT_WINDOW_DAYS), а вы взяли 90."),
    ],
    correct_message="В каждом из этих случаев партнёр получит вознаграждение за компанию, с которой уже говорил "
                    "ваш SDR или AE. Правило регистрации сделок решает, чья она, до того, как спорят о комиссии.",
)

# ---------------------------------------------------------------------------
# 4. Уровни партнёров
# ---------------------------------------------------------------------------


_TIER_RANK = {"registered": 0, "silver": 1, "gold": 2}


def _tiers() -> pd.DataFrame:
    card = partners.partner_scorecard(_t("partners"), _t("partner_deals"), _t("opportunities"), *YEAR)
    card["recommended_tier"] = partners.recommend_tier(card)
    return card


def overtiered(direction: str = "over") -> int:
    card = _tiers()
    now = card["tier"].map(_TIER_RANK)
    rec = card["recommended_tier"].map(_TIER_RANK)
    if direction == "over":
        return int((now > rec).sum())
    if direction == "under":
        return int((now < rec).sum())
    return int((now != rec).sum())


q4 = Exercise(
    id="ch06.partners.q4",
    title="Кому уровень в договоре выше заработанного",
    var="overtiered_2025",
    expected=overtiered,
    compare=Number(rel_tol=0, abs_tol=0.5, generic_mistakes=False),
    hints=[
        "Соберите карточку partners.partner_scorecard(...) за 2025 год и добавьте рекомендованный уровень "
        "partners.recommend_tier(card).",
        "Сравните уровень в договоре (tier) с рекомендованным: registered < silver < gold. Считайте партнёров, у которых "
        "договорной уровень выше рекомендованного.",
    ],
    mistakes=[
        Mistake(name="any_mismatch", value=lambda: overtiered("any"),
                hint="Вы посчитали все расхождения. Нужны только партнёры, у которых уровень в договоре ВЫШЕ заработанного."),
        Mistake(name="undertiered", value=lambda: overtiered("under"),
                hint="Это партнёры, которые заработали уровень выше, чем у них в договоре. Задание — про обратный случай."),
    ],
    correct_message="Эти партнёры получают привилегии уровня (маржу, MDF, лиды от вендора), не принося результата: "
                    "уровень ставили по сертификатам при подписании и ни разу не пересматривали.",
)

# ---------------------------------------------------------------------------
# 5–6. Решение о реселлере
# ---------------------------------------------------------------------------


def offer_inputs() -> dict:
    """Входы решения о реселлере: сделки, ACV, валовая маржа, маржа реселлера, затраты канала, каннибализация."""
    opps = _t("opportunities")
    acv = float(kpi.average_acv(opps, *YEAR, by="segment")["mid_market"])
    gm = unit_economics.gross_margin_for_period(_t("mrr"), _t("cogs"), *YEAR)
    cost = partners.RESELLER_MANAGER_SHARE * 12 * partners.CHANNEL_MANAGER_MONTHLY_RUB
    return {"deals": partners.RESELLER_OFFER_DEALS, "acv": acv, "gross_margin": gm,
            "margin": partners.RESELLER_OFFER_MARGIN, "channel_cost": cost, "cannibalisation": measured_cannibalisation()}


def reseller_paid_deals(start=YEAR[0], end=YEAR[1]) -> pd.DataFrame:
    """Выигранные сделки действующих реселлеров, за которые в период начислена маржа."""
    d = _t("partner_deals").merge(_t("partners")[["partner_id", "type"]], on="partner_id")
    paid = d[(d["type"] == "reseller") & (d["payout_rub"] > 0)]
    return paid[acquisition.in_period(paid["payout_date"], start, end)]


def measured_cannibalisation() -> float:
    """Доля сделок реселлеров 2025 года с маржой, которые привёл прямой канал (influenced) или был конфликт."""
    paid = reseller_paid_deals()
    conflicts = set(partners.channel_conflicts(_t("partner_deals"), _t("leads"))["lead_id"])
    return float(((paid["role"] == "influenced") | paid["lead_id"].isin(conflicts)).mean())


def offer_value(years: int = 1, **over) -> float:
    x = {**offer_inputs(), **over}
    return partners.reseller_value(x["deals"], x["acv"], x["gross_margin"], x["margin"], x["cannibalisation"],
                                   x["channel_cost"], years=years)


q5 = Exercise(
    id="ch06.partners.q5",
    title="Сколько принесёт реселлер при измеренной каннибализации",
    var="reseller_value_rub",
    expected=offer_value,
    compare=Number(rel_tol=0.01),
    hints=[
        "Входы уже посчитаны в offer (сделки, ACV, валовая маржа, маржа реселлера, затраты канала) и в cannibalisation.",
        "partners.reseller_value(deals, acv, gross_margin, margin, cannibalisation, channel_cost): прибыль "
        "дополнительных сделок после маржи минус маржа за сделки, которые были бы и так, минус канал.",
    ],
    mistakes=[
        Mistake(name="no_cannibalisation", value=lambda: offer_value(cannibalisation=0.0),
                hint="Вы считаете, что все сделки реселлера — дополнительные. Но часть из них компания выиграла бы и сама: "
                     "подставьте измеренную долю cannibalisation."),
        Mistake(name="no_channel_cost", value=lambda: offer_value(channel_cost=0.0),
                hint="Реселлера кто-то ведёт: вычтите затраты канала (половина канального менеджера за год)."),
        Mistake(name="revenue_not_profit", value=lambda: offer_value(gross_margin=1.0),
                hint="Вы посчитали выручку, а решение принимают по валовой прибыли: умножьте ACV на валовую маржу."),
        Mistake(name="all_deals_incremental_margin", matches=lambda a: abs(a - _no_margin_on_cannibalised()) <=
                0.01 * abs(_no_margin_on_cannibalised()),
                hint="Маржу реселлер берёт со ВСЕХ своих сделок, и с тех, которые вы выиграли бы сами: это главная "
                     "потеря от каннибализации — её нужно вычесть."),
        Mistake(name="three_years", value=lambda: offer_value(years=3),
                hint="Вы посчитали за три года с продлениями. Это полезная вторая строка решения, но задание — "
                     "про первый год (years=1): его считают как нижнюю границу."),
    ],
    correct_message=lambda: ("При такой доле каннибализации реселлер на марже "
                             f"{int(partners.RESELLER_OFFER_MARGIN * 100)}\u00a0% не окупает себя в первый год. Первый год — "
                             "нижняя граница: с продлениями за три года он выходит в плюс, поэтому решение зависит "
                             "от горизонта и от того, насколько вы верите оценке доли."
                             if offer_value() < 0 else
                             "При такой доле каннибализации реселлер окупается, но запас невелик — смотрите таблицу чувствительности."),
)


def _no_margin_on_cannibalised() -> float:
    x = offer_inputs()
    c = x["cannibalisation"]
    return (1 - c) * x["deals"] * x["acv"] * (x["gross_margin"] - x["margin"]) - x["channel_cost"]


def max_margin() -> float:
    x = offer_inputs()
    return partners.max_reseller_margin(x["deals"], x["acv"], x["gross_margin"], x["cannibalisation"], x["channel_cost"])


q6 = Exercise(
    id="ch06.partners.q6",
    title="Какую маржу можно предложить реселлеру",
    var="max_margin",
    expected=max_margin,
    compare=Number(rel_tol=0.02, abs_tol=0.002),
    hints=[
        "Найдите маржу m, при которой reseller_value = 0 при измеренной каннибализации: "
        "(1 − c) · gm − m = затраты канала / (сделки · ACV).",
        "partners.max_reseller_margin(deals, acv, gross_margin, cannibalisation, channel_cost) считает это сразу. "
        "Ответ — доля (0,2, а не 20).",
    ],
    mistakes=[
        Mistake(name="no_cannibalisation", value=lambda: partners.max_reseller_margin(
            *(offer_inputs()[k] for k in ("deals", "acv", "gross_margin")), 0.0, offer_inputs()["channel_cost"]),
                hint="Без каннибализации предельная маржа выходит щедрой. Но часть сделок вы выиграли бы и сами — "
                     "подставьте измеренную долю."),
        Mistake(name="no_channel_cost", value=lambda: partners.max_reseller_margin(
            *(offer_inputs()[k] for k in ("deals", "acv", "gross_margin", "cannibalisation")), 0.0),
                hint="Вы забыли затраты канала: из прибыли нужно покрыть и половину канального менеджера."),
        Mistake(name="breakeven_share", value=lambda: partners.breakeven_cannibalisation(
            *(offer_inputs()[k] for k in ("deals", "acv", "gross_margin", "margin", "channel_cost"))),
                hint="Это доля каннибализации, при которой реселлер на предложенной марже выходит в ноль. "
                     "Задание — про другое: какую маржу можно дать при измеренной доле."),
    ],
    correct_message="Выше этой маржи реселлер убыточен при той каннибализации, что мы видим у действующих реселлеров. "
                    "Торгуйтесь о марже или о правиле: маржа только за сделки, зарегистрированные до того, как их начал прямой отдел.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "У сделок с участием партнёра (influenced) доля выигрышей вдвое выше, чем у остальных сделок mid-market и "
            "enterprise. Что из этого следует?",
            (
                Option("Партнёры удваивают шансы на выигрыш — надо звать их в каждую сделку", False,
                       "Партнёра зовут в сделку, когда она дошла до коммерческого предложения, а такие сделки и без "
                       "партнёров выигрываются чаще. Сравнивать надо со сделками той же стадии."),
                Option("Пока ничего: сначала сравнить со сделками без партнёра, дошедшими до той же стадии", True,
                       "Верно: в разделе такие сделки выигрываются так же часто. Вклад партнёра проверяют сравнением "
                       "похожих сделок, а лучше — экспериментом."),
                Option("Сделки influenced надо переписать в канал partners", False,
                       "Тогда их ACV окажется и в отчёте своего канала, и у партнёров — это двойной счёт."),
            ),
        ),
        Question(
            "Интегратор регистрирует сделку с компанией, которой SDR месяц назад назначил встречу. Что должно решить спор?",
            (
                Option("Кто первым закроет сделку", False,
                       "Гонка за сделку бьёт по клиенту (два разных предложения) и по доверию партнёров."),
                Option("Правило регистрации сделок, записанное до спора: окно защиты и проверка CRM при регистрации", True,
                       "Да: регистрацию проверяют по CRM, и если прямой отдел уже работает с компанией, партнёр "
                       "получает роль участника, а не автора сделки."),
                Option("Размер сделки: крупные — прямому отделу, мелкие — партнёру", False,
                       "Так делят рынок заранее (сегменты, списки компаний), а не спорную сделку задним числом."),
            ),
        ),
        Question(
            "Почему государственный заказчик часто покупает продукт через реселлера, даже если нашёл его сам?",
            (
                Option("По 44-ФЗ (госкомпании — по 223-ФЗ) заказчик покупает на торгах у поставщика, которым часто "
                       "выступает реселлер; ПО — из реестра российского ПО", True,
                       "Да: закупка идёт по процедуре, поставщик определяется на торгах, а иностранное ПО ограничено: "
                       "до 2025 года — постановлением № 1236, с 2025 года — национальным режимом по постановлению "
                       "№ 1875, и теперь так же в закупках госкомпаний по 223-ФЗ. Маржа реселлера здесь — цена доступа к заказчику, а не чистая каннибализация."),
                Option("Продавать госзаказчикам напрямую запрещено", False,
                       "Запрета нет: вендор может сам участвовать в торгах, но многие заказчики и вендоры работают через "
                       "привычных поставщиков."),
                Option("Реселлер даёт скидку больше, чем вендор", False,
                       "Маржа реселлера — часть цены вендора; дело не в скидке, а в процедуре закупки."),
            ),
        ),
    ],
)
