"""Состояние генерации: что шаги передают друг другу.

Внутри генератора всё — массивы numpy: категории хранятся кодами (номер значения в
списке из :mod:`salesbook.data.schemas`), даты — номерами дней (:mod:`.dates`), ссылки —
номерами строк; идентификаторы лидов, сделок и компаний — :class:`~.arrays.IdRange`
(строятся по номеру, когда нужны). Каждое поле :class:`Context` записывает ровно один шаг (см. ``writes``
в :mod:`.steps`), пока он не отработал, поле равно ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from salesbook.data.generator.arrays import IdRange
from salesbook.data.generator.frames import DeferredTable

Array = np.ndarray


@dataclass
class Reps:
    """Сотрудники продаж и CS, по элементу на человека в порядке таблицы reps."""

    ids: Array
    names: Array
    role: Array       # строки из schemas.ROLES
    team: Array       # сегмент команды, "" — без команды
    hire: Array       # день найма
    exit: Array       # день ухода или NA
    anchor: Array     # «ядро»: первые сотрудники роли, не увольняются
    base: Array       # оклад в месяц, ₽
    ramp: Array       # месяцев до полной продуктивности
    skill: Array      # «талант» (добавка к логиту)
    hist_rep: Array   # история окладов: номер сотрудника,
    hist_day: Array   # день, с которого действует оклад,
    hist_base: Array  # оклад в месяц, ₽ (первая запись — при найме)
    hire_rec: Array   # дата найма в кадровом учёте и в таблице reps — рабочий день (≥ hire)
    exit_rec: Array   # дата увольнения в учёте — рабочий день (≤ exit) или NA


@dataclass
class Spend:
    """Маркетинговый бюджет, ₽: месяцы × каналы (schemas.B2B_CHANNELS / B2C_CHANNELS)."""

    b2b: Array
    b2c: Array


@dataclass
class Leads:
    """B2B-лиды до работы SDR, по элементу на лид в порядке даты создания."""

    ids: IdRange
    day: Array
    ch: Array         # код канала (schemas.LEAD_CHANNELS)
    chn: Array        # название канала
    is_out: Array     # исходящий лид (outbound)
    seg: Array
    ind: Array
    title: Array
    emp: Array        # сотрудников — до объединения лидов в компании (см. Accounts.emp)
    region: Array
    q: Array          # скрытое «намерение» лида
    fit: Array        # соответствие ICP (добавка к логиту)
    visits: Array
    pages: Array
    downloads: Array
    webinar: Array
    demo: Array
    opens: Array
    trial: Array      # малый бизнес: лид — регистрация пробного периода на сайте (без SDR)


@dataclass
class LeadScores:
    """Что о лиде нужно шагам после таблиц сделок и лидов: скрытые признаки, по номеру лида.

    Отдельное поле, а не :class:`Leads`: все его массивы (на масштабе 100 — около 300 МБ)
    освобождаются, как только построены таблицы, а эти два живут до последнего читателя.
    """

    q: Array          # скрытое «намерение» лида (как Leads.q)
    fit: Array        # соответствие ICP (как Leads.fit)


@dataclass
class Funnel:
    """Итог работы SDR/BDR по каждому лиду."""

    sdr: Array        # сотрудник, −1 — лид не брали в работу
    mql_day: Array
    sql_day: Array
    status: Array
    reason: Array     # причина дисквалификации или None
    opp_day: Array    # день создания сделки или NA


@dataclass
class SqlMeetings:
    """Квалификационные встречи SDR/BDR — то, что о воронке нужно шагам после таблиц лидов (премии SDR).

    Те же массивы, что в :class:`Funnel` (не копии): остальное поле воронки освобождается раньше.
    """

    sdr: Array        # как Funnel.sdr
    sql_day: Array    # как Funnel.sql_day


#: Типы активностей внутри генератора: код — позиция в кортеже; первые четыре — касания цепочки.
ACTIVITY_CODES = ("call", "email", "telegram", "whatsapp", "meeting")
CALL, EMAIL, TELEGRAM, WHATSAPP, MEETING = range(len(ACTIVITY_CODES))


@dataclass
class LeadTouches:
    """Касания SDR/BDR по лидам (будущие строки таблицы activities)."""

    lead: Array
    rep: Array
    day: Array
    type: Array       # код из ACTIVITY_CODES
    touch: Array      # номер касания в цепочке, −1 — встреча
    opener: Array     # код начала холодного звонка или −1
    tmpl: Array       # код шаблона письма или −1
    outcome: Array    # код из schemas.ALL_ACTIVITY_OUTCOMES
    dur: Array        # длительность звонка, с; −1 — не звонок


@dataclass
class Opportunities:
    """Сделки, по элементу на сделку в порядке даты создания."""

    ids: IdRange
    li: Array         # номер лида сделки
    of_lead: Array    # для каждого лида — номер его сделки или −1
    created: Array
    close: Array      # день закрытия (может быть после конца данных — тогда сделка открыта)
    is_closed: Array
    seg: Array
    owner: Array
    se: Array         # пресейл (SE) или −1
    won: Array
    outcome: Array    # код schemas.OUTCOMES
    cur: Array        # текущая стадия (код schemas.STAGES)
    d: Array          # скрытое «качество сделки»
    last_open: Array  # последняя открытая стадия, до которой дошла сделка
    entered: Array    # сделки × 4 стадии: день входа
    visible: Array    # сделки × 4 стадии: вход в стадию виден в данных
    ramp: Array
    seat_noise: Array
    price: Array      # цена места в месяц по прайсу, ₽
    disc: Array
    comp: Array       # код конкурента или −1
    replaced: Array   # код системы, с которой клиент уходит, или −1 (почта, таблицы)
    meddic: Array     # сделки × 6 элементов MEDDIC: 0, 1, 2 — итоговая запись
    meddic_stages: Array  # сделки × 4 стадии × 6 элементов: запись на входе в стадию
    notes: Array
    loss_reason: Array


@dataclass
class DealResults:
    """Что о сделках нужно шагам после MRR клиентов: кто и когда закрыл, выиграна ли, скрытое качество.

    Те же массивы, что в :class:`Opportunities` (не копии): сделки целиком (с MEDDIC по стадиям — на
    масштабе 100 около 180 МБ) освобождаются после MRR, эти живут до последнего читателя.
    """

    ids: IdRange
    owner: Array
    se: Array
    won: Array
    is_closed: Array
    close: Array
    d: Array


@dataclass
class DealTouches:
    """Встречи, письма и звонки AE/SE по сделкам (будущие строки таблицы activities)."""

    opp: Array
    rep: Array
    day: Array
    type: Array       # код из ACTIVITY_CODES
    outcome: Array    # код из schemas.ALL_ACTIVITY_OUTCOMES
    dur: Array


@dataclass
class Accounts:
    """Компании: лиды одной компании объединены, повторная сделка клиента — допродажа."""

    ids: IdRange
    seg: Array
    ind: Array
    emp: Array
    region: Array
    of_lead: Array    # для каждого лида — номер его компании
    upsell: Array     # для каждой сделки — допродажа действующему клиенту


@dataclass
class DealSizes:
    """Размер сделок (зависит от компании, поэтому считается после Accounts)."""

    seats: Array
    amount: Array     # годовая сумма контракта (ACV), ₽


@dataclass
class AccountDates:
    """Когда компания стала клиентом и когда ушла (NA — не стала / не ушла)."""

    since: Array
    churned: Array


@dataclass
class CustomerMonths:
    """Помесячная история клиентов B2B, суммы в копейках; порядок — месяц, компания."""

    m: Array
    c: Array          # номер клиента внутри шага
    acc: Array
    seg: Array
    mrr: Array
    new: Array
    exp: Array
    con: Array
    churn: Array
    seats: Array
    h: Array          # «здоровье» клиента
    t: Array          # месяц жизни клиента (0 — первый)
    churned: Array    # ушёл в этом месяце
    # составляющие расширения, коп.: места, старший тариф (модуль), индексация, сделка допродажи
    exp_seats: Array
    exp_upgrade: Array
    exp_index: Array
    exp_deal: Array
    seats_added: Array    # места, докупленные без сделки
    deal_seats: Array     # места сделки допродажи
    seats_removed: Array  # места, снятые сокращением


@dataclass
class Purchases:
    """Покупки B2C (для себестоимости: выручка и комиссии магазинов и эквайринга по месяцам)."""

    user: Array
    day: Array
    prod: Array
    amount: Array
    plat: Array
    pay: Array        # способ оплаты (schemas.B2C_PAYMENT_CHANNELS)


@dataclass
class Context:
    """Всё, что шаги генерации передают друг другу."""

    scale: float
    tables: dict[str, pd.DataFrame | DeferredTable] = field(default_factory=dict)   # большие — компактно (frames.py)
    reps: Reps | None = None
    spend: Spend | None = None
    leads: Leads | None = None
    lead_scores: LeadScores | None = None
    funnel: Funnel | None = None
    sql_meetings: SqlMeetings | None = None
    lead_touches: LeadTouches | None = None
    opps: Opportunities | None = None
    deal_results: DealResults | None = None
    deal_touches: DealTouches | None = None
    accounts: Accounts | None = None
    deal_sizes: DealSizes | None = None
    account_dates: AccountDates | None = None
    customer_months: CustomerMonths | None = None
    purchases: Purchases | None = None

    def has(self, name: str) -> bool:
        """Записано ли поле ``name`` или таблица ``tables.<name>``."""
        if name.startswith("tables."):
            return name.removeprefix("tables.") in self.tables
        return getattr(self, name) is not None
