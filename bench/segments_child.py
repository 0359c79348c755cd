"""One features-and-segments measurement in a fresh process; prints JSON.

Run by ``bench_segments.py``; by hand, the ``pandas`` job checks the baseline against a
stored run (``dealerreach segments run`` first). Jobs:

- ``copy``: the group's analytics copy written afresh from the store, as
  ``dealerreach import`` does after each import (``--copy-root``).
- ``dealerreach``: ``run_segments`` on D as ``dealerreach segments run`` runs it (read the
  analytics copy under ``--copy-root``, or the store without it; compute every feature and
  segment; write the opportunities and the movements since the previous run). A stored
  run of D is removed first, outside the timing, so every measurement is the day's
  first run.
- ``pandas``: the baseline in ``baseline_pandas.py`` (read the same input, the copy or
  the store; compute the same rules), then its rows compared with the stored
  dealerreach run of D, every column the baseline computes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
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


def dealerreach_run(store: sa.Engine, group_id: str, *, as_of: date, engine: str,
                    copy_root: Path | None) -> dict[str, Any]:
    from dealerreach.jobs.segments import run_segments

    steps: list[tuple[str, float]] = []

    def progress(step: str) -> None:
        steps.append((step, time.perf_counter()))
        say(step)

    started = time.perf_counter()
    run = run_segments(store, group_id=group_id, as_of=as_of, engine=engine,
                       now=datetime.now(UTC), progress=progress, copy_root=copy_root)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    ends = [t for _, t in steps[1:]] + [started + seconds]
    phases = {_phase(step): end - begun
              for (step, begun), end in zip(steps, ends, strict=True)}
    return {"seconds": seconds, "phases": phases, "peak_rss_mb": peak,
            "opportunities": run.opportunities, "entered": run.entered, "left": run.left,
            "previous_as_of": run.previous_as_of.isoformat() if run.previous_as_of else None}


def _phase(step: str) -> str:
    if step.startswith("computing"):
        return "read and compute"
    return "copy" if "analytics copy" in step else "write"


def copy_run(store: sa.Engine, group_id: str, *, copy_root: Path) -> dict[str, Any]:
    """The analytics copy written afresh, as ``dealerreach import`` does after an import."""
    from dealerreach.jobs.analytics_copy import refresh_copy

    say("writing the analytics copy")
    started = time.perf_counter()
    copy = refresh_copy(store, root=copy_root, group_id=group_id, now=datetime.now(UTC))
    seconds = time.perf_counter() - started
    if copy is None:
        raise SystemExit("the group has no completed import to copy")
    size = sum(p.stat().st_size for p in copy.folder.iterdir())
    return {"seconds": seconds, "phases": {"copy": seconds}, "peak_rss_mb": peak_rss_mb(),
            "opportunities": 0, "rows": sum(copy.rows.values()), "bytes": size}


def pandas_run(store: sa.Engine, url: str, group_id: str, *, as_of: date,
               copy_root: Path | None) -> dict[str, Any]:
    import baseline_pandas

    from dealerreach.features.config import RuleConfig
    from dealerreach.jobs.analytics_copy import current_copy

    started = time.perf_counter()
    copy = None if copy_root is None else current_copy(store, root=copy_root,
                                                       group_id=group_id)
    say("reading the " + ("analytics copy" if copy else "store") + " into pandas")
    tables = baseline_pandas.load_inputs(url, group_id,
                                         folder=None if copy is None else copy.folder)
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
    parser.add_argument("--job", choices=("dealerreach", "pandas", "copy"), required=True)
    parser.add_argument("--url", required=True, help="the loaded store's URL")
    parser.add_argument("--engine", default="duckdb", help="for dealerreach: the engine")
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    parser.add_argument("--group", default=GROUP_ID, help="the group (default: bench)")
    parser.add_argument("--copy-root", type=Path, default=None,
                        help="the analytics copies' folder (default: read the store)")
    args = parser.parse_args(argv)
    say("opening the store")
    store = open_store(args.url)
    result: dict[str, Any]
    if args.job == "dealerreach":
        say("removing a stored run of the date")
        _remove_run(store, args.group, args.as_of)
        result = dealerreach_run(store, args.group, as_of=args.as_of, engine=args.engine,
                                 copy_root=args.copy_root)
    elif args.job == "copy":
        result = copy_run(store, args.group, copy_root=args.copy_root)
    else:
        result = pandas_run(store, args.url, args.group, as_of=args.as_of,
                            copy_root=args.copy_root)
    store.dispose()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
