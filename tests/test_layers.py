"""The layers run one way, read from the source with ``ast`` so that an import hidden
inside a function counts too.

    lib  ←  accounts models and roles  ←  core  ←  feature apps, in APP_ORDER  ←  the top

* ``lib`` holds pure helpers: it imports no other layer and no Django models.
* ``core`` (access, htmx, Markdown, the audit log) imports only ``lib`` and accounts'
  models and roles.
* A feature app's own modules (models, services, selectors, forms, tasks…) import only
  the layers below and the apps before it in ``APP_ORDER``. Its web modules (views, API
  routers, URL confs, admin, template tags) may read any app's modules, but never another
  web module: views do not import views.
* The top (settings, the root URL conf, the API object, the commands, the demo) may
  import anything; nothing imports it.
* No module imports in a circle, and ``tasks.py`` holds only huey tasks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import stepback

ROOT = Path(stepback.__file__).parent

#: The feature apps, each built only on the ones before it.
APP_ORDER = [
    "tokens",
    "accounts",
    "activity",
    "initiatives",
    "goals",
    "observations",
    "stepbacks",
    "plans",
    "ownership",
    "stakeholders",
    "feedback",
]
BASE = ("stepback.accounts.models", "stepback.accounts.roles")
TOP = (
    "stepback.settings",
    "stepback.urls",
    "stepback.wsgi",
    "stepback.asgi",
    "stepback.cli",
    "stepback.api",
    "stepback.demo",
    "stepback.core.management",
)
WEB_PARTS = {"views", "api", "urls", "admin", "templatetags"}
TASK_DECORATORS = {"db_task", "db_periodic_task", "task", "periodic_task"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in ROOT.rglob("*.py") if "migrations" not in p.parts}


def _targets(path: Path) -> set[str]:
    """Every module of ``stepback`` (or outside it) that ``path`` imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    return {
        name: {t for t in _targets(path) if t in MODULES and t != name}
        for name, path in MODULES.items()
    }


def layer(name: str) -> tuple[str, str | None, bool]:
    """(layer, app, is_web) of a module: ``lib``, ``base``, ``core``, ``app`` or ``top``."""
    if name.startswith(TOP):
        return "top", None, False
    if name.startswith("stepback.lib"):
        return "lib", None, False
    if name.startswith(BASE):
        return "base", None, False
    parts = name.split(".")
    is_web = any(part in WEB_PARTS or part.endswith("_views") for part in parts[2:])
    if parts[1] == "core":
        return "core", None, is_web
    if parts[1] in APP_ORDER:
        return "app", parts[1], is_web
    return "unknown", None, False


def violation(importer: str, target: str) -> str | None:
    """Why ``importer`` may not import ``target``, or None when the layers allow it."""
    kind, app, web = layer(importer)
    t_kind, t_app, t_web = layer(target)
    if kind == "top" or importer == target:
        return None
    if t_kind == "top":
        return "nothing below the top imports the top"
    if kind == "lib":
        return None if t_kind == "lib" else "lib imports only lib"
    if kind == "base":
        return None if t_kind in ("lib", "base") else "accounts models import only lib"
    if kind == "core":
        return None if t_kind in ("lib", "base", "core") else "core imports no feature app"
    if kind != "app" or app is None:
        return f"{importer} belongs to no layer: add its app to APP_ORDER"
    if web and t_web and not (importer.endswith(".urls") and t_app == app):
        return "a web module imports no other web module (an app's URL conf its own views)"
    if t_kind == "app" and t_app is not None and not web:
        if t_web:
            return "an app's own modules import no web module"
        if APP_ORDER.index(t_app) > APP_ORDER.index(app):
            return f"{app} comes before {t_app} in APP_ORDER"
    return None


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_it_finds_no_import_circle() -> None:
    assert _cycle(_graph()) is None


def test_every_import_runs_down_the_layers() -> None:
    broken = [
        f"{importer} → {target}: {why}"
        for importer, targets in sorted(_graph().items())
        for target in sorted(targets)
        if (why := violation(importer, target))
    ]
    assert broken == []


def test_lib_uses_no_django_models() -> None:
    for name, path in MODULES.items():
        if name.startswith("stepback.lib"):
            assert not any(t.startswith("django.db") for t in _targets(path)), name


@pytest.mark.parametrize(
    ("importer", "target", "why"),
    [
        ("stepback.initiatives.models", "stepback.goals.models", "comes before"),
        ("stepback.core.audit", "stepback.initiatives.models", "core imports no feature app"),
        ("stepback.lib.charts", "stepback.core.access", "lib imports only lib"),
        ("stepback.goals.import_views", "stepback.goals.views", "no other web module"),
        ("stepback.goals.services", "stepback.goals.views", "import no web module"),
        ("stepback.goals.services", "stepback.urls", "nothing below the top"),
    ],
)
def test_a_back_import_is_caught(importer: str, target: str, why: str) -> None:
    """The rule refuses each kind of import that would bend the layers."""
    assert why in (violation(importer, target) or "")


def test_tasks_modules_hold_only_tasks() -> None:
    for name, path in MODULES.items():
        if not name.endswith(".tasks"):
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = {
                    getattr(getattr(d, "func", d), "id", None)
                    or getattr(getattr(d, "func", d), "attr", None)
                    for d in node.decorator_list
                }
                assert names & TASK_DECORATORS, f"{name}.{node.name} is not a task"


def test_every_app_has_a_place_in_the_order() -> None:
    apps = {name.split(".")[1] for name in MODULES if name.count(".") >= 1}
    placed = set(APP_ORDER) | {"lib", "core", "api", "demo", "settings", "urls"}
    placed |= {"wsgi", "asgi", "cli", "__init__"}
    assert apps - placed == set()
