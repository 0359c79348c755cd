"""The two ways the benchmark loads a group: each engine's raw loader, and dealerreach.

The raw loaders are the floor to compare with: ``csv.reader`` rows go straight into the
same schema's tables, text cells as they are (an empty cell is NULL), with nothing
checked, cleaned, merged or resolved. They do only what the table needs to take the row
at all: the group id, unknown columns as the ``extra`` JSON (as the import stores them)
and the valuation key, which the table needs and the file does not hold.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import sqlalchemy as sa

from dealerreach.ingest.spec import FILES
from dealerreach.settings import Settings
from dealerreach.storage import schema

Progress = Callable[[str], None]
Row = tuple[str | bool | None, ...]


def group_files(folder: Path) -> list[tuple[str, Path]]:
    """(canonical file name, path) of the group's files, in the import's reading order."""
    return [(spec.name, folder / spec.name) for spec in FILES
            if (folder / spec.name).is_file()]


@dataclass(frozen=True)
class RawPlan:
    """How one file's rows become rows of its table, for a raw loader."""

    table: sa.Table
    columns: list[str]
    _shape: Callable[[list[str]], Row]

    @classmethod
    def for_file(cls, name: str, header: list[str], *, group_id: str) -> RawPlan:
        table = schema.RECORD_TABLES[name]
        known = [i for i, h in enumerate(header) if h in table.c]
        unknown = [(i, h) for i, h in enumerate(header) if h not in table.c]
        columns = ["group_id", *(header[i] for i in known)]
        tail: Row = ()
        if "is_bare" in table.c:  # NOT NULL, and the file's rows are records, not bare
            columns.append("is_bare")
            tail = (False,)
        if not unknown:
            def shape(cells: list[str]) -> Row:
                return (group_id, *[c or None for c in cells], *tail)
        else:
            columns.append("extra")

            def shape(cells: list[str]) -> Row:
                extra = {h: cells[i] for i, h in unknown if cells[i]}
                return (group_id, *[cells[i] or None for i in known], *tail,
                        json.dumps(extra) if extra else None)
        if name == "valuations.csv":
            columns.append("valuation_key")
            at = {h: i for i, h in enumerate(header)}
            inner = shape

            def shape(cells: list[str]) -> Row:
                return (*inner(cells), _valuation_key(cells, at))
        return cls(table, columns, shape)

    def rows(self, reader: Iterable[list[str]]) -> Iterator[Row]:
        shape = self._shape
        return (shape(cells) for cells in reader)


def _valuation_key(cells: list[str], at: dict[str, int]) -> str:
    vin = cells[at["vin"]] if "vin" in at else ""
    if vin:
        return "vin:" + vin
    return "model:" + "|".join(cells[at[c]] if c in at else ""
                               for c in ("year", "make", "model", "trim"))


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def raw_sqlite(database: Path, folder: Path, *, group_id: str,
               progress: Progress) -> int:
    """One transaction, one ``executemany`` per file, stdlib ``sqlite3``; rows loaded.
    The connection has the settings an import's connection has."""
    con = sqlite3.connect(database, isolation_level=None)
    total = 0
    try:
        con.execute("PRAGMA synchronous=NORMAL")  # the store's own setting
        # and an import's: its page cache and sorting in memory
        cache_mb = Settings.from_env().import_sqlite_cache_mb
        con.execute(f"PRAGMA cache_size = {-1024 * cache_mb}")
        con.execute("PRAGMA temp_store = MEMORY")
        con.execute("BEGIN IMMEDIATE")
        for name, path in group_files(folder):
            progress(name)
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                plan = RawPlan.for_file(name, next(reader), group_id=group_id)
                marks = ", ".join("?" * len(plan.columns))
                cur = con.executemany(
                    f'INSERT INTO "{plan.table.name}" ({_quoted(plan.columns)}) '
                    f"VALUES ({marks})", plan.rows(reader))
                total += cur.rowcount
        con.execute("COMMIT")
    finally:
        con.close()
    return total


def raw_postgres(dsn: str, folder: Path, *, group_id: str, progress: Progress) -> int:
    """One transaction, one ``COPY ... FROM STDIN`` per file (``write_row``); rows loaded."""
    total = 0
    with psycopg.connect(dsn) as conn, conn.transaction(), conn.cursor() as cur:
        for name, path in group_files(folder):
            progress(name)
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                plan = RawPlan.for_file(name, next(reader), group_id=group_id)
                with cur.copy(f'COPY "{plan.table.name}" ({_quoted(plan.columns)}) '
                              "FROM STDIN") as copy:
                    write = copy.write_row
                    for row in plan.rows(reader):
                        write(row)
                total += cur.rowcount
    return total


def dealerreach_import(engine: sa.Engine, folder: Path, *, group_id: str,
                       progress: Progress) -> dict:
    """The product's own import, everything on; its report as JSON."""
    reported: dict[str, int] = {}

    def on_progress(name: str, done: int) -> None:
        if done - reported.get(name, -10**9) >= 50_000:
            reported[name] = done
            progress(f"{name} {done:,}")

    # imported here: the raw loaders' memory then does not include the import's modules
    from dealerreach.ingest.run import import_path

    settings = Settings.from_env()  # as `dealerreach import` runs it
    report = import_path(engine, folder, group_id=group_id, progress=on_progress,
                         batch_rows=settings.import_batch_rows,
                         sqlite_cache_mb=settings.import_sqlite_cache_mb)
    if report.status != "completed":
        raise SystemExit(f"import refused: {report.message}")
    return report.as_json()


def stored_counts(engine: sa.Engine, *, group_id: str) -> dict[str, int]:
    """Rows per record table (and customer versions) of the group."""
    tables = [*schema.RECORD_TABLES.values(), schema.customer_versions]
    with engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)
                                     .where(t.c.group_id == group_id)).scalar_one()
                for t in tables}
