"""Export of every list as filtered, to CSV and XLSX, streamed (issue 5)."""

import csv
import io

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse

from hrddp.accounts.models import Role
from hrddp.community.models import Perception
from hrddp.registry.models import Violation
from tests.factories import (
    EntityFactory,
    PersonFactory,
    SourceFactory,
    UnitFactory,
    UserFactory,
    ViolationFactory,
    category,
    make_request,
)

pytestmark = pytest.mark.django_db


def csv_rows(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response):
    assert isinstance(response, FileResponse)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_unit_list_exports_exactly_the_filtered_rows_as_csv(client_for, ssr_advisor):
    UnitFactory(name="Alpha Brigade", location="North")
    UnitFactory(name="Alpha Battalion", location="South")
    UnitFactory(name="Bravo Company")
    response = client_for(ssr_advisor).get(
        reverse("registry:unit_list"), {"q": "Alpha", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="units-')
    rows = csv_rows(response)
    assert rows[0] == ["Name", "Aliases", "Institution", "Parent unit", "Location", "Sub-units"]
    assert sorted(row[0] for row in rows[1:]) == ["Alpha Battalion", "Alpha Brigade"]


def test_violation_list_exports_filtered_rows_as_xlsx(client_for, manager):
    unit = UnitFactory(name="1st Brigade")
    ViolationFactory(units=[unit], location="Kanda", category=category("torture"))
    ViolationFactory(location="Elsewhere", category=category("looting"))
    response = client_for(manager).get(
        reverse("registry:violation_list"), {"category": category("torture").pk, "format": "xlsx"}
    )
    rows = xlsx_rows(response)
    assert rows[0][:3] == ["Date", "Category", "Subtype"]
    assert len(rows) == 2
    assert rows[1][1] == "Torture or cruel treatment"
    assert rows[1][4] == "Kanda"
    assert rows[1][-1] == "1st Brigade (Direct)"


def test_exports_never_carry_source_identities_for_non_hros(client_for, manager, auditor, hro):
    violation = ViolationFactory(narrative="Narrative of the incident.")
    SourceFactory(violation=violation, identity="Amina Witness-Identity", contact="+000 CONTACT")
    for user in (manager, auditor, hro):
        client = client_for(user)
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse("registry:violation_list"), {"format": fmt})
            body = b"".join(response.streaming_content)
            assert b"Amina" not in body and b"CONTACT" not in body
    triage = client_for(hro).get(reverse("registry:triage"), {"format": "csv"})
    assert b"Amina" not in b"".join(triage.streaming_content)


def test_a_page_a_user_may_not_see_exports_nothing(client_for, ssr_advisor, client):
    url = reverse("registry:violation_list")
    assert client_for(ssr_advisor).get(url, {"format": "csv"}).status_code == 403
    client.logout()
    assert client.get(url, {"format": "csv"}).status_code == 302


def test_request_export_never_includes_another_entitys_requests(client_for, ssr_advisor, mission):
    undp = EntityFactory(code="undp")
    other = UserFactory(roles=[(undp, Role.REQUESTER)])
    unit = UnitFactory(name="1st Brigade")
    make_request(mission, ssr_advisor, [unit], title="Fuel for the brigade")
    make_request(undp, other, [unit], title="UNDP secret programme")
    for fmt, reader in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        rows = reader(client_for(ssr_advisor).get(reverse("support:list"), {"format": fmt}))
        assert [row[0] for row in rows[1:]] == ["Fuel for the brigade"]
        assert rows[1][4] == "1st Brigade"


def test_constant_number_of_queries_whatever_the_row_count(
    client_for, manager, django_assert_max_num_queries
):
    client = client_for(manager)
    url = reverse("registry:violation_list")
    unit = UnitFactory()
    person = PersonFactory()

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"format": "csv"})
            b"".join(response.streaming_content)
        return len(queries)

    ViolationFactory.create_batch(5, units=[unit], people=[person])
    few = count_queries()
    ViolationFactory.create_batch(45, units=[unit])
    assert count_queries() == few
    assert Violation.objects.count() == 50


def test_every_list_page_offers_and_answers_its_export(client_for, hro, manager, mission):
    links = {
        hro: [
            "registry:institution_list",
            "registry:unit_list",
            "registry:person_list",
            "registry:assignment_list",
            "registry:violation_list",
            "registry:triage",
            "support:list",
            "assessments:intervention_list",
            "community:perception_list",
            "community:my_reports",
        ],
        manager: ["support:waivers"],
    }
    for user, names in links.items():
        client = client_for(user)
        for name in names:
            page = client.get(reverse(name))
            assert b"format=csv" in page.content and b"format=xlsx" in page.content, name
            for fmt, reader in (("csv", csv_rows), ("xlsx", xlsx_rows)):
                response = client.get(reverse(name), {"format": fmt})
                assert response.status_code == 200, name
                assert reader(response)[0], name


def test_the_export_links_keep_the_filters_and_drop_the_page(client_for, hro):
    page = client_for(hro).get(reverse("registry:unit_list"), {"q": "Alpha", "page": "2"})
    assert b"?q=Alpha&amp;format=csv" in page.content
    assert b"page=2&amp;format" not in page.content
    assert reverse("transfer:import_start").encode() + b"?kind=units" in page.content


def test_non_importers_see_no_import_link(client_for, manager):
    page = client_for(manager).get(reverse("registry:unit_list"))
    assert reverse("transfer:import_start").encode() not in page.content


def test_csv_cells_that_would_run_as_formulas_are_neutralised(client_for, manager):
    ViolationFactory(location="=HYPERLINK(1)")
    rows = csv_rows(client_for(manager).get(reverse("registry:violation_list"), {"format": "csv"}))
    assert rows[1][4] == "'=HYPERLINK(1)"


def test_perception_export_follows_the_filter(client_for, manager):
    import datetime

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
