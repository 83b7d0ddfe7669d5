"""The Kubernetes manifests (deploy/kubernetes/), checked without a cluster: each one against the
Kubernetes API's schemas (kubernetes-validate, strict: an unknown field fails), and against the
Procfile, whose command lines they repeat. No cluster ran them (README, Running on several
servers)."""

import kubernetes_validate
import pytest
import yaml

from .procfile import ROOT, procfile

FOLDER = ROOT / "deploy" / "kubernetes"
# The oldest Kubernetes still commonly run, and the newest whose schemas the package bundles.
VERSIONS = ["1.31.0", kubernetes_validate.latest_version()]


def documents(name):
    return [doc for doc in yaml.safe_load_all((FOLDER / name).read_text()) if doc]


def resources():
    """Every resource of every manifest, with the file it is in."""
    return [
        (path.name, doc)
        for path in sorted(FOLDER.glob("*.yaml"))
        if path.name != "kustomization.yaml"
        for doc in documents(path.name)
    ]


def resource(kind, name):
    (found,) = [
        doc for _f, doc in resources() if doc["kind"] == kind and doc["metadata"]["name"] == name
    ]
    return found


def containers(workload):
    return workload["spec"]["template"]["spec"]["containers"]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_manifest_is_valid_against_the_kubernetes_api(version):
    checked = []
    for file_name, doc in resources():
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{file_name}: {doc['kind']} {doc['metadata']['name']}: {error.message}")
        checked.append(doc["kind"])
    assert sorted(set(checked)) == [
        "ConfigMap",
        "Deployment",
        "Ingress",
        "Job",
        "Namespace",
        "Secret",
        "Service",
    ]


def test_kustomization_applies_every_manifest_but_the_secrets_example():
    kustomization = yaml.safe_load((FOLDER / "kustomization.yaml").read_text())
    files = {path.name for path in FOLDER.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files - {"secret.example.yaml"}
    assert [image["name"] for image in kustomization["images"]] == ["hrddp"]


def test_web_worker_and_beat_run_the_procfiles_command_lines():
    commands = procfile()
    for name in ("web", "worker", "beat"):
        (container,) = containers(resource("Deployment", f"hrddp-{name}"))
        assert container["command"] == commands[name], name
        assert container["image"] == "hrddp"


def test_web_and_workers_scale_and_beat_is_one_replaced_by_recreate():
    assert resource("Deployment", "hrddp-web")["spec"]["replicas"] == 2
    assert resource("Deployment", "hrddp-worker")["spec"]["replicas"] == 2
    beat = resource("Deployment", "hrddp-beat")["spec"]
    assert beat["replicas"] == 1
    # A rolling update would run the new beat beside the old one for a while.
    assert beat["strategy"] == {"type": "Recreate"}


def test_migrations_run_once_in_a_job_and_the_pods_wait_for_them():
    (job,) = resource("Job", "hrddp-migrate")["spec"]["template"]["spec"]["containers"]
    assert job["command"] == ["python", "manage.py", "migrate", "--noinput"]
    for name in ("web", "worker", "beat"):
        spec = resource("Deployment", f"hrddp-{name}")["spec"]["template"]["spec"]
        (wait,) = spec["initContainers"]
        assert "python manage.py migrate --check" in wait["command"][-1], name


def test_every_pod_reads_the_same_settings():
    settings_from = [
        {"configMapRef": {"name": "hrddp-config"}},
        {"secretRef": {"name": "hrddp-secrets"}},
    ]
    workloads = [doc for _f, doc in resources() if doc["kind"] in ("Deployment", "Job")]
    assert len(workloads) == 4
    for workload in workloads:
        spec = workload["spec"]["template"]["spec"]
        for container in spec["containers"] + spec.get("initContainers", []):
            assert container["envFrom"] == settings_from, workload["metadata"]["name"]
    config = resource("ConfigMap", "hrddp-config")["data"]
    # Files go to the object store, which every pod shares; no pod keeps one on its own disk.
    assert config["AWS_STORAGE_BUCKET_NAME"]
    secret = resource("Secret", "hrddp-secrets")["stringData"]
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL"} <= set(secret)


def test_the_ingress_reaches_the_web_pods_through_the_service():
    service = resource("Service", "hrddp-web")
    web = resource("Deployment", "hrddp-web")
    labels = web["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert web["spec"]["selector"]["matchLabels"] == service["spec"]["selector"]
    (port,) = containers(web)[0]["ports"]
    assert service["spec"]["ports"][0]["targetPort"] == port["name"]
    (rule,) = resource("Ingress", "hrddp")["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    assert path["backend"]["service"] == {"name": "hrddp-web", "port": {"name": "http"}}
