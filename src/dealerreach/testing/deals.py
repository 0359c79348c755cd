"""Sales: a customer buys or leases a car, maybe trading another one in."""

from __future__ import annotations

from dataclasses import dataclass

from dealerreach.testing.finance import (
    CONDITIONS,
    DEAL_TYPES,
    Terms,
    lease_terms,
    loan_terms,
    protection,
)
from dealerreach.testing.people import CustomerRecord
from dealerreach.testing.sampling import Weighted, between, draw_int
from dealerreach.testing.service import MENUS, Line, line_plan, write_repair_order
from dealerreach.testing.state import Context, Rooftop
from dealerreach.testing.vehicles import CPO_AGES, Vehicle, market_value

UNWOUND_SHARE = 0.015
#: of unwound deals, those rebooked on the same car a few days later (new financing)
REBOOKED_SHARE = 0.5
#: a replaced car is traded in here (otherwise sold privately) this often
TRADE_IN_SHARE = 0.75
#: a first purchase comes with a trade-in the rooftop has never seen this often
UNKNOWN_TRADE_IN_SHARE = 0.2
PDI_SHARE = 0.3
RECON_SHARE = 0.55
POOL_SHARE = 0.5
FLEET_DEAL_TYPES = Weighted((("cash", 45), ("finance", 35), ("lease", 20)))


@dataclass(slots=True, eq=False)
class Ownership:
    """A car in a person's hands from ``start`` until ``end`` (the day it left)."""

    vehicle: Vehicle
    record: CustomerRecord
    start: int
    end: int
    deal_type: str = ""
    maturity: int | None = None
    #: False when the deal was unwound and the car went back
    kept: bool = True


@dataclass(slots=True)
class Sale:
    """What a deal is about; the deal row adds the day, the terms and the status."""

    record: CustomerRecord
    vehicle: Vehicle
    deal_type: str
    condition: str
    price: float
    trade_in: str = ""


def sell(ctx: Context, record: CustomerRecord, *, day: int,
         replaces: Ownership | None) -> Ownership | None:
    """A deal on ``day``; the ownership it starts (None when no car fits the year).

    A few deals are unwound: half of them are rebooked on the same car a few days
    later (new financing), the others end with the car back on the lot.
    """
    rng, rooftop = ctx.rng, record.rooftop
    fleet = record.customer_type in ("fleet", "business")
    deal_type = (FLEET_DEAL_TYPES if fleet else DEAL_TYPES).pick(rng)
    condition = CONDITIONS[deal_type].pick(rng)
    vehicle = _stock(ctx, rooftop, condition=condition, day=day)
    if vehicle is None:
        return None
    _prepare(ctx, rooftop, vehicle, condition=condition, day=day)
    unwound = rng.random() < UNWOUND_SHARE
    rebooked = unwound and rng.random() < REBOOKED_SHARE and day + 10 <= ctx.today
    # a car that goes back leaves the customer with the car they meant to trade in
    trade_in = _trade_in(ctx, rooftop, replaces=replaces, day=day, to_pool=rebooked or not unwound)
    price = _price(ctx, vehicle, condition=condition, day=day, metric=rooftop.is_metric,
                   employee=record.customer_type == "employee")
    sale = Sale(record, vehicle, deal_type, condition, price, trade_in)
    terms = _book(ctx, sale, day=day, unwound=unwound)
    if unwound and not rebooked:
        ctx.pending_pool.append((rooftop, vehicle, day + 1))
        return Ownership(vehicle, record, day, day + 1, deal_type, None, kept=False)
    start = day + draw_int(rng, 2, 10) if rebooked else day
    if rebooked:
        terms = _book(ctx, sale, day=start, unwound=False)
    maturity = start + int(terms.term * 30.44) if deal_type == "lease" and terms.term else None
    return Ownership(vehicle, record, start, ctx.today + 1, deal_type, maturity)


def _stock(ctx: Context, rooftop: Rooftop, *, condition: str, day: int) -> Vehicle | None:
    """A car for the deal: new from the factory, used from trade-ins or the auction."""
    vehicles, metric = ctx.vehicles, rooftop.is_metric
    franchises = rooftop.template.franchises
    if condition == "new":
        return vehicles.new_car(country=rooftop.country, makes=franchises, day=day, metric=metric)
    if ctx.rng.random() < POOL_SHARE:
        car = take_from_pool(ctx, rooftop, day=day, makes=franchises if condition == "cpo" else ())
        if car is not None:
            return car
    if condition == "cpo":
        return vehicles.used_car(country=rooftop.country, day=day, metric=metric,
                                 makes=franchises, ages=CPO_AGES)
    return vehicles.used_car(country=rooftop.country, day=day, metric=metric)


def take_from_pool(ctx: Context, rooftop: Rooftop, *, day: int,
                   makes: tuple[str, ...]) -> Vehicle | None:
    """A car traded in or returned here at least a week before ``day``, if one fits."""
    pool, rng = rooftop.pool, ctx.rng
    for _ in range(3 if pool else 0):
        at = int(rng.random() * len(pool))
        vehicle, available = pool[at]
        too_old = ctx.days.year(day) - vehicle.year > (6 if makes else 12)
        if available + 7 <= day and (not makes or vehicle.model.make in makes) and not too_old:
            pool[at] = pool[-1]
            pool.pop()
            vehicle.restart(day=day, rate=ctx.vehicles.yearly_rate(metric=rooftop.is_metric) / 365)
            return vehicle
    return None


def _prepare(ctx: Context, rooftop: Rooftop, vehicle: Vehicle, *, condition: str,
             day: int) -> None:
    """The rooftop's own RO on the car before delivery: pre-delivery inspection or recon."""
    rng = ctx.rng
    if rooftop.internal_ids is None:
        return
    menu = MENUS[rooftop.language]
    if condition == "new" and rng.random() < PDI_SHARE:
        plan = line_plan(ctx, (rooftop.language, "pdi"), lambda: [Line(menu.pdi, "I")])
        account, before = rooftop.internal_ids[1], draw_int(rng, 1, 5)
    elif condition != "new" and rng.random() < RECON_SHARE:
        plan = line_plan(ctx, (rooftop.language, "recon"), lambda: [
            Line(menu.recon.pick(rng), "I") for _ in range(1 + (rng.random() < 0.4))])
        account, before = rooftop.internal_ids[0], draw_int(rng, 2, 20)
    else:
        return
    if vehicle.written:  # a trade-in from the pool: on the lot for a week at least
        before = min(before, 6)
    write_repair_order(ctx, rooftop=rooftop, customer_id=account, vehicle=vehicle,
                       day=day - before, department="service", plan=plan)


def _trade_in(ctx: Context, rooftop: Rooftop, *, replaces: Ownership | None, day: int,
              to_pool: bool) -> str:
    """The VIN traded in on this deal, or empty; a trade-in waits in the pool for resale.

    A lease that ends within 90 days is turned in, not traded: it goes to the pool too.
    """
    rng = ctx.rng
    if replaces is not None:
        turned_in = replaces.maturity is not None and replaces.maturity <= day + 90
        traded = not turned_in and rng.random() < TRADE_IN_SHARE
        if (turned_in or traded) and to_pool:
            ctx.pending_pool.append((rooftop, replaces.vehicle, day))
        if not traded:
            return ""
        replaces.vehicle.seen(day)
        return replaces.vehicle.vin
    if rng.random() >= UNKNOWN_TRADE_IN_SHARE:
        return ""
    car = ctx.vehicles.used_car(country=rooftop.country, day=day, metric=rooftop.is_metric)
    if car is None:
        return ""
    car.seen(day)
    if to_pool:
        ctx.pending_pool.append((rooftop, car, day))
    return car.vin


def _price(ctx: Context, vehicle: Vehicle, *, condition: str, day: int, metric: bool,
           employee: bool) -> float:
    rng = ctx.rng
    if condition == "new":
        factor = 0.9 if employee else between(rng, 0.92, 1.03)
        return round(vehicle.msrp * factor, 2)
    value = market_value(vehicle, day=day, metric=metric)
    markup = between(rng, 1.04, 1.14) * (1.06 if condition == "cpo" else 1.0)
    return round(value * markup, -2) - (10.0 if rng.random() < 0.5 else 0.0)


def _terms(ctx: Context, sale: Sale, *, day: int) -> Terms:
    rooftop = sale.record.rooftop
    if sale.deal_type == "finance":
        return loan_terms(ctx.rng, price=sale.price, condition=sale.condition, day=day,
                          country=rooftop.country)
    if sale.deal_type == "lease":
        return lease_terms(ctx.rng, price=sale.price, msrp=sale.vehicle.msrp, day=day,
                           metric=rooftop.is_metric)
    return Terms()


def _book(ctx: Context, sale: Sale, *, day: int, unwound: bool) -> Terms:
    """Write the deal row; its terms are returned (a lease's term decides its maturity)."""
    rng, days, rooftop, vehicle = ctx.rng, ctx.days, sale.record.rooftop, sale.vehicle
    terms = _terms(ctx, sale, day=day)
    contract, plan = protection(rng, condition=sale.condition, deal_type=sale.deal_type,
                                metric=rooftop.is_metric)
    vehicle.seen(day)
    sale.record.seen(day)
    ctx.out.write("deals.csv", day, [
        rooftop.new_deal_id(), rooftop.rooftop_id, sale.record.customer_id,
        vehicle.vin.lower() if rng.random() < 0.01 else vehicle.vin, days.date(day),
        sale.deal_type, sale.condition if rng.random() > 0.03 else "", f"{sale.price:.2f}",
        _amount(terms.amount_financed), _amount(terms.apr),
        _number(terms.term), days.date(terms.first_payment) if terms.first_payment else "",
        _amount(terms.payment), _amount(terms.residual), _number(terms.annual_distance),
        str(vehicle.odometer(day)) if rng.random() > 0.04 else "", sale.trade_in,
        _number(contract and contract[0]), _number(contract and contract[1]),
        _number(plan and plan[0]), _number(plan and plan[1]),
        rooftop.staff.on_duty(rng, role="sales", day=day) if rng.random() > 0.05 else "",
        "unwound" if unwound else ("" if rng.random() < 0.2 else "booked")])
    return terms


def _amount(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _number(value: int | None) -> str:
    return "" if value is None else str(value)
