"""The request page drives the workflow (domain.md 4.5): the actions it offers are those the server
allows, a refused action names the rule, and every step leaves its history."""

import pghistory
import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import workflow
from assessments.models import Decision, MeasureStatus, Transition
from hrddp.accounts.models import Role
from hrddp.support.models import Communication, Delivery, RequestStatus
from tests.factories import UnitFactory, UserFactory, add_risk, complete_assessment, make_request

pytestmark = pytest.mark.django_db


def detail(support_request):
    return reverse("support:detail", args=[support_request.pk])


def act(client, support_request, action, **fields):
    data = {"action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(reverse("support:transition", args=[support_request.pk]), data)


def offers(page, action):
    return f'name="action" value="{action}"' in page


def status_of(support_request):
    support_request.refresh_from_db()
    return support_request.status


def test_a_request_walks_from_draft_to_active_through_the_pages(
    client, client_for, ssr_advisor, hro, manager, mission, unit
):
    client.force_login(ssr_advisor)
    response = client.post(
        reverse("support:create"),
        {
            "entity": mission.pk,
            "title": "Fuel for patrols",
            "policy_types": ["logistics"],
            "description": "Diesel for three months.",
            "recipient_units": [unit.pk],
            "currency": "USD",
            "urgency": "routine",
        },
    )
    support_request = mission.support_requests.get()
    assert response.url == detail(support_request)
    assert offers(client.get(detail(support_request)).content.decode(), "submit")
    assert act(client, support_request, "submit").status_code == 302
    assert status_of(support_request) == RequestStatus.SUBMITTED

    client.force_login(hro)
    act(client, support_request, "start_assessment")
    assert status_of(support_request) == RequestStatus.UNDER_ASSESSMENT
    assessment = workflow.current_assessment(support_request)
    complete_assessment(assessment)
    act(client, support_request, "submit_for_decision")
    assert status_of(support_request) == RequestStatus.AWAITING_DECISION

    client_for(manager)  # with the second factor a manager needs
    page = client.get(detail(support_request)).content.decode()
    assert offers(page, "approve") and offers(page, "reject")
    act(
        client,
        support_request,
        "approve",
        reason="Low risk; fuel for patrols protecting civilians.",
    )
    assert status_of(support_request) == RequestStatus.APPROVED
    decision = Decision.objects.get(request=support_request)
    assert (decision.kind, decision.decided_by, decision.assessment) == (
        "approve",
        manager,
        assessment,
    )

    client.force_login(ssr_advisor)
    page = client.get(detail(support_request)).content.decode()
    assert "D7" in page and not offers(page, "activate")
    client.post(
        reverse("support:communication_add", args=[support_request.pk]),
        {
            "communication-kind": "policy_notification",
            "communication-date": timezone.localdate().isoformat(),
            "communication-counterpart": "Chief of Defence Staff",
            "communication-summary": "HRDDP letter.",
        },
    )
    assert Communication.objects.get(request=support_request).recorded_by == ssr_advisor
    act(client, support_request, "activate")
    assert status_of(support_request) == RequestStatus.ACTIVE
    client.post(
        reverse("support:delivery_add", args=[support_request.pk]),
        {
            "delivery-date": timezone.localdate().isoformat(),
            "delivery-description": "5,000 litres of diesel.",
            "delivery-value": "6000",
        },
    )
    assert Delivery.objects.get(request=support_request).recorded_by == ssr_advisor

    rows = list(
        support_request.transitions.values_list(
            "action", "from_status", "to_status", "actor__username"
        )
    )
    assert rows == [
        ("submit", "draft", "submitted", "ssr"),
        ("start_assessment", "submitted", "under_assessment", "hro"),
        ("submit_for_decision", "under_assessment", "awaiting_decision", "hro"),
        ("approve", "awaiting_decision", "approved", "manager"),
        ("activate", "approved", "active", "ssr"),
    ]
    page = client.get(detail(support_request)).content.decode()
    for text in (
        "Take into assessment",
        "Activate support",
        "Low risk; fuel for patrols protecting civilians.",
        "HRDDP letter.",
        "5,000 litres of diesel.",
    ):
        assert text in page


def test_a_blocked_approval_names_the_rule_and_offers_no_button(
    client_for, manager, draft_request, to_decision
):
    to_decision(draft_request, lambda assessment: add_risk(assessment, 3, 3))
    page = client_for(manager).get(detail(draft_request)).content.decode()
    assert "D6" in page
    assert "accountability safeguard" in page
    assert not offers(page, "approve") and not offers(page, "approve_with_conditions")
    assert offers(page, "reject")


def test_posting_a_blocked_approval_is_refused_with_the_rule(
    client_for, manager, draft_request, to_decision
):
    to_decision(draft_request, lambda assessment: add_risk(assessment, 3, 3))
    response = act(client_for(manager), draft_request, "approve", reason="Needed.")
    assert response.status_code == 409
    assert "D6" in response.content.decode()
    assert status_of(draft_request) == RequestStatus.AWAITING_DECISION
    assert not Decision.objects.exists()


def test_the_drafter_sees_no_approve_button_and_cannot_approve(
    client_for, mission, ssr_advisor, draft_request
):
    hro_manager = UserFactory(
        username="hro-manager", roles=[(mission, Role.HRO), (mission, Role.MANAGER)]
    )
    workflow.apply(draft_request.pk, "submit", ssr_advisor)
    workflow.apply(draft_request.pk, "start_assessment", hro_manager)
    complete_assessment(workflow.current_assessment(draft_request))
    workflow.apply(draft_request.pk, "submit_for_decision", hro_manager)
    client = client_for(hro_manager)

    page = client.get(detail(draft_request)).content.decode()
    assert not offers(page, "approve")
    assert "D4" in page and "You drafted this request or its assessment" in page

    response = act(client, draft_request, "approve", reason="Fine by me.")
    assert response.status_code == 409
    assert "D4" in response.content.decode()
    assert status_of(draft_request) == RequestStatus.AWAITING_DECISION
    assert not Decision.objects.exists()


def test_a_high_residual_needs_a_waiver_and_the_typed_reason_survives_a_refusal(
    client_for, manager, auditor, ssr_advisor, draft_request, to_decision
):
    to_decision(
        draft_request, lambda a: add_risk(a, 5, 5, measures=[("screening", MeasureStatus.AGREED)])
    )
    client = client_for(manager)
    page = client.get(detail(draft_request)).content.decode()
    assert offers(page, "approve") and 'name="waiver_reason"' in page
    assert "The residual risk is high (rule D2)" in page

    response = act(client, draft_request, "approve", reason="The convoy feeds 40,000 people.")
    assert response.status_code == 409
    page = response.content.decode()
    assert "The convoy feeds 40,000 people." in page
    assert "D2" in page
    assert status_of(draft_request) == RequestStatus.AWAITING_DECISION

    act(
        client,
        draft_request,
        "approve",
        reason="The convoy feeds 40,000 people.",
        waiver_reason="Famine relief.",
    )
    assert status_of(draft_request) == RequestStatus.APPROVED
    assert Decision.objects.get().waiver_reason == "Famine relief."

    for reader in (manager, auditor):
        page = client_for(reader).get(reverse("support:waivers")).content.decode()
        assert "Famine relief." in page and "Fuel for patrols" in page


def test_a_waiver_is_listed_only_for_the_managers_and_auditors_of_its_entity(
    client_for, manager, agency_manager, draft_request, to_decision
):
    to_decision(
        draft_request, lambda a: add_risk(a, 5, 5, measures=[("screening", MeasureStatus.AGREED)])
    )
    workflow.apply(
        draft_request.pk, "approve", manager, reason="Vital.", waiver_reason="Famine relief."
    )
    page = client_for(agency_manager).get(reverse("support:waivers")).content.decode()
    assert "Famine relief." not in page


@pytest.mark.parametrize("rows", [5, 50])
def test_the_waiver_report_runs_a_constant_number_of_queries(
    client_for, manager, mission, ssr_advisor, hro, rows, django_assert_max_num_queries
):
    unit = UnitFactory()
    decider = UserFactory(roles=[(mission, Role.MANAGER)])
    for n in range(rows):
        request = make_request(mission, ssr_advisor, [unit], title=f"Request {n}")
        workflow.apply(request.pk, "submit", ssr_advisor)
        workflow.apply(request.pk, "start_assessment", hro)
        assessment = complete_assessment(workflow.current_assessment(request))
        add_risk(assessment, 5, 5, measures=[("screening", MeasureStatus.AGREED)])
        workflow.apply(request.pk, "submit_for_decision", hro)
        workflow.apply(
            request.pk, "approve", decider, reason="Vital.", waiver_reason=f"Waiver {n}."
        )
    client = client_for(manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("support:waivers"))
    assert response.status_code == 200


def test_approval_with_conditions_needs_the_conditions(
    client_for, manager, draft_request, to_decision
):
    to_decision(draft_request)
    client = client_for(manager)
    response = act(client, draft_request, "approve_with_conditions", reason="Acceptable.")
    assert response.status_code == 409
    assert status_of(draft_request) == RequestStatus.AWAITING_DECISION
    act(
        client,
        draft_request,
        "approve_with_conditions",
        reason="Acceptable.",
        conditions="Monthly reports.",
    )
    assert status_of(draft_request) == RequestStatus.APPROVED_WITH_CONDITIONS
    assert Decision.objects.get().conditions == "Monthly reports."


def test_a_return_needs_a_reason_and_records_it(client_for, hro, ssr_advisor, draft_request):
    workflow.apply(draft_request.pk, "submit", ssr_advisor)
    client = client_for(hro)
    assert act(client, draft_request, "return").status_code == 409
    act(client, draft_request, "return", reason="Name the units precisely.")
    assert status_of(draft_request) == RequestStatus.RETURNED
    assert Transition.objects.get(action="return", allowed=True).reason == (
        "Name the units precisely."
    )
    # The attempt without a reason is in the log too, refused by the reason rule.
    refused = Transition.objects.get(action="return", allowed=False)
    assert (refused.rules, refused.reason) == (["reason"], "")


def test_an_action_from_the_wrong_state_is_refused_with_a_message(
    client_for, ssr_advisor, draft_request
):
    workflow.apply(draft_request.pk, "submit", ssr_advisor)
    response = act(client_for(ssr_advisor), draft_request, "submit")
    assert response.status_code == 302
    assert "not possible while the request is Submitted" in str(
        list(response.wsgi_request._messages)[0]
    )


@pytest.mark.parametrize("state", ["draft", "approved"])
def test_a_delivery_is_refused_unless_the_support_is_active(
    client_for, ssr_advisor, manager, draft_request, to_decision, state
):
    if state == "approved":
        to_decision(draft_request)
        workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    client = client_for(ssr_advisor)
    assert (
        "Deliveries can be recorded only while the support is active."
        in client.get(detail(draft_request)).content.decode()
    )
    response = client.post(
        reverse("support:delivery_add", args=[draft_request.pk]),
        {"delivery-date": timezone.localdate().isoformat(), "delivery-description": "Diesel."},
        follow=True,
    )
    assert (
        "A delivery can be recorded only while the support is active" in response.content.decode()
    )
    assert not Delivery.objects.exists()


def test_a_manager_records_a_delivery_on_active_support(
    client_for, manager, draft_request, to_decision, policy_letter
):
    to_decision(draft_request)
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    policy_letter(draft_request)
    workflow.apply(draft_request.pk, "activate", manager)
    client_for(manager).post(
        reverse("support:delivery_add", args=[draft_request.pk]),
        {"delivery-date": timezone.localdate().isoformat(), "delivery-description": "Diesel."},
    )
    assert Delivery.objects.get().recorded_by == manager


def test_an_incomplete_communication_is_shown_again_with_its_errors(client_for, hro, draft_request):
    response = client_for(hro).post(
        reverse("support:communication_add", args=[draft_request.pk]),
        {"communication-kind": "intercession", "communication-summary": "Met the commander."},
    )
    assert response.status_code == 400
    assert "Met the commander." in response.content.decode()
    assert not Communication.objects.exists()


def test_the_request_page_shows_the_risk_with_its_reasons_and_the_extended_scope_label(
    client_for, manager, mission, ssr_advisor, unit, to_decision
):
    request = make_request(
        mission, ssr_advisor, [unit], support_types=("logistics", "vetting_support")
    )
    to_decision(
        request,
        lambda a: add_risk(
            a, 4, 4, residual=(2, 2), measures=[("screening", MeasureStatus.AGREED)]
        ),
    )
    page = client_for(manager).get(detail(request)).content.decode()
    assert "outside the policy&#x27;s formal scope, assessed under the extended scope" in page
    assert "Risk “Risk 4x4”: 4 × 4 = 16" in page
    assert "Risk “Risk 4x4”: 4, after mitigation" in page


def test_the_request_page_shows_who_edited_the_assessment(
    client_for, auditor, hro, draft_request, to_decision
):
    assessment = to_decision(
        draft_request, lambda a: add_risk(a, 2, 2, measures=[("screening", MeasureStatus.PROPOSED)])
    )
    with pghistory.context(user=hro.pk):
        assessment.rationale = "Weighed again after the field visit."
        assessment.save()
        assessment.risks.get().measures.update(status=MeasureStatus.AGREED)
    page = client_for(auditor).get(detail(draft_request)).content.decode()
    edits = page[page.index("Edits to the assessment") :]
    assert "rationale: Weighed. → Weighed again after the field visit." in edits
    assert "Mitigatory measure “Screening of personnel before support” changed" in edits
    assert "status: Proposed → Agreed" in edits  # choices by their labels
    assert edits.count(">hro<") == 2


def test_an_ssr_advisor_sees_which_fields_changed_but_not_the_assessment_text(
    client_for, ssr_advisor, hro, draft_request, to_decision
):
    assessment = to_decision(draft_request)
    with pghistory.context(user=hro.pk):
        assessment.rationale = "Weighed again after the field visit."
        assessment.save()
    page = client_for(ssr_advisor).get(detail(draft_request)).content.decode()
    assert "Weighed again after the field visit." not in page
    assert "rationale" in page[page.index("Edits to the assessment") :]


@pytest.mark.parametrize("rows", [1, 10])
def test_the_request_page_runs_a_bounded_number_of_queries(
    client_for,
    manager,
    draft_request,
    to_decision,
    policy_letter,
    rows,
    django_assert_max_num_queries,
):
    assessment = to_decision(draft_request)
    for _ in range(rows):
        add_risk(assessment, 2, 2, measures=[("screening", MeasureStatus.AGREED)])
        policy_letter(draft_request)
    client = client_for(manager)
    with django_assert_max_num_queries(35):  # + 1: the request's history
        assert client.get(detail(draft_request)).status_code == 200
