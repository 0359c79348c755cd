"""One import run: read, clean, check references, upsert, keep history, resolve identity.

The whole run is one transaction: a refused or killed import leaves the store exactly
as it was. A refused import is then recorded on its own, so the history shows it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pyarrow as pa
import sqlalchemy as sa

from dealerreach.clock import Clock, SystemClock
from dealerreach.ingest.clean import NO_VALUATION_KEY, CellContext, valuation_key
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
from dealerreach.ingest.rows import Chunk, Issue, Record, RowReader
from dealerreach.ingest.source import ImportRefused, ImportSource
from dealerreach.ingest.spec import BY_NAME, CUSTOMER_REFERENCES, VEHICLE_REFERENCES, FileSpec
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
#: the columns a valuation's key is made of (``clean.valuation_key``)
VALUATION_KEY_COLUMNS = ("vin", "year", "make", "model", "trim")
#: files other files refer to, and the key columns a reference names
REFERENCED = {"customers.csv": ("rooftop_id", "customer_id"), "vehicles.csv": ("vin",),
              "repair_orders.csv": ("rooftop_id", "ro_number")}
#: how many issues a report keeps in memory to show; all are stored
SHOWN_ISSUES = 1000


@dataclass
class ImportReport:
    import_id: int | None
    group_id: str
    source: str
    profile: str
    status: str  # "completed" | "refused"
    message: str | None = None
    files: dict[str, Counts] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    warnings: int = 0
    rejected: int = 0
    bare_vehicles: int = 0
    bare_rooftops: int = 0
    #: records whose person or household resolving the group changed (a first load's
    #: customers are stored with their own, so only those joined to others count)
    persons_changed: int = 0
    duration_s: float = 0.0

    @property
    def changed_nothing(self) -> bool:
        return self.status == "completed" and not (
            self.bare_vehicles or self.bare_rooftops
            or any(c.inserted or c.updated for c in self.files.values()))

    def as_json(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "status": self.status,
            "message": self.message,
            "files": {name: c.as_dict() for name, c in self.files.items()},
            "warnings": self.warnings,
            "rejected": self.rejected,
            "bare_vehicles": self.bare_vehicles,
            "bare_rooftops": self.bare_rooftops,
            "changed_nothing": self.changed_nothing,
            "duration_s": round(self.duration_s, 3),
        }


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
        self.pending_issues: list[Issue] = []
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
        self._flush_issues(final=True)
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
                    chunk = self._with_valuation_keys(chunk, reader)
                if columnar:
                    stored = self._insert_chunk(spec, chunk, reader, counts)
                elif len(chunk):
                    self._writes.finish()
                    batch = self._check_references(spec, chunk.as_records(), reader)
                    if not (fresh and self._insert_new(spec, batch, counts)):
                        self._upsert(spec, batch, counts)
                    stored = Chunk(records=batch)
                if keys is not None and len(chunk):
                    keys.add(stored_columns(stored, REFERENCED[spec.name]))
                done = max(done, chunk.last_row - 1)
                self._take_issues(reader)
                if self.progress:
                    self.progress(spec.name, done)
        self._writes.finish()
        self._take_issues(reader)
        counts.rejected = reader.rejected
        counts.read = counts.inserted + counts.updated + counts.unchanged + counts.rejected
        if self.progress:
            self.progress(spec.name, counts.read)
        if spec.name == "rooftops.csv":
            self._load_rooftops()
        if keys is not None and (index := keys.index()) is not None:
            self.key_index[spec.name] = index
        return counts

    def _known(self, target: str, keys: Sequence[tuple | None]) -> list[bool]:
        """Per reference (None: empty), whether the target table holds its key."""
        index = self.key_index.get(target)
        if index is not None:
            return index.contains(keys)
        known = self.stores[target].existing_keys(k for k in keys if k is not None)
        return [k is not None and k in known for k in keys]

    # -- cleaning context ------------------------------------------------------------

    def _load_rooftops(self) -> None:
        t = schema.rooftops
        rows = self.conn.execute(sa.select(t.c.rooftop_id, t.c.country)
                                 .where(t.c.group_id == self.group_id))
        self.rooftop_country = {r.rooftop_id: r.country for r in rows}

    def _context_for(self, rooftop_cell: str) -> CellContext:
        rooftop = rooftop_cell.strip()
        country = self.rooftop_country.get(rooftop) or self.default_country
        ctx = self._contexts.get(country)
        if ctx is None:
            ctx = self._contexts[country] = CellContext(country=country)
        return ctx

    # -- references --------------------------------------------------------------------

    def _check_references(self, spec: FileSpec, batch: list[Record],
                          reader: RowReader) -> list[Record]:
        if spec.column("rooftop_id") and spec.name != "rooftops.csv":
            self._create_bare_rooftops(spec, batch)
        if spec.name in CUSTOMER_REFERENCES:
            batch = self._require(batch, reader, target="customers.csv",
                                  columns=("rooftop_id", "customer_id"), what="customer")
        if spec.name == "ro_lines.csv":
            batch = self._require(batch, reader, target="repair_orders.csv",
                                  columns=("rooftop_id", "ro_number"), what="repair order")
        if spec.name == "valuations.csv":
            batch = self._valuation_keys(batch, reader)
        if spec.name in VEHICLE_REFERENCES:
            self._create_bare_vehicles(batch, columns=VEHICLE_REFERENCES[spec.name])
        return batch

    def _require(self, batch: list[Record], reader: RowReader, *, target: str,
                 columns: tuple[str, str], what: str) -> list[Record]:
        first, last = columns
        keys: list[tuple | None] = [
            None if (v := rec.values).get(last) in (None, "") else (v.get(first), v.get(last))
            for rec in batch]
        known = self._known(target, keys)
        kept = []
        for rec, k, found in zip(batch, keys, known, strict=True):
            if k is None or found:
                kept.append(rec)
            else:
                reader.reject(rec, column=columns[-1],
                              reason=f"{what} {k[0]}/{k[1]} is in neither this import "
                                     "nor the store")
        return kept

    def _valuation_keys(self, batch: list[Record], reader: RowReader) -> list[Record]:
        kept = []
        for rec in batch:
            key = valuation_key(*(rec.values.get(c) for c in VALUATION_KEY_COLUMNS))
            if key is None:
                reader.reject(rec, column="vin", reason=NO_VALUATION_KEY)
                continue
            rec.values["valuation_key"] = key
            kept.append(rec)
        return kept

    def _with_valuation_keys(self, chunk: Chunk, reader: RowReader) -> Chunk:
        """A chunk of valuations with their keys, rows that name no vehicle rejected."""
        rows = ChunkRows(chunk)
        keys = [valuation_key(*values) for values in zip(
            *(rows.column(c) for c in VALUATION_KEY_COLUMNS), strict=True)]
        for at, key in enumerate(keys):
            if key is None:
                rows.reject(at, reader, column="vin", reason=NO_VALUATION_KEY)
        rows.set_column("valuation_key", keys)
        return rows.kept_chunk()

    def _create_bare_rooftops(self, spec: FileSpec, batch: list[Record]) -> None:
        for rec in batch:
            rooftop = rec.values.get("rooftop_id")
            if rooftop and rooftop not in self.rooftop_country:
                self.stores["rooftops.csv"].insert([_bare_row(
                    schema.rooftops, group_id=self.group_id, rooftop_id=rooftop)])
                self.rooftop_country[str(rooftop)] = None
                self.report.bare_rooftops += 1
                self._add_issue(Issue("warning", self._display(spec), rec.row, "rooftop_id",
                                      str(rooftop), "rooftop not in rooftops.csv nor the "
                                      "store: a bare rooftop record was created"))

    def _create_bare_vehicles(self, batch: list[Record], *, columns: tuple[str, ...]) -> None:
        self._create_bare_vehicle_keys(
            {str(rec.values[c]) for rec in batch for c in columns if rec.values.get(c)})

    def _create_bare_vehicle_keys(self, vins: set[str]) -> None:
        self._store_bare_vehicles(self._unknown_vehicles(vins))

    def _unknown_vehicles(self, vins: set[str]) -> list[str]:
        """The VINs, in order, that neither this import nor the store has a vehicle of
        (looked up in the store unless the vehicles' keys are in memory)."""
        ordered = sorted(vins)
        index = self.key_index.get("vehicles.csv")
        known = (index.contains_columns([pa.array(ordered, pa.string())]).tolist()
                 if index is not None else self._known("vehicles.csv", [(v,) for v in ordered]))
        return [v for v, is_known in zip(ordered, known, strict=True) if not is_known]

    def _store_bare_vehicles(self, vins: list[str]) -> None:
        """Bare vehicle records for VINs no vehicle has."""
        self.stores["vehicles.csv"].insert([
            _bare_row(schema.vehicles, group_id=self.group_id, vin=v) for v in vins])
        if "vehicles.csv" in self.key_index:
            self.key_index["vehicles.csv"].add((v,) for v in vins)
        self.report.bare_vehicles += len(vins)

    # -- upsert ----------------------------------------------------------------------

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
        if any(target not in self.key_index for target in _references(spec)):
            self._writes.finish()  # references are looked up in the store
        if spec.name in CUSTOMER_REFERENCES:
            self._require_columns(rows, reader, target="customers.csv",
                                  columns=("rooftop_id", "customer_id"), what="customer")
        if spec.name == "ro_lines.csv":
            self._require_columns(rows, reader, target="repair_orders.csv",
                                  columns=("rooftop_id", "ro_number"), what="repair order")
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
        bare_vins = self._unknown_vehicles(vins) if "vehicles.csv" in self.key_index else None
        self._writes.finish()
        if new_rooftops:
            self._create_bare_rooftops(spec, [Record(row, {"rooftop_id": r})
                                              for row, r in rows.in_order("rooftop_id")])
        self._store_bare_vehicles(self._unknown_vehicles(vins) if bare_vins is None
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

    def _require_columns(self, rows: ChunkRows, reader: RowReader, *, target: str,
                         columns: tuple[str, str], what: str) -> None:
        """Reject the rows whose reference is in neither this import nor the store
        (a row with an empty reference refers to nothing)."""
        index = self.key_index.get(target)
        if index is not None:
            parts = [rows.key_column(c) for c in columns]
            unknown = np.flatnonzero(~index.contains_columns(parts)).tolist()
            if not unknown:
                return
        first, last = (rows.column(c) for c in columns)
        if index is None:
            keys = [None if b in (None, "") else (a, b) for a, b in zip(first, last, strict=True)]
            unknown = [n for n, known in enumerate(self._known(target, keys)) if not known]
        for n in unknown:
            if last[n] not in (None, ""):
                rows.reject(n, reader, column=columns[-1],
                            reason=f"{what} {first[n]}/{last[n]} is in neither this import "
                                   "nor the store")

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

    # -- issues ----------------------------------------------------------------------

    def _take_issues(self, reader: RowReader) -> None:
        for issue in reader.issues:
            self._add_issue(issue)
        reader.issues.clear()
        self._flush_issues()

    def _add_issue(self, issue: Issue) -> None:
        if issue.severity == "warning":
            self.report.warnings += 1
        else:
            self.report.rejected += 1
        if len(self.report.issues) < SHOWN_ISSUES:
            self.report.issues.append(issue)
        self.pending_issues.append(issue)

    def _flush_issues(self, *, final: bool = False) -> None:
        if not self.pending_issues or (len(self.pending_issues) < 5000 and not final):
            return
        self._writes.finish()
        append_rows(self.conn, schema.import_issues, [
            {"import_id": self.report.import_id, "severity": i.severity, "file": i.file,
             "row": i.row, "column": i.column, "value": i.value, "reason": i.reason,
             "record": i.record}
            for i in self.pending_issues])
        self.pending_issues.clear()

    def _display(self, spec: FileSpec) -> str:
        return self.profile.file_name(spec.name)


def _references(spec: FileSpec) -> list[str]:
    """The files whose records a file's rows must name (checked before they are stored)."""
    targets = ["customers.csv"] if spec.name in CUSTOMER_REFERENCES else []
    return targets + (["repair_orders.csv"] if spec.name == "ro_lines.csv" else [])


def _compared(table: sa.Table) -> list[str]:
    return [c.name for c in table.c if not c.primary_key and c.name not in _DERIVED]


#: columns the identity step owns (an upsert never compares or writes them)
_DERIVED = ("person_id", "household_id")




def _bare_row(table: sa.Table, **values: Any) -> dict:
    """A record known only from a reference (columns left out are unknown)."""
    return {**values, "is_bare": True}
