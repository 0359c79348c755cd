"""One dealerreach import of a cached demo group into a fresh store, to profile.

    .venv/bin/py-spy record --format raw -o import.txt -- \\
        .venv/bin/python bench/profile_import.py --customers 50000 --engine sqlite
    .venv/bin/python bench/profile_import.py --customers 50000 --cprofile import.pstats

The group is generated (and cached) as ``bench_import.py`` does; the store is removed
afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import cProfile
import shutil
import sys
import threading
import time
from pathlib import Path

from children import peak_rss_mb, status_mb
from demo_data import OUT, demo_group
from stores import DEFAULT_POSTGRES, fresh_store

import dealerreach.ingest.run as import_run
from dealerreach.ingest.run import import_path
from dealerreach.storage.engine import open_store


class MemoryWatch:
    """Samples this process's resident memory twice a second, with the step it is in."""

    def __init__(self) -> None:
        self.step = "start"
        self.peak: dict[str, float] = {}
        #: seconds spent in each step
        self.seconds: dict[str, float] = {}
        self._since = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._enter("end")
        self._stop.set()
        self._thread.join()

    def on_progress(self, name: str, done: int) -> None:
        self._enter(name)

    def _enter(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[self.step] = self.seconds.get(self.step, 0.0) + now - self._since
        self.step, self._since = step, now

    def watch_identity(self) -> None:
        """Name the identity step (it reports no progress of its own)."""
        resolve = import_run.resolve_group

        def named(*args: object, **kwargs: object) -> int:
            self._enter("identity")
            try:
                return resolve(*args, **kwargs)  # type: ignore[arg-type]
            finally:
                self._enter("after identity")
        import_run.resolve_group = named  # type: ignore[assignment]

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            rss = status_mb("VmRSS") or 0.0
            self.peak[self.step] = max(self.peak.get(self.step, 0.0), rss)


def _only(folder: Path, names: str) -> Path:
    """A folder of links to some of the group's files (an import of those alone)."""
    chosen = OUT / "only" / "-".join(sorted(n.strip() for n in names.split(",")))
    shutil.rmtree(chosen, ignore_errors=True)
    chosen.mkdir(parents=True)
    for name in (n.strip() for n in names.split(",")):
        (chosen / name).symlink_to((folder / name).resolve())
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile one dealerreach import.")
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--rooftops", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--cprofile", type=Path, help="write cProfile stats here")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--only", help="comma-separated files of the group to import "
                                       "(e.g. rooftops.csv,customers.csv); default: all")
    args = parser.parse_args(argv)
    group = demo_group(customers=args.customers, rooftops=args.rooftops, seed=args.seed)
    folder = _only(group.folder, args.only) if args.only else group.folder
    with fresh_store(args.engine, label="profile", folder=OUT / "stores",
                     admin_url=args.postgres, keep=args.keep) as url:
        engine = open_store(url)
        profiler = cProfile.Profile() if args.cprofile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        with MemoryWatch() as memory:
            memory.watch_identity()
            report = import_path(engine, folder, group_id="bench",
                                 progress=memory.on_progress)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.cprofile)
        seconds = time.perf_counter() - started
        engine.dispose()
        if args.keep:
            print(f"kept: {url}")
    rows = sum(n for name, n in group.rows.items() if (folder / name).exists())
    print(f"{report.status}: {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)")
    print(f"peak resident memory of the process: {peak_rss_mb():,.0f} MB")
    print("seconds and peak resident memory by step:")
    for step, spent in memory.seconds.items():
        peak = memory.peak.get(step)
        shown = "" if peak is None else f"{peak:,.0f} MB"
        print(f"  {step:<20} {spent:8.1f} s  {shown:>10}")
    return 0 if report.status == "completed" else 1


if __name__ == "__main__":
    sys.exit(main())
