"""Opening the record store: engine URLs, SQLite pragmas, migrations on first use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """PostgreSQL URLs use psycopg 3 whatever driver they name (or none)."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def create_store_engine(url: str) -> sa.Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return sa.create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url: str) -> sa.Engine:
    database = sa.engine.make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the driver, begin transactions, so a whole import is one.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        # Writers ask for the lock up front (engine.execution_options(immediate=True)),
        # so two writers queue instead of failing; readers never wait for a writer.
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


#: an import's SQLite connection: its page cache (negative: KiB) and where it sorts
IMPORT_PRAGMAS = ("cache_size", "temp_store")


@contextmanager
def sqlite_import_pragmas(conn: sa.Connection, *, cache_mb: int) -> Iterator[None]:
    """On SQLite, a large page cache and sorting in memory while an import runs on this
    connection (with SQLite's 2 MB a large import spills and re-reads index pages all
    the time); its own settings come back afterwards. Set on the driver's connection,
    outside any transaction. Elsewhere nothing."""
    if conn.dialect.name != "sqlite":
        yield
        return
    driver = conn.connection.driver_connection
    before = {name: driver.execute(f"PRAGMA {name}").fetchone()[0]  # type: ignore[union-attr]
              for name in IMPORT_PRAGMAS}
    driver.execute(f"PRAGMA cache_size = {-1024 * int(cache_mb)}")  # type: ignore[union-attr]
    driver.execute("PRAGMA temp_store = MEMORY")  # type: ignore[union-attr]
    try:
        yield
    finally:
        for name, value in before.items():
            driver.execute(f"PRAGMA {name} = {int(value)}")  # type: ignore[union-attr]


def alembic_config(engine: sa.Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: sa.Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def upgrade(engine: sa.Engine) -> tuple[str | None, str | None]:
    """Apply every pending migration; return (revision before, revision after)."""
    before = current_revision(engine)
    command.upgrade(alembic_config(engine), "head")
    return before, current_revision(engine)


def open_store(url: str) -> sa.Engine:
    """The store at ``url``, migrated to the newest schema on first use."""
    engine = create_store_engine(url)
    if current_revision(engine) != head_revision(engine):
        upgrade(engine)
    return engine
