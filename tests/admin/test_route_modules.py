"""The office's route modules (the panel's pages in admin/views, the sync API in admin/api) are
thin: what they share lives in admin/office (and the dependencies in deps modules), so no route
module imports another and one page can change without another page noticing."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

import pytest

ADMIN = Path(str(resources.files("admin")))
ROUTE_PACKAGES = ("admin.views", "admin.api")


def _defines_router(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "router" for t in node.targets)
        for node in tree.body
    )


def _route_modules() -> dict[str, ast.Module]:
    found = {}
    for package in ROUTE_PACKAGES:
        for path in sorted((ADMIN / package.split(".")[1]).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if _defines_router(tree):
                found[f"{package}.{path.stem}"] = tree
    return found


def _imported(tree: ast.Module) -> set[str]:
    """Every module named by an import anywhere in the file, functions included."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


ROUTES = _route_modules()


def test_the_walk_finds_the_pages_and_the_api() -> None:
    # A walk that found nothing would pass every check below.
    assert {"admin.views.children", "admin.views.collection", "admin.api.devices"} <= set(ROUTES)


@pytest.mark.parametrize("module", sorted(ROUTES))
def test_a_route_module_imports_no_other_route_module(module: str) -> None:
    borrowed = sorted((_imported(ROUTES[module]) & set(ROUTES)) - {module})
    assert borrowed == [], f"{module} imports {borrowed}: move what they share to admin/office"


@pytest.mark.parametrize(
    "outside",
    [
        "admin/first_run.py",
        "handover/cli.py",
        "admin/ops/metrics.py",
        *sorted(f"admin/office/{p.name}" for p in (ADMIN / "office").glob("*.py")),
    ],
)
def test_the_office_the_command_and_first_run_never_import_a_route_module(outside: str) -> None:
    root = ADMIN.parent
    tree = ast.parse((root / outside).read_text(encoding="utf-8"))
    assert not {n for n in _imported(tree) if n.startswith(("admin.views", "admin.api"))}


def test_errors_deps_and_templates_import_one_another_only_at_the_top() -> None:
    """errors is a leaf; deps and templating may use it but not each other, and none of the
    three hides an import inside a function (a sign of a circle kept alive by deferral)."""
    trio = {"admin.errors", "admin.deps", "admin.templating"}
    for name in trio:
        tree = ast.parse((ADMIN / f"{name.split('.')[1]}.py").read_text(encoding="utf-8"))
        top = {n.module for n in tree.body if isinstance(n, ast.ImportFrom)}
        assert _imported(tree) & trio <= top, name
        assert not (_imported(tree) & trio) - {"admin.errors"}, name
