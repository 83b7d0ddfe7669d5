"""One small world for the access matrix: each persona, and for each entity an active request with
its assessment, risk and an open intervention, so every routed URL can be filled with a real id."""

import datetime
from dataclasses import dataclass, field

import pghistory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from assessments import workflow
from assessments.models import Trigger, TriggerKind
from hrddp.accounts.models import Role
from hrddp.community.models import Method, Perception
from hrddp.documents.services import add_attachment
from hrddp.notifications.models import Notification
from hrddp.registry import merging
from hrddp.screening.models import Candidate
from hrddp.transfer.models import ExportJob, ExportStatus, ImportJob, ImportKind, ImportStatus
from tests.factories import (
    AssignmentFactory,
    EntityFactory,
    ParticipantFactory,
    PersonFactory,
    SourceFactory,
    UnitFactory,
    UserFactory,
    ViolationFactory,
    active_request,
    add_risk,
)

# A witness's identity and contact: HROs only, on every page, export and API answer, and never in a log.
IDENTITY = "Amina Witness-Identity"
CONTACT = "+000 555 0199"
IDENTITY_READERS = ("hro", "other_hro")
# A staff member who reported the world's violation ("Report an abuse", domain.md 6.4): who they
# are is an identity too (domain.md 7), in every history row, page, export and admin screen.
REPORTER_FIRST, REPORTER_LAST = "Zebulon", "Quillfeather-Reporter"
REPORTER = f"{REPORTER_FIRST} {REPORTER_LAST}"
REPORTER_USERNAME = "zq-staff-witness"
REPORTER_EMAIL = "zebulon.quillfeather@witness.example"
SECRETS = (IDENTITY, CONTACT, REPORTER, REPORTER_USERNAME, REPORTER_EMAIL)


def pdf(name, text="A letter."):
    """A small PDF upload (its content is what the checks read)."""
    content = b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def routed_urls():
    """Every URL the project's URLconf routes: ``(route, name, kwarg names)``, namespaces included."""

    def kwargs_of(pattern):
        return list(getattr(pattern, "converters", {})) or list(pattern.regex.groupindex)

    def walk(patterns, prefix="", namespace="", kwargs=()):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            names = [*kwargs, *kwargs_of(pattern.pattern)]
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                yield from walk(pattern.url_patterns, route, inner, names)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                yield route, name, names

    return list(walk(get_resolver().url_patterns))


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)


def build_world():
    mission = EntityFactory(code="mission", name="UN Mission")
    agency = EntityFactory(code="undp", name="UNDP")
    users = {
        "no_role": UserFactory(username="nobody"),
        "requester": UserFactory(username="ssr", roles=[(mission, Role.REQUESTER)]),
        "hro": UserFactory(username="hro", roles=[(mission, Role.HRO)]),
        "manager": UserFactory(username="manager", roles=[(mission, Role.MANAGER)]),
        "auditor": UserFactory(username="auditor", roles=[(mission, Role.AUDITOR)]),
        "administrator": UserFactory(
            username="administrator", roles=[(mission, Role.ADMINISTRATOR)]
        ),
        "other_requester": UserFactory(username="undp-ssr", roles=[(agency, Role.REQUESTER)]),
        "other_hro": UserFactory(username="undp-hro", roles=[(agency, Role.HRO)]),
        "other_manager": UserFactory(username="undp-manager", roles=[(agency, Role.MANAGER)]),
        "superuser": UserFactory(
            username="root",
            is_staff=True,
            is_superuser=True,
            roles=[(mission, Role.ADMINISTRATOR)],
        ),
    }
    unit = UnitFactory(name="3rd Battalion", location="Kanda")
    objects = {
        "unit": unit,
        "institution": unit.institution,
        "person": PersonFactory(),
    }
    objects["assignment"] = AssignmentFactory(person=objects["person"], unit=unit)
    # A twin record merged into the world's person (issue 15): the merge's pages and API.
    objects["person_merge"] = merging.merge(
        PersonFactory(name="Twin Record"), objects["person"], users["hro"], "Same person."
    )
    # The violation came from a staff member's report: the history of the violation, its
    # attribution and its sources names them as the actor.
    reporter = UserFactory(
        username=REPORTER_USERNAME,
        first_name=REPORTER_FIRST,
        last_name=REPORTER_LAST,
        email=REPORTER_EMAIL,
    )
    users["reporter"] = reporter
    with pghistory.context(user=reporter.pk, url="/community/report/"):
        violation = ViolationFactory(
            units=[unit],
            date=timezone.localdate() - datetime.timedelta(400),
            staff_report=True,
            reported_by=reporter,
        )
        objects["source"] = SourceFactory(violation=violation, identity=IDENTITY, contact=CONTACT)
        SourceFactory(violation=violation, identity=REPORTER, contact=REPORTER_EMAIL)
    # pghistory's context lasts as long as the database transaction (the test's, here): the rest
    # of the world is built under a context of its own, not the reporter's (pghistory sets it
    # with the next write, a SELECT does not).
    with pghistory.context(command="access_world"):
        type(unit).objects.filter(pk=unit.pk).update(location=unit.location)
    objects["violation"] = violation
    objects["perception"] = Perception.objects.create(
        date=timezone.localdate() - datetime.timedelta(days=10),
        area="Kanda",
        method=Method.FOCUS_GROUP,
        population_group="Market traders",
        trust_in_force=2,
        trust_in_mission=3,
        institution=unit.institution,
        concerns="Traders fear night patrols.",
    )
    # A notification of the mission's HRO: theirs only.
    objects["notification"] = Notification.objects.create(user=users["hro"], subject="Review due")
    # An import whose dry run found errors: confirming it changes nothing.
    objects["import_job"] = ImportJob.objects.create(
        kind=ImportKind.UNITS,
        file_name="units.csv",
        content=b"external_ref,name\n",
        created_by=users["hro"],
        status=ImportStatus.INVALID,
    )
    # A spreadsheet export the mission's HRO asked for, written and ready: theirs only.
    default_storage.save("exports/export-world.xlsx", ContentFile(b"PK"))
    objects["export_job"] = ExportJob.objects.create(
        created_by=users["hro"],
        list_name="units",
        list_url="/registry/units/",
        language="en",
        query="SELECT 1",
        status=ExportStatus.DONE,
        file_name="export-world.xlsx",
        file_size=2,
        total_rows=0,
        finished_at=timezone.now(),
    )
    for key, entity, prefix in (("mission", mission, ""), ("agency", agency, "other_")):
        request = active_request(
            entity,
            users[f"{prefix}requester"],
            users["hro"] if key == "mission" else users["other_hro"],
            users[f"{prefix}manager"],
            units=[unit],
            title=f"Fuel ({key})",
        )
        assessment = workflow.current_assessment(request)
        trigger = Trigger.objects.create(
            request=request, kind=TriggerKind.VIOLATION, violation=violation, unit=unit
        )
        intervention = workflow.open_intervention(trigger)
        objects[f"request@{key}"] = request
        objects[f"communication@{key}"] = request.communications.first()
        objects[f"assessment@{key}"] = assessment
        objects[f"intervention@{key}"] = intervention
        objects[f"risk@{key}"] = assessment.risks.first() or add_risk(assessment, 2, 2)
        objects[f"decision@{key}"] = request.decisions.get()
        # Screening (issue 15, part "screen"): a participant of each request with a candidate,
        # rejected already so that screening again (another row's POST) keeps it.
        participant = ParticipantFactory(request=request, unit=unit, name=f"Aline Kabila ({key})")
        objects[f"participant@{key}"] = participant
        objects[f"candidate@{key}"] = Candidate.objects.create(
            participant=participant, person=objects["person"], score=0.9, decision="rejected"
        )
        # Attached files (issue 17): a letter on each entity's first communication.
        objects[f"letter@{key}"] = add_attachment(
            objects[f"communication@{key}"],
            pdf("letter.pdf"),
            title=f"Signed letter ({key})",
            user=users[f"{prefix}requester"],
        )
    # A file on the mission's decision, intervention and participant; evidence on the violation,
    # one of which names the witness: HROs only, and the identity in its title and content lets the
    # leak check of test_access_matrix see every page, list and download that could show it.
    objects["decision_file@mission"] = add_attachment(
        objects["decision@mission"], pdf("decision.pdf"), title="Signed decision", user=users["hro"]
    )
    objects["intervention_file@mission"] = add_attachment(
        objects["intervention@mission"], pdf("note.pdf"), title="Meeting note", user=users["hro"]
    )
    objects["participant_file@mission"] = add_attachment(
        objects["participant@mission"],
        pdf("id-card.pdf"),
        title="Identity card",
        user=users["requester"],
    )
    objects["evidence"] = add_attachment(
        violation,
        pdf("photo.pdf"),
        title="Photograph of the site",
        user=users["hro"],
        identifies_people=False,
    )
    objects["evidence_identifying"] = add_attachment(
        violation,
        pdf("statement.pdf", f"Statement of {IDENTITY}"),
        title=f"Statement of {IDENTITY}",
        user=users["hro"],
        identifies_people=True,
    )
    return World(users=users, objects=objects)


def signed_in(user):
    """A fresh client signed in as ``user``, with the second factor where their role requires it."""
    from django.test import Client

    from tests.conftest import force_sign_in

    return force_sign_in(Client(), user)
