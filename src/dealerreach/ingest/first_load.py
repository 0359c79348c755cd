"""A first load of a file, column by column: a chunk's rows in row order for reference
checks, and the table's columns for its new records.

Used when the group has no records of a file's kind yet (see ``run._Run._insert_chunk``):
the rows cleaned by columns are never turned into one dictionary a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from dealerreach.ingest.column_values import ColumnValues, as_list, select_values
from dealerreach.ingest.rows import Chunk, RowReader, select_cells
from dealerreach.ingest.spec import FILES, FileSpec

_DEFAULTS = {spec.name: {c.name: c.default for c in spec.columns if c.default is not None}
             for spec in FILES}


def defaults(spec: FileSpec) -> dict[str, Any]:
    """The format's defaults of a file's columns, for new records (read only)."""
    return _DEFAULTS[spec.name]


class ChunkRows:
    """The rows of a chunk in row order, whichever way they were cleaned, for reference
    checks: their values by column, and rejecting one of them."""

    def __init__(self, chunk: Chunk) -> None:
        self.chunk = chunk
        #: per row: n >= 0 a row cleaned by columns, -1 - n a record
        self.order: list[int] | range = range(len(chunk.rows))
        if chunk.records:
            order = [(row, n) for n, row in enumerate(chunk.rows)]
            order += [(rec.row, -1 - n) for n, rec in enumerate(chunk.records)]
            self.order = [n for _, n in sorted(order)]
        self.rejected: set[int] = set()

    def in_order(self, column: str) -> list[tuple[int, Any]]:
        """(row number, value) of every row."""
        held = self.chunk.values.get(column)
        fast = None if held is None else as_list(held)
        if not self.chunk.records:
            return list(zip(self.chunk.rows, fast or [None] * len(self.chunk.rows),
                            strict=True))
        return [(self.chunk.rows[n], fast[n] if fast is not None else None) if n >= 0
                else (self.chunk.records[-1 - n].row,
                      self.chunk.records[-1 - n].values.get(column))
                for n in self.order]

    def column(self, name: str) -> list[Any]:
        """A column's value of every row (None where the file has no such column)."""
        if not self.chunk.records:  # every row cleaned by columns: already in row order
            held = self.chunk.values.get(name)
            return [None] * len(self.chunk.rows) if held is None else as_list(held)
        return [value for _, value in self.in_order(name)]

    def key_column(self, name: str) -> Sequence[Any] | pa.Array:
        """A column of text as ``column`` gives it, or its Arrow array when every row was
        cleaned by columns (for a lookup of keys: no Python value a row)."""
        held = self.chunk.values.get(name)
        if (not self.chunk.records and isinstance(held, ColumnValues)
                and held.array.type == pa.string()):
            return held.array
        return self.column(name)

    def set_column(self, name: str, values: list[Any]) -> None:
        """Give every row a value of a column (values in row order)."""
        fast = [None] * len(self.chunk.rows)
        for n, value in zip(self.order, values, strict=True):
            if n >= 0:
                fast[n] = value
            else:
                self.chunk.records[-1 - n].values[name] = value
        self.chunk.values[name] = fast

    def reject(self, at: int, reader: RowReader, *, column: str, reason: str) -> None:
        n = self.order[at]
        self.rejected.add(n)
        if n < 0:
            reader.reject(self.chunk.records[-1 - n], column=column, reason=reason)
            return
        value = self.chunk.values[column][n]
        reader.reject_cells(self.chunk.rows[n], self.chunk.cells[n], column=column,
                            value=None if value is None else str(value), reason=reason)

    def distinct(self, columns: tuple[str, ...], *, rejected: bool = False) -> set[str]:
        """The non-empty values of these columns in rows not rejected (or in every row:
        ``rejected``); text held as Arrow arrays is made distinct by Arrow."""
        chunk = self.chunk if rejected else self.kept_chunk()
        found: set[str] = set()
        for c in columns:
            held = chunk.values.get(c, ())
            if isinstance(held, ColumnValues) and held.array.type == pa.string():
                found.update(pc.unique(held.array).drop_null().to_pylist())
            else:
                found.update(str(v) for v in held if v)
        found.discard("")
        found.update(str(rec.values[c]) for rec in chunk.records for c in columns
                     if rec.values.get(c))
        return found

    def kept_chunk(self) -> Chunk:
        if not self.rejected:
            return self.chunk
        c = self.chunk
        keep = [n not in self.rejected for n in range(len(c.rows))]
        return Chunk(rows=list(compress(c.rows, keep)), cells=select_cells(c.cells, keep),
                     values={k: select_values(v, keep) for k, v in c.values.items()},
                     extra={k: list(compress(v, keep)) for k, v in c.extra.items()},
                     records=[r for n, r in enumerate(c.records)
                              if -1 - n not in self.rejected])


def stored_columns(chunk: Chunk, columns: Sequence[str]) -> list[Sequence[Any] | pa.Array]:
    """The values of these columns of every row of a chunk, in no particular order but the
    same for each column (rows cleaned by columns, then records); Arrow arrays where
    the chunk holds them so."""
    n = len(chunk.rows)
    found: list[Sequence[Any] | pa.Array] = []
    for c in columns:
        held = chunk.values.get(c)
        if (isinstance(held, ColumnValues) and not chunk.records
                and held.array.type == pa.string()):
            found.append(held.array)
        else:
            found.append(([None] * n if held is None else as_list(held))
                         + [rec.values.get(c) for rec in chunk.records])
    return found


def new_columns(table: sa.Table, spec: FileSpec, chunk: Chunk, *, group_id: str
                ) -> dict[str, Sequence[Any]]:
    """The table's columns for new records of a chunk (as ``_merged`` makes each row);
    the values cleaned by columns as the chunk holds them (Arrow-held or lists)."""
    n = len(chunk.rows)
    start = defaults(spec)
    columns: dict[str, Sequence[Any]] = {}
    for name in (c.name for c in table.c):
        if name in chunk.values:
            columns[name] = chunk.values[name]
        elif name == "group_id":
            columns[name] = [group_id] * n
        elif name == "extra":
            columns[name] = _extra_column(chunk.extra, n)
        elif name == "is_bare":
            columns[name] = [False] * n
        else:
            columns[name] = [start.get(name)] * n
    return columns


def _extra_column(extra: dict[str, list], n: int) -> list[dict | None]:
    if not extra:
        return [None] * n
    names = list(extra)
    return [{k: v for k, v in zip(names, values, strict=True) if v is not None} or None
            for values in zip(*extra.values(), strict=True)]
