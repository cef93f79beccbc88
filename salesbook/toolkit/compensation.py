"""План мотивации продавцов: кривая выплат, OTE и доля переменной части, выплаты команды (раздел 5.4, часть 2).

Одна функция — одно число курса:

* :func:`payout_share` и :func:`payout` — сколько платит план при данном выполнении:
  порог (threshold), ступени с ускорителями и замедлителями (accelerators, decelerators),
  потолок (cap), разовая премия (SPIFF) и возврат по условию (clawback) — только из
  отложенной части, потому что выплаченную премию по ТК РФ (ст. 137) удержать нельзя;
* :func:`ote`, :func:`pay_mix`, :func:`quota_to_ote` — параметры предложения о работе;
* :func:`flat_commissions` — нынешнее правило «Сферы Софт» для AE (процент ACV выигранной
  сделки в месяце закрытия, если AE работает на дату закрытия), пересчитанное из сделок:
  совпадает с ``rep_payouts`` и статьёй ``bonus`` в ``sm_costs``;
* :func:`plan_payouts` — выплаты команды по плану от выполнения годового плана;
* :func:`cost_of_sales` — стоимость продаж: переменная часть на рубль нового ACV;
* :func:`quarter_end_share`, :func:`early_churn_commission` — что план поощряет на деле.

Доли премий в выигранном ACV за период считают ``outbound.ae_commission_rate`` (только AE)
и ``planning.bonus_rate`` (все премии на новый ARR); здесь они не дублируются.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from salesbook.toolkit import course, kpi
from salesbook.toolkit.acquisition import in_period
from salesbook.toolkit.validation import MetricError, numbers, positive, require_columns, share

__all__ = ["payout_share", "payout", "ote", "pay_mix", "quota_to_ote", "flat_commissions", "plan_payouts",
           "cost_of_sales", "quarter_end_share", "early_churn_commission", "quota_plan_table", "FLAT_TIERS",
           "PROPOSED_PLAN", "PROPOSED_PAY_MIX", "plan_scenario", "bonus_payroll_tax"]

#: Ступени плана без ускорителей: каждый процент выполнения платит 1 % целевой переменной части.
FLAT_TIERS: tuple[tuple[float, float], ...] = ((0.0, 1.0),)


#: Предлагаемый в разделе 5.4 план AE от выполнения годового плана (сценарий курса, не правило данных):
#: порог 50 % плана, ускоритель ×2 сверх плана, потолок — 200 % целевой переменной части.
PROPOSED_PLAN = {"threshold": 0.5, "tiers": ((0.0, 1.0), (1.0, 2.0)), "cap": 2.0}
#: Доля оклада в OTE предлагаемого плана AE: 50/50 — целевая переменная часть равна окладу.
PROPOSED_PAY_MIX = 0.5


def _tiers(tiers: Sequence[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Проверить ступени ``((от, множитель), …)``: первая — от 0, начала растут, множители ≥ 0."""
    try:
        arr = np.asarray(tiers, dtype=float)
    except (TypeError, ValueError):
        raise MetricError("tiers: нужны пары (начало ступени — доля выполнения плана, множитель), "
                          "например ((0, 1), (1, 2)).") from None
    if arr.ndim != 2 or arr.shape[1] != 2 or len(arr) == 0:
        raise MetricError("tiers: нужны пары (начало ступени — доля выполнения плана, множитель), "
                          "например ((0, 1), (1, 2)).")
    if not np.all(np.isfinite(arr)):
        raise MetricError("tiers: в ступенях есть пропуски или бесконечности.")
    starts, rates = arr[:, 0], arr[:, 1]
    if starts[0] != 0 or np.any(np.diff(starts) <= 0):
        raise MetricError("tiers: первая ступень начинается с 0, начала ступеней строго растут "
                          "(доли плана: 100 % → 1,0).")
    if np.any(rates < 0):
        raise MetricError("tiers: множитель ступени не может быть отрицательным.")
    return starts, rates


def payout_share(attainment, *, threshold: float = 0.0, tiers: Sequence[tuple[float, float]] = FLAT_TIERS,
                 cap: float | None = None):
    """Выплата в долях целевой переменной части при выполнении плана ``attainment`` (доля: 100 % → 1,0).

    Правило (его записывают в положение о премировании):

    * ниже порога ``threshold`` выплаты нет; с порога платится всё выполнение с нуля
      (порог — «ворота», а не вычет);
    * ступени ``tiers`` — пары (начало ступени, множитель): выполнение внутри ступени
      платится с её множителем. ``((0, 1), (1, 2))`` — ускоритель ×2 сверх плана,
      ``((0, 1), (1.2, 0.5))`` — замедлитель сверх 120 %;
    * потолок ``cap`` — максимум выплаты в долях целевой переменной части (2 — не больше 200 %).

    При ступенях по умолчанию и без порога выплата равна выполнению: 80 % плана — 80 % целевой
    переменной части. Число → ``float``, массив → ``np.ndarray``.
    """
    att = numbers(attainment, "Выполнение плана")
    if np.any(att < 0):
        raise MetricError("Выполнение плана не может быть отрицательным: это доля, 100 % → 1,0.")
    threshold = positive(threshold, "Порог (threshold)", allow_zero=True)
    starts, rates = _tiers(tiers)
    ends = np.append(starts[1:], np.inf)
    inside = np.clip(att[..., None] - starts, 0.0, ends - starts)
    earned = (inside * rates).sum(axis=-1)
    earned = np.where(att >= threshold, earned, 0.0)
    if cap is not None:
        earned = np.minimum(earned, positive(cap, "Потолок (cap)"))
    return float(earned) if earned.ndim == 0 else earned


def payout(bookings, quota, target_variable, *, threshold: float = 0.0,
           tiers: Sequence[tuple[float, float]] = FLAT_TIERS, cap: float | None = None, spiff: float = 0.0,
           clawback: float = 0.0, deferred_share: float = 0.0) -> float:
    """Выплата переменной части за период, ₽.

    ``bookings`` — засчитанный результат (выигранный ACV, ₽), ``quota`` — план на тот же период
    (₽, > 0), ``target_variable`` — целевая переменная часть при 100 % плана за тот же период
    (OTE минус оклад). Выполнение = bookings / quota; заработано = ``target_variable`` ×
    :func:`payout_share`. ``spiff`` — разовая премия конкурса, ₽ (сверх кривой и потолка).

    Возврат (clawback) по-российски: часть ``deferred_share`` заработанного откладывается
    до условия (клиент платит N месяцев); ``clawback`` — сколько рублей премии приходится на
    сделки, условие по которым не выполнено. Не выплатить можно только отложенное: уже
    выплаченную премию удержать нельзя (ст. 137 ТК РФ), поэтому вычитается
    min(clawback, отложенное). Итог = заработано − min(clawback, deferred_share × заработано) + spiff.
    """
    bookings = positive(bookings, "Засчитанный результат (bookings), ₽", allow_zero=True)
    quota = positive(quota, "План (quota), ₽")
    target_variable = positive(target_variable, "Целевая переменная часть, ₽", allow_zero=True)
    spiff = positive(spiff, "SPIFF, ₽", allow_zero=True)
    clawback = positive(clawback, "Возврат (clawback), ₽", allow_zero=True)
    deferred_share = share(deferred_share, "Отложенная доля (deferred_share)")
    earned = target_variable * payout_share(bookings / quota, threshold=threshold, tiers=tiers, cap=cap)
    withheld = min(clawback, deferred_share * earned)
    return float(earned - withheld + spiff)


def ote(base_annual, target_variable) -> float:
    """OTE (on-target earnings) — доход за год при 100 % плана: оклад за год + целевая переменная часть, ₽."""
    return positive(base_annual, "Оклад за год, ₽") + positive(target_variable, "Целевая переменная часть, ₽",
                                                                allow_zero=True)


def pay_mix(base_annual, target_variable) -> float:
    """Доля оклада в OTE (pay mix «50/50» → 0,5; «70/30» → 0,7)."""
    return positive(base_annual, "Оклад за год, ₽") / ote(base_annual, target_variable)


def quota_to_ote(quota, ote_rub) -> float:
    """Отношение годового плана к OTE (во сколько раз продавец «окупает» свой доход при 100 % плана)."""
    return positive(quota, "План (quota), ₽") / positive(ote_rub, "OTE, ₽")


def flat_commissions(opportunities: pd.DataFrame, reps: pd.DataFrame, rate: float, start, end) -> pd.DataFrame:
    """Нынешний план AE «Сферы Софт»: ``rate`` × ACV выигранной сделки в месяце закрытия владельцу сделки,
    если он работает на дату закрытия (сделки ушедших AE не оплачиваются никому).

    Период — по ``close_date``. Возвращает таблицу ``rep_id, month, deals, acv_rub, payout_rub``
    (месяц — первое число), по строке на AE × месяц с выплатой.
    """
    require_columns(opportunities, ["owner_id", "outcome", "close_date", "amount_rub"], "opportunities")
    require_columns(reps, ["rep_id", "exit_date"], "reps")
    rate = share(rate, "Ставка комиссии")
    won = opportunities[opportunities["outcome"].eq("won") & in_period(opportunities["close_date"], start, end)]
    exit_date = won["owner_id"].map(reps.set_index("rep_id")["exit_date"])
    won = won[won["owner_id"].notna() & (exit_date.isna() | (exit_date >= won["close_date"]))]
    month = won["close_date"].dt.to_period("M").dt.to_timestamp()
    out = won.groupby([won["owner_id"].rename("rep_id"), month.rename("month")])["amount_rub"].agg(["size", "sum"])
    out = out.rename(columns={"size": "deals", "sum": "acv_rub"}).reset_index()
    out["payout_rub"] = rate * out["acv_rub"]
    return out


def plan_payouts(table: pd.DataFrame, *, threshold: float = 0.0, tiers: Sequence[tuple[float, float]] = FLAT_TIERS,
                 cap: float | None = None) -> pd.DataFrame:
    """Выплаты команды по плану от выполнения: к таблице со столбцами ``bookings_rub``, ``quota_rub``
    (план периода, ₽) и ``target_variable_rub`` (целевая переменная часть за тот же период, ₽)
    добавляет ``attainment`` (доля), ``payout_share`` и ``payout_rub``. Строки с нулевым планом
    (AE не работал в периоде) — ошибка: уберите их заранее."""
    require_columns(table, ["bookings_rub", "quota_rub", "target_variable_rub"], "Таблица выполнения", non_empty=True)
    quota = numbers(table["quota_rub"], "План (quota_rub)")
    if np.any(quota <= 0):
        raise MetricError("План (quota_rub) должен быть больше нуля в каждой строке: AE без плана в периоде "
                          "уберите из таблицы.")
    bookings = numbers(table["bookings_rub"], "Выигранный ACV (bookings_rub)")
    target = numbers(table["target_variable_rub"], "Целевая переменная часть (target_variable_rub)")
    if np.any(bookings < 0) or np.any(target < 0):
        raise MetricError("Выигранный ACV и целевая переменная часть не могут быть отрицательными.")
    out = table.copy()
    out["attainment"] = bookings / quota
    out["payout_share"] = payout_share(out["attainment"].to_numpy(), threshold=threshold, tiers=tiers, cap=cap)
    out["payout_rub"] = out["payout_share"] * target
    return out


def cost_of_sales(variable_pay, new_acv) -> float:
    """Стоимость продаж по переменной части: переменная часть, ₽ / новый ACV за тот же период, ₽ (доля)."""
    return positive(variable_pay, "Переменная часть, ₽", allow_zero=True) / positive(new_acv, "Новый ACV, ₽")


def quarter_end_share(opportunities: pd.DataFrame, start, end, days: int = 14) -> pd.Series:
    """Доля выигранного ACV и числа выигрышей, закрытых в последние ``days`` дней квартала (по ``close_date``
    в периоде), и доля этих дней в календаре периода — ориентир «как было бы без стягивания к концу квартала».

    Возвращает Series ``acv_share``, ``deals_share``, ``calendar_share``.
    """
    require_columns(opportunities, ["outcome", "close_date", "amount_rub"], "opportunities")
    days = int(positive(days, "Дней до конца квартала"))
    won = opportunities[opportunities["outcome"].eq("won") & in_period(opportunities["close_date"], start, end)]
    if won.empty:
        raise MetricError("За период нет выигранных сделок — долю конца квартала не посчитать.")
    quarter_end = won["close_date"].dt.to_period("Q").dt.end_time.dt.normalize()
    late = (quarter_end - won["close_date"]).dt.days < days
    calendar = pd.Series(pd.date_range(start, end, freq="D"))
    cal_late = (calendar.dt.to_period("Q").dt.end_time.dt.normalize() - calendar).dt.days < days
    return pd.Series({"acv_share": won.loc[late, "amount_rub"].sum() / won["amount_rub"].sum(),
                      "deals_share": float(late.mean()), "calendar_share": float(cal_late.mean())})


def early_churn_commission(opportunities: pd.DataFrame, accounts: pd.DataFrame, reps: pd.DataFrame, rate: float,
                           start, end, months: int = 12) -> pd.Series:
    """Сколько комиссии нынешнего плана (:func:`flat_commissions`) заплачено за сделки, клиент которых ушёл
    (``accounts.churned_on``) не позже чем через ``months`` месяцев после закрытия сделки.

    Период — по ``close_date``. Возвращает Series ``commission_rub`` (вся комиссия периода),
    ``early_churn_rub`` (из неё — за рано ушедших), ``share`` (доля), ``deals`` (таких сделок).
    """
    require_columns(accounts, ["account_id", "churned_on"], "accounts")
    require_columns(opportunities, ["account_id", "owner_id", "outcome", "close_date", "amount_rub"], "opportunities")
    rate = share(rate, "Ставка комиссии")
    months = int(positive(months, "Месяцев до ухода клиента"))
    won = opportunities[opportunities["outcome"].eq("won") & in_period(opportunities["close_date"], start, end)]
    exit_date = won["owner_id"].map(reps.set_index("rep_id")["exit_date"])
    won = won[won["owner_id"].notna() & (exit_date.isna() | (exit_date >= won["close_date"]))]
    churned = won["account_id"].map(accounts.set_index("account_id")["churned_on"])
    early = churned.notna() & (churned >= won["close_date"]) & (churned < won["close_date"] + pd.DateOffset(months=months))
    total = rate * won["amount_rub"].sum()
    if total <= 0:
        raise MetricError("За период нет оплаченных выигрышей — долю не посчитать.")
    lost = rate * won.loc[early, "amount_rub"].sum()
    return pd.Series({"commission_rub": total, "early_churn_rub": lost, "share": lost / total,
                      "deals": float(early.sum())})


def quota_plan_table(opportunities: pd.DataFrame, reps: pd.DataFrame, start, end,
                     mix: float = PROPOSED_PAY_MIX) -> pd.DataFrame:
    """Таблица для плана от выполнения: по AE за период (целые месяцы) — ``bookings_rub`` (выигранный ACV
    без сделок, закрытых после ухода AE: ``kpi.before_owner_exit``), ``quota_rub`` (план с учётом отработанных
    дней и выхода на продуктивность: ``kpi.quota_attainment``), ``target_variable_rub`` — целевая переменная
    часть за отработанные месяцы при доле оклада ``mix``: оклад (``reps.base_salary_rub``) × отработанные
    месяцы × (1 − mix) / mix. AE без плана в периоде в таблицу не входят."""
    mix = share(mix, "Доля оклада в OTE (mix)", lower_open=True)
    require_columns(reps, ["rep_id", "base_salary_rub"], "reps")
    table = kpi.quota_attainment(kpi.before_owner_exit(opportunities, reps), reps, start, end)
    worked = kpi.monthly_quota(reps, start, end).groupby("rep_id")["worked_share"].sum()
    base = reps.set_index("rep_id")["base_salary_rub"]
    table["months_worked"] = worked.reindex(table.index)
    table["target_variable_rub"] = base.reindex(table.index) * table["months_worked"] * (1 - mix) / mix
    return table[["bookings_rub", "quota_rub", "months_worked", "target_variable_rub"]]


def plan_scenario(ote_rub, mix, quota, threshold=0.0, accelerator=1.0, cap=None, max_attainment: float = 2.0,
                  points: int = 81) -> dict:
    """Сценарий плана AE для калькулятора: OTE, доля оклада ``mix``, годовой план ``quota``, порог, ускоритель
    сверх 100 % плана и потолок (доля целевой переменной части; ``None`` — без потолка).

    Возвращает словарь: ``base``, ``target_variable``, ``quota_to_ote``, ``attainment`` (сетка от 0 до
    ``max_attainment``), ``variable`` (выплата на сетке, ₽), ``cost_of_sales_at_plan`` (переменная часть при
    100 % плана / план) и ``payout_at`` — выплаты при 50, 100 и 150 % плана, ₽.
    """
    ote_rub = positive(ote_rub, "OTE, ₽")
    mix = share(mix, "Доля оклада в OTE (mix)", lower_open=True)
    quota = positive(quota, "План (quota), ₽")
    accelerator = positive(accelerator, "Ускоритель", allow_zero=True)
    base = ote_rub * mix
    target = ote_rub - base
    plan = {"threshold": threshold, "tiers": ((0.0, 1.0), (1.0, accelerator)), "cap": cap}
    grid = np.linspace(0.0, positive(max_attainment, "Максимум выполнения на графике"), int(points))
    variable = target * payout_share(grid, **plan)
    at = {a: target * payout_share(a, **plan) for a in (0.5, 1.0, 1.5)}
    return {"ote": ote_rub, "mix": mix, "quota": quota, "threshold": float(threshold), "accelerator": accelerator,
            "cap": cap, "base": base, "target_variable": target, "quota_to_ote": quota_to_ote(quota, ote_rub),
            "attainment": grid, "variable": variable, "cost_of_sales_at_plan": cost_of_sales(at[1.0], quota),
            "payout_at": at}


def bonus_payroll_tax(salary, bonus, *, rate: float = course.PAYROLL_TAX_RATE_2026,
                      base_limit: float = course.PAYROLL_TAX_BASE_2026,
                      rate_above: float = course.PAYROLL_TAX_RATE) -> np.ndarray | float:
    """Страховые взносы, которые добавляет премия ``bonus`` к окладу ``salary`` одного сотрудника за
    календарный год, ₽ (по умолчанию — тариф аккредитованной ИТ-компании 2026 года: ``rate`` в пределах
    предельной базы ``base_limit``, ``rate_above`` сверх неё).

    Премия начисляется поверх оклада, поэтому облагается по предельной ставке: взносы(оклад + премия) −
    взносы(оклад). Принимает числа или массивы одинаковой длины (по строке на сотрудника)."""
    s = np.asarray(numbers(salary, "Оклад за год, ₽"), dtype=float)
    b = np.asarray(numbers(bonus, "Премия за год, ₽"), dtype=float)
    if np.any(s < 0) or np.any(b < 0):
        raise MetricError("Оклад и премия не могут быть отрицательными.")
    rate, rate_above = share(rate, "Тариф взносов"), share(rate_above, "Тариф взносов сверх базы")
    limit = positive(base_limit, "Предельная база взносов, ₽")

    def tax(pay):
        return rate * np.minimum(pay, limit) + rate_above * np.maximum(pay - limit, 0.0)

    out = tax(s + b) - tax(s)
    return float(out) if out.ndim == 0 else out
