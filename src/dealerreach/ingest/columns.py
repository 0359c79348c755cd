"""Cleaning a chunk of rows column by column (pyarrow.compute), where that is exactly
what the per-row cleaners in ``clean`` would do.

Each column's cells are checked against a plain form its kind takes in nearly every
export (an ISO date, digits with a dot, an email of common characters, a 10-digit
North American phone, ...). A cell in that form is converted here, whole columns at a
time, to the very value the per-row cleaner would give it. A row with any cell that is
not in a plain form, or that would be rejected or warned about, is left to the per-row
path, so every message (file, row, column, value, reason) comes from one place.
Only the canonical format is read here: a vendor profile's value parsers run per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dealerreach.ingest.clean import (
    _COUNTRIES,
    _SIMPLE_EMAIL,
    _timezones,
    identity_key,
    phone_e164,
)
from dealerreach.ingest.column_values import ColumnValues
from dealerreach.ingest.memo import memo_of
from dealerreach.ingest.spec import Column, Kind
from dealerreach.storage.schema import RAW_KEPT

#: characters that are never whitespace to Python: letters, marks, numbers,
#: punctuation, symbols (str.strip() and \s leave them alone)
_SOLID = r"[\p{L}\p{M}\p{N}\p{P}\p{S}]"
#: text, or words one space apart, with ASCII spaces around or not (str.strip()
#: removes exactly those)
_SPACED_TRIMMED = rf"^ *{_SOLID}(.*{_SOLID})? *$"
_SPACED_ONE_SPACED = rf"^ *{_SOLID}+( {_SOLID}+)* *$"
#: the same two for ASCII text, where the solid characters are exactly ! to ~ (a
#: regular expression of Unicode classes costs some ten times more a cell)
_ASCII_PATTERNS = {_SPACED_TRIMMED: r"^ *[!-~](.*[!-~])? *$",
                   _SPACED_ONE_SPACED: r"^ *[!-~]+( [!-~]+)* *$"}
_SPACED_PRINTABLE = r"^ *[!-~]+ *$"
_PRINTABLE = r"^[!-~]+$"  # ASCII without spaces or control characters
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TIME = r"[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
_DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"
_INTEGER = r"^-?[0-9]{1,18}$"
_VIN = r"^[A-HJ-NPR-Za-hj-npr-z0-9]{17}$"
_PHONE_CHARS = r"^[0-9 ().\-/]+$"
_NANP_DIGITS = r"^(1?)[2-9][0-9]{9}$"
_E164_CHARS = r"^\+1[0-9 ()\-]+$"
_E164_NANP = r"^\+1[2-9][0-9]{9}$"
_VALID_VIN = "11111111111111111"  # stands in for a cell that is not checked further

#: (values, cells the value is right for); values are one per row, a list of Python
#: objects or the same held as an Arrow array (``ColumnValues``)
Cleaned = tuple[Sequence[Any], np.ndarray]
_NO_TEXT = pa.scalar(None, pa.string())


def _same(text: pa.Array) -> pa.Array:
    """COPY text that is the cell itself."""
    return text


class ColumnCleaner:
    """Cleans the cells of one chunk; ``ok`` marks the rows it vouches for."""

    def __init__(self, cells: list[pa.Array], *, nanp: np.ndarray | None,
                 countries: Callable[[np.ndarray], list[str]] | None = None) -> None:
        self.cells = cells
        #: per row: whether its rooftop reads phone numbers as North American
        self.nanp = nanp
        #: the countries phone numbers of these rows are read with (row positions given)
        self.countries = countries
        self.n = len(cells[0]) if cells else 0

    def clean(self, known: list[tuple[int, Column]]
              ) -> tuple[dict[str, Sequence[Any]], np.ndarray]:
        values: dict[str, Sequence[Any]] = {}
        ok = np.ones(self.n, dtype=bool)
        for i, col in known:
            column_values, column_ok = self._column(self.cells[i], col)
            values[col.name] = column_values
            ok &= column_ok
            if col.kind in RAW_KEPT:
                values[f"{col.name}_raw"] = ColumnValues(pa.nulls(self.n, pa.string()),
                                                         text=_same)
        return values, ok

    def extra(self, cells: pa.Array) -> tuple[list[Any], np.ndarray]:
        """An unknown column: stripped text, an empty cell unknown."""
        empty = _empty(cells)
        ok = empty | _matches(cells, _SPACED_TRIMMED)
        return _trim(cells).to_pylist(), ok

    def _column(self, cells: pa.Array, col: Column) -> Cleaned:
        empty = _empty(cells)
        cleaner = _choice_of(col.choices) if col.kind is Kind.CHOICE else _CLEANERS[col.kind]
        values, ok = cleaner(self, cells)
        if col.required:
            ok &= ~empty
        elif col.default is not None:
            values = _with_default(values, empty, col.default)
        return values, ok | (empty & (not col.required))


def _with_default(values: Sequence[Any], empty: np.ndarray, default: Any) -> Sequence[Any]:
    """The format's default in place of each empty cell's value."""
    if isinstance(values, ColumnValues) and isinstance(default, str) \
            and values.array.type == pa.string():
        return values.replaced(pc.if_else(pa.array(empty), default, values.array))
    return [default if e else v for v, e in zip(values, empty, strict=True)]


def _empty(cells: pa.Array) -> np.ndarray:
    return _np(pc.equal(pc.binary_length(cells), 0))


def _np(mask: pa.Array) -> np.ndarray:
    return mask.to_numpy(zero_copy_only=False)


def _matches(cells: pa.Array, pattern: str) -> np.ndarray:
    ascii_pattern = _ASCII_PATTERNS.get(pattern)
    if ascii_pattern is None:
        return _np(pc.match_substring_regex(cells, pattern))
    ok = _np(pc.match_substring_regex(cells, ascii_pattern))
    other = _np(pc.invert(pc.string_is_ascii(cells)))
    if other.any():
        at = np.flatnonzero(other)
        ok[at] = _np(pc.match_substring_regex(cells.take(pa.array(at)), pattern))
    return ok


def _or_none(values: pa.Array, empty: np.ndarray) -> ColumnValues:
    """Text values, None where ``empty``."""
    if empty.any():
        values = pc.if_else(pa.array(empty), _NO_TEXT, values)
    return ColumnValues(values, text=_same)


def _trim(cells: pa.Array) -> pa.Array:
    """Without ASCII spaces at either end (the cells checked have no other whitespace
    there, so this is what str.strip() gives them)."""
    return pc.utf8_trim(cells, " ")


def _text(self: ColumnCleaner, cells: pa.Array) -> Cleaned:
    return _or_none(_trim(cells), _empty(cells)), _matches(cells, _SPACED_TRIMMED)


def _name(self: ColumnCleaner, cells: pa.Array) -> Cleaned:
    return _or_none(_trim(cells), _empty(cells)), _matches(cells, _SPACED_ONE_SPACED)


def _postal(self: ColumnCleaner, cells: pa.Array) -> Cleaned:
    return _or_none(pc.ascii_upper(cells), _empty(cells)), _matches(cells, _PRINTABLE)


def _valid_dates(cells: pa.Array) -> np.ndarray:
    """Cells of the form YYYY-MM-DD that name a day on the calendar (year 1 to 9999)."""
    form = _matches(cells, _DATE)
    text = pc.if_else(pa.array(form), cells, "2000-01-01")
    y, m, d = (_np(pc.cast(pc.utf8_slice_codeunits(text, a, b), pa.int32()))
               for a, b in ((0, 4), (5, 7), (8, 10)))
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    month_days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    in_month = (m >= 1) & (m <= 12)
    last = month_days[np.where(in_month, m, 0)] + (leap & (m == 2))
    return form & (y >= 1) & in_month & (d >= 1) & (d <= last)


def _date(self: ColumnCleaner, cells: pa.Array) -> Cleaned:
    """A day; its COPY text is the cell (YYYY-MM-DD, what ``date.isoformat`` gives)."""
    ok = _valid_dates(cells)
    text = pc.if_else(pa.array(ok), cells, _NO_TEXT)
    return ColumnValues(text, python=_days, text=_same), ok


def _days(text: pa.Array) -> list[Any]:
    return _python_values(pc.cast(text, pa.date32()))


def _timestamp(self: ColumnCleaner, cells: pa.Array) -> Cleaned:
    day = pc.utf8_slice_codeunits(cells, 0, 10)
    ok = (_np(pc.equal(pc.binary_length(cells), 19)) & _valid_dates(day)
          & _matches(pc.utf8_slice_codeunits(cells, 10, 19), "^" + _TIME))
    text = pc.if_else(pa.array(ok), cells, _NO_TEXT)
    return ColumnValues(text, python=_times, text=_time_text), ok


def _times(text: pa.Array) -> list[Any]:
    return _python_values(pc.cast(text, pa.timestamp("us")))


def _time_text(text: pa.Array) -> pa.Array:
    """``YYYY-MM-DD HH:MM:SS.000000`` of a cell ``YYYY-MM-DD[T ]HH:MM:SS`` (what
    ``datetime.isoformat(" ", "microseconds")`` gives)."""
    return pc.binary_join_element_wise(pc.utf8_replace_slice(text, 10, 11, " "),
                                       ".000000", "")


def _python_values(values: pa.Array) -> list[Any]:
    """Dates or timestamps (years 1 to 9999) as datetime.date or datetime.datetime, None
    for null: the values to_pylist() gives, through NumPy, some thirty times faster."""
    return values.to_numpy(zero_copy_only=False).tolist()


def _decimal(self: ColumnCleaner, cells: pa.Array) -> Cleaned:
    """An amount; its COPY text is the cell (digits with a dot), from which PostgreSQL
    reads the very number, with the very scale, that ``Decimal``'s text gives."""
    ok = _matches(cells, _DECIMAL)
    return ColumnValues(pc.if_else(pa.array(ok), cells, _NO_TEXT), python=_amounts,
                        text=_same), ok


def _amounts(text: pa.Array) -> list[Any]:
    return memo_of(Decimal).all(text.to_pylist())


def _integer(self: ColumnCleaner, cells: pa.Array) -> Cleaned:
    ok = _matches(cells, _INTEGER)
    text = pc.if_else(pa.array(ok), cells, _NO_TEXT)
    return ColumnValues(pc.cast(text, pa.int64()), text=_number_text), ok


def _number_text(numbers: pa.Array) -> pa.Array:
    return pc.cast(numbers, pa.string())


@lru_cache(maxsize=64)
def _choice_of(choices: tuple[str, ...]) -> Callable[[ColumnCleaner, pa.Array], Cleaned]:
    lowered = pa.array([c.lower() for c in choices])
    canonical = pa.array(list(choices))

    def clean(self: ColumnCleaner, cells: pa.Array) -> Cleaned:
        at = pc.index_in(pc.ascii_lower(cells), value_set=lowered)
        ok = _matches(cells, _PRINTABLE) & _np(pc.is_valid(at))
        return ColumnValues(canonical.take(at), text=_same), ok

    return clean


def _vin(self: ColumnCleaner, cells: pa.Array) -> Cleaned:
    upper = pc.ascii_upper(cells)
    form = _matches(cells, _VIN)
    return _or_none(upper, _empty(cells)), form & _check_digit_ok(
        pc.if_else(pa.array(form), upper, _VALID_VIN))


_VIN_VALUE = np.zeros(256, dtype=np.int64)
for _ch, _v in zip("0123456789ABCDEFGHJKLMNPRSTUVWXYZ",
                   [*range(10), *range(1, 9), *range(1, 6), 7, 9, *range(2, 10)], strict=True):
    _VIN_VALUE[ord(_ch)] = _v
_VIN_WEIGHT = np.array([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2])


def _check_digit_ok(vins: pa.Array) -> np.ndarray:
    """Position 9 of each 17-character VIN (A-Z, 0-9, upper case) is its check digit."""
    vins = pa.concat_arrays([vins]) if vins.offset else vins
    offsets = np.frombuffer(vins.buffers()[1], dtype=np.int32)[:len(vins) + 1]
    data = np.frombuffer(vins.buffers()[2], dtype=np.uint8)
    chars = data[offsets[:-1, None] + np.arange(17)]
    remainder = (_VIN_VALUE[chars] * _VIN_WEIGHT).sum(axis=1) % 11
    expected = np.where(remainder == 10, ord("X"), remainder + ord("0"))
    return chars[:, 8] == expected


def _email(self: ColumnCleaner, cells: pa.Array) -> Cleaned:
    lower = pc.ascii_lower(_trim(cells))
    ok = _matches(cells, _SPACED_PRINTABLE) & _matches(lower, _SIMPLE_EMAIL.pattern)
    return _or_none(lower, _empty(cells)), ok


def _phone(self: ColumnCleaner, cells: pa.Array) -> Cleaned:
    """A North American number read with a North American rooftop's country (10 digits,
    or 11 with a leading 1), or one written in E.164 as +1 and 10 digits (the country
    code then says which country, whatever the rooftop's)."""
    compact = pc.replace_substring_regex(cells, r"[ ().\-/]", "")
    nanp = np.zeros(len(cells), dtype=bool) if self.nanp is None else self.nanp
    national = nanp & _matches(cells, _PHONE_CHARS) & _matches(compact, _NANP_DIGITS)
    e164 = _matches(cells, _E164_CHARS) & _matches(compact, _E164_NANP)
    ten = _np(pc.equal(pc.binary_length(compact), 10))
    value = pc.if_else(pa.array(ten), pc.binary_join_element_wise("+1", compact, ""),
                       pc.binary_join_element_wise("+", compact, ""))
    value = pc.if_else(pa.array(e164), compact, value)
    ok = national | e164
    out = _or_none(value, ~ok).values()
    if self.countries is not None:
        # any other number: the per-row cleaner's own reading, for this cell alone;
        # one it cannot read is left to the row (which gives the warning)
        others = np.flatnonzero(~ok & ~_empty(cells))
        texts = cells.take(pa.array(others)).to_pylist()
        for i, text, country in zip(others.tolist(), texts, self.countries(others),
                                    strict=True):
            e164_value = phone_e164(text, country=country)
            if e164_value is not None:
                out[i] = e164_value
                ok[i] = True
    return out, ok


@lru_cache(maxsize=8)
def _listed(allowed: frozenset[str]) -> Callable[[ColumnCleaner, pa.Array], Cleaned]:
    value_set = pa.array(sorted(allowed))

    def clean(self: ColumnCleaner, cells: pa.Array) -> Cleaned:
        ok = _np(pc.is_in(cells, value_set=value_set))
        return _or_none(cells, ~ok), ok

    return clean


def _never(self: ColumnCleaner, cells: pa.Array) -> Cleaned:
    return [None] * len(cells), np.zeros(len(cells), dtype=bool)


_CLEANERS: dict[Kind, Callable[[ColumnCleaner, pa.Array], Cleaned]] = {
    Kind.TEXT: _text,
    Kind.NAME: _name,
    Kind.DATE: _date,
    Kind.TIMESTAMP: _timestamp,
    Kind.DECIMAL: _decimal,
    Kind.INTEGER: _integer,
    Kind.YESNO: _choice_of(("yes", "no")),
    Kind.VIN: _vin,
    Kind.EMAIL: _email,
    Kind.PHONE: _phone,
    Kind.POSTAL: _postal,
    Kind.COUNTRY: _listed(_COUNTRIES),
    Kind.TIMEZONE: lambda self, cells: _listed(_timezones())(self, cells),
    Kind.CHOICE: _never,  # each column's own choices: see ColumnCleaner._column
    Kind.CODES: _never,
}


#: ASCII punctuation (Unicode category P*) and ASCII whitespace (what ``\s`` and
#: ``str.strip()`` take in ASCII), as RE2 classes
_ASCII_PUNCT = r"""[!"#%&'()*,\-./:;?@\[\\\]_{}]"""
_ASCII_SPACES = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"


def identity_key_column(texts: Sequence[Any] | pa.Array) -> ColumnValues:
    """``clean.identity_key`` of each text (names, streets): ASCII texts by Arrow
    (lower-cased, ASCII punctuation removed, whitespace collapsed and trimmed), any
    other one by ``identity_key`` itself."""
    if isinstance(texts, ColumnValues):
        texts = texts.array
    elif not isinstance(texts, pa.Array):
        texts = pa.array(texts, pa.string())
    kept = pc.replace_substring_regex(pc.ascii_lower(texts), _ASCII_PUNCT, "")
    keys = pc.utf8_trim(pc.replace_substring_regex(kept, _ASCII_SPACES, " "), " ")
    keys = pc.if_else(pc.equal(keys, ""), _NO_TEXT, keys)
    other = np.flatnonzero(~pc.fill_null(pc.string_is_ascii(texts), True)
                           .to_numpy(zero_copy_only=False))
    if len(other):
        values = keys.to_pylist()
        for i, text in zip(other.tolist(), texts.take(pa.array(other)).to_pylist(),
                           strict=True):
            values[i] = identity_key(text)
        keys = pa.array(values, pa.string())
    return ColumnValues(keys, text=_same)
