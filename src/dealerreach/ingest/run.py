"""One import run: read, clean, check references, upsert, keep history, resolve identity.

The whole run is one transaction: a refused or killed import leaves the store exactly
as it was. A refused import is then recorded on its own, so the history shows it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from dealerreach.clock import Clock, SystemClock
from dealerreach.ingest.clean import CellContext
from dealerreach.ingest.column_values import Columns
from dealerreach.ingest.customer_rows import (
    created_version_columns,
    derive_identity_key_columns,
    derive_identity_keys,
    first_identity_columns,
    version,
)
from dealerreach.ingest.first_load import ChunkRows, defaults, new_columns, stored_columns
from dealerreach.ingest.identity import resolve_group
from dealerreach.ingest.key_index import KeyGatherer, KeyIndex
from dealerreach.ingest.profiles import Profile, get_profile
from dealerreach.ingest.read_ahead import read_ahead
from dealerreach.ingest.references import REFERENCED, References, referenced_files
from dealerreach.ingest.report import ImportReport, IssueLog
from dealerreach.ingest.rows import Chunk, Record, RowReader
from dealerreach.ingest.source import ImportRefused, ImportSource
from dealerreach.ingest.spec import BY_NAME, VEHICLE_REFERENCES, FileSpec
from dealerreach.ingest.upsert import (
    Counts,
    PreparedColumns,
    TableStore,
    append_columns,
    append_rows,
    differs,
    merge_extra,
    prepare_columns,
)
from dealerreach.ingest.writes import Writes
from dealerreach.storage import schema
from dealerreach.storage.engine import sqlite_import_pragmas

Progress = Callable[[str, int], None]
#: key columns ordered for lookups: the column with the most values in a batch last
LOOKUP_KEYS = {"ro_lines.csv": ("rooftop_id", "line_no", "ro_number"),
               "valuations.csv": ("as_of", "valuation_key")}
#: files a first load inserts column by column (the rest: record by record)
COLUMNAR = frozenset({"customers.csv", "vehicles.csv", "deals.csv", "repair_orders.csv",
                      "ro_lines.csv", "leads.csv", "valuations.csv"})
def import_path(engine: sa.Engine, path: Path, *, group_id: str, profile: str = "canonical",
                clock: Clock | None = None, progress: Progress | None = None,
                batch_rows: int = 20000, default_country: str = "US",
                vectorised: bool = True, sqlite_cache_mb: int = 256) -> ImportReport:
    """Import a folder or .zip in the canonical format (or a vendor profile's layout).

    ``vectorised=False`` cleans every cell per row (the vectorised path gives the same
    store and report; the switch is there to compare the two). On SQLite the import's
    connection gets a page cache of ``sqlite_cache_mb`` and sorts in memory."""
    clock = clock or SystemClock()
    started = time.perf_counter()
    report = ImportReport(None, group_id, str(path), profile, "refused")
    try:
        chosen = get_profile(profile)
    except KeyError as exc:
        return _record_refusal(engine, report, message=exc.args[0], clock=clock,
                               started=started)
    try:
        with ImportSource(Path(path), profile=chosen) as source:
            source.check_headers()
            with (engine.execution_options(immediate=True).connect() as conn,
                  sqlite_import_pragmas(conn, cache_mb=sqlite_cache_mb), conn.begin()):
                run = _Run(conn, source=source, profile=chosen, report=report, clock=clock,
                           progress=progress, batch_rows=batch_rows,
                           default_country=default_country, vectorised=vectorised)
                run.execute(started=started)
    except ImportRefused as exc:
        return _record_refusal(engine, report, message=str(exc), clock=clock, started=started)
    return report


def _record_refusal(engine: sa.Engine, report: ImportReport, *, message: str, clock: Clock,
                    started: float) -> ImportReport:
    fresh = ImportReport(None, report.group_id, report.source, report.profile, "refused",
                         message=message, duration_s=time.perf_counter() - started)
    now = clock.now()
    with engine.begin() as conn:
        _ensure_group(conn, group_id=report.group_id, now=now)
        fresh.import_id = conn.execute(schema.imports.insert().values(
            group_id=report.group_id, source=report.source, profile=report.profile,
            status="refused", message=message, started_at=now, finished_at=now,
            duration_s=fresh.duration_s, files={}, warnings=0, rejected=0,
        ).returning(schema.imports.c.import_id)).scalar_one()
    return fresh


def _ensure_group(conn: sa.Connection, *, group_id: str, now: Any) -> None:
    exists = conn.execute(sa.select(schema.groups.c.group_id)
                          .where(schema.groups.c.group_id == group_id)).first()
    if exists is None:
        conn.execute(schema.groups.insert().values(group_id=group_id, name=group_id,
                                                   created_at=now))


class _Run:
    def __init__(self, conn: sa.Connection, *, source: ImportSource, profile: Profile,
                 report: ImportReport, clock: Clock, progress: Progress | None,
                 batch_rows: int, default_country: str, vectorised: bool) -> None:
        self.conn, self.source, self.profile, self.report = conn, source, profile, report
        self.clock, self.progress, self.batch_rows = clock, progress, batch_rows
        self.group_id = report.group_id
        self.now = clock.now()
        self.default_country = default_country
        self.vectorised = vectorised
        self.stores = {name: TableStore(conn, table, group_id=self.group_id,
                                        key=LOOKUP_KEYS.get(name, BY_NAME[name].key))
                       for name, table in schema.RECORD_TABLES.items()}
        self.rooftop_country: dict[str, str | None] = {}
        self._contexts: dict[str, CellContext] = {}
        #: the keys of a referenced file's table, when this import brought its first
        #: records (references to it are then checked in memory)
        self.key_index: dict[str, KeyIndex] = {}
        #: first-load writes: on a second thread on PostgreSQL, in turn elsewhere
        self._writes = Writes(beside=conn.dialect.name == "postgresql")
        self.issues = IssueLog(conn, report, before_write=self._writes.finish)
        self.refs = References(stores=self.stores, group_id=self.group_id,
                               rooftop_country=self.rooftop_country,
                               key_index=self.key_index, counts=report,
                               add_issue=self.issues.add)

    # -- the run ---------------------------------------------------------------------

    def execute(self, *, started: float) -> None:
        _ensure_group(self.conn, group_id=self.group_id, now=self.now)
        self.report.import_id = self.conn.execute(schema.imports.insert().values(
            group_id=self.group_id, source=self.report.source, profile=self.report.profile,
            status="running", started_at=self.now, files={}, warnings=0, rejected=0,
        ).returning(schema.imports.c.import_id)).scalar_one()
        self._load_rooftops()
        with closing(self._writes):
            for spec in self.source.present():
                self.report.files[spec.name] = self._import_file(spec)
        if "customers.csv" in self.report.files:
            self.report.persons_changed = resolve_group(self.conn, group_id=self.group_id)
        self.issues.flush(final=True)
        self.report.status = "completed"
        self.report.duration_s = time.perf_counter() - started
        self._finish_record()

    def _finish_record(self) -> None:
        r = self.report
        self.conn.execute(schema.imports.update()
                          .where(schema.imports.c.import_id == r.import_id)
                          .values(status="completed", finished_at=self.clock.now(),
                                  duration_s=r.duration_s, warnings=r.warnings,
                                  rejected=r.rejected,
                                  files=r.as_json()["files"]))

    def _import_file(self, spec: FileSpec) -> Counts:
        opened = self.source.open(spec, blocks=self.vectorised)
        reader = RowReader(opened, self.profile, self._context_for,
                           vectorised=self.vectorised, chunk_rows=self.batch_rows)
        counts = Counts()
        done = 0
        fresh = not self.stores[spec.name].has_rows()
        # the keys of a referenced file's first records, for references to them
        keys = KeyGatherer() if fresh and self.vectorised and spec.name in REFERENCED else None
        chunks = read_ahead(reader) if self.vectorised else reader.chunks()
        # a failure here stops the reading thread at once, and waits for a write
        with closing(chunks), self._writes.waited():
            for chunk in chunks:
                columnar = bool(chunk.rows) and fresh and spec.name in COLUMNAR
                if columnar and spec.name == "valuations.csv":
                    chunk = self.refs.with_valuation_keys(chunk, reader)
                if columnar:
                    stored = self._insert_chunk(spec, chunk, reader, counts)
                elif len(chunk):
                    self._writes.finish()
                    batch = self.refs.checked(spec, chunk.as_records(), reader,
                                              shown_name=self._display(spec))
                    if not (fresh and self._insert_new(spec, batch, counts)):
                        self._upsert(spec, batch, counts)
                    stored = Chunk(records=batch)
                if keys is not None and len(chunk):
                    keys.add(stored_columns(stored, REFERENCED[spec.name]))
                done = max(done, chunk.last_row - 1)
                self.issues.take(reader)
                if self.progress:
                    self.progress(spec.name, done)
        self._writes.finish()
        self.issues.take(reader)
        counts.rejected = reader.rejected
        counts.read = counts.inserted + counts.updated + counts.unchanged + counts.rejected
        if self.progress:
            self.progress(spec.name, counts.read)
        if spec.name == "rooftops.csv":
            self._load_rooftops()
        if keys is not None and (index := keys.index()) is not None:
            self.key_index[spec.name] = index
        return counts

    # -- cleaning context ------------------------------------------------------------

    def _load_rooftops(self) -> None:
        t = schema.rooftops
        rows = self.conn.execute(sa.select(t.c.rooftop_id, t.c.country)
                                 .where(t.c.group_id == self.group_id))
        self.rooftop_country.clear()  # the same dictionary the references read
        self.rooftop_country.update((r.rooftop_id, r.country) for r in rows)

    def _context_for(self, rooftop_cell: str) -> CellContext:
        rooftop = rooftop_cell.strip()
        country = self.rooftop_country.get(rooftop) or self.default_country
        ctx = self._contexts.get(country)
        if ctx is None:
            ctx = self._contexts[country] = CellContext(country=country)
        return ctx

    # -- first loads by columns ---------------------------------------------------------

    def _insert_chunk(self, spec: FileSpec, chunk: Chunk, reader: RowReader,
                      counts: Counts) -> Chunk:
        """A chunk of a file whose records the group had none of before: references
        checked and rows inserted column by column, without lookups. A key that an
        earlier chunk brought, or that comes twice in this one, is refused by the
        store's key: the chunk is then rolled back to a savepoint and upserted row by
        row. Returns the rows stored (those not rejected).

        On PostgreSQL the chunk is written by a second thread (``_writes``) while this
        one prepares the next: the server then works while the next rows are made."""
        rows = ChunkRows(chunk)
        if any(target not in self.key_index for target in referenced_files(spec)):
            self._writes.finish()  # references are looked up in the store
        self.refs.require_columns(spec, rows, reader)
        table = schema.RECORD_TABLES[spec.name]
        kept = rows.kept_chunk()
        columns = new_columns(table, spec, kept, group_id=self.group_id)
        if table is schema.customers:
            derive_identity_key_columns(columns)
            first_identity_columns(columns)
        records = [self._merged(table, spec, None, rec) for rec in kept.records]
        # worked out while the batch before is written: the COPY texts, which bare
        # records are needed (they are stored after it)
        rows_ready, versions = self._prepared(table, columns)
        new_rooftops = bool(spec.column("rooftop_id")) and bool(
            rows.distinct(("rooftop_id",), rejected=True) - self.rooftop_country.keys())
        vins = (rows.distinct(VEHICLE_REFERENCES[spec.name])
                if spec.name in VEHICLE_REFERENCES else set())
        bare_vins = (self.refs.unknown_vehicles(vins) if "vehicles.csv" in self.key_index
                     else None)
        self._writes.finish()
        if new_rooftops:
            self.refs.create_bare_rooftops([Record(row, {"rooftop_id": r})
                                            for row, r in rows.in_order("rooftop_id")],
                                           shown_name=self._display(spec))
        self.refs.store_bare_vehicles(self.refs.unknown_vehicles(vins) if bare_vins is None
                                      else bare_vins)
        self._writes.start(partial(self._write_new, self.stores[spec.name], rows_ready,
                                   records, len(kept.rows), versions=versions),
                           inserted=partial(self._inserted, counts, len(kept)),
                           refused=lambda: self._upsert(spec, kept.as_records(), counts))
        return kept

    def _prepared(self, table: sa.Table, columns: Columns
                  ) -> tuple[PreparedColumns, PreparedColumns | None]:
        """A first load's new rows, and the first versions of new customers, made ready
        to write (on PostgreSQL their COPY texts)."""
        versions = None
        if table is schema.customers:
            versions = prepare_columns(self.conn, schema.customer_versions,
                                       created_version_columns(
                                           columns, import_id=self.report.import_id,
                                           now=self.now))
        return prepare_columns(self.conn, table, columns), versions

    def _write_new(self, store: TableStore, columns: PreparedColumns, records: list[dict],
                   n: int, *, versions: PreparedColumns | None) -> None:
        """New records of a first load, and the first versions of new customers (those
        given as columns made ready, then those given as rows), in a savepoint (a key
        the store already holds rolls them back)."""
        with self.conn.begin_nested():
            store.insert_columns(columns, n)
            store.insert(records)
            if versions is not None:
                append_columns(self.conn, schema.customer_versions, versions)
                self._add_created_row_versions(records)

    @staticmethod
    def _inserted(counts: Counts, n: int) -> None:
        counts.inserted += n

    def _add_created_row_versions(self, rows: list[dict]) -> None:
        """The first version of each new customer given as a row."""
        append_rows(self.conn, schema.customer_versions, [
            v for row in rows
            for v in version(None, row, import_id=self.report.import_id, now=self.now)])

    def _insert_new(self, spec: FileSpec, batch: list[Record], counts: Counts) -> bool:
        """Insert a batch of keys new to the store without looking them up, when the
        group had none of these records before this file: the store's key refuses a
        key an earlier batch brought, and the batch is then rolled back (to a savepoint)
        and upserted row by row. False when the batch is not all new keys."""
        store = self.stores[spec.name]
        keys = {tuple(rec.values[k] for k in store.key) for rec in batch}
        if len(keys) != len(batch):
            return False
        table = schema.RECORD_TABLES[spec.name]
        rows = [self._merged(table, spec, None, rec) for rec in batch]
        try:
            with self.conn.begin_nested():
                store.insert(rows)
                if spec.name == "customers.csv":
                    self._add_created_row_versions(rows)
        except (sa.exc.IntegrityError, psycopg.errors.IntegrityError):
            return False
        counts.inserted += len(rows)
        return True

    def _upsert(self, spec: FileSpec, batch: list[Record], counts: Counts) -> None:
        table = schema.RECORD_TABLES[spec.name]
        store = self.stores[spec.name]
        keyed = [(tuple(rec.values[k] for k in store.key), rec) for rec in batch]
        stored = store.fetch(k for k, _ in keyed)
        inserts: dict[tuple, dict] = {}
        updates: dict[tuple, dict] = {}
        versions: list[dict] = []
        for key, rec in keyed:
            before = inserts.get(key) or updates.get(key) or stored.get(key)
            row = self._merged(table, spec, before, rec)
            if before is not None and not differs(before, row, _compared(table)):
                counts.unchanged += 1
                continue
            (inserts if before is None or key in inserts else updates)[key] = row
            if before is None:
                counts.inserted += 1
            else:
                counts.updated += 1
            if spec.name == "customers.csv":
                versions.extend(version(before, row, import_id=self.report.import_id,
                                         now=self.now))
        store.insert(list(inserts.values()))
        store.update(list(updates.values()), columns=_compared(table))
        if versions:
            append_rows(self.conn, schema.customer_versions, versions)

    def _merged(self, table: sa.Table, spec: FileSpec, before: dict | None,
                rec: Record) -> dict:
        # a new record starts from the format's defaults; a stored one from what it holds
        base = before if before is not None else defaults(spec)
        row = {**base, "group_id": self.group_id, **rec.values}
        row["extra"] = merge_extra(before.get("extra") if before else None, rec.extra)
        if "is_bare" in table.c:
            row["is_bare"] = False
        if table is schema.customers:
            derive_identity_keys(row)
        return row

    def _display(self, spec: FileSpec) -> str:
        return self.profile.file_name(spec.name)


def _compared(table: sa.Table) -> list[str]:
    return [c.name for c in table.c if not c.primary_key and c.name not in _DERIVED]


#: columns the identity step owns (an upsert never compares or writes them)
_DERIVED = ("person_id", "household_id")
