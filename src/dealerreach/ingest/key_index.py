"""The keys of a table's records, sorted in memory, to check references without a query.

When an import brings a table's first records for a group (customers, vehicles, repair
orders), the rows that refer to them later in the same import (deals, repair orders,
leads; RO lines) are checked against the keys of the records it stored, instead of a
lookup per batch. Each key (rooftop_id, id), or (vin,), is one bytes value, its parts
joined by NUL characters, in a sorted NumPy array, so a batch is checked with one binary
search: some 12 bytes a key (about 70 MB for six million repair orders). The keys are
gathered batch by batch as the records are stored (``KeyGatherer``), so they are exactly
what the store holds; records the import adds later (bare vehicles) are added to the
index as they are stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_NO_KEY = np.array([], dtype="S1")

#: a key's parts, column by column: one list (or Arrow array) of values per part
Columns = Sequence[Sequence | pa.Array]


class KeyIndex:
    """A sorted array of keys of one or more text parts, and the keys added since."""

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = keys
        self.added: set[bytes] = set()

    def contains(self, keys: Sequence[tuple | None]) -> list[bool]:
        """Per key, whether the table holds it (None: False)."""
        wanted = [k for k in keys if k is not None]
        if not wanted:
            return [False] * len(keys)
        found = self.contains_columns(list(zip(*wanted, strict=True))).tolist()
        if len(wanted) == len(keys):
            return found
        answers = iter(found)
        return [False if k is None else next(answers) for k in keys]

    def contains_columns(self, parts: Columns) -> np.ndarray:
        """Per row of these key columns, whether the table holds its key (a key with an
        empty or missing part is not held)."""
        encoded = _encoded(parts, strict=False)
        assert encoded is not None
        found = np.zeros(len(encoded), dtype=bool)
        if len(self.keys) and len(encoded):
            at = np.minimum(np.searchsorted(self.keys, encoded), len(self.keys) - 1)
            found = self.keys[at] == encoded
        if self.added:
            found |= np.fromiter((k in self.added for k in encoded.tolist()), dtype=bool,
                                 count=len(encoded))
        return found

    def add(self, keys: Iterable[tuple]) -> None:
        """Keys the store holds from now on (the records were just stored)."""
        keys = list(keys)
        if not keys:
            return
        encoded = _encoded(list(zip(*keys, strict=True)), strict=False)
        assert encoded is not None
        self.added.update(k for k in encoded.tolist() if k)


class KeyGatherer:
    """The keys of the records an import stores from one file, batch by batch, made into
    a ``KeyIndex`` once the file is read (None if any key cannot be held)."""

    def __init__(self) -> None:
        self._parts: list[np.ndarray] | None = []

    def add(self, parts: Columns) -> None:
        """The key columns of records just stored."""
        if self._parts is None or not len(parts[0]):
            return
        encoded = _encoded(parts, strict=True)
        self._parts = None if encoded is None else [*self._parts, encoded]

    def index(self) -> KeyIndex | None:
        if self._parts is None:
            return None
        keys = np.concatenate(self._parts) if self._parts else _NO_KEY.copy()
        keys.sort()
        return KeyIndex(keys)


def _encoded(parts: Columns, *, strict: bool) -> np.ndarray | None:
    """Keys as bytes, their parts joined by NUL. A key with a part that is not a text,
    an empty last part or a NUL character (none can have one: the csv module refuses
    such files) is no stored key: strict, None for all; else an empty value that no
    stored key equals."""
    if not len(parts[0]):
        return _NO_KEY.copy()
    try:
        arrays = [p if isinstance(p, pa.Array) else pa.array(p, pa.string()) for p in parts]
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        if strict:
            return None
        return _encoded(_texts_only(parts), strict=False)
    joined = pc.binary_join_element_wise(*arrays, "\x00")
    bad = pc.or_(pc.is_null(joined),
                 pc.fill_null(pc.equal(pc.binary_length(arrays[-1]), 0), True))
    for part in arrays:
        bad = pc.or_(bad, pc.fill_null(pc.match_substring(part, "\x00"), True))
    if pc.any(bad).as_py():
        if strict:
            return None
        joined = pc.if_else(bad, "", joined)
    return _fixed_width(pc.cast(joined, pa.binary()))


def _fixed_width(values: pa.Array) -> np.ndarray:
    """Binary values as a NumPy array of fixed-width bytes (zero-padded, what
    ``astype(bytes)`` gives), copied from Arrow's buffers without a Python object a
    value."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    n = len(values)
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32, count=n + 1,
                            offset=4 * values.offset).astype(np.int64)
    lengths = np.diff(offsets)
    width = int(lengths.max()) if n else 0
    if width == 0:
        return np.zeros(n, dtype="S1")
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    out = np.zeros((n, width), dtype=np.uint8)
    row = np.repeat(np.arange(n), lengths)
    out[row, np.arange(len(data)) - np.repeat(offsets[:-1] - offsets[0], lengths)] = data
    return out.view(f"S{width}").ravel()


def _texts_only(parts: Columns) -> list[list]:
    """The key columns with every part of a key that has a part other than a text made
    empty (so no stored key equals it)."""
    rows = list(zip(*parts, strict=True))
    texts = [all(type(p) is str for p in row) for row in rows]
    return [[v if ok else "" for v, ok in zip(part, texts, strict=True)] for part in parts]
