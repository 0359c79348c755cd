"""Calendar arithmetic as Ibis expressions that every engine runs the same way.

Engines disagree on interval arithmetic with a column of months (and Spark has none),
so months are added by hand: year and month from a month count, the day clamped to
the target month's end (Jan 31 + 1 month = Feb 28 or 29), as ``model.dates.add_months``.
"""

from __future__ import annotations

from datetime import date

import ibis
from ibis.expr.types import DateValue, IntegerValue

_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_leap(year: IntegerValue) -> ibis.expr.types.BooleanValue:
    return ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)


def days_in_month(year: IntegerValue, month: IntegerValue) -> IntegerValue:
    days = ibis.cases(*((month == i + 1, n) for i, n in enumerate(_DAYS)), else_=31)
    return ibis.ifelse((month == 2) & _is_leap(year), 29, days).cast("int64")


def month_index(d: DateValue) -> IntegerValue:
    """Months since year 0: year * 12 + month - 1 (differences are calendar months)."""
    return d.year().cast("int64") * 12 + d.month().cast("int64") - 1


def add_months(d: DateValue, months: IntegerValue | int) -> DateValue:
    """``d`` + ``months`` calendar months, the day clamped to the month's end (null-safe)."""
    total = month_index(d) + months
    year = (total // 12).cast("int64")
    month = (total % 12 + 1).cast("int64")
    day = ibis.least(d.day().cast("int64"), days_in_month(year, month))
    return ibis.date(year, month, day)


def add_days(d: DateValue, days: IntegerValue | int) -> DateValue:
    if isinstance(days, int):
        return d + ibis.interval(days=days)
    return d + days.cast("int64").as_interval("D")


def days_between(start: DateValue, end: DateValue) -> IntegerValue:
    """Whole days from ``start`` to ``end`` (negative when end is earlier)."""
    return end.delta(start, unit="day").cast("int64")


def lit(d: date) -> DateValue:
    return ibis.literal(d, type="date")
