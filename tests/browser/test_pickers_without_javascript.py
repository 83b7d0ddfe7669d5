"""Without JavaScript a picker is a text input (issue 11): the name typed is read by the server,
and a name that fits several records is refused with the candidates and their ids."""

import pytest
from playwright.sync_api import expect

from hrddp.registry.models import CommandAssignment
from tests.factories import InstitutionFactory, PersonFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "java_script_enabled": False}


def test_an_assignment_is_recorded_by_typing_names(live_server, page, sign_in, hro):
    brigade = UnitFactory(name="2nd Brigade", institution=InstitutionFactory(name="Army"))
    twin = UnitFactory(name="2nd Brigade", institution=InstitutionFactory(name="Police"))
    bosco = PersonFactory(name="Jean Bosco")
    sign_in("hro")
    page.goto(f"{live_server.url}/registry/assignments/new/")

    page.get_by_label("Person").fill("Jean Bosco")
    page.get_by_label("Unit").fill("2nd Brigade")
    page.get_by_label("From").fill("2024-01-01")
    page.get_by_role("button", name="Save").click()

    # Two units have that name: the page names both with their ids, and keeps what was typed.
    expect(page.get_by_text(f"2nd Brigade — Police (#{twin.pk})")).to_be_visible()
    expect(page.get_by_label("Person")).to_have_value(f"Colonel Jean Bosco (#{bosco.pk})")
    page.get_by_label("Unit").fill(f"2nd Brigade (#{brigade.pk})")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("saved", exact=False).first).to_be_visible()
    assignment = CommandAssignment.objects.get()
    assert (assignment.person, assignment.unit) == (bosco, brigade)
