"""Упражнения раздела 7.2 «Материалы продаж, плейбуки и цепочки касаний».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.enablement``; каждая
типичная ошибка — тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import Exercise, Mistake, Number
from salesbook.runtime.fmt import NBSP
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, enablement

SECTION = "ch07.enablement"
TITLE = "7.2. Материалы продаж, плейбуки и цепочки касаний"

#: Материал, связь которого с победой разбирают упражнения 2 и 3: ROI-калькулятор.
ROI_ASSET = "CA14"
#: Устаревший прайс 2023 года: его заменила версия 2025 года.
STALE_PRICING = "CA16"


def _tables():
    return table("content_assets"), table("content_usage"), table("opportunities")


# ---------------------------------------------------------------------------
# 1. Доля материалов, которыми не пользовались
# ---------------------------------------------------------------------------


def unused_share(start=course.YEAR_2025[0], end=course.YEAR_2025[1], audience=None) -> float:
    assets, usage, _ = _tables()
    if audience is not None:
        keep = assets["audience"].eq(audience)
        assets = assets[keep]
        usage = usage[usage["asset_id"].isin(assets["asset_id"])]
    unused = enablement.unused_assets(assets, usage, start, end)
    published = (assets["created_date"] <= pd.Timestamp(end)).sum()
    return len(unused) / published


q1 = Exercise(
    id="ch07.enablement.q1",
    title="Какая доля материалов лежит мёртвым грузом",
    var="unused_share_2025",
    expected=unused_share,
    compare=Number(rel_tol=0.01),
    hints=[
        "enablement.unused_assets(assets, usage, начало, конец) вернёт материалы, опубликованные к концу периода "
        "и ни разу не использованные в нём.",
        "Поделите их число на число материалов, опубликованных к концу 2025 года (в справочнике все опубликованы до конца 2025).",
    ],
    mistakes=[
        Mistake(name="used_share", value=lambda: 1 - unused_share(),
                hint="Это доля использованных материалов, а нужна доля неиспользованных."),
        Mistake(name="whole_history", value=lambda: unused_share(course.HISTORY[0], course.HISTORY[1]),
                hint="Вы взяли весь период 2023–2025, а задание — про 2025 год: материал, которым пользовались в 2023-м, "
                     "но не трогали в 2025-м, — тоже кандидат на вывод."),
        Mistake(name="buyer_only", value=lambda: unused_share(audience="buyer"),
                hint="Вы посчитали только внешние материалы. Внутренние (battlecards, сценарий демо, плейбук) тоже "
                     "стоят денег и тоже входят в аудит."),
        Mistake(name="count", matches=lambda a: isinstance(a, (int, float, np.integer, np.floating))
                and float(a) >= 1 and float(a) == round(float(a)),
                hint="Похоже, это число материалов, а нужна доля: поделите на число опубликованных материалов."),
    ],
    correct_message="Верно. Неиспользованные материалы — не только потерянные деньги на производство: они засоряют "
                    "поиск и мешают найти нужное.",
)

# ---------------------------------------------------------------------------
# 2. Наивная разница win rate
# ---------------------------------------------------------------------------


def naive_lift_pp(start=course.YEARS_2024_2025[0], end=course.YEARS_2024_2025[1]) -> float:
    assets, usage, opps = _tables()
    return 100 * float(enablement.naive_lift(opps, usage, start, end, ROI_ASSET)["lift"])


def _lift_with_open() -> float:
    _, usage, opps = _tables()
    o = opps[pd.to_datetime(opps["created_date"]).between(*map(pd.Timestamp, course.YEARS_2024_2025))]
    used = o["opportunity_id"].isin(usage.loc[usage["asset_id"] == ROI_ASSET, "opportunity_id"])
    won = o["outcome"].eq("won")
    return 100 * float(won[used].mean() - won[~used].mean())


def _lift_created_cohort() -> float:
    """Закрытые сделки, отобранные по дате создания, а не закрытия."""
    _, usage, opps = _tables()
    o = opps[pd.to_datetime(opps["created_date"]).between(*map(pd.Timestamp, course.YEARS_2024_2025))
             & opps["outcome"].isin(["won", "lost"])]
    used = o["opportunity_id"].isin(usage.loc[usage["asset_id"] == ROI_ASSET, "opportunity_id"])
    won = o["outcome"].eq("won")
    return 100 * float(won[used].mean() - won[~used].mean())


def _lift_usage_in_period() -> float:
    """Калькулятор засчитан, только если его отправили в 2024–2025 годах."""
    _, usage, opps = _tables()
    lo, hi = map(pd.Timestamp, course.YEARS_2024_2025)
    u = usage[usage["asset_id"].eq(ROI_ASSET) & pd.to_datetime(usage["used_date"]).between(lo, hi)]
    s = enablement.naive_lift(opps, u, lo, hi, ROI_ASSET)
    return 100 * float(s["lift"])


def _relative_lift() -> float:
    _, usage, opps = _tables()
    s = enablement.naive_lift(opps, usage, *course.YEARS_2024_2025, ROI_ASSET)
    return 100 * float(s["with"] / s["without"] - 1)


q2 = Exercise(
    id="ch07.enablement.q2",
    title="Наивная «польза» ROI-калькулятора",
    var="roi_lift_pp",
    expected=naive_lift_pp,
    compare=Number(rel_tol=0.002, abs_tol=0.01),
    hints=[
        "Возьмите сделки, закрытые в 2024–2025 годах (kpi.closed_deals), и отметьте те, где использован ROI-калькулятор CA14.",
        "Разница win rate «с калькулятором» минус «без» — в процентных пунктах: 0,16 → 16. "
        "enablement.naive_lift(opps, usage, начало, конец, 'CA14') считает её в долях.",
    ],
    mistakes=[
        Mistake(name="fraction", value=lambda: naive_lift_pp() / 100,
                hint="Это разница в долях, а нужна в процентных пунктах: умножьте на 100."),
        Mistake(name="with_open", value=_lift_with_open,
                hint="В знаменатель попали открытые сделки. Win rate считают только по закрытым: исход открытой ещё неизвестен."),
        Mistake(name="relative", value=_relative_lift,
                hint="Это относительный рост (во сколько процентов win rate с калькулятором выше), а нужна разница в процентных пунктах."),
        Mistake(name="whole_history", value=lambda: naive_lift_pp(*course.HISTORY),
                hint="Вы взяли весь период 2023–2025, а задание — про сделки, закрытые в 2024–2025 годах."),
        Mistake(name="created_cohort", value=_lift_created_cohort,
                hint="Вы отобрали сделки по дате создания. Win rate курса — по дате закрытия: сделки, закрытые в 2024–2025 годах "
                     "(kpi.closed_deals)."),
        Mistake(name="usage_in_period", value=_lift_usage_in_period,
                hint="Вы засчитали калькулятор, только если его отправили в 2024–2025 годах. Калькулятор, отправленный в 2023 году "
                     "в сделку, закрытую в 2024-м, тоже считается: признак — «в сделке был калькулятор», а не дата отправки."),
    ],
    correct_message="Верно. Разница огромная — но это сравнение разных сделок, а не эффект калькулятора. "
                    "Дальше в разделе — сколько от неё остаётся после поправки на смешение.",
)

# ---------------------------------------------------------------------------
# 3. Скорректированное отношение шансов
# ---------------------------------------------------------------------------


def _adjusted(controls: str = enablement.CONTROLS_WITH_LENGTH) -> pd.Series:
    _, usage, opps = _tables()
    return enablement.adjusted_odds_ratio(opps, usage, *course.YEARS_2024_2025, ROI_ASSET, controls)


def adjusted_or(controls: str = enablement.CONTROLS_WITH_LENGTH) -> float:
    return float(_adjusted(controls)["odds_ratio"])


def _q3_message() -> str:
    r = _adjusted()
    covers = "накрывает единицу" if r["low"] < 1 < r["high"] else "не накрывает единицу"
    return (f"Верно: OR = {fmt.number(r['odds_ratio'], 2)}, 95{NBSP}% — {fmt.number(r['low'], 2)}–{fmt.number(r['high'], 2)}, "
            f"интервал {covers}. Это поправка, правильная для наших данных: генератор решал об отправке, глядя на итоговый "
            "MEDDIC и длину сделки. В жизни то и другое может быть следствием калькулятора, и тогда контроли берут до отправки. "
            "И даже так это ассоциация, а не эффект: AE отправляет калькулятор, когда сделка уже идёт хорошо.")


def _naive_or() -> float:
    _, usage, opps = _tables()
    return float(enablement.mantel_haenszel_or(opps, usage, *course.YEARS_2024_2025, ROI_ASSET)["naive_or"])


def _mh_segment_or() -> float:
    _, usage, opps = _tables()
    return float(enablement.mantel_haenszel_or(opps, usage, *course.YEARS_2024_2025, ROI_ASSET)["odds_ratio"])


q3 = Exercise(
    id="ch07.enablement.q3",
    title="Сколько остаётся после поправки",
    var="roi_or_adjusted",
    expected=adjusted_or,
    compare=Number(rel_tol=0.01),
    hints=[
        "enablement.adjusted_odds_ratio(opps, usage, начало, конец, 'CA14', controls=...) оценивает логистическую регрессию "
        "won ~ used + контроли; AE, размер, MEDDIC и длина сделки — enablement.CONTROLS_WITH_LENGTH.",
        "Нужен столбец odds_ratio результата — отношение шансов победы «с калькулятором / без».",
    ],
    mistakes=[
        Mistake(name="naive_or", value=_naive_or,
                hint="Это отношение шансов без поправок — та же наивная разница, только в шансах. Нужна регрессия с контролями."),
        Mistake(name="without_length", value=lambda: adjusted_or(enablement.CONTROLS),
                hint="Здесь нет длины сделки. В наших данных она общая причина отправки и победы (генератор так устроен), "
                     "и без неё отношение шансов завышено: возьмите enablement.CONTROLS_WITH_LENGTH."),
        Mistake(name="without_meddic", value=lambda: adjusted_or("C(owner) + log_amount + log_days"),
                hint="Здесь нет балла MEDDIC. В наших данных генератор отправлял материалы чаще в «здоровых» сделках, "
                     "поэтому MEDDIC нужен в контролях: возьмите enablement.CONTROLS_WITH_LENGTH."),
        Mistake(name="segment_only", value=_mh_segment_or,
                hint="Это поправка только на сегмент (Мантель — Хензель). Сила AE, размер и «здоровье» сделки в ней не учтены."),
        Mistake(name="inverted", value=lambda: 1 / adjusted_or(),
                hint="Отношение перевёрнуто: нужны шансы «с калькулятором» к шансам «без», а не наоборот."),
    ],
    correct_message=_q3_message,
)

# ---------------------------------------------------------------------------
# 4. Решение в рублях: что вывести из обращения
# ---------------------------------------------------------------------------


def _retire(include_stale: bool = False, start=course.YEAR_2025[0], end=course.YEAR_2025[1]) -> list[str]:
    assets, usage, _ = _tables()
    ids = list(enablement.unused_assets(assets, usage, start, end))
    return ids + [STALE_PRICING] if include_stale else ids


def savings(include_stale: bool = False, share: float = enablement.REFRESH_SHARE) -> float:
    assets, _, _ = _tables()
    return enablement.refresh_savings(assets, pd.Index(_retire(include_stale)), share)


q4 = Exercise(
    id="ch07.enablement.q4",
    title="Сколько сэкономит чистка библиотеки",
    var="refresh_savings_rub",
    expected=savings,
    compare=Number(rel_tol=0.005),
    hints=[
        "Выводим из обращения материалы, не использованные в 2025 году (enablement.unused_assets). Прайс 2023 года CA16 "
        "в экономию не входит: его обновление и так не планировали.",
        "Каждый оставленный материал раз в год обновляют за долю enablement.REFRESH_SHARE от затрат на его производство: "
        "enablement.refresh_savings(assets, список_id) вернёт годовую экономию в рублях.",
    ],
    mistakes=[
        Mistake(name="with_stale", value=lambda: savings(include_stale=True),
                hint="Вы добавили прайс 2023 года (CA16). Его заменила версия 2025 года, и обновлять его никто не собирался — "
                     "сэкономить на нём нечего. Убирают его не ради денег, а из-за риска назвать клиенту старые цены."),
        Mistake(name="production_cost", value=lambda: savings(share=1.0),
                hint="Это затраты на производство. Они уже потрачены и не вернутся; экономия — только будущие "
                     "ежегодные обновления (доля REFRESH_SHARE от затрат на производство)."),
        Mistake(name="production_cost_with_stale", value=lambda: savings(include_stale=True, share=1.0),
                hint="Это затраты на производство неиспользованных материалов и старого прайса — они уже потрачены. Экономия — "
                     "будущие обновления неиспользованных материалов; прайс 2023 года обновлять и так не собирались."),
    ],
    correct_message="Верно. Экономия скромная, и главное не в ней: библиотека становится короче, а прайс 2023 года убирают "
                    "из-за риска старых цен, а не ради денег.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "В сделках, где AE отправил кейс, win rate на 14 п. п. выше. Что это доказывает?",
            (
                Option("Кейс поднимает win rate на 14 п. п.", False,
                       "Кейс отправляют не в случайных сделках: сильные AE, крупные и «здоровые» сделки, сделки, которые живут дольше. "
                       "Разница смешивает эффект кейса со всем этим."),
                Option("Ничего о пользе кейса: это сравнение разных сделок", True,
                       "Да. Чтобы говорить о пользе, нужно хотя бы сравнить сопоставимые сделки, а лучше — эксперимент."),
                Option("Кейс не работает", False,
                       "Из наивной разницы нельзя вывести и обратное. Она просто не отвечает на вопрос о пользе."),
            ),
        ),
        Question(
            "После поправки на AE, размер и MEDDIC отношение шансов ROI-калькулятора всё ещё выше 1. Почему это ещё не причинный эффект?",
            (
                Option("Остались неизмеренные причины: AE отправляет калькулятор, когда покупатель уже считает деньги и сделка идёт хорошо", True,
                       "Да. Регрессия уравнивает только то, что в ней есть. Намерение покупателя в CRM не записано, а "
                       "отправку калькулятора оно и вызывает."),
                Option("Потому что регрессия логистическая, а не линейная", False,
                       "Вид модели тут ни при чём: линейная регрессия с теми же контролями страдает от того же смешения."),
                Option("Потому что интервал не включает 1", False,
                       "Интервал говорит о случайности, а не о смешении: узкий интервал вокруг смещённой оценки всё равно смещён."),
            ),
        ),
        Question(
            "На 9-м касании цепочки доля ответов 7 %, а на 1-м — 8 %. Руководитель BDR: «Поздние касания почти так же хороши». Что не так?",
            (
                Option("Ничего, вывод верный", False,
                       "Доли верные (знаменатель — дошедшие до касания лиды), но до 9-го касания доходит лишь часть лидов, и "
                       "ответов там в разы меньше. Для решения нужны ответы и встречи на одного начавшего и стоимость касания."),
                Option("Доля на касании не показывает, сколько лидов до него дошло: сравнивать нужно вклад в итог и цену касания", True,
                       "Да. Решение о длине цепочки — в рублях: сколько встреч потеряем и сколько касаний сэкономим (раздел 3.3)."),
                Option("Долю надо делить на всех лидов, начавших цепочку", False,
                       "Так поздние касания выглядят хуже, чем есть: в знаменателе окажутся лиды, которые до них не дошли."),
            ),
        ),
    ],
)
