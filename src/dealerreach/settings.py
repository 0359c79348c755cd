"""Infrastructure settings: a registry of (name, default, help), read from the environment.

Business rules that a group can change live in the group's configuration, not here.
``docs/configuration.md`` is checked against this registry by the tests.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("DEALERREACH_DATABASE_URL", "",
            "The record store. A SQLAlchemy URL such as postgresql://user@host/db or "
            "sqlite:///path/file.db. Empty: an SQLite file in the data folder."),
    Setting("DEALERREACH_HOME", "",
            "The data folder (SQLite store, rejected-row files). Empty: "
            "$XDG_DATA_HOME/dealerreach, else ~/.local/share/dealerreach."),
    Setting("DEALERREACH_GROUP", "default",
            "The group (tenant) that commands act on when --group is not given."),
    Setting("DEALERREACH_DEFAULT_COUNTRY", "US",
            "Country (ISO 3166-1 alpha-2) used to read phone numbers of a rooftop "
            "that has no country."),
    Setting("DEALERREACH_IMPORT_BATCH_ROWS", "20000",
            "Rows an import reads, checks and writes at a time; memory grows with it."),
    Setting("DEALERREACH_IMPORT_SQLITE_CACHE_MB", "256",
            "Page cache (MB) of an import's connection to an SQLite store; an import "
            "sorts in memory too. SQLite's own default is 2 MB."),
    Setting("DEALERREACH_DUCKDB_MEMORY", "3GB",
            "Memory the duckdb engine may hold during a segment run before it spills "
            "to temporary files (DuckDB sizes: 500MB, 2GB, ...)."),
    Setting("DEALERREACH_ANALYTICS_COPY", "",
            "Folder of the analytics copies: each group's rule columns as Parquet, "
            "written after every import and read by duckdb segment runs. Empty: beside "
            "an SQLite store's file (<file>.analytics), or <home>/analytics for a "
            "PostgreSQL store. off: keep no copy; runs read the store."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    database_url: str
    home: Path
    group: str
    default_country: str
    import_batch_rows: int
    duckdb_memory: str = "3GB"
    import_sqlite_cache_mb: int = 256
    analytics_copy: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str:
            return env.get(name, "") or _BY_NAME[name].default

        home = Path(get("DEALERREACH_HOME") or _default_home(env)).expanduser()
        url = get("DEALERREACH_DATABASE_URL") or f"sqlite:///{home / 'dealerreach.db'}"
        return cls(
            database_url=url,
            home=home,
            group=get("DEALERREACH_GROUP"),
            default_country=get("DEALERREACH_DEFAULT_COUNTRY").upper(),
            import_batch_rows=int(get("DEALERREACH_IMPORT_BATCH_ROWS")),
            duckdb_memory=get("DEALERREACH_DUCKDB_MEMORY"),
            import_sqlite_cache_mb=int(get("DEALERREACH_IMPORT_SQLITE_CACHE_MB")),
            analytics_copy=get("DEALERREACH_ANALYTICS_COPY"),
        )


def _default_home(env: Mapping[str, str]) -> str:
    base = env.get("XDG_DATA_HOME") or str(Path("~/.local/share").expanduser())
    return str(Path(base) / "dealerreach")
