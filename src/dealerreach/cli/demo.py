"""``dealerreach demo generate``: write a synthetic dealer group to try the product on."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dealerreach.cli.context import as_of_date
from dealerreach.testing.generator import GenerationSummary, generate_group

app = typer.Typer(help="Demo data: a synthetic dealer group.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


@app.callback()
def demo() -> None:
    """Demo data: a synthetic dealer group."""


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the CSV files to.",
                                      file_okay=False)],
    rooftops: Annotated[int, typer.Option(min=1, help="Rooftops (stores) in the group; of 3 "
                                                      "or more, the last one is German.")] = 3,
    customers: Annotated[int, typer.Option(min=1, help="Customer records in all.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Same seed, same files.")] = 42,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="YYYY-MM-DD",
                                              help="Last day of the history "
                                                   "(default: today).")] = None,
    deltas: Annotated[int, typer.Option(min=0, max=365, help="Daily delta folders after "
                                                             "the base folder.")] = 0,
) -> None:
    """Write ten years of DMS history (canonical CSV) for a made-up dealer group.

    With --deltas N the folder holds the history up to N days before --as-of, and N
    folders delta-YYYY-MM-DD hold each following day's changes: import the folder
    first, then the deltas in date order.
    """
    day = as_of_date(as_of)
    columns = (TextColumn("customers"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    try:
        with Progress(*columns, console=err, disable=not err.is_terminal) as bar:
            task = bar.add_task("customers", total=customers)
            summary = generate_group(out_dir=out, rooftops=rooftops, customers=customers,
                                     seed=seed, as_of=day, deltas=deltas,
                                     progress=lambda done: bar.update(task, completed=done))
    except ValueError as exc:  # arguments the generator refuses, e.g. a folder in use
        err.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    _print_summary(summary, as_of=day)


def _print_summary(summary: GenerationSummary, *, as_of: date) -> None:
    table = Table(title=f"Demo group as of {as_of.isoformat()}")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, rows in summary.rows.items():
        table.add_row(name, f"{rows:,}")
    table.add_row("[bold]all files[/bold]", f"[bold]{sum(summary.rows.values()):,}[/bold]")
    console.print(table)
    console.print(f"Written to {summary.folders[0]}")
    deltas = summary.folders[1:]
    if len(deltas) == 1:
        console.print(f"and the delta folder {deltas[0].name}: import it after the base folder.")
    elif deltas:
        console.print(f"and {len(deltas)} delta folders, {deltas[0].name} to {deltas[-1].name}: "
                      "import them in that order after the base folder.")
