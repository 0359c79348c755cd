"""What a file's rows refer to, checked before they are stored.

FORMAT.md: a deal, RO or lead names a customer record, an RO line its repair order;
a row whose reference is in neither this import nor the store is rejected (a row with
an empty reference refers to nothing). A rooftop or vehicle known only from a
reference gets a *bare* record (a warning for a rooftop), so nothing is lost. A
valuation that names no vehicle (no VIN, no year, make and model) is rejected.

References are looked up in the store, or, when this import brought a referenced
file's first records, in memory (``key_index``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import sqlalchemy as sa

from dealerreach.ingest.clean import NO_VALUATION_KEY, valuation_key
from dealerreach.ingest.first_load import ChunkRows
from dealerreach.ingest.key_index import KeyIndex
from dealerreach.ingest.rows import Chunk, Issue, Record, RowReader
from dealerreach.ingest.spec import CUSTOMER_REFERENCES, VEHICLE_REFERENCES, FileSpec
from dealerreach.ingest.upsert import TableStore
from dealerreach.storage import schema

#: the columns a valuation's key is made of (``clean.valuation_key``)
VALUATION_KEY_COLUMNS = ("vin", "year", "make", "model", "trim")
#: files other files refer to, and the key columns a reference names
REFERENCED = {"customers.csv": ("rooftop_id", "customer_id"), "vehicles.csv": ("vin",),
              "repair_orders.csv": ("rooftop_id", "ro_number")}
#: per referring file: the file it must name a record of, the key columns, the word
REQUIRED = {**{name: ("customers.csv", ("rooftop_id", "customer_id"), "customer")
               for name in CUSTOMER_REFERENCES},
            "ro_lines.csv": ("repair_orders.csv", ("rooftop_id", "ro_number"),
                             "repair order")}


def referenced_files(spec: FileSpec) -> list[str]:
    """The files whose records a file's rows must name (checked before they are stored)."""
    return [REQUIRED[spec.name][0]] if spec.name in REQUIRED else []


def bare_row(table: sa.Table, **values: Any) -> dict:
    """A record known only from a reference (columns left out are unknown)."""
    return {**values, "is_bare": True}


class References:
    """One import's reference checks and bare records.

    ``rooftop_country`` (the group's rooftops and their countries) and ``key_index``
    are the run's own dictionaries, kept up to date by it; ``counts`` is told how many
    bare records were made (``bare_rooftops``, ``bare_vehicles``) and ``add_issue`` of
    each bare rooftop."""

    def __init__(self, *, stores: dict[str, TableStore], group_id: str,
                 rooftop_country: dict[str, str | None], key_index: dict[str, KeyIndex],
                 counts: Any, add_issue: Callable[[Issue], None]) -> None:
        self.stores, self.group_id = stores, group_id
        self.rooftop_country, self.key_index = rooftop_country, key_index
        self.counts, self.add_issue = counts, add_issue

    def known(self, target: str, keys: Sequence[tuple | None]) -> list[bool]:
        """Per reference (None: empty), whether the target table holds its key."""
        index = self.key_index.get(target)
        if index is not None:
            return index.contains(keys)
        known = self.stores[target].existing_keys(k for k in keys if k is not None)
        return [k is not None and k in known for k in keys]

    # -- record by record ------------------------------------------------------------

    def checked(self, spec: FileSpec, batch: list[Record], reader: RowReader, *,
                shown_name: str) -> list[Record]:
        """The batch without the rows it rejects; bare rooftops and vehicles made."""
        if spec.column("rooftop_id") and spec.name != "rooftops.csv":
            self.create_bare_rooftops(batch, shown_name=shown_name)
        if spec.name in REQUIRED:
            batch = self._require(batch, reader, *REQUIRED[spec.name])
        if spec.name == "valuations.csv":
            batch = self._valuation_keys(batch, reader)
        if spec.name in VEHICLE_REFERENCES:
            columns = VEHICLE_REFERENCES[spec.name]
            self.store_bare_vehicles(self.unknown_vehicles(
                {str(rec.values[c]) for rec in batch for c in columns if rec.values.get(c)}))
        return batch

    def _require(self, batch: list[Record], reader: RowReader, target: str,
                 columns: tuple[str, str], what: str) -> list[Record]:
        first, last = columns
        keys: list[tuple | None] = [
            None if (v := rec.values).get(last) in (None, "") else (v.get(first), v.get(last))
            for rec in batch]
        kept = []
        for rec, k, found in zip(batch, keys, self.known(target, keys), strict=True):
            if k is None or found:
                kept.append(rec)
            else:
                reader.reject(rec, column=last, reason=_unknown(what, k[0], k[1]))
        return kept

    def _valuation_keys(self, batch: list[Record], reader: RowReader) -> list[Record]:
        kept = []
        for rec in batch:
            key = valuation_key(*(rec.values.get(c) for c in VALUATION_KEY_COLUMNS))
            if key is None:
                reader.reject(rec, column="vin", reason=NO_VALUATION_KEY)
                continue
            rec.values["valuation_key"] = key
            kept.append(rec)
        return kept

    # -- by columns (first loads) -----------------------------------------------------

    def require_columns(self, spec: FileSpec, rows: ChunkRows, reader: RowReader) -> None:
        """Reject the rows whose reference is in neither this import nor the store
        (a row with an empty reference refers to nothing)."""
        if spec.name not in REQUIRED:
            return
        target, columns, what = REQUIRED[spec.name]
        index = self.key_index.get(target)
        if index is not None:
            parts = [rows.key_column(c) for c in columns]
            unknown = np.flatnonzero(~index.contains_columns(parts)).tolist()
            if not unknown:
                return
        first, last = (rows.column(c) for c in columns)
        if index is None:
            keys = [None if b in (None, "") else (a, b) for a, b in zip(first, last, strict=True)]
            unknown = [n for n, known in enumerate(self.known(target, keys)) if not known]
        for n in unknown:
            if last[n] not in (None, ""):
                rows.reject(n, reader, column=columns[-1],
                            reason=_unknown(what, first[n], last[n]))

    @staticmethod
    def with_valuation_keys(chunk: Chunk, reader: RowReader) -> Chunk:
        """A chunk of valuations with their keys, rows that name no vehicle rejected."""
        rows = ChunkRows(chunk)
        keys = [valuation_key(*values) for values in zip(
            *(rows.column(c) for c in VALUATION_KEY_COLUMNS), strict=True)]
        for at, key in enumerate(keys):
            if key is None:
                rows.reject(at, reader, column="vin", reason=NO_VALUATION_KEY)
        rows.set_column("valuation_key", keys)
        return rows.kept_chunk()

    # -- bare records -------------------------------------------------------------------

    def create_bare_rooftops(self, batch: list[Record], *, shown_name: str) -> None:
        for rec in batch:
            rooftop = rec.values.get("rooftop_id")
            if rooftop and rooftop not in self.rooftop_country:
                self.stores["rooftops.csv"].insert([bare_row(
                    schema.rooftops, group_id=self.group_id, rooftop_id=rooftop)])
                self.rooftop_country[str(rooftop)] = None
                self.counts.bare_rooftops += 1
                self.add_issue(Issue("warning", shown_name, rec.row, "rooftop_id",
                                     str(rooftop), "rooftop not in rooftops.csv nor the "
                                     "store: a bare rooftop record was created"))

    def unknown_vehicles(self, vins: set[str]) -> list[str]:
        """The VINs, in order, that neither this import nor the store has a vehicle of
        (looked up in the store unless the vehicles' keys are in memory)."""
        ordered = sorted(vins)
        index = self.key_index.get("vehicles.csv")
        known = (index.contains_columns([pa.array(ordered, pa.string())]).tolist()
                 if index is not None else self.known("vehicles.csv", [(v,) for v in ordered]))
        return [v for v, is_known in zip(ordered, known, strict=True) if not is_known]

    def store_bare_vehicles(self, vins: list[str]) -> None:
        """Bare vehicle records for VINs no vehicle has."""
        self.stores["vehicles.csv"].insert([
            bare_row(schema.vehicles, group_id=self.group_id, vin=v) for v in vins])
        if "vehicles.csv" in self.key_index:
            self.key_index["vehicles.csv"].add((v,) for v in vins)
        self.counts.bare_vehicles += len(vins)


def _unknown(what: str, first: Any, last: Any) -> str:
    return f"{what} {first}/{last} is in neither this import nor the store"
