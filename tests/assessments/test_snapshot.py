"""What the manager knew (domain.md 4.5): when a version is submitted for decision, what it shows
of each recipient's record is frozen with it. A decided version always shows that snapshot; later
changes to the live record are shown apart, "since the decision"."""

import re

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import translation

from assessments import snapshots, workflow
from assessments.models import (
    AssessmentSnapshot,
    Decision,
    RecordSnapshot,
    SnapshotViolation,
)
from assessments.risk import Reason
from hrddp.registry.models import VerificationStatus
from hrddp.registry.services import set_verification_status
from tests.factories import (
    UnitFactory,
    ViolationFactory,
    api_client,
    category,
    days_ago,
    make_request,
)

pytestmark = pytest.mark.django_db


def section(html, heading_id):
    """The page's ``<section aria-labelledby=heading_id>``, whole."""
    match = re.search(
        rf'<section aria-labelledby="{heading_id}".*?</section>', html, flags=re.DOTALL
    )
    assert match, heading_id
    return match.group(0)


def without_since(html):
    return re.sub(
        r'<section aria-labelledby="since-heading".*?</section>', "", html, flags=re.DOTALL
    )


def frozen_parts(html):
    """What the decision was taken on: the risk levels and the recipients' records."""
    return section(html, "levels-heading"), section(html, "recipients-heading")


@pytest.fixture
def battalion(db):
    return UnitFactory(name="3rd Battalion")


@pytest.fixture
def decided(mission, ssr_advisor, manager, to_decision, battalion):
    """A request for the battalion, whose record holds an old verified torture case (outside the
    lookback), approved; returns the decided assessment."""
    ViolationFactory(units=[battalion], date=days_ago(500), location="Old case")
    support = make_request(mission, ssr_advisor, [battalion])
    assessment = to_decision(support)
    workflow.apply(support.pk, "approve", manager, reason="Low risk.")
    assessment.refresh_from_db()
    return assessment


def pages_of(client, assessment):
    page = client.get(reverse("assessments:detail", args=[assessment.pk]))
    printed = client.get(reverse("assessments:print", args=[assessment.pk]))
    assert page.status_code == printed.status_code == 200
    return page.content.decode(), printed.content.decode()


def test_what_the_manager_knew_verifying_a_grave_violation_after_the_decision_changes_nothing_decided(
    decided, battalion, hro, manager, client_for
):
    client = client_for(manager)
    page_before, print_before = pages_of(client, decided)
    api_before = api_client(manager).get(f"/api/v1/assessments/{decided.pk}/").json()
    assert "floor medium" not in page_before

    # After the decision, an alleged torture case in the battalion is verified.
    violation = ViolationFactory(
        units=[battalion],
        date=days_ago(20),
        location="Checkpoint 4",
        verification_status=VerificationStatus.ALLEGED,
    )
    set_verification_status(violation, VerificationStatus.VERIFIED, hro)

    page_after, print_after = pages_of(client, decided)
    assert frozen_parts(page_after) == frozen_parts(page_before)
    assert "floor medium" not in section(page_after, "levels-heading")
    # The printable copy is the same but for the panel that lists what changed.
    assert without_since(print_after) == without_since(print_before)
    assert "floor medium" not in without_since(print_after)
    api_after = api_client(manager).get(f"/api/v1/assessments/{decided.pk}/").json()
    assert api_after["risk_levels"] == api_before["risk_levels"]
    assert api_after["snapshot"] == api_before["snapshot"]
    assert api_after["risk_levels"]["floor"] is None

    # Apart, under "Since the decision": the violation, new in the record, and the live floor.
    since = section(page_after, "since-heading")
    assert ">Since the decision</h2>" in since
    assert reverse("registry:violation_detail", args=[violation.pk]) in since
    assert "New in the record" in since and "Record floor now" in since
    assert ">Since the decision</h2>" in print_after and "Checkpoint" not in print_after
    changes = api_after["since_decision"]
    assert changes["floor"] == {"snapshot": None, "live": "medium"}
    [unit] = changes["units"]
    assert unit["unit"] == battalion.pk
    assert unit["new"] == {"count": 1, "violations": [violation.pk]}


def test_what_the_manager_knew_a_reverified_or_discounted_violation_is_listed_since_the_decision(
    mission, ssr_advisor, manager, hro, to_decision, battalion, client_for
):
    alleged = ViolationFactory(
        units=[battalion], date=days_ago(40), verification_status=VerificationStatus.ALLEGED
    )
    credible = ViolationFactory(
        units=[battalion],
        date=days_ago(600),
        category=category("torture"),
        verification_status=VerificationStatus.CREDIBLE,
    )
    support = make_request(mission, ssr_advisor, [battalion])
    assessment = to_decision(support)
    workflow.apply(support.pk, "approve", manager, reason="Low risk.")
    set_verification_status(alleged, VerificationStatus.VERIFIED, hro)
    set_verification_status(credible, VerificationStatus.DISCOUNTED, hro)

    html = client_for(manager).get(reverse("assessments:detail", args=[assessment.pk]))
    since = section(html.content.decode(), "since-heading")
    assert "Re-verified (status changed)" in since and "Discounted (no longer countable)" in since
    # In the frozen record, both keep the status they had when the version was submitted.
    records = section(html.content.decode(), "recipients-heading")
    assert "not counted: alleged" in records and "not counted: discounted" not in records
    body = api_client(manager).get(f"/api/v1/assessments/{assessment.pk}/").json()
    [unit] = body["since_decision"]["units"]
    assert unit["reverified"]["violations"] == [alleged.pk]
    assert unit["discounted"]["violations"] == [credible.pk]
    assert unit["new"]["count"] == unit["removed"]["count"] == 0


def test_what_the_manager_knew_a_violation_no_longer_in_the_record_is_listed_apart(
    decided, battalion, manager
):
    old = SnapshotViolation.objects.get(record__snapshot__assessment=decided, route="subtree")
    old_violation = old.violation
    old_violation.attributions.all().delete()
    body = api_client(manager).get(f"/api/v1/assessments/{decided.pk}/").json()
    [unit] = body["since_decision"]["units"]
    assert unit["removed"] == {"count": 1, "violations": [old_violation.pk]}
    subtree = body["snapshot"]["records"][0]["routes"]["subtree"]
    assert [v["id"] for v in subtree["results"]] == [old_violation.pk]


def test_what_the_manager_knew_a_version_awaiting_decision_shows_its_snapshot_and_changes_since_submission(
    mission, ssr_advisor, manager, to_decision, battalion, client_for
):
    assessment = to_decision(make_request(mission, ssr_advisor, [battalion]))
    ViolationFactory(units=[battalion], date=days_ago(10))
    html = client_for(manager).get(reverse("assessments:detail", args=[assessment.pk]))
    html = html.content.decode()
    assert ">Since the submission for decision</h2>" in html
    assert ">Since the decision</h2>" not in html
    assert "floor medium" not in section(html, "levels-heading")


def test_what_the_manager_knew_a_draft_shows_the_live_record(
    mission, ssr_advisor, hro, battalion, client_for
):
    support = make_request(mission, ssr_advisor, [battalion])
    workflow.apply(support.pk, "submit", ssr_advisor)
    workflow.apply(support.pk, "start_assessment", hro)
    assessment = workflow.current_assessment(support)
    ViolationFactory(units=[battalion], date=days_ago(10))
    html = client_for(hro).get(reverse("assessments:detail", args=[assessment.pk]))
    html = html.content.decode()
    assert "floor medium" in section(html, "levels-heading")
    assert "since-heading" not in html and "No snapshot was taken" not in html
    body = api_client(hro).get(f"/api/v1/assessments/{assessment.pk}/").json()
    assert body["snapshot"] is None and body["since_decision"] is None
    assert body["risk_levels"]["floor"] == "medium"


def test_what_the_manager_knew_a_send_back_keeps_the_first_snapshot_and_resubmission_takes_a_second(
    mission, ssr_advisor, manager, hro, to_decision, battalion
):
    support = make_request(mission, ssr_advisor, [battalion])
    assessment = to_decision(support)
    [first] = AssessmentSnapshot.objects.filter(assessment=assessment)
    assert first.floor == "" and first.taken_by == hro
    workflow.apply(support.pk, "send_back", manager, reason="More on F5.")
    ViolationFactory(units=[battalion], date=days_ago(15))
    workflow.apply(support.pk, "submit_for_decision", hro)
    first_again, second = AssessmentSnapshot.objects.filter(assessment=assessment)
    assert first_again == first and first_again.floor == ""
    assert second.floor == "medium"
    assert RecordSnapshot.objects.get(snapshot=first).recent_countable_grave_count == 0
    assert RecordSnapshot.objects.get(snapshot=second).recent_countable_grave_count == 1
    # The decision is resolved to the snapshot it was taken on: the latest before it.
    workflow.apply(support.pk, "reject", manager, reason="Recent torture case.")
    assert Decision.objects.get(assessment=assessment).snapshot == second


def test_what_the_manager_knew_snapshot_rows_cannot_be_updated_or_deleted(decided):
    snapshot = AssessmentSnapshot.objects.get(assessment=decided)
    record = RecordSnapshot.objects.get(snapshot=snapshot)
    row = SnapshotViolation.objects.filter(record=record).first()
    for queryset, change in (
        (AssessmentSnapshot.objects.filter(pk=snapshot.pk), {"floor": "high"}),
        (RecordSnapshot.objects.filter(pk=record.pk), {"recent_countable_grave_count": 9}),
        (SnapshotViolation.objects.filter(pk=row.pk), {"verification_status": "discounted"}),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            queryset.update(**change)
        with pytest.raises(DatabaseError), transaction.atomic():
            queryset.delete()
    assert SnapshotViolation.objects.get(pk=row.pk).verification_status == "verified"


def test_what_the_manager_knew_the_snapshot_keeps_the_newest_per_route_and_every_recent_countable_grave(
    mission, ssr_advisor, to_decision, battalion, monkeypatch
):
    """With a cap of 3: the 3 newest of the route and the 2 recent countable grave ones; the
    counts and flags as the live record showed them."""
    monkeypatch.setattr("hrddp.registry.queries.RECORD_CAP", 3)
    monkeypatch.setattr(snapshots, "RECORD_CAP", 3)
    old_grave = [ViolationFactory(units=[battalion], date=days_ago(300 + n)) for n in range(2)]
    newer = [
        ViolationFactory(
            units=[battalion], date=days_ago(5 + n), verification_status=VerificationStatus.ALLEGED
        )
        for n in range(4)
    ]
    assessment = to_decision(make_request(mission, ssr_advisor, [battalion]))
    record = RecordSnapshot.objects.get(snapshot__assessment=assessment)
    kept = set(record.violations.filter(route="subtree").values_list("violation_id", flat=True))
    assert kept == {v.pk for v in newer[:3]} | {v.pk for v in old_grave}
    assert record.counts["subtree"] == 4 and record.counts["record"] == 4  # capped: 3 + 1
    assert record.recent_countable_grave_count == 2


def test_what_the_manager_knew_an_ssr_advisor_sees_counts_only_and_no_violation_links(
    decided, battalion, hro, ssr_advisor, client_for
):
    violation = ViolationFactory(units=[battalion], date=days_ago(3))
    html = client_for(ssr_advisor).get(reverse("assessments:detail", args=[decided.pk]))
    html = html.content.decode()
    assert "/registry/violations/" not in html
    assert "counts only" in section(html, "recipients-heading")
    since = section(html, "since-heading")
    assert "New in the record: 1" in " ".join(since.split())
    assert str(violation.pk) not in re.findall(r'href="[^"]*"', since).__str__()
    body = api_client(ssr_advisor).get(f"/api/v1/assessments/{decided.pk}/").json()
    [record] = body["snapshot"]["records"]
    assert record["view"] == "summary" and "routes" not in record
    assert "violations" not in body["since_decision"]["units"][0]["new"]


def test_what_the_manager_knew_a_user_outside_the_entity_gets_404(decided, outsider, client_for):
    client = client_for(outsider)
    assert client.get(reverse("assessments:detail", args=[decided.pk])).status_code == 404
    assert client.get(reverse("assessments:print", args=[decided.pk])).status_code == 404
    assert api_client(outsider).get(f"/api/v1/assessments/{decided.pk}/").status_code == 404


def test_what_the_manager_knew_a_version_decided_before_snapshots_shows_the_live_record_with_a_notice(
    mission, ssr_advisor, manager, to_decision, battalion, client_for, monkeypatch
):
    monkeypatch.setattr(snapshots, "take", lambda *args, **kwargs: None)
    support = make_request(mission, ssr_advisor, [battalion])
    assessment = to_decision(support)
    workflow.apply(support.pk, "approve", manager, reason="Low risk.")
    ViolationFactory(units=[battalion], date=days_ago(10))
    html = client_for(manager).get(reverse("assessments:detail", args=[assessment.pk]))
    html = html.content.decode()
    assert "No snapshot was taken for this version" in html
    assert "floor medium" in section(html, "levels-heading")
    assert "since-heading" not in html
    printed = client_for(manager).get(reverse("assessments:print", args=[assessment.pk]))
    assert "No snapshot was taken for this version" in printed.content.decode()
    body = api_client(manager).get(f"/api/v1/assessments/{assessment.pk}/").json()
    assert body["snapshot"] is None and body["since_decision"] is None
    assert Decision.objects.get(assessment=assessment).snapshot is None


def test_what_the_manager_knew_reasons_are_stored_as_codes_and_read_in_the_readers_language(
    mission, ssr_advisor, to_decision, battalion
):
    ViolationFactory(units=[battalion], date=days_ago(10))
    with translation.override("fr"):
        assessment = to_decision(make_request(mission, ssr_advisor, [battalion]))
    snapshot = AssessmentSnapshot.objects.get(assessment=assessment)
    assert snapshot.floor_reasons == [
        {
            "msgid": "%(unit)s: a recent countable grave violation (floor medium)",
            "params": {"unit": "3rd Battalion"},
        }
    ]
    assert snapshot.residual_reasons == [{"msgid": "No risk listed", "params": {}}]
    [reason] = [Reason.from_data(data) for data in snapshot.residual_reasons]
    with translation.override("fr"):
        assert str(reason) == "Aucun risque répertorié"
    with translation.override("en"):
        assert str(reason) == "No risk listed"


def build(rows, mission, ssr_advisor, manager, to_decision):
    """A decided request for ``rows`` units, each with ``rows`` violations in its record, and as
    many more after the decision, some re-verified."""
    units = [UnitFactory(name=f"Unit {n}") for n in range(rows)]
    for unit in units:
        for n in range(rows):
            ViolationFactory(units=[unit], date=days_ago(400 + n))
            ViolationFactory(
                units=[unit], date=days_ago(30 + n), verification_status=VerificationStatus.ALLEGED
            )
    support = make_request(mission, ssr_advisor, units)
    assessment = to_decision(support)
    workflow.apply(support.pk, "approve", manager, reason="Low risk.")
    for unit in units:
        for n in range(rows):
            ViolationFactory(units=[unit], date=days_ago(1 + n))
    return assessment


@pytest.mark.parametrize("persona", ["manager", "ssr_advisor"])
def test_what_the_manager_knew_the_page_queries_do_not_grow_with_violations_or_units(
    persona, request, mission, ssr_advisor, manager, to_decision, client_for,
    django_assert_max_num_queries,
):  # fmt: skip
    counts = []
    client = client_for(request.getfixturevalue(persona))
    for rows in (2, 12):
        assessment = build(rows, mission, ssr_advisor, manager, to_decision)
        for name in ("assessments:detail", "assessments:print"):
            with django_assert_max_num_queries(15, info=name) as captured:
                response = client.get(reverse(name, args=[assessment.pk]))
            assert response.status_code == 200
            counts.append(len(captured.captured_queries))
        assert "Since the decision" in response.content.decode()
    assert counts[:2] == counts[2:]


def test_what_the_manager_knew_a_record_over_the_cap_lists_only_what_really_changed(
    mission, ssr_advisor, to_decision, battalion, monkeypatch
):
    """With a cap of 3 and 6 recent countable grave violations, the snapshot keeps some of them
    only: those it did not keep are not "new" since; one recorded after it is."""
    monkeypatch.setattr("hrddp.registry.queries.RECORD_CAP", 3)
    monkeypatch.setattr(snapshots, "RECORD_CAP", 3)
    for n in range(6):
        ViolationFactory(units=[battalion], date=days_ago(20 + n))
    assessment = to_decision(make_request(mission, ssr_advisor, [battalion]))

    def changes():
        snapshot = snapshots.load(snapshots.latest_snapshot_pk(assessment))
        since = snapshots.since(snapshot, assessment, {battalion: "full"})
        [unit] = since.units
        return {
            kind: [c.violation_id for c in change.items] for kind, change in unit.changes.items()
        }

    assert changes() == {"new": [], "reverified": [], "discounted": [], "removed": []}
    later = ViolationFactory(units=[battalion], date=days_ago(1))
    assert changes()["new"] == [later.pk]
