"""Verifying a grave case asks for a confirmation that says what it will set off, computed by the
code that acts (monitoring.planned_triggers); the day's change can be undone with a reason
(issue 16, domain.md 3.1 and 5)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assessments import monitoring
from assessments.models import Intervention, Trigger
from hrddp.registry import services
from hrddp.registry.models import VerificationChange, VerificationStatus
from hrddp.support.models import RequestStatus
from tests.factories import UnitFactory, ViolationFactory, active_request, category

pytestmark = pytest.mark.django_db


def confirm_url(violation):
    return reverse("assessments:verification_confirm", args=[violation.pk])


def undo_url(violation):
    return reverse("assessments:verification_undo", args=[violation.pk])


@pytest.fixture
def world(mission, agency, ssr_advisor, hro, manager):
    """Unit "1st Brigade" with two active support requests of the mission, another unit with one
    that the torture case does not reach, and an eyewitness torture report on a company of the
    brigade (its record holds the company's violations, domain.md 3.2)."""
    brigade = UnitFactory(name="1st Brigade")
    company = UnitFactory(name="Alpha Company", parent=brigade)
    elsewhere = UnitFactory(name="9th Brigade")
    fuel = active_request(mission, ssr_advisor, hro, manager, units=[brigade], title="Fuel")
    rations = active_request(mission, ssr_advisor, hro, manager, units=[brigade], title="Rations")
    active_request(mission, ssr_advisor, hro, manager, units=[elsewhere], title="Elsewhere")
    torture = ViolationFactory(
        units=[company],
        verification_status=VerificationStatus.ALLEGED,
        staff_report=True,
        location="Kanda checkpoint",
    )
    return {"brigade": brigade, "requests": [fuel, rations], "torture": torture}


def test_confirmation_states_the_consequence_computed_by_the_code_that_acts(client_for, hro, world):
    torture = world["torture"]
    response = client_for(hro).get(confirm_url(torture), {"status": "verified"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This will put 2 active support requests under review." in page
    assert "This will open 2 interventions, on: 1st Brigade" in page
    assert "9th Brigade" not in page
    # Nothing done yet: the page only says.
    torture.refresh_from_db()
    assert torture.verification_status == VerificationStatus.ALLEGED
    assert not VerificationChange.objects.exists()
    # What it said is what the monitoring then does.
    preview = response.context["consequences"]
    client_for(hro).post(confirm_url(torture), {"status": "verified", "confirmed": "1"})
    fired = monitoring.check_violation(torture.pk)
    assert {t.request_id for t in fired} == {r.pk for r, _u, _k in preview.triggers}
    assert Intervention.objects.count() == 2
    for support_request in world["requests"]:
        support_request.refresh_from_db()
        assert support_request.status == RequestStatus.UNDER_REVIEW


def test_grave_verification_is_done_only_after_the_confirmation(client_for, hro, world):
    torture = world["torture"]
    client = client_for(hro)
    # The one-click form of the violation page goes to the confirmation, changing nothing; the
    # browser posts the form there again (307), so the note typed on the violation page is kept.
    response = client.post(
        reverse("registry:violation_verify", args=[torture.pk]),
        {"status": "verified", "note": "Typed on the violation page."},
        follow=True,
    )
    assert response.redirect_chain == [(confirm_url(torture) + "?status=verified", 307)]
    assert "Typed on the violation page.</textarea>" in response.content.decode()
    # The triage row's form posts to the confirmation, which shows without acting.
    response = client.post(confirm_url(torture), {"status": "verified", "note": "Seen by staff."})
    assert response.status_code == 200
    assert "Seen by staff.</textarea>" in response.content.decode()
    torture.refresh_from_db()
    assert torture.verification_status == VerificationStatus.ALLEGED
    response = client.post(
        confirm_url(torture), {"status": "verified", "note": "Seen by staff.", "confirmed": "1"}
    )
    assert response.status_code == 302
    torture.refresh_from_db()
    assert torture.verification_status == VerificationStatus.VERIFIED
    assert VerificationChange.objects.get().note == "Seen by staff."


def test_confirmation_of_a_change_that_counts_for_nothing_says_so(client_for, hro, world):
    looting = ViolationFactory(
        units=[world["brigade"]],
        category=category("looting"),
        verification_status=VerificationStatus.ALLEGED,
    )
    page = client_for(hro).get(confirm_url(looting), {"status": "verified"}).content.decode()
    assert "will not count for the rules" in page
    assert "This will put" not in page and "This will open" not in page


@pytest.mark.parametrize("persona", ["ssr_advisor", "manager", "auditor", "administrator"])
def test_only_hros_see_or_use_the_confirmation(client_for, persona, request, world):
    client = client_for(request.getfixturevalue(persona))
    torture = world["torture"]
    assert client.get(confirm_url(torture)).status_code == 403
    client.post(confirm_url(torture), {"status": "verified", "confirmed": "1"})
    torture.refresh_from_db()
    assert torture.verification_status == VerificationStatus.ALLEGED


def test_undo_same_day_restores_the_status_with_a_reason_in_history(client_for, hro, world):
    torture = world["torture"]
    client = client_for(hro)
    client.post(confirm_url(torture), {"status": "verified", "confirmed": "1"})
    monitoring.check_violation(torture.pk)
    page = client.get(undo_url(torture)).content.decode()
    assert "Interventions already opened stay open" in page
    response = client.post(undo_url(torture), {"reason": "Wrong case ticked."})
    assert response.status_code == 302
    torture.refresh_from_db()
    assert torture.verification_status == VerificationStatus.ALLEGED
    verified, undo = VerificationChange.objects.order_by("pk")
    assert (undo.from_status, undo.to_status, undo.note, undo.undoes) == (
        "verified",
        "alleged",
        "Wrong case ticked.",
        verified,
    )
    # What undo does not reverse, as the page says: the triggers and their interventions stay.
    assert Trigger.objects.count() == 2 and Intervention.objects.count() == 2
    # An undo is not itself undone.
    assert client.post(undo_url(torture), {"reason": "Again."}).status_code == 409


def test_undo_before_the_trigger_check_ran_sets_off_nothing(hro, world):
    torture = world["torture"]
    services.set_verification_status(torture, VerificationStatus.VERIFIED, hro)
    services.undo_verification(torture, hro, "Wrong case.")
    assert monitoring.check_violation(torture.pk) == []
    assert not Intervention.objects.exists()


def test_undo_the_next_day_is_refused(client_for, hro, world):
    torture = world["torture"]
    services.set_verification_status(torture, VerificationStatus.VERIFIED, hro)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        with pytest.raises(services.UndoRefused):
            services.undo_verification(torture, hro, "Too late.")
        response = client_for(hro).post(undo_url(torture), {"reason": "Too late."})
    assert response.status_code == 409
    torture.refresh_from_db()
    assert torture.verification_status == VerificationStatus.VERIFIED


def test_undo_needs_a_reason(client_for, hro, world):
    torture = world["torture"]
    services.set_verification_status(torture, VerificationStatus.VERIFIED, hro)
    assert client_for(hro).post(undo_url(torture), {"reason": ""}).status_code == 400
    torture.refresh_from_db()
    assert torture.verification_status == VerificationStatus.VERIFIED
