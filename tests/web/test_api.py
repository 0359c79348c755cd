"""The JSON API under /api, on SQLite and PostgreSQL, over real imports and seeded rows."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from dealerreach.storage import schema
from dealerreach.storage.overview import GROUP_COUNT_KEYS, group_counts

from .helpers import (
    BAD_BIRTH_DATE,
    BAD_ROW,
    CUSTOMERS,
    add_group,
    add_import,
    add_issues,
    add_rows,
)

STATUS_JSON_KEYS = ["customers", "persons", "households", "vehicles",
                    "deals", "repair_orders", "ro_lines", "leads"]


def _get(client: TestClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.text
    return response.json()


# -- a real import -------------------------------------------------------------------

def test_group_counts_are_the_rows_a_real_import_inserted(client, imported):
    counts = _get(client, "/api/groups/g1")["counts"]
    inserted = {name: c.inserted for name, c in imported.files.items()}
    assert counts["customers"] == inserted["customers.csv"] == CUSTOMERS
    assert counts["deals"] == inserted["deals.csv"]
    assert counts["repair_orders"] == inserted["repair_orders.csv"]
    assert counts["ro_lines"] == inserted["ro_lines.csv"]
    assert counts["leads"] == inserted["leads.csv"]
    assert counts["vehicles"] == inserted["vehicles.csv"]


def test_persons_and_households_of_a_real_import_are_its_distinct_identities(
        client, imported, engine):
    counts = _get(client, "/api/groups/g1")["counts"]
    with engine.connect() as conn:
        c = schema.customers.c
        persons, households = conn.execute(sa.select(
            sa.func.count(sa.distinct(c.person_id)), sa.func.count(sa.distinct(c.household_id))
        ).where(c.group_id == "g1")).one()
    assert (counts["persons"], counts["households"]) == (persons, households)
    # two customers to an address, each with an email of their own (conftest's data)
    assert (counts["persons"], counts["households"]) == (CUSTOMERS, CUSTOMERS // 2)


def test_rooftops_of_a_real_import_carry_their_own_counts(client, imported):
    rooftops = {r["rooftop_id"]: r for r in _get(client, "/api/groups/g1")["rooftops"]}
    assert set(rooftops) == {"R1", "R2"}
    assert rooftops["R1"]["name"] == "Lakeside Toyota"
    assert rooftops["R1"]["customers"] + rooftops["R2"]["customers"] == CUSTOMERS
    assert rooftops["R2"]["customers"] == CUSTOMERS // 3
    assert [rooftops[r]["deals"] for r in ("R1", "R2")] == [1, 1]
    assert [rooftops[r]["repair_orders"] for r in ("R1", "R2")] == [1, 1]
    assert [rooftops[r]["leads"] for r in ("R1", "R2")] == [1, 0]


def test_import_report_of_a_real_import_has_its_per_file_counts(client, imported):
    run = _get(client, f"/api/imports/{imported.import_id}")
    assert run["status"] == "completed"
    assert run["group_id"] == "g1" and run["profile"] == "canonical"
    assert run["files"] == {name: c.as_dict() for name, c in imported.files.items()}
    assert (run["rejected"], run["warnings"]) == (imported.rejected, imported.warnings)
    assert _get(client, "/api/groups/g1/imports") == [run]


def test_issues_of_a_real_import_name_the_rejected_row(client, imported):
    page = _get(client, f"/api/imports/{imported.import_id}/issues?severity=rejected")
    assert page["total"] == imported.rejected
    first = {k: v for k, v in page["items"][0].items() if k != "reason"}
    assert first == {"severity": "rejected", "file": "customers.csv", "row": BAD_ROW,
                     "column": "birth_date", "value": BAD_BIRTH_DATE}
    everything = _get(client, f"/api/imports/{imported.import_id}/issues")
    assert [(i["severity"], i["file"], i["row"], i["column"], i["value"], i["reason"])
            for i in everything["items"]] == [
        (i.severity, i.file, i.row, i.column, i.value, i.reason) for i in imported.issues]


def test_a_refused_import_carries_its_refusal_message(client, refused):
    run = _get(client, f"/api/imports/{refused.import_id}")
    assert run["status"] == "refused"
    assert run["message"] == refused.message and "customers.csv" in run["message"]
    assert run["files"] == {}


# -- groups, counts and rooftops on seeded rows --------------------------------------

def test_groups_lists_every_group(client, engine):
    with engine.begin() as conn:
        add_group(conn, "g2", "Northwind Motors")
        add_group(conn, "g1", "Lakeside Auto Group")
    groups = _get(client, "/api/groups")
    assert [(g["group_id"], g["name"]) for g in groups] == [
        ("g1", "Lakeside Auto Group"), ("g2", "Northwind Motors")]


def test_group_counts_keys_are_the_status_json_contract_in_order(client, engine):
    with engine.begin() as conn:
        add_group(conn, "g1")
        assert list(group_counts(conn, group_id="g1")) == STATUS_JSON_KEYS
    assert list(GROUP_COUNT_KEYS) == STATUS_JSON_KEYS
    assert list(_get(client, "/api/groups/g1")["counts"]) == STATUS_JSON_KEYS


def test_persons_and_households_count_distinct_non_empty_ids(engine):
    ids = [("p1", "h1"), ("p1", "h1"), ("p2", "h1"), ("p3", None), (None, None)]
    with engine.begin() as conn:
        add_rows(conn, schema.customers, [
            {"customer_id": f"c{i}", "person_id": p, "household_id": h}
            for i, (p, h) in enumerate(ids)], group_id="g1", rooftop_id="r1")
        counts = group_counts(conn, group_id="g1")
    assert (counts["customers"], counts["persons"], counts["households"]) == (5, 3, 1)


def test_counts_leave_out_other_groups(client, engine):
    with engine.begin() as conn:
        add_group(conn, "g1")
        for group_id, n in (("g1", 2), ("g2", 5)):
            add_rows(conn, schema.customers, [{"customer_id": f"c{i}"} for i in range(n)],
                     group_id=group_id, rooftop_id="r1")
    body = _get(client, "/api/groups/g1")
    assert body["counts"]["customers"] == 2
    assert [(r["rooftop_id"], r["customers"]) for r in body["rooftops"]] == [("r1", 2)]


def test_a_rooftop_known_only_from_references_is_listed_as_bare(client, engine):
    with engine.begin() as conn:
        add_group(conn, "g1")
        add_rows(conn, schema.rooftops, [{"rooftop_id": "r1", "name": "Main St Ford"}],
                 group_id="g1", is_bare=False)
        add_rows(conn, schema.customers, [{"customer_id": "c1", "rooftop_id": "r1"},
                                          {"customer_id": "c2", "rooftop_id": "r9"}],
                 group_id="g1")
    rooftops = _get(client, "/api/groups/g1")["rooftops"]
    assert [(r["rooftop_id"], r["name"], r["is_bare"], r["customers"]) for r in rooftops] == [
        ("r1", "Main St Ford", False, 1), ("r9", None, True, 1)]


def test_unknown_group_is_a_404_that_names_it(client):
    assert _get(client, "/api/groups/nope", 404) == {"detail": "group 'nope' not found"}
    assert _get(client, "/api/groups/nope/imports", 404) == {"detail": "group 'nope' not found"}


# -- imports and their issues on seeded rows -----------------------------------------

def test_imports_are_listed_newest_first_and_limited(client, engine):
    with engine.begin() as conn:
        add_group(conn, "g1")
        ids = [add_import(conn, "g1", hours=h) for h in (1, 3, 2)]
        add_import(conn, "g2", hours=9)
    listed = [r["import_id"] for r in _get(client, "/api/groups/g1/imports")]
    assert listed == [ids[1], ids[2], ids[0]]
    assert [r["import_id"] for r in _get(client, "/api/groups/g1/imports?limit=1")] == [ids[1]]


def test_unknown_import_is_a_404_that_names_it(client):
    assert _get(client, "/api/imports/999", 404) == {"detail": "import 999 not found"}
    assert _get(client, "/api/imports/999/issues", 404) == {"detail": "import 999 not found"}


def test_issues_filter_by_severity_and_page_with_limit_and_offset(client, engine):
    with engine.begin() as conn:
        import_id = add_import(conn, "g1", warnings=150, rejected=3)
        add_issues(conn, import_id, "rejected", 3, first_row=2)
        add_issues(conn, import_id, "warning", 150, first_row=10)
    url = f"/api/imports/{import_id}/issues"
    page = _get(client, f"{url}?severity=warning&limit=40&offset=100")
    assert (page["total"], page["limit"], page["offset"]) == (150, 40, 100)
    assert [i["row"] for i in page["items"]] == list(range(110, 150))
    assert {i["severity"] for i in page["items"]} == {"warning"}
    assert _get(client, f"{url}?severity=rejected")["total"] == 3
    everything = _get(client, url)
    assert (everything["total"], len(everything["items"])) == (153, 100)


def test_an_empty_severity_means_every_issue(client, engine):
    with engine.begin() as conn:
        import_id = add_import(conn, "g1")
        add_issues(conn, import_id, "rejected", 1)
        add_issues(conn, import_id, "warning", 2)
    page = _get(client, f"/api/imports/{import_id}/issues?severity=&limit=10&offset=0")
    assert (page["severity"], page["total"]) == (None, 3)


def test_an_unknown_severity_or_a_bad_limit_is_refused(client, engine):
    with engine.begin() as conn:
        import_id = add_import(conn, "g1")
    _get(client, f"/api/imports/{import_id}/issues?severity=fatal", 422)
    _get(client, f"/api/imports/{import_id}/issues?limit=0", 422)
    _get(client, f"/api/imports/{import_id}/issues?offset=-1", 422)


# -- the OpenAPI document and its docs page ------------------------------------------

def test_openapi_document_lists_every_api_route_and_no_page(client):
    paths = _get(client, "/api/openapi.json")["paths"]
    assert set(paths) == {
        "/api/groups", "/api/groups/{group_id}", "/api/groups/{group_id}/imports",
        "/api/imports/{import_id}", "/api/imports/{import_id}/issues",
        "/api/groups/{group_id}/segments", "/api/groups/{group_id}/segments/{kind}/{segment_id}",
        "/api/groups/{group_id}/opportunities/{vin}"}


def test_docs_page_loads_every_asset_from_this_server(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
        assert not asset.startswith("//")
        assert asset.startswith(str(client.base_url)) or asset.startswith("/"), asset


def test_the_cdn_docs_pages_of_fastapi_are_off(client):
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
