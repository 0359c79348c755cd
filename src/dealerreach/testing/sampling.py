"""Small, fast helpers for drawing from one seeded random stream.

Days are proleptic Gregorian ordinals (``date.toordinal()``) throughout the generator:
integers are quick to add and compare, and turn into text through ``DayText``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """Items drawn in proportion to their weights.

    A draw looks up one of ``SLOTS`` slots; each item fills as many slots as its share
    of the total weight (rounded: shares are exact to 1/4096).
    """

    SLOTS = 4096
    __slots__ = ("items", "_slots")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        pairs = [(item, weight) for item, weight in pairs if weight > 0]
        if not pairs:
            raise ValueError("nothing to draw from")
        self.items: list[T] = [item for item, _ in pairs]
        cumulative = list(accumulate(weight for _, weight in pairs))
        bounds = [0] + [round(c / cumulative[-1] * self.SLOTS) for c in cumulative]
        self._slots: list[T] = []
        for n, item in enumerate(self.items):
            self._slots.extend([item] * (bounds[n + 1] - bounds[n]))

    @classmethod
    def ranked(cls, items: Sequence[T], *, flatness: float = 8.0) -> Weighted[T]:
        """Common first: the item at rank r weighs 1 / (r + flatness)."""
        return cls((item, 1.0 / (rank + flatness)) for rank, item in enumerate(items))

    def pick(self, rng: random.Random) -> T:
        return self._slots[int(rng.random() * 4096)]


def draw_int(rng: random.Random, low: int, high: int) -> int:
    """An integer in [low, high) (quicker than ``randrange``)."""
    return low + int(rng.random() * (high - low))


def between(rng: random.Random, low: float, high: float) -> float:
    return low + (high - low) * rng.random()


def money(rng: random.Random, span: tuple[int, int]) -> float:
    """An amount in [low, high], in cents."""
    low, high = span
    return round(low + (high - low) * rng.random(), 2) if high > low else float(low)


class DayText:
    """ISO 8601 text of days and times, worked out once (formatting is the hot path)."""

    def __init__(self, *, first: int, last: int) -> None:
        self.first = first
        self.last = last
        days = [date.fromordinal(d) for d in range(first, last + 1)]
        #: the text of each day, from ``first`` on: ``dates[day - first]`` (the hot path)
        self.dates = [d.isoformat() for d in days]
        self._months = [d.month for d in days]
        self._years = [d.year for d in days]
        self._times = [f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
                       for s in range(86_400)]

    def date(self, day: int) -> str:
        return self.dates[day - self.first]

    def stamp(self, day: int, second: int) -> str:
        """A local timestamp without zone: ``2024-05-17T14:03:27``."""
        return self.dates[day - self.first] + self._times[second]

    def month(self, day: int) -> int:
        return self._months[day - self.first]

    def year(self, day: int) -> int:
        return self._years[day - self.first]


def is_sunday(day: int) -> bool:
    return (day - 1) % 7 == 6


def open_day(day: int, *, last: int) -> int:
    """The day itself, or the nearest business day when it is a Sunday (never past last)."""
    if not is_sunday(day):
        return day
    return day + 1 if day + 1 <= last else day - 1
