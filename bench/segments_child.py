"""One features-and-segments measurement in a fresh process; prints JSON.

Run by ``bench_segments.py``; by hand, the ``pandas`` job checks the baseline against a
stored run (``dealerreach segments run`` first). Jobs:

- ``dealerreach``: ``run_segments`` on D as ``dealerreach segments run`` runs it (read the
  store, compute every feature and segment, write the opportunities and the movements
  since the previous run). A stored run of D is removed first, outside the timing, so
  every measurement is the day's first run.
- ``pandas``: the baseline in ``baseline_pandas.py`` (read the store, compute the export's
  columns), then its rows compared with the stored dealerreach run of D.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from children import peak_rss_mb, say
from compare_runs import compare, stored_run

from dealerreach.storage import schema
from dealerreach.storage.engine import open_store

GROUP_ID = "bench"
RUN_TABLES = (schema.opportunity_segments, schema.segment_movements, schema.segment_runs)


def _remove_run(store: sa.Engine, group_id: str, as_of: date) -> None:
    with store.begin() as conn:
        for table in RUN_TABLES:
            conn.execute(sa.delete(table).where(table.c.group_id == group_id,
                                                table.c.as_of == as_of))


def dealerreach_run(store: sa.Engine, group_id: str, *, as_of: date,
                    engine: str) -> dict[str, Any]:
    from dealerreach.jobs.segments import run_segments

    steps: list[tuple[str, float]] = []

    def progress(step: str) -> None:
        steps.append((step, time.perf_counter()))
        say(step)

    started = time.perf_counter()
    run = run_segments(store, group_id=group_id, as_of=as_of, engine=engine,
                       now=datetime.now(UTC), progress=progress)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    ends = [t for _, t in steps[1:]] + [started + seconds]
    phases = {"read and compute" if step.startswith("computing") else "write":
              end - begun for (step, begun), end in zip(steps, ends, strict=True)}
    return {"seconds": seconds, "phases": phases, "peak_rss_mb": peak,
            "opportunities": run.opportunities, "entered": run.entered, "left": run.left,
            "previous_as_of": run.previous_as_of.isoformat() if run.previous_as_of else None}


def pandas_run(store: sa.Engine, url: str, group_id: str, *, as_of: date) -> dict[str, Any]:
    import baseline_pandas

    from dealerreach.features.config import RuleConfig

    started = time.perf_counter()
    say("reading the store into pandas")
    tables = baseline_pandas.load_inputs(url, group_id)
    read = time.perf_counter()
    say("computing features and segments in pandas")
    frame = baseline_pandas.export_frame(tables, as_of, RuleConfig())
    done = time.perf_counter()
    peak = peak_rss_mb()
    del tables
    say("comparing with the dealerreach run")
    check = compare(frame, stored_run(store, group_id=group_id, as_of=as_of))
    return {"seconds": done - started,
            "phases": {"read": read - started, "compute": done - read},
            "peak_rss_mb": peak, "opportunities": len(frame), "check": check}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--job", choices=("dealerreach", "pandas"), required=True)
    parser.add_argument("--url", required=True, help="the loaded store's URL")
    parser.add_argument("--engine", default="duckdb", help="for dealerreach: the engine")
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    parser.add_argument("--group", default=GROUP_ID, help="the group (default: bench)")
    args = parser.parse_args(argv)
    say("opening the store")
    store = open_store(args.url)
    result: dict[str, Any]
    if args.job == "dealerreach":
        say("removing a stored run of the date")
        _remove_run(store, args.group, args.as_of)
        result = dealerreach_run(store, args.group, as_of=args.as_of, engine=args.engine)
    else:
        result = pandas_run(store, args.url, args.group, as_of=args.as_of)
    store.dispose()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
