"""Reading an import: a folder or a .zip of CSV files, streamed row by row.

Nothing here holds a whole file in memory. Whatever makes a file unreadable as a whole
(not CSV, wrong encoding, a required column missing, a broken zip) raises
``ImportRefused`` with a one-line message naming the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from dealerreach.ingest.blocks import BLOCK_BYTES, Batch, BlockReader, Unreadable, header_end
from dealerreach.ingest.profiles import Profile
from dealerreach.ingest.spec import FILES, REQUIRED_FILES, FileSpec

csv.field_size_limit(16 * 1024 * 1024)


class ImportRefused(Exception):
    """The import as a whole cannot be read; nothing was changed."""


@dataclass
class SourceFile:
    spec: FileSpec
    #: the file's name as the import holds it (a vendor's name under a profile)
    display_name: str
    #: canonical column name (or, for unknown columns, the header) per position
    columns: list[str]
    #: (row number, cells); the header is row 1, as a spreadsheet shows it
    rows: Iterator[tuple[int, list[str]]]
    #: the same rows in batches, when the file is read in blocks (then read either
    #: ``rows`` or ``batches``, not both)
    batches: Iterator[Batch] | None = None


class ImportSource:
    """The files of one import, opened lazily; use as a context manager."""

    def __init__(self, path: Path, *, profile: Profile) -> None:
        self.path = path
        self.profile = profile
        self._stack = ExitStack()
        self._zip: zipfile.ZipFile | None = None
        self._names: dict[str, str] = {}

    def __enter__(self) -> ImportSource:
        self._names = self._list_files()
        for required in REQUIRED_FILES:
            if self.profile.file_name(required).lower() not in self._names:
                raise ImportRefused(
                    f"{self.path.name}: no {self.profile.file_name(required)} "
                    f"(it is required; found: {', '.join(sorted(self._names)) or 'no files'})")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def present(self) -> list[FileSpec]:
        """The canonical files this import holds, in reading order."""
        return [s for s in FILES if self.profile.file_name(s.name).lower() in self._names]

    def check_headers(self) -> None:
        """Refuse the whole import now if any file's header is unusable."""
        for spec in self.present():
            with self._open_text(spec) as (_name, handle):
                self._read_header(spec, handle)

    def open(self, spec: FileSpec, *, blocks: bool = False) -> SourceFile:
        """A file's columns and rows. ``blocks``: read a UTF-8, comma-separated file in
        blocks with pyarrow where that gives the csv module's very rows (``blocks.py``)."""
        name, handle = self._stack.enter_context(self._open_text(spec))
        columns, reader = self._read_header(spec, handle)
        block_reader = self._block_reader(spec) if blocks else None
        if block_reader is None:
            return SourceFile(spec, name, columns, _rows(reader, name=name))
        batches = self._batches(spec, name, block_reader)
        return SourceFile(spec, name, columns, _flat(batches), batches)

    def _block_reader(self, spec: FileSpec) -> BlockReader | None:
        """A reader of the file's data rows in blocks, placed after the header, when the
        profile reads UTF-8 with commas and the header reads the same both ways."""
        encoding = self.profile.encoding.lower().replace("_", "-")
        if self.profile.delimiter != "," or encoding not in ("utf-8", "utf-8-sig", "utf8"):
            return None
        where = self._names[self.profile.file_name(spec.name).lower()]
        binary = self._stack.enter_context(self._open_binary(where))
        head = b""
        while (end := header_end(head)) is None:
            more = binary.read(BLOCK_BYTES)
            if not more:
                end = len(head)
                break
            head += more
        start = 3 if encoding == "utf-8-sig" and head.startswith(b"\xef\xbb\xbf") else 0
        if end <= start:
            return None
        try:
            text = head[start:end].decode("utf-8")
        except UnicodeDecodeError:
            return None
        with self._open_text(spec) as (_name, handle):
            header = next(csv.reader(handle, delimiter=","), None)
        if header is None or list(csv.reader(io.StringIO(text, newline=""))) != [header]:
            return None
        return BlockReader(binary, width=len(header), pending=head[end:])

    def _batches(self, spec: FileSpec, name: str, reader: BlockReader) -> Iterator[Batch]:
        try:
            yield from reader.batches()
        except Unreadable:
            # the csv module refuses this file: read it that way for its own message
            with self._open_text(spec) as (_name, handle):
                for _row in _rows(self._read_header(spec, handle)[1], name=name):
                    pass
            raise ImportRefused(f"{name}: not valid CSV") from None

    # -- internals ---------------------------------------------------------------------

    def _list_files(self) -> dict[str, str]:
        """lower-case file name -> the member or path to read, shallowest first."""
        if self.path.is_dir():
            return {p.name.lower(): str(p) for p in sorted(self.path.iterdir()) if p.is_file()}
        if not self.path.exists():
            raise ImportRefused(f"{self.path}: no such folder or file")
        if not zipfile.is_zipfile(self.path):
            raise ImportRefused(f"{self.path.name}: neither a folder nor a .zip archive")
        try:
            self._zip = self._stack.enter_context(zipfile.ZipFile(self.path))
            members = [m for m in self._zip.infolist() if not m.is_dir()]
        except (zipfile.BadZipFile, OSError) as exc:
            raise ImportRefused(f"{self.path.name}: broken zip archive ({exc})") from None
        found: dict[str, str] = {}
        for member in sorted(members, key=lambda m: m.filename.count("/")):
            found.setdefault(PurePosixPath(member.filename).name.lower(), member.filename)
        return found

    def _open_binary(self, where: str) -> IO[bytes]:
        if self._zip is None:
            return open(where, "rb")  # noqa: SIM115 - closed by the caller's stack
        try:
            return self._zip.open(where)
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
            raise ImportRefused(f"{self.path.name}: broken zip archive ({exc})") from None

    def _open_text(self, spec: FileSpec) -> _TextContext:
        where = self._names[self.profile.file_name(spec.name).lower()]
        return _TextContext(self, spec, where)

    def _read_header(self, spec: FileSpec, handle: IO[str]) -> tuple[list[str], Iterator]:
        name = self.profile.file_name(spec.name)
        reader = csv.reader(handle, delimiter=self.profile.delimiter)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportRefused(_unreadable(name, exc, self.profile)) from None
        if not header or not any(h.strip() for h in header):
            raise ImportRefused(f"{name}: no header row (the file is empty)")
        columns = [self.profile.canonical_column(spec.name, h) for h in header]
        _check_columns(spec, name=name, header=header, columns=columns,
                       delimiter=self.profile.delimiter)
        return columns, reader


class _TextContext:
    def __init__(self, source: ImportSource, spec: FileSpec, where: str) -> None:
        self.source, self.spec, self.where = source, spec, where
        self._stack = ExitStack()

    def __enter__(self) -> tuple[str, IO[str]]:
        binary = self._stack.enter_context(self.source._open_binary(self.where))
        head = binary.peek(4096)[:4096] if hasattr(binary, "peek") else b""
        name = self.source.profile.file_name(self.spec.name)
        if b"\x00" in head:
            self._stack.close()
            raise ImportRefused(f"{name}: not a CSV text file (it holds binary data)")
        if _is_utf8_under_other_encoding(head, self.source.profile.encoding):
            self._stack.close()
            raise ImportRefused(
                f"{name}: the file is UTF-8 text, but profile "
                f"{self.source.profile.name} reads {self.source.profile.encoding}; "
                "export it in that encoding or use a profile that reads UTF-8")
        text = io.TextIOWrapper(binary, encoding=self.source.profile.encoding,
                                errors="strict", newline="")
        self._stack.callback(text.detach)
        return name, text

    def __exit__(self, *exc: object) -> None:
        self._stack.close()


def _is_utf8_under_other_encoding(head: bytes, encoding: str) -> bool:
    """True when a profile reads a single-byte encoding but the file is plainly UTF-8
    (a BOM, or non-ASCII text that decodes as UTF-8): reading it would garble letters."""
    if encoding.lower().replace("_", "-") in ("utf-8", "utf-8-sig", "utf8"):
        return False
    if head.startswith(b"\xef\xbb\xbf"):
        return True
    if head.isascii():
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:  # a cut multi-byte character at the end is fine
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    return True


def _flat(batches: Iterator[Batch]) -> Iterator[tuple[int, list[str]]]:
    for batch in batches:
        yield from (batch if isinstance(batch, list) else batch.as_rows())


def _rows(reader: Iterator[list[str]], *, name: str) -> Iterator[tuple[int, list[str]]]:
    row = 1
    try:
        for cells in reader:
            row += 1
            if cells:
                yield row, cells
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            f"{name}: not readable as text after row {row} ({exc.reason}); "
            f"the file's encoding is not the profile's") from None
    except csv.Error as exc:
        raise ImportRefused(f"{name}: not valid CSV at row {row + 1} ({exc})") from None


def _unreadable(name: str, exc: Exception, profile: Profile) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return (f"{name}: not {profile.encoding} text ({exc.reason} at byte {exc.start}); "
                "give the right --profile or convert the file")
    return f"{name}: not valid CSV ({exc})"


def _check_columns(spec: FileSpec, *, name: str, header: list[str], columns: list[str],
                   delimiter: str) -> None:
    seen: set[str] = set()
    for col in columns:
        if col in seen:
            raise ImportRefused(f"{name}: column {col} appears twice in the header")
        seen.add(col)
    missing = [c for c in spec.required if c not in seen]
    if spec.name == "valuations.csv" and "vin" not in seen and "make" not in seen:
        missing.append("vin (or year, make, model, trim)")
    if not missing:
        return
    hint = ""
    other = ";" if delimiter == "," else ","
    if len(header) == 1 and other in header[0]:
        hint = f" (the file looks {other!r}-separated; is it a vendor layout? try --profile)"
    raise ImportRefused(f"{name}: required column missing: {', '.join(missing)}{hint}")


def read_source_files(path: Path, *, profile: Profile) -> list[str]:
    """The canonical names of the files an import at ``path`` holds (for reports)."""
    with ImportSource(path, profile=profile) as source:
        return [s.name for s in source.present()]
