"""Calendar rules: adding months, "in the last N months/days" and "within [a, b]".

Every window in the product's rules is built from these four functions, so their
boundary conventions are the product's conventions (see docs/rules.md).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` calendar months (``n`` may be negative).

    The day is clamped to the last day of the target month: Jan 31 + 1 month is
    Feb 29 in a leap year and Feb 28 otherwise. Clamping loses the original day, so a
    series of dates (due dates, say) must each be computed from the same start,
    never by adding one month to the previous date.
    """
    months = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(months, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return d.replace(year=year, month=month0 + 1, day=min(d.day, last_day))


def in_last_months(d: date, *, as_of: date, months: int) -> bool:
    """Is ``d`` in (as_of - months, as_of]?  The start is excluded, as_of included."""
    _check_not_negative(months, "months")
    return add_months(as_of, -months) < d <= as_of


def in_last_days(d: date, *, as_of: date, days: int) -> bool:
    """Is ``d`` in (as_of - days, as_of]?  The start is excluded, as_of included."""
    _check_not_negative(days, "days")
    return as_of - timedelta(days=days) < d <= as_of


def within(d: date, lo: date, hi: date) -> bool:
    """Is ``d`` within [lo, hi], both ends included?"""
    return lo <= d <= hi


def _check_not_negative(value: int, name: str) -> None:
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
