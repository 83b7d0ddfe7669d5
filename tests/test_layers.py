"""The house's layers (issue 14), as import-linter contracts in pyproject.toml: a lower app imports
nothing from a higher one (notifications, policy and the audit at the bottom, the API at the top),
and only the URL confs import views.

The linter reads the code, it does not import it: run on this checkout (PYTHONPATH), whatever
copy of the project the virtualenv has installed."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}


def lint(config_file=None):
    """``lint-imports`` of the virtualenv on this checkout: (passed, its report)."""
    command = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache", "--no-logo"]
    if config_file is not None:
        command.append(str(config_file))
    env = {**os.environ, "PYTHONPATH": str(BASE_DIR)}
    done = subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    return done.returncode == 0, done.stdout + done.stderr


def ini(contracts):
    """The contracts as an .importlinter (INI) file: the same keys, lists one item a line."""
    lines = ["[importlinter]", "root_packages =", *(f"    {p}" for p in CONFIG["root_packages"])]
    for contract in contracts:
        lines.append(f"[importlinter:contract:{contract['id']}]")
        for key, value in contract.items():
            if key == "id":
                continue
            if isinstance(value, list):
                lines += [f"{key} =", *(f"    {item}" for item in value)]
            else:
                lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def test_layers_no_lower_app_imports_a_higher_one_and_only_urls_import_views():
    passed, report = lint()
    assert passed, report
    assert "Contracts: 2 kept, 0 broken." in report


def test_layers_a_lower_app_importing_a_higher_one_breaks_the_contract(tmp_path):
    # The contract bites: without its exception, the request page (support) importing the
    # assessment it shows (assessments, above it) breaks it.
    layers = dict(CONTRACTS["layers"])
    exception = "hrddp.support.views -> assessments.*"
    layers["ignore_imports"] = [item for item in layers["ignore_imports"] if item != exception]
    config = tmp_path / ".importlinter"
    config.write_text(ini([layers]))

    passed, report = lint(config)

    assert not passed
    assert "hrddp.support is not allowed to import assessments" in report


def test_layers_accounts_and_registry_import_nothing_from_support_community_or_assessments():
    # Done when of issue 14, word for word: no exception of the contract lets them.
    lower = re.compile(r"^hrddp\.(accounts|registry)\b")
    higher = re.compile(r"\b(hrddp\.support|hrddp\.community|assessments)\b")
    exceptions = {
        item
        for item in CONTRACTS["layers"]["ignore_imports"]
        if lower.match(item) and higher.search(item.split("->")[1])
    }
    assert not exceptions


def test_layers_every_views_module_is_protected():
    # A wildcard replaces whole names only, so views_<something> modules are listed one by one:
    # a new one must join the list, or anything could import it.
    patterns = CONTRACTS["views"]["protected_modules"]

    def covered(module):
        """Matched by a pattern, or inside a package one matches (``*``: any one name)."""
        parts = module.split(".")
        return any(
            len(parts) >= len(wanted)
            and all(w in ("*", p) for w, p in zip(wanted, parts, strict=False))
            for wanted in (pattern.split(".") for pattern in patterns)
        )

    views = []
    for root in CONFIG["root_packages"]:
        for path in (BASE_DIR / root).rglob("views*"):
            if path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").exists()):
                relative = path.relative_to(BASE_DIR).with_suffix("")
                views.append(".".join(relative.parts))
    assert views
    assert [module for module in views if not covered(module)] == []
