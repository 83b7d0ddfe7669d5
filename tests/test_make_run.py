"""`make run` and `make test` (issue 16, setup papercuts): each installs only its own lock, and
only when the lock changed; `make run` prints the address gunicorn really binds; Ctrl-C is a
normal stop; gunicorn's control socket stays in the checkout; Procfile, docker-compose.yml and the
Dockerfile run one gunicorn command line.

The run target is exercised for real against stand-ins for the virtualenv's python and honcho (a
throwaway VENV), so no server starts; the embedded PostgreSQL's stop is .ci/run's to check."""

import os
import shlex
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent

# Stand-in for honcho: shows the gunicorn arguments it was given, then runs until SIGINT/SIGTERM and
# answers as honcho does (130, 143). Python, so that it catches SIGINT even where it came ignored.
HONCHO = f"""#!{sys.executable}
import os, signal, sys, time
print("honcho sees GUNICORN_CMD_ARGS=" + os.environ.get("GUNICORN_CMD_ARGS", ""), flush=True)
signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
open(os.environ["READY_FILE"], "w").close()
time.sleep(int(os.environ.get("HONCHO_SECONDS", "60")))
sys.exit(int(os.environ.get("HONCHO_STATUS", "0")))
"""
# Stand-in for the virtualenv's python: records what it was asked to run.
PYTHON = """#!/bin/sh
echo "$*" >> "$CALLS_FILE"
"""


def make(*args, env=None, **kwargs):
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=BASE_DIR,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,
    )


@pytest.fixture
def venv(tmp_path):
    """A throwaway VENV whose python and honcho are stand-ins, installed for runtime and dev."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("python", PYTHON), ("honcho", HONCHO)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    for stamp in (".installed-base", ".installed-dev"):
        (tmp_path / "venv" / stamp).touch()
    return tmp_path / "venv"


def empty_venv(tmp_path):
    (tmp_path / "fresh" / "bin").mkdir(parents=True)
    (tmp_path / "fresh" / "bin" / "python").touch()
    return tmp_path / "fresh"


def installs(dry_run):
    return [line for line in dry_run.stdout.splitlines() if "pip install" in line]


def test_make_run_installs_only_the_runtime_lock(tmp_path):
    dry_run = make("-n", "run", f"VENV={empty_venv(tmp_path)}")

    assert dry_run.returncode == 0, dry_run.stderr
    lines = installs(dry_run)
    assert any("-r requirements/base.txt" in line for line in lines)
    assert not any("requirements/dev.txt" in line for line in lines)


def test_make_test_installs_the_development_lock_on_top_of_the_runtime_one(tmp_path):
    dry_run = make("-n", "test", f"VENV={empty_venv(tmp_path)}")

    lines = installs(dry_run)
    assert any("-r requirements/base.txt" in line for line in lines)
    assert any("-r requirements/dev.txt" in line for line in lines)


def test_nothing_is_reinstalled_while_the_stamps_are_newer_than_the_locks(venv):
    for target in ("run", "test"):
        assert installs(make("-n", target, f"VENV={venv}")) == []


def test_after_make_run_make_test_installs_only_the_test_tools(venv):
    (venv / ".installed-dev").unlink()

    lines = installs(make("-n", "test", f"VENV={venv}"))

    assert len(lines) == 1
    assert "-r requirements/dev.txt" in lines[0]


def run(venv, tmp_path, stop=None, ignore_sigint=False, env=None):
    """`make run` on the stand-ins; ``stop``: the signal sent to its process group once honcho
    runs. ``ignore_sigint``: started as .ci/run starts it (a background job ignores SIGINT)."""
    ready = tmp_path / "ready"
    environment = {
        **os.environ,
        "READY_FILE": str(ready),
        "CALLS_FILE": str(tmp_path / "calls"),
        "HONCHO_SECONDS": "60" if stop else "0",
        **(env or {}),
    }
    environment.pop("GUNICORN_CMD_ARGS", None)
    environment.update(env or {})

    def preexec():
        signal.signal(signal.SIGINT, signal.SIG_IGN if ignore_sigint else signal.SIG_DFL)

    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"VENV={venv}"],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=preexec,
    )
    if stop:
        for _ in range(300):
            if ready.exists():
                break
            time.sleep(0.1)
        os.killpg(process.pid, stop)
    output, _ = process.communicate(timeout=60)
    return process.returncode, output


def test_make_run_prints_the_default_bind(venv, tmp_path):
    status, output = run(venv, tmp_path)

    assert status == 0, output
    assert "HRDDP starts at http://127.0.0.1:8000/" in output
    assert "honcho sees GUNICORN_CMD_ARGS=--bind 127.0.0.1:8000" in output


def test_make_run_prints_the_bind_it_was_given(venv, tmp_path):
    _, output = run(venv, tmp_path, env={"BIND": "0.0.0.0:9000"})

    assert "HRDDP starts at http://0.0.0.0:9000/" in output
    assert "honcho sees GUNICORN_CMD_ARGS=--bind 0.0.0.0:9000" in output


@pytest.mark.parametrize(
    "arguments", ["--workers 1 --bind 10.1.2.3:8081", "-b 10.1.2.3:8081 --workers 1"]
)
def test_make_run_prints_the_bind_of_gunicorn_cmd_args(venv, tmp_path, arguments):
    _, output = run(venv, tmp_path, env={"GUNICORN_CMD_ARGS": arguments})

    assert "HRDDP starts at http://10.1.2.3:8081/" in output
    assert "127.0.0.1:8000" not in output


def test_a_process_that_fails_on_its_own_fails_make_run(venv, tmp_path):
    status, output = run(venv, tmp_path, env={"HONCHO_STATUS": "3"})

    assert status != 0
    assert "Error 3" in output


def test_ctrl_c_is_a_normal_stop_as_in_ci(venv, tmp_path):
    status, output = run(venv, tmp_path, stop=signal.SIGINT, ignore_sigint=True)

    assert status == 0, output
    assert "Error" not in output
    assert "HRDDP stopped." in output
    # The embedded PostgreSQL is still stopped after honcho.
    assert "-m hrddp.embedded" in (tmp_path / "calls").read_text()


def test_ctrl_c_in_a_terminal_prints_no_error(venv, tmp_path):
    _, output = run(venv, tmp_path, stop=signal.SIGINT)

    assert "Error" not in output
    assert "-m hrddp.embedded" in (tmp_path / "calls").read_text()


def procfile_command(name):
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return shlex.split(line.split(":", 1)[1])
    raise AssertionError(f"no {name} in the Procfile")


def test_docker_runs_the_procfiles_command_lines():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]
    # The web replicas serve; a one-shot service migrates before them (issue 17).
    gunicorn = shlex.split(compose["web"]["command"])
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    cmd = dockerfile[dockerfile.index("CMD [") + 4 :]
    cmd = yaml.safe_load(textwrap.dedent(cmd[: cmd.index("]") + 1]).replace("\\\n", " "))

    assert gunicorn == procfile_command("web")
    assert cmd == procfile_command("web")
    for name in ("worker", "beat"):
        assert shlex.split(compose[name]["command"]) == procfile_command(name)


def test_gunicorns_control_socket_is_in_the_checkouts_var():
    web = procfile_command("web")

    assert web[web.index("--control-socket") + 1] == "var/gunicorn.ctl"
