"""The benchmark's figures: the side-by-side table, the row-count check, docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rich.table import Table

from dealerreach.storage import schema

#: the issue's targets: at least half the raw loader's rows/s, peak memory under 1.5 GB
SPEED_TARGET = 0.5
MEMORY_TARGET_MB = 1.5 * 1024
TARGET_CUSTOMERS = 1_000_000
ENGINE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
LOADER_NAMES = {"sqlite": {"raw": "raw executemany", "dealerreach": "dealerreach"},
                "postgres": {"raw": "raw COPY", "dealerreach": "dealerreach"}}


@dataclass
class Measurement:
    engine: str
    loader: str
    seconds: float
    rows: int
    peak_rss_mb: float
    stored: dict[str, int]
    report: dict | None = None

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class Outcome:
    """One line of the table: a measurement and how it compares with its raw loader."""

    measurement: Measurement
    raw: Measurement | None

    @property
    def ratio(self) -> float | None:
        if self.raw is None or not self.raw.rows_per_s:
            return None
        return self.measurement.rows_per_s / self.raw.rows_per_s

    @property
    def target_met(self) -> bool | None:
        if self.measurement.loader == "raw" or self.ratio is None:
            return None
        return self.ratio >= SPEED_TARGET and self.measurement.peak_rss_mb < MEMORY_TARGET_MB

    def cells(self) -> list[str]:
        m, ratio = self.measurement, self.ratio
        met = {None: "—", True: "yes", False: "no"}[self.target_met]
        if self.target_met is False:
            misses = []
            if ratio is not None and ratio < SPEED_TARGET:
                misses.append("speed")
            if m.peak_rss_mb >= MEMORY_TARGET_MB:
                misses.append("memory")
            met += f" ({', '.join(misses)})"
        return [ENGINE_NAMES[m.engine], LOADER_NAMES[m.engine][m.loader], f"{m.rows:,}",
                f"{m.seconds:,.1f}", f"{m.rows_per_s:,.0f}",
                "1.00" if m.loader == "raw" else ("—" if ratio is None else f"{ratio:.2f}"),
                f"{m.peak_rss_mb:,.0f}", met]


HEADERS = ["engine", "loader", "rows", "seconds", "rows/s", "ratio to raw", "peak memory MB",
           "target met"]


def outcomes(measurements: list[Measurement]) -> list[Outcome]:
    raw = {m.engine: m for m in measurements if m.loader == "raw"}
    return [Outcome(m, raw.get(m.engine)) for m in measurements]


def rich_table(results: list[Outcome], *, title: str) -> Table:
    table = Table(title=title)
    for n, header in enumerate(HEADERS):
        table.add_column(header, justify="left" if n < 2 else "right")
    for result in results:
        table.add_row(*result.cells())
    return table


# -- the row-count check ----------------------------------------------------------------


@dataclass
class CountCheck:
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_counts(raw: Measurement, imported: Measurement) -> CountCheck:
    """The import's stored rows against the raw loader's, table by table, explained:
    rejected rows and rows merged by key are not stored; bare records are added."""
    check = CountCheck()
    report = imported.report or {}
    for file_name, table in schema.RECORD_TABLES.items():
        have, base = imported.stored.get(table.name, 0), raw.stored.get(table.name, 0)
        counts = report.get("files", {}).get(file_name, {})
        rejected = counts.get("rejected", 0)
        merged = counts.get("updated", 0) + counts.get("unchanged", 0)
        bare = {"vehicles": report.get("bare_vehicles", 0),
                "rooftops": report.get("bare_rooftops", 0)}.get(table.name, 0)
        if have == base and not (rejected or merged or bare):
            continue
        parts = [f"{base:,} raw rows"]
        parts += [f"- {rejected:,} rejected"] if rejected else []
        parts += [f"- {merged:,} merged into a row of the same key"] if merged else []
        parts += [f"+ {bare:,} bare records"] if bare else []
        line = (f"{ENGINE_NAMES[imported.engine]} {table.name}: {have:,} stored = "
                + " ".join(parts))
        if have == base - rejected - merged + bare:
            check.notes.append(line)
        else:
            check.warnings.append(f"{line} = {base - rejected - merged + bare:,} expected, "
                                  f"{have:,} stored")
    check.notes.append(
        f"{ENGINE_NAMES[imported.engine]}: the import also stored "
        f"{imported.stored.get('customer_versions', 0):,} customer versions and "
        f"{report.get('warnings', 0):,} warnings as issues, which the raw loader has not")
    return check


# -- docs/benchmarks.md ---------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    customers: int
    rooftops: int
    seed: int
    as_of: date
    file_rows: dict[str, int]
    engines: list[str]
    postgres_version: str | None
    #: per engine and loader, the seconds of every round (rounds alternate the loaders)
    rounds: dict[tuple[str, str], list[float]] = field(default_factory=dict)


def machine() -> str:
    cpu = _cpu_model()
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (f"{os.cpu_count()} cores{f' ({cpu})' if cpu else ''}, {ram_gb:.1f} GB RAM, "
            f"{platform.system()} {platform.release()}")


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def versions(setting: Setting) -> str:
    parts = [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}"]
    if setting.postgres_version:
        parts.append(f"PostgreSQL {setting.postgres_version}")
    return ", ".join(parts)


def command_line(setting: Setting) -> str:
    engines = "" if setting.engines == ["sqlite", "postgres"] else \
        f" --engines {','.join(setting.engines)}"
    rounds = max((len(r) for r in setting.rounds.values()), default=1)
    return (f".venv/bin/python bench/bench_import.py --customers {setting.customers} "
            f"--rooftops {setting.rooftops} --seed {setting.seed}{engines}"
            f"{f' --rounds {rounds}' if rounds > 1 else ''}")


def markdown_section(results: list[Outcome], *, setting: Setting, checks: list[CountCheck],
                     measured: date) -> str:
    total = sum(setting.file_rows.values())
    start, end = markers("bench-import")
    lines = [
        start,
        "## Import: dealerreach against each engine's raw loader",
        "",
        f"Measured {measured.isoformat()} on {machine()}; {versions(setting)}.",
        "",
        f"Data: the demo group with {setting.customers:,} customers, {setting.rooftops} "
        f"rooftops, seed {setting.seed}, as of {setting.as_of.isoformat()} — "
        f"{total:,} rows in all:",
        "",
        "| file | rows |",
        "|---|---:|",
        *(f"| {name} | {rows:,} |" for name, rows in setting.file_rows.items()),
        "",
        *markdown_table(HEADERS, [r.cells() for r in results]),
        "",
        f"Target: at least {SPEED_TARGET:.0%} of the raw loader's rows/s with all "
        f"validation, cleaning and identity on, and peak memory under "
        f"{MEMORY_TARGET_MB / 1024:.1f} GB.",
        *_size_note(results, setting=setting),
        *_rounds_note(setting),
        *_count_notes(checks),
        "",
        "How it is measured:",
        "- Each line is its own fresh process loading the whole group into a fresh, empty,",
        "  migrated store (a SQLite file; a new PostgreSQL database on the same machine).",
        "  Seconds run from the first file opened to the commit; migrating and counting",
        "  are outside. Peak memory is that process's peak resident set (`VmHWM`:",
        "  on Linux `ru_maxrss` carries the parent's size at the fork across `exec`).",
        "- The raw loaders read each file with `csv.reader` and put the rows into the same",
        "  tables (same keys and indexes), cells as text, an empty cell as NULL, one",
        "  transaction: one `sqlite3` `executemany` per file (with the settings an",
        "  import's SQLite connection has: `synchronous=NORMAL`, a 256 MB page cache,",
        "  sorting in memory); one psycopg `COPY ... FROM STDIN` per file with",
        "  `write_row`. They add only what the table needs: the group",
        "  id, unknown columns as `extra` JSON, the valuation key. Pushing a file's bytes",
        "  through `COPY ... CSV HEADER` was no faster than `write_row` here (the server,",
        "  not the client, is the bottleneck) and cannot add those columns.",
        "- The dealerreach import is `import_path` as `dealerreach import` runs it: every",
        "  cell cleaned and checked, references checked, bare records created, upsert",
        "  by key, customer history, persons and households resolved, issues stored.",
        "",
        f"Reproduce: `{command_line(setting)}` (or `BENCH_CUSTOMERS={setting.customers} "
        "make bench-import`); it needs a PostgreSQL server on 127.0.0.1:5432 where user",
        "`postgres` may create databases. The generated group is cached in `bench/out/`.",
        end,
    ]
    return "\n".join(lines) + "\n"


def _size_note(results: list[Outcome], *, setting: Setting) -> list[str]:
    if setting.customers >= TARGET_CUSTOMERS:
        return []
    scale = TARGET_CUSTOMERS / setting.customers
    minutes = sum(r.measurement.seconds for r in results) * scale / 60
    return ["", f"This is not the issue's {TARGET_CUSTOMERS:,}-customer size: at these "
            f"rates the four loads alone would take about {minutes:,.0f} minutes there "
            "(rows grow with customers), so the largest size run is shown."]


def _rounds_note(setting: Setting) -> list[str]:
    if max((len(r) for r in setting.rounds.values()), default=1) < 2:
        return []
    lines = ["", "Each line is the median of rounds that alternated the raw loader and the "
             "import (peak memory: the largest); the seconds of every round:"]
    for (engine, loader), seconds in setting.rounds.items():
        lines.append(f"- {ENGINE_NAMES.get(engine, engine)} {loader}: "
                     + ", ".join(f"{s:.1f}" for s in seconds))
    return lines


def _count_notes(checks: list[CountCheck]) -> list[str]:
    notes = [n for c in checks for n in c.notes]
    warnings = [w for c in checks for w in c.warnings]
    lines = ["", "Stored rows, the import against the raw loader:"]
    lines += [f"- {n}" for n in notes]
    lines += [f"- **unexplained**: {w}" for w in warnings]
    return lines


def markdown_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table: the first two columns left-aligned, the others right-aligned."""
    return ["| " + " | ".join(headers) + " |", "|---|---|" + "---:|" * (len(headers) - 2),
            *("| " + " | ".join(row) + " |" for row in rows)]


def markers(name: str) -> tuple[str, str]:
    """The comments that open and close a benchmark's section of docs/benchmarks.md."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def write_section(path: Path, section: str, *, name: str = "bench-import") -> None:
    """Replace the ``name`` section of ``path``, keeping every other section."""
    start, end = markers(name)
    text = path.read_text() if path.exists() else (
        "# Benchmarks\n\nFigures measured by the benchmarks in `bench/`; each section is "
        "rewritten by the command it names.\n\n")
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
