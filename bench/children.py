"""Measurements in fresh processes: each child prints ``progress …`` lines and, last, one
JSON line with its result; the parent shows the progress with the elapsed time."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.progress import TimeElapsedColumn as Elapsed


class ChildFailed(RuntimeError):
    pass


def say(text: str) -> None:
    """In a child: tell the parent what is being done."""
    print("progress", text, flush=True)


def status_mb(field: str) -> float | None:
    """A memory line of this process's ``/proc/self/status`` (``VmRSS``, ``VmHWM``) in
    MB; None where there is no such file (not Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """This process's peak resident memory.

    On Linux ``ru_maxrss`` survives ``exec``: a child started by a big parent reports
    at least the parent's size at the fork. The kernel's high-water mark of the
    process's own memory (``VmHWM``) starts afresh at ``exec``, so it is read first.
    """
    high_water = status_mb("VmHWM")
    if high_water is not None:
        return high_water
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def run_child(command: list[str], *, label: str, console: Console) -> dict[str, Any]:
    """Run one child to its end, its progress shown; its last line, parsed as JSON."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), Elapsed())
    last = ""
    with tempfile.TemporaryFile(mode="w+") as errors, \
            Progress(*columns, console=console, transient=True,
                     disable=not console.is_terminal) as progress:
        task = progress.add_task(label)
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True,
                              bufsize=1) as child:
            assert child.stdout is not None
            for line in child.stdout:
                if line.startswith("progress "):
                    progress.update(task, description=f"{label}: {line[9:].strip()}")
                elif line.strip():
                    last = line
        if child.returncode != 0:
            errors.seek(0)
            raise ChildFailed(f"{label} failed (exit {child.returncode}):\n"
                              + "".join(errors.readlines()[-15:]))
    result: dict[str, Any] = json.loads(last)
    return result
