"""The benchmark's demo group: generated once per size and seed, cached under bench/out/.

A cached group is reused only when its ``summary.json`` says it was written completely
by the same generator code (a fingerprint of ``dealerreach.testing``), so a changed
generator never benchmarks stale files.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dealerreach.testing as testing_package
from dealerreach.testing.generator import generate_group

OUT = Path(__file__).parent / "out"
#: a fixed as-of date, so the same size and seed always give the same files
AS_OF = date(2026, 11, 1)


@dataclass(frozen=True)
class DemoGroup:
    folder: Path
    #: file name -> data rows (header not counted)
    rows: dict[str, int]
    generated: bool

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def generator_fingerprint() -> str:
    """A short hash of the generator's source, so a changed generator regenerates."""
    digest = hashlib.sha256()
    for path in sorted(Path(testing_package.__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def group_dir(*, customers: int, rooftops: int, seed: int) -> Path:
    return OUT / f"group-{customers}c-{rooftops}r-seed{seed}"


def cached_group(*, customers: int, rooftops: int, seed: int) -> DemoGroup | None:
    base = group_dir(customers=customers, rooftops=rooftops, seed=seed)
    try:
        summary = json.loads((base / "summary.json").read_text())
    except (OSError, ValueError):
        return None
    if summary.get("fingerprint") != generator_fingerprint():
        return None
    if summary.get("as_of") != AS_OF.isoformat():
        return None
    return DemoGroup(base / "data", summary["rows"], generated=False)


def demo_group(*, customers: int, rooftops: int, seed: int,
               progress: Callable[[int], None] | None = None) -> DemoGroup:
    """The cached group of this size and seed, generated first when missing or stale."""
    found = cached_group(customers=customers, rooftops=rooftops, seed=seed)
    if found is not None:
        return found
    base = group_dir(customers=customers, rooftops=rooftops, seed=seed)
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    summary = generate_group(out_dir=base / "data", rooftops=rooftops, customers=customers,
                             seed=seed, as_of=AS_OF, progress=progress)
    (base / "summary.json").write_text(json.dumps({
        "customers": customers, "rooftops": rooftops, "seed": seed,
        "as_of": AS_OF.isoformat(), "fingerprint": generator_fingerprint(),
        "rows": summary.rows,
    }, indent=2))
    return DemoGroup(base / "data", dict(summary.rows), generated=True)
