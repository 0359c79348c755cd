"""The pandas baseline's service side: RO categories, visits and CPROs, next service
due, RFM, market area and moves (see ``baseline_pandas``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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
    without_internal,
)

from dealerreach.features.categories import SHIPPED, CategoryRule
from dealerreach.features.config import RuleConfig

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


LINE_TEXT = ["op_code", "description", "department"]


def line_categories(lines: pd.DataFrame, categories: Sequence[str]) -> pd.DataFrame:
    """A boolean column per category for each line, decided once per distinct
    (op code, description, department) and spread back to the lines."""
    text = lines[LINE_TEXT].fillna({"op_code": "", "description": ""})
    group = text.groupby(LINE_TEXT, sort=False).ngroup().to_numpy()
    first = ~pd.Series(group).duplicated().to_numpy()
    distinct = text[first]
    distinct.index = group[first]
    distinct = distinct.sort_index()
    return pd.DataFrame({name: line_category(distinct, name).to_numpy()[group]
                         for name in categories}, index=lines.index)


def service_visits(inputs: Inputs, vins: pd.Series) -> pd.DataFrame:
    """The service-department ROs of non-internal customer records for the given VINs
    (visits), with is_cpro, is_warranty and counts of performed maintenance and tire
    lines and of declined lines."""
    ros = inputs.ros[inputs.ros["vin"].isin(vins) & inputs.ros["open_date"].notna()]
    ros = without_internal(ros, inputs.customers)
    ros = ros[["rooftop_id", "ro_number", "vin", "department", "open_date",
               "customer_pay_total", "warranty_total"]].reset_index(drop=True)
    ro_key = ["rooftop_id", "ro_number"]
    lines = inputs.lines.merge(ros[[*ro_key, "department"]].reset_index(), on=ro_key)
    kinds = line_categories(lines, ("recall", "maintenance", "tires"))
    declined = lines["declined"] == "yes"
    done = ~declined
    recall = (lines["recall"] == "yes") | kinds["recall"]
    per_ro = pd.DataFrame({
        "ro": lines["index"], "lines": 1,
        "c_lines": done & (lines["labor_type"] == "C"),
        "w_lines": done & ((lines["labor_type"] == "W") | recall),
        "maintenance_lines": done & kinds["maintenance"],
        "tire_lines": done & kinds["tires"],
        "declined_lines": declined,
    }).groupby("ro").sum().reindex(ros.index, fill_value=0)
    has_lines = per_ro["lines"] > 0
    visit = ros["department"] == "service"
    cpro = (ros["customer_pay_total"].fillna(0) > 0) & (~has_lines | (per_ro["c_lines"] > 0))
    warranty = (per_ro["w_lines"] > 0).where(has_lines, ros["warranty_total"].fillna(0) > 0)
    ros["is_cpro"] = cpro & visit
    ros["is_warranty"] = warranty.astype(bool) & visit
    for column in ("maintenance_lines", "tire_lines", "declined_lines"):
        ros[column] = per_ro[column].to_numpy()
    return ros[visit.to_numpy()]


VISIT_COUNTS = ("visits_12m", "visits_24m", "cpro_12m", "cpro_24m", "visits_conquest_window",
                "multi_rooftop_cpros", "multi_rooftop_rooftops", "declined_lines_24m")


def add_visits(opps: pd.DataFrame, inputs: Inputs, window: Window,
               config: RuleConfig) -> pd.DataFrame:
    """Visit and CPRO columns per VIN (anywhere in the group) and at the home rooftop,
    and the maintenance and tire flags, declined lines and last maintenance."""
    v = service_visits(inputs, opps["vin"])
    cpro, by_vin = v["is_cpro"], v["vin"]
    in_short = window.last_months(v["open_date"], config.cpro_short_months)
    in_long = window.last_months(v["open_date"], config.cpro_long_months)
    in_multi = cpro & window.last_months(v["open_date"], config.multi_rooftop_months)
    in_conquest = window.last_months(v["open_date"], config.service_conquest_months)
    maintenance = v["maintenance_lines"] > 0
    per_vin = pd.DataFrame({
        "visits_12m": in_short.groupby(by_vin).sum(),
        "visits_24m": in_long.groupby(by_vin).sum(),
        "last_visit_date": v.groupby("vin")["open_date"].max(),
        "cpro_12m": (cpro & in_short).groupby(by_vin).sum(),
        "cpro_24m": (cpro & in_long).groupby(by_vin).sum(),
        "visits_conquest_window": in_conquest.groupby(by_vin).sum(),
        "multi_rooftop_cpros": in_multi.groupby(by_vin).sum(),
        "multi_rooftop_rooftops": v[in_multi].groupby("vin")["rooftop_id"].nunique(),
        "maintenance_customer": (maintenance & in_long).groupby(by_vin).any(),
        "tire_customer": ((v["tire_lines"] > 0) & in_long).groupby(by_vin).any(),
        "declined_lines_24m": v["declined_lines"].where(in_long, 0).groupby(by_vin).sum(),
        "last_maintenance_date": v[maintenance].groupby("vin")["open_date"].max(),
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
    for column in VISIT_COUNTS:
        opps[column] = opps[column].fillna(0).astype("int64")
    for column in ("maintenance_customer", "tire_customer"):
        opps[column] = opps[column].fillna(False).astype(bool)

    home = pd.DataFrame({
        "cpro_12m_home": (cpro & in_short).groupby([by_vin, v["rooftop_id"]]).sum(),
        "last_home_cpro_date": v[cpro].groupby(["vin", "rooftop_id"])["open_date"].max(),
        "last_home_warranty_date": v[v["is_warranty"]].groupby(["vin", "rooftop_id"])[
            "open_date"].max()})
    opps = opps.join(home, on=["vin", "rooftop_id"])
    opps["cpro_12m_home"] = opps["cpro_12m_home"].fillna(0).astype("int64")
    return opps


# --- next service due ----------------------------------------------------------------------

LAST_DAY = pd.Timestamp("9999-12-31")


def add_service_due(opps: pd.DataFrame, kept: pd.DataFrame, config: RuleConfig) -> pd.DataFrame:
    """next_service_due_date: the earlier of the last maintenance + the interval in months
    and the day the odometer reaches the odometer at the last maintenance + the interval
    distance (in the rooftop's unit): the first reading at or above it, else the
    projection from the VIN's readings."""
    due = opps.loc[opps["last_maintenance_date"].notna(),
                   ["vin", "last_maintenance_date", "distance_unit"]]
    readings = kept.merge(due, on="vin")
    base = readings[readings["on"] <= readings["last_maintenance_date"]].groupby("vin")[
        "odometer"].max()
    limits = due.set_index("vin").join(base.rename("base"), how="inner")
    interval = np.where(limits["distance_unit"] == "km",
                        in_unit(config.service_interval_miles, "km"),
                        config.service_interval_miles)
    limits["limit"] = limits["base"] + interval
    pairs = kept.merge(limits["limit"].reset_index(), on="vin")
    limits["reached_on"] = pairs[pairs["odometer"] >= pairs["limit"]].groupby("vin")["on"].min()
    summary = kept[kept["vin"].isin(limits.index)].groupby("vin").agg(
        first_on=("on", "min"), last_on=("on", "max"), first_odometer=("odometer", "min"),
        last_odometer=("odometer", "max"))
    t = limits.join(summary)
    span = days_between(t["first_on"], t["last_on"])
    measured = span >= config.min_reading_span_days
    annual = np.where(t["distance_unit"] == "km", config.default_annual_km,
                      config.default_annual_miles)
    num = pd.Series(np.where(measured, t["last_odometer"] - t["first_odometer"], annual),
                    index=t.index)
    den = pd.Series(np.where(measured, span, 365.0), index=t.index)
    days = ((t["limit"] - t["last_odometer"]) * den + num - 1) // num.clip(lower=1)
    fits = (num > 0) & (days <= days_between(t["last_on"],
                                            pd.Series(LAST_DAY, index=t.index)))
    projected = add_days(t["last_on"], days.where(fits))
    by_distance = t["reached_on"].fillna(projected)
    by_time = add_months(opps["last_maintenance_date"], config.service_interval_months)
    opps["next_service_due_date"] = earlier(by_time, opps["vin"].map(by_distance))
    return opps


# --- RFM -----------------------------------------------------------------------------------

RFM_DEPARTMENTS = ("sales", "service", "parts", "body")
RFM_VALUES = {"r": "last", "f": "count", "m": "cents"}
RFM_COLUMNS = tuple(f"rfm_{d}_{s}" for d in RFM_DEPARTMENTS for s in RFM_VALUES)


def half_away(values: pd.Series) -> pd.Series:
    """Rounded to whole, halves away from zero."""
    return np.sign(values) * np.floor(values.abs() + 0.5)


def rfm_scores(inputs: Inputs, window: Window, config: RuleConfig) -> pd.DataFrame:
    """Per person with activity in the window (deals: sales; ROs: their department), the
    scores 1 + 5 x (persons with a strictly lower value) // (persons there)."""
    d, r = inputs.deals, inputs.ros
    events = pd.concat([
        pd.DataFrame({"rooftop_id": d["rooftop_id"], "customer_id": d["customer_id"],
                      "department": "sales", "on": d["deal_date"], "amount": d["sale_price"]}),
        pd.DataFrame({"rooftop_id": r["rooftop_id"], "customer_id": r["customer_id"],
                      "department": r["department"], "on": r["open_date"],
                      "amount": r["customer_pay_total"]}),
    ], ignore_index=True)
    events = events.merge(parties(inputs.customers)[[*RECORD, "person_id"]], on=RECORD)
    events = events[window.last_months(events["on"], config.rfm_months)]
    events = events.assign(cents=half_away(events["amount"].fillna(0) * 100))
    g = events.groupby(["person_id", "department"]).agg(
        last=("on", "max"), count=("on", "size"), cents=("cents", "sum")).reset_index()
    by_department = g.groupby("department")
    persons = by_department["person_id"].transform("size")
    scores = pd.DataFrame({"person_id": g["person_id"], "department": g["department"]})
    for score, column in RFM_VALUES.items():
        lower = by_department[column].rank(method="min") - 1
        scores[score] = (1 + (5 * lower) // persons).astype("int64")
    wide = scores.pivot(index="person_id", columns="department", values=list(RFM_VALUES))
    out = pd.DataFrame(index=wide.index)
    for department in RFM_DEPARTMENTS:
        for score in RFM_VALUES:
            column = (score, department)
            out[f"rfm_{department}_{score}"] = (wide[column] if column in wide.columns
                                                else np.nan)
    return out.astype("Int64")


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


def locate(records: pd.DataFrame, inputs: Inputs) -> pd.DataFrame:
    """Per record (rooftop_id, postal_code): ``distance`` to its rooftop (the rooftop's
    unit; NaN without both centroids) and ``inside``, whether the postal code is in the
    rooftop's market area: in the list when the rooftop has one, else within the radius
    of the rooftop's centroid."""
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
    return pd.DataFrame({"distance": distance.to_numpy(), "inside": inside.to_numpy()},
                        index=records.index)


def in_market_area(records: pd.DataFrame, inputs: Inputs) -> pd.Series:
    return locate(records, inputs)["inside"]


def add_market_area(opps: pd.DataFrame, inputs: Inputs) -> pd.DataFrame:
    """distance_to_rooftop and in_market_area of the opportunity's customer record (its
    current postal code) for the home rooftop, and moved_into_market_area_date."""
    records = opps[RECORD].merge(inputs.customers[[*RECORD, "postal_code"]], on=RECORD,
                                 how="left")
    located = locate(records, inputs)
    opps["distance_to_rooftop"] = located["distance"].to_numpy()
    opps["in_market_area"] = located["inside"].to_numpy()
    return opps.merge(moves_into_market_area(opps, inputs), on=RECORD, how="left")


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
