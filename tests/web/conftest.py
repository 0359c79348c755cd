"""Fixtures of the web tests: real imports (one completed, one refused) and an app client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dealerreach.web.app import create_app

from .helpers import CHROMIUM, CHROMIUM_ARGS, IN_CI, ROOFTOPS, canonical_files, run_import


@pytest.fixture
def imported(engine: sa.Engine, folder: Callable[..., Path]) -> Any:
    """The report of a real canonical import into group g1 (one bad customer row)."""
    report = run_import(engine, folder("canonical", canonical_files()))
    assert report.status == "completed", report.message
    return report


@pytest.fixture
def refused(engine: sa.Engine, folder: Callable[..., Path]) -> Any:
    """The report of a real import that was refused: it has no customers.csv."""
    report = run_import(engine, folder("no-customers", {"rooftops.csv": ROOFTOPS}))
    assert report.status == "refused"
    return report


@pytest.fixture
def client(engine: sa.Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine=engine)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"CI=true requires the browser tests: {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
