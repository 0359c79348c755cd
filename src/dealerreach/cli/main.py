"""The ``dealerreach`` command: a thin skin over the Python API."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from dealerreach.cli import demo
from dealerreach.cli import imports as imports_cli
from dealerreach.cli import segments as segments_cli
from dealerreach.cli.context import GroupOption, open_engine, settings
from dealerreach.storage import engine as store_engine
from dealerreach.storage.overview import group_counts

app = typer.Typer(
    name="dealerreach",
    help="Dealership DMS data to marketing that works: import, understand, segment, reach.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="The record store: schema migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.command("import")(imports_cli.import_command)
app.add_typer(imports_cli.imports_app, name="imports")
console = Console()


app.add_typer(demo.app, name="demo")
app.add_typer(segments_cli.segments_app, name="segments")
app.add_typer(segments_cli.config_app, name="config")
app.command("opportunity")(segments_cli.opportunity_command)


@app.command()
def status(
    group: GroupOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (a stable contract).")]
    = False,
) -> None:
    """Counts of the group's records: customers, persons, households, vehicles, deals, ROs."""
    group_id = group or settings().group
    with open_engine().connect() as conn:
        counts = group_counts(conn, group_id=group_id)
    if as_json:
        typer.echo(json.dumps(counts))
        return
    from rich.table import Table

    table = Table(title=f"Group {group_id}")
    table.add_column("records")
    table.add_column("count", justify="right")
    for name, n in counts.items():
        table.add_row(name.replace("_", " "), f"{n:,}")
    console.print(table)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Run the web app and JSON API (pages at /, API docs at /api/docs)."""
    import uvicorn

    from dealerreach.web.app import create_app

    web = create_app(engine=open_engine())
    console.print(f"dealerreach is serving at [bold]http://{host}:{port}/[/bold]")
    uvicorn.run(web, host=host, port=port, log_level="warning")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending schema migration (they also apply on first use)."""
    eng = store_engine.create_store_engine(settings().database_url)
    before, after = store_engine.upgrade(eng)
    if before == after:
        console.print(f"The store is up to date (revision {after}).")
    else:
        console.print(f"Migrated the store from {before or 'empty'} to {after}.")


@db_app.command("current")
def db_current() -> None:
    """Show the store's URL (without password) and schema revision."""
    eng = store_engine.create_store_engine(settings().database_url)
    console.print(f"store: {eng.url.render_as_string(hide_password=True)}")
    console.print(f"revision: {store_engine.current_revision(eng) or 'empty'} "
                  f"(newest: {store_engine.head_revision(eng)})")
