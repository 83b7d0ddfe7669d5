"""The decision rules and the risk levels at their edges (domain.md 3.2, 4.4, 4.5), each test
written from the rule's words: the day an assessment stops being current, the third grave
violation that makes a pattern, the score that turns a level, each measure status, each role."""

import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from assessments import workflow
from assessments.models import Level, MeasureStatus
from assessments.risk import (
    RiskProfile,
    at_least,
    highest,
    recipient_records,
    record_floor,
    risk_profile,
)
from assessments.rules import (
    approval_blockers,
    d1_assessment_current,
    d2_waiver_for_high_residual,
    d3_measure_for_recent_grave,
    d4_four_eyes,
    d5_extended_scope_answered,
    d6_accountability_safeguard,
    d7_communication_recorded,
    is_named_rule,
    resumption_ready,
)
from hrddp.accounts.models import Role
from hrddp.policy.models import PolicySettings
from hrddp.registry.models import VerificationStatus
from hrddp.support.models import Communication, CommunicationKind, RequestStatus
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    ViolationFactory,
    add_risk,
    category,
    make_request,
)

pytestmark = pytest.mark.django_db

ONE_DAY = datetime.timedelta(days=1)


def ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def refused_by(request, action, user, **data):
    try:
        workflow.apply(request.pk, action, user, reason="Decided.", **data)
    except workflow.TransitionBlocked as error:
        return {b.rule for b in error.blockers}
    return set()


# --- D1: "not older than the validity period" (365 days by default) --------------------------


@pytest.mark.parametrize(("age", "current"), [(0, True), (364, True), (365, True), (366, False)])
def test_d1_an_assessment_365_days_old_is_still_current_and_366_days_old_is_not(
    draft_request, to_decision, age, current
):
    assessment = to_decision(draft_request)
    submitted_on = timezone.localdate(assessment.submitted_at)
    blockers = d1_assessment_current(assessment, today=submitted_on + datetime.timedelta(days=age))
    assert [b.rule for b in blockers] == ([] if current else ["D1"])


def test_d1_a_manager_approves_an_assessment_exactly_365_days_old(
    draft_request, to_decision, manager
):
    to_decision(draft_request)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=365)):
        assert refused_by(draft_request, "approve", manager) == set()
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.APPROVED


@pytest.mark.parametrize(("age", "current"), [(30, True), (31, False)])
def test_d1_the_validity_period_is_the_policy_setting(draft_request, to_decision, age, current):
    policy = PolicySettings.get_solo()
    policy.validity_days = 30
    policy.save()
    assessment = to_decision(draft_request)
    submitted_on = timezone.localdate(assessment.submitted_at)
    blockers = d1_assessment_current(assessment, today=submitted_on + datetime.timedelta(days=age))
    assert [b.rule for b in blockers] == ([] if current else ["D1"])
    assert current or "30" in blockers[0].message


def test_d1_no_assessment_or_one_not_submitted_for_decision_is_refused(draft_request, to_decision):
    assert [b.rule for b in d1_assessment_current(None)] == ["D1"]
    assessment = to_decision(draft_request)
    assessment.submitted_at = None
    assert [b.rule for b in d1_assessment_current(assessment)] == ["D1"]


# --- D2: "residual risk high: approval only with a waiver: a written reason" ------------------


@pytest.mark.parametrize(
    ("residual", "waiver", "refused"),
    [
        (Level.HIGH, "", True),
        (Level.HIGH, "   \n", True),  # blank is not a written reason
        (Level.HIGH, None, True),
        (Level.HIGH, "Famine relief convoy.", False),
        (Level.MEDIUM, "", False),
        (Level.LOW, "", False),
    ],
)
def test_d2_a_high_residual_needs_a_written_waiver_reason(residual, waiver, refused):
    blockers = d2_waiver_for_high_residual(RiskProfile(residual=residual), waiver)
    assert [b.rule for b in blockers] == (["D2"] if refused else [])


# --- D3: "a recent countable grave violation: at least one measure agreed or in place" --------


@pytest.mark.parametrize(
    ("status", "refused"),
    [
        (MeasureStatus.PROPOSED, True),
        (MeasureStatus.AGREED, False),
        (MeasureStatus.IN_PLACE, False),
        (MeasureStatus.NOT_IMPLEMENTED, True),
        (MeasureStatus.LAPSED, True),
    ],
)
def test_d3_only_a_measure_agreed_or_in_place_answers_a_recent_grave_violation(
    mission, ssr_advisor, to_decision, manager, unit, status, refused
):
    # Governance support: D6 (capacity only) stays out of the way.
    request = make_request(
        mission, ssr_advisor, [unit], support_types=("oversight_accountability",)
    )
    ViolationFactory(units=[unit], date=ago(100))
    to_decision(request, lambda a: add_risk(a, 1, 1, measures=[("limits", status)]))
    assert ("D3" in refused_by(request, "approve", manager)) is refused


@pytest.mark.parametrize(("age", "refused"), [(364, True), (365, False)])
def test_d3_applies_to_a_grave_violation_within_the_lookback_window_only(
    mission, ssr_advisor, to_decision, manager, unit, age, refused
):
    """Recent: within the 365-day window that ends today, so 364 days ago and not 365."""
    request = make_request(
        mission, ssr_advisor, [unit], support_types=("oversight_accountability",)
    )
    ViolationFactory(units=[unit], date=ago(age))
    to_decision(request)
    assert refused_by(request, "approve", manager) == ({"D3"} if refused else set())


@pytest.mark.parametrize(
    ("code", "status", "refused"),
    [
        ("torture", VerificationStatus.VERIFIED, True),
        ("torture", VerificationStatus.CREDIBLE, True),
        ("torture", VerificationStatus.ALLEGED, False),
        ("torture", VerificationStatus.DISCOUNTED, False),
        ("refoulement", VerificationStatus.CREDIBLE, True),
        ("arbitrary_detention", VerificationStatus.VERIFIED, False),
        ("looting", VerificationStatus.VERIFIED, False),
    ],
)
def test_d3_counts_only_grave_violations_credible_or_verified(
    mission, ssr_advisor, to_decision, manager, unit, code, status, refused
):
    request = make_request(
        mission, ssr_advisor, [unit], support_types=("oversight_accountability",)
    )
    ViolationFactory(units=[unit], category=category(code), verification_status=status)
    to_decision(request)
    assert refused_by(request, "approve", manager) == ({"D3"} if refused else set())


def test_d3_names_the_recipient_whose_record_holds_the_violation(
    mission, ssr_advisor, to_decision, manager
):
    clean, tainted = UnitFactory(name="Clean Company"), UnitFactory(name="Tainted Company")
    request = make_request(
        mission, ssr_advisor, [clean, tainted], support_types=("oversight_accountability",)
    )
    ViolationFactory(units=[tainted], date=ago(10))
    to_decision(request)
    with pytest.raises(workflow.TransitionBlocked) as error:
        workflow.apply(request.pk, "approve", manager, reason="Decided.")
    [d3] = [b for b in error.value.blockers if b.rule == "D3"]
    assert "Tainted Company" in d3.message and "Clean Company" not in d3.message


# --- D4: "the drafter of the request or of the assessment cannot decide on it" ----------------


def test_d4_only_the_drafters_are_refused(mission, draft_request, to_decision, manager, hro):
    assessment = to_decision(draft_request)
    assert [b.rule for b in d4_four_eyes(draft_request, assessment, draft_request.created_by)] == [
        "D4"
    ]
    assert [b.rule for b in d4_four_eyes(draft_request, assessment, hro)] == ["D4"]
    assert d4_four_eyes(draft_request, assessment, manager) == []
    assert d4_four_eyes(draft_request, None, manager) == []


# --- D5: only extended-scope requests answer S1–S5 -------------------------------------------


def test_d5_a_policy_scope_request_is_not_asked_s1_to_s5(draft_request, to_decision, manager):
    assert not draft_request.is_extended_scope
    to_decision(draft_request, scope=False)
    assert refused_by(draft_request, "approve", manager) == set()


# --- D6: "capacity support with residual or inherent risk medium or above: an accountability
#         safeguard agreed or in place" --------------------------------------------------------


@pytest.mark.parametrize(
    ("likelihood", "severity", "refused"),
    [(2, 3, False), (2, 4, True), (3, 4, True), (3, 5, True)],  # scores 6 | 8, 12 | 15
)
def test_d6_applies_from_a_medium_score(
    draft_request, to_decision, manager, likelihood, severity, refused
):
    to_decision(
        draft_request,
        lambda a: add_risk(
            a, likelihood, severity, measures=[("non_lethal_only", MeasureStatus.AGREED)]
        ),
    )
    assert (
        "D6" in refused_by(draft_request, "approve", manager, waiver_reason="Vital.")
    ) is refused


def test_d6_applies_on_a_medium_residual_even_with_a_low_inherent_score(
    draft_request, to_decision, manager
):
    to_decision(draft_request, lambda a: add_risk(a, 1, 1, residual=(3, 3)))
    assert refused_by(draft_request, "approve", manager) == {"D6"}


def test_d6_applies_on_the_record_floor(draft_request, to_decision, manager, unit):
    """A recent grave violation sets the inherent risk to medium, so capacity support needs a
    safeguard, even with a low score and a (non-safeguard) measure agreed for D3."""
    ViolationFactory(units=[unit], date=ago(20))
    to_decision(
        draft_request, lambda a: add_risk(a, 1, 1, measures=[("limits", MeasureStatus.AGREED)])
    )
    assert refused_by(draft_request, "approve", manager) == {"D6"}


@pytest.mark.parametrize(
    ("status", "refused"),
    [
        (MeasureStatus.PROPOSED, True),
        (MeasureStatus.AGREED, False),
        (MeasureStatus.IN_PLACE, False),
        (MeasureStatus.NOT_IMPLEMENTED, True),
        (MeasureStatus.LAPSED, True),
    ],
)
def test_d6_only_a_safeguard_agreed_or_in_place_counts(
    draft_request, to_decision, manager, status, refused
):
    to_decision(draft_request, lambda a: add_risk(a, 3, 3, measures=[("screening", status)]))
    assert refused_by(draft_request, "approve", manager) == ({"D6"} if refused else set())


def test_d6_applies_when_any_support_type_is_capacity(
    mission, ssr_advisor, to_decision, manager, unit
):
    request = make_request(
        mission, ssr_advisor, [unit], support_types=("oversight_accountability", "logistics")
    )
    to_decision(request, lambda a: add_risk(a, 3, 3))
    assert refused_by(request, "approve", manager) == {"D6"}


# --- Who decides: managers only ---------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.HRO, Role.AUDITOR, Role.ADMINISTRATOR, None])
def test_only_a_manager_approves_or_rejects(mission, draft_request, to_decision, role):
    to_decision(draft_request)
    user = UserFactory(roles=[(mission, role)] if role else [])
    for action in ("approve", "reject"):
        with pytest.raises(workflow.RoleRefused):
            workflow.apply(draft_request.pk, action, user, reason="Decided.")
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.AWAITING_DECISION


def test_a_manager_of_another_entity_cannot_decide(agency, draft_request, to_decision):
    to_decision(draft_request)
    elsewhere = UserFactory(roles=[(agency, Role.MANAGER)])
    with pytest.raises(workflow.RoleRefused):
        workflow.apply(draft_request.pk, "approve", elsewhere, reason="Decided.")


def test_the_rules_a_refusal_names_first():
    assert all(is_named_rule(rule) for rule in ("D1", "D7", "D8", "resumption"))
    assert not any(is_named_rule(rule) for rule in ("state", "role", "reason"))


# --- Scores and levels: "low 1–6, medium 7–14, high 15–25" --------------------------------


@pytest.mark.parametrize(
    ("likelihood", "severity", "level"),
    [
        (1, 1, "low"),
        (2, 3, "low"),
        (2, 4, "medium"),
        (3, 4, "medium"),
        (3, 5, "high"),
        (5, 5, "high"),
    ],
)
def test_inherent_level_of_one_risk_from_its_score(
    draft_request, to_decision, likelihood, severity, level
):
    profile = risk_profile(to_decision(draft_request, lambda a: add_risk(a, likelihood, severity)))
    assert profile.inherent == level and profile.floor is None
    assert profile.inherent_reasons == [
        f"Risk “Risk {likelihood}x{severity}”: {likelihood} × {severity} = {likelihood * severity}"
    ]


def test_inherent_is_the_highest_of_the_risks_and_the_floor(draft_request, to_decision, unit):
    ViolationFactory(units=[unit], date=ago(10))  # floor medium

    def prepare(assessment):
        add_risk(assessment, 1, 2)
        add_risk(assessment, 3, 5)  # 15: high, above the floor

    profile = risk_profile(to_decision(draft_request, prepare))
    assert (profile.floor, profile.inherent) == (Level.MEDIUM, Level.HIGH)
    assert profile.inherent_reasons == ["Risk “Risk 3x5”: 3 × 5 = 15"]


def test_the_floor_raises_inherent_risk_above_low_scores(draft_request, to_decision, unit):
    ViolationFactory(units=[unit], date=ago(10))
    profile = risk_profile(to_decision(draft_request, lambda a: add_risk(a, 2, 3)))
    assert profile.inherent == Level.MEDIUM
    assert profile.inherent_reasons == [
        f"{unit}: a recent countable grave violation (floor medium)"
    ]


def test_an_assessment_without_risks_or_floor_is_low_and_says_why(draft_request, to_decision):
    profile = risk_profile(to_decision(draft_request))
    assert (profile.inherent, profile.residual) == (Level.LOW, Level.LOW)
    assert profile.inherent_reasons == ["No risk listed and no record floor"]
    assert profile.residual_reasons == ["No risk listed"]


@pytest.mark.parametrize(
    ("residual", "level", "reason"),
    [
        ((2, 3), "low", "6, after mitigation"),
        ((2, 4), "medium", "8, after mitigation"),
        ((3, 5), "high", "15, after mitigation"),
        ((None, 2), "high", "20, not re-rated"),  # half a re-rating is none
        ((2, None), "high", "20, not re-rated"),
    ],
)
def test_residual_is_the_re_rated_score_when_both_halves_are_re_rated(
    draft_request, to_decision, residual, level, reason
):
    profile = risk_profile(
        to_decision(draft_request, lambda a: add_risk(a, 5, 4, residual=residual))
    )
    assert profile.residual == level
    assert profile.residual_reasons == [f"Risk “Risk 5x4”: {reason}"]


def test_residual_reasons_name_only_the_risks_at_the_residual_level(draft_request, to_decision):
    def prepare(assessment):
        add_risk(assessment, 5, 5, residual=(1, 2))
        add_risk(assessment, 3, 3)

    profile = risk_profile(to_decision(draft_request, prepare))
    assert profile.residual == Level.MEDIUM
    assert profile.residual_reasons == ["Risk “Risk 3x3”: 9, not re-rated"]


# --- The record floor: "medium for a recent countable grave violation; high for a recent pattern
#     (at least 3), or a current commander with a countable grave violation at any date" ---------


@pytest.mark.parametrize(
    ("count", "floor"), [(1, Level.MEDIUM), (2, Level.MEDIUM), (3, Level.HIGH)]
)
def test_three_recent_grave_violations_make_a_pattern_and_the_floor_high(
    draft_request, to_decision, unit, count, floor
):
    for n in range(count):
        ViolationFactory(units=[unit], date=ago(10 + n))
    ViolationFactory(units=[unit], date=ago(400))  # outside the window: never counts
    profile = risk_profile(to_decision(draft_request))
    assert profile.floor == floor and profile.inherent == floor
    if floor == Level.HIGH:
        assert profile.floor_reasons == [
            f"{unit}: 3 recent countable grave violations, a pattern (floor high)"
        ]
    else:
        assert profile.floor_reasons == [
            f"{unit}: a recent countable grave violation (floor medium)"
        ]


def test_the_pattern_threshold_is_the_policy_setting(draft_request, to_decision, unit):
    policy = PolicySettings.get_solo()
    policy.pattern_threshold = 4
    policy.save()
    for n in range(3):
        ViolationFactory(units=[unit], date=ago(10 + n))
    assert risk_profile(to_decision(draft_request)).floor == Level.MEDIUM


def test_the_floor_is_the_highest_over_all_recipients(mission, ssr_advisor, to_decision):
    patterned, single, clean = UnitFactory(), UnitFactory(), UnitFactory()
    for n in range(3):
        ViolationFactory(units=[patterned], date=ago(10 + n))
    ViolationFactory(units=[single], date=ago(10))
    # The unit with a pattern comes first: a later medium does not lower the floor.
    request = make_request(mission, ssr_advisor, [patterned, single, clean])
    assessment = to_decision(request)
    records = {unit: risk_profile(assessment).records[unit] for unit in (patterned, single, clean)}
    floor, reasons = record_floor(records)
    assert floor == Level.HIGH and len(reasons) == 2
    floor, _reasons = record_floor({clean: records[clean]})
    assert floor is None


def test_a_current_commander_with_an_old_grave_violation_sets_the_floor_high(
    draft_request, to_decision, unit
):
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=unit, start=ago(30))
    ViolationFactory(people=[colonel], date=ago(3000), category=category("enforced_disappearance"))
    profile = risk_profile(to_decision(draft_request))
    assert profile.floor == Level.HIGH
    assert profile.floor_reasons == [
        f"{unit}: a current commander has a countable grave violation (floor high)"
    ]


@pytest.mark.parametrize(
    ("status", "end", "high"),
    [
        (VerificationStatus.VERIFIED, None, True),
        (VerificationStatus.CREDIBLE, None, True),
        (VerificationStatus.ALLEGED, None, False),
        (VerificationStatus.VERIFIED, 1, False),  # commanded until yesterday: not current
    ],
)
def test_the_commander_floor_needs_a_countable_violation_and_a_current_command(
    draft_request, to_decision, unit, status, end, high
):
    colonel = PersonFactory()
    AssignmentFactory(person=colonel, unit=unit, start=ago(30), end=ago(end) if end else None)
    ViolationFactory(people=[colonel], date=ago(3000), verification_status=status)
    assert (risk_profile(to_decision(draft_request)).floor == Level.HIGH) is high


def test_level_helpers():
    assert highest([Level.LOW, Level.HIGH, Level.MEDIUM]) == Level.HIGH
    assert highest([]) is None
    assert at_least(Level.MEDIUM, Level.MEDIUM) and at_least(Level.HIGH, Level.MEDIUM)
    assert not at_least(Level.LOW, Level.MEDIUM) and not at_least(None, Level.LOW)


# --- D7: "a communication dated on or after the decision it notifies; none dated in the future"


def letter(request, kind, date, user):
    return Communication.objects.create(
        request=request,
        kind=kind,
        date=date,
        counterpart="Chief of Staff",
        summary="Letter.",
        recorded_by=user,
    )


def test_d7_counts_a_policy_letter_dated_from_the_decision_up_to_today(
    draft_request, to_decision, manager, ssr_advisor
):
    to_decision(draft_request)
    assert [b.rule for b in d7_communication_recorded(draft_request)] == ["D7"]  # not decided
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    draft_request.refresh_from_db()
    today = timezone.localdate()
    letter(draft_request, CommunicationKind.RESUMPTION, today, ssr_advisor)  # not a notification
    assert [b.rule for b in d7_communication_recorded(draft_request)] == ["D7"]
    letter(draft_request, CommunicationKind.POLICY_NOTIFICATION, today + ONE_DAY * 5, ssr_advisor)
    # Dated five days ahead: in the future today, on file once that day has come.
    assert [b.rule for b in d7_communication_recorded(draft_request)] == ["D7"]
    assert d7_communication_recorded(draft_request, today=today + ONE_DAY * 5) == []
    assert [
        b.rule for b in d7_communication_recorded(draft_request, today=today + ONE_DAY * 4)
    ] == ["D7"]


# --- Resumption: "a new assessment dated after the suspension, ... and a recorded resumption
#     communication", a letter that counts "only if it comes after the suspension it ends" -----


@pytest.fixture
def suspended(draft_request, activate, manager):
    activate(draft_request)
    workflow.apply(draft_request.pk, "suspend", manager, reason="Abuses.")
    draft_request.refresh_from_db()
    return draft_request


def resumption_messages(request, assessment, today=None):
    blockers = resumption_ready(request, assessment, today=today)
    assert {b.rule for b in blockers} <= {"resumption"}
    return [b.message for b in blockers]


NO_ASSESSMENT = "No assessment has been made since the suspension."
NO_LETTER = "No resumption letter to the authorities has been recorded since the suspension."


def test_resumption_needs_an_assessment_made_after_the_suspension(suspended, hro, ssr_advisor):
    old = suspended.decisions.get().assessment
    letter(suspended, CommunicationKind.RESUMPTION, timezone.localdate(), ssr_advisor)
    assert resumption_messages(suspended, None) == [NO_ASSESSMENT]
    assert resumption_messages(suspended, old) == [NO_ASSESSMENT]
    new = workflow.new_version(suspended.pk, hro)
    assert resumption_messages(suspended, new) == []


def test_resumption_needs_a_resumption_letter_dated_after_the_suspension(
    suspended, hro, ssr_advisor
):
    new = workflow.new_version(suspended.pk, hro)
    today = timezone.localdate()
    assert resumption_messages(suspended, new) == [NO_LETTER]
    letter(suspended, CommunicationKind.POLICY_NOTIFICATION, today, ssr_advisor)
    letter(suspended, CommunicationKind.RESUMPTION, today - ONE_DAY, ssr_advisor)  # before it
    assert resumption_messages(suspended, new) == [NO_LETTER]
    letter(suspended, CommunicationKind.RESUMPTION, today + ONE_DAY * 3, ssr_advisor)
    assert resumption_messages(suspended, new) == [NO_LETTER]  # dated in the future
    assert resumption_messages(suspended, new, today=today + ONE_DAY * 3) == []


def test_resumption_of_a_request_never_suspended_is_refused(draft_request, activate):
    activate(draft_request)
    assessment = draft_request.decisions.get().assessment
    assert resumption_messages(draft_request, assessment) == [NO_ASSESSMENT, NO_LETTER]


# --- A refusal explains itself in the reader's language: what blocks, what would unblock it ---


def test_every_refusal_says_why_and_what_would_unblock_it_in_the_readers_language(
    mission, ssr_advisor, hro, manager, unit, to_decision
):
    request = make_request(mission, ssr_advisor, [unit], support_types=("standard_setting",))
    assessment = to_decision(request, lambda a: add_risk(a, 5, 5, residual=(1, 1)))
    ViolationFactory(units=[unit], date=ago(10))
    assessment.scope_answers.filter(code="S2").update(answer="")
    profile = risk_profile(assessment)
    profile.residual = Level.HIGH
    capacity = make_request(mission, ssr_advisor, [unit])

    def refusals():
        old = assessment.submitted_at
        assessment.submitted_at = timezone.now() - datetime.timedelta(days=400)
        blockers = [
            *d1_assessment_current(None),
            *d1_assessment_current(assessment),
            *d2_waiver_for_high_residual(profile, ""),
            *d3_measure_for_recent_grave(assessment, profile),
            *d4_four_eyes(request, assessment, ssr_advisor),
            *d5_extended_scope_answered(request, assessment),
            *d6_accountability_safeguard(capacity, assessment, profile),
            *d7_communication_recorded(request),
            *resumption_ready(request, None),
        ]
        assessment.submitted_at = old
        return blockers

    with translation.override("en"):
        english = refusals()
    with translation.override("fr"):
        french = refusals()
    assert [b.rule for b in english] == [
        "D1", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "resumption", "resumption"
    ]  # fmt: skip
    assert "365" in english[1].message and "S2" in english[5].message
    assert str(unit) in english[3].message
    for en, fr in zip(english, french, strict=True):
        assert en.message and en.remedy and str(en) == f"{en.rule}: {en.message}"
        assert fr.message != en.message and fr.remedy != en.remedy, en.rule


def test_an_assessment_made_at_the_very_moment_of_the_suspension_is_not_after_it(suspended, hro):
    new = workflow.new_version(suspended.pk, hro)
    new.created_at = suspended.suspended_at
    assert resumption_messages(suspended, new) == [NO_ASSESSMENT, NO_LETTER]
    new.created_at = suspended.suspended_at + datetime.timedelta(microseconds=1)
    assert resumption_messages(suspended, new) == [NO_LETTER]


def test_d3_and_d6_count_only_the_measures_of_the_assessment_decided_on(
    mission, ssr_advisor, to_decision, manager, unit
):
    """Another request's agreed safeguard answers nothing here."""
    other = make_request(mission, ssr_advisor, [UnitFactory()])
    to_decision(other, lambda a: add_risk(a, 1, 1, measures=[("screening", MeasureStatus.AGREED)]))
    request = make_request(mission, ssr_advisor, [unit])
    ViolationFactory(units=[unit], date=ago(10))
    to_decision(request, lambda a: add_risk(a, 1, 1))
    assert refused_by(request, "approve", manager) == {"D3", "D6"}


def test_approval_blockers_as_of_a_date(draft_request, to_decision, manager):
    assessment = to_decision(draft_request)
    profile = risk_profile(assessment)
    submitted_on = timezone.localdate(assessment.submitted_at)

    def rules_on(age):
        today = submitted_on + datetime.timedelta(days=age)
        blockers = approval_blockers(draft_request, assessment, manager, profile, today=today)
        return [b.rule for b in blockers]

    assert rules_on(365) == [] and rules_on(366) == ["D1"]


def test_without_an_assessment_the_approval_is_refused_by_d1_alone(draft_request, manager):
    """No assessment to weigh: the other rules have nothing to say, D1 names the cause."""
    profile = RiskProfile(residual=Level.HIGH, inherent=Level.HIGH)
    blockers = approval_blockers(draft_request, None, manager, profile)
    assert [b.rule for b in blockers] == ["D1"]


def test_d2_applies_when_no_waiver_reason_is_given_at_all(draft_request, to_decision, manager):
    assessment = to_decision(draft_request)
    profile = risk_profile(assessment)
    profile.residual = Level.HIGH
    rules = [b.rule for b in approval_blockers(draft_request, assessment, manager, profile)]
    assert rules == ["D2", "D6"]  # D6 too: capacity support at a high residual


def test_d3_and_d5_list_every_unit_and_question_concerned(
    mission, ssr_advisor, to_decision, manager
):
    first, second = UnitFactory(name="First Company"), UnitFactory(name="Second Company")
    request = make_request(
        mission, ssr_advisor, [first, second], support_types=("vetting_support",)
    )
    for unit in (first, second):
        ViolationFactory(units=[unit], date=ago(10))
    assessment = to_decision(request)
    assessment.scope_answers.filter(code__in=["S2", "S4"]).update(answer="")
    with pytest.raises(workflow.TransitionBlocked) as error:
        workflow.apply(request.pk, "approve", manager, reason="Decided.")
    messages = {b.rule: b.message for b in error.value.blockers}
    assert "First Company, Second Company" in messages["D3"]
    assert "S2, S4" in messages["D5"]
    # With no assessment at all, every question is unanswered.
    [d5] = d5_extended_scope_answered(request, None)
    assert "S1, S2, S3, S4, S5" in d5.message


def test_the_risk_profile_as_of_a_date_and_under_given_settings(
    mission, ssr_advisor, to_decision, unit
):
    """The floor of the record as it stood on a date, and under the settings given."""
    other = UnitFactory()
    request = make_request(mission, ssr_advisor, [unit, other])
    ViolationFactory(units=[unit], date=ago(400))  # recent 100 days ago, not today
    ViolationFactory(units=[other], date=ago(100))
    assessment = to_decision(request)
    assert risk_profile(assessment).floor == Level.MEDIUM  # the other unit's
    then = risk_profile(assessment, as_of=ago(100))
    assert then.records[unit].has_recent_countable_grave and then.records[unit].as_of == ago(100)
    strict = PolicySettings(lookback_days=30, pattern_threshold=3, validity_days=365)
    profile = risk_profile(assessment, policy=strict)
    assert profile.floor is None and profile.policy is strict
    only = recipient_records(request, units=[other], policy=strict)
    assert list(only) == [other] and not only[other].has_recent_countable_grave
    assert recipient_records(request, as_of=ago(100))[unit].has_recent_countable_grave


def test_the_measures_that_count_are_the_same_when_a_page_prefetched_them(
    draft_request, to_decision
):
    from assessments.models import Assessment

    def prepare(assessment):
        add_risk(assessment, 3, 3, measures=[("screening", MeasureStatus.PROPOSED)])
        add_risk(assessment, 2, 2, measures=[("limits", MeasureStatus.AGREED)])

    assessment = to_decision(draft_request, prepare)
    prefetched = Assessment.objects.prefetch_related("risks__measures").get(pk=assessment.pk)
    counted = risk_profile(prefetched).effective_measures
    assert [m.measure_type.code for m in counted] == ["limits"]


@pytest.mark.parametrize("conditions", [None, "", "  \n "])
def test_approval_with_conditions_needs_the_conditions_written_out(
    draft_request, to_decision, manager, conditions
):
    to_decision(draft_request)
    data = {} if conditions is None else {"conditions": conditions}
    with pytest.raises(workflow.TransitionBlocked) as error:
        workflow.apply(
            draft_request.pk, "approve_with_conditions", manager, reason="Decided.", **data
        )
    [blocker] = error.value.blockers
    assert blocker.rule == "conditions" and blocker.message and blocker.remedy == ""
    with translation.override("fr"):
        assert workflow.needs_conditions(draft_request, None, manager, data)[0].message != (
            blocker.message
        )
    workflow.apply(
        draft_request.pk,
        "approve_with_conditions",
        manager,
        reason="Decided.",
        conditions="Monthly access for UN monitors.",
    )
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.APPROVED_WITH_CONDITIONS


def test_a_preview_of_an_approval_with_conditions_does_not_ask_for_them(draft_request, manager):
    assert workflow.needs_conditions(draft_request, None, manager, {"preview": True}) == []
