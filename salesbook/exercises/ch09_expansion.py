"""Упражнения раздела 9.3 «Upsell и cross-sell, часть 1: расширение выручки B2B-клиентов».

Эталоны считаются функциями ``salesbook.toolkit.expansion`` (мост NRR, «белые пятна», порог
добавочного оттока) на таблицах ``mrr``, ``account_products``, ``products``, ``accounts``; NRR —
то же число, что ``kpi.revenue_retention``; валовая маржа — ``retention.gross_margin``, отток
на продлении — ``retention.renewal_churn``.
"""

from __future__ import annotations

from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import Exercise, Mistake, Number
from salesbook.runtime.fmt import NBSP
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import course, retention
from salesbook.toolkit import expansion as E

SECTION = "ch09.expansion"
TITLE = "9.3. Upsell и cross-sell, часть 1: расширение выручки B2B-клиентов"

#: Упражнение 1: мост NRR среднего бизнеса за 2024 год (клиенты декабря 2023 года).
Q1_SEGMENT, Q1_START, Q1_END = "mid_market", "2023-12-01", "2024-12-01"
#: Упражнение 2: «белые пятна» малого бизнеса на март 2025 года (AI-помощник ещё не в продаже).
Q2_SEGMENT, Q2_MONTH = "smb", "2025-03-01"
#: Упражнение 3: повышение цен прайс-листа на 8 % и горизонт решения — три года; добавочный отток повторяется
#: на каждом продлении. Ожидание отдела продаж — допущение сценария, не данные (между порогами
#: одного и трёх лет, чтобы ошибка «забыли накопление» меняла решение).
Q3_INCREASE, Q3_YEARS, Q3_SALES_EXPECTS = 0.08, 3, 0.06
Q3_BASE = ("2024-12-01", "2025-12-01")


def _q1_mrr():
    mrr, acc = table("mrr"), table("accounts")
    seg = mrr["account_id"].map(acc.set_index("account_id")["segment"])
    return mrr[seg == Q1_SEGMENT]


def _q1_bridge():
    return E.nrr_bridge(table("mrr"), Q1_START, Q1_END, table("accounts"), "segment").loc[Q1_SEGMENT]


def _nrr_q1() -> float:
    return float(_q1_bridge()["nrr"])


def _q1_all_flows(with_new: bool) -> float:
    """Ошибки: потоки всех клиентов сегмента за год (и пришедших в 2024 году), с их новым MRR или без."""
    m = _q1_mrr()
    start = m.loc[m["month"] == Q1_START, "mrr_rub"].sum()
    year = m[(m["month"] > Q1_START) & (m["month"] <= Q1_END)]
    flow = year["expansion_rub"].sum() - year["contraction_rub"].sum() - year["churn_rub"].sum()
    if with_new:
        flow += year["new_rub"].sum()
    return float((start + flow) / start)


def _nrr_with_december() -> float:
    """Ошибка: в потоки попал и сам декабрь 2023 года (месяц базы)."""
    m = _q1_mrr()
    base = m[(m["month"] == Q1_START) & (m["mrr_rub"] > 0)]
    year = m[(m["month"] >= Q1_START) & (m["month"] <= Q1_END) & m["account_id"].isin(base["account_id"])]
    total = base["mrr_rub"].sum()
    return float((total + year["expansion_rub"].sum() - year["contraction_rub"].sum()
                  - year["churn_rub"].sum()) / total)


def _nrr_survivors() -> float:
    """Ошибка: база — клиенты, которые платят в конце периода (ушедшие выпали)."""
    m = _q1_mrr()
    s = m[(m["month"] == Q1_START) & (m["mrr_rub"] > 0)].set_index("account_id")["mrr_rub"]
    e = m[(m["month"] == Q1_END) & (m["mrr_rub"] > 0)].set_index("account_id")["mrr_rub"]
    both = s.index.intersection(e.index)
    return float(e[both].sum() / s[both].sum())


def _nrr_no_losses() -> float:
    return float(1 + _q1_bridge()["expansion"])


def _q1_message() -> str:
    n = int(_q1_bridge()["customers"])
    return (f"Это то же число, что даёт kpi.revenue_retention для сегмента. В базе — {fmt.plural(n, 'клиент', 'клиента', 'клиентов')}: "
            "сравните в мосте расширение и отток, но вывод «что сильнее двигает NRR» на такой базе оговорите — "
            "один крупный клиент меняет картину.")


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
        Mistake(name="with_new", value=lambda: _q1_all_flows(with_new=True),
                hint="В расчёт попали клиенты, пришедшие в 2024 году, и их новый MRR. NRR — про базу начала "
                     "периода: новые клиенты меряются отдельно, иначе рост продаж маскирует отток."),
        Mistake(name="all_clients", value=lambda: _q1_all_flows(with_new=False),
                hint="Потоки взяты у всех клиентов сегмента, в том числе пришедших в 2024 году: их расширение "
                     "и отток — не про базу. Оставьте потоки только клиентов, плативших в декабре 2023 года."),
        Mistake(name="with_december", value=_nrr_with_december,
                hint="В потоки попал декабрь 2023 года — месяц, по которому взята база: его движения уже "
                     "в MRR базы. Потоки — с января по декабрь 2024 года (month > '2023-12-01')."),
        Mistake(name="survivors", value=_nrr_survivors,
                hint="Вы взяли только клиентов, которые платят в конце периода: ушедшие выпали из расчёта, и NRR "
                     "завышен. База — все, кто платил в декабре 2023 года; ушедший даёт ноль."),
        Mistake(name="no_losses", value=_nrr_no_losses,
                hint="Вы учли только расширение. Из базы нужно вычесть сокращение мест и отток."),
    ],
    correct_message=_q1_message,
)


def _ws(mistake: str | None = None) -> float:
    """«Белые пятна» малого бизнеса в Q2_MONTH; ``mistake`` — та же сумма с типичной ошибкой."""
    prod, ap, acc = table("products"), table("account_products"), table("accounts")
    if mistake == "list_2023":
        prod = prod.assign(price_2025_rub=prod["price_2023_rub"])
    total = float(E.white_space(prod, ap, acc, Q2_MONTH).query("segment == @Q2_SEGMENT")["white_space_rub"].sum())
    if mistake in (None, "list_2023"):
        return total
    held = E.holdings(ap, Q2_MONTH)
    seg = held["account_id"].map(acc.set_index("account_id")["segment"])
    clients = held[(seg == Q2_SEGMENT) & (held["product_id"] == "start")]
    price = prod.set_index("product_id").loc["start", "price_2025_rub"]
    modules = prod[prod["kind"] == "module"]
    for_smb = modules["segments"].str.split().apply(lambda s: Q2_SEGMENT in s)
    on_sale = modules["on_sale_from"] <= Q2_MONTH
    seats = clients["seats"].sum()
    if mistake == "with_held":      # все доступные модули каждому клиенту, даже купленные
        return float(seats * price * modules.loc[for_smb & on_sale, "price_share"].sum())
    if mistake == "ineligible":     # вдобавок модули, которых малому бизнесу не продают
        return total + float(seats * price * modules.loc[~for_smb & on_sale, "price_share"].sum())
    if mistake == "not_on_sale":    # вдобавок модули, которые ещё не продаются
        return total + float(seats * price * modules.loc[for_smb & ~on_sale, "price_share"].sum())
    raise ValueError(mistake)


q2 = Exercise(
    id="ch09.expansion.q2",
    title="«Белые пятна» малого бизнеса",
    var="white_space_smb",
    expected=_ws,
    compare=Number(rel_tol=0.005),
    hints=[
        "Модули, которые можно продать малому бизнесу в марте 2025 года: kind == 'module', 'smb' в "
        "products['segments'].str.split() и on_sale_from не позже '2025-03-01'.",
        "Пары клиент × модуль — clients.merge(..., how='cross'); уберите пары, которые есть в held "
        "(модуль уже куплен). Пятно — price_share × цена места «Старт» по прайсу 2025 года × места; "
        "сверка — E.white_space(products, ap, accounts, '2025-03-01').",
    ],
    mistakes=[
        Mistake(name="with_held", value=lambda: _ws("with_held"),
                hint="В сумму попали модули, которые у клиента уже есть. Белое пятно — то, что клиент ещё не купил."),
        Mistake(name="ineligible", value=lambda: _ws("ineligible"),
                hint="В сумму попали модули, которые малому бизнесу не продают (аналитика SLA, защищённый контур): "
                     "проверьте products['segments']. Белое пятно — только то, что клиент может купить."),
        Mistake(name="not_on_sale", value=lambda: _ws("not_on_sale"),
                hint="В сумму попал модуль, которого в марте 2025 года ещё нет в продаже (AI-помощник — "
                     "с апреля 2025 года): проверьте on_sale_from."),
        Mistake(name="list_2023", value=lambda: _ws("list_2023"),
                hint="Цена места — прайс 2023–2024 годов. С 2025 года прайс выше (price_2025_rub)."),
    ],
    correct_message="Это оценка по прайсу, а не прогноз: клиенты со скидкой заплатили бы меньше, и купит модуль "
                    "лишь часть. Умножьте пятно на вероятность покупки модуля — и получите очередь.",
)


def _q3_inputs(logo: bool = False) -> tuple[float, float]:
    mrr = table("mrr")
    gm = retention.gross_margin(table("cogs"), retention.b2b_revenue(mrr), *course.YEAR_2025)
    if logo:
        return gm, float(retention.renewal_churn(mrr, *course.YEAR_2025).loc["all", "churn"])
    return gm, float(E.nrr_bridge(mrr, *Q3_BASE).loc["all", "churn"])


def _break_even(gm: float | None = None, years: int = Q3_YEARS, logo: bool = False) -> float:
    margin, churn = _q3_inputs(logo)
    return E.break_even_churn(Q3_INCREASE, margin if gm is None else gm, churn, years)


def _pp(share: float) -> str:
    return f"{fmt.number(share * 100, 1)}{NBSP}п.{NBSP}п."


def _q3_message() -> str:
    three, one = _break_even(), _break_even(years=1)
    expects = Q3_SALES_EXPECTS
    if three < expects < one:
        verdict = ("на одном году повышение окупилось бы, на трёх — нет: накопление оттока меняет решение, "
                   "и в таком виде повышать не стоит.")
    elif expects <= three:
        verdict = "это ниже порога и трёх лет: повышение окупается, если ожидание верно."
    else:
        verdict = "это выше порога даже одного года: повышение в таком виде убыточно."
    return (f"Порог трёх лет — {_pp(three)} в год, одного года — {_pp(one)}; отдел продаж ожидает {_pp(expects)}: "
            f"{verdict} Ожидание отдела продаж — не измерение: сравните с порогом малого бизнеса, где отток выше, "
            "повышайте поэтапно и проверьте отток на первых продлениях.")


q3 = Exercise(
    id="ch09.expansion.q3",
    title="На сколько может вырасти отток, если поднять цены на 8\u00a0%",
    var="break_even",
    expected=_break_even,
    compare=Number(rel_tol=0.01),
    hints=[
        "Маржа — retention.gross_margin(load('cogs'), retention.b2b_revenue(mrr), '2025-01-01', '2025-12-31'); "
        "отток выручки — E.nrr_bridge(mrr, '2024-12-01', '2025-12-01').loc['all', 'churn'].",
        "Порог — E.break_even_churn(0.08, маржа, отток, years=3): добавочный годовой отток в долях, "
        "при котором валовая прибыль базы за три года не меняется.",
    ],
    mistakes=[
        Mistake(name="revenue", value=lambda: _break_even(gm=1.0),
                hint="Вы посчитали с маржой 100\u00a0%, как будто с клиентом уходят все его затраты. Это другой "
                     "конец диапазона: маржа — доля затрат, которая уходит вместе с клиентом, и порог по марже 1 — "
                     "осторожная оценка. Задание просит валовую маржу 2025 года (retention.gross_margin)."),
        Mistake(name="one_year", value=lambda: _break_even(years=1),
                hint="Это порог одного года — или разового оттока на продлении с повышением. В задании "
                     "добавочный отток повторяется на каждом продлении и накапливается: на трёх годах порог ниже."),
        Mistake(name="logo", value=lambda: _break_even(logo=True),
                hint="Вы взяли отток клиентов на продлении (retention.renewal_churn): он считает клиентов с годовым "
                     "договором, а модель — рубли выручки. Возьмите отток выручки базы из моста NRR."),
        Mistake(name="calculator", value=lambda: Q3_INCREASE / (1 + Q3_INCREASE),
                hint="x / (1 + x) — формула калькуляторов для разового оттока по выручке: в ней нет ни маржи, "
                     "ни обычного оттока, ни накопления. Воспользуйтесь E.break_even_churn."),
    ],
    correct_message=_q3_message,
)

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Как разделить расширение MRR на upsell, cross-sell и остальное?",
            (
                Option("Всё расширение — upsell: клиент платит больше", False,
                       "Upsell — больше того же (места, старшая редакция), cross-sell — другой продукт (модуль). "
                       "А индексация цены — не продажа вовсе, её выделяют отдельно."),
                Option("Места — upsell, модули — cross-sell, индексация — цена, а не продажа", True,
                       "Места чаще докупает сам клиент по мере роста штата, сделка допродажи — работа продавца; "
                       "модули предлагает продавец или CSM; индексация — решение о цене, а не продажа. Кто отвечает "
                       "за каждое движение, решает компания и прописывает в плане."),
                Option("Cross-sell — любые продажи существующим клиентам", False,
                       "Это всё расширение (expansion). Cross-sell — только другой продукт."),
            ),
        ),
        Question(
            "Клиенты, получившие индексацию, уходят в разы реже остальных. Что это значит?",
            (
                Option("Индексация укрепляет лояльность — индексируйте всех", False,
                       "Индексацию получает только тот, кто продлился, а ушедший на продлении попадает в «без индексации» "
                       "автоматически: это ошибка выжившего, а не эффект."),
                Option("Сравнение смещено: сравнивать нужно продлившихся клиентов на следующем продлении, "
                       "а эффект цены мерить экспериментом", True,
                       "В наших данных при честном сравнении интервал разности включает ноль — реакции на цену "
                       "в генераторе нет. На реальных данных «лечение» — уведомление о новой цене до продления."),
                Option("Индексация вызывает отток", False,
                       "Из этого сравнения нельзя вывести ни вред, ни пользу: оно смещено отбором."),
            ),
        ),
        Question(
            "NRR среднего бизнеса — 112\u00a0%. Что можно сказать о клиентах сегмента?",
            (
                Option("Каждый клиент в среднем растёт на 12\u00a0% в год", False,
                       "NRR — про рубли базы: рост нескольких крупных клиентов может закрыть отток многих малых."),
                Option("MRR клиентов, плативших в начале года, через год на 12\u00a0% больше — с учётом сокращений "
                       "и оттока", True,
                       "Что именно его двигало, покажет мост NRR: расширение, сокращение и отток по отдельности; "
                       "рядом смотрят GRR."),
                Option("Отток в сегменте нулевой", False,
                       "NRR выше 100\u00a0% бывает и при заметном оттоке, если расширение его перекрывает — смотрите GRR."),
            ),
        ),
    ],
)
