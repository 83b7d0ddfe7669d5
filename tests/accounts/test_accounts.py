"""Accounts: sign-in, roles, the no-role message, password change."""

import pytest
from django.urls import reverse

from hrddp.accounts.access import can_see_identities
from hrddp.accounts.models import Membership, Role
from hrddp.registry.access import can_set_verification, record_view_for
from hrddp.support.models import RequestStatus
from tests.factories import SupportRequestFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_answers(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_user_signs_in_with_password_and_sees_their_roles(client, hro):
    response = client.post(reverse("login"), {"username": "hro", "password": "pw"})
    assert response.status_code == 302
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "Human rights officer" in page.content.decode()


def test_wrong_password_is_refused_with_a_message(client, hro):
    response = client.post(reverse("login"), {"username": "hro", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_user_with_no_role_sees_nothing_but_a_message(client_for, no_role_user):
    response = client_for(no_role_user).get(reverse("home"))
    assert response.status_code == 403
    assert "You have no role yet" in response.content.decode()
    assert reverse("registry:unit_list") not in response.content.decode()


def test_logout_needs_post_and_ends_the_session(client_for, hro):
    client = client_for(hro)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change_requires_the_old_password(client_for, hro):
    client = client_for(hro)
    refused = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "A-longer-pass-2026",
            "new_password2": "A-longer-pass-2026",
        },
    )
    assert refused.status_code == 200
    hro.refresh_from_db()
    assert hro.check_password("pw")
    accepted = client.post(
        reverse("password_change"),
        {
            "old_password": "pw",
            "new_password1": "A-longer-pass-2026",
            "new_password2": "A-longer-pass-2026",
        },
    )
    assert accepted.status_code == 302
    hro.refresh_from_db()
    assert hro.check_password("A-longer-pass-2026")


def test_roles_are_held_per_entity(hro, mission, agency):
    Membership.objects.create(user=hro, entity=agency, role=Role.MANAGER)
    assert hro.entity_ids_for(Role.HRO) == {mission.pk}
    assert hro.entity_ids_for(Role.MANAGER) == {agency.pk}
    assert hro.entity_ids_for() == {mission.pk, agency.pk}


def test_only_hros_see_identities(hro, manager, auditor, administrator, ssr_advisor):
    assert can_see_identities(hro)
    assert not any(can_see_identities(u) for u in (manager, auditor, administrator, ssr_advisor))


def test_only_hro_may_set_credible_verified_or_discounted(hro, manager):
    for status in ("credible", "verified", "discounted"):
        assert can_set_verification(hro, status)
        assert not can_set_verification(manager, status)
    assert can_set_verification(manager, "alleged")


def test_ssr_advisor_sees_a_summary_only_for_units_in_their_entitys_requests(
    ssr_advisor, outsider, manager, mission
):
    named, other = UnitFactory(), UnitFactory()
    # A submitted request (a draft unlocks nothing: issue 12, hole 10).
    SupportRequestFactory(entity=mission, recipient_units=[named], status=RequestStatus.SUBMITTED)
    assert record_view_for(ssr_advisor, named) == "summary"
    assert record_view_for(ssr_advisor, other) is None
    assert record_view_for(outsider, named) is None
    assert record_view_for(manager, other) == "full"


def test_page_is_served_in_french_when_chosen(client_for, hro):
    client = client_for(hro)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = client.get(reverse("home"))
    assert response.headers["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()
