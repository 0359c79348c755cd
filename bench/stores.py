"""Fresh, empty stores for one measurement: a SQLite file or a new PostgreSQL database."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import sqlalchemy as sa
from psycopg import sql

#: where PostgreSQL databases are created (trust auth on the local server)
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def _psycopg_url(url: sa.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def fresh_store(engine: str, *, label: str, folder: Path, admin_url: str,
                keep: bool) -> Iterator[str]:
    """The URL of a new empty store, removed afterwards unless ``keep``."""
    name = f"dealerreach_bench_{label}_{secrets.token_hex(4)}"
    if engine == "sqlite":
        with _sqlite_store(folder / f"{name}.db", keep=keep) as url:
            yield url
    else:
        with _postgres_store(admin_url, name=name, keep=keep) as url:
            yield url


@contextmanager
def _sqlite_store(path: Path, *, keep: bool) -> Iterator[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield f"sqlite:///{path}"
    finally:
        if not keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextmanager
def _postgres_store(admin_url: str, *, name: str, keep: bool) -> Iterator[str]:
    admin = sa.engine.make_url(admin_url)
    with psycopg.connect(_psycopg_url(admin), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False)
    finally:
        if not keep:
            with psycopg.connect(_psycopg_url(admin), autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                             .format(sql.Identifier(name)))


def postgres_version(admin_url: str) -> str:
    admin = sa.engine.make_url(admin_url)
    with psycopg.connect(_psycopg_url(admin)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]).split()[0] if row else "?"
