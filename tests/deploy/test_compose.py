"""docker-compose.yml, read as Compose reads it (YAML, merge keys and all), without Docker (none
runs here; README, Running on several servers): the Procfile's command lines, two web replicas
behind the proxy, two workers, exactly one beat, and the services they share."""

import shlex
import subprocess
import sys

import pytest
import yaml

from tests.object_store import moto_server

from .procfile import ROOT, procfile


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def command(service):
    line = service["command"]
    return shlex.split(line) if isinstance(line, str) else line


def test_web_worker_and_beat_run_the_procfiles_command_lines(services):
    commands = procfile()
    for name in ("web", "worker", "beat"):
        assert command(services[name]) == commands[name], name
        assert services[name]["image"] == "hrddp"


def test_two_web_replicas_two_workers_and_exactly_one_beat(services):
    assert services["web"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["beat"]["deploy"]["replicas"] == 1


def test_the_proxy_alone_is_published_and_spreads_requests_over_the_web_replicas(services):
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["proxy"]
    assert services["proxy"]["image"].startswith("nginx:")
    (mount,) = services["proxy"]["volumes"]
    source, target = mount.split(":")[:2]
    assert (source, target) == ("./deploy/nginx.conf", "/etc/nginx/conf.d/default.conf")
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web:8000 resolve;" in config and "proxy_pass http://hrddp_web;" in config
    assert services["web"]["expose"] == ["8000"]


def test_every_process_shares_the_database_the_broker_and_the_object_store(services):
    app = ("web", "worker", "beat", "migrate", "bucket")
    environments = [services[name]["environment"] for name in app]
    assert all(env == environments[0] for env in environments)
    env = environments[0]
    assert env["DATABASE_URL"].split("@")[1] == "postgres:5432/hrddp"
    assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert env["AWS_STORAGE_BUCKET_NAME"]
    # No var/ shared between replicas (each has its own gunicorn control socket): the file
    # mailbox only, for a stack without EMAIL_URL.
    for name in app:
        assert services[name]["volumes"] == ["mail:/app/var/mail"], name
    for name in ("web", "worker", "beat"):
        needs = services[name]["depends_on"]
        assert needs["migrate"]["condition"] == "service_completed_successfully", name
        assert needs["bucket"]["condition"] == "service_completed_successfully", name
    assert command(services["migrate"]) == ["python", "manage.py", "migrate", "--noinput"]
    assert services["minio"]["image"].startswith("minio/minio")


def test_the_one_shot_bucket_service_makes_the_bucket_once(services):
    """Its command, run as Compose would run it, against a real S3 API (moto's server)."""
    args = command(services["bucket"])
    assert args[:2] == ["python", "-c"]
    with moto_server() as store:
        env = {
            "PATH": "/usr/bin:/bin",
            **store.env,
            "AWS_STORAGE_BUCKET_NAME": "made-by-compose",
        }
        for _run in range(2):  # a second start finds the bucket and leaves it
            subprocess.run([sys.executable, *args[1:]], env=env, check=True, timeout=60)
        names = [bucket["Name"] for bucket in store.client.list_buckets()["Buckets"]]
        assert "made-by-compose" in names
