"""The pandas baseline's rows against the stored dealerreach run of the same date.

The export's columns are compared as the export writes them (``format_cell``: money to
cents, whole numbers half up, dates ISO, empty where not applicable); the run's other
features (``baseline_pandas.FEATURE_COLUMNS``, read from the run's features file, or
its JSON) as values: dates as days, numbers to within a billionth, text and flags
exactly. Cells are compared column by column on whole arrays; only the cells that
differ as values are formatted, one by one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import sqlalchemy as sa
from baseline_pandas import FEATURE_COLUMNS

from dealerreach.jobs.segments import read_run
from dealerreach.segments.export import EXPORT_COLUMNS, EXTRA_COLUMNS, format_cell
from dealerreach.storage import schema

COLUMNS = (*EXPORT_COLUMNS, *EXTRA_COLUMNS)
KEY = ("rooftop_id", "customer_id", "vin")
EXAMPLES = 3
#: numbers closer than this (relative, at least absolute) are the same value
TOLERANCE = 1e-9


def stored_run(store: sa.Engine, *, group_id: str, as_of: date,
               features: Sequence[str] = FEATURE_COLUMNS) -> pd.DataFrame:
    """The stored run's export columns, and ``features`` from its features file (or the
    JSON of each row, on a store that keeps it)."""
    rows = read_run(store, group_id=group_id, as_of=as_of, columns=COLUMNS).to_pandas()
    if not features:
        return rows
    runs = schema.segment_runs
    with store.connect() as conn:
        kept_in = conn.execute(sa.select(runs.c.features_file).where(
            runs.c.group_id == group_id, runs.c.as_of == as_of)).scalar()
    if kept_in:
        table = pq.read_table(kept_in, columns=["vin", *features])
        extra = table.to_pandas(date_as_object=False)
    else:
        json_rows = read_run(store, group_id=group_id, as_of=as_of,
                             columns=("vin", "features")).to_pandas()
        extra = pd.DataFrame([json.loads(text or "{}") for text in json_rows["features"]])
        extra = extra.reindex(columns=list(features))
        extra["vin"] = json_rows["vin"].to_numpy()
    own = [name for name in features if name in rows.columns]
    return rows.merge(extra.drop(columns=own), on="vin", how="left")


def _plain(value: Any) -> Any:
    """One cell as a comparable Python value: None for every kind of missing."""
    if value is None or value is pd.NaT or value is pd.NA:
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


def _kind(name: str, a: pd.Series, b: pd.Series) -> str:
    if name.endswith("_date"):
        return "date"
    for side in (a, b):
        if pd.api.types.is_bool_dtype(side):
            return "flag"
        if pd.api.types.is_numeric_dtype(side):
            return "number"
    return "text"


def _as_days(values: pd.Series) -> np.ndarray:
    """Dates (datetime64, date objects or ISO text) as day numbers; NaN when missing."""
    days = pd.to_datetime(values.astype(object).where(values.notna(), None),
                          errors="coerce", format="mixed")
    return (days.dt.normalize() - pd.Timestamp("1970-01-01")).dt.days.to_numpy(
        dtype="float64", na_value=np.nan)


def _as_numbers(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values.astype(object).where(values.notna(), None),
                         errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _differs(name: str, a: pd.Series, b: pd.Series) -> np.ndarray:
    """Per row, whether the two cells hold different values."""
    kind = _kind(name, a, b)
    if kind == "text":
        left = a.astype(object).where(a.notna(), None).map(_plain)
        right = b.astype(object).where(b.notna(), None).map(_plain)
        return (left.astype(str).where(left.notna(), "\0")
                != right.astype(str).where(right.notna(), "\0")).to_numpy()
    x, y = (_as_days(a), _as_days(b)) if kind == "date" else (_as_numbers(a), _as_numbers(b))
    both_missing = np.isnan(x) & np.isnan(y)
    close = np.abs(x - y) <= TOLERANCE * np.maximum(1.0, np.abs(x))
    return ~(both_missing | close)


def compare(baseline: pd.DataFrame, stored: pd.DataFrame,
            features: Sequence[str] = FEATURE_COLUMNS) -> dict[str, Any]:
    """Rows only on one side, and per column the cells that differ, with examples."""
    columns = [*COLUMNS, *features]
    left = baseline.loc[:, columns].copy()
    right = stored.loc[:, columns].copy()
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
        "columns_compared": len(columns) - len(KEY), "columns": {}, "examples": {},
    }
    for name in columns:
        if name in KEY:
            continue
        ours, theirs = both[f"{name}_pandas"], both[f"{name}_stored"]
        differs = np.flatnonzero(_differs(name, ours, theirs))
        if name in COLUMNS:  # equal as the export writes them counts as equal
            differs = np.array([i for i in differs if _formatted(name, ours.iloc[i])
                                != _formatted(name, theirs.iloc[i])], dtype="int64")
        result["columns"][name] = len(differs)
        if len(differs):
            result["examples"][name] = [
                {"vin": both["vin"].iloc[i], "pandas": _formatted(name, ours.iloc[i]),
                 "dealerreach": _formatted(name, theirs.iloc[i])} for i in differs[:EXAMPLES]]
    result["mismatched_cells"] = sum(result["columns"].values())
    return result
