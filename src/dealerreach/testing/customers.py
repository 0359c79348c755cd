"""Customer records: opening one, the same person at a second store, changes, the row."""

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
from dealerreach.testing.state import Context, Store

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
#: how the same person is recognisable at a second store
TWIN_KEYS = Weighted((("email", 40), ("phone", 30), ("address", 30)))
#: what changes when a customer record changes, and how often
CHANGES = Weighted((("move", 45), ("consent", 35), ("contact", 20)))
CHANGE_SHARE = 0.12
#: of the changes, this share happened in the last 90 days
RECENT_CHANGE_SHARE = 0.4
# positions in the customers.csv row
ADDRESS_CELLS = slice(9, 15)
EMAIL, MOBILE, EMAIL_CONSENT, SMS_CONSENT, DO_NOT_CONTACT_CELL, UPDATED_AT = 6, 7, 16, 17, 19, 22


def open_record(ctx: Context, store: Store, *, customer_type: str,
                identity: Identity | None = None, avoid_id: str = "") -> CustomerRecord:
    """A new customer record at ``store`` (a new person unless ``identity`` is given)."""
    if identity is None:
        identity = _someone(ctx, store, customer_type=customer_type)
    return CustomerRecord(store, store.new_customer_id(avoid=avoid_id), customer_type, identity)


def _someone(ctx: Context, store: Store, *, customer_type: str) -> Identity:
    homes = store.households
    if customer_type == "individual" and homes and ctx.rng.random() < HOUSEHOLD_SHARE:
        return household_member(ctx, store, of=homes[int(ctx.rng.random() * len(homes))])
    identity = new_identity(ctx, store, customer_type=customer_type)
    if customer_type == "individual":
        if len(homes) < HOUSEHOLD_MEMORY:
            homes.append(identity)
        else:
            homes[int(ctx.rng.random() * HOUSEHOLD_MEMORY)] = identity
    return identity


def twin_identity(ctx: Context, of: Identity, *, store: Store) -> Identity:
    """The same person as another store wrote them down: one matching key, kept clean."""
    rng = ctx.rng
    key = TWIN_KEYS.pick(rng)
    if key == "email" and of.email:
        first = NICKNAMES.get(of.first, of.first) if rng.random() < 0.5 else of.first
        street, unit = street_address(ctx, country=store.country)
        moved = rng.random() < 0.5
        return Identity(first, of.last, "", of.email, "", "", street if moved else of.street,
                        unit if moved else of.unit, pick_place(ctx, store) if moved else of.place,
                        of.birth, of.country)
    if key == "phone" and of.mobile:
        email = email_for(ctx, first=of.first, last=of.last, country=of.country)
        return Identity(of.first, of.last, "", email if rng.random() < 0.4 else "", of.mobile,
                        "", of.street, of.unit, of.place, None, of.country)
    street = of.street + ("." if store.country == "US" and rng.random() < 0.4 else "")
    mobile = phone(ctx, store) if rng.random() < 0.3 else ""
    return Identity(of.first, of.last, "", "", mobile, of.home, street, of.unit, of.place,
                    of.birth, of.country)


def internal_record(ctx: Context, store: Store, *, department: str) -> CustomerRecord:
    """The dealership's own account (reconditioning, new-car preparation)."""
    t = store.template
    place = next(p for p in t.places if p.postal_code == t.postal_code)
    identity = Identity("", "", f"{store.name} {department}", "", "", "", t.address_line1,
                        "", place, None, t.country)
    return CustomerRecord(store, store.new_customer_id(), "internal", identity)


def render(ctx: Context, record: CustomerRecord, *, clean_keys: bool = False) -> list[str]:
    """The record's customers.csv row (``updated_at`` still empty)."""
    rng, i, store = ctx.rng, record.identity, record.store
    email_consent, sms_consent, mail_consent = CONSENT[store.template.consent_regime]
    internal = record.customer_type == "internal"
    email = i.email.upper() if clean_keys and rng.random() < 0.1 else i.email
    return [
        record.customer_id, store.rooftop_id,
        "" if record.customer_type == "individual" and rng.random() < 0.15
        else record.customer_type,
        messy_name(rng, i.first) if i.first else "", messy_name(rng, i.last) if i.last else "",
        i.company,
        (email if clean_keys else messy_email(rng, email)) if email else "",
        format_phone(rng, i.mobile, country=store.country) if i.mobile else "",
        format_phone(rng, i.home, country=store.country) if i.home else "",
        i.street.upper() if rng.random() < 0.04 else i.street, i.unit,
        i.place.city, i.place.region if rng.random() < 0.95 else "",
        _postal(ctx, i.place.postal_code, country=store.country),
        store.country if rng.random() < 0.9 else "",
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
    store = record.store
    street, unit = street_address(ctx, country=store.country)
    was_inside = record.identity.place.inside
    place = pick_place(ctx, store, inside=True if not was_inside else None)
    row[ADDRESS_CELLS] = [street, unit, place.city, place.region, place.postal_code,
                          store.country]


def _consent(ctx: Context, row: list[str]) -> None:
    r = ctx.rng.random()
    if r < 0.5:
        row[EMAIL_CONSENT] = "no" if row[EMAIL_CONSENT] == "yes" else "yes"
    elif r < 0.88:
        row[SMS_CONSENT] = "yes" if row[SMS_CONSENT] != "yes" else "no"
    else:
        row[DO_NOT_CONTACT_CELL] = "yes"


def _contact(ctx: Context, record: CustomerRecord, row: list[str]) -> None:
    i, store = record.identity, record.store
    if ctx.rng.random() < 0.5 and i.first:
        row[EMAIL] = email_for(ctx, first=i.first, last=i.last, country=store.country)
    else:
        row[MOBILE] = format_phone(ctx.rng, phone(ctx, store), country=store.country)


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
