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
import sys
import time
from pathlib import Path

from demo_data import OUT, demo_group
from stores import DEFAULT_POSTGRES, fresh_store

from dealerreach.ingest.run import import_path
from dealerreach.storage.engine import open_store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile one dealerreach import.")
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--rooftops", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--cprofile", type=Path, help="write cProfile stats here")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    group = demo_group(customers=args.customers, rooftops=args.rooftops, seed=args.seed)
    with fresh_store(args.engine, label="profile", folder=OUT / "stores",
                     admin_url=args.postgres, keep=args.keep) as url:
        engine = open_store(url)
        profiler = cProfile.Profile() if args.cprofile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        report = import_path(engine, group.folder, group_id="bench")
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.cprofile)
        seconds = time.perf_counter() - started
        engine.dispose()
        if args.keep:
            print(f"kept: {url}")
    print(f"{report.status}: {group.total_rows:,} rows in {seconds:.1f} s "
          f"({group.total_rows / seconds:,.0f} rows/s)")
    return 0 if report.status == "completed" else 1


if __name__ == "__main__":
    sys.exit(main())
