"""What the feature tests share: the opportunity table's contract and a PostgreSQL backend."""

from __future__ import annotations

import os
from typing import Any

import ibis
import pytest
import sqlalchemy as sa

from dealerreach.features.opportunities import DEAL_COLUMNS, VEHICLE_COLUMNS

OPP_TYPES = {
    "vin": "string", "person_id": "string", "household_id": "string", "rooftop_id": "string",
    "customer_id": "string", "home_source": "string", "home_date": "date",
    "distance_unit": "string", "deal_id": "string", "deal_rooftop_id": "string",
    "deal_date": "date", "deal_type": "string", "vehicle_condition": "string",
    "amount_financed": "float64", "apr": "float64", "monthly_payment": "float64",
    "residual_value": "float64", "term_months": "int64", "annual_miles": "int64",
    "deal_odometer": "int64", "service_contract_months": "int64",
    "service_contract_miles": "int64", "maintenance_plan_months": "int64",
    "maintenance_plan_miles": "int64", "first_payment_date": "date", "make": "string",
    "model": "string", "trim": "string", "year": "int64", "in_service_date": "date",
    "msrp": "float64",
}
"""The opportunity table's contract (built by features/opportunities.py)."""

DEAL_TO_OPP = DEAL_COLUMNS
VEHICLE_TO_OPP = VEHICLE_COLUMNS


def postgres_backend() -> Any:
    """An Ibis PostgreSQL backend on the test server ($DEALERREACH_TEST_PG_URL); skips the
    test when none answers, unless CI=true."""
    url = sa.engine.make_url(os.environ.get(
        "DEALERREACH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    try:
        return ibis.postgres.connect(host=url.host, port=url.port or 5432, user=url.username,
                                     password=url.password, database=url.database)
    except Exception as exc:  # noqa: BLE001 - any failure means: no server here
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip(f"no PostgreSQL server reachable: {exc}")
