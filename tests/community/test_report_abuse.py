"""Report an abuse (domain.md 6.4): any signed-in staff member reports what they witnessed; it
lands as an alleged violation in the HROs' triage queue; the reporter follows only their own."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hrddp.community.services import report_abuse
from hrddp.registry.models import (
    Attribution,
    Reliability,
    Source,
    VerificationStatus,
    Violation,
)
from hrddp.registry.services import set_verification_status
from tests.factories import UserFactory, ViolationFactory, category

pytestmark = pytest.mark.django_db

REPORT = reverse("community:report")
MY_REPORTS = reverse("community:my_reports")
TRIAGE = reverse("registry:triage")


def report_post(**overrides):
    data = {
        "narrative": "Soldiers beat a man at the checkpoint.",
        "date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "location": "Kanda market",
        "perpetrators": "Six soldiers in green berets, a pickup with a red flag.",
        "unit": "",
        "category": category("ill_treatment").pk,
    }
    return data | overrides


@pytest.fixture
def another_reporter(db):
    return UserFactory(username="other-reporter")


# --- who may report ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [REPORT, MY_REPORTS])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "persona", ["no_role_user", "ssr_advisor", "hro", "manager", "auditor", "administrator"]
)
def test_every_signed_in_staff_member_may_report(client_for, persona, request):
    client = client_for(request.getfixturevalue(persona))
    page = client.get(REPORT)
    assert page.status_code == 200 and "Report an abuse" in page.content.decode()
    assert client.get(MY_REPORTS).status_code == 200


@pytest.mark.parametrize("persona", ["no_role_user", "ssr_advisor"])
def test_the_report_link_is_on_every_page_for_a_signed_in_user(client_for, persona, request):
    client = client_for(request.getfixturevalue(persona))
    page = client.get(reverse("password_change")).content.decode()
    assert f'href="{REPORT}"' in page


# --- the flow ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["no_role_user", "ssr_advisor"])
def test_a_report_lands_in_the_triage_queue_as_alleged(client_for, hro, unit, persona, request):
    reporter = request.getfixturevalue(persona)
    response = client_for(reporter).post(REPORT, report_post(unit=unit.pk))
    assert response.status_code == 302 and response.url == MY_REPORTS

    violation = Violation.objects.get()
    assert violation.reported_by == reporter
    assert violation.verification_status == VerificationStatus.ALLEGED
    assert violation.source_reliability == Reliability.MODERATE
    assert violation.location == "Kanda market"
    assert violation.category.code == "ill_treatment"
    assert "Soldiers beat a man" in violation.narrative
    # The reporter's words are kept apart from the narrative, with no framing sentence in them.
    assert violation.narrative == "Soldiers beat a man at the checkpoint."
    assert violation.perpetrators_described == (
        "Six soldiers in green berets, a pickup with a red flag."
    )
    assert list(Attribution.objects.values_list("violation_id", "unit_id")) == [
        (violation.pk, unit.pk)
    ]

    queue = client_for(hro).get(TRIAGE)
    assert [v.pk for v in queue.context["page_obj"]] == [violation.pk]
    assert "Reported by staff" in queue.content.decode()


def test_a_report_without_a_unit_has_no_attribution(no_role_user):
    violation = report_abuse(
        no_role_user,
        {
            "narrative": "Shots at a crowd.",
            "date": timezone.localdate(),
            "location": "Bunia",
            "category": category("unlawful_killing"),
        },
    )
    assert not violation.attributions.exists()
    assert violation.verification_status == VerificationStatus.ALLEGED


def test_the_reporter_is_a_source_only_hros_see(client_for, manager, hro, no_role_user):
    no_role_user.first_name, no_role_user.last_name = "Ana", "Reporter-Name"
    no_role_user.email = "ana@un.example"
    no_role_user.save()
    client_for(no_role_user).post(REPORT, report_post())
    violation = Violation.objects.get()
    assert Source.objects.get(violation=violation).identity == "Ana Reporter-Name"
    url = reverse("registry:violation_detail", args=[violation.pk])
    assert "ana@un.example" in client_for(hro).get(url).content.decode()
    assert "ana@un.example" not in client_for(manager).get(url).content.decode()


def test_the_reporter_follows_the_status_of_their_report(client_for, hro, ssr_advisor):
    client = client_for(ssr_advisor)
    client.post(REPORT, report_post())
    violation = Violation.objects.get()

    page = client.get(MY_REPORTS).content.decode()
    assert "Kanda market" in page and "Ill-treatment" in page and "Alleged" in page
    assert "Soldiers beat a man" not in page

    set_verification_status(violation, VerificationStatus.VERIFIED, hro, note="Two witnesses.")
    page = client_for(ssr_advisor).get(MY_REPORTS).content.decode()
    assert "Verified" in page and "Alleged" not in page
    assert "Two witnesses." not in page


def test_the_hro_discounts_a_report_from_the_triage_queue(client_for, hro, no_role_user):
    client_for(no_role_user).post(REPORT, report_post())
    violation = Violation.objects.get()
    url = reverse("registry:violation_verify", args=[violation.pk])
    response = client_for(hro).post(url, {"status": "discounted", "next": TRIAGE})
    assert response.status_code == 302 and response.url == TRIAGE
    violation.refresh_from_db()
    assert violation.verification_status == VerificationStatus.DISCOUNTED
    assert "Discounted" in client_for(no_role_user).get(MY_REPORTS).content.decode()


def test_a_reporter_sees_only_their_own_reports(client_for, no_role_user, another_reporter, unit):
    client_for(another_reporter).post(REPORT, report_post(location="THEIR-PLACE"))
    ViolationFactory(location="REGISTRY-CASE")
    client = client_for(no_role_user)
    client.post(REPORT, report_post(location="MY-PLACE"))
    response = client.get(MY_REPORTS)
    page = response.content.decode()
    assert "MY-PLACE" in page
    assert "THEIR-PLACE" not in page and "REGISTRY-CASE" not in page
    assert [v.location for v in response.context["page_obj"]] == ["MY-PLACE"]


def test_a_reporter_cannot_open_the_violation_page(client_for, no_role_user, ssr_advisor):
    client_for(ssr_advisor).post(REPORT, report_post())
    violation = Violation.objects.get()
    url = reverse("registry:violation_detail", args=[violation.pk])
    assert client_for(no_role_user).get(url).status_code == 403
    assert client_for(ssr_advisor).get(url).status_code == 404


def test_a_future_date_is_refused_and_nothing_is_saved(client_for, no_role_user, unit):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_for(no_role_user).post(REPORT, report_post(date=tomorrow, unit=unit.pk))
    assert response.status_code == 200
    assert "cannot be dated in the future" in response.content.decode()
    assert not Violation.objects.exists() and not Attribution.objects.exists()
    assert not Source.objects.exists()


def test_the_service_also_refuses_a_future_date(no_role_user):
    with pytest.raises(ValidationError):
        report_abuse(
            no_role_user,
            {
                "narrative": "Shots.",
                "date": timezone.localdate() + datetime.timedelta(days=1),
                "location": "Bunia",
                "category": category("unlawful_killing"),
            },
        )
    assert not Violation.objects.exists()


@pytest.mark.parametrize("missing", ["narrative", "date", "location", "category"])
def test_what_when_where_and_category_are_required(client_for, no_role_user, missing):
    response = client_for(no_role_user).post(REPORT, report_post(**{missing: ""}))
    assert response.status_code == 200 and not Violation.objects.exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_my_reports_runs_a_constant_number_of_queries(
    client_for, no_role_user, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        ViolationFactory(reported_by=no_role_user, staff_report=True, verification_status="alleged")
    client = client_for(no_role_user)
    with django_assert_max_num_queries(5):
        response = client.get(MY_REPORTS)
    assert len(response.context["page_obj"]) == min(rows, 25)


def test_a_violation_recorded_by_an_hro_is_not_a_staff_report(client_for, hro):
    recorded = ViolationFactory(reported_by=hro, verification_status="alleged")
    queue = client_for(hro).get(TRIAGE).content.decode()
    assert f"/registry/violations/{recorded.pk}/" in queue
    assert "Reported by staff" not in queue
    assert list(client_for(hro).get(MY_REPORTS).context["page_obj"]) == []
