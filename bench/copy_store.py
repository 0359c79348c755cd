"""Copy a whole SQLite store into a fresh, migrated PostgreSQL store, row for row.

The segments benchmark imports its group once, into SQLite, and gives PostgreSQL the
same rows this way (minutes instead of a second hour-long import): every table in
foreign-key order, with ``COPY``, then the id sequences moved past the copied ids and
fresh statistics.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
import sqlalchemy as sa
from psycopg import sql

from dealerreach.storage import schema
from dealerreach.storage.engine import open_store

BATCH = 50_000


def copy_store(sqlite_path: Path, postgres_url: str, *,
               progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every table of ``sqlite_path`` into the empty store at ``postgres_url``;
    returns the rows copied per table."""
    open_store(postgres_url).dispose()
    dsn = postgres_url.replace("postgresql+psycopg://", "postgresql://", 1)
    copied: dict[str, int] = {}
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    try:
        with psycopg.connect(dsn) as target:
            target.execute("SET TimeZone = 'UTC'")
            for table in schema.metadata.sorted_tables:
                copied[table.name] = _copy_table(source, target, table.name,
                                                 [c.name for c in table.columns], progress)
            for table in schema.metadata.sorted_tables:
                _move_sequences(target, table)
            target.commit()
            target.autocommit = True
            target.execute("ANALYZE")
    finally:
        source.close()
    return copied


def _copy_table(source: sqlite3.Connection, target: psycopg.Connection, name: str,
                columns: list[str], progress: Callable[[str, int], None] | None) -> int:
    names = ", ".join(f'"{c}"' for c in columns)
    rows = source.execute(f'SELECT {names} FROM "{name}"')
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(name), sql.SQL(", ").join(sql.Identifier(c) for c in columns))
    done = 0
    with target.cursor() as cur, cur.copy(statement) as copy:
        while batch := rows.fetchmany(BATCH):
            for row in batch:
                copy.write_row(row)
            done += len(batch)
            if progress:
                progress(name, done)
    return done


def _move_sequences(target: psycopg.Connection, table: sa.Table) -> None:
    """Serial ids continue after the largest copied one."""
    for column in table.columns:
        if not (column.primary_key and column.autoincrement is True):
            continue
        target.execute(sql.SQL(
            "SELECT setval(pg_get_serial_sequence({table}, {column}), "
            "coalesce((SELECT max({c}) FROM {t}), 0) + 1, false)").format(
                table=sql.Literal(table.name), column=sql.Literal(column.name),
                c=sql.Identifier(column.name), t=sql.Identifier(table.name)))
