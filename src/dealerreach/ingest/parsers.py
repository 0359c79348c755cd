"""The building blocks of an import profile: value parsers and two table helpers.

A value parser turns one vendor cell into canonical text: ``03/15/2026`` into
``2026-03-15``, ``$1,234.50`` into ``1234.50``, ``Ja`` into ``yes``. Each parser is a
small frozen record of the vendor's conventions (separators, word lists) that is
called with the text, so a profile stays data and its parsers can be documented and
compared. Text a parser cannot read comes back unchanged: the canonical checks then
reject the row and name the value as the vendor wrote it. Parsers only convert
formats; cleaning (email syntax, phone numbers, VIN checks) is the canonical import's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([AaPp])\.?[Mm]\.?)?"
_ORDERS = {"mdy": (1, 0, 2), "dmy": (0, 1, 2)}  # positions of (day, month, year) in text


@dataclass(frozen=True)
class DateFormat:
    """Dates with a separator in the vendor's order: ``mdy`` (03/15/2026), ``dmy`` (15.03.2026).

    Days and months may have one digit; the year has four (a two-digit year is
    ambiguous and stays unread). A time of day may follow the date, in 24-hour form
    or with AM/PM, with or without seconds. As a date the time is dropped; as a
    timestamp (``with_time``) the result is ``YYYY-MM-DDTHH:MM:SS``, midnight when the
    text holds a date only.
    """

    order: str
    separator: str
    with_time: bool = False
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.order not in _ORDERS:
            raise ValueError(f"unknown date order {self.order!r}; use one of {sorted(_ORDERS)}")
        sep = re.escape(self.separator)
        pattern = rf"^\s*(\d{{1,2}}){sep}(\d{{1,2}}){sep}(\d{{4}})(?:[\sT]+{_TIME})?\s*$"
        object.__setattr__(self, "_pattern", re.compile(pattern))

    def __call__(self, text: str) -> str:
        moment = self.read(text)
        if moment is None:
            return text
        return moment.isoformat() if self.with_time else moment.date().isoformat()

    def read(self, text: str) -> datetime | None:
        """The date and time the text holds, or None when it is not in this format."""
        match = self._pattern.match(text)
        if match is None:
            return None
        parts = match.groups()
        day, month, year = (int(parts[i]) for i in _ORDERS[self.order])
        try:
            return datetime.combine(date(year, month, day), _time_of_day(*parts[3:]))
        except ValueError:  # no such day or time, e.g. 02/30/2026 or 25:00
            return None


def _time_of_day(hour: str | None, minute: str | None, second: str | None,
                 half: str | None) -> time:
    if hour is None or minute is None:
        return time(0)
    h = int(hour)
    if half is not None:  # 12-hour clock: 12 AM is midnight, 12 PM is noon
        if not 1 <= h <= 12:
            raise ValueError("hour out of range for a 12-hour clock")
        h = h % 12 + (12 if half.lower() == "p" else 0)
    return time(h, int(minute), int(second or 0))


@dataclass(frozen=True)
class NumberFormat:
    """Decimal numbers with the vendor's marks: ``1,234.50`` (US) or ``1.234,50`` (German).

    The thousands separator is optional but, when used, must group by three digits.
    One unit (a currency sign or code, ``%``) may stand before or after the number.
    Negative numbers have a leading minus (before or after the unit) or parentheses,
    as accountants write them: ``-$12.00``, ``$-12.00``, ``($12.00)``.
    """

    decimal_mark: str
    thousands: str
    units: tuple[str, ...] = ()
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.decimal_mark == self.thousands:
            raise ValueError("the decimal mark and the thousands separator must differ")
        t, d = re.escape(self.thousands), re.escape(self.decimal_mark)
        pattern = rf"^(\d{{1,3}}(?:{t}\d{{3}})+|\d+)?(?:{d}(\d+))?$"
        object.__setattr__(self, "_pattern", re.compile(pattern))

    def __call__(self, text: str) -> str:
        number = self.read(text)
        return text if number is None else number

    def read(self, text: str) -> str | None:
        """The number as canonical text (``-1234.50``), or None when unreadable."""
        body, negative = _sign(text.strip())
        body = self._without_unit(body)
        if negative is None and body.startswith(("+", "-")):  # "$-12.00"
            body, negative = body[1:].lstrip(), body[0] == "-"
        match = self._pattern.match(body)
        if not body or match is None:
            return None
        whole, fraction = match.groups()
        digits = (whole or "0").replace(self.thousands, "")
        sign = "-" if negative else ""
        return f"{sign}{digits}.{fraction}" if fraction is not None else f"{sign}{digits}"

    def _without_unit(self, body: str) -> str:
        for unit in sorted(self.units, key=len, reverse=True):
            if body.startswith(unit):
                return body[len(unit):].lstrip()
            if body.endswith(unit):
                return body[:-len(unit)].rstrip()
        return body


def _sign(body: str) -> tuple[str, bool | None]:
    """Split off parentheses or a leading sign: (rest, negative); negative is None if none."""
    if len(body) >= 2 and body[0] == "(" and body[-1] == ")":
        return body[1:-1].strip(), True
    if body.startswith(("+", "-")):
        return body[1:].lstrip(), body[0] == "-"
    return body, None


@dataclass(frozen=True)
class IntegerFormat:
    """Whole numbers with the vendor's thousands separator: ``45,123`` or ``45.123``.

    A fraction of zeros only (``36.00``, ``36,00``) is accepted and dropped; any other
    fraction leaves the text unread.
    """

    decimal_mark: str
    thousands: str
    _number: NumberFormat = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_number", NumberFormat(self.decimal_mark, self.thousands))

    def __call__(self, text: str) -> str:
        number = self._number.read(text)
        if number is None:
            return text
        whole, _, fraction = number.partition(".")
        return whole if fraction.strip("0") == "" else text


@dataclass(frozen=True)
class YesNoWords:
    """Flags: the vendor's words for yes and for no (compared case-insensitively)."""

    yes: tuple[str, ...]
    no: tuple[str, ...]
    _words: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words = choice_words({"yes": self.yes, "no": self.no})
        object.__setattr__(self, "_words", words)

    def __call__(self, text: str) -> str:
        return self._words.get(text.strip().lower(), text)


def header_map(*rows: tuple[str, ...]) -> dict[str, str]:
    """A file's header map from rows of (canonical column, vendor header, aliases...)."""
    mapping: dict[str, str] = {}
    for canonical, *headers in rows:
        for header in headers:
            if header in mapping:
                raise ValueError(f"vendor header {header!r} is mapped twice")
            mapping[header] = canonical
    return mapping


def choice_words(table: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """A column's choice map from {canonical value: vendor words}, keyed lower-case.

    Each canonical value also maps to itself, so a file mixing both reads alike.
    """
    words: dict[str, str] = {}
    for canonical, vendor_words in table.items():
        for word in (canonical, *vendor_words):
            key = word.strip().lower()
            if words.get(key, canonical) != canonical:
                raise ValueError(f"vendor word {word!r} maps to two values")
            words[key] = canonical
    return words
