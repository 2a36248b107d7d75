"""The plan's pages: bounded queries at scale, in-place editing, the stale save, revisions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from stepback.accounts.roles import Role
from stepback.observations.services import observation_create
from stepback.plans import services
from stepback.plans.models import Action, Evidence, Plan
from tests.conftest import Tenant, make_initiative


def _url(plan: Plan, tail: str = "") -> str:
    return f"/o/{plan.organisation.slug}/initiatives/{plan.initiative_id}/plan/{tail}"


@pytest.mark.parametrize(
    "tail",
    [
        "",
        "?status=blocked&overdue=on",
        "timeline/",
        "revisions/",
        "compare/?a=1&b=50",
        "export.csv",
    ],
)
def test_the_plan_pages_cost_a_bounded_number_of_queries(
    tail: str, big_plan: Plan, tenant: Tenant, django_assert_max_num_queries: Any
) -> None:
    client = tenant.client(Role.LEADER)
    with django_assert_max_num_queries(25):  # 7 of them the session, membership and org
        response = client.get(_url(big_plan, tail))
    assert response.status_code == 200


def test_my_actions_cost_a_bounded_number_of_queries_overdue_first(
    big_plan: Plan, tenant: Tenant, django_assert_max_num_queries: Any
) -> None:
    client = tenant.client(Role.MEMBER)
    with django_assert_max_num_queries(12):
        response = client.get(f"/o/{tenant.org.slug}/my-actions/")
    actions = response.context["actions"]
    assert actions and all(a.owner == tenant.user(Role.MEMBER) for a in actions)
    assert all(a.status in Action.OPEN for a in actions)
    today = tenant.org.today()
    late = [a.is_overdue(today) for a in actions]
    assert late == sorted(late, reverse=True)


def _action(tenant: Tenant) -> Action:
    initiative = make_initiative(tenant.org, "Reading")
    return services.action_create(initiative=initiative, actor=None, title="Reading groups")


def _form(action: Action, **overrides: Any) -> dict[str, Any]:
    return {"version": action.version, "title": action.title, "status": "not_started", **overrides}


def test_editing_in_place_answers_the_row(tenant: Tenant) -> None:
    action = _action(tenant)
    client = tenant.client(Role.LEADER)
    url = _url(action.plan, f"actions/{action.pk}/edit/")
    form = client.get(url, HTTP_HX_REQUEST="true")
    assert b'hx-post="' + url.encode() in form.content
    saved = client.post(url, _form(action, status="in_progress"), HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert f'id="action-{action.pk}"'.encode() in saved.content
    assert b"In progress" in saved.content
    action.refresh_from_db()
    assert (action.status, action.version) == ("in_progress", 2)


def test_editing_without_javascript_goes_back_to_the_plan(tenant: Tenant) -> None:
    action = _action(tenant)
    url = _url(action.plan, f"actions/{action.pk}/edit/")
    saved = tenant.client(Role.LEADER).post(url, _form(action, title="Reading clubs"))
    assert saved.status_code == 302
    assert saved["Location"].endswith(f"#action-{action.pk}")


def test_a_stale_form_is_refused_keeping_both_sides(tenant: Tenant) -> None:
    action = _action(tenant)
    url = _url(action.plan, f"actions/{action.pk}/edit/")
    ana, ben = tenant.client(Role.LEADER), tenant.client(Role.SUPPORT)
    assert ana.post(url, _form(action, due_date="2026-04-01")).status_code == 302
    refused = ben.post(url, _form(action, title="Reading clubs"))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Someone else saved this" in page and "2026-04-01" in page
    assert 'value="Reading clubs"' in page  # Ben's input is kept
    assert 'name="version" value="2"' in page  # and a second save is deliberate
    action.refresh_from_db()
    assert (action.title, str(action.due_date)) == ("Reading groups", "2026-04-01")
    assert ben.post(url, {**_form(action, title="Reading clubs")}).status_code == 302


def test_saving_a_revision_with_evidence_then_a_conflict_rebases(tenant: Tenant) -> None:
    action = _action(tenant)
    url = _url(action.plan, "revisions/new/")
    ana, ben = tenant.client(Role.LEADER), tenant.client(Role.SUPPORT)
    assert b"Draft" in ana.get(_url(action.plan)).content
    assert ana.post(url, {"base_number": 0, "rationale": "First plan"}).status_code == 302
    services.action_create(initiative=action.plan.initiative, actor=None, title="Tutors")
    refused = ben.post(url, {"base_number": 0, "rationale": "Tutors too"})
    assert refused.status_code == 400
    assert "Revision 1 was saved by" in refused.content.decode()
    assert 'name="base_number" value="1"' in refused.content.decode()
    assert ben.post(url, {"base_number": 1, "rationale": "Tutors too"}).status_code == 302
    compare = Client()
    compare.force_login(tenant.user(Role.VIEWER))
    page = compare.get(_url(action.plan, "compare/?a=1&b=2")).content.decode()
    assert "1 action added" in page and "Tutors" in page


def test_restoring_asks_first_then_starts_a_draft(tenant: Tenant) -> None:
    action = _action(tenant)
    services.revision_save(
        initiative=action.plan.initiative, actor=None, rationale="1", base_number=0
    )
    services.action_remove(action=action, actor=None, version=1)
    client = tenant.client(Role.LEADER)
    url = _url(action.plan, "revisions/1/restore/")
    assert client.get(url).status_code == 200
    assert Action.objects.live().count() == 0
    assert client.post(url).status_code == 302
    assert Action.objects.live().count() == 1


def test_a_revision_cites_the_observations_the_form_offers(tenant: Tenant) -> None:
    action = _action(tenant)
    initiative = action.plan.initiative
    note = observation_create(initiative=initiative, actor=None, title="Year 8 visit")
    url = _url(action.plan, "revisions/new/")
    data = {"base_number": 0, "rationale": "After the visit", "observations": [note.pk]}
    assert tenant.client(Role.LEADER).post(url, data).status_code == 302
    assert Evidence.objects.get().label == "Year 8 visit"
    page = tenant.client(Role.VIEWER).get(_url(action.plan, "revisions/1/"))
    assert "Year 8 visit" in page.content.decode()
