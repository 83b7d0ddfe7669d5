"""The Procfile's command lines, the one source that `make run`, docker-compose.yml and the
Kubernetes manifests (deploy/kubernetes/) repeat."""

import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def procfile():
    """{process name: its command line, split as a shell would}."""
    commands = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            commands[name.strip()] = shlex.split(command)
    return commands
