"""A source's erasure through the API (issue 14), as on its pages (domain.md 7): a source exists
only for who may read the registry; an HRO asks, with a reason; a manager of one of that HRO's
entities confirms, and the identity is destroyed; the same services refuse the same things."""

import pytest
from django.urls import reverse

from hrddp.accounts.models import Role
from hrddp.registry.models import Source, SourceErasure
from tests.factories import SourceFactory, UserFactory, api_client

pytestmark = pytest.mark.django_db

WITNESS = "Amina Witness-Identity"
PHONE = "+000 555 0199"
REASON = "The witness was threatened after the last patrol."


@pytest.fixture
def source():
    return SourceFactory(identity=WITNESS, contact=PHONE)


def ask(user, source, data=None):
    url = reverse("api:source-erasure", args=[source.pk])
    return api_client(user).post(url, {"reason": REASON} if data is None else data, format="json")


def confirm(user, source):
    return api_client(user).post(reverse("api:source-erasure-confirm", args=[source.pk]))


def test_erasure_request_permission_ladder(
    source, no_role_user, ssr_advisor, auditor, manager, administrator, hro
):
    assert ask(None, source).status_code == 401
    assert ask(no_role_user, source).status_code == 403
    # An SSR advisor may not read the registry: the source does not exist for them.
    assert ask(ssr_advisor, source).status_code == 404
    # Registry readers who are no HRO may not ask.
    assert ask(auditor, source).status_code == 403
    assert ask(manager, source).status_code == 403
    assert ask(administrator, source).status_code == 403
    assert not SourceErasure.objects.exists()

    response = ask(hro, source)

    assert response.status_code == 201, response.data
    assert response.data["source"] == source.pk
    assert response.data["violation"] == source.violation_id
    assert response.data["reason"] == REASON
    assert response.data["requested_by"] == hro.username
    assert response.data["done"] is False
    erasure = SourceErasure.objects.get(source=source)
    assert erasure.requested_by == hro
    # Asked for, not done: the identity stays until a manager confirms.
    assert Source.objects.get(pk=source.pk).identity == WITNESS


def test_erasure_request_of_an_unknown_source_is_404(hro):
    response = api_client(hro).post(
        reverse("api:source-erasure", args=[999999]), {"reason": REASON}, format="json"
    )
    assert response.status_code == 404


def test_erasure_request_needs_a_reason(source, hro):
    missing = ask(hro, source, {})
    blank = ask(hro, source, {"reason": ""})
    too_long = ask(hro, source, {"reason": "x" * 2001})

    for response in (missing, blank, too_long):
        assert response.status_code == 400
        assert set(response.data) == {"reason"}
    assert not SourceErasure.objects.exists()


def test_erasure_asked_twice_is_refused_with_409_naming_the_rule(source, hro, mission):
    other_hro = UserFactory(username="hro2", roles=[(mission, Role.HRO)])
    ask(hro, source)

    response = ask(other_hro, source)

    assert response.status_code == 409
    assert response.data["rule"] == "erasure_already_requested"
    assert SourceErasure.objects.get().requested_by == hro


def test_erasure_confirmation_permission_ladder(
    source, no_role_user, ssr_advisor, auditor, hro, manager, agency, mission
):
    ask(hro, source)
    other_manager = UserFactory(username="undp-manager", roles=[(agency, Role.MANAGER)])
    hro_and_manager = UserFactory(
        username="both", roles=[(mission, Role.HRO), (mission, Role.MANAGER)]
    )

    assert confirm(None, source).status_code == 401
    assert confirm(no_role_user, source).status_code == 403
    assert confirm(ssr_advisor, source).status_code == 404
    assert confirm(auditor, source).status_code == 403
    # The HRO who asked is no manager; a manager of another entity is not the HRO's.
    assert confirm(hro, source).status_code == 403
    assert confirm(other_manager, source).status_code == 403
    assert Source.objects.get(pk=source.pk).identity == WITNESS
    # Two people, never one: a manager who asked may not confirm their own request.
    own = SourceFactory(identity=WITNESS)
    ask(hro_and_manager, own)
    assert confirm(hro_and_manager, own).status_code == 403

    response = confirm(manager, source)

    assert response.status_code == 200, response.data
    assert response.data["done"] is True
    assert response.data["confirmed_by"] == manager.username
    erased = Source.objects.get(pk=source.pk)
    assert (erased.identity, erased.contact, erased.key_id) == ("", "", None)
    assert erased.erased_at is not None


def test_erasure_confirmed_with_nothing_waiting_is_refused_with_409_naming_the_rule(
    source, hro, manager
):
    nothing_asked = confirm(manager, source)
    ask(hro, source)
    confirm(manager, source)
    already_done = confirm(manager, source)

    for response in (nothing_asked, already_done):
        assert response.status_code == 409
        assert response.data["rule"] == "erasure_not_awaiting_confirmation"


def test_erasure_answers_never_carry_the_source_identity(source, hro, manager):
    asked = ask(hro, source)
    refused = ask(hro, source)
    confirmed = confirm(manager, source)

    for response in (asked, refused, confirmed):
        text = response.content.decode()
        assert WITNESS not in text and PHONE not in text
        assert "identity" not in response.data and "contact" not in response.data
