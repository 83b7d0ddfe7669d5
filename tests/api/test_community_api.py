"""Community perceptions (domain.md 6.1) and the report of an abuse (6.4) through the API (issue
14), as on their pages: registry readers read perceptions and HROs record them; any signed-in
staff member reports an abuse and follows their own reports, nobody else's. The pages' services
write, and the model's rules refuse the same things."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.community.models import Method, Perception
from hrddp.registry.models import Source, SourceKind, VerificationStatus, Violation
from tests.factories import InstitutionFactory, UnitFactory, UserFactory, api_client, category

pytestmark = pytest.mark.django_db

PERCEPTIONS = reverse("api:perception-list")
REPORTS = reverse("api:abuse-report-list")
NARRATIVE = "Soldiers beat a man at the checkpoint."


def detail(perception):
    return reverse("api:perception-detail", args=[perception.pk])


def days_ago(days):
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def unit(db):
    return UnitFactory(name="3rd Battalion", location="Kanda")


@pytest.fixture
def perception(unit):
    return Perception.objects.create(
        date=timezone.localdate() - datetime.timedelta(days=10),
        area="Kanda",
        method=Method.FOCUS_GROUP,
        population_group="Market traders",
        institution=unit.institution,
        unit=unit,
        trust_in_force=2,
        trust_in_mission=3,
    )


def perception_body(of_unit, **overrides):
    data = {
        "date": days_ago(3),
        "area": "Kanda",
        "method": "focus_group",
        "population_group": "Displaced women",
        "unit": of_unit.pk,
        "trust_in_force": 2,
        "trust_in_mission": 4,
        "concerns": "Checkpoints at night.",
    }
    return data | overrides


def report_body(**overrides):
    data = {
        "narrative": NARRATIVE,
        "date": days_ago(2),
        "location": "Kanda market",
        "perpetrators": "Six soldiers in green berets.",
        "category": category("ill_treatment").pk,
    }
    return data | overrides


# --- perceptions: who reads, who records ------------------------------------------------------


def test_perceptions_are_read_by_registry_readers_only(
    perception, no_role_user, ssr_advisor, outsider, hro, manager, auditor, administrator
):
    for user, code in [
        (None, 401),
        (no_role_user, 403),
        (ssr_advisor, 403),
        (outsider, 403),
        (hro, 200),
        (manager, 200),
        (auditor, 200),
        (administrator, 200),
    ]:
        client = api_client(user)
        assert client.get(PERCEPTIONS).status_code == code, user
        assert client.get(detail(perception)).status_code == code, user
    response = api_client(auditor).get(detail(perception))
    assert response.data["unit"] == perception.unit_id
    assert response.data["trust_in_force"] == 2


def test_perceptions_are_recorded_and_corrected_by_hros_only(
    perception, unit, no_role_user, ssr_advisor, manager, auditor, administrator, hro
):
    for user, code in [
        (None, 401),
        (no_role_user, 403),
        (ssr_advisor, 403),
        (manager, 403),
        (auditor, 403),
        (administrator, 403),
    ]:
        client = api_client(user)
        assert client.post(PERCEPTIONS, perception_body(unit), format="json").status_code == code
        assert client.put(detail(perception), perception_body(unit), format="json").status_code == (
            code
        )
        assert client.patch(detail(perception), {"area": "X"}, format="json").status_code == code
    assert Perception.objects.count() == 1

    created = api_client(hro).post(PERCEPTIONS, perception_body(unit), format="json")
    corrected = api_client(hro).patch(detail(perception), {"trust_in_force": 5}, format="json")

    assert created.status_code == 201, created.data
    new = Perception.objects.get(pk=created.data["id"])
    assert new.recorded_by == hro and created.data["recorded_by"] == hro.username
    assert corrected.status_code == 200, corrected.data
    perception.refresh_from_db()
    assert perception.trust_in_force == 5


def test_perception_of_an_unknown_id_is_404(hro):
    assert api_client(hro).get(reverse("api:perception-detail", args=[999999])).status_code == 404


def test_perception_of_a_unit_is_one_of_its_institution(unit, hro):
    response = api_client(hro).post(PERCEPTIONS, perception_body(unit), format="json")

    assert response.status_code == 201, response.data
    assert response.data["institution"] == unit.institution_id


# --- perceptions: the model's rules, as on the page -------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}, "date"),
        ({"trust_in_force": 6}, "trust_in_force"),
        ({"trust_in_mission": 0}, "trust_in_mission"),
        ({"method": "rumour"}, "method"),
        ({"area": ""}, "area"),
        ({"unit": None}, "institution"),
        ({"unit": 999999}, "unit"),
    ],
)
def test_perception_rules_refuse_with_field_errors(unit, hro, overrides, field):
    response = api_client(hro).post(PERCEPTIONS, perception_body(unit, **overrides), format="json")

    assert response.status_code == 400
    assert field in response.data, response.data
    assert not Perception.objects.exists()


def test_perception_unit_of_another_institution_is_refused(unit, hro):
    other = InstitutionFactory(name="National Police")

    response = api_client(hro).post(
        PERCEPTIONS, perception_body(unit, institution=other.pk), format="json"
    )

    assert response.status_code == 400
    assert "unit" in response.data
    assert not Perception.objects.exists()


def test_perception_correction_follows_the_same_rules(perception, hro):
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    response = api_client(hro).patch(detail(perception), {"date": future}, format="json")

    assert response.status_code == 400
    assert "date" in response.data
    perception.refresh_from_db()
    assert perception.date < timezone.localdate()


def test_perception_list_filters_paginates_and_keeps_its_queries_constant(
    unit, hro, django_assert_max_num_queries
):
    for index in range(30):
        Perception.objects.create(
            date=timezone.localdate(),
            area="Kanda" if index % 2 else "Elsewhere",
            method=Method.SURVEY,
            population_group=f"Group {index}",
            institution=unit.institution,
            unit=unit,
            trust_in_force=3,
            trust_in_mission=3,
        )
    client = api_client(hro)

    with django_assert_max_num_queries(8):
        response = client.get(PERCEPTIONS, {"area": "kan"})

    assert response.status_code == 200
    assert response.data["count"] == 15
    assert {row["area"] for row in response.data["results"]} == {"Kanda"}
    assert len(api_client(hro).get(PERCEPTIONS).data["results"]) == 25


# --- the report of an abuse ---------------------------------------------------------------------


def test_any_signed_in_staff_member_may_report_an_abuse(no_role_user, ssr_advisor, hro):
    assert api_client(None).post(REPORTS, report_body(), format="json").status_code == 401
    assert api_client(None).get(REPORTS).status_code == 401

    for user in (no_role_user, ssr_advisor, hro):
        response = api_client(user).post(REPORTS, report_body(), format="json")
        assert response.status_code == 201, response.data

    assert Violation.objects.filter(staff_report=True).count() == 3


def test_an_abuse_report_lands_as_an_alleged_violation_with_the_reporter_as_witness(
    no_role_user, unit
):
    response = api_client(no_role_user).post(REPORTS, report_body(unit=unit.pk), format="json")

    violation = Violation.objects.get(pk=response.data["id"])
    assert violation.verification_status == VerificationStatus.ALLEGED
    assert violation.reported_by == no_role_user and violation.staff_report
    assert violation.perpetrators_described == "Six soldiers in green berets."
    assert list(violation.attributions.values_list("unit", flat=True)) == [unit.pk]
    assert Source.objects.get(violation=violation).kind == SourceKind.WITNESS


def test_a_reporter_sees_only_their_own_reports_and_only_how_they_stand(
    no_role_user, ssr_advisor, django_assert_max_num_queries
):
    other = UserFactory(username="other-reporter")
    for _ in range(3):
        api_client(no_role_user).post(REPORTS, report_body(), format="json")
    api_client(other).post(REPORTS, report_body(location="Elsewhere"), format="json")
    client = api_client(no_role_user)

    with django_assert_max_num_queries(6):
        response = client.get(REPORTS)

    assert response.status_code == 200
    assert response.data["count"] == 3
    row = response.data["results"][0]
    assert row["verification_status"] == VerificationStatus.ALLEGED
    assert row["category_name"] and row["location"] == "Kanda market"
    # No narrative, no perpetrators, no source, no attribution: only how the report stands.
    assert not {"narrative", "perpetrators", "unit", "sources"} & set(row)
    assert NARRATIVE not in response.content.decode()
    assert api_client(ssr_advisor).get(REPORTS).data["count"] == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"narrative": ""}, "narrative"),
        ({"location": ""}, "location"),
        ({"category": 999999}, "category"),
        ({"unit": 999999}, "unit"),
        ({"date": "yesterday"}, "date"),
        ({"date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}, "date"),
    ],
)
def test_an_abuse_report_is_refused_with_field_errors(no_role_user, overrides, field):
    response = api_client(no_role_user).post(REPORTS, report_body(**overrides), format="json")

    assert response.status_code == 400
    assert field in response.data, response.data
    assert not Violation.objects.exists()


def test_an_empty_abuse_report_names_every_missing_field(no_role_user):
    response = api_client(no_role_user).post(REPORTS, {}, format="json")

    assert response.status_code == 400
    assert {"narrative", "date", "location", "category"} <= set(response.data)
