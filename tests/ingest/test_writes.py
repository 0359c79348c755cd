"""First-load writes beside the import: outcomes are settled in the caller's thread, in
the order the writes were started, and a failure waits for a write under way."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from dealerreach.ingest.writes import Writes


def _refusal() -> sa.exc.IntegrityError:
    return sa.exc.IntegrityError("INSERT", None, Exception("UNIQUE constraint failed"))


@pytest.mark.parametrize("beside", [True, False], ids=["second thread", "in turn"])
def test_each_write_is_settled_in_order_in_the_callers_thread(beside):
    caller = threading.get_ident()
    done: list[tuple[str, int]] = []
    writes = Writes(beside=beside)

    def write(n: int) -> None:
        if n == 2:
            raise _refusal()
        done.append(("write", n))

    settled_in: set[int] = set()

    def settle(outcome: str, n: int) -> None:
        settled_in.add(threading.get_ident())
        done.append((outcome, n))

    for n in range(4):
        writes.start(lambda n=n: write(n), inserted=lambda n=n: settle("inserted", n),
                     refused=lambda n=n: settle("refused", n))
    writes.finish()
    writes.close()
    assert done == [("write", 0), ("inserted", 0), ("write", 1), ("inserted", 1),
                    ("refused", 2), ("write", 3), ("inserted", 3)]
    assert settled_in == {caller}


def test_an_error_other_than_a_refusal_is_raised_when_the_caller_waits():
    writes = Writes(beside=True)
    writes.start(lambda: (_ for _ in ()).throw(RuntimeError("disk full")),
                 inserted=lambda: None, refused=lambda: None)
    with pytest.raises(RuntimeError, match="disk full"):
        writes.finish()
    writes.close()


def test_a_failure_in_the_caller_waits_for_the_write_under_way():
    writes = Writes(beside=True)
    finished = threading.Event()

    def slow_write() -> None:
        time.sleep(0.2)
        finished.set()

    with pytest.raises(ValueError), writes.waited():
        writes.start(slow_write, inserted=lambda: None, refused=lambda: None)
        raise ValueError("a file that cannot be read")
    assert finished.is_set()
    writes.close()
