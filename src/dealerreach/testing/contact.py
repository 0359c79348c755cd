"""E-mail addresses and phone numbers: unique, fictional, and as messy as a DMS keeps them.

Rates of messiness are data (``MESS``) so that tests and docs can name them.
"""

from __future__ import annotations

import random
import unicodedata
from functools import lru_cache

from dealerreach.testing.sampling import Weighted, draw_int

#: how often a value is written badly (bad e-mails are still not empty)
MESS = {
    "bad_email": 0.03,
    "email_case": 0.05,
    "padded": 0.015,
    "name_upper": 0.03,
    "name_lower": 0.01,
}

_ASCII = str.maketrans({
    "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
    "ş": "s", "ı": "i", "ç": "c", "ğ": "g", "ś": "s", "é": "e", "'": "", " ": "",
})


@lru_cache(maxsize=4096)
def ascii_name(name: str) -> str:
    """Lower-case letters for a mailbox name: ``Jürgen`` -> ``juergen``."""
    folded = unicodedata.normalize("NFKD", name.translate(_ASCII))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum()).lower()


# (pattern, carries a unique number) - {f} is the first initial
_EMAIL_PATTERNS = Weighted([
    (("{first}.{last}", False), 18), (("{first}{last}", False), 8), (("{f}{last}", False), 12),
    (("{first}_{last}", False), 4), (("{last}.{first}", False), 3),
    (("{first}.{last}{n}", True), 16), (("{f}{last}{n}", True), 14), (("{first}{n}", True), 10),
    (("{last}{f}{n}", True), 6), (("{first}.{f2}.{last}{n}", True), 9),
])


class EmailBook:
    """Hands out e-mail addresses no two people share (unless told to)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def address(self, rng: random.Random, *, first: str, last: str, serial: int,
                domains: Weighted[str]) -> str:
        pattern, numbered = _EMAIL_PATTERNS.pick(rng)
        first_a, last_a = ascii_name(first) or "info", ascii_name(last) or "mail"
        local = pattern.format(first=first_a, last=last_a, f=first_a[0],
                               f2="abcdefghjklmnprstw"[serial % 18], n=serial)
        address = f"{local}@{domains.pick(rng)}"
        if numbered:
            return address
        if address in self._taken:
            address = f"{local}{serial}@{address.partition('@')[2]}"
        self._taken.add(address)
        return address


def messy_email(rng: random.Random, email: str) -> str:
    """Most addresses as given; a few broken (no @, a space, two dots), some in capitals."""
    r = rng.random()
    if r < MESS["bad_email"]:
        return _broken_email(rng, email)
    r -= MESS["bad_email"]
    if r < MESS["email_case"]:
        local, _, domain = email.partition("@")
        return f"{local.title()}@{domain.capitalize()}" if r < 0.03 else email.upper()
    r -= MESS["email_case"]
    if r < MESS["padded"]:
        return f" {email} "
    return email


def _broken_email(rng: random.Random, email: str) -> str:
    local, _, domain = email.partition("@")
    kind = draw_int(rng, 0, 5)
    if kind == 0:
        return local + domain
    if kind == 1:
        return f"{local[:2]} {local[2:]}@{domain}"
    if kind == 2:
        return f"{local}@{domain.replace('.', '..', 1)}"
    if kind == 3:
        return f"{local}@{domain.replace('.', ',', 1)}"
    return f"{local}@@{domain}"


def messy_name(rng: random.Random, name: str) -> str:
    r = rng.random()
    if r < MESS["name_upper"]:
        return name.upper()
    r -= MESS["name_upper"]
    if r < MESS["name_lower"]:
        return name.lower()
    r -= MESS["name_lower"]
    return f" {name}" if r < MESS["padded"] else name


class PhoneBook:
    """Fictional phone numbers, unique until a prefix block runs out.

    US: area code + 555 + 0100-9999. Germany: a drama-number block + three digits +
    a two-digit extension. Each block of prefixes is walked with a fixed stride.
    """

    STRIDE = 7_919

    def __init__(self) -> None:
        self._issued: dict[tuple[str, ...], int] = {}

    def number(self, prefixes: tuple[str, ...], *, country: str) -> str:
        """Digits of a national number: ``6145550123`` or ``22147101234``+ext."""
        n = self._issued.get(prefixes, 0)
        self._issued[prefixes] = n + 1
        size = 9_900 if country == "US" else 100_000
        slot = (n * self.STRIDE + 17) % (size * len(prefixes))
        prefix, line = prefixes[slot % len(prefixes)], slot // len(prefixes)
        if country == "US":
            return f"{prefix}555{line + 100:04d}"
        return f"{prefix.replace(' ', '')}{line:05d}"


_US_FORMATS = Weighted([
    ("({a}) {b}-{c}", 30), ("{a}-{b}-{c}", 25), ("{a}.{b}.{c}", 10), ("{a}{b}{c}", 15),
    ("+1 {a} {b} {c}", 8), ("+1{a}{b}{c}", 7), ("1-{a}-{b}-{c}", 5),
])
_DE_FORMATS = Weighted([
    ("0{a} {b}{x}", 30), ("+49 {a} {b}{x}", 25), ("0{a}/{b}{x}", 15), ("0{a}-{b}-{x}", 10),
    ("+49 (0){a} {b}-{x}", 10), ("0049{a}{b}{x}", 5), ("+49{a}{b}{x}", 5),
])


def format_phone(rng: random.Random, digits: str, *, country: str) -> str:
    """The same number the way people and DMS screens write it."""
    if country == "US":
        return _US_FORMATS.pick(rng).format(a=digits[:3], b=digits[3:6], c=digits[6:])
    area = "221" if digits.startswith("221") else digits[:2]
    rest = digits[len(area):]
    return _DE_FORMATS.pick(rng).format(a=area, b=rest[:-2], x=rest[-2:])
