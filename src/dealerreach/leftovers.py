"""What a process stopped while writing leaves behind: a work folder or a file that
never got its final name. Removed by whoever comes next, once it is old enough that no
process can still be writing it."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable
from pathlib import Path

#: a work file or folder this old (seconds) was left by a process stopped while writing
ABANDONED_S = 3600


def remove_abandoned(paths: Iterable[Path]) -> list[Path]:
    """Remove those of ``paths`` (files or folders) older than ``ABANDONED_S``; the
    removed ones. A younger one may still be being written, and is left."""
    stale, removed = time.time() - ABANDONED_S, []
    for left in paths:
        try:
            if left.stat().st_mtime >= stale:
                continue
            if left.is_dir():
                shutil.rmtree(left, ignore_errors=True)
            else:
                left.unlink()
        except FileNotFoundError:  # another process removed it meanwhile
            continue
        removed.append(left)
    return removed
