"""The canonical import, as FORMAT.md words it — on SQLite and PostgreSQL."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from dealerreach.clock import FixedClock
from dealerreach.ingest.run import import_path
from dealerreach.storage import schema
from dealerreach.storage.overview import group_counts

CLOCK = FixedClock(datetime(2026, 11, 1, 6, 0))

ROOFTOPS = """
    rooftop_id,name,country,timezone,distance_unit,consent_regime
    R1,Lakeside Toyota,US,America/Chicago,mi,opt_out
    R2,Autohaus Berg,DE,Europe/Berlin,km,opt_in
"""
CUSTOMERS = """
    customer_id,rooftop_id,first_name,last_name,email,mobile_phone,address_line1,postal_code,email_consent,updated_at,loyalty_tier
    C1,R1,Ann,O'Brien, Ann@Example.COM ,(312) 555-0101,1 Main St.,60601,yes,2026-01-02T10:00:00,gold
    C2,R1,Bob,Smith,bob@example.com,312.555.0102,2 Oak Ave,60602,no,,
"""
VEHICLES = """
    vin,year,make,model
    1HGCM82633A004352,2003,Honda,Accord
"""
DEALS = """
    deal_id,rooftop_id,customer_id,vin,deal_date,deal_type,apr,term_months,amount_financed
    D1,R1,C1,1HGCM82633A004352,2024-01-15,finance,6.9,60,25000.00
"""
ROS = """
    ro_number,rooftop_id,customer_id,vin,open_date,odometer,customer_pay_total
    RO1,R1,C1,1HGCM82633A004352,2025-03-01,41000,129.95
"""
LINES = """
    ro_number,rooftop_id,line_no,op_code,description,labor_type,declined
    RO1,R1,1,LOF,Oil change,C,no
"""


def _base(folder) -> Path:  # type: ignore[no-untyped-def]
    return folder("base", {"rooftops.csv": ROOFTOPS, "customers.csv": CUSTOMERS,
                           "vehicles.csv": VEHICLES, "deals.csv": DEALS,
                           "repair_orders.csv": ROS, "ro_lines.csv": LINES})


def _rows(engine: sa.Engine, table: sa.Table, **where: object) -> list[dict]:
    with engine.connect() as conn:
        stmt = sa.select(table).where(*(table.c[k] == v for k, v in where.items()))
        return [dict(r) for r in conn.execute(stmt).mappings()]


def _snapshot(engine: sa.Engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {name: sorted(map(tuple, conn.execute(sa.select(t)).all()), key=repr)
                for name, t in schema.RECORD_TABLES.items()}


def test_import_reports_inserted_rows_per_file(engine, folder):
    report = import_path(engine, _base(folder), group_id="g1", clock=CLOCK)
    assert report.status == "completed"
    assert {n: c.inserted for n, c in report.files.items()} == {
        "rooftops.csv": 2, "customers.csv": 2, "vehicles.csv": 1, "deals.csv": 1,
        "repair_orders.csv": 1, "ro_lines.csv": 1}
    assert report.rejected == 0


def test_importing_the_same_folder_twice_changes_nothing_and_says_so(engine, folder):
    path = _base(folder)
    import_path(engine, path, group_id="g1", clock=CLOCK)
    before = _snapshot(engine)
    again = import_path(engine, path, group_id="g1", clock=CLOCK)
    assert again.changed_nothing
    assert all(c.unchanged == c.read and c.read > 0 for c in again.files.values())
    assert _snapshot(engine) == before


def test_values_are_stored_cleaned_and_typed(engine, folder):
    import_path(engine, _base(folder), group_id="g1", clock=CLOCK)
    c1 = _rows(engine, schema.customers, customer_id="C1")[0]
    assert c1["email"] == "ann@example.com"
    assert c1["mobile_phone"] == "+13125550101"
    assert c1["postal_code"] == "60601"
    assert c1["customer_type"] == "individual"
    assert c1["extra"] == {"loyalty_tier": "gold"}
    deal = _rows(engine, schema.deals, deal_id="D1")[0]
    assert deal["deal_date"] == date(2024, 1, 15)
    assert deal["apr"] == Decimal("6.9")
    assert deal["term_months"] == 60
    assert deal["status"] == "booked"
    ro = _rows(engine, schema.repair_orders, ro_number="RO1")[0]
    assert ro["department"] == "service"


def test_bad_row_is_rejected_alone_naming_file_row_column_value_and_reason(engine, folder):
    path = folder("bad", {"customers.csv": """
        customer_id,rooftop_id,birth_date,email_consent
        C1,R1,1980-02-30,yes
        C2,R1,1981-05-06,maybe
        C3,R1,1982-07-08,no
    """})
    report = import_path(engine, path, group_id="g1", clock=CLOCK)
    assert report.status == "completed"
    counts = report.files["customers.csv"]
    assert (counts.read, counts.inserted, counts.rejected) == (3, 1, 2)
    rejected = [(i.file, i.row, i.column, i.value) for i in report.issues
                if i.severity == "rejected"]
    assert rejected == [("customers.csv", 2, "birth_date", "1980-02-30"),
                        ("customers.csv", 3, "email_consent", "maybe")]
    assert all(i.reason for i in report.issues)
    assert [r["customer_id"] for r in _rows(engine, schema.customers)] == ["C3"]


def test_rejected_rows_are_kept_with_the_import(engine, folder):
    path = folder("bad", {"customers.csv": "customer_id,rooftop_id,birth_date\nC1,R1,x\n"})
    report = import_path(engine, path, group_id="g1", clock=CLOCK)
    stored = _rows(engine, schema.import_issues, import_id=report.import_id)
    assert [(r["file"], r["row"], r["column"], r["value"]) for r in stored] == [
        ("customers.csv", 2, "birth_date", "x")]


def test_missing_required_column_refuses_the_import_and_changes_nothing(engine, folder):
    import_path(engine, _base(folder), group_id="g1", clock=CLOCK)
    before = _snapshot(engine)
    path = folder("broken", {"customers.csv": CUSTOMERS,
                             "deals.csv": "deal_id,rooftop_id,customer_id,vin,deal_date\n"
                                          "D9,R1,C1,1HGCM82633A004352,2024-01-15\n"})
    report = import_path(engine, path, group_id="g1", clock=CLOCK)
    assert report.status == "refused"
    assert report.message == "deals.csv: required column missing: deal_type"
    assert _snapshot(engine) == before


def test_file_not_in_the_encoding_is_refused_and_changes_nothing(engine, folder):
    path = folder("latin", {"rooftops.csv": ROOFTOPS})
    (path / "customers.csv").write_bytes(
        "customer_id,rooftop_id,last_name\nC1,R1,M\u00fcller\n".encode("cp1252"))
    report = import_path(engine, path, group_id="g1", clock=CLOCK)
    assert report.status == "refused"
    assert report.message.startswith("customers.csv: not ")
    assert _snapshot(engine)["rooftops.csv"] == []


def test_error_late_in_a_file_rolls_back_everything_before_it(engine, folder):
    path = folder("late", {"rooftops.csv": ROOFTOPS})
    body = "".join(f"C{i},R1,Name{i}\n" for i in range(12000))
    (path / "customers.csv").write_bytes(
        b"customer_id,rooftop_id,last_name\n" + body.encode() + b"C_last,R1,M\xfcller\n")
    report = import_path(engine, path, group_id="g1", clock=CLOCK, batch_rows=1000)
    assert report.status == "refused"
    assert "customers.csv" in report.message
    snap = _snapshot(engine)
    assert snap["customers.csv"] == [] and snap["rooftops.csv"] == []


def test_no_customers_file_refuses_the_import(engine, folder):
    report = import_path(engine, folder("nocust", {"rooftops.csv": ROOFTOPS}),
                         group_id="g1", clock=CLOCK)
    assert report.status == "refused"
    assert "customers.csv" in report.message


def test_binary_file_named_csv_is_refused(engine, folder):
    path = folder("bin", {})
    (path / "customers.csv").write_bytes(b"PK\x03\x04\x00\x00binary")
    report = import_path(engine, path, group_id="g1", clock=CLOCK)
    assert report.status == "refused"
    assert report.message == "customers.csv: not a CSV text file (it holds binary data)"


def test_broken_zip_is_refused(engine, tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    report = import_path(engine, path, group_id="g1", clock=CLOCK)
    assert report.status == "refused"
    assert report.message.startswith("export.zip:")


def test_zip_of_a_folder_imports_like_the_folder(engine, folder, tmp_path):
    base = _base(folder)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in base.iterdir():
            zf.write(f, f"export/{f.name}")
    report = import_path(engine, archive, group_id="g1", clock=CLOCK)
    assert report.status == "completed"
    assert report.files["ro_lines.csv"].inserted == 1


def test_bom_and_any_column_order_are_accepted(engine, folder):
    path = folder("bom", {})
    (path / "customers.csv").write_bytes(
        "\ufeffrooftop_id,last_name,customer_id\nR1,Smith,C1\n".encode())
    report = import_path(engine, path, group_id="g1", clock=CLOCK)
    assert report.files["customers.csv"].inserted == 1
    assert _rows(engine, schema.customers)[0]["last_name"] == "Smith"


def test_absent_column_keeps_the_stored_value_and_empty_cell_makes_it_unknown(engine, folder):
    import_path(engine, _base(folder), group_id="g1", clock=CLOCK)
    delta = folder("delta", {"customers.csv": """
        customer_id,rooftop_id,email,loyalty_tier
        C1,R1,,
    """})
    report = import_path(engine, delta, group_id="g1", clock=CLOCK)
    assert report.files["customers.csv"].updated == 1
    c1 = _rows(engine, schema.customers, customer_id="C1")[0]
    assert c1["email"] is None
    assert c1["extra"] is None
    assert c1["mobile_phone"] == "+13125550101"
    assert c1["first_name"] == "Ann"


def test_row_whose_customer_is_in_neither_import_nor_store_is_rejected(engine, folder):
    path = folder("orphans", {
        "customers.csv": CUSTOMERS,
        "deals.csv": DEALS.replace("R1,C1,", "R1,C404,"),
        "repair_orders.csv": ROS,
        "ro_lines.csv": LINES + "    RO404,R1,1,LOF,Oil,C,no\n",
        "leads.csv": """
            lead_id,rooftop_id,created_at,source,customer_id
            L1,R1,2026-10-01T09:00:00,website,C1
            L2,R1,2026-10-01T09:00:00,website,C404
            L3,R1,2026-10-01T09:00:00,website,
        """,
    })
    report = import_path(engine, path, group_id="g1", clock=CLOCK)
    assert report.files["deals.csv"].rejected == 1
    assert report.files["ro_lines.csv"].rejected == 1
    assert report.files["leads.csv"].inserted == 2
    assert report.files["leads.csv"].rejected == 1
    reasons = {(i.file, i.column) for i in report.issues if i.severity == "rejected"}
    assert reasons == {("deals.csv", "customer_id"), ("ro_lines.csv", "ro_number"),
                       ("leads.csv", "customer_id")}


def test_customer_of_an_earlier_import_satisfies_a_later_reference(engine, folder):
    import_path(engine, folder("c", {"customers.csv": CUSTOMERS}), group_id="g1", clock=CLOCK)
    report = import_path(engine, folder("d", {"customers.csv": CUSTOMERS, "deals.csv": DEALS}),
                         group_id="g1", clock=CLOCK)
    assert report.files["deals.csv"].inserted == 1


def test_vin_not_in_vehicles_creates_a_bare_vehicle(engine, folder):
    path = folder("bare", {"customers.csv": CUSTOMERS,
                           "deals.csv": DEALS.replace("25000.00", "25000.00")})
    report = import_path(engine, path, group_id="g1", clock=CLOCK)
    assert report.bare_vehicles == 1
    vehicle = _rows(engine, schema.vehicles)[0]
    assert (vehicle["vin"], vehicle["is_bare"], vehicle["make"]) == (
        "1HGCM82633A004352", True, None)
    later = folder("veh", {"customers.csv": CUSTOMERS, "vehicles.csv": VEHICLES})
    import_path(engine, later, group_id="g1", clock=CLOCK)
    vehicle = _rows(engine, schema.vehicles)[0]
    assert (vehicle["is_bare"], vehicle["make"]) == (False, "Honda")


def test_vin_is_upper_cased_and_a_bad_check_digit_is_a_warning_not_a_rejection(engine, folder):
    path = folder("vins", {"customers.csv": CUSTOMERS, "vehicles.csv": """
        vin,make
        1hgcm82633a004352,Honda
        1HGCM82633A004353,Honda
    """})
    report = import_path(engine, path, group_id="g1", clock=CLOCK)
    assert report.files["vehicles.csv"].inserted == 2
    warnings = [(i.file, i.row, i.column) for i in report.issues
                if i.severity == "warning" and i.file == "vehicles.csv"]
    assert warnings == [("vehicles.csv", 3, "vin")]
    assert sorted(r["vin"] for r in _rows(engine, schema.vehicles)) == [
        "1HGCM82633A004352", "1HGCM82633A004353"]


def test_bad_email_and_phone_are_kept_raw_and_warned_not_rejected(engine, folder):
    path = folder("contact", {"rooftops.csv": ROOFTOPS, "customers.csv": """
        customer_id,rooftop_id,email,mobile_phone
        C1,R1,ann at example.com,12
        C2,R2,x@y.de,0151 23456789
    """})
    report = import_path(engine, path, group_id="g1", clock=CLOCK)
    assert report.files["customers.csv"].inserted == 2
    c1 = _rows(engine, schema.customers, customer_id="C1")[0]
    assert (c1["email"], c1["email_raw"]) == (None, "ann at example.com")
    assert (c1["mobile_phone"], c1["mobile_phone_raw"]) == (None, "12")
    c2 = _rows(engine, schema.customers, customer_id="C2")[0]
    assert c2["mobile_phone"] == "+4915123456789"  # the German rooftop's country


def test_customer_history_keeps_each_version_with_the_date_it_took_effect(engine, folder):
    import_path(engine, _base(folder), group_id="g1", clock=CLOCK)
    moved = folder("moved", {"customers.csv": """
        customer_id,rooftop_id,address_line1,postal_code,email_consent,updated_at
        C1,R1,9 Lake Rd,60611,no,2026-10-15T08:30:00
        C2,R1,2 Oak Ave,60602,no,
    """})
    import_path(engine, moved, group_id="g1", clock=FixedClock(datetime(2026, 11, 2)))
    versions = sorted(_rows(engine, schema.customer_versions, customer_id="C1"),
                      key=lambda v: v["version_id"])
    assert [(v["effective_at"], v["address_line1"], v["email_consent"]) for v in versions] == [
        (datetime(2026, 1, 2, 10, 0), "1 Main St.", "yes"),
        (datetime(2026, 10, 15, 8, 30), "9 Lake Rd", "no")]
    assert versions[1]["changed"] == "address_line1, postal_code, email_consent"
    c2 = _rows(engine, schema.customer_versions, customer_id="C2")
    assert len(c2) == 1  # nothing tracked changed for C2


def test_version_without_updated_at_takes_effect_on_the_import_date(engine, folder):
    import_path(engine, folder("a", {"customers.csv": "customer_id,rooftop_id,sms_consent\n"
                                                      "C1,R1,no\n"}),
                group_id="g1", clock=CLOCK)
    import_path(engine, folder("b", {"customers.csv": "customer_id,rooftop_id,sms_consent\n"
                                                      "C1,R1,yes\n"}),
                group_id="g1", clock=FixedClock(datetime(2026, 11, 5, 7, 0)))
    versions = sorted(_rows(engine, schema.customer_versions), key=lambda v: v["version_id"])
    assert [(v["effective_at"], v["sms_consent"]) for v in versions] == [
        (datetime(2026, 11, 1, 6, 0), "no"), (datetime(2026, 11, 5, 7, 0), "yes")]


def test_groups_are_kept_apart(engine, folder):
    path = _base(folder)
    import_path(engine, path, group_id="g1", clock=CLOCK)
    report = import_path(engine, path, group_id="g2", clock=CLOCK)
    assert report.files["customers.csv"].inserted == 2
    with engine.connect() as conn:
        assert group_counts(conn, group_id="g1")["customers"] == 2
        assert group_counts(conn, group_id="g2")["customers"] == 2


def test_import_history_records_completed_and_refused_imports(engine, folder):
    ok = import_path(engine, _base(folder), group_id="g1", clock=CLOCK)
    refused = import_path(engine, folder("x", {"rooftops.csv": ROOFTOPS}), group_id="g1",
                          clock=CLOCK)
    runs = {r["import_id"]: r for r in _rows(engine, schema.imports)}
    assert runs[ok.import_id]["status"] == "completed"
    assert runs[ok.import_id]["files"]["customers.csv"]["inserted"] == 2
    assert runs[refused.import_id]["status"] == "refused"
    assert runs[refused.import_id]["message"] == refused.message


def test_unknown_profile_is_refused_naming_the_known_ones(engine, folder):
    report = import_path(engine, _base(folder), group_id="g1", profile="nope", clock=CLOCK)
    assert report.status == "refused"
    assert "nope" in report.message and "canonical" in report.message


def test_rooftop_not_in_rooftops_csv_creates_a_bare_rooftop_with_a_warning(engine, folder):
    report = import_path(engine, folder("r", {"customers.csv": CUSTOMERS}), group_id="g1",
                         clock=CLOCK)
    assert report.bare_rooftops == 1
    assert [(i.file, i.row, i.column, i.value) for i in report.issues] == [
        ("customers.csv", 2, "rooftop_id", "R1")]
    assert [(r["rooftop_id"], r["is_bare"]) for r in _rows(engine, schema.rooftops)] == [
        ("R1", True)]


def test_a_default_fills_a_new_record_but_never_overwrites_a_stored_value(engine, folder):
    first = folder("a", {"customers.csv": "customer_id,rooftop_id,customer_type\nC1,R1,internal\n"
                                          "C2,R1,\n"})
    import_path(engine, first, group_id="g1", clock=CLOCK)
    delta = folder("b", {"customers.csv": "customer_id,rooftop_id,last_name\nC1,R1,Shop\n"
                                          "C3,R1,New\n"})
    import_path(engine, delta, group_id="g1", clock=CLOCK)
    types = {r["customer_id"]: r["customer_type"] for r in _rows(engine, schema.customers)}
    assert types == {"C1": "internal", "C2": "individual", "C3": "individual"}


def test_a_rejected_row_keeps_its_record_as_it_stood_in_the_file(engine, folder):
    path = folder("rec", {"customers.csv": CUSTOMERS,
                          "deals.csv": DEALS + "    D2,R1,C404,1HGCM82633A004352,2024-01-15,"
                                               "cash,,,\n",
                          "leads.csv": "lead_id,rooftop_id,created_at,source\n"
                                       "L1,R1,yesterday,web\nL2,R1\n"})
    report = import_path(engine, path, group_id="g1", clock=CLOCK)
    records = {(i.file, i.row): i.record for i in report.issues if i.severity == "rejected"}
    assert records == {
        ("deals.csv", 3): "D2,R1,C404,1HGCM82633A004352,2024-01-15,cash,,,",
        ("leads.csv", 2): "L1,R1,yesterday,web",
        ("leads.csv", 3): "L2,R1"}
    stored = _rows(engine, schema.import_issues, import_id=report.import_id)
    assert sorted(r["record"] for r in stored if r["severity"] == "rejected") == sorted(
        records.values())


def test_an_import_leaves_the_sqlite_connection_settings_as_it_found_them(sqlite_url, folder):
    """An import gives its SQLite connection a large page cache and in-memory sorting,
    and gives the pooled connection back with SQLite's own settings, whether the import
    completed or was refused."""
    engine = sa.create_engine(sqlite_url, poolclass=sa.pool.StaticPool)
    good = folder("good", {"customers.csv": "customer_id,rooftop_id\nC1,R1\n"})
    bad = folder("bad", {})
    body = "".join(f"C{i},R1,Name{i}\n" for i in range(3000))
    (bad / "customers.csv").write_bytes(  # refused while the import runs: not UTF-8
        b"customer_id,rooftop_id,last_name\n" + body.encode() + b"C_last,R1,M\xfcller\n")
    with engine.connect() as conn:
        before = [conn.exec_driver_sql(f"PRAGMA {p}").scalar_one()
                  for p in ("cache_size", "temp_store")]
    for path, status in ((good, "completed"), (bad, "refused")):
        assert import_path(engine, path, group_id="g1", clock=CLOCK, batch_rows=500,
                           sqlite_cache_mb=64).status == status
        with engine.connect() as conn:
            assert [conn.exec_driver_sql(f"PRAGMA {p}").scalar_one()
                    for p in ("cache_size", "temp_store")] == before
