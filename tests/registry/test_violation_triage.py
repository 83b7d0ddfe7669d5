"""The HRO triage queue: alleged violations waiting for a verification decision."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.registry.models import VerificationStatus, Violation
from tests.factories import PersonFactory, UnitFactory, ViolationFactory

pytestmark = pytest.mark.django_db

URL = reverse("registry:triage")


def alleged(**kwargs):
    return ViolationFactory(verification_status=VerificationStatus.ALLEGED, **kwargs)


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_user_without_role_sees_the_no_role_page(client_for, no_role_user):
    response = client_for(no_role_user).get(URL)
    assert response.status_code == 403
    assert "You have no role yet" in response.content.decode()


@pytest.mark.parametrize("persona", ["ssr_advisor", "manager", "auditor", "administrator"])
def test_only_hros_see_the_triage_queue(client_for, persona, request):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_triage_shows_only_alleged_violations_newest_first(client_for, hro):
    now = timezone.now()
    newer = alleged(location="Newer")
    older = alleged(location="Older")
    Violation.objects.filter(pk=newer.pk).update(created_at=now - datetime.timedelta(days=1))
    Violation.objects.filter(pk=older.pk).update(created_at=now - datetime.timedelta(days=9))
    for status in ("credible", "verified", "discounted"):
        ViolationFactory(verification_status=status, location=f"Not alleged {status}")
    response = client_for(hro).get(URL)
    assert response.status_code == 200
    # Issue 16: the oldest first buried a fresh eyewitness report on the last page.
    assert [v.pk for v in response.context["page_obj"]] == [newer.pk, older.pk]
    assert "Not alleged" not in response.content.decode()


def test_each_row_offers_the_three_quick_decisions(client_for, hro):
    violation = alleged()
    content = client_for(hro).get(URL).content.decode()
    assert f'action="{reverse("registry:violation_verify", args=[violation.pk])}"' in content
    for status in ("credible", "verified", "discounted"):
        assert f'name="status" value="{status}"' in content
    assert "csrfmiddlewaretoken" in content
    assert f'for="note-{violation.pk}"' in content


def test_triage_is_paginated(client_for, hro):
    for _ in range(30):
        alleged()
    client = client_for(hro)
    assert len(client.get(URL).context["page_obj"]) == 25
    assert len(client.get(URL, {"page": 2}).context["page_obj"]) == 5


@pytest.mark.parametrize("rows", [5, 50])
def test_triage_runs_a_constant_number_of_queries(
    client_for, hro, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        alleged(units=[UnitFactory()], people=[PersonFactory()])
    client = client_for(hro)
    with django_assert_max_num_queries(7):
        response = client.get(URL)
    assert len(response.context["page_obj"]) == min(rows, 25)
