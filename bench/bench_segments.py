"""`make bench-segments`: features and segments of a demo group, against a pandas baseline.

The demo group is imported once per size into a SQLite store (with ``dealerreach
import``, so identity and history are as in production), copied row for row into a
PostgreSQL database, and both are kept in ``bench/out/stores`` for later runs. Then,
each in its own fresh process:

- SQLite store + DuckDB: ``dealerreach segments run`` end to end;
- PostgreSQL store, rules in the database: the same with ``--engine postgres``;
- the plain pandas baseline (``baseline_pandas.py``) on the SQLite store: reading the
  same input and computing the same rules, the export's columns and every other feature
  a rule derives (it writes nothing), its rows then compared with the dealerreach run,
  column by column, so both are known to apply the same rules.

Prints the figures side by side and writes them into docs/benchmarks.md.

    .venv/bin/python bench/bench_segments.py --customers 100000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from children import ChildFailed, run_child
from copy_store import copy_store
from demo_data import AS_OF, OUT, DemoGroup, demo_group
from psycopg import sql
from report import machine, markdown_table, write_section
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.progress import TimeElapsedColumn as Elapsed
from rich.table import Table
from stores import DEFAULT_POSTGRES, postgres_version

ROOT = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).resolve().with_name("segments_child.py")
GROUP_ID = "bench"
#: the issue's targets
TIME_TARGET_S = 60.0
SPEEDUP_TARGET = 5.0
MEMORY_TARGET_MB = 4 * 1024
TARGET_CUSTOMERS = 1_000_000
console = Console()


@dataclass
class Result:
    store: str
    implementation: str
    seconds: float
    phases: dict[str, float]
    peak_rss_mb: float
    opportunities: int
    extra: dict[str, Any] = field(default_factory=dict)


# -- the loaded stores, kept between runs -----------------------------------------------


def _fingerprint(group: DemoGroup) -> str:
    summary = json.loads((group.folder.parent / "summary.json").read_text())
    return str(summary["fingerprint"])


def _store_name(group: DemoGroup) -> str:
    return f"segments-{group.folder.parent.name.removeprefix('group-')}"


def _marker(group: DemoGroup, engine: str) -> Path:
    return OUT / "stores" / f"{_store_name(group)}-{engine}.json"


def _postgres_database(group: DemoGroup) -> str:
    return "dealerreach_bench_" + _store_name(group).replace("-", "_")


def loaded_store(group: DemoGroup, engine: str, *, admin_url: str) -> str:
    """The URL of a store holding the whole group, imported first when missing or stale."""
    marker = _marker(group, engine)
    admin = sa.engine.make_url(admin_url)
    if engine == "sqlite":
        path = marker.with_suffix(".db")
        url = f"sqlite:///{path}"
    else:
        url = admin.set(drivername="postgresql+psycopg",
                        database=_postgres_database(group)).render_as_string(
                            hide_password=False)
    try:
        kept = json.loads(marker.read_text())
    except (OSError, ValueError):
        kept = {}
    if kept.get("fingerprint") == _fingerprint(group) and kept.get("url") == url \
            and _reachable(url):
        return url
    marker.unlink(missing_ok=True)
    started = time.perf_counter()
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        console.print("Importing the group into a SQLite store (once per group size):")
        env = {**os.environ, "DEALERREACH_DATABASE_URL": url}
        subprocess.run([sys.executable, "-m", "dealerreach", "import", str(group.folder),
                        "--group", GROUP_ID], env=env, check=True)
        how = "import"
    else:
        source = loaded_store(group, "sqlite", admin_url=admin_url)
        _recreate_database(admin_url, _postgres_database(group))
        _copy_with_progress(Path(sa.engine.make_url(source).database or ""), url)
        how = "copy"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"fingerprint": _fingerprint(group), "url": url, "how": how,
                                  "seconds": time.perf_counter() - started}))
    return url


def _copy_with_progress(sqlite_path: Path, url: str) -> None:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), Elapsed())
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task("copying the SQLite store into PostgreSQL")
        copied = copy_store(sqlite_path, url, progress=lambda table, n: bar.update(
            task, description=f"copying into PostgreSQL: {table} {n:,} rows"))
    console.print(f"Copied the SQLite store into PostgreSQL: {sum(copied.values()):,} rows")


def _reachable(url: str) -> bool:
    if url.startswith("sqlite"):
        return Path(sa.engine.make_url(url).database or "").exists()
    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)):
            return True
    except psycopg.OperationalError:
        return False


def _recreate_database(admin_url: str, name: str) -> None:
    dsn = sa.engine.make_url(admin_url).set(drivername="postgresql").render_as_string(
        hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                     .format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# -- the measurements -----------------------------------------------------------------


def _child(job: str, *, url: str, as_of: date, engine: str, label: str,
           copy_root: Path | None = None) -> dict[str, Any]:
    command = [sys.executable, str(CHILD), "--job", job, "--url", url,
               "--as-of", as_of.isoformat(), "--engine", engine]
    if copy_root is not None:
        command += ["--copy-root", str(copy_root)]
    return run_child(command, label=label, console=console)


def copy_root(url: str) -> Path:
    """Where a SQLite store's analytics copies are kept: beside its file, as
    ``dealerreach`` keeps them by default."""
    return Path(f"{sa.engine.make_url(url).database}.analytics")


def measure(args: argparse.Namespace, stores: dict[str, str],
            on_result: Callable[[list[Result]], None]) -> list[Result]:
    """SQLite + DuckDB, the pandas baseline, then PostgreSQL; ``on_result`` is told the
    results so far after each (a long run keeps what it measured)."""
    results: list[Result] = []

    def done(result: Result) -> None:
        results.append(result)
        _print(result)
        on_result(results)

    if "sqlite" in stores:
        url = stores["sqlite"]
        root = copy_root(url) if args.copy else None
        if root is not None:
            out = _child("copy", url=url, as_of=args.as_of, engine="duckdb",
                         label="analytics copy", copy_root=root)
            done(Result("sqlite", "copy", out["seconds"], out["phases"], out["peak_rss_mb"],
                        0, {"rows": out["rows"], "bytes": out["bytes"]}))
        done(_dealerreach(url, "sqlite", "duckdb", as_of=args.as_of, copy_root=root))
        if args.from_store and root is not None:
            done(_dealerreach(url, "sqlite", "duckdb", as_of=args.as_of, copy_root=None,
                              implementation="duckdb-store"))
        if args.baseline:
            out = _child("pandas", url=url, as_of=args.as_of, engine="pandas",
                         label="pandas baseline", copy_root=root)
            done(Result("sqlite", "pandas", out["seconds"], out["phases"],
                        out["peak_rss_mb"], out["opportunities"], {"check": out["check"]}))
    if "postgres" in stores:
        done(_dealerreach(stores["postgres"], "postgres", "postgres", as_of=args.as_of))
    return results


def _dealerreach(url: str, store: str, engine: str, *, as_of: date,
                 copy_root: Path | None = None, implementation: str | None = None) -> Result:
    out = _child("dealerreach", url=url, as_of=as_of, engine=engine,
                 label=f"{store} + {engine}" + (" (analytics copy)" if copy_root else ""),
                 copy_root=copy_root)
    return Result(store, implementation or engine, out["seconds"], out["phases"],
                  out["peak_rss_mb"], out["opportunities"],
                  {"entered": out["entered"], "left": out["left"]})


def _print(r: Result) -> None:
    if r.implementation == "copy":
        console.print(f"{STORES[r.store]:>10} {IMPLEMENTATIONS[r.implementation]:<22} "
                      f"{r.seconds:8.1f} s  {r.extra['rows']:,} rows, "
                      f"{r.extra['bytes'] / 2**20:,.0f} MB  peak {r.peak_rss_mb:,.0f} MB")
        return
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in r.phases.items())
    console.print(f"{STORES[r.store]:>10} {IMPLEMENTATIONS[r.implementation]:<22} "
                  f"{r.seconds:8.1f} s  ({phases})  peak {r.peak_rss_mb:,.0f} MB  "
                  f"{r.opportunities:,} opportunities")


# -- the figures ------------------------------------------------------------------------

STORES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
IMPLEMENTATIONS = {"copy": "analytics copy, written after import",
                   "duckdb": "dealerreach on DuckDB",
                   "duckdb-store": "dealerreach on DuckDB, reading the store",
                   "postgres": "dealerreach in PostgreSQL", "pandas": "pandas baseline"}
HEADERS = ["store", "implementation", "opportunities", "seconds", "read + compute s",
           "write s", "peak memory MB", "vs pandas", "target met"]


def _speedup(r: Result, baseline: Result | None) -> float | None:
    if baseline is None or r.implementation in ("pandas", "copy") or not r.seconds:
        return None
    return baseline.seconds / r.seconds


def _target(r: Result, speedup: float | None) -> str:
    if r.implementation != "duckdb":
        return "—"
    misses = []
    if r.seconds >= TIME_TARGET_S:
        misses.append("time")
    if speedup is None or speedup < SPEEDUP_TARGET:
        misses.append("speed-up" if speedup is not None else "no baseline")
    if r.peak_rss_mb >= MEMORY_TARGET_MB:
        misses.append("memory")
    return "yes" if not misses else f"no ({', '.join(misses)})"


def _cells(r: Result, baseline: Result | None) -> list[str]:
    if r.implementation == "copy":
        return [STORES[r.store], IMPLEMENTATIONS[r.implementation],
                f"({r.extra['rows']:,} rows, {r.extra['bytes'] / 2**20:,.0f} MB)",
                f"{r.seconds:,.1f}", "—", "—", f"{r.peak_rss_mb:,.0f}", "—", "—"]
    speedup = _speedup(r, baseline)
    if r.implementation == "pandas":
        compute = r.phases.get("read", 0) + r.phases.get("compute", 0)
        write = "— (writes nothing)"
    else:
        compute = r.phases.get("read and compute", 0)
        write = f"{r.phases.get('write', 0):,.1f}"
    return [STORES[r.store], IMPLEMENTATIONS[r.implementation], f"{r.opportunities:,}",
            f"{r.seconds:,.1f}", f"{compute:,.1f}", write, f"{r.peak_rss_mb:,.0f}",
            "1.0×" if r.implementation == "pandas" else
            ("—" if speedup is None else f"{speedup:.1f}×"), _target(r, speedup)]


def _baseline(results: list[Result]) -> Result | None:
    return next((r for r in results if r.implementation == "pandas"), None)


def rich_table(results: list[Result], *, title: str) -> Table:
    table = Table(title=title)
    for n, header in enumerate(HEADERS):
        table.add_column(header, justify="left" if n < 2 else "right")
    baseline = _baseline(results)
    for r in results:
        table.add_row(*_cells(r, baseline))
    return table


def check_lines(results: list[Result]) -> list[str]:
    baseline = _baseline(results)
    if baseline is None:
        return ["The pandas baseline was not run."]
    check = baseline.extra["check"]
    lines = [f"The baseline's {check['rows_pandas']:,} rows against the dealerreach run's "
             f"{check['rows_stored']:,}, {check.get('columns_compared', 0)} columns "
             f"compared: {check['only_pandas']:,} only in pandas, "
             f"{check['only_stored']:,} only in dealerreach, "
             f"{check['mismatched_cells']:,} differing cells."]
    for name, examples in check["examples"].items():
        lines.append(f"{name}: {check['columns'][name]:,} differ, e.g. " + "; ".join(
            f"{e['vin']} pandas {e['pandas']!r} dealerreach {e['dealerreach']!r}"
            for e in examples))
    return lines


def markdown_section(results: list[Result], *, args: argparse.Namespace, group: DemoGroup,
                     pg_version: str | None, filled: dict[str, float]) -> str:
    baseline = _baseline(results)
    versions = [f"Python {sys.version.split()[0]}"]
    versions += [f"PostgreSQL {pg_version}"] if pg_version else []
    duckdb_version = _version("duckdb")
    ibis_version = _version("ibis-framework")
    pandas_version = _version("pandas")
    versions += [f"DuckDB {duckdb_version}", f"Ibis {ibis_version}", f"pandas {pandas_version}"]
    rows = group.rows
    lines = [
        "<!-- bench-segments:start -->",
        "## Features and segments: dealerreach against a plain pandas baseline",
        "",
        f"Measured {date.today().isoformat()} on {machine()}; {', '.join(versions)}.",
        "",
        f"Data: the demo group with {args.customers:,} customers, {args.rooftops} rooftops, "
        f"seed {args.seed} ({rows.get('vehicles.csv', 0):,} vehicles, "
        f"{rows.get('deals.csv', 0):,} deals, {rows.get('repair_orders.csv', 0):,} repair "
        f"orders, {rows.get('ro_lines.csv', 0):,} RO lines), imported with "
        "`dealerreach import`; D = " + args.as_of.isoformat() + ".",
        "",
        *markdown_table(HEADERS, [_cells(r, baseline) for r in results]),
        "",
        f"Targets (SQLite + DuckDB, at {TARGET_CUSTOMERS:,} customers): end to end under "
        f"{TIME_TARGET_S:.0f} s, at least {SPEEDUP_TARGET:.0f}× faster than the pandas "
        f"baseline, peak memory under {MEMORY_TARGET_MB / 1024:.0f} GB.",
        *_size_note(args),
        *(["", f"Conditions: {args.note}"] if args.note else []),
        "",
        "Same rules: " + " ".join(check_lines(results)),
        "",
        "How it is measured:",
        "- Each line is its own fresh process. dealerreach lines are `run_segments` as",
        "  `dealerreach segments run` runs it: read the group's records, compute every",
        "  feature and segment, write one row per opportunity (its export columns) in",
        "  one transaction, and every feature of every opportunity: into the run's",
        "  features file beside the store on the analytics copy's line, as JSON in the",
        "  store on the others. The run of D is removed first, outside the timing, and",
        "  there is no earlier run, so no movements are computed (a diff of two runs'",
        "  flags in DuckDB, small next to the rest).",
        "- \"analytics copy\" is what `dealerreach import` does after each import: the",
        "  group's rule columns read from the store and written as Parquet (decision 4).",
        "  It is timed on its own, once per import; the DuckDB line after it reads that",
        "  copy, as every run after an import does. \"reading the store\" (with",
        "  `--from-store`) is the same run without a copy.",
        "- The pandas baseline (`bench/baseline_pandas.py`) reads the same input as the",
        "  DuckDB line (the copy's files, or the store through the same Arrow reader when",
        "  run with `--no-copy`), then computes, with pandas and numpy alone, the same",
        "  rules: the export's columns and every other feature a run derives by a rule",
        "  (service due, market area, RFM, coverage ends, ...), each compared with the",
        "  stored run. It writes nothing, so its seconds leave out what dealerreach",
        "  spends writing: the comparison favours the baseline.",
        "- Peak memory is the process's own peak resident set (`VmHWM`). For the",
        "  PostgreSQL line the rules run in the database server, whose memory is not",
        "  counted.",
    ]
    if "sqlite" in filled:
        lines.append(f"- The SQLite store was filled once with `dealerreach import` "
                     f"({filled['sqlite'] / 60:,.0f} min on a shared machine)"
                     + ("; the PostgreSQL store is a row-for-row copy of it (`bench/"
                        "copy_store.py`, then `ANALYZE`)" if "postgres" in filled else "")
                     + ". Both are kept in `bench/out/stores` and reused by later runs.")
    lines += [
        "",
        f"Reproduce: `.venv/bin/python bench/bench_segments.py --customers {args.customers}` "
        f"(or `BENCH_CUSTOMERS={args.customers} make bench-segments`); it needs a",
        "PostgreSQL server on 127.0.0.1:5432 where user `postgres` may create databases.",
        "<!-- bench-segments:end -->",
    ]
    return "\n".join(lines) + "\n"


def _size_note(args: argparse.Namespace) -> list[str]:
    if args.customers >= TARGET_CUSTOMERS:
        return []
    return ["", f"This run is smaller than the targets' {TARGET_CUSTOMERS:,} customers; "
            "the targets are judged at that size only."]


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Features and segments of a demo group: dealerreach against pandas.")
    parser.add_argument("--customers", type=int, default=TARGET_CUSTOMERS)
    parser.add_argument("--rooftops", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF,
                        help="the date D (default: the demo group's as-of date)")
    parser.add_argument("--stores", default="sqlite,postgres",
                        help="comma-separated: sqlite, postgres")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="leave out the pandas baseline")
    parser.add_argument("--no-copy", dest="copy", action="store_false",
                        help="no analytics copy: every line reads the store")
    parser.add_argument("--from-store", action="store_true",
                        help="also a DuckDB run reading the store, beside the one on the copy")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES,
                        help="a PostgreSQL URL whose user may create databases")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-docs", action="store_true", help="do not write the figures")
    parser.add_argument("--note", default="",
                        help="a sentence about the conditions, written under the figures")
    args = parser.parse_args(argv)
    args.stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = set(args.stores) - set(STORES)
    if unknown or not args.stores:
        parser.error(f"--stores takes sqlite and/or postgres, not {', '.join(unknown)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    pg_version = postgres_version(args.postgres) if "postgres" in args.stores else None
    group = demo_group(customers=args.customers, rooftops=args.rooftops, seed=args.seed)
    console.print(f"Demo group: {args.customers:,} customers, {group.total_rows:,} rows "
                  f"({group.folder.parent.relative_to(ROOT)})")
    def write_docs(results: list[Result]) -> None:
        if args.no_docs:
            return
        filled = {s: json.loads(_marker(group, s).read_text()).get("seconds", 0.0)
                  for s in args.stores}
        write_section(args.docs, markdown_section(
            results, args=args, group=group, pg_version=pg_version, filled=filled),
            name="bench-segments")

    try:
        stores = {s: loaded_store(group, s, admin_url=args.postgres) for s in args.stores}
        results = measure(args, stores, on_result=write_docs)
    except (ChildFailed, subprocess.CalledProcessError) as exc:
        console.print(f"[red]{exc}[/red]")
        return 1
    console.print(rich_table(results, title=f"Features and segments, {args.customers:,} "
                                            f"customers, D = {args.as_of}"))
    for line in check_lines(results):
        console.print(f"[dim]{line}[/dim]")
    if not args.no_docs:
        console.print(f"Figures written to {args.docs.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
