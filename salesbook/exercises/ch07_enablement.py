"""Упражнения раздела 7.2 «Sales Enablement и Engagement».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.enablement``; каждая
типичная ошибка — тот же расчёт с одной конкретной ошибкой.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, enablement

SECTION = "ch07.enablement"
TITLE = "7.2. Sales Enablement и Engagement"

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


def _relative_lift() -> float:
    _, usage, opps = _tables()
    s = enablement.naive_lift(opps, usage, *course.YEARS_2024_2025, ROI_ASSET)
    return 100 * float(s["with"] / s["without"] - 1)


q2 = Exercise(
    id="ch07.enablement.q2",
    title="Наивная «польза» ROI-калькулятора",
    var="roi_lift_pp",
    expected=naive_lift_pp,
    compare=Number(rel_tol=0.01, abs_tol=0.05),
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
    ],
    correct_message="Верно. Разница огромная — но это сравнение разных сделок, а не эффект калькулятора. "
                    "Дальше в разделе — сколько от неё остаётся после поправки на смешение.",
)

# ---------------------------------------------------------------------------
# 3. Скорректированное отношение шансов
# ---------------------------------------------------------------------------


def adjusted_or(controls: str = enablement.CONTROLS) -> float:
    _, usage, opps = _tables()
    return float(enablement.adjusted_odds_ratio(opps, usage, *course.YEARS_2024_2025, ROI_ASSET, controls)["odds_ratio"])


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
        "enablement.adjusted_odds_ratio(opps, usage, начало, конец, 'CA14') оценивает логистическую регрессию "
        "won ~ used + AE + log(суммы) + MEDDIC; контроли по умолчанию — enablement.CONTROLS.",
        "Нужен столбец odds_ratio результата — отношение шансов победы «с калькулятором / без».",
    ],
    mistakes=[
        Mistake(name="naive_or", value=_naive_or,
                hint="Это отношение шансов без поправок — та же наивная разница, только в шансах. Нужна регрессия с контролями."),
        Mistake(name="with_length", value=lambda: adjusted_or(enablement.CONTROLS_WITH_LENGTH),
                hint="Вы добавили длину сделки. Задание просит стандартные контроли — AE, размер, MEDDIC; "
                     "длина сделки — спорный контроль, в разделе разобрано почему."),
        Mistake(name="segment_only", value=_mh_segment_or,
                hint="Это поправка только на сегмент (Мантель — Хензель). Сила AE, размер и «здоровье» сделки в ней не учтены."),
        Mistake(name="inverted", value=lambda: 1 / adjusted_or(),
                hint="Отношение перевёрнуто: нужны шансы «с калькулятором» к шансам «без», а не наоборот."),
    ],
    correct_message="Верно. Отношение шансов заметно меньше наивного, но всё ещё выше 1. Это ассоциация при равных "
                    "наблюдаемых прочих, а не эффект: AE отправляет калькулятор, когда сделка уже идёт хорошо.",
)

# ---------------------------------------------------------------------------
# 4. Решение в рублях: что вывести из обращения
# ---------------------------------------------------------------------------


def _retire(include_stale: bool = True, start=course.YEAR_2025[0], end=course.YEAR_2025[1]) -> list[str]:
    assets, usage, _ = _tables()
    ids = list(enablement.unused_assets(assets, usage, start, end))
    return ids + [STALE_PRICING] if include_stale else ids


def savings(include_stale: bool = True, share: float = enablement.REFRESH_SHARE) -> float:
    assets, _, _ = _tables()
    return enablement.refresh_savings(assets, pd.Index(_retire(include_stale)), share)


q4 = Exercise(
    id="ch07.enablement.q4",
    title="Сколько сэкономит чистка библиотеки",
    var="refresh_savings_rub",
    expected=savings,
    compare=Number(rel_tol=0.005),
    hints=[
        "Выводим из обращения материалы, не использованные в 2025 году (enablement.unused_assets), и прайс 2023 года CA16.",
        "Каждый оставленный материал раз в год обновляют за долю enablement.REFRESH_SHARE от затрат на его производство: "
        "enablement.refresh_savings(assets, список_id) вернёт годовую экономию в рублях.",
    ],
    mistakes=[
        Mistake(name="no_stale", value=lambda: savings(include_stale=False),
                hint="Не забыт ли прайс 2023 года (CA16)? Им пользуются, но его заменила версия 2025 года: "
                     "устаревший прайс — не экономия, а риск отправить клиенту старые цены."),
        Mistake(name="production_cost", value=lambda: savings(share=1.0),
                hint="Это затраты на производство. Они уже потрачены и не вернутся; экономия — только будущие "
                     "ежегодные обновления (доля REFRESH_SHARE от затрат на производство)."),
        Mistake(name="production_cost_no_stale", value=lambda: savings(include_stale=False, share=1.0),
                hint="Это затраты на производство неиспользованных материалов — они уже потрачены. Экономия — будущие "
                     "обновления, и в список нужно добавить устаревший прайс CA16."),
    ],
    correct_message="Верно. Экономия скромная, но главное не в ней: библиотека становится короче, а старые цены не уходят клиентам.",
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
            "На 9-м касании цепочки доля ответов 7 %, а на 1-м — 8 %. Руководитель SDR: «Поздние касания почти так же хороши». Что не так?",
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
