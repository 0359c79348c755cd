"""``dealerreach import`` and ``dealerreach imports list|show``."""

from __future__ import annotations

import json
import time
from collections import Counter
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from dealerreach.cli.context import GroupOption, copy_root, open_engine, settings
from dealerreach.clock import SystemClock
from dealerreach.ingest.rejects import write_issues_csv
from dealerreach.ingest.run import ImportReport, import_path
from dealerreach.storage.overview import get_import, list_import_issues, list_imports

imports_app = typer.Typer(help="The import history: what each import read and did.",
                          no_args_is_help=True)
console = Console()
err = Console(stderr=True)
SHOWN = 20
WARNINGS_SHOWN = 3


def import_command(
    path: Annotated[Path, typer.Argument(help="A folder of CSV files, or a .zip of one.")],
    profile: Annotated[str, typer.Option(help="Import profile: canonical, us-dms, "
                                               "autoline-de, ...")] = "canonical",
    group: GroupOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON "
                                                          "(a stable contract).")] = False,
    rejected_out: Annotated[Path | None, typer.Option(
        "--rejected-out", help="Where to write the CSV of rejected rows "
                               "(default: the data folder).")] = None,
) -> None:
    """Import DMS data (the canonical format, or a vendor layout with --profile).

    Exit code 0 when the import completed (rejected rows included), 2 when it was refused.
    """
    s = settings()
    engine = open_engine()
    group_id = group or s.group
    if as_json:
        report = import_path(engine, path, group_id=group_id, profile=profile,
                             batch_rows=s.import_batch_rows, default_country=s.default_country,
                             sqlite_cache_mb=s.import_sqlite_cache_mb)
    else:
        report = _import_with_progress(path, group_id=group_id, profile=profile)
    copied = _refresh_copy(report, quiet=as_json)
    rejects = _write_rejects(report, rejected_out)
    if as_json:
        payload = report.as_json()
        payload["rejected_rows_csv"] = str(rejects) if rejects else None
        typer.echo(json.dumps(payload))
    else:
        _print_report(report, rejects)
        if copied is not None:
            console.print(f"Analytics copy written ({copied:.1f} s).")
    raise typer.Exit(0 if report.status == "completed" else 2)


def _import_with_progress(path: Path, *, group_id: str, profile: str) -> ImportReport:
    s = settings()
    tasks: dict[str, TaskID] = {}
    columns = (SpinnerColumn(), TextColumn("{task.description}"),
               TextColumn("{task.completed:>12,.0f} rows"), TimeElapsedColumn())
    with Progress(*columns, console=err, disable=not err.is_terminal) as bar:
        def progress(name: str, rows: int) -> None:
            if name not in tasks:
                for other in tasks.values():
                    bar.stop_task(other)
                tasks[name] = bar.add_task(name, total=None)
            bar.update(tasks[name], completed=rows)

        return import_path(open_engine(), path, group_id=group_id, profile=profile,
                           progress=progress, batch_rows=s.import_batch_rows,
                           default_country=s.default_country,
                           sqlite_cache_mb=s.import_sqlite_cache_mb)


def _refresh_copy(report: ImportReport, *, quiet: bool) -> float | None:
    """After a completed import, the group's analytics copy (``jobs.analytics_copy``)
    is written again (or, when the import changed nothing, the copy before it is carried
    over); its seconds, or None when none is kept. A failure to write it
    loses nothing (segment runs then read the store and write it), so it is a warning."""
    root = copy_root()
    if report.status != "completed" or root is None:
        return None
    from dealerreach.jobs.analytics_copy import carry_copy, refresh_copy

    started = time.perf_counter()
    with err.status("writing the analytics copy", spinner="dots") if not quiet \
            and err.is_terminal else nullcontext():
        try:
            carried = None
            if report.changed_nothing and report.import_id is not None:
                carried = carry_copy(open_engine(), root=root, group_id=report.group_id,
                                     import_id=report.import_id, now=SystemClock().now())
            if carried is None:
                refresh_copy(open_engine(), root=root, group_id=report.group_id,
                             now=SystemClock().now())
        except Exception as exc:  # the import stands whatever keeps the copy from being written
            err.print(f"[yellow]Warning[/]: the analytics copy was not written ({exc}); "
                      "the next segment run reads the store instead.")
            return None
    return time.perf_counter() - started


def _write_rejects(report: ImportReport, out: Path | None) -> Path | None:
    if report.status != "completed" or not report.rejected or report.import_id is None:
        return None
    path = out or settings().home / "rejected" / f"import-{report.import_id}-rejected.csv"
    with open_engine().connect() as conn:
        write_issues_csv(conn, import_id=report.import_id, path=path)
    return path


def _print_report(report: ImportReport, rejects: Path | None) -> None:
    if report.status == "refused":
        err.print(f"[bold red]Import refused[/]: {report.message}")
        err.print("Nothing was changed.")
        return
    table = Table(title=f"Import {report.import_id} into group {report.group_id}")
    for col in ("file", "read", "inserted", "updated", "unchanged", "rejected"):
        table.add_column(col, justify="left" if col == "file" else "right")
    for name, c in report.files.items():
        table.add_row(name, *(f"{v:,}" for v in c.as_dict().values()))
    console.print(table)
    if report.bare_vehicles or report.bare_rooftops:
        console.print(f"Created {report.bare_vehicles:,} bare vehicle and "
                      f"{report.bare_rooftops:,} bare rooftop records for references.")
    _print_issues(report)
    if rejects:
        console.print(f"Rejected rows written to {rejects}")
    if report.changed_nothing:
        console.print("Nothing changed: every row was already in the store as it is.")
    console.print(f"Took {report.duration_s:.1f} s; {report.warnings:,} warnings, "
                  f"{report.rejected:,} rejected rows.")


def _print_issues(report: ImportReport) -> None:
    rejected = [i for i in report.issues if i.severity == "rejected"]
    for issue in rejected[:SHOWN]:
        console.print(f"[red]Rejected[/] {issue.line()}", highlight=False)
    if report.rejected > SHOWN:
        console.print(f"… and {report.rejected - SHOWN:,} more rejected rows.")
    if report.warnings:
        kinds = Counter((i.file, i.column or "") for i in report.issues
                        if i.severity == "warning")
        summary = ", ".join(f"{file} {column}: {n:,}" for (file, column), n
                            in kinds.most_common(6))
        console.print(f"[yellow]Warnings[/] (kept, cleaned or left unknown): {summary}"
                      + (" (among the first shown)" if report.warnings > len(report.issues)
                         else ""), highlight=False)
        for issue in [i for i in report.issues if i.severity == "warning"][:WARNINGS_SHOWN]:
            console.print(f"  {issue.line()}", highlight=False)


@imports_app.command("list")
def list_command(
    group: GroupOption = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The group's imports, newest first."""
    group_id = group or settings().group
    with open_engine().connect() as conn:
        runs = list_imports(conn, group_id=group_id, limit=limit)
    if as_json:
        typer.echo(json.dumps([_run_json(r) for r in runs], default=str))
        return
    table = Table(title=f"Imports of group {group_id}")
    for col in ("id", "started", "status", "source", "profile", "rows read", "rejected",
                "warnings", "seconds"):
        table.add_column(col)
    for r in runs:
        read = sum(f.read for f in r.files.values())
        table.add_row(str(r.import_id), f"{r.started_at:%Y-%m-%d %H:%M}", r.status,
                      Path(r.source).name, r.profile, f"{read:,}", f"{r.rejected:,}",
                      f"{r.warnings:,}", f"{r.duration_s or 0:.1f}")
    console.print(table)


@imports_app.command("show")
def show_command(
    import_id: Annotated[int, typer.Argument(help="The import's id (see `imports list`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    limit: Annotated[int, typer.Option(help="How many rejected rows and warnings to show.")]
    = 50,
) -> None:
    """One import's report: files, counts, rejected rows and warnings."""
    with open_engine().connect() as conn:
        run = get_import(conn, import_id=import_id)
        if run is None:
            err.print(f"No import {import_id}.")
            raise typer.Exit(1)
        issues = list_import_issues(conn, import_id=import_id, limit=limit)
    if as_json:
        payload = _run_json(run)
        payload["issues"] = [{k: getattr(i, k) for k in ("severity", "file", "row", "column",
                                                         "value", "reason")} for i in issues]
        typer.echo(json.dumps(payload, default=str))
        return
    console.print(f"Import {run.import_id} of group {run.group_id}: [bold]{run.status}[/] "
                  f"({run.source}, profile {run.profile}, {run.started_at:%Y-%m-%d %H:%M})")
    if run.message:
        console.print(run.message)
    table = Table()
    for col in ("file", "read", "inserted", "updated", "unchanged", "rejected"):
        table.add_column(col, justify="left" if col == "file" else "right")
    for name, f in run.files.items():
        table.add_row(name, *(f"{getattr(f, k):,}" for k in ("read", "inserted", "updated",
                                                             "unchanged", "rejected")))
    console.print(table)
    for i in issues:
        where = f"{i.file}, row {i.row}" + (f", column {i.column}" if i.column else "")
        console.print(f"{i.severity}: {where}: {i.value!r}: {i.reason}", highlight=False)


def _run_json(run: object) -> dict:
    from dataclasses import asdict

    return asdict(run)  # type: ignore[call-overload]
