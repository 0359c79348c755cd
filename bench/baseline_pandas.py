"""A plain pandas implementation of dealerreach's opportunities, features and segments.

The baseline of the segments benchmark: the product's rules (PRODUCT.md "Words" and
"Default rules", with the choices written down in docs/segments.md,
docs/features-sales.md and docs/features-service.md), written again, independently,
with pandas and numpy only. Everything is vectorised (masks, merges, groupbys); no
Python loop runs over opportunities, deals or repair orders.

- ``load_inputs(store_url, group_id)`` reads the group's store tables (SQLite or
  PostgreSQL) through the product's Arrow reader (``storage.arrow``, ADBC), the columns
  the rules need as pandas frames (datetime64 dates, float64 numbers, text), plus the
  shipped postal-code centroids (``centroid_arrow()``).
- ``export_frame(tables, as_of, config)`` returns one row per opportunity active on D
  with the export contract's columns (``EXPORT_COLUMNS`` then ``EXTRA_COLUMNS``), in
  the export's order (rooftop, customer, VIN). Values are raw (floats, datetimes, NaN
  for empty); ``segments.export.format_cell`` formats them as the export does.
  String keys are replaced by integer codes of sorted dictionaries while it works, so
  joins, groupbys and "the larger id wins" tie-breaks run on integers.

``bench/segments_child.py --job pandas --url URL --as-of D [--group G]`` times one run
and compares its rows with the stored dealerreach run of D, cell for cell, as the
export formats them (``bench/compare_runs.py``); ``make bench-segments`` does that at
every measurement.

What it leaves out:

- Configuration: the rule numbers come from ``RuleConfig`` (the defaults unless given
  another), and the segment order settings are honoured, but custom segments are not
  supported (refused) and only the default configuration is checked against the
  product. Group-supplied centroids and RO-category rules are not supported either
  (the shipped ones are used).
- Features that neither a segment nor the export reads are not computed: RFM scores,
  next service due date, distance to the rooftop and ``in_market_area`` of the current
  address, the RO-category flags other than recall, maintenance and tire customers,
  declined lines, and the other informational columns of the stored run.
- Nothing is written to the store (no stored run, no movements).
- Deals and ROs without a VIN are left out (the import requires one).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from dealerreach.features.categories import SHIPPED, CategoryRule
from dealerreach.features.config import MakeTermSetting, RuleConfig
from dealerreach.features.market import centroid_arrow
from dealerreach.segments.export import EXPORT_COLUMNS, EXTRA_COLUMNS
from dealerreach.storage import arrow as store_arrow
from dealerreach.storage.engine import create_store_engine

# --- reading ------------------------------------------------------------------------------

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "rooftops": ("rooftop_id", "postal_code", "country", "distance_unit",
                 "market_area_postal_codes", "market_area_radius"),
    "customers": ("rooftop_id", "customer_id", "customer_type", "person_id", "household_id"),
    "customer_versions": ("rooftop_id", "customer_id", "effective_at", "address_line1",
                          "address_line2", "postal_code", "changed"),
    "vehicles": ("vin", "make", "model", "trim", "year", "in_service_date", "msrp"),
    "deals": ("rooftop_id", "deal_id", "customer_id", "vin", "deal_date", "first_payment_date",
              "deal_type", "vehicle_condition", "trade_in_vin", "status", "amount_financed",
              "apr", "monthly_payment", "residual_value", "term_months", "annual_miles",
              "odometer", "service_contract_months", "service_contract_miles",
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
    "deals": ("amount_financed", "apr", "monthly_payment", "residual_value", "term_months",
              "annual_miles", "odometer", "service_contract_months", "service_contract_miles",
              "maintenance_plan_months", "maintenance_plan_miles"),
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


# --- opportunities -------------------------------------------------------------------------

DEAL_COLUMNS = ("deal_id", "deal_date", "deal_type", "amount_financed", "apr",
                "monthly_payment", "residual_value", "term_months", "annual_miles",
                "odometer", "service_contract_months", "service_contract_miles",
                "maintenance_plan_months", "maintenance_plan_miles", "first_payment_date")


def latest_events(inputs: Inputs) -> pd.DataFrame:
    """Per VIN, the most recent deal or RO of a non-internal customer record: a deal
    before an RO on one date, then the larger rooftop id, then the larger id."""
    d, r = inputs.deals, inputs.ros
    events = pd.concat([
        pd.DataFrame({"vin": d["vin"], "rooftop_id": d["rooftop_id"],
                      "customer_id": d["customer_id"], "home_date": d["deal_date"],
                      "kind": 0, "event_id": d["deal_id"]}),
        pd.DataFrame({"vin": r["vin"], "rooftop_id": r["rooftop_id"],
                      "customer_id": r["customer_id"], "home_date": r["open_date"],
                      "kind": 1, "event_id": r["ro_number"]}),
    ], ignore_index=True)
    events = events[events["vin"] >= 0].merge(parties(inputs.customers), on=RECORD)
    events = events.sort_values(["vin", "home_date", "kind", "rooftop_id", "event_id"],
                                ascending=[True, False, True, False, False])
    return events.drop_duplicates("vin").drop(columns=["kind", "event_id"])


def person_deals(inputs: Inputs) -> pd.DataFrame:
    """Each (person, VIN)'s deal: the most recent, ties to the larger rooftop, deal id."""
    d = inputs.deals[inputs.deals["vin"] >= 0].merge(
        parties(inputs.customers)[[*RECORD, "person_id"]], on=RECORD)
    d = d.sort_values(["person_id", "vin", "deal_date", "rooftop_id", "deal_id"],
                      ascending=[True, True, False, False, False])
    d = d.drop_duplicates(["person_id", "vin"])
    return d[["person_id", "vin", *DEAL_COLUMNS]].rename(columns={"odometer": "deal_odometer"})


def opportunities(inputs: Inputs, window: Window) -> pd.DataFrame:
    """One row per opportunity on D, with its deal (if any), vehicle and rooftop unit."""
    latest = latest_events(inputs)
    deals = inputs.deals
    traded = deals[deals["trade_in_vin"] >= 0].groupby("trade_in_vin")["deal_date"].max()
    traded_later = latest["vin"].map(traded) > latest["home_date"]
    opps = latest[~traded_later.to_numpy()]
    opps = opps.merge(person_deals(inputs), on=["person_id", "vin"], how="left")
    opps = opps.merge(inputs.rooftops[["rooftop_id", "distance_unit"]], on="rooftop_id",
                      how="left")
    opps["distance_unit"] = opps["distance_unit"].fillna("mi")
    opps = opps.merge(inputs.vehicles[["vin", "make", "model", "trim", "year",
                                       "in_service_date", "msrp"]], on="vin", how="left")
    maturity = add_months(opps["deal_date"], opps["term_months"])
    matured = (opps["deal_type"] == "lease") & (maturity < window.day)
    return opps[~matured.to_numpy()].reset_index(drop=True)


# --- mileage -------------------------------------------------------------------------------

def kept_readings(inputs: Inputs, vins: pd.Series) -> pd.DataFrame:
    """Odometer readings (vin, on, odometer) of every deal and RO of the given VINs,
    without those below an earlier reading (ordered by date, then odometer)."""
    d, r = inputs.deals, inputs.ros
    readings = pd.concat([
        pd.DataFrame({"vin": d["vin"], "on": d["deal_date"], "odometer": d["odometer"]}),
        pd.DataFrame({"vin": r["vin"], "on": r["open_date"], "odometer": r["odometer"]}),
    ], ignore_index=True)
    readings = readings[readings["vin"].isin(vins) & readings["odometer"].notna()
                        & readings["on"].notna()]
    readings = readings.sort_values(["vin", "on", "odometer"])
    running_max = readings.groupby("vin")["odometer"].cummax()
    return readings[readings["odometer"] >= running_max].reset_index(drop=True)


def add_mileage(opps: pd.DataFrame, kept: pd.DataFrame, config: RuleConfig) -> pd.DataFrame:
    """First and last kept reading and the daily rate as an exact fraction
    ``rate_num / rate_den``: measured when the readings span enough days, else the
    configured annual distance of the rooftop's unit / 365."""
    summary = kept.groupby("vin").agg(
        first_reading_date=("on", "min"), last_reading_date=("on", "max"),
        first_reading=("odometer", "min"), last_reading=("odometer", "max"))
    opps = opps.join(summary, on="vin")
    span = days_between(opps["first_reading_date"], opps["last_reading_date"])
    measured = span >= config.min_reading_span_days
    annual = np.where(opps["distance_unit"] == "km", config.default_annual_km,
                      config.default_annual_miles)
    opps["rate_num"] = np.where(measured, opps["last_reading"] - opps["first_reading"], annual)
    opps["rate_den"] = np.where(measured, span, 365.0)
    return opps


def projection(opps: pd.DataFrame, at: pd.Series) -> pd.Series:
    """The projected odometer at ``at`` times ``rate_den`` (an exact integer): last
    reading + rate × days since it, no earlier than the last reading."""
    days = days_between(opps["last_reading_date"], at).clip(lower=0)
    return opps["last_reading"] * opps["rate_den"] + opps["rate_num"] * days


def half_up(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator rounded half up (both whole, the denominator positive)."""
    return (2 * numerator + denominator) // (2 * denominator)


# --- payments and lease --------------------------------------------------------------------

CENT_TOLERANCE = 1e-6


def to_cents(amount: pd.Series) -> pd.Series:
    """Half up to cents; a millionth of a cent below a half cent counts as the half."""
    return np.floor(amount * 100 + (0.5 + CENT_TOLERANCE)) / 100


def add_payments(opps: pd.DataFrame, window: Window) -> pd.DataFrame:
    """payments_made / payments_remaining (finance and lease deals with a first payment
    date and a term) and payoff (cents, never below 0)."""
    first, term = opps["first_payment_date"], opps["term_months"]
    scheduled = (opps["deal_type"].isin(["finance", "lease"]) & first.notna() & (term >= 1))
    day = window.day
    month_gap = ((day.year * 12 + day.month) - (first.dt.year * 12 + first.dt.month))
    due_to_day = month_gap + np.where(add_months(first, month_gap) > day, 0, 1)
    made = due_to_day.clip(lower=0).where(due_to_day.clip(lower=0) <= term, term)
    opps["payments_made"] = made.where(scheduled)
    opps["payments_remaining"] = term - opps["payments_made"]

    amount, apr, k = opps["amount_financed"], opps["apr"], opps["payments_made"]
    growth = apr / 1200 + 1
    zero_rate = apr == 0
    amortized = amount * (growth ** term - growth ** k) / np.where(zero_rate, 1.0,
                                                                   growth ** term - 1)
    straight = amount * (term - k) / term
    loan = straight.where(zero_rate, amortized)
    lease = opps["residual_value"] + opps["payments_remaining"] * opps["monthly_payment"]
    balance = loan.where(opps["deal_type"] == "finance",
                         lease.where(opps["deal_type"] == "lease"))
    opps["payoff"] = to_cents(balance.clip(lower=0))
    return opps


def add_lease(opps: pd.DataFrame) -> pd.DataFrame:
    """Lease maturity, mileage allowance, projected odometer at maturity and whether it
    exceeds the allowance (compared exactly, in twelfths)."""
    term = opps["term_months"]
    lease = (opps["deal_type"] == "lease") & (term >= 1)
    opps["lease_maturity_date"] = add_months(opps["deal_date"], term).where(lease)
    twelfths = (opps["deal_odometer"] * 12 + opps["annual_miles"] * term).where(lease)
    at_maturity = projection(opps, opps["lease_maturity_date"])
    opps["lease_allowance"] = twelfths / 12
    opps["projected_odometer_at_maturity"] = half_up(at_maturity, opps["rate_den"])
    opps["over_allowance"] = 12 * at_maturity > opps["rate_den"] * twelfths
    return opps


# --- coverages -----------------------------------------------------------------------------

BASIC, CONTRACT, DEAL_PLAN, OEM_PLAN = 0, 1, 2, 3
WARRANTIES = (BASIC, CONTRACT)
"""The coverages the Warranty Alert and coverage_end_date count (not maintenance plans)."""
PLANS = (DEAL_PLAN, OEM_PLAN)
ANY_MAKE = "*"


def name_key_text(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def name_keys(text: pd.Series) -> pd.Series:
    """Lower case, a-z and 0-9 only (NaN stays NaN)."""
    return text.str.lower().str.replace(r"[^a-z0-9]", "", regex=True)


def in_unit(miles: int, unit: str) -> int:
    """A table distance in the rooftop's unit: km are whole, half up."""
    return miles if unit != "km" else (miles * 1_609_344 + 500_000) // 1_000_000


def by_make(opps: pd.DataFrame, rows: Sequence[MakeTermSetting]) -> tuple[pd.Series, pd.Series]:
    """(months, distance limit in the rooftop's unit) of each vehicle's make in a
    coverage table; the "*" row for other makes, NaN without a row."""
    first_rows: dict[str, MakeTermSetting] = {}
    for row in rows:
        first_rows.setdefault(row.make, row)
    by_key: dict[str, MakeTermSetting] = {}
    for make, row in first_rows.items():
        if make != ANY_MAKE and name_key_text(make):
            by_key.setdefault(name_key_text(make), row)
    fallback = first_rows.get(ANY_MAKE)
    keys = name_keys(opps["make"])

    def column(value) -> pd.Series:
        found = keys.map({k: value(r) for k, r in by_key.items()}).astype("float64")
        return found.fillna(np.nan if fallback is None else value(fallback))

    months = column(lambda r: r.years * 12)
    miles = column(lambda r: in_unit(r.miles, "mi"))
    kms = column(lambda r: in_unit(r.miles, "km"))
    return months, kms.where(opps["distance_unit"] == "km", miles)


def coverage_rows(opps: pd.DataFrame, inputs: Inputs, config: RuleConfig) -> pd.DataFrame:
    """One row per opportunity and coverage that exists: opp (row number), vin, kind,
    start, months, mile_limit (an odometer value; NaN: no distance limit)."""
    deals = inputs.deals
    new_deals = deals[deals["vehicle_condition"] == "new"].groupby("vin")["deal_date"].min()
    start = opps["in_service_date"].fillna(opps["vin"].map(new_deals))
    basic_months, basic_limit = by_make(opps, config.basic_warranty)
    oem_months, oem_limit = by_make(opps, config.maintenance_plans)
    odometer = opps["deal_odometer"]
    specs = [(BASIC, start, basic_months, basic_limit),
             (CONTRACT, opps["deal_date"], opps["service_contract_months"],
              odometer + opps["service_contract_miles"]),
             (DEAL_PLAN, opps["deal_date"], opps["maintenance_plan_months"],
              odometer + opps["maintenance_plan_miles"]),
             (OEM_PLAN, start, oem_months, oem_limit)]
    rows = pd.concat([pd.DataFrame({"opp": opps.index, "vin": opps["vin"], "kind": kind,
                                    "start": s, "months": m, "mile_limit": lim})
                      for kind, s, m, lim in specs], ignore_index=True)
    return rows[rows["start"].notna() & rows["months"].notna()].reset_index(drop=True)


def first_reading_at(rows: pd.DataFrame, kept: pd.DataFrame) -> pd.Series:
    """Per coverage row: the date of the first kept reading at or above its limit."""
    limits = rows.loc[rows["mile_limit"].notna(), ["vin", "mile_limit"]]
    pairs = limits.reset_index().merge(kept, on="vin")
    reached = pairs[pairs["odometer"] >= pairs["mile_limit"]]
    return reached.groupby("index")["on"].min().reindex(rows.index)


def coverage_ends(opps: pd.DataFrame, inputs: Inputs, kept: pd.DataFrame,
                  window: Window, config: RuleConfig) -> pd.DataFrame:
    """Coverage rows with their end: the earlier of start + months and the first day the
    odometer reaches the limit (a reading at or above it, else the projection)."""
    rows = coverage_rows(opps, inputs, config)
    rows["date_limit"] = add_months(rows["start"], rows["months"])
    at_reading = first_reading_at(rows, kept)
    car = opps.loc[rows["opp"], ["last_reading", "last_reading_date", "rate_num",
                                 "rate_den"]].set_index(rows.index)
    gap = (rows["mile_limit"] - car["last_reading"]) * car["rate_den"]
    rate = car["rate_num"].where(car["rate_num"] > 0)
    days = (gap + rate - 1) // rate
    cap = days_between(car["last_reading_date"], rows["date_limit"]).clip(lower=0) + 1
    days = days.where(~(days > cap), cap)
    projected = add_days(car["last_reading_date"], days)
    by_miles = at_reading.fillna(projected).where(rows["mile_limit"].notna())
    rows["end"] = earlier(rows["date_limit"], by_miles)
    rows["in_force"] = (rows["start"] <= window.day) & (window.day <= rows["end"])
    return rows


def add_coverages(opps: pd.DataFrame, inputs: Inputs, kept: pd.DataFrame, window: Window,
                  config: RuleConfig) -> pd.DataFrame:
    """coverage_end_date (the latest end of a warranty in force on D),
    maintenance_plan_active and basic_start (the basic warranty's start)."""
    rows = coverage_ends(opps, inputs, kept, window, config)
    alert = rows[rows["kind"].isin(WARRANTIES) & rows["in_force"]]
    opps["coverage_end_date"] = alert.groupby("opp")["end"].max()
    plans = rows[rows["kind"].isin(PLANS) & rows["in_force"]]
    opps["maintenance_plan_active"] = opps.index.isin(plans["opp"])
    basic = rows[rows["kind"] == BASIC]
    opps["basic_start"] = basic.set_index("opp")["start"]
    return opps


# --- value and equity ----------------------------------------------------------------------

def vin_values(valuations: pd.DataFrame) -> pd.Series:
    """Per VIN: the value of its newest row (ties: the higher value)."""
    rows = valuations[(valuations["vin"] >= 0) & valuations["value"].notna()]
    rows = rows.sort_values(["vin", "as_of", "value"])
    return rows.drop_duplicates("vin", keep="last").set_index("vin")["value"]


def model_values(opps: pd.DataFrame, valuations: pd.DataFrame) -> pd.Series:
    """Per opportunity: the value of the newest model row for its vehicle; on one date a
    row naming the trim before one for every trim, then the higher value."""
    rows = valuations[(valuations["vin"] < 0) & valuations["value"].notna()]
    rows = pd.DataFrame({"year": rows["year"], "make": name_keys(rows["make"]),
                         "model": name_keys(rows["model"]), "trim": name_keys(rows["trim"]),
                         "as_of": rows["as_of"], "value": rows["value"]}).replace("", np.nan)
    cars = pd.DataFrame({"opp": opps.index, "year": opps["year"],
                         "make": name_keys(opps["make"]), "model": name_keys(opps["model"]),
                         "trim": name_keys(opps["trim"])}).replace("", np.nan)
    model = ["year", "make", "model"]
    rows = rows.dropna(subset=model)
    cars = cars.dropna(subset=model)

    def newest(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        frame = frame.sort_values([*keys, "as_of", "value"])
        return frame.drop_duplicates(keys, keep="last")

    any_trim = newest(rows[rows["trim"].isna()], model).drop(columns="trim")
    named = newest(rows.dropna(subset=["trim"]), [*model, "trim"])
    for_any = cars.merge(any_trim, on=model).set_index("opp")
    for_named = cars.dropna(subset=["trim"]).merge(named, on=[*model, "trim"]).set_index("opp")
    best = for_any[["as_of", "value"]].reindex(opps.index)
    named_best = for_named[["as_of", "value"]].reindex(opps.index)
    named_wins = named_best["as_of"].notna() & ~(named_best["as_of"] < best["as_of"])
    return named_best["value"].where(named_wins, best["value"])


def add_value(opps: pd.DataFrame, inputs: Inputs, window: Window,
              config: RuleConfig) -> pd.DataFrame:
    """market_value (a VIN row, else a model row, else the depreciation model) and equity
    (market value - payoff, finance and lease deals), in cents."""
    year = opps["year"]
    year_start = pd.to_datetime(
        pd.DataFrame({"year": year.where(year.between(1, 9999)), "month": 1, "day": 1}),
        errors="coerce")
    start = opps["basic_start"].fillna(year_start)
    age = days_between(start, pd.Series(window.day, index=opps.index)).clip(lower=0) / 365
    first = age.where(~(age > 1), 1.0)
    rest = (age - 1).where(age > 1, 0.0)
    depreciated = (opps["msrp"] * (config.depreciation_first_year ** first)
                   * (config.depreciation_later_years ** rest))
    value = (opps["vin"].map(vin_values(inputs.valuations))
             .fillna(model_values(opps, inputs.valuations)).fillna(depreciated))
    opps["market_value"] = to_cents(value)
    financed = opps["deal_type"].isin(["finance", "lease"])
    opps["equity"] = to_cents(opps["market_value"] - opps["payoff"]).where(financed)
    return opps


# --- visits, CPROs, warranty ROs -----------------------------------------------------------

_UPPER_UMLAUTS = {"Ä": "ä", "Ö": "ö", "Ü": "ü"}


def line_category(lines: pd.DataFrame, category: str,
                  rules: Iterable[CategoryRule] = SHIPPED) -> pd.Series:
    """Whether each RO line (with its RO's ``department``) is in ``category``."""
    code = lines["op_code"].fillna("").str.upper()
    text = lines["description"].fillna("")
    for upper, lower in _UPPER_UMLAUTS.items():
        text = text.str.replace(upper, lower, regex=False)
    text = text.str.lower()
    found = pd.Series(False, index=lines.index)
    for rule in rules:
        if rule.category != category:
            continue
        if rule.match == "op_code_prefix":
            found |= code.str.startswith(rule.pattern.upper())
        elif rule.match == "keyword":
            found |= text.str.contains(rule.pattern.lower(), regex=False)
        else:
            found |= lines["department"] == rule.pattern.lower()
    return found


def service_visits(inputs: Inputs, vins: pd.Series) -> pd.DataFrame:
    """The service-department ROs of non-internal customer records for the given VINs
    (visits), with is_cpro and is_warranty."""
    ros = inputs.ros[inputs.ros["vin"].isin(vins) & inputs.ros["open_date"].notna()]
    ros = without_internal(ros, inputs.customers)
    ros = ros[["rooftop_id", "ro_number", "vin", "department", "open_date",
               "customer_pay_total", "warranty_total"]].reset_index(drop=True)
    ro_key = ["rooftop_id", "ro_number"]
    lines = inputs.lines.merge(ros[[*ro_key, "department"]].reset_index(), on=ro_key)
    done = lines["declined"] != "yes"
    recall = (lines["recall"] == "yes") | line_category(lines, "recall")
    per_ro = pd.DataFrame({
        "ro": lines["index"], "lines": 1,
        "c_lines": done & (lines["labor_type"] == "C"),
        "w_lines": done & ((lines["labor_type"] == "W") | recall),
    }).groupby("ro").sum().reindex(ros.index, fill_value=0)
    has_lines = per_ro["lines"] > 0
    visit = ros["department"] == "service"
    cpro = (ros["customer_pay_total"].fillna(0) > 0) & (~has_lines | (per_ro["c_lines"] > 0))
    warranty = (per_ro["w_lines"] > 0).where(has_lines, ros["warranty_total"].fillna(0) > 0)
    ros["is_cpro"] = cpro & visit
    ros["is_warranty"] = warranty.astype(bool) & visit
    return ros[visit.to_numpy()]


def add_visits(opps: pd.DataFrame, inputs: Inputs, window: Window,
               config: RuleConfig) -> pd.DataFrame:
    """Visit and CPRO columns per VIN (anywhere in the group) and at the home rooftop."""
    v = service_visits(inputs, opps["vin"])
    cpro = v["is_cpro"]
    in_short = window.last_months(v["open_date"], config.cpro_short_months)
    in_multi = cpro & window.last_months(v["open_date"], config.multi_rooftop_months)
    in_conquest = window.last_months(v["open_date"], config.service_conquest_months)
    per_vin = pd.DataFrame({
        "last_visit_date": v.groupby("vin")["open_date"].max(),
        "cpro_12m": (cpro & in_short).groupby(v["vin"]).sum(),
        "visits_conquest_window": in_conquest.groupby(v["vin"]).sum(),
        "multi_rooftop_cpros": in_multi.groupby(v["vin"]).sum(),
        "multi_rooftop_rooftops": v[in_multi].groupby("vin")["rooftop_id"].nunique(),
    })
    cpros = v[cpro].sort_values(["vin", "open_date", "rooftop_id", "ro_number"],
                                ascending=[True, False, False, False])
    rank = cpros.groupby("vin").cumcount()
    last, prev = cpros[rank == 0].set_index("vin"), cpros[rank == 1].set_index("vin")
    per_vin["last_cpro_date"] = last["open_date"]
    per_vin["last_cpro_rooftop_id"] = last["rooftop_id"]
    per_vin["prev_cpro_date"] = prev["open_date"]
    per_vin["prev_cpro_rooftop_id"] = prev["rooftop_id"]
    opps = opps.join(per_vin, on="vin")
    for column in ("cpro_12m", "visits_conquest_window", "multi_rooftop_cpros",
                   "multi_rooftop_rooftops"):
        opps[column] = opps[column].fillna(0).astype("int64")

    home = pd.DataFrame({
        "last_home_cpro_date": v[cpro].groupby(["vin", "rooftop_id"])["open_date"].max(),
        "last_home_warranty_date": v[v["is_warranty"]].groupby(["vin", "rooftop_id"])[
            "open_date"].max()})
    return opps.join(home, on=["vin", "rooftop_id"])


# --- market area and moves -----------------------------------------------------------------

KM_PER_MILE = 1.609344
EARTH_RADIUS_MILES = 3958.7613


def postal_key(code: pd.Series, country: pd.Series) -> pd.Series:
    """How a postal code is looked up: a US ZIP by its first five characters."""
    return code.where(country != "US", code.str.slice(0, 5))


def haversine_miles(lat1: pd.Series, lon1: pd.Series, lat2: pd.Series,
                    lon2: pd.Series) -> pd.Series:
    half_lat = np.sin(np.radians((lat2 - lat1) / 2))
    half_lon = np.sin(np.radians((lon2 - lon1) / 2))
    a = (half_lat * half_lat
         + np.cos(np.radians(lat1)) * np.cos(np.radians(lat2)) * half_lon * half_lon)
    root = np.sqrt(a)
    return 2 * EARTH_RADIUS_MILES * np.arcsin(root.where(~(root > 1), 1.0))


def rooftop_places(inputs: Inputs) -> pd.DataFrame:
    """Per rooftop: country, unit, whether it lists market-area codes, radius, centroid."""
    r = inputs.rooftops
    country = r["country"].str.upper().fillna(
        pd.Series(np.where(r["distance_unit"] == "mi", "US", ""), index=r.index))
    listed = r["market_area_postal_codes"].fillna("").str.replace(" ", "", regex=False)
    places = pd.DataFrame({"rooftop_id": r["rooftop_id"], "country": country,
                           "unit": r["distance_unit"], "has_list": listed != "",
                           "radius": r["market_area_radius"],
                           "key": postal_key(r["postal_code"], country)})
    centroids = inputs.centroids.rename(columns={"postal_code": "key", "latitude": "roof_lat",
                                                 "longitude": "roof_lon"})
    return places.merge(centroids, on=["country", "key"], how="left").drop(columns="key")


def listed_codes(inputs: Inputs, places: pd.DataFrame) -> pd.DataFrame:
    """(rooftop_id, key) of every postal code in a rooftop's market-area list."""
    r = inputs.rooftops
    codes = pd.DataFrame({"rooftop_id": r["rooftop_id"],
                          "key": r["market_area_postal_codes"].fillna("").str.split(" ")})
    codes = codes.explode("key")
    codes = codes[codes["key"] != ""].merge(places[["rooftop_id", "country"]], on="rooftop_id")
    codes["key"] = postal_key(codes["key"].astype("str"), codes["country"])
    return codes[["rooftop_id", "key"]].drop_duplicates().assign(listed=True)


def in_market_area(records: pd.DataFrame, inputs: Inputs) -> pd.Series:
    """Whether each record's postal code is in its rooftop's market area: in the list
    when the rooftop has one, else within the radius of the rooftop's centroid."""
    places = rooftop_places(inputs)
    t = records[["rooftop_id", "postal_code"]].merge(places, on="rooftop_id", how="left")
    t["key"] = postal_key(t["postal_code"], t["country"])
    centroids = inputs.centroids.rename(columns={"postal_code": "key"})
    t = t.merge(centroids, on=["country", "key"], how="left")
    t = t.merge(listed_codes(inputs, places), on=["rooftop_id", "key"], how="left")
    miles = haversine_miles(t["latitude"], t["longitude"], t["roof_lat"], t["roof_lon"])
    distance = (miles * KM_PER_MILE).where(t["unit"] == "km", miles)
    by_radius = t["radius"].notna() & (distance <= t["radius"])
    inside = t["listed"].fillna(False).astype(bool).where(t["has_list"].fillna(False)
                                                          .astype(bool), by_radius)
    return pd.Series(inside.to_numpy(), index=records.index)


def moves_into_market_area(opps: pd.DataFrame, inputs: Inputs) -> pd.DataFrame:
    """Per customer record of an opportunity: the date of its latest move into its
    rooftop's market area (a version inside it after one with an address outside it)."""
    v = inputs.versions.merge(opps[RECORD].drop_duplicates(), on=RECORD)
    v = v.assign(created=np.where(v["changed"] == "created", 0, 1),
                 postal=v["postal_code"].fillna(""),
                 street=v["address_line1"].fillna("") + "|" + v["address_line2"].fillna(""))
    v["inside"] = in_market_area(v, inputs)
    v["had_address"] = v["postal_code"].notna() | (v["street"] != "|")
    v = v.sort_values([*RECORD, "effective_at", "created", "postal", "street"])
    record = v.groupby(RECORD, sort=False)
    was_inside = record["inside"].shift().astype("boolean")
    had_address = record["had_address"].shift().astype("boolean")
    moved = (record.cumcount() > 0) & had_address & ~was_inside & v["inside"]
    moves = v[moved.fillna(False).to_numpy()]
    latest = moves.groupby(RECORD)["effective_at"].max().dt.normalize()
    return latest.rename("moved_into_market_area_date").reset_index()


# --- segments ------------------------------------------------------------------------------

def sales_matches(o: pd.DataFrame, window: Window, config: RuleConfig) -> dict[str, pd.Series]:
    day, deal_type = window.day, o["deal_type"]
    maturity = o["lease_maturity_date"]
    coverage_end = o["coverage_end_date"]
    return {
        "finance_upgrade": (deal_type == "finance")
        & (o["equity"] > config.finance_upgrade_min_equity),
        "lease_upgrade": (deal_type == "lease") & (maturity >= day)
        & (maturity <= window.months_after(config.lease_upgrade_months)),
        "lease_overage": (deal_type == "lease")
        & (o["payments_remaining"] <= config.lease_overage_max_payments_remaining)
        & o["over_allowance"],
        "high_apr": (deal_type == "finance") & (o["apr"] >= config.high_apr_percent),
        "warranty_alert": deal_type.isin(["cash", "finance"]) & (coverage_end >= day)
        & (coverage_end <= day + pd.Timedelta(days=config.warranty_alert_days)),
        "service_conquest": o["deal_id"].isna()
        & (o["visits_conquest_window"] >= config.service_conquest_min_visits),
    }


def service_matches(o: pd.DataFrame, window: Window,
                    config: RuleConfig) -> dict[str, pd.Series]:
    home = o["rooftop_id"]
    last_cpro, prev_cpro = o["last_cpro_date"], o["prev_cpro_date"]
    last_visit, moved = o["last_visit_date"], o["moved_into_market_area_date"]
    last = window.last_months
    at_risk, lapsed = config.at_risk_months, config.lapsed_months
    moved_recently = ((moved > window.day - pd.Timedelta(days=config.new_to_market_days))
                      & (moved <= window.day))
    return {
        "retained": (o["last_cpro_rooftop_id"] == home) & (o["prev_cpro_rooftop_id"] == home)
        & last(prev_cpro, config.retained_window_months)
        & last(last_cpro, config.retained_window_months)
        & last(last_cpro, config.retained_recent_months),
        "multi_rooftop_visit": (o["multi_rooftop_cpros"] >= config.multi_rooftop_min_cpros)
        & (o["multi_rooftop_rooftops"] >= 2),
        "capture": o["deal_id"].isna() & last(o["last_home_cpro_date"], config.capture_months),
        "single_visit": last(last_cpro, config.single_visit_months)
        & ~last(prev_cpro, config.single_visit_months)
        & (o["last_cpro_rooftop_id"] == home),
        "warranty_only": last(o["last_home_warranty_date"], config.warranty_only_months)
        & ~last(last_cpro, config.warranty_only_months),
        "prepaid_maintenance": o["maintenance_plan_active"],
        "new_to_market_area": moved_recently & (last_visit.isna() | (last_visit < moved)),
        "at_risk": window.months_ago(last_visit, at_risk[0], at_risk[1]),
        "lapsed": window.months_ago(last_visit, lapsed[0], lapsed[1]),
        "lost": last_visit <= window.months_before(config.lost_months),
    }


def assign(matches: dict[str, pd.Series], order: Sequence[str], *, default: str,
           no_flags: str) -> tuple[pd.Series, pd.Series]:
    """(primary segment, flags): the first match in ``order``, and every match joined by
    ";" (``no_flags`` when none). Each distinct combination of matches is spelled once."""
    unknown = [name for name in order if name not in matches]
    if unknown:
        raise ValueError(f"unknown segments in the order: {', '.join(unknown)}")
    combination = sum(matches[name].fillna(False).astype("int64") * (1 << bit)
                      for bit, name in enumerate(order))
    combination = pd.Series(combination, index=next(iter(matches.values())).index)
    primary, flags = {}, {}
    for value in combination.unique():
        names = [name for bit, name in enumerate(order) if value >> bit & 1]
        primary[value] = names[0] if names else default
        flags[value] = ";".join(names) if names else no_flags
    return combination.map(primary), combination.map(flags)


# --- the whole frame -----------------------------------------------------------------------

def features(tables: dict[str, pd.DataFrame], as_of: date, config: RuleConfig) -> pd.DataFrame:
    """Every opportunity on D with the features its segments and the export read (keys
    still encoded)."""
    window = Window(as_of)
    inputs = cut_to(tables, window)
    opps = opportunities(inputs, window)
    kept = kept_readings(inputs, opps["vin"])
    opps = add_mileage(opps, kept, config)
    opps = add_lease(add_payments(opps, window))
    opps = add_coverages(opps, inputs, kept, window, config)
    opps = add_value(opps, inputs, window, config)
    opps = add_visits(opps, inputs, window, config)
    opps = opps.merge(moves_into_market_area(opps, inputs), on=RECORD, how="left")
    opps.attrs["codes"] = inputs.codes
    return opps


def export_frame(tables: dict[str, pd.DataFrame], as_of: date,
                 config: RuleConfig | None = None) -> pd.DataFrame:
    """One row per opportunity on ``as_of`` with the export's columns, in its order."""
    config = RuleConfig() if config is None else config
    if config.custom_segments:
        raise ValueError("the pandas baseline does not support custom segments")
    window = Window(as_of)
    opps = features(tables, as_of, config)
    codes: Codes = opps.attrs["codes"]
    opps["sales_segment"], opps["sales_flags"] = assign(
        sales_matches(opps, window, config), config.sales_segment_order,
        default="everyone_else", no_flags="everyone_else")
    opps["service_segment"], opps["service_flags"] = assign(
        service_matches(opps, window, config), config.service_segment_order,
        default="none", no_flags="")
    opps = opps.sort_values(["rooftop_id", "customer_id", "vin"], ignore_index=True)
    for column, uniques in (("rooftop_id", codes.rooftop), ("customer_id", codes.customer),
                            ("vin", codes.vin), ("person_id", codes.person)):
        opps[column] = decode(opps[column], uniques)
    opps.attrs = {}
    return opps[[*EXPORT_COLUMNS, *EXTRA_COLUMNS]]
