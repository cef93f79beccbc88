"""Упражнения раздела 9.3 «Upsell и cross-sell, часть 1: расширение выручки B2B-клиентов».

Эталоны считаются функциями ``salesbook.toolkit.expansion`` (мост NRR, «белые пятна», порог
добавочного оттока) на таблицах ``mrr``, ``account_products``, ``products``, ``accounts``; NRR —
то же число, что ``kpi.revenue_retention``; валовая маржа — ``retention.gross_margin``, отток
на продлении — ``retention.renewal_churn``.
"""

from __future__ import annotations

from salesbook.exercises import table
from salesbook.runtime.checks import Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, retention
from salesbook.toolkit import expansion as E

SECTION = "ch09.expansion"
TITLE = "9.3. Upsell и cross-sell, часть 1: расширение выручки B2B-клиентов"

#: Упражнение 1: мост NRR среднего бизнеса за 2024 год (клиенты декабря 2023 года).
Q1_SEGMENT, Q1_START, Q1_END = "mid_market", "2023-12-01", "2024-12-01"
#: Упражнение 2: «белые пятна» малого бизнеса на декабрь 2025 года.
Q2_SEGMENT, Q2_MONTH = "smb", "2025-12-01"
#: Упражнение 3: повышение прайса на 10 % и горизонт решения — три года.
Q3_INCREASE, Q3_YEARS = 0.10, 3


def _q1_mrr():
    mrr, acc = table("mrr"), table("accounts")
    seg = mrr["account_id"].map(acc.set_index("account_id")["segment"])
    return mrr[seg == Q1_SEGMENT]


def _nrr_q1() -> float:
    return float(E.nrr_bridge(table("mrr"), Q1_START, Q1_END, table("accounts"), "segment").loc[Q1_SEGMENT, "nrr"])


def _nrr_with_new() -> float:
    """Ошибка: потоки всех клиентов сегмента за год, вместе с новыми клиентами и их новым MRR."""
    m = _q1_mrr()
    start = m.loc[m["month"] == Q1_START, "mrr_rub"].sum()
    year = m[(m["month"] > Q1_START) & (m["month"] <= Q1_END)]
    flow = year["new_rub"].sum() + year["expansion_rub"].sum() - year["contraction_rub"].sum() - year["churn_rub"].sum()
    return float((start + flow) / start)


def _nrr_survivors() -> float:
    """Ошибка: база — клиенты, которые платят в конце периода (ушедшие выпали)."""
    m = _q1_mrr()
    s = m[(m["month"] == Q1_START) & (m["mrr_rub"] > 0)].set_index("account_id")["mrr_rub"]
    e = m[(m["month"] == Q1_END) & (m["mrr_rub"] > 0)].set_index("account_id")["mrr_rub"]
    both = s.index.intersection(e.index)
    return float(e[both].sum() / s[both].sum())


def _nrr_no_losses() -> float:
    b = E.nrr_bridge(table("mrr"), Q1_START, Q1_END, table("accounts"), "segment").loc[Q1_SEGMENT]
    return float(1 + b["expansion"])


q1 = Exercise(
    id="ch09.expansion.q1",
    title="Мост NRR среднего бизнеса за 2024 год",
    var="nrr_mid_2024",
    expected=_nrr_q1,
    compare=Number(rel_tol=0.002),
    hints=[
        "База — клиенты среднего бизнеса с MRR > 0 в декабре 2023 года и их MRR в этом месяце. "
        "Потоки — их expansion_rub, contraction_rub и churn_rub за январь–декабрь 2024 года.",
        "NRR = (база + расширение − сокращение − отток) / база, в долях. Новых клиентов 2024 года в расчёте нет.",
    ],
    mistakes=[
        Mistake(name="with_new", value=_nrr_with_new,
                hint="В расчёт попали клиенты, пришедшие в 2024 году, и их новый MRR. NRR — про базу начала "
                     "периода: новые клиенты меряются отдельно, иначе рост продаж маскирует отток."),
        Mistake(name="survivors", value=_nrr_survivors,
                hint="Вы взяли только клиентов, которые платят в конце периода: ушедшие выпали из расчёта, и NRR "
                     "завышен. База — все, кто платил в декабре 2023 года; ушедший даёт ноль."),
        Mistake(name="no_losses", value=_nrr_no_losses,
                hint="Вы учли только расширение. Из базы нужно вычесть сокращение мест и отток."),
    ],
    correct_message=lambda: "Верно — это то же число, что даёт kpi.revenue_retention для сегмента. Сравните расширение "
                            "и отток в мосте: что сильнее двигает NRR среднего бизнеса?",
)


def _ws(mistake: str | None = None) -> float:
    prod, ap, acc = table("products"), table("account_products"), table("accounts")
    if mistake == "list_2023":
        prod = prod.assign(price_2025_rub=prod["price_2023_rub"])
    ws = E.white_space(prod, ap, acc, Q2_MONTH)
    total = float(ws.loc[ws["segment"] == Q2_SEGMENT, "white_space_rub"].sum())
    if mistake in ("with_held", "ineligible"):
        held = E.holdings(ap, Q2_MONTH)
        seg = held["account_id"].map(acc.set_index("account_id")["segment"])
        seats = held.loc[(seg == Q2_SEGMENT) & (held["product_id"] == "start"), "seats"].sum()
        price = prod.set_index("product_id").loc["start", "price_2025_rub"]
        on_sale = prod[(prod["kind"] == "module") & (prod["on_sale_from"] <= Q2_MONTH)]
        for_smb = on_sale["segments"].str.split().apply(lambda s: Q2_SEGMENT in s)
        if mistake == "with_held":    # все доступные модули каждому клиенту, даже купленные
            total = float(seats * price * on_sale.loc[for_smb, "price_share"].sum())
        else:                         # вдобавок модули, которых малому бизнесу не продают
            total += float(seats * price * on_sale.loc[~for_smb, "price_share"].sum())
    return total


q2 = Exercise(
    id="ch09.expansion.q2",
    title="«Белые пятна» малого бизнеса",
    var="white_space_smb",
    expected=_ws,
    compare=Number(rel_tol=0.005),
    hints=[
        "Возьмите expansion.white_space(products, account_products, accounts, '2025-12-01') и оставьте строки сегмента smb.",
        "Ответ — сумма white_space_rub: прирост MRR по прайсу 2025 года, ₽ в месяц (не за год).",
    ],
    mistakes=[
        Mistake(name="with_held", value=lambda: _ws("with_held"),
                hint="В сумму попали модули, которые у клиента уже есть. Белое пятно — то, что клиент ещё не купил."),
        Mistake(name="ineligible", value=lambda: _ws("ineligible"),
                hint="В сумму попали модули, которые малому бизнесу не продают (аналитика SLA, защищённый контур): "
                     "проверьте products.segments. Белое пятно — только то, что клиент может купить."),
        Mistake(name="list_2023", value=lambda: _ws("list_2023"),
                hint="Цена места — прайс 2023–2024 годов. С 2025 года прайс выше (price_2025_rub)."),
    ],
    correct_message="Это потолок по прайсу: клиенты со скидкой заплатили бы меньше, и купит модуль лишь часть. "
                    "Умножьте пятно на вероятность покупки — и получите очередь для AM и CSM.",
)


def _q3_inputs() -> tuple[float, float]:
    mrr = table("mrr")
    gm = retention.gross_margin(table("cogs"), retention.b2b_revenue(mrr), *course.YEAR_2025)
    churn = float(retention.renewal_churn(mrr, *course.YEAR_2025).loc["all", "churn"])
    return gm, churn


def _break_even(gm: float | None = None, years: int = Q3_YEARS) -> float:
    margin, churn = _q3_inputs()
    return E.break_even_churn(Q3_INCREASE, margin if gm is None else gm, churn, years)


q3 = Exercise(
    id="ch09.expansion.q3",
    title="Сколько клиентов можно потерять, повышая прайс на 10 %",
    var="break_even",
    expected=_break_even,
    compare=Number(rel_tol=0.01),
    hints=[
        "Валовая маржа 2025 года — retention.gross_margin, отток на продлении 2025 года — retention.renewal_churn "
        "(строка all, столбец churn).",
        "Порог — expansion.break_even_churn(0.10, маржа, отток, years=3): добавочный годовой отток в долях, "
        "при котором валовая прибыль базы за три года не меняется.",
    ],
    mistakes=[
        Mistake(name="revenue", value=lambda: _break_even(gm=1.0),
                hint="Вы сравнили выручку, а не валовую прибыль (маржа 1). Себестоимость обслуживания клиента от "
                     "цены не зависит: повышение цены целиком идёт в прибыль, и порог по прибыли выше."),
        Mistake(name="one_year", value=lambda: _break_even(years=1),
                hint="Это порог для одного года. Добавочный отток повторяется на каждом продлении и накапливается: "
                     "на трёх годах терять клиентов можно меньше."),
    ],
    correct_message="Порог — доля клиентов в год, которую можно дополнительно потерять без потери прибыли. "
                    "Если ожидаемый добавочный отток ниже порога с запасом — повышайте; если близко — "
                    "повышайте частями или только там, где клиент получает больше ценности.",
)

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Расширение MRR за год выросло на треть. Что из этого — upsell, а что — cross-sell?",
            (
                Option("Всё расширение — upsell: клиент платит больше", False,
                       "Upsell — больше того же (места, старшая редакция), cross-sell — другой продукт (модуль). "
                       "А индексация цены — не продажа вовсе, её выделяют отдельно."),
                Option("Места — upsell, модули — cross-sell, индексация — цена, а не продажа", True,
                       "Так расширение раскладывают по действиям команды: места продаёт AM, модули — AM с CSM, "
                       "индексацию делает прайс."),
                Option("Cross-sell — любые продажи существующим клиентам", False,
                       "Это вся допродажа (expansion). Cross-sell — только другой продукт."),
            ),
        ),
        Question(
            "Клиенты, получившие индексацию, уходят в разы реже остальных. Что это значит?",
            (
                Option("Индексация укрепляет лояльность — индексируйте всех", False,
                       "Индексацию получает только тот, кто продлился, а ушедший на продлении попадает в «без индексации» "
                       "автоматически: это отбор выживших, а не эффект."),
                Option("Сравнение смещено: сравнивать нужно продлившихся клиентов на следующем продлении, "
                       "а эффект цены мерить экспериментом", True,
                       "В наших данных при честном сравнении интервалы перекрываются — реакции на цену в генераторе нет."),
                Option("Индексация вызывает отток", False,
                       "Из этого сравнения нельзя вывести ни вред, ни пользу: оно смещено отбором."),
            ),
        ),
        Question(
            "NRR среднего бизнеса — 112 %. Что можно сказать о клиентах сегмента?",
            (
                Option("Каждый клиент в среднем растёт на 12 % в год", False,
                       "NRR — про рубли базы: рост нескольких крупных клиентов может закрыть отток многих малых."),
                Option("Рубли базы начала года выросли на 12 % за вычетом сокращений и оттока; кто именно рос, "
                       "покажет мост NRR по клиентам", True,
                       "Поэтому NRR читают вместе с GRR и мостом: расширение, сокращение, отток по отдельности."),
                Option("Отток в сегменте нулевой", False,
                       "NRR выше 100 % бывает и при заметном оттоке, если расширение его перекрывает — смотрите GRR."),
            ),
        ),
    ],
)

