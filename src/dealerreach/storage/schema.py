"""The record store's tables (SQLAlchemy Core), one schema for SQLite and PostgreSQL.

The tables for imported records are derived from the canonical format in
``ingest.spec``: one column per format column, plus the group, the unknown columns
(``extra``), the raw text of contact data that failed cleaning, and identity keys.
"""

from __future__ import annotations

import sqlalchemy as sa

from dealerreach.ingest.spec import (
    CUSTOMERS,
    DEALS,
    LEADS,
    REPAIR_ORDERS,
    RO_LINES,
    ROOFTOPS,
    VALUATIONS,
    VEHICLES,
    FileSpec,
    Kind,
)

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

MONEY = sa.Numeric()
_SQL_TYPES: dict[Kind, sa.types.TypeEngine] = {
    Kind.DATE: sa.Date(),
    Kind.TIMESTAMP: sa.DateTime(),
    Kind.DECIMAL: MONEY,
    Kind.INTEGER: sa.BigInteger(),
}
#: Kinds whose raw text is kept beside the cleaned value when cleaning fails.
RAW_KEPT = (Kind.EMAIL, Kind.PHONE)


def _record_columns(spec: FileSpec) -> list[sa.Column]:
    columns: list[sa.Column] = [sa.Column("group_id", sa.String(64), primary_key=True)]
    for col in spec.columns:
        is_key = col.name in spec.key
        columns.append(sa.Column(col.name, _SQL_TYPES.get(col.kind, sa.Text()),
                                 primary_key=is_key, nullable=not (is_key or col.required)))
        if col.kind in RAW_KEPT:
            columns.append(sa.Column(f"{col.name}_raw", sa.Text()))
    columns.append(sa.Column("extra", sa.JSON(none_as_null=True)))
    return columns


groups = sa.Table(
    "groups", metadata,
    sa.Column("group_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text()),
    sa.Column("created_at", sa.DateTime(), nullable=False),
)

rooftops = sa.Table("rooftops", metadata, *_record_columns(ROOFTOPS),
                    sa.Column("is_bare", sa.Boolean(), nullable=False, default=False))

customers = sa.Table(
    "customers", metadata, *_record_columns(CUSTOMERS),
    sa.Column("first_name_key", sa.Text()),
    sa.Column("last_name_key", sa.Text()),
    sa.Column("street_key", sa.Text()),
    sa.Column("person_id", sa.Text()),
    sa.Column("household_id", sa.Text()),
    sa.Index(None, "group_id", "email"),
    sa.Index(None, "group_id", "person_id"),
    sa.Index(None, "group_id", "household_id"),
    sa.Index(None, "group_id", "rooftop_id"),
)

#: Every version of a customer's address, contact data and consent.
TRACKED_CUSTOMER_FIELDS = (
    "address_line1", "address_line2", "city", "region", "postal_code", "country",
    "email", "mobile_phone", "home_phone",
    "email_consent", "sms_consent", "mail_consent", "do_not_contact", "deceased",
)
customer_versions = sa.Table(
    "customer_versions", metadata,
    sa.Column("version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
              primary_key=True, autoincrement=True),
    sa.Column("group_id", sa.String(64), nullable=False),
    sa.Column("rooftop_id", sa.Text(), nullable=False),
    sa.Column("customer_id", sa.Text(), nullable=False),
    sa.Column("effective_at", sa.DateTime(), nullable=False),
    sa.Column("import_id", sa.BigInteger(), nullable=False),
    sa.Column("changed", sa.Text(), nullable=False),
    *[sa.Column(name, sa.Text()) for name in TRACKED_CUSTOMER_FIELDS],
    sa.Index(None, "group_id", "rooftop_id", "customer_id"),
)

vehicles = sa.Table("vehicles", metadata, *_record_columns(VEHICLES),
                    sa.Column("is_bare", sa.Boolean(), nullable=False, default=False))
deals = sa.Table("deals", metadata, *_record_columns(DEALS),
                 sa.Index(None, "group_id", "vin"), sa.Index(None, "group_id", "rooftop_id"))
repair_orders = sa.Table("repair_orders", metadata, *_record_columns(REPAIR_ORDERS),
                         sa.Index(None, "group_id", "vin"),
                         sa.Index(None, "group_id", "rooftop_id"))
ro_lines = sa.Table("ro_lines", metadata, *_record_columns(RO_LINES))
leads = sa.Table("leads", metadata, *_record_columns(LEADS),
                 sa.Index(None, "group_id", "rooftop_id"))
valuations = sa.Table(
    "valuations", metadata,
    sa.Column("valuation_key", sa.Text(), primary_key=True),
    *_record_columns(VALUATIONS),
)

imports = sa.Table(
    "imports", metadata,
    sa.Column("import_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
              primary_key=True, autoincrement=True),
    sa.Column("group_id", sa.String(64), nullable=False, index=True),
    sa.Column("source", sa.Text(), nullable=False),
    sa.Column("profile", sa.Text(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("message", sa.Text()),
    sa.Column("started_at", sa.DateTime(), nullable=False),
    sa.Column("finished_at", sa.DateTime()),
    sa.Column("duration_s", sa.Float()),
    sa.Column("files", sa.JSON()),
    sa.Column("warnings", sa.Integer(), nullable=False, default=0),
    sa.Column("rejected", sa.Integer(), nullable=False, default=0),
)

#: Rejected rows and warnings of an import, each naming file, row and column.
import_issues = sa.Table(
    "import_issues", metadata,
    sa.Column("issue_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
              primary_key=True, autoincrement=True),
    sa.Column("import_id", sa.BigInteger(), nullable=False, index=True),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("file", sa.Text(), nullable=False),
    sa.Column("row", sa.BigInteger()),
    sa.Column("column", sa.Text()),
    sa.Column("value", sa.Text()),
    sa.Column("reason", sa.Text(), nullable=False),
    #: a rejected row as it stood in the file (CSV text)
    sa.Column("record", sa.Text()),
)

RECORD_TABLES: dict[str, sa.Table] = {
    "rooftops.csv": rooftops,
    "customers.csv": customers,
    "vehicles.csv": vehicles,
    "deals.csv": deals,
    "repair_orders.csv": repair_orders,
    "ro_lines.csv": ro_lines,
    "leads.csv": leads,
    "valuations.csv": valuations,
}

#: A group's rule settings (JSON of what it changes from the defaults).
group_config = sa.Table(
    "group_config", metadata,
    sa.Column("group_id", sa.String(64), primary_key=True),
    sa.Column("settings", sa.JSON(), nullable=False),
    sa.Column("updated_at", sa.DateTime(), nullable=False),
)

#: One row per segment run (group, as-of date); a re-run of a date replaces it.
segment_runs = sa.Table(
    "segment_runs", metadata,
    sa.Column("group_id", sa.String(64), primary_key=True),
    sa.Column("as_of", sa.Date(), primary_key=True),
    sa.Column("engine", sa.String(16), nullable=False),
    sa.Column("started_at", sa.DateTime(), nullable=False),
    sa.Column("duration_s", sa.Float(), nullable=False),
    sa.Column("opportunities", sa.BigInteger(), nullable=False),
    sa.Column("previous_as_of", sa.Date()),
    sa.Column("config", sa.JSON(), nullable=False),
    #: every feature column of the run, in order (the JSON of an opportunity keeps only
    #: its features that are not null and have no column of their own)
    sa.Column("feature_columns", sa.JSON()),
    #: where the run keeps every opportunity's features (a Parquet file, sorted by VIN),
    #: when not as JSON in ``opportunity_segments.features`` (then null)
    sa.Column("features_file", sa.Text()),
)

#: Every opportunity of a run with its segments and the features the export shows.
opportunity_segments = sa.Table(
    "opportunity_segments", metadata,
    sa.Column("group_id", sa.String(64), primary_key=True),
    sa.Column("as_of", sa.Date(), primary_key=True),
    sa.Column("vin", sa.Text(), primary_key=True),
    sa.Column("rooftop_id", sa.Text(), nullable=False),
    sa.Column("customer_id", sa.Text(), nullable=False),
    sa.Column("person_id", sa.Text()),
    sa.Column("household_id", sa.Text()),
    sa.Column("sales_segment", sa.String(32), nullable=False),
    sa.Column("sales_flags", sa.Text(), nullable=False),
    sa.Column("service_segment", sa.String(32), nullable=False),
    sa.Column("service_flags", sa.Text(), nullable=False),
    sa.Column("deal_type", sa.String(16)),
    sa.Column("payments_remaining", sa.BigInteger()),
    sa.Column("payoff", sa.Float()),
    sa.Column("equity", sa.Float()),
    sa.Column("lease_maturity_date", sa.Date()),
    sa.Column("projected_odometer_at_maturity", sa.BigInteger()),
    sa.Column("lease_allowance", sa.Float()),
    sa.Column("coverage_end_date", sa.Date()),
    sa.Column("cpro_12m", sa.BigInteger()),
    sa.Column("last_visit_date", sa.Date()),
    #: the opportunity's other features that are not null, as JSON text (null when the
    #: run keeps them in its ``features_file``)
    sa.Column("features", sa.Text()),
    sa.Index(None, "group_id", "as_of", "rooftop_id", "sales_segment"),
    sa.Index(None, "group_id", "as_of", "rooftop_id", "service_segment"),
)

#: Opportunities that entered or left a segment (any flag) since the previous run.
segment_movements = sa.Table(
    "segment_movements", metadata,
    sa.Column("group_id", sa.String(64), primary_key=True),
    sa.Column("as_of", sa.Date(), primary_key=True),
    sa.Column("vin", sa.Text(), primary_key=True),
    sa.Column("kind", sa.String(8), primary_key=True),
    sa.Column("segment_id", sa.String(32), primary_key=True),
    sa.Column("movement", sa.String(8), nullable=False),
    sa.Column("rooftop_id", sa.Text(), nullable=False),
    sa.Column("previous_as_of", sa.Date(), nullable=False),
    sa.Index(None, "group_id", "as_of", "rooftop_id"),
)
