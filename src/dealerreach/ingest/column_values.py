"""A column's cleaned values held as an Arrow array, made Python values only when asked.

Cleaning by columns ends in Arrow arrays. Most columns of a first load on PostgreSQL are
only written, and COPY's text is made by Arrow again (``copy_text``): turning each
value into a Python object and back cost about a fifth of the import's own CPU time.
A ``ColumnValues`` is a sequence like the list it stands for (what code that reads
values one by one sees is the same), whose Python values are made once, the first
time one is asked for; ``copy_text`` takes its COPY text straight from the array.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import compress
from typing import Any, overload

import numpy as np
import pyarrow as pa

#: a batch's values column by column: name -> one value a row
Columns = Mapping[str, Sequence[Any]]


def _as_list(array: pa.Array) -> list[Any]:
    return array.to_pylist()


class ColumnValues(Sequence[Any]):
    """One value a row (None where the array is null). ``python`` makes the Python
    values of the array; ``text`` the text COPY reads each value from (null for None),
    or None when this column has no such text and its Python values are written."""

    __slots__ = ("_python", "_text", "_values", "array")

    def __init__(self, array: pa.Array, *,
                 python: Callable[[pa.Array], list[Any]] = _as_list,
                 text: Callable[[pa.Array], pa.Array] | None = None) -> None:
        self.array = array
        self._python, self._text = python, text
        self._values: list[Any] | None = None

    def values(self) -> list[Any]:
        """The Python values (made once)."""
        if self._values is None:
            self._values = self._python(self.array)
        return self._values

    def copy_text(self) -> pa.Array | None:
        """Each value as COPY's text format reads it, before escaping (null for None)."""
        return None if self._text is None else self._text(self.array)

    def replaced(self, array: pa.Array) -> ColumnValues:
        """Other values of the same kind (made Python values and text alike)."""
        return ColumnValues(array, python=self._python, text=self._text)

    def where(self, keep: np.ndarray) -> ColumnValues:
        """The values of the rows kept (a mask)."""
        kept = ColumnValues(self.array.filter(pa.array(keep, pa.bool_())),
                            python=self._python, text=self._text)
        if self._values is not None:
            kept._values = list(compress(self._values, keep.tolist()))
        return kept

    def __len__(self) -> int:
        return len(self.array)

    @overload
    def __getitem__(self, at: int) -> Any: ...
    @overload
    def __getitem__(self, at: slice) -> list[Any]: ...
    def __getitem__(self, at: int | slice) -> Any:
        return self.values()[at]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.values())

    def __add__(self, other: list[Any]) -> list[Any]:
        return self.values() + list(other)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ColumnValues):
            other = other.values()
        return self.values() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ColumnValues({self.values()!r})"


def as_list(values: Sequence[Any]) -> list[Any]:
    """The values as a list (Arrow-held values made Python values, once)."""
    if isinstance(values, ColumnValues):
        return values.values()
    return values if isinstance(values, list) else list(values)


def select_values(values: Sequence[Any], keep: Sequence[bool] | np.ndarray) -> Sequence[Any]:
    """The values of the rows kept, as the values were held (a list or Arrow-held)."""
    if isinstance(values, ColumnValues):
        return values.where(np.asarray(keep, dtype=bool))
    return list(compress(values, keep))
