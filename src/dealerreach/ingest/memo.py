"""Conversions of values that repeat (days, amounts), each distinct value once.

A column of a million amounts holds some tens of thousands of distinct ones ("0.00" most
of all), and a column of dates a few thousand days: looking a value up costs a third of
making it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

#: distinct values a conversion keeps before it starts afresh
KEPT = 100_000


class Memo(dict):
    """``convert(value)`` of each value, None for None, each distinct value converted
    once. ``convert`` must be a pure function of its value, and values that are equal
    must convert alike."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, value: Any) -> Any:
        if len(self) > KEPT:
            self.clear()
        converted = self[value] = None if value is None else self.convert(value)
        return converted

    def all(self, values: Iterable[Any]) -> list:
        """The conversion of every value, in order."""
        return list(map(self.__getitem__, values))


_MEMOS: dict[Any, Memo] = {}


def memo_of(convert: Callable[[Any], Any]) -> Memo:
    """The process's memo of a conversion (one per conversion function)."""
    found = _MEMOS.get(convert)
    if found is None:
        found = _MEMOS[convert] = Memo(convert)
    return found
