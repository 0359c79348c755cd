"""Upserting a batch of records by key: look up what is stored, insert, update, or leave.

The caller owns the transaction. On PostgreSQL new rows go in with COPY; on SQLite in
multi-row INSERT statements. Statements name only schema tables and columns; every value
is a bound parameter or a COPY field, never SQL text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from dealerreach.ingest.column_values import Columns, as_list
from dealerreach.ingest.copy_text import copy_text
from dealerreach.ingest.memo import memo_of

Key = tuple[Any, ...]


@dataclass
class Counts:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"read": self.read, "inserted": self.inserted, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected}


class TableStore:
    """Key lookups and bulk writes of one table for one group, inside the caller's transaction."""

    def __init__(self, conn: sa.Connection, table: sa.Table, *, group_id: str,
                 key: Sequence[str]) -> None:
        self.conn, self.table, self.group_id = conn, table, group_id
        self.key = tuple(key)
        self._key_cols = [table.c[k] for k in self.key]
        self._inserted = 0
        self._analyse_at = 1000
        #: keys of text only come back from the driver as they are: no result processing
        self._text_keys = all(isinstance(c.type, sa.String) for c in self._key_cols)

    def fetch(self, keys: Iterable[Key], columns: Sequence[str] | None = None
              ) -> dict[Key, dict[str, Any]]:
        """The stored rows (all columns, or the named ones plus the key) of these keys."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        self._refresh_statistics()
        cols = (list(self.table.c) if columns is None
                else [*self._key_cols, *(self.table.c[c] for c in columns)])
        found: dict[Key, dict[str, Any]] = {}
        for fixed, values in _by_prefix(keys).items():
            stmt = sa.select(*cols).where(self.table.c.group_id == self.group_id,
                                          *self._fixed(fixed), self._any(values))
            for row in self.conn.execute(stmt).mappings():
                found[tuple(row[k] for k in self.key)] = dict(row)
        return found

    def has_rows(self) -> bool:
        """Whether the group has any row in this table."""
        stmt = sa.select(sa.literal(1)).where(self.table.c.group_id == self.group_id).limit(1)
        return self.conn.execute(stmt).first() is not None

    def existing_keys(self, keys: Iterable[Key]) -> set[Key]:
        """Which of these keys the store holds (only the key columns are read)."""
        self._refresh_statistics()
        found: set[Key] = set()
        for fixed, values in _by_prefix(list(dict.fromkeys(keys))).items():
            stmt = sa.select(*self._key_cols).where(self.table.c.group_id == self.group_id,
                                                    *self._fixed(fixed), self._any(values))
            if self._text_keys:
                found.update(_driver_rows(self.conn, stmt))
            else:
                found.update(tuple(row) for row in self.conn.execute(stmt))
        return found

    def _fixed(self, fixed: tuple) -> list[sa.ColumnElement[bool]]:
        return [c == v for c, v in zip(self._key_cols[:-1], fixed, strict=True)]

    def _any(self, values: list[Any]) -> sa.ColumnElement[bool]:
        """``last key column IN values`` as one bound parameter, so the statement is
        compiled once and indexed lookups stay fast for thousands of keys."""
        col = self._key_cols[-1]
        if self.conn.dialect.name == "postgresql":
            return col == sa.any_(sa.bindparam("key_values", values,
                                               type_=postgresql.ARRAY(col.type)))
        listed = sa.func.json_each(sa.bindparam("key_values", json.dumps(
            [_json_key(v) for v in values]))).table_valued("value")
        return col.in_(sa.select(listed.c.value))

    def insert(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if self.conn.dialect.name == "postgresql":
            copy_rows(self.conn, self.table, rows)
            self._inserted += len(rows)
        elif self.conn.dialect.name == "sqlite":
            sqlite_insert_rows(self.conn, self.table, rows)
        else:
            self.conn.execute(self.table.insert(), rows)

    def insert_columns(self, columns: Columns | PreparedColumns, n: int) -> None:
        """Insert n rows given column by column (every column of the table), or made
        ready before (``PreparedColumns``)."""
        if not n:
            return
        append_columns(self.conn, self.table, columns)
        self._inserted += n

    def _refresh_statistics(self) -> None:
        """Before a key lookup on PostgreSQL: statistics taken before a large load
        describe a near-empty table, and the planner then picks an index that cannot
        serve the lookups and filters the whole table per batch. ANALYZE (it sees this
        transaction's rows) when the rows this import added have doubled since the
        last time. Only lookups need it: a first load that looks nothing up in its own
        table never waits for one."""
        if self.conn.dialect.name != "postgresql" or self._inserted < self._analyse_at:
            return
        self.conn.exec_driver_sql(f'ANALYZE "{self.table.name}"')
        self._analyse_at = self._inserted * 2

    def update(self, rows: list[dict[str, Any]], *, columns: Sequence[str]) -> None:
        if not rows:
            return
        where = [self.table.c.group_id == sa.bindparam("k_group_id")]
        where += [c == sa.bindparam(f"k_{c.name}") for c in self._key_cols]
        stmt = (self.table.update().where(*where)
                .values({c: sa.bindparam(f"v_{c}") for c in columns}))
        params = [{**{f"k_{k}": r[k] for k in ("group_id", *self.key)},
                   **{f"v_{c}": r.get(c) for c in columns}} for r in rows]
        self.conn.execute(stmt, params)


def append_rows(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Bulk insert into a table whose key the store numbers (versions, issues): every
    column but that key, in the rows' order."""
    if not rows:
        return
    names = [c.name for c in table.c if not (c.primary_key and c.autoincrement is True)]
    if conn.dialect.name == "postgresql":
        copy_rows(conn, table, rows, names)
    elif conn.dialect.name == "sqlite":
        sqlite_insert_rows(conn, table, rows, names)
    else:
        conn.execute(table.insert(), rows)


class PreparedColumns:
    """Rows given column by column, made ready to insert into a table: on PostgreSQL
    their COPY text (None: written row by row) is made here, so that one thread can make
    it while another sends the batch before (see ``run._Run._insert_chunk``)."""

    def __init__(self, table: sa.Table, columns: Columns, *, dialect: str) -> None:
        self.table, self.columns = table, columns
        self.n = len(next(iter(columns.values()))) if columns else 0
        self.text = (copy_text(table, columns) if dialect == "postgresql" and self.n
                     else None)


def prepare_columns(conn: sa.Connection, table: sa.Table, columns: Columns
                    ) -> PreparedColumns:
    """Rows given column by column, made ready for ``append_columns`` (the connection is
    not used: only its dialect is read)."""
    return PreparedColumns(table, columns, dialect=conn.dialect.name)


def append_columns(conn: sa.Connection, table: sa.Table,
                   columns: Columns | PreparedColumns) -> None:
    """Bulk insert of rows given column by column: the columns given (a key the store
    numbers is left out and numbered by it), or made ready before."""
    if not isinstance(columns, PreparedColumns):
        columns = prepare_columns(conn, table, columns)
    if not columns.n:
        return
    if conn.dialect.name == "postgresql":
        copy_columns(conn, columns)
    elif conn.dialect.name == "sqlite":
        sqlite_insert_columns(conn, table, columns.columns)
    else:
        names = list(columns.columns)
        conn.execute(table.insert(), [dict(zip(names, values, strict=True)) for values
                                      in zip(*columns.columns.values(), strict=True)])


def copy_rows(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]],
              names: list[str] | None = None) -> None:
    """Bulk insert with PostgreSQL COPY (column names from the schema, values as fields)."""
    names = names or [c.name for c in table.c]
    json_cols = {c.name for c in table.c if isinstance(c.type, sa.JSON)}
    quoted = ", ".join(f'"{n}"' for n in names)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([_copy_value(row.get(n), n in json_cols) for n in names])
    finally:
        cursor.close()


def sqlite_insert_rows(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]],
                     names: list[str] | None = None) -> None:
    """Bulk insert into SQLite of rows given as dictionaries (``insert_many``), values
    converted by the column types' own bind processors (what SQLAlchemy would do,
    without its per-row work)."""
    names = names or [c.name for c in table.c]
    columns = []
    for name in names:
        process = table.c[name].type._cached_bind_processor(conn.dialect)
        values = [row.get(name) for row in rows]
        columns.append(values if process is None else
                       [None if v is None else process(v) for v in values])
    insert_many(conn, table, names, columns)


def _driver_rows(conn: sa.Connection, stmt: sa.Select) -> list[tuple]:
    """A select's rows straight from the driver's cursor (bound values converted as
    SQLAlchemy converts them), without building result rows: for key lookups."""
    return [row for rows in driver_batches(conn, stmt, None) for row in rows]


def driver_batches(conn: sa.Connection, stmt: sa.Select, size: int | None
                   ) -> Iterator[list[tuple]]:
    """A select's rows straight from the driver's cursor, ``size`` at a time (None: all
    at once), as tuples: bound values converted as SQLAlchemy converts them, result
    values as the driver gives them (for text columns, what SQLAlchemy gives too)."""
    compiled = stmt.compile(dialect=conn.dialect)
    params = compiled.construct_params()
    for name, process in compiled._bind_processors.items():
        if params.get(name) is not None:
            params[name] = process(params[name])  # type: ignore[operator]
    args: Any = (tuple(params[k] for k in compiled.positiontup or ())
                 if compiled.positional else params)
    driver = conn.connection.driver_connection
    # a large result on PostgreSQL is read through a server-side cursor, a batch at a time
    cursor = (driver.cursor(name="dealerreach_batches")  # type: ignore[union-attr]
              if size is not None and conn.dialect.name == "postgresql"
              else driver.cursor())  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), args)
        while rows := (cursor.fetchall() if size is None else cursor.fetchmany(size)):
            yield [tuple(row) for row in rows]
            if size is None:
                break
    finally:
        cursor.close()


def copy_columns(conn: sa.Connection, prepared: PreparedColumns) -> None:
    """Bulk insert of rows given column by column (the columns given), with PostgreSQL
    COPY: the rows' text made at once (``copy_text``), else written row by row."""
    table, columns, text = prepared.table, prepared.columns, prepared.text
    names = list(columns)
    quoted = ", ".join(f'"{n}"' for n in names)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            if text is not None:
                copy.write(text)
                return
            write = copy.write_row
            lists = [_copy_values(table.c[n].type, columns[n]) for n in names]
            for row in zip(*lists, strict=True):
                write(row)
    finally:
        cursor.close()


def _copy_values(column_type: Any, values: Sequence[Any]) -> Sequence[Any]:
    """A column's values for COPY: days and times as the text PostgreSQL reads them as
    (what psycopg would send, made here more cheaply: text is the quickest value for
    COPY to write), JSON as its text, the rest as they are."""
    kind = type(column_type)
    if kind is sa.Date:
        return memo_of(date.isoformat).all(values)
    if kind is sa.DateTime:
        return [v.isoformat(" ", "microseconds") if type(v) is datetime and v.tzinfo is None
                else v for v in values]
    if isinstance(column_type, sa.JSON):
        return [None if v is None else json.dumps(v) for v in values]
    return values


def sqlite_insert_columns(conn: sa.Connection, table: sa.Table, columns: Columns
                          ) -> None:
    """Bulk insert into SQLite of rows given column by column (``insert_many``), values
    converted by the column types' own bind processors (the columns given)."""
    names = list(columns)
    lists = [_driver_values(table.c[n].type, conn.dialect, as_list(columns[n]))
             for n in names]
    insert_many(conn, table, names, lists)


#: the most rows one multi-row INSERT of SQLite takes (bounded by its variable limit)
MANY_ROWS = 2000


def insert_many(conn: sa.Connection, table: sa.Table, names: list[str],
                columns: list[list]) -> None:
    """Insert rows given column by column (one list per name, values as the driver
    takes them) into SQLite with multi-row ``INSERT ... VALUES (...), (...)``
    statements of up to ``MANY_ROWS`` rows (the rest by ``executemany``).

    Python's sqlite3 lets go of the interpreter lock while SQLite works on a statement;
    ``executemany`` does that for every row, and while the import's reading thread runs
    Python code, taking the lock back can wait a whole switch interval each time. One
    statement for many rows lets SQLite's work run beside the reading thread."""
    n = len(columns[0]) if columns else 0
    if not n:
        return
    driver = conn.connection.driver_connection
    width = len(names)
    per = max(1, min(MANY_ROWS, driver.getlimit(  # type: ignore[union-attr]
        sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width))
    quoted = ", ".join(f'"{n}"' for n in names)
    head = f'INSERT INTO "{table.name}" ({quoted}) VALUES '
    one = f"({', '.join('?' * width)})"
    whole = n - n % per if per > 1 else 0
    cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        if whole:
            sql = head + ", ".join([one] * per)
            flat: list = [None] * (whole * width)  # row after row, interleaved in C
            for at, values in enumerate(columns):
                flat[at::width] = values[:whole]
            step = per * width
            for start in range(0, len(flat), step):
                cursor.execute(sql, flat[start:start + step])
        if whole < n:
            cursor.executemany(head + one, list(zip(*(c[whole:] for c in columns),
                                                    strict=True)))
    except sqlite3.IntegrityError as exc:  # as SQLAlchemy would raise it
        raise sa.exc.IntegrityError(head, None, exc) from exc
    finally:
        cursor.close()


def _driver_values(column_type: Any, dialect: sa.Dialect, values: list) -> list:
    """A column's values as SQLite's driver takes them: what the type's bind processor
    gives, by quicker ways where the result is the same."""
    process = column_type._cached_bind_processor(dialect)
    kind = type(column_type)
    if process is None or kind is sa.Boolean:
        # sqlite3 binds True and False as the integers 1 and 0, as the processor does
        return values
    if kind is sa.Date or kind is sa.Numeric:  # few distinct days and amounts
        return memo_of(process).all(values)
    if kind is sa.DateTime:
        return [None if v is None else v.isoformat(" ", "microseconds")
                if type(v) is datetime and v.tzinfo is None else process(v) for v in values]
    return [None if v is None else process(v) for v in values]


def _copy_value(value: Any, is_json: bool) -> Any:
    if is_json and value is not None:
        return json.dumps(value)
    return value


def merge(stored: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """The row after an upsert: stored values, overwritten by the columns the file has."""
    merged = dict(stored) if stored is not None else {}
    merged.update(new)
    return merged


def merge_extra(stored: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict | None:
    """Unknown columns: the file's values win; an empty cell makes the value unknown."""
    merged = dict(stored or {})
    for name, value in new.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged or None


def differs(stored: Mapping[str, Any], merged: Mapping[str, Any], columns: Iterable[str]) -> bool:
    return any(stored.get(c) != merged.get(c) for c in columns)


def _by_prefix(keys: list[Key]) -> dict[tuple, list[Any]]:
    """Keys grouped by all their columns but the last (few groups: rooftop ids)."""
    groups: dict[tuple, list[Any]] = {}
    for key in keys:
        groups.setdefault(key[:-1], []).append(key[-1])
    return groups


def _json_key(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
