"""Issue 12: who reported an abuse is an identity (domain.md 7), so the actor of any history row of
a staff-reported or identity-bearing record is shown to HROs only, "a staff member" to anyone else
(hole 1); a page of history that cannot exist answers 404, not 500 (hole 11)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.accounts.models import Role
from hrddp.registry.models import VerificationStatus, Violation
from hrddp.registry.services import set_verification_status
from tests.factories import UnitFactory, UserFactory, category

pytestmark = pytest.mark.django_db

REPORTER = "Zebulon Quillfeather-Reporter"
REPORTER_USERNAME = "zq-staff-witness"
STAFF_MEMBER = "a staff member"


@pytest.fixture
def reporter(db):
    return UserFactory(
        username=REPORTER_USERNAME,
        first_name="Zebulon",
        last_name="Quillfeather-Reporter",
        email="zebulon@witness.example",
    )


@pytest.fixture
def staff_report(client_for, reporter):
    """A report of an abuse posted on the page by ``reporter``, naming a unit."""
    unit = UnitFactory(name="7th Brigade")
    response = client_for(reporter).post(
        reverse("community:report"),
        {
            "narrative": "Soldiers beat a man at the checkpoint.",
            "date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
            "location": "Kanda market",
            "perpetrators": "",
            "unit": unit.pk,
            "category": category("ill_treatment").pk,
        },
    )
    assert response.status_code == 302
    return Violation.objects.get(staff_report=True)


def history_of(page):
    return page.split("record-history", 1)[1]


@pytest.fixture
def non_hros(mission, agency, manager, auditor, administrator):
    other_manager = UserFactory(username="undp-manager", roles=[(agency, Role.MANAGER)])
    return [manager, auditor, administrator, other_manager]


def test_trust_1_the_reporter_of_an_abuse_is_not_named_in_the_history_to_non_hros(
    client_for, staff_report, hro, non_hros
):
    url = reverse("registry:violation_detail", args=[staff_report.pk])
    for user in non_hros:
        response = client_for(user).get(url)
        assert response.status_code == 200, user.username
        page = response.content.decode()
        assert REPORTER not in page and REPORTER_USERNAME not in page, user.username
        assert STAFF_MEMBER in history_of(page), user.username
    # The HRO who triages knows who reported it, in the history as on the page.
    history = history_of(client_for(hro).get(url).content.decode())
    assert REPORTER in history and STAFF_MEMBER not in history


def test_trust_1_who_acted_on_a_staff_report_is_for_hros_only(
    client_for, staff_report, mission, non_hros
):
    verifier = UserFactory(
        username="verifying-hro",
        first_name="Olga",
        last_name="Verifier-Name",
        roles=[(mission, Role.HRO)],
    )
    set_verification_status(staff_report, VerificationStatus.CREDIBLE, verifier, note="Checked.")
    url = reverse("registry:violation_detail", args=[staff_report.pk])
    for user in non_hros:
        page = client_for(user).get(url).content.decode()
        assert "Verifier-Name" not in page and "verifying-hro" not in page, user.username
    assert "Verifier-Name" in client_for(verifier).get(url).content.decode()


def test_a_violation_not_reported_by_staff_keeps_its_actors(client_for, hro, manager):
    from tests.factories import ViolationFactory

    violation = ViolationFactory()
    set_verification_status(violation, VerificationStatus.CREDIBLE, hro, note="Checked.")
    page = client_for(manager).get(reverse("registry:violation_detail", args=[violation.pk]))
    assert STAFF_MEMBER not in page.content.decode()


@pytest.mark.parametrize("number", ["99999999999999999999", "100001"])
def test_trust_11_history_page_with_a_huge_number_is_404(client_for, hro, number):
    unit = UnitFactory()
    response = client_for(hro).get(
        reverse("registry:unit_detail", args=[unit.pk]), {"history_page": number}
    )
    assert response.status_code == 404


def test_trust_11_history_page_past_the_end_is_404(client_for, hro):
    unit = UnitFactory()
    url = reverse("registry:unit_detail", args=[unit.pk])
    client = client_for(hro)
    assert client.get(url, {"history_page": "1"}).status_code == 200
    assert client.get(url, {"history_page": "7"}).status_code == 404
