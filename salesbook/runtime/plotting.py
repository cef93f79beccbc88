"""Единый стиль графиков курса: русские подписи, рубли и проценты на осях."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

from salesbook.runtime import fmt

#: Палитра курса: сдержанные цвета, различимые и при печати в оттенках серого.
PALETTE = ["#2f5d8a", "#e07b39", "#5a9e6f", "#b5485d", "#8c6bb1", "#c9a227", "#4c9fb8", "#7f7f7f"]

#: Русские названия кодов, которые встречаются в данных.
LABELS = {
    "content": "Контент и SEO",
    "ppc": "Контекстная реклама",
    "events": "Мероприятия",
    "social": "Соцсети",
    "partners": "Партнёры",
    "outbound": "Исходящие",
    "organic": "Органика",
    "app_ads": "Реклама в приложениях",
    "influencers": "Блогеры",
    "aso": "ASO",
    "smb": "SMB",
    "mid_market": "Mid-market",
    "enterprise": "Enterprise",
    "b2b": "B2B",
    "b2c": "B2C",
    # статьи затрат
    "media": "Реклама и мероприятия",
    "salary": "Оклады",
    "bonus": "Премии",
    "payroll_tax": "Страховые взносы",
    "tools": "Инструменты",
    "overhead": "Офис и накладные расходы",
    "agency": "Агентство",
    "sales": "Продажи",
    "marketing": "Маркетинг",
    "customer_success": "Customer success",
    # раздел 3.2: MEDDIC, стадии и исходы сделок, категории прогноза
    "meddic_metrics": "M — Metrics",
    "meddic_economic_buyer": "E — Economic buyer",
    "meddic_decision_criteria": "D — Decision criteria",
    "meddic_decision_process": "D — Decision process",
    "meddic_identify_pain": "I — Identify pain",
    "meddic_champion": "C — Champion",
    "discovery": "Выявление потребностей",
    "demo": "Демо",
    "proposal": "Предложение",
    "negotiation": "Переговоры",
    "won": "Выиграна",
    "lost": "Проиграна",
    "open": "Открыта",
    "pipeline": "Pipeline",
    "best_case": "Best case",
    "commit": "Commit",
    "closed": "Closed (выиграно)",
    "omitted": "Omitted (проиграно)",
    # структура затрат и юнит-экономика (разделы 1.1.3–1.1.4)
    "cogs_fixed": "Себестоимость: постоянная часть",
    "cogs_variable": "Себестоимость: переменная часть",
    "fixed": "постоянные",
    "variable": "переменные",
    # раздел 1.2: отрасли, конкуренты, исследование клиентов, функции продукта
    "retail": "Ритейл",
    "finance": "Финансы",
    "it": "ИТ",
    "manufacturing": "Производство",
    "logistics": "Логистика",
    "education": "Образование",
    "healthcare": "Здравоохранение",
    "public_sector": "Госсектор",
    "helppro": "ХелпПро",
    "servicebox": "СервисБокс",
    "globalitsm": "ГлобалITSM",
    "opendesk": "ОпенДеск",
    "etalonitsm": "ЭталонITSM",
    "sfera": "Сфера Деск",
    "none": "Без конкурента",
    "price": "Цена",
    "competitor": "Выбрали конкурента",
    "no_decision": "Решение не принято",
    "timing": "Не сейчас",
    "missing_features": "Не хватает функций",
    "sla_breaches": "Срывы SLA",
    "channel_chaos": "Каналы вразнобой",
    "no_reporting": "Нет отчётности",
    "repetitive_questions": "Одни и те же вопросы",
    "slow_onboarding": "Долгое обучение операторов",
    "integration_gaps": "Нет интеграций",
    "legacy_tool_cost": "Дорогая система и подрядчик",
    "data_residency": "Данные в России",
    "self_hosted_burden": "Свой сервер без админа",
    "faster_first_response": "Быстрый первый ответ",
    "csat_growth": "Рост CSAT",
    "fewer_tickets": "Меньше обращений",
    "manager_visibility": "Прозрачность для руководителя",
    "quick_launch": "Быстрый запуск",
    "predictable_cost": "Предсказуемая цена",
    "omnichannel_inbox": "Единое окно каналов",
    "sla_engine": "SLA и эскалации",
    "dashboards": "Дашборды",
    "knowledge_base": "База знаний",
    "integrations": "Интеграции",
    "ru_cloud": "Облако в России",
    "no_code_setup": "Настройка без программиста",
    "per_seat_pricing": "Цена за оператора",
    "on_premise": "Серверы клиента",
    "foreign_cloud": "Зарубежное облако",
    "self_hosted": "Свой сервер",
    "interview": "Интервью",
    "survey": "Анкета",
    "user_session": "Пользовательская сессия",
    "support_head": "Руководитель поддержки",
    "it_head": "ИТ-директор",
    "executive": "Первое лицо",
    "operator": "Оператор",
    "customer": "Клиент",
    "churned": "Ушедший клиент",
    "lost_prospect": "Проигранный клиент",
    "prospect": "Потенциальный клиент",
    # раздел 1.3: бюджет, риски плана
    "payroll_tax_fixed": "Взносы с окладов",
    "payroll_tax_variable": "Взносы с премий",
    "discretionary": "управляемые",
    "run_rate": "Текущая команда",
    "new_hires": "Новые AE",
    "win_rate": "Win rate",
    "acv": "Средний ACV",
    "cycle": "Длина цикла",
    "ramp": "Срок выхода на продуктивность",
    "attrition": "Текучесть AE",
    # раздел 10.2: показатели писем и решения по A/B-тесту
    "opened": "Открытия",
    "replied": "Ответы",
    "meeting_booked": "Встречи",
    "launch": "внедрять",
    "no_launch": "не внедрять",
    "more_data": "мало данных",
    # раздел 3.3: типы касаний и варианты начала холодного звонка
    "call": "Звонок",
    "email": "Письмо",
    "telegram": "Telegram",
    "whatsapp": "WhatsApp",
    "meeting": "Встреча",
    "permission": "Разрешение",
    "problem": "Проблема",
    "referral": "Рекомендация",
    # раздел 3.1: уровни должности контакта, причины дисквалификации, буквы BANT
    "c_level": "Первое лицо (C-level)",
    "vp": "Директор (VP)",
    "head": "Руководитель направления",
    "manager": "Менеджер",
    "specialist": "Специалист",
    "no_budget": "Нет бюджета",
    "no_need": "Нет потребности",
    "wrong_contact": "Неверный контакт",
    "competitor_contract": "Договор с конкурентом",
    "no_response": "Не отвечает",
    "budget": "B — бюджет",
    "authority": "A — полномочия",
    "need": "N — потребность",
    "timeline": "T — сроки",
}


def label(code) -> str:
    """Русская подпись для кода из данных (``"ppc"`` → «Контекстная реклама»)."""
    return LABELS.get(str(code), str(code))


def use_style() -> None:
    """Включить стиль курса для всех следующих графиков."""
    mpl.rcParams.update(
        {
            "figure.figsize": (8, 4.2),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "font.family": "DejaVu Sans",  # есть кириллица, ставится вместе с matplotlib
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "axes.grid.axis": "y",
            "grid.alpha": 0.3,
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
            "axes.formatter.use_locale": False,
            "legend.frameon": False,
            "svg.hashsalt": "salesbook",  # одинаковые SVG при каждом запуске
        }
    )


def rub_axis(ax, axis: str = "y", compact: bool = True) -> None:
    """Подписи оси в рублях: «1,5 млн ₽» (compact) или «1 500 000 ₽»."""
    formatter = FuncFormatter(lambda v, _: fmt.compact_rub(v) if compact else fmt.rub(v))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def pct_axis(ax, axis: str = "y", digits: int = 0) -> None:
    """Подписи оси в процентах для долей: 0,25 → «25 %»."""
    formatter = FuncFormatter(lambda v, _: fmt.pct(v, digits))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def number_axis(ax, axis: str = "y", digits: int = 0) -> None:
    """Подписи оси с пробелами между разрядами: «12 500»."""
    formatter = FuncFormatter(lambda v, _: fmt.number(v, digits))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def bar_labels(ax, bars, formatter=fmt.compact_rub) -> None:
    """Подписать значения над столбиками."""
    ax.bar_label(bars, labels=[formatter(b.get_height() if b.get_height() else b.get_width()) for b in bars], padding=2, fontsize=9)


def new_figure(title: str, xlabel: str = "", ylabel: str = "", **kwargs):
    """Новая фигура со стилем курса и русскими подписями; возвращает (fig, ax)."""
    use_style()
    fig, ax = plt.subplots(**kwargs)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig, ax


def pair_label(codes, sep: str = " · ") -> str:
    """Подпись для пары (или кортежа) кодов: ``("mid_market", "it")`` → «Mid-market · ИТ»."""
    if isinstance(codes, (tuple, list)):
        return sep.join(label(code) for code in codes)
    return label(codes)


def heatmap(ax, values, notes=None, value_format=None, vmin=0.0, vmax=None, cmap: str = "Blues", dark_above=None):
    """Тепловая карта таблицы: строки и столбцы подписаны по-русски, в каждой клетке — значение
    (``value_format``, по умолчанию проценты) и строка из ``notes`` той же формы (например, «n = 51»).
    Возвращает изображение — его передают в ``fig.colorbar``."""
    value_format = value_format or (lambda v: fmt.pct(v, 0))
    data = values.to_numpy(dtype=float)
    vmax = float(np.nanmax(data)) if vmax is None else vmax
    dark_above = vmin + 0.6 * (vmax - vmin) if dark_above is None else dark_above
    image = ax.imshow(data, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(data.shape[1]), [label(c) for c in values.columns], rotation=25, ha="right")
    ax.set_yticks(range(data.shape[0]), [label(c) for c in values.index])
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            text = value_format(data[i, j]) + (f"\n{notes.iat[i, j]}" if notes is not None else "")
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="white" if data[i, j] > dark_above else "black")
    ax.grid(False)
    return image


def interval_plot(ax, estimate, low, high, muted=None, reference=None, reference_label: str = ""):
    """Точки с отрезками доверительных интервалов — по строке на группу, подписи строк по-русски
    (индекс ``estimate``: код или пара кодов). ``muted`` — маска строк, которые красят серым
    (например, малые выборки); ``reference`` — линия сравнения: число — одна пунктирная линия
    через весь график, ряд с тем же индексом, что ``estimate``, — своя отметка у каждой строки
    (например, win rate сегмента, в который входит ячейка)."""
    y = np.arange(len(estimate))
    muted = np.zeros(len(estimate), dtype=bool) if muted is None else np.asarray(muted, dtype=bool)
    colors = np.where(muted, PALETTE[7], PALETTE[0])
    ax.hlines(y, low, high, colors=colors, linewidth=2)
    ax.scatter(estimate, y, color=colors, zorder=3)
    if reference is not None:
        if np.ndim(reference) == 0:
            ax.axvline(reference, color=PALETTE[1], linestyle="--", label=reference_label)
        else:
            ax.vlines(np.asarray(reference, dtype=float), y - 0.4, y + 0.4, color=PALETTE[1], linestyle="--", label=reference_label)
        ax.legend(loc="lower right")
    ax.set_yticks(y, [pair_label(code) for code in estimate.index], fontsize=8 if len(y) > 10 else 10)
    pct_axis(ax, axis="x")
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)


def label_points(ax, x, y, labels, dx: float = 0.015, min_dx: float = 0.22, min_dy: float = 0.14) -> list:
    """Подписать точки справа от них; подписи, которые налезли бы на уже поставленные
    (ближе ``min_dx`` по x и ``min_dy`` по y), сдвигаются вверх и соединяются с точкой тонкой линией.
    Возвращает координаты подписей."""
    placed = []
    for xi, yi, text in sorted(zip(x, y, labels), key=lambda p: p[1]):
        label_y = yi
        while any(abs(label_y - py) < min_dy and abs(xi - px) < min_dx for px, py in placed):
            label_y += min_dy
        placed.append((xi, label_y))
        ax.annotate(text, (xi, yi), xytext=(xi + dx, label_y), fontsize=9, va="center",
                    arrowprops={"arrowstyle": "-", "color": PALETTE[7], "lw": 0.5} if label_y != yi else None)
    return placed


def retention_heatmap(matrix, title: str, row_labels=None, every: int = 3, vmin: float = 0.3,
                      colorbar_label: str = "Доля клиентов когорты, которые ещё платят"):
    """Матрица удержания «когорта × возраст» как тепловая карта с долями в клетках; возвращает (fig, ax).

    ``matrix`` — таблица из ``retention.retention_matrix``: строки — когорты, столбцы —
    возраст в месяцах. Показывается каждый ``every``-й месяц, подписи строк —
    ``row_labels`` (функция от кода когорты, например ``fmt.quarter``).
    """
    import numpy as np

    shown = matrix.loc[:, matrix.columns % every == 0]
    values = shown.to_numpy(dtype=float)
    fig, ax = new_figure(title, xlabel="Месяцев с первой оплаты", ylabel="Когорта (квартал первой оплаты)",
                         figsize=(9, 5.4))
    image = ax.imshow(values, cmap="Blues", vmin=vmin, vmax=1.0, aspect="auto")
    ax.set_xticks(range(shown.shape[1]), [str(a) for a in shown.columns])
    ax.set_yticks(range(shown.shape[0]), [row_labels(c) if row_labels else str(c) for c in shown.index])
    for (i, j), v in np.ndenumerate(values):
        if not np.isnan(v):
            ax.text(j, i, fmt.pct(v, 0), ha="center", va="center", fontsize=8, color="white" if v > 0.7 else "black")
    ax.grid(False)
    colorbar = fig.colorbar(image, ax=ax, format=FuncFormatter(lambda v, _: fmt.pct(v, 0)))
    colorbar.set_label(colorbar_label)
    return fig, ax


def mark_values(ax, marks, axis: str = "x", height: float = 0.95) -> None:
    """Вертикальные (или горизонтальные) линии-отметки с подписями у края графика.

    ``marks`` — список (значение, подпись, цвет, стиль линии[, сторона]), например
    ``[(plan, "план", "black", "-"), (target, "цель", "black", "--", "left")]``;
    сторона — с какой стороны линии подпись ("right" по умолчанию или "left").
    Подписи ставятся по очереди на разной высоте, чтобы близкие линии не слипались.
    """
    for i, mark in enumerate(marks):
        value, text, color, style = mark[:4]
        side = mark[4] if len(mark) > 4 else "right"
        shift, align = (4, "left") if side == "right" else (-4, "right")
        if axis == "x":
            ax.axvline(value, color=color, linestyle=style, linewidth=1.5)
            y = ax.get_ylim()[1] * (height - 0.08 * (i % 3))
            ax.annotate(text, (value, y), xytext=(shift, 0), textcoords="offset points", fontsize=9, color=color, ha=align)
        else:
            ax.axhline(value, color=color, linestyle=style, linewidth=1.5)
            x = ax.get_xlim()[1] * (height - 0.08 * (i % 3))
            ax.annotate(text, (x, value), xytext=(0, 4), textcoords="offset points", fontsize=9, color=color)


def tornado_chart(ax, table, target=None) -> None:
    """Торнадо-диаграмма по таблице ``planning.tornado``: красная полоса — худший край входа,
    зелёная — лучший, сплошная линия — результат в базе (план), пунктир — цель.

    Полосы откладываются от базы; если оба края входа хуже базы (у текучести, которой
    в плане нет), обе полосы — слева от линии плана.
    """
    order = list(table.index[::-1])
    base = float(table["base_value"].iloc[0])
    for y, name in enumerate(order):
        row = table.loc[name]
        ax.barh(y, row["value_worse"] - base, left=base, color=PALETTE[3], height=0.6,
                label="худший край диапазона" if y == 0 else None)
        ax.barh(y, row["value_better"] - base, left=base, color=PALETTE[2], height=0.35,
                label="лучший край диапазона" if y == 0 else None)
    ax.axvline(base, color="black", linewidth=1, label="план (база входов)")
    if target is not None:
        ax.axvline(target, color="black", linewidth=1, linestyle="--", label="цель")
    ax.set_yticks(range(len(order)), [label(n) for n in order])
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    rub_axis(ax, axis="x")
    ax.legend(loc="lower left", fontsize=8)


#: Цвета решений A/B-теста (коды ``experiments.DECISIONS``).
DECISION_COLORS = {"launch": PALETTE[2], "no_launch": PALETTE[3], "more_data": PALETTE[7]}


def decision_forest(ax, frame, threshold: float, threshold_label: str = "порог пользы") -> None:
    """«Лесной» график решений A/B-тестов: строка на сравнение (подпись — индекс ``frame``),
    отрезок интервала ``low``–``high`` и точка ``diff``, цвет — решение из столбца ``decision``;
    сплошная линия — ноль, пунктир — порог пользы ``threshold``. Легенда — под графиком."""
    y = np.arange(len(frame))[::-1]
    for yi, (_, row) in zip(y, frame.iterrows()):
        color = DECISION_COLORS[row["decision"]]
        ax.plot([row["low"], row["high"]], [yi, yi], color=color, linewidth=3)
        ax.plot(row["diff"], yi, "o", color=color)
    ax.axvline(0, color="black", linewidth=1)
    ax.axvline(threshold, color=PALETTE[1], linestyle="--", label=f"{threshold_label}: {fmt.number(threshold, 1)}")
    ax.set_yticks(y, list(frame.index))
    for code in sorted(set(frame["decision"]), key=list(DECISION_COLORS).index):
        ax.plot([], [], color=DECISION_COLORS[code], linewidth=3, label=label(code))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4)


def lines_by_column(ax, frame, title: str, pct: bool = False, log: bool = False, ylabel: str = "") -> None:
    """Панель дашборда: по линии с точками на столбец ``frame`` (подпись — ``label`` кода столбца),
    ось X — индекс (подписи под углом); ``pct`` — ось в процентах, ``log`` — логарифмическая шкала."""
    x = [str(v) for v in frame.index]
    for i, column in enumerate(frame.columns):
        ax.plot(x, frame[column].to_numpy(dtype=float), marker="o", color=PALETTE[i % len(PALETTE)], label=label(column))
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    if pct:
        pct_axis(ax)
    ax.tick_params(axis="x", rotation=45)
    if len(frame.columns) > 1:
        ax.legend(fontsize=8)


def barh_by_group(ax, values, groups, title: str, xlabel: str = "", reference=None, pct: bool = False,
                  order=None) -> None:
    """Панель дашборда: горизонтальные столбцы ``values`` (подписи — индекс), цвет — группа из ``groups``
    (например, команда AE), легенда групп в порядке ``order``; ``reference`` — пунктир (план = 1)."""
    order = list(order) if order is not None else list(dict.fromkeys(groups))
    colors = [PALETTE[order.index(g) % len(PALETTE)] for g in groups]
    ax.barh([str(v) for v in values.index], values.to_numpy(dtype=float), color=colors)
    if len(order) > 1:
        handles = [Patch(color=PALETTE[i % len(PALETTE)], label=label(group)) for i, group in enumerate(order)]
        ax.legend(handles=handles, fontsize=8, loc="lower right")
    if reference is not None:
        ax.axvline(reference, color="#333333", lw=1, ls="--")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    if pct:
        pct_axis(ax, axis="x")
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)


def paired_bars(ax, frame, title: str, reference=None, pct: bool = False, reference_label: str = "") -> None:
    """Панель дашборда: столбцы рядом — по столбцу ``frame`` на каждую строку (подписи строк и легенда —
    через ``label``); ``reference`` — горизонтальный пунктир (например, 100 % или ориентир рынка)."""
    x = np.arange(len(frame))
    width = 0.8 / len(frame.columns)
    for i, column in enumerate(frame.columns):
        offset = (i - (len(frame.columns) - 1) / 2) * width
        ax.bar(x + offset, frame[column].to_numpy(dtype=float), width=width, label=label(column),
               color=PALETTE[(4 if len(frame.columns) == 1 else 3 * i) % len(PALETTE)])
    if reference is not None:
        ax.axhline(reference, color="#333333", lw=1, ls="--", label=reference_label or None)
    ax.set_xticks(x, [label(v) for v in frame.index])
    ax.set_title(title)
    if pct:
        pct_axis(ax)
    if len(frame) > 6:
        ax.tick_params(axis="x", rotation=45)
    if len(frame.columns) > 1 or reference_label:
        ax.legend(fontsize=8)


# --- 2.3 «Account-based подходы»: подписи ролей и уровней, график трендов до и после старта ---

LABELS.update({
    "economic_buyer": "Экономический покупатель",
    "champion": "Чемпион",
    "end_user": "Конечный пользователь",
    "it_security": "ИТ и ИБ",
    "procurement": "Закупки",
    "finance": "Финансы",
    "one_to_one": "1:1",
    "one_to_few": "1:few",
    "one_to_many": "1:many",
    "in_programme": "В программе",
    "not_in_programme": "Вне программы",
    "ae": "AE",
    "sdr": "SDR/BDR",
    "se": "SE (пресейл)",
})

#: Роли комитета покупателя (``contacts.role``), чей смысл здесь другой, чем в остальных данных:
#: «executive» в исследовании клиентов (раздел 1.2) — первое лицо, а в комитете — топ-менеджер,
#: чья роль в решении не подтверждена. Поэтому не общий словарь LABELS, а свой.
COMMITTEE_ROLE_LABELS = {"executive": "Топ-менеджер (роль не подтверждена)"}


def committee_role_label(code) -> str:
    """Русская подпись роли комитета покупателя (``"executive"`` → «Топ-менеджер (роль не подтверждена)»);
    остальные коды — как в :func:`label`."""
    return COMMITTEE_ROLE_LABELS.get(str(code), label(code))


def trends_with_start(ax, frame, start, title: str, ylabel: str = "") -> None:
    """Линии по столбцам ``frame`` (индекс — периоды, подписи — ``label`` кода столбца) и
    вертикальный пунктир на периоде ``start`` — старте программы: так видно, шли ли группы
    параллельно до старта (допущение разности разностей)."""
    def _name(v):  # квартал по-русски («I кв. 2025»), остальное — как есть
        q = fmt.quarter(v)
        return str(v) if q == "—" else q

    x = [_name(v) for v in frame.index]
    for i, column in enumerate(frame.columns):
        ax.plot(x, frame[column].to_numpy(dtype=float), marker="o", color=PALETTE[(3 * i) % len(PALETTE)],
                label=label(column))
    if _name(start) in x:
        ax.axvline(x.index(_name(start)) - 0.5, color="#333333", lw=1, ls="--", label="Старт программы")
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", rotation=45)
    ax.legend(fontsize=8)


# ---------------------------------------------------------------------------
# Раздел 6.1: подписи рекламных площадок, кампаний и площадок статей
# ---------------------------------------------------------------------------

LABELS.update({
    "yandex_direct": "Яндекс Директ", "vk_ads": "VK Реклама", "telegram_ads": "Telegram Ads",
    "search_brand": "Поиск: бренд", "search_generic": "Поиск: общие запросы", "network": "РСЯ",
    "retargeting": "Ретаргетинг", "feed": "Лента", "channels": "Каналы Telegram",
    "blog": "Блог на сайте", "vc_ru": "vc.ru", "habr": "Хабр",
})


# --- Раздел 6.3 «Партнёрства и каналы» ---------------------------------------------

PARTNER_LABELS = {
    "referral": "Реферальный партнёр",
    "reseller": "Реселлер",
    "integrator": "Интегратор",
    "marketplace": "Маркетплейс",
    "sourced": "Привёл (sourced)",
    "influenced": "Участвовал (influenced)",
    "registered": "Зарегистрированный",
    "silver": "Серебряный",
    "gold": "Золотой",
}


def partner_label(code) -> str:
    """Русская подпись для кодов партнёрской программы: тип, роль и уровень партнёра
    (``"reseller"`` → «Реселлер»); остальные коды — как в :func:`label`."""
    return PARTNER_LABELS.get(str(code), label(code))
# ---------------------------------------------------------------------------
# Раздел 2.4 «Social selling»: подписи площадок, форматов постов и показателей панели
# ---------------------------------------------------------------------------

LABELS.update({
    "vk": "VK", "vc_ru": "vc.ru", "habr": "Хабр", "community": "Сообщества и чаты",
    "event_talk": "Выступления",
    "expert": "Экспертный пост", "case": "Кейс с цифрами", "how_to": "Инструкция, разбор",
    "news": "Новость", "promo": "Реклама (оффер)",
    "pipeline_rub": "Пайплайн", "won_rub": "Выигранный ACV",
})


# ---------------------------------------------------------------------------
# Раздел 5.4, часть 2 «План мотивации и выплаты»: подписи кодов pay_plans и rep_payouts
# ---------------------------------------------------------------------------

LABELS.update({
    "ae_commission": "Комиссия AE", "sql_meeting_bonus": "Премия за встречу SQL", "se_commission": "Комиссия SE",
    "manager_override": "Процент руководителя с команды", "csm_expansion_bonus": "Премия CSM за расширения",
    "won_acv": "ACV своих выигранных сделок", "sql_meetings": "Состоявшиеся встречи SQL",
    "won_acv_supported": "ACV сделок с участием SE", "won_acv_all": "Весь выигранный ACV",
    "annual_expansion": "Годовой прирост MRR (expansion × 12)",
    "owner": "Владельцу сделки или встречи", "equal_among_employed": "Поровну работавшим в месяце",
    "close_month": "В месяце закрытия", "meeting_month": "В месяце встречи", "expansion_month": "В месяце прироста",
})


# ---------------------------------------------------------------------------
# Раздел 5.2 «Обучение и сертификации»: подписи программ и шагов воронки после демо
# ---------------------------------------------------------------------------

LABELS.update({
    "onboarding": "Онбординг", "meddic": "MEDDIC", "discovery_spin": "SPIN и discovery",
    "objection_handling": "Работа с возражениями", "negotiation": "Переговоры",
    "demo_to_proposal": "Демо → предложение", "proposal_to_negotiation": "Предложение → переговоры",
    "negotiation_to_won": "Переговоры → победа",
})


# ---------------------------------------------------------------------------
# Раздел 4.2 «Командные модели»: подписи моделей и допущений симуляции
# ---------------------------------------------------------------------------

LABELS.update({
    "island": "Остров", "assembly": "Конвейер", "pod": "Под",
    "base_utilisation": "Загрузка конвейера сегодня",
    "specialist_speed": "Замедление универсала, раз",
    "specialist_win": "Выигрыш специалиста в win rate, раз",
    "handoff_loss": "Потери на передаче SDR → AE",
    "handoff_delay_days": "Задержка на передаче, раб. дн.",
    "pod_handoff_share": "Потери и задержка в поде, доля от конвейера",
    "half_life_days": "Полураспад интереса лида, раб. дн.",
})


# ---------------------------------------------------------------------------
# Раздел 5.1 «Рекрутинг и онбординг»: подписи источников, этапов найма, компетенций и интервьюеров
# ---------------------------------------------------------------------------

HIRING_LABELS = {
    "hh_ru": "hh.ru", "superjob": "SuperJob", "habr_career": "Хабр Карьера", "telegram": "Telegram-каналы",
    "referral": "Рекомендация сотрудника", "agency": "Кадровое агентство", "internal": "Внутренний кандидат",
    "applied": "Отклик", "screen": "Скрининг", "interview": "Интервью", "final": "Финал", "offer": "Оффер",
    "accepted": "Принял оффер", "hire_rate": "Найм на отклик",
    "hiring_manager": "Нанимающий руководитель", "peer": "Старший коллега", "hr": "Рекрутер",
    "discovery": "Выявление потребностей", "objection_handling": "Работа с возражениями",
    "written_communication": "Письменная речь", "product_understanding": "Понимание продукта",
    "coachability": "Обучаемость", "motivation": "Мотивация",
    "manager": "Руководитель", "filled": "Закрыта наймом", "open": "Открыта", "cancelled": "Отменена",
}


def hiring_label(code) -> str:
    """Русская подпись для кодов найма: источник, этап, компетенция, роль интервьюера
    (``"hh_ru"`` → «hh.ru», ``"peer"`` → «Старший коллега»); остальные коды — как в :func:`label`."""
    return HIRING_LABELS.get(str(code), label(code))


# ---------------------------------------------------------------------------
# Раздел 4.3 «Взаимодействие с функциями»: процессы и роли RACI, пункты карточки передачи
# ---------------------------------------------------------------------------

LABELS.update({
    "lead_routing": "Маршрутизация лидов", "qualification": "Квалификация", "handoff": "Передача клиента",
    "renewal": "Продление", "pricing_exception": "Исключение из цены", "forecast": "Прогноз",
    "sales_head": "Руководитель продаж", "csm": "CSM", "cs_head": "Руководитель CS", "product": "Продукт",
    "goals_recorded": "Цели клиента", "stakeholders_listed": "Люди клиента", "success_criteria": "Критерии успеха",
    "tech_requirements": "Технические требования", "promises_logged": "Обещания продавца",
    "completeness": "Полнота карточки (доля пунктов)",
})


# ---------------------------------------------------------------------------
# Раздел 7.4.3 «Предиктивный скоринг лидов»: кривая надёжности и кривая выигрыша
# ---------------------------------------------------------------------------


#: Подписи признаков модели скоринга (столбцы ``lead_scoring.FEATURES`` и ``LEAKY``).
SCORING_LABELS = {
    "log_employees": "Сотрудников (логарифм)", "website_visits": "Визиты на сайт", "pages_viewed": "Просмотры страниц",
    "content_downloads": "Скачанные материалы", "webinar_attended": "Был на вебинаре", "demo_requested": "Запросил демо",
    "email_opens": "Открытия писем", "job_title_level": "Уровень должности", "sdr_touches": "Касания SDR",
    "meetings_held": "Проведённые встречи", "segment": "Сегмент", "industry": "Отрасль", "channel": "Канал",
    "region": "Регион",
}


def scoring_label(code) -> str:
    """Русская подпись признака модели скоринга (``"demo_requested"`` → «Запросил демо»); остальное — :func:`label`."""
    return SCORING_LABELS.get(str(code), label(code))


def reliability_plot(ax, curves, title: str = "Кривая надёжности на лидах 2025 года") -> None:
    """Кривая надёжности: по линии на модель (``curves`` — словарь «подпись → таблица со столбцами
    ``predicted`` и ``actual``»), диагональ — идеальная калибровка; оси в процентах. Если в таблице
    есть ``low`` и ``high`` (интервал доли SQL в корзине), у точек рисуются усы интервала."""
    ax.plot([0, 1], [0, 1], color="#999999", lw=1, ls="--", label="Идеальная калибровка")
    for i, (name, table) in enumerate(curves.items()):
        color = PALETTE[i % len(PALETTE)]
        ax.plot(table["predicted"], table["actual"], marker="o", color=color, label=name)
        if {"low", "high"} <= set(table.columns):
            ax.errorbar(table["predicted"], table["actual"],
                        yerr=[table["actual"] - table["low"], table["high"] - table["actual"]],
                        fmt="none", ecolor=color, elinewidth=1, capsize=3)
    ax.set_title(title)
    ax.set_xlabel("Обещанная вероятность SQL, %")
    ax.set_ylabel("Фактическая доля SQL, %")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    pct_axis(ax, "x")
    pct_axis(ax, "y")
    ax.legend(fontsize=8)


def gains_plot(ax, curves, capacity=None, title: str = "Кривая выигрыша на лидах 2025 года",
               capacity_label: str = "Мощность SDR") -> None:
    """Кривая выигрыша: доля всех SQL (ось Y) в верхней доле очереди (ось X) для каждой оценки
    (``curves`` — словарь «подпись → таблица ``lead_scoring.gains``»); диагональ — случайный порядок,
    ``capacity`` — вертикальный пунктир на доле очереди, которую успевают SDR."""
    ax.plot([0, 1], [0, 1], color="#999999", lw=1, ls="--", label="Случайный порядок")
    for i, (name, table) in enumerate(curves.items()):
        ax.plot([0, *table["share"]], [0, *table["captured"]], marker="o", color=PALETTE[i % len(PALETTE)], label=name)
    if capacity is not None:
        ax.axvline(capacity, color="#333333", lw=1, ls=":", label=capacity_label)
    ax.set_title(title)
    ax.set_xlabel("Доля очереди, взятая в работу, %")
    ax.set_ylabel("Доля всех SQL, %")
    pct_axis(ax, "x")
    pct_axis(ax, "y")
    ax.legend(fontsize=8)


# ---------------------------------------------------------------------------
# Раздел 7.3 «Аналитика и BI»: дашборд руководителя продаж из слоя метрик
# ---------------------------------------------------------------------------

_DASHBOARD_UNITS = {"share": ("%", lambda ax: pct_axis(ax)), "rub": ("₽", lambda ax: rub_axis(ax)),
                    "days": ("дней", lambda ax: number_axis(ax)), "ratio": ("раз", lambda ax: number_axis(ax, digits=2))}


def metrics_dashboard(panels, title: str, ncols: int = 3):
    """Дашборд — сетка панелей, по панели на метрику; возвращает (fig, axes).

    ``panels`` — список словарей: ``title`` (подпись панели), ``values`` (Series: индекс — период
    или группа, значения — метрика), ``unit`` (``share``, ``rub``, ``days``, ``ratio`` — как у метрик
    слоя), ``kind`` (``"line"`` или ``"bar"``), необязательно ``target`` — линия цели. Ось значений
    каждой панели начинается с нуля: усечённая ось не превращает колебание в обвал.
    """
    use_style()
    panels = list(panels)
    if not panels:
        raise ValueError("Для дашборда нужна хотя бы одна панель.")
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.2 * nrows), squeeze=False)
    for ax, panel in zip(axes.flat, panels):
        values = panel["values"]
        unit, formatter = _DASHBOARD_UNITS[panel.get("unit", "ratio")]
        x = [str(i) for i in values.index]
        if panel.get("kind", "line") == "bar":
            ax.bar(x, values.to_numpy(float), color=PALETTE[0])
        else:
            ax.plot(x, values.to_numpy(float), marker="o", color=PALETTE[0])
        if panel.get("target") is not None:
            ax.axhline(panel["target"], color=PALETTE[1], linestyle="--", label="цель")
            ax.legend(loc="lower right", fontsize=8)
        top = max(float(np.nanmax(values.to_numpy(float))), float(panel.get("target") or 0))
        ax.set_ylim(0, top * 1.15 if top > 0 else 1)
        ax.set_title(f"{panel['title']}, {unit}", fontsize=10)
        formatter(ax)
        ax.tick_params(axis="x", labelsize=8, rotation=30)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    fig.suptitle(title)
    fig.tight_layout()
    return fig, axes


# --- 8.1 «Генеративный AI в продажах»: подписи сценариев, дефектов и политик ---
GENAI_LABELS = {
    "followup_email": "Письмо после встречи",
    "call_summary": "Конспект звонка",
    "account_research": "Справка о компании",
    "ok": "Без дефекта",
    "fact": "Выдуманный факт",
    "pii": "Чужие персональные данные",
    "tone": "Тон не по бренду",
    "promise": "Обещание сверх политики компании",
    "any": "Любой дефект",
    "manual": "Пишет вручную",
    "review": "Черновик + проверка продавцом",
    "auto_only": "Черновик без проверки человеком",
    # подвиды дефектов, которые автопроверки не видят
    "feature": "Выдуманная функция продукта",
    "name_only": "Имя без телефона и компании",
    "subtle": "Вежливое давление",
    "free_work": "Бесплатная доработка",
}


def genai_label(code) -> str:
    """Русская подпись сценария, вида дефекта или политики раздела 8.1 (``"call_summary"`` → «Конспект звонка»)."""
    return GENAI_LABELS.get(str(code), label(code))


def genai_policy_plot(ax, catch_grid, review_cost, manual_cost: float, catch_band=None, breakeven=None) -> None:
    """Цена текста при проверке продавцом в зависимости от доли пойманных дефектов (линия) против
    ручного текста (горизонталь); ``catch_band`` — интервал доли, которую ловит проверяющий (заливка),
    ``breakeven`` — порог, выше которого проверка дешевле (пунктир). Раздел 8.1."""
    ax.plot(catch_grid, review_cost, color=PALETTE[0], linewidth=2, label=GENAI_LABELS["review"])
    ax.axhline(manual_cost, color=PALETTE[1], linewidth=2, label=GENAI_LABELS["manual"])
    if catch_band is not None:
        ax.axvspan(*catch_band, color=PALETTE[2], alpha=0.15, label="95-процентный интервал доли, которую ловит A")
    if breakeven is not None:
        ax.axvline(breakeven, color=PALETTE[3], linestyle="--", label="Порог: дальше проверка дешевле ручного текста")
    ax.xaxis.set_major_locator(MultipleLocator(0.05))
    pct_axis(ax, axis="x")
    rub_axis(ax, axis="y", compact=False)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=9)
