"""Checking references against keys held in memory gives what a lookup in the store
gives."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerreach.ingest.key_index import KeyIndex
from dealerreach.storage import schema

TEXT = st.text(alphabet=st.sampled_from(list("R1 0aä\u212a\x00/")), max_size=4)
KEY = st.tuples(TEXT, TEXT)


@settings(max_examples=200, deadline=None)
@given(stored=st.sets(KEY.filter(lambda k: k[1] and "\x00" not in "".join(k)), max_size=30),
       asked=st.lists(st.one_of(st.none(), KEY), max_size=30))
def test_keys_in_memory_answer_as_the_set_of_stored_keys(stored, asked):
    engine = sa.create_engine("sqlite://")
    schema.metadata.create_all(engine, tables=[schema.customers])
    with engine.begin() as conn:
        conn.execute(schema.customers.insert(), [
            {"group_id": "g", "rooftop_id": a, "customer_id": b} for a, b in stored] or
            [{"group_id": "other", "rooftop_id": "R1", "customer_id": "C1"}])
        index = KeyIndex.load(conn, schema.customers, group_id="g",
                              columns=("rooftop_id", "customer_id"))
    assert index is not None
    assert index.contains(asked) == [k is not None and k in stored for k in asked]


def test_a_stored_key_with_a_nul_character_leaves_lookups_to_the_store():
    engine = sa.create_engine("sqlite://")
    schema.metadata.create_all(engine, tables=[schema.customers])
    with engine.begin() as conn:
        conn.execute(schema.customers.insert(),
                     [{"group_id": "g", "rooftop_id": "R1", "customer_id": "C\x001"}])
        assert KeyIndex.load(conn, schema.customers, group_id="g",
                             columns=("rooftop_id", "customer_id")) is None


def test_one_part_keys_and_keys_stored_later_are_known():
    engine = sa.create_engine("sqlite://")
    schema.metadata.create_all(engine, tables=[schema.vehicles])
    with engine.begin() as conn:
        conn.execute(schema.vehicles.insert(), [
            {"group_id": "g", "vin": vin, "is_bare": False}
            for vin in ("1HGCM82633A004352", "JN8BTNXUXEW467506")])
        index = KeyIndex.load(conn, schema.vehicles, group_id="g", columns=("vin",))
    assert index is not None
    asked = [("JN8BTNXUXEW467506",), None, ("2T1BR7SE8KJ555606",), ("",)]
    assert index.contains(asked) == [True, False, False, False]
    index.add([("2T1BR7SE8KJ555606",)])
    assert index.contains(asked) == [True, False, True, False]
