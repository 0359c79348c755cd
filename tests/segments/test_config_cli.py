"""`dealerreach config …`: a group's rule settings are checked before they are stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dealerreach.features.config import RuleConfig


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dealerreach", *args], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def env(sqlite_url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DEALERREACH_DATABASE_URL": sqlite_url,
            "DEALERREACH_HOME": str(tmp_path / "home"), "DEALERREACH_GROUP": "g1"}


def test_config_set_changes_one_setting_and_show_reports_it(env):
    assert _cli(["config", "set", "high_apr_percent", "8.5"], env).returncode == 0
    shown = json.loads(_cli(["config", "show"], env).stdout)
    assert shown["high_apr_percent"] == 8.5
    assert shown["lease_upgrade_months"] == RuleConfig().lease_upgrade_months
    assert json.loads(_cli(["config", "show", "--changed"], env).stdout) == {
        "high_apr_percent": 8.5}


def test_config_refuses_an_unknown_setting_and_stores_nothing(env):
    done = _cli(["config", "set", "high_apr", "8.5"], env)
    assert done.returncode == 2
    assert "high_apr" in done.stderr
    assert json.loads(_cli(["config", "show", "--changed"], env).stdout) == {}


def test_config_refuses_a_custom_segment_without_conditions(env, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"custom_segments": [{"id": "x", "name": "X",
                                                    "kind": "sales", "all": []}]}))
    done = _cli(["config", "load", str(bad)], env)
    assert done.returncode == 2
    assert "bad.json" in done.stderr


def test_config_refuses_an_order_naming_an_unknown_segment(env):
    done = _cli(["config", "set", "sales_segment_order", '["high_apr", "nope"]'], env)
    assert done.returncode == 2
    assert "nope" in done.stderr
    assert json.loads(_cli(["config", "show", "--changed"], env).stdout) == {}
