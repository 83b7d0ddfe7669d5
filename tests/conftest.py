"""Named personas (style.md principle 15): each test says who acts."""

import importlib

import pytest
from django.apps import apps

from hrddp.accounts.models import Role

from .factories import EntityFactory, UserFactory


@pytest.fixture(autouse=True)
def english_by_default():
    """A request in French leaves French active in the test's thread; each test starts in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Tests create many users; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def sessions_outlive_time_travel(settings):
    """Many tests travel months ahead with a signed-in client (deadlines, reminders): here sessions
    last a century. In the product they end after 30 idle minutes; tests/accounts/test_sessions.py
    tests that."""
    settings.SESSION_COOKIE_AGE = 100 * 365 * 24 * 3600


@pytest.fixture(autouse=True)
def exports_in_a_temporary_folder(settings, tmp_path):
    """Spreadsheet exports are written under var/ in the product; a test's go to its own folder."""
    settings.EXPORT_DIR = str(tmp_path / "exports")


@pytest.fixture(autouse=True)
def attachments_in_a_temporary_folder(settings, tmp_path):
    """Attached files go to MEDIA_ROOT (var/media) in the product; a test's to its own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


SEED_MIGRATIONS = (
    "hrddp.registry.migrations.0002_seed_vocabulary",
    "hrddp.policy.migrations.0001_initial",
    "assessments.migrations.0002_seed_catalogue",
)


@pytest.fixture(autouse=True)
def vocabularies(request):
    """A transactional test empties every table when it ends, the seeded vocabularies too: each
    transactional test puts them back first, with the data migrations' own functions."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        for module in SEED_MIGRATIONS:
            importlib.import_module(module).seed(apps, None)


@pytest.fixture
def mission(db):
    return EntityFactory(code="mission", name="UN Mission")


@pytest.fixture
def agency(db):
    return EntityFactory(code="undp", name="UNDP")


@pytest.fixture
def hro(mission):
    return UserFactory(username="hro", roles=[(mission, Role.HRO)])


@pytest.fixture
def ssr_advisor(mission):
    return UserFactory(username="ssr", roles=[(mission, Role.REQUESTER)])


@pytest.fixture
def manager(mission):
    return UserFactory(username="manager", roles=[(mission, Role.MANAGER)])


@pytest.fixture
def auditor(mission):
    return UserFactory(username="auditor", roles=[(mission, Role.AUDITOR)])


@pytest.fixture
def administrator(mission):
    return UserFactory(username="administrator", roles=[(mission, Role.ADMINISTRATOR)])


@pytest.fixture
def outsider(agency):
    """An SSR advisor of another entity."""
    return UserFactory(username="outsider", roles=[(agency, Role.REQUESTER)])


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="nobody")


def verify_second_factor(client, user):
    """Complete the test client's sign-in as ``user`` with a second factor, as the code page
    would: a confirmed authenticator (made if the user has none) verifies the session."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hrddp.accounts.two_factor import SESSION_FLAG

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_FLAG] = True
    session.save()
    return device


def force_sign_in(client, user):
    """Sign ``client`` in as ``user``; for a user whose role requires two-factor sign-in (or who has
    it on), with the second factor too."""
    from hrddp.accounts.access import must_use_two_factor
    from hrddp.accounts.two_factor import has_two_factor

    client.force_login(user)
    fresh = type(user).objects.get(pk=user.pk)  # leaves the test's instance's role cache alone
    if must_use_two_factor(fresh) or has_two_factor(fresh):
        verify_second_factor(client, user)
    return client


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client, signed in as ``user`` (``force_sign_in``)."""
    return lambda user: force_sign_in(client, user)


@pytest.fixture
def to_decision(ssr_advisor, hro):
    """Walk a draft request to awaiting_decision; ``prepare(assessment)`` runs before submitting."""
    from assessments import workflow

    from .factories import complete_assessment

    def walk(request, prepare=None, scope=True):
        workflow.apply(request.pk, "submit", ssr_advisor)
        workflow.apply(request.pk, "start_assessment", hro)
        assessment = workflow.current_assessment(request)
        complete_assessment(assessment, scope=scope)
        if prepare:
            prepare(assessment)
        workflow.apply(request.pk, "submit_for_decision", hro)
        request.refresh_from_db()
        assessment.refresh_from_db()
        return assessment

    return walk


def pytest_collection_modifyitems(config, items):
    """A test outside tests/browser that asks for ``page`` (a parametrize argument of that name,
    say) gets pytest-playwright's browser page: it is then ordered with the browser tests, among
    the transactional ones, and the tables it leaves empty fail hundreds of later tests. Refuse it
    at collection, where the cause is plain."""
    strays = [
        item.nodeid
        for item in items
        if "page" in getattr(item, "fixturenames", ())
        and item.get_closest_marker("browser") is None
        and "/browser/" not in item.nodeid.replace("\\", "/")
    ]
    if strays:
        raise pytest.UsageError(
            "These tests take pytest-playwright's `page` fixture outside tests/browser "
            "(rename the argument): " + ", ".join(strays)
        )
