"""A segment run: features and segments for a group on D, materialised into the store.

The rules run on the chosen engine; the result comes back as Arrow and is written in
one transaction (a re-run of a date replaces that date), together with the movements
since the previous run: which opportunities entered and left each segment. On the
``postgres`` engine the result never leaves the database (``jobs.segments_postgres``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from dealerreach.ahead import made_ahead
from dealerreach.features.config import RuleConfig
from dealerreach.jobs.analytics_copy import (
    current_copy,
    group_folder,
    refresh_copy,
)
from dealerreach.jobs.run_result import STORED_COLUMNS, compute
from dealerreach.jobs.run_sql import features_json, membership_changes
from dealerreach.jobs.segments_postgres import write_in_database
from dealerreach.segments.run_files import (
    new_features_path,
    remove_leftovers,
    runs_folder,
    write_features,
)
from dealerreach.storage import schema
from dealerreach.storage.arrow import adbc_connection, is_postgres
from dealerreach.storage.config import load_config

_OWN_COLUMNS = frozenset(STORED_COLUMNS)
Progress = Callable[[str], None]
#: opportunities written (and their features turned into JSON) at a time
WRITE_BATCH_ROWS = 50_000


@dataclass(frozen=True)
class SegmentRun:
    group_id: str
    as_of: date
    engine: str
    opportunities: int
    previous_as_of: date | None
    entered: int
    left: int
    duration_s: float


def _features_json(result: pa.Table) -> pa.Array:
    """Per row, the features without a column of their own and not null, as one JSON
    object (DuckDB over the Arrow result). ``stored_opportunity`` puts every feature
    back together, nulls included, from the run's ``feature_columns``."""
    kept = [name for name in result.column_names if name not in _OWN_COLUMNS]
    if not kept:
        return pa.array(["{}"] * result.num_rows, pa.string())
    con = duckdb.connect()
    try:
        con.register("result", result)
        rel = con.sql(f"SELECT {features_json(kept)} AS j FROM result r")
        return rel.to_arrow_table().column("j").cast(pa.string())
    finally:
        con.close()


def stored_batches(result: pa.Table, *, group_id: str, as_of: date,
                   batch_rows: int | None = None, as_json: bool = True,
                   ) -> Iterator[pa.Table]:
    """The store's rows of a run, ``batch_rows`` (default ``WRITE_BATCH_ROWS``) at a
    time: each is made (its features as JSON, unless not ``as_json``) just before it is
    written, so a whole run's JSON is never in memory at once."""
    size = batch_rows or WRITE_BATCH_ROWS
    for offset in range(0, result.num_rows, size):
        yield stored_rows(result.slice(offset, size), group_id=group_id, as_of=as_of,
                          as_json=as_json)


def stored_rows(result: pa.Table, *, group_id: str, as_of: date,
                as_json: bool = True) -> pa.Table:
    n = result.num_rows
    columns: dict[str, Any] = {"group_id": pa.array([group_id] * n, pa.string()),
                               "as_of": pa.array([as_of] * n, pa.date32())}
    for name in STORED_COLUMNS:
        columns[name] = result.column(name)
    columns["features"] = _features_json(result) if as_json else pa.nulls(n, pa.string())
    return pa.table(columns)


def _for_store(table: pa.Table, *, postgres: bool) -> pa.Table:
    """SQLite keeps dates as ISO text (as SQLAlchemy reads them)."""
    if postgres:
        return table
    cols = [pc.strftime(c, format="%Y-%m-%d") if pa.types.is_date(c.type) else c
            for c in table.columns]
    return pa.table(cols, names=table.column_names)


def _features_files(store: sa.Engine, *, group_id: str) -> set[str]:
    """The features files the group's stored runs name."""
    runs = schema.segment_runs
    with store.connect() as conn:
        return {str(f) for f in conn.execute(sa.select(runs.c.features_file).where(
            runs.c.group_id == group_id, runs.c.features_file.isnot(None))).scalars()}


def _previous_as_of(conn: sa.Connection, *, group_id: str, as_of: date) -> date | None:
    runs = schema.segment_runs
    return conn.execute(sa.select(sa.func.max(runs.c.as_of)).where(
        runs.c.group_id == group_id, runs.c.as_of < as_of)).scalar()


def run_segments(store: sa.Engine, *, group_id: str, as_of: date, engine: str = "duckdb",
                 now: datetime, progress: Progress | None = None,
                 copy_root: Path | None = None) -> SegmentRun:
    """Compute features and segments on D and replace the store's run of that date.

    With ``copy_root`` the duckdb engine reads the group's analytics copy kept there
    (``jobs.analytics_copy``), written first when missing or stale; without it, the
    store's records."""
    say = progress or (lambda _step: None)
    started = time.perf_counter()
    with store.connect() as conn:
        config = load_config(conn, group_id=group_id)
        previous = _previous_as_of(conn, group_id=group_id, as_of=as_of)
    copy = None
    if engine == "duckdb" and copy_root is not None:
        copy = current_copy(store, root=copy_root, group_id=group_id)
        if copy is None:
            say("writing the analytics copy from the store")
            try:
                copy = refresh_copy(store, root=copy_root, group_id=group_id, now=now)
            except OSError as exc:  # no room for it: the run reads the store instead
                say(f"the analytics copy could not be written ({exc}); reading the store")
    say(f"computing features and segments on {engine}")
    if engine == "postgres":
        return _run_in_database(store, group_id=group_id, as_of=as_of, now=now,
                                started=started, config=config, previous=previous, say=say)
    result = compute(store, group_id=group_id, as_of=as_of, engine=engine, config=config,
                     copy=copy)
    say("writing opportunities and movements")
    moves = _movements(store, result, group_id=group_id, as_of=as_of, previous=previous)
    kept = None
    if copy_root is not None and not is_postgres(store):
        folder = runs_folder(group_folder(copy_root, group_id=group_id))
        kept = new_features_path(folder, as_of=as_of)
        remove_leftovers(folder, named=_features_files(store, group_id=group_id))
    record = _RunRecord(group_id=group_id, as_of=as_of, engine=engine, now=now,
                        started=started, count=result.num_rows, previous=previous,
                        config=config, feature_columns=result.column_names,
                        features_file=None if kept is None else str(kept))
    replaced = _write_run(store, result, moves, record, kept=kept)
    if replaced and replaced != record.features_file:
        Path(replaced).unlink(missing_ok=True)
    duration = record.duration
    entered = sum(1 for m in moves.column("movement").to_pylist() if m == "entered")
    return SegmentRun(group_id, as_of, engine, result.num_rows, previous, entered,
                      moves.num_rows - entered, duration)


def _run_in_database(store: sa.Engine, *, group_id: str, as_of: date, now: datetime,
                     started: float, config: RuleConfig, previous: date | None,
                     say: Progress) -> SegmentRun:
    """The postgres engine's run: computed and written inside the database, then its
    record stored."""
    written = write_in_database(store, group_id=group_id, as_of=as_of, config=config,
                                previous=previous, say=say)
    record = _RunRecord(group_id=group_id, as_of=as_of, engine="postgres", now=now,
                        started=started, count=written.count, previous=previous,
                        config=config, feature_columns=written.columns, features_file=None)
    with store.begin() as conn:
        record.replace(conn)
    return SegmentRun(group_id, as_of, "postgres", written.count, previous, written.entered,
                      written.left, record.duration)


def _write_run(store: sa.Engine, result: pa.Table, moves: pa.Table, record: _RunRecord, *,
               kept: Path | None) -> str | None:
    """The run's rows, movements and record; with ``kept``, its features file written
    beside them on a second thread (pyarrow lets go of Python's lock) and waited for
    before the run's record is stored. A failure leaves no new file."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dealerreach-features") as pool:
        if kept is not None:
            record.features_written = pool.submit(write_features, result, path=kept)
        try:
            return _write(store, stored_batches(result, group_id=record.group_id,
                                                as_of=record.as_of, as_json=kept is None),
                          moves, record)
        except BaseException:
            if record.features_written is not None:
                wait([record.features_written])
            if kept is not None:
                kept.unlink(missing_ok=True)
            raise



_MOVEMENT_SCHEMA = pa.schema([("group_id", pa.string()), ("as_of", pa.date32()),
                              ("vin", pa.string()), ("kind", pa.string()),
                              ("segment_id", pa.string()), ("movement", pa.string()),
                              ("rooftop_id", pa.string()), ("previous_as_of", pa.date32())])


def read_run(store: sa.Engine, *, group_id: str, as_of: date,
             columns: Sequence[str] = ("vin", "rooftop_id", "sales_flags", "service_flags"),
             ) -> pa.Table:
    """Columns of the stored run of D, as Arrow (in bulk, through ADBC)."""
    postgres = is_postgres(store)
    marker = ("$1", "$2") if postgres else ("?", "?")
    names = ", ".join(f'"{schema.opportunity_segments.c[c].name}"' for c in columns)
    sql = (f"SELECT {names} FROM opportunity_segments "
           f"WHERE group_id = {marker[0]} AND as_of = {marker[1]}")
    with adbc_connection(store) as conn:
        cur = conn.cursor()
        cur.execute(sql, parameters=(group_id, as_of if postgres else as_of.isoformat()))
        table = cur.fetch_arrow_table()
        cur.close()
    return table


def _movements(store: sa.Engine, rows: pa.Table, *, group_id: str, as_of: date,
               previous: date | None) -> pa.Table:
    if previous is None:
        return _MOVEMENT_SCHEMA.empty_table()
    before = read_run(store, group_id=group_id, as_of=previous)
    con = duckdb.connect()
    try:
        con.register("current_rows", rows.select(["vin", "rooftop_id", "sales_flags",
                                                  "service_flags"]))
        con.register("previous_rows", before)
        diff = con.sql(membership_changes("current_rows", "previous_rows")
                       + " ORDER BY 1, 2, 3").to_arrow_table()
    finally:
        con.close()
    n = diff.num_rows
    return pa.table({
        "group_id": pa.array([group_id] * n, pa.string()),
        "as_of": pa.array([as_of] * n, pa.date32()),
        "vin": diff.column("vin"), "kind": diff.column("kind"),
        "segment_id": diff.column("segment_id"), "movement": diff.column("movement"),
        "rooftop_id": diff.column("rooftop_id"),
        "previous_as_of": pa.array([previous] * n, pa.date32()),
    }, schema=_MOVEMENT_SCHEMA)


def _write(store: sa.Engine, rows: Iterable[pa.Table], moves: pa.Table,
           record: _RunRecord) -> str | None:
    """Replace the date's opportunities and movements, and record the run; the features
    file of the run replaced, if it had one."""
    if is_postgres(store):
        _write_postgres(store, rows, moves, group_id=record.group_id, as_of=record.as_of)
        with store.begin() as conn:
            return record.replace(conn)
    return _write_sqlite(store, rows, moves, record)


def _write_postgres(store: sa.Engine, rows: Iterable[pa.Table], moves: pa.Table, *,
                    group_id: str, as_of: date) -> None:
    with adbc_connection(store) as conn:
        cur = conn.cursor()
        for table in ("opportunity_segments", "segment_movements"):
            cur.execute(f"DELETE FROM {table} WHERE group_id = $1 AND as_of = $2",
                        parameters=(group_id, as_of))
        for table, batches in (("opportunity_segments", rows),
                               ("segment_movements", [moves])):
            made = made_ahead(iter(batches), depth=1, name="dealerreach-run-rows")
            with closing(made):
                for data in made:
                    if data.num_rows:
                        cur.adbc_ingest(table, data, mode="append")
        cur.close()
        conn.commit()


def _write_sqlite(store: sa.Engine, rows: Iterable[pa.Table], moves: pa.Table,
                  record: _RunRecord) -> str | None:
    """Through the store's own SQLite library (a second SQLite library writing the same
    file from this process would break SQLite's file locks), a batch at a time, and the
    run's record, in one transaction; the next batch (its features JSON and its Python
    values) is made on a second thread while SQLite writes one."""
    tables = ((schema.opportunity_segments, rows), (schema.segment_movements, [moves]))
    with store.begin() as conn:
        for table, _ in tables:
            conn.execute(sa.delete(table).where(table.c.group_id == record.group_id,
                                                table.c.as_of == record.as_of))
        for table, batches in tables:
            made = made_ahead(_sqlite_parameters(batches), depth=1,
                              name="dealerreach-run-rows")
            with closing(made):
                for names, values in made:
                    quoted = ", ".join(f'"{n}"' for n in names)
                    marks = ", ".join("?" for _ in names)
                    conn.exec_driver_sql(
                        f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', values)
        return record.replace(conn)


def _sqlite_parameters(batches: Iterable[pa.Table],
                       ) -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
    """Each non-empty batch as column names and one tuple of values per row."""
    for data in batches:
        if data.num_rows:
            data = _for_store(data, postgres=False)
            yield data.column_names, list(zip(*(c.to_pylist() for c in data.columns),
                                              strict=True))


@dataclass
class _RunRecord:
    """A run's row of ``segment_runs``; its duration is taken as it is written."""

    group_id: str
    as_of: date
    engine: str
    now: datetime
    started: float
    count: int
    previous: date | None
    config: RuleConfig
    feature_columns: list[str]
    features_file: str | None
    duration: float = 0.0
    #: the features file being written: the record is stored only once it is whole
    features_written: Future[Path] | None = None

    def replace(self, conn: sa.Connection) -> str | None:
        """Replace the date's run record; the features file of the one replaced."""
        if self.features_written is not None:
            self.features_written.result()
        runs = schema.segment_runs
        where = (runs.c.group_id == self.group_id, runs.c.as_of == self.as_of)
        replaced = conn.execute(sa.select(runs.c.features_file).where(*where)).scalar()
        conn.execute(sa.delete(runs).where(*where))
        self.duration = time.perf_counter() - self.started
        conn.execute(sa.insert(runs).values(
            group_id=self.group_id, as_of=self.as_of, engine=self.engine,
            started_at=self.now, duration_s=self.duration, opportunities=self.count,
            previous_as_of=self.previous, config=self.config.model_dump(mode="json"),
            feature_columns=self.feature_columns, features_file=self.features_file))
        return replaced
