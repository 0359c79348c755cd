"""Making the next items of a sequence on a second thread while the caller works on the
one before.

The work on both sides (pyarrow, NumPy, DuckDB, the database drivers) lets go of
Python's lock, so on a machine with two cores the two overlap: an import reads and
cleans the next chunk while the store writes one, and a segment run makes the next
batch of rows while the store writes one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar, cast

T = TypeVar("T")
#: items made ahead of the one the caller works on
DEPTH = 2
_DONE = object()
#: how often (seconds) a worker waiting to hand over an item checks that it is wanted
_POLL = 0.1


def made_ahead(items: Iterator[T], *, depth: int = DEPTH,
               name: str = "dealerreach-ahead") -> Generator[T, None, None]:
    """The items of ``items``, each made on a second thread up to ``depth`` ahead. An
    error raised while making one is raised here, in the caller's thread; when the
    caller stops early (or fails), the thread stops at once and is waited for."""
    handed: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    thread = threading.Thread(target=_work, args=(items, handed, stop), name=name,
                              daemon=True)
    thread.start()
    try:
        while (item := handed.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield cast(T, item)
    finally:
        stop.set()
        thread.join()


def _work(items: Iterator[object], handed: queue.Queue[object], stop: threading.Event) -> None:
    try:
        for item in items:
            if not _hand_over(handed, item, stop):
                return
    except BaseException as exc:  # handed to the caller's thread, raised there
        _hand_over(handed, exc, stop)
        return
    _hand_over(handed, _DONE, stop)


def _hand_over(handed: queue.Queue[object], item: object, stop: threading.Event) -> bool:
    """Put the item on the queue, unless the caller stopped wanting items."""
    while not stop.is_set():
        try:
            handed.put(item, timeout=_POLL)
            return True
        except queue.Full:
            continue
    return False
