"""The intervention pages (domain.md 5, 7): who sees and acts on an intervention, the intercession
letter and the authorities' response, escalation, and a manager's suspension of exactly the
requests that benefit the unit concerned."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assessments import monitoring, workflow
from assessments.models import Intervention, InterventionStatus, Trigger, TriggerKind
from hrddp.accounts.models import Role
from hrddp.support.models import Communication, RequestStatus, SupportRequest
from tests.assessments.conftest import START, day
from tests.factories import UnitFactory, UserFactory, ViolationFactory, make_request

pytestmark = pytest.mark.django_db


def violation_against(unit):
    """Recorded after the approval, as a trigger is: before it, rule D3 would block approval."""
    return ViolationFactory(units=[unit], location="Kibati", date=day(-3))


@pytest.fixture
def intervention(draft_request, activate, unit):
    """An open intervention, opened at START on the 3rd Battalion."""
    activate(draft_request)
    with time_machine.travel(START, tick=False):
        [trigger] = monitoring.check_violation(violation_against(unit).pk)
    return trigger.intervention


@pytest.fixture
def violation(intervention):
    return intervention.trigger.violation


@pytest.fixture
def agency_manager(agency):
    return UserFactory(username="agency-manager", roles=[(agency, Role.MANAGER)])


def detail(intervention):
    return reverse("assessments:intervention_detail", args=[intervention.pk])


def act(client, intervention, action, reason="Because."):
    return client.post(
        reverse("assessments:intervention_action", args=[intervention.pk]),
        {"action": action, f"{action}-reason": reason},
    )


def record(client, intervention, kind, summary="Letter."):
    return client.post(
        reverse("assessments:intervention_communication_add", args=[intervention.pk]),
        {
            "communication-kind": kind,
            "communication-date": timezone.localdate().isoformat(),
            "communication-counterpart": "Chief of Defence Staff",
            "communication-summary": summary,
        },
    )


def offers(page, action):
    return f'name="action" value="{action}"' in page


# --- permission ladders ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["intervention_list", "intervention_detail"])
def test_anonymous_is_sent_to_login(client, intervention, name):
    args = [intervention.pk] if name == "intervention_detail" else []
    response = client.get(reverse(f"assessments:{name}", args=args))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["intervention_action", "intervention_communication_add"])
def test_anonymous_cannot_post_and_is_sent_to_login(client, intervention, name):
    response = client.post(
        reverse(f"assessments:{name}", args=[intervention.pk]), {"action": "resolve"}
    )
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert Intervention.objects.get().status == InterventionStatus.OPEN


def test_a_user_with_no_role_gets_403_on_every_intervention_page(
    client_for, no_role_user, intervention
):
    client = client_for(no_role_user)
    assert client.get(reverse("assessments:intervention_list")).status_code == 403
    assert client.get(detail(intervention)).status_code == 403
    assert act(client, intervention, "resolve").status_code == 403
    assert record(client, intervention, "intercession").status_code == 403


def test_another_entity_does_not_see_the_intervention(client_for, agency_manager, intervention):
    client = client_for(agency_manager)
    assert client.get(detail(intervention)).status_code == 404
    assert act(client, intervention, "suspend").status_code == 404
    assert record(client, intervention, "intercession").status_code == 404
    page = client.get(reverse("assessments:intervention_list"), {"show": "all"}).content.decode()
    assert detail(intervention) not in page
    assert Intervention.objects.get().status == InterventionStatus.OPEN
    assert not Communication.objects.filter(intervention=intervention).exists()


def test_ssr_advisor_sees_the_intervention_but_neither_the_violation_nor_any_action(
    client_for, ssr_advisor, intervention, violation
):
    client = client_for(ssr_advisor)
    page = client.get(detail(intervention)).content.decode()
    assert "3rd Battalion" in page and "Countable grave violation" in page
    assert (
        reverse("registry:violation_detail", args=[violation.pk]) not in page
        and "Kibati" not in page
    )
    assert not offers(page, "resolve") and "communication-summary" not in page
    assert act(client, intervention, "resolve").status_code == 403
    assert record(client, intervention, "intercession").status_code == 403


def test_registry_readers_see_the_violation_that_triggered_the_intervention(
    client_for, manager, intervention, violation
):
    page = client_for(manager).get(detail(intervention)).content.decode()
    assert reverse("registry:violation_detail", args=[violation.pk]) in page and "Kibati" in page


def test_auditor_reads_but_records_nothing(client_for, auditor, intervention):
    client = client_for(auditor)
    assert client.get(detail(intervention)).status_code == 200
    assert act(client, intervention, "resolve").status_code == 403
    assert record(client, intervention, "intercession").status_code == 403


def test_hro_may_not_take_the_managers_decision(client_for, hro, intervention):
    client = client_for(hro)
    page = client.get(detail(intervention)).content.decode()
    assert offers(page, "escalate") and offers(page, "resolve") and not offers(page, "suspend")
    assert act(client, intervention, "suspend").status_code == 403
    assert Intervention.objects.get().status == InterventionStatus.OPEN


def test_the_action_endpoint_takes_only_post(client_for, manager, intervention):
    response = client_for(manager).get(
        reverse("assessments:intervention_action", args=[intervention.pk])
    )
    assert response.status_code == 405


# --- the walk ------------------------------------------------------------------------------------


def test_intervention_walk_intercession_response_escalation_and_suspension_of_the_units_concerned(
    client_for, hro, manager, mission, ssr_advisor, unit, activate, draft_request
):
    """Two requests benefit the battalion, a third supports another unit: a manager's suspension
    stops the first two only."""
    other_unit = UnitFactory(name="Border Police Post")
    also_concerned = activate(
        make_request(mission, ssr_advisor, [unit, other_unit], title="Rations")
    )
    elsewhere = activate(make_request(mission, ssr_advisor, [other_unit], title="Radios"))
    activate(draft_request)
    with time_machine.travel(START, tick=False):
        triggers = monitoring.check_violation(violation_against(unit).pk)
    intervention = Trigger.objects.get(
        request=draft_request, pk__in=[t.pk for t in triggers]
    ).intervention

    client = client_for(hro)
    assert (
        record(
            client, intervention, "intercession", "Letter asking for an investigation."
        ).status_code
        == 302
    )
    assert (
        record(client, intervention, "response", "The ministry promises an inquiry.").status_code
        == 302
    )
    letters = Communication.objects.filter(intervention=intervention)
    assert sorted(letters.values_list("kind", "request_id", "recorded_by__username")) == [
        ("intercession", draft_request.pk, "hro"),
        ("response", draft_request.pk, "hro"),
    ]
    page = client.get(detail(intervention)).content.decode()
    assert (
        "Letter asking for an investigation." in page
        and "The ministry promises an inquiry." in page
    )
    assert (
        "Letter asking for an investigation."
        in client.get(reverse("support:detail", args=[draft_request.pk])).content.decode()
    )

    response = act(client, intervention, "escalate", "No inquiry opened after 30 days.")
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.ESCALATED

    client = client_for(manager)
    page = client.get(detail(intervention)).content.decode()
    assert offers(page, "continue") and offers(page, "suspend") and not offers(page, "escalate")
    response = act(client, intervention, "suspend", "Pattern of abuses.")
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.SUSPENDED and intervention.closed_by == manager
    statuses = dict(SupportRequest.objects.values_list("pk", "status"))
    assert statuses[draft_request.pk] == statuses[also_concerned.pk] == RequestStatus.SUSPENDED
    assert statuses[elsewhere.pk] == RequestStatus.ACTIVE
    message = client.get(detail(intervention)).content.decode()
    assert f'<a href="{reverse("support:detail", args=[also_concerned.pk])}">' in message
    assert reverse("support:detail", args=[elsewhere.pk]) not in message
    assert "Record the suspension letter" in message
    assert "No inquiry opened after 30 days." in message and "Pattern of abuses." in message


def test_a_decision_needs_a_reason(client_for, manager, intervention):
    response = act(client_for(manager), intervention, "suspend", reason="  ")
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert Intervention.objects.get().status == InterventionStatus.OPEN
    assert SupportRequest.objects.get().status == RequestStatus.UNDER_REVIEW


def test_an_action_from_the_wrong_state_is_refused_with_a_message(
    client_for, manager, intervention
):
    client = client_for(manager)
    act(client, intervention, "continue", "Measures agreed with the ministry.")
    response = act(client, intervention, "suspend", "Too late.")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "is not possible while the intervention is Continued with measures" in page
    assert Intervention.objects.get().status == InterventionStatus.CONTINUED


def test_only_intercession_and_response_are_recorded_from_the_intervention(
    client_for, hro, intervention
):
    response = record(client_for(hro), intervention, "policy_notification")
    assert response.status_code == 400
    assert not Communication.objects.filter(intervention=intervention).exists()


def test_a_manager_records_the_response_too(client_for, manager, intervention):
    assert record(client_for(manager), intervention, "response").status_code == 302
    assert Communication.objects.get(intervention=intervention).recorded_by == manager


# --- overdue -----------------------------------------------------------------------------------


def test_an_intervention_shows_overdue_once_the_response_due_date_has_passed(
    client_for, manager, intervention
):
    client = client_for(manager)
    with time_machine.travel(START + datetime.timedelta(days=30), tick=False):
        assert "Overdue" not in client.get(detail(intervention)).content.decode()
        listed = client.get(
            reverse("assessments:intervention_list"), {"show": "overdue"}
        ).content.decode()
        assert detail(intervention) not in listed
    with time_machine.travel(START + datetime.timedelta(days=31), tick=False):
        assert "Overdue" in client.get(detail(intervention)).content.decode()
        listed = client.get(
            reverse("assessments:intervention_list"), {"show": "overdue"}
        ).content.decode()
        assert detail(intervention) in listed and "Overdue" in listed


def test_intercession_shows_overdue_until_the_letter_is_recorded(client_for, hro, intervention):
    client = client_for(hro)
    with time_machine.travel(START + datetime.timedelta(days=8), tick=False):
        assert "Letter sent" not in client.get(detail(intervention)).content.decode()
        record(client, intervention, "intercession")
        assert "Letter sent" in client.get(detail(intervention)).content.decode()


def test_the_list_filters_open_escalated_and_all(client_for, hro, manager, intervention):
    client = client_for(hro)
    url = reverse("assessments:intervention_list")
    assert detail(intervention) in client.get(url).content.decode()
    assert detail(intervention) not in client.get(url, {"show": "escalated"}).content.decode()
    act(client, intervention, "escalate", "No answer.")
    assert detail(intervention) in client.get(url, {"show": "escalated"}).content.decode()
    act(client_for(manager), intervention, "resolve", "Officers suspended.")
    assert detail(intervention) not in client.get(url).content.decode()
    assert detail(intervention) in client.get(url, {"show": "all"}).content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_runs_a_constant_number_of_queries(
    client_for, manager, draft_request, activate, unit, rows, django_assert_max_num_queries
):
    activate(draft_request)
    for _ in range(rows):
        trigger = Trigger.objects.create(
            request=draft_request, kind=TriggerKind.VIOLATION, unit=unit
        )
        workflow.open_intervention(trigger)
    client = client_for(manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("assessments:intervention_list"), {"show": "all"})
    assert (
        response.status_code == 200
        and response.content.decode().count("/assessments/interventions/") >= 5
    )


def test_the_request_page_lists_its_triggers_and_interventions(client_for, manager, intervention):
    client = client_for(manager)
    with time_machine.travel(START + datetime.timedelta(days=31), tick=False):
        page = client.get(
            reverse("support:detail", args=[intervention.request_id])
        ).content.decode()
    section = page[page.index("Triggers and interventions") :]
    assert detail(intervention) in section and "3rd Battalion" in section and "Overdue" in section
    assert (
        str(intervention.response_due) in section
        or intervention.response_due.strftime("%b") in section
    )


def test_the_request_page_offers_a_new_assessment_version_to_the_hro(
    client_for, hro, ssr_advisor, intervention
):
    url = reverse("support:detail", args=[intervention.request_id])
    assessment = workflow.current_assessment(intervention.request)
    new_version = reverse("assessments:new_version", args=[assessment.pk])
    assert new_version in client_for(hro).get(url).content.decode()
    assert new_version not in client_for(ssr_advisor).get(url).content.decode()
    response = client_for(hro).post(new_version)
    assert response.status_code == 302
    assert workflow.current_assessment(intervention.request).version == 2
