import pytest

from assessments import workflow
from hrddp.accounts.models import Role
from tests.factories import UnitFactory, UserFactory, complete_assessment, make_request


@pytest.fixture
def second_manager(mission):
    return UserFactory(username="manager2", roles=[(mission, Role.MANAGER)])


@pytest.fixture
def unit(db):
    return UnitFactory(name="3rd Battalion")


@pytest.fixture
def draft_request(mission, ssr_advisor, unit):
    return make_request(mission, ssr_advisor, [unit])


@pytest.fixture
def to_decision(ssr_advisor, hro):
    """Walk a draft request to awaiting_decision; ``prepare(assessment)`` runs before submitting."""

    def walk(request, prepare=None, scope=True):
        workflow.apply(request.pk, "submit", ssr_advisor)
        workflow.apply(request.pk, "start_assessment", hro)
        assessment = workflow.current_assessment(request)
        complete_assessment(assessment, scope=scope)
        if prepare:
            prepare(assessment)
        workflow.apply(request.pk, "submit_for_decision", hro)
        request.refresh_from_db()
        assessment.refresh_from_db()
        return assessment

    return walk
