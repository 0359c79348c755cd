"""``dealerreach segments …``, ``dealerreach opportunity VIN`` and ``dealerreach config …``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from dealerreach.cli.context import GroupOption, as_of_date, copy_root, open_engine, settings
from dealerreach.clock import SystemClock
from dealerreach.segments import export as stored
from dealerreach.storage.config import load_config, save_overrides, stored_overrides

# The engines (Ibis, DuckDB, Spark) load only when a command needs them.
ENGINES = ("duckdb", "postgres", "spark")

segments_app = typer.Typer(help="Features and segments of every opportunity.",
                           no_args_is_help=True)
config_app = typer.Typer(help="The group's rule settings.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", help="The as-of date D, YYYY-MM-DD (default: today).")]
EngineOption = Annotated[str, typer.Option(
    "--engine", help="Where the rules run: duckdb (default), postgres or spark.")]


def _run(group_id: str, day: date, engine: str) -> Any:
    if engine not in ENGINES:
        err.print(f"--engine: unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
        raise typer.Exit(2)
    from dealerreach.jobs.engines import EngineError
    from dealerreach.jobs.segments import run_segments

    with _spinner("starting") as (bar, task):
        try:
            return run_segments(open_engine(), group_id=group_id, as_of=day, engine=engine,
                                now=SystemClock().now(), copy_root=copy_root(),
                                progress=lambda step: bar.update(task, description=step))
        except (EngineError, ValueError) as exc:
            err.print(f"segments: {exc}")
            raise typer.Exit(2) from None


@contextmanager
def _spinner(first: str) -> Iterator[tuple[Progress, TaskID]]:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        yield bar, bar.add_task(first, total=None)


def _save(group_id: str, overrides: dict[str, Any], *, source: str) -> None:
    """Check the settings (values, segment orders, custom segments), then store them in
    one transaction; a refusal names ``source`` and exits 2 with nothing stored."""
    from dealerreach.segments.assign import check_config

    with open_engine().begin() as conn:
        try:
            check_config(save_overrides(conn, group_id=group_id, overrides=overrides,
                                        now=SystemClock().now()))
        except ValueError as exc:
            err.print(f"{source}: {exc}")
            raise typer.Exit(2) from None


def _ensure_run(group_id: str, day: date) -> None:
    with open_engine().connect() as conn:
        if stored.has_run(conn, group_id=group_id, as_of=day):
            return
    err.print(f"No segment run on {day}; running it now.")
    _run(group_id, day, "duckdb")


@segments_app.command("run")
def run_command(as_of: AsOfOption = None, engine: EngineOption = "duckdb",
                group: GroupOption = None) -> None:
    """Compute every opportunity's features and segments on D and store them."""
    group_id, day = group or settings().group, as_of_date(as_of)
    result = _run(group_id, day, engine)
    since = (f"; since {result.previous_as_of}: {result.entered:,} entered, "
             f"{result.left:,} left a segment") if result.previous_as_of else ""
    console.print(f"{result.opportunities:,} opportunities on {day} ({engine}, "
                  f"{result.duration_s:.1f} s){since}")


@segments_app.command("refresh-copy")
def refresh_copy_command(group: GroupOption = None) -> None:
    """Write the group's analytics copy again from the store (after changing the record
    tables other than by `dealerreach import`)."""
    from dealerreach.jobs.analytics_copy import refresh_copy

    group_id, root = group or settings().group, copy_root()
    if root is None:
        err.print("DEALERREACH_ANALYTICS_COPY is off: no copy is kept.")
        raise typer.Exit(2)
    with _spinner("writing the analytics copy"):
        copy = refresh_copy(open_engine(), root=root, group_id=group_id,
                            now=SystemClock().now())
    if copy is None:
        err.print(f"Group {group_id} has no completed import: nothing to copy.")
        raise typer.Exit(2)
    console.print(f"Analytics copy of import {copy.import_id} written to {copy.folder} "
                  f"({sum(copy.rows.values()):,} rows).")


@segments_app.command("export")
def export_command(out: Annotated[Path, typer.Option("--out", help="The CSV file to write.")],
                   as_of: AsOfOption = None, group: GroupOption = None) -> None:
    """One CSV row per active opportunity (runs the segments first if D has no run)."""
    group_id, day = group or settings().group, as_of_date(as_of)
    _ensure_run(group_id, day)
    with open_engine().connect() as conn:
        count = stored.write_export(conn, out, group_id=group_id, as_of=day)
    console.print(f"{count:,} opportunities on {day} written to {out}")


@segments_app.command("summary")
def summary_command(as_of: AsOfOption = None, group: GroupOption = None) -> None:
    """Rooftop × segment counts of primary segments, sales and service."""
    group_id, day = group or settings().group, as_of_date(as_of)
    _ensure_run(group_id, day)
    with open_engine().connect() as conn:
        config = load_config(conn, group_id=group_id)
        orders = {"sales": [*config.sales_segment_order, "everyone_else"],
                  "service": [*config.service_segment_order, "none"]}
        for kind in ("sales", "service"):
            counts = stored.summary(conn, group_id=group_id, as_of=day, kind=kind)
            console.print(_summary_table(counts, order=orders[kind],
                                         title=f"{kind.title()} segments on {day}"))


def _summary_table(counts: dict[str, dict[str, int]], *, order: list[str],
                   title: str) -> Table:
    """Segments down (in precedence order), rooftops across, totals last."""
    seen = {s for per in counts.values() for s in per}
    segments = [s for s in order if s in seen] + sorted(seen - set(order))
    table = Table(title=title)
    table.add_column("segment")
    for rooftop in counts:
        table.add_column(rooftop, justify="right")
    table.add_column("total", justify="right")
    for s in segments:
        row = [counts[r].get(s, 0) for r in counts]
        table.add_row(s, *(f"{n:,}" for n in row), f"{sum(row):,}")
    totals = [sum(per.values()) for per in counts.values()]
    table.add_row("total", *(f"{n:,}" for n in totals), f"{sum(totals):,}", style="bold")
    return table


def opportunity_command(
    vin: Annotated[str, typer.Argument(help="The vehicle's VIN.")],
    as_of: AsOfOption = None, group: GroupOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every feature of one opportunity and why it is (or is not) in each segment."""
    group_id, day = group or settings().group, as_of_date(as_of)
    _ensure_run(group_id, day)
    from dealerreach.segments.run_files import FeaturesUnavailable

    with open_engine().connect() as conn:
        try:
            features = stored.stored_opportunity(conn, group_id=group_id, as_of=day,
                                                 vin=vin.strip().upper())
        except FeaturesUnavailable as exc:
            err.print(f"{vin}: {exc}")
            raise typer.Exit(2) from None
        config = load_config(conn, group_id=group_id)
    if features is None:
        err.print(f"{vin}: no active opportunity on {day} in group {group_id}")
        raise typer.Exit(1)
    from dealerreach.segments.explain import explain

    verdicts = explain(features, config=config)
    if as_json:
        typer.echo(json.dumps({"features": features, "rules": [v.__dict__ for v in verdicts]},
                              default=str))
        return
    _print_opportunity(features, verdicts)


def _print_opportunity(features: dict[str, Any], verdicts: list[Any]) -> None:
    console.print(f"[bold]{features['vin']}[/] — sales: [bold]{features['sales_segment']}[/], "
                  f"service: [bold]{features['service_segment']}[/]")
    table = Table(title="Why")
    for name in ("kind", "segment", "matched", "rule", "values"):
        table.add_column(name)
    for v in verdicts:
        mark = "primary" if v.primary else ("yes" if v.matched else "no")
        values = ", ".join(f"{k}={features.get(k)!s}" for k in v.values)
        table.add_row(v.kind, v.rule_id, mark, v.wording, values)
    console.print(table)
    facts = Table(title="Features")
    facts.add_column("feature")
    facts.add_column("value")
    for name, value in features.items():
        facts.add_row(name, "" if value is None else str(value))
    console.print(facts)


@config_app.command("show")
def config_show(group: GroupOption = None,
                changed_only: Annotated[bool, typer.Option(
                    "--changed", help="Only what the group changes from the defaults.")]
                = False) -> None:
    """Print the group's rule settings as JSON."""
    group_id = group or settings().group
    with open_engine().connect() as conn:
        data = (stored_overrides(conn, group_id=group_id) if changed_only
                else load_config(conn, group_id=group_id).model_dump(mode="json"))
    typer.echo(json.dumps(data, indent=2))


@config_app.command("set")
def config_set(name: Annotated[str, typer.Argument(help="A setting's name.")],
               value: Annotated[str, typer.Argument(help="Its value, as JSON (9.5, [..]).")],
               group: GroupOption = None) -> None:
    """Change one rule setting for the group (checked before it is stored)."""
    group_id = group or settings().group
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    with open_engine().connect() as conn:
        overrides = {**stored_overrides(conn, group_id=group_id), name: parsed}
    _save(group_id, overrides, source="config")
    console.print(f"{name} = {json.dumps(parsed)} for group {group_id}")


@config_app.command("load")
def config_load(path: Annotated[Path, typer.Argument(help="A JSON file of settings.")],
                group: GroupOption = None) -> None:
    """Replace the group's rule settings with those of a JSON file."""
    group_id = group or settings().group
    try:
        overrides = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        err.print(f"{path}: {exc}")
        raise typer.Exit(2) from None
    _save(group_id, overrides, source=str(path))
    console.print(f"Settings of group {group_id} loaded from {path}")
