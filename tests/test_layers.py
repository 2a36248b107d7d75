"""The layers run one way: imports (lazy, function-level ones included) form no circle.

``lib`` ← ``core`` ← feature apps (``tokens`` ← ``accounts`` pages/services, …) ← the
API object (``stepback.api``) and the URL confs. Read from the source with ``ast``, so
an import hidden inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import stepback

ROOT = Path(stepback.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    modules = {
        _module_name(path): path for path in ROOT.rglob("*.py") if "migrations" not in path.parts
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                candidates = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                candidates = [a.name for a in node.names]
            else:
                continue
            targets.update(c for c in candidates if c in modules and c != name)
        graph[name] = targets
    return graph


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


def _importers_of(graph: dict[str, set[str]], prefix: str) -> set[str]:
    return {
        name
        for name, targets in graph.items()
        if not name.startswith(prefix) and any(t.startswith(prefix) for t in targets)
    }


def test_it_finds_no_import_circle() -> None:
    assert _cycle(_imports()) is None


def test_it_leaves_the_api_object_on_top() -> None:
    """Nothing imports ``stepback.api``: the root URL conf includes it by name."""
    assert _importers_of(_imports(), "stepback.api.") == set()


def test_it_builds_tokens_only_on_accounts_models_core_and_lib() -> None:
    allowed = ("stepback.tokens", "stepback.accounts.models", "stepback.accounts.roles")
    allowed += ("stepback.core", "stepback.lib")
    for name, targets in _imports().items():
        if name.startswith("stepback.tokens"):
            assert all(t.startswith(allowed) for t in targets), (name, targets)


def test_it_keeps_accounts_tasks_below_accounts_services() -> None:
    assert "stepback.accounts.services" not in _imports()["stepback.accounts.tasks"]
