"""Moving a group's records between the store and Arrow, in bulk (ADBC).

The analytics engines read the store through Arrow (ARCHITECTURE.md) and write their
results back the same way. Statements are built from the declared schema only; the
group is always a bound parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from dealerreach.storage import schema

_SKIPPED_SUFFIXES = ("_raw",)


def is_postgres(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def adbc_connection(engine: sa.Engine) -> Iterator[Any]:
    """An ADBC DB-API connection to the same store as ``engine`` (not autocommit).

    On SQLite it is for reading only, and the engine's pooled connections are closed
    first: two SQLite libraries with the same file open in one process would release
    each other's file locks. Writes go through the engine."""
    url = engine.url
    if is_postgres(engine):
        import adbc_driver_postgresql.dbapi as pg

        uri = url.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = pg.connect(uri)
    else:
        import adbc_driver_sqlite.dbapi as lite

        engine.dispose()
        conn = lite.connect(url.database or ":memory:")
    try:
        yield conn
    finally:
        conn.close()


#: On SQLite, a group holding at least this share of a table's rows is read by a scan
#: of the whole table rather than through the group's index.
SCAN_SHARE = 0.25


def _select_sql(table: sa.Table, columns: Sequence[str], *, postgres: bool,
                scan: bool = False) -> str:
    parts = []
    for name in columns:
        col = table.c[name]
        quoted = f'"{name}"'
        if isinstance(col.type, sa.Numeric) and not isinstance(col.type, sa.Integer):
            parts.append(f"CAST({quoted} AS {'DOUBLE PRECISION' if postgres else 'REAL'}) "
                         f"AS {quoted}")
        elif isinstance(col.type, sa.Boolean) and not postgres:
            parts.append(f"CAST({quoted} AS INTEGER) AS {quoted}")
        else:
            parts.append(quoted)
    marker = "$1" if postgres else "?"
    source = f'"{table.name}" NOT INDEXED' if scan else f'"{table.name}"'
    return f'SELECT {", ".join(parts)} FROM {source} WHERE group_id = {marker}'


def _is_most_of(cur: Any, table: sa.Table, *, group_id: str) -> bool:
    """Whether the group holds at least ``SCAN_SHARE`` of a SQLite table's rows.

    Through the group's index SQLite fetches every row by its rowid in key order,
    which jumps about the file: reading 1.5 million vehicles took 6.4 s that way and
    1.2 s by a scan of the table (6.1 million repair orders: 9.3 s and 5.1 s). The
    table's size is taken from its largest rowid (rows are never renumbered), the
    group's from a count over the covering index."""
    cur.execute(f'SELECT count(*) FROM "{table.name}" WHERE group_id = ?',
                parameters=(group_id,))
    rows = cur.fetchone()[0]
    cur.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table.name}"')
    size = cur.fetchone()[0]
    return bool(rows) and rows >= SCAN_SHARE * size


#: rows of a table read at a time by ``each_part``
PART_ROWS = 1_000_000


class MixedValues(Exception):
    """A column's values could not all take the column's own type (a time with an
    offset kept as text): the table is to be read whole instead."""


def arrow_type(column: sa.Column, *, postgres: bool) -> pa.DataType:
    """The Arrow type a store column is read as by ``each_part``."""
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return pa.timestamp("us")
    if isinstance(kind, sa.Date):
        return pa.date32()
    if isinstance(kind, sa.Boolean):
        return pa.bool_() if postgres else pa.int64()
    if isinstance(kind, sa.Integer):
        return pa.int64()
    if isinstance(kind, sa.Numeric | sa.Float):
        return pa.float64()
    return pa.string()


def each_part(engine: sa.Engine, *, group_id: str, name: str, columns: Sequence[str],
              part_rows: int | None = None) -> Iterator[pa.Table]:
    """The group's rows of one store table, at most about ``part_rows`` (default
    ``PART_ROWS``) at a time, every part with the same schema: each column as
    ``arrow_type`` says. So a large table can be handed on without ever being in memory
    whole. Raises ``MixedValues`` when a column's text does not read as its type."""
    postgres, size = is_postgres(engine), part_rows or PART_ROWS
    table = schema.metadata.tables[name]
    wanted = [c for c in readable_columns(table) if c in set(columns)]
    target = pa.schema([(c, arrow_type(table.c[c], postgres=postgres)) for c in wanted])
    with adbc_connection(engine) as conn:
        cur = conn.cursor()
        try:
            parts = (_postgres_parts(cur, table, wanted, group_id=group_id) if postgres
                     else _sqlite_parts(cur, table, wanted, group_id=group_id, size=size))
            empty = True
            for part in parts:
                if part.num_rows:
                    empty = False
                    yield _as_schema(part, target)
            if empty:
                yield target.empty_table()
        finally:
            cur.close()


def _postgres_parts(cur: Any, table: sa.Table, wanted: list[str], *,
                    group_id: str) -> Iterator[pa.Table]:
    cur.execute(_select_sql(table, wanted, postgres=True), parameters=(group_id,))
    for batch in cur.fetch_record_batch():
        yield pa.Table.from_batches([batch])


def _sqlite_parts(cur: Any, table: sa.Table, wanted: list[str], *, group_id: str,
                  size: int) -> Iterator[pa.Table]:
    """By ranges of rowid when the group holds most of the table (a scan), else whole
    (through the group's index, which holds few rows). Each part is one batch, so the
    driver infers its types from every value in it."""
    cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(2**30)})
    if not _is_most_of(cur, table, group_id=group_id):
        cur.execute(_select_sql(table, wanted, postgres=False), parameters=(group_id,))
        yield cur.fetch_arrow_table()
        return
    cur.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table.name}"')
    last = cur.fetchone()[0]
    sql = _select_sql(table, wanted, postgres=False, scan=True) + \
        " AND rowid > ? AND rowid <= ?"
    for start in range(0, last, size):
        cur.execute(sql, parameters=(group_id, start, start + size))
        yield cur.fetch_arrow_table()


def _as_schema(part: pa.Table, target: pa.Schema) -> pa.Table:
    columns = []
    for field in target:
        column = part.column(field.name)
        if column.null_count == len(column):  # no value to tell the driver its type
            column = pa.chunked_array([pa.nulls(len(column), field.type)])
        elif column.type != field.type:
            try:
                column = column.cast(field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise MixedValues(f"{field.name}: {exc}") from exc
        columns.append(column)
    return pa.table(columns, schema=target)


def readable_columns(table: sa.Table) -> list[str]:
    return [c.name for c in table.columns
            if c.name != "extra" and not c.name.endswith(_SKIPPED_SUFFIXES)]


def each_table(engine: sa.Engine, *, group_id: str, names: Sequence[str],
               columns: Mapping[str, Iterable[str]] | None = None,
               ) -> Iterator[tuple[str, pa.Table]]:
    """The group's rows of each named store table, one Arrow table at a time (store
    types), so a caller can hand each on and let it go before the next is read.
    ``columns`` limits a table to the named columns (default: every readable one)."""
    postgres = is_postgres(engine)
    with adbc_connection(engine) as conn:
        cur = conn.cursor()
        if not postgres:
            # The SQLite driver infers each column's type from the first batch; one batch
            # per result lets it see every value (a column null at first, text later).
            cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(2**30)})
        try:
            for name in names:
                table = schema.metadata.tables[name]
                wanted = readable_columns(table)
                if columns is not None and name in columns:
                    keep = set(columns[name])
                    wanted = [c for c in wanted if c in keep]
                scan = not postgres and _is_most_of(cur, table, group_id=group_id)
                cur.execute(_select_sql(table, wanted, postgres=postgres, scan=scan),
                            parameters=(group_id,))
                yield name, cur.fetch_arrow_table()
        finally:
            cur.close()
