"""Odometer readings, the daily mileage rate and the projected odometer.

Readings are (date, odometer) pairs: the odometer at each deal and each RO of a VIN.
Distances are in the rooftop's unit (miles or km); rates and projections are exact
``Fraction``s so that "the first day the projection reaches a limit" has no rounding
edge. Callers drop readings dated after the as-of date before calling.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

Distance = int | Decimal | Fraction

MIN_SPAN_DAYS = 30
"""Readings must span at least this many days to give the rate; else the default is used."""


class Reading(NamedTuple):
    on: date
    odometer: Distance


def clean_readings(readings: Iterable[tuple[date, Distance]]) -> list[Reading]:
    """Readings ordered by date, without those below an earlier kept reading (typos).

    Readings on the same date are ordered by odometer, so both are kept. A reading
    equal to an earlier one is kept.
    """
    kept: list[Reading] = []
    for on, odometer in sorted(readings, key=lambda r: (r[0], r[1])):
        if not kept or odometer >= kept[-1].odometer:
            kept.append(Reading(on, odometer))
    return kept


def daily_rate(readings: Iterable[tuple[date, Distance]], *, default_annual: Distance) -> Fraction:
    """(last - first reading) / days between them, if they span 30 days or more;
    otherwise default_annual / 365. Readings are cleaned first."""
    kept = clean_readings(readings)
    if len(kept) >= 2:
        days = (kept[-1].on - kept[0].on).days
        if days >= MIN_SPAN_DAYS:
            return (Fraction(kept[-1].odometer) - Fraction(kept[0].odometer)) / days
    return _default_rate(default_annual)


def projected_odometer(
    readings: Iterable[tuple[date, Distance]], *, at: date, default_annual: Distance
) -> Fraction | None:
    """last reading + rate x days from it to ``at``; None without readings.

    The formula is applied as written for any ``at``, so a date before the last
    reading extrapolates backwards along the same rate.
    """
    kept = clean_readings(readings)
    if not kept:
        return None
    rate = daily_rate(kept, default_annual=default_annual)
    return Fraction(kept[-1].odometer) + rate * (at - kept[-1].on).days


def date_reaching(
    readings: Iterable[tuple[date, Distance]], *, miles: Distance, default_annual: Distance
) -> date | None:
    """The first date on which the odometer reaches ``miles`` (in the rooftop's unit).

    - A kept reading at or above the limit: the date of the first such reading.
    - Otherwise the first day on or after the last reading whose projection is at or
      above the limit.
    - None ("never") without readings, when the rate is 0 (the projection stays
      below the limit for ever), or when that day lies past the calendar's end.
    """
    kept = clean_readings(readings)
    limit = Fraction(miles)
    reached = next((r.on for r in kept if r.odometer >= limit), None)
    if reached is not None or not kept:
        return reached
    rate = daily_rate(kept, default_annual=default_annual)
    if rate <= 0:
        return None
    days = math.ceil((limit - Fraction(kept[-1].odometer)) / rate)
    try:
        return kept[-1].on + timedelta(days=days)
    except OverflowError:
        return None


def _default_rate(default_annual: Distance) -> Fraction:
    if default_annual < 0:
        raise ValueError(f"default_annual must not be negative, got {default_annual}")
    return Fraction(default_annual) / 365
