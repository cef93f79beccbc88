"""Упражнения раздела 1.2 «Анализ рынка и целевая аудитория».

Эталоны считаются из данных курса функциями ``salesbook.toolkit.market``; каждая
типичная ошибка — это тот же расчёт с одной конкретной ошибкой или признак ответа.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

from salesbook.data import schemas
from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import Choice, Exercise, Invalid, Mistake, Number, Table, _describe
from salesbook.runtime.plotting import label
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import acquisition, course, market

SECTION = "ch01.market"
TITLE = "1.2. Анализ рынка и целевая аудитория"

CFO_WEIGHTS = {"win_rate": 0.1, "median_acv": 0.4, "median_cycle_days": 0.1, "monthly_churn": 0.4}
CELLS = [f"{s}/{i}" for s in course.SEGMENTS for i in schemas.INDUSTRIES]


@lru_cache(maxsize=1)
def _cells() -> pd.DataFrame:
    return market.segment_metrics(table("opportunities"), table("accounts"), table("mrr"))


def _cell_code(index_value) -> str:
    return "/".join(index_value)


# ---------------------------------------------------------------------------
# 1. Win rate по сегментам
# ---------------------------------------------------------------------------


def _segment_win_rate(open_in_denominator: bool = False, percent: bool = False, odds: bool = False) -> pd.DataFrame:
    o = table("opportunities")
    o = o[acquisition.in_period(o["created_date"], *course.YEAR_2025)]
    outcome = o["outcome"]
    won = (outcome == "won").groupby(o["segment"]).sum()
    lost = (outcome == "lost").groupby(o["segment"]).sum()
    total = o.groupby("segment").size()
    closed = total if open_in_denominator else won + lost
    rate = won / lost if odds else won / closed
    frame = pd.DataFrame({"closed_deals": closed, "win_rate": rate * (100 if percent else 1)})
    frame.index.name = "segment"
    return frame


q1 = Exercise(
    id="ch01.market.q1",
    title="Win rate сделок 2025 года по сегментам",
    var="segment_win_rate",
    expected=lambda: _segment_win_rate(),
    compare=Table(key="segment", columns=["closed_deals", "win_rate"]),
    hints=[
        "Возьмите сделки с created_date в 2025 году. Win rate = выигранные / закрытые; закрытые — outcome 'won' или 'lost', "
        "открытые сделки ещё не сыграли.",
        "closed = deals_2025[deals_2025['outcome'].isin(['won', 'lost'])]; сгруппируйте по segment: size() — closed_deals, "
        "доля outcome == 'won' — win_rate (долей, не процентами).",
    ],
    mistakes=[
        Mistake(name="open_in_denominator", value=lambda: _segment_win_rate(open_in_denominator=True),
                hint="В знаменателе все сделки, включая открытые. Открытая сделка 2025 года ещё может выиграть — считайте только закрытые (won и lost)."),
        Mistake(name="percent", value=lambda: _segment_win_rate(percent=True),
                hint="Win rate записан в процентах. Нужна доля: 0,31, а не 31 — проценты оставьте для подписей."),
        Mistake(name="won_to_lost", value=lambda: _segment_win_rate(odds=True),
                hint="Вы разделили выигранные на проигранные — это шансы, а не доля. Делите на все закрытые сделки."),
    ],
    correct_message=lambda: (
        "Сравните с win rate за три года: в SMB и enterprise по сделкам 2025 года он ниже, в mid-market — выше. "
        "Свежая когорта смещена вниз: длинные выигрышные сделки ещё открыты, а проигрыши закрываются быстрее, — поэтому более "
        "высокий win rate mid-market этим смещением не объясняется, но и на "
        f"{int(_segment_win_rate().loc['mid_market', 'closed_deals'])} закрытых сделках он не доказан, а падение SMB может быть "
        "этим смещением. В enterprise открыта больше трети сделок 2025 года — его свежий win rate держится на нескольких "
        "десятках закрытых сделок и ничего не говорит о годе целиком."),
)

# ---------------------------------------------------------------------------
# 2. SAM снизу вверх для mid-market
# ---------------------------------------------------------------------------


def _mid_first_deals(period=course.YEAR_2025, date: str = "close_date") -> pd.DataFrame:
    """Первые выигранные сделки mid-market за период (по умолчанию — закрытые в 2025 году)."""
    first = acquisition.new_customer_deals(table("opportunities"))
    first = first[first["segment"] == "mid_market"]
    return first if period is None else first[acquisition.in_period(first[date], *period)]


def _sam_mid(acv: float | None = None, share: float | None = None) -> float:
    acv = float(_mid_first_deals()["amount_rub"].median()) if acv is None else acv
    share = market.ILLUSTRATIVE_FIT_SHARE["mid_market"] if share is None else share
    return market.ILLUSTRATIVE_COMPANIES["mid_market"] * share * acv


def _mid_new_mrr_median() -> float:
    m = table("mrr").merge(table("accounts")[["account_id", "segment"]], on="account_id")
    return float(m.loc[(m["segment"] == "mid_market") & (m["new_rub"] > 0), "new_rub"].median())


def _mid_all_won_median() -> float:
    o = table("opportunities")
    won = o[(o["segment"] == "mid_market") & (o["outcome"] == "won") & acquisition.in_period(o["close_date"], *course.YEAR_2025)]
    return float(won["amount_rub"].median())


q2 = Exercise(
    id="ch01.market.q2",
    title="SAM снизу вверх для mid-market",
    var="sam_mid_rub",
    expected=lambda: _sam_mid(),
    compare=Number(rel_tol=0.005),
    hints=[
        "SAM снизу вверх = компании × доля подходящих × годовой чек. Годовой чек — медиана ACV первых сделок mid-market, "
        "выигранных (закрытых) в 2025 году: тот же год, что у прайса в таблице раздела.",
        "first = acquisition.new_customer_deals(opps); отберите segment == 'mid_market' и "
        "acquisition.in_period(first['close_date'], *course.YEAR_2025); median_acv = ...['amount_rub'].median(); "
        "sam_mid_rub = companies * fit_share * median_acv.",
    ],
    mistakes=[
        Mistake(name="all_years", value=lambda: _sam_mid(acv=float(_mid_first_deals(period=None)["amount_rub"].median())),
                hint="Медиана взята по первым сделкам всех лет, 2023–2025. Сравниваем с прайсом 2025 года, поэтому и чек нужен 2025 года: "
                     "сделки, закрытые в 2025-м (acquisition.in_period по close_date, course.YEAR_2025)."),
        Mistake(name="created_2025", value=lambda: _sam_mid(acv=float(_mid_first_deals(date="created_date")["amount_rub"].median())),
                hint="Отобраны сделки, созданные в 2025 году. Чек года — это сделки, выигранные в этом году: фильтруйте по close_date, а не по created_date."),
        Mistake(name="mrr_instead_of_acv", value=lambda: _sam_mid(acv=_mid_new_mrr_median()),
                hint="Чек взят из MRR — это выручка за месяц. Рынок считают в рублях в год: возьмите ACV (amount_rub сделок), а не new_rub из mrr."),
        Mistake(name="percent_share", value=lambda: _sam_mid(share=market.ILLUSTRATIVE_FIT_SHARE["mid_market"] * 100),
                hint="Доля подходящих компаний подставлена в процентах (20 вместо 0,20) — рынок вырос в 100 раз."),
        Mistake(name="no_fit_share", value=lambda: _sam_mid(share=1.0),
                hint="Вы умножили все компании сегмента на чек — это TAM сегмента. Для SAM оставьте только подходящие: умножьте на fit_share."),
        Mistake(name="mean_acv", value=lambda: _sam_mid(acv=float(_mid_first_deals()["amount_rub"].mean())),
                hint="Взято среднее ACV. Несколько крупных контрактов тянут среднее вверх — для типичного чека берите медиану."),
        Mistake(name="with_upsells", value=lambda: _sam_mid(acv=_mid_all_won_median()),
                hint="В медиану попали допродажи действующим клиентам (они меньше обычной сделки). Чек нового клиента — по acquisition.new_customer_deals."),
    ],
)

# ---------------------------------------------------------------------------
# 3. ICP: какая ячейка первая
# ---------------------------------------------------------------------------


@dataclass
class CellChoice(Choice):
    """Выбор ячейки «сегмент/отрасль»: принимает строку 'mid_market/retail' или пару ('mid_market', 'retail')."""

    options: list = field(default_factory=lambda: list(CELLS))

    def normalize(self, value: Any) -> str:
        if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, str) for v in value):
            value = "/".join(value)
        if isinstance(value, str):
            value = "/".join(part.strip() for part in value.split("/"))
        return super().normalize(value)


def _icp_top(weights=None, min_deals: int = market.MIN_DEALS) -> str:
    ranked = market.icp_score(_cells(), CFO_WEIGHTS if weights is None else weights, min_deals=min_deals)
    return _cell_code(ranked.index[0])


def _wrong(criterion: str) -> str:
    cells = _cells()
    choice = {"small_sample": lambda: _icp_top(min_deals=0),
              "default_weights": lambda: _icp_top(weights=market.DEFAULT_ICP_WEIGHTS),
              "acv_only": lambda: _cell_code(cells["median_acv"].idxmax()),
              "most_wins": lambda: _cell_code(cells["won"].idxmax())}[criterion]()
    return choice


def _icp_top_message() -> str:
    cell = _cells().loc[tuple(_icp_top().split("/"))]
    months = float(cell["customer_months"])
    return (f"При весах финансового директора лидер сменился — рейтинг чувствителен к весам. Но первое место держится на "
            f"оттоке {fmt.pct(cell['monthly_churn'], 1)}: ушедших клиентов — {fmt.number(cell['churned'])} за {fmt.number(months)} "
            f"клиенто-месяцев. При нуле уходов верхняя граница 95-процентного интервала — примерно 3 / n («правило трёх»): "
            f"{fmt.pct(3 / months, 1)} в месяц, больше наблюдаемого оттока любой ранжируемой ячейки. Ранг по оттоку здесь — "
            "везение малой выборки, а не доказанная верность клиентов: порог min_deals считает закрытые сделки, а не клиенто-месяцы.")


q3 = Exercise(
    id="ch01.market.q3",
    title="ICP глазами финансового директора",
    var="icp_top_cell",
    expected=lambda: _icp_top(),
    compare=CellChoice(),
    hints=[
        "Передайте в market.icp_score таблицу cells и веса {'monthly_churn': 0.4, 'median_acv': 0.4, 'win_rate': 0.1, "
        "'median_cycle_days': 0.1}; порог min_deals оставьте по умолчанию (30 закрытых сделок).",
        "Таблица отсортирована по баллу: первая строка — лучшая ячейка. Её индекс — пара (сегмент, отрасль); "
        "ответ — строка вида 'smb/logistics' ('/'.join(ranked.index[0])).",
    ],
    mistakes=[
        Mistake(name="small_sample", value=lambda: _wrong("small_sample"),
                hint="У этой ячейки всего несколько закрытых сделок: высокий win rate на трёх сделках — случайность. Не отключайте порог min_deals."),
        Mistake(name="default_weights", value=lambda: _wrong("default_weights"),
                hint="Это лидер при весах по умолчанию. Финансовый директор просит другие веса: отток и ACV по 0,4, win rate и цикл по 0,1."),
        Mistake(name="acv_only", value=lambda: _wrong("acv_only"),
                hint="Это ячейка с самым большим чеком. Но ICP — это и вероятность выиграть, и скорость, и удержание: считайте балл по всем четырём метрикам."),
        Mistake(name="most_wins", value=lambda: _wrong("most_wins"),
                hint="Здесь больше всего выигранных сделок — потому что больше всего лидов. Объём не равен качеству: ICP сравнивает доли и чеки, а не штуки."),
    ],
    correct_message=lambda: _icp_top_message(),
)

# ---------------------------------------------------------------------------
# 4. Главная боль mid-market
# ---------------------------------------------------------------------------


def _mid_pains() -> pd.DataFrame:
    s = table("survey_responses")
    return market.pain_map(s[s["segment"] == "mid_market"])


def _top_pain(column: str = "priority", all_segments: bool = False) -> str:
    frame = market.pain_map(table("survey_responses")) if all_segments else _mid_pains()
    return str(frame[column].idxmax())


q4 = Exercise(
    id="ch01.market.q4",
    title="Главная боль среднего бизнеса",
    var="top_pain_mid",
    expected=lambda: _top_pain(),
    compare=Choice(list(schemas.PAIN_CODES)),
    hints=[
        "Оставьте респондентов mid-market и постройте карту болей: market.pain_map(...). Приоритет = доля респондентов × средняя сила.",
        "pains = market.pain_map(survey[survey['segment'] == 'mid_market']); top_pain_mid = pains['priority'].idxmax().",
    ],
    mistakes=[
        Mistake(name="by_frequency", value=lambda: _top_pain("share"),
                hint="Это самая частая боль, но не самая острая: её называют многие, а сила в среднем низкая. Приоритет — частота × сила."),
        Mistake(name="by_intensity", value=lambda: _top_pain("mean_intensity"),
                hint="Это самая острая боль, но её называет меньшинство. Сила без частоты переоценивает редкие жалобы — умножьте на долю респондентов."),
        Mistake(name="all_segments", value=lambda: _top_pain(all_segments=True),
                hint="Это главная боль всех респондентов вместе, а в выборке больше всего малого бизнеса. Оставьте только segment == 'mid_market'."),
    ],
)

# ---------------------------------------------------------------------------
# 5. Ценностное предложение: боль → функция
# ---------------------------------------------------------------------------


def _relievers(pain: str) -> tuple[str, ...]:
    return tuple(f for f, pains in market.RELIEVES.items() if pain in pains)


def _top3(column: str = "priority") -> list[str]:
    return list(_mid_pains()[column].nlargest(3).index)


@dataclass
class PainFeatureMap:
    """Словарь «код боли → код функции»: ключи — заданные боли, значения — функции, которые их снимают."""

    def normalize(self, value: Any) -> dict[str, str]:
        if isinstance(value, pd.Series):
            value = value.to_dict()
        if not isinstance(value, dict):
            raise Invalid(f"Получен {_describe(value)}, а нужен словарь {{'код боли': 'код функции'}}.")
        if not value:
            raise Invalid("Словарь пуст: нужны три пары «боль → функция».")
        out = {}
        for key, feature in value.items():
            if not isinstance(key, str) or not isinstance(feature, str):
                raise Invalid("Ключи и значения словаря — строки-коды, например {'sla_breaches': 'sla_engine'}.")
            key, feature = key.strip().lower(), feature.strip().lower()
            if key not in schemas.PAIN_CODES + schemas.GAIN_CODES:
                raise Invalid(f"Кода «{key}» нет в кодовой книге исследования (schemas.PAIN_CODES).")
            if feature not in market.FEATURES:
                raise Invalid(f"Функции «{feature}» нет в market.FEATURES.")
            out[key] = feature
        return out

    def equal(self, answer: dict, expected: Any) -> bool:
        return set(answer) == set(expected) and all(answer[p] in _relievers(p) for p in expected)

    def generic_hint(self, answer: dict, expected: Any) -> str | None:
        extra = [k for k in answer if k not in expected]
        if len(answer) != len(expected):
            return f"Нужно ровно {len(expected)} пары «боль → функция», а в словаре {len(answer)}."
        if extra:
            return (f"Боли {', '.join('«' + label(k) + '»' for k in extra)} нет среди трёх главных болей mid-market "
                    "по приоритету. Возьмите три верхние строки карты болей.")
        wrong = [p for p in expected if answer[p] not in _relievers(p)]
        if wrong:
            p = wrong[0]
            return (f"Функция «{label(answer[p])}» не снимает боль «{label(p)}». "
                    "Посмотрите, какие боли закрывает каждая функция: market.RELIEVES.")
        return None


q5 = Exercise(
    id="ch01.market.q5",
    title="Боль → функция для mid-market",
    var="mid_value_map",
    expected=lambda: {p: _relievers(p)[0] for p in _top3()},
    compare=PainFeatureMap(),
    hints=[
        "Ключи — три боли mid-market с наибольшим приоритетом (pain_map, столбец priority). Значения — функции из market.FEATURES.",
        "Для каждой боли найдите функцию, у которой эта боль есть в market.RELIEVES: например, "
        "[f for f, pains in market.RELIEVES.items() if 'sla_breaches' in pains].",
    ],
    mistakes=[
        Mistake(name="by_frequency", matches=lambda a: set(a) == set(_top3("share")) != set(_top3()),
                hint="Это три самые частые боли, а не три главные: одну из них называют часто, но вяло. Ранжируйте по priority."),
        Mistake(name="gain_as_pain", matches=lambda a: any(k in schemas.GAIN_CODES for k in a),
                hint="Среди ключей есть желаемая выгода (gain), а не боль. В этом упражнении функция должна снимать боль — pain relievers."),
    ],
    correct_message="У каждой из трёх главных болей есть функция, которая её снимает. Это и есть «соответствие» (fit) по Остервальдеру — осталось доказать его цифрами.",
)

# ---------------------------------------------------------------------------
# 6. Против кого первая battle card
# ---------------------------------------------------------------------------


def _wl_2025() -> pd.DataFrame:
    return market.competitor_win_loss(table("opportunities"), *course.YEAR_2025).drop(index="none")


def _by(column: str, smallest: bool = False) -> str:
    t = _wl_2025()[column]
    return str(t.idxmin() if smallest else t.idxmax())


q6 = Exercise(
    id="ch01.market.q6",
    title="Против кого первая battle card",
    var="battle_card_vs",
    expected=lambda: _by("lost_acv_rub"),
    compare=Choice(list(schemas.COMPETITORS)),
    hints=[
        "Посчитайте market.competitor_win_loss(opps, *course.YEAR_2025): battle card нужна там, где мы теряем больше денег.",
        "Столбец lost_acv_rub — ACV сделок, проигранных именно этому конкуренту. Возьмите idxmax() без строки 'none'.",
    ],
    mistakes=[
        Mistake(name="by_count", value=lambda: _by("lost_to_competitor"),
                hint="Этому конкуренту мы проигрываем чаще всего, но это в основном небольшие сделки. Battle card — инвестиция: считайте потерянные деньги (lost_acv_rub), а не штуки."),
        Mistake(name="by_win_rate", value=lambda: _by("win_rate", smallest=True),
                hint="Против этого конкурента у нас самый низкий win rate, но сделок с ним и денег в них меньше. Низкая доля на малом объёме дешевле, чем умеренная на большом."),
    ],
    correct_message="Этому конкуренту за 2025 год ушло больше всего ACV. Проверьте интервал win rate против него — и начните battle card с сегмента, где он встречается чаще всего.",
)

# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "В отрасли A выиграно 4 сделки из 8 (50 %), в отрасли B — 90 из 300 (30 %). Что можно сказать?",
            (
                Option("Отрасль A лучше: win rate выше на 20 п. п.", False,
                       "На восьми сделках 95-процентный интервал Уилсона — примерно от 22 % до 78 %: он накрывает и 30 %. Разница может быть случайной."),
                Option("Данных по A мало, чтобы утверждать, что она лучше B", True,
                       "Да: интервал для 4 из 8 очень широк. Наберите выборку или объедините A с похожими отраслями, прежде чем перестраивать территории."),
                Option("Отрасль B лучше: у неё больше выигранных сделок", False,
                       "Больше выигрышей — следствие большего числа сделок. Сравнивают доли с их интервалами, а не штуки."),
            ),
        ),
        Question(
            "В инвестиционной презентации написано: «рынок ПО для поддержки — 25 млрд ₽, возьмём 1 % — это наши 250 млн ₽ выручки (SOM)». Что не так?",
            (
                Option("Ничего: 1 % — скромная оценка", False,
                       "Скромность доли ничего не доказывает: 1 % от TAM не связан ни с вашим продуктом, ни с отделом продаж."),
                Option("SOM выведен процентом от рынка сверху вниз, а не из того, что команда может продать", True,
                       "Да: SOM считают от мощности команды — сколько AE будет работать и сколько нового ACV в месяц на деле продаёт полностью "
                       "продуктивный AE. Доля «с потолка» — самая частая ошибка оценки рынка."),
                Option("Нужно было взять 10 %, раз продукт лучше конкурентов", False,
                       "Проблема не в величине процента, а в методе: любая доля от TAM без расчёта мощности команды продаж — догадка."),
            ),
        ),
        Question(
            "ARR на конец года — 700 млн ₽, SOM на следующий год (новый ACV, который команда может продать за год) — 350 млн ₽. "
            "Руководитель пишет: «SOM вдвое меньше ARR — мы уже забрали больше, чем можем забрать». Что не так?",
            (
                Option("Ничего: SOM меньше ARR, значит, рынок исчерпан", False,
                       "SOM — поток за год, а ARR — запас на дату. Поток меньше запаса почти всегда: за год продают часть того, что накоплено за годы."),
                Option("SOM — поток нового ACV за год, ARR — запас на дату; с рынком сравнивают ARR и SAM, а SOM показывает, на сколько ARR может вырасти за год", True,
                       "Да: запасы (SAM, ARR) сравнивают между собой, а поток (SOM) — как прирост доли: SOM / SAM — сколько процентных пунктов рынка команда добавит за год до вычета оттока."),
                Option("Надо было сравнить SOM с TAM, а не с ARR", False,
                       "TAM, как и SAM, — годовой объём рынка, то есть запас. Сравнение потока с любым запасом требует сказать, за какой срок."),
            ),
        ),
    ],
)

quiz_pains = Quiz(
    id=f"{SECTION}.pains",
    questions=[
        Question(
            "В анкете спросили: «Насколько для вас важно запустить сервис-деск быстро, без подрядчика?» — 80 % поставили 4–5. Какой вывод верный?",
            (
                Option("Быстрый запуск — главная выгода, строим позиционирование на нём", False,
                       "Закрытый вопрос подсказывает ответ: почти всем «важно» то, о чём спросили. Сравните с тем, как часто выгоду называют сами, без подсказки."),
                Option("Это наводящий вопрос; сравните с частотой, с которой выгоду называют без подсказки", True,
                       "Да: в наших данных без подсказки быстрый запуск называет лишь небольшая доля респондентов, и оценки у них ниже."),
                Option("Вывод верный, потому что выборка большая", False,
                       "Большая выборка уменьшает шум, но не смещение: наводящий вопрос смещает каждый ответ в одну сторону."),
            ),
        ),
        Question(
            "Конкурент — бесплатный open-source хелпдеск. Что, по Данфорд, стоит считать конкурентной альтернативой при позиционировании?",
            (
                Option("Только платные продукты — бесплатный не конкурент", False,
                       "Альтернатива — то, что клиент сделает без вас: в том числе бесплатный продукт, Excel или «ничего не менять»."),
                Option("Всё, чем клиент решит задачу без нас: бесплатный продукт, почту и таблицы, «ничего не делать»", True,
                       "Да: поэтому против бесплатного продукта говорят о стоимости владения и рисках (сервер, обновления, админ), а не о цене лицензии."),
                Option("Лидера рынка, независимо от того, встречаем ли мы его в сделках", False,
                       "Позиционируются против тех альтернатив, которые реально видит клиент; данные win/loss показывают, кто это."),
            ),
        ),
        Question(
            "По всем сделкам против конкурента X наш win rate заметно ниже, чем без конкурента, и p < 0,01. Внутри каждого сегмента "
            "разницы почти нет (тест Кохрана — Мантеля — Хензеля, p > 0,5). Что верно?",
            (
                Option("X опасен: разница доказана по всем сделкам", False,
                       "Общая разница может быть смесью сегментов: если X встречается в основном там, где мы и так выигрываем редко, он тянет вниз свой общий win rate."),
                Option("Разница в основном объясняется составом сделок по сегментам; battle card выбирают по потерянным деньгам и причинам проигрышей", True,
                       "Да: сравнивают внутри сегмента, а приоритет battle card — по ACV, ушедшему конкуренту."),
                Option("Тест внутри сегментов неверен: в сегментах меньше сделок", False,
                       "Меньше сделок — шире интервалы, но тест объединяет все сегменты; он отвечает на вопрос, есть ли разница при одинаковом составе."),
            ),
        ),
    ],
)
