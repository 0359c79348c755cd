"""Made-up people: who they are (identity), and the customer records rooftops keep of them.

An identity holds clean values. A customer record is one rooftop's view of a person,
written as the DMS would: names in odd case, phones in local formats, some cells
empty, a few e-mails broken. One person can have a record at two rooftops (different
customer ids, matched by e-mail, by mobile phone and last name, or by name and address).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dealerreach.testing import names as N
from dealerreach.testing.contact import ascii_name
from dealerreach.testing.places import FARAWAY_PREFIXES, Place
from dealerreach.testing.sampling import Weighted
from dealerreach.testing.state import Context, Rooftop

CUSTOMER_TYPES = Weighted((("individual", 90), ("business", 4), ("fleet", 1.5),
                           ("employee", 2.5)))
#: a new person joins the household of someone at the same address this often
HOUSEHOLD_SHARE = 0.18
#: a customer lives inside the rooftop's market area this often
INSIDE_MARKET_SHARE = 0.72
_FIRST = {"US": Weighted.ranked(N.US_FIRST_NAMES), "DE": Weighted.ranked(N.DE_FIRST_NAMES)}
_LAST = {"US": Weighted.ranked(N.US_LAST_NAMES, flatness=12),
         "DE": Weighted.ranked(N.DE_LAST_NAMES, flatness=12)}
_US_STREETS = Weighted.ranked(N.US_STREET_NAMES, flatness=20)
_DE_STREETS = Weighted.ranked(N.DE_STREETS, flatness=20)
_US_SUFFIXES = Weighted.ranked(N.US_STREET_SUFFIXES, flatness=3)
_DOMAINS = {"US": Weighted(N.US_MAIL_DOMAINS), "DE": Weighted(N.DE_MAIL_DOMAINS)}


@dataclass(slots=True)
class Identity:
    """One person's (or company's) clean contact values."""

    first: str
    last: str
    company: str
    email: str
    mobile: str
    home: str
    street: str
    unit: str
    place: Place
    birth: int | None
    country: str


@dataclass(slots=True, eq=False)
class CustomerRecord:
    """A rooftop's record of a person; ``since`` is the first day anything names it."""

    rooftop: Rooftop
    customer_id: str
    customer_type: str
    identity: Identity
    since: int = 10**9
    #: the record as first kept, and (when the person changed something) as changed
    row: list[str] = field(default_factory=list)
    changed_row: list[str] | None = None
    change_day: int | None = None

    def seen(self, day: int) -> None:
        if day < self.since:
            self.since = day


def pick_place(ctx: Context, rooftop: Rooftop, *, inside: bool | None = None) -> Place:
    if inside is None:
        inside = ctx.rng.random() < INSIDE_MARKET_SHARE
    places = [p for p in rooftop.template.places if p.inside == inside]
    return places[int(ctx.rng.random() * len(places))]


def street_address(ctx: Context, *, country: str) -> tuple[str, str]:
    """A street line and, sometimes, a second line (apartment, floor)."""
    rng = ctx.rng
    n = int(rng.random() * 98) + 1
    if country == "DE":
        letter = "a" if rng.random() < 0.06 else ""
        unit = N.DE_UNITS[n % 4].format(n=n % 5 + 1) if rng.random() < 0.08 else ""
        return f"{_DE_STREETS.pick(rng)} {n * 3 % 180 + 1}{letter}", unit.strip()
    number = int(100 + rng.random() * rng.random() * 19_900)
    street = f"{number} {_US_STREETS.pick(rng)} {_US_SUFFIXES.pick(rng)}"
    unit = N.US_UNITS[n % 5].format(n=n % 40 + 1) if rng.random() < 0.12 else ""
    return street, unit


def phone(ctx: Context, rooftop: Rooftop) -> str:
    """National digits of a fictional number: mostly local, some from far away."""
    local = ctx.rng.random() < 0.78
    prefixes = rooftop.template.phone_prefixes if local else FARAWAY_PREFIXES[rooftop.country]
    return ctx.phones.number(prefixes, country=rooftop.country)


def email_for(ctx: Context, *, first: str, last: str, country: str) -> str:
    """An address nobody else has (under a reserved .example domain)."""
    return ctx.emails.address(ctx.rng, first=first, last=last, serial=ctx.new_serial(),
                              domains=_DOMAINS[country])


def new_identity(ctx: Context, rooftop: Rooftop, *, customer_type: str) -> Identity:
    """A new person (or company) living near ``rooftop``."""
    rng, country = ctx.rng, rooftop.country
    first, last = _FIRST[country].pick(rng), _LAST[country].pick(rng)
    street, unit = street_address(ctx, country=country)
    place = pick_place(ctx, rooftop)
    company = company_name(ctx, rooftop, last=last, place=place, customer_type=customer_type)
    if company:
        return _company_identity(ctx, rooftop, first=first, last=last, company=company,
                                 street=street, place=place)
    email = email_for(ctx, first=first, last=last, country=country)
    birth = ctx.today - int(365.25 * (19 + rng.random() * 62)) if rng.random() < 0.7 else None
    return Identity(first, last, "", email if rng.random() < 0.88 else "",
                    phone(ctx, rooftop) if rng.random() < 0.86 else "",
                    phone(ctx, rooftop) if rng.random() < 0.38 else "",
                    street, unit, place, birth, country)


def _company_identity(ctx: Context, rooftop: Rooftop, *, first: str, last: str, company: str,
                      street: str, place: Place) -> Identity:
    rng = ctx.rng
    domain = ascii_name(" ".join(company.split()[:2])) + ".example"
    contact = rng.random() < 0.6
    mailbox = f"{ascii_name(first)}.{ascii_name(last)}" if contact else "info"
    email = f"{mailbox}{ctx.new_serial()}@{domain}"
    return Identity(first if contact else "", last if contact else "", company,
                    email if rng.random() < 0.8 else "", phone(ctx, rooftop),
                    phone(ctx, rooftop) if rng.random() < 0.5 else "", street,
                    "" if rng.random() < 0.8 else "Suite 100", place, None, rooftop.country)


def company_name(ctx: Context, rooftop: Rooftop, *, last: str, place: Place,
                 customer_type: str) -> str:
    rng, german = ctx.rng, rooftop.country == "DE"
    if customer_type == "fleet":
        patterns = N.FLEETS_DE if german else N.FLEETS_US
        return patterns[int(rng.random() * len(patterns))].format(city=place.city, last=last)
    if customer_type != "business":
        return ""
    trades = N.DE_TRADES if german else N.US_TRADES
    forms = N.DE_COMPANY_FORMS if german else N.US_COMPANY_FORMS
    trade, form = trades[int(rng.random() * len(trades))], forms[int(rng.random() * len(forms))]
    return (f"{trade} {last} {form}" if german else f"{last} {trade} {form}").strip()


def household_member(ctx: Context, rooftop: Rooftop, *, of: Identity) -> Identity:
    """Someone else at the same address: a partner, a grown-up child."""
    rng = ctx.rng
    first = _FIRST[rooftop.country].pick(rng)
    last = of.last if rng.random() < 0.8 else _LAST[rooftop.country].pick(rng)
    shared_email = rng.random() < 0.04 and of.email
    email = of.email if shared_email else email_for(ctx, first=first, last=last,
                                                    country=rooftop.country)
    birth = ctx.today - int(365.25 * (18 + rng.random() * 60)) if rng.random() < 0.65 else None
    return Identity(first, last, "", email if rng.random() < 0.85 else "",
                    phone(ctx, rooftop) if rng.random() < 0.85 else "", of.home,
                    of.street, of.unit, of.place, birth, rooftop.country)


def prospect_identity(ctx: Context, rooftop: Rooftop) -> Identity:
    """Someone who sends a lead and never buys: a name, an e-mail, a phone."""
    rng, country = ctx.rng, rooftop.country
    first, last = _FIRST[country].pick(rng), _LAST[country].pick(rng)
    email = email_for(ctx, first=first, last=last, country=country) if rng.random() < 0.9 else ""
    number = phone(ctx, rooftop) if rng.random() < 0.75 else ""
    return Identity(first, last, "", email, number, "", "", "", rooftop.template.places[0], None,
                    country)
