"""A merged record lives on in the person it was merged into (domain.md 4.6, issue 15): its page
and history stay readable, but edits go to the surviving record, on the pages and through the API,
until the merge is undone."""

import pytest
from django.urls import reverse

from hrddp.registry import merging
from tests.factories import PersonFactory, api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(hro):
    source = PersonFactory(name="Mbuyi Jean Baptiste")
    target = PersonFactory(name="Jean-Baptiste Mbuyi")
    record = merging.merge(source, target, hro, "Same man, surname first.")
    return source, target, record


def test_merged_person_cannot_be_edited_on_the_page(client_for, hro, merged):
    source, _, _ = merged
    response = client_for(hro).post(
        reverse("registry:person_update", args=[source.pk]), {"name": "Renamed", "rank": ""}
    )
    assert response.status_code == 200  # the form again, with the error
    assert "was merged into another" in response.content.decode()
    source.refresh_from_db()
    assert source.name == "Mbuyi Jean Baptiste"


def test_merged_person_cannot_be_edited_through_the_api(hro, merged):
    source, _, _ = merged
    response = api_client(hro).patch(
        f"/api/v1/people/{source.pk}/", {"name": "Renamed"}, format="json"
    )
    assert response.status_code == 400
    source.refresh_from_db()
    assert source.name == "Mbuyi Jean Baptiste"


def test_undone_merge_makes_the_person_editable_again(client_for, hro, merged):
    source, _, record = merged
    merging.undo(record, hro, "Two different men after all.")
    response = client_for(hro).post(
        reverse("registry:person_update", args=[source.pk]), {"name": "Mbuyi J.-B.", "rank": ""}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.name == "Mbuyi J.-B."
