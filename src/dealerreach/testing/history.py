"""One person's ten years with the group: cars bought and replaced, visits, leads."""

from __future__ import annotations

from dataclasses import dataclass

from dealerreach.testing.deals import Ownership, sell
from dealerreach.testing.leads import (
    LINKED_SHARE,
    SHOPPING_LEADS,
    SOLD_LEAD_SHARE,
    interest_in,
    lead_contact,
    write_lead,
)
from dealerreach.testing.people import CustomerRecord
from dealerreach.testing.sampling import Weighted, draw_int, open_day
from dealerreach.testing.service import (
    MENUS,
    Line,
    line_plan,
    service_lines,
    warranty_end,
    write_repair_order,
)
from dealerreach.testing.state import Context
from dealerreach.testing.vehicles import Vehicle

VEHICLE_COUNTS = {
    "individual": Weighted(((1, 68), (2, 24), (3, 6), (4, 2))),
    "employee": Weighted(((1, 50), (2, 35), (3, 15))),
    "business": Weighted(((1, 40), (2, 30), (3, 20), (4, 10))),
    "fleet": Weighted(((3, 20), (4, 25), (6, 25), (8, 20), (12, 10))),
}
#: a car comes with a deal here (otherwise it was bought elsewhere and only serviced here)
BOUGHT_HERE_SHARE = 0.6
#: a later car replaces the newest car the person still has (otherwise it is one more)
REPLACE_SHARE = 0.6
#: of a person with records at two rooftops, the share of activity at the second rooftop
SECOND_ROOFTOP_SHARE = 0.3
#: days between two visits of a car: the car's own typical gap is drawn from this range
VISIT_GAP = {"fleet": (75, 180), "other": (150, 400)}
#: keeps coming back until the car leaves (otherwise stops at some point: lapsed, lost)
LOYAL_SHARE = 0.45
DEPARTMENTS = Weighted((("service", 91.5), ("body", 3.5), ("parts", 5)))


@dataclass(slots=True)
class Person:
    """A person's customer records: at the home rooftop, maybe one at a second rooftop."""

    records: list[CustomerRecord]
    customer_type: str

    def record_for(self, ctx: Context, *, usual: CustomerRecord) -> CustomerRecord:
        """Usually ``usual``; now and then the person's record at the other rooftop."""
        if len(self.records) == 1 or ctx.rng.random() >= SECOND_ROOFTOP_SHARE:
            return usual
        return self.records[self.records[0] is usual]


def live(ctx: Context, person: Person) -> None:
    """Write every deal, RO and lead of the person's history (customers come after)."""
    owned = acquire(ctx, person)
    for ownership in owned:
        visit(ctx, person, ownership)
    send_leads(ctx, person, owned)


def acquire(ctx: Context, person: Person) -> list[Ownership]:
    """The cars the person bought (here or elsewhere), in time order."""
    rng, today = ctx.rng, ctx.today
    count = VEHICLE_COUNTS[person.customer_type].pick(rng)
    first = ctx.start + 30 + int(rng.random() * (today - ctx.start - 30))
    days = sorted([first] + [first + int(rng.random() * (today - first + 1))
                             for _ in range(count - 1)])
    owned: list[Ownership] = []
    for n, day in enumerate(days):
        day = open_day(day, last=today)
        home = person.records[0]
        record = home if n == 0 else person.record_for(ctx, usual=home)
        current = [o for o in owned if o.kept and o.start < day < o.end]
        replaces = (current[-1] if current and person.customer_type != "fleet"
                    and rng.random() < REPLACE_SHARE else None)
        ownership = _next_car(ctx, record, day=day, replaces=replaces)
        if ownership is None:
            continue
        if replaces is not None and ownership.kept:
            replaces.end = ownership.start
        owned.append(ownership)
    return owned


def _next_car(ctx: Context, record: CustomerRecord, *, day: int,
              replaces: Ownership | None) -> Ownership | None:
    if ctx.rng.random() < BOUGHT_HERE_SHARE:
        ownership = sell(ctx, record, day=day, replaces=replaces)
        if ownership is not None:
            return ownership
    return bought_elsewhere(ctx, record, day=day)


def bought_elsewhere(ctx: Context, record: CustomerRecord, *, day: int) -> Ownership | None:
    """A car from another dealer or a private seller, mostly of the rooftop's makes."""
    rng, rooftop, vehicles = ctx.rng, record.rooftop, ctx.vehicles
    makes = rooftop.template.franchises if rng.random() < 0.8 else ()
    if rng.random() < 0.45:
        car = vehicles.new_car(country=rooftop.country, makes=makes, day=day,
                               metric=rooftop.is_metric)
    else:
        car = vehicles.used_car(country=rooftop.country, day=day, metric=rooftop.is_metric,
                                makes=makes)
    return None if car is None else Ownership(car, record, day, ctx.today + 1)


def visit(ctx: Context, person: Person, ownership: Ownership) -> None:
    """The car's visits while the person has it; a car bought elsewhere visits at least once.

    A person with records at two rooftops takes the car to the other one now and then.
    """
    if not ownership.kept:
        return
    vehicle, usual, records = ownership.vehicle, ownership.record, person.records
    other = None if len(records) == 1 else records[records[0] is usual]
    warranty_until = warranty_end(vehicle, metric=usual.rooftop.is_metric)
    recall_from = (vehicle.in_service or ownership.start) + 180
    rng = ctx.rng
    for day in visit_days(ctx, ownership, fleet=person.customer_type == "fleet"):
        record = usual if other is None or rng.random() >= SECOND_ROOFTOP_SHARE else other
        _repair_order(ctx, record, vehicle, day, day < warranty_until, day > recall_from)


def visit_days(ctx: Context, ownership: Ownership, *, fleet: bool) -> list[int]:
    """Open days of the car's visits: a gap of its own, loyal to the end or not."""
    rng, today = ctx.rng, ctx.today
    end = min(ownership.end, today + 1)
    low, high = VISIT_GAP["fleet" if fleet else "other"]
    gap = low + (high - low) * rng.random()
    stop = end if rng.random() < LOYAL_SHARE else ownership.start + int(
        rng.random() * (end - ownership.start))
    day = ownership.start + int(gap * (0.4 + rng.random()))
    if not ownership.deal_type:  # known here only because it came in for service
        day = ownership.start + int(rng.random() * min(gap, end - ownership.start - 1))
        stop = max(stop, day + 1)
    found = []
    while day < stop:
        on = open_day(day, last=today)
        if on >= end:
            break
        found.append(on)
        day += int(gap * (0.5 + rng.random()))
    return found


def _repair_order(ctx: Context, record: CustomerRecord, vehicle: Vehicle, day: int,
                  warranty: bool, recall: bool) -> None:
    # positional arguments: this runs some six times per customer
    rng, rooftop = ctx.rng, record.rooftop
    menu = MENUS[rooftop.language]
    department = DEPARTMENTS.pick(rng)
    if department == "service":
        month = ctx.days.month(day)
        plan = line_plan(ctx, (rooftop.language, month, warranty, recall), lambda: service_lines(
            rng, menu, month=month, warranty=warranty, old_enough_for_recall=recall))
    else:
        group = menu.groups[department]
        plan = line_plan(ctx, (rooftop.language, department), lambda: [
            Line(group.pick(rng), "C") for _ in range(1 + (rng.random() < 0.3))])
    write_repair_order(ctx, rooftop=rooftop, customer_id=record.customer_id, vehicle=vehicle,
                       day=day, department=department, plan=plan)
    if day < record.since:
        record.since = day


def send_leads(ctx: Context, person: Person, owned: list[Ownership]) -> None:
    """Leads that ended in a deal here, and leads of shopping that did not."""
    rng = ctx.rng
    for ownership in owned:
        if ownership.deal_type and rng.random() < SOLD_LEAD_SHARE:
            before = 0 if rng.random() < 0.15 else draw_int(rng, 1, 30)
            _lead(ctx, ownership.record, day=max(ownership.start - before, ctx.start),
                  sold_day=ownership.start, interest=ownership.vehicle.label())
    first = min(min(r.since for r in person.records), ctx.today)
    for _ in range(SHOPPING_LEADS.pick(rng)):
        record = person.records[int(rng.random() * len(person.records))]
        earliest = max(ctx.start, first - 200)
        day = earliest + int(rng.random() * (ctx.today - earliest + 1))
        _lead(ctx, record, day=day, interest=interest_in(ctx, record.rooftop, day=day))
    for record in person.records:
        if record.since > ctx.today:  # a record with nothing yet: it began with a lead
            day = ctx.start + int(rng.random() * (ctx.today - ctx.start + 1))
            _lead(ctx, record, day=day, interest=interest_in(ctx, record.rooftop, day=day),
                  linked=True)


def _lead(ctx: Context, record: CustomerRecord, *, day: int, interest: str,
          sold_day: int | None = None, linked: bool | None = None) -> None:
    if linked is None:
        linked = ctx.rng.random() < LINKED_SHARE
    if linked:
        record.seen(day)
    write_lead(ctx, rooftop=record.rooftop, day=day, contact=lead_contact(ctx, record.identity),
               customer_id=record.customer_id if linked else "", interest=interest,
               sold_day=sold_day)
