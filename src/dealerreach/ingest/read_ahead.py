"""Reading and cleaning the next chunk of a file on a second thread while the store
writes the one before.

Reading a block of CSV, the pattern checks and the conversions of ``columns`` run in
pyarrow and NumPy, which let go of Python's lock, as the store's drivers do while the
database works; so on a machine with two cores an import reads ahead instead of
waiting. What a reader produces besides its chunks (issues, the count of rejected
rows) is handed over with each chunk, so the caller sees exactly what ``chunks()``
would have given it, in the same order.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator
from dataclasses import replace
from typing import cast

from dealerreach.ingest.rows import Chunk, Issue, RowReader

#: chunks made ahead of the one the caller works on
DEPTH = 2
_DONE = object()
#: a chunk, with the issues and the count of rejected rows that came with it
_Handed = tuple[Chunk, list[Issue], int]
#: how often (seconds) a worker waiting to hand over a chunk checks that it is wanted
_POLL = 0.1


def read_ahead(reader: RowReader, *, depth: int = DEPTH) -> Generator[Chunk, None, None]:
    """``reader.chunks()``, made on a second thread; the issues and rejected rows of
    each chunk are added to ``reader`` as the chunk is handed over. An error raised
    while reading (a file that cannot be read) is raised here."""
    worker = replace(reader, issues=[], rejected=0)
    handed: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    thread = threading.Thread(target=_work, args=(worker, handed, stop),
                              name="dealerreach-read-ahead", daemon=True)
    thread.start()
    try:
        while (item := handed.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            chunk, issues, rejected = cast(_Handed, item)
            reader.issues.extend(issues)
            reader.rejected += rejected
            yield chunk
    finally:
        stop.set()
        thread.join()


def _work(worker: RowReader, handed: queue.Queue[object], stop: threading.Event) -> None:
    try:
        for chunk in worker.chunks():
            issues: list[Issue] = worker.issues[:]
            worker.issues.clear()
            rejected, worker.rejected = worker.rejected, 0
            if not _hand_over(handed, (chunk, issues, rejected), stop):
                return
    except BaseException as exc:  # handed to the caller's thread, raised there
        _hand_over(handed, exc, stop)
        return
    _hand_over(handed, _DONE, stop)


def _hand_over(handed: queue.Queue[object], item: object, stop: threading.Event) -> bool:
    """Put the item on the queue, unless the caller stopped wanting chunks."""
    while not stop.is_set():
        try:
            handed.put(item, timeout=_POLL)
            return True
        except queue.Full:
            continue
    return False
