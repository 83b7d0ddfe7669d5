"""The unit page's record (domain.md 3.2), and how much of it each reader sees (domain.md 7)."""

import pytest
from django.urls import reverse

from hrddp.policy.models import PolicySettings
from hrddp.registry.models import VerificationStatus
from hrddp.support.models import RequestStatus
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    SourceFactory,
    SupportRequestFactory,
    UnitFactory,
    ViolationFactory,
    category,
    days_ago,
)

# Summaries are for units of submitted requests, not drafts (issue 12, hole 10).
SUBMITTED = RequestStatus.SUBMITTED

pytestmark = pytest.mark.django_db

ROUTE_HEADINGS = [
    "In this unit or its sub-units",
    "Under commanders at the time",
    "Brought by current commanders",
    "Context: violations of parent units (not counted)",
]


@pytest.fixture
def battalion_record():
    """brigade > battalion > company, with one violation reaching the battalion by each route."""
    brigade = UnitFactory(name="Brigade")
    battalion = UnitFactory(name="Battalion", parent=brigade)
    company = UnitFactory(name="Company", parent=battalion)
    elsewhere = UnitFactory(name="Far Unit")
    former = PersonFactory(name="Former Commander Mbeki")
    current = PersonFactory(name="Current Commander Lumumba")
    AssignmentFactory(person=former, unit=battalion, start=days_ago(300), end=days_ago(100))
    AssignmentFactory(person=current, unit=elsewhere, start=days_ago(900), end=days_ago(500))
    AssignmentFactory(person=current, unit=battalion, start=days_ago(50))
    violations = {
        "subtree": ViolationFactory(
            units=[company], date=days_ago(20), location="Kanda", narrative="NARRATIVE-IN-COMPANY"
        ),
        "commanded": ViolationFactory(
            people=[former], date=days_ago(200), location="Mweso", narrative="NARRATIVE-BY-FORMER"
        ),
        "current": ViolationFactory(
            people=[current],
            date=days_ago(700),
            location="Rutshuru",
            narrative="NARRATIVE-BY-CURRENT",
        ),
        "ancestor": ViolationFactory(
            units=[brigade], date=days_ago(10), location="Goma", narrative="NARRATIVE-AT-BRIGADE"
        ),
    }
    SourceFactory(violation=violations["subtree"], identity="Amina Witness-Identity")
    return battalion, violations


def unit_page(client, unit):
    response = client.get(reverse("registry:unit_detail", args=[unit.pk]))
    assert response.status_code == 200
    return response.content.decode()


def sections(content):
    """The record's text between each route heading and the next."""
    starts = [content.index(heading) for heading in ROUTE_HEADINGS] + [len(content)]
    assert starts[:-1] == sorted(starts[:-1])
    return [content[start:end] for start, end in zip(starts, starts[1:], strict=False)]


def violation_link(violation):
    return reverse("registry:violation_detail", args=[violation.pk])


def test_unit_page_groups_the_record_by_route_with_ancestors_as_context(
    client_for, hro, battalion_record
):
    battalion, violations = battalion_record
    content = unit_page(client_for(hro), battalion)
    subtree, commanded, current, ancestors = sections(content)
    order = ["subtree", "commanded", "current", "ancestor"]
    for section, key in zip((subtree, commanded, current, ancestors), order, strict=True):
        assert violation_link(violations[key]) in section
        for other in set(order) - {key}:
            assert violation_link(violations[other]) not in section


def test_ancestors_violations_do_not_raise_the_flags(client_for, manager):
    brigade = UnitFactory(name="Brigade")
    battalion = UnitFactory(name="Battalion", parent=brigade)
    for n in range(3):
        ViolationFactory(units=[brigade], date=days_ago(n + 1))
    content = unit_page(client_for(manager), battalion)
    flags = content[: content.index(ROUTE_HEADINGS[0])]
    assert "Yes" not in flags


def test_unit_page_shows_flags_with_the_policy_lookback_and_threshold(client_for, auditor):
    policy = PolicySettings.get_solo()
    policy.lookback_days, policy.pattern_threshold = 200, 2
    policy.save()
    unit = UnitFactory()
    ViolationFactory(units=[unit], date=days_ago(10))
    ViolationFactory(units=[unit], date=days_ago(150))
    ViolationFactory(units=[unit], date=days_ago(250))
    content = unit_page(client_for(auditor), unit)
    recent_flag = content[content.index("Recent countable grave violation") :]
    assert (
        recent_flag.index("within the last 200 days")
        < recent_flag.index("Yes (2)")
        < recent_flag.index("</li>")
    )
    pattern_flag = content[
        content.index("Pattern (at least 2 countable grave violations within the last 200 days)") :
    ]
    assert "Yes" in pattern_flag[: pattern_flag.index("</li>")]


def test_pattern_flag_is_off_below_the_threshold(client_for, auditor):
    unit = UnitFactory()
    ViolationFactory(units=[unit], date=days_ago(10))
    content = unit_page(client_for(auditor), unit)
    pattern_flag = content[content.index("Pattern (at least 3") :]
    assert "No" in pattern_flag[: pattern_flag.index("</li>")]


def test_discounted_violations_are_greyed_and_alleged_ones_marked_not_counted(client_for, hro):
    unit = UnitFactory()
    discounted = ViolationFactory(units=[unit], verification_status=VerificationStatus.DISCOUNTED)
    alleged = ViolationFactory(
        units=[unit],
        category=category("unlawful_killing"),
        verification_status=VerificationStatus.ALLEGED,
    )
    content = unit_page(client_for(hro), unit)
    discounted_row = content[: content.index(violation_link(discounted))].rsplit("<tr", 1)[1]
    assert 'class="violation-discounted"' in discounted_row
    alleged_row = content[content.index(violation_link(alleged)) :].split("</tr>", 1)[0]
    assert "not counted: alleged" in alleged_row
    flags = content[: content.index(ROUTE_HEADINGS[0])]
    assert "Yes" not in flags


@pytest.mark.parametrize("persona", ["hro", "manager", "auditor", "administrator"])
def test_registry_readers_see_the_full_record_without_narratives_or_sources(
    request, client_for, battalion_record, persona
):
    battalion, violations = battalion_record
    content = unit_page(client_for(request.getfixturevalue(persona)), battalion)
    for violation in violations.values():
        assert violation_link(violation) in content
        assert violation.narrative not in content
    assert "Amina Witness-Identity" not in content
    assert "Current Commander Lumumba" in content


def test_ssr_advisor_sees_a_summary_for_units_in_their_entitys_requests(
    client_for, ssr_advisor, mission, battalion_record
):
    battalion, violations = battalion_record
    SupportRequestFactory(entity=mission, recipient_units=[battalion], status=SUBMITTED)
    content = unit_page(client_for(ssr_advisor), battalion)
    assert "Summary of the record" in content
    assert "Torture or cruel treatment" in content and "Verified" in content
    summary_row = content[content.index("Torture or cruel treatment") :].split("</tr>", 1)[0]
    assert ">3<" in summary_row  # the three routes' violations; the brigade's is not counted
    assert "Recent countable grave violation" in content
    for violation in violations.values():
        assert violation.narrative not in content
        assert violation_link(violation) not in content
        assert violation.location not in content
    for name in ("Former Commander Mbeki", "Current Commander Lumumba", "Amina Witness-Identity"):
        assert name not in content
    for heading in ROUTE_HEADINGS:
        assert heading not in content


def test_ssr_advisor_sees_no_record_for_units_outside_their_entitys_requests(
    client_for, outsider, agency, mission, battalion_record
):
    battalion, violations = battalion_record
    SupportRequestFactory(entity=mission, recipient_units=[battalion], status=SUBMITTED)
    SupportRequestFactory(entity=agency, recipient_units=[UnitFactory()])
    content = unit_page(client_for(outsider), battalion)
    assert "shown to SSR advisors only for units named in their entity" in content
    assert "Torture or cruel treatment" not in content
    assert "Recent countable grave violation" not in content
    for violation in violations.values():
        assert violation_link(violation) not in content
        assert violation.narrative not in content
    assert "Current Commander Lumumba" not in content


def test_unit_page_shows_breadcrumb_children_and_command_assignments(
    client_for, manager, battalion_record
):
    battalion, violations = battalion_record
    content = unit_page(client_for(manager), battalion)
    breadcrumb = content[content.index('class="breadcrumb"') : content.index("</ol>")]
    assert breadcrumb.index("Brigade") < breadcrumb.index("Battalion")
    assert "Company" in content
    current = content[
        content.index("Current command assignments") : content.index("Past command assignments")
    ]
    assert "Current Commander Lumumba" in current and "Former Commander Mbeki" not in current
    past = content[content.index("Past command assignments") : content.index(ROUTE_HEADINGS[0])]
    assert "Former Commander Mbeki" in past


@pytest.mark.parametrize("extra", [0, 30])
def test_unit_page_query_count_does_not_grow_with_the_record(
    client_for, hro, battalion_record, django_assert_max_num_queries, extra
):
    battalion, violations = battalion_record
    client = client_for(hro)
    for n in range(extra):
        ViolationFactory(units=[battalion], date=days_ago(n + 1), people=[PersonFactory()])
        AssignmentFactory(unit=battalion, start=days_ago(400), end=days_ago(n + 300))
    with django_assert_max_num_queries(17):  # + 1: the unit's history
        unit_page(client, battalion)
