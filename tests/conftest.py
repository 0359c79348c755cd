"""Shared fixtures: a fresh record store on SQLite and on a real PostgreSQL server.

PostgreSQL tests skip with the reason when no server answers, except under CI=true,
where they fail instead: CI must run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from dealerreach.storage.engine import create_store_engine, open_store

PG_ADMIN_URL = os.environ.get(
    "DEALERREACH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _pg_admin() -> sa.Engine | None:
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means: no server here
        engine.dispose()
        if IN_CI:
            raise RuntimeError(f"CI=true but PostgreSQL is not reachable: {exc}") from exc
        return None
    return engine


@pytest.fixture(scope="session")
def pg_template() -> Iterator[tuple[sa.Engine, str] | None]:
    """A migrated template database; each test copies it (fast) and drops its copy."""
    admin = _pg_admin()
    if admin is None:
        yield None
        return
    name = f"dealerreach_tmpl_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name)
    open_store(url.render_as_string(hide_password=False)).dispose()
    yield admin, name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _pg_store(pg_template: tuple[sa.Engine, str] | None) -> Iterator[str]:
    if pg_template is None:
        pytest.skip(f"no PostgreSQL server reachable at {PG_ADMIN_URL} (CI=true requires one)")
    admin, template = pg_template
    name = f"dealerreach_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated store — once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        open_store(url).dispose()
        yield url
    else:
        yield from _pg_store(request.getfixturevalue("pg_template"))


@pytest.fixture
def engine(store_url: str) -> Iterator[sa.Engine]:
    eng = create_store_engine(store_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(url).dispose()
    return url


def write_csv(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Write a CSV file from a dedented text block (first line: the header)."""
    import textwrap

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(textwrap.dedent(text).lstrip("\n").encode(encoding))
    return path


@pytest.fixture
def folder(tmp_path: Path):  # type: ignore[no-untyped-def]
    """make(name, {"customers.csv": "...csv text..."}) -> a fresh import folder."""

    def make(name: str, files: dict[str, str]) -> Path:
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        for file_name, text in files.items():
            write_csv(root / file_name, text)
        return root

    return make
