"""The workflow table (style.md principle 3), tested for every (state, action) pair."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import ProgrammingError, transaction
from django.utils import timezone

from assessments import workflow
from assessments.models import Assessment, AssessmentStatus, Decision, Transition
from hrddp.support.models import Communication, CommunicationKind, RequestStatus, SupportRequest
from tests.factories import add_risk

pytestmark = pytest.mark.django_db

ACTOR_FOR = {"requester": "ssr_advisor", "hro": "hro", "manager": "manager", "system": None}
DATA = {"reason": "Because.", "conditions": "Monthly reports.", "waiver_reason": ""}


@pytest.fixture
def ready(draft_request, to_decision, ssr_advisor):
    """A request whose every guard passes: complete, assessed (the assessment made after a
    suspension), the policy notification and the resumption letter recorded."""
    assessment = to_decision(draft_request)
    # Decided and suspended before the letters were recorded (D7, the resumption rule).
    before = assessment.created_at - datetime.timedelta(minutes=1)
    SupportRequest.objects.filter(pk=draft_request.pk).update(
        suspended_at=before, decided_at=before
    )
    for kind in (CommunicationKind.POLICY_NOTIFICATION, CommunicationKind.RESUMPTION):
        Communication.objects.create(
            request=draft_request,
            kind=kind,
            date=timezone.localdate(),
            counterpart="Ministry of Defence",
            summary="Letter.",
            recorded_by=ssr_advisor,
        )
    return draft_request


def draft_second_version(request, hro):
    """For submit_version: the first version decided, a complete second one in draft."""
    first = workflow.current_assessment(request)
    Assessment.objects.filter(pk=first.pk).update(status=AssessmentStatus.DECIDED)
    workflow.create_assessment(request, hro, copy_from=first)


PREPARE = {"submit_version": draft_second_version}


@pytest.mark.parametrize("state", RequestStatus.values)
@pytest.mark.parametrize("action_name", list(workflow.TRANSITIONS))
def test_every_state_and_action_pair(request, ready, hro, state, action_name):
    action = workflow.TRANSITIONS[action_name]
    fixture = ACTOR_FOR[action.roles[0]]
    user = request.getfixturevalue(fixture) if fixture else None
    SupportRequest.objects.filter(pk=ready.pk).update(status=state)
    if action_name in PREPARE:
        PREPARE[action_name](ready, hro)
    target = action.target or state
    if state in action.sources:
        transition = workflow.apply(ready.pk, action_name, user, **DATA)
        ready.refresh_from_db()
        assert ready.status == target
        assert (transition.from_status, transition.to_status, transition.actor) == (
            state,
            target,
            user,
        )
    else:
        with pytest.raises(workflow.TransitionError) as error:
            workflow.apply(ready.pk, action_name, user, **DATA)
        assert not isinstance(error.value, workflow.TransitionBlocked)
        ready.refresh_from_db()
        assert ready.status == state


@pytest.mark.parametrize("action_name", list(workflow.TRANSITIONS))
def test_every_action_refuses_the_roles_it_does_not_name(request, ready, action_name, outsider):
    action = workflow.TRANSITIONS[action_name]
    SupportRequest.objects.filter(pk=ready.pk).update(status=action.sources[0])
    for role, fixture in ACTOR_FOR.items():
        if role in action.roles:
            continue
        with pytest.raises(PermissionDenied):
            workflow.apply(
                ready.pk, action_name, request.getfixturevalue(fixture) if fixture else None, **DATA
            )
    with pytest.raises(PermissionDenied):
        workflow.apply(ready.pk, action_name, outsider, **DATA)


def test_allowed_actions_follow_the_table(ready, manager, hro, ssr_advisor):
    ready.refresh_from_db()
    assert [s.action.name for s in workflow.allowed_actions(ready, manager)] == [
        "send_back",
        "approve",
        "approve_with_conditions",
        "reject",
        "withdraw",
    ]
    assert workflow.allowed_actions(ready, hro) == []
    assert workflow.allowed_actions(ready, ssr_advisor) == []


def test_every_state_change_records_who_when_from_to_and_why(draft_request, to_decision, manager):
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "reject", manager, reason="Too risky.")
    rows = list(
        Transition.objects.filter(request=draft_request).values_list(
            "action", "from_status", "to_status"
        )
    )
    assert rows == [
        ("submit", "draft", "submitted"),
        ("start_assessment", "submitted", "under_assessment"),
        ("submit_for_decision", "under_assessment", "awaiting_decision"),
        ("reject", "awaiting_decision", "rejected"),
    ]
    last = Transition.objects.filter(request=draft_request).last()
    assert last.actor == manager and last.reason == "Too risky." and last.at is not None


def test_history_cannot_be_edited_by_anyone(draft_request, to_decision, manager):
    to_decision(draft_request)
    row = Transition.objects.filter(request=draft_request).first()
    row.reason = "rewritten"
    with pytest.raises(ValidationError):
        row.save()
    for attempt in (
        lambda: Transition.objects.filter(pk=row.pk).update(reason="rewritten"),
        lambda: Transition.objects.filter(pk=row.pk).delete(),
    ):
        with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
            attempt()
    assert Transition.objects.get(pk=row.pk).reason == ""


def test_a_reason_is_required_where_the_table_says_so(draft_request, to_decision, manager):
    to_decision(draft_request)
    with pytest.raises(workflow.TransitionBlocked) as error:
        workflow.apply(draft_request.pk, "reject", manager, reason="  ")
    assert {b.rule for b in error.value.blockers} == {"reason"}


def test_approved_assessment_is_frozen_and_the_decision_keeps_its_version(
    draft_request, to_decision, manager, hro, ssr_advisor
):
    assessment = to_decision(draft_request, lambda a: add_risk(a, 1, 2))
    workflow.apply(draft_request.pk, "approve", manager, reason="Fine.")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DECIDED and assessment.is_frozen
    with pytest.raises(workflow.TransitionError):
        workflow.new_version(draft_request.pk, hro)
    Communication.objects.create(
        request=draft_request,
        kind=CommunicationKind.POLICY_NOTIFICATION,
        date=timezone.localdate(),
        counterpart="Ministry of Defence",
        summary="Letter.",
        recorded_by=ssr_advisor,
    )
    workflow.apply(draft_request.pk, "activate", ssr_advisor)
    new = workflow.new_version(draft_request.pk, hro)
    assert new.version == 2 and new.status == AssessmentStatus.DRAFT
    assert new.risks.get().description == assessment.risks.get().description
    new.risks.update(likelihood=5)
    decision = Decision.objects.get(request=draft_request)
    assert decision.assessment_id == assessment.pk
    assert assessment.risks.get().likelihood == 1


def test_a_new_version_is_only_for_a_frozen_assessment(draft_request, to_decision, hro):
    to_decision(draft_request)
    with pytest.raises(workflow.TransitionError):
        workflow.new_version(draft_request.pk, hro)
