"""What a request handler is given: a read connection to the app's store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request


def connection(request: Request) -> Iterator[sa.Connection]:
    """One connection (and one read transaction) per request, rolled back at its end."""
    engine: sa.Engine = request.app.state.engine
    with engine.connect() as conn:
        yield conn


Conn = Annotated[sa.Connection, Depends(connection)]
