"""The keys of a table's records, sorted in memory, to check references without a query.

When an import brings a table's first records for a group (customers, repair orders),
the rows that refer to them later in the same import (deals, repair orders, leads;
RO lines) are checked against those keys read back once from the store, instead of a
lookup per batch. Each key (rooftop_id, id) is one bytes value ``rooftop_id NUL id``
in a sorted NumPy array, so a batch is checked with one binary search: some 12 bytes
a key (about 70 MB for six million repair orders). The keys are read back after the
file, so they are exactly what the store holds (nothing later in an import adds
customers or repair orders).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sqlalchemy as sa

from dealerreach.ingest.upsert import driver_batches

#: rows read from the store at a time
_FETCH = 50_000


class KeyIndex:
    """A sorted array of two-part text keys."""

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = keys

    @classmethod
    def load(cls, conn: sa.Connection, table: sa.Table, *, group_id: str,
             columns: tuple[str, str]) -> KeyIndex | None:
        """The group's keys of a table; None when a key is not two texts without NUL
        characters (then look keys up in the store)."""
        first, last = (table.c[c] for c in columns)
        stmt = sa.select(first, last).where(table.c.group_id == group_id)
        parts: list[np.ndarray] = []
        for rows in driver_batches(conn, stmt, _FETCH):
            encoded = _encoded(rows)
            if encoded is None:
                return None
            parts.append(encoded)
        keys = np.concatenate(parts) if parts else np.array([], dtype="S1")
        keys.sort()
        return cls(keys)

    def contains(self, keys: Sequence[tuple | None]) -> list[bool]:
        """Per key, whether the table holds it (None: False)."""
        if not len(self.keys) or not keys:
            return [False] * len(keys)
        wanted = [k for k in keys if k is not None]
        encoded = _encoded(wanted, strict=False)
        assert encoded is not None
        at = np.minimum(np.searchsorted(self.keys, encoded), len(self.keys) - 1)
        found = iter((self.keys[at] == encoded).tolist())
        return [False if k is None else next(found) for k in keys]


def _encoded(keys: Sequence[tuple], *, strict: bool = True) -> np.ndarray | None:
    """Keys as bytes ``first NUL last``. A key that is not two texts, or holds a NUL
    character (none can: the csv module refuses such files), is no stored key: strict,
    None for all; else an empty value that no stored key equals."""
    out = []
    for a, b in keys:
        if type(a) is not str or type(b) is not str or not b or "\x00" in a or "\x00" in b:
            if strict:
                return None
            out.append(b"")
            continue
        out.append(f"{a}\x00{b}".encode())
    return np.array(out, dtype=bytes) if out else np.array([], dtype="S1")
