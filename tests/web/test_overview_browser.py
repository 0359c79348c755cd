"""The overview in a real browser (Debian's Chromium) over a real import.

Every page must render without a console error or a script error, and must load
nothing from anywhere but this server. Set DEALERREACH_TEST_SCREENSHOTS to a folder
to keep a screenshot of each page.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from .helpers import (
    BAD_BIRTH_DATE,
    BAD_ROW,
    CUSTOMERS,
    canonical_files,
    run_import,
    serving,
)

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("DEALERREACH_TEST_SCREENSHOTS")


@pytest.fixture
def served(engine: sa.Engine) -> Iterator[str]:
    """The app on a free loopback port, served by uvicorn in a background thread."""
    with serving(engine) as url:
        yield url


@dataclass
class Visit:
    """A browser tab that records what went wrong on the pages it shows."""

    page: Any
    base: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on("request", self._request)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def _request(self, request: Any) -> None:
        if not request.url.startswith((self.base + "/", "data:")):
            self.foreign.append(request.url)

    def open(self, path: str, *, status: int = 200) -> Any:
        response = self.page.goto(self.base + path, wait_until="networkidle")
        assert response is not None and response.status == status, path
        return response

    def check(self, name: str, *, is_404: bool = False) -> None:
        """No errors on the page (a 404 page may log its own status, and only that)."""
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
        own_status = (f"console: Failed to load resource: the server responded with a status "
                      f"of 404 (Not Found) ({self.page.url})")
        errors = [e for e in self.errors if not (is_404 and e == own_status)]
        assert errors == [], f"{name}: {errors}"
        assert self.foreign == [], f"{name} loaded from elsewhere: {self.foreign}"
        self.errors.clear()


@pytest.fixture
def visit(browser: Any, served: str) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Visit(context.new_page(), served)
    context.close()


def _text(visit: Visit, selector: str) -> str:
    return " ".join((visit.page.locator(selector).text_content() or "").split())


def test_home_lists_the_groups_and_links_to_each(visit, imported, engine, folder):
    assert run_import(engine, folder("second", canonical_files()), group_id="g2").import_id
    visit.open("/")
    assert visit.page.locator("tbody tr").count() == 2
    visit.check("groups")
    visit.page.click('a:has-text("g2")')
    visit.page.wait_for_url("**/groups/g2")
    assert _text(visit, '[data-count="customers"] dd') == f"{CUSTOMERS:,}"
    visit.check("group-g2")


def test_group_page_shows_the_numbers_of_a_real_import(visit, imported):
    visit.open("/")
    assert visit.page.url == f"{visit.base}/groups/g1"
    assert _text(visit, '[data-count="customers"] dd') == f"{CUSTOMERS:,}" == "1,200"
    assert _text(visit, '[data-count="households"] dd') == "600"
    assert _text(visit, '[data-count="ro_lines"] dd') == str(
        imported.files["ro_lines.csv"].inserted)
    assert _text(visit, '[data-rooftop="R1"]').startswith(
        f"Lakeside Toyota R1 Springfield, IL, US {CUSTOMERS - CUSTOMERS // 3:,}")
    c = imported.files["customers.csv"]
    assert (f"customers.csv {c.read:,} {c.inserted:,} {c.updated} {c.unchanged} {c.rejected}"
            in _text(visit, f'[data-import="{imported.import_id}"]'))
    visit.check("group")


def test_import_page_shows_the_rejected_row_of_a_real_import(visit, imported):
    visit.open("/groups/g1")
    visit.page.click(f'[data-import="{imported.import_id}"] a')
    visit.page.wait_for_url(f"**/groups/g1/imports/{imported.import_id}")
    assert "completed" in _text(visit, "h1")
    table = _text(visit, "#issue-table")
    assert f"rejected customers.csv {BAD_ROW} birth_date {BAD_BIRTH_DATE}" in table
    assert _text(visit, '[data-file="customers.csv"]') == (
        f"customers.csv {imported.files['customers.csv'].read:,} {CUSTOMERS:,} 0 0 1")
    visit.check("import")
    visit.page.click('.tabs a:has-text("Warnings")')
    visit.page.wait_for_url("**/imports/*?severity=warning*")
    assert "rejected" not in _text(visit, "#issue-table")
    visit.check("import-warnings")


def test_refused_import_page_shows_the_refusal(visit, refused):
    visit.open(f"/groups/g1/imports/{refused.import_id}")
    assert refused.message in _text(visit, "[role=alert]")
    visit.check("refused")


def test_api_docs_render_from_local_files(visit, imported):
    visit.open("/api/docs")
    visit.page.wait_for_selector(".opblock", timeout=15_000)
    assert visit.page.locator(".opblock").count() == 8
    visit.check("api-docs")


def test_not_found_pages_say_what_was_not_found(visit, imported):
    visit.open("/groups/nope", status=404)
    assert _text(visit, "h1") == "There is no group “nope”."
    visit.check("no-group", is_404=True)
    visit.open("/groups/g1/imports/999", status=404)
    assert _text(visit, "h1") == "Group “g1” has no import “999”."
    visit.check("no-import", is_404=True)
