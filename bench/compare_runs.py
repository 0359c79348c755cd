"""The pandas baseline's rows against the stored dealerreach run of the same date.

Both sides are compared as the export writes them (``format_cell``: money to cents,
whole numbers half up, dates ISO, empty where not applicable). Cells whose values are
equal before formatting are equal after it, so only differing cells are formatted.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from dealerreach.jobs.segments import read_run
from dealerreach.segments.export import EXPORT_COLUMNS, EXTRA_COLUMNS, format_cell

COLUMNS = (*EXPORT_COLUMNS, *EXTRA_COLUMNS)
KEY = ("rooftop_id", "customer_id", "vin")
EXAMPLES = 3


def stored_run(store: sa.Engine, *, group_id: str, as_of: date) -> pd.DataFrame:
    return read_run(store, group_id=group_id, as_of=as_of, columns=COLUMNS).to_pandas()


def _plain(value: Any) -> Any:
    """One cell as a comparable Python value: None for every kind of missing."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


def _formatted(name: str, value: Any) -> str:
    value = _plain(value)
    if isinstance(value, str) and name.endswith("_date") and value:
        value = date.fromisoformat(value[:10])
    if isinstance(value, str) and name in ("payoff", "equity", "payments_remaining",
                                           "cpro_12m", "lease_allowance",
                                           "projected_odometer_at_maturity") and value:
        value = float(value)
    return format_cell(name, value)


def compare(baseline: pd.DataFrame, stored: pd.DataFrame) -> dict[str, Any]:
    """Rows only on one side, and per column the cells that differ, with examples."""
    left = baseline.loc[:, list(COLUMNS)].astype(object)
    right = stored.loc[:, list(COLUMNS)].astype(object)
    for frame in (left, right):
        for name in KEY:
            frame[name] = frame[name].astype(str)
    merged = left.merge(right, on=list(KEY), how="outer", suffixes=("_pandas", "_stored"),
                        indicator=True)
    both = merged[merged["_merge"] == "both"]
    result: dict[str, Any] = {
        "rows_pandas": len(baseline), "rows_stored": len(stored),
        "only_pandas": int((merged["_merge"] == "left_only").sum()),
        "only_stored": int((merged["_merge"] == "right_only").sum()),
        "columns": {}, "examples": {},
    }
    for name in COLUMNS:
        if name in KEY:
            continue
        ours, theirs = both[f"{name}_pandas"], both[f"{name}_stored"]
        raw_differs = [i for i, (a, b) in enumerate(zip(ours, theirs, strict=True))
                       if _plain(a) != _plain(b)]
        wrong = [i for i in raw_differs
                 if _formatted(name, ours.iloc[i]) != _formatted(name, theirs.iloc[i])]
        result["columns"][name] = len(wrong)
        if wrong:
            result["examples"][name] = [
                {"vin": both["vin"].iloc[i], "pandas": _formatted(name, ours.iloc[i]),
                 "dealerreach": _formatted(name, theirs.iloc[i])} for i in wrong[:EXAMPLES]]
    result["mismatched_cells"] = sum(result["columns"].values())
    return result
