"""Internet and showroom leads, and how far each gets down the funnel.

Times are absolute seconds (day * 86400 + second of day) while a lead is worked out.
"""

from __future__ import annotations

import random

from dealerreach.testing.contact import format_phone, messy_email, messy_name
from dealerreach.testing.people import Identity
from dealerreach.testing.sampling import Weighted, draw_int
from dealerreach.testing.state import Context, Rooftop

DAY = 86_400
#: share of leads that reach each step, given the step before
FUNNEL = {"contacted": 0.78, "appointment": 0.5, "showed": 0.62}
#: leads a customer sends without buying, by weight
SHOPPING_LEADS = Weighted(((0, 52), (1, 30), (2, 13), (3, 5)))
#: a deal began as a lead this often
SOLD_LEAD_SHARE = 0.22
#: the lead names the customer id (otherwise only name, e-mail, phone)
LINKED_SHARE = 0.65
#: per new customer, a lead from someone who never became a customer
PROSPECT_SHARE = 0.55
INTERNET_HOURS = (7 * 3600, 23 * 3600)
OPENING_HOURS = (9 * 3600, 19 * 3600 + 1800)


def lead_contact(ctx: Context, identity: Identity) -> list[str]:
    """First name, last name, e-mail, phone as a lead form gets them (never all empty)."""
    rng = ctx.rng
    number = identity.mobile or identity.home
    phone = format_phone(rng, number, country=identity.country) if number else ""
    cells = [messy_name(rng, identity.first) if identity.first else "",
             messy_name(rng, identity.last) if identity.last else "",
             messy_email(rng, identity.email) if identity.email and rng.random() < 0.9 else "",
             phone if rng.random() < 0.8 else ""]
    if not any(cells):
        cells[2], cells[3] = identity.email, phone
    return cells


def write_lead(ctx: Context, *, rooftop: Rooftop, day: int, contact: list[str], customer_id: str,
               interest: str, sold_day: int | None = None) -> None:
    """A lead created on ``day`` (for a sale: some days before ``sold_day``)."""
    rng = ctx.rng
    source = rooftop.lead_sources.pick(rng)
    in_person = source in ("walk_in", "phone")
    low, high = OPENING_HOURS if in_person else INTERNET_HOURS
    created = day * DAY + draw_int(rng, low, high)
    steps = (_sold_steps(rng, created=created, sold_day=sold_day, walk_in=source == "walk_in")
             if sold_day is not None else
             _steps(rng, created=created, in_person=in_person, walk_in=source == "walk_in"))
    _write(ctx, rooftop=rooftop, created=created, source=source, contact=contact,
           customer_id=customer_id, interest=interest, steps=steps)


def _steps(rng: random.Random, *, created: int, in_person: bool,
           walk_in: bool) -> list[int | None]:
    """[first contact, appointment, showed, sold] of a lead that did not buy."""
    if walk_in:
        return [created, None, created, None]
    if rng.random() >= (1.0 if in_person else FUNNEL["contacted"]):
        return [None, None, None, None]
    contact = created if in_person else created + _response_delay(rng)
    if rng.random() >= FUNNEL["appointment"]:
        return [contact, None, None, None]
    appointment = _appointment(rng, after=contact)
    showed = appointment + draw_int(rng, 0, 1500) if rng.random() < FUNNEL["showed"] else None
    return [contact, appointment, showed, None]


def _sold_steps(rng: random.Random, *, created: int, sold_day: int,
                walk_in: bool) -> list[int | None]:
    """[first contact, appointment, showed, sold] of a lead that bought on ``sold_day``."""
    sold_at = sold_day * DAY + draw_int(rng, 11 * 3600, 20 * 3600)
    if walk_in:
        return [created, None, created, max(sold_at, created + 3600)]
    contact = created + _response_delay(rng)
    if contact >= sold_at - 2 * 3600:
        contact = created + draw_int(rng, 120, 1800)
    appointment = _appointment(rng, after=contact, within_days=3)
    if appointment >= sold_at:
        appointment = max(contact + 600, sold_at - draw_int(rng, 3600, 3 * 3600))
    showed = appointment + draw_int(rng, 0, 900)
    return [contact, appointment, showed, max(sold_at, showed + 1800)]


def _response_delay(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.7:
        return int(300 + rng.random() * rng.random() * 14_000)
    return int(DAY * (1 + rng.random() * (1 if r < 0.95 else 3)))


def _appointment(rng: random.Random, *, after: int, within_days: int = 6) -> int:
    day = after // DAY + draw_int(rng, 1, within_days + 1)
    return day * DAY + 10 * 3600 + 1800 * draw_int(rng, 0, 17)


def _write(ctx: Context, *, rooftop: Rooftop, created: int, source: str, contact: list[str],
           customer_id: str, interest: str, steps: list[int | None]) -> None:
    rng, days, today = ctx.rng, ctx.days, ctx.today
    cells, later = [], []
    first_contact = steps[0]
    for column, moment in enumerate(steps, start=10):
        if moment is None or (moment // DAY > today and column != 11):
            cells.append("")
            continue
        cells.append(days.stamp(moment // DAY, moment % DAY))
        # an appointment is known once it is made, at the first contact
        known = first_contact if column == 11 and first_contact is not None else moment
        later.append((column, known // DAY))
    role = "sales" if source == "walk_in" else "bdc"
    day = created // DAY
    ctx.out.write_growing("leads.csv", [
        ctx.new_lead_id(), rooftop.rooftop_id, days.stamp(day, created % DAY), source,
        customer_id, *contact,
        rooftop.staff.on_duty(rng, role=role, day=day) if rng.random() > 0.08 else "",
        *cells, interest if rng.random() > 0.2 else ""], day=day, later=later)


def interest_in(ctx: Context, rooftop: Rooftop, *, day: int) -> str:
    """The car a lead asks about: mostly a current model of the rooftop's makes."""
    year = ctx.days.year(day) + (ctx.rng.random() < 0.3)
    makes = rooftop.template.franchises if ctx.rng.random() < 0.75 else ()
    market = ctx.vehicles.models(country=rooftop.country, year=year, makes=makes)
    if market is None:
        return ""
    model = market.pick(ctx.rng)
    return f"{year} {model.make} {model.model}"
