"""One person, one record (domain.md 4.6, issue 15): "Two records found to be the same person are
merged by an HRO; the merge is a history row and can be undone." Every relation that points at a
person moves; the merge is recorded exactly so that undoing it restores exactly; refusals; and
"merging updates every unit record and request that depends on them (triggers fire as for any
change)"."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments import outbox
from assessments.models import Trigger, TriggerKind
from hrddp.registry import matching, merging
from hrddp.registry.models import (
    Attribution,
    CommandAssignment,
    Person,
    PersonEvent,
    PersonMerge,
    PersonMergeEvent,
    PersonNameKey,
)
from hrddp.screening.models import Candidate, Participant
from hrddp.support.models import RequestStatus
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    UnitFactory,
    ViolationFactory,
    active_request,
    make_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(db):
    """A (the record to merge) and B (the record kept)."""
    a = PersonFactory(
        name="Jean-Baptiste Mbuyi",
        aliases=["JB Mbuyi", "Mbuyi Jean Baptiste"],
        rank="Major",
        identifiers="FARDC-1234",
        birth_date=datetime.date(1975, 5, 1),
    )
    b = PersonFactory(name="MBUYI Jean Baptiste", aliases=["Le Major"], rank="", identifiers="")
    matching.index_people([a, b])
    return a, b


def merge(a, b, hro, reason="Same service number on both records."):
    return merging.merge(a, b, hro, reason)


def participant(request, user, person=None, name="J.-B. Mbuyi"):
    return Participant.objects.create(request=request, name=name, created_by=user, person=person)


# What moves


def test_merge_moves_assignments(pair, hro):
    a, b = pair
    assignment = AssignmentFactory(person=a)
    record = merge(a, b, hro)
    assignment.refresh_from_db()
    assert assignment.person == b
    assert record.moved["rows"]["registry.CommandAssignment.person"] == [assignment.pk]


def test_merge_moves_attributions(pair, hro):
    a, b = pair
    violation = ViolationFactory(people=[a])
    merge(a, b, hro)
    assert list(violation.attributions.values_list("person_id", flat=True)) == [b.pk]
    assert not Attribution.objects.filter(person=a).exists()


def test_merge_moves_named_individuals(pair, hro, mission, ssr_advisor):
    a, b = pair
    request = make_request(mission, ssr_advisor, [UnitFactory()])
    request.named_individuals.add(a)
    merge(a, b, hro)
    assert list(request.named_individuals.all()) == [b]


def test_merge_of_a_person_named_with_both_keeps_one_row_and_undo_brings_it_back(
    pair, hro, mission, ssr_advisor
):
    """The request names A and B: moving A's row would name B twice (a unique constraint). The
    row is dropped, recorded whole, and undoing puts it back as it was."""
    a, b = pair
    request = make_request(mission, ssr_advisor, [UnitFactory()])
    request.named_individuals.add(a, b)
    through = request.named_individuals.through
    a_row = through.objects.get(person=a)
    record = merge(a, b, hro)
    assert list(request.named_individuals.all()) == [b]
    dropped = record.moved["dropped"]["support.SupportRequest_named_individuals.person"]
    assert [row["pk"] for row in dropped] == [a_row.pk]
    merging.undo(record, hro, "Not the same man after all.")
    assert set(request.named_individuals.all()) == {a, b}
    assert through.objects.get(pk=a_row.pk).person_id == a.pk


def test_merge_moves_participants(pair, hro, mission, ssr_advisor):
    a, b = pair
    request = make_request(mission, ssr_advisor, [UnitFactory()])
    matched = participant(request, ssr_advisor, person=a)
    merge(a, b, hro)
    matched.refresh_from_db()
    assert matched.person == b


def test_merge_moves_candidates_and_drops_a_duplicate_candidate(pair, hro, mission, ssr_advisor):
    a, b = pair
    request = make_request(mission, ssr_advisor, [UnitFactory()])
    one = participant(request, ssr_advisor)
    other = participant(request, ssr_advisor, name="Mbuyi")
    moving = Candidate.objects.create(participant=one, person=a, score=91.0)
    # The other participant has both A and B as candidates: A's would repeat B's.
    duplicate = Candidate.objects.create(participant=other, person=a, score=88.0)
    Candidate.objects.create(participant=other, person=b, score=90.0)
    record = merge(a, b, hro)
    moving.refresh_from_db()
    assert moving.person == b
    assert not Candidate.objects.filter(pk=duplicate.pk).exists()
    assert set(other.candidates.values_list("person_id", flat=True)) == {b.pk}
    assert record.moved["rows"]["screening.Candidate.person"] == [moving.pk]
    assert [row["pk"] for row in record.moved["dropped"]["screening.Candidate.person"]] == [
        duplicate.pk
    ]


def test_merge_gives_names_as_aliases_and_fills_empty_fields_only(pair, hro):
    a, b = pair
    b.identifiers = "ID-B"
    b.save()
    record = merge(a, b, hro)
    b.refresh_from_db()
    # A's name and aliases become B's aliases; "Mbuyi Jean Baptiste" is B's name already.
    assert b.aliases == ["Le Major", "Jean-Baptiste Mbuyi", "JB Mbuyi"]
    assert b.rank == "Major"  # empty: filled
    assert b.identifiers == "ID-B"  # not empty: kept
    assert b.birth_date == datetime.date(1975, 5, 1)
    assert record.moved["aliases"] == ["Jean-Baptiste Mbuyi", "JB Mbuyi"]
    assert record.moved["fields"] == {"rank": "Major", "birth_date": "1975-05-01"}


def test_merge_marks_the_source_merged_and_rebuilds_the_name_index(pair, hro):
    a, b = pair
    merge(a, b, hro)
    a.refresh_from_db()
    assert a.merged_into == b
    assert not PersonNameKey.objects.filter(person=a).exists()
    # B is found by A's old name now, and A is not found at all.
    found = [match.person for match in matching.candidates("Jean-Baptiste Mbuyi")]
    assert b in found and a not in found


def test_merge_moves_every_relation_to_a_person(pair, hro):
    """Every kind of row that points at a person is moved by the merge (a relation added later is
    found too): only the merge's own bookkeeping and the history stay."""
    keys = {merging.relation_key(model, field) for model, field in merging.relations()}
    assert keys == {
        "registry.CommandAssignment.person",
        "registry.Attribution.person",
        "support.SupportRequest_named_individuals.person",
        "screening.Participant.person",
        "screening.Candidate.person",
    }


# History


def test_merge_is_a_history_row(pair, hro):
    a, b = pair
    record = merge(a, b, hro)
    [event] = PersonMergeEvent.objects.filter(pgh_obj=record, pgh_label="insert")
    assert (event.source_id, event.target_id, event.reason) == (
        a.pk,
        b.pk,
        "Same service number on both records.",
    )
    # Both people's own histories stay, each with the merge's change.
    assert PersonEvent.objects.filter(pgh_obj=a, merged_into=b).exists()
    assert PersonEvent.objects.filter(pgh_obj=b, rank="Major").exists()
    assert PersonEvent.objects.filter(pgh_obj=a, pgh_label="insert").exists()


def test_merge_shows_in_both_peoples_history(pair, hro):
    from hrddp.audit.history import history_of

    a, b = pair
    merge(a, b, hro)
    for person in (a, b):
        rows = history_of(person, hro).rows
        assert any(row.what.startswith("Merge of two people") for row in rows), rows


# Undo


def test_undo_restores_every_relation(pair, hro, mission, ssr_advisor):
    a, b = pair
    b_assignment = AssignmentFactory(person=b)
    assignment = AssignmentFactory(person=a)
    violation = ViolationFactory(people=[a])
    request = make_request(mission, ssr_advisor, [UnitFactory()])
    request.named_individuals.add(a)
    matched = participant(request, ssr_advisor, person=a)
    candidate = Candidate.objects.create(participant=matched, person=a, score=95.0)
    before_b = Person.objects.values().get(pk=b.pk)
    before_a = Person.objects.values().get(pk=a.pk)
    record = merge(a, b, hro)
    merging.undo(record, hro, "Two brothers, not one man.")
    assignment.refresh_from_db()
    matched.refresh_from_db()
    candidate.refresh_from_db()
    b_assignment.refresh_from_db()
    assert assignment.person_id == a.pk and b_assignment.person_id == b.pk
    assert list(violation.attributions.values_list("person_id", flat=True)) == [a.pk]
    assert list(request.named_individuals.all()) == [a]
    assert matched.person_id == a.pk and candidate.person_id == a.pk
    assert Person.objects.values().get(pk=b.pk) == before_b
    assert Person.objects.values().get(pk=a.pk) == before_a
    record.refresh_from_db()
    assert record.undone_by == hro and record.undo_reason == "Two brothers, not one man."
    assert PersonNameKey.objects.filter(person=a).exists()
    assert PersonMergeEvent.objects.filter(pgh_obj=record, pgh_label="update").exists()


def test_undo_leaves_what_changed_since_the_merge(pair, hro):
    """A field the merge filled and someone changed since is theirs: undo leaves it."""
    a, b = pair
    record = merge(a, b, hro)
    b.refresh_from_db()
    b.rank = "Colonel"
    b.save()
    merging.undo(record, hro, "Wrong merge.")
    b.refresh_from_db()
    assert b.rank == "Colonel" and b.birth_date is None and b.aliases == ["Le Major"]


# Refusals


def test_merge_refuses_merging_a_person_into_themselves(pair, hro):
    a, _b = pair
    with pytest.raises(merging.MergeRefused) as refusal:
        merge(a, a, hro)
    assert refusal.value.rule == "merge_same_person"


def test_merge_refuses_a_person_already_merged(pair, hro):
    a, b = pair
    merge(a, b, hro)
    with pytest.raises(merging.MergeRefused) as refusal:
        merge(a, PersonFactory(), hro)
    assert refusal.value.rule == "merge_source_merged"


def test_merge_refuses_merging_into_a_merged_person(pair, hro):
    a, b = pair
    merge(a, b, hro)
    with pytest.raises(merging.MergeRefused) as refusal:
        merge(PersonFactory(), a, hro)
    assert refusal.value.rule == "merge_target_merged"
    assert PersonMerge.objects.count() == 1


def test_undo_refuses_undoing_twice(pair, hro):
    a, b = pair
    record = merge(a, b, hro)
    merging.undo(record, hro, "Wrong.")
    with pytest.raises(merging.MergeRefused) as refusal:
        merging.undo(record, hro, "Again.")
    assert refusal.value.rule == "merge_already_undone"


def test_undo_refuses_while_a_later_merge_involves_them(pair, hro):
    a, b = pair
    first = merge(a, b, hro)
    c = PersonFactory()
    later = merge(b, c, hro)
    with pytest.raises(merging.MergeRefused) as refusal:
        merging.undo(first, hro, "Wrong.")
    assert refusal.value.rule == "merge_later_merge"
    merging.undo(later, hro, "Undo the later one first.")
    merging.undo(first, hro, "Then this one.")
    a.refresh_from_db()
    assert a.merged_into is None


def test_merge_needs_a_reason_and_an_hro(pair, hro, manager):
    a, b = pair
    with pytest.raises(ValidationError):
        merge(a, b, hro, reason="  ")
    with pytest.raises(PermissionDenied):
        merge(a, b, manager)
    a.refresh_from_db()
    assert a.merged_into is None and not PersonMerge.objects.exists()


def test_merge_is_one_transaction(pair, hro, monkeypatch):
    """Something failing half-way leaves nothing moved."""
    a, b = pair
    assignment = AssignmentFactory(person=a)

    def broken(people):
        raise RuntimeError("index down")

    monkeypatch.setattr(matching, "index_people", broken)
    with pytest.raises(RuntimeError):
        merge(a, b, hro)
    assignment.refresh_from_db()
    a.refresh_from_db()
    assert assignment.person_id == a.pk and a.merged_into is None


# Triggers fire as for any change


def test_merge_moving_a_grave_violation_to_a_commander_puts_their_request_under_review(
    pair, hro, mission, ssr_advisor, manager
):
    """B commands the recipient unit of an active request; A has a verified grave violation (no
    command: nothing fired). Merging A into B makes it B's: the request goes under review."""
    a, b = pair
    unit = UnitFactory()
    AssignmentFactory(person=b, unit=unit, start=datetime.date(2020, 1, 1))
    request = active_request(mission, ssr_advisor, hro, manager, units=[unit])
    ViolationFactory(people=[a], date=timezone.localdate() - datetime.timedelta(days=20))
    outbox.run_pending()
    request.refresh_from_db()
    assert request.status == RequestStatus.ACTIVE
    merge(a, b, hro)
    outbox.run_pending()
    request.refresh_from_db()
    assert request.status == RequestStatus.UNDER_REVIEW
    assert Trigger.objects.filter(request=request, kind=TriggerKind.VIOLATION).exists()


def test_merge_moving_a_command_to_a_person_with_a_grave_violation_fires_a_command_change(
    pair, hro, mission, ssr_advisor, manager
):
    a, b = pair
    unit = UnitFactory()
    assignment = AssignmentFactory(person=a, unit=unit, start=datetime.date(2020, 1, 1))
    request = active_request(mission, ssr_advisor, hro, manager, units=[unit])
    ViolationFactory(people=[b], date=timezone.localdate() - datetime.timedelta(days=20))
    outbox.run_pending()
    request.refresh_from_db()
    assert request.status == RequestStatus.ACTIVE
    merge(a, b, hro)
    outbox.run_pending()
    request.refresh_from_db()
    assert request.status == RequestStatus.UNDER_REVIEW
    assert Trigger.objects.filter(
        request=request, kind=TriggerKind.COMMAND_CHANGE, assignment=assignment
    ).exists()
    assert CommandAssignment.objects.get(pk=assignment.pk).person_id == b.pk
