"""A request walked from draft to active in the browser, by the SSR advisor, the HRO and the
manager in turn, including an approval blocked by a rule that the page names."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import MeasureType
from hrddp.support.models import RequestStatus, SupportRequest
from tests.browser.steps import act
from tests.factories import UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_from_draft_to_active_in_the_browser(
    live_server, page, sign_in, ssr_advisor, hro, manager
):
    UnitFactory(name="5th Engineer Battalion")
    monitors = MeasureType.objects.get(code="monitor_access")

    # The SSR advisor drafts and submits.
    sign_in("ssr")
    page.goto(f"{live_server.url}/requests/new/")
    page.get_by_label("Title").fill("Fuel for road repair")
    page.get_by_label(re.compile("Logistics")).check()
    page.get_by_label("Description").fill("Fuel for three months of road repair.")
    page.get_by_role("combobox", name=re.compile("^Recipient units")).fill("5th Engineer")
    page.get_by_role("option", name=re.compile("5th Engineer Battalion")).click()
    page.get_by_role("button", name="Save draft").click()
    request_url = page.url
    request = SupportRequest.objects.get(title="Fuel for road repair")
    act(page, "Submit")
    expect(page.get_by_text("Submitted").first).to_be_visible()

    # The HRO assesses: factors, recommendation, one medium risk on capacity support.
    sign_in("hro")
    page.goto(request_url)
    act(page, "Take into assessment")
    page.get_by_role("link", name=re.compile("assessment", re.I)).first.click()
    assessment_url = page.url
    page.get_by_role("link", name="Edit factors and recommendation").click()
    for code in ("F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8"):  # each section saved alone
        section = page.locator(f"#section-{code}")
        section.get_by_role("radio", name="Low").check()
        section.get_by_label("Narrative").fill(f"{code} considered.")
        section.get_by_role("button", name=f"Save {code}").click()
        expect(page.get_by_role("alert").filter(has_text=f"{code} saved.")).to_be_visible()
    page.locator('[name="main-recommendation"]').select_option("support_with_conditions")
    page.locator('[name="main-rationale"]').fill("Benefits outweigh the risks.")
    page.locator('[name="main-risk_of_not_supporting"]').fill("Roads stay closed to aid convoys.")
    page.get_by_role("button", name="Save the recommendation").click()
    page.goto(assessment_url)
    page.get_by_role("link", name="Add a risk").click()
    page.get_by_label("Description").fill("Engineers diverted to fortify front lines")
    page.get_by_label("Factor").select_option("F4")
    page.get_by_role("group", name=re.compile(r"^Likelihood\*?$")).get_by_label(
        "3 possible"
    ).check()
    page.get_by_role("group", name=re.compile(r"^Severity\*?$")).get_by_label("3 moderate").check()
    expect(page.locator("[data-level-text]").first).to_have_text("9 · Medium")
    page.get_by_role("button", name="Save").click()
    page.goto(request_url)
    act(page, "Submit assessment for decision")

    # The manager finds the approval blocked by D6, and sends the assessment back.
    sign_in("manager")
    page.goto(request_url)
    blocked = page.get_by_role("status").filter(has_text="“Approve” is not possible yet")
    expect(blocked).to_contain_text("D6")
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    act(page, "Send back for more assessment", reason="Add an accountability safeguard.")

    # The HRO adds an accountability safeguard agreed with the authorities.
    sign_in("hro")
    page.goto(assessment_url)
    page.get_by_role("link", name="Edit Engineers diverted to fortify front lines").click()
    page.locator('[name="measures-0-measure_type"]').select_option(str(monitors.pk))
    page.locator('[name="measures-0-responsible"]').select_option("recipient_authority")
    page.locator('[name="measures-0-status"]').select_option("agreed")
    page.get_by_role("button", name="Save").click()
    page.goto(request_url)
    act(page, "Submit assessment for decision")

    # The manager approves, records the policy notification, and activates the support.
    sign_in("manager")
    page.goto(request_url)
    act(page, "Approve", reason="Safeguard agreed; risk medium.")
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    expect(
        page.get_by_role("status").filter(has_text="“Activate support” is not possible yet")
    ).to_contain_text("D7")
    page.get_by_text("Record a communication").click()
    page.get_by_label("Kind").select_option("policy_notification")
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Authority").fill("Chief of Engineers")
    page.get_by_label("Summary").fill("HRDDP letter and conditions, acknowledged.")
    page.get_by_role("button", name="Record communication").click()
    act(page, "Activate support")
    request.refresh_from_db()
    assert request.status == RequestStatus.ACTIVE
    assert list(request.transitions.values_list("to_status", flat=True)) == [
        "submitted",
        "under_assessment",
        "awaiting_decision",
        "under_assessment",
        "awaiting_decision",
        "approved",
        "active",
    ]
