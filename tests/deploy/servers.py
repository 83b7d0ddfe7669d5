"""Real web servers and Celery workers as subprocesses, started with the Procfile's command lines,
for the tests that show the product runs on several servers (tests/deploy/test_two_servers.py).

Each process has a working folder of its own (its var/, hence gunicorn's control socket) and a
MEDIA_ROOT of its own: a file kept on one process's disk is out of every other's reach, as on
separate machines. What they share is what the product shares between servers: the database, the
broker and the object store, named by the environment (``shared_env`` in conftest.py).
"""

import ast
import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests
from django.conf import settings

from .procfile import ROOT, procfile

BIN = Path(sys.executable).parent
PR_SET_PDEATHSIG = 1  # <sys/prctl.h>


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    """The test database (pytest-django's), as a DATABASE_URL for a subprocess."""
    db = settings.DATABASES["default"]
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host", "")
    if host.startswith("/"):  # the embedded server's socket directory
        return f"postgresql://{db['USER']}@/{db['NAME']}?host={quote(host)}"
    password = quote(db.get("PASSWORD") or "")
    return f"postgresql://{db['USER']}:{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def wait_for(condition, timeout=30, message="condition", interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


def die_with_the_tests():
    """In the child, before it runs: a SIGTERM when the test process dies (Linux's
    PR_SET_PDEATHSIG), so that a run killed by CI's timeout leaves no gunicorn or worker taking
    the next run's tasks. Elsewhere, the fixtures' finalizers alone stop them."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


@dataclass
class Process:
    """A subprocess in a process group of its own, its output in ``log``."""

    name: str
    command: list
    folder: Path
    env: dict
    popen: subprocess.Popen = field(default=None, repr=False)

    @property
    def log(self):
        return self.folder / "output.log"

    def start(self):
        (self.folder / "var").mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as output:
            self.popen = subprocess.Popen(
                self.command,
                cwd=self.folder,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_the_tests,
            )
        return self

    def output(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, lines=40):
        return "\n".join(self.output().splitlines()[-lines:])

    def alive(self):
        if self.popen.poll() is not None:
            raise AssertionError(f"{self.name} exited with {self.popen.returncode}:\n{self.tail()}")
        return True

    def stop(self):
        if self.popen is None or self.popen.poll() is not None:
            return
        for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.popen.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                continue


@dataclass
class WebServer(Process):
    """gunicorn, as the Procfile runs it, bound where GUNICORN_CMD_ARGS says (as `make run` and
    the Docker image bind it)."""

    port: int = 0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def wait_until_ready(self, timeout=60):
        def answers():
            self.alive()
            try:  # the first request loads Django: seconds
                return requests.get(f"{self.url}/accounts/login/", timeout=20).status_code == 200
            except requests.RequestException:
                return False

        wait_for(answers, timeout, f"{self.name} to answer")

    def get(self, session, path, **kwargs):
        """GET ``path`` on this server with ``session``'s cookies (no redirect followed)."""
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        return session.get(self.url + path, **kwargs)

    def post(self, session, path, data=None, files=None, **kwargs):
        """POST a form (``files``: {field: (name, bytes, content type)}) as a browser would, with
        the CSRF token of ``session``'s cookie."""
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        data = {**(data or {}), "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")}
        return session.post(self.url + path, data=data, files=files, **kwargs)


@dataclass
class Worker(Process):
    """A Celery worker, as the Procfile runs it, named ``hostname`` (-n). It also consumes, once
    ``listen()`` has run, a queue of its own (``queue``), so that a test can hand a task to this
    worker and not the other."""

    hostname: str = ""

    @property
    def queue(self):
        return f"only-{self.hostname.split('@')[0]}"

    def wait_until_ready(self, timeout=30):
        from hrddp.celery import app

        def answers():
            self.alive()
            return app.control.ping(destination=[self.hostname], timeout=0.5)

        wait_for(answers, timeout, f"{self.name} to answer a ping")

    def listen(self):
        """Make the running worker consume ``queue`` too (Celery's remote control: the command
        line stays the Procfile's)."""
        from hrddp.celery import app

        replies = app.control.add_consumer(
            self.queue, destination=[self.hostname], reply=True, timeout=5
        )
        assert replies and "ok" in str(replies), replies

    def send(self, task, *args):
        """Hand ``task(*args)`` to this worker (its own queue); returns the task's id."""
        return task.apply_async(args, queue=self.queue).id

    def result(self, task_id, timeout=30):
        """The return value of task ``task_id`` that this worker ran, read from its log once it
        has succeeded (there is no result backend)."""
        pattern = re.compile(rf"\[{re.escape(task_id)}\] succeeded in [0-9.]+s: (.*)$", re.M)

        def succeeded():
            self.alive()
            return pattern.search(self.output())

        return ast.literal_eval(wait_for(succeeded, timeout, f"task {task_id} on {self.name}")[1])


def web_server(name, folder, env):
    port = free_port()
    command = procfile()["web"]
    return WebServer(
        name=name,
        command=[str(BIN / command[0]), *command[1:]],
        folder=folder,
        env={**env, "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port}"},
        port=port,
    )


def worker(name, folder, env):
    command = procfile()["worker"]
    hostname = f"{name}@{socket.gethostname()}"
    return Worker(
        name=name,
        command=[str(BIN / command[0]), *command[1:], "-n", hostname],
        folder=folder,
        env=env,
        hostname=hostname,
    )


def environment(database, broker, object_store_env, folder, name):
    """A subprocess's environment: the test's own, pointed at what the servers share, with a
    MEDIA_ROOT of its own (any file a process kept locally would be out of the others' reach)."""
    env = {
        **os.environ,
        "DEBUG": "1",
        # The same secret on every server: a session signed by one is valid on the other.
        "SECRET_KEY": "two-servers-test-secret-key-shared-by-every-web-server-and-worker",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker,
        "CELERY_VISIBILITY_TIMEOUT": "30",
        "MEDIA_ROOT": str(folder / "media"),
        "EMAIL_FILE_PATH": str(folder / "mail"),
        "CONN_MAX_AGE": "0",
        # This checkout's code, whatever the virtualenv's editable install points to.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        **object_store_env,
    }
    for unset in ("EMAIL_URL", "GUNICORN_CMD_ARGS", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(unset, None)
    return env
