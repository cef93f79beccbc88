"""Единый стиль графиков курса: русские подписи, рубли и проценты на осях."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from . import fmt

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
    "salary": "Зарплаты",
    "bonus": "Бонусы",
    "payroll_tax": "Страховые взносы",
    "tools": "Инструменты",
    "overhead": "Накладные",
    "agency": "Агентство",
    "sales": "Продажи",
    "marketing": "Маркетинг",
    "customer_success": "Customer success",
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
    """Подписи оси в рублях: «1,5 млн ₽» (compact) или «1 500 000 ₽»."""
    formatter = FuncFormatter(lambda v, _: fmt.compact_rub(v) if compact else fmt.rub(v))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def pct_axis(ax, axis: str = "y", digits: int = 0) -> None:
    """Подписи оси в процентах для долей: 0,25 → «25 %»."""
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
