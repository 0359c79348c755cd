"""Persons and households, exactly as PRODUCT.md defines them, across the group's rooftops.

Customer records are one person when their normalized email matches, or normalized
mobile phone and last name match, or first name, last name, normalized street address
and postal code match; matching is transitive and an empty value never matches.
Internal customers (the dealership's own accounts) are no person.

A person's id is the key of its first record ("rooftop_id/customer_id", smallest), so
it stays put while records join. Its household is the normalized street address and
postal code of its most recently updated record that has both.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from dealerreach.storage.schema import customers


@dataclass(frozen=True)
class CustomerKeys:
    rooftop_id: str
    customer_id: str
    email: str | None
    mobile_phone: str | None
    first_name_key: str | None
    last_name_key: str | None
    street_key: str | None
    postal_code: str | None
    updated_at: datetime | None


class DisjointSets:
    """Union-find over 0..n-1 with path halving and union by size."""

    def __init__(self) -> None:
        self.parent = array("q")
        self.size = array("q")

    def add(self) -> int:
        self.parent.append(len(self.parent))
        self.size.append(1)
        return len(self.parent) - 1

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]


def match_keys(c: CustomerKeys) -> list[tuple]:
    """The values on which two records are the same person (empty parts never match)."""
    keys: list[tuple] = []
    if c.email:
        keys.append(("e", c.email))
    if c.mobile_phone and c.last_name_key:
        keys.append(("p", c.mobile_phone, c.last_name_key))
    if c.first_name_key and c.last_name_key and c.street_key and c.postal_code:
        keys.append(("a", c.first_name_key, c.last_name_key, c.street_key, c.postal_code))
    return keys


def resolve(records: Iterable[CustomerKeys]) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(rooftop_id, customer_id) -> (person_id, household_id) for every record given."""
    sets = DisjointSets()
    first_with: dict[tuple, int] = {}
    items: list[CustomerKeys] = []
    for rec in records:
        i = sets.add()
        items.append(rec)
        for key in match_keys(rec):
            j = first_with.setdefault(key, i)
            if j != i:
                sets.union(i, j)
    del first_with
    return _assign(items, sets)


def _assign(items: list[CustomerKeys], sets: DisjointSets
            ) -> dict[tuple[str, str], tuple[str, str | None]]:
    person_of: dict[int, str] = {}
    address_of: dict[int, tuple] = {}
    for i, rec in enumerate(items):
        root = sets.find(i)
        ident = f"{rec.rooftop_id}/{rec.customer_id}"
        if root not in person_of or ident < person_of[root]:
            person_of[root] = ident
        if rec.street_key and rec.postal_code:
            rank = (rec.updated_at or datetime.min, ident)
            if root not in address_of or rank > address_of[root][0]:
                address_of[root] = (rank, rec.street_key, rec.postal_code)
    result: dict[tuple[str, str], tuple[str, str | None]] = {}
    for i, rec in enumerate(items):
        root = sets.find(i)
        address = address_of.get(root)
        household = household_id(address[1], address[2]) if address else None
        result[(rec.rooftop_id, rec.customer_id)] = (person_of[root], household)
    return result


def household_id(street_key: str, postal_code: str) -> str:
    digest = hashlib.sha1(f"{street_key}|{postal_code}".encode(), usedforsecurity=False)
    return "H" + digest.hexdigest()[:16]


def resolve_group(conn: sa.Connection, *, group_id: str) -> int:
    """Recompute persons and households of the group; return how many records changed."""
    c = customers.c
    stmt = (sa.select(c.rooftop_id, c.customer_id, c.email, c.mobile_phone, c.first_name_key,
                      c.last_name_key, c.street_key, c.postal_code, c.updated_at,
                      c.customer_type, c.person_id, c.household_id)
            .where(c.group_id == group_id))
    current: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    people: list[CustomerKeys] = []
    for row in conn.execute(stmt.execution_options(yield_per=20000)):
        key = (row.rooftop_id, row.customer_id)
        current[key] = (row.person_id, row.household_id)
        if row.customer_type != "internal":
            people.append(CustomerKeys(*row[:9]))
    wanted = resolve(people)
    del people
    nobody: tuple[str | None, str | None] = (None, None)
    changes = [(key, wanted.get(key, nobody)) for key, now in current.items()
               if wanted.get(key, nobody) != now]
    _write(conn, group_id=group_id, changes=changes)
    return len(changes)


def _write(conn: sa.Connection, *, group_id: str,
           changes: list[tuple[tuple[str, str], tuple[str | None, str | None]]]) -> None:
    if not changes:
        return
    c = customers.c
    stmt = (customers.update()
            .where(c.group_id == group_id, c.rooftop_id == sa.bindparam("k_rooftop"),
                   c.customer_id == sa.bindparam("k_customer"))
            .values(person_id=sa.bindparam("v_person"), household_id=sa.bindparam("v_house")))
    for start in range(0, len(changes), 20000):
        conn.execute(stmt, [{"k_rooftop": k[0], "k_customer": k[1], "v_person": v[0],
                             "v_house": v[1]} for k, v in changes[start:start + 20000]])
