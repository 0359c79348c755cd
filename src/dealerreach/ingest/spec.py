"""The canonical DMS interchange format (version 1), as data.

Every file of an import, its key, its columns, their kinds and which are required.
The import, the vendor profiles, the docs and the demo generator all read this one table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How a column's text is read and cleaned."""

    TEXT = "text"
    NAME = "name"
    DATE = "date"
    TIMESTAMP = "timestamp"
    DECIMAL = "decimal"
    INTEGER = "integer"
    CHOICE = "choice"
    YESNO = "yesno"
    VIN = "vin"
    EMAIL = "email"
    PHONE = "phone"
    POSTAL = "postal"
    COUNTRY = "country"
    TIMEZONE = "timezone"
    CODES = "codes"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str | None = None


@dataclass(frozen=True)
class FileSpec:
    name: str
    table: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _c(name: str, kind: Kind = Kind.TEXT, *, required: bool = False,
       choices: tuple[str, ...] = (), default: str | None = None) -> Column:
    return Column(name, kind, required, choices, default)


YES_NO = ("yes", "no")

ROOFTOPS = FileSpec("rooftops.csv", "rooftops", ("rooftop_id",), (
    _c("rooftop_id", required=True),
    _c("name"),
    _c("address_line1"),
    _c("city"),
    _c("region"),
    _c("postal_code", Kind.POSTAL),
    _c("country", Kind.COUNTRY),
    _c("timezone", Kind.TIMEZONE),
    _c("distance_unit", Kind.CHOICE, choices=("mi", "km")),
    _c("market_area_postal_codes", Kind.CODES),
    _c("market_area_radius", Kind.DECIMAL),
    _c("consent_regime", Kind.CHOICE, choices=("opt_out", "opt_in")),
))

CUSTOMERS = FileSpec("customers.csv", "customers", ("rooftop_id", "customer_id"), (
    _c("customer_id", required=True),
    _c("rooftop_id", required=True),
    _c("customer_type", Kind.CHOICE,
       choices=("individual", "business", "fleet", "internal", "employee"),
       default="individual"),
    _c("first_name", Kind.NAME),
    _c("last_name", Kind.NAME),
    _c("company_name", Kind.NAME),
    _c("email", Kind.EMAIL),
    _c("mobile_phone", Kind.PHONE),
    _c("home_phone", Kind.PHONE),
    _c("address_line1"),
    _c("address_line2"),
    _c("city"),
    _c("region"),
    _c("postal_code", Kind.POSTAL),
    _c("country", Kind.COUNTRY),
    _c("birth_date", Kind.DATE),
    _c("email_consent", Kind.YESNO),
    _c("sms_consent", Kind.YESNO),
    _c("mail_consent", Kind.YESNO),
    _c("do_not_contact", Kind.YESNO),
    _c("deceased", Kind.YESNO),
    _c("updated_at", Kind.TIMESTAMP),
))

VEHICLES = FileSpec("vehicles.csv", "vehicles", ("vin",), (
    _c("vin", Kind.VIN, required=True),
    _c("year", Kind.INTEGER),
    _c("make"),
    _c("model"),
    _c("trim"),
    _c("body_type"),
    _c("fuel_type"),
    _c("in_service_date", Kind.DATE),
    _c("msrp", Kind.DECIMAL),
))

DEALS = FileSpec("deals.csv", "deals", ("rooftop_id", "deal_id"), (
    _c("deal_id", required=True),
    _c("rooftop_id", required=True),
    _c("customer_id", required=True),
    _c("vin", Kind.VIN, required=True),
    _c("deal_date", Kind.DATE, required=True),
    _c("deal_type", Kind.CHOICE, required=True, choices=("cash", "finance", "lease")),
    _c("vehicle_condition", Kind.CHOICE, choices=("new", "used", "cpo")),
    _c("sale_price", Kind.DECIMAL),
    _c("amount_financed", Kind.DECIMAL),
    _c("apr", Kind.DECIMAL),
    _c("term_months", Kind.INTEGER),
    _c("first_payment_date", Kind.DATE),
    _c("monthly_payment", Kind.DECIMAL),
    _c("residual_value", Kind.DECIMAL),
    _c("annual_miles", Kind.INTEGER),
    _c("odometer", Kind.INTEGER),
    _c("trade_in_vin", Kind.VIN),
    _c("service_contract_months", Kind.INTEGER),
    _c("service_contract_miles", Kind.INTEGER),
    _c("maintenance_plan_months", Kind.INTEGER),
    _c("maintenance_plan_miles", Kind.INTEGER),
    _c("salesperson"),
    _c("status", Kind.CHOICE, choices=("booked", "unwound"), default="booked"),
))

REPAIR_ORDERS = FileSpec("repair_orders.csv", "repair_orders", ("rooftop_id", "ro_number"), (
    _c("ro_number", required=True),
    _c("rooftop_id", required=True),
    _c("customer_id", required=True),
    _c("vin", Kind.VIN, required=True),
    _c("open_date", Kind.DATE, required=True),
    _c("close_date", Kind.DATE),
    _c("odometer", Kind.INTEGER),
    _c("advisor"),
    _c("customer_pay_total", Kind.DECIMAL),
    _c("warranty_total", Kind.DECIMAL),
    _c("internal_total", Kind.DECIMAL),
    _c("department", Kind.CHOICE, choices=("service", "body", "parts"), default="service"),
))

RO_LINES = FileSpec("ro_lines.csv", "ro_lines", ("rooftop_id", "ro_number", "line_no"), (
    _c("ro_number", required=True),
    _c("rooftop_id", required=True),
    _c("line_no", Kind.INTEGER, required=True),
    _c("op_code"),
    _c("description"),
    _c("labor_type", Kind.CHOICE, required=True, choices=("C", "W", "I")),
    _c("labor_amount", Kind.DECIMAL),
    _c("parts_amount", Kind.DECIMAL),
    _c("declined", Kind.YESNO),
    _c("recall", Kind.YESNO),
))

LEADS = FileSpec("leads.csv", "leads", ("rooftop_id", "lead_id"), (
    _c("lead_id", required=True),
    _c("rooftop_id", required=True),
    _c("created_at", Kind.TIMESTAMP, required=True),
    _c("source", required=True),
    _c("customer_id"),
    _c("first_name", Kind.NAME),
    _c("last_name", Kind.NAME),
    _c("email", Kind.EMAIL),
    _c("phone", Kind.PHONE),
    _c("assigned_to"),
    _c("first_contact_at", Kind.TIMESTAMP),
    _c("appointment_at", Kind.TIMESTAMP),
    _c("showed_at", Kind.TIMESTAMP),
    _c("sold_at", Kind.TIMESTAMP),
    _c("vehicle_of_interest"),
))

VALUATIONS = FileSpec("valuations.csv", "valuations", ("valuation_key", "as_of"), (
    _c("vin", Kind.VIN),
    _c("year", Kind.INTEGER),
    _c("make"),
    _c("model"),
    _c("trim"),
    _c("value", Kind.DECIMAL, required=True),
    _c("as_of", Kind.DATE, required=True),
))

#: Files in the order an import reads them: what a row refers to is read before it.
FILES: tuple[FileSpec, ...] = (
    ROOFTOPS, CUSTOMERS, VEHICLES, DEALS, REPAIR_ORDERS, RO_LINES, LEADS, VALUATIONS,
)
BY_NAME: dict[str, FileSpec] = {f.name: f for f in FILES}
REQUIRED_FILES = ("customers.csv",)

#: Which customer a row refers to, and whether that reference may be empty.
CUSTOMER_REFERENCES = {"deals.csv": True, "repair_orders.csv": True, "leads.csv": False}
#: Columns holding a VIN that creates a bare vehicle record when not yet known.
VEHICLE_REFERENCES = {"deals.csv": ("vin", "trade_in_vin"), "repair_orders.csv": ("vin",)}
