"""Every setting and every command is documented (a test fails when one is not)."""

from __future__ import annotations

from pathlib import Path

import typer.main

from dealerreach.cli.main import app
from dealerreach.settings import SETTINGS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _commands(group: typer.Typer, prefix: str = "") -> list[str]:
    click_group = typer.main.get_command(group)
    names: list[str] = []
    for name, command in click_group.commands.items():  # type: ignore[attr-defined]
        if hasattr(command, "commands"):
            names += [f"{prefix}{name} {sub}" for sub in command.commands]
        else:
            names.append(f"{prefix}{name}")
    return names


def test_every_setting_is_in_the_configuration_reference():
    text = (DOCS / "configuration.md").read_text()
    assert [s.name for s in SETTINGS if f"`{s.name}`" not in text] == []


def test_every_command_is_in_the_cli_reference():
    text = (DOCS / "cli.md").read_text()
    assert [c for c in _commands(app) if f"dealerreach {c}" not in text] == []


def test_every_rule_setting_is_in_the_segments_reference():
    from dealerreach.features.config import RuleConfig

    text = (DOCS / "segments.md").read_text()
    assert [name for name in RuleConfig.model_fields if f"`{name}`" not in text] == []
