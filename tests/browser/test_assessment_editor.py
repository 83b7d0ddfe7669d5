"""The assessment editor in the browser (issue 16): the HRO rates F1 in its own section, sees the
level of the risk as likelihood and severity are chosen (the script, before any save), saves
that section alone, and the other sections keep what they held."""

import re

import pytest
from playwright.sync_api import expect

from assessments import workflow
from assessments.models import Risk
from tests.browser.test_csp import csp_violations  # noqa: F401 (the fixture, shared)
from tests.factories import UnitFactory, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hro_rates_f1_sees_the_level_as_chosen_and_saves_that_section_alone(
    live_server, page, sign_in, mission, ssr_advisor, hro, request
):
    violations = request.getfixturevalue("csp_violations")
    unit = UnitFactory(name="3rd Battalion")
    support = make_request(mission, ssr_advisor, [unit], title="Fuel for the patrols")
    workflow.apply(support.pk, "submit", ssr_advisor)
    workflow.apply(support.pk, "start_assessment", hro)
    assessment = workflow.current_assessment(support)
    assessment.factors.filter(code="F2").update(narrative="Nobody prosecuted.")

    sign_in("hro")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    expect(page.get_by_text("Not assessed yet").first).to_be_visible()
    page.get_by_role("link", name="Edit factors and recommendation").click()

    f1 = page.locator("#section-F1")
    expect(f1).to_contain_text("Grave violations in the recipients' records")
    f1.get_by_role("radio", name="Medium").check()
    f1.get_by_label("Narrative").fill("Two recent grave violations by the battalion.")
    # Typed in another section and not saved: saving F1 does not send it.
    page.locator("#section-F3").get_by_label("Narrative").fill("NOT SAVED")

    level = f1.locator("[data-level-text]")
    expect(level).to_have_text("choose a likelihood and a severity")
    f1.get_by_label("Describe a risk under this factor (optional)").fill(
        "Fuel diverted to a company with a record"
    )
    f1.get_by_role("radio", name="4 likely").check()
    expect(level).to_have_text("choose a likelihood and a severity")
    f1.get_by_role("radio", name="4 major").check()
    expect(level).to_have_text("16 · High")  # before any save: the script, with the server's matrix
    f1.get_by_role("radio", name="2 unlikely").check()
    expect(level).to_have_text("8 · Medium")
    assert not Risk.objects.exists()

    f1.get_by_role("button", name="Save F1").click()
    expect(page.get_by_role("alert").filter(has_text="F1 saved.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"#section-F1$"))

    # F3's text was not saved, and it is not lost either: it is back in its section, marked.
    f3 = page.locator("#section-F3")
    expect(f3.get_by_label("Narrative")).to_have_value("NOT SAVED")
    expect(f3.get_by_role("status").filter(has_text="not saved yet")).to_be_visible()
    factors = {f.code: (f.rating, f.narrative) for f in assessment.factors.all()}
    assert factors["F1"] == ("medium", "Two recent grave violations by the battalion.")
    assert factors["F2"] == ("", "Nobody prosecuted.")
    assert factors["F3"] == ("", "")
    risk = Risk.objects.get()
    assert (risk.factor, risk.likelihood, risk.severity) == ("F1", 2, 4)
    expect(page.locator("#section-F1")).to_contain_text("Fuel diverted to a company with a record")
    expect(page.locator("#section-F2").get_by_label("Narrative")).to_have_value(
        "Nobody prosecuted."
    )
    # Rated now: the assessment page no longer says "not assessed yet".
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    expect(page.get_by_text("Not assessed yet")).to_have_count(0)
    assert violations == []  # the script runs under the Content Security Policy
