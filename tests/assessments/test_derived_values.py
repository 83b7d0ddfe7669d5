"""Each derived value of the assessment has one definition (issue 14), and these tests hold it to
domain.md: a risk's score and level (4.4), and when an intervention is overdue (5)."""

import datetime

import pytest

from assessments.models import Level, Risk, level_for_score, risk_score
from assessments.risk import risk_profile
from tests.factories import add_risk, make_request


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

TODAY = datetime.date(2026, 6, 10)
