"""Opportunities: the customer–vehicle pairs active on D, with their home rooftop and deal.

PRODUCT.md: the person is the party of the most recent deal or RO for the VIN in the
group; the VIN is not the trade-in of a later deal; the opportunity's deal, if a lease,
has not reached maturity before D. Home rooftop and customer record: those of that most
recent deal or RO (a deal wins a tie). "The deal": the most recent booked deal of the
person for the VIN.

Choices where PRODUCT.md is silent (docs/segments.md): internal customers' deals and
ROs are not candidates for "most recent" (they are never the person of an opportunity);
among records of one kind on one date the larger (rooftop_id, id) wins, so every engine
picks the same one; a lease without a term is taken as not matured.
"""

from __future__ import annotations

from datetime import date

import ibis

from dealerreach.features.dates import add_months, lit
from dealerreach.features.inputs import Inputs
from dealerreach.features.staging import Stage, settled

DEAL_COLUMNS = {
    "deal_id": "deal_id", "deal_rooftop_id": "rooftop_id", "deal_date": "deal_date",
    "deal_type": "deal_type", "vehicle_condition": "vehicle_condition",
    "amount_financed": "amount_financed", "apr": "apr", "monthly_payment": "monthly_payment",
    "residual_value": "residual_value", "term_months": "term_months",
    "annual_miles": "annual_miles", "deal_odometer": "odometer",
    "service_contract_months": "service_contract_months",
    "service_contract_miles": "service_contract_miles",
    "maintenance_plan_months": "maintenance_plan_months",
    "maintenance_plan_miles": "maintenance_plan_miles",
    "first_payment_date": "first_payment_date",
}
VEHICLE_COLUMNS = ("make", "model", "trim", "year", "in_service_date", "msrp")


def _parties(inputs: Inputs) -> ibis.Table:
    """Customer records that can be the person of an opportunity (not internal)."""
    c = inputs.customers
    return c.filter(c.person_id.notnull() & (c.customer_type != "internal")).select(
        "rooftop_id", "customer_id", "person_id", "household_id")


def _events(inputs: Inputs) -> ibis.Table:
    """Every deal and RO of a non-internal party: vin, rooftop, customer, date, kind."""
    d, r = inputs.deals, inputs.repair_orders
    deals = d.select(vin=d.vin, rooftop_id=d.rooftop_id, customer_id=d.customer_id,
                     home_date=d.deal_date, home_source=ibis.literal("deal"),
                     _kind=ibis.literal(0), _id=d.deal_id)
    ros = r.select(vin=r.vin, rooftop_id=r.rooftop_id, customer_id=r.customer_id,
                   home_date=r.open_date, home_source=ibis.literal("ro"),
                   _kind=ibis.literal(1), _id=r.ro_number)
    events = deals.union(ros)
    return events.join(_parties(inputs), ["rooftop_id", "customer_id"])


def _latest(events: ibis.Table) -> ibis.Table:
    rank = ibis.row_number().over(
        group_by=events.vin,
        order_by=[events.home_date.desc(), events._kind.asc(),
                  events.rooftop_id.desc(), events._id.desc()])
    ranked = events.mutate(_rank=rank)
    return ranked.filter(ranked._rank == 0).drop("_rank", "_kind", "_id")


def _traded_in_later(latest: ibis.Table, inputs: Inputs) -> ibis.Table:
    """VINs traded in on a deal dated after their most recent deal or RO."""
    d = inputs.deals
    trades = d.filter(d.trade_in_vin.notnull()).group_by(vin=d.trade_in_vin).agg(
        _last_trade=d.deal_date.max())
    joined = latest.join(trades, "vin")
    return joined.filter(joined._last_trade > joined.home_date).select("vin")


def person_deals(inputs: Inputs) -> ibis.Table:
    """The deal of each (person, VIN): the most recent booked deal, ties broken by id."""
    d = inputs.deals.join(_parties(inputs), ["rooftop_id", "customer_id"])
    rank = ibis.row_number().over(
        group_by=[d.person_id, d.vin],
        order_by=[d.deal_date.desc(), d.rooftop_id.desc(), d.deal_id.desc()])
    ranked = d.mutate(_rank=rank)
    best = ranked.filter(ranked._rank == 0)
    return best.select("person_id", "vin", **{k: best[v] for k, v in DEAL_COLUMNS.items()})


def opportunities(inputs: Inputs, *, as_of: date, stage: Stage = settled) -> ibis.Table:
    """One row per opportunity active on ``as_of`` (see the module doc), with its deal."""
    # staged: it is read twice below, and the engines would rank every deal and RO twice
    latest = stage(_latest(_events(inputs)))
    active = latest.anti_join(_traded_in_later(latest, inputs), "vin")
    with_deal = active.left_join(person_deals(inputs), ["person_id", "vin"]).select(
        ~ibis.selectors.endswith("_right"))
    units = inputs.rooftops.select("rooftop_id", "distance_unit")
    vehicles = inputs.vehicles.select("vin", *VEHICLE_COLUMNS)
    opps = (with_deal.left_join(units, "rooftop_id").select(~ibis.selectors.endswith("_right"))
            .left_join(vehicles, "vin").select(~ibis.selectors.endswith("_right")))
    opps = opps.mutate(distance_unit=opps.distance_unit.fill_null("mi"))
    matured = ((opps.deal_type == "lease") & opps.term_months.notnull()
               & (add_months(opps.deal_date, opps.term_months) < lit(as_of)))
    return opps.filter(~matured.fill_null(False))
