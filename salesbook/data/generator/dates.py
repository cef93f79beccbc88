"""Календарь генератора: дни и месяцы как целые числа.

День 0 — ``START_DATE`` (1 января 2023 года), месяц 0 — январь 2023 года. Внутри генератора
даты — целочисленные массивы numpy; в строки ГГГГ-ММ-ДД их превращает :func:`fmt_days`
только при сборке таблиц.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.params import company

START = np.datetime64(company.START_DATE, "D")
START_M = np.datetime64(company.START_DATE[:7], "M")
N_DAYS = int((np.datetime64(company.END_DATE, "D") - START).astype(int)) + 1
END_DAY = N_DAYS - 1
NA = -(10 ** 6)  # «нет даты» во внутренних целочисленных массивах дней


def month_start(m):
    """Номер дня начала месяца m (0 = январь 2023)."""
    return ((START_M + np.asarray(m)).astype("datetime64[D]") - START).astype(np.int64)


def month_of(days):
    """Номер месяца для номеров дней."""
    d = START + np.asarray(days).astype("timedelta64[D]")
    return (d.astype("datetime64[M]") - START_M).astype(np.int64)


def day_of(text: str) -> int:
    """Номер дня для даты ``ГГГГ-ММ-ДД``."""
    return int((np.datetime64(text, "D") - START).astype(np.int64))


MONTH_START = month_start(np.arange(company.N_MONTHS + 1))
MONTH_LEN = np.diff(MONTH_START)
MONTH_END = MONTH_START[1:] - 1


def weekday(days):
    """День недели: 0 — понедельник (2023-01-01 — воскресенье)."""
    return (np.asarray(days) + 6) % 7


def to_workday(days):
    """Субботу и воскресенье перенести на следующий понедельник (календарь симуляции)."""
    days = np.asarray(days)
    wd = weekday(days)
    return days + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))


#: Нерабочие праздничные дни ``company.HOLIDAYS`` за годы данных и по году до и после них.
HOLIDAY_DATES = np.array([f"{y}-{m:02d}-{d:02d}"
                          for y in range(int(company.START_DATE[:4]) - 1, int(company.END_DATE[:4]) + 2)
                          for m, days in company.HOLIDAYS.items() for d in days], dtype="datetime64[D]")


def _as_dates(days):
    return START + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")


def add_workdays(days, n=0):
    """Рабочий день через ``n`` рабочих дней после ``days`` (без суббот, воскресений и праздников);
    при n = 0 — сам день, если он рабочий, иначе следующий рабочий. ``NA`` остаётся ``NA``."""
    days = np.asarray(days, dtype=np.int64)
    moved = np.busday_offset(_as_dates(days), n, roll="forward", holidays=HOLIDAY_DATES) - START
    return np.where(days == NA, NA, moved.astype(np.int64))


def to_working_day_back(days):
    """Рабочий день не позже ``days``: выходной или праздник — предыдущий рабочий день."""
    days = np.asarray(days, dtype=np.int64)
    moved = np.busday_offset(_as_dates(days), 0, roll="backward", holidays=HOLIDAY_DATES) - START
    return np.where(days == NA, NA, moved.astype(np.int64))


#: Доля рабочих дней в календарной неделе: срок в календарных днях → срок в рабочих днях.
WORKDAY_SHARE = 5 / 7


def after(days, calendar_days):
    """Рабочий день через срок ``calendar_days`` (в календарных днях), отсчитанный по рабочим дням.

    Срок переводится в рабочие дни (× 5/7) и откладывается от ``days`` по рабочему календарю.
    Так события распределяются по будням равномерно: если бы к дате прибавлялись календарные
    дни, а выходной переносился на понедельник, понедельник собирал бы события трёх дней.
    """
    span = np.rint(np.asarray(calendar_days, dtype=float) * WORKDAY_SHARE).astype(np.int64)
    return add_workdays(days, span)


def to_working_day(days):
    """День записи события продаж в таблицу: выходной или праздник — следующий рабочий день."""
    return add_workdays(days)


def workdays_between(first, last):
    """Число рабочих дней с ``first`` по ``last`` включительно."""
    return np.busday_count(_as_dates(first), _as_dates(last) + 1, holidays=HOLIDAY_DATES)


def b2b_day_weights() -> np.ndarray:
    """Вес каждого дня для дат B2B-лидов: будни — 1, выходные и праздники — почти ноль."""
    day = pd.DatetimeIndex(_as_dates(np.arange(N_DAYS)))
    w = np.where(weekday(np.arange(N_DAYS)) < 5, 1.0, company.WEEKEND_WEIGHT)
    bridge = (day.month == 5) & day.day.isin(company.MAY_BRIDGE_DAYS)
    w[day.isin(HOLIDAY_DATES) | bridge] = company.HOLIDAY_WEIGHT
    return w


def growth(m, rate):
    """Множитель роста к месяцу m при годовом темпе ``rate``."""
    return (1 + rate) ** (np.asarray(m) / 12.0)


def sample_days_in_month(rng, m, n, weights):
    """n дней месяца m с весами дней ``weights``."""
    lo, hi = MONTH_START[m], MONTH_START[m + 1]
    w = weights[lo:hi]
    c = np.cumsum(w) / w.sum()
    return lo + np.searchsorted(c, rng.random(n), side="right").clip(0, hi - lo - 1)


def fmt_days(days):
    """Номера дней → строки ГГГГ-ММ-ДД (``NA`` → пустая строка).

    Каждый день форматируется один раз, и все его строки в столбце — один и тот же объект:
    столбец дат в десятки миллионов строк занимает по указателю на строку, а не по строке
    Python на каждую (так генератор большого масштаба укладывается в память)."""
    days = np.asarray(days, dtype=np.int64)
    na = days == NA
    known = days[~na]
    if len(known) == 0:
        return np.full(days.shape, "", dtype=object)
    lo, hi = int(known.min()), int(known.max())
    if hi - lo <= 2 * len(known) + 10_000:   # дни плотные (обычный случай): справочник на весь отрезок
        table = np.arange(lo, hi + 1)
        pos = days - lo
    else:                                    # редкие далёкие дни — справочник только на встреченные
        table, inverse = np.unique(known, return_inverse=True)
        pos = np.zeros(days.shape, dtype=np.int64)
        pos[~na] = inverse
    text = np.datetime_as_string(START + table.astype("timedelta64[D]"), unit="D").astype(object)
    out = text[np.where(na, 0, pos)]
    out[na] = ""
    return out


def month_str(m):
    """Номера месяцев → строки с первым днём месяца."""
    return fmt_days(MONTH_START[np.asarray(m)])


def parse_days(col: pd.Series) -> np.ndarray:
    """Столбец дат-строк готовой таблицы → номера дней (пусто → ``NA``)."""
    s = pd.to_datetime(col.replace("", np.nan))
    out = (s.to_numpy().astype("datetime64[D]") - START).astype("timedelta64[D]").astype(np.int64)
    return np.where(s.isna().to_numpy(), NA, out)
