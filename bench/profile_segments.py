"""Where a segment run's time goes: each store table read, each staged table, the
final result, the features' JSON and the write, timed one by one.

    .venv/bin/python bench/profile_segments.py --customers 100000

Uses the SQLite store ``bench_segments.py`` keeps for the size (made first when
missing). A stored run of D is removed first, outside the timing, as the benchmark
does.
"""

from __future__ import annotations

import argparse
import inspect
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from bench_segments import copy_root, loaded_store
from children import peak_rss_mb
from demo_data import AS_OF, demo_group
from segments_child import _remove_run
from stores import DEFAULT_POSTGRES

import dealerreach.jobs.analytics_copy as analytics_copy
import dealerreach.jobs.engines as engines
import dealerreach.jobs.segments as segments
from dealerreach.storage.engine import open_store

GROUP_ID = "bench"
#: (what, seconds, rows, seconds since the run started when it ended)
steps: list[tuple[str, float, int, float]] = []
_began = time.perf_counter()


def _caller() -> str:
    """The rule function that asked for a table to be staged."""
    for frame in inspect.stack()[2:]:
        module = frame.frame.f_globals.get("__name__", "")
        if module.startswith("dealerreach.features.staging"):
            continue
        if module.startswith(("dealerreach.features", "dealerreach.segments")):
            return f"{module.rsplit('.', 1)[-1]}.{frame.function}"
    return "?"


def _timed(label: str, run: Callable[[], Any], rows: Callable[[Any], int]) -> Any:
    started = time.perf_counter()
    out = run()
    ended = time.perf_counter()
    steps.append((label, ended - started, rows(out), ended - _began))
    return out


def _patch() -> None:
    call, each_table = engines.Stager.__call__, engines.each_table

    def timed_stage(self: engines.Stager, table: Any) -> Any:
        label = f"stage {_caller()} (held {len(self.held)})"
        return _timed(label, lambda: call(self, table), lambda t: int(t.count().execute()))

    def timed_each_table(*args: Any, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        tables = each_table(*args, **kwargs)
        while True:
            started = time.perf_counter()
            try:
                name, table = next(tables)
            except StopIteration:
                return
            ended = time.perf_counter()
            steps.append((f"read {name}", ended - started, table.num_rows, ended - _began))
            yield name, table

    engines.Stager.__call__ = timed_stage  # type: ignore[method-assign]
    analytics_copy.each_table = timed_each_table
    json_of, write = segments._features_json, segments._write

    def timed_json(result: Any) -> Any:
        return _timed("features JSON of a batch", lambda: json_of(result), len)

    def timed_write(*args: Any, **kwargs: Any) -> Any:
        return _timed("write (JSON of every batch included)", lambda: write(*args, **kwargs),
                      lambda _: 0)

    segments._features_json = timed_json
    segments._write = timed_write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rooftops", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    parser.add_argument("--copy", action="store_true",
                        help="read the analytics copy (written first when stale)")
    args = parser.parse_args()
    group = demo_group(customers=args.customers, rooftops=args.rooftops, seed=args.seed)
    url = loaded_store(group, "sqlite", admin_url=DEFAULT_POSTGRES)
    store = open_store(url)
    _remove_run(store, GROUP_ID, args.as_of)  # as the benchmark does, outside the timing
    _patch()
    global _began
    _began = time.perf_counter()
    run = segments.run_segments(
        store, group_id=GROUP_ID, as_of=args.as_of, now=datetime.now(UTC),
        progress=lambda s: steps.append((s, 0.0, 0, time.perf_counter() - _began)),
        copy_root=copy_root(url) if args.copy else None)
    total = time.perf_counter() - _began
    print(f"{'step':58} {'s':>8} {'rows':>12} {'at s':>8}")
    batches = [st for st in steps if st[0].startswith("features JSON")]
    shown = [st for st in steps if not st[0].startswith("features JSON")]
    if batches:
        shown.append((f"features JSON, {len(batches)} batches in all",
                      sum(b[1] for b in batches), sum(b[2] for b in batches), batches[-1][3]))
    for label, seconds, rows, at in shown:
        print(f"{label[:58]:58} {seconds:8.2f} {rows:12,} {at:8.1f}")
    print(f"total {total:.1f} s, {run.opportunities:,} opportunities, "
          f"peak {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
