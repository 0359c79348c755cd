"""The service segment rules on features computed from records, at their boundaries.

Every scenario is one VIN with its own customer record (home rooftop R1 unless given);
all run together once on DuckDB, then each test reads its VIN's matches. D is
2025-06-15: D - 9 months = 2024-09-15, D - 12 months = 2024-06-15, D - 24 months =
2023-06-15, D - 90 days = 2025-03-17.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import pytest

from dealerreach.features.config import RuleConfig
from dealerreach.segments.service import SERVICE_RULES
from features.helpers_service import D, customer, features, line, opp, ro, version

IN_AREA, OUT_OF_AREA = "43017", "43026"


def _cpro(on: date, rooftop_id: str = "R1") -> dict[str, Any]:
    return {"on": on, "rooftop_id": rooftop_id, "pay": 90.0}


def _visit(on: date, rooftop_id: str = "R1") -> dict[str, Any]:
    """A service RO that is not a CPRO (nothing for the customer to pay)."""
    return {"on": on, "rooftop_id": rooftop_id, "pay": 0.0}


def _warranty(on: date, rooftop_id: str = "R1") -> dict[str, Any]:
    return {"on": on, "rooftop_id": rooftop_id, "pay": 0.0, "labor_type": "W"}


def _moved(on: date) -> list[tuple[date, str, str]]:
    return [(date(2023, 1, 1), OUT_OF_AREA, "created"), (on, IN_AREA, "postal_code")]


SCENARIOS: dict[str, dict[str, Any]] = {
    "RET_HOME": {"ros": [_cpro(date(2025, 3, 1)), _cpro(date(2024, 1, 10))]},
    "RET_ELSEWHERE": {"ros": [_cpro(date(2025, 3, 1)), _cpro(date(2024, 1, 10), "R2")]},
    "RET_LATEST_12": {"ros": [_cpro(date(2024, 6, 16)), _cpro(date(2024, 1, 10))]},
    "RET_LATEST_AT_12": {"ros": [_cpro(date(2024, 6, 15)), _cpro(date(2024, 1, 10))]},
    "RET_LATEST_13": {"ros": [_cpro(date(2024, 5, 15)), _cpro(date(2024, 1, 10))]},
    "RET_PREV_25": {"ros": [_cpro(date(2025, 3, 1)), _cpro(date(2023, 5, 15))]},
    "RET_ONE": {"ros": [_cpro(date(2025, 3, 1))]},
    "MRV_ONE_ROOFTOP": {"ros": [_cpro(date(2025, 3, 1)), _cpro(date(2023, 7, 1))]},
    "MRV_TWO_ROOFTOPS": {"ros": [_cpro(date(2025, 3, 1)), _cpro(date(2023, 7, 1), "R2")]},
    "MRV_OUTSIDE_24": {"ros": [_cpro(date(2025, 3, 1)), _cpro(date(2023, 6, 15), "R2")]},
    "CAP_NO_DEAL": {"ros": [_cpro(date(2025, 1, 1))]},
    "CAP_DEAL": {"ros": [_cpro(date(2025, 1, 1))], "deal_id": "D1"},
    "CAP_ELSEWHERE": {"ros": [_cpro(date(2025, 1, 1), "R2")]},
    "CAP_13": {"ros": [_cpro(date(2024, 6, 15))]},
    "SV_HOME": {"ros": [_cpro(date(2025, 1, 1)), _cpro(date(2023, 1, 1))]},
    "SV_ELSEWHERE": {"ros": [_cpro(date(2025, 1, 1), "R2")]},
    "SV_TWO": {"ros": [_cpro(date(2025, 1, 1)), _cpro(date(2024, 8, 1))]},
    "WO_HOME": {"ros": [_warranty(date(2025, 2, 1))]},
    "WO_CPRO_IN_WINDOW": {"ros": [_warranty(date(2025, 2, 1)), _cpro(date(2024, 6, 16), "R2")]},
    "WO_CPRO_BEFORE": {"ros": [_warranty(date(2025, 2, 1)), _cpro(date(2024, 6, 15))]},
    "WO_ELSEWHERE": {"ros": [_warranty(date(2025, 2, 1), "R2")]},
    "PREPAID": {"maintenance_plan_active": True},
    "NTM_MOVED": {"versions": _moved(date(2025, 5, 1)), "ros": [_visit(date(2025, 4, 30))]},
    "NTM_VISIT_SINCE": {"versions": _moved(date(2025, 5, 1)), "ros": [_visit(date(2025, 5, 9))]},
    "NTM_VISIT_ON_MOVE": {"versions": _moved(date(2025, 5, 1)), "ros": [_visit(date(2025, 5, 1))]},
    "NTM_BODY_SINCE": {"versions": _moved(date(2025, 5, 1)),
                       "ros": [{**_visit(date(2025, 5, 9)), "department": "body"}]},
    "NTM_FIRST_SEEN": {"versions": [(date(2025, 5, 1), IN_AREA, "created")]},
    "NTM_90_DAYS": {"versions": _moved(date(2025, 3, 17))},
    "NTM_89_DAYS": {"versions": _moved(date(2025, 3, 18))},
    "AR_9": {"ros": [_visit(date(2024, 9, 15))]},
    "AR_9_PLUS_1": {"ros": [_visit(date(2024, 9, 16))]},
    "AR_12": {"ros": [_visit(date(2024, 6, 15))]},
    "AR_12_PLUS_1": {"ros": [_visit(date(2024, 6, 16))]},
    "LAP_24": {"ros": [_visit(date(2023, 6, 15))]},
    "LAP_24_PLUS_1": {"ros": [_visit(date(2023, 6, 16))]},
    "LOST_OLD": {"ros": [_visit(date(2019, 2, 1))]},
    "BODY_ONLY": {"ros": [{**_visit(date(2019, 2, 1)), "department": "body"}]},
}


def _records(vin: str, spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    cid = f"C-{vin}"
    out: dict[str, list[dict[str, Any]]] = {
        "opps": [opp(vin, customer_id=cid, deal_id=spec.get("deal_id"),
                     maintenance_plan_active=spec.get("maintenance_plan_active", False))],
        "customers": [customer(cid, postal_code=IN_AREA)],
        "repair_orders": [], "ro_lines": [],
        "customer_versions": [version(cid, on, code, changed=changed)
                              for on, code, changed in spec.get("versions", [])]}
    for k, r in enumerate(spec.get("ros", [])):
        number = f"{vin}-{k}"
        out["repair_orders"].append(ro(number, r["on"], vin=vin, rooftop_id=r["rooftop_id"],
                                       customer_id=cid, pay=r["pay"],
                                       department=r.get("department", "service")))
        if "labor_type" in r:
            out["ro_lines"].append(line(number, rooftop_id=r["rooftop_id"],
                                        labor_type=r["labor_type"]))
    return out


@pytest.fixture(scope="module")
def matched() -> dict[str, dict[str, bool]]:
    records: dict[str, list[dict[str, Any]]] = {}
    for vin, spec in SCENARIOS.items():
        for name, rows in _records(vin, spec).items():
            records.setdefault(name, []).extend(rows)
    opps = records.pop("opps")
    expr = features(opps, **records)
    config = RuleConfig()
    expr = expr.mutate(**{f"is_{r.id}": r.matches(expr, as_of=D, config=config)
                          for r in SERVICE_RULES})
    rows = ibis.duckdb.connect().to_pyarrow(expr).to_pylist()
    return {row["vin"]: {r.id: row[f"is_{r.id}"] for r in SERVICE_RULES} for row in rows}


def _matching(matched: dict[str, dict[str, bool]], rule: str, *vins: str) -> list[bool]:
    return [matched[vin][rule] for vin in vins]


def test_rule_ids_are_the_configured_service_segment_order():
    assert [r.id for r in SERVICE_RULES] == RuleConfig().service_segment_order


def test_rule_wording_fills_in_the_configured_numbers():
    at_risk = next(r for r in SERVICE_RULES if r.id == "at_risk")
    assert at_risk.describe(RuleConfig()) == "last visit in (D - 12 months, D - 9 months]"
    retained = next(r for r in SERVICE_RULES if r.id == "retained")
    assert "last 6 months" in retained.describe(RuleConfig(retained_recent_months=6))


def test_retained_needs_both_recent_cpros_at_this_rooftop(matched):
    assert _matching(matched, "retained", "RET_HOME", "RET_ELSEWHERE") == [True, False]


def test_retained_latest_cpro_in_12_months_not_13(matched):
    assert _matching(matched, "retained", "RET_LATEST_12", "RET_LATEST_AT_12",
                     "RET_LATEST_13") == [True, False, False]


def test_retained_needs_the_earlier_cpro_in_24_months_and_two_cpros(matched):
    assert _matching(matched, "retained", "RET_PREV_25", "RET_ONE") == [False, False]


def test_multi_rooftop_visit_needs_two_rooftops_not_two_cpros_at_one(matched):
    assert _matching(matched, "multi_rooftop_visit", "MRV_ONE_ROOFTOP", "MRV_TWO_ROOFTOPS",
                     "RET_ELSEWHERE") == [False, True, True]


def test_multi_rooftop_visit_counts_cpros_in_24_months_only(matched):
    assert _matching(matched, "multi_rooftop_visit", "MRV_OUTSIDE_24") == [False]


def test_capture_needs_no_deal_and_a_cpro_here_in_12_months(matched):
    assert _matching(matched, "capture", "CAP_NO_DEAL", "CAP_DEAL", "CAP_ELSEWHERE",
                     "CAP_13") == [True, False, False, False]


def test_single_visit_is_one_cpro_in_12_months_at_this_rooftop(matched):
    assert _matching(matched, "single_visit", "SV_HOME", "SV_ELSEWHERE", "SV_TWO") == [
        True, False, False]


def test_warranty_only_needs_no_cpro_in_the_window(matched):
    assert _matching(matched, "warranty_only", "WO_HOME", "WO_CPRO_IN_WINDOW",
                     "WO_CPRO_BEFORE") == [True, False, True]


def test_warranty_only_needs_the_warranty_ro_at_this_rooftop(matched):
    assert _matching(matched, "warranty_only", "WO_ELSEWHERE") == [False]


def test_prepaid_maintenance_reads_maintenance_plan_active(matched):
    assert _matching(matched, "prepaid_maintenance", "PREPAID", "RET_HOME") == [True, False]


def test_new_to_market_area_after_a_move_without_a_visit_since(matched):
    assert _matching(matched, "new_to_market_area", "NTM_MOVED") == [True]


def test_a_move_with_a_visit_since_is_not_new_to_market_area(matched):
    assert _matching(matched, "new_to_market_area", "NTM_VISIT_SINCE",
                     "NTM_VISIT_ON_MOVE") == [False, False]


def test_a_body_ro_since_the_move_is_not_a_visit(matched):
    assert _matching(matched, "new_to_market_area", "NTM_BODY_SINCE") == [True]


def test_a_first_seen_address_is_not_new_to_market_area(matched):
    assert _matching(matched, "new_to_market_area", "NTM_FIRST_SEEN") == [False]


def test_new_to_market_area_is_the_last_90_days(matched):
    assert _matching(matched, "new_to_market_area", "NTM_90_DAYS", "NTM_89_DAYS") == [
        False, True]


def test_at_risk_includes_d_minus_9_months_and_not_the_day_after(matched):
    assert _matching(matched, "at_risk", "AR_9", "AR_9_PLUS_1") == [True, False]


def test_at_risk_excludes_d_minus_12_months_which_is_lapsed(matched):
    assert _matching(matched, "at_risk", "AR_12", "AR_12_PLUS_1") == [False, True]
    assert _matching(matched, "lapsed", "AR_12", "AR_12_PLUS_1") == [True, False]


def test_lapsed_excludes_d_minus_24_months_which_is_lost(matched):
    assert _matching(matched, "lapsed", "LAP_24", "LAP_24_PLUS_1") == [False, True]
    assert _matching(matched, "lost", "LAP_24", "LAP_24_PLUS_1", "LOST_OLD") == [
        True, False, True]


def test_a_body_ro_is_not_a_visit_so_never_at_risk_lapsed_or_lost(matched):
    assert [matched["BODY_ONLY"][r] for r in ("at_risk", "lapsed", "lost")] == [
        False, False, False]


def test_no_rule_matches_an_opportunity_without_service_history(matched):
    assert not any(matched["NTM_90_DAYS"][r.id] for r in SERVICE_RULES)
