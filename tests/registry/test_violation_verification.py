"""Verification (domain.md 3): only an HRO sets credible, verified or discounted."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from hrddp.registry import services
from hrddp.registry.models import VerificationChange, VerificationStatus
from tests.factories import ViolationFactory, category

pytestmark = pytest.mark.django_db


@pytest.fixture
def alleged():
    return ViolationFactory(verification_status=VerificationStatus.ALLEGED)


def url(violation):
    return reverse("registry:violation_verify", args=[violation.pk])


def status_of(violation):
    violation.refresh_from_db()
    return violation.verification_status


# The view


def test_verify_answers_405_to_get(client_for, hro, alleged):
    assert client_for(hro).get(url(alleged)).status_code == 405


def test_anonymous_user_is_sent_to_login(client, alleged):
    response = client.post(url(alleged), {"status": "verified"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert status_of(alleged) == VerificationStatus.ALLEGED


def test_user_without_role_sees_the_no_role_page(client_for, no_role_user, alleged):
    response = client_for(no_role_user).post(url(alleged), {"status": "verified"})
    assert response.status_code == 403
    assert status_of(alleged) == VerificationStatus.ALLEGED


@pytest.mark.parametrize("persona", ["ssr_advisor", "manager", "auditor", "administrator"])
@pytest.mark.parametrize("status", ["credible", "verified", "discounted"])
def test_only_hro_may_verify_a_violation(client_for, persona, status, request, alleged):
    response = client_for(request.getfixturevalue(persona)).post(url(alleged), {"status": status})
    assert response.status_code == 403
    assert status_of(alleged) == VerificationStatus.ALLEGED
    assert not VerificationChange.objects.exists()


def test_hro_verifies_with_a_note_and_is_sent_back(client_for, hro, alleged):
    # Not grave: nothing is set off, so one click does it (a grave case is confirmed first).
    alleged.category = category("looting")
    alleged.save()
    triage_page = reverse("registry:triage") + "?page=2"
    response = client_for(hro).post(
        url(alleged), {"status": "credible", "note": "Matches two reports.", "next": triage_page}
    )
    assert response.status_code == 302
    assert response.url == triage_page
    assert status_of(alleged) == VerificationStatus.CREDIBLE
    change = VerificationChange.objects.get()
    assert (
        change.violation,
        change.from_status,
        change.to_status,
        change.changed_by,
        change.note,
    ) == (
        alleged,
        "alleged",
        "credible",
        hro,
        "Matches two reports.",
    )
    page = client_for(hro).get(response.url, follow=True).content.decode()
    assert "is now Credible" in page


def test_verify_goes_back_to_the_violation_when_next_is_missing_or_foreign(
    client_for, hro, alleged
):
    alleged.category = category("looting")
    alleged.save()
    detail = reverse("registry:violation_detail", args=[alleged.pk])
    client = client_for(hro)
    assert client.post(url(alleged), {"status": "verified"}).url == detail
    response = client.post(url(alleged), {"status": "discounted", "next": "https://evil.example/"})
    assert response.url == detail


def test_unknown_status_changes_nothing(client_for, hro, alleged):
    response = client_for(hro).post(url(alleged), {"status": "proven"}, follow=True)
    assert "The verification status was not changed" in response.content.decode()
    assert status_of(alleged) == VerificationStatus.ALLEGED


def test_verify_is_csrf_protected(hro, alleged):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hro)
    assert client.post(url(alleged), {"status": "verified"}).status_code == 403
    assert status_of(alleged) == VerificationStatus.ALLEGED


def test_unknown_violation_is_404(client_for, hro):
    response = client_for(hro).post(
        reverse("registry:violation_verify", args=[999999]), {"status": "verified"}
    )
    assert response.status_code == 404


# The service


@pytest.mark.parametrize(
    "persona", ["ssr_advisor", "manager", "auditor", "administrator", "no_role_user"]
)
@pytest.mark.parametrize("status", ["credible", "verified", "discounted"])
def test_service_refuses_non_hros(persona, status, request, alleged):
    with pytest.raises(PermissionDenied):
        services.set_verification_status(alleged, status, request.getfixturevalue(persona))
    assert status_of(alleged) == VerificationStatus.ALLEGED
    assert not VerificationChange.objects.exists()


def test_service_records_every_change_and_ignores_a_repeat(hro, alleged):
    assert services.set_verification_status(alleged, "credible", hro) is not None
    assert services.set_verification_status(alleged, "credible", hro) is None
    services.set_verification_status(alleged, "verified", hro, note="Confirmed on site.")
    assert status_of(alleged) == VerificationStatus.VERIFIED
    assert list(VerificationChange.objects.values_list("from_status", "to_status", "note")) == [
        ("alleged", "credible", ""),
        ("credible", "verified", "Confirmed on site."),
    ]


def test_service_compares_with_the_stored_status_not_a_stale_copy(hro, alleged):
    stale = type(alleged).objects.get(pk=alleged.pk)
    services.set_verification_status(alleged, "verified", hro)
    services.set_verification_status(stale, "discounted", hro)
    assert list(VerificationChange.objects.values_list("from_status", "to_status")) == [
        ("alleged", "verified"),
        ("verified", "discounted"),
    ]
