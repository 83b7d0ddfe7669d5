"""Views are thin (issue 14): a lookup or a write that two places need lives in the app's
queries.py or services.py, so no views module imports another, and nothing but the URL
configuration imports a views module."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("hrddp", "assessments")


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_views(name):
    return any(part == "views" or part.startswith("views_") for part in name.split("."))


def imported_modules(path):
    """Every module ``path`` imports, and every name it imports from one (``from a import b``
    may import the module ``a.b``), relative imports resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def python_files():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_views_import_no_other_views_module_and_only_urls_import_views():
    views = {module_name(path) for path in python_files() if is_views(module_name(path))}
    offending = []
    for path in python_files():
        importer = module_name(path)
        if path.name == "urls.py":
            continue
        for imported in set(imported_modules(path)) & views:
            # A views package gathers its own modules for its URL configuration.
            if path.name == "__init__.py" and imported.startswith(importer + "."):
                continue
            if imported != importer:
                offending.append(f"{importer} imports {imported}")
    assert not offending, offending
