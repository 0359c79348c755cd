"""Keeping the generated SQL small and each column computed once.

Ibis inlines a column's definition into every later expression that uses it, and the
engines' optimisers inline a subquery's columns the same way, so a costly column used
many times is computed many times. Two tools:

- ``settled``: a subquery boundary (a limit of "all rows"), which keeps the SQL from
  growing with every step. The engines still inline the subquery's columns; inside
  ``settling_with(stage)`` (a run on an engine where that costs more than a temporary
  table) every settled table is materialised by ``stage`` instead;
- a ``Stage``: materialises a table on the engine (``Table.cache()`` in a run), so each
  of its columns is computed exactly once. ``same`` keeps one expression (tests,
  explanations).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import ibis

Stage = Callable[[ibis.Table], ibis.Table]
_settle: ContextVar[Stage | None] = ContextVar("settle", default=None)


def settled(table: ibis.Table) -> ibis.Table:
    """``table`` behind a subquery boundary: later expressions refer to its columns
    instead of repeating their definitions in the SQL (materialised by the stage of
    ``settling_with``, when one is set)."""
    stage = _settle.get()
    return stage(table) if stage is not None else table.limit(None)


@contextmanager
def settling_with(stage: Stage) -> Iterator[None]:
    """Within the block, ``settled`` materialises with ``stage``."""
    token = _settle.set(stage)
    try:
        yield
    finally:
        _settle.reset(token)


def same(table: ibis.Table) -> ibis.Table:
    return table
