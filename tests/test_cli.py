"""The command line's contracts: --json shapes and exit codes, as scripts depend on them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CUSTOMERS = "customer_id,rooftop_id,last_name,birth_date\nC1,R1,Lee,1980-01-01\nC2,R1,Kim,x\n"


def _run(args: list[str], *, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dealerreach", *args], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def cli_env(store_url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DEALERREACH_DATABASE_URL": store_url,
            "DEALERREACH_HOME": str(tmp_path / "home"), "DEALERREACH_GROUP": "g1",
            "COLUMNS": "200"}


def test_import_json_reports_counts_and_exits_0_with_rejected_rows(cli_env, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "customers.csv").write_text(CUSTOMERS)
    done = _run(["import", str(folder), "--json"], env=cli_env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["status"] == "completed"
    assert isinstance(report["import_id"], int)
    assert report["files"] == {"customers.csv": {"read": 2, "inserted": 1, "updated": 0,
                                                 "unchanged": 0, "rejected": 1}}
    rejects = Path(report["rejected_rows_csv"]).read_text().splitlines()
    assert rejects[0] == "severity,file,row,column,value,reason,record"
    assert rejects[1] == ('rejected,customers.csv,3,birth_date,x,'
                          'not a date in the form YYYY-MM-DD,"C2,R1,Kim,x"')


def test_refused_import_exits_2_with_a_one_line_message(cli_env, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id,name\nC1,x\n")
    done = _run(["import", str(folder), "--json"], env=cli_env)
    assert done.returncode == 2
    report = json.loads(done.stdout)
    assert report["status"] == "refused"
    assert report["message"] == "customers.csv: required column missing: rooftop_id"
    plain = _run(["import", str(folder)], env=cli_env)
    assert plain.returncode == 2
    assert "customers.csv: required column missing: rooftop_id" in plain.stderr


def test_status_json_prints_the_groups_counts(cli_env, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "customers.csv").write_text(CUSTOMERS)
    _run(["import", str(folder)], env=cli_env)
    done = _run(["status", "--json"], env=cli_env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"customers": 1, "persons": 1, "households": 0,
                                       "vehicles": 0, "deals": 0, "repair_orders": 0,
                                       "ro_lines": 0, "leads": 0}


def test_imports_list_and_show(cli_env, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "customers.csv").write_text(CUSTOMERS)
    first = json.loads(_run(["import", str(folder), "--json"], env=cli_env).stdout)
    listed = json.loads(_run(["imports", "list", "--json"], env=cli_env).stdout)
    assert [r["import_id"] for r in listed] == [first["import_id"]]
    shown = _run(["imports", "show", str(first["import_id"])], env=cli_env)
    assert shown.returncode == 0
    assert "customers.csv, row 3, column birth_date" in shown.stdout


@pytest.mark.parametrize("command", [[], ["import"], ["imports", "list"], ["imports", "show"],
                                     ["status"], ["serve"], ["db", "upgrade"], ["demo"],
                                     ["demo", "generate"]])
def test_every_command_has_help(command, tmp_path):
    env = {**os.environ, "DEALERREACH_HOME": str(tmp_path)}
    done = _run([*command, "--help"], env=env)
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout


KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from dealerreach.ingest.run import import_path
    from dealerreach.storage.engine import open_store

    def progress(name, rows):
        if name == "deals.csv" and rows >= 2000:
            os.kill(os.getpid(), signal.SIGKILL)

    import_path(open_store(sys.argv[1]), Path(sys.argv[2]), group_id="g1",
                progress=progress, batch_rows=500)
""")


def test_import_killed_midway_leaves_the_store_exactly_as_before(cli_env, store_url, tmp_path):
    base = tmp_path / "base"
    base.mkdir()
    (base / "customers.csv").write_text(CUSTOMERS)
    assert _run(["import", str(base)], env=cli_env).returncode == 0
    before = _run(["status", "--json"], env=cli_env).stdout
    big = tmp_path / "big"
    big.mkdir()
    (big / "customers.csv").write_text(
        "customer_id,rooftop_id,last_name\n" + "".join(f"N{i},R1,X{i}\n" for i in range(3000)))
    (big / "deals.csv").write_text(
        "deal_id,rooftop_id,customer_id,vin,deal_date,deal_type\n"
        + "".join(f"D{i},R1,N{i},1HGCM82633A004352,2024-01-01,cash\n" for i in range(3000)))
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    done = subprocess.run([sys.executable, str(script), store_url, str(big)], env=cli_env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert _run(["status", "--json"], env=cli_env).stdout == before
    listed = json.loads(_run(["imports", "list", "--json"], env=cli_env).stdout)
    assert len(listed) == 1
