"""Repair orders and their lines: what a visit to the service, body or parts counter leaves."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from dealerreach.testing.operations import BY_LANGUAGE, Operation
from dealerreach.testing.output import encode
from dealerreach.testing.sampling import Weighted, money
from dealerreach.testing.state import Context, Rooftop
from dealerreach.testing.vehicles import Vehicle

#: extra lines on a service RO beyond the first, by weight
EXTRA_LINES = Weighted(((0, 58), (1, 28), (2, 10), (3, 4)))
DECLINED_SHARE = 0.14
RECALL_SHARE = 0.05
WARRANTY_SHARE = 0.14
#: of ROs with a warranty line, those with nothing the customer pays for
WARRANTY_ONLY_SHARE = 0.35
#: days from open to close, by weight (body shops keep cars longer)
SERVICE_DAYS = Weighted(((0, 66), (1, 19), (2, 7), (3, 4), (5, 2), (9, 2)))
BODY_DAYS = Weighted(((2, 20), (4, 30), (7, 30), (12, 15), (20, 5)))
#: basic warranty (years, distance in miles) by make; anything else 3 years / 36,000
WARRANTY = {"BMW": (4, 50_000), "Mercedes-Benz": (4, 50_000), "Audi": (4, 50_000),
            "Volkswagen": (4, 50_000), "Tesla": (4, 50_000), "Hyundai": (5, 60_000),
            "Kia": (5, 60_000)}
#: an RO without an odometer reading, and one with a digit lost at the keyboard
ODOMETER_BLANK = 0.04
ODOMETER_TYPO = 0.003
#: line plans made per kind before plans are reused
PLAN_VARIETY = 400
LINE_NUMBERS = [f"{n}," for n in range(40)]


class ServiceMenu:
    """A language's operations, grouped, with seasonal choices per month."""

    def __init__(self, operations: tuple[Operation, ...]) -> None:
        def weighted(group: str, month: int = 0) -> Weighted[Operation]:
            return Weighted((op, op.weight) for op in operations
                            if op.group == group and (not month or op.is_offered_in(month)))
        self.by_month = {m: weighted("service", m) for m in range(1, 13)}
        self.declinable = {m: Weighted((op, op.weight) for op in operations
                                       if op.declinable and op.is_offered_in(m))
                           for m in range(1, 13)}
        self.groups = {g: weighted(g) for g in ("warranty", "recall", "body", "parts")}
        self.recon = Weighted((op, op.weight) for op in operations
                              if op.group == "internal" and op.code != "PDI")
        self.pdi = next(op for op in operations if op.code == "PDI")


MENUS = {language: ServiceMenu(ops) for language, ops in BY_LANGUAGE.items()}


@dataclass(slots=True)
class Line:
    op: Operation
    labor_type: str
    declined: bool = False


def warranty_end(vehicle: Vehicle, *, metric: bool) -> int:
    """The day the basic warranty runs out, by time or by distance (whichever is first)."""
    years, miles = WARRANTY.get(vehicle.model.make, (3, 36_000))
    by_time = (vehicle.in_service or vehicle.odo_day) + years * 365
    limit = miles * 1.6 if metric else miles
    if vehicle.odo >= limit:
        return min(by_time, vehicle.odo_day)
    if vehicle.rate <= 0:
        return by_time
    return min(by_time, vehicle.odo_day + int((limit - vehicle.odo) / vehicle.rate))


def service_lines(rng: random.Random, menu: ServiceMenu, *, month: int,
                  warranty: bool, old_enough_for_recall: bool) -> list[Line]:
    """The lines of an everyday service RO."""
    lines: list[Line] = []
    if warranty and rng.random() < WARRANTY_SHARE:
        lines.append(Line(menu.groups["warranty"].pick(rng), "W"))
    if old_enough_for_recall and rng.random() < RECALL_SHARE:
        lines.append(Line(menu.groups["recall"].pick(rng), "W"))
    if not lines or rng.random() >= WARRANTY_ONLY_SHARE:
        picks = menu.by_month[month]
        codes = {line.op.code for line in lines}
        for _ in range(1 + EXTRA_LINES.pick(rng)):
            op = picks.pick(rng)
            if op.code not in codes:
                codes.add(op.code)
                lines.append(Line(op, "C"))
    if rng.random() < DECLINED_SHARE:
        lines.append(Line(menu.declinable[month].pick(rng), "C", declined=True))
    return lines


@dataclass(slots=True)
class LinePlan:
    """An RO's lines ready to write (every cell after line_no, as CSV) and its totals."""

    tails: tuple[str, ...]
    totals: tuple[str, str, str]


def plan_lines(rng: random.Random, lines: list[Line]) -> LinePlan:
    """Amounts for each line; totals add up the lines that were done, by labor type."""
    totals = {"C": 0.0, "W": 0.0, "I": 0.0}
    tails = []
    for line in lines:
        labor, parts = money(rng, line.op.labor), money(rng, line.op.parts)
        if not line.declined:
            totals[line.labor_type] += labor + parts
        tails.append(encode([line.op.code if rng.random() > 0.03 else "", line.op.description,
                             line.labor_type, f"{labor:.2f}", f"{parts:.2f}",
                             _flag(rng, line.declined), _flag(rng, line.op.group == "recall")]))
    return LinePlan(tuple(tails), (f"{totals['C']:.2f}", f"{totals['W']:.2f}",
                                   f"{totals['I']:.2f}"))


def line_plan(ctx: Context, key: tuple, make: Callable[[], list[Line]]) -> LinePlan:
    """A plan of ``key``'s kind: new until the kind has ``PLAN_VARIETY``, then a reused one.

    Reuse keeps generation fast; with hundreds of plans per kind (month, warranty,
    department, language) the repetition looks like a rooftop's menu prices.
    """
    plans = ctx.plans.get(key)
    if plans is None:
        plans = ctx.plans[key] = []
    if len(plans) < PLAN_VARIETY:
        plan = plan_lines(ctx.rng, make())
        plans.append(plan)
        return plan
    return plans[int(ctx.rng.random() * PLAN_VARIETY)]


def write_repair_order(ctx: Context, *, rooftop: Rooftop, customer_id: str, vehicle: Vehicle,
                       day: int, department: str, plan: LinePlan) -> None:
    """An RO row with its lines; one closed after the as-of date has no close date yet."""
    rng, out, dates, first = ctx.rng, ctx.out, ctx.days.dates, ctx.days.first
    number = rooftop.new_ro_number()
    rooftop_id = rooftop.rooftop_id
    prefix = f"{number},{rooftop_id},"
    out.write_encoded("ro_lines.csv", day, [prefix + LINE_NUMBERS[n] + tail
                                            for n, tail in enumerate(plan.tails, start=1)])
    closed = day + (BODY_DAYS if department == "body" else SERVICE_DAYS).pick(rng)
    if day < vehicle.first_day:
        vehicle.first_day = day
    customer_pay, warranty, internal = plan.totals
    row = [number, rooftop_id, customer_id,
           vehicle.vin.lower() if rng.random() < 0.01 else vehicle.vin, dates[day - first],
           dates[closed - first] if closed <= ctx.today else "", _odometer(rng, vehicle, day),
           rooftop.staff.on_duty(rng, role="advisor", day=day) if rng.random() > 0.06 else "",
           customer_pay, warranty, internal, department]
    if closed <= out.cutoff or closed > ctx.today:
        out.write("repair_orders.csv", day, row)
    else:
        out.write_growing("repair_orders.csv", row, day=day, later=[(5, closed)])


def _flag(rng: random.Random, value: bool) -> str:
    if value:
        return "yes"
    return "" if rng.random() < 0.08 else "no"


def _odometer(rng: random.Random, vehicle: Vehicle, day: int) -> str:
    r = rng.random()
    if r < ODOMETER_BLANK:
        return ""
    reading = vehicle.odometer(day)
    if r < ODOMETER_BLANK + ODOMETER_TYPO and reading >= 1_000:
        return str(reading // 10)  # a digit lost at the keyboard
    return str(reading)
