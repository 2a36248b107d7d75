"""Web pages of the plan's revisions: the list, saving the draft as a revision (with its
rationale and evidence), one revision, comparing any two side by side, and restoring one
as the start of a new draft."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from stepback.accounts.roles import Capability
from stepback.core.access import OrgRequest, org_view
from stepback.core.htmx import redirect_page
from stepback.initiatives.selectors import initiative_for_org
from stepback.plans import compare, evidence, selectors, services, words
from stepback.plans.forms import CompareForm, RevisionForm
from stepback.plans.models import Action, Plan
from stepback.plans.pages import conflict_message
from stepback.plans.snapshots import plan_snapshot

DRAFT = 0  # the number the compare page gives the plan as it stands


def _url(request: OrgRequest, name: str, initiative_id: int, **kwargs: Any) -> str:
    return reverse(
        f"plans:{name}", kwargs={"org": request.org.slug, "initiative_id": initiative_id, **kwargs}
    )


@org_view()
@require_GET
def revision_list(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    plan = selectors.plan_for(initiative)
    revisions = list(selectors.revisions(plan))
    for revision in revisions:
        revision.summary_text = words.summary(revision.summary)  # type: ignore[attr-defined]
    changes = selectors.draft_changes(plan)
    return render(
        request,
        "plans/revision_list.html",
        {
            "initiative": initiative,
            "revisions": revisions,
            "has_draft": bool(changes),
            "draft_summary": words.summary(compare.summarise(changes)),
            "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
        },
    )


@org_view(Capability.MANAGE_INITIATIVES)
def revision_create(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """Save the draft as a revision. A revision saved by someone else meanwhile is a
    conflict: the form comes back based on it (rebased), the rationale kept."""
    initiative = initiative_for_org(request.org, initiative_id)
    plan = selectors.plan_for(initiative)
    head = plan.head_number if plan else 0
    form = RevisionForm(request.POST or None, initiative=initiative, initial={"base_number": head})
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.revision_save(
                initiative=initiative,
                actor=request.membership.user,
                rationale=form.cleaned_data["rationale"],
                base_number=form.cleaned_data["base_number"],
                evidence=form.evidence(),
            )
        except services.RevisionConflict as error:
            form.add_error(None, conflict_message(error))
            data = cast(QueryDict, form.data).copy()
            data["base_number"] = str(error.head.number if error.head else 0)
            form.data = data
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Revision %(number)s is saved.") % {"number": revision.number}
            )
            return redirect_page(
                request, _url(request, "revision", initiative.pk, number=revision.number)
            )
    changes = selectors.draft_changes(plan)
    context = {
        "initiative": initiative,
        "form": form,
        "head_number": head,
        "has_draft": bool(changes),
        "draft_summary": words.summary(compare.summarise(changes)),
    }
    return render(request, "plans/revision_form.html", context, status=400 if form.errors else 200)


@org_view()
@require_GET
def revision_detail(request: OrgRequest, initiative_id: int, number: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    plan = selectors.plan_for(initiative)
    revision = selectors.revision_for(plan, number)
    cited = list(revision.evidence.all())
    kinds = {kind: spec.label for kind, spec in evidence.KINDS.items()}
    return render(
        request,
        "plans/revision_detail.html",
        {
            "initiative": initiative,
            "revision": revision,
            "summary": words.summary(revision.summary),
            "evidence": [(kinds.get(e.kind, e.kind), e) for e in cited],
            "actions": len(revision.snapshot.get("actions", {})),
            "objectives": len(revision.snapshot.get("objectives", {})),
            "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
        },
    )


@org_view(Capability.MANAGE_INITIATIVES)
def revision_restore(request: OrgRequest, initiative_id: int, number: int) -> HttpResponse:
    """Ask first (GET), then make the draft what the revision was (POST)."""
    initiative = initiative_for_org(request.org, initiative_id)
    plan = selectors.plan_for(initiative)
    revision = selectors.revision_for(plan, number)
    if request.method == "POST":
        services.plan_restore(initiative=initiative, actor=request.membership.user, number=number)
        messages.success(
            request,
            _("The draft is now revision %(number)s. Save it as a revision to keep it.")
            % {"number": number},
        )
        return redirect_page(request, _url(request, "plan", initiative.pk))
    return render(
        request, "plans/revision_restore.html", {"initiative": initiative, "revision": revision}
    )


def _snapshot(plan: Plan | None, number: int) -> dict[str, Any]:
    if number == DRAFT:
        return plan_snapshot(plan)
    return selectors.revision_for(plan, number).snapshot


def _side_by_side(
    changes: compare.SectionChanges, names: dict[str, dict[Any, str]], titles: dict[str, str]
) -> list[dict[str, Any]]:
    """Each changed row as the template shows it: its title, then field by field the value
    before and after (named, not ids), texts as a word diff."""
    rows = []
    for kind, source in (("added", changes.added), ("removed", changes.removed)):
        for row_id, row in source.items():
            rows.append({"id": row_id, "kind": kind, "title": row.get("title", ""), "fields": []})
    for row_id, fields in changes.changed.items():
        shown = []
        for name, (old, new) in fields.items():
            if name == "position":
                continue
            entry: dict[str, Any] = {
                "name": name,
                "before": _named(names, name, old),
                "after": _named(names, name, new),
            }
            if name in compare.TEXT_FIELDS:
                entry["diff"] = compare.word_diff(old or "", new or "")
            shown.append(entry)
        if shown:
            rows.append(
                {"id": row_id, "kind": "changed", "title": titles.get(row_id, ""), "fields": shown}
            )
    return rows


def _named(names: dict[str, dict[Any, str]], field: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if field == "goals":
        return ", ".join(
            names["goals"].get(pk, gettext("goal %(id)s") % {"id": pk}) for pk in value
        )
    if field in ("owner", "objective"):
        return names[field].get(value, gettext("#%(id)s") % {"id": value})
    if field in compare.DATE_FIELDS:
        return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if field == "status":
        return str(dict(Action.Status.choices).get(value, value))
    return str(value)


@org_view()
@require_GET
def revision_compare(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """Any two revisions side by side (``?a=2&b=3``; 0 is the draft)."""
    initiative = initiative_for_org(request.org, initiative_id)
    plan = selectors.plan_for(initiative)
    head = plan.head_number if plan else 0
    form = CompareForm(request.GET or {"a": max(head - 1, 0), "b": head})
    choices = [(DRAFT, gettext("The draft"))] + [
        (n, gettext("Revision %(number)s") % {"number": n}) for n in range(head, 0, -1)
    ]
    context: dict[str, Any] = {"initiative": initiative, "form": form, "choices": choices}
    if form.is_valid():
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
        old, new = _snapshot(plan, a), _snapshot(plan, b)
        comparison = compare.compare(old, new)
        names = selectors.names(request.org, initiative)
        sides = {}
        for section in compare.SECTIONS:
            rows = {**old.get(section, {}), **new.get(section, {})}
            titles = {row_id: row.get("title", "") for row_id, row in rows.items()}
            sides[section] = _side_by_side(comparison[section], names, titles)
        context.update(a=a, b=b, summary=words.summary(compare.summarise(comparison)), **sides)
    return render(request, "plans/compare.html", context, status=200 if form.is_valid() else 400)
