"""The keys of a table's records, sorted in memory, to check references without a query.

When an import brings a table's first records for a group (customers, vehicles, repair
orders), the rows that refer to them later in the same import (deals, repair orders,
leads; RO lines) are checked against those keys read back once from the store, instead
of a lookup per batch. Each key (rooftop_id, id), or (vin,), is one bytes value, its
parts joined by NUL characters, in a sorted NumPy array, so a batch is checked with one
binary search: some 12 bytes a key (about 70 MB for six million repair orders). The keys
are read back after the file, so they are exactly what the store holds; records the
import adds later (bare vehicles) are added to the index as they are stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from dealerreach.ingest.upsert import driver_batches

#: rows read from the store at a time
_FETCH = 50_000
_NO_KEY = np.array([], dtype="S1")


class KeyIndex:
    """A sorted array of keys of one or more text parts, and the keys added since."""

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = keys
        self.added: set[bytes] = set()

    @classmethod
    def load(cls, conn: sa.Connection, table: sa.Table, *, group_id: str,
             columns: tuple[str, ...]) -> KeyIndex | None:
        """The group's keys of a table; None when a key is not texts without NUL
        characters (then look keys up in the store)."""
        stmt = sa.select(*(table.c[c] for c in columns)).where(table.c.group_id == group_id)
        parts: list[np.ndarray] = []
        for rows in driver_batches(conn, stmt, _FETCH):
            encoded = _encoded(rows)
            if encoded is None:
                return None
            parts.append(encoded)
        keys = np.concatenate(parts) if parts else _NO_KEY
        keys.sort()
        return cls(keys)

    def contains(self, keys: Sequence[tuple | None]) -> list[bool]:
        """Per key, whether the table holds it (None: False)."""
        wanted = [k for k in keys if k is not None]
        if not wanted:
            return [False] * len(keys)
        encoded = _encoded(wanted, strict=False)
        assert encoded is not None
        found = np.zeros(len(encoded), dtype=bool)
        if len(self.keys):
            at = np.minimum(np.searchsorted(self.keys, encoded), len(self.keys) - 1)
            found = self.keys[at] == encoded
        if self.added:
            found |= np.fromiter((k in self.added for k in encoded.tolist()), dtype=bool,
                                 count=len(encoded))
        if len(wanted) == len(keys):
            return found.tolist()
        answers = iter(found.tolist())
        return [False if k is None else next(answers) for k in keys]

    def add(self, keys: Iterable[tuple]) -> None:
        """Keys the store holds from now on (the records were just stored)."""
        encoded = _encoded(list(keys), strict=False)
        assert encoded is not None
        self.added.update(k for k in encoded.tolist() if k)


def _encoded(keys: Sequence[tuple], *, strict: bool = True) -> np.ndarray | None:
    """Keys as bytes, their parts joined by NUL. A key with a part that is not a text,
    an empty last part or a NUL character (none can have one: the csv module refuses
    such files) is no stored key: strict, None for all; else an empty value that no
    stored key equals."""
    if not keys:
        return _NO_KEY
    try:
        parts = [pa.array(part, pa.string()) for part in zip(*keys, strict=True)]
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        if strict:
            return None
        return _encoded([k if all(type(p) is str for p in k) else tuple("" for _ in k)
                         for k in keys], strict=False)
    joined = pc.binary_join_element_wise(*parts, "\x00")
    bad = pc.or_(pc.is_null(joined),
                 pc.fill_null(pc.equal(pc.binary_length(parts[-1]), 0), True))
    for part in parts:
        bad = pc.or_(bad, pc.fill_null(pc.match_substring(part, "\x00"), True))
    if pc.any(bad).as_py():
        if strict:
            return None
        joined = pc.if_else(bad, "", joined)
    return pc.cast(joined, pa.binary()).to_numpy(zero_copy_only=False).astype(bytes)
