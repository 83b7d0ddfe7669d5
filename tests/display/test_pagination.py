"""Pagination on long lists (issue 16): first and last pages, a page to jump to that keeps the
filters and works without JavaScript, accessible, at a constant number of queries."""

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrddp.pagination import CappedPaginator
from hrddp.registry.queries import RoutePage
from tests.factories import InstitutionFactory, UnitFactory

pytestmark = pytest.mark.django_db

UNITS = reverse("registry:unit_list")


@pytest.fixture
def hundred_alphas(db):
    """100 units matching "Alpha" (4 pages of 25), and a few that do not."""
    institution = InstitutionFactory()
    for n in range(100):
        UnitFactory(name=f"Alpha Company {n}", institution=institution)
    for n in range(3):
        UnitFactory(name=f"Bravo Company {n}", institution=institution)


def links(html):
    return {
        label: href.replace("&amp;", "&")
        for href, label in re.findall(r'class="page-link" href="([^"]+)"[^>]*>([^<]+)<', html)
    }


def test_a_middle_page_links_to_the_first_and_last_pages_keeping_the_filters(
    client_for, hro, hundred_alphas
):
    html = client_for(hro).get(UNITS, {"q": "Alpha", "page": 3}).content.decode()
    found = links(html)
    assert found["« First"] == "?q=Alpha&page=1"
    assert found["Previous"] == "?q=Alpha&page=2"
    assert found["Next"] == "?q=Alpha&page=4"
    assert "Last »" not in found  # the next page is the last: one link is enough
    assert 'aria-current="page"><span class="page-link">Page 3 of 4' in html


def test_the_first_page_links_to_the_last(client_for, hro, hundred_alphas):
    html = client_for(hro).get(UNITS, {"q": "Alpha"}).content.decode()
    found = links(html)
    assert found["Last »"] == "?q=Alpha&page=4"
    assert 'aria-label="Last page (4)"' in html
    assert "« First" not in found and "Previous" not in found


def test_the_page_jump_is_a_get_form_that_keeps_the_filters(client_for, hro, hundred_alphas):
    client = client_for(hro)
    html = client.get(UNITS, {"q": "Alpha", "page": 2}).content.decode()
    form = re.search(r'<form method="get"[^>]*aria-label="Go to a page">(.*?)</form>', html, re.S)
    assert form, "no page-jump form"
    form = form.group(1)
    assert '<input type="hidden" name="q" value="Alpha">' in form
    assert '<label for="page-jump"' in form and 'id="page-jump"' in form
    assert 'name="page" min="1" max="4" value="2"' in form
    # What the browser sends: the filters and the page typed.
    jumped = client.get(UNITS, {"q": "Alpha", "page": 4}).content.decode()
    assert "Page 4 of 4" in jumped and "Bravo" not in jumped


def test_a_page_past_the_end_shows_the_last(client_for, hro, hundred_alphas):
    html = client_for(hro).get(UNITS, {"q": "Alpha", "page": 99}).content.decode()
    assert "Page 4 of 4" in html


def test_a_list_past_its_count_cap_has_no_last_page_but_still_a_jump(
    client_for, hro, hundred_alphas, monkeypatch
):
    monkeypatch.setattr(CappedPaginator, "cap", 30)
    html = client_for(hro).get(UNITS).content.decode()
    assert "Last »" not in links(html)
    assert 'name="page" min="1" value="1"' in html  # no max: the last page is not known


def test_pagination_runs_the_same_queries_on_the_first_and_last_pages(
    client_for, hro, hundred_alphas
):
    client = client_for(hro)
    client.get(UNITS)  # warm the session
    counts = []
    for page in (1, 3, 5):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(UNITS, {"page": page}).status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts


def test_record_pages_link_to_the_newest_and_jump_keeping_the_other_lists_pages():
    page = RoutePage(
        route="subtree",
        number=3,
        violations=[],
        has_next=True,
        parameter="subtree_page",
        anchor="subtree",
        data=QueryDict("ancestors_page=2&subtree_page=3"),
    )
    html = render_to_string(
        "registry/includes/_page_links.html", {"page": page, "label": "In this unit"}
    )
    found = links(html)
    assert found["« Newest"] == "?ancestors_page=2&subtree_page=1#subtree"
    assert found["Newer"] == "?ancestors_page=2&subtree_page=2#subtree"
    assert found["Older"] == "?ancestors_page=2&subtree_page=4#subtree"
    assert 'aria-current="page"' in html
    assert '<input type="hidden" name="ancestors_page" value="2">' in html
    assert 'name="subtree_page"' in html and 'action="#subtree"' in html
    assert '<input type="hidden" name="subtree_page"' not in html
