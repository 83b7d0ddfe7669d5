"""The triage queue in the browser (issue 16): an HRO filters to grave staff reports, finds the
eyewitness torture report on page 1 (it was on the last page, oldest first), verifies it through
the confirmation and reads what it sets off."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hrddp.registry.models import VerificationStatus, Violation
from tests.browser.test_csp import csp_violations  # noqa: F401 (a fixture)
from tests.factories import UnitFactory, ViolationFactory, active_request, category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_hro_filters_to_grave_staff_reports_and_verifies_through_the_confirmation(
    live_server,
    page,
    sign_in,
    mission,
    ssr_advisor,
    hro,
    manager,
    csp_violations,  # noqa: F811
):
    brigade = UnitFactory(name="1st Brigade")
    active_request(mission, ssr_advisor, hro, manager, units=[brigade], title="Fuel for patrols")
    torture = ViolationFactory(
        units=[brigade],
        category=category("torture"),
        verification_status=VerificationStatus.ALLEGED,
        staff_report=True,
        location="Kanda checkpoint",
        narrative="I saw detainees beaten with cables at the checkpoint.",
    )
    Violation.objects.filter(pk=torture.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    for n in range(30):  # newer, not grave or not reported by staff: page 1 without filters
        ViolationFactory(
            category=category("looting") if n % 2 else category("torture"),
            verification_status=VerificationStatus.ALLEGED,
            location=f"Market {n}",
        )
    sign_in("hro")
    page.goto(f"{live_server.url}/registry/violations/triage/")
    expect(page.get_by_text("Kanda checkpoint")).to_have_count(0)

    page.get_by_label("Grave only").check()
    page.get_by_label("Reported by UN staff (eyewitness)").check()
    page.get_by_role("button", name="Apply filters").click()
    row = page.get_by_role("row").filter(has_text="Kanda checkpoint")
    expect(row).to_be_visible()
    row.get_by_label("Note on").fill("Seen by our staff.")
    row.get_by_role("button", name="Verified…").click()

    expect(page.get_by_role("heading", name="Set “Verified” on this violation?")).to_be_visible()
    expect(page.get_by_text("This will put 1 active support request under review.")).to_be_visible()
    expect(page.get_by_text("This will open 1 intervention on unit 1st Brigade")).to_be_visible()
    torture.refresh_from_db()
    assert torture.verification_status == VerificationStatus.ALLEGED
    page.get_by_role("button", name="Confirm: set “Verified”").click()

    expect(page.get_by_text("is now Verified")).to_be_visible()
    torture.refresh_from_db()
    assert torture.verification_status == VerificationStatus.VERIFIED
    assert torture.verification_changes.get().note == "Seen by our staff."
    assert csp_violations == []
