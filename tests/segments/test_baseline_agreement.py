"""The product's rules against the benchmark's pandas baseline (``bench/baseline_pandas.py``),
a second implementation of PRODUCT.md's rules written with pandas alone: for a generated
group imported with three daily deltas (so customers move), every column the baseline
computes (the export's and the other features, 68 besides the key) is compared with the stored
run, on the generator's D and on a month-end D."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa

from dealerreach.features.config import RuleConfig
from dealerreach.ingest.run import import_path
from dealerreach.jobs.analytics_copy import current_copy
from dealerreach.jobs.segments import run_segments
from dealerreach.storage.engine import open_store
from dealerreach.testing.generator import generate_group

BENCH = Path(__file__).resolve().parents[2] / "bench"
AS_OF = date(2026, 9, 1)
MONTH_END = date(2026, 6, 30)
NOW = datetime(2026, 9, 1, 6, 0)


@pytest.fixture(scope="module")
def bench() -> Iterator[tuple[ModuleType, ModuleType]]:
    """The baseline and the comparison, imported from ``bench/`` (which imports its
    modules by their plain names)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCH))
        yield (importlib.import_module("baseline_pandas"),
               importlib.import_module("compare_runs"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[sa.Engine, Path]:
    out = tmp_path_factory.mktemp("group")
    generate_group(out_dir=out, rooftops=3, customers=1500, seed=23, as_of=AS_OF, deltas=3)
    path = tmp_path_factory.mktemp("store") / "store.db"
    engine = open_store(f"sqlite:///{path}")
    for folder in [out, *sorted(out.glob("delta-*"))]:
        assert import_path(engine, folder, group_id="g1").status == "completed"
    root = path.parent / "copies"
    for as_of in (MONTH_END, AS_OF):
        run_segments(engine, group_id="g1", as_of=as_of, now=NOW, copy_root=root)
    return engine, root


def _check(bench: tuple[ModuleType, ModuleType], store: tuple[sa.Engine, Path],
           as_of: date, *, change: bool = False) -> dict:
    baseline, compare_runs = bench
    engine, root = store
    copy = current_copy(engine, root=root, group_id="g1")
    assert copy is not None
    tables = baseline.load_inputs(str(engine.url), "g1", folder=copy.folder)
    frame = baseline.export_frame(tables, as_of, RuleConfig())
    if change:
        frame.loc[frame.index[0], "rfm_service_f"] = 9
    return compare_runs.compare(frame, compare_runs.stored_run(engine, group_id="g1",
                                                               as_of=as_of))


@pytest.mark.parametrize("as_of", [AS_OF, MONTH_END], ids=["d", "month_end"])
def test_the_rules_agree_with_the_pandas_baseline_on_every_column(bench, store, as_of):
    check = _check(bench, store, as_of)
    assert check["rows_stored"] > 1000
    assert check["columns_compared"] == 68
    assert (check["only_pandas"], check["only_stored"]) == (0, 0)
    assert check["mismatched_cells"] == 0, check["examples"]


def test_the_comparison_reports_a_changed_cell(bench, store):
    check = _check(bench, store, AS_OF, change=True)
    assert check["mismatched_cells"] == 1 and check["columns"]["rfm_service_f"] == 1
