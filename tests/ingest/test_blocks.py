"""Reading a file in blocks with pyarrow gives exactly the rows the csv module gives:
the same cells, the same row numbers, the same refusal of an unreadable file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerreach.ingest import blocks
from dealerreach.ingest.blocks import ArrowRows
from dealerreach.ingest.profiles import CANONICAL
from dealerreach.ingest.source import ImportRefused, ImportSource
from dealerreach.ingest.spec import ROOFTOPS

HEADER = b"rooftop_id,name,city\r\n"
#: pieces of CSV text, plain and not: quotes in and around fields, line ends of every
#: kind, empty lines, short and long rows, a BOM, a NUL, bytes that are not UTF-8
PIECES = [b"R1", b"a b", b"\xc3\xa4", b",", b",", b",", b"\n", b"\r\n", b"\n", b'"', b'""',
          b'"x,y"', b'"a\nb"', b'"a\r\nb"', b" ", b"\r", b"\xef\xbb\xbf", b"\x00", b"\xff",
          b'"q""q"', b"R2,Berg,K\xc3\xb6ln\n"]


PLAIN_FIELDS = [b"R1", b"", b"a b", b" x ", b"K\xc3\xb6ln", b'"x,y"', b'"a\nb"',
                b'"a\r\nb"', b'""', b'"q""q"', b'""""', b"\t"]
ODD_FIELDS = [b"\xef\xbb\xbfR", b'5" tire', b'"a" ', b"\r", b"x\n", b"\xff"]
_FIELD = st.sampled_from(PLAIN_FIELDS * 20 + ODD_FIELDS)
_LINE_END = st.sampled_from([b"\n", b"\r\n"] * 40 + [b"\r", b"\n\n", b""])
_WIDTH = st.sampled_from([3] * 60 + [1, 2, 4])
#: rows mostly as wide as the header, with plain and quoted fields, now and then not
ROWS = st.lists(st.tuples(
    _WIDTH.flatmap(lambda n: st.lists(_FIELD, min_size=n, max_size=n)).map(b",".join),
    _LINE_END).map(b"".join), max_size=30).map(b"".join)


def _file(tmp_path: Path, body: bytes, header: bytes = HEADER) -> Path:
    folder = tmp_path / "import"
    folder.mkdir(exist_ok=True)
    (folder / "customers.csv").write_bytes(b"customer_id,rooftop_id\r\n")
    (folder / "rooftops.csv").write_bytes(header + body)
    return folder


def _read(folder: Path, *, use_blocks: bool) -> tuple[list, str | None, bool]:
    rows: list = []
    arrow = False
    try:
        with ImportSource(folder, profile=CANONICAL) as source:
            opened = source.open(ROOFTOPS, blocks=use_blocks)
            if opened.batches is None:
                rows = list(opened.rows)
            else:
                for batch in opened.batches:
                    arrow |= isinstance(batch, ArrowRows)
                    rows.extend(batch if isinstance(batch, list) else batch.as_rows())
    except ImportRefused as exc:
        return rows, str(exc), arrow
    return rows, None, arrow


@settings(max_examples=300, deadline=None)
@given(body=st.one_of(st.lists(st.sampled_from(PIECES), max_size=40).map(b"".join), ROWS),
       block=st.integers(min_value=1, max_value=96))
def test_blocks_give_the_rows_and_refusals_of_the_csv_module(tmp_path_factory, body, block):
    folder = _file(tmp_path_factory.mktemp("b"), body)
    old = blocks.BLOCK_BYTES
    blocks.BLOCK_BYTES = block
    try:
        fast_rows, fast_refusal, _ = _read(folder, use_blocks=True)
    finally:
        blocks.BLOCK_BYTES = old
    slow_rows, slow_refusal, _ = _read(folder, use_blocks=False)
    assert fast_refusal == slow_refusal
    if slow_refusal is None:
        assert fast_rows == slow_rows


def test_plain_and_quoted_rows_are_read_by_pyarrow(tmp_path):
    body = b'R1,"Lakeside, Toyota",Chicago\r\nR2,"Autohaus ""Berg""",K\xc3\xb6ln\r\n'
    rows, refusal, arrow = _read(_file(tmp_path, body), use_blocks=True)
    assert (refusal, arrow) == (None, True)
    assert rows == [(2, ["R1", "Lakeside, Toyota", "Chicago"]),
                    (3, ["R2", 'Autohaus "Berg"', "Köln"])]


@pytest.mark.parametrize("body", [
    b"R1,a,b\n\nR2,c,d\n",  # an empty line still counts as a row
    b'R1,5" tire,b\nR2,c,d\n',  # a quote inside an unquoted field
    b"R1,a\nR2,c,d\n",  # a short row
    b"R1,a,b\rR2,c,d\r",  # old Mac line ends
])
def test_irregular_text_is_read_by_the_csv_module_with_the_same_row_numbers(tmp_path, body):
    fast = _read(_file(tmp_path, body), use_blocks=True)
    assert fast[:2] == _read(_file(tmp_path, body), use_blocks=False)[:2]


def test_a_byte_that_is_not_utf8_refuses_the_file_as_before(tmp_path):
    body = b"".join(b"R%d,name,city\n" % i for i in range(5000)) + b"R\xff,x,y\n"
    folder = _file(tmp_path, body)
    fast = _read(folder, use_blocks=True)
    slow = _read(folder, use_blocks=False)
    assert fast[1] is not None and fast[1] == slow[1]
    assert "not readable as text after row" in fast[1]
