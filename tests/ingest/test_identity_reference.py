"""Persons and households from the store-sorted, packed resolution agree with a plain
reference written straight from PRODUCT.md's words (dictionaries of every key)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealerreach.ingest.identity import household_id, resolve_group
from dealerreach.storage import schema

NAMES = st.sampled_from([None, "", "ann", "bo", "ann lee"])
ROWS = st.lists(st.fixed_dictionaries({
    "rooftop_id": st.sampled_from(["R1", "R1-x", "R2", "R10"]),
    "customer_type": st.sampled_from(["individual", "internal", None]),
    "email": st.sampled_from([None, "", "a@x.com", "b@x.com"]),
    "mobile_phone": st.sampled_from([None, "", "+13125550101", "+13125550102"]),
    "first_name_key": NAMES,
    "last_name_key": NAMES,
    "street_key": st.sampled_from([None, "", "1 main st", "2 oak ave"]),
    "postal_code": st.sampled_from([None, "", "60601", "60602"]),
    "updated_at": st.sampled_from([None, datetime(2026, 1, 1), datetime(2026, 2, 1)]),
}), max_size=25)


def reference(rows: list[dict]) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """Every record's (person_id, household_id), the obvious way."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    first: dict[tuple, int] = {}
    for i, r in enumerate(rows):
        if r["customer_type"] == "internal":
            continue
        keys = []
        if r["email"]:
            keys.append(("e", r["email"]))
        if r["mobile_phone"] and r["last_name_key"]:
            keys.append(("p", r["mobile_phone"], r["last_name_key"]))
        if all(r[k] for k in ("first_name_key", "last_name_key", "street_key", "postal_code")):
            keys.append(("a", r["first_name_key"], r["last_name_key"], r["street_key"],
                         r["postal_code"]))
        for key in keys:
            j = first.setdefault(key, i)
            parent[find(i)] = find(j)
    members: dict[int, list[int]] = {}
    for i, r in enumerate(rows):
        if r["customer_type"] != "internal":
            members.setdefault(find(i), []).append(i)
    result: dict[tuple[str, str], tuple[str | None, str | None]] = {
        (r["rooftop_id"], r["customer_id"]): (None, None) for r in rows}
    for group in members.values():
        ident = {i: f"{rows[i]['rooftop_id']}/{rows[i]['customer_id']}" for i in group}
        person = min(ident.values())
        homes = [i for i in group if rows[i]["street_key"] and rows[i]["postal_code"]]
        best = max(homes, key=lambda i: (rows[i]["updated_at"] or datetime.min, ident[i]),
                   default=None)
        home = (None if best is None
                else household_id(rows[best]["street_key"], rows[best]["postal_code"]))
        for i in group:
            result[(rows[i]["rooftop_id"], rows[i]["customer_id"])] = (person, home)
    return result


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_persons_and_households_agree_with_the_plain_reference(engine, rows):
    rows = [{**r, "group_id": "g1", "customer_id": f"C{i % 7}/{i}"} for i, r in enumerate(rows)]
    with engine.begin() as conn:
        conn.execute(schema.customers.delete())
        if rows:
            conn.execute(schema.customers.insert(), rows)
        resolve_group(conn, group_id="g1")
        stored = {(r.rooftop_id, r.customer_id): (r.person_id, r.household_id)
                  for r in conn.execute(sa.select(schema.customers))}
        again = resolve_group(conn, group_id="g1")
    assert stored == reference(rows)
    assert again == 0
