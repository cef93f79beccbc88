"""Social selling: воронка постов по площадкам, цена часа продавца, смешанный эффект активности.

Таблицы — ``social_posts`` (посты и выступления сотрудников и канала компании) и
``social_post_leads`` (лиды, первый контакт которых — пост). Не путайте с каналом лида
``leads.channel == "social"``: это **платная реклама** в соцсетях, а посты привязаны к лидам
органики, контента и мероприятий. Периоды — пары дат «начало, конец» включительно
(``course.YEAR_2025``); деньги — рубли; ACV — годовая стоимость контракта.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.toolkit import course
from salesbook.toolkit.acquisition import in_period
from salesbook.toolkit.validation import MetricError, positive, require_columns, share

__all__ = [
    "HOURS_PER_POST", "WORK_HOURS_2025", "FUNNEL_COLUMNS",
    "platform_funnel", "post_hours", "rep_hour_cost", "rep_month_panel",
    "within_slope", "stratified_difference", "cadence", "break_even_share", "rep_hour_gross_profit",
]

#: Часов работы продавца на один пост или выступление по площадкам, с подготовкой
#: (допущение курса: короткий пост в Telegram или VK — около часа, ответ в профессиональном
#: чате — полчаса, статья на vc.ru — полдня, на Хабре — день с вычиткой и примерами кода,
#: доклад — день подготовки и дорога).
HOURS_PER_POST = {"telegram": 1.0, "vk": 1.0, "community": 0.5, "vc_ru": 4.0, "habr": 8.0,
                  "event_talk": 10.0}

#: Норма рабочих часов 2025 года — одна на курс, в календаре курса (``course.WORK_HOURS_2025``).
WORK_DAYS_2025 = course.WORK_DAYS_2025
WORK_HOURS_2025 = course.WORK_HOURS_2025

#: Столбцы воронки по площадкам.
FUNNEL_COLUMNS = ("posts", "views", "clicks", "leads", "deals", "won", "won_acv_rub")


def _posts_in(posts: pd.DataFrame, start, end) -> pd.DataFrame:
    require_columns(posts, ["post_id", "author_id", "date", "platform", "views", "utm_clicks"], "posts")
    return posts[in_period(posts["date"], start, end)]


def platform_funnel(posts: pd.DataFrame, post_leads: pd.DataFrame, leads: pd.DataFrame,
                    opportunities: pd.DataFrame, start=course.HISTORY[0], end=course.HISTORY[1],
                    authors: str = "all") -> pd.DataFrame:
    """Воронка постов по площадкам: посты → просмотры → переходы → лиды → сделки → выигрыши → ACV.

    Период — по дате поста (лиды и сделки поста считаются, даже если появились после конца
    периода); ``authors``: ``"all"``, ``"reps"`` (только сотрудники) или ``"company"`` (канал
    компании). Сделка — созданная из лида поста; выигрыш — сделка с итогом ``won``, ACV —
    сумма ``amount_rub`` выигранных сделок, ₽. Строки — площадки, столбцы — :data:`FUNNEL_COLUMNS`.
    """
    require_columns(post_leads, ["post_id", "lead_id"], "post_leads")
    require_columns(leads, ["lead_id", "opportunity_id"], "leads")
    require_columns(opportunities, ["opportunity_id", "outcome", "amount_rub"], "opportunities")
    if authors not in ("all", "reps", "company"):
        raise MetricError(f"authors: ожидается 'all', 'reps' или 'company', получено {authors!r}.")
    p = _posts_in(posts, start, end)
    if authors == "reps":
        p = p[p["author_id"].notna()]
    elif authors == "company":
        p = p[p["author_id"].isna()]
    link = post_leads[post_leads["post_id"].isin(p["post_id"])].merge(
        leads[["lead_id", "opportunity_id"]], on="lead_id", how="left")
    link = link.merge(opportunities[["opportunity_id", "outcome", "amount_rub"]], on="opportunity_id", how="left")
    link["platform"] = link["post_id"].map(p.set_index("post_id")["platform"])
    won = link["outcome"] == "won"
    out = pd.DataFrame({
        "posts": p.groupby("platform").size(),
        "views": p.groupby("platform")["views"].sum(),
        "clicks": p.groupby("platform")["utm_clicks"].sum(),
        "leads": link.groupby("platform").size(),
        "deals": link[link["opportunity_id"].notna()].groupby("platform").size(),
        "won": link[won].groupby("platform").size(),
        "won_acv_rub": link[won].groupby("platform")["amount_rub"].sum(),
    }).fillna(0)
    out = out.astype({c: "int64" for c in FUNNEL_COLUMNS if c != "won_acv_rub"})
    out.index.name = "platform"
    return out[list(FUNNEL_COLUMNS)].sort_values("won_acv_rub", ascending=False)


def post_hours(platforms: pd.Series) -> pd.Series:
    """Часы продавца на каждый пост по площадке (:data:`HOURS_PER_POST`)."""
    unknown = sorted(set(platforms) - set(HOURS_PER_POST))
    if unknown:
        raise MetricError(f"Неизвестные площадки: {', '.join(map(str, unknown))}.")
    return platforms.map(HOURS_PER_POST).astype(float)


def rep_hour_cost(monthly_salary: float, payroll_tax_rate: float = course.PAYROLL_TAX_RATE,
                  hours_per_year: float = WORK_HOURS_2025) -> float:
    """Цена часа сотрудника для компании, ₽: оклад в месяц × 12 × (1 + ставка взносов) / рабочих часов в году.

    Премии не входят: час, потраченный на пост, не уменьшает премию, а оклад и взносы компания
    платит в любом случае — это цена упущенного рабочего времени.
    """
    s = positive(monthly_salary, "Оклад в месяц")
    t = share(payroll_tax_rate, "Ставка взносов")
    h = positive(hours_per_year, "Рабочих часов в году")
    return s * 12 * (1 + t) / h


def rep_month_panel(posts: pd.DataFrame, reps: pd.DataFrame, opportunities: pd.DataFrame,
                    start=course.HISTORY[0], end=course.HISTORY[1], role: str = "AE") -> pd.DataFrame:
    """Панель «сотрудник × месяц» для сотрудников роли ``role``, проработавших месяц целиком.

    Столбцы: ``rep_id``, ``team``, ``month``, ``tenure_months`` (стаж на начало месяца),
    ``posts`` (постов и выступлений за месяц), ``pipeline_rub`` (ACV сделок, созданных
    сотрудником в этом месяце, ₽), ``won_rub`` (ACV сделок, выигранных им в этом месяце, ₽).
    """
    require_columns(reps, ["rep_id", "role", "team", "hire_date", "exit_date"], "reps")
    require_columns(opportunities, ["owner_id", "created_date", "close_date", "outcome", "amount_rub"], "opportunities")
    p = _posts_in(posts, start, end)
    staff = reps[reps["role"] == role]
    if staff.empty:
        raise MetricError(f"reps: нет сотрудников с ролью {role!r}.")
    months = pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), pd.Timestamp(end), freq="MS")
    grid = staff[["rep_id", "team", "hire_date", "exit_date"]].merge(pd.DataFrame({"month": months}), how="cross")
    month_end = grid["month"] + pd.offsets.MonthEnd(0)
    full = (grid["hire_date"] <= grid["month"]) & (grid["exit_date"].isna() | (grid["exit_date"] >= month_end))
    grid = grid[full].copy()
    grid["tenure_months"] = (grid["month"] - grid["hire_date"]).dt.days / 30.44

    def per_month(frame, who, when, value=None):
        key = [frame[who], frame[when].dt.to_period("M").dt.to_timestamp()]
        s = frame.groupby(key).size() if value is None else frame.groupby(key)[value].sum()
        s.index.names = ["rep_id", "month"]
        return s

    opps = opportunities
    won = opps[opps["outcome"] == "won"]
    grid = grid.join(per_month(p, "author_id", "date").rename("posts"), on=["rep_id", "month"])
    grid = grid.join(per_month(opps, "owner_id", "created_date", "amount_rub").rename("pipeline_rub"), on=["rep_id", "month"])
    grid = grid.join(per_month(won, "owner_id", "close_date", "amount_rub").rename("won_rub"), on=["rep_id", "month"])
    grid[["posts", "pipeline_rub", "won_rub"]] = grid[["posts", "pipeline_rub", "won_rub"]].fillna(0)
    grid["posts"] = grid["posts"].astype("int64")
    cols = ["rep_id", "team", "month", "tenure_months", "posts", "pipeline_rub", "won_rub"]
    return grid[cols].sort_values(["rep_id", "month"]).reset_index(drop=True)


def within_slope(frame: pd.DataFrame, x: str, y: str, strata=None, cluster: str | None = None) -> dict:
    """Наклон МНК ``y`` по ``x`` внутри групп ``strata`` (``None`` — наивный наклон по всем строкам).

    Равен коэффициенту при ``x`` в регрессии ``y ~ x + C(strata)``: из ``x`` и ``y`` вычитаются
    средние своей группы, и наклон считается по остаткам. ``cluster`` — столбец, по которому
    наблюдения зависимы (сотрудник): стандартная ошибка кластерная (CR1, поправка G/(G−1)).
    Возвращает словарь ``slope``, ``se`` (``nan`` без ``cluster``), ``n`` и ``clusters`` (число
    кластеров G; 0 без ``cluster``). При малом G интервал строят по квантилю t(G − 1), а не 1,96.
    """
    cols = [x, y] + ([] if strata is None else list(np.atleast_1d(strata))) + ([] if cluster is None else [cluster])
    require_columns(frame, cols, "frame", non_empty=True)
    xs = frame[x].astype(float)
    ys = frame[y].astype(float)
    if strata is None:
        xs, ys = xs - xs.mean(), ys - ys.mean()
    else:
        g = frame.groupby(list(np.atleast_1d(strata)), observed=True)
        xs = xs - g[x].transform("mean")
        ys = ys - g[y].transform("mean")
    sxx = float((xs * xs).sum())
    if sxx == 0:
        raise MetricError(f"{x}: внутри групп нет разброса — наклон не определён.")
    slope = float((xs * ys).sum()) / sxx
    se = float("nan")
    if cluster is not None:
        resid = ys - slope * xs
        scores = (xs * resid).groupby(frame[cluster]).sum()
        n_g = len(scores)
        if n_g > 1:
            se = float(np.sqrt(n_g / (n_g - 1) * (scores ** 2).sum()) / sxx)
        n_clusters = int(n_g)
    else:
        n_clusters = 0
    return {"slope": slope, "se": se, "n": int(len(frame)), "clusters": n_clusters}


def stratified_difference(frame: pd.DataFrame, treated: str, outcome: str, strata) -> dict:
    """Разница средних ``outcome`` между группами ``treated`` (True − False): наивная и по слоям.

    По слоям — разница внутри каждого слоя, взвешенная по числу наблюдений слоя (стандартизация
    на всю выборку); слои, где нет одной из групп, отбрасываются, и их доля возвращается в
    ``dropped_share``. Пример Simpson's paradox — камни в почках (Charig и др., 1986) — в тестах.
    """
    strata = list(np.atleast_1d(strata))
    require_columns(frame, [treated, outcome] + strata, "frame", non_empty=True)
    t = frame[treated].astype(bool)
    naive = float(frame.loc[t, outcome].mean() - frame.loc[~t, outcome].mean())
    by = frame.assign(_t=t).groupby(strata + ["_t"], observed=True)[outcome].agg(["mean", "size"]).unstack("_t")
    by = by.reindex(columns=pd.MultiIndex.from_product([["mean", "size"], [False, True]]))
    both = by["mean"].notna().all(axis=1)
    if not both.any():
        raise MetricError("Ни в одном слое нет обеих групп — сравнить внутри слоёв нельзя.")
    diff = by.loc[both, ("mean", True)] - by.loc[both, ("mean", False)]
    w = by.loc[both, "size"].fillna(0).sum(axis=1)
    return {"naive": naive, "stratified": float((diff * w).sum() / w.sum()),
            "dropped_share": float(1 - w.sum() / len(frame))}


def cadence(posts: pd.DataFrame, reps: pd.DataFrame, start=course.YEAR_2025[0], end=course.YEAR_2025[1],
            roles=("AE", "SE", "manager", "SDR", "BDR", "CSM")) -> pd.DataFrame:
    """Сколько постов в неделю на одного сотрудника роли команда держит по площадкам за период.

    Постов сотрудников роли за период / сотрудник-недель роли (дни работы в периоде / 7, все
    сотрудники роли, в том числе не писавшие). Строки — роли, столбцы — площадки и ``total``.
    """
    require_columns(reps, ["rep_id", "role", "hire_date", "exit_date"], "reps")
    p = _posts_in(posts, start, end)
    p = p[p["author_id"].notna()].merge(reps[["rep_id", "role"]], left_on="author_id", right_on="rep_id")
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    first = reps["hire_date"].clip(lower=s)
    last = reps["exit_date"].fillna(e).clip(upper=e)
    weeks = ((last - first).dt.days + 1).clip(lower=0) / 7
    rep_weeks = weeks.groupby(reps["role"]).sum().reindex(list(roles))
    counts = p.groupby(["role", "platform"]).size().unstack(fill_value=0).reindex(list(roles), fill_value=0)
    out = counts.div(rep_weeks, axis=0).fillna(0)
    out["total"] = out.sum(axis=1)
    out.index.name = "role"
    return out


def break_even_share(hours_cost_rub: float, attributed_value_rub: float) -> float:
    """Какая доля атрибутированной ценности постов должна быть настоящим приростом, чтобы окупить часы.

    ``hours_cost_rub`` — цена часов продавцов на посты, ₽; ``attributed_value_rub`` — валовая
    прибыль лидов, которых атрибуция записала на эти посты, ₽. Больше 1 — не окупается даже если
    каждый атрибутированный лид пришёл только благодаря посту.
    """
    c = positive(hours_cost_rub, "Цена часов", allow_zero=True)
    v = positive(attributed_value_rub, "Атрибутированная ценность")
    return c / v


def rep_hour_gross_profit(opportunities: pd.DataFrame, reps: pd.DataFrame, margin: float,
                          start=course.YEAR_2025[0], end=course.YEAR_2025[1], role: str = "AE",
                          hours_per_year: float = WORK_HOURS_2025) -> float:
    """Валовая прибыль выигранных сделок на рабочий час продавцов роли за период, ₽.

    ACV сделок, выигранных сотрудниками роли ``role`` (по ``close_date`` в периоде) × валовая маржа /
    (сотрудник-лет роли в периоде × ``hours_per_year``). Это цена часа, отнятого у продаж, если
    продавец загружен полностью: верхний ориентир цены часа, тогда как оклад со взносами
    (:func:`rep_hour_cost`) — нижняя граница.
    """
    require_columns(opportunities, ["owner_id", "close_date", "outcome", "amount_rub"], "opportunities")
    require_columns(reps, ["rep_id", "role", "hire_date", "exit_date"], "reps")
    m = share(margin, "Валовая маржа")
    staff = reps[reps["role"] == role]
    if staff.empty:
        raise MetricError(f"reps: нет сотрудников с ролью {role!r}.")
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    first = staff["hire_date"].clip(lower=s)
    last = staff["exit_date"].fillna(e).clip(upper=e)
    years = float((((last - first).dt.days + 1).clip(lower=0) / ((e - s).days + 1)).sum())
    if years == 0:
        raise MetricError(f"В периоде нет ни одного сотрудника с ролью {role!r}.")
    won = opportunities[(opportunities["outcome"] == "won") & opportunities["owner_id"].isin(staff["rep_id"])
                        & in_period(opportunities["close_date"], start, end)]
    return float(won["amount_rub"].sum()) * m / (years * positive(hours_per_year, "Рабочих часов в году"))
