"""What every command shares: settings from the environment, the store, the group option."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

import sqlalchemy as sa
import typer

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
