"""Monitoring after approval (domain.md 5): triggers, interventions, suspension, resumption, lapse."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from assessments import monitoring, reminders, workflow
from assessments.models import (
    Intervention,
    InterventionStatus,
    MeasureStatus,
    ReminderClaim,
    Trigger,
    TriggerKind,
)
from hrddp.notifications.models import Notification
from hrddp.policy.models import PolicySettings
from hrddp.registry.models import VerificationStatus
from hrddp.registry.services import set_verification_status
from hrddp.support.models import Communication, CommunicationKind, RequestStatus, SupportRequest
from tests.assessments.conftest import START, day
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    ViolationFactory,
    add_risk,
    complete_assessment,
    make_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_manager(mission):
    from hrddp.accounts.models import Role

    return UserFactory(username="manager2", email="m2@example.org", roles=[(mission, Role.MANAGER)])


def test_trigger_a_verified_violation_puts_request_under_review_and_opens_intervention(
    draft_request, activate, unit, hro
):
    """Acceptance scenario 5, first half: intervention due in 7 and 30 days."""
    activate(draft_request)
    company = UnitFactory(parent=unit)
    violation = ViolationFactory(units=[company], verification_status=VerificationStatus.ALLEGED)
    with time_machine.travel(START + datetime.timedelta(days=2), tick=False):
        assert monitoring.check_violation(violation.pk) == []  # alleged: nothing yet
        set_verification_status(violation, VerificationStatus.VERIFIED, hro)
        [trigger] = monitoring.check_violation(violation.pk)
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.UNDER_REVIEW
    intervention = trigger.intervention
    assert intervention.intercession_due == day(2 + 7) and intervention.response_due == day(2 + 30)
    assert Notification.objects.filter(user=hro).exists()


def test_a_trigger_notifies_the_hros_and_managers_of_the_requesting_entity(
    draft_request, activate, unit, hro, manager, ssr_advisor, outsider
):
    activate(draft_request)
    before = set(Notification.objects.values_list("pk", flat=True))
    monitoring.check_violation(ViolationFactory(units=[unit]).pk)
    notified = set(
        Notification.objects.exclude(pk__in=before).values_list("user__username", flat=True)
    )
    assert notified == {hro.username, manager.username}
    assert ssr_advisor.username not in notified and outsider.username not in notified


def test_trigger_fires_once_per_cause(draft_request, activate, unit):
    activate(draft_request)
    violation = ViolationFactory(units=[unit])
    monitoring.check_violation(violation.pk)
    assert monitoring.check_violation(violation.pk) == []
    assert Trigger.objects.count() == 1 and Intervention.objects.count() == 1


def test_trigger_a_ignores_requests_that_are_not_active(draft_request, unit):
    violation = ViolationFactory(units=[unit])
    assert monitoring.check_violation(violation.pk) == []


def test_trigger_b_overdue_agreed_measure_on_high_risk_opens_intervention(draft_request, activate):
    activate(
        draft_request,
        lambda a: add_risk(
            a, 5, 4, residual=(2, 2), measures=[("screening", MeasureStatus.AGREED)]
        ),
    )
    draft_request.decisions.get().assessment.risks.get().measures.update(due_date=day(10))
    assert monitoring.check_measures(day(10)) == []
    [trigger] = monitoring.check_measures(day(11))
    assert trigger.kind == TriggerKind.MEASURE_OVERDUE and trigger.intervention
    assert monitoring.check_measures(day(12)) == []


def test_trigger_b_sweep_skips_measures_that_already_fired(
    draft_request, activate, django_assert_num_queries
):
    activate(
        draft_request, lambda a: add_risk(a, 2, 3, measures=[("screening", MeasureStatus.AGREED)])
    )
    draft_request.decisions.get().assessment.risks.get().measures.update(due_date=day(10))
    [trigger] = monitoring.check_measures(day(11))
    with django_assert_num_queries(1):
        assert monitoring.check_measures(day(12)) == []


def test_trigger_b_on_a_lower_risk_reviews_without_intervention(draft_request, activate):
    activate(
        draft_request, lambda a: add_risk(a, 2, 3, measures=[("screening", MeasureStatus.AGREED)])
    )
    draft_request.decisions.get().assessment.risks.get().measures.update(due_date=day(10))
    [trigger] = monitoring.check_measures(day(11))
    assert not Intervention.objects.exists()
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.UNDER_REVIEW


def test_trigger_b_ignores_measures_in_place(draft_request, activate):
    activate(
        draft_request,
        lambda a: add_risk(
            a, 5, 4, residual=(2, 2), measures=[("screening", MeasureStatus.IN_PLACE)]
        ),
    )
    draft_request.decisions.get().assessment.risks.get().measures.update(due_date=day(10))
    assert monitoring.check_measures(day(30)) == []


def test_trigger_c_command_change_brings_in_a_person_with_a_grave_violation(
    draft_request, activate, unit
):
    activate(draft_request)
    colonel = PersonFactory()
    ViolationFactory(people=[colonel], date=timezone.localdate() - datetime.timedelta(days=2000))
    assignment = AssignmentFactory(person=colonel, unit=unit, start=timezone.localdate())
    [trigger] = monitoring.check_assignment(assignment.pk)
    assert trigger.kind == TriggerKind.COMMAND_CHANGE and not Intervention.objects.exists()
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.UNDER_REVIEW


def test_trigger_c_ignores_a_commander_with_a_clean_record(draft_request, activate, unit):
    activate(draft_request)
    assignment = AssignmentFactory(unit=unit, start=timezone.localdate())
    assert monitoring.check_assignment(assignment.pk) == []


def test_attribution_saved_runs_the_trigger_after_commit(
    draft_request, activate, unit, django_capture_on_commit_callbacks
):
    from hrddp.celery import app

    activate(draft_request)
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ViolationFactory(units=[unit])
    finally:
        app.conf.task_always_eager = False
    assert Trigger.objects.filter(request=draft_request, kind=TriggerKind.VIOLATION).exists()


def test_suspension_applies_only_to_requests_benefiting_the_units_concerned(
    mission, ssr_advisor, unit, activate, manager
):
    other_unit = UnitFactory()
    concerned = activate(make_request(mission, ssr_advisor, [unit]))
    also_concerned = activate(make_request(mission, ssr_advisor, [unit, other_unit]))
    elsewhere = activate(make_request(mission, ssr_advisor, [other_unit]))
    triggers = monitoring.check_violation(ViolationFactory(units=[unit]).pk)
    assert {t.request_id for t in triggers} == {concerned.pk, also_concerned.pk}
    workflow.apply_intervention(
        triggers[0].intervention.pk, "suspend", manager, reason="No response."
    )
    statuses = dict(SupportRequest.objects.values_list("pk", "status"))
    assert statuses[concerned.pk] == statuses[also_concerned.pk] == RequestStatus.SUSPENDED
    assert statuses[elsewhere.pk] == RequestStatus.ACTIVE


def test_resumption_needs_a_new_assessment_after_suspension_and_a_resumption_letter(
    draft_request, activate, manager, hro, second_manager, ssr_advisor
):
    activate(draft_request)
    workflow.apply(draft_request.pk, "suspend", manager, reason="Pattern of abuses.")
    with pytest.raises(workflow.TransitionBlocked) as error:
        workflow.apply(draft_request.pk, "resume", second_manager, reason="Measures in place.")
    assert {b.rule for b in error.value.blockers} >= {"resumption"}
    new = workflow.new_version(draft_request.pk, hro)
    complete_assessment(new)
    workflow.apply(draft_request.pk, "submit_version", hro)
    with pytest.raises(workflow.TransitionBlocked) as error:
        workflow.apply(draft_request.pk, "resume", second_manager, reason="Measures in place.")
    assert [b.message for b in error.value.blockers if b.rule == "resumption"] == [
        "No resumption letter to the authorities has been recorded since the suspension."
    ]
    Communication.objects.create(
        request=draft_request,
        kind=CommunicationKind.RESUMPTION,
        date=timezone.localdate(),
        counterpart="Chief of Staff",
        summary="Support resumes.",
        recorded_by=ssr_advisor,
    )
    workflow.apply(draft_request.pk, "resume", second_manager, reason="Measures in place.")
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.ACTIVE
    assert draft_request.decisions.first().assessment_id == new.pk


def test_approval_lapses_by_itself_after_valid_until(draft_request, activate):
    activate(draft_request)
    assert reminders.lapse_expired(day(365)) == []
    [transition] = reminders.lapse_expired(day(366))
    assert transition.actor is None and transition.to_status == RequestStatus.LAPSED


def test_no_delivery_against_a_lapsed_request_until_a_new_assessment_and_decision(
    draft_request, activate, hro, second_manager, ssr_advisor
):
    from django.core.exceptions import ValidationError

    from hrddp.support.services import record_delivery

    activate(draft_request)
    reminders.lapse_expired(day(366))
    draft_request.refresh_from_db()
    with pytest.raises(ValidationError):
        record_delivery(draft_request, ssr_advisor, date=timezone.localdate(), description="Fuel")
    workflow.apply(draft_request.pk, "reassess", hro)
    complete_assessment(workflow.current_assessment(draft_request))
    workflow.apply(draft_request.pk, "submit_for_decision", hro)
    workflow.apply(draft_request.pk, "approve", second_manager, reason="Renewed.")
    # The new decision is notified by a letter of its own (D7).
    Communication.objects.create(
        request=draft_request,
        kind=CommunicationKind.POLICY_NOTIFICATION,
        date=timezone.localdate(),
        counterpart="Chief of Staff",
        summary="Renewed approval and its conditions.",
        recorded_by=ssr_advisor,
    )
    workflow.apply(draft_request.pk, "activate", ssr_advisor)
    draft_request.refresh_from_db()
    record_delivery(draft_request, ssr_advisor, date=timezone.localdate(), description="Fuel")


def test_review_reminders_14_days_before_on_the_due_date_then_weekly(
    draft_request, activate, manager, hro
):
    activate(draft_request)
    due = day(180)
    sent = {}
    for n in range(150, 200):
        for item, user in reminders.send_due_reminders(day(n)):
            sent.setdefault(user.username, []).append((n, item.kind))
    expected = [
        (166, "review_soon"),
        (180, "review_due"),
        (187, "review_overdue"),
        (194, "review_overdue"),
    ]
    assert sent["manager"] == expected and sent["hro"] == expected
    assert draft_request.review_due == due


def test_review_validity_reminder_and_intervention_delays_are_policy_settings(
    draft_request, activate, unit
):
    policy = PolicySettings.get_solo()
    policy.review_period_days, policy.validity_days, policy.review_reminder_days = 90, 200, 5
    policy.intercession_due_days, policy.response_due_days = 3, 10
    policy.save()
    activate(draft_request)
    assert (draft_request.review_due, draft_request.valid_until) == (day(90), day(200))
    assert reminders.send_due_reminders(day(84)) == []
    assert {item.kind for item, user in reminders.send_due_reminders(day(85))} == {"review_soon"}
    with time_machine.travel(START + datetime.timedelta(days=2), tick=False):
        [trigger] = monitoring.check_violation(ViolationFactory(units=[unit]).pk)
    intervention = trigger.intervention
    assert (intervention.intercession_due, intervention.response_due) == (day(5), day(12))


def test_sweep_run_twice_sends_each_due_reminder_once(draft_request, activate):
    """Acceptance scenario 6."""
    activate(draft_request)
    first = reminders.send_due_reminders(day(170))
    assert len(first) == 2
    assert reminders.send_due_reminders(day(170)) == []
    assert ReminderClaim.objects.count() == 2 and Notification.objects.count() == 2


def test_sweep_after_downtime_sends_one_reminder_per_due_item(draft_request, activate):
    activate(draft_request)
    caught_up = reminders.send_due_reminders(day(200))  # the sweep was down since before day 166
    assert [
        (item.kind, item.due_key) for item, user in caught_up if user.username == "manager"
    ] == [("review_overdue", day(194))]


def test_overdue_intervention_reminds_each_manager_once_a_day(
    draft_request, activate, unit, manager, second_manager, hro
):
    """Acceptance scenario 5: 31 days later, with no resolution, each manager of the entity
    receives exactly one reminder that day, and one the next day."""
    activate(draft_request)
    with time_machine.travel(START, tick=False):
        monitoring.check_violation(ViolationFactory(units=[unit], date=day(-3)).pk)
    for n in (29, 30):
        assert [
            i for i, u in reminders.send_due_reminders(day(n)) if i.kind == "intervention_overdue"
        ] == []
    for n in (31, 32):
        for _ in range(2):  # each day's sweep runs twice
            reminders.send_due_reminders(day(n))
    claims = ReminderClaim.objects.filter(kind="intervention_overdue")
    assert sorted(claims.values_list("user__username", "due_key")) == [
        ("manager", day(31)),
        ("manager", day(32)),
        ("manager2", day(31)),
        ("manager2", day(32)),
    ]
    assert not claims.filter(user=hro).exists()


def test_decided_intervention_stops_the_daily_reminders(draft_request, activate, unit, manager):
    activate(draft_request)
    with time_machine.travel(START, tick=False):
        [trigger] = monitoring.check_violation(ViolationFactory(units=[unit], date=day(-3)).pk)

    def overdue_reminders():
        due = reminders.send_due_reminders(day(40), dry_run=True)
        return [(i.object_id, u.username) for i, u in due if i.kind == "intervention_overdue"]

    # Open and past its response date, it reminds the manager...
    assert overdue_reminders() == [(trigger.intervention.pk, "manager")]
    workflow.apply_intervention(
        trigger.intervention.pk, "continue", manager, reason="Measures agreed."
    )
    assert Intervention.objects.get().status == InterventionStatus.CONTINUED
    # ...decided, it does not.
    assert overdue_reminders() == []


def test_send_due_reminders_command_dry_run_changes_nothing(draft_request, activate, capsys):
    activate(draft_request)
    call_command("send_due_reminders", "--dry-run", "--today", str(day(170)))
    assert "Would send 2 reminders" in capsys.readouterr().out
    assert not ReminderClaim.objects.exists()
    call_command("send_due_reminders", "--today", str(day(170)))
    assert ReminderClaim.objects.count() == 2


@pytest.mark.parametrize("count", [2, 8])
def test_the_sweep_finds_due_reminders_in_a_constant_number_of_queries(
    mission, ssr_advisor, activate, count, django_assert_max_num_queries
):
    """Reviews and overdue interventions for many requests: no query per request."""
    units = [UnitFactory() for _ in range(count)]
    for unit in units:
        activate(make_request(mission, ssr_advisor, [unit]))
        with time_machine.travel(START, tick=False):
            monitoring.check_violation(ViolationFactory(units=[unit], date=day(-3)).pk)
    with django_assert_max_num_queries(6):
        due = list(reminders.due_reminders(day(200)))
    assert sorted({item.kind for item in due}) == ["intervention_overdue", "review_overdue"]
    assert len(due) == 2 * count
    assert all(item.users for item in due)
