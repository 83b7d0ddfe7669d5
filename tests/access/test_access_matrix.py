"""The access matrix over every routed URL × every persona (issue 6, tests/access/matrix.py).

The URLs come from the resolver: a URL added without a row in the matrix fails
``test_every_routed_url_is_in_the_matrix``; an answer that differs from its row fails
``test_access_matrix``, whose message prints the row as it stands, ready to review.
"""

import io
import logging

import openpyxl
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.core.files.storage import default_storage
from django.test import Client, RequestFactory
from django.urls import reverse

from hrddp.insights.views import EXPORTS as INSIGHTS_EXPORTS
from hrddp.transfer import export_jobs
from hrddp.transfer.models import ExportJob, ExportStatus
from tests.transfer.export_world import LISTS

from .matrix import ADMIN_PREFIX, MATRIX, PERSONAS, PUBLIC, expected, rows_for
from .world import (
    CONTACT,
    IDENTITY,
    IDENTITY_READERS,
    REPORTER,
    REPORTER_EMAIL,
    REPORTER_USERNAME,
    SECRETS,
    build_world,
    routed_urls,
    signed_in,
)

pytestmark = pytest.mark.django_db

# Values for URL arguments that are not record ids.
ARGUMENTS = {
    "chart": "pipeline",
    "format": "json",
    "token": "not-a-link",
    "uidb64": "MQ",
    "kind": "units",
}

# URLs whose ``kind`` is the kind of record their id is of (a file attached to a communication...).
KIND_OF_OBJECT = {"documents:add"}


def app_url_names():
    return sorted(
        {name for _, name, _ in routed_urls() if name and not name.startswith(ADMIN_PREFIX)}
    )


def kwarg_names(url_name):
    return next(kwargs for _, name, kwargs in routed_urls() if name == url_name)


def fill(url_name, obj, world):
    target = world.objects[obj] if obj else None
    kwargs = {}
    for name in kwarg_names(url_name):
        if name == "kind" and url_name in KIND_OF_OBJECT:  # the kind of the row's record
            kwargs[name] = obj.split("@")[0]
        elif name in ARGUMENTS:
            kwargs[name] = ARGUMENTS[name]
        elif name == "risk_pk" and obj.startswith("assessment@"):  # a risk of that assessment
            kwargs[name] = world.objects[obj.replace("assessment@", "risk@")].pk
        else:
            kwargs[name] = target.pk
    return reverse(url_name, kwargs=kwargs)


@pytest.fixture
def world(db):
    return build_world()


def client_of(world, persona):
    return Client() if persona == "anonymous" else signed_in(world.users[persona])


def test_every_routed_url_is_in_the_matrix():
    # The admin's unnamed routes only redirect to its named ones (test_the_admin_is_for_...).
    unnamed = [route for route, name, _ in routed_urls() if not name and route[:6] != "admin/"]
    assert not unnamed, f"URLs without a name cannot be classified: {unnamed}"
    unclassified = [name for name in app_url_names() if not rows_for(name)]
    assert not unclassified, f"URLs missing from tests/access/matrix.py: {unclassified}"
    stale = {key.split(" ")[0].split("@")[0] for key in MATRIX} - set(app_url_names())
    assert not stale, f"Rows for URLs that no longer exist: {sorted(stale)}"


def body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def send(client, method, url):
    if method != "POST":
        return client.get(url)
    if url.startswith("/api/"):  # the API speaks JSON only
        return client.post(url, {}, content_type="application/json")
    return client.post(url)


def xlsx_text(client, url):
    """The list's spreadsheet export, as the worker writes it: every cell's text."""
    response = client.get(url, {"format": "xlsx"})
    if response.status_code != 302:
        return ""
    job = export_jobs.run_job(ExportJob.objects.latest("pk").pk)
    assert job.status == ExportStatus.DONE, url
    with default_storage.open(export_jobs.stored_name(job)) as stored:
        workbook = openpyxl.load_workbook(io.BytesIO(stored.read()), read_only=True)
    try:
        return "\n".join(
            str(cell)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    finally:
        workbook.close()


def leaked(text):
    return [secret for secret in SECRETS if secret in text]


EXPORTING_LISTS = {name for name, _kind, _persona in LISTS}


def test_access_matrix(world, caplog):
    """Every row of the matrix, every persona: one world, every difference reported at once.

    On the way, no answer to anyone but an HRO holds a witness's identity or contact, or who
    reported the abuse (issue 12: not in a history section either), and no export does (a list's
    CSV and spreadsheet, the insights' CSVs); no log line holds them at all (issue 6: never
    rendered, exported or logged for non-HROs)."""
    caplog.set_level(logging.DEBUG)
    differences, leaks, seen_by_hro, exports = [], [], 0, set()
    for key, (obj, codes) in sorted(MATRIX.items()):
        target, _, method = key.partition(" ")
        name = target.split("@")[0]
        url = fill(name, obj, world)
        got = {}
        for persona in PERSONAS:  # a fresh session each time: a row may sign the persona out
            client = client_of(world, persona)
            response = send(client, method, url)
            got[persona] = response.status_code
            if response.status_code == 200:
                text = body(response)
                # A list page: its CSV and XLSX exports are checked too (an empty list shows no
                # export links, issue 16, but its exports still answer).
                if "format=csv" in text or name in EXPORTING_LISTS:
                    text += body(client.get(url, {"format": "csv"}))
                    text += xlsx_text(client, url)
                    exports.add(url)
                if name == "insights:export":  # every chart's CSV, not only the one in the row
                    for chart in INSIGHTS_EXPORTS:
                        text += body(client.get(reverse(name, kwargs={"chart": chart})))
                        exports.add(chart)
                if persona in IDENTITY_READERS:
                    seen_by_hro += IDENTITY in text
                elif found := leaked(text):
                    leaks.append(f"{persona} {method or 'GET'} {url}: {found}")
            if persona == "anonymous" and response.status_code == 302 and name not in PUBLIC:
                assert response["Location"].startswith(reverse(settings.LOGIN_URL)), url
        if got != expected(codes):
            row = " ".join(str(got[persona]) for persona in PERSONAS)
            differences.append(f'{url}\n    "{key}": ({obj!r}, "{row}"),')
    assert not differences, "\n".join(differences)
    assert not leaks, f"Identities shown to non-HROs: {leaks}"
    assert seen_by_hro, "The HROs never saw the identity: the leak check would prove nothing"
    assert len(exports) >= 11 + len(INSIGHTS_EXPORTS), f"Exports checked: {sorted(exports)}"
    assert IDENTITY not in caplog.text and CONTACT not in caplog.text
    assert REPORTER not in caplog.text and REPORTER_EMAIL not in caplog.text
    assert len(MATRIX) * len(PERSONAS) > 700


def admin_urls():
    """The admin's index, each app's index, and each registered model's pages, an object's id
    taken from the first row of its model."""
    from django.contrib import admin

    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        urls.append(reverse("admin:app_list", kwargs={"app_label": meta.app_label}))
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls += [reverse(f"{prefix}_{page}", args=[first.pk]) for page in ("change", "history")]
    return sorted(set(urls))


def test_the_admin_is_for_superusers_only(world):
    """Every admin URL: anonymous and every persona without staff status go to the admin's login
    page; the superuser (not an HRO) gets the page, or 403 where the admin is read-only by design
    or the page is for HROs only."""
    login = reverse("admin:login")
    urls = admin_urls()
    hidden_apps = {reverse("admin:app_list", kwargs={"app_label": "pghistory"})}
    assert len(urls) > 50
    for persona in PERSONAS:
        client = client_of(world, persona)
        for url in urls:
            response = client.get(url)
            if persona == "superuser":
                # 403 where the admin is read-only or for HROs only; 404 for the index of an app
                # none of whose models are shown to them (pghistory's events).
                expected = (200, 302, 403, 404) if url in hidden_apps else (200, 302, 403)
                assert response.status_code in expected, (url, response.status_code)
                if response.status_code == 302:  # logout, or a page sending on to another
                    assert not response["Location"].startswith(login), url
            elif url not in (login, reverse("admin:logout")):
                assert response.status_code == 302, (persona, url, response.status_code)
                assert response["Location"].startswith(login), (persona, url)


# --- the admin (issue 12, hole 2) ----------------------------------------------------------------

# The admin's users pages list every user by name: being a user is no secret, having reported an
# abuse is (and no users page says so).
USER_PAGES = ("/admin/accounts/", "/admin/auth/")
REPORTER_SECRETS = (REPORTER, REPORTER_USERNAME, REPORTER_EMAIL)
ROWS_PER_MODEL = 30


def admin_pages_of_every_row():
    """Each registered model's list, and the change and history pages of each of its rows (up to
    ROWS_PER_MODEL), pghistory's events of sources and violations included."""
    from pghistory.models import Events

    urls = []
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        if model is Events:
            rows = Events.objects.across("registry.SourceEvent", "registry.ViolationEvent")
            pks = [event.pk for event in rows.order_by("pgh_slug")]
        else:
            pks = model._default_manager.order_by("pk").values_list("pk", flat=True)
        for pk in list(pks[:ROWS_PER_MODEL]):
            urls += [
                reverse(f"{prefix}_{page}", args=[quote(pk)]) for page in ("change", "history")
            ]
    return urls


def test_trust_2_no_admin_page_shows_an_identity_to_a_non_hro(world):
    """The superuser without the HRO role: no admin page holds a witness's identity or contact or
    the reporter of an abuse; the history (pghistory's events) is not theirs to read at all. An
    HRO with staff status reads the events."""
    urls = admin_pages_of_every_row()
    assert len(urls) > 60
    client = client_of(world, "superuser")
    leaks, shown = [], 0
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        if response.status_code != 200:
            continue
        shown += 1
        found = leaked(body(response))
        if url.startswith(USER_PAGES):
            found = [secret for secret in found if secret not in REPORTER_SECRETS]
        if found:
            leaks.append(f"{url}: {found}")
    assert not leaks, f"Identities shown in the admin to a non-HRO: {leaks}"
    assert shown > 30
    events = reverse("admin:pghistory_events_changelist")
    assert client.get(events, {"model": "registry.Source"}).status_code == 403
    violation = world.objects["violation"]
    page = body(client.get(reverse("admin:registry_violation_change", args=[violation.pk])))
    assert violation.location in page  # the page is shown, without the identities
    hro = world.users["hro"]
    hro.is_staff = hro.is_superuser = True
    hro.save()
    source_event = next(url for url in urls if "registry.SourceEvent" in url and "change" in url)
    # An HRO with staff status reads the events; a source's identity there is its ciphertext
    # (sealed with the source's own key, hole 8), so no admin page shows it in clear to anyone.
    answer = client_of(world, "hro").get(source_event)
    assert answer.status_code == 200 and "identity" in body(answer)
    assert IDENTITY not in body(answer)


# The workflow's records: only the workflow and the pages write them (issue 12, hole 2).
WORKFLOW_MODELS = (
    "support.SupportRequest",
    "registry.Violation",
    "registry.VerificationChange",
    "assessments.Assessment",
    "assessments.Decision",
    "assessments.Transition",
    "assessments.InterventionTransition",
    "assessments.Measure",
    "pghistory.Events",
)


def test_trust_2_the_admin_refuses_to_write_the_workflow(world):
    """A superuser cannot add, change or delete a request (its entity, its submitter: D4), its
    letters and deliveries, an assessment, a decision, a transition, a violation (verified) or
    its verification, or history, in the admin; and sources are not in it at all."""
    from django.apps import apps

    from hrddp.support.models import SupportRequest

    client = client_of(world, "superuser")
    request = world.objects["request@mission"]
    violation = world.objects["violation"]
    assert violation.verification_status == "verified"
    attack = {
        "title": "Hijacked",
        "entity": request.entity_id + 1000,
        "created_by": world.users["superuser"].pk,
        "communications-TOTAL_FORMS": "0",
        "communications-INITIAL_FORMS": "0",
        "deliveries-TOTAL_FORMS": "0",
        "deliveries-INITIAL_FORMS": "0",
    }
    change = reverse("admin:support_supportrequest_change", args=[request.pk])
    assert client.post(change, attack).status_code == 403
    delete = reverse("admin:registry_violation_delete", args=[violation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    for label in WORKFLOW_MODELS:
        model = apps.get_model(label)
        assert model in admin.site._registry, label
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{prefix}_add")).status_code == 403, label
        assert client.post(reverse(f"{prefix}_add"), {}).status_code == 403, label
        first = model._default_manager.order_by("pk").first()
        if first is None:
            continue
        for page, data in (("change", {}), ("delete", {"post": "yes"})):
            url = reverse(f"{prefix}_{page}", args=[quote(first.pk)])
            assert client.post(url, data).status_code == 403, (label, page)
    http = RequestFactory().get(change)
    http.user = world.users["superuser"]
    for inline_class in admin.site._registry[SupportRequest].inlines:  # letters and deliveries
        inline = inline_class(SupportRequest, admin.site)
        assert not inline.has_add_permission(http, request), inline_class
        assert not inline.has_change_permission(http, request), inline_class
        assert not inline.has_delete_permission(http, request), inline_class
    request.refresh_from_db()
    assert (request.title, request.created_by) == ("Fuel (mission)", world.users["requester"])
    assert type(violation).objects.filter(pk=violation.pk, verification_status="verified").exists()
    assert apps.get_model("registry.Source") not in admin.site._registry
