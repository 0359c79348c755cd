"""The JSON API's response models (pydantic v2); they document ``/api/openapi.json``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["rejected", "warning"]


class _FromRecord(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Group(_FromRecord):
    group_id: str
    name: str | None
    created_at: datetime


class GroupCounts(_FromRecord):
    """Record counts of a group; persons and households are distinct identities."""

    customers: int
    persons: int
    households: int
    vehicles: int
    deals: int
    repair_orders: int
    ro_lines: int
    leads: int


class Rooftop(_FromRecord):
    rooftop_id: str
    name: str | None
    address_line1: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None
    timezone: str | None
    distance_unit: str | None
    market_area_postal_codes: str | None
    market_area_radius: float | None
    consent_regime: str | None
    is_bare: bool = Field(description="Known only from other files' references.")
    customers: int
    deals: int
    repair_orders: int
    leads: int


class GroupOverview(Group):
    counts: GroupCounts
    rooftops: list[Rooftop]


class FileCounts(_FromRecord):
    read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int


class ImportRun(_FromRecord):
    import_id: int
    group_id: str
    source: str
    profile: str
    status: Literal["completed", "refused"]
    message: str | None = Field(description="Why a refused import was refused.")
    started_at: datetime
    finished_at: datetime | None
    duration_s: float | None
    warnings: int
    rejected: int
    files: dict[str, FileCounts] = Field(description="Counts per file of the import.")


class Issue(_FromRecord):
    severity: Severity
    file: str
    row: int | None = Field(description="Row number as a spreadsheet shows it (header = 1).")
    column: str | None
    value: str | None
    reason: str


class IssuePage(BaseModel):
    import_id: int
    severity: Severity | None
    total: int = Field(description="Issues of this severity (all, when none given).")
    limit: int
    offset: int
    items: list[Issue]


class Problem(BaseModel):
    detail: str
