"""Search everywhere (issue 15, "Search everywhere"): the header's search box finds units, people
(with the name matcher, across spellings and scripts), institutions and violations by reference,
with the same confidentiality as the lists (domain.md 7): people and violations for registry
readers only; each section capped, with a link to its list; a constant number of queries."""

import pytest
from django.urls import reverse

from hrddp.registry import search as finding
from tests.factories import InstitutionFactory, PersonFactory, UnitFactory, ViolationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    army = InstitutionFactory(name="Mbuyi Defence Force")
    unit = UnitFactory(name="Mbuyi Battalion", institution=army)
    person = PersonFactory(name="Jean-Baptiste Mbuyi", aliases=["Жан Мбуйи"])
    violation = ViolationFactory(units=[unit], external_ref="HR-2024-17")
    return army, unit, person, violation


def kinds(sections):
    return {section.kind: section.rows for section in sections}


def test_search_finds_units_people_and_institutions_by_name(hro, world):
    army, unit, person, _violation = world
    found = kinds(finding.search(hro, "Mbuyi"))
    assert found["units"] == [unit]
    assert found["people"] == [person]
    assert found["institutions"] == [army]
    assert found["violations"] == []


def test_search_finds_people_across_spellings_word_order_and_scripts(hro, world):
    _army, _unit, person, _violation = world
    for term in ("MBUYI Jean Baptiste", "Jean Baptist Mbuyi", "Жан-Батист Мбуйи"):
        assert kinds(finding.search(hro, term))["people"] == [person], term


def test_search_finds_violations_by_number_or_reference(hro, world):
    *_rest, violation = world
    assert kinds(finding.search(hro, "HR-2024-17"))["violations"] == [violation]
    assert kinds(finding.search(hro, f"#{violation.pk}"))["violations"] == [violation]
    assert kinds(finding.search(hro, str(violation.pk)))["violations"] == [violation]


def test_ssr_advisor_searches_units_and_institutions_but_not_people_or_violations(
    ssr_advisor, world
):
    *_rest, violation = world
    assert set(kinds(finding.search(ssr_advisor, "Mbuyi"))) == {"units", "institutions"}
    assert set(kinds(finding.search(ssr_advisor, f"#{violation.pk}"))) == {
        "units",
        "institutions",
    }


@pytest.mark.parametrize("persona", ["manager", "auditor"])
def test_registry_readers_search_people_and_violations(request, persona, world):
    user = request.getfixturevalue(persona)
    assert set(kinds(finding.search(user, "Mbuyi"))) == {
        "units",
        "people",
        "institutions",
        "violations",
    }


def test_no_role_and_empty_terms_find_nothing(no_role_user, hro, world):
    assert finding.search(no_role_user, "Mbuyi") == []
    assert finding.search(hro, "   ") == []


def test_each_section_is_capped_with_a_link_to_its_list(client_for, hro):
    army = InstitutionFactory(name="Army")
    for n in range(finding.SECTION_SIZE + 2):
        UnitFactory(name=f"Kivu Brigade {n}", institution=army)
    sections = kinds(finding.search(hro, "Kivu"))
    assert len(sections["units"]) == finding.SECTION_SIZE
    page = client_for(hro).get(reverse("search"), {"q": "Kivu"}).content.decode()
    assert f"{reverse('registry:unit_list')}?q=Kivu" in page


def test_search_runs_a_constant_number_of_queries(hro, django_assert_max_num_queries):
    army = InstitutionFactory(name="Kivu Army")
    for n in range(30):
        UnitFactory(name=f"Kivu Brigade {n}", institution=army)
        PersonFactory(name=f"Kivu Soldier {n}")
        ViolationFactory(external_ref=f"KIVU-{n}")
    with django_assert_max_num_queries(8):
        sections = finding.search(hro, "Kivu")
        # What the page shows of each row is read with it.
        for section in sections:
            for row in section.rows:
                str(row)
                getattr(row, "institution", None)


def test_search_page_shows_sections_and_reasons_in_words(client_for, hro, world):
    _army, unit, person, _violation = world
    response = client_for(hro).get(reverse("search"), {"q": "MBUYI Jean Baptiste"})
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("registry:person_detail", args=[person.pk]) in page
    assert "the same names in another order" in page
    assert "word_order" not in page


def test_search_page_hides_people_from_ssr_advisors(client_for, ssr_advisor, world):
    _army, unit, person, _violation = world
    page = client_for(ssr_advisor).get(reverse("search"), {"q": "Mbuyi"}).content.decode()
    assert reverse("registry:unit_detail", args=[unit.pk]) in page
    assert reverse("registry:person_detail", args=[person.pk]) not in page


def test_header_has_a_labelled_search_form_that_works_without_javascript(client_for, hro):
    page = client_for(hro).get(reverse("home")).content.decode()
    assert f'action="{reverse("search")}"' in page
    assert 'for="header-search"' in page and 'id="header-search" name="q"' in page
