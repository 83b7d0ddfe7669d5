"""Statuses with colours that mean something (issue 16): one tone per status, from the spec's
reading of each state, and the status's words always written (colour-blind readers)."""

import pytest
from django.apps import apps
from django.template import Context, Template
from django.utils import translation

from assessments.models import (
    Assessment,
    AssessmentStatus,
    Decision,
    DecisionKind,
    Intervention,
    InterventionStatus,
    Measure,
    MeasureStatus,
)
from hrddp.display import Tone, family_of
from hrddp.registry.choices import VerificationStatus
from hrddp.registry.models import Violation
from hrddp.screening.models import Candidate, Outcome, Participant
from hrddp.support.models import RequestStatus, SupportRequest
from hrddp.transfer.models import ExportJob, ExportStatus, ImportJob, ImportStatus


def badge(obj, field="status", empty=""):
    template = Template("{% status_badge obj field empty=empty %}")
    return template.render(Context({"obj": obj, "field": field, "empty": empty}))


@pytest.mark.parametrize(
    "status, tone",
    [
        (RequestStatus.DRAFT, Tone.SECONDARY),
        (RequestStatus.SUBMITTED, Tone.INFO),
        (RequestStatus.RETURNED, Tone.WARNING),
        (RequestStatus.UNDER_ASSESSMENT, Tone.INFO),
        (RequestStatus.AWAITING_DECISION, Tone.WARNING),
        (RequestStatus.APPROVED, Tone.SUCCESS),
        (RequestStatus.APPROVED_WITH_CONDITIONS, Tone.SUCCESS),
        (RequestStatus.REJECTED, Tone.DANGER),
        (RequestStatus.ACTIVE, Tone.SUCCESS),
        (RequestStatus.UNDER_REVIEW, Tone.WARNING),
        (RequestStatus.SUSPENDED, Tone.DANGER),
        (RequestStatus.WITHDRAWN, Tone.SECONDARY),
        (RequestStatus.LAPSED, Tone.DANGER),
        (RequestStatus.CLOSED, Tone.SECONDARY),
    ],
)
def test_request_status_tone_says_where_the_request_stands(status, tone):
    assert status.tone == tone
    html = badge(SupportRequest(status=status))
    assert f"text-bg-{tone}" in html
    assert str(status.label) in html


def test_suspended_is_danger_approved_and_active_success_awaiting_decision_warning():
    assert RequestStatus.SUSPENDED.tone == Tone.DANGER
    assert RequestStatus.APPROVED.tone == RequestStatus.ACTIVE.tone == Tone.SUCCESS
    assert RequestStatus.AWAITING_DECISION.tone == Tone.WARNING


def test_assessment_status_tones():
    assert AssessmentStatus.DRAFT.tone == Tone.INFO
    assert AssessmentStatus.SUBMITTED.tone == Tone.WARNING  # waits for the manager
    assert AssessmentStatus.DECIDED.tone == Tone.SECONDARY  # over, frozen
    assert "text-bg-warning" in badge(Assessment(status=AssessmentStatus.SUBMITTED))


def test_decision_tones_approval_success_rejection_danger():
    for kind in (DecisionKind.APPROVE, DecisionKind.APPROVE_WITH_CONDITIONS, DecisionKind.RESUME):
        assert kind.tone == Tone.SUCCESS
    assert DecisionKind.REJECT.tone == Tone.DANGER
    html = badge(Decision(kind=DecisionKind.REJECT), "kind")
    assert "text-bg-danger" in html and "Reject" in html


def test_intervention_tones_suspension_and_escalation_danger_resolution_success():
    assert InterventionStatus.OPEN.tone == Tone.WARNING
    assert InterventionStatus.ESCALATED.tone == Tone.DANGER
    assert InterventionStatus.SUSPENDED.tone == Tone.DANGER
    assert InterventionStatus.RESOLVED.tone == Tone.SUCCESS
    assert InterventionStatus.CONTINUED.tone == Tone.INFO
    assert "Support suspended" in badge(Intervention(status=InterventionStatus.SUSPENDED))


def test_countable_verification_statuses_danger_alleged_warning_discounted_secondary():
    """Credible and verified count against the unit (domain.md 3.1); alleged waits for an HRO;
    discounted is shown greyed."""
    assert VerificationStatus.CREDIBLE.tone == VerificationStatus.VERIFIED.tone == Tone.DANGER
    assert VerificationStatus.ALLEGED.tone == Tone.WARNING
    assert VerificationStatus.DISCOUNTED.tone == Tone.SECONDARY
    html = badge(Violation(verification_status="verified"), "verification_status")
    assert "text-bg-danger" in html and "Verified" in html


def test_screening_outcome_tones_and_unscreened_waits():
    """Excluded participants receive nothing; unscreened ones block approval (D8)."""
    assert Outcome.CLEARED.tone == Tone.SUCCESS
    assert Outcome.EXCLUDED.tone == Tone.DANGER
    assert Outcome.NEEDS_INFORMATION.tone == Tone.WARNING
    html = badge(Participant(outcome=""), "outcome", empty="Not screened yet")
    assert "text-bg-warning" in html and "Not screened yet" in html
    assert badge(Participant(outcome=""), "outcome") == ""


def test_candidate_decision_and_measure_tones():
    assert "text-bg-warning" in badge(Candidate(), "decision")
    assert MeasureStatus.IN_PLACE.tone == Tone.SUCCESS
    assert MeasureStatus.NOT_IMPLEMENTED.tone == MeasureStatus.LAPSED.tone == Tone.DANGER
    assert "In place" in badge(Measure(status=MeasureStatus.IN_PLACE))


def test_import_and_export_job_tones():
    assert ImportStatus.DONE.tone == ExportStatus.DONE.tone == Tone.SUCCESS
    assert ImportStatus.FAILED.tone == ImportStatus.INVALID.tone == Tone.DANGER
    assert ImportStatus.CHECKED.tone == Tone.WARNING  # waits for the confirmation
    assert ExportStatus.FAILED.tone == Tone.DANGER
    assert ExportStatus.EXPIRED.tone == Tone.SECONDARY
    assert "text-bg-danger" in badge(ImportJob(status=ImportStatus.FAILED))
    assert "text-bg-success" in badge(ExportJob(status=ExportStatus.DONE))


def test_badge_writes_the_status_in_the_readers_language():
    with translation.override("fr"):
        html = badge(SupportRequest(status=RequestStatus.SUSPENDED))
        label = str(RequestStatus.SUSPENDED.label)
    assert label in html and "text-bg-danger" in html


STATUS_FIELDS = [
    ("support.SupportRequest", "status", RequestStatus),
    ("assessments.Assessment", "status", AssessmentStatus),
    ("assessments.Decision", "kind", DecisionKind),
    ("assessments.Intervention", "status", InterventionStatus),
    ("assessments.Measure", "status", MeasureStatus),
    ("registry.Violation", "verification_status", VerificationStatus),
    ("screening.Participant", "outcome", Outcome),
    ("transfer.ImportJob", "status", ImportStatus),
    ("transfer.ExportJob", "status", ExportStatus),
]


@pytest.mark.parametrize("model, field, family", STATUS_FIELDS)
def test_every_status_field_finds_its_family_and_every_member_has_a_tone(model, field, family):
    assert family_of(apps.get_model(model)._meta.get_field(field)) is family
    for member in family:
        assert member.tone in Tone
