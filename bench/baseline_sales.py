"""The pandas baseline's sales side: opportunities, mileage, payments, lease, coverages,
value and equity (see ``baseline_pandas``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from baseline_records import (
    RECORD,
    Inputs,
    Window,
    add_days,
    add_months,
    days_between,
    earlier,
    in_unit,
    parties,
)

from dealerreach.features.config import MakeTermSetting, RuleConfig

# --- opportunities -------------------------------------------------------------------------

DEAL_COLUMNS = ("deal_id", "deal_date", "deal_type", "amount_financed", "apr",
                "monthly_payment", "residual_value", "term_months", "annual_miles",
                "odometer", "service_contract_months", "service_contract_miles",
                "maintenance_plan_months", "maintenance_plan_miles", "first_payment_date")


def latest_events(inputs: Inputs) -> pd.DataFrame:
    """Per VIN, the most recent deal or RO of a non-internal customer record: a deal
    before an RO on one date, then the larger rooftop id, then the larger id; its date
    and kind (home_date, home_source)."""
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
    latest = events.drop_duplicates("vin")
    latest = latest.assign(home_source=np.where(latest["kind"] == 0, "deal", "ro"))
    return latest.drop(columns=["kind", "event_id"])


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
        first_reading=("odometer", "min"), last_reading=("odometer", "max"),
        reading_count=("on", "size"))
    opps = opps.join(summary, on="vin")
    opps["reading_count"] = opps["reading_count"].fillna(0).astype("int64")
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
    ending = alert[alert["end"].to_numpy() == opps.loc[alert["opp"], "coverage_end_date"]
                   .to_numpy()]
    first_kind = ending.groupby("opp")["kind"].min()  # BASIC before CONTRACT on a tie
    opps["coverage_end_kind"] = first_kind.map({BASIC: "basic_warranty",
                                                CONTRACT: "service_contract"})
    for column, kinds in (("basic_warranty_end", (BASIC,)),
                          ("service_contract_end", (CONTRACT,)),
                          ("maintenance_plan_end", PLANS)):
        opps[column] = rows[rows["kind"].isin(kinds)].groupby("opp")["end"].max()
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
    (market value - payoff, finance and lease deals), in cents; value_source, which of
    the three gave the value."""
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
    by_vin = opps["vin"].map(vin_values(inputs.valuations))
    by_model = model_values(opps, inputs.valuations)
    opps["market_value"] = to_cents(by_vin.fillna(by_model).fillna(depreciated))
    opps["value_source"] = np.select(
        [by_vin.notna(), by_model.notna(), depreciated.notna()],
        ["vin", "model", "depreciation"], default=None)
    financed = opps["deal_type"].isin(["finance", "lease"])
    opps["equity"] = to_cents(opps["market_value"] - opps["payoff"]).where(financed)
    return opps
