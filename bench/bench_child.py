"""One measurement in a fresh process: load a group into an empty store, print JSON.

Run by ``bench_import.py``, never by hand. Lines starting with ``progress`` say what is
being loaded; the last line is the result. Peak memory is this process's own high-water
mark, so each measurement is alone in its process.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from children import peak_rss_mb, say
from loaders import dealerreach_import, raw_postgres, raw_sqlite, stored_counts

from dealerreach.storage.engine import open_store

GROUP_ID = "bench"


def _psycopg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def measure(*, loader: str, url: str, data: Path) -> dict:
    say("migrating an empty store")
    engine = open_store(url)
    report = None
    started = time.perf_counter()
    if loader == "dealerreach":
        report = dealerreach_import(engine, data, group_id=GROUP_ID, progress=say)
        rows = sum(f["read"] for f in report["files"].values())
    elif url.startswith("sqlite"):
        engine.dispose()
        rows = raw_sqlite(Path(engine.url.database or ""), data, group_id=GROUP_ID,
                          progress=say)
    else:
        engine.dispose()
        rows = raw_postgres(_psycopg_dsn(url), data, group_id=GROUP_ID, progress=say)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    say("counting stored rows")
    stored = stored_counts(engine, group_id=GROUP_ID)
    engine.dispose()
    return {"loader": loader, "seconds": seconds, "rows": rows, "peak_rss_mb": peak,
            "stored": stored, "report": report}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loader", choices=("raw", "dealerreach"), required=True)
    parser.add_argument("--url", required=True, help="the empty store's URL")
    parser.add_argument("--data", type=Path, required=True, help="the group's folder")
    args = parser.parse_args(argv)
    result = measure(loader=args.loader, url=args.url, data=args.data)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
