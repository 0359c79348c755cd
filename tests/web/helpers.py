"""Data of the web tests: a small canonical import, and rows written directly.

The real import goes through ``import_path`` like a user's would; the seeding helpers
write rows directly, for shapes an import cannot easily make (many groups, many issues).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import uvicorn

from dealerreach.clock import FixedClock
from dealerreach.storage import schema

CLOCK = FixedClock(datetime(2026, 11, 1))
#: enough customers that their count needs a thousands separator
CUSTOMERS = 1_200
BAD_BIRTH_DATE = "1985-13-45"
#: customer C0005's email: kept as raw text, with a warning
BAD_EMAIL = "pat5(at)example.com"
#: the customer row (header = row 1) that carries the bad birth date
BAD_ROW = CUSTOMERS + 2

ROOFTOPS = """\
rooftop_id,name,city,region,country,timezone,distance_unit,consent_regime
R1,Lakeside Toyota,Springfield,IL,US,America/Chicago,mi,opt_out
R2,Lakeside Honda,Decatur,IL,US,America/Chicago,mi,opt_out
"""
VEHICLES = """\
vin,year,make,model
1HGCM82633A004352,2003,Honda,Accord
"""
DEALS = """\
deal_id,rooftop_id,customer_id,vin,deal_date,deal_type,apr,term_months,amount_financed
D1,R1,C0001,1HGCM82633A004352,2024-01-15,finance,6.9,60,25000.00
D2,R2,C0003,1HGCM82633A004352,2025-06-01,cash,,,
D3,R1,NOBODY,1HGCM82633A004352,2025-07-01,cash,,,
"""
REPAIR_ORDERS = """\
ro_number,rooftop_id,customer_id,vin,open_date,odometer,customer_pay_total
RO1,R1,C0001,1HGCM82633A004352,2025-03-01,41000,129.95
RO2,R2,C0003,1HGCM82633A004352,2026-02-01,52000,89.00
"""
RO_LINES = """\
ro_number,rooftop_id,line_no,op_code,description,labor_type,declined
RO1,R1,1,LOF,Oil change,C,no
RO1,R1,2,BRK,Front brake pads,C,yes
RO2,R2,1,TIRE,Tire rotation,C,no
"""
LEADS = """\
lead_id,rooftop_id,created_at,source,customer_id,first_name,last_name
L1,R1,2026-10-20T14:30:00,Website,C0001,Pat1,Lee1
"""


def _customers() -> str:
    """Customers two to a household (same street and postal code), each their own person;
    one with an unusable email (a warning) and one with a bad birth date (rejected)."""
    lines = ["customer_id,rooftop_id,first_name,last_name,email,address_line1,postal_code,"
             "birth_date"]
    for i in range(1, CUSTOMERS + 1):
        rooftop = "R1" if i % 3 else "R2"
        email = BAD_EMAIL if i == 5 else f"pat{i}@example.com"
        lines.append(f"C{i:04d},{rooftop},Pat{i},Lee{i},{email},"
                     f"{(i + 1) // 2} Elm St,6270{(i + 1) // 2 % 10},1980-01-01")
    lines.append(f"C9999,R1,Bad,Date,bad@example.com,1 Oak St,62701,{BAD_BIRTH_DATE}")
    return "\n".join(lines) + "\n"


def canonical_files() -> dict[str, str]:
    return {
        "rooftops.csv": ROOFTOPS, "customers.csv": _customers(), "vehicles.csv": VEHICLES,
        "deals.csv": DEALS, "repair_orders.csv": REPAIR_ORDERS, "ro_lines.csv": RO_LINES,
        "leads.csv": LEADS,
    }


def run_import(engine: sa.Engine, path: Path, *, group_id: str = "g1") -> Any:
    from dealerreach.ingest.run import import_path

    return import_path(engine, path, group_id=group_id, profile="canonical", clock=CLOCK)


# -- rows written directly -----------------------------------------------------------

def add_group(conn: sa.Connection, group_id: str, name: str | None = None) -> None:
    conn.execute(sa.insert(schema.groups).values(
        group_id=group_id, name=name, created_at=CLOCK.now()))


def add_rows(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]],
             **common: Any) -> None:
    conn.execute(sa.insert(table), [{**common, **row} for row in rows])


def add_import(conn: sa.Connection, group_id: str, *, hours: int = 0,
               **values: Any) -> int:
    """An import row started ``hours`` after the clock; completed unless told."""
    started = CLOCK.now() + timedelta(hours=hours)
    row = {"group_id": group_id, "source": f"exports/{group_id}-{hours}", "profile": "canonical",
           "status": "completed", "started_at": started, "finished_at": started,
           "duration_s": 1.5, "files": {}, "warnings": 0, "rejected": 0, **values}
    return int(conn.execute(sa.insert(schema.imports).values(**row)
                            .returning(schema.imports.c.import_id)).scalar_one())


def add_issues(conn: sa.Connection, import_id: int, severity: str, count: int, *,
               first_row: int = 2, file: str = "customers.csv", column: str = "email",
               reason: str = "not a valid email address", value: str | None = None) -> None:
    add_rows(conn, schema.import_issues, [
        {"row": first_row + i, "value": value or f"v{first_row + i}"} for i in range(count)
    ], import_id=import_id, severity=severity, file=file, column=column, reason=reason)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() == "true"


@contextmanager
def serving(engine: sa.Engine) -> Iterator[str]:
    """The app on a free loopback port, served by uvicorn in a background thread."""
    from dealerreach.web.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(engine=engine), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
