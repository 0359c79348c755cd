"""The segment dashboard in a real browser (Debian's Chromium) over real segment runs:
a demo group imported and run through the pipeline on two dates, so there are movements.

The store is made once for the module (two runs take a while). It is PostgreSQL: the
run's bulk write goes through ADBC, which is what the pipeline supports on both stores,
but one store is enough to prove what the browser shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from dealerreach.segments import export
from dealerreach.storage.engine import create_store_engine
from dealerreach.web import segments_data

from .helpers import serving
from .test_overview_browser import Visit

pytestmark = pytest.mark.browser

FIRST, LATEST = date(2026, 9, 1), date(2026, 10, 1)


@pytest.fixture(scope="module")
def real_store(pg_template: tuple[sa.Engine, str] | None,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    """A store with demo group g1 and segment runs on FIRST and LATEST."""
    if pg_template is None:
        pytest.skip("no PostgreSQL server reachable (CI=true requires one)")
    from dealerreach.ingest.run import import_path
    from dealerreach.jobs.segments import run_segments
    from dealerreach.testing.generator import generate_group

    admin, template = pg_template
    name = f"dealerreach_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    engine = create_store_engine(admin.url.set(database=name)
                                 .render_as_string(hide_password=False))
    folder = tmp_path_factory.mktemp("demo")
    generate_group(out_dir=folder, rooftops=2, customers=300, seed=1, as_of=LATEST)
    assert import_path(engine, folder, group_id="g1").status == "completed"
    for day in (FIRST, LATEST):
        run_segments(engine, group_id="g1", as_of=day, engine="duckdb",
                     now=datetime(day.year, day.month, day.day, 6))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def base_url(real_store: sa.Engine) -> Iterator[str]:
    with serving(real_store) as url:
        yield url


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Visit(context.new_page(), base_url)
    context.close()


def _stored_counts(engine: sa.Engine, kind: str, rooftop: str | None) -> dict[str, int]:
    with engine.connect() as conn:
        by_rooftop = export.summary(conn, group_id="g1", as_of=LATEST, kind=kind)
    out: dict[str, int] = {}
    for rooftop_id, counts in by_rooftop.items():
        if rooftop in (None, rooftop_id):
            for segment, n in counts.items():
                out[segment] = out.get(segment, 0) + n
    return out


def _shown_counts(visit: Visit, kind: str) -> dict[str, int]:
    rows = visit.page.locator(f"#{kind}-table tbody tr")
    shown = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        cell = row.locator('[data-col="opportunities"]').text_content() or ""
        shown[row.get_attribute("data-segment")] = int(cell.replace(",", ""))
    return {segment: n for segment, n in shown.items() if n}


def _bars(visit: Visit, kind: str) -> dict[str, int]:
    bars = visit.page.locator(f"#{kind}-chart svg .chart-row")
    return {bars.nth(i).get_attribute("data-key"): int(bars.nth(i).get_attribute("data-value"))
            for i in range(bars.count())}


def test_dashboard_shows_the_counts_of_the_real_run_and_a_chart(visit, real_store):
    visit.open("/groups/g1")
    visit.page.click("#segments-link")
    visit.page.wait_for_url("**/groups/g1/segments")
    assert visit.page.locator("#run-date").text_content() == LATEST.isoformat()
    for kind in ("sales", "service"):
        stored = _stored_counts(real_store, kind, None)
        assert _shown_counts(visit, kind) == stored
        assert {k: v for k, v in _bars(visit, kind).items() if v} == stored
        assert visit.page.locator(f"#{kind}-chart svg rect.chart-bar").count() >= len(stored)
    visit.check("segments")


def test_rooftop_picker_shows_one_rooftops_counts(visit, real_store):
    visit.open("/groups/g1/segments")
    visit.page.select_option('select[name="rooftop"]', "R2")
    visit.page.click("#run-picker button")
    visit.page.wait_for_url("**/segments?as_of=*&rooftop=R2")
    assert _shown_counts(visit, "sales") == _stored_counts(real_store, "sales", "R2")
    visit.check("segments-r2")


def test_movements_match_the_stored_movements(visit, real_store):
    with real_store.connect() as conn:
        moved = segments_data.movement_counts(conn, group_id="g1", as_of=LATEST, kind="sales")
    assert moved, "two real runs should move some opportunities"
    visit.open("/groups/g1/segments")
    for segment, counts in moved.items():
        row = visit.page.locator(f'#sales-table tr[data-segment="{segment}"]')
        entered = row.locator('[data-col="entered"]').text_content() or ""
        assert int(entered.strip("+").replace(",", "")) == counts["entered"]
    visit.check("segments-moved")


def test_segment_then_vin_reaches_the_opportunity_and_its_why(visit, real_store):
    stored = _stored_counts(real_store, "sales", None)
    segment = max((s for s in stored if s != "everyone_else"), key=lambda s: stored[s])
    visit.open("/groups/g1/segments")
    visit.page.click(f'#sales-table tr[data-segment="{segment}"] a')
    visit.page.wait_for_url(f"**/segments/sales/{segment}?*")
    assert visit.page.locator("#segment-total").text_content() == f"{stored[segment]:,}"
    assert visit.page.locator("#opportunity-table tbody tr").count() == min(50, stored[segment])
    visit.check("segment")
    vin = visit.page.locator("#opportunity-table tbody tr").first.get_attribute("data-vin")
    visit.page.click(f'#opportunity-table tr[data-vin="{vin}"] a')
    visit.page.wait_for_url(f"**/opportunities/{vin}?*")
    primary = visit.page.locator(f'#why-sales tr[data-rule="{segment}"]')
    assert primary.get_attribute("data-matched") == "yes"
    assert primary.get_attribute("class") == "is-primary"
    assert visit.page.locator("#why-service tbody tr").count() >= 1
    assert visit.page.locator("#feature-table tr").count() > 20
    visit.check("opportunity")

