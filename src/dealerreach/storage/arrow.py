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


def _select_sql(table: sa.Table, columns: Sequence[str], *, postgres: bool) -> str:
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
    return f'SELECT {", ".join(parts)} FROM "{table.name}" WHERE group_id = {marker}'


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
                cur.execute(_select_sql(table, wanted, postgres=postgres),
                            parameters=(group_id,))
                yield name, cur.fetch_arrow_table()
        finally:
            cur.close()
