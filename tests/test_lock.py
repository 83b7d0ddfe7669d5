"""The lock files (requirements/*.txt, written by `make lock`) agree with pyproject.toml: every
dependency it names is pinned there to a version it allows, with the hashes pip checks."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(text) for text in PROJECT["dependencies"]]
DEV = [Requirement(text) for text in PROJECT["optional-dependencies"]["dev"]]

# "name==version \" then one or more "--hash=sha256:..." lines.
PIN = re.compile(
    r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\\n((?:    --hash=sha256:[0-9a-f]{64}.*\n)+)", re.M
)


def pins(lock):
    """{canonical name: (version, number of hashes)} of a lock file."""
    text = (BASE_DIR / "requirements" / lock).read_text()
    return {
        canonicalize_name(name): (Version(version), hashes.count("--hash="))
        for name, version, hashes in PIN.findall(text)
    }


@pytest.mark.parametrize(
    "lock, requirements", [("base.txt", RUNTIME), ("dev.txt", RUNTIME + DEV)], ids=["base", "dev"]
)
def test_trust_11_every_dependency_is_pinned_with_hashes_in_the_lock(lock, requirements):
    pinned = pins(lock)
    problems = []
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name not in pinned:
            problems.append(f"{requirement} is not in requirements/{lock}")
            continue
        version, hashes = pinned[name]
        if version not in requirement.specifier:
            problems.append(f"requirements/{lock} pins {name}=={version}, outside {requirement}")
        if not hashes:
            problems.append(f"requirements/{lock} has no hash for {name}")

    assert not problems, "run `make lock`: " + "; ".join(problems)


def test_trust_11_every_line_of_the_lock_is_a_hashed_pin():
    """pip --require-hashes refuses a lock with an unpinned or unhashed line; so does this test,
    for both files, before pip is run."""
    for lock in ("base.txt", "dev.txt"):
        text = (BASE_DIR / "requirements" / lock).read_text()
        requirement_lines = [
            line for line in text.splitlines() if line and not line.startswith((" ", "#", "-c "))
        ]
        assert requirement_lines, lock
        assert all("==" in line and line.endswith("\\") for line in requirement_lines), lock
        assert len(requirement_lines) == len(pins(lock)), lock
