"""Saving assessment content (assessments/services.py): all or nothing, never over another save."""

import pytest
from django.core.exceptions import ValidationError

from assessments import services, workflow
from assessments.models import (
    Assessment,
    Measure,
    MeasureStatus,
    MeasureType,
    ResponsibleParty,
    Risk,
)
from tests.factories import add_risk, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(mission, ssr_advisor, hro, unit):
    request = make_request(
        mission, ssr_advisor, [unit], support_types=("logistics", "hr_ihl_training")
    )
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    return workflow.current_assessment(request)


def revision_of(assessment):
    return Assessment.objects.values_list("revision", flat=True).get(pk=assessment.pk)


RISK = {
    "description": "Fuel diverted to operations",
    "factor": "F4",
    "likelihood": 3,
    "severity": 4,
}


def measure(code="screening", **fields):
    return {
        "measure_type": MeasureType.objects.get(code=code),
        "responsible": ResponsibleParty.RECIPIENT_AUTHORITY,
        "status": MeasureStatus.PROPOSED,
        **fields,
    }


def test_saving_factors_answers_and_recommendation_bumps_the_revision(assessment):
    services.save_main(
        assessment.pk,
        0,
        fields={"recommendation": "support", "rationale": "Weighed."},
        factors={"F1": {"rating": "high", "narrative": "Two verified cases.", "evidence": ""}},
        scope_answers={"S3": {"rating": "medium", "answer": "No protection for reporters yet."}},
    )
    assessment.refresh_from_db()
    assert (assessment.recommendation, assessment.rationale, assessment.revision) == (
        "support",
        "Weighed.",
        1,
    )
    assert assessment.factors.get(code="F1").narrative == "Two verified cases."
    assert assessment.scope_answers.get(code="S3").answer == "No protection for reporters yet."


def test_a_stale_revision_raises_a_conflict_and_saves_nothing(assessment):
    services.save_main(assessment.pk, 0, fields={"rationale": "First."}, factors={})
    with pytest.raises(services.ConflictError) as conflict:
        services.save_main(
            assessment.pk,
            0,
            fields={"rationale": "Second."},
            factors={"F2": {"narrative": "Lost?"}},
        )
    assert conflict.value.current.revision == 1
    assessment.refresh_from_db()
    assert assessment.rationale == "First." and assessment.revision == 1
    assert assessment.factors.get(code="F2").narrative == ""


def test_every_risk_and_measure_change_bumps_the_revision(assessment):
    risk = services.save_risk(assessment.pk, 0, RISK, [measure()])
    assert revision_of(assessment) == 1 and risk.measures.count() == 1
    existing = risk.measures.get()
    services.save_risk(
        assessment.pk,
        1,
        {"residual_likelihood": 2, "residual_severity": 2},
        [
            {"id": existing.pk, "delete": True},
            measure("monitor_access", status=MeasureStatus.AGREED),
        ],
        risk_pk=risk.pk,
    )
    risk.refresh_from_db()
    assert (risk.residual_likelihood, risk.residual_severity) == (2, 2)
    assert [m.measure_type.code for m in risk.measures.all()] == ["monitor_access"]
    assert revision_of(assessment) == 2
    services.delete_risk(assessment.pk, 2, risk.pk)
    assert not Risk.objects.filter(pk=risk.pk).exists() and revision_of(assessment) == 3


def test_a_stale_risk_save_changes_nothing(assessment):
    services.save_risk(assessment.pk, 0, RISK)
    with pytest.raises(services.ConflictError):
        services.save_risk(assessment.pk, 0, {**RISK, "description": "Other"}, [measure()])
    assert list(assessment.risks.values_list("description", flat=True)) == [RISK["description"]]
    assert not Measure.objects.exists()


def test_residual_likelihood_without_severity_is_refused(assessment):
    with pytest.raises(ValidationError):
        services.save_risk(assessment.pk, 0, {**RISK, "residual_likelihood": 2})
    assert not assessment.risks.exists() and revision_of(assessment) == 0


def test_likelihood_outside_1_to_5_is_refused_even_without_a_form(assessment):
    with pytest.raises(ValidationError):
        services.save_risk(assessment.pk, 0, {**RISK, "likelihood": 6})
    assert not assessment.risks.exists()


def test_a_measure_of_another_risk_cannot_be_touched(assessment):
    mine = services.save_risk(assessment.pk, 0, RISK)
    other = add_risk(assessment, 2, 2, measures=[("screening", MeasureStatus.PROPOSED)])
    # Refused on the field, as an unknown id: the API answers 400 with it.
    with pytest.raises(ValidationError) as refused:
        services.save_risk(
            assessment.pk, 1, {}, [{"id": other.measures.get().pk, "delete": True}], risk_pk=mine.pk
        )
    assert "measures" in refused.value.message_dict
    assert other.measures.exists()


def test_a_submitted_or_frozen_assessment_cannot_be_edited(assessment, manager, hro):
    from tests.factories import complete_assessment

    complete_assessment(assessment)
    workflow.apply(assessment.request_id, "submit_for_decision", hro)
    with pytest.raises(services.EditRefused, match="submitted for decision"):
        services.save_main(assessment.pk, 0, fields={"rationale": "Late."}, factors={})
    workflow.apply(assessment.request_id, "approve", manager, reason="Low risk.")
    with pytest.raises(services.EditRefused, match="frozen"):
        services.save_risk(assessment.pk, 0, RISK)
    assessment.refresh_from_db()
    assert assessment.rationale == "Weighed."
