"""What the manager knew (domain.md 4.5): the snapshot of a version submitted for decision.

When a version is submitted for decision (``take``, from ``workflow.submit_assessment``), what it
shows of each recipient's record is stored with it, never to be edited: the levels (floor,
inherent, residual) with their reasons as msgid and parameters, and per recipient the capped
counts by route, the flags, and the violations as rows (per unit and route the newest
``RECORD_CAP``, and every recent countable grave one), each with the route, verification status,
category (and whether grave) and date it had then.

A version awaiting decision, or decided, shows its snapshot (``SnapshotRecord`` reads like the
live ``UnitRecord``, so the record templates and the API's record serializer show both), and apart
from it what changed in the live record since (``since``): violations new in a recipient's
record, re-verified, discounted, no longer in it, and the live floor and inherent level when they
differ. Each is a constant number of queries for any number of violations and recipients.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hrddp.policy.models import PolicySettings
from hrddp.registry.models import (
    COUNTABLE_STATUSES,
    VerificationStatus,
    Violation,
    ViolationCategory,
    ViolationSubtype,
)
from hrddp.registry.queries import (
    COUNTED_ROUTES,
    RECORD_CAP,
    RECORD_PAGE_SIZE,
    ROUTES,
    CappedCount,
    RecordSummary,
    RoutePage,
    UnitRecord,
    _execute,
    in_live_record_sql,
    kept_ids_sql,
    page_number,
    page_parameter,
    recent_countable_grave_where,
    route_sql,
)

from .models import (
    AssessmentSnapshot,
    AssessmentStatus,
    Level,
    RecordSnapshot,
    SnapshotViolation,
)
from .risk import Reason, recipient_records, risk_profile

# The "Since the decision" panel lists this many changes of each kind per recipient, with their
# number (counted up to the record's cap).
SINCE_LIMIT = 10

CHANGE_KINDS = {
    "new": gettext_lazy("New in the record"),
    "reverified": gettext_lazy("Re-verified (status changed)"),
    "discounted": gettext_lazy("Discounted (no longer countable)"),
    "removed": gettext_lazy("No longer in the record"),
}


# --- taking a snapshot ---------------------------------------------------------------------


def take(assessment, user=None, as_of=None):
    """Store what ``assessment`` shows now of its recipients' records. Called once per
    submission for decision, inside its transaction; the rows are inserted set-based (one
    INSERT … SELECT for every recipient and route)."""
    request = assessment.request
    as_of = as_of or timezone.localdate()
    policy = PolicySettings.get_solo()
    units = list(request.recipient_units.order_by("name"))
    records = recipient_records(request, as_of=as_of, units=units, policy=policy)
    profile = risk_profile(assessment, as_of=as_of, records=records, policy=policy)
    snapshot = AssessmentSnapshot.objects.create(
        assessment=assessment,
        taken_by=user,
        as_of=as_of,
        lookback_days=policy.lookback_days,
        pattern_threshold=policy.pattern_threshold,
        record_cap=RECORD_CAP,
        floor=profile.floor or "",
        inherent=profile.inherent,
        residual=profile.residual,
        floor_reasons=[_reason(r).as_data() for r in profile.floor_reasons],
        inherent_reasons=[_reason(r).as_data() for r in profile.inherent_reasons],
        residual_reasons=[_reason(r).as_data() for r in profile.residual_reasons],
    )
    rows = RecordSnapshot.objects.bulk_create(
        RecordSnapshot(
            snapshot=snapshot,
            unit=record.unit,
            counts={name: _capped(count) for name, count in record.counts.items()},
            recent_countable_grave_count=_capped(record.recent_countable_grave_count),
            current_commander_has_countable_grave=record.current_commander_has_countable_grave,
        )
        for record in (records[unit] for unit in units)
    )
    branches = []
    for row in rows:
        for route in ROUTES:
            sql, params = kept_ids_sql(
                route, row.unit_id, as_of, policy.lookback_days, policy.pattern_threshold
            )
            branches.append(
                (
                    f"""SELECT %s, %s, v.id, v.date, v.date_precision, v.location, v.category_id,
                        v.subtype_id, v.verification_status, cat.is_grave
                    FROM registry_violation v
                    JOIN registry_violationcategory cat ON cat.id = v.category_id
                    WHERE v.id IN ({sql})""",
                    [row.pk, route, *params],
                )
            )
    if branches:
        table = SnapshotViolation._meta.db_table
        with connection.cursor() as cursor:
            _execute(
                cursor,
                f"""INSERT INTO {table} (record_id, route, violation_id, date, date_precision,
                    location, category_id, subtype_id, verification_status, is_grave) """
                + " UNION ALL ".join(f"({sql})" for sql, _params in branches),
                [p for _sql, params in branches for p in params],
            )
    return snapshot


def _reason(reason):
    return reason if isinstance(reason, Reason) else Reason(str(reason))


def _capped(count):
    return min(int(count), getattr(count, "cap", RECORD_CAP) + 1)


# --- reading a snapshot --------------------------------------------------------------------


def shows_snapshot(assessment):
    """A version awaiting decision or decided shows its snapshot; a draft, the live record."""
    return assessment.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.DECIDED)


def latest_snapshot_pk(assessment):
    """The snapshot the version shows: its latest (a decided version cannot be submitted again,
    so for it, the one its decision was taken on). Read with the page's assessment when it was
    annotated (``latest_snapshot_pk``), else asked."""
    if hasattr(assessment, "latest_snapshot_pk"):
        return assessment.latest_snapshot_pk
    return assessment.snapshots.order_by("-taken_at", "-id").values_list("pk", flat=True).first()


@dataclass
class SnapshotProfile:
    """The levels a snapshot froze, read like ``risk.RiskProfile`` by the templates."""

    floor: str | None
    floor_reasons: list
    inherent: str
    inherent_reasons: list
    residual: str
    residual_reasons: list
    assessed: bool = True  # a version is submitted for decision only once rated

    @property
    def shown_inherent(self):
        return Level(self.inherent)

    @property
    def shown_residual(self):
        return Level(self.residual)


@dataclass
class SnapshotRecord(UnitRecord):
    """A recipient's record as the snapshot froze it: the flags, counts and pages of a
    ``UnitRecord`` (the record templates and ``record_data`` read it), from the snapshot's rows.
    ``frozen`` tells the templates it has no attributions to show."""

    row: RecordSnapshot = None
    cap: int = RECORD_CAP
    frozen: bool = True

    def route(self, name):
        raise NotImplementedError("A snapshot is read a page at a time (load_snapshot_pages).")


@dataclass
class Snapshot:
    """A snapshot with its recipients' records, ready for a page."""

    row: AssessmentSnapshot
    records: list = field(default_factory=list)  # SnapshotRecord, by unit name

    @property
    def profile(self):
        row = self.row
        return SnapshotProfile(
            floor=row.floor or None,
            floor_reasons=[Reason.from_data(r) for r in row.floor_reasons],
            inherent=row.inherent,
            inherent_reasons=[Reason.from_data(r) for r in row.inherent_reasons],
            residual=row.residual,
            residual_reasons=[Reason.from_data(r) for r in row.residual_reasons],
        )

    @property
    def taken_at(self):
        return self.row.taken_at

    @property
    def as_of(self):
        return self.row.as_of


def load(snapshot_pk):
    """The snapshot and its records (with their units), in one query (two when it holds no
    recipient); None without a snapshot."""
    if snapshot_pk is None:
        return None
    rows = list(
        RecordSnapshot.objects.filter(snapshot_id=snapshot_pk)
        .select_related("snapshot", "unit__institution")
        .order_by("unit__name", "unit_id")
    )
    snapshot_row = rows[0].snapshot if rows else AssessmentSnapshot.objects.get(pk=snapshot_pk)
    records = []
    for row in rows:
        cap = snapshot_row.record_cap
        counts = {name: CappedCount(n, cap) for name, n in row.counts.items()}
        records.append(
            SnapshotRecord(
                unit=row.unit,
                as_of=snapshot_row.as_of,
                lookback_days=snapshot_row.lookback_days,
                pattern_threshold=snapshot_row.pattern_threshold,
                counts=counts,
                recent_countable_grave_count=CappedCount(row.recent_countable_grave_count, cap),
                current_commander_has_countable_grave=row.current_commander_has_countable_grave,
                row=row,
                cap=cap,
            )
        )
    return Snapshot(row=snapshot_row, records=records)


ROW_COLUMNS = """s.violation_id, s.date, s.date_precision, s.location, s.verification_status,
    s.is_grave, cat.id, cat.code, cat.name, sub.id, sub.code, sub.name"""
ROW_JOINS = """JOIN registry_violationcategory cat ON cat.id = s.category_id
    LEFT JOIN registry_violationsubtype sub ON sub.id = s.subtype_id"""


def _violation(columns):
    """A snapshot row as an unsaved ``Violation`` with the values it had then (its category's
    gravity too), so the record templates and serializers read it as a live one; or, from the
    same columns of the live tables, a violation as it is now."""
    (pk, date, precision, location, status, is_grave, cat_pk, cat_code, cat_name) = columns[:9]
    sub_pk, sub_code, sub_name = columns[9:12]
    category = ViolationCategory(pk=cat_pk, code=cat_code, name=cat_name, is_grave=is_grave)
    violation = Violation(
        pk=pk,
        date=date,
        date_precision=precision,
        location=location,
        category=category,
        verification_status=status,
    )
    if sub_pk is not None:
        violation.subtype = ViolationSubtype(
            pk=sub_pk, code=sub_code, name=sub_name, category=category
        )
    else:
        violation.subtype = None
    # The snapshot keeps no attributions: the frozen record does not show them.
    violation._prefetched_objects_cache = {"attributions": []}
    return violation


def load_snapshot_pages(records, data=None, prefix=lambda record: ""):
    """Fill ``record.pages`` of each snapshot record, one page of each route as ``data`` asks
    (the same parameters as the live record's pages), in one query for all."""
    data = data or {}
    records = list(records)
    branches, wanted = [], {}
    table = SnapshotViolation._meta.db_table
    for record in records:
        for route in ROUTES:
            parameter = page_parameter(route, prefix(record))
            number = page_number(data, parameter)
            wanted[(record.row.pk, route)] = (number, parameter)
            offset = (number - 1) * RECORD_PAGE_SIZE
            branches.append(
                (
                    f"""(SELECT s.record_id, s.route, {ROW_COLUMNS} FROM {table} s {ROW_JOINS}
                    WHERE s.record_id = %s AND s.route = %s
                    ORDER BY s.date DESC, s.violation_id DESC
                    LIMIT {RECORD_PAGE_SIZE + 1} OFFSET {offset})""",
                    [record.row.pk, route],
                )
            )
    found = {key: [] for key in wanted}
    if branches:
        with connection.cursor() as cursor:
            cursor.execute(
                " UNION ALL ".join(sql for sql, _params in branches),
                [p for _sql, params in branches for p in params],
            )
            for record_pk, route, *columns in cursor.fetchall():
                found[(record_pk, route)].append(_violation(columns))
    for record in records:
        for route in ROUTES:
            number, parameter = wanted[(record.row.pk, route)]
            rows = sorted(found[(record.row.pk, route)], key=lambda v: (v.date, v.pk), reverse=True)
            for violation in rows:
                violation.is_recent_countable_grave = record.is_recent_countable_grave(violation)
            record.pages[route] = RoutePage(
                route=route,
                number=number,
                violations=rows[:RECORD_PAGE_SIZE],
                has_next=len(rows) > RECORD_PAGE_SIZE,
                parameter=parameter,
                anchor=f"record-{prefix(record)}{route}",
                data=data,
            )
    return records


def load_snapshot_summaries(records):
    """Fill ``record.summary`` of each snapshot record, in one query for all: counts by category
    and verification status over the newest ``cap`` violations the snapshot kept of the record
    (each once), as the live summary counts the newest of the live record."""
    records = list(records)
    summaries = {
        record.row.pk: RecordSummary(rows=[], partial=record.record_count.more, cap=record.cap)
        for record in records
    }
    if records:
        table = SnapshotViolation._meta.db_table
        cap = max(record.cap for record in records)
        sql = f"""
            WITH kept AS (
                SELECT DISTINCT s.record_id, s.violation_id, s.date, s.verification_status,
                    s.category_id
                FROM {table} s WHERE s.record_id = ANY(%s) AND s.route <> 'ancestors'
            ), ranked AS (
                SELECT kept.*, row_number() OVER (
                    PARTITION BY record_id ORDER BY date DESC, violation_id DESC) AS rank
                FROM kept
            )
            SELECT r.record_id, cat.code, cat.name, r.verification_status, count(*),
                min(r.date), max(r.date)
            FROM ranked r JOIN registry_violationcategory cat ON cat.id = r.category_id
            WHERE r.rank <= %s
            GROUP BY r.record_id, cat.code, cat.name, r.verification_status"""
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(summaries), cap])
            rows = cursor.fetchall()
        for record_pk, code, name, status, count, oldest, newest in rows:
            summary = summaries[record_pk]
            summary.oldest = min(filter(None, [summary.oldest, oldest]))
            summary.newest = max(filter(None, [summary.newest, newest]))
            summary.rows.append(
                {
                    "category": str(ViolationCategory(code=code, name=name)),
                    "category_code": code,
                    "status": VerificationStatus(status).label,
                    "verification_status": status,
                    "count": count,
                }
            )
    for record in records:
        summary = summaries[record.row.pk]
        summary.rows.sort(key=lambda row: (row["category"], row["status"]))
        record.__dict__["summary"] = summary
    return records


# --- since the snapshot --------------------------------------------------------------------


@dataclass
class Change:
    """A violation whose place in a recipient's record changed since the snapshot."""

    violation_id: int
    date: datetime.date
    was: str | None  # its verification status in the snapshot
    violation: Violation | None = None  # as it is now; None once deleted from the registry

    @property
    def was_display(self):
        return VerificationStatus(self.was).label if self.was else ""


@dataclass
class ChangeList:
    count: int
    items: list

    @property
    def more(self):
        return self.count - len(self.items)


@dataclass
class UnitChanges:
    unit: object
    record_view: str | None
    changes: dict  # kind -> ChangeList

    @property
    def any(self):
        return any(change.count for change in self.changes.values())

    @property
    def kinds(self):
        """[(kind, label, ChangeList)] of the kinds with changes, in the panel's order."""
        return [
            (kind, label, self.changes[kind])
            for kind, label in CHANGE_KINDS.items()
            if self.changes[kind].count
        ]


@dataclass
class Since:
    """What changed in the live record since the snapshot (``since``)."""

    units: list  # UnitChanges
    floor: tuple | None  # (snapshot level or None, live level or None) when they differ
    inherent: tuple | None  # (snapshot level, live level) when they differ
    limit: int = SINCE_LIMIT

    @property
    def any(self):
        return bool(self.floor or self.inherent or any(unit.any for unit in self.units))


def since(snapshot, assessment, views, as_of=None, policy=None, live_records=None,
          limit=SINCE_LIMIT):  # fmt: skip
    """What changed in each recipient's live record since ``snapshot`` (``views``: {unit:
    record_view_for}): the first ``limit`` of each kind with their number and the violations as
    they are now, in one query for every recipient, besides the live records'
    counts and flags (one query, or none when given) for the live floor and inherent level."""
    as_of = as_of or timezone.localdate()
    policy = policy or PolicySettings.get_solo()
    records = snapshot.records
    units = [record.unit for record in records]
    if live_records is None:
        live_records = recipient_records(
            assessment.request, as_of=as_of, units=units, policy=policy
        )
    live = risk_profile(assessment, as_of=as_of, records=live_records, policy=policy)
    frozen = snapshot.row
    floor = (frozen.floor or None, live.floor) if (frozen.floor or None) != live.floor else None
    inherent = (frozen.inherent, live.inherent) if frozen.inherent != live.inherent else None

    found = _changes(records, as_of, policy, limit)
    unit_changes = []
    for record in records:
        kinds = found.get(record.row.pk, {})
        changes = {}
        for kind in CHANGE_KINDS:
            count, items = kinds.get(kind, (0, []))
            changes[kind] = ChangeList(count=count, items=items)
        unit_changes.append(
            UnitChanges(unit=record.unit, record_view=views.get(record.unit), changes=changes)
        )
    return Since(
        units=unit_changes,
        floor=tuple(Level(x) if x else None for x in floor) if floor else None,
        inherent=tuple(Level(x) for x in inherent) if inherent else None,
        limit=limit,
    )


def _changes(records, as_of, policy, limit):
    """{record pk: {kind: (count, [Change])}} in one query for every recipient."""
    table = SnapshotViolation._meta.db_table
    branches = []
    for record in records:
        record_pk, unit_pk = record.row.pk, record.unit.pk
        in_record, in_record_params = in_live_record_sql(unit_pk, as_of)
        # What the snapshot held, each violation once, against the live registry.
        branches.append(
            (
                f"""SELECT %s::bigint AS record_id, s.violation_id, s.date, s.was,
                    CASE WHEN v.id IS NULL OR NOT {in_record} THEN 'removed'
                        WHEN s.was = ANY(%s) AND NOT v.verification_status = ANY(%s)
                            THEN 'discounted'
                        ELSE 'reverified' END AS kind
                FROM (SELECT DISTINCT ON (violation_id) violation_id, date,
                        verification_status AS was
                    FROM {table} WHERE record_id = %s AND route <> 'ancestors'
                    ORDER BY violation_id) s
                LEFT JOIN registry_violation v ON v.id = s.violation_id
                WHERE v.id IS NULL OR v.verification_status <> s.was OR NOT {in_record}""",
                [
                    record_pk,
                    *in_record_params,
                    list(COUNTABLE_STATUSES),
                    list(COUNTABLE_STATUSES),
                    record_pk,
                    *in_record_params,
                ],
            )
        )
        # New in the record: what a counted route reaches now that the snapshot did not hold,
        # within what the snapshot kept of that route (all of it, or its newest ``cap`` when the
        # route held more), and any recent countable grave one.
        parts = []
        not_kept = f""" AND NOT EXISTS (SELECT 1 FROM {table} k
            WHERE k.record_id = %s AND k.violation_id = v.id AND k.route <> 'ancestors')"""
        for route in COUNTED_ROUTES:
            sql, params = route_sql(route, unit_pk, as_of)
            window, window_params = "", []
            if record.counts[route].more:
                window = f""" AND (v.date, v.id) >= (SELECT k.date, k.violation_id FROM {table} k
                    WHERE k.record_id = %s AND k.route = %s
                    ORDER BY k.date DESC, k.violation_id DESC OFFSET {record.cap - 1} LIMIT 1)"""
                window_params = [record_pk, route]
            parts.append(
                (
                    f"""SELECT v.id, v.date FROM registry_violation v
                    WHERE v.date <= %s AND v.id IN ({sql}){window}{not_kept}
                    ORDER BY v.date DESC, v.id DESC LIMIT {record.cap + 1}""",
                    [as_of, *params, *window_params, record_pk],
                )
            )
            recent, recent_params = recent_countable_grave_where(as_of, policy.lookback_days)
            if record.recent_countable_grave_count.more:
                # The snapshot kept the newest of them only: compare from its oldest kept one.
                recent += f""" AND (v.date, v.id) >= (SELECT k.date, k.violation_id FROM {table} k
                    WHERE k.record_id = %s AND k.route = %s AND k.is_grave
                        AND k.verification_status = ANY(%s) AND k.date > %s
                    ORDER BY k.date, k.violation_id LIMIT 1)"""
                recent_params = [
                    *recent_params,
                    record_pk,
                    route,
                    list(COUNTABLE_STATUSES),
                    record.as_of - datetime.timedelta(days=record.lookback_days),
                ]
            parts.append(
                (
                    f"""SELECT v.id, v.date FROM registry_violation v
                    WHERE v.date <= %s AND v.id IN ({sql}){recent}{not_kept}
                    ORDER BY v.date DESC, v.id DESC LIMIT {record.cap + 1}""",
                    [as_of, *params, *recent_params, record_pk],
                )
            )
        union = " UNION ".join(f"({sql})" for sql, _params in parts)
        branches.append(
            (
                f"""SELECT %s::bigint AS record_id, n.id AS violation_id, n.date,
                    NULL::varchar AS was, 'new' AS kind FROM ({union}) n""",
                [record_pk, *(p for _sql, params in parts for p in params)],
            )
        )
    found = {}
    if not branches:
        return found
    sql = f"""
        WITH changes AS ({" UNION ALL ".join(f"({sql})" for sql, _params in branches)}),
        ranked AS (
            SELECT changes.*, row_number() OVER (
                    PARTITION BY record_id, kind ORDER BY date DESC, violation_id DESC) AS rank,
                count(*) OVER (PARTITION BY record_id, kind) AS total
            FROM changes
        )
        SELECT r.record_id, r.kind, r.violation_id, r.date, r.was, r.total,
            v.id, v.date, v.date_precision, v.location, v.verification_status, cat.is_grave,
            cat.id, cat.code, cat.name, sub.id, sub.code, sub.name
        FROM ranked r
        LEFT JOIN registry_violation v ON v.id = r.violation_id
        LEFT JOIN registry_violationcategory cat ON cat.id = v.category_id
        LEFT JOIN registry_violationsubtype sub ON sub.id = v.subtype_id
        WHERE r.rank <= %s
        ORDER BY r.record_id, r.kind, r.rank"""
    with connection.cursor() as cursor:
        _execute(cursor, sql, [*(p for _sql, params in branches for p in params), limit])
        for record_pk, kind, violation_pk, date, was, total, *now in cursor.fetchall():
            count, items = found.setdefault(record_pk, {}).get(kind, (total, []))
            # The violation as it is now, None once deleted from the registry.
            live = _violation(now) if now[0] is not None else None
            items.append(Change(violation_id=violation_pk, date=date, was=was, violation=live))
            found[record_pk][kind] = (total, items)
    return found
