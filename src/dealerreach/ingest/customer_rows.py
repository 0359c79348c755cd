"""What an import derives for customer records: their identity keys and their versions.

Each comes in two forms that give the same values: one for a row (a dictionary) and one
for the columns of a first load (``first_load.new_columns``), where no row is ever made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from dealerreach.ingest.clean import identity_key
from dealerreach.ingest.column_values import ColumnValues
from dealerreach.ingest.columns import identity_key_column
from dealerreach.ingest.identity import household_id
from dealerreach.storage.schema import TRACKED_CUSTOMER_FIELDS

#: the identity keys, each from the columns it is made of
_NAME_KEYS = (("first_name_key", "first_name"), ("last_name_key", "last_name"))
_STREET = ("address_line1", "address_line2")


def derive_identity_keys(row: dict) -> None:
    """The row's name and street keys (what identity compares), from its values."""
    for key, column in _NAME_KEYS:
        row[key] = identity_key(row.get(column))
    row["street_key"] = identity_key(_street(row.get(c) for c in _STREET))


def derive_identity_key_columns(columns: dict[str, Sequence[Any]]) -> None:
    """``derive_identity_keys`` for every row of a first load's columns (by Arrow, see
    ``columns.identity_key_column``)."""
    for key, column in _NAME_KEYS:
        columns[key] = identity_key_column(columns[column])
    lines = [_texts(columns[c]) for c in _STREET]
    columns["street_key"] = identity_key_column(pc.binary_join_element_wise(
        *(pc.fill_null(line, "") for line in lines), " "))


def _texts(values: Sequence[Any]) -> pa.Array:
    """Text values as an Arrow array."""
    if isinstance(values, ColumnValues):
        return values.array
    return pa.array(values, pa.string())


def first_identity_columns(columns: dict[str, Sequence[Any]]) -> None:
    """Each new customer's person and household as it stands alone: its own key
    (``R1/C000123``) and its own address's household; none for an internal customer.

    Persons and households are worked out for the whole group after the files, and
    only records whose person or household differs from the stored one are written.
    Most customers of a first load are persons of one record, for whom this guess is
    already right, so their rows are not written twice (on PostgreSQL an update of an
    indexed column writes the whole row and its index entries again)."""
    persons: list[str | None] = []
    households: list[str | None] = []
    for rooftop, customer, kind, street, postal in zip(
            columns["rooftop_id"], columns["customer_id"], columns["customer_type"],
            columns["street_key"], columns["postal_code"], strict=True):
        is_person = kind != "internal"
        persons.append(f"{rooftop}/{customer}" if is_person else None)
        households.append(household_id(street, postal) if is_person and street and postal
                          else None)
    columns["person_id"], columns["household_id"] = persons, households


def _street(parts: Any) -> str:
    return " ".join(str(p or "") for p in parts)


def version(before: dict | None, row: dict, *, import_id: int | None,
            now: Any) -> list[dict]:
    """The version a customer row makes: none when no tracked field changed."""
    if before is None:
        changed = "created"
    else:
        names = [f for f in TRACKED_CUSTOMER_FIELDS if before.get(f) != row.get(f)]
        if not names:
            return []
        changed = ", ".join(names)
    return [{"group_id": row["group_id"], "rooftop_id": row["rooftop_id"],
             "customer_id": row["customer_id"], "effective_at": row.get("updated_at") or now,
             "import_id": import_id, "changed": changed,
             **{f: _text(row.get(f)) for f in TRACKED_CUSTOMER_FIELDS}}]


def created_version_columns(columns: Mapping[str, Sequence[Any]], *, import_id: int | None,
                            now: Any) -> dict[str, Sequence[Any]]:
    """The versions of new customers given as a first load's columns, as columns:
    ``version(None, row, ...)`` for each row."""
    n = len(columns["customer_id"])
    return {"group_id": columns["group_id"], "rooftop_id": columns["rooftop_id"],
            "customer_id": columns["customer_id"],
            "effective_at": [at or now for at in columns["updated_at"]],
            "import_id": [import_id] * n, "changed": ["created"] * n,
            **{f: list(map(_text, columns[f])) for f in TRACKED_CUSTOMER_FIELDS}}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
