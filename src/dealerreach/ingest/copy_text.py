"""PostgreSQL's COPY text format for rows given column by column, made with Arrow.

Writing rows one by one through the driver costs about a microsecond a value, holding
Python's lock the whole time. Here each column becomes text (escaped as COPY's text
format wants: backslash, tab, newline and carriage return; ``\\N`` for NULL) and the
columns are joined into one buffer by Arrow's kernels, which let go of Python's lock, so
the import's reading thread runs beside them. Each value's text is the one psycopg
would send for it. A column holding a value this module does not write (a timestamp
with an offset, a text column holding a number, ...) makes ``copy_text`` give None, and
the caller writes the rows one by one instead.

Values cleaned by columns come as ``ColumnValues``: their text is taken from their Arrow
array (the cell itself for text, days and amounts), never made Python values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from dealerreach.ingest.column_values import ColumnValues
from dealerreach.ingest.memo import memo_of

NULL = "\\N"
#: characters COPY's text format escapes, and their escapes (backslash first)
_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))
#: per byte value, whether it is one of those characters
_SPECIAL = np.zeros(256, dtype=bool)
_SPECIAL[[ord(plain) for plain, _ in _ESCAPES]] = True


def copy_text(table: sa.Table, columns: Mapping[str, Sequence[Any]]) -> memoryview | None:
    """The COPY text (tab-separated lines) of the rows, the columns in the order given;
    None when a value cannot be written this way."""
    texts = []
    for name, values in columns.items():
        text = _column_text(table.c[name].type, values)
        if text is None:
            return None
        texts.append(text)
    rows = pc.binary_join_element_wise(*texts, "\t") if len(texts) > 1 else texts[0]
    return _payload(pc.binary_join_element_wise(rows, "", "\n"))


def _column_text(column_type: Any, values: Sequence[Any]) -> pa.Array | None:
    """A column's values as COPY text, NULL as ``\\N``."""
    if isinstance(values, ColumnValues):
        text = values.copy_text()
        if text is not None:
            return _escaped(text)
        values = values.values()
    kind = type(column_type)
    try:
        if isinstance(column_type, sa.Integer):
            return pc.fill_null(pa.array(values, pa.int64()).cast(pa.string()), NULL)
        if isinstance(column_type, sa.String):
            return _escaped(pa.array(values, pa.string()))
        strings = _strings(column_type, kind, values)
    except (TypeError, ValueError, AttributeError, pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    return None if strings is None else _escaped(pa.array(strings, pa.string()))


def _strings(column_type: Any, kind: type, values: Sequence[Any]) -> list | None:
    """The text of each value of a column of days, times, flags, amounts or JSON."""
    if kind is sa.Date:
        if any(type(v) is not date for v in values if v is not None):
            return None
        return memo_of(date.isoformat).all(values)
    if kind is sa.DateTime:
        # the import's times are naive (UTC); a time with an offset goes row by row
        if any(type(v) is not datetime or v.tzinfo is not None
               for v in values if v is not None):
            return None
        return [None if v is None else v.isoformat(" ", "microseconds") for v in values]
    if kind is sa.Boolean:
        return [None if v is None else "t" if v else "f" for v in values]
    if kind is sa.Numeric:
        # not memoised: equal amounts ("1.5", "1.50") keep their own text
        return [None if v is None else str(v) for v in values]
    if isinstance(column_type, sa.JSON):
        return [None if v is None else json.dumps(v) for v in values]
    return None


def _escaped(text: pa.Array) -> pa.Array:
    if _has_special(text):
        for plain, escaped in _ESCAPES:
            text = pc.replace_substring(text, plain, escaped)
    return pc.fill_null(text, NULL)


def _has_special(text: pa.Array) -> bool:
    """Whether any value holds a character COPY's text format escapes (one pass over
    the bytes)."""
    data = _data(text)
    return bool(_SPECIAL[data].any()) if len(data) else False


def _data(text: pa.Array) -> np.ndarray:
    """The bytes of a string array's values, one after another (no copy)."""
    if not len(text) or text.buffers()[2] is None:
        return np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32,
                            count=len(text) + 1, offset=4 * text.offset)
    return np.frombuffer(text.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]


def _payload(lines: pa.Array) -> memoryview:
    """The bytes of a string array without nulls, one after another."""
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    return _data(lines).data
