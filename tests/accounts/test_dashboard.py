"""The start page is a dashboard (domain.md 2, 5): what waits for the user in each role they hold,
bounded lists, and a constant number of queries whatever the amount of data."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import monitoring, workflow
from assessments.models import Measure, MeasureStatus
from hrddp.accounts.models import Role
from hrddp.notifications.models import Notification
from hrddp.registry.models import VerificationStatus, Violation, ViolationCategory
from hrddp.registry.queries import TRIAGE_COUNT_CAP
from hrddp.support.models import Communication, CommunicationKind
from tests.factories import (
    UnitFactory,
    UserFactory,
    ViolationFactory,
    add_risk,
    complete_assessment,
    make_request,
)

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
OVERDUE_BADGE = '<span class="badge text-bg-danger">Overdue</span>'


def at(days):
    return time_machine.travel(START + datetime.timedelta(days=days), tick=False)


@pytest.fixture
def unit(db):
    return UnitFactory(name="3rd Battalion")


@pytest.fixture
def walk(ssr_advisor, hro, manager):
    """``walk(request, to)``: take a draft request through the workflow, at START, to ``to``:
    submitted, awaiting_decision, approved, active or suspended."""

    def go(request, to, prepare=None):
        with time_machine.travel(START, tick=False):
            workflow.apply(request.pk, "submit", ssr_advisor)
            if to == "submitted":
                return request
            workflow.apply(request.pk, "start_assessment", hro)
            assessment = complete_assessment(workflow.current_assessment(request))
            if prepare:
                prepare(assessment)
            workflow.apply(request.pk, "submit_for_decision", hro)
            if to == "awaiting_decision":
                return request
            workflow.apply(request.pk, "approve", manager, reason="Low risk.")
            if to == "approved":
                return request
            letter(request, CommunicationKind.POLICY_NOTIFICATION, ssr_advisor)
            workflow.apply(request.pk, "activate", ssr_advisor)
            if to == "suspended":
                workflow.apply(request.pk, "suspend", manager, reason="Abuses.")
        return request

    return go


def letter(request, kind, user):
    return Communication.objects.create(
        request=request,
        kind=kind,
        date=timezone.localdate(),  # not in the future (D7)
        counterpart="Chief of Staff",
        summary="Letter.",
        recorded_by=user,
    )


def home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def section(page, role_heading):
    start = page.index(role_heading)
    end = page.find("</section>", start)
    return page[start:end]


def intervention_url(intervention):
    return reverse("assessments:intervention_detail", args=[intervention.pk])


@pytest.fixture
def overdue_intervention(mission, ssr_advisor, unit, walk):
    """An intervention opened at START, left unresolved: overdue from day 31."""
    walk(make_request(mission, ssr_advisor, [unit], title="Fuel"), "active")
    with time_machine.travel(START, tick=False):
        [trigger] = monitoring.check_violation(ViolationFactory(units=[unit]).pk)
    return trigger.intervention


def test_manager_sees_an_overdue_intervention_with_the_overdue_badge(
    client_for, manager, overdue_intervention
):
    client = client_for(manager)
    with at(29):
        assert intervention_url(overdue_intervention) not in home(client)
    with at(31):
        mine = section(home(client), "As manager")
    assert intervention_url(overdue_intervention) in mine and OVERDUE_BADGE in mine


def test_manager_sees_an_escalated_intervention_before_it_is_overdue(
    client_for, hro, manager, overdue_intervention
):
    workflow.apply_intervention(overdue_intervention.pk, "escalate", hro, reason="No answer.")
    with at(5):
        mine = section(home(client_for(manager)), "As manager")
    assert intervention_url(overdue_intervention) in mine and OVERDUE_BADGE not in mine


def test_ssr_advisor_is_not_shown_interventions(client_for, ssr_advisor, overdue_intervention):
    with at(31):
        page = home(client_for(ssr_advisor))
    assert intervention_url(overdue_intervention) not in page and "As manager" not in page


def test_another_entitys_manager_sees_nothing_of_ours(client_for, agency, overdue_intervention):
    agency_manager = UserFactory(roles=[(agency, Role.MANAGER)])
    with at(31):
        page = home(client_for(agency_manager))
    assert intervention_url(overdue_intervention) not in page and "Fuel" not in page


def test_manager_sees_requests_awaiting_decision_and_reviews_due(
    client_for, manager, mission, ssr_advisor, unit, walk
):
    waiting = walk(make_request(mission, ssr_advisor, [unit], title="Radios"), "awaiting_decision")
    active = walk(make_request(mission, ssr_advisor, [unit], title="Rations"), "active")
    client = client_for(manager)
    with at(1):
        mine = section(home(client), "As manager")
    assert reverse("support:detail", args=[waiting.pk]) in mine
    assert reverse("support:detail", args=[active.pk]) not in mine
    with at(180 - 14):  # the review reminder window opens
        assert reverse("support:detail", args=[active.pk]) in section(home(client), "As manager")
    with at(181):
        mine = section(home(client), "As manager")
    assert reverse("support:detail", args=[active.pk]) in mine and OVERDUE_BADGE in mine


def test_suspended_request_is_listed_until_its_suspension_letter_is_recorded(
    client_for, manager, mission, ssr_advisor, unit, walk
):
    suspended = walk(make_request(mission, ssr_advisor, [unit], title="Fuel"), "suspended")
    client = client_for(manager)
    url = reverse("support:detail", args=[suspended.pk])
    assert url in section(home(client), "suspension letter")
    letter(suspended, CommunicationKind.SUSPENSION, manager)
    assert url not in section(home(client), "suspension letter")


def test_hro_sees_requests_to_assess_measures_past_due_and_intercessions_due(
    client_for, hro, mission, ssr_advisor, unit, walk, overdue_intervention
):
    submitted = walk(make_request(mission, ssr_advisor, [unit], title="Radios"), "submitted")
    measured = walk(
        make_request(mission, ssr_advisor, [UnitFactory()], title="Boots"),
        "active",
        lambda a: add_risk(a, 2, 2, measures=[("screening", MeasureStatus.AGREED)]),
    )
    measured.decisions.get().assessment.risks.get().measures.update(
        due_date=(START + datetime.timedelta(days=10)).date()
    )
    ViolationFactory(verification_status=VerificationStatus.ALLEGED)
    client = client_for(hro)
    with at(9):
        mine = section(home(client), "As human rights officer")
    assert reverse("support:detail", args=[submitted.pk]) in mine
    assert intervention_url(overdue_intervention) in mine and "Letter overdue" in mine
    assert "Boots" not in mine and "1 alleged violation" in mine
    with at(11):
        mine = section(home(client), "As human rights officer")
    assert "Boots" in mine and "Past due" in mine
    Communication.objects.create(
        request=overdue_intervention.request,
        intervention=overdue_intervention,
        kind=CommunicationKind.INTERCESSION,
        date=START.date(),
        counterpart="Minister",
        summary="Letter.",
        recorded_by=hro,
    )
    with at(11):
        assert intervention_url(overdue_intervention) not in home(client)


def test_ssr_advisor_sees_own_drafts_and_approvals_waiting_for_the_policy_letter(
    client_for, ssr_advisor, mission, unit, walk
):
    draft = make_request(mission, ssr_advisor, [unit], title="Boots")
    someone_elses = make_request(mission, UserFactory(roles=[(mission, Role.REQUESTER)]), [unit])
    approved = walk(make_request(mission, ssr_advisor, [unit], title="Radios"), "approved")
    client = client_for(ssr_advisor)
    mine = section(home(client), "As SSR advisor")
    assert reverse("support:detail", args=[draft.pk]) in mine
    assert reverse("support:detail", args=[someone_elses.pk]) not in mine
    assert (
        reverse("support:detail", args=[approved.pk]) in mine
        and "D7: policy letter missing" in mine
    )
    letter(approved, CommunicationKind.POLICY_NOTIFICATION, ssr_advisor)
    assert "Letter recorded: activate" in section(home(client), "As SSR advisor")


def test_auditor_sees_counts(client_for, auditor, mission, ssr_advisor, unit, walk):
    make_request(mission, ssr_advisor, [unit])
    walk(make_request(mission, ssr_advisor, [unit]), "submitted")
    walk(make_request(mission, ssr_advisor, [unit]), "submitted")
    mine = section(home(client_for(auditor)), "As auditor")
    submitted = f'href="{reverse("support:list")}?status=submitted">Submitted</a>'
    assert f'{submitted}</th><td class="text-end">2<' in mine
    assert "As manager" not in home(client_for(auditor))


def test_lists_show_the_first_ten_and_link_to_the_full_list(
    client_for, hro, mission, ssr_advisor, unit, walk
):
    for n in range(12):
        walk(make_request(mission, ssr_advisor, [unit], title=f"Request {n}"), "submitted")
    mine = section(home(client_for(hro)), "As human rights officer")
    assert "12 submitted requests to take into assessment" in mine
    assert "The first 10 are shown." in mine
    assert mine.count("/requests/") - mine.count("/requests/?") == 10
    assert f"{reverse('support:list')}?status=submitted" in mine


@pytest.mark.parametrize(
    "alleged, text",
    [
        (3, "Triage queue: 3 alleged violations"),
        (TRIAGE_COUNT_CAP, f"Triage queue: {TRIAGE_COUNT_CAP} alleged violations"),
        (TRIAGE_COUNT_CAP + 1, f"Triage queue: more than {TRIAGE_COUNT_CAP:,} alleged violations"),
    ],
)
def test_hro_sees_the_length_of_the_triage_queue_counted_up_to_a_cap(
    client_for, hro, alleged, text
):
    ViolationFactory(verification_status=VerificationStatus.CREDIBLE)
    Violation.objects.bulk_create(
        Violation(
            date=datetime.date(2025, 1, 1),
            location="Kanda",
            narrative="Reported.",
            category=ViolationCategory.objects.get(code="torture"),
            verification_status=VerificationStatus.ALLEGED,
        )
        for _ in range(alleged)
    )

    with CaptureQueriesContext(connection) as queries:
        page = home(client_for(hro))

    assert page.count(text) == 2  # in the HRO's section and in the links
    # However long the queue, each count reads at most one row past the cap: the queue's, and
    # (issue 16) the grave cases waiting, in the navigation badge, once per page.
    counts = [q["sql"] for q in queries if "registry_violation" in q["sql"]]
    assert len(counts) == 2
    assert all(f"LIMIT {TRIAGE_COUNT_CAP + 1}" in count for count in counts)


def test_the_nav_shows_the_unread_notification_count(client_for, manager):
    Notification.objects.create(user=manager, subject="One")
    Notification.objects.create(user=manager, subject="Two")
    Notification.objects.create(user=UserFactory(), subject="Not mine")
    assert "Notifications (2)" in home(client_for(manager))


@pytest.mark.parametrize("rows", [6, 72])
def test_the_dashboard_runs_a_constant_number_of_queries(
    client_for, mission, ssr_advisor, unit, walk, rows, django_assert_max_num_queries
):
    """One user in every role, with ``rows`` requests spread over every list of the page: one in
    each with 6, more than the page shows in each with 72."""
    everyone = UserFactory(
        roles=[(mission, role) for role in (Role.MANAGER, Role.HRO, Role.REQUESTER, Role.AUDITOR)]
    )
    states = ["draft", "submitted", "awaiting_decision", "approved", "active", "suspended"]

    def measured(assessment):
        add_risk(assessment, 5, 4, residual=(2, 2), measures=[("screening", MeasureStatus.AGREED)])

    for n in range(rows):
        state = states[n % len(states)]
        request = make_request(mission, everyone if state == "draft" else ssr_advisor, [unit])
        if state != "draft":
            walk(request, state, measured if state == "active" else None)
    Measure.objects.filter(status=MeasureStatus.AGREED).update(
        due_date=(START + datetime.timedelta(days=10)).date()
    )
    with time_machine.travel(START, tick=False):
        monitoring.check_violation(ViolationFactory(units=[unit]).pk)
    client = client_for(everyone)
    with at(170), django_assert_max_num_queries(22):
        page = home(client)
    assert OVERDUE_BADGE in page and "Past due" in page
    assert page.count("The first 10 are shown.") == (0 if rows < 10 else 10)


def test_trust_7_a_suspension_letter_from_before_the_suspension_leaves_it_unannounced(
    client_for, manager, mission, ssr_advisor, unit, walk
):
    """Only a letter sent after the suspension announces it (domain.md 4.5, 5)."""
    suspended = walk(make_request(mission, ssr_advisor, [unit], title="Fuel"), "suspended")
    suspended.refresh_from_db()
    early = letter(suspended, CommunicationKind.SUSPENSION, manager)
    Communication.objects.filter(pk=early.pk).update(
        recorded_at=suspended.suspended_at - datetime.timedelta(days=1)
    )
    url = reverse("support:detail", args=[suspended.pk])
    assert url in section(home(client_for(manager)), "suspension letter")


def test_trust_7_a_policy_letter_recorded_before_the_decision_leaves_d7_missing(
    client_for, ssr_advisor, mission, unit, walk
):
    """The SSR advisor's start page counts letters as D7 does: sent after the decision."""
    approved = walk(make_request(mission, ssr_advisor, [unit], title="Radios"), "approved")
    approved.refresh_from_db()
    early = letter(approved, CommunicationKind.POLICY_NOTIFICATION, ssr_advisor)
    Communication.objects.filter(pk=early.pk).update(
        recorded_at=approved.decided_at - datetime.timedelta(days=1)
    )
    assert "D7: policy letter missing" in section(home(client_for(ssr_advisor)), "As SSR advisor")
