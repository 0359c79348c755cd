"""The analytics copy: a group's rule columns as Parquet, tied to its newest completed
import. A run reading the copy gives what a run reading the store gives; a newer import
makes the copy stale, and the run writes it again; a copy is in place whole or not at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from dealerreach.features.config import RuleConfig
from dealerreach.features.inputs import STORE_TABLES
from dealerreach.ingest.run import import_path
from dealerreach.jobs import analytics_copy as ac
from dealerreach.jobs.segments import compute, run_segments
from dealerreach.leftovers import ABANDONED_S
from dealerreach.storage import schema
from dealerreach.testing.generator import generate_group

AS_OF = date(2026, 9, 1)
NOW = datetime(2026, 9, 1, 6, 0)


@pytest.fixture
def group(tmp_path: Path) -> Path:
    out = tmp_path / "group"
    generate_group(out_dir=out, rooftops=2, customers=120, seed=5, as_of=AS_OF, deltas=1)
    return out


def _delta(group: Path) -> Path:
    return next(group.glob("delta-*"))


def _group_rows(engine: sa.Engine, name: str) -> int:
    table = schema.metadata.tables[name]
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)
                            .where(table.c.group_id == "g1")).scalar_one()


def test_the_copy_holds_every_record_of_the_group_and_a_run_on_it_equals_one_on_the_store(
        engine, group, tmp_path):
    report = import_path(engine, group, group_id="g1")
    copy = ac.refresh_copy(engine, root=tmp_path / "copies", group_id="g1", now=NOW)
    assert copy is not None and copy.import_id == report.import_id
    for name in STORE_TABLES:
        assert copy.rows[name] == _group_rows(engine, name) == \
            pq.read_metadata(copy.path(name)).num_rows
    # dates are dates in the copy, not the text SQLite keeps
    assert str(pq.read_schema(copy.path("deals")).field("deal_date").type) == "date32[day]"
    config = RuleConfig()
    from_store = compute(engine, group_id="g1", as_of=AS_OF, engine="duckdb", config=config)
    from_copy = compute(engine, group_id="g1", as_of=AS_OF, engine="duckdb", config=config,
                        copy=copy)
    assert from_store.num_rows > 50
    assert from_copy.equals(from_store)


def test_a_newer_import_makes_the_copy_stale_and_the_next_run_writes_it_again(
        sqlite_url, group, tmp_path):
    from dealerreach.storage.engine import open_store

    engine = open_store(sqlite_url)
    root = tmp_path / "copies"
    first = import_path(engine, group, group_id="g1")
    made = ac.refresh_copy(engine, root=root, group_id="g1", now=NOW)
    assert made is not None
    assert ac.current_copy(engine, root=root, group_id="g1") == made
    second = import_path(engine, _delta(group), group_id="g1")
    assert second.status == "completed" and second.import_id != first.import_id
    assert ac.current_copy(engine, root=root, group_id="g1") is None
    run = run_segments(engine, group_id="g1", as_of=AS_OF, now=NOW, copy_root=root)
    fresh = ac.current_copy(engine, root=root, group_id="g1")
    assert fresh is not None and fresh.import_id == second.import_id
    assert fresh.rows["deals"] == _group_rows(engine, "deals")
    assert run.opportunities > 50
    # the copy before it is kept for a run still reading it; nothing half-written is left
    kept = sorted(p.name for p in (root / "g1").iterdir())
    assert kept == [f"import-{first.import_id}", f"import-{second.import_id}", "runs"]


def test_a_refused_import_leaves_the_copy_current(sqlite_url, group, tmp_path):
    from dealerreach.storage.engine import open_store

    engine = open_store(sqlite_url)
    root = tmp_path / "copies"
    import_path(engine, group, group_id="g1")
    made = ac.refresh_copy(engine, root=root, group_id="g1", now=NOW)
    refused = import_path(engine, tmp_path / "no-such-folder", group_id="g1")
    assert refused.status == "refused"
    assert ac.current_copy(engine, root=root, group_id="g1") == made


def test_only_the_two_newest_copies_are_kept(sqlite_url, group, tmp_path):
    from dealerreach.storage.engine import open_store

    engine = open_store(sqlite_url)
    root = tmp_path / "copies"
    ids = []
    for source in (group, _delta(group), _delta(group)):
        ids.append(import_path(engine, source, group_id="g1").import_id)
        ac.refresh_copy(engine, root=root, group_id="g1", now=NOW)
    assert sorted(p.name for p in (root / "g1").iterdir()) == \
        [f"import-{i}" for i in ids[1:]]


def test_a_copy_that_fails_midway_leaves_nothing_and_the_older_copy_untouched(
        sqlite_url, group, tmp_path, monkeypatch):
    from dealerreach.storage.engine import open_store

    engine = open_store(sqlite_url)
    root = tmp_path / "copies"
    import_path(engine, group, group_id="g1")
    older = ac.refresh_copy(engine, root=root, group_id="g1", now=NOW)
    assert older is not None
    import_path(engine, _delta(group), group_id="g1")
    read: list[str] = []
    real = ac.each_part

    def failing(store, **kwargs):  # type: ignore[no-untyped-def]
        read.append(kwargs["name"])
        if len(read) == 4:
            raise OSError("disk full")
        return real(store, **kwargs)

    monkeypatch.setattr(ac, "each_part", failing)
    with pytest.raises(OSError, match="disk full"):
        ac.refresh_copy(engine, root=root, group_id="g1", now=NOW)
    assert ac.current_copy(engine, root=root, group_id="g1") is None
    assert [p.name for p in (root / "g1").iterdir()] == [older.folder.name]
    assert json.loads((older.folder / ac.MANIFEST).read_text())["import_id"] == \
        older.import_id


def test_a_copy_of_another_layout_or_missing_a_file_is_not_used(sqlite_url, group, tmp_path):
    from dealerreach.storage.engine import open_store

    engine = open_store(sqlite_url)
    root = tmp_path / "copies"
    import_path(engine, group, group_id="g1")
    made = ac.refresh_copy(engine, root=root, group_id="g1", now=NOW)
    assert made is not None
    manifest = made.folder / ac.MANIFEST
    text = manifest.read_text()
    manifest.write_text(text.replace('"layout": 1', '"layout": 0'))
    assert ac.current_copy(engine, root=root, group_id="g1") is None
    manifest.write_text(text)
    made.path("ro_lines").unlink()
    assert ac.current_copy(engine, root=root, group_id="g1") is None


def test_the_default_place_is_beside_an_sqlite_file_or_under_the_data_folder(tmp_path):
    from dealerreach.storage.engine import open_store

    lite = sa.create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    assert ac.default_root(lite, home=tmp_path / "home") == Path(f"{tmp_path / 'store.db'}"
                                                                 ".analytics")
    assert ac.default_root(open_store("sqlite://"), home=tmp_path) is None
    pg = sa.create_engine("postgresql+psycopg://u@db.example:6543/dealers")
    assert ac.default_root(pg, home=tmp_path / "home") == \
        tmp_path / "home" / "analytics" / "db.example-6543-dealers"


def test_a_group_id_that_is_no_plain_folder_name_gets_a_digest(tmp_path):
    assert ac._folder_name("group-7") == "group-7"
    odd = ac._folder_name("../etc")
    assert odd.startswith("h-") and "/" not in odd and odd != ac._folder_name("..\\etc")


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dealerreach", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_dealerreach_import_writes_the_copy_and_off_keeps_none(sqlite_url, group, tmp_path):
    env = {**os.environ, "DEALERREACH_DATABASE_URL": sqlite_url,
           "DEALERREACH_HOME": str(tmp_path / "home"), "DEALERREACH_GROUP": "g1"}
    done = _cli(["import", str(group), "--json"], env)
    assert done.returncode == 0, done.stderr
    import_id = json.loads(done.stdout)["import_id"]
    beside = Path(sa.engine.make_url(sqlite_url).database + ".analytics")
    assert (beside / "g1" / f"import-{import_id}" / "customers.parquet").is_file()
    off = {**env, "DEALERREACH_ANALYTICS_COPY": "off"}
    done = _cli(["import", str(_delta(group)), "--json"], off)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (beside / "g1").iterdir()) == [f"import-{import_id}"]
    refreshed = _cli(["segments", "refresh-copy"], env)
    assert refreshed.returncode == 0, refreshed.stderr
    assert "Analytics copy of import" in refreshed.stdout
    assert len(list((beside / "g1").iterdir())) == 2
    # the same delta again changes nothing: its copy is the one before, linked
    done = _cli(["import", str(_delta(group)), "--json"], env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["changed_nothing"]
    copies = sorted((beside / "g1").glob("import-*"), key=lambda p: int(p.name[7:]))
    assert copies[-1].name == f"import-{report['import_id']}"
    assert os.stat(copies[-1] / "deals.parquet").st_ino == \
        os.stat(copies[-2] / "deals.parquet").st_ino


def test_a_time_kept_with_an_offset_is_copied_as_text_as_a_run_on_the_store_reads_it(
        sqlite_url, group, tmp_path):
    from dealerreach.storage.engine import open_store

    engine = open_store(sqlite_url)
    import_path(engine, group, group_id="g1")
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE customers SET updated_at = '2026-01-02T10:00:00+02:00' "
                             "WHERE rowid % 3 = 0")
    copy = ac.refresh_copy(engine, root=tmp_path / "copies", group_id="g1", now=NOW)
    assert copy is not None and copy.rows["customers"] == _group_rows(engine, "customers")
    assert str(pq.read_schema(copy.path("customers")).field("updated_at").type) == "string"
    config = RuleConfig()
    assert compute(engine, group_id="g1", as_of=AS_OF, engine="duckdb", config=config,
                   copy=copy).equals(
        compute(engine, group_id="g1", as_of=AS_OF, engine="duckdb", config=config))


def test_a_run_that_cannot_write_the_copy_reads_the_store(sqlite_url, group, tmp_path,
                                                          monkeypatch):
    from dealerreach.storage.engine import open_store

    engine = open_store(sqlite_url)
    import_path(engine, group, group_id="g1")

    def full(self, name, parts):  # type: ignore[no-untyped-def]
        raise OSError("no space left on device")

    monkeypatch.setattr(ac.CopyWriter, "add", full)
    said: list[str] = []
    done = run_segments(engine, group_id="g1", as_of=AS_OF, now=NOW,
                        copy_root=tmp_path / "copies", progress=said.append)
    assert done.opportunities > 50
    assert any("could not be written" in step for step in said)
    assert ac.current_copy(engine, root=tmp_path / "copies", group_id="g1") is None


def test_an_import_that_changed_nothing_carries_the_copy_before_it_over(
        sqlite_url, group, tmp_path):
    from dealerreach.storage.engine import open_store

    engine = open_store(sqlite_url)
    root = tmp_path / "copies"
    import_path(engine, group, group_id="g1")
    made = ac.refresh_copy(engine, root=root, group_id="g1", now=NOW)
    assert made is not None
    again = import_path(engine, group, group_id="g1")
    assert again.changed_nothing
    assert ac.current_copy(engine, root=root, group_id="g1") is None  # a newer import
    carried = ac.carry_copy(engine, root=root, group_id="g1", import_id=again.import_id,
                            now=NOW)
    assert carried is not None and carried.import_id == again.import_id
    assert ac.current_copy(engine, root=root, group_id="g1") == carried
    assert carried.rows == made.rows
    for name in STORE_TABLES:  # the same files, linked: nothing copied
        assert os.stat(carried.path(name)).st_ino == os.stat(made.path(name)).st_ino


def test_nothing_is_carried_over_from_an_import_without_a_copy(sqlite_url, group, tmp_path):
    from dealerreach.storage.engine import open_store

    engine = open_store(sqlite_url)
    root = tmp_path / "copies"
    import_path(engine, group, group_id="g1")
    again = import_path(engine, group, group_id="g1")
    assert ac.carry_copy(engine, root=root, group_id="g1", import_id=again.import_id,
                         now=NOW) is None
    assert not (root / "g1").exists()


def test_what_a_stopped_writer_left_behind_is_removed_once_it_is_old(
        sqlite_url, group, tmp_path):
    from dealerreach.storage.engine import open_store

    engine = open_store(sqlite_url)
    root = tmp_path / "copies"
    import_path(engine, group, group_id="g1")
    (root / "g1" / ".writing-old").mkdir(parents=True)
    (root / "g1" / ".writing-old" / "deals.parquet").write_bytes(b"half")
    (root / "g1" / ".writing-young").mkdir()
    hours_ago = time.time() - 2 * ABANDONED_S
    os.utime(root / "g1" / ".writing-old", (hours_ago, hours_ago))
    ac.refresh_copy(engine, root=root, group_id="g1", now=NOW)
    left = sorted(p.name for p in (root / "g1").iterdir() if p.name.startswith("."))
    assert left == [".writing-young"]  # another process may still be writing that one
