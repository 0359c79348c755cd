"""A segment run's features kept in a Parquet file beside the store, not as JSON in it.

On an SQLite store with an analytics copy (``jobs.analytics_copy``), a run writes
every opportunity's features, typed, into ``<root>/<group>/runs/<D>-<token>.parquet``
(sorted by VIN, in small row groups so one VIN is found by reading one of them), and
its rows in ``opportunity_segments`` keep only their own columns (``features`` null).
The run's row in ``segment_runs`` names the file. At 1,000,000 customers the features
JSON was 1.3 GB a run, and writing it into SQLite was about half of a run's time.
A PostgreSQL store keeps the JSON in the database, which every machine can read.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from dealerreach.leftovers import remove_abandoned

#: rows per row group: reading one opportunity reads one group
ROW_GROUP_ROWS = 16_384


class FeaturesUnavailable(Exception):
    """The file a run kept its features in is gone."""


def runs_folder(group_folder: Path) -> Path:
    return group_folder / "runs"


def new_features_path(folder: Path, *, as_of: date) -> Path:
    """A new file name for a run of ``as_of`` (a re-run never writes over the file of
    the run it replaces, which stays until the new run is stored)."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{as_of.isoformat()}-{secrets.token_hex(6)}.parquet"


def remove_leftovers(folder: Path, *, named: Collection[str]) -> list[Path]:
    """Remove what a process stopped mid-run left in a group's runs folder: files
    being written, and whole files no run names (written, but the run was never
    stored), once old enough (``leftovers.remove_abandoned``)."""
    return remove_abandoned([*folder.glob("*.writing"),
                             *(p for p in folder.glob("*.parquet") if str(p) not in named)])


def write_features(result: pa.Table, *, path: Path) -> Path:
    """Write a run's result (sorted by VIN) to ``path``, whole or not at all."""
    work = path.with_suffix(".writing")
    try:
        pq.write_table(result, work, compression="zstd", compression_level=1,
                       row_group_size=ROW_GROUP_ROWS, write_statistics=["vin"])
        work.rename(path)
    except BaseException:
        work.unlink(missing_ok=True)
        raise
    return path


def read_features(path: str, *, vin: str) -> dict[str, Any] | None:
    """One opportunity's row of a run's features file (None: the VIN is not in it)."""
    try:
        rows = ds.dataset(path, format="parquet").to_table(filter=ds.field("vin") == vin)
    except FileNotFoundError as exc:
        raise FeaturesUnavailable(
            f"the run kept its features in {path}, which is gone; run the segments "
            "of that date again") from exc
    found = rows.to_pylist()
    return found[0] if found else None
