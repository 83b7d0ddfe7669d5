import pytest
from django.core.management import call_command

from assessments.models import Transition
from hrddp.support.models import RequestStatus, SupportRequest

pytestmark = pytest.mark.django_db

NOT_YET_IN_DEMO = set()


def test_demo_pipeline_holds_requests_in_every_state_with_their_history():
    call_command("seed_demo", scale=0.1, stdout=open("/dev/null", "w"))
    statuses = set(SupportRequest.objects.values_list("status", flat=True))
    assert statuses == set(RequestStatus.values) - NOT_YET_IN_DEMO
    active = SupportRequest.objects.filter(status=RequestStatus.ACTIVE).first()
    assert list(Transition.objects.filter(request=active).values_list("to_status", flat=True)) == [
        "submitted",
        "under_assessment",
        "awaiting_decision",
        "approved",
        "active",
    ]
