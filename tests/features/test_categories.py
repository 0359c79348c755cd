"""RO categories: op-code prefixes, description keywords (English and German), the RO's
department, the recall flag and declined work; rules are data a group can replace."""

from __future__ import annotations

from typing import Any

import ibis
import pytest

from dealerreach.features.categories import (
    CATEGORIES,
    SHIPPED,
    CategoryRule,
    load_rules,
    ro_line_categories,
)
from dealerreach.testing.operations import BY_LANGUAGE
from features.helpers_service import D, line, make_inputs, ro

# (op code, description, department, the categories the line must get)
CASES = [
    ("LOF", "Lube, oil and filter change", "service", {"maintenance"}),
    ("MPI", "Multi-point inspection", "service", {"maintenance"}),
    ("30K", "30,000-mile scheduled maintenance", "service", {"maintenance"}),
    ("OEL", "Ölwechsel mit Ölfilter", "service", {"maintenance"}),
    (None, "ÖLWECHSEL", "service", {"maintenance"}),
    (None, "Oelwechsel und Filter", "service", {"maintenance"}),
    ("INSP", "Inspektion nach Herstellervorgabe", "service", {"maintenance"}),
    (None, "Jährliche Wartung", "service", {"maintenance"}),
    ("ROT", "Tire rotation and pressure check", "service", {"tires"}),
    ("RDW", "Reifenwechsel Sommer/Winter inkl. Einlagerung", "service", {"tires"}),
    (None, "Vier neue Reifen montiert", "service", {"tires"}),
    ("BRKF", "Replace front brake pads and resurface rotors", "service", {"brakes"}),
    ("BREMV", "Bremsbeläge und Bremsscheiben vorne erneuert", "service", {"brakes"}),
    (None, "Bremsen geprüft", "service", {"brakes"}),
    ("BATT", "Test and replace 12V battery", "service", {"battery"}),
    (None, "Batterie geprüft und erneuert", "service", {"battery"}),
    ("23V456", "Recall 23V-456: replace low-pressure fuel pump", "service", {"recall"}),
    ("RR23A4", "Rückruf 23A4: Software-Update Motorsteuergerät", "service", {"recall"}),
    ("20V682", "Recall 20V-682: replace brake booster check valve", "service",
     {"recall", "brakes"}),
    ("DIAG", "Diagnose check engine light", "service", {"diagnosis"}),
    ("FDIAG", "Fehlerdiagnose Motorkontrollleuchte", "service", {"diagnosis"}),
    ("COLLF", "Collision repair: front bumper cover and grille", "body", {"body"}),
    ("UNFV", "Unfallinstandsetzung Stoßfänger vorne", "body", {"body"}),
    (None, "Karosserie instand gesetzt", "service", {"body"}),
    ("WSHLD", "Replace windshield and recalibrate camera", "body", {"body"}),
    ("WIPER", "Replace wiper blades", "service", set()),
    ("PTSMAT", "Parts counter sale: all-weather floor mats", "parts", set()),
    ("lof", "customer states noise", "service", {"maintenance"}),
]


def _categorised(rows: list[tuple[Any, ...]], *, rules: tuple[CategoryRule, ...] = SHIPPED,
                 **line_values: Any) -> list[dict[str, Any]]:
    ros = [ro(str(i), D, department=dept) for i, (_, _, dept, *_rest) in enumerate(rows)]
    lines = [line(str(i), op_code=code, description=text, **line_values)
             for i, (code, text, *_rest) in enumerate(rows)]
    expr = ro_line_categories(make_inputs(repair_orders=ros, ro_lines=lines), rules=rules)
    out = ibis.duckdb.connect().to_pyarrow(expr.order_by(expr.ro_number.cast("int64")))
    return out.to_pylist()


def _names(row: dict[str, Any]) -> set[str]:
    return {name for name in CATEGORIES if row[name]}


@pytest.fixture(scope="module")
def categorised() -> list[dict[str, Any]]:
    return _categorised(CASES)


@pytest.mark.parametrize("index", range(len(CASES)),
                         ids=[f"{c[0]}-{c[1][:24]}" for c in CASES])
def test_shipped_rules_categorise_english_and_german_lines(categorised, index):
    assert _names(categorised[index]) == CASES[index][3]


def test_german_oelwechsel_is_maintenance(categorised):
    at = next(i for i, case in enumerate(CASES) if case[1] == "Ölwechsel mit Ölfilter")
    row = categorised[at]  # rows come back in the order of CASES
    assert row["maintenance"] is True


def test_a_line_flagged_recall_is_a_recall_line_without_any_keyword():
    (row,) = _categorised([("X1", "Replace part", "service")], recall="yes")
    assert _names(row) == {"recall"}


def test_declined_yes_marks_declined_work_and_a_blank_flag_does_not():
    rows = _categorised([("BATT", "battery", "service"), ("BATT", "battery", "service")])
    assert [r["declined"] for r in rows] == [False, False]
    (row,) = _categorised([("BATT", "battery", "service")], declined="yes")
    assert (row["declined"], row["battery"]) == (True, True)
    (row,) = _categorised([("BATT", "battery", "service")], declined=None)
    assert row["declined"] is False


def test_a_groups_rules_replace_the_shipped_ones():
    rules = load_rules([{"category": "tires", "match": "keyword", "pattern": "Pneu"}])
    rows = _categorised([("T1", "Pneus neufs", "service"), ("TIRE4", "new tires", "service")],
                        rules=rules)
    assert [_names(r) for r in rows] == [{"tires"}, set()]


def test_an_unknown_category_or_match_is_refused():
    with pytest.raises(ValueError, match="unknown RO category"):
        CategoryRule("paint", "keyword", "lack")
    with pytest.raises(ValueError, match="unknown match"):
        CategoryRule("tires", "regex", "tire.*")


def test_every_demo_recall_and_body_operation_is_categorised():
    ops = [op for language in BY_LANGUAGE.values() for op in language
           if op.group in ("recall", "body")]
    rows = _categorised([(op.code, op.description, op.group if op.group == "body"
                          else "service") for op in ops])
    assert [(op.code, op.group in _names(r)) for op, r in zip(ops, rows, strict=True)] == [
        (op.code, True) for op in ops]


def test_shipped_rules_cover_every_category_in_english_and_german():
    for language in ("en", "de"):
        covered = {r.category for r in SHIPPED if r.language in (language, "*")}
        assert covered == set(CATEGORIES), language
