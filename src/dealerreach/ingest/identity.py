"""Persons and households, exactly as PRODUCT.md defines them, across the group's rooftops.

Customer records are one person when their normalized email matches, or normalized
mobile phone and last name match, or first name, last name, normalized street address
and postal code match; matching is transitive and an empty value never matches.
Internal customers (the dealership's own accounts) are no person.

A person's id is the key of its first record ("rooftop_id/customer_id", smallest), so
it stays put while records join. Its household is the normalized street address and
postal code of its most recently updated record that has both.

Memory stays small whatever the group's size: the records are read once, in key
order, and each is a number (its place in that order) in integer arrays, its key and
current person and household packed bytes, and its match key columns Arrow arrays.
Each kind of match key is sorted by Arrow and only neighbours with equal keys are
joined. About 200 bytes a customer in all.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterator, Sequence
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from dealerreach.ingest.upsert import driver_batches
from dealerreach.storage.schema import customers

#: the match keys: each a list of columns that must all be non-empty and equal
MATCH_KEYS: tuple[tuple[str, ...], ...] = (
    ("email",),
    ("mobile_phone", "last_name_key"),
    ("first_name_key", "last_name_key", "street_key", "postal_code"),
)
#: the columns of every match key, read once with each record
KEY_COLUMNS = tuple(dict.fromkeys(c for key in MATCH_KEYS for c in key))
WRITE_BATCH = 20000
_NO_TIME = 0  # a record without updated_at ranks with datetime.min


class DisjointSets:
    """Union-find over 0..n-1 with path halving and union by size."""

    def __init__(self, n: int = 0) -> None:
        self.parent = array("q", range(n))
        self.size = array("q", [1]) * n

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


class PackedStrings:
    """An append-only list of optional strings, packed as UTF-8 bytes with offsets."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("q")
        self._null = bytearray()

    def append(self, text: str | None) -> None:
        if text is not None:
            self._data += text.encode()
        self._ends.append(len(self._data))
        self._null.append(text is None)

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> str | None:
        if self._null[i]:
            return None
        start = self._ends[i - 1] if i else 0
        return self._data[start:self._ends[i]].decode()


class _Records:
    """The group's customer records in key order, packed: what identity needs of each."""

    def __init__(self) -> None:
        self.rooftops: list[str] = []
        self._rooftop_no: dict[str, int] = {}
        self.rooftop = array("l")
        self.customer = PackedStrings()
        self.person = PackedStrings()
        self.household = PackedStrings()
        self.is_person = bytearray()
        self.updated = array("q")
        #: the household id of the record's own address, as a number, when it has one
        self.has_address = bytearray()
        self.address = array("q")
        #: match key column -> its values, a batch of records an array
        self.key_parts: dict[str, list[pa.Array]] = {c: [] for c in KEY_COLUMNS}

    def add_keys(self, columns: dict[str, list]) -> None:
        """The match key columns of the records added last (a batch)."""
        for name, values in columns.items():
            self.key_parts[name].append(pa.array(values, pa.string()))

    def key_table(self, columns: Sequence[str]) -> pa.Table:
        """These match key columns of every record, in record order."""
        return pa.table({c: pa.chunked_array(self.key_parts[c], pa.string())
                         for c in columns})

    def add(self, rooftop_id: str, customer_id: str, customer_type: str | None,
            street_key: str | None, postal_code: str | None,
            updated_at: datetime | str | None, person_id: str | None,
            household_id: str | None) -> None:
        """One record, its values as ``_load`` selects them."""
        no = self._rooftop_no.get(rooftop_id)
        if no is None:
            no = self._rooftop_no[rooftop_id] = len(self.rooftops)
            self.rooftops.append(rooftop_id)
        self.rooftop.append(no)
        self.customer.append(customer_id)
        self.person.append(person_id)
        self.household.append(household_id)
        self.is_person.append(customer_type != "internal")
        if type(updated_at) is str:  # SQLite's driver gives the stored text
            updated_at = datetime.fromisoformat(updated_at)
        self.updated.append(_rank_time(updated_at))  # type: ignore[arg-type]
        has_address = bool(street_key and postal_code)
        self.has_address.append(has_address)
        self.address.append(_household_number(street_key, postal_code)  # type: ignore[arg-type]
                            if has_address else 0)

    def __len__(self) -> int:
        return len(self.rooftop)

    def ident(self, i: int) -> str:
        return f"{self.rooftops[self.rooftop[i]]}/{self.customer[i]}"

    def key(self, i: int) -> tuple[str, str]:
        return self.rooftops[self.rooftop[i]], self.customer[i] or ""


def household_id(street_key: str, postal_code: str) -> str:
    digest = hashlib.sha1(f"{street_key}|{postal_code}".encode(), usedforsecurity=False)
    return "H" + digest.hexdigest()[:16]


def _household_number(street_key: str, postal_code: str) -> int:
    """The household id as a signed 64-bit number (its 16 hex digits), for an array;
    ``_household_of`` turns it back."""
    value = int(household_id(street_key, postal_code)[1:], 16)
    return value - (1 << 64) if value >= 1 << 63 else value


def _household_of(number: int) -> str:
    return "H" + format(number % (1 << 64), "016x")


def _rank_time(value: datetime | None) -> int:
    """Microseconds since datetime.min (a record without updated_at ranks with it)."""
    if value is None:
        return _NO_TIME
    delta = value - datetime.min
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def resolve_group(conn: sa.Connection, *, group_id: str) -> int:
    """Recompute persons and households of the group; return how many records changed."""
    records = _load(conn, group_id=group_id)
    sets = DisjointSets(len(records))
    for columns in MATCH_KEYS:
        _join_equal_keys(records, sets, columns=columns)
    changed = 0
    for batch in _changes(records, sets):
        _write(conn, group_id=group_id, changes=batch)
        changed += len(batch)
    return changed


def _in_group(group_id: str) -> sa.ColumnElement[bool]:
    return customers.c.group_id == group_id


def _key_order() -> list[sa.Column]:
    """The records' order: the primary key's, so the store reads it from its index."""
    return [c for c in customers.primary_key.columns if c.name != "group_id"]


def _load(conn: sa.Connection, *, group_id: str) -> _Records:
    c = customers.c
    stmt = (sa.select(c.rooftop_id, c.customer_id, c.customer_type, c.street_key,
                      c.postal_code, c.updated_at, c.person_id, c.household_id,
                      *(c[name] for name in KEY_COLUMNS))
            .where(_in_group(group_id)).order_by(*_key_order()))
    records = _Records()
    add = records.add
    for rows in driver_batches(conn, stmt, WRITE_BATCH):
        for row in rows:
            add(*row[:8])
        records.add_keys({name: [row[at] for row in rows]
                          for at, name in enumerate(KEY_COLUMNS, start=8)})
    return records


def _join_equal_keys(records: _Records, sets: DisjointSets, *,
                     columns: Sequence[str]) -> None:
    """Join the records whose key (all these columns non-empty) is equal: the records
    of persons with a whole key are sorted by it, and only neighbours are compared."""
    keys = records.key_table(columns)
    whole = np.frombuffer(records.is_person, dtype=np.uint8).astype(bool)
    for name in columns:
        part = keys.column(name)
        whole &= pc.fill_null(pc.not_equal(part, ""), False).to_numpy(zero_copy_only=False)
    at = np.flatnonzero(whole)
    if len(at) < 2:
        return
    keys = keys.take(pa.array(at))
    order = pc.sort_indices(keys, sort_keys=[(name, "ascending") for name in columns])
    ordered = keys.take(order)
    same = np.ones(len(at) - 1, dtype=bool)
    for name in columns:
        part = ordered.column(name)
        same &= pc.equal(part[1:], part[:-1]).to_numpy(zero_copy_only=False)
    sorted_at = at[order.to_numpy()]
    for a, b in zip(sorted_at[1:][same].tolist(), sorted_at[:-1][same].tolist(),
                    strict=True):
        sets.union(a, b)


def _changes(records: _Records, sets: DisjointSets
             ) -> Iterator[list[tuple[tuple[str, str], tuple[str | None, str | None]]]]:
    """The records whose person or household differs from the stored one, in batches."""
    n = len(records)
    person = array("q", [-1]) * n  # per root: the record with the smallest key
    home = array("q", [-1]) * n  # per root: the most recently updated record with an address
    for i in range(n):
        if not records.is_person[i]:
            continue
        root = sets.find(i)
        best = person[root]
        if best < 0 or records.ident(i) < records.ident(best):
            person[root] = i
        if records.has_address[i] and _later(records, i, home[root]):
            home[root] = i
    batch: list[tuple[tuple[str, str], tuple[str | None, str | None]]] = []
    for i in range(n):
        wanted: tuple[str | None, str | None] = (None, None)
        if records.is_person[i]:
            root = sets.find(i)
            at = home[root]
            wanted = (records.ident(person[root]),
                      _household_of(records.address[at]) if at >= 0 else None)
        if wanted != (records.person[i], records.household[i]):
            batch.append((records.key(i), wanted))
            if len(batch) >= WRITE_BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _later(records: _Records, i: int, best: int) -> bool:
    """Whether record i ranks after ``best`` by (updated_at, key)."""
    if best < 0:
        return True
    if records.updated[i] != records.updated[best]:
        return records.updated[i] > records.updated[best]
    return records.ident(i) > records.ident(best)


def _write(conn: sa.Connection, *, group_id: str,
           changes: list[tuple[tuple[str, str], tuple[str | None, str | None]]]) -> None:
    """Write changed persons and households in bulk: on SQLite one executemany of the
    driver; on PostgreSQL the changes are copied into a temporary table and written by
    one UPDATE ... FROM."""
    if not changes:
        return
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "UPDATE customers SET person_id = ?, household_id = ? "
            "WHERE group_id = ? AND rooftop_id = ? AND customer_id = ?",
            [(v[0], v[1], group_id, k[0], k[1]) for k, v in changes])  # type: ignore[arg-type]
        return
    if conn.dialect.name == "postgresql":
        _write_copied(conn, group_id=group_id, changes=changes)
        return
    c = customers.c
    stmt = (customers.update()
            .where(c.group_id == group_id, c.rooftop_id == sa.bindparam("k_rooftop"),
                   c.customer_id == sa.bindparam("k_customer"))
            .values(person_id=sa.bindparam("v_person"), household_id=sa.bindparam("v_house")))
    conn.execute(stmt, [{"k_rooftop": k[0], "k_customer": k[1], "v_person": v[0],
                         "v_house": v[1]} for k, v in changes])


def _write_copied(conn: sa.Connection, *, group_id: str,
                  changes: list[tuple[tuple[str, str], tuple[str | None, str | None]]]
                  ) -> None:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute("CREATE TEMPORARY TABLE identity_changes (rooftop_id text, "
                       "customer_id text, person_id text, household_id text) ON COMMIT DROP")
        with cursor.copy("COPY identity_changes FROM STDIN") as copy:
            for (rooftop, customer), (person, household) in changes:
                copy.write_row((rooftop, customer, person, household))
        cursor.execute("UPDATE customers AS t SET person_id = c.person_id, "
                       "household_id = c.household_id FROM identity_changes AS c "
                       "WHERE t.group_id = %s AND t.rooftop_id = c.rooftop_id "
                       "AND t.customer_id = c.customer_id", (group_id,))
        cursor.execute("DROP TABLE identity_changes")
    finally:
        cursor.close()
