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


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rows_sql(table: str, columns: list[str], floats: AbstractSet[str]) -> str:
    """The run's rows: its own columns, and every other feature that is not null as
    one JSON object (``stored_opportunity`` reads both back)."""
    own = ", ".join(_quoted(c) for c in STORED_COLUMNS)
    others = [c for c in columns if c not in STORED_COLUMNS]
    return (f"INSERT INTO opportunity_segments (group_id, as_of, {own}, features) "
            f"SELECT %(group_id)s, %(as_of)s, {own}, {_features_json(others, floats)} "
            f"FROM {_quoted(table)} r")


#: fragments joined by one ``concat_ws`` (PostgreSQL takes at most 100 arguments)
_PER_CALL = 90


def _features_json(columns: list[str], floats: AbstractSet[str] = frozenset()) -> str:
    """SQL of a JSON object of the named columns of ``r`` that are not null, written
    as the DuckDB path writes it (``feature_json_sql``): a null value makes its
    fragment null, which ``concat_ws`` skips, and a whole number in a column of
    ``floats`` keeps its ".0" (PostgreSQL writes 100, DuckDB 100.0, and the JSON would
    read back as a whole number). Three times faster than ``to_jsonb`` at 1,000,000
    customers."""
    fragments = [f"""'"{name}":' || {_json_value(name, name in floats)}"""
                 for name in columns]
    parts = [f"NULLIF(concat_ws(',', {', '.join(fragments[i:i + _PER_CALL])}), '')"
             for i in range(0, len(fragments), _PER_CALL)]
    if not parts:
        return "'{}'"
    return f"'{{' || concat_ws(',', {', '.join(parts)}) || '}}'"


def _json_value(name: str, is_float: bool) -> str:
    text = f"to_json(r.{_quoted(name)})::text"
    return f"regexp_replace({text}, '^(-?[0-9]+)$', '\\1.0')" if is_float else text


def _movements_sql(table: str) -> str:
    """Every (VIN, kind, segment) flag of the run that the previous run had not
    (entered), and every one of the previous run it has not any more (left)."""
    def flags(source: str, where: str) -> str:
        return (f"SELECT vin, rooftop_id, 'sales' AS kind, "
                f"unnest(string_to_array(sales_flags, ';')) AS segment_id FROM {source} "
                f"{where} UNION ALL "
                f"SELECT vin, rooftop_id, 'service', "
                f"unnest(string_to_array(service_flags, ';')) FROM {source} "
                f"{'WHERE' if not where else where + ' AND'} service_flags <> ''")

    previous = "WHERE group_id = %(group_id)s AND as_of = %(previous)s"
    same = "USING (vin, kind, segment_id)"
    return (f"WITH cur AS ({flags(_quoted(table), '')}), "
            f"prev AS ({flags('opportunity_segments', previous)}) "
            "INSERT INTO segment_movements (group_id, as_of, vin, kind, segment_id, "
            "movement, rooftop_id, previous_as_of) "
            "SELECT %(group_id)s, %(as_of)s, c.vin, c.kind, c.segment_id, 'entered', "
            f"c.rooftop_id, %(previous)s FROM cur c LEFT JOIN prev p {same} "
            "WHERE p.vin IS NULL "
            "UNION ALL "
            "SELECT %(group_id)s, %(as_of)s, p.vin, p.kind, p.segment_id, 'left', "
            f"p.rooftop_id, %(previous)s FROM prev p LEFT JOIN cur c {same} "
            "WHERE c.vin IS NULL")
