"""Opening the record store: engine URLs, SQLite pragmas, migrations on first use."""

from __future__ import annotations

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
