"""Where generated rows go: the base folder, or the delta folder of the day they happened.

The base folder holds the history up to the cutoff day (the as-of date minus the number
of deltas); each later day has a folder ``delta-YYYY-MM-DD`` with only that day's
rows. A record that changes after it was first written (an RO that closes, a lead that
moves down the funnel, a customer who moves) is written again, complete, in the
folder of the day it changed; where it first appears, the cells it did not know yet
are empty.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import IO, Any

#: the columns of each file, in the order the generator builds its rows (the canonical
#: format's columns, plus an unknown one that DMS exports often carry: loyalty_tier)
HEADERS: dict[str, tuple[str, ...]] = {
    "rooftops.csv": (
        "rooftop_id", "name", "address_line1", "city", "region", "postal_code", "country",
        "timezone", "distance_unit", "market_area_postal_codes", "market_area_radius",
        "consent_regime"),
    "customers.csv": (
        "customer_id", "rooftop_id", "customer_type", "first_name", "last_name",
        "company_name", "email", "mobile_phone", "home_phone", "address_line1",
        "address_line2", "city", "region", "postal_code", "country", "birth_date",
        "email_consent", "sms_consent", "mail_consent", "do_not_contact", "deceased",
        "loyalty_tier", "updated_at"),
    "vehicles.csv": (
        "vin", "year", "make", "model", "trim", "body_type", "fuel_type", "in_service_date",
        "msrp"),
    "deals.csv": (
        "deal_id", "rooftop_id", "customer_id", "vin", "deal_date", "deal_type",
        "vehicle_condition", "sale_price", "amount_financed", "apr", "term_months",
        "first_payment_date", "monthly_payment", "residual_value", "annual_miles", "odometer",
        "trade_in_vin", "service_contract_months", "service_contract_miles",
        "maintenance_plan_months", "maintenance_plan_miles", "salesperson", "status"),
    "repair_orders.csv": (
        "ro_number", "rooftop_id", "customer_id", "vin", "open_date", "close_date", "odometer",
        "advisor", "customer_pay_total", "warranty_total", "internal_total", "department"),
    "ro_lines.csv": (
        "ro_number", "rooftop_id", "line_no", "op_code", "description", "labor_type",
        "labor_amount", "parts_amount", "declined", "recall"),
    "leads.csv": (
        "lead_id", "rooftop_id", "created_at", "source", "customer_id", "first_name",
        "last_name", "email", "phone", "assigned_to", "first_contact_at", "appointment_at",
        "showed_at", "sold_at", "vehicle_of_interest"),
    "valuations.csv": ("vin", "year", "make", "model", "trim", "value", "as_of"),
}
FILE_NAMES: tuple[str, ...] = tuple(HEADERS)
#: the most delta files open at once (a run with many deltas reopens them as needed)
OPEN_FILES_LIMIT = 96


def _open_writer(path: Path, *, mode: str) -> tuple[IO[str], Any]:
    handle = open(path, mode, encoding="utf-8", newline="")  # noqa: SIM115 - closed by close()
    return handle, csv.writer(handle, lineterminator="\n")


class GroupOutput:
    """CSV writers for the base folder and each delta folder, with row counts."""

    def __init__(self, out_dir: Path, *, cutoff: int, last_day: int) -> None:
        self.cutoff = cutoff
        self.last_day = last_day
        self.folders = [out_dir] + [
            out_dir / f"delta-{date.fromordinal(day).isoformat()}"
            for day in range(cutoff + 1, last_day + 1)]
        self.rows = dict.fromkeys(FILE_NAMES, 0)
        self._handles: list[IO[str]] = []
        self._base: dict[str, Any] = {}
        self._delta: dict[tuple[int, str], Any] = {}
        self._delta_handles: list[IO[str]] = []
        self._create_files()

    def _create_files(self) -> None:
        for n, folder in enumerate(self.folders):
            folder.mkdir(parents=True, exist_ok=True)
            for name in FILE_NAMES:
                handle, writer = _open_writer(folder / name, mode="w")
                writer.writerow(HEADERS[name])
                if n == 0:
                    self._handles.append(handle)
                    self._base[name] = writer
                else:
                    handle.close()

    def folder_of(self, day: int) -> int:
        """0 for the base folder, k for the k-th delta folder."""
        return 0 if day <= self.cutoff else day - self.cutoff

    def write(self, name: str, day: int, row: list[str]) -> None:
        """A row that happened on ``day`` (never after the as-of date)."""
        if day <= self.cutoff:
            self._base[name].writerow(row)
        else:
            self._delta_writer(day - self.cutoff, name).writerow(row)
        self.rows[name] += 1

    def write_growing(self, name: str, row: list[str], *, day: int,
                      later: list[tuple[int, int]]) -> None:
        """A row whose cells ``later`` = [(column, day known)] fill in after ``day``.

        It is written in its first folder with what was known by that folder's last
        day, and again in every later folder in which one of those cells became known.
        """
        if any(known > self.last_day for _, known in later):
            row = row.copy()
            for col, known in later:
                if known > self.last_day:
                    row[col] = ""
            later = [(col, known) for col, known in later if known <= self.last_day]
        first = self.folder_of(day)
        last_known = max((known for _, known in later), default=day)
        if self.folder_of(last_known) == first:
            self.write(name, day, row)
            return
        folders = sorted({first} | {self.folder_of(known) for _, known in later})
        for folder in folders:
            until = self.cutoff + folder
            shown = [("" if known > until else row[col]) for col, known in later]
            snapshot = row.copy()
            for (col, _), value in zip(later, shown, strict=True):
                snapshot[col] = value
            self.write(name, until if folder else day, snapshot)

    def _delta_writer(self, folder: int, name: str) -> Any:
        writer = self._delta.get((folder, name))
        if writer is None:
            if len(self._delta) >= OPEN_FILES_LIMIT:
                self._close_deltas()
            handle, writer = _open_writer(self.folders[folder] / name, mode="a")
            self._delta[(folder, name)] = writer
            self._delta_handles.append(handle)
        return writer

    def _close_deltas(self) -> None:
        for handle in self._delta_handles:
            handle.close()
        self._delta_handles = []
        self._delta = {}

    def close(self) -> None:
        self._close_deltas()
        for handle in self._handles:
            handle.close()
