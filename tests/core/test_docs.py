"""The documentation says what the code does: checked here, so it cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from ninja.conf import settings as ninja_settings

from stepback import settings as settings_module
from stepback.accounts.roles import CAPABILITIES, Capability, Role
from stepback.api.api import api
from stepback.cli import ALIASES
from stepback.core.api_schemas import MAX_ID, MAX_OFFSET
from stepback.core.services import NUMBER_RANGE_MESSAGE
from stepback.demo.accounts import PEOPLE, SITE_ADMIN
from stepback.demo.site import DEMO_PASSWORD
from stepback.goals.api import MAX_BULK_ITEMS
from stepback.goals.imports import BACKGROUND_ROWS, KEEP_DAYS, MAX_UPLOAD_BYTES
from stepback.lib.tabular.table import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from stepback.tokens.services import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
USER_GUIDE = (ROOT / "docs" / "user-guide.md").read_text()
API_GUIDE = (ROOT / "docs" / "api.md").read_text()
# Paths the API serves outside its schema.
API_PAGES = {"/api/v1", "/api/v1/docs", "/api/v1/openapi.json"}

# The user guide's words for each capability, in the order of its roles table.
CAPABILITY_ROWS = {
    Capability.VIEW: "See everything in the organisation",
    Capability.CONTRIBUTE: "Contribute data: measurements and observations",
    Capability.MANAGE_INITIATIVES: "Manage initiatives and goals",
    Capability.MANAGE_MEMBERS: "Manage members and invitations",
    Capability.VIEW_ACTIVITY: "See the activity: who changed what, and when",
    Capability.MANAGE_ORGANISATION: "Set the organisation's name, time zone and language",
    Capability.READ_FEEDBACK: "Read feedback items",
    Capability.HANDLE_FEEDBACK: "Triage and answer feedback",
}


def section(text: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no '## {heading}' section"
    return match.group(1)


def table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not set(line) <= set("|-: "):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def configuration_variables() -> set[str]:
    rows = table_rows(section(README, "Configuration"))
    return {m.group(1) for row in rows if (m := re.fullmatch(r"`(STEPBACK_\w+)`", row[0]))}


def test_it_documents_every_variable_the_settings_read() -> None:
    source = Path(settings_module.__file__).read_text()
    read = set(re.findall(r"\benv(?:_bool)?\(\s*\"(STEPBACK_\w+)\"", source))

    assert len(read) > 10
    assert read - configuration_variables() == set()


def test_it_documents_only_variables_that_exist() -> None:
    code = "\n".join(
        path.read_text()
        for pattern in ("src/**/*.py", "tests/**/*.py", "Makefile", ".ci/run")
        for path in ROOT.glob(pattern)
    )
    used = set(re.findall(r"STEPBACK_\w+", code))

    assert configuration_variables() - used == set()


def test_it_lists_every_demo_log_in_in_the_readme() -> None:
    demo = section(README, "Try it")
    emails = [email for email, _, _ in PEOPLE] + [SITE_ADMIN[0]]

    for email in emails:
        assert f"`{email}`" in demo
    assert f"`{DEMO_PASSWORD}`" in demo


def test_it_lists_every_command_of_the_cli_in_the_readme() -> None:
    commands = section(README, "The `stepback` command")

    for alias in ALIASES:
        assert f"`stepback {alias}" in commands


def test_it_states_the_roles_as_the_permission_matrix_does() -> None:
    rows = table_rows(section(USER_GUIDE, "Roles"))
    header, body = rows[0], {row[0]: row[1:] for row in rows[1:]}

    assert header[1:] == [role.label for role in Role]
    assert set(body) == set(CAPABILITY_ROWS.values())
    for capability, label in CAPABILITY_ROWS.items():
        expected = ["yes" if role in CAPABILITIES[capability] else "no" for role in Role]
        assert body[label] == expected, capability


def test_it_links_only_to_documents_that_exist() -> None:
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+\.(?:md|png))(?:#[^)]*)?\)", doc.read_text()):
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"


def api_routes() -> dict[tuple[str, str], str]:
    """(method, path) → access rule, for every route in the API's schema."""
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return {
        (method.upper(), path): operation["x-stepback-capability"]
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def test_it_lists_every_api_route_with_its_access_rule() -> None:
    documented = {}
    for row in table_rows(section(API_GUIDE, "Endpoints"))[1:]:
        method, path, rule = row[0], row[1].strip("`"), row[2].strip("`")
        documented[(method, path)] = rule

    assert len(documented) > 10
    assert documented == api_routes()


def test_it_mentions_only_api_paths_that_exist() -> None:
    patterns = [
        re.compile("[^/]+".join(re.escape(part) for part in re.split(r"\{\w+\}", path)))
        for _, path in api_routes()
    ]
    mentioned = {
        path.rstrip("./")
        for doc in (API_GUIDE, USER_GUIDE, README)
        for path in re.findall(r"/api/v1[\w{}./-]*", doc)
    }

    assert len(mentioned) > 10
    for path in mentioned - API_PAGES:
        assert any(p.fullmatch(path) for p in patterns), f"{path} is not a route of the API"


def test_it_states_the_limits_the_code_sets() -> None:
    entering_data = " ".join(section(USER_GUIDE, "Entering data").split())
    api_guide = " ".join(API_GUIDE.split())

    assert f"up to {MAX_UPLOAD_BYTES // 2**20} MB" in entering_data
    assert f"({BACKGROUND_ROWS:,} rows or more)" in entering_data
    assert f"kept for {KEEP_DAYS} days" in entering_data
    assert (
        f"at most {MAX_COLUMNS:,} columns, {MAX_ROWS:,} rows and {MAX_CELL_CHARS:,} "
        "characters in a cell"
    ) in entering_data
    low, high = (
        NUMBER_RANGE_MESSAGE.removeprefix("Use a number between ").rstrip(".").split(" and ")
    )
    assert f"between \N{MINUS SIGN}{low.lstrip('-')} and {high}" in entering_data
    assert f"from 1 to {MAX_BULK_ITEMS:,} items" in api_guide
    assert f"at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20:g} MB" in api_guide
    assert f"`limit` (default {ninja_settings.PAGINATION_PER_PAGE})" in api_guide
    assert f"at most {ninja_settings.PAGINATION_MAX_LIMIT} a page" in api_guide
    assert (
        f"ids run from 1 to {MAX_ID} (2⁶³\N{MINUS SIGN}1), `offset` from 0 to {MAX_OFFSET}"
        in api_guide
    )
    assert f"`limit` from 1 to {ninja_settings.PAGINATION_MAX_LIMIT}" in api_guide
    assert f"may make {settings.API_REQUESTS_PER_MINUTE} requests a minute" in api_guide
    tokens = " ".join(section(USER_GUIDE, "API tokens").split())
    assert f"{DEFAULT_LIFETIME_DAYS} days (the default)" in tokens
    assert f"at most {MAX_LIFETIME_DAYS} days ahead" in tokens
