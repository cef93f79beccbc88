"""Эскроу с оплатой по этапам внедрения и цена инструментов расчёта (раздел 8.4).

``MilestoneEscrow`` — конечный автомат: создан → пополнен → этап принят / оспорен →
выплачен / возвращён / арбитраж. Недопустимый переход — ``EscrowError`` с русским сообщением;
каждое событие пишется в журнал. ``instrument_costs`` сравнивает полную цену расчёта по сделке:
без обеспечения, счёт эскроу в банке, покрытый аккредитив и смарт-контракт; ``breakeven_default`` —
вероятность неоплаты, выше которой банковский инструмент дешевле оплаты без обеспечения.
"""

from __future__ import annotations

import pandas as pd

from salesbook.toolkit.validation import MetricError, positive, require_columns, share

STATES = {
    "created": "создан",
    "funded": "пополнен",
    "disputed": "этап оспорен",
    "arbitration": "арбитраж",
    "released": "закрыт выплатой",
    "refunded": "закрыт возвратом",
    "settled": "закрыт: часть выплачена, часть возвращена",
    "cancelled": "отменён",
}
FINAL = ("released", "refunded", "settled", "cancelled")
#: Статусы этапа.
MILESTONE_STATUS = {"pending": "ждёт приёмки", "disputed": "оспорен", "released": "выплачен поставщику",
                    "refunded": "возвращён клиенту"}
PARTIES = ("vendor", "client")


def _rub(value) -> str:
    """Сумма в рублях для сообщений: группы разрядов и знак ₽ — через неразрывный пробел."""
    return f"{float(value):,.0f}".replace(",", "\u00a0") + "\u00a0₽"


class EscrowError(MetricError):
    """Недопустимый переход эскроу: сообщение называет действие и текущее состояние."""


class MilestoneEscrow:
    """Эскроу по этапам: клиент вносит всю сумму, каждый этап выплачивается поставщику после приёмки.

    ``milestones`` — список пар (название этапа, сумма, ₽). Состояние — ``state`` (коды ``STATES``),
    этапы — ``milestones`` (``pending`` / ``disputed`` / ``released`` / ``refunded``), журнал — ``log()``.
    Когда не осталось незакрытых этапов, эскроу закрывается: ``released``, если все этапы выплачены
    поставщику, ``refunded``, если все возвращены клиенту, иначе ``settled`` (часть выплачена, часть возвращена).
    """

    def __init__(self, deal_id: str, milestones):
        items = list(milestones)
        if not items:
            raise EscrowError("Эскроу без этапов: задайте хотя бы один этап (название, сумма).")
        self.deal_id = str(deal_id)
        self.milestones = [{"name": str(n), "amount": positive(a, f"Сумма этапа «{n}»"), "status": "pending"}
                           for n, a in items]
        self.state = "created"
        self.balance = 0.0
        self._log = []
        self._write("создание", None, 0.0)

    @property
    def total(self) -> float:
        return float(sum(m["amount"] for m in self.milestones))

    def _write(self, event: str, index, amount: float) -> None:
        self._log.append({"step": len(self._log) + 1, "event": event,
                          "milestone": None if index is None else self.milestones[index]["name"],
                          "amount_rub": float(amount), "state": self.state, "balance_rub": self.balance})

    def _require(self, action: str, *states: str) -> None:
        if self.state not in states:
            allowed = ", ".join(f"«{STATES[s]}»" for s in states)
            raise EscrowError(f"Нельзя {action}: сейчас эскроу в состоянии «{STATES[self.state]}», "
                              f"а это действие допустимо только в состоянии {allowed}.")

    def _milestone(self, index, action: str, status: str) -> dict:
        if not isinstance(index, int) or not 0 <= index < len(self.milestones):
            raise EscrowError(f"Нельзя {action}: этапа с номером {index!r} нет (этапы 0…{len(self.milestones) - 1}).")
        m = self.milestones[index]
        if m["status"] != status:
            raise EscrowError(f"Нельзя {action}: этап «{m['name']}» — «{MILESTONE_STATUS[m['status']]}».")
        return m

    def _pay(self, index: int, to: str, event: str) -> None:
        if to not in PARTIES:
            raise EscrowError("Деньги этапа получает поставщик ('vendor') или клиент ('client').")
        m = self.milestones[index]
        m["status"] = "released" if to == "vendor" else "refunded"
        self.balance -= m["amount"]
        open_left = any(x["status"] in ("pending", "disputed") for x in self.milestones)
        statuses = {x["status"] for x in self.milestones}
        if open_left:
            self.state = "funded"
        elif statuses == {"released"}:
            self.state = "released"
        elif statuses == {"refunded"}:
            self.state = "refunded"
        else:
            self.state = "settled"
        self._write(event, index, m["amount"])

    def fund(self, amount: float) -> MilestoneEscrow:
        """Клиент вносит всю сумму договора: создан → пополнен."""
        self._require("пополнить эскроу", "created")
        if abs(float(amount) - self.total) > 0.5:
            raise EscrowError(f"Внести нужно ровно сумму всех этапов: {_rub(self.total)}, а не {_rub(amount)}.")
        self.balance = self.total
        self.state = "funded"
        self._write("пополнение", None, self.total)
        return self

    def accept(self, index: int) -> MilestoneEscrow:
        """Клиент принял этап: его сумма уходит поставщику."""
        self._require("принять этап", "funded")
        self._milestone(index, "принять этап", "pending")
        self._pay(index, "vendor", "приёмка этапа и выплата")
        return self

    def dispute(self, index: int) -> MilestoneEscrow:
        """Клиент оспорил этап: выплаты останавливаются до урегулирования."""
        self._require("оспорить этап", "funded")
        self._milestone(index, "оспорить этап", "pending")["status"] = "disputed"
        self.state = "disputed"
        self._write("спор по этапу", index, 0.0)
        return self

    def settle(self, index: int, to: str) -> MilestoneEscrow:
        """Стороны договорились по спорному этапу: деньги — поставщику (``vendor``) или клиенту (``client``)."""
        self._require("урегулировать спор", "disputed")
        self._milestone(index, "урегулировать спор", "disputed")
        self._pay(index, to, "урегулирование спора")
        return self

    def escalate(self, index: int) -> MilestoneEscrow:
        """Стороны не договорились: спор уходит третьему лицу (арбитраж, суд, эксперт)."""
        self._require("передать спор в арбитраж", "disputed")
        self._milestone(index, "передать спор в арбитраж", "disputed")
        self.state = "arbitration"
        self._write("передача в арбитраж", index, 0.0)
        return self

    def arbitrate(self, index: int, to: str) -> MilestoneEscrow:
        """Решение арбитра по спорному этапу исполняется: деньги — ``vendor`` или ``client``."""
        self._require("исполнить решение арбитра", "arbitration")
        self._milestone(index, "исполнить решение арбитра", "disputed")
        self._pay(index, to, "решение арбитра")
        return self

    def expire(self) -> MilestoneEscrow:
        """Срок договора истёк: все непринятые этапы возвращаются клиенту."""
        self._require("вернуть деньги по сроку", "funded")
        pending = [i for i, m in enumerate(self.milestones) if m["status"] == "pending"]
        for i in pending:
            self._pay(i, "client", "возврат по сроку")
        return self

    def cancel(self) -> MilestoneEscrow:
        """Отмена до пополнения: денег на счёте ещё нет."""
        self._require("отменить эскроу", "created")
        self.state = "cancelled"
        self._write("отмена", None, 0.0)
        return self

    def log(self) -> pd.DataFrame:
        """Журнал событий: шаг, событие, этап, сумма, состояние после события, остаток на счёте."""
        return pd.DataFrame(self._log).set_index("step")

    def paid(self, to: str = "vendor") -> float:
        """Сколько уже получила сторона ``to`` (``vendor`` — поставщик, ``client`` — возврат клиенту), ₽."""
        status = {"vendor": "released", "client": "refunded"}.get(to)
        if status is None:
            raise EscrowError("Сторона — 'vendor' (поставщик) или 'client' (клиент).")
        return float(sum(m["amount"] for m in self.milestones if m["status"] == status))


# ---------------------------------------------------------------------------
# Цена инструментов расчёта
# ---------------------------------------------------------------------------

#: Тарифы (раздел 8.4, «На практике»). Покрытый аккредитив: открытие 0,2 % с минимумом 1000 ₽ и
#: исполнение 0,15 % за каждый платёж — порядок из пересказа тарифов Сбербанка (nestne2025sberlc:
#: открытие покрытого 0,2 %, мин. 1000 ₽; исполнение 0,1–0,3 %) и тарифа банка «Метрополь»
#: (metropolbank_lc: открытие и платежи по 0,15 % в евро); по действующей странице тарифов банка не сверены.
#: Счёт эскроу: 0,3 % с минимумом 30 000 ₽ — допущение курса, публичного тарифа для сделок услуг найти
#: не удалось (банки считают его индивидуально). Смарт-контракт — разработка и аудит кода (допущение
#: курса) плюс комиссия сети за каждую транзакцию.
TARIFFS = {
    "bank_escrow": {"rate": 0.003, "minimum": 30_000},
    "letter_of_credit": {"open_rate": 0.002, "open_min": 1_000, "pay_rate": 0.0015, "pay_min": 1_000},
    "smart_contract": {"development": 800_000, "audit": 700_000, "tx_fee": 500},
}

#: Вероятность, что ошибка в коде смарт-контракта заблокирует или уведёт деньги (допущение курса;
#: аудит снижает, но не исключает такой риск).
CODE_RISK = 0.01

OPTIONS = {
    "none": "Оплата по этапам без обеспечения",
    "bank_escrow": "Счёт эскроу в банке",
    "letter_of_credit": "Покрытый аккредитив",
    "smart_contract": "Смарт-контракт",
}
#: Короткие подписи вариантов для графиков.
SHORT_NAMES = {"none": "Без обеспечения", "bank_escrow": "Эскроу", "letter_of_credit": "Аккредитив",
               "smart_contract": "Смарт-контракт"}


def bank_fee(amount: float, rate: float, minimum: float = 0.0) -> float:
    """Комиссия банка: процент от суммы, но не меньше минимума, ₽."""
    return max(positive(amount, "Сумма") * share(rate, "Ставка комиссии"), positive(minimum, "Минимум комиссии", allow_zero=True))


#: Годовая ставка клиента для цены его замороженных денег: ключевая ставка Банка России на дату
#: плана — 16 % с 19 декабря 2025 года (kommersant2025keyrate16; раздел 1.1.3). Деньги на счёте эскроу
#: принадлежат клиенту: его упущенный доход — примерно депозит (чуть ниже ключевой ставки) или
#: сэкономленный кредит (чуть выше). Ставка ``course.DISCOUNT_RATE`` (25 %) — ставка «Сферы Софт»,
#: а не клиента; в разделе 8.4 она — верхний край таблицы чувствительности.
CLIENT_RATE = 0.16


def frozen_capital_cost(amounts, months, rate: float = CLIENT_RATE) -> float:
    """Цена замороженных денег клиента, ₽: Σ сумма_i × ((1 + r)^(месяцев_i / 12) − 1).

    Клиент вносит всё сразу, а этап i выплачивается через ``months[i]`` месяцев: всё это время
    деньги не работают в его бизнесе. ``rate`` — годовая эффективная ставка клиента (по умолчанию
    ``CLIENT_RATE``); сложные проценты за дробную часть года — как у дисконтирования в разделе 1.1.3.
    """
    amounts, months = list(amounts), list(months)
    if len(amounts) != len(months):
        raise MetricError("frozen_capital_cost: сумм этапов и сроков должно быть поровну.")
    r = share(rate, "Ставка клиента", upper_open=True)
    return float(sum(positive(a, "Сумма этапа") * ((1 + r) ** (positive(m, "Месяцев до выплаты", allow_zero=True) / 12) - 1)
                     for a, m in zip(amounts, months)))


def instrument_costs(amounts, months, p_default: float, client_rate: float = CLIENT_RATE,
                     tariffs: dict = TARIFFS, code_risk: float = CODE_RISK) -> pd.DataFrame:
    """Полная цена каждого инструмента расчёта по сделке с этапами ``amounts`` (₽), выплачиваемыми
    через ``months`` месяцев после старта; ``p_default`` — вероятность, что клиент не заплатит за сданный этап;
    ``client_rate`` — годовая ставка клиента для цены его замороженных денег.

    Столбцы: ``fees`` — комиссии и разработка, ``frozen`` — цена замороженных денег клиента,
    ``risk`` — ожидаемый убыток (без обеспечения — неоплата самого крупного этапа; смарт-контракт — ошибка
    кода на всю сумму с вероятностью ``code_risk``), ``total`` — сумма. Индекс — коды ``OPTIONS``.
    """
    amounts, months = list(amounts), list(months)
    p = share(p_default, "Вероятность неоплаты")
    total_amount = float(sum(amounts))
    frozen = frozen_capital_cost(amounts, months, client_rate)
    esc, lc, sc = tariffs["bank_escrow"], tariffs["letter_of_credit"], tariffs["smart_contract"]
    rows = {
        "none": {"fees": 0.0, "frozen": 0.0, "risk": p * max(amounts)},
        "bank_escrow": {"fees": bank_fee(total_amount, esc["rate"], esc["minimum"]), "frozen": frozen, "risk": 0.0},
        "letter_of_credit": {"fees": bank_fee(total_amount, lc["open_rate"], lc["open_min"])
                             + sum(bank_fee(a, lc["pay_rate"], lc["pay_min"]) for a in amounts),
                             "frozen": frozen, "risk": 0.0},
        "smart_contract": {"fees": sc["development"] + sc["audit"] + sc["tx_fee"] * (len(amounts) + 1),
                           "frozen": frozen, "risk": share(code_risk, "Риск ошибки кода") * total_amount},
    }
    table = pd.DataFrame(rows).T
    table["total"] = table[["fees", "frozen", "risk"]].sum(axis=1)
    return table


#: Банковские инструменты: защищают одинаково, различаются тарифом.
BANK = ("bank_escrow", "letter_of_credit")


def breakeven_default(amounts, months, client_rate: float = CLIENT_RATE, tariffs: dict = TARIFFS) -> float:
    """Вероятность неоплаты p*, выше которой банковский инструмент дешевле оплаты без обеспечения.

    Без обеспечения ожидаемый убыток — p × крупнейший этап; у эскроу и аккредитива цена от p не зависит.
    Поэтому p* = (полная цена более дешёвого из них) / крупнейший этап. Решение: если ваша оценка
    вероятности неоплаты для клиента выше p* — банковский инструмент, ниже — оплата по актам без обеспечения.
    """
    costs = instrument_costs(amounts, months, 0.0, client_rate, tariffs)
    return float(costs.loc[list(BANK), "total"].min() / max(amounts))


def breakeven_table(amounts, profiles: dict, rates) -> pd.DataFrame:
    """Порог p* (``breakeven_default``) для нескольких профилей сделки и ставок клиента.

    ``profiles`` — {название профиля: месяцы выплаты этапов}; строки — ставки ``rates``, столбцы — профили.
    """
    rows = {float(r): {name: breakeven_default(amounts, months, r) for name, months in profiles.items()} for r in rates}
    return pd.DataFrame(rows).T


def cheapest(costs: pd.DataFrame) -> str:
    """Код самого дешёвого по полной цене инструмента из таблицы ``instrument_costs``."""
    require_columns(costs, ["total"], "costs", non_empty=True)
    return str(costs["total"].idxmin())


#: Виды решений: без обеспечения, банковский инструмент (эскроу или аккредитив), смарт-контракт.
KINDS = {"none": "без обеспечения", "bank": "банковский инструмент", "smart_contract": "смарт-контракт"}


def cheapest_kind(costs: pd.DataFrame) -> str:
    """Вид самого дешёвого инструмента: ``none``, ``bank`` (эскроу или аккредитив) или ``smart_contract``.

    Эскроу и аккредитив защищают одинаково и по цене различаются на тысячи рублей при сотнях
    тысяч цены заморозки: выбор между ними — вопрос тарифа конкретного банка, а не принципа.
    """
    best = cheapest(costs)
    return "bank" if best in BANK else best
