"""Compare the pandas baseline with the product's export for one store, group and date.

The product's export is written by ``dealerreach segments run`` (so the run of that
date is fresh) and ``dealerreach segments export`` against the same store, unless a CSV
is given. Both sides are formatted with the export's own ``format_cell`` and matched on the
VIN (one opportunity per VIN); the report gives the rows on each side, the VINs on one
side only, and per column the number of mismatching cells with a few examples.

    python bench/check_baseline.py --store-url sqlite:///FILE --group demo --as-of 2026-11-01
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from baseline_pandas import export_frame, load_inputs, peak_rss_mb

from dealerreach.features.config import RuleConfig
from dealerreach.segments.export import EXPORT_COLUMNS, EXTRA_COLUMNS, format_cell

COLUMNS = (*EXPORT_COLUMNS, *EXTRA_COLUMNS)


def python_value(value: object) -> object:
    """A pandas cell as the product's stored value: None when missing, dates as dates."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def baseline_rows(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """The baseline's rows formatted as the export formats them, by VIN."""
    columns = {name: [format_cell(name, python_value(v)) for v in frame[name].tolist()]
               for name in COLUMNS}
    return {vin: {name: columns[name][i] for name in COLUMNS}
            for i, vin in enumerate(columns["vin"])}


def product_rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["vin"]: row for row in csv.DictReader(handle)}


def run_product_export(store_url: str, group: str, as_of: date, out: Path) -> None:
    """``dealerreach segments run`` then ``segments export`` into ``out``, against
    ``store_url``."""
    env = {**os.environ, "DEALERREACH_DATABASE_URL": store_url}
    base = [sys.executable, "-m", "dealerreach", "segments"]
    where = ["--group", group, "--as-of", as_of.isoformat()]
    for command in ([*base, "run", *where], [*base, "export", *where, "--out", str(out)]):
        subprocess.run(command, env=env, check=True, capture_output=True)


def compare(ours: dict[str, dict[str, str]], theirs: dict[str, dict[str, str]], *,
            examples: int = 3) -> int:
    """Print the comparison; return the number of differences (cells and rows)."""
    only_ours = sorted(set(ours) - set(theirs))
    only_theirs = sorted(set(theirs) - set(ours))
    common = sorted(set(ours) & set(theirs))
    print(f"rows: baseline {len(ours):,}, product {len(theirs):,}, compared {len(common):,}")
    print(f"VINs only in the baseline: {len(only_ours)} {only_ours[:examples]}")
    print(f"VINs only in the product:  {len(only_theirs)} {only_theirs[:examples]}")
    differences = len(only_ours) + len(only_theirs)
    for name in COLUMNS:
        wrong = [vin for vin in common if ours[vin][name] != theirs[vin][name]]
        differences += len(wrong)
        shown = ", ".join(f"{vin}: baseline {ours[vin][name]!r} product {theirs[vin][name]!r}"
                          for vin in wrong[:examples])
        print(f"  {name:32} {len(wrong):6} mismatches" + (f"  e.g. {shown}" if wrong else ""))
    return differences


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store-url", required=True, help="SQLAlchemy URL of the store")
    parser.add_argument("--group", required=True)
    parser.add_argument("--as-of", required=True, type=date.fromisoformat)
    parser.add_argument("--product-csv", type=Path,
                        help="the product's export (default: run the export now)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        product_csv = args.product_csv
        if product_csv is None:
            product_csv = Path(folder) / "product.csv"
            started = time.perf_counter()
            run_product_export(args.store_url, args.group, args.as_of, product_csv)
            print(f"product run and export: {time.perf_counter() - started:.1f} s")
        theirs = product_rows(product_csv)

    started = time.perf_counter()
    tables = load_inputs(args.store_url, args.group)
    loaded = time.perf_counter()
    frame = export_frame(tables, args.as_of, RuleConfig())
    done = time.perf_counter()
    print(f"baseline: load_inputs {loaded - started:.1f} s, export_frame {done - loaded:.1f} s, "
          f"peak RSS of this process {peak_rss_mb():,.0f} MB")
    differences = compare(baseline_rows(frame), theirs)
    print("no differences" if differences == 0 else f"{differences:,} differences")
    return 0 if differences == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
