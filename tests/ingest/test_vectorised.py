"""Cleaning whole columns gives exactly what cleaning each cell gives: the same records,
the same rejected rows and warnings, the same store."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerreach.clock import FixedClock
from dealerreach.ingest.blocks import ArrowRows, Batch
from dealerreach.ingest.clean import CellContext
from dealerreach.ingest.profiles import CANONICAL
from dealerreach.ingest.rows import RowReader
from dealerreach.ingest.run import import_path
from dealerreach.ingest.source import SourceFile
from dealerreach.ingest.spec import CUSTOMERS, DEALS, LEADS, RO_LINES, VEHICLES, FileSpec
from dealerreach.storage import schema
from dealerreach.testing.generator import generate_group

CLOCK = FixedClock(datetime(2026, 11, 1, 6, 0))
#: cells each kind meets in exports, plain and not
PLAIN = {
    "text": ["C1", "R1", "R2", "Main St 5", "x", "Ærø", "O’Brien"],
    "name": ["Ann", "Ann Lee", "José", "van  Dijk", "  Bo ", "A\u00a0B", "Ann\tLee"],
    "date": ["2024-02-29", "2023-02-29", "2024-04-31", "0000-01-01", "2024-1-05",
             " 2024-01-05", "2024-13-01", "9999-12-31", "2024-01-05x"],
    "timestamp": ["2026-01-02T10:00:00", "2026-01-02 23:59:59", "2026-01-02T24:00:00",
                  "2026-01-02T10:00:00+02:00", "2026-01-02", "2026-02-30T10:00:00",
                  "2026-01-02T10:00:00.5", "2026-01-02T10:00"],
    "decimal": ["12.50", "-3", "0.00", ".5", "5.", "+5", "1e3", "1,5", "007.10", "12 "],
    "integer": ["36", "-0", "007", "36.00", "36.5", "+4", "99999999999999999999", " 7"],
    "choice": ["finance", "Lease", "CASH", "cash ", "leasing", "\u212aash", "C", "w", "I"],
    "yesno": ["yes", "No", "YES", "ja", "y", " no"],
    "vin": ["1HGCM82633A004352", "1hgcm82633a004352", "1HGCM82633A004353",
            "1HGCM82633A00435", "1HGCM 82633A004352", "1HGCM82633A00I352", "11111111111111111"],
    "email": ["ann@example.com", "Ann@Example.COM", " ann@x.com ", "ann at x.com", "a@b",
              "ann@exämple.com", "\u212aate@x.com", "a..b@x.com"],
    "phone": ["(312) 555-0101", "312.555.0102", "13125550103", "3125550104", "12",
              "+1 312 555 0105", "0151 23456789", "+44 20 7946 0958", "555-0101",
              "1 312 555 0106", "312\u00a0555 0107", "+13085550103", "+1 (470) 555-0102",
              "+1-470-555-0102", "+1 170 555 0102", "+1/470/555/0102", "+49 221 471000017"],
    "postal": ["60601", "sw1a 1aa", "60 601", "ÄB1"],
    "country": ["US", "de", "XX", "US "],
}
ODD = st.text(alphabet=st.sampled_from(list("aZ09 .-/@,'\t\u00a0\u2009é\u212aX")), max_size=8)


def _cells(kind: str) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), st.sampled_from(PLAIN.get(kind, PLAIN["text"])), ODD)


def _source(spec: FileSpec, columns: list[str], rows: list[list[str]], *,
            arrow: bool = False) -> SourceFile:
    numbered = [(n + 2, cells) for n, cells in enumerate(rows)]
    if not arrow:
        return SourceFile(spec, spec.name, columns, iter(numbered))
    return SourceFile(spec, spec.name, columns, iter(()), iter(_batches(numbered, columns)))


def _batches(numbered: list[tuple[int, list[str]]], columns: list[str]) -> list[Batch]:
    """Rows as a block reader gives them: runs of rows as wide as the header as Arrow
    columns (in pieces of 5, so chunks join pieces), any other row as a list."""
    out: list[Batch] = []
    run: list[tuple[int, list[str]]] = []

    def flush() -> None:
        for at in range(0, len(run), 5):
            part = run[at:at + 5]
            out.append(ArrowRows(np.array([r for r, _ in part], dtype=np.int64),
                                 [pa.array(list(col), pa.string())
                                  for col in zip(*(c for _, c in part), strict=True)]))
        run.clear()

    for row, cells in numbered:
        if len(cells) == len(columns):
            run.append((row, cells))
        else:
            flush()
            out.append([(row, cells)])
    flush()
    return out


def _read(spec: FileSpec, columns: list[str], rows: list[list[str]], *, vectorised: bool,
          arrow: bool = False) -> tuple[list, list]:
    countries = {"R1": "US", "R2": "DE"}
    reader = RowReader(_source(spec, columns, rows, arrow=arrow), CANONICAL,
                       lambda r: CellContext(country=countries.get(r.strip(), "US")),
                       vectorised=vectorised, chunk_rows=7)
    records = [(r.row, r.values, r.extra, r.cells) for r in reader.records()]
    return records, list(reader.issues)


def _rows_of(spec: FileSpec, extra: bool) -> st.SearchStrategy[tuple[list[str], list[list]]]:
    columns = [c.name for c in spec.columns] + (["loyalty_tier"] if extra else [])
    kinds = [str(c.kind) for c in spec.columns] + (["text"] if extra else [])
    row = st.tuples(*(_cells(k) for k in kinds)).map(list)
    short = st.lists(_cells("text"), max_size=3)
    return st.lists(st.one_of(row, row, row, short), max_size=20).map(
        lambda rows: (columns, rows))


@pytest.mark.parametrize("spec", [CUSTOMERS, DEALS, VEHICLES, RO_LINES, LEADS],
                         ids=lambda s: s.name)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_column_cleaning_gives_the_records_and_issues_of_per_row_cleaning(spec, data):
    columns, rows = data.draw(_rows_of(spec, extra=spec is CUSTOMERS))
    by_rows = _read(spec, columns, rows, vectorised=False)
    assert _read(spec, columns, rows, vectorised=True) == by_rows
    assert _read(spec, columns, rows, vectorised=True, arrow=True) == by_rows


def test_plain_cells_are_cleaned_by_columns_not_left_to_the_per_row_path():
    columns = ["customer_id", "rooftop_id", "first_name", "email", "mobile_phone",
               "birth_date", "updated_at", "email_consent", "customer_type", "postal_code"]
    rows = [["C1", "R1", "Ann", "Ann@Example.com", "(312) 555-0101", "1980-02-29",
             "2026-01-02T10:00:00", "YES", "", "sw1a"]]
    reader = RowReader(_source(CUSTOMERS, columns, rows), CANONICAL,
                       lambda r: CellContext(country="US"))
    [chunk] = list(reader.chunks())
    assert (chunk.rows, chunk.records) == ([2], [])
    assert chunk.as_records()[0].values == {
        "customer_id": "C1", "rooftop_id": "R1", "first_name": "Ann",
        "email": "ann@example.com", "email_raw": None, "mobile_phone": "+13125550101",
        "mobile_phone_raw": None, "birth_date": date(1980, 2, 29),
        "updated_at": datetime(2026, 1, 2, 10, 0), "email_consent": "yes",
        "customer_type": "individual", "postal_code": "SW1A"}


def test_spaced_names_emails_and_numbers_of_any_country_are_cleaned_by_columns():
    columns = ["customer_id", "rooftop_id", "first_name", "email", "mobile_phone",
               "home_phone", "loyalty_tier"]
    rows = [[" C1", "R2", " Anna ", " Anna@Example.com ", "+49 (0)221 4710237-74",
             "0221/471055450", " gold "]]
    reader = RowReader(_source(CUSTOMERS, columns, rows, arrow=True), CANONICAL,
                       lambda r: CellContext(country="DE"))
    [chunk] = list(reader.chunks())
    assert (chunk.rows, chunk.records) == ([2], [])
    [record] = chunk.as_records()
    assert record.values == {
        "customer_id": "C1", "rooftop_id": "R2", "first_name": "Anna",
        "email": "anna@example.com", "email_raw": None, "mobile_phone": "+49221471023774",
        "mobile_phone_raw": None, "home_phone": "+49221471055450", "home_phone_raw": None}
    assert record.extra == {"loyalty_tier": "gold"}
    assert record.cells == rows[0]


def _stored(engine: sa.Engine, group_id: str) -> dict[str, list]:
    ignored = {"group_id", "import_id", "version_id", "issue_id"}
    tables = [*schema.RECORD_TABLES.values(), schema.customer_versions]
    with engine.connect() as conn:
        return {t.name: sorted((tuple(v for k, v in r._mapping.items() if k not in ignored)
                                for r in conn.execute(sa.select(t).where(
                                    t.c.group_id == group_id))), key=repr)
                for t in tables}


def _issues(engine: sa.Engine, import_id: int | None) -> list[tuple]:
    t = schema.import_issues
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            sa.select(t.c.severity, t.c.file, t.c.row, t.c.column, t.c.value, t.c.reason,
                      t.c.record).where(t.c.import_id == import_id).order_by(t.c.issue_id))]


def test_an_import_stores_and_reports_the_same_either_way(engine, tmp_path: Path):
    generate_group(out_dir=tmp_path / "group", rooftops=3, customers=400, seed=7,
                   as_of=date(2026, 11, 1), deltas=2)
    folders = [tmp_path / "group", *sorted((tmp_path / "group").glob("delta-*"))]
    for n, folder in enumerate(folders):
        clock = FixedClock(datetime(2026, 11, 1 + n, 6, 0))
        fast = import_path(engine, folder, group_id="fast", clock=clock, batch_rows=300)
        slow = import_path(engine, folder, group_id="slow", clock=clock, batch_rows=300,
                           vectorised=False)
        assert fast.as_json() | {"import_id": 0, "duration_s": 0} == \
            slow.as_json() | {"import_id": 0, "duration_s": 0}
        assert _issues(engine, fast.import_id) == _issues(engine, slow.import_id)
    assert _stored(engine, "fast") == _stored(engine, "slow")


@pytest.mark.parametrize("batch_rows", [2, 5], ids=["later batch", "same batch"])
def test_a_key_repeated_in_a_first_load_updates_the_row_it_inserted(engine, folder,
                                                                     batch_rows):
    path = folder("dup", {"customers.csv": """
        customer_id,rooftop_id,last_name
        C1,R1,Lee
        C2,R1,Kim
        C3,R1,Fox
        C1,R1,Li
        C2,R1,Kim
    """})
    report = import_path(engine, path, group_id="g1", clock=CLOCK, batch_rows=batch_rows)
    counts = report.files["customers.csv"]
    assert (counts.inserted, counts.updated, counts.unchanged) == (3, 1, 1)
    with engine.connect() as conn:
        names = dict(conn.execute(sa.select(schema.customers.c.customer_id,
                                            schema.customers.c.last_name)).all())
        versions = conn.execute(sa.select(sa.func.count())
                                .select_from(schema.customer_versions)).scalar_one()
    assert names == {"C1": "Li", "C2": "Kim", "C3": "Fox"}
    assert versions == 3


def test_rows_of_a_first_load_are_checked_and_rejected_alike_either_way(engine, folder):
    deals = ("deal_id,rooftop_id,customer_id,vin,deal_date,deal_type,apr,trade_in_vin,note\n"
             + "".join(f"D{i},R{i % 3},C{i % 5},1HGCM82633A00435{i % 3},2024-01-0{i % 9 + 1},"
                       f"{'finance' if i % 4 else 'Lease'},{i}.5,"
                       f"{'JN8BTNXUXEW467506' if i % 6 == 0 else ''},{'x' if i % 2 else ''}\n"
                       for i in range(40))
             # a new rooftop on a row rejected for its customer: a bare rooftop all the same
             + "D99,R7,C1,1HGCM82633A004352,2024-01-01,cash,,,\n")
    files = {"customers.csv": "customer_id,rooftop_id\n"
                              + "".join(f"C{i},R{i % 3}\n" for i in range(3)),
             "deals.csv": deals,
             "repair_orders.csv": "ro_number,rooftop_id,customer_id,vin,open_date\n"
                                  "RO1,R1,C1,1HGCM82633A004351,2025-01-01\n"
                                  "RO2,R1,C9,1HGCM82633A004352,2025-01-01\n",
             "ro_lines.csv": "ro_number,rooftop_id,line_no,labor_type\n"
                             "RO1,R1,1,C\nRO2,R1,1,W\nRO1,R1,2,c\n",
             "valuations.csv": "vin,year,make,model,trim,value,as_of\n"
                               "1HGCM82633A004351,,,,,21000,2026-10-01\n"
                               ",2021,Honda,Accord, EX-L ,19000,2026-10-01\n"
                               ",2021,Honda,,EX,18000,2026-10-01\n"
                               "1hgcm82633a004352,,,,,20000.50,2026-10-01\n"
                               ",,Honda,Civic,,15000,2026-10-01\n"
                               ",2020,Ford,Focus,,9000,2026-10-01\n"
                               "1HGCM82633A004353,,,,,22000,2026-10-01\n"
                               ",2021,Honda,Accord,EX-L,19500,2026-10-01\n"}
    reports = {}
    for group, vectorised in (("fast", True), ("slow", False)):
        path = folder(group, files)
        reports[group] = import_path(engine, path, group_id=group, clock=CLOCK, batch_rows=7,
                                     vectorised=vectorised)
    fast, slow = reports["fast"], reports["slow"]
    assert fast.rejected > 0 and fast.bare_vehicles > 0 and fast.bare_rooftops == 4
    valuations = fast.files["valuations.csv"]
    assert (valuations.inserted, valuations.updated, valuations.rejected) == (5, 1, 2)
    assert fast.as_json() | {"import_id": 0, "duration_s": 0} == \
        slow.as_json() | {"import_id": 0, "duration_s": 0}
    assert _issues(engine, fast.import_id) == _issues(engine, slow.import_id)
    assert _stored(engine, "fast") == _stored(engine, "slow")


def test_a_bare_vehicle_made_by_one_file_is_known_to_the_next(engine, folder):
    files = {"customers.csv": "customer_id,rooftop_id\nC1,R1\n",
             "vehicles.csv": "vin,year,make,model\n1HGCM82633A004352,2003,Honda,Accord\n",
             "deals.csv": "deal_id,rooftop_id,customer_id,vin,deal_date,deal_type\n"
                          "D1,R1,C1,JN8BTNXUXEW467506,2024-01-05,cash\n"
                          "D2,R1,C1,1HGCM82633A004352,2024-02-05,cash\n",
             "repair_orders.csv": "ro_number,rooftop_id,customer_id,vin,open_date\n"
                                  "RO1,R1,C1,JN8BTNXUXEW467506,2025-01-01\n"
                                  "RO2,R1,C1,2T1BR7SE8KJ555606,2025-01-01\n"}
    reports = {}
    for group, vectorised in (("fast", True), ("slow", False)):
        reports[group] = import_path(engine, folder(group, files), group_id=group,
                                     clock=CLOCK, vectorised=vectorised)
    assert reports["fast"].status == "completed"
    assert reports["fast"].bare_vehicles == reports["slow"].bare_vehicles == 2
    assert _stored(engine, "fast") == _stored(engine, "slow")
