"""Time is an input: the core asks a clock, never the wall."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock, in UTC without a zone (as the store keeps times)."""

    def now(self) -> datetime:
        return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class FixedClock:
    """A clock that says what it is told; tests and re-runs for a past date use it."""

    def __init__(self, at: datetime | date) -> None:
        self.at = at if isinstance(at, datetime) else datetime(at.year, at.month, at.day)

    def now(self) -> datetime:
        return self.at
