"""The pickers in the browser (issue 11): a person types part of a name, picks from what the
server found, and the form saves the records picked, under the Content Security Policy."""

import re

import pytest
from playwright.sync_api import expect

from hrddp.registry.models import CommandAssignment
from tests.browser.test_csp import csp_violations  # noqa: F401 (a fixture)
from tests.factories import InstitutionFactory, PersonFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pick(page, label, typed, option):
    # The label's own name, then the asterisk of a required field.
    field = page.get_by_role("combobox", name=re.compile(rf"^{label}\b"))
    field.fill(typed)
    page.get_by_role("option", name=re.compile(re.escape(option))).click()


def test_an_hro_records_an_assignment_by_searching_for_the_person_and_the_unit(
    live_server,
    page,
    sign_in,
    hro,
    csp_violations,  # noqa: F811
):
    army = InstitutionFactory(name="National Army")
    brigade = UnitFactory(name="2nd Brigade", aliases=["Les Tigres"], institution=army)
    UnitFactory(name="2nd Brigade Support Group", institution=army)
    bosco = PersonFactory(name="Jean Bosco", rank="Major")
    sign_in("hro")
    page.goto(f"{live_server.url}/registry/assignments/new/")

    pick(page, "Person", "bosco", "Major Jean Bosco")
    pick(page, "Unit", "tigres", "2nd Brigade — National Army")
    expect(page.get_by_text(f"2nd Brigade — National Army (#{brigade.pk})")).to_be_visible()
    page.get_by_label("From").fill("2024-01-01")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("saved", exact=False).first).to_be_visible()
    assignment = CommandAssignment.objects.get()
    assert (assignment.person, assignment.unit) == (bosco, brigade)
    assert csp_violations == []


def test_a_filter_searches_and_the_list_follows_the_pick(
    live_server,
    page,
    sign_in,
    hro,
    csp_violations,  # noqa: F811
):
    army = InstitutionFactory(name="National Army")
    brigade = UnitFactory(name="2nd Brigade", institution=army)
    UnitFactory(name="Kanda Company", parent=brigade, institution=army)
    UnitFactory(name="Lonely Company", institution=army)
    sign_in("hro")
    page.goto(f"{live_server.url}/registry/units/")

    pick(page, "Parent unit", "2nd", "2nd Brigade — National Army")
    page.get_by_role("button", name="Filter").click()

    page.wait_for_url(re.compile(rf"parent={brigade.pk}"))
    expect(page.get_by_role("link", name="Kanda Company")).to_be_visible()
    expect(page.get_by_role("link", name="Lonely Company")).to_have_count(0)
    assert csp_violations == []
