"""Distance to the rooftop, the rooftop's market area, and moves into it.

Postal-code centroids are a table (country, postal_code, latitude, longitude): the
shipped one holds the US ZIP codes bundled with the ``zipcodes`` package (read from the
installed package, no network); a group adds others (``centroid_table(extra=...)``).
A customer record's postal code is read in its rooftop's country (the customer table
carries no country of its own); a rooftop without a country counts as US when its unit
is miles. A US postal code is looked up by its first five characters (ZIP+4 → ZIP).

Distance: great circle (haversine) between the two centroids, in miles, times 1.609344
for km rooftops; null when either centroid is unknown. Market area: the rooftop's
market_area_postal_codes when it lists any, else within market_area_radius (in the
rooftop's unit) of the rooftop's centroid; neither: no market area (never inside).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import ibis
import pyarrow as pa
from ibis.expr.types import BooleanValue, FloatingValue, NumericValue, StringValue

from dealerreach.features.inputs import Inputs

KM_PER_MILE = 1.609344
EARTH_RADIUS_MILES = 3958.7613
"""The mean earth radius, 6,371.0088 km, in miles."""
_CENTROID_SCHEMA = pa.schema([("country", pa.string()), ("postal_code", pa.string()),
                              ("latitude", pa.float64()), ("longitude", pa.float64())])


@dataclass(frozen=True)
class PostalCentroid:
    country: str
    postal_code: str
    latitude: float
    longitude: float

    @property
    def key(self) -> tuple[str, str]:
        return self.country.strip().upper(), "".join(self.postal_code.split()).upper()


@cache
def shipped_centroids() -> tuple[PostalCentroid, ...]:
    """Every US ZIP code with a latitude and longitude in the installed zipcodes package."""
    import zipcodes

    return tuple(PostalCentroid("US", row["zip_code"], float(row["lat"]), float(row["long"]))
                 for row in zipcodes.list_all() if row.get("lat") and row.get("long"))


def _arrow(rows: Iterable[PostalCentroid]) -> pa.Table:
    found = {c.key: c for c in rows}
    return pa.table({"country": [k[0] for k in found], "postal_code": [k[1] for k in found],
                     "latitude": [c.latitude for c in found.values()],
                     "longitude": [c.longitude for c in found.values()]},
                    schema=_CENTROID_SCHEMA)


@cache
def _shipped_arrow() -> pa.Table:
    return _arrow(shipped_centroids())


def centroid_arrow(extra: Iterable[PostalCentroid] = ()) -> pa.Table:
    """The shipped centroids plus ``extra`` ones (a supplied code replaces a shipped one),
    as an Arrow table (country, postal_code, latitude, longitude) to register on an engine."""
    extra = tuple(extra)
    return _arrow((*shipped_centroids(), *extra)) if extra else _shipped_arrow()


def centroid_table(extra: Iterable[PostalCentroid] = ()) -> ibis.Table:
    """``centroid_arrow(extra)`` as an in-memory Ibis table."""
    return ibis.memtable(centroid_arrow(extra))


def postal_key(code: StringValue, country: StringValue) -> StringValue:
    """How a postal code is looked up: a US ZIP by its first five characters."""
    return ibis.ifelse(country == "US", code.substr(0, 5), code)


def haversine_miles(lat1: NumericValue, lon1: NumericValue, lat2: NumericValue,
                    lon2: NumericValue) -> FloatingValue:
    """Great-circle distance in miles between two points given in degrees; null when any
    coordinate is null (``least`` would skip a null, so it is not used)."""
    half_lat = ((lat2 - lat1) / 2).radians().sin()
    half_lon = ((lon2 - lon1) / 2).radians().sin()
    a = half_lat * half_lat + lat1.radians().cos() * lat2.radians().cos() * half_lon * half_lon
    root = a.sqrt()
    return 2 * EARTH_RADIUS_MILES * ibis.ifelse(root > 1, 1.0, root).asin()


def rooftop_places(rooftops: ibis.Table, centroids: ibis.Table) -> ibis.Table:
    """Per rooftop: country, unit, whether it lists market-area codes, radius, centroid."""
    r = rooftops
    country = r.country.upper().fill_null(ibis.ifelse(r.distance_unit == "mi", "US", ""))
    areas = r.market_area_postal_codes.fill_null("").replace(" ", "")
    places = r.select("rooftop_id", _country=country, _unit=r.distance_unit,
                      _has_list=areas != "", _radius=r.market_area_radius,
                      _key=postal_key(r.postal_code, country))
    c = centroids.select(_country="country", _key="postal_code", _rooftop_lat="latitude",
                         _rooftop_lon="longitude")
    return places.left_join(c, ["_country", "_key"]).select(
        ~ibis.selectors.endswith("_right")).drop("_key")


def listed_codes(rooftops: ibis.Table, places: ibis.Table) -> ibis.Table:
    """(rooftop_id, _key) of every postal code in a rooftop's market-area list."""
    codes = rooftops.select("rooftop_id", _code=rooftops.market_area_postal_codes.fill_null("")
                            .split(" ").unnest())
    codes = codes.filter(codes._code != "").join(places.select("rooftop_id", "_country"),
                                                 "rooftop_id")
    return codes.select("rooftop_id", _key=postal_key(codes._code, codes._country),
                        _listed=ibis.literal(True)).distinct()


def locate(records: ibis.Table, *, inputs: Inputs, centroids: ibis.Table) -> ibis.Table:
    """``records`` (with rooftop_id and postal_code) with ``_distance`` (rooftop's unit)
    and ``_in_area`` (never null) for the record's rooftop."""
    places = rooftop_places(inputs.rooftops, centroids)
    t = records.left_join(places, "rooftop_id").select(~ibis.selectors.endswith("_right"))
    t = t.mutate(_key=postal_key(t.postal_code, t._country))
    c = centroids.select(_country="country", _key="postal_code", _lat="latitude",
                         _lon="longitude")
    t = t.left_join(c, ["_country", "_key"]).select(~ibis.selectors.endswith("_right"))
    t = t.left_join(listed_codes(inputs.rooftops, places), ["rooftop_id", "_key"]).select(
        ~ibis.selectors.endswith("_right"))
    miles = haversine_miles(t._lat, t._lon, t._rooftop_lat, t._rooftop_lon)
    distance = ibis.ifelse(t._unit == "km", miles * KM_PER_MILE, miles)
    return t.mutate(_distance=distance, _in_area=_in_area(t, distance)).drop(
        "_country", "_unit", "_has_list", "_radius", "_rooftop_lat", "_rooftop_lon", "_key",
        "_lat", "_lon", "_listed")


def _in_area(t: ibis.Table, distance: FloatingValue) -> BooleanValue:
    by_radius = (t._radius.notnull() & (distance <= t._radius)).fill_null(False)
    return ibis.ifelse(t._has_list.fill_null(False), t._listed.fill_null(False), by_radius)


def moves_into_market_area(inputs: Inputs, *, centroids: ibis.Table) -> ibis.Table:
    """Per customer record: the date of its latest move into its rooftop's market area.

    A move is a version of the record (customer_versions) inside the market area whose
    previous version had an address (street or postal code) outside it; the first
    version of a record (a first-seen address) is never a move. Versions are ordered by
    effective_at; on one timestamp the created version first, then by postal code and
    street (so every engine orders them alike).
    """
    v = inputs.customer_versions
    street = v.address_line1.fill_null("") + "|" + v.address_line2.fill_null("")
    v = v.select("rooftop_id", "customer_id", "effective_at", "postal_code",
                 _created=v.changed == "created", _street=street)
    v = locate(v, inputs=inputs, centroids=centroids)
    w = ibis.window(group_by=[v.rooftop_id, v.customer_id],
                    order_by=[v.effective_at, ibis.ifelse(v._created.fill_null(False), 0, 1),
                              v.postal_code.fill_null(""), v._street])
    had_address = v.postal_code.notnull() | (v._street != "|")
    v = v.mutate(_n=ibis.row_number().over(w), _was_in=v._in_area.lag().over(w),
                 _had_address=had_address.lag().over(w))
    moved = v.filter((v._n > 0) & v._had_address & ~v._was_in & v._in_area)
    return moved.group_by("rooftop_id", "customer_id").agg(
        moved_into_market_area_date=moved.effective_at.max().date())


def add_market_features(opps: ibis.Table, inputs: Inputs, *,
                        centroids: ibis.Table | None = None) -> ibis.Table:
    """``opps`` with distance_to_rooftop, in_market_area and moved_into_market_area_date,
    for the opportunity's customer record and home rooftop."""
    centroids = centroid_table() if centroids is None else centroids
    records = inputs.customers.select("rooftop_id", "customer_id", "postal_code")
    located = locate(records, inputs=inputs, centroids=centroids).select(
        "rooftop_id", "customer_id", distance_to_rooftop="_distance",
        in_market_area="_in_area")
    keys = ["rooftop_id", "customer_id"]
    opps = opps.left_join(located, keys).select(~ibis.selectors.endswith("_right"))
    opps = opps.left_join(moves_into_market_area(inputs, centroids=centroids), keys).select(
        ~ibis.selectors.endswith("_right"))
    return opps.mutate(in_market_area=opps.in_market_area.fill_null(False))
