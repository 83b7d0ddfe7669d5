"""Two web servers and two Celery workers sharing one database, one broker and one object store.

Fixtures (module-scoped ones start once per test module; every process is stopped in their
finalizers):

- ``object_store``: moto's S3 server with an empty bucket (tests/object_store.py).
- ``shared_env``: the environment the four processes share: the test database, the broker (the
  Redis of CELERY_BROKER_URL, emptied first), the bucket (AWS_*) and one SECRET_KEY.
- ``web_servers``: ``(web_a, web_b)``, gunicorn with the Procfile's command line on two free
  ports (``web.url``; ``web.get(session, path)``, ``web.post(session, path, data, files)``).
- ``workers``: ``(worker_a, worker_b)``, celery with the Procfile's command line and distinct
  ``-n`` names; ``worker.send(task, *args)`` hands a task to that worker only and
  ``worker.result(task_id)`` waits for its return value.
- ``sign_in``: ``sign_in(user, via=web_a)`` -> a ``requests.Session`` signed in through the real
  login page (and the second factor's page, for a user who needs one). Its cookies go to both
  servers (cookies do not depend on the port), as a load balancer sends a user's requests to any.
- ``people``: the mission's SSR advisor, HRO and manager, each with an email address.
- ``tasks_held``: a context manager; tasks the test process itself would send meanwhile (a
  change's trigger checks, say) are not sent, so that the test decides which worker runs what.

The data a test makes must be committed for the processes to see it: the tests are
transactional (``pytest.mark.django_db(transaction=True)``).
"""

import contextlib
import os
import time
from unittest import mock

import pytest
import requests
from django.conf import settings

from tests.object_store import moto_server

from . import servers


def shared_redis_broker():
    """The broker the processes share: CELERY_BROKER_URL's Redis. Without one (a laptop on the
    filesystem transport, which is one machine's folder) the tests are skipped; never in CI."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        reason = "the two-server tests need CELERY_BROKER_URL=redis://... (a broker servers share)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    return url


@pytest.fixture(scope="module")
def object_store():
    with moto_server() as store:
        yield store


@pytest.fixture(scope="module")
def shared_env(django_db_setup, object_store, tmp_path_factory):
    import redis

    broker = shared_redis_broker()
    redis.Redis.from_url(broker).flushdb()  # no task left by an earlier test
    folder = tmp_path_factory.mktemp("servers")
    return {
        "database": servers.database_url(),
        "broker": broker,
        "object_store": object_store.env,
        "folder": folder,
    }


def _start(make, name, shared):
    folder = shared["folder"] / name
    env = servers.environment(
        shared["database"], shared["broker"], shared["object_store"], folder, name
    )
    return make(name, folder, env).start()


@pytest.fixture(scope="module")
def web_servers(shared_env):
    started = []
    try:
        for name in ("web-a", "web-b"):
            started.append(_start(servers.web_server, name, shared_env))
        for web in started:
            web.wait_until_ready()
        yield tuple(started)
    finally:
        for web in started:
            web.stop()


@pytest.fixture(scope="module")
def workers(shared_env):
    started = []
    try:
        for name in ("worker-a", "worker-b"):
            started.append(_start(servers.worker, name, shared_env))
        for worker in started:
            worker.wait_until_ready()
            worker.listen()
        yield tuple(started)
    finally:
        for worker in started:
            worker.stop()
        from django.db import connection

        connection.close()


@pytest.fixture
def people(mission):
    from hrddp.accounts.models import Role
    from tests.factories import UserFactory

    def person(name, role):
        return UserFactory(username=name, email=f"{name}@example.org", roles=[(mission, role)])

    return {
        "ssr": person("ssr", Role.REQUESTER),
        "hro": person("hro", Role.HRO),
        "manager": person("manager", Role.MANAGER),
    }


@contextlib.contextmanager
def _tasks_held():
    with mock.patch("celery.app.task.Task.apply_async"):
        yield


@pytest.fixture
def tasks_held():
    return _tasks_held


def current_code(device):
    """A TOTP code ``device`` accepts now: the current one, or the next step's when the current
    one was used already (django-otp refuses a code twice; it allows one step of drift)."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if device.last_t is not None and totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def sign_in(web_servers):
    """``sign_in(user, via=web_a, password="pw")``: a requests.Session signed in as ``user``."""

    def sign_in(user, via=None, password="pw"):
        from django.contrib.auth.hashers import PBKDF2PasswordHasher
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from hrddp.accounts.access import must_use_two_factor

        web = via or web_servers[0]
        # The tests hash passwords with MD5 (tests/conftest.py), which the servers do not accept.
        hasher = PBKDF2PasswordHasher()
        user.password = hasher.encode(password, hasher.salt())
        user.save(update_fields=["password"])
        device = None
        if must_use_two_factor(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = requests.Session()
        assert web.get(session, "/accounts/login/").status_code == 200
        answer = web.post(
            session, "/accounts/login/", {"username": user.username, "password": password}
        )
        assert answer.status_code == 302, f"sign-in of {user} refused: {answer.status_code}"
        if device is not None:
            answer = web.post(
                session, "/accounts/two-factor/verify/", {"code": current_code(device)}
            )
            assert answer.status_code == 302, f"second factor of {user} refused"
        return session

    return sign_in
