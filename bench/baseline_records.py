"""The pandas baseline's inputs: the store's records read into pandas, cut to D, keys
encoded, and the date arithmetic every rule uses (see ``baseline_pandas``)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from dealerreach.features.market import centroid_arrow
from dealerreach.storage import arrow as store_arrow
from dealerreach.storage.engine import create_store_engine

# --- reading ------------------------------------------------------------------------------

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "rooftops": ("rooftop_id", "postal_code", "country", "distance_unit",
                 "market_area_postal_codes", "market_area_radius"),
    "customers": ("rooftop_id", "customer_id", "customer_type", "person_id", "household_id",
                  "postal_code"),
    "customer_versions": ("rooftop_id", "customer_id", "effective_at", "address_line1",
                          "address_line2", "postal_code", "changed"),
    "vehicles": ("vin", "make", "model", "trim", "year", "in_service_date", "msrp"),
    "deals": ("rooftop_id", "deal_id", "customer_id", "vin", "deal_date", "first_payment_date",
              "deal_type", "vehicle_condition", "trade_in_vin", "status", "sale_price",
              "amount_financed", "apr", "monthly_payment", "residual_value", "term_months",
              "annual_miles", "odometer", "service_contract_months", "service_contract_miles",
              "maintenance_plan_months", "maintenance_plan_miles"),
    "repair_orders": ("rooftop_id", "ro_number", "customer_id", "vin", "department",
                      "open_date", "odometer", "customer_pay_total", "warranty_total"),
    "ro_lines": ("rooftop_id", "ro_number", "op_code", "description", "labor_type",
                 "declined", "recall"),
    "valuations": ("vin", "make", "model", "trim", "year", "value", "as_of"),
}
"""The store tables and the columns the rules read."""

DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "customer_versions": ("effective_at",),
    "vehicles": ("in_service_date",),
    "deals": ("deal_date", "first_payment_date"),
    "repair_orders": ("open_date",),
    "valuations": ("as_of",),
}
"""Date and timestamp columns (SQLite gives ISO text, PostgreSQL dates)."""

NUMBER_COLUMNS: dict[str, tuple[str, ...]] = {
    "rooftops": ("market_area_radius",),
    "vehicles": ("year", "msrp"),
    "deals": ("sale_price", "amount_financed", "apr", "monthly_payment", "residual_value",
              "term_months", "annual_miles", "odometer", "service_contract_months",
              "service_contract_miles", "maintenance_plan_months", "maintenance_plan_miles"),
    "repair_orders": ("odometer", "customer_pay_total", "warranty_total"),
    "valuations": ("year", "value"),
}
"""Numeric columns, as float64 (NaN when missing; whole numbers stay exact). Every other
column is text."""


def _datetimes(column: pd.Series) -> pd.Series:
    if not pd.api.types.is_datetime64_any_dtype(column):
        column = pd.to_datetime(column, format="ISO8601")
    if getattr(column.dt, "tz", None) is not None:
        column = column.dt.tz_localize(None)
    return column.astype("datetime64[us]")


def _arrow_tables(engine: sa.Engine, group_id: str) -> Iterator[tuple[str, pa.Table]]:
    """(name, Arrow table) of each store table, read by the product's own reader: one
    table at a time, only the wanted columns."""
    yield from store_arrow.each_table(engine, group_id=group_id, names=list(TABLE_COLUMNS),
                                      columns=TABLE_COLUMNS)


def load_inputs(store_url: str, group_id: str, *,
                folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """The group's records (every row, not yet cut to a date) as pandas frames, plus
    ``centroids`` (country, postal_code, latitude, longitude): from the store, or from
    the group's analytics copy in ``folder`` (its Parquet files) when given."""
    tables: dict[str, pd.DataFrame] = {}
    if folder is not None:
        for name, columns in TABLE_COLUMNS.items():
            table = pq.read_table(folder / f"{name}.parquet", columns=list(columns))
            tables[name] = _frame(name, table)
    else:
        engine = create_store_engine(store_url)
        try:
            for name, table in _arrow_tables(engine, group_id):
                tables[name] = _frame(name, table)
        finally:
            engine.dispose()
    tables["centroids"] = centroid_arrow().to_pandas()
    return tables


def _frame(name: str, table: pa.Table) -> pd.DataFrame:
    """One store table as pandas: the wanted columns, dates as datetime64, numbers as
    float64, the rest as text."""
    columns = TABLE_COLUMNS[name]
    frame = table.select(list(columns)).to_pandas(date_as_object=False)
    dates, numbers = DATE_COLUMNS.get(name, ()), NUMBER_COLUMNS.get(name, ())
    for column in columns:
        if column in dates:
            frame[column] = _datetimes(frame[column])
        elif column in numbers:
            frame[column] = frame[column].astype("float64")
        else:  # a column with no value at all comes as objects
            frame[column] = frame[column].astype("str")
    return frame


# --- dates ---------------------------------------------------------------------------------

def shift_months(day: date, months: int) -> date:
    """``day`` + ``months`` calendar months, the day clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_months(days: pd.Series, months: pd.Series | float) -> pd.Series:
    """``days`` + ``months`` calendar months per row, the day clamped to the month's end;
    NaT where either is missing."""
    d = days.to_numpy(dtype="datetime64[D]")
    n = np.broadcast_to(np.asarray(months, dtype="float64"), d.shape)
    ok = ~np.isnat(d) & ~np.isnan(n)
    month = d.astype("datetime64[M]")
    target = month + np.where(ok, n, 0).astype("int64")
    day_of_month = (d - month.astype("datetime64[D]")).astype("int64")
    target_start = target.astype("datetime64[D]")
    month_length = ((target + 1).astype("datetime64[D]") - target_start).astype("int64")
    result = target_start + np.minimum(day_of_month, month_length - 1)
    result[~ok] = np.datetime64("NaT")
    return pd.Series(result.astype("datetime64[us]"), index=days.index)


def add_days(days: pd.Series, count: pd.Series) -> pd.Series:
    """``days`` + ``count`` days (NaT where either is missing)."""
    return days + pd.to_timedelta(count, unit="D")


def days_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole days from ``start`` to ``end`` as float (NaN where either is missing)."""
    return (end - start).dt.days.astype("float64")


def earlier(a: pd.Series, b: pd.Series) -> pd.Series:
    """The earlier of two dates, a missing one counting as "never"."""
    return a.where(b.isna() | (a <= b), b)


class Window:
    """The as-of date D and the windows the rules measure from it."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.day = pd.Timestamp(as_of)

    def months_before(self, months: int) -> pd.Timestamp:
        return pd.Timestamp(shift_months(self.as_of, -months))

    def months_after(self, months: int) -> pd.Timestamp:
        return pd.Timestamp(shift_months(self.as_of, months))

    def last_months(self, days: pd.Series, months: int) -> pd.Series:
        """``days`` in (D - months, D]."""
        return (days > self.months_before(months)) & (days <= self.day)

    def months_ago(self, days: pd.Series, newer: int, older: int) -> pd.Series:
        """``days`` in (D - older months, D - newer months]."""
        return (days > self.months_before(older)) & (days <= self.months_before(newer))


# --- the records as the rules see them on D ------------------------------------------------

@dataclass
class Inputs:
    """The group's records on D, with keys as integer codes (``Codes``)."""

    rooftops: pd.DataFrame
    customers: pd.DataFrame
    versions: pd.DataFrame
    vehicles: pd.DataFrame
    deals: pd.DataFrame
    ros: pd.DataFrame
    lines: pd.DataFrame
    valuations: pd.DataFrame
    centroids: pd.DataFrame
    codes: Codes


@dataclass
class Codes:
    """The sorted distinct values of each string key. A key column is replaced by its
    value's position here (int32), so codes compare as the strings do; -1 stands for a
    missing value, which never joins."""

    vin: pd.Index
    rooftop: pd.Index
    customer: pd.Index
    person: pd.Index
    deal: pd.Index
    ro: pd.Index


def encode(columns: Sequence[tuple[pd.DataFrame, str]]) -> pd.Index:
    """Replace each (frame, column) by codes into one shared sorted dictionary, which is
    returned."""
    values = pd.concat([frame[column] for frame, column in columns], ignore_index=True)
    codes, uniques = pd.factorize(values, sort=True)
    start = 0
    for frame, column in columns:
        frame[column] = codes[start:start + len(frame)].astype("int32")
        start += len(frame)
    return uniques


def decode(codes: pd.Series, uniques: pd.Index) -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(codes, categories=uniques),
                     index=codes.index).astype("str")


def cut_to(tables: dict[str, pd.DataFrame], window: Window) -> Inputs:
    """The records the rules see on D: no unwound deals, nothing dated after D, the
    format's defaults for blank cells, and every key encoded."""
    day = window.day
    deals = tables["deals"]
    deals = deals[(deals["deal_date"] <= day)
                  & (deals["status"].fillna("booked") != "unwound")].copy()
    ros = tables["repair_orders"]
    ros = ros[ros["open_date"] <= day].copy()
    ros["department"] = ros["department"].fillna("service")
    customers = tables["customers"].copy()
    customers["customer_type"] = customers["customer_type"].fillna("individual")
    rooftops = tables["rooftops"].copy()
    rooftops["distance_unit"] = rooftops["distance_unit"].fillna("mi")
    versions = tables["customer_versions"]
    versions = versions[versions["effective_at"] < day + pd.Timedelta(days=1)].copy()
    valuations = tables["valuations"]
    valuations = valuations[valuations["as_of"] <= day].copy()
    vehicles = tables["vehicles"].copy()
    lines = tables["ro_lines"].copy()

    codes = Codes(
        vin=encode([(vehicles, "vin"), (deals, "vin"), (deals, "trade_in_vin"), (ros, "vin"),
                    (valuations, "vin")]),
        rooftop=encode([(frame, "rooftop_id") for frame in (rooftops, customers, versions,
                                                            deals, ros, lines)]),
        customer=encode([(frame, "customer_id") for frame in (customers, versions, deals,
                                                              ros)]),
        person=encode([(customers, "person_id")]),
        deal=encode([(deals, "deal_id")]),
        ro=encode([(ros, "ro_number"), (lines, "ro_number")]))
    return Inputs(rooftops=rooftops, customers=customers, versions=versions,
                  vehicles=vehicles, deals=deals, ros=ros, lines=lines,
                  valuations=valuations, centroids=tables["centroids"], codes=codes)


RECORD = ["rooftop_id", "customer_id"]
"""A customer record's key."""


def parties(customers: pd.DataFrame) -> pd.DataFrame:
    """Customer records that can be the person of an opportunity (not internal)."""
    ok = (customers["person_id"] >= 0) & (customers["customer_type"] != "internal")
    return customers.loc[ok, [*RECORD, "person_id", "household_id"]]


def internal_records(customers: pd.DataFrame) -> pd.DataFrame:
    return customers.loc[customers["customer_type"] == "internal", RECORD]


def without_internal(records: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """``records`` whose customer record is not internal (a missing record counts)."""
    flagged = records.merge(internal_records(customers).assign(_internal=True), on=RECORD,
                            how="left")
    return records[flagged["_internal"].isna().to_numpy()]

def in_unit(miles: int, unit: str) -> int:
    """A table distance in the rooftop's unit: km are whole, half up."""
    return miles if unit != "km" else (miles * 1_609_344 + 500_000) // 1_000_000
