"""Odometer readings of a VIN, its daily rate and the projected odometer, as Ibis expressions.

PRODUCT.md "Mileage", as ``model.mileage``: readings are the odometer at every booked
deal and every RO of the VIN anywhere in the group (internal customers' ROs included),
ordered by (date, odometer); a reading below an earlier one is a typo and is dropped.
The rate is (last − first kept reading) / days between them when they span at least
``min_reading_span_days``; otherwise the default annual distance of the home rooftop's
unit / 365.

The rate stays an exact fraction ``_rate_num / _rate_den`` (distance per day), so a
projection is the fraction (last × den + num × days) / den and every boundary that
depends on it is decided with integers.
"""

from __future__ import annotations

from datetime import date

import ibis
from ibis.expr.types import BooleanValue, DateValue, IntegerValue

from dealerreach.features.config import RuleConfig
from dealerreach.features.dates import add_days, days_between, lit
from dealerreach.features.inputs import Inputs
from dealerreach.features.staging import settled


def readings(inputs: Inputs) -> ibis.Table:
    """Every odometer reading: vin, on (date), odometer (int64), from deals and ROs."""
    d, r = inputs.deals, inputs.repair_orders
    deals = d.filter(d.vin.notnull() & d.odometer.notnull()).select(
        vin=d.vin, on=d.deal_date, odometer=d.odometer.cast("int64"))
    ros = r.filter(r.vin.notnull() & r.odometer.notnull()).select(
        vin=r.vin, on=r.open_date, odometer=r.odometer.cast("int64"))
    return deals.union(ros, distinct=False)


def kept_readings(inputs: Inputs) -> ibis.Table:
    """Readings not below any earlier one (ordered by date, then odometer).

    Kept readings never decrease, so "not below the last kept reading" (the model's
    greedy rule) is "not below the running maximum": a reading is kept when it equals
    the maximum of itself and every reading before it. Internal customers' ROs count
    too (docs/rules.md, Mileage). ``inputs.kept_readings`` holds them when staged.
    """
    if inputs.kept_readings is not None:
        return inputs.kept_readings
    all_readings = readings(inputs)
    window = ibis.cumulative_window(group_by=all_readings.vin,
                                    order_by=[all_readings.on, all_readings.odometer])
    marked = all_readings.mutate(_running_max=all_readings.odometer.max().over(window))
    return marked.filter(marked.odometer >= marked._running_max).drop("_running_max")


def reading_summary(inputs: Inputs) -> ibis.Table:
    """Per VIN: first and last kept reading (date, odometer) and how many were kept.

    Kept readings never decrease, so the first is the smallest and the last the largest.
    """
    kept = kept_readings(inputs)
    return kept.group_by("vin").agg(
        first_reading_date=kept.on.min(), last_reading_date=kept.on.max(),
        first_reading=kept.odometer.min().cast("int64"),
        last_reading=kept.odometer.max().cast("int64"),
        reading_count=kept.count().cast("int64"))


def default_annual(opps: ibis.Table, *, config: RuleConfig) -> IntegerValue:
    """The configured annual distance in the home rooftop's unit."""
    return ibis.ifelse(opps.distance_unit == "km", config.default_annual_km,
                       config.default_annual_miles).cast("int64")


def add_mileage(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> ibis.Table:
    """``opps`` (with the ``reading_summary`` columns joined by VIN) plus ``daily_rate``,
    ``projected_odometer`` (at D, half up) and the exact rate ``_rate_num`` /
    ``_rate_den`` (distance per day); reading_count 0 without readings."""
    span = days_between(opps.first_reading_date, opps.last_reading_date)
    measured = (span >= config.min_reading_span_days).fill_null(False)
    opps = settled(opps.mutate(
        reading_count=opps.reading_count.fill_null(0),
        _rate_num=ibis.ifelse(measured, opps.last_reading - opps.first_reading,
                              default_annual(opps, config=config)).cast("int64"),
        _rate_den=ibis.ifelse(measured, span, 365).cast("int64")))
    return opps.mutate(
        daily_rate=opps._rate_num.cast("float64") / opps._rate_den,
        projected_odometer=half_up(projection(opps, at=lit(as_of)), opps._rate_den))


def projection(opps: ibis.Table, *, at: DateValue) -> IntegerValue:
    """The numerator p of the projected odometer at ``at`` as the fraction p / _rate_den.

    last reading + rate × days since it; a date before the last reading projects to the
    last reading (no backwards extrapolation). Null without readings.
    """
    days = days_between(opps.last_reading_date, at)
    days = ibis.ifelse(days < 0, 0, days)
    return opps.last_reading * opps._rate_den + opps._rate_num * days


def half_up(p: IntegerValue, q: IntegerValue) -> IntegerValue:
    """p / q rounded half up, for p ≥ 0 and q > 0: (2p + q) // (2q)."""
    return ((2 * p + q) // (2 * q)).cast("int64")


def ceil_div(p: IntegerValue, q: IntegerValue) -> IntegerValue:
    """⌈p / q⌉ for p ≥ 0 and q > 0."""
    return ((p + q - 1) // q).cast("int64")


def days_to_limit(table: ibis.Table, *, limit: IntegerValue,
                  date_limit: DateValue) -> IntegerValue:
    """Days from the last reading to the first day the projection reaches ``limit``:
    ⌈(limit − last) × den / num⌉, capped just past ``date_limit`` (a later day cannot
    end the coverage, and no date overflows). Null at rate 0 or without readings; only
    meaningful while the last reading is below the limit."""
    remaining = (limit - table.last_reading) * table._rate_den
    cap = days_between(table.last_reading_date, date_limit)
    cap = ibis.ifelse(cap < 0, 0, cap) + 1
    days = ceil_div(remaining, ibis.ifelse(table._rate_num > 0, table._rate_num, 1))
    days = ibis.ifelse(days > cap, cap, days)
    return ibis.ifelse(table._rate_num > 0, days, ibis.null("int64")).cast("int64")


def date_reaching(table: ibis.Table, *, limit: IntegerValue, first_at_limit: DateValue,
                  days: IntegerValue, date_limit: DateValue) -> DateValue:
    """The end of a coverage (``model.warranty.coverage_end``): the earlier of
    ``date_limit`` and the first day the odometer reaches ``limit``.

    That day is ``first_at_limit``, the date of the first kept reading at or above the
    limit, else the last reading's date + ``days`` (``days_to_limit``); never at rate 0
    or without readings. A null limit: by date only. Null when ``date_limit`` is (no
    such coverage).
    """
    reached = first_at_limit.fill_null(add_days(table.last_reading_date, days))
    by_miles = ibis.ifelse(limit.isnull(), ibis.null("date"), reached)
    return ibis.ifelse(date_limit.isnull(), ibis.null("date"), earlier(date_limit, by_miles))


def earlier(a: DateValue, b: DateValue) -> DateValue:
    """The earlier of two dates, a null counting as "never" (null only if both are)."""
    a_first: BooleanValue = b.isnull() | (a <= b)
    return ibis.ifelse(a.notnull() & a_first.fill_null(False), a, b)
