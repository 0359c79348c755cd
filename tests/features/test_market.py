"""Distance to the rooftop (postal-code centroids), market area and moves into it."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import ibis
import pytest
import zipcodes

from dealerreach.features.config import RuleConfig
from dealerreach.features.inputs import Inputs
from dealerreach.features.market import (
    PostalCentroid,
    add_market_features,
    centroid_table,
    shipped_centroids,
)
from features.helpers_service import ROOFTOPS, customer, opp, run_step, version

KOELN = [PostalCentroid("DE", "50858", 50.9219, 6.8478),
         PostalCentroid("DE", "50 667", 50.9384, 6.9599)]


def _miles(zip_a: str, zip_b: str) -> float:
    """Great-circle miles between two ZIP centroids, straight from the zipcodes data."""
    (a,), (b,) = zipcodes.matching(zip_a), zipcodes.matching(zip_b)
    return _haversine(float(a["lat"]), float(a["long"]), float(b["lat"]), float(b["long"]))


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 / 1.609344 * math.asin(math.sqrt(h))


def market(postal_code: str | None, *, rooftop_id: str = "R1",
           rooftops: list[dict[str, Any]] | None = None,
           centroids: ibis.Table | None = None,
           versions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The market features of V1, whose customer record C1 at ``rooftop_id`` has
    ``postal_code``."""
    def step(o: ibis.Table, inputs: Inputs, as_of: date, config: RuleConfig) -> ibis.Table:
        return add_market_features(o, inputs, centroids=centroids)

    return run_step(step, [opp(rooftop_id=rooftop_id)],
                    rooftops=rooftops or ROOFTOPS,
                    customers=[customer("C1", rooftop_id=rooftop_id, postal_code=postal_code)],
                    customer_versions=versions or [])["V1"]


def _rooftop(**values: Any) -> list[dict[str, Any]]:
    return [{"rooftop_id": "R1", "postal_code": "80215", "country": "US",
             "distance_unit": "mi", **values}]


# --- centroids and distance ------------------------------------------------------------

def test_shipped_centroids_are_the_us_zip_codes_of_the_zipcodes_package():
    found = {c.postal_code: c for c in shipped_centroids()}
    assert len(found) > 40_000
    assert (found["10001"].country, found["10001"].latitude) == ("US", 40.7484)


def test_distance_is_the_great_circle_between_zip_centroids_in_miles():
    f = market("43017")
    assert f["distance_to_rooftop"] == pytest.approx(_miles("43017", "43235"), abs=1e-6)
    assert 5 < f["distance_to_rooftop"] < 10


def test_a_zip_plus_four_is_looked_up_by_its_five_digit_zip():
    f = market("43017-1234")
    assert f["distance_to_rooftop"] == pytest.approx(_miles("43017", "43235"), abs=1e-6)
    assert f["in_market_area"] is True


def test_distance_is_in_km_for_a_km_rooftop_from_supplied_centroids():
    f = market("50667", rooftop_id="R3", centroids=centroid_table(KOELN))
    miles = _haversine(50.9384, 6.9599, 50.9219, 6.8478)
    assert f["distance_to_rooftop"] == pytest.approx(miles * 1.609344, abs=1e-6)
    assert 7 < f["distance_to_rooftop"] < 9


def test_non_us_postal_codes_have_no_distance_without_supplied_centroids():
    f = market("50859", rooftop_id="R3")
    assert f["distance_to_rooftop"] is None
    assert f["in_market_area"] is True  # listed


def test_a_german_code_is_not_read_as_the_us_zip_with_the_same_digits():
    assert zipcodes.matching("50858")  # a real US ZIP (Iowa) as well
    assert market("50858", rooftop_id="R3")["distance_to_rooftop"] is None


def test_an_unknown_or_missing_postal_code_has_no_distance_and_is_outside_a_radius():
    for code in ("00000", None):
        f = market(code, rooftop_id="R2")
        assert (f["distance_to_rooftop"], f["in_market_area"]) == (None, False)


def test_a_rooftop_without_country_counts_as_us_when_its_unit_is_miles():
    f = market("80401", rooftops=_rooftop(country=None, market_area_radius=25.0))
    assert f["distance_to_rooftop"] == pytest.approx(_miles("80401", "80215"), abs=1e-6)


# --- market area -----------------------------------------------------------------------

def test_in_market_area_when_the_postal_code_is_listed():
    assert market("43220")["in_market_area"] is True


def test_not_in_market_area_when_not_listed_however_near():
    f = market("43026")
    assert f["distance_to_rooftop"] < 15
    assert f["in_market_area"] is False


def test_radius_includes_a_customer_just_inside_and_excludes_one_just_outside():
    d = _miles("80401", "80215")
    assert market("80401", rooftops=_rooftop(market_area_radius=d + 1e-6))["in_market_area"]
    assert not market("80401", rooftops=_rooftop(market_area_radius=d - 1e-6))["in_market_area"]


def test_a_postal_code_list_wins_over_a_radius():
    rooftops = _rooftop(market_area_postal_codes="80226", market_area_radius=100.0)
    assert market("80401", rooftops=rooftops)["in_market_area"] is False
    assert market("80226", rooftops=rooftops)["in_market_area"] is True


def test_a_rooftop_without_list_or_radius_has_no_market_area():
    f = market("80215", rooftops=_rooftop())
    assert (f["distance_to_rooftop"], f["in_market_area"]) == (0.0, False)


# --- moves into the market area ---------------------------------------------------------

def _moved(*versions: dict[str, Any]) -> date | None:
    return market("43017", versions=list(versions))["moved_into_market_area_date"]


def test_a_first_seen_address_is_not_a_move():
    assert _moved(version("C1", date(2025, 6, 1), "43017", changed="created")) is None


def test_a_move_from_outside_to_inside_is_dated_by_its_version():
    assert _moved(version("C1", date(2024, 1, 1), "43026", changed="created"),
                  version("C1", datetime(2025, 5, 2, 23, 59), "43017")) == date(2025, 5, 2)


def test_a_move_within_the_market_area_is_not_a_move_into_it():
    assert _moved(version("C1", date(2024, 1, 1), "43220", changed="created"),
                  version("C1", date(2025, 5, 2), "43017")) is None


def test_an_address_given_for_the_first_time_is_not_a_move():
    assert _moved(version("C1", date(2024, 1, 1), None, street=None, changed="created"),
                  version("C1", date(2025, 5, 2), "43017", changed="address_line1")) is None


def test_moving_out_and_back_in_gives_the_latest_move():
    assert _moved(version("C1", date(2023, 1, 1), "43026", changed="created"),
                  version("C1", date(2023, 6, 1), "43017"),
                  version("C1", date(2024, 6, 1), "43026"),
                  version("C1", date(2025, 4, 1), "43017")) == date(2025, 4, 1)


def test_a_change_of_email_after_a_move_keeps_the_move_date():
    assert _moved(version("C1", date(2024, 1, 1), "43026", changed="created"),
                  version("C1", date(2025, 3, 1), "43017"),
                  version("C1", date(2025, 4, 1), "43017", changed="email")) == date(2025, 3, 1)


def test_another_customer_records_move_does_not_count():
    assert _moved(version("C2", date(2024, 1, 1), "43026", changed="created"),
                  version("C2", date(2025, 3, 1), "43017")) is None
