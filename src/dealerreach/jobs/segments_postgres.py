"""A segment run on the ``postgres`` engine, written where it is computed.

The rule frame is materialised in a temporary table of the store's own database, and
SQL copies it into ``opportunity_segments`` (each row's other features as JSON, made by
the database) and the movements since the previous run into ``segment_movements``, in
one transaction of the session that holds the temporary table. No opportunity travels
to the client: bringing a 1,000,000-customer run's 1.2 million rows of 92 columns to
Python and sending them back took 6.4 GB of client memory.

The SQL names only the store's tables and the rule frame's own columns (never input);
every value is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from dealerreach.features.config import RuleConfig
from dealerreach.jobs.engines import Stager, open_inputs
from dealerreach.jobs.run_result import STORED_COLUMNS, rule_frame
from dealerreach.jobs.run_sql import features_json, membership_changes, quoted


@dataclass(frozen=True)
class Written:
    """What the run wrote: its opportunities, the rule frame's columns in order, and
    how many movements entered and left a segment."""

    count: int
    columns: list[str]
    entered: int
    left: int


def write_in_database(store: sa.Engine, *, group_id: str, as_of: date, config: RuleConfig,
                      previous: date | None,
                      say: Callable[[str], None]) -> Written:
    """Compute the run of D in PostgreSQL and replace the stored run of D (its rows and
    movements; the run's record is the caller's)."""
    with open_inputs(store, engine="postgres", group_id=group_id, as_of=as_of) as (
            con, inputs):
        stage = Stager(con, "postgres")
        try:
            result = stage(rule_frame(inputs, engine="postgres", stage=stage, as_of=as_of,
                                      config=config))
            say("writing opportunities and movements")
            with con.begin() as cursor:
                floats = {name for name, dtype in result.schema().items()
                          if dtype.is_floating()}
                return _write(cursor, result.get_name(), list(result.columns), floats,
                              group_id=group_id, as_of=as_of, previous=previous)
        finally:
            stage.close()


def _write(cursor: Any, table: str, columns: list[str], floats: AbstractSet[str], *,
           group_id: str, as_of: date, previous: date | None) -> Written:
    key = {"group_id": group_id, "as_of": as_of, "previous": previous}
    for target in ("opportunity_segments", "segment_movements"):
        cursor.execute(f"DELETE FROM {target} "
                       "WHERE group_id = %(group_id)s AND as_of = %(as_of)s", key)
    cursor.execute(_rows_sql(table, columns, floats), key)
    count = cursor.rowcount
    moved = {"entered": 0, "left": 0}
    if previous is not None:
        cursor.execute(_movements_sql(table), key)
        cursor.execute("SELECT movement, count(*) FROM segment_movements "
                       "WHERE group_id = %(group_id)s AND as_of = %(as_of)s "
                       "GROUP BY movement", key)
        moved.update(dict(cursor.fetchall()))
    return Written(count, columns, moved["entered"], moved["left"])


def _rows_sql(table: str, columns: list[str], floats: AbstractSet[str]) -> str:
    """The run's rows: its own columns, and every other feature that is not null as
    one JSON object (``stored_opportunity`` reads both back)."""
    own = ", ".join(quoted(c) for c in STORED_COLUMNS)
    others = [c for c in columns if c not in STORED_COLUMNS]
    return (f"INSERT INTO opportunity_segments (group_id, as_of, {own}, features) "
            f"SELECT %(group_id)s, %(as_of)s, {own}, {features_json(others, floats)} "
            f"FROM {quoted(table)} r")


def _movements_sql(table: str) -> str:
    """The movements since the previous run, written into ``segment_movements``."""
    changes = membership_changes(quoted(table), "opportunity_segments",
                                 previous_where="WHERE group_id = %(group_id)s "
                                                "AND as_of = %(previous)s")
    return ("INSERT INTO segment_movements (group_id, as_of, vin, kind, segment_id, "
            "movement, rooftop_id, previous_as_of) "
            "SELECT %(group_id)s, %(as_of)s, vin, kind, segment_id, movement, rooftop_id, "
            f"%(previous)s FROM ({changes}) m")
