"""Each record's page shows its history to those who may see the record, in a constant number of
queries; sources' history (identities) only to human rights officers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import workflow
from hrddp.community.models import Perception
from tests.factories import (
    InstitutionFactory,
    PersonFactory,
    SourceFactory,
    UnitFactory,
    ViolationFactory,
    active_request,
    make_request,
)

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def rename(obj, field, values):
    for value in values:
        setattr(obj, field, value)
        obj.save()


def assert_history_constant(client, url, obj, field, text):
    """The page shows the change, and ten more changes cost no query."""
    rename(obj, field, [text])
    few, content = queries(client, url)
    assert "History" in content and text in content
    rename(obj, field, [f"{text} {n}" for n in range(10)])
    many, content = queries(client, url)
    assert f"{text} 9" in content
    assert many == few


def test_unit_page_shows_its_history(client, hro):
    unit = UnitFactory()
    client.force_login(hro)
    url = reverse("registry:unit_detail", args=[unit.pk])
    assert_history_constant(client, url, unit, "location", "Kanda north")


def test_person_page_shows_its_history(client, hro):
    person = PersonFactory()
    client.force_login(hro)
    url = reverse("registry:person_detail", args=[person.pk])
    assert_history_constant(client, url, person, "rank", "Brigadier")


def test_institution_page_shows_its_history(client, auditor):
    institution = InstitutionFactory()
    client.force_login(auditor)
    url = reverse("registry:institution_detail", args=[institution.pk])
    assert_history_constant(client, url, institution, "description", "Reorganised")


def test_violation_page_shows_its_history_and_its_attributions(client, hro):
    violation = ViolationFactory(units=[UnitFactory(name="7th Brigade")])
    client.force_login(hro)
    url = reverse("registry:violation_detail", args=[violation.pk])
    assert_history_constant(client, url, violation, "location", "Market square")
    content = client.get(url).content.decode()
    assert "Attribution" in content


def test_sources_history_is_for_human_rights_officers_only(client, hro, auditor, manager):
    source = SourceFactory(identity="Amina Witness-Identity")
    source.identity = "Second Identity-Name"
    source.contact = "secret-contact@example.org"
    source.save()
    url = reverse("registry:violation_detail", args=[source.violation_id])
    client.force_login(hro)
    content = client.get(url).content.decode()
    assert "Second Identity-Name" in content and "Amina Witness-Identity" in content
    for reader in (auditor, manager):
        client.force_login(reader)
        content = client.get(url).content.decode()
        for secret in ("Amina Witness-Identity", "Second Identity-Name", "secret-contact"):
            assert secret not in content
        assert "Source" not in content.split("History", 1)[-1]


def test_support_request_page_shows_its_history(client, mission, ssr_advisor):
    request = make_request(mission, ssr_advisor, [UnitFactory()])
    client.force_login(ssr_advisor)
    url = reverse("support:detail", args=[request.pk])
    assert_history_constant(client, url, request, "description", "Fuel and rations")


def test_assessment_page_shows_its_history(client, mission, ssr_advisor, hro):
    request = make_request(mission, ssr_advisor, [UnitFactory()])
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    assessment = workflow.current_assessment(request)
    client.force_login(hro)
    url = reverse("assessments:detail", args=[assessment.pk])
    assert_history_constant(client, url, assessment, "monitoring_plan", "Monthly visits")


def test_intervention_page_shows_its_history(client, mission, ssr_advisor, hro, manager):
    from assessments import monitoring

    unit = UnitFactory()
    active_request(mission, ssr_advisor, hro, manager, units=[unit])
    violation = ViolationFactory(units=[unit])
    monitoring.check_violation(violation.pk)
    intervention = unit.interventions.get()
    client.force_login(hro)
    url = reverse("assessments:intervention_detail", args=[intervention.pk])
    assert_history_constant(client, url, intervention, "outcome", "Commander replaced")


def test_perception_page_shows_its_history(client, hro):
    perception = Perception.objects.create(
        date=datetime.date(2025, 1, 1),
        area="Kanda",
        method="survey",
        population_group="Traders",
        institution=InstitutionFactory(),
        trust_in_force=2,
        trust_in_mission=3,
    )
    client.force_login(hro)
    url = reverse("community:perception_update", args=[perception.pk])
    assert_history_constant(client, url, perception, "concerns", "Checkpoints")


def test_history_shows_who_made_the_change(client, hro):
    institution = InstitutionFactory()
    client.force_login(hro)
    client.post(
        reverse("registry:institution_update", args=[institution.pk]),
        {"name": "Renamed institution", "kind": "police", "country": ""},
    )
    content = client.get(reverse("registry:institution_detail", args=[institution.pk]))
    history = content.content.decode().split("record-history", 1)[1]
    assert "hro" in history and "Renamed institution" in history


def test_a_long_history_is_paged_newest_first(client, hro, settings):
    from hrddp.audit import history

    unit = UnitFactory()
    rename(unit, "location", [f"Camp {n}" for n in range(history.LIMIT + 5)])
    client.force_login(hro)
    url = reverse("registry:unit_detail", args=[unit.pk])
    first = client.get(url).content.decode()
    last = f"Camp {history.LIMIT + 4}"
    assert last in first and "Camp 1 →" not in first
    assert "?history_page=2#history" in first
    older = client.get(url, {"history_page": 2}).content.decode()
    assert "Camp 1 →" in older and f"{last} →" not in older
    assert "?history_page=1#history" in older


def test_an_ssr_advisor_sees_which_assessment_fields_changed_not_the_texts(
    client, mission, ssr_advisor, hro
):
    request = make_request(mission, ssr_advisor, [UnitFactory()])
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    assessment = workflow.current_assessment(request)
    rename(assessment, "monitoring_plan", ["First plan", "Second plan"])
    client.force_login(ssr_advisor)
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    history = page.split("record-history", 1)[1]
    assert "monitoring plan" in history and "First plan" not in history
