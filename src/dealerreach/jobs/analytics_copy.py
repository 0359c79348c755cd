"""The analytics copy: the columns the rules read, of one group, as Parquet files.

A segment run on the duckdb engine reads these files where it would otherwise read
every record of the group out of the store. Reading the store took about 27 s of a
run at 1,000,000 customers, and the tables read into DuckDB filled most of its memory;
the rules now scan the files where they lie (decision 0004).

A copy belongs to the newest completed import of its group: ``dealerreach import``
writes one after each completed import (after an import that changed nothing, it links
the files of the copy before, ``carry_copy``), and a segment run that finds none (or an
older one) reads the store and writes it on the way. Only imports write the record tables,
so a copy of the newest import holds what the store holds. A change made to the record
tables by other means is not seen until ``dealerreach segments refresh-copy``.

Layout: ``<root>/<group>/import-<id>/<table>.parquet`` and ``manifest.json``. A copy
is written under a temporary name and renamed into place when whole; the copy before
it is kept (a run may still be reading it), older ones are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from dealerreach.features.inputs import COLUMN_TYPES, STORE_TABLES
from dealerreach.leftovers import remove_abandoned
from dealerreach.storage import schema
from dealerreach.storage.arrow import MixedValues, each_part, each_table, is_postgres

#: the columns the rules read (and the group), so nothing else is copied out of the store
RULE_COLUMNS = {name: [*types, "group_id"] for name, types in COLUMN_TYPES.items()}
#: the copy's shape: a copy made with another layout is not used
LAYOUT = 1
MANIFEST = "manifest.json"
#: how many copies of a group are kept (the newest, and the one a run may still read)
KEPT = 2
_SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")
_ARROW_TIMES = {"date": pa.date32(), "timestamp": pa.timestamp("us")}


@dataclass(frozen=True)
class AnalyticsCopy:
    """One group's copy as of one import: a Parquet file per store table."""

    folder: Path
    import_id: int
    rows: dict[str, int]

    def path(self, table: str) -> Path:
        return self.folder / f"{table}.parquet"


def default_root(store: sa.Engine, *, home: Path) -> Path | None:
    """Where a store's copies live by default: beside an SQLite file
    (``<file>.analytics``), or under the data folder for a PostgreSQL store
    (``<home>/analytics/<host>-<port>-<database>``). None for an in-memory store."""
    url = store.url
    if is_postgres(store):
        name = f"{url.host or 'localhost'}-{url.port or 5432}-{url.database}"
        return home / "analytics" / _folder_name(name)
    if not url.database or url.database == ":memory:":
        return None
    return Path(f"{url.database}.analytics")


def group_folder(root: Path, *, group_id: str) -> Path:
    """The folder of a group's copies (and of its runs' features files)."""
    return root / _folder_name(group_id)


def _folder_name(name: str) -> str:
    """A name as a folder name: itself when plainly safe, else a digest of it."""
    if _SAFE_NAME.fullmatch(name):
        return name
    return "h-" + hashlib.sha256(name.encode()).hexdigest()[:24]


def newest_import(conn: sa.Connection, *, group_id: str) -> int | None:
    """The id of the group's newest completed import (what a current copy holds)."""
    imports = schema.imports
    return conn.execute(sa.select(sa.func.max(imports.c.import_id)).where(
        imports.c.group_id == group_id, imports.c.status == "completed")).scalar()


def current_copy(store: sa.Engine, *, root: Path, group_id: str) -> AnalyticsCopy | None:
    """The group's copy when it holds the newest completed import, else None."""
    with store.connect() as conn:
        newest = newest_import(conn, group_id=group_id)
    if newest is None:
        return None
    found = _read_manifest(group_folder(root, group_id=group_id) / f"import-{newest}")
    if found is None or found.import_id != newest:
        return None
    return found


def _read_manifest(folder: Path) -> AnalyticsCopy | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("layout") != LAYOUT or set(manifest.get("rows", {})) != set(STORE_TABLES):
        return None
    found = AnalyticsCopy(folder, int(manifest["import_id"]), dict(manifest["rows"]))
    if not all(found.path(name).is_file() for name in STORE_TABLES):
        return None
    return found


def with_times(name: str, table: pa.Table) -> pa.Table:
    """A store table's dates and timestamps read as text (SQLite keeps them so) turned
    into Arrow dates and times once, here, rather than cast by the engine wherever a
    rule uses them. A column with a value Arrow does not read (a time with an offset)
    is left as text for the engine's own cast, as before."""
    for column, kind in COLUMN_TYPES[name].items():
        at = table.schema.get_field_index(column)
        if kind not in _ARROW_TIMES or at < 0 or not pa.types.is_string(table.field(at).type):
            continue
        try:
            table = table.set_column(at, column, table.column(at).cast(_ARROW_TIMES[kind]))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    return table


def store_tables(store: sa.Engine, *, group_id: str, names: Sequence[str] = STORE_TABLES,
                 ) -> Iterator[tuple[str, pa.Table]]:
    """The group's rule columns of each store table, dates and times as Arrow's."""
    for name, table in each_table(store, group_id=group_id, names=names,
                                  columns=RULE_COLUMNS):
        yield name, with_times(name, table)


class CopyWriter:
    """Writes a group's copy one table at a time and puts it in place only when every
    table is written (``finish``); ``discard`` leaves nothing behind."""

    def __init__(self, root: Path, *, group_id: str, import_id: int) -> None:
        self._group = group_folder(root, group_id=group_id)
        self._group.mkdir(parents=True, exist_ok=True)
        self._import_id = import_id
        self._work = self._group / f".writing-{secrets.token_hex(6)}"
        self._work.mkdir()
        self._rows: dict[str, int] = {}

    def link(self, name: str, source: AnalyticsCopy) -> None:
        """One table, the same file as in ``source`` (a hard link: nothing is copied)."""
        os.link(source.path(name), self._work / f"{name}.parquet")
        self._rows[name] = source.rows[name]

    def add(self, name: str, parts: Iterable[pa.Table]) -> None:
        """One table, from parts that share one schema (the first part's)."""
        writer: pq.ParquetWriter | None = None
        rows = 0
        try:
            for part in parts:
                if writer is None:
                    writer = pq.ParquetWriter(self._work / f"{name}.parquet", part.schema,
                                              compression="zstd", compression_level=1)
                writer.write_table(part)
                rows += part.num_rows
        finally:
            if writer is not None:
                writer.close()
        self._rows[name] = rows

    def finish(self, *, now: datetime) -> AnalyticsCopy:
        manifest = {"layout": LAYOUT, "import_id": self._import_id,
                    "written_at": now.isoformat(), "rows": self._rows}
        (self._work / MANIFEST).write_text(json.dumps(manifest, indent=1))
        target = self._group / f"import-{self._import_id}"
        if target.exists():
            # the same import copied again: move the old copy aside first
            aside = self._group / f".old-{secrets.token_hex(6)}"
            target.rename(aside)
            shutil.rmtree(aside, ignore_errors=True)
        self._work.rename(target)
        _prune(self._group)
        return AnalyticsCopy(target, self._import_id, dict(self._rows))

    def discard(self) -> None:
        shutil.rmtree(self._work, ignore_errors=True)

    def __enter__(self) -> CopyWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """A copy left unfinished by an error leaves nothing behind."""
        if kind is not None:
            self.discard()


def _prune(group: Path) -> None:
    """Keep the newest ``KEPT`` copies of a group, and remove what a process stopped
    while writing left behind (``leftovers.remove_abandoned``)."""
    copies = sorted((p for p in group.glob("import-*") if p.name[7:].isdigit()),
                    key=lambda p: int(p.name[7:]), reverse=True)
    for old in copies[KEPT:]:
        shutil.rmtree(old, ignore_errors=True)
    remove_abandoned([*group.glob(".writing-*"), *group.glob(".old-*")])


def _copy_table(writer: CopyWriter, store: sa.Engine, *, group_id: str, name: str) -> None:
    """One table's rule columns, a part at a time so the copy never holds a large table
    whole; read whole, as a run reads the store, when a column's text is not all of its
    type (``with_times`` then keeps it as text)."""
    try:
        writer.add(name, each_part(store, group_id=group_id, name=name,
                                   columns=RULE_COLUMNS[name]))
    except MixedValues:
        whole = dict(store_tables(store, group_id=group_id, names=(name,)))
        writer.add(name, [whole[name]])


def carry_copy(store: sa.Engine, *, root: Path, group_id: str, import_id: int,
               now: datetime) -> AnalyticsCopy | None:
    """After an import that changed nothing, the copy of the import before it serves as
    the copy of this one (its files linked, not copied). None, and nothing written,
    when that import has no copy, or ``import_id`` is not the newest completed one."""
    imports = schema.imports
    with store.connect() as conn:
        if newest_import(conn, group_id=group_id) != import_id:
            return None
        before = conn.execute(sa.select(sa.func.max(imports.c.import_id)).where(
            imports.c.group_id == group_id, imports.c.status == "completed",
            imports.c.import_id < import_id)).scalar()
    source = None if before is None else _read_manifest(
        group_folder(root, group_id=group_id) / f"import-{before}")
    if source is None:
        return None
    with CopyWriter(root, group_id=group_id, import_id=import_id) as writer:
        for name in STORE_TABLES:
            writer.link(name, source)
        return writer.finish(now=now)


def refresh_copy(store: sa.Engine, *, root: Path, group_id: str,
                 now: datetime) -> AnalyticsCopy | None:
    """Write the group's copy of its newest completed import (None: it has none). The
    store is read after the import's id, so a copy holds at least that import."""
    with store.connect() as conn:
        newest = newest_import(conn, group_id=group_id)
    if newest is None:
        return None
    with CopyWriter(root, group_id=group_id, import_id=newest) as writer:
        for name in STORE_TABLES:
            _copy_table(writer, store, group_id=group_id, name=name)
        return writer.finish(now=now)
