"""The analytics engines: where the rule expressions run.

- ``duckdb`` (default): in-process; the group's records are read from the store
  through Arrow (ADBC) into an in-memory DuckDB.
- ``postgres``: in the store's own PostgreSQL database, no copy.
- ``spark``: PySpark in local mode, fed through Arrow, the many-machine path.
"""

from __future__ import annotations

import os
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import ibis
import pyarrow as pa
import sqlalchemy as sa

from dealerreach.features.inputs import STORE_TABLES, Inputs, prepare
from dealerreach.jobs.analytics_copy import (
    RULE_COLUMNS,
    AnalyticsCopy,
    store_tables,
)
from dealerreach.settings import Settings
from dealerreach.storage.arrow import each_table, is_postgres

ENGINES = ("duckdb", "postgres", "spark")


class EngineError(Exception):
    """The chosen engine cannot run against this store."""


@contextmanager
def open_inputs(store: sa.Engine, *, engine: str, group_id: str, as_of: date,
                copy: AnalyticsCopy | None = None) -> Iterator[tuple[Any, Inputs]]:
    """A connected Ibis backend and the group's ``Inputs`` on it. On duckdb the inputs
    are the files of ``copy`` when given (``jobs.analytics_copy``), else the group's
    records read from the store into memory."""
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    opener = {"duckdb": _duckdb, "postgres": _postgres, "spark": _spark}[engine]
    with opener(store, group_id, copy) as (con, raw):
        centroids = raw.pop("centroids", None)
        yield con, prepare(raw, group_id=group_id, as_of=as_of, centroids=centroids)


class Stager:
    """Materialises tables on an engine (a ``features.staging.Stage``), each computed once
    into a temporary table, and drops a staged table as soon as no expression refers to
    it any more.

    A run stages about 30 tables; the wide opportunity table alone is staged a dozen
    times as features are added. Kept to the end, they filled DuckDB's memory and it
    spilled them, so the heaviest steps ran two to three times slower at 1,000,000
    customers. A staged table is dropped when Python lets go of its expression (nothing
    left refers to it), at the next ``__call__`` or ``close``, never in between.

    On PostgreSQL each new table gets statistics at once: autovacuum never analyses
    temporary tables, and without statistics the planner guessed millions of rows for a
    few thousand and chose plans that ran for minutes. On Spark a table is cached
    (``Table.cache()``, released at ``close``): a Spark table is a lazy view."""

    def __init__(self, con: Any, engine: str) -> None:
        self._con, self._engine = con, engine
        self._dead: list[str] = []
        self._cached: list[ibis.Table] = []
        self._held: set[str] = set()
        self._count = 0

    def __call__(self, table: ibis.Table) -> ibis.Table:
        self._drop_dead()
        if self._engine == "spark":
            self._cached.append(table.cache())
            return self._cached[-1]
        self._count += 1
        name = f"dr_stage_{self._count}"
        staged = self._con.create_table(name, obj=table, temp=True)
        self._held.add(name)
        if self._engine == "postgres":
            self._con.raw_sql(f'ANALYZE "{name}"').close()
        weakref.finalize(staged.op(), self._dead.append, name)
        return staged

    @property
    def held(self) -> set[str]:
        """The names of the staged tables on the engine now."""
        return set(self._held)

    def _drop_dead(self) -> None:
        while self._dead:
            name = self._dead.pop()
            self._con.drop_table(name, force=True)
            self._held.discard(name)

    def close(self) -> None:
        self._drop_dead()
        for table in self._cached:
            table.release()
        self._cached.clear()


def _centroids() -> pa.Table:
    """The shipped postal-code centroids, registered on each engine as a real table
    (an in-memory table inside a staged query is not visible to every engine)."""
    from dealerreach.features.market import centroid_arrow

    return centroid_arrow()


@contextmanager
def _duckdb(store: sa.Engine, group_id: str, copy: AnalyticsCopy | None,
            ) -> Iterator[tuple[Any, dict[str, ibis.Table]]]:
    with tempfile.TemporaryDirectory(prefix="dealerreach-duckdb-") as spill:
        con = ibis.duckdb.connect(memory_limit=Settings.from_env().duckdb_memory,
                                  temp_directory=spill, preserve_insertion_order=False)
        try:
            raw = (_duckdb_views(con, copy) if copy is not None
                   else _duckdb_tables(con, store, group_id))
            raw["centroids"] = con.create_table("centroids", obj=_centroids(), temp=True)
            yield con, raw
        finally:
            con.disconnect()


def _duckdb_tables(con: Any, store: sa.Engine, group_id: str) -> dict[str, ibis.Table]:
    """The group's records read from the store into DuckDB's memory."""
    return {name: con.create_table(name, obj=table, temp=True)
            for name, table in store_tables(store, group_id=group_id)}


def _duckdb_views(con: Any, copy: AnalyticsCopy) -> dict[str, ibis.Table]:
    """Views over the copy's files: DuckDB scans them where they lie, so the records
    take none of its memory (reading them in took most of it at 1,000,000 customers)."""
    return {name: con.read_parquet(copy.path(name), table_name=name)
            for name in STORE_TABLES}


@contextmanager
def _postgres(store: sa.Engine, group_id: str, _copy: AnalyticsCopy | None,
              ) -> Iterator[tuple[Any, dict[str, ibis.Table]]]:
    if not is_postgres(store):
        raise EngineError("the postgres engine runs inside the store's own database, "
                          "and this store is SQLite: set DEALERREACH_DATABASE_URL to a "
                          "PostgreSQL store or use --engine duckdb")
    url = store.url
    con = ibis.postgres.connect(host=url.host or "localhost", port=url.port or 5432,
                                user=url.username, password=url.password,
                                database=url.database)
    _tune_postgres(con)
    try:
        raw = {name: con.table(name) for name in STORE_TABLES}
        raw["centroids"] = con.create_table("dr_centroids", obj=_centroids(), temp=True)
        yield con, raw
    finally:
        con.disconnect()


def _tune_postgres(con: Any) -> None:
    """Fresh statistics (identity is written after the rows, so the import's own are
    stale), and no nested loops: the planner guesses one row after every window filter
    ("the most recent per VIN") and would nest loops over whole tables. No JIT either:
    the rule queries are large, their estimated costs huge, and compiling them took
    longer than running them."""
    for statement in (*(f'ANALYZE "{name}"' for name in STORE_TABLES),
                      "SET enable_nestloop = off", "SET jit = off"):
        cursor = con.raw_sql(statement)
        cursor.close()


def spark_session() -> Any:
    """A local SparkSession for this process (quiet, no UI, loopback only)."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    return (SparkSession.builder.master("local[2]").appName("dealerreach")
            .config("spark.ui.enabled", "false")
            # the rules' plans are deep (each stage's lineage is kept), and the default
            # 1 GB heap ran out while sending a result to Python
            .config("spark.driver.memory", "2g")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate())


def _quiet(session: Any) -> Any:
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def _spark(store: sa.Engine, group_id: str, _copy: AnalyticsCopy | None,
           ) -> Iterator[tuple[Any, dict[str, ibis.Table]]]:
    session = _quiet(spark_session())
    con = ibis.pyspark.connect(session)
    tables = each_table(store, group_id=group_id, names=STORE_TABLES, columns=RULE_COLUMNS)
    raw = {}
    for name, table in [*tables, ("centroids", _centroids())]:
        session.createDataFrame(table).createOrReplaceTempView(f"dr_{name}")
        raw[name] = con.table(f"dr_{name}")
    yield con, raw
