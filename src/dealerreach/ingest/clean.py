"""Reading and cleaning one cell of the canonical format, by its column's kind.

A cleaner returns the value to store (a ``Cleaned`` only when it has a warning or raw
text to keep), or raises ``Rejected`` with the reason the row cannot be used. Contact
data that fails cleaning (a bad email, a phone that is no number) is not a rejection:
the value becomes unknown, its raw text is kept, and a warning is given.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from dealerreach.ingest.spec import Column, Kind


class Rejected(ValueError):
    """This cell makes its row unusable; the message is the reason."""


class Cleaned:
    """A cleaned value with a warning, or with raw text kept (contact data only)."""

    __slots__ = ("raw", "value", "warning")

    def __init__(self, value: object, *, raw: str | None = None,
                 warning: str | None = None) -> None:
        self.value, self.raw, self.warning = value, raw, warning


@dataclass(frozen=True)
class CellContext:
    """What cleaning a cell may depend on beyond its text."""

    #: ISO 3166-1 alpha-2 country used to read national phone numbers
    country: str = "US"


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INTEGER = re.compile(r"^[+-]?\d+(\.0*)?$")
_SPACES = re.compile(r"\s+")
_SIMPLE_EMAIL = re.compile(
    r"^[a-z0-9_%+-]+(\.[a-z0-9_%+-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$")
_VIN_CHARS = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
               **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS) | {"AQ", "BV", "HM", "PN", "TF", "UM"}


def clean_text(text: str, column: Column, ctx: CellContext) -> object:
    return text.strip()


def clean_name(text: str, column: Column, ctx: CellContext) -> object:
    return _SPACES.sub(" ", text.strip())


def clean_date(text: str, column: Column, ctx: CellContext) -> object:
    text = text.strip()
    if not _DATE.match(text):
        raise Rejected("not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Rejected("no such calendar date") from None


def clean_timestamp(text: str, column: Column, ctx: CellContext) -> object:
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise Rejected("not an ISO 8601 timestamp (YYYY-MM-DDTHH:MM:SS)") from None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def clean_decimal(text: str, column: Column, ctx: CellContext) -> object:
    text = text.strip()
    if not _DECIMAL.match(text):
        raise Rejected("not a decimal number (digits with a dot, e.g. 1234.50)")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise Rejected("not a decimal number") from None


def clean_integer(text: str, column: Column, ctx: CellContext) -> object:
    text = text.strip()
    if not _INTEGER.match(text):
        raise Rejected("not a whole number")
    return int(text.split(".", 1)[0])


def clean_choice(text: str, column: Column, ctx: CellContext) -> object:
    text = text.strip()
    for choice in column.choices:
        if text.lower() == choice.lower():
            return choice
    raise Rejected(f"not one of: {', '.join(column.choices)}")


def clean_yesno(text: str, column: Column, ctx: CellContext) -> object:
    text = text.strip().lower()
    if text not in ("yes", "no"):
        raise Rejected("not yes or no")
    return text


def clean_vin(text: str, column: Column, ctx: CellContext) -> object:
    vin = _SPACES.sub("", text).upper()
    problem = vin_problem(vin)
    return vin if problem is None else Cleaned(vin, warning=problem)


@lru_cache(maxsize=65536)
def vin_problem(vin: str) -> str | None:
    """Why a VIN looks wrong (a warning, never a rejection), or None."""
    if len(vin) != 17:
        return f"VIN has {len(vin)} characters, not 17"
    if not _VIN_CHARS.match(vin):
        return "VIN holds characters a VIN never has (I, O, Q or punctuation)"
    total = sum(_VIN_VALUES[ch] * w for ch, w in zip(vin, _VIN_WEIGHTS, strict=True))
    expected = "X" if total % 11 == 10 else str(total % 11)
    if vin[8] != expected:
        return f"VIN check digit is {vin[8]}, expected {expected}"
    return None


def clean_email(text: str, column: Column, ctx: CellContext) -> object:
    email = text.strip().lower()
    if _SIMPLE_EMAIL.match(email):
        return email
    return _checked_email(email, text)


@lru_cache(maxsize=4096)
def _checked_email(email: str, raw: str) -> object:
    try:
        result = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return Cleaned(None, raw=raw, warning=f"not a valid email address: {exc}")
    return result.normalized.lower()


def clean_phone(text: str, column: Column, ctx: CellContext) -> object:
    e164 = phone_e164(text, country=ctx.country)
    if e164 is None:
        return Cleaned(None, raw=text, warning="not a phone number that can be dialled")
    return e164


_NANP = frozenset({"US", "CA", "PR", "VI", "GU", "AS", "MP"})
_NOT_DIGITS = re.compile(r"[\s().\-/]")


def phone_e164(text: str, *, country: str) -> str | None:
    """A phone number as E.164 (+14155550123), or None when it cannot be one."""
    compact = _NOT_DIGITS.sub("", text.strip())
    if country in _NANP and compact.isdigit():  # the common case, without the parser
        if len(compact) == 10 and compact[0] in "23456789":
            return "+1" + compact
        if len(compact) == 11 and compact[0] == "1" and compact[1] in "23456789":
            return "+" + compact
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_postal(text: str, column: Column, ctx: CellContext) -> object:
    return normalise_postal(text)


def normalise_postal(text: str) -> str:
    return _SPACES.sub("", text).upper()


def clean_country(text: str, column: Column, ctx: CellContext) -> object:
    code = text.strip().upper()
    if code not in _COUNTRIES:
        raise Rejected("not an ISO 3166-1 alpha-2 country code (e.g. US, DE)")
    return code


def clean_timezone(text: str, column: Column, ctx: CellContext) -> object:
    name = text.strip()
    if name not in _timezones():
        raise Rejected("not an IANA time zone (e.g. America/Chicago, Europe/Berlin)")
    return name


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def clean_codes(text: str, column: Column, ctx: CellContext) -> object:
    return " ".join(normalise_postal(c) for c in text.replace(",", " ").split())


CLEANERS: dict[Kind, Callable[[str, Column, CellContext], object]] = {
    Kind.TEXT: clean_text,
    Kind.NAME: clean_name,
    Kind.DATE: clean_date,
    Kind.TIMESTAMP: clean_timestamp,
    Kind.DECIMAL: clean_decimal,
    Kind.INTEGER: clean_integer,
    Kind.CHOICE: clean_choice,
    Kind.YESNO: clean_yesno,
    Kind.VIN: clean_vin,
    Kind.EMAIL: clean_email,
    Kind.PHONE: clean_phone,
    Kind.POSTAL: clean_postal,
    Kind.COUNTRY: clean_country,
    Kind.TIMEZONE: clean_timezone,
    Kind.CODES: clean_codes,
}


_ASCII_PUNCTUATION = {i: None for i in range(128) if unicodedata.category(chr(i)).startswith("P")}


def identity_key(text: str | None) -> str | None:
    """A name or street for matching: case-folded, punctuation removed, spaces collapsed."""
    if not text:
        return None
    folded = text.casefold()
    if folded.isascii():
        kept = folded.translate(_ASCII_PUNCTUATION)
    else:
        kept = "".join(ch for ch in folded if not unicodedata.category(ch).startswith("P"))
    key = _SPACES.sub(" ", kept).strip()
    return key or None


#: why a valuation row is rejected when it names no vehicle
NO_VALUATION_KEY = "a valuation needs a vin, or year, make and model"


def valuation_key(vin: Any, year: Any, make: Any, model: Any, trim: Any) -> str | None:
    """The vehicle a valuation is for: ``vin:VIN``, else ``model:YEAR|make|model|trim``
    (identity keys); None when it names neither."""
    if vin:
        return f"vin:{vin}"
    if year is None or not make or not model:
        return None
    parts = [str(year), *(identity_key(str(p or "")) or "" for p in (make, model, trim))]
    return "model:" + "|".join(parts)
