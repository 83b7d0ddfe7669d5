"""The participants API (issue 15): the same services, access and errors as the pages. Whoever
sees the request reads its list (404 otherwise); its SSR advisors add, change and remove
participants (403 for the others) until the request goes for decision (409 naming the rule);
a list is imported through /api/v1/imports/ with kind=participants and the request's id."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hrddp.screening.models import Candidate, Outcome, Participant
from hrddp.transfer.models import ImportJob, ImportStatus
from tests.factories import ParticipantFactory, PersonFactory
from tests.transfer.test_participant_import import csv_bytes, trainees

pytestmark = pytest.mark.django_db


def list_url(support_request):
    return f"/api/v1/support-requests/{support_request.pk}/participants/"


def detail_url(participant):
    return f"/api/v1/participants/{participant.pk}/"


def test_ssr_advisor_adds_a_participant(api_for, ssr_advisor, draft_request, unit):
    response = api_for(ssr_advisor).post(
        list_url(draft_request),
        {
            "name": "Jean-Baptiste Mbuyi",
            "rank": "Captain",
            "service_number": "FARDC-1",
            "birth_date": "1985-03-01",
            "unit": unit.pk,
            "role": "trainee",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Jean-Baptiste Mbuyi" and body["unit"] == unit.pk
    assert body["request"] == draft_request.pk and body["outcome"] == ""
    participant = Participant.objects.get()
    assert participant.created_by == ssr_advisor


def test_bad_input_is_a_400_on_the_field(api_for, ssr_advisor, draft_request):
    api = api_for(ssr_advisor)
    for body, field in (
        ({"name": ""}, "name"),
        ({"name": "Two\nlines"}, "name"),
        ({"name": "Amani", "birth_date": "1850-01-01"}, "birth_date"),
        ({"name": "Amani", "unit": 999999}, "unit"),
        ({"name": "Amani", "role": "general"}, "role"),
    ):
        response = api.post(list_url(draft_request), body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), response.json()
    assert not Participant.objects.exists()


def test_the_list_is_paginated_and_filtered(api_for, manager, draft_request):
    ParticipantFactory.create_batch(30, request=draft_request)
    ParticipantFactory(request=draft_request, name="Amani Bahati", outcome=Outcome.EXCLUDED)
    api = api_for(manager)
    body = api.get(list_url(draft_request)).json()
    assert body["count"] == 31 and len(body["results"]) == 25
    body = api.get(list_url(draft_request), {"outcome": "excluded"}).json()
    assert [row["name"] for row in body["results"]] == ["Amani Bahati"]
    body = api.get(list_url(draft_request), {"name": "bahati"}).json()
    assert body["count"] == 1


def test_the_list_runs_the_same_queries_for_any_size(
    api_for, hro, draft_request, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_for(hro)
    ParticipantFactory.create_batch(2, request=draft_request)
    with CaptureQueriesContext(connection) as small:
        api.get(list_url(draft_request))
    ParticipantFactory.create_batch(40, request=draft_request)
    with django_assert_max_num_queries(len(small)):
        api.get(list_url(draft_request))


def test_patch_of_a_matched_field_clears_the_screening(api_for, ssr_advisor, draft_request):
    participant = ParticipantFactory(request=draft_request, outcome=Outcome.CLEARED)
    Candidate.objects.create(participant=participant, person=PersonFactory(), score=0.9)
    response = api_for(ssr_advisor).patch(
        detail_url(participant), {"name": "N'Goy Kasongo"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == ""
    participant.refresh_from_db()
    assert participant.name == "N'Goy Kasongo" and not participant.candidates.exists()


def test_patch_of_the_rank_keeps_the_screening(api_for, ssr_advisor, draft_request):
    participant = ParticipantFactory(request=draft_request, outcome=Outcome.CLEARED)
    response = api_for(ssr_advisor).patch(detail_url(participant), {"rank": "Major"}, format="json")
    assert response.status_code == 200
    assert response.json()["outcome"] == Outcome.CLEARED


def test_delete(api_for, ssr_advisor, draft_request):
    participant = ParticipantFactory(request=draft_request)
    assert api_for(ssr_advisor).delete(detail_url(participant)).status_code == 204
    assert not Participant.objects.exists()


def test_put_is_not_offered(api_for, ssr_advisor, draft_request):
    participant = ParticipantFactory(request=draft_request)
    response = api_for(ssr_advisor).put(detail_url(participant), {"name": "X"}, format="json")
    assert response.status_code == 405


def test_the_permission_ladder(api_for, personas, draft_request):
    participant = ParticipantFactory(request=draft_request, name="Amani Bahati")
    expected = {
        # persona: (read list, read one, add, change, remove)
        "anonymous": (401, 401, 401, 401, 401),
        "no_role": (403, 403, 403, 403, 403),
        "outsider": (404, 404, 404, 404, 404),
        "hro": (200, 200, 403, 403, 403),
        "manager": (200, 200, 403, 403, 403),
        "auditor": (200, 200, 403, 403, 403),
    }
    for persona, codes in expected.items():
        api = api_for(personas[persona])
        got = (
            api.get(list_url(draft_request)).status_code,
            api.get(detail_url(participant)).status_code,
            api.post(list_url(draft_request), {"name": "X"}, format="json").status_code,
            api.patch(detail_url(participant), {"name": "X"}, format="json").status_code,
            api.delete(detail_url(participant)).status_code,
        )
        assert got == codes, persona
    participant.refresh_from_db()
    assert participant.name == "Amani Bahati"
    assert Participant.objects.count() == 1


def test_no_change_once_the_request_went_for_decision(
    api_for, ssr_advisor, draft_request, to_decision
):
    participant = ParticipantFactory(request=draft_request, name="Amani Bahati")
    to_decision(draft_request)
    api = api_for(ssr_advisor)
    for response in (
        api.post(list_url(draft_request), {"name": "Late Comer"}, format="json"),
        api.patch(detail_url(participant), {"name": "Other"}, format="json"),
        api.delete(detail_url(participant)),
    ):
        assert response.status_code == 409
        body = response.json()
        assert body["rule"] == "participants_editable"
        assert "Awaiting decision" in body["detail"]
    assert list(Participant.objects.values_list("name", flat=True)) == ["Amani Bahati"]


def upload(api, support_request, content, **extra):
    data = {"kind": "participants", "file": SimpleUploadedFile("trainees.csv", content)}
    if support_request is not None:
        data["request"] = support_request.pk
    return api.post("/api/v1/imports/", {**data, **extra}, format="multipart")


def test_ssr_advisor_imports_a_list_through_the_import_api(
    api_for, ssr_advisor, draft_request, unit
):
    type(unit).objects.filter(pk=unit.pk).update(external_ref="U-3")  # the file names it so
    api = api_for(ssr_advisor)
    response = upload(api, draft_request, csv_bytes(*trainees(300)))
    assert response.status_code == 201, response.json()
    job = response.json()
    assert job["status"] == ImportStatus.CHECKED and job["counts"]["new"] == 300
    assert job["request"] == draft_request.pk
    assert not Participant.objects.exists()
    confirmed = api.post(f"/api/v1/imports/{job['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == ImportStatus.DONE
    assert Participant.objects.filter(request=draft_request).count() == 300
    listed = api.get("/api/v1/imports/").json()
    assert [row["id"] for row in listed["results"]] == [job["id"]]


def test_import_errors_by_row_and_column(api_for, ssr_advisor, draft_request):
    response = upload(
        api_for(ssr_advisor),
        draft_request,
        csv_bytes(["Amani", "", "", "1985-13-01", "", "", ""]),
    )
    job = response.json()
    assert job["status"] == ImportStatus.INVALID
    [row] = job["rows"]["results"]
    assert row["line"] == 2 and row["errors"][0]["column"] == "date_of_birth"


def test_import_needs_the_request_and_the_right_to_edit_it(
    api_for, ssr_advisor, hro, outsider, draft_request, to_decision
):
    content = csv_bytes(*trainees(1))
    response = upload(api_for(ssr_advisor), None, content)
    assert response.status_code == 400 and "request" in response.json()
    assert upload(api_for(outsider), draft_request, content).status_code == 404
    assert upload(api_for(hro), draft_request, content).status_code == 403
    # A registry kind stays for importers: an SSR advisor may not upload units.
    units = {"kind": "units", "file": SimpleUploadedFile("u.csv", b"external_ref,name\n")}
    assert api_for(ssr_advisor).post("/api/v1/imports/", units).status_code == 403
    to_decision(draft_request)
    refused = upload(api_for(ssr_advisor), draft_request, content)
    assert refused.status_code == 409 and refused.json()["rule"] == "participants_editable"
    assert not ImportJob.objects.exists()
