"""Warranty, service-contract and maintenance-plan coverages, and their end dates.

The shipped tables are data (``TermTable``): a group overrides them by passing its
own table. They are in miles; ``in_unit`` converts one for km rooftops.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

from dealerreach.model.dates import add_months
from dealerreach.model.mileage import Distance, date_reaching

ANY_MAKE = "*"
"""The make of a table row that applies to every make without a row of its own."""

KM_PER_MILE = Decimal("1.609344")


class Unit(StrEnum):
    MILES = "mi"
    KM = "km"


class CoverageKind(StrEnum):
    BASIC_WARRANTY = "basic_warranty"
    SERVICE_CONTRACT = "service_contract"
    MAINTENANCE_PLAN = "maintenance_plan"


@dataclass(frozen=True)
class MakeTerm:
    """Coverage for one make: years from the start date and a distance from 0."""

    make: str
    years: int
    distance: int


@dataclass(frozen=True)
class TermTable:
    unit: Unit
    rows: tuple[MakeTerm, ...]


@dataclass(frozen=True)
class Coverage:
    kind: CoverageKind
    start: date
    date_limit: date
    mile_limit: Distance | None
    """An odometer value in the rooftop's unit; None: no distance limit."""
    end: date


def _rows(years: int, distance: int, *makes: str) -> tuple[MakeTerm, ...]:
    return tuple(MakeTerm(make, years, distance) for make in makes)


BASIC_WARRANTY = TermTable(
    Unit.MILES,
    _rows(3, 36_000, "Toyota", "Lexus", "Honda", "Nissan", "Subaru", "Ford", "Chevrolet",
          "GMC", "Ram", "Jeep")
    + _rows(4, 50_000, "BMW", "Mercedes-Benz", "Audi", "Volkswagen", "Tesla")
    + _rows(5, 60_000, "Hyundai", "Kia")
    + _rows(3, 36_000, ANY_MAKE),
)
"""The shipped factory basic warranty, from the in-service date."""

OEM_MAINTENANCE_PLANS = TermTable(Unit.MILES, _rows(2, 25_000, "Toyota"))
"""The shipped OEM maintenance plans, from the in-service date. Other makes: none."""


def make_key(make: str) -> str:
    """How makes are matched: case-folded, letters and digits only ("Mercedes Benz")."""
    return "".join(ch for ch in make.casefold() if ch.isalnum())


def term_for_make(make: str, *, table: TermTable = BASIC_WARRANTY) -> MakeTerm | None:
    """The table's row for ``make``, else its ``ANY_MAKE`` row, else None."""
    key = make_key(make)
    rows = {make_key(row.make): row for row in table.rows if row.make != ANY_MAKE}
    fallback = next((row for row in table.rows if row.make == ANY_MAKE), None)
    return rows.get(key, fallback) if key else fallback


def in_unit(table: TermTable, *, unit: Unit) -> TermTable:
    """``table`` with distances converted to ``unit`` (1 mi = 1.609344 km), rounded
    half up to whole units. A table already in ``unit`` is returned unchanged."""
    if table.unit == unit:
        return table
    rows = tuple(replace(row, distance=_convert(row.distance, unit)) for row in table.rows)
    return TermTable(unit, rows)


def coverage_end(
    *,
    start: date,
    months: int,
    miles_limit: Distance | None,
    readings: Iterable[tuple[date, Distance]],
    default_annual: Distance,
) -> date:
    """The earlier of start + months and the date the projected odometer reaches
    ``miles_limit`` (an odometer value; None or never reached: the date limit)."""
    date_limit = add_months(start, months)
    if miles_limit is None:
        return date_limit
    by_miles = date_reaching(readings, miles=miles_limit, default_annual=default_annual)
    return date_limit if by_miles is None else min(date_limit, by_miles)


def build_coverage(
    kind: CoverageKind,
    *,
    start: date,
    months: int,
    mile_limit: Distance | None,
    readings: Iterable[tuple[date, Distance]],
    default_annual: Distance,
) -> Coverage:
    """A coverage with its end computed by ``coverage_end``."""
    end = coverage_end(start=start, months=months, miles_limit=mile_limit,
                       readings=readings, default_annual=default_annual)
    return Coverage(kind, start, add_months(start, months), mile_limit, end)


def basic_warranty(
    make: str,
    *,
    start: date,
    unit: Unit,
    readings: Iterable[tuple[date, Distance]],
    default_annual: Distance,
    table: TermTable = BASIC_WARRANTY,
) -> Coverage | None:
    """The factory basic warranty of ``make`` from ``start`` (the in-service date, else
    the earliest new-vehicle deal), its distance in ``unit``; None if ``table`` has no
    term for the make (the shipped table always has one)."""
    return _factory_coverage(make, kind=CoverageKind.BASIC_WARRANTY,
                             table=in_unit(table, unit=unit), start=start, readings=readings,
                             default_annual=default_annual)


def maintenance_plan(
    make: str,
    *,
    start: date,
    unit: Unit,
    readings: Iterable[tuple[date, Distance]],
    default_annual: Distance,
    table: TermTable = OEM_MAINTENANCE_PLANS,
) -> Coverage | None:
    """The OEM maintenance plan of ``make`` from ``start`` (as for the basic warranty),
    its distance in ``unit``; None if ``table`` has no plan for the make."""
    return _factory_coverage(make, kind=CoverageKind.MAINTENANCE_PLAN,
                             table=in_unit(table, unit=unit), start=start, readings=readings,
                             default_annual=default_annual)


def service_contract(
    *,
    deal_date: date,
    deal_odometer: Distance,
    months: int,
    miles: Distance | None,
    readings: Iterable[tuple[date, Distance]],
    default_annual: Distance,
) -> Coverage:
    """An extended service contract: months from the deal date, miles on top of the
    odometer at the deal (None: no distance limit)."""
    mile_limit = None if miles is None else Fraction(deal_odometer) + Fraction(miles)
    return build_coverage(CoverageKind.SERVICE_CONTRACT, start=deal_date, months=months,
                    mile_limit=mile_limit, readings=readings, default_annual=default_annual)


def is_in_force(item: Coverage, *, as_of: date) -> bool:
    """In force from its start through its end date, both included."""
    return item.start <= as_of <= item.end


def latest_coverage_end_in_force(coverages: Iterable[Coverage], *, as_of: date) -> date | None:
    """The end of the latest-ending coverage in force on ``as_of``; None if none is."""
    return max((c.end for c in coverages if is_in_force(c, as_of=as_of)), default=None)


def _factory_coverage(
    make: str,
    *,
    kind: CoverageKind,
    table: TermTable,
    start: date,
    readings: Iterable[tuple[date, Distance]],
    default_annual: Distance,
) -> Coverage | None:
    term = term_for_make(make, table=table)
    if term is None:
        return None
    return build_coverage(kind, start=start, months=term.years * 12, mile_limit=term.distance,
                          readings=readings, default_annual=default_annual)


def _convert(distance: int, unit: Unit) -> int:
    with localcontext(prec=28):
        value = distance * KM_PER_MILE if unit == Unit.KM else distance / KM_PER_MILE
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
