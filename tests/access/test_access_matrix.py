"""The access matrix over every routed URL × every persona (issue 6, hrddp/access_matrix.py).

The URLs come from the resolver: a URL added without a row in the matrix fails
``test_every_routed_url_is_in_the_matrix``; an answer that differs from its row fails
``test_access_matrix``, whose message prints the row as it stands, ready to review.
"""

import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from hrddp.access_matrix import ADMIN_PREFIX, MATRIX, PERSONAS, PUBLIC, expected, rows_for

from .world import CONTACT, IDENTITY, IDENTITY_READERS, build_world, routed_urls, signed_in

pytestmark = pytest.mark.django_db

# Values for URL arguments that are not record ids.
ARGUMENTS = {"chart": "pipeline", "format": "json"}


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
        if name in ARGUMENTS:
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
    assert not unclassified, f"URLs missing from hrddp/access_matrix.py: {unclassified}"
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


def test_access_matrix(world, caplog):
    """Every row of the matrix, every persona: one world, every difference reported at once.

    On the way, no answer to anyone but an HRO holds a witness's identity or contact, and no log
    line holds them at all (issue 6: never rendered, exported or logged for non-HROs)."""
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
                if "format=csv" in text:  # a list page: its CSV export is checked too
                    text += body(client.get(url, {"format": "csv"}))
                    exports.add(url)
                if persona in IDENTITY_READERS:
                    seen_by_hro += IDENTITY in text
                elif IDENTITY in text or CONTACT in text:
                    leaks.append(f"{persona} {method or 'GET'} {url}")
            if persona == "anonymous" and response.status_code == 302 and name not in PUBLIC:
                assert response["Location"].startswith(reverse(settings.LOGIN_URL)), url
        if got != expected(codes):
            row = " ".join(str(got[persona]) for persona in PERSONAS)
            differences.append(f'{url}\n    "{key}": ({obj!r}, "{row}"),')
    assert not differences, "\n".join(differences)
    assert not leaks, f"Identities shown to non-HROs: {leaks}"
    assert seen_by_hro, "The HROs never saw the identity: the leak check would prove nothing"
    assert len(exports) >= 11, f"Only these lists' exports were checked: {sorted(exports)}"
    assert IDENTITY not in caplog.text and CONTACT not in caplog.text
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
