"""``python -m dealerreach`` runs the command line."""

from dealerreach.cli.main import app

app(prog_name="dealerreach")
