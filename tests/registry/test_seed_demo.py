"""``manage.py seed_demo``: a fictional country, the same every time, inserted in bulk."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hrddp.accounts.models import Entity, Role, User
from hrddp.registry.models import (
    AccountabilityAction,
    Attribution,
    CommandAssignment,
    DatePrecision,
    Institution,
    Person,
    Responsibility,
    Source,
    Unit,
    VerificationStatus,
    Violation,
    ViolationCategory,
)
from hrddp.support.access import summary_unit_ids
from hrddp.support.models import SupportRequest
from tests.factories import EntityFactory, UserFactory

pytestmark = pytest.mark.django_db

DEMO_USERS = {
    "hro": ("mission", Role.HRO),
    "ssr": ("mission", Role.REQUESTER),
    "manager": ("mission", Role.MANAGER),
    "auditor": ("mission", Role.AUDITOR),
    "admin": ("mission", Role.ADMINISTRATOR),
    "undp_ssr": ("undp", Role.REQUESTER),
}


def seed(**options):
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def wipe():
    """Remove everything the seed wrote, keeping the vocabularies that the migrations seeded."""
    tables = ", ".join(
        model._meta.db_table
        for model in (Institution, Unit, Person, Violation, SupportRequest, User, Entity)
    )
    with connection.cursor() as cursor:
        # The test's transaction holds deferred foreign-key checks, which TRUNCATE refuses to skip.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {tables} CASCADE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def rows(queryset, *fields):
    return list(queryset.order_by(*fields).values_list(*fields))


def fingerprint():
    return {
        "units": rows(
            Unit.objects, "name", "parent__name", "institution__name", "location", "active_from"
        ),
        "people": rows(Person.objects, "name", "rank", "identifiers"),
        "assignments": rows(
            CommandAssignment.objects, "person__name", "unit__name", "role", "start", "end"
        ),
        "violations": rows(
            Violation.objects,
            "date",
            "category__code",
            "location",
            "narrative",
            "verification_status",
        ),
        "attributions": rows(
            Attribution.objects,
            "violation__date",
            "violation__narrative",
            "unit__name",
            "person__name",
            "responsibility",
        ),
        # Identities are stored encrypted (each time with a new key): compared as read.
        "sources": sorted(
            (source.violation.narrative, source.identity, source.contact, source.obtained_on)
            for source in Source.objects.select_related("violation", "key")
        ),
        "requests": rows(
            SupportRequest.objects, "title", "recipient_units__name", "created_by__username"
        ),
    }


def depth(unit_pk, parents):
    levels = 1
    while parents[unit_pk]:
        unit_pk = parents[unit_pk]
        levels += 1
    return levels


def test_seed_builds_a_country_of_the_announced_size():
    seed()
    today = timezone.localdate()

    assert Institution.objects.values("kind").distinct().count() >= 4
    assert not Institution.objects.filter(units=None).exists()
    assert Unit.objects.count() == 300
    assert Person.objects.count() == 500
    assert Violation.objects.count() == 3000
    parents = dict(Unit.objects.values_list("id", "parent_id"))
    deepest = max(parents, key=lambda pk: depth(pk, parents))
    assert len(Unit.objects.ancestors(Unit.objects.get(pk=deepest))) + 1 in (4, 5)

    ended = CommandAssignment.objects.filter(end__isnull=False)
    moved_on = CommandAssignment.objects.filter(
        person=OuterRef("person"), start__gt=OuterRef("end")
    ).exclude(unit=OuterRef("unit"))
    assert ended.filter(Exists(moved_on)).count() >= 50
    assert (
        Person.objects.annotate(units=Count("assignments__unit", distinct=True))
        .filter(units__gte=2)
        .exists()
    )
    assert CommandAssignment.objects.filter(end=None).count() >= 300

    dates = Violation.objects.aggregate(first=Min("date"), last=Max("date"))
    assert (
        today - datetime.timedelta(days=5 * 365)
        <= dates["first"]
        <= today - datetime.timedelta(days=3 * 365)
    )
    assert today - datetime.timedelta(days=30) <= dates["last"] <= today
    assert not CommandAssignment.objects.filter(start__gt=today).exists()
    assert not CommandAssignment.objects.filter(end__gt=today).exists()
    assert not CommandAssignment.objects.filter(end__lt=F("start")).exists()
    assert not AccountabilityAction.objects.filter(date__gt=today).exists()
    assert not AccountabilityAction.objects.filter(date__lt=F("violation__date")).exists()
    assert not Source.objects.filter(obtained_on__gt=today).exists()

    assert set(Attribution.objects.values_list("responsibility", flat=True)) == set(
        Responsibility.values
    )
    assert Attribution.objects.filter(person__isnull=False).count() >= 300
    with_actions = Violation.objects.filter(accountability_actions__isnull=False).distinct().count()
    with_sources = Violation.objects.filter(sources__isnull=False).distinct().count()
    assert 300 <= with_actions <= 1500
    assert 1000 <= with_sources <= 2500
    assert not Source.objects.filter(identity="").exclude(kind="document").exists()


def test_a_small_scale_still_shows_every_category_status_and_date_precision():
    seed(scale=0.1)

    assert Unit.objects.count() == 30
    assert Violation.objects.count() == 300
    assert Institution.objects.values("kind").distinct().count() >= 4
    parents = dict(Unit.objects.values_list("id", "parent_id"))
    assert max(depth(pk, parents) for pk in parents) in (4, 5)
    assert set(Violation.objects.values_list("category", flat=True)) == set(
        ViolationCategory.objects.values_list("pk", flat=True)
    )
    assert set(Violation.objects.values_list("verification_status", flat=True)) == set(
        VerificationStatus.values
    )
    assert set(Violation.objects.values_list("date_precision", flat=True)) == set(
        DatePrecision.values
    )


def test_an_administrators_own_category_gets_violations_too():
    ViolationCategory.objects.create(
        code="forced_eviction", name="Forced eviction", is_grave=False, order=99
    )
    seed(scale=0.1)
    assert Violation.objects.filter(category__code="forced_eviction").exists()


def test_the_same_seed_gives_the_same_country():
    seed(scale=0.1)
    first = fingerprint()
    wipe()
    assert not Violation.objects.exists()
    seed(scale=0.1)
    assert fingerprint() == first


def test_records_show_units_with_a_pattern_and_units_with_no_violation_at_all():
    seed(scale=0.1)
    records = [Unit.objects.record(unit) for unit in Unit.objects.all()]
    assert any(record.has_pattern for record in records)
    assert any(record.has_recent_countable_grave and not record.has_pattern for record in records)
    assert any(not record.violations for record in records)


def test_queries_do_not_grow_with_the_scale():
    with CaptureQueriesContext(connection) as small:
        seed(scale=0.1)
    wipe()
    with CaptureQueriesContext(connection) as large:
        seed(scale=0.3)
    assert Violation.objects.count() == 900
    assert len(large) < 1.5 * len(small)


def test_if_empty_leaves_a_seeded_database_alone_and_still_prints_the_logins():
    seed(scale=0.1)
    before = (Unit.objects.count(), Violation.objects.count(), User.objects.count())
    out = seed(scale=0.1, if_empty=True)
    assert (Unit.objects.count(), Violation.objects.count(), User.objects.count()) == before
    assert "nothing seeded" in out
    assert "undp_ssr" in out and "demo1234" in out


def test_if_empty_seeds_an_empty_database():
    seed(scale=0.1, if_empty=True)
    assert Violation.objects.count() == 300


def test_without_if_empty_a_database_with_data_is_refused():
    seed(scale=0.1)
    with pytest.raises(CommandError, match="--if-empty"):
        seed(scale=0.1)
    assert Violation.objects.count() == 300


def test_scale_must_be_positive():
    with pytest.raises(CommandError, match="--scale"):
        seed(scale=0)


def test_demo_users_sign_in_with_the_demo_password_and_hold_their_roles(client):
    # django-axes counts every sign-in by its request: client.login passes a blank one.
    out = seed(scale=0.1)
    for username, (entity, role) in DEMO_USERS.items():
        assert client.login(request=HttpRequest(), username=username, password="demo1234"), username
        user = User.objects.get(username=username)
        assert set(user.memberships.values_list("entity__code", "role")) == {(entity, role)}
        assert user.first_name and user.last_name
        assert username in out
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()
    assert set(Entity.objects.values_list("code", flat=True)) == {"mission", "undp", "unicef"}


def test_existing_entities_are_reused_and_existing_accounts_left_alone(client):
    EntityFactory(code="mission", name="Our mission")
    UserFactory(username="admin")
    seed(scale=0.1)
    assert Entity.objects.get(code="mission").name == "Our mission"
    assert client.login(request=HttpRequest(), username="admin", password="pw")
    assert not client.login(request=HttpRequest(), username="admin", password="demo1234")
    assert client.login(request=HttpRequest(), username="hro", password="demo1234")


def test_ssr_advisors_see_summaries_of_the_units_their_entity_asks_support_for():
    seed(scale=0.1)
    mission_units = summary_unit_ids(User.objects.get(username="ssr"))
    undp_units = summary_unit_ids(User.objects.get(username="undp_ssr"))
    assert mission_units and undp_units
    assert (
        SupportRequest.objects.filter(entity__code="mission", created_by__username="ssr").count()
        >= 3
    )
    assert SupportRequest.objects.filter(
        entity__code="undp", created_by__username="undp_ssr"
    ).exists()
    records = [Unit.objects.record(unit) for unit in Unit.objects.filter(pk__in=mission_units)]
    assert any(record.has_pattern for record in records)


def statistics_rows(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
        return cursor.fetchone()[0]


def test_seed_leaves_the_planner_statistics_of_what_it_loaded():
    """Autovacuum may be off or late: a bulk loader analyses what it wrote (developers' guide)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM pg_statistic WHERE starelid IN ("
            "'registry_violation'::regclass, 'registry_attribution'::regclass)"
        )
    assert statistics_rows("registry_violation") == statistics_rows("registry_attribution") == 0

    seed(scale=0.1)

    assert statistics_rows("registry_violation") > 5
    assert statistics_rows("registry_attribution") > 3


def test_records_created_after_the_seed_take_new_ids():
    """The seed copies rows in with ids it reserved from each table's sequence; the sequences
    must have moved past them, or the next record would collide with a seeded one."""
    seed(scale=0.1)
    seeded = set(Violation.objects.values_list("pk", flat=True))

    violation = Violation.objects.create(
        date=timezone.localdate(),
        location="Tessala",
        narrative="Recorded after the seed.",
        category=ViolationCategory.objects.first(),
    )
    unit = Unit.objects.create(name="New unit", institution=Institution.objects.first())

    assert violation.pk not in seeded
    assert violation.pk > max(seeded)
    assert unit.pk > Unit.objects.exclude(pk=unit.pk).aggregate(Max("pk"))["pk__max"]
