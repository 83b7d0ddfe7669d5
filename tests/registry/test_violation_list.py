"""The violation list (domain.md 3, 3.1, 7): who may read it, its filters and its cost."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.registry.models import Reliability, Scale, VerificationStatus
from tests.factories import PersonFactory, UnitFactory, ViolationFactory, category

pytestmark = pytest.mark.django_db

URL = reverse("registry:violation_list")


def listed(response):
    return {violation.pk for violation in response.context["page_obj"]}


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_user_without_role_sees_the_no_role_page(client_for, no_role_user):
    response = client_for(no_role_user).get(URL)
    assert response.status_code == 403
    assert "You have no role yet" in response.content.decode()


def test_ssr_advisor_may_not_list_violations(client_for, ssr_advisor):
    assert client_for(ssr_advisor).get(URL).status_code == 403


@pytest.mark.parametrize("persona", ["hro", "manager", "auditor", "administrator"])
def test_registry_readers_list_violations(client_for, persona, request):
    violation = ViolationFactory(location="Kanda market")
    response = client_for(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 200
    assert listed(response) == {violation.pk}
    assert "Kanda market" in response.content.decode()


def test_discounted_rows_are_greyed_and_grave_and_countable_are_marked(client_for, manager):
    ViolationFactory(
        verification_status=VerificationStatus.DISCOUNTED, category=category("looting")
    )
    ViolationFactory(verification_status=VerificationStatus.VERIFIED, category=category("torture"))
    content = client_for(manager).get(URL).content.decode()
    assert content.count('class="violation-discounted"') == 1
    assert content.count('class="badge badge-grave"') == 1
    assert ">Countable<" in content


def test_an_alleged_grave_violation_is_not_marked_countable(client_for, manager):
    ViolationFactory(verification_status=VerificationStatus.ALLEGED, category=category("torture"))
    content = client_for(manager).get(URL).content.decode()
    assert "badge-grave" in content
    assert ">Countable<" not in content


def test_filter_by_unit_includes_its_sub_units(client_for, manager):
    brigade = UnitFactory(name="Brigade")
    battalion = UnitFactory(name="Battalion", parent=brigade)
    company = UnitFactory(name="Company", parent=battalion)
    sibling = UnitFactory(name="Sibling", parent=brigade)
    in_company = ViolationFactory(units=[company])
    in_battalion = ViolationFactory(units=[battalion])
    twice = ViolationFactory(units=[battalion, company])
    ViolationFactory(units=[sibling])
    ViolationFactory(units=[brigade])
    response = client_for(manager).get(URL, {"unit": battalion.pk})
    assert listed(response) == {in_company.pk, in_battalion.pk, twice.pk}
    assert response.context["page_obj"].paginator.count == 3


def test_filter_by_person(client_for, manager):
    colonel = PersonFactory()
    theirs = ViolationFactory(people=[colonel])
    ViolationFactory(people=[PersonFactory()])
    assert listed(client_for(manager).get(URL, {"person": colonel.pk})) == {theirs.pk}


def test_filter_by_category_and_grave_only(client_for, manager):
    torture = ViolationFactory(category=category("torture"))
    killing = ViolationFactory(category=category("unlawful_killing"))
    ViolationFactory(category=category("looting"))
    client = client_for(manager)
    assert listed(client.get(URL, {"category": category("torture").pk})) == {torture.pk}
    assert listed(client.get(URL, {"grave": "on"})) == {torture.pk, killing.pk}
    assert len(listed(client.get(URL))) == 3


def test_filter_by_status_scale_and_reliability(client_for, manager):
    credible = ViolationFactory(verification_status=VerificationStatus.CREDIBLE)
    systematic = ViolationFactory(
        scale=Scale.SYSTEMATIC, verification_status=VerificationStatus.ALLEGED
    )
    low = ViolationFactory(
        source_reliability=Reliability.LOW, verification_status=VerificationStatus.ALLEGED
    )
    client = client_for(manager)
    assert listed(client.get(URL, {"verification_status": "credible"})) == {credible.pk}
    assert listed(client.get(URL, {"scale": "systematic"})) == {systematic.pk}
    assert listed(client.get(URL, {"source_reliability": "low"})) == {low.pk}


def test_filter_by_date_range(client_for, manager):
    today = timezone.localdate()
    old = ViolationFactory(date=today - datetime.timedelta(days=400))
    middle = ViolationFactory(date=today - datetime.timedelta(days=200))
    recent = ViolationFactory(date=today - datetime.timedelta(days=10))
    client = client_for(manager)
    since = (today - datetime.timedelta(days=300)).isoformat()
    until = (today - datetime.timedelta(days=100)).isoformat()
    assert listed(client.get(URL, {"date_from": since})) == {middle.pk, recent.pk}
    assert listed(client.get(URL, {"date_to": until})) == {old.pk, middle.pk}
    assert listed(client.get(URL, {"date_from": since, "date_to": until})) == {middle.pk}


def test_search_in_location_and_narrative(client_for, manager):
    by_location = ViolationFactory(location="Bunia airport")
    by_narrative = ViolationFactory(narrative="Shots fired near the BUNIA checkpoint.")
    ViolationFactory(location="Goma", narrative="Nothing else.")
    assert listed(client_for(manager).get(URL, {"q": "bunia"})) == {by_location.pk, by_narrative.pk}


def test_list_is_paginated_by_25(client_for, manager):
    ViolationFactory.create_batch(30)
    client = client_for(manager)
    assert len(client.get(URL).context["page_obj"]) == 25
    assert len(client.get(URL, {"page": 2}).context["page_obj"]) == 5


@pytest.mark.parametrize("rows", [5, 50])
def test_list_runs_a_constant_number_of_queries(
    client_for, manager, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        ViolationFactory(units=[UnitFactory()], people=[PersonFactory()])
    client = client_for(manager)
    with django_assert_max_num_queries(11):
        response = client.get(URL, {"grave": "on", "q": "incident"})
    assert len(response.context["page_obj"]) == min(rows, 25)
