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
import io
from datetime import date
from pathlib import Path
from typing import IO

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


def encode(row: list[str]) -> str:
    """One CSV line exactly as ``csv.writer`` (minimal quoting, "\\n") writes it, faster.

    Most rows hold no comma, quote or line break inside a cell: joining them is enough.
    """
    line = ",".join(row)
    if line.count(",") == len(row) - 1 and '"' not in line and "\n" not in line \
            and "\r" not in line:
        return line + "\n"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    return buffer.getvalue()


def _open(path: Path, *, mode: str) -> IO[str]:
    return open(path, mode, encoding="utf-8", newline="")  # noqa: SIM115 - closed by close()


class GroupOutput:
    """The files of the base folder and of each delta folder, with row counts.

    Rows for the base folder wait in memory until ``flush`` (the generator flushes every
    thousand customers or so), then go to disk in one write per file.
    """

    def __init__(self, out_dir: Path, *, cutoff: int, last_day: int) -> None:
        self.cutoff = cutoff
        self.last_day = last_day
        self.folders = [out_dir] + [
            out_dir / f"delta-{date.fromordinal(day).isoformat()}"
            for day in range(cutoff + 1, last_day + 1)]
        self.rows = dict.fromkeys(FILE_NAMES, 0)
        self._base: dict[str, IO[str]] = {}
        self._pending: dict[str, list[str]] = {name: [] for name in FILE_NAMES}
        self._deltas: dict[tuple[int, str], IO[str]] = {}
        self._create_files()

    def _create_files(self) -> None:
        for n, folder in enumerate(self.folders):
            folder.mkdir(parents=True, exist_ok=True)
            for name in FILE_NAMES:
                handle = _open(folder / name, mode="w")
                handle.write(encode(list(HEADERS[name])))
                if n == 0:
                    self._base[name] = handle
                else:
                    handle.close()

    def folder_of(self, day: int) -> int:
        """0 for the base folder, k for the k-th delta folder."""
        return 0 if day <= self.cutoff else day - self.cutoff

    def write(self, name: str, day: int, row: list[str]) -> None:
        """A row that happened on ``day`` (never after the as-of date)."""
        if day <= self.cutoff:
            self._pending[name].append(encode(row))
        else:
            self._delta_file(day - self.cutoff, name).write(encode(row))
            self.rows[name] += 1

    def write_many(self, name: str, day: int, rows: list[list[str]]) -> None:
        if day <= self.cutoff:
            self._pending[name].extend(map(encode, rows))
        else:
            self._delta_file(day - self.cutoff, name).write("".join(map(encode, rows)))
            self.rows[name] += len(rows)

    def write_encoded(self, name: str, day: int, lines: list[str]) -> None:
        """Rows already encoded as CSV lines (see ``encode``)."""
        if day <= self.cutoff:
            self._pending[name].extend(lines)
        else:
            self._delta_file(day - self.cutoff, name).write("".join(lines))
            self.rows[name] += len(lines)

    def flush(self) -> None:
        """Write the base folder's waiting rows."""
        for name, lines in self._pending.items():
            if lines:
                self._base[name].write("".join(lines))
                self.rows[name] += len(lines)
                lines.clear()

    def write_growing(self, name: str, row: list[str], *, day: int,
                      later: list[tuple[int, int]]) -> None:
        """A row whose cells ``later`` = [(column, day known)] fill in after ``day``.

        It is written in its first folder with what was known by that folder's last
        day, and again in every later folder in which one of those cells became known.
        Cells known only after the as-of date stay empty.
        """
        cutoff = self.cutoff
        if day <= cutoff:
            for _, known in later:
                if known > cutoff:
                    break
            else:
                self._pending[name].append(encode(row))
                return
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
        for folder in sorted({first} | {self.folder_of(known) for _, known in later}):
            until = self.cutoff + folder
            snapshot = row.copy()
            for col, known in later:
                if known > until:
                    snapshot[col] = ""
            self.write(name, until if folder else day, snapshot)

    def _delta_file(self, folder: int, name: str) -> IO[str]:
        handle = self._deltas.get((folder, name))
        if handle is None:
            if len(self._deltas) >= OPEN_FILES_LIMIT:
                self._close_deltas()
            handle = self._deltas[(folder, name)] = _open(self.folders[folder] / name,
                                                          mode="a")
        return handle

    def _close_deltas(self) -> None:
        for handle in self._deltas.values():
            handle.close()
        self._deltas = {}

    def close(self) -> None:
        self.flush()
        self._close_deltas()
        for handle in self._base.values():
            handle.close()
