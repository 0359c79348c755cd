"""Checking references against keys held in memory gives what a lookup in the store
gives."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerreach.ingest.key_index import KeyGatherer

TEXT = st.text(alphabet=st.sampled_from(list("R1 0aä\u212a\x00/")), max_size=4)
KEY = st.tuples(TEXT, TEXT)


@settings(max_examples=200, deadline=None)
@given(stored=st.sets(KEY.filter(lambda k: k[1] and "\x00" not in "".join(k)), max_size=30),
       asked=st.lists(st.one_of(st.none(), KEY), max_size=30))
def test_keys_in_memory_answer_as_the_set_of_stored_keys(stored, asked):
    gathered = KeyGatherer()
    listed = sorted(stored)
    half = len(listed) // 2
    gathered.add([[a for a, _ in listed[:half]], [b for _, b in listed[:half]]])
    # the rest as Arrow arrays (a slice: its values start past the buffers' start), as
    # columns cleaned by columns come
    later = [pa.array(["x", *(k[part] for k in listed[half:])]).slice(1) for part in (0, 1)]
    gathered.add(later)
    index = gathered.index()
    assert index is not None
    expected = [k is not None and k in stored for k in asked]
    assert index.contains(asked) == expected
    present = [k for k in asked if k is not None]
    assert index.contains_columns([[a for a, _ in present], [b for _, b in present]]
                                  ).tolist() == [k in stored for k in present]
    as_arrow = [pa.array([k[part] for k in present], pa.string()) for part in (0, 1)]
    assert index.contains_columns(as_arrow).tolist() == [k in stored for k in present]


def test_a_stored_key_with_a_nul_character_leaves_lookups_to_the_store():
    gathered = KeyGatherer()
    gathered.add([["R1"], ["C1"]])
    gathered.add([["R1"], ["C\x001"]])
    gathered.add([["R2"], ["C2"]])
    assert gathered.index() is None
    empty_id = KeyGatherer()
    empty_id.add([["R1"], [""]])
    assert empty_id.index() is None


def test_one_part_keys_and_keys_stored_later_are_known():
    gathered = KeyGatherer()
    gathered.add([["1HGCM82633A004352", "JN8BTNXUXEW467506"]])
    index = gathered.index()
    assert index is not None
    asked = [("JN8BTNXUXEW467506",), None, ("2T1BR7SE8KJ555606",), ("",)]
    assert index.contains(asked) == [True, False, False, False]
    index.add([("2T1BR7SE8KJ555606",)])
    assert index.contains(asked) == [True, False, True, False]
