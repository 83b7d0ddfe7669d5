"""Writes check types with serializers, then the pages' rules (the models' ``clean()``, the apps'
services) through the same services the pages call; bad input is a 400 with field errors, never a
500."""

import datetime

import pytest
from django.utils import timezone

from assessments import workflow
from assessments.models import MeasureStatus
from hrddp.registry.models import Attribution, VerificationChange, Violation
from tests.factories import (
    AssignmentFactory,
    InstitutionFactory,
    PersonFactory,
    UnitFactory,
    ViolationFactory,
    add_risk,
    make_request,
)

pytestmark = pytest.mark.django_db


def violation_body(unit, **extra):
    return {
        "date": "2024-03-01",
        "location": "Kanda",
        "narrative": "What happened.",
        "category": "torture",
        "verification_status": "credible",
        "verification_note": "Two consistent witnesses.",
        "attributions": [{"unit": unit.pk, "responsibility": "command"}],
        "accountability_actions": [{"kind": "investigation_opened", "date": "2024-04-01"}],
        "sources": [{"kind": "victim", "identity": "Name", "description": "A farmer."}],
        **extra,
    }


def test_hro_records_a_violation_with_its_rows_and_the_status_change_is_recorded(
    api_for, hro, unit
):
    response = api_for(hro).post("/api/v1/violations/", violation_body(unit), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    violation = Violation.objects.get(pk=body["id"])
    assert violation.verification_status == "credible" and body["verification_status"] == "credible"
    assert violation.reported_by == hro
    change = VerificationChange.objects.get(violation=violation)
    assert (change.from_status, change.to_status, change.changed_by) == ("alleged", "credible", hro)
    assert body["attributions"][0]["responsibility"] == "command"
    assert body["accountability_actions"][0]["is_remedial"] is True
    assert body["sources"][0]["identity"] == "Name"
    assert body["is_countable_grave"] is True


def test_nested_lists_replace_the_rows_as_the_page_formsets(api_for, hro, unit):
    violation = ViolationFactory(units=[unit])
    kept = violation.attributions.get()
    person = PersonFactory()
    response = api_for(hro).patch(
        f"/api/v1/violations/{violation.pk}/",
        {
            "attributions": [
                {"id": kept.pk, "responsibility": "supporting"},
                {"person": person.pk},
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    rows = {(a.unit_id, a.person_id, a.responsibility) for a in violation.attributions.all()}
    assert rows == {(unit.pk, None, "supporting"), (None, person.pk, "direct")}
    response = api_for(hro).patch(
        f"/api/v1/violations/{violation.pk}/", {"attributions": []}, format="json"
    )
    assert response.status_code == 200
    assert not violation.attributions.exists()


def test_patch_without_the_status_leaves_it_and_records_nothing(api_for, hro, unit):
    violation = ViolationFactory(units=[unit])
    response = api_for(hro).patch(
        f"/api/v1/violations/{violation.pk}/", {"location": "Elsewhere"}, format="json"
    )
    assert response.status_code == 200
    violation.refresh_from_db()
    assert violation.location == "Elsewhere" and violation.verification_status == "verified"
    assert not VerificationChange.objects.exists()
    assert violation.attributions.count() == 1


def test_status_change_by_patch_goes_through_the_service(api_for, hro, unit):
    violation = ViolationFactory(units=[unit])
    response = api_for(hro).patch(
        f"/api/v1/violations/{violation.pk}/",
        {"verification_status": "discounted", "verification_note": "Retracted."},
        format="json",
    )
    assert response.status_code == 200
    change = VerificationChange.objects.get()
    assert (change.from_status, change.to_status, change.note) == (
        "verified",
        "discounted",
        "Retracted.",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()}, "date"),
        ({"date": 20240301}, "date"),
        ({"category": "no-such-category"}, "category"),
        ({"subtype": "no-such-subtype"}, "subtype"),
        ({"verification_status": "certain"}, "verification_status"),
        ({"victims_count": -1}, "victims_count"),
        ({"attributions": [{"id": 999999, "responsibility": "direct"}]}, "attributions"),
        ({"attributions": "everyone"}, "attributions"),
        ({"accountability_actions": [{"kind": "arrested", "date": "2999-01-01"}]}, None),
    ],
)
def test_bad_violation_input_is_a_400_with_the_field(api_for, hro, unit, change, field):
    response = api_for(hro).post(
        "/api/v1/violations/", violation_body(unit, **change), format="json"
    )
    assert response.status_code == 400, response.content
    if field:
        assert field in response.json()
    assert not Violation.objects.exists()


def test_attribution_to_both_a_unit_and_a_person_is_refused(api_for, hro, unit):
    body = violation_body(unit, attributions=[{"unit": unit.pk, "person": PersonFactory().pk}])
    response = api_for(hro).post("/api/v1/violations/", body, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["attributions"][0]
    assert not Attribution.objects.exists()


def test_unit_cannot_be_placed_under_its_own_sub_unit(api_for, hro, unit):
    child = UnitFactory(parent=unit)
    response = api_for(hro).patch(f"/api/v1/units/{unit.pk}/", {"parent": child.pk}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()


def test_unit_dates_and_aliases_as_the_form_checks_them(api_for, hro):
    institution = InstitutionFactory()
    body = {
        "name": "Unit",
        "institution": institution.pk,
        "active_from": "2020-01-01",
        "active_to": "2019-01-01",
    }
    response = api_for(hro).post("/api/v1/units/", body, format="json")
    assert response.status_code == 400
    assert "active_to" in response.json()
    response = api_for(hro).post(
        "/api/v1/units/", {**body, "active_to": None, "aliases": ["one, two"]}, format="json"
    )
    assert response.status_code == 400
    assert "aliases" in response.json()


def test_assignment_cannot_start_in_the_future(api_for, hro, unit):
    body = {
        "person": PersonFactory().pk,
        "unit": unit.pk,
        "role": "commander",
        "start": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
    }
    response = api_for(hro).post("/api/v1/command-assignments/", body, format="json")
    assert response.status_code == 400
    assert "start" in response.json()


def test_duplicate_institution_name_is_a_400(api_for, hro):
    InstitutionFactory(name="Army")
    response = api_for(hro).post(
        "/api/v1/institutions/", {"name": "Army", "kind": "army"}, format="json"
    )
    assert response.status_code == 400 and "name" in response.json()


def test_request_needs_a_support_type_and_a_currency_code(api_for, ssr_advisor, unit):
    body = {
        "entity": "mission",
        "title": "T",
        "support_types": [],
        "recipient_units": [unit.pk],
        "currency": "usd",
    }
    response = api_for(ssr_advisor).post("/api/v1/support-requests/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"support_types"}
    response = api_for(ssr_advisor).post(
        "/api/v1/support-requests/",
        {**body, "support_types": ["logistics"], "currency": "U$D"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"currency"}


def test_request_keeps_domain_codes(api_for, ssr_advisor, unit):
    body = {
        "entity": "mission",
        "title": "Training",
        "support_types": ["operational_training", "hr_ihl_training"],
        "recipient_units": [unit.pk],
        "value": "1000.50",
    }
    response = api_for(ssr_advisor).post("/api/v1/support-requests/", body, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["support_types"] == ["operational_training", "hr_ihl_training"]
    assert body["is_extended_scope"] is True and body["status"] == "draft"
    assert body["currency"] == "USD" and body["urgency"] == "routine"


def test_page_and_page_size(api_for, hro):
    for n in range(30):
        InstitutionFactory(name=f"Institution {n:02d}")
    api = api_for(hro)
    first = api.get("/api/v1/institutions/").json()
    assert first["count"] == 30 and len(first["results"]) == 25
    small = api.get("/api/v1/institutions/?page_size=10&page=3").json()
    assert [i["name"] for i in small["results"]] == [f"Institution {n}" for n in range(20, 30)]
    capped = api.get("/api/v1/institutions/?page_size=100000").json()
    assert len(capped["results"]) == 30
    assert api.get("/api/v1/institutions/?page=99").status_code == 404


def test_filters_are_the_list_pages(api_for, hro, unit):
    ViolationFactory(units=[unit], location="Kanda")
    ViolationFactory(units=[UnitFactory()], location="Bora")
    api = api_for(hro)
    assert api.get(f"/api/v1/violations/?unit={unit.pk}").json()["count"] == 1
    assert api.get("/api/v1/violations/?q=bora").json()["count"] == 1
    assert api.get("/api/v1/violations/?verification_status=alleged").json()["count"] == 0
    assert api.get("/api/v1/violations/?unit=not-a-unit").status_code == 400
    AssignmentFactory(unit=unit, start=datetime.date(2020, 1, 1))
    assert api.get(f"/api/v1/people/?commands={unit.pk}").json()["count"] == 1


# --- assessments --------------------------------------------------------------------------------


@pytest.fixture
def assessment(draft_request, ssr_advisor, hro):
    workflow.apply(draft_request.pk, "submit", ssr_advisor)
    workflow.apply(draft_request.pk, "start_assessment", hro)
    return workflow.current_assessment(draft_request)


def test_hro_edits_factors_and_recommendation_with_the_revision(api_for, hro, assessment):
    url = f"/api/v1/assessments/{assessment.pk}/"
    body = {
        "revision": 0,
        "recommendation": "support_with_conditions",
        "factors": [{"code": "F1", "rating": "medium", "narrative": "One case."}],
    }
    response = api_for(hro).patch(url, body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["revision"] == 1 and data["recommendation"] == "support_with_conditions"
    f1 = next(f for f in data["factors"] if f["code"] == "F1")
    assert f1 == {"code": "F1", "rating": "medium", "narrative": "One case.", "evidence": ""}
    stale = api_for(hro).patch(url, {"revision": 0, "rationale": "Late."}, format="json")
    assert stale.status_code == 409 and stale.json()["revision"] == 1


@pytest.mark.parametrize("persona", ["manager", "ssr_advisor", "auditor"])
def test_only_the_entitys_hros_edit_assessments(api_for, personas, persona, assessment):
    response = api_for(personas[persona]).patch(
        f"/api/v1/assessments/{assessment.pk}/", {"revision": 0}, format="json"
    )
    assert response.status_code == 403


def test_submitted_assessment_is_not_edited(api_for, hro, assessment, draft_request):
    from tests.factories import complete_assessment

    complete_assessment(assessment)
    workflow.apply(draft_request.pk, "submit_for_decision", hro)
    response = api_for(hro).patch(
        f"/api/v1/assessments/{assessment.pk}/", {"revision": 0}, format="json"
    )
    assert response.status_code == 409


def test_only_an_extended_scope_request_answers_s1_to_s5(
    api_for, hro, assessment, mission, ssr_advisor, unit
):
    api = api_for(hro)
    url = f"/api/v1/assessments/{assessment.pk}/"
    answer = {"code": "S1", "rating": "low", "answer": "Vetted."}
    refused = api.patch(url, {"revision": 0, "scope_answers": [answer]}, format="json")
    assert refused.status_code == 400 and "scope_answers" in refused.json()
    assert api.get(url).json()["scope_answers"] == []

    extended = make_request(mission, ssr_advisor, [unit], support_types=("hr_ihl_training",))
    workflow.apply(extended.pk, "submit", ssr_advisor)
    workflow.apply(extended.pk, "start_assessment", hro)
    url = f"/api/v1/assessments/{workflow.current_assessment(extended).pk}/"
    response = api.patch(url, {"revision": 0, "scope_answers": [answer]}, format="json")
    assert response.status_code == 200, response.content
    assert answer in response.json()["scope_answers"]


def test_bad_factor_input_is_a_400(api_for, hro, assessment):
    response = api_for(hro).patch(
        f"/api/v1/assessments/{assessment.pk}/",
        {"revision": 0, "factors": [{"code": "F9", "rating": "extreme"}]},
        format="json",
    )
    assert response.status_code == 400 and "factors" in response.json()


@pytest.mark.parametrize("name", ["factors", "scope_answers"])
def test_factor_or_answer_without_its_code_is_a_400(api_for, hro, assessment, name):
    # Found by the fuzz test: a PATCH makes nested fields optional, and an item without its code
    # was a 500.
    response = api_for(hro).patch(
        f"/api/v1/assessments/{assessment.pk}/",
        {"revision": 0, name: [{"rating": "low"}]},
        format="json",
    )
    assert response.status_code == 400 and name in response.json()


def test_risk_with_measures_added_changed_and_deleted(api_for, hro, assessment):
    api = api_for(hro)
    url = f"/api/v1/assessments/{assessment.pk}/risks/"
    body = {
        "revision": 0,
        "description": "Fuel diverted to operations.",
        "factor": "F4",
        "likelihood": 4,
        "severity": 4,
        "residual_likelihood": 2,
        "residual_severity": 3,
        "measures": [
            {"measure_type": "screening", "responsible": "recipient_authority", "status": "agreed"}
        ],
    }
    created = api.post(url, body, format="json")
    assert created.status_code == 201, created.content
    risk = created.json()
    assert (risk["score"], risk["level"], risk["residual_level"]) == (16, "high", "low")
    assert risk["measures"][0]["is_accountability_safeguard"] is True
    assert risk["assessment_revision"] == 1
    risk_url = f"{url}{risk['id']}/"
    changed = api.patch(risk_url, {"revision": 1, "severity": 1}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["score"] == 4 and len(changed.json()["measures"]) == 1
    bad = api.patch(risk_url, {"revision": 2, "likelihood": 9}, format="json")
    assert bad.status_code == 400 and "likelihood" in bad.json()
    one_sided = api.patch(risk_url, {"revision": 2, "residual_severity": None}, format="json")
    assert one_sided.status_code == 400
    assert api.delete(risk_url).status_code == 400
    assert api.delete(f"{risk_url}?revision=0").status_code == 409
    assert api.delete(f"{risk_url}?revision=2").status_code == 204
    assert not assessment.risks.exists()


def test_measures_list_changes_and_adds_measures(api_for, hro, assessment):
    risk = add_risk(assessment, 3, 3, measures=[("screening", MeasureStatus.PROPOSED)])
    measure = risk.measures.get()
    response = api_for(hro).patch(
        f"/api/v1/assessments/{assessment.pk}/risks/{risk.pk}/",
        {
            "revision": 0,
            "measures": [
                {"id": measure.pk, "status": "in_place"},
                {"measure_type": "monitor_access", "responsible": "un_entity"},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    statuses = sorted(m.status for m in risk.measures.all())
    assert statuses == ["in_place", "proposed"]


@pytest.mark.parametrize(
    "query",
    [
        "units/?q=%00",
        "people/?q=%00",
        "violations/?q=%00",
        "violations/?date_from=yesterday",
        "support-requests/?status=pending",
        "interventions/?overdue=maybe",
        "communications/?request=x",
        "institutions/?page_size=-3",
    ],
)
def test_bad_filters_are_400_or_ignored_never_500(api_for, hro, query):
    response = api_for(hro).get(f"/api/v1/{query}")
    assert response.status_code in (200, 400), response.content


def test_measure_removal_is_explicit_a_measure_left_out_stays(api_for, hro, assessment):
    risk = add_risk(
        assessment,
        3,
        3,
        measures=[("screening", MeasureStatus.PROPOSED), ("monitor_access", MeasureStatus.AGREED)],
    )
    first, second = risk.measures.order_by("pk")
    url = f"/api/v1/assessments/{assessment.pk}/risks/{risk.pk}/"
    api = api_for(hro)
    kept = api.patch(
        url, {"revision": 0, "measures": [{"id": first.pk, "status": "in_place"}]}, format="json"
    )
    assert kept.status_code == 200, kept.content
    assert {m["id"]: m["status"] for m in kept.json()["measures"]} == {
        first.pk: "in_place",
        second.pk: "agreed",
    }
    removed = api.patch(
        url, {"revision": 1, "measures": [{"id": second.pk, "remove": True}]}, format="json"
    )
    assert removed.status_code == 200, removed.content
    assert [m["id"] for m in removed.json()["measures"]] == [first.pk]
    assert list(risk.measures.values_list("pk", flat=True)) == [first.pk]


@pytest.mark.parametrize(
    ("item", "key"),
    [
        ({"remove": True}, "measures"),
        ({"id": 999999, "remove": True}, "measures"),
        ({"responsible": "un_entity"}, "measures"),
        ({"measure_type": "screening"}, "measures"),
    ],
)
def test_measure_removal_is_explicit_a_bad_item_is_a_400_and_removes_nothing(
    api_for, hro, assessment, item, key
):
    risk = add_risk(assessment, 3, 3, measures=[("screening", MeasureStatus.PROPOSED)])
    response = api_for(hro).patch(
        f"/api/v1/assessments/{assessment.pk}/risks/{risk.pk}/",
        {"revision": 0, "measures": [item]},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert key in response.json()
    assert risk.measures.count() == 1
    assessment.refresh_from_db()
    assert assessment.revision == 0


def record_bodies(unit):
    """A body creating a record of each kind that has an external reference."""
    return {
        "institutions": {"name": "Gendarmerie", "kind": "gendarmerie"},
        "units": {"name": "1st Company", "institution": unit.institution_id},
        "people": {"name": "A. Officer"},
        "command-assignments": {
            "person": PersonFactory().pk,
            "unit": unit.pk,
            "role": "commander",
            "start": "2020-01-01",
        },
        "violations": violation_body(unit),
    }


KINDS = ["institutions", "units", "people", "command-assignments", "violations"]


@pytest.mark.parametrize("kind", KINDS)
def test_external_ref_is_set_on_creation_unique_per_kind_and_kept(api_for, hro, unit, kind):
    api = api_for(hro)
    body = record_bodies(unit)[kind]
    created = api.post(f"/api/v1/{kind}/", {**body, "external_ref": "SRC-1"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["external_ref"] == "SRC-1"
    url = f"/api/v1/{kind}/{created.json()['id']}/"
    # Unique per kind: another record of the same kind cannot take it.
    second = record_bodies(unit)[kind]
    if kind in ("institutions",):
        second["name"] = "Police"
    duplicate = api.post(f"/api/v1/{kind}/", {**second, "external_ref": "SRC-1"}, format="json")
    assert duplicate.status_code == 400, duplicate.content
    assert "external_ref" in duplicate.json()
    # Not changeable once set (the pages do not change it either); the same value is no change.
    changed = api.patch(url, {"external_ref": "SRC-2"}, format="json")
    assert changed.status_code == 400 and "external_ref" in changed.json()
    same = api.patch(url, {"external_ref": "SRC-1"}, format="json")
    assert same.status_code == 200, same.content
    assert api.get(url).json()["external_ref"] == "SRC-1"


def test_external_ref_is_unique_per_kind_not_across_kinds(api_for, hro, unit):
    api = api_for(hro)
    bodies = record_bodies(unit)
    for kind in KINDS:
        response = api.post(
            f"/api/v1/{kind}/", {**bodies[kind], "external_ref": "SHARED"}, format="json"
        )
        assert response.status_code == 201, (kind, response.content)
    # Records without a reference are many.
    for name in ("One", "Two"):
        response = api.post("/api/v1/people/", {"name": name, "external_ref": ""}, format="json")
        assert response.status_code == 201, response.content


def test_dates_before_1900_are_refused_as_on_the_pages(api_for, hro, ssr_advisor, unit):
    response = api_for(hro).post(
        "/api/v1/command-assignments/",
        {"person": PersonFactory().pk, "unit": unit.pk, "start": "1850-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "start" in response.json()
    response = api_for(ssr_advisor).post(
        "/api/v1/support-requests/",
        {
            "entity": "mission",
            "title": "T",
            "support_types": ["logistics"],
            "recipient_units": [unit.pk],
            "respond_by": "0202-05-01",
        },
        format="json",
    )
    assert response.status_code == 400 and set(response.json()) == {"respond_by"}


def test_named_individuals_are_people_now_in_command_of_the_recipient_units(
    api_for, ssr_advisor, draft_request, unit
):
    in_command = AssignmentFactory(unit=unit, start=datetime.date(2020, 1, 1)).person
    stranger = PersonFactory()
    url = f"/api/v1/support-requests/{draft_request.pk}/"
    api = api_for(ssr_advisor)
    refused = api.patch(url, {"named_individuals": [stranger.pk]}, format="json")
    assert refused.status_code == 400 and set(refused.json()) == {"named_individuals"}
    named = api.patch(url, {"named_individuals": [in_command.pk]}, format="json")
    assert named.status_code == 200, named.content
    assert named.json()["named_individuals"] == [in_command.pk]


def test_negative_value_is_refused_as_on_the_page(api_for, ssr_advisor, unit):
    response = api_for(ssr_advisor).post(
        "/api/v1/support-requests/",
        {
            "entity": "mission",
            "title": "T",
            "support_types": ["logistics"],
            "recipient_units": [unit.pk],
            "value": "-5",
        },
        format="json",
    )
    assert response.status_code == 400 and set(response.json()) == {"value"}


def test_external_ref_lets_an_import_file_match_a_record_created_through_the_api(api_for, hro):
    from hrddp.registry.models import Unit
    from hrddp.transfer import importing

    api = api_for(hro)
    institution = api.post(
        "/api/v1/institutions/",
        {"name": "National Army", "kind": "army", "external_ref": "INST-1"},
        format="json",
    ).json()
    created = api.post(
        "/api/v1/units/",
        {"name": "1st Brigade", "institution": institution["id"], "external_ref": "U-1"},
        format="json",
    )
    assert created.status_code == 201, created.content
    content = (
        b"external_ref,name,aliases,institution,parent,location\nU-1,1st Brigade,,INST-1,,South\n"
    )
    report = importing.import_file("units", content, "units.csv", hro, dry_run=False)
    assert [row["outcome"] for row in report.rows] == ["update"]
    assert Unit.objects.get().location == "South"
