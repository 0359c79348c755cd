"""What every command shares: settings from the environment, the store, the group option."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer

from dealerreach.clock import SystemClock
from dealerreach.settings import Settings
from dealerreach.storage.engine import open_store

GroupOption = Annotated[
    str | None,
    typer.Option("--group", help="The group (tenant); default $DEALERREACH_GROUP or 'default'."),
]


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


@lru_cache(maxsize=1)
def open_engine() -> sa.Engine:
    return open_store(settings().database_url)


def copy_root() -> Path | None:
    """Where the analytics copies are kept (None: DEALERREACH_ANALYTICS_COPY=off)."""
    chosen = settings().analytics_copy.strip()
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen).expanduser()
    from dealerreach.jobs.analytics_copy import default_root

    return default_root(open_engine(), home=settings().home)


def as_of_date(text: str | None) -> date:
    """The --as-of option: a date YYYY-MM-DD, today when not given."""
    if text is None:
        return SystemClock().now().date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date like 2025-06-30",
                                 param_hint="--as-of") from None
