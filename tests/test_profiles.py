"""The shipped import profiles (us-dms, autoline-de): value parsers, layouts, imports.

The sample dealer in tests/data/profiles/ is the same data in three layouts; the tests
write it out in each profile's encoding (Windows-1252 for the vendor layouts) and
check that every layout reads, and imports, as the same canonical values.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa

from dealerreach.clock import FixedClock
from dealerreach.ingest.parsers import (
    DateFormat,
    NumberFormat,
    YesNoWords,
    choice_words,
    header_map,
)
from dealerreach.ingest.profiles import Profile, all_profiles, get_profile
from dealerreach.ingest.source import ImportRefused, ImportSource
from dealerreach.ingest.spec import BY_NAME, CUSTOMERS, DEALS, FILES, FileSpec, Kind
from dealerreach.storage import schema

if TYPE_CHECKING:  # the import run is imported where it is used, so the rest runs without it
    from dealerreach.ingest.run import ImportReport

SAMPLES = Path(__file__).parent / "data" / "profiles"
DOCS = Path(__file__).parents[1] / "docs" / "profiles.md"
LAYOUTS = ("canonical", "us-dms", "autoline-de")
VENDORS = ("us-dms", "autoline-de")
AS_OF = FixedClock(datetime(2026, 11, 1))

US, DE = get_profile("us-dms"), get_profile("autoline-de")


def parse(profile: Profile, column: str, text: str, *, file: FileSpec = DEALS) -> str:
    """What a profile makes of one cell of a canonical column."""
    spec_column = file.column(column)
    assert spec_column is not None, column
    return profile.parse(kind=spec_column.kind, column=column, text=text)


# -- dates and timestamps ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("03/15/2026", "2026-03-15"),
    ("3/5/2026", "2026-03-05"),
    (" 12/31/1999 ", "1999-12-31"),
])
def test_us_date_is_month_day_year_with_slashes(text: str, expected: str) -> None:
    assert parse(US, "deal_date", text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("15.03.2026", "2026-03-15"),
    ("5.3.2026", "2026-03-05"),
    ("29.02.2024", "2024-02-29"),
])
def test_german_date_is_day_month_year_with_dots(text: str, expected: str) -> None:
    assert parse(DE, "deal_date", text) == expected


@pytest.mark.parametrize(("profile", "text"), [
    (US, "02/30/2026"),  # no such day
    (US, "13/01/2026"),  # no month 13: not a day-first date read by mistake
    (US, "03/15/26"),  # a two-digit year is ambiguous
    (US, "15.03.2026"),  # the other vendor's form
    (US, "yesterday"),
    (DE, "31.02.2026"),
    (DE, "03/15/2026"),
    (DE, "2026.03.15"),
])
def test_unreadable_date_comes_back_unchanged(profile: Profile, text: str) -> None:
    assert parse(profile, "deal_date", text) == text


def test_canonical_date_passes_a_vendor_profile_unchanged() -> None:
    assert parse(US, "deal_date", "2026-03-15") == "2026-03-15"
    assert parse(DE, "deal_date", "2026-03-15") == "2026-03-15"


@pytest.mark.parametrize(("profile", "text"), [
    (US, "03/15/2026 02:30 PM"),
    (US, "03/15/2026 14:30:00"),
    (DE, "15.03.2026 14:30"),
])
def test_date_column_drops_a_time_of_day(profile: Profile, text: str) -> None:
    assert parse(profile, "deal_date", text) == "2026-03-15"


@pytest.mark.parametrize(("text", "expected"), [
    ("03/15/2026 02:30 PM", "2026-03-15T14:30:00"),
    ("03/15/2026 2:30pm", "2026-03-15T14:30:00"),
    ("03/15/2026 09:15 A.M.", "2026-03-15T09:15:00"),
    ("03/15/2026 12:05 AM", "2026-03-15T00:05:00"),
    ("03/15/2026 12:30 PM", "2026-03-15T12:30:00"),
])
def test_us_timestamp_with_am_pm_is_read_on_a_24_hour_clock(text: str, expected: str) -> None:
    assert parse(US, "created_at", text, file=BY_NAME["leads.csv"]) == expected


@pytest.mark.parametrize(("profile", "text", "expected"), [
    (US, "03/15/2026 14:30", "2026-03-15T14:30:00"),
    (US, "03/15/2026 14:30:59", "2026-03-15T14:30:59"),
    (DE, "15.03.2026 14:30", "2026-03-15T14:30:00"),
    (DE, "15.03.2026 07:05:09", "2026-03-15T07:05:09"),
])
def test_timestamp_in_24_hour_form_with_or_without_seconds(profile: Profile, text: str,
                                                           expected: str) -> None:
    assert parse(profile, "created_at", text, file=BY_NAME["leads.csv"]) == expected


@pytest.mark.parametrize(("profile", "text"), [(US, "03/15/2026"), (DE, "15.03.2026")])
def test_timestamp_holding_a_date_only_is_midnight(profile: Profile, text: str) -> None:
    assert parse(profile, "created_at", text, file=BY_NAME["leads.csv"]) == "2026-03-15T00:00:00"


@pytest.mark.parametrize(("profile", "text"), [
    (US, "03/15/2026 25:00"),
    (US, "03/15/2026 13:00 PM"),  # no 13 o'clock on a 12-hour clock
    (US, "03/15/2026 0:30 AM"),
    (US, "03/15/2026 14:61"),
    (DE, "15.03.2026 14 Uhr"),
])
def test_impossible_time_comes_back_unchanged(profile: Profile, text: str) -> None:
    assert parse(profile, "created_at", text, file=BY_NAME["leads.csv"]) == text


def test_date_format_refuses_an_unknown_order() -> None:
    with pytest.raises(ValueError, match="unknown date order"):
        DateFormat("ymd", "-")


# -- numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("$1,234.50", "1234.50"),
    ("$1,234,567.89", "1234567.89"),
    ("1,234.50", "1234.50"),
    ("$12", "12"),
    ("1234.5", "1234.5"),
    ("USD 1,000.00", "1000.00"),
    ("$.50", "0.50"),
])
def test_us_money_with_dollar_and_thousands(text: str, expected: str) -> None:
    assert parse(US, "sale_price", text) == expected


@pytest.mark.parametrize("text", ["-$12.00", "$-12.00", "($12.00)", "(12.00)", "- $12.00"])
def test_us_negative_money_with_minus_or_parentheses(text: str) -> None:
    assert parse(US, "sale_price", text) == "-12.00"


@pytest.mark.parametrize(("text", "expected"), [
    ("1.234,56", "1234.56"),
    ("1.234.567,8", "1234567.8"),
    ("1234,56", "1234.56"),
    ("1.234", "1234"),
    ("0,5", "0.5"),
])
def test_german_decimal_comma_with_thousand_dots(text: str, expected: str) -> None:
    assert parse(DE, "sale_price", text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1.234,56 €", "1234.56"),
    ("1.234,56€", "1234.56"),
    ("€ 1.234,56", "1234.56"),
    ("1.234,56 EUR", "1234.56"),
    ("-12,00 €", "-12.00"),
    ("(12,00 €)", "-12.00"),
])
def test_german_amount_with_euro_sign(text: str, expected: str) -> None:
    assert parse(DE, "sale_price", text) == expected


@pytest.mark.parametrize(("profile", "text", "expected"), [
    (US, "3.90%", "3.90"), (US, "4.9 %", "4.9"), (DE, "3,9 %", "3.9"), (DE, "0,00", "0.00"),
])
def test_percent_sign_of_a_rate_is_dropped(profile: Profile, text: str, expected: str) -> None:
    assert parse(profile, "apr", text) == expected


@pytest.mark.parametrize(("profile", "text"), [
    (US, "12,34"),  # thousands must group by three
    (US, "1,23.4"),
    (US, "1.234,56"),  # the other vendor's form
    (DE, "1.23,4"),
    (DE, "12,34,56"),
])
def test_thousands_separator_must_group_by_three(profile: Profile, text: str) -> None:
    assert parse(profile, "sale_price", text) == text


@pytest.mark.parametrize(("profile", "text"), [
    (US, "n/a"), (US, "$"), (US, "--5"), (US, "(-5)"), (US, "$12.00$"), (US, "12 €"),
    (DE, "k.A."), (DE, "€"), (DE, "12,00 $"),
])
def test_unreadable_number_comes_back_unchanged(profile: Profile, text: str) -> None:
    assert parse(profile, "sale_price", text) == text


@pytest.mark.parametrize(("profile", "text", "expected"), [
    (US, "45,123", "45123"), (US, "45123", "45123"), (US, "1,000,000", "1000000"),
    (DE, "45.123", "45123"), (DE, "1.000.000", "1000000"),
])
def test_integer_drops_the_thousands_separator(profile: Profile, text: str,
                                               expected: str) -> None:
    assert parse(profile, "odometer", text) == expected


@pytest.mark.parametrize(("profile", "text", "expected"), [
    (US, "36.00", "36"), (US, "36.5", "36.5"), (DE, "36,00", "36"), (DE, "36,5", "36,5"),
    (US, "4 5", "4 5"),
])
def test_integer_drops_a_fraction_of_zeros_only(profile: Profile, text: str,
                                                expected: str) -> None:
    assert parse(profile, "term_months", text) == expected


def test_number_format_refuses_equal_marks() -> None:
    with pytest.raises(ValueError, match="must differ"):
        NumberFormat(".", ".")


# -- flags -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Y", "yes"), ("N", "no"), ("Yes", "yes"), ("no", "no"), ("TRUE", "yes"),
    ("False", "no"), ("1", "yes"), ("0", "no"), ("T", "yes"), ("f", "no"), (" y ", "yes"),
])
def test_us_flags_y_n_yes_no_true_false_one_zero(text: str, expected: str) -> None:
    assert parse(US, "declined", text, file=BY_NAME["ro_lines.csv"]) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Ja", "yes"), ("Nein", "no"), ("J", "yes"), ("n", "no"), ("1", "yes"), ("0", "no"),
    ("JA", "yes"), ("wahr", "yes"), ("Falsch", "no"),
])
def test_german_flags_ja_nein(text: str, expected: str) -> None:
    assert parse(DE, "declined", text, file=BY_NAME["ro_lines.csv"]) == expected


@pytest.mark.parametrize(("profile", "text"), [(US, "maybe"), (US, "Ja"), (DE, "Y"), (DE, "x")])
def test_unknown_flag_word_comes_back_unchanged(profile: Profile, text: str) -> None:
    assert parse(profile, "declined", text, file=BY_NAME["ro_lines.csv"]) == text


def test_yes_no_words_are_a_reusable_parser() -> None:
    flags = YesNoWords(yes=("Oui",), no=("Non",))
    assert [flags("oui"), flags("NON"), flags("yes"), flags("ja")] == ["yes", "no", "yes", "ja"]


# -- choices ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Retail", "finance"), ("FINANCE", "finance"), ("Balloon", "finance"),
    ("Lease", "lease"), ("Cash", "cash"),
])
def test_us_retail_deal_type_means_finance(text: str, expected: str) -> None:
    assert parse(US, "deal_type", text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("New", "new"), ("Demo", "new"), ("Used", "used"), ("Pre-Owned", "used"),
    ("Certified", "cpo"), ("CPO", "cpo"),
])
def test_us_sale_type_is_the_vehicle_condition_and_demo_is_new(text: str, expected: str) -> None:
    assert parse(US, "vehicle_condition", text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Barkauf", "cash"), ("Finanzierung", "finance"), ("Leasing", "lease"),
])
def test_german_payment_words_are_the_deal_type(text: str, expected: str) -> None:
    assert parse(DE, "deal_type", text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Neuwagen", "new"), ("Gebrauchtwagen", "used"), ("Vorführwagen", "used"),
    ("Tageszulassung", "used"), ("Jahreswagen", "used"),
    ("Zertifizierter Gebrauchtwagen", "cpo"),
])
def test_german_vorfuehrwagen_is_used_not_cpo(text: str, expected: str) -> None:
    assert parse(DE, "vehicle_condition", text) == expected


@pytest.mark.parametrize(("profile", "text", "expected"), [
    (US, "Customer", "C"), (US, "Customer Pay", "C"), (US, "Warranty", "W"),
    (US, "Internal", "I"), (US, "c", "C"),
    (DE, "Kunde", "C"), (DE, "Garantie", "W"), (DE, "Kulanz", "W"), (DE, "Intern", "I"),
    (DE, "w", "W"),
])
def test_labor_words_map_to_c_w_i(profile: Profile, text: str, expected: str) -> None:
    assert parse(profile, "labor_type", text, file=BY_NAME["ro_lines.csv"]) == expected


@pytest.mark.parametrize(("profile", "text", "expected"), [
    (US, "Service", "service"), (US, "Body Shop", "body"), (US, "Parts", "parts"),
    (DE, "Werkstatt", "service"), (DE, "Karosserie", "body"), (DE, "Teile", "parts"),
])
def test_department_words(profile: Profile, text: str, expected: str) -> None:
    assert parse(profile, "department", text, file=BY_NAME["repair_orders.csv"]) == expected


@pytest.mark.parametrize(("profile", "text", "expected"), [
    (US, "USA", "US"), (US, "United States", "US"),
    (DE, "Deutschland", "DE"), (DE, "D", "DE"), (DE, "Österreich", "AT"),
])
def test_country_names_become_iso_codes(profile: Profile, text: str, expected: str) -> None:
    assert parse(profile, "country", text, file=CUSTOMERS) == expected


@pytest.mark.parametrize(("profile", "column", "text"), [
    (US, "deal_type", "Wholesale"), (US, "vehicle_condition", "Salvage"),
    (DE, "deal_type", "Mietkauf"), (DE, "labor_type", "Sonstiges"),
])
def test_unknown_choice_word_comes_back_unchanged(profile: Profile, column: str,
                                                  text: str) -> None:
    file = BY_NAME["ro_lines.csv"] if column == "labor_type" else DEALS
    assert parse(profile, column, text, file=file) == text


def test_header_map_refuses_a_header_mapped_twice() -> None:
    with pytest.raises(ValueError, match="mapped twice"):
        header_map(("customer_id", "CustNo"), ("rooftop_id", "CustNo"))


def test_choice_words_refuse_a_word_with_two_values() -> None:
    with pytest.raises(ValueError, match="two values"):
        choice_words({"new": ("Demo",), "used": ("demo",)})


# -- the profiles as data ----------------------------------------------------------------

def test_shipped_profiles_are_registered() -> None:
    assert {p.name for p in all_profiles()} >= {"canonical", "us-dms", "autoline-de"}


@pytest.mark.parametrize("name", VENDORS)
def test_every_mapped_header_names_a_column_of_its_file(name: str) -> None:
    profile = get_profile(name)
    assert set(profile.files) <= set(BY_NAME)
    for file, mapping in profile.columns.items():
        known = {c.name for c in BY_NAME[file].columns}
        assert set(mapping.values()) <= known, file


@pytest.mark.parametrize("name", VENDORS)
def test_every_choice_word_maps_to_a_canonical_choice(name: str) -> None:
    for column, words in get_profile(name).choices.items():
        kinds = {c.kind for f in FILES for c in f.columns if c.name == column}
        allowed = {choice for f in FILES for c in f.columns if c.name == column
                   for choice in c.choices}
        if kinds == {Kind.COUNTRY}:
            assert all(len(v) == 2 and v.isupper() for v in words.values()), column
        else:
            assert kinds == {Kind.CHOICE}, column
            assert set(words.values()) <= allowed, column


@pytest.mark.parametrize("name", VENDORS)
def test_every_vendor_file_header_and_word_is_documented(name: str) -> None:
    doc = DOCS.read_text(encoding="utf-8")
    profile = get_profile(name)
    missing = [f for f in profile.files.values() if f"`{f}`" not in doc]
    missing += [h for m in profile.columns.values() for h in m if f"`{h}`" not in doc]
    missing += [w for m in profile.choices.values() for w in m if f"`{w}`" not in doc.lower()]
    assert missing == []


# -- reading a vendor folder ------------------------------------------------------------------

def export(layout: str, dest: Path, *, edit: dict[str, tuple[str, str]] | None = None,
           encoding: str | None = None) -> Path:
    """Write the sample dealer in a layout as a DMS would: its encoding, CRLF line ends."""
    encoding = encoding or get_profile(layout).encoding
    folder = dest / layout
    folder.mkdir(parents=True)
    for sample in sorted((SAMPLES / layout).glob("*.[cC][sS][vV]")):
        text = sample.read_text(encoding="utf-8")
        old, new = (edit or {}).get(sample.name, ("", ""))
        if old:
            assert old in text, (sample.name, old)
            text = text.replace(old, new)
        (folder / sample.name).write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return folder


def zipped(folder: Path, dest: Path) -> Path:
    archive = dest / f"{folder.name}.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in sorted(folder.iterdir()):
            zf.write(file, f"export/{file.name}")
    return archive


def read_canonical(source: ImportSource, spec: FileSpec) -> list[dict[str, str]]:
    """A file's rows as canonical column -> canonical text (unknown columns as they are)."""
    opened = source.open(spec)
    rows = []
    for _row, cells in opened.rows:
        record = {}
        for name, text in zip(opened.columns, cells, strict=True):
            column = spec.column(name)
            if column is not None and text:
                text = source.profile.parse(kind=column.kind, column=name, text=text)
            record[name] = text
        rows.append(record)
    return rows


def test_autoline_folder_reads_cp1252_semicolons_into_canonical_columns(tmp_path: Path) -> None:
    folder = export("autoline-de", tmp_path)
    assert "Müller".encode("cp1252") in (folder / "Kunden.csv").read_bytes()
    with ImportSource(folder, profile=DE) as source:
        opened = source.open(CUSTOMERS)
        assert opened.display_name == "Kunden.csv"
        assert opened.columns[:6] == ["customer_id", "rooftop_id", "customer_type",
                                      "first_name", "last_name", "company_name"]
        assert "address_line1" in opened.columns and "updated_at" in opened.columns
    with ImportSource(folder, profile=DE) as source:
        first = read_canonical(source, CUSTOMERS)[0]
    assert first["last_name"] == "Müller"
    assert first["address_line1"] == "Hauptstraße 12"
    assert first["customer_type"] == "individual"
    assert first["birth_date"] == "1975-04-09"
    assert first["updated_at"] == "2026-10-01T09:15:00"
    assert (first["email_consent"], first["sms_consent"], first["mail_consent"]) == (
        "yes", "no", "yes")
    assert first["country"] == "DE"


def test_unknown_vendor_column_is_kept_under_its_own_header(tmp_path: Path) -> None:
    with ImportSource(export("autoline-de", tmp_path), profile=DE) as source:
        lines = read_canonical(source, BY_NAME["ro_lines.csv"])
    assert [line["Arbeitswert"] for line in lines] == ["5", "10", "0", "12", "80"]
    assert [line["labor_type"] for line in lines] == ["C", "W", "I", "C", "C"]
    assert lines[2]["parts_amount"] == "-12.00"


def test_us_folder_reads_sales_into_canonical_values(tmp_path: Path) -> None:
    with ImportSource(export("us-dms", tmp_path), profile=US) as source:
        deals = read_canonical(source, DEALS)
    first = deals[0]
    assert (first["deal_id"], first["deal_type"], first["vehicle_condition"]) == (
        "D5001", "finance", "new")
    assert (first["deal_date"], first["sale_price"], first["apr"]) == (
        "2024-03-15", "29990.00", "3.90")
    assert (first["annual_miles"], first["status"], first["salesperson"]) == (
        "15000", "booked", "Anna Schäfer")


def _comparable(spec: FileSpec, row: dict[str, str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for column in spec.columns:
        if column.name in row:
            text = row[column.name]
            out[column.name] = Decimal(text) if column.kind is Kind.DECIMAL and text else text
    return out


@pytest.mark.parametrize("layout", VENDORS)
def test_every_sample_vendor_file_reads_as_the_canonical_sample(layout: str,
                                                                tmp_path: Path) -> None:
    canonical = export("canonical", tmp_path)
    vendor = export(layout, tmp_path)
    with ImportSource(canonical, profile=get_profile("canonical")) as ours, \
            ImportSource(vendor, profile=get_profile(layout)) as theirs:
        assert [s.name for s in theirs.present()] == [s.name for s in ours.present()]
        for spec in ours.present():
            expected = [_comparable(spec, r) for r in read_canonical(ours, spec)]
            got = [_comparable(spec, r) for r in read_canonical(theirs, spec)]
            assert got == expected, spec.name


def test_vendor_file_names_match_case_insensitively(tmp_path: Path) -> None:
    folder = export("autoline-de", tmp_path)
    (folder / "Kunden.csv").rename(folder / "KUNDEN.CSV")
    with ImportSource(folder, profile=DE) as source:
        assert read_canonical(source, CUSTOMERS)[0]["last_name"] == "Müller"


def test_autoline_zip_reads_like_the_folder(tmp_path: Path) -> None:
    folder = export("autoline-de", tmp_path)
    archive = zipped(folder, tmp_path)
    with ImportSource(folder, profile=DE) as source:
        from_folder = {s.name: read_canonical(source, s) for s in source.present()}
    with ImportSource(archive, profile=DE) as source:
        from_zip = {s.name: read_canonical(source, s) for s in source.present()}
    assert len(from_zip) == 8
    assert from_zip == from_folder


def test_canonical_profile_reads_a_utf8_file(tmp_path: Path) -> None:
    folder = export("canonical", tmp_path, encoding="utf-8")
    with ImportSource(folder, profile=get_profile("canonical")) as source:
        assert read_canonical(source, CUSTOMERS)[0]["last_name"] == "Müller"


def test_canonical_profile_refuses_a_cp1252_file_naming_it(tmp_path: Path) -> None:
    folder = export("canonical", tmp_path, encoding="cp1252")
    with pytest.raises(ImportRefused, match=r"customers\.csv"), \
            ImportSource(folder, profile=get_profile("canonical")) as source:
        read_canonical(source, CUSTOMERS)


def test_vendor_folder_under_the_canonical_profile_is_refused(tmp_path: Path) -> None:
    folder = export("us-dms", tmp_path, encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"customers\.csv: required column missing"), \
            ImportSource(folder, profile=get_profile("canonical")) as source:
        source.check_headers()


# -- end to end: the import stores the same values from every layout ----------------------

EXPECTED_COUNTS = {"rooftops.csv": 1, "customers.csv": 2, "vehicles.csv": 2, "deals.csv": 3,
                   "repair_orders.csv": 2, "ro_lines.csv": 5, "leads.csv": 1,
                   "valuations.csv": 1}


def import_layout(engine: sa.Engine, layout: str, tmp_path: Path, *, group_id: str,
                  edit: dict[str, tuple[str, str]] | None = None) -> ImportReport:
    from dealerreach.ingest.run import import_path

    folder = export(layout, tmp_path / group_id, edit=edit)
    return import_path(engine, folder, group_id=group_id, profile=layout, clock=AS_OF)


def stored(engine: sa.Engine, group_id: str) -> dict[str, list[dict[str, object]]]:
    """Every canonical column of every record of a group, rows in key order."""
    out = {}
    with engine.connect() as conn:
        for name, table in schema.RECORD_TABLES.items():
            spec = BY_NAME[name]
            query = (sa.select(*(table.c[c.name] for c in spec.columns))
                     .where(table.c.group_id == group_id))
            rows = [dict(r) for r in conn.execute(query).mappings()]
            out[name] = sorted(rows, key=lambda r: [str(r[k]) for k in spec.key if k in r])
    return out


def by(rows: list[dict[str, object]], *key: str) -> dict[object, dict[str, object]]:
    return {tuple(r[k] for k in key) if len(key) > 1 else r[key[0]]: r for r in rows}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_sample_dealer_imports_completely_in_each_layout(engine: sa.Engine, layout: str,
                                                         tmp_path: Path) -> None:
    report = import_layout(engine, layout, tmp_path, group_id="g1")
    assert report.status == "completed", report.message
    assert [i for i in report.issues if i.severity == "rejected"] == []
    assert {name: c.inserted for name, c in report.files.items()} == EXPECTED_COUNTS
    assert all(c.rejected == 0 and c.read == c.inserted for c in report.files.values())


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_layout_stores_canonical_dates_decimals_flags_and_choices(
        engine: sa.Engine, layout: str, tmp_path: Path) -> None:
    assert import_layout(engine, layout, tmp_path, group_id="g1").status == "completed"
    data = stored(engine, "g1")

    rooftop = data["rooftops.csv"][0]
    assert (rooftop["country"], rooftop["distance_unit"], rooftop["consent_regime"]) == (
        "DE", "km", "opt_in")
    assert rooftop["market_area_radius"] == Decimal("25.5")

    customers = by(data["customers.csv"], "customer_id")
    jm, shop = customers["C1001"], customers["C1002"]
    assert (jm["last_name"], jm["address_line1"], jm["city"]) == (
        "Müller", "Hauptstraße 12", "München")
    assert jm["birth_date"] == date(1975, 4, 9)
    assert jm["updated_at"] == datetime(2026, 10, 1, 9, 15)
    assert [jm[f] for f in ("email_consent", "sms_consent", "mail_consent", "do_not_contact",
                            "deceased")] == ["yes", "no", "yes", "no", "no"]
    assert (shop["customer_type"], shop["company_name"], shop["country"]) == (
        "business", "Bäckerei Groß GmbH", "DE")
    assert (shop["sms_consent"], shop["do_not_contact"]) == (None, "yes")
    assert shop["updated_at"] == datetime(2026, 10, 2, 16, 45)

    vehicles = by(data["vehicles.csv"], "vin")
    golf = vehicles["WVWZZZCD0MW012345"]
    assert (golf["year"], golf["in_service_date"], golf["msrp"]) == (
        2021, date(2021, 6, 15), Decimal("31450.50"))
    assert vehicles["WBA5R1C0XKA123456"]["in_service_date"] == date(2019, 3, 1)

    deals = by(data["deals.csv"], "deal_id")
    d1, d2, d3 = deals["D5001"], deals["D5002"], deals["D5003"]
    assert (d1["deal_type"], d1["vehicle_condition"], d1["status"]) == ("finance", "new", "booked")
    assert (d1["deal_date"], d1["first_payment_date"]) == (date(2024, 3, 15), date(2024, 4, 15))
    assert (d1["sale_price"], d1["amount_financed"], d1["apr"], d1["monthly_payment"]) == (
        Decimal("29990"), Decimal("24000"), Decimal("3.9"), Decimal("540.25"))
    assert (d1["term_months"], d1["annual_miles"], d1["odometer"]) == (48, 15000, 12)
    assert (d1["service_contract_miles"], d1["maintenance_plan_miles"]) == (60000, 30000)
    assert (d1["trade_in_vin"], d1["residual_value"]) == ("1FTFW1E55LFA00001", None)
    assert (d2["deal_type"], d2["vehicle_condition"], d2["apr"]) == ("lease", "used", 0)
    assert (d2["residual_value"], d2["odometer"]) == (Decimal("22950"), 18500)
    assert (d3["deal_type"], d3["vehicle_condition"], d3["status"]) == ("cash", "cpo", "unwound")
    assert d3["sale_price"] == Decimal("18750.50")

    ros = by(data["repair_orders.csv"], "ro_number")
    r1, r2 = ros["70001"], ros["70002"]
    assert (r1["open_date"], r1["close_date"], r1["odometer"]) == (
        date(2026, 9, 10), date(2026, 9, 11), 45123)
    assert (r1["customer_pay_total"], r1["warranty_total"], r1["internal_total"]) == (
        Decimal("1234.50"), Decimal("0"), Decimal("-12"))
    assert (r1["department"], r1["advisor"]) == ("service", "Tom Weiß")
    assert (r2["department"], r2["close_date"], r2["warranty_total"]) == ("body", None, None)

    lines = by(data["ro_lines.csv"], "ro_number", "line_no")
    assert [lines[("70001", n)]["labor_type"] for n in (1, 2, 3, 4)] == ["C", "W", "I", "C"]
    assert (lines[("70001", 2)]["recall"], lines[("70001", 4)]["declined"]) == ("yes", "yes")
    assert lines[("70001", 3)]["parts_amount"] == Decimal("-12")
    assert lines[("70002", 1)]["labor_amount"] == Decimal("1450")

    lead = data["leads.csv"][0]
    assert (lead["created_at"], lead["first_contact_at"]) == (
        datetime(2026, 8, 20, 14, 30), datetime(2026, 8, 20, 15, 5))
    assert (lead["appointment_at"], lead["showed_at"], lead["sold_at"]) == (
        datetime(2026, 8, 22, 10, 0), datetime(2026, 8, 22, 10, 10), None)

    valuation = data["valuations.csv"][0]
    assert (valuation["value"], valuation["as_of"]) == (Decimal("21500"), date(2026, 10, 1))


def test_same_dealer_in_every_layout_stores_the_same_values(engine: sa.Engine,
                                                           tmp_path: Path) -> None:
    for layout in LAYOUTS:
        report = import_layout(engine, layout, tmp_path, group_id=f"g-{layout}")
        assert report.status == "completed", (layout, report.message)
    canonical = stored(engine, "g-canonical")
    assert sum(len(rows) for rows in canonical.values()) >= sum(EXPECTED_COUNTS.values())
    for layout in VENDORS:
        vendor = stored(engine, f"g-{layout}")
        for name in canonical:
            assert vendor[name] == canonical[name], (layout, name)


@pytest.mark.parametrize(("layout", "file", "old", "bad", "column"), [
    ("autoline-de", "Verkaeufe.csv", "15.03.2024", "31.02.2024", "deal_date"),
    ("autoline-de", "Verkaeufe.csv", "29.990,00 €", "29,990.00 €", "sale_price"),
    ("us-dms", "SALES.CSV", "03/15/2024", "15/03/2024", "deal_date"),
    ("us-dms", "SALES.CSV", '"$29,990.00"', '"$29.990,00"', "sale_price"),
    ("us-dms", "SALES.CSV", "Retail", "Wholesale", "deal_type"),
])
def test_unreadable_vendor_value_is_rejected_naming_the_original_text(
        engine: sa.Engine, tmp_path: Path, layout: str, file: str, old: str, bad: str,
        column: str) -> None:
    report = import_layout(engine, layout, tmp_path, group_id="g1", edit={file: (old, bad)})
    assert report.status == "completed", report.message
    assert (report.files["deals.csv"].inserted, report.files["deals.csv"].rejected) == (2, 1)
    rejected = [i for i in report.issues if i.severity == "rejected"]
    assert [(i.row, i.column, i.value) for i in rejected] == [(2, column, bad.strip('"'))]


def test_cp1252_export_under_the_canonical_profile_is_refused_naming_the_file(
        engine: sa.Engine, tmp_path: Path) -> None:
    from dealerreach.ingest.run import import_path

    folder = export("canonical", tmp_path, encoding="cp1252")
    for other in folder.iterdir():
        if other.name != "customers.csv":
            other.unlink()
    report = import_path(engine, folder, group_id="g1", profile="canonical", clock=AS_OF)
    assert report.status == "refused"
    assert "customers.csv" in report.message
    assert stored(engine, "g1")["customers.csv"] == []
