"""`dealerreach segments export`: the CSV contract other tools depend on, on hand-checked
opportunities (every figure below was worked out by hand from PRODUCT.md's rules)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

D = "2026-06-15"
V1, V2, V3, V4, V5, V6, V7 = (f"1HGCM82633A00{n:04d}" for n in range(1, 8))

FILES = {
    "rooftops.csv": "rooftop_id,name,country,distance_unit\nR1,North,US,mi\nR2,South,US,mi\n",
    "customers.csv": (
        "customer_id,rooftop_id,customer_type,first_name,last_name,email\n"
        "C1,R1,individual,Ann,Lee,ann@example.com\n"
        "C2,R1,individual,Bob,Ray,bob@example.com\n"
        "C3,R2,individual,Cy,Wu,cy@example.com\n"
        "C4,R1,internal,,Loaners,\n"
        "C5,R1,individual,Dee,Fox,dee@example.com\n"
        "C6,R1,individual,Cy,Wu,CY@example.com\n"),
    "vehicles.csv": (
        "vin,year,make,model,trim,in_service_date\n"
        f"{V1},2024,Toyota,Camry,LE,2024-01-10\n"
        f"{V2},2024,Honda,Accord,EX,2023-12-15\n"
        f"{V3},2019,Ford,Focus,SE,2019-03-01\n"
        f"{V4},2015,Kia,Rio,LX,2015-04-01\n"
        f"{V5},2025,Kia,Sorento,LX,2025-01-01\n"),
    "deals.csv": (
        "deal_id,rooftop_id,customer_id,vin,deal_date,deal_type,vehicle_condition,"
        "amount_financed,apr,term_months,first_payment_date,monthly_payment,residual_value,"
        "annual_miles,odometer,trade_in_vin,status\n"
        f"F1,R1,C1,{V1},2024-01-10,finance,new,20000,9.0,60,2024-02-10,,,,10,,booked\n"
        f"L1,R1,C2,{V2},2023-12-15,lease,new,,,36,2024-01-15,400,15000,10000,5,,booked\n"
        f"K1,R1,C5,{V4},2020-05-01,cash,used,,,,,,,,50000,,booked\n"
        f"K2,R1,C5,{V5},2025-01-01,cash,new,,,,,,,,5,{V4},booked\n"
        f"X1,R1,C1,{V6},2026-07-01,cash,new,,,,,,,,5,,booked\n"
        f"U1,R1,C1,{V7},2025-05-01,cash,new,,,,,,,,5,,unwound\n"),
    "repair_orders.csv": (
        "ro_number,rooftop_id,customer_id,vin,open_date,odometer,customer_pay_total,"
        "warranty_total,department\n"
        f"100,R1,C1,{V1},2026-05-01,30010,120,0,service\n"
        f"101,R1,C2,{V2},2026-06-01,40005,0,250,service\n"
        f"200,R2,C3,{V3},2025-09-01,60000,200,0,service\n"
        f"102,R1,C6,{V3},2026-03-01,65000,150,0,service\n"
        f"103,R1,C4,{V4},2025-02-01,98000,0,0,service\n"),
    "ro_lines.csv": (
        "ro_number,rooftop_id,line_no,op_code,description,labor_type,labor_amount,declined\n"
        "100,R1,1,LOF,Oil change,C,80,no\n"
        "101,R1,1,WTY,Warranty repair,W,200,no\n"
        "200,R2,1,BRK,Brake pads,C,150,no\n"
        "102,R1,1,TIR,Tire rotation,C,100,no\n"
        "103,R1,1,RECON,Reconditioning,I,300,no\n"),
    "valuations.csv": (
        "vin,year,make,model,trim,value,as_of\n"
        f"{V1},,,,,18000,2026-06-01\n"
        ",2024,Toyota,Camry,LE,30000,2026-06-10\n"
        ",2024,Honda,Accord,EX,20000,2026-05-01\n"
        ",2024,Honda,Accord,EX,99999,2026-07-01\n"),
}

HEADER = ("rooftop_id,customer_id,vin,sales_segment,sales_flags,service_segment,"
          "payments_remaining,payoff,equity,lease_maturity_date,"
          "projected_odometer_at_maturity,lease_allowance,coverage_end_date,cpro_12m,"
          "last_visit_date")


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dealerreach", *args], env=env,
                          capture_output=True, text=True, timeout=300)


_EXPORTS: dict[str, dict[str, dict[str, str]]] = {}


@pytest.fixture
def exported(request, store_url: str, tmp_path: Path, folder) -> dict[str, dict[str, str]]:
    """The export of the group above, made once per kind of store (the tests only read it)."""
    kind = request.node.callspec.params["store_url"]
    if kind not in _EXPORTS:
        _EXPORTS[kind] = _export(store_url, tmp_path, folder)
    return _EXPORTS[kind]


def _export(store_url: str, tmp_path: Path, folder) -> dict[str, dict[str, str]]:
    env = {**os.environ, "DEALERREACH_DATABASE_URL": store_url,
           "DEALERREACH_HOME": str(tmp_path / "home"), "DEALERREACH_GROUP": "g1",
           "COLUMNS": "200"}
    done = _cli(["import", str(folder("group", FILES))], env)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "export.csv"
    done = _cli(["segments", "export", "--as-of", D, "--out", str(out)], env)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith(HEADER + ",")
    return {row["vin"]: row for row in csv.DictReader(text.splitlines())}


def test_export_has_one_row_per_active_opportunity(exported):
    # V4 was traded in on a later deal; V6 is dated after D; V7's only deal was unwound.
    assert sorted(exported) == [V1, V2, V3, V5]


def test_export_finance_deal_payoff_equity_and_flags(exported):
    row = exported[V1]
    assert (row["rooftop_id"], row["customer_id"]) == ("R1", "C1")
    # 29 of 60 payments made (2024-02-10 … 2026-06-10), payoff by amortization at 9.0 %.
    assert row["payments_remaining"] == "31"
    assert row["payoff"] == "11445.46"
    assert row["equity"] == "6554.54"  # the VIN valuation (18,000) beats a newer model row
    assert row["sales_segment"] == "finance_upgrade"
    assert row["sales_flags"] == "finance_upgrade;high_apr"
    # basic warranty 3 y / 36,000 mi: 30,000 mi in 842 days reaches 36,000 on 2026-10-17
    assert row["coverage_end_date"] == "2026-10-17"
    assert (row["cpro_12m"], row["last_visit_date"]) == ("1", "2026-05-01")
    assert row["service_segment"] == "single_visit"
    assert row["lease_maturity_date"] == row["lease_allowance"] == ""


def test_export_lease_on_d_plus_six_months_is_upgrade_and_overage(exported):
    row = exported[V2]
    assert row["lease_maturity_date"] == "2026-12-15"
    assert row["sales_segment"] == "lease_upgrade"
    assert row["sales_flags"] == "lease_upgrade;lease_overage"
    assert row["payments_remaining"] == "6"  # the payment due on D counts as made
    assert row["payoff"] == "17400.00"       # 15,000 residual + 6 × 400
    assert row["equity"] == "2600.00"        # model valuation of 2026-05-01 (not the future one)
    assert row["lease_allowance"] == "30005"
    assert row["projected_odometer_at_maturity"] == "48770"
    # 36,000 miles were passed by the reading of 2026-06-01: no coverage in force on D
    assert row["coverage_end_date"] == ""
    assert row["service_segment"] == "warranty_only"


def test_export_no_deal_two_rooftops_is_conquest_and_multi_rooftop(exported):
    row = exported[V3]
    # the most recent RO is at R1 under C6, the same person as C3 at R2 (same email)
    assert (row["rooftop_id"], row["customer_id"]) == ("R1", "C6")
    assert row["sales_segment"] == "service_conquest"
    assert row["payments_remaining"] == row["payoff"] == row["equity"] == ""
    assert row["service_segment"] == "multi_rooftop_visit"
    assert row["cpro_12m"] == "2"
    assert row["last_visit_date"] == "2026-03-01"


def test_export_cash_deal_warranty_end_by_default_mileage(exported):
    row = exported[V5]
    assert (row["sales_segment"], row["sales_flags"]) == ("everyone_else", "everyone_else")
    # Kia 5 y / 60,000 mi from 2025-01-01 at 12,000 mi a year: 60,000 on 2029-12-31
    assert row["coverage_end_date"] == "2029-12-31"
    assert row["service_segment"] == "none"
    assert row["cpro_12m"] == "0"
    assert row["last_visit_date"] == ""
