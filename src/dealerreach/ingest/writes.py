"""The writes of a first load, each on a second thread while the import prepares the
next batch.

A first load on PostgreSQL sends a batch with one COPY and then waits for the server to
take it; meanwhile the import's own thread has nothing to do, and the server has nothing
to do while the import checks and converts the next batch. Here a batch's write runs on
a second thread while the caller prepares the next one; the caller waits for it
(``finish``) before anything else touches the connection, so the connection is only
ever used by one thread at a time and the writes happen in the order started. What a
write's outcome changes (counts, or a batch upserted row by row when the store's key
refused it) is done in the caller's thread, when it waits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager

import psycopg
import sqlalchemy as sa

#: what a write raises when the store's key refuses a batch
REFUSED_BY_KEY = (sa.exc.IntegrityError, psycopg.errors.IntegrityError)


class Writes:
    """Writes started one after another: beside the caller on a second thread
    (``beside``), or at once in the caller's thread."""

    def __init__(self, *, beside: bool) -> None:
        self._pool = (ThreadPoolExecutor(max_workers=1, thread_name_prefix="dealerreach-write")
                      if beside else None)
        self._pending: tuple[Future[None], Callable[[], None], Callable[[], None]] | None = None

    def start(self, write: Callable[[], None], *, inserted: Callable[[], None],
              refused: Callable[[], None]) -> None:
        """Start a write (after the one before it is finished). Once it is done,
        ``inserted()``, or ``refused()`` if the store's key refused it."""
        self.finish()
        if self._pool is None:
            try:
                write()
            except REFUSED_BY_KEY:
                refused()
                return
            inserted()
            return
        self._pending = (self._pool.submit(write), inserted, refused)

    def finish(self) -> None:
        """Wait for the write started last, and settle its outcome; an error other than
        a refusal by the key is raised here."""
        if self._pending is None:
            return
        future, inserted, refused = self._pending
        self._pending = None
        try:
            future.result()
        except REFUSED_BY_KEY:
            refused()
            return
        inserted()

    @contextmanager
    def waited(self) -> Iterator[None]:
        """On the way out with an error, wait for a write under way (its outcome no
        longer matters: the import is rolled back), so the connection is free."""
        try:
            yield
        except BaseException:
            if self._pending is not None:
                wait([self._pending[0]])
                self._pending = None
            raise

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
