"""Customer records: opening one, the same person at a second rooftop, changes, the row."""

from __future__ import annotations

from dealerreach.testing.contact import format_phone, messy_email, messy_name
from dealerreach.testing.names import NICKNAMES
from dealerreach.testing.people import (
    HOUSEHOLD_SHARE,
    CustomerRecord,
    Identity,
    email_for,
    household_member,
    new_identity,
    phone,
    pick_place,
    street_address,
)
from dealerreach.testing.sampling import Weighted, draw_int
from dealerreach.testing.state import Context, Rooftop

HOUSEHOLD_MEMORY = 400
CONSENT = {
    "opt_out": (Weighted((("yes", 62), ("no", 8), ("", 30))),
                Weighted((("yes", 30), ("no", 20), ("", 50))),
                Weighted((("yes", 55), ("no", 5), ("", 40)))),
    "opt_in": (Weighted((("yes", 38), ("no", 32), ("", 30))),
               Weighted((("yes", 15), ("no", 35), ("", 50))),
               Weighted((("yes", 50), ("no", 15), ("", 35)))),
}
DO_NOT_CONTACT = Weighted((("no", 90), ("yes", 1.5), ("", 8.5)))
DECEASED = Weighted((("no", 88), ("yes", 0.3), ("", 11.7)))
LOYALTY = Weighted((("", 55), ("bronze", 20), ("silver", 14), ("gold", 8), ("platinum", 3)))
#: how the same person is recognisable at a second rooftop
TWIN_KEYS = Weighted((("email", 40), ("phone", 30), ("address", 30)))
#: what changes when a customer record changes, and how often
CHANGES = Weighted((("move", 45), ("consent", 35), ("contact", 20)))
CHANGE_SHARE = 0.12
#: of the changes, this share happened in the last 90 days
RECENT_CHANGE_SHARE = 0.4
# positions in the customers.csv row
ADDRESS_CELLS = slice(9, 15)
EMAIL, MOBILE, EMAIL_CONSENT, SMS_CONSENT, DO_NOT_CONTACT_CELL, UPDATED_AT = 6, 7, 16, 17, 19, 22


def open_record(ctx: Context, rooftop: Rooftop, *, customer_type: str,
                identity: Identity | None = None, avoid_id: str = "") -> CustomerRecord:
    """A new customer record at ``rooftop`` (a new person unless ``identity`` is given)."""
    if identity is None:
        identity = _someone(ctx, rooftop, customer_type=customer_type)
    return CustomerRecord(rooftop, rooftop.new_customer_id(avoid=avoid_id), customer_type, identity)


def _someone(ctx: Context, rooftop: Rooftop, *, customer_type: str) -> Identity:
    homes = rooftop.households
    if customer_type == "individual" and homes and ctx.rng.random() < HOUSEHOLD_SHARE:
        return household_member(ctx, rooftop, of=homes[int(ctx.rng.random() * len(homes))])
    identity = new_identity(ctx, rooftop, customer_type=customer_type)
    if customer_type == "individual":
        if len(homes) < HOUSEHOLD_MEMORY:
            homes.append(identity)
        else:
            homes[int(ctx.rng.random() * HOUSEHOLD_MEMORY)] = identity
    return identity


def twin_identity(ctx: Context, of: Identity, *, rooftop: Rooftop) -> Identity:
    """The same person as another rooftop wrote them down: one matching key, kept clean."""
    rng = ctx.rng
    key = TWIN_KEYS.pick(rng)
    if key == "email" and of.email:
        first = NICKNAMES.get(of.first, of.first) if rng.random() < 0.5 else of.first
        street, unit = street_address(ctx, country=rooftop.country)
        moved = rng.random() < 0.5
        return Identity(first, of.last, "", of.email, "", "", street if moved else of.street,
                        unit if moved else of.unit, pick_place(ctx, rooftop) if moved else of.place,
                        of.birth, of.country)
    if key == "phone" and of.mobile:
        email = email_for(ctx, first=of.first, last=of.last, country=of.country)
        return Identity(of.first, of.last, "", email if rng.random() < 0.4 else "", of.mobile,
                        "", of.street, of.unit, of.place, None, of.country)
    street = of.street + ("." if rooftop.country == "US" and rng.random() < 0.4 else "")
    mobile = phone(ctx, rooftop) if rng.random() < 0.3 else ""
    return Identity(of.first, of.last, "", "", mobile, of.home, street, of.unit, of.place,
                    of.birth, of.country)


def internal_record(ctx: Context, rooftop: Rooftop, *, department: str) -> CustomerRecord:
    """The dealership's own account (reconditioning, new-car preparation)."""
    t = rooftop.template
    place = next(p for p in t.places if p.postal_code == t.postal_code)
    identity = Identity("", "", f"{rooftop.name} {department}", "", "", "", t.address_line1,
                        "", place, None, t.country)
    return CustomerRecord(rooftop, rooftop.new_customer_id(), "internal", identity)


def render(ctx: Context, record: CustomerRecord, *, clean_keys: bool = False) -> list[str]:
    """The record's customers.csv row (``updated_at`` still empty)."""
    rng, i, rooftop = ctx.rng, record.identity, record.rooftop
    email_consent, sms_consent, mail_consent = CONSENT[rooftop.template.consent_regime]
    internal = record.customer_type == "internal"
    email = i.email.upper() if clean_keys and rng.random() < 0.1 else i.email
    return [
        record.customer_id, rooftop.rooftop_id,
        "" if record.customer_type == "individual" and rng.random() < 0.15
        else record.customer_type,
        messy_name(rng, i.first) if i.first else "", messy_name(rng, i.last) if i.last else "",
        i.company,
        (email if clean_keys else messy_email(rng, email)) if email else "",
        format_phone(rng, i.mobile, country=rooftop.country) if i.mobile else "",
        format_phone(rng, i.home, country=rooftop.country) if i.home else "",
        i.street.upper() if rng.random() < 0.04 else i.street, i.unit,
        i.place.city, i.place.region if rng.random() < 0.95 else "",
        _postal(ctx, i.place.postal_code, country=rooftop.country),
        rooftop.country if rng.random() < 0.9 else "",
        ctx.days.date(i.birth) if i.birth else "",
        "" if internal else email_consent.pick(rng), "" if internal else sms_consent.pick(rng),
        "" if internal else mail_consent.pick(rng), "" if internal else DO_NOT_CONTACT.pick(rng),
        "" if internal else DECEASED.pick(rng), "" if internal else LOYALTY.pick(rng), "",
    ]


def _postal(ctx: Context, code: str, *, country: str) -> str:
    if country == "US" and ctx.rng.random() < 0.06:
        return f"{code}-{draw_int(ctx.rng, 1000, 9999)}"
    return code


def plan_change(ctx: Context, record: CustomerRecord) -> None:
    """Maybe the person moved, changed consent or contact data after the record began."""
    rng = ctx.rng
    if record.customer_type == "internal" or rng.random() >= CHANGE_SHARE:
        return
    if rng.random() < RECENT_CHANGE_SHARE:
        day = ctx.today - int(rng.random() * 90)
    else:
        day = record.since + int(rng.random() * (ctx.today - record.since + 1))
    if day <= record.since:
        return
    changed = record.row.copy()
    kind = CHANGES.pick(rng)
    if kind == "move":
        _move(ctx, record, changed)
    elif kind == "consent":
        _consent(ctx, changed)
    else:
        _contact(ctx, record, changed)
    record.changed_row, record.change_day = changed, day


def _move(ctx: Context, record: CustomerRecord, row: list[str]) -> None:
    rooftop = record.rooftop
    street, unit = street_address(ctx, country=rooftop.country)
    was_inside = record.identity.place.inside
    place = pick_place(ctx, rooftop, inside=True if not was_inside else None)
    row[ADDRESS_CELLS] = [street, unit, place.city, place.region, place.postal_code,
                          rooftop.country]


def _consent(ctx: Context, row: list[str]) -> None:
    r = ctx.rng.random()
    if r < 0.5:
        row[EMAIL_CONSENT] = "no" if row[EMAIL_CONSENT] == "yes" else "yes"
    elif r < 0.88:
        row[SMS_CONSENT] = "yes" if row[SMS_CONSENT] != "yes" else "no"
    else:
        row[DO_NOT_CONTACT_CELL] = "yes"


def _contact(ctx: Context, record: CustomerRecord, row: list[str]) -> None:
    i, rooftop = record.identity, record.rooftop
    if ctx.rng.random() < 0.5 and i.first:
        row[EMAIL] = email_for(ctx, first=i.first, last=i.last, country=rooftop.country)
    else:
        row[MOBILE] = format_phone(ctx.rng, phone(ctx, rooftop), country=rooftop.country)


def write_record(ctx: Context, record: CustomerRecord) -> None:
    """The record's row in the folder of its first day, and again on the day it changed."""
    rng, out = ctx.rng, ctx.out
    created = ctx.days.stamp(record.since, draw_int(rng, 8 * 3600, 19 * 3600))
    old = record.since < ctx.today - 400 and rng.random() < 0.04
    record.row[UPDATED_AT] = "" if old else created
    changed, day = record.changed_row, record.change_day
    if changed is None or day is None:
        out.write("customers.csv", record.since, record.row)
        return
    changed[UPDATED_AT] = ctx.days.stamp(day, draw_int(rng, 7 * 3600, 21 * 3600))
    if out.folder_of(day) != out.folder_of(record.since):
        out.write("customers.csv", record.since, record.row)
    out.write("customers.csv", day, changed)
