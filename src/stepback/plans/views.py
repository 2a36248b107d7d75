"""Web pages of the plan: the plan by objective with its filters, editing objectives and
actions (in place with htmx, or on their own page without JavaScript), the timeline, the
export, and My actions.

Every edit carries the row's version; a stale save shows who changed what, and keeps the
person's input in the form, with the version moved on, so a second save is deliberate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from stepback.accounts.roles import Capability
from stepback.core.access import OrgRequest, org_view
from stepback.core.htmx import redirect_page, render_page_or_partial
from stepback.initiatives.models import Initiative
from stepback.initiatives.selectors import initiative_for_org
from stepback.lib import gantt
from stepback.plans import exports, selectors, services, words
from stepback.plans.compare import summarise
from stepback.plans.forms import ActionFilterForm, ActionForm, ObjectiveForm, VersionedForm
from stepback.plans.models import Action, Objective, Plan
from stepback.plans.pages import stale_message


def _plan_url(request: OrgRequest, initiative_id: int) -> str:
    return reverse("plans:plan", kwargs={"org": request.org.slug, "initiative_id": initiative_id})


def _manage(request: OrgRequest) -> bool:
    return request.membership.can(Capability.MANAGE_INITIATIVES)


def _draft_context(plan: Plan | None) -> dict[str, Any]:
    changes = selectors.draft_changes(plan)
    return {
        "plan": plan,
        "head_number": plan.head_number if plan else 0,
        "has_draft": bool(changes),
        "draft_summary": words.summary(summarise(changes)),
    }


def _group(
    objectives: list[Objective], actions: list[Action]
) -> list[tuple[Objective | None, list[Action]]]:
    by_objective: dict[int | None, list[Action]] = {}
    for action in actions:
        by_objective.setdefault(action.objective_id, []).append(action)
    groups: list[tuple[Objective | None, list[Action]]] = [
        (objective, by_objective.get(objective.pk, [])) for objective in objectives
    ]
    if by_objective.get(None):
        groups.append((None, by_objective[None]))
    return groups


@org_view()
@require_GET
def plan_detail(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    plan = selectors.plan_for(initiative)
    form = ActionFilterForm(request.GET, initiative=initiative)
    filters = form.valid_filters()
    today = request.org.today()
    rows = selectors.matching(
        selectors.actions(plan),
        today=today,
        owner=filters.get("owner"),
        status=filters.get("status") or None,
        overdue=bool(filters.get("overdue")),
        goal=filters.get("goal"),
    )
    actions = list(rows)
    objectives = selectors.objectives(plan)
    groups = _group(objectives, actions)
    if form.active:
        groups = [(objective, rows) for objective, rows in groups if rows]
    context = {
        "initiative": initiative,
        "form": form,
        "groups": groups,
        "count": len(actions),
        "today": today,
        "can_manage": _manage(request),
        "plan_url": _plan_url(request, initiative.pk),
        **_draft_context(plan),
    }
    return render_page_or_partial(request, "plans/plan.html", "results", context)


def _row_answer(request: OrgRequest, action: Action) -> HttpResponse:
    """After a save: the row itself for htmx, else back to the plan."""
    if request.htmx:  # type: ignore[attr-defined]
        action = selectors.action_for(request.org, action.plan.initiative_id, action.pk)
        context = {
            "action": action,
            "initiative": action.plan.initiative,
            "today": request.org.today(),
            "can_manage": _manage(request),
            "oob": True,
            "plan_url": _plan_url(request, action.plan.initiative_id),
            **_draft_context(action.plan),
        }
        return render(request, "plans/_action.html", context)
    return redirect_page(
        request, _plan_url(request, action.plan.initiative_id) + f"#action-{action.pk}"
    )


def _edit_page(
    request: OrgRequest,
    form: VersionedForm,
    template: str,
    context: dict[str, Any],
    save: Callable[[], HttpResponse],
) -> HttpResponse:
    """``core.pages.form_page`` with the stale answer: the other person's changes above the
    form, the person's input kept, and the version moved on."""
    if request.method == "POST" and form.is_valid():
        try:
            return save()
        except services.StaleWrite as error:
            form.add_error(None, stale_message(error))
            data = cast(QueryDict, form.data).copy()
            data["version"] = str(error.row.version)
            form.data = data
        except ValidationError as error:
            form.add_service_errors(error)
    status = 400 if form.errors and not request.htmx else 200  # type: ignore[attr-defined]
    return render(request, template, {"form": form, **context}, status=status)


@org_view(Capability.MANAGE_INITIATIVES)
def objective_create(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = ObjectiveForm(request.POST or None, initiative=initiative, initial={"version": 1})

    def save() -> HttpResponse:
        services.objective_create(
            initiative=initiative,
            actor=request.membership.user,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            goals=list(form.cleaned_data["goals"]),
        )
        messages.success(request, _("The objective is added to the draft."))
        return redirect_page(request, _plan_url(request, initiative.pk))

    context = {"initiative": initiative, "objective": None}
    return _edit_page(request, form, "plans/objective_form.html", context, save)


@org_view(Capability.MANAGE_INITIATIVES)
def objective_edit(request: OrgRequest, initiative_id: int, objective_id: int) -> HttpResponse:
    objective = selectors.objective_for(request.org, initiative_id, objective_id)
    initiative = objective.plan.initiative
    form = ObjectiveForm(
        request.POST or None, initiative=initiative, initial=ObjectiveForm.initial_for(objective)
    )

    def save() -> HttpResponse:
        if "remove" in request.POST:
            services.objective_remove(
                objective=objective,
                actor=request.membership.user,
                version=form.cleaned_data["version"],
            )
            messages.success(
                request, _("The objective is removed from the draft; its actions stay.")
            )
        else:
            services.objective_update(
                objective=objective,
                actor=request.membership.user,
                version=form.cleaned_data["version"],
                changes=form.changes(),
                goals=list(form.cleaned_data["goals"]),
            )
            messages.success(request, _("The objective is saved in the draft."))
        return redirect_page(request, _plan_url(request, initiative.pk))

    context = {"initiative": initiative, "objective": objective}
    return _edit_page(request, form, "plans/objective_form.html", context, save)


def _initiative_with_plan(
    request: OrgRequest, initiative_id: int
) -> tuple[Initiative, Plan | None]:
    initiative = initiative_for_org(request.org, initiative_id)
    return initiative, selectors.plan_for(initiative)


@org_view(Capability.MANAGE_INITIATIVES)
def action_create(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative, plan = _initiative_with_plan(request, initiative_id)
    objective = request.GET.get("objective", "")
    form = ActionForm(
        request.POST or None,
        initiative=initiative,
        plan=plan,
        initial={"version": 1, "objective": objective if objective.isdigit() else None},
    )

    def save() -> HttpResponse:
        action = services.action_create(
            initiative=initiative,
            actor=request.membership.user,
            goals=list(form.cleaned_data["goals"]),
            **cast(dict[str, Any], form.changes()),
        )
        messages.success(request, _("The action is added to the draft."))
        return redirect_page(request, _plan_url(request, initiative.pk) + f"#action-{action.pk}")

    context = {"initiative": initiative, "action": None}
    return _edit_page(request, form, "plans/action_form.html", context, save)


@org_view()
@require_GET
def action_detail(request: OrgRequest, initiative_id: int, action_id: int) -> HttpResponse:
    """One action: its row for htmx (the edit form's Cancel), else its own page."""
    action = selectors.action_for(request.org, initiative_id, action_id)
    context = {
        "action": action,
        "initiative": action.plan.initiative,
        "today": request.org.today(),
        "can_manage": _manage(request),
        "plan_url": _plan_url(request, initiative_id),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "plans/_action.html", context)
    return render(request, "plans/action_detail.html", context)


@org_view(Capability.MANAGE_INITIATIVES)
def action_edit(request: OrgRequest, initiative_id: int, action_id: int) -> HttpResponse:
    """The action's form: in place of its row for htmx, else on its own page."""
    action = selectors.action_for(request.org, initiative_id, action_id)
    initiative = action.plan.initiative
    form = ActionForm(
        request.POST or None,
        initiative=initiative,
        plan=action.plan,
        initial=ActionForm.initial_for(action),
        # In place, the form sits in the plan page beside its filters: ids of its own.
        auto_id=f"id_action{action.pk}_%s" if request.htmx else "id_%s",  # type: ignore[attr-defined]
    )

    def save() -> HttpResponse:
        version = form.cleaned_data["version"]
        if "remove" in request.POST:
            services.action_remove(action=action, actor=request.membership.user, version=version)
            messages.success(request, _("The action is removed from the draft."))
            return redirect_page(request, _plan_url(request, initiative.pk))
        services.action_update(
            action=action,
            actor=request.membership.user,
            version=version,
            changes=form.changes(),
            goals=list(form.cleaned_data["goals"]),
        )
        return _row_answer(request, action)

    template = "plans/_action_form.html" if request.htmx else "plans/action_form.html"  # type: ignore[attr-defined]
    context = {"initiative": initiative, "action": action, "in_place": bool(request.htmx)}  # type: ignore[attr-defined]
    return _edit_page(request, form, template, context, save)


@org_view()
@require_GET
def timeline(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative, plan = _initiative_with_plan(request, initiative_id)
    actions = list(
        selectors.actions(plan).order_by(
            "objective__position", "objective_id", "start_date", "due_date", "pk"
        )
    )
    no_objective = gettext("No objective")
    bars = [
        gantt.Bar(
            key=str(action.pk),
            label=action.title,
            group=action.objective.title if action.objective else no_objective,
            status=action.status,
            status_label=str(action.get_status_display()),
            start=action.start_date,
            end=action.due_date,
            owner=action.owner.display_name if action.owner else "",
        )
        for action in actions
    ]
    dated = [bar for bar in bars if bar.start or bar.end]
    spec = gantt.timeline_spec(
        dated,
        today=request.org.today(),
        title=gettext("Timeline of “%(title)s”") % {"title": initiative.title},
        labels={
            "action": gettext("Action"),
            "objective": gettext("Objective"),
            "owner": gettext("Owner"),
            "status": gettext("Status"),
            "start": gettext("Start"),
            "due": gettext("Due"),
        },
        description=gettext(
            "A bar for each of %(count)s dated actions, from its start to its due date."
        )
        % {"count": len(dated)},
    )
    context = {
        "initiative": initiative,
        "spec": spec,
        "dated": dated,
        "undated": len(bars) - len(dated),
        "actions": actions,
    }
    return render(request, "plans/timeline.html", context)


@org_view()
@require_GET
def export(request: OrgRequest, initiative_id: int, file_format: str) -> HttpResponseBase:
    initiative, plan = _initiative_with_plan(request, initiative_id)
    actions = selectors.actions(plan).order_by(
        "objective__position", "objective_id", "position", "pk"
    )
    return exports.export_response(initiative, list(actions), file_format)


@org_view()
@require_GET
def my_actions(request: OrgRequest) -> HttpResponse:
    today = request.org.today()
    rows = list(selectors.my_actions(request.org, request.membership.user, today)[:500])
    return render(
        request,
        "plans/my_actions.html",
        {"actions": rows, "today": today, "overdue": sum(1 for a in rows if a.is_overdue(today))},
    )
