"""A group's rule settings: every number of PRODUCT.md's default rules, overridable per group.

The defaults are PRODUCT.md's. A group's configuration is stored as JSON in the record
store (``group_config``) and holds only what it changes; ``RuleConfig.model_validate``
fills in the rest and refuses unknown names and impossible values with a clear message.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MakeTermSetting(BaseModel):
    """Coverage for one make: years from the start date and miles from 0 ("*" = any make)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    make: str
    years: int = Field(ge=0)
    miles: int = Field(ge=0)


def _basic_warranty() -> list[MakeTermSetting]:
    terms = [(3, 36_000, ("Toyota", "Lexus", "Honda", "Nissan", "Subaru", "Ford",
                          "Chevrolet", "GMC", "Ram", "Jeep")),
             (4, 50_000, ("BMW", "Mercedes-Benz", "Audi", "Volkswagen", "Tesla")),
             (5, 60_000, ("Hyundai", "Kia")),
             (3, 36_000, ("*",))]
    return [MakeTermSetting(make=m, years=y, miles=mi) for y, mi, makes in terms for m in makes]


def _maintenance_plans() -> list[MakeTermSetting]:
    return [MakeTermSetting(make="Toyota", years=2, miles=25_000)]


class RuleConfig(BaseModel):
    """Every default rule number; a group's configuration overrides any of them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # mileage
    default_annual_miles: int = Field(
        12_000, ge=0, description="annual distance when readings are too few (mi rooftops)")
    default_annual_km: int = Field(
        20_000, ge=0, description="annual distance when readings are too few (km rooftops)")
    min_reading_span_days: int = Field(
        30, ge=1, description="readings must span this many days to give a rate")
    # sales segments
    finance_upgrade_min_equity: float = Field(0.0, description="Finance Upgrade: equity above this")
    lease_upgrade_months: int = Field(
        6, ge=0, description="Lease Upgrade: maturity within [D, D + N months]")
    lease_overage_max_payments_remaining: int = Field(
        12, ge=0, description="Lease Overage: payments remaining at most N")
    high_apr_percent: float = Field(9.0, ge=0, description="High APR: APR at least this")
    warranty_alert_days: int = Field(
        90, ge=0, description="Warranty Alert: coverage ends within [D, D + N days]")
    service_conquest_min_visits: int = Field(
        2, ge=1, description="Service Conquest: at least N visits")
    service_conquest_months: int = Field(
        12, ge=1, description="Service Conquest: visits in the last N months")
    sales_segment_order: list[str] = Field(
        default_factory=lambda: ["finance_upgrade", "lease_upgrade", "lease_overage", "high_apr",
                                 "warranty_alert", "service_conquest"],
        description="sales segments in precedence order; one left out is disabled")
    # service segments
    retained_recent_months: int = Field(
        12, ge=1, description="Retained: latest CPRO in the last N months")
    retained_window_months: int = Field(
        24, ge=1, description="Retained: both CPROs in the last N months")
    multi_rooftop_months: int = Field(
        24, ge=1, description="Multi-Rooftop Visit: CPROs in the last N months")
    multi_rooftop_min_cpros: int = Field(
        2, ge=1, description="Multi-Rooftop Visit: at least N CPROs")
    capture_months: int = Field(
        12, ge=1, description="Capture: a CPRO at this rooftop in the last N months")
    single_visit_months: int = Field(
        12, ge=1, description="Single Visit: one CPRO in the last N months")
    warranty_only_months: int = Field(
        12, ge=1, description="Warranty Only: warranty ROs in the last N months")
    new_to_market_days: int = Field(
        90, ge=1, description="New to Market Area: moved in the last N days")
    at_risk_months: tuple[int, int] = Field(
        (9, 12), description="At Risk: last visit in (D - b months, D - a months]")
    lapsed_months: tuple[int, int] = Field(
        (12, 24), description="Lapsed: last visit in (D - b months, D - a months]")
    lost_months: int = Field(24, ge=1, description="Lost: last visit on or before D - N months")
    service_segment_order: list[str] = Field(
        default_factory=lambda: ["retained", "multi_rooftop_visit", "capture", "single_visit",
                                 "warranty_only", "prepaid_maintenance", "new_to_market_area",
                                 "at_risk", "lapsed", "lost"],
        description="service segments in precedence order; one left out is disabled")
    # coverages (shipped tables in miles; converted for km rooftops)
    basic_warranty: list[MakeTermSetting] = Field(default_factory=_basic_warranty)
    maintenance_plans: list[MakeTermSetting] = Field(default_factory=_maintenance_plans)
    # next service due (from the last maintenance; km rooftops convert the miles)
    service_interval_months: int = Field(
        6, ge=1, description="next service due: months after the last maintenance")
    service_interval_miles: int = Field(
        5_000, ge=1, description="next service due: miles after the last maintenance")
    # service windows and RFM
    cpro_short_months: int = Field(12, ge=1, description="cpro_12m window")
    cpro_long_months: int = Field(24, ge=1, description="cpro_24m window")
    rfm_months: int = Field(24, ge=1, description="RFM window")
    # depreciation model for a VIN without valuations (share of MSRP kept per year of age)
    depreciation_first_year: float = Field(
        0.80, gt=0, le=1, description="value kept after the first year")
    depreciation_later_years: float = Field(
        0.85, gt=0, le=1, description="value kept after each later year")
    # custom segments (rules as data; see segments.custom)
    custom_segments: list[dict] = Field(default_factory=list)
