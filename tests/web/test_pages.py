"""The server-rendered pages, read as HTML, on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re

from .helpers import (
    BAD_BIRTH_DATE,
    BAD_ROW,
    CUSTOMERS,
    add_group,
    add_import,
    add_issues,
)


def _page(client, url: str, status: int = 200) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def _stat(page: str, key: str) -> str:
    found = re.search(rf'data-count="{key}">\s*<dt>[^<]*</dt>\s*<dd>([^<]*)</dd>', page)
    assert found, f"no {key} count on the page"
    return found.group(1)


def _text(page: str) -> str:
    """The page's text with tags removed and whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_home_redirects_to_the_only_group(client, imported):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/groups/g1")


def test_home_lists_the_groups_when_there_are_several(client, engine):
    with engine.begin() as conn:
        add_group(conn, "g1", "Lakeside Auto Group")
        add_group(conn, "g2", "Northwind Motors")
    page = _page(client, "/")
    assert 'href="http://testserver/groups/g2"' in page
    assert "Lakeside Auto Group" in page and "Northwind Motors" in page


def test_home_without_groups_says_there_is_no_data_yet(client):
    assert "No data yet." in _text(_page(client, "/"))


def test_group_page_shows_the_counts_of_a_real_import_with_thousands_separators(
        client, imported):
    page = _page(client, "/groups/g1")
    assert _stat(page, "customers") == f"{CUSTOMERS:,}" == "1,200"
    assert _stat(page, "households") == "600"
    assert _stat(page, "deals") == str(imported.files["deals.csv"].inserted)
    assert _stat(page, "ro_lines") == str(imported.files["ro_lines.csv"].inserted)


def test_group_page_shows_each_rooftop_with_its_counts(client, imported):
    text = _text(_page(client, "/groups/g1"))
    assert f"Lakeside Toyota R1 Springfield, IL, US {CUSTOMERS - CUSTOMERS // 3:,} 1 1 1" in text
    assert f"Lakeside Honda R2 Decatur, IL, US {CUSTOMERS // 3:,} 1 1 0" in text


def test_group_page_lists_each_import_with_its_file_counts_and_a_link(client, imported):
    page = _page(client, "/groups/g1")
    assert f'href="http://testserver/groups/g1/imports/{imported.import_id}"' in page
    c = imported.files["customers.csv"]
    text = _text(page)
    assert f"customers.csv {c.read:,} {c.inserted:,} 0 0 {c.rejected}" in text
    assert "canonical" in text and "completed" in text


def test_import_page_shows_the_rejected_row_of_a_real_import(client, imported):
    text = _text(_page(client, f"/groups/g1/imports/{imported.import_id}"))
    bad = next(i for i in imported.issues if i.column == "birth_date")
    assert f"rejected customers.csv {BAD_ROW} birth_date {BAD_BIRTH_DATE} {bad.reason}" in text
    assert f"Rejected rows {imported.rejected}" in text


def test_import_page_of_a_refused_import_shows_why(client, refused):
    text = _text(_page(client, f"/groups/g1/imports/{refused.import_id}"))
    assert "This import was refused; nothing was changed." in text
    assert refused.message in text


def test_import_page_pages_through_issues_fifty_at_a_time(client, engine):
    with engine.begin() as conn:
        add_group(conn, "g1")
        import_id = add_import(conn, "g1")
        add_issues(conn, import_id, "warning", 120, first_row=2)
    url = f"/groups/g1/imports/{import_id}"
    second = _text(_page(client, f"{url}?severity=warning&page=2"))
    assert "51–100 of 120" in second and " customers.csv 52 email v52 " in second
    assert "‹ Previous" in second and "Next ›" in second
    last = _text(_page(client, f"{url}?page=99"))
    assert "101–120 of 120" in last and "Next ›" not in last
    assert "1–50 of 120" in _text(_page(client, f"{url}?page=first"))


def test_values_from_the_files_are_shown_as_text_never_as_markup(client, engine):
    with engine.begin() as conn:
        add_group(conn, "g1", "<b>Group</b>")
        import_id = add_import(conn, "g1")
        add_issues(conn, import_id, "rejected", 1, value="<script>alert(1)</script>")
    page = _page(client, f"/groups/g1/imports/{import_id}")
    assert "<script>alert(1)</script>" not in page and "<b>Group</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unknown_group_page_is_a_404_that_names_it(client):
    text = _text(_page(client, "/groups/nope", 404))
    assert "There is no group “nope”." in text


def test_unknown_import_page_is_a_404_that_names_it(client, engine):
    with engine.begin() as conn:
        add_group(conn, "g1", "Lakeside Auto Group")
        other = add_import(conn, "g2")
    for import_id in ("999", "abc", str(other)):
        text = _text(_page(client, f"/groups/g1/imports/{import_id}", 404))
        assert f"Group “Lakeside Auto Group” has no import “{import_id}”." in text


def test_unknown_address_is_a_404_page(client):
    assert "There is no page at /nowhere." in _text(_page(client, "/nowhere", 404))


def test_pages_let_the_browser_load_only_from_this_server(client):
    response = client.get("/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "http" not in policy
    assert re.findall(r'(?:src|href)="(https?:)?//(?!testserver)', response.text) == []
