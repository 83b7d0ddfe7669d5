"""A change made through the API is history like a change made on a page: it names its user."""

import pytest
from pghistory.models import Context

from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_api_change_names_the_token_user_in_the_history(api_for, hro):
    institution = InstitutionFactory(name="Police nationale")
    response = api_for(hro).patch(
        f"/api/v1/institutions/{institution.pk}/", {"country": "Elsewhere"}, format="json"
    )
    assert response.status_code == 200
    context = Context.objects.filter(metadata__url=f"/api/v1/institutions/{institution.pk}/").get()
    assert context.metadata["user"] == hro.pk
