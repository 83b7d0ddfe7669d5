"""``manage.py seed_demo``: a fictional country to try the product on, or to benchmark it.

The data comes from ``hrddp.registry.demo.DemoPlan`` (deterministic); this command only inserts
it, parents before children, and violations in chunks so that memory stays bounded. Rows go in
through PostgreSQL's ``COPY`` (several times faster than INSERT at a million violations), with
ids reserved from each table's sequence beforehand so that children can name their parents. The
database triggers (history, seals) fire for COPY as for INSERT, once per statement.
"""

import datetime
import itertools
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from assessments import workflow
from assessments.demo import seed_pipeline
from hrddp.accounts.models import Entity, Membership, Role, User
from hrddp.audit import steady_history_triggers
from hrddp.insights.services import refresh_summaries
from hrddp.ops.postgres import refresh_statistics
from hrddp.registry import demo, matching
from hrddp.registry.identities import give_keys
from hrddp.registry.models import (
    AccountabilityAction,
    Attribution,
    CommandAssignment,
    Institution,
    Person,
    Source,
    Unit,
    Violation,
    ViolationCategory,
)
from hrddp.support.models import SupportRequest

BATCH = 10000


def chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def copy_create(model, objs):
    """Insert ``objs`` with one ``COPY``, as ``bulk_create`` would (field defaults, ``auto_now``),
    giving each its id first; return them.

    The ids are a block reserved from the table's sequence, under a lock that makes any concurrent
    INSERT wait for this transaction, so no one else can take an id of the block meanwhile."""
    if not objs:
        return objs
    meta = model._meta
    # PostgreSQL computes the generated columns (``Unit.sort_name``); COPY may not name them.
    fields = [field for field in meta.concrete_fields if not field.generated]
    with connection.cursor() as cursor:
        if objs[0].pk is None:
            cursor.execute(f'LOCK TABLE "{meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')
            cursor.execute(
                "SELECT setval(seq, nextval(seq) + %s - 1) FROM pg_get_serial_sequence(%s, %s) seq",
                [len(objs), meta.db_table, meta.pk.column],
            )
            last = cursor.fetchone()[0]
            for pk, obj in enumerate(objs, start=last - len(objs) + 1):
                obj.pk = pk
        columns = ", ".join(f'"{field.column}"' for field in fields)
        with cursor.cursor.copy(f'COPY "{meta.db_table}" ({columns}) FROM STDIN') as copy:
            for obj in objs:
                copy.write_row(
                    [
                        field.get_db_prep_save(field.pre_save(obj, add=True), connection)
                        for field in fields
                    ]
                )
    return objs


def insert(model, rows, build):
    """Insert ``build(row)`` for every row, BATCH at a time; return the new ids in row order."""
    ids = []
    for chunk in chunks(rows, BATCH):
        ids += [obj.pk for obj in copy_create(model, [build(row) for row in chunk])]
    return ids


def registry_has_data():
    return any(model.objects.exists() for model in (Violation, Unit, Person, Institution))


def seed(scale, log=None):
    """Insert the demo country; return what was created, by kind."""
    today = timezone.localdate()
    plan = demo.DemoPlan(scale, today)
    categories = list(
        ViolationCategory.objects.prefetch_related("subtypes").order_by("order", "code")
    )
    entities, users = seed_users()
    counts = {}

    institution_ids = insert(Institution, plan.institutions, lambda row: Institution(**row))
    unit_ids = []

    def build_unit(unit):
        return Unit(
            name=unit.name,
            aliases=unit.aliases,
            institution_id=institution_ids[unit.institution],
            parent_id=None if unit.parent is None else unit_ids[unit.parent],
            location=unit.location,
            active_from=unit.active_from,
        )

    # Level by level, so that every parent has its id before its children are built.
    for _, level in itertools.groupby(plan.units, key=lambda unit: unit.level):
        unit_ids += insert(Unit, level, build_unit)
    person_ids = insert(
        Person,
        plan.people,
        lambda p: Person(name=p.name, aliases=p.aliases, rank=p.rank, identifiers=p.identifiers),
    )
    insert(
        CommandAssignment,
        plan.assignments,
        lambda a: CommandAssignment(
            person_id=person_ids[a[0]], unit_id=unit_ids[a[1]], role=a[2], start=a[3], end=a[4]
        ),
    )
    # COPY saves no model: the index of names (issue 15) is built from the rows just written.
    matching.index_all()
    counts.update(
        institutions=len(institution_ids),
        units=len(unit_ids),
        people=len(person_ids),
        assignments=len(plan.assignments),
    )

    category_ids = {category.code: category.pk for category in categories}
    subtype_ids = {
        (category.code, subtype.code): subtype.pk
        for category in categories
        for subtype in category.subtypes.all()
    }
    vocabulary = [
        (c.code, c.name, c.is_grave, sorted(s.code for s in c.subtypes.all())) for c in categories
    ]
    user_ids = {username: user.pk for username, user in users.items()}
    totals = dict.fromkeys(("violations", "attributions", "sources", "actions"), 0)
    for chunk in chunks(plan.violations(vocabulary), BATCH):
        violations = copy_create(
            Violation,
            [
                Violation(
                    date=row["date"],
                    date_precision=row["date_precision"],
                    location=row["location"],
                    narrative=row["narrative"],
                    category_id=category_ids[row["category"]],
                    subtype_id=subtype_ids.get((row["category"], row["subtype"])),
                    victims_count=row["victims_count"],
                    children_involved=row["children_involved"],
                    verification_status=row["verification_status"],
                    source_reliability=row["source_reliability"],
                    scale=row["scale"],
                    reported_by_id=user_ids.get(row["reported_by"]),
                    # The demo's reporters are staff who used "Report an abuse".
                    staff_report=row["reported_by"] is not None,
                )
                for row in chunk
            ],
        )
        attributions, sources, actions = [], [], []
        for row, violation in zip(chunk, violations, strict=True):
            attributed_at = timezone.make_aware(
                datetime.datetime.combine(row["attributed_on"], datetime.time.min)
            )
            attributions += [
                Attribution(
                    violation_id=violation.pk,
                    unit_id=None if unit is None else unit_ids[unit],
                    person_id=None if person is None else person_ids[person],
                    responsibility=responsibility,
                    created_at=attributed_at,
                )
                for unit, person, responsibility in row["attributions"]
            ]
            sources += [Source(violation_id=violation.pk, **source) for source in row["sources"]]
            actions += [
                AccountabilityAction(violation_id=violation.pk, **action)
                for action in row["actions"]
            ]
        copy_create(Attribution, attributions)
        give_keys(sources)
        copy_create(Source, sources)
        copy_create(AccountabilityAction, actions)
        for name, objs in (
            ("violations", violations),
            ("attributions", attributions),
            ("sources", sources),
            ("actions", actions),
        ):
            totals[name] += len(objs)
        if log:
            log(f"  {totals['violations']:,} violations")
        if totals["violations"] > BATCH:
            # Under DEBUG, Django keeps the SQL of every query, values included: hundreds of
            # megabytes at benchmark scale. A seed of one chunk keeps its log for the tests.
            reset_queries()
    counts.update(totals)

    requests = list(plan.support_requests())
    created = SupportRequest.objects.bulk_create(
        [
            SupportRequest(
                entity=entities[row["entity"]],
                created_by=users[row["created_by"]],
                **{
                    key: value
                    for key, value in row.items()
                    if key not in ("entity", "created_by", "recipient_units")
                },
            )
            for row in requests
        ]
    )
    Recipient = SupportRequest.recipient_units.through
    Recipient.objects.bulk_create(
        [
            Recipient(supportrequest_id=request.pk, unit_id=unit_ids[unit])
            for request, row in zip(created, requests, strict=True)
            for unit in row["recipient_units"]
        ]
    )
    # Submitted, through the workflow: SSR advisors see the summaries of the units named in their
    # entity's submitted requests (a draft unlocks none, issue 12 hole 10).
    for request, row in zip(created, requests, strict=True):
        workflow.apply(request.pk, "submit", users[row["created_by"]])
    # The pipeline reads units' records: without statistics on the rows just copied in, the
    # planner would take the tables for empty and nest loops over them.
    refresh_statistics()
    # The pipeline walks requests through the real workflow into every state.
    counts["support_requests"] = len(created) + seed_pipeline(entities, users)
    return counts


def seed_users():
    """The demo entities and users. Existing entities are reused, existing accounts left alone."""
    entities = Entity.objects.in_bulk([code for code, _ in demo.ENTITIES], field_name="code")
    entities.update(
        (entity.code, entity)
        for entity in Entity.objects.bulk_create(
            [Entity(code=code, name=name) for code, name in demo.ENTITIES if code not in entities]
        )
    )
    usernames = [row[0] for row in demo.USERS]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    # One hash for all: the password is public anyway, and each PBKDF2 hash costs a good fraction
    # of a second, several times the rest of a default seed.
    password = make_password(demo.PASSWORD)
    new = [row for row in demo.USERS if row[0] not in existing]
    created = User.objects.bulk_create(
        [
            User(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@example.org",
                password=password,
                is_staff=username in demo.SUPERUSERS,
                is_superuser=username in demo.SUPERUSERS,
            )
            for username, first_name, last_name, _, _ in new
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, entity=entities[entity], role=role)
            for user, (_, _, _, entity, role) in zip(created, new, strict=True)
        ]
    )
    return entities, User.objects.in_bulk(usernames, field_name="username")


class Command(BaseCommand):
    help = (
        "Fill an empty database with a fictional country: security institutions, units, people "
        "with command histories, violations, support requests and one demo user per role."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply the volumes (1: 300 units, 500 people, 3,000 violations; "
            "333: about a million violations).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, without an error, when the registry already holds data.",
        )

    def handle(self, *args, scale, if_empty, **options):
        if scale <= 0:
            raise CommandError("--scale must be greater than 0.")
        if registry_has_data():
            if not if_empty:
                raise CommandError(
                    "The registry already holds data: seed_demo only fills an empty database. "
                    "Use --if-empty to skip seeding without an error."
                )
            self.stdout.write("The registry already holds data: nothing seeded.")
        else:
            started = time.monotonic()
            log = self.stdout.write if options["verbosity"] > 1 else None
            # One transaction whatever the scale: an interrupted seed leaves the database empty,
            # so that the next run (or --if-empty) starts again rather than stop on half the data.
            with transaction.atomic():
                steady_history_triggers()
                counts = seed(scale, log=log)
            refresh_statistics()
            # The insights dashboard reads summaries of the registry: build them from the new data.
            refresh_summaries()
            self.stdout.write(
                self.style.SUCCESS(
                    "Seeded {institutions} institutions, {units:,} units, {people:,} people "
                    "({assignments:,} command assignments), {violations:,} violations "
                    "({attributions:,} attributions, {sources:,} sources, {actions:,} "
                    "accountability actions) and {support_requests} support requests "
                    "in {seconds:.1f} s.".format(seconds=time.monotonic() - started, **counts)
                )
            )
        self.write_logins()

    def write_logins(self):
        entity_names = dict(demo.ENTITIES)
        rows = [("username", "password", "role", "entity")] + [
            (username, demo.PASSWORD, str(Role(role).label), entity_names[entity])
            for username, _, _, entity, role in demo.USERS
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        self.stdout.write("Demo logins:")
        for row in rows:
            self.stdout.write(
                "  "
                + "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
