"""docs/bad-input.md is true: every row of its table is run through the doors it names.

The table is parsed from the document. Each row's first cell names a runner below, which
sends that bad input through the web form, the API and the spreadsheet import, and the
answers must be the cells: so changing the document without the code, or the code
without the document, fails here. A cell that starts with "—" is a door the input cannot
reach.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from stepback.accounts.roles import Role
from stepback.goals import imports
from stepback.goals.imports import ColumnMapping, DateOrder
from stepback.goals.models import Goal, Measurement, Milestone
from stepback.lib.tabular import TableError
from stepback.tokens.models import ApiToken
from tests.api.conftest import call, make_token
from tests.conftest import Tenant, make_goal, make_initiative
from tests.test_contract import DUPLICATE, goal_body, goal_form

DOC = Path(__file__).resolve().parents[1] / "docs" / "bad-input.md"
DOORS = ("web", "api", "import")


def doc_rows() -> dict[str, dict[str, str]]:
    """``{kind: {door: cell}}`` from the document's table."""
    lines = [line for line in DOC.read_text().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["Bad input", "Example", "Web form", "API", "Spreadsheet import"], header
    rows = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = dict(zip(DOORS, cells[2:], strict=True))
    return rows


# --- the doors ---------------------------------------------------------------------------


class Doors:
    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self.initiative = make_initiative(tenant.org)
        self.goal = make_goal(self.initiative)
        self.web = tenant.client_for(tenant.user(Role.ADMIN))
        self.token = make_token(tenant.user(Role.ADMIN), tenant.org, ApiToken.Scope.WRITE)

    def web_post(self, path: str, data: dict[str, Any]) -> str:
        response = self.web.post(f"/o/riverside/initiatives/{self.initiative.pk}/{path}", data)
        errors = response.context["form"].errors if response.context else {}
        messages = [f"{field}: {m}" for field, ms in errors.items() for m in ms]
        return f"`{response.status_code}` " + "; ".join(messages)

    def web_get(self, path: str) -> str:
        return f"`{self.web.get(path).status_code}`"

    def api(self, method: str, path: str, body: Any = None) -> str:
        response = call(method, path.replace("{goal}", str(self.goal.pk)), self.token, body)
        answer = response.json()
        if "errors" in answer:
            details = "; ".join(
                f"{e['field'] or '(body)'}: {e['message']}" for e in answer["errors"]
            )
        else:
            details = answer["detail"]
        return f"`{response.status_code}` {details}"

    def import_csv(self, text: str) -> str:
        try:
            upload = imports.import_create(
                goal=self.goal, filename="data.csv", content=text.encode(), actor=None
            )
        except TableError as error:
            return f"upload refused: {error}"
        imports.import_set_mapping(
            measurement_import=upload,
            mapping=ColumnMapping(date="date", value="value", note="note"),
            date_order=DateOrder.ISO,
        )
        checked = imports.import_check(measurement_import=upload)
        return "; ".join(f"row {p['row']}, {p['column']}: {p['message']}" for p in checked.problems)

    def measurement(self, **item: Any) -> tuple[str, str, str]:
        form = {"date": "2025-03-01", "value": "60", "note": "", "source": ""}
        body = {"date": "2025-03-01", "value": 60, **item}
        web = self.web_post(
            f"goals/{self.goal.pk}/measurements/", {**form, **{k: str(v) for k, v in item.items()}}
        )
        api = self.api("post", "/orgs/riverside/goals/{goal}/measurements", {"items": [body]})
        row = {
            "date": "2025-03-01",
            "value": "60",
            "note": "",
            **{k: str(v) for k, v in item.items()},
        }
        csv = "date,value,note\n" + ",".join(row[c] for c in ("date", "value", "note")) + "\n"
        return web, api, self.import_csv(csv)


NEXT_YEAR = (timezone.localdate() + timedelta(days=400)).isoformat()


def _duplicate_milestones(d: Doors) -> tuple[str, str, str]:
    form = goal_form(**DUPLICATE[0])
    web = d.web_post("goals/new/", form)
    body = goal_body(milestones=DUPLICATE[1])
    api = d.api("post", f"/orgs/riverside/initiatives/{d.initiative.pk}/goals", body)
    return web, api, "—"


def _huge_id(d: Doors) -> tuple[str, str, str]:
    web = d.web_get(f"/o/riverside/initiatives/{d.initiative.pk}/goals/{2**63}/")
    return web, d.api("get", f"/orgs/riverside/goals/{2**63}"), "—"


def _huge_offset(d: Doors) -> tuple[str, str, str]:
    web = d.web_get(f"/o/riverside/initiatives/{d.initiative.pk}/observations/?page={2**63}")
    return web, d.api("get", f"/orgs/riverside/goals/{{goal}}/measurements?offset={2**63}"), "—"


def _not_an_object(d: Doors) -> tuple[str, str, str]:
    return "—", d.api("post", "/orgs/riverside/initiatives", '"AAA"'), "—"


def _unknown_field(d: Doors) -> tuple[str, str, str]:
    body = {"title": "Reading", "organisation_id": 2}
    return "—", d.api("post", "/orgs/riverside/initiatives", body), "—"


def _oversized_body(d: Doors) -> tuple[str, str, str]:
    items = [{"date": "2025-03-01", "value": 1, "note": "x" * 400}] * 25_000
    path = "/orgs/riverside/goals/{goal}/measurements"
    return "—", d.api("post", path, json.dumps({"items": items})), "—"


def _malformed_line(d: Doors) -> tuple[str, str, str]:
    return "—", "—", d.import_csv("date,value,note\n2025-03-01,60,fine\n2025-03-02\n")


RUNNERS: dict[str, Callable[[Doors], tuple[str, str, str]]] = {
    "too-large number": lambda d: d.measurement(value="1e16"),
    "NUL character": lambda d: d.measurement(note="a\x00b"),
    "wrong type": lambda d: d.measurement(value="many"),
    "future date": lambda d: d.measurement(date=NEXT_YEAR),
    "impossible date": lambda d: d.measurement(date="2025-02-30"),
    "duplicate date": _duplicate_milestones,
    "id too large": _huge_id,
    "offset too large": _huge_offset,
    "body not an object": _not_an_object,
    "unknown field": _unknown_field,
    "body too large": _oversized_body,
    "malformed CSV line": _malformed_line,
}


@pytest.fixture
def doors(tenant: Tenant) -> Doors:
    return Doors(tenant)


def test_the_table_has_a_runner_for_every_row_and_a_row_for_every_runner() -> None:
    assert set(doc_rows()) == set(RUNNERS)


@pytest.mark.parametrize("kind", list(RUNNERS))
def test_every_row_of_the_table_is_what_the_doors_answer(doors: Doors, kind: str) -> None:
    expected = doc_rows().get(kind)
    assert expected is not None, f"docs/bad-input.md has no row {kind!r}"
    stored = Measurement.objects.count(), Milestone.objects.count(), Goal.objects.count()
    answers = dict(zip(DOORS, RUNNERS[kind](doors), strict=True))
    for door in DOORS:
        if expected[door].startswith("—"):
            assert answers[door] == "—", f"{kind}: the table says the {door} cannot take it"
        else:
            assert answers[door] == expected[door], f"{kind} through the {door}"
    assert (Measurement.objects.count(), Milestone.objects.count(), Goal.objects.count()) == (
        stored
    )
