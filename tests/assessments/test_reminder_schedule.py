"""The sweep's reminders and the monitoring triggers at their edges (domain.md 5), written from
the rules: "14 days before and on the due date, then weekly while overdue"; "once the response
due date has passed without resolution, the managers are reminded every day until they decide";
the three triggers and which of them open an intervention."""

import datetime

import pytest
import time_machine
from django.utils import translation

from assessments import monitoring, reminders, workflow
from assessments.models import (
    Intervention,
    InterventionStatus,
    Measure,
    MeasureStatus,
    ReminderClaim,
    TriggerKind,
)
from hrddp.accounts.models import Membership, Role
from hrddp.notifications.models import Notification
from hrddp.notifications.services import render
from hrddp.registry.models import VerificationStatus
from hrddp.support.models import RequestStatus
from tests.assessments.conftest import START, day
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    ViolationFactory,
    add_risk,
    category,
    complete_assessment,
    make_request,
)

pytestmark = pytest.mark.django_db


def reminded(n, kind=None):
    """{username: [kind, ...]} of the reminders the sweep sends on ``day(n)``."""
    sent = {}
    for item, user in reminders.send_due_reminders(day(n)):
        if kind is None or item.kind == kind:
            sent.setdefault(user.username, []).append(item.kind)
    return sent


# --- Periodic review: due 180 days after the decision ----------------------------------------


def test_review_reminders_on_each_day_around_the_due_date(draft_request, activate):
    activate(draft_request)
    assert draft_request.review_due == day(180)
    schedule = {n: reminded(n).get("manager", []) for n in range(150, 202)}
    assert {n: kinds for n, kinds in schedule.items() if kinds} == {
        166: ["review_soon"],  # 14 days before
        180: ["review_due"],  # on the due date
        187: ["review_overdue"],  # then weekly while overdue
        194: ["review_overdue"],
        201: ["review_overdue"],
    }


def test_review_reminder_keys_name_the_due_date_and_each_overdue_week(draft_request, activate):
    activate(draft_request)
    keys = [
        (item.kind, item.due_key)
        for n in (166, 180, 187, 194)
        for item, _u in reminders.send_due_reminders(day(n))
        if _u.username == "manager"
    ]
    assert keys == [
        ("review_soon", day(180)),
        ("review_due", day(180)),
        ("review_overdue", day(187)),
        ("review_overdue", day(194)),
    ]


def test_a_review_reminder_says_when_it_is_due_and_until_when_the_approval_is_valid(
    draft_request, activate
):
    activate(draft_request)
    [soon, *_] = [item for item, _user in reminders.send_due_reminders(day(166))]
    assert soon.object_id == draft_request.pk and soon.path.endswith(f"/{draft_request.pk}/")
    assert soon.subject[1] == {"title": draft_request.title, "due": day(180)}
    assert soon.body[1] == {"due": day(180), "valid": day(365)}


def test_review_reminders_go_to_the_assessing_hro_and_the_entitys_active_managers(
    mission, agency, draft_request, activate, hro, manager, ssr_advisor
):
    other_hro = UserFactory(username="hro2", roles=[(mission, Role.HRO)])
    retired = UserFactory(username="retired", roles=[(mission, Role.MANAGER)], is_active=False)
    elsewhere = UserFactory(username="elsewhere", roles=[(agency, Role.MANAGER)])
    activate(draft_request)
    assert set(reminded(166)) == {hro.username, manager.username}
    assert not {
        other_hro.username,
        retired.username,
        elsewhere.username,
        ssr_advisor.username,
    } & set(reminded(180))


def test_an_inactive_hro_is_not_reminded(draft_request, activate, hro, manager):
    activate(draft_request)
    hro.is_active = False
    hro.save()
    assert set(reminded(166)) == {manager.username}


def test_only_approved_support_under_monitoring_is_reminded_of_its_review(
    draft_request, activate, manager
):
    activate(draft_request)
    workflow.apply(draft_request.pk, "suspend", manager, reason="Abuses.")
    assert reminded(180) == {}


# --- Overdue interventions: every day once the response due date has passed ----------------


@pytest.fixture
def intervention(draft_request, activate, unit):
    """Opened at START (day 0): response due on day 30."""
    activate(draft_request)
    with time_machine.travel(START, tick=False):
        [trigger] = monitoring.check_violation(ViolationFactory(units=[unit], date=day(-3)).pk)
    assert trigger.intervention.response_due == day(30)
    return trigger.intervention


def test_an_unresolved_intervention_reminds_every_day_after_its_response_due_date(
    intervention, second_manager
):
    assert reminded(30, "intervention_overdue") == {}  # due today: not yet passed
    for n in (31, 32, 33):
        assert reminded(n, "intervention_overdue") == {
            "manager": ["intervention_overdue"],
            "manager2": ["intervention_overdue"],
        }


def test_an_escalated_intervention_still_reminds(intervention, hro):
    workflow.apply_intervention(intervention.pk, "escalate", hro, reason="No answer.")
    assert reminded(31, "intervention_overdue") == {"manager": ["intervention_overdue"]}


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("resolve", InterventionStatus.RESOLVED),
        ("continue", InterventionStatus.CONTINUED),
        ("suspend", InterventionStatus.SUSPENDED),
    ],
)
def test_a_decided_intervention_reminds_no_more(intervention, manager, action, status):
    # Undecided, it reminds the manager on day 31...
    assert reminded(31, "intervention_overdue") == {"manager": ["intervention_overdue"]}
    workflow.apply_intervention(intervention.pk, action, manager, reason="Decided.")
    assert Intervention.objects.get().status == status
    # ...decided, on no later day.
    for n in (32, 33, 40):
        assert reminded(n, "intervention_overdue") == {}


def test_an_overdue_intervention_reminder_names_the_unit_and_the_response_due_date(
    intervention, unit
):
    [item] = [
        item
        for item, _user in reminders.send_due_reminders(day(31))
        if item.kind == "intervention_overdue"
    ]
    assert item.object_id == intervention.pk and item.due_key == day(31)
    assert item.subject[1] == {"unit": unit.name}
    assert item.body[1] == {"due": day(30)}
    assert item.path.endswith(f"/{intervention.pk}/")


def test_dry_run_lists_what_would_be_sent_and_sends_nothing(intervention):
    would = reminders.send_due_reminders(day(31), dry_run=True)
    assert {(item.kind, user.username) for item, user in would} == {
        ("intervention_overdue", "manager")
    }
    assert reminders.send_due_reminders(day(31), dry_run=True) == would
    sent = reminders.send_due_reminders(day(31))
    assert [(i.kind, u.username) for i, u in sent] == [(i.kind, u.username) for i, u in would]
    assert reminders.send_due_reminders(day(31), dry_run=True) == []


# --- Lapse: "an approval not renewed by its valid-until date lapses" -------------------------


def test_an_approval_lapses_the_day_after_its_valid_until_date(draft_request, activate):
    activate(draft_request)
    assert draft_request.valid_until == day(365)
    assert reminders.lapse_expired(day(365)) == []
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.ACTIVE
    [transition] = reminders.lapse_expired(day(366))
    assert transition.reason_text["params"]["date"] == {"date": str(day(365))}
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.LAPSED


def test_the_sweep_lapses_and_reminds_from_the_database(draft_request, activate):
    activate(draft_request)
    dry = reminders.sweep(day(166), dry_run=True)
    assert dry["lapsed"] == [] and len(dry["reminders"]) == 2
    done = reminders.sweep(day(366))
    assert len(done["lapsed"]) == 1
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.LAPSED


# --- Trigger (a): "a countable grave violation newly attributed (or newly verified) against a
#     unit in the record of a unit receiving active support" --------------------------------


@pytest.mark.parametrize(
    ("code", "status", "fires"),
    [
        ("torture", VerificationStatus.VERIFIED, True),
        ("torture", VerificationStatus.CREDIBLE, True),
        ("torture", VerificationStatus.ALLEGED, False),
        ("torture", VerificationStatus.DISCOUNTED, False),
        ("looting", VerificationStatus.VERIFIED, False),
    ],
)
def test_trigger_a_needs_a_countable_grave_violation(
    draft_request, activate, unit, code, status, fires
):
    activate(draft_request)
    violation = ViolationFactory(units=[unit], category=category(code), verification_status=status)
    fired = monitoring.check_violation(violation.pk)
    assert bool(fired) is fires
    draft_request.refresh_from_db()
    assert (draft_request.status == RequestStatus.UNDER_REVIEW) is fires
    assert Intervention.objects.exists() is fires


def test_trigger_a_reaches_the_record_by_each_route(mission, ssr_advisor, activate, unit):
    """A subunit's violation, and one of the unit's current commander, reach its record; a
    violation of the parent unit (context, not the record) does not."""
    parent = UnitFactory(name="Brigade")
    unit.parent = parent
    unit.save()
    request = activate(make_request(mission, ssr_advisor, [unit]))
    assert monitoring.check_violation(ViolationFactory(units=[parent]).pk) == []
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=unit, start=day(-100))
    [trigger] = monitoring.check_violation(ViolationFactory(people=[colonel]).pk)
    assert (trigger.request, trigger.unit, trigger.kind) == (request, unit, TriggerKind.VIOLATION)


def test_trigger_a_names_the_recipient_unit_whose_record_holds_the_violation(
    mission, ssr_advisor, activate
):
    first, second = UnitFactory(name="First"), UnitFactory(name="Second")
    request = activate(make_request(mission, ssr_advisor, [first, second]))
    [trigger] = monitoring.check_violation(ViolationFactory(units=[second]).pk)
    assert trigger.request == request and trigger.unit == second
    assert trigger.intervention.unit == second


def test_trigger_a_reaches_support_under_review_too(draft_request, activate, unit):
    activate(draft_request)
    monitoring.check_violation(ViolationFactory(units=[unit]).pk)
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.UNDER_REVIEW
    [second] = monitoring.check_violation(ViolationFactory(units=[unit]).pk)
    assert second.intervention and Intervention.objects.count() == 2


def test_trigger_a_ignores_a_deleted_violation(draft_request, activate):
    activate(draft_request)
    assert monitoring.check_violation(0) == []


# --- Trigger (b): "an agreed measure past its due date and not in place"; an intervention when
#     the measure is linked to a high risk ------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "fires"),
    [
        (MeasureStatus.AGREED, True),
        (MeasureStatus.PROPOSED, False),
        (MeasureStatus.IN_PLACE, False),
        (MeasureStatus.NOT_IMPLEMENTED, False),
    ],
)
def test_trigger_b_only_an_agreed_measure_past_its_due_date(draft_request, activate, status, fires):
    activate(draft_request, lambda a: add_risk(a, 1, 1, measures=[("screening", status)]))
    draft_request.decisions.get().assessment.risks.get().measures.update(due_date=day(10))
    assert monitoring.check_measures(day(10)) == []  # due today: not past
    assert bool(monitoring.check_measures(day(11))) is fires


@pytest.mark.parametrize(
    ("likelihood", "severity", "intervenes"),
    [(3, 5, True), (5, 5, True), (3, 4, False), (1, 1, False)],  # 15 high | 12 medium
)
def test_trigger_b_opens_an_intervention_on_a_high_risk_only(
    draft_request, activate, likelihood, severity, intervenes
):
    activate(
        draft_request,
        lambda a: add_risk(
            a,
            likelihood,
            severity,
            residual=(1, 1),
            measures=[("screening", MeasureStatus.AGREED)],
        ),
    )
    draft_request.decisions.get().assessment.risks.get().measures.update(due_date=day(10))
    [trigger] = monitoring.check_measures(day(11))
    assert trigger.kind == TriggerKind.MEASURE_OVERDUE
    assert Intervention.objects.filter(trigger=trigger).exists() is intervenes
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.UNDER_REVIEW


def test_trigger_b_ignores_support_no_longer_monitored(draft_request, activate, manager):
    activate(
        draft_request, lambda a: add_risk(a, 1, 1, measures=[("screening", MeasureStatus.AGREED)])
    )
    draft_request.decisions.get().assessment.risks.get().measures.update(due_date=day(10))
    workflow.apply(draft_request.pk, "suspend", manager, reason="Abuses.")
    assert monitoring.check_measures(day(11)) == []


# --- Trigger (c): "a command change bringing in a person with a countable grave violation" --


@pytest.mark.parametrize(
    ("status", "code", "fires"),
    [
        (VerificationStatus.VERIFIED, "torture", True),
        (VerificationStatus.CREDIBLE, "unlawful_killing", True),
        (VerificationStatus.ALLEGED, "torture", False),
        (VerificationStatus.VERIFIED, "looting", False),
    ],
)
def test_trigger_c_needs_a_countable_grave_violation_of_the_new_commander(
    draft_request, activate, unit, status, code, fires
):
    activate(draft_request)
    colonel = PersonFactory()
    ViolationFactory(
        people=[colonel], date=day(-2000), verification_status=status, category=category(code)
    )
    assignment = AssignmentFactory(person=colonel, unit=unit, start=day(0))
    with time_machine.travel(START, tick=False):
        fired = monitoring.check_assignment(assignment.pk)
    assert bool(fired) is fires
    assert not Intervention.objects.exists()
    if fires:
        [trigger] = fired
        assert (trigger.kind, trigger.assignment, trigger.unit) == (
            TriggerKind.COMMAND_CHANGE,
            assignment,
            unit,
        )


def test_trigger_c_ignores_a_command_that_has_ended_and_other_units(draft_request, activate, unit):
    activate(draft_request)
    colonel = PersonFactory()
    ViolationFactory(people=[colonel], date=day(-2000))
    with time_machine.travel(START, tick=False):
        ended = AssignmentFactory(person=colonel, unit=unit, start=day(-50), end=day(-1))
        assert monitoring.check_assignment(ended.pk) == []
        elsewhere = AssignmentFactory(person=colonel, unit=UnitFactory(), start=day(0))
        assert monitoring.check_assignment(elsewhere.pk) == []
        assert monitoring.check_assignment(0) == []
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.ACTIVE


# --- What a reminder or a trigger says, in the reader's language ------------------------------


def rendered(message, language):
    with translation.override(language):
        return render(message)


def test_each_reminder_says_what_is_due_in_the_readers_language(draft_request, activate, unit):
    activate(draft_request)
    with time_machine.travel(START, tick=False):
        monitoring.check_violation(ViolationFactory(units=[unit], date=day(-3)).pk)
    items = {
        item.kind: item
        for n in (166, 180, 187)
        for item, _user in reminders.send_due_reminders(day(n))
    }
    assert set(items) == {"review_soon", "review_due", "review_overdue", "intervention_overdue"}
    for kind, item in items.items():
        for message in (item.subject, item.body):
            english, french = rendered(message, "en"), rendered(message, "fr")
            assert english and french != english, kind
    assert draft_request.title in rendered(items["review_overdue"].subject, "en")
    assert unit.name in rendered(items["intervention_overdue"].subject, "en")


def test_a_trigger_tells_the_entitys_hros_and_managers_in_their_language(
    draft_request, activate, unit, hro, manager
):
    manager.language = "fr"
    manager.save()
    activate(draft_request)
    before = set(Notification.objects.values_list("pk", flat=True))
    monitoring.check_violation(ViolationFactory(units=[unit]).pk)
    new = Notification.objects.exclude(pk__in=before)
    english, french = new.get(user=hro), new.get(user=manager)
    assert draft_request.title in english.subject and unit.name in english.body
    assert english.subject.startswith(f"Trigger on “{draft_request.title}”")
    assert str(TriggerKind.VIOLATION.label) in english.subject
    assert "The request is under review." in english.body
    assert "An intervention is open: intercession due" in english.body
    # Each sentence in the reader's language.
    assert french.subject != english.subject
    assert "under review" not in french.body and "intervention is open" not in french.body
    # The request goes under review, the trigger named as the reason.
    review = draft_request.transitions.order_by("pk").last()
    assert (review.to_status, review.reason_display) == (
        RequestStatus.UNDER_REVIEW,
        str(TriggerKind.VIOLATION.label),
    )
    assert "intervention" in english.body.lower() and french.body != english.body
    assert english.url == french.url == f"/requests/{draft_request.pk}/"


def test_the_sweep_works_on_the_day_it_is_given(draft_request, activate):
    """Reminders, lapses and overdue measures as of the sweep's day, not the clock's."""
    activate(
        draft_request, lambda a: add_risk(a, 1, 1, measures=[("screening", MeasureStatus.AGREED)])
    )
    draft_request.decisions.get().assessment.risks.get().measures.update(due_date=day(170))
    dry = reminders.sweep(day(166), dry_run=True)
    assert dry == {"checks": [], "lapsed": [], "triggers": [], "reminders": dry["reminders"]}
    assert {(item.kind, user.username) for item, user in dry["reminders"]} == {
        ("review_soon", "manager"),
        ("review_soon", "hro"),
    }
    done = reminders.sweep(day(166))
    assert set(done) == {"checks", "lapsed", "triggers", "reminders"}
    assert {item.kind for item, _user in done["reminders"]} == {"review_soon"}
    assert done["lapsed"] == done["triggers"] == []
    assert len(reminders.sweep(day(171))["triggers"]) == 1  # the measure, due on day 170
    assert len(reminders.sweep(day(366))["lapsed"]) == 1


def test_only_monitored_support_lapses(draft_request, activate, manager):
    activate(draft_request)
    workflow.apply(draft_request.pk, "suspend", manager, reason="Abuses.")
    assert reminders.lapse_expired(day(400)) == []
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.SUSPENDED


def test_a_lapse_says_why(draft_request, activate):
    activate(draft_request)
    [transition] = reminders.lapse_expired(day(366))
    # Written by the product: a code and its parameters, read in the reader's language and date
    # format; the field for a person's words stays empty.
    assert transition.reason == ""
    assert transition.reason_text == {
        "msgid": "Not renewed by its valid-until date, %(date)s.",
        "params": {"date": {"date": str(day(365))}},
    }
    with translation.override("en"):
        assert transition.reason_display == "Not renewed by its valid-until date, 1 Mar 2027."


def test_a_reminder_notifies_with_a_link_to_what_is_due(draft_request, activate, manager):
    activate(draft_request)
    reminders.send_due_reminders(day(166))
    notice = Notification.objects.filter(user=manager).latest("pk")
    assert notice.url == f"/requests/{draft_request.pk}/"


def test_a_drafting_hro_who_also_manages_is_reminded_once(mission, draft_request, activate, hro):
    Membership.objects.create(user=hro, entity=mission, role=Role.MANAGER)
    activate(draft_request)
    would = reminders.send_due_reminders(day(166), dry_run=True)
    assert sorted(user.username for _item, user in would) == ["hro", "manager"]


def test_dry_run_leaves_out_exactly_what_was_already_sent(
    mission, ssr_advisor, draft_request, activate, manager, hro
):
    activate(draft_request)
    other = activate(make_request(mission, ssr_advisor, [UnitFactory()]))
    # Sent already: the manager's "due soon" reminder for the first request only.
    ReminderClaim.objects.create(
        kind="review_soon", object_id=draft_request.pk, user=manager, due_key=day(180)
    )
    would = {
        (item.kind, item.object_id, user.username, item.due_key)
        for item, user in reminders.send_due_reminders(day(166), dry_run=True)
    }
    assert would == {
        ("review_soon", draft_request.pk, "hro", day(180)),
        ("review_soon", other.pk, "manager", day(180)),
        ("review_soon", other.pk, "hro", day(180)),
    }
    # Another kind, another week: not the same reminder.
    ReminderClaim.objects.create(
        kind="review_overdue", object_id=draft_request.pk, user=manager, due_key=day(187)
    )
    on_180 = reminders.send_due_reminders(day(180), dry_run=True)
    assert ("review_due", "manager") in {
        (i.kind, u.username) for i, u in on_180 if i.object_id == draft_request.pk
    }
    on_194 = reminders.send_due_reminders(day(194), dry_run=True)
    assert (day(194), "manager") in {
        (i.due_key, u.username) for i, u in on_194 if i.object_id == draft_request.pk
    }


def test_trigger_b_reads_the_measures_of_the_latest_decision_only(
    draft_request, activate, hro, second_manager
):
    """After a renewal, an overdue measure of the superseded version triggers nothing."""
    activate(
        draft_request, lambda a: add_risk(a, 1, 1, measures=[("screening", MeasureStatus.AGREED)])
    )
    old = draft_request.decisions.get().assessment
    old.risks.get().measures.update(due_date=day(10))
    new = workflow.new_version(draft_request.pk, hro)
    complete_assessment(new)
    Measure.objects.filter(risk__assessment=new).update(status=MeasureStatus.IN_PLACE)
    workflow.apply(draft_request.pk, "submit_version", hro)
    workflow.apply(draft_request.pk, "renew", second_manager, reason="Renewed.")
    assert draft_request.decisions.latest("decided_at").assessment == new
    assert list(monitoring.overdue_measures(day(11))) == []
    assert monitoring.check_measures(day(11)) == []


def test_after_a_renewal_the_review_reminders_go_to_the_hro_of_the_renewed_version(
    mission, draft_request, activate, hro, manager, second_manager
):
    activate(draft_request)
    other_hro = UserFactory(username="hro2", roles=[(mission, Role.HRO)])
    new = workflow.new_version(draft_request.pk, other_hro)
    complete_assessment(new)
    workflow.apply(draft_request.pk, "submit_version", other_hro)
    workflow.apply(draft_request.pk, "renew", second_manager, reason="Renewed.")
    draft_request.refresh_from_db()
    soon = draft_request.review_due - datetime.timedelta(days=14)
    reminded_users = {user.username for _item, user in reminders.send_due_reminders(soon)}
    assert reminded_users == {"hro2", manager.username, second_manager.username}
