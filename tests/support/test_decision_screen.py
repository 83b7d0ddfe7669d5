"""The manager's decision screen on the request page (issue 16): what the decision rests on at
the top, one reason box, Approve first and the destructive actions set apart and confirmed; the
blocked actions shown only when they are a natural next step; the stepper with who acts next."""

import re

import pytest
from django.urls import reverse

from assessments import workflow
from assessments.models import Decision, MeasureStatus, Transition
from hrddp.support.models import RequestStatus
from tests.factories import add_risk

pytestmark = pytest.mark.django_db


def detail(support_request):
    return reverse("support:detail", args=[support_request.pk])


def post(client, support_request, **data):
    """What the page's one form posts: the pressed button's action and the shared boxes."""
    return client.post(reverse("support:transition", args=[support_request.pk]), data)


def status_of(support_request):
    support_request.refresh_from_db()
    return support_request.status


def buttons(page):
    return re.findall(r'name="action" value="(\w+)"', page)


@pytest.fixture
def awaiting(draft_request, to_decision):
    """Awaiting decision, residual risk high (a waiver needed), a measure still to be agreed."""

    def prepare(assessment):
        assessment.recommendation = "support_with_conditions"
        assessment.rationale = "The patrols protect the camps at Kibati."
        assessment.risk_of_not_supporting = "Without fuel the camps go unguarded at night."
        assessment.save()
        add_risk(
            assessment,
            5,
            5,
            measures=[
                ("screening", MeasureStatus.AGREED),
                ("non_lethal_only", MeasureStatus.PROPOSED),
            ],
        )

    to_decision(draft_request, prepare)
    return draft_request


def test_the_decision_screen_shows_the_recommendation_and_the_risks_at_the_top(
    client_for, manager, awaiting
):
    page = client_for(manager).get(detail(awaiting)).content.decode()
    top = page[: page.index('id="request-heading"')]
    for text in (
        "The HRO's recommendation",
        "Support with conditions",
        "The patrols protect the camps at Kibati.",
        "Risk of not supporting",
        "Without fuel the camps go unguarded at night.",
        "Inherent risk",
        "Residual risk",
        "Risk “Risk 5x5”: 5 × 5 = 25",  # a reason of the level
    ):
        assert text in top, text


def test_the_decision_screen_shows_the_conditions_to_be_agreed_and_the_waiver_need(
    client_for, manager, awaiting
):
    page = client_for(manager).get(detail(awaiting)).content.decode()
    basis = page[page.index('id="decision-basis"') : page.index('id="request-heading"')]
    assert "Conditions to be agreed" in basis
    assert "Non-lethal support only — Proposed" in basis
    assert "Agreed" in basis
    assert "Needed" in basis and "rule D2" in basis


def test_the_waiver_is_not_needed_at_a_low_residual_risk(
    client_for, manager, draft_request, to_decision
):
    to_decision(draft_request)
    page = client_for(manager).get(detail(draft_request)).content.decode()
    assert "Not needed" in page[page.index('id="decision-basis"') :]


def test_the_decision_screen_has_one_reason_box(client_for, manager, awaiting):
    page = client_for(manager).get(detail(awaiting)).content.decode()
    assert page.count('name="reason"') == 1
    assert page.count('name="conditions"') == 1
    assert page.count('name="waiver_reason"') == 1
    assert page.count(f'action="{reverse("support:transition", args=[awaiting.pk])}"') == 1


def test_approve_comes_first_then_send_back_then_the_destructive_actions_set_apart(
    client_for, manager, draft_request, to_decision
):
    to_decision(draft_request)
    page = client_for(manager).get(detail(draft_request)).content.decode()
    assert buttons(page) == [
        "approve",
        "approve_with_conditions",
        "send_back",
        "reject",
        "withdraw",
    ]
    apart = page[page.index("<fieldset") : page.index("</fieldset>")]
    assert buttons(apart) == ["reject", "withdraw"]
    assert "You will be asked to confirm" in apart


def test_a_destructive_action_is_confirmed_before_anything_is_done(
    client_for, manager, draft_request, to_decision
):
    to_decision(draft_request)
    client = client_for(manager)
    response = post(client, draft_request, action="reject", reason="Too risky for now.")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirm “Reject”" in page and "cannot be undone" in page
    assert "Too risky for now." in page
    assert status_of(draft_request) == RequestStatus.AWAITING_DECISION
    assert not Transition.objects.filter(action="reject").exists()

    post(client, draft_request, action="reject", reason="Too risky for now.", confirmed="1")
    assert status_of(draft_request) == RequestStatus.REJECTED
    assert Decision.objects.get().reason == "Too risky for now."


def test_going_back_from_the_confirmation_keeps_the_reason(
    client_for, manager, draft_request, to_decision
):
    to_decision(draft_request)
    response = post(
        client_for(manager),
        draft_request,
        action="withdraw",
        reason="The unit was disbanded.",
        confirmed="1",
        back="1",
    )
    assert response.status_code == 200
    assert "The unit was disbanded.</textarea>" in response.content.decode()
    assert status_of(draft_request) == RequestStatus.AWAITING_DECISION


def test_a_missing_reason_is_a_clear_error_and_nothing_typed_is_lost(
    client_for, manager, draft_request, to_decision
):
    to_decision(draft_request)
    client = client_for(manager)
    response = post(
        client, draft_request, action="approve_with_conditions", conditions="Monthly reports."
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "“Approve with conditions” was not done" in page
    assert "Give a reason." in page
    assert "Monthly reports.</textarea>" in page
    assert status_of(draft_request) == RequestStatus.AWAITING_DECISION
    # A destructive action without its reason is refused the same way, with no confirmation.
    response = post(client, draft_request, action="reject")
    assert response.status_code == 409 and "Give a reason." in response.content.decode()


def test_a_manager_approves_with_the_one_reason_box(
    client_for, manager, draft_request, to_decision
):
    to_decision(draft_request)
    post(client_for(manager), draft_request, action="approve", reason="Low risk.")
    assert status_of(draft_request) == RequestStatus.APPROVED
    assert Decision.objects.get().reason == "Low risk."


def test_after_activation_the_blocked_renewal_is_not_shown(
    client_for, manager, draft_request, to_decision, policy_letter
):
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    policy_letter(draft_request)
    workflow.apply(draft_request.pk, "activate", manager)
    page = client_for(manager).get(detail(draft_request)).content.decode()
    assert "is not possible yet" not in page
    assert "renew" not in buttons(page)
    assert buttons(page) == ["review", "suspend", "close", "withdraw"]


def test_a_blocked_step_of_the_stage_still_names_its_rule_and_remedy(
    client_for, ssr_advisor, manager, draft_request, to_decision
):
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    page = client_for(ssr_advisor).get(detail(draft_request)).content.decode()
    assert "“Activate support” is not possible yet" in page
    assert "<strong>D7</strong>" in page and "Record the letter" in page


def test_the_stepper_marks_the_current_step_and_who_acts_next(
    client_for, ssr_advisor, manager, draft_request, to_decision
):
    page = client_for(ssr_advisor).get(detail(draft_request)).content.decode()
    assert re.search(r'aria-current="step">\s*<span aria-hidden="true">▶ </span>Draft', page)
    assert "Who acts next: <strong>SSR advisor</strong>" in page
    to_decision(draft_request)
    page = client_for(manager).get(detail(draft_request)).content.decode()
    stepper = page[page.index('id="journey"') :]
    stepper = stepper[: stepper.index("</section>")]
    assert stepper.count('aria-current="step"') == 1
    assert re.search(r'aria-current="step">.*Awaiting decision.*\(current step\)', stepper, re.S)
    assert stepper.count("✓") == 3
    assert "Who acts next: <strong>Manager</strong>" in stepper


def test_a_rejected_request_says_nobody_acts_next(client_for, manager, draft_request, to_decision):
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "reject", manager, reason="Too risky.")
    page = client_for(manager).get(detail(draft_request)).content.decode()
    assert "Nobody acts next" in page and "(ended here)" in page


def test_an_ssr_advisor_does_not_see_the_decision_screen(
    client_for, ssr_advisor, draft_request, to_decision
):
    to_decision(draft_request)
    page = client_for(ssr_advisor).get(detail(draft_request)).content.decode()
    assert 'id="decision-basis"' not in page and "Weighed." not in page
