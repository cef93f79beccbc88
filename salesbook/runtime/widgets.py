"""Интерактивные виджеты курса (ipywidgets) для JupyterLab.

В собранной книге виджеты не работают (там нет ядра Python), поэтому рядом с
каждым виджетом в исходнике раздела стоит статичная ячейка ``book-only`` с
тем же расчётом на нескольких сценариях.

Расчёт отделён от интерфейса: ``finance.unit_economics_scenario`` считает,
``calculator_text`` и ``calculator_chart_png`` показывают, а виджет только
связывает ползунки с ними.
"""

from __future__ import annotations

import io

import numpy as np

from salesbook.runtime import fmt, plotting
from salesbook.toolkit import finance

#: Ползунки калькулятора: ключ → (подпись, минимум, максимум, шаг).
CALCULATOR_SLIDERS = {
    "monthly_churn": ("Отток в месяц", 0.002, 0.10, 0.001),
    "arpa": ("ARPA, ₽ в месяц", 5_000.0, 600_000.0, 1_000.0),
    "gross_margin": ("Валовая маржа", 0.30, 0.95, 0.005),
    "cac": ("CAC, ₽ на клиента", 10_000.0, 3_000_000.0, 10_000.0),
    "new_mrr": ("Стартовый MRR, ₽ в месяц", 5_000.0, 600_000.0, 1_000.0),
}

#: Ширина подписи и элемента управления во всех калькуляторах курса.
_STYLE = {"description_width": "150px"}
_WIDTH = "460px"


def _sliders(spec: dict, start: dict, **options) -> dict:
    """Ползунки по описанию ``ключ → (подпись, минимум, максимум, шаг)``; стартовое значение
    зажимается в пределы ползунка."""
    import ipywidgets as widgets

    return {key: widgets.FloatSlider(value=float(min(max(start[key], lo), hi)), min=lo, max=hi, step=step,
                                     description=label, continuous_update=False, style=_STYLE,
                                     layout=widgets.Layout(width=_WIDTH), **options)
            for key, (label, lo, hi, step) in spec.items()}


def _live_panel(controls: dict, show, outputs: list):
    """Связать элементы управления с пересчётом: любое изменение вызывает ``show(значения)``.

    Возвращает ``VBox`` из элементов и ``outputs`` с методом ``refresh()``.
    """
    import ipywidgets as widgets

    def refresh(_change=None) -> None:
        show({key: control.value for key, control in controls.items()})

    for control in controls.values():
        control.observe(refresh, names="value")
    refresh()
    box = widgets.VBox([*controls.values(), *outputs])
    box.refresh = refresh
    return box


def _zone(ratio: float) -> str:
    """Словесная оценка LTV/CAC по ориентирам раздела 1.1.4."""
    if ratio < 1:
        return "клиент не окупается: каждый новый клиент уменьшает стоимость компании"
    if ratio < 3:
        return "ниже ориентира 3:1 — рост дорогой, сначала чините юнит-экономику"
    if ratio <= 5:
        return "в зоне ориентира 3–5 — можно масштабировать привлечение"
    return "выше 5 — проверьте горизонт LTV; если он честный, в привлечение можно вкладывать больше"


def calculator_text(result: dict) -> str:
    """Итог расчёта по-русски (HTML): входы, LTV, LTV/CAC, окупаемость и оценка."""
    payback_churn = result["payback_churn_months"]
    churn_text = "никогда (LTV не больше CAC)" if not np.isfinite(payback_churn) else fmt.months(payback_churn)
    return (
        "<div class='salesbook-calculator'>"
        f"<p>Отток {fmt.pct(result['monthly_churn'])} в месяц, ARPA {fmt.rub(result['arpa'])} в месяц, "
        f"валовая маржа {fmt.pct(result['gross_margin'])}, CAC {fmt.rub(result['cac'])}, "
        f"стартовый MRR нового клиента {fmt.rub(result['new_mrr'])} в месяц.</p>"
        f"<p><b>LTV:</b> {fmt.rub(result['ltv'])} &nbsp;·&nbsp; "
        f"<b>LTV/CAC:</b> {fmt.number(result['ltv_cac'], 1)} &nbsp;·&nbsp; "
        f"<b>окупаемость:</b> {fmt.months(result['payback_months'])}, с учётом оттока — {churn_text}</p>"
        f"<p>Оценка: {_zone(result['ltv_cac'])}.</p>"
        "</div>"
    )


def calculator_figure(result: dict):
    """Кривая накопленных денег на привлечённого клиента (matplotlib Figure, без pyplot)."""
    from matplotlib.figure import Figure

    plotting.use_style()
    fig = Figure(figsize=(6.4, 3.2))
    ax = fig.add_subplot()
    cumulative = result["cumulative"]
    months = np.arange(len(cumulative))
    ax.plot(months, cumulative, color=plotting.PALETTE[0], label="накоплено с учётом оттока")
    ax.axhline(0, color=plotting.PALETTE[7], linewidth=1)
    payback = result["payback_churn_months"]
    if np.isfinite(payback) and payback <= months[-1]:
        ax.axvline(payback, color=plotting.PALETTE[1], linestyle="--", label=f"окупаемость: {fmt.months(payback)}")
    ax.set_title("Деньги на одного привлечённого клиента")
    ax.set_xlabel("месяц жизни клиента")
    ax.set_ylabel("накопленный поток, ₽")
    plotting.rub_axis(ax)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def _figure_png(fig) -> bytes:
    """Картинка в PNG для виджета Image (без метаданных — одинаковые байты при каждом запуске)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    return buffer.getvalue()


def calculator_chart_png(result: dict) -> bytes:
    """Картинка графика калькулятора в PNG (для виджета Image)."""
    return _figure_png(calculator_figure(result))


def unit_economics_calculator(monthly_churn: float = 0.025, arpa: float = 90_000.0, gross_margin: float = 0.775,
                              cac: float = 970_000.0, new_mrr: float = 86_000.0, months: int = 36):
    """Калькулятор «что если»: ползунки оттока, ARPA, маржи, CAC и стартового MRR → LTV, LTV/CAC, окупаемость, график.

    LTV считается от ARPA базы, окупаемость и кривая денег — от стартового MRR нового
    клиента, как в разделе 1.1.3 (``finance.unit_economics_scenario``).

    Возвращает ``ipywidgets.VBox``. Для тестов и своих надстроек у него есть
    атрибуты ``sliders`` (словарь ползунков по ключам ``CALCULATOR_SLIDERS``),
    ``result`` (HTML с итогом), ``chart`` (Image с графиком) и ``refresh()``.
    Любое изменение ползунка пересчитывает итог и график.
    """
    import ipywidgets as widgets

    start = {"monthly_churn": monthly_churn, "arpa": arpa, "gross_margin": gross_margin, "cac": cac, "new_mrr": new_mrr}
    sliders = _sliders(CALCULATOR_SLIDERS, start, readout=False)
    result_html = widgets.HTML()
    chart = widgets.Image(format="png")

    def show(values: dict) -> None:
        result = finance.unit_economics_scenario(months=months, **values)
        result_html.value = calculator_text(result)
        chart.value = calculator_chart_png(result)

    box = _live_panel(sliders, show, [result_html, chart])
    box.sliders = sliders
    box.result = result_html
    box.chart = chart
    return box


# ---------------------------------------------------------------------------
# Раздел 2.1, часть 2: калькулятор переноса бюджета по моделям атрибуции
# ---------------------------------------------------------------------------


def reallocation_text(per_rub, labels: dict, model: str, from_channel: str, to_channel: str, amount_rub: float) -> str:
    """Итог переноса бюджета по-русски (HTML): Δ валовой прибыли по выбранной модели и по всем моделям.

    ``per_rub`` — таблица «канал × модель» валовой прибыли первого года на рубль бюджета
    (``attribution.gross_profit_per_rub`` по каждой модели), ``labels`` — названия моделей.
    """
    from salesbook.toolkit import attribution

    names = attribution.CHANNEL_LABELS
    if from_channel == to_channel:
        return "<div class='salesbook-calculator'><p>Выберите два разных канала.</p></div>"
    deltas = {m: attribution.reallocation_effect(per_rub[m], from_channel, to_channel, amount_rub) for m in per_rub.columns}
    chosen = deltas[model]
    verdict = "окупается" if chosen > 0 else "не окупается"
    positive = [labels.get(m, m) for m, d in deltas.items() if d > 0]
    if len(positive) == len(deltas):
        rule = "перенос окупается во всех моделях — его можно делать шагами"
    elif not positive:
        rule = "перенос не окупается ни в одной модели"
    else:
        rule = f"модели расходятся в знаке (окупается: {', '.join(positive)}) — решает эксперимент"
    rows = "".join(f"<li>{labels.get(m, m)}: {fmt.compact_rub(d)}</li>" for m, d in deltas.items())
    return (
        "<div class='salesbook-calculator'>"
        f"<p>Перенос {fmt.compact_rub(amount_rub)} из канала «{names.get(from_channel, from_channel)}» "
        f"в «{names.get(to_channel, to_channel)}».</p>"
        f"<p><b>{labels.get(model, model)}:</b> Δ валовой прибыли первого года {fmt.compact_rub(chosen)} — {verdict}.</p>"
        f"<p>По всем моделям:</p><ul>{rows}</ul><p>Правило раздела: {rule}.</p>"
        "</div>"
    )


def attribution_budget_calculator(per_rub, labels: dict, from_channel: str = "ppc", to_channel: str = "partners",
                                  amount_rub: float = 5_000_000.0, model: str = "markov"):
    """Калькулятор переноса бюджета: модель, канал «откуда», канал «куда» и сумма → Δ валовой прибыли.

    Расчёт — ``attribution.reallocation_effect`` (через :func:`reallocation_text`); виджет только
    связывает с ним выпадающие списки и ползунок. Возвращает ``ipywidgets.VBox`` с атрибутами
    ``controls`` (словарь элементов) и ``result`` (HTML с итогом).
    """
    import ipywidgets as widgets

    from salesbook.toolkit import attribution

    channels = [(attribution.CHANNEL_LABELS.get(c, c), c) for c in per_rub.index]
    layout = widgets.Layout(width=_WIDTH)
    controls = {
        "model": widgets.Dropdown(options=[(labels.get(m, m), m) for m in per_rub.columns], value=model,
                                  description="Модель", style=_STYLE, layout=layout),
        "from_channel": widgets.Dropdown(options=channels, value=from_channel, description="Откуда", style=_STYLE,
                                         layout=layout),
        "to_channel": widgets.Dropdown(options=channels, value=to_channel, description="Куда", style=_STYLE,
                                       layout=layout),
        **_sliders({"amount_rub": ("Сумма, ₽", 500_000.0, 20_000_000.0, 500_000.0)}, {"amount_rub": amount_rub},
                   readout=False),
    }
    result = widgets.HTML()

    def show(values: dict) -> None:
        result.value = reallocation_text(per_rub, labels, **values)

    box = _live_panel(controls, show, [result])
    box.controls = controls
    box.result = result
    return box


# ---------------------------------------------------------------------------
# Раздел 6.1: калькулятор цепочки платного канала
# ---------------------------------------------------------------------------

#: Ползунки калькулятора цепочки: ключ → (подпись, минимум, максимум, шаг).
CHAIN_SLIDERS = {
    "cpc": ("CPC, ₽ за клик", 10.0, 1_000.0, 5.0),
    "ctr": ("CTR", 0.002, 0.20, 0.001),
    "cvr": ("CVR клик → лид", 0.002, 0.15, 0.001),
    "lead_to_customer": ("Лид → клиент", 0.01, 0.40, 0.005),
    "acv": ("ACV, ₽ в год", 50_000.0, 2_000_000.0, 10_000.0),
    "gross_margin": ("Валовая маржа", 0.30, 0.95, 0.005),
    "budget": ("Бюджет, ₽", 100_000.0, 5_000_000.0, 50_000.0),
}


def chain_text(result: dict) -> str:
    """Итог калькулятора цепочки по-русски (HTML): клики, лиды, клиенты, CPL, CAC, окупаемость."""
    payback = result["payback_months"]
    payback_text = fmt.months(payback) if np.isfinite(payback) else "никогда"
    return (
        "<div class='salesbook-calculator'>"
        f"<p>На бюджет {fmt.rub(result['budget'])}: показов {fmt.number(result['impressions'])}, "
        f"кликов {fmt.number(result['clicks'])}, лидов {fmt.number(result['leads'], 1)}, "
        f"клиентов {fmt.number(result['customers'], 1)}.</p>"
        f"<p><b>CPL:</b> {fmt.rub(result['cpl'])} &nbsp;·&nbsp; <b>CAC (медийный):</b> {fmt.rub(result['cac'])} "
        f"&nbsp;·&nbsp; <b>окупаемость CAC:</b> {payback_text} "
        f"(валовая прибыль клиента — {fmt.rub(result['monthly_gross_profit'])} в месяц).</p>"
        "</div>"
    )


def inbound_chain_calculator(cpc: float = 300.0, ctr: float = 0.05, cvr: float = 0.02,
                             lead_to_customer: float = 0.09, acv: float = 300_000.0,
                             gross_margin: float = 0.775, budget: float = 1_000_000.0):
    """Калькулятор цепочки платного канала: ползунки CPC, CTR, CVR, доли лидов в клиентов, ACV, маржи и бюджета.

    Расчёт — ``inbound.chain`` (та же функция, что в тексте раздела 6.1). Возвращает
    ``ipywidgets.VBox`` с атрибутами ``sliders``, ``result`` (HTML) и ``refresh()``.
    """
    import ipywidgets as widgets

    from salesbook.toolkit import inbound

    start = {"cpc": cpc, "ctr": ctr, "cvr": cvr, "lead_to_customer": lead_to_customer, "acv": acv,
             "gross_margin": gross_margin, "budget": budget}
    sliders = _sliders(CHAIN_SLIDERS, start)
    result_html = widgets.HTML()

    def show(values: dict) -> None:
        result_html.value = chain_text(inbound.chain(**values))

    box = _live_panel(sliders, show, [result_html])
    box.sliders = sliders
    box.result = result_html
    return box


# ---------------------------------------------------------------------------
# Раздел 5.4, часть 2: калькулятор плана мотивации AE
# ---------------------------------------------------------------------------

#: Ползунки калькулятора плана мотивации: ключ → (подпись, минимум, максимум, шаг).
PAY_PLAN_SLIDERS = {
    "ote_rub": ("OTE, ₽ в год", 1_000_000.0, 12_000_000.0, 100_000.0),
    "mix": ("Доля оклада в OTE", 0.3, 0.9, 0.05),
    "quota": ("План, ₽ ACV в год", 5_000_000.0, 60_000_000.0, 500_000.0),
    "threshold": ("Порог, доля плана", 0.0, 0.9, 0.05),
    "accelerator": ("Ускоритель сверх плана", 0.0, 3.0, 0.1),
    "cap": ("Потолок, доля цели", 1.0, 4.0, 0.1),
}


def pay_plan_text(result: dict) -> str:
    """Итог калькулятора плана мотивации по-русски (HTML): оклад и цель, план/OTE, выплаты и стоимость продаж."""
    at = result["payout_at"]
    return (
        "<div class='salesbook-calculator'>"
        f"<p>OTE {fmt.rub(result['ote'])} в год: оклад {fmt.rub(result['base'])}, целевая переменная часть "
        f"{fmt.rub(result['target_variable'])} (доля оклада {fmt.pct(result['mix'], 0)}). "
        f"План {fmt.rub(result['quota'])} — {fmt.number(result['quota_to_ote'], 1)} OTE.</p>"
        f"<p><b>Переменная часть:</b> при 50 % плана — {fmt.rub(at[0.5])}, при 100 % — {fmt.rub(at[1.0])}, "
        f"при 150 % — {fmt.rub(at[1.5])}. <b>Стоимость продаж при 100 % плана:</b> "
        f"{fmt.pct(result['cost_of_sales_at_plan'])} нового ACV.</p>"
        "</div>"
    )


def pay_plan_figure(result: dict):
    """Кривая выплат плана: переменная часть по выполнению плана (matplotlib Figure, без pyplot)."""
    from matplotlib.figure import Figure

    plotting.use_style()
    fig = Figure(figsize=(6.4, 3.2))
    ax = fig.add_subplot()
    ax.plot(result["attainment"], result["variable"], color=plotting.PALETTE[0], label="переменная часть")
    ax.plot(result["attainment"], result["target_variable"] * result["attainment"], color=plotting.PALETTE[7],
            linestyle=":", label="без порога, ускорителя и потолка")
    ax.set_title("Кривая выплат плана")
    ax.set_xlabel("выполнение плана")
    ax.set_ylabel("переменная часть за год, ₽")
    plotting.pct_axis(ax, "x")
    plotting.rub_axis(ax)
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def pay_plan_chart_png(result: dict) -> bytes:
    """Картинка кривой выплат в PNG (для виджета Image)."""
    return _figure_png(pay_plan_figure(result))


def pay_plan_calculator(ote_rub: float = 5_000_000.0, mix: float = 0.5, quota: float = 25_000_000.0,
                        threshold: float = 0.5, accelerator: float = 2.0, cap: float = 2.0):
    """Калькулятор плана мотивации AE: ползунки OTE, доли оклада, плана, порога, ускорителя и потолка →
    кривая выплат, выплаты при 50/100/150 % плана и стоимость продаж.

    Расчёт — ``compensation.plan_scenario`` (те же функции, что в тексте раздела 5.4). Возвращает
    ``ipywidgets.VBox`` с атрибутами ``sliders``, ``result`` (HTML), ``chart`` (Image) и ``refresh()``.
    """
    import ipywidgets as widgets

    from salesbook.toolkit import compensation

    start = {"ote_rub": ote_rub, "mix": mix, "quota": quota, "threshold": threshold, "accelerator": accelerator,
             "cap": cap}
    sliders = _sliders(PAY_PLAN_SLIDERS, start)
    result_html = widgets.HTML()
    chart = widgets.Image(format="png")

    def show(values: dict) -> None:
        result = compensation.plan_scenario(**values)
        result_html.value = pay_plan_text(result)
        chart.value = pay_plan_chart_png(result)

    box = _live_panel(sliders, show, [result_html, chart])
    box.sliders = sliders
    box.result = result_html
    box.chart = chart
    return box


# ---------------------------------------------------------------------------
# Раздел 9.4: калькулятор реферальной программы
# ---------------------------------------------------------------------------

#: Ползунки калькулятора реферальной программы: ключ → (подпись, минимум, максимум, шаг).
REFERRAL_SLIDERS = {
    "customers": ("Клиентов в базе", 50.0, 5_000.0, 10.0),
    "share_referring": ("Доля приглашающих", 0.01, 0.60, 0.01),
    "invites_per_referrer": ("Приглашений на одного", 0.5, 10.0, 0.5),
    "conversion": ("Приглашение → клиент", 0.005, 0.30, 0.005),
    "reward_rub": ("Награда за клиента, ₽", 0.0, 300_000.0, 5_000.0),
    "arpa": ("Стартовый MRR клиента, ₽ в месяц", 5_000.0, 300_000.0, 1_000.0),
    "gross_margin": ("Валовая маржа", 0.30, 0.95, 0.005),
    "cycle_months": ("Цикл, месяцев", 1.0, 24.0, 0.5),
    "paid_cac": ("CAC платных каналов, ₽", 10_000.0, 2_000_000.0, 10_000.0),
}


def _k_zone(k: float) -> str:
    """Словесная оценка вирусного коэффициента (раздел 9.4)."""
    if k >= 1:
        return "k ≥ 1: каждый клиент приводит больше одного — самоподдерживающийся рост (в B2B почти не встречается)"
    if k >= 0.3:
        return "k меньше 1: программа заметно усиливает другие каналы, но рост без них затухает"
    return "k намного меньше 1: программа — небольшая добавка к другим каналам, а не двигатель роста"


#: Окупаемость дольше этого срока калькулятор называет «не окупается» (месяцев).
REFERRAL_PAYBACK_CAP_MONTHS = 120


def cac_ratio_text(ratio: float) -> str:
    """«в 5,5 раза дешевле платных каналов» / «в 3 раза дороже» — по-русски, без «0,18 CAC»."""
    if not np.isfinite(ratio) or ratio <= 0:
        return "—"
    if abs(ratio - 1) < 0.05:
        return "столько же, сколько у платных каналов"
    times = 1 / ratio if ratio < 1 else ratio
    word = "дешевле" if ratio < 1 else "дороже"
    if times < 10 and round(times, 1) % 1:
        return f"в {fmt.number(times, 1)}\u00a0раза {word} платных каналов"  # дробное: «в 5,5 раза»
    return f"в {fmt.plural(int(round(times)), 'раз', 'раза', 'раз')} {word} платных каналов"


def referral_text(result: dict) -> str:
    """Итог калькулятора реферальной программы по-русски (HTML): все входы, k, клиенты за цикл, CAC и окупаемость.

    Ползунки калькулятора показаны без своих подписей-чисел (ipywidgets пишет их с точкой и без разрядов),
    поэтому каждое значение ползунка повторено здесь — по-русски."""
    payback = result["payback_months"]
    if not np.isfinite(payback) or payback > REFERRAL_PAYBACK_CAP_MONTHS:
        payback_text = f"больше {REFERRAL_PAYBACK_CAP_MONTHS // 12} лет — не окупается"
    else:
        payback_text = fmt.months(payback)
    cac_text = fmt.rub(result["cac"]) if np.isfinite(result["cac"]) else "не определён (клиентов нет)"
    ratio_text = cac_ratio_text(result["cac_to_paid"]) if np.isfinite(result["cac"]) else "—"
    amp = result["amplification"]
    amp_text = f"×{fmt.number(amp, 2)}" if np.isfinite(amp) else "без предела"
    invites = result["invites_per_referrer"]
    invites_text = (f"{fmt.number(invites, 1)}\u00a0приглашения" if invites % 1  # «по 1,5 приглашения»
                    else fmt.plural(int(invites), "приглашению", "приглашения", "приглашений"))  # «по 1 приглашению»
    customers = fmt.plural(int(round(result["customers"])), "клиент", "клиента", "клиентов")
    return (
        "<div class='salesbook-calculator'>"
        f"<p>{customers} в базе, приглашают {fmt.pct(result['share_referring'], 0)}, по {invites_text} на "
        f"пригласившего, в клиента превращается {fmt.pct(result['conversion'])} приглашений; цикл — "
        f"{fmt.number(result['cycle_months'], 1)}\u00a0мес.; награда — {fmt.rub(result['reward_rub'])} за клиента; "
        f"стартовый MRR клиента — {fmt.rub(result['arpa'])}, валовая маржа — {fmt.pct(result['gross_margin'])}; "
        f"CAC платных каналов — {fmt.rub(result['paid_cac'])}.</p>"
        f"<p><b>Вирусный коэффициент k:</b> {fmt.number(result['k'], 3)} &nbsp;·&nbsp; "
        f"<b>клиентов программы за первый цикл:</b> {fmt.number(result['first_cycle'], 1)} &nbsp;·&nbsp; "
        f"<b>усиление:</b> {amp_text}</p>"
        f"<p><b>CAC программы:</b> {cac_text} ({ratio_text}) &nbsp;·&nbsp; "
        f"<b>окупаемость:</b> {payback_text} (валовая прибыль клиента — "
        f"{fmt.rub(result['arpa'] * result['gross_margin'])} в месяц).</p>"
        f"<p>Оценка: {_k_zone(result['k'])}.</p>"
        "</div>"
    )


def referral_figure(result: dict):
    """Клиенты программы по циклам и накопленным итогом (matplotlib Figure, без pyplot)."""
    from matplotlib.figure import Figure

    plotting.use_style()
    fig = Figure(figsize=(6.4, 3.2))
    ax = fig.add_subplot()
    cycles = np.arange(1, len(result["by_cycle"]) + 1)
    ax.bar(cycles, result["by_cycle"], color=plotting.PALETTE[0], label="Новые клиенты цикла")
    ax.plot(cycles, result["cumulative"], color=plotting.PALETTE[1], marker="o", label="Накопленным итогом")
    ax.set_title("Клиенты реферальной программы по циклам")
    ax.set_xlabel("Цикл рекомендаций")
    ax.set_ylabel("Клиентов")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def referral_chart_png(result: dict) -> bytes:
    """Картинка калькулятора реферальной программы в PNG (для виджета Image)."""
    return _figure_png(referral_figure(result))


def referral_calculator(customers: float = 900.0, share_referring: float = 0.25, invites_per_referrer: float = 1.5,
                        conversion: float = 0.025, reward_rub: float = 20_000.0, arpa: float = 18_000.0,
                        gross_margin: float = 0.775, cycle_months: float = 6.0, paid_cac: float = 380_000.0,
                        fixed_monthly_rub: float | None = None):
    """Калькулятор реферальной программы: клиенты, доля приглашающих, приглашения, конверсия, награда, стартовый MRR,
    маржа, цикл и CAC платных каналов → k, клиенты программы за цикл, CAC программы против платного, окупаемость.

    Расчёт — ``advocacy.referral_scenario`` (та же функция, что в тексте раздела 9.4); постоянные затраты
    программы — ``advocacy.PROGRAMME_FIXED_MONTHLY_RUB``, если не заданы. Возвращает ``ipywidgets.VBox``
    с атрибутами ``sliders``, ``result`` (HTML), ``chart`` (Image) и ``refresh()``.
    """
    import ipywidgets as widgets

    from salesbook.toolkit import advocacy

    fixed = advocacy.PROGRAMME_FIXED_MONTHLY_RUB if fixed_monthly_rub is None else fixed_monthly_rub
    start = {"customers": customers, "share_referring": share_referring, "invites_per_referrer": invites_per_referrer,
             "conversion": conversion, "reward_rub": reward_rub, "arpa": arpa, "gross_margin": gross_margin,
             "cycle_months": cycle_months, "paid_cac": paid_cac}
    sliders = _sliders(REFERRAL_SLIDERS, start, readout=False)  # значения — по-русски в тексте итога
    result_html = widgets.HTML()
    chart = widgets.Image(format="png")

    def show(values: dict) -> None:
        result = advocacy.referral_scenario(**values, fixed_monthly_rub=fixed)
        result_html.value = referral_text(result)
        chart.value = referral_chart_png(result)

    box = _live_panel(sliders, show, [result_html, chart])
    box.sliders = sliders
    box.result = result_html
    box.chart = chart
    return box
