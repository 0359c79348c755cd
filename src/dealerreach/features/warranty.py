"""Basic warranty, service contract and maintenance plans of an opportunity (Ibis).

PRODUCT.md "Warranty", as ``model.warranty``. A coverage ends at the earlier of its
date limit (start + months, day clamped) and the first day the odometer reaches its
limit: the date of the first kept reading at or above it, else the first day the
projection is at or above it (never at rate 0). It is in force on every day from its
start through its end.

- Basic warranty: from the vehicle's in-service date, else the date of the VIN's
  earliest new-vehicle deal in the group; years and miles from
  ``config.basic_warranty`` by make.
- Service contract: the opportunity's deal's service_contract_months from the deal
  date, and service_contract_miles on top of the deal odometer.
- Maintenance plan: the deal's prepaid plan (maintenance_plan_months / _miles, from the
  deal date and odometer) and the make's OEM plan (``config.maintenance_plans``, from
  the basic warranty's start).

The configured tables are in miles; a km rooftop gets each distance × 1.609344, rounded
half up to whole km. Makes match case-insensitively on letters and digits only; "*" is
the row for any other make.

Coverages are computed as rows (one per opportunity and coverage) so every rule is
written once, then turned back into columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import ibis
from ibis.expr.types import BooleanValue, DateValue, IntegerValue, StringValue

from dealerreach.features.config import MakeTermSetting, RuleConfig
from dealerreach.features.dates import add_months, lit
from dealerreach.features.inputs import Inputs
from dealerreach.features.mileage import date_reaching, days_to_limit, kept_readings
from dealerreach.features.staging import settled

ANY_MAKE = "*"
KM_PER_MILE = Decimal("1.609344")
BASIC_WARRANTY = "basic_warranty"
SERVICE_CONTRACT = "service_contract"
MAINTENANCE_PLAN = "maintenance_plan"
DEAL_PLAN = "deal_maintenance_plan"
OEM_PLAN = "oem_maintenance_plan"
KIND = {BASIC_WARRANTY: BASIC_WARRANTY, SERVICE_CONTRACT: SERVICE_CONTRACT,
        DEAL_PLAN: MAINTENANCE_PLAN, OEM_PLAN: MAINTENANCE_PLAN}
"""Each coverage row and the kind it reports as."""
ALERT_COVERAGES = (BASIC_WARRANTY, SERVICE_CONTRACT)
"""The kinds PRODUCT.md counts for the Warranty Alert ("Coverages: the factory basic
warranty … and the extended service contract"), in tie-break order. A prepaid
maintenance plan is not a warranty."""
READING_COLUMNS = ("last_reading", "last_reading_date", "_rate_num", "_rate_den")


def make_key_text(make: str) -> str:
    """A configured make as the engines compare it: lower case, a–z and 0–9 only."""
    return re.sub(r"[^a-z0-9]", "", make.lower())


def make_key(make: StringValue) -> StringValue:
    """The vehicle's make as ``make_key_text`` does it, in the engine."""
    return make.lower().re_replace(r"[^a-z0-9]", "").fill_null("")


def km(miles: int) -> int:
    """Miles to whole km, half up (36,000 mi → 57,936 km)."""
    return int((miles * KM_PER_MILE).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _by_make(key: StringValue, value: dict[str, int]) -> IntegerValue:
    """``value`` of the make's row, else of the "*" row, else null."""
    cases = [(key == make_key_text(make), v) for make, v in value.items()
             if make != ANY_MAKE and make_key_text(make)]
    default = ibis.literal(value.get(ANY_MAKE), type="int64")
    return (ibis.cases(*cases, else_=default) if cases else default).cast("int64")


def table_term(opps: ibis.Table, rows: Sequence[MakeTermSetting]
               ) -> tuple[IntegerValue, IntegerValue]:
    """(months, distance in the home rooftop's unit) of the make's row; nulls if none.
    The first row of a make wins."""
    unique: dict[str, MakeTermSetting] = {}
    for row in rows:
        unique.setdefault(row.make, row)
    key = make_key(opps.make)
    months = _by_make(key, {m: r.years * 12 for m, r in unique.items()})
    miles = _by_make(key, {m: r.miles for m, r in unique.items()})
    kms = _by_make(key, {m: km(r.miles) for m, r in unique.items()})
    return months, ibis.ifelse(opps.distance_unit == "km", kms, miles).cast("int64")


def earliest_new_deals(inputs: Inputs) -> ibis.Table:
    """Per VIN: the date of its earliest new-vehicle deal in the group."""
    d = inputs.deals
    new = d.filter(d.vehicle_condition == "new")
    return new.group_by("vin").agg(_first_new_deal_date=new.deal_date.min())


def coverage_rows(opps: ibis.Table, *, config: RuleConfig) -> ibis.Table:
    """One row per opportunity and coverage that exists: vin, coverage, start, months and
    mile_limit (an odometer value; null: no distance limit), with the reading columns.
    ``opps`` has ``_first_new_deal_date`` (``earliest_new_deals``) joined by VIN."""
    start = opps.in_service_date.fill_null(opps._first_new_deal_date)
    basic_months, basic_limit = table_term(opps, config.basic_warranty)
    oem_months, oem_limit = table_term(opps, config.maintenance_plans)
    specs = [(BASIC_WARRANTY, start, basic_months, basic_limit),
             (SERVICE_CONTRACT, opps.deal_date, opps.service_contract_months,
              opps.deal_odometer + opps.service_contract_miles),
             (DEAL_PLAN, opps.deal_date, opps.maintenance_plan_months,
              opps.deal_odometer + opps.maintenance_plan_miles),
             (OEM_PLAN, start, oem_months, oem_limit)]
    parts = [opps.select("vin", *READING_COLUMNS, coverage=ibis.literal(name),
                         start=s.cast("date"), months=m.cast("int64"),
                         mile_limit=lim.cast("int64"))
             for name, s, m, lim in specs]
    rows = ibis.union(*parts, distinct=False)
    return rows.filter(rows.start.notnull() & rows.months.notnull())


def first_at_limit(rows: ibis.Table, inputs: Inputs) -> ibis.Table:
    """Per coverage row: the date of the first kept reading at or above its limit."""
    kept = kept_readings(inputs)
    wanted = rows.select(_vin=rows.vin, _coverage=rows.coverage, _limit=rows.mile_limit)
    joined = wanted.join(kept, (wanted._vin == kept.vin) & (kept.odometer >= wanted._limit))
    return joined.group_by(vin=joined._vin, coverage=joined._coverage).agg(
        at_limit=joined.on.min())


def coverage_ends(opps: ibis.Table, inputs: Inputs, *, as_of: date,
                  config: RuleConfig) -> ibis.Table:
    """Coverage rows with their date limit, end and whether they are in force on D."""
    rows = coverage_rows(opps, config=config)
    rows = settled(rows.mutate(date_limit=add_months(rows.start, rows.months)))
    rows = rows.left_join(first_at_limit(rows, inputs), ["vin", "coverage"]).select(
        ~ibis.selectors.endswith("_right"))
    rows = settled(rows.mutate(days=days_to_limit(rows, limit=rows.mile_limit,
                                                  date_limit=rows.date_limit)))
    rows = settled(rows.mutate(end=date_reaching(
        rows, limit=rows.mile_limit, first_at_limit=rows.at_limit, days=rows.days,
        date_limit=rows.date_limit)))
    return rows.mutate(in_force=in_force(rows.start, rows.end, as_of=as_of))


def in_force(start: DateValue, end: DateValue, *, as_of: date) -> BooleanValue:
    """start ≤ D ≤ end (false when either is unknown)."""
    return ((start <= lit(as_of)) & (lit(as_of) <= end)).fill_null(False)


def coverage_columns(rows: ibis.Table) -> ibis.Table:
    """Per VIN: each coverage's end, the maintenance plan's (the later of the deal's and
    the OEM's), whether a plan is in force, and the latest end of an ``ALERT_COVERAGES``
    coverage in force (``coverage_end_date``) and, per alert kind, the end of the one in
    force (``_<kind>_in_force_end``) to tell which kind that is."""
    kind = rows.coverage.cases(*KIND.items())
    alert = kind.isin(ALERT_COVERAGES) & rows.in_force
    return rows.group_by("vin").agg(
        _basic_start=rows.start.max(where=rows.coverage == BASIC_WARRANTY),
        basic_warranty_end=rows.end.max(where=rows.coverage == BASIC_WARRANTY),
        service_contract_end=rows.end.max(where=rows.coverage == SERVICE_CONTRACT),
        maintenance_plan_end=rows.end.max(where=kind == MAINTENANCE_PLAN),
        _plans_in_force=rows.count(where=(kind == MAINTENANCE_PLAN) & rows.in_force),
        coverage_end_date=rows.end.max(where=alert),
        **{f"_{k}_in_force_end": rows.end.max(where=(kind == k) & rows.in_force)
           for k in ALERT_COVERAGES})


def add_warranty(opps: ibis.Table, inputs: Inputs, *, as_of: date,
                 config: RuleConfig) -> ibis.Table:
    """``opps`` (with mileage columns and ``_first_new_deal_date``) plus
    basic_warranty_end, service_contract_end, maintenance_plan_end,
    maintenance_plan_active, coverage_end_date, coverage_end_kind (the first of
    ``ALERT_COVERAGES`` ending on coverage_end_date) and ``_basic_start``."""
    opps = settled(opps)
    columns = coverage_columns(coverage_ends(opps, inputs, as_of=as_of, config=config))
    opps = opps.left_join(columns, "vin").select(~ibis.selectors.endswith("_right"))
    kind = ibis.cases(*((opps[f"_{k}_in_force_end"] == opps.coverage_end_date, k)
                        for k in ALERT_COVERAGES), else_=ibis.null("string"))
    return opps.mutate(
        maintenance_plan_active=(opps._plans_in_force > 0).fill_null(False),
        coverage_end_kind=kind,
    ).drop("_plans_in_force", "_first_new_deal_date",
           *(f"_{k}_in_force_end" for k in ALERT_COVERAGES))
