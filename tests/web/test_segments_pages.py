"""The segment dashboard, a segment's opportunities and an opportunity's "why", as pages
and as JSON, on SQLite and PostgreSQL, over segment runs written directly to the store.

The rows are written directly so every count is known in advance; the browser test
(test_segments_browser.py) runs the real pipeline.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from dealerreach.features.config import RuleConfig
from dealerreach.segments.assign import enabled_rules
from dealerreach.storage import schema
from dealerreach.web.charts import Bar, bar_chart, bar_length

from .helpers import add_group, add_rows

D1, D2 = date(2026, 9, 1), date(2026, 10, 1)
#: the run of D2 kept its own settings: High APR from 7.5 %
RUN_CONFIG = RuleConfig(high_apr_percent=7.5)
R1_HIGH_APR = 60  # more than one page of 50
R2_HIGH_APR = 3
R1_EVERYONE_ELSE = 5
EXPLAINED = "1HGCM82633A000001"


def _vin(rooftop: str, i: int) -> str:
    return f"VIN{rooftop}{i:05d}"


def _opportunity(vin: str, rooftop: str, *, sales: str, flags: str, service: str = "none",
                 customer: str = "C1", **features: Any) -> dict[str, Any]:
    values = {"vin": vin, "rooftop_id": rooftop, "customer_id": customer,
              "sales_segment": sales, "sales_flags": flags, "service_segment": service,
              "service_flags": "" if service == "none" else service, **features}
    columns = [c.name for c in schema.opportunity_segments.columns
               if c.name not in ("group_id", "as_of", "features")]
    return {**{name: values.get(name) for name in columns}, "features": json.dumps(values)}


def _run_rows() -> list[dict[str, Any]]:
    rows = [_opportunity(_vin("R1", i), "R1", sales="high_apr", flags="high_apr",
                         customer=f"C{i:03d}", deal_type="finance", apr=12.0, payoff=1000.5)
            for i in range(R1_HIGH_APR)]
    rows += [_opportunity(_vin("R2", i), "R2", sales="high_apr", flags="high_apr",
                          service="lost", deal_type="finance", apr=10.0)
             for i in range(R2_HIGH_APR)]
    rows += [_opportunity(_vin("R1", 100 + i), "R1", sales="everyone_else",
                          flags="everyone_else", service="lost") for i in range(4)]
    # flagged High APR too, but Finance Upgrade comes first: its primary segment
    rows.append(_opportunity(EXPLAINED, "R1", sales="finance_upgrade",
                             flags="finance_upgrade;high_apr", service="retained",
                             deal_type="finance", apr=8.25, equity=2500.0,
                             market_value=12000.0, payoff=9500.0))
    return rows


def _movements() -> list[dict[str, Any]]:
    entered = [{"vin": _vin("R1", i), "rooftop_id": "R1", "segment_id": "high_apr",
                "movement": "entered"} for i in range(7)]
    left = [{"vin": "GONE0000000000001", "rooftop_id": "R1", "segment_id": "high_apr",
             "movement": "left"},
            {"vin": _vin("R2", 0), "rooftop_id": "R2", "segment_id": "high_apr",
             "movement": "left"}]
    return [{**m, "kind": "sales", "previous_as_of": D1} for m in entered + left]


def _add_run(conn: sa.Connection, as_of: date, rows: list[dict[str, Any]], *,
             previous: date | None, config: RuleConfig) -> None:
    add_rows(conn, schema.segment_runs, [{
        "as_of": as_of, "engine": "duckdb", "started_at": datetime(2026, 11, 1),
        "duration_s": 1.0, "opportunities": len(rows), "previous_as_of": previous,
        "config": config.model_dump(mode="json")}], group_id="g1")
    add_rows(conn, schema.opportunity_segments, rows, group_id="g1", as_of=as_of)


@pytest.fixture
def runs(engine: sa.Engine) -> None:
    """Two runs of group g1: D1 (one opportunity) and D2 (the counts above)."""
    with engine.begin() as conn:
        add_group(conn, "g1", "Lakeside Auto Group")
        add_rows(conn, schema.rooftops, [{"rooftop_id": "R1", "name": "Lakeside Toyota"},
                                         {"rooftop_id": "R2", "name": "Lakeside Honda"}],
                 group_id="g1", is_bare=False)
        _add_run(conn, D1, [_opportunity("GONE0000000000001", "R1", sales="high_apr",
                                         flags="high_apr")], previous=None,
                 config=RuleConfig())
        _add_run(conn, D2, _run_rows(), previous=D1, config=RUN_CONFIG)
        add_rows(conn, schema.segment_movements, _movements(), group_id="g1", as_of=D2)


def _page(client, url: str, status: int = 200) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _cell(page: str, kind: str, segment: str, column: str) -> str:
    table = page.split(f'id="{kind}-table"')[1]
    row = table.split(f'data-segment="{segment}"')[1].split("</tr>")[0]
    found = re.search(rf'data-col="{column}">([^<]*)<', row)
    assert found, f"no {column} for {segment}"
    return found.group(1)


def _bars(page: str, kind: str) -> dict[str, int]:
    chart = page.split(f'id="{kind}-chart"')[1].split("</svg>")[0]
    return {key: int(value) for key, value in
            re.findall(r'data-key="([^"]+)" data-value="(\d+)"', chart)}


# -- the dashboard --------------------------------------------------------------------

def test_dashboard_counts_primary_segments_of_all_rooftops_by_default(client, runs):
    page = _page(client, "/groups/g1/segments")
    assert 'id="run-date">2026-10-01<' in page
    assert _cell(page, "sales", "high_apr", "opportunities") == str(R1_HIGH_APR + R2_HIGH_APR)
    assert _cell(page, "sales", "finance_upgrade", "opportunities") == "1"
    assert _cell(page, "service", "lost", "opportunities") == str(R2_HIGH_APR + 4)
    total = R1_HIGH_APR + R2_HIGH_APR + 4 + 1
    assert f"Opportunities {total}" in _text(page)


def test_dashboard_counts_only_the_chosen_rooftop(client, runs):
    page = _page(client, "/groups/g1/segments?rooftop=R1&as_of=2026-10-01")
    assert _cell(page, "sales", "high_apr", "opportunities") == str(R1_HIGH_APR)
    assert _cell(page, "sales", "everyone_else", "opportunities") == "4"
    assert '<option value="R1" selected>Lakeside Toyota (R1)</option>' in page


def test_dashboard_lists_every_enabled_segment_in_precedence_order_with_zeros(client, runs):
    page = _page(client, "/groups/g1/segments")
    sales = re.findall(r'data-segment="([^"]+)"', page.split('id="sales-table"')[1]
                       .split("</table>")[0])
    assert sales == [*(r.id for r in enabled_rules("sales", config=RUN_CONFIG)),
                     "everyone_else"]
    assert _cell(page, "sales", "warranty_alert", "opportunities") == "0"


def test_dashboard_chart_is_inline_svg_with_a_bar_per_segment_of_its_count(client, runs):
    page = _page(client, "/groups/g1/segments?rooftop=R1")
    bars = _bars(page, "sales")
    assert bars["high_apr"] == R1_HIGH_APR and bars["finance_upgrade"] == 1
    assert bars["warranty_alert"] == 0
    assert "<svg" in page and "<script" not in page and "style=" not in page


def test_dashboard_shows_entered_and_left_since_the_previous_run(client, runs):
    page = _page(client, "/groups/g1/segments")
    assert _cell(page, "sales", "high_apr", "entered") == "+7"
    assert _cell(page, "sales", "high_apr", "left") == "−2"
    assert 'id="previous-date">2026-09-01<' in page
    r2 = _page(client, "/groups/g1/segments?rooftop=R2")
    assert _cell(r2, "sales", "high_apr", "entered") == "0"
    assert _cell(r2, "sales", "high_apr", "left") == "−1"


def test_dashboard_of_the_first_run_says_there_are_no_movements(client, runs):
    page = _page(client, "/groups/g1/segments?as_of=2026-09-01")
    assert "first run, no movements" in _text(page)
    assert _cell(page, "sales", "high_apr", "opportunities") == "1"


def test_dashboard_without_a_run_says_to_run_dealerreach_segments_run(client, engine):
    with engine.begin() as conn:
        add_group(conn, "g1")
    text = _text(_page(client, "/groups/g1/segments"))
    assert "no segment run yet" in text and "dealerreach segments run" in text


def test_dashboard_of_a_date_without_a_run_links_to_the_runs(client, runs):
    page = _page(client, "/groups/g1/segments?as_of=2026-01-01")
    assert "No segment run on 2026-01-01." in _text(page)
    assert "as_of=2026-09-01" in page and "as_of=2026-10-01" in page


@pytest.mark.parametrize(("url", "message"), [
    ("/groups/nope/segments", "There is no group “nope”."),
    ("/groups/g1/segments?rooftop=R9", "Rooftop “R9” has no opportunity in the run"),
    ("/groups/g1/segments?as_of=2026-13-01", "“2026-13-01” is not a date (YYYY-MM-DD)."),
    ("/groups/g1/segments/parts/lost", "There is no kind of segment “parts”"),
    ("/groups/g1/segments/sales/lost", "There is no sales segment “lost”"),
    ("/groups/g1/opportunities/NOPE", "There is no opportunity “NOPE” in the run of 2026-10-01."),
])
def test_pages_of_what_does_not_exist_say_what_is_missing(client, runs, url, message):
    assert message in _text(_page(client, url, status=404))


def test_group_page_links_to_the_segment_dashboard(client, runs):
    assert 'href="http://testserver/groups/g1/segments"' in _page(client, "/groups/g1")


# -- a segment's opportunities ---------------------------------------------------------

def _vins(page: str) -> list[str]:
    table = page.split('id="opportunity-table"')[1].split("</table>")[0]
    return re.findall(r'<tr data-vin="([^"]+)"', table)


def test_segment_page_lists_50_opportunities_a_page_by_rooftop_customer_vin(client, runs):
    first = _page(client, "/groups/g1/segments/sales/high_apr?rooftop=R1")
    assert _vins(first) == [_vin("R1", i) for i in range(50)]
    assert "1–50 of 60" in _text(first)
    second = _page(client, "/groups/g1/segments/sales/high_apr?rooftop=R1&page=2")
    assert _vins(second) == [_vin("R1", i) for i in range(50, R1_HIGH_APR)]
    assert "51–60 of 60" in _text(second)


def test_segment_page_lists_only_opportunities_whose_primary_segment_it_is(client, runs):
    pages = [_page(client, f"/groups/g1/segments/sales/high_apr?page={n}") for n in (1, 2)]
    vins = _vins(pages[0]) + _vins(pages[1])
    assert len(vins) == R1_HIGH_APR + R2_HIGH_APR and EXPLAINED not in vins
    upgrade = _page(client, "/groups/g1/segments/sales/finance_upgrade")
    assert _vins(upgrade) == [EXPLAINED]


def test_segment_page_shows_the_columns_and_links_each_vin(client, runs):
    page = _page(client, "/groups/g1/segments/sales/finance_upgrade")
    row = page.split(f'data-vin="{EXPLAINED}"')[1].split("</tr>")[0]
    assert f"/groups/g1/opportunities/{EXPLAINED}?as_of=2026-10-01" in row
    assert "9,500.00" in row and "2,500.00" in row and "finance" in row


def test_segment_page_lists_what_entered_and_left(client, runs):
    page = _page(client, "/groups/g1/segments/sales/high_apr")
    entered = page.split('id="entered"')[1].split("</div>")[0]
    assert 'data-total="7"' in page and entered.count("<li>") == 7
    left = page.split('id="left"')[1].split("</div>")[0]
    assert "GONE0000000000001" in left and "not in this run" in left
    assert "/opportunities/GONE0000000000001?as_of=2026-09-01" in left


# -- one opportunity -------------------------------------------------------------------

def _rule_rows(page: str, kind: str) -> dict[str, str]:
    section = page.split(f'id="why-{kind}"')[1].split("</section>")[0]
    return dict(re.findall(r'data-rule="([^"]+)" data-matched="(yes|no)"', section))


def test_opportunity_page_gives_every_rule_in_precedence_order(client, runs):
    page = _page(client, f"/groups/g1/opportunities/{EXPLAINED}")
    for kind in ("sales", "service"):
        assert list(_rule_rows(page, kind)) == [
            r.id for r in enabled_rules(kind, config=RUN_CONFIG)]


def test_opportunity_page_says_which_rules_matched_and_which_is_primary(client, runs):
    page = _page(client, f"/groups/g1/opportunities/{EXPLAINED}")
    sales = _rule_rows(page, "sales")
    assert sales["finance_upgrade"] == sales["high_apr"] == "yes"
    assert sales["lease_upgrade"] == "no"
    primary = re.findall(r'data-rule="([^"]+)" data-matched="yes" class="is-primary"', page)
    assert primary == ["finance_upgrade", "retained"]


def test_opportunity_page_words_rules_with_the_settings_the_run_used(client, runs):
    page = _text(_page(client, f"/groups/g1/opportunities/{EXPLAINED}"))
    assert "finance deal, APR ≥ 7.5 %" in page
    assert "apr 8.25" in page  # the value that decided it


def test_opportunity_page_shows_every_feature(client, runs):
    page = _page(client, f"/groups/g1/opportunities/{EXPLAINED}")
    features = re.findall(r'data-feature="([^"]+)"', page)
    assert {"vin", "apr", "equity", "market_value", "sales_flags"} <= set(features)


# -- the JSON API ----------------------------------------------------------------------

def _json(client, url: str, status: int = 200) -> Any:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == status, response.text
    return response.json()


def test_api_segments_gives_counts_and_movements_per_kind(client, runs):
    body = _json(client, "/api/groups/g1/segments?rooftop=R1")
    assert body["as_of"] == "2026-10-01" and body["previous_as_of"] == "2026-09-01"
    assert body["rooftops"] == ["R1", "R2"] and body["run_dates"] == ["2026-10-01", "2026-09-01"]
    assert body["opportunities"] == R1_HIGH_APR + 4 + 1
    high_apr = next(s for s in body["sales"] if s["segment_id"] == "high_apr")
    assert high_apr == {"segment_id": "high_apr", "name": "High APR",
                        "opportunities": R1_HIGH_APR, "entered": 7, "left": 1}
    assert body["service"][-1]["segment_id"] == "none"


def test_api_segment_gives_a_page_of_opportunities(client, runs):
    body = _json(client, "/api/groups/g1/segments/sales/high_apr?rooftop=R1&limit=5&offset=55")
    assert body["total"] == R1_HIGH_APR
    assert [i["vin"] for i in body["items"]] == [_vin("R1", i) for i in range(55, 60)]
    assert body["items"][0]["payoff"] == 1000.5
    assert body["entered"]["total"] == 7 and body["left"]["total"] == 1


def test_api_opportunity_gives_features_and_every_rule(client, runs):
    body = _json(client, f"/api/groups/g1/opportunities/{EXPLAINED}?as_of=2026-10-01")
    assert body["features"]["apr"] == 8.25
    high_apr = next(r for r in body["rules"] if r["rule_id"] == "high_apr")
    assert high_apr == {"kind": "sales", "rule_id": "high_apr", "name": "High APR",
                        "wording": "finance deal, APR ≥ 7.5 %", "matched": True,
                        "primary": False, "values": {"deal_type": "finance", "apr": 8.25}}


@pytest.mark.parametrize("url", [
    "/api/groups/g1/segments?as_of=2026-01-01", "/api/groups/nope/segments",
    "/api/groups/g1/segments/sales/nope", "/api/groups/g1/opportunities/NOPE",
])
def test_api_answers_404_with_a_detail_for_what_does_not_exist(client, runs, url):
    assert _json(client, url, status=404)["detail"]


def test_api_without_a_run_says_to_run_dealerreach_segments_run(client, engine):
    with engine.begin() as conn:
        add_group(conn, "g1")
    detail = _json(client, "/api/groups/g1/segments", status=404)["detail"]
    assert "dealerreach segments run" in detail


def test_api_segment_routes_are_in_the_openapi_document(client):
    paths = _json(client, "/api/openapi.json")["paths"]
    assert {"/api/groups/{group_id}/segments", "/api/groups/{group_id}/segments/{kind}/"
            "{segment_id}", "/api/groups/{group_id}/opportunities/{vin}"} <= set(paths)


# -- the chart --------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "largest", "room", "pixels"), [
    (0, 10, 380, 0), (10, 10, 380, 380), (5, 10, 380, 190),
    (1, 1000, 380, 1),  # 0.38 px: shown, at least one pixel
    (1, 8, 3, 1),  # 0.375 → rounds down, then the one-pixel floor
    (1, 2, 3, 2),  # 1.5 → rounds half up
    (3, 0, 380, 0),
])
def test_bar_length_scales_to_the_largest_rounding_half_up(value, largest, room, pixels):
    assert bar_length(value, largest=largest, room=room) == pixels


def test_bar_chart_escapes_labels_and_needs_no_style_attribute():
    svg = str(bar_chart([Bar("<b>", 3, key="a&b")], title="T & U"))
    assert "<b>" not in svg and "&lt;b&gt;" in svg and 'data-key="a&amp;b"' in svg
    assert "style=" not in svg and svg.startswith("<svg")
