"""The admin: the mitigation catalogue is editable; assessments, decisions and history are not."""

import pytest
from django.contrib.auth import get_user_model

from assessments import workflow
from assessments.models import Decision, MeasureStatus, MeasureType, Transition
from tests.factories import add_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client_for):
    return client_for(get_user_model().objects.create_superuser("root", "root@example.org", "pw"))


def test_the_measure_catalogue_is_an_editable_vocabulary(superuser_client):
    screening = MeasureType.objects.get(code="screening")
    assert superuser_client.get("/admin/assessments/measuretype/add/").status_code == 200
    page = superuser_client.get(f"/admin/assessments/measuretype/{screening.pk}/change/")
    assert 'name="_save"' in page.content.decode()


def test_decisions_history_and_assessments_are_read_only(
    superuser_client, draft_request, to_decision, manager
):
    assessment = to_decision(draft_request)
    add_risk(assessment, 2, 2, measures=[("screening", MeasureStatus.AGREED)])
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    objects = {
        "assessment": assessment.pk,
        "decision": Decision.objects.get().pk,
        "transition": Transition.objects.first().pk,
    }
    for model, pk in objects.items():
        assert superuser_client.get(f"/admin/assessments/{model}/").status_code == 200
        change = superuser_client.get(f"/admin/assessments/{model}/{pk}/change/")
        assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
        assert superuser_client.get(f"/admin/assessments/{model}/add/").status_code == 403
        assert superuser_client.post(f"/admin/assessments/{model}/{pk}/delete/").status_code == 403
    assert (
        "Risk 2x2"
        in superuser_client.get(
            f"/admin/assessments/assessment/{assessment.pk}/change/"
        ).content.decode()
    )
