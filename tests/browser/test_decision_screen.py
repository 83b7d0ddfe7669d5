"""Issue 16's decision screen in the browser: a manager opens a request awaiting decision, reads
the HRO's recommendation at the top, above the one reason box, and approves with one reason. At
phone width the stepper and the decision screen fit without scrolling sideways."""

import pytest
from playwright.sync_api import expect

from assessments.models import Decision
from hrddp.support.models import RequestStatus
from tests.browser.steps import act
from tests.factories import UnitFactory, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def awaiting(mission, ssr_advisor, to_decision):
    draft_request = make_request(mission, ssr_advisor, [UnitFactory()], title="Fuel for patrols")

    def prepare(assessment):
        assessment.rationale = "The patrols protect the camps at Kibati."
        assessment.risk_of_not_supporting = "Without fuel the camps go unguarded at night."
        assessment.save()

    to_decision(draft_request, prepare)
    return draft_request


@pytest.mark.parametrize("width", [1280, 375])
def test_a_manager_reads_the_recommendation_and_approves_with_one_reason(
    page, live_server, sign_in, manager, awaiting, width
):
    page.set_viewport_size({"width": width, "height": 812})
    sign_in("manager")
    page.goto(f"{live_server.url}/requests/{awaiting.pk}/")

    basis = page.locator("#decision-basis")
    expect(basis).to_contain_text("The HRO's recommendation")
    expect(basis).to_contain_text("Support")
    expect(basis).to_contain_text("The patrols protect the camps at Kibati.")
    expect(basis).to_contain_text("Without fuel the camps go unguarded at night.")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Awaiting decision")
    expect(page.locator("#next-actor")).to_contain_text("Manager")

    reason = page.get_by_label("Reason", exact=True)
    expect(reason).to_have_count(1)
    # The recommendation is read before the reason box, and Approve is the first button.
    if width > 1000:
        assert basis.bounding_box()["x"] < reason.bounding_box()["x"]
    else:
        assert basis.bounding_box()["y"] < reason.bounding_box()["y"]
        for selector in ("#journey", "#decision-basis", "#actions"):
            box = page.locator(selector).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    expect(page.locator("#actions button").first).to_have_text("Approve")

    act(page, "Approve", reason="Fuel for the patrols that guard the camps.")
    expect(page.get_by_text("the request is now Approved")).to_be_visible()
    awaiting.refresh_from_db()
    assert awaiting.status == RequestStatus.APPROVED
    assert Decision.objects.get().reason == "Fuel for the patrols that guard the camps."
