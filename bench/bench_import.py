"""`make bench-import`: import a demo group into SQLite and PostgreSQL, against raw loaders.

For each engine, two loads of the same group, each in its own fresh process into its own
fresh store: the engine's raw loader (the floor), then the dealerreach import with all
validation, cleaning and identity on. Prints rows/s and peak memory side by side, checks
the stored row counts, and writes the figures into docs/benchmarks.md.

    .venv/bin/python bench/bench_import.py --customers 100000
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from children import ChildFailed, run_child
from demo_data import AS_OF, OUT, DemoGroup, demo_group
from report import (
    Measurement,
    Setting,
    check_counts,
    markdown_section,
    outcomes,
    rich_table,
    write_section,
)
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.progress import TimeElapsedColumn as Elapsed
from stores import DEFAULT_POSTGRES, fresh_store, postgres_version

ROOT = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).resolve().with_name("bench_child.py")
LOADERS = ("raw", "dealerreach")
console = Console()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Import a demo group into SQLite and PostgreSQL; compare with raw loaders.")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--rooftops", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--engines", default="sqlite,postgres",
                        help="comma-separated: sqlite, postgres")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure each engine this many times, raw loader and import "
                             "in turn, and show each loader's median (the machine's speed "
                             "drifts)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the stores (SQLite files in bench/out/stores, databases)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES,
                        help="a PostgreSQL URL whose user may create databases")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "benchmarks.md",
                        help="where the figures go")
    parser.add_argument("--no-docs", action="store_true", help="do not write the figures")
    args = parser.parse_args(argv)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engines) - {"sqlite", "postgres"}
    if unknown or not args.engines:
        parser.error(f"--engines takes sqlite and/or postgres, not {', '.join(unknown)}")
    if args.rounds < 1:
        parser.error("--rounds takes a whole number from 1")
    return args


def generate(args: argparse.Namespace) -> DemoGroup:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               MofNCompleteColumn(), Elapsed())
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as progress:
        task = progress.add_task("demo group (cached after the first run)",
                                 total=args.customers)
        group = demo_group(customers=args.customers, rooftops=args.rooftops, seed=args.seed,
                           progress=lambda done: progress.update(task, completed=done))
    verb = "generated" if group.generated else "cached"
    console.print(f"Demo group {verb}: {args.customers:,} customers, {group.total_rows:,} rows "
                  f"in {len(group.rows)} files ({group.folder.relative_to(ROOT)})")
    return group


def measure(*, engine: str, loader: str, url: str, data: Path) -> Measurement:
    """One measurement in a fresh process, its progress shown with the elapsed time."""
    command = [sys.executable, str(CHILD), "--loader", loader, "--url", url, "--data", str(data)]
    result = run_child(command, label=f"{engine} {loader}", console=console)
    return Measurement(engine, loader, result["seconds"], result["rows"],
                       result["peak_rss_mb"], result["stored"], result["report"])


def measure_all(args: argparse.Namespace, data: Path
                ) -> tuple[list[Measurement], dict[tuple[str, str], list[float]]]:
    """Each engine's loads, the loaders in turn for every round; per loader the median
    round (with the largest peak memory of all), and every round's seconds."""
    measurements = []
    rounds: dict[tuple[str, str], list[float]] = {}
    for engine in args.engines:
        taken: dict[str, list[Measurement]] = {loader: [] for loader in LOADERS}
        for n in range(args.rounds):
            for loader in LOADERS:
                taken[loader].append(_measure_once(args, engine=engine, loader=loader,
                                                   data=data, round_no=n))
        for loader in LOADERS:
            measurements.append(_median(taken[loader]))
            rounds[(engine, loader)] = [m.seconds for m in taken[loader]]
    return measurements, rounds


def _measure_once(args: argparse.Namespace, *, engine: str, loader: str, data: Path,
                  round_no: int) -> Measurement:
    with fresh_store(engine, label=loader, folder=OUT / "stores",
                     admin_url=args.postgres, keep=args.keep) as url:
        m = measure(engine=engine, loader=loader, url=url, data=data)
        if args.keep:
            console.print(f"  kept: {url}")
    shown = f" (round {round_no + 1})" if args.rounds > 1 else ""
    console.print(f"{engine:>8} {loader:<11} {m.rows:>12,} rows {m.seconds:>9.1f} s "
                  f"{m.rows_per_s:>10,.0f} rows/s  peak {m.peak_rss_mb:,.0f} MB{shown}")
    return m


def _median(taken: list[Measurement]) -> Measurement:
    """The round of median seconds (the lower of the two middle ones for an even
    count), with the largest peak memory of all rounds."""
    middle = sorted(taken, key=lambda m: m.seconds)[(len(taken) - 1) // 2]
    return replace(middle, peak_rss_mb=max(m.peak_rss_mb for m in taken))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    pg_version = postgres_version(args.postgres) if "postgres" in args.engines else None
    group = generate(args)
    try:
        measurements, rounds = measure_all(args, group.folder)
    except ChildFailed as exc:
        console.print(f"[red]{exc}[/red]")
        return 1
    results = outcomes(measurements)
    console.print(rich_table(results, title=f"Import of {group.total_rows:,} rows "
                                            f"({args.customers:,} customers)"))
    checks = []
    raw = {m.engine: m for m in measurements if m.loader == "raw"}
    for m in measurements:
        if m.loader == "dealerreach" and m.engine in raw:
            checks.append(check_counts(raw[m.engine], m))
    for check in checks:
        for note in check.notes:
            console.print(f"[dim]{note}[/dim]")
        for warning in check.warnings:
            console.print(f"[yellow]warning: stored rows differ: {warning}[/yellow]")
    if not args.no_docs:
        setting = Setting(args.customers, args.rooftops, args.seed, AS_OF, group.rows,
                          args.engines, pg_version, rounds)
        write_section(args.docs, markdown_section(results, setting=setting, checks=checks,
                                                  measured=date.today()))
        console.print(f"Figures written to {_shown(args.docs)}")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
