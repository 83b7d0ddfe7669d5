"""The triage queue (issue 16): filters (grave, staff report, category, unit, date, who reported),
sort by newest and by gravity, the grave-cases badge, and bulk decisions written one by one."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hrddp.accounts.access import can_edit_registry
from hrddp.registry.models import VerificationChange, VerificationStatus, Violation
from hrddp.registry.queries import grave_triage_count
from tests.factories import UnitFactory, UserFactory, ViolationFactory, category

pytestmark = pytest.mark.django_db

URL = reverse("registry:triage")
BULK = reverse("registry:triage_bulk")


def alleged(days_ago=0, **kwargs):
    kwargs.setdefault("category", category("looting"))
    violation = ViolationFactory(verification_status=VerificationStatus.ALLEGED, **kwargs)
    Violation.objects.filter(pk=violation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return violation


def shown(client, **params):
    return [v.pk for v in client.get(URL, params).context["page_obj"]]


def test_grave_filter_keeps_only_grave_categories(client_for, hro):
    torture = alleged(category=category("torture"))
    refoulement = alleged(category=category("refoulement"))  # grave, though some lists omit it
    alleged(category=category("looting"))
    assert set(shown(client_for(hro), grave="true")) == {torture.pk, refoulement.pk}


def test_staff_report_filter_keeps_eyewitness_reports_of_staff(client_for, hro):
    eyewitness = alleged(staff_report=True)
    alleged()
    assert shown(client_for(hro), staff_report="true") == [eyewitness.pk]


def test_category_filter(client_for, hro):
    extortion = alleged(category=category("extortion"))
    alleged()
    assert shown(client_for(hro), category=category("extortion").pk) == [extortion.pk]


def test_unit_filter_takes_the_units_subtree_through_the_picker(client_for, hro):
    brigade = UnitFactory(name="1st Brigade")
    company = UnitFactory(name="Alpha Company", parent=brigade)
    in_company = alleged(units=[company])
    alleged(units=[UnitFactory(name="9th Brigade")])
    client = client_for(hro)
    assert shown(client, unit=brigade.pk) == [in_company.pk]
    page = client.get(URL).content.decode()
    assert "1st Brigade" not in page.split("Filter and sort")[1].split("Apply filters")[0]


def test_date_range_filter_is_on_the_incident_date(client_for, hro):
    today = timezone.localdate()
    inside = alleged(date=today - datetime.timedelta(days=10))
    alleged(date=today - datetime.timedelta(days=100))
    since = (today - datetime.timedelta(days=20)).isoformat()
    assert shown(client_for(hro), date_from=since, date_to=today.isoformat()) == [inside.pk]


def test_who_reported_filter(client_for, hro):
    reporter = UserFactory(username="kofi", first_name="Kofi", last_name="Mensah")
    by_kofi = alleged(reported_by=reporter)
    alleged(reported_by=UserFactory(username="other"))
    client = client_for(hro)
    assert shown(client, reported_by="Mensah") == [by_kofi.pk]
    assert shown(client, reported_by="kofi") == [by_kofi.pk]


def test_sort_newest_first_by_default(client_for, hro):
    old, new = alleged(days_ago=9), alleged(days_ago=1)
    assert shown(client_for(hro)) == [new.pk, old.pk]


def test_sort_by_gravity_puts_grave_first_then_newest(client_for, hro):
    old_grave = alleged(days_ago=9, category=category("torture"))
    new_other = alleged(days_ago=1)
    new_grave = alleged(days_ago=2, category=category("unlawful_killing"))
    assert shown(client_for(hro), sort="gravity") == [new_grave.pk, old_grave.pk, new_other.pk]


@pytest.mark.parametrize("rows", [3, 40])
def test_filtered_triage_runs_a_constant_number_of_queries(
    client_for, hro, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        alleged(category=category("torture"), staff_report=True, units=[UnitFactory()])
    client = client_for(hro)
    with django_assert_max_num_queries(9):
        response = client.get(URL, {"grave": "true", "staff_report": "true", "sort": "gravity"})
    assert len(response.context["page_obj"]) == min(rows, 25)


def test_grave_cases_waiting_badge_counts_alleged_grave_only(client_for, hro):
    alleged(category=category("torture"))
    alleged(category=category("enforced_disappearance"))
    alleged(category=category("looting"))
    ViolationFactory(category=category("torture"), verification_status="verified")
    assert grave_triage_count(hro) == (2, False)
    page = client_for(hro).get(reverse("home")).content.decode()
    assert "2 grave waiting" in page


@pytest.mark.parametrize("rows", [2, 30])
def test_grave_badge_is_one_count_query(hro, rows):
    for _ in range(rows):
        alleged(category=category("torture"))
    assert can_edit_registry(hro)  # the user's roles, read once per request with the user
    with CaptureQueriesContext(connection) as queries:
        assert grave_triage_count(hro)[0] == rows
    assert len(queries) == 1
    assert "registry_violationcategory" in queries[0]["sql"]  # the grave categories, a subquery


def test_grave_badge_is_for_hros_only(manager):
    alleged(category=category("torture"))
    assert grave_triage_count(manager) == (0, False)


def test_bulk_action_writes_one_history_row_per_violation(client_for, hro):
    obvious = [alleged() for _ in range(3)]
    response = client_for(hro).post(
        BULK, {"status": "discounted", "ids": [v.pk for v in obvious], "note": "Duplicate."}
    )
    assert response.status_code == 302
    changes = VerificationChange.objects.order_by("violation_id")
    assert [(c.violation_id, c.to_status, c.note, c.changed_by) for c in changes] == [
        (v.pk, "discounted", "Duplicate.", hro) for v in obvious
    ]


def test_bulk_never_makes_a_grave_case_countable(client_for, hro):
    """Grave verification is not a bulk action: it needs its confirmation."""
    grave = alleged(category=category("torture"))
    other = alleged()
    response = client_for(hro).post(
        BULK, {"status": "credible", "ids": [grave.pk, other.pk]}, follow=True
    )
    assert "1 grave case was left as it was" in response.content.decode()
    grave.refresh_from_db()
    other.refresh_from_db()
    assert grave.verification_status == VerificationStatus.ALLEGED
    assert other.verification_status == VerificationStatus.CREDIBLE
    # Discounting a grave case sets nothing off: that may be done in bulk.
    client_for(hro).post(BULK, {"status": "discounted", "ids": [grave.pk]})
    grave.refresh_from_db()
    assert grave.verification_status == VerificationStatus.DISCOUNTED


@pytest.mark.parametrize("persona", ["ssr_advisor", "manager", "auditor", "administrator"])
def test_only_hros_use_the_bulk_action(client_for, persona, request):
    violation = alleged()
    response = client_for(request.getfixturevalue(persona)).post(
        BULK, {"status": "credible", "ids": [violation.pk]}
    )
    assert response.status_code == 403
    assert not VerificationChange.objects.exists()
