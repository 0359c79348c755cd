"""A run on an SQLite store with an analytics copy keeps its features in a Parquet file
beside the store: reading an opportunity back gives exactly what a run keeping them as
JSON gives; a re-run replaces the file; a failed write leaves the earlier run whole; a
PostgreSQL store keeps the JSON in the database."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from dealerreach.ingest.run import import_path
from dealerreach.jobs import segments as run
from dealerreach.leftovers import ABANDONED_S
from dealerreach.segments.export import stored_opportunity
from dealerreach.segments.run_files import FeaturesUnavailable
from dealerreach.storage import schema
from dealerreach.storage.engine import open_store
from dealerreach.testing.generator import generate_group

AS_OF = date(2026, 9, 1)
NOW = datetime(2026, 9, 1, 6, 0)


@pytest.fixture(scope="module")
def group(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("group")
    generate_group(out_dir=out, rooftops=2, customers=120, seed=8, as_of=AS_OF)
    return out


def _store(path: Path, group: Path) -> sa.Engine:
    engine = open_store(f"sqlite:///{path}")
    assert import_path(engine, group, group_id="g1").status == "completed"
    return engine


def _run_row(engine: sa.Engine) -> sa.Row:
    runs = schema.segment_runs
    with engine.connect() as conn:
        return conn.execute(sa.select(runs).where(runs.c.as_of == AS_OF)).one()


def _vins(engine: sa.Engine) -> list[str]:
    t = schema.opportunity_segments
    with engine.connect() as conn:
        return list(conn.execute(sa.select(t.c.vin).where(t.c.as_of == AS_OF)).scalars())


def test_an_opportunity_read_from_the_file_equals_one_read_from_the_json(group, tmp_path):
    as_json = _store(tmp_path / "json.db", group)
    as_file = _store(tmp_path / "file.db", group)
    run.run_segments(as_json, group_id="g1", as_of=AS_OF, now=NOW)
    run.run_segments(as_file, group_id="g1", as_of=AS_OF, now=NOW,
                     copy_root=tmp_path / "copies")
    kept = _run_row(as_file).features_file
    assert kept and Path(kept).is_file() and Path(kept).parent.name == "runs"
    assert _run_row(as_json).features_file is None
    with as_file.connect() as conn:
        t = schema.opportunity_segments
        assert conn.execute(sa.select(sa.func.count()).where(
            t.c.features.isnot(None))).scalar() == 0
    vins = _vins(as_json)
    assert len(vins) > 50 and sorted(_vins(as_file)) == sorted(vins)
    with as_json.connect() as a, as_file.connect() as b:
        for vin in vins:
            expected = stored_opportunity(a, group_id="g1", as_of=AS_OF, vin=vin)
            assert stored_opportunity(b, group_id="g1", as_of=AS_OF, vin=vin) == expected


def test_a_rerun_of_the_date_replaces_its_file(group, tmp_path):
    engine = _store(tmp_path / "s.db", group)
    root = tmp_path / "copies"
    run.run_segments(engine, group_id="g1", as_of=AS_OF, now=NOW, copy_root=root)
    first = _run_row(engine).features_file
    run.run_segments(engine, group_id="g1", as_of=AS_OF, now=NOW, copy_root=root)
    second = _run_row(engine).features_file
    assert first != second and Path(second).is_file() and not Path(first).exists()
    assert [p.name for p in Path(second).parent.iterdir()] == [Path(second).name]


def test_a_failed_write_leaves_the_earlier_run_and_its_file(group, tmp_path, monkeypatch):
    engine = _store(tmp_path / "s.db", group)
    root = tmp_path / "copies"
    run.run_segments(engine, group_id="g1", as_of=AS_OF, now=NOW, copy_root=root)
    before = _run_row(engine)
    vin = _vins(engine)[0]
    with engine.connect() as conn:
        expected = stored_opportunity(conn, group_id="g1", as_of=AS_OF, vin=vin)

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(run, "_sqlite_parameters", failing)
    with pytest.raises(OSError, match="disk full"):
        run.run_segments(engine, group_id="g1", as_of=AS_OF, now=NOW, copy_root=root)
    assert _run_row(engine).features_file == before.features_file
    assert [p.name for p in Path(before.features_file).parent.iterdir()] == \
        [Path(before.features_file).name]
    with engine.connect() as conn:
        assert stored_opportunity(conn, group_id="g1", as_of=AS_OF, vin=vin) == expected


def test_a_missing_file_is_said_plainly(group, tmp_path):
    engine = _store(tmp_path / "s.db", group)
    run.run_segments(engine, group_id="g1", as_of=AS_OF, now=NOW,
                     copy_root=tmp_path / "copies")
    Path(_run_row(engine).features_file).unlink()
    with engine.connect() as conn, pytest.raises(FeaturesUnavailable, match="is gone"):
        stored_opportunity(conn, group_id="g1", as_of=AS_OF, vin=_vins(engine)[0])


@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
def test_a_postgresql_store_keeps_the_features_in_the_database(engine, group, tmp_path):
    assert import_path(engine, group, group_id="g1").status == "completed"
    run.run_segments(engine, group_id="g1", as_of=AS_OF, now=NOW,
                     copy_root=tmp_path / "copies")
    assert _run_row(engine).features_file is None
    t = schema.opportunity_segments
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).where(
            t.c.features.is_(None))).scalar() == 0
    assert not (tmp_path / "copies" / "g1" / "runs").exists()


def test_a_features_file_that_cannot_be_written_stores_nothing_of_the_run(
        group, tmp_path, monkeypatch):
    engine = _store(tmp_path / "s.db", group)
    root = tmp_path / "copies"
    run.run_segments(engine, group_id="g1", as_of=AS_OF, now=NOW, copy_root=root)
    before = _run_row(engine)

    def failing(result, *, path):  # type: ignore[no-untyped-def]
        raise OSError("no space left on device")

    monkeypatch.setattr(run, "write_features", failing)
    with pytest.raises(OSError, match="no space left"):
        run.run_segments(engine, group_id="g1", as_of=AS_OF, now=NOW, copy_root=root)
    after = _run_row(engine)
    assert (after.features_file, after.started_at) == (before.features_file,
                                                       before.started_at)
    assert [p.name for p in Path(before.features_file).parent.iterdir()] == \
        [Path(before.features_file).name]


def test_what_a_stopped_run_left_is_removed_once_it_is_old(group, tmp_path):
    import os
    import time


    engine = _store(tmp_path / "s.db", group)
    root = tmp_path / "copies"
    run.run_segments(engine, group_id="g1", as_of=AS_OF, now=NOW, copy_root=root)
    stored = Path(_run_row(engine).features_file)
    folder = stored.parent
    half, orphan = folder / "2026-08-01-aaaa.writing", folder / "2026-08-01-bbbb.parquet"
    young = folder / "2026-08-02-cccc.parquet"  # a run under way may be writing it
    for path in (half, orphan, young):
        path.write_bytes(b"left")
    hours_ago = time.time() - 2 * ABANDONED_S
    for path in (half, orphan, stored):
        os.utime(path, (hours_ago, hours_ago))
    run.run_segments(engine, group_id="g1", as_of=date(2026, 9, 2), now=NOW, copy_root=root)
    # the run of 2026-09-01 is still stored, its file old but named by it: kept
    assert Path(_run_row(engine).features_file) == stored
    files = sorted(p.name for p in folder.iterdir())
    assert stored.name in files and young.name in files
    assert half.name not in files and orphan.name not in files
    assert len(files) == 3  # the two runs' files and the young one
