"""What a picker accepts when typed without JavaScript (issue 11): the label with its id as the page
shows it, a bare id, an external reference, or a name or alias naming exactly one record that may
be chosen. Anything else is refused with a message naming the candidates and their ids."""

import pytest
from django.core.exceptions import ValidationError

from hrddp.pickers import queries as pickers
from hrddp.pickers.fields import MultiplePickerField, PickerField
from hrddp.registry.models import Unit
from tests.factories import InstitutionFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def brigade():
    army = InstitutionFactory(name="National Army")
    return UnitFactory(name="2nd Brigade", aliases=["2 Bde", "Tigers"], institution=army)


def units(**kwargs):
    return PickerField(pickers.UNITS, **kwargs)


def refusal(field, text):
    with pytest.raises(ValidationError) as refused:
        field.clean(text)
    return " ".join(refused.value.messages)


def test_the_label_with_its_id_as_the_page_shows_it(brigade):
    assert units().clean(f"2nd Brigade — National Army (#{brigade.pk})") == brigade


def test_a_bare_id_with_or_without_its_hash(brigade):
    assert units().clean(str(brigade.pk)) == brigade
    assert units().clean(f" #{brigade.pk} ") == brigade


def test_an_external_reference(brigade):
    brigade.external_ref = "UNIT-0042"
    brigade.save()
    assert units().clean("UNIT-0042") == brigade


def test_a_name_or_an_alias_naming_one_record_whatever_the_case(brigade):
    UnitFactory(name="2nd Brigade Support Group")
    assert units().clean("2ND   brigade") == brigade
    assert units().clean("tigers") == brigade


def test_part_of_an_alias_names_nothing(brigade):
    # "Bde" is in "2 Bde", but a whole alias is needed: the brigade is suggested, not chosen.
    message = refusal(units(), "Bde")
    assert "Nothing that can be chosen here is named “Bde”" in message
    assert f"(#{brigade.pk})" in message


def test_an_ambiguous_name_lists_the_candidates_with_their_ids(brigade):
    twin = UnitFactory(name="2nd Brigade", institution=InstitutionFactory(name="Gendarmerie"))
    message = refusal(units(), "2nd brigade")
    assert "names several records" in message
    assert f"2nd Brigade — National Army (#{brigade.pk})" in message
    assert f"2nd Brigade — Gendarmerie (#{twin.pk})" in message


def test_a_very_ambiguous_name_lists_ten_candidates(db):
    Unit.objects.bulk_create(
        Unit(name="Kanda Battalion", institution=InstitutionFactory()) for _ in range(15)
    )
    message = refusal(units(), "Kanda Battalion")
    assert "more than 10 records" in message
    assert message.count("(#") == 10


def test_an_unknown_name_suggests_close_matches(brigade):
    message = refusal(units(), "Brigade")
    assert "Close matches" in message and f"(#{brigade.pk})" in message


def test_an_unknown_name_with_nothing_close(brigade):
    assert refusal(units(), "Navy Seals") == (
        "Nothing that can be chosen here is named “Navy Seals”."
    )


def test_an_id_that_names_another_record_than_the_text_before_it(brigade):
    message = refusal(units(), f"3rd Battalion (#{brigade.pk})")
    assert f"#{brigade.pk} is “2nd Brigade — National Army”, not “3rd Battalion”" in message


def test_the_name_alone_before_the_id_is_enough(brigade):
    assert units().clean(f"2nd Brigade (#{brigade.pk})") == brigade
    assert units().clean(f"Tigers (#{brigade.pk})") == brigade


def test_a_record_outside_the_allowed_ones_cannot_be_chosen_by_any_route(brigade):
    other = UnitFactory(name="Other unit")
    only_other = units(queryset=Unit.objects.filter(pk=other.pk))
    brigade.external_ref = "UNIT-0042"
    brigade.save()
    assert refusal(only_other, str(brigade.pk)) == f"#{brigade.pk} cannot be chosen here."
    assert refusal(only_other, f"2nd Brigade (#{brigade.pk})") == (
        f"#{brigade.pk} cannot be chosen here."
    )
    for text in ("2nd Brigade", "Tigers", "UNIT-0042"):
        assert "Nothing that can be chosen here" in refusal(only_other, text)
        assert f"#{brigade.pk}" not in refusal(only_other, text)


def test_an_empty_text_is_no_choice_and_a_required_picker_says_so(brigade):
    assert units(required=False).clean("  ") is None
    assert refusal(units(), "") == "This field is required."


def test_several_values_one_per_line_or_separated_by_semicolons(brigade):
    battalion = UnitFactory(name="3rd Battalion")
    field = MultiplePickerField(pickers.UNITS)
    assert field.clean(f"Tigers\n#{battalion.pk}") == [brigade, battalion]
    assert field.clean(f"3rd battalion; 2 Bde ;; {brigade.pk}") == [battalion, brigade]


def test_several_values_report_each_one_that_names_nothing(brigade):
    message = refusal(MultiplePickerField(pickers.UNITS), "Tigers\nNavy Seals\nAir Wing")
    assert "“Navy Seals”" in message and "“Air Wing”" in message


def test_a_single_picker_takes_one_value_as_typed(brigade):
    # A ";" inside one value is part of the name, not a separator.
    assert "“Tigers; 2 Bde”" in refusal(units(), "Tigers; 2 Bde")


def test_people_are_found_by_alias_and_labelled_with_their_rank(db):
    person = PersonFactory(name="Jean Bosco", rank="Colonel", aliases=["JB"])
    field = PickerField(pickers.PEOPLE)
    assert field.clean("jb") == person
    assert field.clean(f"Colonel Jean Bosco (#{person.pk})") == person


def test_a_violation_is_typed_by_its_id_or_reference(db):
    from tests.factories import ViolationFactory

    violation = ViolationFactory(external_ref="V-9")
    field = PickerField(pickers.VIOLATIONS)
    assert field.clean(f"#{violation.pk}") == violation
    assert field.clean("V-9") == violation


def test_a_typed_id_reads_only_that_row(brigade, django_assert_num_queries):
    Unit.objects.bulk_create(Unit(name=f"U{n}", institution=brigade.institution) for n in range(50))
    with django_assert_num_queries(1):
        assert units().clean(f"2nd Brigade (#{brigade.pk})") == brigade


def test_the_field_shows_a_chosen_record_as_its_label_with_its_id(brigade):
    field = MultiplePickerField(pickers.UNITS)
    html = field.widget.render("units", [brigade.pk])
    assert f"2nd Brigade — National Army (#{brigade.pk})" in html
    assert 'data-picker-url="/pickers/units/"' in html
    assert "<option" not in html


def test_a_refused_text_stays_in_the_field_as_typed(brigade):
    field = MultiplePickerField(pickers.UNITS)
    html = field.widget.render("units", "Tigers\nNavy Seals")
    assert f"2nd Brigade — National Army (#{brigade.pk})\nNavy Seals" in html


def test_a_form_sees_no_change_when_the_same_records_come_back(brigade):
    battalion = UnitFactory(name="3rd Battalion")
    field = MultiplePickerField(pickers.UNITS)
    same = f"{brigade.pk}\n3rd Battalion"
    assert not field.has_changed(Unit.objects.filter(pk__in=[brigade.pk, battalion.pk]), same)
    assert not field.has_changed([str(brigade.pk), battalion], same)
    assert field.has_changed([brigade], same)
    assert not units().has_changed(str(brigade.pk), "Tigers")
    assert units().has_changed(None, "Tigers") and units().has_changed(brigade.pk, "Navy Seals")
