"""A source's identity and contact are for HROs only (domain.md 7). What anyone else who reads the
registry sees of a source is one list, ``registry.queries.NON_IDENTIFYING_SOURCE_FIELDS``, read by
the violation page and by the API alike."""

import pytest
from django.urls import reverse

from hrddp.registry.models import Source, Violation
from hrddp.registry.queries import NON_IDENTIFYING_SOURCE_FIELDS
from tests.factories import SourceFactory, UnitFactory, ViolationFactory, api_client

pytestmark = pytest.mark.django_db

IDENTITY = "Amina Witness-Identity"
CONTACT = "+000 555 0199"


@pytest.fixture
def violation(hro):
    violation = ViolationFactory(units=[UnitFactory()], reported_by=hro)
    SourceFactory(violation=violation, identity=IDENTITY, contact=CONTACT)
    return violation


def test_non_identifying_source_fields_name_no_identity():
    assert not set(NON_IDENTIFYING_SOURCE_FIELDS) & {*Source.IDENTITY_FIELDS, "key", "key_id"}


@pytest.mark.parametrize("persona", ["manager", "auditor", "administrator"])
def test_only_an_hro_sees_a_source_identity_on_the_page_and_in_the_api(
    request, client_for, violation, persona
):
    user = request.getfixturevalue(persona)
    page = client_for(user).get(reverse("registry:violation_detail", args=[violation.pk]))
    assert page.status_code == 200
    response = api_client(user).get(f"/api/v1/violations/{violation.pk}/")
    assert response.status_code == 200
    for body in (page.content.decode(), response.content.decode()):
        assert IDENTITY not in body and CONTACT not in body
    [source] = response.json()["sources"]
    assert set(source) == set(NON_IDENTIFYING_SOURCE_FIELDS)
    # The page's own lookup does not even read the identity from the database.
    [loaded] = Violation.objects.for_page(user).get(pk=violation.pk).sources.all()
    assert set(Source.IDENTITY_FIELDS) <= loaded.get_deferred_fields()


def test_an_hro_sees_the_source_identity_on_the_page_and_in_the_api(client_for, hro, violation):
    page = client_for(hro).get(reverse("registry:violation_detail", args=[violation.pk]))
    assert IDENTITY in page.content.decode() and CONTACT in page.content.decode()
    [source] = api_client(hro).get(f"/api/v1/violations/{violation.pk}/").json()["sources"]
    assert (source["identity"], source["contact"]) == (IDENTITY, CONTACT)
