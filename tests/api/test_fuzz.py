"""Property-based test (issue 5): schemathesis turns the OpenAPI schema into hypothesis strategies
of requests, valid and invalid, and each write endpoint gets them as an HRO, an SSR advisor and
a manager, on real records; no answer may be a server error.

(schemathesis's own pytest plugin does not run under pytest 9, so its strategies are driven by
hypothesis directly, one test per write operation.)"""

import functools
import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from assessments import workflow
from assessments.models import MeasureStatus
from assessments.monitoring import check_violation
from hrddp.api.services import issue_api_token
from hrddp.community.models import Perception
from hrddp.documents.services import add_attachment
from hrddp.notifications.models import Notification
from hrddp.registry import merging
from hrddp.screening.models import Candidate
from hrddp.transfer.models import ImportJob
from tests.factories import (
    AssignmentFactory,
    ParticipantFactory,
    PersonFactory,
    SourceFactory,
    ViolationFactory,
    active_request,
    add_risk,
    make_request,
)

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
# API_FUZZ_EXAMPLES=200 for a deeper run by hand; the suite keeps it short.
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "20"))
SSR_RESOURCES = ("support-requests", "communications", "participants")


@functools.cache
def openapi():
    """The schema the API serves at /api/schema/, generated without a request (no database)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


WRITE_OPERATIONS = [
    (path, method.upper())
    for path, item in openapi()["paths"].items()
    for method in item
    if method in WRITE_METHODS
]


@pytest.fixture
def wsgi_app():
    """The real WSGI application on the test's transaction: as Django's test client does,
    requests leave the connection open when they end."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(mission, ssr_advisor, hro, manager, unit):
    """Real records for the path parameters, and the callers' tokens."""
    active = active_request(mission, ssr_advisor, hro, manager, units=[unit])
    person = PersonFactory()
    violation = ViolationFactory(units=[unit], people=[person], date=timezone.localdate())
    source = SourceFactory(violation=violation)
    check_violation(violation.pk)  # opens an intervention on the active request
    draft = make_request(mission, ssr_advisor, [unit])
    assessed = make_request(mission, ssr_advisor, [unit])
    workflow.apply(assessed.pk, "submit", ssr_advisor)
    workflow.apply(assessed.pk, "start_assessment", hro)
    assessment = workflow.current_assessment(assessed)
    risk = add_risk(assessment, 3, 4, measures=[("screening", MeasureStatus.PROPOSED)])
    ids = {
        "institutions": unit.institution_id,
        "units": unit.pk,
        "people": person.pk,
        "command-assignments": AssignmentFactory(person=person, unit=unit).pk,
        "violations": violation.pk,
        "support-requests": draft.pk,
        "assessments": assessment.pk,
        "interventions": active.interventions.get().pk,
        "communications": active.communications.first().pk,
        # Attached files (issue 17) are uploaded under each kind of record, a decision's too.
        "decisions": active.decisions.get().pk,
        "imports": ImportJob.objects.create(
            kind="units", file_name="units.csv", content=b"external_ref,name\n", created_by=hro
        ).pk,
        "notifications": Notification.objects.create(user=hro, subject="Review due").pk,
        # A participant of the draft, its list open to its SSR advisors (issue 15).
        "participants": ParticipantFactory(request=draft).pk,
        "sources": source.pk,
        "person-merges": merging.merge(PersonFactory(), PersonFactory(), hro, "Same.").pk,
        "perceptions": Perception.objects.create(
            date=timezone.localdate(),
            area="Kanda",
            method="survey",
            population_group="market traders",
            unit=unit,
            institution=unit.institution,
            trust_in_force=2,
            trust_in_mission=3,
        ).pk,
    }
    # A file to remove (issue 17): the fuzzer's bodies must never make the removal fail badly.
    ids["attachments"] = add_attachment(
        violation,
        SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n"),
        title="Report",
        user=hro,
    ).pk
    # Screening (issue 15, part "screen"): a participant of the request under assessment.
    participant = ParticipantFactory(request=assessed, name="Jean-Baptiste Mbuyi")
    ids["participants"] = participant.pk
    ids["candidates"] = Candidate.objects.create(
        participant=participant, person=person, score=0.9
    ).pk
    tokens = [issue_api_token(user, two_factor=True)[1] for user in (hro, ssr_advisor, manager)]
    return {"ids": ids, "risk_pk": risk.pk, "tokens": tokens}


@functools.cache
def loaded_schema():
    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.mark.parametrize(("path", "method"), WRITE_OPERATIONS)
def test_write_endpoint_never_answers_a_server_error(path, method, world, wsgi_app):
    operation = loaded_schema()[path][method]
    resource = path.split("/")[3]
    path_parameters = {}
    if "{id}" in path:
        path_parameters["id"] = world["ids"][resource]
    if "{risk_pk}" in path:
        path_parameters["risk_pk"] = world["risk_pk"]
    cases = st.one_of(
        *(
            operation.as_strategy(mode, path_parameters=path_parameters)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        )
    )

    # SSR advisors write requests and letters; elsewhere their calls stop at the role check.
    callers = world["tokens"] if resource in SSR_RESOURCES else world["tokens"][::2]

    @given(case=cases)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def send(case):
        for token in callers:
            response = case.call(headers={"Authorization": f"Token {token}"})
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} {case.body!r} -> "
                f"{response.status_code} {response.text[:3000]}"
            )

    send()
