"""Export of every list as filtered (issues 5 and 11): CSV straight out of PostgreSQL's COPY, with
the cells the Python path of issue 5 wrote; XLSX through a background job (test_export_jobs.py)."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from hrddp.accounts.models import Role
from hrddp.community.models import Perception
from hrddp.registry.models import (
    Violation,
)
from hrddp.transfer import exporting
from hrddp.transfer.models import ExportJob
from tests.factories import (
    AssignmentFactory,
    EntityFactory,
    PersonFactory,
    SourceFactory,
    UnitFactory,
    UserFactory,
    ViolationFactory,
    category,
    make_request,
)

from .export_world import LISTS
from .legacy_export import expected_rows

pytestmark = pytest.mark.django_db


def csv_rows(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def querysets(monkeypatch):
    """The queryset each list view hands to the export, as it hands it."""
    seen = []
    real = exporting.csv_response

    def capture(queryset, spec, *args, **kwargs):
        seen.append(queryset)
        return real(queryset, spec, *args, **kwargs)

    monkeypatch.setattr(exporting, "csv_response", capture)
    return seen


@pytest.mark.parametrize("language, zone", [("en", "UTC"), ("fr", "Pacific/Chatham")])
def test_every_lists_csv_has_the_cells_of_the_python_export_it_replaces(
    client_for, readers, registry_world, querysets, language, zone
):
    """The SQL path (COPY) against the Python path of issue 5, kept as the oracle, on the same
    querysets: same headers, same cells, same order, in English and in French, dates and times
    in the reader's time zone."""
    with timezone.override(zone):
        compare_every_list(client_for, readers, querysets, language)


def compare_every_list(client_for, readers, querysets, language):
    for name, spec, persona in LISTS:
        client = client_for(readers[persona])
        if language == "fr":
            client.post(reverse("set_language"), {"language": "fr", "next": "/"})
        querysets.clear()
        got = csv_rows(client.get(reverse(name), {"format": "csv"}))
        with translation.override(language):
            expected = expected_rows(querysets[0], spec)
        assert len(expected) > 1, f"{name}: no row to compare"
        assert got == expected, name


def test_the_comparison_covers_labels_in_french_and_the_hard_cells(client_for, hro, registry_world):
    """The data above does reach the cells worth comparing (so the test above proves something)."""
    client = client_for(hro)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    rows = csv_rows(client.get(reverse("registry:violation_list"), {"format": "csv"}))
    assert rows[0][:3] == ["Date", "Catégorie", "Sous-type"]
    by_location = {row[4]: row for row in rows[1:]}
    first = by_location['Kanda, "east"']
    assert first[0] == "2024-03-05" and first[3] == "oui"
    assert first[8] == (
        "1st Brigade (Directe); =3rd Battalion (Directe); Colonel Ndala (Directe); "
        " -Unranked (Hiérarchique)"
    )
    assert by_location["'+Market"][0] == "2023-07"
    assert by_location["'@Camp"][0] == "2022"
    assert by_location["'@Camp"][1] == "Category added by an admin"
    assert by_location["'\tTabbed"][5] == "Écartée"


def test_unit_list_exports_exactly_the_filtered_rows_as_csv(client_for, ssr_advisor):
    UnitFactory(name="Alpha Brigade", location="North")
    UnitFactory(name="Alpha Battalion", location="South")
    UnitFactory(name="Bravo Company")
    response = client_for(ssr_advisor).get(
        reverse("registry:unit_list"), {"q": "Alpha", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="units-')
    rows = csv_rows(response)
    assert rows[0] == [
        "Name",
        "Aliases",
        "Institution",
        "Parent unit",
        "Location",
        "Sub-units",
        "Reference",
    ]
    assert [row[0] for row in rows[1:]] == ["Alpha Battalion", "Alpha Brigade"]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"category": "torture"},
        {"grave": "on"},
        {"verification_status": "alleged"},
        {"unit": "brigade"},
        {"person": "colonel"},
        {"q": "Kanda", "date_from": "2024-01-01"},
    ],
)
def test_a_filtered_violation_export_holds_the_pages_rows_in_the_pages_order(
    client_for, manager, registry_world, filters
):
    from hrddp.registry.models import Person, Unit

    ids = {
        "torture": category("torture").pk,
        "brigade": Unit.objects.get(name="1st Brigade").pk,
        "colonel": Person.objects.get(name="Ndala").pk,
    }
    query = {key: ids.get(value, value) for key, value in filters.items()}
    client = client_for(manager)
    page = client.get(reverse("registry:violation_list"), query)
    shown = [violation.location for violation in page.context["page_obj"]]
    rows = csv_rows(client.get(reverse("registry:violation_list"), {**query, "format": "csv"}))
    exported = [row[4].removeprefix("'") for row in rows[1:]]
    assert exported == shown
    assert len(shown) < Violation.objects.count() or not filters


def test_exports_never_carry_source_identities_for_anyone(client_for, manager, auditor, hro):
    violation = ViolationFactory(narrative="Narrative of the incident.")
    SourceFactory(violation=violation, identity="Amina Witness-Identity", contact="+000 CONTACT")
    for user in (manager, auditor, hro):
        body = b"".join(client_for(user).get(reverse("registry:violation_list"), {"format": "csv"}))
        assert b"Amina" not in body and b"CONTACT" not in body
    triage = client_for(hro).get(reverse("registry:triage"), {"format": "csv"})
    assert b"Amina" not in b"".join(triage.streaming_content)


def test_no_spec_names_a_source_or_a_reporter():
    """Identities live in sources (and in who reported an abuse): no column reads them."""
    select = {
        name: exporting.select_sql(queryset, exporting.SPECS[name])
        for name, queryset in (
            ("violations", Violation.objects.all()),
            ("triage", Violation.objects.all()),
            ("my_reports", Violation.objects.all()),
        )
    }
    for name, sql in select.items():
        assert "registry_source" not in sql and "reported_by" not in sql, name


def test_a_page_a_user_may_not_see_exports_nothing(client_for, ssr_advisor, client):
    url = reverse("registry:violation_list")
    for fmt in ("csv", "xlsx"):
        assert client_for(ssr_advisor).get(url, {"format": fmt}).status_code == 403
    assert not ExportJob.objects.exists()
    client.logout()
    assert client.get(url, {"format": "csv"}).status_code == 302


def test_request_export_never_includes_another_entitys_requests(client_for, ssr_advisor, mission):
    undp = EntityFactory(code="undp")
    other = UserFactory(roles=[(undp, Role.REQUESTER)])
    unit = UnitFactory(name="1st Brigade")
    make_request(mission, ssr_advisor, [unit], title="Fuel for the brigade")
    make_request(undp, other, [unit], title="UNDP secret programme")
    rows = csv_rows(client_for(ssr_advisor).get(reverse("support:list"), {"format": "csv"}))
    assert [row[0] for row in rows[1:]] == ["Fuel for the brigade"]
    assert rows[1][4] == "1st Brigade"


def test_the_csv_is_one_copy_statement_whatever_the_row_count(client_for, manager):
    """The rows come from one ``COPY (SELECT ...) TO STDOUT``; the other queries (session, user,
    vocabulary names) do not grow with the rows."""
    client = client_for(manager)
    url = reverse("registry:violation_list")
    unit, person = UnitFactory(), PersonFactory()

    def export():
        with CaptureQueriesContext(connection) as queries:
            body = b"".join(client.get(url, {"format": "csv"}).streaming_content)
        return body, [query["sql"] for query in queries]

    ViolationFactory.create_batch(5, units=[unit], people=[person])
    body, few = export()
    assert body.count(b"\n") == 6
    ViolationFactory.create_batch(45, units=[unit])
    body, many = export()
    assert body.count(b"\n") == 51
    assert len(many) == len(few) <= 10
    copies = [sql for sql in many if sql.startswith("COPY (")]
    assert len(copies) == 1 and copies[0].endswith("TO STDOUT WITH (FORMAT csv)")


def test_csv_cells_that_would_run_as_formulas_are_neutralised(client_for, manager):
    unit = UnitFactory(name="=cmd|' /C calc'!A0")
    for start in ("=", "+", "-", "@", "\t", "\r"):
        ViolationFactory(location=f"{start}HYPERLINK(1)", units=[unit])
    rows = csv_rows(client_for(manager).get(reverse("registry:violation_list"), {"format": "csv"}))
    assert sorted(row[4] for row in rows[1:]) == sorted(
        f"'{start}HYPERLINK(1)" for start in ("=", "+", "-", "@", "\t", "\r")
    )
    assert {row[8] for row in rows[1:]} == {"'=cmd|' /C calc'!A0 (Direct)"}


def test_every_list_page_offers_and_answers_its_export(client_for, readers, registry_world):
    for name, _spec, persona in LISTS:
        client = client_for(readers[persona])
        page = client.get(reverse(name))
        assert b"format=csv" in page.content and b"format=xlsx" in page.content, name
        assert csv_rows(client.get(reverse(name), {"format": "csv"}))[0], name
        job_page = client.get(reverse(name), {"format": "xlsx"})
        assert job_page.status_code == 302, name
        assert job_page["Location"].startswith("/transfer/export/"), name


def test_the_export_links_keep_the_filters_and_drop_the_page(client_for, hro):
    UnitFactory(name="Alpha Company")
    page = client_for(hro).get(reverse("registry:unit_list"), {"q": "Alpha", "page": "2"})
    assert b"?q=Alpha&amp;format=csv" in page.content
    assert b"page=2&amp;format" not in page.content
    assert reverse("transfer:import_start").encode() + b"?kind=units" in page.content


def test_the_spreadsheet_link_opens_the_job_page_rather_than_saving_it(client_for, hro):
    """A ``download`` attribute would make the browser save the job's page as the file."""
    UnitFactory(name="Alpha Company")
    page = client_for(hro).get(reverse("registry:unit_list")).content.decode()
    assert '<a href="?format=csv" download>' in page
    assert '<a href="?format=xlsx">' in page


def test_an_empty_list_offers_no_export_but_still_the_import(client_for, hro):
    """Issue 16: no export links on an empty list (nor on a filter that finds nothing)."""
    UnitFactory(name="Alpha Company")
    client = client_for(hro)
    page = client.get(reverse("registry:unit_list"), {"q": "Nothing-like-it"}).content.decode()
    # The list's own export links (its filters, then the format) are gone; the link to every
    # record, which goes with the import, stays.
    assert not re.search(r'href="\?[^"]*format=', page)
    assert "Export this list" not in page
    assert reverse("transfer:import_start") + "?kind=units" in page
    assert re.search(
        r'href="\?[^"]*format=csv', client.get(reverse("registry:unit_list")).content.decode()
    )


def test_non_importers_see_no_import_link(client_for, manager):
    page = client_for(manager).get(reverse("registry:unit_list"))
    assert reverse("transfer:import_start").encode() not in page.content


def test_perception_export_follows_the_filter(client_for, manager):
    for area in ("North", "South"):
        Perception.objects.create(
            date=datetime.date(2024, 1, 1),
            area=area,
            method="survey",
            population_group="Farmers",
            trust_in_force=2,
            trust_in_mission=3,
        )
    rows = csv_rows(
        client_for(manager).get(
            reverse("community:perception_list"), {"area": "Nor", "format": "csv"}
        )
    )
    assert [row[1] for row in rows[1:]] == ["North"]


@pytest.mark.django_db(transaction=True)
def test_a_client_that_goes_away_mid_export_leaves_the_connection_usable(client_for, hro):
    """The COPY is cancelled and its rest read off: the connection serves the next request."""
    ViolationFactory.create_batch(4, verification_status="alleged", narrative="x" * 40_000)
    response = client_for(hro).get(reverse("registry:triage"), {"format": "csv"})
    chunks = iter(response.streaming_content)
    next(chunks)  # the header
    assert len(next(chunks)) >= exporting.BLOCK_SIZE  # a block of rows, the COPY still going
    response.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_dates_are_iso_whatever_the_servers_date_style():
    from hrddp.registry.models import CommandAssignment

    AssignmentFactory(start=datetime.date(2024, 3, 5), end=datetime.date(2024, 12, 31))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL DateStyle = 'SQL, DMY'")  # until the test's rollback
    response = exporting.csv_response(
        CommandAssignment.objects.all(), exporting.SPECS["assignments"]
    )
    assert csv_rows(response)[1][4:6] == ["2024-03-05", "2024-12-31"]


def test_a_list_without_an_order_is_exported_in_a_stable_one():
    """The same file twice for the same data."""
    sql = exporting.select_sql(Perception.objects.order_by(), exporting.SPECS["perceptions"])
    assert sql.endswith('ORDER BY "community_perception"."id" ASC')
