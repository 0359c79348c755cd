"""Persons and households exactly as PRODUCT.md words them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerreach.clock import FixedClock
from dealerreach.ingest.clean import identity_key, phone_e164
from dealerreach.ingest.columns import identity_key_column
from dealerreach.ingest.identity import resolve_group
from dealerreach.ingest.run import import_path
from dealerreach.storage import schema
from dealerreach.storage.overview import group_counts

CLOCK = FixedClock(datetime(2026, 11, 1))
HEADER = ("customer_id,rooftop_id,customer_type,first_name,last_name,email,mobile_phone,"
          "address_line1,postal_code,updated_at\n")


def _persons(engine, folder, rows: str) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    import_path(engine, folder("p", {"customers.csv": HEADER + rows}), group_id="g1",
                clock=CLOCK)
    with engine.connect() as conn:
        result = conn.execute(sa.select(schema.customers.c.customer_id,
                                        schema.customers.c.person_id))
        return dict(result.all())


def _same(persons: dict[str, str | None], *ids: str) -> bool:
    return len({persons[i] for i in ids}) == 1 and persons[ids[0]] is not None


def test_records_with_the_same_normalized_email_are_one_person_across_rooftops(engine, folder):
    p = _persons(engine, folder, "A,R1,,Ann,Lee, ANN@x.com ,,,,\nB,R2,,Anna,Li,ann@x.com,,,,\n")
    assert _same(p, "A", "B")


def test_same_mobile_phone_and_last_name_are_one_person(engine, folder):
    p = _persons(engine, folder, "A,R1,,Ann,Lee,,(312) 555-0101,,,\n"
                                 "B,R2,,Bo,LEE,,+1 312 555 0101,,,\n"
                                 "C,R1,,Cy,Kim,,3125550101,,,\n")
    assert _same(p, "A", "B")
    assert p["C"] != p["A"]


def test_same_names_street_and_postal_code_are_one_person(engine, folder):
    p = _persons(engine, folder, "A,R1,,Ann,O'Neil,,,1 Main St.,60601,\n"
                                 "B,R2,,ANN,ONeil,,,1  main st,60 601,\n"
                                 "C,R2,,Ann,ONeil,,,1 main st,60602,\n")
    assert _same(p, "A", "B")
    assert p["C"] != p["A"]


def test_matching_is_transitive(engine, folder):
    p = _persons(engine, folder, "A,R1,,Ann,Lee,a@x.com,,,,\n"
                                 "B,R2,,Ann,Lee,a@x.com,3125550101,,,\n"
                                 "C,R1,,Bo,Lee,,3125550101,,,\n")
    assert _same(p, "A", "B", "C")


def test_an_empty_value_never_matches(engine, folder):
    p = _persons(engine, folder, "A,R1,,Ann,,,3125550101,,,\n"
                                 "B,R1,,Bo,,,3125550101,,,\n"
                                 "C,R1,,,,,,,,\n"
                                 "D,R1,,,,,,,,\n")
    assert len({p["A"], p["B"], p["C"], p["D"]}) == 4


def test_internal_customers_are_no_person(engine, folder):
    p = _persons(engine, folder, "A,R1,internal,Service,Dept,svc@dealer.com,,,,\n"
                                 "B,R1,,Ann,Lee,svc@dealer.com,,,,\n")
    assert p["A"] is None and p["B"] is not None


def test_household_is_the_persons_at_one_street_address_and_postal_code(engine, folder):
    _persons(engine, folder, "A,R1,,Ann,Lee,a@x.com,,1 Main St,60601,\n"
                             "B,R1,,Bo,Lee,b@x.com,,1 MAIN ST.,60601,\n"
                             "C,R1,,Cy,Kim,c@x.com,,1 Main St,60602,\n"
                             "D,R1,,Di,Fox,d@x.com,,,,\n")
    with engine.connect() as conn:
        homes = dict(conn.execute(sa.select(schema.customers.c.customer_id,
                                            schema.customers.c.household_id)).all())
        counts = group_counts(conn, group_id="g1")
    assert homes["A"] == homes["B"] != homes["C"]
    assert homes["D"] is None
    assert (counts["persons"], counts["households"]) == (4, 2)


def test_a_later_import_can_join_two_persons_into_one(engine, folder):
    _persons(engine, folder, "A,R1,,Ann,Lee,a@x.com,,,,\nB,R2,,Ann,Lee,b@x.com,,,,\n")
    import_path(engine, folder("q", {"customers.csv": HEADER + "C,R1,,Ann,Lee,b@x.com,,,,\n"
                                                      "D,R2,,Ann,Lee,a@x.com,,,,\n"}),
                group_id="g1", clock=CLOCK)
    with engine.connect() as conn:
        counts = group_counts(conn, group_id="g1")
    assert counts["persons"] == 2
    import_path(engine, folder("r", {"customers.csv": HEADER + "E,R1,,Ann,Lee,a@x.com,,,,\n"
                                                      "F,R1,,Ann,Lee,b@x.com,,,,\n"}),
                group_id="g1", clock=CLOCK)
    with engine.connect() as conn:
        counts = group_counts(conn, group_id="g1")
    assert counts["persons"] == 2  # E and F join existing persons, they do not merge them


def _identities(conn: sa.Connection) -> dict[str, tuple[str | None, str | None]]:
    c = schema.customers.c
    return {row[0]: (row[1], row[2]) for row in conn.execute(
        sa.select(c.customer_id, c.person_id, c.household_id))}


def test_a_first_load_stores_the_persons_and_households_a_full_resolution_gives(
        engine, folder):
    # customers stored with their own person and household first, then joined: the
    # end is what resolving the whole group from nothing gives (here rows of both kinds
    # of cleaning: C's name has two spaces, so it is cleaned row by row)
    rows = ("A,R2,,Ann,Lee,a@x.com,,1 Main St,60601,2026-01-01T00:00:00\n"
            "B,R1,,Ann,Lee,a@x.com,,2 Oak Ave,60601,2026-03-01T00:00:00\n"
            "C,R1,,Bo  Jo,Lee,b@x.com,,1 Main St,60601,\n"
            "D,R1,internal,Service,Dept,a@x.com,,1 Main St,60601,\n"
            "E,R3,,Cy,Kim,c@x.com,3125550101,,,\n"
            "F,R1,,Di,Kim,,312 555 0101,,,\n")
    report = import_path(engine, folder("p", {"customers.csv": HEADER + rows}),
                         group_id="g1", clock=CLOCK)
    with engine.begin() as conn:
        stored = _identities(conn)
        conn.execute(schema.customers.update().values(person_id=None, household_id=None))
        resolve_group(conn, group_id="g1")
        assert _identities(conn) == stored
        conn.rollback()
    assert stored["A"][0] == stored["B"][0] == "R1/B"  # joined: not A's own key
    assert stored["A"][1] == stored["B"][1] != stored["C"][1]  # B's address: updated last
    assert stored["D"] == (None, None)
    assert stored["E"][0] == stored["F"][0] == "R1/F"
    # only the records whose own person was not theirs in the end are written again
    # (C is cleaned row by row and stored without one)
    assert report.persons_changed == 3


def test_identity_key_case_folds_removes_punctuation_and_collapses_spaces():
    assert identity_key("  O'Brien-Smith,  Jr. ") == "obriensmith jr"
    assert identity_key("STRASSE") == identity_key("straße")
    assert identity_key("...") is None


def test_phone_is_read_as_e164_with_the_rooftop_country():
    assert phone_e164("(312) 555-0101", country="US") == "+13125550101"
    assert phone_e164("0151 23456789", country="DE") == "+4915123456789"
    assert phone_e164("+44 20 7946 0958", country="US") == "+442079460958"
    assert phone_e164("12", country="US") is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from(
    list("aZq09 \t\n\x0b\x1c\x1f!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
    + ["\u00a0", "\u2009", "\u0085", "é", "ß", "\u212a", "\u0130", "\u2019"]), max_size=10)),
    max_size=30))
def test_identity_keys_made_by_columns_are_the_per_row_ones(texts):
    assert list(identity_key_column(texts)) == [identity_key(t) for t in texts]
