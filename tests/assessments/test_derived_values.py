"""Each derived value of the assessment has one definition (issue 14), and these tests hold it to
domain.md: a risk's score and level (4.4), and when an intervention is overdue (5)."""

import datetime

import pytest
import time_machine

from assessments import dashboard, monitoring, reminders
from assessments.models import (
    Intervention,
    InterventionStatus,
    Level,
    Risk,
    level_for_score,
    risk_score,
)
from assessments.risk import risk_profile
from hrddp.insights import queries as insights
from tests.assessments.conftest import START, day
from tests.factories import ViolationFactory, add_risk, make_request


@pytest.fixture
def assessment(mission, ssr_advisor, hro, unit):
    from assessments import workflow

    request = make_request(mission, ssr_advisor, [unit])
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    return workflow.current_assessment(request)


# Risk score and level (domain.md 4.4)


def test_risk_score_is_likelihood_times_severity(assessment):
    risk = add_risk(assessment, 3, 4)
    assert risk.score == 12
    assert risk.level == Level.MEDIUM


def test_risk_score_is_none_until_both_are_rated():
    assert Risk(likelihood=3).score is None
    assert risk_score(None, 4) is None


@pytest.mark.parametrize(
    ("score", "level"),
    [(1, "low"), (6, "low"), (7, "medium"), (14, "medium"), (15, "high"), (25, "high")],
)
def test_risk_level_low_1_to_6_medium_7_to_14_high_15_to_25(score, level):
    assert level_for_score(score) == level


def test_residual_score_is_the_rerating_after_mitigation(assessment):
    risk = add_risk(assessment, 5, 5, residual=(2, 3))
    assert (risk.score, risk.residual_score, risk.score_after_mitigation) == (25, 6, 6)
    assert (risk.level, risk.residual_level) == (Level.HIGH, Level.LOW)


def test_risk_not_rerated_counts_its_own_score_after_mitigation(assessment):
    risk = add_risk(assessment, 4, 4)
    assert risk.residual_score is None and risk.residual_level is None
    assert risk.score_after_mitigation == 16
    assert risk_profile(assessment).residual == Level.HIGH


def test_rated_after_mitigation_in_sql_agrees_with_the_model(assessment):
    add_risk(assessment, 4, 4)
    add_risk(assessment, 5, 5, residual=(2, 3))
    for risk in Risk.objects.filter(assessment=assessment).rated_after_mitigation():
        assert risk.rated_likelihood * risk.rated_severity == risk.score_after_mitigation


# Overdue intervention (domain.md 5)


@pytest.fixture
def intervention(draft_request, activate, unit):
    """An open intervention on the 3rd Battalion, opened at START by a violation against it."""
    activate(draft_request)
    violation = ViolationFactory(units=[unit], location="Kibati", date=day(-3))
    with time_machine.travel(START, tick=False):
        [trigger] = monitoring.check_violation(violation.pk)
    return trigger.intervention


def overdue_everywhere(intervention, today):
    """Whether each reader of the rule counts ``intervention`` overdue on ``today``."""
    entities = [intervention.request.entity_id]
    intervention.refresh_from_db()
    return {
        "queryset": Intervention.objects.overdue(today).contains(intervention),
        "model": intervention.is_overdue(today),
        "auditor dashboard": dashboard.for_auditor(entities, today)["intervention_counts"][
            "overdue"
        ]
        == 1,
        "insights": insights.interventions(entities, today).overdue == 1,
        "daily reminder": any(
            due.object_id == intervention.pk for due in reminders.overdue_interventions(today)
        ),
    }


@pytest.mark.parametrize(
    ("days_past_response_due", "status", "overdue"),
    [
        pytest.param(0, InterventionStatus.OPEN, False, id="response-due-today"),
        pytest.param(1, InterventionStatus.OPEN, True, id="response-due-yesterday"),
        pytest.param(1, InterventionStatus.ESCALATED, True, id="escalated"),
        pytest.param(1, InterventionStatus.RESOLVED, False, id="resolved"),
        pytest.param(1, InterventionStatus.SUSPENDED, False, id="suspended"),
    ],
)
def test_intervention_overdue_once_the_response_due_date_has_passed_without_resolution(
    intervention, days_past_response_due, status, overdue
):
    today = intervention.response_due + datetime.timedelta(days=days_past_response_due)
    # Test data: the state as the workflow would have left it.
    Intervention.objects.filter(pk=intervention.pk).update(status=status)
    assert overdue_everywhere(intervention, today) == dict.fromkeys(
        ["queryset", "model", "auditor dashboard", "insights", "daily reminder"], overdue
    )
