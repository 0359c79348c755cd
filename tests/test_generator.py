"""The demo dealer group: what a user of the generated files sees.

The checks here are written independently of the generator (VIN check digits, loan
arithmetic, the canonical columns from FORMAT.md), so that they can catch it out.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import phonenumbers
import pytest
from typer.testing import CliRunner

from dealerreach.cli import demo
from dealerreach.ingest.spec import BY_NAME
from dealerreach.testing.generator import generate_group

AS_OF = date(2025, 6, 15)
SIZE = 5000
DELTAS = 4

#: the canonical columns per file, as FORMAT.md lists them
FORMAT_COLUMNS = {
    "rooftops.csv": "rooftop_id name address_line1 city region postal_code country timezone "
                    "distance_unit market_area_postal_codes market_area_radius consent_regime",
    "customers.csv": "customer_id rooftop_id customer_type first_name last_name company_name "
                     "email mobile_phone home_phone address_line1 address_line2 city region "
                     "postal_code country birth_date email_consent sms_consent mail_consent "
                     "do_not_contact deceased updated_at",
    "vehicles.csv": "vin year make model trim body_type fuel_type in_service_date msrp",
    "deals.csv": "deal_id rooftop_id customer_id vin deal_date deal_type vehicle_condition "
                 "sale_price amount_financed apr term_months first_payment_date "
                 "monthly_payment residual_value annual_miles odometer trade_in_vin "
                 "service_contract_months service_contract_miles maintenance_plan_months "
                 "maintenance_plan_miles salesperson status",
    "repair_orders.csv": "ro_number rooftop_id customer_id vin open_date close_date odometer "
                         "advisor customer_pay_total warranty_total internal_total department",
    "ro_lines.csv": "ro_number rooftop_id line_no op_code description labor_type labor_amount "
                    "parts_amount declined recall",
    "leads.csv": "lead_id rooftop_id created_at source customer_id first_name last_name email "
                 "phone assigned_to first_contact_at appointment_at showed_at sold_at "
                 "vehicle_of_interest",
    "valuations.csv": "vin year make model trim value as_of",
}
KEYS = {
    "customers.csv": ("rooftop_id", "customer_id"), "vehicles.csv": ("vin",),
    "deals.csv": ("rooftop_id", "deal_id"), "repair_orders.csv": ("rooftop_id", "ro_number"),
    "ro_lines.csv": ("rooftop_id", "ro_number", "line_no"),
    "leads.csv": ("rooftop_id", "lead_id"),
}


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def header(folder: Path, name: str) -> list[str]:
    with open(folder / name, encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


@pytest.fixture(scope="module")
def group(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("group")
    generate_group(out_dir=out, rooftops=3, customers=SIZE, seed=7, as_of=AS_OF)
    return out


@pytest.fixture(scope="module")
def with_deltas(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("deltas")
    summary = generate_group(out_dir=out, rooftops=3, customers=SIZE, seed=7, as_of=AS_OF,
                             deltas=DELTAS)
    return summary.folders


@pytest.fixture(scope="module")
def tables(group: Path) -> dict[str, list[dict[str, str]]]:
    return {name: read(group, name) for name in FORMAT_COLUMNS}


# -- determinism -----------------------------------------------------------------------


def test_same_arguments_give_byte_identical_files_and_another_seed_other_files(tmp_path):
    def run(name: str, seed: int) -> dict[str, bytes]:
        generate_group(out_dir=tmp_path / name, rooftops=3, customers=400, seed=seed,
                       as_of=AS_OF, deltas=2)
        return {str(p.relative_to(tmp_path / name)): p.read_bytes()
                for p in sorted((tmp_path / name).rglob("*.csv"))}

    first, again, other = run("a", 11), run("b", 11), run("c", 12)
    assert first == again
    assert first["customers.csv"] != other["customers.csv"]
    assert first["repair_orders.csv"] != other["repair_orders.csv"]


# -- the canonical format ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(FORMAT_COLUMNS))
def test_every_file_has_the_canonical_columns_plus_known_extras(group, name):
    columns = header(group, name)
    extra = {"loyalty_tier"} if name == "customers.csv" else set()
    assert len(columns) == len(set(columns))
    assert set(columns) == set(FORMAT_COLUMNS[name].split()) | extra
    assert set(columns) - extra == {c.name for c in BY_NAME[name].columns}


def test_required_cells_are_never_empty_and_choices_are_canonical(tables):
    for name, rows in tables.items():
        spec = BY_NAME[name]
        for column in spec.columns:
            values = {row[column.name] for row in rows}
            if column.required:
                assert "" not in values, (name, column.name)
            if column.choices:
                assert values <= set(column.choices) | {""}, (name, column.name)


def test_dates_and_timestamps_are_iso_and_never_after_the_as_of_date(tables):
    day = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    stamp = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
    dated = {"deals.csv": ("deal_date",), "repair_orders.csv": ("open_date", "close_date"),
             "valuations.csv": ("as_of",), "vehicles.csv": ("in_service_date",)}
    stamped = {"customers.csv": ("updated_at",),
               "leads.csv": ("created_at", "first_contact_at", "showed_at", "sold_at")}
    for name, columns in {**dated, **stamped}.items():
        pattern = day if name in dated else stamp
        for row in tables[name]:
            for column in columns:
                value = row[column]
                if value:
                    assert pattern.match(value), (name, column, value)
                    assert value[:10] <= AS_OF.isoformat(), (name, column, value)
    assert any(r["appointment_at"][:10] > AS_OF.isoformat() for r in tables["leads.csv"])


def test_decimals_use_a_dot_and_flags_are_yes_or_no(tables):
    for row in tables["deals.csv"]:
        for column in ("sale_price", "amount_financed", "apr", "monthly_payment"):
            assert re.match(r"^(-?\d+\.\d+)?$", row[column]), (column, row[column])
    flags = {row[c] for row in tables["ro_lines.csv"] for c in ("declined", "recall")}
    assert flags == {"yes", "no", ""}


# -- vehicles and VINs ---------------------------------------------------------------------

_VALUES = dict(zip("0123456789ABCDEFGHJKLMNPRSTUVWXYZ",
                   [*range(10), 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7,
                    8, 9], strict=True))
_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
_YEARS = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 1980/2010 .. 2009/2039


def vin_is_valid(vin: str) -> bool:
    vin = vin.upper()
    if len(vin) != 17 or any(ch not in _VALUES for ch in vin):
        return False
    remainder = sum(_VALUES[ch] * w for ch, w in zip(vin, _WEIGHTS, strict=True)) % 11
    return vin[8] == ("X" if remainder == 10 else str(remainder))


def test_the_independent_vin_check_knows_a_published_vin():
    assert vin_is_valid("1M8GDM9AXKP042788")
    assert not vin_is_valid("1M8GDM9A1KP042788")


def test_every_vin_is_17_characters_with_a_valid_check_digit(tables):
    vins = [r["vin"] for r in tables["vehicles.csv"]]
    vins += [r[c] for r in tables["deals.csv"] for c in ("vin", "trade_in_vin") if r[c]]
    vins += [r["vin"] for r in tables["repair_orders.csv"]]
    vins += [r["vin"] for r in tables["valuations.csv"] if r["vin"]]
    assert len(vins) > 5 * SIZE
    assert [v for v in vins if not vin_is_valid(v)] == []
    assert any(v != v.upper() for v in vins)  # a DMS that keeps some in lower case


def test_vins_are_unique_and_show_the_model_year_and_a_real_manufacturer(tables):
    vehicles = tables["vehicles.csv"]
    assert len({v["vin"].upper() for v in vehicles}) == len(vehicles)
    wmi = {"Toyota": ("J", "2T", "4T", "5T", "5Y", "3T", "VNK"), "Ford": ("1F", "2F", "3F", "WF0"),
           "Volkswagen": ("WV", "3V", "1V"), "Tesla": ("5YJ", "7SA", "LRW", "XP7")}
    for v in vehicles:
        assert v["vin"].upper()[9] == _YEARS[(int(v["year"]) - 1980) % 30]
        if v["make"] in wmi:
            assert v["vin"].upper().startswith(wmi[v["make"]]), v
    makes = Counter(v["make"] for v in vehicles)
    assert {"Toyota", "Ford", "Volkswagen", "Audi", "Honda", "Chevrolet"} <= set(makes)


def test_about_one_and_a_half_vehicles_per_customer(tables):
    assert 1.3 <= len(tables["vehicles.csv"]) / SIZE <= 1.7


# -- references ----------------------------------------------------------------------------


def test_every_deal_ro_and_lead_names_a_customer_of_its_rooftop(tables):
    customers = {(c["rooftop_id"], c["customer_id"]) for c in tables["customers.csv"]}
    assert len(customers) == len(tables["customers.csv"]) == SIZE
    for name in ("deals.csv", "repair_orders.csv", "leads.csv"):
        named = [(r["rooftop_id"], r["customer_id"]) for r in tables[name] if r["customer_id"]]
        assert named and set(named) <= customers, name


def test_every_ro_line_belongs_to_an_ro_and_every_vin_to_a_vehicle(tables):
    ros = {(r["rooftop_id"], r["ro_number"]) for r in tables["repair_orders.csv"]}
    assert {(r["rooftop_id"], r["ro_number"]) for r in tables["ro_lines.csv"]} <= ros
    vins = {v["vin"].upper() for v in tables["vehicles.csv"]}
    used = {r["vin"].upper() for r in tables["deals.csv"] + tables["repair_orders.csv"]}
    used |= {r["trade_in_vin"].upper() for r in tables["deals.csv"] if r["trade_in_vin"]}
    assert used <= vins


def test_a_traded_in_car_has_no_later_activity_by_that_customer(tables):
    trades = [(d["rooftop_id"], d["customer_id"], d["trade_in_vin"].upper(), d["deal_date"])
              for d in tables["deals.csv"] if d["trade_in_vin"] and d["status"] != "unwound"]
    activity = defaultdict(list)
    for d in tables["deals.csv"]:
        activity[(d["rooftop_id"], d["customer_id"], d["vin"].upper())].append(d["deal_date"])
    for r in tables["repair_orders.csv"]:
        activity[(r["rooftop_id"], r["customer_id"], r["vin"].upper())].append(r["open_date"])
    assert len(trades) > SIZE / 20
    for rooftop, customer, vin, day in trades:
        assert all(d < day for d in activity[(rooftop, customer, vin)]), (customer, vin, day)


# -- sales ---------------------------------------------------------------------------------


def test_deals_are_about_20_percent_cash_55_finance_25_lease(tables):
    deals = [d for d in tables["deals.csv"] if d["status"] != "unwound"]
    share = {k: n / len(deals) for k, n in Counter(d["deal_type"] for d in deals).items()}
    assert share["cash"] == pytest.approx(0.2, abs=0.06)
    assert share["finance"] == pytest.approx(0.55, abs=0.06)
    assert share["lease"] == pytest.approx(0.25, abs=0.06)
    statuses = Counter(d["status"] for d in tables["deals.csv"])
    assert 0 < statuses["unwound"] < 0.04 * len(tables["deals.csv"])


def test_loan_payments_follow_standard_amortization(tables):
    loans = [d for d in tables["deals.csv"] if d["deal_type"] == "finance" and d["apr"]
             and d["monthly_payment"] and d["term_months"]]
    assert len(loans) > SIZE / 5
    for d in loans:
        principal, apr, n = float(d["amount_financed"]), float(d["apr"]), int(d["term_months"])
        rate = apr / 1200
        expected = principal / n if rate == 0 else principal * rate / (1 - (1 + rate) ** -n)
        assert float(d["monthly_payment"]) == pytest.approx(expected, abs=0.01)
        assert 36 <= n <= 84 and 0 <= apr <= 22
        first = date.fromisoformat(d["first_payment_date"])
        assert 25 <= (first - date.fromisoformat(d["deal_date"])).days <= 50
    aprs = [float(d["apr"]) for d in loans]
    assert min(aprs) == 0 and sum(a >= 14 for a in aprs) > 0 and sum(3 <= a < 6 for a in aprs)


def test_leases_have_a_residual_a_payment_and_a_mileage_allowance(tables):
    leases = [d for d in tables["deals.csv"] if d["deal_type"] == "lease"]
    for d in leases:
        assert 24 <= int(d["term_months"]) <= 48
        assert 0 < float(d["residual_value"]) < float(d["sale_price"])
        assert float(d["monthly_payment"]) > 0
        assert int(d["annual_miles"]) in (10_000, 12_000, 15_000, 20_000)
        assert d["vehicle_condition"] in ("new", "cpo", "")


def test_some_deals_carry_service_contracts_and_maintenance_plans(tables):
    deals = tables["deals.csv"]
    contracts = [d for d in deals if d["service_contract_months"]]
    plans = [d for d in deals if d["maintenance_plan_months"]]
    assert 0.05 * len(deals) < len(contracts) < 0.4 * len(deals)
    assert 0.02 * len(deals) < len(plans) < 0.2 * len(deals)
    assert all(d["service_contract_miles"] for d in contracts)
    assert len({d["salesperson"] for d in deals if d["salesperson"]}) >= 9


# -- service -------------------------------------------------------------------------------


def test_about_six_ros_per_customer_with_about_1_6_lines_each(tables):
    ros, lines = tables["repair_orders.csv"], tables["ro_lines.csv"]
    assert 5.0 <= len(ros) / SIZE <= 7.5
    assert 1.4 <= len(lines) / len(ros) <= 1.9
    departments = Counter(r["department"] for r in ros)
    assert departments["service"] > 0.85 * len(ros) and departments["body"] and departments["parts"]


def test_ro_totals_add_up_the_performed_lines(tables):
    sums: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for line in tables["ro_lines.csv"]:
        if line["declined"] != "yes":
            amount = float(line["labor_amount"]) + float(line["parts_amount"])
            sums[(line["rooftop_id"], line["ro_number"])][line["labor_type"]] += amount
    for ro in tables["repair_orders.csv"]:
        got = sums[(ro["rooftop_id"], ro["ro_number"])]
        assert float(ro["customer_pay_total"]) == pytest.approx(got["C"], abs=0.011)
        assert float(ro["warranty_total"]) == pytest.approx(got["W"], abs=0.011)
        assert float(ro["internal_total"]) == pytest.approx(got["I"], abs=0.011)


def test_lines_mix_customer_warranty_internal_recalls_and_declined_work(tables):
    lines = tables["ro_lines.csv"]
    types = Counter(line["labor_type"] for line in lines)
    assert types["C"] > types["W"] > 0 and types["I"] > 0
    recalls = [line for line in lines if line["recall"] == "yes"]
    assert recalls and all(line["labor_type"] == "W" for line in recalls)
    assert 0.03 * len(lines) < sum(line["declined"] == "yes" for line in lines) < 0.2 * len(lines)


def test_odometers_rise_over_a_cars_visits_apart_from_rare_typos(tables):
    readings = defaultdict(list)
    for ro in tables["repair_orders.csv"]:
        if ro["odometer"]:
            readings[ro["vin"].upper()].append((ro["open_date"], int(ro["odometer"])))
    pairs = drops = 0
    for values in readings.values():
        values.sort()
        for (_, a), (_, b) in zip(values, values[1:], strict=False):
            pairs += 1
            drops += b < a
    assert pairs > 10 * SIZE / 3 and drops < 0.01 * pairs


def test_internal_accounts_have_only_internal_ros(tables):
    internal = {(c["rooftop_id"], c["customer_id"]) for c in tables["customers.csv"]
                if c["customer_type"] == "internal"}
    assert {rooftop for rooftop, _ in internal} == {"R1", "R2", "R3"}
    ros = {(r["rooftop_id"], r["ro_number"]) for r in tables["repair_orders.csv"]
           if (r["rooftop_id"], r["customer_id"]) in internal}
    assert ros
    assert {line["labor_type"] for line in tables["ro_lines.csv"]
            if (line["rooftop_id"], line["ro_number"]) in ros} == {"I"}


def test_some_cars_are_serviced_here_without_a_deal_and_some_at_two_rooftops(tables):
    sold = {d["vin"].upper() for d in tables["deals.csv"]}
    serviced = defaultdict(set)
    for ro in tables["repair_orders.csv"]:
        serviced[ro["vin"].upper()].add(ro["rooftop_id"])
    assert sum(vin not in sold for vin in serviced) > 0.2 * len(serviced)
    assert sum(len(rooftops) > 1 for rooftops in serviced.values()) > 10


# -- rooftops ------------------------------------------------------------------------------


def test_us_rooftops_and_a_german_one_last(tables):
    rooftops = tables["rooftops.csv"]
    assert [r["rooftop_id"] for r in rooftops] == ["R1", "R2", "R3"]
    *us, german = rooftops
    for r in us:
        assert (r["country"], r["distance_unit"], r["consent_regime"]) == ("US", "mi", "opt_out")
        assert r["timezone"].startswith("America/")
        assert r["market_area_postal_codes"] or r["market_area_radius"]
    assert (german["country"], german["timezone"], german["distance_unit"],
            german["consent_regime"]) == ("DE", "Europe/Berlin", "km", "opt_in")
    assert re.match(r"^\d{5}$", german["postal_code"])
    assert len(german["market_area_postal_codes"].split()) >= 5


def test_the_german_rooftop_writes_german_ro_lines_and_german_contact_data(tables):
    german = [line["description"] for line in tables["ro_lines.csv"] if line["rooftop_id"] == "R3"]
    english = {line["description"] for line in tables["ro_lines.csv"]
               if line["rooftop_id"] == "R1"}
    words = " ".join(german)
    for word in ("Ölwechsel", "Inspektion", "Reifenwechsel", "Bremsbeläge", "Batterie",
                 "Rückruf", "Fehlerdiagnose"):
        assert word in words
    assert not set(german) & english
    customers = [c for c in tables["customers.csv"] if c["rooftop_id"] == "R3"]
    phones = [c["mobile_phone"] for c in customers if c["mobile_phone"]]
    assert all(p.startswith(("+49", "0")) for p in phones)
    assert any(c["last_name"].strip().lower() in ("müller", "schröder", "weiß", "köhler")
               for c in customers)


# -- customers -----------------------------------------------------------------------------


def _e164(text: str, country: str) -> str:
    try:
        return phonenumbers.format_number(phonenumbers.parse(text, country),
                                          phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        return ""


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", text.casefold()).split())


def test_the_same_person_appears_at_two_rooftops_under_different_customer_ids(tables):
    keys = defaultdict(set)
    for c in tables["customers.csv"]:
        record = (c["rooftop_id"], c["customer_id"])
        country = "DE" if c["rooftop_id"] == "R3" else "US"
        if "@" in c["email"]:
            keys[("email", c["email"].strip().lower())].add(record)
        if c["mobile_phone"] and c["last_name"]:
            keys[("mobile", _e164(c["mobile_phone"], country), _fold(c["last_name"]))].add(record)
        if c["first_name"] and c["last_name"] and c["address_line1"]:
            keys[("address", _fold(c["first_name"]), _fold(c["last_name"]),
                  _fold(c["address_line1"]), c["postal_code"].replace(" ", "").upper())
                 ].add(record)
    across = Counter(key[0] for key, records in keys.items()
                     if len({rooftop for rooftop, _ in records}) > 1)
    assert set(across) == {"email", "mobile", "address"}
    assert sum(across.values()) > SIZE * 0.01


def test_households_share_an_address(tables):
    homes = Counter((c["rooftop_id"], _fold(c["address_line1"]), c["postal_code"][:5])
                    for c in tables["customers.csv"] if c["customer_type"] != "internal")
    assert sum(n >= 2 for n in homes.values()) > SIZE * 0.05


def test_customers_are_mostly_individuals_with_some_businesses_fleets_employees(tables):
    types = Counter(c["customer_type"] or "individual" for c in tables["customers.csv"])
    assert types["individual"] > 0.8 * SIZE
    assert types["business"] and types["fleet"] and types["employee"]
    assert all(c["company_name"] for c in tables["customers.csv"]
               if c["customer_type"] in ("business", "fleet", "internal"))


def test_contact_data_is_as_messy_as_a_real_dms(tables):
    customers = tables["customers.csv"]
    emails = [c["email"] for c in customers if c["email"]]
    bad = [e for e in emails if not re.match(r"^[^@\s,]+@[^@\s,]+\.[a-z]+$", e.strip(), re.I)
           or ".." in e]
    assert 0.015 < len(bad) / len(emails) < 0.05
    assert any(e != e.strip() for e in emails) and any(e != e.lower() for e in emails)
    phones = [c["mobile_phone"] for c in customers if c["mobile_phone"]]
    for pattern in (r"^\(\d{3}\) \d{3}-\d{4}$", r"^\d{3}\.\d{3}\.\d{4}$",
                    r"^\+1 \d{3} \d{3} \d{4}$", r"^\d{10}$"):
        assert any(re.match(pattern, p) for p in phones), pattern
    names = [c["last_name"] for c in customers if c["last_name"]]
    assert any(n != n.strip() for n in names) and any(n.isupper() for n in names)
    blank_birth = sum(not c["birth_date"] for c in customers) / len(customers)
    assert 0.1 < blank_birth < 0.6
    assert all(c["loyalty_tier"] in ("", "bronze", "silver", "gold", "platinum")
               for c in customers)


def test_some_customers_changed_recently_with_updated_at(tables):
    recent = [c for c in tables["customers.csv"]
              if c["updated_at"] and c["updated_at"][:10] > str(AS_OF - timedelta(days=90))]
    assert len(recent) > SIZE * 0.02


# -- leads ---------------------------------------------------------------------------------


def test_leads_narrow_down_the_funnel_and_some_name_a_customer(tables):
    leads = tables["leads.csv"]
    steps = [sum(bool(r[c]) for r in leads)
             for c in ("created_at", "first_contact_at", "appointment_at", "sold_at")]
    assert steps[0] > steps[1] > steps[2] > steps[3] > 0
    assert 0.05 < steps[3] / steps[0] < 0.25
    assert {"website", "autotrader", "cars_com", "facebook", "phone", "walk_in"} <= {
        r["source"] for r in leads}
    linked = [r for r in leads if r["customer_id"]]
    unlinked = [r for r in leads if not r["customer_id"]]
    assert linked and unlinked and all(r["email"] or r["phone"] or r["last_name"]
                                       for r in unlinked)
    for r in leads:
        for earlier, later in (("created_at", "first_contact_at"),
                               ("first_contact_at", "showed_at"), ("showed_at", "sold_at")):
            if r[earlier] and r[later]:
                assert r[earlier] <= r[later], (r["lead_id"], earlier, later)


def test_valuations_have_vin_rows_and_model_rows_on_several_dates(tables):
    rows = tables["valuations.csv"]
    vin_rows = [r for r in rows if r["vin"]]
    model_rows = [r for r in rows if not r["vin"]]
    assert vin_rows and model_rows
    assert all(r["year"] and r["make"] and r["model"] for r in model_rows)
    assert len({r["as_of"] for r in rows}) >= 3
    assert all(float(r["value"]) > 0 for r in rows)


# -- deltas --------------------------------------------------------------------------------


def _day_of(folder: Path) -> str:
    return folder.name.removeprefix("delta-")


def test_delta_folders_follow_the_base_folder_in_date_order(with_deltas):
    base, *deltas = with_deltas
    cutoff = AS_OF - timedelta(days=DELTAS)
    assert [_day_of(f) for f in deltas] == [
        str(cutoff + timedelta(days=n)) for n in range(1, DELTAS + 1)]
    assert all(f.parent == base for f in deltas)
    for row in read(base, "deals.csv"):
        assert row["deal_date"] <= str(cutoff)
    for row in read(base, "repair_orders.csv"):
        assert row["open_date"] <= str(cutoff) and row["close_date"] <= str(cutoff)


def test_delta_folders_hold_only_records_of_their_day(with_deltas):
    _, *deltas = with_deltas
    seen = Counter()
    for folder in deltas:
        day = _day_of(folder)
        deals, ros = read(folder, "deals.csv"), read(folder, "repair_orders.csv")
        assert all(d["deal_date"] == day for d in deals)
        assert all(day in (r["open_date"], r["close_date"]) for r in ros)
        opened = {(r["rooftop_id"], r["ro_number"]) for r in ros if r["open_date"] == day}
        assert all((x["rooftop_id"], x["ro_number"]) in opened
                   for x in read(folder, "ro_lines.csv"))
        assert all(c["updated_at"][:10] == day for c in read(folder, "customers.csv"))
        for lead in read(folder, "leads.csv"):
            assert day in {lead[c][:10] for c in ("created_at", "first_contact_at",
                                                  "showed_at", "sold_at")}
        named = {d["vin"].upper() for d in deals} | {r["vin"].upper() for r in ros} | {
            d["trade_in_vin"].upper() for d in deals}
        assert all(v["vin"].upper() in named for v in read(folder, "vehicles.csv"))
        for name in ("customers.csv", "deals.csv", "repair_orders.csv", "leads.csv"):
            seen[name] += len(read(folder, name))
    assert all(seen[name] > 0 for name in seen), seen


def test_base_and_deltas_in_order_give_the_same_records_as_the_full_history(group,
                                                                              with_deltas):
    for name, key in KEYS.items():
        replayed = {}
        for folder in with_deltas:
            for row in read(folder, name):
                replayed[tuple(row[k].upper() for k in key)] = row
        full = {tuple(row[k].upper() for k in key): row for row in read(group, name)}
        assert replayed == full, name


# -- the API and the command ---------------------------------------------------------------


def test_summary_counts_the_rows_written_and_progress_is_reported(tmp_path):
    reported = []
    summary = generate_group(out_dir=tmp_path, rooftops=2, customers=2500, seed=3,
                             as_of=AS_OF, progress=reported.append)
    for name, rows in summary.rows.items():
        assert rows == len(read(tmp_path, name)), name
    assert summary.rows["customers.csv"] == 2500
    assert summary.folders == [tmp_path]
    assert reported == sorted(reported) and reported[-1] == 2500 and len(reported) >= 3
    countries = {r["country"] for r in read(tmp_path, "rooftops.csv")}
    assert countries == {"US"}  # fewer than three rooftops: no German store


@pytest.mark.parametrize("arguments", [{"rooftops": 0}, {"customers": 0}, {"deltas": -1}])
def test_impossible_sizes_are_refused(tmp_path, arguments):
    with pytest.raises(ValueError):
        generate_group(**{"out_dir": tmp_path, "rooftops": 3, "customers": 10, "seed": 1,
                          "as_of": AS_OF, **arguments})


def test_demo_generate_command_writes_the_files_and_shows_rows_per_file(tmp_path):
    result = CliRunner().invoke(demo.app, [
        "generate", "--out", str(tmp_path / "demo"), "--customers", "300", "--rooftops", "4",
        "--seed", "5", "--as-of", "2025-06-15", "--deltas", "1"])
    assert result.exit_code == 0, result.output
    written = len(read(tmp_path / "demo", "ro_lines.csv")) + len(
        read(tmp_path / "demo" / "delta-2025-06-15", "ro_lines.csv"))
    assert re.search(rf"ro_lines\.csv\s*│\s*{written:,}\s", result.output), result.output
    assert "delta-2025-06-15" in result.output
    rooftops = read(tmp_path / "demo", "rooftops.csv")
    assert [r["country"] for r in rooftops] == ["US", "US", "US", "DE"]


def test_demo_generate_refuses_a_date_it_cannot_read(tmp_path):
    result = CliRunner().invoke(demo.app, ["generate", "--out", str(tmp_path),
                                           "--as-of", "15.06.2025"])
    assert result.exit_code == 2
    assert "not a date" in result.output


def test_files_do_not_depend_on_the_process_hash_seed(tmp_path):
    script = ("import sys, datetime, pathlib\n"
              "from dealerreach.testing.generator import generate_group\n"
              "generate_group(out_dir=pathlib.Path(sys.argv[1]), rooftops=3, customers=300,"
              " seed=9, as_of=datetime.date(2025, 6, 15), deltas=1)\n")
    for hash_seed in ("1", "2"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / hash_seed)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": hash_seed}, timeout=120)
    first = sorted((tmp_path / "1").rglob("*.csv"))
    assert len(first) == 16
    for path in first:
        assert path.read_bytes() == (tmp_path / "2" / path.relative_to(tmp_path / "1")
                                     ).read_bytes(), path.name


def test_a_rerun_replaces_the_delta_folders_of_an_earlier_run(tmp_path):
    generate_group(out_dir=tmp_path, rooftops=1, customers=100, seed=1, as_of=AS_OF, deltas=2)
    later = AS_OF + timedelta(days=1)
    summary = generate_group(out_dir=tmp_path, rooftops=1, customers=100, seed=1, as_of=later,
                             deltas=2)
    assert sorted(p.name for p in tmp_path.glob("delta-*")) == [
        f.name for f in summary.folders[1:]] == ["delta-2025-06-15", "delta-2025-06-16"]


def test_demo_generate_refuses_a_folder_with_delta_folders_it_did_not_write(tmp_path):
    (tmp_path / "delta-2025-06-01").mkdir()
    (tmp_path / "delta-2025-06-01" / "notes.txt").write_text("mine")
    result = CliRunner().invoke(demo.app, ["generate", "--out", str(tmp_path),
                                           "--customers", "50", "--as-of", "2025-06-15"])
    assert result.exit_code == 2
    assert "delta-2025-06-01" in result.output
    assert (tmp_path / "delta-2025-06-01" / "notes.txt").exists()
