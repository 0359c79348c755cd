"""The synthetic demo dealer group: ten years of DMS history as canonical CSV files.

``generate_group`` writes one customer at a time, with that customer's vehicles, deals,
repair orders, lines and leads, straight to disk, so memory stays flat however many
customers are asked for. The same arguments always give byte-identical files.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dealerreach.testing.customers import (
    internal_record,
    open_record,
    plan_change,
    render,
    twin_identity,
    write_record,
)
from dealerreach.testing.history import Person, live
from dealerreach.testing.leads import PROSPECT_SHARE, interest_in, lead_contact, write_lead
from dealerreach.testing.output import FILE_NAMES, GroupOutput
from dealerreach.testing.people import CUSTOMER_TYPES, prospect_identity
from dealerreach.testing.places import GERMAN_ROOFTOP, US_ROOFTOPS, RooftopTemplate
from dealerreach.testing.sampling import DayText, Weighted
from dealerreach.testing.state import LEAD_SOURCES, POOL_LIMIT, Context, Rooftop, Staff
from dealerreach.testing.valuations import ValuationDesk
from dealerreach.testing.vehicles import VehicleFactory

HISTORY_DAYS = 3_652
#: a person also has a record at a second rooftop of the same country this often
SECOND_ROOFTOP_SHARE = 0.04
#: the dealership's own accounts per rooftop (when there are customers enough)
INTERNAL_DEPARTMENTS = {"en": ("Used Vehicle Department", "New Vehicle Department"),
                        "de": ("Gebrauchtwagen", "Neuwagen")}
PROGRESS_EVERY = 1_000
MAX_DELTAS = 365


@dataclass(frozen=True)
class GenerationSummary:
    #: file name -> rows written (all folders together, headers not counted)
    rows: dict[str, int]
    #: the base folder, then each delta folder, in import order
    folders: list[Path]


def generate_group(*, out_dir: Path, rooftops: int, customers: int, seed: int, as_of: date,
                   deltas: int = 0,
                   progress: Callable[[int], None] | None = None) -> GenerationSummary:
    """Write a demo dealer group's DMS history up to ``as_of`` into ``out_dir``.

    ``customers`` customer records in all (internal accounts and the second-rooftop
    records of people known at two rooftops included). With ``deltas`` = N, ``out_dir``
    holds the history up to ``as_of`` - N days and N folders ``delta-YYYY-MM-DD`` hold
    each later day's new records, and again, complete, the records that changed that
    day (a customer who moved, an RO that closed, a lead further down the funnel).
    Files already in ``out_dir`` are overwritten. ``progress`` is called with the
    number of customers written, every thousand or so.
    """
    _check(rooftops=rooftops, customers=customers, deltas=deltas)
    _check_folder(Path(out_dir), as_of=as_of, deltas=deltas)
    today = as_of.toordinal()
    rng = random.Random(seed)
    days = DayText(first=today - 366 * 100, last=today + 400)
    out = GroupOutput(Path(out_dir), cutoff=today - deltas, last_day=today)
    try:
        ctx = Context(rng, days, out, [], today, today - HISTORY_DAYS,
                      VehicleFactory(rng, days=days))
        ctx.rooftops = open_rooftops(ctx, count=rooftops)
        _write(ctx, customers=customers, seed=seed, progress=progress)
    finally:
        out.close()
    return GenerationSummary(rows=dict(out.rows), folders=list(out.folders))


def _check(*, rooftops: int, customers: int, deltas: int) -> None:
    if rooftops < 1:
        raise ValueError("rooftops must be at least 1")
    if customers < 1:
        raise ValueError("customers must be at least 1")
    if not 0 <= deltas <= MAX_DELTAS:
        raise ValueError(f"deltas must be between 0 and {MAX_DELTAS}")


def _check_folder(out_dir: Path, *, as_of: date, deltas: int) -> None:
    """Remove delta folders of an earlier run that this run will not write again.

    Only folders holding nothing but the generator's CSV files are removed (a rerun,
    say of ``make demo`` on another day); any other content is refused.
    """
    ours = {f"delta-{date.fromordinal(as_of.toordinal() - n).isoformat()}"
            for n in range(deltas)}
    stale = [p for p in sorted(out_dir.glob("delta-*")) if p.is_dir() and p.name not in ours]
    for folder in stale:
        if any(f.name not in FILE_NAMES or not f.is_file() for f in folder.iterdir()):
            raise ValueError(f"{folder} holds files the generator did not write; "
                             "write to an empty folder")
    for folder in stale:
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()


def _write(ctx: Context, *, customers: int, seed: int,
           progress: Callable[[int], None] | None) -> None:
    valuations = ValuationDesk(seed=seed, days=ctx.days, out=ctx.out)
    write_rooftops(ctx)
    done = write_internal_accounts(ctx, customers=customers)
    shares = Weighted((rooftop, rooftop.share) for rooftop in ctx.rooftops)
    reported = done
    while done < customers:
        done += write_person(ctx, shares=shares, room=customers - done, valuations=valuations)
        if done - reported >= PROGRESS_EVERY:
            ctx.out.flush()
            reported = done
            if progress:
                progress(done)
    valuations.value_models(countries={rooftop.country for rooftop in ctx.rooftops})
    if progress:
        progress(done)


def rooftop_templates(count: int) -> list[tuple[RooftopTemplate, str]]:
    """(template, name) per rooftop: US rooftops, the last one German when there are 3+."""
    us_count = count - 1 if count >= 3 else count
    chosen = []
    for n in range(us_count):
        template = US_ROOFTOPS[n % len(US_ROOFTOPS)]
        cycle = n // len(US_ROOFTOPS)
        chosen.append((template, template.name + (f" {cycle + 1}" if cycle else "")))
    if count >= 3:
        chosen.append((GERMAN_ROOFTOP, GERMAN_ROOFTOP.name))
    return chosen


def open_rooftops(ctx: Context, *, count: int) -> list[Rooftop]:
    rooftops = []
    for n, (template, name) in enumerate(rooftop_templates(count)):
        staff = Staff(ctx.rng, country=template.country, first_day=ctx.start - 400,
                      last_day=ctx.today + 400)
        rooftops.append(Rooftop(f"R{n + 1}", template, name, staff, max(1.0 - 0.08 * n, 0.5),
                            Weighted(LEAD_SOURCES[template.country])))
    return rooftops


def write_rooftops(ctx: Context) -> None:
    for rooftop in ctx.rooftops:
        t = rooftop.template
        ctx.out.write("rooftops.csv", ctx.start, [
            rooftop.rooftop_id, rooftop.name, t.address_line1, t.city, t.region, t.postal_code,
            t.country, t.timezone, t.distance_unit,
            "" if t.market_radius else " ".join(t.market_postal_codes),
            str(t.market_radius or ""), t.consent_regime])


def write_internal_accounts(ctx: Context, *, customers: int) -> int:
    """Two accounts of the dealership's own per rooftop, when customers are many enough."""
    if customers < 50 * len(ctx.rooftops):
        return 0
    for rooftop in ctx.rooftops:
        records = [internal_record(ctx, rooftop, department=department)
                   for department in INTERNAL_DEPARTMENTS[rooftop.language]]
        rooftop.internal_ids = (records[0].customer_id, records[1].customer_id)
        for record in records:
            record.since = ctx.start - 60
            record.row = render(ctx, record)
            write_record(ctx, record)
    return 2 * len(ctx.rooftops)


def write_person(ctx: Context, *, shares: Weighted[Rooftop], room: int,
                 valuations: ValuationDesk) -> int:
    """One person's whole history; returns the number of customer records written."""
    person = _new_person(ctx, rooftop=shares.pick(ctx.rng), room=room)
    live(ctx, person)
    twin = len(person.records) > 1
    for n, record in enumerate(person.records):
        record.row = render(ctx, record, clean_keys=twin)
        if n == 0:
            plan_change(ctx, record)
        write_record(ctx, record)
    home = person.records[0].rooftop
    write_vehicles(ctx, metric=home.is_metric, valuations=valuations)
    restock(ctx)
    if ctx.rng.random() < PROSPECT_SHARE:
        write_prospect(ctx, rooftop=shares.pick(ctx.rng))
    return len(person.records)


def _new_person(ctx: Context, *, rooftop: Rooftop, room: int) -> Person:
    rng = ctx.rng
    customer_type = CUSTOMER_TYPES.pick(rng)
    home = open_record(ctx, rooftop, customer_type=customer_type)
    records = [home]
    others = [s for s in ctx.rooftops_in(rooftop.country) if s is not rooftop]
    if (others and room >= 2 and customer_type in ("individual", "employee")
            and rng.random() < SECOND_ROOFTOP_SHARE):
        second = others[int(rng.random() * len(others))]
        identity = twin_identity(ctx, home.identity, rooftop=second)
        records.append(open_record(ctx, second, customer_type=customer_type,
                                   identity=identity, avoid_id=home.customer_id))
    return Person(records, customer_type)


def write_vehicles(ctx: Context, *, metric: bool, valuations: ValuationDesk) -> None:
    """vehicles.csv rows of the cars first seen with this person, in their first folder."""
    rng, days = ctx.rng, ctx.days
    for vehicle in ctx.vehicles.built:
        if vehicle.first_day > ctx.today:
            continue
        model, trim = vehicle.model, vehicle.trim
        in_service = vehicle.in_service if rng.random() > 0.1 else None
        ctx.out.write("vehicles.csv", vehicle.first_day, [
            vehicle.vin.lower() if rng.random() < 0.01 else vehicle.vin, str(vehicle.year),
            model.make, model.model, trim.name if rng.random() > 0.06 else "",
            model.body_type if rng.random() > 0.05 else "",
            (trim.fuel_type or model.fuel_type) if rng.random() > 0.07 else "",
            days.date(in_service) if in_service else "",
            str(vehicle.msrp) if rng.random() > 0.08 else ""])
        vehicle.written = True
        valuations.value_vehicle(vehicle, metric=metric)
    ctx.vehicles.built.clear()


def restock(ctx: Context) -> None:
    """Cars traded in or returned join their rooftop's used-car pool, odometer frozen."""
    for rooftop, vehicle, day in ctx.pending_pool:
        vehicle.restart(day=day, rate=0.0)
        if len(rooftop.pool) < POOL_LIMIT:
            rooftop.pool.append((vehicle, day))
        else:
            rooftop.pool[int(ctx.rng.random() * POOL_LIMIT)] = (vehicle, day)
    ctx.pending_pool.clear()


def write_prospect(ctx: Context, *, rooftop: Rooftop) -> None:
    """A lead from someone who never became a customer."""
    rng = ctx.rng
    identity = prospect_identity(ctx, rooftop)
    day = ctx.start + int((ctx.today - ctx.start + 1) * (1 - rng.random() ** 2))
    write_lead(ctx, rooftop=rooftop, day=day, contact=lead_contact(ctx, identity), customer_id="",
               interest=interest_in(ctx, rooftop, day=day))
