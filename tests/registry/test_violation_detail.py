"""The violation page (domain.md 3 and 7): identities of sources for HROs only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.registry.models import AccountabilityAction, AccountabilityKind, Responsibility
from tests.factories import (
    PersonFactory,
    SourceFactory,
    UnitFactory,
    UserFactory,
    ViolationFactory,
)

pytestmark = pytest.mark.django_db

IDENTITY = "Zawadi Kibwana-Secret-Identity"
CONTACT = "+243 999 000 111 secret-contact"
DESCRIPTION = "A trader from the market, present that day."


@pytest.fixture
def violation():
    reporter = UserFactory(
        username="reporting-staff-member", first_name="Reporting", last_name="Witness"
    )
    violation = ViolationFactory(
        units=[UnitFactory(name="3rd Battalion")],
        people=[PersonFactory(name="Mukendi", rank="Major")],
        reported_by=reporter,
    )
    SourceFactory(violation=violation, identity=IDENTITY, contact=CONTACT, description=DESCRIPTION)
    return violation


def url(violation):
    return reverse("registry:violation_detail", args=[violation.pk])


def test_anonymous_user_is_sent_to_login(client, violation):
    response = client.get(url(violation))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_user_without_role_sees_the_no_role_page(client_for, no_role_user, violation):
    response = client_for(no_role_user).get(url(violation))
    assert response.status_code == 403
    assert "You have no role yet" in response.content.decode()


def test_ssr_advisor_gets_404_as_if_the_violation_did_not_exist(client_for, ssr_advisor, violation):
    response = client_for(ssr_advisor).get(url(violation))
    assert response.status_code == 404
    assert IDENTITY not in response.content.decode()


def test_unknown_violation_is_404(client_for, hro):
    assert (
        client_for(hro).get(reverse("registry:violation_detail", args=[999999])).status_code == 404
    )


@pytest.mark.parametrize("persona", ["manager", "auditor", "administrator"])
def test_identities_are_never_shown_to_non_hros(client_for, persona, request, violation):
    response = client_for(request.getfixturevalue(persona)).get(url(violation))
    content = response.content.decode()
    assert response.status_code == 200
    assert IDENTITY not in content
    assert CONTACT not in content
    assert "Reporting Witness" not in content
    assert "reporting-staff-member" not in content
    assert DESCRIPTION in content
    assert "Witness" in content and "Moderate" in content
    source = response.context["violation"].sources.all()[0]
    assert {"identity", "contact"} <= source.get_deferred_fields()


def test_hro_sees_identities_and_contacts(client_for, hro, violation):
    content = client_for(hro).get(url(violation)).content.decode()
    assert IDENTITY in content
    assert CONTACT in content
    assert "Reporting Witness" in content


def test_detail_shows_attributions_with_links_and_responsibility(client_for, manager, violation):
    unit = violation.attributions.get(unit__isnull=False).unit
    person_attribution = violation.attributions.get(person__isnull=False)
    person_attribution.responsibility = Responsibility.COMMAND
    person_attribution.save()
    content = client_for(manager).get(url(violation)).content.decode()
    assert reverse("registry:unit_detail", args=[unit.pk]) in content
    assert reverse("registry:person_detail", args=[person_attribution.person.pk]) in content
    assert "3rd Battalion" in content and "Major Mukendi" in content
    assert "Command" in content


def test_detail_marks_remedial_accountability_actions(client_for, manager, violation):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    AccountabilityAction.objects.create(
        violation=violation, kind=AccountabilityKind.ARRESTED, date=yesterday
    )
    AccountabilityAction.objects.create(
        violation=violation, kind=AccountabilityKind.INTERFERENCE, date=yesterday
    )
    content = client_for(manager).get(url(violation)).content.decode()
    assert "Arrested" in content
    assert "Interference with proceedings" in content
    assert content.count('<span class="badge text-bg-success">Remedial</span>') == 1


def test_only_hros_are_offered_edit_and_verification(client_for, hro, manager, violation):
    edit = reverse("registry:violation_update", args=[violation.pk])
    verify = reverse("registry:violation_verify", args=[violation.pk])
    manager_page = client_for(manager).get(url(violation)).content.decode()
    assert edit not in manager_page and verify not in manager_page
    hro_page = client_for(hro).get(url(violation)).content.decode()
    assert edit in hro_page and verify in hro_page


def test_hro_sees_a_violation_recorded_without_reporter(client_for, hro):
    violation = ViolationFactory(reported_by=None)
    response = client_for(hro).get(url(violation))
    assert response.status_code == 200
    assert "Reported by" in response.content.decode()
