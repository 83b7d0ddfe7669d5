"""Issue 12, hole 7: D7 and resumption accepted letters that could not have been sent — a policy
letter dated 2099-01-01 and recorded while the request was only submitted satisfied D7 after the
approval; a resumption letter recorded before any suspension satisfied resumption (domain.md 4.5:
no communication dated in the future; D7 counts a letter recorded and dated on or after the
decision it notifies; a resumption letter counts only after the suspension it ends)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assessments import workflow
from hrddp.support.models import Communication, CommunicationKind, RequestStatus
from tests.factories import api_client, complete_assessment

pytestmark = pytest.mark.django_db

FUTURE = datetime.date(2099, 1, 1)


def letter(request, kind, date, user, **fields):
    """A letter written straight into the table, as an older version of the product or the
    Django admin let it be: the rules must not count it even so."""
    return Communication.objects.create(
        request=request,
        kind=kind,
        date=date,
        counterpart="Chief of Defence Staff",
        summary="Letter.",
        recorded_by=user,
        **fields,
    )


def test_trust_7_a_letter_dated_in_the_future_is_refused_on_the_page(
    client_for, draft_request, ssr_advisor
):
    response = client_for(ssr_advisor).post(
        reverse("support:communication_add", args=[draft_request.pk]),
        {
            "communication-kind": CommunicationKind.POLICY_NOTIFICATION,
            "communication-date": FUTURE.isoformat(),
            "communication-counterpart": "Chief of Defence Staff",
            "communication-summary": "HRDDP letter.",
        },
    )
    assert response.status_code == 400
    assert "This date is in the future." in response.content.decode()
    assert not Communication.objects.exists()


def test_trust_7_a_letter_dated_in_the_future_is_refused_by_the_api(draft_request, ssr_advisor):
    response = api_client(ssr_advisor).post(
        "/api/v1/communications/",
        {
            "request": draft_request.pk,
            "kind": CommunicationKind.POLICY_NOTIFICATION,
            "date": FUTURE.isoformat(),
            "counterpart": "Chief of Defence Staff",
            "summary": "HRDDP letter.",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "date" in response.json()
    assert not Communication.objects.exists()


def test_trust_7_a_policy_letter_recorded_before_the_decision_does_not_satisfy_d7(
    draft_request, to_decision, manager, hro, ssr_advisor
):
    workflow.apply(draft_request.pk, "submit", ssr_advisor)
    # The attack of the review: recorded while the request was only submitted, dated 2099.
    letter(draft_request, CommunicationKind.POLICY_NOTIFICATION, FUTURE, ssr_advisor)
    letter(draft_request, CommunicationKind.POLICY_NOTIFICATION, timezone.localdate(), ssr_advisor)
    workflow.apply(draft_request.pk, "return", hro, reason="Redo.")
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    response = api_client(ssr_advisor).post(
        f"/api/v1/support-requests/{draft_request.pk}/transitions/",
        {"action": "activate"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "D7"
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.APPROVED


def test_trust_7_a_policy_letter_dated_in_the_future_does_not_satisfy_d7(
    draft_request, to_decision, manager, ssr_advisor
):
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    letter(draft_request, CommunicationKind.POLICY_NOTIFICATION, FUTURE, ssr_advisor)
    with pytest.raises(workflow.TransitionBlocked) as error:
        workflow.apply(draft_request.pk, "activate", ssr_advisor)
    assert {b.rule for b in error.value.blockers} == {"D7"}
    letter(draft_request, CommunicationKind.POLICY_NOTIFICATION, timezone.localdate(), ssr_advisor)
    workflow.apply(draft_request.pk, "activate", ssr_advisor)
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.ACTIVE


def test_trust_7_a_policy_letter_dated_before_the_decision_does_not_satisfy_d7(
    draft_request, to_decision, manager, ssr_advisor
):
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    letter(draft_request, CommunicationKind.POLICY_NOTIFICATION, yesterday, ssr_advisor)
    with pytest.raises(workflow.TransitionBlocked) as error:
        workflow.apply(draft_request.pk, "activate", ssr_advisor)
    assert {b.rule for b in error.value.blockers} == {"D7"}


def test_trust_7_a_resumption_letter_recorded_before_the_suspension_does_not_count(
    draft_request, to_decision, manager, hro, ssr_advisor, second_manager
):
    start = timezone.now() - datetime.timedelta(days=30)
    with time_machine.travel(start, tick=False):
        to_decision(draft_request)
        workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
        letter(draft_request, CommunicationKind.POLICY_NOTIFICATION, start.date(), ssr_advisor)
        workflow.apply(draft_request.pk, "activate", ssr_advisor)
    suspension = timezone.now() - datetime.timedelta(hours=1)
    with time_machine.travel(suspension - datetime.timedelta(hours=1), tick=False):
        # Written before anything was suspended, yet dated the day of the suspension to come.
        letter(
            draft_request, CommunicationKind.RESUMPTION, timezone.localdate(suspension), ssr_advisor
        )
    with time_machine.travel(suspension, tick=False):
        workflow.apply(draft_request.pk, "suspend", manager, reason="Pattern of abuses.")
    new = workflow.new_version(draft_request.pk, hro)
    complete_assessment(new)
    workflow.apply(draft_request.pk, "submit_version", hro)
    # A letter dated before the suspension, even recorded after it, ends nothing either.
    letter(
        draft_request,
        CommunicationKind.RESUMPTION,
        timezone.localdate(suspension) - datetime.timedelta(days=1),
        ssr_advisor,
    )
    response = api_client(second_manager).post(
        f"/api/v1/support-requests/{draft_request.pk}/transitions/",
        {"action": "resume", "reason": "Measures in place."},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "resumption"
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.SUSPENDED
    letter(draft_request, CommunicationKind.RESUMPTION, timezone.localdate(), ssr_advisor)
    workflow.apply(draft_request.pk, "resume", second_manager, reason="Measures in place.")
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.ACTIVE


def test_trust_7_a_refused_resumption_names_the_resumption_rule_before_d1(
    draft_request, to_decision, manager, ssr_advisor, second_manager
):
    """No new assessment and no letter: D1 blocks too, but the refusal names the resumption rule."""
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    letter(draft_request, CommunicationKind.POLICY_NOTIFICATION, timezone.localdate(), ssr_advisor)
    workflow.apply(draft_request.pk, "activate", ssr_advisor)
    workflow.apply(draft_request.pk, "suspend", manager, reason="Pattern of abuses.")
    response = api_client(second_manager).post(
        f"/api/v1/support-requests/{draft_request.pk}/transitions/",
        {"action": "resume", "reason": "Measures in place."},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["rule"] == "resumption"
    assert "D1" in {b["rule"] for b in body["blockers"]}
