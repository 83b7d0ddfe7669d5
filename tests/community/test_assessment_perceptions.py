"""Perceptions on the assessment (domain.md 6.1): those of the recipients' institutions, units and
areas; factor F8 names the ones consulted."""

import pytest
from django.urls import reverse

from assessments import workflow
from assessments.models import Assessment
from hrddp.community.queries import perceptions_for
from tests.factories import InstitutionFactory, UnitFactory, make_request, section_post

pytestmark = pytest.mark.django_db


def detail(assessment):
    return reverse("assessments:detail", args=[assessment.pk])


def edit(assessment):
    return reverse("assessments:edit", args=[assessment.pk])


def main_post(assessment, perceptions=()):
    """The editor's F8 section, with the perceptions consulted."""
    return section_post(
        assessment, "F8", **{"F8-perceptions_consulted": [p.pk for p in perceptions]}
    )


@pytest.fixture
def matching(make_perception, unit):
    """One perception matching the assessment of ``unit`` by each route, and one that does not."""
    sibling = UnitFactory(institution=unit.institution, location="Far away")
    return {
        "institution": make_perception(
            institution=unit.institution, population_group="By-institution"
        ),
        "unit": make_perception(unit=unit, population_group="By-unit"),
        "sibling": make_perception(unit=sibling, population_group="By-sibling-unit"),
        "area": make_perception(area="kANDA", population_group="By-area"),
        "other": make_perception(
            institution=InstitutionFactory(), area="Kandahar", population_group="Unrelated"
        ),
    }


def test_perceptions_for_matches_institution_unit_and_area_and_nothing_else(
    assessment, matching, django_assert_num_queries
):
    with django_assert_num_queries(1):
        found = {p.pk for p in perceptions_for(assessment)}
    expected = {matching[key].pk for key in ("institution", "unit", "sibling", "area")}
    assert found == expected


def test_a_blank_unit_location_matches_no_area(assessment, unit, make_perception):
    unit.location = ""
    unit.save()
    make_perception(area="", institution=InstitutionFactory())
    assert not perceptions_for(assessment).exists()


def test_each_recipient_brings_its_own_perceptions(
    mission, ssr_advisor, hro, unit, make_perception
):
    second = UnitFactory(location="Bunia")
    request = make_request(mission, ssr_advisor, [unit, second])
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    assessment = workflow.current_assessment(request)
    in_bunia = make_perception(area="BUNIA")
    of_second = make_perception(institution=second.institution)
    assert {p.pk for p in perceptions_for(assessment)} == {in_bunia.pk, of_second.pk}


def test_the_assessment_page_shows_its_perceptions(client_for, manager, assessment, matching):
    page = client_for(manager).get(detail(assessment)).content.decode()
    assert "Community perceptions" in page
    for key in ("institution", "unit", "sibling", "area"):
        assert matching[key].population_group in page
    assert "Unrelated" not in page
    assert "Night searches." in page


def test_an_ssr_advisor_sees_the_perceptions_without_their_concerns(
    client_for, ssr_advisor, assessment, matching
):
    page = client_for(ssr_advisor).get(detail(assessment)).content.decode()
    assert "By-institution" in page and "Night searches." not in page


def test_the_hro_ticks_the_perceptions_consulted_and_f8_links_to_them(
    client_for, hro, assessment, matching
):
    client = client_for(hro)
    form_page = client.get(edit(assessment)).content.decode()
    assert 'name="F8-perceptions_consulted"' in form_page
    assert f'value="{matching["other"].pk}"' not in form_page

    consulted = [matching["unit"], matching["area"]]
    response = client.post(edit(assessment), main_post(assessment, consulted))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert set(assessment.perceptions_consulted.all()) == set(consulted)
    assert assessment.revision == 1

    page = client.get(detail(assessment)).content.decode()
    f8 = page.split("F8 Impact on the protection of civilians", 1)[1].split("</tr>", 1)[0]
    for perception in consulted:
        assert f'href="#perception-{perception.pk}"' in f8
        assert f'id="perception-{perception.pk}"' in page
    assert f'href="#perception-{matching["institution"].pk}"' not in f8
    assert page.count(">Consulted</span>") == 2


def test_unticking_removes_a_consulted_perception(client_for, hro, assessment, matching):
    assessment.perceptions_consulted.set([matching["unit"]])
    client = client_for(hro)
    assert client.post(edit(assessment), main_post(assessment)).status_code == 302
    assert not assessment.perceptions_consulted.exists()


def test_a_perception_unrelated_to_the_recipients_cannot_be_ticked(
    client_for, hro, assessment, matching
):
    response = client_for(hro).post(edit(assessment), main_post(assessment, [matching["other"]]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assessment.refresh_from_db()
    assert not assessment.perceptions_consulted.exists() and assessment.revision == 0


def test_a_consulted_perception_stays_offered_when_it_no_longer_matches(
    client_for, hro, assessment, matching
):
    moved = matching["area"]
    assessment.perceptions_consulted.set([moved])
    moved.area = "Somewhere else"
    moved.save()
    client = client_for(hro)
    assert f'value="{moved.pk}"' in client.get(edit(assessment)).content.decode()
    assert client.post(edit(assessment), main_post(assessment, [moved])).status_code == 302
    assert list(assessment.perceptions_consulted.all()) == [moved]


def test_a_new_version_keeps_the_perceptions_consulted(hro, assessment, matching):
    assessment.perceptions_consulted.set([matching["unit"], matching["area"]])
    copy = workflow.create_assessment(assessment.request, hro, copy_from=assessment)
    assert set(copy.perceptions_consulted.all()) == {matching["unit"], matching["area"]}
    assert Assessment.objects.get(pk=assessment.pk).perceptions_consulted.count() == 2
